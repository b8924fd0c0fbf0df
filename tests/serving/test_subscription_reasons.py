"""Reasons on a payment log (`paid_until`): what only the billing cycle says is no reason,
one event is one reason, and a shop's models of buying name nothing (QA on a SaaS
billing export)."""

import numpy as np
import pandas as pd

from features import bgnbd, cancellations, monetary, recency, subscription, trends, wallet
from features.words import in_words_of
from serving.reasons import explain
from tests.frames import make_tables, transactions


def _declared(module, family: str, specs=None) -> list:
    return [spec.renamed(family=family) for spec in (specs or module.SPECS)]


PAYMENTS = make_tables(
    transaction_frame=transactions([(1, "2024-06-01", 10.0, "2024-07-01")], columns=("paid_until",))
)
DECLARED = [
    *_declared(recency, "recency"),
    *_declared(monetary, "monetary"),
    *_declared(trends, "trends", trends.TREND_SPECS),
    *_declared(subscription, "subscription"),
    *_declared(cancellations, "cancellations", [*cancellations.SPECS, cancellations.SINCE_PAYMENT]),
    *wallet.estimated_specs(),
    *bgnbd.fitted_specs(90),
]
SPECS = in_words_of(PAYMENTS, DECLARED)
TYPICAL = {  # the training medians a model keeps
    "days_since_last_purchase": 20.0,
    "overdue_ratio": 0.7,
    "spend_30d": 30.0,
    "spend_trend_180d_vs_prev": 0.0,
    "cancelled_since_last_payment": 0.0,
    "cancellations_365d": 0.0,
    "days_since_last_cancellation": 300.0,
    "expected_purchases_horizon_bgnbd": 2.0,
}


def _reasons(rows: list[dict], contributions: list[dict], specs=SPECS, **model) -> list[list[str]]:
    """Reason texts per row; `contributions` per row by feature (0 elsewhere); `model`:
    its learned `directions`, its `pivots` (default: `TYPICAL`)."""
    names = [spec.name for spec in specs]
    features = pd.DataFrame([{name: row.get(name, np.nan) for name in names} for row in rows])
    matrix = np.array(
        [[given.get(name, 0.0) for name in names] + [-2.0] for given in contributions]
    )
    explained = explain(
        features,
        matrix,
        specs=specs,
        columns=names,
        source_of={},
        means={},
        **{"pivots": TYPICAL, **model},
    )
    return [
        [("in their favour: " if r.direction == "lowers" else "") + r.text for r in listed]
        for listed in explained
    ]


ANNUAL_PAID_UP = {
    "paid_days_left": 200.0,
    "plan_days_last": 365.0,
    "spend_trend_180d_vs_prev": -1.0,
    "spend_30d": 0.0,
    "days_since_last_purchase": 165.0,
    "overdue_ratio": 11.4,
}
CYCLE_ONLY = {
    "spend_trend_180d_vs_prev": 0.9,
    "spend_30d": 0.7,
    "overdue_ratio": 0.6,
    "days_since_last_purchase": 0.5,
}


def test_a_year_paid_ahead_reads_as_no_decline_and_no_silence():
    """ "spend down 100% versus the previous half-year" (745 of 783 such reasons were annual
    plans that paid in the other half), "spent 0 in the last 30 days" and "no payment for
    332 days, 11.4x their usual gap" of members paid up for months."""
    (paid_up,) = _reasons([ANNUAL_PAID_UP], [{**CYCLE_ONLY, "plan_days_last": -0.3}])
    assert paid_up == ["in their favour: annual plan"]


def test_the_same_values_speak_once_the_paid_period_has_ended():
    ended = {**ANNUAL_PAID_UP, "paid_days_left": -30.0}
    (texts,) = _reasons([ended], [CYCLE_ONLY])
    assert texts == [
        "spend down 100% versus the previous half-year",  # and so 0 in the last 30 days
        "no payment for 165 days, 11.4× their usual gap",
    ]


def test_a_window_as_long_as_a_monthly_plan_is_the_members_own():
    """A 90-day window holds three monthly payments whatever the phase: a fall there is theirs."""
    monthly = {"paid_days_left": 12.0, "plan_days_last": 30.0, "spend_trend_180d_vs_prev": -0.5}
    (texts,) = _reasons([monthly], [{"spend_trend_180d_vs_prev": 0.4}])
    assert texts == ["spend down 50% versus the previous half-year"]


def test_a_running_monthly_periods_end_is_routine_an_annual_ones_is_news():
    """ "membership ends in 22 days" was the top risk reason of 2,276 of 4,210 SaaS
    accounts: every monthly plan ends within 31 days."""
    monthly = {"paid_days_left": 22.0, "plan_days_last": 31.0}
    annual = {"paid_days_left": 10.0, "plan_days_last": 366.0}
    lapsed = {"paid_days_left": -3.0, "plan_days_last": 30.0}
    ends = {"paid_days_left": 0.8}
    texts = _reasons([monthly, annual, lapsed], [{**ends, "plan_days_last": 0.3}, ends, ends])
    assert texts == [
        ["monthly plan"],  # what the model holds against them, said as what it is
        ["paid period ends in 10 days (annual plan)"],
        ["paid period ended 3 days ago (monthly plan)"],
    ]


def test_one_paid_period_is_not_a_reason_both_ways():
    """ "in their favour: on a 366-day plan" beside the end of that plan's period at 97%."""
    annual = {"paid_days_left": 10.0, "plan_days_last": 366.0}
    (texts,) = _reasons([annual], [{"paid_days_left": 1.2, "plan_days_last": -0.6}])
    assert texts == ["paid period ends in 10 days (annual plan)"]


def test_a_paid_period_that_raises_the_risk_is_not_in_their_favour():
    """A cancelled annual member at 99.6%, their period ending in 42 days (+0.40, no reason:
    the model learned that more days left is safer) on an annual plan (-0.32) read "in
    their favour: annual plan": the paid period, all told, raised their risk."""
    annual = {"paid_days_left": 42.0, "plan_days_last": 366.0}
    contributions = {"paid_days_left": 0.40, "plan_days_last": -0.32}
    pivots = {**TYPICAL, "paid_days_left": 25.0}
    (texts,) = _reasons([annual], [contributions], directions={"paid_days_left": -1}, pivots=pivots)
    assert texts == []
    safer = {"paid_days_left": 0.1, "plan_days_last": -0.32}  # the plan outweighs the end
    (texts,) = _reasons([annual], [safer], directions={"paid_days_left": -1}, pivots=pivots)
    assert texts == ["in their favour: annual plan"]


def test_one_cancellation_is_one_reason_with_its_date():
    """ "cancelled since their last payment: yes", "cancelled 12 days ago" and "1
    cancellation in the last 365 days" took three of four reason slots for one click."""
    cancelled = {
        "cancelled_since_last_payment": 1.0,
        "days_since_last_cancellation": 12.0,
        "cancellations_365d": 1.0,
        "paid_days_left": 20.0,
        "plan_days_last": 365.0,
    }
    contributions = {
        "cancelled_since_last_payment": 1.5,
        "days_since_last_cancellation": 0.9,
        "cancellations_365d": 0.4,
        "paid_days_left": 0.3,
    }
    (texts,) = _reasons([cancelled], [contributions])
    assert texts == [
        "cancelled 12 days ago, after their last payment",
        "paid period ends in 20 days (annual plan)",
    ]


def test_a_shops_models_of_buying_are_no_reasons_for_invoices():
    """ "customers like them spend up to 17,995 a year" and "2.9 purchases expected in the
    coming horizon (BG/NBD)" of scheduled invoices, with `paid_until` or without (a
    billing export's invoices under a cancellation model, its words payments'); a shop's
    customers keep them."""
    row = {"wallet_365d": 17995.0, "expected_purchases_horizon_bgnbd": 2.9}
    contributions = {"wallet_365d": 0.5, "expected_purchases_horizon_bgnbd": -0.4}
    assert _reasons([row], [contributions]) == [[]]
    unpaid_until = [s for s in SPECS if s.family != "subscription"]
    assert _reasons([row], [contributions], specs=unpaid_until) == [[]]
    shop = [s for s in DECLARED if s.family != "subscription"]
    (texts,) = _reasons([row], [contributions], specs=shop)
    assert texts == ["customers like them spend up to 17,995 a year"]  # BG/NBD's: no reason


def test_a_monthly_members_silence_is_no_reason_either_way_an_annual_ones_in_their_favour_is():
    """ "in their favour: last payment 3 days ago" said only where the cutoff fell in the
    month of 5,704 of a pet insurer's paid-up monthly members; an annual member's renewal
    3 days ago is news."""
    silence = {"days_since_last_purchase": -0.6}
    monthly = {"paid_days_left": 27.0, "plan_days_last": 30.0, "days_since_last_purchase": 3.0}
    annual = {**monthly, "paid_days_left": 362.0, "plan_days_last": 365.0}
    texts = _reasons([monthly, annual], [silence, silence])
    assert texts == [[], ["in their favour: no payment for 3 days"]]
