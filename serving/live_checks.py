"""Why a live request cannot be scored (`UnscorableError`, a 422 naming what to change):
the cutoff (`resolve_cutoff`, not in the future, not before the training data could
know), attributes posted as the model reads them (names as trained, numbers where it
read numbers), and each customer still a customer at the cutoff (active, not gone, paid
up) under the model's churn definition, as `churn score` would leave them out.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd

from churn.model import ChurnModel
from features.activity import day_of
from features.context import Context, prepare
from features.contract import (
    ChurnSpec,
    DataSpec,
)
from features.labels import expired_unpaid, gone_at
from features.levels import likely_meant
from features.recurring import PERIODS_WRITTEN, parse_period
from features.subscription import paid_until_day
from features.tables import Tables, cutoff_end
from serving.live_tables import (
    EPOCH,
    LineAmounts,
    Unknown,
    _kept,
    _lines_of,
    _returns,
    _texts_as_posted,
    attribute_unknowns,
    naive,
    paid_subscriptions,
    posted_activity,
    posted_attribute,
    posted_column,
    posted_period,
    used_events,
)
from serving.schemas import CustomerHistoryIn, ScoreIn


class UnscorableError(ValueError):
    """A valid body the model cannot score as posted (a 422 with the reason)."""


class NotKnownAtCutoffError(UnscorableError):
    """A posted customer is not known at the cutoff, or there is no cutoff."""


class NotANumberError(UnscorableError):
    """A numeric attribute of the model posted as text that is no number."""


class GoneError(UnscorableError):
    """A posted customer the batch holds for gone at the cutoff: cancelled and bought
    nothing since, lapsed past the active window, or no longer paid up."""


MOST_PAYMENTS = 20_000
"""Payments a request's posted subscriptions may stand for in all (`paid_subscriptions`):
100 customers each on a daily plan since 2011 held the scoring thread 7 s."""


def checked_cutoff(request: ScoreIn, model: ChurnModel) -> dt.date:
    """The request's cutoff (`resolve_cutoff`), once the request is known to be scorable:
    NotKnownAtCutoffError if a customer is not known by then (the model's data section
    says what a customer is known by), NotANumberError for a numeric attribute that is
    no number. Posted subscriptions become payments first (`paid_subscriptions`). Of a
    request of several, the customers the batch would not score either are set aside
    with why (`ScoreIn.set_aside`), and the request fails only when all of them are."""
    spell_as_trained(request.customers, model)
    require_numeric_attributes(request.customers, model)
    require_date_attributes(request.customers, model)
    require_some_attributes(request.customers, model)
    require_no_misspelt_attributes(request.customers, model)
    require_known_quantities(request.customers, model.data)
    require_amounts(request.customers, model)
    require_billing_periods(request.customers, model.data)
    cutoff = resolve_cutoff(request, model)
    require_not_future(cutoff)
    try:
        paid_subscriptions(request.customers, model.data, cutoff, most=MOST_PAYMENTS)
    except ValueError as error:
        raise UnscorableError(str(error)) from None
    try:
        require_scorable(request.customers, cutoff, model)
    except (GoneError, NotKnownAtCutoffError) as error:
        refused = _refused_each(request.customers, cutoff, model)
        if len(refused) == len(request.customers):  # every one, each with why
            raise type(error)("; ".join(dict.fromkeys(refused.values()))) from None
        if not refused:
            raise error from None
        request.set_aside(refused)
    return cutoff


def require_scorable(
    customers: list[CustomerHistoryIn], cutoff: dt.date, model: ChurnModel
) -> None:
    """Refuse customers the batch would not score at `cutoff`: not yet known, lapsed past
    the active window, cancelled, or no longer paid up, by the model's churn definition."""
    require_known(customers, cutoff, model.data)
    churn, data = model.config.churn, model.data
    not_use = model.not_use_types
    if churn.definition in ("inactivity", "cancellation"):
        require_active(customers, cutoff, churn, data, not_use=not_use)
    cancels = data.cancellations is not None or data.plan_ends_cancel
    if churn.definition == "cancellation" or (churn.definition == "inactivity" and cancels):
        only = churn.definition == "inactivity"  # cancelled, not expired (`features.labels`)
        require_not_gone(
            customers, cutoff, data, churn=churn, undo_by=model.undo_by, not_use=not_use,
            cancelled_only=only,
        )  # fmt: skip
    if churn.definition == "expiry":
        require_paid_up(
            customers,
            cutoff,
            data,
            grace_days=churn.grace_days,
            undo_by=model.undo_by,
            not_use=not_use,
        )


def _refused_each(
    customers: list[CustomerHistoryIn], cutoff: dt.date, model: ChurnModel
) -> dict[str, str]:
    """Each customer `require_scorable` refuses on their own, with why: told apart one by
    one only when a request of several holds some (a CRM's list of 100 with one who
    cancelled had been a 422 for all of them)."""
    refused = {}
    for customer in customers:
        try:
            require_scorable([customer], cutoff, model)
        except (GoneError, NotKnownAtCutoffError) as error:
            refused[customer.customer_id] = str(error)
    return refused


def require_amounts(customers: list[CustomerHistoryIn], model: ChurnModel) -> None:
    """A model whose features spend needs each posted line's amount (or unit price and
    quantity), as its loader refused a blank in most of them; a model of a log without
    money reads none (`LineAmounts`)."""
    if not model.spends:
        return
    lacking = [
        c.customer_id for c in customers if any(row.amount is None for row in c.transactions)
    ]
    if lacking:
        raise UnscorableError(
            f"transactions of customer(s) {', '.join(lacking)}: give amount, or unit_price and "
            "quantity (the model's data map an amount: its features read spend)"
        )


def require_billing_periods(customers: list[CustomerHistoryIn], data: DataSpec) -> None:
    """A posted subscription's billing period must read as one, as the loader refuses a
    file's (`features.recurring.parse_period`); a blank one is the model's `every`."""
    spec = data.transactions
    if spec is None or spec.recurring is None or "billing_period" not in spec.columns:
        return
    unknown = Unknown(spec)
    unread = {
        c.customer_id: period
        for c in customers
        for row in c.transactions
        if (period := posted_period(row.billing_period, unknown)) is not None
        and parse_period(period) is None
    }
    if unread:
        named = ", ".join(f"{who} ({period!r})" for who, period in unread.items())
        raise UnscorableError(
            f"transactions of customer(s) {named}: billing_period reads as no period; write "
            f"{PERIODS_WRITTEN}"
        )


def spell_as_trained(customers: list[CustomerHistoryIn], model: ChurnModel) -> None:
    """Rename posted attribute keys to the model's spelling where they differ only by
    surrounding blanks: a header's 'Tenureinmonths ' (Maven's telecom export ends most
    names in a space) trains a model that reads it so, and the request schema strips
    what is posted, so 19 keys were refused as misspellings, however they were sent."""
    spaced = _spaced_names(tuple(model.attribute_kinds))
    for customer in customers if spaced else ():
        posted = customer.attributes
        for bare, name in spaced.items():
            if bare in posted and name not in posted:
                posted[name] = posted.pop(bare)


@lru_cache(maxsize=64)
def _spaced_names(names: tuple[str, ...]) -> dict[str, str]:
    """The names with surrounding blanks, by their bare form, unless that form is a
    trained name too (cached: one model's)."""
    trained = set(names)
    return {
        name.strip(): name for name in names if name != name.strip() and name.strip() not in trained
    }


def require_numeric_attributes(customers: list[CustomerHistoryIn], model: ChurnModel) -> None:
    """Numeric attributes must be numbers (or null): the loader would have refused the
    file, and read here as missing they would be scored silently as unknown."""
    bad = _unread(customers, model, "numeric")
    flags = model.flag_attributes
    if bad:
        said = [f"{c.customer_id}: {name}={c.attributes[name]!r}" for c, name in bad]
        texts = model.info.get("unknown_texts") or {}
        placeholders = sorted({str(t) for listed in texts.values() for t in listed})
        also = (
            f" (or {', '.join(map(repr, placeholders))}, read as unknown)" if placeholders else ""
        )
        flagged = list(dict.fromkeys(name for _, name in bad if name in flags))
        also += f"; for {', '.join(flagged)} also yes/no or true/false" if flagged else ""
        raise NotANumberError(
            f"numeric attribute(s) posted as no number ({'; '.join(said[:3])}"
            f"{f'; and {len(bad) - 3} more' if len(bad) > 3 else ''}): post finite numbers or null"
            f"{also}"
        )


def require_date_attributes(customers: list[CustomerHistoryIn], model: ChurnModel) -> None:
    """Date attributes must be ISO 8601 dates (or null, or a placeholder for unknown):
    read as blank, a contract's end would be scored silently as unknown."""
    bad = _unread(customers, model, "date")
    if bad:
        said = [f"{c.customer_id}: {name}={c.attributes[name]!r}" for c, name in bad]
        more = f"; and {len(bad) - 3} more" if len(bad) > 3 else ""
        raise UnscorableError(
            f"date attribute(s) posted as no date ({'; '.join(said[:3])}{more}): post dates "
            "as YYYY-MM-DD, or null"
        )


def _unread(
    customers: list[CustomerHistoryIn], model: ChurnModel, kind: str
) -> list[tuple[CustomerHistoryIn, str]]:
    """(customer, attribute) of the model's attributes of `kind` ('numeric' or 'date')
    posted with a value that reads as nothing (NaN, inf or NaT; 'inf' is no
    measurement), null and '' aside."""
    unknown, flags = attribute_unknowns(model), model.flag_attributes
    bad = []
    for name in (n for n, k in model.attribute_kinds.items() if k == kind):
        values = [posted_attribute(c, name, unknown, flags) for c in customers]
        found = posted_column(values, name, kind, unknown)
        unread = np.isnat(found) if kind == "date" else ~np.isfinite(found)
        bad += [
            (c, name)
            for c, value, missed in zip(customers, values, unread, strict=True)
            if value not in (None, "") and missed
        ]
    return bad


def require_some_attributes(customers: list[CustomerHistoryIn], model: ChurnModel) -> None:
    """A labelled-snapshot model reads nothing but attributes: a customer posted with none
    of them (keys misspelt by a CRM) would get the base rate as a confident low score."""
    data = model.data
    if any(t is not None for t in (data.transactions, data.events, data.interactions)):
        return  # activity speaks for the customer
    wanted = list(model.attribute_kinds)
    bare = [c for c in customers if wanted and not set(wanted) & set(c.attributes)]
    if bare:
        posted = sorted({key for c in bare for key in c.attributes})
        raise UnscorableError(
            f"customer(s) {', '.join(c.customer_id for c in bare[:3])} posted none of the "
            f"model's attributes (it reads {', '.join(wanted[:6])}"
            f"{', …' if len(wanted) > 6 else ''}; posted: {', '.join(posted) or 'none'}): "
            "post them by these names (GET /v1/model lists them), null where unknown"
        )


def require_no_misspelt_attributes(customers: list[CustomerHistoryIn], model: ChurnModel) -> None:
    """A posted key that is not the model's but nearly one the customer lacks is a
    misspelling: scored as unknown, 'CurrentEquipmentDay' took a telecom customer from
    0.16 to 0.29, with 'not recorded' as the top reason. Keys like no attribute (a CRM's
    name or email) are ignored, as documented, and so are the training file's columns
    the model does not read (`info["unread_columns"]`: Orange's Var202, left out of
    `attributes: all`, was refused as a misspelling of Var22 in every sparse record)."""
    wanted = list(model.attribute_kinds)
    known = {*model.attribute_kinds, *model.info.get("unread_columns", ())}
    misspelt: dict[str, str] = {}
    for customer in customers:
        absent = tuple(name for name in wanted if name not in customer.attributes)
        for key in customer.attributes:
            if key not in known and (meant := _meant(key, absent)):
                misspelt[key] = meant
    if misspelt:
        said = "; ".join(f"{key!r} (did you mean {meant!r}?)" for key, meant in misspelt.items())
        raise UnscorableError(
            f"posted attribute(s) not the model's: {said}; post them by the model's names "
            "(GET /v1/model lists them), null where unknown"
        )


@lru_cache(maxsize=4096)
def _meant(key: str, absent: tuple[str, ...]) -> str | None:
    """The attribute a foreign key misspells, if any (or names in part: 'HOUSEHOLD_SIZE'
    for 'HOUSEHOLD_SIZE_DESC'); a key differing from one only in its digits is another
    column of a numbered series (Var202 beside Var22). Cached: a CRM posts the same keys
    for every customer, and difflib costs 8-20 µs a key (3-20 absent names) on the
    scoring path."""
    return likely_meant(key, absent, renumbered=False)


def require_known_quantities(customers: list[CustomerHistoryIn], data: DataSpec) -> None:
    """Posted further quantities the model's log has (`events.quantities`) and no other:
    a misspelt key ('revnue') would score as if the quantity were not posted."""
    known = set(data.events.quantities) if data.events is not None else set()
    posted = {key for c in customers for row in c.events for key in row.quantities}
    unknown = sorted(posted - known)
    if unknown:
        raise UnscorableError(
            f"events quantities {', '.join(unknown)} are not the model's (it reads "
            f"{', '.join(sorted(known)) or 'none'}: `events.quantities` of its config)"
        )


def resolve_cutoff(request: ScoreIn, model: ChurnModel) -> dt.date:
    """The posted cutoff, else the later of the day of the latest posted timestamp and the
    last day of the model's training data (`info["data_end"]`), else the extract date of
    the model's data (`data.as_of`: a labelled snapshot has no dated activity), else, for
    a snapshot without one, today.

    Not the latest posted timestamp alone: that is the day of the customer's own last
    activity, so every customer would be scored as if just seen ("no purchase for 0
    days") however long ago that was."""
    if request.cutoff is not None:
        require_undated_at_extract(request, model)
        return request.cutoff
    stamps = [naive(t) for customer in request.customers for t in customer.timestamps()]
    days = [max(stamps).date()] if stamps else []
    days += [end] if (end := trained_to(model)) is not None else []
    if days:
        return max(days)
    if (undated := undated_cutoff(model)) is not None:
        return undated
    raise NotKnownAtCutoffError("no activity and no cutoff posted: post a cutoff (YYYY-MM-DD)")


def trained_to(model: ChurnModel) -> dt.date | None:
    """The last day of the model's training data (`info["data_end"]`), when it has one."""
    end = model.info.get("data_end")
    return dt.date.fromisoformat(end) if end else None


def undated_cutoff(model: ChurnModel) -> dt.date | None:
    """The cutoff where nothing dated says one: the extract date of the model's data
    (`data.as_of`), else, for a labelled snapshot, today, as training and the batch read
    it (`features.tables.snapshot_cutoff`: attributes hold no date); None otherwise."""
    if model.data.as_of is not None:
        return model.data.as_of
    return dt.date.today() if model.config.churn.definition == "label_column" else None


def require_undated_at_extract(request: ScoreIn, model: ChurnModel) -> None:
    """Refuse a posted cutoff other than the extract's for a snapshot model whose data
    hold no date of their rows (no activity table, no signup date), as `churn score`
    does (`serving.batch._undated_elsewhen`): the attributes are as of the extract, so
    a score as of another day would be stored and served under a day it never read."""
    extract = undated_cutoff(model)
    if extract is None or request.cutoff == extract or _dated(model):
        return
    if any(c.signup_date is not None or c.timestamps() for c in request.customers):
        return
    raise UnscorableError(
        f"cutoff {request.cutoff}: the model's snapshot holds no date of its rows, so its "
        f"attributes are as of its extract ({extract}), the only day to score it as of; "
        "leave the cutoff out"
    )


def _dated(model: ChurnModel) -> bool:
    """Whether the model reads a date: its data's activity tables, its customers' signup
    date or time of record, or a date attribute (a contract's end, read from the cutoff:
    a customer posted with today's contract end is scored as of today)."""
    data = model.data
    activity = (data.transactions, data.events, data.interactions, data.cancellations)
    customers = data.customers.columns if data.customers is not None else {}
    signed = "signup_date" in customers or "timestamp" in customers
    dates = "date" in model.attribute_kinds.values()
    return any(table is not None for table in activity) or signed or dates


def require_not_future(cutoff: dt.date, today: dt.date | None = None) -> None:
    """A cutoff after today (a day's grace for time zones) would count the days until
    then as every customer's silence ("customer for 2040 days", "no purchase for 1,100
    days"), as the batch refuses a cutoff after its data."""
    today = today or dt.datetime.now(dt.UTC).date()
    if cutoff > today + dt.timedelta(days=1):
        raise UnscorableError(
            f"cutoff {cutoff} (posted, or the latest posted timestamp's day) is after today "
            f"({today}): the days until then would read as every customer's silence"
        )


def require_known(customers: list[CustomerHistoryIn], cutoff: dt.date, data: DataSpec) -> None:
    """Refuse customers the batch would not score at this cutoff (`features.build.exists_at`):
    neither signed up nor with a purchase or usage event on or before it. Without
    purchases or usage in the model's data (a labelled snapshot), a customer without a
    signup date is always known."""
    end = cutoff_end(pd.Timestamp(cutoff)).to_pydatetime()
    signups = data.customers is not None and "signup_date" in data.customers.mapped()
    dated = data.transactions is not None or data.events is not None
    amounts = LineAmounts.of(data.transactions)
    unknown = [
        c.customer_id
        for c in customers
        if not _known_by(c, end, signups=signups, dated=dated, amounts=amounts)
    ]
    if unknown:
        raise NotKnownAtCutoffError(
            f"customer(s) {', '.join(unknown)} have no signup date, purchase or usage event "
            f"on or before {cutoff}: not known at the cutoff"
        )


def require_active(
    customers: list[CustomerHistoryIn],
    cutoff: dt.date,
    churn: ChurnSpec,
    data: DataSpec,
    *,
    not_use: frozenset[str] = frozenset(),
) -> None:
    """Refuse customers without a purchase (under `inactivity`, or a usage event by
    `churn.activity`; either, under `cancellation`) in the `active_window_days` up to the
    cutoff, in the tables the model reads: the batch does not score them
    (`features.labels`), and the model never learned from them, so their probability
    would be a guess (a buyer silent for 381 days scored 0.435, "medium"). Under
    inactivity they have churned by definition. `not_use`: event types that are no use
    (`ChurnModel.not_use_types`)."""
    cancellation = churn.definition == "cancellation"
    by_usage = not cancellation and churn.by_usage(data.transactions is not None)
    purchases = data.transactions is not None and not by_usage
    usage = data.events is not None and (cancellation or by_usage)
    if not (purchases or usage):
        return  # nothing dated to lapse from (customers and their cancellations alone)
    end = cutoff_end(pd.Timestamp(cutoff)).to_pydatetime()
    start = end - dt.timedelta(days=churn.active_window_days)  # the window: (cutoff - w, cutoff]
    amounts = LineAmounts.of(data.transactions)
    if data.events is not None and (not_use or data.events.type_filtered):  # as loaded
        customers = [
            c.model_copy(update={"events": used_events(c, not_use, data.events)}) for c in customers
        ]
    lapsed = [
        customer
        for customer in customers
        if not (usage and any(start <= naive(row.timestamp) < end for row in customer.events))
        and not (purchases and _bought_within(customer, start, end, amounts))
    ]
    if cancellation and lapsed:
        lapsed = _not_paid_up(lapsed, cutoff, data, not_use)
    if lapsed:
        what = "purchase or usage event" if purchases and usage else "purchase"
        what = "usage event" if usage and not purchases else what
        last = [_last_activity(c, end, amounts, purchases=purchases, usage=usage) for c in lapsed]
        named = [
            f"{c.customer_id} ({f'last {day}' if day else _none_before(c, what, purchases, usage)})"
            for c, day in zip(lapsed, last, strict=True)
        ]
        raise GoneError(
            f"customer(s) {', '.join(named)}: no {what} in the {churn.active_window_days} days "
            f"up to {cutoff} (churn.active_window_days), so not active and not scored (as in "
            "the batch)"
        )


def _not_paid_up(
    customers: list[CustomerHistoryIn], cutoff: dt.date, data: DataSpec, not_use: frozenset[str]
) -> list[CustomerHistoryIn]:
    """Of `customers`, those with no paid period running at the cutoff: a two-year plan
    paid at its start has not lapsed (`features.labels.gone_at`)."""
    ctx, day = _posted_context(customers, cutoff, data, undo_by="day", not_use=not_use)
    if ctx.lines is None or "paid_until_day" not in ctx.lines.values:
        return customers
    with np.errstate(invalid="ignore"):  # NaN: never paid
        paid = set(ctx.axis[paid_until_day(ctx.lines, day) >= day].tolist())
    return [c for c in customers if c.customer_id not in paid]


def _none_before(customer: CustomerHistoryIn, what: str, purchases: bool, usage: bool) -> str:
    """A lapsed customer with no activity by the cutoff: none posted, or all after it."""
    posted = (purchases and customer.transactions) or (usage and customer.events)
    return f"every {what} posted is after the cutoff" if posted else f"no {what} at all"


def _bought_within(
    customer: CustomerHistoryIn, start: dt.datetime, end: dt.datetime, amounts: LineAmounts
) -> bool:
    """A purchase in [start, end) that still counts at `end` (a returned one does not)."""
    rows = _kept(customer, "transactions", amounts=amounts)
    if amounts.returns(rows):  # returns: the batch's own matching decides
        return any(start.date() <= day for day in _purchase_days(customer, end, amounts))
    return any(start <= naive(row.timestamp) < end for row in rows)


def _last_activity(
    customer: CustomerHistoryIn,
    end: dt.datetime,
    amounts: LineAmounts,
    *,
    purchases: bool,
    usage: bool,
) -> dt.date | None:
    """The day of the customer's latest purchase or usage event before `end` (as the model
    reads them), for the message of a lapsed one."""
    days = _purchase_days(customer, end, amounts) if purchases else []
    if usage:
        days += [
            naive(row.timestamp).date() for row in customer.events if naive(row.timestamp) < end
        ]
    return max(days, default=None)


def require_not_gone(
    customers: list[CustomerHistoryIn],
    cutoff: dt.date,
    data: DataSpec,
    *,
    churn: ChurnSpec,
    undo_by: Literal["day", "time"],
    not_use: frozenset[str] = frozenset(),
    cancelled_only: bool = False,
) -> None:
    """Refuse customers the batch holds for gone at the cutoff under `cancellation`: a
    cancellation no payment undid, or a paid period that ended unpaid over `grace_days`
    before it (only the first, `cancelled_only`, under `inactivity`: `features.labels`).
    The batch's own rule (`features.labels.gone_at`) reads the posted rows,
    comparing payments and cancellations as the model's training data did (`undo_by`);
    scored on their past usage they would read as low risk. (Lapsing is
    `require_active`'s, with its own message.)"""
    ctx, day = _posted_context(customers, cutoff, data, undo_by=undo_by, not_use=not_use)
    gone = gone_at(ctx, churn, day)
    said = [
        _cancelled_said(ctx, gone.cancelled, cutoff, data),
        "" if cancelled_only else _expired_said(ctx, gone.expired & ~gone.cancelled, cutoff, churn),
    ]
    if any(said):
        raise GoneError("; ".join(part for part in said if part))


def _cancelled_said(ctx: Context, which: np.ndarray, cutoff: dt.date, data: DataSpec) -> str:
    """The refusal of customers gone by a cancellation, naming its day ('' for none)."""
    if not which.any():
        return ""
    cancels = ctx.cancellations
    assert cancels is not None
    last = cancels.last_day(cancels.known(day_of(pd.Timestamp(cutoff))))
    pairs = zip(ctx.axis[which], last[which], strict=True)
    named = ", ".join(f"{i} (cancelled {_date(d)})" for i, d in pairs)
    since = {"time": " with no payment at its time or later", "day": " with no payment since"}
    return (
        f"customer(s) {named} cancelled on or before {cutoff}"
        f"{'' if data.transactions is None else since[ctx.undo_by]}: "
        "no longer customers, so not scored (as in the batch)"
    )


def _expired_said(ctx: Context, which: np.ndarray, cutoff: dt.date, churn: ChurnSpec) -> str:
    """The refusal of members whose paid period ran out unpaid ('' for none)."""
    if not which.any():
        return ""
    assert ctx.lines is not None
    ends = paid_until_day(ctx.lines, day_of(pd.Timestamp(cutoff)))
    pairs = zip(ctx.axis[which], ends[which], strict=True)
    named = ", ".join(f"{i} (paid up to {_date(d)})" for i, d in pairs)
    return (
        f"customer(s) {named}: their paid period ended over {churn.grace_days} days "
        f"before {cutoff} (churn.grace_days) with no payment since, so no longer customers "
        "and not scored (as in the batch)"
    )


def _date(day: float) -> dt.date:
    return EPOCH.date() + dt.timedelta(days=int(day))


def require_paid_up(
    customers: list[CustomerHistoryIn],
    cutoff: dt.date,
    data: DataSpec,
    *,
    grace_days: int,
    undo_by: Literal["day", "time"] = "day",
    not_use: frozenset[str] = frozenset(),
) -> None:
    """Under `expiry`, refuse members whose latest paid period (payments on or before the
    cutoff) ended more than `grace_days` before it, or who posted none: the batch does not
    score them, and the model never learned from them (a member gone since 2015 scored
    "high" on 603 days without use). Read as the batch reads them
    (`features.subscription.paid_until_day` on the posted rows): a refund reverses the
    payment it mirrors, an end before its payment is unknown, and an unknown one pays for
    as long as the previous period did."""
    ctx, day = _posted_context(customers, cutoff, data, undo_by=undo_by, not_use=not_use)
    ends, gone = np.full(ctx.n, np.nan), np.ones(ctx.n, dtype=bool)
    if ctx.lines is not None and "paid_until_day" in ctx.lines.values:
        ends = paid_until_day(ctx.lines, day)
        gone = np.isnan(ends) | expired_unpaid(ctx.lines, grace_days, day)
    if not gone.any():
        return
    named = [
        f"{i} (no paid period on or before it)"
        if np.isnan(end)
        else f"{i} (paid up to {_date(end)})"
        for i, end in zip(ctx.axis[gone], ends[gone], strict=True)
    ]
    raise GoneError(
        f"customer(s) {', '.join(named)}: not paid up at {cutoff} nor within the "
        f"{grace_days} days' grace, so no longer members and not scored (as in the batch)"
    )


def _posted_context(
    customers: list[CustomerHistoryIn],
    cutoff: dt.date,
    data: DataSpec,
    *,
    undo_by: Literal["day", "time"],
    not_use: frozenset[str],
) -> tuple[Context, int]:
    """The batch's context over the posted rows, and the cutoff's day: its rules (who is
    gone, who is paid up) then read them as they read a file's."""
    tables = Tables(
        customers={"customer_id": _texts_as_posted(sorted(c.customer_id for c in customers))},
        **posted_activity(customers, data, not_use=not_use),
        undo_by=undo_by,
    )
    day = day_of(pd.Timestamp(cutoff))
    return prepare(tables, last_cutoff_day=day), day


def _known_by(
    customer: CustomerHistoryIn,
    end: dt.datetime,
    *,
    signups: bool,
    dated: bool,
    amounts: LineAmounts,
) -> bool:
    signed = signups and customer.signup_date is not None
    if signed and naive(customer.signup_date) < end:
        return True
    if not dated:
        return not signed
    if any(naive(row.timestamp) < end for row in customer.events):
        return True
    return bool(_purchase_days(customer, end, amounts))


def _purchase_days(
    customer: CustomerHistoryIn, end: dt.datetime, amounts: LineAmounts
) -> list[dt.date]:
    """The days of the customer's purchases before `end` that still count then, as the
    batch's orders known at the cutoff: a purchase returned by then does not."""
    bought = [
        row
        for row in _kept(customer, "transactions", amounts=amounts)
        if naive(row.timestamp) < end
    ]
    if amounts.returns(bought):
        lines = _returns(_lines_of(bought))
        stays = np.isnat(lines["returned_at"]) if "returned_at" in lines else True
        kept = np.flatnonzero(stays & (lines["amount"] > 0))
        return [day.item() for day in lines["timestamp"][kept].astype("datetime64[D]")]
    return [naive(row.timestamp).date() for row in bought]
