"""The in-memory tables the feature code reads: canonical column names, clean dtypes.

`features/sources/` produces a `Tables` from files; tests and the API build one from
small frames. Every table uses the canonical column names of `features/contract.py`;
timestamps are tz-naive `datetime64[ns]`; `customer_id` has one dtype in all tables.

The cutoff rule, decided once: a cutoff is a calendar date `t`, and everything that
happened **on or before** `t` (timestamp < t + 1 day) is known at the cutoff. Labels look
at `(t, t + horizon]`, i.e. timestamps in `[t + 1 day, t + horizon + 1 day)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

DAY = pd.Timedelta(days=1)
SPREADSHEET_EPOCH = pd.Timestamp("1899-12-30")
"""Day 0 of Excel's and LibreOffice's date serials (so 1 is 1899-12-31, 45322 2024-01-31)."""


def number_date_kind(size: float) -> str:
    """How a date written as a number of this size (absolute; a column's typical one)
    reads, the loader's and a live request's one rule: "serial" (a spreadsheet day
    serial: 1927-2173 is 1e4-1e5), "yyyymmdd" (20240131), "unix" (from 1e8: March 1973
    in seconds), else "none": a day number (dunnhumby's DAY 1 to 711) is no date."""
    if 1e4 <= size < 1e5:
        return "serial"
    if 1e7 <= size < 1e8:
        return "yyyymmdd"
    return "unix" if size >= 1e8 else "none"


Table = pd.DataFrame | Mapping[str, np.ndarray]
"""A table as a frame (files, batches), or as plain equal-length numpy columns (a live
request: for a few rows, building and indexing frames would be most of the cost). The
feature code reads columns as `table[name]` and works on them with numpy or with the
helpers here and in `features/levels.py`, which take a Series or an array alike."""


def numbers(values: Any) -> np.ndarray:
    """Floats, NaN where missing or not a number (numeric columns are not re-parsed)."""
    if getattr(values, "dtype", np.dtype(object)).kind not in "biuf":
        values = pd.to_numeric(values, errors="coerce")
    if isinstance(values, pd.Series):  # nullable dtypes hold NA, not NaN
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    return np.asarray(values, dtype=np.float64)


YEARS_FROM, YEARS_TO = 1900, 2100
"""Whole numbers within these read as years (`whole_years`)."""


def whole_years(values: Any) -> bool:
    """Whether the known values are whole numbers from `YEARS_FROM` to `YEARS_TO`: years,
    an attribute's (`arrival_date_year`) or a log's year column mapped as its time."""
    known = numbers(values)
    known = known[~np.isnan(known)]
    return bool(
        len(known)
        and (known % 1 == 0).all()
        and ((known >= YEARS_FROM) & (known <= YEARS_TO)).all()
    )


def no_use_rows(quantities: Iterable[Any]) -> np.ndarray:
    """Rows 0 in every quantity column (one or more), a blank counting as 0: they count
    nothing done (`EventsSpec.zeros_record_no_use`). A row blank in all is not among them:
    an event whose fields hold no measure (a log's property set on some events only)
    happened. Column by column: a matrix of 5M rows and 7 quantities took 0.95 s and
    355 MB, this 0.04 s."""
    columns = iter(quantities)
    values = numbers(next(columns))
    any_zero = values == 0
    all_zero_or_blank = any_zero | np.isnan(values)
    for column in columns:
        values = numbers(column)
        zero = values == 0
        all_zero_or_blank &= zero | np.isnan(values)
        any_zero |= zero
    return all_zero_or_blank & any_zero


LARGEST = np.finfo(np.float64).max


def nan_to_zero(values: Any) -> np.ndarray:
    """`np.nan_to_num(values)` for float data (a copy; NaN -> 0, +-inf -> +-largest float),
    without its per-call checks: they cost more than the work itself on the few values of
    a live request, where this runs a dozen times a run."""
    out = np.array(values, dtype=np.float64)
    if not np.isfinite(out).all():
        out[np.isnan(out)] = 0.0
        np.clip(out, -LARGEST, LARGEST, out=out)
    return out


@dataclass(frozen=True)
class Tables:
    """The raw tables of one data set, already validated and renamed to canonical columns.

    Loaded from files, each table is a frame; the API builds the few rows of a live
    request as plain columns (see `Table`), which the feature code reads alike."""

    customers: Table
    """customer_id, optional signup_date / wallet / value / label, then attribute columns."""
    transactions: Table | None = None
    events: Table | None = None
    interactions: Table | None = None
    cancellations: pd.DataFrame | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    """attribute column -> 'numeric' | 'categorical' (inferred or set in the config)."""
    attribute_words: Mapping[str, str] = field(default_factory=dict)
    """What reasons call an attribute (`customers.attribute_words`)."""
    attribute_history: pd.DataFrame | None = None
    """When the customers table is an activity log: customer_id, timestamp and the
    attributes of the dated rows where a customer's values change, sorted by customer
    and time. The attributes family
    reads each attribute as of the cutoff from it (a user's level then, not their most
    frequent level over the whole file, later rows included)."""
    unread_columns: tuple[str, ...] = ()
    """The customers file's columns read as no attribute: the id, the label, columns
    `attributes: all` left out (scattered text, blank in every row, `not_attributes`). A
    model keeps them: a customer posted live with the file's own keys is no misspelling."""
    numbered_ids: bool = False
    """Whether the customer ids are the rows' numbers (a snapshot without an id column):
    no identity to follow from one extract to the next."""
    date_formats: Mapping[str, str] = field(default_factory=dict)
    """Per date attribute, the format its days were read in (`attribute_dates`); a model
    keeps them, so a fresh extract's ambiguous days read as its training's did."""
    unknown_texts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Per attribute inferred numeric, the placeholder texts the loader read as unknown
    ('unknown' among numbers); the model keeps them so a posted one reads alike."""
    consumable_categories: tuple[str, ...] | None = None
    event_types: tuple[str, ...] | None = None
    interaction_types: frozenset[str] | None = None
    """The interaction types counted per window (`features.service`): a model's, as it
    was trained; None: those the rows hold."""
    event_quantity_unit: str | Mapping[str, str] = "units"
    """What an event's quantity counts, for all types or per type (`events.quantity_unit`),
    for reason texts."""

    event_quantities: Mapping[str, str] = field(default_factory=dict)
    """Further quantity columns of the events (`events.quantities`): column -> what it
    counts; loaded as `features.contract.quantity_column(column)`."""
    rhythm_of: Literal["days", "orders"] = "days"
    """What the buying rhythm's gaps run between (`features/recency.py`): purchase days;
    a model trained before that read them between orders scores as it was trained."""
    payments: bool | None = None
    """Whether the transactions are a subscription's payments, their reasons in its words
    (`features/words.py`); from the run config (`RunConfig.payments`), else None: told by
    the tables (payments carry `paid_until`)."""
    resolution_timed: bool = True
    """Whether a resolution time keeps the fraction of a day its timestamps hold
    (`features/service.py`); a model trained before counts calendar days, as it was
    trained, so its scores do not move across a tree's split."""
    not_use_types: tuple[str, ...] = ()
    """The usage log's types the loader left out as read by other tables (its payments,
    `DataSpec.not_use_types`): kept with a model, which a live request's events of those
    types are no use to."""
    lapsed_by_use: bool = True
    """Whether, without purchases, a usage log's silence makes the lifecycle stage lapsed
    (`features/lifecycle.py`); a model trained before never saw the level there, and
    scores as it was trained."""
    undo_by: Literal["day", "time"] | None = None
    """What undoes a cancellation (`features/cancellations.py`): a payment on a later day,
    or one at the cancellation's time or later; None: told from the tables (`undo_by`).
    A model keeps what it was trained with, so a live request reads as the batch does."""

    def quantity_unit(self, event_type: str) -> str:
        unit = self.event_quantity_unit
        return unit if isinstance(unit, str) else unit.get(event_type, "units")

    event_type_words: Mapping[str, str] = field(default_factory=dict)
    """Words for event types written as codes (`events.type_words`), for reason texts."""

    as_of: pd.Timestamp | None = None
    """The extract date from the config (`data.as_of`): observation ends there."""
    history_from: pd.Timestamp | None = None
    """The first day the data hold (the loader's `first_activity`): a feature's window
    reaching before it is unknown (`features/context.py:Context.window_known`). None: the
    history is complete, as a live request's posted rows are taken to be."""

    def with_tables(self, **frames: Table | None) -> Tables:
        return replace(self, **frames)

    @property
    def observed_until(self) -> pd.Timestamp | None:
        """The last day any activity was recorded: labels are complete only up to it."""
        ends = [
            frame["timestamp"].max()
            for frame in (self.transactions, self.events, self.interactions, self.cancellations)
            if frame is not None and len(frame)
        ]
        return max(ends).normalize() if ends else None


def first_activity(tables: Tables) -> pd.Timestamp | None:
    """The first day of purchases or usage: no training cutoff before it, and no window
    before it is known (a support log or a cancellation list going back further holds
    no purchases from then)."""
    starts = [
        frame["timestamp"].min()
        for frame in (tables.transactions, tables.events)
        if frame is not None and len(frame)
    ]
    return min(starts).normalize() if starts else None


def data_end(tables: Tables) -> pd.Timestamp | None:
    """The last day the data describe: the extract date when configured, else the last
    day with recorded activity (None: neither)."""
    if tables.as_of is not None:
        return pd.Timestamp(tables.as_of).normalize()
    return tables.observed_until


def undo_by(tables: Tables) -> Literal["day", "time"]:
    """Whether payments and cancellations are compared by time ("time") or by day: by
    time when both tables carry times of day (a billing export's `2024-12-19 02:06:01`,
    where a plan change is written as a cancellation and a new subscription paid in the
    same second), else by day: in date-only data a payment on the cancellation's day may
    be the cancellation itself (KKBox writes a cancel as a dated payment row), so only a
    later day undoes it. Decided per data set, once: a row at midnight in a log that
    carries times is a time like another."""
    if tables.undo_by is not None:
        return tables.undo_by
    pair = (tables.transactions, tables.cancellations)
    timed = all(frame is not None and carries_times(frame["timestamp"]) for frame in pair)
    return "time" if timed else "day"


def carries_times(stamps: Any) -> bool:
    """True when some timestamp is not at midnight: the column holds times of day."""
    values = np.asarray(stamps, dtype="datetime64[ns]")
    values = values[~np.isnat(values)]
    return bool((values != values.astype("datetime64[D]")).any())


def snapshot_cutoff(tables: Tables, *, today: pd.Timestamp) -> pd.Timestamp:
    """The one cutoff of a labelled snapshot, the same in training and scoring: its last
    day (`data_end`: the extract date, else the last activity), else `today` (`data.as_of`
    defaults to it), since a table of attributes alone holds no date of its own."""
    end = data_end(tables)
    return end if end is not None else pd.Timestamp(today).normalize()


def after_data_end(tables: Tables, cutoffs: Iterable[pd.Timestamp]) -> str | None:
    """Why these cutoffs cannot be used, or None: a cutoff after the data's last day
    would count the days no data were recorded as the customers' silence, and read a
    snapshot of attributes alone (no activity) as if it had been taken later."""
    end = data_end(tables)
    days = {pd.Timestamp(c).normalize() for c in cutoffs}
    late = sorted(day for day in days if end is not None and day > end)
    if not late:
        return None
    shown = ", ".join(str(c.date()) for c in late[:3])
    if tables.observed_until is None:
        return (
            f"cutoff {shown} is after the extract date (data.as_of: {end.date()}): the "
            "snapshot describes its customers as of then; use a cutoff on or before it"
        )
    return (
        f"cutoff {shown} is after the last day of data ({end.date()}): the days after it "
        "would count as every customer's silence; use a cutoff on or before it"
    )


def before_data_start(tables: Tables, cutoffs: Iterable[pd.Timestamp]) -> str | None:
    """Why these cutoffs cannot be used, or None: as of a cutoff before the data's first
    purchase or usage (`first_activity`) no customer has any history, so its rows are
    none or all blank (`churn features --cutoffs 2022-06-30` on 2023 data wrote 0 rows,
    a table of "nan%", and succeeded). Every such cutoff is named and none is dropped:
    a list holding a few is most likely a typo of a year, and rows quietly missing for
    the cutoffs asked would surface later as a back-test without them."""
    start = tables.history_from or first_activity(tables)
    days = {pd.Timestamp(c).normalize() for c in cutoffs}
    early = sorted(day for day in days if start is not None and day < start)
    if not early or start is None:
        return None
    shown = ", ".join(str(c.date()) for c in early[:3]) + (", ..." if len(early) > 3 else "")
    which = "cutoff" if len(early) == 1 else f"{len(early)} of the {len(days)} cutoffs"
    return (
        f"{which} {shown} {'is' if len(early) == 1 else 'are'} before the first day of data "
        f"({start.date()}, the first purchase or usage event): no customer has any history "
        f"then; use cutoffs on or after {start.date()}"
    )


def cutoff_end(cutoff: pd.Timestamp) -> pd.Timestamp:
    """The first instant *not* known at `cutoff` (the start of the next day)."""
    return pd.Timestamp(cutoff).normalize() + DAY


def as_cutoffs(cutoffs: pd.Timestamp | str | Iterable[pd.Timestamp | str]) -> list[pd.Timestamp]:
    """Normalize one or many cutoffs to a sorted list of unique midnight timestamps."""
    if isinstance(cutoffs, str | pd.Timestamp) or not isinstance(cutoffs, Iterable):
        cutoffs = [cutoffs]
    values = sorted({pd.Timestamp(c).normalize() for c in cutoffs})
    if not values:
        raise ValueError("at least one cutoff is needed")
    return values
