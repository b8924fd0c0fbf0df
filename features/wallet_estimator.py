"""The estimated wallet (`features/wallet.py`): a conditional high quantile of yearly
spend among comparable customers, by XGBoost's quantile regression.

A module of its own so that a build imports none of XGBoost, scikit-learn and numba
(its compiled trees): ~1 s of every `churn features` and bench run, where only fitting
or applying an estimated wallet needs them. `features.wallet` hands out the class on
first use, under its own name, which pickled models keep.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils import assert_all_finite, check_consistent_length, column_or_1d
from sklearn.utils.validation import check_is_fitted, validate_data

from features.levels import level_numbers
from features.tables import numbers
from features.trees import CompiledTrees


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
    """Each pandas categorical column's levels that the fitting rows hold. Not all its
    dtype lists: a level no fitting row holds had a code the trees never saw, routed as
    they happened to split (an ERP's Tokyo store took Seattle's wallet), where an unseen
    level is to be the unknown one (NaN), as the churn model reads it."""
    if not isinstance(X, pd.DataFrame):
        return {}
    return {
        name: list(X[name].cat.remove_unused_categories().cat.categories)
        for name in X.columns
        if isinstance(X[name].dtype, pd.CategoricalDtype)
    }


QuantileWalletEstimator.__module__ = "features.wallet"
"""Pickled (a logged model's wallet) as `features.wallet.QuantileWalletEstimator`, as
before it moved here: models load alike with this version and earlier ones."""
