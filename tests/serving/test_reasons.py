"""Reasons: grouping of one source's columns, ranking, templates filled with own values."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
import xgboost as xgb

from churn.contributions import crossings_of, directions_of, group_contributions
from features import lifecycle, monetary, recency, trends, usage
from features.attributes import attribute_spec
from features.registry import FeatureSpec, Mechanism, safer_when
from serving.reasons import BEFORE_THE_LAST, Explainer, explain, pick, population_means
from serving.schemas import ReasonOut
from training.package import twin_attributes

RECENCY = FeatureSpec(
    "days_since_last_purchase",
    "float",
    Mechanism.RECENCY,
    "Days since the last purchase.",
    "no purchase for {days_since_last_purchase:.0f} days",
)
TREND = FeatureSpec(
    "spend_trend_90d_vs_prev",
    "float",
    Mechanism.PARTIAL_DEFECTION,
    "Spend change.",
    "spend {spend_trend_90d_vs_prev!c:.0%} versus the previous quarter",
)
CONTRACT = FeatureSpec(
    "contract", "category", Mechanism.RELATIONSHIP, "Contract type.", "contract: {contract}"
)
TENURE = FeatureSpec("tenure_days", "float", Mechanism.LIFECYCLE, "Tenure.", None)
SPECS = [RECENCY, TREND, CONTRACT, TENURE]


def _features() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [1, 2],
            "days_since_last_purchase": [94.0, np.nan],
            "spend_trend_90d_vs_prev": [-0.62, 0.10],
            "contract": ["month", "year"],
            "tenure_days": [400.0, 800.0],
        }
    )


# model columns: recency, trend, two one-hot columns of `contract`, tenure, bias
COLUMNS = [
    "days_since_last_purchase",
    "spend_trend_90d_vs_prev",
    "c_month",
    "c_year",
    "tenure_days",
]
ONE_HOT = {"c_month": "contract", "c_year": "contract"}
CONTRIBUTIONS = np.array(
    [
        [0.9, 0.5, 0.3, 0.2, -0.4, -1.0],
        [0.8, -0.1, -0.2, -0.3, 0.05, -1.0],
    ]
)


TYPICAL = {"days_since_last_purchase": 30.0, "overdue_ratio": 1.0, "tenure_days": 600.0}
"""The training medians a model keeps (`pivots`): the posted rows' own means would put a
lone known value on the typical customer's, where no reason claims a side."""


def _explain(**kwargs):
    features = _features()
    kwargs.setdefault("pivots", TYPICAL)
    return explain(
        features,
        CONTRIBUTIONS,
        specs=SPECS,
        columns=COLUMNS,
        source_of=ONE_HOT,
        means=population_means(features, SPECS),
        **kwargs,
    )


def test_one_hot_columns_of_one_attribute_become_one_source():
    grouped = group_contributions(CONTRIBUTIONS, COLUMNS, ONE_HOT)
    assert grouped.sources == [
        "days_since_last_purchase",
        "spend_trend_90d_vs_prev",
        "contract",
        "tenure_days",
    ]
    np.testing.assert_allclose(grouped.values[:, 2], [0.5, -0.5])
    np.testing.assert_allclose(grouped.bias, [-1.0, -1.0])
    np.testing.assert_allclose(grouped.values.sum(axis=1) + grouped.bias, CONTRIBUTIONS.sum(axis=1))


def test_grouped_attribute_is_one_reason_with_its_summed_contribution():
    first, second = _explain()
    contract = [r for r in first if r.feature == "contract"]
    assert len(contract) == 1
    assert contract[0].contribution == pytest.approx(0.5)
    assert contract[0].text == "contract: month"
    assert contract[0].population_mean is None  # a category has no mean
    assert [r.feature for r in second if r.feature == "contract"] == ["contract"]
    assert next(r for r in second if r.feature == "contract").direction == "lowers"


def test_a_level_the_model_never_trained_on_says_it_was_read_as_unknown():
    """A holdout writing '2 - High' for the trained '2-High': the model read a blank,
    and 'credit rating: 2 - High' raising the risk read as a judgement of the rating."""
    first, second = _explain(levels={"contract": ["year", "two_year"]})
    (unseen,) = [r for r in first if r.feature == "contract"]
    assert unseen.text == "contract: month (a level the model never trained on: read as unknown)"
    assert unseen.value == "month"
    assert next(r for r in second if r.feature == "contract").text == "contract: year"
    # the model reads 'YEAR ' as its level 'year' (case and space folded): no flag
    first, _ = _explain(levels={"contract": ["MONTH ", "year"]})
    assert next(r for r in first if r.feature == "contract").text == "contract: month"
    # where training's rarer levels were left out, the level may be one of them
    first, _ = _explain(levels={"contract": ["year", "two_year"]}, capped={"contract"})
    (unseen,) = [r for r in first if r.feature == "contract"]
    assert unseen.text == (
        "contract: month (a level the model does not know, new or too rare in training to "
        "keep: read as unknown)"
    )


def test_a_level_read_with_the_rarer_ones_is_their_fact_and_only_where_they_back_it():
    """Cell2Cell's model kept 100 of its service areas: "service area: NEVLMS619 (a level
    the model does not know, new or too rare in training to keep: read as unknown)" raised
    the risk of 1,720 of 10,210 holdout customers, a fact about the model, where the 573
    rarer areas churned at 30.7% against 28.0% in training (no side) and like the rest on
    the holdout. It names the group the model read it with, where that group's side backs
    it; else the next reason takes its place. A model packaged before says what it did."""
    area = attribute_spec("ServiceArea", "categorical")
    tenure = attribute_spec("tenure", "numeric")
    rarer = {"levels": 573, "churn": 0.45, "rest": 0.28, "side": 1}
    explainer = Explainer(
        specs=[area, tenure],
        columns=["ServiceArea", "tenure"],
        source_of={},
        directions={},
        pivots={"tenure": 30.0},
        levels={"ServiceArea": ["NYCBRO917", "HOUHOU281"]},
        capped={"ServiceArea"},
        rarer={"ServiceArea": rarer},
    )
    features = pd.DataFrame(
        {"ServiceArea": ["NEVLMS619", "NEVLMS619", "NYCBRO917"], "tenure": [5.0, 5.0, 5.0]}
    )
    contributions = np.array([[0.6, 0.3, 0.0], [-0.6, 0.3, 0.0], [0.6, 0.3, 0.0]])
    told = [[r.text for r in row] for row in explainer.explain(features, contributions, {})]
    assert told == [
        [
            "service area: NEVLMS619 (read with the 573 rarer levels, whose customers churned "
            "at 45.0% in training against 28.0% for the rest)",
            "tenure 5 (typical 30)",
        ],
        ["tenure 5 (typical 30)"],  # in their favour, where the rarer levels churn more
        ["service area: NYCBRO917", "tenure 5 (typical 30)"],
    ]
    alike = dataclasses.replace(explainer, rarer={"ServiceArea": {**rarer, "side": 0}})
    told = [[r.text for r in row] for row in alike.explain(features, contributions, {})]
    assert told[:2] == [["tenure 5 (typical 30)"], ["tenure 5 (typical 30)"]]
    older = dataclasses.replace(explainer, rarer={})
    assert older.explain(features, contributions, {})[1][-1].text == (
        "service area: NEVLMS619 (a level the model does not know, new or too rare in "
        "training to keep: read as unknown)"
    )


def test_a_derived_level_the_model_never_trained_on_is_no_reason():
    """CDNOW's "long-term customer", a stage no training cutoff held, raised the risk of
    320 customers as a blank would: nothing about them. An attribute's stays, flagged."""
    stage = FeatureSpec(
        "lifecycle_stage", "category", Mechanism.LIFECYCLE, "Stage.", "{lifecycle_stage} customer"
    ).renamed(family="lifecycle")
    features = pd.DataFrame({"lifecycle_stage": ["long-term", "lapsed"]})
    (long_term, lapsed) = explain(
        features,
        np.array([[0.6, -1.0], [0.6, -1.0]]),
        specs=[stage],
        columns=["lifecycle_stage"],
        source_of={},
        means={},
        levels={"lifecycle_stage": ["first-time", "lapsed"]},
    )
    assert long_term == [] and [r.text for r in lapsed] == ["lapsed customer"]


def test_a_contribution_too_small_to_move_the_score_is_no_reason():
    """'Occupation: Other' was named 1,168 times on a telecom snapshot at a median of
    0.009 in log-odds: nothing about the customer."""
    tiny = CONTRIBUTIONS.copy()
    tiny[0, :5] = [0.9, 0.015, 0.005, 0.0, -0.01]
    (first, _) = explain(
        _features(),
        tiny,
        specs=SPECS,
        columns=COLUMNS,
        source_of=ONE_HOT,
        means=population_means(_features(), SPECS),
        pivots=TYPICAL,
    )
    assert [r.feature for r in first] == ["days_since_last_purchase"]


def test_top_three_raising_then_the_strongest_lowering():
    first, second = _explain()
    assert [(r.feature, r.direction) for r in first] == [
        ("days_since_last_purchase", "raises"),
        ("spend_trend_90d_vs_prev", "raises"),
        ("contract", "raises"),
        ("tenure_days", "lowers"),
    ]
    # only two positive contributions, one of a missing value that says nothing: no
    # padding with zero or negative ones
    assert [(r.feature, r.direction) for r in second] == [
        ("tenure_days", "raises"),
        ("contract", "lowers"),
    ]


def test_templates_are_filled_with_the_customers_own_values():
    first, _ = _explain()
    by_feature = {r.feature: r for r in first}
    assert by_feature["days_since_last_purchase"].text == "no purchase for 94 days"
    assert by_feature["days_since_last_purchase"].value == 94.0
    assert (
        by_feature["spend_trend_90d_vs_prev"].text == "spend down 62% versus the previous quarter"
    )
    assert by_feature["days_since_last_purchase"].population_mean == pytest.approx(94.0)
    assert by_feature["tenure_days"].population_mean == pytest.approx(600.0)


def test_a_reason_another_one_already_says_is_dropped():
    """Overdue's words hold the silence's days: the silence alone would say it twice."""
    overdue = FeatureSpec(
        "overdue_ratio",
        "float",
        Mechanism.RECENCY,
        "Overdue.",
        "no purchase for {days_since_last_purchase:.0f} days, {overdue_ratio!x} their usual gap",
    )
    features = _features().assign(overdue_ratio=[3.1, np.nan], days_since_last_purchase=[94, 100])
    contributions = np.array([[0.9, 0.5, 0.3, 0.2, -0.4, 0.7, -1.0], [0.8, -0.1, 0, 0, 0, 0, -1]])
    first, second = explain(
        features,
        contributions,
        specs=[*SPECS, overdue],
        columns=[*COLUMNS, "overdue_ratio"],
        source_of=ONE_HOT,
        means=population_means(features, [*SPECS, overdue]),
        pivots=TYPICAL,
    )
    texts = [r.text for r in first]
    assert "no purchase for 94 days, 3.1× their usual gap" in texts
    assert "no purchase for 94 days" not in texts  # said by the overdue reason
    assert second[0].feature == "days_since_last_purchase"  # nothing repeats it


def test_one_measure_in_two_windows_is_one_reason_the_stronger():
    """ "1 service call in the last 90 days; 1 service call in the last 30 days" told the
    same call twice; the next reason takes the freed place."""

    def calls(days: int) -> FeatureSpec:
        name = f"calls_{days}d"
        text = f"{{{name}:.0f}} service calls in the last {days} days"
        return _number_spec(name, text)

    specs = [*SPECS, calls(30), calls(90)]
    features = _features().assign(calls_30d=[1.0, 1.0], calls_90d=[1.0, 2.0])
    contributions = np.array(
        [[0.2, 0.1, 0.05, 0.0, 0.0, 0.4, 0.6, -1.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.3, 0.2, -1.0]]
    )
    first, second = explain(
        features,
        contributions,
        specs=specs,
        columns=[*COLUMNS, "calls_30d", "calls_90d"],
        source_of=ONE_HOT,
        means=population_means(features, specs),
        pivots={"calls_30d": 0.0, "calls_90d": 0.0},  # the typical customer made no call
    )
    assert [r.feature for r in first] == [
        "calls_90d",
        "days_since_last_purchase",
        "spend_trend_90d_vs_prev",
    ]
    assert [r.feature for r in second] == ["calls_30d"]  # the stronger, whichever window


def test_a_missing_trend_of_a_customer_who_was_not_there_yet_is_no_reason():
    """ "no product use in the 30 days before the last 30" of a user who first came 12
    days ago said they went quiet; a user of 100 days' standing did go quiet then."""
    (trend,) = [s for s in usage.OVERALL_SPECS if s.name == "events_trend_30d_vs_prev"]
    specs = [trend, lifecycle.TENURE_SPEC]
    for tenure, said in ((12.0, []), (100.0, ["no product use in the 30 days before the last 30"])):
        values = {"events_trend_30d_vs_prev": np.nan, "tenure_days": tenure}
        reasons = _one_row(specs, values, [0.5, 0.0], {"tenure_days": 50.0})
        assert [r.text for r in reasons] == said


def test_a_missing_trend_of_a_silence_spanning_both_windows_says_both_are_empty():
    """ "no product use in the 30 days before the last 30" of a user silent 91 days read
    as use in the last 30; the silence covers both windows, and the words say so. A user
    back within the last 30 days keeps the words; so does one whose silence is not told."""
    specs = {s.name: s for s in usage.OVERALL_SPECS}
    trend, silence = specs["events_trend_30d_vs_prev"], specs["days_since_last_event"]
    told = {}
    for days in (91.0, 12.0):
        values = {"events_trend_30d_vs_prev": np.nan, "days_since_last_event": days}
        reasons = _one_row([trend, silence], values, [0.5, 0.0], {"days_since_last_event": 200.0})
        told[days] = [r.text for r in reasons]
    assert told == {
        91.0: ["no product use in the last 60 days"],
        12.0: ["no product use in the 30 days before the last 30"],
    }
    half_year = next(s for s in trends.TREND_SPECS if s.name == "spend_trend_180d_vs_prev")
    values = {"spend_trend_180d_vs_prev": np.nan, "days_since_last_purchase": 400.0}
    last = next(s for s in recency.SPECS if s.name == "days_since_last_purchase")
    reasons = _one_row([half_year, last], values, [0.5, 0.0], {"days_since_last_purchase": 500.0})
    assert [r.text for r in reasons] == ["no spend in the last 360 days"]


def test_every_missing_trends_words_can_say_both_windows_are_empty():
    """The words are rewritten from the trend's own (`BEFORE_THE_LAST`): a trend worded
    otherwise would keep "before the last 30" beside a silence of 91 days."""
    typed = usage.type_specs("login", with_quantity=True)
    specs = [*trends.TREND_SPECS, *usage.OVERALL_SPECS, *typed]
    missing = [s.reason_missing for s in specs if "_trend_" in s.name]
    assert len(missing) >= 5
    assert all(BEFORE_THE_LAST.fullmatch(words) for words in missing), missing


def test_a_customer_in_their_first_year_has_their_first_anniversary_ahead():
    """ "signup anniversary 10 days ago" of a customer who signed up 10 days ago: the
    nearer-return wording is for customers with an anniversary behind them."""
    specs = [lifecycle.ANNIVERSARY_SPEC, lifecycle.TENURE_SPEC]
    told = {}
    for tenure in (10.0, 730.0):
        values = {"days_until_anniversary": 355.0, "tenure_days": tenure}
        (reason,) = _one_row(specs, values, [0.5, 0.0], {})
        told[tenure] = reason.text
    assert told == {
        10.0: "first signup anniversary in 355 days",
        730.0: "signup anniversary 10 days ago",
    }


def test_an_anniversary_gone_is_counted_on_the_calendar_across_a_feb_29():
    """ "signup anniversary 48 days ago" of a member who signed up on Oct 14 read at Dec 2,
    2023 (49 days): the next anniversary, 317 days off, lies past Feb 29, 2024, and 365
    less it is one short. With the cutoff known, the days are the calendar's."""
    specs = [lifecycle.ANNIVERSARY_SPEC, lifecycle.TENURE_SPEC]
    features = pd.DataFrame(
        {
            "customer_id": [1, 2],
            "cutoff": pd.to_datetime(["2023-12-02", "2022-12-02"]),
            "days_until_anniversary": [317.0, 316.0],
            "tenure_days": [2240.0, 1875.0],
        }
    )
    columns = {name: features[name].to_numpy() for name in features}  # as live posts them
    columns["cutoff"] = columns["cutoff"].astype("datetime64[D]")
    for posted in (features, columns):
        told = explain(
            posted,
            np.array([[0.5, 0.0, -1.0]] * 2),
            specs=specs,
            columns=["days_until_anniversary", "tenure_days"],
            source_of={},
            means=population_means(features, specs),
            pivots={},
        )
        assert [[r.text for r in row] for row in told] == [
            ["signup anniversary 49 days ago"],
            ["signup anniversary 49 days ago"],  # no Feb 29 between: 365 less 316
        ]


def test_one_count_in_two_windows_told_both_ways_is_one_reason_the_stronger_way():
    """ "36 activity events in the last 90 days" raised the risk beside "in their favour:
    36 activity events in the last 30 days": the same 36 events, all on one day."""
    specs = [
        _number_spec(f"events_{d}d", f"{{events_{d}d:.0f}} activity events in the last {d} days")
        for d in (30, 90)
    ]
    values = {"events_30d": 36.0, "events_90d": 36.0}
    told = [(r.feature, r.direction) for r in _one_row(specs, values, [-0.5, 0.3], {})]
    assert told == [("events_30d", "lowers")]
    apart = {"events_30d": 5.0, "events_90d": 36.0}  # a recent drop: two facts
    assert len(_one_row(specs, apart, [-0.5, 0.3], {})) == 2


def test_a_silence_against_gaps_all_alike_is_one_reason():
    """ "silent 45.0× their only gap between active days so far" beside "no product use
    for 45 days, 45.0× their only gap between active days so far" (24 of a Q&A site's
    342 users); longer gaps before make the longest its own fact."""
    names = ["days_since_last_event", "use_overdue_ratio", "use_silence_vs_longest_gap"]
    specs = [USE_SPECS[name].renamed(family="usage") for name in names]
    specs.append(USE_SPECS["active_gap_median_days"])
    alike = dict(zip(names, [45.0, 45.0, 45.0], strict=True)) | {"active_gap_median_days": 1.0}
    told = [r.feature for r in _one_row(specs, alike, [0.5, 0.0, 0.4, 0.0], USE_TYPICAL)]
    assert told == ["days_since_last_event"]
    bursty = {**alike, "use_silence_vs_longest_gap": 0.45}  # away 100 days once
    told = [r.feature for r in _one_row(specs, bursty, [0.5, 0.0, -0.4, 0.0], USE_TYPICAL)]
    assert told == ["days_since_last_event", "use_silence_vs_longest_gap"]


def test_a_silence_past_the_longest_gap_is_past_them_all_told_once():
    """ "silent 18.7× their longest gap so far" beside "silent for longer than all of their
    past gaps" (41 of a wholesaler's 2,013 stores)."""
    names = ["silence_beyond_gaps_share", "silence_vs_longest_gap"]
    specs = [BUY_SPECS[name] for name in names]
    past = {"silence_beyond_gaps_share": 1.0, "silence_vs_longest_gap": 18.7}
    told = [r.feature for r in _one_row(specs, past, [0.3, 0.5], {})]
    assert told == ["silence_vs_longest_gap"]
    within = {"silence_beyond_gaps_share": 0.8, "silence_vs_longest_gap": 0.7}
    assert len(_one_row(specs, within, [0.3, -0.5], {})) == 2


def test_a_first_year_customers_anniversary_is_their_tenure_told_once():
    """ "customer for 29 days" beside "first signup anniversary in 336 days"."""
    tenure = _number_spec("tenure_days", "customer for {tenure_days:.0f} days")
    anniversary = _number_spec(
        "days_until_anniversary", "signup anniversary in {days_until_anniversary:.0f} days"
    )
    young = {"tenure_days": 29.0, "days_until_anniversary": 336.0}
    told = [r.feature for r in _one_row([tenure, anniversary], young, [0.3, 0.5], {})]
    assert told == ["days_until_anniversary"]
    older = {"tenure_days": 729.0, "days_until_anniversary": 1.0}
    assert len(_one_row([tenure, anniversary], older, [0.3, 0.5], {})) == 2


def test_a_fact_told_by_several_reasons_each_way_is_told_only_the_stronger_way():
    """A one-day user: "last comment 15 days ago" raising (+0.38) beside "no product use
    for 15 days" lowering twice (-0.45, -0.26); only the weaker lowering one had gone."""
    from serving.reasons import _weaker_of_both_ways

    fact = ("last use", 15.0)
    assert _weaker_of_both_ways([0, 0, 0], [fact] * 3, [15.0] * 3, [0.38, -0.45, -0.26]) == {0}
    assert _weaker_of_both_ways([0, 0, 0], [fact] * 3, [15.0] * 3, [0.58, -0.45, -0.26]) == {1, 2}


def _number_spec(name: str, reason: str, missing: str | None = None) -> FeatureSpec:
    """A numeric feature's declaration as reasons read it (mechanism and description play
    no part: which side is favourable comes from the name)."""
    return FeatureSpec(name, "float", Mechanism.RECENCY, "d", reason, reason_missing=missing)


def _one_row(specs, values, contributions, pivots):
    features = pd.DataFrame({"customer_id": [1], **{k: [v] for k, v in values.items()}})
    names = list(values)
    (reasons,) = explain(
        features,
        np.array([[*contributions, -1.0]]),
        specs=specs,
        columns=names,
        source_of={},
        means=population_means(features, specs),
        pivots=pivots,
    )
    return reasons


def test_no_reason_from_the_typical_customers_own_value():
    """Most customers bought once: the median spend trend is -100%, and "in their favour:
    spend down 100%" claimed a side it is not on; nor does "0% on consumables" raise."""
    trend = _number_spec("spend_trend_90d_vs_prev", "spend {spend_trend_90d_vs_prev!c:.0%}")
    share = _number_spec("consumables_share_90d", "{consumables_share_90d:.0%} on consumables")
    specs = [trend, share]
    values = {"spend_trend_90d_vs_prev": -1.0, "consumables_share_90d": 0.0}
    typical = {"spend_trend_90d_vs_prev": -1.0, "consumables_share_90d": 0.0}
    assert _one_row(specs, values, [-0.5, 0.4], typical) == []
    above = {"spend_trend_90d_vs_prev": -1.0, "consumables_share_90d": 0.3}
    assert [r.text for r in _one_row(specs, above, [0.5, 0.4], typical)] == ["30% on consumables"]


def test_no_reason_from_the_far_side_of_no_change_whatever_the_typical_customer():
    """Where most customers had lapsed (CDNOW) the median spend trend is -100% and the
    median silence 1.07x the longest gap: "in their favour: spend down 78%" and "in
    their favour: silent 1.0x their longest gap" were true of the model, nonsense to a
    reader. Growing spend, or silence within the longest gap, still lowers the risk."""
    trend = _number_spec("spend_trend_180d_vs_prev", "spend {spend_trend_180d_vs_prev!c:.0%}")
    silence = _number_spec("silence_vs_longest_gap", "silent {silence_vs_longest_gap!x}")
    specs = [trend, silence]
    typical = {"spend_trend_180d_vs_prev": -1.0, "silence_vs_longest_gap": 1.07}
    lapsing = {"spend_trend_180d_vs_prev": -0.78, "silence_vs_longest_gap": 1.03}
    assert _one_row(specs, lapsing, [-0.5, -0.4], typical) == []
    growing = {"spend_trend_180d_vs_prev": 0.2, "silence_vs_longest_gap": 0.5}
    texts = [r.text for r in _one_row(specs, growing, [-0.5, -0.4], typical)]
    assert texts == ["spend up 20%"]  # one lowering reason: the strongest
    # nor does growing spend raise it, where the typical customer grew more
    rising = {"spend_trend_180d_vs_prev": 0.2, "silence_vs_longest_gap": 2.0}
    grew_more = {**typical, "spend_trend_180d_vs_prev": 0.5}
    assert [r.text for r in _one_row(specs, rising, [0.5, 0.4], grew_more)] == ["silent 2.0×"]


def test_the_same_words_are_never_a_reason_both_ways():
    """Two features rendering one sentence, one raising the risk and one lowering it,
    would say it twice, once "in their favour": the first stays."""
    first = _number_spec("calls_30d", "{calls_30d:.0f} calls")
    again = _number_spec("calls_total", "{calls_30d:.0f} calls")
    values = {"calls_30d": 4.0, "calls_total": 4.0}
    reasons = _one_row([first, again], values, [0.5, -0.3], None)
    assert [(r.feature, r.direction) for r in reasons] == [("calls_30d", "raises")]


def test_the_purchase_pace_keeps_its_neutral_point_of_its_usual_pace():
    """Renamed to its calendar months, the pace had lost its neutral point (1, the usual
    pace): "in their favour: buying at 80% of their usual pace" was told again."""
    pace = BUY_SPECS["purchase_pace_3m_vs_history"]
    typical = {"purchase_pace_3m_vs_history": 0.5}
    assert _one_row([pace], {"purchase_pace_3m_vs_history": 0.8}, [-0.4], typical) == []
    assert _one_row([pace], {"purchase_pace_3m_vs_history": 1.0}, [0.4], typical) == []
    (slower,) = _one_row([pace], {"purchase_pace_3m_vs_history": 0.3}, [0.4], typical)
    assert slower.text == "buying at 30% of their usual pace in the last 3 months"


def test_a_value_at_its_neutral_point_is_no_reason_with_or_without_a_direction():
    """ "login unchanged versus the previous 30 days" raised the risk of 78 subscribers:
    an app's own event type has no reading in DOMAIN.md, and no learned direction."""
    trend = _number_spec(
        "events_login_trend_30d_vs_prev", "login {events_login_trend_30d_vs_prev!c:.0%}"
    )
    assert _one_row([trend], {"events_login_trend_30d_vs_prev": 0.0}, [0.5], None) == []
    (moved,) = _one_row([trend], {"events_login_trend_30d_vs_prev": -0.5}, [0.5], None)
    assert moved.text == "login down 50%"


RHYTHMS = [
    ("days_since_last_purchase", "overdue_ratio", "no purchase", "their usual gap"),
    (
        "days_since_last_event",
        "use_overdue_ratio",
        "no product use",
        "their usual gap between active days",
    ),
]
"""The buying rhythm and the rhythm of use: (silence, overdue ratio, words, gap words)."""


@pytest.mark.parametrize(("silence", "late", "words", "gap"), RHYTHMS)
def test_the_usual_gap_joins_the_days_only_where_it_says_late(silence, late, words, gap):
    """ "No purchase for 145 days, 42% of their usual gap" raising the risk told one fact
    both ways beside "in their favour: silent 42% of their longest gap"; nor does "1.2×
    their usual gap" belong to a reason in their favour. Use alike."""
    declared = {s.name: s for s in [*recency.SPECS, *usage.OVERALL_SPECS]}
    days, overdue = declared[silence], declared[late]
    typical = {silence: 60.0, late: 1.5}
    texts = {
        (days_, ratio, sign): [
            r.text
            for r in _one_row([days, overdue], {silence: days_, late: ratio}, [sign, 0.0], typical)
        ]
        for days_, ratio, sign in ((145.0, 0.42, 0.5), (145.0, 3.0, 0.5), (20.0, 1.2, -0.5))
    }
    assert texts[(145.0, 0.42, 0.5)] == [f"{words} for 145 days"]
    assert texts[(145.0, 3.0, 0.5)] == [f"{words} for 145 days, 3.0× {gap}"]
    assert texts[(20.0, 1.2, -0.5)] == [f"{words} for 20 days"]


@pytest.mark.parametrize(("silence", "late", "words", "gap"), RHYTHMS)
def test_a_silence_and_its_overdue_ratio_are_one_reason_told_one_way(silence, late, words, gap):
    """ "no product use for 18 days" raising the risk beside "in their favour: no product
    use for 18 days, 82% of their usual gap between active days" (207 of a MOOC's 3,097
    learners): one fact, told once, the way the two add up to."""
    declared = {s.name: s for s in [*recency.SPECS, *usage.OVERALL_SPECS]}
    specs = [declared[silence], declared[late]]
    values = {silence: 18.0, late: 0.82}
    raising = _one_row(specs, values, [0.6, -0.2], {silence: 10.0, late: 1.0})
    assert [(r.text, r.direction) for r in raising] == [(f"{words} for 18 days", "raises")]
    lowering = _one_row(specs, values, [0.2, -0.6], {silence: 30.0, late: 1.5})
    assert [(r.text, r.direction) for r in lowering] == [
        (f"{words} for 18 days, 82% of {gap}", "lowers")
    ]


ONE_GAP_SPECS = [
    s
    for s in recency.SPECS
    if s.name
    in {"days_since_last_purchase", "overdue_ratio", "gap_median_days", "gap_cv"}
    | {"silence_vs_longest_gap", "silence_beyond_gaps_share"}
]
ONE_GAP_TYPICAL = {
    "days_since_last_purchase": 30.0,
    "overdue_ratio": 1.0,
    "gap_median_days": 60.0,
    "gap_cv": 0.5,
    "silence_vs_longest_gap": 0.5,
    "silence_beyond_gaps_share": 0.3,
}


def _rhythm_texts(gap_cv: float, contributions: list[float], longest: float = 3.1) -> list[str]:
    values = {
        "days_since_last_purchase": 94.0,
        "overdue_ratio": 3.1,
        "gap_median_days": 30.0,
        "gap_cv": gap_cv,
        "silence_vs_longest_gap": longest,
        "silence_beyond_gaps_share": 1.0,
    }
    return [r.text for r in _one_row(ONE_GAP_SPECS, values, contributions, ONE_GAP_TYPICAL)]


def test_a_rhythm_of_one_gap_is_not_called_usual():
    """Two purchase days, one gap: "usually buys every 1275 days" (Superstore) claimed a
    habit; the gap without a spread (`gap_cv`) is one gap, and the reasons say so. Two
    or more gaps keep their words."""
    one_gap, gaps = float("nan"), 0.3
    assert _rhythm_texts(one_gap, [0.1, 0.9, 0.0, 0.0, 0.0, 0.0]) == [
        "no purchase for 94 days, 3.1× their only gap so far"
    ]
    assert _rhythm_texts(gaps, [0.1, 0.9, 0.0, 0.0, 0.0, 0.0]) == [
        "no purchase for 94 days, 3.1× their usual gap"
    ]
    assert _rhythm_texts(one_gap, [0.0, 0.0, 0.6, 0.0, 0.0, 0.0]) == [
        "bought on 2 days so far, 30 days apart"
    ]
    assert _rhythm_texts(gaps, [0.0, 0.0, 0.6, 0.0, 0.0, 0.0]) == ["usually buys every 30 days"]


def test_a_rhythm_of_use_of_one_gap_is_not_called_usual():
    """Two active days, one gap: "usually active every 2124 days" (4 of a Stack Exchange
    site's 38 scored users); the gap without its spread (`active_gap_cv`) is one gap."""
    specs = [
        spec.renamed(family="usage")
        for spec in usage.OVERALL_SPECS
        if spec.name in ("active_gap_median_days", "active_gap_cv", "use_overdue_ratio")
    ]
    values = {
        "active_gap_median_days": 2124.0,
        "active_gap_cv": float("nan"),
        "use_overdue_ratio": 1.5,
        "days_since_last_event": 3186.0,
    }
    told = [r.text for r in _one_row(specs, values, [0.6, 0.0, 0.0, 0.0], {})]
    assert told == ["active on 2 days so far, 2124 days apart"]
    told = [r.text for r in _one_row(specs, values, [0.0, 0.0, 0.6, 0.0], {})]
    assert told == ["no product use for 3186 days, 1.5× their only gap between active days so far"]
    steady = {**values, "active_gap_cv": 0.2}
    told = [r.text for r in _one_row(specs, steady, [0.6, 0.0, 0.0, 0.0], {})]
    assert told == ["usually active every 2124 days"]


def test_one_gaps_lateness_is_told_once():
    """With one gap the longest gap is the usual one, and being silent longer than all
    past gaps is being late against it: one fact, told by the strongest of the three.
    Gaps all alike tell the ratio once; a longest gap apart from the usual one is a fact."""
    one_gap, gaps = float("nan"), 0.3
    strongest_longest = [0.0, 0.3, 0.0, 0.0, 0.6, 0.5]
    assert _rhythm_texts(one_gap, strongest_longest) == ["silent 3.1× their only gap so far"]
    # past the longest gap is past them all: one fact (41 of a wholesaler's 2,013 stores)
    assert _rhythm_texts(gaps, strongest_longest) == ["silent 3.1× their longest gap so far"]
    assert _rhythm_texts(gaps, strongest_longest, longest=2.0) == [
        "silent 2.0× their longest gap so far",
        "no purchase for 94 days, 3.1× their usual gap",
    ]


def test_without_training_medians_a_lone_customer_keeps_their_reasons():
    """A model trained before it kept medians compares a live customer with the posted
    rows' own means: one customer's values are those means, and are still reasons."""
    values = {"days_since_last_purchase": 120.0}
    (reason,) = _one_row([RECENCY], values, [0.7], None)
    assert reason.text == "no purchase for 120 days"


def test_tenure_and_the_first_purchases_age_are_one_fact_when_equal():
    """Without a signup date tenure is the first purchase's age."""
    tenure = _number_spec("tenure_days", "customer for {tenure_days:.0f} days")
    first = _number_spec(
        "days_since_first_purchase", "first purchase {days_since_first_purchase:.0f} days ago"
    )
    specs = [tenure, first]
    same = _one_row(
        specs, {"tenure_days": 343.0, "days_since_first_purchase": 343.0}, [0.3, 0.5], {}
    )
    assert [r.text for r in same] == ["first purchase 343 days ago"]
    signed_up_earlier = {"tenure_days": 900.0, "days_since_first_purchase": 343.0}
    assert len(_one_row(specs, signed_up_earlier, [0.3, 0.5], {})) == 2


def test_the_usage_silence_and_an_event_types_equal_one_are_one_reason():
    """ "no product use for 44 days" and "last login 44 days ago": the last use was a login
    (123 of a SaaS log's 632 rows); the silence says it, and so does its lateness ("last
    comment 348 days ago" beside "no product use for 348 days, 53.5× their usual gap" in a
    Stack Exchange log). A login silent longer than the log is another fact."""
    silence, late = (
        next(s for s in usage.OVERALL_SPECS if s.name == name)
        for name in ("days_since_last_event", "use_overdue_ratio")
    )
    login = next(
        s for s in usage.type_specs("login", with_quantity=False) if s.name.startswith("days_")
    )
    specs = [spec.renamed(family="usage") for spec in (silence, login)]
    same = {"days_since_last_event": 44.0, "days_since_last_login": 44.0}
    assert [r.text for r in _one_row(specs, same, [0.3, 0.5], {})] == ["no product use for 44 days"]
    assert [r.text for r in _one_row(specs, same, [0.5, 0.3], {})] == ["no product use for 44 days"]
    used_since = {"days_since_last_event": 30.0, "days_since_last_login": 44.0}
    assert len(_one_row(specs, used_since, [0.3, 0.5], {})) == 2
    specs = [spec.renamed(family="usage") for spec in (late, login, silence)]
    lapsed = {
        "use_overdue_ratio": 53.5,
        "days_since_last_login": 348.0,
        "days_since_last_event": 348.0,
        "active_gap_median_days": 6.5,
    }
    told = [r.text for r in _one_row(specs, lapsed, [0.2, 0.5, 0.0, 0.0], {})]
    assert told == ["no product use for 348 days, 53.5× their usual gap between active days"]


def _type_specs(event_type: str, **options) -> list:
    return [s.renamed(family="usage") for s in usage.type_specs(event_type, **options)]


def test_an_event_types_silence_and_its_empty_windows_are_one_reason():
    """ "no merge yet" beside "0 merge events in the last 90 days" (14 of a contributor
    log's 119), or "last merge 356 days ago" beside it: one fact, the stronger told. A
    window the silence does not cover, or one holding merges, is another fact."""
    specs = [s for s in _type_specs("merge", with_quantity=False) if "trend" not in s.name]
    names = ["days_since_last_merge", "events_merge_90d", "events_merge_30d"]
    by_name = {s.name: s for s in specs}
    specs = [by_name[name] for name in names]
    never = {"days_since_last_merge": np.nan, "events_merge_90d": 0.0, "events_merge_30d": 0.0}
    told = [r.text for r in _one_row(specs, never, [0.3, 0.5, 0.2], {})]
    assert told == ["0 merge events in the last 90 days"]
    long_ago = never | {"days_since_last_merge": 356.0}
    told = [r.text for r in _one_row(specs, long_ago, [0.6, 0.5, 0.2], {})]
    assert told == ["last merge 356 days ago"]
    # 45 days ago: the empty 30 days are said by it, the 90 days holding it are not
    recent = never | {"days_since_last_merge": 45.0, "events_merge_90d": 1.0}
    told = [r.text for r in _one_row(specs, recent, [0.6, 0.5, 0.2], {})]
    assert told == ["last merge 45 days ago", "1 merge event in the last 90 days"]


def test_a_one_day_users_age_says_the_windows_their_silence_leaves_empty():
    """A contributor whose one commit was 147 days ago read "customer for 147 days" (their
    silence no reason) beside "no commits in the last 30 days": the age tells the day and
    that nothing followed it, and the empty window with it."""
    silence, gap = (
        next(s for s in usage.OVERALL_SPECS if s.name == name)
        for name in ("days_since_last_event", "active_gap_median_days")
    )
    tenure = _number_spec("tenure_days", "customer for {tenure_days:.0f} days")
    window = next(s for s in usage.OVERALL_SPECS if s.name == "active_days_30d")
    specs = [tenure, window.renamed(family="usage"), silence.renamed(family="usage"), gap]
    one_day = {
        "tenure_days": 147.0,
        "active_days_30d": 0.0,
        "days_since_last_event": 147.0,
        "active_gap_median_days": np.nan,
    }
    typical = {"days_since_last_event": 200.0}  # a silence shorter: no reason raising
    told = [r.text for r in _one_row(specs, one_day, [0.5, 0.3, 0.2, 0.0], typical)]
    assert told == ["customer for 147 days, no product use since"]
    signed_up_before = one_day | {"tenure_days": 400.0}
    told = [r.text for r in _one_row(specs, signed_up_before, [0.5, 0.3, 0.2, 0.0], typical)]
    assert len(told) == 2 and told[0] == "customer for 400 days"


def test_a_long_silence_of_a_type_lowering_the_risk_says_the_type_is_on_record():
    """ "in their favour: last answer 1113 days ago" (7 of a Stack Exchange site's 38
    scored users): the model reads an answer ever against none; a recent one stays."""
    login = next(
        s for s in usage.type_specs("login", with_quantity=False) if s.name.startswith("days_")
    )
    specs = [login.renamed(family="usage")]
    typical = {"days_since_last_login": 200.0}
    old = _one_row(specs, {"days_since_last_login": 1113.0}, [-0.5], typical)
    assert [r.text for r in old] == ["login on record, the last 1113 days ago"]
    recent = _one_row(specs, {"days_since_last_login": 46.0}, [-0.5], typical)
    assert [r.text for r in recent] == ["last login 46 days ago"]
    raising = _one_row(specs, {"days_since_last_login": 1113.0}, [0.5], typical)
    assert [r.text for r in raising] == ["last login 1113 days ago"]
    # where the typical user never logged in, a login at all is what lowers the risk
    never = {"days_since_last_login": np.inf}
    (ever,) = _one_row(specs, {"days_since_last_login": 46.0}, [-0.5], never)
    assert ever.text == "login on record, the last 46 days ago"


@pytest.mark.parametrize(
    ("stage", "orders_total", "reasons"),
    [
        ("long-term", 12.0, ["long-term customer"]),  # tenure decides it
        ("short-term", 12.0, ["short-term customer"]),
        ("lapsed", 12.0, ["lapsed customer", "customer for 1161 days"]),  # a silence does
        ("first-time", 1.0, ["first-time customer", "customer for 1161 days"]),  # one purchase
        ("first-time", None, ["first-time customer"]),  # no purchases: tenure decides
    ],
)
def test_tenure_and_the_stage_it_decides_are_one_reason(stage, orders_total, reasons):
    """ "customer for 1161 days" beside "long-term customer", both raising the risk, in
    146 of a billing export's 2,528 rows: the stronger stays."""
    specs = [lifecycle.TENURE_SPEC, lifecycle.STAGE_SPEC]
    values = {"tenure_days": 1161.0, "lifecycle_stage": stage}
    contributions = [0.3, 0.5]
    if orders_total is not None:
        values["orders_total"] = orders_total
        contributions.append(0.0)
    assert [r.text for r in _one_row(specs, values, contributions, {})] == reasons


@pytest.mark.parametrize(
    ("contributions", "reasons"),
    [
        ([0.3, -0.2], [("customer for 365 days", "raises")]),  # tenure the stronger
        ([0.2, -0.3], [("long-term customer", "lowers")]),  # the stage the stronger
        ([0.3, 0.0], [("customer for 365 days", "raises")]),
    ],
)
def test_tenure_and_the_stage_it_decides_are_one_story_told_one_way(contributions, reasons):
    """A club member "customer for 365 days" raising the risk beside "in their favour:
    long-term customer" (7 of the high band): one fact, told by the stronger of the two."""
    specs = [lifecycle.TENURE_SPEC, lifecycle.STAGE_SPEC]
    values = {"tenure_days": 365.0, "lifecycle_stage": "long-term"}
    told = _one_row(specs, values, contributions, {})
    assert [(r.text, r.direction) for r in told] == reasons
    assert told[0].contribution == max(contributions, key=abs)  # the cell's own, as ONE_STORY


def test_a_lapsed_stage_beside_tenure_is_a_story_of_its_own():
    """A silence decided the stage, not the customer's age: both may be told."""
    specs = [lifecycle.TENURE_SPEC, lifecycle.STAGE_SPEC]
    values = {"tenure_days": 365.0, "lifecycle_stage": "lapsed", "orders_total": 9.0}
    texts = [r.text for r in _one_row(specs, values, [-0.3, 0.5, 0.0], {})]
    assert texts == ["lapsed customer", "customer for 365 days"]


def test_a_first_purchase_long_ago_on_record_is_no_reason_against_the_customer():
    """Ta-Feng's four months made "first purchase on record 119 days ago" (its first day,
    not the customer's) a raising reason in 63 of its top 200; a recent first purchase
    still raises the risk."""
    first = _number_spec(
        "days_since_first_purchase", "first purchase {days_since_first_purchase:.0f} days ago"
    )
    typical = {"days_since_first_purchase": 60.0}
    old = _one_row([first], {"days_since_first_purchase": 119.0}, [0.4], typical)
    assert old == []
    new = _one_row([first], {"days_since_first_purchase": 12.0}, [0.4], typical)
    assert [r.text for r in new] == ["first purchase 12 days ago"]


def test_one_open_complaint_is_one_reason():
    """Not "1 unresolved complaint in the last 30 days" and "1 open service issue"."""
    recent = _number_spec(
        "complaints_unresolved_30d",
        "{complaints_unresolved_30d:.0f} unresolved complaints in the last 30 days",
    )
    anyopen = _number_spec("issues_unresolved", "{issues_unresolved:.0f} open")
    none_open = {"complaints_unresolved_30d": 0.0, "issues_unresolved": 0.0}  # typically
    same = {"complaints_unresolved_30d": 1.0, "issues_unresolved": 1.0}
    assert len(_one_row([recent, anyopen], same, [0.5, 0.3], none_open)) == 1
    more = {"complaints_unresolved_30d": 1.0, "issues_unresolved": 3.0}
    assert len(_one_row([recent, anyopen], more, [0.5, 0.3], none_open)) == 2


def test_features_the_config_keeps_out_of_reasons_are_never_shown():
    """`reasons.never: [contract]`: the model uses it, the next reason takes its place."""
    first, second = _explain(never=["contract"])
    assert "contract" not in [r.feature for row in (first, second) for r in row]
    assert [r.feature for r in first if r.direction == "raises"] == [
        "days_since_last_purchase",
        "spend_trend_90d_vs_prev",
    ]


def test_the_season_is_never_a_reason_even_from_an_older_models_template():
    """ "seasonal timing (cutoff in month 12)" was half a worklist's reasons: the same for
    everyone scored at once (models trained before carry its template)."""
    season = FeatureSpec(
        "cutoff_month", "float", Mechanism.SEASONALITY, "d", "seasonal timing ({cutoff_month})"
    )
    gap = _number_spec("gap_median_days", "usually every {gap_median_days:.0f} days")
    reasons = _one_row([season, gap], {"cutoff_month": 12.0, "gap_median_days": 30.0}, [2, 1], {})
    assert [r.feature for r in reasons] == ["gap_median_days"]


def test_another_models_answers_are_never_reasons():
    """ "under 1% likely to still be an active buyer (BG/NBD)" beside a churn risk of 8%
    read as the product contradicting itself, and so did "fewer than 0.001 purchases
    expected ... at their buying rate so far" (that probability times the pace) beside
    58%; the silence they come from is a reason of its own."""
    from features.bgnbd import SPECS as BGNBD

    silence = _number_spec(
        "days_since_last_purchase", "no purchase for {days_since_last_purchase:.0f} days"
    )
    values = {
        "p_alive_bgnbd": 0.004,
        "expected_purchases_horizon_bgnbd": 0.0004,
        "days_since_last_purchase": 62.0,
    }
    reasons = _one_row([*BGNBD, silence], values, [2.0, 1.5, 1.0], {})
    assert [r.feature for r in reasons] == ["days_since_last_purchase"]


def test_nothing_bought_in_a_window_is_one_reason_however_many_measures_say_it():
    """ "spent 0 in the last 90 days", "0 purchases in the last 90 days" and "bought from
    no category in the last 90 days" told one silence three times; a zero spend beside a
    non-zero count is two facts."""
    spend = _number_spec("spend_90d", "spent {spend_90d:,.0f} in the last 90 days")
    orders = _number_spec("orders_90d", "{orders_90d:.0f} purchases in the last 90 days")
    breadth = _number_spec("category_breadth_30d", "bought from {category_breadth_30d:.0f}")
    specs = [spend, orders, breadth]
    silent = {"spend_90d": 0.0, "orders_90d": 0.0, "category_breadth_30d": 0.0}
    reasons = _one_row(specs, silent, [0.4, 0.6, 0.3], {})
    assert [r.feature for r in reasons] == ["orders_90d"]
    free = {"spend_90d": 0.0, "orders_90d": 2.0, "category_breadth_30d": 1.0}
    reasons = _one_row(specs, free, [0.4, 0.6, 0.3], {})
    assert [r.feature for r in reasons] == ["orders_90d", "spend_90d", "category_breadth_30d"]
    trend = _number_spec(
        "spend_trend_90d_vs_prev", "spend {spend_trend_90d_vs_prev!c:.0%} versus before"
    )
    fell = {"spend_90d": 0.0, "spend_trend_90d_vs_prev": -1.0}
    reasons = _one_row([spend, trend], fell, [0.4, 0.7], {})
    assert [r.feature for r in reasons] == ["spend_trend_90d_vs_prev"]  # down 100%: the same
    halved = {"spend_90d": 0.0, "spend_trend_90d_vs_prev": -0.5}
    assert len(_one_row([spend, trend], halved, [0.4, 0.7], {})) == 2


def test_trends_unknown_for_nothing_bought_before_are_one_reason():
    """ "no spend in the 90 days before the last 90" beside "no purchase in the 90 days
    before the last 90" told one fact twice (31 of an H&M worklist's customers); the
    half-year's is another window, and another fact."""
    from features.trends import TREND_SPECS

    unknown = {
        "spend_trend_90d_vs_prev": np.nan,
        "orders_trend_90d_vs_prev": np.nan,
        "spend_trend_180d_vs_prev": np.nan,
    }
    reasons = _one_row(TREND_SPECS, unknown, [0.5, 0.6, 0.3], {})
    assert [r.text for r in reasons] == [
        "no purchase in the 90 days before the last 90",
        "no spend in the half-year before the last",
    ]


def test_a_rhythm_the_customer_broke_is_no_reason_in_their_favour():
    """ "in their favour: usually buys every 3 days" of a customer silent for 149 days (50×
    their usual gap): lapsed by the lifecycle's rule, the rhythm is theirs no longer.
    Kept while they are on time, and as a reason raising the risk."""
    gap = _number_spec("gap_median_days", "usually buys every {gap_median_days:.0f} days")
    overdue = _number_spec("overdue_ratio", "{overdue_ratio!x} their usual gap")
    specs = [gap, overdue]
    broken = {"gap_median_days": 3.0, "overdue_ratio": 49.7}
    assert [r.feature for r in _one_row(specs, broken, [-0.5, 0.8], {})] == ["overdue_ratio"]
    on_time = {"gap_median_days": 3.0, "overdue_ratio": 1.2}
    kept = _one_row(specs, on_time, [-0.5, 0.8], {})
    assert [r.feature for r in kept] == ["overdue_ratio", "gap_median_days"]
    regular = _number_spec("gap_cv", "gaps vary by {gap_cv:.0%} of their average")
    lapsed = {"gap_cv": 0.16, "overdue_ratio": 4.3}  # gaps of 10, 11, 8; silent 43 days
    reasons = _one_row([regular, overdue], lapsed, [-0.5, 0.8], {"gap_cv": 0.6})
    assert [r.feature for r in reasons] == ["overdue_ratio"]
    use = _number_spec("active_gap_median_days", "usually active every 2 days")
    use_overdue = _number_spec("use_overdue_ratio", "{use_overdue_ratio!x} their usual gap")
    silent = {"active_gap_median_days": 2.0, "use_overdue_ratio": 10.0}  # 20 days silent
    reasons = _one_row([use, use_overdue], silent, [-0.5, 0.8], {})
    assert [r.feature for r in reasons] == ["use_overdue_ratio"]
    within = {"active_gap_median_days": 2.0, "use_overdue_ratio": 1.2}
    kept = _one_row([use, use_overdue], within, [-0.5, 0.8], {})
    assert [r.feature for r in kept] == ["use_overdue_ratio", "active_gap_median_days"]
    steady = _number_spec("active_gap_cv", "gaps between active days vary by 16%")
    lapsed_use = {"active_gap_cv": 0.16, "use_overdue_ratio": 5.0}
    reasons = _one_row([steady, use_overdue], lapsed_use, [-0.5, 0.8], {"active_gap_cv": 0.6})
    assert [r.feature for r in reasons] == ["use_overdue_ratio"]


def test_a_silence_the_customer_is_lapsed_on_is_no_reason_in_their_favour():
    """ "in their favour: no product use for 97 days" beside "lapsed customer" of a user
    3.1x their usual gap: short against the typical user's silence, long against their
    own. Kept for a user on time."""
    silence = _number_spec(
        "days_since_last_event", "no product use for {days_since_last_event:.0f} days"
    )
    late = _number_spec("use_overdue_ratio", "{use_overdue_ratio!x} their usual gap")
    bought = _number_spec(
        "days_since_last_purchase", "no purchase for {days_since_last_purchase:.0f} days"
    )
    buying_late = _number_spec("overdue_ratio", "{overdue_ratio!x} their usual gap")
    for specs, typical_days in (([silence, late], 150.0), ([bought, buying_late], 90.0)):
        days, overdue = specs[0].name, specs[1].name
        told = {}
        for ratio in (3.1, 0.9):
            values = {days: 60.0, overdue: ratio}
            reasons = _one_row(specs, values, [-0.5, 0.0], {days: typical_days})
            told[ratio] = [(r.feature, r.direction) for r in reasons]
        assert told == {3.1: [], 0.9: [(days, "lowers")]}


USE_SPECS = {
    s.name: s
    for s in [*usage.OVERALL_SPECS, *usage.type_specs("activity", with_quantity=False, alone=True)]
}
BUY_SPECS = {s.name: s for s in [*recency.SPECS, *monetary.SPECS]}
USE_TYPICAL = {
    "days_since_last_event": 10.0,
    "active_days_90d": 20.0,
    "events_activity_90d": 20.0,
    "tenure_days": 600.0,
}


def test_a_single_day_of_use_is_one_reason_however_many_counts_hold_it():
    """ "fewer than two active days: no rhythm of use yet", "active on 1 of the last 90
    days" and "1 activity event in the last 90 days" told one login three times (324 of a
    login log's 2,905 users); the stronger stays and the next reason takes the freed
    places. From two days on the counts are their own reasons."""
    names = [
        "active_gap_median_days",
        "use_overdue_ratio",
        "active_days_90d",
        "events_activity_90d",
        "days_since_last_event",
    ]
    specs = [USE_SPECS[name] for name in names] + [lifecycle.TENURE_SPEC]
    contributions = [0.4, 0.35, 0.3, 0.25, 0.2, 0.1]
    once = dict(zip(names, [np.nan, np.nan, 1.0, 1.0, 40.0], strict=True)) | {"tenure_days": 50.0}
    told = [r.text for r in _one_row(specs, once, contributions, USE_TYPICAL)]
    assert told == [usage.NO_RHYTHM, "no product use for 40 days", "customer for 50 days"]
    counts_first = [0.2, 0.1, 0.5, 0.3, 0.25, 0.15]  # a count the strongest: it tells it
    told = [r.text for r in _one_row(specs, once, counts_first, USE_TYPICAL)]
    assert told == [
        "active on 1 of the last 90 days",
        "no product use for 40 days",
        "customer for 50 days",
    ]
    twice = {**once, "active_gap_median_days": 30.0, "use_overdue_ratio": 1.3}
    twice |= {"active_days_90d": 2.0, "events_activity_90d": 5.0}
    told = [r.feature for r in _one_row(specs, twice, [0.4, 0.0, 0.3, 0.25, 0.2, 0.1], USE_TYPICAL)]
    assert told == ["active_gap_median_days", "active_days_90d", "events_activity_90d"]


def test_a_single_days_trend_down_100_percent_is_that_day_told_once():
    """A contributor's one commit 56 days ago: "commit down 100% versus the previous 30
    days" is that commit, in the window before; told in their favour beside "fewer than
    two active days" raising the risk, it was the one day both ways."""
    commit = {s.name: s for s in usage.type_specs("commit", with_quantity=False)}
    names = ["active_gap_median_days", "events_commit_trend_30d_vs_prev", "days_since_last_event"]
    specs = [USE_SPECS[names[0]], commit[names[1]], USE_SPECS[names[2]]]
    specs = [spec.renamed(family="usage") for spec in specs]
    once = dict(zip(names, [np.nan, -1.0, 56.0], strict=True))
    told = [r.text for r in _one_row(specs, once, [0.5, -0.3, 0.2], USE_TYPICAL)]
    assert told == [usage.NO_RHYTHM, "no product use for 56 days"]
    twice = {**once, "active_gap_median_days": 12.0}  # two days: the trend is its own fact
    told = [r.feature for r in _one_row(specs, twice, [0.5, -0.3, 0.2], USE_TYPICAL)]
    assert "events_commit_trend_30d_vs_prev" in told


def test_a_lifetime_total_equal_to_the_last_years_is_one_reason():
    """ "8 payments in the last 365 days; 8 payments in total" (a loyalty programme's
    whole top 200): every purchase in the year, told twice. A total beyond the year's is
    a fact of its own."""
    names = ["orders_365d", "orders_total", "spend_365d", "spend_total"]
    specs = [BUY_SPECS[name] for name in names]
    typical = {"orders_365d": 12.0, "orders_total": 30.0, "spend_365d": 500.0}
    typical["spend_total"] = 900.0
    year = dict(zip(names, [8.0, 8.0, 80.0, 80.0], strict=True))
    told = [r.text for r in _one_row(specs, year, [0.3, 0.5, 0.2, 0.1], typical)]
    assert told == ["8 purchases in total", "spent 80 in the last 365 days"]
    longer = {**year, "orders_total": 20.0, "spend_total": 300.0}
    told = [r.feature for r in _one_row(specs, longer, [0.3, 0.5, 0.2, 0.1], typical)]
    assert told == ["orders_total", "orders_365d", "spend_365d"]


def test_a_single_day_of_use_is_told_once_and_only_the_way_its_cells_add_up_to():
    """No rhythm raising the risk beside "in their favour: 3 activity events in the last
    90 days", all on that one day: one fact, told the stronger way, not both."""
    names = ["active_gap_median_days", "events_activity_90d", "days_since_last_event"]
    specs = [USE_SPECS[name] for name in names]
    once = {"active_gap_median_days": np.nan, "events_activity_90d": 3.0}
    once["days_since_last_event"] = 5.0
    typical = {**USE_TYPICAL, "events_activity_90d": 2.0}
    told = [(r.text, r.direction) for r in _one_row(specs, once, [0.3, -0.5, 0.0], typical)]
    assert told == [("3 activity events in the last 90 days", "lowers")]


def test_an_event_count_equal_to_its_windows_active_days_is_one_reason():
    """ "active on 4 of the last 90 days" beside "4 activity events in the last 90 days":
    one event each day, the same days told twice, whichever way; more events than days
    tell how much they used it on those days, a fact of its own."""
    names = ["active_days_90d", "events_activity_90d"]
    specs = [USE_SPECS[name] for name in names]
    told = [r.text for r in _one_row(specs, dict.fromkeys(names, 4.0), [0.3, 0.5], USE_TYPICAL)]
    assert told == ["4 activity events in the last 90 days"]
    both_ways = {**USE_TYPICAL, "active_days_90d": 2.0}  # 4 days: more than most
    reasons = _one_row(specs, dict.fromkeys(names, 4.0), [-0.3, 0.5], both_ways)
    assert [(r.feature, r.direction) for r in reasons] == [("events_activity_90d", "raises")]
    busier = {"active_days_90d": 4.0, "events_activity_90d": 9.0}
    assert len(_one_row(specs, busier, [0.3, 0.5], USE_TYPICAL)) == 2
    # a type's count of a typed log is no such day count: 4 logins on one day beside
    # other events on 3 other days is 4 and 4, two facts
    logins = {s.name: s for s in usage.type_specs("login", with_quantity=False, alone=False)}
    typed = [USE_SPECS["active_days_90d"], logins["events_login_90d"]]
    four = {"active_days_90d": 4.0, "events_login_90d": 4.0}
    assert len(_one_row(typed, four, [0.3, 0.5], USE_TYPICAL)) == 2


def test_a_single_purchase_day_is_one_reason_however_many_counts_hold_it():
    """ "fewer than two purchase days: no buying rhythm yet" beside "2 purchases in the
    last 90 days" and "2 purchases in total", two orders on one day; what they spent is
    another fact."""
    names = ["gap_median_days", "orders_90d", "orders_total", "spend_90d"]
    specs = [BUY_SPECS[name] for name in [*names, "days_since_last_purchase"]]
    values = dict(zip(names, [np.nan, 2.0, 2.0, 80.0], strict=True))
    values["days_since_last_purchase"] = 40.0
    typical = {"orders_90d": 4.0, "orders_total": 10.0, "spend_90d": 300.0}
    told = [r.feature for r in _one_row(specs, values, [0.3, 0.5, 0.4, 0.2, 0.0], typical)]
    assert told == ["orders_90d", "spend_90d"]
    again = {**values, "gap_median_days": 20.0}
    told = [r.feature for r in _one_row(specs, again, [0.3, 0.5, 0.4, 0.2, 0.0], typical)]
    assert told == ["orders_90d", "orders_total", "gap_median_days"]


NO_BUYING_RHYTHM = BUY_SPECS["gap_median_days"].reason_missing
SILENT_83 = ("no purchase for 83 days", "raises")


@pytest.mark.parametrize(
    ("contributions", "told"),
    [
        ([0.11, 0.09, 0.10, 0.0, 0.3], [SILENT_83, (NO_BUYING_RHYTHM, "raises")]),
        ([0.11, 0.09, 0.12, 0.0, 0.3], [SILENT_83, ("first-time customer", "raises")]),
        ([0.11, 0.09, -0.3, 0.0, 0.3], [SILENT_83, ("first-time customer", "lowers")]),
    ],
)
def test_a_first_time_stage_is_its_single_purchase_days_story(contributions, told):
    """ "first-time customer" beside "fewer than two purchase days: no buying rhythm yet"
    told one basket twice to 11,836 of Ta Feng's 32,266 customers: the stronger stays,
    and only the way the day's cells add up to."""
    names = ["gap_median_days", "overdue_ratio", "lifecycle_stage", "orders_total"]
    names.append("days_since_last_purchase")
    specs = [BUY_SPECS.get(name, lifecycle.STAGE_SPEC) for name in names]
    values = dict(zip(names, [np.nan, np.nan, "first-time", 1.0, 83.0], strict=True))
    typical = {"orders_total": 10.0, "days_since_last_purchase": 12.0}
    assert [(r.text, r.direction) for r in _one_row(specs, values, contributions, typical)] == told


def test_a_window_the_silence_emptied_is_no_reason_in_their_favour():
    """ "in their favour: active on 4 of the last 90 days" beside "no product use for 72
    days, 10.3× their usual gap": the 4 days are behind the silence. Kept while the silence
    leaves most of the window, or is within three usual gaps; purchases alike."""
    names = ["active_days_90d", "use_overdue_ratio", "days_since_last_event"]
    specs = [USE_SPECS[name] for name in names]
    typical = {**USE_TYPICAL, "active_days_90d": 2.0}
    for silence, overdue, kept in ((72.0, 10.3, False), (30.0, 4.3, True), (72.0, 2.0, True)):
        values = dict(zip(names, [4.0, overdue, silence], strict=True))
        told = [r.feature for r in _one_row(specs, values, [-0.5, 0.0, 0.0], typical)]
        assert told == (["active_days_90d"] if kept else [])
    names = ["spend_90d", "overdue_ratio", "days_since_last_purchase"]
    specs = [BUY_SPECS[name] for name in names]
    lapsed = dict(zip(names, [900.0, 5.0, 60.0], strict=True))
    assert _one_row(specs, lapsed, [-0.5, 0.0, 0.0], {"spend_90d": 300.0}) == []
    # the pace of the last 3 months: "buying at 107% of their usual pace" of a grocery
    # shopper silent 69 days, 3.7x their usual gap
    names = ["purchase_pace_3m_vs_history", "overdue_ratio", "days_since_last_purchase"]
    specs = [BUY_SPECS[name] for name in names]
    for silence, overdue, kept in ((69.0, 3.7, False), (40.0, 3.7, True), (69.0, 2.0, True)):
        values = dict(zip(names, [1.07, overdue, silence], strict=True))
        told = [r.feature for r in _one_row(specs, values, [-0.5, 0.0, 0.0], {names[0]: 0.8})]
        assert told == (names[:1] if kept else [])


SILENCE_SPECS = [
    _number_spec("spend_30d", "spent {spend_30d:,.0f} in the last 30 days"),
    _number_spec("days_since_last_purchase", "no purchase for {days_since_last_purchase:.0f} days"),
    _number_spec("complaints_90d", "{complaints_90d:.0f} complaints in the last 90 days"),
    _number_spec("tickets_90d", "{tickets_90d:.0f} tickets in the last 90 days"),
    _number_spec("billing_errors_90d", "{billing_errors_90d:.0f} billing errors"),
]
SILENT = {
    "spend_30d": 0.0,
    "days_since_last_purchase": 44.0,
    "complaints_90d": 3.0,
    "tickets_90d": 4.0,
    "billing_errors_90d": 2.0,
}
SILENT_TYPICAL = {
    "spend_30d": 50.0,
    "days_since_last_purchase": 10.0,
    "complaints_90d": 0.0,
    "tickets_90d": 0.0,
    "billing_errors_90d": 0.0,
}


@pytest.mark.parametrize(
    ("contributions", "expected"),
    [
        # nothing bought stronger than the silence: the silence takes its place
        ([0.6, 0.2, 0.1, 0.1, 0.1], ["days_since_last_purchase", "complaints_90d"]),
        # the silence stronger: nothing bought goes
        ([0.2, 0.6, 0.1, 0.1, 0.1], ["days_since_last_purchase", "complaints_90d"]),
        # three stronger others fill the room but one: the silence, not "spent 0"
        ([0.6, 0.2, 0.8, 0.7, 0.1], ["complaints_90d", "tickets_90d", "days_since_last_purchase"]),
    ],
)
def test_a_silence_says_nothing_was_bought_in_a_shorter_window(contributions, expected):
    """ "spent 0 in the last 30 days" beside "no purchase for 44 days" tells one silence
    twice; the silence says more, and keeps the place the stronger of the two earned."""
    reasons = _one_row(SILENCE_SPECS, SILENT, contributions, SILENT_TYPICAL)
    assert [r.feature for r in reasons][: len(expected)] == expected
    assert "spend_30d" not in [r.feature for r in reasons]


def test_a_silence_says_it_for_each_customer_and_for_both_windows_of_an_unknown_trend():
    """Several customers at once (the order is kept per customer and direction), and a
    trend unknown because both its windows are empty ("no spend in the 90 days before
    the last 90") beside a silence as long as the two."""
    trend = _number_spec("spend_trend_90d_vs_prev", "spend {spend_trend_90d_vs_prev!c:.0%}")
    trend = dataclasses.replace(trend, reason_missing="no spend in the 90 days before the last 90")
    specs = [*SILENCE_SPECS[:3], trend]
    values = {
        "spend_30d": [0.0, 0.0, 40.0],
        "days_since_last_purchase": [44.0, 200.0, 3.0],
        "complaints_90d": [3.0, 3.0, 3.0],
        "spend_trend_90d_vs_prev": [-0.2, np.nan, np.nan],
    }
    features = pd.DataFrame({"customer_id": [1, 2, 3], **values})
    contributions = np.array(
        [[0.6, 0.2, 0.1, 0.3, -1.0], [0.2, 0.3, 0.1, 0.6, -1.0], [0.1, 0.2, 0.4, 0.6, -1.0]]
    )
    typical = {**SILENT_TYPICAL, "spend_trend_90d_vs_prev": 0.0}
    reasons = explain(
        features,
        contributions,
        specs=specs,
        columns=list(values),
        source_of={},
        means=population_means(features, specs),
        pivots=typical,
    )
    told = [[r.feature for r in listed if r.direction == "raises"] for listed in reasons]
    assert told[0] == ["days_since_last_purchase", "spend_trend_90d_vs_prev", "complaints_90d"]
    assert told[1] == ["days_since_last_purchase", "complaints_90d"]  # 200 days: both windows
    assert told[2][0] == "spend_trend_90d_vs_prev"  # 3 days silent: its unknown trend stands


def test_a_silence_says_a_window_bought_from_no_category_whatever_the_change():
    """ "bought from no category in the last 180 days, 1 fewer than the half-year before"
    beside "no purchase for 202 days" (2,050 of an e-commerce worklist's rows)."""
    change = next(s for s in trends.CATEGORY_SPECS if s.name == "category_breadth_change_180d")
    silence = _number_spec(
        "days_since_last_purchase", "no purchase for {days_since_last_purchase:.0f} days"
    )
    breadth = _number_spec("category_breadth_180d", "{category_breadth_180d:.0f} categories")
    specs = [silence, change, breadth]
    gone = {"days_since_last_purchase": 202.0, "category_breadth_change_180d": -1.0}
    gone["category_breadth_180d"] = 0.0
    told = _one_row(specs, gone, [0.3, 0.5, 0.0], {})
    assert [r.feature for r in told] == ["days_since_last_purchase"]
    narrower = {"days_since_last_purchase": 20.0, "category_breadth_change_180d": -2.0}
    narrower["category_breadth_180d"] = 1.0
    told = _one_row(specs, narrower, [0.3, 0.5, 0.0], {})
    assert [r.feature for r in told] == ["category_breadth_change_180d", "days_since_last_purchase"]


def test_a_usage_silence_says_nothing_was_used_in_a_shorter_window_not_that_nothing_was_bought():
    """ "0 activity events in the last 7 days" beside "no product use for 12 days" told one
    silence twice; "spent 0 in the last 30 days" is another fact, which no product use
    says."""
    specs = [
        _number_spec(
            "days_since_last_event", "no product use for {days_since_last_event:.0f} days"
        ),
        _number_spec(
            "events_activity_7d", "{events_activity_7d:.0f} activity events in the last 7 days"
        ),
        _number_spec("spend_30d", "spent {spend_30d:,.0f} in the last 30 days"),
    ]
    silent = {"days_since_last_event": 12.0, "events_activity_7d": 0.0, "spend_30d": 0.0}
    told = _one_row(specs, silent, [0.3, 0.6, 0.2], {})
    assert [r.feature for r in told] == ["days_since_last_event", "spend_30d"]
    used = {"days_since_last_event": 3.0, "events_activity_7d": 2.0, "spend_30d": 0.0}
    told = _one_row(specs, used, [0.3, 0.6, 0.2], {})
    assert [r.feature for r in told] == ["events_activity_7d", "days_since_last_event", "spend_30d"]


def test_a_wallet_the_customer_outspends_is_no_reason():
    """ "customers like them spend up to 1,780 a year" of a customer who spent 5,302 in
    the year says nothing of them; below it, it stands."""
    wallet = _number_spec("wallet_365d", "customers like them spend up to {wallet_365d:,.0f}")
    spend = _number_spec("spend_365d", "spent {spend_365d:,.0f} in the last 365 days")
    typical = {"wallet_365d": 3000.0, "spend_365d": 900.0}
    outspent = {"wallet_365d": 1780.0, "spend_365d": 5302.0}
    assert "wallet_365d" not in [
        r.feature for r in _one_row([wallet, spend], outspent, [0.6, -0.3], typical)
    ]
    within = {"wallet_365d": 1780.0, "spend_365d": 600.0}
    reasons = _one_row([wallet, spend], within, [0.6, 0.3], typical)
    assert [r.feature for r in reasons] == ["wallet_365d", "spend_365d"]


def test_a_lapsed_customer_is_never_told_their_lapse_is_in_their_favour():
    """ "in their favour: lapsed customer" beside "no purchase for 324 days" (561 of an
    e-commerce worklist's rows); another stage may lower the risk, and a lapse raise it."""
    specs = [lifecycle.STAGE_SPEC]
    lapsed = _one_row(specs, {"lifecycle_stage": "lapsed"}, [-0.5], {})
    assert lapsed == []
    raising = _one_row(specs, {"lifecycle_stage": "lapsed"}, [0.5], {})
    assert [r.text for r in raising] == ["lapsed customer"]
    long_term = _one_row(specs, {"lifecycle_stage": "long-term"}, [-0.5], {})
    assert [(r.text, r.direction) for r in long_term] == [("long-term customer", "lowers")]


def test_one_purchase_sets_no_pace_to_be_behind():
    """ "buying at 0% of their usual pace" of a customer who bought once (1,274 of an
    e-commerce worklist's rows); from two purchases on, the pace is a reason."""
    pace = _number_spec(
        "purchase_pace_3m_vs_history",
        "buying at {purchase_pace_3m_vs_history:.0%} of their usual pace",
    )
    orders = _number_spec("orders_total", "{orders_total:.0f} purchases in total")
    once = {"purchase_pace_3m_vs_history": 0.0, "orders_total": 1.0}
    assert _one_row([pace, orders], once, [0.6, 0.0], {}) == []
    twice = {"purchase_pace_3m_vs_history": 0.0, "orders_total": 2.0}
    texts = [r.text for r in _one_row([pace, orders], twice, [0.6, 0.0], {})]
    assert texts == ["buying at 0% of their usual pace"]


@pytest.mark.parametrize("age", ["days_since_first_purchase", "tenure_days"])
def test_the_age_of_a_customers_one_purchase_day_is_told_by_their_silence(age):
    """A single buyer's first purchase is their last: "no purchase for 136 days" beside
    "in their favour: first purchase on record 136 days ago" told one day both ways. An
    age older than the silence is a fact of its own."""
    silence = _number_spec(
        "days_since_last_purchase", "no purchase for {days_since_last_purchase:.0f} days"
    )
    specs = [silence, _number_spec(age, f"first {{{age}:.0f}} days ago")]
    one_day = {"days_since_last_purchase": 136.0, age: 136.0}
    assert [r.text for r in _one_row(specs, one_day, [0.5, -0.4], {})] == [
        "no purchase for 136 days"
    ]
    bought_again = {"days_since_last_purchase": 136.0, age: 400.0}
    assert len(_one_row(specs, bought_again, [0.5, -0.4], {})) == 2
    # a silence shorter than the typical raises no reason: the age tells the day (a toy
    # shop's one-time buyers of 124 days ago, typical silence 145, had read none)
    recent = {"days_since_last_purchase": 124.0, age: 124.0}
    typical = {"days_since_last_purchase": 145.0, age: 146.0}
    told = [r.text for r in _one_row(specs, recent, [0.8, 1.5], typical)]
    assert told == ["first 124 days ago, no purchase since"]
    # nor where the config keeps the silence out of reasons (`reasons.never`)
    rows = pd.DataFrame({"customer_id": [1], **{k: [v] for k, v in one_day.items()}})
    (hidden,) = explain(
        rows,
        np.array([[0.5, 0.4, -1.0]]),
        specs=specs,
        columns=list(one_day),
        source_of={},
        means=population_means(rows, specs),
        pivots={"days_since_last_purchase": 100.0, age: 200.0},
        never=["days_since_last_purchase"],
    )
    assert [r.text for r in hidden] == ["first 136 days ago"]


def test_the_age_of_a_user_whose_only_day_of_use_began_it_is_told_by_their_silence():
    """ "no product use for 12 days" beside "in their favour: customer for 12 days" of a
    student who clicked once, on their first day."""
    silence = _number_spec(
        "days_since_last_event", "no product use for {days_since_last_event:.0f} days"
    )
    specs = [silence, _number_spec("tenure_days", "customer for {tenure_days:.0f} days")]
    once = {"days_since_last_event": 12.0, "tenure_days": 12.0}
    assert [r.text for r in _one_row(specs, once, [0.5, -0.4], {})] == [
        "no product use for 12 days"
    ]
    used_since = {"days_since_last_event": 3.0, "tenure_days": 12.0}
    assert len(_one_row(specs, used_since, [0.5, -0.4], {})) == 2


def test_attributes_in_two_units_are_one_reason_the_stronger():
    """A charge at a fixed rate per minute is the minutes again: one reason of the two,
    found from the training rows."""
    rng = np.random.default_rng(3)
    minutes = rng.uniform(0, 350, 500).round(1)
    rows = pd.DataFrame(
        {
            "Total day minutes": minutes,
            "Total day charge": (minutes * 0.17).round(2),
            "Customer service calls": rng.integers(0, 9, 500).astype(float),
            "Voice mail plan": rng.integers(0, 2, 500).astype(float),
        }
    )
    specs = [attribute_spec(name, "numeric").renamed(family="attributes") for name in rows]
    twins = twin_attributes(rows, specs)
    assert twins == [["Total day minutes", "Total day charge"]]
    explainer = Explainer(
        specs=specs,
        columns=list(rows.columns),
        source_of={},
        directions={},
        pivots={
            "Total day minutes": 180.0,
            "Total day charge": 30.6,
            "Customer service calls": 1.0,
        },
        twins=twins,
    )
    customer = {"Total day minutes": [293.7], "Total day charge": [49.93]}
    customer |= {"Customer service calls": [4.0], "Voice mail plan": [0.0]}
    features = pd.DataFrame({"customer_id": [1], **customer})
    contributions = np.array([[0.9, 0.8, 0.5, 0.0, -1.0]])
    (reasons,) = explainer.explain(features, contributions, {})
    assert [r.feature for r in reasons] == ["Total day minutes", "Customer service calls"]


def test_the_same_words_twice_are_one_reason():
    """Two features missing for one cause say it once: "no buying rhythm yet"."""
    words = "fewer than two purchase days: no buying rhythm yet"
    gap = _number_spec("gap_median_days", "every {gap_median_days:.0f} days", words)
    overdue = _number_spec("overdue_ratio", "{overdue_ratio!x}", words)
    reasons = _one_row(
        [gap, overdue], {"gap_median_days": np.nan, "overdue_ratio": np.nan}, [0.3, 0.5], {}
    )
    assert [r.text for r in reasons] == [words]


def test_a_reason_as_stored_carries_every_field():
    first, _ = _explain()
    assert [reason.as_dict() for reason in first] == [r._asdict() for r in first]
    assert set(first[0].as_dict()) == set(ReasonOut.model_fields)


def test_a_missing_value_is_no_reason_and_no_template_reads_neutrally_without_numbers():
    """Row 2's unknown recency raises the risk, but "days since last purchase raises the
    risk" says nothing a caller can act on: it is no reason (a feature whose missing
    value means something has `reason_missing`). Tenure has no template: plain words."""
    first, second = _explain()
    assert "days_since_last_purchase" not in [r.feature for r in second]
    tenure = first[-1]
    assert tenure.text == "tenure days lowers the risk"
    assert not any(ch.isdigit() for ch in tenure.text)


def test_pick_respects_counts_and_signs():
    values = np.array([[0.0, 0.0, 0.0], [-1.0, -2.0, 3.0]])
    rows, cols = pick(values, raising=3, lowering=1)
    assert list(zip(rows.tolist(), cols.tolist(), strict=True)) == [(1, 2), (1, 1)]
    rows, cols = pick(values, raising=1, lowering=2)
    assert cols.tolist() == [2, 1, 0]


def test_contributions_and_bias_sum_to_the_booster_margin():
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.normal(size=(200, 3)), columns=["a", "b", "c"])
    y = (x["a"] + rng.normal(size=200) > 0).astype(int)
    booster = xgb.train(
        {"objective": "binary:logistic", "max_depth": 2, "nthread": 1},
        xgb.DMatrix(x, label=y),
        num_boost_round=10,
    )
    contributions = booster.predict(xgb.DMatrix(x), pred_contribs=True)
    margin = booster.predict(xgb.DMatrix(x), output_margin=True)
    grouped = group_contributions(contributions, ["a", "b", "c"], {"b": "bc", "c": "bc"})
    np.testing.assert_allclose(grouped.values.sum(axis=1) + grouped.bias, margin, atol=1e-4)


def test_wrong_width_is_refused():
    with pytest.raises(ValueError, match="columns \\+ bias"):
        group_contributions(np.zeros((2, 3)), ["a", "b", "c"], {})


def test_no_reason_from_the_wrong_side_of_a_learned_direction():
    """Given 'longer tenure, lower risk' (DOMAIN.md does not read tenure), row 1's
    below-average tenure lowering the risk reads as nonsense and goes, and so does row
    2's above-average tenure raising it ("customer for 1027 days" as a cause of leaving)."""
    plain = _explain()
    assert all("tenure_days" in [r.feature for r in row] for row in plain)
    against = _explain(directions={"tenure_days": -1})
    assert against[0] == [r for r in plain[0] if r.feature != "tenure_days"]
    assert "tenure_days" not in [r.feature for r in against[1]]
    assert _explain(directions={"tenure_days": 1}) == plain  # along it: all stay


def test_a_features_direction_is_the_sign_of_its_values_correlation_with_its_contributions():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(500, 3))
    contributions = np.column_stack(
        [0.5 * values[:, 0], -0.3 * values[:, 1], rng.normal(size=500), np.zeros(500)]
    )
    grouped = group_contributions(contributions, ["up", "down", "noise"], {})
    features = pd.DataFrame(values, columns=["up", "down", "noise"])
    assert directions_of(grouped, features) == {"up": 1, "down": -1}


def test_a_learned_direction_turns_where_its_contributions_change_sign():
    """Support calls: the risk jumps between 4 and 5, the training median is 6; read
    against the median, "Support Calls 5" (+5.3) hid the driver of 54 high-risk
    customers."""
    calls = np.array([0, 1, 2, 3, 4, 5, 5, 6, 6, 7, 8, 9, 10], dtype=float)
    contributions = np.column_stack([np.where(calls >= 5, 2.0, -1.0), np.zeros(len(calls))])
    grouped = group_contributions(contributions, ["calls"], {})
    assert crossings_of(grouped, {"calls": calls}, {"calls": 1}) == {"calls": 4.5}
    safer = np.column_stack([np.where(calls >= 5, -2.0, 1.0), np.zeros(len(calls))])
    grouped = group_contributions(safer, ["calls"], {})
    assert crossings_of(grouped, {"calls": calls}, {"calls": -1}) == {"calls": 4.5}

    def five_calls(**crossings: float) -> list[tuple[str, str]]:
        (told,) = explain(
            pd.DataFrame({"customer_id": [1], "calls": [5.0]}),
            np.array([[5.3, -1.0]]),
            specs=[attribute_spec("calls", "numeric")],
            columns=["calls"],
            source_of={},
            means={"calls": 6.0},
            directions={"calls": 1},
            pivots={"calls": 6.0},
            crossings=crossings,
        )
        return [(r.feature, r.direction) for r in told]

    assert five_calls(calls=4.5) == [("calls", "raises")]
    assert five_calls() == []  # the median alone calls 5 the safe side


@pytest.mark.parametrize(
    ("name", "directions", "others"),
    [
        ("PIN_CODE", {"PIN_CODE": -1}, {}),  # a direction learned from codes read as numbers
        ("data_trend_band", {}, {}),  # a name DOMAIN.md reads as a trend, with no change at 0
        ("usage_plan_30d", {}, {"days_since_last_event": 40.0}),  # a window of use
    ],
)
def test_a_text_level_is_told_where_a_numbers_rules_read_its_column(name, directions, others):
    """A model packaged with a direction for Ta Feng's district codes (PIN_CODE -1,
    turning at 114.5) met 'Others' in a ValueError traceback, a batch's and a live
    request's alike; so would text in any column a number's rule reads by its name."""
    specs = [attribute_spec(name, "categorical", ("115", "Others"))]
    specs += [_number_spec(other, "silent {}") for other in others]
    features = pd.DataFrame({name: ["Others"], **{k: [v] for k, v in others.items()}})
    (told,) = explain(
        features,
        np.array([[0.5, *[0.0] * len(others), -1.0]]),
        specs=specs,
        columns=[name, *others],
        source_of={},
        means={},
        directions=directions,
        crossings={"PIN_CODE": 114.5},
    )
    assert [r.value for r in told] == ["Others"]


def test_an_effect_that_turns_has_no_direction():
    """Bank products: 2 safer than 1, 3 or 4 far riskier. Most customers hold 1 or 2, so
    the rank correlation is negative; a direction would hide the strongest reason of
    every 3- or 4-product customer ('raising it from the safe side')."""
    rng = np.random.default_rng(0)
    products = rng.choice([1, 2, 3, 4], size=2000, p=[0.5, 0.46, 0.03, 0.01]).astype(float)
    effect = {1.0: 0.3, 2.0: -0.8, 3.0: 3.8, 4.0: 4.0}
    contributions = np.column_stack(
        [[effect[p] for p in products] + rng.normal(0, 0.05, 2000), np.zeros(2000)]
    )
    grouped = group_contributions(contributions, ["products"], {})
    assert directions_of(grouped, pd.DataFrame({"products": products})) == {}
    # a rare end the quantile edges would merge into the common value's bin
    x = rng.choice([0.0, 1.0, 2.0], size=2000, p=[0.05, 0.85, 0.10])
    turning = np.column_stack([np.where(x == 1, -0.5, 1.0), np.zeros(2000)])
    grouped = group_contributions(turning, ["x"], {})
    assert directions_of(grouped, pd.DataFrame({"x": x})) == {}


PACE = FeatureSpec(
    "purchase_pace_3m_vs_history",
    "float",
    Mechanism.PARTIAL_DEFECTION,
    "Pace.",
    "buying at {purchase_pace_3m_vs_history:.0%} of their usual pace",
)


def _pace_and_tenure(features: pd.DataFrame, contributions: np.ndarray):
    """Reasons of a pace (DOMAIN.md: higher is safer, typical 1.0) and a tenure column."""
    return explain(
        features,
        contributions,
        specs=[PACE, TENURE],
        columns=["purchase_pace_3m_vs_history", "tenure_days"],
        source_of={},
        means={"purchase_pace_3m_vs_history": 1.0, "tenure_days": 600.0},
    )


def test_in_their_favour_only_from_the_side_domain_md_calls_favourable():
    """A collinear feature can lower one customer's risk from the wrong side ('buying at 0%
    of their usual pace'); their strongest lowering reason is then the next one."""
    features = pd.DataFrame(
        {"purchase_pace_3m_vs_history": [0.0, 2.0, np.nan], "tenure_days": [900.0] * 3}
    )
    contributions = np.array([[-0.8, -0.1, 0.0]] * 3)
    reasons = _pace_and_tenure(features, contributions)
    assert [r.feature for r in reasons[0]] == ["tenure_days"]  # pace 0%: no favour in that
    assert [r.feature for r in reasons[1]] == ["purchase_pace_3m_vs_history"]  # 200%: it is
    assert [r.feature for r in reasons[2]] == ["tenure_days"]  # no pace known: no fact either


def test_raising_the_risk_never_from_the_side_domain_md_calls_favourable():
    """'buying at 155% of their usual pace' raising the risk (an interaction's artefact)
    goes; 30% of it raising the risk stays, as does a feature DOMAIN.md does not read."""
    features = pd.DataFrame(
        {"purchase_pace_3m_vs_history": [1.55, 0.3, np.nan], "tenure_days": [100.0] * 3}
    )
    contributions = np.array([[0.8, 0.1, 0.0]] * 3)
    reasons = _pace_and_tenure(features, contributions)
    assert [r.feature for r in reasons[0]] == ["tenure_days"]
    assert [r.feature for r in reasons[1]] == ["purchase_pace_3m_vs_history", "tenure_days"]
    assert [r.feature for r in reasons[2]] == ["tenure_days"]  # unknown pace: says nothing


@pytest.mark.parametrize(
    ("name", "side"),
    [
        ("days_since_last_purchase", "lower"),
        ("days_since_last_event", "lower"),
        ("days_since_last_payment_failed", None),  # a usage log's own types: no reading
        ("days_since_last_negative_interaction", "higher"),
        ("complaints_unresolved_30d", "lower"),
        ("spend_90d", "higher"),
        ("consumables_share_90d", "lower"),
        ("discount_share_365d", "lower"),
        ("purchase_pace_3m_vs_history", "higher"),
        ("events_trend_30d_vs_prev", "higher"),
        ("events_login_30d", None),
        ("category_breadth_change_180d", "higher"),
        ("gap_median_days", None),
        ("gap_cv", None),  # its learned side, judged where its effect turns (not the median)
        ("avg_order_value_365d", None),  # a loyal basket, or a once-a-decade purchase
        ("use_overdue_ratio", "lower"),  # the rhythm of use, as the buying one
        ("active_gap_median_days", None),
        ("region", None),
    ],
)
def test_domain_md_reading_of_each_signal(name, side):
    assert safer_when(name) == side


def test_a_blank_attribute_that_drives_the_score_is_a_reason():
    """A field only some records fill (Var126 blank for the riskiest quarter) was the top
    contribution and never said: the reasons handed over the next causes as the main."""
    blank = attribute_spec("Var126", "numeric")
    plan = attribute_spec("plan", "categorical", ("basic", "pro"), words="plan")
    values = {"Var126": np.nan, "plan": None}
    (reason,) = _one_row([blank, plan], values, [0.6, 0.2], {})
    assert (reason.feature, reason.text) == ("Var126", "Var126 and plan: not recorded")
    assert reason.contribution == pytest.approx(0.8)


def test_blank_attributes_are_one_reason_naming_those_that_move_the_risk_its_way():
    """An operator's usage fields are blank together for a customer who did not recharge:
    "REGION: not recorded", "ON_NET: not recorded" and "in their favour: DATA_VOLUME: not
    recorded" told one fact three times, two of them opposite ways."""
    names = ["REGION", "ON_NET", "MONTANT", "ORANGE", "TIGO", "DATA_VOLUME", "TENURE"]
    specs = [attribute_spec(name, "numeric") for name in names]
    values = dict.fromkeys(names[:-1], np.nan) | {"TENURE": 24.0}
    contributions = [0.2, 0.5, 0.3, 0.1, 0.15, -0.25, 0.4]
    reasons = _one_row(specs, values, contributions, {"TENURE": 12.0})
    assert [(r.feature, r.text) for r in reasons] == [
        ("ON_NET", "ON NET, MONTANT, REGION and 2 more: not recorded"),
        ("TENURE", "TENURE 24 (typical 12)"),
    ]
    assert reasons[0].contribution == pytest.approx(1.0)


def test_a_value_by_the_typical_one_is_a_reason_only_where_the_data_back_its_side():
    """ "months 16" (median 16) raised the risk 801 times on a telecom holdout: near the
    typical customer's value a reason needs the training rows' side behind it."""
    months = attribute_spec("months", "numeric")
    sides = {"months": {"edges": [10.0, 20.0], "sides": [0, 0, 1], "blank": 0}}
    explainer = Explainer(
        specs=[months],
        columns=["months"],
        source_of={},
        directions={},
        pivots={"months": 16.0},
        sides=sides,
    )
    features = pd.DataFrame({"months": [16.0, 17.0, 30.0, 9.0]})
    contributions = np.array([[0.5, -1.0], [0.5, -1.0], [0.5, -1.0], [0.5, -1.0]])
    told = [[r.text for r in row] for row in explainer.explain(features, contributions, {})]
    assert told == [[], [], ["months 30 (typical 16)"], ["months 9 (typical 16)"]]


def test_a_value_inside_the_typical_band_is_no_reason_and_the_next_takes_its_place():
    """ "session_count 10 (typical 9)" headed 46 rows of a Sparkify worklist, where a
    tenth of the users lie between 9 and 11 sessions: inside the band of the training rows
    around the median (`churn.typical`) a value speaks only where the data back its side,
    and the next reason takes its place; a tenure of 17 against 48 stays. A model
    packaged before the bands keeps the 10% rule alone."""
    sessions, tenure = attribute_spec("sessions", "numeric"), attribute_spec("tenure", "numeric")
    sides = {
        "sessions": {"edges": [5.0, 9.0, 12.0], "sides": [0, 0, 0, 0], "blank": 0},
        "tenure": {"edges": [30.0, 52.0], "sides": [1, 0, -1], "blank": 0},
    }
    explainer = Explainer(
        specs=[sessions, tenure],
        columns=["sessions", "tenure"],
        source_of={},
        directions={},
        pivots={"sessions": 9.0, "tenure": 48.0},
        raising=1,
        sides=sides,
        bands={"sessions": [7.0, 11.0], "tenure": [42.0, 52.0]},
    )
    features = pd.DataFrame({"sessions": [10.0, 15.0, 10.0], "tenure": [17.0, 17.0, 43.0]})
    contributions = np.array([[0.9, 0.5, -1.0], [0.9, 0.5, -1.0], [0.9, 0.5, -1.0]])
    told = [[r.text for r in row] for row in explainer.explain(features, contributions, {})]
    assert told == [["tenure 17 (typical 48)"], ["sessions 15 (typical 9)"], []]
    backed = dataclasses.replace(
        explainer, sides={**sides, "sessions": {**sides["sessions"], "sides": [0, 0, 1, 0]}}
    )
    assert [r.text for r in backed.explain(features, contributions, {})[0]] == [
        "sessions 10 (typical 9)"
    ]
    older = dataclasses.replace(explainer, bands={})
    told = [[r.text for r in row] for row in older.explain(features, contributions, {})]
    assert told == [
        ["sessions 10 (typical 9)"],
        ["sessions 15 (typical 9)"],
        ["sessions 10 (typical 9)"],
    ]


def test_a_cell_against_what_the_training_rows_say_of_its_value_is_no_reason():
    """Heavy data users churned at 3% against 19% overall, and "DATA_VOLUME 8,835 (typical
    189)" raised the risk of a customer at 0.3%: where the training rows clearly say the
    other way of a value, the cell is the trees' bookkeeping, not a cause. A learned
    direction does not save it (a recharge count the trees weighed against its twin);
    DOMAIN.md's reading does."""
    volume, region = attribute_spec("volume", "numeric"), attribute_spec("region", "categorical")
    recency = _number_spec("days_since_last_purchase", "no purchase for {:.0f} days")
    specs = [volume, region, recency]
    sides = {
        "volume": {"edges": [100.0, 1000.0], "sides": [1, 0, -1], "blank": 1},
        "region": {"levels": {"north": -1, "south": 1}, "blank": 0},
        "days_since_last_purchase": {"edges": [50.0], "sides": [0, -1], "blank": 0},
    }
    features = pd.DataFrame(
        {
            "volume": [8835.0, 50.0, 500.0, np.nan],
            "region": ["north", "south", "north", "south"],
            "days_since_last_purchase": [90.0, 90.0, 90.0, 90.0],
        }
    )
    explainer = Explainer(
        specs=specs,
        columns=["volume", "region", "days_since_last_purchase"],
        source_of={},
        directions={"volume": 1},
        pivots={"volume": 200.0, "days_since_last_purchase": 30.0},
        sides=sides,
    )
    contributions = np.array(
        [[0.5, 0.4, 0.3, -1.0], [-0.5, -0.4, 0.3, -1.0], [0.5, -0.4, 0.3, -1.0], [0.5, 0.4, 0.3, 0]]
    )
    told = [[r.feature for r in row] for row in explainer.explain(features, contributions, {})]
    assert told == [
        ["days_since_last_purchase"],  # heavy volume and the north churn less
        ["days_since_last_purchase"],  # light volume and the south churn more
        ["volume", "days_since_last_purchase", "region"],  # the middle says neither
        ["volume", "region", "days_since_last_purchase"],  # blanks churn more
    ]


def test_a_claim_the_data_contradict_short_of_the_backing_ratio_is_no_reason():
    """ "in their favour: received calls 0 (typical 52.7)" was told 261 Cell2Cell holdout
    customers, where no received call churned at 1.19x the rest's rate: short of the 1.5x
    a side needs to back a reason, enough to contradict one (`contrary_sides`); the next
    reason takes its place. A reason the data do not contradict stays, and a model
    packaged before the contrary sides keeps its reasons."""
    calls = attribute_spec("ReceivedCalls", "numeric")
    minutes = attribute_spec("MonthlyMinutes", "numeric")
    edges = {"edges": [0.0, 50.0], "blank": 0}
    explainer = Explainer(
        specs=[calls, minutes],
        columns=["ReceivedCalls", "MonthlyMinutes"],
        source_of={},
        directions={},
        pivots={"ReceivedCalls": 52.7, "MonthlyMinutes": 365.0},
        sides={"ReceivedCalls": {**edges, "sides": [0, 0, 0]}},
        contrary_sides={"ReceivedCalls": {**edges, "sides": [1, 0, -1]}},
    )
    features = pd.DataFrame({"ReceivedCalls": [0.0, 0.0, 300.0, 300.0], "MonthlyMinutes": 0.0})
    signs = np.array([[-1.0, 1.0], [1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    contributions = np.column_stack([0.4 * signs[:, 0], 0.8 * signs[:, 1], np.zeros(4)])
    told = [[r.text for r in row] for row in explainer.explain(features, contributions, {})]
    minutes_0, calls_0 = "monthly minutes 0 (typical 365)", "received calls 0 (typical 52.7)"
    assert told == [
        [minutes_0],  # no received call lowering the risk: those churn more
        [calls_0, minutes_0],
        [minutes_0],  # many raising it: those churn less
        [minutes_0, "received calls 300 (typical 52.7)"],
    ]
    older = dataclasses.replace(explainer, contrary_sides={})
    told = [[r.text for r in row] for row in older.explain(features, contributions, {})]
    assert told[0] == [minutes_0, calls_0] and told[2] == [
        calls_0.replace(" 0 ", " 300 "),
        minutes_0,
    ]


def test_a_numeric_attribute_says_the_typical_customers_value_beside_its_own():
    """ "MonthlyCharges 95.2" alone does not say whether 95.2 is much; the training median
    beside it does. A 0/1 flag and a blank say all there is, and a model without training
    medians shows the value alone."""
    charges = attribute_spec("MonthlyCharges", "numeric")
    seats = attribute_spec("seats", "numeric", words="seats")
    senior = attribute_spec("SeniorCitizen", "numeric", flag=True, capitals=True)
    blank = attribute_spec("Var126", "numeric")
    specs = [charges, seats, senior, blank]
    values = {"MonthlyCharges": 95.2, "seats": 40.0, "SeniorCitizen": 1.0, "Var126": np.nan}
    typical = {"MonthlyCharges": 70.35, "seats": 12.0, "SeniorCitizen": 0.0, "Var126": 3.5}
    contributions = [0.6, 0.5, 0.4, -0.3]
    texts = [r.text for r in _one_row(specs, values, contributions, typical)]
    assert texts == [
        "monthly charges 95.2 (typical 70.35)",
        "seats: 40 (typical 12)",
        "senior citizen: Yes",
        "Var126: not recorded",
    ]
    alone = [r.text for r in _one_row(specs[:2], dict(list(values.items())[:2]), [0.6, 0.5], {})]
    assert alone == ["monthly charges 95.2", "seats: 40"]


def test_the_typical_value_is_not_said_beside_one_near_it_and_is_said_plainly():
    """ "NumOfProducts 1 (typical 1)" raising the risk read as "being typical is risky",
    and "TotalCharges 1,430.05 (typical 1,419.4)" as a reason from nothing: within 10% of
    the typical value it goes unsaid. A median of thousands needs no cents."""
    products = attribute_spec("NumOfProducts", "numeric")
    total = attribute_spec("TotalCharges", "numeric")
    salary = attribute_spec("EstimatedSalary", "numeric")
    specs = [products, total, salary]
    values = {"NumOfProducts": 1.0, "TotalCharges": 1430.05, "EstimatedSalary": 78365.75}
    typical = {"NumOfProducts": 1.0, "TotalCharges": 1419.4, "EstimatedSalary": 99521.71}
    texts = [r.text for r in _one_row(specs, values, [0.6, 0.5, 0.4], typical)]
    assert texts == [
        "num of products 1",
        "total charges 1,430.05",
        "estimated salary 78,365.75 (typical 99,522)",
    ]


def test_a_reason_carries_the_typical_value_its_text_names():
    """ "session_count 15 (typical 9)" beside a `population_mean` of 30.38 (the mean, pulled
    up by one user's 158,115 sessions): the median the text calls typical is the reason's
    own field, unrounded, and null where the text names none (a value near it, a feature
    that says none, a model without training medians)."""
    sessions = attribute_spec("sessions", "numeric")
    total = attribute_spec("TotalCharges", "numeric")
    recency = _number_spec("days_since_last_purchase", "no purchase for {:.0f} days")
    specs = [sessions, total, recency]
    values = {"sessions": 15.0, "TotalCharges": 1430.05, "days_since_last_purchase": 94.0}
    typical = {"sessions": 9.0, "TotalCharges": 1419.4, "days_since_last_purchase": 30.0}
    told = [
        (r.text, r.typical, r.population_mean)
        for r in _one_row(specs, values, [0.6, 0.5, 0.4], typical)
    ]
    assert told == [
        ("sessions 15 (typical 9)", 9.0, 15.0),
        ("total charges 1,430.05", None, 1430.05),
        ("no purchase for 94 days", None, 94.0),
    ]
    unrounded = _one_row([sessions], {"sessions": 17.22}, [0.6], {"sessions": 48.2438})
    assert [(r.text, r.typical) for r in unrounded] == [("sessions 17.22 (typical 48.24)", 48.2438)]
    without = _one_row([sessions], {"sessions": 15.0}, [0.6], {})
    assert [(r.text, r.typical) for r in without] == [("sessions 15", None)]


def test_a_reason_names_the_attribute_in_words_and_keeps_its_column_as_the_feature():
    """ "session_count 15 (typical 9)" showed a column name to a retention agent: the text
    reads "session count", the `feature` field stays the column an integrator looks up."""
    sessions = attribute_spec("session_count", "numeric")
    (reason,) = _one_row([sessions], {"session_count": 15.0}, [0.6], {"session_count": 9.0})
    assert (reason.feature, reason.text) == ("session_count", "session count 15 (typical 9)")


def test_never_having_complained_is_no_reason_for_risk_but_may_be_one_against_it():
    """Olist: "no complaint on record" raised the risk of 773 customers. A missing days
    since the last complaint is a complaint never made, the far favourable end of the
    feature; a missing days since the last purchase is the far risky end of its own."""
    since = "days_since_last_negative_interaction"
    complaint = _number_spec(since, f"last complaint {{{since}!d:.0f}}", "no complaint on record")
    silence = _number_spec(
        "days_since_last_purchase",
        "no purchase for {days_since_last_purchase:.0f} days",
        "no purchase yet",
    )
    pivots = {since: 90.0, "days_since_last_purchase": 30.0}
    never = {since: np.nan, "days_since_last_purchase": np.nan}
    raising = _one_row([complaint, silence], never, [0.4, 0.6], pivots)
    assert [(r.text, r.direction) for r in raising] == [("no purchase yet", "raises")]
    lowering = _one_row([complaint, silence], never, [-0.4, -0.6], pivots)
    assert [(r.text, r.direction) for r in lowering] == [("no complaint on record", "lowers")]


def test_where_the_typical_customer_never_complained_no_complaint_is_in_their_favour():
    """A toy shop's refunds: "in their favour: last complaint 323 days ago" (older than
    the complainers' median, 170) in all 609 of its complaint reasons. Where most
    training rows never complained, the typical value is never (`_typical`): any
    complaint sits on the risky side, and never is the typical itself."""
    since = "days_since_last_negative_interaction"
    complaint = _number_spec(since, f"last complaint {{{since}!d:.0f}}", "no complaint on record")
    never_typical = {since: np.inf}
    old = {since: 323.0}
    assert _one_row([complaint], old, [-0.4], never_typical) == []
    (raising,) = _one_row([complaint], old, [0.4], never_typical)
    assert (raising.text, raising.direction) == ("last complaint 323 days ago", "raises")
    assert _one_row([complaint], {since: np.nan}, [-0.4], never_typical) == []
    assert _one_row([complaint], {since: np.nan}, [0.4], never_typical) == []


def test_a_narrow_measure_says_its_typical_value_where_the_training_rows_rank_it_apart():
    """Every underwriting score of an insurer lay within 10% of its median: 98.24 against a
    typical 99.21, below nine in ten of its customers, never said its typical value.
    Outside the training rows' typical band (`churn.typical`) it is said; inside it, or
    shown as the same number, it is not."""
    score = attribute_spec("underwriting_score", "numeric")
    explainer = Explainer(
        specs=[score],
        columns=["underwriting_score"],
        source_of={},
        directions={},
        pivots={"underwriting_score": 99.21},
        raising=1,
        bands={"underwriting_score": [99.2105, 99.4]},
    )
    features = pd.DataFrame({"underwriting_score": [98.24, 99.3, 99.2104]})
    contributions = np.array([[0.9, -1.0]] * 3)
    told = explainer.explain(features, contributions, {})
    assert [[(r.text, r.typical) for r in row] for row in told] == [
        [("underwriting score 98.24 (typical 99.21)", 99.21)],
        [("underwriting score 99.3", None)],
        [("underwriting score 99.21", None)],
    ]
    older = dataclasses.replace(explainer, bands={})
    assert [r.text for r in older.explain(features, contributions, {})[0]] == [
        "underwriting score 98.24"
    ]
