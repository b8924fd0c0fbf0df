"""Partial defection: trends against the customer's own past, breadth, consumables."""

import math
from dataclasses import replace

import pandas as pd
import pytest

from features.activity import day_of
from features.build import build, build_features
from features.trends import consumable_categories
from tests.frames import customers, make_tables, row, transactions

CUTOFF = "2024-06-30"  # 90d window (Apr 1, Jun 30]; previous 90d (Jan 2, Apr 1]


def _defector_tables(consumables: tuple[str, ...] | None = ("paper",), *, shop: bool = False):
    """Customer 1 moves from machines to paper; `shop`: customer 3 buys three more
    categories, enough to tell the cheap ones (`MIN_CATEGORIES_TO_INFER`)."""
    lines = [
        (1, "2024-02-01", 60, "machines"),
        (1, "2024-03-01", 40, "paper"),
        (1, "2024-05-01", 30, "paper"),
        (1, "2024-06-01", 10, "paper"),
        (2, "2024-06-15", 10, "paper"),
    ]
    if shop:
        lines += [(3, "2024-04-01", 12, "toner"), (3, "2024-04-01", 200, "desk")]
        lines += [(3, "2024-04-02", 150, "chair")]
    tx = transactions(lines, columns=("category",))
    return replace(make_tables(transaction_frame=tx), consumable_categories=consumables)


def test_spend_and_order_trend_vs_previous_window():
    one = row(build_features(_defector_tables(), cutoffs=CUTOFF), 1)
    assert one["spend_trend_90d_vs_prev"] == pytest.approx((40 - 100) / 100)
    assert one["orders_trend_90d_vs_prev"] == 0  # 2 purchases now, 2 before
    assert math.isnan(
        row(build_features(_defector_tables(), cutoffs=CUTOFF), 2)["spend_trend_90d_vs_prev"]
    )


def test_trend_reason_reads_as_words():
    built = build(_defector_tables(), cutoffs=CUTOFF)
    spec = next(s for s in built.specs if s.name == "spend_trend_90d_vs_prev")
    text = spec.render(row(built.frame, 1).to_dict())
    assert text == "spend down 60% versus the previous 90 days"


def test_category_breadth_and_consumables_share():
    one = row(build_features(_defector_tables(), cutoffs=CUTOFF), 1)
    assert one["category_breadth_365d"] == 2
    assert one["category_breadth_180d"] == 2  # (Jan 2, Jun 30]: machines and paper
    assert one["consumables_share_90d"] == 1.0  # only paper since Apr


def test_breadth_change_counts_categories_lost():
    tx = transactions(
        [
            (1, "2023-08-01", 10, "a"),
            (1, "2023-09-01", 10, "b"),
            (1, "2023-10-01", 10, "c"),
            (1, "2024-03-01", 10, "a"),
        ],
        columns=("category",),
    )
    one = row(build_features(make_tables(transaction_frame=tx), cutoffs=CUTOFF), 1)
    assert one["category_breadth_180d"] == 1
    assert one["category_breadth_change_180d"] == -2


def test_consumables_inferred_from_low_median_amount_when_not_configured():
    tables = _defector_tables(consumables=None, shop=True)
    one = row(build_features(tables, cutoffs=CUTOFF), 1)
    # medians: machines 60, paper 25, toner 12, desk 200, chair 150; the lines' 35
    assert one["consumables_share_90d"] == 1.0


def test_inferred_consumables_read_as_low_price_categories():
    """A die-cast model seller's cheaper lines (motorcycles, planes) were "consumables" in
    reasons; only configured ones are called so."""
    inferred = build(_defector_tables(consumables=None, shop=True), cutoffs=CUTOFF)
    configured = build(_defector_tables(), cutoffs=CUTOFF)
    said = {
        name: next(s for s in built.specs if s.name == "consumables_share_90d").render(
            {"consumables_share_90d": 1.0}
        )
        for name, built in (("inferred", inferred), ("configured", configured))
    }
    assert said == {
        "inferred": "100% of the last 90 days' spend on low-price categories",
        "configured": "100% of the last 90 days' spend on consumables",
    }


def test_the_inferred_consumables_are_named_for_a_model_to_keep():
    """A model keeps the set inferred in training (`ChurnModel.consumable_categories`):
    a live request's few lines would infer another."""
    ctx = build(_defector_tables(consumables=None, shop=True), cutoffs=CUTOFF).context
    assert consumable_categories(ctx, day_of(pd.Timestamp(CUTOFF))) == ("paper", "toner")
    before_any_paper = day_of(pd.Timestamp("2024-02-15"))
    assert consumable_categories(ctx, before_any_paper) == ()


def test_too_few_categories_tell_no_consumables():
    """A SaaS's plans: the cheapest is no consumable ("100% of spend on consumables")."""
    ctx = build(_defector_tables(consumables=None), cutoffs=CUTOFF).context
    assert consumable_categories(ctx, day_of(pd.Timestamp(CUTOFF))) == ()
    one = row(build_features(_defector_tables(consumables=None), cutoffs=CUTOFF), 1)
    assert one["consumables_share_90d"] == 0.0


def test_configured_consumables_absent_from_the_data_give_a_zero_share():
    tables = _defector_tables(consumables=("ink",))
    one = row(build_features(tables, cutoffs=CUTOFF), 1)
    assert one["consumables_share_90d"] == 0.0


def _four_months(**tables_kw):
    """Ta-Feng's shape: data from 2000-11-01 to 2001-02-28; customer 1 shopped all along
    (a category a month), customer 2 signed up on 2000-12-01 and shopped since."""
    tx = transactions(
        [
            (1, "2000-11-05", 50, "rice"),
            (1, "2000-12-05", 50, "tea"),
            (1, "2001-01-05", 50, "soap"),
            (1, "2001-02-05", 90, "rice"),
            (2, "2000-12-10", 20, "tea"),
            (2, "2001-02-10", 20, "rice"),
        ],
        columns=("category",),
    )
    people = customers([1, 2], signup=[None, "2000-12-01"])
    return make_tables(customer_frame=people, transaction_frame=tx, **tables_kw)


def test_windows_reaching_before_the_data_are_unknown_unless_the_customer_signed_up_later():
    """On four months of data `spend_trend_90d_vs_prev` read "spend up" for 71% of the
    customers against a "previous 90 days" holding only November, and
    `category_breadth_change_180d` equalled `category_breadth_180d` on every row."""
    tables = _four_months(history_from=pd.Timestamp("2000-11-01"))
    frame = build_features(tables, cutoffs="2001-02-28")
    old, new = row(frame, 1), row(frame, 2)
    for name in ("spend_trend_90d_vs_prev", "category_breadth_change_180d", "spend_365d"):
        assert math.isnan(old[name]), name
    assert old["spend_90d"] == 190  # (2000-11-30, 2001-02-28]: inside the data
    assert old["category_breadth_90d"] == 3
    # signed up after the data start: no purchase before is no activity, not missing data
    assert new["spend_365d"] == 40
    assert new["category_breadth_change_180d"] == 2


def test_without_a_known_data_start_windows_read_as_before():
    """A live request's posted rows carry no data start of their own (`Tables.history_from`
    None: the model's, when it has one): what is not posted reads as no activity."""
    one = row(build_features(_four_months(), cutoffs="2001-02-28"), 1)
    assert one["spend_trend_90d_vs_prev"] == pytest.approx((190 - 50) / 50)
    assert one["category_breadth_change_180d"] == one["category_breadth_180d"] == 3


def test_a_window_starting_on_the_data_start_is_known():
    tables = _four_months(history_from=pd.Timestamp("2000-11-01"))
    frame = build_features(tables, cutoffs=["2001-01-28", "2001-01-29"])
    assert math.isnan(row(frame, 1, "2001-01-28")["spend_90d"])  # from 2000-10-31 on
    assert row(frame, 1, "2001-01-29")["spend_90d"] == 150  # from 2000-11-01 on
