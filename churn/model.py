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
from typing import Any

import mlflow.pyfunc
import numpy as np
import pandas as pd
import xgboost as xgb

from features.bgnbd import BGNBD, add_bgnbd
from features.build import build
from features.contract import RunConfig
from features.registry import FeatureSpec
from features.tables import Tables
from features.wallet import QuantileWalletEstimator, add_estimated_wallet_share

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
        return xgb.DMatrix(self.layout.matrix(features), enable_categorical=True)

    def margin(self, features: pd.DataFrame) -> np.ndarray:
        return self.booster.predict(self.dmatrix(features), output_margin=True)

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray:
        """Calibrated churn probability per row of a feature frame."""
        if len(features) == 0:
            return np.zeros(0)
        return self.calibrator(self.margin(features))

    def contributions(self, features: pd.DataFrame) -> np.ndarray:
        """TreeSHAP contributions in margin space; last column is the bias."""
        return self.booster.predict(self.dmatrix(features), pred_contribs=True)

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
