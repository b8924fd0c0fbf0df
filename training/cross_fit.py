"""Fitting a labelled snapshot's fold boosters (`churn.cross_fit` says why they exist).

Each booster is fitted on the served booster's training rows but one fold, with its
parameters and its number of rounds scaled to the rows (as `fit_booster_on_unseen` scales
a refit), so it is the served booster as near as the rows allow; folds keep rows
identical in every feature together (`training/duplicates.py`), as the split does.

Their calibrator is fitted on the validation rows, as the served booster's is, each
scored by one fold booster drawn at random (as a fitted row is scored by one): fitted on
the training rows' own out-of-fold margins, an isotonic calibrator's steps would carry
those rows' labels back into their scores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from churn.cross_fit import CrossFit
from churn.trained_rows import KEPT_ROWS
from training.calibrate import calibration_shortfall, fit_calibrator
from training.duplicates import grouped_folds
from training.fit import Fitted, booster_margin
from training.model import fit_booster

FOLDS = 5
"""Fold boosters: each is fitted on 80% of the served booster's rows, near enough to it
that a fitted row's out-of-fold score reads like an unseen customer's."""


@dataclass(frozen=True)
class CrossFitted:
    cross_fit: CrossFit
    folds: np.ndarray
    """Per training row (by position), the fold whose booster never saw it."""
    probability: np.ndarray
    """Per training row, its calibrated out-of-fold probability."""

    def summary(self, churned: np.ndarray) -> dict[str, float | int]:
        """What the report says of them: folds, rows and the out-of-fold ROC AUC, which
        reads like the test's where the fitted rows' scores are predictions."""
        return {
            "folds": self.cross_fit.folds,
            "rows": len(self.folds),
            "roc_auc": float(roc_auc_score(churned, self.probability)),
        }


def fit_cross(
    train: pd.DataFrame,
    validation: pd.DataFrame,
    groups: np.ndarray,
    fitted: Fitted,
    *,
    seed: int,
) -> CrossFitted | None:
    """Fold boosters on `train` (the served booster's rows; `groups` by position) and
    their calibrator on `validation`; None where the rows hold too few churners or
    stayers to fold and calibrate (fewer than 2 folds, `calibration_shortfall`), and
    past `KEPT_ROWS` training rows, which the model cannot all tell again."""
    y = train["churned"].to_numpy(dtype=int)
    y_validation = validation["churned"].to_numpy(dtype=int)
    folds = min(FOLDS, int(y.sum()), int(len(y) - y.sum()))
    if folds < 2 or len(y) > KEPT_ROWS or calibration_shortfall(y_validation):
        return None
    rounds = fitted.booster.num_boosted_rounds()
    margin = np.zeros(len(train))
    fold_of = np.full(len(train), -1, dtype=np.int8)
    boosters = []
    for fold, (rest, held) in enumerate(grouped_folds(y, groups, folds=folds, seed=seed)):
        booster = fit_booster(
            fitted.layout,
            train.iloc[rest],
            None,
            params=fitted.params,
            max_rounds=max(1, round(rounds * len(rest) / len(train))),
            seed=seed,
        )
        margin[held] = booster_margin(booster, fitted.layout, train.iloc[held])
        fold_of[held] = fold
        boosters.append(booster)
    drawn = np.random.default_rng(seed).integers(0, folds, len(validation))
    validation_margin = np.zeros(len(validation))
    for fold, booster in enumerate(boosters):
        rows = np.flatnonzero(drawn == fold)
        validation_margin[rows] = booster_margin(booster, fitted.layout, validation.iloc[rows])
    calibrator, _ = fit_calibrator(validation_margin, y_validation, seed=seed)
    return CrossFitted(CrossFit(tuple(boosters), calibrator), fold_of, calibrator(margin))
