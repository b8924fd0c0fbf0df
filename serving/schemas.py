"""Request and response models of the API (input and output classes kept apart)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Band = Literal["low", "medium", "high"]
Tier = Literal["most_valuable", "most_growable", "below_zero", "standard"]
Sort = Literal["value_at_risk", "probability"]

REASON_EXAMPLE = {
    "feature": "days_since_last_purchase",
    "value": 74.0,
    "contribution": 0.81,
    "population_mean": 21.5,
    "direction": "raises",
    "text": "no purchase for 74 days",
}


class ReasonOut(BaseModel):
    """One reason in plain words, with the customer's value and the population mean."""

    model_config = ConfigDict(json_schema_extra={"examples": [REASON_EXAMPLE]})

    feature: str
    value: float | str | None
    contribution: float = Field(description="Effect on the margin (log-odds); > 0 raises risk.")
    population_mean: float | None
    direction: Literal["raises", "lowers"]
    text: str


class CustomerScoreOut(BaseModel):
    """One customer's churn risk as of a cutoff, scored by one model version."""

    model_config = ConfigDict(
        protected_namespaces=(),
        json_schema_extra={
            "examples": [
                {
                    "customer_id": "C000123",
                    "probability": 0.64,
                    "band": "high",
                    "value": 1250.0,
                    "value_at_risk": 800.0,
                    "tier": "most_valuable",
                    "reasons": [REASON_EXAMPLE],
                    "segments": {"region": "north"},
                    "model_name": "simulated-retail-seed42",
                    "model_version": "3",
                    "cutoff": "2024-06-30",
                }
            ]
        },
    )

    customer_id: str
    probability: float = Field(ge=0, le=1, description="Calibrated churn probability.")
    band: Band
    value: float | None = Field(description="Customer value; null when unknown.")
    value_at_risk: float | None = Field(description="probability × value; null when unknown.")
    tier: Tier
    reasons: list[ReasonOut]
    segments: dict[str, str | None] = Field(default_factory=dict)
    model_name: str
    model_version: str
    cutoff: dt.date


class WorklistOut(BaseModel):
    """One page of the worklist; pass `next_cursor` back as `cursor` for the next page."""

    items: list[CustomerScoreOut]
    next_cursor: str | None = Field(description="Opaque; null on the last page.")


class FeatureOut(BaseModel):
    name: str
    dtype: str
    description: str


class ModelOut(BaseModel):
    """The served model and how it was trained; `last_reload_error` says why a newer
    champion was refused (the version here keeps serving)."""

    model_config = ConfigDict(
        protected_namespaces=(),
        json_schema_extra={
            "examples": [
                {
                    "name": "simulated-retail-seed42",
                    "version": "3",
                    "alias": "champion",
                    "run_id": "5f1c0e",
                    "loaded_at": "2024-07-01T06:00:00Z",
                    "training_cutoffs": ["2023-12-31", "2024-01-31"],
                    "validation_cutoff": "2024-02-29",
                    "test_cutoffs": ["2024-03-31"],
                    "metrics": {"auc": 0.81},
                    "features": [{"name": "spend_90d", "dtype": "float", "description": "..."}],
                    "last_reload_error": None,
                }
            ]
        },
    )

    name: str
    version: str
    alias: str
    run_id: str | None
    loaded_at: dt.datetime
    training_cutoffs: list[str]
    validation_cutoff: str | None
    test_cutoffs: list[str]
    metrics: dict[str, Any]
    features: list[FeatureOut]
    last_reload_error: str | None


class HealthOut(BaseModel):
    status: Literal["ok"] = "ok"


class ReadyOut(BaseModel):
    """Ready: a model is loaded and the store answers. `reason` is set when not ready."""

    model_config = ConfigDict(protected_namespaces=())

    ready: bool
    model_version: str | None
    store: bool
    reason: str | None = None
    last_reload_error: str | None = None


class ErrorOut(BaseModel):
    """Every error: a human message, plus the offending fields for a 422."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"detail": "no score for customer 'C9'", "errors": []}]}
    )

    detail: str
    errors: list[dict[str, str]] = Field(default_factory=list)
