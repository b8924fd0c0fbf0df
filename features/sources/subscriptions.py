"""A subscriptions table's checks, and its rows read as the payments they stand for
(`transactions.recurring`, `features/recurring.py`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.contract import RunConfig, TransactionsSpec
from features.recurring import ONE_DAY, PERIODS_WRITTEN, payments, periods_of, plan_ends
from features.sources.table import AS_OF_SOURCE, _rows, _Table, data_end_day, last_days


def _check_subscriptions(table: _Table, spec: TransactionsSpec) -> None:
    """Billing periods that read as none are errors; a blank one reads as `every`, and a
    subscription that ends when or before it starts pays nothing (both warned)."""
    assert spec.recurring is not None
    every = spec.recurring.period
    written = table.clean.get("billing_period")
    if written is not None:
        per_number = spec.period_per_number()
        _, unread = periods_of(written.unique(), every, per_number)
        if unread:
            table.flag(
                "error",
                "billing_period",
                written.isin(unread),
                "no billing period",
                written,
                advice=f": write {PERIODS_WRITTEN}",
            )
        if per_number == ONE_DAY and spec.recurring.numbers_count is None:
            _warn_days_that_may_be_months(table, written)
        if blank := int(written.isna().sum()):
            table.warning(
                "billing_period",
                blank,
                f"billing period blank in {_rows(blank)}: read as every {every} (recurring.every)",
            )
    ended = table.clean.get("ended_at")
    if ended is not None:
        early = ended <= table.clean["timestamp"]
        if early.any():
            table.flag(
                "warning",
                "ended_at",
                early,
                "a subscription ending when or before it starts",
                ended,
                advice=": no period paid (its end is still its customer's leaving when no "
                "other plan of theirs runs then)",
            )


def _warn_days_that_may_be_months(table: _Table, written: pd.Series) -> None:
    """Bare numbers under a week read as that many days are warned about: 1 in a column
    of months made 30 payments a month."""
    numbers = pd.to_numeric(written, errors="coerce")
    short = (numbers > 0) & (numbers < 7)
    if short.any():
        table.flag(
            "warning",
            "billing_period",
            short,
            "billing period a number under 7, read as that many days",
            written,
            advice=": if the numbers count months, set recurring.numbers_count: months",
        )


def _data_end(frames: dict[str, pd.DataFrame], config: RunConfig) -> tuple[pd.Timestamp, str]:
    """Where running subscriptions stop being paid in the data: the end of its last day
    (`data_end_day`: the extract date, else the day of the latest row of any table; a
    payment that day is in)."""
    found = data_end_day(config, last_days(frames))
    assert found is not None  # the subscriptions themselves are dated
    day, by = found
    said = by if by == AS_OF_SOURCE else "the data's latest day"
    return day + pd.Timedelta(days=1, microseconds=-1), said


def _as_payments(table: _Table, frames: dict[str, pd.DataFrame], config: RunConfig) -> None:
    """Replace the subscriptions in `frames` by their payments, up to the data's end
    (said when it is guessed: a subscription running past it is unpaid after it)."""
    spec = config.data.transactions
    assert spec is not None and spec.recurring is not None
    frame = frames["transactions"]
    end, by = _data_end(frames, config)
    if (running := _running_at(frame, end)) and by != AS_OF_SOURCE:
        table.warning(
            "timestamp",
            running,
            f"{_rows(running)} are subscriptions running at the end of the data: paid every "
            f"period up to {end.date()} ({by}); set data.as_of to the extract date if it "
            "was later",
        )
    columns = {name: frame[name].array for name in frame.columns}
    paid = payments(
        columns,
        spec.recurring.period,
        fee_per_month=spec.recurring.amount_per == "month",
        until=end.to_datetime64(),
        per_number=spec.period_per_number(),
    )
    frames["transactions"] = pd.DataFrame(paid)
    table.read_as = f"{len(frame):,} plans as their payments"
    if config.data.plan_ends_cancel:
        frames["cancellations"] = _leavings(frame, end)
    elif _every_end_cancels(config):
        table.warning(
            "ended_at",
            int(frame["ended_at"].notna().sum()) if "ended_at" in frame else 0,
            "the cancellations table reads this file's end dates, so every plan's end is a "
            "cancellation, an upgrade's or a trial's beside running plans too: leave the "
            "cancellations table out, and the ends that leave a customer no plan running "
            "are the cancellations",
        )


def _leavings(frame: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """The cancellations a subscriptions table holds: the ends that leave a customer with
    no plan running (`plan_ends`), by the data's end (a later one is scheduled)."""
    ends = frame["ended_at"].to_numpy("datetime64[ns]")
    ids = frame["customer_id"].array
    leaving = plan_ends(ids, frame["timestamp"].to_numpy("datetime64[ns]"), ends)
    leaving &= ends <= end.to_datetime64()
    found = pd.DataFrame({"customer_id": ids[leaving], "timestamp": ends[leaving]})
    found = found.drop_duplicates()  # plans closed together: one leaving
    return found.sort_values(["customer_id", "timestamp"], kind="stable").reset_index(drop=True)


def _running_at(frame: pd.DataFrame, end: pd.Timestamp) -> int:
    if "ended_at" not in frame:
        return len(frame)
    ended = frame["ended_at"].to_numpy("datetime64[ns]")
    return int((np.isnat(ended) | (ended > end.to_datetime64())).sum())


def _every_end_cancels(config: RunConfig) -> bool:
    """Whether the cancellations are read from the subscriptions file's own end dates
    (RavenStack's end_date: every test churner still held running paid plans)."""
    plans, cancellations = config.data.transactions, config.data.cancellations
    if plans is None or cancellations is None or "ended_at" not in plans.columns:
        return False
    same_file = config.files(plans.path) == config.files(cancellations.path)
    return same_file and cancellations.source_column("timestamp") == plans.columns["ended_at"]
