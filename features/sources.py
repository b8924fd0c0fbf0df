"""Read the configured tables from CSV or Parquet, check them, and hand back `Tables`.

This is the one module in `features/` that touches files (and the clock, as the default
"today" that bounds timestamps). Every problem becomes an `Issue` naming the file, the
user's column and the number of rows, and all of them are collected before anything is
raised: a user fixing an extract wants the whole list, not one error per run.

Output frames follow `features/tables.py`: canonical column names, tz-naive
`datetime64[ns]` timestamps, float64 numbers, pandas strings for text, one `customer_id`
dtype across tables (int64 when every table's ids are integers, else str), and activity
tables sorted by (customer_id, timestamp) with a fresh index.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import logging
import re
import warnings
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numba
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import python_calamine
from pandas.api.types import (
    is_bool_dtype,
    is_datetime64_dtype,
    is_float_dtype,
    is_integer_dtype,
    is_numeric_dtype,
)
from pandas.tseries.api import guess_datetime_format

from features import encodings, workbooks
from features.contract import (
    MONEY_COLUMNS,
    UNTYPED_EVENT,
    WHOLE_FLOAT,
    ActivitySpec,
    CustomersSpec,
    EventsSpec,
    InteractionsSpec,
    LabelSpec,
    LookupSpec,
    RowFilter,
    RunConfig,
    TableSpec,
    TransactionsSpec,
    is_pattern,
    names_column,
    quantity_column,
)
from features.encodings import UTF8, Decoding, begins_as_text, first_undecodable, windows_text
from features.header_rows import HEADER_ROWS, header_row, skipped
from features.holes import longest_hole
from features.identifiers import NotAnAttribute, not_an_attribute, reads_as_a_code
from features.label_values import conventional, marks_stayers
from features.levels import likely_meant, name_words, similar_name, whole_word_part
from features.returns import line_total, match_lines
from features.tables import (
    DAY,
    SPREADSHEET_EPOCH,
    Tables,
    first_activity,
    no_use_rows,
    number_date_kind,
)
from features.text_numbers import read_numbers
from features.workbooks import SUFFIXES as _WORKBOOK_SUFFIXES
from features.workbooks import Sheets

log = logging.getLogger(__name__)

TIMESTAMP_COLUMNS = frozenset(
    {"timestamp", "signup_date", "resolved_at", "recorded_at", "paid_until"}
)
FUTURE_COLUMNS = frozenset({"paid_until"})
"""Dates that may lie after the extract date (a year paid ahead ends next year)."""
NUMBER_COLUMNS = frozenset(
    {
        "amount",
        "unit_price",
        "quantity",
        "discount",
        "list_price",
        "satisfaction",
        "wallet",
        "value",
    }
)
TEXT_COLUMNS = frozenset({"category", "type", "order_id"})
DERIVED_COLUMNS = frozenset({"returned_at"})
"""Columns the loader adds (`_match_returns`), not read from the file."""
SINCE_ALWAYS = pd.Timestamp("1678-01-01")
"""The time of a dated customers row without one: the earliest a table holds."""
MAX_MISSING_AMOUNT_SHARE = 0.05
"""Above this share of missing amounts the transactions are unusable; below, rows are dropped."""
MOSTLY_BLANK_PAID_UNTIL = 0.5
"""Above this share of blank paid-until dates the column is likely no payment log's: a
SaaS subscriptions table's `end_date`, 90.3% blank, passed validate without a word."""
MAX_NEGATIVE_AMOUNT_SHARE = 0.10
"""Up to this share, negative amounts are returns or refunds (a retail log has a few
percent): not purchases, so those rows are dropped with a warning. Above it the amounts
are unusable as they are (a sign convention, a wrong column): an error."""

_CSV_SUFFIXES = tuple(
    f"{stem}{gz}" for stem in (".csv", ".tsv", ".tab", ".txt", ".data") for gz in ("", ".gz")
)
"""Delimited text, whatever the extension says of the delimiter: it is told by the header
line (the KDD Cup's Orange extract is a tab-separated `.data`). A file of any other name
no reader claims is read as such too when it begins as text (`_format`)."""
MAX_DAY_NUMBER = 106_000
"""Day numbers further from `day_origin` than this leave the dates pandas can hold."""
BLANKS = r"\s+"
"""The separator of columns aligned with runs of spaces (pandas reads it as any blanks)."""
_PARQUET_SUFFIXES = (".parquet", ".pq")
_JSON_SUFFIXES = (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz")
_JSON_HEAD_LINES = 1000
"""The first lines checked to be JSON objects before the whole file is parsed."""
_READ_ERRORS = (OSError, ValueError, EOFError, pa.ArrowException, python_calamine.CalamineError)
_INTEGER_TEXT = r"-?(?:0|[1-9]\d{0,17})(?:\.0+)?"
"""Ids that survive a round trip through int64 unchanged (no leading zeros, no '+'), also
when written as whole floats (`_whole`)."""
_WHOLE_FLOAT = rf"^{WHOLE_FLOAT.pattern}$"
_EPOCH_UNITS = ((1e11, "s"), (1e14, "ms"), (1e17, "us"), (float("inf"), "ns"))
_TIME_STEPS_NS = (86_400 * 10**9, 10**9, 10**6, 10**3, 1)
_YAML_BOOLS = {
    **dict.fromkeys(("true", "yes", "y", "on", "1"), "true"),
    **dict.fromkeys(("false", "no", "n", "off", "0"), "false"),
}
"""YAML reads `positive: yes` as True, so a bool positive must match the words YAML accepts."""

_Reference = tuple[dt.date, str]
"""The day no timestamp may come after, and where it came from (named in the message)."""


class DataError(ValueError):
    """Input data that cannot be used: one line per problem, naming file, column and rows."""


@dataclass(frozen=True)
class Issue:
    """One problem in one table; `column` is the user's column name, `rows` how many rows."""

    level: Literal["error", "warning"]
    table: str
    path: Path
    column: str | None
    rows: int
    message: str
    joined_onto: Path | None = None
    """For a column a `lookup` brings, the table's own file its rows join onto (`path` is
    the lookup's file: IBM Telco's City was said to be in its services workbook)."""

    def __str__(self) -> str:
        return self.said()

    def said(self, *, as_table: bool = False) -> str:
        """The one line for a user; `as_table` names the table too, for a file read as
        two tables (a log's events and its cancellations) whose lines would otherwise
        tell the same column twice with different counts."""
        path = f"{self.path} (as {self.table})" if as_table else str(self.path)
        if self.joined_onto is not None:
            path += f" (joined onto {self.joined_onto.name})"
        where = path if self.column is None else f"{path}, column '{self.column}'"
        return f"{where}: {self.message}"


def _files_of_two_tables(issues: list[Issue]) -> set[Path]:
    """The files whose issues come from more than one table."""
    tables: dict[Path, set[str]] = {}
    for issue in issues:
        tables.setdefault(issue.path, set()).add(issue.table)
    return {path for path, names in tables.items() if len(names) > 1}


@dataclass(frozen=True)
class LabelCounts:
    """A label column's values as the file writes them, with their rows."""

    column: str
    positive: str
    """The value read as churned, as the file writes it."""
    counts: dict[str, int]
    """The two labelled values' rows."""
    unlabelled: dict[str, int] = field(default_factory=dict)
    """The rows of values `label.unlabelled` names: scored, not trained on."""

    @property
    def churned(self) -> int:
        return self.counts.get(self.positive, 0)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class TableSummary:
    """What was loaded, for the validation report; `path` is None for derived customers."""

    name: str
    path: Path | None
    rows: int
    customers: int
    date_min: pd.Timestamp | None
    date_max: pd.Timestamp | None
    missing_rates: dict[str, float]
    labels: LabelCounts | None = None
    """The label column's values (a customers table with a label)."""
    derived_from: tuple[str, ...] = ()
    """The tables derived customers were found in (`transactions`, `events`)."""


@dataclass
class ValidationReport:
    """Everything found while loading: a summary per table and every issue."""

    tables: list[TableSummary] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.level == "warning"]

    def raise_for_errors(self) -> None:
        """Raise one DataError listing every error, one per line."""
        if self.errors:
            shared = _files_of_two_tables(self.errors)
            lines = [issue.said(as_table=issue.path in shared) for issue in self.errors]
            raise DataError("\n".join(lines))


@dataclass
class _Table:
    """One table while it is checked: its file, its column names there, what is clean so far."""

    name: str
    path: Path
    spec: TableSpec
    sources: dict[str, str]
    report: ValidationReport
    raw: pd.DataFrame = field(default_factory=pd.DataFrame)
    clean: dict[str, pd.Series] = field(default_factory=dict)
    dropped: pd.Series | None = None
    missing: dict[str, pd.Series] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    placeholders: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per attribute inferred numeric, the texts in it read as unknown (`_inferred_kind`)."""
    history: pd.DataFrame | None = None
    """A customers log's attributes by time (`_attribute_history`)."""
    carried_missing: dict[str, float] = field(default_factory=dict)
    """Each attribute an activity table carries, its share of blank rows: no column of
    the loaded table, but of the file the report describes (`_carried_apart`)."""
    separator: str = ","
    """A CSV file's, told by its header (`_separator`)."""
    lines_above: int = 0
    """A CSV file's lines above its header: a title, skipped (`_csv_header`)."""
    sheets: Sheets | None = None
    """A workbook's sheets holding the table (`workbooks.choose`)."""
    decoding: Decoding = UTF8
    """A text file's encoding (`_text_decoding`)."""
    numbered: bool = False
    """Whether the rows were numbered as the customers' ids (`_supplied_columns`)."""
    header: list[str] = field(default_factory=list)
    """The file's columns as read: a customers file's are the keys a posted customer may
    carry, the model's attributes and the columns it does not read."""
    model_attributes: frozenset[str] = frozenset()
    """Attributes a model to score reads: never left out as no attribute (`validate`)."""
    labels: LabelCounts | None = None
    """The label column's values, when it has two (`_label`)."""
    looked_up: dict[str, Path] = field(default_factory=dict)
    """The file each column a `lookup` joined comes from (`_joined`)."""

    @property
    def unread(self) -> tuple[str, ...]:
        """The file's columns the config does not read (RetailRocket's itemid beside its
        events): rows alike in every column read may differ in them."""
        read = set(self.sources.values())
        return tuple(c for c in self.header if c not in read)

    def column(self, canonical: str) -> pd.Series:
        return self.raw[self.sources[canonical]]

    def error(self, column: str | None, rows: int, message: str) -> None:
        self._add("error", column, rows, message)

    def warning(self, column: str | None, rows: int, message: str) -> None:
        self._add("warning", column, rows, message)

    def _add(
        self, level: Literal["error", "warning"], column: str | None, rows: int, msg: str
    ) -> None:
        source = None if column is None else self.sources.get(column, column)
        looked_up = self.looked_up.get(source) if source is not None else None
        path, onto = (self.path, None) if looked_up is None else (looked_up, self.path)
        self.report.issues.append(Issue(level, self.name, path, source, int(rows), msg, onto))

    def flag(
        self,
        level: Literal["error", "warning"],
        column: str,
        rows: pd.Series,
        what: str,
        examples: pd.Series | None = None,
    ) -> None:
        """Report the rows where `rows` is True as '<what> in N rows, e.g. <first example>'."""
        n = int(rows.sum())
        example = "" if examples is None else f", e.g. {_example(examples[rows])}"
        self._add(level, column, n, f"{what} in {_rows(n)}{example}")

    def drop(self, rows: pd.Series) -> None:
        """Leave these rows out of the result (they were reported, or are to be ignored)."""
        self.dropped = rows if self.dropped is None else (self.dropped | rows)

    def finish(self) -> pd.DataFrame:
        """The clean frame without dropped rows; lets go of the raw columns to save memory."""
        frame = pd.DataFrame(self.clean, copy=False)  # the columns are ours: no copy
        self.raw, self.clean = pd.DataFrame(), {}
        return frame if self.dropped is None else frame.loc[~self.dropped]


# --- public entry points -------------------------------------------------------------


def validate(
    config: RunConfig,
    *,
    today: dt.date | None = None,
    label_optional: bool = False,
    model_attributes: Collection[str] = (),
) -> tuple[Tables | None, ValidationReport]:
    """Read and check every configured table; `Tables` only when no check failed.

    `today` bounds the timestamps ("nothing after the extract date"): `data.as_of` when the
    config sets it, else this argument, else the clock. `label_optional`: a customers file
    without the label column is read without labels (a fresh extract to score).
    `model_attributes`: the attributes a model to score reads, kept by `attributes: all`
    whatever this file's values look like (150 fresh customers in 150 cities are a
    scattered text; the model was trained on the city).
    """
    report = ValidationReport()
    specs = _with_log_times(config.data.tables(), config)
    tables = [
        t
        for n, s in specs.items()
        if (t := _read(n, s, config, report, label_optional=label_optional)) is not None
    ]
    for table in tables:
        table.model_attributes = frozenset(model_attributes)
    ids_as_int = all(_integer_ids(t.column("customer_id")) for t in tables)
    reference = _reference_date(config, today)
    for table in tables:
        _clean_ids(table, ids_as_int)
    if not ids_as_int:
        _one_spelling_per_number(tables)
    frames = {t.name: _clean(t, reference=reference) for t in tables}
    customers = _customers(config, tables, frames)
    _check_blank_signups(tables, frames, config)
    _check_ends(tables, frames, config)
    _check_holes(tables, frames)
    _check_before_signup(tables, frames, customers, config)
    _check_one_order_each(tables, frames, config)
    report.tables = [
        _summarize(t.name, t.path, frames[t.name], t.labels, t.carried_missing) for t in tables
    ]
    if config.data.customers is None and customers is not None:
        found_in = tuple(name for name in ("transactions", "events") if name in frames)
        derived = replace(_summarize("customers", None, customers), derived_from=found_in)
        report.tables.insert(0, derived)
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
    ends = {
        name: frame["timestamp"].max().normalize()
        for name, frame in frames.items()
        if "timestamp" in frame and frame["timestamp"].notna().any()
    }
    if config.data.as_of is not None:
        end, by = pd.Timestamp(config.data.as_of), AS_OF_SOURCE
    elif ends:
        by = max(ends, key=lambda name: ends[name])
        end = ends[by]
    else:
        return
    for table in tables:
        last = ends.get(table.name)
        if table.name not in ACTIVITY_NOUNS or last is None:
            continue
        gap = (end - last).days
        if gap >= ENDS_EARLY_DAYS:
            noun = ACTIVITY_NOUNS[table.name]
            table.warning(
                "timestamp",
                0,
                f"the last {noun} is on {last.date()}, {gap} days before the data's end "
                f"({end.date()}, {by}): training and scoring read those days as no {noun} "
                "by anyone; if the extract of this table ended earlier, set data.as_of to "
                "its end (and leave out other tables' later rows)",
            )


def _check_holes(tables: list[_Table], frames: dict[str, pd.DataFrame]) -> None:
    """Warn of a run of days on which no customer has a row of an activity table, long
    against the log's own rhythm (`features.holes`): Sakila's rentals stop for 174 days
    before one last day, and cutoffs inside the hole read every customer as silent."""
    for table in tables:
        frame = frames.get(table.name)
        if table.name not in ACTIVITY_NOUNS or frame is None or "timestamp" not in frame:
            continue
        if (hole := longest_hole(frame["timestamp"])) is not None:
            noun = ACTIVITY_NOUNS[table.name]
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
    """Whether two tables read the same rows: one file, and in a workbook one sheet (a
    workbook's customers sheet is no log of its purchases sheet)."""
    path = config.resolve(one.path)
    if config.resolve(other.path) != path:
        return False
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
    model_attributes: Collection[str] = (),
) -> Tables:
    """Read and check every configured table; raise DataError listing every error. The
    warnings (rows ignored, formats guessed) go to the log: a user who trains or scores
    without running `churn validate` first still hears of them. (`label_optional`,
    `model_attributes`: see `validate`.)"""
    tables, report = validate(
        config, today=today, label_optional=label_optional, model_attributes=model_attributes
    )
    for said in _said_once(report.warnings):  # first: a wrong date format explains an error
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


AS_OF_SOURCE = "data.as_of"
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
        attribute_history=history,
        consumable_categories=tuple(consumables) if consumables else None,
        event_types=tuple(event_types) if event_types else None,
        event_quantity_unit=data.events.unit() if data.events else "units",
        event_quantities=dict(data.events.quantities) if data.events else {},
        as_of=pd.Timestamp(data.as_of) if data.as_of else None,
        payments=config.payments,
    )
    return replace(tables, history_from=first_activity(tables))


def _merged_histories(histories: list[pd.DataFrame]) -> pd.DataFrame | None:
    """One dated attribute log from the customers log's and the activity tables': each
    attribute's column is blank on the other tables' rows, and `as_of` reads a column's
    latest known value, so stacked rows answer as each table alone would."""
    if len(histories) < 2:
        return histories[0] if histories else None
    merged = pd.concat(histories, ignore_index=True)
    return merged.sort_values(["customer_id", "timestamp"], kind="stable").reset_index(drop=True)


def _with_latest(customers: pd.DataFrame, history: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """The customers table with each carried attribute's latest known value: what the
    customer is now, as a customers table says it (features read it as of each cutoff)."""
    columns = {}
    for name in names:
        known = history.loc[history[name].notna(), ["customer_id", name]]
        by_id = known.drop_duplicates("customer_id", keep="last").set_index("customer_id")[name]
        columns[name] = by_id.reindex(customers["customer_id"]).set_axis(customers.index)
    return customers.assign(**columns)


# --- reading -------------------------------------------------------------------------


def _read(
    name: str,
    spec: TableSpec,
    config: RunConfig,
    report: ValidationReport,
    *,
    label_optional: bool = False,
) -> _Table | None:
    """Open one file and read only the columns the config names; None when that fails.
    Each step says its own errors on the table and returns None to stop the read."""
    path = config.resolve(spec.path)
    table = _Table(name, path, spec, _source_columns(spec), report)
    fmt = _format(path)
    if fmt is None:
        what = (
            "its first bytes are no text; use delimited text (any name), .parquet (.pq), "
            "JSON lines (.json, .jsonl, .ndjson, or .gz of them) or a workbook (.xlsx, .xls, .ods)"
        )
        table.error(None, 0, f"unsupported file type: {what}")
        return None
    if not path.is_file():
        table.error(None, 0, "file not found")
        return None
    if (misnamed := _misnamed(path)) is not None:
        table.warning(None, 0, misnamed)
    decoding = _text_decoding(table, path, spec.encoding, fmt)
    if decoding is None:
        return None
    table.decoding = decoding
    header = _header(table, fmt, config)
    if header is None:
        return None
    if isinstance(spec, CustomersSpec):
        customers = _customers_as_read(table, spec, header.columns, config, label_optional)
        if customers is None:
            return None
        spec = table.spec = customers
        table.sources = _source_columns(spec)
    supplied = _supplied_columns(table, config, header.columns)
    if not _read_rows(table, fmt, header, supplied):
        return None
    _supply(table, supplied)
    if not all(_kept_rows(table, key, rows) for key, rows in _row_filter_keys(spec).items()):
        return None
    if not _cleaned(table, spec):
        return None
    if label_optional and isinstance(spec, CustomersSpec) and spec.label is not None:
        _unlabelled_when_blank(table, spec)
    return table


@dataclass(frozen=True)
class _Header:
    """A file's columns as the read sees them: its own, then those a lookup joins and a
    label file adds, with what those hold."""

    columns: list[str]
    looked_up: list[pd.DataFrame]
    """Each lookup's key and columns, in `TableSpec.lookups` order."""
    labels: pd.Series | None


def _header(table: _Table, fmt: str, config: RunConfig) -> _Header | None:
    spec = table.spec
    available = _columns_in(table, fmt)
    if available is None:
        return None
    looked_up = []
    for lookup in spec.lookups:  # a later one may key on what an earlier one joined
        found = _lookup(table, config, lookup, available, earlier=bool(looked_up))
        if found is None:
            return None
        looked_up.append(found)
        available = [*available, *lookup.columns]
    table.header = available
    labels = None
    if isinstance(spec, CustomersSpec) and spec.label is not None and spec.label.path is not None:
        labels = _label_file(table, config.resolve(spec.label.path), spec.label.column, available)
        if labels is None:
            return None
        available = [*available, spec.label.column]
    return _Header(available, looked_up, labels)


def _customers_as_read(
    table: _Table,
    spec: CustomersSpec,
    available: list[str],
    config: RunConfig,
    label_optional: bool,
) -> CustomersSpec | None:
    """The customers spec as this file reads it: without a label a fresh extract lacks
    (`label_optional`), with every attribute under `attributes: all`."""
    label = spec.label.column if spec.label is not None else None
    if label_optional and label is not None and label not in available:
        # a misspelt label is no fresh extract: validate and score refuse what train does
        # (`is_cancelled` for the file's `is_canceled` passed validate with exit 0)
        meant = likely_meant(label, available, renumbered=False)
        if meant is not None and whole_word_part(label, [meant]) is None:
            table.error("label", 0, f"not in the file{_did_you_mean(label, [meant])}")
            return None
        # a longer name of its words (last month's churn_flag_prev) or one of another
        # number (another horizon's churned_30d) is another column of a fresh extract
        close = meant or similar_name(label, available)
        also = f" ({close!r} is another column, not read)" if close else ""
        table.warning("label", 0, f"not in the file{also}: {FRESH_EXTRACT}")
        spec = spec.model_copy(update={"label": None})
    if spec.all_attributes:
        elsewhere = config.data.carried_attributes() | _read_by_other_tables(table, config)
        purchases = config.data.transactions is not None
        spec = _with_every_attribute(spec, available, elsewhere, purchases=purchases)
    return spec


def _read_by_other_tables(table: _Table, config: RunConfig) -> set[str]:
    """The columns other tables read from this table's file: the Club Data Set's one file
    is its customers and, by END_DATE, its cancellations; `attributes: all` made END_DATE
    a numeric attribute too, the label's own date (the train's leak check caught it)."""
    path = table.path.resolve()
    return {
        column
        for name, spec in config.data.tables().items()
        if name != table.name and config.resolve(spec.path).resolve() == path
        for column in _source_columns(spec).values()
    }


def _read_rows(table: _Table, fmt: str, header: _Header, supplied: set[str]) -> bool:
    """The file's own columns into `table.raw`, then the lookup's and the label file's."""
    spec, path = table.spec, table.path
    read = {c: s for c, s in table.sources.items() if c not in supplied}
    if not _has_columns(table, read, header.columns):
        return False
    joined = {column for lookup in spec.lookups for column in lookup.columns}
    joined |= {header.labels.name} if header.labels is not None else set()
    own = {c: s for c, s in read.items() if s not in joined}
    for k, lookup in enumerate(spec.lookups):
        if lookup.on not in joined:  # else an earlier lookup joins the key
            own[f"lookup.on.{k}"] = lookup.on
    try:
        table.raw = _read_columns(table, fmt, own, spec.not_missing)
        _warn_na_codes(table, fmt, own)
    except _READ_ERRORS as exc:
        if fmt == "csv" and (cut := _cut_off(table, exc)) is not None:
            table.error(None, 0, cut)
            return False
        where = _bad_json_line(path, table.decoding) if fmt == "json" else None
        table.error(None, 0, f"cannot read the file: {where or _first_line(exc)}")
        return False
    for lookup, looked_up in zip(spec.lookups, header.looked_up, strict=True):
        table.raw = _joined(table, looked_up, lookup)
    if header.labels is not None:
        labels = header.labels
        if len(labels) != len(table.raw):
            what = f"{_counted(len(labels), 'label')} in {labels.attrs['file']}"
            rows = f"{_rows(len(table.raw))} in {path.name}"
            why = _label_header(labels, len(table.raw)) or "it holds one per row, in their order"
            table.error("label", 0, f"{what} for {rows}: {why}")
            return False
        table.raw[labels.name] = labels.to_numpy()
    if table.raw.empty:
        table.error(None, 0, "the file has no rows")
        return False
    return True


def _cut_off(table: _Table, exc: BaseException) -> str | None:
    """What a delimited file ending inside a quoted field says, with the line the open
    quote is on: pandas' 'EOF inside string starting at row 49103' counts records from
    the header, not lines, and reads as a parser fault, where the file was cut off
    mid-copy (a cut copy of the Czech bank's trans.asc ends '3526882;11021;940331;"PRIJE')."""
    if "EOF inside string" not in str(exc):
        return None
    line = _open_quote_line(table.path, table.decoding)
    if line is None:
        return None
    return (
        f"the file looks cut off: the quoted field opened on line {line:,} never closes "
        "(copy or export it again; or remove that line, or its stray quote)"
    )


def _open_quote_line(path: Path, decoding: Decoding) -> int | None:
    """The line (from 1) of the quote left open at the file's end, if one is: each line
    with an odd number of quotes opens or closes a field ("" inside one is even)."""
    opened = None
    with decoding.open(path) as handle:
        for number, line in enumerate(handle, start=1):
            if line.count('"') % 2:
                opened = number if opened is None else None
    return opened


def _supply(table: _Table, supplied: set[str]) -> None:
    """The columns a file lacks that the read supplies: row numbers as customer ids, one
    event type."""
    n = len(table.raw)
    if "customer_id" in supplied:
        table.raw.insert(0, "customer_id", np.arange(1, n + 1, dtype=np.int64))
        table.numbered = True
        what = f"no customer_id column: the rows are the customers, numbered 1 to {n:,}"
        table.warning("customer_id", n, f"{what} (map customer_id to use your own ids)")
    if "type" in supplied:
        table.raw["type"] = UNTYPED_EVENT
        what = f"no type column: every event is of one type, '{UNTYPED_EVENT}'"
        table.warning("type", n, f"{what} (map type if the log has one)")


def _row_filter_keys(spec: TableSpec) -> dict[str, RowFilter]:
    """Each `rows` filter by the key its column is read under: 'rows.column', then
    'rows.column.2'... for a list's later filters."""
    return {
        "rows.column" + (f".{i}" if i > 1 else ""): rows
        for i, rows in enumerate(spec.row_filters, start=1)
    }


def _kept_rows(table: _Table, key: str, rows: RowFilter) -> bool:
    """Only the rows this `rows:` filter keeps, of those earlier filters kept; False
    (said) when it would keep none."""
    column = table.column(key)
    named = _holds(column, rows.named)
    kept = named if rows.values is not None else ~named
    if not kept.any():
        wanted = ", ".join(str(v) for v in rows.named)
        kept_before = " the filters before kept" if key != "rows.column" else ""
        if rows.values is not None:
            what, field = f"no row{kept_before} holds any of", "rows.values"
        else:
            what, field = f"every row{kept_before} holds one of", "rows.not_values"
        meant = _values_meant(rows.named, column)
        table.error(key, 0, f"{what}: {wanted} ({field}){meant}")
        return False
    _warn_unseen_row_values(table, key, rows.named)
    table.raw = table.raw.loc[kept].reset_index(drop=True)
    return True


def _cleaned(table: _Table, spec: TableSpec) -> bool:
    """Missing-value markers blanked and values outside valid ranges said; False (said)
    when either names a column the table does not read."""
    per_column = spec.missing_values if isinstance(spec.missing_values, dict) else {}
    for key, names in (("missing_values", per_column), ("valid_ranges", spec.valid_ranges)):
        if not _names_read(table, key, names):
            return False
    if spec.missing_values:
        kept_as_read = ["customer_id", *_row_filter_keys(spec)]
        keys = {table.sources[c] for c in kept_as_read if c in table.sources}
        table.raw = _blanked(table.raw, spec, keep=keys)
    _within_ranges(table, spec)
    return True


def _label_file(table: _Table, path: Path, name: str, available: list[str]) -> pd.Series | None:
    """The labels of a file of their own, one per line, as text named `name`; None (with
    the error said) when it cannot serve."""
    where = f"label file {path.name}"
    if name in available:
        table.error("label", 0, f"{where}: {name!r} is also a column of {table.path.name}")
        return None
    if not path.is_file():
        table.error("label", 0, f"{where}: file not found")
        return None
    decoding = _text_decoding(table, path, None, "csv", where=f"{where}: ")
    if decoding is None:
        return None
    try:
        labels = pd.read_csv(
            path, header=None, dtype="str", sep="\t", skip_blank_lines=False, **decoding.options()
        )
    except _READ_ERRORS as exc:
        table.error("label", 0, f"{where}: cannot read the file: {_first_line(exc)}")
        return None
    if labels.shape[1] != 1:
        table.error("label", 0, f"{where}: one label per line, found {labels.shape[1]} fields")
        return None
    column = labels.iloc[:, 0].rename(name)
    column.attrs["file"] = path.name
    return column


def _label_header(labels: pd.Series, rows: int) -> str | None:
    """Why a label file holds one line too many, when its first is a header: a word that
    no other line holds ('churn' above 1,000 lines of 0 and 1)."""
    first = labels.iloc[0] if len(labels) == rows + 1 else None
    if first is None or pd.isna(first) or not _reads_like_a_header([first]):
        return None
    if first in set(labels.iloc[1:].dropna()):
        return None
    return f"its first line {first!r} reads as a header: remove it"


FRESH_EXTRACT = "a fresh extract to score, everyone is scored; training needs labels"
"""What a customers file without labels is to `churn score` (read with `label_optional`)."""


def _unlabelled_when_blank(table: _Table, spec: CustomersSpec) -> None:
    """A label column blank in every row, as a holdout ships (Cell2Cell's `Churn`), is
    read as no label column: a fresh extract, not 20,000 missing labels."""
    if _text(table.column("label")).notna().any():
        return
    table.warning("label", len(table.raw), f"blank in all {_rows(len(table.raw))}: {FRESH_EXTRACT}")
    table.spec = spec.model_copy(update={"label": None})
    table.sources = _source_columns(table.spec)


def _lookup(
    table: _Table, config: RunConfig, lookup: LookupSpec, available: list[str], *, earlier: bool
) -> pd.DataFrame | None:
    """The lookup file's key and columns, all as text, one row per key; None (with the
    error said) when it cannot serve. A key no column of the table (nor of the `earlier`
    lookups' columns, in `available`) is said with the likely one, as a column is:
    Chinook's 'Genre_Id' for the GenreId a lookup before it joined."""
    path = config.resolve(lookup.path)
    where = f"lookup {path.name}"
    if lookup.on not in available:
        joined = " or of the lookups before it" if earlier else ""
        meant = _did_you_mean(lookup.on, available)
        what = f"the key {lookup.on!r} is no column of {table.path.name}{joined}{meant}"
        table.error(None, 0, f"{where}: {what}")
        return None
    clash = sorted(set(lookup.columns) & set(available))
    if clash:
        table.error(None, 0, f"{where}: {', '.join(clash)} also a column of {table.path.name}")
        return None
    fmt = _format(path)
    if fmt is None or not path.is_file():
        table.error(None, 0, f"{where}: {'file not found' if fmt else 'unsupported file type'}")
        return None
    if (misnamed := _misnamed(path)) is not None:
        table.warning(None, 0, f"{where}: {misnamed}")
    decoding = _text_decoding(table, path, lookup.encoding, fmt, where=f"{where}: ")
    if decoding is None:
        return None
    wanted = [lookup.on, *lookup.columns]
    blank = _missing_text(table.spec.not_missing)
    try:
        if fmt == "csv":
            above, sep = _csv_header(path, wanted, decoding)
            options = {"sep": sep, "skiprows": above, **decoding.options()}
            header = list(pd.read_csv(path, nrows=0, **options).columns)
            missing = [c for c in wanted if c not in header]
            usecols = [c for c in wanted if c in header]
            if table.spec.not_missing:  # the table's values, in its lookups' columns too
                options.update(keep_default_na=False, na_values=list(blank))
            frame = pd.read_csv(path, dtype="str", usecols=usecols, **options)
        else:
            if fmt == "excel":
                sheets = workbooks.choose(path, None, wanted, blank)
                read = workbooks.read(path, sheets, list(sheets.header), blank)
            elif fmt == "parquet":
                read = pd.read_parquet(path)
            else:
                read = pd.read_json(path, lines=True, **decoding.options())
            header, missing = list(read.columns), [c for c in wanted if c not in read]
            text = read.astype("string").astype(object)  # blanks stay blank, not 'nan'
            frame = text.where(read.notna(), None)
    except _READ_ERRORS as exc:
        table.error(None, 0, f"{where}: cannot read the file: {_first_line(exc)}")
        return None
    if missing:
        found = ", ".join(map(str, header))
        named = ", ".join(c + _did_you_mean(c, list(map(str, header))) for c in missing)
        table.error(None, 0, f"{where}: no column {named}; available: {found}")
        return None
    frame = frame[wanted].assign(**{lookup.on: _whole(_text(frame[lookup.on]))})
    # rows alike in the columns read are one: a category table of one row per
    # subcategory names each category's code once per subcategory, always alike
    frame = frame.drop_duplicates(ignore_index=True)
    repeated = frame[lookup.on].duplicated(keep=False) & frame[lookup.on].notna()
    if repeated.any():
        example = frame.loc[repeated, lookup.on].iloc[0]
        what = f"{where}: {_rows(int(repeated.sum()))} share a {lookup.on}, e.g. {example!r}"
        differ = f"with other {', '.join(lookup.columns)}"
        table.error(None, int(repeated.sum()), f"{what}, {differ}; a lookup holds one per key")
        return None
    table.looked_up.update(dict.fromkeys(lookup.columns, path))
    return frame


def _joined(table: _Table, looked_up: pd.DataFrame, lookup: LookupSpec) -> pd.DataFrame:
    """The table's rows with the lookup's columns (blank where the key is not there, said
    in a warning), in the table's row order."""
    keys = _whole(_text(table.raw[lookup.on]))
    found = looked_up.set_index(lookup.on)
    joined = found.reindex(keys)
    unmatched = (keys.notna() & ~keys.isin(found.index)).to_numpy()
    if unmatched.any():
        n = int(unmatched.sum())
        table.warning(
            None,
            n,
            f"{_rows(n)} have a {lookup.on} not in {Path(lookup.path).name}: "
            f"their {', '.join(lookup.columns)} are blank",
        )
    return table.raw.assign(**{c: joined[c].to_numpy() for c in lookup.columns})


def _warn_unseen_row_values(table: _Table, key: str, values: list) -> None:
    """A value of `rows` no row holds (a typo: 'lates' for 'late' leaves every late
    order out without a word), named in a warning with the values the column holds."""
    column = table.column(key)
    unseen = [v for v in values if not _holds(column, [v]).any()]
    if unseen:
        held = _text(column).value_counts().index[:8]
        what = f"rows values never seen in the column: {', '.join(map(str, unseen))}"
        meant = _values_meant(unseen, column)
        table.warning(key, 0, f"{what}{meant} (it holds e.g. {', '.join(held)})")


def _values_meant(wanted: Iterable[object], column: pd.Series) -> str:
    """' (did you mean ...?)' for configured values the column lacks but nearly holds
    ('Cancellation Confirmed' for 'Cancellation Confirmation', 'thumbs down' for 'Thumbs
    Down'), else ''."""
    held = _text(column).dropna().unique().tolist()
    pairs = [(str(v), likely_meant(str(v), held)) for v in wanted]
    said = [f"{meant!r} for {value!r}" for value, meant in pairs if meant and meant != value]
    return f" (did you mean {', '.join(said)}?)" if said else ""


def _names_read(table: _Table, key: str, names: Iterable[str]) -> bool:
    """Whether every column a per-column setting (`key`) names is read; else an error."""
    unread = sorted(set(names) - set(table.raw.columns))
    if unread:
        what = f"{key} names column(s) not read: {', '.join(unread)}"
        table.error(None, 0, f"{what}; read are: {', '.join(table.raw.columns)}")
    return not unread


def _within_ranges(table: _Table, spec: TableSpec) -> None:
    """Numbers outside their column's `valid_ranges` as blanks, with a warning each."""
    for name, (low, high) in spec.valid_ranges.items():
        values = table.raw[name]
        number = (
            values
            if is_numeric_dtype(values)
            else read_numbers(_text(values), spec.decimal)[0]  # '1051,5' too
        )
        outside = spec.outside_range(name, number)
        if outside.any():
            bounds = f"[{'' if low is None else f'{low:g}'}, {'' if high is None else f'{high:g}'}]"
            what = f"numbers outside valid_ranges {bounds} read as unknown"
            table.flag("warning", _canonical_of(table, name), outside, what, values)
            table.raw[name] = values.mask(outside)


def _canonical_of(table: _Table, column: str) -> str:
    """The canonical name a file column is read for (the name itself for an attribute),
    so that an issue about it names the file's column."""
    return next((c for c, source in table.sources.items() if source == column), column)


def _blanked(frame: pd.DataFrame, spec: TableSpec, *, keep: set[str]) -> pd.DataFrame:
    """The configured missing values (`missing_values`) as blanks, in each column they
    apply to but `keep` (the customer id, the row filter's column): numbers compared as
    numbers (-1 is -1.0, also where a CSV column was read as text), anything else as
    stripped text."""
    blanked = {}
    for name, values in frame.items():
        wanted = spec.missing_in(name)
        blank = None if name in keep or not wanted else _holds(values, wanted)
        blanked[name] = values.mask(blank) if blank is not None and blank.any() else values
    return pd.DataFrame(blanked, copy=False)


def _holds(values: pd.Series, wanted: list) -> pd.Series:
    """Rows whose value is one of `wanted`: numbers compared as numbers (a flag 1 is 1.0,
    also where a CSV column was read as text: "-1.0" is -1), anything as stripped text."""
    numbers = pd.to_numeric(pd.Series(wanted, dtype=object), errors="coerce").dropna()
    if is_numeric_dtype(values) and not is_bool_dtype(values):
        return values.isin(numbers)
    text = _text(values)
    held = text.isin([str(v).strip() for v in wanted]).fillna(False).astype(bool)
    if len(numbers):
        held |= pd.to_numeric(text, errors="coerce").isin(numbers)
    return held


def _with_every_attribute(
    spec: CustomersSpec, available: list[str], elsewhere: set[str], *, purchases: bool
) -> CustomersSpec:
    """`attributes: all`: every column not otherwise read, nor left out, nor a reader's
    unnamed index column ('Unnamed: 0', a frame saved with its index), nor read
    `elsewhere`: an attribute an activity table carries (read there as of each cutoff), a
    column another table of the same file maps (`_read_by_other_tables`). A `value`
    column describes the customer and stays an attribute (left out, an ISP's `bill_avg`
    cost ROC AUC 0.978 -> 0.970), and so does a `wallet` unless the wallet features read
    it (`purchases`)."""
    canonical = {*spec.required_columns, *spec.optional_columns, "label"}  # map these
    also_attributes = {"value"} | (set() if purchases else {"wallet"})
    read = {column for name, column in spec.mapped().items() if name not in also_attributes}
    taken = {*read, *canonical, *elsewhere}
    taken |= {spec.label.column} if spec.label is not None else set()
    taken |= {rows.column for rows in spec.row_filters}
    every = [
        c
        for c in available
        if c not in taken and not str(c).startswith("Unnamed: ") and not spec.leaves_out(str(c))
    ]
    kinds = {name: kind for name, kind in spec.attribute_kinds.items() if name in every}
    return spec.model_copy(update={"attributes": dict.fromkeys(every) | kinds})


def _source_columns(spec: TableSpec) -> dict[str, str]:
    """canonical -> user column for everything to read: mapped columns, attributes, label,
    and the column rows are kept by (`rows`)."""
    sources = spec.mapped()
    if isinstance(spec, CustomersSpec | ActivitySpec):
        sources.update({name: name for name in spec.attributes if name not in sources})
    if isinstance(spec, CustomersSpec) and spec.label is not None:
        sources["label"] = spec.label.column
    sources.update({key: rows.column for key, rows in _row_filter_keys(spec).items()})
    return sources


def reads_missing_text(path: Path) -> bool:
    """Whether the file's reader takes `MISSING_TEXT` ('NA', 'NULL') for blanks: delimited
    text and workbooks do (cells are typed by hand); Parquet and JSON keep such text as a
    value."""
    return _format(Path(path)) in ("csv", "excel")


_Format = Literal["csv", "parquet", "json", "excel"]
_FORMAT_NAMES = {"parquet": "Parquet", "json": "JSON lines", "excel": "a workbook"}


def _format(path: Path) -> _Format | None:
    """The reader of a file, told by its name; a workbook by its content too, whatever its
    name says (`_misnamed`). A name no reader claims is delimited text when the file
    begins as text (MovieLens' pipe-separated `u.user`, ML-1M's `ratings.dat`) or is not
    there to say (a model's data at serving time); None for a binary one."""
    name = path.name.lower()
    if name.endswith(_WORKBOOK_SUFFIXES) or workbooks.suffix_by_content(path) is not None:
        return "excel"
    if name.endswith(_JSON_SUFFIXES):
        return "json"
    if name.endswith(_PARQUET_SUFFIXES):
        return "parquet"
    if name.endswith(_CSV_SUFFIXES) or not path.is_file() or begins_as_text(path):
        return "csv"
    return None


def _misnamed(path: Path) -> str | None:
    """What a warning says of a workbook named as another format: it is read as the
    workbook it is (the user meant its rows), and renamed it misleads no other tool."""
    suffix = workbooks.suffix_by_content(path)
    if suffix is None or path.name.lower().endswith(_WORKBOOK_SUFFIXES):
        return None
    what = f"a workbook ({suffix}) by its content, not the format its name says"
    return f"{what}: read as one; rename it {path.stem}{suffix}"


def _missing_text(not_missing: list[str]) -> tuple[str, ...]:
    """`MISSING_TEXT` but the texts a table's `not_missing` keeps as values."""
    kept = {text.strip() for text in not_missing}
    return tuple(t for t in MISSING_TEXT if t not in kept)


def _columns_in(table: _Table, fmt: str) -> list[str] | None:
    """The file's column names (its header, or `column_names` for a file without one),
    read before the rows; None when unreadable."""
    names, given = table.spec.column_names, table.spec.separator
    if fmt != "csv" and (names is not None or given is not None):
        what = "column_names is for delimited text without a header line"
        what = what if names is not None else "separator is for delimited text"
        table.error(None, 0, f"{what}; this is {_FORMAT_NAMES[fmt]}")
        return None
    try:
        if fmt == "excel":
            wanted, blank = [*table.sources.values()], _missing_text(table.spec.not_missing)
            table.sheets = workbooks.choose(table.path, table.spec.sheet, wanted, blank)
            if table.sheets.note is not None:
                table.warning(None, 0, table.sheets.note)
            return list(table.sheets.header)
        if fmt == "parquet":
            return pq.read_schema(table.path).names
        if fmt == "json":
            _check_json_head(table.path, table.decoding)
            return list(_parsed_json(table.path, table.decoding).columns)  # every line's keys
        if names is None:
            wanted = [*table.sources.values()]
            table.lines_above, table.separator = _csv_header(
                table.path, wanted, table.decoding, given
            )
            if (above := skipped(table.lines_above, unit="line")) is not None:
                table.warning(None, 0, above)
            options = {**_split_by(table.separator), "skiprows": table.lines_above}
            read = pd.read_csv(table.path, nrows=0, **options, **table.decoding.options())
            header = list(read.columns)
            return header if _splits(table, header, "header line") else None
        table.separator = given or _delimiter(table.path, table.decoding)
        lines = pd.read_csv(
            table.path,
            nrows=2,
            header=None,
            dtype="str",
            **_split_by(table.separator),
            **table.decoding.options(),
        )
        first = list(lines.iloc[0].fillna("")) if len(lines) else []
        if not _splits(table, first, "first line"):
            return None
        if len(first) != len(names):
            what = f"the first line has {len(first)} fields; column_names names {len(names)}"
            # ML-1M's `1::1193::5::978300760` splits on none of the separators told
            hint = "; set the table's separator (e.g. '::')" if len(first) == 1 else ""
            table.error(None, 0, f"{what}: {', '.join(names)}{hint}")
            return None
        if [field.strip() for field in first] == names:
            table.error(None, 0, "the first line is a header naming column_names: leave them out")
            return None
        second = list(lines.iloc[1].fillna("")) if len(lines) > 1 else []
        if second and _reads_like_data(second) and _reads_like_a_header(first):
            header = ", ".join(field.strip() for field in first)
            table.error(
                None,
                0,
                f"the first line reads as a header ({header}), not a row: column_names is for "
                "files without one; leave it out and map the header's names",
            )
            return None
        return names
    except pd.errors.EmptyDataError:
        table.error(None, 0, "the file is empty: no header line and no rows")
        return None
    except _READ_ERRORS as exc:
        where = _bad_json_line(table.path, table.decoding) if fmt == "json" else None
        table.error(None, 0, f"cannot read the file: {where or _first_line(exc)}")
        return None


def _supplied_columns(table: _Table, config: RunConfig, available: list[str]) -> set[str]:
    """Canonical columns the file lacks and the loader supplies, when the config maps no
    column for them and the file has none under the canonical name either:

    - `customer_id` of a labelled snapshot that is the only table (benchmark extracts
      ship without ids): each row is one customer, numbered;
    - `type` of events (a usage log of logins or listening seconds has no type): one
      type for every event.
    """
    spec = table.spec
    absent = {c for c in ("customer_id", "type") if c not in spec.columns and c not in available}
    supplied = set()
    if isinstance(spec, CustomersSpec) and set(config.data.tables()) == {"customers"}:
        supplied |= absent & {"customer_id"}
    if isinstance(spec, EventsSpec):
        supplied |= absent & {"type"}
    return supplied


def _has_columns(table: _Table, sources: dict[str, str], available: list[str]) -> bool:
    """Check the header before reading, so a missing column names what *is* there."""
    missing = {c: s for c, s in sources.items() if s not in available}
    hint = ""
    if missing and table.spec.column_names is None and _reads_like_data(available):
        hint = (
            ". The first line reads like data, not column names: name the columns of a "
            "file without a header line with `column_names: [...]`, in file order"
        )
    for canonical, source in missing.items():
        what = "" if canonical == source else f" (configured for '{canonical}')"
        what += _did_you_mean(source, available)
        message = f"column not found{what}; available: {', '.join(available)}{hint}"
        table.error(source, 0, message)
    return not missing


def _did_you_mean(name: str, available: list[str], *, renumbered: bool = True) -> str:
    """' (did you mean ...?)' for a configured column the file names otherwise, as live
    scoring says of a posted key (`likely_meant`, whose `renumbered` it passes on);
    spacing is invisible on a terminal, so a name differing only in it says so."""
    meant = likely_meant(name, available, renumbered=renumbered)
    if meant is None:
        return ""
    spaced = ", spaced otherwise" if name.split() == meant.split() else ""
    return f" (did you mean {meant!r}{spaced}?)"


def _reads_like_data(header: list[str]) -> bool:
    """Whether most of a header's names are numbers: the file's first line is a row."""
    numbers = pd.to_numeric(pd.Series(header, dtype="str"), errors="coerce").notna().sum()
    return 2 * numbers > len(header)


def _reads_like_a_header(fields: list[str]) -> bool:
    """Whether a line's filled fields are all words, no number among them (a row of a
    file without a header may leave its last fields blank: `00001,19970101,,`)."""
    filled = pd.Series([f.strip() for f in fields], dtype="str").loc[lambda s: s != ""]
    return not filled.empty and pd.to_numeric(filled, errors="coerce").isna().all()


MISSING_TEXT = (
    *("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND"),
    *("1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"),
)
"""What pandas reads as missing in a CSV by default; a table's `not_missing` keeps some."""


def _read_columns(
    table: _Table, fmt: str, sources: dict[str, str], not_missing: list[str]
) -> pd.DataFrame:
    """Read the needed columns; CSV through pyarrow, falling back to the C parser.

    pyarrow infers types per block and gives up when a later block disagrees (a stray word
    in a number column); the C parser then reads everything as text so the checks can say
    which rows are wrong. Columns separated by runs of blanks go to the C parser at once
    (pyarrow splits on one character), and so does text not in UTF-8 (pyarrow's reader
    has no fallback for the bytes cp1252 leaves undefined).
    """
    path = table.path
    columns = list(dict.fromkeys(sources.values()))
    if fmt == "parquet":
        return pd.read_parquet(path, columns=columns)
    if fmt == "excel" and table.sheets is not None:  # cells as typed: dates, numbers, text
        return workbooks.read(path, table.sheets, columns, _missing_text(not_missing))
    if fmt == "json":  # values as written: the checks parse dates and numbers themselves
        return _parsed_json(path, table.decoding).reindex(columns=columns)
    parsed_later = TIMESTAMP_COLUMNS | NUMBER_COLUMNS
    if table.spec.date_format is not None:  # '01022024' in %d%m%Y: keep the leading zero
        parsed_later = NUMBER_COLUMNS
    texts = {s for canonical, s in sources.items() if canonical not in parsed_later}
    dtypes = dict.fromkeys(texts, "str")
    # numbers as floats: a blank after a block of integers must not defeat the fast path;
    # a column read as text too (a review score as both type and satisfaction) stays text,
    # or its type '1' would read '1.0'
    numbers = {s for canonical, s in sources.items() if canonical in NUMBER_COLUMNS}
    dtypes.update(dict.fromkeys(numbers - texts, "float64"))
    options = _csv_options(table, columns)
    if not_missing:
        options.update(keep_default_na=False, na_values=list(_missing_text(not_missing)))
    if len(table.separator) == 1 and table.decoding == UTF8:
        try:
            return pd.read_csv(path, dtype=dtypes, engine="pyarrow", **options)
        except _READ_ERRORS:
            pass
    options.update(table.decoding.options(), **_split_by(table.separator))
    if options["engine"] == "c":
        options["low_memory"] = False
    return pd.read_csv(path, dtype="str", **options)


def _csv_options(table: _Table, columns: list[str]) -> dict[str, object]:
    """`read_csv`'s keywords for these columns of delimited text, as its header was read;
    a parser of the separator (`_split_by`) adds its own."""
    options: dict[str, object] = {
        "usecols": columns,
        "sep": table.separator,
        "skiprows": table.lines_above,
    }
    if table.spec.column_names is not None:
        options.update(header=None, names=table.spec.column_names)
    return options


NA = "NA"
BLANK_WORDS = {NA: "North America", "None": "no offer, no internet"}
"""Texts a CSV reader takes for blank that are also codes beside other codes, with what
they may stand for there."""
CODE_OR_WORD = r"[^\W\d_][^\W_]{0,19}(?:[ &/.'-][^\W_]{1,19}){0,2}"
"""A short code or word, or two or three of them ('EMEA', 'Japan', 'North America',
'Month-to-month'): what a column holding 'NA' as a code (North America, Namibia, not
applicable) holds beside it. Not a number, not a sentence."""
CODES_AT_LEAST = 0.9
"""Share of a column's other filled rows that must be such codes for 'NA' to be one."""
CODE_TEXT_COLUMNS = frozenset({"category", "type"})
"""Canonical text columns whose values are codes (attributes are too)."""


def _warn_na_codes(table: _Table, fmt: str, sources: dict[str, str]) -> None:
    """A CSV reader takes 'NA' and 'None' for blank (R and Python write them so), but
    beside other codes each is one: Kaggle's sales data hold NA (North America) in 38% of
    `TERRITORY` beside EMEA, APAC and Japan, and IBM Telco's `Offer` None (no offer) in
    55% beside Offer A to E, and validate said nothing. So a text column whose cells
    written so were read as blank, its other values short codes or words
    (`CODE_OR_WORD`), is named in a warning with `not_missing`, which keeps them;
    numbers and free text beside them are left quiet. Read again as written (only such
    columns with blanks, once)."""
    words = [w for w in BLANK_WORDS if w in _missing_text(table.spec.not_missing)]
    if fmt not in ("csv", "excel") or not words:
        return
    coded = {*CODE_TEXT_COLUMNS, *getattr(table.spec, "attributes", {})}
    candidates = [
        source
        for canonical, source in sources.items()
        if canonical in coded and table.raw[source].isna().any()
    ]
    if not candidates:
        return
    written = _as_written(table, fmt, list(dict.fromkeys(candidates)), words)
    if len(written) != len(table.raw):
        return
    for column in dict.fromkeys(candidates):
        said_unknown = set(map(str, table.spec.missing_in(column)))
        for word in words:
            if word in said_unknown:
                continue
            cells = (_text(written[column]) == word).fillna(False).to_numpy(dtype=bool)
            codes = _codes_beside(_text(table.raw[column]).dropna()) if cells.any() else None
            if codes:
                n = int(cells.sum())
                table.warning(
                    _canonical_of(table, column),
                    n,
                    f"'{word}' read as blank in {_rows(n)}; the column's other values are "
                    f"codes like {', '.join(codes)}: if {word} is one of them "
                    f"({BLANK_WORDS[word]}), set not_missing: [{word}]",
                )


def _as_written(table: _Table, fmt: str, columns: list[str], words: list[str]) -> pd.DataFrame:
    """Text columns as the file writes them: 'NA' stays 'NA' (and the other `words`)."""
    if fmt == "excel" and table.sheets is not None:
        blank = tuple(t for t in _missing_text(table.spec.not_missing) if t not in words)
        return workbooks.read(table.path, table.sheets, columns, blank)
    options = _csv_options(table, columns) | table.decoding.options() | _split_by(table.separator)
    return pd.read_csv(table.path, dtype="str", na_filter=False, **options)


def _codes_beside(values: pd.Series) -> list[str] | None:
    """The two most frequent of a column's values when nearly all its rows hold short
    codes or words (`CODE_OR_WORD`); else None."""
    counts = values.value_counts()
    if counts.empty:
        return None
    coded = np.asarray(counts.index.str.fullmatch(CODE_OR_WORD), dtype=bool)
    if counts[coded].sum() < CODES_AT_LEAST * counts.sum():
        return None
    return [str(value) for value in counts.index[coded][:2]]


def _parsed_json(path: Path, decoding: Decoding) -> pd.DataFrame:
    stat = Path(path).stat()
    return _json_lines(str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size, decoding)


@lru_cache(maxsize=1)
def _json_lines(path: str, mtime_ns: int, size: int, decoding: Decoding) -> pd.DataFrame:
    """A JSON-lines file parsed whole (pandas reads no subset of keys), once per command
    however many tables read it: a streaming log mapped as customers, events,
    interactions and cancellations was parsed four times, 25 s each for 1.9M lines. Keyed
    by the file's identity, so a changed file is read again; tables reindex their columns
    from it, copies that leave it as read. Nested objects are flattened (`_flattened`)."""
    return _flattened(pd.read_json(path, lines=True, dtype=False, **decoding.options()))


def _flattened(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns holding JSON objects spread into one column per key, named with a dot, as
    the header lists them: Segment, Mixpanel and Amplitude exports nest an event's
    fields (`{"event": "login", "properties": {"seats_active": 4}}`), mapped as
    `properties.seats_active`. Deeper objects spread alike."""
    nested = [
        name
        for name in frame.select_dtypes("object").columns
        if frame[name].dropna().map(_is_object).any()
    ]
    if not nested:
        return frame
    spread = [frame.drop(columns=nested)]
    for name in nested:
        objects = [value if _is_object(value) else {} for value in frame[name]]
        inner = pd.DataFrame(objects, index=frame.index)
        spread.append(_flattened(inner).add_prefix(f"{name}."))
    return pd.concat(spread, axis=1)


def _is_object(value: object) -> bool:
    return isinstance(value, dict)


def _check_json_head(path: Path, decoding: Decoding) -> None:
    """A ValueError unless the first lines of a JSON-lines file are objects (one per line,
    as event logs are exported): a file holding one JSON array is refused with that advice
    before pandas reads it whole."""
    with decoding.open(path) as handle:
        for _ in _json_rows(itertools.islice(handle, _JSON_HEAD_LINES)):
            pass


def _bad_json_line(path: Path, decoding: Decoding) -> str | None:
    """Which line of a JSON-lines file is no JSON object ("line 1,001 is not JSON:
    ...", where the reader said only "at position 139100"); None when every line is."""
    try:
        with decoding.open(path) as handle:
            for _ in _json_rows(handle):
                pass
    except ValueError as exc:
        return str(exc)
    except (OSError, EOFError) as exc:  # a truncated .gz: say that instead
        return _first_line(exc)
    return None


def _json_rows(lines: Iterable[str]) -> Iterator[dict]:
    """The objects of JSON lines, blank lines skipped; a ValueError naming the first
    line that is no JSON object."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise ValueError(
                f"line {number:,} is not JSON ({exc}): {line.strip()[:60]!r}"
            ) from None
        if not isinstance(row, dict):
            raise ValueError(
                f"line {number:,} holds no object: expected one JSON object per line (JSON lines)"
            )
        yield row


def _text_decoding(
    table: _Table, path: Path, declared: str | None, fmt: str, *, where: str = ""
) -> Decoding | None:
    """How a text file's bytes are read (`features/encodings.py`): as `declared`, else
    UTF-8, else cp1252, said in one warning per file naming the first line that is not
    UTF-8; None (said) when a declared encoding cannot decode the file, or is given for
    a binary format. `where` names a file other than the table's (a lookup's)."""
    if fmt not in ("csv", "json"):
        if declared is None:
            return UTF8
        what = "encoding is for delimited text and JSON lines"
        table.error(None, 0, f"{where}{what}; this is {_FORMAT_NAMES[fmt]}")
        return None
    encoding = encodings.canonical(declared or "utf-8")
    try:
        bad = first_undecodable(path, encoding)
    except _READ_ERRORS as exc:  # a truncated .gz
        table.error(None, 0, f"{where}cannot read the file: {_first_line(exc)}")
        return None
    if bad is None:
        return Decoding(encoding)
    if declared is not None:
        what = f"not {declared} (encoding: {declared}) at {bad}"
        table.error(None, 0, f"{where}{what}: set the encoding the file was written in")
        return None
    said = f"{where}not UTF-8 at {bad}: read as cp1252 (set encoding: if that is wrong)"
    if not any(i.path == table.path and i.message == said for i in table.report.issues):
        table.warning(None, 0, said)  # once, however many tables read the file
    return windows_text()


def _csv_header(
    path: Path, wanted: list[str], decoding: Decoding, given: str | None = None
) -> tuple[int, str]:
    """The lines above delimited text's header (`header_row`: a title line is skipped)
    and its separator: the `given` one, else told by the header line (`_separator`)."""
    with decoding.open(path) as handle:
        lines = list(itertools.islice(handle, HEADER_ROWS + 1))
    if not lines:
        return 0, given or ","
    lines[0] = lines[0].removeprefix("\ufeff")  # pandas reads past a byte-order mark too
    separators = [
        given or _separator(line, after)
        for line, after in zip(lines, [*lines[1:], ""], strict=True)
    ]
    row = header_row(map(_fields, lines, separators), wanted)
    return row, separators[row]


def _fields(line: str, separator: str) -> list[str]:
    """A line's fields as pandas reads them: quotes around a field are no part of it (but
    between fields of a longer separator, which the python parser splits as written)."""
    if separator == BLANKS:
        return line.split()
    if len(separator) > 1:
        return line.rstrip("\r\n").split(separator)
    try:
        return next(csv.reader([line], delimiter=separator), [])
    except csv.Error:  # a text cell past the csv module's field limit: no header's line
        return line.split(separator)


def _split_by(separator: str) -> dict[str, str]:
    """`read_csv`'s separator and parser: one character, or runs of blanks, by the fast C
    parser; a longer one (ML-1M's '::') by the python parser, which reads it as a
    pattern, so escaped to be read as written."""
    if separator == BLANKS or len(separator) == 1:
        return {"sep": separator, "engine": "c"}
    return {"sep": re.escape(separator), "engine": "python"}


def _splits(table: _Table, fields: list[str], line: str) -> bool:
    """False (said) when the table's given separator leaves the `line` one field: the
    file is separated otherwise, and every column would read as missing."""
    given = table.spec.separator
    if given is None or len(fields) != 1:
        return True
    what = f"separator {given!r} splits the {line} into one column ({str(fields[0])[:60]!r})"
    table.error(None, 0, f"{what}: leave it out to tell the separator by the file's lines")
    return False


def _delimiter(path: Path, decoding: Decoding) -> str:
    """The separator of delimited text without a header line (`column_names`): its
    first line's (`_separator`)."""
    with decoding.open(path) as handle:
        return _separator(handle.readline(), handle.readline())


def _separator(first: str, second: str) -> str:
    """',' unless the `first` line splits on ';', tab or '|' instead (European exports
    write semicolons): the separator that gives it the most columns; `BLANKS` when it
    splits on none of them but on runs of spaces and the line after it, `second`, does
    alike (the CDNOW log's `00001 19970101  1 11.77`)."""
    best = max(",;\t|", key=lambda sep: (first.count(sep), sep == ","))
    fields = len(first.split())
    if first.count(best) == 0 and fields > 1 and len(second.split()) in (fields, 0):
        return BLANKS  # not a one-column file headed 'Customer ID'
    return best


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


# --- cleaning: every table ------------------------------------------------------------


def _clean(table: _Table, *, reference: _Reference) -> pd.DataFrame:
    """Convert and check every column of one table (its ids are, `_clean_ids`), then apply
    that table's own rules."""
    for column in table.spec.mapped():
        converted = _convert(table, column, reference)
        if converted is not None:
            table.clean[column], table.missing[column] = converted
    _require(table)
    spec = table.spec
    if isinstance(spec, CustomersSpec):
        _clean_customers(table, spec)
        frame = table.finish()
        if "timestamp" in frame:  # a dated table: a log, or a history of changes (SCD)
            table.history = _attribute_history(frame, list(spec.attributes))
            frame = frame.drop(columns="timestamp")
        if table.history is not None:  # a dated table's rows repeat by design
            frame = _one_row_per_customer(frame, table.history)
        else:
            frame = _without_repeated_rows(table, frame, spec)
        _check_duplicate_ids(table, frame)
        return frame.sort_values("customer_id", kind="stable").reset_index(drop=True)
    if isinstance(spec, TransactionsSpec):
        if "unit_price" in table.clean:
            _line_totals(table)
        if "list_price" in table.clean:
            _discounts_below_list_price(table)
        for money in MONEY_COLUMNS:
            if money in table.clean:
                table.clean[money] = spec.in_currency(table.clean[money])
        _check_amounts(table)
        _paid_until_not_before_payment(table)
        _warn_mostly_blank_paid_until(table)
        _warn_repeated_lines(table)
        _check_seen(table, "category", "consumable_categories", spec.consumable_categories)
    elif isinstance(spec, EventsSpec):
        _check_seen(table, "type", "events.types", spec.types)
        _leave_out_no_use(table, spec)
        for column in ("quantity", *map(quantity_column, spec.quantities)):
            _unknown_when_negative(table, column)
        _warn_repeated_events(table)
    elif isinstance(spec, InteractionsSpec):
        table.clean["type"] = _interaction_types(table, spec)
        _check_resolution_order(table)
    if isinstance(spec, ActivitySpec) and spec.attributes:
        return _sorted_activity(_carried_apart(table, spec))
    return _sorted_activity(table.finish())


def _carried_apart(table: _Table, spec: ActivitySpec) -> pd.DataFrame:
    """The activity rows without the attributes they carry, which go to the table's
    dated attribute log (`_attribute_history`)."""
    for name, kind in spec.attributes.items():
        table.clean[name] = _attribute(table, name, kind)
    frame = table.finish()
    table.carried_missing = {name: float(frame[name].isna().mean()) for name in spec.attributes}
    table.history = _attribute_history(frame, list(spec.attributes))
    return frame.drop(columns=list(spec.attributes))


def _convert(
    table: _Table, column: str, reference: _Reference
) -> tuple[pd.Series, pd.Series] | None:
    """(clean values, which rows were blank in the file) for one canonical column."""
    if column in TIMESTAMP_COLUMNS:
        return _timestamps(table, column, reference)
    if column in NUMBER_COLUMNS or column.startswith(quantity_column("")):
        return _numbers(table, column)
    if column in TEXT_COLUMNS:
        values = table.column(column)
        if column == "order_id" and is_integer_dtype(values):
            return values, values.isna()  # integer order numbers need no text copy
        text = _text(values)
        return text, text.isna()
    return None


def _require(table: _Table) -> None:
    """Required columns may not be blank (amounts have their own tolerance), unless the
    table's spec says a blank there means no row (`blank_means_no_row`: a cancellation
    without a time is none)."""
    for column in table.spec.required_columns:
        missing = table.missing.get(column)
        if column == "amount" or missing is None or not missing.any():
            continue
        said = table.spec.blank_means_no_row.get(column)
        if said is not None:
            n = int(missing.sum())
            table.warning(column, n, f"{_rows(n)} {said}")
        else:
            table.flag("error", column, missing, f"no {column}")
        table.drop(missing)


def _text(values: pd.Series) -> pd.Series:
    """Values as pandas strings without surrounding whitespace; blanks become missing."""
    if not isinstance(values.dtype, pd.StringDtype):
        values = values.astype("str")
    values = values.str.strip()
    return values.mask(values == "")


def _rows(n: int) -> str:
    return _counted(n, "row")


def _counted(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _example(values: pd.Series) -> str:
    """The first value, quoted when text, as a date when a midnight timestamp."""
    value = values.iloc[0]
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return f"{value:%Y-%m-%d}"
    return f"'{value}'" if isinstance(value, str) else str(value)


def _counts(counts: pd.Series) -> str:
    return ", ".join(f"'{value}' ({n:,})" for value, n in counts.head(5).items())


# --- customer ids ----------------------------------------------------------------------


def _whole(ids: pd.Series) -> pd.Series:
    """'13085.0' -> '13085': an integer id written as a float (a CSV exported from a frame
    whose blanks made the id column float) is the same customer as '13085' elsewhere."""
    if not ids.str.contains(".", regex=False).any():
        return ids
    return ids.str.replace(_WHOLE_FLOAT, r"\1", regex=True)


def _integer_ids(ids: pd.Series) -> bool:
    """Whether ids are integers without loss: integer dtype, whole floats, or digit text."""
    if is_bool_dtype(ids):
        return False
    if is_integer_dtype(ids):
        return True
    present = ids.dropna()
    if is_float_dtype(ids):
        return bool((present % 1 == 0).all() and (present.abs() < 2**53).all())
    return bool(_text(present).dropna().str.fullmatch(_INTEGER_TEXT).all())


def _clean_ids(table: _Table, as_int: bool) -> None:
    """Report and drop rows without an id; give ids the one dtype all tables share.

    A customers row without an id is an error. Activity without one (a guest checkout, an
    anonymous visit) belongs to no customer: those rows are dropped with a warning, and
    only a table where no row has an id is an error. So is a customers table whose ids
    repeat: it is an activity log read for its customers' attributes."""
    ids = table.column("customer_id")
    numeric = is_numeric_dtype(ids) and not is_bool_dtype(ids)
    if not numeric:
        ids = _whole(_text(ids))
    missing = ids.isna()
    if missing.any():
        a_log = ids.dropna().duplicated().any()
        if (isinstance(table.spec, CustomersSpec) and not a_log) or missing.all():
            table.flag("error", "customer_id", missing, "no customer id")
        else:
            n = int(missing.sum())
            table.warning(
                "customer_id",
                n,
                f"no customer id in {_rows(n)} ({missing.mean():.1%}; guest activity?): "
                "they belong to no customer and are ignored",
            )
        table.drop(missing)
        ids = ids.fillna(0 if numeric else "0")  # placeholders in rows that are dropped
    if as_int:
        table.clean["customer_id"] = ids.astype("int64")
        return
    if is_float_dtype(ids) and (ids % 1 == 0).all():
        ids = ids.astype("int64")
    table.clean["customer_id"] = ids if isinstance(ids.dtype, pd.StringDtype) else ids.astype("str")


def _one_spelling_per_number(tables: list[_Table]) -> None:
    """Text ids that are one number written with and without leading zeros ('00141833'
    and '141833': two exports merged, one of them through a spreadsheet or an integer
    column) are one customer, written with the most zeros, said per table. Kept apart,
    every padded id "stopped" where the other export began: a 97.5% churn rate where the
    clean file had 64.6%. An id scheme where 0141833 and 141833 are two people is rarer
    than a lost zero; a customers table that lists both with differing attributes is an
    error when its rows are checked (`_check_duplicate_ids`)."""
    ids = pd.concat([t.clean["customer_id"] for t in tables], ignore_index=True)
    respelled = _padded_spellings(ids.drop_duplicates())
    if not respelled:
        return
    for table in tables:
        ids = table.clean["customer_id"]
        padded = ids.map(respelled)
        moved = padded.notna()
        if not moved.any():
            continue
        first = int(np.flatnonzero(moved.to_numpy())[0])
        table.warning(
            "customer_id",
            int(moved.sum()),
            f"{ids[moved].nunique():,} ids in {_rows(int(moved.sum()))} are the same number "
            f"as an id written with more leading zeros, e.g. '{ids.iloc[first]}' and "
            f"'{padded.iloc[first]}' (exports merged?): read as one customer, with the zeros",
        )
        table.clean["customer_id"] = ids.mask(moved, padded)


def _padded_spellings(ids: pd.Series) -> dict[str, str]:
    """Each digit id with a more padded spelling among `ids` (distinct texts) -> the most
    padded one of its number."""
    digits = ids[ids.str.fullmatch(r"\d+").fillna(False).astype(bool)]
    frame = pd.DataFrame(
        {"id": digits, "number": digits.str.lstrip("0"), "length": digits.str.len()}
    ).sort_values(["number", "length", "id"], ascending=[True, False, True])
    frame["padded"] = frame.groupby("number")["id"].transform("first")
    moved = frame[frame["id"] != frame["padded"]]
    return dict(zip(moved["id"].tolist(), moved["padded"].tolist(), strict=True))


def _attribute_history(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame | None:
    """A log's dated attribute values (customer_id, timestamp, attributes), sorted by
    customer and time; None without attributes (its `timestamp` says nothing then). A
    row without a time holds since always (a history's first version, its `valid_from`
    left blank), so its values are not lost at every cutoff."""
    attributes = [name for name in names if name in frame]
    if not attributes:
        return None
    history = frame[["customer_id", "timestamp", *attributes]]
    history = history.assign(timestamp=history["timestamp"].fillna(SINCE_ALWAYS))
    history = history.sort_values(["customer_id", "timestamp"], kind="stable")
    kept = ["customer_id", *attributes]  # only the rows where a customer's values change
    changes = history[kept].ne(history[kept].shift()).any(axis=1)
    return history.loc[changes].reset_index(drop=True)


def _without_repeated_rows(table: _Table, frame: pd.DataFrame, spec: CustomersSpec) -> pd.DataFrame:
    """One row per customer where rows repeat exactly (an event log that carries each
    user's attributes on every event, used as the customers table without its times),
    with a warning. In such a log an attribute may change (a second country on a few
    purchases, a move from the free plan to the paid one): when only attributes differ,
    and only for customers whose rows also repeat, in a table where most customers' rows
    do, each keeps their most frequent value, with a warning. (A log with times reads
    the value as of each cutoff instead: `_attribute_history`.)"""
    repeats = frame.duplicated()
    if not repeats.any():
        return frame
    n = int(repeats.sum())
    what = f"{_rows(n)} repeat their customer's row exactly: one row per customer is kept"
    table.warning("customer_id", n, what)
    kept = frame.loc[~repeats]
    twice = kept.loc[kept["customer_id"].duplicated(keep=False)]
    varying = [c for c in kept.columns if c != "customer_id" and _varies(twice, c)]
    if not varying or not set(varying) <= set(spec.attributes) or not _log_like(frame):
        return kept  # other columns differ, or a customers table: `_check_duplicate_ids`
    if not twice["customer_id"].isin(frame.loc[repeats, "customer_id"]).all():
        return kept  # a customer of two differing rows and no repeat: a table's conflict
    for column in varying:
        counts = twice.groupby("customer_id")[column].nunique(dropna=False)
        changed = counts[counts > 1]
        holds = "hold" if len(changed) > 1 else "holds"
        table.warning(
            column,
            len(changed),
            f"{_counted(len(changed), 'customer')} (e.g. {_example(changed.index.to_series())}) "
            f"{holds} more than one value across their rows: each keeps their most frequent",
        )
        kept = kept.drop(columns=column).merge(
            _most_frequent(frame, column), on="customer_id", how="left", validate="m:1"
        )
    return kept.drop_duplicates("customer_id", keep="last").reset_index(drop=True)


LOG_LIKE_SHARE = 0.5
"""A customers table whose rows repeat for at least this share of its customers is an
activity log read for its attributes; below, a repeat is a pasted row in a real table."""


def _log_like(frame: pd.DataFrame) -> bool:
    ids = frame["customer_id"]
    return bool(ids.duplicated(keep=False).groupby(ids).any().mean() >= LOG_LIKE_SHARE)


def _most_frequent(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Each customer's most frequent known value of `column` over all their rows (blank
    only when all are); on a tie the one in their row nearest the end of the file."""
    rows = frame[["customer_id", column]].assign(_position=np.arange(len(frame)))
    counted = (
        rows.dropna(subset=[column])
        .groupby(["customer_id", column], sort=False)
        .agg(_count=("_position", "size"), _last=("_position", "max"))
    )
    best = counted.sort_values(["_count", "_last"]).groupby(level="customer_id").tail(1)
    every = pd.DataFrame({"customer_id": frame["customer_id"].unique()})
    return every.merge(best.reset_index()[["customer_id", column]], on="customer_id", how="left")


def _one_row_per_customer(frame: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """A dated customers table's rows as one per customer, each attribute its latest
    known value (the features read them as of each cutoff from `history`); other columns
    must agree across a customer's rows (`_check_duplicate_ids`)."""
    attributes = [name for name in history if name not in ("customer_id", "timestamp")]
    rest = frame.drop(columns=attributes).drop_duplicates()
    return _with_latest(rest, history, attributes)


def _check_duplicate_ids(table: _Table, frame: pd.DataFrame) -> None:
    """An id on rows that differ is an error naming the columns that differ (an attribute
    that changes over time cannot be a static customer attribute)."""
    ids = frame["customer_id"]
    repeated = ids.duplicated(keep=False)
    if repeated.any():
        twice = frame.loc[repeated]
        varying = [c for c in frame.columns if c != "customer_id" and _varies(twice, c)]
        where = f" (differing in {', '.join(varying)})" if varying else ""
        n = int(repeated.sum())
        table.error(
            "customer_id",
            n,
            f"ids that appear more than once{where} in {_rows(n)}, e.g. "
            f"{_example(ids[repeated])}: a customers table holds one row per customer; a "
            "history of changes maps `timestamp` (the date each row holds from, e.g. "
            "valid_from), and its attributes are read as of each cutoff",
        )


def _varies(rows: pd.DataFrame, column: str) -> bool:
    """Whether some customer's rows hold more than one value of `column`."""
    return bool((rows.groupby("customer_id")[column].nunique(dropna=False) > 1).any())


# --- timestamps and numbers ------------------------------------------------------------


def _timestamps(table: _Table, column: str, reference: _Reference) -> tuple[pd.Series, pd.Series]:
    """Tz-naive datetime64[ns] (aware values via UTC); junk, out-of-range, future reported."""
    values = table.column(column)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    elif is_numeric_dtype(values) and not is_bool_dtype(values) and not table.spec.date_format:
        dates = _numeric_dates(table, column, values)
        return _in_range(table, column, dates, reference), values.isna()
    elif not is_datetime64_dtype(values):
        text = _text(values)
        numbers = None if table.spec.date_format else _numbers_only(text)
        if numbers is not None:  # read as text: a blank or a bad cell elsewhere in the file
            return _in_range(table, column, _numeric_dates(table, column, numbers), reference), (
                text.isna()
            )
        return _in_range(table, column, _parse_dates(table, column, text), reference), text.isna()
    return _in_range(table, column, values, reference), values.isna()


def _numbers_only(text: pd.Series) -> pd.Series | None:
    """The values as float64 when every one written is a plain number ('1719644044',
    '20240131'), for the reading `_numeric_dates` gives a column of numbers; else None.

    A file the fast reader gives up on (one blank in a column of integers, a '$1,234.00'
    amount) is read as text, and Unix seconds must not then become 'not a date'."""
    written = text.dropna()
    if written.empty or not written.str.fullmatch(r"-?\d+(?:\.\d+)?").all():
        return None
    return pd.to_numeric(text.astype(object), errors="coerce").astype("float64")


def _numeric_dates(table: _Table, column: str, values: pd.Series) -> pd.Series:
    """Numbers as dates, as logs and spreadsheets write them: whole YYYYMMDD numbers
    (20240131), spreadsheet day serials (45322 is 2024-01-31; 1927-2173 is 1e4-1e5, in
    seconds it would be January 1970), or Unix time in s, ms, µs or ns, the unit told by
    the size of the typical value (a date of 1973-2286 in seconds is 1e8-1e10). Said in
    a warning; a wrong reading shows as dates out of range."""
    typical = float(values.abs().median()) if values.notna().any() else 0.0
    n = int(values.notna().sum())
    origin = table.spec.day_origin
    if origin is not None:
        far = values.abs() > MAX_DAY_NUMBER
        if far.any():
            what = f"day numbers beyond {MAX_DAY_NUMBER:,} (290 years from day_origin)"
            table.flag("error", column, far, what, values)
        return pd.Timestamp(origin) + pd.to_timedelta(values.mask(far), unit="D")
    kind = number_date_kind(typical)
    if kind == "serial":
        table.warning(column, n, f"numbers read as spreadsheet day serials ({_rows(n)})")
        return SPREADSHEET_EPOCH + pd.to_timedelta(values, unit="D")
    if kind == "yyyymmdd":
        whole = values.where(values % 1 == 0)  # 20240131.5 stays text and is not a date
        days = whole.astype("Int64").astype("str").where(whole.notna(), values.astype("str"))
        return _parse_dates(table, column, days.mask(values.isna()))
    if n and kind == "none":
        low, high = values.min(), values.max()
        if _two_digit_years(values):
            advice = (
                "dates with two-digit years (YYMMDD)? set the table's date_format to "
                f"'%y%m%d', which reads {high:.0f} as "
                f"{pd.to_datetime(f'{high:06.0f}', format='%y%m%d'):%Y-%m-%d}"
            )
        else:
            advice = (
                "day numbers? set the table's day_origin to the date day 0 stands for, or map "
                "a date column"
            )
        table.error(
            column,
            n,
            f"numbers from {low:,.0f} to {high:,.0f} in {_rows(n)} are no dates (not YYYYMMDD, "
            f"spreadsheet serials or Unix time): {advice}",
        )
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    unit = next(u for size, u in _EPOCH_UNITS if typical < size)
    if n:
        table.warning(column, n, f"numbers read as Unix time in {unit} ({_rows(n)})")
    return pd.to_datetime(values, unit=unit, errors="coerce")


def _two_digit_years(values: pd.Series) -> bool:
    """Whole numbers of up to six digits that all read as YYMMDD (the Czech bank PKDD'99
    log's 930101): no day number, which `day_origin` would misread."""
    whole = values.dropna()
    if whole.empty or not ((whole % 1 == 0) & (whole >= 101) & (whole < 1e6)).all():
        return False
    text = whole.astype("int64").astype(str).str.zfill(6)
    return bool(pd.to_datetime(text, format="%y%m%d", errors="coerce").notna().all())


def _guessed_dates(text: pd.Series) -> tuple[str | None, pd.Series | None]:
    """The format, of those `_date_formats` tries for the first value, that reads most of
    `text` (the earlier on a tie: month first, as pandas guesses); and `text` read in it."""
    best: tuple[int, str | None, pd.Series | None] = (-1, None, None)
    for fmt in _date_formats(text.iloc[0]):
        read = pd.to_datetime(text, errors="coerce", format=fmt, utc=True)
        if int(read.notna().sum()) > best[0]:
            best = (int(read.notna().sum()), fmt, read)
    return best[1], best[2]


_TWO_DIGIT_YEARS = tuple(
    f"{order.replace('-', sep)}{time}"
    for order in ("%m-%d-%y", "%d-%m-%y", "%y-%m-%d")
    for sep in ("/", "-", ".")
    for time in ("", " %H:%M", " %H:%M:%S")
)
"""Dates with a two-digit year, which pandas never guesses: a retail export's
'28/02/14'. Month first before day first, as pandas guesses on a tie; year first last."""


def _date_formats(first: str) -> list[str]:
    """pandas' guesses for `first`, month first then day first; without one, the
    two-digit-year forms that read it (the values then decide among them)."""
    guesses: list[str] = []
    for dayfirst in (False, True):
        with warnings.catch_warnings():  # pandas warns when a guess contradicts dayfirst
            warnings.simplefilter("ignore", UserWarning)
            fmt = guess_datetime_format(first, dayfirst=dayfirst)
        if fmt is not None and fmt not in guesses:
            guesses.append(fmt)
    return guesses or [fmt for fmt in _TWO_DIGIT_YEARS if _reads(first, fmt)]


def _reads(value: str, fmt: str) -> bool:
    """`value` reads whole in `fmt`: one value sifts the forms before a column is read."""
    try:
        dt.datetime.strptime(value, fmt)
    except ValueError:
        return False
    return True


_YEAR_MONTH_DAY = tuple(f"%Y{sep}%m{sep}%d" for sep in ("-", "/", ".", ""))
"""Guessed formats that leave nothing to doubt: year, month, day in this order, whatever
follows (Recurly's `2023-04-05 14:22:01 UTC` is no ISO 8601 but cannot be misread)."""


def _parse_dates(table: _Table, column: str, text: pd.Series) -> pd.Series:
    """The table's `date_format` when set; else ISO 8601 first, and other dates only in
    one format guessed from the first misfit (`_guessed_dates`; named in a warning, and
    `date_format` says otherwise, unless the guess reads year, month, day)."""
    fixed = table.spec.date_format
    parsed = pd.to_datetime(text, errors="coerce", format=fixed or "ISO8601", utc=True)
    failed = parsed.isna() & text.notna()
    fmt, retry = _guessed_dates(text[failed]) if failed.any() and not fixed else (None, None)
    if fmt is not None:
        parsed = parsed.where(~failed, retry)
        read = failed & parsed.notna()
        if read.any() and not fmt.startswith(_YEAR_MONTH_DAY):
            what = f"dates not in ISO 8601 (read as {fmt}; set date_format if that is wrong)"
            table.flag("warning", column, read, what, text)
        failed = parsed.isna() & text.notna()
    if fixed and failed.any():
        what = f"not a date in {fixed}"
        short = fixed.replace("%Y", "%y")
        if (
            short != fixed
            and pd.to_datetime(text[failed], format=short, errors="coerce").notna().all()
        ):
            what += f" (two-digit years? date_format '{short}' reads them)"
        table.flag("error", column, failed, what, text)
    elif failed.any():
        n = int(failed.sum())
        table.error(
            column,
            n,
            f"not a date in {_rows(n)}, e.g. {_example(text[failed])} (set date_format, "
            "e.g. '%d/%m/%Y' for 28/02/2014)",
        )
    return parsed.dt.tz_localize(None)


EPOCH = pd.Timestamp("1970-01-01")
"""Activity times all on its day are epoch numbers read in the wrong unit, not a log."""


def _in_range(table: _Table, column: str, values: pd.Series, reference: _Reference) -> pd.Series:
    """Report dates pandas cannot hold (e.g. 9999-12-31) and dates after the reference day.

    The min/max guards skip building row masks on clean data (0.5 s on 10M rows).
    """
    if values.min() < pd.Timestamp.min or values.max() > pd.Timestamp.max:
        outside = (values < pd.Timestamp.min) | (values > pd.Timestamp.max)
        what = "dates outside the years 1678-2261"
        fixed = table.spec.date_format or ""
        if "%Y" in fixed and values[outside].dt.year.nunique() > 1:  # not one 9999 placeholder
            what += f" (two-digit years? date_format '{fixed.replace('%Y', '%y')}' reads them)"
        table.flag("error", column, outside, what, values.dt.strftime("%Y-%m-%d"))
        values = values.mask(outside)
    values = values.astype("datetime64[ns]")
    if column == "timestamp" and values.min() >= EPOCH and values.max() < EPOCH + DAY:
        n = int(values.notna().sum())
        table.error(
            column,
            n,
            f"every time in {_rows(n)} falls on 1970-01-01: Unix time read in the wrong unit "
            "before it reached this file (pd.to_datetime of milliseconds without unit='ms' "
            "reads them as nanoseconds)? write the numbers themselves (their unit is told by "
            "their size) or the real dates",
        )
        return values.mask(values.notna())  # no time known: said once, here
    day, source = reference
    end = pd.Timestamp(day) + DAY
    if column not in FUTURE_COLUMNS and values.max() >= end:
        late = values >= end
        n, example = int(late.sum()), _as_read(table, column, values, late)
        if column in table.spec.scheduled_after_extract:
            table.warning(
                column,
                n,
                f"{_rows(n)} dated after {day} ({source}), e.g. {example}: scheduled ends (a "
                "plan cancelled at its period's end), no cancellation yet at any cutoff the "
                "data allow: ignored",
            )
            table.drop(late)  # out of every feature and label, as if not yet written
        elif column == "signup_date" and source == AS_OF_SOURCE:
            _signed_up_after(table, late, f"{day} ({source}), e.g. {example}")
        else:
            table.error(column, n, f"dates after {day} ({source}) in {_rows(n)}, e.g. {example}")
    return values


def _signed_up_after(table: _Table, late: pd.Series, after: str) -> None:
    """Customers signed up after an explicit `data.as_of` (the Czech bank's accounts table,
    exported years after its transactions: 3,271 rows) are not yet customers at any cutoff,
    as without `as_of` the inferred end leaves them out: said, and kept as read, so one
    with purchases or usage before counts from those, as any customer does."""
    n = int(table.column("customer_id")[late].nunique())
    table.warning(
        "signup_date",
        int(late.sum()),
        f"{_counted(n, 'customer')} signed up after {after}: not yet customers then, left "
        "out unless active before",
    )


def _as_read(table: _Table, column: str, values: pd.Series, rows: pd.Series) -> str:
    """The first flagged date as the file writes it and as it was read ('09/12/2018'
    read as 2018-12-09): a format read the wrong way round shows itself."""
    written = table.column(column)[rows].iloc[0]
    read = f"{values[rows].iloc[0]:%Y-%m-%d}"
    return read if isinstance(written, pd.Timestamp) else f"'{written}' read as {read}"


def _numbers(
    table: _Table, column: str, unknown: tuple[str, ...] = ()
) -> tuple[pd.Series, pd.Series]:
    """float64; blank text is missing, and so are the texts `unknown` (placeholders the
    loader found, `_inferred_kind`); other text that is not a number is an error."""
    values = table.column(column)
    if unknown:
        values = values.mask(_text(values).isin(unknown))
    if is_numeric_dtype(values):
        numbers = values.astype("float64")
        return numbers, numbers.isna()
    text = _text(values)
    numbers, mark = read_numbers(text, table.spec.decimal)
    junk = numbers.isna() & text.notna()
    if junk.any():
        commas = table.spec.decimal is None and text[junk].str.contains(",", regex=False).any()
        hint = (
            " (the table's decimal: '.' or ',' says which mark the numbers use)" if commas else ""
        )
        if column not in NUMBER_COLUMNS and not hint:  # an attribute declared numeric
            texts = text[junk].value_counts().index[:3].tolist()
            hint = (
                f" (missing_values: {{{table.sources.get(column, column)}: {texts}}} reads "
                "such text as unknown; or leave the kind out to read the column as categorical)"
            )
        table.flag("error", column, junk, f"not a number{hint}", text)
    elif mark == "," and table.spec.decimal is None:
        what = "numbers read with ',' as the decimal mark (set decimal if that is wrong)"
        table.flag("warning", column, text.notna(), what, text)
    return numbers, text.isna()


# --- customers: attributes and label -----------------------------------------------------


def _clean_customers(table: _Table, spec: CustomersSpec) -> None:
    """Label first, then attributes; an attribute may not shadow a canonical or label column."""
    if spec.label is not None:
        table.clean["label"] = _label(table, spec.label)
    canonical = {*spec.required_columns, *spec.optional_columns, "label"}
    label_column = spec.label.column if spec.label else None
    empty: list[str] = []
    constant: dict[str, str] = {}
    for name, kind in spec.attributes.items():
        if name == label_column:
            table.error(name, 0, "the label column is also listed as an attribute (label leak)")
        elif name in canonical:
            table.error(name, 0, f"attribute '{name}' is also a canonical column name; rename it")
        elif name not in table.model_attributes and _blank_throughout(table.column(name)):
            empty.append(name)
        elif (
            spec.all_attributes
            and kind is None
            and name not in table.model_attributes
            and (value := _one_value_throughout(table.column(name))) is not None
        ):
            constant[name] = value
        elif kind is None and name not in table.model_attributes and _dates_left_out(table, name):
            continue
        elif (
            kind is None  # a kind given: the user wants it read as such
            and name not in table.model_attributes
            and (found := not_an_attribute(name, table.column(name)))
        ):
            if spec.all_attributes:
                _leave_out(table, name, found)
            else:  # listed by name: read as asked, with the same why
                table.clean[name] = _attribute(table, name, kind)
                _warn_listed(table, name, found)
        else:
            table.clean[name] = _attribute(table, name, kind)
    _leave_out_empty(table, empty)
    _leave_out_constant(table, constant)
    if spec.all_attributes:
        _names_kept(table, spec)


DATE_SHAPE = r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b.*"
"""Year, month and day in some order ('1970-01-02', '02/01/70'), whatever follows: a
month ('2024-01', 'Jan') or a year is a period, fairly a level."""
NUMBER_DATE_SHAPE = r"(?:19|20)\d{6}(?:\.0+)?"
"""A date written as a whole number, YYYYMMDD (20121119; 20121119.0 in a float column)."""
DATE_WORDS = frozenset({"date", "dt", "day", "dob"})
"""Words of a column's name that, beside YYYYMMDD numbers, make it a date (`END_DATE`,
`date_joined`, `signup_dt`, `renewal_day`): a count of 8-digit numbers is not named so."""


def _dates_left_out(table: _Table, name: str) -> bool:
    """Left out, with a warning, when every value of an inferred attribute is a date:
    Customer.csv's `DOB` read as a category of 4,056 levels, and scoring said 3,489
    customers held a level the model did not know; the Club Data Set's `END_DATE`
    (20121119) read as a number, whose step from Dec 31 to Jan 1 is 8,870. True when
    left out."""
    text = _text(table.column(name)).dropna()
    if text.empty:
        return False
    if text.str.fullmatch(DATE_SHAPE).all():
        read = pd.to_datetime(text, errors="coerce", format="ISO8601")
        if read.isna().any():
            read = _guessed_dates(text)[1]
        written = "dates"
        why = (
            f"a category, {_counted(text.nunique(), 'level')} a later customer's date is "
            "rarely one of; left out of the model (declare it categorical to keep it as levels)"
        )
    elif DATE_WORDS.intersection(name_words(name)) and text.str.fullmatch(NUMBER_DATE_SHAPE).all():
        read = pd.to_datetime(text.str[:8], errors="coerce", format="%Y%m%d")
        written = "dates written as numbers (YYYYMMDD)"
        why = (
            "a number, a day's step is 1 but Dec 31 to Jan 1 is 8,870; left out of the model "
            "(declare it numeric or categorical to keep it so)"
        )
    else:
        return False
    if read is None or read.isna().any():
        return False
    example = _example(text)
    table.warning(
        name, len(text), f"holds {written} in {_rows(len(text))}, e.g. {example}: read as {why}"
    )
    return True


def _names_kept(table: _Table, spec: CustomersSpec) -> None:
    """Under `attributes: all` the config's names are checked once the columns are read
    (`CustomersSpec._names_are_attributes` checks a list before): `segments: [Var2180]`
    and `attribute_words: {Var9999: ...}` did nothing without a word, nor did
    `not_attributes: [trainng]` (`_check_not_attributes`)."""
    for key, names in (
        ("segments", spec.segments or ()),
        ("attribute_words", spec.attribute_words),
        ("attribute_kinds", spec.attribute_kinds),
    ):
        if said := unmatched(f"data.{table.name}.{key}", names, table.kinds, table.header):
            table.warning(None, 0, f"{said}: ignored")
    _check_not_attributes(table, spec)


def _check_not_attributes(table: _Table, spec: CustomersSpec) -> None:
    """Say the `not_attributes` entries that match no column. A name spelt like a column
    read as an attribute (`arpu9` for `arpu_9`) is an error: the column meant goes into
    the model, and as one warning among 21 a telecom model kept its month-9 future. A
    pattern, or a name like no such column, is a warning: a scoring extract may lack a
    column the training file had; so is any when scoring for a model, whose attributes
    were fixed by its training."""
    key = f"data.{table.name}.not_attributes"
    columns = [str(column) for column in table.header]
    missed = [e for e in spec.not_attributes if not any(names_column(e, c) for c in columns)]
    meant = {e: likely_meant(e, columns, renumbered=False) for e in missed if not is_pattern(e)}
    leaks = {e: m for e, m in meant.items() if m in spec.attributes}
    if leaks and not table.model_attributes:
        said = ", ".join(f"{entry} (did you mean {m!r}?)" for entry, m in leaks.items())
        table.error(
            None,
            0,
            f"{key} names no column: {said}: the column meant would go into the model; "
            "spell it as the file does",
        )
        missed = [entry for entry in missed if entry not in leaks]
    if missed:
        said = ", ".join(_entry_missed(entry, meant.get(entry)) for entry in missed)
        table.warning(None, 0, f"{key} names no column: {said}: nothing left out by it")


def _entry_missed(entry: str, meant: str | None) -> str:
    if is_pattern(entry):
        return f"{entry} (a pattern matching no column)"
    return entry if meant is None else f"{entry} (did you mean {meant!r}?)"


def unmatched(
    key: str,
    names: Iterable[str],
    known: Collection[str],
    columns: Collection[str],
    *,
    noun: str = "attribute",
) -> str | None:
    """'<key> names no <noun>: ...' for `names` none of `known` holds, each with the
    one it likely meant, or said to be one of the file's `columns` left out of the
    attributes; None when all are known."""
    said = []
    for name in names:
        if name in known:
            continue
        if name in columns:
            said.append(f"{name} (a column left out of the attributes)")
        elif (meant := likely_meant(name, known)) is not None:
            said.append(f"{name} (did you mean {meant!r}?)")
        else:
            said.append(name)
    return f"{key} names no {noun}: {', '.join(said)}" if said else None


def _blank_throughout(values: pd.Series) -> bool:
    """Whether a column holds no value in any row (blanks and spaces only)."""
    present = values.dropna()
    return present.empty or (not is_numeric_dtype(present) and _text(present).isna().all())


EMPTY_NAMED = 20
"""Columns blank in every row named in their one warning; the rest are counted."""


def _leave_out_empty(table: _Table, names: list[str]) -> None:
    """Columns blank in every row carry nothing a model could learn: they are left out
    of the features (Orange's 18 empty columns were 16 of a model's 226 features, and
    each live customer was said to lack them), in one warning for all of them."""
    if not names:
        return
    n = len(table.raw)
    if len(names) == 1:
        table.warning(names[0], n, f"blank in all {_rows(n)}: no feature, left out")
        return
    shown = ", ".join(names[:EMPTY_NAMED])
    more = f" and {len(names) - EMPTY_NAMED} more" if len(names) > EMPTY_NAMED else ""
    table.warning(
        None,
        n,
        f"{len(names)} columns blank in all {_rows(n)}, no features, left out: {shown}{more}",
    )


def _one_value_throughout(values: pd.Series) -> str | None:
    """The one value a column holds in every row (no blank among them), as text; None
    when it holds more, or any blank (one value beside blanks is a flag: present or not)."""
    if values.isna().any() or len(values) == 0:
        return None
    if is_numeric_dtype(values):
        return f"{values.iloc[0]:g}" if values.nunique() == 1 else None
    text = _text(values)
    if text.isna().any() or text.nunique() != 1:
        return None
    return str(text.iloc[0])


def _leave_out_constant(table: _Table, found: dict[str, str]) -> None:
    """Columns `attributes: all` would read that hold one value in every row teach a
    model nothing, and a later extract's other value is a level it never saw: IBM Telco's
    `Count` (1) and `Quarter` (Q3) became features, a worklist segment and a column. Left
    out, in one warning (a column listed by name is read as asked)."""
    if not found:
        return
    n = len(table.raw)
    shown = ", ".join(f"{name} ({value})" for name, value in list(found.items())[:EMPTY_NAMED])
    more = f" and {len(found) - EMPTY_NAMED} more" if len(found) > EMPTY_NAMED else ""
    said = "a column holds" if len(found) == 1 else f"{len(found)} columns hold"
    table.warning(
        next(iter(found)) if len(found) == 1 else None,
        n,
        f"{said} one value in all {_rows(n)}, no feature to learn from, left out of "
        f"`attributes: all`: {shown}{more}",
    )


def _leave_out(table: _Table, name: str, found: NotAnAttribute) -> None:
    """Warn that `attributes: all` leaves out a column, why, and how to keep it or
    quiet the warning; when the rows were numbered for want of a customer id, a column
    that could be it is offered (a bank snapshot's CustomerId became a feature)."""
    what = (
        f"{found.why}; left out of `attributes: all` (to use it, list the attributes by name; "
        f"not_attributes: [{name}] leaves it out without this warning)"
    )
    if table.numbered and found.could_be_customer_id:
        what += f"; if it is the customer id, map it: columns: {{customer_id: {name}}}"
    table.warning(name, len(table.raw), what)


def _warn_listed(table: _Table, name: str, found: NotAnAttribute) -> None:
    """Warn that an attribute listed by name looks like no trait of the customer: the
    bank snapshot's listed `RowNumber` gave 1,444 reasons "RowNumber 2,055 (typical
    5,036)" without a word, as `attributes: all` would have left it out."""
    what = (
        f"{name}: {found.why}: read because attributes lists it; leave it out if it is no "
        "trait of the customer"
    )
    table.warning(name, len(table.raw), what)


def _attribute(table: _Table, name: str, kind: str | None) -> pd.Series:
    """Numeric (float64) or categorical (string); inferred when the config leaves it open."""
    values = table.column(name)
    if kind is None:
        kind = _inferred_kind(table, name, values)
    table.kinds[name] = kind
    unknown = table.placeholders.get(name, ())
    clean = (
        _numbers(table, name, unknown)[0]
        if kind == "numeric"
        else _one_spelling(table, name, _as_levels(values))
    )
    if clean.isna().all():  # a model's attribute (`_clean_customers` leaves out others)
        what = "blank (the model reads it: every customer is scored as unknown in it)"
        table.flag("warning", name, clean.isna(), what)
    elif len(clean) > 1 and clean.nunique() == 1:
        table.warning(name, int(clean.notna().sum()), _one_value(clean))
    elif kind == "numeric" and _zero_like_unknown(clean):
        zeros = clean == 0
        rest = clean[clean.notna() & ~zeros]
        what = (
            f"0 in {zeros.mean():.0%} of the rows, its other values from {rest.min():,.4g} "
            f"to {rest.max():,.4g}: if 0 means unknown (an age, a household's income), set "
            f"missing_values: {{{name}: [0]}}, or the model reads it as a measurement"
        )
        table.flag("warning", name, zeros, what)
    return clean


def _one_value(clean: pd.Series) -> str:
    """What a column of a single value tells: nothing when every row holds it; filled
    against blank otherwise (Orange's Var191: 'r__I' in 590 rows, blank in the rest)."""
    filled = clean.notna()
    value = _example(clean[filled])
    if filled.all():
        return (
            f"one value ({value}) in all {_rows(len(clean))}: it tells no customers apart "
            "(kept; the model learns nothing from it)"
        )
    return (
        f"one value ({value}) in {_rows(int(filled.sum()))}, blank in the other "
        f"{int((~filled).sum()):,}: kept, as filled against blank is what it tells "
        "customers apart by"
    )


ZERO_SHARE_AT_LEAST = 0.05
ZERO_SHARE_AT_MOST = 0.5
"""A 0 in most rows is the usual state, not an unknown: BigML's `Number vmail messages`
is 0 in 72-73% of both halves of its split (no voice-mail plan), its others 4 to 51; the
hint came for one half only, by where its smallest message count fell."""
ZERO_GAP_AT_LEAST = 0.25
"""0 sits apart from an attribute's other values when its smallest non-zero value is at
least this share of their median (and above 1): ages 18 to 99 (median 45) beside a spike
of 0, as a telecom extract writes an unknown age; not counts or tenures, from 1 up."""


def _zero_like_unknown(values: pd.Series) -> bool:
    """Whether 0 looks like a placeholder for unknown: in `ZERO_SHARE_AT_LEAST` of the
    rows or more but not most of them, and apart from the other values, which are all
    positive."""
    zeros = values == 0
    rest = values[values.notna() & ~zeros]
    share = zeros.mean()
    if not ZERO_SHARE_AT_LEAST <= share <= ZERO_SHARE_AT_MOST:
        return False
    if len(rest) < NUMBERS_AT_LEAST or rest.min() <= 1:
        return False  # counts and ratings run up from 1: their 0 is a measurement
    return bool(rest.min() >= ZERO_GAP_AT_LEAST * rest.median())


def _as_levels(values: pd.Series) -> pd.Series:
    """Numbers as a categorical's levels: whole ones without '.0'. A Parquet or workbook
    column of codes with a blank is float, and '415.0' is a level that a posted 415, or
    a CSV extract's '415', never matches."""
    if not is_numeric_dtype(values) or is_bool_dtype(values):
        return values
    text = values.astype("str")
    whole = values.notna() & (values % 1 == 0)
    text[whole] = values[whole].astype("int64").astype("str")
    return text


def _one_spelling(table: _Table, name: str, values: pd.Series) -> pd.Series:
    """Text where values differing only in case are one level, spelled as most rows spell
    it ('BASIC' and 'Basic' are 'basic'): a category typed by hand in several systems
    would otherwise split into levels the model learns apart. Named in a warning. Only
    words are folded (`_written_as_words`): Orange's opaque codes are case-sensitive,
    and '6JvJ' read as '6Jvj' merged two codes."""
    text = _text(values)
    counts = text.value_counts()  # most frequent first
    keys = counts.index.str.casefold()
    if keys.is_unique or not _written_as_words(counts.index):
        return text
    spelling: dict[str, str] = {}
    for value, key in zip(counts.index, keys, strict=True):
        spelling.setdefault(key, value)
    renamed = {
        value: spelling[key]
        for value, key in zip(counts.index, keys, strict=True)
        if spelling[key] != value
    }
    shown = ", ".join(f"'{value}' as '{one}'" for value, one in list(renamed.items())[:3])
    more = f" and {len(renamed) - 3} more" if len(renamed) > 3 else ""
    what = f"values differing only in case read as one level ({shown}{more})"
    table.flag("warning", name, text.isin(list(renamed)).fillna(False).astype(bool), what)
    return text.replace(renamed)


WORDS_AT_LEAST = 0.9
"""Share of a column's distinct values cased as words are ('yes', 'YES', 'Yes', 'Two
Year') for it to read as words; a column of random mixed-case codes holds about a third."""


def _written_as_words(levels: pd.Index) -> bool:
    """Whether a column's distinct values (those with letters) read as words, each written
    lower case, upper case, capitalized or title case: then 'Yes' and 'YES' are one word
    typed twice. Opaque codes mix cases inside a value ('6JvJ', 'me75fM6ugJ'), and there
    a value differing from another only in case is another code."""
    lettered = [text for value in levels if (text := str(value)).lower() != text.upper()]
    return sum(map(_cased_as_a_word, lettered)) >= WORDS_AT_LEAST * len(lettered)


def _cased_as_a_word(value: str) -> bool:
    capitalized = value[:1].isupper() and not any(c.isupper() for c in value[1:])
    return value.islower() or value.isupper() or capitalized or value.istitle()


PLACEHOLDERS_AT_MOST = 3
"""Distinct texts among numbers that read as placeholders for unknown ('unknown', '?')."""
PLACEHOLDER_SHARE_AT_MOST = 0.5
"""...in at most this share of the rows: 'gold', 'silver', 'bronze' in most rows are the
attribute's levels, not unknowns beside its numbers."""
NUMBERS_AT_LEAST = 10
"""Distinct numbers beside them that make the attribute a measured quantity; fewer
(1, 2, 3 and 'premium') is a list of codes, categorical."""
MOSTLY_NUMBERS = 0.9
"""A categorical attribute whose text is at least this share numbers is worth a warning."""


def _inferred_kind(table: _Table, name: str, values: pd.Series) -> str:
    """'numeric' when every value reads as a number, or when the others are a few
    placeholders for unknown beside many distinct numbers (a telecom extract's 'unknown'
    in 30% of DroppedCalls: read as categorical, the model got 246 levels and reasons
    "DroppedCalls: 10.6"); those are recorded in `table.placeholders`, read as unknown,
    and named in a warning. Else 'categorical', with a warning when all but a few values
    are numbers."""
    if is_numeric_dtype(values):
        return _numbers_kind(table, name, values.dropna())
    text = _text(values).dropna()
    numbers = read_numbers(text, table.spec.decimal)[0]
    not_numbers = numbers.isna()
    if not not_numbers.any():
        return _numbers_kind(table, name, numbers)
    rows = not_numbers.reindex(values.index, fill_value=False)
    tokens = text[not_numbers].value_counts()
    few = len(tokens) <= PLACEHOLDERS_AT_MOST and not_numbers.mean() <= PLACEHOLDER_SHARE_AT_MOST
    if few and numbers.nunique() >= NUMBERS_AT_LEAST:
        if _numbers_kind(table, name, numbers.dropna()) == "categorical":
            return "categorical"  # codes, and the texts beside them levels too ('..')
        table.placeholders[name] = tuple(sorted(tokens.index))
        n = int(rows.sum())
        shown = ", ".join(f"'{token}' in {count:,}" for token, count in tokens.items())
        them = "it" if len(tokens) == 1 else "them"
        table.warning(
            name,
            n,
            f"{_rows(n)} hold text among numbers ({shown}), read as unknown: list {them} "
            "in missing_values to say so, or declare the attribute categorical",
        )
        return "numeric"
    mostly_unknown = len(tokens) <= PLACEHOLDERS_AT_MOST and numbers.nunique() >= NUMBERS_AT_LEAST
    if not_numbers.mean() <= 1 - MOSTLY_NUMBERS or mostly_unknown:  # Cell2Cell's HandsetPrice:
        what = (  # 'Unknown' in 57% beside its prices was read as categorical without a word
            "text among numbers, so the attribute is read as categorical (if such values "
            "mean unknown, list them in missing_values; or declare the attribute numeric)"
        )
        table.flag("warning", name, rows, what, _text(values))
    return "categorical"


def _numbers_kind(table: _Table, name: str, numbers: pd.Series) -> str:
    """'categorical' for whole numbers named a code (`reads_as_a_code`; BigML's `Area
    code`: 408, 415, 510 read as a measure gave "Area code 510 (typical 415)" in 15
    reasons, and a tree may split them as if 415 lay between the others; KKBox's
    `payment_method_id` 1-41 gave "payment_method_id 17 (typical 38)"), said in a
    warning; else 'numeric'. However many the codes: the model keeps the most frequent
    levels, and `attributes: all` leaves out codes too scattered for that
    (`identifiers._scattered_code`), as it does text."""
    if not reads_as_a_code(name, numbers):
        return "numeric"
    levels = sorted(numbers.unique())
    shown = ", ".join(f"{level:g}" for level in levels[:5]) + (", ..." if len(levels) > 5 else "")
    n = len(numbers)
    what = (
        f"whole numbers named a code in {_rows(n)} ({len(levels)} distinct: {shown}), read "
        "as categorical: declare the attribute numeric if it is a measure"
    )
    table.warning(name, n, what)
    return "categorical"


def _label(table: _Table, label: LabelSpec) -> pd.Series:
    """True where the label is the positive value, NA where it is one `unlabelled`
    names; the other rows must hold exactly two values."""
    positive = label.positive
    keys, wanted = _label_keys(table.column("label"), positive)
    unlabelled = keys.isin(_label_keys(pd.Series(label.unlabelled, dtype=object), positive)[0])
    labelled = keys[~unlabelled]
    if labelled.empty:
        table.error("label", len(keys), "every row's value is one label.unlabelled names")
        return keys.notna()
    if labelled.isna().all():
        n = len(labelled)
        what = f"blank in all {_rows(n)}: no labels to train on"
        table.error("label", n, f"{what} (`churn score` reads such a file as a fresh extract)")
        return keys.notna()
    if labelled.isna().any():
        table.flag("error", "label", keys.isna(), "no label")
    counts = labelled.value_counts()
    others = counts.drop(wanted, errors="ignore")
    written = others.rename(_text(table.column("label")).groupby(keys).first())  # for messages
    if wanted not in counts:
        n = int(counts.sum())
        table.error(
            "label", n, f"the positive value {positive!r} never occurs; found {_counts(written)}"
        )
    elif others.empty:
        table.error("label", 0, f"only the positive value {positive!r} occurs; a label needs two")
    elif len(others) > 1:
        unexpected = written.iloc[1:]
        expected = f"expected {positive!r} or '{written.index[0]}'"
        n = int(unexpected.sum())
        what = f"unexpected labels in {_rows(n)}: {_counts(unexpected)}"
        # Maven's status column adds 'Joined' (new this quarter) to Churned and Stayed
        leave = ", ".join(str(value) for value in unexpected.index)
        column = table.sources["label"]
        how = (
            f"score such rows without training on them with label: {{unlabelled: [{leave}]}}, "
            f"or leave them out with rows: {{column: {column}, not_values: [{leave}]}}"
        )
        table.error("label", n, f"{what}; {expected} ({how})")
    else:
        table.labels = _label_counts(table, keys, wanted, unlabelled)
        _warn_most_positive(table, table.labels)
        if label.population_rate is None:
            _warn_even_split(table, table.labels)
    churned = (keys == wanted).astype("bool")
    return churned.astype("boolean").mask(unlabelled) if unlabelled.any() else churned


def _label_counts(
    table: _Table, keys: pd.Series, wanted: str, unlabelled: pd.Series
) -> LabelCounts:
    """The label values as the file writes them ('1', not the key '1.0'), counted: the
    two labelled ones, and those `unlabelled` names."""
    spelled = _text(table.column("label")).groupby(keys).first()
    counts = keys[~unlabelled].value_counts()
    return LabelCounts(
        column=table.sources["label"],
        positive=str(spelled[wanted]),
        counts={str(spelled[key]): int(n) for key, n in counts.items()},
        unlabelled={
            str(spelled[key]): int(n) for key, n in keys[unlabelled].value_counts().items()
        },
    )


EVEN_SPLIT_WITHIN = 0.005
EVEN_SPLIT_ROWS = 200


def _warn_even_split(table: _Table, labels: LabelCounts) -> None:
    """Labels split evenly are the look of a balanced case file (S-mobile's 19,500 and
    19,500 of a 2% churn population): its probabilities read at 50% churn, and its
    holdout scored 0.41 on average where 0.02 churned, without a word."""
    rate = labels.churned / labels.rows
    if labels.rows < EVEN_SPLIT_ROWS or abs(rate - 0.5) > EVEN_SPLIT_WITHIN:
        return
    table.warning(
        "label",
        labels.churned,
        f"the labels split evenly ({labels.churned:,} churned of {labels.rows:,}): if this is "
        "a balanced sample, probabilities will read at its 50% churn; set "
        "label.population_rate to the churn rate of the customers to be scored",
    )


def _warn_most_positive(table: _Table, labels: LabelCounts) -> None:
    """A `positive` that conventionally means staying (0, -1, No beside 1, Yes) names the
    stayers whatever its share, and one marking most rows as churned likely does too
    (Orange's `positive: -1` trained on 92.8% "churn" without a word), unless it
    conventionally means churned: an ISP's `positive: 1` churned 55.4% and was told to
    mean 0, the model of who stays (`features/label_values.py`). A label named as
    staying turns its flags around (`_warn_staying_name`)."""
    other = next(value for value in labels.counts if value != labels.positive)
    if (flipped := marks_stayers(labels.column, labels.positive, other)) is not None:
        if flipped:
            _warn_staying_name(table, labels, other)
        return
    said = conventional(labels.positive, other)
    if said == "churned" or (said is None and labels.churned * 2 <= labels.rows):
        return
    usually = f", but {labels.positive} usually means not churned beside {other}"
    table.warning(
        "label",
        labels.churned,
        f"positive: {labels.positive} marks {labels.churned / labels.rows:.1%} of the rows "
        f"({labels.churned:,} of {labels.rows:,}) as churned{usually if said else ''}; "
        f"did you mean {other}?",
    )


def _warn_staying_name(table: _Table, labels: LabelCounts, other: str) -> None:
    """A label named as staying (`is_retained`) with `positive` its yes marks the
    customers who stayed as churners: a hotel's `is_retained` with `positive: True`
    trained a model of who stays (ROC AUC 0.98), its worklist the bookings that stay. A
    warning, not an error: the name is a guess from its words, the values are the user's
    own (a `retention_7` may well be 1 for "lost by day 7"), and an error would leave no
    way past it but renaming the file's column."""
    table.warning(
        "label",
        labels.churned,
        f"label '{labels.column}' reads as staying, and positive: {labels.positive} marks "
        f"the customers it says stayed as churners ({labels.churned:,} of "
        f"{labels.rows:,} rows): did you mean positive: {other}?",
    )


def _label_keys(values: pd.Series, positive: str | float | bool) -> tuple[pd.Series, str]:
    """Comparable label text and the positive value's key: bools by YAML words, numbers by
    value, text case aside (one split of a snapshot writes 'TRUE', its other half 'True':
    one config reads both; a label's two values never differ by case alone)."""
    text = _text(values)
    if isinstance(positive, bool):
        return text.str.lower().map(_YAML_BOOLS).fillna(text), str(positive).lower()
    if isinstance(positive, int | float):
        numbers = pd.to_numeric(text, errors="coerce").astype("float64")
        return numbers.astype("str").fillna(text), str(float(positive))
    return text.str.casefold(), str(positive).strip().casefold()


# --- activity tables -------------------------------------------------------------------


def _line_totals(table: _Table) -> None:
    """amount = unit_price x quantity, missing where either is; issues about it name both
    source columns; negative, a return, when either is (`line_total`)."""
    price, quantity = table.clean.pop("unit_price"), table.clean["quantity"]
    table.clean["amount"] = line_total(price, quantity)
    table.missing["amount"] = table.missing.pop("unit_price") | table.missing["quantity"]
    table.sources = {
        **table.sources,
        "amount": f"{table.sources['unit_price']} x {table.sources['quantity']}",
    }


def _discounts_below_list_price(table: _Table) -> None:
    """discount = list_price - amount where the line paid less (0 where it paid the list
    price or more), missing where either is."""
    below = table.clean.pop("list_price") - table.clean["amount"]
    table.clean["discount"] = below.clip(lower=0.0)
    table.missing["discount"] = table.missing.pop("list_price") | table.clean["amount"].isna()
    table.sources = {
        **table.sources,
        "discount": f"{table.sources['list_price']} - {table.sources['amount']}",
    }


def _check_amounts(table: _Table) -> None:
    """Missing amounts are dropped when rare, an error when not. A negative amount is a
    return: matched to the purchase it reverses (`features/returns.py`), else ignored
    when rare and an error when not. An amount of 0 (a free item, an adjustment) is no
    purchase: it would read as the customer's latest visit."""
    amounts, missing = table.clean["amount"], table.missing["amount"]
    _tolerate(table, missing, "of amounts missing", MAX_MISSING_AMOUNT_SHARE, "")
    reversing = _match_returns(table)
    note = f"returns or refunds of no single purchase (same {_mirrored_by(table)}); "
    what = "of amounts negative and mirroring no purchase"
    unmatched = (amounts < 0) & ~reversing
    if table.dropped is not None:
        unmatched &= ~table.dropped  # (guest lines: already said)
    _tolerate(table, unmatched, what, MAX_NEGATIVE_AMOUNT_SHARE, note)
    usable = pd.Series(True, index=amounts.index) if table.dropped is None else ~table.dropped
    zero = (amounts == 0) & usable
    if zero.any() and "paid_until" not in table.clean:  # (a free period is still a renewal)
        n = int(zero.sum())
        if n == int(usable.sum()):
            what = f"every amount is 0 ({_rows(n)}): a log without spend is a usage log (events)"
            table.error("amount", n, what)
            return
        what = f"{_rows(n)} with an amount of 0 (free items, adjustments) ignored: no purchase"
        table.warning("amount", n, what)
        table.drop(zero)


def _paid_until_not_before_payment(table: _Table) -> None:
    """A paid period cannot end before the day it was paid (an expiry of 1970-01-01, a
    placeholder): read as unknown, with a warning, not as a -16,654-day plan."""
    ends = table.clean.get("paid_until")
    if ends is None:
        return
    before = ends.dt.normalize() < table.clean["timestamp"].dt.normalize()
    if before.any():
        what = "paid-until dates before the payment's own day read as unknown"
        table.flag("warning", "paid_until", before, what, ends)
        table.clean["paid_until"] = ends.mask(before)


def _warn_mostly_blank_paid_until(table: _Table) -> None:
    """Paid-until dates blank on most payments (a refund states none) are likely no
    payment log's period ends (`MOSTLY_BLANK_PAID_UNTIL`)."""
    ends = table.clean.get("paid_until")
    if ends is None:
        return
    blank = ends.isna()[table.clean["amount"] >= 0]
    if blank.mean() > MOSTLY_BLANK_PAID_UNTIL:
        n = int(blank.sum())
        table.warning(
            "paid_until",
            n,
            f"blank or unknown in {_rows(n)} ({blank.mean():.1%}) of the payments: each such "
            "payment is read as paying "
            "for as long as the customer's previous period did. A payment log states every "
            "period's end; a subscriptions table whose end date is filled only once a "
            "subscription ended says when customers left: map it as the cancellations "
            "table's timestamp instead",
        )


def _leave_out_no_use(table: _Table, spec: EventsSpec) -> None:
    """Rows 0 in every quantity, where such a row records no use (`EventsSpec.
    zeros_record_no_use`: a padded grid of daily counts), are left out with a warning:
    read as use, each was an active day, and the MOOC log's learners never lapsed."""
    if not spec.zeros_record_no_use():
        return
    names = [n for n in ("quantity", *map(quantity_column, spec.quantities)) if n in table.clean]
    rows = pd.Series(no_use_rows(table.clean[n] for n in names), index=table.clean[names[0]].index)
    kept = len(rows) if table.dropped is None else int((~table.dropped).sum())
    if table.dropped is not None:
        rows &= ~table.dropped
    n = int(rows.sum())
    if not n:
        return
    columns = ", ".join(table.sources[name] for name in names)
    if n == kept:
        table.error(None, n, f"all {_rows(n)} are 0 in every quantity ({columns}): no use at all")
    else:
        share = n / kept  # of the rows still read: those already left out were said
        what = f"{_rows(n)} ({share:.1%}) are 0 in every quantity ({columns})"
        table.warning(None, n, f"{what}: read as no use and left out")
    table.drop(rows)


def _unknown_when_negative(table: _Table, column: str) -> None:
    """A usage quantity (minutes, MB, seconds played) is never negative: a logger's
    overflow (-9.2e15 seconds) is read as unknown, with a warning, not summed."""
    values = table.clean.get(column)
    if values is None:
        return
    negative = values < 0
    if negative.any():
        table.flag("warning", column, negative, "negative quantities read as unknown", values)
        table.clean[column] = values.mask(negative)


def _mirrored_by(table: _Table) -> str:
    """What a return shares with the purchase it mirrors, in this log."""
    return "category and amount" if "category" in table.clean else "amount"


def _match_returns(table: _Table) -> pd.Series:
    """Mark each purchase line a return reverses (`returned_at`, the return's day) and
    drop those returns; returns which rows they were."""
    amounts = table.clean["amount"]
    negative = amounts < 0
    if not negative.any():
        return negative
    matched = match_lines(
        table.clean["customer_id"].to_numpy(),
        table.clean["timestamp"],
        amounts.to_numpy(dtype=np.float64, na_value=np.nan),
        table.clean.get("category"),
        ignored=None if table.dropped is None else table.dropped.to_numpy(),
    )
    reversing = pd.Series(matched.reversing, index=amounts.index)
    if matched.matched:
        table.clean["returned_at"] = pd.Series(matched.returned_at, index=amounts.index)
        n = matched.matched
        table.warning(
            "amount",
            n,
            f"{_rows(n)} with a negative amount {'reverses' if n == 1 else 'reverse'} a "
            f"purchase on or before its day (same customer, {_mirrored_by(table)}): from "
            "the return's day that purchase no longer counts",
        )
        table.drop(reversing)
    return reversing


def _warn_repeated_lines(table: _Table) -> None:
    """Lines equal in every column read, order id included, look like an export's
    repeats, which would inflate spend. They are kept, since two lines of one order can
    be alike when the product is not among the columns read; the warning says how many."""
    if "order_id" not in table.clean:
        return
    if n := _repeated_rows(table):
        product = "" if "category" in table.clean else ", a product code say,"
        what = (
            f"{_rows(n)} {'repeats' if n == 1 else 'repeat'} another line in every column "
            f"read (same order, time and amount; columns not read{product} may "
            "still tell them apart): kept as separate lines, as a log that writes each unit "
            "as its own row means them; remove them only if the export doubled lines"
        )
        table.warning("order_id", n, what)


def _warn_repeated_events(table: _Table) -> None:
    """Events equal in every column read (customer, time of day, type, quantity) are
    counted as often as they are written: a log's export repeats, which inflate every
    count. Kept, and said; when the file has columns not read, those may tell them apart
    (one row per item bought), and the advice to remove them would delete purchases. A
    log of days alone repeats real events (two logins a day)."""
    times = table.clean["timestamp"].dropna()
    if not (times != times.dt.normalize()).any():
        return
    if n := _repeated_rows(table):
        what = (
            f"{_rows(n)} {'repeats' if n == 1 else 'repeat'} another event in every column "
            "read (customer, time, type, quantity)"
        )
        if table.unread:  # RetailRocket: 3,056 of 8,513 purchase rows, 34 alike in all
            what += (
                f"; columns not read ({', '.join(table.unread[:3])}) may still tell them "
                "apart, as the items of one basket: each is counted, as such a log means "
                "them; remove them only if the export doubled rows"
            )
        else:
            what += ", all the file holds: each is counted; remove them if the export doubled rows"
        table.warning("timestamp", n, what)


def _repeated_rows(table: _Table) -> int:
    """Rows equal to an earlier one in every column read. Only rows sharing a customer
    and a time can repeat: those are compared in full (a full comparison of every row
    would double the load of a large log)."""
    clean = table.clean
    candidates = _sharing_customer_and_time(clean["customer_id"], clean["timestamp"])
    if table.dropped is not None:
        candidates &= ~table.dropped.to_numpy()
    if not candidates.any():
        return 0
    rows = pd.DataFrame({name: values[candidates] for name, values in clean.items()})
    return int(rows.duplicated().sum())


def _sharing_customer_and_time(ids: pd.Series, timestamps: pd.Series) -> np.ndarray:
    """Which rows share their customer and time with another row (missing times alike).

    Such rows are neighbours in (customer, time) order, so one sort and a comparison of
    neighbours find them: hashing both columns of 11.65M lines and finding the repeated
    hashes took 2.1 s, this 0.8 s (integer ids; text ids add one factorize, ~1 s a 10M).
    """
    keys, ts = _customer_keys(ids), timestamps.to_numpy().view("i8")
    order = _key_order(keys, timestamps)
    if order is not None:
        keys, ts = keys[order], ts[order]
    same = (keys[1:] == keys[:-1]) & (ts[1:] == ts[:-1])
    shared = np.zeros(len(keys), dtype=bool)
    shared[1:] |= same
    shared[:-1] |= same
    if order is None:
        return shared
    in_input_order = np.empty_like(shared)
    in_input_order[order] = shared
    return in_input_order


def _tolerate(table: _Table, rows: pd.Series, what: str, limit: float, note: str) -> None:
    """Up to `limit` of the amounts may be unusable (`rows`): those rows are ignored, with
    a warning. More is an error."""
    share, n = float(rows.mean()) if len(rows) else 0.0, int(rows.sum())
    if share > limit:
        table.error(
            "amount", n, f"{share:.1%} {what} ({_rows(n)}); at most {limit:.0%} can be ignored"
        )
    elif n:
        table.warning("amount", n, f"{share:.1%} {what} ({_rows(n)}); {note}those rows are ignored")
        table.drop(rows)


def _check_seen(table: _Table, column: str, key: str, wanted: list[str] | None) -> None:
    """Configured values (consumable categories, event types) should occur in the data."""
    if not wanted:
        return
    if column not in table.clean:
        table.error(column, 0, f"`{key}` is set but no `{column}` column is mapped")
        return
    unseen = sorted(set(wanted) - set(table.clean[column].dropna().unique()))
    if unseen:
        meant = _values_meant(unseen, table.clean[column])
        what = f"`{key}` values never seen in the data: {', '.join(unseen)}{meant}"
        table.warning(column, 0, what)


def _interaction_types(table: _Table, spec: InteractionsSpec) -> pd.Series:
    """Raw types onto canonical ones (`InteractionsSpec.type_reader`); the rest count as
    'other'."""
    raw = table.clean["type"]
    read = spec.type_reader()
    mapping = {value: read(value) for value in raw.dropna().unique()}
    unmapped = [value for value, canonical in mapping.items() if canonical is None]
    if unmapped:
        counts = raw[raw.isin(unmapped)].value_counts()
        n = int(counts.sum())
        what = f"types not in `interactions.types` in {_rows(n)}, counted as 'other'"
        table.warning("type", n, f"{what}: {_counts(counts)}")
    return raw.map({value: canonical or "other" for value, canonical in mapping.items()})


def _check_resolution_order(table: _Table) -> None:
    for column in ("resolved_at", "recorded_at"):
        if column in table.clean:
            early = table.clean[column] < table.clean["timestamp"]
            if early.any():
                what = f"{column} before the row's timestamp"
                table.flag("warning", column, early, what, table.clean[column])


def _sorted_activity(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows by (customer_id, timestamp), stable, fresh index: the order feature code expects."""
    order = _time_order(frame["customer_id"], frame["timestamp"])
    return (frame if order is None else frame.take(order)).reset_index(drop=True)


def _time_order(ids: pd.Series, timestamps: pd.Series) -> np.ndarray | None:
    """Row order by (customer, time), None when already so.

    A log in time order (the usual export) needs only its rows grouped by customer, in a
    stable counting pass when the ids are dense enough. Otherwise one stable argsort of a
    combined int64 key (customer rank x time step) when it fits, which is about three
    times faster than a two-key sort on 10M rows.
    """
    return _key_order(_customer_keys(ids), timestamps)


def _key_order(keys: np.ndarray, timestamps: pd.Series) -> np.ndarray | None:
    """`_time_order` by the customers' integer keys (`_customer_keys`), computed once
    where another step needs them too (factorizing 10M text ids takes a second)."""
    ts = timestamps.to_numpy().view("i8")
    if len(keys) < 2 or _is_ordered(keys, ts):
        return None
    low, high = int(keys.min()), int(keys.max())
    if not timestamps.hasnans and high - low < 4 * len(keys) and (ts[1:] >= ts[:-1]).all():
        return _grouped_order(keys - low, high - low + 1)
    if timestamps.hasnans or int(ts.max()) - int(ts.min()) >= 2**62:
        return np.lexsort((ts, keys))
    offset = ts - ts.min()
    step = next(s for s in _TIME_STEPS_NS if not (offset % s).any())
    span = int(offset.max()) // step + 1
    if (high - low + 1) * span >= 2**63:
        return np.lexsort((ts, keys))
    return np.argsort((keys - low) * span + offset // step, kind="stable")


def _customer_keys(ids: pd.Series) -> np.ndarray:
    """Integers in the ids' order: the ids themselves when integers, else their ranks."""
    return ids.to_numpy() if is_integer_dtype(ids) else pd.factorize(ids, sort=True)[0]


@numba.njit(cache=True)
def _grouped_order(keys: np.ndarray, n_keys: int) -> np.ndarray:  # pragma: no cover - numba
    """Rows ordered by key (0 <= key < n_keys), each key's rows in input order: a
    counting sort, one pass to count and one to place."""
    starts = np.zeros(n_keys + 1, dtype=np.int64)
    for key in keys:
        starts[key + 1] += 1
    for key in range(n_keys):
        starts[key + 1] += starts[key]
    order = np.empty(len(keys), dtype=np.int64)
    for row in range(len(keys)):
        key = keys[row]
        order[starts[key]] = row
        starts[key] += 1
    return order


def _is_ordered(keys: np.ndarray, ts: np.ndarray) -> bool:
    same = keys[1:] == keys[:-1]
    return bool(((keys[1:] > keys[:-1]) | (same & (ts[1:] >= ts[:-1]))).all())


# --- across tables -----------------------------------------------------------------------


def _customers(
    config: RunConfig, tables: list[_Table], frames: dict[str, pd.DataFrame]
) -> pd.DataFrame | None:
    """The customers table, or, when none is configured, who appears in the transactions
    and events (a usage log may be all a subscription business exports). A configured
    one gains the logs' customers it does not list (not a labelled snapshot's: its rows
    are its population), and the other tables keep only rows of its customers."""
    if config.data.customers is None:
        return _actors(frames)
    customers = frames.get("customers")
    if customers is None:
        return None
    others = [t for t in tables if t.name != "customers"]
    snapshot = config.churn.definition == "label_column"  # its rows are the population
    buyers = [] if snapshot else [t for t in others if t.name in ("transactions", "events")]
    unlisted = {
        t.name: ~frames[t.name]["customer_id"].isin(customers["customer_id"]) for t in buyers
    }
    if buyers:
        customers = _with_unlisted_buyers(customers, buyers, frames, unlisted)
    for table in others:
        ids = frames[table.name]["customer_id"]
        if table.name not in unlisted:
            unknown = ~ids.isin(customers["customer_id"])
        elif unlisted[table.name].all():  # none listed, so none joined: ids written otherwise
            unknown = unlisted[table.name]
        else:  # its customers joined the table: every row's customer is listed now
            continue
        kept = _check_known_ids(table, ids, unknown)
        if kept is not None:
            frames[table.name] = frames[table.name].loc[kept]
    return customers


def _actors(frames: dict[str, pd.DataFrame]) -> pd.DataFrame | None:
    """Who appears in the transactions and events, one row each; None without either."""
    actors = [frames[name] for name in ("transactions", "events") if name in frames]
    if not actors:
        return None
    ids = pd.concat([frame[["customer_id"]] for frame in actors], ignore_index=True)
    return ids.drop_duplicates().reset_index(drop=True)


def _with_unlisted_buyers(
    customers: pd.DataFrame,
    buyers: list[_Table],
    frames: dict[str, pd.DataFrame],
    unlisted: dict[str, pd.Series],
) -> pd.DataFrame:
    """The customers table with the purchase and usage logs' customers it does not list
    (`unlisted`: each log's rows of such customers)."""
    joining = [_unlisted(t, frames[t.name]["customer_id"], unlisted[t.name]) for t in buyers]
    added = [ids for ids in joining if ids is not None]
    if not added:
        return customers
    return _with_customers(customers, pd.concat(added).drop_duplicates())


def _unlisted(table: _Table, ids: pd.Series, unknown: pd.Series) -> pd.Series | None:
    """The ids of an activity table's customers that the customers table does not list,
    which join it with unknown attributes (dunnhumby's demographics cover 801 of 2,500
    households: said in a warning); None when there are none, or when no id is listed
    (an error: ids written two ways)."""
    if not unknown.any() or unknown.all():
        return None
    unlisted = ids[unknown].drop_duplicates()
    table.warning(
        "customer_id",
        int(unknown.sum()),
        f"{len(unlisted):,} customers in {_rows(int(unknown.sum()))} have no row in the "
        f"customers table, e.g. {_example(unlisted)}: read as customers whose attributes "
        "are unknown (a table of only some customers' details)",
    )
    return unlisted


def _with_customers(customers: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """The customers table with rows for `ids`, every other column blank (categories
    keep their levels), sorted by id as the loader leaves it."""
    extended = customers.set_index("customer_id")
    everyone = extended.index.append(pd.Index(ids, name="customer_id"))
    return (
        extended.reindex(everyone)
        .reset_index()
        .sort_values("customer_id", kind="stable", ignore_index=True)
    )


def _check_known_ids(table: _Table, ids: pd.Series, unknown: pd.Series) -> pd.Series | None:
    """Rows of ids not among the customers (`unknown`) are an error when no id of the
    table is known (ids written two ways), else ignored with a warning (a support desk's
    tickets from prospects); the rows to keep then, None when all are kept or none can
    be."""
    if not unknown.any():
        return None
    if unknown.all():
        what = "ids not in the customers table (none of this table's is: written otherwise?)"
        table.flag("error", "customer_id", unknown, what, ids)
        return None
    what = "ids not in the customers table (not customers: prospects?) ignored"
    table.flag("warning", "customer_id", unknown, what, ids)
    return ~unknown


def _summarize(
    name: str,
    path: Path | None,
    frame: pd.DataFrame,
    labels: LabelCounts | None = None,
    carried_missing: dict[str, float] | None = None,
) -> TableSummary:
    dates = frame.get("timestamp", frame.get("signup_date"))
    has_dates = dates is not None and dates.notna().any()
    return TableSummary(
        name=name,
        path=path,
        rows=len(frame),
        customers=int(frame["customer_id"].nunique()),
        date_min=dates.min() if has_dates else None,
        date_max=dates.max() if has_dates else None,
        missing_rates={
            **{
                column: float(frame[column].isna().mean())
                for column in frame.columns
                if column not in DERIVED_COLUMNS
            },
            **(carried_missing or {}),
        },
        labels=labels,
    )
