"""Date attributes of a labelled snapshot (a contract's end, an activation): read as the
days from the cutoff to them, in the batch and live alike; elsewhere left out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from features.attributes import attribute_spec
from features.build import build_features
from features.contract import load_config
from features.sources import load_tables, validate
from features.sources.dates import attribute_dates
from features.tables import Tables
from serving import live, live_checks, live_tables
from serving.batch import resolve_cutoff
from serving.example import score_example
from serving.schemas import ScoreIn
from serving.scorer import Loaded
from training.package import package_model
from training.protocol import run_protocol
from training.report import build_report

AS_OF = "2016-01-01"


def _snapshot(folder: Path, customers: int = 400, **extra: list) -> Path:
    """An energy retailer's clients as PowerCo writes them: a contract end ahead (sooner
    ends churn more), an activation month-first, and a birthday."""
    rng = np.random.default_rng(7)
    end_days = rng.integers(1, 365, customers)
    churned = rng.random(customers) < np.where(end_days < 60, 0.6, 0.1)
    as_of = pd.Timestamp(AS_OF)
    frame = pd.DataFrame(
        {
            "id": [f"c{i}" for i in range(customers)],
            "date_end": (as_of + pd.to_timedelta(end_days, "D")).strftime("%Y-%m-%d"),
            "date_activ": (as_of - pd.to_timedelta(rng.integers(30, 3000, customers), "D"))
            .strftime("%m/%d/%Y")
            .astype(object),
            "dob": (as_of - pd.to_timedelta(rng.integers(7000, 25000, customers), "D")).strftime(
                "%Y-%m-%d"
            ),
            "channel": rng.choice(["web", "phone"], customers),
            "churn": churned.astype(int),
            **extra,
        }
    )
    frame.loc[3, "date_activ"] = None
    frame.to_csv(folder / "clients.csv", index=False)
    config = {
        "name": "energy",
        "data": {
            "as_of": AS_OF,
            "customers": {
                "path": "clients.csv",
                "columns": {"customer_id": "id"},
                "attributes": "all",
                "attribute_words": {"date_end": "contract end"},
                "label": {"column": "churn", "positive": 1},
            },
        },
        "churn": {"definition": "label_column"},
    }
    (folder / "churn.yaml").write_text(yaml.safe_dump(config))
    return folder / "churn.yaml"


def test_a_snapshots_dates_are_read_as_days_from_its_cutoff(tmp_path):
    """PowerCo's contract ends and activations had been left out as "a category of 400
    levels": the days to a contract's end are when a client decides. A birth date is
    still left out (an age column would be the feature)."""
    tables, report = validate(load_config(_snapshot(tmp_path)))
    assert tables is not None and report.errors == []
    assert tables.attributes["date_end"] == tables.attributes["date_activ"] == "date"
    assert "dob" not in tables.attributes
    guessed, birth = report.warnings  # a format guessed is said, as for activity dates
    assert (guessed.column, birth.column) == ("date_activ", "dob")
    assert "dates not in ISO 8601 (read as %m/%d/%Y" in guessed.message
    frame = build_features(tables, cutoffs=AS_OF).set_index("customer_id")
    raw = pd.read_csv(tmp_path / "clients.csv").set_index("id")
    expected = (pd.to_datetime(raw["date_end"]) - pd.Timestamp(AS_OF)).dt.days
    assert frame["date_end"].tolist() == expected.loc[frame.index].astype(float).tolist()
    activ = pd.to_datetime(raw["date_activ"], format="%m/%d/%Y") - pd.Timestamp(AS_OF)
    assert frame.loc["c0", "date_activ"] == activ.dt.days.loc["c0"] < 0
    assert np.isnan(frame.loc["c3", "date_activ"])


def test_a_date_attributes_reason_says_when_in_days():
    spec = attribute_spec("date_end", "date")
    said = [spec.render({"date_end": days}) for days in (45.0, 1.0, 0.0, -1.0, -1200.0)]
    assert said == [
        "date end in 45 days",
        "date end in 1 day",
        "date end today",
        "date end 1 day ago",
        "date end 1200 days ago",
    ]
    assert spec.render({"date_end": np.nan}) == "date end: not recorded"
    worded = attribute_spec("date_end", "date", words="contract end")
    assert worded.render({"date_end": 45.0}) == "contract end: in 45 days"


def test_a_date_attribute_beside_dated_activity_is_refused(tmp_path):
    """A static date read at earlier cutoffs tells what came after them (a renewal moved
    the contract's end): declared so outside a labelled snapshot, the config says why."""
    config = yaml.safe_load(_snapshot(tmp_path).read_text())
    config["data"]["customers"] = {
        "path": "clients.csv",
        "columns": {"customer_id": "id"},
        "attributes": {"date_end": "date"},
    }
    config["churn"] = {"definition": "inactivity"}
    (tmp_path / "churn.yaml").write_text(yaml.safe_dump(config))
    with pytest.raises(ValueError, match="date attribute\\(s\\) date_end: a date is read as an"):
        load_config(tmp_path / "churn.yaml")


def test_a_date_attribute_holding_other_values_is_an_error_and_a_word_unknown(tmp_path):
    """A date no calendar has is an error; a driver log's one 'unknown' among its join
    dates had made the whole column "too scattered for a category" and left it out."""
    path = _snapshot(tmp_path, customers=40)
    frame = pd.read_csv(tmp_path / "clients.csv")
    frame.loc[[2, 5], "date_end"] = "2016-02-30"
    frame.loc[7, "date_end"] = "unknown"
    frame.to_csv(tmp_path / "clients.csv", index=False)
    config = yaml.safe_load(path.read_text())
    config["data"]["customers"]["attribute_kinds"] = {"date_end": "date"}
    path.write_text(yaml.safe_dump(config))
    tables, report = validate(load_config(path))
    (error,) = report.errors
    assert (error.column, error.rows) == ("date_end", 2)
    assert "not a date in %Y-%m-%d" in error.message and "'2016-02-30'" in error.message
    frame.loc[[2, 5], "date_end"] = "2016-02-28"
    frame.to_csv(tmp_path / "clients.csv", index=False)
    del config["data"]["customers"]["attribute_kinds"]
    path.write_text(yaml.safe_dump(config))
    tables, report = validate(load_config(path))
    assert report.errors == [] and tables.attributes["date_end"] == "date"
    (word,) = [w for w in report.warnings if w.column == "date_end"]
    assert word.rows == 1 and "texts among dates read as unknown" in word.message


def test_a_date_format_set_reads_a_snapshots_dates(tmp_path):
    """`date_format` was ignored for date attributes: '24-12-2018' under '%m-%d-%Y' passed
    as data OK, and '11-01-2020' under '%d-%m-%Y' read as Nov 1."""
    path = _snapshot(tmp_path, customers=40)
    frame = pd.read_csv(tmp_path / "clients.csv").drop(columns="date_activ")  # month first
    frame["joined"] = ["11-01-2015"] * 39 + ["24-12-2014"]
    frame.to_csv(tmp_path / "clients.csv", index=False)
    config = yaml.safe_load(path.read_text())
    config["data"]["customers"]["date_format"] = "%d-%m-%Y"
    path.write_text(yaml.safe_dump(config))
    tables, _ = validate(load_config(path))
    assert tables.customers["joined"].iloc[0] == pd.Timestamp("2015-01-11")
    config["data"]["customers"]["date_format"] = "%m-%d-%Y"
    path.write_text(yaml.safe_dump(config))
    _, report = validate(load_config(path))
    errors = [e for e in report.errors if e.column == "joined"]
    assert errors and "not a date in %m-%d-%Y" in errors[0].message


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> tuple[Loaded, pd.DataFrame]:
    config = load_config(_snapshot(tmp_path_factory.mktemp("energy")))
    tables = load_tables(config)
    outcome = run_protocol(tables, config)
    model = package_model(outcome, config, build_report(outcome, tables, config), tables)
    batch = model.features(tables, pd.Timestamp(AS_OF))
    return Loaded(model=model, name="energy", version="1"), batch


def test_dates_posted_live_score_as_in_the_batch(loaded):
    """A posted contract end is read as the batch reads the file's: the same days, the
    same probability (new ids: no fold of the training rows)."""
    loaded_model, batch = loaded
    assert loaded_model.model.attribute_kinds["date_end"] == "date"
    rows = batch.head(5)
    posted = [
        {
            "customer_id": f"new{i}",
            "attributes": {
                "date_end": str((pd.Timestamp(AS_OF) + pd.Timedelta(days=row.date_end)).date()),
                "date_activ": str((pd.Timestamp(AS_OF) + pd.Timedelta(days=row.date_activ)).date()),
                "channel": row.channel,
            },
        }
        for i, row in enumerate(rows.itertuples())
    ]
    scored = live.score_history(ScoreIn.model_validate({"customers": posted}), loaded_model)
    expected = loaded_model.model.scores(
        rows.assign(customer_id=[p["customer_id"] for p in posted])
    )[0]
    assert [item["probability"] for item in scored["items"]] == pytest.approx(expected.tolist())
    texts = [r["text"] for item in scored["items"] for r in item["reasons"]]
    assert any(t.startswith("contract end: in ") for t in texts)


def test_a_date_attribute_posted_as_no_iso_date_is_refused(loaded):
    """'01/11/2016' is January or November: a request's few values cannot say which."""
    loaded_model, _ = loaded
    posted = {"customer_id": "x", "attributes": {"date_end": "01/11/2016", "channel": "web"}}
    with pytest.raises(live_checks.UnscorableError) as raised:
        live.score_history(ScoreIn.model_validate({"customers": [posted]}), loaded_model)
    assert str(raised.value) == (
        "date attribute(s) posted as no date (x: date_end='01/11/2016'): post dates as "
        "YYYY-MM-DD, or null"
    )


def test_the_docs_example_posts_a_date_attribute_as_a_date(loaded):
    loaded_model, _ = loaded
    example = score_example(loaded_model.model)
    (customer,) = example["customers"]
    assert pd.Timestamp(customer["attributes"]["date_end"]) > pd.Timestamp(AS_OF)
    scored = live.score_history(ScoreIn.model_validate(example), loaded_model)
    assert scored["items"][0]["probability"] > 0


def test_a_fresh_extract_reads_a_models_dates_as_its_training_did(tmp_path):
    """Without its label the extract says no snapshot: the model's kinds and formats
    do. Ambiguous days read as training read them (day first here), a 'TBC' is unknown
    with a warning, not a traceback, and YYYYMMDD numbers read as training's."""
    path = _snapshot(tmp_path, customers=40)
    fresh = pd.DataFrame(
        {
            "id": ["n1", "n2", "n3"],
            "date_end": ["TBC", "2016-03-01", "2016-03-02T23:00:00-05:00"],
            "date_activ": ["01/02/2015", "03/04/2015", None],
            "END_DATE": [20160105.0, None, 20160301.0],
            "channel": ["web", "web", "phone"],
        }
    )
    fresh.to_csv(tmp_path / "clients.csv", index=False)
    kinds = {"date_end": "date", "date_activ": "date", "END_DATE": "date", "channel": "categorical"}
    formats = {"date_end": "%Y-%m-%d", "date_activ": "%d/%m/%Y", "END_DATE": "%Y%m%d"}
    tables, report = validate(
        load_config(path), label_optional=True, model_attributes=kinds, model_date_formats=formats
    )
    assert tables is not None and report.errors == []
    (warning,) = [w for w in report.warnings if w.column == "date_end"]
    assert warning.rows == 1 and "texts among dates read as unknown" in warning.message
    days = tables.customers.set_index("customer_id")
    assert pd.isna(days.loc["n1", "date_end"])
    assert days.loc["n3", "date_end"] == pd.Timestamp("2016-03-02")  # the day written
    assert days.loc["n1", "date_activ"] == pd.Timestamp("2015-02-01")
    assert days.loc["n1", "END_DATE"] == pd.Timestamp("2016-01-05")


def test_a_declared_date_reads_in_any_format_the_values_tell(tmp_path):
    path = _snapshot(tmp_path, customers=40)
    frame = pd.read_csv(tmp_path / "clients.csv")
    frame["contract_end"] = "05-Jan-2016"
    frame.to_csv(tmp_path / "clients.csv", index=False)
    config = yaml.safe_load(path.read_text())
    config["data"]["customers"]["attribute_kinds"] = {"contract_end": "date"}
    path.write_text(yaml.safe_dump(config))
    tables, report = validate(load_config(path))
    assert report.errors == [] and tables.attributes["contract_end"] == "date"
    assert (tables.customers["contract_end"] == pd.Timestamp("2016-01-05")).all()
    assert tables.date_formats["contract_end"] == "%d-%b-%Y"


def test_a_date_posted_with_an_offset_keeps_its_day():
    days = live_tables.posted_dates(["2016-05-31T23:00:00-05:00", "2016-06-01", None, "x"])
    assert [str(d)[:10] for d in days] == ["2016-05-31", "2016-06-01", "NaT", "NaT"]


def test_a_date_attribute_model_scores_live_as_of_a_posted_cutoff(loaded):
    """Today's contract end read from the 2016 extract was "in 4,037 days", and a posted
    cutoff of today was refused as for a snapshot without a date."""
    loaded_model, _ = loaded
    today = pd.Timestamp("2026-12-06")
    ends = str((today + pd.Timedelta(days=45)).date())
    posted = {"customer_id": "x", "attributes": {"date_end": ends, "channel": "web"}}
    request = {"customers": [posted], "cutoff": str(today.date())}
    scored = live.score_history(ScoreIn.model_validate(request), loaded_model)
    texts = [r["text"] for r in scored["items"][0]["reasons"]]
    assert "contract end: in 45 days" in texts and scored["notes"] == [
        "date_activ not posted for customer(s) x: scored as unknown (post null to say unknown)"
    ]
    unposted = live.score_history(ScoreIn.model_validate({"customers": [posted]}), loaded_model)
    assert unposted["cutoff"] == pd.Timestamp(AS_OF).date()
    assert (
        "date_end read as days from 2016-01-01, the cutoff of the model's data (no cutoff "
        "posted): post a cutoff (today's date) to read them from another day"
    ) in unposted["notes"]


def test_a_spreadsheets_day_0_is_an_unknown_date(tmp_path):
    """An insurer's blank `InceptionDate` written 1899-12-30 read as 43,982 days before
    its cutoff."""
    path = _snapshot(tmp_path, customers=40)
    frame = pd.read_csv(tmp_path / "clients.csv")
    frame.loc[[1, 4], "date_end"] = "1899-12-30"
    frame.to_csv(tmp_path / "clients.csv", index=False)
    tables, report = validate(load_config(path))
    (warning,) = [w for w in report.warnings if w.column == "date_end"]
    assert warning.rows == 2 and "placeholder dates (1899-12-30" in warning.message
    assert tables.customers["date_end"].isna().sum() == 2


def test_a_models_format_reads_its_dates_and_unambiguous_days_besides():
    """A model's '%m/%d/%Y' read a fresh extract's ISO days as unknown; a 'TBC' first had
    a format guessed with its offset, reading each ISO day as the UTC one."""
    extract = pd.Series(["2015-03-31", "03/04/2015", "20150405", None])
    fmt, days = attribute_dates(extract, "%m/%d/%Y")
    assert fmt == "%m/%d/%Y"
    assert [str(d)[:10] for d in days] == ["2015-03-31", "2015-03-04", "2015-04-05", "NaT"]
    offsets = pd.Series(["TBC", "2016-05-31T23:00:00-05:00", "2016-04-30T22:30:00-05:00"])
    fmt, days = attribute_dates(offsets)
    assert fmt == "%Y-%m-%d" and [str(d)[:10] for d in days] == ["NaT", "2016-05-31", "2016-04-30"]
    assert str(live_tables.posted_dates(["1899-12-30"])[0]) == "NaT"  # as the batch reads it


def test_a_snapshot_with_date_attributes_is_scored_at_another_cutoff_as_live():
    snapshot = Tables(
        customers=pd.DataFrame({"customer_id": ["a"], "date_end": [pd.Timestamp("2016-03-01")]}),
        attributes={"date_end": "date"},
        as_of=pd.Timestamp("2016-01-01"),
    )
    cutoff = resolve_cutoff(snapshot, dt.date(2015, 12, 1), snapshot=True)
    assert cutoff == pd.Timestamp("2015-12-01")
