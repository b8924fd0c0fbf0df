"""Where a table's header is: the row holding the most of the columns mapped, not always
the first.

Exports put a title, a date or a blank line above the header: Kaggle's E Commerce
workbook heads its 'E Comm' sheet with one, and read from its first row the sheet's
columns were 'Unnamed: 0', 'Unnamed: 1', ... So the header of a workbook's sheet or of
delimited text is the row, among its first `HEADER_ROWS`, that holds the most of the
columns the table maps (the first of a tie: the first row, when no row holds more), and
the rows above it are skipped, said in a warning (`skipped`). Below it, rows repeating
it are no data either (`repeated_header`): files joined with `cat` keep each one's header.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import numpy as np
import pandas as pd
from pandas.api.types import is_datetime64_any_dtype, is_numeric_dtype

HEADER_ROWS = 20
"""The rows a header is looked for in: a title and notes above it take a few."""


def header_row(rows: Iterable[Iterable[object]], wanted: Iterable[str]) -> int:
    """The position of the row, among the first `HEADER_ROWS` of `rows`, whose cells
    (as text) hold the most `wanted` names; the first of a tie, 0 without rows.

    A later row holding a single name of several wanted is no header: a data dictionary
    lists one name a row ('E Comm', 'CustomerID', 'Unique customer ID'), and read from
    there the sheet named by mistake listed its entries as its columns."""
    names = set(wanted)
    held = [
        len(names & {_text(cell) for cell in row}) for row in itertools.islice(rows, HEADER_ROWS)
    ]
    if not held:
        return 0
    best = held.index(max(held))
    return best if held[best] >= min(2, len(names)) else 0


BOM = "\ufeff"


def repeated_header(frame: pd.DataFrame) -> np.ndarray:
    """Which rows repeat the header: every field read its column's name, as written (a
    reader keeps a header's spaces as it keeps a row's), a byte-order mark before it
    aside (Excel's "CSV UTF-8" starts each file with one, and `cat` keeps them). Ta
    Feng's four monthly files joined with `cat` held their header line three times among
    the rows, which `header_row` never looks at: below the first row, a header is data."""
    repeated = np.zeros(len(frame), dtype=bool)
    rows: np.ndarray | None = None  # every row, unlisted: 11.65M row numbers cost 0.3 s
    for name, values in frame.items():
        if is_numeric_dtype(values) or is_datetime64_any_dtype(values):
            return repeated  # no row of this column holds its name
        read = values if rows is None else values.iloc[rows]
        same = read.isin([str(name), BOM + str(name)]).to_numpy(dtype=bool)
        rows = np.flatnonzero(same) if rows is None else rows[same]
        if not len(rows):
            return repeated
    if rows is not None:  # (a frame without columns has no rows to repeat a header)
        repeated[rows] = True
    return repeated


def skipped(row: int, *, unit: str, where: str = "") -> str | None:
    """What a warning says of a header found on `row` (from 0), the rows above it skipped
    ('header on row 3 of 'E Comm', 2 rows above it skipped'); None on the first.
    `unit`: 'row' of a sheet, 'line' of text; `where`: what it is the row of."""
    if row == 0:
        return None
    above = f"{row} {unit}{'s' if row > 1 else ''}"
    return f"header on {unit} {row + 1}{where}, {above} above it skipped"


def _text(cell: object) -> str:
    """A cell as a header names it: 2010 in a column of numbers and blanks is read 2010.0."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)
