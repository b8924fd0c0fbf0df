"""Service quality (DOMAIN.md: five dimensions; one bad interaction can end it).

Complaints, tickets and billing errors per window (reliability), tickets still open at
the cutoff and how long resolution takes (responsiveness), days since the last negative
interaction, and satisfaction with its trend, which is a weak input on purpose: surveys
mislead. An interaction counts only once it happened *and* was recorded by the cutoff;
one resolved after the cutoff is still open at the cutoff.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import lru_cache

import numpy as np

from features.activity import Activity
from features.context import Context
from features.contract import INTERACTION_TYPES
from features.levels import codes_in
from features.registry import Columns, Family, FeatureSpec, Mechanism

COUNTED = {
    "complaint": "complaints",
    "ticket": "tickets",
    "billing_error": "billing_errors",
    "call": "calls",
}
WINDOWS_DAYS = (30, 90, 365)
NEGATIVE = ("complaint", "billing_error")
"""Interaction types that are negative experiences in themselves."""
ISSUES = ("complaint", "ticket", "billing_error")
"""Types that open something to resolve."""


def _count_specs() -> dict[str, list[FeatureSpec]]:
    words = {
        "complaints": "complaints",
        "tickets": "support tickets",
        "billing_errors": "billing errors",
        "calls": "service calls",
    }
    one = {
        "complaints": "complaint",
        "tickets": "support ticket",
        "billing_errors": "billing error",
        "calls": "service call",
    }
    return {
        canonical: [
            FeatureSpec(
                f"{plural}_{days}d",
                "float",
                Mechanism.SERVICE,
                f"{words[plural].capitalize()} in the {days} days up to the cutoff.",
                f"{{{plural}_{days}d:.0f}} {words[plural]} in the last {days} days",
                reason_one=f"{{{plural}_{days}d:.0f}} {one[plural]} in the last {days} days",
                reach_days=days,
            )
            for days in WINDOWS_DAYS
        ]
        for canonical, plural in COUNTED.items()
    }


COUNT_SPECS = _count_specs()
"""Per counted type, its counts in each window: a model counts the types its training
data held (`_counted`)."""
RESOLUTION_SPECS = [
    FeatureSpec(
        "complaints_unresolved_30d",
        "float",
        Mechanism.SERVICE,
        "Complaints opened in the last 30 days and not resolved by the cutoff.",
        "{complaints_unresolved_30d:.0f} unresolved complaints in the last 30 days",
        reason_one="{complaints_unresolved_30d:.0f} unresolved complaint in the last 30 days",
        reach_days=30,
    ),
    FeatureSpec(
        "issues_unresolved",
        "float",
        Mechanism.SERVICE,
        "Complaints, tickets and billing errors still open at the cutoff.",
        "{issues_unresolved:.0f} open service issues (complaints, tickets, billing errors)",
        reason_one=(
            "{issues_unresolved:.0f} open service issue (complaint, ticket or billing error)"
        ),
    ),
    FeatureSpec(
        "resolution_days_median_365d",
        "float",
        Mechanism.SERVICE,
        "Median days to resolve the customer's issues resolved in the last year, with the "
        "fraction of a day their times hold (a complaint resolved in 44 hours took 1.83 "
        "days, not the 1 its calendar days differ by).",
        "issues took {resolution_days_median_365d:.1f} days to resolve (median)",
    ),
]
NEGATIVE_SPEC = FeatureSpec(
    "days_since_last_negative_interaction",
    "float",
    Mechanism.SERVICE,
    "Days since the last complaint or billing error (missing: never).",
    "last complaint or billing error {days_since_last_negative_interaction!d:.0f}",
    reason_missing="no complaint or billing error on record",
)
SCALE_TOPS = (5.0, 7.0, 10.0, 100.0)
"""The tops of the survey scales in use: stars, 7-point Likert, NPS's 0-10, percent."""


def scale_top(scores: np.ndarray) -> float | None:
    """The top of the survey's scale where the scores show one: their highest is a
    common top and none is negative (None otherwise: the score is shown alone). A score
    of 1 means nothing to a reader until it reads "1 of 5"."""
    given = scores[np.isfinite(scores)]
    if not len(given) or given.min() < 0:
        return None
    top = float(given.max())
    return top if top in SCALE_TOPS else None


@lru_cache(maxsize=8)
def satisfaction_specs(top: float | None) -> tuple[FeatureSpec, ...]:
    """The satisfaction features, their scores read against the scale's `top` where the
    data show one ("last satisfaction score 1 of 5")."""
    of = "" if top is None else f" of {top:.0f}"
    return (
        FeatureSpec(
            "satisfaction_mean_90d",
            "float",
            Mechanism.SATISFACTION,
            "Mean satisfaction score given in the last 90 days.",
            f"average satisfaction {{satisfaction_mean_90d:.1f}}{of} in the last 90 days",
        ),
        FeatureSpec(
            "satisfaction_trend_90d_vs_prev",
            "float",
            Mechanism.SATISFACTION,
            "Mean satisfaction of the last 90 days minus that of the 90 days before.",
            "satisfaction {satisfaction_trend_90d_vs_prev!c:.1f} points versus the previous "
            "90 days",
        ),
        FeatureSpec(
            "satisfaction_last",
            "float",
            Mechanism.SATISFACTION,
            "The most recent satisfaction score.",
            f"last satisfaction score {{satisfaction_last!n}}{of}",
        ),
    )


@lru_cache(maxsize=16)
def negative_spec(present: frozenset[str]) -> FeatureSpec:
    """`NEGATIVE_SPEC` naming only the negative kinds the data hold: a shop whose
    contacts have no billing errors reads "last complaint 74 days ago" (cached: declared
    on every build, a live run's too)."""
    kinds = [kind for kind in ("complaint", "billing_error") if kind in present]
    if len(kinds) != 1:
        return NEGATIVE_SPEC
    words = kinds[0].replace("_", " ")
    return replace(
        NEGATIVE_SPEC,
        reason=f"last {words} {{days_since_last_negative_interaction!d:.0f}}",
        reason_missing=f"no {words} on record",
    )


def _specs(ctx: Context) -> list[FeatureSpec]:
    acts = ctx.interactions
    if acts is None:
        return []
    present = _present(acts)
    counted = [spec for kind in _counted(ctx, present) for spec in COUNT_SPECS[kind]]
    specs = [*counted, negative_spec(present)]
    if "resolved_day" in acts.values:
        specs += RESOLUTION_SPECS
    if "satisfaction" in acts.values:
        specs += satisfaction_specs(scale_top(acts.values["satisfaction"]))
    return specs


def _present(acts: Activity) -> frozenset[str]:
    """The interaction types the rows hold: one linear count, as `_compute` asks at every
    cutoff (a sort of every row's type each time would not be)."""
    kind = np.asarray(acts.values["type"], dtype=np.int64)
    held = np.bincount(kind[kind >= 0], minlength=len(INTERACTION_TYPES))
    return frozenset(t for t, n in zip(INTERACTION_TYPES, held, strict=False) if n)


def _counted(ctx: Context, present: frozenset[str]) -> list[str]:
    """The types counted per window: a model's as it was trained (`Tables.
    interaction_types`), else those the rows hold. A marketplace's ratings mapped as
    complaints alone had tickets, billing errors and calls counted too: 9 features 0 for
    every customer, in `describe`, the model and its notes."""
    trained = ctx.tables.interaction_types
    counted = present if trained is None else trained
    return [kind for kind in COUNTED if kind in counted]


def counted_types(names: Iterable[str]) -> frozenset[str]:
    """The interaction types whose window counts are among the feature `names` (a
    model's): those it counts whatever the rows scored now hold."""
    named = set(names)
    return frozenset(k for k, specs in COUNT_SPECS.items() if any(s.name in named for s in specs))


def _compute(ctx: Context, cutoff_day: int, done: Mapping[str, np.ndarray]) -> Columns:
    acts = ctx.interactions
    assert acts is not None
    known = _known(acts, cutoff_day)
    kind = acts.values["type"]
    columns: Columns = {}
    for canonical in _counted(ctx, _present(acts)):
        plural = COUNTED[canonical]
        is_type = known & (kind == INTERACTION_TYPES.index(canonical))
        for days in WINDOWS_DAYS:
            columns[f"{plural}_{days}d"] = acts.count(is_type & acts.window(cutoff_day, days))
    negative = known & _of_types(kind, NEGATIVE)
    columns[NEGATIVE_SPEC.name] = cutoff_day - acts.last_day(negative)
    if "resolved_day" in acts.values:
        columns.update(_resolution(acts, known, cutoff_day))
    if "satisfaction" in acts.values:
        columns.update(_satisfaction(acts, known, cutoff_day))
    return columns


def _of_types(kind: np.ndarray, types: Iterable[str]) -> np.ndarray:
    """Rows whose type is one of `types` (a row without a type is of none)."""
    wanted = [INTERACTION_TYPES.index(t) for t in types]
    return codes_in(kind, wanted, len(INTERACTION_TYPES))


def _known(acts: Activity, cutoff_day: int) -> np.ndarray:
    """Happened and recorded on or before the cutoff day (late-recorded rows wait)."""
    known = acts.known(cutoff_day)
    recorded = acts.values.get("recorded_day")
    if recorded is not None:
        known &= np.isnan(recorded) | (recorded <= cutoff_day)
    return known


def _resolution(acts: Activity, known: np.ndarray, cutoff_day: int) -> Columns:
    """Open and resolved issues at the cutoff. An issue is resolved once its resolution's
    day is on or before the cutoff day (the cutoff day is known whole, as every row's
    is); how long it took is timed to the fraction of a day (`resolution_days`), which
    only a resolution on or before the cutoff day can show."""
    kind, resolved = acts.values["type"], acts.values["resolved_day"]
    issue = known & _of_types(kind, ISSUES)
    is_open = issue & (np.isnan(resolved) | (resolved > cutoff_day))
    complaint = kind == INTERACTION_TYPES.index("complaint")
    closed = issue & ~is_open & acts.window(cutoff_day, 365)
    durations = np.maximum(acts.values["resolution_days"][closed], 0.0)
    return {
        "complaints_unresolved_30d": acts.count(is_open & complaint & acts.window(cutoff_day, 30)),
        "issues_unresolved": acts.count(is_open),
        "resolution_days_median_365d": acts.grouped(closed, durations, "median"),
    }


def _satisfaction(acts: Activity, known: np.ndarray, cutoff_day: int) -> Columns:
    score = acts.values["satisfaction"]
    scored = known & ~np.isnan(score)
    now = scored & acts.window(cutoff_day, 90)
    before = scored & acts.window(cutoff_day, 90, offset=90)
    mean_now = acts.grouped(now, score[now], "mean")
    return {
        "satisfaction_mean_90d": mean_now,
        "satisfaction_trend_90d_vs_prev": mean_now - acts.grouped(before, score[before], "mean"),
        "satisfaction_last": acts.grouped(scored, score[scored], "last"),
    }


FAMILY = Family("service", _specs, _compute)
