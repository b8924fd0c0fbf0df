"""Fitting the XGBoost booster with early stopping on a later validation slice.

Defaults are chosen to win without tuning on data of very different shapes: shallow-ish
trees with row and column subsampling, a small learning rate and early stopping on the
validation log loss (a proper scoring rule, so the booster stays close to calibrated).
Class imbalance is left to the calibrator rather than reweighting: reweighted
probabilities would need undoing, and rank quality (AUC) does not need it.
"""

from __future__ import annotations

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
    "min_child_weight": 20,
    "subsample": 0.8,
    "colsample_bytree": 0.5,
    "reg_lambda": 1.0,
    "max_cat_to_onehot": 8,
}


def fit_booster(
    layout: FeatureLayout,
    train: pd.DataFrame,
    validation: pd.DataFrame,
    *,
    params: dict[str, float | int | str] | None = None,
    max_rounds: int = 2000,
    early_stopping_rounds: int = 50,
    seed: int = 42,
) -> xgb.Booster:
    """Train on `train`, stop when the validation log loss stops improving."""
    dtrain = layout.dmatrix(train, label=_y(train))
    dvalid = layout.dmatrix(validation, label=_y(validation))
    booster = xgb.train(
        {**DEFAULT_PARAMS, "seed": seed, **(params or {})},
        dtrain,
        num_boost_round=max_rounds,
        evals=[(dvalid, "validation")],
        early_stopping_rounds=early_stopping_rounds,
        verbose_eval=False,
    )
    # keep only the rounds up to the best iteration, so every prediction path agrees
    return booster[: booster.best_iteration + 1]


def _y(frame: pd.DataFrame) -> np.ndarray:
    return frame["churned"].to_numpy(dtype=np.float64)
