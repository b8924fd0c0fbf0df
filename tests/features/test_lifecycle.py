"""Lifecycle stage, tenure and discount share."""

import pandas as pd
import pandas.testing as pdt
import pytest

from features.build import build_features
from features.lifecycle import ANNIVERSARY_SPEC, LAPSED_MIN_DAYS
from tests.frames import customers, events, make_tables, row, transactions

CUTOFF = "2024-06-30"


def test_stages_follow_the_documented_rule():
    tx = transactions(
        [
            (1, "2024-06-01", 10, 0),  # one purchase: first-time
            (2, "2024-03-01", 10, 0),
            (2, "2024-06-01", 10, 0),  # tenure 121 days: short-term
            (3, "2022-01-01", 10, 0),
            (3, "2024-06-01", 10, 0),  # long-term
            (4, "2023-06-01", 10, 0),
            (4, "2023-12-01", 10, 0),  # 212 days silent, past their 183-day gap: lapsed
            (5, "2024-01-01", 10, 0),
            (5, "2024-01-11", 10, 5),  # 10-day rhythm, 171 days silent: lapsed by ratio
            (6, "2023-01-01", 10, 0),
            (6, "2023-12-01", 10, 0),  # 212 days silent of a 334-day rhythm: on schedule
        ],
        columns=("discount",),
    )
    frame = build_features(make_tables(transaction_frame=tx), cutoffs=CUTOFF)
    stages = {c: row(frame, c)["lifecycle_stage"] for c in range(1, 7)}
    assert stages == {
        1: "first-time",
        2: "short-term",
        3: "long-term",
        4: "lapsed",
        5: "lapsed",
        6: "long-term",
    }
    assert row(frame, 2)["tenure_days"] == 121
    assert row(frame, 5)["discount_share_365d"] == pytest.approx(0.5)


def test_a_buyer_overdue_on_a_short_rhythm_is_lapsed_only_after_a_month_silent():
    """A household buying every 4 days and silent 15 (3.75× overdue, 362 spent in the last
    30 days) read "lapsed customer"; the overdue rule needs `LAPSED_MIN_DAYS` of silence."""
    days = pd.date_range("2024-01-02", periods=40, freq="4D")  # last purchase 2024-06-06
    recent = [(1, str(d.date()), 20) for d in days]  # 24 days silent, 6× overdue
    weekly = pd.date_range("2024-01-01", periods=19, freq="7D")  # last purchase 2024-05-06
    lapsing = [(2, str(d.date()), 20) for d in weekly]  # 55 days silent, 7.9× overdue
    at_floor = [(3, d, 10) for d in ("2024-05-01", "2024-05-11", "2024-05-21", "2024-05-31")]
    frame = build_features(
        make_tables(transaction_frame=transactions(recent + lapsing + at_floor)), cutoffs=CUTOFF
    )
    one, two, three = (row(frame, c) for c in (1, 2, 3))
    assert one["days_since_last_purchase"] == 24 and one["overdue_ratio"] == pytest.approx(6.0)
    assert one["lifecycle_stage"] == "short-term"
    assert two["days_since_last_purchase"] == 55 and two["lifecycle_stage"] == "lapsed"
    assert three["days_since_last_purchase"] == LAPSED_MIN_DAYS  # no purchase in 30 days
    assert three["overdue_ratio"] == pytest.approx(3.0)
    assert three["lifecycle_stage"] == "lapsed"


def test_a_discount_written_as_a_negative_number_is_a_discount():
    """dunnhumby's RETAIL_DISC is -0.60 off: the share read 0 for every household."""
    tx = transactions(
        [(1, "2024-06-01", 30, -0.6), (1, "2024-06-08", 10, 0), (2, "2024-06-01", 10, 2.0)],
        columns=("discount",),
    )
    frame = build_features(make_tables(transaction_frame=tx), cutoffs=CUTOFF)
    assert row(frame, 1)["discount_share_365d"] == pytest.approx(0.75)
    assert row(frame, 2)["discount_share_365d"] == pytest.approx(1.0)


def test_tenure_from_signup_date_when_given():
    people = customers([1], signup=["2023-06-30"])
    tx = transactions([(1, "2024-06-01", 10)])
    one = row(
        build_features(make_tables(customer_frame=people, transaction_frame=tx), cutoffs=CUTOFF), 1
    )
    assert one["tenure_days"] == 366
    assert one["lifecycle_stage"] == "first-time"


def test_customer_not_yet_signed_up_has_no_row():
    people = customers([1, 2], signup=["2024-01-01", "2024-07-15"])
    tx = transactions([(1, "2024-01-01", 10), (2, "2024-07-20", 10)])
    frame = build_features(make_tables(customer_frame=people, transaction_frame=tx), cutoffs=CUTOFF)
    assert list(frame["customer_id"]) == [1]


def test_cutoff_month_is_the_calendar_month_of_each_cutoff():
    tx = transactions([(1, "2024-01-05", 10)])
    frame = build_features(make_tables(transaction_frame=tx), cutoffs=["2024-02-29", "2024-12-31"])
    assert list(frame.sort_values("cutoff")["cutoff_month"]) == [2.0, 12.0]


def test_days_until_the_next_signup_anniversary():
    people = customers([1, 2, 3], signup=["2023-07-10", "2022-06-30", "2020-02-29"])
    tx = transactions([(c, "2024-06-01", 10) for c in (1, 2, 3)])
    frame = build_features(make_tables(customer_frame=people, transaction_frame=tx), cutoffs=CUTOFF)
    assert row(frame, 1)["days_until_anniversary"] == 10  # Jul 10 is 10 days after Jun 30
    assert row(frame, 2)["days_until_anniversary"] == 0  # the anniversary is the cutoff day
    assert row(frame, 3)["days_until_anniversary"] == 243  # Feb 28 2025


def test_an_anniversary_reason_reads_the_nearer_anniversary():
    """A club member 395 days in (a year's membership and a grace period) read "signup
    anniversary in 335 days": the fact is the one that passed 30 days ago."""
    people = customers([1, 2, 3], signup=["2023-05-31", "2023-07-10", "2022-06-30"])
    tx = transactions([(c, "2024-06-01", 10) for c in (1, 2, 3)])
    frame = build_features(make_tables(customer_frame=people, transaction_frame=tx), cutoffs=CUTOFF)
    texts = {c: ANNIVERSARY_SPEC.render(row(frame, c).to_dict()) for c in (1, 2, 3)}
    assert texts == {
        1: "signup anniversary 30 days ago",  # May 31, 2024; the next is 335 days off
        2: "signup anniversary in 10 days",
        3: "signup anniversary today",
    }


def test_a_snapshot_without_signup_or_activity_has_no_tenure_or_stage():
    """No date to count tenure from: no column that would be empty (or, worse, a stage
    of "long-term" for everyone)."""
    snapshot = make_tables(customer_frame=customers([1, 2]))
    frame = build_features(snapshot, cutoffs=CUTOFF)
    assert "tenure_days" not in frame and "lifecycle_stage" not in frame
    assert list(frame["cutoff_month"]) == [6.0, 6.0]


def test_unknown_tenure_has_no_stage():
    """A snapshot with some signup dates: the others' stage is unknown, not "long-term"."""
    people = customers([1, 2], signup=[None, "2024-01-01"])
    frame = build_features(make_tables(customer_frame=people), cutoffs=CUTOFF)
    assert pd.isna(row(frame, 1)["lifecycle_stage"])
    assert row(frame, 2)["lifecycle_stage"] == "short-term"


def test_usage_before_the_signup_date_starts_the_customer():
    """A SaaS export dated half its usage before the account's `signup_date`: such
    accounts were missing at cutoffs between the two, and tenure from the signup read
    "customer for 74 days; last feature_26 645 days ago"."""
    people = customers([1, 2, 3], signup=["2024-09-01", "2024-09-01", "2024-01-01"])
    usage = events(
        [
            (1, "2024-05-01", "login"),  # 60 days before the cutoff, months before signup
            (1, "2024-06-20", "login"),
            (2, "2024-07-10", "login"),  # after the cutoff: no sign of them at it
            (3, "2023-12-01", "login"),  # a month before signing up
        ]
    )
    frame = build_features(
        make_tables(customer_frame=people, events=usage), cutoffs=[CUTOFF, "2024-07-31"]
    )
    assert set(frame.loc[frame["cutoff"] == CUTOFF, "customer_id"]) == {1, 3}
    assert row(frame, 1, CUTOFF)["tenure_days"] == 60
    assert row(frame, 1, CUTOFF)["lifecycle_stage"] == "first-time"
    assert row(frame, 3, CUTOFF)["tenure_days"] == 212  # from 2023-12-01, not 2024-01-01
    assert row(frame, 2, "2024-07-31")["tenure_days"] == 21
    # renewals follow the contract: the signup's anniversary (Jan 1), not the first use's
    assert row(frame, 3, CUTOFF)["days_until_anniversary"] == 185


def test_only_activity_by_the_cutoff_moves_the_start():
    """A use dated after the cutoff (and before the signup) neither makes the customer
    known at the cutoff nor changes their tenure there."""
    people = customers([1, 2], signup=["2024-09-01", "2024-06-01"])
    usage = [(1, "2024-06-20", "login"), (2, "2024-06-10", "login")]
    later = [(1, "2024-07-02", "login"), (2, "2024-07-05", "login")]
    built = [
        build_features(make_tables(customer_frame=people, events=events(rows)), cutoffs=CUTOFF)
        for rows in (usage, usage + later)
    ]
    pdt.assert_frame_equal(built[0], built[1])
    assert row(built[0], 1)["tenure_days"] == 10 and row(built[0], 2)["tenure_days"] == 29


def test_a_usage_log_without_purchases_lapses_by_its_silence():
    """MovieLens' raters silent for 180-184 days read as short-term: without purchases
    no one could lapse. Use lapses by the purchases' rule; a model trained before
    (`lapsed_by_use` off) scores as it was trained."""
    from dataclasses import replace

    weekly = pd.date_range("2023-06-01", periods=20, freq="7D")  # last use 2023-10-12
    rows = [(1, str(d.date()), "login") for d in weekly]  # 262 days silent
    rows += [
        (2, str(d.date()), "login") for d in pd.date_range("2024-04-01", periods=13, freq="7D")
    ]
    rows += [(3, "2024-05-01", "login"), (3, "2024-05-08", "login")]  # 7-day rhythm, 53 silent
    tables = make_tables(customer_frame=customers([1, 2, 3]), events=events(rows))
    frame = build_features(tables, cutoffs=CUTOFF)
    stages = {c: row(frame, c)["lifecycle_stage"] for c in (1, 2, 3)}
    assert stages == {1: "lapsed", 2: "short-term", 3: "lapsed"}  # 3: 7.6x overdue, 53 days
    before = build_features(replace(tables, lapsed_by_use=False), cutoffs=CUTOFF)
    assert {c: row(before, c)["lifecycle_stage"] for c in (1, 2, 3)} == {
        1: "long-term",
        2: "short-term",
        3: "first-time",
    }


def test_a_member_paid_past_the_cutoff_is_not_lapsed():
    """193 of a streaming service's 252 annual members, paid up for months, read as
    lapsed: 180 days silent is an annual plan's usual silence."""
    tx = transactions(
        [(1, "2023-10-01", 199, "2024-10-01"), (2, "2023-10-01", 199, "2024-01-01")],
        columns=("paid_until",),
    )
    tx["paid_until"] = pd.to_datetime(tx["paid_until"])
    frame = build_features(make_tables(transaction_frame=tx), cutoffs=CUTOFF)
    assert row(frame, 1)["lifecycle_stage"] == "first-time"
    assert row(frame, 2)["lifecycle_stage"] == "lapsed"
    tx = pd.concat([tx, tx.assign(timestamp=pd.Timestamp("2023-09-01"))], ignore_index=True)
    tx = tx.sort_values(["customer_id", "timestamp"], ignore_index=True)
    frame = build_features(make_tables(transaction_frame=tx), cutoffs=CUTOFF)
    assert row(frame, 1)["lifecycle_stage"] == "short-term"  # paid up
    assert row(frame, 2)["lifecycle_stage"] == "lapsed"  # ended in January
