"""Cleaning every table once it is read: canonical columns, types, and each kind of table's
own checks.
"""

from __future__ import annotations

import pandas as pd
from pandas.api.types import is_integer_dtype

from features.contract import (
    MONEY_COLUMNS,
    ActivitySpec,
    CustomersSpec,
    EventsSpec,
    InteractionsSpec,
    TransactionsSpec,
    quantity_column,
)
from features.sources.activity import (
    _check_amounts,
    _check_resolution_order,
    _check_seen,
    _discounts_below_list_price,
    _interaction_types,
    _leave_out_no_use,
    _leave_out_read_as_others,
    _line_totals,
    _paid_until_not_before_payment,
    _sorted_activity,
    _unknown_when_negative,
    _warn_line_ids_as_orders,
    _warn_mostly_blank_order_ids,
    _warn_mostly_blank_paid_until,
    _warn_outlier_lines,
    _warn_repeated_events,
    _warn_repeated_lines,
)
from features.sources.attributes import _attribute, _clean_customers
from features.sources.dates import _numbers, _timestamps
from features.sources.ids import (
    _attribute_history,
    _check_duplicate_ids,
    _one_row_per_customer,
    _without_repeated_rows,
)
from features.sources.subscriptions import _check_subscriptions
from features.sources.table import (
    MAX_MISSING_TIMESTAMP_SHARE,
    NUMBER_COLUMNS,
    TEXT_COLUMNS,
    TIMESTAMP_COLUMNS,
    _Reference,
    _rows,
    _Table,
    _text,
)


def _clean(table: _Table, *, reference: _Reference) -> pd.DataFrame:
    """Convert and check every column of one table (its ids are, `_clean_ids`), then apply
    that table's own rules."""
    for column in table.spec.mapped():
        converted = _convert(table, column, reference)
        if converted is not None:
            table.clean[column], table.missing[column] = converted
    _require(table)
    spec = table.spec
    if isinstance(spec, CustomersSpec):
        _clean_customers(table, spec)
        frame = table.finish()
        if "timestamp" in frame:  # a dated table: a log, or a history of changes (SCD)
            table.history = _attribute_history(frame, list(spec.attributes))
            frame = frame.drop(columns="timestamp")
        if table.history is not None:  # a dated table's rows repeat by design
            frame = _one_row_per_customer(frame, table.history)
        else:
            frame = _without_repeated_rows(table, frame, spec)
        _check_duplicate_ids(table, frame)
        return frame.sort_values("customer_id", kind="stable").reset_index(drop=True)
    if isinstance(spec, TransactionsSpec):
        if "unit_price" in table.clean:
            _line_totals(table)
        if "list_price" in table.clean:
            _discounts_below_list_price(table)
        for money in MONEY_COLUMNS:
            if money in table.clean:
                table.clean[money] = spec.in_currency(table.clean[money])
        if "amount" in table.clean:  # a log without money has none (`sources/amounts.py`)
            _check_amounts(table)
            _warn_outlier_lines(table)
        if spec.recurring is not None:
            _check_subscriptions(table, spec)
        _paid_until_not_before_payment(table)
        _warn_mostly_blank_paid_until(table)
        _warn_mostly_blank_order_ids(table)
        _warn_line_ids_as_orders(table)
        _warn_repeated_lines(table)
        _check_seen(table, "category", "consumable_categories", spec.consumable_categories)
    elif isinstance(spec, EventsSpec):
        _check_seen(table, "type", "events.types", spec.types)
        _check_seen(table, "type", "events.type_words", list(spec.type_words))
        _leave_out_read_as_others(table)
        _leave_out_no_use(table, spec)
        for column in ("quantity", *map(quantity_column, spec.quantities)):
            _unknown_when_negative(table, column)
        _warn_repeated_events(table)
    elif isinstance(spec, InteractionsSpec):
        table.clean["type"] = _interaction_types(table, spec)
        _check_resolution_order(table)
    if isinstance(spec, ActivitySpec) and spec.attributes:
        frame = _carried_apart(table, spec)
    else:
        frame = table.finish()
    order, table.time_order = table.time_order, None  # held no longer than the sort
    return _sorted_activity(frame, order)


def _carried_apart(table: _Table, spec: ActivitySpec) -> pd.DataFrame:
    """The activity rows without the attributes they carry, which go to the table's
    dated attribute log (`_attribute_history`)."""
    for name, kind in spec.attributes.items():
        table.clean[name] = _attribute(table, name, kind)
    frame = table.finish()
    table.carried_missing = {name: float(frame[name].isna().mean()) for name in spec.attributes}
    table.history = _attribute_history(frame, list(spec.attributes))
    return frame.drop(columns=list(spec.attributes))


def _convert(
    table: _Table, column: str, reference: _Reference
) -> tuple[pd.Series, pd.Series] | None:
    """(clean values, which rows were blank in the file) for one canonical column."""
    if column in TIMESTAMP_COLUMNS:
        return _timestamps(table, column, reference)
    if column in NUMBER_COLUMNS or column.startswith(quantity_column("")):
        return _numbers(table, column)
    if column in TEXT_COLUMNS:
        values = table.column(column)
        if column == "order_id" and is_integer_dtype(values):
            return values, values.isna()  # integer order numbers need no text copy
        text = _text(values)
        return text, text.isna()
    return None


def _require(table: _Table) -> None:
    """Required columns may not be blank (amounts have their own tolerance, and so have
    times: `_tolerate_blank_times`), unless the table's spec says a blank there means no
    row (`blank_means_no_row`: a cancellation without a time is none)."""
    for column in table.spec.required_columns:
        missing = table.missing.get(column)
        if column == "amount" or missing is None or not missing.any():
            continue
        said = table.spec.blank_means_no_row.get(column)
        if said is not None:
            n = int(missing.sum())
            table.warning(column, n, f"{_rows(n)} {said}")
        elif column == "timestamp":
            _tolerate_blank_times(table, missing)
        else:
            table.flag("error", column, missing, f"no {column}")
        table.drop(missing)


def _tolerate_blank_times(table: _Table, missing: pd.Series) -> None:
    """Rows without a time, as blank ids are, left out with a warning up to
    `MAX_MISSING_TIMESTAMP_SHARE` (14 blank dates of 38,765 failed validate, where a
    blank id is a warning); more is an error with the remedy. Both name example lines of
    the file, where "no timestamp in 14 rows" left the user to search for them."""
    share = float(missing.mean())
    of_all = f" ({share:.2%} of the table's rows)"
    ok = share <= MAX_MISSING_TIMESTAMP_SHARE
    table.flag(
        "warning" if ok else "error",
        "timestamp",
        missing,
        "no timestamp",
        lambda flagged: table.lines_of(flagged) or "a blank cell",
        advice=f"{of_all}: those rows are ignored"
        if ok
        else (
            f"{of_all}; at most {MAX_MISSING_TIMESTAMP_SHARE:.0%} can be ignored: fill the "
            "times in the file, or map `timestamp` to the column that holds them"
        ),
    )
