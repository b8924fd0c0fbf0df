"""Customer ids: one dtype across tables, one spelling per number (`00141833` beside
`141833`), repeated rows, one row per customer from a log read as the customers table,
and attribute histories.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import is_bool_dtype, is_float_dtype, is_integer_dtype, is_numeric_dtype

from features.contract import CustomersSpec
from features.sources.copies import share_said
from features.sources.table import (
    _INTEGER_TEXT,
    SINCE_ALWAYS,
    _counted,
    _example,
    _rows,
    _Table,
    _text,
    _whole,
    _with_latest,
)


def _integer_ids(ids: pd.Series) -> bool:
    """Whether ids are integers without loss: integer dtype, whole floats, or digit text."""
    if is_bool_dtype(ids):
        return False
    if is_integer_dtype(ids):
        return True
    present = ids.dropna()
    if is_float_dtype(ids):
        return bool((present % 1 == 0).all() and (present.abs() < 2**53).all())
    return bool(_text(present).dropna().str.fullmatch(_INTEGER_TEXT).all())


def _clean_ids(table: _Table, as_int: bool) -> None:
    """Report and drop rows without an id; give ids the one dtype all tables share.

    A customers row without an id is an error. Activity without one (a guest checkout, an
    anonymous visit) belongs to no customer: those rows are dropped with a warning, and
    only a table where no row has an id is an error. So is a customers table whose ids
    repeat: it is an activity log read for its customers' attributes."""
    ids = table.column("customer_id")
    numeric = is_numeric_dtype(ids) and not is_bool_dtype(ids)
    if not numeric:
        ids = _whole(_text(ids))
    missing = ids.isna()
    if missing.any():
        a_log = ids.dropna().duplicated().any()
        if (isinstance(table.spec, CustomersSpec) and not a_log) or missing.all():
            table.flag("error", "customer_id", missing, "no customer id")
        else:
            n = int(missing.sum())
            table.warning(
                "customer_id",
                n,
                f"no customer id in {_rows(n)} ({share_said(n, len(missing))}; guest "
                "activity?): "
                "they belong to no customer and are ignored",
            )
        table.drop(missing)
        ids = ids.fillna(0 if numeric else "0")  # placeholders in rows that are dropped
    if as_int:
        table.clean["customer_id"] = _as_int64(ids)
        return
    if is_float_dtype(ids) and (ids % 1 == 0).all():
        ids = ids.astype("int64")
    table.clean["customer_id"] = ids if isinstance(ids.dtype, pd.StringDtype) else ids.astype("str")


def _as_int64(ids: pd.Series) -> pd.Series:
    """`ids.astype("int64")`; digit text (`_integer_ids`) cast by pyarrow: pandas took
    0.3 s for 1.8M text ids of a CSV, pyarrow 0.04 s."""
    if not isinstance(ids.dtype, pd.StringDtype) or ids.dtype.storage != "pyarrow":
        return ids.astype("int64")
    try:
        cast = pc.cast(pa.array(ids.array), pa.int64())
    except pa.ArrowException:  # not expected of digit text: pandas says what is wrong
        return ids.astype("int64")
    if cast.null_count:  # blanks: pandas' error
        return ids.astype("int64")
    return pd.Series(cast.to_numpy(zero_copy_only=False), index=ids.index, name=ids.name)


def _one_spelling_per_number(tables: list[_Table]) -> None:
    """Text ids that are one number written with and without leading zeros ('00141833'
    and '141833': two exports merged, one of them through a spreadsheet or an integer
    column) are one customer, written with the most zeros, said per table. Kept apart,
    every padded id "stopped" where the other export began: a 97.5% churn rate where the
    clean file had 64.6%. An id scheme where 0141833 and 141833 are two people is rarer
    than a lost zero; a customers table that lists both with differing attributes is an
    error when its rows are checked (`_check_duplicate_ids`)."""
    ids = pd.concat([t.clean["customer_id"] for t in tables], ignore_index=True)
    respelled = _padded_spellings(ids.drop_duplicates())
    if not respelled:
        return
    for table in tables:
        ids = table.clean["customer_id"]
        padded = ids.map(respelled)
        moved = padded.notna()
        if not moved.any():
            continue
        first = int(np.flatnonzero(moved.to_numpy())[0])
        table.warning(
            "customer_id",
            int(moved.sum()),
            f"{ids[moved].nunique():,} ids in {_rows(int(moved.sum()))} are the same number "
            f"as an id written with more leading zeros, e.g. '{ids.iloc[first]}' and "
            f"'{padded.iloc[first]}' (exports merged?): read as one customer, with the zeros",
        )
        table.clean["customer_id"] = ids.mask(moved, padded)


def _padded_spellings(ids: pd.Series) -> dict[str, str]:
    """Each digit id with a more padded spelling among `ids` (distinct texts) -> the most
    padded one of its number."""
    digits = ids[ids.str.fullmatch(r"\d+").fillna(False).astype(bool)]
    frame = pd.DataFrame(
        {"id": digits, "number": digits.str.lstrip("0"), "length": digits.str.len()}
    ).sort_values(["number", "length", "id"], ascending=[True, False, True])
    frame["padded"] = frame.groupby("number")["id"].transform("first")
    moved = frame[frame["id"] != frame["padded"]]
    return dict(zip(moved["id"].tolist(), moved["padded"].tolist(), strict=True))


def _attribute_history(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame | None:
    """A log's dated attribute values (customer_id, timestamp, attributes), sorted by
    customer and time; None without attributes (its `timestamp` says nothing then). A
    row without a time holds since always (a history's first version, its `valid_from`
    left blank), so its values are not lost at every cutoff."""
    attributes = [name for name in names if name in frame]
    if not attributes:
        return None
    history = frame[["customer_id", "timestamp", *attributes]]
    history = history.assign(timestamp=history["timestamp"].fillna(SINCE_ALWAYS))
    history = history.sort_values(["customer_id", "timestamp"], kind="stable")
    kept = ["customer_id", *attributes]  # only the rows where a customer's values change
    changes = history[kept].ne(history[kept].shift()).any(axis=1)
    return history.loc[changes].reset_index(drop=True)


def _without_repeated_rows(table: _Table, frame: pd.DataFrame, spec: CustomersSpec) -> pd.DataFrame:
    """One row per customer where rows repeat exactly (an event log that carries each
    user's attributes on every event, used as the customers table without its times),
    with a warning. In such a log an attribute may change (a second country on a few
    purchases, a move from the free plan to the paid one): when only attributes differ,
    and only for customers whose rows also repeat, in a table where most customers' rows
    do, each keeps their most frequent value, with a warning. (A log with times reads
    the value as of each cutoff instead: `_attribute_history`.)"""
    repeats = frame.duplicated()
    if not repeats.any():
        return frame
    n = int(repeats.sum())
    what = f"{_rows(n)} repeat their customer's row exactly: one row per customer is kept"
    table.warning("customer_id", n, what)
    kept = frame.loc[~repeats]
    twice = kept.loc[kept["customer_id"].duplicated(keep=False)]
    varying = [c for c in kept.columns if c != "customer_id" and _varies(twice, c)]
    if not varying or not set(varying) <= set(spec.attributes) or not _log_like(frame):
        return kept  # other columns differ, or a customers table: `_check_duplicate_ids`
    if not twice["customer_id"].isin(frame.loc[repeats, "customer_id"]).all():
        return kept  # a customer of two differing rows and no repeat: a table's conflict
    for column in varying:
        counts = twice.groupby("customer_id")[column].nunique(dropna=False)
        changed = counts[counts > 1]
        holds = "hold" if len(changed) > 1 else "holds"
        table.warning(
            column,
            len(changed),
            f"{_counted(len(changed), 'customer')} (e.g. {_example(changed.index.to_series())}) "
            f"{holds} more than one value across their rows: each keeps their most frequent",
        )
        kept = kept.drop(columns=column).merge(
            _most_frequent(frame, column), on="customer_id", how="left", validate="m:1"
        )
    return kept.drop_duplicates("customer_id", keep="last").reset_index(drop=True)


LOG_LIKE_SHARE = 0.5
"""A customers table whose rows repeat for at least this share of its customers is an
activity log read for its attributes; below, a repeat is a pasted row in a real table."""


def _log_like(frame: pd.DataFrame) -> bool:
    ids = frame["customer_id"]
    return bool(ids.duplicated(keep=False).groupby(ids).any().mean() >= LOG_LIKE_SHARE)


def _most_frequent(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Each customer's most frequent known value of `column` over all their rows (blank
    only when all are); on a tie the one in their row nearest the end of the file."""
    rows = frame[["customer_id", column]].assign(_position=np.arange(len(frame)))
    counted = (
        rows.dropna(subset=[column])
        .groupby(["customer_id", column], sort=False)
        .agg(_count=("_position", "size"), _last=("_position", "max"))
    )
    best = counted.sort_values(["_count", "_last"]).groupby(level="customer_id").tail(1)
    every = pd.DataFrame({"customer_id": frame["customer_id"].unique()})
    return every.merge(best.reset_index()[["customer_id", column]], on="customer_id", how="left")


def _one_row_per_customer(frame: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """A dated customers table's rows as one per customer, each attribute its latest
    known value (the features read them as of each cutoff from `history`); other columns
    must agree across a customer's rows (`_check_duplicate_ids`)."""
    attributes = [name for name in history if name not in ("customer_id", "timestamp")]
    rest = frame.drop(columns=attributes).drop_duplicates()
    return _with_latest(rest, history, attributes)


def _check_duplicate_ids(table: _Table, frame: pd.DataFrame) -> None:
    """An id on rows that differ is an error naming the columns that differ (an attribute
    that changes over time cannot be a static customer attribute)."""
    ids = frame["customer_id"]
    repeated = ids.duplicated(keep=False)
    if repeated.any():
        twice = frame.loc[repeated]
        varying = [c for c in frame.columns if c != "customer_id" and _varies(twice, c)]
        where = f" (differing in {', '.join(varying)})" if varying else ""
        n = int(repeated.sum())
        table.error(
            "customer_id",
            n,
            f"ids that appear more than once{where} in {_rows(n)}, e.g. "
            f"{_example(ids[repeated])}: a customers table holds one row per customer; a "
            "history of changes maps `timestamp` (the date each row holds from, e.g. "
            "valid_from), and its attributes are read as of each cutoff",
        )


def _varies(rows: pd.DataFrame, column: str) -> bool:
    """Whether some customer's rows hold more than one value of `column`."""
    return bool((rows.groupby("customer_id")[column].nunique(dropna=False) > 1).any())
