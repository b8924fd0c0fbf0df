"""Lifecycle stage and price sensitivity (DOMAIN.md: first-timers judge the product,
long-term customers the relationship, experienced buyers drift to price).

Stage rule, applied in this order:
- lapsed: no purchase for 180 days or more (unless within their own usual gap: a B2B
  account ordering once a year, silent 207 days of its 332), or 3× or more overdue on
  their own rhythm after at least 30 days without a purchase (`LAPSED_MIN_DAYS`); never
  while a paid period runs past the cutoff (193 of a streaming service's 252 annual
  members, paid up for months, had read as lapsed);
- first-time: exactly one purchase so far;
- short-term: tenure under 365 days;
- long-term: everyone else.
Without transactions the stage comes from tenure (first-time under 90 days, short-term
under 365, else long-term), and, where a usage log says, lapsed by the same rule on use:
no product use for 180 days, or 3× overdue on their rhythm of use after 30 days without
(`Tables.lapsed_by_use`; MovieLens' raters silent for 180-184 days had read as
short-term, since nobody without purchases could lapse).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from features.activity import ratio, selected
from features.context import Context
from features.monetary import WINDOWS_DAYS
from features.registry import Columns, Family, FeatureSpec, Mechanism
from features.subscription import paid_until_day

STAGES = ("first-time", "short-term", "long-term", "lapsed")
LAPSED_AFTER_DAYS = 180
LAPSED_OVERDUE_RATIO = 3.0
LAPSED_MIN_DAYS = WINDOWS_DAYS[0]
"""The overdue rule needs this many days without a purchase: the shortest window the
features count spend in (`spend_30d`). A customer who bought within it is no lapsed
customer whatever their rhythm: a household with 18 baskets in 90 days and 362 spent in
the last 30, silent 15 days against a usual gap of 4 (3.75× overdue), has skipped a few
trips, not left."""

ORDERS_TOTAL = "orders_total"
"""The purchases the stage reads where the data hold them (`features/monetary.py`)."""


def stages_of_tenure(*, with_purchases: bool) -> frozenset[str]:
    """The stages tenure alone decides (module docstring): short-term and long-term, and
    first-time too without purchases (with them it is a single purchase)."""
    stages = {"short-term", "long-term"} if with_purchases else {*STAGES} - {"lapsed"}
    return frozenset(stages)


TENURE_SPEC = FeatureSpec(
    "tenure_days",
    "float",
    Mechanism.LIFECYCLE,
    "Days since the customer's start up to the cutoff: the earlier of signup and first "
    "purchase or usage.",
    "customer for {tenure_days:.0f} days",
    reason_zero="a customer since today",  # not "customer for 0 days"
)
STAGE_SPEC = FeatureSpec(
    "lifecycle_stage",
    "category",
    Mechanism.LIFECYCLE,
    "first-time / short-term / long-term / lapsed, from tenure, orders and recency.",
    "{lifecycle_stage} customer",
    categories=STAGES,
)
ANNIVERSARY_SPEC = FeatureSpec(
    "days_until_anniversary",
    "float",
    Mechanism.RELATIONSHIP,
    "Days until the next anniversary of the signup date: annual contracts and memberships "
    "can only be left at renewal, so risk concentrates there. Its reason reads the nearer "
    "anniversary: past half a year, the one just gone (a renewal's grace running out).",
    "signup anniversary {days_until_anniversary!w:.0f}",
)
SEASON_SPEC = FeatureSpec(
    "cutoff_month",
    "float",
    Mechanism.SEASONALITY,
    "Calendar month of the cutoff (1-12): the horizon's season changes how much a silence "
    "means, so the same behaviour carries a different risk before a peak. No reason: it "
    "is the same for every customer scored at once.",
)
DISCOUNT_SPEC = FeatureSpec(
    "discount_share_365d",
    "float",
    Mechanism.LIFECYCLE,
    "Share of the last year's spend bought with a discount: price sensitivity.",
    "{discount_share_365d:.0%} of the last year's spend was discounted",
)


def _specs(ctx: Context) -> list[FeatureSpec]:
    specs = [TENURE_SPEC, STAGE_SPEC] if _tenure_known(ctx) else []
    specs.append(SEASON_SPEC)
    if not np.isnan(ctx.signup_day).all():
        specs.append(ANNIVERSARY_SPEC)
    if ctx.spends and ctx.lines is not None and "discounted" in ctx.lines.values:
        specs.append(DISCOUNT_SPEC)
    return specs


def _tenure_known(ctx: Context) -> bool:
    """Tenure needs a signup date or dated activity; a labelled snapshot without either
    (its tenure, if any, is an attribute) gets no tenure and no stage."""
    has_signups = not np.isnan(ctx.signup_day).all()
    return has_signups or ctx.orders is not None or ctx.events is not None


def first_activity_day(ctx: Context, cutoff_day: int) -> np.ndarray:
    """Earliest purchase or usage event known at the cutoff (NaN where none)."""
    first = np.full(ctx.n, np.nan)
    for activity in (ctx.orders, ctx.events):
        if activity is not None:
            first = np.fmin(first, activity.first_day(activity.known(cutoff_day)))
    return first


def start_day(ctx: Context, cutoff_day: int) -> np.ndarray:
    """The day a customer became one, as known at the cutoff: the earlier of their signup
    (on or before it) and their first purchase or usage event (NaN where neither). Usage
    dated before the signup is activity all the same: in a SaaS export half the usage rows
    came before the account's `signup_date`, and tenure from the signup read "customer for
    74 days; last feature_26 645 days ago"."""
    signed = np.where(ctx.signup_day <= cutoff_day, ctx.signup_day, np.nan)
    return np.fmin(signed, first_activity_day(ctx, cutoff_day))


def _compute(ctx: Context, cutoff_day: int, done: Mapping[str, np.ndarray]) -> Columns:
    tenure = cutoff_day - start_day(ctx, cutoff_day)
    columns: Columns = {"cutoff_month": np.full(ctx.n, float(month_of(cutoff_day)))}
    if TENURE_SPEC in _specs(ctx):
        paid = _paid_up(ctx, cutoff_day)
        stage = _stage(tenure, done, lapsed_by_use=ctx.tables.lapsed_by_use, paid_up=paid)
        columns |= {"tenure_days": tenure, "lifecycle_stage": stage}
    if ANNIVERSARY_SPEC in _specs(ctx):
        columns[ANNIVERSARY_SPEC.name] = _days_until_anniversary(ctx.signup_day, cutoff_day)
    if DISCOUNT_SPEC in _specs(ctx):
        lines = ctx.lines
        assert lines is not None
        window = lines.window(cutoff_day, 365)
        discounted = lines.values["amount"] * lines.values["discounted"]
        spend = lines.total(window, "amount")
        columns[DISCOUNT_SPEC.name] = ratio(
            np.bincount(
                selected(lines.code, window), weights=selected(discounted, window), minlength=ctx.n
            ),
            spend,
        )
    return columns


def _days_until_anniversary(signup_day: np.ndarray, cutoff_day: int) -> np.ndarray:
    """Days from the cutoff to the next signup anniversary (0 = on it); Feb 29 -> Feb 28.
    The signup, not the start tenure counts from (`start_day`): renewals follow the
    contract, and usage dated before it (a trial) is none. Where such usage makes tenure a
    year while the signup is months old, the reason's first-year wording
    (`serving.reasons._anniversary_words`, judged by tenure) reads the signup itself as the
    anniversary gone: a data set's quirk said at validate, against a renewal date shifted
    by the trial for every trial customer."""
    known = ~np.isnan(signup_day) & (signup_day <= cutoff_day)
    out = np.full(len(signup_day), np.nan)
    signup = np.floor(signup_day[known]).astype(np.int64).astype("datetime64[D]")
    month_start = signup.astype("datetime64[M]")
    month = month_start - signup.astype("datetime64[Y]").astype("datetime64[M]")  # 0-11
    day = (signup - month_start.astype("datetime64[D]")).astype(np.int64)  # 0-based
    day = np.where((month == np.timedelta64(1, "M")) & (day == 28), 27, day)
    year = np.datetime64(cutoff_day, "D").astype("datetime64[Y]")

    def in_year(first_of_year: np.datetime64) -> np.ndarray:
        months = first_of_year.astype("datetime64[M]") + month
        return (months.astype("datetime64[D]") + day).astype(np.int64)

    this_year, next_year = in_year(year), in_year(year + 1)
    out[known] = np.where(this_year >= cutoff_day, this_year, next_year) - cutoff_day
    return out


def month_of(cutoff_day: int) -> int:
    return int(np.datetime64(cutoff_day, "D").astype("datetime64[M]").astype(int) % 12 + 1)


def _paid_up(ctx: Context, cutoff_day: int) -> np.ndarray:
    """Whether a paid period (payments known at the cutoff) runs past the cutoff day."""
    lines = ctx.lines
    if lines is None or "paid_until_day" not in lines.values:
        return np.zeros(ctx.n, dtype=bool)
    return paid_until_day(lines, cutoff_day) > cutoff_day


def _stage(
    tenure: np.ndarray,
    done: Mapping[str, np.ndarray],
    *,
    lapsed_by_use: bool,
    paid_up: np.ndarray,
) -> np.ndarray:
    """The stage per the module docstring; None where tenure is unknown."""
    stage = np.where(tenure < 365, "short-term", "long-term").astype(object)
    if ORDERS_TOTAL in done:
        stage[done[ORDERS_TOTAL] == 1] = "first-time"
        lapsed = _lapsed(done["days_since_last_purchase"], done["overdue_ratio"])
        stage[lapsed & ~paid_up] = "lapsed"
    else:
        stage[tenure < 90] = "first-time"
        if lapsed_by_use and USE_SILENCE in done and USE_OVERDUE in done:
            stage[_lapsed(done[USE_SILENCE], done[USE_OVERDUE]) & ~paid_up] = "lapsed"
    stage[np.isnan(tenure)] = None
    return stage


USE_SILENCE, USE_OVERDUE = "days_since_last_event", "use_overdue_ratio"


def _lapsed(silence: np.ndarray, overdue: np.ndarray) -> np.ndarray:
    """Silent `LAPSED_AFTER_DAYS` or more but not within their own usual gap, or
    `LAPSED_OVERDUE_RATIO` times overdue on their own rhythm after `LAPSED_MIN_DAYS`."""
    overdue_long = (overdue >= LAPSED_OVERDUE_RATIO) & (silence >= LAPSED_MIN_DAYS)
    return ((silence >= LAPSED_AFTER_DAYS) & ~(overdue < 1)) | overdue_long


FAMILY = Family("lifecycle", _specs, _compute)
