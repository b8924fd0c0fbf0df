"""A fitted XGBoost booster's trees as arrays: margins and TreeSHAP without XGBoost.

XGBoost's predict has a fixed cost per call (a DMatrix, its configuration, a thread team)
that is most of the time for the few rows of a live request, and its TreeSHAP walks every
tree path for every row. Here the trees are read once, at model load, into flat arrays
that a numba kernel walks without the GIL:

- margins: the leaf of every path a row follows throughout (any depth);
- TreeSHAP: path-dependent TreeSHAP (Lundberg et al. 2020) in its per-path form (as in
  GPUTreeShap, Mitchell et al. 2022). A leaf's contribution to each feature on its path
  depends only on the path's cover fractions, known in advance, and on *which* of the
  path's features the row agrees with, so the contributions are tabled once per path and
  pattern; a row then costs its decisions, a pattern per path and a lookup per feature.

Same algorithm, same inputs, so the same numbers (to float32 rounding, which XGBoost works
in). `CompiledTrees.compile` checks itself against the booster on probe rows made from the
trees' own split points, and gives None when it differs or when the tables would be too
large (a path of depth d has 2^d patterns); the caller then keeps XGBoost.

Used by the wallet estimator (`features/wallet.py`) and the churn model (`churn/model.py`);
it lives in `features/` because `features/` imports no other package.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from itertools import combinations

import numba
import numpy as np
import xgboost as xgb

MAX_TABLE_ENTRIES = 8_000_000
"""Largest (paths x patterns x depth) table compiled (32 MB of float32): 1,000 trees of
depth 5 fit, deeper forests are left to XGBoost."""
TOLERANCE = {"rtol": 1e-5, "atol": 1e-4}
"""Largest difference from XGBoost's margin and contributions on the probe rows (XGBoost
sums in float32: a regression margin of 17,000 is only good to about 0.05)."""
PROBE_ROWS = 256


@dataclass(frozen=True)
class CompiledTrees:
    """Margin and TreeSHAP contributions of a binary or regression booster."""

    n_features: int
    base_margin: float
    """What XGBoost adds to the trees' sum (`base_score`, in margin space)."""
    bias: float
    """The base margin plus every tree's cover-weighted mean leaf (the bias column)."""
    # one entry per split node of all trees
    split_feature: np.ndarray
    threshold: np.ndarray
    default_left: np.ndarray
    categorical_row: np.ndarray
    """The split's row in `goes_right`, -1 for a numeric split."""
    goes_right: np.ndarray
    """(categorical splits, codes): True where the category is in the split's set."""
    # one entry per root-to-leaf path of all trees, padded to `depth` steps
    path_split: np.ndarray
    path_left: np.ndarray
    path_bit: np.ndarray
    """The bit of the step's feature in the path's pattern (0 on padding)."""
    path_full: np.ndarray
    """Every bit of the path's features: the pattern of a row that follows the path."""
    path_leaf: np.ndarray
    path_width: np.ndarray
    path_feature: np.ndarray
    """(paths, depth): the feature of each pattern bit."""
    table: np.ndarray | None
    """(paths, 2^depth, depth): contribution of each path feature for each pattern, in
    float32 as XGBoost keeps them (sums are float64); None when compiled for margins
    only."""

    @classmethod
    def compile(cls, booster: xgb.Booster, *, contributions: bool = True) -> CompiledTrees | None:
        """The booster's trees, or None if they cannot be compiled exactly (or, for
        `contributions`, their tables would be too large)."""
        model = json.loads(booster.save_raw("json"))["learner"]
        params = model["learner_model_param"]
        if int(params.get("num_class", "0")) > 1 or int(params.get("num_target", "1")) > 1:
            return None  # one margin per row only
        if model["gradient_booster"]["name"] != "gbtree":  # dart weighs its trees
            return None
        trees = model["gradient_booster"]["model"]["trees"]
        n_features = int(model["learner_model_param"]["num_feature"])
        splits, paths = _read(trees)
        depth = max((len(steps) for steps, _ in paths), default=1) or 1
        if not paths or (contributions and len(paths) * 2**depth * depth > MAX_TABLE_ENTRIES):
            return None
        compiled = cls._assemble(n_features, splits, paths, depth, 0.0, tables=contributions)
        probe = _probe_rows(splits, n_features)
        matrix = xgb.DMatrix(
            probe,
            feature_names=booster.feature_names,
            feature_types=booster.feature_types,
            enable_categorical=True,
        )
        margin = booster.predict(matrix, output_margin=True)
        base_margin = float(np.median(margin - compiled.margin(probe)))  # base_score's margin
        compiled = cls._assemble(
            n_features, splits, paths, depth, base_margin, tables=contributions
        )
        if not np.allclose(compiled.margin(probe), margin, **TOLERANCE):
            return None
        if contributions:
            expected = booster.predict(matrix, pred_contribs=True)
            got_margin, got = compiled.margin_and_contributions(probe)
            if not (
                np.allclose(got_margin, margin, **TOLERANCE)
                and np.allclose(got, expected, **TOLERANCE)
            ):
                return None
        return compiled

    @classmethod
    def _assemble(
        cls,
        n_features: int,
        splits: dict,
        paths: list,
        depth: int,
        base_margin: float,
        *,
        tables: bool,
    ) -> CompiledTrees:
        path_split = np.zeros((len(paths), depth), dtype=np.int64)
        path_left = np.ones((len(paths), depth), dtype=bool)
        path_bit = np.zeros((len(paths), depth), dtype=np.int64)
        path_feature = np.zeros((len(paths), depth), dtype=np.int64)
        zeros = np.ones((len(paths), depth))
        widths = np.zeros(len(paths), dtype=np.int64)
        leaves = np.asarray([leaf for _, leaf in paths], dtype=np.float64)
        for p, (steps, _) in enumerate(paths):
            features = list(dict.fromkeys(splits["feature"][s] for s, _, _ in steps))
            for step, (split, left, fraction) in enumerate(steps):
                slot = features.index(splits["feature"][split])
                path_split[p, step], path_left[p, step] = split, left
                path_bit[p, step] = 1 << slot
                zeros[p, slot] *= fraction
            path_feature[p, : len(features)] = features
            widths[p] = len(features)
        table = np.zeros((len(paths), 2**depth, depth), dtype=np.float32) if tables else None
        for k in np.unique(widths) if tables else ():
            group = widths == k
            table[group, : 2**k, :k] = _path_tables(zeros[group, :k], leaves[group])
        categorical = np.flatnonzero(splits["is_categorical"])
        row = np.full(len(splits["feature"]), -1, dtype=np.int64)
        row[categorical] = np.arange(len(categorical))
        width = max((max(c, default=-1) + 1 for c in splits["categories"]), default=0)
        goes_right = np.zeros((len(categorical), max(width, 1)), dtype=bool)
        for r, split in enumerate(categorical):
            goes_right[r, splits["categories"][split]] = True
        return cls(
            n_features=n_features,
            base_margin=base_margin,
            bias=base_margin + float(leaves @ np.prod(zeros, axis=1)),
            split_feature=np.asarray(splits["feature"], dtype=np.int64),
            threshold=np.asarray(splits["threshold"], dtype=np.float32),
            default_left=np.asarray(splits["default_left"], dtype=bool),
            categorical_row=row,
            goes_right=goes_right,
            path_split=path_split,
            path_left=path_left,
            path_bit=path_bit,
            path_full=np.bitwise_or.reduce(path_bit, axis=1),
            path_leaf=leaves,
            path_width=widths,
            path_feature=path_feature,
            table=table,
        )

    def margin(self, rows: np.ndarray) -> np.ndarray:
        """XGBoost's `output_margin` of float32 rows: the leaves they reach, summed.
        Runs without the GIL."""
        rows = self._checked(rows)
        out = np.full(len(rows), self.base_margin)
        _margins(
            rows,
            *self._splits(),
            self.path_split,
            self.path_left,
            self.path_bit,
            self.path_full,
            self.path_leaf,
            out,
        )
        return out

    def _checked(self, rows: np.ndarray) -> np.ndarray:
        """Float32 rows of the booster's width (the kernels do not check bounds)."""
        rows = np.ascontiguousarray(rows, dtype=np.float32)
        if rows.ndim != 2 or rows.shape[1] != self.n_features:
            raise ValueError(f"expected rows of {self.n_features} features, got {rows.shape}")
        return rows

    def _splits(self) -> tuple[np.ndarray, ...]:
        return (
            self.split_feature,
            self.threshold,
            self.default_left,
            self.categorical_row,
            self.goes_right,
        )

    def margin_and_contributions(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Margins (n,) and contributions (n, features + 1; the last column is the bias),
        as XGBoost's `output_margin` and `pred_contribs` give them, of float32 rows.
        Runs without the GIL."""
        if self.table is None:
            raise ValueError("compiled for margins only (contributions=False)")
        rows = self._checked(rows)
        out = np.zeros((len(rows), self.n_features + 1))
        _explain(
            rows,
            *self._splits(),
            self.path_split,
            self.path_left,
            self.path_bit,
            self.path_full,
            self.path_width,
            self.path_feature,
            self.table,
            out,
        )
        out[:, -1] = self.bias
        return out.sum(axis=1), out


@numba.njit(cache=True, nogil=True)
def _decide(
    row, split_feature, threshold, default_left, categorical_row, goes_right, left
):  # pragma: no cover - compiled by numba (results tested against XGBoost)
    """The row's decision at every split, as XGBoost takes it: missing goes the default
    way; a category in the split's set goes right, any other (or an invalid code) left."""
    codes = goes_right.shape[1]
    for s in range(split_feature.shape[0]):
        value = row[split_feature[s]]
        if np.isnan(value):
            left[s] = default_left[s]
        elif categorical_row[s] >= 0:
            inside = 0 <= value < codes and goes_right[categorical_row[s], int(value)]
            left[s] = not inside
        else:
            left[s] = value < threshold[s]


@numba.njit(cache=True, nogil=True, inline="always")
def _pattern(left, path_split, path_left, path_bit, path_full, p):  # pragma: no cover - numba
    """Path p's pattern for a row with decisions `left`: the bits of the path's features
    on which the row goes the path's way at every step."""
    failed = 0
    for step in range(path_split.shape[1]):
        if path_bit[p, step] and left[path_split[p, step]] != path_left[p, step]:
            failed |= path_bit[p, step]
    return path_full[p] & ~failed


@numba.njit(cache=True, nogil=True)
def _margins(
    rows,
    split_feature,
    threshold,
    default_left,
    categorical_row,
    goes_right,
    path_split,
    path_left,
    path_bit,
    path_full,
    path_leaf,
    out,
):  # pragma: no cover - compiled by numba (results tested against XGBoost)
    """Adds to `out` the leaf of every path each row follows throughout."""
    left = np.empty(split_feature.shape[0], dtype=np.bool_)
    for i in range(rows.shape[0]):
        _decide(rows[i], split_feature, threshold, default_left, categorical_row, goes_right, left)
        for p in range(path_split.shape[0]):
            if _pattern(left, path_split, path_left, path_bit, path_full, p) == path_full[p]:
                out[i] += path_leaf[p]


@numba.njit(cache=True, nogil=True)
def _explain(
    rows,
    split_feature,
    threshold,
    default_left,
    categorical_row,
    goes_right,
    path_split,
    path_left,
    path_bit,
    path_full,
    path_width,
    path_feature,
    table,
    out,
):  # pragma: no cover - compiled by numba (results tested against XGBoost)
    """Adds each row's contributions into `out` (rows x features)."""
    left = np.empty(split_feature.shape[0], dtype=np.bool_)
    for i in range(rows.shape[0]):
        _decide(rows[i], split_feature, threshold, default_left, categorical_row, goes_right, left)
        for p in range(path_split.shape[0]):
            pattern = _pattern(left, path_split, path_left, path_bit, path_full, p)
            for k in range(path_width[p]):
                out[i, path_feature[p, k]] += table[p, pattern, k]


def _read(trees: list[dict]) -> tuple[dict, list]:
    """Split nodes of all trees (flat lists), and every root-to-leaf path as
    ([(split, goes left, cover fraction)], leaf value)."""
    splits: dict[str, list] = {
        "feature": [],
        "threshold": [],
        "default_left": [],
        "is_categorical": [],
        "categories": [],
    }
    paths: list = []
    for tree in trees:
        left, right = tree["left_children"], tree["right_children"]
        cover, value = tree["sum_hessian"], tree["split_conditions"]
        categories = dict(
            zip(
                tree["categories_nodes"],
                (
                    tree["categories"][start : start + size]
                    for start, size in zip(
                        tree["categories_segments"], tree["categories_sizes"], strict=True
                    )
                ),
                strict=True,
            )
        )
        position: dict[int, int] = {}
        for node, child in enumerate(left):
            if child == -1:
                continue
            position[node] = len(splits["feature"])
            splits["feature"].append(tree["split_indices"][node])
            splits["threshold"].append(value[node])
            splits["default_left"].append(bool(tree["default_left"][node]))
            splits["is_categorical"].append(tree["split_type"][node] == 1)
            splits["categories"].append(list(categories.get(node, [])))
        stack: list[tuple[int, list]] = [(0, [])]
        while stack:
            node, steps = stack.pop()
            if left[node] == -1:
                paths.append((steps, value[node]))
                continue
            for child, goes_left in ((left[node], True), (right[node], False)):
                fraction = cover[child] / cover[node] if cover[node] > 0 else 0.0
                stack.append((child, [*steps, (position[node], goes_left, fraction)]))
    return splits, paths


def _path_tables(zero: np.ndarray, leaf: np.ndarray) -> np.ndarray:
    """(paths, 2^k, k) for paths of k features each: a path's contribution to each of its
    features, per pattern of which features the row agrees with (bit i: feature i).
    Path-dependent TreeSHAP of one path, with o_i in {0, 1} the agreement:
    phi_i = leaf * (o_i - z_i) * sum over S among the agreeing others of
    |S|! (k - |S| - 1)! / k! * prod_{j not in S, j != i} z_j."""
    k = zero.shape[1]
    out = np.zeros((len(leaf), 2**k, k))
    for i in range(k):
        others = [j for j in range(k) if j != i]
        for size in range(k):
            weight = math.factorial(size) * math.factorial(k - size - 1) / math.factorial(k)
            for subset in combinations(others, size):
                rest = [j for j in others if j not in subset]
                term = weight * np.prod(zero[:, rest], axis=1)
                needed = sum(1 << j for j in subset)
                for pattern in range(2**k):
                    if pattern & needed == needed:
                        agree = (pattern >> i) & 1
                        out[:, pattern, i] += leaf * (agree - zero[:, i]) * term
    return out


def _probe_rows(splits: dict, n_features: int) -> np.ndarray:
    """Rows that reach many paths: each feature drawn from just below / above its split
    points, categories in and out of split sets, and missing values."""
    rng = np.random.default_rng(0)
    rows = np.full((PROBE_ROWS, n_features), np.nan, dtype=np.float32)
    by_feature: dict[int, list[float]] = {}
    for feature, threshold, is_categorical, categories in zip(
        splits["feature"],
        splits["threshold"],
        splits["is_categorical"],
        splits["categories"],
        strict=True,
    ):
        points = by_feature.setdefault(feature, [])
        if is_categorical:
            points.extend(float(c) for c in (*categories, max(categories, default=0) + 1))
        else:
            step = max(abs(threshold) * 1e-3, 1e-3)
            points.extend((threshold - step, threshold + step))
    for feature, points in by_feature.items():
        column = rng.choice(np.asarray(points, dtype=np.float32), PROBE_ROWS)
        column[rng.random(PROBE_ROWS) < 0.1] = np.nan
        rows[:, feature] = column
    return rows
