"""The one thin adapter to MLflow: where the store is, and how a run is logged.

Default store: SQLite tracking + registry at `mlflow/mlflow.db` with artifacts under
`mlflow/artifacts/`, relative to the working directory (the project root when run
through make). `MLFLOW_TRACKING_URI` wins when set.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from filelock import FileLock
from mlflow.models import ModelSignature

import mlflow
from churn.locations import default_tracking_uri, mlflow_dir
from churn.model import ChurnModel
from features.contract import RunConfig
from training.report import ACTIVE_WINDOW_DEFINITIONS

MODEL_URI_TAG = "churn.model_uri"
"""The logged model's URI, kept on the run so promotion registers exactly that model."""


REPORT_ARTIFACT = "evaluation/report.json"
"""The run's evaluation report (`training.report.build_report`), as logged."""


def tracking_uri() -> str:
    return os.environ.get("MLFLOW_TRACKING_URI") or default_tracking_uri()


def configure() -> str:
    """Point MLflow at the store; create the local folder when it is the default."""
    uri = tracking_uri()
    if uri == default_tracking_uri():
        mlflow_dir().mkdir(exist_ok=True)
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    return uri


def experiment_id(name: str) -> str:
    """The experiment for a run config's name, created where none is: one process at a
    time on a local store (two runs opening a new SQLite store at once raced to create
    its tables, and one crashed with "table _alembic_tmp_experiments already exists"
    after five minutes of training, leaving the store unusable), its artifacts beside
    the database (MLflow itself would put them in ./mlruns of whatever folder the
    command ran in)."""
    uri = mlflow.get_tracking_uri()
    if not uri.startswith("sqlite:///"):
        return _found_or_created(name, None)
    database = Path(uri.removeprefix("sqlite:///"))
    database.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(f"{database}.lock"):
        return _found_or_created(name, (database.parent / "artifacts" / name).as_uri())


def _found_or_created(name: str, location: str | None) -> str:
    found = mlflow.get_experiment_by_name(name)
    if found is not None:
        return found.experiment_id
    return mlflow.create_experiment(name, artifact_location=location)


def git_commit() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip()


@dataclass(frozen=True)
class RunRecord:
    """Everything one training run logs."""

    config: RunConfig
    config_text: str
    report: dict[str, Any]
    fingerprint: dict[str, object]
    model: ChurnModel
    plots: list[Path]
    signature: ModelSignature
    input_example: pd.DataFrame


PIP_REQUIREMENTS = ["pandas", "numpy", "scikit-learn", "xgboost", "mlflow", "pyyaml", "pydantic"]
"""Stated, not inferred: inference runs the model in a subprocess and is slow."""


def log_run(run: RunRecord) -> str:
    """Log one training run (params, tags, metrics, artifacts, model); return its id."""
    configure()
    with mlflow.start_run(experiment_id=experiment_id(run.config.name)) as active:
        mlflow.set_tags(
            {
                "git_commit": git_commit(),
                "churn.definition": run.config.churn.definition,
                "protocol": run.report["protocol"],
                "data.sha256": str(run.fingerprint["sha256"]),
            }
        )
        mlflow.log_params(_flat_params(run))
        mlflow.log_metrics(_flat_metrics(run.report))
        mlflow.log_text(run.config_text, "config/churn.yaml")
        mlflow.log_dict(run.report, REPORT_ARTIFACT)
        mlflow.log_dict(run.fingerprint, "data/fingerprint.json")
        mlflow.log_text("\n".join(run.model.layout.names), "features/feature_list.txt")
        for path in run.plots:
            mlflow.log_artifact(str(path), "plots")
        logged = mlflow.pyfunc.log_model(
            name="model",
            python_model=run.model,
            signature=run.signature,
            input_example=run.input_example,
            pip_requirements=PIP_REQUIREMENTS,
        )
        mlflow.set_tag(MODEL_URI_TAG, logged.model_uri)
        return active.info.run_id


def _flat_params(run: RunRecord) -> dict[str, str]:
    """The run's settings as MLflow params, only those that apply to it: a labelled
    snapshot logged a 90-day horizon, a 365-day active window and 12 monthly training
    cutoffs it never had (`GET /v1/model`: no training cutoffs)."""
    config, report = run.config, run.report
    params: dict[str, object] = {
        "name": config.name,
        **label_settings(config, bgnbd=run.model.bgnbd is not None),
        "evaluation.seed": config.evaluation.seed,
        **_grid_settings(config, report),
        "evaluation.test_cutoff": ",".join(report["test_cutoffs"]),
        "training.rounds": run.model.info.get("rounds"),
        "calibration": run.model.info.get("calibration"),
        "n_features": len(run.model.layout.names),
        "tables": ",".join(config.data.tables()),
    }
    params.update({f"xgb.{k}": v for k, v in run.model.info.get("xgb_params", {}).items()})
    params.update({f"data.{k}": v for k, v in run.fingerprint.items() if k != "sha256"})
    return {k: str(v) for k, v in params.items()}


def label_settings(config: RunConfig, *, bgnbd: bool) -> dict[str, object]:
    """The churn settings that define a run's labels, by name, only where its definition
    reads them (`features.labels`): a labelled snapshot's horizon only where a model
    fitted BG/NBD on its purchases (`bgnbd`: its expected purchases span the horizon)."""
    churn = config.churn
    settings: dict[str, object] = {"churn.definition": churn.definition}
    if churn.definition != "label_column" or bgnbd:
        settings["churn.horizon_days"] = churn.horizon_days
    if churn.definition in ACTIVE_WINDOW_DEFINITIONS:
        settings["churn.active_window_days"] = churn.active_window_days
    if churn.definition == "expiry" or (churn.definition == "cancellation" and _paid_until(config)):
        settings["churn.grace_days"] = churn.grace_days
    if churn.definition == "inactivity":
        usage = churn.by_usage(config.data.transactions is not None)
        settings["churn.activity"] = "usage" if usage else "purchases"
    return settings


def _paid_until(config: RunConfig) -> bool:
    """Whether the transactions carry the period each payment pays for."""
    transactions = config.data.transactions
    return transactions is not None and transactions.paid_periods


def _grid_settings(config: RunConfig, report: dict[str, Any]) -> dict[str, object]:
    """The cutoff grid's settings, where the run has one: `churn train` tests out of time,
    a labelled snapshot on a stratified holdout (`stratified_holdout`), which has no grid
    and follows no `evaluation.split` (E Commerce's run logged `customer_cv` and 12
    monthly cutoffs). `training.cutoffs` is the number the run trained on, with the
    number asked for beside it where the history held fewer (Ta Feng's four months logged
    12 where 3 were used)."""
    if report["protocol"] != "out_of_time":
        return {}
    used = len(report.get("training_cutoffs", []))
    asked = report.get("training_cutoffs_requested", config.training.cutoffs)
    return {
        "evaluation.split": "out_of_time",
        "training.cutoffs": used,
        **({"training.cutoffs_asked": asked} if asked != used else {}),
        "training.spacing": config.training.spacing,
        "evaluation.validation_cutoff": report.get("validation_cutoff", "-"),
    }


def _flat_metrics(report: dict) -> dict[str, float]:
    metrics = {f"test_{k}": v for k, v in report["model"].items()}
    for name, values in report["baselines"].items():
        metrics.update({f"baseline_{name}_{k}": v for k, v in values.items()})
    metrics.update({f"oracle_{k}": v for k, v in report.get("oracle", {}).items()})
    metrics["churn_rate"] = report["churn_rate"]
    if "cross_fit" in report:  # a snapshot's fitted rows, scored by the fold boosters
        metrics["trained_rows_out_of_fold_roc_auc"] = report["cross_fit"]["roc_auc"]
    if "best_profit" in report["profit"]:  # none where the data hold no customer value
        metrics["profit_best_percent"] = report["profit"]["best_percent"]
        metrics["profit_best"] = report["profit"]["best_profit"]
    return {k: float(v) for k, v in metrics.items() if v == v}  # NaN is not loggable
