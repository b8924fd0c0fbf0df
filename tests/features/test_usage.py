"""Usage events: per-type windows, trend, days since, quantities, active days."""

import dataclasses

import numpy as np
import pytest

from features.build import build, build_features
from features.contract import UNTYPED_EVENT
from features.usage import OVERALL_SPECS
from tests.frames import customers, events, make_tables, row, transactions

CUTOFF = "2024-06-30"


@pytest.fixture
def frame():
    ev = events(
        [
            (1, "2024-06-29", "login", 1.0),
            (1, "2024-06-29", "login", 1.0),
            (1, "2024-06-20", "session", 30.0),
            (1, "2024-05-20", "login", 1.0),
            (1, "2024-05-10", "login", 1.0),
            (1, "2024-05-05", "login", 1.0),
            (2, "2024-04-01", "session", 12.0),
            (2, "2024-07-15", "session", 99.0),  # after the cutoff
        ],
        columns=("quantity",),
    )
    people = customers([1, 2], signup=["2024-01-01", "2024-01-01"])
    return build_features(make_tables(customer_frame=people, events=ev), cutoffs=CUTOFF)


def test_most_frequent_types_get_their_own_columns(frame):
    assert {"events_login_30d", "events_session_30d", "quantity_session_30d"} <= set(frame)


def test_per_type_windows_and_trend(frame):
    one = row(frame, 1)
    assert one["events_login_7d"] == 2
    assert one["events_login_30d"] == 2  # (May 31, Jun 30]
    assert one["events_login_90d"] == 5
    # previous 30d (May 1, May 31]: 3 logins -> (2 - 3) / 3
    assert one["events_login_trend_30d_vs_prev"] == pytest.approx(-1 / 3)
    assert one["days_since_last_login"] == 1
    assert one["quantity_session_30d"] == 30


def test_overall_engagement(frame):
    one, two = row(frame, 1), row(frame, 2)
    assert one["active_days_30d"] == 2  # Jun 20 and Jun 29
    assert one["days_since_last_event"] == 1
    assert two["days_since_last_event"] == 90
    assert two["active_days_30d"] == 0
    assert two["quantity_session_30d"] == 0


def test_the_rhythm_of_use_is_of_active_days_up_to_the_cutoff(frame):
    """Active days May 5, 10, 20, Jun 20, 29 (two events on Jun 29 are no gap of 0):
    gaps 5, 10, 31, 9; customer 2's use after the cutoff makes no second day."""
    one, two = row(frame, 1), row(frame, 2)
    assert one["active_gap_median_days"] == 9.5
    assert one["use_overdue_ratio"] == pytest.approx(1 / 9.5)
    assert one["active_gap_cv"] == pytest.approx(np.std([5, 10, 31, 9], ddof=1) / 13.75)
    assert one["use_silence_vs_longest_gap"] == pytest.approx(1 / 31)  # the break of 31 days
    assert np.isnan(two["active_gap_median_days"]) and np.isnan(two["use_overdue_ratio"])
    assert np.isnan(two["use_silence_vs_longest_gap"])
    assert np.isnan(two["active_gap_cv"])


def test_the_rhythm_of_use_reads_in_the_house_words():
    specs = {spec.name: spec for spec in OVERALL_SPECS}
    late = {"days_since_last_event": 20.0, "use_overdue_ratio": 4.0}
    said = "no product use for 20 days, 4.0× their usual gap between active days"
    assert specs["use_overdue_ratio"].render(late) == said
    columns = {name: [value] for name, value in late.items()}
    assert specs["days_since_last_event"].render_many(columns, 1) == [said]  # the fuller one
    longest = specs["use_silence_vs_longest_gap"]
    assert longest.render({"use_silence_vs_longest_gap": 0.45}) == (
        "silent 45% of their longest gap between active days so far"
    )
    gap = specs["active_gap_median_days"]
    assert gap.render({"active_gap_median_days": 3.0}) == "usually active every 3 days"
    assert gap.render({"active_gap_median_days": np.nan}) == (
        "fewer than two active days: no rhythm of use yet"
    )


def _usage_specs(ev, **tables_fields):
    people = customers([1, 2], signup=["2024-01-01", "2024-01-01"])
    tables = dataclasses.replace(make_tables(customer_frame=people, events=ev), **tables_fields)
    return {spec.name: spec for spec in build(tables, cutoffs=CUTOFF).specs}


def test_quantity_reasons_name_the_configured_unit():
    ev = events([(1, "2024-06-20", "call", 1240.0)], columns=("quantity",))
    spec = _usage_specs(ev, event_quantity_unit="minutes")["quantity_call_30d"]
    assert spec.render({"quantity_call_30d": 1240.0}) == "1,240 minutes of call in the last 30 days"
    ev = events(
        [(1, "2024-06-20", "call", 3.0), (1, "2024-06-21", "login", 1.0)], columns=("quantity",)
    )
    specs = _usage_specs(ev, event_quantity_unit={"call": "minutes"})  # per type
    assert specs["quantity_call_30d"].render({"quantity_call_30d": 3.0}).startswith("3 minutes")
    assert specs["quantity_login_30d"].render({"quantity_login_30d": 1.0}).startswith("1 unit of")


def test_coded_event_types_read_as_their_words_or_as_a_type():
    """A Stack Exchange dump's PostTypeId read "3 2 events in the last 7 days" and "last 1
    1 day ago": codes take their `type_words`, else read "type '2'" (quoted: a bare "type
    1 events" reads as one event)."""
    ev = events([(1, "2024-06-20", "1"), (2, "2024-05-20", "2"), (1, "2024-06-01", "2")])
    specs = _usage_specs(ev, event_type_words={"2": "answer"})
    assert specs["events_2_7d"].render({"events_2_7d": 3.0}) == "3 answer events in the last 7 days"
    assert specs["days_since_last_2"].render({"days_since_last_2": 4.0}) == "last answer 4 days ago"
    counted = specs["events_1_7d"]
    assert counted.render({"events_1_7d": 3.0}) == "3 type '1' events in the last 7 days"
    assert counted.render({"events_1_7d": 1.0}) == "1 type '1' event in the last 7 days"
    assert specs["days_since_last_1"].render({"days_since_last_1": 1.0}) == (
        "last type '1' event 1 day ago"
    )
    trend = specs["events_1_trend_30d_vs_prev"]
    assert trend.render({"events_1_trend_30d_vs_prev": -0.5}) == (
        "type '1' events down 50% versus the previous 30 days"
    )
    assert specs["days_since_last_1"].reason_missing == "no type '1' events yet"


def test_days_since_a_type_read_as_when_it_last_happened():
    """ "no Error for 15 days" read as a use missed; an error is a failure."""
    ev = events([(1, "2024-06-20", "Error"), (2, "2024-05-20", "login")])
    spec = _usage_specs(ev)["days_since_last_error"]
    assert spec.render({"days_since_last_error": 15.0}) == "last Error 15 days ago"
    assert spec.render({"days_since_last_error": 1.0}) == "last Error 1 day ago"
    assert spec.render({"days_since_last_error": 0.0}) == "last Error today"


def test_the_eight_most_frequent_types_get_columns_when_none_are_configured():
    """A streaming log's rarer types (thumbs down, errors) carry its churn signal."""
    pages = [f"page{k}" for k in range(10)]
    ev = events([(1, "2024-06-20", page) for k, page in enumerate(pages) for _ in range(20 - k)])
    names = set(_usage_specs(ev))
    assert {f"events_page{k}_30d" for k in range(8)} <= names
    assert not {"events_page8_30d", "events_page9_30d"} & names


def test_the_only_type_of_a_log_has_no_trend_or_silence_repeating_the_overall_ones():
    ev = events([(1, "2024-06-20", "play"), (2, "2024-05-20", "play")])
    names = set(_usage_specs(ev))
    assert {"events_play_30d", "events_trend_30d_vs_prev", "days_since_last_event"} <= names
    assert not {"events_play_trend_30d_vs_prev", "days_since_last_play"} & names


def test_an_untyped_logs_quantity_reads_without_its_placeholder_type():
    """Daily usage rows without a type: "445,982 API calls in the last 30 days"."""
    ev = events([(1, "2024-06-20", UNTYPED_EVENT, 445982.0)], columns=("quantity",))
    spec = _usage_specs(ev, event_quantity_unit="API calls")["quantity_activity_30d"]
    assert (
        spec.render({"quantity_activity_30d": 445982.0}) == "445,982 API calls in the last 30 days"
    )


def test_quantity_trend_compares_the_last_30_days_with_the_30_before():
    """A daily usage log counts days: listening less on the days still active shows only
    in the quantity."""
    ev = events(
        [
            (1, "2024-06-20", "play", 600.0),  # last 30 days (May 31, Jun 30]
            (1, "2024-06-25", "play", 400.0),
            (1, "2024-05-20", "play", 3000.0),  # the 30 before (May 1, May 31]
            (1, "2024-05-25", "play", 1000.0),
            (2, "2024-06-25", "play", 50.0),  # nothing the 30 days before
            (1, "2024-07-02", "play", 9999.0),  # after the cutoff
        ],
        columns=("quantity",),
    )
    people = customers([1, 2], signup=["2024-01-01", "2024-01-01"])
    frame = build_features(make_tables(customer_frame=people, events=ev), cutoffs=CUTOFF)
    assert row(frame, 1)["quantity_play_30d"] == 1000
    assert row(frame, 1)["quantity_play_trend_30d_vs_prev"] == pytest.approx(-0.75)
    assert np.isnan(row(frame, 2)["quantity_play_trend_30d_vs_prev"])
    spec = _usage_specs(ev, event_quantity_unit="seconds played")["quantity_play_trend_30d_vs_prev"]
    assert (
        spec.render({"quantity_play_trend_30d_vs_prev": -0.75})
        == "seconds played of play down 75% versus the previous 30 days"
    )
    assert spec.render({"quantity_play_trend_30d_vs_prev": np.nan}) == (
        "no seconds played of play in the 30 days before the last 30"
    )


def test_further_quantities_are_summed_over_all_events_with_their_trend():
    ev = events(
        [
            (1, "2024-06-20", "play", 10.0),  # last 30 days
            (1, "2024-06-25", "skip", 20.0),
            (1, "2024-05-20", "play", 60.0),  # the 30 before
            (1, "2024-07-02", "play", 999.0),  # after the cutoff
        ],
        columns=("quantities.num_unq",),
    )
    people = customers([1], signup=["2024-01-01"])
    tables = dataclasses.replace(
        make_tables(customer_frame=people, events=ev), event_quantities={"num_unq": "unique songs"}
    )
    built = build(tables, cutoffs=CUTOFF)
    one = row(built.frame, 1)
    assert one["usage_num_unq_30d"] == 30
    assert one["usage_num_unq_trend_30d_vs_prev"] == pytest.approx(-0.5)
    specs = {s.name: s for s in built.specs}
    assert specs["usage_num_unq_30d"].render({"usage_num_unq_30d": 1234.0}) == (
        "1,234 unique songs in the last 30 days"
    )
    trend = specs["usage_num_unq_trend_30d_vs_prev"]
    assert trend.render({"usage_num_unq_trend_30d_vs_prev": -0.5}) == (
        "unique songs down 50% versus the previous 30 days"
    )


def test_an_apps_purchase_and_event_types_do_not_take_the_built_in_names():
    """An app export's 'purchase' events beside its payments: the type's silence is its
    own feature, not a second `days_since_last_purchase` (that crashed every build)."""
    ev = events(
        [(1, "2024-06-20", "purchase"), (1, "2024-06-25", "event"), (2, "2024-05-20", "login")]
    )
    paid = transactions([(1, "2024-06-01", 9.99), (2, "2024-06-01", 9.99)])
    built = build(make_tables(transaction_frame=paid, events=ev), cutoffs=CUTOFF)
    one = row(built.frame, 1)
    assert one["days_since_last_purchase_event"] == 10
    assert one["days_since_last_event_event"] == 5
    assert one["days_since_last_purchase"] == 29  # the payments' own
    spec = next(s for s in built.specs if s.name == "days_since_last_purchase_event")
    assert spec.render({"days_since_last_purchase_event": 10.0}) == "last purchase 10 days ago"
    # without payments the name is free: the type keeps it, as models trained on it read
    alone = build_features(make_tables(customer_frame=customers([1, 2]), events=ev), cutoffs=CUTOFF)
    assert row(alone, 1)["days_since_last_purchase"] == 10
    assert "days_since_last_purchase_event" not in alone


def test_types_of_one_feature_name_get_one_set_of_columns():
    """'Add to Cart' and 'add_to_cart' read as one name: one type, every event of either."""
    ev = events(
        [(1, "2024-06-20", "Add to Cart")] * 3
        + [(1, "2024-06-21", "add_to_cart"), (2, "2024-06-01", "login")]
    )
    tables = make_tables(customer_frame=customers([1, 2]), events=ev)
    frame = build_features(tables, cutoffs=CUTOFF)
    assert row(frame, 1)["events_add_to_cart_30d"] == 4
    assert row(frame, 1)["days_since_last_add_to_cart"] == 9  # the 06-21 one counts too


def test_a_type_whose_renamed_silence_another_type_has_keeps_one():
    """'purchase' beside payments reads days_since_last_purchase_event: a log that also
    has 'purchase_event' does not declare that name twice (it crashed the build)."""
    ev = events(
        [(1, "2024-06-20", "purchase")] * 2
        + [(1, "2024-06-21", "purchase_event"), (2, "2024-06-01", "login")]
    )
    paid = transactions([(1, "2024-06-01", 9.99), (2, "2024-06-01", 9.99)])
    frame = build_features(make_tables(transaction_frame=paid, events=ev), cutoffs=CUTOFF)
    assert row(frame, 1)["days_since_last_purchase_event"] == 10  # the more frequent type's


def test_use_on_the_cutoff_day_reads_as_today():
    """ "in their favour: no product use for 0 days" in 59 rows of a SaaS log's worklist."""
    silence = next(spec for spec in OVERALL_SPECS if spec.name == "days_since_last_event")
    assert silence.render({"days_since_last_event": 0.0}) == "used the product today"
    assert silence.render({"days_since_last_event": 44.0}) == "no product use for 44 days"
