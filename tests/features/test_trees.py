"""Compiled trees (`features/trees.py`) give XGBoost's margin and TreeSHAP contributions."""

from __future__ import annotations

import numpy as np
import pytest
import xgboost as xgb

from features import trees
from features.trees import CompiledTrees

FEATURES = 6
TYPES = ["q", "q", "q", "c", "q", "c"]


def _data(rows: int, seed: int) -> np.ndarray:
    """Numbers with missing values, and two categoricals (codes 0-4 and 0-2)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, FEATURES)).astype(np.float32)
    x[:, 3] = rng.integers(0, 5, rows)
    x[:, 5] = rng.integers(0, 3, rows)
    x[rng.random((rows, FEATURES)) < 0.08] = np.nan
    return x


def _matrix(x: np.ndarray, label: np.ndarray | None = None) -> xgb.DMatrix:
    return xgb.DMatrix(x, label=label, feature_types=TYPES, enable_categorical=True)


def _booster(objective: str, depth: int, rounds: int = 40, **params) -> xgb.Booster:
    x = _data(2000, seed=0)
    signal = np.nan_to_num(x[:, 0]) - np.nan_to_num(x[:, 2]) * (x[:, 3] == 2) + (x[:, 5] == 1)
    label = (signal > 0.3).astype(float) if objective.startswith("binary") else signal * 10 + 50
    options = {"objective": objective, "max_depth": depth, "eta": 0.3, "max_cat_to_onehot": 1}
    return xgb.train({**options, **params}, _matrix(x, label), num_boost_round=rounds)


@pytest.mark.parametrize(
    ("objective", "depth", "params"),
    [
        ("binary:logistic", 3, {}),
        ("binary:logistic", 5, {}),
        ("reg:squarederror", 4, {}),
        ("reg:quantileerror", 3, {"quantile_alpha": 0.9}),
        ("binary:logistic", 3, {"gamma": 1e6}),  # no split pays: every tree is one leaf
    ],
)
def test_margin_and_contributions_are_xgboosts(objective, depth, params):
    """Fresh rows (missing values, categories in and out of the split sets, an unseen
    code, a negative one), not the rows the compiler checked itself on."""
    booster = _booster(objective, depth, **params)
    compiled = CompiledTrees.compile(booster)
    assert compiled is not None
    x = _data(500, seed=1)
    x[:10, 3] = 7  # a code no split has seen
    x[10:20, 5] = -1
    margin, contributions = compiled.margin_and_contributions(x)
    matrix = _matrix(x)
    np.testing.assert_allclose(margin, booster.predict(matrix, output_margin=True), atol=1e-4)
    np.testing.assert_allclose(
        contributions, booster.predict(matrix, pred_contribs=True), atol=1e-4
    )
    np.testing.assert_allclose(contributions.sum(axis=1), margin, atol=1e-9)
    assert compiled.margin(x[:0]).shape == (0,)
    with pytest.raises(ValueError, match="6 features"):
        compiled.margin(x[:, :5])


def test_paths_repeating_a_feature_take_its_conditions_together():
    """One feature split twice on a path (x0 < 1, then x0 < -1): TreeSHAP merges the two
    conditions into one; the compiled tables must too."""
    x = np.linspace(-3, 3, 600, dtype=np.float32)[:, None].repeat(FEATURES, axis=1)
    x[:, 3] = 0
    x[:, 5] = 0
    label = ((x[:, 0] > 1) | (x[:, 0] < -1)).astype(float)
    booster = xgb.train(
        {"objective": "binary:logistic", "max_depth": 3, "eta": 1.0},
        _matrix(x, label),
        num_boost_round=3,
    )
    compiled = CompiledTrees.compile(booster)
    assert compiled is not None
    assert (compiled.path_width < (compiled.path_bit > 0).sum(axis=1)).any()  # merged steps
    np.testing.assert_allclose(
        compiled.margin_and_contributions(x)[1],
        booster.predict(_matrix(x), pred_contribs=True),
        atol=1e-5,
    )


def test_tables_too_large_are_not_compiled(monkeypatch):
    monkeypatch.setattr(trees, "MAX_TABLE_ENTRIES", 100)
    assert CompiledTrees.compile(_booster("binary:logistic", 3)) is None


def test_a_result_that_differs_from_xgboost_is_refused(monkeypatch):
    """The compiler checks itself on probe rows: wrong tables give None, not wrong reasons."""
    exact = trees._path_tables
    monkeypatch.setattr(trees, "_path_tables", lambda zero, leaf: exact(zero, leaf) * 1.01)
    assert CompiledTrees.compile(_booster("binary:logistic", 3)) is None
