"""Changes between two readings of one measure that a table of attributes holds side by side.

DOMAIN.md's partial defection: a customer cutting back shows as a fall against their own
earlier level. A snapshot writes the two levels as two columns of one measure: a bank's
`current_month_credit` beside `previous_month_credit`, a telecom's `total_rech_amt_8`
beside `total_rech_amt_7` (months 6, 7 and 8). Read alone, each gave reasons such as
"average monthly balance prev Q 173,964 (typical 3,547)"; the fall that told the churners
apart (the lowest tenth of a bank's balance against its previous one churned at 72%) was
no reason at all. Each pair yields its relative change, read as "current month credit
down 62% versus previous month credit".

Pairs are told by their names alone: one word apart, the newer one named current (this,
latest...) and the older previous (prior, last...: "last" is the newer beside
"previous", the older beside "current"), or a run of three or more numbered columns
(`_6`, `_7`, `_8`), whose last two are paired. Nothing else is guessed: `AgeHH1` beside
`AgeHH2` are two people, not two months.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

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
NUMBERED = re.compile(r"(.+?)[_ ](\d{1,2})")
"""A measure numbered by its period at the end of its name: `arpu_8`, `MOU 7`."""
NUMBERED_RUN = 3
"""The fewest consecutive numbered columns of one measure read as periods."""


def measure_pairs(names: list[str]) -> list[tuple[str, str]]:
    """(newer, older) column names of one measure read at two times, in `names`' order of
    the newer; a column is the newer of one pair at most."""
    pairs = {**_worded_pairs(names), **_numbered_pairs(names)}
    return [(newer, pairs[newer]) for newer in names if newer in pairs]


def _worded_pairs(names: list[str]) -> dict[str, str]:
    """Names one word apart, that word naming each reading's recency."""
    found: dict[str, str] = {}
    worded = [(name, name_words(name)) for name in names]
    for name, words in worded:
        for other, other_words in worded:
            apart = _one_word_apart(words, other_words)
            if apart is None or name in found:
                continue
            newer, older = (RECENCY_OF_WORD.get(word) for word in apart)
            if newer is not None and older is not None and newer < older:
                found[name] = other
    return found


def _one_word_apart(words: tuple[str, ...], others: tuple[str, ...]) -> tuple[str, str] | None:
    if len(words) != len(others):
        return None
    apart = [(w, o) for w, o in zip(words, others, strict=True) if w != o]
    return apart[0] if len(apart) == 1 else None


def _numbered_pairs(names: list[str]) -> dict[str, str]:
    """The last two of each run of `NUMBERED_RUN` or more consecutive numbered columns."""
    runs: dict[str, dict[int, str]] = {}
    for name in names:
        if (found := NUMBERED.fullmatch(name)) is not None:
            runs.setdefault(found[1], {})[int(found[2])] = name
    pairs = {}
    for numbered in runs.values():
        last = max(numbered)
        if all(last - k in numbered for k in range(NUMBERED_RUN)):
            pairs[numbered[last]] = numbered[last - 1]
    return pairs


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
        f"{escaped[0]} {{!c:.0%}} versus {escaped[1]}",
        reason_missing=f"{said_older} 0: no change to measure",
    )


def relative_change(newer: np.ndarray, older: np.ndarray) -> np.ndarray:
    """(newer - older) / |older|: a balance from -100 to -50 is up 50%; NaN where older
    is 0 and newer is not (no level to measure against), 0 where both are."""
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
        change_name(newer, older): relative_change(
            np.asarray(done[newer], dtype=np.float64), np.asarray(done[older], dtype=np.float64)
        )
        for newer, older in measure_pairs(_numeric(ctx))
    }


FAMILY = Family("attribute changes", _specs, _compute)
