"""MLflow: a training run is logged, promoted by alias through the gate, and loads back.

The store is a SQLite file in a temporary folder (`MLFLOW_TRACKING_URI`), and the working
directory moves there too, so nothing lands in the repository. One module fixture trains a
good and a deliberately weak model on the same data and plays the promotion story once:
good -> champion, weak refused, weak forced. The tests then check each step.
"""

import json
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from mlflow.exceptions import MlflowException
from typer.testing import CliRunner

import mlflow
from churn.cli import app
from features.contract import (
    ChurnSpec,
    CustomersSpec,
    DataSpec,
    EvaluationSpec,
    LabelSpec,
    RunConfig,
    TransactionsSpec,
    load_config,
)
from features.sources import load_tables
from features.tables import Tables, snapshot_cutoff
from mlflow import MlflowClient
from serving.caveats import caveats_of
from tests.factories import model_of_replaced_features
from tests.training.datasets import (
    FUTURE_USAGE,
    ONE_THREAD,
    TRAINING,
    derive_config,
    simulated,
    telecom_snapshot,
)
from training.promote import (
    ClassesTested,
    Decision,
    NothingToCompareError,
    Promotion,
    PromotionError,
    UnfairComparisonError,
    UnscorableChampionError,
    behind_champion,
    compared,
    gate,
    logged_leaks,
    logged_notes,
    metrics_on_cutoff,
    promote,
    reading_notes,
    require_same_labels,
    require_same_model,
    require_same_question,
    require_unseen,
    train_advice,
)
from training.report import baseline_notes, caveats
from training.tracking import MODEL_URI_TAG, REPORT_ARTIFACT, _flat_metrics, _flat_params, configure
from training.train import TrainedRun, train_and_log

WEAK = {
    "cutoffs": 3,
    "max_rounds": 10,
    "early_stopping_rounds": 5,
    "params": {**ONE_THREAD, "max_depth": 1, "colsample_bytree": 0.05},
}
"""A deliberately worse model on the same data: stumps on a twentieth of the features
each, ten rounds (the logistic regression ranks better: ROC AUC 0.8718 against 0.8826;
stumps on all features tied it once the training cutoffs' year-long windows, reaching
before the data, read as unknown)."""


@dataclass
class Story:
    root: Path
    config: RunConfig
    tables: Tables
    good: TrainedRun
    weak: TrainedRun
    first: Promotion
    champion_after_first: mlflow.pyfunc.PyFuncModel
    aliases_after_first: dict[str, str]
    refused: Promotion
    aliases_after_refusal: dict[str, str]
    versions_after_refusal: int
    forced: Promotion
    aliases_after_force: dict[str, str]

    @property
    def name(self) -> str:
        return self.config.model_name


def _aliases(name: str) -> dict[str, str]:
    return {k: str(v) for k, v in MlflowClient().get_registered_model(name).aliases.items()}


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> Iterator[Story]:
    root = tmp_path_factory.mktemp("mlflow")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root}/mlflow.db")
        patch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
        patch.chdir(root)
        path = simulated(root / "data", customers=1500, months=18, seed=5, training=TRAINING)
        weak_path = derive_config(path, path.with_name("weak.yaml"), training=WEAK)
        config = load_config(path)
        tables = load_tables(config)
        good, weak = train_and_log(path), train_and_log(weak_path)
        first = promote(config, tables, run_id=good.run_id)
        champion = mlflow.pyfunc.load_model(f"models:/{config.model_name}@champion")
        after_first = _aliases(config.model_name)
        refused = promote(config, tables, run_id=weak.run_id)
        after_refusal = _aliases(config.model_name)
        versions = len(MlflowClient().search_model_versions(f"name = '{config.model_name}'"))
        forced = promote(config, tables, run_id=weak.run_id, force=True)
        yield Story(
            root=root,
            config=config,
            tables=tables,
            good=good,
            weak=weak,
            first=first,
            champion_after_first=champion,
            aliases_after_first=after_first,
            refused=refused,
            aliases_after_refusal=after_refusal,
            versions_after_refusal=versions,
            forced=forced,
            aliases_after_force=_aliases(config.model_name),
        )


# -- logging ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_run_logs_config_metrics_tags_and_the_model(story):
    run = MlflowClient().get_run(story.good.run_id)
    assert run.data.tags["churn.definition"] == "inactivity"
    assert run.data.tags["protocol"] == "out_of_time"
    assert len(run.data.tags["data.sha256"]) == 64
    assert "git_commit" in run.data.tags
    assert run.data.params["training.cutoffs"] == "3"
    assert run.data.metrics["test_roc_auc"] == pytest.approx(story.good.report["model"]["roc_auc"])
    assert "baseline_logreg_roc_auc" in run.data.metrics
    logged = mlflow.artifacts.load_dict(f"runs:/{run.info.run_id}/evaluation/report.json")
    assert logged["model"] == pytest.approx(story.good.report["model"])
    assert logged["returning_churners"]["share"] < 0.5  # a 90-day horizon outlasts the pauses
    config_text = mlflow.artifacts.load_text(f"runs:/{run.info.run_id}/config/churn.yaml")
    assert "max_rounds: 150" in config_text


@pytest.mark.slow
def test_store_and_artifacts_live_in_the_temporary_folder(story):
    run = MlflowClient().get_run(story.good.run_id)
    assert mlflow.get_tracking_uri() == f"sqlite:///{story.root}/mlflow.db"
    assert run.info.artifact_uri.removeprefix("file://").startswith(str(story.root))


# -- promotion ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_first_model_becomes_champion(story):
    assert story.first.decision.passed, story.first.decision.reasons
    assert str(story.first.version) == "1"
    assert story.first.previous is None
    assert story.aliases_after_first == {"champion": "1"}
    tags = MlflowClient().get_model_version(story.name, "1").tags
    assert tags["forced"] == "false" and tags["gate_refusal"] == ""


@pytest.mark.slow
def test_champion_alias_predicts_exactly_like_the_in_memory_model(story):
    model = story.good.model
    cutoff = pd.Timestamp(model.info["test_cutoffs"][-1])
    rows = model.features(story.tables, cutoff).head(300)
    plain = rows[model.layout.names].copy()
    for name in model.layout.levels:  # the signature takes categoricals as text
        plain[name] = plain[name].astype("object").where(plain[name].notna(), None)
    loaded = story.champion_after_first.predict(plain)
    np.testing.assert_array_equal(loaded["churn_probability"].to_numpy(), model.predict_proba(rows))


@pytest.mark.slow
def test_worse_candidate_is_refused_and_no_alias_moves(story):
    refused = story.refused
    assert not refused.decision.passed
    assert refused.version is None
    assert any("ROC AUC" in reason for reason in refused.decision.reasons)
    assert any("Brier" in reason for reason in refused.decision.reasons)
    # the champion, loaded from the registry and re-scored on the candidate's test cutoff
    # (the same rows it was tested on), reproduces the metrics it logged (served, the trees
    # run compiled in float64 where training predicted with XGBoost's float32: an isotonic
    # calibrator's steep steps turn that into differences of up to 1e-5 in a probability)
    # (the chance level is drawn from the probabilities: a 1e-5 step may flip a draw)
    rescored = {k: v for k, v in refused.decision.champion.items() if k != "ece_by_chance"}
    logged = {k: v for k, v in story.good.report["model"].items() if k != "ece_by_chance"}
    assert rescored == pytest.approx(logged, rel=1e-5)
    chance = refused.decision.champion["ece_by_chance"]
    assert chance == pytest.approx(story.good.report["model"]["ece_by_chance"], abs=2e-3)
    # the candidate is scored on the same rows too: its own data are these, so it
    # reproduces its logged test metrics (up to ties among its stumps' few distinct
    # scores, which the ROC AUC counts as halves)
    weak = {k: refused.decision.candidate[k] for k in ("roc_auc", "brier", "ece")}
    assert weak == pytest.approx({k: story.weak.report["model"][k] for k in weak}, abs=2e-3)
    assert story.aliases_after_refusal == {"champion": "1"}
    assert story.versions_after_refusal == 1  # refused runs are not even registered


@pytest.mark.slow
def test_promotion_repeats_the_note_training_printed_about_a_better_baseline(story):
    """The stumps rank worse than the logistic regression: `churn train` said so, and
    `churn promote` says it again (a `--latest` promotion made such a run champion
    without a word); the good run has nothing to repeat."""
    (note,) = baseline_notes(story.weak.report)
    assert note in story.refused.notes and story.refused.notes == story.forced.notes
    assert story.refused.notes == caveats({**story.weak.report, "promotion_max_ece": None})
    assert not baseline_notes(story.good.report)
    assert story.first.notes == caveats({**story.good.report, "promotion_max_ece": None})


@pytest.mark.slow
def test_the_notes_travel_in_the_packaged_model(story):
    """What promote repeated is in the model's own info, with the short form a worklist
    says, so serving needs no artifact of the run."""
    info = story.weak.model.info
    assert info["caveats"] == story.forced.notes
    (short,) = info["ranking_caveats"]
    assert short.startswith("a simple baseline (logreg) ranked the test customers better")
    assert story.good.model.info["ranking_caveats"] == []


@pytest.mark.slow
def test_promotion_repeats_a_leak_training_noted(story):
    """A leaking column `churn train` named is named again by `churn promote`, read from
    the run's logged report (its metrics tell only of a better baseline)."""
    leaking = {"leaking": [{"feature": "cancel_reason", "roc_auc": 0.998}]}
    with mlflow.start_run() as run:
        mlflow.log_dict({**story.good.report, "strongest_single_feature": leaking}, REPORT_ARTIFACT)
        mlflow.log_metrics({"test_roc_auc": story.good.report["model"]["roc_auc"]})
    notes = logged_notes(MlflowClient(), run.info.run_id)  # with the run's own (history)
    (note,) = [note for note in notes if "cancel_reason" in note]
    assert note.startswith("cancel_reason alone ranks churners with ROC AUC 0.998: a column")


@pytest.mark.slow
def test_forced_promotion_moves_champion_tags_it_and_keeps_the_old_one_as_challenger(story):
    forced = story.forced
    assert str(forced.version) == "2"
    assert str(forced.previous) == "1"
    assert forced.forced
    assert forced.decision.reasons  # the gate still said no
    assert story.aliases_after_force == {"champion": "2", "challenger": "1"}
    tags = MlflowClient().get_model_version(story.name, "2").tags
    assert tags["forced"] == "true"
    assert tags["gate_refusal"] == "; ".join(forced.decision.reasons)  # what users are told


@pytest.mark.slow
def test_a_dry_run_decides_without_registering_or_moving_an_alias(story):
    before = len(MlflowClient().search_model_versions(f"name = '{story.name}'"))
    trial = promote(story.config, story.tables, run_id=story.good.run_id, dry_run=True)
    assert trial.decision.passed and trial.version is None  # better than the forced weak one
    assert _aliases(story.name) == story.aliases_after_force
    assert len(MlflowClient().search_model_versions(f"name = '{story.name}'")) == before


@pytest.mark.slow
def test_promoting_the_champion_again_is_an_error(story):
    with pytest.raises(PromotionError, match="already the champion"):
        promote(story.config, story.tables, run_id=story.weak.run_id)


@pytest.mark.slow
def test_an_unknown_run_is_one_clear_error(story):
    with pytest.raises(PromotionError, match="no run 'deadbeef' in the tracking store"):
        promote(story.config, story.tables, run_id="deadbeef")


@pytest.mark.slow
def test_a_run_whose_model_does_not_load_is_one_clear_error(story, monkeypatch):
    """A run's model file cut short gave a 40-line traceback ending in UnpicklingError."""

    def truncated(*args, **kwargs):
        raise pickle.UnpicklingError("pickle data was truncated")

    monkeypatch.setattr("training.promote.mlflow.pyfunc.load_model", truncated)
    said = rf"run {story.good.run_id}'s model cannot be loaded \(UnpicklingError: pickle data"
    _refused_forced_or_not(story, said)


@pytest.mark.slow
def test_a_run_reading_a_replaced_feature_is_not_promoted(story, monkeypatch):
    """An old run promoted back (a rollback) would be refused by the server's smoke test
    and not scored by the batch: promote says so first, forced or not."""
    model = model_of_replaced_features()
    monkeypatch.setattr(
        "training.promote.mlflow.pyfunc.load_model",
        lambda uri: SimpleNamespace(unwrap_python_model=lambda: model),
    )
    _refused_forced_or_not(
        story, rf"run {story.good.run_id}: it reads features this version of Churn Radar replaced"
    )


def _refused_forced_or_not(story: Story, said: str) -> None:
    """Promoting the good run again is refused with `said`, with --force too; no alias
    moves."""
    for force in (False, True):
        with pytest.raises(PromotionError, match=said):
            promote(story.config, story.tables, run_id=story.good.run_id, force=force)
    assert _aliases(story.name) == story.aliases_after_force


@pytest.mark.slow
def test_a_champion_reading_a_replaced_feature_does_not_block_its_successor(story, monkeypatch):
    """Retraining was the advice for a champion reading a feature this version replaced,
    and promoting the new run was refused unless forced ("cannot be scored by this code
    (KeyError: 'purchase_pace_90d_vs_lifetime')"): nothing serves it, so the run is
    judged alone, as a first champion is."""
    retired = model_of_replaced_features()
    real = mlflow.pyfunc.load_model

    def load(uri: str) -> object:
        if uri.startswith(f"models:/{story.name}/"):  # the champion, by its version
            return SimpleNamespace(unwrap_python_model=lambda: retired)
        return real(uri)

    monkeypatch.setattr("training.promote.mlflow.pyfunc.load_model", load)
    judged = promote(story.config, story.tables, run_id=story.good.run_id, dry_run=True)
    assert judged.decision.champion is None and judged.decision.passed and not judged.forced
    assert judged.decision.set_aside == (
        "the champion (version 2) reads purchase_pace_90d_vs_lifetime, which this version "
        "of Churn Radar replaced: compared with the floor, not with it"
    )
    assert _aliases(story.name) == story.aliases_after_force  # a dry run moves nothing


@pytest.mark.slow
def test_a_champion_this_code_cannot_score_blocks_promotion_unless_forced(story, monkeypatch):
    """A champion logged by older code that no longer loads or scores: a clear refusal
    naming --force, never a traceback; forced, the candidate replaces it."""

    def broken(*args, **kwargs):
        raise AttributeError("'QuantileWalletEstimator' object has no attribute 'levels_'")

    monkeypatch.setattr("training.promote.metrics_on_cutoff", broken)
    with pytest.raises(UnscorableChampionError, match=r"version 2\) cannot be scored.*--force"):
        promote(story.config, story.tables, run_id=story.good.run_id)
    assert _aliases(story.name) == {"champion": "2", "challenger": "1"}
    replaced = promote(story.config, story.tables, run_id=story.good.run_id, force=True)
    assert replaced.forced and replaced.previous == "2"
    # the good run is back as the version it already was (a rollback, not a copy)
    assert replaced.version == "1"
    assert _aliases(story.name) == {"champion": "1", "challenger": "2"}
    assert len(MlflowClient().search_model_versions(f"name = '{story.name}'")) == 2
    # the gate judged it alone and passed it, but --force is what put it there: tagged so
    tags = MlflowClient().get_model_version(story.name, replaced.version).tags
    assert tags["forced"] == "true" and tags["gate_refusal"] == ""


# -- the gate as a pure rule ---------------------------------------------------------------------


def _client_logging(**metrics: float) -> SimpleNamespace:
    """A client of a run logged with these metrics and no report (older code)."""
    run = SimpleNamespace(data=SimpleNamespace(metrics=metrics))

    def no_report(run_id: str, path: str, folder: str) -> str:
        raise MlflowException(f"no artifact {path}")

    return SimpleNamespace(get_run=lambda run_id: run, download_artifacts=no_report)


def test_the_logged_baselines_are_read_back_into_trainings_own_note():
    client = _client_logging(
        test_roc_auc=0.9304,
        baseline_logreg_roc_auc=0.9645,
        baseline_usage_recency_roc_auc=0.9400,
        baseline_logreg_brier=0.05,
    )
    assert logged_notes(client, "run") == [
        "baseline logreg ranks better than the model (ROC AUC 0.9645 vs 0.9304): check the "
        "data and features before promoting this run"
    ]
    within = _client_logging(test_roc_auc=0.9600, baseline_logreg_roc_auc=0.9645)
    assert logged_notes(within, "run") == []  # within BASELINE_MARGIN


CHAMPION = {"roc_auc": 0.80, "brier": 0.100, "ece": 0.02}


@pytest.fixture
def rules() -> RunConfig:
    return RunConfig.model_validate(
        {
            "name": "gate",
            "data": {"transactions": {"path": "unused.csv"}},
            "promotion": {"auc_tolerance": 0.01, "brier_tolerance": 0.002, "max_ece": 0.05},
        }
    )


def test_gate_passes_a_candidate_within_every_tolerance(rules):
    candidate = {"roc_auc": 0.795, "brier": 0.1015, "ece": 0.049}
    decision = gate(candidate, CHAMPION, rules)
    assert decision.passed and decision.reasons == []


def test_gate_refuses_a_worse_model_naming_each_reason(rules):
    candidate = {"roc_auc": 0.70, "brier": 0.13, "ece": 0.08}
    decision = gate(candidate, CHAMPION, rules)
    assert not decision.passed
    text = " | ".join(decision.reasons)
    assert len(decision.reasons) == 3
    assert "ROC AUC 0.7000 is worse than the champion's 0.8000" in text
    assert "Brier 0.1300 is worse than the champion's 0.1000" in text
    assert "calibration error 0.0800 is above the limit 0.05" in text


def test_gate_allows_a_calibration_error_chance_gives_on_a_small_test(rules):
    """A perfectly calibrated model on a few hundred test rows passes 0.05 one time in
    20 or more: the limit is then what chance gives there (`ece_by_chance`)."""
    candidate = {"roc_auc": 0.80, "brier": 0.100, "ece": 0.07, "ece_by_chance": 0.081}
    assert gate(candidate, CHAMPION, rules).passed
    worse = {**candidate, "ece": 0.09}
    (reason,) = gate(worse, CHAMPION, rules).reasons
    assert reason == (
        "calibration error 0.0900 is above the limit 0.05 and the 0.0810 a calibrated model "
        "reaches by chance on its test rows one time in 20"
    )


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"roc_auc": 0.789}, "ROC AUC"),
        ({"brier": 0.1021}, "Brier"),
        ({"ece": 0.051}, "calibration"),
    ],
)
def test_gate_refuses_on_each_rule_alone(rules, change, named):
    candidate = {**CHAMPION, **change}
    decision = gate(candidate, CHAMPION, rules)
    assert not decision.passed
    assert len(decision.reasons) == 1 and named in decision.reasons[0]


def test_the_compared_numbers_are_shown_in_one_line(rules):
    decision = gate({"roc_auc": 0.795, "brier": 0.1015, "ece": 0.049}, CHAMPION, rules)
    assert compared(decision) == (
        "candidate roc_auc 0.7950, brier 0.1015, ece 0.0490; "
        "champion roc_auc 0.8000, brier 0.1000, ece 0.0200"
    )
    alone = gate({"roc_auc": 0.7, "brier": 0.2, "ece": 0.01}, None, rules)
    assert compared(alone) == "candidate roc_auc 0.7000, brier 0.2000, ece 0.0100"


def test_gate_without_a_champion_checks_calibration_chance_and_the_baselines(rules):
    """No champion to beat: the run's own test is the floor, by `churn train`'s tests."""
    assert gate({"roc_auc": 0.7, "brier": 0.3, "ece": 0.01}, None, rules).passed
    assert not gate({"roc_auc": 0.99, "brier": 0.01, "ece": 0.2}, None, rules).passed
    # RavenStack: no better than chance, and BG/NBD ranked better
    baselines = {"logreg": 0.5, "recency": 0.5019, "bgnbd": 0.5281}
    chance = gate({"roc_auc": 0.4905, "brier": 0.1, "ece": 0.02}, None, rules, baselines=baselines)
    assert chance.reasons == [
        "ROC AUC 0.4905 is close to chance (under 0.6, and so is every baseline) and there is "
        "no champion yet: a first champion must rank churners better than a coin",
        "baseline bgnbd ranks better (ROC AUC 0.5281 against 0.4905, more than 0.02 ahead) "
        "and there is no champion yet: a first champion must not rank worse than a simple "
        "baseline",
    ]
    beaten = gate(
        {"roc_auc": 0.80, "brier": 0.1, "ece": 0.02}, None, rules, baselines={"logreg": 0.83}
    )
    assert [r.split(" (")[0] for r in beaten.reasons] == ["baseline logreg ranks better"]
    # a telecom snapshot's logistic regression a few thousandths ahead: training's note
    # says it, and the calibrated risk with its reasons still makes a champion
    within = {"logreg": 0.81, "recency": 0.7}
    assert gate({"roc_auc": 0.80, "brier": 0.1, "ece": 0.02}, None, rules, baselines=within).passed


def test_the_floor_is_for_a_first_champion_only(rules):
    """With a champion, the comparison on the same rows decides (a retrain of a data set
    that ranks poorly is judged against the model it replaces), unless `--force` put that
    champion past the gate's refusal: RavenStack's near-chance retrain then replaced it
    unforced, and the worklist's caution lost the word that the list was forced."""
    weak = {"roc_auc": 0.55, "brier": 0.1, "ece": 0.02}
    assert gate(weak, {**weak, "roc_auc": 0.54}, rules, baselines={"logreg": 0.56}).passed
    over_forced = gate(
        weak, {**weak, "roc_auc": 0.54}, rules, baselines={"logreg": 0.56}, champion_forced=True
    )
    assert over_forced.reasons == [
        "ROC AUC 0.5500 is close to chance (under 0.6, and so is every baseline) and the "
        "champion was forced past the gate: a champion must rank churners better than a coin"
    ]


def test_train_claims_no_first_champion_refusal_when_the_registry_cannot_be_asked(
    tmp_path, monkeypatch
):
    """A registry out of reach says nothing of the champion: `churn train` keeps to the
    run's own refusals rather than claim the first champion's floor."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/mlflow.db")
    configure()
    report = {"model": {"roc_auc": 0.5, "ece": 0.01}, "baselines": {}}
    config = _snapshot_config()
    (floor,) = train_advice(report, config).refusals  # never registered: no champion
    assert "there is no champion yet" in floor
    MlflowClient().create_registered_model(config.model_name)
    assert len(train_advice(report, config).refusals) == 1  # registered, no alias: none either

    def unreachable(*_: object) -> None:
        raise MlflowException("API request failed", error_code="TEMPORARILY_UNAVAILABLE")

    monkeypatch.setattr(MlflowClient, "get_model_version_by_alias", unreachable)
    assert train_advice(report, config).refusals == []


def test_train_advice_that_cannot_compare_keeps_to_the_runs_own_refusals(monkeypatch):
    """The run is logged before the advice: a comparison that fails (a champion's
    artifact, the candidate's scoring) leaves `churn train` its own checks, not a crash."""
    import training.promote as promoting

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("the champion's artifact is gone")

    monkeypatch.setattr(promoting, "current_champion", lambda *_: object())
    monkeypatch.setattr(promoting, "judge", broken)
    report = {"model": {"roc_auc": 0.8, "ece": 0.5}, "baselines": {}}
    advice = train_advice(report, _snapshot_config(), model=object(), tables=object())
    assert advice.decision is None
    assert [r for r in advice.refusals if "calibration error" in r]  # its own, still said


@pytest.mark.slow
def test_a_first_model_no_better_than_chance_is_refused_unless_forced(tmp_path, monkeypatch):
    """RavenStack tested at 0.4905, below every baseline, and `churn promote --latest` made
    it the first champion with exit 0: now refused, saying why and how to override; forced,
    its version carries the refusal to the worklist's caution line."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/mlflow.db")
    monkeypatch.chdir(tmp_path)
    coin = telecom_snapshot(tmp_path / "coin", customers=3000, signal=0.0)
    config = str(derive_config(coin, promotion={"max_ece": 0.2}))  # only the floor refuses
    run = train_and_log(Path(config))
    assert run.report["model"]["roc_auc"] < 0.6
    # `churn train` ends saying so, not "promote it with"
    (told,) = train_advice(run.report, load_config(config)).refusals
    assert "is close to chance" in told and "there is no champion yet" in told
    runner = CliRunner(env={"COLUMNS": "200"})
    refused = runner.invoke(app, ["promote", "--config", config, "--latest"])
    said = " ".join(refused.output.split())
    assert refused.exit_code == 1, said
    assert "is close to chance" in said and "there is no champion yet" in said
    assert "stays unpromoted (--force promotes it anyway)" in said
    name = load_config(config).model_name
    assert not MlflowClient().search_model_versions(f"name = '{name}'")
    forced = runner.invoke(app, ["promote", "--config", config, "--latest", "--force"])
    assert forced.exit_code == 0, forced.output
    assert "version 1 is now champion (forced past the gate)" in forced.output
    assert train_advice(run.report, load_config(config)).refusals == []  # a champion: compared
    tags = MlflowClient().get_model_version(name, "1").tags
    assert tags["forced"] == "true" and "is close to chance" in tags["gate_refusal"]
    (*_, caution) = caveats_of(run.model.info, tags).ranking
    assert caution.startswith("promoted with --force although the promotion gate refused it (")
    train_and_log(Path(config))  # a retrain as weak, over the forced champion: the floor holds
    again = runner.invoke(app, ["promote", "--config", config, "--latest"])
    assert again.exit_code == 1, again.output
    assert "the champion was forced past the gate" in " ".join(again.output.split())


LEAK = ["Churnreason", "Churncategory"]
"""Maven's telecom export: each filled for churners only, each alone at ROC AUC 1.000."""


def test_gate_refuses_a_run_tested_on_too_few_churners_or_stayers(rules):
    """Wide World Importers' run tested at ROC AUC 0.762 on 1 churner of 661 passed the
    gate: on so few its metrics say nothing of how it ranks, champion or not."""
    good = {"roc_auc": 0.9, "brier": 0.05, "ece": 0.01}
    report = {"churn_rate": 1 / 661, "n_rows": 661, "churn": {"definition": "inactivity"}}
    few = gate(good, None, rules, tested=ClassesTested.of(report))
    assert not few.passed
    assert few.reasons == [
        "its test held 1 churner of 661 rows (under 10 of each): its metrics cannot say how "
        "it ranks customers (a shorter horizon_days or more customers give a firmer test)"
    ]
    # too few stayers: the remedy that keeps more of them, not the churners' (the other way)
    stayers = gate(
        good, good, rules, tested=ClassesTested.of({**report, "churn_rate": 0.99, "n_rows": 500})
    )
    assert stayers.reasons[0] == (
        "its test held 5 stayers of 500 rows (under 10 of each): its metrics cannot say how "
        "it ranks customers (a longer horizon_days or a shorter active_window_days keep more "
        "customers who stay)"
    )
    both = ClassesTested(3, 4, "more churners", "more stayers").too_few()
    assert both.startswith("its test held 3 churners and 4 stayers of 7 rows")
    assert both.endswith("(more churners; more stayers)")
    assert gate(good, None, rules, tested=ClassesTested(10, 10)).passed
    assert ClassesTested.of(None) is None


def test_gate_refuses_a_run_a_leaking_column_inflated_first_model_or_not(rules):
    """Its test promised what new customers will not get (a reason is written once a
    customer left): `churn promote --latest` made such a 1.0000 run a first champion."""
    perfect = {"roc_auc": 1.0, "brier": 0.0, "ece": 0.001}
    first = gate(perfect, None, rules, leaks=LEAK)
    assert first.reasons == [
        "it learned from leaking columns (Churnreason, Churncategory) (`churn train` said "
        "why), so its test is no measure of how it ranks new customers: leave them out of "
        "the data mapping (not_attributes; "
        "reasons.never only hides them from the reasons, the model still learns from them) "
        "and train again, or promote with --force"
    ]
    after = gate(perfect, CHAMPION, rules, leaks=["Churnreason"])  # better on every metric
    (reason,) = after.reasons
    assert reason.startswith("it learned from a leaking column (Churnreason) (`churn train`")
    assert "inflated" not in reason  # a leak need not raise the test: Relax's fell
    assert gate(perfect, None, rules).passed and gate(perfect, CHAMPION, rules).passed


def test_gate_refuses_a_near_perfect_run_no_named_leak_explains(rules):
    """An insurer's policies, the two leaking columns train named left out, tested at
    1.0000 on two that only together gave the outcome away, and became champion unforced.
    Forced past the gate, such a champion is no reference for an honest run."""
    perfect = {"roc_auc": 1.0, "brier": 0.0, "ece": 0.001}
    for champion in (None, CHAMPION):
        (reason,) = gate(perfect, champion, rules, suspect=True).reasons
        assert reason.startswith("its test ROC AUC 1.0000 is near-perfect, as no real churn is")
        assert reason.endswith("--force only for generated data")
    assert gate(perfect, None, rules).passed  # explained: an expiry run's paid days left
    honest = {"roc_auc": 0.7247, "brier": 0.15, "ece": 0.02}
    decision = gate(honest, perfect, rules, champion_forced=True, champion_suspect=True)
    assert decision.passed and decision.champion is None
    assert decision.set_aside == (
        "the champion tested near-perfect, with no column to explain it, so its test is no "
        "reference: compared with the floor, not with it"
    )


def test_a_near_perfect_test_is_unexplained_unless_a_column_train_named_explains_it():
    from training.report import unexplained_perfection

    perfect = {"model": {"roc_auc": 0.9995}, "baselines": {}}
    assert unexplained_perfection(perfect)
    assert not unexplained_perfection({**perfect, "model": {"roc_auc": 0.97}})
    leaking = {"leaking": [{"feature": "Churnreason", "roc_auc": 1.0}]}
    assert not unexplained_perfection({**perfect, "strongest_single_feature": leaking})
    own = {"definition_inputs": [{"feature": "paid_days_left", "roc_auc": 0.992}]}
    assert not unexplained_perfection({**perfect, "strongest_single_feature": own})


def test_a_champion_a_leak_inflated_is_set_aside_for_the_floor(rules):
    """The honest Maven run (0.9287) was refused as worse than its leaky champion's
    1.0000: it is judged by the first-champion floor instead, and told so in one line."""
    honest = {"roc_auc": 0.9287, "brier": 0.0951, "ece": 0.0283}
    leaky = {"roc_auc": 1.0, "brier": 0.0, "ece": 0.001}
    assert [r.split(" is worse")[0] for r in gate(honest, leaky, rules).reasons] == [
        "ROC AUC 0.9287",
        "Brier 0.0951",
    ]
    decision = gate(honest, leaky, rules, champion_leaks=["Churnreason"])
    assert decision.passed and decision.champion is None
    assert decision.set_aside == (
        "the champion learned from a leaking column (Churnreason), so its test is no "
        "reference: compared with the floor, not with it"
    )
    assert compared(decision) == "candidate roc_auc 0.9287, brier 0.0951, ece 0.0283"
    beaten = gate(honest, leaky, rules, baselines={"logreg": 0.96}, champion_leaks=LEAK)
    assert beaten.reasons == [
        "baseline logreg ranks better (ROC AUC 0.9600 against 0.9287, more than 0.02 ahead) "
        "and the champion is no fair reference: a champion must not rank worse than a simple "
        "baseline"
    ]
    assert gate(honest, CHAMPION, rules).set_aside is None


def test_the_leaks_training_found_are_read_back_from_the_runs_report(tmp_path):
    """Both leak checks' columns, each once; a run logged without a report has none."""
    report = {
        "strongest_single_feature": {"leaking": [{"feature": "Churnreason", "roc_auc": 1.0}]},
        "undated_attribute_leaks": [{"attribute": "Churnreason"}, {"attribute": "status"}],
    }

    def download(run_id: str, path: str, folder: str) -> str:
        (Path(folder) / "report.json").write_text(json.dumps(report))
        return str(Path(folder) / "report.json")

    assert logged_leaks(SimpleNamespace(download_artifacts=download), "run") == [
        "Churnreason",
        "status",
    ]
    assert logged_leaks(_client_logging(test_roc_auc=0.9), "run") == []
    suspect = {"feature": "arpu_9", "roc_auc": 0.934}  # under the leak line, model 0.9913
    report = {
        "model": {"roc_auc": 0.9913},
        "strongest_single_feature": {"leaking": [], "undated_strong": [suspect]},
    }
    assert logged_leaks(SimpleNamespace(download_artifacts=download), "run") == ["arpu_9"]


@pytest.mark.slow
def test_a_leaky_run_is_refused_unless_forced_and_is_then_no_reference(tmp_path, monkeypatch):
    """Maven's export with Churnreason tested at 1.0000 and became champion with exit 0;
    the honest run after it was then refused as worse than 1.0000. Now the leaky run is
    refused (forced, its version carries why), and the honest one meets the floor."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/mlflow.db")
    monkeypatch.chdir(tmp_path)
    lenient = {"promotion": {"max_ece": 0.2}}  # only the leak and the floor decide
    leaky = str(telecom_snapshot(tmp_path / "leaky", leaking=True, **lenient))
    honest = str(telecom_snapshot(tmp_path / "honest", **lenient))
    run = train_and_log(Path(leaky))
    runner = CliRunner(env={"COLUMNS": "200"})
    refused = runner.invoke(app, ["promote", "--config", leaky, "--latest"])
    said = " ".join(refused.output.split())
    assert refused.exit_code == 1, said
    assert "gate: it learned from a leaking column (Churnreason) (`churn train` said" in said
    assert "out of the data mapping (not_attributes; reasons.never only hides it" in said
    assert "stays unpromoted (--force promotes it anyway)" in said
    forced = runner.invoke(app, ["promote", "--config", leaky, "--latest", "--force"])
    assert "version 1 is now champion (forced past the gate)" in forced.output, forced.output
    tags = MlflowClient().get_model_version("telecom", "1").tags
    assert tags["forced"] == "true" and "leaking column (Churnreason)" in tags["gate_refusal"]
    caution = "; ".join(caveats_of(run.model.info, tags).ranking)
    assert "it learned from Churnreason, leaking the label" in caution
    assert "promoted with --force although the promotion gate refused it (it learned" in caution
    train_and_log(Path(honest))
    replaced = runner.invoke(app, ["promote", "--config", honest, "--latest"])
    said = " ".join(replaced.output.split())
    assert replaced.exit_code == 0, said
    assert (
        "gate: the champion learned from a leaking column (Churnreason), so its test is no "
        "reference: compared with the floor, not with it" in said
    )
    assert "telecom version 2 is now champion; version 1 is challenger" in said
    assert MlflowClient().get_model_version("telecom", "2").tags["forced"] == "false"


@pytest.mark.slow
def test_a_partial_leak_under_the_leak_line_is_refused_with_its_periods_family(
    tmp_path, monkeypatch
):
    """A telecom snapshot with 7 month-9 columns left out reached 0.999 on the rest, each
    alone under 0.98, and became champion; 48 more month-9 columns went unsaid."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/mlflow.db")
    monkeypatch.chdir(tmp_path)
    lenient = {"promotion": {"max_ece": 0.2}}
    path = str(telecom_snapshot(tmp_path / "half", future=5, **lenient))
    runner = CliRunner(env={"COLUMNS": "400"})
    trained = runner.invoke(app, ["train", "--config", path])
    said = " ".join(trained.output.split())
    assert trained.exit_code == 0, said
    run_id = said.split("logged run ")[1].split()[0]
    assert "`churn promote` refuses this run (--force overrides)" in said
    assert "promote it with:" not in said  # the last line says the gate's no, not a command
    assert "; the promotion gate will refuse it: it learned from" in said
    assert said.endswith(
        f"Promote it anyway with: churn promote --config {path} --run {run_id} --force"
    )
    assert (
        "2 more attributes of the model end in '_9' as 5 of the leaking columns named above "
        "do (roaming_9, promo_9): if '_9' marks a period after the cutoff, leave them all "
        "out (not_attributes takes patterns like '*_9')" in said
    )
    refused = runner.invoke(app, ["promote", "--config", path, "--latest"])
    said = " ".join(refused.output.split())
    assert refused.exit_code == 1, said
    gate_line = said.split("gate: it learned from leaking columns (")[1].split(")")[0]
    assert sorted(gate_line.split(", ")) == sorted(FUTURE_USAGE)
    assert "patterns like '*_9'" in said
    forced = runner.invoke(app, ["promote", "--config", path, "--latest", "--force"])
    assert "version 1 is now champion (forced past the gate)" in forced.output, forced.output


def test_a_champion_fitted_on_outcomes_past_the_test_cutoff_is_no_fair_reference():
    """Retrained on an earlier cutoff, a run faced a champion re-scored on its own
    validation outcomes (refused: "0.9258 is worse than the champion's 0.9384")."""
    churn = SimpleNamespace(horizon_days=90)
    info = {"training_cutoffs": ["2024-01-31", "2024-02-29"], "validation_cutoff": "2024-03-31"}
    champion = SimpleNamespace(info=info, config=SimpleNamespace(churn=churn))
    require_unseen(champion, pd.Timestamp("2024-06-30"), "1")  # outcomes to 06-29: unseen
    with pytest.raises(UnfairComparisonError, match=r"up to 2024-06-29 .*--force"):
        require_unseen(champion, pd.Timestamp("2024-05-31"), "1")
    snapshot = SimpleNamespace(info={"training_cutoffs": []}, config=champion.config)
    require_unseen(snapshot, pd.Timestamp("2024-05-31"), "1")  # nothing dated to compare


def test_a_champion_of_other_labels_is_no_fair_reference():
    """A 90-day champion re-scored on a 180-day run's labels: the modeller was told to
    test on a later cutoff, which the longer horizon made impossible (Retail Case Study)."""
    from tests.frames import rhythm_config

    ninety = rhythm_config().model_copy(update={"churn": ChurnSpec(horizon_days=90)})
    longer = ninety.model_copy(update={"churn": ChurnSpec(horizon_days=180)})
    champion = SimpleNamespace(config=ninety, bgnbd=None)
    require_same_labels(champion, SimpleNamespace(config=ninety, bgnbd=None), "3")
    with pytest.raises(UnfairComparisonError) as raised:
        require_same_labels(champion, SimpleNamespace(config=longer, bgnbd=None), "3")
    assert str(raised.value) == (
        "the champion (version 3) answers another question: churn.horizon_days 90 (this run: "
        "180); their tests do not compare. Promote with --force to change the question (the "
        "gate then judges the run on its own test)"
    )


def test_a_run_of_another_configs_model_is_refused_naming_both():
    """A grocery run promoted with the config of another model would serve that model's
    customers on what it learned for others."""
    config = SimpleNamespace(model_name="grocery_pit")
    candidate = SimpleNamespace(config=SimpleNamespace(model_name="grocery"))
    with pytest.raises(PromotionError, match=r"trained the model 'grocery', not .*'grocery_pit'"):
        require_same_model(candidate, config, "e7ef")
    require_same_model(SimpleNamespace(config=config), config, "e7ef")


@pytest.mark.slow
def test_the_gate_reads_the_candidates_test_exactly_as_the_run_reported_it(story):
    """One model, one test cutoff, one set of rows: the gate's numbers are the run's to the
    last digit (an ERP sample's run read ROC AUC 0.5351, its gate 0.5379: the compiled
    trees' sums broke the ties of an isotonic step's edge otherwise)."""
    model = story.champion_after_first.unwrap_python_model()
    cutoff = pd.Timestamp(model.info["test_cutoffs"][-1])
    gate_read = metrics_on_cutoff(model, story.tables, story.config, cutoff)
    for metric in ("roc_auc", "pr_auc", "brier", "ece"):
        assert gate_read[metric] == story.good.report["model"][metric], metric


@pytest.mark.slow
def test_a_cutoff_with_nobody_to_judge_is_said_as_such_not_blamed_on_the_champion(story):
    """A run of other data through a shared model name: its test cutoff may hold nobody
    in this config's data (here the data's last day: no outcome observed yet)."""
    model = story.champion_after_first.unwrap_python_model()
    last_day = story.tables.observed_until
    with pytest.raises(NothingToCompareError, match="no active customer with an observed"):
        metrics_on_cutoff(model, story.tables, story.config, last_day)


# -- what a run logs ---------------------------------------------------------------------------


def _record(config: RunConfig, report: dict, *, bgnbd: bool = False) -> SimpleNamespace:
    """What `log_run` reads of a run, without a model to fit."""
    info = {"rounds": 40, "calibration": "platt", "xgb_params": {"max_depth": 3}}
    model = SimpleNamespace(
        bgnbd=object() if bgnbd else None, info=info, layout=SimpleNamespace(names=["tenure"])
    )
    return SimpleNamespace(config=config, report=report, model=model, fingerprint={"rows": 5630})


def _snapshot_config(**churn: object) -> RunConfig:
    label = LabelSpec(column="Churn", positive=1)
    customers = CustomersSpec(
        path=Path("ecom.xlsx"), columns={"customer_id": "CustomerID"}, label=label
    )
    return RunConfig(
        name="ecom",
        data=DataSpec(customers=customers),
        churn=ChurnSpec(definition="label_column", **churn),
    )


SNAPSHOT_REPORT = {"protocol": "stratified_holdout", "test_cutoffs": ["2026-12-05"]}


def test_a_snapshots_run_logs_no_horizon_window_or_cutoff_grid_it_does_not_have():
    """E Commerce's label_column run logged churn.horizon_days 90, active_window_days 365,
    training.cutoffs 12 and spacing month, while `GET /v1/model` showed no training
    cutoffs."""
    evaluation = {"split": "customer_cv"}  # `churn evaluate`'s; train splits its own way
    config = _snapshot_config().model_copy(update={"evaluation": EvaluationSpec(**evaluation)})
    params = _flat_params(_record(config, SNAPSHOT_REPORT))
    assert {key for key in params if key.startswith(("churn.", "training.", "evaluation."))} == {
        "churn.definition",
        "evaluation.seed",
        "evaluation.test_cutoff",
        "training.rounds",
    }
    assert params["evaluation.test_cutoff"] == "2026-12-05"
    # a snapshot with purchases beside it: BG/NBD's expected purchases span the horizon
    with_log = _flat_params(_record(_snapshot_config(), SNAPSHOT_REPORT, bgnbd=True))
    assert with_log["churn.horizon_days"] == "90" and "churn.active_window_days" not in with_log


def test_an_out_of_time_run_logs_its_horizon_window_and_grid():
    transactions = TransactionsSpec(path=Path("orders.csv"))
    config = RunConfig(name="shop", data=DataSpec(transactions=transactions))
    cutoffs = [str(day.date()) for day in pd.date_range("2023-03-31", periods=12, freq="ME")]
    report = {
        "protocol": "out_of_time",
        "test_cutoffs": ["2024-06-30"],
        "validation_cutoff": "2024-03-31",
        "training_cutoffs": cutoffs,
    }
    params = _flat_params(_record(config, report, bgnbd=True))
    assert {
        k: params[k] for k in params if k.startswith(("churn.", "training.c", "training.s"))
    } == {
        "churn.definition": "inactivity",
        "churn.horizon_days": "90",
        "churn.active_window_days": "365",
        "churn.activity": "purchases",
        "training.cutoffs": "12",
        "training.spacing": "month",
    }
    assert params["evaluation.validation_cutoff"] == "2024-03-31"
    assert params["evaluation.split"] == "out_of_time"
    # Ta Feng's four months held 3 of the 12 asked for: the run logged 12
    short = _flat_params(_record(config, {**report, "training_cutoffs": cutoffs[:3]}, bgnbd=True))
    assert (short["training.cutoffs"], short["training.cutoffs_asked"]) == ("3", "12")


def test_no_profit_is_logged_where_the_data_hold_no_customer_value():
    """E Commerce: the console said "not computed: the data hold no customer value", and
    the run logged profit_best -40.7 at profit_best_percent 1 (each save counted as 1)."""
    metrics = dict.fromkeys(("roc_auc", "brier", "ece"), 0.5)
    report = {"model": metrics, "baselines": {}, "churn_rate": 0.17}
    logged = _flat_metrics({**report, "profit": {"value_source": "none"}})
    assert not [name for name in logged if name.startswith("profit")]
    valued = {"value_source": "spend", "best_percent": 30, "best_profit": 1200.0}
    logged = _flat_metrics({**report, "profit": valued})
    assert (logged["profit_best_percent"], logged["profit_best"]) == (30.0, 1200.0)


# -- a run of other labels or features ---------------------------------------------------------


def _shop(
    horizon: int = 180, amount: str = "Sales", path: str | list[str] = "orders.csv", **tables
) -> RunConfig:
    """Superstore's shape: customers with two attributes, and their orders."""
    columns = {"customer_id": "Customer ID", "timestamp": "Order Date", "amount": amount}
    data = {
        "customers": {
            "path": path,
            "columns": {"customer_id": "Customer ID"},
            "attributes": ["Segment", "Region"],
        },
        "transactions": {"path": path, "columns": columns, "date_format": "%d/%m/%y"},
        **tables,
    }
    return RunConfig.model_validate(
        {"name": "shop", "data": data, "churn": {"horizon_days": horizon}}
    )


def test_a_run_trained_for_other_labels_or_features_is_refused_naming_each_setting():
    """`churn promote --config churn.yaml --latest` judged the run of churn450.yaml (same
    name, a 450-day horizon) on this config's 180-day labels without a word."""
    here = _shop()
    other = SimpleNamespace(config=_shop(450), bgnbd=None)
    with pytest.raises(PromotionError) as raised:
        require_same_question(other, here, "90f2", latest=True)
    assert str(raised.value) == (
        "the latest run (90f2) was trained with other labels or features than this config's: "
        "churn.horizon_days 450 (this config: 180); its probabilities answer another question "
        "than this config asks, and the gate would judge it on labels it never learned: "
        "promote it with the config it was trained with (logged with the run as "
        "config/churn.yaml), or train with this one"
    )
    mapped = _shop(amount="Profit", events={"path": "usage.csv"})
    with pytest.raises(PromotionError) as raised:
        require_same_question(SimpleNamespace(config=mapped, bgnbd=None), here, "90f2")
    assert (
        "run 90f2 was trained with other labels or features than this config's: "
        "data.transactions.columns.amount Profit (this config: Sales); data.events mapped "
        "(this config: not set); its probabilities"
    ) in str(raised.value)
    # a later extract in another file, or in monthly files, read alike, asks the same question
    for path in ("orders_2025.csv", ["orders_2025-01.csv", "orders_2025-02.csv"], "orders_*.csv"):
        require_same_question(SimpleNamespace(config=_shop(path=path), bgnbd=None), here, "1")


def test_another_reading_of_blanks_is_a_note_not_a_refusal():
    """`missing_values`, `valid_ranges` and `not_missing` may change with a new extract,
    so they are no refusal; the modeller promoting the run is told each that differs."""
    dumped = _shop().model_dump(exclude_unset=True)
    dumped["data"]["transactions"] |= {
        "missing_values": ["n/a", "-"],
        "valid_ranges": {"Sales": [0, None]},
    }
    trained_with = RunConfig.model_validate(dumped)
    require_same_question(SimpleNamespace(config=trained_with, bgnbd=None), _shop(), "1")
    assert reading_notes(trained_with, _shop()) == [
        "the run read data.transactions.missing_values ['n/a', '-'], this config not set: the "
        "gate and the scores read values as this config says, so a value the run learned as "
        "a blank (or as a number) may now read otherwise",
        "the run read data.transactions.valid_ranges {'Sales': [0.0, None]}, this config not "
        "set: the gate and the scores read values as this config says, so a value the run "
        "learned as a blank (or as a number) may now read otherwise",
    ]
    assert reading_notes(trained_with, trained_with) == []


@pytest.mark.slow
def test_promote_with_another_horizons_config_exits_2_before_the_gate(story, tmp_path):
    config = derive_config(
        story.root / "data" / "churn.yaml",
        story.root / "data" / "horizon60.yaml",
        churn={"definition": "inactivity", "horizon_days": 60},
    )
    store = f"sqlite:///{story.root}/mlflow.db"
    client = MlflowClient(tracking_uri=store, registry_uri=store)
    reigning = client.get_model_version_by_alias(story.name, "champion").run_id
    run = story.weak if reigning == story.good.run_id else story.good  # tests move the alias
    result = CliRunner(env={"COLUMNS": "300"}).invoke(
        app, ["promote", "--config", str(config), "--run", run.run_id]
    )
    said = " ".join(result.output.split())
    assert result.exit_code == 2, said
    assert "churn.horizon_days 90 (this config: 60)" in said
    assert "candidate roc_auc" not in said  # no verdict on labels it never learned


@pytest.mark.slow
def test_train_foretells_the_gates_comparison_with_the_champion(tmp_path, monkeypatch):
    """A tuned run at ROC AUC 0.4726 ended "promote it with: churn promote ..." beside a
    champion at 0.5098, and `churn promote` refused it: train now runs the gate's own
    comparison and says the run is worse than the champion, as promote then does."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/mlflow.db")
    monkeypatch.chdir(tmp_path)
    config = telecom_snapshot(tmp_path / "telecom", customers=1500, seed=1)
    config = derive_config(config, promotion={"max_ece": 0.2})  # only the comparison refuses
    champion = train_and_log(config)
    made = promote(load_config(config), load_tables(load_config(config)), run_id=champion.run_id)
    assert made.version == "1", made.decision.reasons
    coin = telecom_snapshot(tmp_path / "coin", customers=1500, seed=2, signal=0.0)
    for table in coin.parent.glob("*.csv"):  # the same config, data that rank nothing
        (config.parent / table.name).write_bytes(table.read_bytes())
    runner = CliRunner(env={"COLUMNS": "300"})
    trained = runner.invoke(app, ["train", "--config", str(config)])
    said = " ".join(trained.output.split())
    assert trained.exit_code == 0, said
    said = said[said.index("gate's comparison") :]  # after the report's table
    assert "promote it with" not in said, (
        said and "the promotion gate will refuse it: ROC AUC" in said
    )
    assert "is worse than the champion's" in said and "--force" in said
    assert "gate's comparison: candidate roc_auc" in said and "; champion roc_auc" in said
    refused = runner.invoke(app, ["promote", "--config", str(config), "--latest"])
    assert refused.exit_code == 1 and "is worse than the champion's" in refused.output


def test_mlflows_pyfunc_scores_a_snapshots_fitted_customers_out_of_fold(tmp_path, monkeypatch):
    """Served by `mlflow models serve`, the pyfunc scored the training file's fitted rows
    with the booster that remembers their labels, where `churn score` uses the fold
    booster that never saw each: its signature now names the customer id, so it can."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/mlflow.db")
    monkeypatch.chdir(tmp_path)
    config = telecom_snapshot(tmp_path / "telecom", customers=600, seed=3)
    run = train_and_log(config)
    uri = MlflowClient().get_run(run.run_id).data.tags[MODEL_URI_TAG]
    logged = mlflow.pyfunc.load_model(uri)
    assert logged.metadata.get_input_schema().input_names()[0] == "customer_id"
    model = run.model
    cutoff = snapshot_cutoff(run.tables, today=pd.Timestamp.today())
    rows = pd.DataFrame(model.feature_columns(run.tables, cutoff))
    rows = rows[["customer_id", *model.layout.names]]
    folds = model.folds_of(rows)
    assert folds is not None and (folds >= 0).any()
    served = logged.predict(rows)["churn_probability"].to_numpy()
    assert served == pytest.approx(model.scores(rows, folds)[0], abs=1e-9)
    features_only = rows.drop(columns="customer_id")  # a client of before: scored as before
    served = logged.predict(features_only)["churn_probability"].to_numpy()
    assert served == pytest.approx(model.predict_proba(features_only), abs=1e-9)


def test_a_run_behind_the_champion_within_tolerance_is_said_plainly():
    """The gate passes a run up to `auc_tolerance` behind the champion: train says it
    ranks worse, not only "promote it with"."""
    behind = Decision(
        passed=True,
        candidate={"roc_auc": 0.7012, "brier": 0.1, "ece": 0.01},
        champion={"roc_auc": 0.7050, "brier": 0.1, "ece": 0.01},
    )
    assert behind_champion(behind) == (
        "it ranks worse than the champion on the same test rows (ROC AUC 0.7012 against "
        "0.7050), within the gate's tolerance: promoted, it would replace a better model"
    )
    ahead = Decision(passed=True, candidate=behind.champion, champion=behind.candidate)
    assert behind_champion(ahead) is None and behind_champion(None) is None


@pytest.mark.slow
def test_promote_reads_the_data_only_to_compare_and_counts_its_warnings(tmp_path, monkeypatch):
    """`churn promote` repeated every data warning `churn train` had given. A first
    champion moves the alias without reading the data; against a champion the data are
    read to score both, and their warnings are one line of how many."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/mlflow.db")
    monkeypatch.chdir(tmp_path)
    config = simulated(tmp_path / "retail", customers=800, months=18, seed=3)
    spec = load_config(config).data.transactions
    path = config.parent / spec.path
    lines = pd.read_parquet(path)
    lines.loc[:2, spec.columns["amount"]] = 0.0  # 3 rows of amount 0: a data warning
    lines.to_parquet(path)
    runner = CliRunner(env={"COLUMNS": "200"})
    promote_latest = ["promote", "--config", str(config), "--latest", "--force"]
    said = []
    for _ in range(2):
        train_and_log(config)
        promoted = runner.invoke(app, promote_latest)
        assert promoted.exit_code == 0, promoted.output
        said.append(promoted.output)
    first, second = said
    assert "data warning" not in first and "version 1 is now champion" in first  # not read
    assert "1 data warning (churn validate lists them)" in second  # read to compare
    assert "data warning:" not in second
