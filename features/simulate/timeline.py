"""The month grid of a simulation: day offsets, seasonality, horizon windows, timestamps.

Inside the simulator time is a float number of days since `start` (day 0 is the first
simulated day). Latent state changes only at month boundaries and is constant within a
month, which is what makes the truth computable exactly, month piece by month piece.
Cutoffs are month ends and follow `features/tables.py`: a cutoff day `t` knows everything
before day `t + 1`, and its label window is `[t + 1, t + 1 + horizon)`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

SEASONALITY = np.array([0.9, 0.85, 0.95, 1.0, 1.0, 0.9, 0.85, 0.9, 1.0, 1.1, 1.25, 1.3])
"""Purchase intensity by calendar month (January first): the Q4 peak, a summer dip."""


@dataclass(frozen=True)
class Timeline:
    """Calendar months from `start`, extended past the span so future windows can be priced."""

    start: dt.date
    months: int
    horizon_days: int
    bounds: np.ndarray
    """Day offset of each month's first day; `bounds[0] == 0`, the first month may be partial."""
    month_of_year: np.ndarray
    """Calendar month (0 = January) of each month index."""

    @classmethod
    def build(cls, start: dt.date, months: int, horizon_days: int) -> Timeline:
        total = months + horizon_days // 28 + 2
        first = np.datetime64(start, "D")
        month0 = first.astype("datetime64[M]")
        firsts = (month0 + np.arange(1, total + 1)).astype("datetime64[D]")
        bounds = np.concatenate([[0], (firsts - first).astype(np.int64)])
        moy = (month0 + np.arange(total)).astype(np.int64) % 12
        return cls(start, months, horizon_days, bounds, moy)

    @property
    def end_day(self) -> int:
        """The first day after the simulated span; `as_of` is the day before it."""
        return int(self.bounds[self.months])

    @property
    def as_of(self) -> dt.date:
        return self.start + dt.timedelta(days=self.end_day - 1)

    def days(self, month: int) -> int:
        return int(self.bounds[month + 1] - self.bounds[month])

    def season(self, month: int) -> float:
        return float(SEASONALITY[self.month_of_year[month]])

    def cutoff(self, month: int) -> np.datetime64:
        """The cutoff date of a month: its last day, as midnight `datetime64[ns]`."""
        day = np.datetime64(self.start, "D") + int(self.bounds[month + 1] - 1)
        return day.astype("datetime64[ns]")

    def window(self, month: int) -> np.ndarray:
        """Days of each following month that fall in the label window of `month`'s cutoff."""
        begin = self.bounds[month + 1]
        end = begin + self.horizon_days
        starts, stops = self.bounds[month + 1 : -1], self.bounds[month + 2 :]
        overlap = np.minimum(stops, end) - starts
        return overlap[overlap > 0].astype(np.float64)

    def horizon_observed(self, month: int) -> bool:
        """Whether the label window of this cutoff ends inside the simulated span."""
        return int(self.bounds[month + 1]) + self.horizon_days <= self.end_day

    def timestamps(self, days: np.ndarray) -> np.ndarray:
        """Float day offsets to `datetime64[ns]`, rounded to the second."""
        seconds = np.floor(np.asarray(days, dtype=np.float64) * 86_400.0).astype(np.int64)
        base = np.datetime64(self.start, "ns")
        return base + (seconds * 10**9).astype("timedelta64[ns]")
