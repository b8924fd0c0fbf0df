"""Tiny data sets on disk for tests: a few customers, their activity, and a run config.

`write_dataset(tmp_path)` writes a valid data set (canonical column names, no issues) and
returns the config path; keyword overrides replace a table's frame (None drops it), patch
a table's config entry, or change the `data` / `churn` sections. Tests change only the
cell they are about, so each test shows its own bad input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from churn.model import ChurnModel, FeatureLayout

AS_OF = "2024-12-31"
TABLES = ("customers", "transactions", "events", "interactions", "cancellations")


def customers_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [1, 2, 3, 4],
            "signup_date": ["2023-01-10", "2023-03-05", "2023-06-20", "2024-02-01"],
            "wallet": [500.0, 1200.0, 300.0, 800.0],
            "region": ["north", "south", "north", "east"],
            "seats": [3, 10, 1, 5],
        }
    )


def transactions_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [2, 1, 1, 3, 2, 4, 1, 3],
            "timestamp": [
                "2024-03-01",
                "2024-02-01 10:30:00",
                "2024-01-15",
                "2024-05-20",
                "2024-01-02",
                "2024-06-30",
                "2024-04-11",
                "2024-02-29",
            ],
            "amount": [120.0, 35.5, 60.0, 12.0, 80.0, 250.0, 15.0, 40.0],
            "category": [
                "software",
                "paper",
                "ink",
                "paper",
                "software",
                "hardware",
                "ink",
                "paper",
            ],
        }
    )


def many_transactions(rows: int) -> pd.DataFrame:
    """`rows` valid purchases spread over customers 1-4 and 2024, for share-based checks."""
    return pd.DataFrame(
        {
            "customer_id": [1 + i % 4 for i in range(rows)],
            "timestamp": [f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(rows)],
            "amount": [10.0 + i for i in range(rows)],
            "category": ["paper"] * rows,
        }
    )


def events_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [1, 2, 1, 4],
            "timestamp": ["2024-02-03", "2024-02-04", "2024-01-20", "2024-07-01"],
            "type": ["login", "login", "export", "login"],
        }
    )


def interactions_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [2, 3, 2],
            "timestamp": ["2024-03-10", "2024-04-01", "2024-02-15"],
            "type": ["Complaint", "phone", "ticket"],
            "resolved_at": ["2024-03-12", "", "2024-02-16"],
        }
    )


def cancellations_frame() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [3], "timestamp": ["2024-09-30"]})


def default_frames() -> dict[str, pd.DataFrame]:
    return {
        "customers": customers_frame(),
        "transactions": transactions_frame(),
        "events": events_frame(),
        "interactions": interactions_frame(),
        "cancellations": cancellations_frame(),
    }


def default_specs() -> dict[str, dict[str, Any]]:
    """Config entries per table, without `path` (added when the file is written)."""
    return {
        "customers": {
            "columns": {"signup_date": "signup_date", "wallet": "wallet"},
            "attributes": ["region", "seats"],
        },
        "transactions": {"columns": {"category": "category"}},
        "events": {},
        "interactions": {
            "columns": {"resolved_at": "resolved_at"},
            "types": {"complaint": ["Complaint"], "call": ["phone"]},
        },
        "cancellations": {},
    }


def payments_frame() -> pd.DataFrame:
    """A payment log carrying each member's auto-renew flag and payment method, with a
    cancel row (customer 3's only row)."""
    return pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 2, 2, 3],
            "timestamp": [
                "2024-01-15",
                "2024-02-01",
                "2024-04-11",
                "2024-01-02",
                "2024-03-01",
                "2024-02-29",
            ],
            "amount": [60.0, 35.5, 15.0, 80.0, 120.0, 40.0],
            "auto_renew": [1, 1, 0, 1, None, 0],
            "method": ["card", "card", "paypal", "card", "card", "bank"],
            "is_cancel": [0, 0, 0, 0, 0, 1],
            "category": "plan",
        }
    )


def write_table(frame: pd.DataFrame, path: Path) -> Path:
    """One frame as CSV (also .csv.gz), Parquet or a one-sheet workbook, chosen by the
    file's extension."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.name.endswith((".parquet", ".pq")):
        frame.to_parquet(path, index=False)
    elif path.name.endswith(".xlsx"):
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


def write_dataset(
    tmp_path: Path,
    *,
    fmt: str = "csv",
    specs: dict[str, dict[str, Any]] | None = None,
    data: dict[str, Any] | None = None,
    churn: dict[str, Any] | None = None,
    **frames: pd.DataFrame | None,
) -> Path:
    """Write the tables and `churn.yaml` under tmp_path; return the config's path.

    fmt: file extension for every table ("csv", "csv.gz", "parquet", "xlsx"). frames: a table's
    frame to write instead of the default, or None to leave that table out. specs: keys to
    set in a table's config entry (e.g. `{"customers": {"label": {...}}}`). data: extra
    keys for `data` (default `as_of: 2024-12-31`, so no test depends on the clock).
    """
    unknown = set(frames) - set(TABLES)
    if unknown:
        raise TypeError(f"unknown table(s) {sorted(unknown)}; use {TABLES}")
    chosen = {**default_frames(), **frames}
    entries = default_specs()
    data_section: dict[str, Any] = {"as_of": AS_OF, **(data or {})}
    for name, frame in chosen.items():
        if frame is None:
            continue
        path = write_table(frame, tmp_path / "data" / f"{name}.{fmt}")
        entry = {"path": str(path.relative_to(tmp_path)), **entries[name]}
        data_section[name] = {**entry, **(specs or {}).get(name, {})}
    config = {"name": "test", "data": data_section, "churn": churn or {}}
    config_path = tmp_path / "churn.yaml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    return config_path


def model_of_replaced_features() -> ChurnModel:
    """A model as an earlier version packaged it, reading a feature this one replaced
    (`features.registry.RETIRED_FEATURES`): its layout is all the refusals read."""
    model = ChurnModel.__new__(ChurnModel)
    model.layout = FeatureLayout(names=["spend_90d", "purchase_pace_90d_vs_lifetime"], levels={})
    return model
