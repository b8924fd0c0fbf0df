"""The retail month loop: boundaries, purchases, order lines, interactions, truth.

Each month: phases move at the boundary (phases.py), new customers place their first
order on their signup day, everyone still buying follows their renewal rhythm at this
month's intensity (season x defection decay), then service incidents are drawn and the
truth is priced at the month-end cutoff.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from features.simulate.frames import (
    TRANSACTION_COLUMNS,
    Chunks,
    SimulatedData,
    categorical,
    customers_frame,
    interactions_frame,
    truth_frame,
)
from features.simulate.orders import CATEGORIES, discounts, order_lines, purchase_times
from features.simulate.phases import DEFECTING, GONE, PHASE_NAMES, step
from features.simulate.population import Population, draw_population
from features.simulate.retail import (
    DECAY,
    RetailState,
    RetailTraits,
    draw_traits,
    initial_state,
    moves,
    truth,
)
from features.simulate.service import incident_rates, month_incidents
from features.simulate.timeline import Timeline

Progress = Callable[[int, int], None]
RETAIL_ATTRIBUTES = {
    "region": "categorical",
    "segment": "categorical",
    "company_size": "numeric",
    "channel": "categorical",
}


def simulate_retail(
    rng: np.random.Generator, tl: Timeline, customers: int, progress: Progress | None
) -> SimulatedData:
    """Run the retail world month by month and shape the result as files."""
    pop = draw_population(rng, customers, tl)
    traits = draw_traits(rng, pop)
    state = initial_state(rng, pop, traits)
    log = Chunks()
    for month in range(tl.months):
        _boundary(rng, tl, month, pop, traits, state)
        bought = _purchases(rng, tl, month, pop, traits, state, log)
        _service(rng, tl, month, pop, state, bought, log)
        who, p = truth(tl, month, pop, traits, state)
        log.add_truth(tl, month, who, p, state.phases.phase[who])
        if progress is not None:
            progress(month + 1, tl.months)
    return SimulatedData(
        kind="retail",
        timeline=tl,
        customers=customers_frame(pop, tl),
        interactions=interactions_frame(log, pop, tl),
        truth=truth_frame(log, pop, PHASE_NAMES),
        attributes=dict(RETAIL_ATTRIBUTES),
        transactions=_transactions_frame(log, pop, tl),
    )


def _boundary(
    rng: np.random.Generator,
    tl: Timeline,
    month: int,
    pop: Population,
    traits: RetailTraits,
    state: RetailState,
) -> None:
    """Phase moves at the start of `month`, for customers who were there before it."""
    if month == 0:
        return
    present = pop.signup_day < tl.bounds[month]
    who = np.flatnonzero(present & (state.phases.phase != GONE))
    move = moves(tl, month - 1, pop, traits, state, who, 1)[0]
    step(rng, state.phases, who, move)


def _purchases(
    rng: np.random.Generator,
    tl: Timeline,
    month: int,
    pop: Population,
    traits: RetailTraits,
    state: RetailState,
    log: Chunks,
) -> np.ndarray:
    """Orders in `month`; returns the number of orders per customer."""
    lo, days = float(tl.bounds[month]), float(tl.days(month))
    live = np.flatnonzero((pop.signup_day < lo + days) & (state.phases.phase != GONE))
    new = pop.signup_day[live] >= lo
    first_at = pop.signup_day[live][new] - lo + rng.uniform(0.35, 0.75, new.sum())
    shape = traits.shape[live]
    state.remaining[live[new]] = rng.gamma(shape[new], 1.0 / shape[new])
    state.age[live[new]] = 0.0
    pos = np.zeros(len(live))
    pos[new] = first_at
    depth = np.where(state.phases.phase == DEFECTING, state.phases.months_defecting, 0)
    intensity = traits.rate[live] * tl.season(month) * DECAY ** depth[live]
    rows, when, remaining, age = purchase_times(
        rng,
        intensity=intensity,
        pos=pos,
        days=days,
        shape=shape,
        remaining=state.remaining[live],
        age=state.age[live],
    )
    state.remaining[live], state.age[live] = remaining, age
    who = np.concatenate([live[new], live[rows]])
    day = lo + np.concatenate([first_at, when])
    order = np.argsort(day, kind="stable")
    _lines(rng, traits, who[order], day[order], depth, log)
    bought = np.bincount(who, minlength=len(pop))
    state.orders += bought
    return bought


def _lines(
    rng: np.random.Generator,
    traits: RetailTraits,
    who: np.ndarray,
    day: np.ndarray,
    depth: np.ndarray,
    log: Chunks,
) -> None:
    """Order lines of a month's orders (already in time order)."""
    row, category, gross, items = order_lines(
        rng,
        weights=traits.weights[who],
        extra_lines=traits.extra_lines[who],
        line_value=traits.line_value[who],
        defecting_depth=depth[who],
    )
    gross = np.maximum(np.round(gross, 2), 0.5)
    discount = discounts(rng, gross, day[row] < traits.promo_end[who[row]])
    first_order = sum(len(p) for p in log.parts["order_day"])
    log.add(line_who=who[row], line_day=day[row], line_category=category, line_items=items)
    log.add(line_net=np.round(gross - discount, 2), line_discount=discount)
    log.add(line_order=first_order + row, order_day=day)


def _service(
    rng: np.random.Generator,
    tl: Timeline,
    month: int,
    pop: Population,
    state: RetailState,
    bought: np.ndarray,
    log: Chunks,
) -> None:
    """Interactions of customers still buying; their incidents move next month's hazard."""
    lo, hi = float(tl.bounds[month]), float(tl.bounds[month + 1])
    who = np.flatnonzero((pop.signup_day < hi) & (state.phases.phase != GONE))
    rates = incident_rates(pop.friction[who], bought[who], state.phases.phase[who] == DEFECTING)
    records, boost, leave = month_incidents(
        rng,
        who=who,
        lo=np.maximum(pop.signup_day[who], lo).astype(np.float64),
        hi=np.full(len(who), hi),
        days=hi - lo,
        rates=rates,
        satisfaction=pop.satisfaction[who],
        month=month,
    )
    state.phases.add_incidents(who, boost, leave)
    order = np.argsort(records.opened, kind="stable")
    log.add(**{name: getattr(records, name)[order] for name in records.__dataclass_fields__})


def _transactions_frame(log: Chunks, pop: Population, tl: Timeline) -> pd.DataFrame:
    c = TRANSACTION_COLUMNS
    return pd.DataFrame(
        {
            c["order_id"]: 5_000_001 + log["line_order"],
            c["customer_id"]: pop.customer_id[log["line_who"]],
            c["timestamp"]: tl.timestamps(log["line_day"]),
            c["category"]: categorical(log["line_category"], CATEGORIES),
            c["quantity"]: log["line_items"].astype(np.int32),
            c["amount"]: log["line_net"],
            c["discount"]: log["line_discount"],
        }
    )
