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
