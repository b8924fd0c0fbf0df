"""Helpers every family uses on raw columns."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from features.tables import nan_to_zero

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
