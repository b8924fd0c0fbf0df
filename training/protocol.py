"""The two evaluation protocols, each returning the scored test rows.

- out_of_time (default): train on earlier cutoffs, stop early and calibrate on a later
  validation cutoff, test on the latest cutoff whose horizon the data fully observe.
- customer_cv: customers split into stratified folds at one cutoff (for labelled
  snapshots, the snapshot itself); each fold is scored by a model trained on the others,
  with an inner stratified split of those for early stopping and calibration.

A labelled snapshot has no time axis, so out_of_time falls back to one stratified
train / validation / test split of customers, reported as `stratified_holdout` (calling
it out-of-time would claim a test of drift over time that never happened).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from features.contract import ChurnSpec, RunConfig, files_named
from features.holes import longest_hole
from features.labels import label_churn, observed_end
from features.monetary import year_spend
from features.sources import PER_ORDER_ID
from features.sources.copies import copy_groups
from features.tables import Tables, first_activity, snapshot_cutoff
from training.calibrate import calibration_shortfall
from training.comebacks import longest_silence
from training.cross_fit import CrossFitted, fit_cross
from training.dataset import CutoffPlan, LabelledSet, PlanError, assemble, plan_cutoffs
from training.duplicates import grouped_folds, grouped_split
from training.fit import Fitted, fit_all, score_all
from training.tune import (
    FOLD_DEPTH_ROWS_AT_MOST,
    Search,
    depth_by_folds,
    tune_params,
    tune_params_by_folds,
)


@dataclass(frozen=True)
class Outcome:
    """What a protocol produced: scored test rows and, for out-of-time, the model parts."""

    protocol: str
    scored: pd.DataFrame
    """customer_id, cutoff, churned, and one probability column per contender."""
    data: LabelledSet
    fitted: Fitted | None
    plan: CutoffPlan | None
    train: pd.DataFrame | None = None
    """The rows the model was fitted on, where no cutoff plan says (a snapshot's split)."""
    tuning: Search | None = None
    """What `--tune` chose, and on which rows it judged; None without it."""
    cross: CrossFitted | None = None
    """A snapshot's fold boosters over `train` (`training/cross_fit.py`); None over time."""


def out_of_time(tables: Tables, config: RunConfig, *, tune: bool = False) -> Outcome:
    if config.churn.definition == "label_column":
        return _snapshot_split(tables, config, tune=tune)
    _require_customers(tables, config)
    plan = make_plan(tables, config)
    data = assemble(tables, config, plan.all, fit_on=plan.train)
    train, validation, test = data.at(plan.train), data.at(plan.validation), data.at(plan.test)
    _require_rows(
        config.churn,
        tables,
        train=(plan.train, train),
        validation=([plan.validation], validation),
        test=([plan.test], test),
    )
    _require_calibration("validation", validation, config.churn)
    search = None
    if tune:
        search = tune_params(
            train,
            data.specs,
            seed=config.evaluation.seed,
            max_rounds=config.training.max_rounds,
            validation_share=config.evaluation.validation_share,
        )
        config = with_params(config, search)
    fitted = fit_all(train, validation, data.specs, config)
    scored = _scored(fitted, test, data)
    return Outcome("out_of_time", scored, data, fitted, plan, tuning=search)


MIN_CLASS_CUSTOMERS = 10
"""Churners, and customers who stay, that the whole data must hold before any horizon or
cutoff grid is worth trying: the floor a labelled snapshot's split sets (its calibrator
gets a fifth of them and needs 2 of each, `_require_calibration`); out of time the
validation cutoff alone needs 2 of each, and the test and the training cutoffs more.
Sparkify's 7 users, 3 of whom cancelled, were told a horizon and a spacing to try, and
then "all 5 validation rows are stayers"."""


def _require_customers(tables: Tables, config: RunConfig) -> None:
    """A PlanError, before any advice on the horizon or the grid, when the data hold
    fewer than `MIN_CLASS_CUSTOMERS` customers of each kind: by their count alone, and
    under `cancellation` by who ever cancelled (a silence or an expiry depends on the
    horizon, which the advice may still change)."""
    customers = int(tables.customers["customer_id"].nunique())
    churned = _ever_cancelled(tables, config.churn)
    few = customers < 2 * MIN_CLASS_CUSTOMERS or (
        churned is not None and min(churned, customers - churned) < MIN_CLASS_CUSTOMERS
    )
    if not few:
        return
    files = ", ".join(
        dict.fromkeys(
            files_named(config.files(spec.path)).name for spec in config.data.tables().values()
        )
    )
    of_whom = "" if churned is None else f", {churned:,} of whom cancelled"
    raise PlanError(
        f"{files}: {customers:,} customers{of_whom}: too few to learn churn from, whatever "
        f"the horizon or cutoff grid: a model needs at least {MIN_CLASS_CUSTOMERS} churners "
        f"and {MIN_CLASS_CUSTOMERS} customers who stay (its calibrator 2 of each at the "
        "validation cutoff alone); train on an extract with more customers"
    )


def _ever_cancelled(tables: Tables, churn: ChurnSpec) -> int | None:
    """The customers with a cancellation in the data, under `cancellation`; else None."""
    if churn.definition != "cancellation" or tables.cancellations is None:
        return None
    known = tables.cancellations["customer_id"].isin(tables.customers["customer_id"])
    return int(tables.cancellations.loc[known, "customer_id"].nunique())


def with_params(config: RunConfig, search: Search) -> RunConfig:
    """The config with the search's best XGBoost parameters (the config's own win ties)."""
    params = {**search.best, **config.training.params}
    return config.model_copy(
        update={"training": config.training.model_copy(update={"params": params})}
    )


def plan_shortfall(tables: Tables, config: RunConfig) -> str | None:
    """Why `churn train` would stop before building a feature, by its first checks on
    dates, counts and labels alone (too few customers, no cutoff grid for the horizon,
    a set of cutoffs of one class), for `churn validate` to say first; None where they
    pass (or for a labelled snapshot, which has no grid). Starbucks' 30 days passed
    validate as "data OK", and train then refused the default 90-day horizon; so did a
    bike shop's sample, all churners before its last month."""
    if config.churn.definition == "label_column":
        return None
    try:
        _require_customers(tables, config)
        sets = _cutoff_sets(tables, config)
        labels = _usable_labels(tables, config.churn, sets)
        _require_rows(
            config.churn,
            tables,
            **{
                name: (chosen, labels[labels["cutoff"].isin(chosen)])
                for name, chosen in sets.items()
            },
        )
    except PlanError as error:
        return str(error)
    return None


def make_plan(tables: Tables, config: RunConfig) -> CutoffPlan:
    """The cutoff grid up to the end of the labels' own evidence (`observed_end`): an
    inactivity label reads purchases, so reviews recorded two months past the last
    purchase would place a test cutoff whose horizon no purchase data cover."""
    end = observed_end(tables, config.churn)
    if end is None:
        raise PlanError("the data have no timestamps, so no cutoff grid can be built")
    test = pd.Timestamp(config.evaluation.cutoff) if config.evaluation.cutoff else None
    return plan_cutoffs(
        end,
        horizon_days=config.churn.horizon_days,
        training=config.training,
        test_cutoff=test,
        first_activity=first_activity(tables),
    )


TEST_SHARE = 0.2
"""A snapshot's customers tested on (stratified: the churn rate of the whole)."""
VALIDATION_SHARE = 0.25
"""Of the rest, the customers a snapshot's model stops early and calibrates on."""
CV_VALIDATION_SHARE = 0.2
"""Of a customer fold's training customers, those it stops early and calibrates on."""


def _snapshot_split(tables: Tables, config: RunConfig, *, tune: bool = False) -> Outcome:
    """Stratified train / validation / test customers, rows identical in every feature
    on one side (`training/duplicates.py`); `tune` searches by folds of the training
    customers (no time axis to search along), validation and test untouched."""
    cutoff = snapshot_cutoff(tables, today=pd.Timestamp.today())
    data = assemble(tables, config, [cutoff], fit_on=[cutoff])
    _require_rows(config.churn, tables, snapshot=([cutoff], data.frame))
    _require_calibration(
        "snapshot",
        data.frame,
        config.churn,
        share=(1 - TEST_SHARE) * VALIDATION_SHARE,
        labelled=_labelled(tables),
    )
    seed = config.evaluation.seed
    groups = split_units(data, config.churn)
    rest, test = grouped_split(data.frame, groups, test_size=TEST_SHARE, seed=seed)
    train, validation = grouped_split(
        rest, groups[rest.index], test_size=VALIDATION_SHARE, seed=seed
    )
    unset = "max_depth" not in config.training.params
    small = len(train) <= FOLD_DEPTH_ROWS_AT_MOST
    by_depth = partial(depth_by_folds, params=config.training.params)  # the config's kept
    search_by = tune_params_by_folds if tune else by_depth if unset and small else None
    search = None
    if search_by is not None:
        search = search_by(
            train,
            data.specs,
            seed=seed,
            max_rounds=config.training.max_rounds,
            groups=groups[train.index],
        )
        config = with_params(config, search)
    fitted = fit_all(train, validation, data.specs, config)
    if search is not None and not tune:  # the depth, as chosen over the folds
        losses = {int(t["max_depth"]): t["log_loss"] for t in search.trials}
        fitted = replace(fitted, depth_losses=losses, depth_by=search.by)
    scored = _scored(fitted, test, data)
    cross = fit_cross(train, validation, groups[train.index], fitted, seed=seed)
    return Outcome(
        "stratified_holdout",
        scored,
        data,
        fitted,
        None,
        train=train,
        tuning=search if tune else None,
        cross=cross,
    )


def split_units(data: LabelledSet, churn: ChurnSpec) -> np.ndarray:
    """The unit each row is split by, by position in `data.frame` (its index): a labelled
    snapshot's rows identical in every feature share one (`training/duplicates.py`),
    other rows are each their own (a customer at one cutoff)."""
    if churn.definition == "label_column":
        return copy_groups(data.frame, data.names)
    return np.arange(len(data.frame))


def customer_cv(tables: Tables, config: RunConfig) -> Outcome:
    if config.churn.definition == "label_column":
        cutoff = snapshot_cutoff(tables, today=pd.Timestamp.today())
    else:
        _require_customers(tables, config)
        cutoff = pd.Timestamp(config.evaluation.cutoff or make_plan(tables, config).test)
    data = assemble(tables, config, [cutoff], fit_on=[cutoff])
    # e.g. a configured cutoff whose horizon is not observed
    _require_rows(config.churn, tables, test=([cutoff], data.frame))
    n_folds = config.evaluation.folds
    _require_calibration(
        "test",
        data.frame,
        config.churn,
        share=(1 - 1 / n_folds) * CV_VALIDATION_SHARE,
        labelled=_labelled(tables) if config.churn.definition == "label_column" else None,
    )
    seed = config.evaluation.seed
    groups = split_units(data, config.churn)
    parts = []
    for rest_idx, test_idx in grouped_folds(data.y, groups, folds=n_folds, seed=seed):
        rest = data.frame.iloc[rest_idx]
        train, validation = grouped_split(
            rest, groups[rest_idx], test_size=CV_VALIDATION_SHARE, seed=seed
        )
        fitted = fit_all(train, validation, data.specs, config)
        parts.append(_scored(fitted, data.frame.iloc[test_idx], data))
    return Outcome("customer_cv", pd.concat(parts, ignore_index=True), data, None, None)


def _scored(fitted: Fitted, rows: pd.DataFrame, data: LabelledSet) -> pd.DataFrame:
    scores = score_all(fitted, rows, data.specs)
    keep = ["customer_id", "cutoff", "churned", *_value_columns(rows)]
    return (
        rows[keep]
        .reset_index(drop=True)
        .assign(**{f"p_{name}": values for name, values in scores.items()})
    )


def _value_columns(rows: pd.DataFrame) -> list[str]:
    return [c for c in ("spend_365d", "spend_total", "margin_365d", "margin_total") if c in rows]


def _require_rows(
    churn: ChurnSpec, tables: Tables, **sets: tuple[list[pd.Timestamp], pd.DataFrame]
) -> None:
    """Each named set of (cutoffs, rows) holds rows of both classes; else one line that
    says which cutoffs and why."""
    for name, (cutoffs, rows) in sets.items():
        if len(rows) == 0:
            raise PlanError(_no_rows(name, cutoffs, churn, tables))
        if rows["churned"].nunique() < 2:
            raise PlanError(_one_class(name, rows, churn, tables))


@dataclass(frozen=True)
class HorizonTrial:
    """The protocol's labels at another horizon (`try_horizon`)."""

    churn: ChurnSpec
    """The config's churn definition with that horizon."""
    shortfall: dict[str, Any] | None
    """Why it would train no model (`horizon_shortfall`); None where it fits."""
    churners: pd.DataFrame
    """customer_id and cutoff of the rows it labels churned, at every cutoff the protocol
    reads (none where no cutoff grid fits): what `training.comebacks` follows up."""


def horizon_shortfall(
    tables: Tables, config: RunConfig, horizon_days: int
) -> dict[str, Any] | None:
    """Why `horizon_days` would train no model on these data, by the protocol's own checks
    on the labels alone (`_require_rows`): no cutoff grid fits it (`plan`), or a set of its
    cutoffs holds no churner, no stayer or no row (`set`, `cutoffs`, `churners`,
    `stayers`); None where it fits. A horizon suggested from the customers' gaps must
    pass it: Chinook was told "consider horizon_days: 600", which left every training row
    a stayer (no customer was ever silent 600 days)."""
    return try_horizon(tables, config, horizon_days).shortfall


def try_horizon(tables: Tables, config: RunConfig, horizon_days: int) -> HorizonTrial:
    """The labels the protocol would read at `horizon_days`, and whether they train a
    model (`horizon_shortfall`)."""
    churn = config.churn.model_copy(update={"horizon_days": horizon_days})
    moved = config.model_copy(update={"churn": churn})
    none = pd.DataFrame({"customer_id": [], "cutoff": pd.to_datetime([])})
    try:
        sets = _cutoff_sets(tables, moved)
    except PlanError as error:
        return HorizonTrial(churn, {"horizon_days": horizon_days, "plan": str(error)}, none)
    labels = _usable_labels(tables, churn, sets)
    churners = labels.loc[labels["churned"].astype(bool), ["customer_id", "cutoff"]]
    return HorizonTrial(churn, _labels_shortfall(sets, labels, moved), churners)


def _usable_labels(
    tables: Tables, churn: ChurnSpec, sets: dict[str, list[pd.Timestamp]]
) -> pd.DataFrame:
    """The eligible, observed labels at every cutoff of `sets`, as the protocol keeps
    them, without features: what a horizon's trial and `churn validate` judge."""
    wanted = sorted({cutoff for cutoffs in sets.values() for cutoff in cutoffs})
    labels = label_churn(tables, churn, cutoffs=wanted)
    return labels[labels["eligible"] & labels["observed"]]


def _labels_shortfall(
    sets: dict[str, list[pd.Timestamp]], labels: pd.DataFrame, config: RunConfig
) -> dict[str, Any] | None:
    """The first set of cutoffs whose labels hold one class only, too few of one for the
    calibrator, or a test too small for the promotion gate (`MIN_TESTED_CLASS`: Kaggle's
    Retail Case Study was told "consider horizon_days: 630" from 5 churners, and 630 days
    tested 8, a run no gate would promote); None where every set trains."""
    calibrated = _calibrated_share(config)
    for name, cutoffs in sets.items():
        churned = labels.loc[labels["cutoff"].isin(cutoffs), "churned"].astype(bool)
        found = {
            "horizon_days": config.churn.horizon_days,
            "set": name,
            "cutoffs": _dates(cutoffs),
            "churners": int(churned.sum()),
            "stayers": int((~churned).sum()),
        }
        if churned.nunique() < 2:
            return found
        if name == "test" and min(found["churners"], found["stayers"]) < MIN_TESTED_CLASS:
            return {**found, "tested": MIN_TESTED_CLASS}  # the gate could judge no model
        # and the calibrator's rows, as `_require_calibration` checks them
        if name in calibrated and (short := calibration_shortfall(churned, share=calibrated[name])):
            return {**found, "calibration": short}
    return None


MONTH_DAYS = 30
"""The step of the horizons `longest_horizon` tries: a horizon in whole months."""


def longest_horizon(tables: Tables, config: RunConfig, *, above: int) -> HorizonTrial | None:
    """The longest horizon in whole months, over `above` days, that still trains a model
    on these data (`try_horizon`), found by halving the range up to the data's length;
    None where none does. Longer horizons leave fewer churners and fewer cutoffs, so
    the labels that train shrink as the horizon grows."""
    end, first = observed_end(tables, config.churn), first_activity(tables)
    if end is None or first is None:
        return None
    months = range(above // MONTH_DAYS + 1, (end - first).days // MONTH_DAYS + 1)
    found, low, high = None, 0, len(months) - 1
    while low <= high:
        middle = (low + high) // 2
        trial = try_horizon(tables, config, months[middle] * MONTH_DAYS)
        if trial.shortfall is None:
            found, low = trial, middle + 1
        else:
            high = middle - 1
    return found


MIN_TESTED_CLASS = 10
"""Churners, and customers who stay, a run's test must hold for its metrics to say how it
ranks: Wide World Importers' run tested at ROC AUC 0.762 on 1 churner of 661 passed the
gate, and its worklist put every customer in the high band."""


def _calibrated_share(config: RunConfig) -> dict[str, float]:
    """The set of rows the calibrator is fitted on, with the share of it that is:
    `out_of_time` the validation cutoff's, `customer_cv` the test cutoff's folds'."""
    if config.evaluation.split == "customer_cv":
        return {"test": (1 - 1 / config.evaluation.folds) * CV_VALIDATION_SHARE}
    return {"validation": 1.0}


def _cutoff_sets(tables: Tables, config: RunConfig) -> dict[str, list[pd.Timestamp]]:
    """The cutoffs each set of rows the protocol checks is read at (`PlanError`: none fit)."""
    if config.evaluation.split == "customer_cv" and config.evaluation.cutoff:
        return {"test": [pd.Timestamp(config.evaluation.cutoff)]}
    plan = make_plan(tables, config)
    if config.evaluation.split == "customer_cv":
        return {"test": [plan.test]}
    return {"train": plan.train, "validation": [plan.validation], "test": [plan.test]}


def _require_calibration(
    name: str,
    rows: pd.DataFrame,
    churn: ChurnSpec,
    *,
    share: float = 1.0,
    labelled: int | None = None,
) -> None:
    """The rows a calibrator will be fitted on (a stratified `share` of `rows`) hold
    enough of each class, by `calibration_shortfall`, the test `fit_calibrator` applies:
    else one line naming the cutoff, the counts and what to change (Sakila's validation
    cutoff held 1 churner of 599 and training ended in a traceback). Where most of the
    `labelled` customers have no record by then (a log beside the labels covering few of
    them), that is said: an HR file's 4,410 labelled employees beside an attendance log of
    50 were told "more labelled customers give it more churners"."""
    short = calibration_shortfall(rows["churned"], share=share)
    if short is None:
        return
    fewer = "churners" if rows["churned"].mean() < 0.5 else "non-churners"
    change = "longer" if fewer == "churners" else "shorter"
    said = f"{name} cutoff {_dates(rows['cutoff'])} {short}"
    if labelled is not None and labelled - len(rows) > len(rows):  # most left out
        raise PlanError(
            f"{said}: {labelled - len(rows):,} of the {labelled:,} labelled customers have no "
            "signup or activity on record by then and are left out; check that the tables "
            "beside the labels cover them (or leave those tables out)"
        )
    fixes = (
        "more labelled customers give"
        if churn.definition == "label_column"
        else f"a {change} horizon_days, another evaluation.cutoff or more customers give"
    )
    raise PlanError(f"{said}; {fixes} it more {fewer}")


def _labelled(tables: Tables) -> int | None:
    """How many customers the customers table labels (None without labels)."""
    customers = tables.customers
    if customers is None or "label" not in customers:
        return None
    return int(customers["label"].notna().sum())


def _dates(cutoffs: pd.Series | list[pd.Timestamp]) -> str:
    """Cutoff dates as a message says them: up to three, else the first … the last."""
    days = [str(pd.Timestamp(c).date()) for c in sorted(set(cutoffs))]
    return f"{days[0]} … {days[-1]}" if len(days) > 3 else ", ".join(days)


def _no_rows(name: str, cutoffs: list[pd.Timestamp], churn: ChurnSpec, tables: Tables) -> str:
    """Why no customer at `cutoffs` is both eligible and observed: per cutoff, how many
    customers were eligible (under inactivity, active in the `active_window_days` before
    it) and whether its horizon ends inside the data. Sakila's rentals stop 175 days
    before its last day: a cutoff in that hole has nobody active, and the error named
    neither the date nor the cause."""
    labels = label_churn(tables, churn, cutoffs=cutoffs)
    end = observed_end(tables, churn)
    said = [
        _cutoff_counts(pd.Timestamp(c), labels[labels["cutoff"] == c], churn, tables, end)
        for c in sorted(cutoffs)
    ]
    shown = said if len(said) <= 3 else [said[0], "…", said[-1]]
    cutoff_word = "cutoff" if len(said) == 1 else "cutoffs"
    return f"no eligible customers with observed labels at the {name} {cutoff_word} " + (
        "; ".join(shown)
    )


ELIGIBLE_WORDS = {
    "cancellation": "still customers (not cancelled, expired or lapsed)",
    "expiry": "paid up, or within grace_days of the end of their paid period",
    "label_column": "in the snapshot",
}


def _cutoff_counts(
    cutoff: pd.Timestamp,
    rows: pd.DataFrame,
    churn: ChurnSpec,
    tables: Tables,
    end: pd.Timestamp | None,
) -> str:
    """One cutoff's eligible and observed counts, in words."""
    known, eligible = len(rows), int(rows["eligible"].sum())
    if churn.definition == "label_column":
        return (
            f"{cutoff.date()}: {known:,} customers, {int(rows['observed'].sum()):,} of "
            "them labelled"
        )
    if churn.definition == "inactivity":
        start = cutoff - pd.Timedelta(days=churn.active_window_days - 1)
        words = (
            f"active in the {churn.active_window_days} days before it (churn.active_window_days)"
        )
        if eligible == 0 and not _anyone_active(tables, churn, start, cutoff):
            words += f", as {_nothing_between(churn, tables, start, cutoff)}"
    else:
        words = ELIGIBLE_WORDS[churn.definition]
    horizon_end = cutoff + pd.Timedelta(days=churn.horizon_days)
    inside = "within" if end is not None and horizon_end <= end else "after"
    data_end = end.date() if end is not None else "undated"
    return (
        f"{cutoff.date()}: {eligible:,} of the {known:,} customers known then were {words}, "
        f"and its {churn.horizon_days}-day horizon ends {horizon_end.date()}, {inside} the "
        f"data (to {data_end})"
    )


def _activity_log(churn: ChurnSpec, tables: Tables) -> pd.DataFrame | None:
    """The table inactivity reads: purchases, or usage events (`by_usage`)."""
    return tables.events if churn.by_usage(tables.transactions is not None) else tables.transactions


def _activity_times(churn: ChurnSpec, tables: Tables) -> pd.Series:
    """The timestamps inactivity reads (`_activity_log`)."""
    frame = _activity_log(churn, tables)
    return frame["timestamp"] if frame is not None else pd.Series([], dtype="datetime64[ns]")


def _anyone_active(
    tables: Tables, churn: ChurnSpec, first: pd.Timestamp, last: pd.Timestamp
) -> bool:
    """Whether any customer at all has activity on the days `first` to `last`."""
    times = _activity_times(churn, tables)
    day = times.dt.normalize()
    return bool(((day >= first.normalize()) & (day <= last.normalize())).any())


def _nothing_between(
    churn: ChurnSpec, tables: Tables, first: pd.Timestamp, last: pd.Timestamp
) -> str:
    """The hole `_anyone_active` found, in words."""
    kind = "usage" if churn.by_usage(tables.transactions is not None) else "purchase"
    return (
        f"no customer has any {kind} from {first.date()} to {last.date()} (the data hold "
        "nothing in that period: a gap in the extract?)"
    )


ALL_CHURNED = {
    "cancellation": "everyone active then cancelled within the horizon",
    "expiry": "no member renewed within the horizon and its grace days",
    "label_column": "every row's label is the positive value",
}


def _one_class(name: str, rows: pd.DataFrame, churn: ChurnSpec, tables: Tables) -> str:
    """Why nothing can be learned from `rows`, with the likely causes. All churners under
    inactivity with nobody at all active in their horizons is a hole in the data (Sakila's
    rentals stop for 175 days), not ids per order: said so, as following the hint about
    ids sent users in circles."""
    said = f"all {len(rows):,} {name} rows (cutoffs {_dates(rows['cutoff'])}) are "
    if not rows["churned"].all():
        return said + _all_stayers(churn, tables, GRID_ADVICE.get(name, GRID_ADVICE["train"]))
    if churn.definition != "inactivity":
        return f"{said}churners: {ALL_CHURNED[churn.definition]}; check the churn definition"
    cutoffs = pd.to_datetime(rows["cutoff"])
    first = cutoffs.min() + pd.Timedelta(days=1)
    last = cutoffs.max() + pd.Timedelta(days=churn.horizon_days)
    if not _anyone_active(tables, churn, first, last):
        return f"{said}churners: {_nothing_between(churn, tables, first, last)}"
    if churn.by_usage(tables.transactions is not None):
        return (
            f"{said}churners: nobody active then was active again within the horizon: move "
            "the cutoffs (evaluation.cutoff, training.cutoffs) to a period with use after "
            f"them, or set a longer horizon_days{_in_a_hole(tables, churn)}"
        )
    repeats = _repeat_purchases(tables, churn)
    if repeats is None:
        return f"{said}churners: no customer bought on two days: is {PER_ORDER_ID}?"
    if repeats[0] > last:
        return (
            f"{said}churners: nobody active then bought again within the horizon, as the "
            f"data's repeat purchases (a customer's on a day after their first) run from "
            f"{repeats[0].date()} to {repeats[1].date()}, after these cutoffs' horizons end "
            f"({last.date()}); a model learns who comes back from cutoffs whose horizon "
            "holds repeat purchases: an extract with more of them is needed"
        )
    said += (
        "churners: nobody active then bought again within the horizon. Is "
        f"{PER_ORDER_ID}, or the horizon longer than the data's repeat purchases?"
    )
    if tables.events is None or churn.activity == "purchases":
        return said
    return said + (
        " The events are usage: if using the product is what keeps a customer, count it "
        "as activity (churn.activity: usage)"
    )


def _repeat_purchases(tables: Tables, churn: ChurnSpec) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The first and last day any customer bought on a day after their first purchase;
    None where nobody did. A bike shop's sample held them only in its last month, and a
    grid of only churners was asked if its ids were per order."""
    frame = _activity_log(churn, tables)
    if frame is None:
        return None
    days = frame["timestamp"].dt.normalize()
    later = days[days > days.groupby(frame["customer_id"].to_numpy()).transform("min")]
    return (later.min(), later.max()) if len(later) else None


GRID_ADVICE = {
    "train": "widen the cutoff grid (training.cutoffs)",
    "validation": "move the test cutoff (evaluation.cutoff; validation is the cutoff before it)",
    "test": "move the test cutoff (evaluation.cutoff) to a period whose horizon holds churners",
}
"""What moves a set of cutoffs that holds no churner: a wider grid only reaches more
training cutoffs (Wide World Importers' test cutoff, all 660 stayers, was told to widen it)."""


def _all_stayers(churn: ChurnSpec, tables: Tables, move: str) -> str:
    """Why nobody churned: under inactivity, the longest silence any customer had
    against the horizon (`longest_silence`: a bank's log, with interest posted to every
    account monthly, was told to widen its cutoff grid), and usage rows of zeros that
    keep everyone active (a MOOC's daily log, 30 rows per enrollment); `move` says what
    moves these cutoffs (`GRID_ADVICE`)."""
    silence = longest_silence(tables, churn)
    if silence is None:
        return f"stayers: {move}, or check the churn definition"
    padded = _padded(silence["zero_rows"])
    if silence["days"] >= churn.horizon_days:
        return (
            f"stayers, though the data's longest silence runs {silence['days']} days: {move}, "
            f"set a shorter horizon_days, or check the churn definition{padded}"
            f"{_in_a_hole(tables, churn)}"
        )
    rows = "`rows:` ({column: ..., not_values: [...]})"
    shorter = f"horizon_days under {silence['days']}"
    if recurring := _recurring_rows(churn, tables):
        advice = (
            f"Rows that recur by themselves keep everyone active ({', '.join(recurring)}): "
            f"leave them out with {rows}, or set {shorter}"
        )
    else:
        advice = f"Set {shorter} (or leave out with {rows} any rows that recur by themselves)"
    return (
        f"stayers: none of the {silence['customers']:,} customers was ever silent for "
        f"horizon_days ({churn.horizon_days}): the longest gap between a customer's active "
        f"days is {silence['between_days']} days, and from the last to the data's end "
        f"({silence['end']}) {silence['to_end_days']}{padded}. {advice}"
    )


POSTED_TO_ALL_SHARE = 0.8
"""From this share of a log's customers active on one day, on two days or more, its rows
look posted to every account (a bank's monthly interest), not done by customers: no shop
sees four in five of its customers buy on one day."""


def _recurring_rows(churn: ChurnSpec, tables: Tables) -> list[str]:
    """The rows that may recur by themselves in the log inactivity reads, as fit it: bank
    postings where most customers have a row on the same days, a padded daily log where it
    is a usage log. Chinook's music store, all stayers at a 600-day horizon, was told of
    interest and standing orders posted to every account."""
    frame = _activity_log(churn, tables)
    if frame is None:
        return []
    days = pd.DataFrame(
        {"customer_id": frame["customer_id"], "day": pd.Series(frame["timestamp"]).dt.normalize()}
    ).drop_duplicates()
    per_day = days.groupby("day").size()
    customers = days["customer_id"].nunique()
    found = []
    if customers > 1 and int((per_day >= POSTED_TO_ALL_SHARE * customers).sum()) >= 2:
        found.append("interest, fees or standing orders posted to every account")
    if frame is tables.events:
        found.append("a daily log padded with rows of zeros")
    return found


def _in_a_hole(tables: Tables, churn: ChurnSpec) -> str:
    """The gap no customer has any activity in, when it is as long as the horizon: the
    longest silence is then the extract's, not a customer's (Sakila's 174 days, where the
    advice to widen the grid sent a user through four configs)."""
    logs = [t["timestamp"] for t in (tables.transactions, tables.events) if t is not None]
    hole = longest_hole(*logs) if logs else None
    if hole is None or hole.days < churn.horizon_days:
        return ""
    return (
        f"; no customer has any activity from {hole.first_day.date()} to "
        f"{hole.last_day.date()} ({hole.days} days: a gap in the extract, which `churn "
        "validate` warns of): cutoffs whose horizon reaches into it read everyone by the gap; "
        "an evaluation.cutoff and a horizon_days that end before it keep clear of it"
    )


PADDED_SHARE = 0.5
"""From this share of usage rows holding 0 in every quantity, the log is padded."""


def _padded(zeros: dict[str, float] | None) -> str:
    """Usage rows of zeros, said when they are most of the log: each is an active day."""
    if zeros is None or zeros["share"] < PADDED_SHARE:
        return ""
    return (
        f"; {zeros['share']:.0%} of the {zeros['rows']:,} usage rows hold 0 in every quantity "
        "(a log padded with a row per day?), and each counts as an active day: leave them "
        "out of the file (or with `rows:` where one column tells them)"
    )


PROTOCOLS = {"out_of_time": out_of_time, "customer_cv": customer_cv}


def run_protocol(tables: Tables, config: RunConfig) -> Outcome:
    return PROTOCOLS[config.evaluation.split](tables, config)


def value_source(rows: pd.DataFrame, tables: Tables, config: RunConfig) -> str:
    """Where a saved customer's value comes from: 'configured' (a constant), 'value
    column', 'margin' (last year's, where the transactions map one: what a save earns),
    'spend' (last year's: the current value if behaviour stays as it is), or 'none' (a
    usage log, a snapshot without a value column: no profit is computed)."""
    if config.profit.value_per_customer is not None:
        return "configured"
    if "value" in tables.customers:
        return "value column"
    if "margin_365d" in rows:
        return "margin"
    return "spend" if "spend_365d" in rows else "none"


def value_of(rows: pd.DataFrame, tables: Tables, config: RunConfig) -> np.ndarray:
    """A saved customer's value, from `value_source` (never 'none': no profit is computed
    there); NaN where the value column is blank or lacks the customer (`profit_curve`
    counts them as worth nothing, and says so)."""
    source = value_source(rows, tables, config)
    if source == "configured":
        return np.full(len(rows), config.profit.value_per_customer)
    if source == "value column":
        lookup = tables.customers.set_index("customer_id")["value"]
        return rows["customer_id"].map(lookup).to_numpy(dtype=np.float64, na_value=np.nan)
    return year_spend(rows, "margin" if source == "margin" else "spend")
