"""Live scoring: customers' raw histories posted to the API, scored as of a cutoff.

The posted rows become a `Tables` in the canonical layout `features/sources/` produces
(only the tables and columns the model's run config has, attributes typed as the model
learned them), and the model builds the features itself (`ChurnModel.feature_columns`):
the same code and learned state as training and the batch, so a customer's full history
scores exactly as in the batch at the same cutoff. For the few customers of a request,
the tables and the features are plain numpy columns rather than frames
(`features.tables.Table`), which the feature code reads alike.

Two things are batch-relative and need a choice here:

- Reason means: the model's training means when `model.info["population_means"]` holds
  them, else the means of the posted customers (`population` in the response says which).
- Tiers compare a customer with a population (top 20% by value, wallet above the
  median); a handful of posted customers say nothing about each other, so they are
  tiered against the model's last training cutoff (`ranking.TierReference`). A model
  packaged before it kept that tiers them among themselves when at least
  `TIER_MIN_CUSTOMERS` are posted, else not at all (`tier` null). Band, value and value
  at risk are per customer.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from churn.model import ChurnModel
from features.activity import day_of
from features.context import Context, prepare, slug
from features.contract import (
    MONEY_COLUMNS,
    ChurnSpec,
    DataSpec,
    EventsSpec,
    InteractionsSpec,
    TableSpec,
    TransactionsSpec,
    quantity_column,
)
from features.labels import expired_unpaid, gone_at
from features.levels import likely_meant
from features.registry import Columns
from features.returns import match_lines
from features.sources import MISSING_TEXT, reads_missing_text
from features.subscription import paid_until_day
from features.tables import Tables, cutoff_end, no_use_rows, numbers
from features.text_numbers import read_numbers
from serving.batch import (
    BeyondTraining,
    FilledBlanks,
    beyond_findings,
    beyond_note,
    filled_at_median,
    filled_note,
    filled_notes,
    records,
    says_nothing,
)
from serving.ranking import Rules, TierReference, rank, rules_for, segments_of
from serving.reasons import (
    Reason,
    population_means,
    unknown_levels,
    unseen_words,
)
from serving.schemas import (
    CancellationIn,
    CustomerHistoryIn,
    EventIn,
    InteractionIn,
    ScoreIn,
    TransactionIn,
)
from serving.scorer import Loaded

TIER_MIN_CUSTOMERS = 20
"""Fewer posted customers than this: no tiers (see the module docstring)."""
TIME_COLUMNS = frozenset({"timestamp", "signup_date", "resolved_at", "recorded_at", "paid_until"})
NUMBER_COLUMNS = frozenset({"amount", "discount", "margin", "satisfaction", "quantity"})
ROW_MODELS = {
    "transactions": TransactionIn,
    "interactions": InteractionIn,
    "events": EventIn,
    "cancellations": CancellationIn,
}
"""The activity tables a request can carry; a column is built only if it can be posted."""


class UnscorableError(ValueError):
    """A valid body the model cannot score as posted (a 422 with the reason)."""


class NotKnownAtCutoffError(UnscorableError):
    """A posted customer is not known at the cutoff, or there is no cutoff."""


class NotANumberError(UnscorableError):
    """A numeric attribute of the model posted as text that is no number."""


class GoneError(UnscorableError):
    """A posted customer the batch holds for gone at the cutoff: cancelled and bought
    nothing since, lapsed past the active window, or no longer paid up."""


@dataclass(frozen=True)
class Scored:
    """Posted customers scored together: one feature row, probability and reason list each.

    Every column is computed per customer (the training means of the reasons included),
    so scoring customers together or one by one gives the same rows; `respond` picks
    one request's customers out of it.
    """

    features: Columns
    probability: np.ndarray
    reasons: list[list[Reason]]
    population: str
    unknown_levels: dict[str, np.ndarray] = field(default_factory=dict)
    """Per categorical feature, the rows holding a level the model does not know."""
    filled: list[FilledBlanks] = field(default_factory=list)
    """The attributes some rows hold blank, scored at the median (`filled_at_median`)."""
    beyond: list[BeyondTraining] = field(default_factory=list)
    """Risky features some rows hold past training's highest (`beyond_notes`): found once
    per run, where each request's judging them again was a tenth of a run's time."""

    @cached_property
    def row_of(self) -> dict[str, int]:
        """customer id -> its row."""
        return {str(i): row for row, i in enumerate(self.features["customer_id"])}


def score_history(
    request: ScoreIn, loaded: Loaded, *, rules: Rules | None = None
) -> dict[str, Any]:
    """Score the posted customers; a dict in the shape of `ScoreOut`, items in posted order."""
    cutoff = checked_cutoff(request, loaded.model)
    return respond(
        request, cutoff, score_customers(request.customers, cutoff, loaded), loaded, rules
    )


def checked_cutoff(request: ScoreIn, model: ChurnModel) -> dt.date:
    """The request's cutoff (`resolve_cutoff`), once the request is known to be scorable:
    NotKnownAtCutoffError if a customer is not known by then (the model's data section
    says what a customer is known by), NotANumberError for a numeric attribute that is
    no number."""
    spell_as_trained(request.customers, model)
    require_numeric_attributes(request.customers, model)
    require_some_attributes(request.customers, model)
    require_no_misspelt_attributes(request.customers, model)
    require_known_quantities(request.customers, model.config.data)
    cutoff = resolve_cutoff(request, model)
    require_not_future(cutoff)
    require_known(request.customers, cutoff, model.config.data)
    churn, data = model.config.churn, model.config.data
    if churn.definition in ("inactivity", "cancellation"):
        require_active(request.customers, cutoff, churn, data)
    if churn.definition == "cancellation":
        require_not_gone(request.customers, cutoff, data, churn=churn, undo_by=model.undo_by)
    if churn.definition == "expiry":
        require_paid_up(
            request.customers, cutoff, data, grace_days=churn.grace_days, undo_by=model.undo_by
        )
    return cutoff


def spell_as_trained(customers: list[CustomerHistoryIn], model: ChurnModel) -> None:
    """Rename posted attribute keys to the model's spelling where they differ only by
    surrounding blanks: a header's 'Tenureinmonths ' (Maven's telecom export ends most
    names in a space) trains a model that reads it so, and the request schema strips
    what is posted, so 19 keys were refused as misspellings, however they were sent."""
    spaced = _spaced_names(tuple(model.attribute_kinds))
    for customer in customers if spaced else ():
        posted = customer.attributes
        for bare, name in spaced.items():
            if bare in posted and name not in posted:
                posted[name] = posted.pop(bare)


@lru_cache(maxsize=64)
def _spaced_names(names: tuple[str, ...]) -> dict[str, str]:
    """The names with surrounding blanks, by their bare form, unless that form is a
    trained name too (cached: one model's)."""
    trained = set(names)
    return {
        name.strip(): name for name in names if name != name.strip() and name.strip() not in trained
    }


def require_numeric_attributes(customers: list[CustomerHistoryIn], model: ChurnModel) -> None:
    """Numeric attributes must be numbers (or null): the loader would have refused the
    file, and read here as missing they would be scored silently as unknown."""
    numeric = [name for name, kind in model.attribute_kinds.items() if kind == "numeric"]
    unknown, flags = attribute_unknowns(model), model.flag_attributes
    bad = []
    for name in numeric:
        values = [posted_attribute(c, name, unknown, flags) for c in customers]
        read = posted_numbers(values, unknown.decimal(name))
        bad += [
            (c, name)
            for c, value, number in zip(customers, values, read, strict=True)
            if value not in (None, "") and not np.isfinite(number)  # 'inf' is no measurement
        ]
    if bad:
        said = [f"{c.customer_id}: {name}={c.attributes[name]!r}" for c, name in bad]
        texts = model.info.get("unknown_texts") or {}
        placeholders = sorted({str(t) for listed in texts.values() for t in listed})
        also = (
            f" (or {', '.join(map(repr, placeholders))}, read as unknown)" if placeholders else ""
        )
        flagged = list(dict.fromkeys(name for _, name in bad if name in flags))
        also += f"; for {', '.join(flagged)} also yes/no or true/false" if flagged else ""
        raise NotANumberError(
            f"numeric attribute(s) posted as no number ({'; '.join(said[:3])}"
            f"{f'; and {len(bad) - 3} more' if len(bad) > 3 else ''}): post finite numbers or null"
            f"{also}"
        )


FLAG_WORDS = {"yes": 1.0, "true": 1.0, "no": 0.0, "false": 0.0}
"""A 0/1 flag attribute's words (any case): its reasons read "Complain: yes", and posted
so it was a 422."""


def posted_attribute(
    customer: CustomerHistoryIn, name: str, unknown: AttributeUnknowns, flags: Collection[str]
) -> Any:
    """A posted attribute as the model reads it: None where it is a placeholder for
    unknown (`unknown`), 1 or 0 for a flag's words (`FLAG_WORDS`; `flags`: the model's
    `flag_attributes`, the only attributes read so)."""
    value = unknown.known(customer.attributes.get(name), name)
    if name in flags and isinstance(value, str):
        return FLAG_WORDS.get(value.strip().lower(), value)
    return value


def require_some_attributes(customers: list[CustomerHistoryIn], model: ChurnModel) -> None:
    """A labelled-snapshot model reads nothing but attributes: a customer posted with none
    of them (keys misspelt by a CRM) would get the base rate as a confident low score."""
    data = model.config.data
    if any(t is not None for t in (data.transactions, data.events, data.interactions)):
        return  # activity speaks for the customer
    wanted = list(model.attribute_kinds)
    bare = [c for c in customers if wanted and not set(wanted) & set(c.attributes)]
    if bare:
        posted = sorted({key for c in bare for key in c.attributes})
        raise UnscorableError(
            f"customer(s) {', '.join(c.customer_id for c in bare[:3])} posted none of the "
            f"model's attributes (it reads {', '.join(wanted[:6])}"
            f"{', …' if len(wanted) > 6 else ''}; posted: {', '.join(posted) or 'none'}): "
            "post them by these names (GET /v1/model lists them), null where unknown"
        )


def require_no_misspelt_attributes(customers: list[CustomerHistoryIn], model: ChurnModel) -> None:
    """A posted key that is not the model's but nearly one the customer lacks is a
    misspelling: scored as unknown, 'CurrentEquipmentDay' took a telecom customer from
    0.16 to 0.29, with 'not recorded' as the top reason. Keys like no attribute (a CRM's
    name or email) are ignored, as documented, and so are the training file's columns
    the model does not read (`info["unread_columns"]`: Orange's Var202, left out of
    `attributes: all`, was refused as a misspelling of Var22 in every sparse record)."""
    wanted = list(model.attribute_kinds)
    known = {*model.attribute_kinds, *model.info.get("unread_columns", ())}
    misspelt: dict[str, str] = {}
    for customer in customers:
        absent = tuple(name for name in wanted if name not in customer.attributes)
        for key in customer.attributes:
            if key not in known and (meant := _meant(key, absent)):
                misspelt[key] = meant
    if misspelt:
        said = "; ".join(f"{key!r} (did you mean {meant!r}?)" for key, meant in misspelt.items())
        raise UnscorableError(
            f"posted attribute(s) not the model's: {said}; post them by the model's names "
            "(GET /v1/model lists them), null where unknown"
        )


@lru_cache(maxsize=4096)
def _meant(key: str, absent: tuple[str, ...]) -> str | None:
    """The attribute a foreign key misspells, if any (or names in part: 'HOUSEHOLD_SIZE'
    for 'HOUSEHOLD_SIZE_DESC'); a key differing from one only in its digits is another
    column of a numbered series (Var202 beside Var22). Cached: a CRM posts the same keys
    for every customer, and difflib costs 8-20 µs a key (3-20 absent names) on the
    scoring path."""
    return likely_meant(key, absent, renumbered=False)


NOTED_CUSTOMERS = 3
"""Customers named per note; the rest are counted."""


def unposted_attributes(customers: list[CustomerHistoryIn], model: ChurnModel) -> list[str]:
    """Notes on the model's attributes customers were posted without: each is scored as
    unknown, read as training's blanks were (three omitted usage attributes took a
    telecom customer from 0.16 to 0.68), so the response says which. A posted null says
    unknown on purpose and gets no note. One training never had blank is scored at its
    median, and `median_notes` say so."""
    wanted = [name for name in model.attribute_kinds if name not in model.median_fills]
    by_missing: dict[tuple[str, ...], list[str]] = {}
    for customer in customers:
        missing = tuple(name for name in wanted if name not in customer.attributes)
        if missing:
            by_missing.setdefault(missing, []).append(customer.customer_id)
    return [
        f"{', '.join(missing)} not posted for customer(s) {_named(ids)}: scored as unknown "
        "(post null to say unknown)"
        for missing, ids in by_missing.items()
    ]


@dataclass(frozen=True)
class ReadField:
    """An optional field of posted rows whose absence the features read as a value, not
    as unknown: a Chinook customer's purchases posted without `category` scored as bought
    from no category (0.9945 -> 0.9923) without a word."""

    table: Literal["transactions", "events"]
    fields: tuple[str, ...]
    """The fields any of which carries it (a discount, or the list price it is read from)."""
    features: tuple[str, ...]
    """Beginnings of the names of the features it feeds."""
    feeds: str
    read_as: str


READ_FIELDS = (
    ReadField(
        "transactions",
        ("category",),
        ("category_breadth_", "consumables_share_"),
        "category breadth and consumables share",
        "bought from no category",
    ),
    ReadField(
        "transactions",
        ("discount", "list_price"),
        ("discount_share_",),
        "discount share",
        "never discounted",
    ),
    ReadField("transactions", ("margin",), ("margin_",), "margin and value", "earning nothing"),
    ReadField("events", ("quantity",), ("quantity_",), "usage quantities", "none used"),
)


def unposted_fields(customers: list[CustomerHistoryIn], model: ChurnModel) -> list[str]:
    """Notes on customers whose posted rows of a table carry none of a `READ_FIELDS` field
    (or of the log's further quantities, `events.quantities`) the model's data map and
    its features read: scored as its absence reads."""
    data, names = model.config.data, model.layout.names
    notes = []
    for read in [*READ_FIELDS, *_further_quantities(data.events)]:
        spec = getattr(data, read.table)
        if spec is None or not set(read.fields) & set(spec.mapped()):
            continue
        if not any(name.startswith(read.features) for name in names):
            continue
        lacking = [
            customer.customer_id
            for customer in customers
            if (rows := getattr(customer, read.table))
            and all(_posted(row, f) is None for row in rows for f in read.fields)
        ]
        if lacking:
            notes.append(
                f"{read.table} of customer(s) {_named(lacking)} carry no {read.fields[0]}, "
                f"which the model's {read.feeds} read: scored as {read.read_as}"
            )
    return notes


def _further_quantities(events: EventsSpec | None) -> list[ReadField]:
    """A `ReadField` per further quantity of the log, posted in an event's `quantities`
    by its column's name (its canonical name, `quantity_column`)."""
    return [
        ReadField(
            "events",
            (quantity_column(column),),
            (f"usage_{slug(column)}_",),
            f"usage_{slug(column)} features",
            "none used",
        )
        for column in (events.quantities if events is not None else ())
    ]


def _posted(row: Any, field: str) -> Any:
    """A posted row's value of a canonical field; a further quantity's in `quantities`."""
    if field.startswith(QUANTITIES):
        return row.quantities.get(field.removeprefix(QUANTITIES))
    return getattr(row, field)


QUANTITIES = quantity_column("")
"""The prefix of a further quantity's canonical name: `quantities.`."""


def _named(ids: Sequence[str]) -> str:
    """Customers named in a note: the first `NOTED_CUSTOMERS`, the rest counted."""
    more = f" and {len(ids) - NOTED_CUSTOMERS} more" if len(ids) > NOTED_CUSTOMERS else ""
    return ", ".join(ids[:NOTED_CUSTOMERS]) + more


def unseen_level_notes(
    features: Mapping[str, Any],
    unknown: Mapping[str, np.ndarray],
    ids: Sequence[str],
    capped: Collection[str] = (),
) -> list[str]:
    """Notes on posted categorical values the model does not know (`unknown`: per
    feature, the rows holding one, by `features.levels.unseen`), in the words of their
    reasons: scored as a blank would be, as the batch notes them; a CRM's new plan
    'premium' otherwise moved the score without a word. In a `capped` column it may be a
    level too rare to keep."""
    notes = []
    for name, outside in unknown.items():
        where = np.flatnonzero(outside).tolist()
        if where:
            values = np.asarray(features[name], dtype=object)
            shown = ", ".join(repr(v) for v in dict.fromkeys(str(values[i]) for i in where))
            said = unseen_words(capped=name in capped)
            notes.append(
                f"{name}: {shown} for customer(s) {_named([ids[i] for i in where])}: {said}"
            )
    return notes


def after_cutoff_notes(
    customers: list[CustomerHistoryIn], cutoff: dt.date, data: DataSpec
) -> list[str]:
    """Posted rows of the model's tables dated after the cutoff, counted per table: the
    features read what happened by the end of the cutoff day, as the batch does, so they
    went unread (ten purchases posted after a cutoff of 2022-06-30 gave the batch's
    answer and no note)."""
    end = dt.datetime.combine(cutoff, dt.time()) + dt.timedelta(days=1)  # `cutoff_end`
    read = [table for table in ROW_MODELS if getattr(data, table, None) is not None]
    late = {table: 0 for table in read}
    owners = []
    for customer in customers:
        theirs = {table: _after(getattr(customer, table), end) for table in read}
        if any(theirs.values()):
            owners.append(customer.customer_id)
            late = {table: late[table] + n for table, n in theirs.items()}
    if not owners:
        return []
    counted = ", ".join(f"{table} {n:,}" for table, n in late.items() if n)
    return [
        f"{sum(late.values()):,} posted rows dated after the cutoff {cutoff} were not read "
        f"({counted}; customer(s) {_named(owners)}): the score reads history up to the "
        "cutoff; post a later cutoff to read them"
    ]


def _after(rows: list[Any], end: dt.datetime) -> int:
    """How many of the posted `rows` are dated at or after `end` (a row without a time,
    a blank cancellation, is none)."""
    return sum(1 for row in rows if row.timestamp is not None and naive(row.timestamp) >= end)


def negative_quantity_notes(customers: list[CustomerHistoryIn]) -> list[str]:
    """A usage quantity is never negative: read as unknown, as the loader reads it (a
    logger's overflow), and said, as the loader warns."""
    owners = [
        customer.customer_id
        for customer in customers
        if any(
            (event.quantity is not None and event.quantity < 0)
            or any(v is not None and v < 0 for v in event.quantities.values())
            for event in customer.events
        )
    ]
    if not owners:
        return []
    return [
        f"negative event quantities of customer(s) {_named(owners)} read as unknown: a "
        "quantity (minutes, MB, seconds played) is never negative"
    ]


def unmapped_type_notes(
    customers: list[CustomerHistoryIn], spec: InteractionsSpec | None
) -> list[str]:
    """Posted interaction types the model's config maps onto no canonical type: counted
    as contacts of type 'other', as the loader counts a file's, which it warns of. Live,
    `payment_failed` posted to a model mapping `failed` moved a risk 0.882 -> 0.283
    without a word."""
    posted = {row.type for customer in customers for row in customer.interactions}
    if spec is None or not posted:
        return []
    read = spec.type_reader()
    unmapped = sorted(t for t in posted if t is not None and read(t) is None)
    if not unmapped:
        return []
    shown = ", ".join(map(repr, unmapped[:5])) + (", ..." if len(unmapped) > 5 else "")
    return [
        f"interaction types the model's config does not map, counted as 'other': {shown} "
        "(interactions.types lists the raw labels of each type)"
    ]


def require_known_quantities(customers: list[CustomerHistoryIn], data: DataSpec) -> None:
    """Posted further quantities the model's log has (`events.quantities`) and no other:
    a misspelt key ('revnue') would score as if the quantity were not posted."""
    known = set(data.events.quantities) if data.events is not None else set()
    posted = {key for c in customers for row in c.events for key in row.quantities}
    unknown = sorted(posted - known)
    if unknown:
        raise UnscorableError(
            f"events quantities {', '.join(unknown)} are not the model's (it reads "
            f"{', '.join(sorted(known)) or 'none'}: `events.quantities` of its config)"
        )


@dataclass(frozen=True)
class _Placeholders:
    texts: frozenset[str]
    numbers: frozenset[float]

    @classmethod
    def of(cls, values: list) -> _Placeholders:
        numbers = (_number(v) for v in values)
        return cls(
            frozenset(str(v).strip() for v in values),
            frozenset(n for n in numbers if not math.isnan(n)),
        )


@dataclass(frozen=True)
class Unknown:
    """A table's `missing_values`, matched as the loader matches them in its file
    (`features/sources/`): numbers as numbers, anything as stripped text; for every
    column, or per column of the file. `texts`: per column, further texts the loader
    found to mean unknown (placeholders among an attribute's numbers)."""

    spec: TableSpec | None = None
    texts: Mapping[str, list[str]] = field(default_factory=dict)
    _by_column: dict[str, _Placeholders] = field(default_factory=dict, compare=False)

    @property
    def any(self) -> bool:
        spec = self.spec
        return (spec is not None and bool(spec.missing_values or spec.valid_ranges)) or bool(
            self.texts
        )

    @property
    def missing_text(self) -> frozenset[str]:
        """Text the table's file reader takes for blank ('NA', 'NULL' in a CSV; none in
        Parquet or JSON), less the table's `not_missing`."""
        if self.spec is None:
            return frozenset()
        return _missing_text(self.spec.path, tuple(self.spec.not_missing))

    def known(self, value: Any, column: str) -> Any:
        """The posted value of a file column (an attribute's name, else the table's
        name for a canonical column), or None where it is a placeholder for unknown,
        or text the file's reader takes for missing (`missing_text`)."""
        if isinstance(value, str) and value.strip() in self.missing_text:
            return None
        if value is None or not self.any:
            return value
        if self.spec is not None and column in self.spec.valid_ranges:
            number = _number(value)
            if not math.isnan(number) and self.spec.outside_range(column, number):
                return None
        unknown = self._placeholders(column)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return None if value in unknown.numbers else value
        return None if str(value).strip() in unknown.texts else value

    def canonical(self, value: Any, name: str) -> Any:
        """`known` for a canonical column, by the file's name for it."""
        return value if self.spec is None else self.known(value, self.spec.source_column(name))

    def _placeholders(self, column: str) -> _Placeholders:
        if column not in self._by_column:
            listed = self.spec.missing_in(column) if self.spec is not None else []
            self._by_column[column] = _Placeholders.of([*listed, *self.texts.get(column, [])])
        return self._by_column[column]


@lru_cache(maxsize=64)
def _missing_text(path: Path, not_missing: tuple[str, ...]) -> frozenset[str]:
    """`Unknown.missing_text`, once per file (an `Unknown` is made per table and request)."""
    return frozenset(MISSING_TEXT if reads_missing_text(path) else ()) - set(not_missing)


@dataclass(frozen=True)
class AttributeUnknowns:
    """Per attribute, what reads as unknown in it, by the rules of the table that
    carries it: the customers table's, or a payment or usage log's (their `attributes`)."""

    of_table: Mapping[str, Unknown]
    table_of: Mapping[str, str]

    def known(self, value: Any, name: str) -> Any:
        return self.of_table[self.table_of.get(name, "customers")].known(value, name)

    def decimal(self, name: str) -> str | None:
        """The decimal mark of the table carrying the attribute, when the config sets one."""
        spec = self.of_table[self.table_of.get(name, "customers")].spec
        return None if spec is None else spec.decimal


def attribute_unknowns(model: ChurnModel) -> AttributeUnknowns:
    """What reads as unknown in a posted customer's attributes: their tables'
    `missing_values` and `valid_ranges`, and the placeholders the loader found in
    training (`info["unknown_texts"]`; models trained before it have none)."""
    texts = model.info.get("unknown_texts") or {}
    data = model.config.data
    carried = {t: names for t, names in data.attribute_tables().items() if t != "customers"}
    of_table = {"customers": Unknown(data.customers, texts)}
    of_table.update({t: Unknown(getattr(data, t), texts) for t in carried})
    table_of = {name: table for table, names in carried.items() for name in names}
    return AttributeUnknowns(of_table, table_of)


def _number(value: Any) -> float:
    """A posted value as the loader reads it: NaN unless a number (`posted_numbers`)."""
    return float(posted_numbers([value])[0])


def posted_numbers(values: Sequence[Any], decimal: str | None = None) -> np.ndarray:
    """One posted column as the loader reads a file's: floats, NaN where no number; text
    by the same reader (`read_numbers`: '190,353.08', '$1,234.50'), which a bank's
    Balance posted as "190,353.08" was refused without. Each value is read with the
    table's `decimal` mark, else a dot, never one guessed from the request: a file's
    whole column tells its mark, a request's few values do not, and one customer's
    '12,5' must not turn another's '1,234' into 1.234, in its request or in a run it is
    scored with (`serving/coalesce.py`). Posted JSON numbers need no parsing."""
    read = numbers(np.array(values, dtype=object))
    text = [i for i, value in enumerate(values) if isinstance(value, str)]
    if text:
        posted = pd.Series([values[i].strip() for i in text], dtype=object)
        read[text] = read_numbers(posted, decimal or ".")[0].to_numpy(dtype=np.float64)
    return read


def score_customers(customers: list[CustomerHistoryIn], cutoff: dt.date, loaded: Loaded) -> Scored:
    """Features, probability and reasons of `customers` as of `cutoff`."""
    model = loaded.model
    features = with_all_columns(
        model.feature_columns(to_tables(customers, model), pd.Timestamp(cutoff)), model
    )
    probability, contributions = model.scores(features)
    means, population = reference_means(model, features)
    unknown = unknown_levels(features, model.layout.levels)
    reasons = loaded.explainer.explain(features, contributions, means, unknown)
    filled = filled_at_median(model.median_fills, features)
    # past a 99th percentile is one customer in a hundred on each feature: a share of a
    # batch, not of a request of one (most single requests carried such a note)
    beyond = beyond_findings(model.info, features, least_share=0.0, p99_share=None)
    return Scored(features, probability, reasons, population, unknown, filled, beyond)


def respond(
    request: ScoreIn,
    cutoff: dt.date,
    scored: Scored,
    loaded: Loaded,
    rules: Rules | None = None,
) -> dict[str, Any]:
    """The response to one request, from `scored` (which may hold other requests' customers
    too): bands, value and tiers are ranked among this request's customers only."""
    ids = [c.customer_id for c in request.customers]
    rows = np.array([scored.row_of[i] for i in ids], dtype=np.int64)
    features = _Rows(scored.features, rows)
    reasons = [scored.reasons[i] for i in rows]
    model = loaded.model
    reference = TierReference.from_info(model.info)
    ranked = rank(
        features,
        scored.probability[rows],
        rules or rules_for(model.info),
        tiers=reference is not None or len(rows) >= TIER_MIN_CUSTOMERS,
        configured_value=posted_values(request, model),
        reference=reference,
    )
    segments = segments_of(model.specs, model.config)
    facts = {"model_name": loaded.name, "model_version": loaded.version, "cutoff": cutoff}
    items = [{**_finite(row), **facts} for row in records(features, ranked, reasons, segments)]
    notes = [
        *unposted_attributes(request.customers, model),
        *unposted_fields(request.customers, model),
        *unseen_level_notes(
            features,
            {name: rows_of[rows] for name, rows_of in scored.unknown_levels.items()},
            ids,
            model.layout.capped,
        ),
        *after_cutoff_notes(request.customers, cutoff, model.config.data),
        *negative_quantity_notes(request.customers),
        *unmapped_type_notes(request.customers, model.config.data.interactions),
        *median_notes(scored, rows, ids),
        *beyond_notes(scored, rows, ids),
    ]
    return {**facts, "population": scored.population, "items": items, "notes": notes}


def median_notes(scored: Scored, rows: np.ndarray, ids: Sequence[str]) -> list[str]:
    """Notes on the request's blanks scored at the training median (`scored.filled`, of
    the run's `rows` that are this request's), as the batch notes them, naming them: one
    note for the attributes the same customers lack (a telecom record posted with a few
    attributes got 42 notes, one per attribute it lacked)."""
    by_customers: dict[tuple[str, ...], list[FilledBlanks]] = {}
    for filled in scored.filled:
        mine = filled.rows[rows]
        if mine.any():
            by_customers.setdefault(tuple(_at(ids, mine)), []).append(filled)
    return [
        filled_note(lacking[0], f"customer(s) {_named(who)}")
        if len(lacking) == 1
        else filled_notes(lacking, f"customer(s) {_named(who)}")
        for who, lacking in by_customers.items()
    ]


def beyond_notes(scored: Scored, rows: np.ndarray, ids: Sequence[str]) -> list[str]:
    """Notes on the request's customers (the run's `rows` that are this request's, in
    `ids`' order) past a risky feature's highest in training, as the batch notes them,
    naming each one (a live customer is no share of a batch). Judged on the request alone,
    so requests scored together in one run note what each would alone."""
    found = []
    for past in scored.beyond:
        mine = past.rows[rows]
        if mine.any():
            highest = float(numbers(scored.features[past.feature])[rows][mine].max())
            own = replace(
                past, customers=int(mine.sum()), highest_scored=highest, rows=mine, scored=len(rows)
            )
            if not says_nothing(own):
                found.append(own)
    return [
        beyond_note(past, f"customer(s) {_named(_at(ids, past.rows))}")
        for past in sorted(found, key=lambda b: -b.customers)
    ]


def _at(ids: Sequence[str], rows: np.ndarray) -> list[str]:
    """The ids of the `rows` (a mask)."""
    return [ids[i] for i in np.flatnonzero(rows).tolist()]


def posted_values(request: ScoreIn, model: ChurnModel) -> pd.Series | None:
    """The posted `value`s in posted order when the model's data configure a value column
    (as the batch reads it from the customers table), else None: value from spend. A
    customer posted without one, with the value column among their attributes (it is
    one under `attributes: all`), is valued by that: 'Total Spend' posted as an attribute
    scored the batch's most valuable customer as of no value."""
    customers = model.config.data.customers
    if customers is None or "value" not in customers.mapped():
        return None
    unknown = Unknown(customers)  # its valid_ranges and placeholders, as the loader reads
    column = customers.source_column("value")
    values = [
        unknown.canonical(c.value if c.value is not None else c.attributes.get(column), "value")
        for c in request.customers
    ]
    return pd.Series(values, dtype="float64")


@dataclass(frozen=True)
class _Rows(Mapping[str, np.ndarray]):
    """Some rows of feature columns, each column cut when read: a response reads a few of
    the model's hundred-odd columns, and cutting them all was a third of its cost."""

    columns: Columns
    rows: np.ndarray

    def __getitem__(self, name: str) -> np.ndarray:
        return np.asarray(self.columns[name])[self.rows]

    def __contains__(self, name: object) -> bool:
        return name in self.columns

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)


def resolve_cutoff(request: ScoreIn, model: ChurnModel) -> dt.date:
    """The posted cutoff, else the later of the day of the latest posted timestamp and the
    last day of the model's training data (`info["data_end"]`), else the extract date of
    the model's data (`data.as_of`: a labelled snapshot has no dated activity), else, for
    a snapshot without one, today.

    Not the latest posted timestamp alone: that is the day of the customer's own last
    activity, so every customer would be scored as if just seen ("no purchase for 0
    days") however long ago that was."""
    if request.cutoff is not None:
        return request.cutoff
    stamps = [naive(t) for customer in request.customers for t in customer.timestamps()]
    days = [max(stamps).date()] if stamps else []
    days += [end] if (end := trained_to(model)) is not None else []
    if days:
        return max(days)
    if (undated := undated_cutoff(model)) is not None:
        return undated
    raise NotKnownAtCutoffError("no activity and no cutoff posted: post a cutoff (YYYY-MM-DD)")


def trained_to(model: ChurnModel) -> dt.date | None:
    """The last day of the model's training data (`info["data_end"]`), when it has one."""
    end = model.info.get("data_end")
    return dt.date.fromisoformat(end) if end else None


def undated_cutoff(model: ChurnModel) -> dt.date | None:
    """The cutoff where nothing dated says one: the extract date of the model's data
    (`data.as_of`), else, for a labelled snapshot, today, as training and the batch read
    it (`features.tables.snapshot_cutoff`: attributes hold no date); None otherwise."""
    if model.config.data.as_of is not None:
        return model.config.data.as_of
    return dt.date.today() if model.config.churn.definition == "label_column" else None


def require_not_future(cutoff: dt.date, today: dt.date | None = None) -> None:
    """A cutoff after today (a day's grace for time zones) would count the days until
    then as every customer's silence ("customer for 2040 days", "no purchase for 1,100
    days"), as the batch refuses a cutoff after its data."""
    today = today or dt.datetime.now(dt.UTC).date()
    if cutoff > today + dt.timedelta(days=1):
        raise UnscorableError(
            f"cutoff {cutoff} (posted, or the latest posted timestamp's day) is after today "
            f"({today}): the days until then would read as every customer's silence"
        )


def require_known(customers: list[CustomerHistoryIn], cutoff: dt.date, data: DataSpec) -> None:
    """Refuse customers the batch would not score at this cutoff (`features.build.exists_at`):
    neither signed up nor with a purchase or usage event on or before it. Without
    purchases or usage in the model's data (a labelled snapshot), a customer without a
    signup date is always known."""
    end = cutoff_end(pd.Timestamp(cutoff)).to_pydatetime()
    signups = data.customers is not None and "signup_date" in data.customers.mapped()
    dated = data.transactions is not None or data.events is not None
    free = _free_periods(data.transactions)
    unknown = [
        c.customer_id
        for c in customers
        if not _known_by(c, end, signups=signups, dated=dated, free=free)
    ]
    if unknown:
        raise NotKnownAtCutoffError(
            f"customer(s) {', '.join(unknown)} have no signup date, purchase or usage event "
            f"on or before {cutoff}: not known at the cutoff"
        )


def require_active(
    customers: list[CustomerHistoryIn], cutoff: dt.date, churn: ChurnSpec, data: DataSpec
) -> None:
    """Refuse customers without a purchase (under `inactivity`, or a usage event by
    `churn.activity`; either, under `cancellation`) in the `active_window_days` up to the
    cutoff, in the tables the model reads: the batch does not score them
    (`features.labels`), and the model never learned from them, so their probability
    would be a guess (a buyer silent for 381 days scored 0.435, "medium"). Under
    inactivity they have churned by definition."""
    cancellation = churn.definition == "cancellation"
    by_usage = not cancellation and churn.by_usage(data.transactions is not None)
    purchases = data.transactions is not None and not by_usage
    usage = data.events is not None and (cancellation or by_usage)
    if not (purchases or usage):
        return  # nothing dated to lapse from (customers and their cancellations alone)
    end = cutoff_end(pd.Timestamp(cutoff)).to_pydatetime()
    start = end - dt.timedelta(days=churn.active_window_days)  # the window: (cutoff - w, cutoff]
    free = _free_periods(data.transactions)
    lapsed = [
        customer
        for customer in customers
        if not (usage and any(start <= naive(row.timestamp) < end for row in customer.events))
        and not (purchases and _bought_within(customer, start, end, free))
    ]
    if lapsed:
        what = "purchase or usage event" if purchases and usage else "purchase"
        what = "usage event" if usage and not purchases else what
        last = [_last_activity(c, end, free, purchases=purchases, usage=usage) for c in lapsed]
        named = [
            f"{c.customer_id} ({f'last {day}' if day else _none_before(c, what, purchases, usage)})"
            for c, day in zip(lapsed, last, strict=True)
        ]
        raise GoneError(
            f"customer(s) {', '.join(named)}: no {what} in the {churn.active_window_days} days "
            f"up to {cutoff} (churn.active_window_days), so not active and not scored (as in "
            "the batch)"
        )


def _none_before(customer: CustomerHistoryIn, what: str, purchases: bool, usage: bool) -> str:
    """A lapsed customer with no activity by the cutoff: none posted, or all after it."""
    posted = (purchases and customer.transactions) or (usage and customer.events)
    return f"every {what} posted is after the cutoff" if posted else f"no {what} at all"


def _bought_within(
    customer: CustomerHistoryIn, start: dt.datetime, end: dt.datetime, free: bool
) -> bool:
    """A purchase in [start, end) that still counts at `end` (a returned one does not)."""
    rows = _kept(customer, "transactions", free_periods=free)
    if any(row.amount < 0 for row in rows):  # returns: the batch's own matching decides
        return any(start.date() <= day for day in _purchase_days(customer, end, free))
    return any(start <= naive(row.timestamp) < end for row in rows)


def _last_activity(
    customer: CustomerHistoryIn, end: dt.datetime, free: bool, *, purchases: bool, usage: bool
) -> dt.date | None:
    """The day of the customer's latest purchase or usage event before `end` (as the model
    reads them), for the message of a lapsed one."""
    days = _purchase_days(customer, end, free) if purchases else []
    if usage:
        days += [
            naive(row.timestamp).date() for row in customer.events if naive(row.timestamp) < end
        ]
    return max(days, default=None)


def require_not_gone(
    customers: list[CustomerHistoryIn],
    cutoff: dt.date,
    data: DataSpec,
    *,
    churn: ChurnSpec,
    undo_by: Literal["day", "time"],
) -> None:
    """Refuse customers the batch holds for gone at the cutoff under `cancellation`: a
    cancellation no payment undid, or a paid period that ended unpaid over `grace_days`
    before it. The batch's own rule (`features.labels.gone_at`) reads the posted rows,
    comparing payments and cancellations as the model's training data did (`undo_by`);
    scored on their past usage they would read as low risk. (Lapsing is
    `require_active`'s, with its own message.)"""
    ctx, day = _posted_context(customers, cutoff, data, undo_by=undo_by)
    gone = gone_at(ctx, churn, day)
    said = [
        _cancelled_said(ctx, gone.cancelled, cutoff, data),
        _expired_said(ctx, gone.expired & ~gone.cancelled, cutoff, churn),
    ]
    if any(said):
        raise GoneError("; ".join(part for part in said if part))


def _cancelled_said(ctx: Context, which: np.ndarray, cutoff: dt.date, data: DataSpec) -> str:
    """The refusal of customers gone by a cancellation, naming its day ('' for none)."""
    if not which.any():
        return ""
    cancels = ctx.cancellations
    assert cancels is not None
    last = cancels.last_day(cancels.known(day_of(pd.Timestamp(cutoff))))
    pairs = zip(ctx.axis[which], last[which], strict=True)
    named = ", ".join(f"{i} (cancelled {_date(d)})" for i, d in pairs)
    since = {"time": " with no payment at its time or later", "day": " with no payment since"}
    return (
        f"customer(s) {named} cancelled on or before {cutoff}"
        f"{'' if data.transactions is None else since[ctx.undo_by]}: "
        "no longer customers, so not scored (as in the batch)"
    )


def _expired_said(ctx: Context, which: np.ndarray, cutoff: dt.date, churn: ChurnSpec) -> str:
    """The refusal of members whose paid period ran out unpaid ('' for none)."""
    if not which.any():
        return ""
    assert ctx.lines is not None
    ends = paid_until_day(ctx.lines, day_of(pd.Timestamp(cutoff)))
    pairs = zip(ctx.axis[which], ends[which], strict=True)
    named = ", ".join(f"{i} (paid up to {_date(d)})" for i, d in pairs)
    return (
        f"customer(s) {named}: their paid period ended over {churn.grace_days} days "
        f"before {cutoff} (churn.grace_days) with no payment since, so no longer customers "
        "and not scored (as in the batch)"
    )


def _date(day: float) -> dt.date:
    return EPOCH.date() + dt.timedelta(days=int(day))


def require_paid_up(
    customers: list[CustomerHistoryIn],
    cutoff: dt.date,
    data: DataSpec,
    *,
    grace_days: int,
    undo_by: Literal["day", "time"] = "day",
) -> None:
    """Under `expiry`, refuse members whose latest paid period (payments on or before the
    cutoff) ended more than `grace_days` before it, or who posted none: the batch does not
    score them, and the model never learned from them (a member gone since 2015 scored
    "high" on 603 days without use). Read as the batch reads them
    (`features.subscription.paid_until_day` on the posted rows): a refund reverses the
    payment it mirrors, an end before its payment is unknown, and an unknown one pays for
    as long as the previous period did."""
    ctx, day = _posted_context(customers, cutoff, data, undo_by=undo_by)
    ends, gone = np.full(ctx.n, np.nan), np.ones(ctx.n, dtype=bool)
    if ctx.lines is not None and "paid_until_day" in ctx.lines.values:
        ends = paid_until_day(ctx.lines, day)
        gone = np.isnan(ends) | expired_unpaid(ctx.lines, grace_days, day)
    if not gone.any():
        return
    named = [
        f"{i} (no paid period on or before it)"
        if np.isnan(end)
        else f"{i} (paid up to {_date(end)})"
        for i, end in zip(ctx.axis[gone], ends[gone], strict=True)
    ]
    raise GoneError(
        f"customer(s) {', '.join(named)}: not paid up at {cutoff} nor within the "
        f"{grace_days} days' grace, so no longer members and not scored (as in the batch)"
    )


def _posted_context(
    customers: list[CustomerHistoryIn],
    cutoff: dt.date,
    data: DataSpec,
    *,
    undo_by: Literal["day", "time"],
) -> tuple[Context, int]:
    """The batch's context over the posted rows, and the cutoff's day: its rules (who is
    gone, who is paid up) then read them as they read a file's."""
    tables = Tables(
        customers={"customer_id": _texts_as_posted(sorted(c.customer_id for c in customers))},
        **posted_activity(customers, data),
        undo_by=undo_by,
    )
    day = day_of(pd.Timestamp(cutoff))
    return prepare(tables, last_cutoff_day=day), day


def cancellation_event_types(data: DataSpec) -> frozenset[str]:
    """The posted event types that are cancellations: when the model's cancellations
    table is the events' own file filtered on its type column (a usage log's
    'Cancellation Confirmation' page), the filter's values; else none."""
    cancels, events = data.cancellations, data.events
    if cancels is None or events is None or len(cancels.row_filters) != 1:
        return frozenset()
    (rows,) = cancels.row_filters
    if rows.values is None or os.path.normpath(cancels.path) != os.path.normpath(events.path):
        return frozenset()
    if rows.column != events.source_column("type"):
        return frozenset()
    return frozenset(str(value) for value in rows.values)


def _known_by(
    customer: CustomerHistoryIn, end: dt.datetime, *, signups: bool, dated: bool, free: bool
) -> bool:
    signed = signups and customer.signup_date is not None
    if signed and naive(customer.signup_date) < end:
        return True
    if not dated:
        return not signed
    if any(naive(row.timestamp) < end for row in customer.events):
        return True
    return bool(_purchase_days(customer, end, free))


def _purchase_days(customer: CustomerHistoryIn, end: dt.datetime, free: bool) -> list[dt.date]:
    """The days of the customer's purchases before `end` that still count then, as the
    batch's orders known at the cutoff: a purchase returned by then does not."""
    bought = [
        row
        for row in _kept(customer, "transactions", free_periods=free)
        if naive(row.timestamp) < end
    ]
    if any(row.amount < 0 for row in bought):
        lines = _returns(_lines_of(bought))
        stays = np.isnat(lines["returned_at"]) if "returned_at" in lines else True
        kept = np.flatnonzero(stays & (lines["amount"] > 0))
        return [day.item() for day in lines["timestamp"][kept].astype("datetime64[D]")]
    return [naive(row.timestamp).date() for row in bought]


def _lines_of(rows: list[TransactionIn]) -> dict[str, np.ndarray]:
    """One customer's lines as `_returns` reads them."""
    return {
        "customer_id": np.zeros(len(rows), dtype=np.int64),
        "timestamp": _times([row.timestamp for row in rows]),
        "amount": np.array([row.amount for row in rows], dtype=np.float64),
        "category": _texts_as_posted([row.category for row in rows]),
    }


def _kept(
    customer: CustomerHistoryIn,
    table: str,
    cancel_types: frozenset[str] = frozenset(),
    *,
    free_periods: bool = False,
) -> list[Any]:
    """The posted rows of `table` the loader would read: an amount of 0 is no purchase
    (`features/sources/`), unless payments carry the end of the period they pay for
    (`free_periods`: a free month is a renewal); negative ones are returns, matched in
    `_returns`. Cancellations are the posted ones and the events of the log's
    cancellation types (`cancellation_event_types`), as the loader filters that log; one
    posted both ways (a replayed history, `serving/history.py`) counts once, and one
    without a time none."""
    rows = getattr(customer, table)
    if table == "transactions" and not free_periods:
        return [row for row in rows if row.amount != 0]
    if table == "cancellations":  # one without a time is none, as the loader reads it
        rows = [row for row in rows if row.timestamp is not None]
    if table == "cancellations" and cancel_types:
        posted = {row.timestamp for row in rows}
        logged = [e for e in customer.events if e.type in cancel_types]
        return [*rows, *(e for e in logged if e.timestamp not in posted)]
    return rows


def _free_periods(spec: TableSpec | None) -> bool:
    return spec is not None and "paid_until" in spec.columns


def _returns(lines: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The posted lines as the loader leaves them: each return marks the purchase it
    reverses (`returned_at`) and goes; one that mirrors no purchase is ignored."""
    amount = lines["amount"]
    negative = amount < 0
    if not negative.any():
        return lines
    matched = match_lines(lines["customer_id"], lines["timestamp"], amount, lines.get("category"))
    if matched.matched:
        lines = {**lines, "returned_at": matched.returned_at}
    return {name: values[~negative] for name, values in lines.items()}


def with_all_columns(features: Columns, model: ChurnModel) -> Columns:
    """Every model column, missing (NaN) where the posted data cannot yield it.

    Some families declare a feature only when its input has values (e.g. no signup dates
    posted, no anniversary feature); the model treats NaN as unknown, as in training.
    """
    rows = len(features["customer_id"])
    return features | {
        name: np.full(rows, np.nan) for name in model.layout.names if name not in features
    }


def reference_means(model: ChurnModel, features: Columns) -> tuple[dict[str, float], str]:
    """Training means stored with the model when there are any, else the posted batch's."""
    stored = model.info.get("population_means")
    if isinstance(stored, Mapping) and stored:
        return {str(k): float(v) for k, v in stored.items()}, "training"
    return population_means(features, model.specs), "posted"


def to_tables(customers: list[CustomerHistoryIn], model: ChurnModel) -> Tables:
    """The posted rows as `Tables`: only the model config's tables and mapped columns."""
    data = model.config.data
    kinds = model.attribute_kinds
    signup = data.customers is not None and "signup_date" in data.customers.mapped()
    unknown = attribute_unknowns(model)
    consumables = data.transactions and data.transactions.consumable_categories
    return Tables(
        customers=_customers(customers, model, unknown, signup=signup),
        **posted_activity(customers, data),
        attributes=kinds,
        consumable_categories=tuple(consumables) if consumables else None,
        event_quantity_unit=data.events.unit() if data.events else "units",
        event_quantities=dict(data.events.quantities) if data.events else {},
        history_from=pd.Timestamp(start) if (start := model.info.get("data_start")) else None,
    )


def posted_activity(
    customers: list[CustomerHistoryIn], data: DataSpec
) -> dict[str, dict[str, np.ndarray]]:
    """The posted activity tables the data section configures, as the loader reads them."""
    cancel_types = cancellation_event_types(data)
    frames = {
        name: _activity(customers, name, spec, Unknown(spec), cancel_types)
        for name, spec in data.tables().items()
        if name in ROW_MODELS
    }
    if data.interactions is not None and "interactions" in frames:
        posted = frames["interactions"]["type"]
        frames["interactions"]["type"] = interaction_types(posted, data.interactions)
    return frames


def interaction_types(posted: np.ndarray, spec: InteractionsSpec) -> np.ndarray:
    """Posted types onto the canonical ones as the loader maps a file's (one
    `InteractionsSpec.type_reader`); anything else still counts as a contact, of type
    'other'."""
    read = spec.type_reader()
    return np.array([read(t) or "other" for t in posted], dtype=object)


def _customers(
    customers: list[CustomerHistoryIn],
    model: ChurnModel,
    unknown: AttributeUnknowns,
    *,
    signup: bool,
) -> dict[str, np.ndarray]:
    """The customers table, sorted by id as the loader leaves it."""
    ordered = sorted(customers, key=lambda c: c.customer_id)
    columns = {"customer_id": _texts_as_posted([c.customer_id for c in ordered])}
    if signup:
        columns["signup_date"] = _times([c.signup_date for c in ordered])
    flags = model.flag_attributes
    for name, kind in model.attribute_kinds.items():
        values = [posted_attribute(c, name, unknown, flags) for c in ordered]
        columns[name] = (
            posted_numbers(values, unknown.decimal(name)) if kind == "numeric" else _texts(values)
        )
    return columns


def _activity(
    customers: list[CustomerHistoryIn],
    table: str,
    spec: TableSpec,
    unknown: Unknown,
    cancel_types: frozenset[str],
) -> dict[str, np.ndarray]:
    """One activity table, canonical columns typed as the loader types them, sorted by
    customer and time. Columns are gathered straight from the validated models into
    numpy arrays: a live request is a few rows, where per-row dicts and frames would be
    the whole cost. (Posted text is already stripped by the schema.) The table's
    placeholders (`unknown`) are blanks, and a row with one in a required column is
    dropped, as the loader drops it."""
    fields = ROW_MODELS[table].model_fields
    names = [n for n in spec.loaded_columns() if n in fields and n != "customer_id"]
    required = [n for n in spec.required_columns if n in fields and n not in TIME_COLUMNS]
    owners: list[str] = []
    rows: list[Any] = []
    for customer in sorted(customers, key=lambda c: c.customer_id):
        posted = _kept(customer, table, cancel_types, free_periods=_free_periods(spec))
        if unknown.any:
            posted = [
                r
                for r in posted
                if all(unknown.canonical(getattr(r, n), n) is not None for n in required)
            ]
        rows += sorted(posted, key=lambda row: naive(row.timestamp))
        owners += [customer.customer_id] * len(posted)
    typed = {"customer_id": _texts_as_posted(owners)}
    blank_text = unknown.missing_text
    for name in names:
        values = [getattr(row, name) for row in rows]
        if unknown.any and name not in TIME_COLUMNS:
            values = [unknown.canonical(v, name) for v in values]
        elif blank_text and name not in required and name not in TIME_COLUMNS | NUMBER_COLUMNS:
            values = [None if isinstance(v, str) and v in blank_text else v for v in values]
        typed[name] = _typed(name, values)
    if table == "events" and isinstance(spec, EventsSpec):
        for column in spec.quantities:  # by the file's own column name, as the loader reads
            posted = [row.quantities.get(column) for row in rows]
            if unknown.any:
                posted = [unknown.known(v, column) for v in posted]
            typed[quantity_column(column)] = _typed("quantity", posted)
        measured = [n for n in ("quantity", *map(quantity_column, spec.quantities)) if n in typed]
        if spec.zeros_record_no_use():  # no use, as the loader leaves such rows out
            used = ~no_use_rows(typed[name] for name in measured)
            typed = {name: values[used] for name, values in typed.items()}
        for name in measured:  # never negative, as the loader reads it
            typed[name][typed[name] < 0] = np.nan
    if table == "transactions" and "list_price" in spec.columns:
        typed["discount"] = _discounts(rows, typed, unknown)
    if isinstance(spec, TransactionsSpec):  # posted as the data write them
        for money in MONEY_COLUMNS:
            if money in typed:
                typed[money] = spec.in_currency(typed[money])
    if table == "transactions" and "paid_until" in typed:  # as the loader: not before paying
        ends = typed["paid_until"]
        ends[ends.astype("datetime64[D]") < typed["timestamp"].astype("datetime64[D]")] = NAT
    return _returns(typed) if table == "transactions" else typed


def _discounts(rows: list[Any], typed: dict[str, np.ndarray], unknown: Unknown) -> np.ndarray:
    """What each line paid below its list price (0 at or above it), as the loader reads
    a `list_price` column: its placeholders and ranges first; a line posted with a
    discount and no list price keeps it."""
    listed = [unknown.canonical(row.list_price, "list_price") for row in rows]
    price = np.array([np.nan if v is None else v for v in listed], dtype=np.float64)
    below = np.maximum(price - typed["amount"], 0.0)  # NaN where either is unknown
    given = np.array([np.nan if r.discount is None else r.discount for r in rows], np.float64)
    return np.where(np.isnan(price), given, below)


def _typed(name: str, values: list[Any]) -> np.ndarray:
    """A posted column as the loader types it; the models already checked each value."""
    if name in TIME_COLUMNS:
        return _times(values)
    if name in NUMBER_COLUMNS:
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    return _texts_as_posted(values)


def naive(value: dt.datetime) -> dt.datetime:
    """Aware datetimes in UTC without the zone; the tables hold tz-naive timestamps."""
    if value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)


EPOCH = dt.datetime(1970, 1, 1)
MICROSECOND = dt.timedelta(microseconds=1)
NOT_A_TIME = np.iinfo(np.int64).min
"""NaT's integer."""
NAT = np.datetime64("NaT")


def _times(values: Iterable[dt.datetime | None]) -> np.ndarray:
    """datetime64[ns], through integer microseconds since 1970: numpy's own conversion of
    datetime objects costs over a microsecond a value, several times this. The schema
    keeps posted times within the nanosecond range."""
    ns = np.array(
        [NOT_A_TIME if v is None else (naive(v) - EPOCH) // MICROSECOND for v in values],
        dtype=np.int64,
    )
    ns[ns != NOT_A_TIME] *= 1000
    return ns.view("datetime64[ns]")


def _texts_as_posted(values: list[str | None]) -> np.ndarray:
    return np.array(values, dtype=object)


def _texts(values: Iterable[Any]) -> np.ndarray:
    """Text as the loader reads it: 12.0 posted for a categorical attribute is '12'."""
    return np.array([None if v is None else _text(v) for v in values], dtype=object)


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _finite(row: Mapping[str, Any]) -> dict[str, Any]:
    """NaN (unknown value) is not JSON: it becomes null."""
    return {
        key: None if isinstance(v, float | np.floating) and math.isnan(v) else v
        for key, v in row.items()
    }
