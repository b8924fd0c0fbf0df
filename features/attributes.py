"""Customer attributes from the config (segment, region, plan, contract, seats...).

Attributes carry relationship type and switching cost (contract and commitment
attributes, DOMAIN.md) and predict the wallet. A customers table is a snapshot, so its
attributes are static and must not be something only known after a cutoff (training
names one that tells who is gone by the data's end: `training/leaks.py`); those of a
dated log (a customers log, or columns a payment or usage log carries: a payment's
auto-renew flag) are read as of each cutoff.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from features.activity import to_days
from features.context import Context
from features.identifiers import named_as_a_person
from features.label_values import flag
from features.levels import name_words, texts
from features.registry import Columns, Family, FeatureSpec, Mechanism
from features.sources.dates import as_dates
from features.tables import Tables, numbers, whole_years

PERSONAL_WORDS = frozenset(
    {"gender", "sex", "senior", "race", "ethnicity", "ethnic", "religion", "marital"}
    | {"nationality", "disability", "pregnant", "pregnancy", "married", "dependents"}
)
"""Words naming who a customer is rather than how they deal with the business: a bank
snapshot's `Gender` gave 2,878 reasons "Gender: Female" and 492 "in their favour:
Gender: Male" to a retention team that may not act on them; a telecom's `Married` was the
most frequent reason of its worklist (2,147 of 14,000)."""
OWN_AGE_WORDS = frozenset({"customer", "client", "member", "user", "person", "holder"})
"""Whose age a name like Customer_Age gives: a person's. 'age' counts as a name's first
word (Age, AgeHH1, age_band) or after one of these: AccountAge, HandsetAge and
DeviceAgeMonths are the age of something else."""


def personal_attributes(specs: list[FeatureSpec], never: list[str]) -> list[str]:
    """The attributes named as who a customer is (SeniorCitizen, AgeHH1, Marital_Status,
    a LastName listed by name, which `attributes: all` leaves out) that reasons still
    show: not in `reasons.never`."""
    return [
        spec.name
        for spec in specs
        if spec.mechanism is Mechanism.ATTRIBUTE and spec.name not in never and _personal(spec.name)
    ]


def _personal(name: str) -> bool:
    words = name_words(name)
    if not PERSONAL_WORDS.isdisjoint(words) or named_as_a_person(name):
        return True
    ages = [i for i, word in enumerate(words) if word == "age"]
    return any(i == 0 or words[i - 1] in OWN_AGE_WORDS for i in ages)


def attribute_spec(
    name: str,
    kind: str,
    levels: tuple[str, ...] = (),
    *,
    flag: bool = False,
    capitals: bool = False,
    year: bool = False,
    words: str | None = None,
) -> FeatureSpec:
    """A numeric `flag` (only 0 and 1 in the data, like SeniorCitizen) reads "yes"/"no",
    or "Yes"/"No" with `capitals`; a `year` reads without a thousands separator
    ("arrival date year 2015"); `words` name the attribute in reasons ("transactions in
    the last 12 months: 20"), else its name as spoken (`spoken_name`)."""
    # the templates read the value as `{}`, the feature's own (its name may hold '.',
    # ':' or braces), and the words as literal text
    called = (words or spoken_name(name)).replace("{", "{{").replace("}", "}}")
    said = f"{called}:" if words else called
    # a blank can be what drives the score (a field only some customers' records fill);
    # left unsaid, the reasons would pass the top cause over for the next ones
    missing = f"{words or spoken_name(name)}: not recorded"
    if kind == "date":
        return FeatureSpec(
            name,
            "float",
            Mechanism.ATTRIBUTE,
            f"Customer attribute '{name}' (a date): the days from the cutoff to it, "
            "negative before it (a contract's end in 45 days, an activation 900 days ago).",
            f"{said} {{!o}}",
            reason_missing=missing,
        )
    if kind == "numeric":
        return FeatureSpec(
            name,
            "float",
            Mechanism.ATTRIBUTE,
            f"Customer attribute '{name}' (numeric{', a 0/1 flag' if flag else ''}).",
            f"{called}: {{!{'Y' if capitals else 'y'}}}"
            if flag
            else f"{said} {{!{'i' if year else 'n'}}}",
            reason_missing=missing,
            # years lie within `TYPICAL_WITHIN` of each other: "(typical 2016)" never shows
            reason_typical=not flag and not year,
        )
    return FeatureSpec(
        name,
        "category",
        Mechanism.ATTRIBUTE,
        f"Customer attribute '{name}' (categorical).",
        f"{called}: {{!b}}" if _yes_and_no(levels) else f"{called}: {{}}",
        categories=levels,
        reason_missing=missing,
    )


def _yes_and_no(levels: tuple[str, ...]) -> bool:
    """Whether a category's two levels are a flag's yes and no written as words other
    than Yes and No ('t' and 'f': an energy retailer's has_gas read "also a gas client:
    t"), which its reasons say as "yes" and "no"."""
    said = [flag(level) for level in levels if not _NUMBER.fullmatch(level)]
    return sorted(said, key=str) == [False, True] and set(levels) != {"Yes", "No"}


_NUMBER = re.compile(r"-?\d+(\.\d*)?")
"""A level written as a number: a code the data chose (0 and 1 stay as written)."""


def spoken_name(name: str) -> str:
    """An attribute's name as a reason writes it: underscores read as spaces ("GET 200
    count 53 (typical 59)", not "GET_200_count", a column name shown to a retention
    agent), a header's surrounding blanks dropped ("Tenureinmonths  9" of Maven's export),
    and a CamelCase word as its words ("overage minutes 144 (typical 3)" of Cell2Cell's
    OverageMinutes, "age HH1"); words the data space out keep their capitals ("Referred
    a Friend")."""
    words = name.replace("_", " ").split()
    return " ".join(_camel_words(word) for word in words) or name.strip()


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
"""Where a CamelCase word's next word starts: after a lower-case letter, or before the
last capital of a run of them ("HTTPStatus")."""


def _camel_words(word: str) -> str:
    """'MonthlyCharges' as 'monthly charges'; a word without a capital inside stays, and
    so does one whose first letter alone is small ('iPhone', 'eMail'), and a capital
    alone at the end ('balance_prevQ' as 'prev Q', as 'prevQ2' reads 'prev Q2'; not
    'ReferredAFriend', 'referred a friend')."""
    parts = _CAMEL.split(word)
    if len(parts) == 1 or len(parts[0]) == 1:
        return word
    last = len(parts) - 1
    return " ".join(
        part.lower() if part.istitle() and part.isalpha() and (len(part) > 1 or k < last) else part
        for k, part in enumerate(parts)
    )


FLAG_CONVERSIONS = frozenset("yY")
"""The reason conversions of a flag's value, "yes"/"no" or "Yes"/"No" (`attribute_spec`)."""
DATE_CONVERSIONS = frozenset("o")
"""The reason conversion of a date attribute's days from the cutoff ("in 45 days")."""


def is_flag(spec: FeatureSpec) -> bool:
    """A numeric attribute declared a 0/1 flag (only 0 and 1 in the data, `_is_flag`), as
    its reason reads it ("Complain: yes")."""
    return _converted(spec, FLAG_CONVERSIONS)


def is_date(spec: FeatureSpec) -> bool:
    """A date attribute, read as the days from the cutoff to it (`attribute_spec`)."""
    return _converted(spec, DATE_CONVERSIONS)


def attribute_kind(spec: FeatureSpec) -> str:
    """'numeric', 'categorical' or 'date': an attribute's kind, as its spec was made."""
    if spec.dtype == "category":
        return "categorical"
    return "date" if is_date(spec) else "numeric"


def _converted(spec: FeatureSpec, conversions: frozenset[str]) -> bool:
    if spec.family != FAMILY.name or spec.dtype == "category" or spec.reason is None:
        return False
    parsed = string.Formatter().parse(spec.reason)
    return any(conversion in conversions for _, _, _, conversion in parsed)


def _levels(values: pd.Series) -> tuple[str, ...]:
    """The distinct texts of a column, sorted. Text columns are made distinct first (as
    the strings they are: no two spellings merge), so only the few levels become Python
    strings: 1M customers' region, 0.14 s one by one."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.StringDtype):
        values = values.drop_duplicates()
    return tuple(sorted(set(texts(values)) - {None}))


YEAR_WORDS = frozenset({"year", "yr"})
"""A numeric attribute named with a word of these, its values whole years
(`features.tables.whole_years`), holds years (`_is_year`)."""


def _is_year(name: str, values: pd.Series | np.ndarray) -> bool:
    """Years by name and values: a hotel's `arrival_date_year` read "2,015" in 1,645
    reasons; `years_as_customer` (1 to 40) is a count, shown as one."""
    return not YEAR_WORDS.isdisjoint(name_words(name)) and whole_years(values)


def _is_flag(values: pd.Series | np.ndarray) -> bool:
    known = numbers(values)
    known = known[~np.isnan(known)]
    return len(known) > 0 and bool(np.isin(known, (0.0, 1.0)).all())


def _specs(ctx: Context) -> list[FeatureSpec]:
    words, kinds = ctx.tables.attribute_words, ctx.tables.attributes
    levels = {
        n: _levels(_every_value(ctx.tables, n)) for n, k in kinds.items() if k == "categorical"
    }
    # flags read as the data's own yes/no columns write them: a telecom extract's 0/1
    # RetentionOffersAccepted read "yes" beside HandsetWebCapable's "Yes"
    capitals = any(set(found) == {"Yes", "No"} for found in levels.values())
    specs = []
    for name, kind in kinds.items():
        if kind == "categorical":
            specs.append(attribute_spec(name, kind, levels[name], words=words.get(name)))
        elif kind == "date":
            specs.append(attribute_spec(name, kind, words=words.get(name)))
        else:
            values = _every_value(ctx.tables, name)
            specs.append(
                attribute_spec(
                    name,
                    kind,
                    flag=_is_flag(values),
                    capitals=capitals,
                    year=_is_year(name, values),
                    words=words.get(name),
                )
            )
    return specs


def _every_value(tables: Tables, name: str) -> pd.Series:
    """Every value an attribute takes: a dated log's (`attribute_history`) where it has
    the attribute, else the customers table's."""
    history = tables.attribute_history
    return history[name] if history is not None and name in history else tables.customers[name]


def _compute(ctx: Context, cutoff_day: int, done: Mapping[str, np.ndarray]) -> Columns:
    customers = ctx.tables.customers
    history = ctx.tables.attribute_history
    columns: Columns = {}
    for name, kind in ctx.tables.attributes.items():
        dated = history is not None and name in history
        values = as_of(history, name, ctx, cutoff_day) if dated else customers[name]
        if kind == "date":
            columns[name] = to_days(values) - cutoff_day
        else:
            columns[name] = numbers(values) if kind == "numeric" else texts(values)
    return columns


def as_of(history: pd.DataFrame, name: str, ctx: Context, cutoff_day: int) -> pd.Series:
    """Each customer's latest known value of attribute `name` recorded on or before the
    cutoff day (missing when none is), in axis order: rows recorded later, a plan changed
    after the cutoff, are not known at it."""
    known = history.loc[to_days(history["timestamp"]) <= cutoff_day, ["customer_id", name]]
    latest = known.dropna(subset=[name]).drop_duplicates("customer_id", keep="last")
    return latest.set_index("customer_id")[name].reindex(ctx.axis)


def with_kinds(tables: Tables, kinds: Mapping[str, str]) -> Tables:
    """The tables with each attribute read as `kinds` says (a model's): a later extract
    may infer another kind ('unknown' beside numbers made a categorical column numeric),
    and a model must read its attributes as it learned them, as a live request does."""
    changed = {
        name: kind
        for name, kind in kinds.items()
        if name in tables.attributes and tables.attributes[name] != kind
    }
    if not changed:
        return tables
    history = tables.attribute_history
    return replace(
        tables,
        customers=_retyped(tables.customers, changed),
        attribute_history=None if history is None else _retyped(history, changed),
        attributes={**tables.attributes, **changed},
    )


def _retyped(frame: pd.DataFrame, kinds: Mapping[str, str]) -> pd.DataFrame:
    retype = {"numeric": numbers, "date": as_dates, "categorical": _as_levels}
    return frame.assign(**{name: retype[kind](frame[name]) for name, kind in kinds.items()})


def _as_levels(values: pd.Series) -> pd.Series:
    """Numbers as the loader reads a categorical column of them: 12.0 is '12'."""
    number = numbers(values)
    text = [
        None if np.isnan(v) else (str(int(v)) if v.is_integer() else str(v))
        for v in number.tolist()
    ]
    return pd.Series(text, index=values.index, dtype="string")


FAMILY = Family("attributes", _specs, _compute)
