"""Cancellations as features: announced leaving, read as of the cutoff."""

import numpy as np
import pytest

from features.build import build, build_features
from tests.frames import cancellations, customers, make_tables, row, transactions

CUTOFF = "2024-06-30"


@pytest.fixture
def tables():
    payments = transactions(
        [
            (1, "2024-06-01", 9.99),  # cancelled after this payment: renewal off
            (2, "2024-05-01", 9.99),
            (2, "2024-06-10", 9.99),  # resubscribed after cancelling
            (3, "2024-06-01", 9.99),  # never cancelled
        ]
    )
    cancels = cancellations(
        [
            (1, "2024-06-18"),
            (2, "2023-05-01"),  # over a year before the cutoff
            (2, "2024-05-20"),
            (3, "2024-07-05"),  # after the cutoff: not known yet
        ]
    )
    people = customers([1, 2, 3], signup=["2023-01-01"] * 3)
    return make_tables(customer_frame=people, transaction_frame=payments, cancellations=cancels)


def test_days_since_count_and_whether_renewal_is_off(tables):
    frame = build_features(tables, cutoffs=CUTOFF)
    one, two, three = (row(frame, c) for c in (1, 2, 3))
    assert one["days_since_last_cancellation"] == 12
    assert one["cancellations_365d"] == 1
    assert one["cancelled_since_last_payment"] == 1
    assert two["days_since_last_cancellation"] == 41
    assert two["cancellations_365d"] == 1
    assert two["cancelled_since_last_payment"] == 0
    assert np.isnan(three["days_since_last_cancellation"])
    assert three["cancellations_365d"] == 0
    assert three["cancelled_since_last_payment"] == 0


def test_reasons_read_as_what_happened(tables):
    specs = {s.name: s for s in build(tables, cutoffs=CUTOFF).specs}
    since = specs["days_since_last_cancellation"]
    assert since.render({"days_since_last_cancellation": 12.0}) == "cancelled 12 days ago"
    assert since.render({"days_since_last_cancellation": np.nan}) == "never cancelled"
    count = specs["cancellations_365d"]
    assert count.render({"cancellations_365d": 1.0}) == "1 cancellation in the last 365 days"
    off = specs["cancelled_since_last_payment"]
    assert off.render({"cancelled_since_last_payment": 1.0}) == (
        "cancelled since their last payment: yes"
    )


def test_without_payments_there_is_no_since_payment_flag():
    cancels = cancellations([(1, "2024-06-18")])
    people = customers([1], signup=["2023-01-01"])
    names = {
        s.name
        for s in build(
            make_tables(customer_frame=people, cancellations=cancels), cutoffs=CUTOFF
        ).specs
    }
    assert {"days_since_last_cancellation", "cancellations_365d"} <= names
    assert "cancelled_since_last_payment" not in names


@pytest.mark.parametrize(
    ("cancelled", "paid", "renewal_off"),
    [
        ("2024-06-18 02:06:01", "2024-06-18 02:06:01", 0),  # a plan change, in one second
        ("2024-06-18 02:06:01", "2024-06-18 01:00:00", 1),  # paid earlier that day
        ("2024-06-18", "2024-06-18", 1),  # date-only: the payment may be the cancellation
        ("2024-06-18", "2024-06-19", 0),
    ],
)
def test_renewal_is_off_until_a_payment_undoes_the_cancellation(cancelled, paid, renewal_off):
    """QA: all 75 scored plan changers read "cancelled since their last payment: yes"."""
    payments = transactions([(1, "2024-05-18 02:06:01", 9.99), (1, paid, 9.99)])
    if len(paid) == len("2024-06-18"):
        payments["timestamp"] = payments["timestamp"].dt.normalize()
    tables = make_tables(
        customer_frame=customers([1], signup=["2023-01-01"]),
        transaction_frame=payments,
        cancellations=cancellations([(1, cancelled)]),
    )
    frame = build_features(tables, cutoffs=CUTOFF)
    assert row(frame, 1)["cancelled_since_last_payment"] == renewal_off
