"""Where the project's local stores live, shared by training and serving.

The MLflow store is the nearest `mlflow/` folder holding its README at or above the
working directory, so the CLI, notebooks run from `notebooks/` and the server all use
the same `mlflow/mlflow.db` without configuration.
"""

from __future__ import annotations

from pathlib import Path

MLFLOW_DIR = Path("mlflow")


def mlflow_dir() -> Path:
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / MLFLOW_DIR / "README.md").is_file():
            return folder / MLFLOW_DIR
    return here / MLFLOW_DIR


def default_tracking_uri() -> str:
    return f"sqlite:///{mlflow_dir() / 'mlflow.db'}"
