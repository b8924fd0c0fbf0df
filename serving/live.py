"""Live scoring: customers' raw histories posted to the API, scored as of a cutoff.

The posted rows become a `Tables` in the canonical layout `features/sources/` produces
(only the tables and columns the model's run config has, attributes typed as the model
learned them), and the model builds the features itself (`ChurnModel.feature_columns`):
the same code and learned state as training and the batch, so a customer's full history
scores exactly as in the batch at the same cutoff. For the few customers of a request,
the tables and the features are plain numpy columns rather than frames
(`features.tables.Table`), which the feature code reads alike.

Two things are batch-relative and need a choice here:

- Reason means: the model's training means when `model.info["population_means"]` holds
  them, else the means of the posted customers (`population` in the response says which).
- Tiers compare a customer with a population (top 20% by value, wallet above the
  median); a handful of posted customers say nothing about each other, so they are
  tiered against the model's latest (test) cutoff (`ranking.TierReference`). A model
  packaged before it kept that tiers them among themselves when at least
  `TIER_MIN_CUSTOMERS` are posted, else not at all (`tier` null). Band, value and value
  at risk are per customer.

The parts: `live_tables` (posted rows -> `Tables`), `live_checks` (what makes a request
unscorable: a 422), `live_notes` (what a response says about what was posted); this
module runs them: `checked_cutoff`, `score_customers` (one run, many requests' customers)
and `respond` (one request's answer cut from a run).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from churn.model import ChurnModel
from features.registry import Columns
from features.tables import numbers
from serving.batch import (
    BeyondTraining,
    FilledBlanks,
    beyond_findings,
    beyond_note,
    filled_at_median,
    filled_note,
    filled_notes,
    records,
    says_nothing,
)
from serving.live_checks import checked_cutoff
from serving.live_notes import (
    _named,
    after_cutoff_notes,
    extract_dates_note,
    negative_quantity_notes,
    not_use_notes,
    unmapped_type_notes,
    unposted_attributes,
    unposted_fields,
    unread_amounts,
    unseen_category_notes,
    unseen_event_type_notes,
    unseen_level_notes,
)
from serving.live_tables import Unknown, cancellation_event_types, posted_numbers, to_tables
from serving.ranking import Rules, TierReference, rank, rules_for, segments_of
from serving.reasons import (
    Reason,
    population_means,
    unknown_levels,
)
from serving.schemas import (
    CustomerHistoryIn,
    ScoreIn,
)
from serving.scorer import Loaded

TIER_MIN_CUSTOMERS = 20
"""Fewer posted customers than this: no tiers (see the module docstring)."""


@dataclass(frozen=True)
class Scored:
    """Posted customers scored together: one feature row, probability and reason list each.

    Every column is computed per customer (the training means of the reasons included),
    so scoring customers together or one by one gives the same rows; `respond` picks
    one request's customers out of it.
    """

    features: Columns
    probability: np.ndarray
    reasons: list[list[Reason]]
    population: str
    unknown_levels: dict[str, np.ndarray] = field(default_factory=dict)
    """Per categorical feature, the rows holding a level the model does not know."""
    filled: list[FilledBlanks] = field(default_factory=list)
    """The attributes some rows hold blank, scored at the median (`filled_at_median`)."""
    beyond: list[BeyondTraining] = field(default_factory=list)
    """Risky features some rows hold past training's highest (`beyond_notes`): found once
    per run, where each request's judging them again was a tenth of a run's time."""

    @cached_property
    def row_of(self) -> dict[str, int]:
        """customer id -> its row."""
        return {str(i): row for row, i in enumerate(self.features["customer_id"])}


def score_history(
    request: ScoreIn, loaded: Loaded, *, rules: Rules | None = None
) -> dict[str, Any]:
    """Score the posted customers; a dict in the shape of `ScoreOut`, items in posted order."""
    cutoff = checked_cutoff(request, loaded.model)
    return respond(
        request, cutoff, score_customers(request.customers, cutoff, loaded), loaded, rules
    )


def score_customers(customers: list[CustomerHistoryIn], cutoff: dt.date, loaded: Loaded) -> Scored:
    """Features, probability and reasons of `customers` as of `cutoff`."""
    model = loaded.model
    features = with_all_columns(
        model.feature_columns(to_tables(customers, model), pd.Timestamp(cutoff)), model
    )
    # a snapshot's training customers out of fold, as the batch scores them
    probability, contributions = model.scores(features, model.folds_of(features))
    means, population = reference_means(model, features)
    unknown = unknown_levels(features, model.layout.levels)
    # the cutoff, which the columns leave out, dates an anniversary gone as the batch does
    dated = features | {"cutoff": np.full(len(probability), np.datetime64(cutoff, "D"))}
    reasons = loaded.explainer.explain(dated, contributions, means, unknown)
    filled = filled_at_median(model.median_fills, features)
    # past a 99th percentile is one customer in a hundred on each feature: a share of a
    # batch, not of a request of one (most single requests carried such a note)
    beyond = beyond_findings(model.info, features, least_share=0.0, p99_share=None)
    return Scored(features, probability, reasons, population, unknown, filled, beyond)


def respond(
    request: ScoreIn,
    cutoff: dt.date,
    scored: Scored,
    loaded: Loaded,
    rules: Rules | None = None,
) -> dict[str, Any]:
    """The response to one request, from `scored` (which may hold other requests' customers
    too): bands, value and tiers are ranked among this request's customers only."""
    ids = [c.customer_id for c in request.customers]
    rows = np.array([scored.row_of[i] for i in ids], dtype=np.int64)
    features = _Rows(scored.features, rows)
    reasons = [scored.reasons[i] for i in rows]
    model = loaded.model
    reference = TierReference.from_info(model.info)
    ranked = rank(
        features,
        scored.probability[rows],
        rules or rules_for(model.info),
        tiers=reference is not None or len(rows) >= TIER_MIN_CUSTOMERS,
        configured_value=posted_values(request, model),
        reference=reference,
    )
    segments = segments_of(model.specs, model.config)
    facts = {"model_name": loaded.name, "model_version": loaded.version, "cutoff": cutoff}
    items = [{**_finite(row), **facts} for row in records(features, ranked, reasons, segments)]
    notes = [
        *unposted_attributes(request.customers, model),
        *unposted_fields(request.customers, model),
        *unread_amounts(request.customers, model),
        *unseen_category_notes(request.customers, model),
        *unseen_level_notes(
            features,
            {name: rows_of[rows] for name, rows_of in scored.unknown_levels.items()},
            ids,
            model.layout.capped,
        ),
        *after_cutoff_notes(request.customers, cutoff, model.data),
        *extract_dates_note(request, model, cutoff),
        *negative_quantity_notes(request.customers),
        *unmapped_type_notes(request.customers, model.data.interactions),
        *not_use_notes(request.customers, model),
        *unseen_event_type_notes(
            request.customers,
            model.event_types,
            cancellation_event_types(model.data) | model.not_use_types,
            model.data.events,
        ),
        *median_notes(scored, rows, ids),
        *beyond_notes(scored, rows, ids),
    ]
    caution = list(loaded.caveats.ranking)
    return {
        **facts,
        "population": scored.population,
        "items": items,
        "notes": notes,
        "not_scored": request.not_scored,
        "caution": caution,
    }


def median_notes(scored: Scored, rows: np.ndarray, ids: Sequence[str]) -> list[str]:
    """Notes on the request's blanks scored at the training median (`scored.filled`, of
    the run's `rows` that are this request's), as the batch notes them, naming them: one
    note for the attributes the same customers lack (a telecom record posted with a few
    attributes got 42 notes, one per attribute it lacked)."""
    by_customers: dict[tuple[str, ...], list[FilledBlanks]] = {}
    for filled in scored.filled:
        mine = filled.rows[rows]
        if mine.any():
            by_customers.setdefault(tuple(_at(ids, mine)), []).append(filled)
    return [
        filled_note(lacking[0], f"customer(s) {_named(who)}")
        if len(lacking) == 1
        else filled_notes(lacking, f"customer(s) {_named(who)}")
        for who, lacking in by_customers.items()
    ]


def beyond_notes(scored: Scored, rows: np.ndarray, ids: Sequence[str]) -> list[str]:
    """Notes on the request's customers (the run's `rows` that are this request's, in
    `ids`' order) past a risky feature's highest in training, as the batch notes them,
    naming each one (a live customer is no share of a batch). Judged on the request alone,
    so requests scored together in one run note what each would alone."""
    found = []
    for past in scored.beyond:
        mine = past.rows[rows]
        if mine.any():
            highest = float(numbers(scored.features[past.feature])[rows][mine].max())
            own = replace(
                past, customers=int(mine.sum()), highest_scored=highest, rows=mine, scored=len(rows)
            )
            if not says_nothing(own):
                found.append(own)
    return [
        beyond_note(past, f"customer(s) {_named(_at(ids, past.rows))}")
        for past in sorted(found, key=lambda b: -b.customers)
    ]


def _at(ids: Sequence[str], rows: np.ndarray) -> list[str]:
    """The ids of the `rows` (a mask)."""
    return [ids[i] for i in np.flatnonzero(rows).tolist()]


def posted_values(request: ScoreIn, model: ChurnModel) -> pd.Series | None:
    """The posted `value`s in posted order when the model's data configure a value column
    (as the batch reads it from the customers table), else None: value from spend. A
    customer posted without one, with the value column among their attributes (it is
    one under `attributes: all`), is valued by that: 'Total Spend' posted as an attribute
    scored the batch's most valuable customer as of no value. Text is read as the
    attribute's is (`posted_numbers`): "1,234.5" had been a 500."""
    customers = model.data.customers
    if customers is None or "value" not in customers.mapped():
        return None
    unknown = Unknown(customers)  # its valid_ranges and placeholders, as the loader reads
    column = customers.source_column("value")
    values = [
        unknown.canonical(c.value if c.value is not None else c.attributes.get(column), "value")
        for c in request.customers
    ]
    return pd.Series(posted_numbers(values, customers.decimal), dtype="float64")


@dataclass(frozen=True)
class _Rows(Mapping[str, np.ndarray]):
    """Some rows of feature columns, each column cut when read: a response reads a few of
    the model's hundred-odd columns, and cutting them all was a third of its cost."""

    columns: Columns
    rows: np.ndarray

    def __getitem__(self, name: str) -> np.ndarray:
        return np.asarray(self.columns[name])[self.rows]

    def __contains__(self, name: object) -> bool:
        return name in self.columns

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)


def with_all_columns(features: Columns, model: ChurnModel) -> Columns:
    """Every model column, missing (NaN) where the posted data cannot yield it.

    Some families declare a feature only when its input has values (e.g. no signup dates
    posted, no anniversary feature); the model treats NaN as unknown, as in training.
    """
    rows = len(features["customer_id"])
    return features | {
        name: np.full(rows, np.nan) for name in model.layout.names if name not in features
    }


def reference_means(model: ChurnModel, features: Columns) -> tuple[dict[str, float], str]:
    """Training means stored with the model when there are any, else the posted batch's."""
    stored = model.info.get("population_means")
    if isinstance(stored, Mapping) and stored:
        return {str(k): float(v) for k, v in stored.items()}, "training"
    return population_means(features, model.specs), "posted"


def _finite(row: Mapping[str, Any]) -> dict[str, Any]:
    """NaN (unknown value) is not JSON: it becomes null."""
    return {
        key: None if isinstance(v, float | np.floating) and math.isnan(v) else v
        for key, v in row.items()
    }
