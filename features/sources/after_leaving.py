"""Use of the product long after a customer's cancellation, across the whole data: a sign
the cancellations are no leavings (a plan's end column holding its next renewal date,
a cancellations table of plan changes), not a sign of any one customer. Read as they
are, most customers are gone and never scored, while the usage log says they stayed;
validate would say "data OK".
"""

from __future__ import annotations

import pandas as pd

from features.contract import RunConfig
from features.sources.table import _Table

USE_AFTER_PLAN_END_DAYS = 7
"""Use this long after a plan's end (the service's own end) is no leaving's."""
USE_AFTER_CANCELLATION_DAYS = 31
"""Use this long after a cancellation: past a monthly plan's paid period, which a
cancellation (auto-renewal switched off) often leaves running."""
MOST_CANCELLED_USING = 0.5
"""The share of customers whose cancellation stands who use the product after it, past
which the cancellations themselves are in doubt."""
LEAST_CUSTOMERS = 10


def check_use_after_leaving(
    tables: list[_Table], frames: dict[str, pd.DataFrame], config: RunConfig
) -> None:
    """Warn when most customers whose latest cancellation no later payment undid used the
    product well after it (`USE_AFTER_PLAN_END_DAYS` after a plan's end,
    `USE_AFTER_CANCELLATION_DAYS` after a cancellation), naming one of them."""
    cancels, events = frames.get("cancellations"), frames.get("events")
    if cancels is None or events is None or cancels.empty or events.empty:
        return
    cancelled = cancels.groupby("customer_id")["timestamp"].max()
    paid = frames.get("transactions")
    if paid is not None and not paid.empty:
        last_paid = paid.groupby("customer_id")["timestamp"].max().reindex(cancelled.index)
        cancelled = cancelled[~(last_paid > cancelled)]  # a later payment undid it
    plan_ends = config.data.plan_ends_cancel
    days = USE_AFTER_PLAN_END_DAYS if plan_ends else USE_AFTER_CANCELLATION_DAYS
    last_use = events.groupby("customer_id")["timestamp"].max().reindex(cancelled.index)
    using = last_use > cancelled + pd.Timedelta(days=days)
    n = int(using.sum())
    if n < LEAST_CUSTOMERS or n <= MOST_CANCELLED_USING * len(cancelled):
        return
    who = using.idxmax()
    ends = "plans ended" if plan_ends else "cancellations stand"
    example = (
        f"customer {who}: {'plan ended' if plan_ends else 'cancelled'} "
        f"{cancelled[who].date()}, last use {last_use[who].date()}"
    )
    said = next(
        (t for t in tables if t.name == ("transactions" if plan_ends else "cancellations")), None
    )
    if said is None:
        return
    said.warning(
        "timestamp",
        n,
        f"{n:,} of the {len(cancelled):,} customers whose {ends} used the product more than "
        f"{days} days after ({example}): if these are the ends of periods still running "
        "(renewal dates, or plans the extract lists before they ended), set data.as_of to "
        "the extract's date; read as they are, they are leavings, and those customers are "
        "not scored",
    )
