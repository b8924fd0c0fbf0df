"""Who gets attention: value, value at risk, risk band and value tier (DOMAIN.md section 3).

Value per customer, in order of preference:

1. the configured `value` column of the customers table (the business's own CLV), else
2. `spend_365d + historical_share × (spend_total − spend_365d)`: the current value (last
   year's spend, expected to repeat while behaviour stays as it is) plus a share (default
   0.2) of the historical value realised before that year. Spend before the last year is
   counted only in part because it says less about what is at stake next year; it still
   separates a long-loyal customer from a new one with the same yearly spend.
   `spend_total` includes the last year, hence the subtraction (no double counting).
3. Neither known (e.g. a labelled snapshot without spend): value is NaN, value at risk
   is NaN (sorted last) and the tier is `standard`. No number is invented.

Value at risk = churn probability × value.

Tiers, first match wins (thresholds are parameters of `Rules`):

- `below_zero`: value ≤ 0 (costs more to serve than it brings: do not chase);
- `most_valuable`: value in the top `top_share` (20%) of the batch;
- `most_growable`: wallet share (`wallet_share_365d`) below 0.3 with an estimated wallet
  (`wallet_365d`) above the batch median: room to grow a big wallet;
- `standard`: everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

BANDS = ("low", "medium", "high")
TIERS = ("most_valuable", "most_growable", "below_zero", "standard")


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


def customer_value(
    features: pd.DataFrame, rules: Rules, *, configured: pd.Series | None = None
) -> np.ndarray:
    """Value per row: the configured value when given (aligned to rows), else from spend."""
    if configured is not None:
        return pd.to_numeric(configured, errors="coerce").to_numpy(dtype=np.float64)
    if "spend_365d" not in features:
        return np.full(len(features), np.nan)
    current = _filled(features, "spend_365d")
    total = _filled(features, "spend_total") if "spend_total" in features else current
    return current + rules.historical_share * np.maximum(total - current, 0.0)


def _filled(features: pd.DataFrame, name: str) -> np.ndarray:
    """Spend columns are NaN for a customer with no orders: that is a spend of zero."""
    return pd.to_numeric(features[name], errors="coerce").fillna(0.0).to_numpy(dtype=np.float64)


def risk_band(probability: np.ndarray, rules: Rules) -> np.ndarray:
    """low < medium_from ≤ medium < high_from ≤ high."""
    p = np.asarray(probability, dtype=np.float64)
    return np.select([p < rules.medium_from, p < rules.high_from], BANDS[:2], BANDS[2])


def value_tier(features: pd.DataFrame, value: np.ndarray, rules: Rules) -> np.ndarray:
    """The retention tier per row; see the module docstring for the rules and order."""
    known = ~np.isnan(value)
    below_zero = known & (value <= 0)
    top = known & (value > 0)
    if known.any():
        top &= value >= np.quantile(value[known], 1.0 - rules.top_share)
    growable = np.zeros(len(value), dtype=bool)
    if {"wallet_share_365d", "wallet_365d"} <= set(features.columns):
        share = pd.to_numeric(features["wallet_share_365d"], errors="coerce").to_numpy(float)
        wallet = pd.to_numeric(features["wallet_365d"], errors="coerce").to_numpy(float)
        if (~np.isnan(wallet)).any():
            growable = (share < rules.growable_share_below) & (wallet > np.nanmedian(wallet))
    return np.select(
        [below_zero, top, growable], ["below_zero", "most_valuable", "most_growable"], "standard"
    )


def rank(
    features: pd.DataFrame,
    probability: np.ndarray,
    rules: Rules,
    *,
    configured_value: pd.Series | None = None,
) -> pd.DataFrame:
    """probability, band, value, value_at_risk, tier per row (same index as `features`)."""
    value = customer_value(features, rules, configured=configured_value)
    return pd.DataFrame(
        {
            "probability": probability,
            "band": risk_band(probability, rules),
            "value": value,
            "value_at_risk": probability * value,
            "tier": value_tier(features, value, rules),
        },
        index=features.index,
    )
