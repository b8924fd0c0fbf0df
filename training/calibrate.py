"""Choosing and fitting the probability calibrator on validation rows.

Isotonic regression is flexible but needs data; Platt scaling (a logistic fit on the
margin) is stable on small sets; a booster trained on log loss is often calibrated
already ("none": the sigmoid of the margin). All three are scored by 2-fold cross-fitting
on the validation rows (Brier score) and the best one is refitted on all of them.
"""

from __future__ import annotations

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from churn.model import Calibrator

METHODS = ("isotonic", "platt", "none")


def _fit(method: str, margin: np.ndarray, y: np.ndarray) -> Calibrator:
    if method == "none":
        return Calibrator("none", None)
    if method == "isotonic":
        model = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
        return Calibrator("isotonic", model.fit(margin, y))
    model = LogisticRegression(C=1e6, max_iter=1000)
    return Calibrator("platt", model.fit(margin.reshape(-1, 1), y))


def fit_platt(score: np.ndarray, y: np.ndarray) -> Calibrator:
    """A logistic map of a one-dimensional score to a probability."""
    return _fit("platt", np.asarray(score, dtype=np.float64), np.asarray(y, dtype=int))


def _cross_fitted_brier(method: str, margin: np.ndarray, y: np.ndarray, seed: int) -> float:
    folds = StratifiedKFold(n_splits=2, shuffle=True, random_state=seed)
    losses = []
    for fit_idx, score_idx in folds.split(margin, y):
        calibrator = _fit(method, margin[fit_idx], y[fit_idx])
        losses.append(np.mean((calibrator(margin[score_idx]) - y[score_idx]) ** 2))
    return float(np.mean(losses))


def fit_calibrator(margin: np.ndarray, y: np.ndarray, *, seed: int = 42) -> tuple[Calibrator, dict]:
    """The better of isotonic and Platt on these rows, refitted on all of them."""
    y = np.asarray(y, dtype=int)
    if len(np.unique(y)) < 2 or min(np.bincount(y)) < 2:
        raise ValueError("calibration needs both churners and non-churners in validation")
    scores = {m: _cross_fitted_brier(m, margin, y, seed) for m in METHODS}
    best = min(scores, key=scores.get)
    return _fit(best, margin, y), {f"calibration_brier_{m}": s for m, s in scores.items()}
