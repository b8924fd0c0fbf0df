"""A purchase log without money (Kaggle's Groceries: member, date, item) trains, scores,
lists and serves end to end: purchases tell the risk, nothing invents spend or value.

The simulator's retail log with its amount (and discount) left unmapped stands in for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from churn.cli import app
from features.monetary import SPEND_NAMES
from features.trends import SPEND_TRENDS
from serving import store
from serving.example import score_example
from serving.scorer import ModelHolder
from tests.serving.api_helpers import app_with, client_for, settings_for
from tests.serving.conftest import Served, served_in, train_and_promote
from tests.training.datasets import simulated

MONEY = SPEND_NAMES | SPEND_TRENDS | {"wallet_365d", "wallet_share_365d", "discount_share_365d"}


def _without_amounts(config: Path) -> Path:
    """The simulated retail config, its transactions mapping neither amount nor discount
    (the file names them `net_amount`, `discount_amt`: nothing reads them by default)."""
    raw = yaml.safe_load(config.read_text())
    columns = raw["data"]["transactions"]["columns"]
    raw["data"]["transactions"]["columns"] = {
        k: v for k, v in columns.items() if k not in ("amount", "discount")
    }
    raw["data"]["customers"]["columns"].pop("wallet", None)
    raw["data"]["customers"]["columns"].pop("value", None)
    config.write_text(yaml.safe_dump(raw, sort_keys=False))
    return config


@dataclass(frozen=True)
class Run:
    served: Served
    score_output: str
    validate_output: str


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    root = tmp_path_factory.mktemp("no-amounts")
    config = _without_amounts(simulated(root / "data", customers=700, months=18, seed=11))
    served = served_in(root, config, "no-amounts")
    env = {"MLFLOW_TRACKING_URI": served.tracking_uri, "CHURN_DATABASE_URL": served.database_url}
    validated = CliRunner(env=env).invoke(app, ["validate", "--config", str(config)])
    assert validated.exit_code == 0, validated.output
    # forced: the gate's calibration limit is not what this tests (a small simulation's
    # ECE lies near 0.05, either side as the features change)
    assert train_and_promote(served, force=True) == "1"
    scored = CliRunner(env=env).invoke(app, ["score", "--config", str(config)])
    assert scored.exit_code == 0, scored.output
    return Run(served, scored.output, validated.output)


@pytest.fixture(scope="module")
def loaded(run):
    holder = ModelHolder.from_registry(run.served.model_name, run.served.tracking_uri)
    holder.check()
    assert holder.current is not None
    return holder.current


def test_validate_says_once_that_spend_and_value_are_left_out(run):
    said = " ".join(run.validate_output.split())
    assert said.count("no amount mapped") == 1
    assert "spend, value and value at risk are left out" in said


def test_the_model_reads_purchases_and_no_money(loaded):
    names = set(loaded.model.layout.names)
    assert not loaded.model.spends
    assert not names & MONEY
    assert {"orders_90d", "days_since_last_purchase", "overdue_ratio"} <= names
    assert {"orders_trend_90d_vs_prev", "category_breadth_90d"} <= names
    assert {"p_alive_bgnbd", "expected_purchases_horizon_bgnbd"} <= names


def test_the_batch_has_no_value_no_tier_and_lists_by_probability(run):
    engine = store.connect(run.served.database_url)
    rows = store.worklist(engine, limit=10_000)
    assert rows and all(r["value"] is None and r["value_at_risk"] is None for r in rows)
    assert all(r["tier"] is None for r in rows)
    probabilities = [r["probability"] for r in rows]
    assert probabilities == sorted(probabilities, reverse=True)
    assert "worklist orders by probability" in " ".join(run.score_output.split())


def test_reasons_speak_of_purchases_never_of_money(run):
    engine = store.connect(run.served.database_url)
    texts = [r["text"] for row in store.worklist(engine, limit=10_000) for r in row["reasons"]]
    assert texts
    assert not [t for t in texts if any(w in t for w in ("spen", "average order", "wallet"))]
    assert any("purchase" in t for t in texts)


def test_the_worklist_shows_no_tier(run):
    env = {
        "MLFLOW_TRACKING_URI": run.served.tracking_uri,
        "CHURN_DATABASE_URL": run.served.database_url,
    }
    out = run.served.root / "calls.csv"
    args = ["worklist", "--config", str(run.served.config), "--out", str(out)]
    listed = CliRunner(env=env).invoke(app, args)
    assert listed.exit_code == 0, listed.output
    frame = pd.read_csv(out)
    assert frame["tier"].isna().all() and frame["value_at_risk"].isna().all()


def test_the_docs_example_posts_no_amounts_and_live_scoring_takes_them(run, loaded):
    example = score_example(loaded.model)
    (customer,) = example["customers"]
    lines = customer["transactions"]
    assert lines and not any({"amount", "unit_price", "discount"} & set(line) for line in lines)
    client = client_for(app_with(settings_for(run.served), _holder(loaded)))
    answered = client.post("/v1/score", json=example)
    assert answered.status_code == 200, answered.text
    (item,) = answered.json()["items"]
    assert item["value"] is None and item["value_at_risk"] is None and item["tier"] is None
    assert answered.json()["notes"] == []


def test_an_amount_posted_to_it_is_not_read_and_said(run, loaded):
    example = score_example(loaded.model)
    client = client_for(app_with(settings_for(run.served), _holder(loaded)))
    plain = client.post("/v1/score", json=example).json()
    for line in example["customers"][0]["transactions"]:
        line["amount"] = 999.0
    priced = client.post("/v1/score", json=example)
    assert priced.status_code == 200, priced.text
    assert priced.json()["items"][0]["probability"] == plain["items"][0]["probability"]
    (note,) = priced.json()["notes"]
    assert "carry amounts, which the model does not read" in note


def _holder(loaded) -> ModelHolder:
    holder = ModelHolder(resolve=lambda: loaded.version, load=lambda version: loaded)
    holder.check()
    return holder
