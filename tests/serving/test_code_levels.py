"""A categorical attribute of number codes beside a text level (Ta Feng's PIN_CODE:
district codes 115, 221 and 'Others'): the model reads it as levels, and so do its
reasons, in `churn score` and in `POST /v1/score`. Its codes read as numbers gave it a
learned direction ("lower codes riskier", turning at 114.5), and every customer in
'Others' a ValueError traceback, a batch's and a live request's alike."""

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import serving.batch
from churn.cli import app
from churn.model import ChurnModel
from features.contract import load_config
from features.sources import load_tables
from serving import store
from serving.batch import Champion
from serving.scorer import Loaded, ModelHolder
from tests.serving.api_helpers import app_with, client_for, settings_for
from tests.training.datasets import district_snapshot
from training.package import package_model
from training.protocol import run_protocol
from training.report import build_report

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def districts(tmp_path_factory) -> tuple[ChurnModel, Path]:
    """The snapshot's model (packaged in process) and its config."""
    path = district_snapshot(tmp_path_factory.mktemp("districts"))
    config = load_config(path)
    tables = load_tables(config)
    outcome = run_protocol(tables, config)
    return package_model(outcome, config, build_report(outcome, tables, config), tables), path


def _packaged_before(model: ChurnModel) -> ChurnModel:
    """The model as packaged before directions kept to numbers: the district codes' own."""
    info = dict(model.info)
    info["risk_directions"] = {**info["risk_directions"], "PIN_CODE": -1}
    info["risk_crossings"] = {**info["risk_crossings"], "PIN_CODE": 114.5}
    return dataclasses.replace(model, info=info)


def test_codes_read_as_levels_have_no_learned_direction(districts):
    model, _ = districts
    assert "PIN_CODE" in model.layout.levels  # levels to the loader and the model
    assert "PIN_CODE" not in model.info["risk_directions"]
    assert "PIN_CODE" not in model.info["risk_crossings"]


@pytest.mark.parametrize("packaged", ["now", "before"])
def test_churn_score_tells_a_text_level_among_codes(districts, packaged, tmp_path, monkeypatch):
    model, source = districts
    model = model if packaged == "now" else _packaged_before(model)
    champion = Champion(model=model, name="districts", version="1")
    monkeypatch.setattr(serving.batch, "load_champion", lambda name, uri: champion)
    monkeypatch.setenv("CHURN_DATABASE_URL", f"sqlite:///{tmp_path}/scores.db")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path}/mlflow.db")
    result = CliRunner(env={"COLUMNS": "400"}).invoke(app, ["score", "--config", str(source)])
    assert result.exit_code == 0, result.output
    rows = store.worklist(store.connect(f"sqlite:///{tmp_path}/scores.db"), limit=10_000)
    told = {r["text"] for row in rows for r in row["reasons"]}
    assert "PIN CODE: Others" in told and "PIN CODE: 115" in told


def test_a_model_packaged_before_tells_the_reasons_of_one_packaged_now(districts):
    model, source = districts
    tables = load_tables(load_config(source))
    features = model.features(tables, pd.Timestamp("2024-06-30"))
    now = serving.batch.score(model, features, chunk_rows=100)[2]
    assert serving.batch.score(_packaged_before(model), features, chunk_rows=100)[2] == now


@pytest.mark.parametrize("packaged", ["now", "before"])
@pytest.mark.parametrize("code", ["115", "Others"])
def test_a_posted_text_level_among_codes_scores(districts, packaged, code, served):
    """`POST /v1/score` of a customer in 'Others' was a 500, in 115 a 200."""
    model, _ = districts
    model = model if packaged == "now" else _packaged_before(model)
    loaded = Loaded(model=model, name="districts", version="1")
    holder = ModelHolder(resolve=lambda: loaded.version, load=lambda version: loaded)
    client = client_for(app_with(settings_for(served), holder))
    posted = {"customer_id": "c1", "attributes": {"tenure": 12, "PIN_CODE": code}}
    response = client.post("/v1/score", json={"customers": [posted]})
    assert response.status_code == 200, response.text
    (item,) = response.json()["items"]
    assert item["reasons"]
