"""Baselines computed in the same run on the same rows as the model.

- logreg: logistic regression on the same features (median-imputed with missing
  indicators and scaled; categoricals one-hot), the classic churn model;
- recency: days since the last purchase as the score, Platt-calibrated on validation,
  the rule of thumb every retailer starts with (transaction data only);
- usage_recency: the same on days since the last usage event, the subscription
  business's rule of thumb (with a usage log: where every live account is billed monthly,
  purchase recency says nothing, and the model should beat this one instead).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from features.registry import FeatureSpec


def logreg_pipeline(specs: list[FeatureSpec], *, seed: int = 42) -> Pipeline:
    numeric = [s.name for s in specs if s.dtype != "category"]
    categorical = [s.name for s in specs if s.dtype == "category"]
    prepare = ColumnTransformer(
        [
            (
                "num",
                make_pipeline(
                    SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
                    StandardScaler(),
                ),
                numeric,
            ),
            ("cat", OneHotEncoder(handle_unknown="ignore", min_frequency=5), categorical),
        ]
    )
    model = LogisticRegression(max_iter=2000, C=0.5, random_state=seed)
    return make_pipeline(prepare, model)


def fit_logreg(train: pd.DataFrame, specs: list[FeatureSpec], *, seed: int = 42) -> Pipeline:
    x = _as_objects(train, specs)
    return logreg_pipeline(specs, seed=seed).fit(x, train["churned"].to_numpy(dtype=int))


def predict_logreg(model: Pipeline, frame: pd.DataFrame, specs: list[FeatureSpec]) -> np.ndarray:
    return model.predict_proba(_as_objects(frame, specs))[:, 1]


def _as_objects(frame: pd.DataFrame, specs: list[FeatureSpec]) -> pd.DataFrame:
    """Categoricals as plain strings so unseen levels are ignored, not errors."""
    data = {}
    for spec in specs:
        column = frame[spec.name]
        if spec.dtype == "category":
            data[spec.name] = column.astype("object").where(column.notna(), "(missing)")
        else:
            data[spec.name] = column.astype(np.float64)
    return pd.DataFrame(data, index=frame.index)


def recency_score(frame: pd.DataFrame, column: str = "days_since_last_purchase") -> np.ndarray:
    """Days since the last purchase (or `column`'s event); never ranks as most overdue."""
    days = frame[column].to_numpy(dtype=np.float64)
    return np.where(np.isnan(days), np.nanmax(days, initial=0.0) + 1.0, days)
