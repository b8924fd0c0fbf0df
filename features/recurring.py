"""A subscriptions table (one row per plan: its start, its end if it ended, its fee) read
as the payments it stands for.

SaaS and billing exports (RavenStack's `subscriptions.csv`, a Stripe subscriptions
export) hold a row per subscription, not a row per payment. Read as payments, each plan
counted once at its start: a customer paying 500 a month for two years looked like one
purchase two years ago. DOMAIN.md's contractual signals (paid period, renewal, contraction
of spend) need the payments, so each subscription becomes one payment per billing period
from its start, each paying `paid_until` the next period's start, while the subscription
runs: before its end and up to the data's end (`until`: the extract date, or a live
request's cutoff). The rest of the product then reads them as any payment log.

Time: a payment exists at t exactly when the subscription had not ended by t, which is
known at t; its `paid_until` is the period's end as billed, never cut to the
subscription's end (a plan cancelled mid-period says so only on the day it ends). So
features as of a cutoff see nothing a later end date adds (`tests/features/test_recurring.py`).

The loader and live scoring both expand through `payments`, and read a table's
cancellations as its plans' ends that leave a customer no plan running (`plan_ends`):
the same rows either way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from features.registry import MONTHLY_DAYS_MAX

DAYS_PER_MONTH = 365.25 / 12
"""A month's length for a fee quoted per month on a plan billed in days (rare)."""

_UNITS = {
    "day": (0, 1),
    "daily": (0, 1),
    "week": (0, 7),
    "weekly": (0, 7),
    "fortnight": (0, 14),
    "fortnightly": (0, 14),
    "biweekly": (0, 14),
    "month": (1, 0),
    "monthly": (1, 0),
    "mo": (1, 0),
    "quarter": (3, 0),
    "quarterly": (3, 0),
    "half-year": (6, 0),
    "half-yearly": (6, 0),
    "semiannual": (6, 0),
    "semi-annual": (6, 0),
    "semiannually": (6, 0),
    "semi-annually": (6, 0),
    "bi-weekly": (0, 14),
    "mth": (1, 0),
    "annum": (12, 0),
    "per-annum": (12, 0),
    "per-month": (1, 0),
    "per-year": (12, 0),
    "year": (12, 0),
    "yearly": (12, 0),
    "annual": (12, 0),
    "annually": (12, 0),
    "yr": (12, 0),
    "month-to-month": (1, 0),
}
"""Billing periods as exports write them, in (months, days): a telecom's contract types
("Month-to-month", "One year", "Two year") too."""

_COUNT_WORDS = dict(
    zip(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ],
        map(str, range(1, 13)),
        strict=True,
    )
)
"""A count written as a word ("Two year"), read as its number."""

PERIODS_WRITTEN = "month, year, quarter, week, '3 months' or a number of days"
"""What a billing period may be written as, for the messages of one that reads as none."""

_WRITTEN = re.compile(r"^(?:(\d+)\s*[- ]?\s*)?([a-z-]+?)s?$|^(\d+)(?:\.0+)?$")
"""`month`, `monthly`, `3 months`, `12-month`, or a bare number of days: `30`."""


@dataclass(frozen=True)
class Period:
    """A billing period: calendar months (a monthly plan renews on the same day of each
    month, the 31st on a short month's last day) or a number of days."""

    months: int = 0
    days: int = 0

    def __mul__(self, count: int) -> Period:
        return Period(months=self.months * count, days=self.days * count)

    def __str__(self) -> str:
        if self.months:
            return "month" if self.months == 1 else f"{self.months} months"
        return "day" if self.days == 1 else f"{self.days} days"

    @property
    def longest_days(self) -> int:
        """The most days one period spans (a month at its longest, `MONTHLY_DAYS_MAX`)."""
        return self.months * MONTHLY_DAYS_MAX + self.days

    @property
    def in_months(self) -> float:
        """How many months' fee one period's payment is (`amount_per: month`)."""
        return self.months or self.days / DAYS_PER_MONTH


ONE_DAY = Period(days=1)
NUMBER_UNITS = {"days": ONE_DAY, "weeks": Period(days=7), "months": Period(months=1),
                "quarters": Period(months=3), "years": Period(months=12)}  # fmt: skip
"""What a number in a billing-period column may count (`RecurringSpec.numbers_count`)."""
_UNIT_IN_NAME = re.compile(r"(day|month|quarter|year|annual|week)", re.IGNORECASE)


def unit_named(column: str) -> str:
    """The unit a billing-period column's name says its numbers count, the first it
    names (fight-churn's `bill_period_months` of 1 had read as 1-day plans: 30 payments
    a month; `period_days_in_month` counts days), else days."""
    found = _UNIT_IN_NAME.search(column)
    if found is None or found.group(1).lower() == "day":
        return "days"
    word = found.group(1).lower()
    return "years" if word == "annual" else f"{word}s"


def parse_period(written: Any, per_number: Period = ONE_DAY) -> Period | None:
    """The period a config's `every` or a billing-period cell writes, or None when it
    reads as none (said by the caller, with the value); a bare number counts
    `per_number` (days, unless the column says otherwise: `TransactionsSpec.
    period_per_number`)."""
    if isinstance(written, bool):
        return None
    if isinstance(written, float | np.floating) and float(written).is_integer():
        written = int(written)  # a column of days read as numbers: 30.0
    if isinstance(written, int | np.integer):
        return per_number * int(written) if written > 0 else None
    text = re.sub(r"(?<=[a-z])\s+(?=[a-z])", "-", str(written).strip().lower().replace("_", "-"))
    count_word, _, rest = text.partition("-")
    if count_word in _COUNT_WORDS and rest:
        text = f"{_COUNT_WORDS[count_word]}-{rest}"
    found = _WRITTEN.match(text)
    if found is None:
        return None
    if found.group(3) is not None:
        count = int(found.group(3))
        return per_number * count if count > 0 else None
    count = int(found.group(1) or 1)
    unit = _UNITS.get(found.group(2))
    if unit is None or count <= 0:
        return None
    return Period(months=unit[0] * count, days=unit[1] * count)


@dataclass(frozen=True)
class Schedule:
    """The payments of a table of subscriptions: `rows` (the subscription each payment
    comes from, rows of the table), when each is paid and until when, and how many
    months' fee each is (for `amount_per: month`), in order of customer, then time."""

    rows: np.ndarray
    paid_at: np.ndarray
    paid_until: np.ndarray
    months: np.ndarray


def schedule(
    customers: Sequence[Any] | np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray | None,
    periods: Sequence[Period],
    until: np.datetime64,
) -> Schedule:
    """Each subscription's payments: at its start, then every period, while it has not
    ended (`ends`, NaT while running) and not after `until`; a plan that ends when it
    starts, or starts after `until`, pays nothing. `customers` holds the rows' owners,
    grouped (each customer's rows together, as loaded and posted tables are): the
    payments come out grouped alike, each customer's in time order."""
    starts = np.asarray(starts, dtype="datetime64[ns]")
    n = len(starts)
    bound = np.full(n, np.datetime64(until, "ns") + np.timedelta64(1, "ns"))
    ended = np.zeros(n, dtype=bool)  # by the plan's own end, not the data's
    if ends is not None:
        ends = np.asarray(ends, dtype="datetime64[ns]")
        ended = ~np.isnat(ends) & (ends < bound)
        bound[ended] = ends[ended]
    months = np.array([p.months for p in periods], dtype=np.int64)
    days = np.array([p.days for p in periods], dtype=np.int64)
    steps = _Steps.of(starts, months, days)
    counts = np.zeros(n, dtype=np.int64)
    pays = bound > starts
    by_month = pays & (months > 0)
    if by_month.any():
        days_before_end = bound.astype("datetime64[D]").astype("datetime64[ns]") - MONTH_SLACK
        renewed_by = np.where(ended, days_before_end, bound)[by_month]
        renewed_by = np.maximum(renewed_by, starts[by_month] + np.timedelta64(1, "ns"))
        monthly = steps.subset(by_month)
        slack = _months_paid(monthly, renewed_by)
        # the slack drops only a one-period row's renewal (a month-row export's): a plan's
        # later renewal stands, its coming end unknown when it was paid
        counts[by_month] = np.where(slack == 1, 1, _months_paid(monthly, bound[by_month]))
    by_day = pays & (months == 0)
    if by_day.any():
        step = days[by_day] * DAY_NS
        span = (bound[by_day] - starts[by_day]).astype(np.int64)
        counts[by_day] = -(-span // step)  # k * step < span, k from 0
    rows = np.repeat(np.arange(n), counts)
    k = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
    taken = steps.subset(rows)
    paid_at, paid_until = taken.nth(k), taken.nth(k + 1)
    fee_months = np.array([p.in_months for p in periods], dtype=np.float64)[rows]
    order = _in_time_order(_group_codes(customers)[rows], paid_at)
    return Schedule(rows[order], paid_at[order], paid_until[order], fee_months[order])


DAY_NS = np.timedelta64(1, "D").astype("timedelta64[ns]").astype(np.int64)
MONTH_SLACK = np.timedelta64(3, "D")
"""A calendar-month row renews no closer than this before its own end's day (the most
two months' lengths differ; by day, whatever the times of day) where that renewal would
be its first: a row of one period ends on its own calendar. A plan of
Feb 29 to Mar 31, one of a run of month-long rows ending on each month's last day, had
renewed on Mar 29 too: 168 of 3,704 accounts of a month-row export paid twice a month,
and spent more than they could. (The first payment is made however short the plan.) A
later renewal stands: a plan running since January and cancelled on Jun 1 paid on May
30, and features as of May 31 read that payment, as they would with the end unknown
(dropped, the coming cancellation had leaked into them)."""


@dataclass(frozen=True)
class _Steps:
    """Each subscription's start as the parts its periods step from: its month (as a
    month number), day of month and time of day; and its period."""

    month: np.ndarray
    day_of_month: np.ndarray
    time_of_day: np.ndarray
    day: np.ndarray
    months: np.ndarray
    days: np.ndarray

    @classmethod
    def of(cls, starts: np.ndarray, months: np.ndarray, days: np.ndarray) -> _Steps:
        day = starts.astype("datetime64[D]")
        month = starts.astype("datetime64[M]")
        return cls(
            month=month.astype(np.int64),
            day_of_month=(day - month.astype("datetime64[D]")).astype(np.int64),
            time_of_day=(starts - day).astype(np.int64),
            day=day.astype(np.int64),
            months=months,
            days=days,
        )

    def subset(self, which: np.ndarray) -> _Steps:
        return _Steps(*(values[which] for values in vars(self).values()))

    def nth(self, k: np.ndarray) -> np.ndarray:
        """start + k periods: calendar months keep the start's day of month, or the
        month's last day when it has fewer (Jan 31 -> Feb 29 -> Mar 31), and the time of
        day."""
        month = (self.month + self.months * k).astype("datetime64[M]")
        first = month.astype("datetime64[D]")
        length = ((month + 1).astype("datetime64[D]") - first).astype(np.int64)
        by_months = first.astype(np.int64) + np.minimum(self.day_of_month, length - 1)
        day = np.where(self.months > 0, by_months, self.day + self.days * k)
        return (day * DAY_NS + self.time_of_day).astype("datetime64[ns]")


def _months_paid(steps: _Steps, bound: np.ndarray) -> np.ndarray:
    """How many k from 0 have start + k * months before `bound` (each start is before it)."""
    apart = bound.astype("datetime64[M]").astype(np.int64) - steps.month
    k = apart // steps.months
    return np.where(steps.nth(k) >= bound, k, k + 1)


def _in_time_order(groups: np.ndarray, paid_at: np.ndarray) -> np.ndarray:
    """The order putting each group's payments in time order, groups as they come: a
    subscription's payments already are, so only customers of two or more are sorted."""
    order = np.arange(len(groups))
    if len(groups) < 2:
        return order
    unsorted = (groups[1:] == groups[:-1]) & (paid_at[1:] < paid_at[:-1])
    if not unsorted.any():
        return order
    touched = np.isin(groups, np.unique(groups[1:][unsorted]))
    at = order[touched]
    order[touched] = at[np.lexsort((paid_at[at], groups[at]))]
    return order


def _group_codes(customers: Sequence[Any] | np.ndarray) -> np.ndarray:
    """A number per run of one customer's rows, in the order the runs come."""
    ids = np.asarray(customers)
    if len(ids) == 0:
        return np.zeros(0, dtype=np.int64)
    changed = np.concatenate([[False], ids[1:] != ids[:-1]])
    return np.cumsum(changed)


def plan_ends(
    customers: Sequence[Any] | np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    *,
    ending: np.ndarray | None = None,
) -> np.ndarray:
    """Which subscriptions' ends leave their customer with no plan running: the
    cancellations of a subscriptions table. An end another plan of theirs covers (begun
    by then or on the next day, not ended by then: an upgrade, a plan changed the same
    day, a second product, the next of a run of month rows written Jan 1-31, Feb 1-29,
    whose every end had read as a leaving) is no leaving; a trial's end beside twelve
    running plans had made an account a churner. Known the day after the end: it reads
    nothing later (at a cutoff on the end's day, a customer who does not renew the next
    day is already gone; one who does, not). `ending`: the rows whose
    ends may be leavings (default: all); the others only cover (a posted payment's
    period, `serving.live_tables.paid_subscriptions`)."""
    frame = pd.DataFrame(
        {
            "customer": _group_codes(customers),
            "start": np.asarray(starts, dtype="datetime64[ns]"),
            "end": np.asarray(ends, dtype="datetime64[ns]"),
        }
    )
    frame["row"] = np.arange(len(frame))
    ended = frame[frame["end"].notna()]
    several = frame["customer"].duplicated(keep=False)
    pairs = ended[several[ended.index]].merge(
        frame[several], on="customer", suffixes=("", "_other")
    )
    day_after = pairs["end"].dt.floor("D") + pd.Timedelta(days=2)  # up to the next day's end
    covered = (
        (pairs["row_other"] != pairs["row"])
        & (pairs["start_other"] < day_after)
        & (pairs["end_other"].isna() | (pairs["end_other"] > pairs["end"]))
    )
    leaving = frame["end"].notna().to_numpy().copy()
    leaving[pairs.loc[covered, "row"].to_numpy()] = False
    return leaving if ending is None else leaving & ending


SUBSCRIPTION_COLUMNS = ("ended_at", "billing_period")
"""A subscription's own columns, which its payments do not carry."""

PER_MONTH_COLUMNS = ("amount", "discount", "margin")
"""Money a monthly fee (`amount_per: month`) quotes per month, as each payment pays it."""


def periods_of(
    written: Any, every: Period, per_number: Period = ONE_DAY
) -> tuple[list[Period], list[str]]:
    """Each row's billing period from a `billing_period` column's cells (None: no such
    column), a blank cell reading as `every`, a number counting `per_number`; and the
    cells that read as no period."""
    if written is None:
        return [], []
    cells = list(written)
    read = {cell: every if _blank(cell) else parse_period(cell, per_number) for cell in set(cells)}
    unread = sorted({str(cell) for cell, period in read.items() if period is None})
    return [read[cell] or every for cell in cells], unread


def _blank(cell: Any) -> bool:
    return cell is None or cell is pd.NA or (isinstance(cell, float) and np.isnan(cell))


def payments(
    columns: dict[str, Any],
    every: Period,
    *,
    fee_per_month: bool,
    until: np.datetime64,
    per_number: Period = ONE_DAY,
) -> dict[str, Any]:
    """A table of subscriptions (canonical columns: numpy or pandas arrays, grouped by
    customer) as the payments they stand for (`schedule`): each column taken per payment,
    `timestamp` the payment's, `paid_until` the period's end, a monthly fee times the
    months paid for, and an `order_id` each (every payment an order of its own: two plans
    renewed on one day are two payments). `per_number`: what a number of the
    `billing_period` column counts."""
    periods, _ = periods_of(columns.get("billing_period"), every, per_number)
    starts = np.asarray(columns["timestamp"], dtype="datetime64[ns]")
    plan = schedule(
        columns["customer_id"],
        starts,
        columns.get("ended_at"),
        periods or [every] * len(starts),
        until,
    )
    out = {
        name: values.take(plan.rows)
        for name, values in columns.items()
        if name not in SUBSCRIPTION_COLUMNS
    }
    out["timestamp"] = plan.paid_at
    out["paid_until"] = plan.paid_until
    out["order_id"] = np.arange(len(plan.rows), dtype=np.int64)
    if fee_per_month:
        for name in PER_MONTH_COLUMNS:
            if name in out:
                out[name] = np.asarray(out[name], dtype=np.float64) * plan.months
    return out
