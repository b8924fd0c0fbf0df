"""--tune: the search stays inside the training cutoffs and its choice reaches the model."""

import numpy as np
import pandas as pd
import pytest

from features.contract import load_config
from features.registry import FeatureSpec, Mechanism
from features.sources import load_tables
from tests.training.datasets import simulated
from training.protocol import out_of_time
from training.tune import GRID, tune_params


def _rows(cutoffs: list[str], n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    parts = []
    for cutoff in cutoffs:
        x = rng.normal(size=n)
        churned = rng.random(n) < 1 / (1 + np.exp(-2 * x))
        ids = [f"c{i}" for i in range(n)]  # the same customers at every cutoff
        parts.append(
            pd.DataFrame(
                {"customer_id": ids, "cutoff": pd.Timestamp(cutoff), "x": x, "churned": churned}
            )
        )
    return pd.concat(parts, ignore_index=True)


SPECS = [FeatureSpec("x", "float", Mechanism.RECENCY, "signal")]


def test_search_scores_every_grid_point_on_the_last_training_cutoff():
    train = _rows(["2024-01-31", "2024-02-29", "2024-03-31"], 400, seed=0)
    best, trials = tune_params(train, SPECS, seed=1, max_rounds=50, validation_share=0.25)
    assert len(trials) == len(GRID)
    assert set(best) == set(GRID[0])
    assert min(t["log_loss"] for t in trials) == next(
        t["log_loss"] for t in trials if all(t[k] == v for k, v in best.items())
    )


def test_search_needs_two_training_cutoffs():
    with pytest.raises(ValueError, match="at least two training cutoffs"):
        tune_params(
            _rows(["2024-01-31"], 100, seed=0), SPECS, seed=1, max_rounds=10, validation_share=0.25
        )


@pytest.mark.slow
def test_the_search_choice_reaches_the_fitted_model(tmp_path):
    """End to end, as `churn train --tune` runs it (a missing argument once made every
    tuned run a TypeError)."""
    config = load_config(simulated(tmp_path, customers=600, months=18, seed=2))
    outcome = out_of_time(load_tables(config), config, tune=True)
    assert {k: outcome.fitted.params[k] for k in GRID[0]} in GRID
    assert outcome.fitted.booster.num_boosted_rounds() >= 1
