"""The oracle: the simulator's own churn probability for each customer at each cutoff.

Given the latent state at a month-end cutoff, the window `[t + 1, t + 1 + horizon)` spans
a few month pieces. Phases change only at month boundaries with the probabilities of
`phases.Transition`, so every route through the window (stay, defect at boundary o and
leave at f, leave at once, ...) can be enumerated with its probability. Each kind then
prices a route: retail by the chance of no purchase along it, subscription by whether
it cancels inside the window.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from features.simulate.phases import ACTIVE, DEFECTING, Transition


@dataclass(frozen=True)
class Route:
    """One path of phases through the window's months, for every customer at once."""

    prob: np.ndarray
    """(n,) probability of this route (0 where it does not start from the customer's phase)."""
    activity: np.ndarray
    """(n, J) activity multiplier per window month: 1 active, decay^d defecting, 0 gone."""
    gone_month: int
    """Window month (0-based) in which the customer leaves, or -1 if they stay."""


def routes(
    phase: np.ndarray,
    months_defecting: np.ndarray,
    moves: list[Transition],
    *,
    decay: float = 1.0,
) -> Iterator[Route]:
    """All routes from the current phase through the boundaries of the window months."""
    n, months = len(phase), len(moves)
    still = (phase == ACTIVE).astype(np.float64)
    for start in range(months):
        leave = np.ones((n, months))
        leave[:, start:] = 0.0
        yield Route(still * moves[start].leave, leave, start)
        onset = still * moves[start].onset
        yield from _defecting(onset, moves, start, np.zeros(n), decay)
        still = still * (1.0 - moves[start].leave - moves[start].onset)
    yield Route(still, np.ones((n, months)), -1)
    already = (phase == DEFECTING).astype(np.float64)
    yield from _defecting(already, moves, -1, months_defecting.astype(np.float64), decay)


def _defecting(
    prob: np.ndarray,
    moves: list[Transition],
    begin: int,
    completed: np.ndarray,
    decay: float,
) -> Iterator[Route]:
    """Routes of customers defecting from window month `begin` (-1: already at the cutoff).

    `completed` counts the months of defecting done before the first defecting window
    month; a customer who starts defecting at boundary `begin` can leave from the next
    boundary on, with the depth-dependent chance of `Transition.finish`.
    """
    months = len(moves)
    index = np.arange(months)[None, :]
    first = max(begin, 0)
    curve = np.where(index >= first, decay ** (completed[:, None] + 1 + index - first), 1.0)
    survive = prob
    for boundary in range(begin + 1, months):
        done = completed + boundary - first
        leave = moves[boundary].finish(done)
        activity = curve.copy()
        activity[:, boundary:] = 0.0
        yield Route(survive * leave, activity, boundary)
        survive = survive * (1.0 - leave)
    yield Route(survive, curve, -1)
