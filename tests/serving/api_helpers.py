"""Building the app for tests: explicit settings, dependency overrides, no lifespan."""

from __future__ import annotations

import asyncio
import datetime as dt

from fastapi import FastAPI
from fastapi.testclient import TestClient

from serving import deps, store
from serving.app import check_and_report, create_app
from serving.schemas import ScoreIn
from serving.scorer import ModelHolder
from serving.settings import Settings


def settings_for(served, **overrides) -> Settings:
    """Settings that ignore the developer's environment and .env (keys included)."""
    values = {
        "CHURN_DATABASE_URL": served.database_url,
        "MLFLOW_TRACKING_URI": served.tracking_uri,
        "CHURN_MODEL_NAME": served.model_name,
        "CHURN_API_KEY": None,
        **overrides,
    }
    return Settings(**values)


def app_with(settings: Settings, holder: ModelHolder) -> FastAPI:
    """An app whose holder and store are overridden (the lifespan never runs)."""
    app = create_app(settings)
    engine = store.connect(settings.database_url)
    app.dependency_overrides[deps.get_holder] = lambda: holder
    app.dependency_overrides[deps.get_engine] = lambda: engine
    asyncio.run(check_and_report(holder, app.state.metrics))
    return app


def request(customers: list[dict], cutoff: dt.date) -> ScoreIn:
    """A validated `POST /v1/score` body."""
    return ScoreIn.model_validate({"customers": customers, "cutoff": cutoff.isoformat()})


def client_for(app: FastAPI) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


def stored_row(customer_id: str) -> dict:
    """One score row as `churn score` hands it to the store: a medium-risk customer."""
    return {
        "customer_id": customer_id,
        "probability": 0.5,
        "band": "medium",
        "value": 1.0,
        "value_at_risk": 0.5,
        "tier": "standard",
        "reasons": [],
        "segments": {},
    }
