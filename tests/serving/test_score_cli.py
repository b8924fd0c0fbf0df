"""End to end: `churn score` with a tiny trained and promoted champion, into the store.

The champion is trained here (tests may import training; serving may not) on a small
simulated data set, with MLflow's store and the working directory in a temporary folder.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
import yaml
from typer.testing import CliRunner

from churn.cli import app, replaced_note
from features.contract import load_config
from features.labels import label_churn
from features.simulate import simulate_to_dir
from features.sources import load_tables
from features.tables import Tables, first_activity
from mlflow import MlflowClient
from serving import store
from serving.batch import (
    BatchResult,
    ServingError,
    after_today,
    load_champion,
    reason_words_note,
    resolve_cutoff,
)
from serving.settings import Settings
from tests.factories import model_of_replaced_features
from training.promote import promote
from training.train import train_and_log

pytestmark = pytest.mark.slow
runner = CliRunner(env={"COLUMNS": "200"})
TRAINING = {"cutoffs": 3, "max_rounds": 100, "params": {"nthread": 1}}


@dataclass
class Scored:
    root: Path
    config: Path
    output: str
    exit_code: int


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> Iterator[Scored]:
    root = tmp_path_factory.mktemp("serving")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root}/mlflow.db")
        patch.delenv("CHURN_DATABASE_URL", raising=False)
        patch.chdir(root)
        path = simulate_to_dir(root / "data", customers=1500, months=18, seed=3)
        raw = yaml.safe_load(path.read_text())
        path.write_text(yaml.safe_dump({**raw, "training": TRAINING}, sort_keys=False))
        config = load_config(path)
        trained = train_and_log(config)
        promote(config, load_tables(config), run_id=trained.run_id)
        result = runner.invoke(app, ["score", "--config", str(path)])
        yield Scored(root, path, result.output, result.exit_code)


def _engine(root: Path):
    return store.connect(f"sqlite:///{root / 'data' / 'scores.db'}")


def test_score_writes_one_complete_batch_of_active_customers(scored):
    assert scored.exit_code == 0, scored.output
    assert "customers/s" in scored.output
    config = load_config(scored.config)
    tables = load_tables(config)
    batch = store.latest_batch(_engine(scored.root))
    assert batch["status"] == "complete"
    assert batch["model_version"] == "1"
    assert pd.Timestamp(batch["cutoff"]) == tables.observed_until
    labels = label_churn(tables, config.churn, cutoffs=tables.observed_until)
    assert batch["rows"] == int(labels["eligible"].sum())
    assert f"scored {batch['rows']:,} customers" in scored.output
    where = scored.root.resolve() / "data" / "scores.db"
    assert f"batch {batch['id']} in sqlite:///{where}" in "".join(scored.output.split("\n"))
    left_out = len(tables.customers) - batch["rows"]  # every customer is in the features
    day_after = tables.observed_until + pd.Timedelta(days=1)  # the cutoff day counts
    bought = tables.transactions.loc[tables.transactions["timestamp"] < day_after]
    people = tables.customers
    unbought = ~people["customer_id"].isin(bought["customer_id"])
    # none on record of a customer who signed up before the data begin is no none ever
    before = people["signup_date"] < first_activity(tables)
    assert (unbought & before).any() and not (unbought & ~before).any()
    said = " ".join(scored.output.split())
    assert (
        f"{left_out:,} customers not scored: inactive (no purchase in the 365-day active window "
        "up to the cutoff)"
    ) in said


def test_worklist_rows_carry_reasons_value_and_tier(scored):
    rows = store.worklist(_engine(scored.root), limit=50)
    assert len(rows) == 50
    risks = [r["value_at_risk"] for r in rows]
    assert risks == sorted(risks, reverse=True)
    for row in rows:
        assert 0 < row["probability"] < 1
        assert row["value_at_risk"] == pytest.approx(row["probability"] * row["value"])
        assert row["band"] in {"low", "medium", "high"}
        assert row["tier"] in {"most_valuable", "most_growable", "below_zero", "standard"}
        assert 1 <= len(row["reasons"]) <= 4
        assert all(r["text"] and r["direction"] in {"raises", "lowers"} for r in row["reasons"])
        # the categoricals, and the stage (first-time buyers at risk are an onboarding call)
        assert set(row["segments"]) == {"region", "segment", "channel", "lifecycle_stage"}
        assert row["segments"]["lifecycle_stage"] in {
            "first-time",
            "short-term",
            "long-term",
            "lapsed",
        }


def test_reasons_carry_the_customers_own_values_and_sum_to_the_margin(scored, monkeypatch):
    monkeypatch.chdir(scored.root)
    config = load_config(scored.config)
    tables = load_tables(config)
    champion = load_champion(config.model_name, f"sqlite:///{scored.root}/mlflow.db")
    features = champion.model.features(tables, tables.observed_until).set_index("customer_id")
    row = store.worklist(_engine(scored.root), limit=1)[0]
    own = features.loc[[type(features.index[0])(row["customer_id"])]]
    for reason in row["reasons"]:
        value = own[reason["feature"]].iloc[0]
        if isinstance(reason["value"], str):
            assert reason["value"] == str(value)
        else:
            assert reason["value"] == pytest.approx(float(value))
    contributions = champion.model.contributions(own)
    margin = champion.model.margin(own)
    assert contributions.sum(axis=1) == pytest.approx(margin, abs=1e-4)
    with _engine(scored.root).connect() as conn:  # stored to order ties of probability
        stored = conn.execute(
            sa.select(store.scores.c.margin).where(
                store.scores.c.batch_id == row["batch_id"],
                store.scores.c.customer_id == row["customer_id"],
            )
        ).scalar_one()
    assert stored == pytest.approx(float(margin[0]), abs=1e-4)


def test_rerun_with_the_same_cutoff_replaces_the_batch(scored, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{scored.root}/mlflow.db")
    monkeypatch.chdir(scored.root)
    engine = _engine(scored.root)
    before = store.latest_batch(engine)
    cutoff = before["cutoff"].isoformat()
    result = runner.invoke(app, ["score", "--config", str(scored.config), "--cutoff", cutoff])
    assert result.exit_code == 0, result.output
    after = store.latest_batch(engine)
    assert after["id"] != before["id"] and after["rows"] == before["rows"]
    assert len(store.worklist(engine, limit=10_000)) == before["rows"]
    said = " ".join(result.output.split())
    assert (
        f"replaced batch {before['id']} ({before['rows']:,} customers, same model version "
        "and cutoff)" in said
    )
    assert "no longer show" not in said  # the same customers: a rerun


def test_replacing_a_batch_of_other_customers_says_they_are_no_longer_shown():
    """The test extract scored at the training file's cutoff replaced its 27,838
    customers by 10,000 others without a word."""
    other = store.Replaced(batch_id=2, rows=27_838, shared=0)
    result = BatchResult(3, 10_000, dt.date(2009, 3, 31), "2", 1.0, replaced=other)
    said = replaced_note(other, result)
    assert said.startswith(
        "[yellow]replaced batch 2 (27,838 customers, same model version and cutoff): only 0 "
        "of its customers are in this batch[/], so the worklist and the API no longer show"
    )
    numbered = replace(result, row_number_ids=True)  # row numbers overlap: counts tell
    assert (
        "cutoff): this batch holds 10,000, another file's rows (its row 5 another customer)[/], "
        "so the worklist" in replaced_note(other, numbered)
    )
    rerun = replace(numbered, rows=27_838)
    assert replaced_note(other, rerun) == (
        "replaced batch 2 (27,838 customers, same model version and cutoff)"
    )


def test_an_earlier_cutoff_says_readers_still_see_the_latest(scored, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{scored.root}/mlflow.db")
    monkeypatch.chdir(scored.root)
    engine = _engine(scored.root)
    shown = store.latest_batch(engine)
    earlier = (shown["cutoff"] - dt.timedelta(days=30)).isoformat()
    result = runner.invoke(app, ["score", "--config", str(scored.config), "--cutoff", earlier])
    assert result.exit_code == 0, result.output
    assert f"the worklist and the API show batch {shown['id']}" in " ".join(result.output.split())
    assert store.latest_batch(engine)["id"] == shown["id"]


def test_reasons_never_the_champion_was_not_trained_with_is_said(scored, monkeypatch):
    """Reasons follow the model's `reasons.never` (the batch and the API alike): a
    config that adds one says so rather than seeming ignored."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{scored.root}/mlflow.db")
    monkeypatch.chdir(scored.root)
    raw = yaml.safe_load(scored.config.read_text())
    edited = scored.config.with_name("never.yaml")
    edited.write_text(yaml.safe_dump({**raw, "reasons": {"never": ["region"]}}, sort_keys=False))
    result = runner.invoke(app, ["score", "--config", str(edited)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "reasons.never here (region) is not the champion's (none)" in said
    assert "reasons.never" not in scored.output  # the config the model was trained with


def test_a_later_cutoff_is_compared_with_the_earlier_batch(scored, monkeypatch):
    """Each customer's probability a month earlier is kept beside today's: the risers
    list first by `probability_change`, and `churn score` says how many moved."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{scored.root}/mlflow.db")
    monkeypatch.chdir(scored.root)
    engine = _engine(scored.root)
    latest = store.latest_batch(engine)["cutoff"]
    earlier = latest - dt.timedelta(days=30)
    for cutoff in (earlier, latest):
        args = ["score", "--config", str(scored.config), "--cutoff", cutoff.isoformat()]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert f"since {earlier}:" in said and "churn probability rose by 10 points or more" in said
    batch = store.latest_batch(engine)
    assert batch["previous_cutoff"] == earlier
    risers = store.worklist(engine, sort="probability_change", limit=5)
    then = store.latest_score(engine, risers[0]["customer_id"], batch_id=batch["previous_batch_id"])
    assert risers[0]["previous_probability"] == pytest.approx(then["probability"])
    changes = [r["probability"] - r["previous_probability"] for r in risers]
    assert changes == sorted(changes, reverse=True) and changes[0] > 0
    csv = scored.root / "risers.csv"
    args = ["worklist", "--sort", "probability_change", "--limit", "5", "--out", str(csv)]
    with monkeypatch.context() as patch:
        patch.setenv("CHURN_DATABASE_URL", f"sqlite:///{scored.root / 'data' / 'scores.db'}")
        assert runner.invoke(app, args).exit_code == 0
    listed = pd.read_csv(csv)
    assert listed["probability_change"].tolist() == pytest.approx(changes, abs=1e-4)
    assert (listed["previous_cutoff"] == earlier.isoformat()).all()


def test_many_features_past_the_99th_percentile_are_one_note(scored, monkeypatch):
    """RavenStack's batch printed 18 notes of two lines, one per feature; past the
    highest risky value, a different warning, each keeps its own."""
    from serving import batch

    def found(*_: object, **__: object) -> list[batch.BeyondTraining]:
        rows = np.ones(10, dtype=bool)
        p99 = [batch.BeyondTraining(f"f{k}", 10 - k, 9.0, 5.0, rows, 10, True) for k in range(4)]
        return [batch.BeyondTraining("overdue_ratio", 3, 40.0, 30.0, rows, 10, False), *p99]

    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{scored.root}/mlflow.db")
    monkeypatch.chdir(scored.root)
    monkeypatch.setattr(batch, "beyond_training", found)
    result = runner.invoke(app, ["score", "--config", str(scored.config)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert said.count("note: on 4 features many scored customers lie above 99%") == 1
    assert "f3 (7 customers" not in said and "and 1 more (f3)" in said
    assert "3 customers have overdue_ratio above the highest the model trained on" in said
    assert "have f0 above 99%" not in said


def test_no_champion_is_one_clear_error(scored, monkeypatch, tmp_path):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/empty.db")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["score", "--config", str(scored.config)])
    assert result.exit_code == 2
    assert "has no champion" in result.output


def test_a_champion_of_other_code_is_one_clear_error(scored, monkeypatch):
    """A pyfunc model aliased champion by hand in the MLflow UI: a 40-line traceback."""

    class Foreign:
        def unwrap_python_model(self) -> object:
            return object()

    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{scored.root}/mlflow.db")
    monkeypatch.chdir(scored.root)
    monkeypatch.setattr("mlflow.pyfunc.load_model", lambda uri: Foreign())
    result = runner.invoke(app, ["score", "--config", str(scored.config)])
    assert result.exit_code == 2, result.output
    assert "is no Churn Radar model (object); promote a run of `churn train`" in " ".join(
        result.output.split()
    )


def test_a_champion_reading_a_replaced_feature_is_one_clear_error(scored, monkeypatch):
    """A champion trained before `purchase_pace_90d_vs_lifetime` became the 3 calendar
    months' pace: "reads features these tables do not yield: score with the tables it
    was trained on", after building every feature, where retraining is the mend."""
    old = model_of_replaced_features()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{scored.root}/mlflow.db")
    monkeypatch.chdir(scored.root)
    monkeypatch.setattr(
        "mlflow.pyfunc.load_model", lambda uri: SimpleNamespace(unwrap_python_model=lambda: old)
    )
    result = runner.invoke(app, ["score", "--config", str(scored.config)])
    assert result.exit_code == 2, result.output
    assert (
        "replaced: purchase_pace_90d_vs_lifetime (now purchase_pace_3m_vs_history); "
        "retrain (churn train) and promote the new run"
    ) in " ".join(result.output.split())


def test_a_snapshot_without_dated_activity_is_scored_as_of_its_extract_date():
    """A labelled telecom snapshot has no dated activity: the default cutoff is
    `data.as_of`; with neither, today, as training reads it (scoring asked for --cutoff
    where training had silently used today); other data without a date are asked."""
    snapshot = Tables(customers=pd.DataFrame({"customer_id": ["a", "b"]}))
    extract = replace(snapshot, as_of=pd.Timestamp("2024-06-30"))
    assert resolve_cutoff(extract, None, snapshot=True) == pd.Timestamp("2024-06-30")
    assert resolve_cutoff(extract, dt.date(2024, 5, 31)) == pd.Timestamp("2024-05-31")
    assert resolve_cutoff(snapshot, None, snapshot=True) == pd.Timestamp.today().normalize()
    with pytest.raises(ServingError, match="--cutoff"):
        resolve_cutoff(snapshot, None)


def test_a_snapshot_without_a_date_of_its_rows_is_scored_only_as_of_its_extract():
    """An HR file's attributes are its extract's: scored "as of 2010-01-01" it stored its
    2015 scores under that day. A signup date dates its rows: tenure as of an earlier day."""
    snapshot = Tables(
        customers=pd.DataFrame({"customer_id": ["a", "b"]}), as_of=pd.Timestamp("2015-12-31")
    )
    with pytest.raises(ServingError) as raised:
        resolve_cutoff(snapshot, dt.date(2010, 1, 1), snapshot=True)
    assert str(raised.value) == (
        "cutoff 2010-01-01: the snapshot holds no date of its rows, so its attributes are as "
        "of its extract (2015-12-31), the only day to score it as of; leave --cutoff out"
    )
    assert resolve_cutoff(snapshot, dt.date(2015, 12, 31), snapshot=True) == snapshot.as_of
    signed = pd.DataFrame({"customer_id": ["a"], "signup_date": [pd.Timestamp("2009-03-01")]})
    dated = replace(snapshot, customers=signed)
    assert resolve_cutoff(dated, dt.date(2010, 1, 1), snapshot=True) == pd.Timestamp("2010-01-01")


def test_a_cutoff_after_today_is_refused_for_data_without_a_date():
    """A snapshot without `data.as_of` or dated activity is read as of today: a batch
    as of 2030-01-01 was written, and as the latest cutoff the API served it over every
    later fresh extract's scores."""
    snapshot = Tables(customers=pd.DataFrame({"customer_id": ["a", "b"]}))
    today = pd.Timestamp.today().normalize()
    assert resolve_cutoff(snapshot, today.date(), snapshot=True) == today
    later = (today + pd.Timedelta(days=1)).date()
    with pytest.raises(ServingError) as raised:
        resolve_cutoff(snapshot, later, snapshot=True)
    assert str(raised.value) == (
        f"cutoff {later} is after today ({today.date()}): the data have no data.as_of and no "
        "dated activity, so they describe their customers as of today; use a cutoff on or "
        "before it (or set data.as_of to the extract date)"
    )
    with pytest.raises(ServingError, match="after today"):  # other dateless data alike
        resolve_cutoff(snapshot, dt.date(2030, 1, 1))
    extract = replace(snapshot, as_of=pd.Timestamp("2024-06-30"))  # no day but its extract's
    with pytest.raises(ServingError, match="the only day to score it as of; leave --cutoff out"):
        resolve_cutoff(extract, dt.date(2030, 1, 1), snapshot=True)
    on_the_day = pd.Timestamp("2030-01-01")
    assert after_today(snapshot, on_the_day, today=on_the_day) is None
    assert after_today(snapshot, on_the_day, today=pd.Timestamp("2029-12-31")) is not None
    assert after_today(extract, pd.Timestamp("2030-01-01")) is None


def test_the_default_cutoff_is_the_extract_date_not_the_last_contact():
    """A snapshot's interactions end a day before its extract: training and the API score
    as of the extract date, so the batch does too ("40 days ago" in all three)."""
    contacts = pd.DataFrame(
        {
            "customer_id": ["a"],
            "timestamp": pd.to_datetime(["2024-06-29 15:00"]),
            "type": ["complaint"],
        }
    )
    snapshot = Tables(customers=pd.DataFrame({"customer_id": ["a"]}), interactions=contacts)
    assert resolve_cutoff(snapshot, None) == pd.Timestamp("2024-06-29")
    extract = replace(snapshot, as_of=pd.Timestamp("2024-06-30"))
    assert resolve_cutoff(extract, None) == pd.Timestamp("2024-06-30")


def test_a_cutoff_after_the_last_day_of_data_or_before_its_first_is_refused(scored):
    """Days after the data end are not silence: scores there would be made up."""
    tables = load_tables(load_config(scored.config))
    end = tables.observed_until
    assert resolve_cutoff(tables, end.date()) == end
    with pytest.raises(ServingError, match=f"after the last day of data \\({end.date()}\\)"):
        resolve_cutoff(tables, (end + pd.Timedelta(days=1)).date())
    early = (tables.history_from - pd.Timedelta(days=1)).date()
    with pytest.raises(ServingError, match=f"cutoff {early} is before the first day of data"):
        resolve_cutoff(tables, early)  # nobody has history then: no scores, not 0 of them
    extract = replace(Tables(customers=pd.DataFrame({"customer_id": ["a"]})), as_of=end)
    later = (end + pd.Timedelta(days=30)).date()
    with pytest.raises(ServingError) as raised:  # no activity: no silence to speak of
        resolve_cutoff(extract, later)
    assert str(raised.value) == (
        f"cutoff {later} is after the extract date (data.as_of: {end.date()}): the snapshot "
        "describes its customers as of then; use a cutoff on or before it"
    )


def test_a_cutoff_at_which_nobody_is_active_is_refused_saying_why():
    """A cutoff inside a gap in the data stored an empty batch as complete, and the next
    batch read "since 2014-04-01: 0 ..., 8,156 new"."""
    from types import SimpleNamespace

    from serving.batch import refuse_nobody

    left_out = pd.Series(["inactive", "inactive", "no_history"], index=["a", "b", "c"])
    said = {"inactive": "inactive (no purchase in the active window)", "no_history": "new"}
    job = SimpleNamespace(left_out=left_out, left_out_said=said, cutoff=pd.Timestamp("2014-04-01"))
    with pytest.raises(ServingError) as raised:
        refuse_nobody(job)
    assert str(raised.value).startswith(
        "no customer to score as of 2014-04-01 (2 inactive (no purchase in the active window); "
        "1 new); nothing written"
    )


def test_the_champion_knows_the_highest_risky_values_it_trained_on(scored):
    """So a batch can say when customers lie past them (`beyond_training`)."""
    config = load_config(scored.config)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{scored.root}/mlflow.db")
        champion = load_champion(config.model_name, f"sqlite:///{scored.root}/mlflow.db")
    highest = champion.model.info["training_highest"]
    assert highest["days_since_last_purchase"] > 30 and "overdue_ratio" in highest
    assert "spend_365d" not in highest  # higher spend is the safe side


def test_score_ends_with_the_models_caveats_and_its_batch_keeps_the_worklists(
    scored, monkeypatch, tmp_path
):
    """A version forced past the gate says so once, last, and its batch keeps the line
    `churn worklist` heads the list with; a model promoted through the gate says only
    what training noted (here its training cutoffs, short of the year its windows read).
    (Its batch goes to a store of its own: the module's keeps its latest batch for the
    other tests.)"""
    uri = f"sqlite:///{scored.root}/mlflow.db"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    (tmp_path / "data").mkdir()
    monkeypatch.setenv("CHURN_DATABASE_URL", f"sqlite:///{tmp_path}/data/scores.db")
    monkeypatch.chdir(scored.root)
    name, client = load_config(scored.config).model_name, MlflowClient(uri)
    refused = "calibration error 0.0840 is above the limit 0.05"
    client.set_model_version_tag(name, "1", "forced", "true")
    client.set_model_version_tag(name, "1", "gate_refusal", refused)
    try:
        result = runner.invoke(app, ["score", "--config", str(scored.config)])
    finally:
        client.set_model_version_tag(name, "1", "forced", "false")
        client.set_model_version_tag(name, "1", "gate_refusal", "")
    assert result.exit_code == 0, result.output
    forced = f"promoted with --force although the promotion gate refused it ({refused})"
    said = " ".join(result.output.split())
    assert said.endswith(f"model caveat: {forced}") and said.count("promoted with --force") == 1
    assert store.latest_batch(_engine(tmp_path))["ranking_caveats"] == [forced]
    noted = [line for line in scored.output.splitlines() if "model caveat" in line]
    # (the test's model, capped at 100 rounds, is told so too)
    assert any(line.startswith("model caveat: the earliest training cutoff") for line in noted)
    assert "promoted with --force" not in " ".join(noted)


def test_the_default_store_is_the_projects_from_any_subfolder(tmp_path, monkeypatch):
    """`cd qa_data && churn score` found the project's champion but wrote a store of its
    own in qa_data/data, which the server started from the root never read."""
    (tmp_path / "mlflow").mkdir()
    (tmp_path / "mlflow" / "README.md").write_text("local stores")
    (tmp_path / "qa_data").mkdir()
    monkeypatch.chdir(tmp_path / "qa_data")
    monkeypatch.delenv("CHURN_DATABASE_URL", raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    settings = Settings()
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'data' / 'scores.db'}"
    assert settings.tracking_uri == f"sqlite:///{tmp_path.resolve() / 'mlflow' / 'mlflow.db'}"


def test_reason_settings_changed_since_training_are_said_to_need_a_new_model():
    """BankChurners' attribute_words, added after training, changed no reason and
    nothing said why."""
    from features.contract import RunConfig

    def config(**customers) -> RunConfig:
        label = {"column": "Attrition_Flag", "positive": "Attrited Customer"}
        customers = {"path": "c.csv", "attributes": ["Total_Trans_Ct"], "label": label, **customers}
        churn = {"definition": "label_column"}
        return RunConfig.model_validate(
            {"name": "bank", "data": {"customers": customers}, "churn": churn}
        )

    trained = config()
    assert reason_words_note(trained, config()) is None
    worded = config(attribute_words={"Total_Trans_Ct": "transactions in 12 months"})
    assert reason_words_note(trained, worded) == (
        "this config's data.customers.attribute_words differ from those the model was "
        "trained with: its reasons follow its own until a model trained with these is "
        "promoted (churn train, then churn promote)"
    )
