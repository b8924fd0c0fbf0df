"""Returns that reverse a purchase: matched to it, and read as of each cutoff."""

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from features.build import build_features
from features.returns import line_total, match_returns
from tests.frames import make_tables, row, transactions


def _match(rows: list[tuple], *, category: bool = True):
    customer, day, amount, kind = (
        np.array(column, dtype=object) for column in zip(*rows, strict=True)
    )
    return match_returns(
        customer, day.astype(float), amount.astype(float), kind if category else None
    )


def test_a_return_reverses_the_latest_mirroring_purchase_on_or_before_its_day():
    matched = _match(
        [
            ("a", 1, 10.0, "x"),
            ("a", 2, 10.0, "x"),  # the latest mirror before the return
            ("a", 3, -10.0, "x"),
            ("a", 4, 10.0, "x"),  # bought after the return: not it
        ]
    )
    assert matched.returned_day.tolist()[1] == 3
    assert np.isnan(matched.returned_day[[0, 2, 3]]).all()
    assert matched.reversing.tolist() == [False, False, True, False]
    assert (matched.matched, matched.unmatched) == (1, 0)


def test_only_the_same_customer_category_and_amount_to_the_cent_mirror():
    matched = _match(
        [
            ("a", 1, 10.0, "x"),
            ("b", 1, 10.0, "x"),
            ("a", 1, 10.0, "y"),
            ("a", 1, 10.004, "x"),  # the same to the cent: the latest mirror
            ("a", 2, -10.0, "x"),
            ("a", 2, -7.5, "x"),  # a partial return: mirrors nothing
        ]
    )
    assert matched.reversing.tolist() == [False] * 4 + [True, False]
    assert (matched.matched, matched.unmatched) == (1, 1)
    assert np.flatnonzero(~np.isnan(matched.returned_day)).tolist() == [3]


def test_a_return_no_purchase_of_its_category_mirrors_reverses_one_of_another():
    """Online Retail refunds some lines under the code 'M' ("Manual"): 60 x 649.50
    refunded within minutes so read as a lifetime spend of 39,620. A purchase of the
    return's own category is still matched first, and one matched stays matched."""
    matched = _match(
        [
            ("a", 1, 38970.0, "22502"),
            ("a", 1, 38970.0, "M"),  # the same category and amount: the first return's
            ("b", 1, 38970.0, "22502"),  # another customer's
            ("a", 2, -38970.0, "M"),
            ("a", 2, -38970.0, "M"),  # no 'M' purchase left: the 22502 line
            ("a", 2, -38970.0, "M"),  # none left of any category
        ]
    )
    assert matched.reversing.tolist() == [False, False, False, True, True, False]
    assert matched.returned_day[:2].tolist() == [2, 2] and np.isnan(matched.returned_day[2])
    assert (matched.matched, matched.unmatched) == (2, 1)


def test_two_returns_reverse_two_purchases_and_a_third_finds_none():
    matched = _match([("a", 1, 5.0, "x"), ("a", 1, 5.0, "x")] + [("a", 3, -5.0, "x")] * 3)
    assert matched.returned_day[:2].tolist() == [3, 3]
    assert (matched.matched, matched.unmatched) == (2, 1)


def test_without_categories_the_amount_alone_mirrors():
    matched = _match([("a", 1, 5.0, "x"), ("a", 2, -5.0, "y")], category=False)
    assert matched.matched == 1


# -- features read returns as of each cutoff --------------------------------------------
LINES = [
    (1, "2024-01-10", 40.0, "o1"),
    (1, "2024-03-01", 40.0, "o2"),
    (1, "2024-05-20", 5000.0, "o3"),  # a huge order, cancelled within days
    (1, "2024-05-20", 30.0, "o3"),
    (2, "2024-02-01", 20.0, "o4"),
]


def _features(returned: dict[int, str], cutoffs: list[str]) -> pd.DataFrame:
    frame = transactions(LINES, columns=("order_id",))
    frame["returned_at"] = pd.NaT
    for position, day in returned.items():
        frame.loc[position, "returned_at"] = pd.Timestamp(day)
    return build_features(make_tables(transaction_frame=frame), cutoffs=cutoffs)


def test_a_returned_line_counts_until_its_return_and_its_order_while_any_line_does():
    built = _features({2: "2024-05-25"}, ["2024-05-22", "2024-05-31"])
    before, after = row(built, 1, "2024-05-22"), row(built, 1, "2024-05-31")
    assert before["spend_total"] == pytest.approx(5110.0)
    assert after["spend_total"] == pytest.approx(110.0)  # the 5,000 line went back
    assert after["spend_30d"] == pytest.approx(30.0)
    assert after["orders_total"] == 3  # order o3 still counts: a line of it was kept
    assert after["days_since_last_purchase"] == 11
    whole = _features({2: "2024-05-25", 3: "2024-05-25"}, ["2024-05-22", "2024-05-31"])
    assert row(whole, 1, "2024-05-22")["orders_total"] == 3
    gone = row(whole, 1, "2024-05-31")
    assert gone["orders_total"] == 2 and gone["spend_total"] == pytest.approx(80.0)
    assert gone["days_since_last_purchase"] == 91  # since 2024-03-01


def test_a_return_after_the_cutoff_changes_nothing_at_it():
    cutoffs = ["2024-04-30", "2024-05-22"]
    never = _features({}, cutoffs)
    later = _features({2: "2024-06-02", 3: "2024-06-02"}, cutoffs)
    pdt.assert_frame_equal(never, later)


def test_a_line_total_is_negative_when_its_price_or_quantity_is():
    """A return written Qty -5 at Rate -772 is -3,860, as one written Qty -5 at 772."""
    price = pd.Series([772.0, -772.0, 772.0, -772.0, np.nan])
    quantity = pd.Series([5.0, -5.0, -5.0, 5.0, 2.0])
    totals = line_total(price, quantity)
    assert totals.iloc[:4].tolist() == [3860.0, -3860.0, -3860.0, -3860.0]
    assert np.isnan(totals.iloc[4])
    assert line_total(2.5, 0.0) == 0.0
