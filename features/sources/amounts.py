"""Whether the transactions carry money, decided once their file's columns are known.

A retail log without amounts (Kaggle's Groceries: member, date, item; Instacart's
orders) is still a purchase history: recency, rhythm, frequency, breadth and BG/NBD read
it. So `amount` is optional; a file column named `amount` is read without a mapping, as
when the column was required, and a log without one is said once: its features, value
and value at risk leave spend out, rather than invent it.
"""

from __future__ import annotations

from features.contract import TransactionsSpec
from features.levels import likely_meant
from features.sources.table import _Table

NO_AMOUNT = (
    "no amount mapped: purchases are counted (recency, rhythm, frequency, categories, "
    "BG/NBD), but spend, value and value at risk are left out (the worklist ranks by "
    "probability); to have them map the line total under columns: {amount: <your "
    "column>} (or unit_price and quantity)"
)
NO_AMOUNT_VALUED = (
    "no amount mapped: purchases are counted (recency, rhythm, frequency, categories, "
    "BG/NBD), but spend is left out (value and value at risk come from the customers' "
    "value column); to have it map the line total under columns: {amount: <your column>} "
    "(or unit_price and quantity)"
)
"""Where the customers map `value`: a loyalty log with its members' CLV was told its value
and value at risk were left out, beside a worklist that showed and sorted by both."""


def as_read(
    table: _Table, spec: TransactionsSpec, available: list[str], *, valued: bool = False
) -> TransactionsSpec | None:
    """The spec as this file reads it: mapping `amount` onto a column of that name when
    none is mapped (first, where a required column's place was), else as mapped; a file
    without one is said (`NO_AMOUNT`, or `NO_AMOUNT_VALUED` where the customers map a
    `value`: `valued`), naming a column that likely holds it. None (an error said): a
    `list_price` without an amount to read the discount below."""
    if spec.spends:
        return spec
    if "amount" in available:
        return spec.model_copy(update={"columns": {"amount": "amount", **spec.columns}})
    meant = likely_meant("amount", available)
    hint = f" (is {meant!r} the line total?)" if meant else ""
    if "list_price" in spec.columns:
        what = "list_price needs an amount (or unit_price): the discount is what a line paid "
        table.error("list_price", 0, what + f"below its list price; map the line total{hint}")
        return None
    table.warning(None, 0, (NO_AMOUNT_VALUED if valued else NO_AMOUNT) + hint)
    return spec
