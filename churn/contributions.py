"""TreeSHAP contributions per source feature, and which way each feature moves the risk.

Shared by training (which learns the directions when it packages a model) and serving
(which turns contributions into reasons, `serving/reasons.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Grouped:
    """Contributions summed per source feature; `bias` is the model's base margin."""

    values: np.ndarray
    """n × len(sources)."""
    sources: list[str]
    bias: np.ndarray


def group_contributions(
    contributions: np.ndarray, columns: Sequence[str], source_of: Mapping[str, str]
) -> Grouped:
    """Sum the model columns that map to one source feature (bias column last, kept apart).

    A column missing from `source_of` is its own source. SHAP values are additive, so the
    sum over a group is the contribution of the whole attribute and totals are preserved.
    """
    return Grouping.of(columns, source_of).apply(contributions)


@dataclass(frozen=True, eq=False)
class Grouping:
    """Which model columns sum into which source feature: one model's, prepared once (a
    live run is a few rows, where naming the sources again was a cost of its own)."""

    columns: int
    sources: list[str]
    membership: np.ndarray
    """The column -> source 0/1 matrix."""

    @classmethod
    def of(cls, columns: Sequence[str], source_of: Mapping[str, str]) -> Grouping:
        names = tuple(source_of.get(column, column) for column in columns)
        sources, membership = _grouping(names)
        return cls(len(columns), sources, membership)

    def apply(self, contributions: np.ndarray) -> Grouped:
        matrix = np.asarray(contributions, dtype=np.float64)
        if matrix.shape[1] != self.columns + 1:
            raise ValueError(f"expected {self.columns} columns + bias, got {matrix.shape[1]}")
        return Grouped(
            values=matrix[:, :-1] @ self.membership, sources=self.sources, bias=matrix[:, -1]
        )


@lru_cache(maxsize=64)
def _grouping(names: tuple[str, ...]) -> tuple[list[str], np.ndarray]:
    """The sources in first-seen order and the column -> source 0/1 matrix (the same for
    every call with one model: cached)."""
    sources = list(dict.fromkeys(names))
    position = {source: i for i, source in enumerate(sources)}
    membership = np.zeros((len(names), len(sources)))
    membership[np.arange(len(names)), [position[name] for name in names]] = 1.0
    membership.flags.writeable = False
    return sources, membership


MIN_DIRECTION_ROWS = 50
MIN_DIRECTION_CORRELATION = 0.1
"""Below this correlation between a feature and its contribution it has no usual
direction (barely used), and its reasons are not filtered."""
DIRECTION_BINS = 10
MAX_REVERSAL = 0.25
"""A usual direction holds only if, across the value's quantile bins, the mean
contribution never steps against it by more than this share of its spread."""


def directions_of(grouped: Grouped, features: Mapping[str, Any]) -> dict[str, int]:
    """Per source feature of `features`, +1 when higher values raise the risk as a rule
    (their contributions rise with the values), -1 when they lower it; none where the
    effect turns (`_monotone`). `features`: the numeric ones only, as the caller knows
    them (a category's codes read as numbers would be given an order they do not have)."""
    found = {}
    for j, source in enumerate(grouped.sources):
        if source not in features:
            continue
        values = np.asarray(pd.to_numeric(features[source], errors="coerce"), dtype=np.float64)
        known = ~np.isnan(values)
        if known.sum() < MIN_DIRECTION_ROWS or np.ptp(values[known]) == 0:
            continue
        contribution = grouped.values[known, j]
        if np.ptp(contribution) == 0:
            continue
        correlation = _rank_correlation(values[known], contribution)
        if abs(correlation) < MIN_DIRECTION_CORRELATION:
            continue
        direction = 1 if correlation > 0 else -1
        if _monotone(values[known], contribution, direction):
            found[source] = direction
    return found


def crossings_of(
    grouped: Grouped, features: Mapping[str, Any], directions: Mapping[str, int]
) -> dict[str, float]:
    """Per feature of `directions`, the value where its contributions turn from lowering
    the risk to raising it: the threshold that best splits the rows by the sign of their
    contribution (midway between two values the rows hold). A reason's side is judged
    against it rather than the typical customer's value: a subscription snapshot's
    median was 6 support calls, the risk jumped between 4 and 5, and "Support Calls 5"
    (+5.3 in log-odds) was never a reason of the 54 high-risk customers it drove."""
    found = {}
    for j, source in enumerate(grouped.sources):
        direction = directions.get(source)
        if not direction or source not in features:
            continue
        values = np.asarray(pd.to_numeric(features[source], errors="coerce"), dtype=np.float64)
        known = ~np.isnan(values)
        if not known.any():
            continue
        # in `riskward` units higher is riskier, whichever the direction
        levels, at = np.unique(values[known] * direction, return_inverse=True)
        risky = np.bincount(at, weights=grouped.values[known, j] > 0, minlength=len(levels))
        safe = np.bincount(at, minlength=len(levels)) - risky
        # wrong sides with the threshold below level k: risky rows under it, safe above
        wrong = np.concatenate([[0.0], np.cumsum(risky)])
        wrong += safe.sum() - np.concatenate([[0.0], np.cumsum(safe)])
        k = int(np.argmin(wrong))
        edges = np.concatenate([[levels[0] - 1.0], levels, [levels[-1] + 1.0]])
        found[source] = float((edges[k] + edges[k + 1]) / 2 * direction)
    return found


def _monotone(values: np.ndarray, contribution: np.ndarray, direction: int) -> bool:
    """Whether the mean contribution runs one way across the value's quantile bins. A
    rank correlation alone calls a turning effect a direction: 2 bank products safer
    than 1 read as "more products, lower risk", and the 3 or 4 that churn nine times in
    ten (+3.8 in log-odds) were then never shown as a reason."""
    levels, bins = np.unique(values, return_inverse=True)
    if len(levels) > DIRECTION_BINS:  # else each value its own bin: quantile edges would
        # merge a rare end (5% at 0) into the common value's bin and hide the turn
        bins = pd.qcut(values, DIRECTION_BINS, labels=False, duplicates="drop")
    counts = np.bincount(bins)
    means = np.bincount(bins, weights=contribution)[counts > 0] / counts[counts > 0]
    steps = np.diff(means) * direction
    reversal = max(0.0, -steps.min()) if len(steps) else 0.0
    return reversal <= MAX_REVERSAL * np.ptp(means)


def _rank_correlation(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's: ranks, so a few customers with extreme values (overdue 40x, spend in
    the millions) do not decide a feature's direction."""
    ranks = pd.DataFrame({"x": x, "y": y}).rank()
    return float(np.corrcoef(ranks["x"], ranks["y"])[0, 1])
