"""The training set: a grid of cutoffs, features as of each, labels joined.

Out-of-time by construction: the test cutoff is the latest whose horizon the data fully
observe; the validation cutoff is the latest whose labels are observed by the test cutoff;
training cutoffs come before it. Every training and validation label is therefore known
before the test period starts, and every training cutoff precedes the validation cutoff.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from features.activity import day_of
from features.bgnbd import BGNBD, complete_bgnbd, fitted_for, fitted_specs
from features.build import FeatureFrame, build
from features.contract import RunConfig, TrainingSpec
from features.labels import label_churn
from features.lifecycle import SEASON_SPEC
from features.registry import FeatureSpec
from features.tables import Tables
from features.trends import consumable_categories, consumables_share
from features.wallet import (
    QuantileWalletEstimator,
    complete_wallet,
    estimated_for,
    estimated_specs,
)


class PlanError(ValueError):
    """The data are too short for the requested cutoff grid; the message says why."""


@dataclass(frozen=True)
class CutoffPlan:
    train: list[pd.Timestamp]
    validation: pd.Timestamp
    test: pd.Timestamp

    @property
    def all(self) -> list[pd.Timestamp]:
        return [*self.train, self.validation, self.test]


def _step_back(cutoff: pd.Timestamp, spacing: str | int, steps: int) -> pd.Timestamp:
    if spacing == "month":
        return (cutoff - pd.offsets.MonthEnd(steps)) if steps else cutoff
    return cutoff - pd.Timedelta(days=int(spacing) * steps)


def _latest_on_grid(limit: pd.Timestamp, spacing: str | int) -> pd.Timestamp:
    """The latest grid date on or before `limit` (month-ends for monthly spacing)."""
    limit = limit.normalize()
    if spacing == "month":
        return limit if limit.is_month_end else limit - pd.offsets.MonthEnd(1)
    return limit


MIN_HISTORY_DAYS = 30
FEW_CUTOFFS = 3
"""Training cutoffs the advice for short data aims at: one is a single month's snapshot."""
WEEKLY = 7
"""The spacing the advice for short data plans with: the finest grid a user would keep."""


class _NoTrainingCutoffError(PlanError):
    """No training cutoff has the history it needs before the validation cutoff."""

    def __init__(self, message: str, *, data_days: int) -> None:
        super().__init__(message)
        self.data_days = data_days


def plan_cutoffs(
    observed_until: pd.Timestamp,
    *,
    horizon_days: int,
    training: TrainingSpec,
    test_cutoff: pd.Timestamp | None = None,
    first_activity: pd.Timestamp | None = None,
) -> CutoffPlan:
    """Test, validation and training cutoffs for an out-of-time protocol; a PlanError
    when none fits says what would."""
    plan = partial(
        _planned, observed_until, training=training, test_cutoff=test_cutoff, first=first_activity
    )
    try:
        return plan(horizon_days)
    except _NoTrainingCutoffError as error:
        fits = _what_fits(plan, horizon_days, training, test_cutoff, data_days=error.data_days)
        raise PlanError(f"{error}: {fits}") from None


def _planned(
    observed_until: pd.Timestamp,
    horizon_days: int,
    *,
    training: TrainingSpec,
    test_cutoff: pd.Timestamp | None,
    first: pd.Timestamp | None,
) -> CutoffPlan:
    horizon = pd.Timedelta(days=horizon_days)
    latest_test = _latest_on_grid(observed_until - horizon, training.spacing)
    test = pd.Timestamp(test_cutoff) if test_cutoff is not None else latest_test
    if test > latest_test:
        raise PlanError(
            f"test cutoff {test.date()}: its {horizon_days}-day horizon ends after the data "
            f"({observed_until.date()}); use {latest_test.date()} or earlier"
        )
    validation = _latest_on_grid(test - horizon, training.spacing)
    train = [_step_back(validation, training.spacing, k) for k in range(training.cutoffs, 0, -1)]
    if first is not None:
        history = pd.Timedelta(days=min_history_days(horizon_days))
        train = [c for c in train if c - first >= history]
        if not train:
            raise _NoTrainingCutoffError(
                f"no training cutoff fits between the first activity ({first.date()}) "
                f"plus {history.days} days of history and the validation cutoff "
                f"({validation.date()})",
                data_days=(observed_until - first).days,
            )
    return CutoffPlan(train=train, validation=validation, test=test)


def min_history_days(horizon_days: int) -> int:
    """The activity a training cutoff needs before it: a month, or the horizon when
    shorter (on four months of data a cutoff 3 days in held only newcomers)."""
    return min(horizon_days, MIN_HISTORY_DAYS)


def _what_fits(
    plan: Callable[..., CutoffPlan],
    horizon_days: int,
    training: TrainingSpec,
    test_cutoff: pd.Timestamp | None,
    *,
    data_days: int,
) -> str:
    """Advice a user can follow: a later test cutoff when only the configured one is too
    early; the requested horizon with weekly cutoffs when that plans (month-ends need
    whole months: 2001-01-31 plus 30 days is past a February's end, while four months of
    weekly cutoffs hold a 30-day horizon); else the longest horizon that plans with weekly
    cutoffs, with a few training cutoffs if it can."""
    if test_cutoff is not None and (
        latest := _plan_or_none(plan, horizon_days, training, test_cutoff=None)
    ):
        return (
            f"the evaluation.cutoff {pd.Timestamp(test_cutoff).date()} leaves too little "
            f"data before it for a {horizon_days}-day horizon; a later one, or none (the "
            f"latest the data allow: {latest.test.date()}), keeps it"
        )
    weekly = training.model_copy(update={"spacing": WEEKLY})
    kept = _plan_or_none(plan, horizon_days, weekly) if training.spacing != WEEKLY else None
    if kept is not None:
        return (
            f"{_grid_words(training.spacing)} do not fit in the {data_days} days of data; "
            f"training.spacing: {WEEKLY} keeps your {horizon_days}-day horizon (weekly "
            f"cutoffs: {len(kept.train)} to train on)"
        )
    return (
        f"the data are too short for a {horizon_days}-day horizon; the {data_days} days of "
        f"data{_shorter_horizon(plan, horizon_days, weekly, test_cutoff)}"
    )


def _grid_words(spacing: str | int) -> str:
    return "month-end cutoffs" if spacing == "month" else f"cutoffs {spacing} days apart"


def _plan_or_none(
    plan: Callable[..., CutoffPlan], horizon_days: int, training: TrainingSpec, **moved: Any
) -> CutoffPlan | None:
    """The plan, or None where none fits; `moved` replaces what `plan` was bound with."""
    try:
        return plan(horizon_days, training=training, **moved)
    except PlanError:
        return None


def _shorter_horizon(
    plan: Callable[..., CutoffPlan],
    horizon_days: int,
    weekly: TrainingSpec,
    test_cutoff: pd.Timestamp | None,
) -> str:
    """The longest shorter horizon that plans with `weekly` cutoffs (with a few training
    cutoffs if it can), or why none does."""
    shorter = ((days, _plan_or_none(plan, days, weekly)) for days in range(horizon_days - 1, 6, -1))
    plans = {days: planned for days, planned in shorter if planned is not None}
    if not plans and test_cutoff is not None:
        return (
            f" leave too little before the evaluation.cutoff {pd.Timestamp(test_cutoff).date()}:"
            " a later one, or none, fits more"
        )
    if not plans:
        return " are too few for a test and a validation cutoff"
    wanted = min(FEW_CUTOFFS, weekly.cutoffs)
    days = max([d for d, p in plans.items() if len(p.train) >= wanted] or plans)
    return (
        f" fit churn.horizon_days: {days} with training.spacing: {WEEKLY} (weekly cutoffs: "
        f"{len(plans[days].train)} to train on)"
    )


@dataclass(frozen=True)
class LabelledSet:
    """Eligible, observed rows with features, `churned` and the learned wallet model."""

    frame: pd.DataFrame
    specs: list[FeatureSpec]
    wallet: QuantileWalletEstimator | None
    event_types: tuple[str, ...]
    wallet_attributes: tuple[str, ...] = ()
    bgnbd: BGNBD | None = None
    consumable_categories: tuple[str, ...] | None = None
    """As of the last fitted-on cutoff (`features.trends.consumable_categories`)."""

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.specs]

    def at(self, cutoffs: list[pd.Timestamp] | pd.Timestamp) -> pd.DataFrame:
        wanted = cutoffs if isinstance(cutoffs, list) else [cutoffs]
        return self.frame[self.frame["cutoff"].isin(wanted)]

    @property
    def y(self) -> np.ndarray:
        return self.frame["churned"].to_numpy(dtype=int)


def _as_served(
    built: FeatureFrame, consumables: tuple[str, ...], after: pd.Timestamp
) -> FeatureFrame:
    """Rows of cutoffs after the last fitted-on one (validation, test) with the consumable
    categories the packaged model keeps, as it will score them: inferred again at each
    of those cutoffs, the reported test metrics would be of a slightly different model."""
    frame = built.frame
    if "consumables_share_90d" not in frame:
        return built
    frame = frame.copy()
    for cutoff in sorted(set(frame["cutoff"][frame["cutoff"] > after])):
        share = consumables_share(built.context, day_of(cutoff), consumables)
        rows = frame["cutoff"] == cutoff
        by_customer = pd.Series(share, index=built.context.axis)
        frame.loc[rows, "consumables_share_90d"] = by_customer.reindex(
            frame.loc[rows, "customer_id"]
        ).to_numpy()
    return replace(built, frame=frame)


def with_fitted_features(
    specs: list[FeatureSpec], *, horizon_days: int, attributes: bool = True
) -> list[FeatureSpec]:
    """The features a model trained on data declaring `specs` has: those, and the ones
    fitted in training (`assemble`): the estimated wallet (only from `attributes` that
    can tell customers' wallets apart: `complete_wallet`) and BG/NBD's (over the churn
    horizon)."""
    names = [spec.name for spec in specs]
    fitted = estimated_specs() if attributes and estimated_for(names) else []
    fitted += fitted_specs(horizon_days) if fitted_for(names) else []
    return [*specs, *fitted]


SEASON_YEARS = 2
"""Years in which the fitted-on cutoffs must hold each calendar month for `cutoff_month`
to tell a season: seen once, a month is one date. AdventureWorks' twelve monthly cutoffs
held September once, 2021-09 at 99.8% churn, and the trees carried that date's rate to
the 2022-09 test (`cutoff_month` the top feature, ROC AUC 0.59; 0.73 without it)."""


def season_when_seen(built: FeatureFrame, fit_on: list[pd.Timestamp]) -> FeatureFrame:
    """Without `cutoff_month` unless the fitted-on cutoffs hold every calendar month in
    `SEASON_YEARS` years: on four months of data (November to February) the test's
    January is a month no tree and no coefficient has seen, and the logistic baseline
    read it as a far-off 1 (mean prediction 3% at 47% churn); on twelve, each month is
    one date's churn rate, no season."""
    years = {month: {c.year for c in fit_on if c.month == month} for month in range(1, 13)}
    seen = all(len(years[month]) >= SEASON_YEARS for month in years)
    if SEASON_SPEC.name not in built.frame or seen:
        return built
    specs = [spec for spec in built.specs if spec.name != SEASON_SPEC.name]
    return replace(built, frame=built.frame.drop(columns=SEASON_SPEC.name), specs=specs)


NO_FEATURES = (
    "no features to learn from: the data map no activity table (transactions, events, "
    "interactions) and no attributes of the customers; list the customers table's columns "
    "to learn from under data.customers.attributes (`attributes: all` reads every column "
    "but the id and the label)"
)
"""A snapshot mapped without `attributes` (BankChurners' first config) had ended in
XGBoost's "0 feature is supplied" traceback, after validate said "data OK"."""


def assemble(
    tables: Tables, config: RunConfig, cutoffs: list[pd.Timestamp], *, fit_on: list[pd.Timestamp]
) -> LabelledSet:
    """Features (wallet fitted on `fit_on` only) joined to labels; unusable rows dropped."""
    built: FeatureFrame = season_when_seen(build(tables, cutoffs=cutoffs), fit_on)
    if not built.names:
        raise PlanError(NO_FEATURES)
    consumables = consumable_categories(built.context, day_of(max(fit_on))) if fit_on else None
    if consumables is not None and tables.consumable_categories is None:
        built = _as_served(built, consumables, after=max(fit_on))
    built, wallet = complete_wallet(built, train_cutoffs=fit_on)
    built, bgnbd = complete_bgnbd(
        built, horizon_days=config.churn.horizon_days, train_cutoffs=fit_on
    )
    labels = label_churn(tables, config.churn, cutoffs=cutoffs, context=built.context)
    frame = built.frame.merge(labels, on=["customer_id", "cutoff"], how="inner", validate="1:1")
    usable = frame["eligible"] & frame["observed"]
    frame = frame.loc[usable].drop(columns=["eligible", "observed"]).reset_index(drop=True)
    attributes = tuple(tables.attributes) if wallet is not None else ()
    return LabelledSet(
        frame, built.specs, wallet, built.context.event_types, attributes, bgnbd, consumables
    )
