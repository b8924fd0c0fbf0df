"""Churn labels: the only code in the project that reads rows after a cutoff.

For cutoff day `t` and horizon `h` the label window is `(t, t + h]` in days (timestamps
from the start of day t+1 to the end of day t+h). A label is *observed* only when the
data reach the end of that window (`t + h <= observed_until`); unobserved labels must
not be trained or tested on.

- inactivity (non-contractual): eligible = at least one purchase in the
  `active_window_days` up to t; churned = no purchase in the label window. With
  `churn.activity: usage` (the default without transactions), usage events instead: a
  free app's players leave by no longer playing.
- cancellation (contractual): eligible = known at t and not gone: no cancellation on or
  before t that a later purchase did not undo, and (when the data hold dated activity)
  a purchase or usage event in the `active_window_days` up to t; churned = a
  cancellation in the label window.
- expiry (subscriptions whose payments carry the end of the paid period,
  `transactions.paid_until`): eligible = paid up at t, or ended at most `grace_days`
  before it; churned = by t + h the latest paid period (payments known then) ended more
  than `grace_days` ago: it expired and was not renewed in time. A plan paid past the
  window is no churner, however long it goes without a payment.
- label_column (labelled snapshot): every customer is eligible; churned = the label.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from features.activity import Activity, day_of
from features.build import exists_at
from features.context import Context, prepare
from features.contract import ChurnSpec
from features.subscription import paid_until_day
from features.tables import Tables, as_cutoffs


def label_churn(
    tables: Tables,
    churn: ChurnSpec,
    *,
    cutoffs: pd.Timestamp | str | Iterable,
    context: Context | None = None,
) -> pd.DataFrame:
    """One row per (customer_id, cutoff) for customers known at each cutoff: `eligible`
    (active then, under the churn definition), `churned` (only ever among the eligible: a
    member whose period ended long ago has not churned in the horizon, and read alone the
    column would say two thirds of a subscription log churn), `observed` (the horizon is
    in the data)."""
    cutoff_list = as_cutoffs(cutoffs)
    ctx = context or prepare(tables, last_cutoff_day=day_of(cutoff_list[-1]))
    end = observed_end(tables, churn)
    end_day = day_of(end) if end is not None else None
    parts = [_one_cutoff(ctx, churn, day_of(c), c, end_day) for c in cutoff_list]
    return pd.concat(parts, ignore_index=True)


def observed_end(tables: Tables, churn: ChurnSpec) -> pd.Timestamp | None:
    """The last day the label's own evidence is complete: the extract date when given,
    else for inactivity the last purchase (a later interaction does not prove nobody
    bought), or usage event, else the last activity of any table."""
    if tables.as_of is not None:
        return tables.as_of
    if churn.definition == "inactivity":
        usage = churn.by_usage(tables.transactions is not None)
        frame = tables.events if usage else tables.transactions
        if frame is not None:
            return frame["timestamp"].max().normalize()
    return tables.observed_until


def _one_cutoff(
    ctx: Context, churn: ChurnSpec, cutoff_day: int, cutoff: pd.Timestamp, end_day: int | None
) -> pd.DataFrame:
    rows = exists_at(ctx, cutoff_day)
    eligible, churned = _RULES[churn.definition](ctx, churn, cutoff_day)
    observed = churn.definition == "label_column" or (
        end_day is not None and cutoff_day + churn.horizon_days <= end_day
    )
    return pd.DataFrame(
        {
            "customer_id": ctx.axis[rows],
            "cutoff": pd.Timestamp(cutoff),
            "eligible": eligible[rows],
            "churned": (churned & eligible)[rows],
            "observed": observed,
        }
    )


def _any_in(activity: Activity, mask: np.ndarray) -> np.ndarray:
    return activity.count(mask) > 0


def _inactivity(ctx: Context, churn: ChurnSpec, cutoff_day: int) -> tuple[np.ndarray, np.ndarray]:
    activity = ctx.events if churn.by_usage(ctx.orders is not None) else ctx.orders
    assert activity is not None
    active = _any_in(activity, activity.window(cutoff_day, churn.active_window_days))
    after = _any_in(activity, activity.window(cutoff_day + churn.horizon_days, churn.horizon_days))
    return active, ~after


def _cancellation(ctx: Context, churn: ChurnSpec, cutoff_day: int) -> tuple[np.ndarray, np.ndarray]:
    """Eligible: not gone at the cutoff (see `_gone`); churned: a cancellation in the
    label window."""
    cancels = ctx.cancellations
    assert cancels is not None
    horizon = cancels.window(cutoff_day + churn.horizon_days, churn.horizon_days)
    return ~_gone(ctx, churn, cancels, cutoff_day), _any_in(cancels, horizon)


def _gone(ctx: Context, churn: ChurnSpec, cancels: Activity, cutoff_day: int) -> np.ndarray:
    """Gone at the cutoff: the last cancellation on or before it is not followed by a
    purchase (a member who resubscribed is a customer again; usage after a cancellation
    is not a return, as a cancelled plan often runs to its end), or, when the data hold
    dated activity, no purchase or usage in the `active_window_days` up to the cutoff
    (a lapse without a cancellation row: nobody left to lose)."""
    last_cancel = cancels.last_day(cancels.known(cutoff_day))
    gone = ~np.isnan(last_cancel)
    orders = ctx.orders
    if orders is not None:
        last_purchase = orders.last_day(orders.known(cutoff_day))
        gone &= ~(last_purchase > last_cancel)
    dated = [activity for activity in (orders, ctx.events) if activity is not None]
    if dated:
        recent = [_any_in(a, a.window(cutoff_day, churn.active_window_days)) for a in dated]
        gone |= ~np.logical_or.reduce(recent)
    return gone


def _label_column(ctx: Context, churn: ChurnSpec, cutoff_day: int) -> tuple[np.ndarray, np.ndarray]:
    label = ctx.tables.customers["label"].to_numpy(dtype=bool)
    return np.ones(ctx.n, dtype=bool), label


def _expiry(ctx: Context, churn: ChurnSpec, cutoff_day: int) -> tuple[np.ndarray, np.ndarray]:
    lines = ctx.lines
    assert lines is not None and "paid_until_day" in lines.values
    grace, end = churn.grace_days, cutoff_day + churn.horizon_days
    with np.errstate(invalid="ignore"):  # NaN: never paid, never eligible
        eligible = paid_until_day(lines, cutoff_day) + grace >= cutoff_day
        churned = paid_until_day(lines, end) + grace < end
    return eligible, churned


_RULES = {
    "inactivity": _inactivity,
    "cancellation": _cancellation,
    "label_column": _label_column,
    "expiry": _expiry,
}
