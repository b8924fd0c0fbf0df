"""The subscription month loop: boundaries, cancellations, usage events, interactions, truth.

Usage is written as events: one `login` row (quantity = logins) and one `session` row
(quantity = minutes) per active day, plus `feature_use` rows on some of them. A
disengaging subscriber has fewer active days, shorter sessions and uses fewer features.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from features.simulate.frames import (
    CANCELLATION_COLUMNS,
    EVENT_COLUMNS,
    Chunks,
    SimulatedData,
    categorical,
    customers_frame,
    interactions_frame,
    truth_frame,
)
from features.simulate.phases import ACTIVE, DEFECTING, GONE, Phases, step
from features.simulate.population import Population, draw_population
from features.simulate.service import incident_rates, month_incidents
from features.simulate.subscription import (
    CONTRACTS,
    DECAY,
    FEATURES_DECAY,
    MINUTES_DECAY,
    PAYMENT_BILLING,
    PAYMENTS,
    PLANS,
    SubscriptionTraits,
    cancel_day,
    draw_traits,
    initial_state,
    moves,
    truth,
)
from features.simulate.timeline import SEASONALITY, Timeline

Progress = Callable[[int, int], None]
EVENTS = ("login", "session", "feature_use")
SESSION_SPREAD = 0.003
"""Days between an active day's login and its last event (all before cancelling/as_of)."""
PHASES = ("active", "disengaging", "cancelled")
ATTRIBUTES = {
    "region": "categorical",
    "segment": "categorical",
    "company_size": "numeric",
    "channel": "categorical",
    "plan": "categorical",
    "seats": "numeric",
    "monthly_fee": "numeric",
    "contract": "categorical",
    "payment_method": "categorical",
}


def simulate_subscription(
    rng: np.random.Generator, tl: Timeline, customers: int, progress: Progress | None
) -> SimulatedData:
    """Run the subscription world month by month and shape the result as files."""
    pop = draw_population(rng, customers, tl)
    traits = draw_traits(rng, pop, tl)
    phases = initial_state(rng, pop)
    ends = np.full(len(pop), np.inf)
    log = Chunks()
    for month in range(tl.months):
        _boundary(rng, tl, month, pop, traits, phases, ends, log)
        who, lo, hi = _subscribed(tl, month, pop, ends)
        active_days = _usage(rng, tl, month, traits, phases, who, lo, hi, log)
        _service(rng, tl, month, pop, traits, phases, (who, lo, hi), active_days, log)
        held, p = truth(tl, month, pop, traits, phases)
        log.add_truth(tl, month, held, p, phases.phase[held])
        if progress is not None:
            progress(month + 1, tl.months)
    return _assemble(tl, pop, traits, log)


def _boundary(
    rng: np.random.Generator,
    tl: Timeline,
    month: int,
    pop: Population,
    traits: SubscriptionTraits,
    phases: Phases,
    ends: np.ndarray,
    log: Chunks,
) -> None:
    """Phase moves at the start of `month`; those who leave cancel during it."""
    if month == 0:
        return
    present = pop.signup_day < tl.bounds[month]
    who = np.flatnonzero(present & (phases.phase != GONE))
    gone = step(rng, phases, who, moves(tl, month - 1, pop, traits, phases, who, 1)[0])
    ends[gone] = cancel_day(rng, tl, month, pop.signup_day[gone], traits.annual[gone])
    log.add(cancel_who=gone, cancel_day=ends[gone])


def _subscribed(
    tl: Timeline, month: int, pop: Population, ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Customers subscribed for part of `month`, with the days `[lo, hi)` they were."""
    lo, hi = float(tl.bounds[month]), float(tl.bounds[month + 1])
    who = np.flatnonzero((pop.signup_day < hi) & (ends >= lo))
    return who, np.maximum(pop.signup_day[who], lo).astype(np.float64), np.minimum(ends[who], hi)


def _usage(
    rng: np.random.Generator,
    tl: Timeline,
    month: int,
    traits: SubscriptionTraits,
    phases: Phases,
    who: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    log: Chunks,
) -> np.ndarray:
    """Usage events of a month; returns active days per subscriber in `who`."""
    depth = np.where(phases.phase[who] != ACTIVE, phases.months_defecting[who], 0)
    season = 1.0 + 0.3 * (SEASONALITY[tl.month_of_year[month]] - 1.0)
    share = np.clip((hi - lo) / tl.days(month), 0.0, 1.0)
    days = rng.poisson(traits.usage[who] * season * DECAY ** depth.astype(float) * share)
    row = np.repeat(np.arange(len(who)), days)
    when = lo[row] + rng.random(len(row)) * (hi[row] - lo[row])
    inside = when + SESSION_SPREAD < hi[row]
    row, when = row[inside], when[inside]
    cust, fading = who[row], depth[row].astype(np.float64)
    logins = 1 + rng.poisson(0.6, len(row))
    minutes = traits.minutes[cust] * rng.lognormal(-0.125, 0.5, len(row)) * MINUTES_DECAY**fading
    used = rng.random(len(row)) < traits.depth[cust] * FEATURES_DECAY**fading
    features = 1 + rng.poisson(1.5, used.sum())
    _event(log, cust, when, 0, logins)
    _event(log, cust, when + SESSION_SPREAD / 4, 1, np.maximum(np.round(minutes), 1.0))
    _event(log, cust[used], when[used] + SESSION_SPREAD, 2, features)
    return np.bincount(row, minlength=len(who))


def _event(log: Chunks, who: np.ndarray, day: np.ndarray, kind: int, qty: np.ndarray) -> None:
    log.add(event_who=who, event_day=day, event_type=np.full(len(who), kind, np.int8))
    log.add(event_qty=np.asarray(qty, dtype=np.float64))


def _service(
    rng: np.random.Generator,
    tl: Timeline,
    month: int,
    pop: Population,
    traits: SubscriptionTraits,
    phases: Phases,
    span: tuple[np.ndarray, np.ndarray, np.ndarray],
    active_days: np.ndarray,
    log: Chunks,
) -> None:
    """Interactions of subscribers; their incidents move next month's hazard."""
    who, lo, hi = span
    defecting = phases.phase[who] == DEFECTING
    billing = PAYMENT_BILLING[traits.payment[who]]
    rates = incident_rates(pop.friction[who], active_days, defecting, billing)
    records, boost, leave = month_incidents(
        rng,
        who=who,
        lo=lo,
        hi=np.maximum(hi, lo),
        days=float(tl.days(month)),
        rates=rates,
        satisfaction=pop.satisfaction[who],
        month=month,
    )
    phases.add_incidents(who, boost, leave)
    order = np.argsort(records.opened, kind="stable")
    log.add(**{name: getattr(records, name)[order] for name in records.__dataclass_fields__})


def _assemble(
    tl: Timeline, pop: Population, traits: SubscriptionTraits, log: Chunks
) -> SimulatedData:
    customers = customers_frame(
        pop,
        tl,
        plan=categorical(traits.plan, PLANS),
        seats=traits.seats,
        monthly_fee=traits.monthly_fee,
        contract=categorical(traits.annual.astype(np.int8), CONTRACTS),
        payment_method=categorical(traits.payment, PAYMENTS),
    )
    return SimulatedData(
        kind="subscription",
        timeline=tl,
        customers=customers,
        interactions=interactions_frame(log, pop, tl),
        truth=truth_frame(log, pop, PHASES),
        attributes=dict(ATTRIBUTES),
        events=_events_frame(log, pop, tl),
        cancellations=_cancellations_frame(log, pop, tl),
    )


def _events_frame(log: Chunks, pop: Population, tl: Timeline) -> pd.DataFrame:
    day = log["event_day"]
    order = np.argsort(day, kind="stable")
    c = EVENT_COLUMNS
    return pd.DataFrame(
        {
            c["customer_id"]: pop.customer_id[log["event_who"][order]],
            c["timestamp"]: tl.timestamps(day[order]),
            c["type"]: categorical(log["event_type"][order], EVENTS),
            c["quantity"]: log["event_qty"][order],
        }
    )


def _cancellations_frame(log: Chunks, pop: Population, tl: Timeline) -> pd.DataFrame:
    c = CANCELLATION_COLUMNS
    if "cancel_who" not in log.parts:
        who, day = np.zeros(0, np.int64), np.zeros(0)
    else:
        who, day = log["cancel_who"], log["cancel_day"]
    return pd.DataFrame(
        {c["customer_id"]: pop.customer_id[who], c["timestamp"]: tl.timestamps(day)}
    )
