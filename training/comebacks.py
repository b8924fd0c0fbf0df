"""Churners who come back: customers labelled gone who buy again within an ordinary gap.

Under `inactivity` a churner is only a customer silent for the horizon. Where customers
buy every few months, most such silences are pauses: on a retailer's four years (a
purchase every 50 days at the median, one gap in ten over 168) 95% of the 90-day
horizon's churners bought again later, the model ranked them near chance, and `churn
train` only said "check the churn definition". This finds the share, from the label's
own activity (purchases, or usage events by `churn.activity`) after each churner's label
window, and the gaps a horizon should outlast; and the longest silence any customer had,
which a horizon must not outlast for anyone to churn (`longest_silence`).
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from features.activity import Activity, day_of, run_starts
from features.context import Context, prepare
from features.contract import ChurnSpec, quantity_column
from features.labels import observed_end
from features.tables import Tables, no_use_rows

USUAL_GAP_QUANTILE = 0.9
"""The gap between purchase days that 90% of gaps stay under: a horizon shorter than it
calls one ordinary pause in ten a churn."""


def usual_gaps(activity: Activity, end_day: int) -> tuple[float, float] | None:
    """The median and `USUAL_GAP_QUANTILE` of the days between one customer's consecutive
    active days, all customers' gaps pooled (None: nobody came twice). Pooled rather than
    per-customer medians: a regular's median hides the long pauses a horizon must
    outlast (the retailer's per-customer medians reached 91 days at the 90th
    percentile, while one gap in ten ran past 168)."""
    known = activity.known(end_day)
    code, day = activity.code[known], activity.day[known]
    first = run_starts(code, day)  # sorted by (code, day): one row per active day
    code, day = code[first], day[first]
    gaps = np.diff(day)[code[1:] == code[:-1]]
    if not len(gaps):
        return None
    return float(np.median(gaps)), float(np.quantile(gaps, USUAL_GAP_QUANTILE))


class LabelActivity(NamedTuple):
    """The activity an inactivity label reads, and where it is read from."""

    context: Context
    activity: Activity
    end_day: int
    """The day the label's evidence ends (`observed_end`)."""
    usage: bool
    """Usage events (`churn.activity`), not purchases."""


def label_activity(tables: Tables, churn: ChurnSpec) -> LabelActivity | None:
    """The purchases or usage events an inactivity label reads; None under another
    definition or with no dated activity."""
    end = observed_end(tables, churn)
    if churn.definition != "inactivity" or end is None:
        return None
    end_day = day_of(end)
    context = prepare(tables, last_cutoff_day=end_day)
    usage = churn.by_usage(context.orders is not None)
    activity = context.events if usage else context.orders
    return None if activity is None else LabelActivity(context, activity, end_day, usage)


def longest_silence(tables: Tables, churn: ChurnSpec) -> dict[str, Any] | None:
    """The most days any customer went without activity, between two active days or from
    the last to the data's end, and the latter's longest alone: under `inactivity` nobody
    churns when it is under the horizon (a bank posting interest to every account each
    month kept all 3,391 rows of a training grid stayers). None: no activity to read."""
    found = label_activity(tables, churn)
    if found is None:
        return None
    activity, end_day, usage = found.activity, found.end_day, found.usage
    known = activity.known(end_day)
    code, day = activity.code[known], activity.day[known]
    first = run_starts(code, day)  # sorted by (code, day): one row per active day
    code, day = code[first], day[first]
    if not len(day):
        return None
    last = np.append(code[1:] != code[:-1], True)
    gaps = np.diff(day)[code[1:] == code[:-1]]
    between, to_end = int(gaps.max(initial=0)), int((end_day - day[last]).max())
    empty = zero_rows(tables) if usage else None
    return {
        "zero_rows": empty,
        "days": max(between, to_end),
        "between_days": between,
        "to_end_days": to_end,
        "end": str(pd.Timestamp(end_day, unit="D").date()),
        "customers": int(last.sum()),
        "activity": "usage" if usage else "purchases",
    }


def zero_rows(tables: Tables) -> dict[str, float] | None:
    """The usage rows that record no use (`no_use_rows`: 0 in every quantity, a blank
    as 0, not blank in all), each still an active day: a MOOC log held a row per
    enrollment for 30 days whether used or not (92% all zeros), and no validation
    customer was ever silent for the horizon. None: no quantities."""
    frame = tables.events
    names = ("quantity", *map(quantity_column, tables.event_quantities))
    present = [name for name in names if frame is not None and name in frame]
    if frame is None or not present:
        return None
    empty = no_use_rows(frame[name] for name in present)
    return {"rows": len(empty), "share": float(empty.mean())}


def comebacks(churners: pd.DataFrame, tables: Tables, churn: ChurnSpec) -> dict[str, Any] | None:
    """Of the `churners` (customer_id, cutoff of rows labelled churned), those active
    again after their label window ends, followed for one usual gap (`usual_gaps`' 90th
    percentile) or as much of it as the data hold, and counted only where that is at
    least the median gap: a cutoff near the end has too little after it to tell. Asking
    every cutoff for a full 90th-percentile gap lost the note on a shop whose gap was 476
    days: 11 monthly cutoffs left none, though 90-92% of their churners bought again.
    A shorter follow-up can only miss returns, so the share errs low. A return within
    one ordinary gap is a pause the label called a churn; one years later is a win-back,
    not a mislabel, and counting it would let early cutoffs' long futures inflate the
    share. None unless `inactivity`, or where no churner has the median gap after it."""
    found = None if churners.empty else label_activity(tables, churn)
    if found is None:
        return None
    context, activity, end_day, usage = found
    gaps = usual_gaps(activity, end_day)
    if gaps is None:
        return None
    span, least = math.ceil(gaps[1]), math.ceil(gaps[0])
    counted = returned = 0
    follow_days: list[int] = []
    for cutoff, ids in churners.groupby("cutoff")["customer_id"]:
        gone_from = day_of(pd.Timestamp(cutoff)) + churn.horizon_days
        follow = min(span, end_day - gone_from)
        if follow < least:
            continue
        active = activity.count(activity.window(gone_from + follow, follow)) > 0
        codes = context.axis.get_indexer(ids.to_numpy())
        counted += len(codes)
        returned += int(active[codes[codes >= 0]].sum())
        follow_days.append(follow)
    if not counted:
        return None
    return {
        "churners": counted,
        "returned": returned,
        "share": returned / counted,
        "follow_up_min_days": min(follow_days),
        "follow_up_max_days": max(follow_days),
        "gap_median_days": gaps[0],
        "gap_p90_days": gaps[1],
        "horizon_days": churn.horizon_days,
        "activity": "usage" if usage else "purchases",
    }
