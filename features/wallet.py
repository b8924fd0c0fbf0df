"""Wallet share: the share of the customer's category budget that we capture.

A big customer spending little with us is both at risk and an opportunity (DOMAIN.md).
When the business supplies a wallet per customer, share = spend ÷ wallet. Otherwise the
wallet is estimated as a high conditional quantile of yearly spend among comparable
customers (quantile regression on the customer attributes, default the 90th
percentile). That estimator is *learned*, so it is fitted on training cutoffs only and
travels with the model; the pure build computes the share only for supplied wallets.
Without attributes that tell customers' wallets apart no wallet is estimated: one wallet
for everyone would make the "share" spend over a constant (`comparable`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from features.activity import ratio
from features.context import Context
from features.registry import Columns, Family, FeatureSpec, Mechanism
from features.tables import numbers

if TYPE_CHECKING:
    from features.build import FeatureFrame
    from features.wallet_estimator import QuantileWalletEstimator

SPECS = [
    FeatureSpec(
        "wallet_365d",
        "float",
        Mechanism.WALLET_SHARE,
        "Yearly category budget, supplied by the business.",
        "yearly category budget {wallet_365d!v:,.0f}",
    ),
    FeatureSpec(
        "wallet_share_365d",
        "float",
        Mechanism.WALLET_SHARE,
        "spend_365d ÷ wallet_365d, clipped to [0, 1].",
        "wallet share {wallet_share_365d!p:.0%}",
        reach_days=365,
    ),
]
ESTIMATED_SPECS = [
    FeatureSpec(
        "wallet_365d",
        "float",
        Mechanism.WALLET_SHARE,
        "Estimated yearly category budget: the high quantile of yearly spend among "
        "customers with the same attributes (none supplied).",
        # what comparable customers spend, not a number of this customer's own
        "customers like them spend up to {wallet_365d!v:,.0f} a year",
    ),
    FeatureSpec(
        "wallet_share_365d",
        "float",
        Mechanism.WALLET_SHARE,
        "spend_365d ÷ the estimated wallet_365d, clipped to [0, 1].",
        # "under 1%", not "0%", for a bank account's 700 of turnover beside 1.5M
        "estimated wallet share {wallet_share_365d!p:.0%}",
        reach_days=365,
    ),
]


def share(spend: np.ndarray, wallet: np.ndarray) -> np.ndarray:
    return np.clip(ratio(spend, wallet), 0.0, 1.0)


def _specs(ctx: Context) -> list[FeatureSpec]:
    has_wallet = "wallet" in ctx.tables.customers
    return SPECS if ctx.orders is not None and ctx.spends and has_wallet else []


def _compute(ctx: Context, cutoff_day: int, done: Mapping[str, np.ndarray]) -> Columns:
    wallet = numbers(ctx.tables.customers["wallet"])
    return {"wallet_365d": wallet, "wallet_share_365d": share(done["spend_365d"], wallet)}


FAMILY = Family("wallet", _specs, _compute)


MAX_FIT_ROWS = 100_000
"""A high quantile of spend per peer group is well estimated from this many rows."""
MAX_WALLET_LEVELS = 250
"""Categorical attributes with more levels (ids, free text) cannot define comparable peers."""


CONSTANT = "constant"
"""The wallet regressor's one input when no attribute defines comparable customers."""


def wallet_inputs(features: pd.DataFrame, attributes: list[str]) -> pd.DataFrame:
    """The attributes that define comparable customers; a constant when there are none."""
    usable = [
        a
        for a in attributes
        if not isinstance(features[a].dtype, pd.CategoricalDtype)
        or len(features[a].cat.categories) <= MAX_WALLET_LEVELS
    ]
    if not usable:
        return pd.DataFrame({CONSTANT: np.ones(len(features))}, index=features.index)
    return features[usable]


def fit_wallet(
    features: pd.DataFrame, attributes: list[str], *, quantile: float = 0.9, random_state: int = 0
) -> QuantileWalletEstimator:
    """Fit on rows of *training* cutoffs with spend: the wallet of active customers."""
    active = features[features["spend_365d"] > 0]
    if len(active) > MAX_FIT_ROWS:
        active = active.sample(MAX_FIT_ROWS, random_state=random_state)
    from features.wallet_estimator import QuantileWalletEstimator

    estimator = QuantileWalletEstimator(quantile=quantile, random_state=random_state)
    return estimator.fit(wallet_inputs(active, attributes), active["spend_365d"])


def wallet_columns(
    features: Mapping[str, Any], estimator: QuantileWalletEstimator
) -> dict[str, np.ndarray]:
    """`wallet_365d` (estimated) and `wallet_share_365d` for feature rows (a frame or plain
    columns); the inputs are the attributes the estimator was fitted on."""
    spend = np.asarray(features["spend_365d"], dtype=np.float64)
    inputs = {
        name: np.ones(len(spend)) if name == CONSTANT else features[name]
        for name in estimator.feature_names_in_
    }
    wallet = estimator.predict_columns(inputs, len(spend))
    return {"wallet_365d": wallet, "wallet_share_365d": share(spend, wallet)}


def add_estimated_wallet_share(
    features: pd.DataFrame, estimator: QuantileWalletEstimator
) -> pd.DataFrame:
    """A new frame with `wallet_365d` (estimated) and `wallet_share_365d`."""
    return features.assign(**wallet_columns(features, estimator))


def estimated_specs() -> list[FeatureSpec]:
    """The estimated wallet's declarations, as a model trained with it has them."""
    return [spec.renamed(family="wallet") for spec in ESTIMATED_SPECS]


def estimated_for(names: list[str]) -> bool:
    """Whether features of these names get an estimated wallet: spend, and no wallet
    supplied by the business."""
    return "spend_365d" in names and "wallet_share_365d" not in names


def comparable(estimator: QuantileWalletEstimator, rows: pd.DataFrame) -> bool:
    """Whether the fitted wallet differs between the customers it was fitted on. A wallet
    is what comparable customers spend (DOMAIN.md); attributes that define no peers (no
    attributes, or none the quantile model splits on) leave one wallet for everyone, and
    the "share" is then only spend over a constant: spend_365d again, named as a wallet
    share in reasons ("estimated wallet share 26%", of a wallet of 219 for all)."""
    active = rows[rows["spend_365d"] > 0]
    if active.empty:
        return False
    wallet = wallet_columns(active, estimator)["wallet_365d"]
    return bool(np.ptp(wallet) > WALLET_TOLERANCE * np.max(wallet))


WALLET_TOLERANCE = 1e-6
"""Wallets closer than this (relative to the largest) are one wallet: float noise."""


def complete_wallet(
    features: FeatureFrame, *, train_cutoffs: list[pd.Timestamp] | None = None
) -> tuple[FeatureFrame, QuantileWalletEstimator | None]:
    """Add the estimated wallet share when the business supplied no wallet.

    The estimator is fitted on rows of `train_cutoffs` only (default: all rows) and
    returned so it can travel with a model; nothing changes when wallets are supplied
    or there are no transactions, nor when nothing tells customers' wallets apart
    (`comparable`), nor when no training row knows a year of spend: `spend_365d` is
    unknown where its year reaches before the data (`FeatureSpec.reach_days`), and a
    wallet fitted on one or two months read as "customers like them spend up to 2,959 a
    year" beside a customer's own 3,189 in four months.
    """
    if not estimated_for(features.names):
        return features, None
    tables = features.context.tables
    frame = features.frame
    rows = frame if train_cutoffs is None else frame[frame["cutoff"].isin(train_cutoffs)]
    attributes = list(tables.attributes)
    if not (rows["spend_365d"] > 0).any():
        return features, None
    if wallet_inputs(rows, attributes).columns.tolist() == [CONSTANT]:
        return features, None
    estimator = fit_wallet(rows, attributes)
    if not comparable(estimator, rows):
        return features, None
    specs = [*features.specs, *estimated_specs()]
    completed = add_estimated_wallet_share(frame, estimator)
    return replace(features, frame=completed, specs=specs), estimator


def __getattr__(name: str) -> Any:
    """`QuantileWalletEstimator`, imported on first use (`features/wallet_estimator.py`):
    a build imports no XGBoost, scikit-learn nor numba."""
    if name == "QuantileWalletEstimator":
        from features.wallet_estimator import QuantileWalletEstimator

        return QuantileWalletEstimator
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
