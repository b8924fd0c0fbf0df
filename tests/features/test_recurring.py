"""A subscriptions table (start, end, fee) read as the payments it stands for
(`transactions.recurring`): the schedule, the loader's checks, and no leakage."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
import yaml

from features.build import build_features
from features.contract import ConfigError, load_config
from features.recurring import Period, parse_period, payments, plan_ends, schedule, unit_named
from features.sources import DataError, load_tables, validate

D = "datetime64[ns]"


@pytest.mark.parametrize(
    ("written", "period"),
    [
        ("month", Period(months=1)),
        ("Monthly", Period(months=1)),
        ("annual", Period(months=12)),
        ("Yearly", Period(months=12)),
        ("3 months", Period(months=3)),
        ("12-month", Period(months=12)),
        ("quarterly", Period(months=3)),
        ("weekly", Period(days=7)),
        ("30", Period(days=30)),
        (14, Period(days=14)),
        ("half_year", Period(months=6)),
        ("Month-to-month", Period(months=1)),  # a telecom's contract types
        ("One year", Period(months=12)),
        ("Two year", Period(months=24)),
    ],
)
def test_billing_periods_read_as_exports_write_them(written, period):
    assert parse_period(written) == period


@pytest.mark.parametrize("written", ["bogus", "0", 0, -3, True, "monthly plan", "one"])
def test_what_is_no_billing_period_reads_as_none(written):
    assert parse_period(written) is None


def _paid(starts, ends, periods, until, customers=None):
    starts = np.array(starts, dtype=D)
    owners = customers or ["a"] * len(starts)
    plan = schedule(
        np.array(owners), starts, np.array(ends, dtype=D), periods, np.datetime64(until)
    )
    days = [str(t)[:10] for t in plan.paid_at]
    return plan, days


def test_a_monthly_plan_renews_on_its_day_or_a_short_months_last():
    plan, days = _paid(["2024-01-31"], ["NaT"], [Period(months=1)], "2024-05-31T23:59")
    assert days == ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31"]
    assert str(plan.paid_until[1])[:10] == "2024-03-31"  # each paid until the next


def test_a_subscription_pays_before_its_end_and_up_to_the_data_end():
    _, days = _paid(["2024-01-15"], ["2024-04-15"], [Period(months=1)], "2024-12-31")
    assert days == ["2024-01-15", "2024-02-15", "2024-03-15"]  # not on the day it ends
    _, days = _paid(["2024-01-15"], ["NaT"], [Period(months=1)], "2024-03-15")
    assert days == ["2024-01-15", "2024-02-15", "2024-03-15"]  # the last day is in
    for ended in ("2024-01-10", "2024-01-15"):  # ended when or before it began: unpaid
        _, days = _paid(["2024-01-15"], [ended], [Period(months=1)], "2024-12-31")
        assert days == []
    _, days = _paid(["2025-01-15"], ["NaT"], [Period(months=1)], "2024-12-31")
    assert days == []  # begun after the data's end
    _, days = _paid(["2024-01-15T10:00"], ["NaT"], [Period(days=7)], "2024-01-29T10:00")
    assert days == ["2024-01-15", "2024-01-22", "2024-01-29"]  # its time of day kept


def test_a_month_row_ending_on_a_months_last_day_is_one_payment():
    """A run of month-long rows, each ending on a month's last day (Feb 29 to Mar 31):
    no renewal on Mar 29, 2 days before its end; an end 4 days after a renewal keeps it,
    and a plan shorter than the slack still pays once."""
    starts = ["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"]
    ends = ["2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31"]
    _, days = _paid(starts, ends, [Period(months=1)] * 4, "2024-12-31")
    assert days == starts
    _, days = _paid(["2024-01-15"], ["2024-02-19"], [Period(months=1)], "2024-12-31")
    assert days == ["2024-01-15", "2024-02-15"]
    _, days = _paid(["2024-01-15"], ["2024-01-16"], [Period(months=1)], "2024-12-31")
    assert days == ["2024-01-15"]
    # by day, whatever the times: Feb 28 09:00 to Mar 31 10:00 renews on no Mar 28
    _, days = _paid(["2021-02-28T09:00"], ["2021-03-31T10:00"], [Period(months=1)], "2021-12-31")
    assert days == ["2021-02-28"]


def test_a_plans_later_renewal_does_not_know_its_coming_end():
    """A plan running since January and cancelled on Jun 1 lost its May 30 renewal to the
    month-row slack: features as of May 31 read the coming cancellation (a leak). Only a
    one-period row's renewal is dropped; ended or running, the plan pays alike to May 31."""
    start, month = ["2024-01-30"], [Period(months=1)]
    _, cancelled = _paid(start, ["2024-06-01"], month, "2024-12-31")
    _, running = _paid(start, ["NaT"], month, "2024-05-31")
    assert cancelled == running and cancelled[-1] == "2024-05-30"


def test_payments_come_grouped_by_customer_in_time_order():
    plan, days = _paid(
        ["2024-01-01", "2024-02-10", "2024-01-05"],
        ["NaT", "NaT", "NaT"],
        [Period(months=1), Period(days=30), Period(months=12)],
        "2024-03-31",
        customers=["a", "a", "b"],
    )
    of_a = ["2024-01-01", "2024-02-01", "2024-02-10", "2024-03-01", "2024-03-11"]
    assert days == [*of_a, "2024-01-05"]
    assert plan.rows.tolist() == [0, 0, 1, 0, 1, 2]


def test_a_monthly_fee_is_paid_per_period_each_payment_an_order_of_its_own():
    columns = {
        "customer_id": np.array(["a", "a"], dtype=object),
        "timestamp": np.array(["2024-01-01", "2024-02-03"], dtype=D),
        "amount": np.array([10.0, 99.0]),
        "billing_period": np.array(["annual", None], dtype=object),
    }
    paid = payments(
        columns, Period(months=1), fee_per_month=True, until=np.datetime64("2024-03-31")
    )
    # a year of a 10 a month; a blank period is `every` month: February and March
    assert paid["amount"].tolist() == [120.0, 99.0, 99.0]
    assert [str(t)[:10] for t in paid["paid_until"]] == ["2025-01-01", "2024-03-03", "2024-04-03"]
    assert paid["order_id"].tolist() == [0, 1, 2] and "billing_period" not in paid


def test_a_plans_end_is_a_leaving_only_when_no_other_plan_of_theirs_runs_then():
    owners = np.array(["a", "a", "a", "b", "c", "c"], dtype=object)
    starts = np.array(
        ["2024-01-01", "2024-02-01", "2024-05-01", "2024-01-01", "2024-01-01", "2024-03-01"],
        dtype=D,
    )
    ends = np.array(
        ["2024-03-01", "2024-04-01", "NaT", "2024-02-01", "2024-03-01", "2024-04-01"], dtype=D
    )
    # a: the trial's end is covered by the plan begun in February, whose end in April
    # leaves nothing running (May's plan comes later); b leaves; c changes plan the day
    # its first ends, then leaves
    assert plan_ends(owners, starts, ends).tolist() == [False, True, False, True, False, True]
    # month rows written Jan 1-31, Feb 1-29: the next day's row covers the end
    months = np.array(["2024-01-01", "2024-02-01"], dtype=D)
    month_ends = np.array(["2024-01-31", "2024-02-29"], dtype=D)
    assert plan_ends(np.array(["a", "a"]), months, month_ends).tolist() == [False, True]
    later = np.array(["2024-01-01", "2024-02-02"], dtype=D)  # a day without a plan: left
    assert plan_ends(np.array(["a", "a"]), later, month_ends).tolist() == [True, True]


SUBSCRIPTIONS = """account,start,end,mrr,billing
1,2023-01-10,,50,monthly
1,2023-06-01,2023-09-15,20,monthly
2,2023-02-01,2023-11-20,30,monthly
3,2023-03-05,,600,annual
4,2023-04-01,,40,
"""


def _config(folder: Path, subscriptions: str = SUBSCRIPTIONS, **transactions) -> Path:
    (folder / "subscriptions.csv").write_text(subscriptions)
    spec = {
        "path": "subscriptions.csv",
        "columns": {
            "customer_id": "account",
            "timestamp": "start",
            "ended_at": "end",
            "amount": "mrr",
            "billing_period": "billing",
        },
        "recurring": {"every": "month"},
        **transactions,
    }
    raw = {
        "name": "subs",
        "data": {"as_of": "2024-01-31", "transactions": spec},
        "churn": {"definition": "expiry"},
    }
    path = folder / "churn.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def test_the_loader_reads_each_subscription_as_its_payments(tmp_path):
    paid = load_tables(load_config(_config(tmp_path))).transactions
    per = paid.groupby("customer_id").size().to_dict()
    # 1: 13 monthly from 2023-01-10 to 2024-01-10, and 4 of the plan that ended in
    # September; 2: February to November; 3: one annual; 4: blank period = every month
    assert per == {1: 13 + 4, 2: 10, 3: 1, 4: 10}
    three = paid[paid["customer_id"] == 3].iloc[0]
    assert three["amount"] == 600 and str(three["paid_until"].date()) == "2024-03-05"
    assert (paid["paid_until"] > paid["timestamp"]).all()
    assert paid.groupby("customer_id")["timestamp"].is_monotonic_increasing.all()


def test_a_months_payments_ending_within_a_period_of_the_data_end_are_no_early_end(tmp_path):
    """A loyalty programme billed monthly on the 1st was told its purchases ended 30 days
    before its data did, and to set an earlier data.as_of: each payment is a period's
    start, the last up to a period before the end."""
    config = _config(tmp_path)
    raw = yaml.safe_load(config.read_text())
    ended = SUBSCRIPTIONS.replace("1,2023-01-10,,", "1,2023-01-10,2024-01-31,").replace(
        "4,2023-04-01,,", "4,2023-04-01,2023-12-31,"
    )
    (tmp_path / "subscriptions.csv").write_text(
        ended.replace("3,2023-03-05,,", "3,2023-03-05,2024-01-20,")
    )
    for as_of, warned in (("2024-02-09", False), ("2024-03-20", True)):
        raw["data"]["as_of"] = as_of
        config.write_text(yaml.safe_dump(raw, sort_keys=False))
        _, report = validate(load_config(config))
        said = [w.message for w in report.warnings if "before the data's end" in w.message]
        assert bool(said) is warned, (as_of, said)


def test_a_billing_period_that_reads_as_none_is_an_error_naming_file_column_and_rows(
    tmp_path,
):
    broken = SUBSCRIPTIONS.replace("600,annual", "600,every blue moon")
    with pytest.raises(DataError) as raised:
        load_tables(load_config(_config(tmp_path, broken)))
    said = str(raised.value)
    assert "subscriptions.csv" in said and "'billing'" in said
    assert "no billing period in 1 row, e.g. 'every blue moon'" in said


def test_an_end_written_as_a_placeholder_says_to_read_it_as_missing(tmp_path):
    """A contract export's EndDate 'No' for a running contract was told to set a
    date_format, which cannot read it."""
    running = SUBSCRIPTIONS.replace("2023-01-10,,50", "2023-01-10,No,50").replace(
        "2023-03-05,,600", "2023-03-05,No,600"
    )
    with pytest.raises(DataError) as raised:
        load_tables(load_config(_config(tmp_path, running)))
    assert (
        "not a date in 2 rows, e.g. 'No' (missing_values: {end: ['No']} reads such text as no date)"
    ) in str(raised.value)
    read = load_tables(load_config(_config(tmp_path, running, missing_values={"end": ["No"]})))
    assert read.transactions["customer_id"].nunique() == 4


@pytest.mark.parametrize(
    ("column", "unit"),
    [("bill_period_months", "months"), ("BillingPeriodYears", "years"),
     ("period_days_in_month", "days"), ("billing_period", "days"), ("plan_weeks", "weeks"),
     ("annual_terms", "years")],
)  # fmt: skip
def test_a_billing_period_columns_name_says_what_its_numbers_count(column, unit):
    assert unit_named(column) == unit


def test_a_billing_periods_numbers_count_what_its_name_or_the_config_says(tmp_path):
    """fight-churn's `bill_period_months` of 1 had read as 1-day plans, 30 payments a
    month, without a word: numbers count the unit a column's name says, or
    `numbers_count`, else days, and a number under a week read as days is warned about."""
    numbered = SUBSCRIPTIONS.replace("monthly", "1").replace("annual", "12")
    for column, given, per in (
        ("bill_period_months", None, 13 + 4),
        ("billing", "months", 13 + 4),
        ("billing", None, 387 + 106),  # daily: Jan 10 to Jan 31, Jun 1 to Sep 14
    ):
        text = numbered.replace(",billing\n", f",{column}\n")
        config = _config(tmp_path, text, recurring={"every": "month", "numbers_count": given})
        raw = yaml.safe_load(config.read_text())
        raw["data"]["transactions"]["columns"]["billing_period"] = column
        config.write_text(yaml.safe_dump(raw))
        tables, report = validate(load_config(config))
        assert tables is not None
        paid = tables.transactions
        assert (paid["customer_id"] == 1).sum() == per, column
        if per == 13 + 4:
            three = paid[paid["customer_id"] == 3].iloc[0]
            assert str(three["paid_until"].date()) == "2024-03-05"  # 12 months
        warned = [w for w in report.warnings if "under 7, read as that many days" in w.message]
        assert bool(warned) == (given is None and column == "billing")
        if warned:
            assert "set recurring.numbers_count: months" in warned[0].message


def test_a_blank_period_and_an_end_before_the_start_are_warned_about(tmp_path):
    early = SUBSCRIPTIONS.replace("2023-11-20", "2023-01-20")
    tables, report = validate(load_config(_config(tmp_path, early)))
    assert tables is not None
    said = [str(w) for w in report.warnings]
    assert any("billing period blank in 1 row: read as every month" in w for w in said)
    assert any("a subscription ending when or before it starts in 1 row" in w for w in said)
    assert (tables.transactions["customer_id"] == 2).sum() == 0  # no period paid


def test_without_as_of_running_subscriptions_are_paid_to_the_latest_day_and_it_is_said(
    tmp_path,
):
    path = _config(tmp_path)
    raw = yaml.safe_load(path.read_text())
    del raw["data"]["as_of"]
    path.write_text(yaml.safe_dump(raw))
    tables, report = validate(load_config(path))
    assert tables is not None
    assert tables.transactions["timestamp"].max() == pd.Timestamp("2023-06-01")  # the last start
    assert any("set data.as_of to the extract date" in str(w) for w in report.warnings)


@pytest.mark.parametrize(
    ("columns", "said"),
    [
        ({"paid_until": "end"}, "leave paid_until unmapped"),
        ({"order_id": "account"}, "leave order_id unmapped"),
    ],
)
def test_recurring_refuses_columns_its_payments_compute(tmp_path, columns, said):
    path = _config(tmp_path)
    raw = yaml.safe_load(path.read_text())
    raw["data"]["transactions"]["columns"].pop("ended_at")
    raw["data"]["transactions"]["columns"].update(columns)
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ConfigError, match=said):
        load_config(path)


def test_a_subscription_end_without_recurring_says_to_add_it(tmp_path):
    path = _config(tmp_path)
    raw = yaml.safe_load(path.read_text())
    del raw["data"]["transactions"]["recurring"]
    raw["churn"] = {"definition": "inactivity"}
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ConfigError, match=re.escape("add `recurring: {every: month}`")):
        load_config(path)


def test_an_unknown_every_is_a_config_error(tmp_path):
    path = _config(tmp_path)
    raw = yaml.safe_load(path.read_text())
    raw["data"]["transactions"]["recurring"] = {"every": "fortnightish"}
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ConfigError, match="'fortnightish' is no billing period"):
        load_config(path)


CUTOFF = pd.Timestamp("2023-08-31")


@pytest.mark.parametrize(
    "later",
    [
        # a running plan cancelled after the cutoff
        SUBSCRIPTIONS.replace("1,2023-01-10,,50", "1,2023-01-10,2023-10-02,50"),
        # a plan ending after the cutoff ending sooner (still after it)
        SUBSCRIPTIONS.replace("2023-11-20", "2023-09-02"),
        # a new plan started after the cutoff
        SUBSCRIPTIONS + "2,2023-10-01,,90,monthly\n5,2023-12-01,,10,monthly\n",
    ],
)
def test_what_happens_after_the_cutoff_changes_no_feature(tmp_path, later):
    """A plan's end is known on the day it comes: before it, the payments a later end
    leaves out are the same (each paid until its period's end, never cut short)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    before = build_features(load_tables(load_config(_config(tmp_path / "a"))), cutoffs=[CUTOFF])
    after = build_features(
        load_tables(load_config(_config(tmp_path / "b", later))), cutoffs=[CUTOFF]
    )
    after = after[after["customer_id"].isin(before["customer_id"])].reset_index(drop=True)
    pdt.assert_frame_equal(before, after)


def test_the_plans_ends_are_the_cancellations_when_none_are_configured(tmp_path):
    tables = load_tables(load_config(_config(tmp_path)))
    left = tables.cancellations
    # 1's September end is covered by its running plan; 2's November end leaves nothing
    assert left["customer_id"].tolist() == [2]
    assert left["timestamp"].dt.date.astype(str).tolist() == ["2023-11-20"]


def test_a_cancellation_model_needs_no_cancellations_table_beside_plan_ends(tmp_path):
    path = _config(tmp_path)
    raw = yaml.safe_load(path.read_text())
    raw["churn"] = {"definition": "cancellation"}
    path.write_text(yaml.safe_dump(raw))
    assert load_config(path).data.plan_ends_cancel
    del raw["data"]["transactions"]["columns"]["ended_at"]
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ConfigError, match=re.escape("or `data.transactions.columns.ended_at`")):
        load_config(path)


def test_a_free_plan_is_a_paid_period_not_an_ignored_purchase(tmp_path):
    """RavenStack's 778 trials (MRR 0) had been dropped as free items, so a trial that
    converted read as a new payer."""
    trial = SUBSCRIPTIONS + "6,2023-10-01,2023-10-15,0,weekly\n6,2023-10-15,,70,monthly\n"
    tables, report = validate(load_config(_config(tmp_path, trial)))
    assert tables is not None
    six = tables.transactions[tables.transactions["customer_id"] == 6]
    assert six["amount"].tolist()[:2] == [0.0, 0.0]  # two free weeks, then paid months
    assert not [w for w in report.warnings if "amount of 0" in str(w)]
    assert 6 not in tables.cancellations["customer_id"].tolist()  # converted, no leaving


def test_a_plan_left_out_for_a_blank_fee_names_the_customers_it_leaves_with_none(tmp_path):
    """A pet insurer's policy running since 2010, its fee blank, was neither scored nor
    counted as not scored, and the warning said only "those rows are ignored"."""
    others = "".join(f"{10 + i},2023-05-01,,25,monthly\n" for i in range(60))
    blank = SUBSCRIPTIONS + others + "7,2023-05-01,,,monthly\n1,2023-07-01,,,monthly\n"
    tables, report = validate(load_config(_config(tmp_path, blank)))
    assert tables is not None
    (said,) = [w for w in report.warnings if "amounts missing" in w.message]
    assert said.message == (
        "3.0% of amounts missing (2 rows); each is a plan and all its payments: 1 customer "
        "(7) has no other and is left out; those rows are ignored"
    )
    assert 7 not in set(tables.transactions["customer_id"]) and 1 in set(
        tables.transactions["customer_id"]
    )


def test_an_end_of_9999_is_no_end_said_as_a_placeholder(tmp_path):
    placeholder = SUBSCRIPTIONS.replace("3,2023-03-05,,600", "3,2023-03-05,9999-12-31,600")
    tables, report = validate(load_config(_config(tmp_path, placeholder)))
    assert tables is not None
    said = [str(w) for w in report.warnings]
    assert any(
        "dates after 2261 (a placeholder for no end?) read as blank in 1 row" in w for w in said
    )
    three = tables.transactions[tables.transactions["customer_id"] == 3]
    assert len(three) == 1  # the annual plan, running


def test_validate_says_the_plans_were_read_as_payments_and_their_ends_as_cancellations(tmp_path):
    _, report = validate(load_config(_config(tmp_path)))
    by_name = {summary.name: summary for summary in report.tables}
    assert by_name["transactions"].read_as == "5 plans as their payments"
    assert by_name["transactions"].rows == 13 + 4 + 10 + 1 + 10
    assert by_name["cancellations"].derived_from == ("the plans' ends",)
    assert by_name["cancellations"].rows == 1


def test_plans_closed_together_are_one_leaving(tmp_path):
    together = (
        SUBSCRIPTIONS + "7,2023-02-01,2023-12-01,5,monthly\n7,2023-03-01,2023-12-01,9,monthly\n"
    )
    left = load_tables(load_config(_config(tmp_path, together))).cancellations
    assert (left["customer_id"] == 7).sum() == 1


def test_cancellations_read_from_the_plans_own_end_dates_are_warned_about(tmp_path):
    """The pitfall: every plan's end a cancellation, a trial's beside running plans too."""
    path = _config(tmp_path)
    raw = yaml.safe_load(path.read_text())
    raw["data"]["cancellations"] = {
        "path": "subscriptions.csv",
        "columns": {"customer_id": "account", "timestamp": "end"},
    }
    path.write_text(yaml.safe_dump(raw))
    _, report = validate(load_config(path))
    said = " ".join(str(w) for w in report.warnings)
    assert "the cancellations table reads this file's end dates, so every plan's end" in said


def test_a_paid_until_of_9999_is_still_an_error_not_a_blank(tmp_path):
    """Blank, a paid_until pays for as long as the previous period: a lifetime member
    of a payment log would read as a churner, so only a plan's end reads 9999 as none."""
    (tmp_path / "payments.csv").write_text(
        "account,paid,until,fee\n1,2023-01-01,2023-02-01,10\n1,2023-02-01,9999-12-31,500\n"
    )
    raw = {
        "name": "lifetime",
        "data": {
            "as_of": "2024-01-31",
            "transactions": {
                "path": "payments.csv",
                "columns": {
                    "customer_id": "account",
                    "timestamp": "paid",
                    "paid_until": "until",
                    "amount": "fee",
                },
            },
        },
        "churn": {"definition": "expiry"},
    }
    path = tmp_path / "churn.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(DataError, match="dates outside the years 1678-2261"):
        load_tables(load_config(path))


def _plans_and_use(folder: Path, *, used_after_days: int, as_of: str | None = None) -> Path:
    """20 accounts, each one monthly plan from January to its end in March, and daily use
    until `used_after_days` after that end."""
    plans, use = [], []
    for account in range(1, 21):
        plans.append((account, "2024-01-05", "2024-03-05", 10))
        for day in pd.date_range(
            "2024-01-05", pd.Timestamp("2024-03-05") + pd.Timedelta(days=used_after_days)
        ):
            use.append((account, str(day.date()), "login"))
    pd.DataFrame(plans, columns=["account", "start", "end", "mrr"]).to_csv(
        folder / "plans.csv", index=False
    )
    pd.DataFrame(use, columns=["account", "at", "kind"]).to_csv(folder / "use.csv", index=False)
    columns = {"customer_id": "account", "timestamp": "start", "ended_at": "end", "amount": "mrr"}
    data = {
        "transactions": {"path": "plans.csv", "columns": columns, "recurring": {"every": "month"}},
        "events": {
            "path": "use.csv",
            "columns": {"customer_id": "account", "timestamp": "at", "type": "kind"},
        },
    }
    if as_of is not None:
        data["as_of"] = as_of
    path = folder / "churn.yaml"
    path.write_text(
        yaml.safe_dump({"name": "subs", "data": data, "churn": {"definition": "cancellation"}})
    )
    return path


def test_most_accounts_using_the_product_long_after_their_plan_ended_is_warned_about(tmp_path):
    """An end column holding the next renewal date reads every account as gone while its
    usage goes on: said, with one of them; use ending within a week of the end is not."""
    _, report = validate(load_config(_plans_and_use(tmp_path, used_after_days=30)))
    (said,) = [w for w in report.warnings if "used the product more than" in w.message]
    assert said.table == "transactions" and said.rows == 20
    assert said.message.startswith(
        "20 of the 20 customers whose plans ended used the product more than 7 days after "
        "(customer 1: plan ended 2024-03-05, last use 2024-04-04): if these are the ends of "
        "periods still running"
    )
    _, report = validate(load_config(_plans_and_use(tmp_path, used_after_days=5)))
    assert not [w for w in report.warnings if "used the product more than" in w.message]
