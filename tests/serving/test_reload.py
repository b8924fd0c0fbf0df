"""Hot reload: a new champion is swapped in; a broken one is refused and the old serves."""

from __future__ import annotations

import asyncio
from typing import ClassVar

import numpy as np
import pytest

from mlflow import MlflowClient
from serving.app import check_and_report
from serving.scorer import Loaded, ModelHolder, mlflow_loader, mlflow_resolver, smoke_test
from tests.serving.api_helpers import app_with, client_for, settings_for
from tests.serving.conftest import train_and_promote

pytestmark = pytest.mark.slow


class _Broken:
    """Loads fine, predicts nonsense: the smoke test must catch it."""

    class layout:  # noqa: N801 - mimics ChurnModel.layout
        names = ("spend_90d",)

    info: ClassVar[dict] = {}
    specs: ClassVar[list] = []

    def predict_proba(self, rows):
        return np.full(len(rows), np.nan)

    def contributions(self, rows):
        return np.zeros((len(rows), 2))


@pytest.fixture(scope="module")
def v1(served) -> Loaded:
    return mlflow_loader(served.model_name, served.tracking_uri)("1")


def test_smoke_test_passes_a_real_model_and_refuses_nonsense(v1):
    smoke_test(v1)
    with pytest.raises(ValueError, match="smoke prediction"):
        smoke_test(Loaded(model=_Broken(), name="m", version="9"))


def test_a_model_reading_a_replaced_feature_is_refused():
    """Live, the feature the code no longer builds would reach the model unknown."""

    class Retired(_Broken):
        class layout:  # noqa: N801 - mimics ChurnModel.layout
            names = ("spend_90d", "purchase_pace_90d_vs_lifetime")

    with pytest.raises(ValueError, match=r"replaced: purchase_pace_90d_vs_lifetime \(now"):
        smoke_test(Loaded(model=Retired(), name="m", version="9"))


def test_a_version_that_fails_to_load_is_refused_and_not_retried(v1):
    versions, loads = iter(["1", "2", "2"]), []

    def load(version: str) -> Loaded:
        loads.append(version)
        if version == "2":
            raise OSError("artifact missing")
        return v1

    holder = ModelHolder(resolve=lambda: next(versions), load=load)
    assert holder.check() is True
    assert holder.check() is False and holder.current is v1
    assert holder.error == "version 2 refused: artifact missing"
    assert holder.check() is False and loads == ["1", "2"]  # the refused one is not reloaded


def test_promoted_champion_is_swapped_in_and_a_broken_one_refused(served, v1):
    resolve = mlflow_resolver(served.model_name, served.tracking_uri)
    real_load = mlflow_loader(served.model_name, served.tracking_uri)
    broken: set[str] = set()

    def load(version: str) -> Loaded:
        loaded = real_load(version)
        return (
            Loaded(model=_Broken(), name=loaded.name, version=version)
            if version in broken
            else loaded
        )

    holder = ModelHolder(resolve=resolve, load=load)
    app = app_with(settings_for(served), holder)
    client = client_for(app)
    assert client.get("/v1/model").json()["version"] == "1"

    assert train_and_promote(served, force=True) == "2"
    assert asyncio.run(check_and_report(holder, app.state.metrics)) is True
    assert client.get("/v1/model").json()["version"] == "2"
    assert 'version="2"} 1.0' in client.get("/metrics").text

    broken.add("3")
    assert train_and_promote(served, force=True) == "3"
    assert asyncio.run(check_and_report(holder, app.state.metrics)) is False
    ready = client.get("/ready")
    assert ready.status_code == 200 and ready.json()["model_version"] == "2"
    assert "version 3 refused: smoke prediction" in ready.json()["last_reload_error"]
    model = client.get("/v1/model").json()
    assert model["version"] == "2" and "version 3 refused" in model["last_reload_error"]

    # the alias moved back onto what serves: nothing is refused any more
    MlflowClient(served.tracking_uri).set_registered_model_alias(served.model_name, "champion", "2")
    assert asyncio.run(check_and_report(holder, app.state.metrics)) is False
    assert client.get("/ready").json()["last_reload_error"] is None
