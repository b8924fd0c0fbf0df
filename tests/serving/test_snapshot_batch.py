"""Batch scoring of a labelled snapshot's model (attributes only, no dated activity) on
the extracts that come after it: columns gone, labels blank, no extract date."""

import dataclasses
import datetime as dt
import pickle
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.metrics import roc_auc_score
from typer.testing import CliRunner

import serving.batch
from churn.cli import app
from churn.cross_fit import CrossFit
from churn.model import ChurnModel, shifted_to
from features.contract import load_config
from features.registry import plain_number
from features.sources import DataError, load_tables
from serving import store
from serving.batch import (
    TODAY_NOTE,
    Champion,
    ServingError,
    filled_at_median,
    filled_note,
    label_rate_note,
    prepare,
    score,
)
from serving.ranking import band_thresholds
from serving.scorer import Loaded, smoke_test
from serving.settings import Settings
from tests.training.datasets import telecom_snapshot
from training.package import package_model
from training.protocol import run_protocol
from training.report import build_report, caveats, cross_fit_said

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Iterator[tuple[Champion, Path]]:
    """The snapshot's champion (packaged in process, version 1) and its config."""
    path = telecom_snapshot(tmp_path_factory.mktemp("telecom"), customers=600)
    config = load_config(path)
    tables = load_tables(config)
    outcome = run_protocol(tables, config)
    model = package_model(outcome, config, build_report(outcome, tables, config), tables)
    yield Champion(model=model, name="telecom", version="1"), path


def _extract(source: Path, name: str, frame: pd.DataFrame, **customers) -> Path:
    """A config like `source`'s reading `frame` as the customers file `name`."""
    raw = yaml.safe_load(source.read_text())
    frame.to_csv(source.with_name(name), index=False)
    raw["data"]["customers"] = {**raw["data"]["customers"], "path": name, **customers}
    config = source.with_name(f"{Path(name).stem}.yaml")
    config.write_text(yaml.safe_dump(raw, sort_keys=False))
    return config


def _prepare(
    config: Path,
    champion: Champion,
    tmp_path: Path,
    cutoff: dt.date | None = None,
    *,
    replace: bool = False,
):
    settings = Settings(
        CHURN_DATABASE_URL=f"sqlite:///{tmp_path}/scores.db",
        MLFLOW_TRACKING_URI=f"sqlite:///{tmp_path}/mlflow.db",
    )
    run = load_config(config)
    return prepare(run, cutoff=cutoff, settings=settings, champion=champion, replace=replace)


def test_an_extract_without_a_column_the_model_reads_is_one_clear_error(trained, tmp_path):
    """CustomerCareCalls removed from a telecom extract read by `attributes: all` was a
    KeyError traceback in the booster's input; nothing is written."""
    champion, source = trained
    customers = pd.read_csv(source.with_name("customers.csv")).drop(columns="Contract")
    config = _extract(source, "no-contract.csv", customers, attributes="all")
    with pytest.raises(ServingError) as raised:
        _prepare(config, champion, tmp_path)
    assert str(raised.value) == (
        f"{source.with_name('no-contract.csv')}: no column Contract: model telecom version 1 "
        "was trained on it and cannot score without it (train and promote a model without it "
        "to score such extracts)"
    )
    assert not (tmp_path / "scores.db").exists()
    for part, rows in (("part_1.csv", customers.iloc[:300]), ("part_2.csv", customers.iloc[300:])):
        rows.to_csv(source.with_name(part), index=False)
    split = _extract(source, "no-contract.csv", customers, attributes="all", path="part_*.csv")
    with pytest.raises(ServingError, match=r"part_1\.csv, part_2\.csv: no column Contract"):
        _prepare(split, champion, tmp_path)  # an extract in two files names them both
    listed = _extract(source, "no-contract.csv", customers)  # the loader's own error
    with pytest.raises(DataError, match="column 'Contract': column not found"):
        _prepare(listed, champion, tmp_path)


def test_an_attribute_this_config_leaves_out_is_named_with_the_setting(trained, tmp_path):
    champion, source = trained
    customers = pd.read_csv(source.with_name("customers.csv"))
    config = _extract(source, "all.csv", customers, attributes=["tenure", "Contract"])
    with pytest.raises(ServingError, match=r"all\.csv: MonthlyCharges not read \(not in "):
        _prepare(config, champion, tmp_path)
    config = _extract(
        source, "all.csv", customers, attributes="all", not_attributes=["tenure", "Con*"]
    )  # a pattern leaves out alike
    with pytest.raises(ServingError) as raised:
        _prepare(config, champion, tmp_path)
    said = str(raised.value)
    assert "tenure left out (data.customers.not_attributes), Contract left out" in said
    assert "version 1 was trained on them and cannot score without them" in said


def test_a_snapshot_without_a_date_is_trained_and_scored_as_of_today_and_both_say_so(
    trained, tmp_path
):
    """Training read a snapshot without `data.as_of` as of today, silently, while scoring
    refused it ("pass --cutoff"): both read it as of today now, and say why."""
    champion, source = trained
    assert _prepare(source, champion, tmp_path).cutoff_note is None  # as_of 2024-06-30
    raw = yaml.safe_load(source.read_text())
    del raw["data"]["as_of"]
    dateless = source.with_name("dateless.yaml")
    dateless.write_text(yaml.safe_dump(raw, sort_keys=False))
    today = pd.Timestamp.today().normalize()
    job = _prepare(dateless, champion, tmp_path)
    assert job.cutoff == today and job.cutoff_note == TODAY_NOTE
    config = load_config(dateless)
    tables = load_tables(config)
    report = build_report(run_protocol(tables, config), tables, config)
    assert report["test_cutoffs"] == [str(today.date())]
    assert (
        f"the snapshot has no data.as_of and no dated activity: it was read as of today "
        f"({today.date()}), as `churn score` reads it; set data.as_of to the extract date"
    ) in " ".join(caveats(report))


def test_a_snapshot_without_a_date_is_not_scored_as_of_a_later_day(trained, tmp_path):
    """`churn score --cutoff 2030-01-01` on a snapshot read as of today wrote a batch the
    API then served over later fresh extracts' scores: refused, as for dated data."""
    champion, source = trained
    raw = yaml.safe_load(source.read_text())
    del raw["data"]["as_of"]
    dateless = source.with_name("dateless_later.yaml")
    dateless.write_text(yaml.safe_dump(raw, sort_keys=False))
    with pytest.raises(ServingError, match="cutoff 2030-01-01 is after today"):
        _prepare(dateless, champion, tmp_path, cutoff=dt.date(2030, 1, 1))
    today = pd.Timestamp.today().normalize()
    assert _prepare(dateless, champion, tmp_path, cutoff=today.date()).cutoff == today


def test_customers_whose_label_is_unlabelled_are_scored_and_never_trained_on(trained, tmp_path):
    """Maven's 'Joined' customers (new this quarter) are current customers to call, whose
    outcome nobody knows yet: `label.unlabelled` scores them beside the stayers, and
    training's rows leave them out."""
    champion, source = trained
    customers = pd.read_csv(source.with_name("customers.csv"))
    joined = customers.index[customers["Churn"] == "No"][:40]
    customers.loc[joined, "Churn"] = "Joined"
    label = {"column": "Churn", "positive": "Yes", "unlabelled": ["Joined"]}
    config = _extract(source, "joined.csv", customers, label=label)
    job = _prepare(config, champion, tmp_path)
    scored = set(job.features["customer_id"])
    ids = customers["customerID"]
    assert set(ids[joined]) <= scored and not set(ids[customers["Churn"] == "Yes"]) & scored
    said = job.run().unlabelled  # how they scored beside the stayers: none trained on
    probability = champion.model.scores(job.features, job.folds)[0]  # fitted rows out of fold
    new = job.features["customer_id"].isin(ids[joined]).to_numpy()
    assert said is not None and said.customers == len(joined)
    assert said.mean_probability == pytest.approx(probability[new].mean())
    assert said.labelled_mean_probability == pytest.approx(probability[~new].mean())
    assert said.note().startswith(
        f"{len(joined)} customers of an unlabelled value (label.unlabelled) were scored, none "
        f"of whom the model trained on: mean probability {probability[new].mean():.2f}, "
        f"against {probability[~new].mean():.2f} for the stayers beside them and a churn "
        f"rate of {champion.model.info['training_churn_rate']:.1%} the model learned"
    )  # a random share left unlabelled scores near the rate, above the stayers
    run = load_config(config)
    trained_on = set(run_protocol(load_tables(run), run).data.frame["customer_id"])
    assert len(trained_on) == len(customers) - len(joined)
    assert not set(ids[joined]) & trained_on


def test_a_label_column_other_than_trained_and_not_in_the_file_is_refused(trained, tmp_path):
    """`label.column: renewed` for the file's `renewal` read the training file as a fresh
    extract: everyone scored, the customers already gone among them, with no error. The
    column as trained, missing too, is a fresh extract."""
    champion, source = trained
    customers = pd.read_csv(source.with_name("customers.csv"))
    misspelt = _extract(
        source,
        "again.csv",
        customers,
        label={"column": "Exited", "positive": "Yes"},  # no close typo
    )
    with pytest.raises(ServingError, match="the model was trained on 'Churn': if the file holds"):
        _prepare(misspelt, champion, tmp_path)
    fresh = _extract(source, "fresh.csv", customers.drop(columns="Churn"))
    assert len(_prepare(fresh, champion, tmp_path).features) == len(customers)


def test_scoring_the_training_file_says_how_many_customers_were_fitted_on(trained, tmp_path):
    """A hotel's training file scored again listed 287 bookings high risk, 60% of its
    scored rows training rows, with no word: the note counts them; a later extract of the
    same rows, labels blank, counts every row fitted on; other customers get no note."""
    champion, source = trained
    config = load_config(source)
    fitted = set(run_protocol(load_tables(config), config).train["customer_id"])
    job = _prepare(source, champion, tmp_path)
    again = len(fitted & set(job.features["customer_id"]))
    assert 0 < again < job.rows
    assert job.trained_note == (
        f"{again:,} of the {job.rows:,} scored customers are among the {len(fitted):,} "
        "customers the model was trained on: each was scored by whichever of its 5 fold "
        "models was fitted without them (cross-fitting), so their probabilities are "
        "predictions, as the others' are"
    )
    unfolded = dataclasses.replace(champion, model=_without_folds(champion.model))
    assert _prepare(source, unfolded, tmp_path).trained_note.endswith(
        f"the {len(fitted):,} customers the model was trained on: their probabilities are "
        "fitted, not predicted, as the model learned from these very customers' labels; "
        "score a file of customers it has not seen (a later extract, a holdout) for "
        "predictions"
    )
    customers = pd.read_csv(source.with_name("customers.csv"))
    unlabelled = _extract(source, "unlabelled.csv", customers.assign(Churn=None))
    assert _prepare(unlabelled, champion, tmp_path).trained_note.startswith(
        f"{len(fitted):,} of the {len(customers):,} scored customers are among"
    )
    # next month's extract: the same customers a month older are still those trained on
    older = _prepare(
        _extract(source, "older.csv", customers.assign(tenure=customers["tenure"] + 1)),
        champion,
        tmp_path,
    )
    known = older.features["customer_id"].isin(fitted).to_numpy()
    assert older.trained_note.startswith(f"{known.sum():,} of the {older.rows:,} scored")
    assert np.array_equal(older.folds >= 0, known)
    others = customers.assign(customerID=customers["customerID"].str.replace("C", "N"))
    assert _prepare(_extract(source, "others.csv", others), champion, tmp_path).trained_note is None


def test_churn_score_says_the_fitted_customers_in_one_note(trained, tmp_path, monkeypatch):
    champion, source = trained
    monkeypatch.setattr(serving.batch, "load_champion", lambda name, uri: champion)
    monkeypatch.setenv("CHURN_DATABASE_URL", f"sqlite:///{tmp_path}/scores.db")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/mlflow.db")
    result = CliRunner(env={"COLUMNS": "400"}).invoke(app, ["score", "--config", str(source)])
    assert result.exit_code == 0, result.output
    (note,) = [line for line in result.output.splitlines() if "the model was trained on" in line]
    assert note.startswith("note: ") and "their probabilities are predictions" in note


def _without_folds(model: ChurnModel) -> ChurnModel:
    """`model` as packaged before fold models: its fitted rows kept, no folds."""
    kept = {k: v for k, v in model.info["trained_rows"].items() if k != "folds"}
    return dataclasses.replace(model, cross_fit=None, info={**model.info, "trained_rows": kept})


def test_the_training_files_fitted_rows_are_scored_by_the_fold_model_that_never_saw_them(
    trained, tmp_path
):
    """Scored again, the rows a booster was fitted on read safer than unseen customers
    (it remembers their labels: ROC AUC 0.92 on them against 0.72 on the test rows), so a
    worklist of the training file ranked the two apart by that alone. Each fitted row is
    scored and explained by the fold booster fitted without it; other rows by the model."""
    champion, source = trained
    model = champion.model
    config = load_config(source)
    tables = load_tables(config)
    outcome = run_protocol(tables, config)
    job = _prepare(source, champion, tmp_path)
    fitted = job.features["customer_id"].isin(outcome.train["customer_id"]).to_numpy()
    assert job.folds is not None and np.array_equal(job.folds >= 0, fitted)
    assert set(job.folds[fitted]) == set(range(5))
    probability, contributions = model.scores(job.features, job.folds)
    # each fitted customer is scored by the very fold that left them out in training
    ids = job.features["customer_id"][fitted]
    trained_fold = pd.Series(outcome.cross.folds, index=outcome.train["customer_id"])
    out_of_fold = pd.Series(outcome.cross.probability, index=outcome.train["customer_id"])
    assert np.array_equal(job.folds[fitted], trained_fold[ids].to_numpy())
    assert probability[fitted] == pytest.approx(out_of_fold[ids].to_numpy(), abs=1e-6)
    plain = model.scores(job.features)
    assert np.array_equal(probability[~fitted], plain[0][~fitted])
    assert np.array_equal(contributions[~fitted], plain[1][~fitted])
    for fold, booster in enumerate(model.cross_fit.boosters):
        rows = job.folds == fold
        margin = booster.predict(model.dmatrix(job.features[rows]), output_margin=True)
        assert contributions[rows].sum(axis=1) == pytest.approx(margin, abs=1e-4)
        assert probability[rows] == pytest.approx(model.cross_fit.calibrator(margin), abs=1e-5)
    chunked = score(model, job.features, 97, folds=job.folds)  # folds cut with the chunks
    assert np.array_equal(chunked[0], probability)
    report = build_report(outcome, tables, config)
    y = outcome.train["churned"].to_numpy(dtype=int)
    in_sample = roc_auc_score(y, model.predict_proba(outcome.train))
    out_of_fold = report["cross_fit"]["roc_auc"]
    assert (report["cross_fit"]["folds"], report["cross_fit"]["rows"]) == (5, len(y))
    assert abs(out_of_fold - report["model"]["roc_auc"]) < 0.05 < in_sample - out_of_fold
    assert cross_fit_said(report["cross_fit"]) == (
        f"5 fold models score the {len(y)} training rows when the file is scored again "
        f"(out of fold: ROC AUC {out_of_fold:.4f} on them)"
    )
    again = pickle.loads(pickle.dumps(model))  # logged without the compiled fold trees
    assert np.array_equal(again.scores(job.features, job.folds)[0], probability)
    served = model.predict(None, job.features)["churn_probability"]  # mlflow's pyfunc
    assert np.array_equal(served.to_numpy(), probability)


def test_a_holdout_scored_over_the_full_files_batch_is_refused_unless_replace(
    trained, tmp_path, monkeypatch
):
    """A 500-row bank extract scored at the full file's cutoff replaced its 7,962-customer
    batch (same model version and cutoff); a rerun of the same file still replaces."""
    champion, source = trained
    monkeypatch.setattr(serving.batch, "load_champion", lambda name, uri: champion)
    monkeypatch.setenv("CHURN_DATABASE_URL", f"sqlite:///{tmp_path}/scores.db")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/mlflow.db")
    runner = CliRunner(env={"COLUMNS": "400"})
    customers = pd.read_csv(source.with_name("customers.csv"))
    holdout = _extract(source, "holdout.csv", customers.head(100))
    engine = store.connect(f"sqlite:///{tmp_path}/scores.db")
    full = runner.invoke(app, ["score", "--config", str(source)])
    assert full.exit_code == 0, full.output
    first = store.latest_batch(engine)
    refused = runner.invoke(app, ["score", "--config", str(holdout)])
    assert refused.exit_code == 2
    said = " ".join(refused.output.split())
    scored = len(_prepare(holdout, champion, tmp_path, replace=True).features)
    assert said.startswith(
        f"error: scoring these {scored:,} customers would replace batch {first['id']} "
        f"({first['rows']:,} customers, same model version and cutoff {first['cutoff']}), "
        f"and the worklist and the API would no longer show {first['rows'] - scored:,} of "
        "them; nothing written. Pass --replace to replace it anyway, or score this extract "
        "into its own store (CHURN_DATABASE_URL=sqlite:///holdout.db churn score ...)"
    )
    assert "Traceback" not in refused.output
    assert [batch["id"] for batch in store.list_batches(engine)] == [first["id"]]
    rerun = runner.invoke(app, ["score", "--config", str(source)])  # the same data: silent
    assert rerun.exit_code == 0 and f"replaced batch {first['id']}" in rerun.output
    assert "no longer show" not in rerun.output
    forced = runner.invoke(app, ["score", "--config", str(holdout), "--replace"])
    assert forced.exit_code == 0, forced.output
    assert "so the worklist and the API no longer show the others" in forced.output
    assert store.latest_batch(engine)["rows"] == scored


def _unfilled(model: ChurnModel, features: pd.DataFrame) -> np.ndarray:
    """The booster's own probabilities, blanks left to its default branches."""
    margin = model.booster.predict(model.layout.dmatrix(features), output_margin=True)
    return model.calibrator(margin)


def test_a_blank_where_training_had_none_scores_at_the_median_without_a_reason(trained, tmp_path):
    """QA blanked 'Total day minutes' in 60 rows of a telecom extract: their mean
    probability went 0.142 -> 0.527, one 0.084 -> 0.939 on "not recorded", no note. The
    trees never saw the column blank: its training median stands in, no reason names the
    cell, and the batch counts the customers for its note."""
    champion, source = trained
    model = champion.model
    assert model.info["complete_attributes"] == ["tenure", "MonthlyCharges"]
    median = model.info["reason_pivots"]["MonthlyCharges"]
    customers = pd.read_csv(source.with_name("customers.csv")).drop(columns="Churn")
    blanked = customers.index[:30]
    customers.loc[blanked, "MonthlyCharges"] = np.nan
    features = _prepare(_extract(source, "blanks.csv", customers), champion, tmp_path).features
    blank = features["MonthlyCharges"].isna().to_numpy()
    assert blank.sum() == 30
    probability, _, reasons = score(model, features, chunk_rows=100)
    at_median = features.fillna({"MonthlyCharges": median})
    assert probability == pytest.approx(_unfilled(model, at_median), abs=1e-6)
    assert not np.allclose(probability[blank], _unfilled(model, features)[blank])
    named = [r.feature for i in np.flatnonzero(blank) for r in reasons[i]]
    assert named and "MonthlyCharges" not in named
    (filled,) = filled_at_median(model.median_fills, features)
    assert (filled.feature, filled.customers, filled.median) == ("MonthlyCharges", 30, median)
    assert filled_note(filled, "30 customers") == (
        "30 customers have no 'MonthlyCharges', which every training row had: scored at its "
        f"training median {plain_number(median)}"
    )
    # a model packaged before it was recorded scores the blanks as it did, without a note
    info = {k: v for k, v in model.info.items() if k != "complete_attributes"}
    older = dataclasses.replace(model, info=info)
    unfilled = _unfilled(model, features)
    assert score(older, features, chunk_rows=100)[0] == pytest.approx(unfilled, abs=1e-6)
    assert filled_at_median(older.median_fills, features) == []


def test_a_population_rate_shifts_the_probabilities_and_a_labelled_file_apart_is_said(
    trained, tmp_path
):
    """A balanced case file of a 2% churn population scored its holdout at 0.41 on
    average where 0.02 churned, without a word: a labelled file churning far from the
    model's rate is said, and `label.population_rate` shifts the probabilities to it."""
    champion, source = trained
    model = champion.model
    customers = pd.read_csv(source.with_name("customers.csv"))
    rare = customers.assign(Churn=np.where(np.arange(len(customers)) % 50 == 0, "Yes", "No"))
    config = _extract(source, "rare.csv", rare)
    job = _prepare(config, champion, tmp_path)
    rate = model.info["training_churn_rate"]
    assert job.rate_note == (
        f"this file's labels churn at 2.0%, the model's probabilities read at {rate:.1%} (its "
        "training file's rate): probabilities, bands and value at risk run high by about as "
        "much; where the training file was a sample drawn otherwise, set "
        "label.population_rate: 0.02 and retrain"
    )
    assert _prepare(source, champion, tmp_path).rate_note is None  # its own file
    shift = {"sample_rate": rate, "population_rate": 0.02}
    shifted = dataclasses.replace(model, info={**model.info, "population_shift": shift})
    before, after = model.predict_proba(job.features), shifted.predict_proba(job.features)
    assert after.mean() < before.mean() / 5
    assert (np.argsort(after) == np.argsort(before)).mean() > 0.99  # the order stays
    assert shifted_to(np.array([rate]), rate, 0.02) == pytest.approx([0.02])
    assert (
        label_rate_note(
            {**model.info, "population_shift": shift},
            load_tables(load_config(config), label_optional=True),
            load_config(config),
        )
        is None
    )  # shifted to the file's own rate: nothing to say


def test_the_smoke_test_scores_by_every_fold_model_and_refuses_a_broken_one(trained):
    """A served model is smoke-tested before it serves; its fold boosters score live
    requests too, so each is tried (and compiled then, not on a customer's request)."""
    champion, _ = trained
    model = champion.model
    smoke_test(Loaded(model=model, name="telecom", version="1"))
    assert set(model.cross_fit._compiled) == set(range(model.cross_fit.folds))
    nonsense = CrossFit(model.cross_fit.boosters, lambda margin: np.full(len(margin), np.nan))
    broken = dataclasses.replace(model, cross_fit=nonsense)
    with pytest.raises(ValueError, match="fold model 0 gave no probabilities"):
        smoke_test(Loaded(model=broken, name="telecom", version="2"))


def test_bands_follow_the_churn_rate_the_model_predicts(trained):
    """The mean probability over the test rows (`training.package._predicted_rate`); a
    snapshot's split draws both sets from the same customers, so it is near their rate."""
    champion, source = trained
    info = champion.model.info
    medium, high = band_thresholds(load_config(source).bands, info["band_rate"])
    assert info["bands"] == {"medium_from": medium, "high_from": high}
    assert info["band_rate"] == pytest.approx(info["training_churn_rate"], abs=0.05)
