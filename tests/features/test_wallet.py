"""Wallet share: supplied wallets, and the quantile estimator fitted on training rows only."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from features import wallet
from features.build import build, build_features
from features.wallet import QuantileWalletEstimator, complete_wallet
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


def test_a_level_no_fitting_row_holds_is_estimated_as_unknown():
    """Listed by the dtype (every store of the data) but held by no training row: the
    unknown level's wallet, as a blank one's, not a neighbour's code routed by chance."""
    rng = np.random.default_rng(0)
    levels = list("ABCDEFGHIJKL")
    means = {"A": 100, "C": 2000, "E": 300, "G": 1500, "I": 600, "K": 900}
    held = rng.choice(list(means), 6000)
    spend = np.array([means[v] for v in held]) * rng.uniform(0.5, 1.5, 6000)
    estimator = QuantileWalletEstimator().fit(
        pd.DataFrame({"store": pd.Categorical(held, categories=levels)}), spend
    )
    assert estimator.levels_ == {"store": list(means)}
    unseen = [v for v in levels if v not in means]
    wallets = estimator.predict(
        pd.DataFrame({"store": pd.Categorical([*unseen, None], categories=levels)})
    )
    assert len(set(wallets.round(6))) == 1  # every unseen store, and a blank one, alike


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


def test_no_wallet_is_fitted_where_the_data_hold_no_year_of_spend():
    """On four months of data a wallet fitted on the months of spend_365d the data held
    read "customers like them spend up to 2,959 a year" beside a customer's own 3,189 in
    the four months: where the year reaches before the data, spend_365d is unknown."""
    segment = ["small"] * 30 + ["large"] * 30
    completed, model = _buyers(history_from="2024-01-01", segment=segment)
    assert model is None
    assert completed.frame["spend_365d"].isna().all()
    _, model = _buyers(history_from="2023-07-02", segment=segment)  # the year just fits
    assert model is not None


def _buyers(history_from: str | None = None, **attributes: list) -> tuple:
    """Sixty buyers of different yearly spend, with these attributes (all categorical):
    enough for the quantile model's leaves (20 rows at least); the data start on
    `history_from` (default: their history is complete)."""
    ids = list(range(1, 61))
    tx = transactions([(c, "2024-03-01", 40.0 * c) for c in ids])
    people = customers(ids, **attributes) if attributes else None
    kinds = dict.fromkeys(attributes, "categorical")
    start = None if history_from is None else pd.Timestamp(history_from)
    tables = make_tables(
        customer_frame=people, transaction_frame=tx, attributes=kinds, history_from=start
    )
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


def test_a_tiny_wallet_share_reads_under_one_percent_not_zero():
    """A bank account's 700 of turnover beside an estimated 1.5M read "estimated wallet
    share 0%": a share that is not none says so."""
    (estimated,) = [s for s in wallet.ESTIMATED_SPECS if s.name == "wallet_share_365d"]
    (supplied,) = [s for s in wallet.SPECS if s.name == "wallet_share_365d"]
    assert estimated.render({"wallet_share_365d": 700 / 1.5e6}) == "estimated wallet share under 1%"
    assert supplied.render({"wallet_share_365d": 0.26}) == "wallet share 26%"
    assert supplied.render({"wallet_share_365d": 0.0}) == "wallet share 0%"
