"""Training tests: one native thread per library, and no MLflow telemetry.

On a 2-core machine that is also busy with something else, OpenMP thread pools of two
threads stall at every barrier: one XGBoost fit measured 32 s with two threads and 0.3 s
with one. The test configs therefore set `training.params.nthread: 1` (see datasets.py)
and this fixture caps the other native pools (scikit-learn's OpenMP, BLAS). Results do
not depend on the thread count.
"""

import os

import pytest
from threadpoolctl import threadpool_limits

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")  # tests make no network calls


@pytest.fixture(scope="session", autouse=True)
def _one_native_thread():
    with threadpool_limits(limits=1):
        yield
