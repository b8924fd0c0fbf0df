"""Churn labels: the only code in the project that reads rows after a cutoff.

For cutoff day `t` and horizon `h` the label window is `(t, t + h]` in days (timestamps
from the start of day t+1 to the end of day t+h). A label is *observed* only when the
data reach the end of that window (`t + h <= observed_until`); unobserved labels must
not be trained or tested on.

- inactivity (non-contractual): eligible = at least one purchase in the
  `active_window_days` up to t; churned = no purchase in the label window. With
  `churn.activity: usage` (the default without transactions), usage events instead: a
  free app's players leave by no longer playing. Where the data hold cancellations, a
  customer cancelled by t (no payment undid it) is gone, not eligible: fight-churn's
  users under inactivity by use were 412 of 417 churners cancelled before the cutoff,
  and training read their paid period and silence as leaks.
- cancellation (contractual): eligible = known at t and not gone (`gone_at`): no
  cancellation on or before t that a payment did not undo
  (`features.cancellations.cancelled_unpaid`), no paid period (`transactions.paid_until`)
  that ended more than `grace_days` before t unpaid, and (when the data hold dated
  activity) a purchase or usage event in the `active_window_days` up to t, or a paid
  period running at t (a two-year plan paid at its start); churned =
  gone by t + h by a cancellation or an unpaid expiry.
- expiry (subscriptions whose payments carry the end of the paid period,
  `transactions.paid_until`): eligible = paid up at t, or ended at most `grace_days`
  before it; churned = by t + h the latest paid period (payments known then) ended more
  than `grace_days` ago: it expired and was not renewed in time. A plan paid past the
  window is no churner, however long it goes without a payment.
- label_column (labelled snapshot): every customer is eligible; churned = the label,
  observed unless its value is one `label.unlabelled` names (not known yet: scored,
  never trained on).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.activity import Activity, day_of
from features.build import exists_at
from features.cancellations import cancelled_unpaid
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


def gone_reasons(tables: Tables, churn: ChurnSpec, *, cutoff: pd.Timestamp) -> pd.Series:
    """Under `cancellation`, why each customer known at the cutoff and gone by it is gone
    (`Gone.first`), by customer id: what `churn score` says and stores of those it leaves
    out."""
    day = day_of(cutoff)
    ctx = prepare(tables, last_cutoff_day=day)
    first = gone_at(ctx, churn, day).first()
    rows = exists_at(ctx, day) & pd.notna(first)
    return pd.Series(first[rows], index=ctx.axis[rows], dtype=object)


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
    if churn.definition == "label_column":  # a label value `unlabelled` names: not yet known
        observed = ctx.tables.customers["label"].notna().to_numpy()[rows]
    else:
        observed = end_day is not None and cutoff_day + churn.horizon_days <= end_day
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
    if ctx.cancellations is not None:  # cancelled by then: gone, no customer to keep
        active &= ~cancelled_unpaid(ctx, cutoff_day)
    after = _any_in(activity, activity.window(cutoff_day + churn.horizon_days, churn.horizon_days))
    return active, ~after


def _cancellation(ctx: Context, churn: ChurnSpec, cutoff_day: int) -> tuple[np.ndarray, np.ndarray]:
    """Eligible: not gone at the cutoff; churned: gone by the end of the label window, by
    a cancellation no payment undid or a paid period that ended unpaid (`gone_at`). A
    cancellation undone at once (a plan change) is no churn, and an expiry is: a member
    who leaves when the card fails leaves the population too, and labelled as staying
    they would teach the model that silence is safe. Lapsing (a year without activity)
    is no churn in the window: it is read at the cutoff."""
    later = gone_at(ctx, churn, cutoff_day + churn.horizon_days)
    return ~gone_at(ctx, churn, cutoff_day).any, later.cancelled | later.expired


@dataclass(frozen=True)
class Gone:
    """Why customers are no longer customers at a cutoff under `cancellation`, a mask per
    reason (a customer may be in several); the batch and live scoring leave them out."""

    cancelled: np.ndarray
    """Their latest cancellation is not undone by a payment (`cancelled_unpaid`)."""
    expired: np.ndarray
    """Their latest paid period (`transactions.paid_until`) ended more than `grace_days`
    before the cutoff: a subscription that ran out unpaid (failed cards, a trial that
    did not convert) leaves no cancellation row."""
    lapsed: np.ndarray
    """No purchase or usage in the `active_window_days` up to the cutoff."""

    @property
    def any(self) -> np.ndarray:
        return self.cancelled | self.expired | self.lapsed

    def first(self) -> np.ndarray:
        """Per customer, the first of `GONE_REASONS` they are gone for (None: not gone):
        each counted once, under the first of cancelled, expired and lapsed."""
        reason = np.full(len(self.cancelled), None, dtype=object)
        for name in reversed(GONE_REASONS):
            reason[getattr(self, name)] = name
        return reason


GONE_REASONS = ("cancelled", "expired", "lapsed")


def gone_at(ctx: Context, churn: ChurnSpec, day: int) -> Gone:
    """Who is gone at `day` under `cancellation`: cancelled (usage after a cancellation is
    no return, as a cancelled plan often runs to its end), expired unpaid (when payments
    carry `paid_until`), or, when the data hold dated activity, lapsed: nobody left to
    lose. A member paid up at `day` has not lapsed, however long since their payment: a
    contract log's 1,219 two-year plans, running and paid until months after the cutoff,
    were left out as "no activity in the 365-day active window"."""
    lapsed = np.zeros(ctx.n, dtype=bool)
    dated = [activity for activity in (ctx.orders, ctx.events) if activity is not None]
    if dated:
        recent = [_any_in(a, a.window(day, churn.active_window_days)) for a in dated]
        lapsed = ~np.logical_or.reduce(recent)
    expired = np.zeros(ctx.n, dtype=bool)
    if ctx.lines is not None and "paid_until_day" in ctx.lines.values:
        ends = paid_until_day(ctx.lines, day)  # once: the expired and the paid up read it
        expired = _unpaid(ends, churn.grace_days, day)
        with np.errstate(invalid="ignore"):  # NaN: never paid
            lapsed &= ~(ends >= day)
    return Gone(cancelled=cancelled_unpaid(ctx, day), expired=expired, lapsed=lapsed)


def expired_unpaid(lines: Activity, grace_days: int, day: int) -> np.ndarray:
    """The latest paid period known at `day` ended more than `grace_days` before it
    (False for the paid up, those in grace and those who never paid)."""
    return _unpaid(paid_until_day(lines, day), grace_days, day)


def _unpaid(ends: np.ndarray, grace_days: int, day: int) -> np.ndarray:
    """`expired_unpaid` of the paid periods' `ends` (days; NaN: never paid)."""
    with np.errstate(invalid="ignore"):
        return ends + grace_days < day


def _label_column(ctx: Context, churn: ChurnSpec, cutoff_day: int) -> tuple[np.ndarray, np.ndarray]:
    label = ctx.tables.customers["label"].fillna(False).to_numpy(dtype=bool)
    return np.ones(ctx.n, dtype=bool), label


def _expiry(ctx: Context, churn: ChurnSpec, cutoff_day: int) -> tuple[np.ndarray, np.ndarray]:
    lines = ctx.lines
    assert lines is not None and "paid_until_day" in lines.values
    grace, end = churn.grace_days, cutoff_day + churn.horizon_days
    with np.errstate(invalid="ignore"):  # NaN: never paid, never eligible
        eligible = paid_until_day(lines, cutoff_day) + grace >= cutoff_day
    return eligible, expired_unpaid(lines, grace, end)


_RULES = {
    "inactivity": _inactivity,
    "cancellation": _cancellation,
    "label_column": _label_column,
    "expiry": _expiry,
}
