"""Changes between two readings of one measure that a table of attributes holds side by side.

DOMAIN.md's partial defection: a customer cutting back shows as a fall against their own
earlier level. A snapshot writes the two levels as two columns of one measure: a bank's
`current_month_credit` beside `previous_month_credit`. Read alone, each gave reasons such
as "average monthly balance prev Q 173,964 (typical 3,547)"; the fall that told the
churners apart (the lowest tenth of a bank's balance against its previous one churned at
72%) was no reason at all. Each pair yields its relative change, read as "current month
credit down 62% versus previous month credit".

Pairs are told by their names alone: one word apart, that word naming how recent each
reading is, the newer current (this, latest...), the older previous (prior, last...:
"last" is the newer beside "previous", the older beside "current"). Numbered columns are
not paired: a telecom's `arpu_6..8` count months up, a credit card's `PAY_0..6` count
them back, and `Product_1..3` are three products.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np

from features.attributes import spoken_name
from features.context import Context
from features.levels import name_words
from features.registry import Columns, Family, FeatureSpec, Mechanism

RECENCY_OF_WORD = {
    **dict.fromkeys(("current", "curr", "cur", "this", "now", "latest", "recent", "new"), 0),
    "last": 1,
    **dict.fromkeys(("previous", "prev", "prior", "before", "earlier", "old"), 2),
}
"""How recent a word names a reading: lower is newer."""


def measure_pairs(names: list[str]) -> list[tuple[str, str]]:
    """(newer, older) column names of one measure read at two times, in `names`' order of
    the newer: of readings named alike but for their recency word, the newest and the one
    next to it (current beside last beside previous: current against last)."""
    return list(_pairs(tuple(names)))


@lru_cache(maxsize=64)
def _pairs(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """`measure_pairs`, once per set of names: a build asks twice, and a live request
    each time. One pass, the names grouped by their words but the recency word (a
    comparison of every two names took 8.5 s for 3,000)."""
    readings: dict[tuple, dict[int, str]] = {}
    for name in names:
        words = name_words(name)
        for i, word in enumerate(words):
            if word in RECENCY_OF_WORD:
                alike = readings.setdefault((words[:i], words[i + 1 :]), {})
                alike.setdefault(RECENCY_OF_WORD[word], name)
    pairs = {}
    for alike in readings.values():
        if len(alike) >= 2:
            newest, older = sorted(alike)[:2]
            pairs.setdefault(alike[newest], alike[older])
    return tuple((newer, pairs[newer]) for newer in names if newer in pairs)


def change_name(newer: str, older: str) -> str:
    return f"change_{newer}_vs_{older}"


def change_spec(newer: str, older: str, words: Mapping[str, str]) -> FeatureSpec:
    """The relative change of `newer` against `older`, named in reasons by `words` (the
    config's `attribute_words`) where it names them."""
    said_newer = words.get(newer) or spoken_name(newer)
    said_older = words.get(older) or spoken_name(older)
    # the template reads its own value as `{}`: the names may hold '.', ':' or braces
    escaped = [said.replace("{", "{{").replace("}", "}}") for said in (said_newer, said_older)]
    return FeatureSpec(
        change_name(newer, older),
        "float",
        Mechanism.PARTIAL_DEFECTION,
        f"Relative change of '{newer}' against '{older}' (-0.6 = down 60%).",
        # no words where it is unknown: a blank reading, or none to measure against
        # (a reason "... 0: no change" had been told of a month 7 of 47.14, month 8 blank)
        f"{escaped[0]} {{!c:.0%}} versus {escaped[1]}",
    )


def change_from_older(newer: np.ndarray, older: np.ndarray) -> np.ndarray:
    """(newer - older) / |older|: a balance from -100 to -50 is up 50%; NaN where either
    is blank, or older is 0 and newer is not (no level to measure against); 0 where both
    are 0. (`features.activity.relative_change` divides by the previous as it is: a
    window's spend is never negative.)"""
    with np.errstate(divide="ignore", invalid="ignore"):
        change = (newer - older) / np.abs(older)
    change[(older == 0) & (newer == 0)] = 0.0
    change[~np.isfinite(change)] = np.nan
    return change


def _numeric(ctx: Context) -> list[str]:
    return [name for name, kind in ctx.tables.attributes.items() if kind == "numeric"]


def _specs(ctx: Context) -> list[FeatureSpec]:
    words = ctx.tables.attribute_words
    return [change_spec(newer, older, words) for newer, older in measure_pairs(_numeric(ctx))]


def _compute(ctx: Context, cutoff_day: int, done: Mapping[str, np.ndarray]) -> Columns:
    """From the attributes' own columns as of the cutoff (`done`: the attributes family's)."""
    return {
        change_name(newer, older): change_from_older(
            np.asarray(done[newer], dtype=np.float64), np.asarray(done[older], dtype=np.float64)
        )
        for newer, older in measure_pairs(_numeric(ctx))
    }


FAMILY = Family("attribute changes", _specs, _compute)
