"""Spreadsheet workbooks (.xlsx, .xls, .ods) as tables: which sheets hold a table, read once.

Real exports ship as workbooks as often as text: UCI's Online Retail II is one `.xlsx` of
two sheets, a year each, with one header; Kaggle's e-commerce churn set keeps a data
dictionary in its first sheet and the customers in its second. So a table's sheets are,
unless its `sheet:` names one, those whose header holds the most of the columns the config
maps, with every further sheet of exactly that header read after it (the years of one
log); a sheet that holds the columns but another header (another table of the workbook)
is not, and the choice is named in a warning. A sheet's header is the row holding the
most of those columns (`header_rows`), below a title row as Kaggle's 'E Comm' sheet has
one; sheets are compared by the headers found.

python-calamine (Rust) reads the cells, about ten times as fast as openpyxl; a workbook is
parsed once per command however many tables read it (`parsed`; `validate` lets go of it).
A sheet whose header is not its first row is parsed twice, from its first row to find the
header and from the header: a title row is a small sheet's, and the common sheet, headed
on its first row, is parsed once.
"""

from __future__ import annotations

import itertools
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine

from features.header_rows import HEADER_ROWS, header_row, skipped

SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The first bytes of an .xls (a compound file)."""
_ZIP = b"PK\x03\x04"
"""The first bytes of a zip: .xlsx, .xlsb and .ods are zips of known members."""
_ODS = b"application/vnd.oasis.opendocument.spreadsheet"


def suffix_by_content(path: Path) -> str | None:
    """'.xlsx', '.xlsb', '.ods' or '.xls' when the file's bytes are a workbook's, whatever
    its name says (a workbook saved as `customers.csv` failed as "'utf-8' codec can't
    decode byte 0x89"); None otherwise, or when it cannot be opened (said on reading)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(_OLE2))
        if head == _OLE2:
            return ".xls"
        if not head.startswith(_ZIP):
            return None
        with zipfile.ZipFile(path) as archive:
            members = set(archive.namelist())
            ods = "mimetype" in members and archive.read("mimetype").startswith(_ODS)
    except (OSError, zipfile.BadZipFile):
        return None
    if "xl/workbook.xml" in members:
        return ".xlsx"
    if "xl/workbook.bin" in members:
        return ".xlsb"
    return ".ods" if ods else None  # a zip of text is no workbook


@dataclass(frozen=True)
class Sheets:
    """The sheets a table reads, and what its warning says of the choice and of rows
    above a header (None: nothing to say, the workbook's one sheet headed on row 1)."""

    names: tuple[str, ...]
    header: tuple[str, ...]
    header_rows: tuple[int, ...]
    """Per sheet, the row (from 0) of its header: the rows above it are not read."""
    note: str | None
    kept: tuple[np.ndarray | None, ...] = ()
    """Per sheet, the rows read (None: all); a later sheet's repeats of an earlier one's
    rows are not (`_repeats`)."""


@dataclass(frozen=True)
class _Header:
    """A sheet's header: its row (from 0) and the column names pandas gives it ('Unnamed:
    3' for a blank cell)."""

    row: int
    names: tuple[str, ...]


def _headers(path: Path, wanted: list[str], na_values: tuple[str, ...]) -> dict[str, _Header]:
    """Each sheet's header (`_header`), from the sheets parsed whole: calamine loads a
    whole sheet to give even its first row (4.4 s of a 9 s read for 300k rows), and the
    table reads the chosen sheets next."""
    names = python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names
    return {name: _header(path, name, wanted, na_values) for name in names}


def _header(path: Path, name: str, wanted: list[str], na_values: tuple[str, ...]) -> _Header:
    """The header of one sheet: its row, among the first, holding the most `wanted`
    columns (`header_row`), then the sheet parsed from that row for the names."""
    first = _sheet(path, name, na_values, 0)
    rows = itertools.chain([first.columns], first.head(HEADER_ROWS - 1).itertuples(index=False))
    row = header_row(rows, wanted)
    return _Header(row, tuple(_sheet(path, name, na_values, row).columns))


def choose(
    path: Path, sheet: str | int | None, wanted: list[str], na_values: tuple[str, ...]
) -> Sheets:
    """The sheets holding a table: `sheet` when set (a name, or a position from 0), else
    the first sheet whose header holds the most `wanted` columns and the later ones of its
    header. `na_values`: the texts read as blank (the sheets are parsed once with them).

    A ValueError names the sheets there are when `sheet` names none of them."""
    if sheet is not None:
        return _named(path, sheet, wanted, na_values)
    found = _headers(path, wanted, na_values)
    names = list(found)
    held = {name: _held(wanted, found[name].names) for name in names}
    first = max(names, key=lambda name: held[name])  # max keeps the first of a tie
    header = found[first].names
    chosen = tuple(name for name in names if found[name].names == header)
    rows = tuple(found[name].row for name in chosen)
    above = _skipped(chosen, rows)
    if len(names) == 1:
        return Sheets(chosen, header, rows, above)
    note = f"read sheet {_listed(chosen)}" if len(chosen) == 1 else f"read sheets {_listed(chosen)}"
    kept: tuple[np.ndarray | None, ...] = ()
    if len(chosen) > 1:
        note += " one after another (the same header)"
        kept, said = _repeats(path, chosen, rows, na_values)
        note += said + (f"; {above}" if above else "")
    elif above:
        note += f" ({above})"
    others = [name for name in names if name not in chosen and held[name] == held[first]]
    if others and held[first] > 0:
        note += f"; {_listed(others)} also hold the columns mapped, with another header"
    if held[first] < len(set(wanted)):  # the error that follows lists this sheet's columns
        note += f"; no sheet holds every column mapped (the sheets: {_listed(names)})"
    choice = "read one" if len(chosen) > 1 else "read another"
    return Sheets(chosen, header, rows, f"{note}; set `sheet:` to {choice}", kept)


def _named(path: Path, sheet: str | int, wanted: list[str], na_values: tuple[str, ...]) -> Sheets:
    """The sheet `sheet:` names, by name or position, parsed alone; when it lacks columns
    mapped that another sheet holds, the note says which (the error lists its columns)."""
    names = python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(names):
            raise ValueError(f"no sheet {sheet}: positions run 0 to {len(names) - 1}")
        sheet = names[sheet]
    if sheet not in names:
        raise ValueError(f"no sheet {sheet!r}; the sheets are {_listed(names)}")
    header = _header(path, sheet, wanted, na_values)
    above = _skipped((sheet,), (header.row,))
    named = Sheets((sheet,), header.names, (header.row,), above)
    if set(wanted) <= set(header.names):
        return named
    found = _headers(path, wanted, na_values)  # it lacks some: is another sheet the one meant?
    best = max(found, key=lambda name: _held(wanted, found[name].names))
    if _held(wanted, found[best].names) <= _held(wanted, header.names):
        return named
    note = f"read sheet {sheet!r} as `sheet:` says" + (f" ({above})" if above else "")
    note += f"; {best!r} holds more of the columns mapped"
    return Sheets((sheet,), header.names, (header.row,), note)


def _skipped(names: tuple[str, ...], rows: tuple[int, ...]) -> str | None:
    """What the warning says of the sheets read whose header is below their first row,
    each named when they are several."""
    if len(names) == 1:
        return skipped(rows[0], unit="row")
    said = [
        skipped(row, unit="row", where=f" of {name!r}")
        for name, row in zip(names, rows, strict=True)
    ]
    return "; ".join(filter(None, said)) or None


def _held(wanted: list[str], header: tuple[str, ...]) -> int:
    """How many of the columns mapped a sheet's header holds."""
    return len(set(wanted) & set(header))


def _repeats(
    path: Path, names: tuple[str, ...], rows: tuple[int, ...], na_values: tuple[str, ...]
) -> tuple[tuple[np.ndarray | None, ...], str]:
    """The rows of each sheet to read, and what to say of the others: a later sheet's rows
    that repeat an earlier sheet's in every column are the same records, read once (as
    many times as the earlier sheets hold them: a log writing each unit as its own row
    repeats a line within a sheet). Online Retail II's two years share 2010-12-01 to
    2010-12-09; stacked whole, those days' lines counted twice."""
    frames = [_sheet(path, name, na_values, row) for name, row in zip(names, rows, strict=True)]
    hashes = [_row_hashes(frame) for frame in frames]
    kept: list[np.ndarray | None] = [None]
    said = []
    for i in range(1, len(frames)):
        earlier = pd.Series(np.concatenate(hashes[:i])).value_counts()
        own = pd.Series(hashes[i])
        times_before = earlier.reindex(own.to_numpy()).fillna(0).to_numpy()
        repeat = own.groupby(own).cumcount().to_numpy() < times_before
        kept.append(~repeat if repeat.any() else None)
        if repeat.any():
            said.append(f"{int(repeat.sum()):,} rows of {names[i]!r}")
    if not said:
        return tuple(kept), ""
    what = ", ".join(said)
    return tuple(kept), f"; {what} repeat an earlier sheet's in every column: read once"


def read(
    path: Path, sheets: Sheets, columns: list[str], na_values: tuple[str, ...]
) -> pd.DataFrame:
    """The columns of the chosen sheets, one after another, as the cells hold them (dates
    as dates, numbers as numbers); `na_values` are the texts read as blank."""
    frames = [
        _sheet(path, name, na_values, row).reindex(columns=columns)
        for name, row in zip(sheets.names, sheets.header_rows, strict=True)
    ]
    for i, rows in enumerate(sheets.kept):
        if rows is not None:
            frames[i] = frames[i].loc[rows]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """A hash per row, alike for one row in two sheets: numbers as floats, as a sheet of
    whole amounts reads them as integers and another as decimals."""
    numeric = frame.select_dtypes("number").columns
    return pd.util.hash_pandas_object(
        frame.astype(dict.fromkeys(numeric, "float64")), index=False
    ).to_numpy()


def _sheet(path: Path, name: str, na_values: tuple[str, ...], header_row: int) -> pd.DataFrame:
    stat = path.stat()
    return parsed(str(path.resolve()), stat.st_mtime_ns, stat.st_size, name, na_values, header_row)


def forget() -> None:
    """Let go of the parsed sheets (`validate` calls it once every table is read)."""
    parsed.cache_clear()


@lru_cache(maxsize=16)
def parsed(
    path: str, mtime_ns: int, size: int, sheet: str, na_values: tuple[str, ...], header_row: int
) -> pd.DataFrame:
    """One sheet parsed whole from its header row on, once per command however many
    tables read it; keyed by the file's identity, so a changed file is read again."""
    frame = pd.read_excel(
        path,
        sheet_name=sheet,
        header=header_row,
        engine="calamine",
        keep_default_na=False,
        na_values=list(na_values),
    )
    return frame.rename(columns=str)  # a header cell 2010 names column '2010', as in a CSV


def _listed(names: list[str] | tuple[str, ...]) -> str:
    return ", ".join(repr(name) for name in names)
