"""Pure metrics on a handful of rows, each expectation computed by hand; the calibrator."""

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from features.contract import (
    ChurnSpec,
    CustomersSpec,
    DataSpec,
    EventsSpec,
    LabelSpec,
    ProfitSpec,
    RunConfig,
    TransactionsSpec,
)
from features.registry import FeatureSpec, Mechanism
from tests.frames import customers, events, make_tables, transactions
from training.calibrate import METHODS, fit_calibrator, fit_platt
from training.dataset import assemble
from training.evaluate import (
    calibration_limit,
    classification_metrics,
    ece_by_chance,
    expected_calibration_error,
    lift_at,
    profit_curve,
)
from training.leaks import strongest_single_feature
from training.protocol import value_of
from training.report import (
    METRICS,
    _labelled_unknown,
    _predate_data,
    _profit,
    amount,
    caveats,
    longest_window,
    percent,
    print_report,
)

# -- expected calibration error ----------------------------------------------------------------


def test_ece_by_hand():
    y = np.array([0, 1, 0, 1, 1, 1])
    p = np.array([0.25, 0.25, 0.75, 0.75, 0.75, 0.95])
    # bin [0.2, 0.3): 2 rows, observed 1/2, mean p 0.25 -> 2/6 * |0.5 - 0.25|    = 0.083333
    # bin [0.7, 0.8): 3 rows, observed 2/3, mean p 0.75 -> 3/6 * |0.6667 - 0.75| = 0.041667
    # bin [0.9, 1.0]: 1 row,  observed 1,   mean p 0.95 -> 1/6 * |1 - 0.95|      = 0.008333
    assert expected_calibration_error(y, p) == pytest.approx(2 / 15)


def test_ece_is_zero_when_each_bin_matches_its_rate_including_the_ends():
    # p = 0 and p = 1 fall in the first and last bins (1.0 is not a bin of its own)
    y = np.array([0, 0, 1, 1, 0, 1])
    p = np.array([0.0, 0.0, 1.0, 1.0, 0.5, 0.5])
    assert expected_calibration_error(y, p) == 0.0


def test_ece_with_fewer_bins():
    y = np.array([0, 0, 1, 1])
    p = np.array([0.1, 0.3, 0.6, 0.8])
    # 2 bins: [0, 0.5) holds rows 0, 1 (rate 0, mean p 0.2); [0.5, 1] rows 2, 3 (rate 1, p 0.7)
    # ECE = 1/2 * 0.2 + 1/2 * 0.3 = 0.25
    assert expected_calibration_error(y, p, bins=2) == pytest.approx(0.25)


@pytest.mark.parametrize("n", [200, 2000])
def test_ece_by_chance_is_what_calibrated_outcomes_exceed_one_time_in_20(n):
    """Against outcomes drawn from the probabilities themselves, scored one by one."""
    rng = np.random.default_rng(n)
    p = rng.beta(2, 1.2, n)
    drawn = [expected_calibration_error((rng.random(n) < p).astype(int), p) for _ in range(400)]
    assert ece_by_chance(p) == pytest.approx(np.quantile(drawn, 0.95), rel=0.12)


def test_ece_by_chance_shrinks_as_the_test_grows():
    rng = np.random.default_rng(0)
    small, large = (ece_by_chance(rng.uniform(0, 1, n)) for n in (300, 30_000))
    assert small > 0.05 > 0.01 > large


def test_the_calibration_limit_is_max_ece_or_what_chance_gives_where_that_is_more():
    assert calibration_limit(0.05, {"ece": 0.07, "ece_by_chance": 0.081}) == 0.081
    assert calibration_limit(0.05, {"ece": 0.07, "ece_by_chance": 0.02}) == 0.05
    assert calibration_limit(0.05, {"ece": 0.07}) == 0.05  # a run logged before
    assert calibration_limit(0.05, {"ece_by_chance": float("nan")}) == 0.05


# -- lift --------------------------------------------------------------------------------------


def test_lift_by_hand():
    y = np.array([1, 0, 0, 0, 1, 0, 0, 0, 0, 0])  # churn rate 0.2
    score = np.array([0.9, 0.8, 0.7, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.05])
    # top 10% = 1 row (score 0.9, a churner): rate 1   -> lift 1 / 0.2 = 5
    assert lift_at(y, score, 0.1) == pytest.approx(5.0)
    # top 30% = rows with 0.9, 0.8, 0.7: rate 1/3      -> lift (1/3) / 0.2 = 1.6667
    assert lift_at(y, score, 0.3) == pytest.approx(5 / 3)
    # everyone: lift 1
    assert lift_at(y, score, 1.0) == pytest.approx(1.0)


def test_lift_ties_keep_row_order_and_top_is_at_least_one_row():
    y = np.array([0, 1, 0, 1])  # rate 0.5
    score = np.array([0.5, 0.5, 0.5, 0.5])
    # 10% of 4 rows rounds to 0 -> 1 row; stable order picks row 0, a non-churner -> lift 0
    assert lift_at(y, score, 0.1) == 0.0


def test_lift_without_churners_is_nan():
    assert np.isnan(lift_at(np.zeros(5, dtype=int), np.linspace(0, 1, 5)))


# -- classification metrics --------------------------------------------------------------------


METRIC_KEYS = {"roc_auc", "pr_auc", "brier", "ece", "lift_top_decile"}


def test_classification_metrics_by_hand():
    y = np.array([0, 0, 1, 1])
    p = np.array([0.1, 0.4, 0.35, 0.8])
    metrics = classification_metrics(y, p)
    assert set(metrics) == METRIC_KEYS
    # pairs (churner, non-churner) ranked right: 0.35>0.1, 0.8>0.1, 0.8>0.4; wrong: 0.35<0.4
    assert metrics["roc_auc"] == pytest.approx(3 / 4)
    # Brier: (0.1² + 0.4² + 0.65² + 0.2²) / 4 = (0.01 + 0.16 + 0.4225 + 0.04) / 4 = 0.158125
    assert metrics["brier"] == pytest.approx(0.158125)
    # PR AUC (average precision): ranking 0.8 (hit), 0.4 (miss), 0.35 (hit), 0.1 (miss)
    # precision at each hit: 1/1 and 2/3 -> mean 5/6
    assert metrics["pr_auc"] == pytest.approx(5 / 6)
    # top decile = 1 row (0.8, a churner): 1 / 0.5 = 2
    assert metrics["lift_top_decile"] == pytest.approx(2.0)
    assert all(isinstance(v, float) for v in metrics.values())


def test_classification_metrics_with_one_class_keep_their_keys():
    metrics = classification_metrics(np.zeros(4, dtype=int), np.array([0.1, 0.2, 0.3, 0.4]))
    assert set(metrics) == METRIC_KEYS
    assert np.isnan(metrics["roc_auc"]) and np.isnan(metrics["pr_auc"])
    # Brier still defined: (0.01 + 0.04 + 0.09 + 0.16) / 4 = 0.075
    assert metrics["brier"] == pytest.approx(0.075)


# -- profit curve ------------------------------------------------------------------------------


def test_profit_curve_by_hand():
    spec = ProfitSpec(contact_cost=1.0, offer_cost=10.0, acceptance_rate=0.5)
    y = np.array([1, 0, 1, 0])
    value = np.array([100.0, 50.0, 20.0, 80.0])
    p = np.array([0.9, 0.8, 0.3, 0.1])
    # gain per contacted customer:
    #   churner:     0.5 * (value - 10) - 1 -> row 0: 44, row 2: 4
    #   non-churner: -0.5 * 10 - 1 = -6     -> rows 1, 3
    # by score: rows 0, 1, 2, 3 -> cumulative 44, 38, 42, 36
    # top k% of 4 rows = max(1, round(4k/100)): k <= 37 -> 1, 38..62 -> 2, 63..87 -> 3, 88+ -> 4
    curve = profit_curve(y, p, value, spec)
    assert curve.percent.tolist() == list(range(1, 101))
    assert curve.at(1) == pytest.approx(44.0)
    assert curve.at(37) == pytest.approx(44.0)
    assert curve.at(38) == pytest.approx(38.0)
    assert curve.at(50) == pytest.approx(38.0)
    assert curve.at(63) == pytest.approx(42.0)
    assert curve.at(100) == pytest.approx(36.0)
    assert curve.best_profit == pytest.approx(44.0)
    assert curve.best_percent == 1  # the first percent reaching the best profit


def test_an_unknown_value_counts_as_nothing_and_is_counted():
    """35% of an African telecom's values were blank: counted as worth nothing, unsaid."""
    spec = ProfitSpec(contact_cost=1.0, offer_cost=10.0, acceptance_rate=0.5)
    y = np.array([1, 1, 0])
    value = np.array([100.0, np.nan, 80.0])
    p = np.array([0.9, 0.8, 0.1])
    # by score: row 0 gains 0.5 * 90 - 1 = 44; row 1 (worth nothing) 0.5 * -10 - 1 = -6;
    # row 2 (a stayer) -6 as well: cumulative 44, 38, 32
    curve = profit_curve(y, p, value, spec)
    assert curve.unknown_values == 1
    assert [curve.at(34), curve.at(50), curve.at(100)] == pytest.approx([44.0, 38.0, 32.0])


def test_a_blank_in_the_value_column_is_an_unknown_value():
    people = customers([1, 2, 3], value=[10.0, np.nan, 5.0])
    tables = make_tables(customer_frame=people)
    data = DataSpec(transactions=TransactionsSpec(path=Path("unused.csv")))
    config = RunConfig(name="t", data=data)
    rows = pd.DataFrame({"customer_id": [1, 2, 3, 4]})
    values = value_of(rows, tables, config)
    assert values[[0, 2]].tolist() == [10.0, 5.0]
    assert np.isnan(values[[1, 3]]).all()  # blank, and not in the customers table


def test_no_profit_curve_is_reported_where_the_data_hold_no_customer_value():
    """E Commerce's snapshot (no spend, no value column): report.json and `churn
    evaluate --json` held a curve of losses, each save counted as 1, with
    `value_per_customer: null`, while the console said "not computed"."""
    tables = make_tables(customer_frame=customers([1, 2, 3]))
    label = LabelSpec(column="Churn", positive=1)
    data = DataSpec(customers=CustomersSpec(path=Path("ecom.xlsx"), label=label))
    config = RunConfig(name="t", data=data, churn=ChurnSpec(definition="label_column"))
    scored = pd.DataFrame(
        {"customer_id": [1, 2, 3], "churned": [1, 0, 0], "p_model": [0.9, 0.2, 0.1]}
    )
    assert _profit(scored, tables, config) == {"value_source": "none"}
    # a numeric attribute named like a value is named as the likely one
    named = {"Total Spend": "numeric", "Age": "numeric", "PaperlessBilling": "numeric",
             "feedback_score": "numeric", "discharge_count": "numeric",
             "Churn Value": "numeric", "CLTV": "numeric"}  # fmt: skip
    spent = replace(tables, attributes=named)
    telco = config.model_copy(
        update={
            "data": DataSpec(
                customers=CustomersSpec(
                    path=Path("t.xlsx"), label=LabelSpec(column="Churn Label", positive="Yes")
                )
            )
        }
    )
    assert _profit(scored, spent, telco) == {  # not the label as 0/1 (IBM Telco's)
        "value_source": "none",
        "value_columns": ["Total Spend", "CLTV"],
    }
    valued = config.model_copy(update={"profit": ProfitSpec(value_per_customer=100.0)})
    profit = _profit(scored, tables, valued)
    assert profit["value_source"] == "configured" and len(profit["curve"]) == 100


def test_profit_curve_orders_by_score_not_by_row():
    spec = ProfitSpec(contact_cost=2.0, offer_cost=0.0, acceptance_rate=1.0)
    y = np.array([0, 1])
    value = np.array([0.0, 10.0])
    p = np.array([0.2, 0.7])
    # the churner (gain 1 * 10 - 2 = 8) is contacted first; then the non-churner (-2): 8, 6
    curve = profit_curve(y, p, value, spec)
    assert curve.at(50) == pytest.approx(8.0)
    assert curve.at(100) == pytest.approx(6.0)


# -- calibration -------------------------------------------------------------------------------


@pytest.fixture
def margins():
    rng = np.random.default_rng(0)
    margin = rng.normal(0.0, 2.0, 600)
    y = (rng.random(600) < 1 / (1 + np.exp(-(0.8 * margin - 1.0)))).astype(int)
    return margin, y


def test_calibrator_picks_the_method_with_the_lower_cross_fitted_brier(margins):
    margin, y = margins
    calibrator, scores = fit_calibrator(margin, y, seed=1)
    assert calibrator.method in METHODS
    assert set(scores) == {f"calibration_brier_{m}" for m in METHODS}
    assert scores[f"calibration_brier_{calibrator.method}"] == min(scores.values())


def test_calibrated_probabilities_are_in_0_1_and_increase_with_the_margin(margins):
    margin, y = margins
    calibrator, _ = fit_calibrator(margin, y)
    probe = np.array([-1e6, -50.0, -2.0, 0.0, 2.0, 50.0, 1e6])  # far outside the fitted range
    p = calibrator(probe)
    assert ((p >= 0) & (p <= 1)).all()
    assert (np.diff(p) >= 0).all()
    assert p[-1] > p[0]


@pytest.mark.parametrize("y", [[0] * 10, [1] * 10, [1] + [0] * 9])
def test_calibrator_refuses_validation_without_both_classes(y):
    with pytest.raises(ValueError, match="calibration needs at least 2 of each"):
        fit_calibrator(np.linspace(-1, 1, 10), np.array(y))


def test_platt_maps_a_score_to_a_probability():
    score = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    y = np.array([0, 0, 1, 0, 1, 1])
    calibrator = fit_platt(score, y)
    p = calibrator(score)
    assert calibrator.method == "platt"
    assert ((p > 0) & (p < 1)).all()
    assert (np.diff(p) > 0).all()


def test_a_small_test_and_a_better_baseline_are_said():
    report = {
        "churn_rate": 0.006,
        "n_customers": 1661,
        "model": {"roc_auc": 0.5979},
        "baselines": {"logreg": {"roc_auc": 0.7268}, "recency": {"roc_auc": 0.55}},
    }
    first, second = caveats(report)
    assert first.startswith("only 10 churners in the test rows")
    one = caveats({**report, "churn_rate": 1 / 1661})[0]  # Wide World Importers' one
    assert one.startswith("only 1 churner in the test rows: these metrics move by chance")
    assert second.startswith("baseline logreg ranks better than the model (ROC AUC 0.7268")
    firm = {**report, "churn_rate": 0.2, "model": {"roc_auc": 0.80}}
    assert caveats(firm) == []


def test_a_near_perfect_ranking_no_column_explains_is_said():
    """A subscription snapshot tested at ROC AUC 1.0000, its best column alone 0.82:
    nothing said it. A column that alone gives it away is said as a leak instead."""
    report = {"churn_rate": 0.47, "n_customers": 12875, "model": {"roc_auc": 1.0}, "baselines": {}}
    (note,) = caveats(report)
    assert note.startswith("ROC AUC 1.0000: near-perfect, and no column alone ranks")
    leaked = {
        **report,
        "strongest_single_feature": {"leaking": [{"feature": "Reason", "roc_auc": 1.0}]},
    }
    assert not any("near-perfect" in n for n in caveats(leaked))


def test_a_test_of_nearly_only_churners_is_said():
    """92% churn (an e-commerce log of one-time buyers): a top-decile lift of 1.08 is
    the most there is."""
    report = {"churn_rate": 0.92, "n_customers": 4805, "model": {"roc_auc": 0.83}, "baselines": {}}
    (note,) = caveats(report)
    assert note.startswith("churn rate 92% in the test rows") and "at most 1.09" in note


def test_a_test_of_few_stayers_is_said_with_what_it_means_for_the_worklist():
    """Olist's one-time buyers: 17 of 4,246 stayed; ROC AUC 0.8679 was noise, the note
    read "churn rate 100%" and the campaign "best at the top 100%"."""
    report = {"churn_rate": 4229 / 4246, "n_customers": 4246, "model": {"roc_auc": 0.8679}}
    (note,) = caveats({**report, "baselines": {}})
    assert note == (
        "only 17 stayers in the test rows (churn rate 99.6%): these metrics move by chance, "
        "ROC AUC too; with nearly everyone likely to churn, the worklist's order (value at "
        "risk) is mostly by value, and contacting nearly everyone looks best; a longer "
        "horizon_days or a shorter active_window_days keep more customers who stay"
    )
    # a Q&A community's posters: no value, and the worklist orders by probability
    (unvalued,) = caveats({**report, "baselines": {}, "profit": {"value_source": "none"}})
    assert "by value" not in unvalued and unvalued.endswith(
        "ROC AUC too; a longer "
        "horizon_days or a shorter active_window_days keep more customers who stay"
    )
    (fewer,) = caveats({**report, "churn_rate": 0.7, "n_customers": 50, "baselines": {}})
    assert fewer.startswith("only 15 stayers in the test rows (churn rate 70%): these metrics")
    assert "by value" not in fewer
    (small,) = caveats({**report, "churn_rate": 0.5, "n_customers": 40, "baselines": {}})
    assert small.startswith("only 20 churners")  # few of both: one note says it
    (mostly,) = caveats({**report, "churn_rate": 0.96, "n_customers": 1000, "baselines": {}})
    assert mostly.startswith("churn rate 96% in the test rows")  # 40 stayers: enough


@pytest.mark.parametrize(
    ("churn", "why", "more_stayers", "more_churners"),
    [
        (
            {"definition": "inactivity", "activity": "purchases"},
            " (one-time buyers?)",
            "a longer horizon_days or a shorter active_window_days keep more customers who stay",
            "a shorter horizon_days or more customers give a firmer test",
        ),
        (
            {"definition": "inactivity", "activity": "usage"},
            " (users active once?)",
            "a longer horizon_days or a shorter active_window_days keep more customers who stay",
            "a shorter horizon_days or more customers give a firmer test",
        ),
        (
            {"definition": "label_column", "activity": None},
            "",
            "check that label.positive names the churners, not those who stay",
            "more labelled customers give a firmer test",
        ),
        (
            {"definition": "cancellation", "activity": None},
            "",
            "a shorter horizon_days keeps more customers who stay",
            "a longer horizon_days or more customers give a firmer test",
        ),
    ],
)
def test_the_remedies_for_a_lopsided_test_fit_the_churn_definition(
    churn, why, more_stayers, more_churners
):
    """A MOOC's usage log was asked if its learners were "one-time buyers", and a
    labelled snapshot, which has no horizon, to "consider a longer horizon"; under
    inactivity a longer horizon makes fewer churners, not more."""
    report = {"n_customers": 1000, "model": {"roc_auc": 0.8}, "baselines": {}, "churn": churn}
    (mostly,) = caveats({**report, "churn_rate": 0.96})
    assert mostly == (
        f"churn rate 96% in the test rows: nearly everyone churns{why}, so lift (at most 1.04 "
        f"here) and PR AUC say little; compare ROC AUC and Brier ({more_stayers})"
    )
    (few,) = caveats({**report, "churn_rate": 0.02})
    assert (
        few == f"only 20 churners in the test rows: these metrics move by chance ({more_churners})"
    )
    (stayers,) = caveats({**report, "churn_rate": 0.99})
    assert stayers.endswith(f"looks best; {more_stayers}")


@pytest.mark.parametrize(
    ("share", "digits", "shown"),
    [
        (0.996, 0, "99.6%"),
        (0.9996, 1, "99.96%"),
        (0.004, 0, "0.4%"),
        (1.0, 0, "100%"),
        (0.0, 1, "0.0%"),
        (0.92, 0, "92%"),
        (0.221, 1, "22.1%"),
    ],
)
def test_a_share_that_is_not_all_or_none_never_reads_100_or_0_percent(share, digits, shown):
    assert percent(share, digits=digits) == shown


def test_training_cutoffs_the_data_could_not_hold_are_said():
    """Four months of data kept 8 of 12 weekly cutoffs without a word."""
    report = {
        "churn_rate": 0.4,
        "n_customers": 5000,
        "model": {"roc_auc": 0.9},
        "baselines": {},
        "training_cutoffs": ["2000-12-02", "2000-12-09"],
        "training_cutoffs_requested": 12,
        "training_spacing": "month",
        "history_days_at_first_training_cutoff": 31,
    }
    dropped, short = caveats(report)
    assert dropped.startswith("2 of the 12 training cutoffs fit in the data")
    assert "few to learn from" in dropped
    eleven = {**report, "training_cutoffs": ["2000-12-02"] * 11}
    assert "few to learn from" not in caveats(eleven)[0]  # CDNOW's 11 of 12 are not few
    assert "training.spacing: 7" in dropped
    (weekly, _) = caveats({**report, "training_spacing": 7})
    assert "spacing" not in weekly and "a shorter horizon fits more" in weekly
    assert short.startswith("the earliest training cutoff (2000-12-02) has 31 days of data")
    whole = {
        **report,
        "training_cutoffs_requested": 2,
        "history_days_at_first_training_cutoff": 400,
    }
    assert caveats(whole) == []
    gap = ["2014-04-19", "2014-04-26", "2014-05-03", "2014-05-10", "2014-05-17"]
    (empty,) = caveats({**whole, "training_cutoffs_empty": gap})  # a MOOC's, unsaid
    assert empty == (
        "5 of the 7 training cutoffs (2014-04-19 to 2014-05-17) hold no active customer, a "
        "gap in the data (`churn validate` says where): the model learned from the other 2"
    )


def test_a_lift_at_its_ceiling_for_model_and_baseline_is_said():
    """22.6% churn: every contender's top tenth all churners, lift 4.42 for each."""
    at = {"roc_auc": 0.97, "lift_top_decile": 1 / 0.226}
    report = {"churn_rate": 0.226, "n_customers": 2317, "model": at}
    (note,) = caveats({**report, "baselines": {"logreg": {**at, "roc_auc": 0.968}}})
    assert note.startswith("lift_top_decile is at its ceiling (4.42, 1 ÷ the churn rate)")
    assert "and logreg:" in note
    below = {"logreg": {"roc_auc": 0.968, "lift_top_decile": 3.1}}
    assert caveats({**report, "baselines": below}) == []


def test_a_calibration_error_the_promotion_gate_refuses_is_said_at_training():
    """The default UK model trained fine and then could not be promoted, unannounced."""
    report = {"churn_rate": 0.4, "n_customers": 3000, "baselines": {}}
    (note,) = caveats(
        {**report, "model": {"roc_auc": 0.87, "ece": 0.0753}, "promotion_max_ece": 0.05}
    )
    assert note.startswith("calibration error 0.0753 is above promotion.max_ece 0.05")
    assert (
        caveats({**report, "model": {"roc_auc": 0.87, "ece": 0.02}, "promotion_max_ece": 0.05})
        == []
    )


def test_a_calibration_error_within_what_chance_gives_on_a_small_test_is_said_not_refused():
    report = {"churn_rate": 0.4, "n_customers": 300, "n_rows": 240, "baselines": {}}
    model = {"roc_auc": 0.87, "ece": 0.0712, "ece_by_chance": 0.0803}
    (note,) = caveats({**report, "model": model, "promotion_max_ece": 0.05})
    assert note.startswith(
        "calibration error 0.0712 is above promotion.max_ece 0.05, but within what chance "
        "gives a calibrated model (0.0803 on 240 test rows one time in 20): the gate does "
        "not refuse it"
    )
    past = {**model, "ece": 0.0912}
    (note,) = caveats({**report, "model": past, "promotion_max_ece": 0.05})
    assert "above promotion.max_ece 0.05, and above the 0.0803 on 240 test rows" in note
    assert "`churn promote` refuses this run" in note


def test_a_refused_calibration_names_the_churn_rates_it_drifted_between():
    """H&M: calibrated on a validation cutoff that churned at 61.8%, tested at 55.1%; the
    note had blamed "a short history under a long active_window_days"."""
    report = {
        "churn_rate": 0.551,
        "n_customers": 962,
        "n_rows": 962,
        "baselines": {},
        "mean_probability": 0.614,
        "validation_cutoff": "2020-02-29",
        "validation_churn_rate": 0.618,
        "training_churn_rates": {"2019-03-31": 0.48, "2019-11-30": 0.63},
    }
    model = {"roc_auc": 0.8153, "ece": 0.082, "ece_by_chance": 0.04}
    (note,) = caveats({**report, "model": model, "promotion_max_ece": 0.05})
    assert note.endswith(
        "refuses this run (--force promotes it anyway). Its probabilities average 61.4% on "
        "the test rows, who churned at 55.1%; the validation cutoff they were calibrated on "
        "(2020-02-29) churned at 61.8%, the training cutoffs 48% to 63%. The churn rate moves "
        "between cutoffs (seasons, a trend), and the test shows how far a score's level can "
        "be off"
    )
    steady = {**report, "validation_churn_rate": 0.55, "mean_probability": 0.62}
    (note,) = caveats({**steady, "model": model, "promotion_max_ece": 0.05})
    assert note.endswith(
        "churned at 55.0%, as the test did: the model's level is off, not the churn rate"
    )


def test_a_feature_that_alone_ranks_churners_nearly_perfectly_is_said_to_leak():
    """A bank extract's Naive_Bayes columns hold the label: AUC 0.9998, promoted silently."""
    rng = np.random.default_rng(0)
    churned = rng.random(400) < 0.2
    frame = pd.DataFrame(
        {
            "churned": churned,
            "leak": np.where(churned, 0.99, 0.01) + rng.normal(0, 0.001, 400),
            "tenure": rng.normal(30, 5, 400),
            "card": np.where(rng.random(400) < 0.5, "blue", "gold"),
        }
    )
    specs = [_spec("leak"), _spec("tenure"), _spec("card", "category")]
    strongest = strongest_single_feature(frame, specs)
    assert strongest["feature"] == "leak" and strongest["roc_auc"] > 0.99
    report = {"churn_rate": 0.2, "n_customers": 400, "model": {"roc_auc": 0.99}, "baselines": {}}
    (note,) = caveats({**report, "strongest_single_feature": strongest})
    assert note.startswith("leak alone ranks churners with ROC AUC 1.000") and "leaks" in note
    honest = strongest_single_feature(frame, specs[1:])
    assert honest["roc_auc"] < 0.7 and caveats({**report, "strongest_single_feature": honest}) == []


def test_leaks_through_blank_cells_are_said_and_every_leak_is_named():
    """A Telco export's `Churn Reason` is written for churners only: left out, its blanks
    hid the label (the model read ROC AUC 1.000 without a note). Every leak is named at
    once, not the next only after the first is left out."""
    rng = np.random.default_rng(1)
    churned = rng.random(500) < 0.25
    reasons = np.array(["Competitor", "Price", "Moved", "Attitude"], dtype=object)
    frame = pd.DataFrame(
        {
            "churned": churned,
            "churn_reason": np.where(churned, reasons[rng.integers(0, 4, 500)], None),
            "days_to_cancel": np.where(churned, rng.integers(1, 90, 500), np.nan),
            "tenure": rng.normal(30, 5, 500),
        }
    )
    specs = [_spec("churn_reason", "category"), _spec("days_to_cancel"), _spec("tenure")]
    found = strongest_single_feature(frame, specs)
    assert [leak["feature"] for leak in found["leaking"]] == ["days_to_cancel", "churn_reason"]
    report = {"churn_rate": 0.25, "n_customers": 500, "model": {"roc_auc": 1.0}, "baselines": {}}
    (note,) = caveats({**report, "strongest_single_feature": found})
    assert note.startswith("days_to_cancel (1.000), churn_reason (1.000) each alone rank")
    honest = strongest_single_feature(
        frame.assign(tenure=frame["tenure"].where(rng.random(500) < 0.5)), specs[2:]
    )
    assert honest["leaking"] == []  # blanks at random tell nothing


def _spec(name: str, dtype: str = "float") -> FeatureSpec:
    return FeatureSpec(name, dtype, Mechanism.ATTRIBUTE, "d", None)


def test_a_name_in_reasons_never_that_is_no_feature_is_said():
    report = {"churn_rate": 0.2, "n_customers": 400, "model": {"roc_auc": 0.8}, "baselines": {}}
    said = "reasons.never names no feature: Gendr (did you mean 'Gender'?)"
    (note,) = caveats({**report, "reasons_never_unmatched": said})
    assert note.startswith(said) and note.endswith("those reasons are still shown")


def test_personal_attributes_shown_as_reasons_are_said_with_the_way_to_hide_them():
    report = {"churn_rate": 0.2, "n_customers": 400, "model": {"roc_auc": 0.8}, "baselines": {}}
    (note,) = caveats({**report, "personal_attributes_in_reasons": ["Gender", "Age"]})
    assert note.startswith("reasons show Gender, Age: if the retention team may not act")
    assert "list them under reasons.never (the model still uses them)" in note


def test_a_churn_rate_that_drifted_past_every_training_cutoffs_is_said():
    """A billing export churned 0.3%-6.0% at the training cutoffs and 22.1% in the test:
    only a calibration error was said."""
    report = {"churn_rate": 0.221, "n_customers": 2956, "model": {"roc_auc": 0.7}}
    rates = {"2024-10-31": 0.003, "2025-04-30": 0.03, "2025-08-31": 0.06}
    (note,) = caveats({**report, "baselines": {}, "training_churn_rates": rates})
    assert note.startswith("churn rate 22.1% in the test against 0.3%-6.0% at the training")
    steady = {"2024-10-31": 0.18, "2025-08-31": 0.2}
    assert caveats({**report, "baselines": {}, "training_churn_rates": steady}) == []


def test_training_cutoffs_mostly_without_a_churner_are_said():
    """A contract extract recorded its ends only in its last four months: 10 of 12
    training cutoffs churned 0.0%, and nothing was said."""
    report = {"churn_rate": 0.085, "n_customers": 5390, "model": {"roc_auc": 0.84}}
    months = [f"2019-{m:02d}-28" for m in range(1, 13)]
    rates = {m: (0.0 if i < 10 else 0.09) for i, m in enumerate(months)}
    notes = caveats({**report, "baselines": {}, "training_churn_rates": rates})
    (said,) = [n for n in notes if "hold no churner" in n]
    assert said == (
        "10 of the 12 training cutoffs hold no churner (the latest 2019-10-28): the data may "
        "record churn only from later on, and the model learns from them that nobody "
        "leaves; training: {cutoffs: 2} keeps those after it"
    )
    # churn begins at a date: a pet insurer's two cutoffs before its first cancellation
    first = {m: (0.0 if i < 2 else 0.014) for i, m in enumerate(months)}
    (said,) = [
        n
        for n in caveats({**report, "baselines": {}, "training_churn_rates": first})
        if "no churner" in n
    ]
    assert said.startswith("2 of the 12 training cutoffs hold no churner (the latest 2019-02-28)")
    assert said.endswith("training: {cutoffs: 10} keeps those after it")
    scattered = {m: (0.0 if i in (2, 6, 9) else 0.09) for i, m in enumerate(months)}
    assert not [
        n
        for n in caveats({**report, "baselines": {}, "training_churn_rates": scattered})
        if "no churner" in n
    ]


def test_a_model_near_chance_is_said():
    report = {"churn_rate": 0.11, "n_customers": 400, "model": {"roc_auc": 0.5345}, "baselines": {}}
    (note,) = caveats(report)
    assert note.startswith("ROC AUC 0.5345: the model ranks churners little better than chance")
    assert caveats({**report, "model": {"roc_auc": 0.62}}) == []
    (below,) = caveats({**report, "model": {"roc_auc": 0.4918}})
    assert below.startswith("ROC AUC 0.4918: the model ranks churners no better than chance")
    weak = {"recency": {"roc_auc": 0.51}}
    (also,) = caveats({**report, "baselines": weak})
    assert "little better than chance (0.5), and so does every baseline;" in also
    baseline = {"logreg": {"roc_auc": 0.7268}}  # the data tell churners: the model missed it
    (better,) = caveats({**report, "baselines": baseline})
    assert better.startswith("baseline logreg ranks better than the model")


def test_training_cutoffs_with_little_history_are_said():
    """A 4-month log trained from its first week: trends empty there, not at the test."""
    report = {
        "churn_rate": 0.2,
        "n_customers": 1000,
        "model": {"roc_auc": 0.8},
        "baselines": {},
        "training_cutoffs": ["2018-10-07", "2018-10-14"],
        "history_days_at_first_training_cutoff": 6,
    }
    (note,) = caveats(report)
    assert note.startswith("the earliest training cutoff (2018-10-07) has 6 days of data")
    assert caveats({**report, "history_days_at_first_training_cutoff": 200}) == []


def test_training_cutoffs_short_of_the_longest_window_are_said():
    """A B2B log from 2003-01-06, monthly cutoffs from 2003-05-31: 145 days of history
    against 365-day spend windows and a 365-day active window, unnoted (the rule read 90)."""
    cutoffs = [str(d.date()) for d in pd.date_range("2003-05-31", "2004-04-30", freq="ME")]
    report = {
        "churn_rate": 0.6,
        "n_customers": 80,
        "model": {"roc_auc": 0.8},
        "baselines": {"recency": {"roc_auc": 0.7}},
        "training_cutoffs": cutoffs,
        "history_days_at_first_training_cutoff": 145,
        "history_days_needed": 365,
        "history_needed_by": ["spend_365d", "active_window_days"],
    }
    (note,) = caveats(report)
    assert note.startswith(
        "the earliest training cutoff (2003-05-31) has 145 days of data before it, and 7 "
        "more cutoffs up to 2003-12-31, under the 365 days read by spend_365d, "
        "churn.active_window_days: windows that long are unknown there"
    )
    assert (
        "who counts as active there is judged on the activity the data hold, not 365 days of "
        "it; if the data begin with the business (no customer had bought before), set "
        "data.complete_history: true"
    ) in note
    assert "(the model learns them from later cutoffs only)" in note
    assert caveats({**report, "history_days_at_first_training_cutoff": 365}) == []
    (every,) = caveats({**report, "training_cutoffs": cutoffs[:3]})
    assert "(at every training cutoff: the model never learns them known" in every
    one = caveats(
        {
            **report,
            "history_days_at_first_training_cutoff": 340,
            "history_needed_by": ["spend_365d"],
        }
    )
    assert one[0].startswith(
        "the earliest training cutoff (2003-05-31) has 340 days of data before it, under"
    )
    assert "active" not in one[0]


def test_data_that_begin_before_every_signup_hold_a_whole_history():
    """Windows reaching before the data are unknown only for customers who may predate
    them: where every signup is later, no cutoff is short of history."""
    tx = transactions([(1, "2024-01-05", 10), (2, "2024-02-01", 10)])
    start = pd.Timestamp("2024-01-05")
    later = customers([1, 2], signup=["2024-01-05", "2024-01-20"])
    assert not _predate_data(make_tables(customer_frame=later, transaction_frame=tx), start)
    earlier = customers([1, 2], signup=["2023-06-01", "2024-01-20"])
    assert _predate_data(make_tables(customer_frame=earlier, transaction_frame=tx), start)
    unknown = customers([1, 2], signup=["2024-01-05", None])
    assert _predate_data(make_tables(customer_frame=unknown, transaction_frame=tx), start)
    assert _predate_data(make_tables(transaction_frame=tx), start)  # no signup dates


def test_the_history_a_cutoff_needs_is_its_longest_window():
    """The features' longest reach, or the active window where eligibility reads it."""
    specs = [
        FeatureSpec(name, "float", Mechanism.RECENCY, "d", reach_days=days)
        for name, days in (("spend_90d", 90), ("spend_trend_180d_vs_prev", 360), ("gap", None))
    ]
    data = DataSpec(transactions=TransactionsSpec(path=Path("unused.csv")))
    config = RunConfig(name="t", data=data, churn=ChurnSpec(active_window_days=365))
    assert longest_window(specs, config) == (365, ["active_window_days"])
    config = RunConfig(name="t", data=data, churn=ChurnSpec(active_window_days=360))
    assert longest_window(specs, config) == (
        360,
        ["spend_trend_180d_vs_prev", "active_window_days"],
    )
    config = RunConfig(name="t", data=data, churn=ChurnSpec(active_window_days=180))
    assert longest_window(specs, config) == (360, ["spend_trend_180d_vs_prev"])
    snapshot = ChurnSpec(definition="label_column", active_window_days=365)
    assert longest_window(specs[:1], config.model_copy(update={"churn": snapshot})) == (
        90,
        ["spend_90d"],
    )


def _printed_with_profit(profit: dict, **report: object) -> str:
    """The report's text for a run of these profit figures (and other report fields)."""
    report = {
        "protocol": "out_of_time",
        "n_customers": 1000,
        "churn_rate": 0.1,
        "model": dict.fromkeys(METRICS, 0.5),
        "baselines": {},
        "profit": profit,
        **report,
    }
    console = Console(record=True, width=200)
    print_report(console, report)
    return console.export_text()


def test_without_a_customer_value_no_profit_is_printed():
    """A usage log has no spend: counting each save as 1 made "-496" at the top 10%."""
    text = _printed_with_profit({"value_source": "none", "best_percent": 1, "best_profit": -50.0})
    assert "not computed: the data hold no customer value" in text and "-50" not in text
    named = _printed_with_profit({"value_source": "none", "value_columns": ["Total Spend"]})
    assert "a lifetime value, 'Total Spend' perhaps) as `value` under customers.columns" in (
        " ".join(named.split())
    )


def test_when_every_campaign_size_loses_the_report_says_none_pays():
    """'best at the top 1% (-59)' read as a best campaign; it was the smallest loss."""
    profit = {"best_percent": 1, "best_profit": -59.0, "profit_at_10_percent": -590.0}
    text = _printed_with_profit(profit)
    assert "no campaign size pays (the top 1% loses least: 59); top 10%: -590" in text
    assert "best at" not in text


def test_costs_above_the_median_customers_value_are_said_with_the_figures():
    """H&M's prices are scaled to fractions (a median year's spend 0.14): contact 1.00
    and offer 10.00 made every campaign a loss, with nothing said of why."""
    economics = {"contact_cost": 1.0, "offer_cost": 10.0, "acceptance_rate": 0.2}
    profit = {
        "best_percent": 1,
        "best_profit": -40.0,
        "profit_at_10_percent": -400.0,
        "value_median": 0.14,
        "assumptions": {**economics, "value_per_customer": None},
    }
    text = " ".join(_printed_with_profit(profit).split())
    assert (
        "saving the median customer (worth 0.14) at 20% acceptance brings 0.03, less than a "
        "contact and its offer cost (3.00): set profit.contact_cost and profit.offer_cost in "
        "the data's own money" in text
    )
    still_a_loss = {**profit, "value_median": 13.0}  # 2.60 against 3.00
    assert "saving the median customer" in _printed_with_profit(still_a_loss)
    worth_more = {**profit, "value_median": 250.0}
    assert "saving the median customer" not in _printed_with_profit(worth_more)
    configured = {**profit, "assumptions": {**economics, "value_per_customer": 0.5}}
    assert "saving the median customer" not in _printed_with_profit(configured)


def test_a_loss_under_half_a_unit_prints_as_0_not_minus_0():
    """Chinook's train printed "top 10%: -0" for a loss of a few cents."""
    profit = {"best_percent": 19, "best_profit": 10.2, "profit_at_10_percent": -0.3}
    text = _printed_with_profit(profit)
    assert "best at the top 19% (10); top 10%: 0" in text and "-0" not in text
    assert amount(-0.6) == "-1" and amount(-0.4) == "0" and amount(1234.6) == "1,235"


BEST = {"best_percent": 99, "best_profit": 833830.0, "profit_at_10_percent": 52834.0}


def test_a_profit_of_a_model_at_chance_or_off_calibration_is_no_figure_to_quote():
    """A B2B log: "best at the top 99% (833,830)" beside ROC AUC 0.43 and calibration
    error 0.378, which a manager would quote."""
    weak = {**dict.fromkeys(METRICS, 0.5), "roc_auc": 0.4347, "ece": 0.3784}
    text = " ".join(_printed_with_profit(BEST, model=weak, promotion_max_ece=0.05).split())
    assert (
        "best at the top 99% (833,830); top 10%: 52,834. Not a figure to quote: the model" in text
    )
    assert (
        "no better than chance (ROC AUC 0.4347), so this is what contacting that share in "
        "any order makes" in text
    )
    assert (
        "miss the test's churn rates by 0.3784 on average (calibration error, above "
        "promotion.max_ece 0.05)" in text
    )
    sound = {**weak, "roc_auc": 0.81, "ece": 0.02}
    text = _printed_with_profit(BEST, model=sound, promotion_max_ece=0.05)
    assert "best at the top 99% (833,830); top 10%: 52,834\n" in text and "quote" not in text
    off = _printed_with_profit(BEST, model={**sound, "ece": 0.09}, promotion_max_ece=0.05)
    assert "Not a figure to quote: its probabilities miss" in " ".join(off.split())
    assert "chance" not in off


def test_the_printed_profit_says_how_many_values_counted_as_nothing():
    sound = {**dict.fromkeys(METRICS, 0.5), "roc_auc": 0.81}
    profit = {**BEST, "unknown_values": 350}
    text = " ".join(_printed_with_profit(profit, model=sound, n_rows=1000).split())
    assert (
        "best at the top 99% (833,830); 350 of the 1,000 test rows have no value (blank or "
        "missing in the value column): counted as worth nothing; top 10%: 52,834"
    ) in text


def test_the_printed_profit_optimum_names_the_economics_it_assumes():
    metrics = dict.fromkeys(METRICS, 0.5)
    report = {
        "protocol": "out_of_time",
        "test_cutoffs": ["2024-06-30"],
        "n_customers": 10,
        "churn_rate": 0.2,
        "model": metrics,
        "baselines": {},
        "profit": {
            "best_percent": 94,
            "best_profit": 1000.0,
            "profit_at_10_percent": 200.0,
            "assumptions": ProfitSpec(offer_cost=25).model_dump(),
        },
    }
    console = Console(record=True, width=200)
    print_report(console, report)
    text = console.export_text()
    assert "out_of_time at 2024-06-30: 10 customers" in text  # which cutoff was tested
    assert "best at the top 94% (1,000)" in text
    assert "contact 1.00, offer 25.00, 30% accept, a save worth each customer's own value" in text


def test_churners_who_mostly_come_back_within_a_usual_gap_are_said():
    """A retailer's four years: 87% of the 90-day horizon's churners bought again within
    168 days of it (one gap in ten runs that long), and the model ranked near chance."""
    back = {
        "churners": 23786,
        "returned": 20709,
        "share": 20709 / 23786,
        "gap_median_days": 50.0,
        "gap_p90_days": 167.2,
        "horizon_days": 90,
        "activity": "purchases",
    }
    report = {
        "churn_rate": 0.3,
        "n_customers": 5000,
        "model": {"roc_auc": 0.8},
        "baselines": {},
        "returning_churners": back,
    }
    (note,) = caveats(report)
    assert note == (
        "87% of the churners labelled at the cutoffs (20,709 of 23,786 with 168 days of data "
        "after their horizon) bought again within 168 days after their 90-day horizon "
        "(customers' usual gap between purchases: median 50 days, 90% under 168): most "
        "'churners' are between purchases; consider horizon_days: 180"
    )
    longer = {**back, "horizon_days": 180, "activity": "usage"}
    (already,) = caveats({**report, "returning_churners": longer})
    assert already.startswith("87% of the churners labelled at the cutoffs (20,709 of 23,786")
    assert "were active again within 168 days after their 180-day horizon" in already
    assert "between active days" in already and "consider horizon_days" not in already
    assert "the label names few departures" in already
    fewer = {**back, "returned": 2300, "share": 2300 / 23786}  # win-backs: real churn has some
    assert caveats({**report, "returning_churners": fewer}) == []


def test_a_gap_based_horizon_the_data_do_not_allow_is_not_suggested():
    """Chinook: "consider horizon_days: 600 or more", and 600 left every training row a
    stayer, no customer having been silent longer than 584 days; the note says the data
    cannot tell churners from long pauses there. One the data allow is suggested as is."""
    back = {
        "churners": 309,
        "returned": 241,
        "share": 241 / 309,
        "follow_up_min_days": 235,
        "follow_up_max_days": 480,
        "gap_median_days": 233.0,
        "gap_p90_days": 584.0,
        "horizon_days": 90,
        "activity": "purchases",
    }
    unfit = {
        "horizon_days": 600,
        "set": "train",
        "cutoffs": "2021-08-31 … 2022-07-31",
        "churners": 0,
        "stayers": 532,
        "longest_silence_days": 584,
    }
    report = {"churn_rate": 0.3, "n_customers": 500, "model": {"roc_auc": 0.8}, "baselines": {}}
    (note,) = caveats({**report, "returning_churners": {**back, "horizon_unfit": unfit}})
    assert "consider horizon_days" not in note
    assert note.endswith(
        "(customers' usual gap between purchases: median 233 days, 90% under 584): most "
        "'churners' are between purchases, but a horizon that outlasts 90% of the gaps (600 "
        "days) leaves the training cutoffs (2021-08-31 … 2022-07-31) no churner, as no "
        "customer was silent longer than 584 days: the data are too short to tell churners "
        "from customers on long pauses at this rhythm, so the model learns who pauses, not "
        "who leaves; a label of the business's own (churn.definition: label_column) would "
        "name those who leave"
    )
    few = {
        **unfit,
        "set": "validation",
        "cutoffs": "2022-09-30",
        "churners": 1,
        "stayers": 44,
        "calibration": "holds 1 churner of 45: calibration needs at least 2 of each",
        "longest_silence_days": 700,
    }
    (note,) = caveats({**report, "returning_churners": {**back, "horizon_unfit": few}})
    assert (
        "(600 days) leaves the validation cutoff (2022-09-30) too few to calibrate on: it holds "
        "1 churner of 45: calibration needs at least 2 of each: the data are too short" in note
    )
    small = {**few, "set": "test", "churners": 8, "stayers": 40, "tested": 10}
    del small["calibration"]
    (note,) = caveats({**report, "returning_churners": {**back, "horizon_unfit": small}})
    assert (
        "(600 days) leaves the test cutoff (2022-09-30) 8 churners and 40 stayers, where a "
        "test needs 10 of each to judge a model by: the data are too short" in note
    )
    planless = {"horizon_days": 600, "plan": "no training cutoff fits", "longest_silence_days": 900}
    (note,) = caveats({**report, "returning_churners": {**back, "horizon_unfit": planless}})
    assert "(600 days) leaves no cutoffs with a full horizon in the data: the data are" in note
    (note,) = caveats({**report, "returning_churners": {**back, "suggested_horizon_days": 584}})
    assert note.endswith("most 'churners' are between purchases; consider horizon_days: 584")


SUPERSTORE_BACK = {
    "churners": 3532,
    "returned": 2940,
    "share": 2940 / 3532,
    "follow_up_min_days": 184,
    "follow_up_max_days": 438,
    "gap_median_days": 129.0,
    "gap_p90_days": 437.4,
    "horizon_days": 180,
    "activity": "purchases",
}


def test_a_longer_horizon_whose_churners_come_back_as_often_is_not_suggested():
    """Superstore at 180 days: 83% came back, the note said "consider horizon_days: 450",
    and there 90% did (at 540, 91%). The note now gives the shares of the horizons tried
    and says the plain thing: the data hold few departures, whatever the horizon."""
    tried = [
        {"horizon_days": 450, "churners": 1218, "returned": 1100, "share": 0.903, "longest": False},
        {"horizon_days": 660, "churners": 43, "returned": 38, "share": 0.884, "longest": True},
    ]
    report = {"churn_rate": 0.25, "n_customers": 669, "model": {"roc_auc": 0.8}, "baselines": {}}
    back = {**SUPERSTORE_BACK, "longer_horizons": tried}
    (note,) = caveats({**report, "returning_churners": back})
    assert "consider" not in note
    assert note.endswith(
        "90% under 438): most 'churners' are between purchases, and a longer horizon does not "
        "help: at 450 days, 90% of the churners (1,100 of 1,218) bought again; at 660 days, the "
        "longest the data allow, 88% (38 of 43): the labels name pauses, not departures, and "
        "these data hold few departures to learn from; a label of the business's own "
        "(churn.definition: label_column) would name those who leave"
    )
    longer = {
        **SUPERSTORE_BACK,
        "horizon_days": 450,
        "longer_horizons": tried[1:],
        "returned": 1100,
        "churners": 1218,
        "share": 0.903,
    }
    (note,) = caveats({**report, "returning_churners": longer})
    assert (
        "most 'churners' pause longer than the horizon and come back, and a longer horizon "
        "does not help: at 660 days, the longest the data allow, 88% of the churners (38 of "
        "43) bought again: the labels name pauses" in note
    )
    (note,) = caveats({**report, "returning_churners": {**longer, "longer_horizons": []}})
    assert note.endswith(
        "come back, and no longer horizon trains a model on these data (each leaves too few "
        "cutoffs, churners or stayers): so the labels name pauses, not departures; a label "
        "of the business's own (churn.definition: label_column) would name those who leave"
    )
    untold = {"horizon_days": 660, "untold": True, "longest": True}  # trains; too short after
    (note,) = caveats({**report, "returning_churners": {**longer, "longer_horizons": [untold]}})
    assert note.endswith(
        "come back, and whether a longer horizon helps cannot be told: at 660 days, the "
        "longest the data allow, too few days of data follow the horizon to tell who came "
        "back; a label of the business's own (churn.definition: label_column) would name "
        "those who leave"
    )  # not "no longer horizon trains a model", which it does
    helps = {"horizon_days": 450, "churners": 400, "returned": 120, "share": 0.3, "longest": False}
    suggested = {**SUPERSTORE_BACK, "suggested_horizon_days": 450, "suggested_returning": helps}
    (note,) = caveats({**report, "returning_churners": suggested})
    assert note.endswith(
        "most 'churners' are between purchases; consider horizon_days: 450, where 30% of the "
        "churners (120 of 400) bought again after it"
    )


def test_a_usual_gap_of_one_day_is_said_in_the_singular():
    """Sakila's renters came back daily: the note said "median 1 days"."""
    back = {
        "churners": 100,
        "returned": 90,
        "share": 0.9,
        "gap_median_days": 1.0,
        "gap_p90_days": 5.0,
        "horizon_days": 14,
        "activity": "purchases",
    }
    report = {"churn_rate": 0.3, "n_customers": 500, "model": {"roc_auc": 0.8}, "baselines": {}}
    (note,) = caveats({**report, "returning_churners": back})
    assert "(customers' usual gap between purchases: median 1 day, 90% under 5)" in note


def test_churners_followed_for_less_than_a_usual_gap_say_the_follow_up_used():
    """A shop's gap of 476 days: its later cutoffs had 183 days of data after the
    horizon, the earliest the whole gap, and the note says the range it counted in."""
    back = {
        "churners": 31417,
        "returned": 21265,
        "share": 21265 / 31417,
        "follow_up_min_days": 183,
        "follow_up_max_days": 456,
        "gap_median_days": 166.0,
        "gap_p90_days": 476.0,
        "horizon_days": 90,
        "activity": "purchases",
    }
    report = {"churn_rate": 0.3, "n_customers": 5000, "model": {"roc_auc": 0.8}, "baselines": {}}
    (note,) = caveats({**report, "returning_churners": back})
    assert note.startswith(
        "68% of the churners labelled at the cutoffs (21,265 of 31,417 with 183 to 456 days "
        "of data after their horizon) bought again within 183 to 456 days after their 90-day "
        "horizon (customers' usual gap between purchases: median 166 days, 90% under 476)"
    )
    assert note.endswith("consider horizon_days: 480")


def test_labelled_customers_with_no_record_by_the_snapshot_are_counted_and_said():
    """A MOOC's 63,176 of 120,542 labelled enrollments had no row in the log: train left
    them out unsaid (its test was 20% of the rest); only `churn score` told of them."""
    ids = list(range(1, 11))
    labels = [True, False, True, False, False, False, True, True, True, False]
    log = events([(i, "2024-05-01", "view") for i in ids[:6]])  # 7-10: no row at all
    tables = make_tables(
        customer_frame=customers(ids, label=labels), events=log, as_of=pd.Timestamp("2024-06-30")
    )
    data = DataSpec(
        customers=CustomersSpec(
            path=Path("unused.csv"), label=LabelSpec(column="churn", positive=1)
        ),
        events=EventsSpec(path=Path("unused.csv")),
    )
    config = RunConfig(name="t", data=data, churn=ChurnSpec(definition="label_column"))
    built = assemble(tables, config, [pd.Timestamp("2024-06-30")], fit_on=[])
    assert sorted(built.frame["customer_id"]) == ids[:6]  # where they are dropped
    out = _labelled_unknown(SimpleNamespace(data=built), tables)
    assert out == {
        "customers": 4,
        "labelled": 10,
        "churn_rate": 0.75,
        "kept_churn_rate": pytest.approx(1 / 3),
        "no_record_of": ["signup", "usage event"],
        "cutoff": "2024-06-30",
    }
    report = {"churn_rate": 0.2, "n_customers": 4000, "model": {"roc_auc": 0.8}, "baselines": {}}
    assert caveats({**report, "labelled_left_out": out}) == [
        "4 of the 10 labelled customers (40%) were left out of training and the test: no "
        "signup or usage event on record by 2024-06-30, so no feature to read (`churn "
        "score` leaves them out too); they churned at 75% against 33% of those kept, so the "
        "model ranks only customers with a record: check that the log covers the labelled "
        "customers"
    ]
    everyone = tables.with_tables(events=events([(i, "2024-05-01", "view") for i in ids]))
    built = assemble(everyone, config, [pd.Timestamp("2024-06-30")], fit_on=[])
    assert _labelled_unknown(SimpleNamespace(data=built), everyone) is None
