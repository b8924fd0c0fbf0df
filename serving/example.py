"""The `POST /v1/score` example that /docs shows, made for the served model.

A fixed example (a retail customer with `region` and `seats`) is refused by a model of
other data: a telecom snapshot knows no transactions and has attributes of its own, a
subscription model needs paid periods. So the example is one customer typical of the
model's training rows: its attributes at their training medians (a category at a level
the model knows), and, for each table the model reads, activity at the training medians
of its features (tenure, days since the last purchase or use, usual gap, order value,
quantity per usage event), each row with every field the config maps, its purchases in
the data's most common category, its usage of the event types the model counts, its
service contact of the type the model saw most, signed up no later than its first
activity, and every row dated between the data's first day and the cutoff. It is scored
before it is shown; an example this model cannot score is not shown.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections.abc import Mapping
from typing import Any

from churn.model import ChurnModel
from features.context import slug
from features.contract import UNTYPED_EVENT
from features.recurring import DAYS_PER_MONTH, Period
from features.service import COUNTED, NEGATIVE
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
    typical = _Typical(
        model.info.get("reason_pivots") or {},
        model.median_fills,
        means=model.info.get("population_means") or {},
    )
    end = _data_end(model)
    start = _data_start(model)
    data = model.data
    customer: dict[str, Any] = {"customer_id": EXAMPLE_ID}
    if data.customers is not None and "signup_date" in data.customers.mapped():
        customer["signup_date"] = end - dt.timedelta(days=typical.days("tenure_days", 365))
    attributes = _attributes(model, typical, end)
    if attributes:
        customer["attributes"] = attributes
    if data.transactions is not None and data.transactions.recurring is not None:
        customer["transactions"] = [_subscription(model, typical, end, start)]
    elif data.transactions is not None:
        customer["transactions"] = _purchases(model, typical, end, start)
    if data.events is not None:
        customer["events"] = _events(model, typical, end, start)
    if data.interactions is not None:
        customer["interactions"] = _contacts(model, typical, end, start)
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
    """Training medians by feature name, with a default where the model has none; the
    training means beside them, for a rate of two counts whose median is 0."""

    def __init__(
        self,
        pivots: Mapping[str, Any],
        fills: Mapping[str, float],
        *,
        means: Mapping[str, Any] | None = None,
    ) -> None:
        self.values = {**fills, **pivots}
        self.means = dict(means or {})

    def number(self, name: str, default: float) -> float:
        value = self.values.get(name)
        if isinstance(value, int | float) and math.isfinite(value):
            return float(value)
        return default

    def days(self, name: str, default: int, *, least: int = 1) -> int:
        return max(round(self.number(name, default)), least)

    def per(self, total: str, counts: list[str]) -> float | None:
        """`total` per one of `counts` (minutes per session): of the medians, else of the
        means where a median count is 0 (a type most customers never use); None where
        training has neither."""
        for values in (self.values, self.means):
            amount = values.get(total)
            count = sum(values.get(name) or 0.0 for name in counts)
            if isinstance(amount, int | float) and math.isfinite(amount) and count > 0:
                return max(float(amount), 0.0) / count
        return None


def _data_end(model: ChurnModel) -> dt.date:
    """The day a request of this model is scored as of when it posts none: the last day
    of its data (`live_checks.trained_to`, else `live_checks.undated_cutoff`), else today."""
    return trained_to(model) or undated_cutoff(model) or dt.date.today()


def _data_start(model: ChurnModel) -> dt.date | None:
    """The first day of the model's data (`info["data_start"]`): an example dated before
    it posts history no training customer had (a 2014-2015 model's example was dated
    2013)."""
    start = model.info.get("data_start")
    return dt.date.fromisoformat(start) if start else None


def _dates(
    last: dt.date,
    gap: int,
    start: dt.date | None,
    *,
    most: int = MOST_ROWS,
    spread: float = 0.0,
) -> list[dt.date]:
    """Up to `most` (at most `MOST_ROWS`) days about `gap` apart ending on `last`, oldest
    first, none before `start` (the data's first day) but `last` itself. Going back, gaps
    take turns at `gap` × 1, 1 - s and 1 + s, s = `spread` ÷ 0.816, so their median is
    `gap` and they vary by about `spread` of their average, as training's median
    customer's do: gaps all alike read "gaps between purchases vary by 0% of their
    average"."""
    s = min(spread / 0.816, 0.9)
    days = [last]
    for k in range(min(MOST_ROWS, most) - 1):
        step = max(round(gap * (1, 1 - s, 1 + s)[k % 3]), 1)
        day = days[-1] - dt.timedelta(days=step)
        if start is not None and day < start:
            break
        days.append(day)
    return days[::-1]


def _not_before(day: dt.date, start: dt.date | None) -> dt.date:
    return day if start is None else max(day, start)


def _day(day: dt.date) -> str:
    return day.isoformat()


def _attributes(model: ChurnModel, typical: _Typical, end: dt.date) -> dict[str, Any]:
    """Each attribute at its training median (a date's days from the cutoff `end`, as a
    date), or the levels of the most common
    combination (`info["typical_levels"]`: one real customer's, not each its own most
    common, which made a city of one state beside another state), else its most common
    level (a model packaged before kept no counts: its first level by name)."""
    found: dict[str, Any] = {}
    common = {
        **(getattr(model.layout, "most_common", None) or {}),
        **(model.info.get("typical_levels") or {}),
    }
    for name, kind in model.attribute_kinds.items():
        if kind == "date":
            days = typical.number(name, math.nan)
            if not math.isnan(days):
                found[name] = _day(end + dt.timedelta(days=round(days)))
        elif kind == "numeric":
            value = typical.number(name, math.nan)
            if not math.isnan(value):
                found[name] = round(value, 2) if not value.is_integer() else int(value)
        elif name in common:
            found[name] = common[name]
        elif levels := list(model.layout.levels.get(name, [])):
            found[name] = str(levels[0])
    return found


def _purchases(
    model: ChurnModel, typical: _Typical, end: dt.date, start: dt.date | None
) -> list[dict[str, Any]]:
    """Purchases a usual gap apart since about the signup (at most `MOST_ROWS`, none
    before the data's `start`), the last as long ago as training's median, each of the
    median order value where the model's data map money (none posted where they map no
    amount)."""
    spec = model.data.transactions
    assert spec is not None
    mapped = spec.mapped()
    gap = typical.days("gap_median_days", 30)
    last = end - dt.timedelta(days=min(typical.days("days_since_last_purchase", gap), gap))
    last = _not_before(last, start)
    amount = round(typical.number("avg_order_value_365d", 50.0), 2) or 50.0
    tenure = typical.days("tenure_days", 365)
    spread = max(typical.number("gap_cv", 0.0), 0.0)
    days = _dates(last, gap, start, most=max(2, tenure // gap), spread=spread)
    categories = _categories(model, typical)
    fields = {
        "unit_price": amount,
        "quantity": 1,
        "discount": 0,
        "list_price": amount,
        "margin": round(amount * _margin_share(typical), 2),
    }
    lines = []
    for number, day in enumerate(days, start=1):
        line: dict[str, Any] = {"timestamp": _day(day)}
        if "amount" in mapped:  # none for a log without money (`TransactionsSpec.spends`)
            line["amount"] = amount
        line |= {name: value for name, value in fields.items() if name in mapped}
        if "category" in mapped:
            line["category"] = categories[number % len(categories)]
        if "order_id" in mapped:
            line["order_id"] = f"{EXAMPLE_ID}-{number}"
        if "paid_until" in mapped:
            line["paid_until"] = _day(day + dt.timedelta(days=gap))
        lines.append(line)
    return lines


def _subscription(
    model: ChurnModel, typical: _Typical, end: dt.date, start: dt.date | None
) -> dict[str, Any]:
    """One running subscription of a model of a subscriptions table (`recurring`), since
    about training's median tenure (not before the data's `start`), at its median
    payment quoted as the data quote it (a monthly fee where `amount_per: month`)."""
    spec = model.data.transactions
    assert spec is not None and spec.recurring is not None
    mapped = spec.mapped()
    began = _not_before(end - dt.timedelta(days=typical.days("tenure_days", 365)), start)
    line: dict[str, Any] = {"timestamp": _day(began)}
    period = spec.recurring.period
    if "billing_period" in mapped:  # the plan of training's median length
        period = _plan_of(typical.days("plan_days_last", round(period.in_months * 30.4)))
        line["billing_period"] = str(period)
    payment = typical.number("avg_order_value_365d", 50.0)
    if spec.recurring.amount_per == "month":
        payment /= period.in_months
    fields = {"amount": round(payment, 2) or 50.0, "quantity": 1}
    line |= {name: value for name, value in fields.items() if name in mapped}
    if "category" in mapped:
        line["category"] = _categories(model, typical)[0]
    return line


def _plan_of(days: int) -> Period:
    """A billing period of about `days`: whole months from 28 days, else days."""
    return Period(months=round(days / DAYS_PER_MONTH)) if days >= 28 else Period(days=days)


def _categories(model: ChurnModel, typical: _Typical) -> list[str]:
    """Categories for the example's purchases, which a model reading category breadth
    reads as none without one (`serving.live_notes.unposted_fields`): as many of the most
    common of its data (`training.package.transaction_categories`) as training's median
    customer bought from in a year, which AdventureWorks' "consumables" was not
    (Accessories, Bikes, Clothing); a model packaged before kept none: a consumable one
    it keeps, else a plain "example"."""
    known = (model.info.get("categories") or {}).get("levels") or model.consumable_categories
    if not known:
        return ["example"]
    breadth = typical.days("category_breadth_365d", 1)
    return [str(category) for category in known[:breadth]]


def _margin_share(typical: _Typical) -> float:
    """The share of a typical customer's spend that is margin, for a model whose data map
    `margin`; 0 where training's medians say none."""
    spend = typical.number("spend_total", 0.0)
    return typical.number("margin_total", 0.0) / spend if spend > 0 else 0.0


def _events(
    model: ChurnModel, typical: _Typical, end: dt.date, start: dt.date | None
) -> list[dict[str, Any]]:
    """Usage a usual gap apart up to training's median silence (none before the data's
    `start`), on each active day the event types the model counts at training's median
    rate per active day, each event of the median quantity per event of its type (not 1
    second of use and 1 error per event)."""
    spec = model.data.events
    assert spec is not None
    gap = typical.days("active_gap_median_days", 2)
    last = end - dt.timedelta(days=min(typical.days("days_since_last_event", gap), gap))
    kinds = _event_types(model)
    counts = [f"events_{slug(kind)}_30d" for kind in kinds]
    further = {
        column: _amount(typical.per(f"usage_{slug(column)}_30d", counts))
        for column in spec.quantities
    }
    per_day = {kind: typical.per(f"events_{slug(kind)}_30d", ["active_days_30d"]) for kind in kinds}
    rows = []
    for k, day in enumerate(_dates(_not_before(last, start), gap, start)):
        for kind in _used_on(k, per_day) or kinds[:1]:
            row: dict[str, Any] = {"timestamp": _day(day), "type": kind}
            if "quantity" in spec.mapped():
                total = f"quantity_{slug(kind)}_30d"
                row["quantity"] = _amount(typical.per(total, [f"events_{slug(kind)}_30d"]))
            if further:
                row["quantities"] = further
            rows.append(row)
    return rows


def _event_types(model: ChurnModel) -> list[str]:
    """The event types the model counts, as the log writes them; an untyped log's one."""
    spec = model.data.events
    assert spec is not None
    if "type" not in spec.mapped():
        return [UNTYPED_EVENT]
    types = (
        list(model.event_types)
        or spec.types
        or [
            found[1]
            for name in model.layout.names
            if (found := EVENT_TYPE.fullmatch(name)) and "_trend_" not in name
        ]
    )
    return types or [UNTYPED_EVENT]


MOST_PER_DAY = 3
"""At most this many events of a type on one of the example's days: /docs stays readable."""


def _used_on(k: int, per_day: Mapping[str, float | None]) -> list[str]:
    """The events of the example's `k`th active day: of each type, its rate per active
    day spread evenly over the days (a type used every third active day on every third
    one)."""
    used = []
    for kind, rate in per_day.items():
        if rate:
            times = math.floor((k + 1) * rate) - math.floor(k * rate)
            used += [kind] * min(times, MOST_PER_DAY)
    return used


def _amount(value: float | None) -> float:
    """A quantity per event as a person writes it (20.7 minutes, 3 songs); 1 where
    training has no median to go by."""
    if value is None:
        return 1
    rounded = round(value, 1) if value < 10 else round(value)
    return int(rounded) if float(rounded).is_integer() else rounded


def _contacts(
    model: ChurnModel, typical: _Typical, end: dt.date, start: dt.date | None
) -> list[dict[str, Any]]:
    """One service contact of the type most common in training (a type the model never
    saw, "call" in a log of complaints and tickets, read as past the highest it trained
    on), as long ago as training's median since a complaint, resolved in its median
    time; none when training counted no type, or when the type is a complaint or a
    billing error and the typical customer never had one (the median, infinite)."""
    spec = model.data.interactions
    assert spec is not None
    kind = _contact_type(model)
    never = math.isinf(typical.values.get("days_since_last_negative_interaction", 0.0))
    if kind is None or (never and kind in NEGATIVE):
        return []
    day = end - dt.timedelta(days=typical.days("days_since_last_negative_interaction", 60))
    day = _not_before(day, start)
    contact: dict[str, Any] = {"timestamp": _day(day), "type": kind}
    if "resolved_at" in spec.mapped():
        took = typical.days("resolution_days_median_365d", 1)
        contact["resolved_at"] = _day(min(day + dt.timedelta(days=took), end))
    if "satisfaction" in spec.mapped():
        contact["satisfaction"] = round(typical.number("satisfaction_last", 4.0))
    return [contact]


def _contact_type(model: ChurnModel) -> str | None:
    """The counted interaction type (`features.service.COUNTED`) training saw most, by
    its mean count in 365 days; a model without those means: the first type its config
    maps; else none."""
    means = model.info.get("population_means") or {}
    seen = {kind: means.get(f"{plural}_365d") or 0.0 for kind, plural in COUNTED.items()}
    if means:
        most = max(seen, key=lambda kind: seen[kind])
        return most if seen[most] > 0 else None
    spec = model.data.interactions
    return next(iter(spec.types), None) if spec is not None else None


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
