"""The customers a labelled snapshot's model was fitted on, kept with it.

Scoring the training file again gives those customers fitted probabilities, not
predictions: a hotel's 6,938 bookings not labelled cancelled were 60% training rows, and
287 went out as high risk without a word. So each is kept with the fold whose booster
never saw it (`churn.cross_fit`), and `churn score` and the live API score it out of fold.

A customer is known by the hash of their id, so next month's extract, where the same
customers come back a month older, still finds them (the booster learned their labels
all the same), and of their categorical attributes where the model reads some
(`alike_columns`): another file's customers numbered alike are others (a Kaggle pair's
test ids 1 to 64,374 fall among its training ids: 28,754 of 47,947 other customers were
said to be training rows and scored by fold models). Where the ids are row numbers
(`Tables.numbered_ids`), which repeat across files and move when a file is filtered or
sorted, a row is known by the hash of its whole feature row instead (`by` "alike"): an
insurer's file with its lapsed rows dropped had 12,064 training rows, and 1 was found by
row number and attributes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from features.contract import WHOLE_FLOAT

KEPT_ROWS = 1_000_000
"""The most hashes a model keeps (9 bytes each with its fold, 9 MB): past it, the one in
`every` whose hash is a multiple of it, which a scoring run picks alike, and the count
found among them is scaled up by as much; the customers not kept cannot be told, so none
is scored out of fold (training fits no fold boosters then)."""

Key = Literal["id", "alike", "row"]


def row_hashes(customers: pd.DataFrame) -> np.ndarray:
    """One hash per customers-table row over its columns but the label (which a later
    extract may fill in), in name order (a file's column order is not the row)."""
    columns = sorted(name for name in customers.columns if name != "label")
    return pd.util.hash_pandas_object(customers[columns], index=False).to_numpy(np.uint64)


_WHOLE_ID = rf"^{WHOLE_FLOAT.pattern}$"
_LEADING_ZEROS = r"^0+(?=\d+$)"


def id_hashes(customers: pd.DataFrame, *, loose: bool = True) -> np.ndarray:
    """One hash per row of its customer id as text, a whole float as the integer the
    loader reads it as (a file read as numbers, a request posting text or 1001.0: one
    customer), and, where `loose`, in any case and a number without its leading zeros.
    An ISP's later extract of padded ids (the loader reads '00372809' and '372809' as one
    customer), and an energy retailer's of its hex ids in capitals, were scored by the
    booster that had learned them, not out of fold: 9,884 scores moved, and the known
    churners high in the list doubled. Taking two customers for one costs little (a
    fold booster scores them), the other way round memorised labels. Models packaged
    before hashed ids as written (`TrainedRows.loose_ids`)."""
    ids = customers["customer_id"].astype(str).str.strip()
    ids = ids.str.replace(_WHOLE_ID, r"\1", regex=True)
    if loose:
        ids = ids.str.replace(_LEADING_ZEROS, "", regex=True).str.casefold()
    return pd.util.hash_pandas_object(ids, index=False).to_numpy(np.uint64)


ALIKE_COLUMNS_AT_MOST = 4
"""The categorical attributes kept per training customer (`alike`), those of the most
levels: 8 bytes each per row (a million rows, 32 MB at most)."""
BLANK_HASH = pd.util.hash_pandas_object(pd.Series([""]), index=False).iloc[0]


def alike_hashes(rows: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    """Per row and column, the hash of its value as text (a blank as '', `BLANK_HASH`): a
    feature frame's categories and a live request's plain columns hash alike."""
    return np.column_stack(
        [
            pd.util.hash_pandas_object(
                rows[c].astype("object").where(rows[c].notna(), "").astype(str), index=False
            ).to_numpy(np.uint64)
            for c in columns
        ]
    )


def alike_columns_of(rows: pd.DataFrame, names: Sequence[str]) -> tuple[str, ...]:
    """Of the categorical attributes `names`, the `ALIKE_COLUMNS_AT_MOST` of most distinct
    values, past two: a yes/no a customer may change in a
    month says little of who they are (an energy retailer's later extract, has_gas
    flipped for 3,000 customers, had 1,765 of its training customers scored by the
    booster that learned them)."""
    levels = {name: rows[name].nunique() for name in names if name in rows}
    levels = {name: count for name, count in levels.items() if count > ALIKE_LEVELS_PAST}
    return tuple(sorted(levels, key=lambda n: (-levels[n], n))[:ALIKE_COLUMNS_AT_MOST])


ALIKE_LEVELS_PAST = 2
"""The distinct values an attribute needs past this many to tell a customer apart."""


@dataclass(frozen=True)
class TrainedRows:
    rows: int
    """How many rows the model was fitted on."""
    every: int
    """One hash in this many is kept (`KEPT_ROWS`); 1 keeps them all."""
    hashes: np.ndarray
    """The kept hashes, sorted (`row_hashes`)."""
    folds: np.ndarray | None = None
    """Per kept hash, the fold whose booster never saw its row; None without fold
    boosters (a model packaged before them, or too few rows to fold)."""
    by: Key = "row"
    """What is hashed: the customer id; the `alike_columns`' values (row-number ids: the
    whole feature row, `row_values_hashes`); or the customers-table row (every model
    packaged before ids were)."""
    alike: np.ndarray | None = None
    """Per kept id hash, the hashes of the row's `alike_columns` (`alike_hashes`); None
    without them (no categorical attribute, by row, or packaged before)."""
    alike_columns: tuple[str, ...] = ()
    """The categorical attributes a customer found by id must still hold alike."""
    loose_ids: bool = True
    """Ids hashed in any case, numbers without leading zeros (`id_hashes`); False for a
    model packaged before, whose hashes are of the ids as written."""

    @classmethod
    def of(
        cls,
        customers: pd.DataFrame,
        folds: np.ndarray | None = None,
        *,
        by: Key = "id",
        alike_columns: tuple[str, ...] = (),
    ) -> TrainedRows:
        """The rows of `customers`, each in its fold of `folds` (per row) if given, by
        id with its `alike_columns` (of `customers`) hashed, or by those alone (`by`
        "alike"; by id where there are none)."""
        columns = tuple(alike_columns) if by != "row" else ()
        by = "id" if by == "alike" and not columns else by
        hashes = _hashes(customers, by, loose=True, columns=columns)
        every = max(1, math.ceil(len(hashes) / KEPT_ROWS))
        kept = np.flatnonzero(hashes % np.uint64(every) == 0)
        unique, first = np.unique(hashes[kept], return_index=True)
        kept_folds = None if folds is None else np.asarray(folds, dtype=np.int8)[kept][first]
        told_apart = columns and by == "id"
        alike = alike_hashes(customers, columns)[kept][first] if told_apart else None
        return cls(len(hashes), every, unique, kept_folds, by, alike, columns)

    def _found(self, customers: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per row of `customers`, whether it is a kept training row (by its hash, and its
        `alike_columns` where kept, each but where the row holds it blank or lacks the
        column: a live request need not post them all), where, and its hash. By
        "alike", a row lacking one of them is none."""
        n = len(customers)
        if self.by == "alike" and not set(self.alike_columns) <= set(customers.columns):
            return np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64), np.zeros(n, np.uint64)
        hashes = _hashes(customers, self.by, loose=self.loose_ids, columns=self.alike_columns)
        if not len(self.hashes):
            return np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64), hashes
        at = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
        found = self.hashes[at] == hashes
        held = [c for c in self.alike_columns if c in customers.columns]
        if self.alike is not None and held:
            kept = self.alike[at][:, [self.alike_columns.index(c) for c in held]]
            posted = alike_hashes(customers, tuple(held))
            found &= ((kept == posted) | (posted == BLANK_HASH)).all(axis=1)
        return found, at, hashes

    def count_in(self, customers: pd.DataFrame) -> int:
        """How many of `customers`' rows are training rows (estimated when `every` > 1;
        by "alike" at most as many as were trained: copies of a row all match it)."""
        found, _, hashes = self._found(customers)
        return min(int(found[hashes % np.uint64(self.every) == 0].sum()) * self.every, self.rows)

    @property
    def folded(self) -> bool:
        """Whether every fitted row is scored out of fold: the model has folds and kept
        every row's hash (`every` 1), so each can be told."""
        return self.folds is not None and self.every == 1

    def folds_of(self, customers: pd.DataFrame) -> np.ndarray | None:
        """Per row of `customers`, the fold that scores it out of fold, -1 for a row the
        model was not fitted on; None unless `folded`."""
        if not self.folded:
            return None
        found, at, _ = self._found(customers)
        if not found.any():  # none, or no hash kept to index
            return np.full(len(found), -1, dtype=np.int8)
        return np.where(found, self.folds[at], -1).astype(np.int8)

    def as_info(self) -> dict[str, Any]:
        info = {
            "rows": self.rows,
            "every": self.every,
            "hashes": self.hashes,
            "by": self.by,
            "loose_ids": self.loose_ids,
        }
        if self.alike_columns:
            info["alike_columns"] = list(self.alike_columns)
        if self.alike is not None:
            info["alike"] = self.alike
        return info if self.folds is None else {**info, "folds": self.folds}

    @classmethod
    def from_info(cls, info: dict[str, Any] | None) -> TrainedRows | None:
        """None for a model that kept none: not a snapshot, or packaged before they were."""
        if not info:
            return None
        return cls(
            info["rows"],
            info["every"],
            info["hashes"],
            info.get("folds"),
            info.get("by", "row"),
            info.get("alike"),
            tuple(info.get("alike_columns", ())),
            info.get("loose_ids", False),
        )


def _hashes(
    customers: pd.DataFrame, by: Key, *, loose: bool, columns: tuple[str, ...]
) -> np.ndarray:
    if by == "id":
        return id_hashes(customers, loose=loose)
    if by == "alike":
        return row_values_hashes(customers, columns)
    return row_hashes(customers)


def row_values_hashes(rows: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    """One hash per row of its values in `columns`: numbers at float32's precision (what
    the booster reads; a batch's and a live request's arithmetic may differ in the last
    bits of a float64), the rest as text, a blank as ''."""
    values = {}
    for k, name in enumerate(columns):
        column = rows[name]
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            values[k] = np.asarray(column, dtype=np.float32)
        else:
            text = column.astype("object")
            values[k] = text.where(text.notna(), "").astype(str).to_numpy()
    frame = pd.DataFrame(values, index=pd.RangeIndex(len(rows)))
    return pd.util.hash_pandas_object(frame, index=False).to_numpy(np.uint64)
