"""Usage events: per-type windows, trend, days since, quantities, active days."""

import pytest

from features.build import build_features
from tests.frames import customers, events, make_tables, row

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
