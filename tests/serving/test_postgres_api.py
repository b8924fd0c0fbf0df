"""`churn score` into a live PostgreSQL store, and the API reading its worklist from there."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from churn.cli import app as cli
from serving import store
from serving.scorer import ModelHolder
from tests.postgres import emptied
from tests.serving.api_helpers import app_with, client_for, settings_for

pytestmark = pytest.mark.slow


def test_score_and_serve_through_postgresql(served, postgres_url):
    url = emptied(postgres_url)
    env = {"MLFLOW_TRACKING_URI": served.tracking_uri, "CHURN_DATABASE_URL": url}
    result = CliRunner(env=env).invoke(cli, ["score", "--config", str(served.config)])
    assert result.exit_code == 0, result.output

    on_sqlite = store.connect(served.database_url)
    on_postgres = store.connect(url)
    sqlite_batch, postgres_batch = store.latest_batch(on_sqlite), store.latest_batch(on_postgres)
    assert postgres_batch["rows"] == sqlite_batch["rows"] > 0
    assert postgres_batch["cutoff"] == sqlite_batch["cutoff"]

    holder = ModelHolder.from_registry(served.model_name, served.tracking_uri)
    client = client_for(app_with(settings_for(served, CHURN_DATABASE_URL=url), holder))
    assert client.get("/ready").json()["store"] is True
    page = client.get("/v1/customers", params={"band": "high", "limit": 20}).json()["items"]
    expected = store.worklist(on_sqlite, band="high", limit=20)
    assert [row["customer_id"] for row in page] == [row["customer_id"] for row in expected]
    assert [row["probability"] for row in page] == pytest.approx(
        [row["probability"] for row in expected]
    )
    one = client.get(f"/v1/customers/{page[0]['customer_id']}").json()
    assert one["reasons"] == page[0]["reasons"] and one["reasons"]
    on_postgres.dispose()
