"""A subscription's reasons in its own words.

The purchase-cycle features read a payment log as they read a shop's purchases (a
renewal is a purchase occasion), but a retention team at a music service reads "no
payment for 40 days, 1.3x their usual gap" and "usually pays every 30 days", not a
shop's "no purchase" and "usually buys". A payment log is a transactions table with
`paid_until` (the period each payment pays for); a batch and a live request tell it
the same way, so their reasons read alike.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from features.registry import FeatureSpec
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
    """Transactions that say which period each payment pays for (a frame or plain columns)."""
    return tables.transactions is not None and "paid_until" in tables.transactions


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
