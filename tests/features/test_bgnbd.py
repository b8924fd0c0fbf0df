"""BG/NBD: recovers known parameters from its own generative process; sane conditionals."""

import numpy as np
import pandas as pd
import pytest

from features.bgnbd import BGNBD, DAYS_PER_UNIT, fitted_specs


def _simulate(n: int, r: float, alpha: float, a: float, b: float, weeks: float, seed: int):
    """Customers from the BG/NBD story, observed for `weeks` after their first purchase."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(r, 1.0 / alpha, n)
    drop = rng.beta(a, b, n)
    x, last = np.zeros(n), np.zeros(n)
    t, alive = np.zeros(n), np.ones(n, dtype=bool)
    for _ in range(400):
        t = t + rng.exponential(1.0 / np.maximum(rate, 1e-9))
        buys = alive & (t <= weeks)
        x[buys] += 1
        last[buys] = t[buys]
        alive &= buys & (rng.random(n) >= drop)
        if not alive.any():
            break
    days = DAYS_PER_UNIT
    return pd.DataFrame(
        {
            "orders_total": x + 1,
            "days_since_first_purchase": weeks * days - 1.0,
            "days_since_last_purchase": (weeks - last) * days,
        }
    )


def test_fit_recovers_the_generating_parameters():
    truth = (0.8, 6.0, 0.6, 2.5)
    frame = _simulate(6000, *truth, weeks=78, seed=3)
    fitted = BGNBD(penalizer=0.0).fit(frame)
    assert fitted.converged_
    np.testing.assert_allclose(fitted.params_, truth, rtol=0.35)


def test_conditionals_behave():
    model = BGNBD()
    model.params_ = np.array([0.8, 6.0, 0.6, 2.5])
    frame = pd.DataFrame(
        {
            "orders_total": [1, 10, 10, 10],
            "days_since_first_purchase": [300, 300, 300, 300],
            "days_since_last_purchase": [300, 5, 100, 250],
        }
    )
    alive = model.p_alive(frame)
    assert alive[0] == 1.0  # no repeat purchase yet: nothing says they died
    assert alive[1] > alive[2] > alive[3]
    expected = model.expected_purchases(frame, 90)
    assert expected[1] > expected[2] > expected[3] >= 0
    assert expected[1] > 1.0  # ten purchases in 300 days: about three per 90 days


def test_orders_all_on_the_first_day_are_no_repeat_purchase():
    """Olist splits a basket into orders: two the same day read as a repeat at once and
    then silence, '0% likely to still be an active buyer', below any one-time buyer."""
    model = BGNBD()
    model.params_ = np.array([0.8, 6.0, 0.6, 2.5])
    frame = pd.DataFrame(
        {
            "orders_total": [1, 2, 2],
            "days_since_first_purchase": [200, 200, 200],
            "days_since_last_purchase": [200, 200, 150],
        }
    )
    alive = model.p_alive(frame)
    assert alive[1] == alive[0] == 1.0
    assert alive[2] < 1.0  # a repeat 50 days on, then silence, is one
    expected = model.expected_purchases(frame, 90)
    assert expected[1] == expected[0]


@pytest.mark.parametrize(
    ("expected", "shown"),
    [
        (0.0019, "0.0019 purchases"),
        (0.000000025, "fewer than 0.001 purchases"),
        (0.0208, "0.021 purchases"),
        (0.0, "no purchase"),
        (0.45, "0.45 purchases"),
        (1.0, "1 purchase"),
        (2.345, "2.3 purchases"),
        (9.96, "10 purchases"),
        (1234.4, "1,234 purchases"),
    ],
)
def test_expected_purchases_read_as_a_number_that_tells_customers_apart(expected, shown):
    """Olist's 0.0019 and 0.0208 (a population mean of 0.0055) both read "0.0 purchases
    expected in the coming horizon", in their favour for some and raising for others."""
    spec = next(s for s in fitted_specs(180) if s.name == "expected_purchases_horizon_bgnbd")
    text = spec.render({spec.name: expected})
    assert text == f"{shown} expected in the next 180 days at their buying rate so far"
