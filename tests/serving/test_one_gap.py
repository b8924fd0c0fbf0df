"""A purchase rhythm of one gap is told as one gap, in a shop's words or a payment log's."""

import numpy as np
import pandas as pd

from serving.one_gap import in_one_gap_words, one_gap_rows


def test_one_gap_rows_are_a_gap_median_without_a_spread():
    features = pd.DataFrame(
        {"gap_median_days": [30.0, 30.0, np.nan, 0.0], "gap_cv": [np.nan, 0.4, np.nan, np.nan]}
    )
    # the last: two orders on one day, as a model measuring gaps between orders read them
    assert one_gap_rows(features).tolist() == [True, False, False, False]
    assert one_gap_rows(features.drop(columns="gap_cv")) is None  # cannot tell: words stay


def test_the_words_of_one_gap_in_a_shop_and_a_payment_log():
    rendered = [
        "usually buys every 1 day",
        "usually pays every 30 days",
        "no payment for 40 days, 1.3× their usual gap",
        "silent no longer than any gap they had before",
        None,
        "usually buys every 12 days",
    ]
    one = np.array([True, True, True, True, True, False])
    assert in_one_gap_words(rendered, one) == [
        "bought on 2 days so far, 1 day apart",
        "paid on 2 days so far, 30 days apart",
        "no payment for 40 days, 1.3× their only gap so far",
        "silent no longer than their only gap so far",
        None,
        "usually buys every 12 days",
    ]


def test_a_users_silence_against_their_one_gap_between_active_days():
    rendered = ["silent 3.1× their longest gap between active days so far"]
    assert in_one_gap_words(rendered, np.array([True])) == [
        "silent 3.1× their only gap between active days so far"
    ]
