"""Numbers written as text: which decimal mark a column uses, and what each value reads as."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from features.text_numbers import _read, read_numbers


def read(values: list[str | None], decimal: str | None = None) -> tuple[list[float], str]:
    numbers, mark = read_numbers(pd.Series(values, dtype="string"), decimal)
    return [None if np.isnan(v) else v for v in numbers], mark


@pytest.mark.parametrize(
    ("values", "numbers", "mark"),
    [
        pytest.param(["12.5", "7", None], [12.5, 7.0, None], ".", id="plain"),
        pytest.param(["1e3", "-0.25"], [1000.0, -0.25], ".", id="what pandas reads"),
        pytest.param(["$1,234.50", "12"], [1234.5, 12.0], ".", id="US money"),
        pytest.param(["1,234,567", "3"], [1234567.0, 3.0], ".", id="US thousands, twice"),
        pytest.param(["1,234", "12.5"], [1234.0, 12.5], ".", id="a decimal dot settles it"),
        pytest.param(["12,50", "1.234,00", "7"], [12.5, 1234.0, 7.0], ",", id="European"),
        pytest.param(["1 000,5 €", "€ 3,25"], [1000.5, 3.25], ",", id="spaces and euros"),
        pytest.param(["1.234.567"], [1234567.0], ",", id="European thousands, twice"),
    ],
)
def test_each_column_is_read_with_the_mark_its_values_show(values, numbers, mark):
    assert read(values) == (numbers, mark)


def test_a_comma_that_may_group_thousands_is_not_guessed():
    """'1,234' is 1234 or 1.234: unread unless the config says which mark it uses."""
    assert read(["1,234", "7"]) == ([None, 7.0], ".")
    assert read(["1,234", "7"], decimal=",") == ([1.234, 7.0], ",")
    assert read(["1,234", "7"], decimal=".") == ([1234.0, 7.0], ".")


def test_text_that_is_no_number_stays_unread():
    assert read(["12.5", "n/a", "1,2,3"]) == ([12.5, None, None], ".")
    assert read(["12,50", "x"]) == ([None, None], ".")  # no mark reads the whole column
    assert read(["12,50"], decimal=".") == ([None], ".")


@given(st.lists(st.floats(-1e9, 1e9, allow_nan=False).map(lambda v: round(v, 2)), min_size=1))
def test_european_writing_reads_back_the_same_numbers(values):
    """Any amounts written as a European export writes them ('1.234,5') read back."""
    written = [f"{v:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".") for v in values]
    numbers, _ = read(written, decimal=",")
    assert numbers == pytest.approx(values)
    if any(v != round(v) for v in values):  # a cent shows the comma is a decimal mark
        assert read(written) == (numbers, ",")


TOKENS = ["12.5", "7", "1,234", "12,50", "1.234,00", "$1,234.50", "Unknown", "n/a", None, "-3"]


@given(
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=40), st.sampled_from([None, ".", ","])
)
def test_distinct_values_read_once_read_as_every_row(values, decimal):
    """Repeated values are read once each and mapped back (a telecom extract's codes and
    'Unknown's): the rows and the mark are those of reading every row."""
    for dtype in ("string", object):
        text = pd.Series(values * 3, dtype=dtype, index=range(5, 5 + 3 * len(values)))
        numbers, mark = read_numbers(text, decimal)
        rowwise, rowwise_mark = _read(text, decimal)
        assert mark == rowwise_mark
        assert numbers.index.equals(text.index)
        np.testing.assert_array_equal(numbers.to_numpy(), rowwise.to_numpy(dtype="float64"))
