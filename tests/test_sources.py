"""Reading and validating the configured files: clean tables in, located messages out."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from rich.console import Console

from features import sources, workbooks
from features.build import build, build_features
from features.contract import (
    ChurnSpec,
    ConfigError,
    CustomersSpec,
    DataSpec,
    LookupSpec,
    TransactionsSpec,
    load_config,
)
from features.labels import label_churn
from features.report import _label_line, _missing, render_report
from features.sources import (
    DataError,
    Issue,
    TableSummary,
    ValidationReport,
    load_tables,
    validate,
)
from features.sources.activity import _sharing_customer_and_time, _taken, _time_order
from features.sources.copies import Copies
from features.sources.dates import _calendar_days, _guessed_dates
from features.sources.reading import FRESH_EXTRACT, _json_lines
from features.sources.table import _text
from features.tables import Tables
from serving.batch import active_only
from tests.factories import (
    AS_OF,
    customers_frame,
    events_frame,
    interactions_frame,
    many_transactions,
    payments_frame,
    transactions_frame,
    write_dataset,
    write_table,
)

ENDS_EARLY = "before the data's end"


def check(
    tmp_path: Path, today: dt.date | None = None, *, ends_early: bool = False, **kwargs
) -> tuple[Tables | None, ValidationReport]:
    """Validate the factory's data set; the warnings that its activity ends six months
    before its `as_of` are left out unless `ends_early` (they are tested on their own)."""
    tables, report = validate(load_config(write_dataset(tmp_path, **kwargs)), today=today)
    if not ends_early:
        report.issues = [issue for issue in report.issues if ENDS_EARLY not in issue.message]
    return tables, report


def load(tmp_path: Path, **kwargs) -> Tables:
    tables, report = check(tmp_path, **kwargs)
    assert report.errors == [], report.errors
    assert tables is not None
    return tables


def only_error(report: ValidationReport) -> Issue:
    assert len(report.errors) == 1, [str(issue) for issue in report.errors]
    return report.errors[0]


def only_warning(report: ValidationReport) -> Issue:
    """The one warning, besides those that the factory's activity ends early (`check`)."""
    warnings = [issue for issue in report.warnings if ENDS_EARLY not in issue.message]
    assert len(warnings) == 1, [str(issue) for issue in warnings]
    return warnings[0]


def assert_located(issue: Issue, *, file: str, column: str | None, rows: int) -> None:
    """The message a user reads names the file, the column and how many rows."""
    text = str(issue)
    assert issue.path.name == file and file in text
    assert issue.column == column
    if column is not None:
        assert f"'{column}'" in text
    assert issue.rows == rows
    if rows:
        assert f"{rows:,} " in issue.message


# --- valid data --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "csv.gz", "parquet", "xlsx"])
def test_valid_dataset_loads_with_canonical_columns_and_dtypes(tmp_path, fmt):
    tables, report = check(tmp_path, fmt=fmt)
    assert report.issues == [] and tables is not None
    assert list(tables.customers) == ["customer_id", "signup_date", "wallet", "region", "seats"]
    assert list(tables.transactions.columns) == ["customer_id", "timestamp", "amount", "category"]
    for frame in (tables.customers, tables.transactions, tables.events, tables.cancellations):
        assert frame["customer_id"].dtype == "int64"
    assert tables.transactions["timestamp"].dtype == "datetime64[ns]"
    assert tables.customers["signup_date"].dtype == "datetime64[ns]"
    assert tables.transactions["amount"].dtype == "float64"
    assert isinstance(tables.transactions["category"].dtype, pd.StringDtype)
    assert tables.transactions["timestamp"].iloc[1] == pd.Timestamp("2024-02-01 10:30")


def test_activity_tables_are_sorted_by_customer_then_time_with_a_fresh_index(tmp_path):
    transactions = load(tmp_path).transactions
    keys = list(zip(transactions["customer_id"], transactions["timestamp"], strict=True))
    assert keys == sorted(keys)
    assert list(transactions.index) == list(range(len(transactions)))


def test_nanosecond_timestamps_over_centuries_still_sort(tmp_path):
    """The combined sort key would overflow here; the two-key fallback must take over."""
    rng = np.random.default_rng(0)
    stamps = pd.Timestamp("1700-01-01") + pd.to_timedelta(rng.integers(0, 2**62, 200), unit="ns")
    frame = pd.DataFrame(
        {
            "customer_id": rng.integers(1, 5, 200),
            "timestamp": stamps,
            "amount": 1.0,
            "category": "x",
        }
    )
    transactions = load(tmp_path, fmt="parquet", transactions=frame).transactions
    keys = list(zip(transactions["customer_id"], transactions["timestamp"], strict=True))
    assert keys == sorted(keys)


@pytest.mark.parametrize("ids", ["dense", "sparse", "text"])
@pytest.mark.parametrize("time_ordered", [True, False])
def test_time_order_is_a_stable_sort_by_customer_then_time(ids, time_ordered):
    """A log in time order takes the counting pass (dense ids), others the argsort: both
    give the stable two-key order, ties in time keeping the input order."""
    rng = np.random.default_rng(1)
    n = 5000
    keys = rng.integers(0, 300, n)
    ts = np.sort(rng.integers(0, 400, n)) if time_ordered else rng.integers(0, 400, n)
    customer = {
        "dense": pd.Series(keys),
        "sparse": pd.Series(keys * 10**9),
        "text": pd.Series([f"c{k:04d}" for k in keys], dtype="str"),
    }[ids]
    stamps = pd.Series(pd.Timestamp("2024-01-01") + pd.to_timedelta(ts, unit="D"))
    expected = np.lexsort((ts, keys))  # stable: ties keep the input order
    np.testing.assert_array_equal(_time_order(customer, stamps), expected)


@pytest.mark.parametrize("ids", ["dense", "text"])
@pytest.mark.parametrize("time_ordered", [True, False])
def test_rows_sharing_customer_and_time_are_found_in_any_order(ids, time_ordered):
    """The repeated-lines check compares in full only rows that share a customer and a
    time with another row; those found by sorting are the ones a pairwise count finds,
    missing times alike."""
    rng = np.random.default_rng(2)
    n = 3000
    keys = rng.integers(0, 200, n)
    ts = np.sort(rng.integers(0, 300, n)) if time_ordered else rng.integers(0, 300, n)
    customer = (
        pd.Series(keys) if ids == "dense" else pd.Series([f"c{k}" for k in keys], dtype="str")
    )
    stamps = pd.Series(pd.Timestamp("2024-01-01") + pd.to_timedelta(ts, unit="h"))
    if not time_ordered:
        stamps[rng.random(n) < 0.02] = pd.NaT
    pairs = pd.Series(list(zip(keys, stamps.to_numpy().view("i8"), strict=True)))
    expected = pairs.duplicated(keep=False).to_numpy()
    found = _sharing_customer_and_time(customer, stamps)
    assert expected.sum() > 100
    np.testing.assert_array_equal(found, expected)


@pytest.mark.parametrize("distinct", [3, 5000])
@pytest.mark.parametrize("dtype", ["str", "string"])
def test_sorted_text_is_the_text_taken_through_codes_or_not(distinct, dtype):
    """Sorting takes text of few distinct values through its codes, free text as it is:
    both give the values, blanks and dtype `take` gives."""
    rng = np.random.default_rng(3)
    n = 20_000
    words = np.array([f"w{k}" for k in rng.integers(0, distinct, n)], dtype=object)
    words[rng.random(n) < 0.05] = None
    words[:2] = ["", " w1 "]
    values = pd.array(words, dtype=dtype)
    order = rng.permutation(n)
    taken = _taken(values, order)
    assert taken.dtype == values.dtype
    pdt.assert_series_equal(pd.Series(taken), pd.Series(values.take(order)))


def test_days_read_as_dates_are_the_timestamps_their_text_parses_to():
    """pyarrow reads a CSV column of ISO days as `datetime.date` objects: converted at
    once, they are what the loader's parse of their text gives (unit included), year 1 and
    9999, which the range check then reports, and blanks alike; other values are left to
    that parse."""
    values = pd.Series(
        [dt.date(2020, 1, 31), None, dt.date(9999, 12, 31), dt.date(1, 1, 1), np.nan],
        dtype=object,
    )
    written = pd.to_datetime(_text(values), errors="coerce", format="ISO8601", utc=True)
    pdt.assert_series_equal(_calendar_days(values), written.dt.tz_localize(None))
    assert _calendar_days(values.astype("str")) is None
    assert _calendar_days(pd.Series([dt.datetime(2020, 1, 31, 5, 0)], dtype=object)) is None
    assert _calendar_days(pd.Series([None, None], dtype=object)) is None


def test_column_mapping_renames_user_columns(tmp_path):
    frame = transactions_frame().rename(
        columns={"customer_id": "cust", "timestamp": "date", "amount": "dollars"}
    )
    columns = {"customer_id": "cust", "timestamp": "date", "amount": "dollars"}
    tables = load(tmp_path, transactions=frame, specs={"transactions": {"columns": columns}})
    assert list(tables.transactions.columns) == ["customer_id", "timestamp", "amount"]
    assert tables.transactions["amount"].sum() == transactions_frame()["amount"].sum()


def test_relative_paths_resolve_against_the_config_folder(tmp_path, monkeypatch):
    config = load_config(write_dataset(tmp_path / "project"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert load_tables(config).transactions is not None


def test_customers_are_derived_from_transactions_when_absent(tmp_path):
    tables, report = check(tmp_path, customers=None)
    assert report.errors == [] and tables is not None
    assert list(tables.customers["customer_id"]) == [1, 2, 3, 4]
    assert list(tables.customers.columns) == ["customer_id"]
    summary = report.tables[0]
    assert (summary.name, summary.path, summary.customers) == ("customers", None, 4)


def test_customers_are_who_appears_in_a_usage_log_when_it_is_all_there_is(tmp_path):
    """A subscription business may export only its event log (and the cancellations in
    it): the customers are its users."""
    cancellation = {"definition": "cancellation"}
    tables, report = check(
        tmp_path, customers=None, transactions=None, interactions=None, churn=cancellation
    )
    assert report.errors == [] and tables is not None
    assert sorted(tables.customers["customer_id"]) == [1, 2, 4]


def test_a_purchase_log_serves_as_the_customers_table_for_its_attributes(tmp_path):
    """Online Retail style: the country is on every line, guests have no id. Read as the
    customers table, its lines repeat each customer and the guests are ignored."""
    lines = transactions_frame().assign(country=lambda t: t["customer_id"].map(str) + "-land")
    lines.loc[len(lines)] = [None, "2024-03-01", 5.0, "paper", "nowhere"]
    path = write_table(lines, tmp_path / "data" / "lines.csv")
    shared = {"path": str(path.relative_to(tmp_path))}
    customers = {**shared, "attributes": ["country"]}
    data = {"customers": customers, "transactions": shared}
    tables, report = check(
        tmp_path, customers=None, transactions=None, events=None, interactions=None,
        cancellations=None, data=data,
    )  # fmt: skip
    assert report.errors == [] and tables is not None, report.errors
    assert list(tables.customers["country"]) == ["1-land", "2-land", "3-land", "4-land"]
    customers_notes = [w.message for w in report.warnings if w.table == "customers"]
    assert any("no customer id in 1 row" in note for note in customers_notes)
    # its lines repeat each customer by design (a log with times): not said as a fault
    assert not any("repeat their customer's row exactly" in note for note in customers_notes)


def test_a_json_lines_event_log_is_read_as_exported(tmp_path):
    """A streaming service's log (Sparkify style): one JSON object per line, text user
    ids ('' when logged out), times in Unix ms, the cancellations among the pages."""
    stamps = pd.to_datetime(["2024-03-01 10:00", "2024-03-02 11:00", "2024-03-05 09:30"])
    log = pd.DataFrame(
        {
            "userId": ["7", "", "7"],
            "ts": (stamps - pd.Timestamp(0)) // pd.Timedelta("1ms"),
            "page": ["NextSong", "Home", "Cancellation Confirmation"],
            "length": [215.3, None, None],
        }
    )
    log.to_json(tmp_path / "events.jsonl", orient="records", lines=True)
    columns = {"customer_id": "userId", "timestamp": "ts"}
    config = {
        "name": "stream",
        "data": {
            "as_of": "2024-06-30",
            "events": {
                "path": "events.jsonl",
                "columns": {**columns, "type": "page", "quantity": "length"},
            },
            "cancellations": {
                "path": "events.jsonl",
                "columns": columns,
                "rows": {"column": "page", "values": ["Cancellation Confirmation"]},
            },
        },
        "churn": {"definition": "cancellation"},
    }
    (tmp_path / "churn.yaml").write_text(yaml.safe_dump(config))
    tables, report = validate(load_config(tmp_path / "churn.yaml"))
    assert report.errors == [] and tables is not None
    assert list(tables.customers["customer_id"]) == [7]
    # the guest row goes; the cancellation page is a cancellation, no use
    assert list(tables.events["timestamp"]) == [stamps[0]]
    assert list(tables.cancellations["timestamp"]) == [stamps[2]]
    assert tables.events["quantity"].iloc[0] == 215.3


def _subscription_log(tmp_path: Path, events: dict | None = None) -> Path:
    """One log of a member's logins, monthly payments and a cancel: its payments read as
    transactions and its cancel as a cancellation, each by a `rows:` filter on its type."""
    rows = [("2024-01-05", "login", None), ("2024-01-06", "payment", 9.99),
            ("2024-02-06", "payment", 9.99), ("2024-02-07", "login", None),
            ("2024-03-06", "payment", 9.99), ("2024-03-20", "cancel", None)]  # fmt: skip
    log = pd.DataFrame(rows, columns=["at", "event", "amount"]).assign(user=1)
    log.to_csv(tmp_path / "log.csv", index=False)
    columns = {"customer_id": "user", "timestamp": "at"}
    kept = {"payment": {"column": "event", "values": ["payment"]}}
    data = {
        "as_of": "2024-06-30",
        "transactions": {"path": "log.csv", "columns": {**columns, "amount": "amount"},
                         "rows": kept["payment"]},
        "events": {"path": "log.csv", "columns": {**columns, "type": "event"}, **(events or {})},
        "cancellations": {"path": "log.csv", "columns": columns,
                          "rows": {"column": "event", "values": ["cancel"]}},
    }  # fmt: skip
    config = {"name": "subs", "data": data, "churn": {"definition": "cancellation"}}
    (tmp_path / "churn.yaml").write_text(yaml.safe_dump(config))
    return tmp_path / "churn.yaml"


def test_a_logs_rows_read_as_payments_or_cancellations_are_no_use(tmp_path):
    """A monthly auto-renewal read as use made a member silent since January 'last seen'
    at their March payment: the rows other tables read from the log are left out of
    the usage log, with a warning saying how to count them."""
    tables, report = validate(load_config(_subscription_log(tmp_path)))
    assert tables is not None
    assert list(tables.events["type"]) == ["login", "login"]
    assert tables.not_use_types == ("cancel", "payment")  # kept with a model
    assert len(tables.transactions) == 3 and len(tables.cancellations) == 1
    (said,) = [w for w in report.warnings if "no product use" in w.message]
    assert said.column == "event" and said.rows == 4
    assert said.message == (
        "4 rows (66.7%) are read as purchases (payment) and cancellations (cancel): no "
        "product use, left out of the usage log (name them in the events' rows: values "
        "to count them as use)"
    )


def test_a_type_the_events_own_rows_keep_counts_as_use(tmp_path):
    """Named among the events' `rows: values`, the payments stay use; the cancel, not
    named, is no use."""
    own = {"rows": {"column": "event", "values": ["login", "payment"]}}
    config = load_config(_subscription_log(tmp_path, own))
    assert config.data.not_use_types() == {"cancellations": frozenset({"cancel"})}
    tables, _ = validate(config)
    assert tables is not None
    assert sorted(tables.events["type"]) == ["login", "login", "payment", "payment", "payment"]


def test_a_types_filter_beside_others_still_says_which_types_are_no_use():
    """Payments kept only where ok, beside the type's filter, are still payments; an
    events' own filter on another column keeps no type by name."""
    log = {"customer_id": "user", "timestamp": "at"}
    paid = [{"column": "event", "values": ["payment"]}, {"column": "status", "values": ["ok"]}]
    data = DataSpec.model_validate(
        {
            "transactions": {"path": "log.csv", "columns": log, "rows": paid},
            "events": {
                "path": "log.csv",
                "columns": {**log, "type": "event"},
                "rows": {"column": "region", "values": ["EU"]},
            },
        }
    )
    assert data.not_use_types() == {"transactions": frozenset({"payment"})}
    elsewhere = data.model_copy(
        update={"transactions": data.transactions.model_copy(update={"path": Path("pay.csv")})}
    )
    assert elsewhere.not_use_types() == {}


def test_a_model_trained_before_reads_its_logs_other_rows_as_use(tmp_path):
    """`apart_from_use=False` (a model trained before the rule, scored by the batch) reads
    the log as that model was trained on it."""
    tables, report = validate(load_config(_subscription_log(tmp_path)), apart_from_use=False)
    assert tables is not None and len(tables.events) == 6
    assert not [w for w in report.warnings if "no product use" in w.message]


def test_other_tables_rows_are_use_when_they_are_the_whole_log(tmp_path):
    """Every row read as a payment: the log is the transactions' too, as mapped, not an
    empty usage log."""
    config = _subscription_log(tmp_path)
    log = pd.read_csv(tmp_path / "log.csv")
    log[log["event"] == "payment"].to_csv(tmp_path / "log.csv", index=False)
    raw = yaml.safe_load(config.read_text())
    del raw["data"]["cancellations"]
    raw["churn"] = {"definition": "inactivity"}
    config.write_text(yaml.safe_dump(raw))
    tables, report = validate(load_config(config))
    assert tables is not None and len(tables.events) == 3 and tables.not_use_types == ()
    assert not [w for w in report.warnings if "no product use" in w.message]


def test_a_reading_of_one_files_column_is_said_once_naming_its_tables(tmp_path):
    """Sparkify's log read as customers, events and cancellations warned "numbers read as
    Unix time in ms" once per table, of the same 6,350 rows: one warning per file and
    column, with the most rows a table read and the tables; another column is its own."""
    stamps = pd.to_datetime(["2024-03-01 10:00", "2024-03-02 11:00", "2024-03-05 09:30"])
    ms = (stamps - pd.Timestamp(0)) // pd.Timedelta("1ms")
    log = pd.DataFrame(
        {
            "userId": ["7", "7", "7"],
            "ts": ms,
            "registration": [ms[0]] * 3,
            "page": ["NextSong", "Home", "Cancellation Confirmation"],
        }
    )
    log.to_json(tmp_path / "events.jsonl", orient="records", lines=True)
    columns = {"customer_id": "userId", "timestamp": "ts"}
    cancels = {"column": "page", "values": ["Cancellation Confirmation"]}
    data = {
        "as_of": "2024-06-30",
        "customers": {
            "path": "events.jsonl",
            "columns": {"customer_id": "userId", "signup_date": "registration"},
        },
        "events": {"path": "events.jsonl", "columns": {**columns, "type": "page"}},
        "cancellations": {"path": "events.jsonl", "columns": columns, "rows": cancels},
    }
    config = {"name": "stream", "data": data, "churn": {"definition": "cancellation"}}
    (tmp_path / "churn.yaml").write_text(yaml.safe_dump(config))
    _, report = validate(load_config(tmp_path / "churn.yaml"))
    said = {w.column: w for w in report.warnings if "Unix time" in w.message}
    assert len([w for w in report.warnings if "Unix time" in w.message]) == 2
    assert said["registration"].message == "numbers read as Unix time in ms (3 rows)"
    assert said["ts"].message == (
        "numbers read as Unix time in ms (3 rows); read by the customers, events and "
        "cancellations tables"
    )
    assert said["ts"].rows == 3 and said["ts"].path.name == "events.jsonl"


def test_a_json_lines_log_maps_the_keys_of_its_nested_objects(tmp_path):
    """Segment-style exports nest an event's fields under `properties`: they map with a
    dot (`properties.seats_active`), and the header lists them so."""
    lines = [
        {"account": "7", "ts": "2024-03-01T10:00:00Z", "event": "login",
         "properties": {"seats_active": 4, "context": {"plan": "pro"}}},
        {"account": "7", "ts": "2024-03-02T10:00:00Z", "event": "export", "properties": {}},
        {"account": "8", "ts": "2024-03-03T10:00:00Z", "event": "login"},
    ]  # fmt: skip
    (tmp_path / "events.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    columns = {"customer_id": "account", "timestamp": "ts", "type": "event"}
    events = {
        "path": "events.jsonl",
        "columns": columns,
        "quantities": {"properties.seats_active": "active seats"},
    }
    events["attributes"] = ["properties.context.plan"]
    config = {"name": "saas", "data": {"as_of": "2024-06-30", "events": events}}
    (tmp_path / "churn.yaml").write_text(yaml.safe_dump(config))
    tables, report = validate(load_config(tmp_path / "churn.yaml"))
    assert report.errors == [] and tables is not None, [str(e) for e in report.errors]
    assert list(tables.events["quantities.properties.seats_active"].fillna(0)) == [4, 0, 0]
    assert tables.customers.set_index("customer_id")["properties.context.plan"].get(7) == "pro"
    wrong = {**events, "quantities": {"properties.seats": "active seats"}}
    (tmp_path / "churn.yaml").write_text(
        yaml.safe_dump({**config, "data": {"as_of": "2024-06-30", "events": wrong}})
    )
    _, report = validate(load_config(tmp_path / "churn.yaml"))
    assert "available: account, ts, event, properties.seats_active," in only_error(report).message


def test_a_json_key_first_seen_late_in_the_log_is_read(tmp_path):
    """Segment exports add `properties.*` keys as features ship: a key first written on
    line 1,500 is a column like any other."""
    early = {"account": "7", "ts": "2024-03-01T10:00:00Z", "event": "login"}
    late = {**early, "account": "8", "properties": {"seats_active": 3}}
    text = "".join(json.dumps(early) + "\n" for _ in range(1500)) + json.dumps(late) + "\n"
    (tmp_path / "events.jsonl").write_text(text)
    columns = {"customer_id": "account", "timestamp": "ts", "type": "event"}
    events = {
        "path": "events.jsonl",
        "columns": columns,
        "quantities": {"properties.seats_active": "seats"},
    }
    config = {"name": "saas", "data": {"as_of": "2024-06-30", "events": events}}
    (tmp_path / "churn.yaml").write_text(yaml.safe_dump(config))
    tables, report = validate(load_config(tmp_path / "churn.yaml"))
    assert report.errors == [] and tables is not None, [str(e) for e in report.errors]
    assert tables.events["quantities.properties.seats_active"].max() == 3


def test_a_json_lines_file_read_by_several_tables_is_parsed_once(tmp_path, monkeypatch):
    """A 1.9M-line log mapped as four tables was parsed four times (25 s each); a file
    changed since is parsed again."""
    test_a_json_lines_event_log_is_read_as_exported(tmp_path)  # writes the log and config
    _json_lines.cache_clear()
    parsed = []
    real = pd.read_json
    monkeypatch.setattr(pd, "read_json", lambda *a, **k: parsed.append(a) or real(*a, **k))
    config = load_config(tmp_path / "churn.yaml")
    validate(config)
    assert len(parsed) == 1  # for events and cancellations alike
    assert _json_lines.cache_info().currsize == 0  # not held past the load
    log = tmp_path / "events.jsonl"
    log.write_text(log.read_text() + '{"userId": "8", "ts": 1709500000000, "page": "Home"}\n')
    tables, _ = validate(config)
    assert len(parsed) == 2 and tables is not None
    assert sorted(tables.customers["customer_id"]) == [7, 8]


def test_a_json_file_that_is_one_array_is_refused_with_advice(tmp_path):
    config = write_dataset(tmp_path)
    (tmp_path / "data" / "events.json").write_text('[{"customer_id": 1}]')
    text = (tmp_path / "churn.yaml").read_text().replace("events.csv", "events.json")
    (tmp_path / "churn.yaml").write_text(text)
    _, report = validate(load_config(config))
    assert "one JSON object per line" in only_error(report).message


def _workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> Path:
    with pd.ExcelWriter(path) as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return path


def test_a_workbook_reads_every_sheet_of_its_log_and_skips_its_notes(tmp_path):
    """Online Retail II ships its two years as two sheets of one header; Kaggle's churn
    workbooks keep a data dictionary first. The log's sheets are read one after the
    other, the notes are not, and the warning names what was read."""
    lines = transactions_frame()
    year = pd.to_datetime(lines["timestamp"], format="mixed").dt.month < 3
    notes = pd.DataFrame({"Variable": ["customer_id"], "Meaning": ["who bought"]})
    sheets = {"Data Dict": notes, "Jan-Feb": lines[year], "Mar on": lines[~year]}
    _workbook(tmp_path / "lines.xlsx", sheets)
    config = write_dataset(tmp_path, specs={"transactions": {"path": "lines.xlsx"}})
    tables, report = validate(load_config(config))
    assert report.errors == [] and tables is not None
    expected = load(tmp_path / "csv").transactions
    pd.testing.assert_frame_equal(tables.transactions, expected, check_dtype=False)
    note = next(w for w in report.warnings if w.table == "transactions").message
    assert "read sheets 'Jan-Feb', 'Mar on' one after another" in note

    one = write_dataset(tmp_path, specs={"transactions": {"path": "lines.xlsx", "sheet": 2}})
    tables, report = validate(load_config(one))
    assert tables is not None and len(tables.transactions) == int((~year).sum())
    assert not any("sheet" in w.message for w in report.warnings)

    notes = write_dataset(tmp_path, specs={"transactions": {"path": "lines.xlsx", "sheet": 0}})
    _, report = validate(load_config(notes))
    assert report.errors  # the dictionary holds no column mapped: named in the error
    note = next(w.message for w in report.warnings if "sheet" in w.message)
    assert (
        note
        == "read sheet 'Data Dict' as `sheet:` says; 'Jan-Feb' holds more of the columns mapped"
    )


def test_sheets_that_overlap_read_their_shared_rows_once(tmp_path):
    """Online Retail II's two years share 2010-12-01 to 12-09: stacked whole, those days'
    lines counted twice. A later sheet's rows repeating an earlier one's in every column
    are read once; a line repeated within one sheet (a unit per row) stays twice."""
    lines = transactions_frame()
    first = pd.concat([lines.iloc[:6], lines.iloc[[0]]])  # its first line twice: two units
    second = pd.concat([lines.iloc[[0]], lines.iloc[3:]])  # the first once more, rows 3-5 again
    _workbook(tmp_path / "lines.xlsx", {"2010": first, "2011": second})
    config = write_dataset(tmp_path, specs={"transactions": {"path": "lines.xlsx"}})
    tables, report = validate(load_config(config))
    assert tables is not None and report.errors == []
    expected = pd.concat([lines, lines.iloc[[0]]])
    assert len(tables.transactions) == len(expected)
    assert tables.transactions["amount"].sum() == pytest.approx(expected["amount"].sum())
    note = next(w.message for w in report.warnings if "sheet" in w.message)
    assert "4 rows of '2011' repeat an earlier sheet's in every column: read once" in note


def test_a_workbook_of_several_tables_gives_each_its_own_sheet(tmp_path):
    """Customers and their purchases as two sheets of one workbook: each table reads the
    sheet of its columns, and the file is parsed once per sheet, not per table."""
    book = _workbook(
        tmp_path / "shop.xlsx",
        {"customers": customers_frame(), "purchases": transactions_frame()},
    )
    config = write_dataset(
        tmp_path,
        specs={"customers": {"path": book.name}, "transactions": {"path": book.name}},
    )
    tables, report = validate(load_config(config))
    assert report.errors == [] and tables is not None
    expected = load(tmp_path / "csv")
    pd.testing.assert_frame_equal(tables.customers, expected.customers, check_dtype=False)
    pd.testing.assert_frame_equal(tables.transactions, expected.transactions, check_dtype=False)
    notes = [w.message for w in report.warnings if "sheet" in w.message]
    assert sorted(notes) == [
        "read sheet 'customers'; set `sheet:` to read another",
        "read sheet 'purchases'; set `sheet:` to read another",
    ]
    assert workbooks.parsed.cache_info().currsize == 0  # not held past the load


def test_a_tables_sheet_is_told_by_its_own_columns_not_those_a_lookup_joins(tmp_path):
    """KPMG's workbook: customers on one sheet, their state on another (a lookup), and a
    list of prospects, without ids, holding both their attributes and a state. Counting
    the state the lookup joins picked the prospects; the customers' sheet holds the id.
    A key the lookup does not find is said with the lookup's sheet, not the workbook's
    name alone, which the table shares."""
    customers = customers_frame()
    prospects = customers.drop(columns="customer_id").assign(state="NSW")
    addresses = pd.DataFrame({"customer_id": [1, 2, 3], "state": ["NSW", "VIC", "QLD"]})
    book = {"NewCustomerList": prospects, "Customers": customers, "Address": addresses}
    _workbook(tmp_path / "kpmg.xlsx", book)
    lookup = {"path": "kpmg.xlsx", "sheet": "Address", "on": "customer_id", "columns": ["state"]}
    attributes = ["region", "seats", "state"]
    specs = {"customers": {"path": "kpmg.xlsx", "attributes": attributes, "lookup": lookup}}
    tables, report = validate(load_config(write_dataset(tmp_path, specs=specs)))
    assert report.errors == [] and tables is not None, [str(e) for e in report.errors]
    assert tables.customers["state"].tolist()[:3] == ["NSW", "VIC", "QLD"]
    said = [w.message for w in report.warnings if w.table == "customers"]
    assert "read sheet 'Customers'; set `sheet:` to read another" in said
    assert (
        "1 row has a value of customer_id not in kpmg.xlsx (sheet 'Address'): their state is blank"
        in said
    )


def test_a_wrong_sheet_of_a_snapshot_is_no_fresh_extract(tmp_path):
    """`sheet: "Data Dict"` on the E Commerce workbook: the error that its columns are not
    there came with the warning that the label's absence made it a fresh extract to
    score, which contradicted it."""
    labelled = customers_frame().assign(churned=["Yes", "No", "No", "Yes"])
    notes = pd.DataFrame({"Variable": ["customer_id"], "Meaning": ["who"]})
    _workbook(tmp_path / "snap.xlsx", {"Data Dict": notes, "Data": labelled})
    label = {"column": "churned", "positive": "Yes"}
    specs = {"customers": {"path": "snap.xlsx", "label": label, "sheet": "Data Dict"}}
    tables, report = validate(
        load_config(write_dataset(tmp_path, specs=specs)), label_optional=True
    )
    assert tables is None and "customer_id" in [e.column for e in report.errors]
    assert all(e.message.startswith("column not found") for e in report.errors)
    assert not [w for w in report.warnings if FRESH_EXTRACT in w.message]
    specs["customers"]["sheet"] = "Data"
    _, report = validate(load_config(write_dataset(tmp_path, specs=specs)), label_optional=True)
    assert report.errors == []


def test_a_sheet_the_workbook_lacks_is_an_error_naming_its_sheets(tmp_path):
    _workbook(tmp_path / "lines.xlsx", {"2010": transactions_frame(), "2011": transactions_frame()})
    config = write_dataset(
        tmp_path, specs={"transactions": {"path": "lines.xlsx", "sheet": "2012"}}
    )
    tables, report = validate(load_config(config))
    assert tables is None
    error = only_error(report)
    assert error.path.name == "lines.xlsx"
    assert "no sheet '2012'; the sheets are '2010', '2011'" in error.message

    columns = {"category": "category", "amount": "dollars"}
    spec = {"transactions": {"path": "lines.xlsx", "columns": columns}}
    _, report = validate(load_config(write_dataset(tmp_path, specs=spec)))
    assert "column not found" in only_error(report).message
    note = next(w.message for w in report.warnings if "sheet" in w.message)
    assert "no sheet holds every column mapped (the sheets: '2010', '2011')" in note


def _titled_workbook(path: Path, customers: pd.DataFrame) -> Path:
    """Kaggle's E Commerce workbook in small: a data dictionary naming the columns one a
    row, then the customers under a title row."""
    entries = [["E Comm", name, f"the customer's {name}"] for name in customers.columns]
    notes = pd.DataFrame(entries, columns=["Data", "Variable", "Description"])
    with pd.ExcelWriter(path) as writer:
        notes.to_excel(writer, sheet_name="Data Dict", index=False)
        title = pd.DataFrame([["E Commerce churn data"]])
        title.to_excel(writer, sheet_name="E Comm", index=False, header=False)
        customers.to_excel(writer, sheet_name="E Comm", index=False, startrow=1)
    return path


def _customers_read_as(config: Path, expected: pd.DataFrame) -> str:
    """Validates the config, its customers read as `expected`; the customers' first
    warning."""
    tables, report = validate(load_config(config))
    assert report.errors == [] and tables is not None
    pd.testing.assert_frame_equal(tables.customers, expected, check_dtype=False)
    return next(w.message for w in report.warnings if w.table == "customers")


def test_a_sheet_headed_below_a_title_row_is_read_from_its_header(tmp_path):
    """Read from its first row, the 'E Comm' sheet's columns were 'Unnamed: 0', ..., and
    the sheets were compared by those: the dictionary was read. Its header is the row
    holding the columns mapped, with or without `sheet:`."""
    book = _titled_workbook(tmp_path / "E Commerce Dataset.xlsx", customers_frame())
    expected = load(tmp_path / "csv").customers
    config = write_dataset(tmp_path, specs={"customers": {"path": book.name}})
    note = _customers_read_as(config, expected)
    skipped = "header on row 2, 1 row above it skipped"
    assert note == f"read sheet 'E Comm' ({skipped}); set `sheet:` to read another"

    named = {"customers": {"path": book.name, "sheet": "E Comm"}}
    tables, report = validate(load_config(write_dataset(tmp_path, specs=named)))
    assert tables is not None
    pd.testing.assert_frame_equal(tables.customers, expected, check_dtype=False)
    assert [w.message for w in report.warnings if w.table == "customers"] == [skipped]


def test_no_sheet_is_said_to_hold_the_columns_when_none_holds_any(tmp_path):
    """Every sheet holding none of the columns mapped was said to "also hold the columns
    mapped, with another header"."""
    notes = pd.DataFrame({"Variable": ["Tenure"], "Meaning": ["months a customer"]})
    _workbook(tmp_path / "shop.xlsx", {"Data Dict": notes, "Sheet2": pd.DataFrame({"x": [1]})})
    config = write_dataset(tmp_path, specs={"customers": {"path": "shop.xlsx"}})
    _, report = validate(load_config(config))
    note = next(w.message for w in report.warnings if "sheet" in w.message)
    assert "also hold" not in note
    assert note.startswith("read sheet 'Data Dict'; no sheet holds every column mapped")


@pytest.mark.parametrize("sep", [",", ";"])
def test_delimited_text_headed_below_a_title_line_is_read_from_its_header(tmp_path, sep):
    """Exports write a title and a blank line above the header; its separator is the
    header line's, not the title's."""
    config = write_dataset(tmp_path)
    path = tmp_path / "data" / "transactions.csv"
    rows = pd.read_csv(path)
    path.write_text(f"Sales export, as of {AS_OF}\n\n" + rows.to_csv(sep=sep, index=False))
    tables, report = validate(load_config(config))
    assert report.errors == [] and tables is not None
    expected = load(tmp_path / "csv").transactions
    pd.testing.assert_frame_equal(tables.transactions, expected, check_dtype=False)
    notes = [w.message for w in report.warnings if w.table == "transactions"]
    assert "header on line 3, 2 lines above it skipped" in notes


def test_a_text_cell_past_the_csv_modules_field_limit_is_read(tmp_path):
    """The header is looked for with the csv module, whose fields stop at 131,072
    characters; pandas reads a longer cell (a review's text), and so does the look."""
    long_text = "x" * 200_000
    lines = transactions_frame().assign(category=lambda f: [long_text, *f["category"][1:]])
    tables = load(tmp_path, transactions=lines)
    assert tables.transactions["category"].str.len().max() == len(long_text)


def test_a_workbook_named_as_delimited_text_is_read_as_the_workbook_it_is(tmp_path):
    """A workbook saved as `customers.csv` failed as "'utf-8' codec can't decode byte
    0x89": it is read by its content, and the warning says how to name it."""
    config = write_dataset(tmp_path)
    expected = load(tmp_path / "csv").customers
    path = tmp_path / "data" / "customers.csv"
    write_table(customers_frame(), tmp_path / "customers.xlsx").replace(path)
    assert sources.reads_missing_text(path)  # live scoring reads it as a workbook too
    note = _customers_read_as(config, expected)
    what = "a workbook (.xlsx) by its content, not the format its name says"
    assert note == f"{what}: read as one; rename it customers.xlsx"


def test_a_workbook_reads_na_text_as_blank_unless_kept(tmp_path):
    """Cells are typed by hand: 'NA' is as blank as in a CSV, unless `not_missing` keeps it
    (North America); live scoring reads posted text alike (`reads_missing_text`)."""
    customers = customers_frame().assign(region=["NA", "EU", "NA", "EU"])
    book = _workbook(tmp_path / "customers.xlsx", {"Sheet1": customers})
    assert sources.reads_missing_text(book)
    config = write_dataset(tmp_path, specs={"customers": {"path": book.name}})
    tables, _ = validate(load_config(config))
    assert tables is not None and tables.customers["region"].isna().sum() == 2
    kept = {"customers": {"path": book.name, "not_missing": ["NA"]}}
    tables, _ = validate(load_config(write_dataset(tmp_path, specs=kept)))
    assert tables is not None and list(tables.customers["region"]) == ["NA", "EU", "NA", "EU"]


def test_config_lists_are_passed_through(tmp_path):
    specs = {
        "transactions": {"consumable_categories": ["paper", "ink"]},
        "events": {"types": ["login"]},
    }
    tables = load(tmp_path, specs=specs)
    assert tables.consumable_categories == ("paper", "ink")
    assert tables.event_types == ("login",)


# --- attributes, numbers, ids --------------------------------------------------------------


def test_attribute_kinds_are_inferred(tmp_path):
    tables = load(tmp_path)
    assert tables.attributes == {"region": "categorical", "seats": "numeric"}
    assert tables.customers["seats"].dtype == "float64"
    assert isinstance(tables.customers["region"].dtype, pd.StringDtype)


@pytest.mark.parametrize("written", ["numbers", "text"])
def test_a_few_whole_numbers_named_a_code_are_categorical_with_a_warning(tmp_path, written):
    """BigML's `Area code` (408, 415, 510) is no measure: "Area code 510 (typical 415)";
    a code with decimals, or a count, stays numeric."""
    area = [415, 408, 510, 415]
    customers = customers_frame().assign(
        **{"Area code": area if written == "numbers" else [str(a) for a in area]},
        **{"Credit code": [1.5, 2.0, 3.0, 1.0]},
    )
    specs = {"customers": {"attributes": {"Area code": None, "Credit code": None, "seats": None}}}
    tables, report = check(tmp_path, customers=customers, specs=specs)
    assert tables is not None
    assert tables.attributes["Area code"] == "categorical"
    assert list(tables.customers["Area code"]) == ["415", "408", "510", "415"]
    assert tables.attributes["Credit code"] == tables.attributes["seats"] == "numeric"
    warning = only_warning(report)
    assert_located(warning, file="customers.csv", column="Area code", rows=4)
    assert "named a code in 4 rows (3 distinct: 408, 415, 510)" in warning.message


def test_whole_numbers_named_an_id_type_or_region_are_codes_but_counts_stay_numeric(tmp_path):
    """KKBox's `payment_method_id` (1-41) read as a measure gave "payment_method_id 17
    (typical 38)": a name whose last word names a code reads as one; a count does not."""
    customers = customers_frame().assign(
        payment_method_id=[41, 17, 38, 17],
        plan_type=[1, 2, 1, 3],
        RegionID=[4, 8, 8, 2],
        tenure_months=[3, 12, 1, 5],
        category_count=[2, 5, 1, 3],
    )
    names = ["payment_method_id", "plan_type", "RegionID", "tenure_months", "category_count"]
    specs = {"customers": {"attributes": [*names, "seats"]}}
    tables, report = check(tmp_path, customers=customers, specs=specs)
    assert tables is not None and report.errors == []
    kinds = {name: tables.attributes[name] for name in [*names, "seats"]}
    assert kinds == {
        "payment_method_id": "categorical",
        "plan_type": "categorical",
        "RegionID": "categorical",
        "tenure_months": "numeric",
        "category_count": "numeric",
        "seats": "numeric",
    }
    assert list(tables.customers["payment_method_id"]) == ["41", "17", "38", "17"]
    warned = {w.column for w in report.warnings if "named a code" in w.message}
    assert warned == {"payment_method_id", "plan_type", "RegionID"}


def test_whole_numbers_named_as_a_party_are_codes_but_its_flag_and_measures_stay(tmp_path):
    """A hotel's `agent` and `company` (ids of travel agents and companies) gave 995
    reasons such as "agent 240 (typical 196)"; `company_size` measures, and Telco's
    `Partner` written 0/1 is a flag."""
    customers = customers_frame().assign(
        agent=[240, 196, 9, 240],
        company=[40, None, 40, 67],
        company_size=[10, 250, 10, 40],
        Partner=[0, 1, 1, 0],
    )
    names = ["agent", "company", "company_size", "Partner"]
    tables, report = check(
        tmp_path, customers=customers, specs={"customers": {"attributes": names}}
    )
    assert tables is not None and report.errors == []
    kinds = {name: tables.attributes[name] for name in names}
    assert kinds == {
        "agent": "categorical",
        "company": "categorical",
        "company_size": "numeric",
        "Partner": "numeric",
    }
    assert list(tables.customers["agent"]) == ["240", "196", "9", "240"]
    warned = {w.column for w in report.warnings if "named a code" in w.message}
    assert warned == {"agent", "company"}


def test_an_attribute_of_dates_is_left_out_with_a_warning_unless_declared(tmp_path):
    """Customer.csv's `DOB` read as a category gave 4,056 levels a scored customer's
    date was rarely one of: left out of the model, said once; a month ('2024-01') is a
    period, a level; declared categorical, the dates stay levels."""
    customers = customers_frame().assign(
        DOB=["1970-01-02", "1981-11-30", None, "1990-02-14"],
        cohort=["2024-01", "2024-02", "2024-01", "2024-03"],
    )
    specs = {"customers": {"attributes": ["DOB", "cohort", "region"]}}
    tables, report = check(tmp_path, customers=customers, specs=specs)
    assert tables is not None and report.errors == []
    assert "DOB" not in tables.attributes and "DOB" not in tables.customers
    assert "DOB" not in build_features(tables, cutoffs="2024-12-31")
    assert tables.attributes["cohort"] == "categorical"
    warning = only_warning(report)
    assert_located(warning, file="customers.csv", column="DOB", rows=3)
    assert "holds dates in 3 rows, e.g. '1970-01-02'" in warning.message
    assert "3 levels" in warning.message and "left out of the model" in warning.message
    assert "no feature is made of a birth date: an age column" in warning.message
    _, report = check(
        tmp_path,
        customers=customers.rename(columns={"DOB": "joined"}),
        specs={"customers": {"attributes": ["joined", "cohort", "region"]}},
    )
    assert "declare it categorical to keep it as levels" in only_warning(report).message
    kept = {"customers": {"attributes": {"DOB": "categorical"}}}
    tables, report = check(tmp_path, customers=customers, specs=kept)
    assert tables.attributes["DOB"] == "categorical" and report.warnings == []
    one_day = customers.assign(DOB="2014-06-30")
    _, report = check(tmp_path, customers=one_day, specs=specs)
    assert "a category, 1 level a later customer's date" in only_warning(report).message
    seen = [f"2023-0{m}-0{m}T18:16:00.230" for m in (1, 2, 3, 4)]  # a dump's LastAccessDate
    _, report = check(tmp_path, customers=customers.assign(DOB=seen), specs=specs)
    assert "holds dates in 4 rows, e.g. '2023-01-01T18:16:00.230'" in only_warning(report).message


def test_whole_numbers_read_as_levels_lose_their_decimal_point(tmp_path):
    """A Parquet column of codes with a blank is float: '415.0' was a level that a posted
    415, or a CSV extract's '415', never matched."""
    customers = customers_frame().assign(**{"Area code": [415.0, None, 510.0, 408.0]})
    specs = {"customers": {"attributes": {"Area code": None, "seats": "categorical"}}}
    tables = load(tmp_path, fmt="parquet", customers=customers, specs=specs)
    assert tables.attributes["Area code"] == "categorical"
    assert tables.customers["Area code"].tolist()[::2] == ["415", "510"]
    assert tables.customers["Area code"].isna().tolist() == [False, True, False, False]
    assert list(tables.customers["seats"]) == ["3", "10", "1", "5"]


def test_an_attribute_without_values_is_a_warning(tmp_path):
    tables, report = check(tmp_path, customers=customers_frame().assign(region=None))
    assert tables is not None
    assert_located(only_warning(report), file="customers.csv", column="region", rows=4)


def test_attribute_kinds_can_be_overridden_and_keep_leading_zeros(tmp_path):
    customers = customers_frame().assign(zip=["02134", "10001", None, "94105"])
    specs = {"customers": {"attributes": {"seats": "categorical", "zip": None, "region": None}}}
    tables = load(tmp_path, customers=customers, specs=specs)
    assert tables.attributes == {"seats": "categorical", "zip": "numeric", "region": "categorical"}
    assert list(tables.customers["seats"]) == ["3", "10", "1", "5"]
    specs["customers"]["attributes"]["zip"] = "categorical"
    tables = load(tmp_path, customers=customers, specs=specs)
    assert tables.customers["zip"].iloc[0] == "02134"
    assert tables.customers["zip"].isna().iloc[2]


def test_blank_strings_in_numeric_columns_are_missing_not_errors(tmp_path):
    customers = customers_frame().astype({"wallet": "object", "seats": "object"})
    customers.loc[0, "wallet"] = "  "
    customers.loc[1, "seats"] = ""
    tables, report = check(tmp_path, customers=customers)
    assert report.issues == [] and tables is not None
    assert tables.customers["wallet"].isna().tolist() == [True, False, False, False]
    assert tables.attributes["seats"] == "numeric"


def test_non_numeric_values_in_a_number_column_are_errors(tmp_path):
    customers = customers_frame().astype({"wallet": "object"})
    customers.loc[[1, 3], "wallet"] = "n/a?"
    _, report = check(tmp_path, customers=customers)
    issue = only_error(report)
    assert_located(issue, file="customers.csv", column="wallet", rows=2)
    assert "'n/a?'" in issue.message


def test_configured_missing_values_read_as_blanks_in_text_and_number_columns(tmp_path):
    customers = customers_frame().astype({"wallet": "object", "region": "object"})
    customers.loc[0, "wallet"] = " ? "  # so the column is read as text
    customers.loc[1, "region"] = "unknown"
    customers.loc[2, "seats"] = -1
    customers.loc[3, "wallet"] = "-1.0"  # a float column's spelling of the -1 placeholder
    specs = {"customers": {"missing_values": ["?", "unknown", -1, 1]}}  # id 1 stays an id
    tables, report = check(tmp_path, customers=customers, specs=specs)
    assert report.issues == [] and tables is not None
    assert tables.customers["customer_id"].tolist() == [1, 2, 3, 4]
    assert tables.customers["wallet"].isna().tolist() == [True, False, False, True]
    assert tables.customers["region"].isna().tolist() == [False, True, False, False]
    assert tables.customers["seats"].isna().tolist() == [False, False, True, False]
    assert tables.attributes == {"region": "categorical", "seats": "numeric"}


def test_missing_values_per_column_apply_to_that_column_only(tmp_path):
    """An age of 0 is unknown, a seat count of 0 is not: {seats: [0]} blanks no wallet."""
    customers = customers_frame().assign(wallet=[0.0, 1200.0, 300.0, 800.0])
    customers.loc[1, "seats"] = 0
    specs = {"customers": {"missing_values": {"seats": [0], "region": ["east"]}}}
    tables, report = check(tmp_path, customers=customers, specs=specs)
    assert report.issues == [] and tables is not None
    assert tables.customers["seats"].isna().tolist() == [False, True, False, False]
    assert tables.customers["region"].isna().tolist() == [False, False, False, True]
    assert tables.customers["wallet"].tolist()[0] == 0.0


def test_missing_values_for_a_column_not_read_is_an_error_naming_it(tmp_path):
    specs = {"customers": {"missing_values": {"age": [0]}}}
    _, report = check(tmp_path, specs=specs)
    assert "missing_values names column(s) not read: age" in only_error(report).message


def test_a_mostly_numeric_attribute_with_a_placeholder_warns_it_is_read_as_categorical(tmp_path):
    customers = pd.concat([customers_frame()] * 3, ignore_index=True)
    customers["customer_id"] = range(1, len(customers) + 1)
    customers = customers.astype({"seats": "object"})
    customers.loc[5, "seats"] = "?"
    tables, report = check(tmp_path, customers=customers)
    assert tables is not None and tables.attributes["seats"] == "categorical"
    issue = only_warning(report)
    assert_located(issue, file="customers.csv", column="seats", rows=1)
    assert "missing_values" in issue.message and "'?'" in issue.message


def _many_customers(seats: list) -> pd.DataFrame:
    customers = pd.concat([customers_frame()] * 8, ignore_index=True).head(len(seats))
    return customers.assign(customer_id=range(1, len(seats) + 1), seats=seats)


def test_a_few_placeholders_among_many_numbers_read_as_unknown_with_a_warning(tmp_path):
    """A telecom extract's 'unknown' in 30% of DroppedCalls: read as categorical, the
    model got a level per number; it is a numeric attribute with unknowns."""
    seats: list = [float(n) for n in range(21)] + ["unknown"] * 8 + ["?"]
    tables, report = check(tmp_path, customers=_many_customers(seats))
    assert tables is not None and tables.attributes["seats"] == "numeric"
    assert tables.customers["seats"].isna().sum() == 9
    assert tables.customers["seats"].max() == 20.0
    assert tables.unknown_texts == {"seats": ("?", "unknown")}
    issue = only_warning(report)
    assert_located(issue, file="customers.csv", column="seats", rows=9)
    assert "('unknown' in 8, '?' in 1), read as unknown" in issue.message
    assert "missing_values" in issue.message


@pytest.mark.parametrize(
    "seats",
    [
        [float(n % 3) for n in range(27)] + ["premium"] * 3,  # codes, not a quantity
        [float(n) for n in range(26)] + ["a", "b", "c", "d"],  # more than a few texts
        [float(n) for n in range(10)] + ["gold", "silver", "bronze"] * 7,  # mostly levels
    ],
)
def test_texts_that_are_no_placeholders_keep_the_attribute_categorical(tmp_path, seats):
    tables, _ = check(tmp_path, customers=_many_customers(seats))
    assert tables is not None and tables.attributes["seats"] == "categorical"
    assert tables.unknown_texts == {}


def test_a_placeholder_in_most_rows_beside_many_numbers_is_named_in_a_warning(tmp_path):
    """Cell2Cell's HandsetPrice: 'Unknown' in 57% beside its prices is read as
    categorical (a few texts in most rows may be levels), but no longer without a word."""
    seats: list = [float(n) for n in range(12)] + ["Unknown"] * 18
    tables, report = check(tmp_path, customers=_many_customers(seats))
    assert tables is not None and tables.attributes["seats"] == "categorical"
    issue = only_warning(report)
    assert_located(issue, file="customers.csv", column="seats", rows=18)
    assert "read as categorical (if such values mean unknown, list them in missing_values" in (
        issue.message
    )


def test_attribute_values_differing_only_in_case_are_one_level_with_a_warning(tmp_path):
    customers = customers_frame().astype({"region": "object"})
    customers["region"] = ["North", "north", "north ", "south"]  # most rows spell 'north'
    tables, report = check(tmp_path, customers=customers)
    assert tables is not None
    assert tables.customers["region"].tolist() == ["north", "north", "north", "south"]
    issue = only_warning(report)
    assert_located(issue, file="customers.csv", column="region", rows=1)
    assert "'North' as 'north'" in issue.message


def test_words_in_several_cases_are_folded_but_case_sensitive_codes_are_not(tmp_path):
    """Orange's opaque codes ('6JvJ', '6Jvj') are different codes: read as one level,
    they were merged; 'Yes' and 'YES' are one word typed twice."""
    codes = ["6JvJ", "6Jvj", "me75fM6ugJ", "LAsR", "Lasr", "jySVZ", "6JvJ", "SvZc"]
    words = ["Yes", "YES", "yes", "No", "Two Year", "two year", "Yes", "no"]
    n = len(codes)
    customers = pd.DataFrame(
        {"customer_id": range(1, n + 1), "code": codes, "answer": words, "seats": range(n)}
    )
    specs = {
        "customers": {"columns": {"customer_id": "customer_id"}, "attributes": ["code", "answer"]}
    }
    tables, report = check(tmp_path, customers=customers, specs=specs)
    assert tables.customers["code"].tolist() == codes
    assert tables.customers["answer"].tolist() == [
        "Yes", "Yes", "Yes", "No", "Two Year", "Two Year", "Yes", "No"
    ]  # fmt: skip
    assert [w.column for w in report.warnings if "only in case" in w.message] == ["answer"]


def test_names_matching_no_attribute_under_attributes_all_are_warned(tmp_path):
    """Under `attributes: all` the names were checked against nothing: a typo in
    segments or attribute_words did nothing without a word."""
    people = customers_frame().assign(note=[f"free text {i}" for i in range(4)])
    specs = {
        "customers": {
            "columns": {},
            "attributes": "all",
            "not_attributes": ["note", "notee"],
            "segments": ["regio"],
            "attribute_words": {"seats": "licensed seats", "Var9": "x", "note": "a note"},
        }
    }
    _, report = check(tmp_path, customers=people, specs=specs)
    said = [w.message for w in report.warnings if "names no attribute" in w.message]
    assert said == [
        "data.customers.segments names no attribute: regio (did you mean 'region'?): ignored",
        "data.customers.attribute_words names no attribute: Var9, note (a column left out "
        "of the attributes): ignored",
    ]
    (typo,) = [w.message for w in report.warnings if "not_attributes" in w.message]
    assert typo == (
        "data.customers.not_attributes names no column: notee (did you mean 'note'?): "
        "nothing left out by it"
    )


def test_not_attributes_patterns_leave_out_every_column_they_match_case_as_written(tmp_path):
    """A telecom snapshot's 54 month-9 columns (the future of its label) were typed one
    by one; `*_9` names them all. A pattern matching nothing (another case) is said."""
    people = customers_frame().assign(
        arpu_8=[1.0, 2.0, 3.0, 4.0], arpu_9=[1.5, 2.5, 3.5, 4.5], onnet_9=[1, 2, 3, 4]
    )
    people["sep_vbc_3g"] = [0.0, 1.0, 0.0, 2.0]
    not_attributes = ["*_9", "sep_*", "Region*"]
    specs = {"customers": {"columns": {}, "attributes": "all", "not_attributes": not_attributes}}
    tables, report = check(tmp_path, customers=people, specs=specs)
    assert tables is not None
    assert set(tables.attributes) == {"region", "seats", "arpu_8"}
    (said,) = [w.message for w in report.warnings if "not_attributes" in w.message]
    assert said == (
        "data.customers.not_attributes names no column: Region* (a pattern matching no "
        "column): nothing left out by it"
    )


def test_a_not_attribute_spelt_like_a_column_read_is_an_error(tmp_path):
    """`arpu9` for `arpu_9`, one warning among 21, left a leaking column in the model."""
    people = customers_frame().assign(arpu_8=[1.0, 2.0, 3.0, 4.0], arpu_9=[1.5, 2.5, 3.5, 4.5])
    specs = {"customers": {"columns": {}, "attributes": "all", "not_attributes": ["arpu9"]}}
    tables, report = check(tmp_path, customers=people, specs=specs)
    assert tables is None
    issue = only_error(report)
    assert_located(issue, file="customers.csv", column=None, rows=0)
    assert issue.message == (
        "data.customers.not_attributes names no column: arpu9 (did you mean 'arpu_9'?): "
        "the column meant would go into the model; spell it as the file does"
    )
    # scoring for a trained model: its attributes are fixed, the extract's names may differ
    config = load_config(tmp_path / "churn.yaml")
    tables, report = validate(config, model_attributes={"arpu_8": "numeric"})
    assert tables is not None and report.errors == []
    assert any("arpu9 (did you mean 'arpu_9'?)" in w.message for w in report.warnings)


@pytest.mark.parametrize(
    ("entries", "said"),
    [
        (["arpu_10"], "arpu_10"),  # arpu_8 is another month, not a misspelling
        (["arpu9", "*_9"], "arpu9 (did you mean 'arpu_9'?)"),  # arpu_9 is left out anyway
    ],
)
def test_a_not_attribute_naming_no_column_read_is_a_warning(tmp_path, entries, said):
    """A scoring extract may lack a column the training file had: no error then."""
    people = customers_frame().assign(arpu_8=[1.0, 2.0, 3.0, 4.0], arpu_9=[1.5, 2.5, 3.5, 4.5])
    specs = {"customers": {"columns": {}, "attributes": "all", "not_attributes": entries}}
    tables, report = check(tmp_path, customers=people, specs=specs)
    assert tables is not None and report.errors == []
    (warned,) = [w.message for w in report.warnings if "not_attributes" in w.message]
    assert (
        warned == f"data.customers.not_attributes names no column: {said}: nothing left out by it"
    )


def test_lines_repeated_in_every_column_with_an_order_id_are_kept_with_a_warning(tmp_path):
    lines = transactions_frame().assign(order_id=[f"o{i}" for i in range(8)])
    lines = pd.concat([lines, lines.iloc[[0, 3]]], ignore_index=True)
    specs = {"transactions": {"columns": {"order_id": "order_id"}}}
    tables, report = check(tmp_path, transactions=lines, specs=specs)
    assert tables is not None and len(tables.transactions) == 10
    issue = only_warning(report)
    assert_located(issue, file="transactions.csv", column="order_id", rows=2)
    assert "columns not read, a product code say, may still tell them apart" in issue.message
    specs["transactions"]["columns"]["category"] = "category"  # its product codes are read
    _, report = check(tmp_path, transactions=lines, specs=specs)
    assert "columns not read may still tell them apart" in only_warning(report).message


def test_lines_that_differ_in_a_lookups_key_do_not_repeat(tmp_path):
    """AdventureWorks reads its category through ProductKey: order SO64042's products 528
    and 477, both 4.99 Accessories, were said to repeat another line in every column read.
    A lookup's key is read: only the line doubled with its product too is said."""
    lines = transactions_frame().drop(columns="category")
    lines = lines.assign(order_id=[f"o{i}" for i in range(8)], sku=[10, 11, 10, 12, 10, 11, 13, 10])
    other_product = lines.iloc[[0]].assign(sku=11)  # the same aisle, another product
    lines = pd.concat([lines, other_product, lines.iloc[[3]]], ignore_index=True)
    products = pd.DataFrame({"sku": [10, 11, 12, 13], "aisle": ["dairy", "dairy", "bakery", "x"]})
    write_table(products, tmp_path / "data" / "products.csv")
    lookup = {"path": "data/products.csv", "on": "sku", "columns": ["aisle"]}
    spec = {"columns": {"order_id": "order_id", "category": "aisle"}, "lookup": lookup}
    tables, report = check(tmp_path, transactions=lines, specs={"transactions": spec})
    assert tables is not None and len(tables.transactions) == 10
    issue = only_warning(report)
    assert_located(issue, file="transactions.csv", column="order_id", rows=1)
    assert issue.message.startswith("1 row repeats another line in every column read")


def test_an_order_id_beside_ignored_lines_loads(tmp_path):
    """Lines already ignored (a guest line without a customer id) are left out of the
    repeat check: with pandas' read-only arrays this once crashed every command."""
    lines = many_transactions(40).assign(order_id=[f"o{i}" for i in range(40)])
    lines["customer_id"] = lines["customer_id"].astype(object)
    lines.loc[3, "customer_id"] = None
    specs = {"transactions": {"columns": {"order_id": "order_id"}}}
    tables, report = check(tmp_path, transactions=lines, specs=specs)
    assert report.errors == [] and tables is not None and len(tables.transactions) == 39


def test_text_listed_as_not_missing_is_a_value_not_a_blank(tmp_path):
    customers = customers_frame().astype({"region": "object"})
    customers["region"] = ["NA", "EU", None, "NA"]
    tables = load(tmp_path, customers=customers)
    assert tables.customers["region"].isna().tolist() == [True, False, True, True]
    specs = {"customers": {"not_missing": ["NA"]}}
    tables = load(tmp_path, customers=customers, specs=specs)
    assert tables.customers["region"].tolist()[:2] == ["NA", "EU"]
    assert tables.customers["region"].isna().tolist() == [False, False, True, False]


NA_CODES = (
    "'NA' read as blank in 2 rows; the column's other values are codes like EMEA, APAC: "
    "if NA is one of them (North America), set not_missing: [NA]"
)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_na_beside_codes_is_named_in_a_warning_but_not_beside_numbers_or_prose(tmp_path, fmt):
    """Kaggle's sales data hold NA (North America) in 38% of TERRITORY beside EMEA and
    APAC: read as blank without a word. Beside numbers or sentences NA means unknown."""
    customers = customers_frame().assign(
        territory=["NA", "EMEA", "APAC", "NA"],
        age=["NA", "41", "35", "52"],
        note=["NA", "called twice about a late delivery", "asked for a refund by mail", "NA"],
    )
    attributes = ["territory", "age", "note"]
    specs = {"customers": {"attributes": attributes}}
    tables, report = check(tmp_path, fmt=fmt, customers=customers, specs=specs)
    assert tables is not None and tables.customers["territory"].isna().sum() == 2
    warning = only_warning(report)
    assert_located(warning, file=f"customers.{fmt}", column="territory", rows=2)
    assert warning.message == NA_CODES
    (summary,) = [t for t in report.tables if t.name == "customers"]
    assert summary.missing_rates["territory"] == 0.5
    for kept in ({"not_missing": ["NA"]}, {"missing_values": {"territory": ["NA"]}}):
        specs = {"customers": {"attributes": attributes, **kept}}
        _, report = check(tmp_path, fmt=fmt, customers=customers, specs=specs)
        assert not [w for w in report.warnings if w.column == "territory"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_none_beside_codes_is_named_in_a_warning_too(tmp_path, fmt):
    """IBM Telco's `Offer` holds None (no offer) in 55% of rows beside Offer A to E: read
    as blank without a word, its customers could not be picked by `--segment`."""
    customers = customers_frame().assign(offer=["None", "Offer B", "None", "Offer A"])
    specs = {"customers": {"attributes": ["offer"]}}
    tables, report = check(tmp_path, fmt=fmt, customers=customers, specs=specs)
    assert tables is not None and tables.customers["offer"].isna().sum() == 2
    warning = only_warning(report)
    assert_located(warning, file=f"customers.{fmt}", column="offer", rows=2)
    assert warning.message == (
        "'None' read as blank in 2 rows; the column's other values are codes like Offer B, "
        "Offer A: if None is one of them (no offer, no internet), set not_missing: [None]"
    )
    specs = {"customers": {"attributes": ["offer"], "not_missing": ["None"]}}
    tables, report = check(tmp_path, fmt=fmt, customers=customers, specs=specs)
    assert not report.warnings and tables.customers["offer"].tolist()[0] == "None"


def test_na_codes_of_an_attribute_a_log_carries_count_in_its_missing_rate(tmp_path):
    """TERRITORY on every sales line: warned about, and its blanks shown in the
    transactions' missing values (they showed '-')."""
    lines = transactions_frame().assign(territory=["NA", "EMEA", "NA", "APAC"] * 2)
    specs = {"transactions": {"attributes": ["territory"]}}
    _, report = check(tmp_path, transactions=lines, specs=specs)
    (warning,) = [w for w in report.warnings if w.column == "territory"]
    assert warning.rows == 4 and warning.message == NA_CODES.replace("2 rows", "4 rows")
    (summary,) = [t for t in report.tables if t.name == "transactions"]
    assert summary.missing_rates["territory"] == 0.5


def test_integer_ids_in_every_table_become_int64(tmp_path):
    customers = customers_frame().astype({"customer_id": "float64"})  # e.g. Parquet from Excel
    tables = load(tmp_path, fmt="parquet", customers=customers)
    assert tables.customers["customer_id"].dtype == "int64"
    assert tables.events["customer_id"].dtype == "int64"


def test_ids_written_as_whole_floats_match_the_same_ids_written_plainly(tmp_path):
    """A transactions CSV exported from a frame whose blank ids made them float has
    '2.0' where the customers table has '2': the same customer."""
    transactions = transactions_frame().astype({"customer_id": "float64"})
    transactions.loc[3, "customer_id"] = None  # a guest checkout
    transactions.to_csv(tmp_path / "check.csv", index=False)
    assert "2.0" in (tmp_path / "check.csv").read_text()
    tables, report = check(tmp_path, transactions=transactions)
    assert report.errors == [] and tables is not None
    assert tables.transactions["customer_id"].dtype == "int64"
    assert len(tables.transactions) == 7 and set(tables.transactions["customer_id"]) == {1, 2, 3, 4}


def test_one_table_with_text_ids_makes_every_id_a_stripped_string(tmp_path):
    events = events_frame().astype({"customer_id": "str"})
    events.loc[0, "customer_id"] = " 1 "
    customers = customers_frame().astype({"customer_id": "str"})
    customers.loc[3, "customer_id"] = "004"  # leading zero: not an integer id
    transactions = transactions_frame().astype({"customer_id": "str"})
    transactions["customer_id"] = transactions["customer_id"].replace("4", "004")
    events["customer_id"] = events["customer_id"].replace("4", "004")
    tables = load(tmp_path, customers=customers, events=events, transactions=transactions)
    assert list(tables.customers["customer_id"]) == ["004", "1", "2", "3"]
    for frame in (tables.customers, tables.transactions, tables.interactions):
        assert isinstance(frame["customer_id"].dtype, pd.StringDtype)
    assert set(tables.events["customer_id"]) == {"1", "2", "004"}


def test_one_number_written_with_and_without_leading_zeros_is_one_customer(tmp_path):
    """Two merged exports wrote Ta-Feng's '00141833' as '141833' from January on: kept
    apart, every padded id "stopped" on Jan 1 and the churn rate read 97.5%, not 64.6%."""
    transactions = transactions_frame().astype({"customer_id": "str"})
    transactions["customer_id"] = "000" + transactions["customer_id"]
    later = transactions.index[-3:]  # the second export: the zeros lost
    transactions.loc[later, "customer_id"] = transactions.loc[later, "customer_id"].str[3:]
    others = dict.fromkeys(("customers", "events", "interactions", "cancellations"))
    tables, report = check(tmp_path, transactions=transactions, **others)
    assert report.errors == [] and tables is not None
    # customer 4 bought only in the second export: nothing to tell its id apart from
    assert set(tables.transactions["customer_id"]) == {"0001", "0002", "0003", "4"}
    merged = [i for i in report.warnings if "leading zeros" in i.message]
    assert len(merged) == 1 and merged[0].rows == 2, [str(i) for i in report.warnings]
    assert merged[0].message.startswith("2 ids in 2 rows are the same number")
    assert re.search(r"e\.g\. '([13])' and '000\1'", merged[0].message)
    assert tables.transactions.equals(tables.transactions.sort_values(["customer_id", "timestamp"]))


@pytest.mark.parametrize(
    ("written", "unit"),
    [
        (lambda t: t.dt.strftime("%Y%m%d").astype(int), None),
        (lambda t: (t - pd.Timestamp(0)) // pd.Timedelta("1s"), "s"),
        (lambda t: (t - pd.Timestamp(0)) // pd.Timedelta("1ms"), "ms"),
        (lambda t: (t - pd.Timestamp("1899-12-30")).dt.days, "spreadsheet"),
    ],
)
def test_numeric_timestamps_are_yyyymmdd_or_unix_time(tmp_path, written, unit):
    """Logs and spreadsheets write dates as numbers: 20240203, day serials (45325), or
    Unix time (the unit told by the size)."""
    stamps = pd.to_datetime(pd.Series(["2024-02-03", "2024-02-04", "2024-01-20", "2024-07-01"]))
    events = events_frame().assign(timestamp=written(stamps))
    tables, report = check(tmp_path, events=events)
    assert report.errors == [] and tables is not None
    expected = sorted(stamps)
    assert sorted(tables.events["timestamp"]) == expected
    notes = [w.message for w in report.warnings if w.table == "events"]
    if unit == "spreadsheet":
        assert notes == ["numbers read as spreadsheet day serials (4 rows)"]
    else:
        assert notes == ([f"numbers read as Unix time in {unit} (4 rows)"] if unit else [])


def test_unix_times_read_as_text_are_still_unix_times(tmp_path):
    """A blank among Unix seconds, or a '$1,234.00' amount elsewhere in the file, makes
    the fast reader give up and every column come as text: a Stripe export's
    `canceled_at` then read 'not a date in 2,601 rows'."""
    lines = transactions_frame()
    times = pd.to_datetime(lines["timestamp"], format="ISO8601")
    seconds = (times - pd.Timestamp(0)) // pd.Timedelta("1s")
    priced = lines.assign(timestamp=seconds, amount=["$1,234.00"] + ["7.50"] * 7)
    cancelled = pd.Series([pd.Timestamp("2024-09-30"), None])
    cancellations = pd.DataFrame(
        {"customer_id": [3, 1], "timestamp": (cancelled - pd.Timestamp(0)) // pd.Timedelta("1s")}
    )
    tables = load(tmp_path, transactions=priced, cancellations=cancellations)
    assert sorted(tables.transactions["timestamp"]) == sorted(times)
    assert tables.transactions["amount"].max() == 1234.0
    assert list(tables.cancellations["timestamp"]) == [pd.Timestamp("2024-09-30")]


def test_small_numbers_are_no_dates_unless_a_day_origin_says_so(tmp_path):
    """dunnhumby's DAY (1 to 711) read as seconds after 1970: every purchase on
    1970-01-01 and 'data OK'. An error naming day_origin; with it, days after it."""
    events = events_frame().assign(timestamp=[1, 711, 35, 400])
    tables, report = check(tmp_path, events=events)
    issue = only_error(report)
    assert_located(issue, file="events.csv", column="timestamp", rows=4)
    assert "numbers from 1 to 711 in 4 rows are no dates" in issue.message
    assert "set the table's day_origin" in issue.message
    tables = load(tmp_path, events=events, specs={"events": {"day_origin": "2023-01-01"}})
    days = sorted(tables.events["timestamp"])
    assert days[0] == pd.Timestamp("2023-01-02") and days[-1] == pd.Timestamp("2024-12-12")


def test_years_alone_mapped_as_the_time_are_said_to_be_years(tmp_path):
    """A tagging log's `year` column mapped as its timestamp read "numbers from 1,956 to
    2,011 ... day numbers?": years, to be joined with their months and days."""
    events = events_frame().assign(timestamp=[2009, 2011, 1956, 2010])
    _, report = check(tmp_path, events=events)
    said = only_error(report).message
    assert "numbers from 1956 to 2011 in 4 rows are no dates" in said
    assert "years alone? a timestamp wants a date" in said


def test_hours_from_a_day_origin_are_read_with_time_unit(tmp_path):
    """Starbucks' `time` counts hours (0 to 714 over 30 days): following the error's
    advice, day_origin alone read its month as two years, with "data OK"."""
    events = events_frame().assign(timestamp=[0, 714, 6, 30])
    tables, report = check(tmp_path, events=events)
    assert "time_unit: hours where they count hours" in only_error(report).message
    hours = {"events": {"day_origin": "2018-07-27", "time_unit": "hours"}}
    tables = load(tmp_path, events=events, specs=hours)
    read = sorted(tables.events["timestamp"])
    assert read[0] == pd.Timestamp("2018-07-27") and read[-1] == pd.Timestamp("2018-08-25 18:00")
    with pytest.raises(ConfigError, match="time_unit: hours counts from a day_origin"):
        load(tmp_path, events=events, specs={"events": {"time_unit": "hours"}})


def test_a_day_origin_on_unix_times_or_yyyymmdd_is_told_to_go(tmp_path):
    """A wrong day_origin on a Sparkify log's Unix seconds said 'day numbers beyond
    106,000' and no more: the error says what the numbers read as without it."""
    seconds = [1538367702, 1538380000, 1538400000, 1538500000]
    origin = {"events": {"day_origin": "2018-01-01"}}
    issue = only_error(
        check(tmp_path, events=events_frame().assign(timestamp=seconds), specs=origin)[1]
    )
    assert_located(issue, file="events.csv", column="timestamp", rows=4)
    assert issue.message == (
        "day numbers beyond 106,000 (290 years from day_origin) in 4 rows, e.g. 1538367702: "
        "these read as Unix time in s (that one as 2018-10-01 04:21:42): remove day_origin"
    )
    mixed = [1538367702000, 1538367702, 1538367703, 1538367709]  # ms beside seconds
    issue = only_error(
        check(tmp_path, events=events_frame().assign(timestamp=mixed), specs=origin)[1]
    )  # a traceback: the example read in seconds lies past pandas' dates
    assert issue.message.endswith(
        "e.g. 1538367702000: these read as Unix time in s: remove day_origin"
    )
    days = [20240203, 20240204, 20240120, 20240701]
    issue = only_error(
        check(tmp_path, events=events_frame().assign(timestamp=days), specs=origin)[1]
    )
    assert issue.message.endswith(
        "e.g. 20240203: these read as dates written YYYYMMDD (that one as 2024-02-03): "
        "remove day_origin"
    )


def test_yymmdd_numbers_are_told_to_set_a_two_digit_year_format(tmp_path):
    """The Czech bank PKDD'99 log writes 930101: the error advised day_origin, which
    would have misread every date, and a blank-signup warning contradicted it."""
    signups = pd.to_datetime(customers_frame()["signup_date"])
    customers = customers_frame().assign(signup_date=signups.dt.strftime("%y%m%d").astype(int))
    _, report = check(tmp_path, customers=customers)
    issue = only_error(report)
    assert_located(issue, file="customers.csv", column="signup_date", rows=4)
    assert "set the table's date_format to '%y%m%d', which reads 240201 as 2024-02-01" in (
        issue.message
    )
    assert "day_origin" not in issue.message
    assert not [w for w in report.warnings if w.column == "signup_date"]
    tables = load(tmp_path, customers=customers, specs={"customers": {"date_format": "%y%m%d"}})
    assert list(tables.customers["signup_date"]) == list(signups)


def test_a_four_digit_year_format_on_two_digit_years_is_told(tmp_path):
    """'%Y%m%d' reads 930101 as the year 9301: the error says two-digit years read by %y."""
    stamps = pd.to_datetime(events_frame()["timestamp"])
    events = events_frame().assign(timestamp=stamps.dt.strftime("%y%m%d"))
    _, report = check(tmp_path, events=events, specs={"events": {"date_format": "%Y%m%d"}})
    assert any(
        "(two-digit years? date_format '%y%m%d' reads them)" in issue.message
        for issue in report.errors
    ), [str(issue) for issue in report.errors]


@pytest.mark.parametrize("priced", [False, True])
def test_digit_dates_in_a_date_format_keep_their_leading_zeros(tmp_path, priced):
    """'01022024' in %d%m%Y is 1 February, also when a '$1,234.00' sends the file to the
    text reader (it read 10 February, silently)."""
    lines = transactions_frame()
    stamps = pd.to_datetime(lines["timestamp"], format="ISO8601").dt.normalize()
    written = lines.assign(timestamp=stamps.dt.strftime("%d%m%Y"))
    if priced:
        written = written.assign(amount=["$1,234.00"] + ["7.50"] * 7)
    path = tmp_path / "data" / "transactions.csv"
    path.parent.mkdir(parents=True)
    written.to_csv(path, index=False)
    config = write_dataset(tmp_path, specs={"transactions": {"date_format": "%d%m%Y"}})
    path.write_text(written.to_csv(index=False))  # write_dataset wrote the default frame
    tables, report = validate(load_config(config))
    assert report.errors == [] and tables is not None, [str(i) for i in report.errors]
    assert sorted(tables.transactions["timestamp"]) == sorted(stamps)


def test_a_date_format_with_a_utc_offset_is_accepted(tmp_path):
    events = events_frame().assign(
        timestamp=["2024-01-15T00:00:00+0200", "2024-02-04T10:00:00+0000"] * 2
    )
    tables = load(tmp_path, events=events, specs={"events": {"date_format": "%Y-%m-%dT%H:%M:%S%z"}})
    assert pd.Timestamp("2024-01-14 22:00") in set(tables.events["timestamp"])


def test_a_one_column_file_headed_with_a_space_is_not_split(tmp_path):
    customers = pd.DataFrame({"Customer ID": [1, 2, 3, 4]})
    tables = load(
        tmp_path,
        customers=customers,
        specs={"customers": {"columns": {"customer_id": "Customer ID"}, "attributes": []}},
    )
    assert sorted(tables.customers["customer_id"]) == [1, 2, 3, 4]


def test_day_numbers_too_far_from_the_origin_are_errors_not_a_crash(tmp_path):
    events = events_frame().assign(timestamp=[1, 10**12, 35, 400])
    _, report = check(tmp_path, events=events, specs={"events": {"day_origin": "2023-01-01"}})
    issue = only_error(report)
    assert_located(issue, file="events.csv", column="timestamp", rows=1)
    assert "day numbers beyond 106,000" in issue.message


def _with_products(tmp_path: Path, products: pd.DataFrame, **lookup) -> tuple:
    """Transactions whose category lives in a product table (dunnhumby's product.csv)."""
    lines = (
        transactions_frame().drop(columns="category").assign(sku=[10, 11, 10, 12, 10, 11, 13, 99])
    )
    write_table(products, tmp_path / "data" / "products.csv")
    spec = {
        "columns": {"category": "aisle"},
        "lookup": {"path": "data/products.csv", "on": "sku", "columns": ["aisle"], **lookup},
    }
    return check(tmp_path, transactions=lines, specs={"transactions": spec})


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_a_category_in_a_product_table_is_joined_by_its_key(tmp_path, fmt):
    products = pd.DataFrame({"sku": [10, 11, 12, 13], "aisle": ["dairy", "bakery", "dairy", None]})
    if fmt != "csv":
        write_table(products, tmp_path / "data" / f"products.{fmt}")
    tables, report = _with_products(tmp_path, products, path=f"data/products.{fmt}")
    assert report.errors == [] and tables is not None, [str(i) for i in report.errors]
    lines = tables.transactions
    assert lines["category"].isna().sum() == 2  # sku 13's aisle is blank; sku 99 is no product
    assert set(lines["category"].dropna()) == {"dairy", "bakery"}
    (warning,) = [w for w in report.warnings if f"not in products.{fmt}" in w.message]
    assert warning.rows == 1 and "their aisle is blank" in warning.message


def test_lookup_keys_written_with_other_leading_zeros_are_joined_with_a_warning(tmp_path):
    """H&M's article ids are '0108775015' in its transactions; a lookup saved by a
    spreadsheet writes 108775015, and every category was blank with "data OK"."""
    products = pd.DataFrame(
        {"sku": ["010", "011", "0012", "13"], "aisle": ["dairy", "bakery", "dairy", "fruit"]}
    )
    tables, report = _with_products(tmp_path, products)
    assert report.errors == [] and tables is not None, [str(i) for i in report.errors]
    read = tables.transactions["category"].value_counts().to_dict()
    assert read == {"dairy": 4, "bakery": 2, "fruit": 1}  # skus 10 x3, 12; 11 x2; 13; not 99
    (joined,) = [w for w in report.warnings if "leading zeros" in w.message]
    assert joined.rows == 6 and "(e.g. '10' here): joined as the same keys" in joined.message
    (blank,) = [w for w in report.warnings if "not in products.csv" in w.message]
    assert blank.rows == 1  # sku 99


def test_a_lookup_matching_no_key_at_all_is_an_error_with_an_example_of_each(tmp_path):
    products = pd.DataFrame({"sku": ["A10", "A11", "A12"], "aisle": ["dairy", "bakery", "dairy"]})
    _, report = _with_products(tmp_path, products)
    issue = only_error(report)
    assert issue.rows == 8
    assert (
        "no sku of the table is in products.csv (e.g. '10' here, 'A10' there): are the keys "
        "written otherwise in the two files?" in issue.message
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_tables_not_missing_keeps_its_lookups_values_too(tmp_path, fmt):
    """IBM Telco's workbooks join onto the customers by lookups; `not_missing: [None]` kept
    the main file's 'None' (no offer) but its lookups' stayed blank."""
    products = pd.DataFrame({"sku": [10, 11, 12, 13], "aisle": ["None", "bakery", "dairy", "x"]})
    write_table(products, tmp_path / "data" / f"products.{fmt}")
    lines = (
        transactions_frame().drop(columns="category").assign(sku=[10, 11, 10, 12, 10, 11, 13, 13])
    )
    spec = {
        "columns": {"category": "aisle"},
        "lookup": {"path": f"data/products.{fmt}", "on": "sku", "columns": ["aisle"]},
    }
    tables, _ = check(tmp_path, transactions=lines, specs={"transactions": spec})
    assert tables is not None and tables.transactions["category"].isna().sum() == 3
    spec["not_missing"] = ["None"]
    tables, _ = check(tmp_path, transactions=lines, specs={"transactions": spec})
    assert tables is not None and tables.transactions["category"].isna().sum() == 0
    assert (tables.transactions["category"] == "None").sum() == 3


def test_an_issue_in_a_column_a_lookup_brings_names_the_lookups_file(tmp_path):
    """IBM Telco's City, Zip Code and coordinates come from its location workbook, joined
    onto the services one; warnings said they were the services workbook's columns."""
    people = customers_frame().assign(zone=[1, 2, 3, 4])
    write_table(
        pd.DataFrame({"zone": [1, 2, 3, 4], "Age": ["34", "abc", "51", "28"]}),
        tmp_path / "data" / "demographics.csv",
    )
    lookup = {"path": "data/demographics.csv", "on": "zone", "columns": ["Age"]}
    specs = {"customers": {"attributes": {"Age": "numeric"}, "lookup": lookup}}
    _, report = check(tmp_path, customers=people, specs=specs)
    (error,) = report.errors
    assert error.path.name == "demographics.csv" and error.column == "Age" and error.rows == 1
    assert str(error).startswith(
        f"{tmp_path / 'data' / 'demographics.csv'} (joined onto customers.csv), column 'Age': "
    )


def test_a_column_only_a_lookups_file_holds_names_the_lookup_to_add_it_to(tmp_path):
    """IBM Telco's label 'Customer Status' left out of its status lookup's columns: a
    bare "column not found" beside the services workbook's columns."""
    people = customers_frame().assign(zone=[1, 2, 3, 4])
    write_table(
        pd.DataFrame({"zone": [1, 2, 3, 4], "Age": [34, 40, 51, 28], "Status": ["a"] * 4}),
        tmp_path / "data" / "demographics.csv",
    )
    lookup = {"path": "data/demographics.csv", "on": "zone", "columns": ["Age"]}
    specs = {"customers": {"attributes": ["Status"], "lookup": lookup}}
    _, report = check(tmp_path, customers=people, specs=specs)
    (error,) = report.errors
    assert error.column == "Status" and error.message.startswith(
        "column not found (a column of lookup demographics.csv: add it to that lookup's columns)"
    )


def test_a_lookup_key_repeated_with_the_same_columns_is_one_row(tmp_path):
    """A retailer's category table has a row per subcategory: each category code repeats,
    its category name alike on every row, and the lookup of the name was refused."""
    products = pd.DataFrame(
        {"sku": [10, 10, 11, 12, 13], "aisle": ["dairy", "dairy", "bakery", "dairy", None]}
    )
    tables, report = _with_products(tmp_path, products)
    assert report.errors == [] and tables is not None, [str(i) for i in report.errors]
    assert set(tables.transactions["category"].dropna()) == {"dairy", "bakery"}


def test_a_lookup_headed_below_a_title_line_is_read_from_its_header(tmp_path):
    products = pd.DataFrame({"sku": [10, 11, 12, 13], "aisle": ["dairy", "bakery", "dairy", None]})
    path = tmp_path / "data" / "titled.csv"
    write_table(products, path).write_text("Products\n" + path.read_text())
    tables, report = _with_products(tmp_path, products, path="data/titled.csv")
    assert report.errors == [] and tables is not None
    assert set(tables.transactions["category"].dropna()) == {"dairy", "bakery"}


@pytest.mark.parametrize(
    ("products", "lookup", "said"),
    [
        (
            pd.DataFrame({"sku": [10, 10], "aisle": ["a", "b"]}),
            {},
            "2 rows share a sku, e.g. '10', with other aisle; a lookup holds one per key",
        ),
        (pd.DataFrame({"code": [10], "aisle": ["a"]}), {}, "no column sku; available: code, aisle"),
        (
            pd.DataFrame({"sku": [10], "aisle": ["a"]}),
            {"on": "item"},
            "the key 'item' is no column",
        ),
        (pd.DataFrame({"sku": [10], "aisle": ["a"]}), {"path": "data/nope.csv"}, "file not found"),
        (
            pd.DataFrame({"sku": [10], "amount": [1]}),
            {"columns": ["amount"]},
            "amount also a column",
        ),
    ],
)
def test_a_lookup_that_cannot_serve_is_an_error_naming_it(tmp_path, products, lookup, said):
    _, report = _with_products(tmp_path, products, **lookup)
    assert any(said in e.message for e in report.errors), [str(e) for e in report.errors]
    assert all(e.path.name == "transactions.csv" for e in report.errors)


def test_a_lookup_of_several_files_joins_their_rows(tmp_path):
    products = pd.DataFrame({"sku": [10, 11, 12, 13], "aisle": ["dairy", "bakery", "dairy", None]})
    _files(tmp_path, {"products_1.csv": products.iloc[:2], "products_2.csv": products.iloc[2:]})
    tables, report = _with_products(tmp_path, products, path="data/products_*.csv")
    assert report.errors == [] and tables is not None, [str(i) for i in report.errors]
    assert set(tables.transactions["category"].dropna()) == {"dairy", "bakery"}
    (unmatched,) = [w for w in report.warnings if "not in products_1.csv, products_2.csv" in str(w)]
    assert unmatched.rows == 1
    _, report = _with_products(tmp_path, products, path=["data/products_1.csv", "data/p3.csv"])
    said = only_error(report).message
    assert said == f"lookup p3.csv: file not found in {tmp_path / 'data'}"
    # a name like a file of the folder says it (a chips log's QVI_data.csv.gz)
    _, report = _with_products(tmp_path, products, path="data/products_1.csv.gz")
    assert only_error(report).message.endswith("(did you mean 'products_1.csv'?)")


def test_lookups_in_turn_reach_the_customer_through_the_orders(tmp_path):
    """Olist's order items name an order; the orders file names its customer per order,
    and the customers file the person (`customer_unique_id`): two lookups, the second
    keyed by what the first joined, with no join in pandas first."""
    own = transactions_frame()
    lines = own.drop(columns=["customer_id", "timestamp"]).assign(order=range(len(own)))
    orders = pd.DataFrame(
        {"order": range(len(own)), "buyer": own["customer_id"] + 100, "at": own["timestamp"]}
    )
    people = pd.DataFrame({"buyer": [101, 102, 103, 104], "person": [1, 2, 3, 4]})
    write_table(orders, tmp_path / "data" / "orders.csv")
    write_table(people, tmp_path / "data" / "people.csv")
    lookups = [
        {"path": "data/orders.csv", "on": "order", "columns": ["buyer", "at"]},
        {"path": "data/people.csv", "on": "buyer", "columns": ["person"]},
    ]
    spec = {"columns": {"customer_id": "person", "timestamp": "at"}, "lookup": lookups}
    tables, report = check(tmp_path, transactions=lines, specs={"transactions": spec})
    assert report.errors == [] and tables is not None, [str(i) for i in report.errors]
    read = tables.transactions.sort_values("amount")[["customer_id", "timestamp"]]
    expected = own.sort_values("amount")
    assert read["customer_id"].tolist() == expected["customer_id"].tolist()
    assert (
        read["timestamp"].tolist()
        == pd.to_datetime(expected["timestamp"], format="ISO8601").tolist()
    )


def test_a_lookup_key_misspelt_is_said_with_the_column_it_likely_means(tmp_path):
    """Chinook's third lookup keyed on 'Genre_Id' for the GenreId the second joined: the
    error said only that it was no column, where a column's error says which it means."""
    products = pd.DataFrame({"sku": [10, 11, 12, 13], "aisle": ["a", "b", "a", "c"]})
    _, report = _with_products(tmp_path, products, on="SKU_")
    (error,) = report.errors
    assert error.message == (
        "lookup products.csv: the key 'SKU_' is no column of transactions.csv (did you mean 'sku'?)"
    )
    _, report = _with_products(tmp_path, products, on="aisle_code")
    assert "(did you mean" not in report.errors[0].message  # nothing like it: no guess
    assert "`key`, as the lookup's file does where they differ" in report.errors[0].message


def test_a_lookup_without_keyed_rows_is_one_error_and_blank_keys_join_nothing(tmp_path):
    """A header-only lookup file had raised IndexError; two blank-key rows, 'cannot
    reindex on an axis with duplicate labels'."""
    empty = pd.DataFrame({"sku": pd.Series([], dtype=int), "aisle": pd.Series([], dtype=str)})
    _, report = _with_products(tmp_path, empty)
    assert only_error(report).message == "lookup products.csv holds no row with a sku"
    blanks = pd.DataFrame({"sku": [None, None, 10, 11], "aisle": ["x", "y", "dairy", "bakery"]})
    tables, report = _with_products(tmp_path, blanks)
    assert report.errors == [] and tables is not None
    assert tables.transactions["category"].value_counts().to_dict() == {"dairy": 3, "bakery": 2}


def test_a_lookup_key_named_otherwise_in_its_file_is_joined_by_key(tmp_path):
    """Starbucks' transcript names an offer `value.offer id`, its portfolio `id`: the key
    had to be named alike in both files, so the portfolio could not be joined."""
    products = pd.DataFrame({"product": [10, 11, 12, 13], "aisle": ["a", "b", "a", "c"]})
    tables, report = _with_products(tmp_path, products, key="product")
    assert report.errors == [] and tables is not None, [str(e) for e in report.errors]
    assert tables.transactions["category"].value_counts().to_dict() == {"a": 4, "b": 2, "c": 1}
    _, report = _with_products(tmp_path, products)  # `on: sku` alone: not in products.csv
    assert only_error(report).message.endswith(
        "If this file names the key otherwise, set the lookup's key to that name"
    )
    _, report = _with_products(tmp_path, products, key="prod")  # set, and still not there
    assert "set the lookup's key" not in only_error(report).message
    empty = products.head(0)
    _, report = _with_products(tmp_path, empty, key="product")  # errors name the file's key
    assert only_error(report).message == "lookup products.csv holds no row with a product"


def test_a_later_lookup_key_misspelt_names_the_earlier_lookups_too(tmp_path):
    lines = (
        transactions_frame().drop(columns="category").assign(sku=[10, 11, 10, 12, 10, 11, 13, 99])
    )
    products = pd.DataFrame({"sku": [10, 11, 12, 13, 99], "GenreId": [1, 2, 1, 2, 1]})
    genres = pd.DataFrame({"GenreId": [1, 2], "Name": ["Rock", "Jazz"]})
    write_table(products, tmp_path / "data" / "products.csv")
    write_table(genres, tmp_path / "data" / "genres.csv")
    lookups = [
        {"path": "data/products.csv", "on": "sku", "columns": ["GenreId"]},
        {"path": "data/genres.csv", "on": "Genre_Id", "columns": ["Name"]},
    ]
    spec = {"columns": {"category": "Name"}, "lookup": lookups}
    _, report = check(tmp_path, transactions=lines, specs={"transactions": spec})
    (error,) = report.errors
    assert error.message == (
        "lookup genres.csv: the key 'Genre_Id' is no column of transactions.csv or of the "
        "lookups before it (did you mean 'GenreId'?)"
    )


SUBCATEGORIES = ["1|1|Mountain Bikes|VTT|1", "2|2|Road Bikes|Vélo de route|1", "3|3|Gloves|Gants|3"]
"""AdventureWorks' DimProductSubcategory as the warehouse ships it: UTF-16, '|', no header."""


def _with_raw_subcategories(tmp_path: Path, **reading) -> tuple:
    """Transactions whose subcategory key joins the warehouse's raw dimension file."""
    path = tmp_path / "data" / "DimProductSubcategory.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(SUBCATEGORIES) + "\n").encode("utf-16"))
    lines = transactions_frame().drop(columns="category").assign(sub=[1, 2, 1, 3, 1, 2, 3, 3])
    lookup = {"path": "data/DimProductSubcategory.csv", "on": "sub", "columns": ["name"]}
    spec = {"columns": {"category": "name"}, "lookup": {**lookup, **reading}}
    return check(tmp_path, transactions=lines, specs={"transactions": spec})


def test_a_lookup_without_a_header_line_reads_as_a_table_does(tmp_path):
    """A warehouse's dimension files are as raw as its facts: a lookup takes a table's
    column_names, separator and encoding, read by the table's reader."""
    names = ["sub", "alternate", "name", "french", "category_key"]
    reading = {"column_names": names, "separator": "|", "encoding": "utf-16"}
    tables, report = _with_raw_subcategories(tmp_path, **reading)
    assert report.errors == [] and tables is not None, [str(i) for i in report.errors]
    by_amount = tables.transactions.set_index("amount")["category"]
    assert by_amount[[12.0, 35.5, 60.0]].tolist() == ["Gloves", "Road Bikes", "Mountain Bikes"]
    assert by_amount.notna().all()


def test_a_lookup_whose_first_line_reads_as_data_says_to_name_its_columns(tmp_path):
    """Without column_names the first row was the header, and the error listed its
    fields ('available: 1, 1.1, Mountain Bikes, ...') without a word of why."""
    _, report = _with_raw_subcategories(tmp_path, encoding="utf-16")
    error = only_error(report)
    assert error.path.name == "transactions.csv"
    assert error.message == (
        "lookup DimProductSubcategory.csv: no column sub, name; available: 1, 1.1, Mountain "
        "Bikes, VTT, 1.2. The first line reads like data, not column names: the file seems "
        "to have no header line; name its columns with `column_names: [...]`, in file order"
    )
    names = ["key", "alternate", "name", "french", "category_key"]
    _, report = _with_raw_subcategories(tmp_path, column_names=names, encoding="utf-16")
    assert only_error(report).message.endswith(
        "Call the key sub in column_names (or set the lookup's key to the name given it there)"
    )


def test_a_lookups_column_names_are_checked_as_a_tables(tmp_path):
    """The table's reader checks a lookup's column_names too: a header line named again,
    or names for a Parquet file, are refused naming the lookup."""
    products = pd.DataFrame({"sku": [10, 11, 12, 13], "aisle": ["dairy", "bakery", "dairy", None]})
    _, report = _with_products(tmp_path, products, column_names=["sku", "aisle"])
    assert only_error(report).message == (
        "lookup products.csv: the first line is a header naming column_names: leave them out"
    )
    write_table(products, tmp_path / "data" / "products.parquet")
    path = "data/products.parquet"
    _, report = _with_products(tmp_path, products, path=path, column_names=["sku", "aisle"])
    assert only_error(report).message == (
        "lookup products.parquet: column_names is for delimited text without a header line; "
        "this is Parquet"
    )
    with pytest.raises(ValidationError, match="column_names names a column twice: sku"):
        LookupSpec(path=Path("p.csv"), on="sku", columns=["aisle"], column_names=["sku", "sku"])


def test_a_lookups_sheet_is_read_as_a_tables(tmp_path):
    products = pd.DataFrame({"sku": [10, 11, 12, 13], "aisle": ["dairy", "bakery", "dairy", None]})
    path = tmp_path / "data" / "products.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path) as writer:
        products.assign(aisle="old").to_excel(writer, sheet_name="2019", index=False)
        products.to_excel(writer, sheet_name="2020", index=False)
    tables, report = _with_products(tmp_path, products, path="data/products.xlsx", sheet="2020")
    assert report.errors == [] and tables is not None, [str(i) for i in report.errors]
    assert set(tables.transactions["category"].dropna()) == {"dairy", "bakery"}


def test_two_lookups_may_not_join_one_column():
    twice = [LookupSpec(path=Path(f"{n}.csv"), on="k", columns=["aisle"]) for n in "ab"]
    with pytest.raises(ValidationError, match="two lookups join the same column: aisle"):
        TransactionsSpec(path=Path("t.csv"), lookup=twice)


def test_a_lookup_may_not_list_its_key_among_its_columns():
    with pytest.raises(ValidationError, match=r"lookup\.columns lists the key 'sku'"):
        LookupSpec(path=Path("p.csv"), on="sku", columns=["sku", "aisle"])


def test_a_lookup_written_as_the_readme_shows_reads_its_key_from_yaml():
    """YAML 1.1 reads a bare `on:` as true: the documented form must still load."""
    raw = yaml.safe_load("lookup: {path: products.csv, on: sku, columns: [aisle]}")
    assert True in raw["lookup"]
    assert LookupSpec.model_validate(raw["lookup"]).on == "sku"


def test_a_cancellation_without_a_time_is_no_cancellation(tmp_path):
    """A subscriptions snapshot read as the cancellations leaves `canceled_at` blank on
    those not cancelled: their rows are left out with a warning, not an error."""
    cancellations = pd.DataFrame({"customer_id": [3, 1, 2], "timestamp": ["2024-09-30", None, ""]})
    tables = load(tmp_path, cancellations=cancellations)
    assert list(tables.cancellations["customer_id"]) == [3]
    _, report = check(tmp_path, cancellations=cancellations)
    (warning,) = [w for w in report.warnings if w.table == "cancellations"]
    assert warning.rows == 2 and "without a cancellation time ignored" in warning.message


def test_a_date_format_that_cannot_read_dates_is_a_config_error(tmp_path):
    config = write_dataset(tmp_path, specs={"events": {"date_format": "%s"}})
    with pytest.raises(ConfigError, match=r"'%s' cannot read dates .* Unix time without one"):
        load_config(config)


def test_a_fractional_yyyymmdd_number_is_not_a_date(tmp_path):
    """A number of the YYYYMMDD size with a fraction is a clear error naming it, not a
    crash converting it to an integer."""
    events = events_frame().assign(timestamp=[20240203.0, 20240204.5, 20240120.0, 20240701.0])
    tables, report = check(tmp_path, events=events)
    assert tables is None
    (error,) = report.errors
    assert (error.table, error.column, error.rows) == ("events", "timestamp", 1)
    assert "not a date" in error.message and "20240204.5" in error.message


def test_a_snapshot_without_an_id_column_numbers_its_rows_as_customers(tmp_path):
    """Benchmark snapshots ship without ids: each row is a customer, numbered, said in a
    warning. With any other table to join, a missing id column stays an error."""
    snapshot = customers_frame().drop(columns=["customer_id"]).assign(churned=["y", "n"] * 2)
    label = {"label": {"column": "churned", "positive": "y"}}
    only = dict.fromkeys(("transactions", "events", "interactions", "cancellations"))
    labelled = {"definition": "label_column"}
    tables, report = check(
        tmp_path, customers=snapshot, specs={"customers": label}, churn=labelled, **only
    )
    assert report.errors == [] and tables is not None
    assert list(tables.customers["customer_id"]) == [1, 2, 3, 4]
    assert list(tables.customers["label"]) == [True, False, True, False]
    warning = only_warning(report)
    assert warning.column == "customer_id" and "numbered 1 to 4" in warning.message
    assert tables.numbered_ids  # no identity across extracts: batches are not compared
    _, report = check(tmp_path / "joined", customers=snapshot)
    assert "column not found" in only_error(report).message


def test_a_usage_log_without_types_has_one_type_for_every_event(tmp_path):
    """Listening or login logs often carry only who, when and how much."""
    log = events_frame().drop(columns=["type"]).assign(seconds=[30.0, 12.5, 7.0, 60.0])
    specs = {"events": {"columns": {"quantity": "seconds"}}}
    tables, report = check(tmp_path, events=log, specs=specs)
    assert report.errors == [] and tables is not None
    assert set(tables.events["type"]) == {"activity"}
    warning = only_warning(report)
    assert (warning.table, warning.column) == ("events", "type")
    features = build_features(tables, cutoffs="2024-06-30")
    assert {"events_activity_30d", "quantity_activity_30d"} <= set(features.columns)
    _, report = check(
        tmp_path / "mapped", events=log, specs={"events": {"columns": {"type": "kind"}}}
    )
    assert "column not found (configured for 'type')" in only_error(report).message


def test_a_configured_column_the_file_names_otherwise_gets_a_did_you_mean(tmp_path):
    """The Iranian telecom file writes 'Call  Failure' (two spaces): the config's 'Call
    Failure' listed the file's columns and left the user to spot the difference."""
    people = customers_frame().assign(**{"Call  Failure": [0, 3, 1, 0]})
    specs = {"customers": {"attributes": ["Call Failure"]}}
    issue = only_error(check(tmp_path, customers=people, specs=specs)[1])
    assert_located(issue, file="customers.csv", column="Call Failure", rows=0)
    assert "column not found (did you mean 'Call  Failure', spaced otherwise?)" in issue.message
    specs = {"customers": {"columns": {"signup_date": "Signup_Date"}, "attributes": ["regions"]}}
    issues = check(tmp_path / "mapped", customers=people, specs=specs)[1].errors
    said = {issue.column: issue.message for issue in issues}
    assert "(configured for 'signup_date') (did you mean 'signup_date'?)" in said["Signup_Date"]
    assert "(did you mean 'region'?)" in said["regions"]
    specs = {"customers": {"attributes": ["churn_score"]}}  # like nothing in the file
    issue = only_error(check(tmp_path / "unlike", customers=people, specs=specs)[1])
    assert "did you mean" not in issue.message


def test_one_log_feeds_events_and_cancellations_through_a_row_filter(tmp_path):
    """A subscription event log holds its cancellations among other events: `rows` keeps
    the cancellation events for the `cancellations` table."""
    log = events_frame().assign(type=["login", "cancel", "login", "play"])
    path = write_table(log, tmp_path / "data" / "log.csv")
    cancel = {
        "path": str(path.relative_to(tmp_path)),
        "rows": {"column": "type", "values": ["cancel"]},
    }
    tables = load(tmp_path, cancellations=None, data={"cancellations": cancel})
    assert list(tables.cancellations["customer_id"]) == [2]
    assert list(tables.cancellations.columns) == ["customer_id", "timestamp"]
    assert len(tables.events) == 4


def test_a_row_filter_on_a_numeric_flag_compares_numbers(tmp_path):
    """A payments table marks cancellations with a 0/1 flag (float in Parquet)."""
    payments = events_frame().assign(is_cancel=[0.0, 1.0, 0.0, 1.0])
    path = write_table(payments, tmp_path / "data" / "payments.parquet")
    spec = {"path": str(path.relative_to(tmp_path)), "rows": {"column": "is_cancel", "values": [1]}}
    tables = load(tmp_path, cancellations=None, data={"cancellations": spec})
    assert list(tables.cancellations["customer_id"]) == [2, 4]


def test_a_row_filter_value_no_row_holds_is_named_in_a_warning(tmp_path):
    """`values: [cancel, cancle]`: the typo would leave those rows out without a word."""
    log = events_frame().assign(type=["login", "cancel", "login", "play"])
    path = write_table(log, tmp_path / "data" / "log.csv")
    rows = {"column": "type", "values": ["cancel", "cancle"]}
    spec = {"path": str(path.relative_to(tmp_path)), "rows": rows}
    tables, report = check(tmp_path, cancellations=None, data={"cancellations": spec})
    assert tables is not None and list(tables.cancellations["customer_id"]) == [2]
    warning = only_warning(report)
    assert_located(warning, file="log.csv", column="type", rows=0)
    said = "never seen in the column: cancle (did you mean 'cancel' for 'cancle'?) (it holds"
    assert said in warning.message


def test_a_row_filter_can_leave_the_rows_it_names_out(tmp_path):
    """An order log's cancelled orders are no purchases: `not_values` leaves them out."""
    orders = transactions_frame().assign(status=["ok", "cancelled", *["ok"] * 6])
    rows = {"column": "status", "not_values": ["cancelled"]}
    tables = load(tmp_path, transactions=orders, specs={"transactions": {"rows": rows}})
    assert len(tables.transactions) == 7
    both = {"column": "status", "values": ["ok"], "not_values": ["cancelled"]}
    path = write_dataset(tmp_path, transactions=orders, specs={"transactions": {"rows": both}})
    with pytest.raises(ConfigError, match=r"give values .* or not_values"):
        load_config(path)


def test_a_list_of_row_filters_keeps_the_rows_every_filter_keeps(tmp_path):
    """OULAD's course table is one module's presentation: two columns, both must hold."""
    orders = transactions_frame().assign(
        status=["ok", "cancelled", *["ok"] * 6], shop=["web", "web", "app", *["web"] * 5]
    )
    both = [
        {"column": "status", "not_values": ["cancelled"]},
        {"column": "shop", "values": ["web"]},
    ]
    tables = load(tmp_path, transactions=orders, specs={"transactions": {"rows": both}})
    assert len(tables.transactions) == 6
    nothing_left = [both[0], {"column": "shop", "values": ["app"]}, both[1]]
    specs = {"transactions": {"rows": nothing_left}}
    _, report = check(tmp_path, transactions=orders, specs=specs)
    issue = only_error(report)
    assert_located(issue, file="transactions.csv", column="shop", rows=0)
    assert issue.message == "no row the filters before kept holds any of: web (rows.values)"


def test_a_row_filter_that_keeps_nothing_is_an_error(tmp_path):
    log = write_table(events_frame(), tmp_path / "data" / "log.csv")
    spec = {"path": str(log.relative_to(tmp_path)), "rows": {"column": "type", "values": ["x"]}}
    _, report = check(tmp_path, cancellations=None, data={"cancellations": spec})
    issue = only_error(report)
    assert_located(issue, file="log.csv", column="type", rows=0)
    assert "no row holds any of: x" in issue.message


def test_a_row_filter_of_an_unquoted_yes_says_to_quote_it(tmp_path):
    """`rows: {values: [yes]}` reached the filter as True and kept no row of a card log's
    Y/N column spelt yes/no: "no row holds any of: True" named a value nobody wrote."""
    orders = transactions_frame().assign(authorized=["yes", "no", *["yes"] * 6])
    rows = {"column": "authorized", "values": [True]}  # as YAML reads `[yes]`
    _, report = check(tmp_path, transactions=orders, specs={"transactions": {"rows": rows}})
    issue = only_error(report)
    assert_located(issue, file="transactions.csv", column="authorized", rows=0)
    assert issue.message == (
        "no row holds any of: True (rows.values) (YAML read an unquoted yes as a boolean "
        '(True), not text: quote it, "yes")'
    )


def test_configured_values_nearly_held_say_which_were_meant(tmp_path):
    """A streaming log's 'Cancellation Confirmed' for its 'Cancellation Confirmation'
    kept no row, and 'thumbs down' matched no 'Thumbs Down', without a suggestion."""
    log = events_frame().assign(type=["Thumbs Down", "Cancellation Confirmation"] * 2)
    path = write_table(log, tmp_path / "data" / "log.csv")
    rows = {"column": "type", "values": ["Cancellation Confirmed"]}
    spec = {"path": str(path.relative_to(tmp_path)), "rows": rows}
    _, report = check(tmp_path, cancellations=None, data={"cancellations": spec})
    assert "(did you mean 'Cancellation Confirmation' for 'Cancellation Confirmed'?)" in (
        only_error(report).message
    )
    _, report = check(tmp_path, events=log, specs={"events": {"types": ["thumbs down"]}})
    (warning,) = [w for w in report.warnings if "never seen" in w.message]
    assert "thumbs down (did you mean 'Thumbs Down' for 'thumbs down'?)" in warning.message


def test_a_configured_type_only_rows_filters_leave_out_hold_is_said_so(tmp_path):
    """A Q&A dump's privilege wikis (type 7) were all the Community bot's, whose rows
    `rows:` leaves out: "values never seen in the data: 7" read as a misspelling."""
    log = events_frame().assign(type=["1", "2", "7", "2"], customer_id=[1, 2, -1, 4])
    specs = {
        "events": {
            "type_words": {"1": "question", "2": "answer", "7": "privilege wiki", "9": "x"},
            "rows": {"column": "customer_id", "not_values": [-1]},
        }
    }
    _, report = check(tmp_path, events=log, specs=specs)
    said = sorted(w.message for w in report.warnings if "type_words" in w.message)
    assert said == [
        "`events.type_words` values never seen in the data: 9",
        "`events.type_words` values only in rows `rows:` leaves out: 7",
    ]


def test_timezone_aware_timestamps_become_naive_utc(tmp_path):
    events = events_frame().assign(timestamp=["2024-02-03T01:00:00+02:00"] * 4)
    tables = load(tmp_path, events=events)
    assert tables.events["timestamp"].iloc[0] == pd.Timestamp("2024-02-02 23:00")
    assert tables.events["timestamp"].dtype == "datetime64[ns]"


def test_non_iso_dates_are_read_in_one_guessed_format_with_a_warning(tmp_path):
    events = events_frame().assign(
        timestamp=["2024-02-03", "02/04/2024", "01/20/2024", "07/01/2024"]
    )
    tables, report = check(tmp_path, events=events)
    assert tables is not None and report.warnings[0].rows == 3
    assert "%m/%d/%Y" in report.warnings[0].message
    assert tables.events["timestamp"].max() == pd.Timestamp("2024-07-01")


# --- text encodings ----------------------------------------------------------------------

NOT_UTF8 = "read as cp1252 (set encoding: if that is wrong)"


def _written_in_cp1252(path: Path, frame: pd.DataFrame) -> Path:
    """The frame as a Windows tool exports it (Kaggle's sales_data_sample.csv); a byte
    cp1252 leaves undefined (0x81) too. Gzipped when the name says so."""
    data = frame.to_csv(index=False).encode("cp1252").replace(b"?!", b"\x81")
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


@pytest.mark.parametrize("fmt", ["csv", "csv.gz"])
def test_text_not_in_utf8_is_read_as_cp1252_with_one_warning_naming_the_line(tmp_path, fmt):
    """A strict UTF-8 read stopped at 'Réims' with "'utf-8' codec can't decode byte
    0xe9 in position 1": no line, no hint. Read as cp1252 (the euro sign too), a byte it
    leaves undefined as Latin-1 reads it, said once for the two tables reading the file."""
    customers = customers_frame().assign(region=["Réims", "Zürich €", "x?!y", "north"])
    customers["timestamp"] = customers["signup_date"]
    config = write_dataset(
        tmp_path,
        fmt=fmt,
        customers=customers,
        specs={"cancellations": {"path": f"data/customers.{fmt}"}},
    )
    _written_in_cp1252(tmp_path / "data" / f"customers.{fmt}", customers)
    tables, report = validate(load_config(config))
    assert report.errors == [] and tables is not None, [str(e) for e in report.errors]
    assert list(tables.customers["region"]) == ["Réims", "Zürich €", "x\x81y", "north"]
    (warning,) = [w for w in report.warnings if NOT_UTF8 in w.message]
    assert_located(warning, file=f"customers.{fmt}", column=None, rows=0)
    assert warning.message.startswith("not UTF-8 at line 2, byte 0xE9 in '1,2023-01-10,500.0")


@pytest.mark.parametrize(
    ("encoding", "said"), [("latin-1", None), ("utf-8", "not utf-8 (encoding: utf-8) at line 3")]
)
def test_a_configured_encoding_is_read_as_given_and_one_that_cannot_decode_is_an_error(
    tmp_path, encoding, said
):
    """`encoding: latin-1` reads without a warning; `encoding: utf-8` on a Windows
    export is one line naming the file and the line, not a codec's message."""
    customers = customers_frame().assign(region=["north", "Réims", "south", "east"])
    config = write_dataset(
        tmp_path, customers=customers, specs={"customers": {"encoding": encoding}}
    )
    _written_in_cp1252(tmp_path / "data" / "customers.csv", customers)
    tables, report = validate(load_config(config))
    report.issues = [i for i in report.issues if ENDS_EARLY not in i.message]
    if said is None:
        assert report.issues == [] and tables is not None
        assert tables.customers["region"][1] == "Réims"
        return
    issue = only_error(report)
    assert_located(issue, file="customers.csv", column=None, rows=0)
    assert (
        issue.message.startswith(said) and "byte 0xE9 in ',2023-03-05,1200.0,Réims" in issue.message
    )
    assert issue.message.endswith("set the encoding the file was written in")


def test_a_lookup_and_a_json_lines_log_in_cp1252_are_read_alike(tmp_path):
    products = pd.DataFrame({"sku": [10, 11, 12, 13], "aisle": ["crème", "bakery", "crème", None]})
    lines = (
        transactions_frame().drop(columns="category").assign(sku=[10, 11, 10, 12, 10, 11, 13, 12])
    )
    spec = {
        "columns": {"category": "aisle"},
        "lookup": {"path": "data/products.csv", "on": "sku", "columns": ["aisle"]},
    }
    events = events_frame().assign(type=["café", "login", "café", "login"])
    config = write_dataset(tmp_path, transactions=lines, specs={"transactions": spec})
    _written_in_cp1252(tmp_path / "data" / "products.csv", products)
    events_path = tmp_path / "data" / "events.jsonl"
    events_path.write_bytes(
        events.to_json(orient="records", lines=True, force_ascii=False).encode("cp1252")
    )
    entry = yaml.safe_load(config.read_text())
    entry["data"]["events"]["path"] = "data/events.jsonl"
    config.write_text(yaml.safe_dump(entry))
    tables, report = validate(load_config(config))
    assert report.errors == [] and tables is not None, [str(e) for e in report.errors]
    assert set(tables.transactions["category"].dropna()) == {"crème", "bakery"}
    assert set(tables.events["type"]) == {"café", "login"}
    said = sorted(w.message for w in report.warnings if NOT_UTF8 in w.message)
    assert len(said) == 2 and said[0].startswith("lookup products.csv: not UTF-8 at line 2")
    assert said[1].startswith("not UTF-8 at line 1, byte 0xE9")


def test_an_encoding_is_for_text_files_only_and_must_be_known(tmp_path):
    config = write_dataset(tmp_path, fmt="parquet", specs={"customers": {"encoding": "cp1252"}})
    issue = only_error(validate(load_config(config))[1])
    assert issue.message == "encoding is for delimited text and JSON lines; this is Parquet"
    config = write_dataset(tmp_path, specs={"customers": {"encoding": "latin-9x"}})
    with pytest.raises(ConfigError, match=r"unknown encoding 'latin-9x'; e\.g\. utf-8, cp1252"):
        load_config(config)


# --- a table of several files -----------------------------------------------------------


def _files(tmp_path: Path, frames: dict[str, pd.DataFrame]) -> list[str]:
    """Each frame as its own CSV under data/ (a month per file); their config paths."""
    for name, frame in frames.items():
        write_table(frame, tmp_path / "data" / name)
    return [f"data/{name}" for name in frames]


def _halves() -> dict[str, pd.DataFrame]:
    """The factory's transactions as two files of four lines each."""
    lines = transactions_frame()
    return {"t1.csv": lines.iloc[:4], "t2.csv": lines.iloc[4:]}


def _summary(report: ValidationReport, name: str) -> TableSummary:
    return next(summary for summary in report.tables if summary.name == name)


def test_a_table_of_several_files_reads_as_their_rows_one_after_another(tmp_path):
    """Ta Feng ships a month per file; `path: [D11, D12, D01, D02]` read 'Input is not a
    valid path for <class 'pathlib.Path'>'."""
    whole = load(tmp_path).transactions
    paths = _files(tmp_path, _halves())
    tables, report = check(tmp_path, specs={"transactions": {"path": paths}})
    assert report.issues == [] and tables is not None, [str(i) for i in report.issues]
    pdt.assert_frame_equal(tables.transactions, whole)
    summary = _summary(report, "transactions")
    assert summary.path.name == "t1.csv, t2.csv" and summary.rows == 8


def test_a_glob_pattern_reads_the_files_it_matches(tmp_path):
    """`path: "D*"` said 'file not found'."""
    whole = load(tmp_path).transactions
    first, second = _halves().values()
    _files(tmp_path, {"months/2024-02.csv": second, "months/2024-01.csv": first})
    tables, report = check(tmp_path, specs={"transactions": {"path": "data/months/*.csv"}})
    assert report.issues == [] and tables is not None, [str(i) for i in report.issues]
    pdt.assert_frame_equal(tables.transactions, whole)
    assert _summary(report, "transactions").path.name == "2024-01.csv, 2024-02.csv"


def test_a_glob_pattern_matching_no_file_is_an_error_naming_the_pattern(tmp_path):
    _, report = check(tmp_path, specs={"transactions": {"path": "data/months/*.csv"}})
    error = only_error(report)
    assert str(error) == f"{tmp_path / 'data' / 'months' / '*.csv'}: no file matches this pattern"


def test_each_file_missing_from_a_list_is_named(tmp_path):
    paths = _files(tmp_path, {"t1.csv": transactions_frame()})
    specs = {"transactions": {"path": [*paths, "data/t3.csv", "data/t4.csv"]}}
    _, report = check(tmp_path, specs=specs)
    where = f"file not found in {tmp_path / 'data'}"  # no other number of t1.csv offered
    assert [(e.path.name, e.message) for e in report.errors] == [
        ("t3.csv", where),
        ("t4.csv", where),
    ]


def test_a_file_lacking_a_column_read_is_an_error_naming_both(tmp_path):
    halves = _halves()
    halves["t2.csv"] = halves["t2.csv"].rename(columns={"amount": "dollars"})
    _, report = check(tmp_path, specs={"transactions": {"path": _files(tmp_path, halves)}})
    error = only_error(report)
    assert error.path.name == "t2.csv" and error.message == (
        "no amount, which t1.csv holds and the config reads: a table's files hold the "
        "columns it reads"
    )


def test_columns_no_setting_reads_may_differ_between_files(tmp_path):
    """The cosmetics shop's original months carry brand and category columns a later
    extract dropped: 'columns differ' refused what the config never reads."""
    whole = load(tmp_path).transactions
    first, second = _halves().values()
    halves = {"t1.csv": first.assign(brand="x"), "t2.csv": second.assign(session="s1")}
    tables, report = check(tmp_path, specs={"transactions": {"path": _files(tmp_path, halves)}})
    assert report.issues == [] and tables is not None, [str(i) for i in report.issues]
    pdt.assert_frame_equal(tables.transactions, whole)


def test_rows_in_more_than_four_files_are_one_issue_naming_them_together(tmp_path):
    """A flag split per file cost a pass over the table per file (2.4 s for 120 monthly
    files of 5M rows) and said one line each; past `FILES_LISTED` files, one issue."""
    lines = transactions_frame().astype({"timestamp": str})
    lines["timestamp"] = "someday"
    months = {f"m{k}.csv": lines.iloc[[k]] for k in range(5)}
    _, report = check(tmp_path, specs={"transactions": {"path": _files(tmp_path, months)}})
    dates = [e for e in report.errors if e.column == "timestamp"]
    assert [(e.path.name, e.rows) for e in dates] == [("m0.csv, ..., m4.csv (5 files)", 5)]
    _, report = check(tmp_path, specs={"transactions": {"path": _files(tmp_path, months)[:4]}})
    dates = [e for e in report.errors if e.column == "timestamp"]
    assert [(e.path.name, e.rows) for e in dates] == [(f"m{k}.csv", 1) for k in range(4)]


def test_a_line_thousands_of_times_the_median_is_worth_a_warning(tmp_path):
    """Ta Feng's 800 units for 444,000 (median line 76) made a first-time buyer the most
    valuable customer on the worklist, without a word; kept, since a wholesaler's are real."""
    lines = transactions_frame()
    lines.loc[lines.index[-1], "amount"] = 10_000 * lines["amount"].max()
    paths = _files(tmp_path, {"t.csv": lines})
    tables, report = check(tmp_path, specs={"transactions": {"path": paths}})
    (said,) = [w for w in report.warnings if "median line" in w.message]
    assert said.rows == 1 and said.column == "amount"
    assert said.message.startswith("lines of 5,000 times the median line (")
    assert "valid_ranges: {amount: [null, " in said.message
    assert len(tables.transactions) == len(lines)  # kept


def test_files_of_different_formats_are_an_error_naming_both(tmp_path):
    first, second = _halves().values()
    write_table(second, tmp_path / "data" / "t2.parquet")
    paths = [*_files(tmp_path, {"t1.csv": first}), "data/t2.parquet"]
    _, report = check(tmp_path, specs={"transactions": {"path": paths}})
    error = only_error(report)
    assert error.path.name == "t2.parquet" and error.message == (
        "this is Parquet, t1.csv delimited text: a table's files are of one format"
    )


def test_a_bad_value_is_named_by_the_file_it_is_in(tmp_path):
    """'D12: not a date in 3 rows' says where to look among four monthly files; rows a
    filter leaves out of the first file shift none of the second's onto it."""
    halves = _halves()
    halves["t1.csv"] = halves["t1.csv"].assign(
        amount=["abc", 35.5, 60.0, 12.0],
        timestamp=["2025-03-01", *halves["t1.csv"]["timestamp"][1:]],
    )
    halves["t2.csv"] = halves["t2.csv"].assign(
        timestamp=["2024-01-02", "2024-06-30", "2024-04-11", "yesterday"],
        amount=[80.0, "n.a.", 12.0, "x"],
    )
    spec = {"path": _files(tmp_path, halves), "rows": {"column": "category", "not_values": ["ink"]}}
    _, report = check(tmp_path, specs={"transactions": spec})
    assert sorted((e.path.name, e.column, e.rows, e.message) for e in report.errors) == [
        ("t1.csv", "amount", 1, "not a number in 1 row, e.g. 'abc'"),
        (
            "t1.csv",
            "timestamp",
            1,
            "dates after 2024-12-31 (data.as_of) in 1 row, e.g. '2025-03-01' read as 2025-03-01",
        ),
        ("t2.csv", "amount", 2, "not a number in 2 rows, e.g. 'n.a.'"),
        (
            "t2.csv",
            "timestamp",
            1,
            "not a date in 1 row, e.g. 'yesterday' (set date_format, e.g. '%d/%m/%Y' for "
            "28/02/2014)",
        ),
    ]


def test_monthly_files_without_a_header_read_with_one_separator_and_column_names(tmp_path):
    """Ta Feng's D11, D12, D01 and D02 are ';'-separated without a header line; a date
    format guessed is the table's, said once for its files."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "D11").write_text("15/01/2024;1;30\n20/01/2024;2;46\n")
    (tmp_path / "data" / "D12").write_text("15/02/2024;1;12\n28/02/2024;3;5\n")
    spec = {
        "path": ["data/D11", "data/D12"],
        "separator": ";",
        "column_names": ["dt", "cust", "sales"],
        "columns": {"customer_id": "cust", "timestamp": "dt", "amount": "sales"},
    }
    tables, report = check(tmp_path, specs={"transactions": spec})
    assert report.errors == [] and tables is not None, [str(i) for i in report.errors]
    assert sorted(tables.transactions["amount"]) == [5.0, 12.0, 30.0, 46.0]
    (read,) = [w for w in report.warnings if w.column == "dt"]
    assert read.path.name == "D11, D12" and read.rows == 4
    assert read.message.startswith("dates not in ISO 8601 (read as %d/%m/%Y")


# --- header lines repeated among the rows ------------------------------------------------


def _with_repeated_header(path: Path, frame: pd.DataFrame, times: int) -> None:
    """The frame as CSV whose header line repeats `times` among its rows, as files joined
    with `cat` leave it."""
    text = frame.to_csv(index=False)
    header, rows = text.split("\n", 1)
    path.write_text(header + "\n" + rows + (header + "\n" + rows) * times)


def test_header_lines_repeated_among_the_rows_are_dropped_with_one_warning(tmp_path):
    """Ta Feng's months joined with `cat` said "not a date in 3 rows, e.g.
    'TRANSACTION_DT' (set date_format...)" and counted 'CUSTOMER_ID' as a customer."""
    config = write_dataset(tmp_path)
    _with_repeated_header(tmp_path / "data" / "transactions.csv", transactions_frame(), 2)
    tables, report = validate(load_config(config))
    assert report.errors == [] and tables is not None, [str(i) for i in report.errors]
    assert len(tables.transactions) == 24
    warning = only_warning(report)
    assert_located(warning, file="transactions.csv", column=None, rows=2)
    assert warning.message == (
        "dropped 2 repeated header rows (every field its column's name: files joined with a "
        "header line each?)"
    )


def test_a_repeated_header_in_one_of_a_tables_files_is_named_by_that_file(tmp_path):
    paths = _files(tmp_path, _halves())
    _with_repeated_header(tmp_path / "data" / "t2.csv", _halves()["t2.csv"], 1)
    tables, report = check(tmp_path, specs={"transactions": {"path": paths}})
    assert tables is not None and len(tables.transactions) == 12
    assert_located(only_warning(report), file="t2.csv", column=None, rows=1)


# --- label -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "positive"),
    [
        pytest.param(["Yes", "No", " Yes", "No"], "Yes", id="text, stripped"),
        pytest.param(["Yes", "No", "yes", "no"], True, id="unquoted YAML yes is True"),
        pytest.param([1, 0, 1, 0], 1, id="numbers by value"),
        pytest.param(["True", "False", "True", "False"], "TRUE", id="text, case aside"),
        pytest.param(["Churned", "Stayed", "churned", "Stayed"], "Churned", id="as written"),
    ],
)
def test_label_becomes_a_boolean_column(tmp_path, values, positive):
    customers = customers_frame().assign(churned=values)
    specs = {"customers": {"label": {"column": "churned", "positive": positive}}}
    tables = load(tmp_path, customers=customers, specs=specs)
    assert tables.customers["label"].tolist() == [True, False, True, False]


def test_labels_in_a_file_of_their_own_are_joined_by_row_order(tmp_path):
    """The KDD Cup 2009 ships `orange_small_train.data` (no id column) and its labels in
    `orange_small_train_churn.labels`, one `-1` or `1` per line in the same order."""
    (tmp_path / "train.data").write_text("Var1\tVar2\n3\tab\n\tcd\n7\tab\n5\t\n")
    (tmp_path / "churn.labels").write_text("-1\n1\n-1\n-1\n")
    label = {"column": "churn", "positive": 1, "path": "churn.labels"}
    customers = {"path": "train.data", "attributes": "all", "label": label}
    config = {
        "name": "orange",
        "data": {"as_of": "2009-12-31", "customers": customers},
        "churn": {"definition": "label_column"},
    }
    (tmp_path / "churn.yaml").write_text(yaml.safe_dump(config))
    tables, report = validate(load_config(tmp_path / "churn.yaml"))
    assert report.errors == [] and tables is not None, [str(e) for e in report.errors]
    assert tables.customers["label"].tolist() == [False, True, False, False]
    assert set(tables.customers) >= {"Var1", "Var2"} and "churn" not in tables.customers

    (tmp_path / "churn.labels").write_text("-1\n1\n-1\n")  # a line short
    _, report = validate(load_config(tmp_path / "churn.yaml"))
    error = only_error(report)
    assert "3 labels in churn.labels for 4 rows in train.data" in error.message
    assert error.path.name == "train.data"

    (tmp_path / "churn.labels").write_text("churn\n-1\n1\n-1\n-1\n")  # a header line
    _, report = validate(load_config(tmp_path / "churn.yaml"))
    assert only_error(report).message == (
        "5 labels in churn.labels for 4 rows in train.data: its first line 'churn' reads as "
        "a header: remove it"
    )

    (tmp_path / "churn.labels").write_text("-1\n1\n-1\n-1\n")
    label["column"] = "Var1"  # a name the data file holds already
    (tmp_path / "churn.yaml").write_text(yaml.safe_dump(config))
    _, report = validate(load_config(tmp_path / "churn.yaml"))
    assert "'Var1' is also a column of train.data" in only_error(report).message


def test_unexpected_label_values_are_named_with_their_row_count(tmp_path):
    customers = customers_frame().assign(churned=["Yes", "No", "Maybe", "No"])
    specs = {"customers": {"label": {"column": "churned", "positive": "Yes"}}}
    _, report = check(tmp_path, customers=customers, specs=specs)
    issue = only_error(report)
    assert_located(issue, file="customers.csv", column="churned", rows=1)
    assert "'Maybe' (1)" in issue.message


def test_an_attribute_telling_the_label_outright_is_warned_of_at_validate(tmp_path):
    """IBM Telco's `Churn Value` (the label as 0/1) and `Customer Status` passed validate
    as features; a mixed column, or too few labels to tell, is not warned of."""
    n = 60
    churned = ["Yes" if i % 3 == 0 else "No" for i in range(n)]
    people = pd.DataFrame(
        {
            "customer_id": range(1, n + 1),
            "signup_date": "2023-01-01",
            "wallet": 100.0,
            "churned": churned,
            "Churn Value": [1 if c == "Yes" else 0 for c in churned],
            "Status": [
                "Churned" if c == "Yes" else ("Joined" if i % 5 else "Stayed")
                for i, c in enumerate(churned)
            ],
            "region": ["north" if i % 2 else "south" for i in range(n)],
        }
    )
    label = {"column": "churned", "positive": "Yes"}
    specs = {"customers": {"label": label, "attributes": ["Churn Value", "Status", "region"]}}
    _, report = check(tmp_path, customers=people, specs=specs)
    told = {w.column: w.message for w in report.warnings if "outright" in w.message}
    assert set(told) == {"Churn Value", "Status"}
    assert told["Churn Value"] == (
        "tells the label outright: each value is held by churners only or by stayers only "
        "(1 (churned), 0 (stayed)): a copy of the label, or recorded with the outcome; take "
        "it off `attributes`"
    )
    few = check(tmp_path, customers=people.head(30), specs=specs)[1]  # 10 churners
    assert not [w for w in few.warnings if "outright" in w.message]
    every = {"customers": {"label": label, "attributes": "all"}}
    _, report = check(tmp_path, customers=people, specs=every)
    told = [
        w.message for w in report.warnings if w.column == "Churn Value" and "outright" in w.message
    ]
    assert told and told[0].endswith("leave it out (not_attributes: [Churn Value])")


def test_a_declared_category_whose_kept_levels_hold_few_rows_is_warned_of(tmp_path):
    """A chips log's 272 stores declared categorical: a model keeps 100, on 42% of the
    customers, and reads the rest as unknown; nothing was said."""
    n = 400  # stores 0-49 on two rows each, 50-349 on one: the top 100 hold 150 rows
    people = pd.DataFrame(
        {
            "customer_id": range(1, n + 1),
            "signup_date": "2023-01-01",
            "wallet": 100.0,
            "store": [f"s{i % 350}" for i in range(n)],
            "region": [f"r{i % 5}" for i in range(n)],
        }
    )
    specs = {"customers": {"attributes": {"store": "categorical", "region": "categorical"}}}
    _, report = check(tmp_path, customers=people, specs=specs)
    (warning,) = [w for w in report.warnings if "most frequent" in w.message]
    assert warning.column == "store" and warning.rows == n
    assert warning.message.startswith(
        "350 levels: a model keeps the 100 most frequent, on 38% of the rows, and reads the "
        "rest as unknown"
    )


def test_the_labels_values_are_counted_as_the_file_writes_them(tmp_path):
    customers = customers_frame().assign(churn=[-1, 1, -1, -1])
    specs = {"customers": {"label": {"column": "churn", "positive": 1}}}
    _, report = check(tmp_path, customers=customers, specs=specs)
    assert report.tables[0].labels == sources.LabelCounts("churn", "1", {"-1": 3, "1": 1})
    console = Console(record=True, width=200)
    render_report(report, console)
    assert "label churn: 1 (churned) 1, -1 3: churn rate 25.0%" in console.export_text()


def test_labelled_rows_that_repeat_another_in_all_but_the_id_are_counted_beside_the_label(
    tmp_path,
):
    """The E Commerce Dataset's 556 pairs of rows identical but for CustomerID went
    unmentioned; whatever their labels, a copy is counted (signup date and all)."""
    base = customers_frame()
    copies = base.iloc[[0, 0, 2]].assign(customer_id=[5, 6, 7])
    customers = pd.concat([base, copies], ignore_index=True).assign(churn=[1, 0, 0, 0, 1, 0, 1])
    specs = {"customers": {"label": {"column": "churn", "positive": 1}}}
    _, report = check(tmp_path, customers=customers, specs=specs)
    (labels,) = [summary.labels for summary in report.tables if summary.labels is not None]
    assert labels.copies == Copies(rows=5, groups=2, largest=3)
    assert _label_line(labels) == (
        "label churn: 1 (churned) 3, 0 4: churn rate 42.9%; 5 labelled rows (71.4%) repeat "
        "another in every column but the id and the label (2 groups of 2 to 3: customers "
        "recorded twice?), and `churn train` keeps each group on one side of its splits"
    )
    _, report = check(tmp_path, customers=base.assign(churn=[1, 0, 0, 0]), specs=specs)
    assert report.tables[0].labels.copies is None


def test_a_positive_value_marking_most_rows_is_warned_naming_the_other(tmp_path):
    """Orange's `positive: -1` named the stayers: 92.8% "churn" passed validation."""
    customers = customers_frame().assign(churn=[-1, 1, -1, -1])
    specs = {"customers": {"label": {"column": "churn", "positive": -1}}}
    tables, report = check(tmp_path, customers=customers, specs=specs)
    issue = only_warning(report)
    assert_located(issue, file="customers.csv", column="churn", rows=3)
    assert issue.message == (
        "positive: -1 marks 75.0% of the rows (3 of 4) as churned, but -1 usually means "
        "not churned beside 1; did you mean 1?"
    )
    assert tables is not None  # a warning: some data do churn more than they stay


def test_a_conventional_yes_marking_most_rows_is_no_flip(tmp_path):
    """An ISP's `positive: 1` churned 55.4% and was told 'did you mean 0?': following it
    trains a model of who stays."""
    for values, positive in (([1, 1, 0, 1], 1), (["Yes", "Yes", "No", "Yes"], "Yes")):
        customers = customers_frame().assign(churn=values)
        specs = {"customers": {"label": {"column": "churn", "positive": positive}}}
        tables, report = check(tmp_path, customers=customers, specs=specs)
        assert report.warnings == [] and tables is not None


def _label_issue(tmp_path, values: list[str], positive: str, *, column: str = "churn") -> Issue:
    """The one issue (an error, else a warning) of a label column of `values`, read with
    this `positive`, located on its one row."""
    customers = customers_frame().assign(**{column: values})
    specs = {"customers": {"label": {"column": column, "positive": positive}}}
    _, report = check(tmp_path, customers=customers, specs=specs)
    issue = only_error(report) if report.errors else only_warning(report)
    assert_located(issue, file="customers.csv", column=column, rows=1)
    return issue


def test_a_conventional_no_as_positive_is_warned_whatever_its_share(tmp_path):
    """The truly flipped `positive: 0` of a 55% churn file marks 45% and passed silently."""
    issue = _label_issue(tmp_path, ["No", "Yes", "Yes", "Yes"], "no")
    assert issue.message == (
        "positive: No marks 25.0% of the rows (1 of 4) as churned, but No usually means "
        "not churned beside Yes; did you mean Yes?"
    )


def test_values_of_no_convention_are_warned_only_when_most_rows_churn(tmp_path):
    for values, warned in ((["A", "B", "B", "B"], False), (["B", "A", "A", "A"], True)):
        customers = customers_frame().assign(churn=values)
        specs = {"customers": {"label": {"column": "churn", "positive": "A"}}}
        _, report = check(tmp_path, customers=customers, specs=specs)
        said = [issue.message for issue in report.warnings]
        assert said == (
            ["positive: A marks 75.0% of the rows (3 of 4) as churned; did you mean B?"]
            if warned
            else []
        )


def test_a_staying_label_name_with_a_yes_positive_is_warned(tmp_path):
    """A hotel's `is_retained` (not cancelled) with `positive: True` validated as a 46%
    churn rate and trained a model of who stays (ROC AUC 0.98) without a word."""
    issue = _label_issue(
        tmp_path, ["True", "False", "False", "False"], "True", column="is_retained"
    )
    assert issue.level == "warning"
    assert issue.message == (
        "label 'is_retained' reads as staying, and positive: True marks the customers it "
        "says stayed as churners (1 of 4 rows): did you mean positive: False?"
    )


@pytest.mark.parametrize(
    ("column", "values", "positive"),
    [
        ("is_retained", ["True", "False", "False", "False"], False),  # no flip: said nothing
        ("Active", [0, 1, 1, 1], 0),
        ("is_canceled", [1, 0, 0, 0], 1),
        ("Exited", [1, 0, 0, 0], 1),
        ("Attrition_Flag", ["Attrited Customer", "Existing Customer"] * 2, "Attrited Customer"),
    ],
)
def test_a_staying_name_with_its_no_positive_or_a_churning_name_passes_silently(
    tmp_path, column, values, positive
):
    customers = customers_frame().assign(**{column: values})
    specs = {"customers": {"label": {"column": column, "positive": positive}}}
    tables, report = check(tmp_path, customers=customers, specs=specs)
    assert tables is not None and report.warnings == []


def _read_unlabelled(config, *, rows: int) -> tuple[Tables, Issue]:
    """The extract as `churn score` reads it: no error, no label, and the one warning,
    on the label column, that says why."""
    tables, report = validate(config, label_optional=True)
    assert report.errors == [] and tables is not None
    assert "label" not in tables.customers
    said = only_warning(report)
    assert_located(said, file="customers.csv", column="churned", rows=rows)
    return tables, said


def test_a_fresh_extract_without_the_label_column_is_read_for_scoring(tmp_path):
    """The model of a labelled snapshot scores next month's extract, which has no labels:
    only training needs them (`churn score` reads with `label_optional`)."""
    specs = {"customers": {"label": {"column": "churned", "positive": "Yes"}}}
    config = load_config(write_dataset(tmp_path, customers=customers_frame(), specs=specs))
    _, report = validate(config)
    assert_located(only_error(report), file="customers.csv", column="churned", rows=0)
    tables, said = _read_unlabelled(config, rows=0)
    assert said.message == f"not in the file: {FRESH_EXTRACT}"
    features = pd.DataFrame({"customer_id": [1, 2, 3, 4]})
    snapshot = config.model_copy(update={"churn": ChurnSpec(definition="label_column")})
    assert active_only(features, tables, snapshot, pd.Timestamp("2024-06-30")).equals(features)


@pytest.mark.parametrize(
    ("configured", "written", "meant"),
    [
        ("is_cancelled", "is_canceled", "'is_canceled'"),  # a hotel file: exit 0 at validate
        ("churn", "Churn", "'Churn'"),
        ("Call Failure", "Call  Failure", "'Call  Failure', spaced otherwise"),
    ],
)
def test_a_misspelt_label_column_is_an_error_where_a_fresh_extract_is_read(
    tmp_path, configured, written, meant
):
    """`churn score` and `churn validate` refuse a label column the file spells otherwise,
    as training does: read as absent it passed as a fresh extract with exit 0."""
    customers = customers_frame().assign(**{written: ["Yes", "No", "No", "Yes"]})
    specs = {"customers": {"label": {"column": configured, "positive": "Yes"}}}
    config = load_config(write_dataset(tmp_path, customers=customers, specs=specs))
    tables, report = validate(config, label_optional=True)
    assert tables is None
    issue = only_error(report)
    assert_located(issue, file="customers.csv", column=configured, rows=0)
    assert issue.message == f"not in the file (did you mean {meant}?)"


@pytest.mark.parametrize(
    ("configured", "written"),
    [
        ("churned_90d", "churned_30d"),  # another horizon's label
        ("churn_flag", "churn_flag_prev"),  # last month's, its words and one more
    ],
)
def test_a_label_column_of_another_number_or_more_words_is_another_column_of_a_fresh_extract(
    tmp_path, configured, written
):
    """Another horizon's `churned_30d` beside the configured `churned_90d`, or last
    month's `churn_flag_prev` beside `churn_flag`, is said, and the file is read as a
    fresh extract to score: no misspelling, which `churn score` would refuse."""
    customers = customers_frame().assign(**{written: ["Yes", "No", "No", "Yes"]})
    specs = {"customers": {"label": {"column": configured, "positive": "Yes"}}}
    config = load_config(write_dataset(tmp_path, customers=customers, specs=specs))
    tables, report = validate(config, label_optional=True)
    assert tables is not None and report.errors == []
    assert only_warning(report).message == (
        f"not in the file ({written!r} is another column, not read): {FRESH_EXTRACT}"
    )


def test_a_file_of_current_customers_none_of_whom_left_is_scored(tmp_path):
    """An export of `Churn` 0 in every row (or every value unlabelled) stopped `churn
    score` at "the positive value 1 never occurs": training needs both, scoring reads
    them all as current customers, with a warning; training still refuses."""
    specs = {"customers": {"label": {"column": "churned", "positive": 1}}}
    customers = customers_frame().assign(churned=0)
    config = load_config(write_dataset(tmp_path, customers=customers, specs=specs))
    assert validate(config)[0] is None
    tables, report = validate(config, label_optional=True)
    assert tables is not None and report.errors == []
    assert only_warning(report).message == (
        "the positive value 1 never occurs; found '0' (4): every customer is scored"
    )
    features = pd.DataFrame({"customer_id": [1, 2, 3, 4]})
    snapshot = config.model_copy(update={"churn": ChurnSpec(definition="label_column")})
    assert active_only(features, tables, snapshot, pd.Timestamp("2024-06-30")).equals(features)
    unlabelled = {"customers": {"label": {"column": "churned", "positive": 1, "unlabelled": [0]}}}
    config = load_config(write_dataset(tmp_path, customers=customers, specs=unlabelled))
    tables, report = validate(config, label_optional=True)
    assert tables is not None and tables.customers["label"].isna().all()
    assert active_only(features, tables, snapshot, pd.Timestamp("2024-06-30")).equals(features)
    # one value label.negative does not name is no staying: refused as in training
    named = {"customers": {"label": {"column": "churned", "positive": 1, "negative": [2]}}}
    config = load_config(write_dataset(tmp_path, customers=customers, specs=named))
    assert validate(config, label_optional=True)[0] is None


def test_a_label_column_blank_in_every_row_is_a_fresh_extract_to_score(tmp_path):
    """A holdout ships its label column empty (Cell2Cell's `Churn`): scoring read 'no label
    in 20,000 rows' and "the positive value 'Yes' never occurs; found " (nothing)."""
    customers = customers_frame().assign(churned="")
    specs = {"customers": {"label": {"column": "churned", "positive": "Yes"}}}
    config = load_config(write_dataset(tmp_path, customers=customers, specs=specs))
    _, said = _read_unlabelled(config, rows=4)
    assert said.message == f"blank in all 4 rows: {FRESH_EXTRACT}"
    _, report = validate(config)  # training's read: one error, no empty list of values
    issue = only_error(report)
    assert_located(issue, file="customers.csv", column="churned", rows=4)
    assert issue.message == (
        "blank in all 4 rows: no labels to train on "
        "(`churn score` reads such a file as a fresh extract)"
    )


def test_a_blank_label_in_some_rows_says_how_to_score_them_without_training_on_them(
    tmp_path,
):
    """A new customer's outcome is not known yet: the error named the rows, not what to
    do; `label.unlabelled: ['']` reads them so (scored, never trained on)."""
    issue = _label_issue(tmp_path, ["Yes", "No", "", "No"], "Yes")
    assert issue.message == (
        "no label in 1 row, e.g. customer '3': a customer whose outcome is not known yet (new this "
        "period) is scored, not trained on, with '' (blank) among label.unlabelled; else fill "
        "in the label or drop the row"
    )
    customers = customers_frame().assign(churn=["Yes", "No", "", "No"])
    label = {"column": "churn", "positive": "Yes", "unlabelled": [""]}
    _, report = check(tmp_path, customers=customers, specs={"customers": {"label": label}})
    assert report.errors == []


def test_a_third_label_value_is_an_error_that_says_how_to_leave_its_rows_out(tmp_path):
    """Maven's status column writes Churned, Stayed and Joined (new this quarter)."""
    values = ["Churned", "Stayed", "Joined", "Stayed"]
    issue = _label_issue(tmp_path, values, "Churned", column="status")
    assert issue.level == "error"
    assert issue.message == (
        "unexpected labels in 1 row: 'Joined' (1); expected 'Churned' or 'Stayed' (if each "
        "means the customer stayed, say so with label: {negative: [Stayed, Joined]}; score "
        "such rows without training on them with label: {unlabelled: [Joined]}, or leave them "
        "out with rows: {column: status, not_values: [Joined]})"
    )


def test_several_values_that_mean_stayed_are_named_by_label_negative(tmp_path):
    """A course's final_result: Withdrawn leaves; Pass, Fail and Distinction all stayed,
    and the only remedies had dropped or left unlabelled 10,076 genuine stayers."""
    customers = customers_frame().assign(result=["Withdrawn", "Pass", "Fail", "Distinction"])
    label = {
        "column": "result",
        "positive": "Withdrawn",
        "negative": ["Pass", "Fail", "Distinction"],
    }
    tables, report = check(tmp_path, customers=customers, specs={"customers": {"label": label}})
    assert report.errors == []
    assert tables.customers["label"].tolist() == [True, False, False, False]
    label["negative"] = ["Pass", "Fail"]
    _, report = check(tmp_path, customers=customers, specs={"customers": {"label": label}})
    (error,) = report.errors
    assert error.message == (
        "unexpected labels in 1 row: 'Distinction' (1); expected 'Withdrawn' or one of "
        "label.negative ('Pass', 'Fail')"
    )


def test_labels_split_evenly_are_warned_as_a_balanced_sample_unless_a_population_rate_says(
    tmp_path,
):
    """S-mobile's case file held 19,500 churners and 19,500 stayers of a 2% churn
    population, and nothing said so."""
    even = pd.concat([customers_frame()] * 50, ignore_index=True)
    even = even.assign(customer_id=range(1, 201), churn=["yes", "no"] * 100)
    label = {"column": "churn", "positive": "yes"}
    _, report = check(tmp_path, customers=even, specs={"customers": {"label": label}})
    (warning,) = [w for w in report.warnings if "split evenly" in w.message]
    assert_located(warning, file="customers.csv", column="churn", rows=100)
    assert warning.message.startswith("the labels split evenly (100 churned of 200): ")
    label["population_rate"] = 0.02
    _, report = check(tmp_path, customers=even, specs={"customers": {"label": label}})
    assert not [w for w in report.warnings if "split evenly" in w.message]


def test_label_values_named_unlabelled_are_read_as_not_known_and_counted(tmp_path):
    """`unlabelled: [joined]` (any case): the new customer's outcome is NA, the others' as
    before, and validate's line counts them apart from the churn rate."""
    customers = customers_frame().assign(status=["Churned", "Stayed", "Joined", "Stayed"])
    label = {"column": "status", "positive": "Churned", "unlabelled": ["joined"]}
    tables, report = check(tmp_path, customers=customers, specs={"customers": {"label": label}})
    assert tables is not None and not report.issues
    assert tables.customers["label"].tolist() == [True, False, pd.NA, False]
    (labels,) = [summary.labels for summary in report.tables if summary.labels is not None]
    assert _label_line(labels) == (
        "label status: Churned (churned) 1, Stayed 2: churn rate 33.3%; "
        "unlabelled (scored, not trained on): Joined 1"
    )
    label["unlabelled"] = ["churned"]
    path = write_dataset(tmp_path, customers=customers, specs={"customers": {"label": label}})
    with pytest.raises(ConfigError, match="the positive value 'Churned' is also listed as unl"):
        load_config(path)


def test_missing_labels_are_errors(tmp_path):
    customers = customers_frame().assign(churned=["Yes", "No", None, "No"])
    specs = {"customers": {"label": {"column": "churned", "positive": "Yes"}}}
    _, report = check(tmp_path, customers=customers, specs=specs)
    assert_located(only_error(report), file="customers.csv", column="churned", rows=1)


def test_the_label_column_cannot_also_be_an_attribute(tmp_path):
    customers = customers_frame().assign(churned=["Yes", "No", "Yes", "No"])
    label = {"column": "churned", "positive": "Yes"}
    specs = {"customers": {"label": label, "attributes": ["region", "churned"]}}
    _, report = check(tmp_path, customers=customers, specs=specs)
    assert "label leak" in only_error(report).message


def test_a_positive_value_that_never_occurs_is_an_error(tmp_path):
    customers = customers_frame().assign(churned=["Y", "N", "N", "N"])
    specs = {"customers": {"label": {"column": "churned", "positive": "Yes"}}}
    _, report = check(tmp_path, customers=customers, specs=specs)
    assert "never occurs" in only_error(report).message


# --- bad input: one test per case ----------------------------------------------------------


def test_missing_file(tmp_path):
    config_path = write_dataset(tmp_path)
    (tmp_path / "data" / "events.csv").unlink()
    _, report = validate(load_config(config_path))
    assert_located(only_error(report), file="events.csv", column=None, rows=0)
    assert "not found" in str(report.errors[0])


def test_unreadable_file(tmp_path):
    config_path = write_dataset(tmp_path, fmt="parquet")
    (tmp_path / "data" / "events.parquet").write_bytes(b"not parquet at all")
    tables, report = validate(load_config(config_path))
    assert tables is None
    assert_located(only_error(report), file="events.parquet", column=None, rows=0)
    assert "cannot read" in report.errors[0].message


def test_an_archive_is_named_with_its_files_and_how_to_read_them(tmp_path):
    """A Kaggle download is a .zip: the message names what it holds and says to unpack it."""
    import bz2
    import tarfile
    import zipfile

    data = tmp_path / "data"
    data.mkdir()
    with zipfile.ZipFile(data / "events.zip", "w") as archive:
        for k in range(7):
            archive.writestr(f"part-{k}.csv", "customer_id,timestamp\n1,2024-01-01\n")
    _, report = check(tmp_path, specs={"events": {"path": "data/events.zip"}})
    error = only_error(report)
    assert_located(error, file="events.zip", column=None, rows=0)
    assert error.message == (
        "unsupported file type: a zip archive holding part-0.csv, part-1.csv, part-2.csv, "
        "part-3.csv, part-4.csv and 2 more: unpack it and point path at the table's file "
        "(or a glob such as 'folder/*.csv' for several)"
    )
    (data / "events.csv").write_text("customer_id,timestamp\n1,2024-01-01\n")
    with tarfile.open(data / "events.tar.gz", "w:gz") as archive:
        archive.add(data / "events.csv", arcname="events.csv")
    _, report = check(tmp_path, specs={"events": {"path": "data/events.tar.gz"}})
    assert only_error(report).message == (
        "unsupported file type: a tar archive holding events.csv: "
        "unpack it and point path at the table's file"
    )
    with tarfile.open(data / "many.tar", "w") as archive:  # listed lazily: never read whole
        for k in range(9):
            archive.add(data / "events.csv", arcname=f"part-{k}.csv")
    _, report = check(tmp_path, specs={"events": {"path": "data/many.tar"}})
    assert "part-4.csv and more: unpack it" in only_error(report).message
    (data / "events.csv.bz2").write_bytes(bz2.compress(b"customer_id,timestamp\n"))
    _, report = check(tmp_path, specs={"events": {"path": "data/events.csv.bz2"}})
    assert only_error(report).message.startswith(
        "unsupported file type: a bzip2-compressed file: decompress it"
    )


def test_a_binary_file_of_no_known_type_is_unsupported(tmp_path):
    """Text of any name is read as delimited text; an SPSS file's first bytes are none."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "events.sav").write_bytes(b"$FL2@(#) SPSS DATA FILE\x02\x00\x00\x00")
    _, report = check(tmp_path, specs={"events": {"path": "data/events.sav"}})
    message = only_error(report).message
    assert message.startswith("unsupported file type: its first bytes are no text")
    assert "a workbook (.xlsx, .xls, .ods)" in message
    _, report = check(tmp_path, specs={"events": {"path": "data/gone.sav"}})
    assert only_error(report).message.startswith("file not found in ")


def test_a_file_that_is_no_workbook_says_it_cannot_be_read(tmp_path):
    (tmp_path / "events.xlsx").write_text("customer_id,timestamp\n1,2024-01-01\n")
    _, report = check(tmp_path, specs={"events": {"path": "events.xlsx"}})
    error = only_error(report)
    assert error.path.name == "events.xlsx" and "cannot read the file" in error.message


def test_a_csv_cut_off_inside_a_quoted_field_names_the_line_of_the_open_quote(tmp_path):
    """pandas said 'EOF inside string starting at row 49103', counting records: a cut
    copy of a bank's log read as a parser fault. A note over two lines shifts them."""
    text = (
        'customer_id,timestamp,type,note\n1,2024-02-03,login,"two\nlines"\n'
        '2,2024-02-04,login,""\n1,2024-01-20,export,"PRIJE'
    )
    (tmp_path / "events.csv").write_text(text)
    _, report = check(tmp_path, specs={"events": {"path": "events.csv", "attributes": ["note"]}})
    error = only_error(report)
    assert error.path.name == "events.csv" and error.message == (
        "the file looks cut off: the quoted field opened on line 5 never closes (copy or "
        "export it again; or remove that line, or its stray quote)"
    )


def test_missing_column_names_the_configured_source_and_what_is_available(tmp_path):
    specs = {"transactions": {"columns": {"amount": "dollars"}}}
    _, report = check(tmp_path, specs=specs)
    issue = only_error(report)
    assert_located(issue, file="transactions.csv", column="dollars", rows=0)
    assert (
        "'amount'" in issue.message and "customer_id, timestamp, amount, category" in issue.message
    )


def test_unparseable_dates_give_count_and_example(tmp_path):
    events = events_frame().assign(timestamp=["2024-02-03", "soon", "2024-13-45", "2024-07-01"])
    _, report = check(tmp_path, events=events)
    issue = only_error(report)
    assert_located(issue, file="events.csv", column="timestamp", rows=2)
    assert "'soon'" in issue.message


def test_year_first_dates_with_a_zone_name_are_read_without_a_warning(tmp_path):
    """Recurly writes `2023-04-05 14:22:01 UTC`: no ISO 8601, but year, month, day leave
    nothing to check, and four such warnings on every command drowned the real ones."""
    events = events_frame().assign(timestamp=[f"2024-0{m}-05 14:22:01 UTC" for m in (1, 2, 3, 4)])
    tables, report = check(tmp_path, events=events)
    assert report.issues == [] and tables is not None
    assert tables.events["timestamp"].iloc[0] == pd.Timestamp("2024-01-05 14:22:01")


def test_other_date_formats_are_guessed_with_a_warning_or_set_by_date_format(tmp_path):
    """A guessed format is month first or day first, whichever reads more of the dates
    ('20/01/2024' settles it); when none settles it, month first, and `date_format`
    says otherwise."""
    events = events_frame().assign(
        timestamp=["03/02/2024", "04/02/2024", "20/01/2024", "01/07/2024"]
    )
    tables, report = check(tmp_path, events=events)
    assert report.errors == [] and tables is not None
    assert "dates not in ISO 8601 (read as %d/%m/%Y; set date_format" in str(report.issues)
    days = sorted(tables.events["timestamp"].dt.strftime("%Y-%m-%d"))
    assert days == ["2024-01-20", "2024-02-03", "2024-02-04", "2024-07-01"]
    undecided = events.assign(timestamp=["03/02/2024", "04/02/2024", "01/07/2024", "05/06/2024"])
    tables, report = check(tmp_path, events=undecided)
    assert "read as %m/%d/%Y, though %d/%m/%Y reads them too; set date_format" in str(report.issues)
    assert sorted(tables.events["timestamp"].dt.month) == [1, 3, 4, 5]
    set_format = {"events": {"date_format": "%d/%m/%Y"}}
    tables = load(tmp_path, events=undecided, specs=set_format)
    assert sorted(tables.events["timestamp"].dt.month) == [2, 2, 6, 7]
    # each on a month's 1st (a loyalty log's enrolments): month first, all in January
    firsts = events.assign(timestamp=["01/02/2024", "01/05/2024", "01/09/2024", "01/11/2023"])
    tables, report = check(tmp_path, events=firsts)
    assert "read as %d/%m/%Y" in str(report.issues)
    assert sorted(tables.events["timestamp"].dt.month) == [2, 5, 9, 11]
    # a week written month first is one June, not days of four months
    week = events.assign(timestamp=["06/03/2024", "06/04/2024", "06/05/2024", "06/09/2024"])
    tables, report = check(tmp_path, events=week)
    assert "read as %m/%d/%Y" in str(report.issues)
    assert set(tables.events["timestamp"].dt.month) == {6}
    # a mistyped ISO date is no year-day-month date: an error, as '2020-02-30' is
    typo = events.assign(timestamp=["2024-01-03", "2024-13-01", "2024-02-05", "2024-03-07"])
    issue = only_error(check(tmp_path, events=typo)[1])
    assert (issue.column, issue.rows) == ("timestamp", 1) and "'2024-13-01'" in issue.message


def test_a_wrong_date_format_is_told_the_format_that_reads_the_dates(tmp_path):
    """Superstore's '13/01/19' under date_format '%m/%d/%y' was 'not a date' in 6,064
    rows, where the loader's own guess, without date_format, reads every date right: the
    error names that format, or says to remove date_format when the dates are ISO 8601."""
    days = ["03/01/19", "13/01/19", "28/02/19", "01/07/19"]
    events = events_frame().assign(timestamp=days)
    wrong = {"events": {"date_format": "%m/%d/%y"}}
    issue = only_error(check(tmp_path, events=events, specs=wrong)[1])
    assert_located(issue, file="events.csv", column="timestamp", rows=2)
    assert issue.message == (
        "not a date in %m/%d/%y in 2 rows, e.g. '13/01/19': '%d/%m/%y' reads every date of "
        "the column ('13/01/19' as 2019-01-13): set date_format to it, or remove date_format "
        "and the loader guesses it"
    )
    iso = {"events": {"date_format": "%d/%m/%Y"}}
    issue = only_error(check(tmp_path, specs=iso)[1])
    assert issue.message.endswith(": every date of the column is ISO 8601: remove date_format")
    junk = events.assign(timestamp=[*days[:3], "soon"])
    issue = only_error(check(tmp_path, events=junk, specs=wrong)[1])
    assert issue.message == "not a date in %m/%d/%y in 3 rows, e.g. '13/01/19'"
    unix = events.assign(timestamp=[1289241912, 1289241970, 1300000000, 1310000000])
    issue = only_error(check(tmp_path, events=unix, specs=wrong)[1])  # a marketplace's log
    assert issue.message.endswith(
        ": the column holds Unix times, read as dates: remove date_format"
    )
    assert check(tmp_path, events=unix)[1].errors == []


def test_dates_with_a_two_digit_year_are_guessed_day_or_month_first_by_the_values(tmp_path):
    """A retail export writes '28/02/14', which pandas' guess never reads: the two-digit
    year forms are tried (a named month's too), the values decide day or month first,
    named in the warning."""
    days = ["28/02/14", "03/01/14", "15/12/13", "01/07/14"]
    tables, report = check(tmp_path, events=events_frame().assign(timestamp=days))
    assert report.errors == [] and tables is not None
    assert "dates not in ISO 8601 (read as %d/%m/%y; set date_format" in str(report.issues)
    read = sorted(tables.events["timestamp"].dt.strftime("%Y-%m-%d"))
    assert read == ["2013-12-15", "2014-01-03", "2014-02-28", "2014-07-01"]
    us = ["02/28/14 10:30", "01/03/14 09:00", "12/15/13 17:45", "07/01/14 08:00"]
    tables, report = check(tmp_path, events=events_frame().assign(timestamp=us))
    assert "read as %m/%d/%y %H:%M" in str(report.issues)
    assert tables.events["timestamp"].max() == pd.Timestamp("2014-07-01 08:00")
    # Kaggle's Retail Case Study writes '14-Jan-15' (an Oracle export's DD-MON-YY):
    # 125,000 rows had been 'not a date'
    named = ["14-Jan-15", "03-FEB-14", "28-dec-13", "01-Jul-14"]
    tables, report = check(tmp_path, events=events_frame().assign(timestamp=named))
    assert report.errors == [] and tables is not None
    assert "read as %d-%b-%y" in str(report.issues)
    read = sorted(tables.events["timestamp"].dt.strftime("%Y-%m-%d"))
    assert read == ["2013-12-28", "2014-02-03", "2014-07-01", "2015-01-14"]


def test_a_month_named_in_capitals_with_a_four_digit_year_is_guessed(tmp_path):
    """Oracle's default date form, '04-FEB-2021 10:11:12': pandas guesses it only as
    '04-Feb-2021' is written; all 3,914 order lines of Oracle's sample schema had been
    'not a date'."""
    named = [
        "04-FEB-2021 10:11:12",
        "15-MAR-2021 08:00:00",
        "28-dec-2020 17:45:00",
        "01-Jul-2021 09:30:00",
    ]
    tables, report = check(tmp_path, events=events_frame().assign(timestamp=named))
    assert report.errors == [] and tables is not None
    assert "read as %d-%b-%Y %H:%M:%S" in str(report.issues)
    read = sorted(tables.events["timestamp"].dt.strftime("%Y-%m-%d %H:%M"))
    assert read == ["2020-12-28 17:45", "2021-02-04 10:11", "2021-03-15 08:00", "2021-07-01 09:30"]
    may_first = ["04-MAY-2021 10:11:12", *named[1:]]  # a full month's name, or short?
    tables, report = check(tmp_path, events=events_frame().assign(timestamp=may_first))
    assert report.errors == [] and tables is not None
    assert "read as %d-%b-%Y %H:%M:%S" in str(report.issues)


def test_dates_in_no_format_guessed_are_an_error_hinting_date_format(tmp_path):
    events = events_frame().assign(timestamp=["28 II 14", "3 I 14", "2024-01-05", "1 VII 14"])
    _, report = check(tmp_path, events=events)
    issue = only_error(report)
    assert_located(issue, file="events.csv", column="timestamp", rows=3)
    assert "not a date in 3 rows, e.g. '28 II 14' (set date_format, e.g. '%d/%m/%Y'" in str(issue)


@given(
    st.lists(st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)), min_size=1, max_size=30),
    st.sampled_from(
        ["%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%y", "%m/%d/%y", "%d.%m.%y"]
    ),
)
def test_a_guessed_format_reads_every_date_back_when_one_settles_the_order(days, fmt):
    """Whatever the order of day and month, once one date cannot be read the other way
    (a day above 12), the guess reads every date as written."""
    text = pd.Series([d.strftime(fmt) for d in days], dtype="str")
    guessed, read = _guessed_dates(text)
    settled = any(d.day > 12 and d.day != d.month for d in days)
    if settled:
        assert list(read.dt.date) == days, guessed
    else:
        assert read.notna().all()  # ambiguous: month first, still every value read


def _european(
    tmp_path: Path, amounts: list[str], **spec: str
) -> tuple[Tables | None, ValidationReport]:
    """The transactions as a European export writes them: semicolons, a byte order mark,
    day-first dates with dots, and `amounts` as text."""
    config = write_dataset(tmp_path, specs={"transactions": spec} if spec else None)
    path = tmp_path / "data" / "transactions.csv"
    frame = pd.read_csv(path)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], format="ISO8601").dt.strftime(
        "%d.%m.%Y"
    )
    frame["amount"] = (amounts * len(frame))[: len(frame)]
    path.write_text("\ufeff" + frame.to_csv(sep=";", index=False), encoding="utf-8")
    return validate(load_config(config))


def test_numbers_with_decimal_commas_are_read_with_a_warning(tmp_path):
    tables, report = _european(tmp_path, ["12,50", "1.234,00", "7", "1 000,5"])
    assert report.errors == [] and tables is not None
    notes = [w.message for w in report.warnings if w.column == "amount"]
    assert len(notes) == 1 and "read with ',' as the decimal mark" in notes[0]
    assert set(tables.transactions["amount"]) <= {12.5, 1234.0, 7.0, 1000.5}
    assert tables.transactions["timestamp"].dt.day.max() > 12  # day first, as written


def test_a_comma_that_may_separate_thousands_is_an_error_that_suggests_decimal(tmp_path):
    """'1,234' is 1234 in a US export and 1.234 in a European one: not guessed."""
    _, report = _european(tmp_path, ["1,234", "7"])
    issue = only_error(report)
    assert issue.column == "amount" and "the table's decimal: '.' or ','" in issue.message
    tables, report = _european(tmp_path, ["1,234", "7"], decimal=",")
    assert report.errors == [] and set(tables.transactions["amount"]) == {1.234, 7.0}
    _, report = _european(tmp_path, ["12,50", "7"], decimal=".")
    assert "not a number" in only_error(report).message


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_csv_files_separated_otherwise_than_by_commas_are_read(tmp_path, sep):
    """European exports separate by semicolons; others by tabs or pipes."""
    config = write_dataset(tmp_path)
    path = tmp_path / "data" / "transactions.csv"
    pd.read_csv(path).to_csv(path, sep=sep, index=False)
    tables, report = validate(load_config(config))
    assert report.errors == [] and tables is not None
    assert len(tables.transactions) == len(transactions_frame())


@pytest.mark.parametrize("suffix", [".tsv", ".data", ".txt.gz", ".dat", ".user", ""])
def test_tab_separated_files_are_read_whatever_their_name(tmp_path, suffix):
    """The KDD Cup's Orange extract is a tab-separated `.data`; MovieLens names its
    tables `u.user`, `u.item`, `ratings.dat`: text of any name is read as such."""
    config = write_dataset(tmp_path)
    path = tmp_path / "data" / "transactions.csv"
    target = path.with_suffix(suffix)
    pd.read_csv(path).to_csv(target, sep="\t", index=False)
    raw = config.read_text().replace("transactions.csv", target.name)
    config.write_text(raw)
    tables, report = validate(load_config(config))
    assert report.errors == [] and tables is not None, [str(i) for i in report.issues]
    assert len(tables.transactions) == len(transactions_frame())


CDNOW_LINES = [
    "00001 19970101  1   11.77",
    "00002 19970112  2   89.00",
    "00002 19970112  1   5.00",
    "  00003 19970102  2   20.76",  # leading blanks too
]
CDNOW_NAMES = {"column_names": ["id", "day", "cds", "dollars"]}
CDNOW_COLUMNS = {"customer_id": "id", "timestamp": "day", "quantity": "cds", "amount": "dollars"}


def _cdnow_log(
    tmp_path: Path, lines: list[str] = CDNOW_LINES, **spec
) -> tuple[Tables | None, ValidationReport]:
    """The CDNOW purchase log as shipped (`lines`): columns aligned with spaces, no header
    line."""
    log = tmp_path / "data" / "CDNOW_master.txt"
    log.parent.mkdir(parents=True)
    log.write_text("\n".join(lines) + "\n")
    config = {
        "name": "cdnow",
        "data": {"as_of": "1998-06-30", "transactions": {"path": str(log), **spec}},
        "churn": {},
    }
    path = tmp_path / "churn.yaml"
    path.write_text(yaml.safe_dump(config))
    return validate(load_config(path))


def test_a_log_without_a_header_line_reads_with_its_column_names(tmp_path):
    columns = {"customer_id": "id", "timestamp": "day", "quantity": "cds", "amount": "dollars"}
    tables, report = _cdnow_log(
        tmp_path, column_names=["id", "day", "cds", "dollars"], columns=columns
    )
    assert report.errors == [] and tables is not None, [str(i) for i in report.issues]
    lines = tables.transactions
    assert list(lines["customer_id"]) == ["00001", "00002", "00002", "00003"]  # ids as written
    assert list(lines["amount"]) == [11.77, 89.0, 5.0, 20.76]
    assert lines["timestamp"].iloc[0] == pd.Timestamp("1997-01-01")


@pytest.mark.parametrize("sep", ["::", "|"])
def test_a_given_separator_of_any_length_splits_the_lines_as_written(tmp_path, sep):
    """ML-1M's `ratings.dat` is `1::1193::5::978300760`, which no header tells; a
    separator of one character keeps the fast reader."""
    lines = [sep.join(line.split()) for line in CDNOW_LINES]
    tables, report = _cdnow_log(
        tmp_path, lines, separator=sep, **CDNOW_NAMES, columns=CDNOW_COLUMNS
    )
    assert report.errors == [] and tables is not None, [str(i) for i in report.issues]
    assert list(tables.transactions["amount"]) == [11.77, 89.0, 5.0, 20.76]
    assert list(tables.transactions["customer_id"]) == ["00001", "00002", "00002", "00003"]


def test_a_given_separator_reads_a_header_line_too(tmp_path):
    config = write_dataset(tmp_path, specs={"transactions": {"separator": "::"}})
    path = tmp_path / "data" / "transactions.csv"
    frame = pd.read_csv(path, dtype=str).fillna("")
    path.write_text("\n".join("::".join(row) for row in [frame.columns, *frame.values]) + "\n")
    tables, report = validate(load_config(config))
    assert report.errors == [] and tables is not None, [str(i) for i in report.issues]
    assert len(tables.transactions) == len(transactions_frame())


def test_a_given_separator_that_leaves_one_column_is_an_error_naming_it(tmp_path):
    _, report = check(tmp_path, specs={"transactions": {"separator": "::"}})
    issue = only_error(report)
    assert issue.path.name == "transactions.csv"
    assert issue.message.startswith("separator '::' splits the header line into one column")
    lines = [sep.join(line.split()) for line, sep in zip(CDNOW_LINES, ["\t"] * 4, strict=True)]
    _, report = _cdnow_log(
        tmp_path / "log", lines, separator="::", **CDNOW_NAMES, columns=CDNOW_COLUMNS
    )
    assert "separator '::' splits the first line into one column" in only_error(report).message
    ml_1m = ["::".join(line.split()) for line in CDNOW_LINES]  # no separator told: say it
    _, report = _cdnow_log(tmp_path / "untold", ml_1m, **CDNOW_NAMES, columns=CDNOW_COLUMNS)
    assert "set the table's separator (e.g. '::')" in only_error(report).message


def test_a_first_line_of_data_read_as_a_header_suggests_column_names(tmp_path):
    columns = {"customer_id": "id", "timestamp": "day", "amount": "dollars"}
    _, report = _cdnow_log(tmp_path, columns=columns)
    assert len(report.errors) == 3
    issue = report.errors[0]
    assert "available: 00001, 19970101, 1, 11.77" in issue.message
    assert "reads like data, not column names" in issue.message
    assert "`column_names: [...]`" in issue.message


def test_column_names_must_match_the_first_lines_fields(tmp_path):
    _, report = _cdnow_log(tmp_path, column_names=["customer_id", "timestamp", "amount"])
    issue = only_error(report)
    assert issue.path.name == "CDNOW_master.txt"
    assert "the first line has 4 fields; column_names names 3" in issue.message


def test_column_names_of_a_file_with_a_header_line_are_refused(tmp_path):
    config = write_dataset(
        tmp_path, specs={"cancellations": {"column_names": ["customer_id", "timestamp"]}}
    )
    _, report = validate(load_config(config))
    issue = only_error(report)
    assert issue.path.name == "cancellations.csv"
    assert "the first line is a header naming column_names: leave them out" in issue.message


def test_column_names_of_a_file_whose_first_line_reads_as_another_header_are_refused(tmp_path):
    """CDNOW saved with a header of its own and configured with other column_names: the
    header was read as a row, three row errors ("not a date in 1 row, e.g. 'date'")."""
    header = " customer_id  date cds  dollar_value"
    _, report = _cdnow_log(tmp_path, [header, *CDNOW_LINES], **CDNOW_NAMES, columns=CDNOW_COLUMNS)
    issue = only_error(report)
    assert issue.message.startswith(
        "the first line reads as a header (customer_id, date, cds, dollar_value), not a row"
    )


def test_a_headerless_file_whose_first_row_leaves_fields_blank_reads(tmp_path):
    """A row with its last fields blank is no header: only words are."""
    lines = ["00001,19970101,,", "00002,19970102,2,29.33", "00003,19970103,1,9.99"]
    _, report = _cdnow_log(tmp_path, lines, **CDNOW_NAMES, columns=CDNOW_COLUMNS)
    assert not any("reads as a header" in issue.message for issue in report.issues)


def test_column_names_are_for_delimited_text_only(tmp_path):
    _, report = check(tmp_path, fmt="parquet", specs={"events": {"column_names": ["a", "b"]}})
    issue = only_error(report)
    assert issue.path.name == "events.parquet"
    assert "column_names is for delimited text without a header line; this is Parquet" in str(issue)


def test_a_separator_is_for_delimited_text_only(tmp_path):
    _, report = check(tmp_path, fmt="parquet", specs={"events": {"separator": "::"}})
    assert "separator is for delimited text; this is Parquet" in only_error(report).message


def test_column_names_may_not_repeat(tmp_path):
    config = write_dataset(tmp_path, specs={"events": {"column_names": ["a", "b", "a"]}})
    with pytest.raises(ConfigError, match="column_names names a column twice: a"):
        load_config(config)


def test_dates_not_in_the_set_date_format_are_errors_naming_it(tmp_path):
    events = events_frame().assign(timestamp=["03/02/2024", "2024-02-04", "20/01/2024", "x"])
    _, report = check(tmp_path, events=events, specs={"events": {"date_format": "%d/%m/%Y"}})
    issue = only_error(report)
    assert_located(issue, file="events.csv", column="timestamp", rows=2)
    assert "not a date in %d/%m/%Y" in issue.message and "'2024-02-04'" in issue.message


def test_dates_pandas_cannot_hold_are_errors(tmp_path):
    customers = customers_frame().assign(signup_date=["2023-01-10", "9999-12-31", None, None])
    _, report = check(tmp_path, customers=customers)
    assert_located(only_error(report), file="customers.csv", column="signup_date", rows=1)


def test_a_unit_price_and_quantity_give_the_amount(tmp_path):
    """Line-item logs (price per unit, units; returns as negative units) map unit_price
    and quantity: the amount is their product, a return is ignored with a warning that
    names both source columns."""
    lines = many_transactions(40).drop(columns="amount")
    lines["Price"] = [2.5] * 40
    lines["Qty"] = [2] * 39 + [-1]
    columns = {"unit_price": "Price", "quantity": "Qty", "category": "category"}
    tables, report = check(
        tmp_path, transactions=lines, specs={"transactions": {"columns": columns}}
    )
    assert report.errors == [] and tables is not None
    assert list(tables.transactions["amount"]) == [5.0] * 39
    assert "Price x Qty" in str(only_warning(report))
    assert "unit_price" not in tables.transactions


def test_a_return_of_negative_price_and_quantity_reads_as_the_line_total_does(tmp_path):
    """A retail log writing a return as Qty -2 at Rate -7 (total_amt -14): mapped as
    {unit_price, quantity} it is a return of 14, as mapped by its total, not a purchase
    (-2 x -7 = 14); a negative price alone is a credit alike."""
    lines = many_transactions(40).rename(columns={"amount": "total"})
    lines["Qty"], lines["Rate"] = 2, lines["total"] / 2
    bought = lines.loc[4]  # customer 1, 2024-05-05, 2 x 7.0, paper
    back = {**bought.to_dict(), "timestamp": "2024-05-09", "Qty": -2, "Rate": -7.0, "total": -14.0}
    credit = {**back, "Qty": 1, "Rate": -3.0, "total": -3.0}
    lines = pd.concat([lines, pd.DataFrame([back, credit])], ignore_index=True)
    read = {}
    for money in ({"amount": "total"}, {"unit_price": "Rate"}):
        columns = {**money, "quantity": "Qty", "category": "category"}
        tables = load(tmp_path, transactions=lines, specs={"transactions": {"columns": columns}})
        read[next(iter(money))] = tables.transactions
    pdt.assert_frame_equal(read["unit_price"], read["amount"], check_like=True)
    frame = read["unit_price"]
    assert len(frame) == 40 and (frame["amount"] > 0).all()
    (returned,) = frame.loc[frame["returned_at"].notna()].itertuples()
    assert (returned.customer_id, returned.amount) == (1, 14.0)


def test_a_list_price_gives_the_discount_below_it(tmp_path):
    """A payment log with the plan's list price beside what was paid: the discount is
    the difference where the member paid less, none where they paid the list price or
    more, unknown where the list price is blank."""
    payments = transactions_frame().assign(list=[120.0, 49.5, 60.0, 12.0, 70.0, 250.0, None, 40.0])
    columns = {"category": "category", "list_price": "list"}
    tables = load(tmp_path, transactions=payments, specs={"transactions": {"columns": columns}})
    lines = tables.transactions.sort_values(["customer_id", "timestamp"])
    own = lines.loc[lines["customer_id"] == 1, "discount"].tolist()  # 60/60, 35.5/49.5, 15/-
    assert own[:2] == [0.0, 14.0] and np.isnan(own[2])
    assert lines["discount"].isna().sum() == 1
    assert "list_price" not in tables.transactions
    features = build_features(tables, cutoffs="2024-12-31").set_index("customer_id")
    assert features.loc[1, "discount_share_365d"] == pytest.approx(35.5 / 110.5)


def test_list_price_and_discount_are_not_both_mapped(tmp_path):
    columns = {"category": "category", "discount": "category", "list_price": "amount"}
    path = write_dataset(tmp_path, specs={"transactions": {"columns": columns}})
    with pytest.raises(ConfigError, match="either discount or list_price"):
        load_config(path)


def test_many_negative_amounts_are_an_error(tmp_path):
    transactions = transactions_frame().assign(amount=[-5.0, 1, 2, -1, 3, 4, 5, 6])
    _, report = check(tmp_path, transactions=transactions)
    issue = only_error(report)
    assert_located(issue, file="transactions.csv", column="amount", rows=2)
    expected = "25.0% of amounts negative and mirroring no purchase (2 rows); at most 10% can"
    assert expected in issue.message


def test_a_few_negative_amounts_are_returns_ignored_with_a_warning(tmp_path):
    transactions = many_transactions(40)
    transactions.loc[[5, 30], "amount"] = -12.5
    tables, report = check(tmp_path, transactions=transactions)
    assert report.errors == [] and tables is not None
    (warning,) = report.warnings
    assert_located(warning, file="transactions.csv", column="amount", rows=2)
    assert "5.0% of amounts negative and mirroring no purchase (2 rows)" in warning.message
    assert len(tables.transactions) == 38 and (tables.transactions["amount"] >= 0).all()
    assert "returned_at" not in tables.transactions


def test_a_return_mirroring_a_purchase_reverses_it_from_its_day(tmp_path):
    """A cancelled order ('C' invoice: the same line, negative) no longer counts from the
    day of the return: the loader marks the purchase (`returned_at`) and drops the return."""
    lines = many_transactions(40)
    bought = lines.loc[4]  # customer 1, 2024-05-05, 14.0, paper
    cancel = {**bought.to_dict(), "timestamp": "2024-05-09", "amount": -bought["amount"]}
    lines = pd.concat([lines, pd.DataFrame([cancel])], ignore_index=True)
    tables, report = check(tmp_path, transactions=lines)
    assert report.errors == [] and tables is not None
    issue = only_warning(report)
    assert_located(issue, file="transactions.csv", column="amount", rows=1)
    assert (
        "reverses a purchase on or before its day (same customer, category and amount)"
        in issue.message
    )
    frame = tables.transactions
    assert len(frame) == 40 and (frame["amount"] > 0).all()
    assert frame["returned_at"].notna().sum() == 1
    (returned,) = frame.loc[frame["returned_at"].notna()].itertuples()
    assert (returned.customer_id, returned.amount) == (1, 14.0)
    assert returned.returned_at == pd.Timestamp("2024-05-09")


def test_a_payment_log_with_paid_until_keeps_free_periods_and_future_ends(tmp_path):
    """A subscription's payments: a period paid ahead ends after the extract date, and a
    free month (amount 0) is a renewal, not an ignored line."""
    lines = many_transactions(40).assign(paid_until="2025-06-30")
    lines.loc[[3, 7], "amount"] = 0.0
    specs = {"transactions": {"columns": {"paid_until": "paid_until"}}}
    tables, report = check(tmp_path, transactions=lines, specs=specs)
    assert report.errors == [] and tables is not None, [str(i) for i in report.issues]
    assert len(tables.transactions) == 40
    assert (tables.transactions["paid_until"] == pd.Timestamp("2025-06-30")).all()


def test_a_negative_usage_quantity_is_unknown_with_a_warning(tmp_path):
    events = events_frame().assign(quantity=[30.0, -9.2e15, 12.0, 5.0])
    specs = {"events": {"columns": {"quantity": "quantity"}}}
    tables, report = check(tmp_path, events=events, specs=specs)
    assert tables is not None and report.errors == []
    issue = only_warning(report)
    assert_located(issue, file="events.csv", column="quantity", rows=1)
    assert tables.events["quantity"].isna().sum() == 1


def _daily_counts() -> pd.DataFrame:
    """A MOOC's daily log: a row per learner and day of the course, padded with zeros."""
    return pd.DataFrame(
        {
            "enrollment_id": [1, 1, 1, 2, 2, 4],
            "day": ["2024-02-01", "2024-02-02", "2024-02-03"] * 2,
            "video": [3, 0, 0, 0, None, None],
            "wiki": [0, 0, 2, None, 0, None],
        }
    )  # fmt: skip


def test_a_padded_daily_log_s_rows_of_zeros_are_no_use(tmp_path):
    """KDD Cup 2015: 91.9% of a daily log's rows are 0 in every count; read as days of
    use, no learner ever lapsed and training found only stayers. A row blank in every
    quantity is no count of zero (an event whose measures were not written): kept."""
    columns = {"customer_id": "enrollment_id", "timestamp": "day"}
    specs = {"events": {"columns": columns, "quantities": {"video": "videos", "wiki": "wikis"}}}
    tables, report = check(tmp_path, events=_daily_counts(), specs=specs)
    assert tables is not None and report.errors == []
    events = tables.events
    assert list(zip(events["customer_id"], events["timestamp"].dt.day, strict=True)) == [
        (1, 1), (1, 3), (4, 3)
    ]  # fmt: skip
    (said,) = [w for w in report.warnings if "every quantity" in w.message]
    assert_located(said, file="events.csv", column=None, rows=3)
    assert said.message == (
        "3 rows (50.0%) are 0 in every quantity (video, wiki): read as no use and left out"
    )
    # its share is of the rows still read: two guest rows, already left out, count not
    guests = pd.DataFrame({"day": ["2024-02-01"] * 2, "video": [0, 1], "wiki": [0, 0]})
    log = pd.concat([_daily_counts(), guests], ignore_index=True)
    _, report = check(tmp_path, events=log, specs=specs)
    (said,) = [w for w in report.warnings if "every quantity" in w.message]
    assert said.message.startswith("3 rows (50.0%) are 0 in every quantity")
    padding = _daily_counts().iloc[[1, 3]]
    _, report = check(tmp_path, events=padding, specs=specs)
    issue = only_error(report)
    assert_located(issue, file="events.csv", column=None, rows=2)
    assert issue.message == "all 2 rows are 0 in every quantity (video, wiki): no use at all"


def test_quantities_written_the_other_way_round_say_how_to_write_them(tmp_path):
    """A pet insurer's claims: `quantities: {claimed: ClaimedAmount}` named a column
    'claimed' the file lacks, and listed the columns without a word of the swap."""
    columns = {"customer_id": "enrollment_id", "timestamp": "day"}
    specs = {"events": {"columns": columns, "quantities": {"videos": "video"}}}
    issue = only_error(check(tmp_path, events=_daily_counts(), specs=specs)[1])
    assert issue.message.startswith(
        "column not found (configured for 'quantities.videos'): 'video' is the file's "
        "column; quantities map each column to its words, {video: videos}; available:"
    )


def test_a_padded_grid_of_each_customers_own_period_is_a_warning(tmp_path):
    """KDD Cup 2015: each enrollment's 30 days, zeros included, end at its course's end,
    long before the log's: inactivity read every enrollment churned there. A grid padded
    to the log's end for everyone is no such grid."""
    columns = {"customer_id": "enrollment_id", "timestamp": "day"}
    quantities = {"video": "videos", "wiki": "wikis"}
    specs = {"events": {"columns": columns, "quantities": quantities}}
    rows = []
    for learner in range(1, 11):  # ten courses, a month apart, 30 days each
        start = pd.Timestamp("2024-01-01") + pd.DateOffset(months=learner - 1)
        for day in pd.date_range(start, periods=30):
            rows.append((learner, str(day.date()), 1 if day == start else 0))
    grid = pd.DataFrame(rows, columns=["enrollment_id", "day", "video"]).assign(wiki=0)
    _, report = check(tmp_path, events=grid, specs=specs, data={"as_of": "2024-10-30"})
    (said,) = [w for w in report.warnings if "own period" in w.message]
    assert said.message.startswith(
        "the rows of 9 customers (90%), zeros included, span 30 days each and end a month or "
        "more before the log's last day (2024-10-30): a grid of each customer's own period?"
    )
    everyone = pd.DataFrame(
        [
            (k, str(d.date()), 0)
            for k in range(1, 11)
            for d in pd.date_range("2024-01-01", "2024-10-30")
        ],
        columns=["enrollment_id", "day", "video"],
    ).assign(video=lambda f: (f["day"] == "2024-01-01").astype(int), wiki=0)
    _, report = check(tmp_path, events=everyone, specs=specs, data={"as_of": "2024-10-30"})
    assert not [w for w in report.warnings if "own period" in w.message]
    week = grid[pd.to_datetime(grid["day"]).dt.day <= 7]  # a week each: still a grid
    _, report = check(tmp_path, events=week, specs=specs, data={"as_of": "2024-10-30"})
    assert [w for w in report.warnings if "span 7 days each" in w.message]
    days = grid[pd.to_datetime(grid["day"]).dt.day <= 6]  # six days: a visit or two
    _, report = check(tmp_path, events=days, specs=specs, data={"as_of": "2024-10-30"})
    assert not [w for w in report.warnings if "own period" in w.message]


TWO_COUNTS = {"quantities": {"wiki": "wikis"}, "columns": {"quantity": "video"}}


@pytest.mark.parametrize(
    "spec",
    [
        {**TWO_COUNTS, "columns": {"quantity": "video", "type": "kind"}},  # a typed event
        {"columns": {"quantity": "video"}},  # a visit of 0 minutes is a visit
        {"quantities": {"wiki": "wikis"}},  # a lone measure too, whatever its key
        {**TWO_COUNTS, "attributes": ["plan"]},  # says the plan then
    ],
)
def test_rows_of_zeros_are_use_where_the_row_says_more_than_counts(tmp_path, spec):
    log = _daily_counts().assign(kind="visit", plan="pro")
    columns = {"customer_id": "enrollment_id", "timestamp": "day", **spec.pop("columns", {})}
    tables, report = check(tmp_path, events=log, specs={"events": {"columns": columns, **spec}})
    assert tables is not None and len(tables.events) == 6
    assert not any("every quantity" in w.message for w in report.warnings)


def test_amounts_of_zero_are_no_purchases(tmp_path):
    lines = many_transactions(40)
    lines.loc[[3, 7, 9], "amount"] = 0.0
    tables, report = check(tmp_path, transactions=lines)
    assert tables is not None and len(tables.transactions) == 37
    issue = only_warning(report)
    assert_located(issue, file="transactions.csv", column="amount", rows=3)
    assert "with an amount of 0 (free items, adjustments) ignored" in issue.message


def test_a_log_without_any_spend_is_an_error_pointing_to_events(tmp_path):
    _, report = check(tmp_path, transactions=many_transactions(40).assign(amount=0.0))
    issue = only_error(report)
    assert_located(issue, file="transactions.csv", column="amount", rows=40)
    assert "map it" not in issue.message and "usage log (events)" in issue.message


def test_many_missing_amounts_are_an_error(tmp_path):
    transactions = transactions_frame().assign(amount=[None, 1, 2, 3, 4, 5, 6, 7])
    _, report = check(tmp_path, transactions=transactions)
    issue = only_error(report)
    assert_located(issue, file="transactions.csv", column="amount", rows=1)
    assert "12.5% of amounts missing" in issue.message


def test_few_missing_amounts_are_a_warning_and_those_rows_are_dropped(tmp_path):
    transactions = many_transactions(40)
    transactions.loc[7, "amount"] = None
    tables, report = check(tmp_path, transactions=transactions)
    assert report.errors == [] and tables is not None
    (warning,) = report.warnings
    assert_located(warning, file="transactions.csv", column="amount", rows=1)
    assert "2.5% of amounts missing (1 row); those rows are ignored" in warning.message
    assert len(tables.transactions) == 39 and tables.transactions["amount"].notna().all()


def test_duplicate_customer_ids(tmp_path):
    """Rows that differ under one id are an error naming what differs."""
    changed = customers_frame().iloc[[1, 1]].assign(region=["west", "east"])
    customers = pd.concat([customers_frame(), changed])
    _, report = check(tmp_path, customers=customers)
    issue = only_error(report)
    assert_located(issue, file="customers.csv", column="customer_id", rows=3)
    assert "appear more than once (differing in region)" in issue.message
    assert "e.g. 2" in issue.message


def test_rows_repeating_their_customer_exactly_are_one_customer(tmp_path):
    """An event log carrying each user's attributes on every event, used as the
    customers table."""
    customers = pd.concat([customers_frame(), customers_frame().iloc[[1, 1, 3]]])
    tables, report = check(tmp_path, customers=customers)
    assert report.errors == [] and tables is not None
    assert list(tables.customers["customer_id"]) == [1, 2, 3, 4]
    warning = only_warning(report)
    assert warning.rows == 3 and "repeat their customer's row exactly" in warning.message


def test_an_attribute_that_changes_across_a_logs_rows_keeps_the_most_frequent(tmp_path):
    """A purchase log read as the customers table for its Country: a customer who also
    ordered from a second country keeps the country of most of their rows."""
    base = customers_frame()
    moved = base.iloc[[1]].assign(region="west")
    log = pd.concat([base, base.iloc[[1, 1]], moved, base.iloc[[3]]], ignore_index=True)
    tables, report = check(tmp_path, customers=log)
    assert report.errors == [] and tables is not None
    assert list(tables.customers["customer_id"]) == [1, 2, 3, 4]
    assert list(tables.customers["region"]) == ["north", "south", "north", "east"]
    changed = [w for w in report.warnings if w.column == "region"]
    assert len(changed) == 1 and changed[0].rows == 1
    assert "each keeps their most frequent" in changed[0].message


def _usage_log(
    tmp_path: Path, rows: list[tuple[int, str, str, str]], date_format: str | None = None
) -> Tables:
    """A Sparkify-style log (user, time, page, level) as the events and the customers;
    its dates written in `date_format` when given."""
    log = pd.DataFrame(rows, columns=["userId", "ts", "page", "level"])
    if date_format is not None:
        log["ts"] = pd.to_datetime(log["ts"]).dt.strftime(date_format)
    log.to_csv(tmp_path / "log.csv", index=False)
    config = {
        "name": "stream",
        "data": {
            "as_of": "2024-06-30",
            "customers": {
                "path": "log.csv",
                "columns": {"customer_id": "userId"},
                "attributes": ["level"],
            },
            "events": {
                "path": "log.csv",
                "columns": {"customer_id": "userId", "timestamp": "ts", "type": "page"},
                "date_format": date_format,
            },
            "cancellations": {
                "path": "log.csv",
                "columns": {"customer_id": "userId", "timestamp": "ts"},
                "rows": {"column": "page", "values": ["Cancellation Confirmation"]},
            },
        },
        "churn": {"definition": "cancellation", "horizon_days": 30},
    }
    (tmp_path / "churn.yaml").write_text(yaml.safe_dump(config))
    tables, report = validate(load_config(tmp_path / "churn.yaml"))
    assert report.errors == [] and tables is not None
    return tables


LOG_ROWS = [
    (1, "2024-01-05", "NextSong", "free"),
    (1, "2024-01-20", "NextSong", "free"),
    (1, "2024-02-10", "Submit Upgrade", "paid"),
    (2, "2024-01-07", "NextSong", "paid"),
    (2, "2024-03-01", "Submit Downgrade", "free"),
    (2, "2024-03-02", "NextSong", "free"),
    (2, "2024-05-01", "Cancellation Confirmation", "free"),
]


def test_a_logs_attributes_are_read_as_of_each_cutoff(tmp_path):
    """A user's level then, not their most frequent level over the whole file."""
    tables = _usage_log(tmp_path, LOG_ROWS)
    assert tables.attribute_history is not None
    assert list(tables.attribute_history["level"]) == ["free", "paid", "paid", "free"]  # changes
    features = build_features(tables, cutoffs=["2024-01-31", "2024-02-29", "2024-03-31"])
    level = features.pivot(index="customer_id", columns="cutoff", values="level")
    assert level.loc[1].tolist() == ["free", "paid", "paid"]
    assert level.loc[2].tolist() == ["paid", "paid", "free"]


def test_one_file_read_as_two_tables_warns_once_when_loaded(tmp_path, caplog):
    """The customers and the events of one log: its guest rows are said once."""
    _usage_log(tmp_path, [*LOG_ROWS, (None, "2024-01-09", "Home", "free")])  # writes the files
    with caplog.at_level("WARNING", logger="features"):
        load_tables(load_config(tmp_path / "churn.yaml"))
    guests = [r for r in caplog.records if "no customer id" in r.getMessage()]
    assert len(guests) == 1  # the same words on the same file and column
    assert "log.csv, column 'userId'" in guests[0].getMessage()


def test_a_logs_attribute_times_are_read_with_the_logs_date_format(tmp_path):
    """Day-first dates: 10/02 is 10 February for the events and so for the levels."""
    tables = _usage_log(tmp_path, LOG_ROWS, date_format="%d/%m/%Y")
    features = build_features(tables, cutoffs=["2024-02-15"])
    assert features.set_index("customer_id")["level"].to_dict() == {1: "paid", 2: "paid"}


def test_a_logs_attributes_at_a_cutoff_ignore_rows_after_it(tmp_path):
    """Leakage: a downgrade recorded after the cutoff changes nothing at it."""
    cutoff = "2024-02-29"
    before = build_features(_usage_log(tmp_path, LOG_ROWS), cutoffs=cutoff)
    later = [(1, "2024-04-02", "Submit Downgrade", "free")] * 5 + [
        (3, "2024-04-03", "Home", "paid")
    ]
    after = build_features(_usage_log(tmp_path, LOG_ROWS + later), cutoffs=cutoff)
    pd.testing.assert_frame_equal(before, after)


def test_a_known_value_wins_over_more_blanks(tmp_path):
    base = customers_frame()
    blank = base.iloc[[1]].assign(region=None)
    log = pd.concat([base, base.iloc[[1]], blank, blank, blank, base.iloc[[3, 0]]])
    tables, report = check(tmp_path, customers=log)
    assert report.errors == [] and tables is not None
    assert list(tables.customers["region"]) == ["north", "south", "north", "east"]


def test_a_customers_table_with_a_pasted_row_and_a_conflict_is_still_an_error(tmp_path):
    """One exact repeat does not make a customers table a log: customer 2's two regions
    (no repeated row of theirs) are a conflict to fix, not a value to pick."""
    base = customers_frame()
    table = pd.concat([base, base.iloc[[3]], base.iloc[[1]].assign(region="west")])
    _, report = check(tmp_path, customers=table)
    assert "differing in region" in only_error(report).message


def test_a_log_whose_rows_differ_beyond_attributes_is_still_an_error(tmp_path):
    base = customers_frame()
    other_signup = base.iloc[[1]].assign(signup_date="2023-04-01")
    log = pd.concat([base, base.iloc[[1]], other_signup], ignore_index=True)
    _, report = check(tmp_path, customers=log)
    assert "differing in signup_date" in only_error(report).message


def test_activity_of_customers_the_customers_table_does_not_list(tmp_path):
    """A demographics table of only some households (dunnhumby: 801 of 2,500): the others
    are customers whose attributes are unknown, said in a warning."""
    events = events_frame().assign(customer_id=[1, 2, 9, 9])
    tables, report = check(tmp_path, events=events)
    assert report.errors == [] and tables is not None
    (issue,) = [w for w in report.warnings if w.table == "events"]
    assert_located(issue, file="events.csv", column="customer_id", rows=2)
    assert "1 customer in 2 rows has no row in the customers table, e.g. 9" in issue.message
    people = tables.customers.set_index("customer_id")
    assert list(people.index) == [1, 2, 3, 4, 9]
    assert pd.isna(people.loc[9, "region"]) and pd.isna(people.loc[9, "signup_date"])
    assert people["region"].dtype == tables.customers["region"].dtype
    assert len(tables.events) == 4


def test_activity_whose_ids_none_of_the_customers_hold_is_an_error(tmp_path):
    """No id in common: ids written two ways ('C001' and 1), not a partial table."""
    events = events_frame().assign(customer_id=[7, 8, 9, 9])
    _, report = check(tmp_path, events=events)
    issue = only_error(report)
    assert_located(issue, file="events.csv", column="customer_id", rows=4)
    assert "none of this table's is: written otherwise?" in issue.message


def test_service_contacts_of_people_who_are_no_customers_are_ignored(tmp_path):
    """A support desk's tickets from prospects: left out with a warning."""
    interactions = interactions_frame().assign(customer_id=[1, 99, 2])
    tables, report = check(tmp_path, interactions=interactions)
    assert report.errors == [] and tables is not None
    (issue,) = [w for w in report.warnings if w.table == "interactions"]
    assert issue.rows == 1 and "(not customers: prospects?) ignored" in issue.message
    assert sorted(tables.interactions["customer_id"]) == [1, 2]


def test_a_labelled_snapshots_rows_are_its_population(tmp_path):
    """Under label_column a customer outside the snapshot has no label: their activity
    is left out, not added."""
    customers = customers_frame().assign(churned=["y", "n"] * 2)
    tables, report = check(
        tmp_path,
        customers=customers,
        events=events_frame().assign(customer_id=[1, 2, 9, 9]),
        specs={"customers": {"label": {"column": "churned", "positive": "y"}}},
        churn={"definition": "label_column"},
    )
    assert report.errors == [] and tables is not None
    assert 9 not in set(tables.customers["customer_id"]) and 9 not in set(
        tables.events["customer_id"]
    )


def test_future_timestamps_are_after_as_of(tmp_path):
    events = events_frame().assign(
        timestamp=["2024-02-03", "2025-01-01", "2024-12-31 23:59", "2030-05-05"]
    )
    _, report = check(tmp_path, events=events)
    issue = only_error(report)
    assert_located(issue, file="events.csv", column="timestamp", rows=2)
    assert "2024-12-31 (data.as_of)" in issue.message and "2025-01-01" in issue.message


def test_cancellations_after_the_extract_are_scheduled_ends_ignored_with_a_warning(tmp_path):
    """A SaaS subscriptions export's end_date holds the end of a plan cancelled at its
    period's end: 101 ends after as_of stopped `churn validate` with an error. Not yet a
    cancellation at any cutoff the data allow, they are left out of every feature and
    label; a label whose horizon reaches past as_of is unobserved anyway."""
    cancels = pd.DataFrame(
        {"customer_id": [1, 2, 3], "timestamp": ["2024-12-31 23:59", "2025-01-01", "2025-03-01"]}
    )
    tables, report = check(tmp_path / "scheduled", cancellations=cancels)
    assert report.errors == [] and tables is not None
    (issue,) = [w for w in report.warnings if "scheduled" in w.message]
    assert_located(issue, file="cancellations.csv", column="timestamp", rows=2)
    assert issue.message.startswith("2 rows dated after 2024-12-31 (data.as_of), e.g. 2025-01-01:")
    assert issue.message.endswith("no cancellation yet at any cutoff the data allow: ignored")
    without = load(tmp_path / "without", cancellations=cancels.iloc[:1])
    pdt.assert_frame_equal(tables.cancellations, without.cancellations)
    churn = ChurnSpec(definition="cancellation", horizon_days=90)
    cutoffs = ["2024-09-30", "2024-12-15"]  # the second's horizon holds 2025-01-01
    pdt.assert_frame_equal(
        build_features(tables, cutoffs=cutoffs), build_features(without, cutoffs=cutoffs)
    )
    labels = label_churn(tables, churn, cutoffs=cutoffs)
    pdt.assert_frame_equal(labels, label_churn(without, churn, cutoffs=cutoffs))
    observed = labels.groupby("cutoff")["observed"].all()
    assert observed.tolist() == [True, False]  # a horizon past as_of is unobserved


def test_a_date_read_the_wrong_way_round_shows_as_written_and_as_read(tmp_path):
    """Day-first dates whose days are all 12 or less read month first: the error shows
    the file's text beside the date it became."""
    events = events_frame().assign(
        timestamp=["03/02/2024", "05/01/2024", "09/10/2024", "11/12/2024"]
    )
    config = load_config(write_dataset(tmp_path, events=events))
    _, report = validate(
        config.model_copy(
            update={"data": config.data.model_copy(update={"as_of": dt.date(2024, 10, 31)})}
        )
    )
    issue = only_error(report)
    assert "'11/12/2024' read as 2024-11-12" in issue.message


def test_signups_after_an_explicit_as_of_are_not_yet_customers_with_a_warning(tmp_path):
    """The Czech bank's accounts table was exported after its transactions: 3,271 account
    openings after `as_of` were an error, where without it the inferred end left those
    accounts out. A signup after today (no `as_of`) is still an error: a wrong date."""
    people = customers_frame()
    people.loc[4] = [5, "2025-03-05", 100.0, "east", 1]  # no purchase or usage
    people.loc[2, "signup_date"] = "2025-01-01"  # purchases before it
    tables, report = check(tmp_path, customers=people)
    assert tables is not None and report.errors == []
    (issue,) = [w for w in report.warnings if "signed up after" in w.message]
    assert_located(issue, file="customers.csv", column="signup_date", rows=2)
    assert issue.message == (
        "2 customers signed up after 2024-12-31 (data.as_of), e.g. '2025-01-01' read as "
        "2025-01-01: not yet customers then, left out unless active before"
    )
    features = build_features(tables, cutoffs=["2024-12-31"])
    assert set(features["customer_id"]) == {1, 2, 3, 4}
    _, report = check(tmp_path, customers=people, today=dt.date(2024, 12, 31), data={"as_of": None})
    assert_located(only_error(report), file="customers.csv", column="signup_date", rows=2)


def test_today_bounds_timestamps_when_as_of_is_not_set(tmp_path):
    _, report = check(tmp_path, today=dt.date(2024, 6, 1), data={"as_of": None})
    assert {issue.table for issue in report.errors} == {"transactions", "events"}
    assert all("(today; data.as_of sets" in issue.message for issue in report.errors)
    (scheduled,) = [w for w in report.warnings if w.table == "cancellations"]
    assert "(today; data.as_of sets" in scheduled.message and "scheduled" in scheduled.message


def test_empty_table(tmp_path):
    _, report = check(tmp_path, cancellations=events_frame().iloc[:0, :2])
    assert_located(only_error(report), file="cancellations.csv", column=None, rows=0)
    assert "no rows" in report.errors[0].message


def test_a_file_of_zero_bytes_is_said_to_be_empty(tmp_path):
    config = write_dataset(tmp_path)
    (tmp_path / "data" / "cancellations.csv").write_text("")
    _, report = validate(load_config(config))
    assert_located(only_error(report), file="cancellations.csv", column=None, rows=0)
    assert "the file is empty: no header line and no rows" in report.errors[0].message


def test_missing_timestamps_are_errors_and_activity_without_a_customer_is_ignored(tmp_path):
    events = (
        events_frame()
        .astype({"customer_id": "Int64"})
        .assign(timestamp=["2024-02-03", "", "2024-01-20", None])
    )
    events.loc[0, "customer_id"] = None
    _, report = check(tmp_path, events=events)
    assert_located(only_error(report), file="events.csv", column="timestamp", rows=2)
    (warning,) = [w for w in report.warnings if w.column == "customer_id"]
    assert_located(warning, file="events.csv", column="customer_id", rows=1)


def test_guest_purchases_are_ignored_with_a_warning(tmp_path):
    """A retail log has purchases without a customer id (guest checkouts): they belong to
    no customer, so they are left out, whatever their share, and the run goes on."""
    transactions = many_transactions(40).astype({"customer_id": "Int64"})
    transactions.loc[[3, 8, 20], "customer_id"] = None
    tables, report = check(tmp_path, transactions=transactions)
    assert report.errors == [] and tables is not None
    (warning,) = report.warnings
    assert_located(warning, file="transactions.csv", column="customer_id", rows=3)
    assert "no customer id in 3 rows (7.5%" in warning.message
    assert len(tables.transactions) == 37


def test_a_table_without_any_customer_id_is_an_error(tmp_path):
    events = events_frame().astype({"customer_id": "Int64"}).assign(customer_id=None)
    _, report = check(tmp_path, events=events)
    assert_located(only_error(report), file="events.csv", column="customer_id", rows=4)


def test_a_customer_without_an_id_is_an_error(tmp_path):
    customers = customers_frame().astype({"customer_id": "Int64"})
    customers.loc[2, "customer_id"] = None
    _, report = check(tmp_path, customers=customers)
    issue = next(i for i in report.errors if i.column == "customer_id")
    assert_located(issue, file="customers.csv", column="customer_id", rows=1)


def test_junk_after_the_first_csv_block_falls_back_to_the_c_parser(tmp_path):
    """pyarrow infers types on the first block and fails on a later one; the report must not."""
    transactions = many_transactions(60_000).astype({"amount": "object"})
    transactions.loc[59_990, "amount"] = "twelve"
    _, report = check(tmp_path, transactions=transactions)
    issue = only_error(report)
    assert_located(issue, file="transactions.csv", column="amount", rows=1)
    assert "'twelve'" in issue.message


# --- interactions --------------------------------------------------------------------------


def test_interaction_types_are_mapped_and_unmapped_ones_become_other(tmp_path):
    interactions = interactions_frame().assign(type=["Complaint", "chat", "TICKET"])
    tables, report = check(tmp_path, interactions=interactions)
    assert tables is not None
    assert sorted(tables.interactions["type"]) == ["complaint", "other", "ticket"]
    (warning,) = [w for w in report.warnings if "not in `interactions.types`" in w.message]
    assert_located(warning, file="interactions.csv", column="type", rows=1)
    assert "'chat' (1)" in warning.message


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_one_column_read_as_both_type_and_satisfaction_keeps_its_written_types(tmp_path, fmt):
    """Olist's review score as the type (1-2 a complaint) and the satisfaction: read as a
    number for the one, the type read '1.0' and every review was 'other'."""
    reviews = interactions_frame().drop(columns="type").assign(score=[1, 5, 2])
    spec = {
        "columns": {"type": "score", "satisfaction": "score"},
        "types": {"complaint": [1, 2], "survey": [3, 4, 5]},
    }
    tables = load(tmp_path, fmt=fmt, interactions=reviews, specs={"interactions": spec})
    assert list(tables.interactions.sort_values("timestamp")["type"]) == [
        "complaint",
        "complaint",
        "survey",
    ]
    assert sorted(tables.interactions["satisfaction"]) == [1.0, 2.0, 5.0]


def _purchases_on(days: pd.DatetimeIndex) -> pd.DataFrame:
    """A purchase by each of customers 1-4 on each of `days`."""
    return pd.DataFrame(
        [(c, str(day.date()), 10.0, "paper") for day in days for c in (1, 2, 3, 4)],
        columns=["customer_id", "timestamp", "amount", "category"],
    )


HOLE = "by any customer from"


def test_a_hole_in_the_whole_log_is_a_warning_saying_where_and_what_it_does(tmp_path):
    """Sakila's rentals run daily to 2005-08-23, then nothing until one day in 2006:
    validate said "data OK", and cutoffs inside the hole read everyone as silent."""
    days = pd.date_range("2024-01-01", "2024-03-31").append(pd.DatetimeIndex(["2024-09-30"]))
    _, report = check(tmp_path, transactions=_purchases_on(days), events=None)
    (warning,) = [w for w in report.warnings if HOLE in w.message]
    assert_located(warning, file="transactions.csv", column="timestamp", rows=0)
    assert warning.message.startswith(
        "no purchase by any customer from 2024-04-01 to 2024-09-29 (182 days, where 9 in 10 "
        "of the log's active days are 1 day apart or less): an extract missing that period? "
        "cutoffs inside it read every customer as silent"
    )


def test_a_billing_logs_monthly_rhythm_is_no_hole_but_months_missing_from_it_are(tmp_path):
    """Everyone paying on the 1st leaves ~30 empty days between active days, each month."""
    months = pd.date_range("2022-01-01", "2024-12-01", freq="MS")
    _, report = check(tmp_path, transactions=_purchases_on(months), events=None)
    assert not [w for w in report.warnings if HOLE in w.message]
    missing = months[(months < "2023-03-01") | (months >= "2023-08-01")]  # Mar-Jul gone
    _, report = check(tmp_path, transactions=_purchases_on(missing), events=None)
    (warning,) = [w for w in report.warnings if HOLE in w.message]
    assert "from 2023-02-02 to 2023-07-31 (180 days, where 9 in 10" in warning.message
    assert "active days are 31 days apart or less)" in warning.message


def test_rows_dated_years_before_the_rest_of_the_log_are_a_warning(tmp_path):
    """A tagging log's rows of 1956 beside monthly ones from 2005: stray dates, said."""
    months = pd.date_range("2020-01-01", "2024-12-01", freq="MS")
    stray = _purchases_on(pd.DatetimeIndex(["1956-06-01"])).head(1)
    purchases = pd.concat([stray, _purchases_on(months)], ignore_index=True)
    _, report = check(tmp_path, transactions=purchases, events=None)
    (warning,) = [w for w in report.warnings if "before the rest of the log" in w.message]
    assert_located(warning, file="transactions.csv", column="timestamp", rows=1)
    assert warning.message.startswith(
        "1 row on 1956-06-01, 63 years before the rest of the log (from 2020-01-01): dates "
        "mistyped, or placeholders for unknown?"
    )


def test_activity_that_ends_long_before_the_data_is_a_warning_naming_the_gap(tmp_path):
    """Every day after the last purchase reads as silence: Olist's orders end two months
    before its reviews, and a score as of the reviews' end saw risk rise everywhere."""
    _, report = check(tmp_path, ends_early=True)  # purchases end 2024-06-30, as_of 2024-12-31
    said = {w.table: w.message for w in report.warnings if ENDS_EARLY in w.message}
    assert set(said) == {"transactions", "events"}
    assert said["transactions"].startswith(
        "the last purchase is on 2024-06-30, 184 days before the data's end (2024-12-31, "
        "data.as_of): training and scoring read those days as no purchase by anyone"
    )
    late_review = interactions_frame().assign(timestamp=["2024-03-10", "2024-04-01", "2024-09-01"])
    _, report = check(
        tmp_path,
        ends_early=True,
        data={"as_of": None},
        interactions=late_review,
        events=None,
        cancellations=None,
    )
    (warning,) = [w for w in report.warnings if ENDS_EARLY in w.message]
    assert_located(warning, file="transactions.csv", column="timestamp", rows=0)
    assert "63 days before the data's end (2024-09-01, interactions)" in warning.message


def test_cancellations_that_end_a_horizon_before_the_data_are_a_warning(tmp_path):
    """A course log's withdrawals end in May, its extract in September: training stopped
    at "all validation rows are stayers" with no word of why."""
    churn = {"definition": "cancellation", "horizon_days": 60}
    _, report = check(tmp_path, ends_early=True, churn=churn)  # the last one 09-30, as_of 12-31
    (warning,) = [w for w in report.warnings if "the last cancellation is on" in w.message]
    assert_located(warning, file="cancellations.csv", column="timestamp", rows=0)
    assert warning.message.startswith(
        "the last cancellation is on 2024-09-30, 92 days before the data's end (2024-12-31, "
        "data.as_of), longer than the 60-day horizon"
    )
    _, report = check(tmp_path, ends_early=True, churn={**churn, "horizon_days": 120})
    assert not [w for w in report.warnings if "the last cancellation is on" in w.message]
    path = write_dataset(tmp_path, churn=churn)  # the remedy taken: a test cutoff set
    raw = yaml.safe_load(path.read_text())
    raw["evaluation"] = {"cutoff": "2024-06-30"}
    path.write_text(yaml.safe_dump(raw))
    _, report = validate(load_config(path))
    assert not [w for w in report.warnings if "the last cancellation is on" in w.message]


def test_activity_that_ends_within_four_weeks_of_the_data_is_no_news(tmp_path):
    _, report = check(tmp_path, ends_early=True, data={"as_of": "2024-07-27"}, cancellations=None)
    assert not [w for w in report.warnings if ENDS_EARLY in w.message]


def test_numbered_types_match_a_float_column_of_whole_numbers(tmp_path):
    """A Parquet column of review scores with a blank is float: '1.0' did not match
    `types: {complaint: [1, 2]}`, and every review was 'other'."""
    reviews = interactions_frame().drop(columns="type").assign(score=[1.0, 5.0, 2.0])
    spec = {"columns": {"type": "score"}, "types": {"complaint": [1, 2]}}
    tables = load(tmp_path, fmt="parquet", interactions=reviews, specs={"interactions": spec})
    assert sorted(tables.interactions["type"]) == ["complaint", "complaint", "other"]


def test_an_interaction_label_no_row_holds_is_said_with_what_was_meant(tmp_path):
    """A toy shop's `complaint: [refnd]` counted every refund as 'other', and no
    complaint was learned: said only as types not in the config. Labels read in another
    case or as a float's whole number are held."""
    refunds = interactions_frame().assign(type=["refund", "Phone", "refund"])
    spec = {"types": {"complaint": ["refnd"], "call": ["phone", "hotline"]}}
    _, report = check(tmp_path, interactions=refunds, specs={"interactions": spec})
    (said,) = [w.message for w in report.warnings if "labels never seen" in w.message]
    assert said == (
        "`interactions.types` labels never seen in the data: refnd "
        "(did you mean 'refund' for 'refnd'?)"
    )
    reviews = interactions_frame().drop(columns="type").assign(score=[1.0, 5.0, 2.0])
    spec = {"columns": {"type": "score"}, "types": {"complaint": [1, 2]}}
    _, report = check(tmp_path, fmt="parquet", interactions=reviews, specs={"interactions": spec})
    assert not [w for w in report.warnings if "labels never seen" in w.message]


def test_resolved_before_opened_is_a_warning(tmp_path):
    interactions = interactions_frame().assign(resolved_at=["2024-03-01", "", "2024-02-16"])
    tables, report = check(tmp_path, interactions=interactions)
    assert tables is not None
    assert_located(report.warnings[0], file="interactions.csv", column="resolved_at", rows=1)


# --- the report as a whole ---------------------------------------------------------------


def test_every_problem_is_collected_and_raised_one_per_line(tmp_path):
    events = events_frame().assign(customer_id=[7, 8, 9, 7])
    transactions = transactions_frame().assign(amount=[-5.0, 1, 2, 3, 4, 5, 6, 7])
    config = load_config(write_dataset(tmp_path, events=events, transactions=transactions))
    tables, report = validate(config)
    assert tables is None and len(report.errors) == 2
    with pytest.raises(DataError) as raised:
        load_tables(config)
    lines = str(raised.value).splitlines()
    assert len(lines) == 2
    assert any("transactions.csv" in line for line in lines)
    assert any("events.csv" in line for line in lines)


def test_summaries_describe_each_table(tmp_path):
    _, report = check(tmp_path)
    summary = {s.name: s for s in report.tables}["interactions"]
    assert (summary.rows, summary.customers) == (3, 2)
    assert summary.date_min == pd.Timestamp("2024-02-15")
    assert summary.missing_rates["resolved_at"] == pytest.approx(1 / 3)


def test_render_report_lists_tables_and_issues(tmp_path):
    _, report = check(tmp_path, events=events_frame().assign(customer_id=[7, 8, 9, 7]))
    console = Console(file=io.StringIO(), width=200)
    render_report(report, console)
    text = console.file.getvalue()
    for expected in ("customers", "transactions", "interactions", "events.csv", "1 error(s)"):
        assert expected in text


def test_render_report_names_the_tables_derived_customers_come_from(tmp_path):
    """A usage log alone (the MOOC's) listed its customers as '(from transactions)'."""
    alone = {"customers": None, "transactions": None, "interactions": None}
    for tables, said in (
        (alone, "(from events)"),
        ({"customers": None}, "(from transactions and events)"),
    ):
        _, report = check(tmp_path, **tables)
        console = Console(file=io.StringIO(), width=200)
        render_report(report, console)
        assert said in console.file.getvalue()


def test_the_missing_values_cell_names_the_most_missing_columns_only():
    """A wide snapshot's 200 columns with gaps made a wall of text."""
    rates = {f"Var{k}": k / 100 for k in range(1, 21)} | {"full": 0.0}
    text = _missing(rates)
    assert text.startswith("Var20 20.0%, Var19 19.0%") and text.endswith("and 12 more columns")
    assert "full" not in text and _missing({"full": 0.0}) == "-"


def test_a_missing_rate_is_never_rounded_to_none_or_all_of_the_rows():
    """Three blank signup dates in 10,362 rows read 'signup_date 0.0%'."""
    rates = {"signup_date": 3 / 10_362, "end": 0.9999, "region": 0.25, "full": 0.0}
    assert _missing(rates) == "end >99.9%, region 25.0%, signup_date <0.1%"
    # a table none of whose rows read (a wrong date_format) had "timestamp nan%, ..."
    assert _missing({"timestamp": float("nan"), "amount": float("nan")}) == "-"


@pytest.mark.parametrize(
    ("activity", "tenure"),
    [
        (False, "their tenure is unknown"),
        (True, "their tenure counts from their first purchase or usage event"),
    ],
)
def test_blank_signup_dates_are_warned_with_what_tenure_reads(tmp_path, activity, tenure):
    """The Club Data Set's members with a blank START_DATE had no tenure, silently; with
    purchases or usage a customer's tenure starts at the first of them."""
    customers = customers_frame().rename(columns={"signup_date": "START_DATE"})
    customers.loc[[1, 3], "START_DATE"] = None
    specs = {"customers": {"columns": {"signup_date": "START_DATE", "wallet": "wallet"}}}
    logs = {} if activity else {"transactions": None, "events": None, "interactions": None}
    churn = {"definition": "cancellation"}
    tables, report = check(tmp_path, customers=customers, specs=specs, churn=churn, **logs)
    assert tables is not None and report.errors == []
    warning = only_warning(report)
    assert_located(warning, file="customers.csv", column="START_DATE", rows=2)
    assert warning.message == f"signup_date blank in 2 rows: {tenure}"


def test_a_paid_until_before_its_payment_is_unknown_with_a_warning(tmp_path):
    """An expiry of 1970-01-01 (a placeholder) read as a -16,654-day plan."""
    lines = many_transactions(40).assign(paid_until="2025-06-30")
    lines.loc[[2, 5], "paid_until"] = "1970-01-01"
    specs = {"transactions": {"columns": {"paid_until": "paid_until"}}}
    tables, report = check(tmp_path, transactions=lines, specs=specs)
    assert tables is not None and report.errors == []
    issue = only_warning(report)
    assert_located(issue, file="transactions.csv", column="paid_until", rows=2)
    assert "before the payment's own day" in issue.message
    assert tables.transactions["paid_until"].isna().sum() == 2


def test_an_order_id_of_its_own_on_every_line_of_shared_days_is_warned(tmp_path):
    """An Iowa liquor wholesaler's line ids mapped as orders: a store's 45 orders a year
    read 2,131. An order of one line each, on days of its own, is no such id."""
    lines = many_transactions(120).assign(
        timestamp="2024-03-01", line=[f"L{i}" for i in range(120)]
    )
    specs = {"transactions": {"columns": {"order_id": "line"}}}
    _, report = check(tmp_path, transactions=lines, specs=specs)
    (issue,) = [i for i in report.warnings if i.column == "line"]
    assert_located(issue, file="transactions.csv", column="line", rows=120)
    assert issue.message.startswith("a value of its own on every one of 120 rows, while 100%")
    own_days = lines.assign(timestamp=pd.date_range("2023-01-01", periods=120).astype(str))
    _, report = check(tmp_path, transactions=own_days, specs=specs)
    assert not [i for i in report.warnings if i.column == "line"]
    invoices = lines.assign(line=[f"I{i // 10}" for i in range(120)])
    _, report = check(tmp_path, transactions=invoices, specs=specs)
    assert not [i for i in report.warnings if i.column == "line"]
    # a date_format that reads no date: the error says so, the lines share no day
    own_days["timestamp"] = own_days["timestamp"].str.replace("-", "/")
    specs["transactions"]["date_format"] = "%d/%m/%Y"
    _, report = check(tmp_path, transactions=own_days, specs=specs)
    assert [i.column for i in report.errors] == ["timestamp"]
    assert not [i for i in report.warnings if i.column == "line"]


@pytest.mark.parametrize(
    ("mapped", "column", "filled", "refilled", "said", "advice"),
    [
        # a SaaS subscriptions table's end_date, filled only for ended subscriptions (90%
        # blank), passed as a payment log's period ends
        (
            "paid_until",
            "paid_until",
            "2025-06-30",
            ["2025-06-30"] * 31,
            "blank or unknown in 36 rows (90.0%) of the payments",
            "map it as the cancellations table's timestamp instead",
        ),
        # Retail Rocket's events.csv mapped whole as transactions: its views and carts,
        # 99.5% of the rows, have no transaction id, and every view read as a purchase
        (
            "order_id",
            "order",
            "T1",
            [f"T{i}" for i in range(31)],
            "blank in 36 rows (90.0%) of the lines",
            "rows: {column: <the event column>",
        ),
    ],
)
def test_a_mostly_blank_column_is_warned_and_a_few_blanks_are_not(
    tmp_path, mapped, column, filled, refilled, said, advice
):
    """A column blank on most lines says the file is not what it is mapped as; a few
    blanks (9 of 40) are a log's gaps."""
    lines = many_transactions(40).assign(**{column: None})
    lines.loc[:3, column] = filled
    specs = {"transactions": {"columns": {mapped: column}}}
    tables, report = check(tmp_path, transactions=lines, specs=specs)
    assert tables is not None and report.errors == []
    issue = only_warning(report)
    assert_located(issue, file="transactions.csv", column=column, rows=36)
    assert issue.message.startswith(said)
    assert advice in issue.message
    lines.loc[:30, column] = refilled
    _, report = check(tmp_path, transactions=lines, specs=specs)
    assert report.warnings == []


def test_activity_dated_before_its_customers_signup_is_warned_per_table(tmp_path):
    """A SaaS export dated 13,198 of 25,000 usage rows before the account's signup_date
    and validate said nothing; a row on the signup day itself is no such row."""
    people = customers_frame().rename(columns={"signup_date": "created"})
    people.loc[0, "created"] = "2024-02-01"  # customer 1: bought 2024-02-01 10:30 and 01-15
    specs = {"customers": {"columns": {"signup_date": "created", "wallet": "wallet"}}}
    tables, report = check(tmp_path, customers=people, specs=specs)
    assert tables is not None
    said = {issue.table: issue for issue in report.warnings if "signup" in issue.message}
    assert set(said) == {"transactions", "events"}
    assert_located(said["events"], file="events.csv", column="timestamp", rows=1)
    assert said["transactions"].rows == 1
    assert said["events"].message == (
        "1 row dated before the customer's signup_date ('created') (1 customer): read as "
        "activity; the customer counts from the earlier of signup and first activity "
        "(purchase or usage)"
    )
    start = build_features(tables, cutoffs="2024-01-31").set_index("customer_id")
    assert start.loc[1, "tenure_days"] == 16  # from the purchase of 2024-01-15


def _one_order_each(customers: int, *, repeaters: int = 0) -> pd.DataFrame:
    """Two lines per order, one order per customer but for `repeaters`, who order twice."""
    ids = np.repeat(np.arange(1, customers + 1), 2)
    orders = ids.astype(str)
    days = np.full(len(ids), "2024-03-01", dtype=object)
    again = pd.DataFrame({"customer_id": np.arange(1, repeaters + 1)})
    lines = pd.DataFrame({"customer_id": ids, "order_id": orders, "timestamp": days})
    again = again.assign(order_id=[f"{i}b" for i in again.customer_id], timestamp="2024-05-02")
    return pd.concat([lines, again], ignore_index=True).assign(amount=10.0, category="ink")


def _second_order_warnings(tmp_path: Path, lines: pd.DataFrame, **specs) -> list[Issue]:
    _, report = check(tmp_path, customers=None, transactions=lines, specs=specs or None)
    return [issue for issue in report.warnings if "second order" in issue.message]


def test_a_purchase_log_where_nobody_orders_twice_is_warned_at_validate(tmp_path):
    """Olist's per-order customer_id passed validate ("data OK"); only train refused."""
    by_order = {"transactions": {"columns": {"category": "category", "order_id": "order_id"}}}
    (said,) = _second_order_warnings(tmp_path, _one_order_each(1500), **by_order)
    assert_located(said, file="transactions.csv", column="customer_id", rows=3000)
    assert said.message == (
        "1,500 customers in 3,000 rows, none with a second order: is customer_id an id per "
        "order (Olist's customer_id, not customer_unique_id)? Then nobody buys again, and "
        "training finds only churners"
    )
    nearly_none = _one_order_each(1500, repeaters=1)
    assert "only 1 with" in _second_order_warnings(tmp_path, nearly_none, **by_order)[0].message
    assert _second_order_warnings(tmp_path, _one_order_each(1500, repeaters=2), **by_order) == []
    assert _second_order_warnings(tmp_path, _one_order_each(999), **by_order) == []  # too few


def test_without_order_ids_a_second_purchase_day_is_a_second_order(tmp_path):
    assert len(_second_order_warnings(tmp_path, _one_order_each(1500))) == 1
    assert _second_order_warnings(tmp_path, _one_order_each(1500, repeaters=2)) == []
    yearly = {"transactions": {"payments": True}}  # one annual invoice each is no trap
    assert _second_order_warnings(tmp_path, _one_order_each(1500), **yearly) == []


def test_second_orders_are_counted_across_blocks(monkeypatch):
    ids = np.array([1, 1, 2, 2, 2, 3, 4, 4, 5, 5])
    orders = np.array(["a", "b", "c", "c", "d", "e", "f", "f", "g", "h"])
    for block in (1, 2, 3, 100):
        monkeypatch.setattr(sources, "SECOND_ORDER_BLOCK_ROWS", block)
        assert sources._second_orders(ids, orders, at_most=10) == 3  # customers 1, 2 and 5
        assert sources._second_orders(ids, orders, at_most=0) >= 1


def test_attributes_all_reads_every_other_column_with_inferred_kinds(tmp_path):
    """A snapshot of 230 anonymised columns is not listed by hand."""
    people = customers_frame().assign(
        Var1=[1.5, None, 3.0, 2.0], Var2=["a", "b", None, "a"], note=["x", "y", "z", "w"]
    )
    people.insert(0, "Unnamed: 0", range(4))  # a frame saved with its index
    specs = {"customers": {"attributes": "all", "not_attributes": ["note"]}}
    tables = load(tmp_path, customers=people, specs=specs)
    assert tables.attributes == {
        "region": "categorical",
        "seats": "numeric",
        "Var1": "numeric",
        "Var2": "categorical",
    }


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_attributes_all_leaves_out_a_column_of_one_value_in_every_row(tmp_path, fmt):
    """IBM Telco's `Count` (1) and `Quarter` (Q3) became features, a worklist segment and
    a column: nothing to learn, and a later extract's Q4 a level never seen. One value
    beside blanks is a flag, kept; a column listed by name is read as asked."""
    people = customers_frame().assign(
        Count=[1, 1, 1, 1], Quarter=["Q3", "Q3", "Q3 ", "Q3"], Referred=["Yes", None, None, "Yes"]
    )
    specs = {"customers": {"attributes": "all"}}
    tables, report = check(tmp_path, fmt=fmt, customers=people, specs=specs)
    assert tables is not None and tables.attributes == {
        "region": "categorical",
        "seats": "numeric",
        "Referred": "categorical",
    }
    (said,) = [w for w in report.warnings if "one value in all" in w.message]
    assert said.rows == 4 and said.message == (
        "2 columns hold one value in all 4 rows, no feature to learn from, left out of "
        "`attributes: all`: Count (1), Quarter (Q3)"
    )
    specs = {"customers": {"attributes": ["Count", "region"]}}
    tables, report = check(tmp_path, fmt=fmt, customers=people, specs=specs)
    assert tables is not None and "Count" in tables.attributes
    assert not [w for w in report.warnings if "one value in all" in w.message]


def test_attributes_all_keeps_the_value_column_an_attribute(tmp_path):
    """An ISP's `value: bill_avg` under `attributes: all` dropped bill_avg from the model
    (ROC AUC 0.978 -> 0.970); `not_attributes` still leaves it out."""
    people = customers_frame().assign(bill=[20.0, 35.5, 12.0, 60.0])
    columns = {"signup_date": "signup_date", "wallet": "wallet", "value": "bill"}
    specs = {"customers": {"columns": columns, "attributes": "all"}}
    tables = load(tmp_path, customers=people, specs=specs)
    assert tables.attributes == {"region": "categorical", "seats": "numeric", "bill": "numeric"}
    assert list(tables.customers["bill"]) == list(tables.customers["value"]) == list(people.bill)
    specs["customers"]["not_attributes"] = ["bill"]
    assert "bill" not in load(tmp_path, customers=people, specs=specs).attributes


def test_attributes_all_keeps_a_wallet_no_wallet_feature_reads(tmp_path):
    """With purchases the wallet is `wallet_365d` already; a snapshot alone has no wallet
    features, and its wallet column would be read by nothing."""
    people = customers_frame().rename(columns={"wallet": "budget"}).assign(churned=[1, 0, 0, 0])
    columns = {"signup_date": "signup_date", "wallet": "budget"}
    specs = {"customers": {"columns": columns, "attributes": "all", "not_attributes": ["churned"]}}
    assert "budget" not in load(tmp_path, customers=people, specs=specs).attributes
    alone = dict.fromkeys(("transactions", "events", "interactions", "cancellations"))
    specs["customers"] |= {"label": {"column": "churned", "positive": 1}, "not_attributes": []}
    churn = {"definition": "label_column"}
    tables = load(tmp_path, customers=people, specs=specs, churn=churn, **alone)
    assert tables.attributes["budget"] == "numeric"


def test_attributes_all_takes_the_kinds_it_is_given(tmp_path):
    """BigML's `Area code` under `attributes: all` could not be made categorical; a kind
    given is read as given, and a name the file lacks is said."""
    people = customers_frame().assign(Var1=[1.5, None, 3.0, 2.0])
    kinds = {"seats": "categorical", "Var1": "categorical", "Var9": "numeric"}
    specs = {"customers": {"attributes": "all", "attribute_kinds": kinds}}
    tables, report = check(tmp_path, customers=people, specs=specs)
    assert tables is not None
    assert tables.attributes == {
        "region": "categorical",
        "seats": "categorical",
        "Var1": "categorical",
    }
    assert list(tables.customers["seats"]) == ["3", "10", "1", "5"]
    (said,) = [w for w in report.warnings if "attribute_kinds" in w.message]
    assert said.message == "data.customers.attribute_kinds names no attribute: Var9: ignored"
    with pytest.raises(ValueError, match="attribute_kinds goes with `attributes: all`"):
        CustomersSpec(path="c.csv", attributes=["seats"], attribute_kinds={"seats": "numeric"})


def test_attributes_all_leaves_out_an_identifier_like_text_column(tmp_path):
    n = 150
    people = pd.DataFrame(
        {
            "customer_id": range(1, n + 1),
            "phone": [f"555-{k:04d}" for k in range(n)],
            "plan": ["basic", "pro", "max"] * (n // 3),
        }
    )
    lines = pd.DataFrame(
        {"customer_id": range(1, n + 1), "timestamp": "2024-03-01", "amount": 10.0, "category": "a"}
    )
    specs = {"customers": {"columns": {}, "attributes": "all"}}
    tables, report = check(tmp_path, customers=people, transactions=lines, specs=specs)
    assert tables is not None and tables.attributes == {"plan": "categorical"}
    issue = only_warning(report)
    assert_located(issue, file="customers.csv", column="phone", rows=n)
    assert "left out of `attributes: all`" in issue.message


def test_attributes_all_leaves_out_personal_names_however_few_their_levels(tmp_path):
    """AdventureWorks' LastName (375 surnames, the 100 most frequent on 60% of rows) was
    kept and gave 7,185 of 17,587 worklist rows a reason like "LastName: Turner"; a city
    and a plan's name, as few levels, stay."""
    n = 300
    people = pd.DataFrame(
        {
            "customer_id": range(1, n + 1),
            "LastName": ["Turner", "Munoz", "Yang"] * (n // 3),
            "Customer City": ["Paris", "Lyon", "Nice"] * (n // 3),
            "plan_name": ["basic", "pro"] * (n // 2),  # no recoding of the city
        }
    )
    lines = pd.DataFrame(
        {"customer_id": range(1, n + 1), "timestamp": "2024-03-01", "amount": 10.0, "category": "a"}
    )
    specs = {"customers": {"columns": {}, "attributes": "all"}}
    tables, report = check(tmp_path, customers=people, transactions=lines, specs=specs)
    assert tables is not None
    assert tables.attributes == {"Customer City": "categorical", "plan_name": "categorical"}
    issue = only_warning(report)
    assert_located(issue, file="customers.csv", column="LastName", rows=n)
    assert issue.message.startswith(
        "a person's name, 3 distinct in 300 rows: it says who a customer is, not how they "
        "deal with the business; left out of `attributes: all`"
    )


def test_attributes_a_model_reads_are_kept_whatever_a_fresh_extract_holds(tmp_path):
    """Trained on 281 cities (top 100 on most rows), a champion scoring 150 fresh
    customers in 150 cities read 'no column City' though the file had it."""
    n = 150
    people = pd.DataFrame({"customer_id": range(1, n + 1), "City": [f"C{k}" for k in range(n)]})
    lines = pd.DataFrame(
        {"customer_id": range(1, n + 1), "timestamp": "2024-03-01", "amount": 10.0, "category": "a"}
    )
    specs = {"customers": {"columns": {}, "attributes": "all"}}
    config = load_config(write_dataset(tmp_path, customers=people, transactions=lines, specs=specs))
    tables, _ = validate(config)
    assert tables is not None and "City" not in tables.attributes  # scattered, on its own
    tables, report = validate(config, model_attributes={"City": "categorical"})
    assert tables is not None and tables.attributes == {"City": "categorical"}
    assert not [w for w in report.warnings if w.column == "City"]


def _bank_snapshot(n: int = 1000) -> pd.DataFrame:
    """The Kaggle bank churn snapshot's kinds of column: a row number, customer numbers,
    surnames (more than the model keeps), measures with decimals, scores and counts."""
    rng = np.random.default_rng(3)
    return pd.DataFrame(
        {
            "RowNumber": range(1, n + 1),
            "CustomerId": rng.choice(np.arange(15565701, 15815691), n, replace=False),
            "Surname": rng.choice([f"Name{k}" for k in range(2000)], n),
            "CreditScore": rng.integers(350, 851, n),
            "Age": rng.integers(18, 93, n),
            "Balance": rng.uniform(0, 2.5e5, n).round(2),
            "EstimatedSalary": rng.uniform(11.58, 199992.48, n).round(2),
            "Exited": rng.choice([0, 1], n, p=[0.8, 0.2]),
        }
    )


def test_attributes_all_leaves_out_row_numbers_ids_and_scattered_text(tmp_path):
    """A bank snapshot's RowNumber weighed as much as CreditScore and gave 1,381 reasons
    "RowNumber 2,309"; its Surname gave "Surname: Ellimalo". Measures stay."""
    only = dict.fromkeys(("transactions", "events", "interactions", "cancellations"))
    label = {"label": {"column": "Exited", "positive": 1}, "attributes": "all"}
    churn = {"definition": "label_column"}
    specs = {"customers": {**label, "columns": {"customer_id": "CustomerId"}}}
    people = _bank_snapshot()
    tables, report = check(tmp_path, customers=people, specs=specs, churn=churn, **only)
    assert tables is not None and report.errors == []
    assert tables.attributes == dict.fromkeys(
        ["CreditScore", "Age", "Balance", "EstimatedSalary"], "numeric"
    )
    said = {issue.column: issue.message for issue in report.warnings}
    assert set(said) == {"RowNumber", "Surname"}
    assert said["RowNumber"].startswith("whole numbers 1 to 1,000, one on each of 1,000 rows")
    assert "not_attributes: [RowNumber] leaves it out without this warning" in said["RowNumber"]
    assert said["Surname"].startswith("a person's name, ")
    # the id not mapped: the rows are numbered, and CustomerId is offered as the id
    specs = {"customers": {**label, "columns": {}, "not_attributes": ["RowNumber"]}}
    _, report = check(tmp_path / "numbered", customers=people, specs=specs, churn=churn, **only)
    said = {issue.column: issue.message for issue in report.warnings}
    assert set(said) == {"customer_id", "CustomerId", "Surname"}
    assert said["CustomerId"].endswith("map it: columns: {customer_id: CustomerId}")
    assert "customer_id:" not in said["Surname"]


def test_attributes_listed_by_name_are_read_but_an_identifier_among_them_is_said(tmp_path):
    """The bank snapshot with RowNumber listed gave 1,444 reasons "RowNumber 2,055
    (typical 5,036)" without a word: read as asked, with the same why as `all` gives."""
    only = dict.fromkeys(("transactions", "events", "interactions", "cancellations"))
    label = {"label": {"column": "Exited", "positive": 1}}
    churn = {"definition": "label_column"}
    listed = {**label, "columns": {"customer_id": "CustomerId"}}
    specs = {"customers": {**listed, "attributes": ["RowNumber", "Surname", "Age"]}}
    people = _bank_snapshot()
    tables, report = check(tmp_path, customers=people, specs=specs, churn=churn, **only)
    assert tables is not None and list(tables.attributes) == ["RowNumber", "Surname", "Age"]
    said = {issue.column: issue for issue in report.warnings}
    assert set(said) == {"RowNumber", "Surname"}
    assert_located(said["RowNumber"], file="customers.csv", column="RowNumber", rows=1000)
    assert said["RowNumber"].message == (
        "RowNumber: whole numbers 1 to 1,000, one on each of 1,000 rows (a row number): read "
        "because attributes lists it; leave it out if it is no trait of the customer"
    )
    assert said["Surname"].message.startswith("Surname: a person's name, ")
    # a kind given says the user means it; a model's attribute was said when it trained
    specs = {"customers": {**listed, "attributes": {"RowNumber": "numeric", "Age": None}}}
    _, report = check(tmp_path / "kind", customers=people, specs=specs, churn=churn, **only)
    assert report.warnings == []
    config = load_config(
        write_dataset(
            tmp_path / "model",
            customers=people,
            specs={"customers": {**listed, "attributes": ["RowNumber"]}},
            churn=churn,
            **only,
        )
    )
    tables, report = validate(config, model_attributes={"RowNumber": "numeric"})
    assert tables is not None and report.warnings == []


@pytest.mark.parametrize("split", [False, True], ids=["one file", "two files"])
def test_attributes_all_leaves_out_what_another_table_of_the_same_file_maps(tmp_path, split):
    """The Club Data Set is one file: its customers, and its cancellations by END_DATE
    (rows kept by MEMBERSHIP_STATUS). `attributes: all` made END_DATE a numeric
    attribute too, the label's own date, which train then caught as a leak. Two tables
    of the same files alike."""
    members = customers_frame().assign(
        END_DATE=[None, None, "2024-09-30", None],
        MEMBERSHIP_STATUS=["INFORCE", "INFORCE", "CANCELLED", "INFORCE"],
    )
    path: str | list[str] = "data/customers.csv"
    if split:
        path = _files(tmp_path, {"m1.csv": members.iloc[:2], "m2.csv": members.iloc[2:]})
    cancellations = {
        "path": path,
        "columns": {"timestamp": "END_DATE"},
        "rows": {"column": "MEMBERSHIP_STATUS", "values": ["CANCELLED"]},
    }
    specs = {"customers": {"attributes": "all", "path": path}, "cancellations": cancellations}
    tables = load(tmp_path, customers=members, specs=specs)
    assert tables.attributes == {"region": "categorical", "seats": "numeric"}
    assert list(tables.cancellations["customer_id"]) == [3]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_whole_numbers_written_yyyymmdd_under_a_date_name_are_dates_left_out(tmp_path, fmt):
    """The Club Data Set's END_DATE (20121119; 20121119.0 in a float column) read as a
    number; under a name that is no date's, or not all YYYYMMDD, they stay numbers."""
    members = customers_frame().assign(
        END_DATE=[20121119.0, None, 20130101.0, 20121231.0],
        renewal_dt=[20240105, 20240210, 20240301, 20240415],
        order_total=[20121119, 20121120, 20121121, 20121122],
        last_day_count=[20121119, 3, 4, 5],
    )
    specs = {"customers": {"columns": {}, "attributes": "all"}}
    tables, report = check(tmp_path, fmt=fmt, customers=members, specs=specs)
    assert tables is not None and report.errors == []
    assert {"END_DATE", "renewal_dt"}.isdisjoint(tables.attributes)
    assert tables.attributes["order_total"] == tables.attributes["last_day_count"] == "numeric"
    said = {w.column: w for w in report.warnings}
    assert set(said) == {"END_DATE", "renewal_dt"}
    assert_located(said["END_DATE"], file=f"customers.{fmt}", column="END_DATE", rows=3)
    assert said["END_DATE"].message.startswith(
        "holds dates written as numbers (YYYYMMDD) in 3 rows, e.g. '20121119.0': read as a number"
    )
    specs["customers"]["attribute_kinds"] = {"END_DATE": "numeric"}
    assert load(tmp_path, fmt=fmt, customers=members, specs=specs).attributes["END_DATE"] == (
        "numeric"
    )


def test_codes_abbreviated_cd_and_codes_of_many_levels_are_categorical(tmp_path):
    """The Club Data Set's MEMBER_OCCUPATION_CD (1-6) and AGENT_CODE (4,317 agents, one
    '..') were read as numbers: "AGENT_CODE 1,219,222" in reasons. Listed, they are
    levels; under `attributes: all` a code too scattered for the model's kept levels is
    left out, as scattered text is."""
    n = 300
    members = pd.DataFrame(
        {
            "customer_id": range(1, n + 1),
            "MEMBER_OCCUPATION_CD": [1 + i % 6 for i in range(n)],
            "CD_PACKAGE": [1 + i % 2 for i in range(n)],
            "AGENT_CODE": ["..", *(str(1_000_000 + 7 * (i % 250)) for i in range(n - 1))],
            "seats": [i % 17 for i in range(n)],
        }
    )
    names = ["MEMBER_OCCUPATION_CD", "CD_PACKAGE", "AGENT_CODE", "seats"]
    specs = {"customers": {"columns": {}, "attributes": names}}
    tables, report = check(tmp_path, customers=members, specs=specs)
    assert tables is not None and report.errors == []
    assert tables.attributes == {**dict.fromkeys(names[:3], "categorical"), "seats": "numeric"}
    said = {w.column: w.message for w in report.warnings if w.message.startswith("whole")}
    assert said["AGENT_CODE"].startswith("whole numbers named a code in 299 rows (250 distinct")
    (scattered,) = [w for w in report.warnings if w.message.startswith("AGENT_CODE: ")]
    assert "too scattered for a category" in scattered.message  # listed: read, and said
    specs = {"customers": {"columns": {}, "attributes": "all"}}
    tables, report = check(tmp_path / "all", customers=members, specs=specs)
    assert tables is not None and "AGENT_CODE" not in tables.attributes
    (left_out,) = [w for w in report.warnings if w.column == "AGENT_CODE"]
    assert left_out.message.startswith(
        "250 distinct whole numbers named a code in 299 rows, too scattered for a category"
    )
    assert "the 100 most frequent, all a model keeps, cover 49.8% of the rows" in left_out.message


def test_not_attributes_without_all_is_a_config_error():
    with pytest.raises(ValueError, match="not_attributes goes with"):
        CustomersSpec.model_validate({"path": "c.csv", "not_attributes": ["x"]})


def test_a_kind_given_to_a_column_a_not_attributes_pattern_leaves_out_is_a_config_error():
    spec = {"path": "c.csv", "attributes": "all", "not_attributes": ["*_9"]}
    with pytest.raises(ValueError, match="in both attribute_kinds and not_attributes: arpu_9"):
        CustomersSpec.model_validate({**spec, "attribute_kinds": {"arpu_9": "numeric"}})
    read = CustomersSpec.model_validate({**spec, "not_attributes": ["arpu_*", "Amount [USD]"]})
    assert [read.leaves_out(c) for c in ("arpu_9", "ARPU_9", "Amount [USD]", "Amount")] == [
        True, False, True, False
    ]  # fmt: skip


def test_numbers_outside_their_valid_range_are_unknown_with_a_warning(tmp_path):
    """KKBox's bd: ages of 1,051 and -40 beside the real ones."""
    people = customers_frame().assign(age=[34, 1051, -40, 51])
    specs = {"customers": {"attributes": ["region", "age"], "valid_ranges": {"age": [10, 100]}}}
    tables, report = check(tmp_path, customers=people, specs=specs)
    assert tables is not None and report.errors == []
    issue = only_warning(report)
    assert_located(issue, file="customers.csv", column="age", rows=2)
    assert "outside valid_ranges [10, 100]" in issue.message
    assert tables.customers["age"].isna().tolist() == [False, True, True, False]
    specs["customers"]["valid_ranges"] = {"agee": [10, 100]}
    _, report = check(tmp_path, customers=people, specs=specs)
    assert "valid_ranges names column(s) not read: agee" in only_error(report).message


def test_further_quantities_of_a_log_are_read_as_numbers_never_negative(tmp_path):
    """A daily listening log: total seconds as `quantity`, unique songs beside it."""
    events = events_frame().assign(secs=[30.0, 10.0, 12.0, 5.0], num_unq=[3, -1, 2, "4"])
    specs = {
        "events": {
            "columns": {"quantity": "secs"},
            "quantities": {"num_unq": "unique songs"},
        }
    }
    tables, report = check(tmp_path, events=events, specs=specs)
    assert tables is not None and report.errors == []
    assert_located(only_warning(report), file="events.csv", column="num_unq", rows=1)
    unique_songs = tables.events["quantities.num_unq"]
    assert unique_songs.isna().sum() == 1 and unique_songs.sum() == 9  # -1 is unknown
    assert tables.event_quantities == {"num_unq": "unique songs"}
    specs["events"]["quantities"] = {"num_unqq": "unique songs"}
    _, report = check(tmp_path, events=events, specs=specs)
    assert_located(only_error(report), file="events.csv", column="num_unqq", rows=0)


def test_valid_ranges_read_numbers_with_the_tables_decimal_mark(tmp_path):
    people = customers_frame().assign(age=["34,5", "1051,5", "-40", "51"])
    specs = {
        "customers": {
            "attributes": ["region", "age"],
            "valid_ranges": {"age": [10, 100]},
            "decimal": ",",
        }
    }
    tables = load(tmp_path, customers=people, specs=specs)
    assert tables.customers["age"].tolist()[0] == 34.5
    assert tables.customers["age"].isna().sum() == 2


def test_attributes_all_leaves_canonical_columns_to_be_mapped(tmp_path):
    people = customers_frame().assign(Var1=[1.0, 2.0, 3.0, 4.0])  # signup_date, wallet: mapped?
    specs = {"customers": {"columns": {}, "attributes": "all"}}
    tables = load(tmp_path, customers=people, specs=specs)
    assert set(tables.attributes) == {"region", "seats", "Var1"}  # not signup_date, wallet


def test_an_attribute_with_one_value_in_every_row_is_named_in_a_warning(tmp_path):
    """An extract's constant column (Orange's Var118) passed without a word."""
    people = customers_frame().assign(region="north")
    _, report = check(tmp_path, customers=people)
    issue = only_warning(report)
    assert_located(issue, file="customers.csv", column="region", rows=4)
    assert "tells no customers apart" in issue.message


def test_zeros_apart_from_an_attributes_other_values_are_named_as_a_likely_unknown(tmp_path):
    """A telecom extract writes an unknown age as 0: 'AgeHH1 0' was a risk reason for
    1,723 customers, and nothing hinted at `missing_values`. Counts run up from 1 and say
    nothing."""
    n = 40
    people = pd.DataFrame(
        {
            "customer_id": range(1, n + 1),
            "age": [0] * 10 + list(range(20, 50)),
            "calls": [0] * 10 + [1 + i % 7 for i in range(30)],
        }
    )
    specs = {"customers": {"columns": {}, "attributes": ["age", "calls"]}}
    _, report = check(tmp_path, customers=people, specs=specs)
    issue = only_warning(report)
    assert_located(issue, file="customers.csv", column="age", rows=10)
    assert issue.message.startswith("0 in 25% of the rows, its other values from 20 to 49")
    assert "missing_values: {age: [0]}" in issue.message
    specs["customers"]["missing_values"] = {"age": [0]}
    _, report = check(tmp_path, customers=people, specs=specs)
    assert not [w for w in report.warnings if w.column == "age"]
    most = people.assign(age=[0] * 30 + list(range(20, 30)))  # 0 in 75%: the usual state
    _, report = check(
        tmp_path, customers=most, specs={"customers": {"columns": {}, "attributes": ["age"]}}
    )
    assert not [w for w in report.warnings if w.column == "age"]


def test_a_value_apart_at_an_attributes_end_is_named_as_a_likely_unknown(tmp_path):
    """Starbucks writes an unknown age as 118 (12.8% of its profiles, beside ages 18 to
    101): 833 worklist rows read "age 118 (typical 58)". A capped measure piles on its
    cap one step from the rest, a few codes are apart by nothing, a count of 0 to 10 steps
    by 1 to its 10 (a tenth of its range: a support-calls count's 10s had been warned
    about), and a small sample's oldest are apart by chance (under 100 filled rows: no
    warning)."""
    n = 200
    people = pd.DataFrame(
        {
            "customer_id": range(1, n + 1),
            "age": [118] * 30 + [20 + i % 60 for i in range(170)],
            "debt": [-1] * 30 + [round(100 + 7.5 * (i % 50), 1) for i in range(170)],
            "tenure": [72] * 30 + [38 + i % 34 for i in range(170)],  # capped at 72: next to 71
            "plan": [9] * 30 + [1 + i % 4 for i in range(170)],  # codes 1-4 beside 9
            "calls": [10] * 30 + [i % 10 for i in range(170)],  # a count's next step
        }
    )
    kinds = {c: "numeric" for c in people if c != "customer_id"}
    specs = {"customers": {"columns": {}, "attributes": kinds}}
    _, report = check(tmp_path, customers=people, specs=specs)
    said = {w.column: w for w in report.warnings}
    assert set(said) == {"age", "debt"}
    assert_located(said["age"], file="customers.csv", column="age", rows=30)
    assert said["age"].message.startswith(
        "118 in 15% of the filled rows, apart from its other values (20 to 79): if 118 means "
        "unknown (an age of 118, a code of 999), set missing_values: {age: [118]}"
    )
    assert "a cap or a floor (incomes written 150,000 and over as 150,000) is one, and stays" in (
        said["age"].message
    )
    assert "missing_values: {debt: [-1]}" in said["debt"].message
    specs["customers"]["missing_values"] = {"age": [118], "debt": [-1]}
    _, report = check(tmp_path, customers=people, specs=specs)
    assert report.warnings == []
    few = people.head(40).assign(age=[118] * 6 + [20 + i for i in range(34)])
    _, report = check(
        tmp_path,
        customers=few,
        specs={"customers": {"columns": {}, "attributes": {"age": "numeric"}}},
    )
    assert report.warnings == []


def test_an_attribute_recoding_another_one_to_one_is_left_out(tmp_path):
    """FoodMart's customer_region_id is its city: 48% of a worklist's rows read only
    "city: Mill Valley; customer region id: 38; state province: CA". The id goes, the
    words stay; the state, many cities to one, stays too."""
    n = 40
    cities = [["Mill Valley", "Salem", "Seattle", "Portland"][i % 4] for i in range(n)]
    people = pd.DataFrame(
        {
            "customer_id": range(1, n + 1),
            "region_id": [
                {"Mill Valley": 38, "Salem": 12, "Seattle": 7, "Portland": 3}[c] for c in cities
            ],
            "city": cities,
            "state": [
                {"Mill Valley": "CA", "Salem": "OR", "Seattle": "WA", "Portland": "OR"}[c]
                for c in cities
            ],
        }
    )
    specs = {"customers": {"columns": {}, "attributes": "all"}}
    tables, report = check(tmp_path, customers=people, specs=specs)
    assert tables is not None
    assert set(tables.attributes) == {"city", "state"} and "region_id" not in tables.customers
    (said,) = [w for w in report.warnings if w.column == "region_id"]  # not "read as codes"
    assert said.message.startswith("recodes city one to one (each city has one region_id")


def test_a_message_for_many_columns_is_said_once_naming_them(tmp_path, caplog):
    """A snapshot's constant columns were a line each on every command."""
    people = customers_frame().assign(Var1="x", Var2="x")
    specs = {"customers": {"attributes": ["region", "seats", "Var1", "Var2"]}}
    with caplog.at_level("WARNING", logger="features"):
        load_tables(load_config(write_dataset(tmp_path, customers=people, specs=specs)))
    said = [r.getMessage() for r in caplog.records if "one value" in r.getMessage()]
    assert len(said) == 1 and "columns 'Var1', 'Var2'" in said[0]


def test_columns_blank_in_every_row_are_no_features_said_in_one_warning(tmp_path):
    """Orange's 18 empty columns were 18 warnings and 16 of a model's 226 features."""
    people = customers_frame().assign(Var1=None, Var2=" ", Var3=[1.0, None, None, None])
    specs = {"customers": {"columns": {}, "attributes": "all"}}
    tables, report = check(tmp_path, customers=people, specs=specs)
    blank = [w for w in report.warnings if "blank in all" in w.message]
    assert len(blank) == 1
    assert_located(blank[0], file="customers.csv", column=None, rows=4)
    assert blank[0].message.startswith("2 columns blank in all 4 rows") and "Var1, Var2" in (
        blank[0].message
    )
    assert {"Var1", "Var2"}.isdisjoint(tables.attributes) and "Var3" in tables.attributes
    assert {"Var1", "Var2"} <= set(tables.unread_columns)


def test_a_models_attribute_blank_in_a_fresh_extract_is_kept(tmp_path):
    """The model reads it: the extract's blanks score as unknown, not a missing column."""
    people = customers_frame().assign(Var1=None)
    specs = {"customers": {"columns": {}, "attributes": "all"}}
    path = write_dataset(tmp_path, customers=people, specs=specs)
    tables, _ = sources.validate(load_config(path), model_attributes={"Var1": "numeric"})
    assert tables.customers["Var1"].isna().all()


def test_one_value_beside_blanks_is_said_to_tell_filled_from_blank(tmp_path):
    """Orange's Var191: 'r__I' in 590 rows, blank in the rest, was said to tell no
    customers apart, though blank against filled does, and the model keeps it."""
    people = customers_frame().assign(region=["r__I", None, None, "r__I"])
    issue = only_warning(check(tmp_path, customers=people)[1])
    assert_located(issue, file="customers.csv", column="region", rows=2)
    assert issue.message.startswith("one value ('r__I') in 2 rows, blank in the other 2: kept")


PAYMENTS = payments_frame()


def _payments(tmp_path: Path, payments: pd.DataFrame = PAYMENTS, **spec) -> Tables:
    transactions = {
        "attributes": ["auto_renew", "method"],
        "rows": {"column": "is_cancel", "values": [0]},
    }
    return load(tmp_path, transactions=payments, specs={"transactions": {**transactions, **spec}})


@pytest.mark.parametrize(
    ("columns", "said"),
    [
        ({}, "no payment for 33 days"),  # a billing export's invoices: amount and date
        ({"category": "category"}, "no purchase for 33 days"),  # a shop's, with products
    ],
)
def test_a_cancellation_models_invoices_speak_of_payments(tmp_path, columns, said):
    """Paid invoices without `paid_until` under a cancellation model read "no purchase for
    33 days" and "average order 48" on a B2B billing export; a shop keeps its words."""
    tables = load(
        tmp_path,
        transactions=PAYMENTS,
        specs={"transactions": {"columns": columns}},
        churn={"definition": "cancellation"},
    )
    assert tables.payments is (not columns)
    specs = {spec.name: spec for spec in build(tables, cutoffs="2024-04-30").specs}
    assert specs["days_since_last_purchase"].render({"days_since_last_purchase": 33.0}) == said


def test_a_payment_logs_carried_attributes_are_read_as_of_each_cutoff(tmp_path):
    """A payment's auto-renew flag is the customer's as of that payment: at a cutoff,
    the latest kept payment's known value (the cancel row is not a payment)."""
    tables = _payments(tmp_path)
    assert tables.attributes["auto_renew"] == "numeric"
    assert tables.attributes["method"] == "categorical"
    assert "auto_renew" not in tables.transactions  # an attribute, not a purchase column
    features = build_features(tables, cutoffs=["2024-01-31", "2024-03-31", "2024-04-30"])
    renew = features.pivot(index="customer_id", columns="cutoff", values="auto_renew")
    assert renew.loc[1].tolist() == [1.0, 1.0, 0.0]
    assert renew.loc[2].tolist() == [1.0, 1.0, 1.0]  # a blank flag keeps the known one
    assert renew.loc[3].isna().all()  # only a cancel row: nothing known
    method = features.pivot(index="customer_id", columns="cutoff", values="method")
    assert method.loc[1].tolist() == ["card", "card", "paypal"]
    # the customers table says what they are now, as a live request posts it
    now = tables.customers.set_index("customer_id")
    assert now.loc[1, "method"] == "paypal" and now.loc[2, "auto_renew"] == 1.0


def test_carried_attributes_at_a_cutoff_ignore_payments_after_it(tmp_path):
    """Leakage: switching auto-renew off after the cutoff changes nothing at it."""
    cutoff = "2024-03-31"
    before = build_features(_payments(tmp_path), cutoffs=cutoff)
    later = pd.DataFrame(
        {
            "customer_id": [1, 2, 4],
            "timestamp": ["2024-05-02", "2024-04-01", "2024-05-05"],
            "amount": [15.0, 120.0, 9.0],
            "auto_renew": [1, 0, 0],
            "method": ["cash", "cash", "cash"],
            "is_cancel": [0, 0, 0],
            "category": "plan",
        }
    )
    after = build_features(_payments(tmp_path, pd.concat([PAYMENTS, later])), cutoffs=cutoff)
    columns = ["customer_id", "auto_renew", "method"]  # (levels: every value the log holds)
    pd.testing.assert_frame_equal(before[columns].astype(object), after[columns].astype(object))


def test_carried_and_customers_attributes_are_one_set_of_attributes(tmp_path):
    """The customers table's attributes stay static beside the carried ones, and reasons
    call a carried one by its words."""
    tables = _payments(tmp_path, attribute_words={"auto_renew": "auto-renew on the latest payment"})
    assert set(tables.attributes) == {"region", "seats", "auto_renew", "method"}
    built = build(tables, cutoffs="2024-03-31")
    assert built.frame.set_index("customer_id").loc[2, "region"] == "south"
    spec = next(s for s in built.specs if s.name == "auto_renew")
    assert spec.render({"auto_renew": 0.0}) == "auto-renew on the latest payment: no"


@pytest.mark.parametrize(
    ("spec", "data", "message"),
    [
        ({"attributes": ["amount"]}, {}, "named like a canonical column: amount"),
        ({"attributes": ["method"], "attribute_words": {"plan": "x"}}, {}, "names no attribute"),
        ({"attributes": ["region"]}, {}, "'region' is read from both customers and transactions"),
    ],
)
def test_carried_attributes_are_checked_in_the_config(tmp_path, spec, data, message):
    path = write_dataset(tmp_path, transactions=PAYMENTS, specs={"transactions": spec}, data=data)
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_attributes_all_leaves_a_carried_attribute_to_its_log(tmp_path):
    """A customers file with the payment log's column too: `attributes: all` does not
    read it twice (the config would then name one attribute in two tables)."""
    customers = customers_frame().assign(method="card")
    tables = load(
        tmp_path,
        customers=customers,
        transactions=PAYMENTS,
        specs={
            "customers": {"attributes": "all"},
            "transactions": {"attributes": ["method"]},
        },
    )
    assert tables.attributes["method"] == "categorical"
    # customer 1's latest payment, not the customers file's 'card'
    assert tables.customers.set_index("customer_id").loc[1, "method"] == "paypal"


def test_a_usage_log_carries_attributes_without_a_customers_table(tmp_path):
    """Sparkify's level on every event, read as the events' own attribute."""
    pd.DataFrame(LOG_ROWS, columns=["userId", "ts", "page", "level"]).to_csv(
        tmp_path / "log.csv", index=False
    )
    events = {
        "path": "log.csv",
        "columns": {"customer_id": "userId", "timestamp": "ts", "type": "page"},
        "attributes": ["level"],
    }
    cancellations = {
        "path": "log.csv",
        "columns": {"customer_id": "userId", "timestamp": "ts"},
        "rows": {"column": "page", "values": ["Cancellation Confirmation"]},
    }
    config = {
        "name": "stream",
        "data": {"as_of": "2024-06-30", "events": events, "cancellations": cancellations},
        "churn": {"definition": "cancellation"},
    }
    (tmp_path / "churn.yaml").write_text(yaml.safe_dump(config))
    tables = load_tables(load_config(tmp_path / "churn.yaml"))
    features = build_features(tables, cutoffs=["2024-01-31", "2024-02-29", "2024-03-31"])
    level = features.pivot(index="customer_id", columns="cutoff", values="level")
    assert level.loc[1].tolist() == ["free", "paid", "paid"]
    assert level.loc[2].tolist() == ["paid", "paid", "free"]


def test_a_history_of_changes_is_read_as_of_each_cutoff(tmp_path):
    """A slowly changing dimension (a row per tier change, `valid_from`), where few
    customers changed: mapping `timestamp` reads each tier as of the cutoff. Keeping each
    customer's current row instead would carry a later downgrade back in time."""
    base = customers_frame().assign(valid_from=lambda c: c["signup_date"])
    downgraded = base.iloc[[1]].assign(region="west", valid_from="2024-05-01")
    history = pd.concat([base, downgraded], ignore_index=True)
    columns = {"signup_date": "signup_date", "wallet": "wallet", "timestamp": "valid_from"}
    tables = load(tmp_path, customers=history, specs={"customers": {"columns": columns}})
    assert list(tables.customers["customer_id"]) == [1, 2, 3, 4]
    assert tables.customers.set_index("customer_id").loc[2, "region"] == "west"  # now
    features = build_features(tables, cutoffs=["2024-03-31", "2024-06-30"])
    region = features.pivot(index="customer_id", columns="cutoff", values="region")
    assert region.loc[2].tolist() == ["south", "west"]
    assert region.loc[1].tolist() == ["north", "north"]


def test_a_history_whose_rows_disagree_beyond_attributes_is_an_error(tmp_path):
    base = customers_frame().assign(valid_from=lambda c: c["signup_date"])
    moved = base.iloc[[1]].assign(wallet=99.0, valid_from="2024-05-01")
    columns = {"signup_date": "signup_date", "wallet": "wallet", "timestamp": "valid_from"}
    _, report = check(
        tmp_path, customers=pd.concat([base, moved]), specs={"customers": {"columns": columns}}
    )
    assert "appear more than once (differing in wallet)" in only_error(report).message


def test_the_duplicate_id_error_tells_how_to_read_a_history(tmp_path):
    changed = customers_frame().iloc[[1]].assign(region="west")
    _, report = check(tmp_path, customers=pd.concat([customers_frame(), changed]))
    assert "maps `timestamp` (the date each row holds from" in only_error(report).message


def test_a_numeric_attribute_with_text_says_how_to_read_it(tmp_path):
    """household_size '5+' among numbers: the error names the ways out."""
    customers = customers_frame().assign(size=["2", "5+", "1", "5+"])
    spec = {"attributes": {"region": None, "size": "numeric"}}
    _, report = check(tmp_path, customers=customers, specs={"customers": spec})
    issue = only_error(report)
    assert_located(issue, file="customers.csv", column="size", rows=2)
    assert "missing_values: {size: ['5+']} reads such text as unknown" in issue.message


def test_errors_of_one_file_read_as_two_tables_name_the_table(tmp_path):
    """A log's events and its cancellations: 'not a date in 2 rows' then '... in 1 row'
    for one column read as a contradiction until each line says which table it counts."""
    log = events_frame().assign(type=["login", "cancel", "login", "play"])
    log["timestamp"] = ["2024-01-05", "soon", "later", "2024-02-01"]
    path = write_table(log, tmp_path / "data" / "log.csv")
    cancel = {
        "path": str(path.relative_to(tmp_path)),
        "rows": {"column": "type", "values": ["cancel"]},
    }
    events = {"path": str(path.relative_to(tmp_path)), "columns": {"type": "type"}}
    config = load_config(
        write_dataset(
            tmp_path,
            events=None,
            cancellations=None,
            data={"events": events, "cancellations": cancel},
        )
    )
    with pytest.raises(DataError) as raised:
        load_tables(config)
    lines = str(raised.value).splitlines()
    assert any("log.csv (as events), column 'timestamp': not a date in 2 rows" in x for x in lines)
    assert any(
        "log.csv (as cancellations), column 'timestamp': not a date in 1 row" in x for x in lines
    )


def test_a_history_row_without_a_date_holds_since_always(tmp_path):
    """A tier history whose first versions leave valid_from blank: those tiers are the
    customers' until a dated row changes them, not unknown at every cutoff."""
    base = customers_frame().assign(valid_from=None)
    moved = base.iloc[[1]].assign(region="west", valid_from="2024-05-01")
    columns = {"signup_date": "signup_date", "wallet": "wallet", "timestamp": "valid_from"}
    history = pd.concat([base, moved], ignore_index=True)
    tables = load(tmp_path, customers=history, specs={"customers": {"columns": columns}})
    features = build_features(tables, cutoffs=["2024-03-31", "2024-06-30"])
    region = features.pivot(index="customer_id", columns="cutoff", values="region")
    assert region.loc[1].tolist() == ["north", "north"]
    assert region.loc[2].tolist() == ["south", "west"]


def test_a_json_lines_file_with_a_broken_line_names_the_line(tmp_path):
    """The reader says "at position 139100"; a user needs the line to fix."""
    config = write_dataset(tmp_path)
    lines = [json.dumps({"customer_id": 1, "timestamp": "2024-01-05", "type": "login"})] * 3
    lines.insert(2, '{"customer_id": 2, "timestamp": "2024-01-0')  # cut short by the export
    (tmp_path / "data" / "events.json").write_text("\n".join(lines) + "\n")
    text = (tmp_path / "churn.yaml").read_text().replace("events.csv", "events.json")
    (tmp_path / "churn.yaml").write_text(text)
    _, report = validate(load_config(config))
    assert "line 3 is not JSON" in only_error(report).message
    # past the lines read for the header, as the reader meets it
    many = lines[:2] + lines[3:] + [lines[0]] * 2000 + [lines[2]]
    (tmp_path / "data" / "events.json").write_text("\n".join(many) + "\n")
    _, report = validate(load_config(config))
    assert "line 2,004 is not JSON" in only_error(report).message


def test_events_alike_in_the_columns_read_may_be_items_of_one_basket(tmp_path):
    """RetailRocket writes a row per item bought: 3,056 of its 8,513 purchase rows were
    flagged as possible export repeats to remove, where 34 were alike in every column."""
    log = events_frame().assign(timestamp="2024-03-01 10:00:00", itemid=range(4))
    log = pd.concat([log, log.iloc[:1].assign(itemid=99)], ignore_index=True)
    _, report = check(tmp_path, events=log)
    (said,) = [w for w in report.warnings if "repeats another event" in w.message]
    assert "columns not read (itemid) may still tell them apart" in said.message
    assert "remove them only if the export doubled rows" in said.message
    # a column `rows:` filters on is read: a sender's message to two people in one second
    # is no repeat (a messaging log's 137 of 174 were said to be, "all the file holds")
    sent = log.iloc[:2].assign(customer_id=log["customer_id"].iloc[0], itemid=[7, 8])
    specs = {"events": {"rows": {"column": "itemid", "not_values": [99]}}}
    _, report = check(tmp_path, events=sent, specs=specs)
    assert not [w for w in report.warnings if "repeats another event" in w.message]
    _, report = check(tmp_path, events=sent.assign(itemid=7), specs=specs)
    (said,) = [w for w in report.warnings if "repeats another event" in w.message]
    assert "all the file holds" in said.message


def test_activity_times_all_on_1970_01_01_are_an_error_naming_the_likely_slip(tmp_path):
    """pd.to_datetime of Unix milliseconds without unit='ms' reads them as nanoseconds:
    every event then falls on 1970-01-01, which passed as "data OK" and failed later in
    training with "no eligible customers"."""
    test_a_json_lines_event_log_is_read_as_exported(tmp_path)
    log = pd.read_json(tmp_path / "events.jsonl", lines=True, dtype=False)
    log["ts"] = pd.to_datetime(log["ts"])  # the slip: nanoseconds
    log.to_parquet(tmp_path / "events.parquet")
    text = (tmp_path / "churn.yaml").read_text().replace("events.jsonl", "events.parquet")
    (tmp_path / "churn.yaml").write_text(text)
    _, report = validate(load_config(tmp_path / "churn.yaml"))
    said = " ".join(str(e) for e in report.errors)
    assert "ts" in said and "every time in 3 rows falls on 1970-01-01" in said
    assert "unit='ms'" in said


def test_events_repeated_in_every_column_read_are_counted_and_said(tmp_path):
    """A streaming export's 300 doubled rows were counted twice without a word."""
    test_a_json_lines_event_log_is_read_as_exported(tmp_path)
    log = tmp_path / "events.jsonl"
    first = log.read_text().splitlines()[0]
    log.write_text(log.read_text() + first + "\n")
    tables, report = validate(load_config(tmp_path / "churn.yaml"))
    (said,) = [w for w in report.warnings if "repeats another event" in str(w)]
    assert said.table == "events" and said.rows == 1
    assert len(tables.events) == 2  # kept: the two NextSong rows (the cancellation: no use)
    # a log of days alone: two logins on one day are two real events, nothing to say
    log = events_frame()
    log = pd.concat([log, log.iloc[:1]])
    _, report = check(tmp_path / "days", events=log)
    assert not [w for w in report.warnings if "repeats another event" in w.message]


def test_a_few_blank_times_are_left_out_with_a_warning_naming_their_lines(tmp_path):
    """14 blank dates of 38,765 rows failed validate ("no timestamp in 14 rows", no line,
    no remedy) where blank ids are a warning: a small share is left out, as missing
    amounts are, with the lines to look at (the header is line 1)."""
    transactions = many_transactions(200)
    transactions["timestamp"] = transactions["timestamp"].astype(object)
    transactions.loc[[3, 8, 120, 150], "timestamp"] = None
    tables, report = check(tmp_path, transactions=transactions)
    assert report.errors == [] and tables is not None
    (warning,) = [w for w in report.warnings if w.column == "timestamp"]
    assert_located(warning, file="transactions.csv", column="timestamp", rows=4)
    assert warning.message == (
        "no timestamp in 4 rows, e.g. lines 5, 10 and 122 (2.00% of the table's rows): "
        "those rows are ignored"
    )
    assert len(tables.transactions) == 196


def test_many_blank_times_are_an_error_naming_lines_and_the_remedy(tmp_path):
    transactions = many_transactions(40)
    transactions["timestamp"] = transactions["timestamp"].astype(object)
    transactions.loc[[0, 5, 6, 30], "timestamp"] = None
    _, report = check(tmp_path, transactions=transactions)
    error = only_error(report)
    assert_located(error, file="transactions.csv", column="timestamp", rows=4)
    assert "e.g. lines 2, 7 and 8 (10.00% of the table's rows)" in error.message
    assert "at most 5% can be ignored: fill the times in the file, or map `timestamp`" in (
        error.message
    )


def test_blank_times_of_a_parquet_file_are_named_by_row(tmp_path):
    """A Parquet file has no lines: its records are named by row, from 1."""
    transactions = many_transactions(200)
    transactions.loc[[3, 8], "timestamp"] = pd.NaT
    _, report = check(tmp_path, fmt="parquet", transactions=transactions)
    (warning,) = [w for w in report.warnings if w.column == "timestamp"]
    assert "no timestamp in 2 rows, e.g. rows 4 and 9 (1.00%" in warning.message


def test_blank_times_keep_their_file_lines_past_a_repeated_header(tmp_path):
    """Rows left out before the check (a header line repeated where files were joined)
    do not shift the lines named: the blank date is on the file's line 6."""
    config = write_dataset(tmp_path, transactions=many_transactions(100))
    path = tmp_path / "data" / "transactions.csv"
    lines = path.read_text().splitlines()
    header = lines[0]
    fields = lines[4].split(",")
    fields[header.split(",").index("timestamp")] = ""
    lines[4] = ",".join(fields)
    lines.insert(2, header)  # the blanked row moves to line 6
    path.write_text("\n".join(lines) + "\n")
    _, report = validate(load_config(config))
    said = [w.message for w in report.warnings if w.column == "timestamp"]
    assert any(m.startswith("no timestamp in 1 row, e.g. line 6 (") for m in said), said
