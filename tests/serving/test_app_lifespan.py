"""The real lifespan: store opened, champion loaded from the registry, poller running."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from serving.app import create_app
from serving.scorer import mlflow_resolver
from tests.serving.api_helpers import settings_for

pytestmark = pytest.mark.slow


def test_startup_loads_the_champion_and_serves(served):
    with TestClient(create_app(settings_for(served, CHURN_RELOAD_SECONDS=3600))) as client:
        champion = mlflow_resolver(served.model_name, served.tracking_uri)()
        assert client.get("/ready").json()["model_version"] == champion  # other tests promote
        assert client.get("/v1/customers", params={"limit": 2}).status_code == 200


def test_without_a_model_name_the_app_is_up_but_not_ready(served):
    settings = settings_for(served, CHURN_MODEL_NAME=None)
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").status_code == 200
        ready = client.get("/ready")
        assert ready.status_code == 503 and "CHURN_MODEL_NAME" in ready.json()["reason"]
        assert client.get("/v1/model").status_code == 503
