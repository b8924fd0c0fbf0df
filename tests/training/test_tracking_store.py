"""The tracking store opened by several runs at once (`training.tracking.experiment_id`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

OPEN = """
import sys
import mlflow
from training.tracking import experiment_id
mlflow.set_tracking_uri(sys.argv[1])
print(experiment_id("together"))
"""


def test_runs_opening_a_new_store_at_once_share_one_experiment(tmp_path):
    """Two `churn train` runs on a new SQLite store: one crashed after training with
    "table _alembic_tmp_experiments already exists", the store left unusable."""
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    root = Path(__file__).resolve().parents[2]
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN, uri],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    said = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0] * 4, [err[-300:] for _, err in said]
    assert {out.strip() for out, _ in said} == {"1"}
