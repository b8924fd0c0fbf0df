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
import xgboost as xgb
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils import assert_all_finite, check_consistent_length, column_or_1d
from sklearn.utils.validation import check_is_fitted, validate_data

from features.activity import ratio
from features.context import Context
from features.levels import level_numbers
from features.registry import Columns, Family, FeatureSpec, Mechanism
from features.tables import numbers
from features.trees import CompiledTrees

if TYPE_CHECKING:
    from features.build import FeatureFrame

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


class QuantileWalletEstimator(RegressorMixin, BaseEstimator):
    """Conditional high quantile of spend given customer attributes.

    Gradient-boosted quantile regression (pinball loss; XGBoost, as the churn model) with
    categorical attributes split natively on their fitted levels. With no attributes it
    is fitted on a constant column and so learns the unconditional quantile (see
    `wallet_inputs`). Predictions are floored at a small positive wallet. Prediction is
    single-threaded: it is a small part of a batch and the whole of nothing, while a
    thread team per call would dominate a live request for one customer.
    """

    def __init__(
        self,
        quantile: float = 0.9,
        max_iter: int = 50,
        min_wallet: float = 1e-6,
        random_state: int | None = 0,
    ) -> None:
        self.quantile = quantile
        self.max_iter = max_iter
        self.min_wallet = min_wallet
        self.random_state = random_state

    def fit(self, X: pd.DataFrame | np.ndarray, y: np.ndarray) -> QuantileWalletEstimator:  # noqa: N803
        X = self._checked(X, reset=True)  # noqa: N806
        self.levels_ = _categorical_levels(X)
        encoded = self._encoded(X, _names(X), len(X)) if isinstance(X, pd.DataFrame) else X
        types = ["c" if name in self.levels_ else "q" for name in _names(X)] or None
        self.model_ = xgb.XGBRegressor(
            objective="reg:quantileerror",
            quantile_alpha=self.quantile,
            n_estimators=self.max_iter,
            learning_rate=0.1,
            max_leaves=15,
            grow_policy="lossguide",
            min_child_weight=20,
            tree_method="hist",
            enable_categorical=True,
            feature_types=types,
            random_state=self.random_state,
            n_jobs=1,
        ).fit(encoded, _target(X, y))
        self._compile()
        self.n_iter_ = self.max_iter
        return self

    def _compile(self) -> None:
        """`compiled_`: the regressor's trees for fast margins (`features/trees.py`)."""
        booster = getattr(self.model_, "get_booster", None)
        self.compiled_ = CompiledTrees.compile(booster(), contributions=False) if booster else None

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without `compiled_`: it is derived from `model_` and rebuilt on load, so
        a logged model does not depend on how this version lays out compiled trees."""
        state = dict(super().__getstate__())  # a copy: it may be our own __dict__
        state.pop("compiled_", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        if "model_" in state:
            self._compile()

    def predict(self, X: pd.DataFrame | np.ndarray) -> np.ndarray:  # noqa: N803
        check_is_fitted(self, "model_")
        X = self._checked(X, reset=False)  # noqa: N806
        if isinstance(X, pd.DataFrame) and hasattr(self, "levels_"):
            return self._predict_named(X, list(X.columns), len(X))
        # an array, or a model logged before the estimator encoded levels itself
        if isinstance(X, pd.DataFrame):
            return np.maximum(self.model_.predict(X), self.min_wallet)
        return self._predicted(np.asarray(X, dtype=np.float64))

    def predict_columns(self, columns: Mapping[str, Any], rows: int) -> np.ndarray:
        """`predict` on plain columns named as the fitted inputs (`feature_names_in_`),
        without building and re-checking a frame: for one live customer that would be
        most of the wallet's cost."""
        if not hasattr(self, "levels_"):
            return self.predict(pd.DataFrame(columns))
        return self._predict_named(columns, list(self.feature_names_in_), rows)

    def _predict_named(self, columns: Mapping[str, Any], names: list, rows: int) -> np.ndarray:
        return self._predicted(self._encoded(columns, names, rows))

    def _predicted(self, encoded: np.ndarray) -> np.ndarray:
        """The regressor's prediction, floored; by its compiled trees when they compile
        (quantile loss has an identity link: the margin is the prediction), which spares
        a live request XGBoost's fixed cost per call."""
        trees = self.compiled_  # None: trees XGBoost must walk itself
        raw = trees.margin(encoded) if trees is not None else self.model_.predict(encoded)
        return np.maximum(raw, self.min_wallet)

    def _checked(self, X: pd.DataFrame | np.ndarray, *, reset: bool) -> pd.DataFrame | np.ndarray:  # noqa: N803
        """Feature names and counts checked; a frame (mixed dtypes) is kept as it is."""
        if isinstance(X, pd.DataFrame):
            validate_data(self, X, reset=reset, skip_check_array=True)
            return X
        return validate_data(self, X, reset=reset, ensure_all_finite="allow-nan")

    def _encoded(self, columns: Mapping[str, Any], names: list[str], rows: int) -> np.ndarray:
        """The named columns as one float matrix; categorical ones as codes of the fitted
        levels (unseen or missing → NaN), mapped by value, so a frame whose categories are
        listed in another order, or hold only one posted customer's level, encodes as at
        fit time."""
        out = np.empty((rows, len(names)), dtype=np.float64)
        for j, name in enumerate(names):
            values = columns[name]
            if name in self.levels_:
                out[:, j] = level_numbers(values, self.levels_[name])
            else:
                out[:, j] = numbers(values)
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.regressor_tags.poor_score = True  # a 90th percentile is not a mean predictor
        tags.input_tags.allow_nan = True  # missing attributes are routed by the trees
        return tags


def _target(X: pd.DataFrame | np.ndarray, y: np.ndarray) -> np.ndarray:  # noqa: N803
    """y as a finite 1-d float array of X's length (a column vector is accepted, warned)."""
    y = column_or_1d(y, warn=True, dtype=np.float64)
    check_consistent_length(X, y)
    assert_all_finite(y, input_name="y")
    return y


def _names(X: pd.DataFrame | np.ndarray) -> list:  # noqa: N803
    return list(X.columns) if isinstance(X, pd.DataFrame) else []


def _categorical_levels(X: pd.DataFrame | np.ndarray) -> dict[str, list]:  # noqa: N803
    """Each pandas categorical column's levels, as seen in the fitting rows' dtype."""
    if not isinstance(X, pd.DataFrame):
        return {}
    return {
        name: list(X[name].cat.categories)
        for name in X.columns
        if isinstance(X[name].dtype, pd.CategoricalDtype)
    }


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
