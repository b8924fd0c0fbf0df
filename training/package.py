"""Assemble the logged model artifact from a fitted out-of-time outcome."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from churn.contributions import crossings_of, directions_of, group_contributions
from churn.model import ChurnModel
from churn.sides import CONTRARY_RATIO, SIDE_RATIO, churn_sides_at, rarer_levels
from churn.trained_rows import TrainedRows, alike_columns_of
from churn.typical import typical_bands
from features.contract import RunConfig
from features.lifecycle import ANNIVERSARY_SPEC, TENURE_SPEC
from features.registry import missing_means_never, safer_when
from features.tables import Tables, data_end, numbers, undo_by
from features.words import is_payment_log
from serving.ranking import (
    Rules,
    TierReference,
    band_thresholds,
    configured_value,
    customer_value,
)
from training.caveats import model_notes, ranking_caveats
from training.cross_fit import CrossFitted
from training.protocol import Outcome


def package_model(
    outcome: Outcome, config: RunConfig, report: dict[str, Any], tables: Tables
) -> ChurnModel:
    """The model with what serving needs to know about its training (`info`), from the
    tables it was trained on: their last day (`features.tables.data_end`: live scoring's
    default cutoff is no earlier, `serving/live_checks.py`), their first (`Tables.history_from`:
    a posted history's windows reaching before it are unknown, as in the batch), the
    placeholders the loader read as unknown in numeric attributes (`Tables.unknown_texts`:
    a posted customer may send them alike), and the customers file's columns it does not
    read (`Tables.unread_columns`: posted live with the file's own keys, they are ignored,
    not misspellings), and a labelled snapshot's fitted-on rows (`churn.trained_rows`:
    the training file scored again is no prediction). The run's notes travel with it
    (`training/caveats.py`)."""
    end = data_end(tables)
    fitted = outcome.fitted
    if fitted is None:
        raise ValueError(
            "only a protocol that fits one model (out_of_time; a snapshot's holdout) "
            "can be packaged"
        )
    data = outcome.data
    rows = _training_rows(outcome)
    churned = rows["churned"].to_numpy(dtype=bool)
    shift = population_shift(config, rows)
    band_rate = shift["population_rate"] if shift else _predicted_rate(outcome, rows)
    info = {
        "training_cutoffs": report.get("training_cutoffs", []),
        "validation_cutoff": report.get("validation_cutoff"),
        "test_cutoffs": report["test_cutoffs"],
        "metrics": report["model"],
        "caveats": model_notes(report),
        "ranking_caveats": ranking_caveats(report),
        "calibration": fitted.calibrator.method,
        "rounds": fitted.booster.num_boosted_rounds(),
        "xgb_params": fitted.params,
        "population_means": _typical(rows, data.specs, "mean"),
        "reason_pivots": _typical(rows, data.specs, "median"),
        "typical_bands": typical_bands(rows, data.specs),
        "training_highest": _highest_risky(rows, data.specs),
        "training_p99": _percentile_99(rows, data.specs),
        "twin_attributes": twin_attributes(rows, data.specs),
        "complete_attributes": _complete_attributes(rows, data.specs),
        **dict(
            zip(
                ("churn_sides", "contrary_sides"),
                churn_sides_at(rows, data.specs, churned, (SIDE_RATIO, CONTRARY_RATIO)),
                strict=True,
            )
        ),
        "rarer_levels": rarer_levels(rows, fitted.layout.levels, churned),
        "data_end": None if end is None else str(end.date()),
        "data_start": None if tables.history_from is None else str(tables.history_from.date()),
        "rhythm_of": tables.rhythm_of,
        "resolution_timed": tables.resolution_timed,
        "lapsed_by_use": tables.lapsed_by_use,
        "apart_from_use": True,  # events of types other tables read were no use
        "not_use_types": list(tables.not_use_types),
        "payments": is_payment_log(tables),
        "undo_by": undo_by(tables),
        "unknown_texts": {name: list(texts) for name, texts in tables.unknown_texts.items()},
        "date_formats": dict(tables.date_formats),
        "unread_columns": list(tables.unread_columns),
        "typical_levels": _typical_levels(rows, tables.attributes),
        "bands": dict(
            zip(
                ("medium_from", "high_from"),
                band_thresholds(config.bands, band_rate),
                strict=True,
            )
        ),
        "band_rate": band_rate,
        "population_shift": shift,
        "training_churn_rate": _churn_rate(rows),
        "trained_rows": _trained_rows(config, rows, tables, outcome.cross, fitted.layout.names),
        "categories": transaction_categories(tables),
    }
    model = ChurnModel(
        booster=fitted.booster,
        calibrator=fitted.calibrator,
        layout=fitted.layout,
        specs=data.specs,
        config=config,
        wallet=data.wallet,
        bgnbd=data.bgnbd,
        event_types=data.event_types,
        consumable_categories=data.consumable_categories,
        info=info,
        cross_fit=None if outcome.cross is None else outcome.cross.cross_fit,
    )
    directions, crossings = _risk_directions(model, rows)  # needs the model itself
    model.info["risk_directions"], model.info["risk_crossings"] = directions, crossings
    model.info["tiers"] = _tier_reference(outcome.data.frame, tables).as_info()
    return model


def _churn_rate(rows: pd.DataFrame) -> float | None:
    return float(rows["churned"].mean()) if len(rows) else None


def _predicted_rate(outcome: Outcome, rows: pd.DataFrame) -> float | None:
    """The churn rate the bands follow (`serving.ranking.band_thresholds`): the model's
    mean probability over its test rows, the rate it predicts. Not the test's observed
    rate, which may rest on one churner (Wide World Importers' 1 of 661 put all 663
    customers high), nor the training rows', which drift lets fall behind: RavenStack's
    earlier cutoffs churned 5.2%, its scored customers' probabilities averaged 12.6%, and 379 of
    427 customers were medium, none low. The training rows' rate where no test was scored."""
    predicted = outcome.scored.get("p_model")
    if predicted is None or not len(predicted):
        return _churn_rate(rows)
    return float(predicted.mean())


def population_shift(config: RunConfig, rows: pd.DataFrame) -> dict[str, float] | None:
    """The sample's and the population's churn rates, when the label says the training
    file churns otherwise than the customers to be scored (`label.population_rate`)."""
    customers = config.data.customers
    label = customers.label if customers is not None else None
    if label is None or label.population_rate is None or not len(rows):
        return None
    return {
        "sample_rate": float(rows["churned"].mean()),
        "population_rate": float(label.population_rate),
    }


def _trained_rows(
    config: RunConfig,
    rows: pd.DataFrame,
    tables: Tables,
    cross: CrossFitted | None,
    names: list[str],
) -> dict[str, Any] | None:
    """A labelled snapshot's fitted-on customers (`churn.trained_rows`), each with the
    fold that scores it out of fold where `cross` fitted them: by id and their categories,
    or, where the ids are row numbers (another file's row 5 is another customer, and a
    filtered file's row 5 another), by their whole feature row (`names`, the booster's
    columns): rows alike in it share a fold (`training.duplicates`), so none is scored
    by a booster that saw its twin, as a key of some attributes let 286 of 1,806 be (the
    customers-table row hashed whole was no row a request makes: 67 of 100 posted
    training rows of an insurer scored by the full model, up to 0.108 from the batch).
    None over time, where every cutoff's customers are scored again by design."""
    if config.churn.definition != "label_column":
        return None
    folds = None if cross is None else cross.folds
    if tables.numbered_ids:
        alike = tuple(name for name in names if name in rows)
        return TrainedRows.of(rows, folds, by="alike", alike_columns=alike).as_info()
    categorical = [name for name, kind in tables.attributes.items() if kind == "categorical"]
    alike = alike_columns_of(rows, categorical)
    return TrainedRows.of(rows, folds, by="id", alike_columns=alike).as_info()


KEPT_CATEGORIES = 1_000
"""Transaction categories a model keeps by name, the most common: a product-level
category (a retailer's stock codes) may run to thousands."""


def transaction_categories(tables: Tables) -> dict[str, Any] | None:
    """The transactions' categories, most common first (`KEPT_CATEGORIES`), and how many
    rarer ones were left out; None without categories. The /docs example posts the most
    common (its "consumables" was none of AdventureWorks' Accessories, Bikes and
    Clothing), and live scoring notes a posted one the data never held
    (`serving.live_notes.unseen_category_notes`)."""
    lines = tables.transactions
    if lines is None or "category" not in lines:
        return None
    counts = pd.Series(np.asarray(lines["category"], dtype=object)).value_counts()
    if counts.empty:
        return None
    kept = [str(category) for category in counts.index[:KEPT_CATEGORIES]]
    return {"levels": kept, "rarer": len(counts) - len(kept)}


def _typical_levels(rows: pd.DataFrame, kinds: Mapping[str, str]) -> dict[str, str]:
    """The categorical attributes of the most common combination a training row holds:
    one real customer's, where each attribute's own most common level together made
    FoodMart's /docs example a Lebanon in California (`serving/example.py`)."""
    names = [name for name, kind in kinds.items() if kind == "categorical" and name in rows]
    if not names or rows.empty:
        return {}
    top = rows[names].astype("object").value_counts(dropna=False).index[0]
    top = top if isinstance(top, tuple) else (top,)
    return {name: str(level) for name, level in zip(names, top, strict=True) if pd.notna(level)}


def _tier_reference(rows: pd.DataFrame, tables: Tables) -> TierReference:
    """Where the tiers fell among the customers of the latest cutoff of `rows` (the test
    cutoff's, nearest the data's end a batch scores at), as a batch scored there would
    tier them: a live request's few customers are tiered against it. (Against the last
    training cutoff, five months before FoodMart's end, 40% of live customers were most
    valuable by their year's spend, against 20% in the batch.)"""
    if "cutoff" in rows and rows["cutoff"].notna().any():
        rows = rows[rows["cutoff"] == rows["cutoff"].max()]
    rules = Rules()
    value = customer_value(rows, rules, configured=configured_value(tables, rows))
    return TierReference.of(rows, value, rules)


def _typical(rows: pd.DataFrame, specs: list, statistic: str) -> dict[str, float]:
    """Each numeric feature's mean or median on the training rows. Means are a live
    score's `population_mean` beside each reason; medians are the typical customer:
    the side a reason's value must sit on (`serving/reasons.py`), since spend and
    overdue ratios are skewed far beyond their means, and the "(typical 12)" a numeric
    attribute's reason shows. A median counts a missing value that means "never"
    (`missing_means_never`) as the far end it is: where most customers never complained,
    the typical customer has no complaint, and "in their favour: last complaint 323 days
    ago" (older than the complainers' median) told a toy shop's refunded buyers a
    complaint was on their side (all 609 of its complaint reasons)."""
    numeric = [s.name for s in specs if s.dtype != "category"]
    frame = rows[numeric]
    if statistic == "median":
        never = [name for name in numeric if missing_means_never(name)]
        frame = frame.assign(**{name: frame[name].fillna(np.inf) for name in never})
    values = frame.agg(statistic)
    return {name: float(value) for name, value in values.items() if value == value}


def _highest_risky(rows: pd.DataFrame, specs: list) -> dict[str, float]:
    """The highest value training saw of each feature DOMAIN.md reads as riskier the
    higher it is (silence, lateness against the customer's own rhythm, service
    failures): past it the trees read a customer as the latest they saw, not later
    (`serving.batch.beyond_training` says so when scoring)."""
    risky = [s.name for s in specs if s.dtype != "category" and safer_when(s.name) == "lower"]
    highest = rows[risky].max()
    return {name: float(value) for name, value in highest.items() if value == value}


_AGE = re.compile(r"tenure|days_since_first")


def _percentile_99(rows: pd.DataFrame, specs: list) -> dict[str, float]:
    """Each numeric feature's 99th percentile on the training rows: past it the trees
    split a customer from the top of training no more, so where a large share of a batch
    lie past it (lifetime totals grow with the data's age) the scores no longer tell
    them apart (`serving.batch.beyond_training` says so when scoring). Not a customer's
    age (tenure, the first purchase's): every scoring cutoff comes after the training
    ones, so the oldest customers are always older than training saw, and the note rode
    on every batch of the demo."""
    numeric = [s.name for s in specs if s.dtype != "category" and not _AGE.match(s.name)]
    found = rows[numeric].quantile(0.99)
    return {name: float(value) for name, value in found.items() if value == value}


TWIN_CORRELATION = 0.999
"""Attributes this correlated are one number in two units (a charge at a fixed rate per
minute); a rounded price still correlates above 0.9999 with its minutes."""


def twin_attributes(rows: pd.DataFrame, specs: list) -> list[list[str]]:
    """Groups of numeric attributes that are one number in different units: their
    reasons are one story (`serving/reasons.py`), not two of a customer's three reasons
    ("Total day minutes 293.7" and "Total day charge 49.93")."""
    varying = [name for name in _numeric_attributes(specs) if rows[name].nunique() > 2]
    if len(varying) < 2:
        return []
    correlated = rows[varying].corr().abs().to_numpy() >= TWIN_CORRELATION
    groups: list[list[str]] = []
    grouped: set[int] = set()
    for i in range(len(varying)):
        if i in grouped:
            continue
        members = [j for j in range(i, len(varying)) if correlated[i, j] and j not in grouped]
        grouped.update(members)
        if len(members) > 1:
            groups.append([varying[j] for j in members])
    return groups


FROM_SIGNUP = (TENURE_SPEC.name, ANNIVERSARY_SPEC.name)
"""Features a customer's start decides: blank only where a signup date is, with no
activity to start from (a club's members blanked START_DATE and scored 0.1% each)."""


def _complete_attributes(rows: pd.DataFrame, specs: list) -> list[str]:
    """The numeric attributes (the data's own columns), and the features the customer's
    start decides (`FROM_SIGNUP`), no training row had blank: the trees never learned
    what a blank means there, so serving scores one at the training median
    (`ChurnModel.median_fills`). Not the features computed from activity, whose blank
    the trees did learn: no rhythm yet, a window reaching before the data."""
    names = [*_numeric_attributes(specs), *(s.name for s in specs if s.name in FROM_SIGNUP)]
    return [name for name in names if len(rows) and np.isfinite(numbers(rows[name])).all()]


def _numeric_attributes(specs: list) -> list[str]:
    """The data's own numeric columns among the features (not those built from activity)."""
    return [s.name for s in specs if s.family == "attributes" and s.dtype != "category"]


DIRECTION_SAMPLE_ROWS = 20_000


def _risk_directions(
    model: ChurnModel, rows: pd.DataFrame
) -> tuple[dict[str, int], dict[str, float]]:
    """Which way each numeric feature moves the risk as a rule, and the value where its
    contributions turn, from (a sample of) the training rows: reasons against it are not
    shown (`serving/reasons.py`). Only the features the model reads as numbers: a
    category's levels have no order, and Ta Feng's district codes (PIN_CODE: 115, 221,
    'Others') read as numbers gave "lower codes riskier", turning at 114.5."""
    if len(rows) > DIRECTION_SAMPLE_ROWS:
        rows = rows.sample(DIRECTION_SAMPLE_ROWS, random_state=0)
    contributions = model.contributions(rows)
    grouped = group_contributions(contributions, model.layout.safe_names, model.layout.name_of)
    numeric = rows[[s.name for s in model.specs if s.dtype != "category"]]
    directions = directions_of(grouped, numeric)
    return directions, crossings_of(grouped, numeric, directions)


def _training_rows(outcome: Outcome) -> pd.DataFrame:
    """The fitted-on rows: what a "typical customer" means, without the test rows."""
    if outcome.plan is not None:
        return outcome.data.at(outcome.plan.train)
    return outcome.train if outcome.train is not None else outcome.data.frame
