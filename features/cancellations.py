"""Announced leaving, from the `cancellations` table (DOMAIN.md: contractual churn is an
explicit cancellation; relationship type and switching cost: commitment).

A cancellation before the cutoff is the strongest signal a subscription log holds when
churn is read from paid periods (`expiry`): a member who switched off renewal is still
paid up, and still active, until the period ends. Under the `cancellation` definition a
customer whose last cancellation is not followed by a payment is gone and not scored
(`features/labels.py`), so there these features tell resubscribers apart.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

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
    ),
]
SINCE_PAYMENT = FeatureSpec(
    "cancelled_since_last_payment",
    "float",
    Mechanism.RELATIONSHIP,
    "1 when the latest cancellation is on or after the latest payment (renewal switched "
    "off, the paid period running out), else 0.",
    "cancelled since their last payment: {cancelled_since_last_payment!y}",
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
        last_payment = ctx.orders.last_day(ctx.orders.known(cutoff_day))
        cancelled = ~np.isnan(last_cancel) & ~(last_payment > last_cancel)
        columns["cancelled_since_last_payment"] = cancelled.astype(np.float64)
    return columns


FAMILY = Family("cancellations", _specs, _compute)
