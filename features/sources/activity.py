"""Activity tables (transactions, events, interactions, cancellations): amounts, returns,
discounts, paid periods, rows of no use, repeated lines, interaction types.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.extensions import ExtensionArray
from pandas.api.types import is_integer_dtype

from features.contract import (
    READ_AS_WORDS,
    EventsSpec,
    InteractionsSpec,
    TransactionsSpec,
    quantity_column,
)
from features.returns import line_total, match_lines
from features.sources.copies import share_said
from features.sources.reading import _holds
from features.sources.table import (
    _TIME_STEPS_NS,
    MAX_MISSING_AMOUNT_SHARE,
    MAX_NEGATIVE_AMOUNT_SHARE,
    MOSTLY_BLANK_ORDER_IDS,
    MOSTLY_BLANK_PAID_UNTIL,
    _coded,
    _counts,
    _rows,
    _Table,
    _values_meant,
)
from features.tables import no_use_rows

try:  # a counting sort (`_grouped_order`), private to pandas
    from pandas._libs.algos import groupsort_indexer as _groupsort_indexer
except ImportError:  # pragma: no cover
    _groupsort_indexer = None

log = logging.getLogger(__name__)


def _line_totals(table: _Table) -> None:
    """amount = unit_price x quantity, missing where either is; issues about it name both
    source columns; negative, a return, when either is (`line_total`)."""
    price, quantity = table.clean.pop("unit_price"), table.clean["quantity"]
    table.clean["amount"] = line_total(price, quantity)
    table.missing["amount"] = table.missing.pop("unit_price") | table.missing["quantity"]
    table.sources = {
        **table.sources,
        "amount": f"{table.sources['unit_price']} x {table.sources['quantity']}",
    }


def _discounts_below_list_price(table: _Table) -> None:
    """discount = list_price - amount where the line paid less (0 where it paid the list
    price or more), missing where either is."""
    below = table.clean.pop("list_price") - table.clean["amount"]
    table.clean["discount"] = below.clip(lower=0.0)
    table.missing["discount"] = table.missing.pop("list_price") | table.clean["amount"].isna()
    table.sources = {
        **table.sources,
        "discount": f"{table.sources['list_price']} - {table.sources['amount']}",
    }


def _check_amounts(table: _Table) -> None:
    """Missing amounts are dropped when rare, an error when not. A negative amount is a
    return: matched to the purchase it reverses (`features/returns.py`), else ignored
    when rare and an error when not. An amount of 0 (a free item, an adjustment) is no
    purchase: it would read as the customer's latest visit."""
    amounts, missing = table.clean["amount"], table.missing["amount"]
    _tolerate(
        table, missing, "of amounts missing", MAX_MISSING_AMOUNT_SHARE, _lost_plans(table, missing)
    )
    reversing = _match_returns(table)
    note = f"returns or refunds of no single purchase (same {_mirrored_by(table)}); "
    what = "of amounts negative and mirroring no purchase"
    unmatched = (amounts < 0) & ~reversing
    if table.dropped is not None:
        unmatched &= ~table.dropped  # (guest lines: already said)
    _tolerate(table, unmatched, what, MAX_NEGATIVE_AMOUNT_SHARE, note)
    usable = pd.Series(True, index=amounts.index) if table.dropped is None else ~table.dropped
    zero = (amounts == 0) & usable
    spec = table.spec
    paid_periods = isinstance(spec, TransactionsSpec) and spec.paid_periods
    if zero.any() and not paid_periods:  # (a free period, a trial, is still a paid period)
        n = int(zero.sum())
        if n == int(usable.sum()):
            what = f"every amount is 0 ({_rows(n)}): a log without spend is a usage log (events)"
            table.error("amount", n, what)
            return
        what = f"{_rows(n)} with an amount of 0 (free items, adjustments) ignored: no purchase"
        table.warning("amount", n, what)
        table.drop(zero)


OUTLIER_LINE_TIMES = 5000
"""A line this many times the median line or more is worth a word: Ta Feng's 800 units
for 444,000 (5,840 times its median line of 76) made a first-time buyer the worklist's
most valuable customer; Online Retail's 80,995 paper birds (168,469, about 10,000 times)
were a mistake it reversed. A heavy-tailed B2B log is no mistake: the simulator's key
accounts reach 1,186 times the median line among 20,000 customers."""


def _warn_outlier_lines(table: _Table) -> None:
    """Lines of `OUTLIER_LINE_TIMES` the median line or more: bulk or test orders, or
    mistakes, which a customer's value, and so their value at risk, then rests on. Kept:
    a wholesaler's large orders are real; the warning says how to leave them out."""
    amounts = table.clean["amount"]
    usable = amounts > 0 if table.dropped is None else (amounts > 0) & ~table.dropped
    if not usable.any():
        return
    lines = amounts.to_numpy(np.float64, na_value=np.nan)[usable.to_numpy()]
    median = float(np.median(lines, overwrite_input=True))  # pandas' median less its copies
    huge = usable & (amounts >= OUTLIER_LINE_TIMES * median)
    if not huge.any():
        return
    top, bound = float(amounts[huge].max()), OUTLIER_LINE_TIMES * median
    column = table.sources.get("amount", "amount")
    what = (
        f"lines of {OUTLIER_LINE_TIMES:,} times the median line ({_amount(median)}) or more, "
        f"up to {_amount(top)},"
    )
    advice = (
        ": bulk or test orders, or mistakes? their customers' value and value at risk rest "
        f"on them (kept; valid_ranges: {{{column}: [null, {_amount(bound).replace(',', '')}]}} "
        "reads them as unknown)"
    )
    table.flag("warning", "amount", huge, what, advice=advice)


def _amount(value: float) -> str:
    """An amount as a message shows it: whole above 100 ('444,000'), else 4 digits."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.4g}"


def _paid_until_not_before_payment(table: _Table) -> None:
    """A paid period cannot end before the day it was paid (an expiry of 1970-01-01, a
    placeholder): read as unknown, with a warning, not as a -16,654-day plan."""
    ends = table.clean.get("paid_until")
    if ends is None:
        return
    before = ends.dt.normalize() < table.clean["timestamp"].dt.normalize()
    if before.any():
        what = "paid-until dates before the payment's own day read as unknown"
        table.flag("warning", "paid_until", before, what, ends)
        table.clean["paid_until"] = ends.mask(before)


def _warn_mostly_blank_paid_until(table: _Table) -> None:
    """Paid-until dates blank on most payments (a refund states none) are likely no
    payment log's period ends (`MOSTLY_BLANK_PAID_UNTIL`)."""
    ends = table.clean.get("paid_until")
    if ends is None:
        return
    amounts = table.clean.get("amount")
    blank = ends.isna() if amounts is None else ends.isna()[amounts >= 0]
    _warn_mostly_blank(
        table,
        "paid_until",
        blank,
        MOSTLY_BLANK_PAID_UNTIL,
        "blank or unknown in {} of the payments: each such payment is read as paying for as "
        "long as the customer's previous period did. A payment log states every period's "
        "end; a subscriptions table whose end date is filled only once a subscription ended "
        "says when customers left: map it as the cancellations table's timestamp instead",
    )


def _warn_mostly_blank_order_ids(table: _Table) -> None:
    """Order ids blank on most lines (`MOSTLY_BLANK_ORDER_IDS`): those lines count as one
    order per customer and day, and the file may be an event log whose other rows (views,
    carts) have no order: said, with how to keep only the purchases."""
    orders = table.clean.get("order_id")
    if orders is None or len(orders) == 0:
        return
    blank = orders.isna() if table.dropped is None else orders.isna()[~table.dropped]
    _warn_mostly_blank(
        table,
        "order_id",
        blank,
        MOSTLY_BLANK_ORDER_IDS,
        "blank in {} of the lines: each customer's lines without one count as one order a "
        "day. If the file holds more than purchases (an event log's views and carts, whose "
        "rows have no order), keep the purchases: rows: {{column: <the event column>, "
        "values: [<the purchase event>]}}",
    )


LINE_IDS_AT_LEAST = 100
"""Lines with an order id from which an id on every line is told from an order's."""
LINES_FIRST = 100_000
"""The lines whose order ids are looked at first for a repeat."""
SHARED_DAYS_SHARE = 0.5
"""The share of lines sharing their customer's day with another from which an order id
unique on every line reads as a line's id."""


def _warn_line_ids_as_orders(table: _Table) -> None:
    """An order id unique on every line while customers' days hold several lines: a
    line's id (an invoice line number) counts each line as an order. An Iowa liquor
    wholesaler's line ids mapped as orders passed validate silently, and a store's 45
    orders a year read 2,131, its average order 164 against 7,769."""
    orders = table.clean.get("order_id")
    if orders is None or "timestamp" not in table.clean or "customer_id" not in table.clean:
        return
    # a line without a date shares no day: a date_format reading none had every line
    # of a customer share one, and the warning blamed an order id that was right
    kept = orders.notna() & table.clean["timestamp"].notna()
    kept = kept if table.dropped is None else kept & ~table.dropped
    n = int(kept.sum())
    # the first lines first: an order of several lines repeats its id among them (25M
    # lines took 26 s to find so in full)
    if n < LINE_IDS_AT_LEAST or orders[kept].head(LINES_FIRST).duplicated().any():
        return
    days = pd.DataFrame(
        {
            "customer": table.clean["customer_id"][kept],
            "day": table.clean["timestamp"][kept].dt.normalize(),
        }
    )
    share = float(days.duplicated(keep=False).mean())
    if share < SHARED_DAYS_SHARE or orders[kept].duplicated().any():
        return
    table.warning(
        "order_id",
        n,
        f"a value of its own on every one of {_rows(n)}, while "
        f"{share:.0%} of them share their customer's day with other lines: if it "
        "is each line's id, every line counts as an order (orders, average order value, "
        "gaps); map the order or invoice number, or leave order_id out to count one order "
        "per customer and day",
    )


def _warn_mostly_blank(
    table: _Table, column: str, blank: pd.Series, share_above: float, what: str
) -> None:
    """A warning on `column` where more than `share_above` of the rows are `blank`; `what`
    takes the rows and their share at its `{}`."""
    if len(blank) and blank.mean() > share_above:
        n = int(blank.sum())
        table.warning(column, n, what.format(f"{_rows(n)} ({blank.mean():.1%})"))


def _leave_out_read_as_others(table: _Table) -> None:
    """The usage log's rows of the types another table reads from its file
    (`_Table.not_use`: its payments as transactions, its cancel events as cancellations)
    are no product use and are left out once checked, with a warning: a monthly
    auto-renewal read as use had a subscriber silent for 101 days last seen 20 days ago,
    and kept a member paying for what they no longer use active. Unless every row is
    one: then the log is the other table's too, as it was mapped."""
    if not table.not_use:
        return
    held = pd.Series(False, index=table.clean["type"].index)
    said, types = [], set()
    for name, values in table.not_use.items():
        rows = _holds(table.clean["type"], sorted(values))
        if table.dropped is not None:
            rows &= ~table.dropped
        if rows.any():
            held |= rows
            said.append(f"{READ_AS_WORDS[name]} ({', '.join(sorted(values))})")
            types |= values
    n = int(held.sum())
    kept = len(held) if table.dropped is None else int((~table.dropped).sum())
    if not n or n == kept:
        return
    table.left_out_types = tuple(sorted(types))
    what = f"{_rows(n)} ({n / kept:.1%}) are read as {' and '.join(said)}"
    keep = "name them in the events' rows: values to count them as use"
    table.warning("type", n, f"{what}: no product use, left out of the usage log ({keep})")
    table.drop(held)


def _leave_out_no_use(table: _Table, spec: EventsSpec) -> None:
    """Rows 0 in every quantity, where such a row records no use (`EventsSpec.
    zeros_record_no_use`: a padded grid of daily counts), are left out with a warning:
    read as use, each was an active day, and the MOOC log's learners never lapsed."""
    if not spec.zeros_record_no_use():
        return
    names = [n for n in ("quantity", *map(quantity_column, spec.quantities)) if n in table.clean]
    rows = pd.Series(no_use_rows(table.clean[n] for n in names), index=table.clean[names[0]].index)
    kept = len(rows) if table.dropped is None else int((~table.dropped).sum())
    if table.dropped is not None:
        rows &= ~table.dropped
    n = int(rows.sum())
    if not n:
        return
    columns = ", ".join(table.sources[name] for name in names)
    if n == kept:
        table.error(None, n, f"all {_rows(n)} are 0 in every quantity ({columns}): no use at all")
    else:
        share = n / kept  # of the rows still read: those already left out were said
        what = f"{_rows(n)} ({share:.1%}) are 0 in every quantity ({columns})"
        table.warning(None, n, f"{what}: read as no use and left out")
        _warn_grids_of_their_own(table)
    table.drop(rows)


MONTH_DAYS = 30
MIN_GRID_DAYS = 7
"""The shortest span a grid of a customer's own period is read from: most customers of a
shop active on one day span 0 days alike."""
OWN_GRID_SHARE = 0.5
"""From this share of a padded grid's customers on whose rows, zeros included, span one
length and end a month or more before the log does, each customer has a grid of their
own period."""


def _warn_grids_of_their_own(table: _Table) -> None:
    """A padded grid whose rows, zeros included, span the same days for most customers,
    each ending long before the log: each customer's own period (a MOOC's 30 days of each
    course, 57,366 enrollments over ten months). Past its end a customer's silence is the
    grid's, not theirs: inactivity labelled every enrollment churned at its course's end
    (the MOOC's own labels: 83%), and the model learned where courses end."""
    kept = table.clean["timestamp"].notna()
    if table.dropped is not None:
        kept &= ~table.dropped
    days = table.clean["timestamp"][kept].dt.normalize()
    grouped = days.groupby(table.clean["customer_id"][kept].to_numpy(), sort=False)
    first, last = grouped.min(), grouped.max()
    spans = (last - first).dt.days
    end = days.max()
    common = int(spans.mode().iloc[0]) if len(spans) else 0
    own = (spans == common) & ((end - last).dt.days >= MONTH_DAYS)
    if (
        common + 1 < MIN_GRID_DAYS  # days spanned, both ends counted
        or own.mean() < OWN_GRID_SHARE
        or common * 2 > (end - days.min()).days
    ):
        return  # a span of a day or two is one visit, not a grid
    table.warning(
        "timestamp",
        0,
        f"the rows of {int(own.sum()):,} customers ({own.mean():.0%}), zeros included, span "
        f"{common + 1} days each and end a month or more before the log's last day "
        f"({end.date()}): a grid of each customer's own period? after it their silence is "
        "the grid's end, not theirs, and inactivity labels read it as churn; a label of "
        "their own (churn.definition: label_column) reads them as they were",
    )


def _unknown_when_negative(table: _Table, column: str) -> None:
    """A usage quantity (minutes, MB, seconds played) is never negative: a logger's
    overflow (-9.2e15 seconds) is read as unknown, with a warning, not summed."""
    values = table.clean.get(column)
    if values is None:
        return
    negative = values < 0
    if negative.any():
        table.flag("warning", column, negative, "negative quantities read as unknown", values)
        table.clean[column] = values.mask(negative)


def _mirrored_by(table: _Table) -> str:
    """What a return shares with the purchase it mirrors, in this log."""
    return "category and amount" if "category" in table.clean else "amount"


def _match_returns(table: _Table) -> pd.Series:
    """Mark each purchase line a return reverses (`returned_at`, the return's day) and
    drop those returns; returns which rows they were."""
    amounts = table.clean["amount"]
    negative = amounts < 0
    if not negative.any():
        return negative
    matched = match_lines(
        table.clean["customer_id"].to_numpy(),
        table.clean["timestamp"],
        amounts.to_numpy(dtype=np.float64, na_value=np.nan),
        table.clean.get("category"),
        ignored=None if table.dropped is None else table.dropped.to_numpy(),
    )
    reversing = pd.Series(matched.reversing, index=amounts.index)
    if matched.matched:
        table.clean["returned_at"] = pd.Series(matched.returned_at, index=amounts.index)
        n = matched.matched
        table.warning(
            "amount",
            n,
            f"{_rows(n)} with a negative amount {'reverses' if n == 1 else 'reverse'} a "
            f"purchase on or before its day (same customer, {_mirrored_by(table)}): from "
            "the return's day that purchase no longer counts",
        )
        table.drop(reversing)
    return reversing


def _warn_repeated_lines(table: _Table) -> None:
    """Lines equal in every column read, order id included, look like an export's
    repeats, which would inflate spend. They are kept, since two lines of one order can
    be alike when the product is not among the columns read; the warning says how many."""
    if "order_id" not in table.clean:
        return
    if n := _repeated_rows(table):
        product = "" if "category" in table.clean else ", a product code say,"
        what = (
            f"{_rows(n)} {'repeats' if n == 1 else 'repeat'} another line in every column "
            f"read (same order, time and amount; columns not read{product} may "
            "still tell them apart): kept as separate lines, as a log that writes each unit "
            "as its own row means them; remove them only if the export doubled lines"
        )
        table.warning("order_id", n, what)


def _warn_repeated_events(table: _Table) -> None:
    """Events equal in every column read (customer, time of day, type, quantity) are
    counted as often as they are written: a log's export repeats, which inflate every
    count. Kept, and said; when the file has columns not read, those may tell them apart
    (one row per item bought), and the advice to remove them would delete purchases. A
    log of days alone repeats real events (two logins a day)."""
    times = table.clean["timestamp"].dropna()
    if not (times != times.dt.normalize()).any():
        return
    if n := _repeated_rows(table):
        what = (
            f"{_rows(n)} {'repeats' if n == 1 else 'repeat'} another event in every column "
            "read (customer, time, type, quantity)"
        )
        if table.unread:  # RetailRocket: 3,056 of 8,513 purchase rows, 34 alike in all
            what += (
                f"; columns not read ({', '.join(table.unread[:3])}) may still tell them "
                "apart, as the items of one basket: each is counted, as such a log means "
                "them; remove them only if the export doubled rows"
            )
        else:
            what += ", all the file holds: each is counted; remove them if the export doubled rows"
        table.warning("timestamp", n, what)


def _repeated_rows(table: _Table) -> int:
    """Rows equal to an earlier one in every column read, the keys lookups join on
    included (`_lookup_keys`). Only rows sharing a customer and a time can repeat: those
    are compared in full (a full comparison of every row would double the load of a
    large log)."""
    clean = table.clean
    keys = _customer_keys(clean["customer_id"])
    table.time_order = _key_order(keys, clean["timestamp"])  # the sort's, once (`_clean`)
    candidates = _sharing_in_order(keys, clean["timestamp"], table.time_order)
    if table.dropped is not None:
        candidates &= ~table.dropped.to_numpy()
    if not candidates.any():
        return 0
    read = {**clean, **_lookup_keys(table), **_filter_columns(table)}
    at = np.flatnonzero(candidates)  # by position: no index to select alongside
    rows = pd.DataFrame({name: values.array.take(at) for name, values in read.items()})
    return int(rows.duplicated().sum())


def _lookup_keys(table: _Table) -> dict[str, pd.Series]:
    """The file's columns its lookups join on, as read (named apart from the canonical
    columns): a key is read, and rows that differ in it are no repeats. AdventureWorks'
    FactInternetSales reads its category through `ProductKey`; 156 lines alike but for
    the product (order SO64042: products 528 and 477, both 4.99 Accessories) were said to
    repeat another line in every column read."""
    keys = dict.fromkeys(lookup.on for lookup in table.spec.lookups)
    return {f"lookup.on.{key}": table.raw[key] for key in keys if key in table.raw}


def _filter_columns(table: _Table) -> dict[str, pd.Series]:
    """The file's columns `rows:` filters on, as read: rows that differ in one are no
    repeats. A messaging log filtered on its recipient had one sender's message to
    several people in one second said to repeat in every column read, "all the file
    holds", with the advice to remove them."""
    columns = dict.fromkeys(f.column for f in table.spec.row_filters)
    return {f"rows.column.{c}": table.raw[c] for c in columns if c in table.raw}


def _sharing_customer_and_time(ids: pd.Series, timestamps: pd.Series) -> np.ndarray:
    """Which rows share their customer and time with another row (missing times alike).

    Such rows are neighbours in (customer, time) order, so one sort and a comparison of
    neighbours find them: hashing both columns of 11.65M lines and finding the repeated
    hashes took 2.1 s, this 0.8 s (integer ids; text ids add one factorize, ~1 s a 10M).
    """
    keys = _customer_keys(ids)
    return _sharing_in_order(keys, timestamps, _key_order(keys, timestamps))


def _sharing_in_order(
    keys: np.ndarray, timestamps: pd.Series, order: np.ndarray | None
) -> np.ndarray:
    """`_sharing_customer_and_time` by the customers' keys (`_customer_keys`) and the
    rows' order by them and time (`_key_order`), found once for this and the sort."""
    ts = timestamps.to_numpy().view("i8")
    if order is not None:  # one column sorted at a time: 93 MB less on 11.65M lines
        sorted_keys = keys[order]
        same = sorted_keys[1:] == sorted_keys[:-1]
        del sorted_keys
        sorted_ts = ts[order]
        same &= sorted_ts[1:] == sorted_ts[:-1]
        del sorted_ts
    else:
        same = (keys[1:] == keys[:-1]) & (ts[1:] == ts[:-1])
    shared = np.zeros(len(keys), dtype=bool)
    shared[1:] |= same
    shared[:-1] |= same
    if order is None:
        return shared
    in_input_order = np.empty_like(shared)
    in_input_order[order] = shared
    return in_input_order


def _lost_plans(table: _Table, rows: pd.Series) -> str:
    """Where a subscriptions table's rows are left out (`recurring`: a row is a plan and
    every payment of it), the customers left with none: a pet insurer's policy running
    since 2010, its fee blank, was neither scored nor counted as not scored."""
    spec = table.spec
    if not rows.any() or not isinstance(spec, TransactionsSpec) or spec.recurring is None:
        return ""
    usable = ~rows if table.dropped is None else ~rows & ~table.dropped
    ids = table.clean["customer_id"]
    gone = pd.Index(ids[rows].dropna().unique()).difference(pd.Index(ids[usable].unique()))
    if not len(gone):
        return "their plans are left out, each customer keeping their other plans; "
    example, one = ", ".join(str(i) for i in gone[:3]), len(gone) == 1
    return (
        f"each is a plan and all its payments: {len(gone):,} customer{'' if one else 's'} "
        f"({example}) {'has' if one else 'have'} no other and {'is' if one else 'are'} left "
        "out; "
    )


def _tolerate(table: _Table, rows: pd.Series, what: str, limit: float, note: str) -> None:
    """Up to `limit` of the amounts may be unusable (`rows`): those rows are ignored, with
    a warning. More is an error."""
    share, n = float(rows.mean()) if len(rows) else 0.0, int(rows.sum())
    if share > limit:
        table.error(
            "amount", n, f"{share:.1%} {what} ({_rows(n)}); at most {limit:.0%} can be ignored"
        )
    elif n:
        said = f"{share_said(n, len(rows))} {what} ({_rows(n)}); {note}those rows are ignored"
        table.warning("amount", n, said)
        table.drop(rows)


def _check_seen(table: _Table, column: str, key: str, wanted: list[str] | None) -> None:
    """Configured values (consumable categories, event types) should occur in the data."""
    if not wanted:
        return
    if column not in table.clean:
        table.error(column, 0, f"`{key}` is set but no `{column}` column is mapped")
        return
    unseen = sorted(set(wanted) - set(table.clean[column].dropna().unique()))
    filtered = [value for value in unseen if value in table.filtered_out.get(column, ())]
    if filtered:  # a Q&A dump's privilege wikis, all by the Community bot `rows:` left out
        what = f"`{key}` values only in rows `rows:` leaves out: {', '.join(filtered)}"
        table.warning(column, 0, what)
    unseen = [value for value in unseen if value not in filtered]
    if unseen:
        meant = _values_meant(unseen, table.clean[column])
        what = f"`{key}` values never seen in the data: {', '.join(unseen)}{meant}"
        table.warning(column, 0, what)


def _interaction_types(table: _Table, spec: InteractionsSpec) -> pd.Series:
    """Raw types onto canonical ones (`InteractionsSpec.type_reader`); the rest count as
    'other'."""
    raw = table.clean["type"]
    read = spec.type_reader()
    mapping = {value: read(value) for value in raw.dropna().unique()}
    _warn_unread_labels(
        table, spec, {*mapping.values(), *map(read, table.filtered_out.get("type", ()))}
    )
    unmapped = [value for value, canonical in mapping.items() if canonical is None]
    if unmapped:
        counts = raw[raw.isin(unmapped)].value_counts()
        n = int(counts.sum())
        what = f"types not in `interactions.types` in {_rows(n)}, counted as 'other'"
        table.warning("type", n, f"{what}: {_counts(counts)}")
    return _mapped(raw, {value: canonical or "other" for value, canonical in mapping.items()})


def _warn_unread_labels(table: _Table, spec: InteractionsSpec, read: set[str | None]) -> None:
    """The labels of each type `interactions.types` lists that no row reads as (`read`:
    the types the column's values read as, by `InteractionsSpec.type_reader`, those of
    rows `rows:` left out too). A toy shop's `complaint: [refnd]` counted all 1,731
    refunds as 'other' and learned no complaint, said only as types not in the config."""
    unread = [str(raw) for kind, raws in spec.types.items() if kind not in read for raw in raws]
    if unread:
        meant = _values_meant(unread, table.clean["type"])
        what = f"`interactions.types` labels never seen in the data: {', '.join(unread)}{meant}"
        table.warning("type", 0, what)


def _mapped(values: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """`values.map(mapping)`; pyarrow text (pandas' default `str`) through its distinct
    values, each mapped once and taken back onto the rows: 1.77M interaction types in
    0.2 s, where `map` took 1.0 s. Other dtypes map as they are (`map` gives `str` for
    them, which the fast way would not)."""
    dtype = values.dtype
    arrow_str = (
        isinstance(dtype, pd.StringDtype)
        and dtype.storage == "pyarrow"
        and dtype.na_value is np.nan
    )
    if not arrow_str:
        return values.map(mapping)
    codes, distinct = pd.factorize(values)
    mapped = pd.array([mapping.get(value) for value in distinct], dtype=dtype)
    return pd.Series(mapped.take(codes, allow_fill=True), index=values.index, name=values.name)


def _check_resolution_order(table: _Table) -> None:
    for column in ("resolved_at", "recorded_at"):
        if column in table.clean:
            early = table.clean[column] < table.clean["timestamp"]
            if early.any():
                what = f"{column} before the row's timestamp"
                table.flag("warning", column, early, what, table.clean[column])


def _sorted_activity(frame: pd.DataFrame, known: np.ndarray | None = None) -> pd.DataFrame:
    """Rows by (customer_id, timestamp), stable, fresh index: the order feature code expects.
    `known`: the order of the rows the frame was finished from (`_Table.time_order`),
    which is the frame's when no row was left out since (sorting 11.65M lines: 0.25 s).
    Rows out of order leave `frame` empty: each column is let go once sorted, and the
    table is not held twice (0.35 GB less on 11.65M lines, where fresh memory costs ~2 s
    a GB on this kind of virtual machine)."""
    if known is not None and len(known) == len(frame):
        order: np.ndarray | None = known
    else:
        order = _time_order(frame["customer_id"], frame["timestamp"])
    if order is None:
        return frame.reset_index(drop=True)
    # column by column, without the old index: `frame.take` took 3.0 s on 11.65M lines of
    # 7 columns, this 1.7 s
    return pd.DataFrame(_taken_columns(frame, order), copy=False)


TAKE_THREADS = 2
"""Columns of a large table reordered at once (`_taken_columns`)."""

TAKE_THREADS_FROM_ROWS = 1_000_000
"""Rows from which a table's columns are reordered on `TAKE_THREADS` threads."""


def _taken_columns(frame: pd.DataFrame, order: np.ndarray) -> dict[str, ExtensionArray]:
    """Each column of `frame` taken in `order`, the frame left empty: each column is let
    go once taken, so at most `TAKE_THREADS` columns are held twice. A take of rows
    scattered over the file waits on memory, not on the processor, with the GIL
    released, so two columns taken at once on two threads took 11.65M lines of 7 columns
    in about half the time of one after the other; the result is the same either way."""
    pending = {name: frame.pop(name).array for name in list(frame)}
    names = list(pending)

    def take(name: str) -> ExtensionArray:
        return _taken(pending.pop(name), order)

    if len(order) < TAKE_THREADS_FROM_ROWS or len(names) < 2:
        return {name: take(name) for name in names}
    with ThreadPoolExecutor(max_workers=TAKE_THREADS) as pool:
        return dict(zip(names, pool.map(take, names), strict=True))


def _taken(values: ExtensionArray, order: np.ndarray) -> ExtensionArray:
    """`values.take(order)`; text of few distinct values (`_coded`) through its codes:
    rows taken from 11.65M category strings at random cost 0.6-1.0 s, the codes found,
    taken, and read off the few distinct strings 0.35 s. Free text (many distinct) is
    taken as it is, where codes would cost more."""
    if not isinstance(values.dtype, pd.StringDtype) or not len(values) or not _coded(values):
        return values.take(order)
    taken = _taken_by_dictionary(values, order) if values.dtype.storage == "pyarrow" else None
    if taken is not None:
        return taken
    codes, distinct = pd.factorize(values)
    return distinct.take(codes.take(order), allow_fill=True)


def _taken_by_dictionary(values: ExtensionArray, order: np.ndarray) -> ExtensionArray | None:
    """`_taken` of pyarrow text through pyarrow's dictionary encoding, whose int32 codes
    are taken as they are: 0.35 s for 11.65M category strings, where `pd.factorize`
    (int64 codes, their blanks filled) and the take with fill cost 0.8 s. None where the
    chunks' dictionaries differ (pyarrow gives each the whole column's)."""
    encoded = pa.chunked_array(pa.array(values)).dictionary_encode()
    dictionary = encoded.chunks[-1].dictionary  # the whole column's, in every chunk
    if not all(chunk.dictionary.equals(dictionary) for chunk in encoded.chunks):
        return None
    codes = [chunk.indices.fill_null(-1).to_numpy() for chunk in encoded.chunks]
    taken = (codes[0] if len(codes) == 1 else np.concatenate(codes)).take(order)
    rows = dictionary.take(pa.array(taken, mask=taken < 0))
    return pd.arrays.ArrowStringArray(rows, dtype=values.dtype)


def _time_order(ids: pd.Series, timestamps: pd.Series) -> np.ndarray | None:
    """Row order by (customer, time), None when already so.

    A log in time order (the usual export) needs only its rows grouped by customer, in a
    stable counting pass when the ids are dense enough. Otherwise one stable argsort of a
    combined int64 key (customer rank x time step) when it fits, which is about three
    times faster than a two-key sort on 10M rows.
    """
    return _key_order(_customer_keys(ids), timestamps)


def _key_order(keys: np.ndarray, timestamps: pd.Series) -> np.ndarray | None:
    """`_time_order` by the customers' integer keys (`_customer_keys`), computed once
    where another step needs them too (factorizing 10M text ids takes a second)."""
    ts = timestamps.to_numpy().view("i8")
    if len(keys) < 2 or _is_ordered(keys, ts):
        return None
    low, high = int(keys.min()), int(keys.max())
    if not timestamps.hasnans and high - low < 4 * len(keys) and (ts[1:] >= ts[:-1]).all():
        return _grouped_order(keys, low, high - low + 1)
    if timestamps.hasnans or int(ts.max()) - int(ts.min()) >= 2**62:
        return np.lexsort((ts, keys))
    offset = ts - ts.min()
    step = next(s for s in _TIME_STEPS_NS if not (offset % s).any())
    span = int(offset.max()) // step + 1
    if (high - low + 1) * span >= 2**63:
        return np.lexsort((ts, keys))
    return np.argsort((keys - low) * span + offset // step, kind="stable")


def _customer_keys(ids: pd.Series) -> np.ndarray:
    """Integers in the ids' order: the ids themselves when integers, else their ranks."""
    return ids.to_numpy() if is_integer_dtype(ids) else pd.factorize(ids, sort=True)[0]


def _grouped_order(keys: np.ndarray, low: int, n_keys: int) -> np.ndarray:
    """Rows ordered by key (low <= key < low + n_keys), each key's rows in input order: a
    counting sort, one pass to count and one to place, pandas' own (its groupby's). A
    numba kernel did the same, but loading it cost every process 0.3-0.6 s CPU, as much
    as the sort of 11.65M lines; a stable argsort where pandas has none."""
    shifted = np.subtract(keys, low, dtype=np.intp)
    if _groupsort_indexer is None:  # pragma: no cover - pandas 3.0 and 3.1 have it
        return np.argsort(shifted, kind="stable")
    return _groupsort_indexer(shifted, n_keys)[0]


def _is_ordered(keys: np.ndarray, ts: np.ndarray) -> bool:
    same = keys[1:] == keys[:-1]
    return bool(((keys[1:] > keys[:-1]) | (same & (ts[1:] >= ts[:-1]))).all())
