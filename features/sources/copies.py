"""Rows identical in every column but the customer id: copies of one record, or a
profile many customers share.

The Kaggle E Commerce snapshot holds 556 pairs of rows identical in all 18 columns but
`CustomerID`, each pair with one label: 1,112 of 5,630 rows (19.8%), said nowhere. A
group of up to `MAX_COPIES` such rows reads as one record copied (a customer recorded
twice); `churn validate` counts them beside the label, and training keeps each group on
one side of its splits (`training/duplicates.py`). More rows alike are a common answer on
coarse columns (three yes/no questions), not copies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_COPIES = 10
"""Rows identical in every column at most, to read as one record copied."""


@dataclass(frozen=True)
class Copies:
    """Rows in groups of 2 to `MAX_COPIES` identical ones: how many, in how many groups,
    and the largest group's size."""

    rows: int
    groups: int
    largest: int


def profiles(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """A number per row, shared by the rows identical in every one of `columns` (a blank
    equal to a blank, a category to the same category)."""
    hashes = pd.util.hash_pandas_object(frame[columns], index=False).to_numpy()
    return pd.factorize(hashes)[0]


def copy_groups(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """A group number per row: the rows identical in every one of `columns` share one when
    at most `MAX_COPIES` do; every other row has a number of its own."""
    if not columns or frame.empty:
        return np.arange(len(frame))
    codes = profiles(frame, columns)
    sizes = np.bincount(codes)[codes]
    alone = (sizes == 1) | (sizes > MAX_COPIES)
    groups = codes.copy()
    groups[alone] = codes.max() + 1 + np.arange(int(alone.sum()))
    return groups


def copies(frame: pd.DataFrame, columns: list[str]) -> Copies | None:
    """The rows `copy_groups` keeps together, counted; None when there are none."""
    if not columns or frame.empty:
        return None
    sizes = np.bincount(profiles(frame, columns))
    copied = sizes[(sizes > 1) & (sizes <= MAX_COPIES)]
    if not len(copied):
        return None
    return Copies(rows=int(copied.sum()), groups=len(copied), largest=int(copied.max()))


def share_said(rows: int, of: int) -> str:
    """`rows` as a share of `of` in words, to a tenth of a percent, or a hundredth where
    that reads 0.0% (Sparkify's 6 of 15,438 rows), never none of some rows: 5 blank fees
    of a pet insurer's 3.4 million payments read "0.0% of amounts missing"."""
    share = rows / of
    if 0 < share < 0.0001:
        return "under 0.01%"
    return f"{share:.{1 if share >= 0.001 else 2}%}"
