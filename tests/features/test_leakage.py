"""Leakage: nothing after the cutoff may change a feature; labels must see it."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from features.build import build_features
from features.contract import ChurnSpec
from features.labels import label_churn
from tests.frames import random_tables

CUTOFFS = [pd.Timestamp("2023-09-30"), pd.Timestamp("2024-03-31")]
LAST = CUTOFFS[-1]


def _after(frame: pd.DataFrame, seed: int, *, n: int = 200) -> pd.DataFrame:
    """Copies of random rows moved to 1..120 days after the last cutoff (same day included)."""
    rng = np.random.default_rng(seed)
    extra = frame.sample(n, replace=True, random_state=seed).copy()
    shift = pd.to_timedelta(rng.integers(1, 120, n), unit="D")
    moved = LAST.normalize() + shift + pd.to_timedelta(rng.integers(0, 1440, n), unit="min")
    extra["timestamp"] = moved
    for column in ("resolved_at", "recorded_at"):
        if column in extra:
            extra[column] = moved
    return pd.concat([frame, extra], ignore_index=True)


def _late_recorded(frame: pd.DataFrame) -> pd.DataFrame:
    """Interactions that happened before the cutoff but were entered after it."""
    late = frame[frame["timestamp"] < LAST].head(30).copy()
    late["recorded_at"] = LAST + pd.Timedelta(days=3)
    late["type"] = "complaint"
    return pd.concat([frame, late], ignore_index=True)


def _resolved_later(frame: pd.DataFrame) -> pd.DataFrame:
    """Issues open at the cutoff get resolved after it."""
    out = frame.copy()
    still_open = out["resolved_at"].isna() & (out["timestamp"] <= LAST)
    out.loc[still_open, "resolved_at"] = LAST + pd.Timedelta(days=2)
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("history_from", [None, pd.Timestamp("2023-03-01")])
@pytest.mark.parametrize("amounts", [True, False])
def test_rows_after_the_cutoff_change_no_feature(seed, history_from, amounts):
    """Also where windows reaching before the data's first day are unknown (the first
    cutoff's year and half-year trends, `Context.window_known`), and of a purchase log
    without amounts (a Groceries log: counts, rhythm and breadth only)."""
    tables = replace(random_tables(seed), history_from=history_from)
    if not amounts:
        tables = tables.with_tables(transactions=tables.transactions.drop(columns="amount"))
    before = build_features(tables, cutoffs=CUTOFFS)
    leaked = tables.with_tables(
        transactions=_after(tables.transactions, seed),
        events=_after(tables.events, seed),
        cancellations=_after(tables.cancellations, seed, n=20),
        interactions=_resolved_later(_late_recorded(_after(tables.interactions, seed))),
    )
    after = build_features(leaked, cutoffs=CUTOFFS)
    pdt.assert_frame_equal(before, after)


def test_rows_after_the_cutoff_do_change_labels():
    tables = random_tables(3)
    churn = ChurnSpec(horizon_days=90)
    before = label_churn(tables, churn, cutoffs=LAST)
    leaked = tables.with_tables(transactions=_after(tables.transactions, 3, n=2000))
    after = label_churn(leaked, churn, cutoffs=LAST)
    assert (before["churned"] & ~after["churned"]).any()
    assert (before["eligible"] == after["eligible"]).all()


def test_each_cutoff_is_computed_on_its_own():
    tables = random_tables(4)
    together = build_features(tables, cutoffs=CUTOFFS)
    alone = build_features(tables, cutoffs=CUTOFFS[0])
    first = together[together["cutoff"] == CUTOFFS[0]].reset_index(drop=True)
    pdt.assert_frame_equal(first, alone)
