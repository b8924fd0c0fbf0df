"""Ranking: value, value at risk, bands and tiers against hand-computed expectations."""

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from features.attributes import attribute_spec
from features.contract import BandsSpec, RunConfig
from serving.batch import (
    beyond_note,
    beyond_training,
    beyond_training_notes,
    history_note,
    past_p99_note,
    read_as_probability,
    records,
    unseen_categories_note,
    unseen_levels,
)
from serving.ranking import (
    MAX_SEGMENT_LEVELS,
    MEMBERSHIP,
    Rules,
    TierReference,
    band_thresholds,
    customer_value,
    membership,
    rank,
    risk_band,
    rules_for,
    segment_texts,
    segments_of,
    value_tier,
)
from tests.frames import make_tables, transactions


def _features() -> pd.DataFrame:
    """Ten customers; the comments give value = spend_365d + 0.2 × (total − 365d)."""
    return pd.DataFrame(
        {
            "spend_365d": [100.0, 200, 300, 400, 500, 0, np.nan, 50, 60, 1000],
            "spend_total": [100.0, 700, 300, 400, 500, 0, np.nan, 50, 60, 1500],
            # values:      100    300  300  400  500  0   0     50  60  1100
            "wallet_365d": [1000.0, 1000, 10, 10, 10, 10, 10, 2000, 20, 10],
            "wallet_share_365d": [0.1, 0.2, 0.9, 0.9, 0.9, 0.0, np.nan, 0.025, 0.1, 0.9],
        }
    )


def test_value_is_current_plus_a_share_of_earlier_spend():
    value = customer_value(_features(), Rules())
    np.testing.assert_allclose(value, [100, 300, 300, 400, 500, 0, 0, 50, 60, 1100])
    half = customer_value(_features(), Rules(historical_share=0.5))
    assert half[1] == pytest.approx(450.0)


def test_configured_value_wins_and_unknown_value_stays_unknown():
    configured = pd.Series([1.0] * 10)
    np.testing.assert_allclose(customer_value(_features(), Rules(), configured=configured), 1.0)
    assert np.isnan(customer_value(pd.DataFrame({"x": [1, 2]}), Rules())).all()


def test_bands_at_the_thresholds():
    p = np.array([0.0, 0.29, 0.3, 0.59, 0.6, 1.0])
    assert risk_band(p, Rules()).tolist() == ["low", "low", "medium", "medium", "high", "high"]
    assert risk_band(p, Rules(medium_from=0.5, high_from=0.9)).tolist() == [
        "low",
        "low",
        "low",
        "medium",
        "medium",
        "high",
    ]


def test_tiers():
    features = _features()
    tiers = value_tier(features, customer_value(features, Rules()), Rules())
    # top 20% of ten values: 500 and 1100; median wallet is 10, so wallets of 1000,
    # 2000 and 20 are above it; of those, shares 0.1 / 0.2 / 0.025 / 0.1 are below 0.3;
    # the two values of 0 are no cost known: standard, not below zero
    assert tiers.tolist() == [
        "most_growable",
        "most_growable",
        "standard",
        "standard",
        "most_valuable",
        "standard",
        "standard",
        "most_growable",
        "most_growable",
        "most_valuable",
    ]


def test_the_top_tier_is_cut_where_its_share_is_nearest_among_tied_values():
    """2,374 of 4,338 subscribers paid 60 in all: a quantile's "value >= 60" made 61% of
    them "most valuable"; the cut is the held value whose share at or above it is
    nearest the top 20% (70: 12%), and spread values cut as a quantile does."""
    value = np.array([60.0] * 49 + [40.0] * 39 + [70.0] * 12)
    reference = TierReference.of({}, value, Rules())
    assert reference.most_valuable_from == 70.0
    tied = np.array([100.0] + [50.0] * 2 + [10.0] * 7)  # 10% and 30% are as near 20%
    assert TierReference.of({}, tied, Rules()).most_valuable_from == 100.0  # the smaller
    spread = np.arange(1.0, 101.0)
    assert TierReference.of({}, spread, Rules()).most_valuable_from == 81.0  # the top 20


def test_only_a_value_below_zero_is_below_zero_not_a_free_trials_nothing():
    """A SaaS export's 759 free trials (value 0, no revenue and no cost known) were tiered
    `below_zero`, "cost more to serve than they bring"; a configured value net of the
    cost to serve that is negative is."""
    features = pd.DataFrame({"spend_365d": [0.0, 0.0, 100.0], "spend_total": [0.0, 0.0, 100.0]})
    computed = value_tier(features, customer_value(features, Rules()), Rules())
    assert "below_zero" not in computed.tolist()
    configured = customer_value(features, Rules(), configured=pd.Series([-40.0, 0.0, 100.0]))
    assert value_tier(features, configured, Rules()).tolist()[:2] == ["below_zero", "standard"]


def test_tiers_against_a_reference_population():
    """A live request's few customers, tiered where the model's population put the tiers."""
    features = _features()
    value = customer_value(features, Rules())
    own = TierReference.of(features, value, Rules())
    assert (
        value_tier(features, value, Rules(), own).tolist()
        == value_tier(features, value, Rules()).tolist()
    )
    richer = TierReference(most_valuable_from=1e9, wallet_median=1e9)
    tiers = value_tier(features, value, Rules(), richer)
    assert "most_valuable" not in tiers and "most_growable" not in tiers
    assert TierReference.from_info({"tiers": own.as_info()}) == own
    assert TierReference.from_info({}) is None


def test_value_at_risk_is_probability_times_value():
    features = _features()
    p = np.linspace(0.1, 1.0, 10)
    ranked = rank(features, p, Rules())
    np.testing.assert_allclose(
        ranked["value_at_risk"], p * [100, 300, 300, 400, 500, 0, 0, 50, 60, 1100]
    )
    assert ranked["band"].tolist()[:3] == ["low", "low", "medium"]
    assert list(ranked) == ["probability", "band", "value", "value_at_risk", "tier"]


def test_bad_thresholds_are_refused():
    with pytest.raises(ValueError):
        Rules(medium_from=0.7, high_from=0.6)


def test_stored_amounts_carry_no_float_noise():
    features = {"customer_id": np.array(["a", "b"], dtype=object)}
    ranked = {
        "probability": np.array([0.5, 0.25]),
        "band": np.array(["medium", "low"]),
        "value": np.array([24606.257999999998, np.nan]),
        "value_at_risk": np.array([12303.128999999999, np.nan]),
        "tier": np.array(["standard", "standard"]),
    }
    rows = list(records(features, ranked, [[], []], []))
    assert (rows[0]["value"], rows[0]["value_at_risk"]) == (24606.258, 12303.129)
    assert np.isnan(rows[1]["value"])


def test_bands_follow_the_churn_rate_where_it_is_low():
    """At a 7% churn rate nobody reaches 60%: `band=high` would be an empty worklist."""
    assert band_thresholds(BandsSpec(), 0.07) == pytest.approx((0.105, 0.21))
    assert band_thresholds(BandsSpec(), 0.2) == pytest.approx((0.3, 0.6))
    assert band_thresholds(BandsSpec(), None) == (0.3, 0.6)
    assert band_thresholds(BandsSpec(high_from=0.5), 0.07) == pytest.approx((0.105, 0.5))
    assert band_thresholds(BandsSpec(medium_from=0.4), 0.07) == pytest.approx((0.4, 0.4))
    assert band_thresholds(BandsSpec(high_from=0.2), 0.3) == pytest.approx((0.2, 0.2))
    with pytest.raises(ValueError, match="medium_from"):
        BandsSpec(medium_from=0.7, high_from=0.6)


def test_bands_follow_the_odds_of_churn_where_most_customers_churn():
    """AdventureWorks churns at 88% over 90 days: at 0.6, 16,314 of its 17,562 scored
    customers were high risk, and `band=high` filtered out almost no one. Three times the
    odds of churning is the same call as three times the rate where churn is rare; the
    two meet at the defaults, so no band jumps as the rate crosses them."""
    medium, high = band_thresholds(BandsSpec(), 0.88)
    assert (medium, high) == pytest.approx((11 / 12, 22 / 23))  # odds 7.33 x 1.5 and x 3
    assert band_thresholds(BandsSpec(), 1 / 3) == pytest.approx((1.5 * 0.5 / 1.75, 0.6))
    assert band_thresholds(BandsSpec(), 2 / 9) == pytest.approx((0.3, 0.6))  # both at rest
    below, above = (
        band_thresholds(BandsSpec(), 1 / 3 - 1e-9),
        band_thresholds(BandsSpec(), 1 / 3 + 1e-9),
    )
    assert below == pytest.approx(above, abs=1e-6)
    assert band_thresholds(BandsSpec(high_from=0.7), 0.88) == pytest.approx((0.7, 0.7))
    assert band_thresholds(BandsSpec(), 1.0) == (0.3, 0.6)


def test_a_models_rules_carry_its_bands_and_older_models_the_defaults():
    assert rules_for({"bands": {"medium_from": 0.1, "high_from": 0.2}}) == Rules(
        medium_from=0.1, high_from=0.2
    )
    assert rules_for({}) == Rules()


def _config(never: tuple[str, ...] = (), **customers) -> RunConfig:
    attributes = {"attributes": ["region", "Var199", "seats"], **customers}
    data = {
        "customers": {"path": "c.csv", **attributes},
        "transactions": {"path": "t.csv"},
    }
    return RunConfig.model_validate({"name": "t", "data": data, "reasons": {"never": never}})


def test_segments_are_the_few_level_categorical_attributes_or_the_configured_ones():
    """An anonymised code with thousands of levels filters nothing and fills the store."""
    region = attribute_spec("region", "categorical", ("north", "south"))
    codes = tuple(f"c{k}" for k in range(MAX_SEGMENT_LEVELS + 1))
    code = attribute_spec("Var199", "categorical", codes)
    specs = [
        s.renamed(family="attributes") for s in (region, code, attribute_spec("seats", "numeric"))
    ]
    assert segments_of(specs, _config()) == ["region"]
    assert segments_of(specs, _config(segments=["Var199"])) == ["Var199"]
    # an attribute not to act on is no default segment; a configured one still is
    assert segments_of(specs, _config(never=("region",))) == []
    assert segments_of(specs, _config(never=("region",), segments=["region"])) == ["region"]
    with pytest.raises(ValueError, match="segments names no attribute: plan"):
        _config(segments=["plan"])
    # a configured numeric one is a segment too (a gym's Partner 0/1 was dropped unsaid)
    numeric = _config(attributes={"region": None, "seats": "numeric"}, segments=["seats"])
    assert segments_of(specs, numeric) == ["seats"]
    assert segment_texts(np.array([1.0, np.nan, 12.0])).tolist() == ["1", None, "12"]
    assert segment_texts(np.array([2.5, 1.0])).tolist() == ["2.5", "1"]
    extremes = segment_texts(np.array([1e19, 1e-07])).tolist()  # no overflow, no exponent
    assert extremes == ["10000000000000000000", "0.0000001"]
    assert segment_texts(np.array(["north", None], dtype=object)).tolist() == ["north", None]


def test_customers_past_the_highest_risky_value_training_saw_are_counted():
    """Four months of data: regulars silent 47 times their usual gap, past any training
    row, scored 5% at 77% churn; the batch says how many are past and by how much."""
    info = {"training_highest": {"overdue_ratio": 9.0, "days_since_last_purchase": 400.0}}
    features = pd.DataFrame(
        {"overdue_ratio": [1.0, 12.0, 47.0] + [2.0] * 97, "days_since_last_purchase": 100.0}
    )
    (past,) = beyond_training(info, features)
    assert (past.feature, past.customers, past.highest_scored, past.training_limit) == (
        "overdue_ratio",
        2,
        47.0,
        9.0,
    )
    assert beyond_training(info, features.head(0)) == []
    assert beyond_training({}, features) == []  # a model packaged before stores none
    one_in_many = pd.concat([features] * 3, ignore_index=True).assign(overdue_ratio=1.0)
    one_in_many.loc[0, "overdue_ratio"] = 50.0
    assert beyond_training(info, one_in_many) == []  # under 1% of the batch: no note
    (one,) = beyond_training(info, one_in_many, least_share=0.0)  # a live request: each one
    assert one.customers == 1 and np.flatnonzero(one.rows).tolist() == [0]
    assert beyond_note(past, "2 customers") == (
        "2 customers have overdue_ratio above the highest the model trained on (47 against "
        "9): it reads them as that, not later, so their risk may be understated; a model "
        "trained on later cutoffs or longer history learns them"
    )
    many = replace(past, highest_scored=12345.0, training_limit=10950.5)
    assert "(12,345 against 10,950.5)" in beyond_note(many, "2 customers")  # no 1.234e+04


def test_many_customers_past_the_training_rows_99th_percentile_are_counted_once():
    """A retailer's lifetime spend only grows with the data's age: 58.7% of the scored
    customers lay past the training rows' 90th percentile, 12% past their 99th,
    read as the top of training, and nothing said so. A risky feature past its highest
    is said as that, never twice."""
    info = {
        "training_highest": {"overdue_ratio": 9.0},
        "training_p99": {"spend_total": 1000.0, "orders_total": 40.0, "overdue_ratio": 3.0},
    }
    features = pd.DataFrame(
        {
            "spend_total": [1500.0] * 30 + [900.0] * 70,  # 30% past: a note
            "orders_total": [41.0] * 8 + [10.0] * 92,  # 8%: a few big buyers, not a drift
            "overdue_ratio": [12.0] * 2 + [4.0] * 40 + [1.0] * 58,  # 2% past the highest
        }
    )
    past_p99, past_highest = beyond_training(info, features)  # most customers first
    assert (past_highest.feature, past_highest.percentile, past_highest.customers) == (
        "overdue_ratio",
        False,
        2,
    )
    assert (past_p99.feature, past_p99.customers, past_p99.scored) == ("spend_total", 30, 100)
    assert beyond_note(past_p99, "30 customers") == (
        "30 customers (30% of those scored) have spend_total above 99% of the training rows "
        "(its 99th percentile 1,000; up to 1,500 here): the model learned from few customers "
        "like them, so weigh reasons naming it lightly; lifetime totals grow with the data's "
        "age past what the earlier training cutoffs held"
    )
    charge = replace(past_p99, feature="MonthlyCharges")  # grows with no age
    assert beyond_note(charge, "30 customers").endswith("so weigh reasons naming it lightly")
    pace = replace(past_p99, feature="purchase_pace_3m_vs_history")  # a ratio: no total
    assert beyond_note(pace, "30 customers").endswith("so weigh reasons naming it lightly")
    many = [past_p99, replace(pace, customers=20), replace(charge, customers=10), charge]
    assert past_p99_note(many) == (
        "on 4 features many scored customers lie above 99% of the training rows: spend_total "
        "(30 customers, 30%; its 99th percentile 1,000, up to 1,500 here), "
        "purchase_pace_3m_vs_history (20 customers, 20%; its 99th percentile 1,000, up to "
        "1,500 here), MonthlyCharges (10 customers, 10%; its 99th percentile 1,000, up to "
        "1,500 here), and 1 more (MonthlyCharges). The model learned from few customers like "
        "them, so weigh reasons naming these lightly; lifetime totals (spend_total) grow with "
        "the data's age past what the earlier training cutoffs held"
    )
    apart = beyond_training_notes([past_highest, *many[:3]])  # 3 past p99: a note each
    assert len(apart) == 4 and apart[1:] == [
        beyond_note(p, f"{p.customers:,} customers") for p in many[:3]
    ]
    together = beyond_training_notes([past_highest, *many])
    assert together == [apart[0], past_p99_note(many)]
    calm = features.assign(overdue_ratio=4.0)  # none past the highest: the 99th percentile's
    assert [(b.feature, b.percentile) for b in beyond_training(info, calm)] == [
        ("overdue_ratio", True),
        ("spend_total", True),
    ]
    assert beyond_training({"training_highest": info["training_highest"]}, features) == [
        past_highest
    ]  # a model packaged before stores no percentiles and notes none


def test_no_note_on_customers_past_training_where_it_would_show_no_difference():
    """Chinook's batch read "p_alive_bgnbd above 99% of the training rows (its 99th
    percentile 0.9999; up to 0.9999 here)": nothing anyone can see. A probability is
    bounded at 1: past a 99th percentile that reads "over 99%" there is nowhere to go."""
    info = {
        "training_highest": {"overdue_ratio": 9.0},
        "training_p99": {"p_alive_bgnbd": 0.99991, "MonthlyCharges": 118.75},
    }
    features = pd.DataFrame(
        {
            "p_alive_bgnbd": [0.99994] * 30 + [0.5] * 70,  # prints 0.9999 as its limit
            "MonthlyCharges": [118.750001] * 30 + [50.0] * 70,  # prints 118.8 as its limit
            "overdue_ratio": [9.00001] * 2 + [1.0] * 98,  # prints 9 as its highest
        }
    )
    assert beyond_training(info, features) == []
    bounded = {**info, "training_p99": {"p_alive_bgnbd": 0.9996}}
    near_one = features.assign(p_alive_bgnbd=[0.99999] * 30 + [0.5] * 70)  # "1" against 0.9996
    (past,) = beyond_training(bounded, near_one)
    assert (past.feature, past.highest_scored) == ("p_alive_bgnbd", 0.99999)
    assert beyond_training(bounded, near_one, probabilities={"p_alive_bgnbd"}) == []
    lower = {**info, "training_p99": {"p_alive_bgnbd": 0.9}}  # far from the bound: still said
    (past,) = beyond_training(lower, near_one, probabilities={"p_alive_bgnbd"})
    assert past.training_limit == 0.9


def test_the_features_read_as_a_probability_are_those_reasons_show_as_one():
    from features import bgnbd, monetary, wallet

    specs = [*bgnbd.SPECS, *monetary.SPECS, *wallet.ESTIMATED_SPECS]
    assert read_as_probability(specs) == {"p_alive_bgnbd", "wallet_share_365d"}


def test_customers_holding_a_level_training_never_saw_are_counted():
    """A holdout writing '2 - High' for the trained '2-High' was scored as if every
    rating were blank, without a word; blanks and trained levels are no news."""
    levels = {"CreditRating": ["1-Highest", "2-High"], "Plan": ["basic", "pro"]}
    features = pd.DataFrame(
        {
            # '2-HIGH ' is the trained level as the model reads it (case and space folded)
            "CreditRating": ["2 - High"] * 60 + ["1 - Highest"] * 30 + ["2-HIGH "] * 9 + [None],
            "Plan": ["basic"] * 50 + ["pro"] * 50,
        }
    )
    (unseen,) = unseen_levels(levels, features)
    assert (unseen.feature, unseen.customers, unseen.examples) == (
        "CreditRating",
        90,
        ["2 - High", "1 - Highest"],
    )


def test_a_level_of_a_derived_feature_training_never_saw_is_no_fault_of_the_extract():
    """On CDNOW every customer started in the first quarter of 1997, so no training cutoff
    held a "long-term" customer: 54% held it at scoring, and the note told the user to
    check the extract, which writes no stage."""
    levels = {"lifecycle_stage": ["first-time", "lapsed", "short-term"], "Plan": ["basic"]}
    features = pd.DataFrame(
        {"lifecycle_stage": ["long-term"] * 54 + ["short-term"] * 46, "Plan": ["pro"] * 100}
    )
    found = unseen_levels(levels, features, derived={"lifecycle_stage"})
    assert [(u.feature, u.derived) for u in found] == [
        ("Plan", False),  # most customers first
        ("lifecycle_stage", True),
    ]


def test_members_with_paid_periods_are_segmented_into_saves_and_win_backs():
    """Scored under `expiry`, a SaaS export's top 200 held 150 announced cancellations: the
    `membership` segment lets a worklist hold only those still renewing."""
    days_left = attribute_spec("paid_days_left", "numeric")
    region = attribute_spec("region", "categorical", ("north", "south"))
    specs = [region.renamed(family="attributes"), days_left.renamed(family="subscription")]
    assert segments_of(specs, _config()) == ["region", MEMBERSHIP]
    assert segments_of(specs[:1], _config()) == ["region"]  # no paid periods, no segment
    features = {
        "customer_id": np.array([1, 2, 3, 4], dtype=object),
        "region": np.array(["north", "south", "north", "south"], dtype=object),
        "paid_days_left": np.array([12.0, -3.0, 20.0, np.nan]),
        "cancelled_since_last_payment": np.array([0.0, 0.0, 1.0, np.nan]),
    }
    assert membership(features).tolist() == ["renewing", "ended", "cancelled", "renewing"]
    ranked = {
        "probability": np.array([0.1, 0.9, 0.8, 0.2]),
        "band": np.array(["low", "high", "high", "low"]),
        "value": np.array([1.0, 1.0, 1.0, 1.0]),
        "value_at_risk": np.array([0.1, 0.9, 0.8, 0.2]),
        "tier": np.array(["standard"] * 4),
    }
    rows = list(records(features, ranked, [[]] * 4, ["region", MEMBERSHIP]))
    assert rows[2]["segments"] == {"region": "north", MEMBERSHIP: "cancelled"}
    # a gym's own `membership` tier is an attribute: it keeps its values, and no segment is added
    tier = attribute_spec(MEMBERSHIP, "categorical", ("gold", "silver")).renamed(
        family="attributes"
    )
    assert segments_of([tier, specs[1]], _config()) == [MEMBERSHIP]
    gym = {**features, MEMBERSHIP: np.array(["gold", "silver", "gold", "gold"], dtype=object)}
    rows = list(records(gym, ranked, [[]] * 4, [MEMBERSHIP]))
    assert [row["segments"][MEMBERSHIP] for row in rows] == ["gold", "silver", "gold", "gold"]


def test_scores_of_an_extract_starting_after_the_training_data_say_so():
    """Trained from 2023-01-01, an extract of 2024 alone reads its 365-day windows as
    unknown for customers who signed up before: these scores differ from a live POST of
    the full history, and `churn score` says why."""
    specs = [attribute_spec("spend_365d", "numeric").renamed(reach_days=730)]
    model = SimpleNamespace(info={"data_start": "2023-01-01"}, specs=specs)
    late = SimpleNamespace(history_from=pd.Timestamp("2024-01-01"))
    note = history_note(model, late, pd.Timestamp("2024-06-30"))
    assert note is not None and note.startswith("the data's activity starts on 2024-01-01")
    assert "extract the history from 2023-01-01 on" in note
    assert history_note(model, late, pd.Timestamp("2026-06-30")) is None  # no window reaches
    same = SimpleNamespace(history_from=pd.Timestamp("2023-01-01"))
    assert history_note(model, same, pd.Timestamp("2024-06-30")) is None


def test_a_batch_counts_its_first_listed_as_the_store_lists_them(tmp_path):
    """`first_listed_of` counts a batch before it is written (the store's sort of a 300k
    batch took 4.6 s): the same counts as the written batch's worklist order."""
    from serving import store
    from serving.ranking import first_listed_of

    rng = np.random.default_rng(3)
    n = 400
    probability = rng.choice([0.05, 0.2, 0.5, 0.9], n)
    value = np.where(rng.random(n) < 0.1, np.nan, rng.lognormal(5, 2, n))
    value[:20] = 0.0
    ranked = {
        "probability": probability,
        "band": np.where(probability < 0.3, "low", np.where(probability < 0.6, "medium", "high")),
        "value": value,
        "value_at_risk": probability * value,
    }
    margin = np.log(probability / (1 - probability)) + rng.normal(0, 0.01, n)
    rows = [
        {
            "customer_id": str(i),
            "probability": probability[i],
            "band": ranked["band"][i],
            "value": None if np.isnan(value[i]) else value[i],
            "value_at_risk": None if np.isnan(value[i]) else probability[i] * value[i],
            "tier": "standard",
            "margin": margin[i],
        }
        for i in range(n)
    ]
    engine = store.connect(f"sqlite:///{tmp_path / 'scores.db'}")
    batch_id = store.write_batch(
        engine,
        model_name="m",
        model_version="1",
        cutoff=pd.Timestamp("2024-06-30").date(),
        rows=rows,
    )
    for first in (10, 200, 1000):
        assert first_listed_of(ranked, margin, first=first) == store.first_listed(
            engine, batch_id, first=first
        )


def test_a_batch_says_which_customers_bought_in_categories_the_model_never_saw():
    """A later extract's new product line ('gift cards') is scored as a category of its
    own: `churn score` says so, as a live request's note does; a purchase after the cutoff,
    a customer not scored, or a model keeping only its commonest categories say nothing."""
    lines = transactions(
        [
            ("a", "2024-03-01", 5.0, "dairy"),
            ("a", "2024-04-01", 5.0, "gift cards"),
            ("b", "2024-04-02", 5.0, "gift cards"),
            ("c", "2024-04-03", 5.0, "toys"),  # c is not scored
            ("d", "2024-07-01", 5.0, "garden"),  # after the cutoff
        ],
        columns=("category",),
    )
    tables = make_tables(transaction_frame=lines)
    features = pd.DataFrame({"customer_id": ["a", "b", "d"]})
    info = {"categories": {"levels": ["dairy"], "rarer": 0}}
    names = ["category_breadth_365d", "spend_90d"]
    cutoff = pd.Timestamp("2024-06-30")
    assert unseen_categories_note(info, names, tables, features, cutoff) == (
        "2 customers bought in categories the model's data never held ('gift cards'): each "
        "is read as a category of its own in the breadth; retrain on data that holds them "
        "for the model to learn them"
    )
    rarer = {"categories": {"levels": ["dairy"], "rarer": 40}}
    assert unseen_categories_note(rarer, names, tables, features, cutoff) is None
    assert unseen_categories_note(info, ["spend_90d"], tables, features, cutoff) is None
    assert unseen_categories_note({}, names, tables, features, cutoff) is None


def test_a_customer_of_unknown_value_has_no_tier_not_standard():
    """No value column and no amounts (a Groceries log), or a blank in the value column:
    `standard` claimed a value known to be ordinary; the tier is unknown."""
    unvalued = pd.DataFrame({"orders_365d": [3.0, 1.0, 7.0]})
    value = customer_value(unvalued, Rules())
    assert np.isnan(value).all()
    assert value_tier(unvalued, value, Rules()).tolist() == [None, None, None]
    configured = customer_value(_features(), Rules(), configured=pd.Series([np.nan] + [5.0] * 9))
    tiers = value_tier(_features(), configured, Rules())
    assert tiers[0] is None and None not in tiers[1:].tolist()
    ranked = rank(unvalued, np.array([0.2, 0.5, 0.9]), Rules())
    assert ranked["tier"].tolist() == [None, None, None]
    assert np.isnan(ranked["value_at_risk"]).all()
