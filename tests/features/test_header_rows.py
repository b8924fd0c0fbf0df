"""Where a header is: the row holding the most of the columns mapped."""

from __future__ import annotations

import pandas as pd
import pytest

from features.header_rows import HEADER_ROWS, header_row, repeated_header, skipped

WANTED = ["CustomerID", "Tenure", "Churn"]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([["CustomerID", "Tenure", "Churn"], [1, 2, 0]], 0),
        ([["E Commerce churn data"], ["CustomerID", "Tenure", "Churn"], [1, 2, 0]], 1),
        ([[], [], ["CustomerID", "Tenure"], ["CustomerID", "Tenure", "Churn"]], 3),
        ([["Tenure", "Churn"], ["CustomerID", "Churn"]], 0),  # a tie: the first
        ([["Data", "Variable"], ["E Comm", "CustomerID", "Unique customer ID"]], 0),
        ([["no", "names"], ["of", "these"]], 0),
        ([], 0),
    ],
    ids=["first", "title", "blanks", "tie", "dictionary", "none", "empty"],
)
def test_the_header_is_the_first_row_holding_the_most_columns_mapped(rows, expected):
    assert header_row(rows, WANTED) == expected


def test_one_name_is_a_header_when_one_is_mapped():
    assert header_row([["Customers"], ["CustomerID", "Tenure"]], ["CustomerID"]) == 1


def test_a_header_is_looked_for_in_the_first_rows_only():
    titles = [[f"note {i}"] for i in range(HEADER_ROWS)]
    assert header_row([*titles, WANTED], WANTED) == 0
    assert header_row([*titles[1:], WANTED], WANTED) == HEADER_ROWS - 1


def test_a_number_read_as_a_float_names_the_column_as_written():
    """A header cell 2010 above a column of numbers and blanks is read 2010.0."""
    assert header_row([["Sales"], ["CustomerID", 2010.0, 2011.0]], ["CustomerID", "2010"]) == 1


def test_the_rows_above_a_header_are_counted_in_words():
    assert skipped(0, unit="row") is None
    assert skipped(1, unit="row") == "header on row 2, 1 row above it skipped"
    said = skipped(2, unit="row", where=" of 'E Comm'")
    assert said == "header on row 3 of 'E Comm', 2 rows above it skipped"
    assert skipped(3, unit="line") == "header on line 4, 3 lines above it skipped"


def test_rows_repeating_the_header_in_every_field_are_found():
    """Ta Feng's months joined with `cat` held their header line among the rows."""
    frame = pd.DataFrame(
        {
            "TRANSACTION_DT": ["11/1/2000", "TRANSACTION_DT", "TRANSACTION_DT", None],
            " CUSTOMER_ID": ["01104905", " CUSTOMER_ID", "00418683", " CUSTOMER_ID"],
        }
    )
    assert repeated_header(frame).tolist() == [False, True, False, False]


def test_a_repeated_header_after_a_byte_order_mark_is_found():
    """Files saved as Excel's "CSV UTF-8" each start with a BOM, which `cat` keeps: the
    second header's first field read '\ufeffcustomer_id', a customer of that name."""
    frame = pd.DataFrame(
        {"customer_id": ["c1", "\ufeffcustomer_id", "c2"], "day": ["d1", "day", "d2"]}
    )
    assert repeated_header(frame).tolist() == [False, True, False]


def test_no_row_repeats_a_header_over_numbers_or_no_columns():
    numbers = pd.DataFrame({"customer_id": ["customer_id", "7"], "amount": [30.0, 46.0]})
    assert not repeated_header(numbers).any()
    assert not repeated_header(pd.DataFrame(index=range(3))).any()
