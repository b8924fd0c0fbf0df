"""A buying rhythm of one gap, in words that do not call it usual.

Two purchase days make one gap, and the median of one gap is that gap: "usually buys
every 1275 days" of a customer who bought twice (Superstore's QA) claims a habit the
data do not show. Their reasons say what there is: "bought on 2 days so far, 1275 days
apart", "3.1× their only gap so far". The purchase family's own columns tell them
apart: a gap median without a spread (`gap_cv`, which needs two gaps) is of one gap. A
usage log's rhythm of active days has no such column, and its customers seldom have
only two active days; its words stay.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from features.tables import numbers

RHYTHM_REASONS = frozenset(
    {
        "days_since_last_purchase",
        "overdue_ratio",
        "gap_median_days",
        "silence_beyond_gaps_share",
        "silence_vs_longest_gap",
    }
)
"""The features whose reasons read the purchase rhythm (`features/recency.py`)."""
SAID_BY_OVERDUE = frozenset({"silence_beyond_gaps_share"})
"""With one gap, it says whether the silence is longer than that gap: the overdue
ratio's fact, told in fewer words."""

_USUALLY = re.compile(r"\busually (buys|pays) every (\S+) (days?)\b")
_DONE = {"buys": "bought", "pays": "paid"}
_ONLY = "their only gap so far"
_PHRASES = (
    ("longer than all of their past gaps", f"longer than {_ONLY}"),
    ("no longer than any gap they had before", f"no longer than {_ONLY}"),
    ("their usual gap", _ONLY),
    ("their longest gap so far", _ONLY),
)


def one_gap_rows(features: Mapping[str, Any]) -> np.ndarray | None:
    """Per row, whether the customer's purchase rhythm is of a single gap; None where
    the features cannot tell (no purchase rhythm, or its spread left out)."""
    if "gap_median_days" not in features or "gap_cv" not in features:
        return None
    median, spread = numbers(features["gap_median_days"]), numbers(features["gap_cv"])
    with np.errstate(invalid="ignore"):  # a model measuring gaps between orders had 0-day ones
        return (median > 0) & np.isnan(spread)


def in_one_gap_words(rendered: list[str | None], one_gap: np.ndarray) -> list[str | None]:
    """The rendered reasons, those of a single gap's customers (`one_gap`) reworded."""
    said = list(rendered)
    for k in np.flatnonzero(one_gap).tolist():
        if said[k] is not None:
            said[k] = _reworded(said[k])
    return said


def _reworded(text: str) -> str:
    text = _USUALLY.sub(lambda m: f"{_DONE[m[1]]} on 2 days so far, {m[2]} {m[3]} apart", text)
    for usual, only in _PHRASES:
        text = text.replace(usual, only)
    return text
