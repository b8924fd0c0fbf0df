"""The inverse of live scoring's input: one customer's rows in `Tables` as a request item.

Useful to replay a stored customer through `POST /v1/score` (checks, benchmarks, support
questions like "what would they score with this history?").
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from features.contract import quantity_column
from features.tables import Tables

ACTIVITY = {
    "transactions": (
        "timestamp",
        "amount",
        "quantity",
        "category",
        "discount",
        "margin",
        "order_id",
        "paid_until",
    ),
    "interactions": ("timestamp", "type", "resolved_at", "satisfaction", "recorded_at"),
    "events": ("timestamp", "type", "quantity"),
    "cancellations": ("timestamp",),
}
"""The canonical columns a `POST /v1/score` item accepts per activity table."""


def plain(value: Any) -> Any:
    """A JSON value: timestamps as ISO text, missing as null, numpy scalars as Python."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value


def history_item(tables: Tables, customer_id: Any) -> dict[str, Any]:
    """One customer's full history from the tables, as a `POST /v1/score` item; its
    attributes as they are now (a dated table's latest values: the customers table
    holds them)."""
    person = tables.customers.loc[tables.customers["customer_id"] == customer_id].iloc[0]
    item: dict[str, Any] = {
        "customer_id": str(customer_id),
        "signup_date": plain(person.get("signup_date")),
        "attributes": {name: plain(person[name]) for name in tables.attributes},
    }
    further = {quantity_column(c): c for c in tables.event_quantities}
    for name, columns in ACTIVITY.items():
        frame = getattr(tables, name)
        if frame is None:
            continue
        own = frame.loc[frame["customer_id"] == customer_id]
        rows = own[[c for c in columns if c in frame]]
        item[name] = [{k: plain(v) for k, v in row.items()} for row in rows.to_dict("records")]
        if name == "events" and further:
            for posted, values in zip(
                item[name], own[list(further)].to_dict("records"), strict=True
            ):
                posted["quantities"] = {further[k]: plain(v) for k, v in values.items()}
        if "returned_at" in own:
            item[name] += _returns(own)
    return item


def _returns(lines: pd.DataFrame) -> list[dict[str, Any]]:
    """The returns the loader matched to these purchase lines, as the negative lines a
    log books them as (live scoring matches them again, `features/returns.py`)."""
    returned = lines.loc[lines["returned_at"].notna()]
    return [
        {
            "timestamp": plain(row["returned_at"]),
            "amount": -row["amount"],
            **({"category": plain(row["category"])} if "category" in returned else {}),
        }
        for row in returned.to_dict("records")
    ]
