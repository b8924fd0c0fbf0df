"""Recency and the purchase cycle (DOMAIN.md: the rice seller).

Lateness is relative to the customer's own rhythm: 90 silent days is alarming for a
monthly buyer and normal for a yearly one, so next to raw recency we measure the
customer's typical gap between purchase days and the overdue ratio. The rhythm is of
days, as every feature here is: two orders on one day (a basket split into orders, as
Olist's often are) are one occasion, not a gap of 0 days. The same measure of the days
of use gives a usage log its own rhythm (`Rhythm`, read by `features/usage.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from features.activity import Activity, _segments, ratio, reduce_by_code, run_starts, selected
from features.context import Context
from features.registry import Columns, Family, FeatureSpec, Mechanism

SPECS = [
    FeatureSpec(
        "days_since_last_purchase",
        "float",
        Mechanism.RECENCY,
        "Days from the last purchase to the cutoff (0 = bought on the cutoff day).",
        "no purchase for {days_since_last_purchase:.0f} days",
        reason_one="no purchase for {days_since_last_purchase:.0f} day",
        reason_missing="no purchase yet",
        reason_zero="last purchase today",  # not "no purchase for 0 days"
        reason_fuller=(
            "no purchase for {days_since_last_purchase:.0f} days, {overdue_ratio!x} their usual gap"
        ),
    ),
    FeatureSpec(
        "days_since_first_purchase",
        "float",
        Mechanism.LIFECYCLE,
        "Days from the first purchase the data hold to the cutoff: the buying "
        "relationship's age, or the data's own for a customer who bought before they begin.",
        # "on record": a member since 2013 in a log from 2015 read "first purchase 701 days
        # ago" beside "customer for 3417 days"; BG/NBD's age is this one too (left-truncated)
        "first purchase on record {days_since_first_purchase:.0f} days ago",
        reason_one="first purchase on record {days_since_first_purchase:.0f} day ago",
        reason_missing="no purchase yet",
    ),
    FeatureSpec(
        "gap_median_days",
        "float",
        Mechanism.RECENCY,
        "Median days between the customer's purchase days (needs two or more).",
        "usually buys every {gap_median_days:.0f} days",
        reason_one="usually buys every {gap_median_days:.0f} day",
        # "days": two orders on one day are no rhythm either, beside "2 purchases in total"
        reason_missing="fewer than two purchase days: no buying rhythm yet",
    ),
    FeatureSpec(
        "gap_cv",
        "float",
        Mechanism.RELATIONSHIP,
        "Coefficient of variation of the gaps: low = regular, partner-like buying.",
        "gaps between purchases vary by {gap_cv:.0%} of their average",
    ),
    FeatureSpec(
        "overdue_ratio",
        "float",
        Mechanism.RECENCY,
        "days_since_last_purchase ÷ gap_median_days: how late against their own rhythm.",
        "no purchase for {days_since_last_purchase:.0f} days, {overdue_ratio!x} their usual gap",
        reason_one=(
            "no purchase for {days_since_last_purchase:.0f} day, {overdue_ratio!x} their usual gap"
        ),
        reason_missing="fewer than two purchase days: no buying rhythm yet",  # as the gaps
        reason_zero="last purchase today",  # no silence to compare: 0 days, "0% of" the gap
    ),
    FeatureSpec(
        "silence_beyond_gaps_share",
        "float",
        Mechanism.RECENCY,
        "Share of the customer's own past gaps that were shorter than the current silence: "
        "a nonparametric overdue measure that needs no assumption about the gap shape.",
        "silent for longer than {silence_beyond_gaps_share!a:.0%} of their past gaps",
        # not "than 0% of"; nor "less time than any gap": 62 days silent after a gap of
        # 62 (H&M) is no gap shorter, and no longer than one
        reason_zero="silent no longer than any gap they had before",
    ),
    FeatureSpec(
        "silence_vs_longest_gap",
        "float",
        Mechanism.RECENCY,
        "days_since_last_purchase ÷ the longest gap the customer ever had.",
        "silent {silence_vs_longest_gap!x} their longest gap so far",
        reason_zero="last purchase today",  # not "silent 0% of their longest gap"
    ),
]


def _specs(ctx: Context) -> list[FeatureSpec]:
    return SPECS if ctx.orders is not None else []


@dataclass(frozen=True)
class Rhythm:
    """A customer's occasions (distinct days) known at a cutoff: the silence since the
    last one and the gaps between them, of purchases or of use alike."""

    recency: np.ndarray
    """Days from the last occasion to the cutoff per customer (NaN: none yet)."""
    gap_code: np.ndarray
    """The customer code of each gap."""
    gaps: np.ndarray
    """Days between consecutive occasions of one customer (float)."""
    n: int

    def of_gaps(self, how: str) -> np.ndarray:
        """A reduction of each customer's gaps (`reduce_by_code`; NaN under two occasions)."""
        if how in EXACT_PER_RUN:
            return self.per_customer(self.gaps, how)
        return reduce_by_code(self.gap_code, self.gaps, how, self.n)

    def per_customer(self, values: np.ndarray, how: str) -> np.ndarray:
        """The mean or max of whole numbers, one per gap (the gaps, 0/1 flags), per
        customer (NaN under two occasions), over each customer's run of gaps: the gaps
        come sorted by customer, so no groupby has to find them (0.13-0.35 s a
        reduction of 10M gaps). The sums of whole numbers are exact, so the means equal
        pandas' compensated ones to the bit, as the maxima do."""
        if how not in EXACT_PER_RUN:
            raise ValueError(f"per-run reductions are {sorted(EXACT_PER_RUN)}, not {how!r}")
        out = np.full(self.n, np.nan)
        if len(values):
            starts, ends, counts = self._runs
            out[self.gap_code[starts]] = _segments(values, starts, ends, counts, how)
        return out

    @cached_property
    def _runs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Start, end and length of each customer's run of gaps."""
        starts = np.flatnonzero(run_starts(self.gap_code))
        ends = np.append(starts[1:], len(self.gap_code))
        return starts, ends, ends - starts


EXACT_PER_RUN = frozenset({"mean", "max"})
"""Reductions of whole numbers that `Rhythm.per_customer` computes to pandas' bit: a
median keeps pandas' groupby (its per-group selection), a standard deviation too
(Welford's running sums round otherwise than two passes)."""


def rhythm(days: Activity, known: np.ndarray, cutoff_day: int) -> Rhythm:
    """The rhythm of `days` (one row per customer-day, or per order where the rhythm is
    of orders), of the `known` rows: only what happened on or before the cutoff."""
    code, day = selected(days.code, known), selected(days.day, known)
    same = code[1:] == code[:-1]
    gaps = (day[1:] - day[:-1])[same].astype(np.float64)
    recency = cutoff_day - days.last_day(known)
    return Rhythm(recency, code[1:][same], gaps, days.n_customers)


def _compute(ctx: Context, cutoff_day: int, done: Mapping[str, np.ndarray]) -> Columns:
    days = ctx.purchase_days
    assert days is not None
    known = days.known(cutoff_day)
    own = rhythm(days, known, cutoff_day)
    median, mean = own.of_gaps("median"), own.of_gaps("mean")
    beyond = (own.gaps < own.recency[own.gap_code]).astype(np.float64)
    return {
        "days_since_last_purchase": own.recency,
        "days_since_first_purchase": cutoff_day - days.first_day(known),
        "gap_median_days": median,
        "gap_cv": ratio(own.of_gaps("std"), mean),
        "overdue_ratio": ratio(own.recency, median),
        "silence_beyond_gaps_share": own.per_customer(beyond, "mean"),
        "silence_vs_longest_gap": ratio(own.recency, own.of_gaps("max")),
    }


FAMILY = Family("recency", _specs, _compute)
