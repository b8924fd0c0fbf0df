"""Churners active again within one usual gap after their horizon, on tables built by hand."""

from dataclasses import replace

import pandas as pd
import pytest

from features.contract import ChurnSpec, load_config
from features.sources import load_tables
from tests.frames import (
    customers,
    events,
    make_tables,
    rhythm_config,
    rhythm_tables,
    transactions,
)
from tests.training.datasets import simulated
from training.caveats import model_notes
from training.comebacks import comebacks, longest_silence, zero_rows
from training.protocol import out_of_time, try_horizon
from training.report import _clearer, _longer_horizon, build_report

END = pd.Timestamp("2024-06-30")
DAYS = {
    "a": ["2024-01-01", "2024-03-01", "2024-05-01"],  # pauses of 60 and 61 days
    "b": ["2024-01-01", "2024-01-11", "2024-01-11"],  # gone after a gap of 10 (a same-day 2nd)
    "c": ["2024-01-01", "2024-06-20"],  # back 171 days later: past a usual gap
    "e": ["2024-01-01", "2024-01-06", "2024-01-11", "2024-01-16", "2024-01-21"],  # every 5
}
# gaps pooled: 5 5 5 5 10 60 61 171 -> median 7.5; 90th percentile 61 + 0.3 * 110 = 94
CHURNERS = pd.DataFrame(
    {
        "customer_id": ["a", "b", "c", "a"],
        "cutoff": pd.to_datetime(["2024-01-15"] * 3 + ["2024-05-15"]),
    }
)


def _purchases() -> pd.DataFrame:
    return transactions([(who, day, 10) for who, days in DAYS.items() for day in days])


def test_a_churner_back_within_a_usual_gap_after_the_horizon_is_counted():
    """At 2024-01-15 (horizon 30, to 02-14) a, b and c churned: a bought again on 03-01,
    within the 94-day usual gap after it; b never; c only on 06-20, past it (a win-back,
    not a pause). At 2024-05-15 the horizon ends 06-14 and the data 16 days later: short
    of a usual gap but over the median (7.5), so a is followed those 16 days, and did
    not buy in them."""
    tables = make_tables(transaction_frame=_purchases(), as_of=END)
    found = comebacks(CHURNERS, tables, ChurnSpec(horizon_days=30, active_window_days=90))
    assert found == {
        "churners": 4,
        "returned": 1,
        "share": 0.25,
        "follow_up_min_days": 16,
        "follow_up_max_days": 94,
        "gap_median_days": 7.5,
        "gap_p90_days": pytest.approx(94.0),
        "horizon_days": 30,
        "activity": "purchases",
    }


def test_a_churner_back_within_the_follow_up_the_data_hold_is_counted():
    """No cutoff has a full usual gap (94 days) after its horizon, yet churners return:
    a shop with a 476-day gap lost the note on 11 monthly cutoffs while 90% came back.
    At 2024-04-01 (horizon 30, to 05-01) the data hold 60 days more: c's 06-20 is in."""
    tables = make_tables(transaction_frame=_purchases(), as_of=END)
    late = pd.DataFrame({"customer_id": ["b", "c"], "cutoff": pd.to_datetime(["2024-04-01"] * 2)})
    found = comebacks(late, tables, ChurnSpec(horizon_days=30))
    assert (found["churners"], found["returned"], found["share"]) == (2, 1, 0.5)
    assert (found["follow_up_min_days"], found["follow_up_max_days"]) == (60, 60)


def test_no_churner_with_the_median_gap_of_data_after_the_horizon_counts_nothing():
    """At 2024-05-25 the horizon ends 06-24, 6 days before the data's: under the median
    gap (7.5), too little after it to tell."""
    tables = make_tables(transaction_frame=_purchases(), as_of=END)
    late = pd.DataFrame({"customer_id": ["a"], "cutoff": pd.to_datetime(["2024-05-25"])})
    assert comebacks(late, tables, ChurnSpec(horizon_days=30)) is None
    assert comebacks(CHURNERS.head(0), tables, ChurnSpec(horizon_days=30)) is None


def test_only_inactivity_labels_pauses_as_churn():
    """A cancellation is an act, not a silence: no comeback share is read there."""
    tables = make_tables(transaction_frame=_purchases(), as_of=END)
    assert comebacks(CHURNERS, tables, ChurnSpec(definition="cancellation")) is None


def test_a_usage_log_counts_usage_events_not_purchases():
    """`churn.activity: usage`: the label reads the events, and so does the comeback; a
    purchase (here b's on 03-01) is no return to using the product."""
    used = events([(who, day, "login") for who, days in DAYS.items() for day in days])
    bought = transactions([("b", "2024-03-01", 10)])
    tables = make_tables(
        customer_frame=customers(list(DAYS)), transaction_frame=bought, events=used, as_of=END
    )
    found = comebacks(CHURNERS, tables, ChurnSpec(horizon_days=30, activity="usage"))
    assert (found["returned"], found["churners"], found["activity"]) == (1, 4, "usage")


def test_a_horizon_shorter_than_the_customers_pauses_is_noted_with_the_model(tmp_path):
    """Simulated buyers who come every 13 days at the median, one gap in ten over 46:
    under a 14-day horizon most 'churners' buy again, and the model's notes say so."""
    churn = {"definition": "inactivity", "horizon_days": 14, "active_window_days": 90}
    path = simulated(tmp_path, customers=800, months=12, seed=3, churn=churn)
    config = load_config(path)
    tables = load_tables(config)
    report = build_report(out_of_time(tables, config), tables, config)
    assert report["churn"] == {"definition": "inactivity", "activity": "purchases"}
    back = report["returning_churners"]
    assert back["share"] > 0.5 and back["gap_median_days"] < back["gap_p90_days"]
    (note,) = [n for n in model_notes(report) if "bought again" in n]
    assert "after their 14-day horizon (customers' usual gap between purchases: median " in note
    assert note.endswith(
        "most 'churners' are between purchases; consider horizon_days: 60, where 43% of the "
        "churners (165 of 385) bought again after it"
    )


def test_the_longest_silence_is_between_active_days_or_after_the_last():
    """a's longest pause is 61 days, c's 171, b's from 01-11 to the end (07-31) 202."""
    tables = make_tables(transaction_frame=_purchases(), as_of=pd.Timestamp("2024-07-31"))
    found = longest_silence(tables, ChurnSpec(horizon_days=30))
    assert found == {
        "zero_rows": None,
        "days": 202,
        "between_days": 171,
        "to_end_days": 202,
        "end": "2024-07-31",
        "customers": 4,
        "activity": "purchases",
    }
    assert longest_silence(tables, ChurnSpec(definition="cancellation")) is None


def test_usage_rows_of_zeros_are_counted_as_the_silence_they_hide():
    """A MOOC log held a row per enrollment and day whether used or not: 92% zeros."""
    used = events(
        [("a", f"2024-01-{d:02d}", "view", 0.0 if d % 4 else 3.0) for d in range(1, 29)],
        columns=("quantity",),
    )
    tables = make_tables(customer_frame=customers(["a"]), events=used, as_of=END)
    found = longest_silence(tables, ChurnSpec(horizon_days=10, activity="usage"))
    assert found["zero_rows"] == {"rows": 28, "share": 0.75}
    assert (found["between_days"], found["activity"]) == (1, "usage")


def test_zero_rows_are_those_the_loader_reads_as_no_use_not_rows_blank_throughout():
    """0 in every quantity, a blank as 0, is no use; a row blank in both quantities holds
    no measure, and the loader keeps it as an event (`no_use_rows`), so it is no zero row."""
    used = events(
        [
            ("a", "2024-01-01", "view", 0.0, 0.0),
            ("a", "2024-01-02", "view", None, 0.0),
            ("a", "2024-01-03", "view", None, None),
            ("a", "2024-01-04", "view", 2.0, 0.0),
        ],
        columns=("quantity", "quantities.secs"),
    )
    tables = replace(
        make_tables(customer_frame=customers(["a"]), events=used, as_of=END),
        event_quantities={"secs": "seconds"},
    )
    assert zero_rows(tables) == {"rows": 4, "share": 0.5}


def test_the_horizon_suggested_is_one_the_data_allow_or_none():
    """Chinook: told 600 days, its customers never silent over 584. Customers buying
    every 100 days, never longer silent: a 120-day horizon (a 100-day gap rounded up to
    a month) and a 100-day one leave the training cutoffs no churner, so none is
    suggested and the note says why."""
    tables, config = rhythm_tables(), rhythm_config()
    back = {"share": 0.8, "horizon_days": 30, "gap_p90_days": 100.0}
    unfit = _longer_horizon(back, tables, config)["horizon_unfit"]
    assert (unfit["horizon_days"], unfit["set"], unfit["churners"]) == (120, "train", 0)
    assert unfit["longest_silence_days"] == 100
    assert _longer_horizon({**back, "share": 0.3}, tables, config) == {}  # no note to make


COPIES = 3
"""Each customer of `_pausers_and_leavers` three times over: a test of a suggested horizon
must hold 10 churners and 10 stayers for the gate to judge a model by."""


def _pausers_and_leavers() -> object:
    """`rhythm_tables`' ten customers buying every 100 days, and ten buying every 20 days
    who stop for good, one after the other from 2023-03 to 2024-08 (`COPIES` of each)."""
    days = pd.date_range("2021-01-01", "2024-12-31", freq="20D")
    gone = pd.date_range("2023-03-01", "2024-08-01", periods=10)
    rows = [
        (f"l{k}_{copy}", str(d.date()), 1.0)
        for copy in range(COPIES)
        for k, last in enumerate(gone)
        for d in days
        if d <= last
    ]
    pausers = rhythm_tables(copies=COPIES).transactions
    frame = pd.concat([pausers, transactions(rows)], ignore_index=True)
    return make_tables(transaction_frame=frame, as_of=pd.Timestamp("2024-12-31"))


def test_a_longer_horizon_is_suggested_only_where_its_churners_come_back_less():
    """Superstore: 83% of the 180-day horizon's churners came back, and the note said
    "consider horizon_days: 450", where 90% did. A horizon is suggested only where its
    own churners come back clearly less often: past the pausers' 100 days only those who
    left churn (none back); where everyone only pauses, no longer horizon helps, and the
    note is given the shares of those tried."""
    tables, config = _pausers_and_leavers(), rhythm_config()
    back = comebacks(try_horizon(tables, config, 30).churners, tables, config.churn)
    assert (back["returned"], back["churners"], back["gap_p90_days"]) == (264, 510, 100.0)
    assert _longer_horizon(back, tables, config) == {
        "suggested_horizon_days": 120,
        "suggested_returning": {
            "horizon_days": 120,
            "churners": 186,
            "returned": 0,
            "share": 0.0,
            "longest": False,
        },
    }
    pausers = {"share": 0.8, "horizon_days": 30, "gap_p90_days": 50.0}
    assert _longer_horizon(pausers, rhythm_tables(copies=COPIES), config) == {
        "longer_horizons": [
            {"horizon_days": 60, "churners": 132, "returned": 132, "share": 1.0, "longest": False}
        ]
    }
    # already past the usual gap: the longest horizon the data allow is tried (300 days
    # here: one the leavers alone churn at), and none where nothing longer trains
    past_gap = _longer_horizon({**back, "horizon_days": 120, "share": 0.8}, tables, config)
    assert past_gap["suggested_returning"] == {
        "horizon_days": 300,
        "churners": 12,
        "returned": 0,
        "share": 0.0,
        "longest": True,
    }
    # clearer, but still mostly pauses: no suggestion, the shares tried are told
    mostly_back = {"horizon_days": 60, "churners": 16, "returned": 10, "share": 0.625}
    assert not _clearer(mostly_back, {"share": 0.85})
    assert _clearer({**mostly_back, "returned": 7, "share": 0.4375}, {"share": 0.85})
    assert _longer_horizon(
        {**pausers, "horizon_days": 60}, rhythm_tables(copies=COPIES), config
    ) == {"longer_horizons": []}
