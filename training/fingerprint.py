"""A data fingerprint logged with each run: what was trained on, recognisably."""

from __future__ import annotations

import hashlib

import pandas as pd

from features.tables import Tables

TABLES = ("customers", "transactions", "events", "interactions", "cancellations")


def fingerprint(tables: Tables) -> dict[str, object]:
    """Row counts, date ranges and one content hash over every table."""
    digest = hashlib.sha256()
    facts: dict[str, object] = {}
    for name in TABLES:
        frame = getattr(tables, name)
        if frame is None:
            continue
        facts[f"{name}_rows"] = len(frame)
        if "timestamp" in frame and len(frame):
            facts[f"{name}_from"] = str(frame["timestamp"].min().date())
            facts[f"{name}_to"] = str(frame["timestamp"].max().date())
        row_hashes = pd.util.hash_pandas_object(frame, index=False).to_numpy()
        digest.update(name.encode())
        digest.update(row_hashes.tobytes())
    facts["sha256"] = digest.hexdigest()
    return facts
