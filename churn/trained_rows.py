"""The customers-table rows a labelled snapshot's model was fitted on, kept with it.

Scoring the training file again gives those rows fitted probabilities, not predictions:
a hotel's 6,938 bookings not labelled cancelled were 60% training rows, and 287 went
out as high risk without a word. A row is known by the hash of its every column but the
label, so another extract's customers match none, even where the ids are row numbers;
a customer whose row changed since is scored on what the model has not seen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

KEPT_ROWS = 200_000
"""The most row hashes a model keeps (8 bytes each, 1.6 MB): past it, the one in
`every` whose hash is a multiple of it, which a scoring run picks alike, and the count
found among them is scaled up by as much."""


def row_hashes(customers: pd.DataFrame) -> np.ndarray:
    """One hash per customers-table row over its columns but the label (which a later
    extract may fill in), in name order (a file's column order is not the row)."""
    columns = sorted(name for name in customers.columns if name != "label")
    return pd.util.hash_pandas_object(customers[columns], index=False).to_numpy(np.uint64)


@dataclass(frozen=True)
class TrainedRows:
    rows: int
    """How many rows the model was fitted on."""
    every: int
    """One hash in this many is kept (`KEPT_ROWS`); 1 keeps them all."""
    hashes: np.ndarray
    """The kept hashes, sorted (`row_hashes`)."""

    @classmethod
    def of(cls, customers: pd.DataFrame) -> TrainedRows:
        hashes = row_hashes(customers)
        every = max(1, math.ceil(len(hashes) / KEPT_ROWS))
        return cls(len(hashes), every, np.unique(hashes[hashes % np.uint64(every) == 0]))

    def count_in(self, customers: pd.DataFrame) -> int:
        """How many of `customers`' rows are training rows (estimated when `every` > 1)."""
        hashes = row_hashes(customers)
        kept = hashes[hashes % np.uint64(self.every) == 0]
        return int(np.isin(kept, self.hashes).sum()) * self.every

    def as_info(self) -> dict[str, Any]:
        return {"rows": self.rows, "every": self.every, "hashes": self.hashes}

    @classmethod
    def from_info(cls, info: dict[str, Any] | None) -> TrainedRows | None:
        """None for a model that kept none: not a snapshot, or packaged before they were."""
        return None if not info else cls(info["rows"], info["every"], info["hashes"])
