"""The hidden relationship phase: active -> defecting -> gone, changing at month boundaries.

DOMAIN.md "Partial defection": before leaving, a customer spends a few months
*defecting* (spend, breadth and frequency decay while consumables continue), then stops.
DOMAIN.md "Service quality": a single bad incident can end the relationship at once
(`leave`). Both the simulation and the truth use the same `Transition` per boundary, so
the truth is the simulator's own probability, not an estimate of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ACTIVE, DEFECTING, GONE = 0, 1, 2
PHASE_NAMES = ("active", "defecting", "gone")
BOOST_KEEP = 0.5
"""Service incidents raise the hazard; the share of the raise still there a month later."""


@dataclass
class Phases:
    """Mutable latent phase of every customer (index = position in the population)."""

    phase: np.ndarray
    months_defecting: np.ndarray
    """Months spent defecting, counting the current one (kept as it was once gone)."""
    boost: np.ndarray
    """Hazard boost from recent service incidents: hazard multiplier is `1 + boost`."""
    severe: np.ndarray
    """P(leaving at the next boundary) from severe incidents in the month just ended."""

    @classmethod
    def start(cls, n: int) -> Phases:
        return cls(
            phase=np.zeros(n, np.int8),
            months_defecting=np.zeros(n, np.int16),
            boost=np.zeros(n),
            severe=np.zeros(n),
        )

    def add_incidents(self, idx: np.ndarray, boost: np.ndarray, severe: np.ndarray) -> None:
        """End of month: old boosts decay, this month's incidents add theirs."""
        self.boost *= BOOST_KEEP
        self.boost[idx] += boost
        self.severe[:] = 0.0
        self.severe[idx] = severe


@dataclass(frozen=True)
class Transition:
    """The moves at one boundary, per customer (unconditional: leave + onset <= 1)."""

    leave: np.ndarray
    """P(gone at once): a severe incident (or a refused renewal) ends it."""
    onset: np.ndarray
    """P(active -> defecting)."""
    by_depth: np.ndarray
    """(n, depths) P(defecting -> gone) by months of decline so far (last entry: beyond)."""

    @classmethod
    def build(cls, *, leave: np.ndarray, hazard: np.ndarray, by_depth: np.ndarray) -> Transition:
        leave = np.clip(leave, 0.0, 1.0)
        onset = (1.0 - leave) * np.clip(hazard, 0.0, 0.95)
        table = np.broadcast_to(by_depth, (len(leave), np.shape(by_depth)[-1]))
        return cls(leave, onset, table)

    def finish(self, completed: np.ndarray) -> np.ndarray:
        """P(defecting -> gone) after `completed` months of decline.

        Leaving gets likelier the longer the decline has run, so the truth rises together
        with the visible decay rather than jumping at the hidden onset.
        """
        depth = np.minimum(completed, self.by_depth.shape[1] - 1).astype(np.int64)
        table = np.take_along_axis(self.by_depth, depth[:, None], axis=1)[:, 0]
        return 1.0 - (1.0 - table) * (1.0 - self.leave)


def lifecycle_multiplier(tenure_months: np.ndarray) -> np.ndarray:
    """DOMAIN.md "Lifecycle stage": new customers leave more, long-tenure customers less."""
    return 0.5 + 1.2 * np.exp(-np.maximum(tenure_months, 0.0) / 6.0)


def step(
    rng: np.random.Generator,
    phases: Phases,
    idx: np.ndarray,
    move: Transition,
) -> np.ndarray:
    """Apply one boundary's moves to customers `idx`; returns the ones who just left."""
    u = rng.random(len(idx))
    phase = phases.phase[idx]
    active, defecting = phase == ACTIVE, phase == DEFECTING
    finish = move.finish(phases.months_defecting[idx])
    gone = (active & (u < move.leave)) | (defecting & (u < finish))
    onset = active & ~gone & (u < move.leave + move.onset)
    phases.months_defecting[idx[defecting & ~gone]] += 1
    phases.months_defecting[idx[onset]] = 1
    phases.phase[idx[onset]] = DEFECTING
    phases.phase[idx[gone]] = GONE
    return idx[gone]
