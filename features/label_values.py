"""What a label's two values conventionally mean, to tell a flipped `positive` apart.

A share of churners says little on its own: an ISP's snapshot churned 55.4% with
`positive: 1`, and a KDD Cup 2009 file of `1`/`-1` churned 7.2%. The values say more:
a `1`, `Yes` or `Attrited Customer` beside a `0`, `No` or `Existing Customer` names the
churners, whatever their share, and a `positive` of the conventional "no" beside its
"yes" names the stayers (`features/sources/` warns). A column's name can turn that
around: a hotel's `is_retained` writes True for the bookings that stay, and its
`positive: True` trained a model of who stays (ROC AUC 0.98) without a word.
"""

from __future__ import annotations

import re
from typing import Literal

from features.levels import name_words

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

STAYING_NAME_WORDS = frozenset(
    {"retained", "retention", "retain", "active", "stayed", "stay", "renewed", "renewal"}
    | {"loyal", "survived", "alive", "kept"}
)
"""Whole words of a label column's name that say its "yes" is a customer who stayed
(`is_retained`, `retention_7`, `Active`, `renewed`), as its last word (`reads_as_staying`)."""

WHO_WORDS = frozenset(
    {"customer", "member", "user", "client", "account", "subscriber", "flag", "ind", "status"}
)
"""Last words that name who or what a staying word describes (`active_customer`,
`retained_flag`), passed over to find the name's last word."""

NEGATION_WORDS = frozenset({"not", "non", "no"})
"""Words that turn a staying name around (`not_retained`)."""

YES_FLAGS = frozenset({"true", "yes", "y", "t"})
NO_FLAGS = frozenset({"false", "no", "n", "f"})
"""A label's flag values written as words, read case aside ('TRUE', 'Yes')."""

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


WINDOW_WORDS = frozenset(
    {"d", "day", "days", "w", "wk", "week", "weeks", "m", "mo", "month", "months", "q"}
    | {"quarter", "y", "yr", "year", "years", "next", "in", "within", "after"}
)
"""Words of a time window that may follow a staying word: `retained_90d`,
`active_next_month`, `renewed_within_30d` still say who stayed."""


def reads_as_staying(column: str) -> bool:
    """Whether a label column's name says its "yes" stayed: a staying word last (digits,
    a time window and `WHO_WORDS` aside: `retention_7`, `retained_90d`, `active_customer`),
    and neither a negation nor a churning word (`churn_after_renewal` says both: no
    telling). A staying word followed by another names a risk to it: `retention_risk`,
    `renewal_due`, `stay_or_go` flag the customers who may leave."""
    words = name_words(column)
    said = [w for w in words if not w.isdigit()]
    while len(said) > 1 and said[-1] in WHO_WORDS | WINDOW_WORDS:
        said.pop()
    staying = bool(said) and said[-1] in STAYING_NAME_WORDS
    return staying and not set(words) & (NEGATION_WORDS | CHURNED_WORDS)


def flag(value: str) -> bool | None:
    """A flag value's yes (1, True, Yes, Y) or no (0, -1, False, No, N), None for values
    that say more ('Churned', 'Existing Customer'): those name their meaning themselves,
    whatever the column is called."""
    try:
        number = float(value)
    except ValueError:
        word = value.strip().rstrip(".").casefold()  # BigML's 'True.'
        return True if word in YES_FLAGS else False if word in NO_FLAGS else None
    return True if number == 1 else False if number in (0, -1) else None


def marks_stayers(column: str, positive: str, other: str) -> bool | None:
    """For a label named as staying (`reads_as_staying`) whose values are a yes and a no
    flag: True when `positive` is the yes, the customers the name says stayed; False when
    it is the no, as it should be. None when name or values say nothing of it."""
    said, other_said = flag(positive), flag(other)
    if not reads_as_staying(column) or said is None or other_said is None or said == other_said:
        return None
    return said
