"""Retail purchases: personal purchase rhythms, order lines, categories, discounts.

DOMAIN.md "Recency and the purchase cycle": each customer buys on a personal rhythm (a
renewal process whose gaps are Gamma(shape, 1/shape) in *operational time*, mean one gap),
so lateness is relative to their own typical gap; partners buy regularly (high shape),
transactional buyers irregularly (shape 1). DOMAIN.md "Partial defection": a defecting
customer's orders shrink and lose the big-ticket categories first, consumables continue.
"""

from __future__ import annotations

import numpy as np

CATEGORIES = (
    "consumables",
    "packaging",
    "cleaning",
    "office_supplies",
    "furniture",
    "equipment",
    "it_hardware",
    "machinery",
)
CONSUMABLE = np.array([True, True, True, True, False, False, False, False])
"""Low-value repeat categories (written to churn.yaml as `consumable_categories`)."""
PRICE = np.array([1.0, 0.8, 0.7, 0.6, 4.0, 6.0, 5.0, 9.0])
POPULARITY = np.array([1.0, 0.7, 0.6, 0.6, 0.3, 0.45, 0.35, 0.2])
ITEMS_MEAN = np.array([3.0, 4.0, 3.0, 2.0, 0.3, 0.2, 0.3, 0.1])
LINE_SIGMA = 0.5


def erlang_survival_ratio(shape: np.ndarray, age: np.ndarray, extra: np.ndarray) -> np.ndarray:
    """P(gap > age + extra | gap > age) for gaps ~ Gamma(shape, 1/shape), integer shape <= 4.

    This is the chance of no purchase while `extra` operational time passes, given the
    operational time `age` already elapsed since the last purchase.
    """
    before, after = shape * age, shape * (age + extra)
    return np.exp(before - after) * _erlang_poly(shape, after) / _erlang_poly(shape, before)


def _erlang_poly(shape: np.ndarray, x: np.ndarray) -> np.ndarray:
    total, term = np.ones_like(x), np.ones_like(x)
    for i in range(1, 4):
        term = term * x / i
        total = total + np.where(shape > i, term, 0.0)
    return total


def draw_categories(rng: np.random.Generator, breadth: np.ndarray) -> np.ndarray:
    """(n, categories) weights over each customer's `breadth` categories, >= 1 consumable."""
    n = len(breadth)
    race = rng.exponential(size=(n, len(CATEGORIES))) / POPULARITY
    staple = np.argmin(np.where(CONSUMABLE, race, np.inf), axis=1)
    race[np.arange(n), staple] = -1.0
    rank = np.argsort(np.argsort(race, axis=1), axis=1)
    chosen = rank < breadth[:, None]
    return np.where(chosen, POPULARITY * rng.lognormal(0.0, 0.5, (n, len(CATEGORIES))), 0.0)


def purchase_times(
    rng: np.random.Generator,
    *,
    intensity: np.ndarray,
    pos: np.ndarray,
    days: float,
    shape: np.ndarray,
    remaining: np.ndarray,
    age: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Purchases in one month at constant `intensity` (gaps per day) from day `pos` on.

    Returns (row, day in month) of each purchase and the updated remaining/age.
    """
    pos, remaining, age = pos.copy(), remaining.copy(), age.copy()
    rows, times = [], []
    live = np.arange(len(intensity))
    while len(live):
        when = pos[live] + remaining[live] / intensity[live]
        hit = when < days
        done = live[~hit]
        elapsed = intensity[done] * (days - pos[done])
        remaining[done] -= elapsed
        age[done] += elapsed
        live = live[hit]
        rows.append(live)
        times.append(when[hit])
        pos[live] = when[hit]
        remaining[live] = rng.gamma(shape[live], 1.0 / shape[live])
        age[live] = 0.0
    return np.concatenate(rows), np.concatenate(times), remaining, age


def order_lines(
    rng: np.random.Generator,
    *,
    weights: np.ndarray,
    extra_lines: np.ndarray,
    line_value: np.ndarray,
    defecting_depth: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Lines of a batch of orders (one row per order in the inputs).

    Returns (order row, category, gross amount, items) per line. Defecting customers
    (depth > 0) drop big-ticket categories, order fewer lines and spend less per line.
    """
    defecting = defecting_depth > 0
    weights = np.where(defecting[:, None] & ~CONSUMABLE, 0.0, weights)
    lines = 1 + rng.poisson(extra_lines * np.where(defecting, 0.4, 1.0))
    row = np.repeat(np.arange(len(lines)), lines)
    cum = np.cumsum(weights, axis=1)
    pick = rng.random(len(row)) * cum[row, -1]
    category = (pick[:, None] >= cum[row]).sum(axis=1).astype(np.int8)
    shrink = 0.6 ** defecting_depth.astype(np.float64)
    noise = rng.lognormal(-0.5 * LINE_SIGMA**2, LINE_SIGMA, len(row))
    gross = line_value[row] * PRICE[category] * noise * shrink[row]
    items = 1 + rng.poisson(ITEMS_MEAN[category])
    return row, category, gross, items


def discounts(rng: np.random.Generator, gross: np.ndarray, on_promo: np.ndarray) -> np.ndarray:
    """Discount per line: promo customers get most lines 15-35% off, others rarely 5-15%.

    DOMAIN.md "Lifecycle stage" (price sensitivity): the discount share of spend tells
    who buys for the discount, and who will leave when it stops.
    """
    given = rng.random(len(gross)) < np.where(on_promo, 0.85, 0.06)
    rate = np.where(
        on_promo, rng.uniform(0.15, 0.35, len(gross)), rng.uniform(0.05, 0.15, len(gross))
    )
    return np.where(given, np.round(gross * rate, 2), 0.0)
