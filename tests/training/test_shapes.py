"""The same `churn evaluate` on every data shape, end to end through the CLI.

Shapes: (a) transactions only, non-contractual retail; (b) a labelled snapshot with
attributes only (telecom style); (c) a subscription business with usage events,
interactions and cancellations; (d) full retail from the simulator. The JSON report has
one shape for all: the recency baseline only where there are purchases, the oracle only
where the config names the simulator's truth.
"""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from churn.cli import app
from features.contract import load_config
from features.sources import load_tables
from serving import store
from tests.training.datasets import derive_config, simulated, telecom_snapshot, transactions_only
from training.report import METRICS

runner = CliRunner(env={"COLUMNS": "200"})
REPORT_KEYS = {"model", "baselines", "n_customers", "n_rows", "churn_rate", "protocol", "profit"}


@pytest.fixture(scope="module")
def configs(tmp_path_factory) -> dict[str, Path]:
    """Every shape's config; the simulated data are small (about a second to write)."""
    root = tmp_path_factory.mktemp("shapes")
    retail = simulated(root / "retail", customers=1200, months=18, seed=3)
    subscription = simulated(
        root / "subscription", customers=1200, months=18, seed=3, kind="subscription"
    )
    return {
        "transactions_only": transactions_only(retail),
        "labelled_snapshot": telecom_snapshot(root / "telecom"),
        "subscription": subscription,
        "retail": retail,
    }


def variant(config: Path, name: str, **sections: object) -> Path:
    """The config with sections replaced, written beside it (relative table paths hold)."""
    return derive_config(config, config.with_name(name), **sections)


def evaluate(config: Path, out: Path) -> tuple[dict, str]:
    """The report `churn evaluate` wrote, and what it printed."""
    result = runner.invoke(app, ["evaluate", "--config", str(config), "--json", str(out)])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return json.loads(out.read_text()), result.output


def _check_report(report: dict, *, purchases: bool, oracle: bool, protocol: str) -> None:
    assert set(report) >= REPORT_KEYS
    assert report["protocol"] == protocol
    assert "logreg" in report["baselines"]  # always
    if purchases:  # purchase-based baselines (recency, ...) only where there are purchases
        assert "recency" in report["baselines"]
    else:
        assert not {"recency", "bgnbd"} & set(report["baselines"])
    assert set(report["baselines"]) <= {"logreg", "recency", "usage_recency", "bgnbd"}
    assert ("oracle" in report) == oracle
    contenders = [*report["baselines"].values()] + ([report["oracle"]] if oracle else [])
    assert all(set(scores) == set(METRICS) for scores in contenders)
    assert set(report["model"]) == {*METRICS, "ece_by_chance"}  # the gate's allowance
    assert report["n_customers"] > 100
    assert 0 < report["churn_rate"] < 1
    assert 0.5 < report["model"]["roc_auc"] <= 1  # learns something on every shape
    if report["profit"]["value_source"] == "none":  # a snapshot without a value column
        assert set(report["profit"]) <= {"value_source", "value_columns"}
    else:
        assert set(report["profit"]) >= {"best_percent", "best_profit", "profit_at_10_percent"}


@pytest.mark.parametrize(
    ("shape", "purchases", "oracle"),
    [
        pytest.param("transactions_only", True, False),
        pytest.param("labelled_snapshot", False, False),
        pytest.param("subscription", False, True),
        pytest.param("retail", True, True),
    ],
)
def test_evaluate_out_of_time_on_every_shape(configs, tmp_path, shape, purchases, oracle):
    report, printed = evaluate(configs[shape], tmp_path / "report.json")
    snapshot = shape == "labelled_snapshot"  # no time axis: says what it did instead
    assert ("evaluation: {split: customer_cv} tests over 5 folds" in printed) == snapshot
    protocol = "stratified_holdout" if snapshot else "out_of_time"
    _check_report(report, purchases=purchases, oracle=oracle, protocol=protocol)
    usage_log = load_config(configs[shape]).data.events is not None
    assert ("usage_recency" in report["baselines"]) == usage_log
    if snapshot:
        assert "training_cutoffs" not in report  # one stratified split of the snapshot
        assert report["test_cutoffs"] == ["2024-06-30"]  # the extract date
    else:
        assert len(report["training_cutoffs"]) == 3
        assert report["validation_cutoff"] < report["test_cutoffs"][0]
        assert all(c < report["validation_cutoff"] for c in report["training_cutoffs"])


@pytest.mark.parametrize(
    ("shape", "purchases"),
    [
        pytest.param("labelled_snapshot", False),
        pytest.param("transactions_only", True),
    ],
)
def test_evaluate_customer_cv_scores_every_customer_once(configs, tmp_path, shape, purchases):
    config = variant(configs[shape], "cv.yaml", evaluation={"split": "customer_cv", "folds": 3})
    report, printed = evaluate(config, tmp_path / "report.json")
    _check_report(report, purchases=purchases, oracle=False, protocol="customer_cv")
    assert "split: customer_cv} tests" not in printed
    assert report["n_rows"] == report["n_customers"]  # one cutoff, each customer in one fold
    assert len(report["test_cutoffs"]) == 1


@pytest.mark.parametrize(
    ("split", "message"),
    [
        ("out_of_time", "test cutoff 2024-06-30: its 90-day horizon ends after the data"),
        ("customer_cv", "no eligible customers with observed labels at the test cutoff"),
    ],
)
def test_a_test_cutoff_beyond_the_data_is_one_clear_line_and_exit_2(
    configs, tmp_path, split, message
):
    config = variant(
        configs["transactions_only"],
        f"late-{split}.yaml",
        evaluation={"split": split, "cutoff": "2024-06-30"},
    )
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["evaluate", "--config", str(config), "--json", str(out)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.slow
def test_train_and_promote_through_the_cli_on_a_labelled_snapshot(configs, tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/mlflow.db")
    monkeypatch.chdir(tmp_path)
    # 300 test rows make the calibration error noisy; the gate's rules are tested purely in
    # test_tracking_and_promotion.py, so here the limit only keeps the CLI story on its path
    config = str(variant(configs["labelled_snapshot"], "promote.yaml", promotion={"max_ece": 0.1}))
    for round_ in (1, 2):
        trained = runner.invoke(app, ["train", "--config", config])
        assert trained.exit_code == 0, trained.output + repr(trained.exception)
        assert "logged run" in trained.output
        promoted = runner.invoke(app, ["promote", "--config", config, "--latest"])
        assert promoted.exit_code == 0, promoted.output + repr(promoted.exception)
        assert f"version {round_} is now champion" in promoted.output
        assert "Successfully registered" not in promoted.output  # MLflow's own chatter
    # a snapshot has no time axis: the gate compares with the champion's logged metrics
    assert "version 1 is challenger" in promoted.output
    again = runner.invoke(app, ["promote", "--config", config, "--latest"])
    assert again.exit_code == 2
    assert "already the champion" in again.output
    # scoring: a positive label says the customer has left already, nobody to call
    monkeypatch.setenv("CHURN_DATABASE_URL", f"sqlite:///{tmp_path}/scores.db")
    scored = runner.invoke(app, ["score", "--config", config])
    assert scored.exit_code == 0, scored.output + repr(scored.exception)
    labels = load_tables(load_config(config)).customers["label"].astype(bool)
    batch = store.latest_batch(store.connect(f"sqlite:///{tmp_path}/scores.db"))
    assert batch is not None and batch["rows"] == int((~labels).sum()) < len(labels)
