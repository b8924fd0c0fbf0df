"""A model of a subscriptions table (`transactions.recurring`) trains, scores and serves:
live requests post subscriptions, read as their payments by the loader's own function,
and score as the batch does.

The simulator's subscription world, its plans written as a SaaS export's
subscriptions.csv (`tests.training.datasets.subscriptions_table`), stands in for one.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from churn.cli import app
from features.contract import load_config
from features.registry import FeatureSpec, Mechanism
from features.sources import load_tables
from features.tables import Tables
from serving import store
from serving.batch import phase_note
from serving.example import score_example
from serving.history import history_item
from serving.scorer import ModelHolder
from tests.serving.api_helpers import app_with, client_for, settings_for
from tests.serving.conftest import Served, served_in, train_and_promote
from tests.training.datasets import subscriptions_table


@dataclass(frozen=True)
class Run:
    served: Served
    score_output: str
    tables: Tables
    cutoff: dt.date


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    root = tmp_path_factory.mktemp("subscriptions-table")
    config = subscriptions_table(root / "data", customers=500, months=18, seed=5)
    served = served_in(root, config, "subscriptions-table")
    # forced: the gate's limits on a small simulation are not what this tests
    assert train_and_promote(served, force=True) == "1"
    env = {"MLFLOW_TRACKING_URI": served.tracking_uri, "CHURN_DATABASE_URL": served.database_url}
    scored = CliRunner(env=env).invoke(app, ["score", "--config", str(config)])
    assert scored.exit_code == 0, scored.output
    cutoff = store.latest_batch(store.connect(served.database_url))["cutoff"]
    return Run(served, scored.output, load_tables(load_config(config)), cutoff)


@pytest.fixture(scope="module")
def client(run):
    holder = ModelHolder.from_registry(run.served.model_name, run.served.tracking_uri)
    holder.check()
    return client_for(app_with(settings_for(run.served), holder))


def test_the_model_reads_paid_periods_and_speaks_of_payments(client):
    model = client.get("/v1/model").json()
    names = {feature["name"] for feature in model["features"]}
    assert {"paid_days_left", "plan_days_last", "days_since_last_purchase"} <= names


def test_the_batch_scores_members_and_leaves_the_cancelled_out(run):
    said = " ".join(run.score_output.split())
    assert "cancelled with no payment since" in said
    rows = store.worklist(store.connect(run.served.database_url), limit=10_000)
    texts = [r["text"] for row in rows for r in row["reasons"]]
    assert any("plan" in t or "payment" in t for t in texts)
    assert not [t for t in texts if "gaps between payments vary" in t]


def _subscriptions_of(run: Run, customer_id: str) -> list[dict[str, Any]]:
    """The customer's rows of subscriptions.csv, posted as written (canonical names)."""
    frame = pd.read_csv(run.served.config.parent / "subscriptions.csv", dtype={"account": str})
    own = frame[frame["account"] == customer_id]
    return [
        {
            "timestamp": row.start_date,
            "ended_at": None if pd.isna(row.end_date) else row.end_date,
            "amount": row.mrr,
            "quantity": row.seats,
            "category": row.plan,
            "billing_period": row.billing,
        }
        for row in own.itertuples()
    ]


def _posted(run: Run, client, *, as_payments: bool) -> tuple[list[str], list[dict]]:
    listed = client.get("/v1/customers", params={"sort": "probability", "limit": 1000}).json()
    ids = [item["customer_id"] for item in listed["items"]][::40]
    lookup = {str(i): i for i in run.tables.customers["customer_id"]}
    body = []
    for i in ids:
        item = history_item(run.tables, lookup[i])  # its payments, each with paid_until
        if not as_payments:  # the cancellations are the plans' ends, read from them
            item["transactions"] = _subscriptions_of(run, i)
            item.pop("cancellations", None)
        body.append(item)
    return ids, body


@pytest.mark.parametrize("as_payments", [False, True])
def test_posted_subscriptions_or_their_payments_score_as_the_batch(run, client, as_payments):
    """Subscriptions as the file writes them are paid up to the cutoff as the loader
    pays them; a replayed history's payments (with paid_until) are read as posted."""
    ids, body = _posted(run, client, as_payments=as_payments)
    answered = client.post("/v1/score", json={"customers": body, "cutoff": run.cutoff.isoformat()})
    assert answered.status_code == 200, answered.text
    items = answered.json()["items"]
    assert [item["customer_id"] for item in items] == ids
    for item in items:
        stored = client.get(f"/v1/customers/{item['customer_id']}").json()
        assert math.isclose(item["probability"], stored["probability"], abs_tol=1e-9)
        assert item["value"] == pytest.approx(stored["value"], abs=1e-9)
        told = [r["feature"] for r in item["reasons"]]
        assert told == [r["feature"] for r in stored["reasons"]]


def test_the_docs_example_posts_one_running_subscription(run, client):
    holder = ModelHolder.from_registry(run.served.model_name, run.served.tracking_uri)
    holder.check()
    assert holder.current is not None
    example = score_example(holder.current.model)
    (customer,) = example["customers"]
    (line,) = customer["transactions"]
    assert {"timestamp", "amount", "billing_period"} <= set(line) and "ended_at" not in line
    answered = client.post("/v1/score", json=example)
    assert answered.status_code == 200, answered.text
    (item,) = answered.json()["items"]
    assert item["probability"] is not None and item["reasons"]


def test_a_billing_period_that_reads_as_none_is_a_422_naming_it(run, client):
    _, body = _posted(run, client, as_payments=False)
    body[0]["transactions"][0]["billing_period"] = "every blue moon"
    answered = client.post(
        "/v1/score", json={"customers": body[:1], "cutoff": run.cutoff.isoformat()}
    )
    assert answered.status_code == 422
    said = answered.text
    assert "'every blue moon'" in said and "billing_period reads as no period" in said


def test_a_plan_running_for_years_posted_alone_is_active_as_in_the_batch(run, client):
    """Read as posted, a plan begun years before the cutoff was one purchase then, and
    its customer lapsed (a 422) where the batch scores them: the checks read payments."""
    listed = client.get("/v1/customers", params={"sort": "probability", "limit": 1000}).json()
    starts = {
        item["customer_id"]: min(
            p["timestamp"] for p in _subscriptions_of(run, item["customer_id"])
        )
        for item in listed["items"]
    }
    oldest = min(starts, key=starts.get)
    assert (run.cutoff - dt.date.fromisoformat(starts[oldest][:10])).days > 365
    lookup = {str(i): i for i in run.tables.customers["customer_id"]}
    item = history_item(run.tables, lookup[oldest])
    body = {
        "customer_id": oldest,
        "signup_date": item["signup_date"],
        "attributes": item["attributes"],
        "transactions": _subscriptions_of(run, oldest),
    }
    answered = client.post(
        "/v1/score", json={"customers": [body], "cutoff": run.cutoff.isoformat()}
    )
    assert answered.status_code == 200, answered.text


def test_a_cutoff_off_the_month_ends_a_paid_periods_model_trained_at_is_said():
    """A contract log scored at its extract date, the 1st, averaged 0.9% where its month-end
    read 5.0%: its bills fell on other days of their cycles than training read them."""
    subscription = [
        FeatureSpec("paid_days_left", "float", Mechanism.RELATIONSHIP, "d", family="subscription")
    ]
    info = {"training_cutoffs": ["2019-11-30", "2019-12-31"], "test_cutoffs": ["2020-01-31"]}
    model = SimpleNamespace(specs=subscription, info=info)
    said = phase_note(model, pd.Timestamp("2020-02-01"))
    assert said is not None and said.startswith("the cutoff 2020-02-01 is no month-end")
    assert said.endswith("score at 2020-01-31 (--cutoff) to read them as training did")
    assert phase_note(model, pd.Timestamp("2020-02-29")) is None
    retail = SimpleNamespace(specs=[subscription[0].renamed(family="recency")], info=info)
    assert phase_note(retail, pd.Timestamp("2020-02-01")) is None
    weekly = SimpleNamespace(specs=subscription, info={**info, "test_cutoffs": ["2020-01-26"]})
    assert phase_note(weekly, pd.Timestamp("2020-02-01")) is None
