"""Choosing and fitting the probability calibrator on validation rows.

Isotonic regression is flexible but needs data; Platt scaling (a logistic fit on the
margin) is stable on small sets; a booster trained on log loss is often calibrated
already ("none": the sigmoid of the margin). All three are scored by 2-fold cross-fitting
on the validation rows (Brier score) and the best one is refitted on all of them.

Too few churners (or stayers) to calibrate on stop the run rather than fall back to
Platt or "none": a calibrator fitted on one churner of 599 (Sakila's 14-day horizon)
prints probabilities a retention team would act on with nothing behind them, and the
same validation rows choose the booster's rounds. So `calibration_shortfall` is the one
test: the protocols apply it before fitting, to name the cutoff and what to change, and
`fit_calibrator` applies it again for any other caller.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from churn.model import Calibrator

METHODS = ("isotonic", "platt", "none")
MIN_CLASS_ROWS = 2
"""Churners, and non-churners, a calibrator needs at least: the 2-fold cross-fitting
scores each method on a fold that must hold one of each."""


def calibration_shortfall(y: np.ndarray | pd.Series, *, share: float = 1.0) -> str | None:
    """What `y` lacks when a stratified `share` of it is calibrated on ("holds 1 churner
    of 599: calibration needs at least 2 of each"), or None when nothing: a share needs
    `MIN_CLASS_ROWS / share` of each class (rounded up) for its stratified part to keep
    `MIN_CLASS_ROWS`."""
    y = np.asarray(y, dtype=int)
    churners = int(y.sum())
    needed = math.ceil(MIN_CLASS_ROWS / share - 1e-9)
    if min(churners, len(y) - churners) >= needed:
        return None
    said = f"holds {churners:,} churner{'' if churners == 1 else 's'} of {len(y):,}"
    if share < 1:
        return f"{said}: calibrating on {share:.0%} of them needs at least {needed} of each"
    return f"{said}: calibration needs at least {needed} of each"


def _fit(method: str, margin: np.ndarray, y: np.ndarray) -> Calibrator:
    if method == "none":
        return Calibrator("none", None)
    if method == "isotonic":
        return Calibrator("isotonic", _isotonic(margin, y))
    model = LogisticRegression(C=1e6, max_iter=1000)
    return Calibrator("platt", model.fit(margin.reshape(-1, 1), y))


def _isotonic(margin: np.ndarray, y: np.ndarray) -> IsotonicRegression:
    """Isotonic steps, each read with one more row at the rows' churn rate (a prior worth
    one customer), then made monotone again: a step is a plain average, and at the ends
    of the margin range it may hold a handful of customers who all stayed (or all left),
    whom it would promise 0 (or 1). On Retail Rocket's visitors such an end step put the
    most active at 0.001 while visitors like them left 73% of the time. A step of 8
    stayers at a 75% churn rate now reads 0.08; one of 1,000 rows moves by under 0.001,
    and the probabilities still average about the churn rate (a prior at 0.5 had lifted
    7.3% to 8.2% on 200 rows)."""

    def fitted(target: np.ndarray) -> IsotonicRegression:
        model = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
        return model.fit(margin, target)

    steps = fitted(y.astype(np.float64))
    _, step = np.unique(steps.predict(margin), return_inverse=True)
    rows, churners = np.bincount(step), np.bincount(step, weights=y)
    return fitted(((churners + y.mean()) / (rows + 1.0))[step])


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
    if short := calibration_shortfall(y):
        raise ValueError(f"validation {short}")
    scores = {m: _cross_fitted_brier(m, margin, y, seed) for m in METHODS}
    best = min(scores, key=scores.get)
    return _fit(best, margin, y), {f"calibration_brier_{m}": s for m, s in scores.items()}
