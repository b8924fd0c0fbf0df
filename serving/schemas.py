"""Request and response models of the API (input and output classes kept apart)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)
from starlette.responses import Response

from features.contract import INTERACTION_TYPES, UNTYPED_EVENT
from features.returns import line_total
from features.tables import SPREADSHEET_EPOCH, number_date_kind

RAISING, LOWERING = 3, 1
"""The reasons a customer is given: up to three raising the risk, the strongest lowering it."""

Band = Literal["low", "medium", "high"]
Tier = Literal["most_valuable", "most_growable", "below_zero", "standard"]
Sort = Literal["value_at_risk", "probability", "probability_change"]

REASON_EXAMPLE = {
    "feature": "days_since_last_purchase",
    "value": 74.0,
    "contribution": 0.81,
    "population_mean": 21.5,
    "typical": None,
    "direction": "raises",
    "text": "no purchase for 74 days",
}


class ReasonOut(BaseModel):
    """One reason in plain words, with the customer's value, the population mean and the
    typical value its text names."""

    model_config = ConfigDict(json_schema_extra={"examples": [REASON_EXAMPLE]})

    feature: str = Field(description="The feature's column name, as the data write it.")
    value: float | str | None
    contribution: float = Field(description="Effect on the margin (log-odds); > 0 raises risk.")
    population_mean: float | None = Field(
        description="The feature's mean: over the scored batch for a stored score, over the "
        "model's training rows for a live one (see `ScoreOut.population`); null for a "
        "category or where unknown."
    )
    typical: float | None = Field(
        default=None,
        description='The value the text calls typical, "(typical 9)": the training rows\' '
        "median, unrounded; null where the text names none (and in batches stored before "
        "reasons carried it).",
    )
    direction: Literal["raises", "lowers"]
    text: str


SCORE_ITEM_EXAMPLE = {
    "customer_id": "C000123",
    "probability": 0.64,
    "band": "high",
    "value": 1250.0,
    "value_at_risk": 800.0,
    "tier": "most_valuable",
    "reasons": [REASON_EXAMPLE],
    "segments": {"region": "north"},
    "model_name": "simulated-retail-seed42",
    "model_version": "3",
    "cutoff": "2024-06-30",
}


class CustomerScoreOut(BaseModel):
    """One customer's churn risk as of a cutoff, scored by one model version."""

    model_config = ConfigDict(
        protected_namespaces=(), json_schema_extra={"examples": [SCORE_ITEM_EXAMPLE]}
    )

    customer_id: str
    probability: float = Field(ge=0, le=1, description="Calibrated churn probability.")
    band: Band
    value: float | None = Field(description="Customer value; null when unknown.")
    value_at_risk: float | None = Field(description="probability × value; null when unknown.")
    tier: Tier | None = Field(
        description="The retention tier; null when the value is unknown (no value column "
        "and no amounts to value the customer by): no tier without a value."
    )
    reasons: list[ReasonOut]
    segments: dict[str, str | None] = Field(default_factory=dict)
    model_name: str
    model_version: str
    cutoff: dt.date


class StoredScoreOut(CustomerScoreOut):
    """A stored score, with how the customer's risk moved since the previous batch."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **SCORE_ITEM_EXAMPLE,
                    "previous_probability": 0.41,
                    "probability_change": 0.23,
                    "previous_cutoff": "2024-05-31",
                }
            ]
        }
    )

    previous_probability: float | None = Field(
        default=None,
        description="The probability in the previous batch (the model's latest earlier "
        "cutoff when this batch was scored); null for a customer new since then or when "
        "there was none.",
    )
    probability_change: float | None = Field(
        default=None, description="probability − previous_probability: > 0 risk rose."
    )
    previous_cutoff: dt.date | None = Field(
        default=None, description="The previous batch's cutoff; null when there was none."
    )


BANDS_EXAMPLE = {"medium_from": 0.27, "high_from": 0.54, "typical_probability": 0.18}


class BandsOut(BaseModel):
    """The risk bands' thresholds and the probability they follow."""

    model_config = ConfigDict(json_schema_extra={"examples": [BANDS_EXAMPLE]})

    medium_from: float = Field(description="Probability from which a customer is `medium` risk.")
    high_from: float = Field(description="Probability from which a customer is `high` risk.")
    typical_probability: float | None = Field(
        description="The churn rate the bands follow: the model's mean probability over its "
        "test rows (the configured `label.population_rate` where its probabilities are "
        "shifted to one). Where not configured, the bands are 0.3 and 0.6, "
        "lowered to 1.5x and 3x it when lower, raised to 1.5x and 3x its odds when higher, so "
        "an empty `band=high` can mean nobody is far above the usual risk. Null for models "
        "trained before it was kept."
    )


class WorklistOut(BaseModel):
    """One page of the worklist; pass `next_cursor` back as `cursor` for the next page."""

    items: list[StoredScoreOut]
    next_cursor: str | None = Field(description="Opaque; null on the last page.")
    bands: BandsOut | None = Field(
        description="The bands of the batch listed; null for batches scored before they were kept."
    )
    caution: list[str] = Field(
        description="What a team should know before trusting this list's order, each a "
        "sentence: the model that scored it ranks near chance, a simple baseline ranks "
        "better, or it was promoted with --force past the gate. Empty when none."
    )
    notes: list[str] = Field(
        default_factory=list,
        description="What the list leaves unsaid, on its first page, each a sentence: why "
        "it is empty (where the band begins, that nobody has a tier where nobody has a "
        "value, the values a segment holds), a batch scored later at an earlier cutoff "
        "that it hides, what an order by value at risk passes over, and that the champion "
        "served now is not the model that scored the batch. Empty when none.",
    )


class FeatureOut(BaseModel):
    name: str
    dtype: str
    description: str


class ModelOut(BaseModel):
    """The served model, how it was trained and what its users should know (`caveats`);
    `last_reload_error` says why a newer champion was refused (the version here keeps
    serving)."""

    model_config = ConfigDict(
        protected_namespaces=(),
        json_schema_extra={
            "examples": [
                {
                    "name": "simulated-retail-seed42",
                    "version": "3",
                    "alias": "champion",
                    "run_id": "5f1c0e",
                    "loaded_at": "2024-07-01T06:00:00Z",
                    "training_cutoffs": ["2023-12-31", "2024-01-31"],
                    "validation_cutoff": "2024-02-29",
                    "test_cutoffs": ["2024-03-31"],
                    "data_end": "2024-06-30",
                    "metrics": {"auc": 0.81},
                    "bands": BANDS_EXAMPLE,
                    "features": [{"name": "spend_90d", "dtype": "float", "description": "..."}],
                    "caveats": [
                        "promoted with --force although the promotion gate refused it "
                        "(calibration error 0.0840 is above the limit 0.05)"
                    ],
                    "last_reload_error": None,
                }
            ]
        },
    )

    name: str
    version: str
    alias: str
    run_id: str | None
    loaded_at: dt.datetime
    training_cutoffs: list[str]
    validation_cutoff: str | None
    test_cutoffs: list[str]
    data_end: str | None = Field(
        description="Last day of the training data: POST /v1/score's default cutoff is no "
        "earlier (null for models trained before it was recorded)."
    )
    metrics: dict[str, Any]
    bands: BandsOut
    features: list[FeatureOut]
    caveats: list[str] = Field(
        description="What its modeller was told before promoting it, each a sentence: the "
        "notes of `churn train` (a model near chance, a baseline that ranks better, few "
        "churners in the test, a leaking column...) and a promotion with --force past the "
        "gate; empty when there are none (and for models trained before they were kept)."
    )
    last_reload_error: str | None


class HealthOut(BaseModel):
    status: Literal["ok"] = "ok"


class ReadyOut(BaseModel):
    """Ready: a model is loaded and the store answers. `reason` is set when not ready."""

    model_config = ConfigDict(protected_namespaces=())

    ready: bool
    model_version: str | None
    store: bool
    reason: str | None = None
    last_reload_error: str | None = None


class ErrorOut(BaseModel):
    """Every error: a human message, plus the offending fields for a 422."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"detail": "no score for customer 'C9'", "errors": []}]}
    )

    detail: str
    errors: list[dict[str, str]] = Field(default_factory=list)


# -- live scoring: POST /v1/score ---------------------------------------------------------

MAX_CUSTOMERS = 100
"""Customers per request: live scoring is for a handful; the batch job scores everyone."""
MAX_ROWS = 100_000
"""Activity rows per customer (transactions + interactions + events together): a
wholesaler's largest store held 86,356 invoice lines in the 545 days its model reads
(157 of its 2,013 stores more than 5,000, the limit before)."""
MAX_REQUEST_ROWS = 500_000
"""Activity rows of a request's customers together (100 customers of 5,000 each were
allowed before the per-customer limit rose): counted before any row is parsed."""

Identifier = Annotated[str, Field(min_length=1, max_length=128)]
EARLIEST = dt.datetime(1678, 1, 1)
LATEST = dt.datetime(2262, 1, 1)


WHOLE_NUMBER = re.compile(r"-?\d+")


UTC_SUFFIX = re.compile(r"\s+UTC$", re.IGNORECASE)


def _dated_number(value: Any) -> Any:
    """A number as the loader reads a column of them (`features/sources/`): 20170215
    (or "20170215") is YYYYMMDD and 45322 a spreadsheet day serial, not seconds after
    1970 as pydantic would read them (a silent 1970 date, "no purchase for 16,992 days");
    larger numbers are Unix time, and smaller ones (a day number, 650) no date at all.
    Text ending in ' UTC' (Recurly's and a cosmetics shop's event logs) is that zone, as
    the loader reads it. Anything else passes to the datetime parser."""
    if isinstance(value, str):
        if (utc := UTC_SUFFIX.search(value)) is not None:
            stamp = value[: utc.start()]
            return stamp if len(stamp) <= len("YYYY-MM-DD") else stamp + "+00:00"  # a day: naive
        if not WHOLE_NUMBER.fullmatch(value):
            return value
        number = int(value)
    elif isinstance(value, float) and value.is_integer():  # 20240131.0, as a float column holds it
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        return value
    kind = number_date_kind(abs(number))
    if kind == "yyyymmdd":
        try:
            return dt.datetime.strptime(str(number), "%Y%m%d")
        except ValueError:
            raise ValueError(f"{number} is no YYYYMMDD date") from None
    if kind == "serial":
        return (SPREADSHEET_EPOCH + dt.timedelta(days=number)).to_pydatetime()
    if kind == "none":
        raise ValueError(
            f"{number} is no date (not YYYYMMDD, a spreadsheet serial or Unix time): post "
            "dates as YYYY-MM-DD, a day number as the date it stands for"
        )
    return value


Stamp = Annotated[dt.datetime, Field(ge=EARLIEST, lt=LATEST), BeforeValidator(_dated_number)]
"""A posted timestamp: ISO text, or a number read as the loader reads one; within what
the tables hold (nanoseconds since 1970 in 64 bits), so year 9999 is a 422 naming the
field, not a date silently wrapped into 1815."""


def _no_end(value: Any) -> Any:
    """A subscription's end past what the tables hold (9999-12-31, or 99991231 as a
    number) says it has none, as the loader reads it (`features/sources/dates.py`); any
    other number is read as a date as `Stamp` reads it (45322, a spreadsheet's day)."""
    if isinstance(value, str | dt.date):
        text = value.isoformat() if isinstance(value, dt.date) else value.strip()
        year = text[:4]
        return None if year.isdigit() and len(text) >= 8 and int(year) >= LATEST.year else value
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        number = int(value)
        if number_date_kind(abs(number)) == "yyyymmdd" and number // 10_000 >= LATEST.year:
            return None
    return value


Ending = Annotated[Stamp | None, BeforeValidator(_no_end)]
"""A subscription's end: a `Stamp`, or none (blank, or a placeholder such as 9999-12-31)."""


def _dated_day(value: Any) -> Any:
    """A day posted as 20241231 (or "20241231") is that day, as a timestamp's number is
    (`_dated_number`), not seconds after 1970 that pydantic refuses as "should have zero
    time"."""
    read = _dated_number(value)
    return read.date() if isinstance(read, dt.datetime) else read


Day = Annotated[dt.date, Field(ge=EARLIEST.date(), lt=LATEST.date()), BeforeValidator(_dated_day)]


class _In(BaseModel):
    """Input rows: unknown keys are refused (a typo must not pass silently as missing);
    numeric ids are accepted and read as text, and text is stripped as the loader strips
    it."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, str_strip_whitespace=True)


class TransactionIn(_In):
    timestamp: Stamp = Field(description="When the purchase happened (date or datetime).")
    amount: float | None = Field(
        default=None,
        allow_inf_nan=False,
        description="The line's amount; or leave it out and give `unit_price` and "
        "`quantity` (a line-item log, as the loader multiplies them). For a model whose "
        "data map no amount (a log of visits without money) leave it out: one posted "
        "anyway is not read, and a note says so. A negative amount "
        "mirroring an earlier purchase (same category and amount) is its return and "
        "reverses it, as in the batch; other negative amounts and 0 are ignored. In the "
        "units the data's files write: where the config sets `money_scale: 0.01` (cents, "
        "as billing exports write), post cents too.",
    )
    unit_price: float | None = Field(default=None, allow_inf_nan=False)
    quantity: float | None = Field(default=None, allow_inf_nan=False)
    category: str | None = Field(default=None, max_length=128)
    discount: float | None = Field(
        default=None,
        allow_inf_nan=False,
        description="What the line took off its price, of either sign as the data write it "
        "(RETAIL_DISC: -0.60).",
    )
    list_price: float | None = Field(
        default=None,
        allow_inf_nan=False,
        description="The price before any discount, for a model whose data map "
        "`list_price`: the discount is what the line paid below it, as the loader reads.",
    )
    margin: float | None = Field(
        default=None,
        allow_inf_nan=False,
        description="What the line earned after its costs, of either sign, for a model whose "
        "data map `margin`: the customer's value is then their margin, not their spend.",
    )
    order_id: str | None = Field(default=None, max_length=128)
    paid_until: Stamp | None = Field(
        default=None, description="The end of the period the payment pays for (subscriptions)."
    )
    ended_at: Ending = Field(
        default=None,
        description="For a model of a subscriptions table (`recurring`), where each line is "
        "a subscription from `timestamp`: when it ended (leave it out while it runs). It is "
        "read as a payment every billing period until then, as the loader reads the table; "
        "a line that gives `paid_until` is a payment, read as posted.",
    )
    billing_period: str | float | None = Field(
        default=None,
        description="A subscription's billing period (month, year, '3 months', 30 for days) "
        "where the model's data map one; default: the model's `recurring.every`.",
    )

    @model_validator(mode="after")
    def _priced(self) -> TransactionIn:
        """amount = unit_price x quantity when only those are given, as the loader does
        (negative, a return, when either is); both given, they must agree to the cent.
        None of them is a line without money: whether the model reads one is checked
        against it (`serving.live_checks.require_amounts`)."""
        if self.unit_price is None or self.quantity is None:
            return self._discounted()
        product = float(line_total(self.unit_price, self.quantity))
        if not math.isfinite(product):
            raise ValueError("unit_price x quantity is too large")
        if self.amount is None:
            self.amount = product
        elif abs(self.amount - product) >= 0.005:
            raise ValueError(f"amount {self.amount} is not unit_price x quantity ({product})")
        return self._discounted()

    def _discounted(self) -> TransactionIn:
        """A line gives its discount or the list price it is read from (`serving.live`,
        after the list price's own placeholders and ranges, as the loader reads it)."""
        if self.list_price is not None and self.discount is not None:
            raise ValueError("give discount or list_price, not both")
        return self


class InteractionIn(_In):
    timestamp: Stamp
    type: str = Field(
        max_length=64,
        description=f"One of {', '.join(INTERACTION_TYPES)}, or a raw label that the "
        "model's config maps onto one (`interactions.types`), as in the batch; any other "
        "value is 'other'.",
    )
    resolved_at: Stamp | None = None
    satisfaction: float | None = Field(default=None, allow_inf_nan=False)
    recorded_at: Stamp | None = Field(
        default=None, description="When it was logged, if later than `timestamp`."
    )


class EventIn(_In):
    timestamp: Stamp
    type: str = Field(
        default=UNTYPED_EVENT,
        min_length=1,
        max_length=128,
        description=f"The event's type; default '{UNTYPED_EVENT}', the one type of an "
        "untyped usage log.",
    )
    quantity: float | None = Field(default=None, allow_inf_nan=False)
    quantities: dict[
        Annotated[str, StringConstraints(max_length=128)],
        Annotated[float, Field(allow_inf_nan=False)] | None,
    ] = Field(
        default_factory=dict,
        max_length=64,
        description="The further quantities the model's log has (`events.quantities`), by "
        'the file\'s column names: {"num_unq": 41}.',
    )


class CancellationIn(_In):
    timestamp: Stamp | None = Field(
        description="When the customer cancelled; a row without a time is no cancellation "
        "(a subscriptions snapshot's blank canceled_at), as the loader reads it."
    )


class CustomerHistoryIn(_In):
    """One customer's full history in canonical names; only rows on or before the cutoff
    are read, so a history reaching past the cutoff is fine (the notes count the rows
    after it)."""

    customer_id: Identifier
    signup_date: Stamp | None = None
    value: float | None = Field(
        default=None,
        allow_inf_nan=False,
        description="The customer's value, for a model whose data configure a value column "
        "(value at risk = probability x value; when absent, that column among the posted "
        "attributes); otherwise value comes from spend and this is ignored.",
    )
    attributes: dict[str, float | str | None] = Field(
        default_factory=dict,
        description="The attributes the model was trained on (see /v1/model); others are "
        "ignored, missing ones are treated as unknown (at the training median, for a "
        "numeric one no training row had blank); a 0/1 flag may be yes/no or true/false.",
    )
    transactions: list[TransactionIn] = Field(default_factory=list, max_length=MAX_ROWS)
    interactions: list[InteractionIn] = Field(default_factory=list, max_length=MAX_ROWS)
    events: list[EventIn] = Field(default_factory=list, max_length=MAX_ROWS)
    cancellations: list[CancellationIn] = Field(
        default_factory=list,
        max_length=MAX_ROWS,
        description="For a model whose churn is a cancellation: a customer who cancelled "
        "on or before the cutoff and bought nothing since is gone, and not scored (422), "
        "as the batch does not score them. Cancellations in a usage log the model's "
        "config reads as the cancellations table (`rows` of the events' file) may be "
        "posted as those events instead.",
    )

    @model_validator(mode="after")
    def _bounded(self) -> CustomerHistoryIn:
        rows = self.rows
        if rows > MAX_ROWS:
            raise ValueError(
                f"{rows:,} activity rows for one customer; at most {MAX_ROWS:,}: post the rows "
                "of the model's longest window before the cutoff (GET /v1/model), or one "
                "line per order and category"
            )
        return self

    @property
    def rows(self) -> int:
        """Activity and cancellation rows posted."""
        return sum(len(table) for table in self.activity()) + len(self.cancellations)

    def timestamps(self) -> list[dt.datetime]:
        return [row.timestamp for rows in self.activity() for row in rows]

    def activity(self) -> tuple[list[TransactionIn], list[InteractionIn], list[EventIn]]:
        return self.transactions, self.interactions, self.events


SCORE_EXAMPLE = {
    "cutoff": "2024-12-31",
    "customers": [
        {
            "customer_id": "C000123",
            "signup_date": "2022-03-14",
            "attributes": {"region": "north", "seats": 12},
            "transactions": [
                {
                    "timestamp": "2024-11-02T10:15:00",
                    "amount": 84.5,
                    "category": "electronics",
                    "discount": 0.0,
                    "order_id": "O-9912",
                },
                {"timestamp": "2024-12-20", "amount": 12.0, "category": "consumables"},
            ],
            "interactions": [
                {
                    "timestamp": "2024-12-05",
                    "type": "complaint",
                    "resolved_at": None,
                    "satisfaction": 2,
                }
            ],
            "events": [{"timestamp": "2024-12-28", "type": "login", "quantity": 1}],
        }
    ],
}


class ScoreIn(_In):
    """Customers' raw histories to score now, in the CANONICAL column names of
    features/tables.py (not your files' names). Timestamps are ISO dates or datetimes;
    time zones are converted to UTC and dropped."""

    model_config = ConfigDict(json_schema_extra={"examples": [SCORE_EXAMPLE]})

    cutoff: Day | None = Field(
        default=None,
        description="Score as of the end of this day; default: the later of the latest "
        "posted timestamp and the last day of the model's training data, else (nothing "
        "dated, as for a labelled-snapshot model) the model data's as_of.",
    )
    customers: list[CustomerHistoryIn] = Field(min_length=1, max_length=MAX_CUSTOMERS)
    _not_scored: list[dict[str, str]] = PrivateAttr(default_factory=list)

    def set_aside(self, refused: Mapping[str, str]) -> None:
        """Leave these customers out of the scoring, each with why: a request of many
        customers, a few of whom the batch would not score either (gone, lapsed, not yet
        a customer), is scored for the rest (`not_scored`)."""
        self.customers = [c for c in self.customers if c.customer_id not in refused]
        self._not_scored += [{"customer_id": i, "reason": why} for i, why in refused.items()]

    @property
    def not_scored(self) -> list[dict[str, str]]:
        return list(self._not_scored)

    @model_validator(mode="before")
    @classmethod
    def _bounded(cls, data: Any) -> Any:
        """The request's rows counted as posted, before any is parsed: 20 customers of
        100,000 rows took 18 s and 3.7 GB to refuse after parsing them."""
        customers = data.get("customers") if isinstance(data, dict) else None
        if not isinstance(customers, list):
            return data
        tables = ("transactions", "interactions", "events", "cancellations")
        rows = sum(
            len(rows)
            for customer in customers
            if isinstance(customer, dict)
            for rows in (customer.get(table) for table in tables)
            if isinstance(rows, list)
        )
        if rows > MAX_REQUEST_ROWS:
            raise ValueError(
                f"{rows:,} activity rows in one request; at most {MAX_REQUEST_ROWS:,}: post "
                "fewer customers at once"
            )
        return data

    @model_validator(mode="after")
    def _unique_ids(self) -> ScoreIn:
        ids = [customer.customer_id for customer in self.customers]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"customer_id posted more than once: {', '.join(twice)}")
        return self


class LiveScoreOut(CustomerScoreOut):
    """A live score: the stored-score shape; `tier` is null where the value is unknown,
    or when an older model without a training reference scores too few customers to
    compare."""

    tier: Tier | None = Field(
        description="Where the customer falls among the customers of the model's last "
        "training cutoff; null where the value is unknown, and for a model packaged without "
        "them (older models) when fewer than 20 customers are posted."
    )


class NotScoredOut(BaseModel):
    customer_id: str
    reason: str = Field(description="Why the customer was not scored, as a 422 would say it.")


class ScoreOut(BaseModel):
    """Live scores in posted order, and where the reasons' population means came from."""

    model_config = ConfigDict(protected_namespaces=())

    model_name: str
    model_version: str
    cutoff: dt.date
    population: Literal["training", "posted"] = Field(
        description="'training': means stored with the model; 'posted': means of this request."
    )
    items: list[LiveScoreOut]
    notes: list[str] = Field(
        default_factory=list,
        description="What the scores took as unknown: the model's attributes a customer "
        "was posted without (a posted null says unknown on purpose and gets no note), "
        "categorical levels it never trained on, blanks scored at the training median; and "
        "customers past the highest risky value training saw.",
    )
    not_scored: list[NotScoredOut] = Field(
        default_factory=list,
        description="Posted customers left out, each with why: gone, lapsed or not yet a "
        "customer at the cutoff, as the batch leaves them out (a request where every "
        "customer is so is a 422).",
    )
    caution: list[str] = Field(
        default_factory=list,
        description="What a reader should know before trusting these scores' order, as the "
        "worklist says it: the model ranks near chance, a simple baseline ranks better, or it "
        "was promoted with --force past the gate. Empty when none.",
    )


class ModelJSONResponse(Response):
    """A validated response model as JSON, serialized once by pydantic's core.

    A route returning it skips FastAPI's second validation against `response_model`
    and its Python-side encoding, which cost more than a stored-score lookup; the
    route's `response_model` still documents the shape.
    """

    media_type = "application/json"

    def __init__(self, content: BaseModel, status_code: int = 200) -> None:
        super().__init__(content.model_dump_json(), status_code=status_code)
