"""Fitting the XGBoost booster with early stopping on a later validation slice.

Defaults are chosen to win without tuning on data of very different shapes: trees of
depth 3 or 6 (`DEPTHS`, chosen on validation rows), row and column subsampling, a small
learning rate and early stopping on the validation log loss (a proper scoring rule, so
the booster stays close to calibrated).
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


DEPTHS = (3, 6)
"""The tree depths a booster is fitted at when the config sets no `max_depth`, the default
first: each stops early on the validation rows, and the deeper one is kept only where its
best round's log loss there is lower by more than `DEPTH_GAIN` (`training/holdout.py`),
as early stopping keeps the rounds. Interactions of several columns need depth: on the
Kaggle E Commerce snapshot depth 3 tested at ROC AUC 0.951 and depth 6 at 0.971 (mean of
5 splits; the log loss on validation 17-29% lower), where a logistic regression reached
0.890. Depth 6 alone lost 0.005 on a simulated telecom snapshot whose churn is linear in
its columns (3,150 customers, 10 splits: depth 3 is kept on every one), and was within
0.0015 of depth 3 on Sparkify's users, the demo, CDNOW and a simulated subscription. A
labelled snapshot of up to `training.tune.FOLD_DEPTH_ROWS_AT_MOST` training rows chooses
among depths 1, 2, 3 and 6 by folds of its customers instead (`depth_by_folds`): one
validation set of a few hundred rows could not tell that IBM's HR attrition needs no
interactions."""
DEPTH_GAIN = 0.01
"""How much lower (as a share) a deeper forest's validation log loss must be to be kept:
its TreeSHAP costs about six times as much per row (`churn score` on the demo took 11.2 s
against 7.1 s), and gains under 1% (Sparkify's users 0.4-0.8%, the demo 0.4-0.7%) tested
within the noise of the booster's own seed (0.002 ROC AUC on Sparkify's users)."""
MIN_CHILD_WEIGHT_MAX = 20.0
LEAF_SHARE_OF_FULL_TREE = 8
"""How many times smaller than a full tree's equal share of the Hessian mass a leaf may
be (`min_child_weight`): small enough for a rare flag's customers to get leaves of
their own."""


def min_child_weight(y: np.ndarray, max_depth: int) -> float:
    """XGBoost's `min_child_weight` for these labels: an eighth of the Hessian mass at the
    base rate (n x p(1-p)) shared by the 2^max_depth leaves of a full tree, between 1 and
    20 (at depth 3, 1/64 of the mass; at depth 6, 1/512: E Commerce's 472 asks for 1, and
    its depth-6 trees tested 0.009 better than with depth 3's 7.4, 3 splits).

    The weight is in Hessian units, so a fixed 20 asks a leaf of a 15%-churn data set for
    about 160 rows: on a snapshot of a few hundred customers hardly a split is possible
    (out of time, a constant model, AUC 0.50 where a logistic regression reached 0.76).
    A full tree's own share (mass / 2^max_depth) was still too much for a rare flag: on
    3,150 telecom customers (1,890 training rows, 17% churn, mass 267) it asked for 33,
    capped at 20, and the 7.7% who had complained (40.6% churn against 15.1%) got no
    leaf (SHAP exactly 0; ROC AUC 0.909 against a logistic regression's 0.941, mean of
    10 splits). The flag's splits came back below about mass / 20 (12 kept them, 16 lost
    them: 0.931 and 0.910); an eighth of the share, 4.2 there, leaves a margin (0.934).
    Large data keep 20 (from about 10,000 rows at 15% churn: the demo, 3,000 simulated
    subscribers over 12 cutoffs); between, it moved ROC AUC by +0.0006 on 10,000 bank
    customers (14.5 for 20, 5 seeds) and +0.002 on 800 simulated subscribers (6.4), where
    leaves hold many rows anyway."""
    base = float(np.mean(y)) if len(y) else 0.5
    mass = len(y) * base * (1.0 - base)
    share = mass / 2**max_depth / LEAF_SHARE_OF_FULL_TREE
    return float(np.clip(share, 1.0, MIN_CHILD_WEIGHT_MAX))


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
