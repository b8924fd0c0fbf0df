"""A hole in a whole activity log: a run of days on which no customer did anything.

Sakila's rentals run daily from 2005-05-24 to 2005-08-23, then stop for every customer
until one day, 2006-02-14. Customers do not all fall silent at once, an extract does:
validate said "data OK", and cutoffs inside the hole read every customer as silent, so
every training error and note pointed the wrong way. How long is too long depends on
the log's own rhythm: a billing log where everyone pays on the 1st has ~30 days between
its active days, every month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

HOLE_FROM_DAYS = 28
"""The fewest empty days a hole has: four weeks without a row in a log of daily activity."""
HOLE_RHYTHM_QUANTILE = 0.9
HOLE_RHYTHM_TIMES = 4
"""A hole is also at least this many times the gap between consecutive active days of
the whole log that 90% of its gaps stay under (`rhythm_days`). The 90th percentile, not
the median, so a sparse log's spread of gaps counts: were its active days random, a gap
over four times that would come once in 10,000 (monthly billing: 31 -> 124 days; Sakila:
14 -> 56, its hole 174 days)."""
REGULAR_SPREAD = 0.8
REGULAR_HOLE_TIMES = 1.8
"""A log whose active days come at a steady step (9 in 10 gaps at least `REGULAR_SPREAD`
of the step 90% stay under: dates written to the month, or a billing run on the 1st)
has a hole from this many steps: such a log skips no step by chance. A listening log
dated to the month had no row in April 2011 (a gap of 61 days against steps of 28-31,
under the 124 of `HOLE_RHYTHM_TIMES`); validate said "data OK", and the 90-day horizon
over it read 74% churn against 58-62% at the other cutoffs. A daily or weekly log's
step is far under `HOLE_FROM_DAYS`, which decides for it."""
_DAY_NS = 86_400 * 10**9


@dataclass(frozen=True)
class Hole:
    """The days without any row, between two active days of the log."""

    first_day: pd.Timestamp
    last_day: pd.Timestamp
    rhythm_days: float
    """The log's usual gap between active days (`HOLE_RHYTHM_QUANTILE`), for messages."""

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


SPARSE_START_SHARE = 0.01
"""A gap with fewer of the log's rows than this before it ends a sparse start, not a
hole: Olist's few orders of September and October 2016, then none until late December,
then daily ones (a stray 1970 placeholder row alike)."""
YEAR_DAYS = 365
SAME_SEASON_DAYS = 31
"""Gaps starting within this many days of the year of each other, in different years,
are a season (a shop open December to March), not a missing extract."""


def longest_hole(*timestamps: pd.Series) -> Hole | None:
    """The longest run of days without a row in any of `timestamps` (the activity tables,
    all customers together), when it is long against the log (`HOLE_FROM_DAYS`,
    `HOLE_RHYTHM_TIMES`, `REGULAR_HOLE_TIMES`), ends no sparse start
    (`SPARSE_START_SHARE`) and recurs in no other year (`SAME_SEASON_DAYS`); None when
    there is none such."""
    days, rows = _active_days(timestamps)
    gaps = np.diff(days)
    if len(gaps) < 2:  # one gap is its own rhythm: nothing to compare it with
        return None
    low, rhythm = (
        float(q) for q in np.quantile(gaps, [1 - HOLE_RHYTHM_QUANTILE, HOLE_RHYTHM_QUANTILE])
    )
    times = REGULAR_HOLE_TIMES if low >= REGULAR_SPREAD * rhythm else HOLE_RHYTHM_TIMES
    long = np.flatnonzero(gaps - 1 >= max(HOLE_FROM_DAYS, times * rhythm))
    before = np.cumsum(rows)[long] / rows.sum()
    # a season's closure lasts under a year: a listening log's stray rows of 1956, then
    # nothing until 1979, had made its hole of March 2011 "recur" in another year
    starts = pd.to_datetime(days[long[gaps[long] < YEAR_DAYS]] * _DAY_NS)
    holes = [
        k
        for k, share in zip(long.tolist(), before.tolist(), strict=True)
        if share >= SPARSE_START_SHARE and not _seasonal(starts, days[k] * _DAY_NS)
    ]
    if not holes:
        return None
    widest = max(holes, key=lambda k: gaps[k])
    first, last = (pd.Timestamp(int(d) * _DAY_NS) for d in days[widest : widest + 2])
    return Hole(first + pd.Timedelta(days=1), last - pd.Timedelta(days=1), rhythm)


STRAY_GAP_DAYS = 730
"""A few rows (under `SPARSE_START_SHARE` of the log) this many days or more before the
rest are stray dates, no start of the business: a tagging log's 5 rows of 1956-1979,
then monthly ones from 2005, gave three users tenures of 20,000 days."""


@dataclass(frozen=True)
class StrayStart:
    """The rows dated long before the rest of a log (`stray_start`)."""

    rows: int
    first_day: pd.Timestamp
    last_day: pd.Timestamp
    log_from: pd.Timestamp
    """The first day of the rest of the log."""


def stray_start(timestamps: pd.Series) -> StrayStart | None:
    """The rows before the last gap of `STRAY_GAP_DAYS` or more that fewer than
    `SPARSE_START_SHARE` of the rows precede; None when there is no such gap."""
    days, rows = _active_days((timestamps,))
    if len(days) < 2:
        return None
    before = np.cumsum(rows)[:-1] / rows.sum()
    stray = np.flatnonzero((np.diff(days) >= STRAY_GAP_DAYS) & (before < SPARSE_START_SHARE))
    if not len(stray):
        return None
    k = int(stray[-1])
    first, last, then = (pd.Timestamp(int(d) * _DAY_NS) for d in (days[0], days[k], days[k + 1]))
    return StrayStart(int(rows[: k + 1].sum()), first, last, then)


SAMPLED_DAYS_SHARE = 0.1
"""A log active on at most this share of the days it spans..."""
SAMPLED_SPAN_DAYS = 60
"""...over at least this many days..."""
SAMPLED_ROWS_PER_DAY = 100
"""...with at least this many rows on each active day, on average...
"""
RECURRING_AT_MOST = 0.1
"""...and at most this share of its customers back on another of those days, is a few
days cut out of a busy log, not a quiet business nor a billing run: a cosmetics shop's
five monthly extracts kept each month's first 999 events (under 90 minutes of the 1st),
4,995 rows on 5 of 124 days, 1 of 893 users on two of them, and validate said "data OK".
A shop of 20 customers buying once a fortnight is as sparse, with a few rows a day; a
billing log paid on the 1st has as few busy days, the same customers on each."""


@dataclass(frozen=True)
class SampledDays:
    """A log's few active days among the many it spans (`sampled_days`)."""

    active_days: int
    span_days: int
    rows: int
    first_day: pd.Timestamp
    last_day: pd.Timestamp


def sampled_days(timestamps: pd.Series, customers: pd.Series) -> SampledDays | None:
    """The log's active days against its span, when it looks cut to a few busy days
    (`SAMPLED_DAYS_SHARE`, `SAMPLED_SPAN_DAYS`, `SAMPLED_ROWS_PER_DAY`) that few of its
    `customers` (one per row) come back on (`RECURRING_AT_MOST`); else None."""
    days, rows = _active_days((timestamps,))
    if not len(days):
        return None
    span = int(days[-1] - days[0]) + 1
    total = int(rows.sum())
    sparse = len(days) <= SAMPLED_DAYS_SHARE * span and span >= SAMPLED_SPAN_DAYS
    if not sparse or total < SAMPLED_ROWS_PER_DAY * len(days):
        return None
    if _recurring_share(timestamps, customers) > RECURRING_AT_MOST:
        return None
    first, last = (pd.Timestamp(int(d) * _DAY_NS) for d in (days[0], days[-1]))
    return SampledDays(len(days), span, total, first, last)


def _recurring_share(timestamps: pd.Series, customers: pd.Series) -> float:
    """The share of customers with rows on two days or more."""
    day = timestamps.dt.floor("D")
    visits = pd.DataFrame({"c": customers.to_numpy(), "d": day.to_numpy()}).dropna()
    per_customer = visits.drop_duplicates().groupby("c", sort=False).size()
    return float((per_customer >= 2).mean()) if len(per_customer) else 0.0


def _seasonal(starts: pd.DatetimeIndex, start_ns: int) -> bool:
    """Whether another long gap starts near the same day of another year."""
    start = pd.Timestamp(start_ns)
    apart = np.abs(starts.day_of_year - start.day_of_year)
    near = np.minimum(apart, 365 - apart) <= SAME_SEASON_DAYS
    return bool((near & (starts.year != start.year)).any())


def _active_days(timestamps: tuple[pd.Series, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The days (since 1970) holding a row, ascending, and their rows: counted over the
    span, not sorted, as a log of millions of rows spans a few thousand days. One new
    array of days, shifted in place: 11.65M times were copied four times over."""
    parts = [_days(t) for t in timestamps]
    days = (parts[0] if len(parts) == 1 else np.concatenate(parts)) if parts else np.empty(0)
    if not len(days):
        return days.astype(np.int64), days.astype(np.int64)
    low = int(days.min())
    days -= low
    counts = np.bincount(days)
    active = np.flatnonzero(counts)
    return active + low, counts[active]


def _days(timestamps: pd.Series) -> np.ndarray:
    """The days (since 1970) of the times that are known, as a new int64 array."""
    ns = timestamps.to_numpy("datetime64[ns]").view("i8")
    if timestamps.hasnans:
        ns = ns[timestamps.notna().to_numpy()]
    return ns // _DAY_NS
