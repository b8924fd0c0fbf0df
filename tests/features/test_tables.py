"""Helpers every family uses on raw columns."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from features.tables import nan_to_zero, no_use_rows

FLOATS = st.floats(allow_nan=True, allow_infinity=True, width=64)


@given(values=arrays(np.float64, st.integers(0, 50), elements=FLOATS))
def test_nan_to_zero_is_numpys_nan_to_num(values):
    out = nan_to_zero(values)
    assert np.array_equal(out, np.nan_to_num(values))
    assert out is not values  # a copy, as nan_to_num's


def test_nan_to_zero_reads_series_and_integer_columns():
    series = pd.Series([1.5, np.nan, -np.inf])
    assert nan_to_zero(series).tolist() == [1.5, 0.0, -np.finfo(np.float64).max]
    assert nan_to_zero(np.arange(3)).dtype == np.float64


def test_no_use_rows_are_zero_in_every_quantity_a_blank_counting_as_zero():
    video = pd.Series([3.0, 0.0, 0.0, np.nan, np.nan])
    wiki = np.array([0.0, 0.0, np.nan, 0.0, np.nan])
    assert no_use_rows([video, wiki]).tolist() == [False, True, True, True, False]
    assert no_use_rows(iter([video])).tolist() == [False, True, True, False, False]
