"""Retail (non-contractual) world: churn is silence, measured as no purchase in the horizon.

Hidden traits per customer and the mechanisms (DOMAIN.md) they embody:
- `rate` (gamma across customers, weekly to yearly) and `shape` (regularity): the
  purchase cycle, so recency only matters relative to the customer's own gap;
- `share` of the attribute-driven wallet: yearly spend = share x wallet, and low share
  raises the hazard (wallet share);
- partner vs transactional: regular, broad, low hazard vs irregular, narrow, high hazard;
- discount seekers: most lines discounted until a personal promo ends, then they leave
  more (price sensitivity);
- first-time buyers and new customers leave more (lifecycle stage);
- incidents raise the hazard (service quality); defecting shows as decay (partial defection).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from features.simulate.orders import PRICE, draw_categories, erlang_survival_ratio
from features.simulate.phases import (
    BOOST_KEEP,
    DEFECTING,
    GONE,
    Phases,
    Transition,
    lifecycle_multiplier,
)
from features.simulate.population import Population
from features.simulate.service import expected_effects, incident_rates
from features.simulate.timeline import SEASONALITY, Timeline
from features.simulate.truth import routes

DECAY = 0.8
"""Purchase intensity multiplier per month of defecting (gaps lengthen before they stop)."""
FINISH_BY_DEPTH = np.array([0.0, 0.01, 0.05, 0.12, 0.22, 0.35, 0.5, 0.6])
"""Chance a defecting customer stops buying altogether, by months of decline so far."""
SEGMENT_GAP_DAYS = np.array([24.0, 14.0, 30.0, 45.0, 75.0])
"""Typical days between orders by segment (population.SEGMENTS): hospitality restocks weekly."""
RATE_SHAPE = 6.0
"""Personal purchase rates are gamma-distributed around the segment's typical rate."""
BASE_HAZARD = 0.018
FIRST_TIME = 2.5
DISCOUNT_LAPSED = 3.0
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class RetailTraits:
    """Hidden per-customer parameters of the purchase process."""

    rate: np.ndarray
    """Purchases per day at full engagement and average season."""
    shape: np.ndarray
    """Regularity of gaps (Erlang shape 1-4): partners 2-4, transactional 1-2."""
    share: np.ndarray
    weights: np.ndarray
    """(n, categories) category weights; zero outside the customer's breadth."""
    extra_lines: np.ndarray
    line_value: np.ndarray
    """Spend scale per line, so that yearly spend is share x wallet on average."""
    promo_end: np.ndarray
    """Day the discount seeker's promotion stops (-inf: not a discount seeker)."""
    hazard: np.ndarray
    """Monthly defection hazard before lifecycle, service and discount multipliers."""


@dataclass
class RetailState:
    phases: Phases
    remaining: np.ndarray
    """Operational time to the next purchase (in gaps); drawn, never shown to the truth."""
    age: np.ndarray
    """Operational time since the last purchase (in gaps): the latent 'overdue ratio'."""
    orders: np.ndarray


def draw_traits(rng: np.random.Generator, pop: Population) -> RetailTraits:
    """Hidden traits; partners buy more often, more regularly, more broadly, more loyally."""
    n, partner = len(pop), pop.partner
    size = (pop.company_size / 16.0) ** -0.12
    typical = SEGMENT_GAP_DAYS[pop.segment] * np.where(partner, 0.7, 1.25) * size
    rate = np.clip(rng.gamma(RATE_SHAPE, 1.0 / RATE_SHAPE, n) / typical, 1 / 365, 1 / 3)
    shape = np.where(partner, rng.choice([2, 3, 4], n, p=[0.2, 0.3, 0.5]), rng.choice([1, 2], n))
    share = np.where(partner, rng.beta(4.0, 3.0, n), rng.beta(1.5, 5.0, n))
    breadth = np.where(partner, rng.integers(3, 8, n), rng.integers(1, 4, n))
    weights = draw_categories(rng, breadth)
    extra_lines = 0.02 * (breadth - 1)
    mean_price = (weights * PRICE).sum(axis=1) / weights.sum(axis=1)
    line_value = share * pop.wallet / (365.0 * rate * (1.0 + extra_lines) * mean_price)
    seeker = rng.random(n) < np.where(partner, 0.08, 0.28)
    promo_end = np.where(seeker, pop.signup_day + rng.uniform(60, 540, n), -np.inf)
    hazard = (
        BASE_HAZARD
        * np.where(partner, 0.45, 1.4)
        * np.exp(-2.0 * (share - 0.35))
        * pop.frailty
        * np.exp(-0.1 * pop.satisfaction)
    )
    return RetailTraits(
        rate, shape.astype(np.int8), share, weights, extra_lines, line_value, promo_end, hazard
    )


def initial_state(rng: np.random.Generator, pop: Population, traits: RetailTraits) -> RetailState:
    """Customers who joined before the span start mid-cycle (stationary renewal age)."""
    n = len(pop)
    phases = Phases.start(n)
    before = pop.signup_day < 0
    defecting = before & (rng.random(n) < 0.06)
    phases.phase[defecting] = DEFECTING
    phases.months_defecting[defecting] = rng.integers(1, 4, defecting.sum())
    shape = traits.shape.astype(np.float64)
    cycle = rng.gamma(shape + 1.0, 1.0 / shape)
    remaining = rng.random(n) * cycle
    tenure = np.clip(-pop.signup_day, 0, 730)
    orders = np.where(before, 2 + rng.poisson(traits.rate * tenure), 0)
    return RetailState(phases, remaining, cycle - remaining, orders.astype(np.int64))


def moves(
    tl: Timeline,
    month: int,
    pop: Population,
    traits: RetailTraits,
    state: RetailState,
    who: np.ndarray,
    count: int,
) -> list[Transition]:
    """Transitions at the next `count` boundaries after `month` ends, for customers `who`.

    The first is exact (it is what the simulation draws); later ones use the expected
    incident load and the chance a first-time buyer is still waiting for a second order.
    """
    rate = traits.rate[who]
    boost, leave = state.phases.boost[who], state.phases.severe[who]
    first = (state.orders[who] == 1).astype(np.float64)
    waited = np.zeros(len(who))
    result = []
    for j in range(count):
        day = tl.bounds[month + 1 + j]
        if j:
            expected = rate * tl.season(month + j) * tl.days(month + j)
            extra_boost, leave = expected_effects(
                incident_rates(pop.friction[who], expected, np.zeros(len(who), bool))
            )
            boost = BOOST_KEEP * boost + extra_boost
            waited += expected
        still_first = first * erlang_survival_ratio(traits.shape[who], state.age[who], waited)
        hazard = _hazard(traits, pop, who, day, boost, still_first)
        result.append(Transition.build(leave=leave, hazard=hazard, by_depth=FINISH_BY_DEPTH))
    return result


def _hazard(
    traits: RetailTraits,
    pop: Population,
    who: np.ndarray,
    day: float,
    boost: np.ndarray,
    first_time: np.ndarray,
) -> np.ndarray:
    """Monthly defection hazard at a boundary on `day`."""
    tenure = (day - pop.signup_day[who]) / DAYS_PER_MONTH
    lapsed = traits.promo_end[who] <= day
    return (
        traits.hazard[who]
        * lifecycle_multiplier(tenure)
        * (1.0 + (FIRST_TIME - 1.0) * first_time)
        * (1.0 + boost)
        * np.where(lapsed & np.isfinite(traits.promo_end[who]), DISCOUNT_LAPSED, 1.0)
    )


def truth(
    tl: Timeline, month: int, pop: Population, traits: RetailTraits, state: RetailState
) -> tuple[np.ndarray, np.ndarray]:
    """(customers, P(no purchase in the window)) at the cutoff ending `month`.

    1 for customers who are gone; otherwise the probability over every phase route of
    the renewal process not firing while its operational time runs through the window.
    """
    who = np.flatnonzero(pop.signup_day < tl.bounds[month + 1])
    p = np.ones(len(who))
    alive = who[state.phases.phase[who] != GONE]
    window = tl.window(month)
    season = SEASONALITY[tl.month_of_year[month + 1 : month + 1 + len(window)]]
    base = traits.rate[alive, None] * (season * window)[None, :]
    plan = moves(tl, month, pop, traits, state, alive, len(window))
    phase, depth = state.phases.phase[alive], state.phases.months_defecting[alive]
    quiet = np.zeros(len(alive))
    for route in routes(phase, depth, plan, decay=DECAY):
        extra = (route.activity * base).sum(axis=1)
        quiet += route.prob * erlang_survival_ratio(traits.shape[alive], state.age[alive], extra)
    p[state.phases.phase[who] != GONE] = np.clip(quiet, 0.0, 1.0)
    return who, p
