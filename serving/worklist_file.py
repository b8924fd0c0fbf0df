"""The worklist as a flat table for a retention team's spreadsheet or CRM import.

The API's worklist items nest their reasons and segments; a call list wants one row per
customer and one column per field, so reasons become `reason_1`, `reason_2`... (their
plain-words text, strongest first, as the API ranks them; one that lowers the risk says
so) and each segment its own column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from serving.schemas import LOWERING, RAISING, Band, Sort, Tier

FIRST_COLUMNS = ["customer_id", "probability", "band", "value", "value_at_risk", "tier"]
LAST_COLUMNS = ["model_name", "model_version", "cutoff"]
CHANGE_COLUMNS = ["previous_probability", "probability_change", "previous_cutoff"]
"""Only when the batch was compared with a previous one."""
BANDS: tuple[Band, ...] = ("low", "medium", "high")
TIERS: tuple[Tier, ...] = ("most_valuable", "most_growable", "below_zero", "standard")
SORTS: tuple[Sort, ...] = ("value_at_risk", "probability", "probability_change")


def worklist_frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """One row per customer: scores, `reason_1..n` texts, one column per segment. The
    reason columns are as many as a customer may have, whatever these rows hold: a CRM
    import mapping `reason_1..4` broke on a list of a weak model's, which had none."""
    most = max((len(row["reasons"]) for row in rows), default=0)
    reasons = max(RAISING + LOWERING, most)
    segments = list(dict.fromkeys(name for row in rows for name in row["segments"]))
    compared = any(row.get("previous_cutoff") is not None for row in rows)
    first = FIRST_COLUMNS + (CHANGE_COLUMNS if compared else [])
    flat = [
        {
            **{name: row.get(name) for name in first},
            **{f"reason_{k + 1}": _text(row["reasons"], k) for k in range(reasons)},
            **{name: row["segments"].get(name) for name in segments},
            **{name: row[name] for name in LAST_COLUMNS},
        }
        for row in rows
    ]
    columns = [
        *first,
        *(f"reason_{k + 1}" for k in range(reasons)),
        *segments,
        *LAST_COLUMNS,
    ]
    exact = pd.DataFrame(flat, columns=columns)
    frame = exact.round(ROUNDED)
    for column in PROBABILITIES:
        if column in frame:
            frame[column] = _near_certain_kept(frame[column], exact[column])
    return frame


PROBABILITIES = ("probability", "previous_probability")


def _near_certain_kept(rounded: pd.Series, exact: pd.Series) -> pd.Series:
    """Probabilities within 0.00005 of 0 or 1, which 4 decimals write as a certain 0.0 or
    1.0 (a 0.18%-churn log's lowest), at two significant digits of their distance from it
    instead: 0.0000031, 0.99999."""
    exact = exact.astype("float64")
    low = exact < 0.00005
    high = exact > 0.99995
    kept = rounded.copy()
    kept[low] = exact[low].map(lambda p: float(f"{p:.2g}"))
    kept[high] = exact[high].map(lambda p: 1.0 - float(f"{1.0 - p:.2g}"))
    return kept


ROUNDED = {
    "probability": 4,
    "previous_probability": 4,
    "probability_change": 4,
    "value": 2,
    "value_at_risk": 2,
}
"""A spreadsheet wants 0.7 and 89596.8, not the stored 0.699999988 and 89596.80399999."""


LOWERS = "in their favour: "
"""Before a reason that lowers the risk (the API lists the strongest one after those that
raise it): a call list read as "why at risk" must not take it for a warning sign."""


def reason_text(reason: dict[str, Any]) -> str:
    """The reason's words, marked when it lowers the risk."""
    return reason["text"] if reason["direction"] == "raises" else LOWERS + reason["text"]


def _text(reasons: Sequence[dict[str, Any]], k: int) -> str | None:
    return reason_text(reasons[k]) if k < len(reasons) else None
