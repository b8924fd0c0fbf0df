"""The customer simulator: synthetic data with a known churn probability (the oracle).

Every mechanism of DOMAIN.md has a hidden cause here and a visible trace in the files:
purchase rhythms (orders.py), partial defection (phases.py, orders.py), wallet share and
relationship type (population.py, retail.py), service quality and misleading surveys
(service.py), lifecycle and discount sensitivity (retail.py, subscription.py), seasonality
(timeline.py). `simulate` returns frames; `simulate_to_dir` writes them with a churn.yaml.

truth.parquet has one row per (customer_id, cutoff) for every month end of the span,
`horizon_observed` telling whether the label window ends inside it. Retail rows: every
customer signed up by the cutoff, `p_churn` = P(no purchase in the window), 1 once gone.
Subscription rows: subscribers at the cutoff, `p_churn` = P(cancelling in the window).
"""

from features.simulate.api import simulate, simulate_to_dir
from features.simulate.frames import SimulatedData

__all__ = ["SimulatedData", "simulate", "simulate_to_dir"]
