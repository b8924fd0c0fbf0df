"""Returns that reverse a purchase: matched to it, so the purchase stops counting.

A line log books a return or cancellation as a negative line ('C' invoices in a retail
export): a purchase of 80,995 units cancelled the same day must not read as a customer's
lifetime spend, nor a fully returned order as their latest purchase. A return is matched
to the purchase line it mirrors: the same customer, the same category (when the log has
one) and the same amount to the cent, bought on or before the return's day; the latest
such purchase not matched yet. A return that no purchase of its category mirrors is then
matched alike to one of any category: Online Retail books some refunds under the code 'M'
("Manual"), and a purchase of 38,970 refunded so within minutes made its buyer the top
of a worklist at a lifetime spend of 39,620. From the return's day on, that line no longer counts
(`returned_at`; `features/activity.py` reads it as of each cutoff, so a return booked
after a cutoff changes nothing at it). An order counts while any of its lines does.

A return that mirrors no purchase (a partial return, a refund of another amount) is
ignored, as before: netting it against some purchase would be a guess.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.activity import to_days

CENTS = 100


def line_total(price: float | pd.Series, quantity: float | pd.Series) -> float | pd.Series:
    """unit price x quantity, negative when either is: a retail log writing a return as
    Qty -5 at Rate -772 (total_amt -4,265) must read as a return of 3,860, not a purchase
    (the loader's columns and a live line's floats alike). NaN where either is."""
    return np.copysign(np.abs(price * quantity), np.minimum(price, quantity))


@dataclass(frozen=True)
class Matched:
    """Per row of the input: the day (float days, NaN: never) its purchase was returned."""

    returned_day: np.ndarray
    reversing: np.ndarray
    """True for each return that reversed a purchase"""
    matched: int
    """returns that reversed a purchase"""
    unmatched: int
    """returns that mirror no purchase (ignored)"""

    @property
    def returned_at(self) -> np.ndarray:
        """`returned_day` as the tables' `returned_at` column (datetime64[ns], NaT: never)."""
        return pd.to_datetime(self.returned_day, unit="D").to_numpy(dtype="datetime64[ns]")


def match_lines(
    customer: np.ndarray,
    timestamp: np.ndarray | pd.Series,
    amount: np.ndarray,
    category: np.ndarray | pd.Series | None,
    *,
    ignored: np.ndarray | None = None,
) -> Matched:
    """`match_returns` on a transactions table's columns, as the loader and a live request
    hold them: timestamps, categories with blanks (one level of their own), and the rows
    already `ignored` (they take no part)."""
    day = to_days(timestamp)
    if ignored is not None:
        day[ignored] = np.nan
    kinds = None if category is None else pd.Series(category, dtype=object).fillna("").to_numpy()
    return match_returns(np.asarray(customer), day, np.asarray(amount, dtype=np.float64), kinds)


def match_returns(
    customer: np.ndarray, day: np.ndarray, amount: np.ndarray, category: np.ndarray | None
) -> Matched:
    """Match each return (amount < 0) to the purchase it mirrors (module docstring).

    `customer` and `category` are any hashable codes (text is fine), `day` float days
    (NaN rows take no part), `amount` floats. Returns are matched oldest first, each to
    the latest unmatched mirroring purchase on or before its day: of its own category
    first, then, for a return none of its category mirrors, of any."""
    returned = np.full(len(amount), np.nan)
    reversing = np.zeros(len(amount), dtype=bool)
    cents = np.round(np.abs(amount) * CENTS)
    is_return = (amount < 0) & ~np.isnan(day)
    if not is_return.any():
        return Matched(returned, reversing, 0, 0)
    # only the rows of customers with a return take part: key those alone
    rows = np.flatnonzero(pd.Series(customer).isin(pd.unique(customer[is_return])).to_numpy())
    day = day[rows]
    returns = np.flatnonzero(is_return[rows])
    returns = returns[np.argsort(day[returns], kind="stable")]
    bought = (amount[rows] > 0) & ~np.isnan(day)
    unkinded = pd.MultiIndex.from_arrays([customer[rows], cents[rows]])
    passes = [unkinded]
    if category is not None:
        passes.insert(0, pd.MultiIndex.from_arrays([customer[rows], category[rows], cents[rows]]))
    for keys in passes:
        for at, purchase in _mirrored(returns, bought, keys, day):
            returned[rows[purchase]] = day[at]
            reversing[rows[at]] = True
            bought[purchase] = False
        returns = returns[~reversing[rows[returns]]]
    matched = int(reversing.sum())
    return Matched(returned, reversing, matched, int(is_return.sum()) - matched)


def _mirrored(
    returns: np.ndarray, bought: np.ndarray, keys: pd.MultiIndex, day: np.ndarray
) -> list[tuple[int, int]]:
    """(return, purchase) positions: each return, oldest first, with the latest purchase
    of its key on or before its day not matched yet."""
    candidates: dict[tuple, list[tuple[float, int]]] = defaultdict(list)
    purchases = np.flatnonzero(bought & keys.isin(keys[returns]))
    for at, key in zip(purchases.tolist(), keys[purchases].tolist(), strict=True):
        candidates[key].append((float(day[at]), at))
    for listed in candidates.values():
        listed.sort()
    pairs = []
    for at, key in zip(returns.tolist(), keys[returns].tolist(), strict=True):
        listed = candidates.get(key)
        found = bisect.bisect_right(listed, (float(day[at]), np.inf)) - 1 if listed else -1
        if found >= 0:
            pairs.append((at, listed.pop(found)[1]))
    return pairs
