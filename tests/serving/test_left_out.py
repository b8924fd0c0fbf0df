"""Who a batch leaves out, why, in words: what `churn score` prints and the store keeps."""

from types import SimpleNamespace

import pandas as pd
import pytest

from features.build import build_features
from features.contract import ChurnSpec
from serving.left_out import said_now, summary, why_left_out, words
from tests.frames import cancellations, customers, events, make_tables, transactions


def _config(definition: str = "inactivity", *, activity=None, transactions=True, events=False):
    return SimpleNamespace(
        churn=ChurnSpec(definition=definition, activity=activity, active_window_days=30),
        data=SimpleNamespace(
            transactions=object() if transactions else None, events=object() if events else None
        ),
    )


@pytest.mark.parametrize(
    ("activity", "transactions", "said"),
    [
        ("usage", True, "no usage event"),
        (None, False, "no usage event"),
        (None, True, "no purchase"),
    ],
)
def test_customers_left_out_are_told_by_the_activity_the_model_reads(activity, transactions, said):
    """A usage-churn model said "not scored: no purchase in the 30 days up to the cutoff"."""
    config = _config(activity=activity, transactions=transactions)
    assert (
        words("lapsed", config) == f"inactive ({said} in the 30-day active window up to the cutoff)"
    )


def test_the_inactive_are_not_called_lapsed_the_stage_of_scored_customers():
    """ "100 customers not scored: ... (lapsed)" beside scored customers of the lifecycle
    stage `lapsed` (180 days silent) said one word of two groups: the left out are
    inactive, in `churn score`'s note, the stored reason and the lookup by id, which
    reads a batch stored with the old word in the new."""
    for definition in ("inactivity", "cancellation"):
        assert "lapsed" not in words("lapsed", _config(definition))
    old = "no purchase in the 365 days up to the cutoff (lapsed)"
    assert said_now(old) == "inactive (no purchase in the 365-day active window up to the cutoff)"
    assert said_now("labelled as gone (nobody to call)") == "labelled as gone (nobody to call)"


def test_one_reason_is_said_alone_and_several_with_how_many_each():
    inactivity = pd.Series("lapsed", index=["a", "b"])
    assert summary(inactivity, _config()).startswith("inactive (no purchase in the 30-day")
    gone = pd.Series(["cancelled", "lapsed", "cancelled"], index=["a", "b", "c"])
    assert summary(gone, _config("cancellation")) == (
        "2 cancelled with no payment since, 1 inactive (no activity in the 30-day active "
        "window up to the cutoff)"
    )


def test_a_labelled_snapshot_leaves_out_its_churners_each_by_id():
    built = pd.DataFrame({"customer_id": ["1", "2", "3"]})
    scored = built.iloc[[1]]
    config = _config("label_column")
    tables = SimpleNamespace(customers=built)
    why = why_left_out(built, scored, tables, config, cutoff=pd.Timestamp("2024-01-01"))
    assert why.to_dict() == {"1": "labelled", "3": "labelled"}
    assert words("labelled", config) == "labelled as gone (nobody to call)"


def test_a_customer_the_cutoff_did_not_know_yet_is_left_out_as_such():
    """141 of a retailer's customers had never bought: a lookup read them as unknown ids,
    and `churn score` did not count them."""
    bought = transactions([(1, "2023-12-20", 5.0), (2, "2023-06-01", 5.0)])
    tables = make_tables(customer_frame=customers([1, 2, 3]), transaction_frame=bought)
    built = pd.DataFrame({"customer_id": [1, 2]})  # 3: no signup or purchase by the cutoff
    why = why_left_out(built, built.iloc[[0]], tables, _config(), pd.Timestamp("2024-01-01"))
    assert why.to_dict() == {2: "lapsed", 3: "not_yet"}
    assert summary(why, _config()) == (
        "1 inactive (no purchase in the 30-day active window up to the cutoff), 1 no signup "
        "or purchase on record by the cutoff (or all they bought returned)"
    )
    assert words("not_yet", _config()) == (
        "no signup or purchase on record by the cutoff (or all they bought returned)"
    )


@pytest.mark.parametrize(
    ("transactions", "events", "said"),
    [
        (False, True, "no signup or usage event on record by the cutoff"),
        (True, True, "no signup, purchase or usage event on record by the cutoff (or all "),
        (False, False, "no signup or activity on record by the cutoff"),
    ],
)
def test_a_customer_not_known_yet_is_told_by_the_activity_the_data_hold(transactions, events, said):
    """MovieLens ratings as a usage log, no purchases: its never-rated users read "(or all
    they bought returned)" beside the lapsed ones."""
    config = _config(activity="usage", transactions=transactions, events=events)
    why = pd.Series(["lapsed", "not_yet", "lapsed"], index=["a", "b", "c"])
    assert summary(why, config) == (
        "2 inactive (no usage event in the 30-day active window up to the cutoff), "
        f"1 {words('not_yet', config)}"
    )
    assert words("not_yet", config).startswith(said)
    assert ("returned" in words("not_yet", config)) == transactions


def test_under_expiry_a_customer_who_never_paid_is_told_so():
    """A KKBox listener with no payment read "not paid up at the cutoff nor within the 1
    days' grace"."""
    built = pd.DataFrame(
        {"customer_id": ["a", "b", "c"], "days_since_last_purchase": [40.0, None, 3.0]}
    )
    config = _config("expiry")
    tables = SimpleNamespace(customers=built)
    why = why_left_out(built, built.iloc[[2]], tables, config, pd.Timestamp("2024-01-01"))
    assert why.to_dict() == {"a": "expired", "b": "never_paid"}
    assert words("never_paid", config) == "no payment on record by the cutoff"


def test_a_signup_never_active_by_the_cutoff_is_told_apart_from_the_lapsed():
    """3,177 of Relax's 12,000 signups never logged in and read "no usage event in the 90
    days up to the cutoff (lapsed already, or not yet a customer)": an onboarding list,
    not a lapsed one. A purchase is no usage: the buyer who never played never started.
    One who signed up before the data begin has none on record, not none ever: lapsed."""
    signed = customers([1, 2, 3, 4, 5], signup=["2023-03-01"] * 4 + ["2020-06-01"])
    used = events([(1, "2023-12-20", "login"), (2, "2023-03-01", "login")])
    bought = transactions([(3, "2023-12-01", 5.0)])
    tables = make_tables(customer_frame=signed, transaction_frame=bought, events=used)
    config = _config(activity="usage", events=True)
    built = build_features(tables, cutoffs="2024-01-01")  # as the batch builds them
    why = why_left_out(built, built.iloc[[0]], tables, config, pd.Timestamp("2024-01-01"))
    assert why.to_dict() == {2: "lapsed", 3: "never_active", 4: "never_active", 5: "lapsed"}
    assert summary(why, config) == (
        "2 inactive (no usage event in the 30-day active window up to the cutoff), 2 signed "
        "up, no usage event yet (never active)"
    )
    by_purchase = _config(activity="purchases", events=True)
    why = why_left_out(built, built.iloc[[2]], tables, by_purchase, pd.Timestamp("2024-01-01"))
    assert why.to_dict() == {1: "never_active", 2: "never_active", 4: "never_active", 5: "lapsed"}
    assert words("never_active", by_purchase) == (
        "signed up, no purchase yet (never bought, or all they bought returned)"
    )


def test_activity_after_the_cutoff_does_not_make_a_signup_lapsed():
    """Who never started is judged at the cutoff: a first login after it is no history."""
    signed = customers([1, 2], signup=["2023-12-20"] * 2)
    used = events([(1, "2023-12-20", "login"), (2, "2024-02-01", "login")])
    tables = make_tables(customer_frame=signed, events=used)
    config = _config(transactions=False, events=True)
    built = build_features(tables, cutoffs="2024-01-01")  # as the batch builds them
    why = why_left_out(built, built.iloc[[0]], tables, config, pd.Timestamp("2024-01-01"))
    assert why.to_dict() == {2: "never_active"}


def test_under_cancellation_a_member_never_active_is_told_apart_from_the_lapsed():
    """`gone_at`'s lapsed: no purchase or usage in the window; one who had none ever never
    started."""
    signed = customers([1, 2, 3], signup=["2023-03-01"] * 3)
    bought = transactions([(1, "2023-12-20", 5.0), (2, "2023-03-01", 5.0)])
    cancelled = cancellations([])
    tables = make_tables(customer_frame=signed, transaction_frame=bought, cancellations=cancelled)
    config = _config("cancellation")
    built = build_features(tables, cutoffs="2024-01-01")  # as the batch builds them
    why = why_left_out(built, built.iloc[[0]], tables, config, pd.Timestamp("2024-01-01"))
    assert why.to_dict() == {2: "lapsed", 3: "never_active"}
    assert words("never_active", config) == "signed up, no activity yet (never active)"
