"""Invariants that hold for any well-formed data, checked on random tables."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from features.activity import GROUPBY_FROM, REDUCTIONS, reduce_by_code
from features.build import build, build_features
from tests.frames import random_tables

CUTOFFS = ["2023-06-30", "2023-12-31", "2024-06-30"]


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_invariants_on_random_data(seed):
    frame = build_features(random_tables(seed, n_customers=40), cutoffs=CUTOFFS)
    assert not frame.duplicated(["customer_id", "cutoff"]).any()
    assert (frame["orders_30d"] <= frame["orders_90d"]).all()
    assert (frame["orders_90d"] <= frame["orders_365d"]).all()
    assert (frame["orders_365d"] <= frame["orders_total"]).all()
    assert (frame["spend_365d"] <= frame["spend_total"] + 1e-9).all()
    for name in ("days_since_last_purchase", "overdue_ratio", "tenure_days", "gap_median_days"):
        assert (frame[name].dropna() >= 0).all(), name
    for name in ("consumables_share_90d", "discount_share_365d"):
        assert frame[name].dropna().between(0, 1).all(), name
    assert (frame["complaints_unresolved_30d"] <= frame["complaints_30d"]).all()
    assert (frame["active_days_30d"] <= 30).all()


def test_one_row_per_customer_and_cutoff_for_every_customer_known():
    """Known at a cutoff: signed up by then, or with a purchase or usage event by then
    (activity dated before the signup is activity all the same)."""
    tables = random_tables(11)
    frame = build_features(tables, cutoffs=CUTOFFS)
    signup = tables.customers.set_index("customer_id")["signup_date"]
    activity = pd.concat([tables.transactions, tables.events])
    first = activity.groupby("customer_id")["timestamp"].min().dt.normalize()
    active_first = 0
    for cutoff, rows in frame.groupby("cutoff"):
        signed = set(signup[signup <= cutoff].index)
        expected = signed | set(first[first <= cutoff].index)
        assert set(rows["customer_id"]) == expected
        active_first += len(expected - signed)
    assert active_first > 0  # the data hold such customers


def test_every_declared_feature_is_a_column_with_its_dtype():
    built = build(random_tables(5), cutoffs=CUTOFFS)
    assert list(built.frame.columns) == ["customer_id", "cutoff", *built.names]
    for spec in built.specs:
        column = built.frame[spec.name]
        if spec.dtype == "category":
            assert isinstance(column.dtype, pd.CategoricalDtype)
        else:
            assert column.dtype == np.float64


@settings(max_examples=40, deadline=None)
@given(
    codes=st.lists(st.integers(0, 6), max_size=40),
    data=st.data(),
    how=st.sampled_from(REDUCTIONS),
    presorted=st.booleans(),
)
def test_reduce_by_code_matches_a_pandas_groupby(codes, data, how, presorted):
    """The numpy segment reductions give a pandas groupby's numbers, NaN values skipped."""
    values = data.draw(
        st.lists(
            st.one_of(st.floats(-1e6, 1e6), st.just(float("nan"))),
            min_size=len(codes),
            max_size=len(codes),
        )
    )
    code = np.asarray(sorted(codes) if presorted else codes, dtype=np.int64)
    expected = np.full(8, np.nan)
    if len(code):
        series = pd.Series(values, dtype=float).groupby(code, sort=False).agg(how)
        expected[series.index.to_numpy()] = series.to_numpy(dtype=float)
    got = reduce_by_code(code, np.asarray(values, dtype=float), how, 8)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-6)


def test_reduce_by_code_is_the_same_on_both_sides_of_the_groupby_threshold():
    """Large inputs reduce with a pandas groupby, small ones with numpy segments."""
    rng = np.random.default_rng(7)
    rows = GROUPBY_FROM + 1000
    code = np.sort(rng.integers(0, 3000, rows))
    values = np.where(rng.uniform(size=rows) < 0.05, np.nan, rng.integers(0, 400, rows) * 1.0)
    for how in REDUCTIONS:
        large = reduce_by_code(code, values, how, 3000)
        small = np.full(3000, np.nan)
        for part in np.array_split(np.arange(3000), 8):  # customers split into small calls
            rows_of = np.isin(code, part)
            got = reduce_by_code(code[rows_of], values[rows_of], how, 3000)
            small[part] = got[part]
        np.testing.assert_allclose(small, large, rtol=1e-9, atol=1e-9, err_msg=how)
