"""The `POST /v1/score` example that /docs shows, made for the served model.

A fixed example (a retail customer with `region` and `seats`) is refused by a model of
other data: a telecom snapshot knows no transactions and has attributes of its own, a
subscription model needs paid periods. So the example is one customer typical of the
model's training rows: its attributes at their training medians (a category at a level
the model knows), and, for each table the model reads, activity at the training medians
of its features (tenure, days since the last purchase or use, usual gap, order value),
each row with every field the config maps, its purchases in the data's most common
category, signed up no later than its first activity. It is scored before it is shown;
an example this model cannot score is not shown.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections.abc import Mapping
from typing import Any

from churn.model import ChurnModel
from features.contract import UNTYPED_EVENT
from serving.live import score_history
from serving.live_checks import trained_to, undated_cutoff
from serving.schemas import ScoreIn
from serving.scorer import Loaded

log = logging.getLogger(__name__)

EXAMPLE_ID = "example-1"
MOST_ROWS = 12
"""At most this many purchases or usage days: a year of a monthly customer, and /docs
stays readable."""
EVENT_TYPE = re.compile(r"events_(.+)_30d")


def score_example(model: ChurnModel) -> dict[str, Any]:
    """A body for `POST /v1/score` of one typical customer of `model`'s training data, in
    canonical column names and the data's own attribute names."""
    typical = _Typical(model.info.get("reason_pivots") or {}, model.median_fills)
    end = _data_end(model)
    data = model.data
    customer: dict[str, Any] = {"customer_id": EXAMPLE_ID}
    if data.customers is not None and "signup_date" in data.customers.mapped():
        customer["signup_date"] = end - dt.timedelta(days=typical.days("tenure_days", 365))
    attributes = _attributes(model, typical)
    if attributes:
        customer["attributes"] = attributes
    if data.transactions is not None:
        customer["transactions"] = _purchases(model, typical, end)
    if data.events is not None:
        customer["events"] = _events(model, typical, end)
    if data.interactions is not None:
        call = end - dt.timedelta(days=typical.days("days_since_last_negative_interaction", 60))
        interaction = {"timestamp": _day(call), "type": "call"}
        if "resolved_at" in data.interactions.mapped():
            interaction["resolved_at"] = _day(call + dt.timedelta(days=1))
        if "satisfaction" in data.interactions.mapped():
            interaction["satisfaction"] = round(typical.number("satisfaction_last", 4.0))
        customer["interactions"] = [interaction]
    if "signup_date" in customer:
        customer["signup_date"] = _day(_signed_up(customer["signup_date"], customer))
    return {"cutoff": _day(end), "customers": [customer]}


def _signed_up(day: dt.date, customer: Mapping[str, Any]) -> dt.date:
    """The signup `day` (training's median tenure before the end), or the customer's
    first activity when earlier: AdventureWorks' median gap between purchases (a year and
    more) put the first purchase of its example at 2019-08-09, a signup at 2020-09-05."""
    posted = [
        row["timestamp"]
        for table in ("transactions", "events", "interactions")
        for row in customer.get(table, [])
    ]
    return min([day, *(dt.date.fromisoformat(stamp[:10]) for stamp in posted)])


class _Typical:
    """Training medians by feature name, with a default where the model has none."""

    def __init__(self, pivots: Mapping[str, Any], fills: Mapping[str, float]) -> None:
        self.values = {**fills, **pivots}

    def number(self, name: str, default: float) -> float:
        value = self.values.get(name)
        if isinstance(value, int | float) and math.isfinite(value):
            return float(value)
        return default

    def days(self, name: str, default: int, *, least: int = 1) -> int:
        return max(round(self.number(name, default)), least)


def _data_end(model: ChurnModel) -> dt.date:
    """The day a request of this model is scored as of when it posts none: the last day
    of its data (`live_checks.trained_to`, else `live_checks.undated_cutoff`), else today."""
    return trained_to(model) or undated_cutoff(model) or dt.date.today()


def _day(day: dt.date) -> str:
    return day.isoformat()


def _attributes(model: ChurnModel, typical: _Typical) -> dict[str, Any]:
    """Each attribute at its training median, or its most common level (a model packaged
    before kept no counts: its first level by name)."""
    found: dict[str, Any] = {}
    common = getattr(model.layout, "most_common", None) or {}
    for name, kind in model.attribute_kinds.items():
        if kind == "numeric":
            value = typical.number(name, math.nan)
            if not math.isnan(value):
                found[name] = round(value, 2) if not value.is_integer() else int(value)
        elif name in common:
            found[name] = common[name]
        elif levels := list(model.layout.levels.get(name, [])):
            found[name] = str(levels[0])
    return found


def _purchases(model: ChurnModel, typical: _Typical, end: dt.date) -> list[dict[str, Any]]:
    """Purchases a usual gap apart since about the signup (at most `MOST_ROWS`), the last
    as long ago as training's median, each of the median order value where the model's
    data map money (none posted where they map no amount)."""
    spec = model.data.transactions
    assert spec is not None
    mapped = spec.mapped()
    gap = typical.days("gap_median_days", 30)
    last = end - dt.timedelta(days=min(typical.days("days_since_last_purchase", gap), gap))
    amount = round(typical.number("avg_order_value_365d", 50.0), 2) or 50.0
    tenure = typical.days("tenure_days", 365)
    count = min(MOST_ROWS, max(2, tenure // gap))  # since about their signup, or a year's
    fields = {
        "unit_price": amount,
        "quantity": 1,
        "category": _category(model),
        "discount": 0,
        "list_price": amount,
        "margin": round(amount * _margin_share(typical), 2),
    }
    lines = []
    for k in reversed(range(count)):
        day = last - dt.timedelta(days=k * gap)
        line: dict[str, Any] = {"timestamp": _day(day)}
        if "amount" in mapped:  # none for a log without money (`TransactionsSpec.spends`)
            line["amount"] = amount
        line |= {name: value for name, value in fields.items() if name in mapped}
        if "order_id" in mapped:
            line["order_id"] = f"{EXAMPLE_ID}-{count - k}"
        if "paid_until" in mapped:
            line["paid_until"] = _day(day + dt.timedelta(days=gap))
        lines.append(line)
    return lines


def _category(model: ChurnModel) -> str:
    """A category for the example's purchases, which a model reading category breadth
    reads as none without one (`serving.live_notes.unposted_fields`): the most common of
    its data (`training.package.transaction_categories`), which AdventureWorks' "consumables"
    was not (Accessories, Bikes, Clothing); a model packaged before kept none: a consumable
    one it keeps, else a plain "example"."""
    known = (model.info.get("categories") or {}).get("levels") or model.consumable_categories
    return str(known[0]) if known else "example"


def _margin_share(typical: _Typical) -> float:
    """The share of a typical customer's spend that is margin, for a model whose data map
    `margin`; 0 where training's medians say none."""
    spend = typical.number("spend_total", 0.0)
    return typical.number("margin_total", 0.0) / spend if spend > 0 else 0.0


def _events(model: ChurnModel, typical: _Typical, end: dt.date) -> list[dict[str, Any]]:
    """Usage a usual gap apart up to training's median silence, taking turns over the
    event types the model counts."""
    spec = model.data.events
    assert spec is not None
    gap = typical.days("active_gap_median_days", 2)
    last = end - dt.timedelta(days=min(typical.days("days_since_last_event", gap), gap))
    types = spec.types or [
        found[1]
        for name in model.layout.names
        if (found := EVENT_TYPE.fullmatch(name)) and "_trend_" not in name
    ]
    kinds = types if types and "type" in spec.mapped() else [UNTYPED_EVENT]
    rows = []
    for k in reversed(range(MOST_ROWS)):
        day = last - dt.timedelta(days=k * gap)
        row: dict[str, Any] = {"timestamp": _day(day), "type": kinds[k % len(kinds)]}
        if "quantity" in spec.mapped():
            row["quantity"] = 1
        if spec.quantities:
            row["quantities"] = dict.fromkeys(spec.quantities, 1)
        rows.append(row)
    return rows


def scored_example(loaded: Loaded) -> dict[str, Any] | None:
    """`score_example` of the loaded model once it scores as posted, else None (logged):
    /docs shows no example that would answer 422."""
    try:
        example = score_example(loaded.model)
        score_history(ScoreIn.model_validate(example), loaded)
    except Exception as error:  # the example is documentation: it must never fail a route
        log.warning("no /docs example for model %s: %s", loaded.version, error)
        return None
    return example
