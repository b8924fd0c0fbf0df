"""Subscriptions whose payments carry the end of the paid period: commitment features and
the `expiry` churn definition (expired and not renewed within the grace days)."""

import pandas as pd
import pandas.testing as pdt
import pytest

from features.build import build, build_features
from features.contract import ChurnSpec
from features.labels import label_churn
from tests.frames import make_tables, row, transactions

CUTOFF = "2024-06-30"
EXPIRY = ChurnSpec(definition="expiry", horizon_days=30, grace_days=10)


def _payments(rows: list[tuple]) -> pd.DataFrame:
    """rows: (customer, paid on, amount, paid until)."""
    frame = transactions(rows, columns=("paid_until",))
    frame["paid_until"] = pd.to_datetime(frame["paid_until"])
    return frame


PAYMENTS = [
    (1, "2024-05-20", 10.0, "2024-06-20"),  # monthly, renews on time
    (1, "2024-06-20", 10.0, "2024-07-20"),
    (1, "2024-07-20", 0.0, "2024-08-20"),  # a free month is a renewal too
    (2, "2024-06-10", 10.0, "2024-07-10"),  # stops renewing: expires in the window
    (3, "2024-01-15", 99.0, "2025-01-15"),  # paid a year ahead: no churner
    (4, "2024-03-01", 10.0, "2024-04-01"),  # ended long before the cutoff: gone
    (5, "2024-06-05", 10.0, "2024-07-05"),  # renews late, within the grace days
    (5, "2024-07-12", 10.0, "2024-08-12"),
]


def _labels() -> pd.DataFrame:
    tables = make_tables(transaction_frame=_payments(PAYMENTS))
    return label_churn(tables, EXPIRY, cutoffs=CUTOFF).set_index("customer_id")


def test_members_who_let_their_paid_period_lapse_are_the_churners():
    labels = _labels()
    assert labels["eligible"].to_dict() == {1: True, 2: True, 3: True, 4: False, 5: True}
    eligible = labels[labels["eligible"]]
    assert eligible["churned"].to_dict() == {1: False, 2: True, 3: False, 5: False}


def test_commitment_features_read_the_payments_known_at_the_cutoff():
    built = build(make_tables(transaction_frame=_payments(PAYMENTS)), cutoffs=CUTOFF)
    one, three, four = (row(built.frame, c) for c in (1, 3, 4))
    assert one["paid_days_left"] == 20  # paid until 07-20 by the 06-20 payment
    assert one["plan_days_last"] == 30
    assert three["paid_days_left"] == 199 and three["plan_days_last"] == 366
    assert four["paid_days_left"] == -90
    spec, plan = (
        next(s for s in built.specs if s.name == n) for n in ("paid_days_left", "plan_days_last")
    )
    monthly, annual = {"plan_days_last": 30.0}, {"plan_days_last": 366.0}
    assert spec.render({"paid_days_left": 20.0, **annual}) == (
        "paid period ends in 20 days (annual plan)"
    )
    assert spec.render({"paid_days_left": -90.0, **monthly}) == (
        "paid period ended 90 days ago (monthly plan)"
    )
    assert plan.render(annual) == "annual plan"  # a leap year's, not "366-day plan"
    assert plan.render({"plan_days_last": 14.0}) == "14-day plan"


def test_a_renewal_paid_after_the_cutoff_changes_no_feature():
    tables = make_tables(transaction_frame=_payments(PAYMENTS))
    later = _payments([*PAYMENTS, (2, "2024-07-08", 10.0, "2024-08-08")])
    with_renewal = make_tables(transaction_frame=later)
    pdt.assert_frame_equal(
        build_features(tables, cutoffs=CUTOFF), build_features(with_renewal, cutoffs=CUTOFF)
    )
    relabelled = label_churn(with_renewal, EXPIRY, cutoffs=CUTOFF).set_index("customer_id")
    assert not relabelled.loc[2, "churned"]  # the label does see it


@pytest.mark.parametrize(("grace", "churned"), [(0, True), (10, False)])
def test_a_period_ending_late_in_the_window_waits_for_the_grace_days(grace, churned):
    """Ends 07-25, no renewal seen by 07-30: with 10 grace days it may still renew."""
    spec = EXPIRY.model_copy(update={"grace_days": grace})
    tables = make_tables(transaction_frame=_payments([(6, "2024-06-25", 10.0, "2024-07-25")]))
    labels = label_churn(tables, spec, cutoffs=CUTOFF).set_index("customer_id")
    assert bool(labels.loc[6, "churned"]) is churned


def test_a_payment_logs_reasons_speak_of_payments_not_purchases():
    """ "usually pays every 30 days", not a shop's "usually buys"; a shop keeps its words."""
    paid = build(make_tables(transaction_frame=_payments(PAYMENTS)), cutoffs=CUTOFF).specs
    bought = [paid_on[:3] for paid_on in PAYMENTS]
    shop = build(make_tables(transaction_frame=transactions(bought)), cutoffs=CUTOFF).specs
    for specs, expected in (
        (paid, "usually pays every 30 days"),
        (shop, "usually buys every 30 days"),
    ):
        gap = next(s for s in specs if s.name == "gap_median_days")
        assert gap.render({"gap_median_days": 30.0}) == expected
    overdue = next(s for s in paid if s.name == "overdue_ratio")
    text = overdue.render({"days_since_last_purchase": 40.0, "overdue_ratio": 1.3})
    assert text == "no payment for 40 days, 1.3× their usual gap"
    assert overdue.reason_missing == "fewer than two payment days: no payment rhythm yet"


def test_only_the_purchase_cycle_speaks_of_payments():
    """An app's own 'purchase' events beside its payments keep their name."""
    from tests.frames import events

    ev = events([(1, "2024-06-20", "purchase"), (2, "2024-06-21", "login")])
    tables = make_tables(transaction_frame=_payments(PAYMENTS), events=ev)
    specs = {s.name: s for s in build(tables, cutoffs=CUTOFF).specs}
    assert specs["events_purchase_30d"].render({"events_purchase_30d": 2.0}) == (
        "2 purchase events in the last 30 days"
    )
    assert specs["orders_30d"].render({"orders_30d": 2.0}) == "2 payments in the last 30 days"


def test_a_payment_without_its_period_end_pays_for_as_long_as_the_one_before():
    """KKBox writes some expiries 19700101 (read as unknown): a member who renewed on
    time read 'membership ended 21 days ago' from the period before."""
    payments = _payments(
        [
            (1, "2024-05-10", 10.0, "2024-06-09"),  # 30 days
            (1, "2024-06-09", 10.0, None),  # renewed, its end unknown: 30 days again
            (2, "2024-06-01", 10.0, None),  # nothing before to go by: unknown
        ]
    )
    built = build(make_tables(transaction_frame=payments), cutoffs=CUTOFF)
    assert row(built.frame, 1)["paid_days_left"] == 9  # paid until 07-09
    assert pd.isna(row(built.frame, 2)["paid_days_left"])


def test_a_refunded_period_is_no_rhythm_to_carry():
    """A yearly plan refunded four days later, then a payment whose end is unknown: read
    from the refunded year, it was paid 245 days ahead."""
    payments = _payments(
        [
            (1, "2024-01-01", 10.0, "2024-01-31"),
            (1, "2024-01-31", 99.0, "2025-01-31"),  # refunded on 2024-02-04
            (1, "2024-03-01", 10.0, None),
        ]
    )
    payments["returned_at"] = pd.to_datetime([None, "2024-02-04", None])
    built = build(make_tables(transaction_frame=payments), cutoffs=CUTOFF)
    # the refunded year lends nothing: paid up to the month before it, 151 days ago
    assert row(built.frame, 1)["paid_days_left"] == -151
