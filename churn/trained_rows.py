"""The customers a labelled snapshot's model was fitted on, kept with it.

Scoring the training file again gives those customers fitted probabilities, not
predictions: a hotel's 6,938 bookings not labelled cancelled were 60% training rows, and
287 went out as high risk without a word. So each is kept with the fold whose booster
never saw it (`churn.cross_fit`), and `churn score` and the live API score it out of fold.

A customer is known by the hash of their id, so next month's extract, where the same
customers come back a month older, still finds them (the booster learned their labels
all the same). Where the ids are row numbers (`Tables.numbered_ids`), which repeat across
files, a row is known by the hash of its every column but the label instead: another
extract's customers match none, and a row changed since is not found.
"""

from __future__ import annotations

import math
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

Key = Literal["id", "row"]


def row_hashes(customers: pd.DataFrame) -> np.ndarray:
    """One hash per customers-table row over its columns but the label (which a later
    extract may fill in), in name order (a file's column order is not the row)."""
    columns = sorted(name for name in customers.columns if name != "label")
    return pd.util.hash_pandas_object(customers[columns], index=False).to_numpy(np.uint64)


_WHOLE_ID = rf"^{WHOLE_FLOAT.pattern}$"


def id_hashes(customers: pd.DataFrame) -> np.ndarray:
    """One hash per row of its customer id as text, a whole float as the integer the
    loader reads it as (a file read as numbers, a request posting text or 1001.0: one
    customer)."""
    ids = customers["customer_id"].astype(str).str.strip()
    ids = ids.str.replace(_WHOLE_ID, r"\1", regex=True)
    return pd.util.hash_pandas_object(ids, index=False).to_numpy(np.uint64)


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
    """What is hashed: the customer id, or the whole row (row-number ids, and every
    model packaged before ids were)."""

    @classmethod
    def of(
        cls, customers: pd.DataFrame, folds: np.ndarray | None = None, *, by: Key = "id"
    ) -> TrainedRows:
        """The rows of `customers`, each in its fold of `folds` (per row) if given."""
        hashes = _hashes(customers, by)
        every = max(1, math.ceil(len(hashes) / KEPT_ROWS))
        kept = np.flatnonzero(hashes % np.uint64(every) == 0)
        unique, first = np.unique(hashes[kept], return_index=True)
        kept_folds = None if folds is None else np.asarray(folds, dtype=np.int8)[kept][first]
        return cls(len(hashes), every, unique, kept_folds, by)

    def count_in(self, customers: pd.DataFrame) -> int:
        """How many of `customers`' rows are training rows (estimated when `every` > 1)."""
        hashes = _hashes(customers, self.by)
        kept = hashes[hashes % np.uint64(self.every) == 0]
        return int(np.isin(kept, self.hashes).sum()) * self.every

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
        hashes = _hashes(customers, self.by)
        if not len(self.hashes):
            return np.full(len(hashes), -1, dtype=np.int8)
        at = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
        return np.where(self.hashes[at] == hashes, self.folds[at], -1).astype(np.int8)

    def as_info(self) -> dict[str, Any]:
        info = {"rows": self.rows, "every": self.every, "hashes": self.hashes, "by": self.by}
        return info if self.folds is None else {**info, "folds": self.folds}

    @classmethod
    def from_info(cls, info: dict[str, Any] | None) -> TrainedRows | None:
        """None for a model that kept none: not a snapshot, or packaged before they were."""
        if not info:
            return None
        return cls(
            info["rows"], info["every"], info["hashes"], info.get("folds"), info.get("by", "row")
        )


def _hashes(customers: pd.DataFrame, by: Key) -> np.ndarray:
    return id_hashes(customers) if by == "id" else row_hashes(customers)
