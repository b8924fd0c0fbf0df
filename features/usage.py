"""Product usage / engagement from the `events` table (logins, sessions, calls...).

Subscription and telecom customers rarely "purchase"; they show engagement by using the
product, and disengagement precedes cancellation. Overall: the silence since the last
use, judged against the customer's own rhythm of active days as the purchase cycle is
(`features/recency.py`: 20 silent days are late for a daily user, not a weekly one), and
active days and events in windows. Per event type (configured, else the
most frequent few at the earliest cutoff): counts in 7/30/90 days, the 30-day trend
against the 30 days before, days since last, and quantity (minutes, MB) when present,
with its own 30-day trend: a daily usage log (one row per active day) counts days, and
only its quantity shows a user listening or calling less on the days they still come.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from features.activity import Activity, ratio, relative_change, run_starts
from features.context import Context, last_of, slug, taken_silences
from features.contract import UNTYPED_EVENT, quantity_column
from features.recency import rhythm
from features.registry import Columns, Family, FeatureSpec, Mechanism

WINDOWS_DAYS = (7, 30, 90)
AGAINST_RHYTHM = "{use_overdue_ratio!x} their usual gap between active days"
NO_RHYTHM = "fewer than two active days: no rhythm of use yet"

OVERALL_SPECS = [
    FeatureSpec(
        "days_since_last_event",
        "float",
        Mechanism.ENGAGEMENT,
        "Days since any product-usage event.",
        "no product use for {days_since_last_event:.0f} days",
        reason_missing="no product use yet",
        reason_zero="used the product today",  # not "no product use for 0 days"
        reason_fuller=f"no product use for {{days_since_last_event:.0f}} days, {AGAINST_RHYTHM}",
    ),
    FeatureSpec(
        "active_gap_median_days",
        "float",
        Mechanism.RECENCY,
        "Median days between the customer's active days (needs two or more): the rhythm "
        "their silence is judged by, a weekly user's 20 days apart from a daily user's.",
        "usually active every {active_gap_median_days:.0f} days",
        reason_one="usually active every {active_gap_median_days:.0f} day",
        reason_missing=NO_RHYTHM,
    ),
    FeatureSpec(
        "active_gap_cv",
        "float",
        Mechanism.ENGAGEMENT,
        "Coefficient of variation of the gaps between active days (needs two gaps): low = "
        "a habit of use. Blank with one gap, which tells the reasons a rhythm of two active "
        "days (`serving/one_gap.py`).",
        "gaps between active days vary by {active_gap_cv:.0%} of their average",
    ),
    FeatureSpec(
        "use_overdue_ratio",
        "float",
        Mechanism.RECENCY,
        "days_since_last_event ÷ active_gap_median_days: how late against their own rhythm of use.",
        f"no product use for {{days_since_last_event:.0f}} days, {AGAINST_RHYTHM}",
        reason_one=f"no product use for {{days_since_last_event:.0f}} day, {AGAINST_RHYTHM}",
        reason_missing=NO_RHYTHM,  # as the gaps
        reason_zero="used the product today",  # no silence to compare
    ),
    FeatureSpec(
        "use_silence_vs_longest_gap",
        "float",
        Mechanism.RECENCY,
        "days_since_last_event ÷ the longest gap between active days the customer ever had: "
        "a bursty user's silence against the breaks they came back from (a contributor "
        "away 632, 241 and 256 days between bursts of daily use, silent 282 days, read "
        "282× their usual gap of a day).",
        "silent {use_silence_vs_longest_gap!x} their longest gap between active days so far",
        reason_zero="used the product today",  # not "silent 0% of their longest gap"
    ),
    FeatureSpec(
        "active_days_30d",
        "float",
        Mechanism.ENGAGEMENT,
        "Distinct days with any usage event in the last 30 days.",
        "active on {active_days_30d:.0f} of the last 30 days",
        reach_days=30,
    ),
    FeatureSpec(
        "active_days_90d",
        "float",
        Mechanism.ENGAGEMENT,
        "Distinct days with any usage event in the last 90 days.",
        "active on {active_days_90d:.0f} of the last 90 days",
        reach_days=90,
    ),
    FeatureSpec(
        "events_trend_30d_vs_prev",
        "float",
        Mechanism.ENGAGEMENT,
        "Relative change of all usage events, last 30 days vs the 30 before.",
        "product use {events_trend_30d_vs_prev!c:.0%} versus the previous 30 days",
        reason_missing="no product use in the 30 days before the last 30",
        reach_days=60,
    ),
]


def type_specs(
    event_type: str,
    *,
    with_quantity: bool,
    alone: bool = False,
    unit: str = "units",
    taken: frozenset[str] = frozenset({"event"}),
    words: str | None = None,
) -> list[FeatureSpec]:
    """The declarations for one event type; `event_type` is the raw value, `words` what
    reasons call it (`type_words`). The only type of a log (`alone`) has no trend or
    silence of its own: they would repeat the overall ones, number for number ("activity
    down 47%" beside "product use down 47%"); `taken`: see `taken_silences`."""
    t, said = slug(event_type), words or type_words(event_type)
    specs = [
        FeatureSpec(
            f"events_{t}_{days}d",
            "float",
            Mechanism.ENGAGEMENT,
            f"'{event_type}' events in the last {days} days.",
            f"{{events_{t}_{days}d:.0f}} {said} events in the last {days} days",
            reason_one=f"{{events_{t}_{days}d:.0f}} {said} event in the last {days} days",
            reach_days=days,
        )
        for days in WINDOWS_DAYS
    ]
    if not alone:
        specs += _trend_and_silence(event_type, said, taken)
    if with_quantity:
        specs += _quantity(event_type, said, unit)
    return specs


def type_words(event_type: str) -> str:
    """What reasons call an event type without `type_words`: its own value, or "type '2'"
    for a code of digits ("3 2 events in the last 7 days" said nothing; quoted, as a bare
    "type 1 events" reads as one event)."""
    return f"type '{event_type}'" if event_type.isdigit() else event_type


def _quantity(event_type: str, said: str, unit: str) -> list[FeatureSpec]:
    # an untyped log's events are use itself: not "445,982 API calls of activity"
    of = "" if event_type == UNTYPED_EVENT else f" of {said}"
    return _sum_and_trend(
        f"quantity_{slug(event_type)}",
        f"the quantity (minutes, MB, items) of '{event_type}'",
        f"{unit}{of}",
    )


def _sum_and_trend(name: str, what: str, words: str) -> list[FeatureSpec]:
    """`name`_30d, the total of `what` in the last 30 days ("1,240 minutes of call in the
    last 30 days"), and `name`_trend_30d_vs_prev, its change against the 30 days before
    (declining engagement on the days still active)."""
    return [
        FeatureSpec(
            f"{name}_30d",
            "float",
            Mechanism.ENGAGEMENT,
            f"Total of {what} in the last 30 days.",
            f"{{{name}_30d:,.0f}} {words} in the last 30 days",
            reach_days=30,
        ),
        FeatureSpec(
            f"{name}_trend_30d_vs_prev",
            "float",
            Mechanism.ENGAGEMENT,
            f"Relative change of {what}, last 30 days vs the 30 before.",
            f"{words} {{{name}_trend_30d_vs_prev!c:.0%}} versus the previous 30 days",
            reason_missing=f"no {words} in the 30 days before the last 30",
            reach_days=60,
        ),
    ]


def _trend_and_silence(event_type: str, said: str, taken: frozenset[str]) -> list[FeatureSpec]:
    t = slug(event_type)
    coded = said == type_words(event_type) != event_type  # "type '3'": a code, not a word
    last, things = (f"{said} event", f"{said} events") if coded else (said, said)
    return [
        FeatureSpec(
            f"events_{t}_trend_30d_vs_prev",
            "float",
            Mechanism.ENGAGEMENT,
            f"Relative change of '{event_type}' events, last 30 days vs the 30 before.",
            f"{things} {{events_{t}_trend_30d_vs_prev!c:.0%}} versus the previous 30 days",
            reason_missing=f"no {things} in the 30 days before the last 30",
            reach_days=60,
        ),
        FeatureSpec(
            last_of(t, taken),
            "float",
            Mechanism.ENGAGEMENT,
            f"Days since the last '{event_type}' event.",
            # not "no Error for 15 days": a type may be a failure as well as a use
            f"last {last} {{{last_of(t, taken)}!d:.0f}}",
            reason_missing=f"no {things} yet",
        ),
    ]


def further_quantity_specs(column: str, unit: str) -> list[FeatureSpec]:
    """A further quantity of the log (`events.quantities`), over all its events: "412
    unique songs in the last 30 days", "unique songs down 40% versus the previous 30
    days". No favourable side: a count of skipped songs is not one of songs played."""
    return _sum_and_trend(f"usage_{slug(column)}", f"'{column}' ({unit})", unit)


def _specs(ctx: Context) -> list[FeatureSpec]:
    if ctx.events is None:
        return []
    with_quantity = "quantity" in ctx.events.values
    alone = len(ctx.event_types) == 1
    taken = taken_silences(ctx.tables)
    per_type = [
        s
        for t in ctx.event_types
        for s in type_specs(
            t,
            with_quantity=with_quantity,
            alone=alone,
            unit=ctx.tables.quantity_unit(t),
            taken=taken,
            words=ctx.tables.event_type_words.get(t),
        )
    ]
    further = [
        s
        for column, unit in ctx.tables.event_quantities.items()
        if quantity_column(column) in ctx.events.values
        for s in further_quantity_specs(column, unit)
    ]
    return OVERALL_SPECS + per_type + further


def _compute(ctx: Context, cutoff_day: int, done: Mapping[str, np.ndarray]) -> Columns:
    events = ctx.events
    assert events is not None
    assert ctx.event_days is not None
    own = rhythm(ctx.event_days, ctx.event_days.known(cutoff_day), cutoff_day)
    median = own.of_gaps("median")
    columns: Columns = {
        "days_since_last_event": own.recency,
        "active_gap_median_days": median,
        "active_gap_cv": ratio(own.of_gaps("std"), own.of_gaps("mean")),
        "use_overdue_ratio": ratio(own.recency, median),
        "use_silence_vs_longest_gap": ratio(own.recency, own.of_gaps("max")),
        "active_days_30d": _active_days(events, events.window(cutoff_day, 30)),
        "active_days_90d": _active_days(events, events.window(cutoff_day, 90)),
        "events_trend_30d_vs_prev": relative_change(
            events.count(events.window(cutoff_day, 30)),
            events.count(events.window(cutoff_day, 30, offset=30)),
        ),
    }
    alone = len(ctx.event_types) == 1
    taken = taken_silences(ctx.tables)
    for code, event_type in enumerate(ctx.event_types):
        is_type = events.values["type"] == code
        columns.update(_type_columns(events, is_type, event_type, cutoff_day, alone, taken))
    every = np.ones(len(events.code), dtype=bool)
    for column in ctx.tables.event_quantities:
        if quantity_column(column) in events.values:
            summed = _summed(events, every, quantity_column(column), cutoff_day)
            columns.update({f"usage_{slug(column)}_{k}": v for k, v in summed.items()})
    return columns


def _summed(events: Activity, rows: np.ndarray, key: str, cutoff_day: int) -> Columns:
    """A quantity's total over `rows` in the last 30 days and its change against the 30
    before (`_sum_and_trend`'s two features, by suffix)."""
    recent = events.total(rows & events.window(cutoff_day, 30), key)
    before = events.total(rows & events.window(cutoff_day, 30, offset=30), key)
    return {"30d": recent, "trend_30d_vs_prev": relative_change(recent, before)}


def _type_columns(
    events: Activity,
    is_type: np.ndarray,
    event_type: str,
    cutoff_day: int,
    alone: bool,
    taken: frozenset[str],
) -> Columns:
    t = slug(event_type)
    columns = {
        f"events_{t}_{days}d": events.count(is_type & events.window(cutoff_day, days))
        for days in WINDOWS_DAYS
    }
    if not alone:
        columns[f"events_{t}_trend_30d_vs_prev"] = relative_change(
            columns[f"events_{t}_30d"],
            events.count(is_type & events.window(cutoff_day, 30, offset=30)),
        )
        columns[last_of(t, taken)] = cutoff_day - events.last_day(
            is_type & events.known(cutoff_day)
        )
    if "quantity" in events.values:
        summed = _summed(events, is_type, "quantity", cutoff_day)
        columns.update({f"quantity_{t}_{k}": v for k, v in summed.items()})
    return columns


def _active_days(events: Activity, mask: np.ndarray) -> np.ndarray:
    """Distinct event days per customer; rows are sorted by (code, day)."""
    code, day = events.code[mask], events.day[mask]
    if len(code) == 0:
        return np.zeros(events.n_customers)
    first_of_day = run_starts(code, day)
    return np.bincount(code[first_of_day], minlength=events.n_customers).astype(np.float64)


FAMILY = Family("usage", _specs, _compute)
