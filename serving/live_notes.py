"""What a live response notes about what was posted: attributes and fields the model reads
but the request left out, levels it never trained on, rows after the cutoff, negative
quantities, interaction types it does not map. Each is scored anyway, and said.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from churn.model import ChurnModel
from features.context import slug, type_codes
from features.contract import (
    READ_AS_WORDS,
    DataSpec,
    EventsSpec,
    InteractionsSpec,
    quantity_column,
)
from features.levels import likely_meant
from serving.batch import category_reading
from serving.live_tables import ROW_MODELS, naive
from serving.reasons import (
    unseen_words,
)
from serving.schemas import (
    CustomerHistoryIn,
    ScoreIn,
)

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


def extract_dates_note(request: ScoreIn, model: ChurnModel, cutoff: dt.date) -> list[str]:
    """A note where the model's date attributes were posted and read from a cutoff no
    one posted (the extract's, as the batch reads the file): today's contract end read
    from a 2016 extract is "in 4,037 days"."""
    dates = [name for name, kind in model.attribute_kinds.items() if kind == "date"]
    posted = [n for n in dates if any(c.attributes.get(n) for c in request.customers)]
    if request.cutoff is not None or not posted or cutoff == dt.date.today():
        return []
    return [
        f"{', '.join(posted)} read as days from {cutoff}, the cutoff of the model's data (no "
        "cutoff posted): post a cutoff (today's date) to read them from another day"
    ]


def unread_amounts(customers: list[CustomerHistoryIn], model: ChurnModel) -> list[str]:
    """A note on customers posted with amounts (or unit prices) for a model whose data
    map none (`ChurnModel.spends`): scored on their purchases alone, the amounts not
    read, rather than refused, so one client can post the same lines to any model."""
    if model.spends or model.data.transactions is None:
        return []
    priced = [
        c.customer_id
        for c in customers
        if any(row.amount is not None or row.unit_price is not None for row in c.transactions)
    ]
    if not priced:
        return []
    return [
        f"transactions of customer(s) {_named(priced)} carry amounts, which the model does not "
        "read: its data map no amount, so it scores purchases alone (no spend, value or "
        "value at risk)"
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
    data, names = model.data, model.layout.names
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


def unseen_category_notes(customers: list[CustomerHistoryIn], model: ChurnModel) -> list[str]:
    """Posted transaction categories the model's data never held (`info["categories"]`,
    `training.package.transaction_categories`), for a model whose features read
    categories: each counts as a category of its own in the breadth, and as no consumable.
    Said as a level of an attribute the model never trained on is (`unseen_level_notes`):
    AdventureWorks' /docs example posted 'consumables' to a model of Accessories, Bikes
    and Clothing, scored without a word. A model packaged before kept no categories."""
    known, read = model.info.get("categories"), category_reading(model.layout.names)
    if not known or read is None:
        return []
    levels = set(known["levels"])
    unseen: dict[str, None] = {}
    owners = []
    for customer in customers:
        theirs = [
            line.category
            for line in customer.transactions
            if line.category is not None and line.category not in levels
        ]
        if theirs:
            unseen.update(dict.fromkeys(theirs))
            owners.append(customer.customer_id)
    if not owners:
        return []
    what = "never held"
    if known["rarer"]:
        what = f"does not know by name (new, or among its {known['rarer']:,} rarest)"
    return [
        f"transaction categories the model's data {what}: {_listed(list(unseen), 5)} "
        f"(customer(s) {_named(owners)}), each read as {read}; its categories: "
        f"{_listed(known['levels'], 8)}"
    ]


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
    return [
        f"interaction types the model's config does not map, counted as 'other': "
        f"{_listed(unmapped, 5)} "
        "(interactions.types lists the raw labels of each type)"
    ]


def unseen_event_type_notes(
    customers: list[CustomerHistoryIn],
    event_types: Sequence[str],
    apart: Set[str],
    events: EventsSpec | None,
) -> list[str]:
    """Posted event types with no features of their own in the model (none of its
    `event_types`, by the features' own reading: 'add_to_cart' is 'Add to Cart'; the
    log's cancellation pages and the types that are no use aside, `apart`): counted in
    overall use, the active days and the rhythm of use, as the batch reads a type new to
    its file, or one too rare to keep. A cosmetics shop's posted 'wishlist' events were
    scored with no note. A type posted as its `type_words` word is its code (`events`)."""
    if not event_types:
        return []
    posted = sorted({row.type for customer in customers for row in customer.events})
    if events is not None:
        posted = sorted({events.coded(t) for t in posted})
    codes = type_codes(np.array(posted, dtype=object), tuple(event_types))
    unread = [t for t, code in zip(posted, codes.tolist(), strict=True) if code < 0]
    unread = [t for t in unread if t not in apart]
    if not unread:
        return []
    words = dict(events.type_words) if events is not None else {}
    ours = list(event_types)
    readable = [*ours, *(words[kind] for kind in ours if kind in words)]
    posted_said = [_type_said(kind, words, readable) for kind in unread]
    return [
        f"event types with no features of their own in the model, counted in overall use "
        f"only: {_listed_said(posted_said, 5)} (its types: "
        f"{_listed_said([_type_said(kind, words) for kind in ours], 8)})"
    ]


def _type_said(kind: str, words: Mapping[str, str], readable: Sequence[str] = ()) -> str:
    """A type quoted, with its `type_words` ("'2' (answer)"), and, of `readable` (the
    model's types and their words), the one a misspelt type likely means: a posted
    'answr' had moved a user's risk from 0.32 to 0.75 beside "its types: '2', '1'"."""
    said = f"{kind!r} ({words[kind]})" if kind in words else repr(kind)
    likely = likely_meant(kind, [k for k in readable if k != kind], renumbered=False)
    return said if likely is None else f"{said} (did you mean {likely!r}?)"


def _listed_said(said: list[str], most: int) -> str:
    """Up to `most` of these, then '...' for the rest (`_listed` of texts said already)."""
    return ", ".join(said[:most]) + (", ..." if len(said) > most else "")


def not_use_notes(customers: list[CustomerHistoryIn], model: ChurnModel) -> list[str]:
    """Posted events of a type the model's data read as purchases or service contacts
    (`ChurnModel.not_use_types`): no use, as training left them out of the usage log,
    and not read as what they are either, since they are posted as events. (The log's
    cancellation types are read as cancellations too: nothing to say.)"""
    if not model.not_use_types:
        return []
    posted = {row.type for customer in customers for row in customer.events}
    notes = []
    for table, types in model.data.not_use_types().items():
        held = sorted(posted & types & model.not_use_types)
        if held and table != "cancellations":  # read as cancellations too: nothing to say
            what = f"events of type {_listed(held, 5)} are no use to this model"
            notes.append(
                f"{what}: its data read them as {READ_AS_WORDS[table]} (post them as {table})"
            )
    return notes


def _listed(values: list[str], most: int) -> str:
    """Up to `most` values quoted, then '...' for the rest."""
    return _listed_said(list(map(repr, values)), most)
