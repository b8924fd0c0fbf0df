"""The values of a numeric attribute that read as the typical customer's, from the training rows.

A reason beside the typical value claims a difference: "session_count 10 (typical 9)"
headed 46 of a Sparkify holdout's worklist rows, and "GET_200_count 53 (typical 59)"
raised the risk, where both values lie among the middle fifth of the users. What
matters is how many customers lie between a value and the median, not how far apart the
numbers are: within 10% of the median lay 4.5% of Sparkify's users by `session_count`
and 89% by `next_song_rate`. So the band is drawn by rank: the values whose customers sit within
`TYPICAL_BAND` of the median customer's rank. `serving/reasons.py` lets a reason
speak from inside it only where the training rows back its side (`churn.sides`).

Computed once when a model is packaged (`training/package.py`), kept in its `info` as
plain lists; a model packaged before has none and keeps the 10% rule alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from features.registry import FeatureSpec
from features.tables import numbers

TYPICAL_BAND = 0.1
"""How far a value's rank among the training rows (a share of them) may lie from the
median customer's and still read as typical: the middle fifth of the customers. On
Sparkify's per-user counts that is 7 to 11 sessions around a median of 9, tenures of 42 to
52 days around 48 (17 days stays a reason), 46 to 76 GET requests around 59: 1,646 of its
holdout's 27,341 reasons lay in the band more than 10% off the median, and the training
rows backed the side of none. Values held by many are ranked at the middle of their block:
a bank's one product (half its customers) and two products (46%) are two ranks 48 points
apart, each outside the other's band."""


def typical_bands(rows: pd.DataFrame, specs: Sequence[FeatureSpec]) -> dict[str, list[float]]:
    """Per feature of `specs` whose reason says the typical value (`reason_typical`: a
    numeric attribute), the lowest and highest training value in its typical band (see
    `TYPICAL_BAND`); none where no value lies in it. JSON-ready."""
    found = {}
    for spec in specs:
        if spec.reason_typical and spec.name in rows:
            band = typical_band(numbers(rows[spec.name]))
            if band is not None:
                found[spec.name] = band
    return found


def typical_band(values: np.ndarray) -> list[float] | None:
    """The lowest and highest of `values` whose mid-rank (the share of values below it
    plus half those equal) lies within `TYPICAL_BAND` of the median's; None without one.
    Mid-ranks rise with the value, so the band is one run of values."""
    known = values[np.isfinite(values)]
    if not len(known):
        return None
    levels, counts = np.unique(known, return_counts=True)
    mid_ranks = (np.cumsum(counts) - counts / 2) / len(known)
    median_rank = np.interp(np.median(known), levels, mid_ranks)
    inside = levels[np.abs(mid_ranks - median_rank) <= TYPICAL_BAND]
    return [float(inside[0]), float(inside[-1])] if len(inside) else None
