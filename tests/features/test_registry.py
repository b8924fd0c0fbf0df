"""Declarations: every feature declared once, traced to a mechanism, with a usable reason."""

import math

import numpy as np
import pandas as pd
import pytest

from features import bgnbd, recency, trends
from features.attributes import FAMILY as ATTRIBUTES
from features.attributes import spoken_name
from features.build import build
from features.context import prepare
from features.registry import (
    FeatureSpec,
    Mechanism,
    probability_text,
    retired_in,
    window_days,
)
from features.tables import Tables
from tests.frames import random_tables


@pytest.fixture(scope="module")
def built():
    return build(random_tables(7), cutoffs="2024-03-31")


def test_every_feature_names_a_mechanism_and_a_description(built):
    for spec in built.specs:
        assert isinstance(spec.mechanism, Mechanism)
        assert spec.description.strip(), spec.name
        assert spec.family, spec.name


def test_reason_templates_only_read_declared_features(built):
    """Every feature about the customer reads as a reason; the cutoff's month, the same
    for everyone scored at once, is the one that never does."""
    names = set(built.names)
    for spec in built.specs:
        if spec.mechanism is Mechanism.SEASONALITY:
            assert spec.reason is None, spec.name
            continue
        assert spec.reason, f"{spec.name} has no reason template"
        assert set(spec.placeholders()) <= names, spec.name


def test_reasons_render_from_the_customers_own_values(built):
    rendered = 0
    for _, values in built.frame.head(20).iterrows():
        for spec in built.specs:
            text = spec.render(values.to_dict())
            if text is not None:
                rendered += 1
                assert "{" not in text and "nan" not in text.lower()
    assert rendered > 100


def test_a_template_without_placeholders_renders_as_written():
    spec = FeatureSpec("x", "float", Mechanism.RECENCY, "d", "a plain sentence")
    assert spec.render_many({"x": [1.0, 2.0]}, 2) == ["a plain sentence"] * 2


def test_render_returns_none_when_a_value_is_missing():
    spec = FeatureSpec("x", "float", Mechanism.RECENCY, "d", "x is {x:.0f} and y {y:.1f}")
    assert spec.render({"x": 3.0, "y": math.nan}) is None
    assert spec.render({"x": 3.0, "y": 2.0}) == "x is 3 and y 2.0"
    assert spec.render({"x": pd.NA, "y": 2.0}) is None


def test_a_missing_value_that_means_something_reads_in_plain_words():
    """Missing last-purchase days means no purchase before the cutoff: said so, with no
    number; a missing value of another placeholder still renders nothing."""
    spec = FeatureSpec(
        "days_since_last_purchase",
        "float",
        Mechanism.RECENCY,
        "d",
        "no purchase for {days_since_last_purchase:.0f} days ({x:.0f})",
        reason_missing="no purchase yet",
    )
    columns = {"days_since_last_purchase": [np.nan, 12.0, 5.0], "x": [1.0, np.nan, 2.0]}
    assert spec.render_many(columns, 3) == ["no purchase yet", None, "no purchase for 5 days (2)"]


def test_every_missing_reason_is_plain_text(built):
    missing = [s for s in built.specs if s.reason_missing]
    assert {"days_since_last_purchase", "days_since_last_negative_interaction"} <= {
        s.name for s in missing
    }
    assert not any("{" in s.reason_missing for s in missing)  # nothing filled from data


def test_change_conversion_reads_up_and_down():
    spec = FeatureSpec("t", "float", Mechanism.PARTIAL_DEFECTION, "d", "spend {t!c:.0%}")
    assert spec.render({"t": -0.62}) == "spend down 62%"
    assert spec.render({"t": 0.4}) == "spend up 40%"


def test_ratio_conversion_reads_times_or_a_share():
    """3.1× their usual gap; below 1, where 0.0× would say nothing, a share of it."""
    spec = FeatureSpec("r", "float", Mechanism.RECENCY, "d", "{r!x} their usual gap")
    assert spec.render({"r": 3.14}) == "3.1× their usual gap"
    assert spec.render({"r": 1.0}) == "1.0× their usual gap"
    assert spec.render({"r": 0.011}) == "1% of their usual gap"
    assert spec.render({"r": math.nan}) is None


def test_a_counts_change_reads_more_or_fewer_than_before():
    """ "bought from 2 categories in the last 180 days, 1 fewer than the half-year before",
    not "-1 versus", which read as a percentage."""
    spec = next(s for s in trends.CATEGORY_SPECS if s.name == "category_breadth_change_180d")
    text = "bought from {} categor{} in the last 180 days, {} the half-year before"
    values = {"category_breadth_180d": 2.0, "category_breadth_change_180d": -1.0}
    assert spec.render(values) == text.format(2, "ies", "1 fewer than")
    values = {"category_breadth_180d": 1.0, "category_breadth_change_180d": 3.0}
    assert spec.render(values) == text.format(1, "y", "3 more than")
    values = {"category_breadth_180d": 4.0, "category_breadth_change_180d": 0.0}
    assert spec.render(values) == text.format(4, "ies", "as many as")


def test_share_conversion_reads_all_and_none_at_its_ends():
    spec = FeatureSpec("s", "float", Mechanism.RECENCY, "d", "longer than {s!a:.0%} of gaps")
    assert spec.render({"s": 1.0}) == "longer than all of gaps"
    assert spec.render({"s": 0.0}) == "longer than none of gaps"
    assert spec.render({"s": 0.61}) == "longer than 61% of gaps"
    # 210 of 211 gaps had read "100%": a share short of an end shows the places it needs
    assert spec.render({"s": 210 / 211}) == "longer than 99.5% of gaps"
    assert spec.render({"s": 1 / 400}) == "longer than 0.2% of gaps"
    assert spec.render({"s": 0.99999}) == "longer than over 99.99% of gaps"


def test_end_conversion_reads_ends_in_or_ended_ago():
    spec = FeatureSpec("d", "float", Mechanism.RELATIONSHIP, "d", "membership {d!e:.0f}")
    assert spec.render({"d": 12.0}) == "membership ends in 12 days"
    assert spec.render({"d": 1.0}) == "membership ends in 1 day"
    assert spec.render({"d": 0.0}) == "membership ends today"
    assert spec.render({"d": -5.0}) == "membership ended 5 days ago"


def test_yearly_conversion_reads_the_nearer_return():
    """Past half a year the return just gone is the nearer: "30 days ago", not "in 335"."""
    spec = FeatureSpec("d", "float", Mechanism.RELATIONSHIP, "d", "anniversary {d!w:.0f}")
    said = {d: spec.render({"d": d}) for d in (0.0, 1.0, 182.0, 183.0, 335.0, 364.0, 365.0)}
    assert said == {
        0.0: "anniversary today",
        1.0: "anniversary in 1 day",
        182.0: "anniversary in 182 days",
        183.0: "anniversary 182 days ago",
        335.0: "anniversary 30 days ago",
        364.0: "anniversary 1 day ago",
        365.0: "anniversary 1 day ago",  # a 366-day year: the last one was yesterday
    }


@pytest.mark.parametrize(
    ("days", "term"),
    [
        (7, "weekly"),
        (28, "monthly"),
        (31, "monthly"),
        (91, "quarterly"),
        (182, "half-yearly"),
        (362, "annual"),
        (365, "annual"),
        (366, "annual"),
        (731, "two-year"),
        (14, "14-day"),
    ],
)
def test_a_plan_length_reads_as_its_term_whatever_the_month_or_leap_year(days, term):
    """ "on a 366-day plan" beside "on a 365-day plan": a billing team says "annual"."""
    spec = FeatureSpec("p", "float", Mechanism.RELATIONSHIP, "p", "{p!t} plan")
    assert spec.render({"p": float(days)}) == f"{term} plan"


def test_a_numeric_attribute_holding_only_0_and_1_reads_yes_or_no():
    """'SeniorCitizen: yes', not 'SeniorCitizen 1'; other numbers stay numbers."""
    flags = _attribute_specs(pd.DataFrame({"customer_id": [1, 2, 3], "senior": [0, 1, None]}))
    assert flags["senior"].render({"senior": 1.0}) == "senior: yes"
    assert flags["senior"].render({"senior": 0.0}) == "senior: no"
    seats = _attribute_specs(pd.DataFrame({"customer_id": [1, 2, 3], "senior": [0, 1, 12]}))
    assert seats["senior"].render({"senior": 12.0}) == "senior 12"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (15000.0, "15,000"),
        (-12345.0, "-12,345"),
        (1234.567, "1,234.57"),
        (118393.47, "118,393.47"),  # a bank balance as written, not "118,393.5"
        (9005.96, "9,005.96"),
        (1234.6, "1,234.6"),
        (897.96, "897.96"),  # an insurer's last premium, not "898"
        (28.0, "28"),
        (3.14159, "3.142"),
        (-0.5, "-0.5"),
        (0.00001234, "0.00001234"),
    ],
)
def test_a_numeric_attribute_shows_the_customers_number_never_in_exponent_form(value, shown):
    """A telecom extract's 15,000 equipment days read "1.5e+04" with `.4g`."""
    spec = _attribute_specs(pd.DataFrame({"customer_id": [1, 2], "senior": [0, 7]}))["senior"]
    assert spec.render({"senior": value}) == f"senior {shown}"


def test_a_year_attribute_reads_as_a_calendar_writes_it():
    """A hotel's `arrival_date_year` read "2,015" in 1,645 reasons; a count of years, or a
    year-named number outside 1900-2100, keeps its separator."""
    customers = pd.DataFrame(
        {
            "customer_id": [1, 2, 3],
            "senior": [0, 7, 1],
            "arrival_date_year": [2015, 2016, None],
            "model_yr": [1999, 2024, 2010],
            "years_as_customer": [1, 40, 3],
            "year_revenue": [1500, 20000, 3000],
        }
    )
    kinds = dict.fromkeys(["arrival_date_year", "model_yr", "years_as_customer"], "numeric")
    specs = _attribute_specs(customers, **kinds, year_revenue="numeric")
    assert specs["arrival_date_year"].render({"arrival_date_year": 2015.0}) == (
        "arrival date year 2015"
    )
    assert specs["model_yr"].render({"model_yr": 1999.0}) == "model yr 1999"
    assert specs["year_revenue"].render({"year_revenue": 2015.0}) == "year revenue 2,015"
    assert not specs["arrival_date_year"].reason_typical  # years lie within 10% of it


def test_an_attribute_name_reads_with_its_underscores_as_spaces():
    """Sparkify's `GET_200_count` and `non_song_interaction_rate` read as column names to a
    retention agent: a reason says "GET 200 count 53", a blank "non song interaction rate:
    not recorded"; names with spaces or capitals read as the data write them (IBM Telco's
    `Referred a Friend`, `MonthlyCharges`), and a header's surrounding blanks go."""
    customers = pd.DataFrame(
        {
            "customer_id": [1, 2],
            "senior": [0, 7],
            "GET_200_count": [53, 87],
            "non_song_interaction_rate": [2.8, 3.4],
            "Referred a Friend": ["Yes", "No"],
            "MonthlyCharges": [95.2, 70.35],
            " Tenureinmonths  ": [9, 12],
        }
    )
    kinds = {
        "GET_200_count": "numeric",
        "non_song_interaction_rate": "numeric",
        "Referred a Friend": "categorical",
        "MonthlyCharges": "numeric",
        " Tenureinmonths  ": "numeric",
    }
    specs = _attribute_specs(customers, **kinds)
    assert specs["GET_200_count"].render({"GET_200_count": 53.0}) == "GET 200 count 53"
    rate = specs["non_song_interaction_rate"]
    assert rate.render({"non_song_interaction_rate": 2.8}) == "non song interaction rate 2.8"
    assert rate.reason_missing == "non song interaction rate: not recorded"
    friend = specs["Referred a Friend"].render({"Referred a Friend": "Yes"})
    assert friend == "Referred a Friend: Yes"
    assert specs["MonthlyCharges"].render({"MonthlyCharges": 95.2}) == "monthly charges 95.2"
    assert specs[" Tenureinmonths  "].render({" Tenureinmonths  ": 9.0}) == "Tenureinmonths 9"


@pytest.mark.parametrize(
    ("column", "spoken"),
    [
        ("OverageMinutes", "overage minutes"),  # Cell2Cell
        ("AgeHH1", "age HH1"),
        ("HTTPStatus", "HTTP status"),
        ("Num_OfProducts", "Num of products"),
        ("iPhone", "iPhone"),
        ("tenure", "tenure"),
        ("Referred a Friend", "Referred a Friend"),
        ("average_monthly_balance_prevQ", "average monthly balance prev Q"),  # as prevQ2 reads
        ("average_monthly_balance_prevQ2", "average monthly balance prev Q2"),
        ("ReferredAFriend", "referred a friend"),  # an article, not a period
    ],
)
def test_a_camel_case_attribute_name_reads_as_its_words(column, spoken):
    """Cell2Cell's reasons read "OverageMinutes 144 (typical 3)" to a retention agent."""
    assert spoken_name(column) == spoken


def test_an_attribute_reads_as_the_words_the_config_gives_it():
    """`customers.attribute_words`: not "Total_Trans_Ct 20"."""
    customers = pd.DataFrame({"customer_id": [1, 2], "senior": [0, 7]})
    words = {"senior": "transactions in the last 12 months"}
    tables = Tables(customers=customers, attributes={"senior": "numeric"}, attribute_words=words)
    (spec,) = ATTRIBUTES.specs(prepare(tables, last_cutoff_day=0))
    assert spec.render({"senior": 20.0}) == "transactions in the last 12 months: 20"


@pytest.mark.parametrize("name", ["metadata.industry", "usage[mb]", "plan {tier}", "Q1: rating!"])
def test_an_attribute_named_with_format_characters_renders(name):
    """A Stripe export's `metadata.industry` read as the attribute `industry` of a
    value `metadata`: every `churn score` of such a model failed with KeyError."""
    customers = pd.DataFrame({"customer_id": [1, 2], name: ["saas", "retail"]})
    tables = Tables(customers=customers, attributes={name: "categorical"})
    (spec,) = ATTRIBUTES.specs(prepare(tables, last_cutoff_day=0))
    assert spec.render({name: "saas"}) == f"{name}: saas"


def test_a_flag_reads_yes_as_the_datas_own_yes_no_columns_write_it():
    """A telecom extract's 0/1 RetentionOffersAccepted read "yes" beside
    HandsetWebCapable's "Yes" in the same worklist."""
    customers = pd.DataFrame(
        {"customer_id": [1, 2, 3], "senior": [0, 1, 0], "web": ["Yes", "No", "Yes"]}
    )
    specs = _attribute_specs(customers, web="categorical")
    assert specs["senior"].render({"senior": 1.0}) == "senior: Yes"
    assert specs["senior"].render({"senior": 0.0}) == "senior: No"
    assert specs["web"].render({"web": "Yes"}) == "web: Yes"
    lower = customers.assign(web=["yes", "no", "yes"])
    assert _attribute_specs(lower, web="categorical")["senior"].render({"senior": 1.0}) == (
        "senior: yes"
    )


def _attribute_specs(customers: pd.DataFrame, **kinds: str) -> dict[str, FeatureSpec]:
    tables = Tables(customers=customers, attributes={"senior": "numeric", **kinds})
    context = prepare(tables, last_cutoff_day=0)
    return {spec.name: spec for spec in ATTRIBUTES.specs(context)}


def test_a_count_of_one_reads_in_the_singular():
    spec = FeatureSpec(
        "orders_90d",
        "float",
        Mechanism.FREQUENCY_MONETARY,
        "Purchases.",
        "{orders_90d:.0f} purchases in the last 90 days",
        reason_one="{orders_90d:.0f} purchase in the last 90 days",
    )
    assert spec.render({"orders_90d": 1.0}) == "1 purchase in the last 90 days"
    assert spec.render({"orders_90d": 2.0}) == "2 purchases in the last 90 days"
    assert spec.render_many({"orders_90d": np.array([1.0, 0.0, np.nan])}, 3) == [
        "1 purchase in the last 90 days",
        "no purchase in the last 90 days",
        None,
    ]


def test_a_count_of_none_reads_as_none_but_a_time_or_score_of_zero_stays():
    spec = FeatureSpec(
        "c", "float", Mechanism.SERVICE, "d", "{c:.0f} complaints in the last {c:.0f} days"
    )
    assert spec.render({"c": 0.0}) == "no complaint in the last 0 days"
    spec = FeatureSpec("b", "float", Mechanism.RELATIONSHIP, "d", "bought from {b:.0f} categories")
    assert spec.render({"b": 0.0}) == "bought from no category"
    assert spec.render({"b": 10.0}) == "bought from 10 categories"


def test_a_singular_reason_must_fill_the_same_values():
    with pytest.raises(ValueError, match="same values"):
        FeatureSpec("x", "float", Mechanism.RECENCY, "x", "{x:.0f} days", reason_one="{y} day")


def test_a_negative_number_shown_as_zero_reads_without_its_sign():
    """A satisfaction of -0.02 at one decimal is "0.0", not "-0.0"; -0.05 stays."""
    spec = FeatureSpec(
        "satisfaction_last", "float", Mechanism.SERVICE, "x", "last score {satisfaction_last:.1f}"
    )
    assert spec.render({"satisfaction_last": -0.02}) == "last score 0.0"
    assert spec.render({"satisfaction_last": -0.06}) == "last score -0.1"


def test_a_change_that_rounds_to_nothing_reads_unchanged():
    spec = FeatureSpec("t", "float", Mechanism.ENGAGEMENT, "x", "use {t!c:.0%} versus before")
    assert spec.render({"t": 0.0}) == "use unchanged versus before"
    assert spec.render({"t": -0.004}) == "use unchanged versus before"
    assert spec.render({"t": -0.62}) == "use down 62% versus before"


@pytest.mark.parametrize(
    ("value", "spec", "shown"),
    [
        (0.004, ".0%", "under 1%"),
        (0.0, ".0%", "0%"),
        (0.9973, ".0%", "over 99%"),
        (1.0, ".0%", "100%"),
        (0.42, ".0%", "42%"),
        (0.0004, ".1%", "under 0.1%"),
    ],
)
def test_a_probability_never_reads_as_a_certainty_it_is_not(value, spec, shown):
    """CDNOW: "0% likely to still be an active buyer" of a 0.004, and a worklist's "100%"
    risk of a 0.9973."""
    assert probability_text(value, spec) == shown
    alive = FeatureSpec("p", "float", Mechanism.RECENCY, "d", f"{{p!p:{spec}}} likely")
    assert alive.render({"p": value}) == f"{shown} likely"


def test_a_fuller_reason_where_every_value_it_reads_is_known():
    """The days alone where there is no buying rhythm yet; with one, the headline."""
    (days,) = [spec for spec in recency.SPECS if spec.name == "days_since_last_purchase"]
    rows = {"days_since_last_purchase": [128.0, 40.0, 1.0], "overdue_ratio": [16.0, np.nan, 0.5]}
    assert days.render_many(rows, 3) == [
        "no purchase for 128 days, 16.0× their usual gap",
        "no purchase for 40 days",
        "no purchase for 1 day, 50% of their usual gap",
    ]
    assert days.placeholders() == ["days_since_last_purchase", "overdue_ratio"]


def test_a_zero_that_reads_oddly_in_the_template_has_words_of_its_own():
    """CDNOW: "bought from 0 categories in the last 90 days"."""
    (breadth,) = [spec for spec in trends.CATEGORY_SPECS if spec.name == "category_breadth_90d"]
    rows = {"category_breadth_90d": [0.0, 3.0, np.nan]}
    assert breadth.render_many(rows, 3) == [
        "bought from no category in the last 90 days",
        "bought from 3 categories in the last 90 days",
        None,
    ]


def test_bgnbd_certainty_without_a_repeat_purchase_says_where_it_comes_from():
    """'in their favour: 100% likely to still be an active buyer' of a one-time buyer who
    spent nothing in 90 days: BG/NBD's P(alive) is 1 whenever there is no repeat."""
    (alive,) = [spec for spec in bgnbd.SPECS if spec.name == "p_alive_bgnbd"]
    assert alive.render({"p_alive_bgnbd": 1.0}) == (
        "no repeat purchase yet, which BG/NBD reads as 100% likely to still be an active buyer"
    )
    assert alive.render({"p_alive_bgnbd": 0.004}) == (
        "under 1% likely to still be an active buyer (BG/NBD)"
    )


@pytest.mark.parametrize(
    ("name", "days"),
    [
        ("spend_30d", 30),
        ("spend_trend_180d_vs_prev", 180),
        ("purchase_pace_3m_vs_history", 93),  # 3 calendar months at their longest
        ("days_since_last_purchase", None),
    ],
)
def test_window_days_of_a_name(name, days):
    assert window_days(name) == days


def test_a_model_reading_a_replaced_feature_is_for_retraining():
    assert retired_in(["spend_90d", "purchase_pace_3m_vs_history"]) is None
    said = retired_in(["spend_90d", "purchase_pace_90d_vs_lifetime"])
    assert said == (
        "it reads features this version of Churn Radar replaced: "
        "purchase_pace_90d_vs_lifetime (now purchase_pace_3m_vs_history); "
        "retrain (churn train) and promote the new run"
    )
