"""The notes that travel with a model, and the short ones a worklist says, from a report."""

from training.caveats import model_notes, ranking_caveats
from training.report import caveats

HEALTHY = {
    "churn_rate": 0.2,
    "n_customers": 4000,
    "model": {"roc_auc": 0.81, "ece": 0.02},
    "baselines": {"recency": {"roc_auc": 0.74}},
}


def test_a_healthy_model_carries_no_caveat():
    assert model_notes(HEALTHY) == [] and ranking_caveats(HEALTHY) == []


def test_superstores_near_chance_model_is_said_short_and_in_full():
    """Test ROC AUC 0.514, every baseline about 0.5, calibration error over the limit."""
    superstore = {
        **HEALTHY,
        "churn_rate": 0.446,
        "n_customers": 666,
        "model": {"roc_auc": 0.5138, "ece": 0.084},
        "baselines": {"logreg": {"roc_auc": 0.4983}, "recency": {"roc_auc": 0.4759}},
        "promotion_max_ece": 0.05,
    }
    assert ranking_caveats(superstore) == [
        "the model ranks churners close to chance (test ROC AUC 0.514)"
    ]
    (note,) = model_notes(superstore)  # the calibration limit is the gate's to say
    assert note.startswith("ROC AUC 0.5138: the model ranks churners little better than chance")
    assert len(caveats(superstore)) == 2


def test_a_list_ordered_near_chance_is_said_whatever_the_baselines_did():
    """A retailer's model read 0.589 and its logistic regression 0.602: the worklist said
    only that a baseline ranked better, not that its own order was near chance."""
    report = {**HEALTHY, "model": {"roc_auc": 0.5892}, "baselines": {"logreg": {"roc_auc": 0.6023}}}
    assert ranking_caveats(report) == [
        "the model ranks churners close to chance (test ROC AUC 0.589)",
        "a simple baseline (logreg) ranked the test customers better than the model "
        "(ROC AUC 0.602 against 0.589)",
    ]


def test_a_better_baseline_and_a_leak_are_said_short():
    report = {
        **HEALTHY,
        "baselines": {"recency": {"roc_auc": 0.8712}, "logreg": {"roc_auc": 0.83}},
        "strongest_single_feature": {"leaking": [{"feature": "cancel_reason", "roc_auc": 0.99}]},
        "undated_attribute_leaks": [{"attribute": "state"}],
    }
    assert ranking_caveats(report) == [
        "a simple baseline (recency) ranked the test customers better than the model "
        "(ROC AUC 0.871 against 0.810)",
        "it learned from cancel_reason, state, leaking the label (`churn train` said how): "
        "it may rank new customers worse than tested",
    ]


def test_churners_who_come_back_travel_with_the_model_but_not_to_the_worklist():
    """What the label calls churn is the modeller's to fix: `churn score` says it in
    full, the worklist's one line (the order itself) does not."""
    back = {
        "churners": 1000,
        "returned": 620,
        "share": 0.62,
        "gap_median_days": 50.0,
        "gap_p90_days": 168.0,
        "horizon_days": 90,
        "activity": "purchases",
    }
    report = {**HEALTHY, "returning_churners": back}
    (note,) = model_notes(report)
    assert note.startswith("62% of the churners labelled at the cutoffs (620 of 1,000")
    assert ranking_caveats(report) == []


def test_a_booster_that_used_every_round_allowed_says_more_may_fit_better():
    """64,000 rows of a near-perfect snapshot ran to the 2,000-round cap: early stopping
    never fired, and nothing said so."""
    capped = {**HEALTHY, "rounds": {"used": 2000, "at_most": 2000}}
    (note,) = model_notes(capped)
    assert note.startswith("the booster used all 2,000 rounds training.max_rounds allows,")
    assert model_notes({**HEALTHY, "rounds": {"used": 412, "at_most": 2000}}) == []


def test_a_near_perfect_test_no_named_leak_explains_is_said_short():
    """An insurer's run at 1.0000 after the named leaks were left out, forced to champion:
    its worklist had said nothing."""
    report = {**HEALTHY, "model": {"roc_auc": 1.0, "ece": 0.001}}
    assert ranking_caveats(report) == [
        "its test ROC AUC 1.0000 is near-perfect, as no real churn is: columns that give "
        "the outcome away together likely leak it (`churn train` said so)"
    ]
