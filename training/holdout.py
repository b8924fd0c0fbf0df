"""How many boosting rounds, judged on customers the booster never saw.

Out of time, the booster stops early on a later cutoff than it trains on. But that
cutoff holds the same customers a few weeks on: nearly the same features, and labels
over horizons that overlap the training rows' own. Judged on them, the validation log
loss kept improving while the booster memorised customers: on six months of weekly
cutoffs it ran 1,991 of its 2,000 rounds and tested at ROC AUC 0.7385 (calibration
error 0.121) against a logistic regression's 0.7892.

So the rounds are chosen on a share of the validation cutoff's customers held out of
training, and the booster is then refitted on every training row for as many rounds
(scaled to the rows it gains): a few dozen rounds, ROC AUC 0.7958, calibration error
0.038 on those weekly cutoffs. On month-end cutoffs, where the rows a month apart differ
more, the test moved by -0.003 to +0.005 on four simulated data sets (1,500 to 3,000
customers) and by -0.0005 on the two-year demo, so it costs little where it is not
needed. Calibration stays on the whole validation cutoff: with honest rounds there is
little memorised to flatter it.

The same rows choose the trees' depth among `training.model.DEPTHS` when the config sets
none: a booster stops early at each, and a deeper one is kept where its best round's log
loss on them is lower by more than `DEPTH_GAIN` (`kept_depth`), then refitted as above.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split

from churn.model import FeatureLayout
from training.model import DEPTH_GAIN, DEPTHS, booster_params, fit_booster

MIN_VALIDATION_ROWS = 400
"""Held-out validation rows at least (at most half the validation cutoff's rows): on a
small data set a quarter would leave early stopping too few churners to judge by."""


def held_out(
    train: pd.DataFrame, validation: pd.DataFrame, *, share: float, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`train` without the held-out customers, and `validation` with only them: a
    stratified `share` of the validation rows (at least `MIN_VALIDATION_ROWS`, at most
    half). A validation cutoff too small to split keeps every row and customer, and so
    does one whose held-out customers would leave training without both classes: there
    is nothing to hold out."""
    wanted = max(share * len(validation), min(MIN_VALIDATION_ROWS, len(validation) / 2))
    labels = validation["churned"]
    if labels.value_counts().min() < 2 or wanted < 2:
        return train, validation
    _, kept = train_test_split(
        validation, test_size=int(wanted), stratify=labels, random_state=seed
    )
    customers = set(kept["customer_id"])
    rest = train.loc[~train["customer_id"].isin(customers)]
    if rest["churned"].nunique() < 2:
        return train, validation
    return rest, kept


@dataclass(frozen=True)
class Boosted:
    """A booster, the parameters it was fitted with, and how its depth was chosen."""

    booster: xgb.Booster
    params: dict[str, Any]
    depth_losses: dict[int, float]
    """The log loss on the validation rows judged at the best round of each depth in
    `DEPTHS`; empty where the parameters set `max_depth` (the config's, `--tune`'s)."""


def fit_booster_on_unseen(
    layout: FeatureLayout,
    train: pd.DataFrame,
    validation: pd.DataFrame,
    *,
    share: float,
    seed: int,
    params: Mapping[str, Any] | None = None,
    max_rounds: int = 2000,
    early_stopping_rounds: int = 50,
) -> Boosted:
    """The booster on every training row, its rounds chosen by early stopping on
    validation customers held out of training (the module docstring says why), and its
    depth among `DEPTHS` by their log loss at the best round (`kept_depth`) unless
    `params` set it. When
    the validation customers are not among the training ones (a split of customers) or
    too few to split, early stopping runs on the validation rows as given."""
    fitted_on, judged_on = (
        (train, validation)
        if set(validation["customer_id"]).isdisjoint(train["customer_id"])
        else held_out(train, validation, share=share, seed=seed)
    )
    candidates, probes = _probe_each_depth(
        layout, train, fitted_on, judged_on, params=params, seed=seed,
        max_rounds=max_rounds, early_stopping_rounds=early_stopping_rounds,
    )  # fmt: skip
    losses = [_log_loss(probe, layout, judged_on) for probe in probes]
    best = kept_depth(losses)
    chosen, probe = candidates[best], probes[best]
    depth_losses = (
        {int(c["max_depth"]): loss for c, loss in zip(candidates, losses, strict=True)}
        if len(probes) > 1
        else {}
    )
    if len(fitted_on) == len(train):
        return Boosted(probe, chosen, depth_losses)
    rounds = max(1, round(probe.num_boosted_rounds() * len(train) / len(fitted_on)))
    refitted = fit_booster(
        layout, train, None, params=chosen, max_rounds=min(rounds, max_rounds), seed=seed
    )
    return Boosted(refitted, chosen, depth_losses)


def kept_depth(losses: list[float]) -> int:
    """Which of the depths (in their order, the default first) whose validation log
    losses these are is kept: a later one only where it is lower than the one kept so
    far by more than `DEPTH_GAIN` of it."""
    best = 0
    for i, loss in enumerate(losses[1:], start=1):
        if loss < losses[best] * (1 - DEPTH_GAIN):
            best = i
    return best


def _probe_each_depth(
    layout: FeatureLayout,
    train: pd.DataFrame,
    fitted_on: pd.DataFrame,
    judged_on: pd.DataFrame,
    *,
    params: Mapping[str, Any] | None,
    seed: int,
    max_rounds: int,
    early_stopping_rounds: int,
) -> tuple[list[dict[str, Any]], list[xgb.Booster]]:
    """The parameters at each depth of `DEPTHS` (only the one `params` set, if any; the
    leaf weight sized to all of `train`), and the booster fitted on `fitted_on` at each,
    stopped early on `judged_on`."""
    y = train["churned"].to_numpy(dtype=np.float64)
    given = dict(params or {})
    depths = [given["max_depth"]] if "max_depth" in given else list(DEPTHS)
    candidates = [booster_params(y, {**given, "max_depth": depth}) for depth in depths]
    probes = [
        fit_booster(
            layout,
            fitted_on,
            judged_on,
            params=candidate,
            max_rounds=max_rounds,
            early_stopping_rounds=early_stopping_rounds,
            seed=seed,
        )
        for candidate in candidates
    ]
    return candidates, probes


def _log_loss(booster: xgb.Booster, layout: FeatureLayout, rows: pd.DataFrame) -> float:
    """The booster's log loss on `rows` (its best round, as `fit_booster` keeps)."""
    p = np.clip(booster.predict(layout.dmatrix(rows)), 1e-6, 1 - 1e-6)
    return float(log_loss(rows["churned"].to_numpy(dtype=int), p, labels=[0, 1]))
