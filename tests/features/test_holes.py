import numpy as np
import pandas as pd

from features.holes import Hole, SampledDays, StrayStart, longest_hole, sampled_days, stray_start
from tests.frames import ts


def test_the_longest_hole_is_the_empty_days_between_two_active_days_of_all_tables():
    """Rows of either table fill a day; the hole's days are those with no row at all."""
    daily = pd.Series(pd.date_range("2024-01-01 09:00", "2024-02-29 09:00"))
    late = ts(["2024-06-01 23:59", None])
    found = longest_hole(daily, late)
    assert found == Hole(pd.Timestamp("2024-03-01"), pd.Timestamp("2024-05-31"), 1.0)
    assert found.days == 92
    filled = pd.Series(pd.date_range("2024-03-01", "2024-05-31", freq="7D"))  # weekly rows
    assert longest_hole(daily, late, filled) is None


def test_a_gap_short_against_the_logs_own_rhythm_or_four_weeks_is_no_hole():
    """27 empty days in a daily log are under four weeks; a weekly log's 3-week pause is
    under four of its 7-day gaps; a lone gap has no rhythm to be read against."""
    daily = pd.date_range("2024-01-01", "2024-03-31")
    assert longest_hole(pd.Series(daily.append(pd.DatetimeIndex(["2024-04-28"])))) is None
    assert longest_hole(pd.Series(daily.append(pd.DatetimeIndex(["2024-04-29"])))).days == 28
    weekly = pd.date_range("2023-01-02", "2024-12-30", freq="7D")
    assert longest_hole(pd.Series(weekly.delete(np.s_[10:12]))) is None
    assert longest_hole(pd.Series(weekly.delete(np.s_[10:14]))).days == 34
    assert longest_hole(ts(["2024-01-01", "2024-12-31"])) is None
    assert longest_hole(ts([None]), pd.Series([], dtype="datetime64[ns]")) is None


def test_a_sparse_start_or_a_yearly_season_is_no_hole():
    """Olist's few orders of autumn 2016 before daily ones from late December: a sparse
    start, not an extract missing November. A shop open December to March each year is
    empty each summer alike: a season. Sakila's last day after its hole still warns."""
    daily = pd.date_range("2016-12-23", "2017-12-31")
    olist = pd.Series(pd.DatetimeIndex(["2016-09-04", "2016-10-03", "2016-10-10"]).append(daily))
    assert longest_hole(olist) is None
    winters = [pd.date_range(f"{y}-12-01", f"{y + 1}-03-31") for y in (2020, 2021, 2022)]
    season = pd.Series(winters[0].append(winters[1]).append(winters[2]))
    assert longest_hole(season) is None
    launch = pd.date_range("2021-02-01", "2021-11-30")  # a row a day, then 200: the
    busy = [pd.date_range("2022-02-01", "2022-11-30"), pd.date_range("2023-02-01", "2023-03-31")]
    closed = pd.Series(launch.append(busy[0].repeat(200)).append(busy[1].repeat(200)))
    assert longest_hole(closed) is None  # launch year's closure is the season's evidence
    summer = pd.Series(pd.date_range("2005-05-24", "2005-08-23").repeat(150))
    sakila = pd.concat([summer, pd.Series([pd.Timestamp("2006-02-14")] * 182)])
    assert longest_hole(sakila).days == 174


def _stamps(days: list[str], per_day: int) -> pd.Series:
    return pd.Series(pd.to_datetime(np.repeat(days, per_day)))


def _new_each_row(stamps: pd.Series) -> pd.Series:
    """A customer per row: none back on another day, as in a sample of first hours."""
    return pd.Series(np.arange(len(stamps)))


MONTH_STARTS = ["2022-10-01", "2022-11-01", "2022-12-01", "2023-01-01", "2023-02-01"]


def test_a_few_busy_days_among_many_are_a_sampled_extract():
    """A cosmetics shop's months cut to their first 999 events: 'data OK' before."""
    stamps = _stamps(MONTH_STARTS, 999)
    few = sampled_days(stamps, _new_each_row(stamps))
    assert few == SampledDays(5, 124, 4995, pd.Timestamp("2022-10-01"), pd.Timestamp("2023-02-01"))


def test_a_billing_run_on_the_first_is_no_sample():
    """500 members paid on the 1st of 24 months: as few busy days, the same members."""
    starts = pd.date_range("2022-01-01", periods=24, freq="MS").strftime("%Y-%m-%d").tolist()
    stamps = _stamps(starts, 500)
    members = pd.Series(np.tile(np.arange(500), 24))
    assert sampled_days(stamps, members) is None


def test_a_quiet_business_or_a_short_span_is_no_sample():
    def sampled(stamps: pd.Series) -> SampledDays | None:
        return sampled_days(stamps, _new_each_row(stamps))

    assert sampled(_stamps(MONTH_STARTS, 3)) is None  # a few rows a day: quiet
    daily = pd.date_range("2022-10-01", "2023-02-01").strftime("%Y-%m-%d").tolist()
    assert sampled(_stamps(daily, 500)) is None  # every day active
    assert sampled(_stamps(["2023-01-01", "2023-01-31"], 999)) is None  # 31 days
    assert sampled(pd.Series([], dtype="datetime64[ns]")) is None


def test_a_log_dated_to_the_month_has_a_hole_where_a_month_is_missing():
    """A listening log dated to each month's 1st had no row in April 2011: 64 empty days
    against steps of 28-31, under four steps, but a steady log skips no month by chance.
    Its stray rows of 1956, a sparse start, make no season of it. Every month there:
    no hole."""
    months = pd.date_range("2005-08-01", "2011-05-01", freq="MS").repeat(50)
    stray = pd.DatetimeIndex(["1956-03-01", "1957-03-01"])
    assert longest_hole(pd.Series(stray.append(months))) is None
    without_april = months[months != pd.Timestamp("2011-04-01")]
    found = longest_hole(pd.Series(stray.append(without_april)))
    assert found == Hole(pd.Timestamp("2011-03-02"), pd.Timestamp("2011-04-30"), 31.0)


def test_a_few_rows_years_before_the_rest_are_stray_dates():
    """A tagging log's 5 rows of 1956-1979, then monthly ones from 2005: stray dates that
    set their users' tenure at 20,000 days. Olist's few orders weeks before its daily
    ones are a sparse start, no stray; nor is a pilot year holding a tenth of the rows."""
    months = pd.Series(pd.date_range("2005-08-01", "2011-05-01", freq="MS").repeat(50))
    stray = ts(["1956-06-01", "1956-09-01", "1979-05-01"])
    found = stray_start(pd.concat([stray, months], ignore_index=True))
    assert found == StrayStart(
        3, pd.Timestamp("1956-06-01"), pd.Timestamp("1979-05-01"), pd.Timestamp("2005-08-01")
    )
    assert stray_start(months) is None
    olist = ts(["2016-09-04", "2016-10-03"])
    assert stray_start(pd.concat([olist, months + pd.DateOffset(years=11)])) is None
    pilot = pd.Series(pd.date_range("2001-01-01", "2001-12-01", freq="MS").repeat(50))
    assert stray_start(pd.concat([pilot, months])) is None
