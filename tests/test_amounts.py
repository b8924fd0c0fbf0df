"""A purchase log without money (Groceries: Member_number, Date, itemDescription): the
contract takes it, the loader says once what it leaves out, and a required column
never mapped is named as required with how to map it."""

from __future__ import annotations

from features.contract import TransactionsSpec, load_config
from features.sources import validate
from tests.factories import transactions_frame, write_dataset
from tests.test_sources import check, load

VISITS = {"columns": {"category": "category"}}


def test_amount_is_optional_and_a_unit_price_still_computes_it():
    visits = TransactionsSpec.model_validate({"path": "t.csv", "columns": {"category": "item"}})
    assert not visits.spends and "amount" not in visits.loaded_columns()
    priced = TransactionsSpec.model_validate(
        {"path": "t.csv", "columns": {"unit_price": "p", "quantity": "q"}}
    )
    assert priced.spends and "amount" in priced.loaded_columns()


def test_a_log_without_amounts_loads_and_says_once_what_is_left_out(tmp_path):
    visits = transactions_frame().drop(columns="amount").rename(columns={"category": "item"})
    tables, report = check(
        tmp_path, transactions=visits, specs={"transactions": {"columns": {"category": "item"}}}
    )
    assert tables is not None and report.errors == []
    assert "amount" not in tables.transactions
    said = [issue.message for issue in report.warnings if "no amount mapped" in issue.message]
    assert len(said) == 1
    assert "spend, value and value at risk are left out" in said[0]
    assert "columns: {amount: <your column>}" in said[0]


def test_without_amounts_a_mapped_value_column_is_not_said_left_out(tmp_path):
    """A loyalty log mapping its members' CLV as `value` was told value and value at risk
    were left out, beside a worklist that showed and sorted by both."""
    visits = transactions_frame().drop(columns="amount").rename(columns={"category": "item"})
    columns = {"signup_date": "signup_date", "wallet": "wallet", "value": "wallet"}
    _, report = check(
        tmp_path,
        transactions=visits,
        specs={
            "transactions": {"columns": {"category": "item"}},
            "customers": {"columns": columns},
        },
    )
    (said,) = [issue.message for issue in report.warnings if "no amount mapped" in issue.message]
    assert "but spend is left out (value and value at risk come from the customers' value" in said


def test_a_file_column_named_amount_is_read_unmapped_as_before(tmp_path):
    tables = load(tmp_path, specs={"transactions": VISITS})
    assert sorted(tables.transactions["amount"]) == sorted(transactions_frame()["amount"])


def test_a_list_price_without_an_amount_is_an_error_naming_it(tmp_path):
    visits = transactions_frame().drop(columns="amount").assign(msrp=5.0)
    columns = {"category": "category", "list_price": "msrp"}
    _, report = check(tmp_path, transactions=visits, specs={"transactions": {"columns": columns}})
    (error,) = report.errors
    assert error.column == "msrp" and "list_price needs an amount" in error.message


def test_a_required_column_never_mapped_says_it_is_required_and_how_to_map_it(tmp_path):
    """Groceries mapped without its Date: 'column not found; available: ...' said neither
    that a timestamp is required nor how to give it."""
    lines = transactions_frame().rename(columns={"timestamp": "Date"})
    config = write_dataset(tmp_path, transactions=lines, specs={"transactions": VISITS})
    _, report = validate(load_config(config))
    (error,) = report.errors
    assert error.column == "timestamp"
    assert (
        "column not found (transactions need a timestamp column: when each row happened; map "
        "it under columns: {timestamp: <your column>}); available: customer_id, Date"
    ) in error.message


def test_a_mapped_column_not_found_keeps_its_configured_for_hint(tmp_path):
    columns = {"category": "category", "timestamp": "when"}
    _, report = check(tmp_path, specs={"transactions": {"columns": columns}})
    (error,) = report.errors
    assert "column not found (configured for 'timestamp')" in error.message
