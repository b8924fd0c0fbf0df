"""Hand-computed expectations for recency, purchase cycle, frequency and monetary value."""

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from features import monetary, recency
from features.activity import day_of
from features.build import build, build_features
from features.words import as_payments
from tests.frames import make_tables, row, transactions

CUTOFF = "2024-03-31"


@pytest.fixture
def frame():
    tx = transactions(
        [
            (1, "2024-01-01", 100),
            (1, "2024-01-31", 50),
            (1, "2024-03-01 09:00", 30),
            (1, "2024-03-01 17:00", 20),  # same day, no order id: one purchase occasion
            (2, "2024-03-31 23:59", 10),  # on the cutoff day: known
            (2, "2024-04-01 00:00", 999),  # the day after: never seen
        ]
    )
    return build_features(make_tables(transaction_frame=tx), cutoffs=CUTOFF)


def test_recency_and_cycle_against_own_rhythm(frame):
    one = row(frame, 1)
    # occasions Jan 1, Jan 31, Mar 1 (2024 is a leap year): gaps 30 and 30 days
    assert one["gap_median_days"] == 30
    assert one["gap_cv"] == 0
    assert one["days_since_last_purchase"] == 30
    assert one["overdue_ratio"] == pytest.approx(1.0)


def test_window_is_inclusive_of_cutoff_day_and_excludes_the_day_30_back(frame):
    one = row(frame, 1)
    # 30d window is (Mar 1, Mar 31]: the Mar 1 purchase is 30 days back, outside it
    assert one["orders_30d"] == 0
    assert one["orders_90d"] == 2  # (Jan 1, Mar 31]: Jan 31 and Mar 1
    assert one["spend_90d"] == 100
    assert one["orders_365d"] == 3
    assert one["spend_365d"] == 200
    assert one["avg_order_value_365d"] == pytest.approx(200 / 3)
    assert one["orders_total"] == 3


def test_purchase_on_cutoff_day_counts_and_next_day_does_not(frame):
    two = row(frame, 2)
    assert two["days_since_last_purchase"] == 0
    assert two["orders_total"] == 1
    assert two["spend_total"] == 10
    assert math.isnan(two["gap_median_days"])
    assert math.isnan(two["overdue_ratio"])


def test_order_id_defines_purchase_occasions():
    tx = transactions(
        [(7, "2024-03-10", 5, "A"), (7, "2024-03-10", 6, "A"), (7, "2024-03-10", 7, "B")],
        columns=("order_id",),
    )
    seven = row(build_features(make_tables(transaction_frame=tx), cutoffs=CUTOFF), 7)
    assert seven["orders_30d"] == 2
    assert seven["spend_30d"] == 18
    assert seven["avg_order_value_365d"] == 9


def test_irregular_buyer_has_higher_gap_cv():
    tx = transactions(
        [(1, d, 10) for d in ("2024-01-01", "2024-01-11", "2024-01-21", "2024-01-31")]
        + [(2, d, 10) for d in ("2024-01-01", "2024-01-03", "2024-01-25", "2024-01-31")]
    )
    frame = build_features(make_tables(transaction_frame=tx), cutoffs="2024-02-10")
    assert row(frame, 1)["gap_cv"] == 0
    # gaps 2, 22, 6: mean 10, sample std 10.583, so CV 1.058
    assert row(frame, 2)["gap_cv"] == pytest.approx(1.0583005, rel=1e-5)
    assert row(frame, 2)["overdue_ratio"] == pytest.approx(10 / 6)


def test_silence_against_the_customers_own_gaps():
    tx = transactions(
        [(2, d, 10) for d in ("2024-01-01", "2024-01-03", "2024-01-25", "2024-01-31")]
    )
    two = row(build_features(make_tables(transaction_frame=tx), cutoffs="2024-02-10"), 2)
    # gaps 2, 22, 6 days; silent for 10: longer than the gaps of 2 and 6
    assert two["silence_beyond_gaps_share"] == pytest.approx(2 / 3)
    assert two["silence_vs_longest_gap"] == pytest.approx(10 / 22)


def test_purchase_pace_against_history(frame):
    one = row(frame, 1)
    # 3 purchases over Jan 1..Mar 31 (91 days), all 3 in the 3 months (Dec 31, Mar 31]:
    # the usual pace (the last 90 days, from Jan 2, held 2)
    assert one["purchase_pace_3m_vs_history"] == pytest.approx(1.0)


@pytest.mark.parametrize("first", ["2016-09-28", "2016-06-28", "2015-12-28"])
def test_a_subscriber_who_paid_every_month_since_joining_keeps_the_usual_pace(first):
    """A pet insurer's members who joined on Sep 28 and paid 4 of 4 bills read "paying at
    77% of their usual pace": the first payment starts the count, and is not in it."""
    bills = pd.date_range(first, "2016-12-31", freq=pd.DateOffset(months=1))
    tx = transactions([(1, str(b.date()), 30) for b in bills])
    one = row(build_features(make_tables(transaction_frame=tx), cutoffs="2016-12-31"), 1)
    assert one["purchase_pace_3m_vs_history"] == pytest.approx(1.0, abs=0.05)


def test_a_history_expecting_under_one_purchase_in_the_window_sets_no_pace():
    """A B2B account buying once a year, 207 days into its 332-day rhythm, read "buying at
    0% of their usual pace": its history expects 0.3 purchases in 3 months."""
    yearly = [(1, "2003-02-01", 10), (1, "2004-01-01", 10)]
    monthly = [(2, f"2004-{m:02d}-01", 10) for m in range(1, 8)]
    tx = transactions(yearly + monthly)
    frame = build_features(make_tables(transaction_frame=tx), cutoffs="2004-07-26")
    assert np.isnan(row(frame, 1)["purchase_pace_3m_vs_history"])
    assert row(frame, 2)["purchase_pace_3m_vs_history"] == pytest.approx(1.0, abs=0.2)
    busier = transactions([*yearly, *[(1, f"2004-{m:02d}-10", 10) for m in (5, 6, 7)]])
    frame = build_features(make_tables(transaction_frame=busier), cutoffs="2004-07-26")
    assert row(frame, 1)["purchase_pace_3m_vs_history"] > 3  # a speed-up is still told


def test_one_purchase_sets_no_pace():
    tx = transactions([(1, "2024-01-10", 10), (2, "2023-06-01", 10)])
    frame = build_features(make_tables(transaction_frame=tx), cutoffs="2024-03-31")
    assert np.isnan(row(frame, 1)["purchase_pace_3m_vs_history"])
    assert np.isnan(row(frame, 2)["purchase_pace_3m_vs_history"])


@pytest.mark.parametrize(
    ("cutoff", "days"),
    [
        ("2024-12-31", 92),  # from Sep 30: a month-end counts from the month-end
        ("2023-02-28", 90),  # from Nov 30, not Nov 28
        ("2024-05-31", 92),  # from Feb 29
        ("2024-03-30", 91),  # from Dec 30
        ("2023-05-30", 91),  # from Feb 28, the 30th a short month lacks
    ],
)
def test_calendar_days_back(cutoff, days):
    assert monetary.calendar_days_back(day_of(pd.Timestamp(cutoff)), 3) == days


@pytest.mark.parametrize("cutoff", ["2024-12-31", "2024-11-30", "2024-12-15", "2025-02-28"])
@pytest.mark.parametrize("bill_day", [1, 15, 28, 30, 31])
def test_monthly_bills_keep_the_usual_pace_on_any_day(cutoff, bill_day):
    """A bill a month, on any day of the month, paid every month for a year: its pace is
    the usual one at any cutoff (90 days held 2 of 3 bills paid on the 1st at Dec 31)."""
    end = pd.Timestamp(cutoff)
    months = pd.period_range(end - pd.DateOffset(months=15), end, freq="M")
    days = [min(bill_day, m.days_in_month) for m in months]
    bills = [m.to_timestamp() + pd.Timedelta(days=d - 1) for m, d in zip(months, days, strict=True)]
    tx = transactions([(1, str(b.date()), 10) for b in bills if b <= end])
    one = row(build_features(make_tables(transaction_frame=tx), cutoffs=cutoff), 1)
    assert one["purchase_pace_3m_vs_history"] == pytest.approx(1.0, abs=0.1)


def test_the_first_purchase_reads_as_the_first_on_record():
    """A member since 2013 in a log from 2015: "first purchase 701 days ago" beside
    "customer for 3417 days" read the data's start as theirs."""
    tx = transactions([(1, "2024-01-01", 10)])
    specs = {s.name: s for s in build(make_tables(transaction_frame=tx), cutoffs=CUTOFF).specs}
    spec = specs["days_since_first_purchase"]
    assert spec.render({"days_since_first_purchase": 701.0}) == (
        "first purchase on record 701 days ago"
    )


def test_orders_on_one_day_are_one_occasion_of_the_buying_rhythm():
    """Olist's split baskets (285 of 864 repeat customers with a median gap of 0 days)
    read "usually buys every 0 days" beside an overdue ratio that could not be computed:
    the rhythm is of purchase days, the order counts stay counts of orders."""
    tx = transactions(
        [
            (1, "2024-01-01 10:00", 10, "A"),
            (1, "2024-01-01 10:36", 5, "B"),  # 36 minutes later: the same day
            (1, "2024-01-31", 7, "C"),
            (1, "2024-03-01", 7, "D"),
            (1, "2024-03-01", 7, "E"),
            (2, "2024-03-21 10:00", 10, "F"),
            (2, "2024-03-21 10:36", 10, "G"),
        ],
        columns=("order_id",),
    )
    frame = build_features(make_tables(transaction_frame=tx), cutoffs=CUTOFF)
    one = row(frame, 1)
    assert one["orders_total"] == 5
    assert one["gap_median_days"] == 30  # days Jan 1, Jan 31, Mar 1: gaps 30 and 30
    assert one["gap_cv"] == 0
    assert one["overdue_ratio"] == pytest.approx(1.0)
    assert one["silence_beyond_gaps_share"] == 0
    assert one["silence_vs_longest_gap"] == pytest.approx(1.0)
    two = row(frame, 2)
    assert two["orders_total"] == 2
    assert math.isnan(two["gap_median_days"])  # one purchase day: no rhythm yet
    assert math.isnan(two["overdue_ratio"])
    assert math.isnan(two["silence_vs_longest_gap"])
    # a model trained before reads its rhythm between orders, as it was trained
    tables = replace(make_tables(transaction_frame=tx), rhythm_of="orders")
    as_trained = row(build_features(tables, cutoffs=CUTOFF), 2)
    assert as_trained["gap_median_days"] == 0


def test_a_model_says_what_its_rhythm_was_trained_on():
    """Stored since it is asked; before, told by the gaps' words (models trained between
    the change and the flag read purchase days, older ones orders)."""
    from types import SimpleNamespace

    from churn.model import ChurnModel
    from features.recency import SPECS

    gaps = next(spec for spec in SPECS if spec.name == "gap_median_days")
    older = replace(gaps, reason_missing="fewer than two purchases: no buying rhythm yet")
    assert (
        ChurnModel._rhythm_of.func(SimpleNamespace(info={"rhythm_of": "days"}, specs=[])) == "days"
    )
    assert ChurnModel._rhythm_of.func(SimpleNamespace(info={}, specs=[gaps])) == "days"
    assert ChurnModel._rhythm_of.func(SimpleNamespace(info={}, specs=[older])) == "orders"


def test_a_purchase_on_the_cutoff_day_reads_as_today_in_shop_or_payment_words():
    """ "in their favour: no purchase for 0 days, 0% of their usual gap" of a customer who
    bought that day (4 rows of a billing export's worklist)."""
    days, overdue = (
        spec for spec in recency.SPECS if spec.name in ("days_since_last_purchase", "overdue_ratio")
    )
    today = {"days_since_last_purchase": 0.0, "overdue_ratio": 0.0}
    assert days.render(today) == overdue.render(today) == "last purchase today"
    assert as_payments(overdue).render(today) == "last payment today"
    later = {"days_since_last_purchase": 1.0, "overdue_ratio": 0.1}
    assert as_payments(days).render(later) == "no payment for 1 day, 10% of their usual gap"


def test_a_silence_of_zero_and_a_first_day_read_in_words_not_zeros():
    """ "silent 0% of their longest gap", "silent for longer than 0% of their past gaps"
    and "customer for 0 days" were true and read oddly."""
    from features.lifecycle import TENURE_SPEC

    share, longest = (
        spec
        for spec in recency.SPECS
        if spec.name in ("silence_beyond_gaps_share", "silence_vs_longest_gap")
    )
    assert share.render({"silence_beyond_gaps_share": 0.0}) == (
        "silent no longer than any gap they had before"
    )
    assert share.render({"silence_beyond_gaps_share": 0.5}) == (
        "silent for longer than 50% of their past gaps"
    )
    assert longest.render({"silence_vs_longest_gap": 0.0}) == "last purchase today"
    assert as_payments(longest).render({"silence_vs_longest_gap": 0.0}) == "last payment today"
    assert TENURE_SPEC.render({"tenure_days": 0.0}) == "a customer since today"
    assert TENURE_SPEC.render({"tenure_days": 12.0}) == "customer for 12 days"


def test_money_reads_its_cents_under_100_in_every_money_reason():
    """A DVD rental's 0.99 payment read "spent 1 in the last 90 days" and a 4.99 average
    order "5": amounts under 100 keep their cents, a whole one none, larger ones none."""
    from features import monetary, wallet

    said = {spec.name: spec.render({spec.name: 0.99}) for spec in monetary.SPECS}
    assert said["spend_90d"] == "spent 0.99 in the last 90 days"
    assert said["avg_order_value_365d"] == "average order 0.99 over the last year"
    assert said["spend_total"] == "lifetime spend 0.99"
    budgets = [
        spec.render({spec.name: 12.5})
        for spec in [*wallet.SPECS, *wallet.ESTIMATED_SPECS]
        if spec.name == "wallet_365d"
    ]
    assert budgets == [
        "yearly category budget 12.50",
        "customers like them spend up to 12.50 a year",
    ]
    average = next(spec for spec in monetary.SPECS if spec.name == "avg_order_value_365d")
    assert [average.render({average.name: v}) for v in (4.99, 5.0, 4.4, 1234.6)] == [
        "average order 4.99 over the last year",
        "average order 5 over the last year",
        "average order 4.40 over the last year",
        "average order 1,235 over the last year",
    ]
    spend = next(spec for spec in monetary.SPECS if spec.name == "spend_90d")
    assert spend.render({spend.name: -0.004}) == "spent 0 in the last 90 days"  # not "-0"


def test_a_log_without_amounts_declares_its_purchases_and_no_money():
    """A Groceries log (member, date, item): counts, rhythm, trends of purchases and
    breadth by hand; spend, its trends, the average order, consumables' and discount
    shares and the wallet are not declared (no NaN-filled money columns)."""
    lines = transactions(
        [
            (1, "2023-12-01", 0, "milk"),
            (1, "2024-01-05", 0, "milk"),
            (1, "2024-02-05", 0, "bread"),
            (1, "2024-03-04", 0, "milk"),
            (1, "2024-03-04", 0, "eggs"),
            (2, "2023-11-20", 0, "milk"),
        ],
        columns=("category",),
    ).drop(columns="amount")
    customers_frame = pd.DataFrame({"customer_id": [1, 2], "wallet": [500.0, 300.0]})
    tables = make_tables(customer_frame=customers_frame, transaction_frame=lines)
    built = build(tables, cutoffs="2024-03-31")
    names = set(built.names)
    money = {n for n in names if "spend" in n or "wallet" in n or n.endswith("_share_365d")}
    money |= names & {"consumables_share_90d", "discount_share_365d"}
    assert money == set() and "avg_order_value_365d" not in names
    row = built.frame.set_index("customer_id").loc[1]
    assert row["orders_90d"] == 3 and row["orders_total"] == 4  # purchase days
    assert row["days_since_last_purchase"] == 27
    assert row["category_breadth_90d"] == 3
    assert row["orders_trend_90d_vs_prev"] == pytest.approx(2.0)  # 3 against 1
