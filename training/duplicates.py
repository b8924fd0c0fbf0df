"""Rows of a labelled snapshot that repeat another in every feature, kept on one side of
every split.

The Kaggle E Commerce snapshot holds 556 pairs of rows identical in all 18 columns but
the customer id, each pair with one label: 1,112 of 5,630 rows (19.8%). A stratified
split of customers put the two halves of a pair on both sides, so the test scored rows
the booster had memorised (and early stopping and calibration judged on them too). Each
group of identical rows is therefore one unit of every split (train / validation / test,
customer folds, `--tune`'s folds): its first row is split, the others follow it. Without
repeated rows the split is exactly the stratified split of rows it always was.

A profile shared by more than `MAX_COPIES` rows is no copied record but a common answer
on coarse columns (`features/sources/copies.py`): its rows are split as any others, since
kept together they would leave the model never seeing a profile that many customers have.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold, train_test_split

from features.sources.copies import MAX_COPIES, profiles, share_said


def repeated_rows(frame: pd.DataFrame, names: list[str]) -> dict[str, Any] | None:
    """The rows `copy_groups` keeps together: how many, of how many, in how many groups
    (the largest's size), how many groups hold both labels, and the rows of larger
    profiles split as usual; None when no row is kept with another."""
    codes = profiles(frame, names)
    sizes = np.bincount(codes)
    copied = (sizes > 1) & (sizes <= MAX_COPIES)
    if not copied.any():
        return None
    churners = np.bincount(codes, weights=frame["churned"].to_numpy(dtype=float))
    return {
        "rows": int(sizes[copied].sum()),
        "of": len(frame),
        "groups": int(copied.sum()),
        "largest": int(sizes[copied].max()),
        "groups_with_both_labels": int((copied & (churners > 0) & (churners < sizes)).sum()),
        "common_profile_rows": int(sizes[sizes > MAX_COPIES].sum()),
    }


SIDES = {
    "stratified_holdout": "one side of the split (train, validation or test)",
    "customer_cv": "one fold (and one side of its inner split)",
}


def repeated_rows_note(found: dict[str, Any], protocol: str) -> str:
    """`repeated_rows` in words, with what the split did about them: copies on both sides
    of a split test the model on rows it learned."""
    labels = (
        f"{found['groups_with_both_labels']:,} of them with both labels"
        if found["groups_with_both_labels"]
        else "each of one label"
    )
    sizes = "pairs" if found["largest"] == 2 else f"groups of 2 to {found['largest']} rows"
    share = share_said(found["rows"], found["of"])
    said = (
        f"{found['rows']:,} of the {found['of']:,} rows ({share}) "
        f"repeat another row in every feature but the id ({found['groups']:,} {sizes}, "
        f"{labels}): each group was kept on {SIDES[protocol]}, so "
        "no row is tested on a copy the model learned; are some customers recorded twice?"
    )
    if found["common_profile_rows"]:
        said += (
            f" ({found['common_profile_rows']:,} more rows share a profile with over "
            f"{MAX_COPIES} others and are split as any row)"
        )
    return said


def grouped_split(
    frame: pd.DataFrame, groups: np.ndarray, *, test_size: float, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`train_test_split` of `frame` stratified by `churned`, each group on one side: its
    first row is split (`test_size` is a share of the groups), the others follow it."""
    first = _first_of_group(groups)
    positions = np.flatnonzero(first)
    labels = frame["churned"].to_numpy()[positions]
    kept, held = train_test_split(
        positions, test_size=test_size, stratify=labels, random_state=seed
    )
    if first.all():  # the stratified split of rows, row for row
        return frame.iloc[kept], frame.iloc[held]
    held_rows = np.isin(groups, groups[held])
    return frame[~held_rows], frame[held_rows]


def grouped_folds(
    y: np.ndarray, groups: np.ndarray, *, folds: int, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """`StratifiedKFold` positions (rest, fold) of `y`, each group in one fold: its first
    row is folded, the others follow it."""
    first = _first_of_group(groups)
    positions = np.flatnonzero(first)
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    found = []
    for _, fold in splitter.split(positions, y[positions]):
        in_fold = np.isin(groups, groups[positions[fold]])
        found.append((np.flatnonzero(~in_fold), np.flatnonzero(in_fold)))
    return found


def _first_of_group(groups: np.ndarray) -> np.ndarray:
    """True on the first row of each group."""
    return ~pd.Series(groups).duplicated().to_numpy()
