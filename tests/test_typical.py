"""The values of a numeric attribute that read as the typical customer's (`churn.typical`)."""

import numpy as np
import pandas as pd

from churn.typical import typical_band, typical_bands
from features.attributes import attribute_spec


def test_the_band_holds_the_values_ranked_within_a_tenth_of_the_median_customer():
    """100 customers with 1 to 100 sessions: the middle fifth, 41 to 60; blanks rank
    nowhere."""
    sessions = np.concatenate([np.arange(1.0, 101.0), [np.nan] * 30])
    assert typical_band(sessions) == [41.0, 60.0]
    assert typical_band(np.array([np.nan, np.nan])) is None


def test_a_value_most_customers_share_is_one_rank_and_its_neighbours_are_not_typical():
    """A bank's products: 51% hold one, 45% two. One product is the median customer's;
    two rank 48 points above it and stay a difference. Split 50/50, the median falls
    between the two blocks and neither is typical."""
    products = np.array([1.0] * 51 + [2.0] * 45 + [3.0] * 3 + [4.0])
    assert typical_band(products) == [1.0, 1.0]
    halves = np.array([1.0] * 50 + [2.0] * 46 + [3.0] * 3 + [4.0])
    assert typical_band(halves) is None


def test_bands_only_for_attributes_whose_reason_says_the_typical_value():
    """A 0/1 flag and a year say no typical value: they need no band."""
    rows = pd.DataFrame(
        {
            "sessions": np.arange(1.0, 101.0),
            "paid": np.arange(100) % 2,
            "signup_year": 2000.0 + np.arange(100) % 20,
        }
    )
    specs = [
        attribute_spec("sessions", "numeric"),
        attribute_spec("paid", "numeric", flag=True),
        attribute_spec("signup_year", "numeric", year=True),
    ]
    assert typical_bands(rows, specs) == {"sessions": [41.0, 60.0]}
