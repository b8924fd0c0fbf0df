"""The modeller notebooks run end to end, and are committed without outputs.

Each notebook runs in a fresh `python3` kernel (this interpreter) with nbclient, working
directory `tmp_path`, settings from environment variables: a small simulated data set
(`CHURN_NOTEBOOK_CONFIG`), an SQLite MLflow store in `tmp_path` (`MLFLOW_TRACKING_URI`)
and `TMPDIR` inside `tmp_path`, so nothing outside it is written. A cell that raises
fails the test with that cell's traceback.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml
from nbclient import NotebookClient

from features.simulate import simulate_to_dir
from mlflow import MlflowClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
KERNEL = "python3"
CELL_TIMEOUT_S = 300
SMALL = {"customers": 2_000, "months": 18, "seed": 7}
FAST_TRAINING = {"cutoffs": 3, "max_rounds": 150}


def execute(name: str, cwd: Path) -> nbformat.NotebookNode:
    """Run every cell of a notebook in `cwd`; raises CellExecutionError on a failing cell."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        kernel_name=KERNEL,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    return notebook


def outputs(notebook: nbformat.NotebookNode) -> list[dict]:
    return [out for cell in notebook.cells for out in cell.get("outputs", [])]


def images(notebook: nbformat.NotebookNode) -> int:
    return sum("image/png" in out.get("data", {}) for out in outputs(notebook))


def printed(notebook: nbformat.NotebookNode) -> str:
    return "".join(
        out.get("text", "") for out in outputs(notebook) if out["output_type"] == "stream"
    )


@pytest.fixture(scope="session")
def venv_kernels() -> Path:
    """This interpreter's kernelspec folder, with a `python3` kernel registered in it."""
    kernels = Path(sys.prefix) / "share" / "jupyter"
    if not (kernels / "kernels" / KERNEL / "kernel.json").is_file():
        subprocess.run(
            [sys.executable, "-m", "ipykernel", "install", "--sys-prefix", "--name", KERNEL],
            check=True,
            capture_output=True,
        )
    return kernels


@pytest.fixture(scope="module")
def small_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A simulated data set small enough to train on in seconds."""
    path = simulate_to_dir(tmp_path_factory.mktemp("data"), **SMALL)
    config = yaml.safe_load(path.read_text())
    config["training"] = FAST_TRAINING
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


@pytest.fixture
def notebook_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, venv_kernels: Path, small_config: Path
) -> Path:
    """Environment the kernel inherits; returns the tracking database's path."""
    database = tmp_path / "mlflow.db"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("JUPYTER_PATH", str(venv_kernels))  # this venv's kernel, not a user's
    monkeypatch.setenv("CHURN_NOTEBOOK_CONFIG", str(small_config))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{database}")
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # no thread oversubscription on small CI runners
    monkeypatch.delenv("CHURN_NOTEBOOK_CUTOFF", raising=False)
    monkeypatch.delenv("MPLBACKEND", raising=False)
    return database


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == KERNEL
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: cell {cell.id} has outputs"
            assert cell.execution_count is None, f"{path.name}: cell {cell.id} was executed"


@pytest.mark.slow
def test_explore_notebook_runs(notebook_env: Path, tmp_path: Path) -> None:
    notebook = execute("01_explore.ipynb", tmp_path)

    assert images(notebook) >= 2  # the churn-rate curve and the feature histograms
    assert "simulating" not in printed(notebook)


@pytest.mark.slow
def test_explore_notebook_simulates_without_a_config(
    notebook_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHURN_NOTEBOOK_CONFIG", str(tmp_path / "absent" / "churn.yaml"))

    notebook = execute("01_explore.ipynb", tmp_path)

    assert "simulating a small data set instead" in printed(notebook)
    assert images(notebook) >= 2


@pytest.mark.slow
def test_train_and_compare_notebook_runs(
    notebook_env: Path, tmp_path: Path, small_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHURN_NOTEBOOK_FORCE_PROMOTION", "1")  # a champion whatever the gate says

    notebook = execute("02_train_and_compare.ipynb", tmp_path)

    assert images(notebook) >= 2  # the logged calibration plot and the SHAP bar chart
    # one customer's reasons as the batch gives them: filtered, in words, with a direction
    tables = [
        out["data"]["text/plain"]
        for out in outputs(notebook)
        if "text/plain" in out.get("data", {}) and "direction" in out["data"]["text/plain"]
    ]
    assert tables and "raises" in tables[-1] and "churn probability" in printed(notebook)
    store = f"sqlite:///{notebook_env}"  # registry too: an earlier test may have set a global one
    client = MlflowClient(tracking_uri=store, registry_uri=store)
    name = yaml.safe_load(small_config.read_text())["name"]
    runs = client.search_runs(
        [client.get_experiment_by_name(name).experiment_id], order_by=["attributes.start_time DESC"]
    )
    assert [run.info.status for run in runs] == ["FINISHED", "FINISHED"]
    champion = client.get_model_version_by_alias(name, "champion")
    assert champion.run_id == runs[0].info.run_id  # the run on the new (latest) cutoff


@pytest.mark.slow
def test_a_retrain_on_an_earlier_cutoff_is_said_not_compared_not_raised(
    notebook_env: Path, tmp_path: Path, small_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Retrained on a cutoff before the champion's outcomes, the dry-run cell raised
    UnfairComparisonError; it says why and how the notebook forces it."""
    monkeypatch.setenv("CHURN_NOTEBOOK_FORCE_PROMOTION", "1")
    execute("02_train_and_compare.ipynb", tmp_path)  # a champion on the latest cutoff
    store = f"sqlite:///{notebook_env}"
    client = MlflowClient(tracking_uri=store, registry_uri=store)
    name = yaml.safe_load(small_config.read_text())["name"]
    champion = client.get_model_version_by_alias(name, "champion")
    tested = pd.Timestamp(
        client.get_run(champion.run_id).data.params["evaluation.test_cutoff"].split(",")[-1]
    )
    monkeypatch.delenv("CHURN_NOTEBOOK_FORCE_PROMOTION")
    earlier = (tested - pd.offsets.MonthEnd(3)).date().isoformat()
    monkeypatch.setenv("CHURN_NOTEBOOK_CUTOFF", earlier)

    said = printed(execute("02_train_and_compare.ipynb", tmp_path))

    assert "not compared:" in said and "CHURN_NOTEBOOK_FORCE_PROMOTION=1" in said
