"""The packaged ChurnModel: behaviour on customers built by hand, and its scoring contract.

One small simulated retail data set is trained once per module (out-of-time, no MLflow);
the tests score raw tables and feature rows with the packaged model, as serving does.
"""

import warnings
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pytest

from churn.model import MAX_LEVELS, ChurnModel, FeatureLayout
from features import trees
from features.attributes import attribute_spec
from features.contract import BandsSpec, load_config
from features.registry import FeatureSpec, Mechanism
from features.sources import load_tables
from features.tables import Tables
from serving.ranking import band_thresholds
from tests.frames import customers, interactions, transactions
from tests.training.datasets import ONE_THREAD, simulated
from training.package import _typical, _typical_levels, package_model
from training.protocol import Outcome, out_of_time
from training.report import build_report

TX_COLUMNS = ("quantity", "category", "discount", "order_id")
INTERACTION_COLUMNS = ("resolved_at", "satisfaction", "recorded_at")


@dataclass(frozen=True)
class Trained:
    model: ChurnModel
    outcome: Outcome
    tables: Tables

    @property
    def test_cutoff(self) -> pd.Timestamp:
        return pd.Timestamp(self.model.info["test_cutoffs"][-1])

    def test_features(self) -> pd.DataFrame:
        keys = self.outcome.scored[["customer_id", "cutoff"]]
        return self.outcome.data.frame.merge(keys, on=["customer_id", "cutoff"])


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Trained:
    path = simulated(
        tmp_path_factory.mktemp("retail"),
        customers=3000,
        months=18,
        seed=11,
        training={"cutoffs": 4, "max_rounds": 200, "params": ONE_THREAD},
    )
    config = load_config(path)
    tables = load_tables(config)
    outcome = out_of_time(tables, config)
    model = package_model(outcome, config, build_report(outcome, tables, config), tables)
    return Trained(model, outcome, tables)


def test_the_model_keeps_the_placeholders_the_loader_read_as_unknown(trained):
    """Live scoring reads a posted 'unknown' as the loader read it (`serving/live_tables.py`)."""
    read = replace(trained.tables, unknown_texts={"seats": ("?", "unknown")})
    config = trained.model.config
    model = package_model(
        trained.outcome, config, build_report(trained.outcome, read, config), read
    )
    assert model.info["unknown_texts"] == {"seats": ["?", "unknown"]}
    assert trained.model.info["unknown_texts"] == {}


def test_bands_follow_the_probabilities_over_the_test_rows(trained):
    """Not the training rows' rate, which drift leaves behind (RavenStack's earlier
    cutoffs churned 5.2% and its scored customers averaged 12.6%: 379 of 427 were medium,
    none low), nor the test's observed rate, which may rest on one churner."""
    info = trained.model.info
    assert info["band_rate"] == pytest.approx(trained.outcome.scored["p_model"].mean())
    medium, high = band_thresholds(BandsSpec(), info["band_rate"])
    assert info["bands"] == {"medium_from": medium, "high_from": high}
    drifted = trained.outcome.scored.assign(p_model=0.3)  # churn rose since training
    outcome = replace(trained.outcome, scored=drifted)
    config = trained.model.config
    model = package_model(
        outcome, config, build_report(outcome, trained.tables, config), trained.tables
    )
    assert model.info["band_rate"] == pytest.approx(0.3)
    assert model.info["training_churn_rate"] == trained.model.info["training_churn_rate"]


def test_a_model_trained_on_calendar_days_times_resolutions_so(trained):
    """Resolution times keep the fraction of a day since today; a model packaged before
    scores them in calendar days, as it was trained."""
    model = trained.model
    assert model.info["resolution_timed"] is True
    assert model.as_trained(trained.tables).resolution_timed is True
    info = {k: v for k, v in model.info.items() if k != "resolution_timed"}
    assert replace(model, info=info).as_trained(trained.tables).resolution_timed is False
    # a model from before a usage log's silence could lapse scores as it was trained
    assert model.info["lapsed_by_use"] is True
    info = {k: v for k, v in model.info.items() if k != "lapsed_by_use"}
    assert replace(model, info=info).as_trained(trained.tables).lapsed_by_use is False


def test_a_model_keeps_the_event_types_its_training_left_out_of_use(trained):
    """The types the loader left out as other tables' rows (none in this log) are kept
    with the model, which reads a live request's events by them, as trained: not
    re-derived from the config (a log that was all payments kept them as use)."""
    model = trained.model
    assert model.info["apart_from_use"] is True and model.info["not_use_types"] == []
    assert isinstance(model.info["typical_levels"], dict)  # the /docs example's levels
    assert model.not_use_types == frozenset()
    info = {**model.info, "not_use_types": ["Submit Payment"]}
    assert replace(model, info=info).not_use_types == {"Submit Payment"}
    before = {k: v for k, v in model.info.items() if k not in ("apart_from_use", "not_use_types")}
    assert replace(model, info=before).not_use_types == frozenset()


def test_a_model_over_time_keeps_no_training_rows(trained):
    """Every cutoff's customers are scored again by design: only a labelled snapshot's
    model keeps its fitted-on rows (`churn.trained_rows`), for `churn score` to count."""
    assert trained.model.info["trained_rows"] is None


# -- behaviour: customers written by hand, scored from raw tables -------------------------------


def _every_two_weeks(customer_id: int, start: str, end: str, categories: list[str]) -> list:
    days = pd.date_range(start, end, freq="14D")
    return [
        (
            customer_id,
            f"{day.date()} 10:00",
            180.0,
            3.0,
            categories[i % 3],
            0.0,
            f"{customer_id}-{i}",
        )
        for i, day in enumerate(days)
    ]


def _complaints(customer_id: int) -> list:
    """Three recent complaints and a billing error, none resolved, unhappy surveys."""
    rows = [
        ("2024-01-20", "complaint", 2.0),
        ("2024-02-10", "complaint", 1.0),
        ("2024-03-05", "billing_error", None),
        ("2024-03-20", "complaint", 1.0),
    ]
    return [
        (customer_id, f"{day} 09:00", kind, None, score, f"{day} 10:00")
        for day, kind, score in rows
    ]


def _hand_made(trained: Trained, *, purchases: list, complaints: list) -> Tables:
    """Customers with the trained data's columns, attributes and levels, and these events."""
    like = trained.tables
    first = like.customers.iloc[0]
    ids = sorted({r[0] for r in purchases})
    people = customers(
        ids,
        signup=["2021-06-01"] * len(ids),
        **{name: [first[name]] * len(ids) for name in like.attributes},
    )
    return replace(
        like,
        customers=people,
        transactions=transactions(purchases, columns=TX_COLUMNS),
        interactions=interactions(complaints, columns=INTERACTION_COLUMNS),
    )


def _scores(trained: Trained, tables: Tables) -> dict[int, float]:
    features = trained.model.features(tables, trained.test_cutoff)
    return dict(zip(features["customer_id"], trained.model.predict_proba(features), strict=True))


def test_customer_who_stops_buying_and_complains_scores_higher_than_a_regular_buyer(trained):
    consumable = (trained.tables.consumable_categories or ("consumables",))[0]
    categories = [consumable, "equipment", "tools"]
    end = str(trained.test_cutoff.date())
    tables = _hand_made(
        trained,
        purchases=[
            *_every_two_weeks(1, "2023-01-05", end, categories),  # still buying every 2 weeks
            *_every_two_weeks(2, "2023-01-05", "2023-10-31", categories),  # silent for 5 months
        ],
        complaints=_complaints(2),
    )
    scores = _scores(trained, tables)
    assert scores[2] > scores[1] + 0.2, scores
    assert scores[1] < 0.2, scores


def test_complaints_alone_raise_the_risk_of_an_otherwise_identical_buyer(trained):
    categories = ["equipment", "tools", "furniture"]
    end = str(trained.test_cutoff.date())
    purchases = [
        *_every_two_weeks(1, "2023-01-05", end, categories),
        *_every_two_weeks(2, "2023-01-05", end, categories),
    ]
    features = trained.model.features(
        _hand_made(trained, purchases=purchases, complaints=_complaints(2)), trained.test_cutoff
    )
    margin = dict(zip(features["customer_id"], trained.model.margin(features), strict=True))
    p = dict(zip(features["customer_id"], trained.model.predict_proba(features), strict=True))
    assert margin[2] > margin[1], margin  # the booster's risk score moves up
    assert p[2] >= p[1], p  # calibration is monotone (isotonic steps may tie at the low end)


def test_scoring_raw_tables_reproduces_the_training_scores(trained):
    """No training-serving skew: the artifact rebuilds the same features from raw tables."""
    scored = trained.outcome.scored.head(25)
    ids = set(scored["customer_id"])
    tables = trained.tables
    subset = replace(
        tables,
        customers=tables.customers[tables.customers["customer_id"].isin(ids)],
        transactions=tables.transactions[tables.transactions["customer_id"].isin(ids)],
        interactions=tables.interactions[tables.interactions["customer_id"].isin(ids)],
    )
    again = _scores(trained, subset)
    expected = dict(zip(scored["customer_id"], scored["p_model"], strict=True))
    assert set(again) == ids
    # training scored with XGBoost, the artifact with its compiled trees: equal up to
    # XGBoost's float32 sums (features/trees.py)
    np.testing.assert_allclose([again[i] for i in expected], list(expected.values()), atol=1e-6)


# -- the scoring contract ---------------------------------------------------------------------


def test_contributions_sum_to_the_margin(trained):
    rows = trained.test_features().head(200)
    contributions = trained.model.contributions(rows)
    assert contributions.shape == (len(rows), len(trained.model.layout.names) + 1)  # + bias
    np.testing.assert_allclose(
        contributions.sum(axis=1), trained.model.margin(rows), rtol=1e-5, atol=1e-4
    )


def test_the_model_knows_which_way_its_main_features_move_the_risk(trained):
    """Learned from the training rows' contributions, for reasons (serving/reasons.py)."""
    directions = trained.model.info["risk_directions"]
    assert directions["days_since_last_purchase"] == 1  # the longer the silence, the riskier
    assert set(directions.values()) <= {-1, 1}
    assert set(directions) <= {s.name for s in trained.model.specs if s.dtype != "category"}


def test_a_start_a_blank_signup_leaves_unknown_scores_at_its_training_median(trained):
    """A club's members with START_DATE blanked scored 0.1% each where their dates gave up
    to 0.88: the trees never saw a blank tenure and took their default branch."""
    fills = trained.model.median_fills
    assert {"tenure_days", "days_until_anniversary"} <= set(fills)
    rows = trained.test_features().head(5)
    blank = rows.assign(tenure_days=np.nan, days_until_anniversary=np.nan)
    typical = rows.assign(
        tenure_days=fills["tenure_days"], days_until_anniversary=fills["days_until_anniversary"]
    )
    assert trained.model.scores(blank)[0] == pytest.approx(trained.model.scores(typical)[0])


def test_the_model_keeps_each_numeric_features_99th_percentile_in_training(trained):
    """What `churn score` reads a batch's customers against (`beyond_training`): the
    fitted-on rows', not the test's."""
    rows = trained.outcome.data.at(trained.outcome.plan.train)
    p99 = trained.model.info["training_p99"]
    assert p99["spend_total"] == pytest.approx(rows["spend_total"].quantile(0.99))
    assert p99["orders_total"] == pytest.approx(rows["orders_total"].quantile(0.99))
    assert "lifecycle_stage" not in p99  # a category has no percentile
    # nor a customer's age: the scoring cutoff is later than every training one
    assert not {"tenure_days", "days_since_first_purchase"} & set(p99)


def test_xgboost_scores_when_the_trees_do_not_compile(trained, monkeypatch, caplog):
    """Trees too large to table (deep ones) leave scoring to XGBoost: same answers, and
    the log says why scoring got slower."""
    rows = trained.test_features().head(100)
    compiled = trained.model.scores(rows)
    assert trained.model._trees is not None
    monkeypatch.setattr(trees, "MAX_TABLE_ENTRIES", 0)
    fallback = replace(trained.model)  # a fresh instance: nothing compiled yet
    with caplog.at_level("WARNING", logger="churn.model"):
        assert fallback._trees is None
    assert "could not be compiled" in caplog.text
    for ours, xgboosts in zip(compiled, fallback.scores(rows), strict=True):
        np.testing.assert_allclose(ours, xgboosts, atol=1e-5)
    np.testing.assert_allclose(fallback.margin(rows), trained.model.margin(rows), atol=1e-5)
    assert fallback.scores(rows.head(0))[1].shape == (0, len(trained.model.layout.names) + 1)


def test_a_few_customers_score_with_the_consumables_of_training(trained):
    """Consumable categories are inferred in training and kept: scoring a few customers'
    rows (a live request) does not infer its own set from them."""
    assert trained.model.consumable_categories  # (here the configured ones)
    categories = set(trained.tables.transactions["category"].dropna())
    other = tuple(sorted(categories - set(trained.model.consumable_categories)))
    model = replace(trained.model, consumable_categories=other)  # not what rows would say
    unset = replace(trained.tables, consumable_categories=None)
    when = trained.test_cutoff
    full = model.features(unset, when).set_index("customer_id")
    configured = model.features(replace(unset, consumable_categories=other), when)
    np.testing.assert_array_equal(
        full["consumables_share_90d"], configured["consumables_share_90d"]
    )
    ids = full.index[:: len(full) // 7][:7]
    few = replace(
        unset,
        customers=unset.customers[unset.customers["customer_id"].isin(ids)],
        transactions=unset.transactions[unset.transactions["customer_id"].isin(ids)],
        events=None,
        interactions=None,
    )
    got = model.feature_columns(few, when)
    expected = full.loc[got["customer_id"], "consumables_share_90d"].to_numpy()
    np.testing.assert_array_equal(got["consumables_share_90d"], expected)


def test_predict_returns_probabilities_and_is_the_pyfunc_entry_point(trained):
    rows = trained.test_features().head(50)
    p = trained.model.predict_proba(rows)
    assert ((p >= 0) & (p <= 1)).all()
    out = trained.model.predict(None, rows)
    assert list(out.columns) == ["churn_probability"]
    np.testing.assert_array_equal(out["churn_probability"].to_numpy(), p)
    assert len(trained.model.predict_proba(rows.iloc[:0])) == 0


def test_unseen_level_scores_like_a_missing_one_and_inf_like_nan(trained):
    model = trained.model
    category = next(iter(model.layout.levels))
    numeric = next(n for n in model.layout.names if n not in model.layout.levels)
    rows = trained.test_features().head(20)
    unseen = rows.assign(**{category: "a level never seen in training", numeric: np.inf})
    missing = rows.assign(**{category: None, numeric: np.nan})
    with warnings.catch_warnings():  # e.g. pandas deprecating unseen levels in a Categorical
        warnings.simplefilter("error")
        np.testing.assert_array_equal(model.predict_proba(unseen), model.predict_proba(missing))


def test_layout_maps_unseen_levels_to_missing_and_never_passes_inf():
    frame = pd.DataFrame(
        {
            "plan": ["pro", "enterprise", None, "basic"],
            "spend[90d]": [1.0, np.inf, -np.inf, np.nan],
            "seats": ["3", "x", None, 4],  # numbers as text are read, junk is missing
        }
    )
    layout = FeatureLayout(names=["seats", "plan", "spend[90d]"], levels={"plan": ["basic", "pro"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        matrix = layout.matrix(frame)
    assert list(matrix.columns) == ["seats", "plan", "spend_90d_"]  # declared order, safe names
    assert list(matrix["plan"].cat.categories) == ["basic", "pro"]
    assert matrix["plan"].tolist()[0] == "pro" and matrix["plan"].tolist()[3] == "basic"
    assert matrix["plan"].isna().tolist() == [False, True, True, False]
    assert matrix["spend_90d_"].tolist()[0] == 1.0
    assert matrix["spend_90d_"].isna().tolist() == [False, True, True, True]
    assert np.isfinite(matrix["spend_90d_"].dropna()).all()
    assert matrix["seats"].isna().tolist() == [False, True, True, False]
    assert matrix.index.equals(frame.index)


def test_layout_learns_levels_from_the_training_rows_only():
    specs = [
        attribute_spec("plan", "categorical", ("basic", "pro", "max")),
        attribute_spec("seats", "numeric"),
    ]
    frame = pd.DataFrame(
        {
            "plan": pd.Categorical(["pro", "basic", None], categories=["basic", "pro", "max"]),
            "seats": [1.0, 2.0, 3.0],
        }
    )
    layout = FeatureLayout.learn(frame, specs)
    assert layout.names == ["plan", "seats"]
    assert layout.levels == {"plan": ["basic", "pro"]}  # 'max' never occurred in training


def test_a_column_of_many_levels_keeps_the_most_frequent():
    spec = attribute_spec("zip", "categorical")
    values = [f"z{i:03d}" for i in range(MAX_LEVELS + 50)] + ["z149"] * 3 + ["z120"] * 2
    layout = FeatureLayout.learn(pd.DataFrame({"zip": values}), [spec])
    kept = layout.levels["zip"]
    assert len(kept) == MAX_LEVELS and {"z149", "z120", "z000"} <= set(kept)
    assert "z148" not in kept  # a level of one customer among the rarest: read as missing
    assert layout.rare_levels == {"zip": 50} and layout.too_rare_to_keep("zip") == 50
    assert layout.most_common == {"zip": "z149"}  # what the /docs example posts


def test_a_layout_knows_whether_it_left_out_rare_levels():
    """A level the model does not know is new only where training's every level was
    kept; a model packaged before the count was kept may have left some out where it
    holds `MAX_LEVELS` levels."""
    layout = FeatureLayout.learn(
        pd.DataFrame({"plan": ["a", "b", "a"]}), [attribute_spec("plan", "categorical")]
    )
    assert layout.rare_levels == {} and layout.too_rare_to_keep("plan") == 0
    many = {"zip": [f"z{i:03d}" for i in range(MAX_LEVELS)], "plan": ["a", "b"]}
    older = FeatureLayout(names=["zip", "plan"], levels=many)
    assert older.too_rare_to_keep("zip") is None and older.too_rare_to_keep("plan") == 0
    assert older.capped == {"zip"} and layout.capped == frozenset()


def test_a_never_most_customers_share_is_the_typical_value():
    """The median of days since the last complaint counts a complaint never made as the
    far end: most never complained, so the typical customer has none (not the
    complainers' median, against which an old complaint read in their favour)."""
    specs = [
        FeatureSpec(n, "float", Mechanism.SERVICE, "d", "r")
        for n in ("days_since_last_negative_interaction", "spend_90d")
    ]
    rows = pd.DataFrame(
        {
            "days_since_last_negative_interaction": [100.0, 200.0, np.nan, np.nan, np.nan],
            "spend_90d": [1.0, 2.0, np.nan, 4.0, 5.0],
        }
    )
    assert _typical(rows, specs, "median") == {
        "days_since_last_negative_interaction": np.inf,
        "spend_90d": 3.0,
    }
    assert _typical(rows.head(3), specs, "median")["days_since_last_negative_interaction"] == 200.0
    assert _typical(rows, specs, "mean")["days_since_last_negative_interaction"] == 150.0


def test_the_typical_levels_are_one_customers_not_each_attributes_own():
    """FoodMart's /docs example took each attribute's most common level: a Lebanon in CA.
    The most common combination is one real customer's."""
    rows = pd.DataFrame(
        {
            "city": ["Lebanon", "Lebanon", "LA", "SF", "SD"],
            "state": ["OR", "OR", "CA", "CA", "CA"],
            "age": [30.0, 40.0, 50.0, 20.0, 25.0],
        }
    )
    kinds = {"city": "categorical", "state": "categorical", "age": "numeric"}
    assert _typical_levels(rows, kinds) == {"city": "Lebanon", "state": "OR"}
    assert _typical_levels(rows, {"age": "numeric"}) == {}
