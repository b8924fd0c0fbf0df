"""A live PostgreSQL server for store tests, started by the project's own script.

`scripts/postgres.sh start` installs Debian's postgresql when no server is installed,
initialises a throwaway cluster and prints its SQLAlchemy URL. When it cannot (no root to
install, no apt, a server that will not start) the tests that need it are skipped with the
script's one-line reason. `CHURN_TEST_POSTGRES_URL` points the tests at an existing server
instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "postgres.sh"
START_SECONDS = 600  # the first start may install the package


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of an empty database on a live server, for the whole session."""
    if url := os.environ.get("CHURN_TEST_POSTGRES_URL"):
        yield url
        return
    # Not under pytest's tmp_path: its parents are private to the user, and as root the
    # server runs as the package's `postgres` user, which must reach the folder.
    folder = tempfile.mkdtemp(prefix="churn-pg-")
    try:
        started = subprocess.run(
            ["bash", str(SCRIPT), "start", folder, str(_free_port())],
            capture_output=True,
            text=True,
            timeout=START_SECONDS,
        )
    except subprocess.TimeoutExpired:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"PostgreSQL did not start within {START_SECONDS} s")
    if started.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        reason = started.stderr.strip().splitlines()[-1:] or ["no reason given"]
        pytest.skip(f"no live PostgreSQL: {reason[0]}")
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", folder], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def emptied(url: str) -> str:
    """Drop every table of the store's schema so a test starts from nothing."""
    from serving import store

    engine = sa.create_engine(url)
    store.metadata.drop_all(engine)
    engine.dispose()
    return url
