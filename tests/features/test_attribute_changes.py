"""A measure a snapshot holds at two times becomes its change, read in plain words."""

import numpy as np
import pandas as pd
import pytest

from features.attribute_changes import change_from_older, measure_pairs
from features.build import build
from features.tables import Tables


@pytest.mark.parametrize(
    ("names", "pairs"),
    [
        (  # a bank's month against the one before; its balance named otherwise: no pair
            ["current_month_credit", "previous_month_credit", "current_balance", "vintage"],
            [("current_month_credit", "previous_month_credit")],
        ),
        (["spend_last_30d", "spend_previous_30d"], [("spend_last_30d", "spend_previous_30d")]),
        (["this_month_usage", "last_month_usage"], [("this_month_usage", "last_month_usage")]),
        (["PrevBalance", "CurrBalance"], [("CurrBalance", "PrevBalance")]),
        # numbered columns are no times: months counted up, a credit card's PAY_0..6
        # counted back, three products
        (["arpu_6", "arpu_7", "arpu_8"], []),
        (["PAY_0", "PAY_2", "PAY_3", "PAY_4"], []),
        (["Product_1", "Product_2", "Product_3"], []),
        (["AgeHH1", "AgeHH2"], []),
        (  # the newest against the one next to it, whatever the columns' order
            ["previous_spend", "last_spend", "current_spend"],
            [("current_spend", "last_spend")],
        ),
        (["current_plan", "new_plan"], []),  # both name the present
        (["monthly_charges", "total_charges"], []),
    ],
)
def test_a_measure_at_two_times_is_told_by_its_names(names, pairs):
    assert measure_pairs(names) == pairs


def test_the_change_reads_against_the_older_level_whatever_its_sign():
    newer = np.array([40.0, -50.0, 0.0, 5.0, np.nan, 3.0])
    older = np.array([100.0, -100.0, 0.0, 0.0, 10.0, np.nan])
    np.testing.assert_allclose(
        change_from_older(newer, older), [-0.6, 0.5, 0.0, np.nan, np.nan, np.nan]
    )


def test_a_wide_files_one_pair_is_found_among_its_many_columns():
    """Among Orange-like numbered columns, the one measure named at two times."""
    names = [f"Var{k}" for k in range(3000)] + ["current_fee", "previous_fee"]
    assert measure_pairs(names) == [("current_fee", "previous_fee")]


def test_a_snapshots_pair_of_columns_is_a_feature_with_a_reason_in_words():
    """A bank's credit this month against last: "current month credit down 62% versus
    previous month credit", from the customer's own two numbers."""
    customers = pd.DataFrame(
        {
            "customer_id": [1, 2, 3],
            "current_month_credit": [380.0, 1200.0, 50.0],
            "previous_month_credit": [1000.0, 1000.0, 0.0],
        }
    )
    kinds = {"current_month_credit": "numeric", "previous_month_credit": "numeric"}
    tables = Tables(customers=customers, attributes=kinds)
    built = build(tables, cutoffs=["2024-06-30"])
    name = "change_current_month_credit_vs_previous_month_credit"
    np.testing.assert_allclose(built.frame[name], [-0.62, 0.2, np.nan])
    spec = next(s for s in built.specs if s.name == name)
    said = [spec.render({name: value}) for value in built.frame[name]]
    assert said[:2] == [
        "current month credit down 62% versus previous month credit",
        "current month credit up 20% versus previous month credit",
    ]
    rendered = spec.render_many({name: built.frame[name].tolist()}, 3)
    assert rendered[2] is None  # nothing to measure against: no words
