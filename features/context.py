"""Everything the families need, prepared once per build from the raw `Tables`.

Preparation is structural only (alignment, integer coding, sorting). The one choice made
from data (which event types get columns, when the config names none) reads rows up to
the latest cutoff only, so appending later rows never changes features.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd

from features.activity import (
    Activity,
    carried_period_ends,
    day_of,
    days_between,
    seconds_of_day,
    to_days,
)
from features.contract import INTERACTION_TYPES, quantity_column
from features.levels import SMALL, as_text, factorize, level_codes
from features.tables import Table, Tables, nan_to_zero, numbers, undo_by

DEFAULT_EVENT_TYPES = 8
"""How many of the most frequent event types get their own features when none are set:
enough to reach past a streaming log's songs, home pages and logouts to its thumbs
down, adverts and errors (a type that says little costs a few unused columns)."""


@dataclass(frozen=True)
class Context:
    tables: Tables
    axis: pd.Index
    """customer ids; position in it is the `code` used by every Activity."""
    signup_day: np.ndarray
    orders: Activity | None
    """One row per order (order_id, else per purchase day); spend is in `lines`."""
    purchase_days: Activity | None
    """One row per customer-day with a purchase: the occasions of the buying rhythm
    (two orders of one basket split the same day are one occasion, not a gap of 0)."""
    lines: Activity | None
    """One row per transaction line: amount (where the log has money, `spends`), category
    (code), discounted (0/1), paid_until_day (float days, when the log has the end of
    each paid period)."""
    categories: tuple[str, ...]
    events: Activity | None
    event_days: Activity | None
    """One row per customer-day with any usage event: the occasions of the rhythm of use
    (a user's tenth rating of a day is no gap of 0 days)."""
    event_types: tuple[str, ...]
    interactions: Activity | None
    """type (code into INTERACTION_TYPES), resolved_day, resolution_days (from the
    timestamp to the resolution, with the fraction of a day), satisfaction, recorded_day."""
    cancellations: Activity | None = None
    undo_by: Literal["day", "time"] = "day"
    """What undoes a cancellation (`features.tables.undo_by`); by time, the lines and the
    cancellations carry `second` (of the day)."""
    history_from_day: int | None = None
    """`Tables.history_from` as a day number: the first day the data hold."""

    @property
    def n(self) -> int:
        return len(self.axis)

    @property
    def spends(self) -> bool:
        """Whether the purchases carry money (an amount): without it no family declares
        spend, its trends, average order, wallet share or discount share, and no value
        is computed from them (a Groceries log of member, date and item)."""
        return self.lines is not None and "amount" in self.lines.values

    def window_known(self, cutoff_day: int, reach_days: int) -> np.ndarray | None:
        """Per customer, whether the `reach_days` up to the cutoff lie within what the
        data can show of them; None: for everyone. A window starting before the data's
        first day holds only part of its days (a "previous 90 days" of one month read
        "spend up 84%"), unless the customer signed up on or after that day: the days
        before their start are no activity, not missing data (the start is the earlier of
        signup and first activity, `features.lifecycle.start_day`, and activity the data
        hold is on or after that day too). A first purchase later in the data proves no
        such thing (a monthly shopper's first visit in an export is rarely their first
        ever), so without a signup date the window is unknown."""
        start = self.history_from_day
        if start is None or cutoff_day - reach_days + 1 >= start:
            return None
        return self.signup_day >= start


def prepare(tables: Tables, *, last_cutoff_day: int) -> Context:
    """Sort customers by id (so sorted activity tables need no re-sort) and align all."""
    axis = _axis(tables.customers["customer_id"])
    if not axis.is_monotonic_increasing:
        tables = tables.with_tables(customers=_sorted(tables.customers, axis.argsort()))
        axis = _axis(tables.customers["customer_id"])
    signup = tables.customers.get("signup_date")
    undo = undo_by(tables)
    lines, categories = _lines(tables.transactions, axis, timed=undo == "time")
    orders = _orders(lines)
    events, event_types = _events(tables, axis, last_cutoff_day)
    return Context(
        tables=tables,
        axis=axis,
        signup_day=to_days(signup) if signup is not None else np.full(len(axis), np.nan),
        orders=orders,
        purchase_days=orders if tables.rhythm_of == "orders" else _purchase_days(orders, lines),
        lines=lines,
        categories=categories,
        events=events,
        event_days=None if events is None else events.runs(),
        event_types=event_types,
        interactions=_interactions(tables.interactions, axis, timed=tables.resolution_timed),
        cancellations=_cancellations(tables.cancellations, axis, timed=undo == "time"),
        undo_by=undo,
        history_from_day=None if tables.history_from is None else day_of(tables.history_from),
    )


def _axis(ids: pd.Series | np.ndarray) -> pd.Index:
    """The ids in their own dtype (plain text stays plain: converting a few live ids to
    pandas' string arrays costs more than all their lookups)."""
    return pd.Index(ids, dtype=ids.dtype)


def _sorted(table: Table, order: np.ndarray) -> Table:
    if isinstance(table, pd.DataFrame):
        return table.take(order).reset_index(drop=True)
    return {name: np.asarray(values)[order] for name, values in table.items()}


def _lines(
    frame: Table | None, axis: pd.Index, *, timed: bool
) -> tuple[Activity | None, tuple[str, ...]]:
    if frame is None:
        return None, ()
    columns: dict[str, np.ndarray] = _time_of_day(frame, timed)
    if "amount" in frame:  # a log without money has none: no spend is declared (`spends`)
        columns["amount"] = nan_to_zero(numbers(frame["amount"]))
    categories: tuple[str, ...] = ()
    if "category" in frame:
        columns["category"], categories = _category_codes(frame["category"])
    if "discount" in frame:
        # a discount of either sign: dunnhumby's RETAIL_DISC writes -0.60 off the price
        columns["discounted"] = (nan_to_zero(numbers(frame["discount"])) != 0) * 1.0
    if "margin" in frame:  # a blank margin earns nothing, as a blank amount spends nothing
        columns["margin"] = nan_to_zero(numbers(frame["margin"]))
    if "paid_until" in frame:
        columns["paid_until_day"] = to_days(frame["paid_until"])
    tiebreak = None
    if "order_id" in frame:
        columns["order"] = order_keys(frame["order_id"])
        tiebreak = "order"
    until = to_days(frame["returned_at"]) if "returned_at" in frame else None
    lines = Activity.from_frame(frame, axis, columns=columns, tiebreak=tiebreak, until=until)
    if "paid_until_day" in lines.values:
        ends = lines.values["paid_until_day"]
        lines.values["paid_until_day"] = carried_period_ends(
            lines.code, lines.day, ends, lines.until
        )
    return lines, categories


ORDER_SPAN_PER_LINE = 4
"""Integer order ids spread over at most this many times the lines are keyed densely
(`order_keys`); sparser ids are hashed."""


def order_keys(order_ids: pd.Series | np.ndarray) -> np.ndarray:
    """Per line, a key equal for the lines of one order, ordered as the orders first
    appear: all the sort and the runs of `_lines` and `_orders` read of an order (keys
    are compared, never looked up), as `factorize`'s codes are.

    Integer ids over a span of a few times the lines take each id's first row, found in
    one dense pass (`np.minimum.at`): 0.1-0.5 s for 11.65M order numbers, where hashing
    them (`pd.factorize`: 11M distinct ids, a table far out of cache) took 0.75-2.3 s.
    Other ids (text, missing values, sparse numbers) are factorized."""
    values = order_ids.to_numpy() if isinstance(order_ids, pd.Series) else np.asarray(order_ids)
    if values.dtype.kind != "i" or len(values) <= SMALL:
        return factorize(order_ids)[0]
    low, high = int(values.min()), int(values.max())
    if high - low >= ORDER_SPAN_PER_LINE * len(values):
        return factorize(order_ids)[0]
    offset = np.subtract(values, low, dtype=np.int64)
    first_row = np.full(high - low + 1, len(values), dtype=np.int64)
    np.minimum.at(first_row, offset, np.arange(len(values), dtype=np.int64))
    return first_row[offset]


INT16_MAX = np.iinfo(np.int16).max
"""Once: `np.iinfo` costs microseconds a call, on every live run."""


def _category_codes(values: pd.Series | np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Small integer codes (-1 = missing) and their labels; int16 keeps sorts radix-fast."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.cat.codes.to_numpy(), values.cat.categories
    else:
        codes, uniques = factorize(values, sort=True)
    dtype = np.int16 if len(uniques) < INT16_MAX else np.int32
    return codes.astype(dtype), tuple(str(u) for u in uniques)


def _orders(lines: Activity | None) -> Activity | None:
    """Collapse lines into purchase occasions: an order_id on a day, else a customer-day.

    The day is part of the key so that a line booked later on an old order id is a new
    occasion: merging it into the old order would carry later amounts back in time.
    """
    if lines is None:
        return None
    return lines.runs("order") if "order" in lines.values else lines.runs()


def _purchase_days(orders: Activity | None, lines: Activity | None) -> Activity | None:
    """The orders collapsed per customer-day (they are already, without order ids); a day
    counts while any of its orders does (`Activity.runs`)."""
    if orders is None or lines is None or "order" not in lines.values:
        return orders
    return orders.runs()


def _events(
    tables: Tables, axis: pd.Index, last_cutoff_day: int
) -> tuple[Activity | None, tuple[str, ...]]:
    frame = tables.events
    if frame is None:
        return None, ()
    types = tables.event_types or _frequent_types(frame, last_cutoff_day)
    types = _distinct_names(types, taken_silences(tables))
    columns = {"type": type_codes(frame["type"], types)}
    for name in ("quantity", *map(quantity_column, tables.event_quantities)):
        if name in frame:
            columns[name] = nan_to_zero(numbers(frame[name]))
    return Activity.from_frame(frame, axis, columns=columns), tuple(types)


def type_codes(values: pd.Series | np.ndarray, types: tuple[str, ...]) -> np.ndarray:
    """Each event's position among `types`, -1 for the others; a spelling of one's
    feature name ('add_to_cart' beside 'Add to Cart', `slug`) counts as that type."""
    text = as_text(values)
    codes = level_codes(text, types).astype(np.int64)
    other = np.flatnonzero(codes < 0)
    if len(other):
        named = {slug(t): i for i, t in enumerate(types)}
        spelled = np.asarray(text, dtype=object)[other]
        seen = pd.unique(spelled) if len(spelled) > 1000 else set(spelled.tolist())
        alias = {v: named[slug(v)] for v in seen if isinstance(v, str) and slug(v) in named}
        if alias:
            codes[other] = pd.Series(spelled).map(alias).fillna(-1).to_numpy(dtype=np.int64)
    return codes


def _distinct_names(types: Iterable[str], taken: frozenset[str]) -> tuple[str, ...]:
    """The types whose feature names differ: of 'Add to Cart' and 'add_to_cart' (one
    name, `slug`) the first (their events count as one type, `type_codes`), and of
    'purchase' beside payments and 'purchase_event' (one silence, `last_of`) the first."""
    by_name: dict[str, str] = {}
    silences: set[str] = set()
    for t in types:
        name = slug(t)
        silence = last_of(name, taken)
        if name in by_name or silence in silences:
            continue
        by_name[name] = t
        silences.add(silence)
    return tuple(by_name.values())


def taken_silences(tables: Tables) -> frozenset[str]:
    """The event types whose `days_since_last_<type>` another feature of these tables
    already is: the log's own overall silence, and the purchases', cancellations' and
    negative interactions' where those tables exist (an app's 'purchase' events beside
    its payments). Without that table the name stays the type's, as models trained
    before the rename read it."""
    others = {
        "purchase": tables.transactions,
        "cancellation": tables.cancellations,
        "negative_interaction": tables.interactions,
    }
    return frozenset({"event", *(name for name, table in others.items() if table is not None)})


def last_of(t: str, taken: frozenset[str]) -> str:
    """The silence feature of the event type of slug `t`; a name `taken` already reads
    `days_since_last_purchase_event`."""
    return f"days_since_last_{t}_event" if t in taken else f"days_since_last_{t}"


def _frequent_types(frame: Table, last_cutoff_day: int) -> tuple[str, ...]:
    """The most frequent event types among rows known at the latest cutoff.

    This picks *columns*, not values: each column at cutoff t still reads only rows up
    to t, and rows after the latest cutoff cannot change the choice.
    """
    known = to_days(frame["timestamp"]) <= last_cutoff_day
    counts = pd.Series(frame["type"])[known].astype("string").value_counts()
    spellings = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    by_name: dict[str, tuple[str, int]] = {}  # feature name -> (most frequent spelling, count)
    for raw, n in spellings:
        first, total = by_name.get(slug(raw), (str(raw), 0))
        by_name[slug(raw)] = (first, total + int(n))
    ranked = sorted(by_name.values(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(t for t, _ in ranked[:DEFAULT_EVENT_TYPES])


def _interactions(frame: Table | None, axis: pd.Index, *, timed: bool) -> Activity | None:
    """`timed`: resolution times keep the fraction of a day (`Tables.resolution_timed`),
    else count the calendar days between the two."""
    if frame is None:
        return None
    columns = {"type": level_codes(as_text(frame["type"]), INTERACTION_TYPES).astype(np.int64)}
    for name in ("resolved_at", "recorded_at"):
        if name in frame:
            columns[name.replace("_at", "_day")] = to_days(frame[name])
    if "resolved_at" in frame:
        opened, resolved = frame["timestamp"], frame["resolved_at"]
        took = days_between(opened, resolved) if timed else to_days(resolved) - to_days(opened)
        columns["resolution_days"] = took
    if "satisfaction" in frame:
        columns["satisfaction"] = numbers(frame["satisfaction"])
    return Activity.from_frame(frame, axis, columns=columns)


def _cancellations(frame: Table | None, axis: pd.Index, *, timed: bool) -> Activity | None:
    if frame is None:
        return None
    return Activity.from_frame(frame, axis, columns=_time_of_day(frame, timed))


def _time_of_day(frame: Table, timed: bool) -> dict[str, np.ndarray]:
    """The `second` column of a table compared by time (`Context.undo_by`), else none."""
    return {"second": seconds_of_day(frame["timestamp"])} if timed else {}


@lru_cache(maxsize=4096)
def slug(value: str) -> str:
    """A feature-name-safe form of a raw value: 'Page View' -> 'page_view'."""
    return re.sub(r"[^0-9a-z]+", "_", str(value).lower()).strip("_") or "blank"
