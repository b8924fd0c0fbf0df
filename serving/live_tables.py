"""Posted history as the loader's `Tables`: each activity table's rows typed as the loader types
them (placeholders, money scale, returns, discounts from list prices), and the customers
table's attributes read as training read them (`Unknown`, `AttributeUnknowns`). Built
straight from the validated models into numpy columns: a live request is a few rows,
where per-row dicts and frames would be the whole cost.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from churn.model import ChurnModel
from features.contract import (
    MONEY_COLUMNS,
    CancellationsSpec,
    DataSpec,
    EventsSpec,
    InteractionsSpec,
    TableSpec,
    TransactionsSpec,
    as_list,
    quantity_column,
)
from features.recurring import PER_MONTH_COLUMNS, payments, plan_ends
from features.returns import match_lines
from features.sources import MISSING_TEXT, reads_missing_text
from features.sources.dates import ISO_DAY, PLACEHOLDER_DAYS, attribute_dates
from features.tables import Tables, no_use_rows, numbers
from features.text_numbers import read_numbers
from serving.schemas import (
    CancellationIn,
    CustomerHistoryIn,
    EventIn,
    InteractionIn,
    TransactionIn,
)

TIME_COLUMNS = frozenset(
    {"timestamp", "signup_date", "resolved_at", "recorded_at", "paid_until", "ended_at"}
)


NUMBER_COLUMNS = frozenset({"amount", "discount", "margin", "satisfaction", "quantity"})


ROW_MODELS = {
    "transactions": TransactionIn,
    "interactions": InteractionIn,
    "events": EventIn,
    "cancellations": CancellationIn,
}
"""The activity tables a request can carry; a column is built only if it can be posted."""


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
        Parquet or JSON), less the table's `not_missing`; of several files, the first's
        (a table's files are of one format)."""
        if self.spec is None:
            return frozenset()
        return _missing_text(as_list(self.spec.path)[0], tuple(self.spec.not_missing))

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
    data = model.data
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


def posted_dates(values: Sequence[Any]) -> np.ndarray:
    """One posted date attribute: days (datetime64[ns]), NaT where no date. Dates are
    posted as ISO 8601 ('2016-05-31', or with a time, which the day keeps), never read
    in a format guessed from a request's few values ('03/04/2016': March or April?)."""
    text = pd.Series([v if isinstance(v, str) else None for v in values], dtype=object)
    days = attribute_dates(text, ISO_DAY)[1]
    return days.mask(days.isin(PLACEHOLDER_DAYS)).to_numpy(dtype="datetime64[ns]")


def cancellation_event_types(data: DataSpec) -> frozenset[str]:
    """The posted event types that are cancellations: when the model's cancellations
    table is the events' own file filtered on its type column (a usage log's
    'Cancellation Confirmation' page), the filter's values; else none."""
    return data.event_types_read_as().get("cancellations", frozenset())


def _lines_of(rows: list[TransactionIn]) -> dict[str, np.ndarray]:
    """One customer's lines as `_returns` reads them."""
    return {
        "customer_id": np.zeros(len(rows), dtype=np.int64),
        "timestamp": _times([row.timestamp for row in rows]),
        "amount": np.array([row.amount for row in rows], dtype=np.float64),
        "category": _texts_as_posted([row.category for row in rows]),
    }


@dataclass(frozen=True)
class LineAmounts:
    """How a posted line's amount reads, as the loader reads the model's transactions:
    an amount of 0 is no purchase and a negative one a return, unless the model's data
    map no amount (`TransactionsSpec.spends`: a log of visits, whose posted amounts are
    not read, a note says so) or pay for periods (a free month is a renewal)."""

    read: bool = True
    free_periods: bool = False

    @classmethod
    def of(cls, spec: TableSpec | None) -> LineAmounts:
        if not isinstance(spec, TransactionsSpec):
            return cls()
        return cls(read=spec.spends, free_periods=spec.paid_periods)

    def purchases(self, rows: list[TransactionIn]) -> list[TransactionIn]:
        """The rows that are purchases (not an amount of 0, where amounts are read)."""
        if not self.read or self.free_periods:
            return rows
        return [row for row in rows if row.amount != 0]

    def returns(self, rows: list[TransactionIn]) -> bool:
        """Whether some row is a return (a negative amount, where amounts are read)."""
        return self.read and any(row.amount is not None and row.amount < 0 for row in rows)


def _kept(
    customer: CustomerHistoryIn,
    table: str,
    cancel_types: frozenset[str] = frozenset(),
    *,
    amounts: LineAmounts = LineAmounts(),
    not_use: frozenset[str] = frozenset(),
    events: EventsSpec | None = None,
) -> list[Any]:
    """The posted rows of `table` the loader would read: purchases by `amounts` (negative
    ones are returns, matched in `_returns`), events but those of the types that are no
    use (`used_events`). Cancellations are the posted ones and the events of the log's
    cancellation types (`cancellation_event_types`), as the loader filters that log; one
    posted both ways (a replayed history, `serving/history.py`) counts once, and one
    without a time none."""
    rows = getattr(customer, table)
    if table == "transactions":
        return amounts.purchases(rows)
    if table == "events":
        return used_events(customer, not_use, events)
    if table == "cancellations":  # one without a time is none, as the loader reads it
        rows = [row for row in rows if row.timestamp is not None]
    if table == "cancellations" and cancel_types:
        posted = {row.timestamp for row in rows}
        logged = [e for e in customer.events if e.type in cancel_types]
        return [*rows, *(e for e in logged if e.timestamp not in posted)]
    return rows


def used_events(
    customer: CustomerHistoryIn, not_use: frozenset[str], events: EventsSpec | None
) -> list[EventIn]:
    """The posted events the loader reads as use: not of the types that are no use
    (`ChurnModel.not_use_types`: a payment the model's data read as a purchase), nor of
    those the `events` table's own `rows:` leave out (`EventsSpec.keeps_type`)."""
    rows = customer.events
    if events is not None and events.type_words:  # 'answer' posted for the log's '2'
        rows = [_coded(row, events) for row in rows]
    by_filter = events is not None and events.type_filtered
    if not not_use and not by_filter:
        return rows
    types = {row.type for row in rows} - not_use  # each type judged once
    used = {t for t in types if events.keeps_type(t)} if by_filter else types
    return [row for row in rows if row.type in used]


def _coded(row: EventIn, events: EventsSpec) -> EventIn:
    """The event with its type as the log writes it (`EventsSpec.coded`)."""
    code = events.coded(row.type)
    return row if code == row.type else row.model_copy(update={"type": code})


def _returns(lines: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The posted lines as the loader leaves them: each return marks the purchase it
    reverses (`returned_at`) and goes; one that mirrors no purchase is ignored."""
    if "amount" not in lines:  # a log without money: no returns to match
        return lines
    amount = lines["amount"]
    negative = amount < 0
    if not negative.any():
        return lines
    matched = match_lines(lines["customer_id"], lines["timestamp"], amount, lines.get("category"))
    if matched.matched:
        lines = {**lines, "returned_at": matched.returned_at}
    return {name: values[~negative] for name, values in lines.items()}


def to_tables(customers: list[CustomerHistoryIn], model: ChurnModel) -> Tables:
    """The posted rows as `Tables`: only the model config's tables and mapped columns
    (a model of a subscriptions table reads them once `paid_subscriptions` made them
    payments)."""
    data = model.data
    kinds = model.attribute_kinds
    signup = data.customers is not None and "signup_date" in data.customers.mapped()
    unknown = attribute_unknowns(model)
    consumables = data.transactions and data.transactions.consumable_categories
    return Tables(
        customers=_customers(customers, model, unknown, signup=signup),
        **posted_activity(customers, data, not_use=model.not_use_types),
        attributes=kinds,
        consumable_categories=tuple(consumables) if consumables else None,
        event_quantity_unit=data.events.unit() if data.events else "units",
        event_type_words=dict(data.events.type_words) if data.events else {},
        event_quantities=dict(data.events.quantities) if data.events else {},
        history_from=pd.Timestamp(start) if (start := model.info.get("data_start")) else None,
    )


PLAN_ENDS = CancellationsSpec(path=Path("(the ends of subscriptions)"))
"""A subscriptions table's cancellations: of no file, so no placeholders to read."""


def paid_subscriptions(
    customers: list[CustomerHistoryIn], data: DataSpec, cutoff: dt.date, *, most: int
) -> None:
    """For a model of a subscriptions table (`transactions.recurring`), each customer's
    posted subscriptions as the payments the loader reads from the table, up to the end
    of `cutoff` (`features.recurring.payments`), reading `ended_at` and `billing_period`
    only where its data map them; where the plans' ends are the cancellations
    (`DataSpec.plan_ends_cancel`), those leaving no plan running, posted payments'
    periods covering too (`features.recurring.plan_ends`), in place of any posted (the
    batch has no others; a replayed history, posting no plan, keeps its own). A line
    giving `paid_until` is a payment, kept as posted (a replayed history,
    `serving/history.py`), and so is a plan begun after the cutoff (unread, and said so
    as any row after it). Done once a request's cutoff is known and before its checks, so
    "active", "gone" and the features all read payments, as the batch does: read as
    posted, a plan running since 2021 was a purchase three years before the cutoff, and
    its customer lapsed. ValueError past `most` payments in all (50 daily plans since 2014
    are 182,650 rows to hold, and the scoring thread with them)."""
    spec = data.transactions
    if spec is None or spec.recurring is None:
        return
    until = np.datetime64(cutoff, "D") + np.timedelta64(1, "D") - np.timedelta64(1, "ns")
    unknown, mapped = Unknown(spec), spec.columns
    left = most
    for customer in customers:
        rows = sorted(customer.transactions, key=lambda row: naive(row.timestamp))
        times = _times(row.timestamp for row in rows)
        planned = np.array([row.paid_until is None for row in rows], dtype=bool) & (times <= until)
        if not planned.any():
            continue
        plans = [row for row, plan in zip(rows, planned, strict=True) if plan]
        kept = [row for row, plan in zip(rows, planned, strict=True) if not plan]
        starts = times[planned]
        ends = _times(r.ended_at if "ended_at" in mapped else None for r in plans)
        periods = [
            posted_period(r.billing_period, unknown) if "billing_period" in mapped else None
            for r in plans
        ]
        columns = {
            "customer_id": np.zeros(len(plans), dtype=np.int64),
            "timestamp": starts,
            "ended_at": ends,
            "billing_period": np.array(periods, dtype=object),
            "plan": np.arange(len(plans)),
            **{
                money: np.array([getattr(r, money) for r in plans], dtype=np.float64)
                for money in PER_MONTH_COLUMNS
            },
        }
        paid = payments(
            columns,
            spec.recurring.period,
            fee_per_month=spec.recurring.amount_per == "month",
            until=until,
            per_number=spec.period_per_number(),
        )
        left -= len(paid["plan"])
        if left < 0:
            raise ValueError(
                f"the posted subscriptions stand for more than {most:,} payments up to "
                f"{cutoff} (customer {customer.customer_id}'s {len(paid['plan']):,} among "
                "them): post the plans of the history the features read (the active window "
                "and the year and a half before the cutoff), or fewer customers at a time"
            )
        customer.transactions = [*_ordered(kept)] + [
            plans[plan].model_copy(
                update={
                    "timestamp": _datetime(at),
                    "paid_until": _datetime(to),
                    "order_id": f"payment-{n}",
                    "ended_at": None,
                    "billing_period": None,
                    **{m: _number_or_none(paid[m][n]) for m in PER_MONTH_COLUMNS},
                }
            )
            for n, (plan, at, to) in enumerate(
                zip(paid["plan"], paid["timestamp"], paid["paid_until"], strict=True)
            )
        ]
        if data.plan_ends_cancel:  # the model's only cancellations, as in the batch
            customer.cancellations = _leavings(plans, starts, ends, kept, until)


def _ordered(rows: list[TransactionIn]) -> list[TransactionIn]:
    """Posted payments with an order id each: one a client built without one is an order
    of its own, as each payment of a subscriptions table is (`features.recurring`)."""
    return [
        row
        if row.order_id is not None or row.paid_until is None
        else row.model_copy(update={"order_id": f"posted-{n}"})
        for n, row in enumerate(rows)
    ]


def _leavings(
    plans: list[TransactionIn],
    starts: np.ndarray,
    ends: np.ndarray,
    kept: list[TransactionIn],
    until: np.datetime64,
) -> list[CancellationIn]:
    """The posted plans' ends that leave the customer no plan running, the posted
    payments' periods covering as plans do; plans closed together are one leaving."""
    paid = [row for row in kept if row.paid_until is not None]
    covers = {
        "starts": np.concatenate([starts, _times(r.timestamp for r in paid)]),
        "ends": np.concatenate([ends, _times(r.paid_until for r in paid)]),
    }
    ending = np.arange(len(covers["starts"])) < len(plans)
    owners = np.zeros(len(ending), dtype=np.int64)
    leaving = plan_ends(owners, covers["starts"], covers["ends"], ending=ending)
    leaving &= covers["ends"] <= until
    return [CancellationIn(timestamp=_datetime(end)) for end in np.unique(covers["ends"][leaving])]


def posted_period(value: Any, unknown: Unknown) -> Any:
    """A posted billing period, None where blank or a placeholder the table's file reads
    as blank (`N/A`), as the loader reads the column (a blank is `recurring.every`)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return unknown.canonical(value, "billing_period")


def _datetime(value: np.datetime64) -> dt.datetime:
    return pd.Timestamp(value).to_pydatetime()


def _number_or_none(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def posted_activity(
    customers: list[CustomerHistoryIn], data: DataSpec, *, not_use: frozenset[str]
) -> dict[str, dict[str, np.ndarray]]:
    """The posted activity tables the data section configures, as the loader reads them
    (and a subscriptions table's cancellations, `DataSpec.plan_ends_cancel`); `not_use`:
    the event types that are no use (`ChurnModel.not_use_types`)."""
    cancel_types = cancellation_event_types(data)
    specs = data.tables()
    if data.plan_ends_cancel:  # made by `paid_subscriptions`, as the loader makes them
        specs["cancellations"] = PLAN_ENDS
    frames = {
        name: _activity(customers, name, spec, Unknown(spec), (cancel_types, not_use))
        for name, spec in specs.items()
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
        columns[name] = posted_column(values, name, kind, unknown)
    return columns


def posted_column(
    values: list[Any], name: str, kind: str, unknown: AttributeUnknowns
) -> np.ndarray:
    """One posted attribute as the loader reads a file's column of its kind: numbers
    (NaN where none), days (NaT where none) or levels."""
    if kind == "numeric":
        return posted_numbers(values, unknown.decimal(name))
    if kind == "date":
        return posted_dates(values)
    return _texts(values)


def _activity(
    customers: list[CustomerHistoryIn],
    table: str,
    spec: TableSpec,
    unknown: Unknown,
    types: tuple[frozenset[str], frozenset[str]],
) -> dict[str, np.ndarray]:
    """One activity table, canonical columns typed as the loader types them, sorted by
    customer and time. Columns are gathered straight from the validated models into
    numpy arrays: a live request is a few rows, where per-row dicts and frames would be
    the whole cost. (Posted text is already stripped by the schema.) The table's
    placeholders (`unknown`) are blanks, and a row with one in a required column is
    dropped, as the loader drops it. `types`: the log's cancellation types and those
    that are no use (`_kept`)."""
    fields = ROW_MODELS[table].model_fields
    names = [n for n in spec.loaded_columns() if n in fields and n != "customer_id"]
    if isinstance(spec, TransactionsSpec) and spec.recurring is not None:
        names += ["paid_until", "order_id"]  # as `paid_subscriptions` made them
    required = [n for n in spec.required_columns if n in fields and n not in TIME_COLUMNS]
    if isinstance(spec, TransactionsSpec) and spec.spends:  # a line without one: dropped
        required.append("amount")
    owners: list[str] = []
    rows: list[Any] = []
    for customer in sorted(customers, key=lambda c: c.customer_id):
        cancel_types, not_use = types
        posted = _kept(
            customer,
            table,
            cancel_types,
            amounts=LineAmounts.of(spec),
            not_use=not_use,
            events=spec if isinstance(spec, EventsSpec) else None,
        )
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
