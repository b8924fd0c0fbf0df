"""A buying (or using) rhythm of one gap, in words that do not call it usual.

Two purchase days make one gap, and the median of one gap is that gap: "usually buys
every 1275 days" of a customer who bought twice (Superstore's QA) claims a habit the
data do not show. Their reasons say what there is: "bought on 2 days so far, 1275 days
apart", "3.1× their only gap so far". The family's own columns tell them apart: a gap
median without a spread (`gap_cv`, which needs two gaps) is of one gap. So for a usage
log's active days (`active_gap_cv`): 4 of a Stack Exchange site's 38 scored users, with
two active days each, read "usually active every 2124 days".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from features.tables import numbers

PURCHASE_RHYTHM = ("gap_median_days", "gap_cv")
USE_RHYTHM = ("active_gap_median_days", "active_gap_cv")
"""A rhythm's median gap and the spread of its gaps (`features/recency.py`,
`features/usage.py`)."""
RHYTHM_OF = {
    **dict.fromkeys(
        (
            "days_since_last_purchase",
            "overdue_ratio",
            "gap_median_days",
            "silence_beyond_gaps_share",
            "silence_vs_longest_gap",
        ),
        PURCHASE_RHYTHM,
    ),
    **dict.fromkeys(
        (
            "days_since_last_event",
            "use_overdue_ratio",
            "active_gap_median_days",
            "use_silence_vs_longest_gap",
        ),
        USE_RHYTHM,
    ),
}
"""The features whose reasons read a rhythm, and which."""
SAID_BY_OVERDUE = frozenset({"silence_beyond_gaps_share"})
"""With one gap, it says whether the silence is longer than that gap: the overdue
ratio's fact, told in fewer words."""

_USUALLY = re.compile(r"\busually (buys|pays|active) every (\S+) (days?)\b")
_DONE = {"buys": "bought", "pays": "paid", "active": "active"}
_ONLY = "their only gap so far"
_PHRASES = (
    ("their usual gap between active days", "their only gap between active days so far"),
    ("their longest gap between active days so far", "their only gap between active days so far"),
    ("longer than all of their past gaps", f"longer than {_ONLY}"),
    ("no longer than any gap they had before", f"no longer than {_ONLY}"),
    ("their usual gap", _ONLY),
    ("their longest gap so far", _ONLY),
)


def one_gap_rows(
    features: Mapping[str, Any], rhythm: tuple[str, str] = PURCHASE_RHYTHM
) -> np.ndarray | None:
    """Per row, whether the customer's `rhythm` is of a single gap; None where the
    features cannot tell (no such rhythm, or its spread left out). The features are the
    current code's, so a model packaged before usage's spread gets the words too."""
    if any(name not in features for name in rhythm):
        return None
    median, spread = (numbers(features[name]) for name in rhythm)
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
