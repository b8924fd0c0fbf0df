"""Write a simulation to a folder: the tables, truth.parquet and a churn.yaml that maps them.

churn.yaml uses paths relative to its own folder (features/contract.py resolves them), so
the folder can be moved or copied as a whole.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from features.simulate.frames import (
    CANCELLATION_COLUMNS,
    CUSTOMER_COLUMNS,
    EVENT_COLUMNS,
    INTERACTION_COLUMNS,
    TRANSACTION_COLUMNS,
    SimulatedData,
)
from features.simulate.orders import CATEGORIES, CONSUMABLE
from features.simulate.service import RAW_BY_KIND

FILES = {
    "customers": "customers.csv",
    "transactions": "transactions.parquet",
    "events": "events.parquet",
    "interactions": "interactions.csv",
    "cancellations": "cancellations.csv",
    "truth": "truth.parquet",
}
CONFIG_FILE = "churn.yaml"


def write_dir(data: SimulatedData, out_dir: Path, *, seed: int) -> Path:
    """Write every table of `data` and the run config; returns the config's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    _csv(data.customers, out_dir / FILES["customers"], "%Y-%m-%d")
    _csv(data.interactions, out_dir / FILES["interactions"], "%Y-%m-%d %H:%M:%S")
    _parquet(data.truth, out_dir / FILES["truth"])
    if data.transactions is not None:
        _parquet(data.transactions, out_dir / FILES["transactions"])
    if data.events is not None:
        _parquet(data.events, out_dir / FILES["events"])
    if data.cancellations is not None:
        _csv(data.cancellations, out_dir / FILES["cancellations"], "%Y-%m-%d %H:%M:%S")
    path = out_dir / CONFIG_FILE
    path.write_text(yaml.safe_dump(run_config(data, seed=seed), sort_keys=False))
    return path


def run_config(data: SimulatedData, *, seed: int) -> dict[str, object]:
    """The churn.yaml content: table paths, column mappings, churn definition, truth."""
    definition = "inactivity" if data.kind == "retail" else "cancellation"
    return {
        "name": f"simulated-{data.kind}-seed{seed}",
        "data": {"as_of": data.timeline.as_of, **_tables(data)},
        "churn": {
            "definition": definition,
            "horizon_days": data.timeline.horizon_days,
            "active_window_days": 365,
        },
        "evaluation": {"split": "out_of_time", "seed": seed, "truth": FILES["truth"]},
    }


def _tables(data: SimulatedData) -> dict[str, object]:
    """The `data:` tables: file, column mapping and the per-table settings."""
    tables: dict[str, object] = {}
    tables["customers"] = {
        "path": FILES["customers"],
        "columns": dict(CUSTOMER_COLUMNS),
        "attributes": dict(data.attributes),
    }
    if data.transactions is not None:
        consumables = [c for c, flag in zip(CATEGORIES, CONSUMABLE, strict=True) if flag]
        tables["transactions"] = {
            "path": FILES["transactions"],
            "columns": dict(TRANSACTION_COLUMNS),
            "consumable_categories": consumables,
        }
    if data.events is not None:
        tables["events"] = {
            "path": FILES["events"],
            "columns": dict(EVENT_COLUMNS),
            "types": list(data.events[EVENT_COLUMNS["type"]].cat.categories),
        }
    tables["interactions"] = {
        "path": FILES["interactions"],
        "columns": dict(INTERACTION_COLUMNS),
        "types": {kind: list(raws) for kind, raws in RAW_BY_KIND.items()},
    }
    if data.cancellations is not None:
        tables["cancellations"] = {
            "path": FILES["cancellations"],
            "columns": dict(CANCELLATION_COLUMNS),
        }
    return tables


def _csv(frame: pd.DataFrame, path: Path, date_format: str) -> None:
    frame.to_csv(path, index=False, date_format=date_format)


def _parquet(frame: pd.DataFrame, path: Path) -> None:
    """Parquet with plain string columns (categoricals are an in-memory detail)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    columns = [
        col.cast(pa.string()) if pa.types.is_dictionary(col.type) else col for col in table.columns
    ]
    table = pa.table(columns, names=table.column_names)
    pq.write_table(table, path)
