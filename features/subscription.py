"""Commitment of a paying member: how long they are paid up for, and on what plan
(DOMAIN.md, relationship type and switching cost: contract / commitment attributes
where present). Read from a payment log that holds the end of each paid period
(`transactions.paid_until`, e.g. a membership expiry date).

As of a cutoff, a member is paid up to the latest end of the payments known then: a
renewal paid before the cutoff counts, one paid after it does not (its end date lies in
the future, so the loader accepts it; only the payment's own day decides when it is
known).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from features.activity import Activity, reduce_by_code
from features.context import Context
from features.registry import Columns, Family, FeatureSpec, Mechanism

SPECS = [
    FeatureSpec(
        "paid_days_left",
        "float",
        Mechanism.RELATIONSHIP,
        "Days from the cutoff to the end of the latest paid period (negative: ended).",
        # with the plan: "ends in 10 days" is news for an annual plan, routine for a
        # monthly one (`serving/reasons.py` shows no running monthly period's end)
        "paid period {paid_days_left!e:.0f} ({plan_days_last!t} plan)",
    ),
    FeatureSpec(
        "plan_days_last",
        "float",
        Mechanism.RELATIONSHIP,
        "Days the latest payment paid for (a monthly or a yearly plan).",
        "{plan_days_last!t} plan",
    ),
]


def paid_until_day(lines: Activity, cutoff_day: int) -> np.ndarray:
    """Per customer, the latest end of a paid period among payments known at the
    cutoff day (NaN: none). Labels read it at a later day, features at the cutoff."""
    known = lines.known(cutoff_day)
    ends = lines.values["paid_until_day"][known]
    return reduce_by_code(lines.code[known], ends, "max", lines.n_customers)


def _specs(ctx: Context) -> list[FeatureSpec]:
    paid = ctx.lines is not None and "paid_until_day" in ctx.lines.values
    return SPECS if paid else []


def _compute(ctx: Context, cutoff_day: int, done: Mapping[str, np.ndarray]) -> Columns:
    lines = ctx.lines
    assert lines is not None
    known = lines.known(cutoff_day)
    periods = lines.values["paid_until_day"][known] - lines.day[known]
    return {
        "paid_days_left": paid_until_day(lines, cutoff_day) - cutoff_day,
        "plan_days_last": reduce_by_code(lines.code[known], periods, "last", lines.n_customers),
    }


FAMILY = Family("subscription", _specs, _compute)
