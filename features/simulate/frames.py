"""The file layout: column names of every written table, and the frames in those names.

The names are deliberately *not* the canonical ones of `features/contract.py`, so every
run through simulated data exercises the config's column mapping. The mappings below
(canonical -> file name) are the single source for both the frames and churn.yaml.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from features.simulate.population import CHANNELS, REGIONS, SEGMENTS, Population
from features.simulate.service import RAW_KINDS
from features.simulate.timeline import Timeline

CUSTOMER_COLUMNS = {"customer_id": "cust_id", "signup_date": "created_at"}
TRANSACTION_COLUMNS = {
    "customer_id": "cust",
    "timestamp": "order_ts",
    "amount": "net_amount",
    "quantity": "items",
    "category": "product_category",
    "discount": "discount_amt",
    "order_id": "order_no",
}
INTERACTION_COLUMNS = {
    "customer_id": "cust",
    "timestamp": "opened_at",
    "type": "kind",
    "resolved_at": "closed_at",
    "satisfaction": "csat",
    "recorded_at": "logged_at",
}
EVENT_COLUMNS = {"customer_id": "cust", "timestamp": "event_ts", "type": "event", "quantity": "qty"}
CANCELLATION_COLUMNS = {"customer_id": "cust", "timestamp": "cancelled_at"}


@dataclass(frozen=True)
class SimulatedData:
    """Everything one simulation produced, as frames in the file column names, plus truth."""

    kind: Literal["retail", "subscription"]
    timeline: Timeline
    customers: pd.DataFrame
    interactions: pd.DataFrame
    truth: pd.DataFrame
    """customer_id, cutoff, p_churn, phase, horizon_observed (one row per customer/cutoff)."""
    attributes: dict[str, str]
    """Attribute column of customers.csv -> 'numeric' | 'categorical'."""
    transactions: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    cancellations: pd.DataFrame | None = None


@dataclass
class Chunks:
    """Per-month arrays collected during the loop and concatenated once at the end."""

    parts: dict[str, list[np.ndarray]] = field(default_factory=lambda: defaultdict(list))

    def add(self, **arrays: np.ndarray) -> None:
        for name, values in arrays.items():
            self.parts[name].append(np.asarray(values))

    def __getitem__(self, name: str) -> np.ndarray:
        return np.concatenate(self.parts[name])

    def add_truth(
        self, tl: Timeline, month: int, who: np.ndarray, p: np.ndarray, phase: np.ndarray
    ) -> None:
        """The truth rows of the cutoff that ends `month`."""
        self.add(truth_who=who, truth_p=p, truth_phase=phase)
        self.add(truth_cutoff=np.full(len(who), tl.cutoff(month)))
        self.add(truth_observed=np.full(len(who), tl.horizon_observed(month)))


def categorical(codes: np.ndarray, names: tuple[str, ...]) -> pd.Categorical:
    """Integer codes as a categorical (cheap in memory; written as plain strings)."""
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=list(names))


def customers_frame(pop: Population, tl: Timeline, **extra: object) -> pd.DataFrame:
    """customers.csv: id, signup date and the attributes that predict the hidden traits."""
    created = np.datetime64(tl.start, "D") + pop.signup_day
    frame = {
        CUSTOMER_COLUMNS["customer_id"]: pop.customer_id,
        CUSTOMER_COLUMNS["signup_date"]: created.astype("datetime64[ns]"),
        "region": categorical(pop.region, REGIONS),
        "segment": categorical(pop.segment, SEGMENTS),
        "company_size": pop.company_size,
        "channel": categorical(pop.channel, CHANNELS),
    }
    return pd.DataFrame({**frame, **extra})


def interactions_frame(log: Chunks, pop: Population, tl: Timeline) -> pd.DataFrame:
    """interactions.csv: only records logged by `as_of`; resolutions after it are blank."""
    end = float(tl.end_day)
    logged = log["logged"]
    keep = logged < end
    closed = log["closed"][keep]
    closed = np.where(closed < end, closed, np.nan)
    c = INTERACTION_COLUMNS
    return pd.DataFrame(
        {
            c["customer_id"]: pop.customer_id[log["who"][keep]],
            c["timestamp"]: tl.timestamps(log["opened"][keep]),
            c["type"]: categorical(log["raw_kind"][keep], RAW_KINDS),
            c["resolved_at"]: _timestamps_or_nat(tl, closed),
            c["satisfaction"]: _nullable_int(log["csat"][keep]),
            c["recorded_at"]: tl.timestamps(logged[keep]),
        }
    )


def truth_frame(log: Chunks, pop: Population, phase_names: tuple[str, ...]) -> pd.DataFrame:
    """truth.parquet: the simulator's own churn probability per (customer, cutoff)."""
    return pd.DataFrame(
        {
            "customer_id": pop.customer_id[log["truth_who"]],
            "cutoff": log["truth_cutoff"],
            "p_churn": log["truth_p"],
            "phase": categorical(log["truth_phase"], phase_names),
            "horizon_observed": log["truth_observed"],
        }
    )


def _timestamps_or_nat(tl: Timeline, days: np.ndarray) -> np.ndarray:
    stamps = tl.timestamps(np.nan_to_num(days))
    return np.where(np.isnan(days), np.datetime64("NaT", "ns"), stamps)


def _nullable_int(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
    missing = np.isnan(values)
    return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int8), missing)
