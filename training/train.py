"""`churn train`: from a config to one logged MLflow run holding the model artifact."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from mlflow.models import ModelSignature, infer_signature
from mlflow.types.schema import ColSpec, Schema

from churn.model import ChurnModel
from features.contract import RunConfig, dump_config, load_config
from features.sources import load_tables
from features.tables import Tables
from training import plots
from training.fingerprint import fingerprint
from training.package import package_model
from training.protocol import Outcome, out_of_time
from training.report import build_report, scored_with_oracle
from training.tracking import RunRecord, configure, experiment_id, log_run

SHAP_SAMPLE_ROWS = 2000


@dataclass(frozen=True)
class TrainedRun:
    run_id: str
    report: dict[str, Any]
    model: ChurnModel
    tables: Tables | None = None
    """The data it was trained on, as loaded: `churn train`'s closing advice scores the
    champion on them as the gate will (`training.promote.train_advice`)."""


def train_and_log(config: RunConfig | Path, *, tune: bool = False) -> TrainedRun:
    """Train out of time and log one run; accepts a config object or a YAML path.

    With `tune`, a small time-aware search picks the XGBoost parameters first.
    """
    config = config if isinstance(config, RunConfig) else load_config(config)
    configure()
    experiment_id(config.name)  # the store opened before training, not after it
    tables = load_tables(config)
    outcome = out_of_time(tables, config, tune=tune)
    scored = scored_with_oracle(outcome, config)  # read once: the truth file can be large
    report = build_report(outcome, tables, config, scored=scored)
    model = package_model(outcome, config, report, tables)
    test_rows = _test_rows(outcome)
    example = _input_example(test_rows, model)
    with tempfile.TemporaryDirectory() as folder:
        record = RunRecord(
            config=config,
            config_text=dump_config(config),
            report=report,
            fingerprint=fingerprint(tables),
            model=model,
            plots=_plots(scored, config, model, test_rows, Path(folder)),
            signature=_signature(example, model),
            input_example=example,
        )
        run_id = log_run(record)
    return TrainedRun(run_id=run_id, report=report, model=model, tables=tables)


def _test_rows(outcome: Outcome) -> pd.DataFrame:
    keys = outcome.scored[["customer_id", "cutoff"]]
    return outcome.data.frame.merge(keys, on=["customer_id", "cutoff"], how="inner")


def _signature(example: pd.DataFrame, model: ChurnModel) -> ModelSignature:
    """The pyfunc's signature, its customer id optional: a client posting feature rows
    alone is scored as before, one naming its customers has the fitted ones out of fold."""
    signature = infer_signature(example, model.predict(None, example))
    inputs = [
        ColSpec(spec.type, spec.name, required=spec.name != "customer_id")
        for spec in signature.inputs.inputs
    ]
    return ModelSignature(Schema(inputs), signature.outputs)


def _input_example(rows: pd.DataFrame, model: ChurnModel) -> pd.DataFrame:
    """A few feature rows as plain types (categoricals as text), the pyfunc's input; with
    the customer id where the model scores its fitted customers out of fold (`predict`):
    mlflow passes on only the columns its signature names."""
    by_id = ["customer_id"] if model.folds_of(rows.head(1)) is not None else []
    example = rows[[*by_id, *model.layout.names]].head(5).copy()
    for name in model.layout.levels:
        example[name] = example[name].astype("object").where(example[name].notna(), None)
    return example


def _plots(
    scored: pd.DataFrame, config: RunConfig, model: ChurnModel, rows: pd.DataFrame, folder: Path
) -> list[Path]:
    y = scored["churned"].to_numpy(dtype=int)
    scores = {c.removeprefix("p_"): scored[c].to_numpy() for c in scored if c.startswith("p_")}
    sample = rows.sample(min(SHAP_SAMPLE_ROWS, len(rows)), random_state=config.evaluation.seed)
    importance = model.booster.get_score(importance_type="total_gain")
    return [
        plots.calibration_curve(y, scores, folder / "calibration.png"),
        plots.gains_chart(y, scores, folder / "gains.png"),
        plots.score_distribution(y, scores["model"], folder / "score_distribution.png"),
        plots.feature_importance(importance, folder / "feature_importance.png"),
        plots.shap_summary(
            model.contributions(sample), model.layout.matrix(sample), folder / "shap_summary.png"
        ),
    ]
