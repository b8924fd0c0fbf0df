"""Labels: the label window (t, t + h], eligibility, observation, the three definitions."""

import pandas as pd

from features.contract import ChurnSpec
from features.labels import gone_reasons, label_churn
from features.tables import undo_by
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


def test_an_unlabelled_snapshot_row_is_eligible_and_never_observed():
    """Maven's 'Joined' customers (label NA): scored as active, never trained on."""
    people = customers([1, 2, 3], label=pd.array([True, None, False], dtype="boolean"))
    tables = make_tables(customer_frame=people)
    labels = _by_id(label_churn(tables, ChurnSpec(definition="label_column"), cutoffs=CUTOFF))
    assert [labels[i]["observed"] for i in (1, 2, 3)] == [True, False, True]
    assert labels[2]["eligible"] and not labels[2]["churned"]


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


def test_under_inactivity_a_customer_cancelled_by_the_cutoff_is_gone_not_a_churner():
    """fight-churn's users by use: 412 of 417 churners had cancelled before the cutoff,
    and training read their paid period and silence as leaks. Cancelled and not paid
    again: not eligible; a later payment undid it: eligible."""
    people = customers([1, 2, 3], signup=["2023-01-01"] * 3)
    ev = events([(c, "2024-03-01", "session") for c in (1, 2, 3)] + [(3, "2024-05-30", "x")])
    cancelled = cancellations([(1, "2024-03-05"), (2, "2024-03-05")])
    paid = transactions([(2, "2024-03-20", 9.99)])  # 2 came back
    churn = ChurnSpec(horizon_days=30, activity="usage")
    tables = make_tables(
        customer_frame=people, transaction_frame=paid, events=ev, cancellations=cancelled
    )
    labels = _by_id(label_churn(tables, churn, cutoffs=CUTOFF))
    assert labels[1]["eligible"] is False
    assert labels[2]["eligible"] is True and labels[3]["eligible"] is True


def _paid(rows: list[tuple]) -> pd.DataFrame:
    """rows: (customer, paid at, amount, paid until)."""
    frame = transactions(rows, columns=("paid_until",))
    frame["paid_until"] = pd.to_datetime(frame["paid_until"])
    return frame


CANCELLATION = ChurnSpec(definition="cancellation", horizon_days=90, grace_days=30)


def test_under_cancellation_a_paid_period_that_ended_unpaid_is_gone_and_its_expiry_churn():
    """A lapsed trial or a failed card leaves no cancellation row; kept as a customer it
    was labelled a non-churner for a year (QA: 974 of 4,076 test rows)."""
    people = customers([1, 2, 3, 4], signup=["2023-11-01"] * 4)
    payments = _paid(
        [
            (1, "2023-12-01", 0.0, "2023-12-15"),  # a trial that never converted
            (2, "2024-03-15", 50.0, "2024-04-15"),  # paying monthly...
            (2, "2024-04-15", 50.0, "2024-05-15"),  # ...and renewing
            (2, "2024-05-15", 50.0, "2024-06-15"),
            (3, "2024-02-10", 50.0, "2024-03-10"),  # ended 21 days ago: in grace
            (4, "2024-03-01", 600.0, "2025-03-01"),  # a year paid ahead
        ]
    )
    usage = events([(1, "2024-03-20", "login")])  # still logs in: no payment, though
    tables = make_tables(
        customer_frame=people,
        transaction_frame=payments,
        events=usage,
        cancellations=cancellations([(9, "2024-01-01")]),
    )
    labels = _by_id(label_churn(tables, CANCELLATION, cutoffs=CUTOFF))
    assert not labels[1]["eligible"]
    assert labels[2]["eligible"] and not labels[2]["churned"]
    assert labels[3]["eligible"] and labels[3]["churned"]  # never renewed: expired
    assert labels[4]["eligible"] and not labels[4]["churned"]
    gone = gone_reasons(tables, CANCELLATION, cutoff=pd.Timestamp(CUTOFF))
    assert gone.to_dict() == {1: "expired"}


def test_under_cancellation_a_plan_paid_past_the_cutoff_has_not_lapsed():
    """A contract log's two-year plans, paid once at their start and running until months
    after the cutoff, were left out as lapsed: no payment in the 365-day window."""
    people = customers([1, 2], signup=["2022-06-01"] * 2)
    payments = _paid(
        [
            (1, "2022-06-01", 1200.0, "2024-12-01"),  # paid 30 months ahead, long ago
            (2, "2022-06-01", 50.0, "2022-07-01"),  # one month, long gone
        ]
    )
    tables = make_tables(
        customer_frame=people,
        transaction_frame=payments,
        cancellations=cancellations([(9, "2024-01-01")]),
    )
    labels = _by_id(label_churn(tables, CANCELLATION, cutoffs=CUTOFF))
    assert labels[1]["eligible"] and not labels[1]["churned"]
    assert not labels[2]["eligible"]


def _cancel_and_pay(at: list[tuple]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """at: (customer, cancelled at, paid at or None)."""
    cancels = cancellations([(c, cancelled) for c, cancelled, _ in at])
    payments = transactions(
        [(c, "2024-01-05 08:00:00", 50.0) for c, _, _ in at]
        + [(c, paid, 50.0) for c, _, paid in at if paid is not None]
    )
    return cancels, payments


def test_a_payment_in_the_cancellations_second_undoes_it_when_the_data_carry_times():
    """A plan change written as a cancellation and a new subscription paid in the same
    second (QA: 18 of 319 test churners were upgrades) is no leaving, at the cutoff or in
    the label window; one paid earlier that day is no return."""
    cancels, payments = _cancel_and_pay(
        [
            (1, "2024-02-10 02:06:01", "2024-02-10 02:06:01"),  # plan change
            (2, "2024-02-10 14:00:00", "2024-02-10 09:00:00"),  # paid, then cancelled
            (3, "2024-04-20 10:00:00", "2024-04-20 10:00:00"),  # plan change in the window
            (4, "2024-04-20 10:00:00", None),  # leaves in the window
        ]
    )
    people = customers([1, 2, 3, 4], signup=["2023-11-01"] * 4)
    tables = make_tables(customer_frame=people, transaction_frame=payments, cancellations=cancels)
    assert undo_by(tables) == "time"
    labels = _by_id(label_churn(tables, CANCELLATION, cutoffs=CUTOFF))
    assert labels[1]["eligible"] and not labels[1]["churned"]
    assert not labels[2]["eligible"]
    assert labels[3]["eligible"] and not labels[3]["churned"]
    assert labels[4]["eligible"] and labels[4]["churned"]


def test_in_date_only_data_only_a_payment_on_a_later_day_undoes_a_cancellation():
    """KKBox writes a cancellation as a dated payment row: a payment on its day may be
    the cancellation itself."""
    cancels, payments = _cancel_and_pay(
        [(1, "2024-02-10", "2024-02-10"), (2, "2024-02-10", "2024-02-11")]
    )
    payments["timestamp"] = payments["timestamp"].dt.normalize()
    people = customers([1, 2], signup=["2023-11-01"] * 2)
    tables = make_tables(customer_frame=people, transaction_frame=payments, cancellations=cancels)
    assert undo_by(tables) == "day"
    labels = _by_id(label_churn(tables, CANCELLATION, cutoffs=CUTOFF))
    assert not labels[1]["eligible"]
    assert labels[2]["eligible"]


def test_a_cancellation_undone_after_the_horizon_is_churn_in_it():
    """Payments after the label window are not known at its end."""
    cancels, payments = _cancel_and_pay([(1, "2024-06-20 10:00:00", "2024-07-05 10:00:00")])
    tables = make_tables(
        customer_frame=customers([1], signup=["2023-11-01"]),
        transaction_frame=payments,
        cancellations=cancels,
    )
    assert _by_id(label_churn(tables, CANCELLATION, cutoffs=CUTOFF))[1]["churned"]
