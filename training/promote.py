"""Promotion: register a run's model and move the `champion` alias only through a gate.

The gate compares the candidate with the current champion **on the candidate's test
cutoff** (both are scored there on this config's data, so both face the same customers
and outcomes, whatever data the run itself was tested on):
ROC AUC may not drop by more than `promotion.auc_tolerance`, Brier may not rise by more
than `promotion.brier_tolerance`, and the candidate's calibration error must stay under
`promotion.max_ece`. With no champion to compare with, the run's own test stands in for
one: a first champion must rank churners better than chance and no worse than the simple
baselines, the two tests `churn train` notes (`training.report`). A run whose test a
leaking column inflated (`churn train` named it) is refused, first model or not, and a
champion whose own test one inflated is no reference: the candidate meets the floor
instead. A run trained for other labels or features than this config's (another
horizon, another column mapped) is refused before the gate, which would judge it on
labels it never learned. The previous champion keeps the alias `challenger`. Stages are
never used (they are deprecated in MLflow).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import logging
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException

import mlflow
from churn.model import ChurnModel
from features.contract import RunConfig, differing
from features.labels import label_churn
from features.registry import RETIRED_FEATURES, retired_in
from features.tables import Tables
from mlflow import MlflowClient
from serving.caveats import FORCED_TAG, GATE_REFUSAL_TAG
from training.caveats import model_notes
from training.evaluate import calibration_limit, classification_metrics, ece_by_chance
from training.protocol import MIN_TESTED_CLASS
from training.report import (
    FIRST_CHAMPION_MARGIN,
    NEAR_CHANCE_AUC,
    baseline_notes,
    better_baseline,
    leaking_columns,
    near_chance,
    remedies,
    unexplained_perfection,
)
from training.tracking import (
    MODEL_URI_TAG,
    REPORT_ARTIFACT,
    configure,
    experiment_id,
    label_settings,
)

CHAMPION, CHALLENGER = "champion", "challenger"

TablesRead = Tables | Callable[[], Tables]
"""The data a gate may score the models on, or how to read them when it must
(`churn promote` reads them only then, and says their warnings in one line)."""

log = logging.getLogger(__name__)


def _read(tables: TablesRead) -> Tables:
    return tables() if callable(tables) else tables


def _once(tables: TablesRead) -> TablesRead:
    """`tables`, read at most once however often the gate asks."""
    return functools.cache(tables) if callable(tables) else tables


class PromotionError(ValueError):
    """The run cannot be promoted (not found, no model); the message says why."""


class UnscorableChampionError(PromotionError):
    """The current champion fails to load or score (e.g. logged by older code)."""


class RetiredChampionError(UnscorableChampionError):
    """The champion reads features this version of the code replaced (`retired_in`):
    nothing serves or scores it any more, so a candidate is judged alone, as a first
    champion is (it had asked for --force, where retraining was the advice)."""


class NothingToCompareError(UnscorableChampionError):
    """This config's data hold nobody to judge the models on at the run's test cutoff
    (a run of other data through a shared `training.model_name`); with --force the gate
    judges the candidate alone."""


class UnfairComparisonError(UnscorableChampionError):
    """The champion was fitted on outcomes after the candidate's test cutoff: re-scored
    there it would be judged on answers it learned from."""


@dataclass
class Decision:
    passed: bool
    reasons: list[str] = field(default_factory=list)
    candidate: dict[str, float] = field(default_factory=dict)
    champion: dict[str, float] | None = None
    set_aside: str | None = None
    """Why the champion's numbers were not the reference (a leak inflated its test): said
    beside the decision, since a pass against the floor instead is no refusal."""


def latest_run_id(config: RunConfig) -> str:
    configure()
    runs = mlflow.search_runs(
        [experiment_id(config.name)],
        filter_string="attributes.status = 'FINISHED'",
        order_by=["attributes.start_time DESC"],
        max_results=1,
        output_format="list",
    )
    if not runs:
        raise PromotionError(f"no finished run in experiment '{config.name}'; run churn train")
    return runs[0].info.run_id


def gate(
    candidate: dict[str, float],
    champion: dict[str, float] | None,
    config: RunConfig,
    *,
    baselines: dict[str, float] | None = None,
    leaks: list[str] | None = None,
    champion_leaks: list[str] | None = None,
    tested: ClassesTested | None = None,
    champion_forced: bool = False,
    champion_retired: str | None = None,
    suspect: bool = False,
    champion_suspect: bool = False,
) -> Decision:
    """Pure rule: does the candidate pass against the champion's metrics on the same rows?
    With no champion, against chance and the `baselines` (ROC AUC by name) of its test;
    so too when `champion_leaks` (columns `churn train` found leaking in the champion's
    run) inflated the champion's test: its perfect score would refuse every honest model.
    The candidate's own `leaks` refuse it: its test promised what new customers won't get.
    A champion `--force` put past the gate's refusal (`champion_forced`) is compared with,
    and the floor still stands: a near-chance run promoted over a forced near-chance
    champion passed, unforced, and its worklist lost the word that it had been forced.
    A champion reading features this version replaced (`champion_retired`, why) is set
    aside alike: nothing serves it any more. A near-perfect test no column explains
    (`training.report.unexplained_perfection`) refuses the candidate (`suspect`) and sets
    aside a champion forced past that refusal (`champion_suspect`)."""
    decision = Decision(passed=True, candidate=candidate, champion=champion)
    decision.reasons += own_refusals(candidate, leaks or [], config, tested, suspect=suspect)
    if champion_leaks or champion_suspect:
        decision.champion = None
        learned = (
            f"learned from {_leaking(champion_leaks)}"
            if champion_leaks
            else "tested near-perfect, with no column to explain it"
        )
        decision.set_aside = (
            f"the champion {learned}, so its test is no reference: compared with the floor, "
            "not with it"
        )
        floor = _first_champion_floor(candidate["roc_auc"], baselines or {}, without=UNFAIR)
        decision.reasons += floor
    elif champion_retired is not None:
        decision.set_aside = f"{champion_retired}: compared with the floor, not with it"
        floor = _first_champion_floor(candidate["roc_auc"], baselines or {}, without=RETIRED)
        decision.reasons += floor
    elif champion is None:
        decision.reasons += _first_champion_floor(candidate["roc_auc"], baselines or {})
    else:
        decision.reasons += _against_champion(candidate, champion, config)
        if champion_forced:
            floor = _first_champion_floor(candidate["roc_auc"], baselines or {}, without=FORCED)
            decision.reasons += floor
    decision.passed = not decision.reasons
    return decision


@dataclass(frozen=True)
class ClassesTested:
    """How many churners and stayers the run's test rows held, and how its churn
    definition gets more of each (`training.report.remedies`)."""

    churners: int
    stayers: int
    more_churners: str = ""
    more_stayers: str = ""

    @classmethod
    def of(cls, report: dict[str, Any] | None) -> ClassesTested | None:
        """From a logged report (None: a run logged without one)."""
        if not report or "churn_rate" not in report or "n_rows" not in report:
            return None
        churners = round(report["churn_rate"] * report["n_rows"])
        more_churners, more_stayers = remedies(report.get("churn", {}))
        return cls(churners, report["n_rows"] - churners, more_churners, more_stayers)

    def too_few(self) -> str | None:
        """What the test lacks, with how to get more, or None: each class needs
        `MIN_TESTED_CLASS`."""
        lacking = [
            (n, noun, remedy)
            for n, noun, remedy in (
                (self.churners, "churner", self.more_churners),
                (self.stayers, "stayer", self.more_stayers),
            )
            if n < MIN_TESTED_CLASS
        ]
        if not lacking:
            return None
        held = " and ".join(f"{n} {noun}{'' if n == 1 else 's'}" for n, noun, _ in lacking)
        how = "; ".join(remedy for _, _, remedy in lacking if remedy)
        return (
            f"its test held {held} of {self.churners + self.stayers:,} rows (under "
            f"{MIN_TESTED_CLASS} of each): its metrics cannot say how it ranks customers"
            + (f" ({how})" if how else "")
        )


def own_refusals(
    candidate: dict[str, float],
    leaks: list[str],
    config: RunConfig,
    tested: ClassesTested | None = None,
    *,
    suspect: bool = False,
) -> list[str]:
    """What refuses the candidate whatever the champion: its calibration error past
    `promotion.max_ece`, its `leaks` or a near-perfect test none explains (`suspect`),
    and a test of too few churners or stayers to judge it by (`MIN_TESTED_CLASS`).
    `churn train` says them at once, not "promote it with" a command the gate refuses."""
    reasons = []
    if tested is not None and (few := tested.too_few()) is not None:
        reasons.append(few)
    limit = config.promotion.max_ece
    if candidate["ece"] > calibration_limit(limit, candidate):
        chance = candidate.get("ece_by_chance", 0.0)
        by_chance = (
            f" and the {chance:.4f} a calibrated model reaches by chance on its test rows "
            "one time in 20"
            if chance > limit
            else ""
        )
        reasons.append(
            f"calibration error {candidate['ece']:.4f} is above the limit {limit}{by_chance}"
        )
    if leaks:
        reasons.append(_leak_refusal(leaks))
    elif suspect:
        reasons.append(
            f"its test ROC AUC {candidate['roc_auc']:.4f} is near-perfect, as no real churn "
            "is: columns written with or after the outcome likely give it away together "
            "(`churn train` said so); --force only for generated data"
        )
    return reasons


@dataclass
class TrainAdvice:
    """What `churn promote` would say of a run `churn train` just logged."""

    refusals: list[str]
    decision: Decision | None = None
    """The gate's decision against the champion, when there is one to compare with."""


def train_advice(
    report: dict[str, Any],
    config: RunConfig,
    *,
    model: ChurnModel | None = None,
    tables: Tables | None = None,
) -> TrainAdvice:
    """The gate's verdict on a run training just logged, so `churn train` never ends with
    "promote it with" a command the gate refuses. With no champion: the run's
    `own_refusals` and the first champion's floor (`_first_champion_floor`) on its test
    and baselines. With one, and the run's `model` and `tables`: the gate's own decision
    (`judge`), its comparison with the champion on the run's test rows included (a tuned
    run at ROC AUC 0.4726 against the champion's 0.5098 was told "promote it with", and
    `churn promote` refused it); a champion the gate cannot compare with is said as the
    gate would say it. Where the registry cannot be asked: the run's own refusals alone,
    claiming nothing of a champion it does not know of."""
    own = own_refusals(
        report["model"],
        leaking_columns(report),
        config,
        ClassesTested.of(report),
        suspect=unexplained_perfection(report),
    )
    try:
        champion = current_champion(MlflowClient(), config.model_name)
    except Exception:  # the run is logged: training must not fail here
        return TrainAdvice(own)
    baselines = {name: m["roc_auc"] for name, m in report["baselines"].items()}
    if champion is None:
        return TrainAdvice(own + _first_champion_floor(report["model"]["roc_auc"], baselines))
    if model is None or tables is None:
        return TrainAdvice(own)
    try:
        decision, _ = judge(
            model, report["model"], report, champion, tables, config, baselines=baselines
        )
    except UnscorableChampionError as error:
        return TrainAdvice([*own, f"the gate cannot compare it with the champion: {error}"])
    except Exception:  # the run is logged: advice that fails must not fail training
        log.exception("comparing the run with the champion failed; its own checks only")
        return TrainAdvice(own)
    return TrainAdvice(decision.reasons, decision)


def behind_champion(decision: Decision | None) -> str | None:
    """Plain words for a run that ranks worse than the champion on the gate's metric (ROC
    AUC on the same test rows) yet within `promotion.auc_tolerance`, which the gate
    passes: promoted, it would serve no better than the model it replaces. None where
    it ranks as well or better, or where there is no champion to compare with (a refused
    run's reasons say it already)."""
    if decision is None or decision.champion is None or not decision.passed:
        return None
    ours, theirs = decision.candidate["roc_auc"], decision.champion["roc_auc"]
    if ours >= theirs:
        return None
    return (
        f"it ranks worse than the champion on the same test rows (ROC AUC {ours:.4f} "
        f"against {theirs:.4f}), within the gate's tolerance: promoted, it would replace "
        "a better model"
    )


NO_CHAMPION_CODES = frozenset({"RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE"})
"""What the registry answers for a model never registered, and for one without the
alias: any other failure (a store out of reach) says nothing of the champion."""


def _against_champion(
    candidate: dict[str, float], champion: dict[str, float], config: RunConfig
) -> list[str]:
    """The tolerances: how far the candidate may fall behind the champion on the same rows."""
    rules, reasons = config.promotion, []
    if candidate["roc_auc"] < champion["roc_auc"] - rules.auc_tolerance:
        reasons.append(
            f"ROC AUC {candidate['roc_auc']:.4f} is worse than the champion's "
            f"{champion['roc_auc']:.4f} (tolerance {rules.auc_tolerance})"
        )
    if candidate["brier"] > champion["brier"] + rules.brier_tolerance:
        reasons.append(
            f"Brier {candidate['brier']:.4f} is worse than the champion's "
            f"{champion['brier']:.4f} (tolerance {rules.brier_tolerance})"
        )
    return reasons


def _leaking(columns: list[str]) -> str:
    said = "leaking columns" if len(columns) > 1 else "a leaking column"
    return f"{said} ({', '.join(columns)})"


def _leak_refusal(columns: list[str]) -> str:
    """Maven's telecom export kept Churnreason (filled for churners only): tested at ROC
    AUC 1.0000, made champion with exit 0. Listed under reasons.never it stays a feature.
    What is known is the leak, not that it raised the test (Relax's model tested lower
    with its leak than without), nor why it leaks (`churn train` says: known after the
    cutoff, or a level per customer)."""
    them = "them" if len(columns) > 1 else "it"
    return (
        f"it learned from {_leaking(columns)} (`churn train` said why), so its test is no "
        f"measure of how it ranks new customers: leave {them} out of the data mapping "
        f"(not_attributes; reasons.never only hides {them} from the reasons, the model "
        f"still learns from {them}) and train again, or promote with --force"
    )


FIRST = "there is no champion yet: a first champion"
UNFAIR = "the champion is no fair reference: a champion"
FORCED = "the champion was forced past the gate: a champion"
RETIRED = "the champion reads features this version replaced: a champion"
"""Why the floor stands in for a champion's comparison, and for whom."""


def _first_champion_floor(
    auc: float, baselines: dict[str, float], *, without: str = FIRST
) -> list[str]:
    """What a champion's comparison would catch when there is none (or none fair,
    `without` says which): a model that ranks churners close to chance, or worse than a
    simple baseline, by `churn train`'s own tests (RavenStack's 0.4905, below BG/NBD's
    0.5281, became a first champion unasked)."""
    report = {
        "model": {"roc_auc": auc},
        "baselines": {k: {"roc_auc": v} for k, v in baselines.items()},
    }
    reasons = []
    if near_chance(report):
        also = ", and so is every baseline" if baselines else ""
        reasons.append(
            f"ROC AUC {auc:.4f} is close to chance (under {NEAR_CHANCE_AUC}{also}) and "
            f"{without} must rank churners better than a coin"
        )
    if (better := better_baseline(report, FIRST_CHAMPION_MARGIN)) is not None:
        name, theirs = better
        reasons.append(
            f"baseline {name} ranks better (ROC AUC {theirs:.4f} against {auc:.4f}, more than "
            f"{FIRST_CHAMPION_MARGIN} ahead) and {without} must not rank worse than a "
            "simple baseline"
        )
    return reasons


def compared(decision: Decision) -> str:
    """The numbers the gate weighed, in one line: what a modeller needs to trust it."""

    def line(metrics: dict[str, float]) -> str:
        return ", ".join(f"{name} {metrics[name]:.4f}" for name in ("roc_auc", "brier", "ece"))

    shown = f"candidate {line(decision.candidate)}"
    if decision.champion is not None:
        shown += f"; champion {line(decision.champion)}"
    return shown


def current_champion(client: MlflowClient, name: str) -> ModelVersion | None:
    """The champion's version; None where the registry says there is none (the model
    never registered, or no alias): any other failure (a store out of reach) is raised,
    not read as "no champion"."""
    try:
        return client.get_model_version_by_alias(name, CHAMPION)
    except MlflowException as error:
        if error.error_code in NO_CHAMPION_CODES:
            return None
        raise


def metrics_on_cutoff(
    model: ChurnModel, tables: Tables, config: RunConfig, cutoff: pd.Timestamp
) -> dict[str, float]:
    """Score a model on the eligible, observed customers of one cutoff."""
    features = model.features(tables, cutoff)
    labels = label_churn(tables, config.churn, cutoffs=cutoff)
    rows = features.merge(labels, on=["customer_id", "cutoff"], validate="1:1")
    rows = rows[rows["eligible"] & rows["observed"]]
    if rows.empty:  # not the champion's fault: these data hold nobody to judge at that day
        raise NothingToCompareError(
            f"this config's data hold no active customer with an observed outcome at "
            f"{cutoff.date()} (the run's test cutoff) to compare the models on; was the "
            "run trained on other data? (--force promotes it on its own metrics)"
        )
    y = rows["churned"].to_numpy(dtype=int)
    p = model.tested_probability(rows)  # the gate's calibration limit read on the same rows
    return {**classification_metrics(y, p), "ece_by_chance": ece_by_chance(p)}


def register(
    client: MlflowClient, config: RunConfig, run_id: str, *, forced: bool, refusal: list[str]
) -> ModelVersion:
    """The run's version of the model: the one it already has when it was promoted
    before (a rollback to a former champion moves the alias back to its version, not to
    a copy under a new number), else a new one. MLflow's own "Successfully
    registered..." lines are kept off stderr (`churn promote` says what happened;
    failures still raise). Its tags say how it was last promoted: `forced`, and the
    gate's `refusal` a forced version went past (`serving/caveats.py` tells its users)."""
    earlier = [
        version
        for version in client.search_model_versions(f"run_id = '{run_id}'")
        if version.name == config.model_name
    ]
    if earlier:
        version = max(earlier, key=lambda version: int(version.version))
    else:
        with contextlib.redirect_stderr(io.StringIO()):
            version = mlflow.register_model(model_uri(client, run_id), config.model_name)
    tags = {FORCED_TAG: str(forced).lower(), GATE_REFUSAL_TAG: "; ".join(refusal)}
    for key, value in tags.items():
        client.set_model_version_tag(config.model_name, version.version, key, value)
    return version


def move_aliases(
    client: MlflowClient, name: str, new: ModelVersion, old: ModelVersion | None
) -> None:
    if old is not None:
        client.set_registered_model_alias(name, CHALLENGER, old.version)
    client.set_registered_model_alias(name, CHAMPION, new.version)


def model_uri(client: MlflowClient, run_id: str) -> str:
    uri = client.get_run(run_id).data.tags.get(MODEL_URI_TAG)
    if uri is None:
        raise PromotionError(f"run {run_id} logged no Churn Radar model; was it churn train?")
    return uri


def _require_run(client: MlflowClient, run_id: str) -> None:
    """A PromotionError (one line for the user) when the tracking store has no such run."""
    try:
        client.get_run(run_id)
    except MlflowException:
        raise PromotionError(
            f"no run {run_id!r} in the tracking store ({mlflow.get_tracking_uri()}); "
            "`churn train` prints the run id, and the MLflow UI lists them"
        ) from None


def candidate_metrics(client: MlflowClient, run_id: str) -> dict[str, float]:
    logged = client.get_run(run_id).data.metrics
    missing = [k for k in ("test_roc_auc", "test_brier", "test_ece") if k not in logged]
    if missing:
        raise PromotionError(f"run {run_id} has no test metrics ({missing}); was it churn train?")
    return {k.removeprefix("test_"): v for k, v in logged.items() if k.startswith("test_")}


def logged_notes(client: MlflowClient, run_id: str) -> list[str]:
    """What `churn train` noted about the run that a promotion must not hide
    (`training.report.caveats`: a column that leaks the label, a baseline that ranked the
    test rows better, few churners), read from its logged report (`model_notes`: the
    calibration limit is the gate's own to say). A run logged without a report: the
    baseline note alone, from its logged metrics."""
    return _notes_of(client, run_id, _logged_report(client, run_id))


def _notes_of(client: MlflowClient, run_id: str, report: dict[str, Any] | None) -> list[str]:
    """`logged_notes` from the run's report as downloaded (None: none was logged)."""
    if report is not None:
        return model_notes(report)
    logged = client.get_run(run_id).data.metrics
    baselines = {name: {"roc_auc": auc} for name, auc in logged_baselines(client, run_id).items()}
    return baseline_notes({"model": {"roc_auc": logged["test_roc_auc"]}, "baselines": baselines})


def logged_baselines(client: MlflowClient, run_id: str) -> dict[str, float]:
    """The test ROC AUC of each baseline the run logged, by name."""
    return {
        name.removeprefix("baseline_").removesuffix("_roc_auc"): value
        for name, value in client.get_run(run_id).data.metrics.items()
        if name.startswith("baseline_") and name.endswith("_roc_auc")
    }


def logged_leaks(client: MlflowClient, run_id: str) -> list[str]:
    """The columns `churn train` found leaking the label in the run (`leaking_columns` of
    its logged report); none for a run logged without a report."""
    return _leaks_of(_logged_report(client, run_id))


def _leaks_of(report: dict[str, Any] | None) -> list[str]:
    return leaking_columns(report) if report is not None else []


def _suspect(report: dict[str, Any] | None) -> bool:
    return report is not None and unexplained_perfection(report)


def _logged_report(client: MlflowClient, run_id: str) -> dict[str, Any] | None:
    with tempfile.TemporaryDirectory() as folder:
        try:
            path = client.download_artifacts(run_id, REPORT_ARTIFACT, folder)
        except (MlflowException, OSError):
            return None
        return json.loads(Path(path).read_text())


def champion_metrics(
    champion: ModelVersion, candidate: ChurnModel, tables: TablesRead, config: RunConfig
) -> dict[str, float]:
    """The champion's metrics on the candidate's test rows (logged ones for snapshots:
    the data are not read)."""
    client = MlflowClient()
    if candidate.info.get("validation_cutoff") is None:
        return candidate_metrics(client, champion.run_id)
    cutoff = pd.Timestamp(candidate.info["test_cutoffs"][-1])
    try:
        model = mlflow.pyfunc.load_model(f"models:/{champion.name}/{champion.version}")
        reigning = model.unwrap_python_model()
        if retired_in(reigning.layout.names) is not None:
            replaced = ", ".join(n for n in reigning.layout.names if n in RETIRED_FEATURES)
            raise RetiredChampionError(
                f"the champion (version {champion.version}) reads {replaced}, which this "
                "version of Churn Radar replaced"
            )
        require_same_labels(reigning, candidate, champion.version)
        require_unseen(reigning, cutoff, champion.version)
        return metrics_on_cutoff(reigning, _read(tables), config, cutoff)
    except UnscorableChampionError:  # unfair, or nothing to compare: said as such
        raise
    except Exception as error:  # a model logged by other code: any failure means the same
        raise UnscorableChampionError(
            f"the champion (version {champion.version}) cannot be scored by this code "
            f"({type(error).__name__}: {error}); compare the runs in MLflow and promote "
            "with --force to replace it"
        ) from error


def _loaded_candidate(client: MlflowClient, run_id: str) -> ChurnModel:
    """The run's model, or a PromotionError saying why it cannot be loaded: a run whose
    model file was cut short gave a 40-line traceback, where a champion's says one line."""
    try:
        return mlflow.pyfunc.load_model(model_uri(client, run_id)).unwrap_python_model()
    except PromotionError:
        raise
    except Exception as error:  # a damaged or foreign artifact: any failure means the same
        raise PromotionError(
            f"run {run_id}'s model cannot be loaded ({type(error).__name__}: {error}); "
            "retrain, or promote another run"
        ) from error


def require_same_model(candidate: ChurnModel, config: RunConfig, run_id: str) -> None:
    """A PromotionError when the run trained another registered model (another config's
    run): promoted here it would serve this config's customers with what it learned for
    others, through a gate that read its metrics on other data."""
    trained_for = candidate.config.model_name
    if trained_for != config.model_name:
        raise PromotionError(
            f"run {run_id} trained the model '{trained_for}', not this config's "
            f"'{config.model_name}'; promote it with its own config (or name one model for "
            "both in training.model_name)"
        )


READ_SETTINGS = frozenset(
    {
        "path",
        "sheet",
        "separator",
        "encoding",
        "column_names",
        "date_format",
        "day_origin",
        "decimal",
        "missing_values",
        "valid_ranges",
        "not_missing",
        "attribute_words",
        "segments",
    }
)
"""A table's settings that say where and how its file is read, or how reasons and
worklists word it, not what the model reads: a new extract may change them freely."""


def require_same_question(
    candidate: ChurnModel, config: RunConfig, run_id: str, *, latest: bool = False
) -> None:
    """A PromotionError naming each setting, with both values, where the run was trained
    for other labels or features than this config's (`question_settings`): `--latest`
    picked a run of Superstore's churn450.yaml (same name, a 450-day horizon) and judged
    it, without a word, on this config's 180-day labels. Refused even with --force: its
    probabilities answer another question than the one this config's scores, worklist
    and gate ask, and promoting it with its own config costs nothing."""
    bgnbd = candidate.bgnbd is not None
    theirs = question_settings(candidate.config, bgnbd=bgnbd)
    ours = question_settings(config, bgnbd=bgnbd)
    differ = differing(theirs, ours)
    unmapped = tuple(f"{key}." for key in differ if key.startswith("data.") and key.count(".") == 1)
    differ = [key for key in differ if not key.startswith(unmapped)]  # a table, not its parts
    if not differ:
        return
    said = _both(theirs, ours, differ, "this config")
    run = f"the latest run ({run_id})" if latest else f"run {run_id}"
    raise PromotionError(
        f"{run} was trained with other labels or features than this config's: {said}; "
        "its probabilities answer another question than this config asks, and the gate would "
        "judge it on labels it never learned: promote it with the config it was trained "
        "with (logged with the run as config/churn.yaml), or train with this one"
    )


def question_settings(config: RunConfig, *, bgnbd: bool) -> dict[str, Any]:
    """What decides a run's labels and features, by setting name: the churn settings its
    definition reads (`label_settings`) and each table's mapping (columns, rows kept,
    attributes, label, types...), less `READ_SETTINGS`."""
    settings = dict(label_settings(config, bgnbd=bgnbd))
    for name, spec in config.data.tables().items():
        mapped = _without_reading(spec.model_dump(mode="json"))
        if "attributes" in mapped:  # read with its kind inferred (None), not unset
            mapped["attributes"] = {k: v or "read" for k, v in mapped["attributes"].items()}
        settings[f"data.{name}"] = "mapped"
        settings.update(_flat(mapped, f"data.{name}"))
    return settings


VALUE_SETTINGS = ("missing_values", "valid_ranges", "not_missing")
"""The `READ_SETTINGS` that decide which values are read as blanks: a new extract may
change them, but a feature's values may then differ from those the run learned from."""


def reading_notes(trained: RunConfig, config: RunConfig) -> list[str]:
    """A note per table setting of `VALUE_SETTINGS` the run was trained with that this
    config sets otherwise: not a refusal (a fresh extract may spell its blanks anew), but
    the modeller promoting it should know that the gate, `churn score` and the server read
    the data with this config's, and the run learned with its own."""
    theirs, ours = _values_read(trained), _values_read(config)
    return [
        f"the run read {key} {_setting(theirs.get(key))}, this config "
        f"{_setting(ours.get(key))}: the gate and the scores read values as this config says, "
        "so a value the run learned as a blank (or as a number) may now read otherwise"
        for key in differing(theirs, ours)
    ]


def _values_read(config: RunConfig) -> dict[str, Any]:
    """Each table's `VALUE_SETTINGS` that are set, by dotted name."""
    settings = {}
    for name, spec in config.data.tables().items():
        dumped = spec.model_dump(mode="json")
        for key in VALUE_SETTINGS:
            if dumped.get(key) not in (None, [], {}):
                settings[f"data.{name}.{key}"] = dumped[key]
    return settings


def _without_reading(value: Any) -> Any:
    """`value` with every `READ_SETTINGS` key left out, at any depth (a label's or a
    lookup's `path` too)."""
    if isinstance(value, dict):
        return {k: _without_reading(v) for k, v in value.items() if k not in READ_SETTINGS}
    if isinstance(value, list):
        return [_without_reading(v) for v in value]
    return value


def _flat(value: Any, prefix: str) -> dict[str, Any]:
    """Nested dicts as dotted names to their leaves (`data.transactions.columns.amount`),
    leaving out those not set (None, or an empty list)."""
    if value is None or value == []:
        return {}
    if not isinstance(value, dict):
        return {prefix: value}
    return {
        k: v for key, inner in value.items() for k, v in _flat(inner, f"{prefix}.{key}").items()
    }


def _both(theirs: Mapping[str, Any], ours: Mapping[str, Any], keys: list[str], this: str) -> str:
    """Each of `keys` with its value on both sides: "churn.horizon_days 90 (this run: 180)"."""
    return "; ".join(
        f"{key} {_setting(theirs.get(key))} ({this}: {_setting(ours.get(key))})" for key in keys
    )


def _setting(value: Any) -> str:
    """A setting's value as the message shows it: one not set (a table not mapped, a
    column or attribute not read) says so."""
    return "not set" if value is None else str(value)


def require_same_labels(champion: ChurnModel, candidate: ChurnModel, version: str) -> None:
    """UnfairComparisonError when the champion's labels are defined otherwise than the
    candidate's (another horizon, definition, activity...): scored on the candidate's
    labels it would be judged on a question it was never asked. A modeller moving a
    90-day champion to 180 days was told to test on a later cutoff, which the longer
    horizon made impossible (Kaggle's Retail Case Study)."""
    theirs = label_settings(champion.config, bgnbd=champion.bgnbd is not None)
    ours = label_settings(candidate.config, bgnbd=candidate.bgnbd is not None)
    if differ := differing(theirs, ours):
        said = _both(theirs, ours, differ, "this run")
        raise UnfairComparisonError(
            f"the champion (version {version}) answers another question: {said}; their "
            "tests do not compare. Promote with --force to change the question (the gate "
            "then judges the run on its own test)"
        )


def require_unseen(champion: ChurnModel, cutoff: pd.Timestamp, version: str) -> None:
    """UnfairComparisonError when the champion's fitted labels reach past `cutoff`: its
    last fitted cutoff (training or validation: early stopping and calibration) plus its
    horizon. A modeller who retrains on an earlier cutoff would face an inflated champion."""
    fitted = [*champion.info.get("training_cutoffs", []), champion.info.get("validation_cutoff")]
    days = [pd.Timestamp(day) for day in fitted if day]
    if not days:
        return
    horizon = pd.Timedelta(days=champion.config.churn.horizon_days)
    outcomes_to = max(days) + horizon
    if outcomes_to > cutoff:
        raise UnfairComparisonError(
            f"the champion (version {version}) was fitted on outcomes up to "
            f"{outcomes_to.date()} (its last fitted cutoff {max(days).date()} plus the "
            f"{horizon.days}-day horizon), after this run's test cutoff {cutoff.date()}: "
            "scored there it would be judged on answers it learned from. Test the run on a "
            "cutoff after the champion's data (evaluation.cutoff), or promote with --force"
        )


def _reference(
    champion: ModelVersion | None,
    candidate: ChurnModel,
    tables: TablesRead,
    config: RunConfig,
    *,
    force: bool,
) -> tuple[dict[str, float] | None, bool]:
    """The champion's metrics on the candidate's test rows, and whether a champion that
    could not be compared was passed over: only `force` passes one (the gate then judges
    the candidate alone)."""
    if champion is None:
        return None, False
    try:
        return champion_metrics(champion, candidate, tables, config), False
    except RetiredChampionError:  # no reference at all: `judge` sets it aside
        raise
    except UnscorableChampionError:
        if not force:
            raise
        return None, True


def judge(
    candidate: ChurnModel,
    metrics: dict[str, float],
    report: dict[str, Any] | None,
    champion: ModelVersion | None,
    tables: TablesRead,
    config: RunConfig,
    *,
    baselines: dict[str, float],
    force: bool = False,
) -> tuple[Decision, bool]:
    """The gate's decision on a candidate (its test `metrics`, its run's `report`)
    against the `champion` scored on the candidate's test rows, and whether a champion
    that could not be compared was passed over (`_reference`: only with `force`). The
    one comparison `churn promote` makes and `churn train` foretells (`train_advice`)."""
    champion_report = _logged_report(MlflowClient(), champion.run_id) if champion else None
    champion_leaks, champion_suspect = _leaks_of(champion_report), _suspect(champion_report)
    # a leak inflated it: no reference, unscored
    fair = None if champion_leaks or champion_suspect else champion
    tables = _once(tables)
    retired = None
    try:
        reference, uncompared = _reference(fair, candidate, tables, config, force=force)
    except RetiredChampionError as error:
        reference, uncompared, retired = None, False, str(error)
    if reference is not None and candidate.info.get("validation_cutoff") is not None:
        cutoff = pd.Timestamp(candidate.info["test_cutoffs"][-1])
        metrics = {**metrics, **metrics_on_cutoff(candidate, _read(tables), config, cutoff)}
    decision = gate(
        metrics,
        reference,
        config,
        baselines=baselines,
        leaks=_leaks_of(report),
        suspect=_suspect(report),
        champion_leaks=champion_leaks,
        champion_suspect=champion_suspect,
        tested=ClassesTested.of(report),
        champion_forced=fair is not None and _forced_past_refusal(fair),
        champion_retired=retired,
    )
    return decision, uncompared


def _forced_past_refusal(version: ModelVersion) -> bool:
    """Whether `--force` made the version champion although the gate refused it."""
    tags = version.tags or {}
    return tags.get(FORCED_TAG) == "true" and bool(tags.get(GATE_REFUSAL_TAG))


@dataclass
class Promotion:
    decision: Decision
    run_id: str
    version: str | None
    previous: str | None
    forced: bool
    notes: list[str] = field(default_factory=list)
    """The run's training-time notes a modeller must see before promoting it."""


def promote(
    config: RunConfig,
    tables: TablesRead,
    *,
    run_id: str | None,
    force: bool = False,
    dry_run: bool = False,
) -> Promotion:
    """Gate the run against the champion; on pass (or force) register and move aliases.
    A `dry_run` stops at the decision: nothing is registered and no alias moves. The data
    (`tables`, or how to read them) are read only to score a dated champion and the
    candidate on the candidate's test cutoff: a first champion, or a labelled snapshot's
    (judged on logged metrics), moves the alias without reading them."""
    configure()
    client = MlflowClient()
    latest = run_id is None
    run_id = latest_run_id(config) if latest else run_id
    _require_run(client, run_id)
    metrics = candidate_metrics(client, run_id)
    report = _logged_report(client, run_id)  # downloaded once: its notes and its leaks
    notes = _notes_of(client, run_id, report)
    champion = current_champion(client, config.model_name)
    if champion is not None and champion.run_id == run_id:
        raise PromotionError(f"run {run_id} is already the champion (version {champion.version})")
    candidate = _loaded_candidate(client, run_id)
    retired = retired_in(candidate.layout.names)
    if retired is not None:
        raise PromotionError(f"run {run_id}: {retired}")
    require_same_model(candidate, config, run_id)
    require_same_question(candidate, config, run_id, latest=latest)
    notes = [*notes, *reading_notes(candidate.config, config)]
    decision, uncompared = judge(
        candidate,
        metrics,
        report,
        champion,
        tables,
        config,
        baselines=logged_baselines(client, run_id),
        force=force,
    )
    if dry_run or not (decision.passed or force):
        previous = str(champion.version) if champion else None
        return Promotion(decision, run_id, None, previous, forced=False, notes=notes)
    # forced: past a gate that said no, or past a champion it could not compare with
    forced = force and (uncompared or not decision.passed)
    version = register(client, config, run_id, forced=forced, refusal=decision.reasons)
    move_aliases(client, config.model_name, version, champion)
    previous = str(champion.version) if champion else None
    return Promotion(decision, run_id, str(version.version), previous, forced=forced, notes=notes)
