"""Every feature is declared once, here in shape and in its family module in content.

A `FeatureSpec` carries what the rest of the product needs to know about a feature: its
dtype, the DOMAIN.md mechanism it measures, a description for docs, and a plain-words
reason template whose placeholders are filled from the customer's own feature values
(never from made-up figures). Families declare their specs next to the code that
computes them; dynamic families (per event type, per attribute) build specs from a
template at build time.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from features.label_values import flag

if TYPE_CHECKING:
    from features.context import Context

Dtype = Literal["float", "int", "category"]


class Mechanism(StrEnum):
    """The churn mechanisms of DOMAIN.md section 2; every feature measures one."""

    RECENCY = "recency and the purchase cycle"
    FREQUENCY_MONETARY = "frequency and monetary value"
    PARTIAL_DEFECTION = "partial defection / declining engagement"
    WALLET_SHARE = "wallet share"
    SERVICE = "service quality"
    SATISFACTION = "satisfaction (weak input, never the label)"
    LIFECYCLE = "lifecycle stage"
    RELATIONSHIP = "relationship type and switching cost"
    ENGAGEMENT = "product usage / engagement"
    SEASONALITY = "seasonality of the purchase cycle"
    ATTRIBUTE = "customer attribute"


TYPICAL_WITHIN = 0.1
"""A value this close to the typical one, relative to it, is shown without it."""


def near_typical(values: np.ndarray, typical: np.ndarray | float) -> np.ndarray:
    """Whether each value lies within `TYPICAL_WITHIN` of the typical one (broadcast: a
    column of values per typical value); a blank is near nothing. The one 10% rule that
    both a reason's "(typical X)" and the reasons' side check read."""
    with np.errstate(invalid="ignore"):
        return np.abs(values - typical) <= TYPICAL_WITHIN * np.abs(typical)


@dataclass(frozen=True)
class FeatureSpec:
    """The one declaration of a feature."""

    name: str
    dtype: Dtype
    mechanism: Mechanism
    description: str
    reason: str | None = None
    """Plain-words template, e.g. "no purchase for {days_since_last_purchase:.0f} days"."""
    family: str = ""
    categories: tuple[str, ...] = ()
    """The fixed levels of a 'category' feature, when the feature code defines them."""
    reason_one: str | None = None
    """The reason when its first value is exactly 1, with singular nouns ("1 purchase in
    the last 90 days"); same placeholders as `reason`."""
    reason_missing: str | None = None
    """The reason when the feature's own value is missing and that says something ("no
    purchase yet"); plain text, no placeholders: there is no number to show."""
    reason_zero: str | None = None
    """The reason when the feature's own value is exactly 0 and the template would read
    oddly with it ("bought from 0 categories in the last 90 days"); plain text, no
    placeholders."""
    reason_fuller: str | None = None
    """The reason where every value it reads is known, else `reason`: "no purchase for
    128 days, 16.0× their usual gap" tells more than the days alone, which are all a
    customer without a buying rhythm has."""
    reach_days: int | None = None
    """The days up to the cutoff the feature reads, cutoff day included: 90 for
    `spend_90d`, 180 for a 90-day trend (its window and the one before). Where they reach
    before the data's first day the value is unknown (`Context.window_known`); None: no
    fixed window (silences, lifetime totals, attributes)."""
    reason_typical: bool = False
    """The reason adds the typical customer's value, the training median: "seats 40
    (typical 12)". A numeric attribute's number says nothing alone (are 40 seats many?),
    where a window's count or a silence in days reads on its own. Not beside a value
    within `TYPICAL_WITHIN` of it that the training rows rank as typical too
    (`says_typical`): "NumOfProducts 1 (typical 1)" raising the risk read as
    "being typical is risky" (one product is: 28% churn against 8% for two), and
    "TotalCharges 1,430.05 (typical 1,419.4)" as a reason from nothing."""

    def __post_init__(self) -> None:
        if self.reason_one and set(template_fields(self.reason_one, self.name)) != set(
            template_fields(self.reason or "", self.name)
        ):
            raise ValueError(f"{self.name}: reason_one must fill the same values as reason")

    def placeholders(self) -> list[str]:
        """The feature names a reason template reads."""
        templates = [t for t in (self.reason, self.reason_fuller) if t]
        return list(
            dict.fromkeys(name for t in templates for name in template_fields(t, self.name))
        )

    def render(self, values: Mapping[str, object]) -> str | None:
        """The reason filled with the customer's own values; None if any is missing."""
        return self.render_many({name: [value] for name, value in values.items()}, 1)[0]

    def render_many(
        self,
        columns: Mapping[str, Sequence[object]],
        rows: int,
        fuller: np.ndarray | None = None,
        typical: float | None = None,
        band: Sequence[float] | None = None,
    ) -> list[str | None]:
        """`render` for many customers at once, from columns of their values (a batch
        renders millions of reasons: the missing-value test is one pass per column);
        `reason_fuller` only in the `fuller` rows (default: all); the `typical` value
        beside each, when the feature says it (`reason_typical`), it is known and the
        value is not typical (`says_typical`, with the training rows' typical `band`)."""
        if not self.reason:
            return [None] * rows
        names = template_fields(self.reason, self.name)
        if any(name not in columns for name in names):
            return [None] * rows
        lists = [_as_list(columns[name]) for name in names]
        masks = {name: missing_mask(columns[name]) for name in names}
        missing = np.logical_or.reduce([np.zeros(rows, dtype=bool), *masks.values()])
        ones = _ones(columns[names[0]]) if self.reason_one else np.zeros(rows, dtype=bool)
        fills = tuple(
            _filler(t, names, self.name) for t in (self.reason, self.reason_one or self.reason)
        )
        rendered = [
            None if gap else _singular(fills[one](*row))
            for gap, one, *row in zip(missing.tolist(), ones.tolist(), *lists, strict=True)
        ]
        if self.reason_fuller:
            self._fill_fuller(rendered, columns, masks, fuller)
        if self.reason_typical and typical is not None and math.isfinite(typical):
            apart = self.says_typical(columns[self.name], typical, band)
            self._add_typical(rendered, apart, typical)
        if self.reason_zero and self.name in columns:
            zero = np.asarray(columns[self.name], dtype=object) == 0
            for i in np.flatnonzero(zero).tolist():
                rendered[i] = self.reason_zero
        if self.reason_missing and self.name in columns:
            own = masks.get(self.name)
            own = missing_mask(columns[self.name]) if own is None else own
            for i in np.flatnonzero(own).tolist():
                rendered[i] = self.reason_missing
        return rendered

    def says_typical(
        self, values: Sequence[object], typical: float | None, band: Sequence[float] | None = None
    ) -> np.ndarray:
        """Per value, whether its reason says `typical` beside it (`reason_typical`): the
        feature says it, it is known, and the value is not near it: not both within
        `TYPICAL_WITHIN` of it and inside the training rows' typical `band`
        (`churn.typical`; a model packaged without one has the 10% rule alone), and not
        shown as the same number. A narrow measure's values all lie within 10% of its
        median: an insurer's underwriting score of 98.24 against a typical 99.21, below
        nine in ten of its customers, had never said its typical value. A reason's own
        `typical` field is set where this holds, so its JSON and its words agree."""
        apart = np.zeros(len(values), dtype=bool)
        if self.reason_typical and typical is not None and math.isfinite(typical):
            numbers = np.asarray(values, dtype=float)
            near = near_typical(numbers, typical)  # blank: near nothing
            if band is not None:
                low, high = band
                near &= (numbers >= low) & (numbers <= high)
            apart = np.isfinite(numbers) & ~near
            shown = plain_number(_typical_shown(typical))
            close = apart & near_typical(numbers, typical)  # only these can show alike
            for i in np.flatnonzero(close).tolist():
                apart[i] = plain_number(float(numbers[i])) != shown
        return apart

    @staticmethod
    def _add_typical(rendered: list[str | None], apart: np.ndarray, typical: float) -> None:
        """ " (typical X)" after each rendered reason whose value is not near X (`apart`)."""
        beside = f" (typical {_Plain(_typical_shown(typical))})"
        for i in np.flatnonzero(apart).tolist():
            if rendered[i] is not None:
                rendered[i] += beside

    def _fill_fuller(
        self,
        rendered: list[str | None],
        columns: Mapping[str, Sequence[object]],
        masks: dict[str, np.ndarray],
        allowed: np.ndarray | None,
    ) -> None:
        """`reason_fuller` in the rows of `rendered` where each value it reads is known
        (and `allowed`, when given)."""
        assert self.reason_fuller is not None
        names = template_fields(self.reason_fuller, self.name)
        if any(name not in columns for name in names):
            return
        known = ~np.logical_or.reduce(
            [masks[n] if n in masks else missing_mask(columns[n]) for n in names]
        )
        if allowed is not None:
            known &= allowed
        fill = _filler(self.reason_fuller, names, self.name)
        lists = [_as_list(columns[name]) for name in names]
        for i in np.flatnonzero(known).tolist():
            rendered[i] = _singular(fill(*(values[i] for values in lists)))

    def renamed(self, **changes: object) -> FeatureSpec:
        return replace(self, **changes)


_NEGATIVE_ZERO = re.compile(r"(?<![\w.])-(0(?:[.,]0+)?)(?!\d|[.,]\d)")
_ONE_OF_MANY = re.compile(r"(?<![\d.,-])\b1 ([a-z]+?)(ies|s)\b")
_NONE_OF_MANY = re.compile(
    r"(?<![\d.,$€£¥-])\b0 (?!(?:day|week|month|year|hour|minute|second|point|time)s\b)"
    r"([a-z]+?)(ies|s)\b"
)
"""A count of none of a thing, not of a time or a score ("customer for 0 days" stays)."""


def _singular(text: str) -> str:
    """'1 days' -> '1 day', '1 categories' -> '1 category': a count of one in any
    template, where `reason_one` was not written for it (an event type's own templates);
    a count of none as none ("bought from no category in the last 180 days, 2 fewer than
    the half-year before", "no purchase expected in the next 90 days"); and a negative
    number shown as zero without its sign ("last satisfaction score -0.0" of a -0.02)."""
    if "-0" in text:
        text = _NEGATIVE_ZERO.sub(r"\1", text)
    if "0 " in text:
        text = _NONE_OF_MANY.sub(lambda m: f"no {m[1]}{'y' if m[2] == 'ies' else ''}", text)
    if "1 " not in text:
        return text
    return _ONE_OF_MANY.sub(lambda m: f"1 {m[1]}{'y' if m[2] == 'ies' else ''}", text)


@lru_cache(maxsize=4096)
def template_fields(template: str, own: str) -> tuple[str, ...]:
    """The distinct feature names a template reads, in order; an empty field (`{}`,
    `{!y}`) is the feature's `own` value, for a name no format field can hold (an
    attribute column named `plan {tier}` or `Q1: rating`)."""
    fields = (f or own for _, f, _, _ in string.Formatter().parse(template) if f is not None)
    return tuple(dict.fromkeys(fields))


@lru_cache(maxsize=4096)
def _filler(template: str, names: tuple[str, ...], own: str) -> Callable[..., str]:
    """str.format of the values of `names`, in that order: the template's fields become
    positions, as a feature named like a Stripe export's `metadata.industry` would read
    as the attribute `industry` of a value `metadata`. The C formatter; the Python one
    only for the conversions of `_ReasonFormatter` (cached: a live run renders a dozen
    templates)."""
    parts, conversions = [], set()
    for literal, field, spec, conversion in string.Formatter().parse(template):
        parts.append(literal.replace("{", "{{").replace("}", "}}"))
        if field is not None:
            said = f"!{conversion}" if conversion else ""
            parts.append(f"{{{names.index(field or own)}{said}{f':{spec}' if spec else ''}}}")
            conversions.add(conversion)
    positional = "".join(parts)
    custom = not conversions.isdisjoint(CUSTOM_CONVERSIONS)
    return partial(_FORMATTER.format, positional) if custom else positional.format


def _ones(values: Sequence[object]) -> np.ndarray:
    """Rows whose value is exactly 1 (a count or a number of days that takes the singular)."""
    array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        return np.zeros(len(array), dtype=bool)
    return array == 1


def missing_mask(values: Sequence[object]) -> np.ndarray:
    """None, NaN, pd.NA and NaT all mean "no value": a reason never shows them."""
    array = np.asarray(values)
    if array.dtype.kind == "f":
        return np.isnan(array)
    return np.asarray(pd.isna(np.asarray(values, dtype=object)), dtype=bool)


def _as_list(values: Sequence[object]) -> list[object]:
    """Python values (floats, not numpy scalars), as the C formatter reads them fastest."""
    return values.tolist() if isinstance(values, np.ndarray) else list(values)


class _Change(float):
    """A relative change that reads as words: format(-0.62, ".0%") -> "down 62%", and one
    that rounds to no percent at all "unchanged" (not "up 0%")."""

    def __format__(self, spec: str) -> str:
        shown = format(abs(float(self)), spec)
        if "%" in spec and not any(digit in shown for digit in "123456789"):
            return "unchanged"
        return f"{'down' if self < 0 else 'up'} {shown}"


class _Share(float):
    """A share of a whole that reads as words at its ends: format(1.0, ".0%") -> "all",
    format(0.0, ".0%") -> "none", format(0.61, ".0%") -> "61%"; one that would round to
    an end has the places it needs, up to two more: 210 of 211 gaps are "99.5%", where
    "100%" had said all."""

    def __format__(self, spec: str) -> str:
        value = float(self)
        if value >= 1:
            return "all"
        if value <= 0:
            return "none"
        shown = format(value, spec)
        places = re.fullmatch(r"\.(\d+)%", spec)
        if places is None:
            return shown
        for more in range(int(places[1]) + 1, int(places[1]) + 3):
            if shown not in (format(0.0, spec), format(1.0, spec)):
                break
            spec = f".{more}%"
            shown = format(value, spec)
        return format(_Probability(value), spec)


class _Ends(float):
    """Days until an end date as words: format(12.0, ".0f") -> "ends in 12 days",
    format(-5.0, ".0f") -> "ended 5 days ago", 0 -> "ends today"."""

    def __format__(self, spec: str) -> str:
        days = format(abs(float(self)), spec)
        if float(self) > 0:
            return f"ends in {days} days"
        return "ends today" if float(self) == 0 else f"ended {days} days ago"


class _Times(float):
    """A ratio to the customer's own norm: format(3.14, "") -> "3.1×", and below 1, where
    "0.0×" would say nothing, a share: format(0.011, "") -> "1% of"."""

    def __format__(self, spec: str) -> str:
        return f"{float(self):.1f}×" if self >= 1 else f"{float(self):.0%} of"


class _Plain(float):
    """A number as the customer's data hold it, never in exponent notation (a reason
    reading "CurrentEquipmentDays 1.5e+04" shows no number of theirs): whole numbers in
    full with thousands separators ("15,000"), others to four significant digits, or up
    to two decimals from 100 on ("1,234.6", a balance of "118,393.47", not "118,393.5",
    and an insurer's last premium "897.96", not "898")."""

    def __format__(self, spec: str) -> str:
        value = float(self)
        if abs(value) >= 1e15:  # no customer's number: 301 digits of 1e300 say nothing
            return f"{value:.4g}"
        if value.is_integer():
            return f"{int(value):,}"
        if abs(value) >= 100:
            return f"{value:,.2f}".rstrip("0").rstrip(".")
        short = f"{value:.4g}"
        if "e" not in short:
            return short
        decimals = 3 - math.floor(math.log10(abs(value)))  # a tiny value: 0.00001234
        return f"{value:.{decimals}f}"


class _Year(_Plain):
    """A year as a calendar writes it ("arrival date year 2015", not "2,015", which
    1,645 reasons of a hotel read); a number that is no whole one as `_Plain` shows it."""

    def __format__(self, spec: str) -> str:
        value = float(self)
        return f"{value:.0f}" if value.is_integer() else super().__format__(spec)


def _typical_shown(typical: float) -> float:
    """The typical value as a reason shows it: a median of thousands needs no cents."""
    return round(typical) if abs(typical) >= 100 else typical


def plain_number(value: float) -> str:
    """A number as a reason shows it (`{!n}`): in full, never in exponent notation."""
    return format(_Plain(value))


ESTIMATE_FLOOR = 0.001
"""Below it an estimate reads "fewer than 0.001": its digits would only be noise."""


class _Estimate(float):
    """A model's estimate as precisely as it means something: two significant digits below
    10 ("0.0019", "0.021", "2.3"), whole numbers from 10 ("12", "1,234"), never exponent
    notation. With `.1f` BG/NBD's 0.0019 and 0.0208 expected purchases both read "0.0"
    (Olist: a population mean of 0.0055), "in their favour" for some and raising for
    others."""

    def __format__(self, spec: str) -> str:
        value = float(self)
        if 0 < value < ESTIMATE_FLOOR:  # "0.000000025 purchases expected" says no more
            return f"fewer than {ESTIMATE_FLOOR:g}"
        rounded = float(f"{value:.2g}")
        if abs(rounded) >= 10:
            return f"{value:,.0f}"
        return np.format_float_positional(rounded, trim="-")


MONEY_CENTS_BELOW = 100.0
"""Amounts under it show their cents: "spent 1" for a payment of 0.99 read as a dollar."""


class _Money(float):
    """An amount of money: under `MONEY_CENTS_BELOW` with its cents ("4.99", "0.99"; a
    whole "5" without them), larger as `spec` says ("1,234" by `,.0f`), as a DVD rental's
    "average order 5" for 4.99 and "spent 1" for 0.99 misread."""

    def __format__(self, spec: str) -> str:
        value = float(self)
        if abs(value) < MONEY_CENTS_BELOW:  # 'z': returns netting to -0.004 read "0", not "-0"
            return f"{value:z.2f}".removesuffix(".00")
        return format(value, spec or ",.0f")


def money_text(value: float) -> str:
    """An amount of money for people (`_Money`): a worklist's value at risk 4.40 is "4.40"."""
    return format(_Money(value), ",.0f")


class _Probability(float):
    """A probability that never reads as a certainty it is not: format(0.004, ".0%") ->
    "under 1%" (not "0% likely to still be an active buyer"), format(0.9973, ".0%") ->
    "over 99%"; elsewhere as `spec` says."""

    def __format__(self, spec: str) -> str:
        value = float(self)
        shown = format(value, spec)
        places = re.fullmatch(r".*\.(\d+)%", spec)
        if places is None:
            return shown
        step = 10.0 ** -(int(places[1]) + 2)
        if value > 0 and shown == format(0.0, spec):
            return f"under {format(step, spec)}"
        if value < 1 and shown == format(1.0, spec):
            return f"over {format(1 - step, spec)}"
        return shown


def probability_text(value: float, spec: str = ".0%") -> str:
    """A probability for people (`_Probability`): a worklist's 0.9973 is "over 99%"."""
    return format(_Probability(value), spec)


class _When(float):
    """Signed days from the cutoff to a date as words: 45 -> "in 45 days", -1200 -> "1200
    days ago" (as every count of days reads: "customer for 1105 days"), 0 -> "today"."""

    def __format__(self, spec: str) -> str:
        days = float(self)
        if days == 0:
            return "today"
        count = f"{abs(days):.0f} day{'' if abs(days) == 1 else 's'}"
        return f"in {count}" if days > 0 else f"{count} ago"


class _Ago(float):
    """Days since something as words: format(15.0, ".0f") -> "15 days ago", 1 -> "1 day
    ago", 0 -> "today"."""

    def __format__(self, spec: str) -> str:
        return format(_When(-float(self)), spec)


PLAN_TERMS: tuple[tuple[str, float, float], ...] = (
    # (words, shortest, longest) period in days: calendar months run 28 to 31 days, a
    # quarter 89 to 92, a year 365 or 366 (a leap year's annual plan read "366-day plan");
    # a long period invoiced a few days after it began pays for a few days less (a
    # billing export's annual invoices of 362 to 364 days)
    ("weekly", 7, 7),
    ("monthly", 28, 31),
    ("quarterly", 88, 92),
    ("half-yearly", 178, 184),
    ("annual", 355, 366),
    ("two-year", 720, 731),
)


def plan_term(days: float) -> str:
    """A plan's length as a billing team says it: 30 days -> "monthly", 366 -> "annual";
    a length of no calendar term as its days ("14-day")."""
    for words, shortest, longest in PLAN_TERMS:
        if shortest <= days <= longest:
            return words
    return f"{days:.0f}-day"


MONTHLY_DAYS_MAX = next(longest for words, _, longest in PLAN_TERMS if words == "monthly")
"""The longest period a monthly plan pays for."""


class _Term(float):
    """A plan's length in days as its term: format(365.0, "") -> "annual" (`plan_term`)."""

    def __format__(self, spec: str) -> str:
        return plan_term(float(self))


class _MoreOrFewer(float):
    """A count's change as a comparison: format(-1.0, ".0f") -> "1 fewer than", 2 ->
    "2 more than", 0 -> "as many as" ("bought from 2 categories in the last 180 days, 1
    fewer than the half-year before", not "-1 versus", read as a percentage)."""

    def __format__(self, spec: str) -> str:
        if float(self) == 0:
            return "as many as"
        more = "more" if float(self) > 0 else "fewer"
        return f"{format(abs(float(self)), spec)} {more} than"


YEAR_DAYS = 365
HALF_YEAR_DAYS = YEAR_DAYS // 2


class _Yearly(float):
    """Days until a yearly date's next return as the nearer of its two: format(12.0,
    ".0f") -> "in 12 days", 0 -> "today", and past half a year the one just gone:
    format(335.0, ".0f") -> "30 days ago" ("signup anniversary in 335 days" raising the
    risk of a club member whose renewal lapsed 30 days ago read as a date far off). The
    days since are a year of 365 less the days until: one short where a Feb 29 falls
    between the two (the value holds no more), and never under a day, as a next return
    365 days away means the last was yesterday."""

    def __format__(self, spec: str) -> str:
        days = float(self)
        if days == 0:
            return "today"
        if days <= HALF_YEAR_DAYS:
            return f"in {format(days, spec)} day{'' if days == 1 else 's'}"
        since = max(1.0, YEAR_DAYS - days)
        return f"{format(since, spec)} day{'' if since == 1 else 's'} ago"


CUSTOM_CONVERSIONS = frozenset("cxyYbeandigptmwvo")
"""The conversions `_ReasonFormatter` adds to str.format's (`!c`, `!x`...)."""


class _ReasonFormatter(string.Formatter):
    """`{name!c:.0%}` renders a relative change as "up/down N%", `{name!x}` a ratio as
    "3.1×" or "40% of", `{name!y}` a 0/1 flag as "yes" or "no" (`!Y`: "Yes" or "No"; `!b`: a flag
    written as a word, 't' or 'N', as "yes" or "no", other text as it is),
    `{name!n}` a plain number without exponent notation (`!i`: a year, without a
    thousands separator), `{name!d:.0f}` days as "15 days ago" or "today", `{name!g}` an
    estimate to two significant digits ("0.0019"),
    `{name!p:.0%}` a probability or a share ("under 1%", "over 99%" at its ends),
    `{name!t}` a plan's days as its term ("annual"), `{name!m:.0f}` a count's change as
    "2 more than", "1 fewer than" or "as many as", `{name!w:.0f}` days until a yearly date
    as "in 12 days" or, past half a year, "30 days ago", `{name!v:,.0f}` an amount of money
    with its cents under 100 ("4.99"); the rest is str.format."""

    def convert_field(self, value: object, conversion: str | None) -> object:
        if conversion == "c":
            return _Change(float(value))  # type: ignore[arg-type]
        if conversion == "x":
            return _Times(float(value))  # type: ignore[arg-type]
        if conversion == "y":
            return "yes" if float(value) == 1 else "no"  # type: ignore[arg-type]
        if conversion == "Y":
            return "Yes" if float(value) == 1 else "No"  # type: ignore[arg-type]
        if conversion == "b":
            said = flag(str(value))
            return value if said is None else "yes" if said else "no"
        if conversion == "e":
            return _Ends(float(value))  # type: ignore[arg-type]
        if conversion == "a":
            return _Share(float(value))  # type: ignore[arg-type]
        if conversion == "n":
            return _Plain(float(value))  # type: ignore[arg-type]
        if conversion == "i":
            return _Year(float(value))  # type: ignore[arg-type]
        if conversion == "d":
            return _Ago(float(value))  # type: ignore[arg-type]
        if conversion == "o":
            return _When(float(value))  # type: ignore[arg-type]
        if conversion == "g":
            return _Estimate(float(value))  # type: ignore[arg-type]
        if conversion == "p":
            return _Probability(float(value))  # type: ignore[arg-type]
        if conversion == "t":
            return _Term(float(value))  # type: ignore[arg-type]
        if conversion == "m":
            return _MoreOrFewer(float(value))  # type: ignore[arg-type]
        if conversion == "w":
            return _Yearly(float(value))  # type: ignore[arg-type]
        if conversion == "v":
            return _Money(float(value))  # type: ignore[arg-type]
        return super().convert_field(value, conversion)


_FORMATTER = _ReasonFormatter()


SAFER_WHEN: tuple[tuple[str, Literal["higher", "lower"]], ...] = (
    # DOMAIN.md's reading of each signal; the first matching pattern wins
    (r"days_since_last_negative_interaction", "higher"),
    # a first purchase "on record" long ago is often the data's own start, no sign of a
    # new customer: Ta-Feng's "119 days ago" (its first day) had raised 63 of its top 200
    (r"days_since_first_purchase", "higher"),
    (r"days_since_last_(purchase|event)|(use_)?overdue_ratio|(use_)?silence_.+", "lower"),
    (r"(complaints|tickets|billing_errors|calls)_.+|issues_unresolved", "lower"),  # service
    (r"resolution_days_.+", "lower"),
    (r"days_since_last_cancellation", "higher"),  # announced leaving
    (r"cancellations_\d+d|cancelled_since_last_payment", "lower"),
    # not the average order: a large one is a loyal account's basket in one shop and a
    # once-a-decade purchase in another (AdventureWorks' bike buyers, at 2,565 against a
    # typical 35, churned most): its side is the one the model learned
    (r"(orders|spend)_(\d+d|total)|purchase_pace_.+", "higher"),
    (r"(spend|orders)_trend_.+|category_breadth_(\d+d|change_\d+d)", "higher"),  # partial defection
    (r"consumables_share_.+", "lower"),  # only the cheap consumables stay
    # price sensitivity: experienced buyers drift to price ("0% of the last year's spend
    # was discounted" raised the risk of 93% of a streaming service's members)
    (r"discount_share_.+", "lower"),
    (r"wallet_share_.+|satisfaction_.+|p_alive_bgnbd|expected_purchases_.+", "higher"),
    (r"active_days_.+|events_trend_30d_vs_prev", "higher"),  # engagement, all types
    # an untyped log's one type is use itself (features.contract.UNTYPED_EVENT)
    (r"events_activity_\d+d|quantity_activity_(30d|trend_30d_vs_prev)", "higher"),
    # per event type (events_{type}_30d...): none, a log's types may be 'payment_failed'
)


NEUTRAL_AT: tuple[tuple[str, float], ...] = (
    # the value that says nothing either way, whatever the typical customer does: just
    # the customer's own usual gap or pace, or no change
    (r"(use_)?overdue_ratio|(use_)?silence_vs_longest_gap|purchase_pace_\d+[dm]_vs_history", 1.0),
    (r".+_trend_.+|category_breadth_change_\d+d", 0.0),
)


@lru_cache(maxsize=4096)
def neutral_at(name: str) -> float:
    """The value of a feature DOMAIN.md reads (`safer_when`) on neither side (NaN: none).
    A reason never claims the other side of it: where most customers had lapsed, the
    typical spend trend was -100%, and "in their favour: spend down 78%" was true of the
    model and nonsense to a reader."""
    for pattern, value in NEUTRAL_AT:
        if re.fullmatch(pattern, name):
            return value
    return math.nan


@lru_cache(maxsize=4096)
def safer_when(name: str) -> Literal["higher", "lower"] | None:
    """Which side of the typical customer is the favourable one for a feature, as
    DOMAIN.md reads its signal: "higher" for spend, purchases, engagement, satisfaction;
    "lower" for silence and service failures; None where it depends (gaps, seasonality,
    attributes). Reasons use it to show "in their favour" only from the favourable side
    (`serving/reasons.py`); the model itself is not constrained."""
    for pattern, side in SAFER_WHEN:
        if re.fullmatch(pattern, name):
            return side
    return None


_WINDOW_DAYS = re.compile(r".*?_(\d+)([dm])(?:_.*)?")


@lru_cache(maxsize=4096)
def window_days(name: str) -> int | None:
    """The window a feature's name carries (`spend_30d`, `spend_trend_180d_vs_prev`,
    `purchase_pace_3m_vs_history`): 30, 180, 93 (calendar months at their longest);
    None without one."""
    found = _WINDOW_DAYS.fullmatch(name)
    if not found:
        return None
    return int(found[1]) * (MONTHLY_DAYS_MAX if found[2] == "m" else 1)


RETIRED_FEATURES = {
    "purchase_pace_90d_vs_lifetime": "purchase_pace_3m_vs_history",
    "purchase_pace_3m_vs_lifetime": "purchase_pace_3m_vs_history",
}
"""Features an earlier version computed, with what replaced them: 90 days held two of
three bills paid on the 1st, where 3 calendar months hold each, and a lifetime's pace
counted the first purchase, so a subscriber of 3 months read at 77% of their own pace
(`features/monetary.py`). A model reading one is retrained, not fed a column it never
saw, none at all, or one that means otherwise."""


def retired_in(names: Iterable[str]) -> str | None:
    """Why a model reading the features `names` is for retraining, or None."""
    retired = [f"{old} (now {RETIRED_FEATURES[old]})" for old in names if old in RETIRED_FEATURES]
    if not retired:
        return None
    return (
        f"it reads features this version of Churn Radar replaced: {', '.join(retired)}; "
        "retrain (churn train) and promote the new run"
    )


NEVER_WHEN_MISSING = re.compile(r"days_since_last_.+")
"""Features whose missing value is an event that never happened: as long a wait as any."""


@lru_cache(maxsize=4096)
def missing_means_never(name: str) -> bool:
    """Whether a missing value of the feature says "never" and so sits at its far end:
    "no complaint on record" at the favourable end of days since the last complaint, "no
    purchase yet" at the risky end of days since the last purchase (`serving/reasons.py`
    reads the side of such a value as of any other)."""
    return NEVER_WHEN_MISSING.fullmatch(name) is not None


def derived_names(specs: Iterable[FeatureSpec]) -> frozenset[str]:
    """The features the tool computes (a lifecycle stage, a trend), as opposed to the
    data's own attributes: a level of one that training never saw is no fault of the
    extract."""
    return frozenset(spec.name for spec in specs if spec.family not in ("attributes", ""))


def specs_by_name(specs: list[FeatureSpec]) -> dict[str, FeatureSpec]:
    """Index specs by name; a duplicate name is a programming error, caught at build."""
    index: dict[str, FeatureSpec] = {}
    for spec in specs:
        if spec.name in index:
            raise ValueError(f"feature {spec.name!r} declared twice")
        index[spec.name] = spec
    return index


Columns = dict[str, np.ndarray]
"""Feature name -> one value per customer on the axis, for one cutoff."""


@dataclass(frozen=True)
class Family:
    """A group of features computed together from one table.

    `specs(ctx)` declares the features this family yields for these tables (empty when
    its table is absent); `compute(ctx, cutoff_day, done)` returns exactly those columns,
    reading only rows known at the cutoff. `done` holds columns of earlier families.
    """

    name: str
    specs: Callable[[Context], list[FeatureSpec]]
    compute: Callable[[Context, int, Mapping[str, np.ndarray]], Columns]
