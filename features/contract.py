"""The run config's data contract: which tables exist, how their columns are named.

Users describe their own files in one YAML file (`churn.yaml`); nothing downstream
assumes our column names. Every table maps *canonical* column names (the keys used by
the feature code) onto the user's column names. Paths are resolved against the folder
of the config file, so a config and its data can move together.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import difflib
import glob
import os
import re
from collections.abc import Callable, Mapping
from fnmatch import fnmatchcase
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from features.levels import likely_meant
from features.recurring import NUMBER_UNITS, PERIODS_WRITTEN, Period, parse_period, unit_named
from features.yaml_scalars import marked_line, split_by_comma_note, unquoted_note

AttributeKind = Literal["numeric", "categorical", "date"]
"""A 'date' attribute (a contract's end, an activation) is read as the days from the
cutoff to it, in a labelled snapshot's customers table only: a static date beside dated
activity tells, at an earlier cutoff, what came after it (a renewal moved the end)."""
INTERACTION_TYPES = ("complaint", "ticket", "billing_error", "call", "survey", "other")
UNTYPED_EVENT = "activity"
"""The type of every event of a usage log without types."""
"""Canonical interaction types; raw values are mapped onto these in the config."""


def is_pattern(entry: str) -> bool:
    """Whether a name list's entry is a glob pattern (`*_9`, `sep_*`), not one name."""
    return any(mark in entry for mark in "*?[")


def names_column(entry: str, column: str) -> bool:
    """Whether a name or glob pattern names this column, case as the file's (a name is
    matched as written too: `Amount [USD]` is no character class)."""
    return column == entry or fnmatchcase(column, entry)


def one_or_more_paths(value: Any) -> Any:
    """A path, or a list of them, as given; else one ValueError saying what a path may be,
    not pydantic's two alternatives (`path: []` read "Input is not a valid path for
    <class 'pathlib.Path'>; List should have at least 1 item")."""
    paths = value if isinstance(value, list) else [value]
    if not paths or not all(isinstance(path, str | os.PathLike) for path in paths):
        raise ValueError(
            f"expected a file, a list of files or a glob pattern (path: [D11, D12] or "
            f"path: 'D*'), got {value!r}"
        )
    return value


Paths = Annotated[Path | list[Path], BeforeValidator(one_or_more_paths)]
"""A file, or several read as one (`TableSpec.path`)."""


def as_list(path: Paths) -> list[Path]:
    """The paths as written: the one, or the list's."""
    return path if isinstance(path, list) else [path]


def written_paths(path: Paths) -> frozenset[str]:
    """A table's files as the config writes them, normalised, in any order, to compare
    two tables' (a pattern and the list of its files are not told alike: the server may
    not have the files to match)."""
    return frozenset(os.path.normpath(entry) for entry in as_list(path))


FILES_LISTED = 4
"""Up to this many files are named one by one where a table's files are named together."""


def files_named(files: list[Path]) -> Path:
    """One path naming a table's files in messages and reports: the file itself, or its
    files' names, in their folder if they share one ('tafeng/D11, D12, D01, D02';
    'sales/2021-01.csv, ..., 2023-12.csv (36 files)'), for what concerns them all."""
    if len(files) == 1:
        return files[0]
    names = [file.name for file in files]
    if len(names) > FILES_LISTED:
        names = [names[0], "...", f"{names[-1]} ({len(names)} files)"]
    folder = files[0].parent if len({file.parent for file in files}) == 1 else Path()
    return folder / ", ".join(names)


class ConfigError(ValueError):
    """A run config that cannot be used; the message names the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickled from an older version (a registered model's config), a section gets
        the defaults of the optional keys added since, as a config file without them
        would: serving new code with an older model must not fail on a missing key."""
        super().__setstate__(state)
        for name, spec in type(self).model_fields.items():
            if name not in self.__dict__ and not spec.is_required():
                self.__dict__[name] = spec.get_default(call_default_factory=True)


class RowFilter(_Strict):
    """Keep only the rows whose `column` (the file's name) holds one of `values`, or
    none of `not_values`: one log can feed two tables, e.g. its cancellation events as
    `cancellations`, and an order log can leave its cancelled orders out."""

    column: str
    values: list[str | int | float | bool] | None = Field(default=None, min_length=1)
    not_values: list[str | int | float | bool] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _one_way(self) -> RowFilter:
        if (self.values is None) == (self.not_values is None):
            raise ValueError("give values (the rows to keep) or not_values (to leave out)")
        return self

    @property
    def named(self) -> list[str | int | float | bool]:
        """The values the filter names, kept or left out."""
        return self.values if self.values is not None else self.not_values or []


def known_encoding(value: str | None) -> str | None:
    """An `encoding:` Python can decode with, else a ValueError naming a few that are."""
    if value is not None:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}; e.g. utf-8, cp1252, latin-1") from None
    return value


class FileReading(_Strict):
    """How a file's text is read into rows: the settings a table and its lookups share,
    read by one reader (`features/sources/reading.py`). A warehouse's dimension files
    are as raw as its facts: AdventureWorks' DimProductSubcategory is UTF-16, '|'
    separated, without a header line."""

    column_names: list[str] | None = Field(default=None, min_length=1)
    """The columns of delimited text that has no header line, in file order (the CDNOW
    log is `00001 19970101 1 11.77` from its first line): the first line is then data,
    and `columns` maps onto these names."""
    separator: str | None = Field(default=None, min_length=1)
    """The text between the fields of delimited text, of any length, read as written
    (ML-1M's `ratings.dat` separates by '::'); default: told by the header line (comma,
    semicolon, tab, pipe or runs of spaces)."""
    sheet: str | int | None = None
    """A workbook's sheet holding the table, by name or position from 0; default: the
    sheet whose header holds the most columns mapped, and the later sheets of the same
    header one after another (Online Retail II writes a year per sheet)."""
    encoding: Annotated[str | None, AfterValidator(known_encoding)] = None
    """The character encoding of delimited text or JSON lines ('cp1252', 'latin-1',
    'utf-16'); default: UTF-8, else cp1252 when the bytes are not UTF-8 (Kaggle's
    `sales_data_sample.csv` is Latin-1), said in a warning; a given one that cannot
    decode the file is an error naming the line."""

    @field_validator("column_names")
    @classmethod
    def _names_once(cls, names: list[str] | None) -> list[str] | None:
        repeated = sorted({n for n in names or [] if names.count(n) > 1})
        if repeated:
            raise ValueError(f"column_names names a column twice: {', '.join(repeated)}")
        return names

    def reading(self) -> dict[str, Any]:
        """The reading settings as given, to read a lookup's file as a table's."""
        return {name: getattr(self, name) for name in FileReading.model_fields}


class LookupSpec(FileReading):
    """Columns of another file joined onto a table's rows by a key: a retail log's
    category lives in its product table (dunnhumby's `product.csv`, by `PRODUCT_ID`).
    The joined columns are then mapped like the table's own. Its file is read as a
    table's is (`FileReading`: `column_names`, `separator`, `sheet`, `encoding`); its
    values as the table's (`not_missing`, `missing_values`... name its columns too)."""

    path: Paths
    """The lookup's file, or its files as a table's (`TableSpec.path`), rows stacked."""
    on: str
    """The key column, as the table names it (and the lookup's file, unless `key`)."""
    key: str | None = None
    """The key's name in the lookup's file where it differs: Starbucks' transcript writes
    an offer as `value.offer id`, its portfolio as `id`."""
    columns: list[str] = Field(min_length=1)
    """The lookup file's columns to bring in (one row per key there)."""

    @property
    def file_key(self) -> str:
        """The key's name in the lookup's file."""
        return self.key or self.on

    @model_validator(mode="before")
    @classmethod
    def _yaml_on(cls, data: Any) -> Any:
        """YAML 1.1 reads a bare `on:` key as the boolean true (PyYAML does): the
        documented `lookup: {path: ..., on: sku, ...}` arrived as `{True: 'sku'}`."""
        if isinstance(data, dict) and True in data and "on" not in data:
            data = {("on" if key is True else key): value for key, value in data.items()}
        return data

    @field_validator("on", mode="before")
    @classmethod
    def _one_key_column(cls, value: Any) -> Any:
        """A key of several columns (a student by id, module and presentation) is no key
        a lookup joins by: said so, with the remedy, not as a string type error."""
        if isinstance(value, list):
            raise ValueError(
                f"a key of several columns ({', '.join(map(str, value))}) is not supported: "
                "join them into one column in both files (e.g. id_module_presentation)"
            )
        return value

    @model_validator(mode="after")
    def _key_is_no_column(self) -> LookupSpec:
        if self.file_key in self.columns:
            raise ValueError(f"lookup.columns lists the key {self.file_key!r}")
        return self


OPTIONS_NOT_COLUMNS = {
    "label": "the label is set beside `columns`, not in it: "
    "label: {column: <its column>, positive: <the churned value>}",
    "attributes": "attributes are listed beside `columns`, not in it: attributes: [<column>, ...]",
}
"""Table options a user may write as a column mapping, and where each goes instead."""


REQUIRED_MEANINGS = {
    "customer_id": "who each row is about",
    "timestamp": "when each row happened",
    "type": "what kind each row is",
}
"""What a required column holds, for the error of one the file lacks because it was
never mapped (its name then defaults to the canonical one, which few files use)."""


class TableSpec(FileReading):
    """One input table: a file (delimited text, Parquet, JSON lines or a workbook), how
    it is read (`FileReading`) and its column mapping (canonical -> user)."""

    required_columns: ClassVar[tuple[str, ...]] = ()
    optional_columns: ClassVar[tuple[str, ...]] = ()
    blank_means_no_row: ClassVar[dict[str, str]] = {}
    """Required columns whose blank says the row records nothing, with what the warning
    says of such rows (ignored), where elsewhere a blank required value is an error."""
    scheduled_after_extract: ClassVar[tuple[str, ...]] = ()
    """Date columns whose dates after the extract (`data.as_of`) are scheduled, not yet
    happened: such rows are ignored with a warning, where elsewhere they are an error."""

    path: Paths
    """The table's file, or its files read alike, their rows stacked in order before any
    check: a list (Ta Feng ships a month per file: [D11, D12, D01, D02]) or a glob
    pattern (`D*`, `sales_*.csv`: its matches sorted by name). Their columns must agree."""
    columns: dict[str, str] = Field(default_factory=dict)
    rows: RowFilter | list[RowFilter] | None = None
    """The rows to read: one filter on one column (`{column: status, values: [paid]}`),
    or a list that must all hold (OULAD's course table by module and by presentation)."""
    date_format: str | None = None
    """strftime format of the table's text dates (e.g. '%d/%m/%Y'); default: ISO 8601,
    else one format guessed from the data and named in a warning."""
    decimal: Literal[".", ","] | None = None
    """The decimal mark of the table's text numbers; default: '.', or ',' for a column
    that reads only that way ('1.234,50', as European exports write), named in a warning."""
    missing_values: list[str | int | float] | dict[str, list[str | int | float]] = Field(
        default_factory=list
    )
    """Values that mean "unknown", read as blanks: a list for all this table's columns
    but the customer id (['?', 'unknown', -1]), or per column of the file ({bd: [0],
    gender: ['?']}: an age of 0 is unknown, a count of 0 is not). Blank cells, NA, N/A,
    NULL and NaN are too, unless in `not_missing`."""
    valid_ranges: dict[str, tuple[float | None, float | None]] = Field(default_factory=dict)
    """Per column of the file, the [lowest, highest] plausible number (null: no bound);
    numbers outside are read as unknown with a warning: {bd: [10, 100]} keeps an age of
    1,051 or -40 out of the model and its reasons."""
    not_missing: list[str] = Field(default_factory=list)
    """Text a CSV reader takes for missing that is a value in this table, e.g. ['NA']
    where it means North America (or Namibia)."""
    lookup: LookupSpec | list[LookupSpec] | None = None
    """Columns joined from another file by a key (`LookupSpec`), or from several in turn,
    a later one keyed by a column an earlier one joined: Olist's order items reach their
    customer through the orders file (`order_id` -> `customer_id`), then the customers
    file (`customer_id` -> `customer_unique_id`)."""
    day_origin: dt.date | None = None
    """The date day 0 stands for when this table's dates are day numbers (dunnhumby's
    `DAY` runs 1 to 711): each date is that many days after it. Without it, numbers
    that are no YYYYMMDD, spreadsheet serial or Unix time are an error."""
    time_unit: Literal["days", "hours", "minutes", "seconds", "weeks"] = "days"
    """What one of those numbers counts from `day_origin`: Starbucks' `time` counts hours
    (0 to 714 over 30 days), and read as days its month became two years."""

    @model_validator(mode="after")
    def _unit_of_an_origin(self) -> TableSpec:
        if self.time_unit != "days" and self.day_origin is None:
            raise ValueError(
                f"time_unit: {self.time_unit} counts from a day_origin: set day_origin to "
                "the date 0 stands for"
            )
        return self

    @field_validator("date_format")
    @classmethod
    def _readable_format(cls, value: str | None) -> str | None:
        """A format that cannot read back the dates it writes is refused here, not as a
        traceback from the date parser ('%s' is no strptime directive)."""
        if value is None:
            return value
        try:
            sample = dt.datetime(2024, 1, 31, 13, 45, 56, tzinfo=dt.UTC)  # %z needs a zone
            dt.datetime.strptime(sample.strftime(value), value)
        except ValueError as error:
            hint = "; numbers are read as Unix time without one" if "%s" in value else ""
            raise ValueError(f"{value!r} cannot read dates ({error}){hint}") from None
        return value

    @model_validator(mode="after")
    def _check_columns(self) -> TableSpec:
        known = set(self.required_columns) | set(self.optional_columns)
        unknown = sorted(set(self.columns) - known)
        if unknown:
            hints = [OPTIONS_NOT_COLUMNS[name] for name in unknown if name in OPTIONS_NOT_COLUMNS]
            raise ValueError(
                f"unknown canonical column(s) {unknown}; expected some of {sorted(known)}"
                + "".join(f"; {hint}" for hint in hints)
            )
        joined = [column for lookup in self.lookups for column in lookup.columns]
        twice = sorted({n for n in joined if joined.count(n) > 1})
        if twice:
            raise ValueError(f"two lookups join the same column: {', '.join(twice)}")
        return self

    @property
    def row_filters(self) -> list[RowFilter]:
        """The filters a row must pass (`rows`: one, a list, or none)."""
        if self.rows is None:
            return []
        return self.rows if isinstance(self.rows, list) else [self.rows]

    @property
    def lookups(self) -> list[LookupSpec]:
        """The lookups in the order they join (`lookup`: one, a list, or none)."""
        if self.lookup is None:
            return []
        return self.lookup if isinstance(self.lookup, list) else [self.lookup]

    def outside_range(self, column: str, value: Any) -> Any:
        """Whether numbers of this file column (one, or a whole column: the loader's and
        a live request's one rule) lie outside its `valid_ranges`; NaN never does."""
        low, high = self.valid_ranges.get(column, (None, None))
        return (value < low if low is not None else False) | (
            value > high if high is not None else False
        )

    def missing_in(self, column: str) -> list[str | int | float]:
        """The values that mean "unknown" in one column of the file (`missing_values`)."""
        values = self.missing_values
        return values.get(column, []) if isinstance(values, dict) else values

    def source_column(self, canonical: str) -> str:
        """The user's column name for a canonical column (identity when not mapped)."""
        return self.columns.get(canonical, canonical)

    def mapped(self) -> dict[str, str]:
        """canonical -> user name for the required columns and the optional ones given:
        the columns read from the file."""
        names = {c: self.source_column(c) for c in self.required_columns}
        names.update({c: u for c, u in self.columns.items() if c in self.optional_columns})
        return names

    def loaded_columns(self) -> list[str]:
        """The canonical columns of the loaded table (`features/sources/`)."""
        return list(self.mapped())


class LabelSpec(_Strict):
    """A label column shipped with snapshot data (telecom style): which value means churned."""

    column: str
    positive: str | int | float | bool
    unlabelled: list[str | int | float | bool] = Field(default_factory=list)
    """Values that say the outcome is not known yet (Maven's 'Joined': new this quarter,
    beside 'Churned' and 'Stayed'): such customers are scored, not trained or tested on."""
    negative: list[str | int | float | bool] = Field(default_factory=list)
    """The values that say the customer stayed, where more than one does (a course's
    final_result: Withdrawn is leaving, Pass, Fail and Distinction all stayed). Default:
    the one value beside `positive`; a third one is then an error, as a misspelt positive
    would make everyone a stayer."""
    population_rate: float | None = Field(default=None, gt=0, lt=1)
    """The churn rate of the customers to be scored, where the file is a sample drawn
    otherwise (a balanced 50/50 case file of a 2% churn population): probabilities are
    shifted from the file's rate to it (`churn.model.shifted_to`), and so are the bands."""
    path: Path | None = None
    """A file of the labels alone, one per line in the customers file's row order, without
    a header (the KDD Cup 2009's `orange_small_train_churn.labels`, `-1` or `1`, beside
    `orange_small_train.data`); `column` then names them."""

    @model_validator(mode="after")
    def _positive_is_labelled(self) -> LabelSpec:
        positive = _label_key(self.positive)
        if positive in {_label_key(v) for v in self.unlabelled}:
            raise ValueError(f"the positive value {self.positive!r} is also listed as unlabelled")
        if positive in {_label_key(v) for v in self.negative}:
            raise ValueError(f"the positive value {self.positive!r} is also listed as negative")
        unlabelled = {_label_key(v) for v in self.unlabelled}
        both = [str(v) for v in self.negative if _label_key(v) in unlabelled]
        if both:
            raise ValueError(f"listed as both negative and unlabelled: {', '.join(both)}")
        return self


def _label_key(value: str | int | float | bool) -> str:
    """A label value as the loader matches it: a number by its value (1, 1.0 and '1' are
    one), text by its letters in any case."""
    if not isinstance(value, bool):
        try:
            return repr(float(value))
        except ValueError:
            pass
    return str(value).strip().casefold()


class CustomersSpec(TableSpec):
    required_columns = ("customer_id",)
    optional_columns = ("signup_date", "wallet", "value", "timestamp")
    """`timestamp`: when the customers table is an activity log read for its customers'
    attributes (a row per event, carrying the user's plan or level), when each row was
    recorded; an attribute is then read as of each cutoff, the latest value on or before
    it. Taken from the activity table of the same file when not mapped."""

    attributes: dict[str, AttributeKind | None] = Field(default_factory=dict)
    all_attributes: bool = False
    """`attributes: all`: every column of the file but the id, the label and the mapped
    ones (a snapshot of 230 anonymised columns), less `not_attributes`; kinds inferred."""
    not_attributes: list[str] = Field(default_factory=list)
    """Columns `attributes: all` leaves out (a phone number, a free-text note), by name or
    by glob pattern, case as the file's: a telecom snapshot's 54 month-9 columns, the
    future of its month-8 label, are `*_9`, not 54 names one typo from a leak."""
    attribute_kinds: dict[str, AttributeKind] = Field(default_factory=dict)
    """Kinds `attributes: all` does not infer: {Area code: categorical}. A column given a
    kind is read as an attribute, whatever the rules that leave columns out say."""
    attribute_words: dict[str, str] = Field(default_factory=dict)
    """What reasons call an attribute: {Total_Trans_Ct: "transactions in the last 12
    months"} reads "transactions in the last 12 months: 20", not "Total_Trans_Ct 20"."""
    segments: list[str] | None = None
    """The attributes a worklist is filtered by and each score carries (region, plan; a
    numeric one listed is filtered as written, Partner=1); default: the categorical ones
    with at most `MAX_SEGMENT_LEVELS` levels (an
    anonymised code with 4,600 levels filters nothing and fills the store)."""
    label: LabelSpec | None = None

    @model_validator(mode="before")
    @classmethod
    def _all_attributes(cls, value: Any) -> Any:
        """`attributes: all` is `all_attributes: true` (the columns are read from the file)."""
        if isinstance(value, dict) and value.get("attributes") == "all":
            return {**value, "attributes": {}, "all_attributes": True}
        return value

    @model_validator(mode="after")
    def _names_are_attributes(self) -> CustomersSpec:
        if self.not_attributes and not self.all_attributes:
            raise ValueError("not_attributes goes with `attributes: all`")
        if self.attribute_kinds and not self.all_attributes:
            raise ValueError(
                "attribute_kinds goes with `attributes: all`; otherwise give the kinds in "
                "attributes: {name: categorical}"
            )
        dates = sorted(
            n for n, k in {**self.attributes, **self.attribute_kinds}.items() if k == "date"
        )
        if dates and self.label is None:
            raise ValueError(
                f"date attribute(s) {', '.join(dates)}: a date is read as an attribute in a "
                "labelled snapshot only (its one cutoff is the extract's); beside dated "
                "activity a static date tells what came after an earlier cutoff"
            )
        if overlap := sorted(filter(self.leaves_out, self.attribute_kinds)):
            raise ValueError(f"in both attribute_kinds and not_attributes: {', '.join(overlap)}")
        if self.all_attributes:
            return self  # the file's columns are not known before it is read
        for key, names in (("attribute_words", self.attribute_words), ("segments", self.segments)):
            unknown = sorted(set(names or ()) - set(self.attributes))
            if unknown:
                # a misspelt attribute shows here first: `attributes: [LIFESTAGES]` beside
                # `attribute_words: {LIFESTAGE: ...}` blamed the words alone
                listed = [a for a in self.attributes if a not in (names or ())]
                meant = {n: likely_meant(n, listed, renumbered=False) for n in unknown}
                said = [
                    f"{n} (attributes lists {m!r}: is one misspelt?)" if m else n
                    for n, m in meant.items()
                ]
                raise ValueError(f"{key} names no attribute: {', '.join(said)}")
        return self

    @field_validator("attributes", mode="before")
    @classmethod
    def _attributes_as_mapping(cls, value: Any) -> Any:
        return _as_mapping(value)

    def leaves_out(self, column: str) -> bool:
        """Whether `not_attributes` names the column or holds a pattern matching it."""
        return any(names_column(entry, column) for entry in self.not_attributes)


def _as_mapping(value: Any) -> Any:
    """Accept `[region, segment]` (types inferred) or `{seats: numeric}` (overridden)."""
    if isinstance(value, list):
        return dict.fromkeys(value)
    return value


class ActivitySpec(TableSpec):
    """An activity table that may carry attributes of the customer on its rows."""

    attributes: dict[str, AttributeKind | None] = Field(default_factory=dict)
    """Columns of this file that describe the customer as of the row: a payment's
    auto-renew flag, plan or payment method (contract and commitment attributes,
    DOMAIN.md). Each is an attribute read as of every cutoff: its value on the
    customer's latest row (of those `rows:` keeps) on or before it. A list infers the
    kinds; {is_auto_renew: numeric} sets them. A live request posts the current value
    in the customer's `attributes`."""
    attribute_words: dict[str, str] = Field(default_factory=dict)
    """What reasons call such an attribute: {is_auto_renew: "auto-renew on the latest
    payment"}."""

    @field_validator("attributes", mode="before")
    @classmethod
    def _attributes_as_mapping(cls, value: Any) -> Any:
        return _as_mapping(value)

    @model_validator(mode="after")
    def _attributes_are_not_canonical(self) -> ActivitySpec:
        canonical = sorted(set(self.attributes) & {*self.required_columns, *self.optional_columns})
        if canonical:
            raise ValueError(f"attribute(s) named like a canonical column: {', '.join(canonical)}")
        unknown = sorted(set(self.attribute_words) - set(self.attributes))
        if unknown:
            raise ValueError(f"attribute_words names no attribute: {', '.join(unknown)}")
        if dates := sorted(n for n, k in self.attributes.items() if k == "date"):
            raise ValueError(
                f"date attribute(s) {', '.join(dates)}: a date is read as an attribute of a "
                "labelled snapshot's customers only; a dated log's rows date themselves"
            )
        return self


PURCHASE_COLUMNS = frozenset({"quantity", "category", "discount", "list_price", "unit_price"})
"""What a purchase has and a subscription's payment lacks: a basket of products."""

MONEY_COLUMNS = ("amount", "discount", "margin")
"""The loaded transactions' money columns (a unit or list price is read into these)."""


class RecurringSpec(_Strict):
    """The transactions are subscriptions, one row per plan (`features/recurring.py`):
    each is read as a payment every billing period from its `timestamp` (the start)
    while it runs, before its `ended_at` and up to the data's end."""

    every: str | int = "month"
    """The billing period: month, year, quarter, week, "3 months", or a number of days;
    a mapped `billing_period` column sets it per row (a blank cell reads as this)."""
    amount_per: Literal["period", "month"] = "period"
    """What the amount is: each period's payment, or a monthly fee (MRR), which a yearly
    plan pays twelve times over once a year."""
    numbers_count: Literal["days", "weeks", "months", "quarters", "years"] | None = None
    """What a number in the `billing_period` column counts: by default what the column's
    name says (`bill_period_months`: months), else days."""

    @field_validator("every")
    @classmethod
    def _a_period(cls, value: str | int) -> str | int:
        if parse_period(value) is None:
            raise ValueError(f"{value!r} is no billing period: write {PERIODS_WRITTEN}")
        return value

    @property
    def period(self) -> Period:
        found = parse_period(self.every)
        assert found is not None  # validated
        return found


class TransactionsSpec(ActivitySpec):
    """Lines of purchases. `amount` is the line's total; a log that has a unit price and a
    quantity instead maps `unit_price` (and `quantity`), and the total is their product.
    A log of no money at all (Kaggle's Groceries: member, date, item) maps neither: its
    purchases still tell recency, rhythm, frequency and breadth, and nothing is said of
    spend or value (`spends`)."""

    required_columns = ("customer_id", "timestamp")
    optional_columns = (
        "amount",
        "quantity",
        "category",
        "discount",
        "list_price",
        "order_id",
        "unit_price",
        "paid_until",
        "margin",
        "ended_at",
        "billing_period",
    )
    """`margin`: what the line earned after its costs (a retailer's `Profit`), of either
    sign; with it a customer's value is the margin they bring, not their revenue, and one
    who costs more than they bring is `below_zero` (DOMAIN.md's value tiers).
    `paid_until`: the end of the period a payment pays for (a subscription's
    membership expiry date); the `expiry` churn definition reads it. `list_price`: the
    price before any discount (a plan's list price beside what was paid); the discount is
    what the line paid below it. `ended_at`, `billing_period`: a subscription's end
    (blank while it runs) and billing period, with `recurring`."""

    recurring: RecurringSpec | None = None
    """The rows are subscriptions (start, end, fee), each read as its payments."""
    consumable_categories: list[str] | None = None
    """Low-value repeat categories; when absent they are inferred as of each cutoff."""
    payments: bool | None = None
    """Whether the rows are a subscription's payments (reasons then say "no payment for
    40 days", "usually pays every 30 days"), not a shop's purchases. Default: payments
    when they carry `paid_until`, or when churn is a cancellation and they carry nothing
    of a purchase (`PURCHASE_COLUMNS`): a billing export's invoices (`RunConfig.payments`)."""
    money_scale: float = Field(default=1.0, gt=0)
    """What one unit of the money columns (amount, unit_price, discount, list_price,
    margin) is
    worth in the currency reasons and values show: 0.01 for amounts in cents, as Stripe
    and most billing systems write them ("spent 1,425,600" was $14,256). A live request
    posts amounts as the data write them and is scaled alike."""

    def in_currency(self, money: Any) -> Any:
        """Amounts or discounts as the data write them, in the currency shown
        (`money_scale`): the loader's and a live request's one rule."""
        return money * self.money_scale if self.money_scale != 1 else money

    @model_validator(mode="after")
    def _amount_or_unit_price(self) -> TransactionsSpec:
        if "unit_price" in self.columns:
            if "amount" in self.columns:
                raise ValueError("map either amount (the line total) or unit_price, not both")
            if "quantity" not in self.columns:
                raise ValueError("unit_price needs quantity: the amount is their product")
        if {"list_price", "discount"} <= set(self.columns):
            raise ValueError("map either discount or list_price (the discount is below it)")
        return self

    @model_validator(mode="after")
    def _subscriptions_or_payments(self) -> TransactionsSpec:
        """A subscriptions table's payments and their periods are computed
        (`features/recurring.py`): a mapped `paid_until` or `order_id` would contradict
        them, and `ended_at` or `billing_period` mean nothing on payments."""
        mapped = set(self.columns)
        if self.recurring is None:
            if found := sorted(mapped & {"ended_at", "billing_period"}):
                raise ValueError(
                    f"{', '.join(found)} describe(s) subscriptions: add `recurring: "
                    "{every: month}` to read each row as a subscription paid every period"
                )
            return self
        if found := sorted(mapped & {"paid_until", "order_id"}):
            raise ValueError(
                f"with recurring, each row is a subscription and its payments are computed "
                f"(one per period, each paid until the next): leave {', '.join(found)} "
                "unmapped"
            )
        return self

    def period_per_number(self) -> Period:
        """What a number in the `billing_period` column counts (`RecurringSpec.
        numbers_count`, else the unit the column's name says, else days)."""
        unit = self.recurring.numbers_count if self.recurring else None
        return NUMBER_UNITS[unit or unit_named(self.source_column("billing_period"))]

    @property
    def paid_periods(self) -> bool:
        """Whether each payment says the period it pays for: a mapped `paid_until`, or
        the computed payments of a subscriptions table (`recurring`)."""
        return self.recurring is not None or "paid_until" in self.columns

    @property
    def spends(self) -> bool:
        """Whether the lines carry money: an `amount`, or a unit price it is computed from.
        The loader also reads a column the file names `amount` without a mapping (as a
        required column once was), and says when there is none (`features/sources/`)."""
        return bool({"amount", "unit_price"} & set(self.columns))

    def loaded_columns(self) -> list[str]:
        columns = super().loaded_columns()
        for read, loaded in (("unit_price", "amount"), ("list_price", "discount")):
            if read in columns:
                columns[columns.index(read)] = loaded
        return columns


class EventsSpec(ActivitySpec):
    required_columns = ("customer_id", "timestamp", "type")
    optional_columns = ("quantity",)

    types: list[str] | None = None
    """Event types to featurize; when absent, the most frequent few before the first cutoff."""
    type_words: dict[str, str] = Field(default_factory=dict)
    """Words for event types the log writes as codes, for reasons: `{1: question, 2:
    answer}` reads "3 answer events in the last 30 days" where a Stack Exchange dump's
    PostTypeId had read "3 2 events". A type of digits without words reads "type '2'"."""
    quantity_unit: str | dict[str, str] | None = None
    """What one unit of `quantity` is ('minutes', 'MB', 'seconds played'), for reasons
    like "1,240 minutes of call in the last 30 days"; or per type, {call: minutes,
    download: MB} (types not listed: 'units'). Default: the quantity column's own name
    ("1,240 session_length_s of session_start"), which says more than 'units'."""

    @field_validator("type_words", mode="before")
    @classmethod
    def _codes_as_written(cls, value: Any) -> Any:
        """`{1: question}` names the type as the file writes it ('1')."""
        if not isinstance(value, dict):
            return value
        return {_as_written(code): words for code, words in value.items()}

    def coded(self, posted: str) -> str:
        """A posted event type as the log writes it: a `type_words` word (any case) as its
        code, a Q&A log's 'answer' as its '2' (counted in overall use only, it had been
        told "its types: '2', '1'..."); any other type as posted."""
        if not self.type_words or posted in self.type_words:
            return posted
        said = posted.casefold()
        return next((c for c, words in self.type_words.items() if words.casefold() == said), posted)

    @property
    def type_filtered(self) -> bool:
        """Whether a `rows:` filter reads the type column (`keeps_type`)."""
        column = self.source_column("type")
        return any(rows.column == column for rows in self.row_filters)

    def keeps_type(self, value: str) -> bool:
        """Whether the `rows:` filters on the type column keep an event of this type: a
        posted event carries no other column they read (a log's own `values: [login,
        play, payment]` had left its support tickets out of training, and live counted
        them as use: 0.565 against the batch's 0.688)."""
        column = self.source_column("type")
        return all(
            _names(value, rows.named) == (rows.values is not None)
            for rows in self.row_filters
            if rows.column == column
        )

    def unit(self) -> str | dict[str, str]:
        """`quantity_unit`, else the name of the file's quantity column."""
        if self.quantity_unit is not None:
            return self.quantity_unit
        return self.columns.get("quantity", "units")

    quantities: dict[str, str] = Field(default_factory=dict)
    """Further numeric columns of the log beside `quantity`, each with what it counts:
    {num_unq: unique songs, active_users: active users}. Each is summed over all the
    log's events in the last 30 days and against the 30 before (`features/usage.py`)."""

    def mapped(self) -> dict[str, str]:
        names = super().mapped()
        names.update({quantity_column(c): c for c in self.quantities})
        return names

    def zeros_record_no_use(self) -> bool:
        """Whether a row 0 in every quantity records no use (`features.tables.no_use_rows`)
        and is left out, at load and live alike: in an untyped log with `quantities` and
        no carried attributes, whose rows say nothing but counts, as a grid of a row per
        customer and day padded with zeros writes them (KDD Cup 2015's MOOC log: 91.9% of
        its rows, each read as a day of use, and no learner ever lapsed). A typed row says
        what happened (a login of 0 minutes is a visit), so does a row of a log of one
        measured column, `quantity` or a lone `quantities` entry (a session under a
        minute), and a row carrying attributes says the customer's plan then: those are
        kept."""
        measured = len(self.quantities) + ("quantity" in self.columns)
        return measured >= 2 and "type" not in self.columns and not self.attributes


def quantity_column(column: str) -> str:
    """The canonical name of a further quantity (`EventsSpec.quantities`) in the loaded
    events table."""
    return f"quantities.{column}"


WHOLE_FLOAT = re.compile(r"(-?\d+)\.0+")
"""A whole number written as a float ('13085.0'), its digits the first group."""


def _as_written(value: Any) -> Any:
    """A number as a file writes it (2 and 2.0 as '2'); anything else unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return str(int(value)) if float(value).is_integer() else str(value)


class InteractionsSpec(TableSpec):
    required_columns = ("customer_id", "timestamp", "type")
    optional_columns = ("resolved_at", "satisfaction", "recorded_at")

    types: dict[str, list[str]] = Field(default_factory=dict)
    """canonical type -> raw values. Raw values equal to a canonical name map to it."""

    @field_validator("types", mode="before")
    @classmethod
    def _numbers_as_written(cls, value: Any) -> Any:
        """`types: {complaint: [1, 2]}` names review scores as the file writes them
        ('1', '2'), as `rows:` accepts numbers."""
        if not isinstance(value, dict):
            return value
        return {
            canonical: [_as_written(raw) for raw in raws] if isinstance(raws, list) else raws
            for canonical, raws in value.items()
        }

    @field_validator("types")
    @classmethod
    def _canonical_types(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(value) - set(INTERACTION_TYPES))
        if unknown:
            raise ValueError(f"unknown interaction type(s) {unknown}; use {INTERACTION_TYPES}")
        return value

    def raw_to_canonical(self) -> dict[str, str]:
        mapping = {t: t for t in INTERACTION_TYPES}
        for canonical, raws in self.types.items():
            mapping.update({str(raw): canonical for raw in raws})
        return mapping

    def type_reader(self) -> Callable[[str], str | None]:
        """Raw type -> canonical type, or None when `types` does not name it: exact,
        then ignoring case and surrounding space, then a whole number written as a float
        ('1.0', as a Parquet float column of review scores reads, for `1`)."""
        exact = self.raw_to_canonical()
        folded = {raw.casefold(): canonical for raw, canonical in exact.items()}

        def read(raw: str) -> str | None:
            found = exact.get(raw) or folded.get(raw.strip().casefold())
            if found is None and (whole := WHOLE_FLOAT.fullmatch(raw.strip())):
                found = exact.get(whole.group(1))
            return found

        return read


class CancellationsSpec(TableSpec):
    required_columns = ("customer_id", "timestamp")
    blank_means_no_row = {"timestamp": "without a cancellation time ignored: not cancelled"}
    """A subscriptions snapshot read as the cancellations (Stripe's `canceled_at`) leaves
    the time blank on the subscriptions that were not cancelled."""
    scheduled_after_extract = ("timestamp",)
    """A subscriptions export's `end_date` holds, for a plan cancelled at its period's
    end, an end after the extract (101 of a SaaS export's 366): no cancellation yet at
    any cutoff the data allow, and the label of a cutoff whose horizon reaches past the
    extract is unobserved anyway."""


class DataSpec(_Strict):
    customers: CustomersSpec | None = None
    transactions: TransactionsSpec | None = None
    events: EventsSpec | None = None
    interactions: InteractionsSpec | None = None
    cancellations: CancellationsSpec | None = None
    as_of: dt.date | None = None
    """The date the extract was taken; timestamps after it are errors. Default: today."""
    complete_history: bool = False
    """The data hold every customer's whole history: the business (or what the data
    describe) began with them, so a window reaching before the data's first day is no
    activity, not activity the extract left out. Default: unknown there for a customer
    who may have been one before (no signup date, or an earlier one): a shop's export
    rarely starts with its first sale, and "spend up 84%" on a month against a previous
    quarter mostly missing would be wrong (`features/context.py:Context.window_known`)."""

    @model_validator(mode="after")
    def _has_customers(self) -> DataSpec:
        if self.customers is None and self.transactions is None and self.events is None:
            raise ValueError(
                "give at least `customers`, `transactions` or `events` (without a customers "
                "table, the customers are who appear in the transactions and events)"
            )
        return self

    @model_validator(mode="after")
    def _one_table_per_attribute(self) -> DataSpec:
        seen: dict[str, str] = {}
        for table, names in self.attribute_tables().items():
            for name in names:
                if name in seen:
                    raise ValueError(
                        f"attribute '{name}' is read from both {seen[name]} and {table}"
                    )
                seen[name] = table
        return self

    @property
    def plan_ends_cancel(self) -> bool:
        """Whether the cancellations are a subscriptions table's ends (`recurring` with
        `ended_at`, no cancellations table): those that leave the customer with no plan
        running (`features.recurring.plan_ends`). A cancellations table read from the
        same file's end date counts every plan's end, a trial's beside twelve running
        plans too."""
        spec = self.transactions
        return (
            self.cancellations is None
            and spec is not None
            and spec.recurring is not None
            and "ended_at" in spec.columns
        )

    def with_amount_read(self) -> DataSpec:
        """This section with the transactions' `amount` mapped onto a column of that name
        where none is mapped: what the loader reads from a file holding one
        (`features/sources/amounts.py`), for a model that was trained on it (whose
        features spend) to read posted amounts as it did."""
        spec = self.transactions
        if spec is None or spec.spends:
            return self
        columns = {**spec.columns, "amount": "amount"}
        return self.model_copy(
            update={"transactions": spec.model_copy(update={"columns": columns})}
        )

    def attribute_tables(self) -> dict[str, list[str]]:
        """The attributes each table names (`customers.attributes`, and those the
        transactions and events carry), by table."""
        return {
            name: list(spec.attributes)
            for name, spec in self.tables().items()
            if isinstance(spec, CustomersSpec | ActivitySpec) and spec.attributes
        }

    def carried_attributes(self) -> set[str]:
        """The attributes the activity tables carry."""
        return {
            n for t, names in self.attribute_tables().items() if t != "customers" for n in names
        }

    def looked_up_columns(self) -> dict[str, str]:
        """Each column a table's `lookup` joins, with the lookup file's name: one value
        per key, as the file holds it at the extract, whatever the date of the row it
        joins (an attribute so carried is undated: `training/leaks.py`)."""
        return {
            column: files_named(as_list(lookup.path)).name
            for spec in self.tables().values()
            for lookup in spec.lookups
            for column in lookup.columns
        }

    def event_types_read_as(self) -> dict[str, frozenset[str]]:
        """The event types another table reads from the events' own file, by table: its
        one `rows:` filter keeps those values of the events' type column (a log's
        payments as transactions, its cancel page as cancellations, its tickets as
        interactions). Told from the config alone, as a server without the files reads
        it: the same paths as written, the same sheet."""
        events = self.events
        if events is None:
            return {}
        read_as = {}
        for name in ("transactions", "interactions", "cancellations"):
            spec = getattr(self, name)
            same_file = spec is not None and written_paths(spec.path) == written_paths(events.path)
            if not same_file or spec.sheet != events.sheet:
                continue
            if values := _type_values(spec.row_filters, events.source_column("type")):
                read_as[name] = values
        return read_as

    def not_use_types(self) -> dict[str, frozenset[str]]:
        """`event_types_read_as` but those the events' own `rows:` keeps by name: a
        payment read as a purchase is no product use (an auto-renewal each month read
        as use made a subscriber silent for 101 days "last event 20 days ago"), unless
        the config keeps it among the events."""
        events = self.events
        kept = _type_values(events.row_filters, events.source_column("type")) if events else set()
        read_as = {name: types - kept for name, types in self.event_types_read_as().items()}
        return {name: types for name, types in read_as.items() if types}

    def tables(self) -> dict[str, TableSpec]:
        """The configured tables by name, in a stable order."""
        names = ("customers", "transactions", "events", "interactions", "cancellations")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


def _names(value: Any, named: list) -> bool:
    """Whether a filter's `named` values hold `value` as the loader compares a file's
    (`features.sources.reading._holds`): stripped text, or numbers as numbers (a type
    code 1 posted as '1.0' or ' 01')."""
    text = str(value).strip()
    if text in {str(v).strip() for v in named}:
        return True
    try:
        number = float(text)
    except ValueError:
        return False
    return any(_as_float(v) == number for v in named)


def _as_float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


READ_AS_WORDS = {"transactions": "purchases", "interactions": "service contacts",
                 "cancellations": "cancellations"}  # fmt: skip
"""What the rows another table reads from a usage log are, in words (`DataSpec.
event_types_read_as`): the loader's warning and a live note say them."""


def _type_values(filters: list[RowFilter], column: str) -> frozenset[str]:
    """The values `rows:` filters keep by name on a log's type `column` (with others beside
    them on other columns: their payments that passed are still payments)."""
    return frozenset(
        str(value)
        for rows in filters
        if rows.column == column and rows.values is not None
        for value in rows.values
    )


class ChurnSpec(_Strict):
    definition: Literal["inactivity", "cancellation", "label_column", "expiry"] = "inactivity"
    horizon_days: Annotated[int, Field(gt=0, le=3650)] = 90
    active_window_days: Annotated[int, Field(gt=0, le=3650)] = 365
    grace_days: Annotated[int, Field(ge=0, le=365)] = 30
    """How long after the paid period ends a renewal still counts as staying: under
    expiry, and under cancellation when payments carry `paid_until` (a member past it
    unpaid is gone). 30 days covers a dunning cycle's retries."""
    activity: Literal["purchases", "usage"] | None = None
    """inactivity: what keeps a customer active, purchases (the transactions) or usage
    (the events: a free app, where leaving is no longer opening it). Default: purchases
    when transactions are configured, else usage."""

    @model_validator(mode="after")
    def _expiry_leaves_room_to_churn(self) -> ChurnSpec:
        """Under expiry a member paid up at the cutoff churns only when their period
        ends within `horizon_days` - `grace_days` of it: KKBox's "no renewal within 30
        days of expiry" written as horizon 30 and grace 30 trained on no churner, and
        said only "all train rows are stayers"."""
        if self.definition == "expiry" and self.horizon_days <= self.grace_days:
            raise ValueError(
                f"under expiry, horizon_days ({self.horizon_days}) must exceed grace_days "
                f"({self.grace_days}): a member paid up at the cutoff churns only when their "
                "paid period ends within horizon_days - grace_days of it and is not renewed "
                f"within grace_days; e.g. horizon_days: {self.grace_days + 30} with "
                f"grace_days: {self.grace_days}"
            )
        return self

    def by_usage(self, has_transactions: bool) -> bool:
        """Whether `inactivity` reads the events rather than the purchases."""
        return self.activity == "usage" or (self.activity is None and not has_transactions)


class EvaluationSpec(_Strict):
    split: Literal["out_of_time", "customer_cv"] = "out_of_time"
    folds: Annotated[int, Field(ge=2, le=20)] = 5
    seed: int = 42
    cutoff: dt.date | None = None
    """The test cutoff; default: the latest cutoff whose horizon is fully observed."""
    truth: Path | None = None
    """The simulator's truth.parquet, when the data came from `churn simulate`."""
    validation_share: Annotated[float, Field(gt=0, le=0.5)] = 0.25
    """Out of time: the share of the validation cutoff's customers held out of training
    to choose the booster's rounds by, before it is refitted on every training row
    (`training/holdout.py`)."""


class TrainingSpec(_Strict):
    """The cutoff grid and the model; defaults are meant to win without tuning."""

    cutoffs: Annotated[int, Field(ge=1, le=120)] = 12
    """How many training cutoffs, going back from the validation cutoff."""
    spacing: Literal["month"] | Annotated[int, Field(ge=1)] = "month"
    """Month-ends, or a fixed number of days between cutoffs."""
    model_name: str | None = None
    """Registered model name; default: the run name."""
    max_rounds: Annotated[int, Field(ge=10)] = 2000
    early_stopping_rounds: Annotated[int, Field(ge=5)] = 50
    params: dict[str, float | int | str] = Field(default_factory=dict)
    """XGBoost parameters overriding the defaults."""


class ProfitSpec(_Strict):
    """Retention campaign economics for the expected-profit-of-top-k% report."""

    value_per_customer: Annotated[float, Field(ge=0)] | None = None
    """Value of a saved customer; default: each customer's own value from the data."""
    contact_cost: Annotated[float, Field(ge=0)] = 1.0
    offer_cost: Annotated[float, Field(ge=0)] = 10.0
    acceptance_rate: Annotated[float, Field(ge=0, le=1)] = 0.3


class PromotionSpec(_Strict):
    """The gate a new model must pass to become `champion`."""

    auc_tolerance: Annotated[float, Field(ge=0)] = 0.005
    brier_tolerance: Annotated[float, Field(ge=0)] = 0.002
    max_ece: Annotated[float, Field(gt=0, le=1)] = 0.05


class BandsSpec(_Strict):
    """Risk band thresholds on the calibrated probability. Default: 0.3 and 0.6, lowered
    to 1.5x and 3x the churn rate the model predicts (its mean probability over its test
    rows, `training.package._predicted_rate`) when that is lower, and raised to 1.5x and
    3x its odds when that is higher (`serving/ranking.py`): at a 7%
    churn rate nobody reaches 60%, and a worklist of `band=high` would be empty; at 88%
    nearly everyone does."""

    medium_from: Annotated[float, Field(ge=0, le=1)] | None = None
    high_from: Annotated[float, Field(ge=0, le=1)] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> BandsSpec:
        if None not in (self.medium_from, self.high_from) and self.medium_from > self.high_from:
            raise ValueError("medium_from must not be above high_from")
        return self


class ReasonsSpec(_Strict):
    """What the reasons may show."""

    never: list[str] = Field(default_factory=list)
    """Features never shown as a reason (the model still uses them): attributes a
    retention team may not act on, e.g. [Gender, Customer_Age, Marital_Status]."""


class RunConfig(_Strict):
    """One run: a name, the data contract, the churn definition, the evaluation protocol."""

    name: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")]
    data: DataSpec
    churn: ChurnSpec = ChurnSpec()
    evaluation: EvaluationSpec = EvaluationSpec()
    training: TrainingSpec = TrainingSpec()
    profit: ProfitSpec = ProfitSpec()
    promotion: PromotionSpec = PromotionSpec()
    reasons: ReasonsSpec = ReasonsSpec()
    bands: BandsSpec = BandsSpec()
    base_dir: Path = Field(default=Path("."), exclude=True)
    """The config file's folder; relative table paths resolve against it."""

    @field_validator(
        "churn", "evaluation", "training", "profit", "promotion", "reasons", "bands", mode="before"
    )
    @classmethod
    def _empty_section_is_the_defaults(cls, value: Any) -> Any:
        """A section left empty (`churn:` and nothing under it, YAML's null) reads as its
        defaults, as a section left out does, not as pydantic's 'valid dictionary' error."""
        return {} if value is None else value

    @model_validator(mode="after")
    def _definition_has_its_table(self) -> RunConfig:
        usage = self.churn.by_usage(self.data.transactions is not None)
        needs = {
            "inactivity": ("events", self.data.events)
            if usage
            else ("transactions", self.data.transactions),
            "cancellation": (
                "cancellations` or `data.transactions.columns.ended_at` under `recurring",
                self.data.cancellations or self.data.plan_ends_cancel,
            ),
            "label_column": ("customers.label", self.data.customers and self.data.customers.label),
            "expiry": (
                "transactions.columns.paid_until` or `data.transactions.recurring",
                self.data.transactions and self.data.transactions.paid_periods,
            ),
        }
        definition = self.churn.definition
        table, present = needs[definition]
        if present:
            return self
        said = "" if "definition" in self.churn.model_fields_set else " (the default)"
        what = f"churn.definition '{definition}'{said} needs `data.{table}`"
        if needs["label_column"][1]:  # the churn block forgotten under a labelled snapshot
            what += "; a label is mapped (data.customers.label): "
            what += "set `churn: {definition: label_column}`"
        raise ValueError(what)

    @property
    def payments(self) -> bool:
        """Whether the transactions are a subscription's payments (`transactions.payments`,
        else told by the mapping): a contractual business's invoices carry an amount and
        a date, no products, and "no purchase for 33 days" or "average order 48" read as
        a shop's words on them (a B2B billing export's worklist)."""
        transactions = self.data.transactions
        if transactions is None:
            return False
        if transactions.payments is not None:
            return transactions.payments
        if transactions.paid_periods:
            return True
        mapped = set(transactions.columns)
        return self.churn.definition == "cancellation" and not mapped & PURCHASE_COLUMNS

    @property
    def model_name(self) -> str:
        return self.training.model_name or self.name

    def resolve(self, path: Path) -> Path:
        """A table's path, relative ones from the config's folder ('tel/../bad/x.csv' is
        named 'bad/x.csv' in messages)."""
        return Path(os.path.normpath(path if path.is_absolute() else self.base_dir / path))

    def files(self, path: Paths) -> list[Path]:
        """A table's files in order: each path resolved, a glob pattern's matches sorted;
        a pattern matching no file stays as written, for the read to say so. A file named
        twice (listed, and matched by a pattern beside it) is read once, where it first
        comes: read twice, its rows doubled every spend."""
        named = [file for entry in as_list(path) for file in self._matches(entry)]
        return list(dict.fromkeys(named))

    def _matches(self, entry: Path) -> list[Path]:
        """The files a path names: itself, or a glob pattern's matches by name (a file
        named with a bracket, `sales[1].csv`, is read as named when it is there)."""
        path = self.resolve(entry)
        if not is_pattern(str(entry)) or path.exists():
            return [path]
        base = "" if entry.is_absolute() else glob.escape(str(self.base_dir)) + os.sep
        found = sorted(glob.glob(base + str(entry), recursive=True))
        return [Path(os.path.normpath(file)) for file in found if os.path.isfile(file)] or [path]


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key given twice in one mapping: the second `path:`
    of a table silently winning makes the error about something else entirely."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        """A date YAML reads unquoted, located when it is none: `as_of: 2019-13-01` had
        ended in a traceback ("month must be in 1..12"), where quoted it is an error."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise _NoDate(
                None, None, f"{node.value!r} is no date ({exc})", node.start_mark
            ) from exc


class _NoDate(yaml.constructor.ConstructorError):
    """An unquoted value written as a date that is none (`_UniqueKeyLoader`)."""

    def located(self, text: str) -> str:
        """The problem at its line, after the key it is the value of: `line 4, as_of:
        '2019-13-01' is no date (month must be in 1..12)`."""
        mark = self.problem_mark
        line = marked_line(text, mark)[: mark.column] if mark is not None else ""
        key = re.search(r"([^\s{},\[\]:-][^{},\[\]:]*?)\s*:\s*$", line)
        where = f"line {mark.line + 1}" if mark is not None else "the config"
        return f"{where}, {key[1]}: {self.problem}" if key else f"{where}: {self.problem}"


_UniqueKeyLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _UniqueKeyLoader.construct_yaml_timestamp
)


def differing(theirs: Mapping[str, Any], ours: Mapping[str, Any]) -> list[str]:
    """The names, among two runs' settings (dotted, as `training.promote.question_settings`
    flattens them), whose values differ, in the order they first appear; a setting one
    side lacks differs from the other's."""
    return [key for key in dict.fromkeys([*theirs, *ours]) if theirs.get(key) != ours.get(key)]


def load_config(path: str | Path) -> RunConfig:
    """Read and validate a run config; raises ConfigError with a one-line, located message."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        raw = yaml.load(path.read_text(), Loader=_UniqueKeyLoader)  # a SafeLoader
    except _NoDate as exc:
        raise ConfigError(f"{path}: {exc.located(path.read_text())}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    try:
        return RunConfig.model_validate({**raw, "base_dir": path.resolve().parent})
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_describe(exc, raw, text=path.read_text())}") from exc


def _describe(exc: ValidationError, raw: Any = None, *, text: str | None = None) -> str:
    """pydantic's errors, one per place, each named as the config writes it (`raw`):
    without the union member tags pydantic puts in a place ('data.transactions.lookup.
    function-after[_key_is_no_column(), LookupSpec].column_names: Extra inputs are not
    permitted' beside 'list[...]: Input should be a valid list', for a key QA took a
    lookup to have), the alternatives a value fits none of said as one. Where text is
    wanted and the config's YAML `text` holds a bare boolean or number (`[True]`, `[yes]`,
    `customer_id: 7`), the place says so and to quote it, not "Input should be a valid
    string" (`features.yaml_scalars`)."""
    errors = [(*_place(err["loc"], raw), err) for err in exc.errors()]
    misses = {id(err) for _, root, err in errors if root and _shape_miss(err)}
    messages: dict[tuple, list[str]] = {}
    shapes: dict[tuple, list[str]] = {}
    for where, _, err in errors:
        if id(err) not in misses:
            messages.setdefault(where, []).append(_message(err))
        elif not any(_got_further(other, where, id(e) in misses) for other, _, e in errors):
            messages.setdefault(where, [])  # said in the errors' order
            shapes.setdefault(where, []).append(_shape_wanted(err))
    for where, kinds in shapes.items():
        got = next(err["input"] for w, _, err in errors if w == where)
        messages[where].append(f"expected {_alternatives(kinds)}, got {got!r}")
    for where, _, err in errors:
        note = _text_got_scalar(err) and text and unquoted_note(text, where, err["input"])
        # a key a comma split off: said at the mapping it is no key of
        split = not note and err["input"] is None and text and where
        split = split and split_by_comma_note(text, where)
        if (note or split) and where in messages:
            del messages[where]
            key = where[-1:] == ("[key]",)  # named by its list or mapping
            place = where[:-1] if split else where[:-2] if key else where
            messages.setdefault(place, []).append(note or split)
    return "; ".join(
        f"{'.'.join(map(str, where)) or 'config'}: {message}"
        for where, said in messages.items()
        for message in said
    )


def _text_got_scalar(err: Any) -> bool:
    """Whether an error is text wanted and a boolean or a number given."""
    return err["type"] == "string_type" and isinstance(err["input"], bool | int | float)


def _got_further(other: tuple, where: tuple, missed: bool) -> bool:
    """Whether an error at `other` is of a union member that took the value at `where`
    (deeper in it, or about it and no shape miss): the other members' misses say less."""
    inside = other[: len(where)] == where
    return inside and (len(other) > len(where) or not missed)


def _alternatives(kinds: list[str]) -> str:
    """'a mapping or a list'; 'text, a whole number or a number'."""
    kinds = list(dict.fromkeys(kinds))
    return kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} or {kinds[-1]}"


_SCHEMA_TAG = re.compile(r"[a-z][a-z-]*\[.*\]|[A-Z]\w*|[a-z]+(?:-[a-z]+)+|str|int|float|bool|none")
"""A union member's tag in a pydantic error's place: 'list[RowFilter]', 'LookupSpec',
'function-after[_one_way(), RowFilter]', 'constrained-int', 'str'."""


def _place(loc: tuple[str | int, ...], raw: Any) -> tuple[tuple[str | int, ...], bool]:
    """An error's place as the config writes it, walking the `raw` config: a step the
    config does not hold and that reads as a union member's tag (`_SCHEMA_TAG`) is left
    out; and whether the error is at such a member itself (the value is not of its shape)."""
    where: list[str | int] = []
    value, at_member = raw, False
    for step in loc:
        held = (isinstance(value, dict) and step in value) or (
            isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value)
        )
        at_member = not held and isinstance(step, str) and bool(_SCHEMA_TAG.fullmatch(step))
        if not at_member:
            where.append(step)
            value = value[step] if held else None
    return tuple(where), at_member


_SHAPES = {
    "model_type": "a mapping",
    "dict_type": "a mapping",
    "list_type": "a list",
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true/false",
    "bool_parsing": "true/false",
}
"""The alternatives of a union a value may miss by its shape, in words."""


def _shape_miss(err: Any) -> bool:
    """Whether an error says the value is not of the shape asked (`_SHAPES`), or not
    the one value a literal alternative takes ('month')."""
    return err["type"] in _SHAPES or err["type"] == "literal_error"


def _shape_wanted(err: Any) -> str:
    """What a shape miss asked for, in words."""
    if err["type"] == "literal_error":
        return str(err["ctx"]["expected"])
    return _SHAPES[err["type"]]


def _message(err: Any) -> str:
    """One error's message; an unknown key with the keys its section takes, or the one
    it likely means."""
    if err["type"] in _DATE_ERRORS:
        return _no_iso_date(err["input"], err["msg"])
    if err["type"] == "literal_error":  # the value given, and the one it likely means
        return _not_one_of(err)
    if err["type"] != "extra_forbidden":
        return err["msg"].removeprefix("Value error, ")
    section = _section_at(err["loc"][:-1])
    if section is None:
        return "unknown key"
    fields = section.model_fields.items()
    keys = [name for name, field in sorted(fields, key=_required_first) if not field.exclude]
    meant = difflib.get_close_matches(str(err["loc"][-1]), keys, n=1, cutoff=0.75)
    if meant:
        return f"unknown key (did you mean {meant[0]!r}?)"
    return f"unknown key; {'these' if len(keys) > 1 else 'this'} may be set: {', '.join(keys)}"


def _not_one_of(err: Any) -> str:
    """A value none of a literal's: "Input should be 'inactivity', 'cancellation', ..."
    left a user to find their 'cancelation' among four."""
    got, said = err["input"], err["msg"]
    if not isinstance(got, str):
        return said
    options = re.findall(r"'([^']*)'", str(err["ctx"]["expected"]))
    meant = difflib.get_close_matches(got, options, n=1, cutoff=0.6)
    likely = f" (did you mean {meant[0]!r}?)" if meant else ""
    return f"{said}, not {got!r}{likely}"


_DATE_ERRORS = frozenset({"date_type", "date_parsing", "date_from_datetime_parsing"})
_WRITTEN_DATES = ("%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%Y.%m.%d")


def _no_iso_date(value: object, why: str) -> str:
    """A config date written other than YAML reads one: `as_of: 31/12/2021` said "Input
    should be a valid date or datetime, invalid character in year". Says the form, and
    the date as it is written there where only one reading of it is a date; a date in
    that form that is none ("2024-06-31", quoted) says pydantic's `why`."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value).strip()):
        return f"{value!r} is no date ({why.rpartition(', ')[2]})"
    said = f"{value!r} is no date: write it as YYYY-MM-DD"
    readings = set()
    for form in _WRITTEN_DATES:
        with contextlib.suppress(ValueError):
            readings.add(dt.datetime.strptime(str(value).strip(), form).date())
    return f"{said} ({readings.pop()})" if len(readings) == 1 else said


def _required_first(item: tuple[str, Any]) -> bool:
    """Sorts a section's keys with those it requires first ('path, on, columns, ...')."""
    return not item[1].is_required()


def _section_at(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The config section (its model) at an error's place in pydantic's terms, union
    member tags included; None where the place is no section."""
    kind: Any = RunConfig
    for step in loc:
        kind = _step_into(kind, step)
        if kind is None:
            return None
    kind = _one_kind(kind)
    return kind if isinstance(kind, type) and issubclass(kind, BaseModel) else None


def _step_into(kind: Any, step: str | int) -> Any:
    """The type one step of an error's place leads to from `kind`: a section's field, a
    list's item, a mapping's value, or the union member a tag names."""
    kind = _one_kind(kind)
    members = [a for a in get_args(kind) if a is not type(None)]
    if get_origin(kind) in (Union, UnionType):
        wanted = "list" if str(step).startswith("list[") else str(step)
        return next((m for m in members if _tag_names(wanted, m)), None)
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        field = kind.model_fields.get(str(step))
        return None if field is None else field.annotation
    if get_origin(kind) is list:
        return members[0]
    if get_origin(kind) is dict:
        return members[1]
    return None


def _one_kind(kind: Any) -> Any:
    """`kind` without Annotated's metadata, an optional one without its None."""
    while True:
        if get_origin(kind) is Annotated:
            kind = get_args(kind)[0]
            continue
        members = [a for a in get_args(kind) if a is not type(None)]
        if get_origin(kind) in (Union, UnionType) and len(members) == 1:
            kind = members[0]
            continue
        return kind


def _tag_names(tag: str, member: Any) -> bool:
    """Whether a union member's tag (`_SCHEMA_TAG`) names this member."""
    member = _one_kind(member)
    if tag == "list":
        return get_origin(member) is list
    name = getattr(member, "__name__", "")
    return bool(name) and re.search(rf"\b{re.escape(name)}\b", tag) is not None


def dump_config(config: RunConfig) -> str:
    """The config as YAML (paths as given), for logging with a run."""
    data = config.model_dump(mode="json", exclude_none=True)
    return yaml.safe_dump(data, sort_keys=False)
