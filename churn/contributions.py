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
    matrix = np.asarray(contributions, dtype=np.float64)
    if matrix.shape[1] != len(columns) + 1:
        raise ValueError(f"expected {len(columns)} columns + bias, got {matrix.shape[1]}")
    sources, membership = _grouping(tuple(source_of.get(column, column) for column in columns))
    return Grouped(values=matrix[:, :-1] @ membership, sources=sources, bias=matrix[:, -1])


@lru_cache(maxsize=64)
def _grouping(names: tuple[str, ...]) -> tuple[list[str], np.ndarray]:
    """The sources in first-seen order and the column -> source 0/1 matrix (the same for
    every call with one model: cached, since a live run is a few rows)."""
    sources = list(dict.fromkeys(names))
    position = {source: i for i, source in enumerate(sources)}
    membership = np.zeros((len(names), len(sources)))
    membership[np.arange(len(names)), [position[name] for name in names]] = 1.0
    membership.flags.writeable = False
    return sources, membership


MIN_DIRECTION_ROWS = 50
MIN_DIRECTION_CORRELATION = 0.1
"""Below this correlation between a feature and its contribution it has no usual
direction (U-shaped, or barely used), and its reasons are not filtered."""


def directions_of(grouped: Grouped, features: Mapping[str, Any]) -> dict[str, int]:
    """Per numeric source feature, +1 when higher values raise the risk as a rule (their
    contributions rise with the values: rank correlation), -1 when they lower it."""
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
        if abs(correlation) >= MIN_DIRECTION_CORRELATION:
            found[source] = 1 if correlation > 0 else -1
    return found


def _rank_correlation(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's: ranks, so a few customers with extreme values (overdue 40x, spend in
    the millions) do not decide a feature's direction."""
    ranks = pd.DataFrame({"x": x, "y": y}).rank()
    return float(np.corrcoef(ranks["x"], ranks["y"])[0, 1])
