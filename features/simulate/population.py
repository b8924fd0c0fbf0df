"""Who the customers are: attributes, signup dates and the hidden traits behind them.

Attributes (region, segment, company size, channel) are written to customers.csv and
*predict* the hidden wallet (DOMAIN.md "Wallet share": a big customer spending little
with us is at risk) and the relationship type (DOMAIN.md "Relationship type and
switching cost"), each with noise, so a model can estimate them but never read them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from features.simulate.timeline import Timeline

REGIONS = ("north", "south", "east", "west", "central")
REGION_P = np.array([0.22, 0.2, 0.2, 0.18, 0.2])
REGION_WALLET = np.array([1.1, 0.9, 1.0, 1.25, 0.8])
SEGMENTS = ("retail", "hospitality", "healthcare", "manufacturing", "education")
SEGMENT_P = np.array([0.3, 0.2, 0.15, 0.2, 0.15])
SEGMENT_WALLET = np.array([1.0, 0.8, 1.6, 2.0, 0.7])
CHANNELS = ("online", "field_sales", "marketplace")
CHANNEL_P = np.array([0.5, 0.3, 0.2])
CHANNEL_PARTNER = np.array([0.0, 1.0, -1.0])
"""Log-odds shift towards a partner relationship: field sales builds them, marketplaces don't."""

PRESTART_YEARS = 3.0


@dataclass(frozen=True)
class Population:
    """Customers sorted by signup (ids grow with signup date, as in real systems)."""

    customer_id: np.ndarray
    signup_day: np.ndarray
    """Integer day offset of the signup; negative for customers who joined before `start`."""
    region: np.ndarray
    segment: np.ndarray
    channel: np.ndarray
    company_size: np.ndarray
    wallet: np.ndarray
    """Hidden yearly category budget, driven by the attributes times log-normal noise."""
    partner: np.ndarray
    """Hidden relationship type: partner (regular, broad, loyal) or transactional."""
    friction: np.ndarray
    """Hidden service friction: how often things go wrong for this customer."""
    satisfaction: np.ndarray
    """Hidden satisfaction; surveys read it with noise and it barely moves the hazard."""
    frailty: np.ndarray
    """Hidden hazard heterogeneity, kept small so observables carry most of the signal."""

    def __len__(self) -> int:
        return len(self.customer_id)


def draw_population(
    rng: np.random.Generator, n: int, timeline: Timeline, *, prestart_share: float = 0.5
) -> Population:
    """Draw `n` customers; a share signed up before the span, the rest arrive during it."""
    before = rng.random(n) < prestart_share
    span = timeline.end_day
    signup = np.where(
        before,
        np.floor(-rng.random(n) * PRESTART_YEARS * 365.0) - 1,
        np.floor(rng.random(n) * span),
    ).astype(np.int64)
    size = np.clip(np.round(np.exp(rng.normal(2.8, 1.3, n))), 1, 20_000).astype(np.int64)
    region = rng.choice(len(REGIONS), n, p=REGION_P).astype(np.int8)
    segment = rng.choice(len(SEGMENTS), n, p=SEGMENT_P).astype(np.int8)
    channel = rng.choice(len(CHANNELS), n, p=CHANNEL_P).astype(np.int8)
    wallet = (
        2_500.0
        * size**0.6
        * SEGMENT_WALLET[segment]
        * REGION_WALLET[region]
        * np.exp(rng.normal(0.0, 0.45, n))
    )
    partner_logit = -1.4 + 0.35 * np.log(size) + CHANNEL_PARTNER[channel]
    partner = rng.random(n) < 1.0 / (1.0 + np.exp(-partner_logit))
    return Population(
        customer_id=np.arange(100_001, 100_001 + n, dtype=np.int64),
        signup_day=np.sort(signup),
        region=region,
        segment=segment,
        channel=channel,
        company_size=size,
        wallet=wallet,
        partner=partner,
        friction=np.exp(rng.normal(0.0, 0.5, n)),
        satisfaction=rng.normal(0.0, 1.0, n),
        frailty=np.exp(rng.normal(0.0, 0.1, n)),
    )
