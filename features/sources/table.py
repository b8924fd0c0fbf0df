"""The shared parts of reading tables: the table being read (`_Table`), the `Issue`s it
collects, the reports `validate` returns, and the small helpers that word counts and
examples in messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import python_calamine
from pandas.api.extensions import ExtensionArray

from features.contract import FILES_LISTED, WHOLE_FLOAT, RunConfig, TableSpec, files_named
from features.encodings import UTF8, Decoding
from features.levels import likely_meant
from features.sources.copies import Copies
from features.workbooks import Sheets

TIMESTAMP_COLUMNS = frozenset(
    {"timestamp", "signup_date", "resolved_at", "recorded_at", "paid_until", "ended_at"}
)


FUTURE_COLUMNS = frozenset({"paid_until", "ended_at"})
"""Dates that may lie after the extract date (a year paid ahead ends next year; a
subscription cancelled at its period's end ends after the extract)."""


NUMBER_COLUMNS = frozenset(
    {
        "amount",
        "unit_price",
        "quantity",
        "discount",
        "list_price",
        "margin",
        "satisfaction",
        "wallet",
        "value",
    }
)


TEXT_COLUMNS = frozenset({"category", "type", "order_id", "billing_period"})


DERIVED_COLUMNS = frozenset({"returned_at"})
"""Columns the loader adds (`_match_returns`), not read from the file."""


SINCE_ALWAYS = pd.Timestamp("1678-01-01")
"""The time of a dated customers row without one: the earliest a table holds."""


MAX_MISSING_AMOUNT_SHARE = 0.05
"""Above this share of missing amounts the transactions are unusable; below, rows are dropped."""


MAX_MISSING_TIMESTAMP_SHARE = 0.05
"""Up to this share of an activity table's rows without a time, as of missing amounts,
are left out with a warning naming some (a transactions export's 14 blank dates of
38,765, 0.04%, failed validate): no time, no cutoff they belong before. Above it the
column is likely the wrong one, or the export lost its dates: an error."""


EXAMPLE_LINES = 3
"""How many of the rows an issue is about are named by their lines (`_Table.lines_of`)."""


MOSTLY_BLANK_PAID_UNTIL = 0.5
"""Above this share of blank paid-until dates the column is likely no payment log's: a
SaaS subscriptions table's `end_date`, 90.3% blank, passed validate without a word."""

MOSTLY_BLANK_ORDER_IDS = 0.5
"""Above this share of lines without an order id the file likely holds other rows than
purchases: Retail Rocket's events.csv, mapped whole as transactions, read its page views
as purchases (the transaction id was blank on 99.5% of them) without a word."""


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

YAML_BOOLEANS = {
    **dict.fromkeys(("yes", "on", "true"), True),
    **dict.fromkeys(("no", "off", "false"), False),
}
"""The words an unquoted YAML value is read as a boolean from (any of their cases; not
`_YAML_BOOLS`' y, n, 1 and 0, which a label's values match besides):
`rows: {values: [yes]}` kept the rows holding 'True', which a yes/no column has none of."""


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
    reading: str | None = None
    """For a warning of how the file's column was read (Unix time in ms, a guessed date
    format), that reading without counts: every table reading the column reads it alike,
    and it is said once for them all (`one_per_reading`)."""

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


def one_per_reading(issues: list[Issue]) -> list[Issue]:
    """The issues with one warning per file, column and reading (`Issue.reading`), in the
    place of the first: a Sparkify log read as customers, events and cancellations warned
    "numbers read as Unix time in ms" once per table, of the same 6,350 rows. The one
    kept says the most rows any table read and names the tables."""
    alike: dict[tuple[Path, str | None, str], list[Issue]] = {}
    for issue in issues:
        if issue.reading is not None:
            alike.setdefault((issue.path, issue.column, issue.reading), []).append(issue)
    kept = []
    for issue in issues:
        if issue.reading is None:
            kept.append(issue)
            continue
        same = alike[(issue.path, issue.column, issue.reading)]
        if issue is same[0]:
            kept.append(_read_by(same) if len(same) > 1 else issue)
    return kept


def _read_by(same: list[Issue]) -> Issue:
    """One of several tables' warnings of one reading, naming the tables."""
    most = max(same, key=lambda issue: issue.rows)
    names = list(dict.fromkeys(issue.table for issue in same))
    tables = f"{', '.join(names[:-1])} and {names[-1]}"
    return replace(most, message=f"{most.message}; read by the {tables} tables")


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
    copies: Copies | None = None
    """Labelled rows identical to another in every column read but the id and the label."""

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
    """What a table without a file of its own was found in (customers: `transactions`,
    `events`; a subscriptions table's cancellations: its plans' ends)."""
    read_as: str = ""
    """How the file's rows were read, where not one row each (a subscriptions table's
    plans, as their payments)."""


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
    read_as: str = ""
    """`TableSummary.read_as`."""
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
    model_attributes: Mapping[str, str] = field(default_factory=dict)
    """Attributes a model to score reads, with their kinds: never left out as no
    attribute, a date read as a date (`validate`)."""
    date_formats: dict[str, str] = field(default_factory=dict)
    """Per date attribute, the format its days are read in: a model's as given, else the
    one found (`attribute_dates`)."""
    scoring: bool = False
    """Read for `churn score` (`label_optional`): a label need not hold both values (a
    file of current customers, none of whom has left yet)."""
    not_use: dict[str, frozenset[str]] = field(default_factory=dict)
    """A usage log's types other tables read from its file, by table (`DataSpec.
    not_use_types`): no use, left out once checked (`_leave_out_read_as_others`)."""
    left_out_types: tuple[str, ...] = ()
    """Of `not_use`, the types rows were left out of (none where every row was one)."""
    labels: LabelCounts | None = None
    """The label column's values, when it has two (`_label`)."""
    filtered_out: dict[str, set[str]] = field(default_factory=dict)
    """Per checked text column (`FILTER_SEEN`), the values of the rows `rows:` filters
    left out: a configured type only they held is no misspelling (`_check_seen`)."""
    looked_up: dict[str, Path] = field(default_factory=dict)
    """The file each column a `lookup` joined comes from (`_joined`)."""
    not_joined: dict[str, str] = field(default_factory=dict)
    """The other columns of the lookups' files, with the file's name: a column the config
    reads and no file of the table holds may be one a lookup did not bring in."""
    files: tuple[Path, ...] = ()
    """The files read as the table, in order (`TableSpec.path`); `path` names them all."""
    origin: pd.Series | None = None
    """Of a table read from several files, each raw row's file (its position in `files`),
    so that a row's issue names its file; None for one file, and once rows are finished."""

    lines: np.ndarray | None = None
    """Each raw row's line in its file (`reading._record_lines`), kept through the rows
    left out (`keep`) and the files stacked (`stack`): what `lines_of` names."""
    line_word: str = "line"
    """'line' (delimited text, JSON lines) or 'row' (a workbook, Parquet)."""
    time_order: np.ndarray | None = None
    """An activity table's clean rows in (customer, time) order, as the repeated-rows
    check found it (`_key_order`; None: in that order already, or not looked at): the
    sort of the finished rows reuses it when none was left out."""

    @property
    def unread(self) -> tuple[str, ...]:
        """The file's columns the config does not read (RetailRocket's itemid beside its
        events): rows alike in every column read may differ in them. A lookup's key is
        read (`_lookup_keys`)."""
        read = set(self.sources.values()) | {lookup.on for lookup in self.spec.lookups}
        return tuple(c for c in self.header if c not in read)

    def column(self, canonical: str) -> pd.Series:
        return self.raw[self.sources[canonical]]

    def error(self, column: str | None, rows: int, message: str) -> None:
        self._add("error", column, rows, message)

    def warning(
        self, column: str | None, rows: int, message: str, *, reading: str | None = None
    ) -> None:
        """`reading`: the warning tells how the file's column was read (`Issue.reading`)."""
        self._add("warning", column, rows, message, reading)

    def forget_warnings(self, column: str) -> None:
        """Drop the warnings said so far on one of this table's columns."""
        source = self.sources.get(column, column)
        self.report.issues = [
            issue
            for issue in self.report.issues
            if not (
                issue.level == "warning" and issue.table == self.name and issue.column == source
            )
        ]

    def _add(
        self,
        level: Literal["error", "warning"],
        column: str | None,
        rows: int,
        msg: str,
        reading: str | None = None,
        file: Path | None = None,
    ) -> None:
        """`file`: the one of the table's files the rows are in; default: all of them."""
        source = None if column is None else self.sources.get(column, column)
        looked_up = self.looked_up.get(source) if source is not None else None
        own = file or self.path
        path, onto = (own, None) if looked_up is None else (looked_up, own)
        issue = Issue(level, self.name, path, source, int(rows), msg, onto, reading)
        self.report.issues.append(issue)

    def flag(
        self,
        level: Literal["error", "warning"],
        column: str,
        rows: pd.Series,
        what: str,
        examples: pd.Series | Callable[[pd.Series], str] | None = None,
        *,
        advice: str = "",
        reading: bool = False,
    ) -> None:
        """Report the rows where `rows` is True as '<what> in N rows, e.g. <first
        example><advice>', once per file they are in (`_by_file`); `examples` may say the
        first of the rows itself (a date as written and as read); `reading`: `what` tells
        how the file's column was read (`Issue.reading`)."""
        for file, flagged in self._by_file(rows, reading=reading):
            n = int(flagged.sum())
            said = f"{what} in {_rows(n)}"
            if examples is not None:
                first = examples(flagged) if callable(examples) else _example(examples[flagged])
                said += f", e.g. {first}"
            self._add(level, column, n, said + advice, what if reading else None, file)

    def _by_file(self, rows: pd.Series, *, reading: bool) -> list[tuple[Path | None, pd.Series]]:
        """The flagged rows per file of a table read from several, in file order: 'D12:
        not a date in 3 rows' says where to look among four monthly files. A `reading`
        (one date format for the column) is the table's, said once for all its files, and
        so are rows in more than `FILES_LISTED` files, named together: split per file,
        120 monthly files took 2.4 s and 120 lines for one flag of 5M rows."""
        if self.origin is None or reading:
            return [(None, rows)]
        origin = self.origin.reindex(rows.index)
        held = sorted(origin[rows].unique())
        if len(held) > FILES_LISTED:  # one issue naming them: a pass per file, and as many lines
            return [(files_named([self.files[i] for i in held]), rows)]
        return [(self.files[i], rows & (origin == i)) for i in held]

    def stack(self, frames: list[pd.DataFrame], lines: list[np.ndarray | None]) -> None:
        """The files' rows, one file after another, as the raw table (`origin`), each
        with its line in its own file."""
        if any(held is None for held in lines):
            self.lines = None
        else:  # one file's are its own: no copy
            self.lines = lines[0] if len(lines) == 1 else np.concatenate(lines)
        if len(frames) == 1:
            self.raw = frames[0]
            return
        self.raw = pd.concat(frames, ignore_index=True)
        self.origin = pd.Series(np.repeat(np.arange(len(frames)), [len(f) for f in frames]))

    def keep(self, rows: pd.Series | np.ndarray) -> None:
        """Only these rows of the raw table (and of `origin` and `lines`)."""
        kept = np.asarray(rows, dtype=bool)
        self.raw = self.raw.loc[kept].reset_index(drop=True)
        if self.origin is not None:
            self.origin = self.origin.loc[kept].reset_index(drop=True)
        if self.lines is not None:
            self.lines = self.lines[kept]

    def lines_of(self, rows: pd.Series, most: int = EXAMPLE_LINES) -> str:
        """The first `most` of these rows by their lines in the file ('lines 14, 2,071 and
        9,133'), so a user can open them; '' where the lines are not known."""
        if self.lines is None or len(self.lines) != len(rows):
            return ""
        found = [f"{line:,}" for line in self.lines[rows.to_numpy()][:most]]
        if not found:
            return ""
        words = f"{self.line_word}s" if len(found) > 1 else self.line_word
        listed = found[0] if len(found) == 1 else f"{', '.join(found[:-1])} and {found[-1]}"
        return f"{words} {listed}"

    def drop(self, rows: pd.Series) -> None:
        """Leave these rows out of the result (they were reported, or are to be ignored)."""
        self.dropped = rows if self.dropped is None else (self.dropped | rows)

    def finish(self) -> pd.DataFrame:
        """The clean frame without dropped rows; lets go of the raw columns to save memory,
        and of `origin`: the frame's rows are sorted next, and issues then name all files."""
        frame = pd.DataFrame(self.clean, copy=False)  # the columns are ours: no copy
        self.raw, self.clean, self.origin = pd.DataFrame(), {}, None
        return frame if self.dropped is None else frame.loc[~self.dropped]


AS_OF_SOURCE = "data.as_of"


def last_days(frames: dict[str, pd.DataFrame]) -> dict[str, pd.Timestamp]:
    """Each table's last day with a row (tables without times left out)."""
    return {
        name: frame["timestamp"].max().normalize()
        for name, frame in frames.items()
        if "timestamp" in frame and frame["timestamp"].notna().any()
    }


def data_end_day(
    config: RunConfig, ends: dict[str, pd.Timestamp]
) -> tuple[pd.Timestamp, str] | None:
    """The data's last day and what says so: `data.as_of`, else the table of the latest
    row (`ends`: `last_days`); None when neither is known."""
    if config.data.as_of is not None:
        return pd.Timestamp(config.data.as_of), AS_OF_SOURCE
    if not ends:
        return None
    by = max(ends, key=lambda name: ends[name])
    return ends[by], by


def _with_latest(customers: pd.DataFrame, history: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """The customers table with each carried attribute's latest known value: what the
    customer is now, as a customers table says it (features read it as of each cutoff)."""
    columns = {}
    for name in names:
        known = history.loc[history[name].notna(), ["customer_id", name]]
        by_id = known.drop_duplicates("customer_id", keep="last").set_index("customer_id")[name]
        columns[name] = by_id.reindex(customers["customer_id"]).set_axis(customers.index)
    return customers.assign(**columns)


def _values_meant(wanted: Iterable[object], column: pd.Series) -> str:
    """' (did you mean ...?)' for configured values the column lacks but nearly holds
    ('Cancellation Confirmed' for 'Cancellation Confirmation', 'thumbs down' for 'Thumbs
    Down'), else ''."""
    held = _text(column).dropna().unique().tolist()
    booleans = [v for v in wanted if isinstance(v, bool)]
    if booleans:  # `values: [yes]` reached here as True
        spelt = [text for text in held if YAML_BOOLEANS.get(str(text).lower()) in booleans]
        if spelt:
            word = spelt[0]
            read = YAML_BOOLEANS[word.lower()]
            quote = f'not text: quote it, "{word}"'
            return f" (YAML read an unquoted {word} as a boolean ({read}), {quote})"

    pairs = [(str(v), likely_meant(str(v), held)) for v in wanted]
    said = [f"{meant!r} for {value!r}" for value, meant in pairs if meant and meant != value]
    return f" (did you mean {', '.join(said)}?)" if said else ""


def _text(values: pd.Series) -> pd.Series:
    """Values as pandas strings without surrounding whitespace; blanks become missing."""
    if not isinstance(values.dtype, pd.StringDtype):
        values = values.astype("str")
    if _stripped_already(values):
        return values
    values = values.str.strip()
    return values.mask(values == "")


STRIPPED_CHECK_FROM_ROWS = 100_000
"""Rows from which a column of codes is looked at through its distinct values first."""


def _stripped_already(values: pd.Series) -> bool:
    """Whether pyarrow text of few distinct values (`_coded`) has none to strip or blank,
    told by those values: stripped and blanked, 11.65M category strings were copied twice
    (0.1 s and 0.4-0.5 s of fresh memory), their distinct values are found in 0.15 s."""
    if len(values) < STRIPPED_CHECK_FROM_ROWS or values.dtype.storage != "pyarrow":
        return False
    if not _coded(values.array):
        return False
    distinct = pd.Series(
        pd.arrays.ArrowStringArray(pc.unique(pa.array(values.array)), dtype=values.dtype)
    ).dropna()
    return bool((distinct.str.strip() == distinct).all() and not (distinct == "").any())


CODED_TEXT_SAMPLE_ROWS = 100_000
"""Rows (about) of a text column `_coded` looks at to tell codes (a category) from free
text."""


CODED_TEXT_DISTINCT_AT_MOST = 1000
"""Distinct values in that sample under which text is taken through its codes."""


def _coded(values: ExtensionArray) -> bool:
    """Whether text holds few distinct values (a category, a type), told by rows spread
    over it (a file sorted by customer starts with few ids): worked on through its codes
    or distinct values, every row costs a small integer and the strings are handled once
    each; free text (many distinct) costs more so."""
    every = max(1, len(values) // CODED_TEXT_SAMPLE_ROWS)
    return len(pd.unique(values[::every])) <= CODED_TEXT_DISTINCT_AT_MOST


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


def _whole(ids: pd.Series) -> pd.Series:
    """'13085.0' -> '13085': an integer id written as a float (a CSV exported from a frame
    whose blanks made the id column float) is the same customer as '13085' elsewhere."""
    if not ids.str.contains(".", regex=False).any():
        return ids
    return ids.str.replace(_WHOLE_FLOAT, r"\1", regex=True)


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
