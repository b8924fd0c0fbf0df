"""Which side of the overall churn rate a feature's values sit on in the training rows.

A reason reads as a claim about the customer's value: "DATA_VOLUME 8,835 (typical 189)"
raising the risk says heavy data users churn more. Where the model learned no direction
for a feature (its effect turns, or overlapping columns compensate each other), a TreeSHAP
cell's sign can say the opposite of what the data say of that value: on an African
operator's snapshot 29% of the risk reasons named heavy usage, where customers at 3,780
MB or more churned at 3.2% against 19% overall. Such a cell is the trees' bookkeeping
between columns, not a cause a retention agent can read (`serving/reasons.py` drops it).

A side backs a reason at 1.5x the rest's churn rate (`SIDE_RATIO`), and contradicts one
claiming the other side at less (`CONTRARY_RATIO`): both are computed once when a model is
packaged (`training/package.py`), kept in its `info` as plain lists, and read by serving
for every row it explains.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from features.levels import unseen
from features.registry import FeatureSpec
from features.tables import numbers

SIDE_BINS = 10
"""Quantile bins of a numeric feature's training values (fewer where values repeat)."""
SIDE_Z = 3.0
"""How many standard errors a bin's churn rate must lie from the overall rate to count."""
SIDE_RATIO = 1.5
"""And by how much, as a ratio either way: a bin at 17% beside 19% overall is no side."""
CONTRARY_RATIO = 1.15
"""The ratio at which a value's side contradicts a reason claiming the other one: less
than a side needs to back a reason. Cell2Cell's customers with no received call churned
at 33.4% against 28.1% for the rest (1.19x, 5.6 standard errors), yet "in their favour:
received calls 0 (typical 52.7)" was told 261 holdout customers, who churned at 36.4%:
the trees weighed the calls against monthly minutes. At 1.15 each reason it took away,
on Cell2Cell (1,144) and on simulated retail (2,415) and subscription (5,390) logs, lay
where the scored customers churned on the contradicting side too; at 1.1 the retail
log's gap regularity and tenure leaned one way in training and the other when scored
(548 reasons); at 1.2 the received calls stayed."""
MIN_SIDE_ROWS = 30
SIDE_SAMPLE_ROWS = 100_000

RISKIER, SAFER, TYPICAL = 1, -1, 2
"""Sides: churns clearly more, clearly less; `TYPICAL`: a value most rows hold that churns
like the rest, no reason either way ("response: no" was the top reason of 86% of a
shop's customers, 90% of whom held it, at 11.5% churn beside 11.2% overall)."""
MAJORITY = 0.5
"""A value held by more than this share of the rows is the typical customer's: its churn
rate is close to the overall one by construction, so it is set against the rest's rate
(a bank's one product, half its customers, churned at 28% against 13% for the rest)."""


def churn_sides(
    rows: pd.DataFrame,
    specs: Sequence[FeatureSpec],
    churned: np.ndarray,
    *,
    ratio: float = SIDE_RATIO,
) -> dict[str, Any]:
    """Per feature of `specs`, the side of the overall churn rate each part of its range
    sits on: numeric features by quantile bins (`{"edges": [...], "sides": [...],
    "blank": side}`), categorical ones by level (`{"levels": {level: side}, "blank":
    side}`); +1 churns clearly more, -1 clearly less, 0 neither, 2 a value most rows hold
    that churns like the rest (`TYPICAL`). JSON-ready. `ratio`: how far apart from the
    rest's rate a side lies (`SIDE_RATIO`; `CONTRARY_RATIO` for the sides that only
    contradict a reason)."""
    return churn_sides_at(rows, specs, churned, (ratio,))[0]


def churn_sides_at(
    rows: pd.DataFrame,
    specs: Sequence[FeatureSpec],
    churned: np.ndarray,
    ratios: Sequence[float],
) -> list[dict[str, Any]]:
    """`churn_sides` at each of `ratios`, the bins and levels counted once for all (a
    model packages its sides and its contrary sides)."""
    if len(rows) > SIDE_SAMPLE_ROWS:
        picked = np.random.default_rng(0).choice(len(rows), SIDE_SAMPLE_ROWS, replace=False)
        rows, churned = rows.iloc[np.sort(picked)], churned[np.sort(picked)]
    y = np.asarray(churned, dtype=np.float64)
    base = float(y.mean()) if len(y) else math.nan
    found: list[dict[str, Any]] = [{} for _ in ratios]
    if not 0 < base < 1:
        return found
    for spec in specs:
        if spec.name not in rows:
            continue
        sides = (
            _level_sides(rows[spec.name], y, base, ratios)
            if spec.dtype == "category"
            else _numeric_sides(numbers(rows[spec.name]), y, base, ratios)
        )
        for at_ratio, side in zip(found, sides, strict=True):
            at_ratio[spec.name] = side
    return found


def _side(churners: float, n: int, base: float, rows: int, ratio: float) -> int:
    """+1 / -1 where `churners` of `n` rows churn clearly more / less than `base` (by the
    standard errors) and than the rest of the `rows` (by `ratio`); `TYPICAL` for a
    value held by most of the rows (`MAJORITY`) that does neither."""
    if n < MIN_SIDE_ROWS:
        return 0
    rate = churners / n
    z = (rate - base) / math.sqrt(base * (1 - base) / n)
    majority = n > MAJORITY * rows
    # a large value is much of the overall rate itself: set against the rest of the rows
    # (Telco's referrers, 46% of customers, churned at 19.4% against 26.5% overall, no
    # side by the ratio, but against 32.6% for the rest: "Referred a Friend: Yes" had
    # raised the risk of 1,393 customers)
    other = (base * rows - churners) / (rows - n) if rows > n else base
    if z >= SIDE_Z and _apart(rate, other, ratio):
        return RISKIER
    if z <= -SIDE_Z and _apart(other, rate, ratio):
        return SAFER
    return TYPICAL if majority else 0


def _apart(higher: float, lower: float, ratio: float) -> bool:
    """Whether churn rate `higher` lies above `lower` by `ratio`, in churn rates or in
    stay rates, whichever are the rarer outcome's (the larger ratio). A usage log's
    one-day users whose use fell to nothing churned at 95.7% against 87% overall: no
    churn rate can reach 1.15x of 87%, yet 4.3% staying against 13% is 3x, and "in their
    favour: commit down 100%" had been told of them. Either way, so a side does not turn
    on which side of 50% the base rate falls."""
    return higher >= lower * ratio or 1 - lower >= (1 - higher) * ratio


def _numeric_sides(
    values: np.ndarray, y: np.ndarray, base: float, ratios: Sequence[float]
) -> list[dict[str, Any]]:
    blank = np.isnan(values)
    known = values[~blank]
    edges = _edges(known)
    bins = _bin_of(values[~blank], edges)
    churners = np.bincount(bins, weights=y[~blank], minlength=len(edges) + 1)
    counts = np.bincount(bins, minlength=len(edges) + 1)
    blank_churners, blank_rows = float(y[blank].sum()), int(blank.sum())
    return [
        {
            "edges": [float(edge) for edge in edges],
            "sides": [
                _side(c, int(n), base, len(y), ratio) for c, n in zip(churners, counts, strict=True)
            ],
            "blank": _side(blank_churners, blank_rows, base, len(y), ratio),
        }
        for ratio in ratios
    ]


VALUE_BINS_AT_MOST = 50
"""A feature of this many values or fewer, each held by `MIN_SIDE_ROWS` rows or more, has
a bin per value: a quantile's edge joins the values below it, and a payment delay of 16
days, churning at 58%, shared the 13-15 days' bin at 10% and read as the safe side."""


def _edges(known: np.ndarray) -> np.ndarray:
    """The bins' upper edges: a bin per value where the values are few and each well held
    (`VALUE_BINS_AT_MOST`), else `SIDE_BINS` quantiles (fewer where values repeat)."""
    if not len(known):
        return np.zeros(0)
    values, counts = np.unique(known, return_counts=True)
    if len(values) <= VALUE_BINS_AT_MOST and counts.min() >= MIN_SIDE_ROWS:
        return values[:-1]
    return np.unique(np.quantile(known, np.linspace(0, 1, SIDE_BINS + 1)[1:-1]))


def _bin_of(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """The bin of each value: how many edges lie below it (a value on an edge joins the
    bin below it; `Sides.of_rows` bins alike)."""
    return np.searchsorted(edges, values, side="left")


def _level_sides(
    values: pd.Series, y: np.ndarray, base: float, ratios: Sequence[float]
) -> list[dict[str, Any]]:
    text = values.astype("object")
    blank = text.isna().to_numpy()
    frame = pd.DataFrame({"level": text[~blank].astype(str).to_numpy(), "y": y[~blank]})
    grouped = frame.groupby("level", sort=False)["y"].agg(["sum", "count"])
    counted = list(zip(grouped.index, grouped["sum"], grouped["count"], strict=True))
    blank_churners, blank_rows = float(y[blank].sum()), int(blank.sum())
    return [
        {
            "levels": {
                str(level): side
                for level, churners, n in counted
                if (side := _side(float(churners), int(n), base, len(y), ratio))
            },
            "blank": _side(blank_churners, blank_rows, base, len(y), ratio),
        }
        for ratio in ratios
    ]


def rarer_levels(
    rows: pd.DataFrame, levels: Mapping[str, Sequence[str]], churned: np.ndarray
) -> dict[str, dict[str, float]]:
    """Per categorical column of `levels` (a model's kept levels) whose training rows hold
    others, too rare to keep (`features.levels.MAX_LEVELS`), those rarer levels together,
    as the model reads them, one unknown: how many (`levels`), their rows' churn rate
    (`churn`), the rest's (`rest`) and its side against them (`side`, by `SIDE_RATIO`).
    A reason from such a level is a fact about that group, and only where its side backs
    it: 7,375 of Cell2Cell's 24,501 training rows held one of 573 rarer service areas,
    churning at 30.7% against 28.0% for the rest (no side), and on its holdout at 28.5%
    against 29.0%, yet "service area: NEVLMS619 (a level the model does not know ...)"
    raised the risk of 1,720 of its 10,210 customers. JSON-ready."""
    y = np.asarray(churned, dtype=np.float64)
    found: dict[str, dict[str, float]] = {}
    if not 0 < (y.mean() if len(y) else 0.0) < 1:  # one class: no rate to be apart from
        return found
    for name, kept in levels.items():
        if name not in rows:
            continue
        values = rows[name].to_numpy(dtype=object)
        rarer = unseen(values, kept)
        n = int(rarer.sum())
        if not 0 < n < len(y):
            continue
        churners = float(y[rarer].sum())
        found[name] = {
            "levels": len(set(map(str, values[rarer]))),
            "churn": churners / n,
            "rest": float(y[~rarer].mean()),
            "side": _side(churners, n, float(y.mean()), len(y), SIDE_RATIO),
        }
    return found


NO_SIDES = (0, 0)
"""A level's (backing, contrary) sides where it has none."""


@dataclass(frozen=True)
class Sides:
    """A model's `churn_sides`, ready for many rows: numeric features' edges padded to one
    matrix, so a batch or a live run looks up every cell in one pass. Each side comes as
    a pair: the one that backs a reason (`SIDE_RATIO`), and the one that contradicts a
    reason claiming the other (`CONTRARY_RATIO`), both of one lookup: a second pass cost a
    live run a tenth of its reasons' time."""

    numeric: tuple[str, ...]
    edges: np.ndarray
    """One row of edges per numeric feature, padded with +inf."""
    sides: np.ndarray
    """Per numeric feature, its bins' (backing, contrary) sides, padded with 0."""
    numeric_blank: np.ndarray
    levels: Mapping[str, tuple[Mapping[str, tuple[int, int]], tuple[int, int]]]
    """Per categorical feature: its levels' sides and a blank's."""

    @classmethod
    def of(
        cls,
        found: Mapping[str, Any],
        names: Sequence[str],
        contrary: Mapping[str, Any] | None = None,
    ) -> Sides:
        """The sides of `names` among `found` (`churn_sides`; an older model has none), each
        beside the one `contrary` gives it (`churn_sides` at `CONTRARY_RATIO`), else
        beside itself: a model packaged before contrary sides judges by its sides alone."""
        numeric = [n for n in names if n in found and "edges" in found[n]]
        width = max((len(found[n]["edges"]) for n in numeric), default=0)
        edges = np.full((len(numeric), width), np.inf)
        sides = np.zeros((len(numeric), width + 1, 2), dtype=np.int8)
        blank = np.zeros((len(numeric), 2), dtype=np.int8)
        for i, name in enumerate(numeric):
            known, other = found[name], _contrary_of(found[name], (contrary or {}).get(name))
            edges[i, : len(known["edges"])] = known["edges"]
            sides[i, : len(known["edges"]) + 1] = np.column_stack([known["sides"], other["sides"]])
            blank[i] = known["blank"], other["blank"]
        levels = {
            n: _level_pairs(found[n], _contrary_of(found[n], (contrary or {}).get(n)))
            for n in names
            if n in found and "levels" in found[n]
        }
        return cls(tuple(numeric), edges, sides, blank, levels)

    def of_rows(self, features: Mapping[str, Any], n: int) -> tuple[list[str], np.ndarray]:
        """The features of `features` with sides, and each row's (backing, contrary) sides
        of each (+1 / -1 / 0 / `TYPICAL`; rows x features x 2). One matrix pass for the
        numeric ones: a live run explains a few rows, where per-feature pandas calls
        doubled the reasons' cost."""
        present = [i for i, name in enumerate(self.numeric) if name in features]
        names = [self.numeric[i] for i in present]
        parts = []
        if present:
            values = np.column_stack([numbers(features[name]) for name in names])
            edges = self.edges[present]
            # per cell, how many of its feature's edges lie below the value
            bins = (values[:, :, None] > edges[None, :, :]).sum(axis=2)
            sides = self.sides[present][np.arange(len(present))[None, :], bins]
            blank = self.numeric_blank[present][None, :, :]
            parts.append(np.where(np.isnan(values)[:, :, None], blank, sides))
        for name, (levels, blank) in self.levels.items():
            if name in features and (levels or any(blank)):
                # a few rows' levels: Python's own tests beat pandas' per-call cost
                said = [
                    blank if v is None or v is pd.NA or v != v else levels.get(str(v), NO_SIDES)
                    for v in np.asarray(features[name], dtype=object).tolist()
                ]
                parts.append(np.array(said, dtype=np.int8).reshape(-1, 1, 2))
                names.append(name)
        if not names or len(parts[0]) != n:
            return [], np.zeros((n, 0, 2), dtype=np.int8)
        return names, np.concatenate(parts, axis=1)


def _contrary_of(found: Mapping[str, Any], contrary: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """A feature's contrary sides where they are of the same bins as its `found` ones,
    else `found` itself (a model packaged before contrary sides)."""
    if contrary is None or contrary.get("edges") != found.get("edges"):
        return found
    return contrary


def _level_pairs(
    found: Mapping[str, Any], contrary: Mapping[str, Any]
) -> tuple[dict[str, tuple[int, int]], tuple[int, int]]:
    """A categorical feature's (backing, contrary) sides per level and of a blank: a level
    with a contrary side only (1.15x the rest's churn rate, short of 1.5x) is listed too."""
    backing, other = found["levels"], contrary["levels"]
    pairs = {level: (backing.get(level, 0), other.get(level, 0)) for level in {**backing, **other}}
    return pairs, (found["blank"], contrary["blank"])
