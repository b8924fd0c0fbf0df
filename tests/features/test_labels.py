"""Labels: the label window (t, t + h], eligibility, observation, the three definitions."""

import pandas as pd

from features.contract import ChurnSpec
from features.labels import label_churn
from tests.frames import cancellations, customers, make_tables, transactions

CUTOFF = "2024-03-31"


def _by_id(frame: pd.DataFrame) -> dict:
    return frame.set_index("customer_id")[["eligible", "churned", "observed"]].T.to_dict()


def test_inactivity_label_window_excludes_cutoff_day_and_includes_last_day():
    tx = transactions(
        [
            (1, "2024-03-31", 10),
            (1, "2024-04-30", 10),  # buys on day t + 30: stays
            (2, "2024-03-31", 10),
            (2, "2024-05-01", 10),  # first purchase on t + 31: churned
            (3, "2022-01-01", 10),  # not active in the last 365 days: not eligible
            (4, "2024-05-30", 10),  # horizon end of the data
        ]
    )
    labels = _by_id(
        label_churn(make_tables(transaction_frame=tx), ChurnSpec(horizon_days=30), cutoffs=CUTOFF)
    )
    assert labels[1] == {"eligible": True, "churned": False, "observed": True}
    assert labels[2] == {"eligible": True, "churned": True, "observed": True}
    assert labels[3]["eligible"] is False or labels[3]["eligible"] == False  # noqa: E712
    assert 4 not in labels  # not a customer yet at the cutoff


def test_label_not_observed_when_data_end_before_horizon():
    tx = transactions([(1, "2024-03-01", 10), (1, "2024-04-15", 10)])
    labels = label_churn(
        make_tables(transaction_frame=tx), ChurnSpec(horizon_days=30), cutoffs=CUTOFF
    )
    assert not labels["observed"].any()


def test_cancellation_definition():
    people = customers([1, 2, 3], signup=["2023-01-01"] * 3)
    cancels = cancellations([(1, "2024-04-10"), (2, "2024-02-01"), (3, "2024-09-01")])
    tables = make_tables(customer_frame=people, cancellations=cancels)
    labels = _by_id(
        label_churn(tables, ChurnSpec(definition="cancellation", horizon_days=90), cutoffs=CUTOFF)
    )
    assert labels[1]["churned"] and labels[1]["eligible"]
    assert not labels[2]["eligible"]  # already gone at the cutoff
    assert not labels[3]["churned"]
    assert labels[3]["observed"]


def test_label_column_definition_uses_the_snapshot_label():
    people = customers([1, 2], label=[True, False])
    tables = make_tables(customer_frame=people)
    labels = _by_id(label_churn(tables, ChurnSpec(definition="label_column"), cutoffs=CUTOFF))
    assert labels[1]["churned"] and not labels[2]["churned"]
    assert labels[2]["eligible"] and labels[2]["observed"]


def test_later_interactions_do_not_make_inactivity_labels_observed():
    from tests.frames import interactions

    tx = transactions([(1, "2024-03-01", 10), (1, "2024-04-15", 10)])
    late_contact = interactions([(1, "2024-12-31", "call")])
    tables = make_tables(transaction_frame=tx, interactions=late_contact)
    labels = label_churn(tables, ChurnSpec(horizon_days=30), cutoffs=CUTOFF)
    assert not labels["observed"].any()  # purchases end Apr 15: the window is not seen


def test_extract_date_ends_observation():
    from dataclasses import replace

    tx = transactions([(1, "2024-03-01", 10)])
    tables = replace(make_tables(transaction_frame=tx), as_of=pd.Timestamp("2024-12-31"))
    labels = label_churn(tables, ChurnSpec(horizon_days=30), cutoffs=CUTOFF)
    assert labels["observed"].all()
    assert labels["churned"].all()
