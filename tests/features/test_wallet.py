"""Wallet share: supplied wallets, and the quantile estimator fitted on training rows only."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from features.build import build, build_features
from features.wallet import QuantileWalletEstimator, complete_wallet, full_year_rows
from tests.frames import customers, make_tables, row, transactions


@parametrize_with_checks([QuantileWalletEstimator(max_iter=20)])
def test_sklearn_estimator_contract(estimator, check):
    check(estimator)


def test_supplied_wallet_gives_clipped_share():
    people = customers([1, 2], wallet=[1000.0, 10.0])
    tx = transactions([(1, "2024-06-01", 120), (2, "2024-06-01", 50)])
    frame = build_features(
        make_tables(customer_frame=people, transaction_frame=tx), cutoffs="2024-06-30"
    )
    assert row(frame, 1)["wallet_share_365d"] == pytest.approx(0.12)
    assert row(frame, 2)["wallet_share_365d"] == 1.0  # spend above the wallet clips


def test_estimator_learns_a_high_conditional_quantile():
    rng = np.random.default_rng(0)
    size = rng.choice(["small", "large"], 4000)
    spend = np.where(size == "large", 1000.0, 100.0) * rng.uniform(0, 1, 4000)
    attrs = pd.DataFrame({"size": pd.Categorical(size)})
    wallet = (
        QuantileWalletEstimator(quantile=0.9)
        .fit(attrs, spend)
        .predict(
            pd.DataFrame(
                {"size": pd.Categorical(["small", "large"], categories=["large", "small"])}
            )
        )
    )
    assert wallet == pytest.approx([90.0, 900.0], rel=0.08)


def test_compiled_trees_predict_as_xgboost_does():
    """The estimator predicts with its trees compiled (features/trees.py) where XGBoost's
    fixed cost per call would dominate a live request: same predictions."""
    rng = np.random.default_rng(1)
    attrs = pd.DataFrame(
        {
            "size": pd.Categorical(rng.choice(["small", "large", "mid"], 3000)),
            "seats": np.where(rng.random(3000) < 0.1, np.nan, rng.integers(1, 50, 3000)),
        }
    )
    spend = (attrs["size"] == "large") * 900.0 + attrs["seats"].fillna(5) * 20 * rng.random(3000)
    estimator = QuantileWalletEstimator().fit(attrs, spend.to_numpy())
    assert estimator.compiled_ is not None
    encoded = estimator._encoded(attrs, list(attrs.columns), len(attrs))
    expected = np.maximum(estimator.model_.predict(encoded), estimator.min_wallet)
    np.testing.assert_allclose(estimator.predict(attrs), expected, rtol=1e-5)
    assert "compiled_" not in estimator.__getstate__()  # derived: rebuilt on load
    loaded = pickle.loads(pickle.dumps(estimator))
    assert loaded.compiled_ is not None and estimator.compiled_ is not None
    np.testing.assert_allclose(loaded.predict(attrs), expected, rtol=1e-5)


def test_wallet_estimator_is_fitted_on_training_cutoffs_only():
    ids = list(range(1, 61))
    people = customers(ids, segment=["a"] * 30 + ["b"] * 30)
    tx = transactions(
        [(c, "2024-01-10", 50.0 + 10 * c) for c in ids]
        + [(1, "2024-06-10", 5000)]  # a jump only visible at the later cutoff
    )
    tables = make_tables(
        customer_frame=people, transaction_frame=tx, attributes={"segment": "categorical"}
    )
    cutoffs = [pd.Timestamp("2024-01-31"), pd.Timestamp("2024-06-30")]
    train_only, model_a = complete_wallet(build(tables, cutoffs=cutoffs), train_cutoffs=cutoffs[:1])
    _, model_b = complete_wallet(build(tables, cutoffs=cutoffs[:1]))
    probe = pd.DataFrame({"segment": pd.Categorical(["a", "b"])})
    np.testing.assert_allclose(model_a.predict(probe), model_b.predict(probe))
    share = train_only.frame["wallet_share_365d"]
    assert share.between(0, 1).all()
    assert "wallet_365d" in train_only.names


def test_no_wallet_features_without_transactions():
    tables = make_tables(
        customer_frame=customers([1, 2], segment=["a", "b"]), attributes={"segment": "categorical"}
    )
    completed, model = complete_wallet(build(tables, cutoffs="2024-06-30"))
    assert model is None
    assert "wallet_share_365d" not in completed.names


def test_the_wallet_is_fitted_on_cutoffs_with_a_whole_year_of_spend_before_them():
    """At a cutoff 180 days into the data, spend_365d holds half a year: a wallet fitted
    there read 'customers like them spend up to 940 a year' beside a member's own 1,788."""
    tables = make_tables(
        transaction_frame=transactions([(1, "2023-01-01", 10), (2, "2024-06-01", 10)])
    )
    rows = pd.DataFrame({"cutoff": pd.to_datetime(["2023-06-30", "2023-12-31", "2024-03-31"])})
    assert full_year_rows(rows, tables)["cutoff"].dt.strftime("%Y-%m-%d").tolist() == [
        "2023-12-31",
        "2024-03-31",
    ]
    early = rows.head(1)  # no cutoff has a whole year: the rows there are all there is
    assert full_year_rows(early, tables).equals(early)


def _buyers(**attributes: list) -> tuple:
    """Sixty buyers of different yearly spend, with these attributes (all categorical):
    enough for the quantile model's leaves (20 rows at least)."""
    ids = list(range(1, 61))
    tx = transactions([(c, "2024-03-01", 40.0 * c) for c in ids])
    people = customers(ids, **attributes) if attributes else None
    kinds = dict.fromkeys(attributes, "categorical")
    tables = make_tables(customer_frame=people, transaction_frame=tx, attributes=kinds)
    return complete_wallet(build(tables, cutoffs="2024-06-30"))


def test_no_wallet_is_estimated_without_attributes_that_tell_customers_apart():
    """Without attributes the wallet was one constant for all (219.47 on CDNOW), so the
    "estimated wallet share 26%" shown as a top reason was spend ÷ 219: not declared."""
    for completed, model in (_buyers(), _buyers(segment=["a"] * 60)):
        assert model is None
        assert {"wallet_365d", "wallet_share_365d"}.isdisjoint(completed.names)
        assert "wallet_share_365d" not in completed.frame


def test_a_wallet_is_estimated_from_attributes_that_differ():
    segment = ["small"] * 30 + ["large"] * 30  # the large spend more (40 x id)
    completed, model = _buyers(segment=segment)
    assert model is not None
    wallets = completed.frame.set_index("customer_id")["wallet_365d"]
    assert wallets.nunique() == 2 and wallets[60] > wallets[1]
    assert {"wallet_365d", "wallet_share_365d"} <= set(completed.names)
