"""The customer simulator: synthetic data with a known churn probability (the oracle).

Every mechanism of DOMAIN.md has a hidden cause here and a visible trace in the files:
purchase rhythms (orders.py), partial defection (phases.py, orders.py), wallet share and
relationship type (population.py, retail.py), service quality and misleading surveys
(service.py), lifecycle and discount sensitivity (retail.py, subscription.py), seasonality
(timeline.py). `simulate` returns frames; `simulate_to_dir` writes them with a churn.yaml.
"""

from features.simulate.api import simulate, simulate_to_dir
from features.simulate.frames import SimulatedData

__all__ = ["SimulatedData", "simulate", "simulate_to_dir"]
