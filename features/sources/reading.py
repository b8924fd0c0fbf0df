"""Reading files: CSV (separator, header line, encoding), Parquet, JSON lines, workbooks;
lookups joined by key, row filters, label files, the columns a table maps.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from features import archives, encodings, workbooks
from features.contract import (
    REQUIRED_MEANINGS,
    UNTYPED_EVENT,
    ActivitySpec,
    CustomersSpec,
    EventsSpec,
    LookupSpec,
    RowFilter,
    RunConfig,
    TableSpec,
    TransactionsSpec,
    files_named,
    is_pattern,
)
from features.encodings import UTF8, Decoding, begins_as_text, first_undecodable, windows_text
from features.header_rows import HEADER_ROWS, header_row, repeated_header, skipped
from features.levels import as_text, likely_meant, similar_name, whole_word_part
from features.sources import amounts
from features.sources.table import (
    _CSV_SUFFIXES,
    _JSON_HEAD_LINES,
    _JSON_SUFFIXES,
    _PARQUET_SUFFIXES,
    _READ_ERRORS,
    BLANKS,
    NUMBER_COLUMNS,
    TIMESTAMP_COLUMNS,
    ValidationReport,
    _counted,
    _rows,
    _Table,
    _text,
    _values_meant,
    _whole,
)
from features.text_numbers import read_numbers
from features.workbooks import SUFFIXES as _WORKBOOK_SUFFIXES


def _read(
    name: str,
    spec: TableSpec,
    config: RunConfig,
    report: ValidationReport,
    *,
    label_optional: bool = False,
) -> _Table | None:
    """Open the table's files and read only the columns the config names; None when that
    fails. Each step says its own errors on the table and returns None to stop the read."""
    files = config.files(spec.path)
    table = _Table(name, files_named(files), spec, _source_columns(spec), report)
    table.files, table.scoring = tuple(files), label_optional
    opened = [_opened(table, path) for path in files]
    if not _alike(opened):
        return None
    header = _header(table, opened[0].columns, config)
    if header is None:
        return None
    if isinstance(spec, CustomersSpec):
        customers = _customers_as_read(table, spec, header.columns, config, label_optional)
        if customers is None:
            return None
        spec = table.spec = customers
        table.sources = _source_columns(spec)
    if isinstance(spec, TransactionsSpec) and not spec.spends:
        customers = config.data.customers
        valued = customers is not None and "value" in customers.columns
        as_read = amounts.as_read(table, spec, header.columns, valued=valued)
        if as_read is None:
            return None
        spec = table.spec = as_read
        table.sources = _source_columns(spec)
    supplied = _supplied_columns(table, config, header.columns)
    if not _read_rows(table, opened, header, supplied):
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
class _File:
    """One of a table's files, opened: a table of its own as read (its separator, lines
    above the header, sheets, encoding), whose rows are then stacked with the others'."""

    table: _Table
    fmt: _Format
    columns: list[str]


def _opened(table: _Table, path: Path) -> _File | None:
    """One file of the table, checked and its columns read; None (said) when it cannot be."""
    part = replace(table, path=path)
    fmt = _format(path)
    if fmt is None:
        what = archives.packed(path) or (
            "its first bytes are no text; use delimited text (any name), .parquet (.pq), "
            "JSON lines (.json, .jsonl, .ndjson, or .gz of them) or a workbook (.xlsx, .xls, .ods)"
        )
        part.error(None, 0, f"unsupported file type: {what}")
        return None
    if not path.is_file():
        what = "no file matches this pattern" if _unmatched(path) else _not_found(path)
        part.error(None, 0, what)
        return None
    if (misnamed := _misnamed(path)) is not None:
        part.warning(None, 0, misnamed)
    decoding = _text_decoding(part, path, table.spec.encoding, fmt)
    if decoding is None:
        return None
    part.decoding = decoding
    columns = _columns_in(part, fmt)
    return None if columns is None else _File(part, fmt, columns)


def _unmatched(path: Path) -> bool:
    """Whether a path not found is a glob pattern (`RunConfig.files` keeps one matching
    no file as written)."""
    return is_pattern(str(path)) and not path.exists()


def _alike(opened: list[_File | None]) -> bool:
    """Whether every file opened, all of the first's format; else False, each file that
    differs said naming the first (their columns are checked once the columns read are
    known, `_hold_columns_read`)."""
    if None in opened:
        return False
    first, alike = opened[0], True
    for other in opened[1:]:
        if other.fmt != first.fmt:
            theirs, ours = (_FORMAT_NAMES.get(f, "delimited text") for f in (other.fmt, first.fmt))
            name = first.table.path.name
            what = f"this is {theirs}, {name} {ours}: a table's files are of one format"
            other.table.error(None, 0, what)
            alike = False
    return alike


def _hold_columns_read(files: list[_File], read: Collection[str]) -> bool:
    """Whether every later file holds the columns the table reads from the first; else
    False, each that lacks some said, naming them and the first file (a month exported
    with another layout would read as blanks). Columns no setting reads may come and go:
    the cosmetics shop's original months carry brand and category columns its later
    extract dropped."""
    first, alike = files[0].table.path.name, True
    for other in files[1:]:
        lacks = [column for column in dict.fromkeys(read) if column not in other.columns]
        if lacks:
            what = (
                f"no {', '.join(lacks)}, which {first} holds and the config reads: a "
                "table's files hold the columns it reads"
            )
            other.table.error(None, 0, what)
            alike = False
    return alike


@dataclass(frozen=True)
class _Header:
    """A file's columns as the read sees them: its own, then those a lookup joins and a
    label file adds, with what those hold."""

    columns: list[str]
    looked_up: list[pd.DataFrame]
    """Each lookup's key and columns, in `TableSpec.lookups` order."""
    labels: pd.Series | None


def _header(table: _Table, available: list[str], config: RunConfig) -> _Header | None:
    """The table's columns (its files' `available` ones), with its lookups and labels."""
    spec = table.spec
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
        also += _not_joined(table, label)
        if set(spec.columns.values()) <= set(available):
            table.warning("label", 0, f"not in the file{also}: {FRESH_EXTRACT}")
        # else no extract at all: a wrong sheet (a data dictionary), said by its columns
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
    files = {file.resolve() for file in table.files}
    return {
        column
        for name, spec in config.data.tables().items()
        if name != table.name and {file.resolve() for file in config.files(spec.path)} == files
        for column in _source_columns(spec).values()
    }


def _read_rows(table: _Table, files: list[_File], header: _Header, supplied: set[str]) -> bool:
    """The files' own columns into `table.raw`, then the lookup's and the label file's."""
    spec = table.spec
    read = {c: s for c, s in table.sources.items() if c not in supplied}
    if not _has_columns(table, read, header.columns):
        return False
    joined = _looked_up(spec)
    joined |= {header.labels.name} if header.labels is not None else set()
    own = {c: s for c, s in read.items() if s not in joined}
    for k, lookup in enumerate(spec.lookups):
        if lookup.on not in joined:  # else an earlier lookup joins the key
            own[f"lookup.on.{k}"] = lookup.on
    if not _hold_columns_read(files, own.values()):
        return False
    parts = [replace(file.table, spec=spec, sources=table.sources) for file in files]
    frames = [_rows_of(part, file.fmt, own) for part, file in zip(parts, files, strict=True)]
    if any(frame is None for frame in frames):
        return False
    table.stack(frames, [part.lines for part in parts])
    table.line_word = parts[0].line_word
    for lookup, looked_up in zip(spec.lookups, header.looked_up, strict=True):
        table.raw = _joined(table, looked_up, lookup)
    if header.labels is not None:
        labels = header.labels
        if len(labels) != len(table.raw):
            what = f"{_counted(len(labels), 'label')} in {labels.attrs['file']}"
            rows = f"{_rows(len(table.raw))} in {table.path.name}"
            why = _label_header(labels, len(table.raw)) or "it holds one per row, in their order"
            table.error("label", 0, f"{what} for {rows}: {why}")
            return False
        table.raw[labels.name] = labels.to_numpy()
    if table.raw.empty:
        table.error(None, 0, "the file has no rows" if len(files) == 1 else "no file has rows")
        return False
    return True


def _rows_of(part: _Table, fmt: _Format, own: dict[str, str]) -> pd.DataFrame | None:
    """One file's own columns, without the header lines repeated among its rows; None
    (said) when it cannot be read."""
    try:
        part.raw = _read_columns(part, fmt, own, part.spec.not_missing)
        part.lines, part.line_word = _record_lines(part, fmt, len(part.raw))
        _warn_na_codes(part, fmt, own)
    except _READ_ERRORS as exc:
        if fmt == "csv" and (cut := _cut_off(part, exc)) is not None:
            part.error(None, 0, cut)
            return None
        where = _bad_json_line(part.path, part.decoding) if fmt == "json" else None
        part.error(None, 0, f"cannot read the file: {where or _first_line(exc)}")
        return None
    _drop_repeated_headers(part)
    return part.raw


def _drop_repeated_headers(part: _Table) -> None:
    """Rows that repeat the header line (`repeated_header`) left out, said in a warning:
    read as a row, Ta Feng's four months joined with `cat` gave 'not a date in 3 rows,
    e.g. 'TRANSACTION_DT' (set date_format...)' and a customer 'CUSTOMER_ID'."""
    repeated = repeated_header(part.raw)
    if repeated.any():
        n = int(repeated.sum())
        what = f"dropped {_counted(n, 'repeated header row')} (every field its column's name"
        part.warning(None, n, f"{what}: files joined with a header line each?)")
        part.keep(~repeated)


def _record_lines(part: _Table, fmt: _Format, n: int) -> tuple[np.ndarray, str]:
    """Where each of a file's `n` records is, for messages naming example rows: the line
    of delimited text (below the lines above its header and the header itself) or of
    JSON lines, counting one line a record (a quoted field across lines, or a blank line
    pandas skips, shifts the rest); the row among a workbook's or a Parquet file's
    records, from 1."""
    if fmt == "csv":
        header = 0 if part.spec.column_names is not None else 1
        first = part.lines_above + header + 1
        return np.arange(first, first + n), "line"
    return np.arange(1, 1 + n), "line" if fmt == "json" else "row"


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
    for canonical in FILTER_SEEN & table.sources.keys():
        if table.sources[canonical] in table.raw:
            left_out = as_text(table.column(canonical)[~np.asarray(kept)]).dropna().unique()
            table.filtered_out.setdefault(canonical, set()).update(left_out)
    table.keep(kept)
    return True


FILTER_SEEN = frozenset({"type", "category"})
"""The columns whose configured values `_check_seen` looks for in the rows kept."""


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
    """The lookup's key and columns from its files, all as text, one row per key; None
    (with the error said) when it cannot serve. A key no column of the table (nor of the
    `earlier` lookups' columns, in `available`) is said with the likely one, as a column
    is: Chinook's 'Genre_Id' for the GenreId a lookup before it joined."""
    files = config.files(lookup.path)
    path = files_named(files)
    where = f"lookup {path.name}"
    if lookup.on not in available:
        joined = " or of the lookups before it" if earlier else ""
        meant = _did_you_mean(lookup.on, available)
        what = f"the key {lookup.on!r} is no column of {table.path.name}{joined}{meant}"
        if not meant:  # Starbucks' portfolio calls the offer `id`, its transcript otherwise
            what += (
                " (`on` names it as this table does; `key`, as the lookup's file does "
                "where they differ)"
            )
        table.error(None, 0, f"{where}: {what}")
        return None
    clash = sorted(set(lookup.columns) & set(available))
    if clash:
        table.error(None, 0, f"{where}: {', '.join(clash)} also a column of {table.path.name}")
        return None
    read = [_lookup_file(table, file, lookup) for file in files]
    if any(one is None for one in read):
        return None
    frames, named = zip(*read, strict=True)
    frame = pd.concat(frames, ignore_index=True)
    frame = frame.assign(**{lookup.on: _whole(_text(frame[lookup.on]))})
    frame = frame[frame[lookup.on].notna()]  # a row without a key joins nothing
    # rows alike in the columns read are one: a category table of one row per
    # subcategory names each category's code once per subcategory, always alike
    frame = frame.drop_duplicates(ignore_index=True)
    repeated = frame[lookup.on].duplicated(keep=False) & frame[lookup.on].notna()
    if repeated.any():
        example = frame.loc[repeated, lookup.on].iloc[0]
        what = f"{where}: {_rows(int(repeated.sum()))} share a {lookup.file_key}, e.g. {example!r}"
        differ = f"with other {', '.join(lookup.columns)}"
        table.error(None, int(repeated.sum()), f"{what}, {differ}; a lookup holds one per key")
        return None
    table.looked_up.update(dict.fromkeys(lookup.columns, path))
    frame.attrs["file"] = named[0] if len(named) == 1 else path.name
    return frame


def _lookup_file(table: _Table, path: Path, lookup: LookupSpec) -> tuple[pd.DataFrame, str] | None:
    """One file of a lookup: its key and columns, all as text, and the words naming where
    they were read (`_read_from`); None (said) when it cannot serve. The file is read as a
    table's (`_opened`, `_rows_of`), with the lookup's reading settings and the table's
    `not_missing`; what that says is said on the table, as the lookup's ('lookup
    products.csv: file not found')."""
    wanted = [lookup.file_key, *lookup.columns]
    spec = TableSpec(path=path, not_missing=table.spec.not_missing, **lookup.reading())
    sources = {f"lookup.{i}": column for i, column in enumerate(wanted)}
    part = _Table(table.name, path, spec, sources, ValidationReport())
    try:
        read = _lookup_rows(part, wanted, key_named=lookup.key is not None)
    finally:
        for issue in part.report.issues:
            say = table.error if issue.level == "error" else table.warning
            say(None, issue.rows, f"lookup {path.name}: {issue.message}")
    if read is None:
        return None
    table.not_joined.update({c: path.name for c in part.header if c not in wanted})
    rows, named = read
    text = rows.astype("string").astype(object)  # blanks stay blank, not 'nan'
    renamed = text.where(rows.notna(), None)[wanted].rename(columns={lookup.file_key: lookup.on})
    return renamed, named


def _read_from(part: _Table) -> str:
    """The file a table's rows were read from, with the sheet where a workbook's: a
    lookup of another sheet of the table's own workbook had read "4 rows have a
    customer_id not in KPMG.xlsx", the file the rows were in."""
    if part.sheets is None:
        return part.path.name
    names = part.sheets.names
    listed = ", ".join(repr(name) for name in names[:SHEETS_NAMED])
    more = f" and {len(names) - SHEETS_NAMED} more" if len(names) > SHEETS_NAMED else ""
    return f"{part.path.name} (sheet{'s' if len(names) > 1 else ''} {listed}{more})"


SHEETS_NAMED = 3
"""A lookup read from more sheets names this many of them (a log of a sheet a year)."""


def _lookup_rows(
    part: _Table, wanted: list[str], *, key_named: bool
) -> tuple[pd.DataFrame, str] | None:
    """A lookup file's `wanted` columns as read, and where (`_lookup_file`); None (said on `part`)
    when it cannot be read or lacks some, with the hint to name the columns of a file
    whose first line reads as data (`_headerless_hint`), or, its key missing and not
    `key_named` already, to name it as the file does."""
    opened = _opened(part, part.path)
    if opened is None:
        return None
    header = part.header = list(map(str, opened.columns))
    missing = [column for column in wanted if column not in header]
    if missing:
        named = ", ".join(column + _did_you_mean(column, header) for column in missing)
        hint = _headerless_hint(part.spec, header)
        if wanted[0] in missing and part.spec.column_names is not None:
            hint += (
                f". Call the key {wanted[0]} in column_names (or set the lookup's key to the "
                "name given it there)"
            )
        elif wanted[0] in missing and not hint and not key_named:
            hint = ". If this file names the key otherwise, set the lookup's key to that name"
        part.error(None, 0, f"no column {named}; available: {', '.join(header)}{hint}")
        return None
    rows = _rows_of(opened.table, opened.fmt, part.sources)
    return None if rows is None else (rows, _read_from(opened.table))


def _joined(table: _Table, looked_up: pd.DataFrame, lookup: LookupSpec) -> pd.DataFrame:
    """The table's rows with the lookup's columns (blank where the key is not there, said
    in a warning), in the table's row order."""
    file = looked_up.attrs["file"]
    keys = _whole(_text(table.raw[lookup.on]))
    found = looked_up.set_index(lookup.on)
    if (keys.notna() & ~keys.isin(found.index)).any():
        keys, found = _as_numbers(table, keys, found, lookup.on, file)
    joined = found.reindex(keys)
    unmatched = (keys.notna() & ~keys.isin(found.index)).to_numpy()
    if unmatched.any() and found.empty:
        said = f"lookup {file} holds no row with a {lookup.file_key}"
        table.error(None, int(unmatched.sum()), said)
    elif unmatched.any() and unmatched.sum() == keys.notna().sum():
        table.error(
            None,
            int(unmatched.sum()),
            f"no {lookup.on} of the table is in {file} (e.g. {keys.dropna().iloc[0]!r} here, "
            f"{found.index[0]!r} there): are the keys written otherwise in the two files?",
        )
    elif unmatched.any():
        n = int(unmatched.sum())
        have, are = "has" if n == 1 else "have", "is" if len(lookup.columns) == 1 else "are"
        table.warning(
            None,
            n,
            f"{_rows(n)} {have} a value of {lookup.on} not in {file}: "
            f"their {', '.join(lookup.columns)} {are} blank",
        )
    return table.raw.assign(**{c: joined[c].to_numpy() for c in lookup.columns})


def _as_numbers(
    table: _Table, keys: pd.Series, found: pd.DataFrame, on: str, file: str
) -> tuple[pd.Series, pd.DataFrame]:
    """The keys and the lookup matched as numbers, without leading zeros, where that
    matches more rows and still one lookup row per key (said in a warning): H&M's article
    ids are '0108775015' in its transactions, and a lookup saved by a spreadsheet or
    pandas writes 108775015; every category was blank, and validate said "data OK"."""
    key_numbers = keys.str.replace(LEADING_ZEROS, "", regex=True)
    numbers = pd.Series(found.index, dtype="string").str.replace(LEADING_ZEROS, "", regex=True)
    if numbers.duplicated().any():  # '007' and '7' both there: two keys, not one
        return keys, found
    now = ~keys.isin(found.index) & key_numbers.isin(numbers)
    if int(key_numbers.isin(numbers).sum()) <= int(keys.isin(found.index).sum()):
        return keys, found
    n = int(now.sum())
    table.warning(
        None,
        n,
        f"{_rows(n)} have a value of {on} found in {file} only as the same number written with "
        f"other leading zeros (e.g. {keys[now].iloc[0]!r} here): joined as the same keys",
    )
    return key_numbers, found.set_axis(numbers.to_numpy())


LEADING_ZEROS = r"^0+(?=\d+$)"
"""Leading zeros of a key of digits alone, one digit kept: '007' -> '7', '000' -> '0'."""


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


def _looked_up(spec: TableSpec) -> set[str]:
    """The columns a table's lookups join: none of its own file's."""
    return {column for lookup in spec.lookups for column in lookup.columns}


def _in_own_file(table: _Table) -> list[str]:
    """The columns mapped that the table's own file holds, by which its sheet and header
    line are found: not those its lookups join, but the keys they join on. KPMG's
    customers sheet was passed over for a sheet holding the columns a lookup joins from a
    third (and no customer id)."""
    joined = _looked_up(table.spec)
    keys = [lookup.on for lookup in table.spec.lookups if lookup.on not in joined]
    return list(dict.fromkeys([*(s for s in table.sources.values() if s not in joined), *keys]))


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
            wanted, blank = _in_own_file(table), _missing_text(table.spec.not_missing)
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
            wanted = _in_own_file(table)
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
    hint = _headerless_hint(table.spec, available) if missing else ""
    for canonical, source in missing.items():
        if _never_mapped(table.spec, canonical):
            what = f" {_required_said(table.name, canonical)}"
        else:
            what = "" if canonical == source else f" (configured for '{canonical}')"
        what += _swapped_quantity(table.spec, source, available) or (
            _did_you_mean(source, available) + _not_joined(table, source)
        )
        message = f"column not found{what}; available: {', '.join(available)}{hint}"
        table.error(source, 0, message)
    return not missing


def _swapped_quantity(spec: TableSpec, column: str, available: list[str]) -> str:
    """Where an `events.quantities` entry is written the other way round, its words a
    column of the file (`{claimed: ClaimedAmount}`): how to write it."""
    words = spec.quantities.get(column) if isinstance(spec, EventsSpec) else None
    if words is None or words not in available:
        return ""
    return (
        f": '{words}' is the file's column; quantities map each column to its words, "
        f"{{{words}: {column}}}"
    )


def _not_joined(table: _Table, column: str) -> str:
    """Where a lookup's file holds a column the table lacks, which lookup to add it to:
    IBM Telco's label 'Customer Status' left out of its status lookup's columns passed
    validate as a fresh extract and failed train with "column not found"."""
    file = table.not_joined.get(column)
    if file is None:
        return ""
    return f" (a column of lookup {file}: add it to that lookup's columns)"


def _not_found(path: Path) -> str:
    """'file not found' with where it was looked for, and a file of its folder named
    like it: a chips log's `QVI_data.csv.gz` beside its `QVI_data.csv` said only the
    name, whatever folder the config's relative path had led to."""
    folder = path.parent
    if not folder.is_dir():
        return f"file not found (no folder {folder})"
    names = [entry.name for entry in folder.iterdir() if entry.is_file()]
    return f"file not found in {folder}" + _did_you_mean(path.name, names, renumbered=False)


def _never_mapped(spec: TableSpec, canonical: str) -> bool:
    """A required column the config never maps: read by its canonical name by default,
    which a file of its own names rarely holds."""
    return canonical in spec.required_columns and canonical not in spec.columns


def _required_said(table: str, canonical: str) -> str:
    """Why a column never mapped was looked for, and how to map it: "(transactions need
    a timestamp column: when each row happened; map it under columns: {timestamp: <your
    column>})"."""
    meaning = REQUIRED_MEANINGS.get(canonical)
    said = f": {meaning}" if meaning else ""
    return (
        f"({table} need a {canonical} column{said}; map it under "
        f"columns: {{{canonical}: <your column>}})"
    )


def _headerless_hint(spec: TableSpec, header: list[str]) -> str:
    """What an error of columns not found adds when the file's column names read as data
    (half or more are numbers) and no `column_names` are given: AdventureWorks'
    DimProductSubcategory begins `1|1|Mountain Bikes|Bicicleta de montaña|VTT|1`, read
    as the columns 1, 1.1, Mountain Bikes..., with no word of a missing header line."""
    numbers = pd.to_numeric(pd.Series(header, dtype="str"), errors="coerce").notna().sum()
    if spec.column_names is not None or not numbers or 2 * numbers < len(header):
        return ""
    return (
        ". The first line reads like data, not column names: the file seems to have no "
        "header line; name its columns with `column_names: [...]`, in file order"
    )


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
        # each column's Arrow memory let go once converted; column chunks read ahead
        # (pre_buffer, pyarrow's default), whose reads overlap the decoding: without it
        # the read alone peaked 0.1-0.15 GB lower, but load_tables of 11.65M lines, whose
        # peak is elsewhere, took 0.5 s longer (median of 6 alternating runs)
        converted = {"self_destruct": True, "split_blocks": True}
        return pd.read_parquet(path, columns=columns, to_pandas_kwargs=converted)
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
