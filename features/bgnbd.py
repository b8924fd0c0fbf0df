"""BG/NBD "probability alive" (Fader, Hardie & Lee 2005): the statistical anchor of
non-contractual churn named in DOMAIN.md, used both as a baseline and as a feature.

Each customer buys as a Poisson process with a gamma-distributed rate and may "die"
after any purchase with a beta-distributed probability. From three numbers per customer
as of the cutoff (repeat purchases x, time from first to last purchase t_x, time since
the first purchase T) it yields the probability the customer is still alive and the
expected purchases in the next horizon. Its four population parameters are *learned*, so
the estimator is fitted on training cutoffs only and travels with the model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1
from sklearn.base import BaseEstimator

from features.registry import FeatureSpec, Mechanism
from features.tables import nan_to_zero

if TYPE_CHECKING:
    from features.build import FeatureFrame

DAYS_PER_UNIT = 7.0
"""Weeks keep the rate parameters of ordinary retail data in a well-scaled range."""
INPUTS = ["orders_total", "days_since_first_purchase", "days_since_last_purchase"]

SPECS = [
    FeatureSpec(
        "p_alive_bgnbd",
        "float",
        Mechanism.RECENCY,
        "BG/NBD probability that the customer is still buying from us, from their number "
        "of purchases, recency and age (population parameters fitted on training cutoffs).",
        "{p_alive_bgnbd!p:.0%} likely to still be an active buyer (BG/NBD)",
        # exactly 1 only without a repeat purchase: the model's assumption, not evidence
        reason_one=(
            "no repeat purchase yet, which BG/NBD reads as {p_alive_bgnbd!p:.0%} likely to "
            "still be an active buyer"
        ),
    ),
    FeatureSpec(
        "expected_purchases_horizon_bgnbd",
        "float",
        Mechanism.RECENCY,
        "BG/NBD expected purchases in the churn horizon after the cutoff.",
        "{expected_purchases_horizon_bgnbd!g} purchases expected in the next {horizon_days} "
        "days at their buying rate so far",
    ),
]


def _summary(features: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, t_x, T) in weeks from the feature frame; customers who never bought get x=0."""
    orders = nan_to_zero(features["orders_total"])
    age = np.asarray(features["days_since_first_purchase"], dtype=np.float64)
    silence = np.asarray(features["days_since_last_purchase"], dtype=np.float64)
    big_t = nan_to_zero(age) / DAYS_PER_UNIT + 1.0 / DAYS_PER_UNIT
    t_x = np.clip(nan_to_zero(age - silence) / DAYS_PER_UNIT, 0.0, big_t)
    # repeats are of purchase days: orders all on the first day are no repeat (Olist's
    # basket split into two orders read as a repeat at once, then silence: "0% likely to
    # still be an active buyer", below any one-time buyer)
    x = np.where(t_x > 0, np.maximum(orders - 1.0, 0.0), 0.0)
    return x, t_x, big_t


def _log_likelihood(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray) -> float:
    r, alpha, a, b = np.exp(params)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + big_t)
    a4 = np.where(
        x > 0,
        np.log(a) - np.log(b + np.maximum(x, 1.0) - 1.0) - (r + x) * np.log(alpha + t_x),
        -np.inf,
    )
    return float(np.sum(a1 + a2 + np.logaddexp(a3, a4)))


class BGNBD(BaseEstimator):
    """The BG/NBD model; `fit` takes a feature frame with orders and recency columns."""

    def __init__(self, penalizer: float = 1e-3, max_rows: int = 200_000, random_state: int = 0):
        self.penalizer = penalizer
        self.max_rows = max_rows
        self.random_state = random_state

    def fit(self, features: pd.DataFrame, y: object = None) -> BGNBD:
        rows = features[features["orders_total"] > 0]
        if len(rows) > self.max_rows:
            rows = rows.sample(self.max_rows, random_state=self.random_state)
        x, t_x, big_t = _summary(rows)

        def loss(params: np.ndarray) -> float:
            penalty = self.penalizer * float(np.sum(np.exp(params) ** 2))
            return -_log_likelihood(params, x, t_x, big_t) / len(x) + penalty

        found = minimize(loss, np.zeros(4), method="L-BFGS-B", bounds=[(-8, 8)] * 4)
        self.params_ = np.exp(found.x)
        self.converged_ = bool(found.success)
        return self

    def p_alive(self, features: Mapping[str, Any]) -> np.ndarray:
        r, alpha, a, b = self.params_
        x, t_x, big_t = _summary(features)
        ratio = np.where(
            x > 0,
            a / (b + np.maximum(x, 1.0) - 1.0) * ((alpha + big_t) / (alpha + t_x)) ** (r + x),
            0.0,
        )
        return 1.0 / (1.0 + ratio)

    def expected_purchases(
        self, features: Mapping[str, Any], horizon_days: float, p_alive: np.ndarray | None = None
    ) -> np.ndarray:
        """E[purchases in (T, T + horizon]] given each customer's history (and `p_alive`'s
        answer for it, when the caller has it already)."""
        r, alpha, a, b = self.params_
        x, _, big_t = _summary(features)
        t = horizon_days / DAYS_PER_UNIT
        z = t / (alpha + big_t + t)
        hyper = hyp2f1(r + x, b + x, a + b + x - 1.0, z)
        numerator = 1.0 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * hyper
        scale = (a + b + x - 1.0) / (a - 1.0)  # valid for a < 1 too: both factors flip sign
        alive = self.p_alive(features) if p_alive is None else p_alive
        expected = scale * numerator * alive
        return np.maximum(np.nan_to_num(expected, nan=0.0, posinf=0.0), 0.0)


def fitted_specs(horizon_days: int) -> list[FeatureSpec]:
    """BG/NBD's declarations, as a model trained with it has them: the expected purchases
    say their window in days ("in the coming horizon (BG/NBD)" was a modeller's words)."""
    return [
        spec.renamed(family="bgnbd", reason=_in_days(spec.reason, horizon_days)) for spec in SPECS
    ]


def _in_days(reason: str | None, horizon_days: int) -> str | None:
    return None if reason is None else reason.replace("{horizon_days}", f"{horizon_days:,}")


def fitted_for(names: list[str]) -> bool:
    """Whether features of these names get BG/NBD's: purchases to fit it on."""
    return set(INPUTS) <= set(names)


def complete_bgnbd(
    features: FeatureFrame, *, horizon_days: int, train_cutoffs: list[pd.Timestamp] | None = None
) -> tuple[FeatureFrame, BGNBD | None]:
    """Add BG/NBD features (fitted on `train_cutoffs` rows) when there are transactions."""
    if not fitted_for(features.names):
        return features, None
    frame = features.frame
    train = frame if train_cutoffs is None else frame[frame["cutoff"].isin(train_cutoffs)]
    model = BGNBD().fit(train)
    specs = [*features.specs, *fitted_specs(horizon_days)]
    return replace(features, frame=add_bgnbd(frame, model, horizon_days), specs=specs), model


def bgnbd_columns(
    features: Mapping[str, Any], model: BGNBD, horizon_days: int
) -> dict[str, np.ndarray]:
    """The BG/NBD features of feature rows (a frame or plain columns); NaN for customers
    who never bought (the model says nothing about them)."""
    never = nan_to_zero(features["orders_total"]) == 0
    alive = model.p_alive(features)
    expected = model.expected_purchases(features, horizon_days, alive)
    return {
        "p_alive_bgnbd": np.where(never, np.nan, alive),
        "expected_purchases_horizon_bgnbd": np.where(never, np.nan, expected),
    }


def add_bgnbd(frame: pd.DataFrame, model: BGNBD, horizon_days: int) -> pd.DataFrame:
    return frame.assign(**bgnbd_columns(frame, model, horizon_days))
