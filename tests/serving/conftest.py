"""Serving tests: one native thread per library and no MLflow telemetry (see
tests/training/conftest.py for why one thread is faster on a busy machine)."""

import os

import pytest
from threadpoolctl import threadpool_limits

from tests.postgres import postgres_url  # noqa: F401  (a fixture)

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")  # tests make no network calls


@pytest.fixture(scope="session", autouse=True)
def _one_native_thread():
    with threadpool_limits(limits=1):
        yield


# -- a tiny champion and a stored score batch, shared by the API tests ------------------
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

TINY_TRAINING = {"cutoffs": 3, "max_rounds": 100, "params": {"nthread": 1}}


@dataclass(frozen=True)
class Served:
    """Where the session's tiny champion (version 1) and its score batch live."""

    root: Path
    config: Path
    model_name: str
    tracking_uri: str
    database_url: str


def served_in(root: Path, config: Path, model_name: str) -> Served:
    """A data set's config under `root` with its own model name, MLflow and score store."""
    raw = yaml.safe_load(config.read_text())
    raw["training"] = {**raw.get("training", {}), "model_name": model_name}
    config.write_text(yaml.safe_dump(raw, sort_keys=False))
    return Served(
        root=root,
        config=config,
        model_name=model_name,
        tracking_uri=f"sqlite:///{root}/mlflow.db",
        database_url=f"sqlite:///{root}/scores.db",
    )


def train_and_promote(served: Served, *, force: bool = False) -> str:
    """Train on the tiny data and promote the run (tests may import training)."""
    from features.contract import load_config
    from features.sources import load_tables
    from training.promote import promote
    from training.train import train_and_log

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", served.tracking_uri)
        patch.chdir(served.root)
        config = load_config(served.config)
        trained = train_and_log(config)
        return promote(config, load_tables(config), run_id=trained.run_id, force=force).version


@pytest.fixture(scope="session")
def served(tmp_path_factory) -> Served:
    """1,200 simulated customers, a champion trained on them, one batch from `churn score`."""
    from churn.cli import app
    from features.contract import load_config
    from features.simulate import simulate_to_dir

    root = tmp_path_factory.mktemp("api")
    path = simulate_to_dir(root / "data", customers=1200, months=18, seed=5)
    raw = yaml.safe_load(path.read_text())
    path.write_text(yaml.safe_dump({**raw, "training": TINY_TRAINING}, sort_keys=False))
    found = Served(
        root=root,
        config=path,
        model_name=load_config(path).model_name,
        tracking_uri=f"sqlite:///{root}/mlflow.db",
        database_url=f"sqlite:///{root}/scores.db",
    )
    assert train_and_promote(found) == "1"
    env = {"MLFLOW_TRACKING_URI": found.tracking_uri, "CHURN_DATABASE_URL": found.database_url}
    result = CliRunner(env=env).invoke(app, ["score", "--config", str(path)])
    assert result.exit_code == 0, result.output
    return found


# -- the champion loaded, some customers' histories and the batch's cutoff --------------
import datetime as dt  # noqa: E402
from typing import Any  # noqa: E402


@pytest.fixture(scope="module")
def loaded(served):
    """The session's champion as the API loads it."""
    from serving.scorer import ModelHolder

    holder = ModelHolder.from_registry(served.model_name, served.tracking_uri)
    holder.check()
    assert holder.current is not None
    return holder.current


@pytest.fixture(scope="module")
def histories(served) -> list[dict[str, Any]]:
    """Six scored customers' full histories (JSON-ready), ids as text."""
    from features.contract import load_config
    from features.sources import load_tables
    from serving import store
    from serving.history import history_item

    tables = load_tables(load_config(served.config))
    rows = store.worklist(store.connect(served.database_url), sort="probability", limit=1000)
    lookup = {str(i): i for i in tables.customers["customer_id"]}
    return [history_item(tables, lookup[row["customer_id"]]) for row in rows[::150][:6]]


@pytest.fixture(scope="module")
def cutoff(served) -> dt.date:
    """The cutoff of the stored score batch."""
    from serving import store

    return store.latest_batch(store.connect(served.database_url))["cutoff"]
