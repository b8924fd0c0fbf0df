"""Subscription (contractual) world: churn is an explicit cancellation.

Hidden traits and the DOMAIN.md mechanisms they embody:
- engagement (`usage`, active days per month) declines while a customer disengages
  (partial defection), visible as fewer logins, shorter sessions, fewer features used;
- contract type: month-to-month customers can cancel any month, annual customers only at
  their renewal (relationship type and switching cost);
- payment method and price relative to use shift the hazard (key accounts / receivables,
  value for money); billing errors, slow tickets and complaints raise it (service quality);
- new subscribers leave more, long-tenure ones less (lifecycle stage).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
from features.simulate.timeline import Timeline
from features.simulate.truth import routes

PLANS = ("basic", "pro", "enterprise")
PLAN_PRICE = np.array([19.0, 49.0, 129.0])
PLAN_USAGE = np.array([3.0, 4.0, 5.0])
"""Typical active days per month by plan."""
CONTRACTS = ("month_to_month", "annual")
PAYMENTS = ("card", "bank_transfer", "invoice", "electronic_check")
PAYMENT_P = np.array([0.45, 0.25, 0.2, 0.1])
PAYMENT_HAZARD = np.array([1.0, 0.8, 0.75, 1.8])
PAYMENT_BILLING = np.array([1.0, 0.8, 1.5, 2.5])
"""Billing-error rate by payment method: manual methods fail more often."""
DECAY = 0.6
"""Active-day multiplier per month of disengagement."""
MINUTES_DECAY = 0.7
FEATURES_DECAY = 0.5
"""Session minutes and feature use shrink too while disengaging: shallower use."""
MONTHLY_FINISH = np.array([0.0, 0.02, 0.08, 0.2, 0.35, 0.5, 0.6])
"""P(a disengaging month-to-month customer cancels), by months of decline so far."""
RENEWAL_FINISH = np.array([0.0, 0.3, 0.5, 0.7, 0.85])
"""P(a disengaging annual customer does not renew), by months of decline so far."""
QUIET_NONRENEWAL = 0.02
BASE_HAZARD = 0.04
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class SubscriptionTraits:
    plan: np.ndarray
    seats: np.ndarray
    monthly_fee: np.ndarray
    annual: np.ndarray
    payment: np.ndarray
    usage: np.ndarray
    """Active days per month when fully engaged."""
    minutes: np.ndarray
    """Typical session minutes."""
    depth: np.ndarray
    """P(using a feature on an active day): breadth of use."""
    signup_moy: np.ndarray
    """Calendar month (0-11) of the signup: annual contracts renew in it."""
    hazard: np.ndarray


def draw_traits(rng: np.random.Generator, pop: Population, tl: Timeline) -> SubscriptionTraits:
    """Plans, seats and contracts follow company size; usage follows plan and relationship."""
    n, size = len(pop), np.log(pop.company_size)
    plan = np.clip(np.floor(0.45 * size - 0.6 + rng.normal(0.0, 0.8, n)), 0, 2).astype(np.int8)
    seats = np.clip(np.round(pop.company_size * rng.uniform(0.05, 0.4, n)), 1, 2_000)
    fee = np.round(PLAN_PRICE[plan] * seats**0.8, 2)
    annual = rng.random(n) < 1.0 / (1.0 + np.exp(-(-1.2 + 0.8 * plan + 0.5 * pop.partner)))
    payment = rng.choice(len(PAYMENTS), n, p=PAYMENT_P).astype(np.int8)
    engaged = np.where(pop.partner, 1.3, 0.85)
    usage = PLAN_USAGE[plan] * engaged * rng.gamma(4.0, 0.25, n)
    value = np.log(fee / seats) - np.log(usage)
    hazard = (
        BASE_HAZARD
        * PAYMENT_HAZARD[payment]
        * np.where(annual, 0.7, 1.3)
        * np.where(pop.partner, 0.6, 1.3)
        * np.exp(0.35 * (value - value.mean()))
        * pop.frailty
        * np.exp(-0.1 * pop.satisfaction)
    )
    created = np.datetime64(tl.start, "D") + pop.signup_day
    moy = created.astype("datetime64[M]").astype(np.int64) % 12
    minutes = 25.0 * np.exp(rng.normal(0.0, 0.4, n)) * engaged
    depth = np.clip(0.25 + 0.1 * plan + 0.15 * pop.partner + rng.normal(0, 0.1, n), 0.05, 0.9)
    return SubscriptionTraits(
        plan, seats.astype(np.int64), fee, annual, payment, usage, minutes, depth, moy, hazard
    )


def initial_state(rng: np.random.Generator, pop: Population) -> Phases:
    """Subscribers from before the span start mostly engaged, a few already disengaging."""
    phases = Phases.start(len(pop))
    disengaging = (pop.signup_day < 0) & (rng.random(len(pop)) < 0.05)
    phases.phase[disengaging] = DEFECTING
    phases.months_defecting[disengaging] = rng.integers(1, 3, disengaging.sum())
    return phases


def renews(
    tl: Timeline, month: int, pop: Population, traits: SubscriptionTraits, who: np.ndarray
) -> np.ndarray:
    """Which of `who` hold an annual contract renewing in `month` (a year or more old)."""
    old_enough = pop.signup_day[who] <= tl.bounds[month] - 300
    return traits.annual[who] & old_enough & (traits.signup_moy[who] == tl.month_of_year[month])


def moves(
    tl: Timeline,
    month: int,
    pop: Population,
    traits: SubscriptionTraits,
    phases: Phases,
    who: np.ndarray,
    count: int,
) -> list[Transition]:
    """Transitions at the next `count` boundaries after `month`; the first one is exact."""
    boost, severe = phases.boost[who], phases.severe[who]
    result = []
    for j in range(count):
        if j:
            engaged = traits.usage[who] * tl.season(month + j)
            rates = incident_rates(
                pop.friction[who],
                engaged,
                np.zeros(len(who), bool),
                PAYMENT_BILLING[traits.payment[who]],
            )
            extra, severe = expected_effects(rates)
            boost = BOOST_KEEP * boost + extra
        day = tl.bounds[month + 1 + j]
        tenure = (day - pop.signup_day[who]) / DAYS_PER_MONTH
        hazard = traits.hazard[who] * lifecycle_multiplier(tenure) * (1.0 + boost)
        renewal = renews(tl, month + 1 + j, pop, traits, who)
        result.append(_contract_move(renewal, traits.annual[who], severe, hazard))
    return result


def _contract_move(
    renewal: np.ndarray, annual: np.ndarray, severe: np.ndarray, hazard: np.ndarray
) -> Transition:
    """Month-to-month customers may leave any month; annual ones only at their renewal.

    Outside the renewal window a severe incident cannot end an annual contract, so it
    turns into disengagement instead.
    """
    locked = annual & ~renewal
    leave = np.where(renewal, 1.0 - (1.0 - severe) * (1.0 - QUIET_NONRENEWAL), severe)
    leave = np.where(locked, 0.0, leave)
    hazard = np.where(locked, 1.0 - (1.0 - hazard) * (1.0 - severe), hazard)
    table = np.where(
        annual[:, None],
        np.where(renewal[:, None], _pad(RENEWAL_FINISH), 0.0),
        _pad(MONTHLY_FINISH),
    )
    return Transition.build(leave=leave, hazard=hazard, by_depth=table)


def _pad(table: np.ndarray) -> np.ndarray:
    """Finish tables share one length so they can be mixed per customer."""
    size = max(len(MONTHLY_FINISH), len(RENEWAL_FINISH))
    return np.concatenate([table, np.full(size - len(table), table[-1])])[None, :]


def cancel_day(
    rng: np.random.Generator,
    tl: Timeline,
    month: int,
    signup_day: np.ndarray,
    annual: np.ndarray,
) -> np.ndarray:
    """Day of a cancellation in `month`: any day (monthly) or the renewal date (annual)."""
    lo, days = tl.bounds[month], tl.days(month)
    anniversary = np.minimum(_day_of_month(tl, signup_day), days - 1)
    day = np.where(annual, anniversary, np.floor(rng.random(len(annual)) * days))
    return lo + day + rng.uniform(0.3, 0.7, len(annual))


def _day_of_month(tl: Timeline, signup_day: np.ndarray) -> np.ndarray:
    created = np.datetime64(tl.start, "D") + signup_day
    return (created - created.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)


def truth(
    tl: Timeline, month: int, pop: Population, traits: SubscriptionTraits, phases: Phases
) -> tuple[np.ndarray, np.ndarray]:
    """(subscribers at the cutoff ending `month`, P(cancellation in the window))."""
    who = np.flatnonzero((pop.signup_day < tl.bounds[month + 1]) & (phases.phase != GONE))
    window = tl.window(month)
    plan = moves(tl, month, pop, traits, phases, who, len(window))
    inside = _inside_window(tl, month, pop, traits, who, window)
    p = np.zeros(len(who))
    for route in routes(phases.phase[who], phases.months_defecting[who], plan):
        if route.gone_month >= 0:
            p += route.prob * inside[:, route.gone_month]
    return who, np.clip(p, 0.0, 1.0)


def _inside_window(
    tl: Timeline,
    month: int,
    pop: Population,
    traits: SubscriptionTraits,
    who: np.ndarray,
    window: np.ndarray,
) -> np.ndarray:
    """(n, J) P(a cancellation in window month j falls inside the window)."""
    full = np.array([tl.days(month + 1 + j) for j in range(len(window))], dtype=np.float64)
    monthly = np.broadcast_to(window / full, (len(who), len(window)))
    anniversary = _day_of_month(tl, pop.signup_day[who])[:, None]
    annual = (np.minimum(anniversary, full - 1) < window).astype(np.float64)
    return np.where(traits.annual[who][:, None], annual, monthly)
