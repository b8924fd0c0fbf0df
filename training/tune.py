"""`--tune`: a small, time-aware hyperparameter search.

Candidates are scored out of time *inside* the training cutoffs: fit on all but the last
training cutoff, score on the last one's held-out customers (early stopping there too;
`training/holdout.py` says why they are held out). The validation and test
cutoffs stay untouched, so the later calibration and the reported test metrics remain
honest. The grid is small on purpose: depth and leaf size matter most for boosted trees.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import log_loss

from churn.model import FeatureLayout
from features.registry import FeatureSpec
from training.holdout import held_out
from training.model import fit_booster

GRID: list[dict[str, float | int]] = [
    {"max_depth": depth, "min_child_weight": leaf, "colsample_bytree": columns}
    for depth in (3, 5)
    for leaf in (5, 20)
    for columns in (0.5, 0.8)
]


def tune_params(
    train: pd.DataFrame,
    specs: list[FeatureSpec],
    *,
    seed: int,
    max_rounds: int,
    validation_share: float,
) -> tuple[dict[str, float | int], list[dict]]:
    """The grid point with the lowest log loss on the last training cutoff, and all scores."""
    cutoffs = sorted(train["cutoff"].unique())
    if len(cutoffs) < 2:
        raise ValueError("--tune needs at least two training cutoffs (training.cutoffs >= 2)")
    inner_train, inner_valid = held_out(
        train[train["cutoff"] < cutoffs[-1]],
        train[train["cutoff"] == cutoffs[-1]],
        share=validation_share,
        seed=seed,
    )
    layout = FeatureLayout.learn(inner_train, specs)
    y = inner_valid["churned"].to_numpy(dtype=int)
    matrix = layout.dmatrix(inner_valid)
    trials = []
    for params in GRID:
        booster = fit_booster(
            layout, inner_train, inner_valid, params=params, max_rounds=max_rounds, seed=seed
        )
        p = np.clip(booster.predict(matrix), 1e-6, 1 - 1e-6)
        trials.append({**params, "log_loss": float(log_loss(y, p)),
                       "rounds": booster.num_boosted_rounds()})  # fmt: skip
    best = min(trials, key=lambda t: t["log_loss"])
    return {k: best[k] for k in GRID[0]}, trials
