"""Writing results so that a failure leaves nothing half-written."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import pandas as pd


def _as_created(tmp: str, path: Path) -> None:
    """The mode `path` has, or a file created in its place would have: `mkstemp` makes
    the file the owner's only (0600), and a worklist CSV for a CRM import could not be
    read by its other users."""
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o666 & ~_UMASK
    os.chmod(tmp, mode)


def _umask() -> int:
    """The process's umask, read once: setting it to read it back, per write, left a
    moment in which another thread's new files were anyone's to write."""
    umask = os.umask(0o077)
    os.umask(umask)
    return umask


_UMASK = _umask()


def atomic_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write to a temporary file beside `path`, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=False)
        _as_created(tmp, path)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_text(text: str, path: Path) -> None:
    """Write text via a temporary file and a rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        _as_created(tmp, path)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
