"""Churners who come back: customers labelled gone who buy again within an ordinary gap.

Under `inactivity` a churner is only a customer silent for the horizon. Where customers
buy every few months, most such silences are pauses: on a retailer's four years (a
purchase every 50 days at the median, one gap in ten over 168) 95% of the 90-day
horizon's churners bought again later, the model ranked them near chance, and `churn
train` only said "check the churn definition". This finds the share, from the label's
own activity (purchases, or usage events by `churn.activity`) after each churner's label
window, and the gaps a horizon should outlast.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from features.activity import Activity, day_of, run_starts
from features.context import prepare
from features.contract import ChurnSpec
from features.labels import observed_end
from features.tables import Tables

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


def comebacks(churners: pd.DataFrame, tables: Tables, churn: ChurnSpec) -> dict[str, Any] | None:
    """Of the `churners` (customer_id, cutoff of rows labelled churned), those active
    again within one usual gap (`usual_gaps`' 90th percentile) after their label window
    ends, counting only churners whose window ends that long before the data's end: a
    cutoff near the end has too little after it to tell. A return within one ordinary
    gap is a pause the label called a churn; one years later is a win-back, not a
    mislabel, and counting it would let early cutoffs' long futures inflate the share.
    None unless `inactivity`, or where no churner has that much data after it."""
    end = observed_end(tables, churn)
    if churn.definition != "inactivity" or end is None or churners.empty:
        return None
    end_day = day_of(end)
    context = prepare(tables, last_cutoff_day=end_day)
    usage = churn.by_usage(context.orders is not None)
    activity = context.events if usage else context.orders
    gaps = None if activity is None else usual_gaps(activity, end_day)
    if activity is None or gaps is None:
        return None
    span = math.ceil(gaps[1])
    counted = returned = 0
    for cutoff, ids in churners.groupby("cutoff")["customer_id"]:
        back_by = day_of(pd.Timestamp(cutoff)) + churn.horizon_days + span
        if back_by > end_day:
            continue
        active = activity.count(activity.window(back_by, span)) > 0
        codes = context.axis.get_indexer(ids.to_numpy())
        counted += len(codes)
        returned += int(active[codes[codes >= 0]].sum())
    if not counted:
        return None
    return {
        "churners": counted,
        "returned": returned,
        "share": returned / counted,
        "gap_median_days": gaps[0],
        "gap_p90_days": gaps[1],
        "horizon_days": churn.horizon_days,
        "activity": "usage" if usage else "purchases",
    }
