"""Service interactions: complaints, tickets, billing errors, calls and surveys.

DOMAIN.md "Service quality": complaints, billing errors (reliability) and slow or missing
resolution (responsiveness) raise the hazard; one slow complaint can end a relationship
at the next boundary. Dissatisfied, defecting customers complain more, so interactions
also *reveal* the hidden phase. DOMAIN.md "Satisfaction surveys mislead": survey scores
read a latent satisfaction that barely moves the hazard, and drift upwards over time
(staff game surveys) while behaviour does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

RAW_BY_KIND = {
    "complaint": ("complaint", "grievance"),
    "ticket": ("support_ticket",),
    "billing_error": ("billing",),
    "call": ("call",),
    "survey": ("survey",),
}
"""Canonical type (features/contract.py INTERACTION_TYPES) -> raw `kind` values written.
Complaints are sometimes logged as grievances, so the config must map both."""
KINDS = tuple(RAW_BY_KIND)
RAW_KINDS = tuple(raw for raws in RAW_BY_KIND.values() for raw in raws)
FIRST_RAW = np.array([RAW_KINDS.index(raws[0]) for raws in RAW_BY_KIND.values()], np.int8)

BASE_RATE = np.array([0.006, 0.02, 0.004, 0.04, 0.03])
"""Per customer-month at friction 1, before activity."""
PER_ACTIVITY = np.array([0.0, 0.035, 0.004, 0.012, 0.0])
"""Extra per order (retail) or per active usage day (subscription), capped at 4."""
DEFECTING_EXTRA = np.array([0.12, 0.05, 0.0, 0.25, 0.0])
"""Extra per month while defecting: unhappy customers complain and call (about prices,
terms, closing the account) before they go, so the hidden phase shows in interactions."""
RESOLUTION = np.array([[3.0, 1.0, 0.12], [1.5, 1.0, 0.06], [4.0, 0.8, 0.08]])
"""median days, log-sd, P(never resolved) for complaints, tickets, billing errors."""
SLOW_DAYS = 7.0
BOOST_FAST = np.array([0.6, 0.03, 0.5, 0.0, 0.0])
BOOST_SLOW = np.array([2.0, 0.5, 1.5, 0.0, 0.0])
LEAVE_IF_SLOW = np.array([0.3, 0.0, 0.1, 0.0, 0.0])
"""P(leaving at the next boundary) after one slow or unresolved incident of each kind."""
SURVEY_DRIFT_PER_MONTH = 0.015


@dataclass(frozen=True)
class Incidents:
    """One month of interactions (positions into the population, float day offsets)."""

    who: np.ndarray
    opened: np.ndarray
    raw_kind: np.ndarray
    closed: np.ndarray
    """NaN when never resolved (calls close after minutes, surveys never)."""
    csat: np.ndarray
    """1-5, NaN when not given."""
    logged: np.ndarray
    """When the record was entered: usually the same day, sometimes days later."""


def incident_rates(
    friction: np.ndarray,
    activity: np.ndarray,
    defecting: np.ndarray,
    billing: np.ndarray | float = 1.0,
) -> np.ndarray:
    """(n, kinds) expected incidents in a month; `billing` scales billing errors."""
    rate = BASE_RATE + PER_ACTIVITY * np.minimum(activity, 4.0)[:, None]
    rate[:, :3] *= friction[:, None]
    rate[:, 2] *= billing
    return rate + np.where(defecting[:, None], DEFECTING_EXTRA, 0.0)


def slow_share() -> np.ndarray:
    """P(an incident of each kind is slow or never resolved)."""
    median, sigma, unresolved = RESOLUTION.T
    z = (np.log(SLOW_DAYS) - np.log(median)) / sigma
    late = np.array([0.5 * math.erfc(v / math.sqrt(2.0)) for v in z])
    share = np.zeros(len(KINDS))
    share[:3] = unresolved + (1.0 - unresolved) * late
    return share


def expected_effects(rates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expected hazard boost and P(leaving) from a month of incidents at these rates."""
    slow = slow_share()
    boost = rates @ (slow * BOOST_SLOW + (1.0 - slow) * BOOST_FAST)
    leave = 1.0 - np.exp(-(rates @ (slow * LEAVE_IF_SLOW)))
    return boost, leave


def month_incidents(
    rng: np.random.Generator,
    *,
    who: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    days: float,
    rates: np.ndarray,
    satisfaction: np.ndarray,
    month: int,
) -> tuple[Incidents, np.ndarray, np.ndarray]:
    """Draw a month of interactions for customers `who` present in days `[lo, hi)`.

    Returns the records, each customer's hazard boost and P(leaving) at the next boundary.
    """
    share = np.clip((hi - lo) / days, 0.0, 1.0)
    counts = rng.poisson(rates * share[:, None])
    row = np.repeat(np.arange(len(who)), counts.sum(axis=1))
    kind = np.repeat(np.tile(np.arange(len(KINDS)), len(who)), counts.ravel())
    opened = lo[row] + rng.random(len(row)) * (hi[row] - lo[row])
    resolution, slow = _resolve(rng, kind)
    closed = np.where(kind == 3, opened + rng.uniform(0.002, 0.02, len(row)), opened + resolution)
    csat = _scores(rng, kind, resolution, satisfaction[row], month)
    late = rng.random(len(row)) < 0.15
    logged = np.where(late, np.floor(opened) + rng.integers(1, 15, len(row)) + 0.5, opened + 0.01)
    raw = _raw_kind(rng, kind)
    boost = np.bincount(row, np.where(slow, BOOST_SLOW[kind], BOOST_FAST[kind]), len(who))
    stay = np.bincount(row, np.log1p(-np.where(slow, LEAVE_IF_SLOW[kind], 0.0)), len(who))
    records = Incidents(who[row], opened, raw, closed, csat, logged)
    return records, boost, 1.0 - np.exp(stay)


def _resolve(rng: np.random.Generator, kind: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Resolution time in days (NaN = never) and whether it was slow, for each incident."""
    resolution = np.full(len(kind), np.nan)
    has = kind < 3
    median, sigma, unresolved = (RESOLUTION[kind[has], i] for i in range(3))
    days = median * np.exp(sigma * rng.standard_normal(has.sum()))
    resolution[has] = np.where(rng.random(has.sum()) < unresolved, np.nan, days)
    slow = has & ~(resolution <= SLOW_DAYS)
    return resolution, slow


def _scores(
    rng: np.random.Generator,
    kind: np.ndarray,
    resolution: np.ndarray,
    satisfaction: np.ndarray,
    month: int,
) -> np.ndarray:
    """CSAT 1-5: after resolved incidents (fast = good) and in surveys (noisy, drifting up)."""
    drift = SURVEY_DRIFT_PER_MONTH * month
    noise = rng.standard_normal(len(kind))
    after = 4.7 - 0.3 * np.minimum(np.nan_to_num(resolution, nan=10.0), 10.0) + 0.8 * noise
    survey = 3.7 + 0.35 * satisfaction + drift + 1.0 * noise
    score = np.where(kind == 4, survey, after + drift)
    given = (kind == 4) | ((kind < 3) & ~np.isnan(resolution) & (rng.random(len(kind)) < 0.35))
    return np.where(given, np.clip(np.round(score), 1.0, 5.0), np.nan)


def _raw_kind(rng: np.random.Generator, kind: np.ndarray) -> np.ndarray:
    """Raw kind codes (into RAW_KINDS): complaints are sometimes logged as grievances."""
    grievance = (kind == 0) & (rng.random(len(kind)) < 0.3)
    return np.where(grievance, np.int8(RAW_KINDS.index("grievance")), FIRST_RAW[kind])
