"""The calibrator evaluates its fitted maps directly: the same numbers as sklearn's own."""

import numpy as np
import pytest

from churn.model import PROBABILITY_FLOOR
from training.calibrate import _fit


@pytest.mark.parametrize("method", ["isotonic", "platt"])
def test_direct_evaluation_matches_the_estimator(method):
    rng = np.random.default_rng(3)
    margin = rng.normal(size=2000)
    y = (rng.uniform(size=2000) < 1 / (1 + np.exp(-1.5 * margin))).astype(int)
    calibrator = _fit(method, margin, y)
    probe = np.r_[rng.normal(scale=3, size=500), -50.0, 50.0]  # beyond the fitted range too
    if method == "isotonic":
        expected = calibrator.estimator.predict(probe)
    else:
        expected = calibrator.estimator.predict_proba(probe.reshape(-1, 1))[:, 1]
    expected = np.clip(expected, PROBABILITY_FLOOR, 1 - PROBABILITY_FLOOR)
    np.testing.assert_allclose(calibrator(probe), expected, rtol=1e-12, atol=1e-15)


def test_isotonic_steps_at_the_ends_promise_no_certainty():
    """Eight stayers at the low end of the margins are a step of one more row at the
    churn rate, not 0 (the floor); a large step keeps its average within that row."""
    margin = np.arange(1008, dtype=float)
    y = np.r_[np.zeros(8), np.ones(750), np.zeros(250)]  # then one step of 75% churners
    rate = 750 / 1008
    p = _fit("isotonic", margin, y)(margin)
    assert p[:8] == pytest.approx(rate / 9)
    assert p[8:] == pytest.approx((750 + rate) / 1001)
    assert np.mean(p) == pytest.approx(rate, abs=0.001)  # still about the churn rate


def test_isotonic_steps_stay_monotone_after_the_prior():
    """A one-row step above a larger one can fall below it under the prior (1 of 1
    leaving reads 0.66, 9 of 10 reads 0.85 at a 32% churn rate): the two are pooled."""
    margin = np.arange(31, dtype=float)
    y = np.r_[np.zeros(20), np.ones(9), [0], [1]]
    rate = 10 / 31
    p = _fit("isotonic", margin, y)(margin)
    assert np.all(np.diff(p) >= 0)
    assert p[20:] == pytest.approx((10 * (9 + rate) / 11 + (1 + rate) / 2) / 11)


def test_a_rare_churners_probabilities_keep_their_order_above_the_floor():
    """A log churning at 0.18%: a floor at 0.001 tied every probability there, and the
    model and both baselines read ROC AUC 0.5000 whatever their order."""
    rng = np.random.default_rng(5)
    score = rng.normal(size=20_000)
    y = (rng.uniform(size=20_000) < 0.002 * np.exp(score) / np.exp(0.5)).astype(int)
    p = _fit("platt", score, y)(score)
    assert p.mean() < 0.005 and len(np.unique(p)) > 19_000  # no two customers tied
