"""Categorical values as positions among a fixed list of levels (a fitted encoder's).

Models learn levels at fit time and must encode later rows the same way, by *value*: a
frame's own categories may be listed in another order or hold only a few of the levels
(one live customer has one level). Missing and unseen values get -1.

A live request encodes a handful of values, where building a pandas hash table per call
would be most of the cost, so small inputs are looked up in a cached dict instead.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

SMALL = 256
"""Up to this many values and levels: dict lookups; above: a pandas hash join."""

MAX_LEVELS = 100
"""Levels a model keeps per categorical column (`churn/model.py`): a zip code or a
free-text field would otherwise give the trees thousands of levels of a handful of
customers each to split on. `features/identifiers.py` leaves out of `attributes: all`
a column whose kept levels would cover well under half the rows."""


def level_codes(values: pd.Series | np.ndarray | Sequence, levels: Sequence[str]) -> np.ndarray:
    """Position of each value in `levels`, -1 when missing or unseen.

    A categorical column maps its few categories rather than every row (a row-wise
    lookup would cost a pass over a large batch).
    """
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        lookup = np.append(level_codes(values.cat.categories.to_numpy(object), levels), -1)
        return lookup[values.cat.codes.to_numpy()]  # code -1 (missing) takes the last entry
    if len(values) > SMALL and not isinstance(levels, pd.Index) and len(levels) <= SMALL:
        return _codes_of_distinct(values, levels)
    if len(values) > SMALL or len(levels) > SMALL:  # a batch, or a whole customer axis
        index = levels if isinstance(levels, pd.Index) else _index(tuple(levels))
        return index.get_indexer(values).astype(np.int64)
    array = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values
    return _by_dict(array, levels)


def _by_dict(array: np.ndarray | Sequence, levels: Sequence[str]) -> np.ndarray:
    """Each value's position among a few `levels` (-1: none), one dict lookup each."""
    positions = _positions(tuple(levels))
    return np.fromiter((positions.get(v, -1) for v in array), np.int64, len(array))


def _codes_of_distinct(
    values: pd.Series | np.ndarray | Sequence, levels: Sequence[str]
) -> np.ndarray:
    """`level_codes` of a batch against a few named levels, through its distinct values:
    one hash pass over the rows (`pd.factorize`), then the few distinct values looked up.
    A hash join of the rows onto the levels (`Index.get_indexer`) first infers the rows'
    type: 0.29-0.65 s for 1M attribute texts, against 0.06 s this way."""
    codes, distinct = pd.factorize(values)
    distinct = np.asarray(distinct, dtype=object)
    # looked up here: through `level_codes` again, many distinct values recursed
    if len(distinct) > SMALL:
        lookup = _index(tuple(levels)).get_indexer(distinct).astype(np.int64)
    else:
        lookup = _by_dict(distinct, levels)
    return np.append(lookup, -1)[codes]  # code -1 (missing) takes the last entry


def codes_in(codes: np.ndarray, wanted: Sequence[int], levels: int) -> np.ndarray:
    """Rows whose code (a position among `levels` levels, -1 for missing) is in `wanted`:
    a lookup table, since np.isin's setup costs more than a live request's rows. The
    table's extra last entry answers code -1 with False."""
    table = np.zeros(levels + 1, dtype=bool)
    table[np.asarray(wanted, dtype=np.int64)] = True
    return table[codes]


def unseen(values: pd.Series | np.ndarray | Sequence, levels: Sequence[str]) -> np.ndarray:
    """Where a value is present but no level, as the model reads it (`level_numbers`:
    'MONTH-TO-MONTH' is the trained 'Month-to-month', '2 - High' is no '2-High')."""
    array = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values
    present = ~pd.isna(np.asarray(array, dtype=object))
    return present & np.isnan(level_numbers(values, levels))


def level_numbers(values: pd.Series | np.ndarray | Sequence, levels: Sequence[str]) -> np.ndarray:
    """`level_codes` as floats with NaN for missing or unseen: how XGBoost reads a
    categorical column (the churn model's and the wallet model's input alike).

    A value that is no level takes the level it equals ignoring case and surrounding
    space ('ENTERPRISE ' is 'enterprise'): the loader folds such spellings onto the most
    common one (`features/sources/`), which a later file or a posted customer may spell
    otherwise."""
    codes = level_codes(values, levels)
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        if (codes < 0).any():  # fold the few categories, not every row
            categories = texts(values.cat.categories.to_numpy(object)).tolist()
            folded = _folded_positions(tuple(levels))
            retry = np.array([folded.get(_fold(c), -1) for c in categories] + [-1])
            codes = np.where(codes >= 0, codes, retry[values.cat.codes.to_numpy()])
        return np.where(codes >= 0, codes, np.nan)
    array = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values
    unmatched = np.flatnonzero(codes < 0)
    if len(unmatched):
        some = np.asarray(array, dtype=object)[unmatched]
        present = ~pd.isna(some)  # missing stays missing, without a Python pass over it
        if present.any():  # fold each distinct value once
            positions, distinct = factorize(texts(some[present]))
            folded = _folded_positions(tuple(levels))
            retry = np.array([folded.get(_fold(v), -1) for v in list(distinct)], dtype=np.int64)
            codes[unmatched[present]] = retry[positions]
    return np.where(codes >= 0, codes, np.nan)


SIMILAR_NAME = 0.85
"""How alike two names must be (difflib's ratio) to read one as a misspelling of the
other: 'CurrentEquipmentDay' for 'CurrentEquipmentDays' is 0.97."""


def same_but_case(name: str, names: Iterable[str]) -> str | None:
    """The one of `names` that `name` spells but for case and surrounding space, if any
    (the folding levels get in `level_numbers`)."""
    folded = {_fold(candidate): candidate for candidate in names}
    return folded.get(_fold(name))


def similar_name(name: str, names: Iterable[str]) -> str | None:
    """The one of `names` closest to `name`, if at least `SIMILAR_NAME` alike; of equally
    close ones, the one beginning as `name` does longest ('Var1260' is as alike to Var160
    as to Var126, and means Var126)."""
    close = difflib.get_close_matches(name, list(names), n=5, cutoff=SIMILAR_NAME)
    return max(
        close, key=lambda other: (_alike(name, other), _shared_start(name, other)), default=None
    )


def _alike(name: str, other: str) -> float:
    return difflib.SequenceMatcher(None, other, name).ratio()


def _shared_start(name: str, other: str) -> int:
    return next(
        (i for i, (a, b) in enumerate(zip(name, other, strict=False)) if a != b),
        min(len(name), len(other)),
    )


WHOLE_WORDS_FROM = 2
"""Words a name needs before it is read as part of a longer one (`whole_word_part`)."""


def whole_word_part(name: str, names: Iterable[str]) -> str | None:
    """The one of `names` that `name`, of two words or more, is the whole-word beginning
    or end of, missing at most half its words (`name_words`): a key
    'HOUSEHOLD_SIZE' for 'HOUSEHOLD_SIZE_DESC' is only 0.85 alike by difflib, below
    `SIMILAR_NAME`. A single word is a CRM's own key too often ('email' beside
    'email_flag'), and a name that begins several names means none of them."""
    words = name_words(name)
    if len(words) < WHOLE_WORDS_FROM:
        return None
    found = [
        candidate
        for candidate in names
        if len(words) < len(other := name_words(candidate)) <= 2 * len(words)
        and words in (other[: len(words)], other[-len(words) :])
    ]
    return found[0] if len(found) == 1 else None


ABBREVIATED = {
    **dict.fromkeys(("no", "nr", "num", "nbr"), "number"),
    **dict.fromkeys(("qty", "qnty"), "quantity"),
    **dict.fromkeys(("amt",), "amount"),
    **dict.fromkeys(("dt",), "date"),
    **dict.fromkeys(("cust",), "customer"),
    **dict.fromkeys(("acct", "acc"), "account"),
    **dict.fromkeys(("txn", "trx", "tx"), "transaction"),
    **dict.fromkeys(("desc",), "description"),
    **dict.fromkeys(("prod",), "product"),
}
"""Words schemas write short: a name of them is the long one's (`same_words_abbreviated`).
No prefix rule: 'age' is no 'agent'."""


def same_words_abbreviated(name: str, names: Iterable[str]) -> str | None:
    """The one of `names` of the same words as `name` but for `ABBREVIATED` ones, either
    way: AdventureWorks' 'SalesOrderNumber' configured as 'SalesOrderNo' (0.79 alike by
    difflib, under `SIMILAR_NAME`)."""

    def spelt_out(words: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(ABBREVIATED.get(word, word) for word in words)

    words = spelt_out(name_words(name))
    if not words:
        return None
    found = [candidate for candidate in names if spelt_out(name_words(candidate)) == words]
    return found[0] if len(found) == 1 else None


def same_words(name: str, names: Iterable[str]) -> str | None:
    """The one of `names` of the same words as `name` (`name_words`):
    the Iranian telecom file's 'Call  Failure' (two spaces) configured as 'Call Failure'."""
    words = name_words(name)
    if not words:  # '#' is no name, and no other wordless name's either
        return None
    found = [candidate for candidate in names if name_words(candidate) == words]
    return found[0] if len(found) == 1 else None


def likely_meant(name: str, names: Iterable[str], *, renumbered: bool = True) -> str | None:
    """The one of `names` a name that is none of them most likely means: the same but
    for case, else of the same words, else a similar one, else one it names part of.

    `renumbered=False` passes over names that differ from `name` only in their digits:
    a posted key of a numbered series (Orange's Var202 beside the model's Var22) is
    another column, not a misspelling; a configured name that matches no column at all
    (`segments: [Var2180]`) may still mean Var218."""
    names = [n for n in names if renumbered or not numbered_apart(name, n)]
    return (
        same_but_case(name, names)
        or same_words(name, names)
        or similar_name(name, names)
        or letters_swapped(name, names)
        or one_letter_apart(name, names)
        or same_words_abbreviated(name, names)
        or whole_word_part(name, names)
    )


def letters_swapped(name: str, names: Iterable[str]) -> str | None:
    """The one of `names` that `name` writes with two neighbouring letters swapped, case
    aside: 'regoin' for region is only 0.83 alike by difflib, under `SIMILAR_NAME`, and a
    posted attribute so misspelt was scored as unknown with a note, not refused. Not of
    a short name (`SWAPPED_AT_LEAST`: trail and trial, from and form are two words),
    and only where one name so reads."""
    folded = name.casefold()
    if len(folded) < SWAPPED_AT_LEAST:
        return None
    found = [other for other in names if _one_swap(folded, other.casefold())]
    return found[0] if len(found) == 1 else None


SWAPPED_AT_LEAST = 6
"""The length a name needs for two letters swapped, or one wrong, missing or extra, to
read as a misspelling."""


def one_letter_apart(name: str, names: Iterable[str]) -> str | None:
    """The one of `names` that `name` writes with one letter wrong, missing or extra, case
    aside: 'devise' for device and 'drivez' for drives are 0.83 alike by difflib, under
    `SIMILAR_NAME`, and a navigation app's posted `devise` was scored as unknown with a
    note, not refused. Not of a short name (`SWAPPED_AT_LEAST`), not a digit (Var1 and
    Var2 are two columns of a series), and only where one name so reads."""
    folded = name.casefold()
    if len(folded) < SWAPPED_AT_LEAST:
        return None
    found = [other for other in names if _one_letter(folded, other.casefold())]
    return found[0] if len(found) == 1 else None


def _one_letter(folded: str, theirs: str) -> bool:
    if folded == theirs or abs(len(folded) - len(theirs)) > 1:
        return False
    if len(folded) == len(theirs):
        apart = [i for i, (a, b) in enumerate(zip(folded, theirs, strict=True)) if a != b]
        return len(apart) == 1 and folded[apart[0]].isalpha() and theirs[apart[0]].isalpha()
    short, long = sorted((folded, theirs), key=len)
    at = _shared_start(short, long)
    return long[at].isalpha() and short[at:] == long[at + 1 :]


def _one_swap(folded: str, theirs: str) -> bool:
    if len(theirs) != len(folded):
        return False
    apart = [i for i, (a, b) in enumerate(zip(folded, theirs, strict=True)) if a != b]
    if len(apart) != 2 or apart[1] != apart[0] + 1:
        return False
    i, j = apart
    swapped = folded[i] == theirs[j] and folded[j] == theirs[i]
    return swapped and folded[i : j + 1].isalpha()  # digits swapped are another number


def numbered_apart(name: str, other: str) -> bool:
    """Whether two names differ only in their digits (Var202 and Var22, Q1 and Q2):
    members of a numbered series, not one name and its misspelling."""
    return _DIGITS.findall(name) != _DIGITS.findall(other) and _DIGITS.split(
        name.casefold()
    ) == _DIGITS.split(other.casefold())


_DIGITS = re.compile(r"\d+")


_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+|[^\W\dA-Za-z_]+")
"""Capitals, a capitalised or lower-case word, digits, or a run of other letters (a name
in Cyrillic or Chinese is its own words, not none)."""


def name_words(name: str) -> tuple[str, ...]:
    """A column name's words, folded, split at case changes, digits and anything else:
    CustomerId -> customer, id; 'Zip Code' -> zip, code; monthly_charges and
    MonthlyCharges alike; a name of punctuation alone has none."""
    return tuple(word.casefold() for word in _WORD.findall(name))


def _fold(value: str | None) -> str | None:
    return None if value is None else value.strip().casefold()


@lru_cache(maxsize=1024)
def _folded_positions(levels: tuple[str, ...]) -> dict[str, int]:
    """Folded level -> position, for folded forms only one level has."""
    positions: dict[str, int] = {}
    shared: set[str] = set()
    for i, level in enumerate(levels):
        key = level.strip().casefold()
        if key in positions:
            shared.add(key)
        positions.setdefault(key, i)
    return {key: i for key, i in positions.items() if key not in shared}


def categorical(values: pd.Series | np.ndarray | Sequence, levels: Sequence[str]) -> pd.Categorical:
    """`values` as a pandas categorical on exactly `levels` (others are missing)."""
    codes = level_codes(values, levels)
    return pd.Categorical.from_codes(codes, dtype=_dtype(tuple(levels)), validate=False)


def factorize(values: pd.Series | np.ndarray, *, sort: bool = False) -> tuple[np.ndarray, Sequence]:
    """`pd.factorize` (codes, uniques; missing is -1); a few values of text are coded with a
    dict: on a live request's rows pandas' hash table setup would be most of the cost."""
    if len(values) > SMALL:
        return pd.factorize(values, sort=sort)
    array = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values
    items = array.tolist()
    present = [v for v in items if v is not None]
    if not all(type(v) is str for v in present):  # numbers, NaN, NA: pandas' rules
        return pd.factorize(array, sort=sort)
    uniques = sorted(set(present)) if sort else list(dict.fromkeys(present))
    position = {u: i for i, u in enumerate(uniques)}
    codes = np.fromiter((position.get(v, -1) for v in items), np.int64, len(items))
    return codes, np.array(uniques, dtype=object)


def as_text(values: pd.Series | np.ndarray) -> pd.Series | np.ndarray:
    """A column as text (missing stays missing): a type read as a number 3 is '3'."""
    if not isinstance(values, pd.Series):
        return texts(values)
    return values if isinstance(values.dtype, pd.StringDtype) else values.astype("str")


def texts(values: pd.Series | np.ndarray) -> np.ndarray:
    """A column as Python strings, None where missing (as `as_text` reads it: 3 is '3',
    2.0 is '2.0'); a few values are converted one by one, like `level_codes`."""
    if len(values) <= SMALL:
        array = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values
        return np.array([_text(v) for v in array], dtype=object)
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    text = series if isinstance(series.dtype, pd.StringDtype) else series.astype("str")
    return text.to_numpy(dtype=object, na_value=None)


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    return None if pd.isna(value) else str(value)


@lru_cache(maxsize=1024)
def _positions(levels: tuple[str, ...]) -> dict[str, int]:
    return {level: i for i, level in enumerate(levels)}


@lru_cache(maxsize=1024)
def _index(levels: tuple[str, ...]) -> pd.Index:
    return pd.Index(levels, dtype=object)


@lru_cache(maxsize=1024)
def _dtype(levels: tuple[str, ...]) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(levels))
