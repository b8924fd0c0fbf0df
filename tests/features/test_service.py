"""Service quality: counts per window, open issues at the cutoff, resolution, satisfaction."""

import math
from dataclasses import replace

import numpy as np
import pytest

from features.build import build, build_features
from features.contract import INTERACTION_TYPES
from features.service import (
    NEGATIVE,
    NEGATIVE_SPEC,
    _of_types,
    counted_types,
    negative_spec,
    scale_top,
)
from tests.frames import interactions, make_tables, row, transactions

CUTOFF = "2024-06-30"
COLUMNS = ("resolved_at", "satisfaction", "recorded_at")


@pytest.fixture
def tables():
    tx = transactions([(1, "2024-01-01", 10), (2, "2024-01-01", 10)])
    inter = interactions(
        [
            (1, "2024-06-20", "complaint", None, 1.0, "2024-06-20"),  # open
            (1, "2024-06-25", "complaint", "2024-07-05", None, "2024-06-25"),  # open at cutoff
            (1, "2024-05-01", "billing_error", "2024-05-11", None, "2024-05-01"),  # 10 days
            (1, "2024-03-01", "ticket", "2024-03-05", 4.0, "2024-03-01"),  # 4 days
            (1, "2024-06-29", "ticket", None, None, "2024-07-02"),  # recorded late: unseen
            (2, "2024-06-30", "call", None, 5.0, None),
        ],
        columns=COLUMNS,
    )
    return make_tables(transaction_frame=tx, interactions=inter)


def test_counts_per_window(tables):
    one = row(build_features(tables, cutoffs=CUTOFF), 1)
    assert one["complaints_30d"] == 2
    assert one["billing_errors_30d"] == 0
    assert one["billing_errors_90d"] == 1
    assert one["tickets_90d"] == 0
    assert one["tickets_365d"] == 1  # the late-recorded ticket is not known yet


def test_unresolved_and_resolution_time(tables):
    one = row(build_features(tables, cutoffs=CUTOFF), 1)
    assert one["complaints_unresolved_30d"] == 2  # one never resolved, one resolved later
    assert one["issues_unresolved"] == 2
    assert one["resolution_days_median_365d"] == pytest.approx(7.0)  # median of 10 and 4
    assert one["days_since_last_negative_interaction"] == 5


def test_satisfaction_level_trend_and_last(tables):
    frame = build_features(tables, cutoffs=CUTOFF)
    one = row(frame, 1)
    assert one["satisfaction_mean_90d"] == 1.0
    assert one["satisfaction_trend_90d_vs_prev"] == pytest.approx(-3.0)
    assert one["satisfaction_last"] == 1.0
    assert row(frame, 2)["satisfaction_last"] == 5.0
    assert math.isnan(row(frame, 2)["days_since_last_negative_interaction"])


def test_a_satisfaction_score_reads_against_its_scale(tables):
    """ "last satisfaction score 1" says nothing until it reads "1 of 5"; the scale is
    the data's highest score where that is a common top."""
    built = build(tables, cutoffs=CUTOFF)
    spec = next(s for s in built.specs if s.name == "satisfaction_last")
    assert spec.render(row(built.frame, 1).to_dict()) == "last satisfaction score 1 of 5"
    assert scale_top(np.array([3.0, 9.0, 10.0, np.nan])) == 10.0  # NPS
    assert scale_top(np.array([1.0, 3.0, 4.0])) is None  # nobody at a top: unknown
    assert scale_top(np.array([-2.0, 5.0])) is None  # a signed scale


def test_reason_names_unresolved_complaints(tables):
    built = build(tables, cutoffs=CUTOFF)
    spec = next(s for s in built.specs if s.name == "complaints_unresolved_30d")
    assert spec.render(row(built.frame, 1).to_dict()) == (
        "2 unresolved complaints in the last 30 days"
    )


def test_without_resolution_or_satisfaction_columns_those_features_are_absent():
    tx = transactions([(1, "2024-01-01", 10)])
    inter = interactions([(1, "2024-06-20", "complaint")])
    frame = build_features(make_tables(transaction_frame=tx, interactions=inter), cutoffs=CUTOFF)
    assert "issues_unresolved" not in frame
    assert "satisfaction_last" not in frame
    assert row(frame, 1)["complaints_30d"] == 1


def test_a_row_without_a_type_is_of_no_type():
    codes = np.array([-1, *range(len(INTERACTION_TYPES))])
    expected = [False] + [t in NEGATIVE for t in INTERACTION_TYPES]
    assert _of_types(codes, NEGATIVE).tolist() == expected


def test_the_last_negative_contact_names_only_the_kinds_the_data_hold(tables):
    """A shop whose contacts hold no billing errors: "last complaint 74 days ago"."""
    both = next(s for s in build(tables, cutoffs=CUTOFF).specs if s.name == NEGATIVE_SPEC.name)
    assert both.render({NEGATIVE_SPEC.name: 3.0}) == "last complaint or billing error 3 days ago"
    tx = transactions([(1, "2024-01-01", 10)])
    inter = interactions([(1, "2024-04-17", "complaint"), (1, "2024-05-01", "ticket")])
    built = build(make_tables(transaction_frame=tx, interactions=inter), cutoffs=CUTOFF)
    spec = next(s for s in built.specs if s.name == NEGATIVE_SPEC.name)
    assert spec.render({NEGATIVE_SPEC.name: 74.0}) == "last complaint 74 days ago"
    assert spec.render({NEGATIVE_SPEC.name: 1.0}) == "last complaint 1 day ago"
    assert spec.render({NEGATIVE_SPEC.name: 0.0}) == "last complaint today"
    assert spec.reason_missing == "no complaint on record"
    assert negative_spec(frozenset({"billing_error"})).render({NEGATIVE_SPEC.name: 2.0}) == (
        "last billing error 2 days ago"
    )


def _timed(extra: list[tuple] = ()) -> "object":
    """Complaints with times of day: 44 hours (1.83 days) and 35 hours (1.46 days) to
    resolve; one resolved late on the cutoff day; one opened the day before the cutoff
    and resolved after it."""
    tx = transactions([(1, "2024-01-01", 10)])
    inter = interactions(
        [
            (1, "2024-06-01 09:00", "complaint", "2024-06-03 05:00"),  # 1.83 days
            (1, "2024-05-01 20:00", "complaint", "2024-05-03 07:00"),  # 1.46 days
            (1, "2024-06-29 10:00", "ticket", "2024-07-01 08:00"),  # open at the cutoff
            *extra,
        ],
        columns=("resolved_at",),
    )
    return make_tables(transaction_frame=tx, interactions=inter)


def test_resolution_time_keeps_the_fraction_of_a_day_the_times_hold():
    """A complaint resolved in 1.83 days read "1.0 day" (calendar days apart: 2 and 2,
    then 1 with another), one in 1.46 days read 0.5: the median is of the times."""
    one = row(build_features(_timed(), cutoffs=CUTOFF), 1)
    assert one["resolution_days_median_365d"] == pytest.approx((44 + 35) / 2 / 24)
    assert one["issues_unresolved"] == 1  # the ticket resolved after the cutoff
    built = build(_timed(), cutoffs=CUTOFF)
    spec = next(s for s in built.specs if s.name == "resolution_days_median_365d")
    assert spec.render({spec.name: 44 / 24}) == "issues took 1.8 days to resolve (median)"
    before = replace(_timed(), resolution_timed=False)  # as a model trained before scores
    assert row(build_features(before, cutoffs=CUTOFF), 1)["resolution_days_median_365d"] == 2.0


def test_resolution_time_reads_nothing_after_the_cutoff():
    """A resolution after the cutoff is still open at the cutoff and adds no time; one
    on the cutoff day itself, at any hour, is resolved (the cutoff day is known whole);
    rows opened after the cutoff change nothing."""
    same_day = (1, "2024-06-30 08:00", "complaint", "2024-06-30 23:00")  # 0.625 days
    later = [
        (1, "2024-07-01 09:00", "complaint", "2024-07-01 10:00"),
        (1, "2024-07-02 09:00", "ticket", None),
    ]
    before = row(build_features(_timed([same_day]), cutoffs=CUTOFF), 1)
    after = row(build_features(_timed([same_day, *later]), cutoffs=CUTOFF), 1)
    assert before.equals(after)
    assert before["issues_unresolved"] == 1
    assert before["resolution_days_median_365d"] == pytest.approx(35 / 24)  # 0.625, 1.46, 1.83
    resolved = row(build_features(_timed(), cutoffs="2024-07-01"), 1)
    assert resolved["issues_unresolved"] == 0
    assert resolved["resolution_days_median_365d"] == pytest.approx(44 / 24)  # 1.46 1.83 1.92


def test_only_the_types_the_rows_hold_are_counted_and_a_models_stay_counted(tables):
    """A marketplace's ratings mapped as complaints alone had tickets, billing errors and
    calls counted too: 9 features 0 for every customer. A model counts the types it was
    trained on, whatever the rows scored now hold."""
    complaints = tables.interactions[tables.interactions["type"] == "complaint"]
    only = replace(tables, interactions=complaints.reset_index(drop=True))
    names = set(build(only, cutoffs=CUTOFF).names)
    assert {"complaints_30d", "complaints_365d"} <= names
    assert not {n for n in names if n.startswith(("tickets_", "billing_errors_", "calls_"))}
    as_trained = replace(tables, interaction_types=frozenset({"complaint"}))
    counted = [n for n in build(as_trained, cutoffs=CUTOFF).names if n.endswith("_365d")]
    assert [
        n for n in counted if n[:-5] in ("complaints", "tickets", "billing_errors", "calls")
    ] == ["complaints_365d"]
    trained_on_all = replace(only, interaction_types=frozenset(INTERACTION_TYPES))
    assert row(build_features(trained_on_all, cutoffs=CUTOFF), 1)["calls_30d"] == 0
    assert counted_types(["complaints_30d", "calls_365d", "spend_90d"]) == {"complaint", "call"}
