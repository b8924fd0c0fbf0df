"""Who gets attention: value, value at risk, risk band and value tier (DOMAIN.md section 3).

Value per customer, in order of preference:

1. the configured `value` column of the customers table (the business's own CLV), else
2. `spend_365d + historical_share × (spend_total − spend_365d)`: the current value (last
   year's spend, expected to repeat while behaviour stays as it is; on data shorter than
   the year, what they hold: `features.monetary.year_spend`) plus a share (default
   0.2) of the historical value realised before that year. Spend before the last year is
   counted only in part because it says less about what is at stake next year; it still
   separates a long-loyal customer from a new one with the same yearly spend.
   `spend_total` includes the last year, hence the subtraction (no double counting).
   Where the transactions map a `margin` (what each line earned after costs), the same
   sum of `margin_365d` and `margin_total`, of either sign and not floored: a customer
   whose lines lose money is worth less than nothing, and below zero (a Superstore
   export's `Profit`: 159 of 804 customers lost money over their lifetime).
3. Neither known (a labelled snapshot without spend, a purchase log without amounts, a
   blank in the value column): value is NaN, value at risk is NaN (sorted last) and the
   tier is unknown (None): a customer of unknown value is neither most valuable nor
   `standard`. No number is invented.

Value at risk = churn probability × value.

Tiers, first match wins (thresholds are parameters of `Rules`):

- `below_zero`: value < 0 (costs more to serve than it brings: do not chase); a value
  of 0 (a free trial, no revenue yet) is no cost known, and not below zero;
- `most_valuable`: value in the top `top_share` (20%) of the batch;
- `most_growable`: wallet share (`wallet_share_365d`) below 0.3 with an estimated wallet
  (`wallet_365d`) above the batch median: room to grow a big wallet;
- `standard`: everyone else of a known value (unknown value: no tier, None).

A batch's tiers are relative to the batch itself. A live request's few customers say
nothing about each other, so they are tiered against the model's `TierReference`: where
the tiers fell among the customers of its latest (test) cutoff (`info["tiers"]`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from features.contract import BandsSpec, RunConfig
from features.levels import texts
from features.monetary import year_spend
from features.registry import FeatureSpec
from features.tables import Tables, nan_to_zero, numbers

if TYPE_CHECKING:
    from serving.store import FirstListed

BANDS = ("low", "medium", "high")
TIERS = ("most_valuable", "most_growable", "below_zero", "standard")
RANKED = ("probability", "band", "value", "value_at_risk", "tier")
"""The columns `rank` returns, in this order."""


@dataclass(frozen=True)
class Rules:
    """Thresholds for bands, value and tiers; defaults from DOMAIN.md and the brief."""

    medium_from: float = 0.3
    high_from: float = 0.6
    historical_share: float = 0.2
    top_share: float = 0.2
    growable_share_below: float = 0.3

    def __post_init__(self) -> None:
        if not 0 <= self.medium_from <= self.high_from <= 1:
            raise ValueError("band thresholds must satisfy 0 <= medium_from <= high_from <= 1")
        if not 0 < self.top_share <= 1:
            raise ValueError("top_share must be in (0, 1]")


DEFAULT_BANDS = (Rules.medium_from, Rules.high_from)
BAND_RATE_MULTIPLES = (1.5, 3.0)
"""Band thresholds as multiples of the churn rate, where lower than the defaults, and of
its odds, where higher."""


def band_thresholds(bands: BandsSpec, churn_rate: float | None) -> tuple[float, float]:
    """(medium_from, high_from): the configured ones as given; one left open is 0.3 or
    0.6, lowered to 1.5x or 3x the churn rate when that is lower (a customer at three times
    the usual risk is one to call, whatever the base rate), raised to 1.5x or 3x its odds
    when that is higher (where most customers churn, three times the rate is past 100%:
    AdventureWorks' 88% churn made 16,314 of 17,562 scored customers high risk at 0.6,
    95.7% now), and kept on its side of a configured one. The two meet where the default
    is the threshold (3x the odds of 1/3 is 0.6), so a rate crossing there moves no band."""
    derived = [
        default if churn_rate is None else _rate_threshold(default, multiple, churn_rate)
        for default, multiple in zip(DEFAULT_BANDS, BAND_RATE_MULTIPLES, strict=True)
    ]
    medium, high = bands.medium_from, bands.high_from
    if medium is None:
        medium = derived[0] if high is None else min(derived[0], high)
    if high is None:
        high = max(derived[1], medium)
    return float(medium), float(high)


def _rate_threshold(default: float, multiple: float, rate: float) -> float:
    """`default`, lowered to `multiple` times `rate`, raised to `multiple` times its odds."""
    if rate >= 1:
        return default
    odds = multiple * rate / (1 - rate)
    return max(min(default, multiple * rate), odds / (1 + odds))


BAND_DIGITS = 6
"""Band thresholds are shown rounded: 1.5 x 7.2% is 0.10799999999999998 in floats."""


def bands_said(rules: Rules, info: Mapping[str, Any]) -> dict[str, float | None]:
    """The bands as /v1/model and the worklist show them: the thresholds and the churn
    probability they follow (`info["band_rate"]`; None for a model packaged before it was
    kept), so that an empty `band=high` reads as "nobody is past 84% where 66% is usual",
    not as a broken list."""
    rate = info.get("band_rate")
    return {
        "medium_from": round(rules.medium_from, BAND_DIGITS),
        "high_from": round(rules.high_from, BAND_DIGITS),
        "typical_probability": None if rate is None else round(float(rate), BAND_DIGITS),
    }


def rules_for(info: Mapping[str, Any]) -> Rules:
    """The model's rules: its band thresholds (`info["bands"]`, set when it was packaged;
    models packaged before have none and use the defaults)."""
    bands = info.get("bands")
    if not isinstance(bands, Mapping):
        return Rules()
    return Rules(medium_from=bands["medium_from"], high_from=bands["high_from"])


MAX_SEGMENT_LEVELS = 100
STAGE = "lifecycle_stage"
MEMBERSHIP = "membership"
"""A segment of data with paid periods: `renewing`, `cancelled` or `ended` (`membership`)."""


def segments_of(specs: list[FeatureSpec], config: RunConfig) -> list[str]:
    """The attributes each score carries as segments (`customers.segments`, else the
    categorical ones with at most `MAX_SEGMENT_LEVELS` levels that `reasons.never` does
    not name: an attribute not to act on, `gender`, was still a worklist filter and
    column), the lifecycle stage where the model reads one (one purchase on record at
    risk is a call for a second, a long-term customer's a retention call; a login log's
    worklist was headed by users gone after one day, whom no filter could set apart), and
    `membership` where the model reads paid periods (and no attribute takes the name).
    A configured segment may be numeric (a gym's `Partner` 0/1 flag, its `Contract_period`
    in months): its values are filtered as written, "1", "12" (`segment_texts`); listed,
    they had been dropped without a word."""
    customers = config.data.customers
    chosen = customers.segments if customers is not None else None
    never = set(config.reasons.never)
    names = [
        s.name
        for s in specs
        if s.family == "attributes"
        and (
            s.name in chosen
            if chosen is not None
            else s.dtype == "category"
            and len(s.categories) <= MAX_SEGMENT_LEVELS
            and s.name not in never
        )
    ]
    features = {s.name for s in specs}
    if STAGE in features and STAGE not in names:
        names.append(STAGE)
    if "paid_days_left" in features and MEMBERSHIP not in features:
        names.append(MEMBERSHIP)
    return names


def segment_texts(values: Any) -> np.ndarray:
    """A segment's values as the worklist filters them: text as it is, numbers as short
    as they read ("1", not "1.0"; "2.5"), None where missing."""
    array = np.asarray(values)
    if array.dtype.kind != "f":
        return texts(values)
    out = np.full(len(array), None, dtype=object)
    known = np.isfinite(array)
    levels, at = np.unique(array[known], return_inverse=True)  # a segment has few values
    written = [np.format_float_positional(v, trim="-") for v in levels.tolist()]
    out[known] = np.array(written, dtype=object)[at]
    return out


def derived_segment(name: str, features: Mapping[str, Any]) -> np.ndarray:
    """A segment `segments_of` adds that is no attribute (an attribute of the same name,
    a gym's `membership` tier, keeps its own values: it is a feature column)."""
    if name != MEMBERSHIP:
        raise KeyError(f"no segment {name!r} among the features")
    return membership(features)


def membership(features: Mapping[str, Any]) -> np.ndarray:
    """Where each member stands, for a worklist to tell a save from a win-back (a SaaS
    export scored under `expiry` ranked 150 announced cancellations in its top 200):
    `cancelled` (a cancellation no payment undid: leaving announced), `ended` (the paid
    period is over, unpaid, within the grace days), else `renewing`."""
    days_left = numbers(features["paid_days_left"])
    ended = days_left < 0  # NaN (no paid period known) is not ended
    cancelled = np.zeros(len(days_left), dtype=bool)
    if "cancelled_since_last_payment" in features:
        cancelled = nan_to_zero(numbers(features["cancelled_since_last_payment"])) > 0
    return np.where(cancelled, "cancelled", np.where(ended, "ended", "renewing")).astype(object)


def customer_value(
    features: Mapping[str, Any], rules: Rules, *, configured: pd.Series | None = None
) -> np.ndarray:
    """Value per row: the configured value when given (aligned to rows), else from the
    margin when the transactions map one (of either sign: what the customer earned after
    costs, so one who costs more than they bring is below zero), else from spend."""
    if configured is not None:
        return pd.to_numeric(configured, errors="coerce").to_numpy(dtype=np.float64)
    if "margin_365d" in features:
        current = year_spend(features, "margin")
        return current + rules.historical_share * (_filled(features, "margin_total") - current)
    if "spend_365d" not in features:
        return np.full(_rows(features), np.nan)
    current = year_spend(features)
    total = _filled(features, "spend_total") if "spend_total" in features else current
    return current + rules.historical_share * np.maximum(total - current, 0.0)


def configured_value(tables: Tables, features: pd.DataFrame) -> pd.Series | None:
    """The customers table's `value` column aligned to the feature rows, when configured."""
    if "value" not in tables.customers:
        return None
    values = tables.customers.drop_duplicates("customer_id").set_index("customer_id")["value"]
    return pd.Series(features["customer_id"].map(values).to_numpy(), index=features.index)


def _rows(features: Mapping[str, Any]) -> int:
    if isinstance(features, pd.DataFrame):
        return len(features)
    return len(next(iter(features.values()), ()))


def _filled(features: Mapping[str, Any], name: str) -> np.ndarray:
    """Spend columns are NaN for a customer with no orders: that is a spend of zero."""
    return nan_to_zero(numbers(features[name]))


def risk_band(probability: np.ndarray, rules: Rules) -> np.ndarray:
    """low < medium_from ≤ medium < high_from ≤ high."""
    p = np.asarray(probability, dtype=np.float64)
    return np.where(p < rules.medium_from, BANDS[0], np.where(p < rules.high_from, *BANDS[1:]))


@dataclass(frozen=True)
class TierReference:
    """Where a population's tiers fall: the value its top `top_share` starts at, and its
    median estimated wallet (None: the population has none)."""

    most_valuable_from: float | None
    wallet_median: float | None

    @classmethod
    def of(cls, features: Mapping[str, Any], value: np.ndarray, rules: Rules) -> TierReference:
        known = value[~np.isnan(value)]
        top = _top_from(known, rules.top_share) if len(known) else None
        wallet = numbers(features["wallet_365d"]) if "wallet_365d" in features else None
        median = None
        if wallet is not None and (~np.isnan(wallet)).any():
            median = float(np.nanmedian(wallet))
        return cls(top, median)

    @classmethod
    def from_info(cls, info: Mapping[str, Any]) -> TierReference | None:
        """The model's (`info["tiers"]`); None for a model packaged before it kept one."""
        kept = info.get("tiers")
        if not isinstance(kept, Mapping):
            return None
        return cls(kept.get("most_valuable_from"), kept.get("wallet_median"))

    def as_info(self) -> dict[str, float | None]:
        return {"most_valuable_from": self.most_valuable_from, "wallet_median": self.wallet_median}


def _top_from(known: np.ndarray, share: float) -> float:
    """The value the top `share` starts at: of the values held, the one at or above which
    the share of customers is nearest it (on a tie, the smaller share). Where many hold
    one value a quantile is no cut: 2,374 of a subscription log's 4,338 customers paid 60
    in all, and "value ≥ 60" made 61% "most valuable"; now 60 and more is 61%, 70 and more
    12%, and 70 it is."""
    values, counts = np.unique(known, return_counts=True)
    values, counts = values[::-1], counts[::-1]  # from the highest
    off = np.abs(np.cumsum(counts) - share * len(known))  # in customers: ties are ties
    return float(values[np.flatnonzero(off <= off.min() + 1e-9)[0]])


def value_tier(
    features: Mapping[str, Any],
    value: np.ndarray,
    rules: Rules,
    reference: TierReference | None = None,
) -> np.ndarray:
    """The retention tier per row, against `reference` (default: these rows' own); see
    the module docstring for the rules and order."""
    reference = reference or TierReference.of(features, value, rules)
    known = ~np.isnan(value)
    below_zero = known & (value < 0)
    top = known & (value > 0)
    if reference.most_valuable_from is not None:
        top &= value >= reference.most_valuable_from
    else:
        top[:] = False
    growable = np.zeros(len(value), dtype=bool)
    if reference.wallet_median is not None and {"wallet_share_365d", "wallet_365d"} <= set(
        features
    ):
        share = numbers(features["wallet_share_365d"])
        wallet = numbers(features["wallet_365d"])
        growable = (share < rules.growable_share_below) & (wallet > reference.wallet_median)
    tier = np.select(
        [below_zero, top, growable], ["below_zero", "most_valuable", "most_growable"], "standard"
    ).astype(object)
    tier[~known] = None  # no value to place them by: not `standard`
    return tier


def rank(
    features: Mapping[str, Any],
    probability: np.ndarray,
    rules: Rules,
    *,
    configured_value: pd.Series | None = None,
    tiers: bool = True,
    reference: TierReference | None = None,
) -> dict[str, np.ndarray]:
    """probability, band, value, value_at_risk, tier per row of `features` (a frame or
    plain columns), as columns in the rows' order; tiers against `reference` (default:
    these rows), None without `tiers` (too few rows to compare customers with)."""
    value = customer_value(features, rules, configured=configured_value)
    probability = np.asarray(probability, dtype=np.float64)
    tier = value_tier(features, value, rules, reference) if tiers else np.full(len(value), None)
    columns = (probability, risk_band(probability, rules), value, probability * value, tier)
    return dict(zip(RANKED, columns, strict=True))


UNVALUED_SHARE = 0.05
"""From this share of a batch without a value on, scoring and the worklist say so: on an
operator's snapshot 43% had a blank revenue, churned at 45% against 6%, and a worklist
by value at risk showed 1 of its 243 high-risk customers in its top 200."""


def threshold_text(probability: float) -> str:
    """A probability as a percentage a rare churn rate is not lost in (0.9%, not 1%), and
    a band's start with its tenth where it has one: "high from 46%" beside a customer at
    45.7% shown as 46% in the medium band read as a mistake (BankChurners)."""
    from training.report import percent

    hundredths = probability * 100
    if abs(hundredths - round(hundredths)) < 1e-9:  # a whole percent
        return percent(probability, digits=0 if probability >= 0.1 else 1)
    said = percent(probability, digits=1)  # 0.458: "45.8%"
    return said if not said.endswith(".0%") else percent(probability, digits=2)  # "45.97%"


CALL_LIST = 200
"""The first rows of a worklist a team calls ("which 200 customers should we call this
week?"), where its riskiest customers should be."""


def first_listed_of(
    ranked: Mapping[str, np.ndarray], margin: np.ndarray, *, first: int
) -> FirstListed:
    """`serving.store.first_listed` of a batch before it is written, from its `rank`
    columns and the booster's `margin`, in the worklist's order but for ids: counting the
    store's sort of a 300k batch took 4.6 s."""
    from serving.store import FirstListed  # the store imports nothing of this module

    value_at_risk = np.asarray(ranked["value_at_risk"], dtype=np.float64)
    unknown_last = np.where(np.isnan(value_at_risk), -np.inf, value_at_risk)
    probability = np.asarray(ranked["probability"], dtype=np.float64)
    order = np.lexsort((-np.asarray(margin, dtype=np.float64), -probability, -unknown_last))
    band = np.asarray(ranked["band"], dtype=object)
    value = np.asarray(ranked["value"], dtype=np.float64)
    riskier = band != "low"
    top = band[order[:first]]
    return FirstListed(
        first=len(top),
        low=int((top == "low").sum()),
        riskier=int(riskier.sum()),
        rows=len(band),
        riskier_unvalued=int((riskier & (value == 0)).sum()) if (value > 0).any() else 0,
    )


UNVALUED_RISKIER_SHARE = 0.05
"""From this share of the riskier customers valued at 0, a list by value at
risk is said to bury them."""


def buried_note(found: FirstListed | None) -> str | None:
    """What a worklist by value at risk hides of the riskier customers (medium and high):
    when its first `CALL_LIST` are mostly low-risk and hold fewer riskier customers than
    their share of the batch (value outweighs risk: a bank's yearly turnover, 1.5M beside
    a new account's 200, put none of 47 medium-risk accounts in a top 200 of 1% risks;
    a retailer's big spenders who buy often rank high, and the riskier still hold their
    share), and when `UNVALUED_RISKIER_SHARE` of them are valued at 0, listed after
    everyone of some value (a bank's 30 of 133 high-risk customers at 85-89% with a
    balance of 0, ranked 4,846th to 4,875th). Below zero is no such loss: those cost more
    than they bring, and DOMAIN.md lists them last on purpose (a Superstore's 140 of 704
    customers whose margin is negative had been reported as buried)."""
    if found is None:
        return None
    said = []
    under_share = found.riskier_listed * found.rows < found.riskier * found.first
    if found.low * 2 > found.first and under_share and found.riskier_listed < found.riskier:
        said.append(
            f"the first {found.first} by value at risk are mostly low-risk ({found.low:,}) and "
            f"hold {found.riskier_listed:,} of the batch's {found.riskier:,} medium- and "
            "high-risk customers: their value outweighs their risk"
        )
    unvalued = found.riskier_unvalued
    if unvalued and unvalued >= UNVALUED_RISKIER_SHARE * found.riskier:
        one = unvalued == 1
        said.append(
            f"{unvalued:,} of the batch's {found.riskier:,} medium- and high-risk customers "
            f"{'has' if one else 'have'} a value of 0, and {'is' if one else 'are'} "
            "listed after every customer of some value"
        )
    if not said:
        return None
    return (
        "; ".join(said)
        + "; `--sort probability` (sort=probability in the API) ranks everyone by risk"
    )


def unvalued_note(unvalued: int, rows: int) -> str | None:
    """What a batch's customers without a value mean for the worklist, when they are
    `UNVALUED_SHARE` of it or more; else None. When nobody has one there is no valued
    customer to list them after (Relax's app logins: all 2,905): the list is by risk."""
    if rows == 0 or unvalued < UNVALUED_SHARE * rows:
        return None
    if unvalued == rows:
        return (
            "no customer has a value (a blank value column, or no spend to value them by): "
            "value at risk is unknown, and the worklist orders by probability"
        )
    return (
        f"{unvalued:,} of {rows:,} customers ({unvalued / rows:.0%}) have no value (a blank "
        "value column, or no spend to value them by): their value at risk is unknown, and a "
        "worklist by value at risk lists them after every valued customer; "
        "`--sort probability` (sort=probability in the API) ranks everyone by risk"
    )
