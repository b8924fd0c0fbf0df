"""Labels: the label window (t, t + h], eligibility, observation, the three definitions."""

import pandas as pd

from features.contract import ChurnSpec
from features.labels import label_churn
from tests.frames import cancellations, customers, events, make_tables, transactions

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
    assert labels[3] == {"eligible": False, "churned": False, "observed": True}  # not "churned"
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


def test_a_cancellation_is_undone_by_a_later_purchase_not_by_usage():
    """A member who resubscribed is a customer again; one who keeps listening until the
    cancelled plan runs out is not."""
    people = customers([1, 2], signup=["2023-01-01"] * 2)
    cancels = cancellations([(1, "2024-01-10"), (2, "2024-01-10")])
    tx = transactions([(1, "2023-12-10", 10), (1, "2024-02-10", 10), (2, "2023-12-10", 10)])
    usage = events([(2, "2024-03-01", "play")])
    tables = make_tables(
        customer_frame=people, transaction_frame=tx, cancellations=cancels, events=usage
    )
    spec = ChurnSpec(definition="cancellation", horizon_days=90)
    labels = _by_id(label_churn(tables, spec, cutoffs=CUTOFF))
    assert labels[1]["eligible"]  # bought again after cancelling
    assert not labels[2]["eligible"]  # only used the rest of the plan


def test_a_member_silent_for_the_active_window_is_gone_without_a_cancellation():
    people = customers([1, 2], signup=["2020-01-01"] * 2)
    tx = transactions([(1, "2022-01-05", 10), (2, "2024-03-01", 10)])
    cancels = cancellations([(9, "2024-01-01")])  # nobody of these two cancelled
    tables = make_tables(customer_frame=people, transaction_frame=tx, cancellations=cancels)
    spec = ChurnSpec(definition="cancellation", horizon_days=90, active_window_days=365)
    labels = _by_id(label_churn(tables, spec, cutoffs=CUTOFF))
    assert not labels[1]["eligible"]  # last seen over two years ago: lapsed
    assert labels[2]["eligible"]


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


def test_inactivity_by_usage_reads_the_events_not_the_purchases():
    """A free app: players leave by no longer playing, whatever they bought."""
    people = customers([1, 2, 3], signup=["2023-01-01"] * 3)
    ev = events(
        [
            (1, "2024-03-20", "session"),
            (1, "2024-04-10", "session"),  # plays on in the horizon: stays
            (2, "2024-03-30", "session"),  # stops playing
            (3, "2023-01-05", "session"),  # silent for the active window: not eligible
            (3, "2024-05-30", "session"),  # the data's end
        ]
    )
    bought = transactions([(2, "2024-04-20", 4.99)])  # a purchase is not play
    churn = ChurnSpec(horizon_days=30, activity="usage")
    tables = make_tables(customer_frame=people, transaction_frame=bought, events=ev)
    labels = _by_id(label_churn(tables, churn, cutoffs=CUTOFF))
    assert labels[1] == {"eligible": True, "churned": False, "observed": True}
    assert labels[2] == {"eligible": True, "churned": True, "observed": True}
    assert labels[3]["eligible"] is False
    # without transactions, usage is the default
    alone = make_tables(customer_frame=people, events=ev)
    assert _by_id(label_churn(alone, ChurnSpec(horizon_days=30), cutoffs=CUTOFF)) == labels
