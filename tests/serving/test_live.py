"""POST /v1/score on the session's tiny champion: live scores from posted raw histories.

Histories are read from the very tables the champion was trained and batch-scored on, so
a customer's full history posted at the batch cutoff must score exactly as in the batch.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from fastapi.testclient import TestClient
from pydantic import ValidationError

from features.build import build_columns
from features.contract import (
    UNTYPED_EVENT,
    ChurnSpec,
    DataSpec,
    EventsSpec,
    InteractionsSpec,
    load_config,
)
from features.registry import plain_number
from features.sources import load_tables
from features.tables import Tables
from serving import live, live_checks, live_notes, live_tables
from serving.batch import score
from serving.history import history_item
from serving.live_tables import naive
from serving.ranking import TIERS, Rules, TierReference, customer_value, value_tier
from serving.reasons import Explainer
from serving.schemas import MAX_CUSTOMERS, CustomerHistoryIn, EventIn, ScoreIn, TransactionIn
from serving.scorer import Loaded, ModelHolder
from tests.serving.api_helpers import app_with, client_for, settings_for
from tests.training.datasets import area_snapshot, flag_snapshot, telecom_snapshot
from training.package import package_model
from training.protocol import run_protocol
from training.report import build_report

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client(served) -> TestClient:
    holder = ModelHolder.from_registry(served.model_name, served.tracking_uri)
    return client_for(app_with(settings_for(served), holder))


@pytest.fixture(scope="module")
def tables(served) -> Tables:
    return load_tables(load_config(served.config))


def post(client: TestClient, customers: list[dict], **extra: Any):
    return client.post("/v1/score", json={"customers": customers, **extra})


def _ids(client: TestClient) -> list[str]:
    """Three stored customers: the riskiest, one from the middle and the least risky."""
    items = client.get("/v1/customers", params={"sort": "probability", "limit": 1000}).json()
    ids = [item["customer_id"] for item in items["items"]]
    return [ids[0], ids[len(ids) // 2], ids[-1]]


def test_full_history_scores_exactly_as_the_batch(client, tables, cutoff):
    """Probability, band, value and the same reasons, for customers across the range (the
    reasons are picked against the model's training medians in both paths)."""
    listed = client.get("/v1/customers", params={"sort": "probability", "limit": 1000}).json()
    ids = [item["customer_id"] for item in listed["items"]][::25]
    lookup = {str(i): i for i in tables.customers["customer_id"]}
    body = [history_item(tables, lookup[i]) for i in ids]
    response = post(client, body, cutoff=cutoff.isoformat())
    assert response.status_code == 200, response.text
    scored = response.json()
    assert scored["model_version"] == "1" and scored["cutoff"] == cutoff.isoformat()
    assert scored["population"] == "training"  # reasons compare with the training rows
    assert [item["customer_id"] for item in scored["items"]] == ids
    for item in scored["items"]:
        stored = client.get(f"/v1/customers/{item['customer_id']}").json()
        assert math.isclose(item["probability"], stored["probability"], abs_tol=1e-9)
        assert item["band"] == stored["band"]  # (tiers rank among the posted customers)
        assert item["value"] == pytest.approx(stored["value"], abs=1e-9)
        assert item["segments"] == stored["segments"]
        told = [(r["feature"], r["typical"]) for r in item["reasons"]]
        assert told == [(r["feature"], r["typical"]) for r in stored["reasons"]]
        assert item["reasons"] and all(r["text"] for r in item["reasons"])


def test_rows_posted_after_the_cutoff_score_as_unposted_with_a_note(client, tables, cutoff):
    """A history reaching past a posted cutoff scores as the history up to it, and the
    response says how many rows went unread."""
    lookup = {str(i): i for i in tables.customers["customer_id"]}
    history = history_item(tables, lookup[_ids(client)[1]])
    plain = post(client, [history], cutoff=cutoff.isoformat()).json()
    later = (cutoff + dt.timedelta(days=3)).isoformat()
    history["transactions"] += [{**history["transactions"][-1], "timestamp": later}] * 2
    extended = post(client, [history], cutoff=cutoff.isoformat()).json()
    assert extended["items"][0]["probability"] == plain["items"][0]["probability"]
    assert extended["notes"] == [
        *plain["notes"],
        f"2 posted rows dated after the cutoff {cutoff} were not read (transactions 2; "
        f"customer(s) {history['customer_id']}): the score reads history up to the cutoff; "
        "post a later cutoff to read them",
    ]


def test_a_return_line_is_ignored_as_the_batch_ignores_it(client, tables, cutoff):
    """A negative amount (return, refund) is no purchase: the loader drops such rows, so
    the live path does too, instead of refusing the whole request."""
    lookup = {str(i): i for i in tables.customers["customer_id"]}
    history = history_item(tables, lookup[_ids(client)[1]])
    plain = post(client, [history], cutoff=cutoff.isoformat()).json()["items"][0]
    last = history["transactions"][-1]
    history["transactions"].append({**last, "amount": -abs(last["amount"]) - 1.0})
    returned = post(client, [history], cutoff=cutoff.isoformat())
    assert returned.status_code == 200, returned.text
    assert returned.json()["items"][0]["probability"] == plain["probability"]
    assert returned.json()["items"][0]["reasons"] == plain["reasons"]


def test_stopped_and_complaining_scores_above_a_regular_buyer(client, tables, cutoff):
    end = pd.Timestamp(cutoff) + pd.Timedelta(days=1)
    recent = tables.transactions[
        tables.transactions["timestamp"].between(end - pd.Timedelta(90, "D"), end)
    ]
    busiest = recent["customer_id"].value_counts().index[0]
    regular = history_item(tables, busiest)
    stopped = {**history_item(tables, busiest), "customer_id": "stopped", "events": []}
    last_buy = (end - pd.Timedelta(days=200)).isoformat()
    stopped["transactions"] = [t for t in stopped["transactions"] if t["timestamp"] < last_buy]
    stopped["interactions"] = [
        {"timestamp": (end - pd.Timedelta(days=d)).isoformat(), "type": "complaint"}
        for d in (40, 25, 10)
    ]
    response = post(client, [regular, stopped], cutoff=cutoff.isoformat())
    assert response.status_code == 200, response.text
    first, second = response.json()["items"]
    assert second["probability"] > first["probability"]


def test_cutoff_defaults_to_the_training_data_end_or_a_later_posted_timestamp(client):
    """Not the customer's own last activity: that would always read "0 days silent"."""
    data_end = dt.date.fromisoformat(client.get("/v1/model").json()["data_end"])
    earlier = data_end - dt.timedelta(days=40)
    body = {
        "customer_id": "new",
        "transactions": [
            {"timestamp": f"{earlier - dt.timedelta(days=30)}T09:00:00", "amount": 20.0},
            {"timestamp": f"{earlier}T17:30:00+02:00", "amount": 5.0, "category": "x"},
        ],
    }
    scored = post(client, [body])
    assert scored.status_code == 200, scored.text
    assert scored.json()["cutoff"] == str(data_end)
    later = data_end + dt.timedelta(days=3)
    body["transactions"].append({"timestamp": f"{later}T10:00:00", "amount": 1.0})
    assert post(client, [body]).json()["cutoff"] == str(later)


def _valid() -> dict:
    return {"customer_id": "c1", "transactions": [{"timestamp": "2024-01-05", "amount": 3.0}]}


ROW = "body.customers.0.transactions.0"


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("transactions", 0, "amount"), "lots", f"{ROW}.amount"),
        (("transactions", 0, "timestamp"), "2024-13-45", f"{ROW}.timestamp"),
        (("customer_id",), None, "body.customers.0.customer_id"),
        (("customer_id",), "   ", "body.customers.0.customer_id"),
        (("transactions", 0, "timestamp"), "9999-01-01", f"{ROW}.timestamp"),
        (("signup_date",), "1500-06-30", "body.customers.0.signup_date"),
    ],
)
def test_bad_rows_are_422_naming_the_field(client, path, value, field):
    customer = _valid()
    target = customer
    for key in path[:-1]:
        target = target[key]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    response = post(client, [customer])
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_a_line_without_an_amount_is_422_for_a_model_that_reads_spend(client):
    """Neither amount nor unit_price x quantity: the model's features read spend, and the
    loader refused lines without it (a model of a log without money takes them)."""
    customer = _valid()
    del customer["transactions"][0]["amount"]
    response = post(client, [customer])
    assert response.status_code == 422
    assert "c1: give amount, or unit_price and quantity" in response.json()["detail"]


def test_a_line_posted_as_unit_price_and_quantity_scores_as_its_amount(client, tables, cutoff):
    """A model trained on a line-item log (Price x Quantity) takes the lines as they are."""
    lookup = {str(i): i for i in tables.customers["customer_id"]}
    history = history_item(tables, lookup[_ids(client)[1]])
    as_amounts = post(client, [history], cutoff=cutoff.isoformat()).json()["items"][0]
    for line in history["transactions"]:
        line["unit_price"], line["quantity"] = line.pop("amount") / 4, 4
    as_lines = post(client, [history], cutoff=cutoff.isoformat())
    assert as_lines.status_code == 200, as_lines.text
    assert as_lines.json()["items"][0]["probability"] == pytest.approx(as_amounts["probability"])


def test_many_bad_rows_are_one_short_422_saying_what_was_wrong(client):
    """A history exported with '12/1/2009 8:39' dates: the first errors name the field,
    the value and the format that reads; the rest are counted, not listed."""
    customer = _valid()
    line = customer["transactions"][0]
    customer["transactions"] = [{**line, "timestamp": "12/1/2009 8:39"}] * 300
    response = post(client, [customer])
    assert response.status_code == 422
    body = response.json()
    assert len(body["errors"]) == 20
    assert "(300 errors in all; the first 20 are listed)" in body["detail"]
    first = body["errors"][0]
    assert first["field"] == f"{ROW}.timestamp"
    assert "'12/1/2009 8:39'" in first["message"] and "ISO 8601" in first["message"]


def test_a_line_of_negative_price_and_quantity_is_a_return_as_the_loader_reads_it():
    """Qty -5 at Rate -772 is a return of 3,860, as the batch reads it, not a purchase."""
    for price, quantity in ((-772.0, -5.0), (772.0, -5.0), (-772.0, 5.0)):
        line = {"timestamp": "2014-02-28", "unit_price": price, "quantity": quantity}
        assert TransactionIn.model_validate(line).amount == -3860.0
    line = {"timestamp": "2014-02-28", "unit_price": -772, "quantity": -5, "amount": 3860}
    with pytest.raises(ValidationError, match=r"not unit_price x quantity \(-3860"):
        TransactionIn.model_validate(line)


def test_a_line_whose_amount_is_not_its_price_times_quantity_is_refused():
    with pytest.raises(ValidationError, match="not unit_price x quantity"):
        TransactionIn.model_validate(
            {"timestamp": "2024-01-01", "amount": 5, "unit_price": 1, "quantity": 2}
        )
    with pytest.raises(ValidationError, match="too large"):
        TransactionIn.model_validate(
            {"timestamp": "2024-01-01", "unit_price": 1e200, "quantity": 1e200}
        )


@pytest.mark.parametrize(
    ("posted", "read"),
    [
        (20240215, dt.datetime(2024, 2, 15)),  # YYYYMMDD, as the loader reads a column of them
        ("20240215", dt.datetime(2024, 2, 15)),
        (45322, dt.datetime(2024, 1, 31)),  # a spreadsheet day serial
        ("2024-02-15T10:30:00", dt.datetime(2024, 2, 15, 10, 30)),
        # an event log's own text, which the loader reads: a 422 said "extra characters"
        ("2022-11-01 00:01:57 UTC", dt.datetime(2022, 11, 1, 0, 1, 57)),
        ("2022-11-01 00:01:57 utc", dt.datetime(2022, 11, 1, 0, 1, 57)),
        ("2022-11-01 UTC", dt.datetime(2022, 11, 1)),
        ("2022-11-01 02:01:57+02:00", dt.datetime(2022, 11, 1, 0, 1, 57)),
    ],
)
def test_posted_dates_read_as_the_loader_reads_them(posted, read):
    line = TransactionIn.model_validate({"timestamp": posted, "amount": 1.0})
    assert naive(line.timestamp) == read


@pytest.mark.parametrize(
    ("posted", "read"),
    [(20240131.0, dt.datetime(2024, 1, 31)), (45322.0, dt.datetime(2024, 1, 31))],
)
def test_a_whole_float_date_reads_as_its_integer_does(posted, read):
    """A float column's 20240131.0 read as 1970-08-23 live, 2024-01-31 in the loader."""
    assert (
        naive(TransactionIn.model_validate({"timestamp": posted, "amount": 1.0}).timestamp) == read
    )


@pytest.mark.parametrize("posted", [650, "650", 1_000_000, 650.0, "-650"])
def test_a_small_number_is_no_date_as_the_loader_says(posted):
    """A day number (dunnhumby's DAY) was read as seconds after 1970."""
    with pytest.raises(ValidationError, match=r"is no date \(not YYYYMMDD"):
        TransactionIn.model_validate({"timestamp": posted, "amount": 1.0})
    assert naive(
        TransactionIn.model_validate({"timestamp": 1_700_000_000, "amount": 1.0}).timestamp
    )


def test_an_eight_digit_number_that_is_no_date_is_refused_naming_it():
    with pytest.raises(ValidationError, match="20171345 is no YYYYMMDD date"):
        TransactionIn.model_validate({"timestamp": 20171345, "amount": 1.0})


def test_a_cutoff_after_today_is_refused():
    """2030 read the years until then as silence: "customer for 2040 days"."""
    today = dt.date(2026, 12, 3)
    live_checks.require_not_future(dt.date(2026, 12, 4), today)  # a day's grace for time zones
    with pytest.raises(
        live_checks.UnscorableError, match=r"cutoff 2030-01-01 \(posted.*is after today"
    ):
        live_checks.require_not_future(dt.date(2030, 1, 1), today)


def test_a_posted_cutoff_after_today_is_422_naming_it(client):
    response = post(client, [_valid()], cutoff="2199-01-01")
    assert response.status_code == 422
    assert "is after today" in response.json()["detail"]


def test_a_cutoff_beyond_what_the_tables_hold_is_422(client):
    response = post(client, [_valid()], cutoff="9999-12-31")
    assert response.status_code == 422
    assert "body.cutoff" in [e["field"] for e in response.json()["errors"]]


def test_posted_text_is_stripped_as_the_loader_strips_it(client):
    padded = {
        "customer_id": "  c1 ",
        "transactions": [
            {"timestamp": "2024-01-05", "amount": 3.0, "category": " toys ", "order_id": " 7"}
        ],
    }
    plain = {
        "customer_id": "c1",
        "transactions": [
            {"timestamp": "2024-01-05", "amount": 3.0, "category": "toys", "order_id": "7"}
        ],
    }
    answered = post(client, [padded])
    assert answered.status_code == 200, answered.text
    assert answered.json() == post(client, [plain]).json()


@pytest.mark.parametrize(
    "values",
    [
        [dt.datetime(2024, 2, 29, 23, 59, 59, 999999), None, dt.datetime(1970, 1, 1)],
        [dt.datetime(1678, 1, 1, 0, 0, 1), dt.datetime(2261, 12, 31, 12)],
        [dt.datetime(2024, 6, 1, 2, 30, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))],
        [],
    ],
)
def test_posted_times_convert_as_numpy_converts_them(values):
    expected = np.array([None if v is None else naive(v) for v in values], "datetime64[ns]")
    assert np.array_equal(live_tables._times(values), expected, equal_nan=True)


def test_too_many_customers_is_422(client):
    many = [{**_valid(), "customer_id": f"c{i}"} for i in range(MAX_CUSTOMERS + 1)]
    response = post(client, many)
    assert response.status_code == 422
    assert "body.customers" in [e["field"] for e in response.json()["errors"]]


def test_too_many_rows_for_a_customer_or_a_request_is_422_saying_what_to_post(client, monkeypatch):
    """A wholesaler's store held 86,356 invoice lines in its model's 545 days: the limit is
    sized for such accounts, and says what to post beyond it."""
    from serving import schemas

    monkeypatch.setattr(schemas, "MAX_ROWS", 2)
    monkeypatch.setattr(schemas, "MAX_REQUEST_ROWS", 3)
    rows = [{"timestamp": f"2024-01-0{d}", "amount": 3.0} for d in (1, 2, 3)]
    response = post(client, [{**_valid(), "transactions": rows}])
    assert response.status_code == 422
    assert "3 activity rows for one customer; at most 2: post the rows of the model's " in str(
        response.json()
    )
    two = [{**_valid(), "customer_id": f"c{i}", "transactions": rows[:2]} for i in range(2)]
    response = post(client, two)
    assert response.status_code == 422
    assert "4 activity rows in one request; at most 3: post fewer customers" in str(response.json())


def test_customer_unknown_at_the_cutoff_is_422_naming_it(client):
    late = {
        "customer_id": "late-joiner",
        "transactions": [{"timestamp": "2030-01-01", "amount": 1}],
    }
    response = post(client, [late], cutoff="2024-06-30")
    assert response.status_code == 422
    assert "late-joiner" in response.json()["detail"]


def test_a_request_of_several_scores_those_the_batch_would_and_names_the_rest(client):
    """A CRM's list of customers with one not yet known (or gone) at the cutoff had been
    a 422 for all of them; the rest are scored, and each left out is named with why."""
    late = {
        "customer_id": "late-joiner",
        "transactions": [{"timestamp": "2030-01-01", "amount": 1}],
    }
    response = post(client, [_valid(), late], cutoff="2024-06-30")
    assert response.status_code == 200, response.text
    scored = response.json()
    assert [item["customer_id"] for item in scored["items"]] == ["c1"]
    (left,) = scored["not_scored"]
    assert left["customer_id"] == "late-joiner"
    assert "not known at the cutoff" in left["reason"] and "c1" not in left["reason"]
    alone = post(client, [_valid()], cutoff="2024-06-30").json()
    assert alone["items"][0]["probability"] == scored["items"][0]["probability"]
    assert alone["not_scored"] == []


@pytest.mark.parametrize(
    "lines",
    [
        [("2024-05-10", 10.0), ("2024-05-11", -10.0)],  # bought, and returned it
        [("2024-05-11", -4.0)],  # a refund alone
    ],
)
def test_a_customer_whose_only_purchase_was_returned_is_not_known(client, lines):
    """As in the batch, where a purchase returned by the cutoff does not count: a 422
    naming the customer, not a 500."""
    returned = {
        "customer_id": "returned-it",
        "transactions": [{"timestamp": t, "amount": a, "category": "x"} for t, a in lines],
    }
    response = post(client, [returned], cutoff="2024-06-30")
    assert response.status_code == 422, response.text
    assert "returned-it" in response.json()["detail"]


def test_a_customer_signed_up_after_the_cutoff_is_422_naming_it(client):
    later = {"timestamp": "2024-07-02", "amount": 3.0}
    future = {"customer_id": "future", "signup_date": "2024-07-01", "transactions": [later]}
    response = post(client, [future], cutoff="2024-06-30")
    assert response.status_code == 422, response.text
    assert "future" in response.json()["detail"]
    beside = post(client, [_valid(), future], cutoff="2024-06-30").json()
    assert [left["customer_id"] for left in beside["not_scored"]] == ["future"]
    silent = {**_valid(), "customer_id": "silent"}
    silent["transactions"] = [{"timestamp": "2022-01-05", "amount": 30.0}]
    both = post(client, [future, silent], cutoff="2024-06-30")
    assert both.status_code == 422  # every one refused: each named with why
    assert "future have no signup date" in both.json()["detail"]
    assert "silent (last 2022-01-05)" in both.json()["detail"]


def test_a_purchase_dated_before_the_signup_makes_the_customer_known(client):
    """As the batch reads it (`features.lifecycle.start_day`): a SaaS export's usage
    dated before the account's signup left 152 active accounts out of a cutoff."""
    early_rows = {**_valid(), "customer_id": "early", "signup_date": "2024-07-01"}
    response = post(client, [early_rows], cutoff="2024-06-30")
    assert response.status_code == 200, response.text
    assert response.json()["items"][0]["customer_id"] == "early"


def test_customers_the_batch_holds_for_lapsed_are_422_naming_them(client, served):
    """Under `inactivity` the batch scores the active: a purchase in the active window up
    to the cutoff. A newcomer with no purchase yet, or a buyer silent past the window, has
    no score there, and live says so rather than guess (a 381-day silence read 0.435)."""
    window = load_config(served.config).churn.active_window_days
    newcomer = {"customer_id": "newcomer", "signup_date": "2024-06-01"}
    silent = {
        **_valid(),
        "customer_id": "silent",
        "transactions": [{"timestamp": "2022-01-05", "amount": 30.0}],
    }
    later = {
        **_valid(),
        "customer_id": "later",
        "signup_date": "2024-01-01",
        "transactions": [{"timestamp": "2024-07-05", "amount": 30.0}],
    }
    response = post(client, [newcomer, silent, later], cutoff="2024-06-30")
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert "newcomer (no purchase at all)" in detail and "silent (last 2022-01-05)" in detail
    assert "later (every purchase posted is after the cutoff)" in detail
    assert f"no purchase in the {window} days up to 2024-06-30" in detail
    beside = post(client, [_valid(), newcomer, silent, later], cutoff="2024-06-30")
    assert beside.status_code == 200  # the one active is scored, the rest named
    left = {row["customer_id"]: row["reason"] for row in beside.json()["not_scored"]}
    assert list(left) == ["newcomer", "silent", "later"]
    assert "silent (last 2022-01-05)" in left["silent"] and "newcomer" not in left["silent"]


def test_under_cancellation_usage_in_the_window_keeps_a_member_active():
    """As `features.labels.gone_at`: a purchase or usage event in the window."""
    churn = ChurnSpec(definition="cancellation", active_window_days=90)
    using = _member(("2019-01-20", "NextSong"), payments=("2018-01-01",))
    live_checks.require_active([using], dt.date(2019, 1, 31), churn, USAGE_LOG)
    lapsed = _member(("2018-09-20", "NextSong"), payments=("2018-01-01",))
    with pytest.raises(
        live_checks.GoneError, match=r"u1 \(last 2018-09-20\): no purchase or usage"
    ):
        live_checks.require_active([lapsed], dt.date(2019, 1, 31), churn, USAGE_LOG)


LOG = {"customer_id": "userId", "timestamp": "ts"}
USAGE_LOG = DataSpec.model_validate(
    {
        "customers": {"path": "log.json", "columns": {"customer_id": "userId"}},
        "transactions": {"path": "payments.csv"},
        "events": {"path": "log.json", "columns": {**LOG, "type": "page"}},
        "cancellations": {
            "path": "log.json",
            "columns": LOG,
            "rows": {"column": "page", "values": ["Cancellation Confirmation"]},
        },
    }
).with_amount_read()
"""A Sparkify-style usage log: its cancellation pages are the cancellations table; its
payments' file has an `amount` column, read as a model trained on it reads it."""


def _member(*events: tuple[str, str], payments: tuple[str, ...] = (), **more: Any):
    return CustomerHistoryIn.model_validate(
        {
            "customer_id": "u1",
            "events": [{"timestamp": at, "type": page} for at, page in events],
            "transactions": [{"timestamp": at, "amount": 9.99} for at in payments],
            **more,
        }
    )


CANCELLATION = ChurnSpec(definition="cancellation", grace_days=30)


def _not_gone(
    customers: list[CustomerHistoryIn],
    cutoff: dt.date,
    data: DataSpec = USAGE_LOG,
    undo_by: str = "day",
) -> None:
    live_checks.require_not_gone(customers, cutoff, data, churn=CANCELLATION, undo_by=undo_by)


def test_a_customer_who_cancelled_by_the_cutoff_is_gone_not_scored_low():
    """Their past usage would score a low risk; the batch does not score them at all."""
    cancelled = _member(("2019-01-02", "NextSong"), ("2019-01-05", "Cancellation Confirmation"))
    with pytest.raises(live_checks.GoneError, match=r"u1 \(cancelled 2019-01-05\)"):
        _not_gone([cancelled], dt.date(2019, 1, 31))
    _not_gone([cancelled], dt.date(2019, 1, 4))  # not yet then
    posted = _member(("2019-01-02", "NextSong"), cancellations=[{"timestamp": "2019-01-05"}])
    with pytest.raises(live_checks.GoneError):
        _not_gone([posted], dt.date(2019, 1, 31))
    back = _member(
        ("2019-01-05", "Cancellation Confirmation"), payments=("2019-01-05", "2019-01-09")
    )
    _not_gone([back], dt.date(2019, 1, 31))  # paid again since
    same_day = _member(("2019-01-05", "Cancellation Confirmation"), payments=("2019-01-05",))
    with pytest.raises(live_checks.GoneError, match="with no payment since"):  # date-only data
        _not_gone([same_day], dt.date(2019, 1, 31))
    other_log = USAGE_LOG.model_copy(
        update={"cancellations": USAGE_LOG.cancellations.model_copy(update={"path": "c.csv"})}
    )
    _not_gone([cancelled], dt.date(2019, 1, 31), other_log)  # pages are usage
    no_payments = USAGE_LOG.model_copy(update={"transactions": None})
    with pytest.raises(live_checks.GoneError) as gone:  # nothing to come back by: said so
        _not_gone([cancelled], dt.date(2019, 1, 31), no_payments)
    assert "cancelled on or before 2019-01-31: no longer customers" in str(gone.value)


def test_a_payment_in_the_cancellations_second_keeps_a_member_when_the_data_carry_times():
    """QA: a plan change paid in the cancellation's second was refused as "cancelled ...
    with no payment or purchase since"; the batch's rule, as the model was trained."""
    plan_change = _member(
        ("2019-01-05T02:06:01", "Cancellation Confirmation"), payments=("2019-01-05T02:06:01",)
    )
    _not_gone([plan_change], dt.date(2019, 1, 31), undo_by="time")
    with pytest.raises(live_checks.GoneError, match="with no payment since"):  # an older model
        _not_gone([plan_change], dt.date(2019, 1, 31), undo_by="day")
    paid_before = _member(
        ("2019-01-05T02:06:01", "Cancellation Confirmation"), payments=("2019-01-05T01:00:00",)
    )
    with pytest.raises(live_checks.GoneError, match="with no payment at its time or later"):
        _not_gone([paid_before], dt.date(2019, 1, 31), undo_by="time")


PAID_PERIODS = USAGE_LOG.model_copy(
    update={
        "transactions": USAGE_LOG.transactions.model_copy(
            update={"columns": {**USAGE_LOG.transactions.columns, "paid_until": "period_end"}}
        )
    }
)


def test_a_member_whose_paid_period_ended_unpaid_is_gone_as_in_the_batch():
    """A trial that never converted, still logging in: no cancellation, and no customer."""
    trial = _member(
        ("2019-01-20", "NextSong"),
        transactions=[{"timestamp": "2018-11-01", "amount": 0, "paid_until": "2018-11-15"}],
    )
    with pytest.raises(live_checks.GoneError) as gone:
        _not_gone([trial], dt.date(2019, 1, 31), PAID_PERIODS)
    assert "u1 (paid up to 2018-11-15): their paid period ended over 30 days before" in str(
        gone.value
    )
    in_grace = _member(
        ("2019-01-20", "NextSong"),
        transactions=[{"timestamp": "2018-12-10", "amount": 9, "paid_until": "2019-01-10"}],
    )
    _not_gone([in_grace], dt.date(2019, 1, 31), PAID_PERIODS)


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> tuple[Loaded, Tables]:
    """A model of a labelled snapshot (attributes only, no dated activity), and its data."""
    config = load_config(telecom_snapshot(tmp_path_factory.mktemp("telecom"), customers=600))
    tables = load_tables(config)
    outcome = run_protocol(tables, config)
    model = package_model(outcome, config, build_report(outcome, tables, config), tables)
    return Loaded(model=model, name="telecom", version="1"), tables


def test_a_snapshot_model_scores_posted_attributes_as_the_batch_does(snapshot):
    """No activity to post: customers are known, the cutoff is the data's extract date
    (`as_of`), and each scores as in the batch: a customer the model was trained on by
    the fold model fitted without them (`churn.cross_fit`), the others by the model."""
    loaded, tables = snapshot
    rows = tables.customers.head(3)
    folds = loaded.model.folds_of(rows)  # by id and their categories
    assert folds is not None and (folds >= 0).any() and (folds < 0).any()
    assert "Contract" in loaded.model.trained_rows.alike_columns
    attributes = ["tenure", "MonthlyCharges", "Contract"]
    posted = [
        {"customer_id": row["customer_id"], "attributes": {a: row[a] for a in attributes}}
        for _, row in rows.iterrows()
    ]
    scored = live.score_history(ScoreIn.model_validate({"customers": posted}), loaded)
    assert scored["cutoff"] == dt.date(2024, 6, 30)
    assert all(item["reasons"] for item in scored["items"])
    batch = loaded.model.features(tables, pd.Timestamp("2024-06-30")).set_index("customer_id")
    expected = loaded.model.scores(batch.loc[rows["customer_id"]].reset_index(), folds)[0]
    assert [item["probability"] for item in scored["items"]] == pytest.approx(expected.tolist())


def test_a_snapshot_without_dates_is_scored_as_of_today_as_the_batch_reads_it(snapshot):
    """Training and the batch read an undated snapshot as of today; live asked for a
    cutoff instead."""
    loaded, _ = snapshot
    config = loaded.model.config
    config = config.model_copy(update={"data": config.data.model_copy(update={"as_of": None})})
    info = {k: v for k, v in loaded.model.info.items() if k != "data_end"}
    undated = dataclasses.replace(loaded.model, config=config, info=info)
    posted = {"customer_id": "c1", "attributes": {"tenure": 12, "Contract": "Two year"}}
    request = ScoreIn.model_validate({"customers": [posted]})
    assert live_checks.resolve_cutoff(request, undated) == dt.date.today()


def test_text_a_file_reader_takes_for_missing_is_unknown_posted_too(snapshot):
    """'NA' in a CSV is a blank to the loader; posted, it was a 422 ("no number")."""
    loaded, _ = snapshot
    posted = {"tenure": "NA", "MonthlyCharges": "NULL", "Contract": "Month-to-month"}
    blank = {"tenure": None, "MonthlyCharges": None, "Contract": "Month-to-month"}
    scored = [
        live.score_history(
            ScoreIn.model_validate({"customers": [{"customer_id": "c1", "attributes": a}]}),
            loaded,
        )["items"][0]["probability"]
        for a in (posted, blank)
    ]
    assert scored[0] == scored[1]


def test_a_posted_value_is_the_value_when_the_model_data_configure_one(snapshot):
    """As the batch reads a configured value column: value at risk = probability x value."""
    loaded, _ = snapshot
    posted = [
        {"customer_id": "c1", "value": 1200.0, "attributes": {"Contract": "Month-to-month"}},
        {"customer_id": "c2", "attributes": {"Contract": "Two year"}},  # no value posted
    ]
    request = ScoreIn.model_validate({"customers": posted})
    unvalued = live.score_history(request, loaded)["items"]
    assert [item["value"] for item in unvalued] == [None, None]  # no spend, no value column
    config = loaded.model.config.model_copy(deep=True)
    config.data.customers.columns["value"] = "TotalCharges"
    valued = dataclasses.replace(loaded, model=dataclasses.replace(loaded.model, config=config))
    first, second = live.score_history(request, valued)["items"]
    assert first["value"] == 1200.0
    assert first["value_at_risk"] == pytest.approx(first["probability"] * 1200.0)
    assert second["value"] is None and second["value_at_risk"] is None
    # the value column among the attributes values a customer posted without `value`
    posted[1]["attributes"]["TotalCharges"] = 830.5
    request = ScoreIn.model_validate({"customers": posted})
    _, second = live.score_history(request, valued)["items"]
    assert second["value"] == 830.5
    for text, read in (("1,234.5", 1234.5), ("$135.50", 135.5)):  # had been a 500
        posted[1]["attributes"]["TotalCharges"] = text
        request = ScoreIn.model_validate({"customers": posted})
        _, second = live.score_history(request, valued)["items"]
        assert second["value"] == read


def test_a_cancellation_model_refuses_a_gone_customer_before_scoring(snapshot):
    loaded, _ = snapshot
    config = loaded.model.config
    churn = config.churn.model_copy(update={"definition": "cancellation"})
    config = config.model_copy(update={"data": USAGE_LOG, "churn": churn})
    model = dataclasses.replace(loaded.model, config=config)
    cancelled = _member(("2019-01-02", "NextSong"), ("2019-01-05", "Cancellation Confirmation"))
    request = ScoreIn(customers=[cancelled], cutoff=dt.date(2019, 1, 31))
    with pytest.raises(live_checks.GoneError, match="not scored"):
        live_checks.checked_cutoff(request, model)


def test_posted_rows_compare_payments_and_cancellations_as_training_did(snapshot):
    """A live customer's few rows may all fall at midnight: the model's flag decides."""
    loaded, _ = snapshot
    posted = Tables(customers={"customer_id": np.array(["u1"], dtype=object)})
    assert loaded.model.as_trained(posted).undo_by == "day"  # no payments in training
    timed = dataclasses.replace(loaded.model, info={**loaded.model.info, "undo_by": "time"})
    assert timed.as_trained(posted).undo_by == "time"


def test_posted_rows_are_payments_or_purchases_as_in_training(snapshot):
    """Whether the transactions are a subscription's payments is the model's (its
    reasons' words), stored with it; one from before that tells it by `paid_until`."""
    loaded, _ = snapshot
    posted = Tables(customers={"customer_id": np.array(["u1"], dtype=object)}, payments=True)
    assert loaded.model.as_trained(posted).payments is False  # a snapshot: no payments
    older = {key: value for key, value in loaded.model.info.items() if key != "payments"}
    assert dataclasses.replace(loaded.model, info=older).as_trained(posted).payments is None


def test_a_snapshot_customer_posted_with_none_of_the_models_attributes_is_refused(snapshot):
    """Misspelt keys left a bank customer with nothing but the base rate, scored 0.0149."""
    loaded, _ = snapshot
    posted = {"customer_id": "x1", "attributes": {"Tenure": 12}}  # not 'tenure'
    with pytest.raises(live_checks.UnscorableError, match=r"x1 posted none of .*posted: Tenure"):
        live.score_history(ScoreIn.model_validate({"customers": [posted]}), loaded)
    posted["attributes"] = {"tenure": None}  # unknown, said so: scored
    assert live.score_history(ScoreIn.model_validate({"customers": [posted]}), loaded)["items"]


def test_a_misspelt_attribute_is_refused_naming_the_one_it_meant(snapshot):
    """Scored as unknown, 'CurrentEquipmentDay' took a telecom customer from 0.16 to 0.29
    with 'not recorded' as the top reason; a key like no attribute is a CRM's own."""
    loaded, _ = snapshot
    posted = {
        "customer_id": "c1",
        "attributes": {"tenure": 12, "MonthlyCharge": 50.0, "contract": "Two year", "email": "x"},
    }
    with pytest.raises(live_checks.UnscorableError) as refused:
        live.score_history(ScoreIn.model_validate({"customers": [posted]}), loaded)
    said = str(refused.value)
    assert "'MonthlyCharge' (did you mean 'MonthlyCharges'?)" in said
    assert "'contract' (did you mean 'Contract'?)" in said
    assert "email" not in said


def test_a_key_naming_part_of_an_absent_attribute_is_refused_as_misspelt():
    """'HOUSEHOLD_SIZE' for dunnhumby's 'HOUSEHOLD_SIZE_DESC' (0.848 alike by difflib)
    scored the household size as unknown; a CRM's 'email' and 'crm_id' are its own."""
    model = SimpleNamespace(attribute_kinds={"HOUSEHOLD_SIZE_DESC": "categorical"}, info={})
    posted = CustomerHistoryIn.model_validate(
        {"customer_id": "h1", "attributes": {"HOUSEHOLD_SIZE": "2", "crm_id": "7", "email": "x"}}
    )
    with pytest.raises(live_checks.UnscorableError) as refused:
        live_checks.require_no_misspelt_attributes([posted], model)
    said = str(refused.value)
    assert "'HOUSEHOLD_SIZE' (did you mean 'HOUSEHOLD_SIZE_DESC'?)" in said
    assert "crm_id" not in said and "email" not in said
    posted.attributes["HOUSEHOLD_SIZE_DESC"] = "2"  # posted too: the key is the CRM's own
    live_checks.require_no_misspelt_attributes([posted], model)


@pytest.mark.parametrize("key", ["Tenureinmonths ", "Tenureinmonths", " Tenureinmonths"])
def test_a_key_read_from_a_header_ending_in_a_blank_is_posted_however_spaced(key):
    """Maven's telecom export ends most header names in a space: the model reads
    'Tenureinmonths ', the request schema strips posted keys, and every one of 19 keys
    was refused as a misspelling of itself."""
    model = SimpleNamespace(attribute_kinds={"Tenureinmonths ": "numeric"}, info={})
    posted = CustomerHistoryIn.model_validate({"customer_id": "c1", "attributes": {key: 9}})
    live_checks.spell_as_trained([posted], model)
    live_checks.require_no_misspelt_attributes([posted], model)
    assert posted.attributes == {"Tenureinmonths ": 9.0}


def test_a_key_of_a_numbered_series_is_no_misspelling_but_a_typo_is():
    """Orange's Var202 was refused as 'did you mean Var22?': a name differing from an
    attribute only in its digits is another column of the series."""
    model = SimpleNamespace(attribute_kinds={"Var22": "numeric", "Tenure": "numeric"}, info={})
    posted = CustomerHistoryIn.model_validate(
        {"customer_id": "c1", "attributes": {"Var202": "x", "Var2": 1}}
    )
    live_checks.require_no_misspelt_attributes([posted], model)
    posted.attributes["Tenur"] = 3
    with pytest.raises(live_checks.UnscorableError, match="'Tenur' \\(did you mean 'Tenure'\\?\\)"):
        live_checks.require_no_misspelt_attributes([posted], model)


def test_a_sparse_record_of_an_all_attributes_snapshot_is_scored(tmp_path):
    """A 230-column snapshot's customer posted with blank cells left out was refused
    whole: the columns `attributes: all` left out (scattered codes) and those blank in
    every row (kept as features) made every such key a misspelling."""
    rng = np.random.default_rng(3)
    n = 400
    frame = pd.DataFrame(
        {
            "Var2": rng.integers(0, 50, n),
            "Var20": [None] * n,
            "Var202": [f"c{i}{k}" for i, k in enumerate(rng.integers(0, 10**6, n))],
            "Churn": rng.choice(["Yes", "No"], n, p=[0.3, 0.7]),
        }
    )
    frame.to_csv(tmp_path / "customers.csv", index=False)
    spec = {
        "path": "customers.csv",
        "attributes": "all",
        "label": {"column": "Churn", "positive": "Yes"},
    }
    config = {
        "name": "sparse",
        "data": {"as_of": "2024-06-30", "customers": spec},
        "churn": {"definition": "label_column"},
    }
    (tmp_path / "churn.yaml").write_text(yaml.safe_dump(config))
    config = load_config(tmp_path / "churn.yaml")
    tables = load_tables(config)
    outcome = run_protocol(tables, config)
    model = package_model(outcome, config, build_report(outcome, tables, config), tables)
    assert list(model.attribute_kinds) == ["Var2"]
    assert model.info["unread_columns"] == ["Var20", "Var202", "Churn"]
    sparse = {"customer_id": "c1", "attributes": {"Var2": 7, "Var202": "c9x"}}
    loaded = Loaded(model=model, name="sparse", version="1")
    scored = live.score_history(ScoreIn.model_validate({"customers": [sparse]}), loaded)
    assert scored["notes"] == [] and scored["items"][0]["probability"] > 0


def test_attributes_not_posted_are_noted_as_scored_unknown(snapshot):
    """Three omitted usage attributes took a telecom customer from 0.16 to 0.68, and the
    response did not say so; a posted null is unknown on purpose."""
    loaded, tables = snapshot
    names = list(loaded.model.attribute_kinds)
    row = tables.customers.iloc[0]
    everything = {name: row[name] for name in names}
    posted = [
        {"customer_id": f"c{i}", "attributes": {**everything, "Contract": None}} for i in range(5)
    ]
    posted[0]["attributes"].pop("Contract")
    scored = live.score_history(ScoreIn.model_validate({"customers": posted}), loaded)
    assert scored["notes"] == [
        "Contract not posted for customer(s) c0: scored as unknown (post null to say unknown)"
    ]
    for customer in posted[1:]:
        customer["attributes"].pop("Contract")
    (note,) = live.score_history(ScoreIn.model_validate({"customers": posted}), loaded)["notes"]
    assert note.startswith("Contract not posted for customer(s) c0, c1, c2 and 2 more")


def test_live_reasons_are_told_the_cutoff_as_the_batchs_are(loaded, histories, cutoff, monkeypatch):
    """The live columns leave the cutoff out, and an anniversary gone was counted as 365
    less the days until the next: a day short of the batch's before a Feb 29."""
    told = []
    explain = Explainer.explain

    def spy(self, features, *args, **kwargs):
        told.append(features["cutoff"])
        return explain(self, features, *args, **kwargs)

    monkeypatch.setattr(Explainer, "explain", spy)
    request = ScoreIn.model_validate({"customers": histories[:3], "cutoff": cutoff})
    live.score_history(request, loaded)
    (dates,) = told
    assert dates.tolist() == [pd.Timestamp(cutoff).date()] * 3


def test_purchases_posted_without_a_field_the_model_reads_are_noted(loaded, histories, cutoff):
    """Chinook's customer 56, posted without `category`, scored as bought from no
    category (0.9945 -> 0.9923) with no note; the full history carries every field."""

    def notes(customers: list[dict]) -> list[str]:
        request = ScoreIn.model_validate({"customers": customers, "cutoff": cutoff})
        return [n for n in live.score_history(request, loaded)["notes"] if "carry no" in n]

    assert notes(histories) == []
    bare = [dict(customer) for customer in histories[:4]]
    for customer in bare[1:]:
        lines = [
            {k: v for k, v in line.items() if k != "category"} for line in customer["transactions"]
        ]
        customer["transactions"] = lines
    named = ", ".join(customer["customer_id"] for customer in bare[1:])
    assert notes(bare) == [
        f"transactions of customer(s) {named} carry no category, which the model's category "
        "breadth and consumables share read: scored as bought from no category"
    ]
    one_line = {
        **bare[1],
        "transactions": [*bare[1]["transactions"], histories[1]["transactions"][-1]],
    }
    assert notes([one_line]) == []  # one line with a category: the others may have none


def _reading(features: list[str], **tables: dict) -> SimpleNamespace:
    data = DataSpec.model_validate(
        {"customers": {"path": "c.csv", "columns": {"customer_id": "id"}}, **tables}
    )
    return SimpleNamespace(
        config=SimpleNamespace(data=data),
        data=data.with_amount_read(),
        layout=SimpleNamespace(names=features),
    )


def test_a_field_is_noted_only_where_the_data_map_it_and_a_feature_reads_it():
    """A discount is read from the list price too; a model whose data map no category, or
    that reads no category feature, has nothing to miss."""
    mapped = {"path": "t.csv", "columns": {"customer_id": "id", "timestamp": "at", "amount": "a"}}
    listed = {**mapped, "columns": {**mapped["columns"], "list_price": "msrp"}}
    posted = [
        CustomerHistoryIn.model_validate(
            {"customer_id": "u1", "transactions": [{"timestamp": "2024-01-05", "amount": 3.0}]}
        ),
        CustomerHistoryIn.model_validate({"customer_id": "u2", "signup_date": "2024-01-01"}),
        CustomerHistoryIn.model_validate(
            {
                "customer_id": "u3",
                "transactions": [{"timestamp": "2024-01-05", "amount": 3.0, "list_price": 4.0}],
            }
        ),
    ]
    assert live_notes.unposted_fields(
        posted, _reading(["discount_share_365d"], transactions=listed)
    ) == [
        "transactions of customer(s) u1 carry no discount, which the model's discount share "
        "read: scored as never discounted"
    ]
    assert live_notes.unposted_fields(posted, _reading(["spend_90d"], transactions=listed)) == []
    assert (
        live_notes.unposted_fields(posted, _reading(["category_breadth_90d"], transactions=mapped))
        == []
    )
    used = {"path": "e.csv", "columns": {"customer_id": "id", "timestamp": "at", "quantity": "mb"}}
    played = CustomerHistoryIn.model_validate(
        {"customer_id": "p1", "events": [{"timestamp": "2024-01-05", "type": "play"}]}
    )
    assert live_notes.unposted_fields([played], _reading(["quantity_play_30d"], events=used)) == [
        "events of customer(s) p1 carry no quantity, which the model's usage quantities read: "
        "scored as none used"
    ]
    # a further quantity (`events.quantities`) posted in `quantities` by its column's name
    songs = {**used, "quantities": {"num_unq": "unique songs"}}
    listened = CustomerHistoryIn.model_validate(
        {
            "customer_id": "p2",
            "events": [{"timestamp": "2024-01-05", "quantity": 3, "quantities": {"num_unq": 4}}],
        }
    )
    reading = _reading(["usage_num_unq_30d"], events=songs)
    assert live_notes.unposted_fields([played, listened], reading) == [
        "events of customer(s) p1 carry no quantities.num_unq, which the model's usage_num_unq "
        "features read: scored as none used"
    ]


def test_a_level_the_model_never_trained_on_is_noted_as_scored_unknown(snapshot):
    """As the batch notes it: a CRM's new contract type moved the score without a word."""
    loaded, tables = snapshot
    row = tables.customers.iloc[0]
    everything = {name: row[name] for name in loaded.model.attribute_kinds}
    posted = [
        {"customer_id": "c1", "attributes": {**everything, "Contract": "Lifetime"}},
        {"customer_id": "c2", "attributes": {**everything, "Contract": "TWO YEAR"}},  # folded
    ]
    scored = live.score_history(ScoreIn.model_validate({"customers": posted}), loaded)
    assert scored["notes"] == [
        "Contract: 'Lifetime' for customer(s) c1: a level the model never trained on: read as "
        "unknown"
    ]
    # where training's rarer levels were left out, it may be one of them, as its reason says
    unknown = {"Contract": np.array([True])}
    (note,) = live_notes.unseen_level_notes(
        {"Contract": ["Lifetime"]}, unknown, ["c1"], {"Contract"}
    )
    assert note.endswith(
        "a level the model does not know, new or too rare in training to keep: read as unknown"
    )


@pytest.mark.slow
def test_a_level_read_with_the_rarer_ones_says_so_alike_live_and_in_the_batch(tmp_path):
    """A model keeping 100 of 150 service areas reads the 50 rarer ones as one unknown:
    packaged with what they are together, a rarer or new area's reason says it, in a
    live response as in the batch ("a level the model does not know" was about the
    model, and told 1,720 Cell2Cell holdout customers)."""
    config = load_config(area_snapshot(tmp_path))
    tables = load_tables(config)
    outcome = run_protocol(tables, config)
    model = package_model(outcome, config, build_report(outcome, tables, config), tables)
    rarer = model.info["rarer_levels"]["ServiceArea"]
    assert rarer["levels"] == model.layout.rare_levels["ServiceArea"] == 50
    assert rarer["side"] == 1 and rarer["churn"] > 2 * rarer["rest"]
    posted = [
        {"customer_id": id_, "attributes": {"MonthsInService": 30, "ServiceArea": area}}
        for id_, area in zip(("c1", "c2"), ("RARE007", "NEWAREA"), strict=True)
    ]
    loaded = Loaded(model=model, name="areas", version="1")
    items = live.score_history(ScoreIn.model_validate({"customers": posted}), loaded)["items"]
    said = f"(read with the 50 rarer levels, whose customers churned at {rarer['churn']:.1%}"
    live_texts = [[r["text"] for r in item["reasons"]] for item in items]
    assert all(any(said in text for text in texts) for texts in live_texts)
    areas = ["RARE007", "NEWAREA"]
    features = pd.DataFrame(
        {"customer_id": ["c1", "c2"], "MonthsInService": 30.0, "ServiceArea": areas}
    )
    _, _, reasons = score(model, features, chunk_rows=10)
    assert [[r.text for r in row] for row in reasons] == live_texts


def test_a_blank_where_training_had_none_scores_at_the_median_live(snapshot):
    """QA posted a SyriaTel customer's 'Total day minutes' as null: 0.9208, as at 302.7,
    on "Total day minutes: not recorded", without a note. It scores at the training
    median as in the batch, no reason names it, and a note names the customer; posted
    without it alike. A model packaged before scores it as it did."""
    loaded, tables = snapshot
    model = loaded.model
    median = model.median_fills["MonthlyCharges"]
    row = tables.customers.iloc[0]
    everything = {name: row[name] for name in model.attribute_kinds}

    def scored(attributes: dict, of: Loaded = loaded) -> dict:
        posted = [{"customer_id": "c1", "attributes": attributes}]
        return live.score_history(ScoreIn.model_validate({"customers": posted}), of)

    blank = scored({**everything, "MonthlyCharges": None})
    (item,) = blank["items"]
    (at_median,) = scored({**everything, "MonthlyCharges": median})["items"]
    assert item["probability"] == at_median["probability"]
    assert item["reasons"] and all(r["feature"] != "MonthlyCharges" for r in item["reasons"])
    assert blank["notes"] == [
        "customer(s) c1 have no 'MonthlyCharges', which every training row had: scored at "
        f"its training median {plain_number(median)}"
    ]
    unposted = scored({k: v for k, v in everything.items() if k != "MonthlyCharges"})
    assert unposted["items"][0]["probability"] == item["probability"]
    assert unposted["notes"] == blank["notes"]  # not also "not posted: scored as unknown"
    # several lacked by the same customers: one note (a telecom record got 42)
    lacking = list(model.median_fills)
    assert len(lacking) >= 2
    few = scored({k: v for k, v in everything.items() if k not in lacking})
    (note,) = few["notes"]
    assert note.startswith(
        f"customer(s) c1 have none of {len(lacking)} attributes every training row had: "
        "scored at their training medians, "
    )
    assert f"'MonthlyCharges' ({plain_number(median)})" in note
    info = {k: v for k, v in model.info.items() if k != "complete_attributes"}
    older = dataclasses.replace(loaded, model=dataclasses.replace(model, info=info))
    before = scored({**everything, "MonthlyCharges": None}, older)
    features = model.features(tables, pd.Timestamp("2024-06-30")).set_index("customer_id")
    frame = features.loc[[row["customer_id"]]].reset_index().assign(MonthlyCharges=np.nan)
    unfilled = model.booster.predict(model.layout.dmatrix(frame), output_margin=True)
    assert before["items"][0]["probability"] == pytest.approx(model.calibrator(unfilled)[0])
    assert before["notes"] == []


def test_customers_past_the_highest_risky_value_training_saw_are_noted_live(
    loaded, histories, cutoff
):
    """`churn score` notes them, and a live POST of one returned no notes: each posted
    customer past it is named, by the batch's own check (a request is no share of a
    batch). A model packaged before stores no ranges and notes none."""
    request = ScoreIn.model_validate({"customers": histories, "cutoff": cutoff})
    features = live.score_customers(request.customers, cutoff, loaded).features
    days = dict(zip(features["customer_id"], features["days_since_last_purchase"], strict=True))
    trained = sorted(days.values())[-3]
    past = [c.customer_id for c in request.customers if days[c.customer_id] > trained]
    assert past
    info = {**loaded.model.info, "training_highest": {"days_since_last_purchase": trained}}
    lowered = dataclasses.replace(loaded, model=dataclasses.replace(loaded.model, info=info))
    notes = live.score_history(request, lowered)["notes"]
    assert [note for note in notes if "above the highest" in note] == [
        f"customer(s) {', '.join(past)} have days_since_last_purchase above the highest the "
        f"model trained on ({max(days.values()):,.4g} against {trained:,.4g}): it reads them "
        "as that, not later, so their risk may be understated; a model trained on later "
        "cutoffs or longer history learns them"
    ]
    # requests scored together in one run: each names its own, with its own highest
    from serving.coalesce import Job, answers

    alone = [c for c in request.customers if c.customer_id == past[0]]
    rest = [c for c in request.customers if c.customer_id != past[0]]
    jobs = [Job.checked(ScoreIn(customers=part, cutoff=cutoff), lowered) for part in (alone, rest)]
    first, second = (
        [n for n in answer["notes"] if "above the highest" in n] for answer in answers(jobs)
    )
    assert first[0].startswith(f"customer(s) {past[0]} have ")
    assert f"({plain_number(days[past[0]])} against" in first[0]
    if len(past) > 1:
        (other,) = second
        assert past[0] not in other and all(c in other for c in past[1:])
    else:
        assert second == []
    # past it by less than the note can show ("95 against 95"): nothing to see, no note
    hairline = {**info, "training_highest": {"days_since_last_purchase": max(days.values()) - 1e-6}}
    unseen = dataclasses.replace(loaded, model=dataclasses.replace(loaded.model, info=hairline))
    assert not any(
        "above the highest" in note for note in live.score_history(request, unseen)["notes"]
    )
    info.pop("training_highest")
    older = dataclasses.replace(loaded, model=dataclasses.replace(loaded.model, info=info))
    assert not any(
        "above the highest" in note for note in live.score_history(request, older)["notes"]
    )


def test_a_request_past_the_training_rows_99th_percentile_is_not_noted(loaded, histories, cutoff):
    """One customer in a hundred lies past a 99th percentile on each feature: a request of
    one past it is no population outgrowing training (with a hundred features most single
    requests carried such a note), so live scoring leaves that note to the batch."""
    request = ScoreIn.model_validate({"customers": histories, "cutoff": cutoff})
    features = live.score_customers(request.customers, cutoff, loaded).features
    trained = float(np.min(features["orders_total"])) - 1  # every customer lies past it
    info = {**loaded.model.info, "training_p99": {"orders_total": trained}}
    lowered = dataclasses.replace(loaded, model=dataclasses.replace(loaded.model, info=info))
    assert not any("99th" in n for n in live.score_history(request, lowered)["notes"])


@pytest.fixture(scope="module")
def flagged(tmp_path_factory) -> Loaded:
    """A labelled snapshot's model with a 0/1 flag (`Complain`) and a `Tenure` some
    training rows left blank."""
    config = load_config(flag_snapshot(tmp_path_factory.mktemp("flag")))
    tables = load_tables(config)
    outcome = run_protocol(tables, config)
    model = package_model(outcome, config, build_report(outcome, tables, config), tables)
    return Loaded(model=model, name="flag", version="1")


def _flagged_item(loaded: Loaded, **attributes: object) -> dict:
    posted = {"Tenure": 3, "CashbackAmount": 150.0, "Complain": 0, **attributes}
    request = ScoreIn.model_validate({"customers": [{"customer_id": "c1", "attributes": posted}]})
    return live.score_history(request, loaded)


def test_a_flag_posted_in_the_words_of_its_reasons_scores_as_its_number(flagged):
    """Reasons read "Complain: yes", and POST "Complain": "yes" was a 422 ("no number"):
    yes/no/true/false, in any case, are 1/0 for the model's flags, and only for them."""
    assert flagged.model.flag_attributes == {"Complain"}
    yes, no = _flagged_item(flagged, Complain=1), _flagged_item(flagged, Complain=0)
    assert "Complain: yes" in [r["text"] for r in yes["items"][0]["reasons"]]
    for words, number in (("yes", yes), ("Yes", yes), (" TRUE ", yes), ("no", no), ("False", no)):
        assert _flagged_item(flagged, Complain=words) == number
    with pytest.raises(
        live_checks.NotANumberError, match=r"Complain='maybe'.*for Complain also yes/no"
    ):
        _flagged_item(flagged, Complain="maybe")
    with pytest.raises(live_checks.NotANumberError) as refused:
        _flagged_item(flagged, CashbackAmount="yes")  # no flag: no words
    assert "CashbackAmount='yes'" in str(refused.value) and "yes/no" not in str(refused.value)


def test_an_attribute_training_had_blank_is_scored_unknown_as_the_trees_learned_it(flagged):
    """Only attributes no training row had blank are scored at their median: a blank
    `Tenure` the trees learned from, as the E Commerce Dataset's."""
    assert flagged.model.info["complete_attributes"] == ["Complain", "CashbackAmount"]
    assert _flagged_item(flagged, Tenure=None)["notes"] == []
    posted = {"customer_id": "c1", "attributes": {"Complain": 1, "CashbackAmount": 150.0}}
    notes = live.score_history(ScoreIn.model_validate({"customers": [posted]}), flagged)["notes"]
    assert notes == [
        "Tenure not posted for customer(s) c1: scored as unknown (post null to say unknown)"
    ]


def test_rows_posted_after_the_cutoff_are_noted_as_not_read_per_table():
    """Ten purchases posted after a cutoff of 2022-06-30 gave the batch's answer and no
    note: the rows after the end of the cutoff day are counted per table, with whose
    they are; a row on the cutoff day, or a blank cancellation, is none."""
    late = _member(
        ("2024-01-02", "NextSong"),
        ("2024-01-31T23:59:00", "NextSong"),
        ("2024-02-01T00:00:00", "NextSong"),
        ("2024-02-01T01:00:00+02:00", "NextSong"),  # 2024-01-31 23:00 in UTC: read
        payments=("2024-01-01", "2024-02-05", "2024-03-01"),
        cancellations=[{"timestamp": "2024-02-10"}, {"timestamp": None}],
    )
    quiet = _member(("2024-01-05", "NextSong")).model_copy(update={"customer_id": "u2"})
    cutoff = dt.date(2024, 1, 31)
    assert live_notes.after_cutoff_notes([late, quiet], cutoff, USAGE_LOG) == [
        "4 posted rows dated after the cutoff 2024-01-31 were not read (transactions 2, "
        "events 1, cancellations 1; customer(s) u1): the score reads history up to the "
        "cutoff; post a later cutoff to read them"
    ]
    assert live_notes.after_cutoff_notes([quiet], cutoff, USAGE_LOG) == []


def test_a_negative_event_quantity_is_noted_as_read_unknown():
    """The loader warns of them; live had read them as unknown without a word."""
    member = CustomerHistoryIn.model_validate(
        {
            "customer_id": "u1",
            "events": [
                {"timestamp": "2024-01-02", "type": "NextSong", "quantity": -200},
                {"timestamp": "2024-01-03", "type": "NextSong", "quantities": {"MB": 5}},
            ],
        }
    )
    (note,) = live_notes.negative_quantity_notes([member])
    assert note.startswith("negative event quantities of customer(s) u1 read as unknown")
    member.events[0].quantity = 200
    assert live_notes.negative_quantity_notes([member]) == []


def test_a_numeric_attribute_that_is_no_number_is_refused_naming_it(snapshot):
    """Read as missing it would be scored silently as unknown; numbers as text are fine."""
    loaded, _ = snapshot
    posted = {"customer_id": "c1", "attributes": {"tenure": "seventy", "Contract": "Two year"}}
    with pytest.raises(live_checks.NotANumberError, match="c1: tenure='seventy'"):
        live.score_history(ScoreIn.model_validate({"customers": [posted]}), loaded)
    posted["attributes"]["tenure"] = "-inf"  # no measurement: scored as unknown before
    with pytest.raises(live_checks.NotANumberError, match="c1: tenure='-inf'"):
        live.score_history(ScoreIn.model_validate({"customers": [posted]}), loaded)
    posted["attributes"]["tenure"] = "70"
    as_text = live.score_history(ScoreIn.model_validate({"customers": [posted]}), loaded)
    posted["attributes"]["tenure"] = 70
    as_number = live.score_history(ScoreIn.model_validate({"customers": [posted]}), loaded)
    assert as_text["items"][0]["probability"] == as_number["items"][0]["probability"]


def test_numbers_posted_as_text_are_read_as_the_file_reader_reads_them(snapshot):
    """A bank's Balance posted as "190,353.08" was a 422 while the loader reads such text
    (thousands separators, currency signs); text that is no number still is one."""
    loaded, _ = snapshot

    def probability(served: Loaded = loaded, **attributes: Any) -> float:
        posted = {"customer_id": "c1", "attributes": {"Contract": "Two year", **attributes}}
        request = ScoreIn.model_validate({"customers": [posted]})
        return live.score_history(request, served)["items"][0]["probability"]

    as_number = probability(MonthlyCharges=1070.25, tenure=12)
    assert probability(MonthlyCharges="1,070.25", tenure="12") == as_number
    assert probability(MonthlyCharges="$1,070.25 ", tenure=" 12.0") == as_number
    assert probability(MonthlyCharges="1,070.25 €", tenure=12) == as_number
    with pytest.raises(live_checks.NotANumberError) as refused:  # only the one that is none
        posted = [
            {"customer_id": "c1", "attributes": {"MonthlyCharges": "1,070.25 USD"}},
            {"customer_id": "c2", "attributes": {"MonthlyCharges": "1,070.25"}},
        ]
        live.score_history(ScoreIn.model_validate({"customers": posted}), loaded)
    assert "(c1: MonthlyCharges='1,070.25 USD'): post finite" in str(refused.value)
    config = loaded.model.config  # a European export: the table's mark, as loaded
    customers = config.data.customers.model_copy(update={"decimal": ","})
    config = config.model_copy(
        update={"data": config.data.model_copy(update={"customers": customers})}
    )
    comma = dataclasses.replace(loaded, model=dataclasses.replace(loaded.model, config=config))
    assert probability(comma, MonthlyCharges="1.070,25", tenure="12") == as_number
    thousand = probability(MonthlyCharges=1070, tenure=12)  # '1.070' is 1.07 unless ',' is set
    assert probability(comma, MonthlyCharges="1.070", tenure=12) == thousand
    assert probability(MonthlyCharges="1.070", tenure=12) != thousand
    # each value on its own: another customer's '12,5' turned '1,234' into 1.234
    assert live_tables.posted_numbers(["1,234", "12,5"]) == pytest.approx(
        [1234.0, np.nan], nan_ok=True
    )
    assert live_tables.posted_numbers(["1,234"]) == pytest.approx([1234.0])
    assert live_tables.posted_numbers(["1,234", "12.5"]) == pytest.approx([1234.0, 12.5])


def test_posted_placeholders_for_unknown_score_as_missing_like_the_files(snapshot):
    """The customers table's `missing_values` mean unknown in a posted attribute too."""
    loaded, _ = snapshot
    config = loaded.model.config.model_copy(deep=True)
    customers = config.data.customers.model_copy(update={"missing_values": ["?", -1]})
    config = config.model_copy(
        update={"data": config.data.model_copy(update={"customers": customers})}
    )
    placeholders = dataclasses.replace(
        loaded, model=dataclasses.replace(loaded.model, config=config)
    )

    def probability(tenure: object, contract: object) -> float:
        posted = {"customer_id": "c1", "attributes": {"tenure": tenure, "Contract": contract}}
        scored = live.score_history(ScoreIn.model_validate({"customers": [posted]}), placeholders)
        return scored["items"][0]["probability"]

    assert probability("?", " ? ") == probability(None, None)
    assert probability(-1, "Two year") == probability(None, "Two year")
    assert probability(" ? ", "Two year") == probability(None, "Two year")  # no 422: unknown
    assert probability(12, "Two year") != probability(None, "Two year")

    per_column = customers.model_copy(update={"missing_values": {"tenure": [12]}})
    config = config.model_copy(
        update={"data": config.data.model_copy(update={"customers": per_column})}
    )
    placeholders = dataclasses.replace(
        loaded, model=dataclasses.replace(loaded.model, config=config)
    )
    assert probability(12, "Two year") == probability(None, "Two year")  # tenure's own
    assert probability(-1, "Two year") != probability(None, "Two year")  # no longer listed


def test_placeholders_the_loader_read_as_unknown_read_so_when_posted(snapshot):
    """'unknown' among a numeric attribute's values in the file was read as unknown
    (`Tables.unknown_texts`, kept in `info`): posted, it scores as missing, not a 422;
    other text still is one."""
    loaded, _ = snapshot
    info = {**loaded.model.info, "unknown_texts": {"tenure": ["unknown"]}}
    kept = dataclasses.replace(loaded, model=dataclasses.replace(loaded.model, info=info))

    def probability(tenure: object) -> float:
        posted = {"customer_id": "c1", "attributes": {"tenure": tenure, "Contract": "Two year"}}
        scored = live.score_history(ScoreIn.model_validate({"customers": [posted]}), kept)
        return scored["items"][0]["probability"]

    assert probability("unknown") == probability(None)
    with pytest.raises(
        live_checks.NotANumberError, match=r"tenure='seventy'.*or 'unknown', read as"
    ):
        probability("seventy")


def test_a_posted_category_spelled_in_another_case_scores_as_the_level(snapshot):
    loaded, _ = snapshot

    def probability(contract: str) -> float:
        posted = {"customer_id": "c1", "attributes": {"tenure": 3, "Contract": contract}}
        scored = live.score_history(ScoreIn.model_validate({"customers": [posted]}), loaded)
        return scored["items"][0]["probability"]

    assert probability("TWO YEAR") == probability("two year") == probability("Two year")
    assert probability("Two year") != probability("Month-to-month")


def test_an_event_without_a_type_is_of_an_untyped_logs_one_type():
    assert EventIn(timestamp="2024-01-01").type == UNTYPED_EVENT


def test_posted_interaction_types_map_as_the_config_maps_the_files():
    spec = InteractionsSpec(path="x.csv", types={"billing_error": ["Billing", "payment failed"]})
    posted = np.array(["Billing", "PAYMENT FAILED", "Complaint", "complaint", "grievance"])
    assert list(live_tables.interaction_types(posted, spec)) == [
        "billing_error",
        "billing_error",
        "complaint",
        "complaint",
        "other",  # still a contact
    ]


def test_posted_interaction_types_the_config_does_not_map_are_noted():
    """The loader warns of a file's unmapped types; a live post of `payment_failed` to a
    model mapping `failed` moved a risk 0.882 -> 0.283 without a word."""
    spec = InteractionsSpec(path="x.csv", types={"billing_error": ["failed"]})

    def posted(*types: str) -> CustomerHistoryIn:
        rows = [{"timestamp": "2024-05-01", "type": t} for t in types]
        return CustomerHistoryIn.model_validate({"customer_id": "c1", "interactions": rows})

    (note,) = live_notes.unmapped_type_notes(
        [posted("Failed", "payment_failed", "complaint")], spec
    )
    assert note.startswith("interaction types the model's config does not map, counted as ")
    assert "'payment_failed'" in note and "'Failed'" not in note and "complaint" not in note
    assert live_notes.unmapped_type_notes([posted("failed", "other")], spec) == []
    assert live_notes.unmapped_type_notes([posted("payment_failed")], None) == []


def test_posted_event_types_the_model_never_trained_on_are_noted():
    """A cosmetics shop's posted 'wishlist' events counted in overall use, without a word;
    the log's own cancellation pages are no news."""

    def posted(*types: str) -> CustomerHistoryIn:
        rows = [{"timestamp": "2024-05-01", "type": t} for t in types]
        return CustomerHistoryIn.model_validate({"customer_id": "c1", "events": rows})

    known = ("view", "Add to Cart", "purchase")
    (note,) = live_notes.unseen_event_type_notes(
        [posted("view", "wishlist", "Cancel")], known, frozenset({"Cancel"}), None
    )
    assert note == (
        "event types with no features of their own in the model, counted in overall use "
        "only: 'wishlist' (its types: 'view', 'Add to Cart', 'purchase')"
    )
    # spellings the features read as one of its types are its types
    spelled = [posted("VIEW", "add_to_cart")]
    assert live_notes.unseen_event_type_notes(spelled, known, set(), None) == []
    assert live_notes.unseen_event_type_notes([posted("view")], (), set(), None) == []  # no log


def test_an_event_type_posted_as_its_words_is_the_code_the_log_writes():
    """A Q&A log's PostTypeId, `type_words: {1: question, 2: answer}`: a posted 'answer'
    was counted in overall use only, and told "its types: '2', '1'"."""
    events = EventsSpec.model_validate(
        {"path": "posts.csv", "type_words": {1: "question", 2: "answer"}}
    )
    rows = [{"timestamp": "2024-05-01", "type": t} for t in ("Answer", "2", "1", "wiki")]
    customer = CustomerHistoryIn.model_validate({"customer_id": "c1", "events": rows})
    used = live_tables.used_events(customer, frozenset(), events)
    assert [row.type for row in used] == ["2", "2", "1", "wiki"]
    (note,) = live_notes.unseen_event_type_notes([customer], ("2", "1"), set(), events)
    assert "only: 'wiki' (its types: '2' (answer), '1' (question))" in note
    # a misspelt word is named with the one it likely means
    typo = CustomerHistoryIn.model_validate(
        {"customer_id": "c1", "events": [{"timestamp": "2024-05-01", "type": "answr"}]}
    )
    (note,) = live_notes.unseen_event_type_notes([typo], ("2", "1"), set(), events)
    assert "only: 'answr' (did you mean 'answer'?) (its types: '2' (answer)" in note
    # a word of a type the model has no features of is no suggestion, nor itself; a log
    # without words suggests its types
    three = EventsSpec.model_validate(
        {"path": "posts.csv", "type_words": {1: "question", 2: "answer", 3: "comment"}}
    )
    comment = typo.model_copy(
        update={"events": [typo.events[0].model_copy(update={"type": "comment"})]}
    )
    (note,) = live_notes.unseen_event_type_notes([comment], ("2", "1"), set(), three)
    assert "only: '3' (comment) (its types:" in note
    misspelt = comment.model_copy(
        update={"events": [comment.events[0].model_copy(update={"type": "purhcase"})]}
    )
    (note,) = live_notes.unseen_event_type_notes([misspelt], ("view", "purchase"), set(), None)
    assert "only: 'purhcase' (did you mean 'purchase'?) (its types: 'view', 'purchase')" in note


def test_posted_transaction_categories_the_data_never_held_are_noted(client, loaded, cutoff):
    """AdventureWorks' /docs example posted 'consumables' to a model of Accessories,
    Bikes and Clothing, scored without a word: a category is noted as an unseen level of
    an attribute is (the simulator's categories are office supplies, 'consumables' among
    them)."""
    known = loaded.model.info["categories"]["levels"]
    lines = [
        {"timestamp": "2024-01-05", "amount": 30.0, "category": known[0]},
        {"timestamp": "2024-02-05", "amount": 30.0, "category": "gift cards"},
    ]
    customer = {**_valid(), "transactions": lines}
    response = post(client, [customer], cutoff=cutoff.isoformat())
    assert response.status_code == 200, response.text
    (note,) = [n for n in response.json()["notes"] if n.startswith("transaction categories")]
    assert note.startswith(
        "transaction categories the model's data never held: 'gift cards' (customer(s) c1), "
        "each read as a category of its own in the breadth and as no consumable; its "
        f"categories: {known[0]!r}"
    )
    customer["transactions"] = lines[:1]
    response = post(client, [customer], cutoff=cutoff.isoformat())
    assert not [n for n in response.json()["notes"] if n.startswith("transaction categories")]


def test_a_category_note_of_a_model_keeping_its_commonest_says_it_may_be_a_rare_one():
    layout = SimpleNamespace(names=["category_breadth_365d"])
    info = {"categories": {"levels": ["dairy", "bakery"], "rarer": 2_140}}
    model = SimpleNamespace(info=info, layout=layout)
    rows = [{"timestamp": "2024-05-01", "amount": 3.0, "category": "ghee"}]
    posted = CustomerHistoryIn.model_validate({"customer_id": "c1", "transactions": rows})
    assert live_notes.unseen_category_notes([posted], model) == [
        "transaction categories the model's data does not know by name (new, or among its "
        "2,140 rarest): 'ghee' (customer(s) c1), each read as a category of its own in the "
        "breadth; its categories: 'dairy', 'bakery'"
    ]
    older = SimpleNamespace(info={}, layout=layout)  # packaged before categories were kept
    assert live_notes.unseen_category_notes([posted], older) == []


def test_scoring_needs_the_api_key_when_one_is_configured(served):
    holder = ModelHolder.from_registry(served.model_name, served.tracking_uri)
    locked = client_for(app_with(settings_for(served, CHURN_API_KEY="live-key"), holder))
    body = {"customers": [_valid()]}
    assert locked.post("/v1/score", json=body).status_code == 401
    assert locked.post("/v1/score", json=body, headers={"X-API-Key": "live-key"}).status_code == 200


def test_a_posted_customer_is_tiered_against_the_models_last_training_cutoff(
    client, tables, cutoff, loaded
):
    """One posted customer says nothing about where they stand: the model keeps where the
    tiers fell among its last training cutoff's customers, and a live answer reads that."""
    reference = TierReference.from_info(loaded.model.info)
    assert reference is not None and reference.most_valuable_from > 0
    ids = client.get("/v1/customers", params={"limit": 40}).json()["items"]
    lookup = {str(i): i for i in tables.customers["customer_id"]}
    for listed in ids:
        body = [history_item(tables, lookup[listed["customer_id"]])]
        (item,) = post(client, body, cutoff=cutoff.isoformat()).json()["items"]
        top = item["value"] >= reference.most_valuable_from
        assert item["tier"] in TIERS
        assert (item["tier"] == "most_valuable") == (top and item["value"] > 0)


def test_a_model_without_a_tier_reference_tiers_only_twenty_posted_customers(
    served, tables, cutoff, monkeypatch
):
    """Packaged before it kept one: the posted customers are tiered among themselves, and
    fewer than twenty not at all."""
    holder = ModelHolder.from_registry(served.model_name, served.tracking_uri)
    holder.check()
    assert holder.current is not None
    monkeypatch.delitem(holder.current.model.info, "tiers")
    client = client_for(app_with(settings_for(served), holder))
    ids = client.get("/v1/customers", params={"limit": 20}).json()["items"]
    lookup = {str(i): i for i in tables.customers["customer_id"]}
    body = [history_item(tables, lookup[item["customer_id"]]) for item in ids]
    twenty = post(client, body, cutoff=cutoff.isoformat()).json()["items"]
    assert all(item["tier"] in TIERS for item in twenty)
    fewer = post(client, body[:19], cutoff=cutoff.isoformat()).json()["items"]
    assert all(item["tier"] is None for item in fewer)


def test_openapi_documents_the_canonical_body_with_an_example(client):
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/v1/score"]["post"]
    assert "CANONICAL" in operation["description"]
    example = spec["components"]["schemas"]["ScoreIn"]["examples"][0]
    assert ScoreIn.model_validate(example).customers[0].transactions


def _champion(served):
    holder = ModelHolder.from_registry(served.model_name, served.tracking_uri)
    holder.check()
    return holder.current.model


def test_live_feature_columns_equal_the_batch_frame(served, tables, cutoff):
    """The live path's plain columns hold the batch frame's values, and the booster gets
    the same input from either (one feature code, two containers)."""
    champion = _champion(served)
    when = pd.Timestamp(cutoff)
    frame = champion.features(tables, when)
    columns = champion.feature_columns(tables, when)
    assert list(columns) == ["customer_id", *frame.columns.drop(["customer_id", "cutoff"])]
    assert list(columns["customer_id"]) == list(frame["customer_id"])
    for spec in champion.specs:
        if spec.dtype == "category":
            expected = frame[spec.name].astype(object).where(frame[spec.name].notna(), None)
            assert list(columns[spec.name]) == list(expected), spec.name
        else:
            np.testing.assert_array_equal(columns[spec.name], frame[spec.name], spec.name)
    np.testing.assert_array_equal(champion.layout.array(columns), champion.layout.array(frame))


def test_returns_the_loader_matched_are_matched_again_live(served, tables, cutoff):
    """A purchase its return reversed stops counting in the batch; posted with the return
    as a negative line (as `history_item` writes it), it stops counting live too."""
    champion = _champion(served)
    when = pd.Timestamp(cutoff)
    lines = tables.transactions.copy()
    bought = lines[lines["timestamp"] <= when - pd.Timedelta(days=10)]
    last = bought.groupby("customer_id").tail(1).head(6)
    lines["returned_at"] = pd.NaT
    lines.loc[last.index, "returned_at"] = last["timestamp"] + pd.Timedelta(days=2)
    returned = tables.with_tables(transactions=lines)
    ids = sorted(last["customer_id"].tolist())
    items = [history_item(returned, c) for c in ids]
    assert all(any(t["amount"] < 0 for t in item["transactions"]) for item in items)
    request = ScoreIn.model_validate({"customers": items, "cutoff": cutoff.isoformat()})
    got = champion.feature_columns(live_tables.to_tables(request.customers, champion), when)
    batch = champion.features(returned, when).set_index("customer_id").loc[ids]
    before = champion.features(tables, when).set_index("customer_id").loc[ids]
    for name in ("spend_total", "orders_total", "days_since_last_purchase"):
        np.testing.assert_array_equal(got[name], batch[name].to_numpy(), name)
    # (an occasion of several lines counts while any of them does; spend only theirs kept)
    assert (batch["spend_total"] <= before["spend_total"]).all()
    assert (batch["spend_total"] < before["spend_total"]).sum() >= 3


def test_tables_of_plain_columns_give_the_same_features(served, tables, cutoff):
    """A live request's tables are numpy columns, not frames (`features.tables.Table`):
    the feature code reads both alike, on a few rows or many, with customers in any order
    and text missing as NaN or None."""
    champion = _champion(served)
    shuffled = np.random.default_rng(0).permutation(len(tables.customers))

    def plain(frame: pd.DataFrame) -> dict[str, np.ndarray]:
        return {name: frame[name].to_numpy() for name in frame.columns}

    activity = [
        n for n in ("transactions", "events", "interactions") if getattr(tables, n) is not None
    ]
    as_columns = replace(
        tables,
        customers=plain(tables.customers.iloc[shuffled]),
        **{name: plain(getattr(tables, name)) for name in activity},
    )
    when = pd.Timestamp(cutoff)
    expected = champion.feature_columns(tables, when)
    got = champion.feature_columns(as_columns, when)
    assert list(got) == list(expected)
    for name, values in expected.items():
        np.testing.assert_array_equal(got[name], values, name)
    few = tables.customers["customer_id"].iloc[:3].tolist()
    pick = {n: getattr(tables, n) for n in ("customers", *activity)}
    small = replace(tables, **{n: plain(f[f["customer_id"].isin(few)]) for n, f in pick.items()})
    rows = np.isin(expected["customer_id"], few)
    for name, values in champion.feature_columns(small, when).items():
        np.testing.assert_array_equal(values, expected[name][rows], name)


def test_an_activity_tables_placeholders_are_blanks_and_drop_rows_as_the_loader_does(
    loaded, histories
):
    """interactions.missing_values [-1]: a satisfaction of -1 is unknown; transactions'
    [99999]: an amount of 99999 is none, and the loader drops a row without an amount."""
    data = loaded.model.config.data
    config = loaded.model.config.model_copy(
        update={
            "data": data.model_copy(
                update={
                    "interactions": data.interactions.model_copy(update={"missing_values": [-1]}),
                    "transactions": data.transactions.model_copy(
                        update={"missing_values": [99999]}
                    ),
                }
            )
        }
    )
    model = dataclasses.replace(loaded.model, config=config)
    history = histories[0]
    posted = {
        **history,
        "transactions": [
            *history["transactions"],
            {**history["transactions"][-1], "amount": 99999},
        ],
        "interactions": [
            {"timestamp": "2024-01-05", "type": "complaint", "satisfaction": -1},
            {"timestamp": "2024-01-06", "type": "complaint", "satisfaction": 4},
        ],
    }
    customer = ScoreIn.model_validate({"customers": [posted]}).customers
    tables = live_tables.to_tables(customer, model)
    assert len(tables.transactions["amount"]) == len(history["transactions"])  # 99999 dropped
    satisfaction = tables.interactions["satisfaction"]
    assert np.isnan(satisfaction[0]) and satisfaction[1] == 4


def test_posted_cancellations_and_the_logs_cancellation_events_are_features():
    """As the loader reads them: the log's cancellation pages are the cancellations
    table, and so are cancellations posted as such (a model trained on them would
    otherwise see none live, and score a member who switched renewal off as if not)."""
    model = SimpleNamespace(
        config=SimpleNamespace(data=USAGE_LOG),
        data=USAGE_LOG.with_amount_read(),
        attribute_kinds={},
        flag_attributes=(),
        not_use_types=frozenset(),
        info={},
    )
    member = _member(
        ("2019-01-02", "NextSong"),
        ("2019-01-20", "Cancellation Confirmation"),
        payments=("2019-01-01",),
        cancellations=[{"timestamp": "2019-01-10"}],
    )
    tables = live_tables.to_tables([member], model)
    assert list(tables.cancellations["timestamp"].astype(str)) == [
        "2019-01-10T00:00:00.000000000",
        "2019-01-20T00:00:00.000000000",
    ]
    columns = build_columns(tables, cutoff=pd.Timestamp("2019-01-31"))
    assert columns["days_since_last_cancellation"].tolist() == [11.0]
    assert columns["cancellations_365d"].tolist() == [2.0]
    assert columns["cancelled_since_last_payment"].tolist() == [1.0]


def test_a_posted_cancellation_without_a_time_is_none_as_the_loader_reads_it():
    """A subscriptions snapshot's blank canceled_at: the loader leaves the row out."""
    model = SimpleNamespace(
        config=SimpleNamespace(data=USAGE_LOG),
        data=USAGE_LOG.with_amount_read(),
        attribute_kinds={},
        flag_attributes=(),
        not_use_types=frozenset(),
        info={},
    )
    member = _member(
        ("2019-01-02", "NextSong"),
        payments=("2019-01-01",),
        cancellations=[{"timestamp": None}, {"timestamp": "2019-01-10"}],
    )
    tables = live_tables.to_tables([member], model)
    assert list(tables.cancellations["timestamp"].astype(str)) == ["2019-01-10T00:00:00.000000000"]


def _payer(*periods: tuple[str, str]) -> CustomerHistoryIn:
    return CustomerHistoryIn.model_validate(
        {
            "customer_id": "m1",
            "transactions": [
                {"timestamp": paid, "amount": 9.99, "paid_until": until} for paid, until in periods
            ],
        }
    )


PAYMENT_LOG = DataSpec.model_validate(
    {"transactions": {"path": "p.csv", "columns": {"paid_until": "expires"}}}
).with_amount_read()  # as a model trained on a file of an `amount` column reads it


def _paid_up(customers: list[CustomerHistoryIn], cutoff: dt.date, grace_days: int) -> None:
    live_checks.require_paid_up(customers, cutoff, PAYMENT_LOG, grace_days=grace_days)


def test_under_expiry_a_member_not_paid_up_is_gone_not_scored():
    """As the batch: paid up at the cutoff, or within the grace days after it ended."""
    member = _payer(("2016-01-01", "2016-01-31"), ("2016-02-01", "2016-03-02"))
    _paid_up([member], dt.date(2016, 3, 20), grace_days=30)  # in the grace
    with pytest.raises(live_checks.GoneError, match=r"m1 \(paid up to 2016-03-02\)"):
        _paid_up([member], dt.date(2016, 4, 20), grace_days=30)
    placeholder = _payer(("2016-02-01", "1970-01-01"))  # the loader reads it as unknown
    with pytest.raises(live_checks.GoneError, match="no paid period"):
        _paid_up([placeholder], dt.date(2016, 2, 10), grace_days=30)
    renewed_later = _payer(("2016-01-01", "2016-01-31"), ("2016-05-01", "2016-05-31"))
    with pytest.raises(live_checks.GoneError):  # a payment after the cutoff is not known at it
        _paid_up([renewed_later], dt.date(2016, 4, 20), grace_days=30)
    # a renewal whose end is unknown pays for as long as the period before, as in the batch
    renewed_unknown = _payer(("2016-01-01", "2016-01-31"), ("2016-01-31", "1970-01-01"))
    _paid_up([renewed_unknown], dt.date(2016, 3, 8), grace_days=10)
    with pytest.raises(live_checks.GoneError, match=r"m1 \(paid up to 2016-03-01\)"):
        _paid_up([renewed_unknown], dt.date(2016, 3, 8), grace_days=5)


def test_under_expiry_a_refunded_payment_pays_for_no_period_live_as_in_the_batch():
    """The loader matches a refund to the payment it mirrors and drops both from then on;
    live had read the refunded period as paid, and the refund as a period of its own."""
    member = CustomerHistoryIn.model_validate(
        {
            "customer_id": "m1",
            "transactions": [
                {"timestamp": "2016-01-01", "amount": 9.99, "paid_until": "2016-01-31"},
                {"timestamp": "2016-02-01", "amount": 9.99, "paid_until": "2016-03-02"},
                {"timestamp": "2016-02-05", "amount": -9.99},
            ],
        }
    )
    with pytest.raises(live_checks.GoneError, match=r"m1 \(paid up to 2016-01-31\)"):
        _paid_up([member], dt.date(2016, 3, 1), grace_days=5)
    _paid_up([member], dt.date(2016, 2, 3), grace_days=5)  # refunded later


def test_a_paid_until_before_its_payment_is_unknown_live_as_in_the_loader():
    spec = DataSpec.model_validate(
        {"transactions": {"path": "p.csv", "columns": {"paid_until": "expires"}}}
    )
    model = SimpleNamespace(
        config=SimpleNamespace(data=spec),
        data=spec.with_amount_read(),
        attribute_kinds={},
        flag_attributes=(),
        not_use_types=frozenset(),
        info={},
    )
    member = _payer(("2016-01-01", "2016-01-31"), ("2016-02-01", "1970-01-01"))
    ends = live_tables.to_tables([member], model).transactions["paid_until"]
    assert ends[0] == np.datetime64("2016-01-31") and np.isnat(ends[1])


def test_a_posted_number_outside_its_valid_range_is_unknown_as_in_the_loader():
    spec = DataSpec.model_validate(
        {"customers": {"path": "c.csv", "attributes": ["bd"], "valid_ranges": {"bd": [10, None]}}}
    ).customers
    unknown = live_tables.Unknown(spec)
    assert [unknown.known(v, "bd") for v in (1051, 34, -40, "7", None)] == [
        1051,
        34,
        None,
        None,
        None,
    ]


def test_posted_further_quantities_are_the_features_the_loader_gives():
    spec = DataSpec.model_validate(
        {
            "events": {
                "path": "log.csv",
                "columns": {"quantity": "total_secs"},
                "quantities": {"num_unq": "unique songs"},
            }
        }
    )
    model = SimpleNamespace(
        config=SimpleNamespace(data=spec),
        data=spec.with_amount_read(),
        attribute_kinds={},
        flag_attributes=(),
        not_use_types=frozenset(),
        info={},
    )
    member = CustomerHistoryIn.model_validate(
        {
            "customer_id": "m1",
            "events": [
                {"timestamp": "2016-12-20", "quantity": 600, "quantities": {"num_unq": 12}},
                {"timestamp": "2016-12-21", "quantity": 300, "quantities": {"num_unq": -1}},
                {"timestamp": "2016-11-20", "quantity": 900, "quantities": {"num_unq": 24}},
            ],
        }
    )
    columns = build_columns(
        live_tables.to_tables([member], model), cutoff=pd.Timestamp("2016-12-31")
    )
    assert columns["usage_num_unq_30d"].tolist() == [12.0]  # -1 is unknown, as loaded
    assert columns["usage_num_unq_trend_30d_vs_prev"].tolist() == [-0.5]
    assert columns["quantity_activity_trend_30d_vs_prev"].tolist() == [0.0]


def test_posted_rows_of_zeros_in_a_padded_daily_log_are_no_use_as_loaded(tmp_path):
    """KDD Cup 2015's daily log pads a learner's course days with zeros: the loader
    leaves those rows out, and so does a live request of the same rows."""
    days = ["2014-07-01", "2014-07-02", "2014-07-10", "2014-07-20", "2014-07-28"]
    counts = [(3, 0), (0, 0), (0, 1), (0, 0), (0, 0)]
    log = pd.DataFrame({"id": "m1", "day": days, "video": [v for v, _ in counts]})
    log["wiki"] = [w for _, w in counts]
    log.to_csv(tmp_path / "log.csv", index=False)
    events = {
        "path": "log.csv",
        "columns": {"customer_id": "id", "timestamp": "day"},
        "quantities": {"video": "videos", "wiki": "wikis"},
    }
    config = {"name": "mooc", "data": {"as_of": "2014-08-01", "events": events}}
    (tmp_path / "churn.yaml").write_text(yaml.safe_dump(config))
    run = load_config(tmp_path / "churn.yaml")
    model = SimpleNamespace(
        config=SimpleNamespace(data=run.data),
        data=run.data.with_amount_read(),
        attribute_kinds={},
        flag_attributes=(),
        not_use_types=frozenset(),
        info={},
    )
    member = CustomerHistoryIn.model_validate(
        {
            "customer_id": "m1",
            "events": [
                {"timestamp": day, "quantities": {"video": video, "wiki": wiki}}
                for day, (video, wiki) in zip(days, counts, strict=True)
            ],
        }
    )
    cutoff = pd.Timestamp("2014-07-31")
    batch = build_columns(load_tables(run), cutoff=cutoff)
    posted = build_columns(live_tables.to_tables([member], model), cutoff=cutoff)
    for name, expected in (("days_since_last_event", 21.0), ("active_days_30d", 1.0)):
        assert batch[name].tolist() == posted[name].tolist() == [expected], name  # Jul 10


def test_a_replayed_history_posts_the_further_quantities():
    log = pd.DataFrame(
        {
            "customer_id": ["m1", "m1"],
            "timestamp": pd.to_datetime(["2016-12-20", "2016-12-21"]),
            "type": [UNTYPED_EVENT] * 2,
            "quantity": [600.0, 300.0],
            "quantities.num_unq": [12.0, np.nan],
        }
    )
    tables = Tables(
        customers=pd.DataFrame({"customer_id": ["m1"]}),
        events=log,
        event_quantities={"num_unq": "unique songs"},
    )
    posted = history_item(tables, "m1")["events"]
    assert [row["quantities"] for row in posted] == [{"num_unq": 12.0}, {"num_unq": None}]
    assert CustomerHistoryIn.model_validate({"customer_id": "m1", "events": posted})


def test_a_posted_usage_history_has_the_batchs_rhythm_of_use():
    """One feature code for both paths: a replayed log (active days Jan 1 twice, 4, 10,
    16: gaps 3, 6, 6) posts the batch's usual gap and silence against it; use after the
    cutoff is no gap in either."""
    days = ["2019-01-01", "2019-01-01", "2019-01-04", "2019-01-10", "2019-01-16", "2019-02-20"]
    log = pd.DataFrame(
        {"customer_id": "m1", "timestamp": pd.to_datetime(days), "type": UNTYPED_EVENT}
    )
    tables = Tables(customers=pd.DataFrame({"customer_id": ["m1"]}), events=log)
    spec = DataSpec.model_validate({"events": {"path": "log.csv"}})
    model = SimpleNamespace(
        config=SimpleNamespace(data=spec),
        data=spec.with_amount_read(),
        attribute_kinds={},
        flag_attributes=(),
        not_use_types=frozenset(),
        info={},
    )
    member = CustomerHistoryIn.model_validate(history_item(tables, "m1"))
    cutoff = pd.Timestamp("2019-01-31")
    batch = build_columns(tables, cutoff=cutoff)
    posted = build_columns(live_tables.to_tables([member], model), cutoff=cutoff)
    rhythm = ("days_since_last_event", "active_gap_median_days", "use_overdue_ratio")
    assert [batch[name].tolist() for name in rhythm] == [[15.0], [6.0], [2.5]]
    assert [posted[name].tolist() for name in rhythm] == [[15.0], [6.0], [2.5]]


def test_a_cancellation_posted_both_as_such_and_as_the_logs_event_counts_once():
    """A replayed history (`history_item`) posts the log's cancellation page as an event
    and as a cancellation: the batch read one row."""
    both = _member(
        ("2019-01-02", "NextSong"),
        ("2019-01-20", "Cancellation Confirmation"),
        cancellations=[{"timestamp": "2019-01-20"}],
    )
    types = live_tables.cancellation_event_types(USAGE_LOG)
    assert len(live_tables._kept(both, "cancellations", types)) == 1


def test_a_log_of_several_files_tells_its_cancellation_events_too():
    """`path: [log_1.json, log_2.json]` on events and cancellations made every live
    request a TypeError (os.path.normpath of a list)."""
    split = USAGE_LOG.model_dump()
    for table in ("customers", "events", "cancellations"):
        split[table]["path"] = ["log_1.json", "log_2.json"]
    types = live_tables.cancellation_event_types(DataSpec.model_validate(split))
    assert types == frozenset({"Cancellation Confirmation"})
    split["cancellations"]["path"] = ["log_2.json", "./log_1.json"]  # the same files
    assert live_tables.cancellation_event_types(DataSpec.model_validate(split)) == types
    split["cancellations"]["path"] = ["log_2.json"]  # another set of files: another table
    assert live_tables.cancellation_event_types(DataSpec.model_validate(split)) == frozenset()


def test_text_read_as_blank_follows_the_files_reader():
    """'NA' is a blank in a CSV; Parquet and JSON keep it as a value (Namibia), and so do
    a table's files, of the first's format."""
    for path, expected in (
        ("c.csv", None),
        ("c.parquet", "NA"),
        ("c.jsonl", "NA"),
        (["c_1.parquet", "c_2.parquet"], "NA"),  # a table's files are of one format
        ("c_*.csv", None),
    ):
        spec = DataSpec.model_validate(
            {"customers": {"path": path, "attributes": ["region"]}}
        ).customers
        assert live_tables.Unknown(spec).known("NA", "region") == expected, path


def test_posted_further_quantities_read_placeholders_as_the_loader_does():
    spec = DataSpec.model_validate(
        {
            "events": {
                "path": "log.parquet",
                "quantities": {"num_unq": "unique songs"},
                "missing_values": {"num_unq": [999]},
            }
        }
    )
    model = SimpleNamespace(
        config=SimpleNamespace(data=spec),
        data=spec.with_amount_read(),
        attribute_kinds={},
        flag_attributes=(),
        not_use_types=frozenset(),
        info={},
    )
    member = CustomerHistoryIn.model_validate(
        {
            "customer_id": "m1",
            "events": [
                {"timestamp": "2016-12-20", "quantities": {"num_unq": 999}},
                {"timestamp": "2016-12-21", "quantities": {"num_unq": 5}},
            ],
        }
    )
    columns = build_columns(
        live_tables.to_tables([member], model), cutoff=pd.Timestamp("2016-12-31")
    )
    assert columns["usage_num_unq_30d"].tolist() == [5.0]


def test_a_payment_logs_carried_attributes_posted_live_score_as_the_batch(tmp_path):
    """A replayed history posts what the member is now (the latest payment's auto-renew
    flag and method) as attributes, and live reads them as the batch reads the log at
    the data's end."""
    from tests.factories import payments_frame, write_dataset

    spec = {"attributes": ["auto_renew", "method"], "rows": {"column": "is_cancel", "values": [0]}}
    config = load_config(
        write_dataset(tmp_path, transactions=payments_frame(), specs={"transactions": spec})
    )
    tables = load_tables(config)
    model = SimpleNamespace(
        config=config,
        data=config.data.with_amount_read(),
        attribute_kinds=tables.attributes,
        flag_attributes=(),
        not_use_types=frozenset(),
        info={},
    )
    item = history_item(tables, 1)
    assert item["attributes"]["auto_renew"] == 0.0 and item["attributes"]["method"] == "paypal"
    posted = CustomerHistoryIn.model_validate(item)
    cutoff = pd.Timestamp("2024-04-30")
    live_columns = build_columns(live_tables.to_tables([posted], model), cutoff=cutoff)
    batch = build_columns(tables, cutoff=cutoff)
    at = list(batch["customer_id"]).index(1)
    for name in ("auto_renew", "method", "days_since_last_purchase"):
        assert live_columns[name][0] == batch[name][at], name


def test_a_posted_list_price_gives_the_discount_the_loader_reads():
    spec = DataSpec.model_validate(
        {"transactions": {"path": "p.csv", "columns": {"list_price": "plan_list_price"}}}
    )
    model = SimpleNamespace(
        config=SimpleNamespace(data=spec),
        data=spec.with_amount_read(),
        attribute_kinds={},
        flag_attributes=(),
        not_use_types=frozenset(),
        info={},
    )
    member = CustomerHistoryIn.model_validate(
        {
            "customer_id": "m1",
            "transactions": [
                {"timestamp": "2016-11-01", "amount": 99.0, "list_price": 149.0},
                {"timestamp": "2016-12-01", "amount": 149.0, "list_price": 129.0},
                {"timestamp": "2016-12-15", "amount": 149.0},
            ],
        }
    )
    tables = live_tables.to_tables([member], model)
    assert tables.transactions["discount"][:2].tolist() == [50.0, 0.0]
    assert np.isnan(tables.transactions["discount"][2])
    columns = build_columns(tables, cutoff=pd.Timestamp("2016-12-31"))
    assert columns["discount_share_365d"].tolist() == [pytest.approx(99.0 / 397.0)]
    with pytest.raises(ValidationError, match="discount or list_price"):
        TransactionIn.model_validate(
            {"timestamp": "2016-11-01", "amount": 9, "discount": 1, "list_price": 10}
        )


def test_amounts_in_cents_read_live_as_the_loader_reads_them(tmp_path):
    """`money_scale: 0.01`: Stripe's 1425600 cents is 14,256, posted as written."""
    lines = pd.DataFrame(
        {
            "customer_id": ["m1", "m1", "m1"],
            "timestamp": ["2016-11-01", "2016-12-01", "2016-12-01"],
            "amount": [9900, 14900, -14900],  # the last one returns the second
            "discount": [5000, 0, 0],
        }
    )
    lines.to_csv(tmp_path / "p.csv", index=False)
    scaled = {"path": "p.csv", "columns": {"discount": "discount"}, "money_scale": 0.01}
    config = tmp_path / "churn.yaml"
    config.write_text(
        yaml.safe_dump({"name": "t", "data": {"as_of": "2017-01-31", "transactions": scaled}})
    )
    loaded = load_tables(load_config(config))
    batch = build_columns(loaded, cutoff=pd.Timestamp("2016-12-31"))
    spec = load_config(config).data
    info = {"data_start": "2016-11-01"}  # its year reaches before: spend_365d unknown
    model = SimpleNamespace(
        config=SimpleNamespace(data=spec),
        data=spec.with_amount_read(),
        attribute_kinds={},
        flag_attributes=(),
        not_use_types=frozenset(),
        info=info,
    )
    member = CustomerHistoryIn.model_validate(
        {"customer_id": "m1", "transactions": lines.drop(columns="customer_id").to_dict("records")}
    )
    columns = build_columns(
        live_tables.to_tables([member], model), cutoff=pd.Timestamp("2016-12-31")
    )
    assert batch["spend_total"].tolist() == [pytest.approx(99.0)]
    assert np.isnan(batch["spend_365d"]).all() and np.isnan(columns["spend_365d"]).all()
    for name in ("spend_total", "avg_order_value_365d", "discount_share_365d", "orders_total"):
        assert columns[name].tolist() == pytest.approx(batch[name].tolist()), name


def test_under_inactivity_by_usage_only_usage_keeps_a_player_active():
    """A purchase is not play: a player who bought but stopped playing is lapsed."""
    churn = ChurnSpec(definition="inactivity", active_window_days=30, activity="usage")
    playing = _member(("2019-01-20", "session"))
    live_checks.require_active([playing], dt.date(2019, 1, 31), churn, USAGE_LOG)
    paying = _member(("2018-11-02", "session"), payments=("2019-01-25",))
    with pytest.raises(
        live_checks.GoneError, match=r"u1 \(last 2018-11-02\): no usage event in the 30"
    ):
        live_checks.require_active([paying], dt.date(2019, 1, 31), churn, USAGE_LOG)
    signed_up = _member(signup_date="2019-01-02")  # Relax's user 8 read "8 (nothing)"
    with pytest.raises(
        live_checks.GoneError, match=r"u1 \(no usage event at all\): no usage event in"
    ):
        live_checks.require_active([signed_up], dt.date(2019, 1, 31), churn, USAGE_LOG)


PAYING_LOG = DataSpec.model_validate(
    {
        "transactions": {
            "path": "log.json",
            "columns": LOG,
            "rows": {"column": "page", "values": ["Submit Payment"]},
        },
        "events": {"path": "log.json", "columns": {**LOG, "type": "page"}},
    }
)
"""A log whose payment page is read as the transactions (`DataSpec.not_use_types`)."""


def _posting_model(data: DataSpec, not_use: frozenset[str] = frozenset()) -> SimpleNamespace:
    """What `live_tables.to_tables` reads of a model: its data, no attributes."""
    return SimpleNamespace(
        config=SimpleNamespace(data=data),
        data=data,
        attribute_kinds={},
        flag_attributes=(),
        not_use_types=not_use,
        info={},
    )


def test_a_posted_event_of_a_type_read_as_purchases_is_no_use_as_loaded():
    """A model whose training left the log's payments out of its use (`apart_from_use`)
    reads a posted payment event as no use: a player paying but no longer playing is
    lapsed, as in the batch, and has no such event; a model trained before counts it."""
    churn = ChurnSpec(definition="inactivity", active_window_days=30, activity="usage")
    paying = _member(("2018-11-02", "NextSong"), ("2019-01-25", "Submit Payment"))
    not_use = PAYING_LOG.not_use_types()["transactions"]
    with pytest.raises(
        live_checks.GoneError, match=r"u1 \(last 2018-11-02\): no usage event in the 30"
    ):
        live_checks.require_active(
            [paying], dt.date(2019, 1, 31), churn, PAYING_LOG, not_use=not_use
        )
    live_checks.require_active([paying], dt.date(2019, 1, 31), churn, PAYING_LOG)
    model = _posting_model(PAYING_LOG, not_use)
    events = live_tables.to_tables([paying], model).events
    assert list(events["type"]) == ["NextSong"]
    assert live_notes.not_use_notes([paying], model) == [
        "events of type 'Submit Payment' are no use to this model: its data read them as "
        "purchases (post them as transactions)"
    ]
    assert live_notes.not_use_notes([paying], SimpleNamespace(not_use_types=frozenset())) == []


def test_posted_events_of_types_the_events_own_rows_leave_out_are_no_use():
    """A log's own `rows: values: [login, play, payment]` left its tickets out of training,
    and live counted a posted ticket as use (0.565 against the batch's 0.688)."""
    data = DataSpec.model_validate(
        {
            "events": {
                "path": "log.json",
                "columns": {**LOG, "type": "page"},
                "rows": {"column": "page", "values": ["NextSong", "Home"]},
            }
        }
    )
    ticket = _member(("2018-11-02", "NextSong"), ("2019-01-25", "Submit Ticket"))
    churn = ChurnSpec(definition="inactivity", active_window_days=30, activity="usage")
    with pytest.raises(live_checks.GoneError, match=r"u1 \(last 2018-11-02\)"):
        live_checks.require_active([ticket], dt.date(2019, 1, 31), churn, data)
    model = _posting_model(data)
    assert list(live_tables.to_tables([ticket], model).events["type"]) == ["NextSong"]
    assert data.events.keeps_type("Home") and not data.events.keeps_type("Submit Ticket")
    coded = data.events.model_copy(update={"rows": {"column": "page", "values": [1, 2]}})
    coded = type(data.events).model_validate(coded.model_dump())
    assert coded.keeps_type("1.0") and coded.keeps_type(" 01") and not coded.keeps_type("3")


def test_under_inactivity_a_member_who_cancelled_is_refused_as_the_batch_leaves_them_out():
    """`features.labels`: a cancellation no payment undid makes a customer gone under
    inactivity too; live scored them on their past use."""
    churn = ChurnSpec(definition="inactivity", active_window_days=90, activity="usage")
    model = SimpleNamespace(
        config=SimpleNamespace(churn=churn),
        data=USAGE_LOG,
        undo_by="day",
        not_use_types=frozenset(),
    )
    cancelled = _member(("2019-01-02", "NextSong"), ("2019-01-05", "Cancellation Confirmation"))
    with pytest.raises(live_checks.GoneError, match="cancelled 2019-01-05"):
        live_checks.require_scorable([cancelled], dt.date(2019, 1, 31), model)
    playing = _member(("2019-01-20", "NextSong"))
    live_checks.require_scorable([playing], dt.date(2019, 1, 31), model)


def test_a_posted_quantity_the_model_does_not_read_is_refused_naming_it():
    """'revnue' for 'revenue_usd' scored as if nothing were posted."""
    spec = DataSpec.model_validate(
        {"events": {"path": "log.csv", "quantities": {"revenue_usd": "dollars"}}}
    )
    member = CustomerHistoryIn.model_validate(
        {
            "customer_id": "m1",
            "events": [{"timestamp": "2016-12-20", "quantities": {"revnue": 50}}],
        }
    )
    with pytest.raises(live_checks.UnscorableError, match="quantities revnue are not the model's"):
        live_checks.require_known_quantities([member], spec)
    right = member.model_copy(
        update={
            "events": [
                EventIn.model_validate(
                    {"timestamp": "2016-12-20", "quantities": {"revenue_usd": 50}}
                )
            ]
        }
    )
    live_checks.require_known_quantities([right], spec)


def test_the_active_window_reads_only_the_tables_the_model_reads():
    """As `features.labels.gone_at`: customers and cancellations alone have nothing dated
    to lapse from; and an event the model's tables drop keeps nobody active."""
    churn = ChurnSpec(definition="cancellation", active_window_days=90)
    snapshot = DataSpec.model_validate(
        {"customers": {"path": "c.csv"}, "cancellations": {"path": "x.csv"}}
    )
    nobody = CustomerHistoryIn.model_validate({"customer_id": "c1"})
    live_checks.require_active([nobody], dt.date(2019, 1, 31), churn, snapshot)
    payments_only = DataSpec.model_validate(
        {"transactions": {"path": "t.csv"}, "cancellations": {"path": "x.csv"}}
    )
    logged_in = _member(("2019-01-20", "login"), payments=("2018-01-01",))
    with pytest.raises(
        live_checks.GoneError, match=r"u1 \(last 2018-01-01\): no purchase in the 90"
    ):
        live_checks.require_active([logged_in], dt.date(2019, 1, 31), churn, payments_only)


def test_a_carried_attributes_placeholders_read_by_its_own_tables_rules():
    """`missing_values: {auto_renew: [-1]}` of the payments: -1 posted is unknown, as
    the loader reads the payment log's -1."""
    data = DataSpec.model_validate(
        {
            "transactions": {
                "path": "p.csv",
                "attributes": ["auto_renew"],
                "missing_values": {"auto_renew": [-1]},
            }
        }
    )
    model = SimpleNamespace(
        config=SimpleNamespace(data=data), data=data.with_amount_read(), info={}
    )
    unknown = live_tables.attribute_unknowns(model)
    assert unknown.known(-1, "auto_renew") is None
    assert unknown.known(1, "auto_renew") == 1


def test_a_posted_list_price_reads_its_columns_placeholders_first():
    """`missing_values: {plan_list_price: [0]}`: a list price of 0 is unknown, so is the
    discount, as the loader reads the file (not 'paid 99 below a list price of 0')."""
    spec = DataSpec.model_validate(
        {
            "transactions": {
                "path": "p.csv",
                "columns": {"list_price": "plan_list_price"},
                "missing_values": {"plan_list_price": [0]},
                "valid_ranges": {"plan_list_price": [None, 1000]},
            }
        }
    )
    model = SimpleNamespace(
        config=SimpleNamespace(data=spec),
        data=spec.with_amount_read(),
        attribute_kinds={},
        flag_attributes=(),
        not_use_types=frozenset(),
        info={},
    )
    lines = [
        {"timestamp": "2016-11-01", "amount": 99.0, "list_price": 0},
        {"timestamp": "2016-11-02", "amount": 99.0, "list_price": 100000},
        {"timestamp": "2016-11-03", "amount": 99.0, "list_price": 149.0},
    ]
    member = CustomerHistoryIn.model_validate({"customer_id": "m1", "transactions": lines})
    discount = live_tables.to_tables([member], model).transactions["discount"]
    assert np.isnan(discount[:2]).all() and discount[2] == 50.0


@pytest.mark.parametrize("posted", [20241231, "20241231", "2024-12-31"])
def test_a_cutoff_posted_as_an_eight_digit_number_is_that_day(posted):
    """Not "Datetimes provided to dates should have zero time" (seconds after 1970)."""
    body = ScoreIn.model_validate({"cutoff": posted, "customers": [{"customer_id": "a"}]})
    assert body.cutoff == dt.date(2024, 12, 31)


def test_a_blank_filled_at_its_median_is_the_median_to_the_wallet_too(loaded, histories, cutoff):
    """The estimated wallet is derived from the attributes after the build: it read the
    blank the note says was scored at the median (8.6x the median's wallet on the
    demo), so the probability moved off what the note claims."""
    from serving.schemas import CustomerHistoryIn

    model = loaded.model
    name, median = next(
        (n, m) for n, m in model.median_fills.items() if model.attribute_kinds[n] == "numeric"
    )
    history = histories[0]
    blank = CustomerHistoryIn.model_validate(
        {**history, "attributes": {**history["attributes"], name: None}}
    )
    typical = CustomerHistoryIn.model_validate(
        {**history, "attributes": {**history["attributes"], name: median}}
    )
    when = pd.Timestamp(cutoff)
    wallets = [
        model.feature_columns(live_tables.to_tables([c], model), when)["wallet_365d"]
        for c in (blank, typical)
    ]
    np.testing.assert_allclose(wallets[0], wallets[1])
    frames = [model.features(live_tables.to_tables([c], model), when) for c in (blank, typical)]
    np.testing.assert_allclose(frames[0]["wallet_365d"], frames[1]["wallet_365d"])
    assert np.isnan(frames[0][name].iloc[0])  # the blank itself stays, for notes and reasons


def test_a_posted_margin_reads_as_the_loader_reads_it_and_sets_the_value(tmp_path):
    """Superstore's `Profit` mapped as `margin`: the features and value read it from the
    file and from a live post alike, a returned line's margin stops counting with it, and
    a customer whose lines lose money is worth less than nothing."""
    lines = pd.DataFrame(
        {
            "customer_id": ["c1", "c1", "c1", "c1"],
            "timestamp": ["2015-06-01", "2016-11-01", "2016-12-01", "2016-12-05"],
            "amount": [300.0, 80.0, 50.0, -50.0],  # the last returns the third
            "margin": [30.0, -45.0, 10.0, -10.0],
        }
    )
    lines.to_csv(tmp_path / "p.csv", index=False)
    mapped = {"path": "p.csv", "columns": {"margin": "margin"}}
    config = tmp_path / "churn.yaml"
    config.write_text(
        yaml.safe_dump({"name": "t", "data": {"as_of": "2017-01-31", "transactions": mapped}})
    )
    cutoff = pd.Timestamp("2016-12-31")
    batch = build_columns(load_tables(load_config(config)), cutoff=cutoff)
    model = SimpleNamespace(
        config=SimpleNamespace(data=load_config(config).data),
        data=load_config(config).data.with_amount_read(),
        attribute_kinds={},
        flag_attributes=(),
        not_use_types=frozenset(),
        info={"data_start": "2015-01-01"},
    )
    member = CustomerHistoryIn.model_validate(
        {"customer_id": "c1", "transactions": lines.drop(columns="customer_id").to_dict("records")}
    )
    posted = build_columns(live_tables.to_tables([member], model), cutoff=cutoff)
    assert batch["margin_365d"].tolist() == [-45.0]  # the returned line is gone
    assert batch["margin_total"].tolist() == [-15.0]  # 30 - 45
    for name in ("margin_365d", "margin_total", "spend_365d"):
        assert posted[name].tolist() == batch[name].tolist(), name
    value = customer_value(batch, Rules())
    assert value.tolist() == [pytest.approx(-45.0 + 0.2 * 30.0)]  # a fifth of the year before
    assert value_tier(batch, value, Rules()).tolist() == ["below_zero"]
    assert live_notes.unposted_fields(
        [
            CustomerHistoryIn.model_validate(
                {"customer_id": "c2", "transactions": [{"timestamp": "2016-12-01", "amount": 5.0}]}
            )
        ],
        SimpleNamespace(data=model.data, layout=SimpleNamespace(names=list(batch))),
    ) == [
        "transactions of customer(s) c2 carry no margin, which the model's margin and value "
        "read: scored as earning nothing"
    ]


def test_without_a_margin_mapped_there_are_no_margin_features():
    tables = Tables(
        customers=pd.DataFrame({"customer_id": [1]}),
        transactions=pd.DataFrame(
            {"customer_id": [1], "timestamp": [pd.Timestamp("2016-12-01")], "amount": [5.0]}
        ),
    )
    columns = build_columns(tables, cutoff=pd.Timestamp("2016-12-31"))
    assert not [name for name in columns if name.startswith("margin_")]


def test_a_snapshot_without_a_date_of_its_rows_is_scored_live_only_as_of_its_extract(snapshot):
    """`churn score` refuses another day for such a snapshot; the API took any posted
    cutoff and answered with that day as the score's."""
    loaded, tables = snapshot
    row = tables.customers.iloc[0]
    posted = {"customer_id": "c1", "attributes": {"tenure": row["tenure"]}}

    def scored(cutoff: str) -> dict:
        request = ScoreIn.model_validate({"customers": [posted], "cutoff": cutoff})
        return live.score_history(request, loaded)

    with pytest.raises(live_checks.UnscorableError) as raised:
        scored("2024-05-31")
    assert str(raised.value) == (
        "cutoff 2024-05-31: the model's snapshot holds no date of its rows, so its attributes "
        "are as of its extract (2024-06-30), the only day to score it as of; leave the "
        "cutoff out"
    )
    assert scored("2024-06-30")["cutoff"] == dt.date(2024, 6, 30)
