"""Activity tables prepared once per build for fast as-of-cutoff aggregation.

Every family computes "per customer, over a window ending at the cutoff" aggregates.
Doing that with a pandas groupby per window and per cutoff is slow on 10M rows, so each
activity table is turned once into aligned numpy arrays: `code` (the customer's row in
the customer axis) and `day` (integer days since 1970-01-01), sorted by (code, day).
A window of N days at cutoff day `c` is `(c - N, c]`: it includes the cutoff day, as the
cutoff rule in `features/tables.py` says.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.levels import level_codes
from features.tables import Table

NAN = np.nan
DENSE_LIMIT = 64_000_000
"""Above this many (customer, level) cells, distinct counts hash instead of tabulating."""


def _is_sorted(keys: list[np.ndarray]) -> bool:
    """True when rows are in lexicographic order of `keys` (first key most significant)."""
    if len(keys[0]) < 2:
        return True
    undecided = np.ones(len(keys[0]) - 1, dtype=bool)
    for key in keys:
        step = key[1:] - key[:-1] if key.dtype.kind in "iuf" else None
        if step is None:
            return False
        if (undecided & (step < 0)).any():
            return False
        undecided &= step == 0
    return True


def selected(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """`values[mask]`, or `values` itself when the mask selects every row: rows known at
    the latest cutoff, a year's window over a year of data. Each such copy of 11.65M
    lines cost 30-80 ms, and a build makes dozens; the check costs about 1 ms. The result
    may be `values`: read it, never write into it."""
    return values if mask.all() else values[mask]


def run_starts(*keys: np.ndarray) -> np.ndarray:
    """True where a row starts a run of equal keys (rows sorted by the keys)."""
    out = np.empty(len(keys[0]), dtype=bool)
    if len(out):
        out[0] = True
        np.not_equal(keys[0][1:], keys[0][:-1], out=out[1:])
        for key in keys[1:]:
            out[1:] |= key[1:] != key[:-1]
    return out


def _stamps(values: pd.Series | pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    if isinstance(values, pd.Series | pd.Index):
        return values.to_numpy(dtype="datetime64[ns]")
    return np.asarray(values, dtype="datetime64[ns]")


def to_days(values: pd.Series | pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    """Timestamps as float days since the epoch (NaN for missing), floored to the day."""
    stamps = _stamps(values)
    out = stamps.astype("datetime64[D]").astype(np.int64).astype(np.float64)
    out[np.isnat(stamps)] = NAN
    return out


NANOSECONDS_A_DAY = 86_400 * 10**9


def days_between(
    start: pd.Series | pd.DatetimeIndex | np.ndarray, end: pd.Series | pd.DatetimeIndex | np.ndarray
) -> np.ndarray:
    """Days from each `start` to its `end` with the fraction of a day their times hold
    (NaN where either is missing): a complaint opened at 09:00 and resolved two days
    later at 05:00 took 1.83 days, not the 2 its calendar days differ by; date-only
    timestamps give whole days."""
    span = _stamps(end) - _stamps(start)
    out = span.astype("timedelta64[ns]").astype(np.int64) / NANOSECONDS_A_DAY
    out[np.isnat(span)] = NAN
    return out


def seconds_of_day(values: pd.Series | pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    """The time of day of each timestamp in float seconds (NaN for missing): what orders
    a payment and a cancellation of the same day (`features/cancellations.py`)."""
    stamps = _stamps(values)
    since_midnight = stamps - stamps.astype("datetime64[D]")
    out = since_midnight.astype("timedelta64[ns]").astype(np.int64) / 1e9
    out[np.isnat(stamps)] = NAN
    return out


def day_of(cutoff: pd.Timestamp) -> int:
    """The cutoff as an integer day number; rows with day <= it are known."""
    return int(np.datetime64(pd.Timestamp(cutoff).normalize().date(), "D").astype(np.int64))


NEVER = np.iinfo(np.int64).max
"""The `until` of a row that counts from its day on, at every later cutoff."""


@dataclass(frozen=True)
class Activity:
    """One activity table as arrays sorted by (code, day); extra columns in `values`.

    `until` (optional): the day from which a row no longer counts (a purchase its return
    reversed, `features/returns.py`): at cutoff `c` a row counts when `day <= c < until`,
    in every window read at `c`, so a return after the cutoff changes nothing at it.
    """

    code: np.ndarray
    day: np.ndarray
    n_customers: int
    values: dict[str, np.ndarray]
    until: np.ndarray | None = None

    @classmethod
    def from_frame(
        cls,
        frame: Table,
        axis: pd.Index,
        *,
        columns: dict[str, np.ndarray] | None = None,
        tiebreak: str | None = None,
        until: np.ndarray | None = None,
    ) -> Activity:
        """Align a canonical frame on the customer axis; rows of unknown customers drop.

        Rows end up sorted by (code, day[, tiebreak column]); the sort is skipped when
        the input already is (sources sort by customer and time, which is the usual case).
        `until`: float days (NaN: never), as the class docstring says.
        """
        code = level_codes(frame["customer_id"], axis)  # -1: an unknown customer
        day = to_days(frame["timestamp"])
        values = {k: np.asarray(v) for k, v in (columns or {}).items()}
        if until is not None:
            stops = np.full(len(until), NEVER, dtype=np.int64)
            reversed_ = ~np.isnan(until)
            stops[reversed_] = until[reversed_]
            values["_until"] = stops
        keep = (code >= 0) & ~np.isnan(day)
        if not keep.all():
            code, day = code[keep], day[keep]
            values = {k: v[keep] for k, v in values.items()}
        day = day.astype(np.int64)
        keys = [code, day] + ([values[tiebreak]] if tiebreak else [])
        if not _is_sorted(keys):
            order = np.lexsort(keys[::-1])
            code, day = code[order], day[order]
            values = {k: v[order] for k, v in values.items()}
        stops = values.pop("_until", None)
        return cls(code=code, day=day, n_customers=len(axis), values=values, until=stops)

    def known(self, cutoff_day: int) -> np.ndarray:
        """Mask of rows that count at the cutoff day: on or before it (and not reversed)."""
        known = self.day <= cutoff_day
        return known if self.until is None else known & (self.until > cutoff_day)

    def window(self, cutoff_day: int, days: int, *, offset: int = 0) -> np.ndarray:
        """Mask of rows in `(c - offset - days, c - offset]` that count at `c`: `offset`
        shifts to older windows (what is known at `c` says which rows still count)."""
        end = cutoff_day - offset
        inside = (self.day > end - days) & (self.day <= end)
        return inside if self.until is None else inside & (self.until > cutoff_day)

    def count(self, mask: np.ndarray) -> np.ndarray:
        code = selected(self.code, mask)
        return np.bincount(code, minlength=self.n_customers).astype(np.float64)

    def total(self, mask: np.ndarray, name: str) -> np.ndarray:
        """Sum of a column per customer; columns summed here are stored without NaN."""
        weights = selected(self.values[name], mask)
        return np.bincount(selected(self.code, mask), weights=weights, minlength=self.n_customers)

    def last_day(self, mask: np.ndarray) -> np.ndarray:
        """Latest day per customer among masked rows (NaN where none); relies on the sort."""
        out = np.full(self.n_customers, NAN)
        code, day = selected(self.code, mask), selected(self.day, mask)
        if len(code):
            last = np.append(run_starts(code)[1:], True)
            out[code[last]] = day[last]
        return out

    def first_day(self, mask: np.ndarray) -> np.ndarray:
        out = np.full(self.n_customers, NAN)
        code, day = selected(self.code, mask), selected(self.day, mask)
        if len(code):
            first = run_starts(code)
            out[code[first]] = day[first]
        return out

    def distinct(self, mask: np.ndarray, name: str, n_levels: int) -> np.ndarray:
        """Number of distinct non-negative codes (< n_levels) of a column per customer."""
        code, value = selected(self.code, mask), selected(self.values[name], mask)
        valid = value >= 0
        code, value = selected(code, valid), selected(value, valid).astype(np.int64)
        if self.n_customers * n_levels <= DENSE_LIMIT:
            seen = np.bincount(code * n_levels + value, minlength=self.n_customers * n_levels)
            return (seen.reshape(self.n_customers, n_levels) > 0).sum(axis=1).astype(np.float64)
        pairs = np.unique(code * n_levels + value)
        return np.bincount(pairs // n_levels, minlength=self.n_customers).astype(np.float64)

    def runs(self, *keys: str) -> Activity:
        """Collapse consecutive rows with equal (code, day, *keys) into one row each.

        On rows sorted by those keys this turns transaction lines into purchase
        occasions without a hash groupby. An occasion counts while any of its rows does
        (its `until` is their latest). Spend stays with the lines: a returned line stops
        counting on its own (`features/monetary.py`).
        """
        columns = [self.code, self.day, *(self.values[k] for k in keys)]
        change = np.zeros(len(self.code), dtype=bool)
        if len(change):
            change[0] = True
            for column in columns:
                change[1:] |= column[1:] != column[:-1]
        starts = np.flatnonzero(change)
        until = None
        if self.until is not None:
            until = np.maximum.reduceat(self.until, starts) if len(starts) else self.until[:0]
        return Activity(
            code=self.code[starts],
            day=self.day[starts],
            n_customers=self.n_customers,
            values={},
            until=until,
        )

    def grouped(self, mask: np.ndarray, values: np.ndarray, how: str) -> np.ndarray:
        """A pandas groupby reduction (median, mean, std...) of masked rows on the axis."""
        return reduce_by_code(selected(self.code, mask), values, how, self.n_customers)


REDUCTIONS = ("mean", "median", "std", "max", "last")
"""What `reduce_by_code` computes; each skips NaN values, as a pandas groupby does."""


GROUPBY_FROM = 20_000
"""From this many rows a pandas groupby (cheap per row) reduces; below, numpy segments
(no per-call setup). The two agree: a test holds the segments to the groupby."""


def reduce_by_code(code: np.ndarray, values: np.ndarray, how: str, n: int) -> np.ndarray:
    """Reduce `values` per customer code; NaN for a code with no (non-NaN) value.

    A pandas groupby's fixed setup cost dominated a live request's features for one
    customer, and numpy's sort-based median is slow on millions of rows, so the size of
    the input picks the implementation.
    """
    if how not in REDUCTIONS:
        raise ValueError(f"unknown reduction {how!r}; expected one of {REDUCTIONS}")
    out = np.full(n, NAN)
    if len(code) >= GROUPBY_FROM:
        series = pd.Series(values).groupby(code, sort=False).agg(how)
        out[series.index.to_numpy()] = series.to_numpy(dtype=np.float64)
        return out
    values = np.asarray(values, dtype=np.float64)
    keep = ~np.isnan(values)
    code, values = code[keep], values[keep]
    if not len(code):
        return out
    if how == "median":  # sorted by value within each code
        order = np.lexsort((values, code))
    elif not _is_sorted([code]):
        order = np.argsort(code, kind="stable")  # stable: "last" keeps the row order
    else:
        order = None
    if order is not None:
        code, values = code[order], values[order]
    starts = np.flatnonzero(run_starts(code))
    ends = np.append(starts[1:], len(code))
    counts = ends - starts
    out[code[starts]] = _segments(values, starts, ends, counts, how)
    return out


def _segments(
    values: np.ndarray, starts: np.ndarray, ends: np.ndarray, counts: np.ndarray, how: str
) -> np.ndarray:
    """One reduction per segment [start, end) of `values` (sorted by value for a median)."""
    if how == "max":
        return np.maximum.reduceat(values, starts)
    if how == "last":
        return values[ends - 1]
    if how == "median":
        return (values[starts + (counts - 1) // 2] + values[starts + counts // 2]) / 2.0
    mean = np.add.reduceat(values, starts) / counts
    if how == "mean":
        return mean
    squares = np.add.reduceat((values - np.repeat(mean, counts)) ** 2, starts)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(counts > 1, np.sqrt(squares / (counts - 1)), NAN)  # ddof=1 as pandas


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Elementwise ratio, NaN where the denominator is zero or missing."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = numerator / denominator
    out[~np.isfinite(out)] = NAN
    return out


def relative_change(current: np.ndarray, previous: np.ndarray) -> np.ndarray:
    """(current - previous) / previous: -0.62 reads "down 62%"; NaN with no previous."""
    return ratio(current - previous, previous)


def carried_period_ends(
    code: np.ndarray, day: np.ndarray, ends: np.ndarray, until: np.ndarray | None = None
) -> np.ndarray:
    """Each payment's paid-period end (float days; rows sorted by customer `code`, then
    day); a payment without one (a KKBox expiry written 19700101, read as unknown) pays
    for as long as the customer's previous period did, unless that payment was reversed
    (`until`) by then: a refunded yearly plan is no rhythm to go by. Ignored, a member
    who renewed on time read 'membership ended 21 days ago' from the period before. Only
    earlier payments are read, so nothing after a cutoff leaks in; the batch's lines and
    a live request's posted payments both go through here."""
    missing = np.isnan(ends)
    if not missing.any():
        return ends
    rows = np.arange(len(ends), dtype=np.float64)
    donor = pd.Series(np.where(missing, np.nan, rows)).groupby(code).ffill().to_numpy()
    carried = missing & ~np.isnan(donor)
    at = donor[carried].astype(np.int64)
    if until is not None:  # a donor reversed by the carrier's day donates nothing
        kept = until[at] > day[carried]
        carried[np.flatnonzero(carried)[~kept]] = False
        at = at[kept]
    out = ends.copy()
    out[carried] = day[carried] + (ends[at] - day[at])
    return out
