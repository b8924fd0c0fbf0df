"""Read the configured tables from CSV or Parquet, check them, and hand back `Tables`.

This is the one package in `features/` that touches files (and the clock, as the default
"today" that bounds timestamps). Every problem becomes an `Issue` naming the file, the
user's column and the number of rows, and all of them are collected before anything is
raised: a user fixing an extract wants the whole list, not one error per run.

Output frames follow `features/tables.py`: canonical column names, tz-naive
`datetime64[ns]` timestamps, float64 numbers, pandas strings for text, one `customer_id`
dtype across tables (int64 when every table's ids are integers, else str), and activity
tables sorted by (customer_id, timestamp) with a fresh index.

The package's modules split the work: `reading` (files), `cleaning` (every table once
read), `dates`, `ids`, `attributes` (the customers table), `activity` (the logs) and
`across` (checks between tables), on the shared parts in `table`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from features import workbooks
from features.contract import CustomersSpec, RunConfig, TableSpec
from features.holes import YEAR_DAYS, longest_hole, sampled_days, stray_start
from features.sources.across import _customers, _summarize
from features.sources.after_leaving import check_use_after_leaving
from features.sources.cleaning import _clean
from features.sources.ids import _clean_ids, _integer_ids, _one_spelling_per_number
from features.sources.reading import (
    MISSING_TEXT,
    _format,
    _json_lines,
    _missing_text,
    _read,
    _source_columns,
    reads_missing_text,
)
from features.sources.subscriptions import _as_payments
from features.sources.table import (
    _READ_ERRORS,
    AS_OF_SOURCE,
    DataError,
    Issue,
    LabelCounts,
    TableSummary,
    ValidationReport,
    _counted,
    _Reference,
    _rows,
    _Table,
    _with_latest,
    data_end_day,
    last_days,
    one_per_reading,
    unmatched,
)
from features.tables import Tables, first_activity

__all__ = [
    "MISSING_TEXT",
    "PER_ORDER_ID",
    "DataError",
    "Issue",
    "LabelCounts",
    "TableSummary",
    "ValidationReport",
    "load_tables",
    "reads_missing_text",
    "unmatched",
    "validate",
]

log = logging.getLogger(__name__)


def validate(
    config: RunConfig,
    *,
    today: dt.date | None = None,
    label_optional: bool = False,
    model_attributes: Mapping[str, str] | None = None,
    model_date_formats: Mapping[str, str] | None = None,
    apart_from_use: bool = True,
) -> tuple[Tables | None, ValidationReport]:
    """Read and check every configured table; `Tables` only when no check failed.

    `today` bounds the timestamps ("nothing after the extract date"): `data.as_of` when the
    config sets it, else this argument, else the clock. `label_optional`: a customers file
    without the label column is read without labels (a fresh extract to score).
    `model_attributes`: the attributes a model to score reads, with their kinds, kept by
    `attributes: all` whatever this file's values look like (150 fresh customers in 150
    cities are a scattered text; the model was trained on the city), its dates read in
    the formats it read them (`model_date_formats`). `apart_from_use`: the events
    leave out the rows other tables read from their file (False: as a model trained
    before they did reads them).
    """
    report = ValidationReport()
    specs = _with_log_times(config.data.tables(), config)
    tables = [
        t
        for n, s in specs.items()
        if (t := _read(n, s, config, report, label_optional=label_optional)) is not None
    ]
    for table in tables:
        table.model_attributes = dict(model_attributes or {})
        table.date_formats = dict(model_date_formats or {})
        if table.name == "events" and apart_from_use:
            table.not_use = config.data.not_use_types()
    ids_as_int = all(_integer_ids(t.column("customer_id")) for t in tables)
    reference = _reference_date(config, today)
    for table in tables:
        _clean_ids(table, ids_as_int)
    if not ids_as_int:
        _one_spelling_per_number(tables)
    frames = {t.name: _clean(t, reference=reference) for t in tables}
    if config.data.transactions and config.data.transactions.recurring and "transactions" in frames:
        _as_payments(next(t for t in tables if t.name == "transactions"), frames, config)
    customers = _customers(config, tables, frames)
    _check_blank_signups(tables, frames, config)
    _check_ends(tables, frames, config)
    check_use_after_leaving(tables, frames, config)
    _check_holes(tables, frames)
    _check_before_signup(tables, frames, customers, config)
    _check_one_order_each(tables, frames, config)
    report.tables = [
        replace(
            _summarize(t.name, t.path, frames[t.name], t.labels, t.carried_missing),
            read_as=t.read_as,
        )
        for t in tables
    ]
    if config.data.customers is None and customers is not None:
        found_in = tuple(name for name in ("transactions", "events") if name in frames)
        derived = replace(_summarize("customers", None, customers), derived_from=found_in)
        report.tables.insert(0, derived)
    if config.data.plan_ends_cancel and "cancellations" in frames:
        ends = _summarize("cancellations", None, frames["cancellations"])
        report.tables.append(replace(ends, derived_from=("the plans' ends",)))
    report.issues = one_per_reading(report.issues)
    _json_lines.cache_clear()  # parsed once for all the tables, and no longer held
    workbooks.forget()
    if report.errors or customers is None:
        return None, report
    return _tables(config, customers, frames, tables), report


ENDS_EARLY_DAYS = 28
"""An activity log whose last row is this many days before the data's end has more
likely stopped being extracted than seen four silent weeks of every customer."""


ACTIVITY_NOUNS = {"transactions": "purchase", "events": "usage event"}


def _check_ends(tables: list[_Table], frames: dict[str, pd.DataFrame], config: RunConfig) -> None:
    """Warn when purchases or usage end well before the data do (`data.as_of`, else the
    latest row of any table): every day after reads as silence. Olist's orders end two
    months before its reviews, and a score as of the reviews' end said 173 customers'
    risk had risen by 10 points or more since the last purchase."""
    ends = last_days(frames)
    if (found := data_end_day(config, ends)) is None:
        return
    end, by = found
    for table in tables:
        last = ends.get(table.name)
        if table.name == "cancellations" and last is not None:
            _check_cancellations_end(table, last, end, by, config)
        if table.name not in ACTIVITY_NOUNS or last is None:
            continue
        gap = (end - last).days
        if gap >= ENDS_EARLY_DAYS + _billed_ahead_days(table):
            noun = ACTIVITY_NOUNS[table.name]
            table.warning(
                "timestamp",
                0,
                f"the last {noun} is on {last.date()}, {gap} days before the data's end "
                f"({end.date()}, {by}): training and scoring read those days as no {noun} "
                "by anyone; if the extract of this table ended earlier, set data.as_of to "
                "its end (and leave out other tables' later rows)",
            )


def _billed_ahead_days(table: _Table) -> int:
    """The days a table of subscriptions (`recurring`) may lie silent before the data's
    end: its payments are each period's start, so the last is up to a period before it
    (a loyalty programme billed monthly on the 1st was told its extract ended early, 30
    days before its end). 0 for other tables."""
    recurring = getattr(table.spec, "recurring", None)
    return 0 if recurring is None else recurring.period.longest_days


def _check_cancellations_end(
    table: _Table, last: pd.Timestamp, end: pd.Timestamp, by: str, config: RunConfig
) -> None:
    """Warn when, under `cancellation`, nobody cancels in the horizon before the data's
    end: the default test cutoff's horizon then holds no churner, and training stopped
    at "all validation rows are stayers" with no word of why (a course log's withdrawals
    end in May, its extract in September)."""
    horizon = config.churn.horizon_days
    transactions = config.data.transactions
    if (
        config.churn.definition != "cancellation"
        or config.evaluation.cutoff is not None  # the remedy taken
        or (transactions is not None and transactions.paid_periods)  # lapsing leaves too
        or (end - last).days < horizon
    ):
        return
    table.warning(
        "timestamp",
        0,
        f"the last cancellation is on {last.date()}, {(end - last).days} days before the "
        f"data's end ({end.date()}, {by}), longer than the {horizon}-day horizon: cutoffs "
        "whose horizon lies after it find nobody leaving (the default test cutoff's too); "
        "if the cancellations' extract ended earlier, set data.as_of to its end, or "
        "evaluation.cutoff to a cutoff whose horizon holds cancellations",
    )


def _check_holes(tables: list[_Table], frames: dict[str, pd.DataFrame]) -> None:
    """Warn of a run of days on which no customer has a row of an activity table, long
    against the log's own rhythm (`features.holes`): Sakila's rentals stop for 174 days
    before one last day, and cutoffs inside the hole read every customer as silent."""
    for table in tables:
        frame = frames.get(table.name)
        if table.name not in ACTIVITY_NOUNS or frame is None or "timestamp" not in frame:
            continue
        noun = ACTIVITY_NOUNS[table.name]
        if (stray := stray_start(frame["timestamp"])) is not None:
            years = (stray.log_from - stray.last_day).days // YEAR_DAYS
            dated = (
                f"on {stray.first_day.date()}"
                if stray.first_day == stray.last_day
                else f"from {stray.first_day.date()} to {stray.last_day.date()}"
            )
            table.warning(
                "timestamp",
                stray.rows,
                f"{_rows(stray.rows)} {dated}, {years} years before the rest of the log (from "
                f"{stray.log_from.date()}): dates "
                "mistyped, or placeholders for unknown? they begin their customers' history "
                "(tenure, first activity); if so, leave them out of the file",
            )
        if (few := sampled_days(frame["timestamp"], frame["customer_id"])) is not None:
            table.warning(
                "timestamp",
                few.rows,
                f"all {few.rows:,} rows fall on {few.active_days} of the {few.span_days} days "
                f"from {few.first_day.date()} to {few.last_day.date()} "
                f"({few.rows // few.active_days:,} a day): a few days cut from each period "
                "(a sample), not a whole log? the silences between them are the extract's, "
                "and churn labels read silences",
            )
        elif (hole := longest_hole(frame["timestamp"])) is not None:
            table.warning(
                "timestamp",
                0,
                f"no {noun} by any customer from {hole.first_day.date()} to "
                f"{hole.last_day.date()} ({hole.days} days, where 9 in 10 of the log's active "
                f"days are {_counted(round(hole.rhythm_days), 'day')} apart or less): an "
                "extract missing that period? cutoffs inside it read every customer as silent",
            )


def _check_blank_signups(
    tables: list[_Table], frames: dict[str, pd.DataFrame], config: RunConfig
) -> None:
    """A customer without a signup date has no tenure unless purchases or usage start it
    (`lifecycle.start_day`): three of the Club Data Set's members had a blank START_DATE,
    and validate said 'signup_date 0.0%' and nothing else."""
    table = next((t for t in tables if t.name == "customers"), None)
    signups = frames.get("customers", pd.DataFrame()).get("signup_date")
    if table is None or signups is None or not (blank := int(signups.isna().sum())):
        return
    column = table.sources.get("signup_date")
    if any(i.level == "error" and i.column == column for i in table.report.issues):
        return  # a signup column that is no date is blank here: its error said why
    activity = [noun for name, noun in ACTIVITY_NOUNS.items() if name in config.data.tables()]
    tenure = (
        f"their tenure counts from their first {' or '.join(activity)}"
        if activity
        else "their tenure is unknown"
    )
    table.warning("signup_date", blank, f"signup_date blank in {_rows(blank)}: {tenure}")


DATED_BY_CUSTOMERS = {
    "transactions": "activity",
    "events": "activity",
    "interactions": "service contacts all the same",
}
"""The tables whose rows a customer's signup date may come after, and how they are read."""


def _check_before_signup(
    tables: list[_Table],
    frames: dict[str, pd.DataFrame],
    customers: pd.DataFrame | None,
    config: RunConfig,
) -> None:
    """Warn of rows dated before their customer's signup day: a SaaS export dated half
    its usage and tickets so, and read by the signup alone, accounts with a year of usage
    were missing at cutoffs before their signup, and tenure was "customer for 74 days;
    last feature_26 645 days ago" (`features.lifecycle.start_day` now reads both)."""
    if customers is None or customers.empty or "signup_date" not in customers:
        return
    if config.data.customers is None:
        return
    signup = customers["signup_date"].to_numpy("datetime64[ns]").astype("datetime64[D]")
    ids = pd.Index(customers["customer_id"])
    if not ids.is_unique:
        return  # an error already: one customer on rows that differ
    named = config.data.customers.source_column("signup_date")
    column = "signup_date" + ("" if named == "signup_date" else f" ({named!r})")
    for table in tables:
        frame = frames.get(table.name)
        if table.name not in DATED_BY_CUSTOMERS or frame is None or frame.empty:
            continue
        at = ids.get_indexer(frame["customer_id"])
        signed = np.where(at >= 0, signup[np.maximum(at, 0)], np.datetime64("NaT"))
        early = frame["timestamp"].to_numpy("datetime64[ns]").astype("datetime64[D]") < signed
        n = int(early.sum())
        if n:
            who = _counted(frame["customer_id"][early].nunique(), "customer")
            table.warning(
                "timestamp",
                n,
                f"{_rows(n)} dated before the customer's {column} ({who}): read as "
                f"{DATED_BY_CUSTOMERS[table.name]}; the customer counts from the earlier of "
                "signup and first activity (purchase or usage)",
            )


PER_ORDER_ID = "customer_id an id per order (Olist's customer_id, not customer_unique_id)"
"""The likely cause of a purchase log where nobody buys twice (said by validate and train)."""


ONE_ORDER_CUSTOMERS_AT_LEAST = 1000
"""Customers a purchase log must hold before a lack of second orders says more than its
being young."""


SECOND_ORDERS_AT_MOST = 0.001
"""The share of customers with a second order under which ids are likely per order: an
Olist sample by its per-order `customer_id` had none, by `customer_unique_id` 0.9%."""


def _check_one_order_each(
    tables: list[_Table], frames: dict[str, pd.DataFrame], config: RunConfig
) -> None:
    """Warn when (nearly) no customer of a purchase log has a second order (its order id,
    else another day): ids given per order make every active customer a churner, which
    only training said. Reads the rows as sorted by customer and time (`_sorted_activity`):
    a customer with two orders has two adjacent rows that differ in them."""
    frame = frames.get("transactions")
    table = next((t for t in tables if t.name == "transactions"), None)
    if frame is None or table is None or config.payments or len(frame) < 2:
        return
    ids = frame["customer_id"].to_numpy()
    customers = int((ids[1:] != ids[:-1]).sum()) + 1
    if customers < ONE_ORDER_CUSTOMERS_AT_LEAST:
        return
    orders = frame["order_id"] if "order_id" in frame else frame["timestamp"].dt.normalize()
    at_most = int(SECOND_ORDERS_AT_MOST * customers)
    repeat = _second_orders(ids, orders.to_numpy(), at_most=at_most)
    if repeat > at_most:
        return
    second = "none" if repeat == 0 else f"only {repeat:,}"
    table.warning(
        "customer_id",
        len(frame),
        f"{customers:,} customers in {_rows(len(frame))}, {second} with a second order: is "
        f"{PER_ORDER_ID}? Then nobody buys again, and training finds only churners",
    )


SECOND_ORDER_BLOCK_ROWS = 1_000_000
"""Rows `_second_orders` reads at a time: a log of repeat buyers shows enough of them in
its first block, and 11M rows of text order ids are not compared for nothing."""


def _second_orders(ids: np.ndarray, orders: np.ndarray, *, at_most: int) -> int:
    """Customers with a second order, in rows sorted by customer (adjacent rows of one
    customer that differ in `orders`), counted until more than `at_most` are found."""
    found, last = 0, None
    for start in range(0, len(ids) - 1, SECOND_ORDER_BLOCK_ROWS):
        stop = start + SECOND_ORDER_BLOCK_ROWS + 1  # one row shared with the next block
        i, o = ids[start:stop], orders[start:stop]
        who = i[1:][(i[1:] == i[:-1]) & (o[1:] != o[:-1])]
        if len(who):
            found += 1 + int((who[1:] != who[:-1]).sum()) - int(last is not None and who[0] == last)
            last = who[-1]
        if found > at_most:
            break
    return found


def _with_log_times(specs: dict[str, TableSpec], config: RunConfig) -> dict[str, TableSpec]:
    """A customers table read from an activity table's own file (a usage log carrying
    each user's attributes) takes that table's timestamp column unless it maps one: its
    attributes are read as of each cutoff (`_attribute_history`)."""
    customers = specs.get("customers")
    if not isinstance(customers, CustomersSpec) or "timestamp" in customers.columns:
        return specs
    for name in ("events", "transactions", "interactions"):
        activity = specs.get(name)
        if activity is None or not _same_rows(customers, activity, config):
            continue
        if customers.date_format not in (None, activity.date_format):
            return specs  # one format per table: the log's times would be misread
        columns = {**customers.columns, "timestamp": activity.source_column("timestamp")}
        read = {"columns": columns, "date_format": activity.date_format}
        return {**specs, "customers": customers.model_copy(update=read)}
    return specs


def _same_rows(one: TableSpec, other: TableSpec, config: RunConfig) -> bool:
    """Whether two tables read the same rows: the same files, and in a workbook one sheet
    (a workbook's customers sheet is no log of its purchases sheet)."""
    files = config.files(one.path)
    if config.files(other.path) != files:
        return False
    path = files[0]
    if _format(path) != "excel" or not path.is_file():
        return True
    try:
        sheets = [
            workbooks.choose(
                path, spec.sheet, [*_source_columns(spec).values()], _missing_text(spec.not_missing)
            ).names
            for spec in (one, other)
        ]
    except _READ_ERRORS:
        return False  # said when the table is read
    return sheets[0] == sheets[1]


def load_tables(
    config: RunConfig,
    *,
    today: dt.date | None = None,
    label_optional: bool = False,
    model_attributes: Mapping[str, str] | None = None,
    model_date_formats: Mapping[str, str] | None = None,
    apart_from_use: bool = True,
    warnings: Literal["each", "counted"] = "each",
) -> Tables:
    """Read and check every configured table; raise DataError listing every error. The
    warnings (rows ignored, formats guessed) go to the log: a user who trains or scores
    without running `churn validate` first still hears of them, each; `counted`, in one
    line of how many, for a command that reads the data only to check a model on them
    (`churn promote`: the same warnings `churn train` gave, on every promotion).
    (`label_optional`, `model_attributes`, `model_date_formats`, `apart_from_use`: see
    `validate`.)"""
    tables, report = validate(
        config,
        today=today,
        label_optional=label_optional,
        model_attributes=model_attributes,
        model_date_formats=model_date_formats,
        apart_from_use=apart_from_use,
    )
    lines = _said_once(report.warnings)
    if warnings == "counted" and lines:
        n = len(lines)
        log.warning("%d data warning%s (churn validate lists them)", n, "" if n == 1 else "s")
    for said in lines if warnings == "each" else []:  # a wrong date format explains an error
        log.warning("data warning: %s", said)
    report.raise_for_errors()
    assert tables is not None  # no errors means tables were built
    return tables


def _said_once(issues: list[Issue]) -> list[str]:
    """One line per file and message: one file read as two tables (customers from a
    usage log) warns once, and the columns a message holds for are named together
    (a snapshot's 18 blank columns were 18 lines on every command)."""
    columns: dict[tuple[Path, str], list[str]] = {}
    for issue in issues:
        named = columns.setdefault((issue.path, issue.message), [])
        if issue.column is not None and issue.column not in named:
            named.append(issue.column)
    lines = []
    for (path, message), named in columns.items():
        where = ", ".join(f"'{c}'" for c in named)
        column = f", column {where}" if len(named) == 1 else f", columns {where}" if named else ""
        lines.append(f"{path}{column}: {message}")
    return lines


"""The reference day's source when the config sets it: the extract date, not a guess."""


def _reference_date(config: RunConfig, today: dt.date | None) -> _Reference:
    if config.data.as_of is not None:
        return config.data.as_of, AS_OF_SOURCE
    source = "today; data.as_of sets the extract date of older or simulated data"
    return (today or dt.date.today()), source


def _tables(
    config: RunConfig,
    customers: pd.DataFrame,
    frames: dict[str, pd.DataFrame],
    read: list[_Table],
) -> Tables:
    """The loaded tables; `read`: the tables as read, with the attribute kinds,
    placeholders and histories found in them (the customers table's, and those the
    transactions and events carry)."""
    data = config.data
    consumables = data.transactions and data.transactions.consumable_categories
    event_types = data.events and data.events.types
    history = _merged_histories([t.history for t in read if t.history is not None])
    carried = data.carried_attributes()
    if carried and history is not None:
        customers = _with_latest(customers, history, [n for n in history if n in carried])
    words = {}
    for spec in data.tables().values():
        words.update(getattr(spec, "attribute_words", {}))
    attributes = {name: kind for t in read for name, kind in t.kinds.items()}
    tables = Tables(
        customers=customers,
        transactions=frames.get("transactions"),
        events=frames.get("events"),
        interactions=frames.get("interactions"),
        cancellations=frames.get("cancellations"),
        attributes=attributes,
        attribute_words=words,
        unread_columns=tuple(
            column
            for t in read
            if t.name == "customers"
            for column in t.header
            if column not in attributes
        ),
        numbered_ids=any(t.numbered for t in read),
        unknown_texts={name: texts for t in read for name, texts in t.placeholders.items()},
        date_formats={name: fmt for t in read for name, fmt in t.date_formats.items()},
        attribute_history=history,
        consumable_categories=tuple(consumables) if consumables else None,
        event_types=tuple(event_types) if event_types else None,
        event_quantity_unit=data.events.unit() if data.events else "units",
        event_type_words=dict(data.events.type_words) if data.events else {},
        event_quantities=dict(data.events.quantities) if data.events else {},
        as_of=pd.Timestamp(data.as_of) if data.as_of else None,
        payments=config.payments,
        not_use_types=next((t.left_out_types for t in read if t.name == "events"), ()),
    )
    complete = data.complete_history  # no window before the first day is unknown
    return replace(tables, history_from=None if complete else first_activity(tables))


def _merged_histories(histories: list[pd.DataFrame]) -> pd.DataFrame | None:
    """One dated attribute log from the customers log's and the activity tables': each
    attribute's column is blank on the other tables' rows, and `as_of` reads a column's
    latest known value, so stacked rows answer as each table alone would."""
    if len(histories) < 2:
        return histories[0] if histories else None
    merged = pd.concat(histories, ignore_index=True)
    return merged.sort_values(["customer_id", "timestamp"], kind="stable").reset_index(drop=True)
