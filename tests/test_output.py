"""Results written whole (`churn.output`), readable as any file the user creates."""

from __future__ import annotations

import stat

import pandas as pd

from churn import output
from churn.output import atomic_parquet, atomic_text


def test_written_files_take_the_users_usual_mode_or_keep_their_own(tmp_path, monkeypatch):
    """A worklist CSV for a CRM import was the owner's only (0600, `mkstemp`'s), where the
    score store beside it read 0644; a file the user had made private stays so."""
    monkeypatch.setattr(output, "_UMASK", 0o022)
    atomic_text("a,b\n", tmp_path / "calls.csv")
    atomic_parquet(pd.DataFrame({"a": [1]}), tmp_path / "features.parquet")
    for name in ("calls.csv", "features.parquet"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644
    (tmp_path / "calls.csv").chmod(0o600)
    atomic_text("a,b\n", tmp_path / "calls.csv")
    assert stat.S_IMODE((tmp_path / "calls.csv").stat().st_mode) == 0o600
    assert (tmp_path / "calls.csv").read_text() == "a,b\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
