"""Serving tests: one native thread per library and no MLflow telemetry (see
tests/training/conftest.py for why one thread is faster on a busy machine)."""

import os

import pytest
from threadpoolctl import threadpool_limits

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")  # tests make no network calls


@pytest.fixture(scope="session", autouse=True)
def _one_native_thread():
    with threadpool_limits(limits=1):
        yield
