"""The /docs example of `POST /v1/score` is the served model's, and it scores.

A fixed retail example (`region`, `seats`, transactions) was shown for every model: a
telecom snapshot's "Try it out" posted transactions it never reads and attributes it
does not have."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from features.service import COUNTED
from serving import example
from serving.example import EXAMPLE_ID, score_example, scored_example
from serving.live import score_history
from serving.schemas import SCORE_EXAMPLE, ScoreIn
from serving.scorer import Loaded, ModelHolder
from tests.serving.api_helpers import app_with, client_for, settings_for
from tests.training.datasets import simulated, telecom_snapshot
from training.package import package_model
from training.protocol import run_protocol
from training.report import build_report


def test_the_docs_show_the_served_models_own_example_and_it_scores(served, loaded):
    holder = ModelHolder(resolve=lambda: loaded.version, load=lambda version: loaded)
    holder.check()
    app = app_with(settings_for(served), holder)
    app.state.holder = holder
    client = client_for(app)
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/v1/score"]["post"]["requestBody"]["content"]["application/json"]
    example = body["example"]
    assert example == score_example(loaded.model) != SCORE_EXAMPLE
    assert spec["components"]["schemas"]["ScoreIn"]["examples"] == [example]
    (customer,) = example["customers"]
    assert set(customer["attributes"]) == set(loaded.model.attribute_kinds)
    common = loaded.model.layout.most_common
    for name, kind in loaded.model.attribute_kinds.items():  # levels most customers hold
        assert kind == "numeric" or customer["attributes"][name] == common[name]
    assert customer["transactions"] and customer["interactions"]
    # a model reading category breadth reads a purchase posted without one as no category:
    # its data's most common, as many as training's median customer bought from in a year
    categories = loaded.model.info["categories"]["levels"]
    breadth = round(loaded.model.info["reason_pivots"]["category_breadth_365d"])
    assert {line["category"] for line in customer["transactions"]} == set(categories[:breadth])
    assert {line["discount"] for line in customer["transactions"]} == {0}
    answered = client.post("/v1/score", json=example)
    assert answered.status_code == 200, answered.text
    (item,) = answered.json()["items"]
    assert item["customer_id"] == EXAMPLE_ID and item["reasons"]
    assert answered.json()["notes"] == []  # every attribute posted, none misspelt


def test_the_fixed_example_stays_when_the_models_own_cannot_be_scored(
    served, loaded, monkeypatch, caplog
):
    """No model loaded yet, or an example it refuses: the spec keeps the fixed one, and
    the log says why (the docs never fail for it)."""
    holder = ModelHolder(resolve=lambda: loaded.version, load=lambda version: loaded)
    holder.check()
    app = app_with(settings_for(served), holder)  # no holder in the app's state: no model
    schemas = client_for(app).get("/openapi.json").json()["components"]["schemas"]
    assert schemas["ScoreIn"]["examples"] == [SCORE_EXAMPLE]

    def refuse(*args, **kwargs):
        raise ValueError("customer example-1 is not known at the cutoff")

    monkeypatch.setattr("serving.example.score_history", refuse)
    app = app_with(settings_for(served), holder)
    app.state.holder = holder
    spec = client_for(app).get("/openapi.json").json()
    assert (
        "example"
        not in spec["paths"]["/v1/score"]["post"]["requestBody"]["content"]["application/json"]
    )
    assert spec["components"]["schemas"]["ScoreIn"]["examples"] == [SCORE_EXAMPLE]
    assert "no /docs example for model 1: customer example-1 is not known" in caplog.text


def _packaged(config_path) -> Loaded:
    from features.contract import load_config
    from features.sources import load_tables

    config = load_config(config_path)
    tables = load_tables(config)
    outcome = run_protocol(tables, config)
    model = package_model(outcome, config, build_report(outcome, tables, config), tables)
    return Loaded(model=model, name=config.model_name, version="1")


@pytest.mark.slow
@pytest.mark.parametrize("shape", ["telecom snapshot", "subscription"])
def test_every_shape_of_data_gets_an_example_it_scores(tmp_path, shape):
    """A labelled snapshot's example is attributes alone; a subscription's pays periods
    that reach the cutoff, as its churn definition requires."""
    if shape == "telecom snapshot":
        path = telecom_snapshot(tmp_path, customers=600)
    else:
        path = simulated(tmp_path, customers=800, months=18, seed=3, kind="subscription")
    loaded = _packaged(path)
    example = scored_example(loaded)
    assert example is not None
    (customer,) = example["customers"]
    data = loaded.model.config.data
    for table in ("transactions", "events", "interactions"):
        assert (table in customer) == (getattr(data, table) is not None)
    assert set(customer.get("attributes", {})) == set(loaded.model.attribute_kinds)
    (item,) = score_history(ScoreIn.model_validate(example), loaded)["items"]
    assert 0 <= item["probability"] <= 1 and item["reasons"]


def test_a_model_packaged_before_level_counts_posts_its_first_level(loaded):
    """A layout kept no counts before session 23: its first level by name, still one the
    model knows."""
    import dataclasses

    from churn.model import FeatureLayout

    layout = loaded.model.layout
    info = {k: v for k, v in loaded.model.info.items() if k != "typical_levels"}
    older = dataclasses.replace(
        loaded.model, layout=FeatureLayout(names=layout.names, levels=layout.levels), info=info
    )
    (customer,) = score_example(older)["customers"]
    for name, kind in older.attribute_kinds.items():
        assert kind == "numeric" or customer["attributes"][name] == layout.levels[name][0]


def test_an_example_posts_no_complaint_where_the_typical_customer_never_had_one(
    loaded, monkeypatch
):
    """Where most training customers never complained, the typical days since one is
    never (infinite): the example's typical customer had complained 60 days ago. A call,
    no complaint, is still posted."""
    import dataclasses

    model = loaded.model
    pivots = {**model.info["reason_pivots"], "days_since_last_negative_interaction": np.inf}
    never = dataclasses.replace(model, info={**model.info, "reason_pivots": pivots})
    for kind, posted in (("complaint", 0), ("call", 1)):
        monkeypatch.setattr(example, "_contact_type", lambda _, kind=kind: kind)
        (customer,) = score_example(never)["customers"]
        assert len(customer.get("interactions", [])) == posted, kind


def test_an_example_of_long_gaps_signs_up_by_its_first_purchase_and_posts_every_field(loaded):
    """AdventureWorks' example: 'consumables' for a model of Accessories, Bikes and
    Clothing, a signup (2020-09-05) after its first purchase (2019-08-09), since its
    median gap between purchases (a year and more) outran its median tenure, and no
    quantity though the config maps one."""
    model = loaded.model
    pivots = {**model.info["reason_pivots"], "gap_median_days": 430, "tenure_days": 145}
    pivots |= {"spend_total": 4_000.0, "margin_total": 1_000.0, "category_breadth_365d": 1}
    info = {
        **model.info,
        "reason_pivots": pivots,
        "categories": {"levels": ["Accessories", "Bikes"], "rarer": 0},
    }
    config = model.config
    lines = config.data.transactions
    columns = {**lines.columns, "quantity": "OrderQuantity", "margin": "Profit"}
    data = config.data.model_copy(
        update={"transactions": lines.model_copy(update={"columns": columns})}
    )
    aw = dataclasses.replace(model, info=info, config=config.model_copy(update={"data": data}))
    (customer,) = score_example(aw)["customers"]
    purchases = customer["transactions"]
    posted = [
        row["timestamp"]
        for table in ("transactions", "events", "interactions")
        for row in customer.get(table, [])
    ]
    assert customer["signup_date"] == min(posted) < max(posted)  # not the median 145 days ago
    assert {line["category"] for line in purchases} == {"Accessories"}
    mapped = set(data.transactions.mapped()) - {"customer_id"}
    for line in purchases:
        assert mapped <= set(line), mapped - set(line)
        assert line["quantity"] == 1 and line["margin"] == round(line["amount"] * 0.25, 2)


def _complaints_and_tickets(folder) -> Loaded:
    """A retail model whose service log holds complaints and tickets only: it never saw
    a call, so an example posting one reads "calls_365d above the highest the model
    trained on"."""
    import pandas as pd
    import yaml

    path = simulated(folder, customers=800, months=18, seed=3)
    raw = yaml.safe_load(path.read_text())
    contacts = raw["data"]["interactions"]
    kinds = {"complaint": ["complaint", "grievance"], "ticket": ["support_ticket"]}
    file = folder / contacts["path"]
    rows = pd.read_csv(file)
    rows[rows["kind"].isin([raw for raws in kinds.values() for raw in raws])].to_csv(
        file, index=False
    )
    contacts["types"] = kinds
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return _packaged(path)


@pytest.fixture(scope="module")
def shapes(tmp_path_factory) -> dict[str, Loaded]:
    """Two model shapes: retail whose contacts are complaints and tickets, and a
    subscription with typed, measured usage events."""
    return {
        "retail without calls": _complaints_and_tickets(tmp_path_factory.mktemp("retail")),
        "subscription": _packaged(
            simulated(
                tmp_path_factory.mktemp("subscription"),
                customers=800,
                months=18,
                seed=3,
                kind="subscription",
            )
        ),
    }


def _posted_days(customer: dict) -> list[str]:
    return [
        stamp[:10]
        for table in ("transactions", "events", "interactions")
        for row in customer.get(table, [])
        for stamp in (row["timestamp"], row.get("resolved_at"))
        if stamp
    ]


@pytest.mark.parametrize("shape", ["retail without calls", "subscription"])
def test_the_example_reads_like_a_customer_of_the_models_data(shapes, shape):
    """Only interaction and event types the model saw, dated between the data's first
    day and the cutoff, scored with reasons and without a note (a "call" for a model of
    complaints and tickets was past the highest it trained on)."""
    loaded = shapes[shape]
    model = loaded.model
    example = score_example(model)
    (customer,) = example["customers"]
    seen = {
        kind
        for kind, plural in COUNTED.items()
        if model.info["population_means"].get(f"{plural}_365d", 0) > 0
    }
    assert {row["type"] for row in customer["interactions"]} <= seen
    if shape == "retail without calls":
        assert seen == {"complaint", "ticket"}
    days = _posted_days(customer)
    assert model.info["data_start"] <= min(days) and max(days) <= example["cutoff"]
    answered = score_history(ScoreIn.model_validate(example), loaded)
    (item,) = answered["items"]
    assert item["reasons"] and answered["notes"] == []


def test_usage_events_post_the_median_quantity_per_event_of_their_type(shapes):
    """Not 1 second of use per event: a session's quantity is training's median total of
    session quantity in 30 days per session in 30 days, and every type the model counts
    is used."""
    model = shapes["subscription"].model
    (customer,) = score_example(model)["customers"]
    events = customer["events"]
    assert {row["type"] for row in events} == set(model.event_types)
    medians = model.info["reason_pivots"]
    for row in events:
        kind = row["type"]
        per = medians[f"quantity_{kind}_30d"] / medians[f"events_{kind}_30d"]
        assert row["quantity"] == pytest.approx(per, rel=0.05)
    assert len({row["quantity"] for row in events}) > 1


def test_an_example_posts_nothing_before_the_datas_first_day(loaded):
    """A model trained on 2014-2015 data posted history dated 2013 and got no reasons:
    every posted day lies on or after the data's first day, however long the usual gap
    and tenure, and it still scores."""
    model = loaded.model
    end = dt.date.fromisoformat(model.info["data_end"])
    start = end - dt.timedelta(days=120)
    pivots = {**model.info["reason_pivots"], "gap_median_days": 45, "tenure_days": 900}
    late = dataclasses.replace(
        model, info={**model.info, "data_start": start.isoformat(), "reason_pivots": pivots}
    )
    example = score_example(late)
    (customer,) = example["customers"]
    days = _posted_days(customer)
    assert min(days) >= start.isoformat() and len(customer["transactions"]) >= 2
    (item,) = score_history(ScoreIn.model_validate(example), Loaded(late, "m", "1"))["items"]
    assert 0 <= item["probability"] <= 1
