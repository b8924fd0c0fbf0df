"""The `churn` command as a user meets it: help, exit codes, one-line errors, no debris."""

import ast
import importlib
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from churn.cli import USER_ERRORS, app, unseen_note
from churn.model import FeatureLayout
from features.levels import MAX_LEVELS
from serving.batch import UnseenLevels
from tests.factories import customers_frame, transactions_frame, write_dataset

runner = CliRunner(env={"COLUMNS": "200"})


@pytest.mark.parametrize(
    "command",
    [
        "simulate",
        "validate",
        "features",
        "describe",
        "train",
        "evaluate",
        "promote",
        "score",
        "serve",
    ],
)
def test_every_command_has_help(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_python_dash_m_churn_is_the_same_command():
    result = subprocess.run(
        [sys.executable, "-m", "churn", "validate", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "Usage: churn validate" in result.stdout


def test_validate_good_data_prints_a_table_per_table(tmp_path):
    result = runner.invoke(app, ["validate", "--config", str(write_dataset(tmp_path))])
    assert result.exit_code == 0, result.output
    for table in ("customers", "transactions", "events", "interactions"):
        assert table in result.output


def test_validate_bad_data_exits_2_naming_file_column_and_rows(tmp_path):
    bad = transactions_frame().assign(amount=lambda f: f["amount"].where(f.index > 1, -5.0))
    config = write_dataset(tmp_path, transactions=bad)
    result = runner.invoke(app, ["validate", "--config", str(config)])
    assert result.exit_code == 2
    assert "transactions.csv" in result.output
    assert "amount" in result.output
    assert "2 rows" in result.output
    assert "Traceback" not in result.output


def test_validate_reads_a_table_split_over_monthly_files_and_names_a_bad_ones(tmp_path):
    """Ta Feng's four monthly files as one table: `path: [D11, D12, D01, D02]` read "Input
    is not a valid path for <class 'pathlib.Path'>"."""
    lines = transactions_frame()
    (tmp_path / "data").mkdir()
    lines.iloc[:4].to_csv(tmp_path / "data" / "D11", index=False)
    lines.iloc[4:].to_csv(tmp_path / "data" / "D12", index=False)
    config = write_dataset(tmp_path, specs={"transactions": {"path": ["data/D11", "data/D12"]}})
    result = runner.invoke(app, ["validate", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "D11, D12" in result.output and "data OK" in result.output
    lines.iloc[4:].assign(timestamp="2024-13-45").to_csv(tmp_path / "data" / "D12", index=False)
    result = runner.invoke(app, ["validate", "--config", str(config)])
    assert result.exit_code == 2
    assert "│ D12 " in result.output and "not a date in 4 rows" in result.output


def _validate_labelled(tmp_path, customers, label: str):
    """`churn validate` of the factory's data set whose customers carry a label `label`."""
    specs = {"customers": {"label": {"column": label, "positive": "Yes"}}}
    config = write_dataset(tmp_path, customers=customers, specs=specs)
    result = runner.invoke(app, ["validate", "--config", str(config)])
    return result, " ".join(result.output.split())


@pytest.mark.parametrize("label", ["blank", "absent"])
def test_validate_accepts_the_fresh_extract_score_accepts(tmp_path, label):
    """A holdout without labels (its label column blank, or gone) is scored by `churn
    score`; validate refused it ("column not found (configured for 'label')")."""
    customers = customers_frame()
    if label == "blank":
        customers = customers.assign(churned="")
    result, said = _validate_labelled(tmp_path, customers, "churned")
    assert result.exit_code == 0, result.output
    assert "a fresh extract to score, everyone is scored; training needs labels" in said
    assert "data OK" in said


def test_validate_refuses_a_label_column_that_misspells_the_files(tmp_path):
    """`label: {column: churn}` on a file with `Churn`, or a hotel's `is_cancelled` for
    its `is_canceled`, read as a fresh extract: validate passed what train refused."""
    customers = customers_frame().assign(Churn=["Yes", "No", "No", "Yes"])
    result, _ = _validate_labelled(tmp_path, customers, "churn")
    assert result.exit_code == 2
    assert "not in the file (did you mean 'Churn'?)" in result.output
    customers = customers_frame().assign(is_canceled=["Yes", "No", "No", "Yes"])
    result, said = _validate_labelled(tmp_path, customers, "is_cancelled")
    assert result.exit_code == 2
    assert "not in the file (did you mean 'is_canceled'?)" in said
    assert "Traceback" not in result.output


def test_validate_names_a_similar_column_but_reads_a_fresh_extract(tmp_path):
    """Another horizon's label beside the configured one is another column: said, not
    refused (scoring reads such an extract too)."""
    customers = customers_frame().assign(churned_30d=["Yes", "No", "No", "Yes"])
    result, said = _validate_labelled(tmp_path, customers, "churned_90d")
    assert result.exit_code == 0, result.output
    assert "('churned_30d' is another column, not read)" in said


def test_missing_config_is_one_line_and_exit_2(tmp_path):
    result = runner.invoke(app, ["validate", "--config", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "config file not found" in result.output
    assert "Traceback" not in result.output


def test_features_writes_one_row_per_customer_and_cutoff_with_labels(tmp_path):
    out = tmp_path / "out" / "features.parquet"
    args = ["features", "--config", str(write_dataset(tmp_path)), "--out", str(out)]
    # the data end (as_of) 2024-12-31: the 90-day label window of 2024-11-30 is not observed
    result = runner.invoke(app, [*args, "--cutoffs", "2024-03-31,2024-06-30,2024-11-30"])
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out)
    assert not frame.duplicated(["customer_id", "cutoff"]).any()
    learned = {"wallet_share_365d", "p_alive_bgnbd", "expected_purchases_horizon_bgnbd"}
    assert {"eligible", "churned", "observed", "overdue_ratio", *learned} <= set(frame)
    assert frame["cutoff"].nunique() == 3
    unobserved = frame["cutoff"] == pd.Timestamp("2024-11-30")
    assert frame["observed"].equals(~unobserved)
    assert frame.loc[unobserved, "churned"].isna().all()  # unknown, not True
    assert frame.loc[~unobserved, "churned"].notna().all()
    # learned features fitted on some cutoffs only: dates matched none, and BG/NBD divided
    # by zero
    fitted = runner.invoke(app, [*args, "--cutoffs", "2024-03-31,2024-06-30",
                                 "--train-cutoffs", "2024-03-31"])  # fmt: skip
    assert fitted.exit_code == 0, fitted.output
    assert pd.read_parquet(out)["p_alive_bgnbd"].notna().any()


def test_commands_that_read_the_data_say_its_warnings(tmp_path):
    """Not only `churn validate`: a user who goes straight to features (or train, score)
    hears which rows were ignored."""
    returns = transactions_frame()
    returns.loc[0, "amount"] = 0.0
    config = write_dataset(tmp_path, transactions=returns)
    out = tmp_path / "features.parquet"
    result = runner.invoke(
        app, ["features", "--config", str(config), "--cutoffs", "2024-06-30", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "data warning: " in result.output and "amount of 0" in result.output


def test_features_on_bad_data_writes_nothing(tmp_path):
    bad = transactions_frame().assign(timestamp="not a date")
    out = tmp_path / "features.parquet"
    config = write_dataset(tmp_path, transactions=bad)
    result = runner.invoke(
        app, ["features", "--config", str(config), "--cutoffs", "2024-06-30", "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "timestamp" in result.output
    assert not out.exists()
    assert not list(tmp_path.glob(".features.parquet.*"))


def test_bad_cutoff_is_a_usage_error(tmp_path):
    config = write_dataset(tmp_path)
    result = runner.invoke(
        app, ["features", "--config", str(config), "--cutoffs", "June", "--out", "x.parquet"]
    )
    assert result.exit_code == 2
    assert "June" in result.output


def test_a_cutoff_after_the_data_is_a_usage_error_and_writes_nothing(tmp_path):
    config = write_dataset(tmp_path)
    out = tmp_path / "late.parquet"
    result = runner.invoke(
        app, ["features", "--config", str(config), "--cutoffs", "2099-01-31", "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "2099-01-31 is after the last day of data" in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("cutoffs", "said"),
    [
        ("2022-06-30", "cutoff 2022-06-30 is before the first day of data (2024-01-02"),
        (
            "2023-06-30,2023-12-31,2024-03-31",
            "2 of the 3 cutoffs 2023-06-30, 2023-12-31 are before the first day of data",
        ),
    ],
)
def test_a_cutoff_before_the_data_is_a_usage_error_and_writes_nothing(tmp_path, cutoffs, said):
    """A cutoff before the first purchase wrote 0 rows, a table of "nan%", and exit 0;
    a list where some are before names them and writes nothing (no cutoff dropped)."""
    config = write_dataset(tmp_path)
    out = tmp_path / "early.parquet"
    result = runner.invoke(
        app, ["features", "--config", str(config), "--cutoffs", cutoffs, "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert said in result.output and "use cutoffs on or after 2024-01-02" in result.output
    assert "nan%" not in result.output
    assert not out.exists()
    ok = runner.invoke(
        app, ["features", "--config", str(config), "--cutoffs", "2024-01-02", "--out", str(out)]
    )
    assert ok.exit_code == 0, ok.output  # the first day itself holds history


def test_describe_lists_declared_features_with_mechanisms(tmp_path):
    result = runner.invoke(app, ["describe", "--config", str(write_dataset(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "overdue_ratio" in result.output
    assert "recency" in result.output
    assert "p_alive_bgnbd" in result.output  # fitted in training, as the model has it


def test_describe_lists_no_cutoff_month_for_a_labelled_snapshot(tmp_path):
    """A snapshot has one cutoff: its month is the same for every customer and training
    leaves it out, yet describe listed `cutoff_month` as the purchase cycle's season."""
    dated = runner.invoke(app, ["describe", "--config", str(write_dataset(tmp_path / "log"))])
    assert dated.exit_code == 0, dated.output
    assert "cutoff_month" in dated.output  # a cutoff grid: months differ
    specs = {"customers": {"label": {"column": "churned", "positive": "Yes"}}}
    labelled = customers_frame().assign(churned=["Yes", "No", "No", "Yes"])
    config = write_dataset(
        tmp_path / "snapshot", customers=labelled, specs=specs, churn={"definition": "label_column"}
    )
    result = runner.invoke(app, ["describe", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "cutoff_month" not in result.output
    assert "tenure" in result.output  # the snapshot's other features are listed


def test_features_of_a_labelled_snapshot_are_its_one_cutoffs(tmp_path):
    """`churn features` insisted on --cutoffs for a snapshot, wrote each customer once per
    date with the same label, and a `cutoff_month` training leaves out. Its one cutoff is
    its extract date; others are refused, and nothing is written. The numeric features
    stand in for the headline ones a snapshot of attributes lacks."""
    specs = {"customers": {"label": {"column": "churned", "positive": "Yes"}, "columns": {}}}
    labelled = customers_frame().assign(churned=["Yes", "No", "No", "Yes"])
    alone = dict.fromkeys(["transactions", "events", "interactions", "cancellations"])
    config = write_dataset(
        tmp_path,
        customers=labelled,
        specs=specs,
        churn={"definition": "label_column"},
        **alone,
    )
    out = tmp_path / "features.parquet"
    args = ["features", "--config", str(config), "--out", str(out)]
    for other in ("2024-06-30,2024-12-31", "2024-06-30"):  # labels of after the extract
        refused = runner.invoke(app, [*args, "--cutoffs", other])
        assert refused.exit_code == 2 and "read at its extract date (2024-12-31)" in refused.output
        assert not out.exists()
    same = runner.invoke(app, [*args, "--cutoffs", "2024-12-31,2024-12-31"])
    assert same.exit_code == 0, same.output
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out)
    assert frame["cutoff"].unique().tolist() == [pd.Timestamp("2024-12-31")]
    assert len(frame) == 4 and frame["churned"].tolist() == [True, False, False, True]
    assert "cutoff_month" not in frame
    assert "features (first numeric ones shown)" in result.output and "seats" in result.output


def test_score_says_a_snapshot_read_as_of_today_once():
    """`churn score` of a dateless snapshot printed the batch's note and the model's copy
    of training's ("model caveat: ... it was read as of today (2026-12-05)")."""
    from churn.cli import _model_caveats
    from serving.batch import TODAY_NOTE
    from training.report import snapshot_today_note

    trained = snapshot_today_note("2026-12-05")
    champion = SimpleNamespace(
        caveats=SimpleNamespace(notes=(trained, "reasons show Gender")),
        model=SimpleNamespace(info={"test_cutoffs": ["2026-12-05"]}),
    )
    job = SimpleNamespace(cutoff_note=TODAY_NOTE, champion=champion)
    assert _model_caveats(job) == ["reasons show Gender"]
    dated = SimpleNamespace(cutoff_note=None, champion=champion)  # scored as of its as_of
    assert _model_caveats(dated) == [trained, "reasons show Gender"]


def test_describe_says_which_reasons_show_the_typical_value():
    from rich.console import Console

    from churn.summary import print_specs
    from features.attributes import attribute_spec

    console = Console(record=True, width=200)
    print_specs(console, [attribute_spec("MonthlyCharges", "numeric")])
    shown = " ".join(console.export_text().split())
    assert "monthly charges {MonthlyCharges!n} (typical: the training median)" in shown


def test_reasons_never_naming_no_feature_is_warned_by_validate_and_describe(tmp_path):
    """Under `attributes: all`, `reasons: {never: [Var1260]}` passed both without a word;
    a derived feature (days_since_last_purchase) is a feature."""
    config = write_dataset(tmp_path, specs={"customers": {"columns": {}, "attributes": "all"}})
    raw = yaml.safe_load(config.read_text())
    raw["reasons"] = {"never": ["regionn", "days_since_last_purchase", "region"]}
    config.write_text(yaml.safe_dump(raw, sort_keys=False))
    said = (
        "reasons.never names no feature: regionn (did you mean 'region'?): those reasons "
        "are still shown"
    )
    for command in ("validate", "describe"):
        result = runner.invoke(app, [command, "--config", str(config)])
        assert result.exit_code == 0, result.output
        assert said in " ".join(result.output.replace("│", " ").split()), command


def test_serve_without_a_model_to_serve_exits_2_saying_how_to_name_one(monkeypatch, tmp_path):
    monkeypatch.delenv("CHURN_MODEL_NAME", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env naming one
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.replace("│", " ").split())
    assert "no model to serve: give the run config (--config churn.yaml)" in said
    assert not (tmp_path / "data").exists()  # no empty score store made


def test_serve_on_a_taken_port_exits_2_naming_it(monkeypatch):
    import socket

    monkeypatch.setenv("CHURN_MODEL_NAME", "churn-test")

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = runner.invoke(app, ["serve", "--port", port, "--workers", "2"])
    assert result.exit_code == 2, result.output
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


def test_serve_with_a_missing_config_exits_2(tmp_path):
    result = runner.invoke(app, ["serve", "--config", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2, result.output
    assert "nope.yaml" in result.output


@pytest.mark.parametrize(("flags", "logged"), [([], False), (["--access-log"], True)])
def test_serve_logs_each_request_only_when_asked(monkeypatch, flags, logged):
    """Off by default (as in gunicorn): /metrics counts requests by route and status."""
    import socket

    import uvicorn

    configs, bound = [], []

    class Server:  # uvicorn's, which would serve until stopped
        def __init__(self, config: uvicorn.Config) -> None:
            configs.append(config)

        def run(self, sockets: list[socket.socket]) -> None:
            bound.extend(sock.getsockname() for sock in sockets)

    monkeypatch.setattr(uvicorn, "Server", Server)
    monkeypatch.setenv("CHURN_MODEL_NAME", "churn-test")
    with socket.socket() as probe:  # a port free now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = runner.invoke(app, ["serve", "--port", str(port), *flags])
    assert result.exit_code == 0, result.output
    assert configs[0].access_log is logged
    assert bound == [("127.0.0.1", port)]  # bound before the app (and its model) loads


def test_piped_output_gets_room_for_tables(monkeypatch):
    """Rich assumes 80 columns off a terminal and cuts table cells; COLUMNS still wins."""
    from churn.console import PIPED_WIDTH, make_console

    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    assert make_console().width == PIPED_WIDTH  # pytest captures stdout: not a terminal
    monkeypatch.setenv("COLUMNS", "100")
    assert make_console().width == 100


def test_an_empty_run_id_is_refused_never_read_as_the_latest(tmp_path):
    """`churn promote --run "$RUN"` with RUN unset must not promote whatever ran last."""
    config = str(write_dataset(tmp_path))
    result = runner.invoke(app, ["promote", "--config", config, "--run", ""])
    assert result.exit_code == 2
    assert "--run is empty" in " ".join(result.output.split())


def test_a_level_beyond_the_kept_ones_is_not_blamed_on_the_extract():
    """Scoring the training file itself said 6,843 customers held a surname the model
    never trained on, and to check the extract: training held them, too rare to keep."""
    kept = [f"name{k}" for k in range(MAX_LEVELS)]
    layout = FeatureLayout(
        names=["Surname", "plan"],
        levels={"Surname": kept, "plan": ["basic", "pro"]},
        rare_levels={"Surname": 2618},
    )
    surnames = unseen_note(UnseenLevels("Surname", 6843, ["Loovberg"]), layout)
    assert surnames == (
        "6,843 customers hold a level of Surname the model does not know ('Loovberg'): new, "
        "or one of the 2,618 levels too rare in training to keep (a model keeps a column's "
        "100 most frequent); scored as unknown, as a blank"
    )
    plans = unseen_note(UnseenLevels("plan", 40, ["max"]), layout)
    assert "the model never trained on ('max')" in plans and "check the extract" in plans
    older = FeatureLayout(names=layout.names, levels=layout.levels)  # packaged before
    surnames = unseen_note(UnseenLevels("Surname", 6843, ["Loovberg"]), older)
    assert "new, or a level too rare in training to keep" in surnames
    assert "check the extract" in unseen_note(UnseenLevels("plan", 40, ["max"]), older)


def test_promote_repeats_the_runs_baseline_note(tmp_path, monkeypatch):
    """What `churn train` noted about a better baseline is printed again on promotion."""
    from training import promote
    from training.promote import Decision, Promotion

    note = "baseline logreg ranks better than the model (ROC AUC 0.9645 vs 0.9304): check"
    done = Promotion(
        Decision(True, candidate={"roc_auc": 0.93, "brier": 0.07, "ece": 0.03}),
        run_id="abc",
        version="1",
        previous=None,
        forced=False,
        notes=[note],
    )
    monkeypatch.setattr(promote, "promote", lambda *args, **kwargs: done)
    config = str(write_dataset(tmp_path))
    result = runner.invoke(app, ["promote", "--config", config, "--latest"])
    assert result.exit_code == 0, result.output
    assert f"note: {note}" in " ".join(result.output.split())
    assert "version 1 is now champion" in result.output


def test_a_risk_change_is_cut_not_rounded_to_the_ten_points_score_counts():
    """A 9.8-point rise read "+10 pts" beside `churn score`'s count of 10 or more."""
    from types import SimpleNamespace

    from churn.summary import _risk

    assert _risk(SimpleNamespace(probability=0.64, probability_change=0.098)) == "64% (+9.8 pts)"
    assert _risk(SimpleNamespace(probability=0.2, probability_change=-0.2345)) == "20% (-23.4 pts)"
    assert _risk(SimpleNamespace(probability=0.2, probability_change=None)) == "20%"


HEAVY = {"mlflow", "xgboost", "sklearn", "shap"}
"""Seconds of imports that `--help`, a worklist and the batches list need none of."""


@pytest.mark.parametrize("command", [["--help"], ["worklist", "--limit", "5"], ["batches"]])
def test_help_worklist_and_batches_load_no_mlflow_xgboost_or_scikit_learn(tmp_path, command):
    """Loading them first took seconds (a worklist waited 4-7 s), and so did an empty
    store's one-line "no scores" error, which imported every user error's module."""
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from churn.cli import app\n"
        f"result = CliRunner().invoke(app, {command!r})\n"
        "print(result.exit_code, sorted(sys.modules))\n"
    )
    env = {**os.environ, "CHURN_DATABASE_URL": f"sqlite:///{tmp_path / 'scores.db'}"}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    ).stdout
    code, loaded = out.split(" ", 1)
    assert int(code) in (0, 2)  # an empty store's worklist is a user error
    assert not set(ast.literal_eval(loaded)) & HEAVY


def test_user_errors_are_named_where_they_live():
    """`USER_ERRORS` tells them apart by module and name: a class moved or renamed would
    turn a user's mistake into a traceback."""
    for module, name in USER_ERRORS:
        kind = getattr(importlib.import_module(module), name)
        assert issubclass(kind, Exception)
        assert (kind.__module__, kind.__qualname__) == (module, name)


@pytest.mark.slow
def test_mlflows_own_log_lines_stay_out_of_the_terminal(tmp_path):
    """MLflow sets up its loggers at INFO when imported, after the CLI had set them to
    ERROR: `churn train` showed "INFO mlflow.store.db.utils: Creating initial MLflow
    database tables..." and its CloudPickle WARNING. A user's own MLFLOW_LOGGING_LEVEL
    still wins; the CLI's own error shows either way."""
    import os
    import subprocess
    import sys

    config = write_dataset(tmp_path)
    command = [sys.executable, "-c", "from churn.cli import app; app()"]
    command += ["promote", "--config", str(config), "--latest"]

    def run(**env: str) -> str:
        base = {k: v for k, v in os.environ.items() if k != "MLFLOW_LOGGING_LEVEL"}
        uri = f"sqlite:///{tmp_path}/mlflow-{len(env)}.db"
        done = subprocess.run(
            command,
            env={**base, "MLFLOW_TRACKING_URI": uri, **env},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 2, done.stderr
        assert "no finished run" in done.stderr
        return done.stderr

    assert "INFO mlflow" not in run()
    assert "INFO mlflow" in run(MLFLOW_LOGGING_LEVEL="INFO")


def test_validate_says_first_when_train_would_stop_for_the_horizon(tmp_path):
    """Starbucks' 30 days passed validate as "data OK"; train then refused the default
    90-day horizon. The data are valid: a warning, exit 0, naming what train would say."""
    config = write_dataset(tmp_path)
    result = runner.invoke(app, ["validate", "--config", str(config)])
    said = " ".join(result.output.split())
    assert result.exit_code == 0, said
    assert "`churn train` would stop here:" in said
    from features.contract import load_config
    from features.sources import load_tables
    from training.protocol import plan_shortfall

    run = load_config(config)
    assert "4 customers: too few to learn churn from" in plan_shortfall(load_tables(run), run)


def test_validate_says_first_when_no_cutoff_grid_fits_the_horizon(tmp_path):
    """The horizon path: 200 customers over 30 days under the default 90-day horizon."""
    days = pd.date_range("2024-06-01", "2024-06-30")
    lines = pd.DataFrame(
        {
            "customer_id": [1 + i % 200 for i in range(600)],
            "timestamp": [days[i % 30].strftime("%Y-%m-%d") for i in range(600)],
            "amount": [10.0 + i % 7 for i in range(600)],
            "category": ["paper"] * 600,
        }
    )
    said = _validated_stop(tmp_path, lines, data={"as_of": "2024-06-30"})
    assert "horizon" in said and "too few to learn" not in said


def test_validate_says_first_when_train_would_find_only_churners(tmp_path):
    """A bike shop's sample: first orders over two years, every repeat purchase in its
    last month. Validate said "data OK"; train then found its grid all churners."""
    firsts = pd.date_range("2023-01-01", periods=300, freq="2D")
    repeats = pd.date_range("2024-12-01", periods=30, freq="D")
    lines = pd.DataFrame(
        {
            "customer_id": [*range(300), *range(30)],
            "timestamp": [d.strftime("%Y-%m-%d") for d in [*firsts, *repeats]],
            "amount": 10.0,
            "category": "bikes",
        }
    )
    said = _validated_stop(tmp_path, lines)
    assert "train rows" in said and "are churners" in said
    assert "repeat purchases (a customer's on a day after their first) run from 2024-12-01" in said


def _validated_stop(tmp_path: Path, lines: pd.DataFrame, **data: Any) -> str:
    """What `churn validate` warns `churn train` would stop at, on a purchase log alone
    under a 90-day horizon: valid data (exit 0), the stop said as `plan_shortfall` says
    it."""
    from features.contract import load_config
    from features.sources import load_tables
    from training.protocol import plan_shortfall

    config = write_dataset(
        tmp_path,
        transactions=lines,
        customers=None,
        events=None,
        interactions=None,
        cancellations=None,
        churn={"definition": "inactivity", "horizon_days": 90},
        **data,
    )
    result = runner.invoke(app, ["validate", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "`churn train` would stop here:" in " ".join(result.output.split())
    run = load_config(config)
    said = plan_shortfall(load_tables(run), run)
    assert said is not None
    return said


def test_an_errors_own_brackets_are_printed_as_written(tmp_path):
    """Rich read "{negative: [retained, churnd]}" as markup and printed "{negative: }":
    the remedy lost the very values to write."""
    customers = customers_frame().assign(Churn=["churned", "retained", "churnd", "churned"])
    specs = {"customers": {"label": {"column": "Churn", "positive": "churned"}}}
    config = write_dataset(tmp_path, customers=customers, specs=specs)
    result = runner.invoke(app, ["features", "--config", str(config), "--out", str(tmp_path / "f")])
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "error:" in said and "[retained, churnd]" in said
    assert not (tmp_path / "f").exists()
