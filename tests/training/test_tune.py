"""--tune: the search stays inside the training rows (the training cutoffs, or for a
labelled snapshot folds of the training customers) and its choice reaches the model."""

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from features.contract import load_config
from features.registry import FeatureSpec, Mechanism
from features.sources import load_tables
from tests.training.datasets import simulated, telecom_snapshot
from training import protocol
from training.model import DEPTHS, booster_params
from training.protocol import out_of_time
from training.report import build_report, print_report
from training.tune import (
    FOLD_DEPTHS,
    FOLDS,
    GRID,
    SHALLOW_DEPTHS,
    candidates,
    depth_by_folds,
    tune_params,
    tune_params_by_folds,
)


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
    search = tune_params(train, SPECS, seed=1, max_rounds=50, validation_share=0.25)
    best, trials = search.best, search.trials
    assert "last training cutoff, 2024-03-31" in search.by
    assert len(trials) == len(candidates(train["churned"].to_numpy(dtype=int)))
    assert set(best) == set(GRID[0])
    assert min(t["log_loss"] for t in trials) == next(
        t["log_loss"] for t in trials if all(t[k] == v for k, v in best.items())
    )


def test_the_untuned_defaults_are_candidates_too():
    """Depth 6 with small leaves, an untuned run's choice on E Commerce, was out of
    `--tune`'s reach: it chose depth 5 and tested 0.9637 against the defaults' 0.9712."""
    y = np.r_[np.ones(150), np.zeros(850)].astype(int)
    points = candidates(y)
    assert points[: len(GRID)] == GRID
    for depth in (*SHALLOW_DEPTHS, *DEPTHS):  # shallow: IBM HR's additive churn
        default = {k: booster_params(y, {"max_depth": depth})[k] for k in GRID[0]}
        assert default in points
    assert len({tuple(sorted(p.items())) for p in points}) == len(points)


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
    chosen = {k: outcome.fitted.params[k] for k in GRID[0]}
    assert chosen == outcome.tuning.best
    assert chosen in [{k: t[k] for k in GRID[0]} for t in outcome.tuning.trials]
    assert outcome.fitted.booster.num_boosted_rounds() >= 1


def test_a_snapshot_is_searched_over_folds_of_its_customers():
    train = _rows(["2024-06-30"], 600, seed=3)
    search = tune_params_by_folds(train, SPECS, seed=1, max_rounds=50)
    assert len(search.trials) == len(candidates(train["churned"].to_numpy(dtype=int)))
    assert search.by == f"log loss over {FOLDS} folds of the 600 training customers"
    assert min(t["log_loss"] for t in search.trials) == next(
        t["log_loss"] for t in search.trials if all(t[k] == v for k, v in search.best.items())
    )


def test_a_snapshots_depth_is_chosen_over_folds_keeping_the_configs_parameters():
    """One signal column adds up on its own: no depth beats the default by 1%, or a
    shallower one does; every fold fit reads the config's own leaf size and rate (they
    had been the defaults, and the model was then fitted with the config's)."""
    train = _rows(["2024-06-30"], 600, seed=3)
    given = {"min_child_weight": 40, "learning_rate": 0.05, "max_depth": 9}
    search = depth_by_folds(train, SPECS, seed=1, max_rounds=50, params=given)
    assert [t["max_depth"] for t in search.trials] == list(FOLD_DEPTHS)
    assert all(t["min_child_weight"] == 40 and t["learning_rate"] == 0.05 for t in search.trials)
    assert search.best["max_depth"] in FOLD_DEPTHS  # the config's depth is no candidate
    assert search.by == f"log loss over {FOLDS} folds of the 600 training customers"


@pytest.mark.slow
def test_tune_on_a_labelled_snapshot_searches_the_training_customers_only(
    tmp_path, monkeypatch, capsys
):
    """`churn train --tune` on a label_column snapshot was silently the defaults: now it
    searches folds of the training customers, leaves validation and test to judge, and
    says what it chose."""
    searched = []

    def spy(train, *args, **kwargs):
        searched.append(train)
        return tune_params_by_folds(train, *args, **kwargs)

    monkeypatch.setattr(protocol, "tune_params_by_folds", spy)
    config = load_config(telecom_snapshot(tmp_path, customers=800))
    tables = load_tables(config)
    outcome = out_of_time(tables, config, tune=True)
    (rows,) = searched
    assert set(rows["customer_id"]) == set(outcome.train["customer_id"])
    assert set(rows["customer_id"]).isdisjoint(outcome.scored["customer_id"])
    assert {k: outcome.fitted.params[k] for k in GRID[0]} == outcome.tuning.best
    report = build_report(outcome, tables, config)
    assert report["tuning"]["params"] == outcome.tuning.best
    print_report(Console(width=200), report)
    assert f"--tune chose max_depth {outcome.tuning.best['max_depth']}" in capsys.readouterr().out
