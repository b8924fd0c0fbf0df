"""Checks across tables: the customers every table names, ids the customers table lacks,
and the per-table summary `validate` prints.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from features.contract import RunConfig
from features.sources.copies import copies
from features.sources.table import (
    DERIVED_COLUMNS,
    LabelCounts,
    TableSummary,
    _counted,
    _example,
    _rows,
    _Table,
)


def _customers(
    config: RunConfig, tables: list[_Table], frames: dict[str, pd.DataFrame]
) -> pd.DataFrame | None:
    """The customers table, or, when none is configured, who appears in the transactions
    and events (a usage log may be all a subscription business exports). A configured
    one gains the logs' customers it does not list (not a labelled snapshot's: its rows
    are its population), and the other tables keep only rows of its customers."""
    if config.data.customers is None:
        return _actors(frames)
    customers = frames.get("customers")
    if customers is None:
        return None
    others = [t for t in tables if t.name != "customers"]
    snapshot = config.churn.definition == "label_column"  # its rows are the population
    buyers = [] if snapshot else [t for t in others if t.name in ("transactions", "events")]
    unlisted = {
        t.name: ~frames[t.name]["customer_id"].isin(customers["customer_id"]) for t in buyers
    }
    if buyers:
        customers = _with_unlisted_buyers(customers, buyers, frames, unlisted)
    for table in others:
        ids = frames[table.name]["customer_id"]
        if table.name not in unlisted:
            unknown = ~ids.isin(customers["customer_id"])
        elif unlisted[table.name].all():  # none listed, so none joined: ids written otherwise
            unknown = unlisted[table.name]
        else:  # its customers joined the table: every row's customer is listed now
            continue
        kept = _check_known_ids(table, ids, unknown)
        if kept is not None:
            frames[table.name] = frames[table.name].loc[kept]
    return customers


def _actors(frames: dict[str, pd.DataFrame]) -> pd.DataFrame | None:
    """Who appears in the transactions and events, one row each; None without either."""
    actors = [frames[name] for name in ("transactions", "events") if name in frames]
    if not actors:
        return None
    ids = pd.concat([frame[["customer_id"]] for frame in actors], ignore_index=True)
    return ids.drop_duplicates().reset_index(drop=True)


def _with_unlisted_buyers(
    customers: pd.DataFrame,
    buyers: list[_Table],
    frames: dict[str, pd.DataFrame],
    unlisted: dict[str, pd.Series],
) -> pd.DataFrame:
    """The customers table with the purchase and usage logs' customers it does not list
    (`unlisted`: each log's rows of such customers)."""
    joining = [_unlisted(t, frames[t.name]["customer_id"], unlisted[t.name]) for t in buyers]
    added = [ids for ids in joining if ids is not None]
    if not added:
        return customers
    return _with_customers(customers, pd.concat(added).drop_duplicates())


def _unlisted(table: _Table, ids: pd.Series, unknown: pd.Series) -> pd.Series | None:
    """The ids of an activity table's customers that the customers table does not list,
    which join it with unknown attributes (dunnhumby's demographics cover 801 of 2,500
    households: said in a warning); None when there are none, or when no id is listed
    (an error: ids written two ways)."""
    if not unknown.any() or unknown.all():
        return None
    unlisted = ids[unknown].drop_duplicates()
    have = "has" if len(unlisted) == 1 else "have"
    table.warning(
        "customer_id",
        int(unknown.sum()),
        f"{_counted(len(unlisted), 'customer')} in {_rows(int(unknown.sum()))} {have} no row "
        f"in the customers table, e.g. {_example(unlisted)}: read as customers whose attributes "
        "are unknown (a table of only some customers' details)",
    )
    return unlisted


def _with_customers(customers: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """The customers table with rows for `ids`, every other column blank (categories
    keep their levels), sorted by id as the loader leaves it."""
    extended = customers.set_index("customer_id")
    everyone = extended.index.append(pd.Index(ids, name="customer_id"))
    return (
        extended.reindex(everyone)
        .reset_index()
        .sort_values("customer_id", kind="stable", ignore_index=True)
    )


def _check_known_ids(table: _Table, ids: pd.Series, unknown: pd.Series) -> pd.Series | None:
    """Rows of ids not among the customers (`unknown`) are an error when no id of the
    table is known (ids written two ways), else ignored with a warning (a support desk's
    tickets from prospects); the rows to keep then, None when all are kept or none can
    be."""
    if not unknown.any():
        return None
    if unknown.all():
        what = "ids not in the customers table (none of this table's is: written otherwise?)"
        table.flag("error", "customer_id", unknown, what, ids)
        return None
    what = "ids not in the customers table (not customers: prospects?) ignored"
    table.flag("warning", "customer_id", unknown, what, ids)
    return ~unknown


def _summarize(
    name: str,
    path: Path | None,
    frame: pd.DataFrame,
    labels: LabelCounts | None = None,
    carried_missing: dict[str, float] | None = None,
) -> TableSummary:
    dates = frame.get("timestamp", frame.get("signup_date"))
    has_dates = dates is not None and dates.notna().any()
    return TableSummary(
        name=name,
        path=path,
        rows=len(frame),
        customers=int(frame["customer_id"].nunique()),
        date_min=dates.min() if has_dates else None,
        date_max=dates.max() if has_dates else None,
        missing_rates={
            **{
                column: float(frame[column].isna().mean())
                for column in frame.columns
                if column not in DERIVED_COLUMNS
            },
            **(carried_missing or {}),
        },
        labels=labels if labels is None else _with_copies(labels, frame),
    )


def _with_copies(labels: LabelCounts, frame: pd.DataFrame) -> LabelCounts:
    """`labels` with the labelled rows identical to another in every column read but the
    id and the label (`features/sources/copies.py`): copies split across a training and
    a test set test a model on rows it learned."""
    labelled = frame[frame["label"].notna()] if "label" in frame else frame
    read = [c for c in frame if c not in ("customer_id", "label", *DERIVED_COLUMNS)]
    return replace(labels, copies=copies(labelled, read))
