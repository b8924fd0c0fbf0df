"""Posted subscriptions read as the loader reads a subscriptions table
(`serving.live_tables.paid_subscriptions`): only the columns the model's data map, plans
begun after the cutoff left for the after-cutoff note, posted payments covering plans'
ends, and a bound on the rows a request may stand for."""

from __future__ import annotations

import datetime as dt

import pytest

from features.contract import ChurnSpec, DataSpec
from serving.live_checks import GoneError, require_active
from serving.live_tables import paid_subscriptions
from serving.schemas import CustomerHistoryIn

CUTOFF = dt.date(2023, 12, 31)


def _data(**columns: str) -> DataSpec:
    mapped = {"customer_id": "account", "timestamp": "start", "amount": "fee", **columns}
    return DataSpec.model_validate(
        {"transactions": {"path": "plans.csv", "columns": mapped, "recurring": {}}}
    )


def _customer(*lines: dict, cancellations: tuple[str, ...] = ()) -> CustomerHistoryIn:
    return CustomerHistoryIn.model_validate(
        {
            "customer_id": "c1",
            "transactions": list(lines),
            "cancellations": [{"timestamp": day} for day in cancellations],
        }
    )


def _paid(customer: CustomerHistoryIn, data: DataSpec, *, most: int = 5_000) -> list[str]:
    paid_subscriptions([customer], data, CUTOFF, most=most)
    return sorted(row.timestamp.date().isoformat() for row in customer.transactions)


def test_columns_the_models_data_do_not_map_are_not_read():
    """An unmapped billing_period or ended_at posted anyway: the batch never read one."""
    line = {"timestamp": "2023-01-01", "amount": 10, "billing_period": "annual"}
    assert len(_paid(_customer({**line, "ended_at": "2023-03-15"}), _data())) == 12
    mapped = _data(billing_period="period", ended_at="end")
    assert _paid(_customer({**line, "ended_at": "2024-06-01"}), mapped) == ["2023-01-01"]
    assert len(_paid(_customer({**line, "ended_at": "2023-03-15"}), _data(ended_at="end"))) == 3


def test_a_plan_begun_after_the_cutoff_is_kept_as_posted_for_the_note_and_read_once():
    customer = _customer(
        {"timestamp": "2023-11-01", "amount": 10}, {"timestamp": "2024-02-01", "amount": 10}
    )
    assert _paid(customer, _data()) == ["2023-11-01", "2023-12-01", "2024-02-01"]
    (later,) = [row for row in customer.transactions if row.paid_until is None]
    assert later.timestamp.date() == dt.date(2024, 2, 1)  # unread: after the cutoff
    assert _paid(customer, _data()) == ["2023-11-01", "2023-12-01", "2024-02-01"]  # again


@pytest.mark.parametrize(
    ("ended", "read"),
    [
        ("9999-12-31", None),
        (99991231, None),
        (45322, dt.datetime(2024, 1, 31)),  # a spreadsheet's day, not a year 4532
        ("2024-01-31", dt.datetime(2024, 1, 31)),
        (20240131, dt.datetime(2024, 1, 31)),
    ],
)
def test_an_end_far_past_what_the_tables_hold_is_no_end(ended, read):
    line = {"timestamp": "2023-01-01", "amount": 10, "ended_at": ended}
    assert _customer(line).transactions[0].ended_at == read


def test_posted_payments_cover_a_plans_end_as_running_plans_do():
    """A replayed history's payments beside a trial that ended: no leaving while they run."""
    data = _data(ended_at="end")
    trial = {"timestamp": "2023-09-01", "amount": 0, "ended_at": "2023-10-01"}
    paying = [
        {"timestamp": f"2023-{m:02d}-15", "amount": 9, "paid_until": f"2023-{m + 1:02d}-15"}
        for m in range(8, 12)
    ]
    covered = _customer(trial, *paying)
    paid_subscriptions([covered], data, CUTOFF, most=5_000)
    assert covered.cancellations == []
    alone = _customer(trial, cancellations=("2023-10-01",))
    paid_subscriptions([alone], data, CUTOFF, most=5_000)
    assert [c.timestamp.date().isoformat() for c in alone.cancellations] == ["2023-10-01"]


def test_plans_standing_for_more_payments_than_a_request_holds_are_refused():
    daily = {"timestamp": "2014-01-01", "amount": 1, "billing_period": "1"}
    with pytest.raises(
        ValueError, match=r"more than 100 payments up to 2023-12-31 \(customer c1's 3,652"
    ):
        _paid(_customer(daily), _data(billing_period="period"), most=100)


def test_a_plan_paid_past_the_cutoff_is_active_however_long_since_its_payment():
    """A contract log's two-year plans paid at their start were refused live as "no
    purchase in the 365 days", as the batch had left them out."""
    data = _data(billing_period="period")
    churn = ChurnSpec(definition="cancellation", horizon_days=30)
    two_years = {"timestamp": "2022-06-01", "amount": 40, "billing_period": "24 months"}
    running = _customer(two_years)
    paid_subscriptions([running], data, CUTOFF, most=5_000)
    require_active([running], CUTOFF, churn, data)  # paid until 2024-06-01: not refused
    monthly = _customer({**two_years, "billing_period": "month", "ended_at": "2022-08-01"})
    ended = _data(billing_period="period", ended_at="end")
    paid_subscriptions([monthly], ended, CUTOFF, most=5_000)
    with pytest.raises(GoneError, match="no purchase in the 365 days"):
        require_active([monthly], CUTOFF, churn, ended)
