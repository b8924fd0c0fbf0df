"""Factories for tiny in-memory tables (canonical columns), so tests state only what matters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from features.contract import ChurnSpec, DataSpec, RunConfig, TransactionsSpec
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
    **frames: pd.DataFrame | tuple | pd.Timestamp | None,
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


def rhythm_tables(every_days: int = 100, *, copies: int = 1) -> Tables:
    """Ten customers (`copies` times over) buying every `every_days` days from 2021 to
    2024, each 10 days after the one before: nobody leaves, and no silence runs past
    `every_days` (Chinook's shape: each customer on a fixed cycle)."""
    days = pd.date_range("2021-01-01", "2024-12-31")
    rows = [
        (f"c{k}", str(day.date()), 1.0)
        for k in range(10 * copies)
        for day in days[10 * (k % 10) :: every_days]
    ]
    return make_tables(transaction_frame=transactions(rows), as_of=pd.Timestamp("2024-12-31"))


def rhythm_config() -> RunConfig:
    """A 30-day inactivity horizon over `rhythm_tables`' purchases (read from no file)."""
    data = DataSpec(transactions=TransactionsSpec(path=Path("unused.csv")))
    return RunConfig(name="t", data=data, churn=ChurnSpec(horizon_days=30, active_window_days=365))


def row(frame: pd.DataFrame, customer_id: object, cutoff: str | None = None) -> pd.Series:
    """The single feature row of one customer (at one cutoff)."""
    hit = frame[frame["customer_id"] == customer_id]
    if cutoff is not None:
        hit = hit[hit["cutoff"] == pd.Timestamp(cutoff)]
    assert len(hit) == 1, f"expected one row for {customer_id} at {cutoff}, got {len(hit)}"
    return hit.iloc[0]


def random_tables(seed: int, *, n_customers: int = 60, days: int = 720) -> Tables:
    """Random but well-formed tables of every kind, for leakage and property tests."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2023-01-01")
    ids = np.arange(1, n_customers + 1)
    people = customers(
        list(ids),
        signup=[
            str((start + pd.Timedelta(days=int(d))).date())
            for d in rng.integers(-200, 400, n_customers)
        ],
        segment=list(rng.choice(["smb", "mid", "ent"], n_customers)),
        seats=list(rng.integers(1, 500, n_customers).astype(float)),
    )
    n_tx = n_customers * 15

    def moments(n: int) -> pd.Series:
        offsets = rng.integers(0, days * 24 * 60, n)
        return start + pd.to_timedelta(offsets, unit="min")

    tx = pd.DataFrame(
        {
            "customer_id": rng.choice(ids, n_tx),
            "timestamp": moments(n_tx),
            "amount": rng.gamma(2.0, 40.0, n_tx).round(2),
            "category": rng.choice(["paper", "toner", "printers", "service"], n_tx),
            "discount": rng.choice([0.0, 0.0, 5.0], n_tx),
            "order_id": rng.integers(0, n_tx // 2, n_tx),
        }
    )
    n_int = n_customers * 4
    opened = moments(n_int)
    inter = pd.DataFrame(
        {
            "customer_id": rng.choice(ids, n_int),
            "timestamp": opened,
            "type": rng.choice(["complaint", "ticket", "billing_error", "call", "survey"], n_int),
            "resolved_at": opened + pd.to_timedelta(rng.integers(0, 30, n_int), unit="D"),
            "satisfaction": np.where(rng.random(n_int) < 0.5, rng.integers(1, 6, n_int), np.nan),
            "recorded_at": opened + pd.to_timedelta(rng.integers(0, 5, n_int), unit="D"),
        }
    )
    inter.loc[rng.random(n_int) < 0.2, "resolved_at"] = pd.NaT
    n_ev = n_customers * 30
    ev = pd.DataFrame(
        {
            "customer_id": rng.choice(ids, n_ev),
            "timestamp": moments(n_ev),
            "type": rng.choice(["login", "session", "export"], n_ev, p=[0.6, 0.3, 0.1]),
            "quantity": rng.gamma(1.0, 10.0, n_ev),
        }
    )
    n_cancel = n_customers // 3
    cancels = pd.DataFrame(
        {"customer_id": rng.choice(ids, n_cancel), "timestamp": moments(n_cancel)}
    ).sort_values(["customer_id", "timestamp"], ignore_index=True)
    return Tables(
        customers=people,
        transactions=tx,
        interactions=inter,
        events=ev,
        cancellations=cancels,
        attributes={"segment": "categorical", "seats": "numeric"},
        event_types=("login", "session", "export"),
    )
