"""`python -m churn`: the same command line as the `churn` script."""

from churn.cli import app

app(prog_name="churn")
