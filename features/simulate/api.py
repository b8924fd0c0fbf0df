"""The two public entry points: `simulate` (in memory) and `simulate_to_dir` (files)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np

from features.simulate.frames import SimulatedData
from features.simulate.retail_sim import simulate_retail
from features.simulate.subscription_sim import simulate_subscription
from features.simulate.timeline import Timeline
from features.simulate.writer import write_dir

Kind = Literal["retail", "subscription"]


def simulate(
    *,
    customers: int,
    months: int,
    seed: int,
    kind: Kind = "retail",
    start: dt.date = dt.date(2023, 1, 1),
    horizon_days: int = 90,
    progress: Callable[[int, int], None] | None = None,
) -> SimulatedData:
    """Simulate `customers` over `months` calendar months from `start`, deterministically.

    `progress(done_months, total_months)` is called after every simulated month.
    """
    if customers < 1 or months < 1 or horizon_days < 1:
        raise ValueError("customers, months and horizon_days must be positive")
    if kind not in ("retail", "subscription"):
        raise ValueError(f"unknown kind {kind!r}; use 'retail' or 'subscription'")
    run = simulate_retail if kind == "retail" else simulate_subscription
    timeline = Timeline.build(start, months, horizon_days)
    return run(np.random.default_rng(seed), timeline, customers, progress)


def simulate_to_dir(
    out_dir: Path,
    *,
    customers: int,
    months: int,
    seed: int,
    kind: Kind = "retail",
    start: dt.date = dt.date(2023, 1, 1),
    horizon_days: int = 90,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Simulate and write the tables, truth.parquet and churn.yaml; returns churn.yaml's path."""
    data = simulate(
        customers=customers,
        months=months,
        seed=seed,
        kind=kind,
        start=start,
        horizon_days=horizon_days,
        progress=progress,
    )
    return write_dir(data, Path(out_dir), seed=seed)
