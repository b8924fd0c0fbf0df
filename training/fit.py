"""Fit the model and its baselines on one (train, validation) pair; score any rows.

Both evaluation protocols (out-of-time and customer folds) and `churn train` go through
here, so the model and the baselines always see exactly the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.pipeline import Pipeline

from churn.model import Calibrator, FeatureLayout
from features.contract import RunConfig
from features.registry import FeatureSpec
from training.baselines import fit_logreg, predict_logreg, recency_score
from training.calibrate import fit_calibrator, fit_platt
from training.holdout import fit_booster_on_unseen


@dataclass(frozen=True)
class Fitted:
    layout: FeatureLayout
    booster: xgb.Booster
    calibrator: Calibrator
    calibration: dict[str, float]
    logreg: Pipeline
    recency: Calibrator | None
    """Platt scaling of log(1 + days since last purchase); None without transactions."""
    usage_recency: Calibrator | None
    """The same on days since the last usage event; None without a usage log."""
    bgnbd: Calibrator | None
    """Platt scaling of log(1 + BG/NBD expected purchases); None without transactions."""
    params: dict[str, float | int | str]
    """The XGBoost parameters the booster was fitted with (its depth as chosen)."""
    depth_losses: dict[int, float]
    """The validation log loss at each depth tried (`training.model.DEPTHS`, or a small
    snapshot's `training.tune.FOLD_DEPTHS` over folds); empty where the config or
    `--tune` set the depth."""
    depth_by: str = "the validation rows"
    """What chose the depth among `depth_losses`."""


def booster_margin(booster: xgb.Booster, layout: FeatureLayout, rows: pd.DataFrame) -> np.ndarray:
    return booster.predict(layout.dmatrix(rows), output_margin=True)


PURCHASE_RECENCY = "days_since_last_purchase"
USAGE_RECENCY = "days_since_last_event"


def _log_recency(rows: pd.DataFrame, column: str = PURCHASE_RECENCY) -> np.ndarray:
    return np.log1p(np.maximum(recency_score(rows, column), 0.0))


BGNBD_SCORE = "expected_purchases_horizon_bgnbd"


def _log_expected(rows: pd.DataFrame) -> np.ndarray:
    return np.log1p(rows[BGNBD_SCORE].fillna(0.0).to_numpy(dtype=np.float64))


def fit_all(
    train: pd.DataFrame, validation: pd.DataFrame, specs: list[FeatureSpec], config: RunConfig
) -> Fitted:
    """Booster with early stopping and a calibrator on `validation`; baselines on `train`."""
    seed = config.evaluation.seed
    layout = FeatureLayout.learn(train, specs)
    boosted = fit_booster_on_unseen(
        layout,
        train,
        validation,
        share=config.evaluation.validation_share,
        seed=seed,
        params=config.training.params,
        max_rounds=config.training.max_rounds,
        early_stopping_rounds=config.training.early_stopping_rounds,
    )
    booster = boosted.booster
    y_val = validation["churned"].to_numpy(dtype=int)
    margin = booster_margin(booster, layout, validation)
    calibrator, calibration = fit_calibrator(margin, y_val, seed=seed)
    recency, usage_recency = (
        fit_platt(_log_recency(validation, column), y_val) if column in layout.names else None
        for column in (PURCHASE_RECENCY, USAGE_RECENCY)
    )
    logreg = fit_logreg(train, specs, seed=seed)
    has_bgnbd = BGNBD_SCORE in layout.names
    bgnbd = fit_platt(_log_expected(validation), y_val) if has_bgnbd else None
    return Fitted(
        layout, booster, calibrator, calibration, logreg, recency, usage_recency, bgnbd,
        boosted.params, boosted.depth_losses,
    )  # fmt: skip


def score_all(
    fitted: Fitted, rows: pd.DataFrame, specs: list[FeatureSpec]
) -> dict[str, np.ndarray]:
    """Calibrated probabilities of the model and each baseline for `rows`."""
    scores = {
        "model": fitted.calibrator(booster_margin(fitted.booster, fitted.layout, rows)),
        "logreg": predict_logreg(fitted.logreg, rows, specs),
    }
    if fitted.recency is not None:
        scores["recency"] = fitted.recency(_log_recency(rows))
    if fitted.usage_recency is not None:
        scores["usage_recency"] = fitted.usage_recency(_log_recency(rows, USAGE_RECENCY))
    if fitted.bgnbd is not None:
        scores["bgnbd"] = fitted.bgnbd(_log_expected(rows))
    return scores
