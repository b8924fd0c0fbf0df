"""Partial defection and relationship breadth (DOMAIN.md: the medical-lab example).

Customers rarely leave at once: they keep buying cheap consumables while the big
purchases move to a competitor. So we compare the customer with their own past: spend
and purchases in the last window against the window before, categories bought now
against before, and the share of recent spend that is only consumables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from itertools import pairwise

import numpy as np

from features.activity import Activity, ratio, relative_change
from features.context import Context
from features.levels import codes_in
from features.registry import Columns, Family, FeatureSpec, Mechanism

TREND_SPECS = [
    FeatureSpec(
        "spend_trend_90d_vs_prev",
        "float",
        Mechanism.PARTIAL_DEFECTION,
        "Relative change of spend, last 90 days vs the 90 before (-0.6 = down 60%).",
        "spend {spend_trend_90d_vs_prev!c:.0%} versus the previous 90 days",
        reason_missing="no spend in the 90 days before the last 90",
        reach_days=180,
    ),
    FeatureSpec(
        "orders_trend_90d_vs_prev",
        "float",
        Mechanism.PARTIAL_DEFECTION,
        "Relative change of purchase occasions, last 90 days vs the 90 before.",
        "purchases {orders_trend_90d_vs_prev!c:.0%} versus the previous 90 days",
        reason_missing="no purchase in the 90 days before the last 90",
        reach_days=180,
    ),
    FeatureSpec(
        "spend_trend_180d_vs_prev",
        "float",
        Mechanism.PARTIAL_DEFECTION,
        "Relative change of spend, last 180 days vs the 180 before.",
        "spend {spend_trend_180d_vs_prev!c:.0%} versus the previous half-year",
        reason_missing="no spend in the half-year before the last",
        reach_days=360,
    ),
]
CATEGORY_SPECS = [
    FeatureSpec(
        "category_breadth_365d",
        "float",
        Mechanism.RELATIONSHIP,
        "Distinct product categories bought in the last year: breadth = switching cost.",
        "bought from {category_breadth_365d:.0f} categories in the last year",
        # not "no purchase": lines of no category count for no category
        reason_zero="bought from no category in the last year",
        reach_days=365,
    ),
    FeatureSpec(
        "category_breadth_90d",
        "float",
        Mechanism.PARTIAL_DEFECTION,
        "Distinct categories bought in the last 90 days.",
        "bought from {category_breadth_90d:.0f} categories in the last 90 days",
        reason_zero="bought from no category in the last 90 days",
        reach_days=90,
    ),
    FeatureSpec(
        "category_breadth_180d",
        "float",
        Mechanism.PARTIAL_DEFECTION,
        "Distinct categories bought in the last 180 days.",
        "bought from {category_breadth_180d:.0f} categories in the last 180 days",
        reason_zero="bought from no category in the last 180 days",
        reach_days=180,
    ),
    FeatureSpec(
        "category_breadth_change_180d",
        "float",
        Mechanism.PARTIAL_DEFECTION,
        "category_breadth_180d minus the distinct categories of the 180 days before.",
        "bought from {category_breadth_180d:.0f} categories in the last 180 days, "
        "{category_breadth_change_180d!m:.0f} the half-year before",
        reach_days=360,
    ),
    FeatureSpec(
        "consumables_share_90d",
        "float",
        Mechanism.PARTIAL_DEFECTION,
        "Share of the last 90 days' spend on consumables (configured, else the "
        "categories whose median line amount is below the overall median at the cutoff).",
        "{consumables_share_90d:.0%} of the last 90 days' spend on consumables",
    ),
]


INFERRED_CONSUMABLES = (
    "{consumables_share_90d:.0%} of the last 90 days' spend on low-price categories"
)
"""The consumables reason where the data name none (`consumable_categories`): the cheaper
categories are inferred, and a die-cast model seller's motorcycles and planes read as
"consumables" to a retention team."""


SPEND_TRENDS = frozenset(
    {"spend_trend_90d_vs_prev", "spend_trend_180d_vs_prev", "consumables_share_90d"}
)
"""The trends of money (the consumables' share is of spend, their inference by line
amounts): a log without amounts (`Context.spends`) declares the others."""


def _specs(ctx: Context) -> list[FeatureSpec]:
    if ctx.orders is None:
        return []
    specs = TREND_SPECS
    if ctx.categories and ctx.tables.consumable_categories is not None:
        specs = TREND_SPECS + CATEGORY_SPECS
    elif ctx.categories:
        specs = TREND_SPECS + [
            replace(s, reason=INFERRED_CONSUMABLES) if s.name == "consumables_share_90d" else s
            for s in CATEGORY_SPECS
        ]
    return specs if ctx.spends else [s for s in specs if s.name not in SPEND_TRENDS]


def _compute(ctx: Context, cutoff_day: int, done: Mapping[str, np.ndarray]) -> Columns:
    orders, lines = ctx.orders, ctx.lines
    assert orders is not None and lines is not None
    columns: Columns = {}
    for days in (90, 180) if ctx.spends else ():  # spend from lines (`features/monetary.py`)
        now, before = lines.window(cutoff_day, days), lines.window(cutoff_day, days, offset=days)
        columns[f"spend_trend_{days}d_vs_prev"] = relative_change(
            lines.total(now, "amount"), lines.total(before, "amount")
        )
    columns["orders_trend_90d_vs_prev"] = relative_change(
        orders.count(orders.window(cutoff_day, 90)),
        orders.count(orders.window(cutoff_day, 90, offset=90)),
    )
    if ctx.categories and ctx.lines is not None:
        columns.update(_category_columns(ctx, ctx.lines, cutoff_day))
    return columns


def _category_columns(ctx: Context, lines: Activity, cutoff_day: int) -> Columns:
    levels = len(ctx.categories)
    breadth_now = lines.distinct(lines.window(cutoff_day, 180), "category", levels)
    breadth_before = lines.distinct(lines.window(cutoff_day, 180, offset=180), "category", levels)
    columns = {
        "category_breadth_365d": lines.distinct(lines.window(cutoff_day, 365), "category", levels),
        "category_breadth_90d": lines.distinct(lines.window(cutoff_day, 90), "category", levels),
        "category_breadth_180d": breadth_now,
        "category_breadth_change_180d": breadth_now - breadth_before,
    }
    if ctx.spends:
        consumables = _consumable_codes(ctx, lines, cutoff_day)
        columns["consumables_share_90d"] = _share_of(lines, cutoff_day, consumables, levels)
    return columns


def _share_of(lines: Activity, cutoff_day: int, codes: np.ndarray, levels: int) -> np.ndarray:
    """Share of the last 90 days' spend on the categories `codes`."""
    recent = lines.window(cutoff_day, 90)
    consumable = codes_in(lines.values["category"], codes, levels)
    return ratio(lines.total(recent & consumable, "amount"), lines.total(recent, "amount"))


def consumables_share(ctx: Context, cutoff_day: int, categories: tuple[str, ...]) -> np.ndarray:
    """`consumables_share_90d` on the context's axis with these consumable categories:
    what a model that keeps them (`ChurnModel.consumable_categories`) computes."""
    lines = ctx.lines
    assert lines is not None
    kept = replace(ctx, tables=replace(ctx.tables, consumable_categories=categories))
    codes = _consumable_codes(kept, lines, cutoff_day)
    return _share_of(lines, cutoff_day, codes, len(ctx.categories))


MIN_CATEGORIES_TO_INFER = 5
"""Fewer categories bought (a SaaS's three plans) say nothing about which are the cheap
consumables: the cheapest plan read as one ("100% of spend on consumables" beside
"plan: starter"). Configure `consumable_categories` to have them anyway."""


def consumable_categories(ctx: Context, cutoff_day: int) -> tuple[str, ...] | None:
    """The consumable categories as of `cutoff_day` (configured or inferred), for a model to
    keep: scored later, it uses these rather than infer them again from other rows (a live
    request's few lines would give another set than the batch). None: no categories."""
    if not ctx.categories or ctx.lines is None or not ctx.spends:
        return None
    codes = _consumable_codes(ctx, ctx.lines, cutoff_day)
    return tuple(ctx.categories[i] for i in codes.tolist())


def _consumable_codes(ctx: Context, lines: Activity, cutoff_day: int) -> np.ndarray:
    """Codes of consumable categories: configured, else low-median-amount categories."""
    configured = ctx.tables.consumable_categories
    if configured is not None:
        wanted = set(configured)
        return np.array([i for i, c in enumerate(ctx.categories) if c in wanted], dtype=np.int64)
    known = lines.known(cutoff_day) & (lines.values["category"] >= 0)
    amount, category = lines.values["amount"][known], lines.values["category"][known]
    if len(amount) == 0:
        return np.array([], dtype=np.int64)
    order = np.argsort(category, kind="stable")
    bounds = np.searchsorted(category[order], np.arange(len(ctx.categories) + 1))
    medians = np.array(
        [np.median(amount[order[a:b]]) if b > a else np.inf for a, b in pairwise(bounds)]
    )
    if np.isfinite(medians).sum() < MIN_CATEGORIES_TO_INFER:
        return np.array([], dtype=np.int64)
    return np.flatnonzero(medians < np.median(amount))


FAMILY = Family("trends", _specs, _compute)
