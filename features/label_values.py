"""What a label's two values conventionally mean, to tell a flipped `positive` apart.

A share of churners says little on its own: an ISP's snapshot churned 55.4% with
`positive: 1`, and a KDD Cup 2009 file of `1`/`-1` churned 7.2%. The values say more:
a `1`, `Yes` or `Attrited Customer` beside a `0`, `No` or `Existing Customer` names the
churners, whatever their share, and a `positive` of the conventional "no" beside its
"yes" names the stayers (`features/sources.py` warns).
"""

from __future__ import annotations

import re
from typing import Literal

Meaning = Literal["churned", "stayed"]

CHURNED_WORDS = frozenset(
    {"true", "yes", "y", "t", "churn", "churned", "churner", "exited", "exit", "left", "leaver"}
    | {"cancelled", "canceled", "cancel", "attrited", "attrition", "gone", "lost", "lapsed"}
)
"""Words of a value that names a customer who left ('Attrited Customer', 'Churned')."""

STAYED_WORDS = frozenset(
    {"false", "no", "n", "f", "not", "non", "stayed", "stay", "retained", "existing"}
    | {"active", "current", "remained", "loyal"}
)
"""Words of a value that names a customer who stayed; a negation ('Not churned') too."""

_WORD = re.compile(r"[a-z]+")


def meaning(value: str) -> Meaning | None:
    """'churned' for a conventional "yes" (1, True, 'Churned'), 'stayed' for a "no" (0,
    -1, False, 'No', 'Not churned': a negation wins), None for anything else."""
    try:
        number = float(value)
    except ValueError:
        words = set(_WORD.findall(value.casefold()))
        if words & STAYED_WORDS:
            return "stayed"
        return "churned" if words & CHURNED_WORDS else None
    return "churned" if number == 1 else "stayed" if number in (0, -1) else None


def conventional(positive: str, other: str) -> Meaning | None:
    """What the `positive` value conventionally means beside the label's `other` value:
    None unless one of the two reads "yes" and the other "no"."""
    said, other_said = meaning(positive), meaning(other)
    return said if said is not None and other_said is not None and said != other_said else None
