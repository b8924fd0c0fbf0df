"""SHAP contributions -> the top reasons in plain words, per customer (DOMAIN.md section 4).

The model's contributions are TreeSHAP values in margin space, one column per model
column plus the bias last; per row they sum to the margin. Columns that encode one source
feature (one-hot levels of an attribute, should the model ever use them) are summed into
one reason first: a retention agent needs "contract: month-to-month", not three
fragments of it. Ranking is vectorized over the batch (argsort on the matrix); only the
few chosen reasons per customer are rendered one by one.

Reason text comes from the feature's own declared template filled with the customer's
own values (`FeatureSpec.render`). When a value is missing the template cannot be filled,
and the text names the feature and the direction only: never a made-up number.

A reason must read as what it claims: trees split on interactions and collinear
features compensate each other, so "buying at 0% of their usual pace" can lower one
customer's margin and "buying at 155% of their usual pace" raise another's, and shown as
a reason either reads as nonsense. So a lowering cell is never picked when its value sits
on the risky side of the typical customer (the training median): risky as DOMAIN.md reads
the feature (`features.registry.safer_when`), else as the model's learned
`risk_directions` say (`churn.contributions.directions_of`). A raising cell is dropped
from the side DOMAIN.md calls favourable, and, for a feature DOMAIN.md does not read
(an app's own event types, tenure, an attribute), from the side the model learned is
the safe one: "167 session_start events in the last 90 days" raising the risk of a
customer at 0.2% is a window's compensation for another, not a cause. (Where DOMAIN.md
reads a feature its reading wins: overdue ratio "lowers" the risk where days since the
last purchase carries it, and a learned direction would hide "9.1× their usual gap".)
Where DOMAIN.md's reading has a neutral value (`features.registry.neutral_at`: no change,
the customer's own usual gap), no reason claims its far side, whatever the typical
customer does.

On a payment log (`paid_until`), a value that only says where the cutoff falls in a
paid-up member's billing cycle is no reason (`features.words.billing_cycle_only`: a
monthly period's end, a window shorter than the plan, the silence they paid for), and
neither are the shop's models of buying (`features.words.unspoken_on_payments`). A
family that tells one event from several sides (`ONE_STORY`: a cancellation's date,
count and timing against the last payment; tenure and the lifecycle stage it decides)
gives one reason, its strongest, and only the way the family's contributions add up to.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from churn.contributions import Grouping
from churn.sides import RISKIER, SAFER, TYPICAL, Sides
from features.contract import UNTYPED_EVENT
from features.levels import unseen
from features.lifecycle import LAPSED_OVERDUE_RATIO, ORDERS_TOTAL, stages_of_tenure
from features.monetary import PACE
from features.registry import (
    HALF_YEAR_DAYS,
    YEAR_DAYS,
    FeatureSpec,
    Mechanism,
    derived_names,
    missing_mask,
    missing_means_never,
    near_typical,
    neutral_at,
    safer_when,
    template_fields,
    window_days,
)
from features.tables import numbers
from features.words import billing_cycle_only, unspoken_on_payments
from serving.one_gap import (
    PURCHASE_RHYTHM,
    RHYTHM_OF,
    SAID_BY_OVERDUE,
    USE_RHYTHM,
    in_one_gap_words,
    one_gap_rows,
)
from serving.schemas import LOWERING, RAISING

if TYPE_CHECKING:
    from churn.model import ChurnModel

Direction = Literal["raises", "lowers"]

MIN_REASON_LOGIT = 0.02
"""A contribution smaller than this (in log-odds: half a point of probability at 30%) is
no reason: on a telecom snapshot a fifth of the reasons shown moved the score by less than
0.05, and 'Occupation: Other', at a median of 0.009, was named 1,168 times. A customer
whose every cell is smaller gets fewer reasons, or none: nothing stands out."""


class Reason(NamedTuple):
    """One reason for one customer; `value` and `population_mean` are None when unknown,
    `typical` where the text names no typical value.

    An immutable record built millions of times per batch, hence a named tuple.
    """

    feature: str
    value: float | str | None
    contribution: float
    population_mean: float | None
    typical: float | None
    """The value the text calls typical (the training median, `FeatureSpec.says_typical`):
    "session count 15 (typical 9)" beside a `population_mean` of 30.38 (the mean, pulled
    up by one user's 158,115 sessions) read as two answers to one question."""
    direction: Direction
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "value": self.value,
            "contribution": self.contribution,
            "population_mean": self.population_mean,
            "typical": self.typical,
            "direction": self.direction,
            "text": self.text,
        }


def pick(
    values: np.ndarray, *, raising: int = RAISING, lowering: int = LOWERING
) -> tuple[np.ndarray, ...]:
    """Per row, the column indices of the top raising and the strongest lowering reasons.

    Returns (rows, columns) of the chosen cells, row by row: up to `raising` largest
    positive contributions in descending order, then up to `lowering` most negative ones.
    Zero contributions are never reasons; a sign test keeps the two sets disjoint.
    """
    order = np.argsort(-values, axis=1, kind="stable")
    top = order[:, :raising]
    bottom = order[:, ::-1][:, :lowering]
    chosen = np.concatenate([top, bottom], axis=1)
    signed = np.take_along_axis(values, chosen, axis=1)
    k = top.shape[1]
    keep = np.concatenate([signed[:, :k] > 0, signed[:, k:] < 0], axis=1)
    rows = np.broadcast_to(np.arange(values.shape[0])[:, None], chosen.shape)
    return rows[keep], chosen[keep]


def population_means(features: Mapping[str, Any], specs: Sequence[FeatureSpec]) -> dict[str, float]:
    """Mean of every numeric feature over the whole scored batch (not per chunk); a frame
    or plain columns."""
    means = {}
    for spec in specs:
        if spec.dtype != "category" and spec.name in features:
            column = np.asarray(pd.to_numeric(features[spec.name], errors="coerce"), float)
            known = column[~np.isnan(column)]
            means[spec.name] = float(known.mean()) if len(known) else math.nan
    return means


class _Directed(NamedTuple):
    """The features `_against_direction` judges, with what it judges them by."""

    columns: list[int]
    """Their positions among the grouped sources."""
    sources: list[str]
    along: np.ndarray
    favourable: np.ndarray
    pivot: np.ndarray
    never: np.ndarray
    neutral: np.ndarray


def _directed(
    sources: Sequence[str],
    features: Mapping[str, Any] | None,
    learned: Mapping[str, int],
    domain: Mapping[str, int],
    middle: Mapping[str, float],
    crossings: Mapping[str, float] | None = None,
) -> _Directed | None:
    """The sources with a direction (DOMAIN.md's `domain`, else the `learned` one) and a
    known typical value (`middle`) among `features` (None: all); None if there are none.
    A learned direction's side is judged against where the model's contributions turn
    (`crossings`, `churn.contributions.crossings_of`), where known: the typical value may
    sit well inside the risky side."""
    picked: list[int] = []
    names: list[str] = []
    signs: list[tuple[int, int, float, bool, float]] = []
    for j, source in enumerate(sources):
        along, favourable = learned.get(source, 0), domain.get(source, 0)
        pivot = middle.get(source)
        if not favourable and crossings and source in crossings:
            pivot = crossings[source]
        if not (along or favourable) or pivot is None or math.isnan(pivot):
            continue
        if features is None or source in features:
            picked.append(j)
            names.append(source)
            neutral = neutral_at(source) if favourable else math.nan
            signs.append((along, favourable, pivot, missing_means_never(source), neutral))
    if not picked:
        return None
    along, favourable, pivot, never, neutral = (
        np.array(column) for column in zip(*signs, strict=True)
    )
    return _Directed(picked, names, along, favourable, pivot, never, neutral)


def _against_direction(
    contributions: np.ndarray,
    directed: _Directed | None,
    features: Mapping[str, Any],
    *,
    strict: bool = True,
) -> np.ndarray:
    """The contributions with the cells no reason may come from set to zero (a copy if
    any): lowering the risk from the risky side of the typical customer, by DOMAIN.md's
    reading of the feature where it has one, else by its learned direction (+1: higher
    values riskier), or lowering it from a missing value DOMAIN.md reads; raising it from
    the favourable side, read the same way (module docstring). A missing value that means
    "never" (`missing_means_never`) is on the far side: "no complaint on record" raised
    the risk of 773 Olist customers, and may only lower it.
    One matrix pass over the `directed` features (a live run is a few rows: per-feature
    numpy calls would cost more than the reasons). A value that is no number is unknown
    here: a model packaged with a learned direction for Ta Feng's district codes
    (PIN_CODE) met 'Others' in a traceback."""
    if directed is None:
        return contributions
    picked, along, favourable = directed.columns, directed.along, directed.favourable
    pivot, never, neutral = directed.pivot, directed.never, directed.neutral
    values = np.column_stack([numbers(features[source]) for source in directed.sources])
    values = np.where(np.isnan(values) & never, np.inf, values)
    with np.errstate(invalid="ignore"):  # never against a typical never: on it, offset 0
        offset = np.where(values == pivot, 0.0, values - pivot)
    cells = contributions[:, picked]
    direction = np.where(favourable != 0, favourable, along)
    # `strict`: on the typical customer's value itself a reason claims a side it is not
    # on ("in their favour: spend down 100%" where most customers bought once); not
    # against the posted rows' own means (a model without training medians), where a
    # lone customer's every value is the typical one
    risky = offset * direction >= 0 if strict else offset * direction > 0
    safe = offset * direction <= 0 if strict else offset * direction < 0
    # and never from the far side of the value that says nothing (`neutral_at`): no
    # change, or just the customer's own usual gap (NaN where none: never true)
    beyond = (values - neutral) * direction
    risky |= beyond >= 0
    safe |= beyond <= 0
    lowering = (cells < 0) & (risky | (np.isnan(values) & (favourable != 0)))
    against = lowering | ((cells > 0) & (direction != 0) & safe)
    if not against.any():
        return contributions
    filtered = contributions.copy()
    filtered[:, picked] = np.where(against, 0.0, cells)
    return filtered


def _fuller_fits(
    spec: FeatureSpec, values: Mapping[str, Any], raising: np.ndarray
) -> np.ndarray | None:
    """The rows whose `reason_fuller` says what the reason claims: it raises the risk and
    each further value sits on the risky side of its neutral point. "No purchase for 145
    days, 42% of their usual gap" raising the risk, beside "in their favour: silent 42%
    of their longest gap", told one fact both ways; such rows read with the days alone."""
    if not spec.reason_fuller:
        return None
    fits = raising.copy()
    for name, riskier, point in _fuller_sides(spec):
        if name in values:
            fits &= (np.asarray(values[name], dtype=np.float64) - point) * riskier > 0
    return fits


@lru_cache(maxsize=256)
def _fuller_sides(spec: FeatureSpec) -> tuple[tuple[str, float, float], ...]:
    """The values `reason_fuller` reads beyond `reason` that DOMAIN.md reads with a
    neutral point: (name, +1 where higher is riskier else -1, the neutral point)."""
    assert spec.reason_fuller is not None
    further = dict.fromkeys(template_fields(spec.reason_fuller, spec.name))
    for name in template_fields(spec.reason or "", spec.name):
        further.pop(name, None)
    sides = []
    for name in further:
        side, point = safer_when(name), neutral_at(name)
        if side is not None and not math.isnan(point):
            sides.append((name, 1.0 if side == "lower" else -1.0, point))
    return tuple(sides)


def unknown_levels(
    features: Mapping[str, Any], levels: Mapping[str, Sequence[str]]
) -> dict[str, np.ndarray]:
    """Per categorical feature holding any, the rows at a level the model does not know
    (`features.levels.unseen`): one pass per feature, shared by the reasons and a live
    response's notes."""
    found = {}
    for name, trained in levels.items():
        if name in features:
            outside = unseen(np.asarray(features[name], dtype=object), trained)
            if outside.any():
                found[name] = outside
    return found


def filled_blanks(features: Mapping[str, Any], fills: Collection[str]) -> dict[str, np.ndarray]:
    """Per attribute of `fills` (`ChurnModel.median_fills`: scored at its training median
    when blank) holding any, the blank rows (non-finite, as the model's input reads
    them): the score says nothing about such a cell, so no reason names it, and the
    notes of a batch and a live response say so."""
    found = {}
    for name in fills:
        if name in features:
            blank = ~np.isfinite(numbers(features[name]))
            if blank.any():
                found[name] = blank
    return found


def _unknown_derived_levels(
    derived: Sequence[tuple[int, str]], unknown: Mapping[str, np.ndarray]
) -> Iterator[tuple[int, np.ndarray]]:
    """The cells of a derived categorical feature (a lifecycle stage) at a level the model
    never trained on: read as a blank, it says nothing about the customer ("long-term
    customer (a level the model never trained on)" raised the risk of 320 CDNOW customers
    whose stage no training cutoff held). An attribute's unknown level stays a reason,
    flagged: the extract may write it otherwise. `derived`: the derived features' (column,
    name)."""
    for j, source in derived:
        if source in unknown:
            yield j, unknown[source]


NEUTRAL_WITHIN = 0.005
"""A value this close to its neutral point reads as it ("unchanged", "1.0×")."""


def _neutral_values(
    points: Sequence[tuple[int, str, float]], features: Mapping[str, Any]
) -> Iterator[tuple[int, np.ndarray]]:
    """The cells whose value reads as its feature's neutral point (`neutral_at`: no
    change, just the usual gap), whatever the direction known: "login unchanged versus
    the previous 30 days" raising the risk is a tree's compensation for another window,
    nothing the customer did. `points`: (column, name, neutral point) of the features
    that have one."""
    for j, source, point in points:
        if source in features:
            yield j, np.abs(numbers(features[source]) - point) < NEUTRAL_WITHIN


def _zeroed(contributions: np.ndarray, cells: Iterable[tuple[int, np.ndarray]]) -> np.ndarray:
    """`contributions` with the given (column, rows) cells set to zero: no reason may come
    from them. A copy, made only when a cell is set."""
    zeroed = contributions
    for j, rows in cells:
        if rows.any():
            zeroed = zeroed if zeroed is not contributions else contributions.copy()
            zeroed[rows, j] = 0.0
    return zeroed


OVERDUE, USE_OVERDUE = "overdue_ratio", "use_overdue_ratio"
RHYTHM = {
    "gap_median_days": OVERDUE,
    "gap_cv": OVERDUE,
    "active_gap_median_days": USE_OVERDUE,
    "active_gap_cv": USE_OVERDUE,
}
"""The rhythms, each feature with the lateness on it: the buying rhythm's pace and
regularity, and the pace and regularity of a usage log's active days."""
LATE_ON = {**RHYTHM, "days_since_last_purchase": OVERDUE, "days_since_last_event": USE_OVERDUE}
"""The rhythms and the silences, each with the lateness that breaks them."""


def _broken_rhythm(
    columns: Sequence[tuple[int, str]], features: Mapping[str, Any], cells: np.ndarray
) -> Iterator[tuple[int, np.ndarray]]:
    """The cells of a rhythm lowering the risk of a customer so overdue on it that the
    lifecycle calls them lapsed (`LAPSED_OVERDUE_RATIO`): "in their favour: usually buys
    every 3 days" of a customer silent for 149 days is a rhythm they broke, and so is
    "gaps between purchases vary by 16% of their average" of one 4.3x overdue on gaps of
    10, 11 and 8 days (371 of a grocery's worklist); so, of use, is "usually active every
    2 days" of a user silent for 20. So is the silence itself: "in their favour: no
    product use for 97 days" of a user 3.1x their usual gap, beside "lapsed customer"
    (98 of a listening log's worklist), is short only against the typical customer's.
    `columns`: (column, name) of the rhythms' and silences' (`LATE_ON`; none without
    them)."""
    for j, source in columns:
        overdue = LATE_ON[source]
        if overdue not in features:
            continue
        with np.errstate(invalid="ignore"):  # NaN: no rhythm to break
            broken = np.asarray(features[overdue], dtype=np.float64) >= LAPSED_OVERDUE_RATIO
        yield j, broken & (cells[:, j] < 0)


def _emptied_windows(
    columns: Sequence[tuple[int, str]], features: Mapping[str, Any], cells: np.ndarray
) -> Iterator[tuple[int, np.ndarray]]:
    """The cells of a window of activity (purchases, spend, active days, events:
    `_activity_kind`) lowering the risk of a customer lapsed-overdue on that activity's
    rhythm (`_broken_rhythm`) whose silence spans half the window or more: what the window
    holds is behind the silence, no sign they are still there. "in their favour: active
    on 4 of the last 90 days" beside "no product use for 72 days, 10.3x their usual gap"
    (70 of a login log's users silent 30 days or more were told such a count in their
    favour; 34 keep it, silent 30 to 44 days: most of the window was theirs).
    `columns`: (column, name) of the windows of activity."""
    silent = {}  # per kind, the silence of the lapsed-overdue, NaN for the others
    for kind, (silence, overdue) in _LATENESS.items() if columns else ():
        if silence in features and overdue in features:
            with np.errstate(invalid="ignore"):  # NaN: no rhythm to be late on
                lapsed = numbers(features[overdue]) >= LAPSED_OVERDUE_RATIO
            silent[kind] = np.where(lapsed, numbers(features[silence]), np.nan)
    for j, source in columns:
        days, late = window_days(source), silent.get(_activity_kind(source))
        if late is not None and days is not None:
            with np.errstate(invalid="ignore"):
                yield j, (late >= days / 2) & (cells[:, j] < 0)


WALLET, SPEND = "wallet_365d", "spend_365d"


def _outspent_wallet(
    columns: Sequence[int], features: Mapping[str, Any]
) -> Iterator[tuple[int, np.ndarray]]:
    """The wallet's cells of customers who spent at least that much with us in the year:
    "customers like them spend up to 1,780 a year" beside a customer's own 5,302 (10 of
    a superstore's 60 wallet reasons) says nothing of them, but reads as if the product
    had their spend wrong. `columns`: the wallet's (none without it)."""
    if WALLET not in features or SPEND not in features:
        return
    with np.errstate(invalid="ignore"):  # NaN: unknown, no claim either way
        outspent = np.asarray(features[SPEND], dtype=np.float64) >= np.asarray(
            features[WALLET], dtype=np.float64
        )
    for j in columns:
        yield j, outspent


TENURE, STAGE, LAST_USE = "tenure_days", "lifecycle_stage", "days_since_last_event"
ANNIVERSARY = "days_until_anniversary"
LAPSED, FIRST_TIME = "lapsed", "first-time"


def _lapsed_in_favour(
    columns: Sequence[int], features: Mapping[str, Any], cells: np.ndarray
) -> Iterator[tuple[int, np.ndarray]]:
    """The stage's cells lowering the risk of a lapsed customer: the lapse is the churn
    DOMAIN.md's retailer looks for, and "in their favour: lapsed customer" beside "no
    purchase for 324 days" (561 of an e-commerce worklist's 4,651 rows) reads as the
    product contradicting itself. `columns`: the stage's (none without it)."""
    if STAGE not in features:
        return
    lapsed = np.asarray(features[STAGE], dtype=object) == LAPSED
    for j in columns:
        yield j, lapsed & (cells[:, j] < 0)


def _lone_purchase_pace(
    columns: Sequence[int], features: Mapping[str, Any]
) -> Iterator[tuple[int, np.ndarray]]:
    """The pace's cells of a customer with one purchase, which sets no pace: "buying at
    0% of their usual pace" was told of 1,274 one-order customers of an e-commerce log,
    whose silence is its own reason. The model reads the pace as it was trained to.
    `columns`: the pace's (none without it)."""
    if ORDERS_TOTAL not in features:
        return
    lone = numbers(features[ORDERS_TOTAL]) < 2
    for j in columns:
        yield j, lone


AGES = ("days_since_first_purchase", TENURE)
LAST_PURCHASE = "days_since_last_purchase"


def _age_is_the_silence(
    columns: Sequence[tuple[int, str]],
    silences: Sequence[tuple[int, str]],
    features: Mapping[str, Any],
    cells: np.ndarray,
) -> Iterator[tuple[int, np.ndarray]]:
    """The customer-age cells of a customer whose only purchase day, or only day of use,
    began it, where the silence's own reason tells it (its cell still a candidate). "No
    purchase for 136 days" beside "in their favour: first purchase on record 136 days
    ago" told one day both ways (25 of an e-commerce log's 65 such reasons), and so did
    "no product use for 12 days" beside "in their favour: customer for 12 days" (38
    students at the top of a learning platform's worklist). A silence shorter than the
    typical is no reason raising the risk, and then the age tells the day: a toy shop's
    one-time buyers of 124 days ago (typical silence 145) had read no reason at all.
    `columns`, `silences`: (column, name) of the ages and of the silences."""
    told = [(numbers(features[name]), cells[:, k] != 0) for k, name in silences if name in features]
    for j, source in columns if told else ():
        if source in features:
            age = numbers(features[source])
            yield j, np.logical_or.reduce([(age == silence) & live for silence, live in told])


PAID_PERIOD = ("paid_days_left", "plan_days_last")
"""The features that place a member in their billing cycle (`features/subscription.py`)."""


def _billing_cycle(
    declared: Sequence[tuple[int, FeatureSpec]], features: Mapping[str, Any], cells: np.ndarray
) -> Iterator[tuple[int, np.ndarray]]:
    """The cells whose value only says where the cutoff falls in a paid-up member's
    billing cycle (`billing_cycle_only`); none without the paid period's features.
    `declared`: (column, spec) of the sources with a declaration."""
    if not all(name in features for name in PAID_PERIOD):
        return
    left, plan = (np.asarray(features[name], dtype=np.float64) for name in PAID_PERIOD)
    for j, spec in declared:
        rows = billing_cycle_only(
            spec, paid_days_left=left, plan_days=plan, raising=cells[:, j] > 0
        )
        if rows is not None:
            yield j, rows


OTHER_MODELS = frozenset({"p_alive_bgnbd", "expected_purchases_horizon_bgnbd"})
"""Features that are another model's answer to the same question: "under 1% likely to
still be an active buyer (BG/NBD)" beside a churn risk of 8% (20 of a grocery worklist's
customers under 20%) read as the product contradicting itself, and so did the expected
purchases, which carry that probability: "fewer than 0.001 purchases expected in the next
90 days at their buying rate so far" beside 58% for an H&M customer buying 5 times a
quarter, the top reason of 785 of 977. The model uses both; the silence and pace they are
computed from are reasons of their own."""


ONE_STORY = frozenset({"cancellations", "subscription"})
"""Families whose features tell one event or state from several sides: "cancelled since
their last payment: yes", "cancelled 12 days ago" and "1 cancellation in the last 365
days" took three of a customer's four reasons for one click; "paid period ends in 10
days (annual plan)" raising the risk beside "in their favour: annual plan" told one paid
period both ways."""


SILENCE_STORIES = (
    ("days_since_last_purchase", "overdue_ratio"),
    ("days_since_last_event", "use_overdue_ratio"),
)
"""A silence and the same silence against the customer's own rhythm, one fact: "no
product use for 18 days" raised the risk of 207 of a MOOC's 3,097 learners beside "in
their favour: no product use for 18 days, 82% of their usual gap between active days".
Told one way, the fuller words say both (`_without_repeats`); told both ways, only the
stronger, and only the way the two add up to (`Explainer._silences`)."""


ONE_DAY = (
    (
        LAST_PURCHASE,
        ("gap_median_days", OVERDUE),
        re.compile(rf"orders_(\d+d|total)|{STAGE}|(spend|orders)_trend_\d+d_vs_prev"),
    ),
    (
        LAST_USE,
        ("active_gap_median_days", USE_OVERDUE),
        re.compile(
            r"(active_days|events_.+)_\d+d|(events|events_.+|quantity_.+)_trend_30d_vs_prev"
        ),
    ),
)
"""Per kind of occasion, the one day of a customer who has had a single purchase day (or
day of use): (their silence, the rhythms that day leaves unknown, the other features
that tell it: the counts that hold it, and the stage that calls a single purchase
first-time, and a trend down 100% whose window before held it). "fewer than two active
days: no rhythm of use yet", "active on 1 of the last 90 days" and "1 activity event in
the last 90 days" told one login three times (1,246 of a login log's 2,905 scored users
had two of them, 324 all three), "first-time customer" beside "fewer than two purchase
days: no buying rhythm yet" one basket (11,836 of Ta Feng's 32,266 customers), and "in
their favour: commit down 100% versus the previous 30 days" a one-day contributor's
commit 56 days ago: one fact, one reason (`_one_day_cells`)."""


def _one_day_cells(
    silence: str, rhythms: Sequence[str], names: Sequence[str], features: Mapping[str, Any]
) -> np.ndarray | None:
    """Per row and each of `names` (a `ONE_DAY` story's features), whether the cell tells
    the customer's one day: rows whose rhythm is unknown while their silence is known
    (a single day), their rhythms' cells and the others' where they tell it
    (`_tells_the_day`). None where no row has a single day."""
    if silence not in features or rhythms[0] not in features:
        return None
    gap, silent = numbers(features[rhythms[0]]), numbers(features[silence])
    one_day = np.isnan(gap) & np.isfinite(silent)
    if not one_day.any():
        return None
    cells = []
    for name in names:
        cells.append(one_day if name in rhythms else one_day & _tells_the_day(name, features))
    return np.column_stack(cells)


def _tells_the_day(name: str, features: Mapping[str, Any]) -> np.ndarray | bool:
    """Per row, whether a `ONE_DAY` story's feature other than its rhythms tells the one
    day: a count holding it (above 0: an empty window is the silence's to say,
    `_said_by_silence`), a trend down 100% (the day in the window before), or the stage
    calling the customer first-time (one purchase)."""
    if name not in features:
        return False
    if name == STAGE:
        return np.asarray(features[STAGE], dtype=object) == FIRST_TIME
    if _TREND.search(name):
        return numbers(features[name]) == -1.0
    return numbers(features[name]) > 0


_OF_TYPE = r"(?:events|quantity)_{}_(\d+d|trend_30d_vs_prev)"
"""An event type's counts, quantities and their trends (`features.usage`), by its slug."""


def _type_story(silence: str, sources: Sequence[str]) -> list[tuple[int, str]]:
    """(column, source) of an event type's silence and of its counts, quantities and
    trends among `sources`: "no merge yet" and "0 merge events in the last 90 days" tell
    one fact (`_type_silence_cells`). The silence's name is the type's slug after
    `days_since_last_`, or before `_event` where another feature took the plain name
    (`features.context.last_of`). Empty where the type has nothing else."""
    slug = silence.removeprefix("days_since_last_")
    slugs = {slug, slug.removesuffix("_event")}
    counts = [
        (j, source)
        for j, source in enumerate(sources)
        if any(re.fullmatch(_OF_TYPE.format(re.escape(t)), source) for t in slugs)
    ]
    return [(sources.index(silence), silence), *counts] if counts else []


def _type_silence_cells(names: Sequence[str], features: Mapping[str, Any]) -> np.ndarray | None:
    """Per row and each of `names` (an event type's silence first, then its windows:
    `_type_story`), whether the cell tells that the type was not seen for as long as its
    silence says: the silence itself where it is at least the shortest window or the type
    never came, a count or quantity of 0 in a window the silence covers, a trend down
    100% whose last window it covers, or unknown with both windows inside it. 14 of a
    contributor log's 119 read "no merge yet" beside "0 merge events in the last 90
    days". None without the silence."""
    if names[0] not in features:
        return None
    silent = numbers(features[names[0]])
    silent = np.where(np.isnan(silent), np.inf, silent)  # never: every window is empty
    windows = [window_days(name) or 0 for name in names[1:]]
    cells = [silent >= min(windows)]
    for name, days in zip(names[1:], windows, strict=True):
        if name not in features:
            cells.append(np.zeros(len(silent), dtype=bool))
            continue
        nothing_at = -1.0 if _TREND.search(name) else 0.0
        cells.append(_empty_window(numbers(features[name]), silent, days, nothing_at))
    return np.column_stack(cells)


def _gaps_alike(features: Mapping[str, Any], longest: str, usual: str) -> np.ndarray | None:
    """Per row, whether the silence against the longest gap is the one against the usual
    gap (every gap alike, or one gap)."""
    if longest not in features or usual not in features:
        return None
    against_longest, against_usual = numbers(features[longest]), numbers(features[usual])
    return np.isclose(against_longest, against_usual) & np.isfinite(against_longest)


def _past_every_gap(features: Mapping[str, Any]) -> np.ndarray | None:
    """Per row, whether the silence is longer than the longest gap (and so than all)."""
    if "silence_vs_longest_gap" not in features:
        return None
    return numbers(features["silence_vs_longest_gap"]) > 1


def _first_year(features: Mapping[str, Any]) -> np.ndarray | None:
    """Per row, whether the customer is in their first year (their anniversary is their
    tenure to a year)."""
    return numbers(features[TENURE]) < YEAR_DAYS if TENURE in features else None


RowsOf = Callable[[Mapping[str, Any]], np.ndarray | None]
TOLD_ALIKE: tuple[tuple[tuple[str, str], RowsOf], ...] = (
    (
        (LAST_PURCHASE, "silence_vs_longest_gap"),
        partial(_gaps_alike, longest="silence_vs_longest_gap", usual=OVERDUE),
    ),
    (
        (LAST_USE, "use_silence_vs_longest_gap"),
        partial(_gaps_alike, longest="use_silence_vs_longest_gap", usual=USE_OVERDUE),
    ),
    (("silence_beyond_gaps_share", "silence_vs_longest_gap"), _past_every_gap),
    ((TENURE, ANNIVERSARY), _first_year),
)
"""Pairs of features that tell one fact on the rows a function says: a silence against
the longest gap where every gap is alike is the silence against the usual gap its
fuller words say ("silent 45.0× their only gap between active days so far" beside "no
product use for 45 days, 45.0× their only gap ...", 24 of a Q&A site's 342 users);
"silent 18.7× their longest gap so far" is "silent for longer than all of their past
gaps" (41 of a wholesaler's 2,013 stores); a first-year customer's first anniversary
is their tenure to a year ("first signup anniversary in 336 days" beside "customer for
29 days")."""


def _stories(
    sources: Sequence[str],
    by_name: Mapping[str, FeatureSpec],
    twins: Sequence[Sequence[str]] = (),
) -> list[list[int]]:
    """The columns of each `ONE_STORY` family told by more than one feature, and of each
    group of `twins`: attributes that are one number in another unit (a telecom
    extract's "Total day charge" is its "Total day minutes" x 0.17; the pair took two of
    three reasons of 45 of 101 high-risk customers)."""
    stories: dict[str, list[int]] = {}
    for j, source in enumerate(sources):
        spec = by_name.get(source)
        if spec is not None and spec.family in ONE_STORY:
            stories.setdefault(spec.family, []).append(j)
    column_of = {source: j for j, source in enumerate(sources)}
    for k, group in enumerate(twins):
        stories[f"twins {k}"] = [column_of[name] for name in group if name in column_of]
    return [columns for columns in stories.values() if len(columns) >= 2]


def _strongest_of_each_story(
    candidates: np.ndarray,
    contributions: np.ndarray,
    stories: Sequence[Sequence[int]],
    rows: np.ndarray | None = None,
) -> np.ndarray:
    """`candidates` with only the strongest cell of each `ONE_STORY` family per row, and
    only where it moves the risk the way the family's `contributions` add up to (a copy
    if any other is set to zero): a cancelled annual member at 99.6%, their period ending
    in 42 days (+0.40) on an annual plan (-0.32), read "in their favour: annual plan"
    where the end's cell was no reason. `stories`: see `_stories`; `rows`: where the
    columns tell one story (default: every row), per row or per cell (a row's cells
    outside it are left as they are)."""
    kept = candidates
    for columns in stories:
        cells = candidates[:, columns]
        inside = np.ones(cells.shape, dtype=bool) if rows is None else rows
        inside = np.broadcast_to(inside[:, None] if inside.ndim == 1 else inside, cells.shape)
        strongest = np.zeros(cells.shape, dtype=bool)
        strongest[np.arange(len(cells)), np.abs(np.where(inside, cells, 0.0)).argmax(axis=1)] = True
        summed = np.where(inside, contributions[:, columns], 0.0).sum(axis=1)
        strongest &= np.sign(cells) == np.sign(summed)[:, None]
        strongest |= ~inside
        kept = kept.copy() if kept is candidates else kept
        kept[:, columns] = np.where(strongest, cells, 0.0)
    return kept


class _Blanks(NamedTuple):
    """Per row, the blank attributes told as one reason (`_blanks_as_one`)."""

    column: np.ndarray
    """The column the reason is told from (-1: none)."""
    contribution: np.ndarray
    """Their contributions summed."""
    words: dict[int, str]
    """Per row told so, the reason's text."""


BLANKS_NAMED = 3
"""Blank attributes one reason names before "and N more"."""


def _blanks_as_one(
    blankable: Sequence[tuple[int, str]], features: Mapping[str, Any], candidates: np.ndarray
) -> tuple[np.ndarray, _Blanks | None]:
    """The candidates with a row's blank attributes told as one reason: their summed
    contribution on the strongest of them that moves the risk the same way. A snapshot's
    usage fields are blank together when a customer did not recharge, and 1,035 of an
    operator's 4,044 customers had two or more of their three risk reasons read "X: not
    recorded", one fact told thrice (one of them "in their favour"). `blankable`: the
    attributes' (column, reason words before ": not recorded")."""
    present = [(j, words, name) for j, words, name in blankable if name in features]
    if len(present) < 2:
        return candidates, None
    columns = np.array([j for j, _, _ in present])
    blank = np.column_stack([missing_mask(features[name]) for _, _, name in present])
    cells = np.where(blank, candidates[:, columns], 0.0)
    rows = np.flatnonzero((cells != 0).sum(axis=1) >= 2)
    if not len(rows):
        return candidates, None
    cells = cells[rows]
    total = cells.sum(axis=1)
    along = cells * np.sign(total)[:, None] > 0
    strength = np.where(along, np.abs(cells), -1.0)
    lead = columns[strength.argmax(axis=1)]
    told = candidates.copy()
    told[rows[:, None], columns[None, :]] = np.where(cells != 0, 0.0, told[rows][:, columns])
    told[rows, lead] = total
    column = np.full(len(candidates), -1)
    column[rows] = lead
    summed = np.zeros(len(candidates))
    summed[rows] = total
    words = {}
    for k, row in enumerate(rows.tolist()):
        order = np.argsort(-strength[k], kind="stable")[: int(along[k].sum())]
        if names := [present[i][1] for i in order.tolist()]:
            words[row] = _listed(names) + ": not recorded"
    return told, _Blanks(column, summed, words)


def _listed(names: list[str]) -> str:
    """'a', 'a and b', 'a, b and c', 'a, b, c and 2 more'."""
    if len(names) > BLANKS_NAMED:
        return f"{', '.join(names[:BLANKS_NAMED])} and {len(names) - BLANKS_NAMED} more"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _stage_told_by_tenure(features: Mapping[str, Any]) -> np.ndarray:
    """The rows whose lifecycle stage their tenure decides (`stages_of_tenure`): there
    the two are one story, the customer's age, told once and only the way their
    contributions add up to ("customer for 365 days" raising the risk beside "in their
    favour: long-term customer": 7 of a club's high band). A lapsed stage is a fact of its
    own, and a first purchase's the one day's (`ONE_DAY`)."""
    stage = np.asarray(features[STAGE], dtype=object)
    decided = stages_of_tenure(with_purchases=ORDERS_TOTAL in features)
    return np.logical_or.reduce([stage == level for level in decided])


def _of_numbers(learned: Mapping[str, int], levels: Collection[str]) -> dict[str, int]:
    """The `learned` directions of the features the model reads as numbers (not among its
    categorical `levels`): a model packaged before directions kept to them holds one for
    Ta Feng's district codes (PIN_CODE -1, turning at 114.5), an order they do not have."""
    return {name: sign for name, sign in learned.items() if name not in levels}


def _domain_directions(sources: Sequence[str]) -> dict[str, int]:
    """+1 where DOMAIN.md reads higher values as riskier, -1 as safer (`safer_when`)."""
    sides = {source: safer_when(source) for source in sources}
    return {source: 1 if side == "lower" else -1 for source, side in sides.items() if side}


def explain(
    features: Mapping[str, Any],
    contributions: np.ndarray,
    *,
    specs: Sequence[FeatureSpec],
    columns: Sequence[str],
    source_of: Mapping[str, str],
    means: Mapping[str, float],
    directions: Mapping[str, int] | None = None,
    pivots: Mapping[str, float] | None = None,
    crossings: Mapping[str, float] | None = None,
    raising: int = RAISING,
    lowering: int = LOWERING,
    never: Collection[str] = (),
    levels: Mapping[str, Sequence[str]] | None = None,
    capped: Collection[str] = (),
    unknown: Mapping[str, np.ndarray] | None = None,
) -> list[list[Reason]]:
    """The top reasons per row of `features` (a frame or plain columns), in row order;
    no lowering one from the risky side (module docstring; `directions` are the model's).
    Which side of the typical customer a value sits on is judged against `pivots` (the
    model's training medians: the same for a batch and a live request), else `means`.
    Features in `never` are no reasons (`reasons.never`: attributes not to act on). A
    categorical value not among the model's trained `levels` says so: the model read it
    as unknown ("credit rating: 8-Worst" raised the risk as a blank would); in the
    `capped` ones (rarer training levels left out) it may be a rare level training held.
    `unknown`: those rows per feature (`unknown_levels`), when the caller has them."""
    explainer = Explainer(
        specs=specs,
        columns=columns,
        source_of=source_of,
        directions=directions or {},
        pivots=pivots or {},
        crossings=crossings or {},
        raising=raising,
        lowering=lowering,
        never=never,
        levels=levels or {},
        capped=capped,
    )
    return explainer.explain(features, contributions, means, unknown)


@dataclass(frozen=True, eq=False)
class Explainer:
    """`explain` for one model: what depends on the model alone (its columns grouped by
    source, which features are directed, neutral, derived, hidden or one story) is
    worked out once, not on every call. A live run explains a few rows, where this was
    a third of the reasons' cost; serving keeps one per loaded model (`Loaded`)."""

    specs: Sequence[FeatureSpec]
    columns: Sequence[str]
    source_of: Mapping[str, str]
    directions: Mapping[str, int]
    pivots: Mapping[str, float]
    crossings: Mapping[str, float] = field(default_factory=dict)
    """Where each learned direction's contributions turn (`_directed`)."""
    raising: int = RAISING
    lowering: int = LOWERING
    never: Collection[str] = ()
    levels: Mapping[str, Sequence[str]] = field(default_factory=dict)
    capped: Collection[str] = ()
    twins: Sequence[Sequence[str]] = ()
    """Groups of attributes that are one number in different units (`_stories`)."""
    filled: Collection[str] = ()
    """The attributes scored at their training median when blank (`filled_blanks`)."""
    sides: Mapping[str, Any] = field(default_factory=dict)
    """Where each feature's values churned more or less than the training rows overall
    (`churn.sides.churn_sides`): judges the features no direction judges."""
    contrary_sides: Mapping[str, Any] = field(default_factory=dict)
    """The `sides` again at the smaller ratio that suffices to contradict a reason
    (`churn.sides.CONTRARY_RATIO`); none in a model packaged before, whose `sides` judge
    alone."""
    bands: Mapping[str, Sequence[float]] = field(default_factory=dict)
    """Per numeric attribute, the lowest and highest value that reads as the typical
    customer's (`churn.typical.typical_bands`); none in a model packaged before."""
    rarer: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    """Per `capped` column, its rarer training levels together (`churn.sides.rarer_levels`):
    what a level the model does not know is read with; none in a model packaged before."""

    @classmethod
    def for_model(cls, model: ChurnModel) -> Explainer:
        """The model's own: its columns, learned directions, training medians, levels,
        twin attributes and `reasons.never`, and the attributes it scores at their median
        when blank."""
        return cls(
            specs=model.specs,
            columns=model.layout.safe_names,
            source_of=model.layout.name_of,
            directions=_of_numbers(model.info.get("risk_directions") or {}, model.layout.levels),
            pivots=model.info.get("reason_pivots") or {},
            crossings=model.info.get("risk_crossings") or {},
            never=model.config.reasons.never,
            levels=model.layout.levels,
            capped=model.layout.capped,
            twins=model.info.get("twin_attributes") or (),
            filled=tuple(model.median_fills),
            sides=model.info.get("churn_sides") or {},
            contrary_sides=model.info.get("contrary_sides") or {},
            bands=model.info.get("typical_bands") or {},
            rarer=model.info.get("rarer_levels") or {},
        )

    @cached_property
    def grouping(self) -> Grouping:
        return Grouping.of(self.columns, self.source_of)

    @cached_property
    def by_name(self) -> dict[str, FeatureSpec]:
        return {spec.name: spec for spec in self.specs}

    @cached_property
    def _domain(self) -> dict[str, int]:
        return _domain_directions(self.grouping.sources)

    @cached_property
    def _directed_by_pivots(self) -> _Directed | None:
        """The directed features judged against the training medians, all present."""
        return _directed(
            self.grouping.sources, None, self.directions, self._domain, self.pivots, self.crossings
        )

    def _directed_for(
        self, features: Mapping[str, Any], middle: Mapping[str, float]
    ) -> _Directed | None:
        if middle is self.pivots:
            directed = self._directed_by_pivots
            if directed is None or all(source in features for source in directed.sources):
                return directed
        return _directed(
            self.grouping.sources, features, self.directions, self._domain, middle, self.crossings
        )

    @cached_property
    def _trends(self) -> list[tuple[int, int]]:
        """(column, days its windows reach back) of each trend a missing value tells
        ("no spend in the 90 days before the last 90")."""
        found = []
        for j, spec in self._declared:
            if _TREND.search(spec.name) and spec.reason_missing and spec.reach_days:
                found.append((j, spec.reach_days))
        return found

    def _before_the_start(self, features: Mapping[str, Any]) -> Iterator[tuple[int, np.ndarray]]:
        """The missing trends of customers whose record began within the trend's windows:
        "no product use in the 30 days before the last 30" of a user who first came 12
        days ago says they were not there yet, not that they went quiet (156 of 179 such
        reasons on a ratings log); their tenure tells it."""
        if not self._trends or TENURE not in features:
            return
        tenure = numbers(features[TENURE])
        for j, days in self._trends:
            source = self.grouping.sources[j]
            if source in features:
                yield j, np.isnan(numbers(features[source])) & (tenure < days)

    @cached_property
    def _typical_of(self) -> dict[str, float]:
        """The typical value (training median) of each feature whose reason says it beside
        its own (`reason_typical`): "TotalCharges 1,430.05 (typical 1,419.4)" and "months
        16" beside a median of 16 read as "being typical is risky" (`_against_the_data`)."""
        return {
            name: float(self.pivots[name])
            for name, spec in self.by_name.items()
            if spec.reason_typical and math.isfinite(self.pivots.get(name, math.nan))
        }

    @cached_property
    def _sides_judged(self) -> tuple[Sides, dict[str, int]]:
        """The sides of the features DOMAIN.md does not read, with their columns: where it
        reads one, its reading wins. A direction the model learned is no defence: collinear
        columns compensate each other, and an operator's recharge count, riskier the
        higher as the trees weighed it against its twin, churned at a third of the rate
        above 2 recharges."""
        sources = self.grouping.sources
        names = [source for source in sources if source not in self._domain]
        columns = {source: j for j, source in enumerate(sources)}
        return Sides.of(self.sides, names, self.contrary_sides), columns

    def _against_the_data(
        self, features: Mapping[str, Any], candidates: np.ndarray
    ) -> Iterator[tuple[int, np.ndarray]]:
        """The cells of features DOMAIN.md does not read whose sign says the opposite of
        what the training rows say of their value (`churn.sides`): raising the risk from
        values that churned clearly less than the rest, or lowering it from values that
        churned clearly more, or from a value most customers hold that churns like the
        rest, or from one by the typical customer's (`_near_typical`) whose side the data
        do not back. "DATA_VOLUME 8,835 (typical 189)" raised the risk of a customer at
        0.3%. A claim needs less to contradict it than to back it (`contrary_sides`):
        "in their favour: received calls 0 (typical 52.7)" was told 261 Cell2Cell
        customers where no received call churned at 1.19x the rest's rate."""
        if not self.sides:
            return
        sides, columns = self._sides_judged
        names, found = sides.of_rows(features, len(candidates))
        if not names:
            return
        at = [columns[name] for name in names]
        cells = candidates[:, at]
        side, contrary = found[:, :, 0], found[:, :, 1]
        against = ((cells > 0) & (contrary == SAFER)) | ((cells < 0) & (contrary == RISKIER))
        against |= (cells != 0) & (side == TYPICAL)
        near = [k for k, name in enumerate(names) if name in self._typical_of]
        if near:  # a value by the typical one speaks only where the data back its side
            close = self._near_typical(features, [names[k] for k in near])
            backed = side[:, near] == np.sign(cells[:, near])
            against[:, near] |= close & (cells[:, near] != 0) & ~backed
        for k in np.flatnonzero(against.any(axis=0)).tolist():
            yield at[k], against[:, k]

    def _near_typical(self, features: Mapping[str, Any], names: Sequence[str]) -> np.ndarray:
        """Per row and each of `names` (of `_typical_of`), whether the value reads as the
        typical customer's: within `TYPICAL_WITHIN` of the median, or inside the band of
        the training rows around it (`churn.typical`; "session_count 10 (typical 9)",
        where a tenth of the customers lie between 9 and 11 sessions)."""
        values = np.column_stack([numbers(features[name]) for name in names])
        typical = np.array([self._typical_of[name] for name in names])
        close = near_typical(values, typical)
        unbounded = (math.nan, math.nan)  # no band: comparisons with NaN are false
        low, high = np.array([self.bands.get(name, unbounded) for name in names]).T
        with np.errstate(invalid="ignore"):
            return close | ((values >= low) & (values <= high))

    @cached_property
    def _rarer_columns(self) -> list[tuple[int, str]]:
        return [(j, s) for j, s in enumerate(self.grouping.sources) if s in self.rarer]

    def _unbacked_rarer(
        self, unknown: Mapping[str, np.ndarray], cells: np.ndarray
    ) -> Iterator[tuple[int, np.ndarray]]:
        """The cells of a level the model does not know in a capped column, read with its
        rarer training levels (`rarer`), that move the risk otherwise than those levels'
        side says (`churn.sides.rarer_levels`; none: a group that churns like the rest
        says nothing of the customer). Cell2Cell's 573 rarer service areas churned at
        1.09x the rest's rate in training and 0.98x on its holdout, and "service area:
        NEVLMS619" raised the risk of 1,720 of its 10,210 holdout customers, each told
        it as a level the model did not know."""
        for j, source in self._rarer_columns:
            if source in unknown:
                side = self.rarer[source]["side"]
                yield j, unknown[source] & (np.sign(cells[:, j]) != side)

    def _unknown_words(self, source: str) -> str:
        """What a level the model does not know is read as, in `source` (`unseen_words`,
        `rarer_words`)."""
        if source in self.rarer:
            return rarer_words(self.rarer[source])
        return unseen_words(capped=source in self.capped)

    @cached_property
    def _neutral_points(self) -> list[tuple[int, str, float]]:
        points = ((j, source, neutral_at(source)) for j, source in enumerate(self.grouping.sources))
        return [(j, source, point) for j, source, point in points if not math.isnan(point)]

    @cached_property
    def _derived(self) -> list[tuple[int, str]]:
        derived = derived_names(self.specs)
        return [(j, source) for j, source in enumerate(self.grouping.sources) if source in derived]

    @cached_property
    def _declared(self) -> list[tuple[int, FeatureSpec]]:
        sources = enumerate(self.grouping.sources)
        return [(j, self.by_name[source]) for j, source in sources if source in self.by_name]

    @cached_property
    def _hidden(self) -> list[int]:
        """The columns no reason names: `reasons.never`, the season, another model's
        probability, a shop's models on invoices (the model uses them). The cutoff's month
        is the same for everyone scored at once: it moves every customer's risk and names
        nothing about this one ("seasonal timing (cutoff in month 12)" was half a
        worklist's reasons)."""
        specs = self.specs
        excluded = set(self.never) | {s.name for s in specs if s.mechanism is Mechanism.SEASONALITY}
        excluded |= OTHER_MODELS | unspoken_on_payments(specs)
        return [j for j, source in enumerate(self.grouping.sources) if source in excluded]

    @cached_property
    def _filled(self) -> dict[str, int]:
        """The `filled` attributes' columns."""
        filled = set(self.filled)
        return {source: j for j, source in enumerate(self.grouping.sources) if source in filled}

    def _columns_of(self, *names: str) -> list[int]:
        """The grouped columns of these sources (none where the model has none)."""
        return [j for j, _ in self._named_columns(*names)]

    def _named_columns(self, *names: str) -> list[tuple[int, str]]:
        """(column, source) of these sources (none where the model has none)."""
        return [(j, source) for j, source in enumerate(self.grouping.sources) if source in names]

    @cached_property
    def _rhythm(self) -> list[tuple[int, str]]:
        return self._named_columns(*LATE_ON)

    @cached_property
    def _stage(self) -> list[int]:
        return self._columns_of(STAGE)

    @cached_property
    def _pace(self) -> list[int]:
        return self._columns_of(PACE)

    @cached_property
    def _ages(self) -> list[tuple[int, str]]:
        return self._named_columns(*AGES)

    @cached_property
    def _silence_columns(self) -> list[tuple[int, str]]:
        return self._named_columns(LAST_PURCHASE, LAST_USE)

    @cached_property
    def _wallet(self) -> list[int]:
        return self._columns_of(WALLET)

    @cached_property
    def _blankable(self) -> list[tuple[int, str, str]]:
        """The attributes a blank is a reason of: (column, their words, name)."""
        found = []
        for j, source in enumerate(self.grouping.sources):
            spec = self.by_name.get(source)
            if spec is not None and spec.mechanism is Mechanism.ATTRIBUTE and spec.reason_missing:
                found.append((j, spec.reason_missing.removesuffix(": not recorded"), source))
        return found

    @cached_property
    def _stories(self) -> list[list[int]]:
        return _stories(self.grouping.sources, self.by_name, self.twins)

    @cached_property
    def _silences(self) -> list[list[int]]:
        column_of = {source: j for j, source in enumerate(self.grouping.sources)}
        pairs = ([column_of.get(name) for name in pair] for pair in SILENCE_STORIES)
        return [pair for pair in pairs if None not in pair]

    @cached_property
    def _type_silences(self) -> list[tuple[list[int], list[str]]]:
        """Per event type with a silence and a window of its own: the columns and names
        of its story (`_type_story`)."""
        sources = self.grouping.sources
        found = []
        for source in sources:
            if _told_with(source, self.by_name.get(source)) == LAST_USE:
                story = _type_story(source, sources)
                if story:
                    found.append(([j for j, _ in story], [name for _, name in story]))
        return found

    @cached_property
    def _one_day(self) -> list[tuple[str, tuple[str, ...], list[int], list[str]]]:
        """Per `ONE_DAY` kind the model tells from two features or more: its silence, its
        rhythms, and the columns and names of the features telling the one day."""
        found = []
        for silence, rhythms, counts in ONE_DAY:
            named = [
                (j, source)
                for j, source in enumerate(self.grouping.sources)
                if source in rhythms or counts.fullmatch(source)
            ]
            if len(named) >= 2:
                found.append((silence, rhythms, [j for j, _ in named], [s for _, s in named]))
        return found

    @cached_property
    def _windows(self) -> list[tuple[int, str]]:
        return [(j, s) for j, s in enumerate(self.grouping.sources) if _activity_kind(s)]

    @cached_property
    def _told_alike(self) -> list[tuple[list[int], RowsOf]]:
        """The `TOLD_ALIKE` stories the model tells from both features: their columns,
        and what says the rows where they tell one fact."""
        found = []
        for names, rows_of in TOLD_ALIKE:
            columns = self._columns_of(*names)
            if len(columns) == 2:
                found.append((columns, rows_of))
        return found

    @cached_property
    def _age_and_stage(self) -> list[list[int]]:
        """Tenure and the lifecycle stage, one story where tenure decides the stage."""
        columns = self._columns_of(TENURE, STAGE)
        return [columns] if len(columns) == 2 else []

    def explain(
        self,
        features: Mapping[str, Any],
        contributions: np.ndarray,
        means: Mapping[str, float],
        unknown: Mapping[str, np.ndarray] | None = None,
    ) -> list[list[Reason]]:
        """`explain` of these rows, with `means` (used where the model has no `pivots`)
        and the rows' `unknown` levels when the caller has them."""
        grouped = self.grouping.apply(contributions)
        by_name, raising, lowering = self.by_name, self.raising, self.lowering
        middle = self.pivots or means
        directed = self._directed_for(features, middle)
        candidates = _against_direction(
            grouped.values, directed, features, strict=bool(self.pivots)
        )
        if unknown is None:
            unknown = unknown_levels(features, self.levels)
        candidates = _zeroed(candidates, self._against_the_data(features, candidates))
        candidates = _zeroed(candidates, self._before_the_start(features))
        candidates = _zeroed(candidates, _neutral_values(self._neutral_points, features))
        candidates = _zeroed(candidates, _unknown_derived_levels(self._derived, unknown))
        candidates = _zeroed(candidates, self._unbacked_rarer(unknown, candidates))
        blanks = filled_blanks(features, self._filled).items()
        candidates = _zeroed(candidates, ((self._filled[name], rows) for name, rows in blanks))
        candidates = _zeroed(candidates, _billing_cycle(self._declared, features, candidates))
        candidates = _zeroed(candidates, _broken_rhythm(self._rhythm, features, candidates))
        candidates = _zeroed(candidates, _emptied_windows(self._windows, features, candidates))
        candidates = _zeroed(candidates, _outspent_wallet(self._wallet, features))
        candidates = _zeroed(candidates, _lapsed_in_favour(self._stage, features, candidates))
        if self._hidden:  # before the age reads whether the silence is told
            candidates = candidates.copy()
            candidates[:, self._hidden] = 0.0
        candidates = _zeroed(
            candidates, _age_is_the_silence(self._ages, self._silence_columns, features, candidates)
        )
        candidates = _zeroed(candidates, _lone_purchase_pace(self._pace, features))
        candidates = _strongest_of_each_story(candidates, grouped.values, self._stories)
        for pair in self._silences:
            cells = candidates[:, pair]
            both_ways = (cells > 0).any(axis=1) & (cells < 0).any(axis=1)
            if both_ways.any():
                candidates = _strongest_of_each_story(candidates, grouped.values, [pair], both_ways)
        for silence, rhythms, columns, names in self._one_day:
            one_day = _one_day_cells(silence, rhythms, names, features)
            if one_day is not None:
                candidates = _strongest_of_each_story(
                    candidates, grouped.values, [columns], one_day
                )
        for columns, names in self._type_silences:
            quiet = _type_silence_cells(names, features)
            if quiet is not None:
                candidates = _strongest_of_each_story(candidates, grouped.values, [columns], quiet)
        for columns, rows_of in self._told_alike:
            alike = rows_of(features)
            if alike is not None:
                candidates = _strongest_of_each_story(candidates, grouped.values, [columns], alike)
        if self._age_and_stage:
            told_once = _stage_told_by_tenure(features)
            candidates = _strongest_of_each_story(
                candidates, grouped.values, self._age_and_stage, told_once
            )
        candidates, blanks = _blanks_as_one(self._blankable, features, candidates)
        candidates = np.where(np.abs(candidates) < MIN_REASON_LOGIT, 0.0, candidates)
        # spares: a reason from a missing value with nothing to say goes, and so does one
        # saying again what a stronger one of another window says (below)
        rows, cols = pick(candidates, raising=raising + 3, lowering=lowering + 1)
        chosen = grouped.values[rows, cols]
        if blanks is not None:  # told as one: their sum, and the words naming them all
            merged = blanks.column[rows] == cols
            chosen = np.where(merged, blanks.contribution[rows], chosen)
        chosen = chosen.tolist()
        chosen_sources = {grouped.sources[c] for c in cols.tolist()}
        one_gaps = {
            rhythm: one_gap_rows(features, rhythm) for rhythm in (PURCHASE_RHYTHM, USE_RHYTHM)
        }
        one_gap = one_gaps[PURCHASE_RHYTHM]
        arrays = _columns_used(features, list(chosen_sources), by_name)
        values: list[float | str | None] = [None] * len(rows)
        texts: list[str | None] = [None] * len(rows)
        typicals: list[float | None] = [None] * len(rows)
        measures: list[object] = [None] * len(rows)
        # per picked reason, the kind of silence it tells or is said by (`SILENCE`; 0: none)
        silence, nothing = np.zeros(len(rows), dtype=np.int8), np.zeros(len(rows), dtype=np.int8)
        for col in np.unique(cols).tolist():  # one pass per chosen feature, not per reason
            at = np.flatnonzero(cols == col)
            picked = rows[at]
            source = grouped.sources[col]
            spec = by_name.get(source)
            if source in arrays:
                nothing[at] = _said_by_silence(
                    source, spec, arrays[source][picked], features, picked
                )
            shown = _plain(arrays[source][picked]) if source in arrays else [None] * len(at)
            rendered = [None] * len(at)
            said_typical = [None] * len(at)
            if spec is not None:
                filled = {
                    name: arrays[name][picked] for name in spec.placeholders() if name in arrays
                }
                fuller = _fuller_fits(spec, filled, np.asarray(chosen)[at] > 0)
                typical, band = self.pivots.get(source), self.bands.get(source)
                rendered = spec.render_many(filled, len(at), fuller, typical, band)
                said_typical = _typical_said(spec, filled, rendered, typical, band)
                rhythm = RHYTHM_OF.get(source)
                if rhythm is not None and (alone := one_gaps[rhythm]) is not None:
                    rendered = in_one_gap_words(rendered, alone[picked])
                if _TREND.search(source) and source in arrays:
                    rendered = _both_windows_empty(
                        rendered, arrays[source][picked], nothing[at], window_days(source)
                    )
                if (
                    _told_with(source, spec) == LAST_USE
                    and typical is not None
                    and source in arrays
                ):
                    favours = np.asarray(chosen)[at] < 0
                    rendered = _on_record(rendered, arrays[source][picked], favours, typical)
            if source in unknown:
                said = self._unknown_words(source)
                rendered = _flag_unseen(rendered, unknown[source][picked], said)
            if source == ANNIVERSARY and TENURE in features:
                rendered = _anniversary_words(rendered, shown, features, picked)
            if source in AGES and source in features:  # an age that tells the one day
                ages = numbers(features[source])[picked]
                kinds = _silence_of_the_age(features, ages, picked, self.never)
                rendered = _with_nothing_since(rendered, kinds)
                silence[at] = kinds * np.array([text is not None for text in rendered])
            told_as = _measures(source, spec, shown, features, picked)
            if source in SAID_BY_OVERDUE and one_gap is not None and OVERDUE in features:
                told_as = _lateness_of_one_gap(told_as, one_gap[picked], features, picked)
            for k, i in enumerate(at.tolist()):
                values[i], texts[i], measures[i] = shown[k], rendered[k], told_as[k]
                typicals[i] = said_typical[k]
                if blanks is not None and blanks.column[rows[i]] == col:
                    texts[i] = blanks.words.get(int(rows[i]), texts[i])
            if source in SILENCE:
                silence[at] = [SILENCE[source] if text else 0 for text in rendered]
        shown_means = {source: _known(means.get(source)) for source in chosen_sources}
        reasons: list[list[Reason]] = [[] for _ in range(len(contributions))]
        room = {"raises": raising, "lowers": lowering}
        told: set[tuple[int, str, object]] = set()
        rows_list, cols_list = rows.tolist(), cols.tolist()
        weaker = _weaker_of_both_ways(rows_list, measures, values, chosen)
        for i in _silence_said_first(rows, np.asarray(chosen) > 0, silence, nothing):
            if i in weaker:
                continue
            row, source = rows_list[i], grouped.sources[cols_list[i]]
            direction: Direction = "raises" if chosen[i] > 0 else "lowers"
            text = texts[i]
            if text is None and values[i] is None:
                continue  # "gap cv raises the risk" of a value not there says nothing
            if sum(r.direction == direction for r in reasons[row]) >= room[direction]:
                continue
            text = text or neutral_text(source, direction)
            # told already: "1 service call in the last 30 days" after "... 90 days", or the
            # same words from another feature ("fewer than two purchase days: no rhythm yet"),
            # which are never a reason both ways
            measure, words = (row, direction, measures[i]), (row, "words", text)
            if measure in told or words in told:
                continue
            told.add(measure)
            told.add(words)
            # positional: the fields' order (a batch builds millions of these)
            reasons[row].append(
                Reason(
                    source, values[i], chosen[i], shown_means[source], typicals[i], direction, text
                )
            )
        return [_without_repeats(listed) if len(listed) > 1 else listed for listed in reasons]


def _typical_said(
    spec: FeatureSpec,
    filled: Mapping[str, np.ndarray],
    rendered: Sequence[str | None],
    typical: float | None,
    band: Sequence[float] | None,
) -> list[float | None]:
    """Per rendered reason of `spec`, the typical value its text says beside the
    customer's own (`FeatureSpec.says_typical`), else None."""
    if spec.name not in filled or not spec.reason_typical:
        return [None] * len(rendered)
    said = spec.says_typical(filled[spec.name], typical, band).tolist()
    told = float(typical) if typical is not None else None
    return [told if beside and text else None for beside, text in zip(said, rendered, strict=True)]


UNSEEN = "a level the model never trained on: read as unknown"
UNKNOWN_OR_RARE = (
    "a level the model does not know, new or too rare in training to keep: read as unknown"
)


def unseen_words(*, capped: bool) -> str:
    """What a level the model does not know is, in words: in a `capped` column (its
    rarer training levels left out) it may be one training held."""
    return UNKNOWN_OR_RARE if capped else UNSEEN


def rarer_words(rarer: Mapping[str, float]) -> str:
    """What a level the model does not know in a capped column is read with, in words:
    the rarer training levels together (`churn.sides.rarer_levels`), a fact about the
    customer a retention caller can read, where "a level the model does not know" was
    one about the model. New levels are read with them too."""
    return (
        f"read with the {rarer['levels']:,.0f} rarer levels, whose customers churned at "
        f"{rarer['churn']:.1%} in training against {rarer['rest']:.1%} for the rest"
    )


def _flag_unseen(texts: list[str | None], outside: np.ndarray, said: str) -> list[str | None]:
    """Reason texts of values outside the trained levels (`outside`), saying how they were
    read (`said`)."""
    return [
        f"{text} ({said})" if text is not None and flagged else text
        for text, flagged in zip(texts, outside.tolist(), strict=True)
    ]


@lru_cache(maxsize=4096)
def window_family(name: str) -> str:
    """A feature's measure without its window: calls_30d and calls_90d are one measure
    (a reason of each reads as the same events told twice), spend_90d and spend_trend_90d
    are two."""
    return _WINDOW.sub("", name)


_WINDOW = re.compile(r"_\d+d$")
_TREND = re.compile(r"_trend_\d+d_vs_prev$")
OVERDUE, LATENESS = "overdue_ratio", "silence against their gaps"
USE_LATENESS = "silence of use against their gaps"
ONE_FACT = {
    TENURE: "customer age",
    "days_since_first_purchase": "customer age",
    "issues_unresolved": "open issues",
    "complaints_unresolved_30d": "open issues",
    LAST_USE: "last use",
    OVERDUE: LATENESS,
    "silence_vs_longest_gap": LATENESS,
    USE_OVERDUE: USE_LATENESS,
    "use_silence_vs_longest_gap": USE_LATENESS,
}
"""Features that tell one fact when their values agree: without a signup date tenure is
the first purchase's age ("customer for 343 days; first purchase 343 days ago"), one
open complaint is "1 unresolved complaint in the last 30 days" and "1 open complaint or
ticket", and a silence against gaps all alike (one gap, `serving/one_gap.py`) is "3.1×
their only gap so far" against the median or the longest. Some tell the fact of another
feature where they agree with it (`_told_with`)."""


def _measure(source: str, value: object) -> object:
    """What a reason tells: its measure across windows, or its fact with its value."""
    nothing = _nothing_bought_at(source)
    if nothing is not None and value == nothing:
        return NOTHING_BOUGHT
    if nothing == -1.0 and (value is None or value != value):  # unknown: nothing before
        return (NOTHING_BEFORE, window_days(source))
    fact = ONE_FACT.get(source)
    return window_family(source) if fact is None else (fact, value)


def _measures(
    source: str,
    spec: FeatureSpec | None,
    shown: Sequence[object],
    features: Mapping[str, Any],
    rows: np.ndarray,
) -> list[object]:
    """What each reason of `source` tells (`_measure`), for `rows` with values `shown`:
    where it agrees with the feature whose fact it tells (`_told_with`), that fact with
    that feature's value."""
    told_with = _told_with(source, spec)
    if told_with is None or told_with not in features:
        return [_measure(source, value) for value in shown]
    theirs = numbers(features[told_with])[rows].tolist()
    agree = [value == other for value, other in zip(shown, theirs, strict=True)]
    return [
        _measure(told_with, other) if same else _measure(source, value)
        for value, other, same in zip(shown, theirs, agree, strict=True)
    ]


def _lateness_of_one_gap(
    told_as: list[object], one_gap: np.ndarray, features: Mapping[str, Any], rows: np.ndarray
) -> list[object]:
    """The measures of a silence's share of past gaps, the overdue ratio's fact where
    there is one gap: "silent for longer than their only gap so far" beside "no purchase
    for 94 days, 3.1× their only gap so far" tells it twice."""
    late = numbers(features[OVERDUE])[rows].tolist()
    return [
        (LATENESS, ratio) if one else measure
        for measure, ratio, one in zip(told_as, late, one_gap.tolist(), strict=True)
    ]


def _told_with(source: str, spec: FeatureSpec | None) -> str | None:
    """The feature whose fact `source` tells where they agree: an event type's silence
    equal to the usage log's tells its last use ("no product use for 44 days" beside
    "last login 44 days ago": 123 of a SaaS log's 632), and an event count equal to the
    active days of its window tells those days, one event each, in an untyped log ("1
    activity event in the last 90 days" beside "active on 1 of the last 90 days"), and
    a lifetime total equal to the last year's tells that year's: "8 payments in the last
    365 days; 8 payments in total" filled two of the three risk reasons of a loyalty
    programme's whole top 200 (`YEAR_OF_TOTAL`). (Tenure and the stage it decides are one
    story: `_stage_told_by_tenure`.)"""
    counted = _EVENTS_IN_WINDOW.fullmatch(source)
    if counted is not None:
        return f"active_days_{counted[1]}d"
    if source in YEAR_OF_TOTAL:
        return YEAR_OF_TOTAL[source]
    usage_silence = spec is not None and spec.family == "usage" and source != LAST_USE
    return LAST_USE if usage_silence and source.startswith("days_since_last_") else None


YEAR_OF_TOTAL = {
    "orders_total": "orders_365d",
    "spend_total": "spend_365d",
    "margin_total": "margin_365d",
}
"""A lifetime total, and the same measure over the last year."""
_EVENTS_IN_WINDOW = re.compile(rf"events_{UNTYPED_EVENT}_(\d+)d")
"""An untyped log's count of events in a window: each of its active days holds one when
they are equal. (Not a type's count: 4 logins on one day beside 3 other days of other
events is 4 and 4, two facts.)"""


@lru_cache(maxsize=4096)
def _nothing_bought_at(source: str) -> float | None:
    """The value at which a feature says nothing was bought in its window: a count or a
    spend of 0, a trend down 100% (None: no such value). Cached: a batch asks it of
    every reason it considers."""
    if _BOUGHT_IN_WINDOW.fullmatch(source):
        return 0.0
    return -1.0 if _FELL_TO_NOTHING.fullmatch(source) else None


_BOUGHT_IN_WINDOW = re.compile(r"(spend|orders|category_breadth)_\d+d")
_BREADTH_CHANGE = re.compile(r"category_breadth_change_(\d+)d")
_FELL_TO_NOTHING = re.compile(r"(spend|orders)_trend_\d+d_vs_prev")
NOTHING_BOUGHT = "nothing bought in a window"
"""What "spent 0 in the last 90 days", "0 purchases in the last 90 days", "bought from
no category in the last 90 days" and "spend down 100% versus the previous 90 days" each
tell (two or three of them together for 455 of an online retailer's 4,251 customers):
one reason says it, the strongest."""


NOTHING_BEFORE = "nothing bought in the window before"
"""What "no spend in the 90 days before the last 90" and "no purchase in the 90 days
before the last 90" each tell, the spend and purchase trends unknown for one reason (31
of an H&M worklist's customers read both): one reason says it."""


BUYING, USING = 1, 2
SILENCE = {LAST_PURCHASE: BUYING, OVERDUE: BUYING, LAST_USE: USING, USE_OVERDUE: USING}
"""The features whose reason says how long the customer has been silent, by what they
stopped doing ("no purchase for 44 days, 3.7x their usual gap", "no product use for 12
days"): nothing bought, or nothing used, in any shorter window follows."""
_USED_IN_WINDOW = re.compile(r"(events_.+|active_days|quantity_.+|usage_.+)_\d+d")
_USE_FELL_TO_NOTHING = re.compile(r"(events|events_.+|quantity_.+|usage_.+)_trend_\d+d_vs_prev")


_LATENESS = {BUYING: (LAST_PURCHASE, OVERDUE), USING: (LAST_USE, USE_OVERDUE)}
"""Per kind of activity, its silence and the lateness against its rhythm."""


@lru_cache(maxsize=4096)
def _activity_kind(source: str) -> int:
    """Whether `source` counts buying in a window (purchases, spend, categories, the pace
    of the last 3 months: `BUYING`) or use (active days, events, quantities: `USING`); 0:
    neither. (A grocery shopper silent 69 days, 3.7x their usual gap, had read "in their
    favour: buying at 107% of their usual pace in the last 3 months".)"""
    if _BOUGHT_IN_WINDOW.fullmatch(source) or source == PACE:
        return BUYING
    return USING if _USED_IN_WINDOW.fullmatch(source) else 0


def _said_by_silence(
    source: str,
    spec: FeatureSpec | None,
    values: np.ndarray,
    features: Mapping[str, Any],
    rows: np.ndarray,
) -> np.ndarray:
    """Where `source`'s value (`values`, of `rows`) tells that nothing was bought in its
    window and the customer's silence says so: nothing bought there ("spent 0 in the
    last 90 days", a trend down 100%) with a silence at least the window long, or a trend
    unknown because both its windows are empty ("no spend in the 90 days before the last
    90") with a silence at least as long as the two. A 180-day trend down 100% beside
    "no payment for 165 days" is another fact: a refund, a free period. A change in
    breadth tells it where its window's own breadth is none ("bought from no category in
    the last 180 days, 1 fewer than the half-year before" beside "no purchase for 202
    days": 2,050 of an e-commerce worklist's 4,651 rows). So too for use and the usage
    log's silence ("0 activity events in the last 7 days" beside "no product use for 12
    days"), and an event type's silence equal to it (`_told_with`: "last comment 348 days
    ago" beside "no product use for 348 days, 53.5× their usual gap", whose lateness is no
    measure of the last use). Returns the kind of silence that says it (`SILENCE`), 0
    where none does."""
    if _told_with(source, spec) == LAST_USE and LAST_USE in features:
        last_use = numbers(features[LAST_USE])[rows]
        return (numbers(values) == last_use) * np.int8(USING)
    nothing_at, days = _nothing_bought_at(source), window_days(source)
    silence, fell = LAST_PURCHASE, _FELL_TO_NOTHING.fullmatch(source)
    change = _BREADTH_CHANGE.fullmatch(source)
    if change is not None and (now := f"category_breadth_{change[1]}d") in features:
        nothing_at, values = 0.0, np.asarray(features[now], dtype=np.float64)[rows]
    if nothing_at is None:  # nothing used: "0 login events in the last 7 days"
        silence, fell = LAST_USE, _USE_FELL_TO_NOTHING.fullmatch(source)
        nothing_at = -1.0 if fell else 0.0 if _USED_IN_WINDOW.fullmatch(source) else None
    if nothing_at is None or days is None or silence not in features:
        return np.zeros(len(rows), dtype=np.int8)
    silent = np.asarray(features[silence], dtype=np.float64)[rows]
    return _empty_window(numbers(values), silent, days, nothing_at) * np.int8(SILENCE[silence])


def _empty_window(
    values: np.ndarray, silent: np.ndarray, days: int, nothing_at: float
) -> np.ndarray:
    """Where a window's value says nothing happened in it (`nothing_at`: 0 for a count,
    -1 for a trend down 100%) and a silence of `silent` days covers it; a trend unknown
    because both its windows are empty, where the silence covers the two."""
    with np.errstate(invalid="ignore"):
        said = (values == nothing_at) & (silent >= days)
        if nothing_at == -1.0:
            said |= np.isnan(values) & (silent >= 2 * days)
    return said


def _anniversary_words(
    rendered: list[str | None],
    days: Sequence[object],
    features: Mapping[str, Any],
    rows: np.ndarray,
) -> list[str | None]:
    """A customer in their first year has no anniversary behind them: the nearer-return
    wording ("signup anniversary 10 days ago", `!w`) of one who signed up 10 days ago
    reads "first signup anniversary in 355 days". An anniversary gone is counted on the
    calendar from the cutoff (`_days_since_anniversary`), where `!w` has only the days
    until the next: 365 less them was one short in the year before a Feb 29."""
    tenure = numbers(features[TENURE])[rows].tolist()
    since = _days_since_anniversary(days, features, rows)
    said = list(rendered)
    for k, (text, until, age) in enumerate(zip(rendered, days, tenure, strict=True)):
        if text is None or not isinstance(until, float):
            continue
        if age < YEAR_DAYS:
            said[k] = f"first signup anniversary in {until:,.0f} day{'' if until == 1 else 's'}"
        elif until > HALF_YEAR_DAYS and since is not None:
            gone = since[k]
            said[k] = f"signup anniversary {gone:,.0f} day{'' if gone == 1 else 's'} ago"
    return said


def _days_since_anniversary(
    days: Sequence[object], features: Mapping[str, Any], rows: np.ndarray
) -> list[int] | None:
    """Per row, the days from the last anniversary to the cutoff: the next one (the
    cutoff plus `days` until it) a calendar year earlier. None without the cutoffs."""
    if "cutoff" not in features:
        return None
    cutoffs = pd.to_datetime(pd.Series(features["cutoff"]).iloc[rows].to_numpy())
    until = pd.to_timedelta(numbers(np.asarray(days, dtype=object)), unit="D")
    upcoming = cutoffs.normalize() + until
    gone = upcoming - pd.DateOffset(years=1)  # Feb 28 of a leap year stays Feb 28
    return (cutoffs.normalize() - gone).days.fillna(0).astype(int).tolist()


def _weaker_of_both_ways(
    rows: list[int], measures: list[object], values: list[object], chosen: list[float]
) -> set[int]:
    """The picked reasons whose measure and value one of the same customer tells the other
    way, the weaker of the two: one count in two windows is the same events ("36 activity
    events in the last 90 days" raising the risk beside "in their favour: 36 activity
    events in the last 30 days", all on one day), one fact, told once, the stronger way.
    Of a fact told by several reasons each way, all on the weaker side go ("last comment
    15 days ago" raising beside two "no product use for 15 days" lowering, of a one-day
    user: the stronger of those had stayed). Keyed on the few lowering picks: a batch
    picks hundreds of thousands."""
    keys = list(zip(rows, measures, values, strict=True))
    lowering: dict[tuple, list[int]] = {}
    for i, key in enumerate(keys):
        if chosen[i] < 0 and key[2] is not None:
            lowering.setdefault(key, []).append(i)
    weaker: set[int] = set()
    if not lowering:
        return weaker
    raising: dict[tuple, list[int]] = {}
    for i, key in enumerate(keys):
        if chosen[i] > 0 and key in lowering:
            raising.setdefault(key, []).append(i)
    for key, up in raising.items():
        down = lowering[key]
        stronger_up = max(abs(chosen[i]) for i in up) > max(abs(chosen[j]) for j in down)
        weaker.update(down if stronger_up else up)
    return weaker


def _silence_of_the_age(
    features: Mapping[str, Any], ages: np.ndarray, rows: np.ndarray, never: Collection[str]
) -> np.ndarray:
    """Per row, the kind of silence (`SILENCE`) a customer's age tells where their only
    purchase day, or day of use, began it (`_age_is_the_silence`): the windows it leaves
    empty are said by it, as by the silence. "customer for 147 days" beside "no lines
    added in the last 30 days" told a one-day contributor's day twice. None of a silence
    the config keeps out of reasons (`never`)."""
    kinds = np.zeros(len(rows), dtype=np.int8)
    for name, kind in ((LAST_PURCHASE, BUYING), (LAST_USE, USING)):
        if name in features and name not in never:
            same = (kinds == 0) & (ages == numbers(features[name])[rows])
            kinds[same] = kind
    return kinds


NOTHING_SINCE = {BUYING: "no purchase since", USING: "no product use since"}
"""What an age telling a customer's one day adds (`_with_nothing_since`), by its kind."""


def _with_nothing_since(rendered: list[str | None], kinds: np.ndarray) -> list[str | None]:
    """An age's reasons, each that tells the customer's one day (`kinds`: its silence's,
    `_silence_of_the_age`) saying that nothing followed it: "customer for 147 days" of a
    contributor whose one commit began it says their tenure, not that they left."""
    return [
        f"{text}, {NOTHING_SINCE[kind]}" if text is not None and kind else text
        for text, kind in zip(rendered, kinds.tolist(), strict=True)
    ]


def _silence_said_first(
    rows: np.ndarray, raising: np.ndarray, silence: np.ndarray, nothing: np.ndarray
) -> Sequence[int]:
    """The order in which to consider the picked reasons (strongest first): a reason
    that nothing was bought (or used) in a window (`nothing`: the kind of silence that
    says it) gives its place to the customer's silence of that kind (`silence`) when
    both are picked the same way for one customer, since the silence says it and says
    more ("spent 0 in the last 30 days" beside "no purchase for 44 days, 3.7x their
    usual gap" for 456 of a grocery's customers)."""
    key = (rows * 2 + raising) * 3
    affected = (nothing > 0) & np.isin(key + nothing, (key + silence)[silence > 0])
    if not affected.any():
        return range(len(rows))
    first_silence: dict[int, int] = {}
    for i in np.flatnonzero(silence).tolist():
        first_silence.setdefault(int(key[i] + silence[i]), i)
    order: list[int] = []
    placed: set[int] = set()
    for i, (said_by_silence, is_silence) in enumerate(
        zip(affected.tolist(), silence.tolist(), strict=True)
    ):
        j = first_silence[int(key[i] + nothing[i])] if said_by_silence else i
        if (said_by_silence or is_silence) and j in placed:
            continue
        order.append(j)
        placed.add(j)
    return order


BEFORE_THE_LAST = re.compile(r"(no .+?) in the (?:\d+ days|half-year) before the last(?: \d+)?")
"""A missing trend's words (`reason_missing`): what nothing was done in the window before."""


_LAST_OF_TYPE = re.compile(r"last (.+) (\S+ days? ago)")
"""An event type's silence in words (`features.usage`): "last answer 1113 days ago"."""


ON_RECORD_TIMES = 2
"""How many times the typical silence of a type a lowering one must be to read as the
type on record (`_on_record`), not as recent use."""


def _on_record(
    rendered: list[str | None], values: np.ndarray, lowering: np.ndarray, typical: float
) -> list[str | None]:
    """An event type's silence over twice the typical customer's (`ON_RECORD_TIMES`) that
    lowers the risk says what does: the type on record at all, against customers who
    never had one (a blank). "in their favour: last answer 1113 days ago" read as a long
    silence being good, said of 7 of a Stack Exchange site's 38 scored users; "answer on
    record, the last 1113 days ago" says it. A silence near the typical one is recency;
    where the typical customer never had one (`training.package._typical`: infinite),
    any is on record."""
    said = list(rendered)
    with np.errstate(invalid="ignore"):
        old = lowering & ((numbers(values) > ON_RECORD_TIMES * typical) | math.isinf(typical))
    for k in np.flatnonzero(old).tolist():
        text = said[k]
        found = _LAST_OF_TYPE.fullmatch(text) if text is not None else None
        if found is not None:
            said[k] = f"{found[1]} on record, the last {found[2]}"
    return said


def _both_windows_empty(
    rendered: list[str | None], values: np.ndarray, said_by_silence: np.ndarray, days: int | None
) -> list[str | None]:
    """A missing trend's words where the silence covers both its windows of `days` each
    (`said_by_silence` of a missing value, `_said_by_silence`): "no product use in the 30
    days before the last 30" read as use in the last 30, said of 184 users of a listening
    log silent 91 to 128 days whose silence was no reason of theirs; "no product use in
    the last 60 days" says both."""
    if days is None:
        return rendered
    missing = np.isnan(numbers(values)) & (said_by_silence > 0)
    for k in np.flatnonzero(missing).tolist():
        text = rendered[k]
        if text is not None and (found := BEFORE_THE_LAST.fullmatch(text)) is not None:
            rendered[k] = f"{found[1]} in the last {2 * days} days"
    return rendered


def _without_repeats(listed: list[Reason]) -> list[Reason]:
    """Drop a reason whose words another reason of the same direction already says:
    "no purchase for 163 days" beside "no purchase for 163 days, 8.6× their usual gap"."""
    return [
        reason
        for reason in listed
        if not any(
            other is not reason
            and other.direction == reason.direction
            and reason.text != other.text
            and reason.text in other.text
            for other in listed
        )
    ]


def _columns_used(
    features: Mapping[str, Any], sources: Sequence[str], by_name: Mapping[str, FeatureSpec]
) -> dict[str, np.ndarray]:
    """Only the columns the chosen reasons show or fill templates with, as arrays (a
    frame-wide conversion would dominate a live request)."""
    names = set(sources)
    for source in sources:
        if source in by_name:
            names.update(by_name[source].placeholders())
    return {name: np.asarray(features[name]) for name in names if name in features}


def _known(mean: float | None) -> float | None:
    return None if mean is None or math.isnan(mean) else mean


def neutral_text(name: str, direction: Direction) -> str:
    """The fallback when a template cannot be filled: names the feature, states no number."""
    return f"{name.replace('_', ' ')} {direction} the risk"


def _plain(values: np.ndarray) -> list[float | str | None]:
    """JSON-friendly values: numbers as float, levels as text, missing as None."""
    if values.dtype.kind in "biuf":
        numbers = values.astype(np.float64)
        return [
            None if gap else v for gap, v in zip(np.isnan(numbers), numbers.tolist(), strict=True)
        ]
    return [_plain_one(v) for v in values.tolist()]


def _plain_one(value: object) -> float | str | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_ | int | float | np.integer | np.floating):
        number = float(value)
        return None if math.isnan(number) else number
    return str(value)
