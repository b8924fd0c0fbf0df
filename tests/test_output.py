"""Results written whole (`churn.output`), readable as any file the user creates."""

from __future__ import annotations

import os
import stat

import pandas as pd

from churn.output import atomic_parquet, atomic_text


def test_written_files_take_the_users_usual_mode(tmp_path):
    """A worklist CSV for a CRM import was the owner's only (0600, `mkstemp`'s), where the
    score store beside it read 0644."""
    before = os.umask(0o022)
    try:
        atomic_text("a,b\n", tmp_path / "calls.csv")
        atomic_parquet(pd.DataFrame({"a": [1]}), tmp_path / "features.parquet")
    finally:
        os.umask(before)
    for name in ("calls.csv", "features.parquet"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644
    assert (tmp_path / "calls.csv").read_text() == "a,b\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
