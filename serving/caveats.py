"""What the modeller was told about the served model, said to the people who use its scores.

A near-chance model promoted with `--force` scored Superstore's 693 customers all medium
or high, with confident reasons, and neither the API nor the worklist said a word. Two
sources, read once per loaded version: the notes `churn train` printed, packaged in the
model's `info` (`training/caveats.py`), and how the version was promoted, from its
registry tags (`training/promote.py` writes them). A model packaged before the notes
travelled has none of them; a version forced before the gate's reasons were recorded
says only that it was forced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

FORCED_TAG = "forced"
"""'true' when `--force` put the version where it is (last promotion), else 'false'."""
GATE_REFUSAL_TAG = "gate_refusal"
"""The gate's reasons for refusing the version ('; '-joined), '' when it passed it."""


@dataclass(frozen=True)
class Caveats:
    notes: tuple[str, ...] = ()
    """Every caveat, each a sentence: `GET /v1/model` and `churn score` show them all."""
    ranking: tuple[str, ...] = ()
    """Those that change how a team reads a worklist: the order is weak (near chance, a
    simple baseline orders better, a leak inflated its test) or a gate refused the model.
    The worklist says them in one line: the other notes are the modeller's, and a
    worklist read daily that repeats them all gets skipped."""


def caveats_of(info: Mapping[str, Any], tags: Mapping[str, str]) -> Caveats:
    """The caveats of a model (its `info`) promoted as its version's `tags` say."""
    refused = tags.get(GATE_REFUSAL_TAG)
    forced = _forced(refused) if tags.get(FORCED_TAG) == "true" else None
    return Caveats(
        notes=(*info.get("caveats", []), *([forced] if forced else [])),
        ranking=(*info.get("ranking_caveats", []), *([forced] if forced and refused else [])),
    )


def _forced(refused: str | None) -> str:
    if refused:
        return f"promoted with --force although the promotion gate refused it ({refused})"
    if refused is None:  # tagged before the reasons were
        return "promoted with --force past the promotion gate"
    return (
        "promoted with --force without comparison with the champion it replaced; the gate "
        "passed it on its own metrics"
    )
