"""A subscription's reasons in its own words, and what its billing cycle alone says.

The purchase-cycle features read a payment log as they read a shop's purchases (a
renewal is a purchase occasion), but a retention team at a music service reads "no
payment for 40 days, 1.3x their usual gap" and "usually pays every 30 days", not a
shop's "no purchase" and "usually buys". A payment log is a transactions table the
run config calls a subscription's payments (`features.contract.RunConfig.payments`:
those with `paid_until`, the period each payment pays for, or a cancellation model's
without a purchase's products); a model keeps the choice it was trained with, so a
batch and a live request read alike.

A member's payments follow their plan, so some values only say where the cutoff falls
in the billing cycle (`billing_cycle_only`), and a shop's models of buying say nothing
of scheduled invoices (`unspoken_on_payments`): such values stay features, and are no
reasons.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

import numpy as np

from features.registry import (
    MONTHLY_DAYS_MAX,
    FeatureSpec,
    Mechanism,
    safer_when,
    window_days,
)
from features.subscription import FAMILY as PAYMENT_LOG
from features.tables import Tables

PAYMENT_WORDS = {
    "buying rhythm": "payment rhythm",
    "average order": "average payment",
    "purchases": "payments",
    "purchase": "payment",
    "buys": "pays",
    "buying": "paying",
}
_WORD = re.compile(r"\b(" + "|".join(map(re.escape, PAYMENT_WORDS)) + r")\b")


def is_payment_log(tables: Tables) -> bool:
    """Transactions that are a subscription's payments: as the run config says
    (`Tables.payments`), else those that say which period each payment pays for (a frame
    or plain columns)."""
    if tables.transactions is None:
        return False
    return "paid_until" in tables.transactions if tables.payments is None else tables.payments


PURCHASE_CYCLE = frozenset({"recency", "monetary", "trends"})
"""The families that read the transactions as purchases; others name their own things
(an app's 'purchase' events stay purchases)."""


def in_words_of(tables: Tables, specs: list[FeatureSpec]) -> list[FeatureSpec]:
    """The specs with reasons in a payment log's words where the tables are one."""
    if not is_payment_log(tables):
        return specs
    return [as_payments(spec) if spec.family in PURCHASE_CYCLE else spec for spec in specs]


@lru_cache(maxsize=4096)
def as_payments(spec: FeatureSpec) -> FeatureSpec:
    """The spec with its reasons' purchase words as payment words (placeholders kept)."""
    texts = {
        key: getattr(spec, key)
        for key in ("reason", "reason_one", "reason_missing", "reason_fuller", "reason_zero")
    }
    return replace(spec, **{key: _payment_words(text) for key, text in texts.items() if text})


def _payment_words(text: str) -> str:
    # placeholders ({days_since_last_purchase:.0f}) are not words to change
    parts = re.split(r"(\{[^}]*\})", text)
    return "".join(
        part if part.startswith("{") else _WORD.sub(lambda m: PAYMENT_WORDS[m[1]], part)
        for part in parts
    )


NOT_ON_PAYMENTS = frozenset({"wallet", "bgnbd"})
"""Families whose reasons speak of a shop's buying: a wallet is what comparable customers
spend in a category, and BG/NBD counts purchases made at will. A member's payments are
the invoices of their plan, so "customers like them spend up to 17,995 a year" (1,021
risk reasons on a SaaS billing export) and "2.9 purchases expected in the coming
horizon" tell their plan's price and schedule, nothing they chose."""


def unspoken_on_payments(specs: Iterable[FeatureSpec]) -> frozenset[str]:
    """The features of `specs` (a model's) that no reason names when they are a payment
    log's (`speaks_of_payments`): the model still uses them."""
    specs = list(specs)
    if not speaks_of_payments(specs):
        return frozenset()
    return frozenset(spec.name for spec in specs if spec.family in NOT_ON_PAYMENTS)


def speaks_of_payments(specs: Iterable[FeatureSpec]) -> bool:
    """Whether declarations (a model's, as stored) read the transactions as payments
    (`in_words_of`): their purchase cycle says "payment", or they hold the subscription
    family, declared only for `paid_until` (a model from before the words changed)."""
    return any(
        spec.family == PAYMENT_LOG.name
        or (spec.family in PURCHASE_CYCLE and "payment" in (spec.reason or ""))
        for spec in specs
    )


PLAN_RHYTHM = frozenset({"gap_cv", "gap_median_days"})
"""The purchase cycle's rhythm features: on a paid-up member, their plan's schedule."""


def billing_cycle_only(
    spec: FeatureSpec, *, paid_days_left: np.ndarray, plan_days: np.ndarray, raising: np.ndarray
) -> np.ndarray | None:
    """The rows whose value of `spec` only says where the cutoff falls in a paid-up
    member's billing cycle (None: no row of this feature can):

    - the end of a running monthly period: every monthly plan ends within 31 days (a
      median of 22 read as the top risk reason of a SaaS export); a longer plan's end,
      or a period already ended, is news;
    - a purchase-cycle window shorter than the plan: an annual payer spends nothing in
      most 30-day windows and all in one half-year ("spend down 100% versus the previous
      half-year" was an annual plan's in 745 of 783 reasons); a window at least as long
      as the plan holds a paid-up member's latest payment, so what it shows is theirs;
    - raising the risk, the silence since the last payment: it is what they paid for
      ("no payment for 332 days, 11.4x their usual gap" of a member paid up for a year);
      and either way on a monthly plan, whose every member paid within the month ("in
      their favour: last payment today", "silent 39% of their longest gap", of 5,704 of
      a pet insurer's monthly members);
    - the rhythm of the payments (`PLAN_RHYTHM`): a paid-up member's is their plan's
      billing schedule ("gaps between payments vary by 0% of their average" raised the
      risk of monthly payers of a subscriptions table, whose payments are the schedule).
    """
    running = paid_days_left >= 0
    if spec.name == "paid_days_left":
        return running & (plan_days <= MONTHLY_DAYS_MAX)
    if spec.family not in PURCHASE_CYCLE:
        return None
    if spec.name in PLAN_RHYTHM:
        return running
    window = window_days(spec.name)
    if window is not None:
        return running & (window < plan_days)
    if spec.mechanism is Mechanism.RECENCY and safer_when(spec.name) == "lower":
        return running & (raising | (plan_days <= MONTHLY_DAYS_MAX))
    return None
