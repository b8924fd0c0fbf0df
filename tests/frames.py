"""Factories for tiny in-memory tables (canonical columns), so tests state only what matters."""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.tables import Tables


def ts(values: list[str | None]) -> pd.Series:
    return pd.to_datetime(pd.Series(values, dtype="object"), format="ISO8601")


def customers(
    ids: list[int], *, signup: list[str | None] | None = None, **attrs: list
) -> pd.DataFrame:
    frame = pd.DataFrame({"customer_id": ids})
    if signup is not None:
        frame["signup_date"] = ts(signup)
    for name, values in attrs.items():
        frame[name] = values
    return frame


def transactions(rows: list[tuple], *, columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """rows: (customer_id, date, amount, *extra columns named in `columns`)."""
    names = ["customer_id", "timestamp", "amount", *columns]
    frame = pd.DataFrame(rows, columns=names)
    frame["timestamp"] = ts(list(frame["timestamp"]))
    frame["amount"] = frame["amount"].astype(float)
    return frame


def interactions(rows: list[tuple], *, columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """rows: (customer_id, date, canonical type, *extra columns named in `columns`)."""
    frame = pd.DataFrame(rows, columns=["customer_id", "timestamp", "type", *columns])
    for name in ("timestamp", "resolved_at", "recorded_at"):
        if name in frame:
            frame[name] = ts(list(frame[name]))
    if "satisfaction" in frame:
        frame["satisfaction"] = frame["satisfaction"].astype(float)
    return frame


def events(rows: list[tuple], *, columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """rows: (customer_id, date, type, *extra columns named in `columns`)."""
    frame = pd.DataFrame(rows, columns=["customer_id", "timestamp", "type", *columns])
    frame["timestamp"] = ts(list(frame["timestamp"]))
    return frame


def cancellations(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["customer_id", "timestamp"])
    frame["timestamp"] = ts(list(frame["timestamp"]))
    return frame


def make_tables(
    *,
    customer_frame: pd.DataFrame | None = None,
    transaction_frame: pd.DataFrame | None = None,
    attributes: dict[str, str] | None = None,
    **frames: pd.DataFrame | tuple | None,
) -> Tables:
    """Tables with customers derived from transactions when not given."""
    if customer_frame is None:
        ids = np.unique(transaction_frame["customer_id"]) if transaction_frame is not None else []
        customer_frame = customers(list(ids))
    return Tables(
        customers=customer_frame,
        transactions=transaction_frame,
        attributes=attributes or {},
        **frames,
    )


def row(frame: pd.DataFrame, customer_id: object, cutoff: str | None = None) -> pd.Series:
    """The single feature row of one customer (at one cutoff)."""
    hit = frame[frame["customer_id"] == customer_id]
    if cutoff is not None:
        hit = hit[hit["cutoff"] == pd.Timestamp(cutoff)]
    assert len(hit) == 1, f"expected one row for {customer_id} at {cutoff}, got {len(hit)}"
    return hit.iloc[0]
