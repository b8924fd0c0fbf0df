"""Frequency and monetary value: purchase occasions and spend in 30/90/365-day windows.

Counts are purchase occasions (orders; customer-days when the data has no order id), so a
basket of ten lines is one purchase. Spend sums the lines that count at the cutoff: a line
its return reversed stops counting from the return's day (`features/returns.py`), so a
partly returned order keeps what was kept. Lifetime totals are the historical value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from features.activity import Activity, ratio
from features.context import Context
from features.registry import Columns, Family, FeatureSpec, Mechanism
from features.tables import nan_to_zero, numbers

WINDOWS_DAYS = (30, 90, 365)
PACE_MONTHS = 3
PACE = f"purchase_pace_{PACE_MONTHS}m_vs_history"
PACE_DAYS_AT_MOST = 92
"""The longest 3 calendar months (July to September, October to December)."""


def _window_specs() -> list[FeatureSpec]:
    specs = []
    for days in WINDOWS_DAYS:
        specs.append(
            FeatureSpec(
                f"orders_{days}d",
                "float",
                Mechanism.FREQUENCY_MONETARY,
                f"Purchase occasions in the {days} days up to the cutoff.",
                f"{{orders_{days}d:.0f}} purchases in the last {days} days",
                reason_one=f"{{orders_{days}d:.0f}} purchase in the last {days} days",
                reach_days=days,
            )
        )
        specs.append(
            FeatureSpec(
                f"spend_{days}d",
                "float",
                Mechanism.FREQUENCY_MONETARY,
                f"Total spend in the {days} days up to the cutoff.",
                f"spent {{spend_{days}d!v:,.0f}} in the last {days} days",
                reach_days=days,
            )
        )
    return specs


SPECS = [
    *_window_specs(),
    FeatureSpec(
        "avg_order_value_365d",
        "float",
        Mechanism.FREQUENCY_MONETARY,
        "spend_365d ÷ orders_365d.",
        "average order {avg_order_value_365d!v:,.0f} over the last year",
    ),
    FeatureSpec(
        PACE,
        "float",
        Mechanism.PARTIAL_DEFECTION,
        f"Purchase occasions after the first in the {PACE_MONTHS} calendar months up to the "
        "cutoff ÷ the occasions after the first that as many days held on average since "
        "the first purchase: frequency against the customer's own history (1 = usual pace; "
        "blank with one purchase, which sets none, or where the window holds none and the "
        "history expects fewer than one).",
        f"buying at {{{PACE}:.0%}} of their usual pace in the last {PACE_MONTHS} months",
        reach_days=PACE_DAYS_AT_MOST,
    ),
    FeatureSpec(
        "orders_total",
        "float",
        Mechanism.FREQUENCY_MONETARY,
        "Purchase occasions since the first known purchase.",
        "{orders_total:.0f} purchases in total",
        reason_one="{orders_total:.0f} purchase in total",
    ),
    FeatureSpec(
        "spend_total",
        "float",
        Mechanism.FREQUENCY_MONETARY,
        "Lifetime spend up to the cutoff: the customer's realised (historical) value.",
        "lifetime spend {spend_total!v:,.0f}",
    ),
]


MARGIN_SPECS = [
    FeatureSpec(
        "margin_365d",
        "float",
        Mechanism.FREQUENCY_MONETARY,
        "What the lines of the 365 days up to the cutoff earned after their costs (a mapped "
        "`margin`): a customer's current value, of either sign.",
        "margin {margin_365d!v:,.0f} in the last 365 days",
        reach_days=365,
    ),
    FeatureSpec(
        "margin_total",
        "float",
        Mechanism.FREQUENCY_MONETARY,
        "What all their lines earned after costs up to the cutoff: the historical value.",
        "lifetime margin {margin_total!v:,.0f}",
    ),
]
"""Only where the transactions map `margin`: spend says what a customer buys, margin
what they are worth (DOMAIN.md: some cost more to serve than they bring)."""


SPEND_NAMES = frozenset(
    {*(f"spend_{days}d" for days in WINDOWS_DAYS), "avg_order_value_365d", "spend_total"}
)
"""The features of money: a log without amounts (`Context.spends`) declares the others."""


def _specs(ctx: Context) -> list[FeatureSpec]:
    if ctx.orders is None:
        return []
    assert ctx.lines is not None
    specs = SPECS if ctx.spends else [s for s in SPECS if s.name not in SPEND_NAMES]
    return specs + MARGIN_SPECS if "margin" in ctx.lines.values else specs


def _compute(ctx: Context, cutoff_day: int, done: Mapping[str, np.ndarray]) -> Columns:
    orders, lines = ctx.orders, ctx.lines
    assert orders is not None and lines is not None
    columns: Columns = {}
    for days in WINDOWS_DAYS:
        columns[f"orders_{days}d"] = orders.count(orders.window(cutoff_day, days))
        if ctx.spends:
            columns[f"spend_{days}d"] = lines.total(lines.window(cutoff_day, days), "amount")
    known = orders.known(cutoff_day)
    if ctx.spends:
        columns["avg_order_value_365d"] = ratio(columns["spend_365d"], columns["orders_365d"])
    columns["orders_total"] = orders.count(known)
    columns[PACE] = _pace(orders, known, columns["orders_total"], cutoff_day)
    if ctx.spends:
        columns["spend_total"] = lines.total(lines.known(cutoff_day), "amount")
    if "margin" in lines.values:
        columns["margin_365d"] = lines.total(lines.window(cutoff_day, 365), "margin")
        columns["margin_total"] = lines.total(lines.known(cutoff_day), "margin")
    return columns


def _pace(orders: Activity, known: np.ndarray, total: np.ndarray, cutoff_day: int) -> np.ndarray:
    """`PACE`: the occasions after the first purchase, in the last `PACE_MONTHS` calendar
    months against as many days of the customer's time since it. The first purchase
    starts the count, as a bill starts a period: counted too, a subscriber who paid on
    Sep 28, Oct 28, Nov 28 and Dec 28 held 4 payments in 95 days, 3.9 to a 92-day
    quarter, and "paying at 77% of their usual pace" was said of them (265 of a pet
    insurer's members); after the first, 3 in 94 days is 2.9 to the quarter, and 3 paid.
    Blank where the window holds none and the history expects less than one: a yearly
    account's quiet quarter is no pace (a B2B buyer silent 207 days of its usual 332 read
    "buying at 0% of their usual pace")."""
    pace_days = calendar_days_back(cutoff_day, PACE_MONTHS)
    first = orders.first_day(known)
    first_inside = (first > cutoff_day - pace_days).astype(np.float64)
    recent = orders.count(orders.window(cutoff_day, pace_days)) - first_inside
    after_first = np.where(total > 0, total - 1, np.nan)
    elapsed = np.maximum(cutoff_day - first, pace_days)
    expected = after_first * pace_days / elapsed
    quiet = (recent == 0) & (expected < 1)  # no purchase due yet: no slower pace
    return np.where(quiet, np.nan, ratio(recent, expected))


def calendar_days_back(cutoff_day: int, months: int) -> int:
    """The days of the `months` calendar months up to the cutoff, from the same day of
    the month that many months before (from a month's last day at a month-end cutoff).
    Such a window holds one bill a month on whichever day of the month it falls, where
    90 days ending Dec 31 held two bills paid on the 1st, and "paying at 68% of their
    usual pace" was said of monthly subscribers who had missed none."""
    cutoff = pd.Timestamp(np.datetime64(int(cutoff_day), "D"))
    start = (
        cutoff - pd.offsets.MonthEnd(months)
        if cutoff.is_month_end
        else cutoff - pd.DateOffset(months=months)
    )
    return (cutoff - start).days


def year_spend(features: Mapping[str, Any], money: str = "spend") -> np.ndarray:
    """`spend_365d` (or `margin_365d`) as a customer's current value (0 without lines);
    where that year reaches before the data (unknown, `FeatureSpec.reach_days`), the
    total the data hold (`spend_total`, all inside that year): on four months of baskets
    a customer is worth what they spent in them, not nothing."""
    year = numbers(features[f"{money}_365d"])
    if f"{money}_total" in features:
        year = np.where(np.isnan(year), numbers(features[f"{money}_total"]), year)
    return nan_to_zero(year)


FAMILY = Family("monetary", _specs, _compute)
