"""The one logged model artifact: everything needed to score raw tables, in one object.

Training fits it; serving loads it by alias. It holds the XGBoost booster, the
probability calibrator, the learned wallet model, the categorical levels seen in
training, the feature declarations and the run config, and it builds features with the
same `features` code as training, so there is no training-serving skew. It is also an
MLflow pyfunc model: `predict` takes a feature frame (the signature) and returns the
calibrated churn probability.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import mlflow.pyfunc
import numpy as np
import pandas as pd
import xgboost as xgb

from features.bgnbd import BGNBD, add_bgnbd
from features.build import build
from features.contract import RunConfig
from features.levels import level_codes
from features.registry import FeatureSpec
from features.tables import Tables
from features.wallet import QuantileWalletEstimator, add_estimated_wallet_share

SMALL_REQUEST_ROWS = 256
"""Up to this many rows XGBoost scores on one thread: waking a thread team costs more than
a few rows' TreeSHAP (1 row: 0.7 ms on one thread, 2 ms on two on a busy 2-core box)."""
PROBABILITY_FLOOR = 0.001
"""No customer is certain to stay or to leave: isotonic steps can hit exactly 0 or 1."""
_UNSAFE = re.compile(r"[\[\]<,]")


def safe_name(name: str) -> str:
    """XGBoost refuses '[', ']', '<' and ',' in feature names."""
    return _UNSAFE.sub("_", name)


@dataclass
class Calibrator:
    """Maps the booster's margin to a calibrated probability (isotonic, Platt or none)."""

    method: str
    estimator: Any

    def __call__(self, margin: np.ndarray) -> np.ndarray:
        column = np.asarray(margin, dtype=np.float64).reshape(-1, 1)
        if self.method == "none":
            p = 1.0 / (1.0 + np.exp(-column.ravel()))
        elif self.method == "isotonic":
            p = self.estimator.predict(column.ravel())
        else:
            p = self.estimator.predict_proba(column)[:, 1]
        return np.clip(p, PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR)


@dataclass
class FeatureLayout:
    """Model columns in order, and the levels each categorical column was trained on."""

    names: list[str]
    levels: dict[str, list[str]]

    @classmethod
    def learn(cls, frame: pd.DataFrame, specs: list[FeatureSpec]) -> FeatureLayout:
        """Levels come from the training rows only (an encoder fitted on training data)."""
        levels = {
            s.name: sorted(str(v) for v in frame[s.name].dropna().unique())
            for s in specs
            if s.dtype == "category"
        }
        return cls(names=[s.name for s in specs], levels=levels)

    def matrix(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The model's input: declared columns, floats, categoricals on trained levels."""
        data = {}
        for name in self.names:
            if name in self.levels:
                levels = self.levels[name]
                values = frame[name].astype("object")
                values = values.where(values.isin(levels), None)  # unseen levels are missing
                data[safe_name(name)] = pd.Categorical(values, categories=levels)
            else:
                values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=np.float64)
                data[safe_name(name)] = np.where(np.isfinite(values), values, np.nan)
        return pd.DataFrame(data, index=frame.index)

    @cached_property
    def feature_types(self) -> list[str]:
        """XGBoost's types: 'c' for a categorical column, 'q' for a number."""
        return ["c" if name in self.levels else "q" for name in self.names]

    def array(self, frame: pd.DataFrame) -> np.ndarray:
        """What XGBoost makes of `matrix(frame)`, built straight into float32 for scoring.

        A categorical column holds its trained level's code (missing or unseen → NaN),
        which is how XGBoost encodes a pandas categorical; numbers are NaN where missing,
        non-numeric or infinite. No per-column frames: this is the scoring hot path.
        """
        out = np.empty((len(frame), len(self.names)), dtype=np.float32)
        numbers = [j for j, name in enumerate(self.names) if name not in self.levels]
        out[:, numbers] = self._numbers(frame, [self.names[j] for j in numbers])
        for j, name in enumerate(self.names):
            if name in self.levels:
                codes = level_codes(frame[name], self.levels[name])
                out[:, j] = np.where(codes >= 0, codes, np.nan)
        out[~np.isfinite(out)] = np.nan
        return out

    def dmatrix(self, frame: pd.DataFrame, label: np.ndarray | None = None) -> xgb.DMatrix:
        """The booster's input, for training and scoring alike (one encoding, no skew)."""
        return xgb.DMatrix(
            self.array(frame),
            label=label,
            feature_names=[safe_name(name) for name in self.names],
            feature_types=self.feature_types,
            enable_categorical=True,
        )

    @staticmethod
    def _numbers(frame: pd.DataFrame, names: list[str]) -> np.ndarray:
        """Numeric columns in one block; text columns are parsed, junk is missing."""
        kinds = {name: dtype.kind for name, dtype in frame.dtypes.items()}
        texts = [n for n in names if kinds[n] not in "biuf"]
        if texts:
            frame = frame.assign(**{n: pd.to_numeric(frame[n], errors="coerce") for n in texts})
        return frame[names].to_numpy(dtype=np.float64, na_value=np.nan)


@dataclass
class ChurnModel(mlflow.pyfunc.PythonModel):
    """Booster + calibrator + feature pipeline state; see the module docstring."""

    booster: xgb.Booster
    calibrator: Calibrator
    layout: FeatureLayout
    specs: list[FeatureSpec]
    config: RunConfig
    wallet: QuantileWalletEstimator | None = None
    wallet_attributes: list[str] = field(default_factory=list)
    bgnbd: BGNBD | None = None
    event_types: tuple[str, ...] = ()
    info: dict[str, Any] = field(default_factory=dict)
    """Training cutoffs, metrics and other facts for /v1/model and the registry."""

    # -- scoring feature frames ------------------------------------------------------
    def dmatrix(self, features: pd.DataFrame) -> xgb.DMatrix:
        return self.layout.dmatrix(features)

    def margin(self, features: pd.DataFrame) -> np.ndarray:
        return self._booster_for(len(features)).predict(self.dmatrix(features), output_margin=True)

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        """Calibrated churn probability per row of a feature frame."""
        if len(features) == 0:
            return np.zeros(0)
        return self.calibrator(self.margin(features))

    def contributions(self, features: pd.DataFrame) -> np.ndarray:
        """TreeSHAP contributions in margin space; last column is the bias."""
        return self._booster_for(len(features)).predict(self.dmatrix(features), pred_contribs=True)

    def scores(self, features: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Probability and contributions from one input matrix (what serving needs)."""
        if len(features) == 0:
            return np.zeros(0), np.zeros((0, len(self.layout.names) + 1), dtype=np.float32)
        matrix, booster = self.dmatrix(features), self._booster_for(len(features))
        margin = booster.predict(matrix, output_margin=True)
        return self.calibrator(margin), booster.predict(matrix, pred_contribs=True)

    def _booster_for(self, rows: int) -> xgb.Booster:
        return self._one_thread_booster if rows <= SMALL_REQUEST_ROWS else self.booster

    @cached_property
    def _one_thread_booster(self) -> xgb.Booster:
        """A copy for small requests; a copy because `set_param` on a booster that other
        threads predict with is not safe."""
        booster = self.booster.copy()
        booster.set_param({"nthread": 1})
        return booster

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (logged) without the scoring-time copy of the booster."""
        state = dict(self.__dict__)
        state.pop("_one_thread_booster", None)
        return state

    # -- scoring raw tables ----------------------------------------------------------
    def features(self, tables: Tables, cutoff: pd.Timestamp) -> pd.DataFrame:
        """Features as of `cutoff` with the same code and learned state as in training."""
        if self.event_types:
            tables = replace(tables, event_types=self.event_types)
        frame = build(tables, cutoffs=cutoff).frame
        if self.wallet is not None:
            frame = add_estimated_wallet_share(frame, self.wallet, self.wallet_attributes)
        if self.bgnbd is not None:
            frame = add_bgnbd(frame, self.bgnbd, self.config.churn.horizon_days)
        return frame

    # -- MLflow pyfunc ---------------------------------------------------------------
    def predict(self, context: Any, model_input: pd.DataFrame, params: Any = None) -> pd.DataFrame:
        """pyfunc entry point: a feature frame in, `churn_probability` out."""
        return pd.DataFrame({"churn_probability": self.predict_proba(model_input)})
