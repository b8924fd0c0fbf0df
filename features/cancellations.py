"""Announced leaving, from the `cancellations` table (DOMAIN.md: contractual churn is an
explicit cancellation; relationship type and switching cost: commitment).

A cancellation before the cutoff is the strongest signal a subscription log holds when
churn is read from paid periods (`expiry`): a member who switched off renewal is still
paid up, and still active, until the period ends. Under the `cancellation` definition a
customer whose last cancellation is not undone is gone and not scored
(`features/labels.py`), so there these features tell resubscribers apart.

What undoes a cancellation, the one rule features, labels and live scoring read
(`cancelled_unpaid`): a payment after it. When payments and cancellations carry times of
day, one at the same second or later does (a plan change written as a cancellation and a
new subscription paid in the same second is no leaving); in date-only data only one on
a later day does, as a payment on the cancellation's day may be the cancellation itself
(`features.tables.undo_by`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from features.activity import Activity
from features.context import Context
from features.registry import Columns, Family, FeatureSpec, Mechanism

SPECS = [
    FeatureSpec(
        "days_since_last_cancellation",
        "float",
        Mechanism.RELATIONSHIP,
        "Days since the customer's latest cancellation (NaN: none on or before the cutoff).",
        "cancelled {days_since_last_cancellation!d:.0f}",
        reason_missing="never cancelled",
    ),
    FeatureSpec(
        "cancellations_365d",
        "float",
        Mechanism.RELATIONSHIP,
        "Cancellations in the last 365 days.",
        "{cancellations_365d:.0f} cancellations in the last 365 days",
        reason_one="{cancellations_365d:.0f} cancellation in the last 365 days",
        reach_days=365,
    ),
]
SINCE_PAYMENT = FeatureSpec(
    "cancelled_since_last_payment",
    "float",
    Mechanism.RELATIONSHIP,
    "1 when no payment undid the latest cancellation (renewal switched off, the paid "
    "period running out), else 0.",
    "cancelled since their last payment: {cancelled_since_last_payment!y}",
    # one event, said once with its date (`serving/reasons.py` shows one reason of the
    # family): not "cancelled since their last payment: yes" beside "cancelled 12 days ago"
    reason_fuller=("cancelled {days_since_last_cancellation!d:.0f}, after their last payment"),
    reason_zero="no cancellation since their last payment",
)


def _specs(ctx: Context) -> list[FeatureSpec]:
    if ctx.cancellations is None:
        return []
    return SPECS + ([SINCE_PAYMENT] if ctx.orders is not None else [])


def _compute(ctx: Context, cutoff_day: int, done: Mapping[str, np.ndarray]) -> Columns:
    cancels = ctx.cancellations
    assert cancels is not None
    last_cancel = cancels.last_day(cancels.known(cutoff_day))
    columns = {
        "days_since_last_cancellation": cutoff_day - last_cancel,
        "cancellations_365d": cancels.count(cancels.window(cutoff_day, 365)),
    }
    if ctx.orders is not None:
        columns["cancelled_since_last_payment"] = cancelled_unpaid(ctx, cutoff_day) * 1.0
    return columns


def cancelled_unpaid(ctx: Context, cutoff_day: int) -> np.ndarray:
    """Per customer: their latest cancellation known at the cutoff is not undone by a
    payment known then (see the module docstring); False for those never cancelled."""
    cancels = ctx.cancellations
    assert cancels is not None
    known = cancels.known(cutoff_day)
    last_cancel = cancels.last_day(known)
    cancelled = ~np.isnan(last_cancel)
    lines = ctx.lines
    if lines is None:
        return cancelled
    paid = lines.known(cutoff_day)
    last_payment = lines.last_day(paid)
    undone = last_payment > last_cancel
    same_day = last_payment == last_cancel
    if ctx.undo_by == "time" and same_day.any():
        paid_at = _latest_second(lines, paid, last_cancel)
        cancelled_at = _latest_second(cancels, known, last_cancel)
        undone |= same_day & (paid_at >= cancelled_at)
    return cancelled & ~undone


def _latest_second(activity: Activity, mask: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Per customer, the latest time of day among the masked rows on their own `day`."""
    on_day = mask & (activity.day == day[activity.code])
    return activity.grouped(on_day, activity.values["second"][on_day], "max")


FAMILY = Family("cancellations", _specs, _compute)
