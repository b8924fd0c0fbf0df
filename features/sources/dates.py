"""Timestamps and numbers as files write them: ISO text, a guessed day-first or month-first
format, `20240131`, spreadsheet serials, Unix time in any unit, days from an origin;
numbers with currency signs, thousands separators or a decimal comma.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import warnings

import pandas as pd
from pandas.api.types import (
    infer_dtype,
    is_bool_dtype,
    is_datetime64_dtype,
    is_numeric_dtype,
)
from pandas.tseries.api import guess_datetime_format

from features.sources.table import (
    _EPOCH_UNITS,
    AS_OF_SOURCE,
    FUTURE_COLUMNS,
    MAX_DAY_NUMBER,
    NUMBER_COLUMNS,
    _counted,
    _example,
    _Reference,
    _rows,
    _Table,
    _text,
)
from features.tables import DAY, SPREADSHEET_EPOCH, number_date_kind, whole_years
from features.text_numbers import read_numbers

log = logging.getLogger(__name__)


def _timestamps(table: _Table, column: str, reference: _Reference) -> tuple[pd.Series, pd.Series]:
    """Tz-naive datetime64[ns] (aware values via UTC); junk, out-of-range, future reported."""
    values = table.column(column)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    elif is_numeric_dtype(values) and not is_bool_dtype(values) and not table.spec.date_format:
        dates = _numeric_dates(table, column, values)
        return _in_range(table, column, dates, reference), values.isna()
    elif not table.spec.date_format and (days := _calendar_days(values)) is not None:
        return _in_range(table, column, days, reference), values.isna()
    elif not is_datetime64_dtype(values):
        text = _text(values)
        numbers = None if table.spec.date_format else _numbers_only(text)
        if numbers is not None:  # read as text: a blank or a bad cell elsewhere in the file
            return _in_range(table, column, _numeric_dates(table, column, numbers), reference), (
                text.isna()
            )
        return _in_range(table, column, _parse_dates(table, column, text), reference), text.isna()
    return _in_range(table, column, values, reference), values.isna()


def _calendar_days(values: pd.Series) -> pd.Series | None:
    """Days a reader gave as `datetime.date` objects (pyarrow reads a CSV column of ISO
    days so: a signup date) as their ISO text parses (`_parse_dates`: every one reads, to
    the microsecond unit text parses to), None for other values. Written out and parsed,
    1M signup dates took 0.78 s, this 0.08 s."""
    if values.dtype != object or infer_dtype(values, skipna=True) != "date":
        return None
    return pd.to_datetime(values).astype("datetime64[us]")


def _numbers_only(text: pd.Series) -> pd.Series | None:
    """The values as float64 when every one written is a plain number ('1719644044',
    '20240131'), for the reading `_numeric_dates` gives a column of numbers; else None.

    A file the fast reader gives up on (one blank in a column of integers, a '$1,234.00'
    amount) is read as text, and Unix seconds must not then become 'not a date'."""
    written = text.dropna()
    if written.empty or not written.str.fullmatch(r"-?\d+(?:\.\d+)?").all():
        return None
    return pd.to_numeric(text.astype(object), errors="coerce").astype("float64")


DAYS_PER = {"days": 1.0, "hours": 1 / 24, "minutes": 1 / 1440, "seconds": 1 / 86400, "weeks": 7.0}
"""Days in one number of each `time_unit`, counted from a day_origin."""


def _numeric_dates(table: _Table, column: str, values: pd.Series) -> pd.Series:
    """Numbers as dates, as logs and spreadsheets write them: whole YYYYMMDD numbers
    (20240131), spreadsheet day serials (45322 is 2024-01-31; 1927-2173 is 1e4-1e5, in
    seconds it would be January 1970), or Unix time in s, ms, µs or ns, the unit told by
    the size of the typical value (a date of 1973-2286 in seconds is 1e8-1e10). Said in
    a warning; a wrong reading shows as dates out of range."""
    typical = float(values.abs().median()) if values.notna().any() else 0.0
    n = int(values.notna().sum())
    origin = table.spec.day_origin
    if origin is not None:
        unit = table.spec.time_unit
        days = values * DAYS_PER[unit]
        far = days.abs() > MAX_DAY_NUMBER
        if far.any():
            counted = "day numbers" if unit == "days" else f"{unit} reaching"
            days_said = "" if unit == "days" else " days"
            what = f"{counted} beyond {MAX_DAY_NUMBER:,}{days_said} (290 years from day_origin)"
            said = f"{what} in {_rows(int(far.sum()))}, e.g. {_example(values[far])}"
            table.error(column, int(far.sum()), said + _dates_not_days(values[far]))
        return pd.Timestamp(origin) + pd.to_timedelta(days.mask(far), unit="D")
    kind = number_date_kind(typical)
    if kind == "serial":
        serials = "numbers read as spreadsheet day serials"
        table.warning(column, n, f"{serials} ({_rows(n)})", reading=serials)
        return SPREADSHEET_EPOCH + pd.to_timedelta(values, unit="D")
    if kind == "yyyymmdd":
        whole = values.where(values % 1 == 0)  # 20240131.5 stays text and is not a date
        days = whole.astype("Int64").astype("str").where(whole.notna(), values.astype("str"))
        return _parse_dates(table, column, days.mask(values.isna()))
    if n and kind == "none":
        low, high = values.min(), values.max()
        years = whole_years(values)
        if years:
            advice = (
                "years alone? a timestamp wants a date: join the year with its month and "
                "day into one column (a log's separate year, month and day columns)"
            )
        elif _two_digit_years(values):
            advice = (
                "dates with two-digit years (YYMMDD)? set the table's date_format to "
                f"'%y%m%d', which reads {high:.0f} as "
                f"{pd.to_datetime(f'{high:06.0f}', format='%y%m%d'):%Y-%m-%d}"
            )
        else:
            advice = (
                "day numbers? set the table's day_origin to the date day 0 stands for (and "
                "time_unit: hours where they count hours, as Starbucks' time does), or map a "
                "date column"
            )
        shown = f"{low:.0f} to {high:.0f}" if years else f"{low:,.0f} to {high:,.0f}"
        table.error(
            column,
            n,
            f"numbers from {shown} in {_rows(n)} are no dates (not YYYYMMDD, "
            f"spreadsheet serials or Unix time): {advice}",
        )
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    unit = _epoch_unit(typical)
    if n:
        unix = f"numbers read as Unix time in {unit}"
        table.warning(column, n, f"{unix} ({_rows(n)})", reading=unix)
    return pd.to_datetime(values, unit=unit, errors="coerce")


def _epoch_unit(typical: float) -> str:
    """The unit of Unix times whose typical value is this (`_EPOCH_UNITS`)."""
    return next(unit for size, unit in _EPOCH_UNITS if typical < size)


def _dates_not_days(far: pd.Series) -> str:
    """': ... remove day_origin' when numbers read as day numbers are dates as numbers
    write them without one: Unix time, or YYYYMMDD (a Sparkify log's Unix seconds under
    a wrong day_origin were 'day numbers beyond 106,000' and no more); else ''."""
    typical = float(far.abs().median())
    example = far.iloc[0]  # the error's "e.g."
    kind = number_date_kind(typical)
    if kind == "unix":
        unit = _epoch_unit(typical)
        read = pd.NaT  # an example of another unit than most (ms beside s), or junk
        if _epoch_unit(abs(float(example))) == unit:
            read = pd.to_datetime(example, unit=unit, errors="coerce")
        said = "" if pd.isna(read) else f" (that one as {read:%Y-%m-%d %H:%M:%S})"
        return f": these read as Unix time in {unit}{said}: remove day_origin"
    day = pd.to_datetime(f"{example:.0f}", format="%Y%m%d", errors="coerce")
    if kind == "yyyymmdd" and example % 1 == 0 and not pd.isna(day):
        read = f"{day:%Y-%m-%d}"
        return f": these read as dates written YYYYMMDD (that one as {read}): remove day_origin"
    return ""


def _two_digit_years(values: pd.Series) -> bool:
    """Whole numbers of up to six digits that all read as YYMMDD (the Czech bank PKDD'99
    log's 930101): no day number, which `day_origin` would misread."""
    whole = values.dropna()
    if whole.empty or not ((whole % 1 == 0) & (whole >= 101) & (whole < 1e6)).all():
        return False
    text = whole.astype("int64").astype(str).str.zfill(6)
    return bool(pd.to_datetime(text, format="%y%m%d", errors="coerce").notna().all())


def _guessed_dates(text: pd.Series) -> tuple[str | None, pd.Series | None]:
    """The format, of those `_date_formats` tries for the first value, that reads most of
    `text`; of formats reading as many, one that does not put years of dates all in one
    month of the year, else the earlier (month first, as pandas guesses); and `text`
    read in it. A loyalty log's enrolments, each on a month's 1st ('01/02/2016'), were
    read month first: all 16,737 in January of seven years. (A week written month first,
    06/03 to 06/09, is one June, not seven months.)"""
    best: tuple[tuple[int, bool], str | None, pd.Series | None] = ((-1, False), None, None)
    for fmt in _date_formats(text.iloc[0]):
        read = pd.to_datetime(text, errors="coerce", format=fmt, utc=True)
        one_month_of_years = read.dt.month.nunique() == 1 and read.dt.year.nunique() > 1
        rank = (int(read.notna().sum()), not one_month_of_years)
        if rank > best[0]:
            best = (rank, fmt, read)
    return best[1], best[2]


def _read_alike(text: pd.Series, fmt: str) -> str | None:
    """`fmt` with day and month swapped, where it reads every date too: where no value
    settles the order ('01/02/2024' to '01/12/2024' are January's days or the 1st of
    eleven months), the warning names both."""
    other = fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
    if other == fmt or pd.to_datetime(text, errors="coerce", format=other).isna().any():
        return None
    return other


_TWO_DIGIT_YEARS = tuple(
    f"{order.replace('-', sep)}{time}"
    for order, seps in (
        *((numbers, ("/", "-", ".")) for numbers in ("%m-%d-%y", "%d-%m-%y", "%y-%m-%d")),
        *((named, ("-", " ", "/")) for named in ("%d-%b-%y", "%b-%d-%y", "%d-%B-%y", "%B-%d-%y")),
    )
    for sep in seps
    for time in ("", " %H:%M", " %H:%M:%S")
)
"""Dates with a two-digit year, which pandas never guesses: a retail export's
'28/02/14', an Oracle export's '14-Jan-15' (Kaggle's Retail Case Study: 125,000 rows
"not a date"). Month first before day first, as pandas guesses on a tie; year first
last; a month named (any case: 'JAN') after those of numbers."""


_MONTH_NAME = re.compile(r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b")


def _date_formats(first: str) -> list[str]:
    """pandas' guesses for `first`, month first then day first; without one, the
    two-digit-year forms that read it (the values then decide among them). A month's
    name is guessed as capitalised: pandas guesses no form for Oracle's '04-FEB-2021',
    which the form it guesses for '04-Feb-2021' reads (`%b` takes any case)."""
    guesses: list[str] = []
    named = _MONTH_NAME.sub(lambda month: month[0].capitalize(), first)
    for dayfirst in (False, True):
        with warnings.catch_warnings():  # pandas warns when a guess contradicts dayfirst
            warnings.simplefilter("ignore", UserWarning)
            fmt = guess_datetime_format(named, dayfirst=dayfirst)
        if fmt is not None and fmt not in guesses and not _YEAR_DAY_MONTH.match(fmt):
            guesses.append(fmt)
    # 'May' is a month's name and its abbreviation alike: the column's other months decide
    guesses += [fmt.replace("%B", "%b") for fmt in guesses if "%B" in fmt]
    return guesses or [fmt for fmt in _TWO_DIGIT_YEARS if _reads(first, fmt)]


_YEAR_DAY_MONTH = re.compile(r"%Y\W?%d\W?%m")
"""Year, day, month: no one writes dates so, but pandas guesses it, day first, for a
mistyped ISO date ('2020-13-01' among 2,342 read as January 13, with a warning): such a
value is an error, as '2020-02-30' is."""


def _reads(value: str, fmt: str) -> bool:
    """`value` reads whole in `fmt`: one value sifts the forms before a column is read."""
    try:
        dt.datetime.strptime(value, fmt)
    except ValueError:
        return False
    return True


_YEAR_MONTH_DAY = tuple(f"%Y{sep}%m{sep}%d" for sep in ("-", "/", ".", ""))
"""Guessed formats that leave nothing to doubt: year, month, day in this order, whatever
follows (Recurly's `2023-04-05 14:22:01 UTC` is no ISO 8601 but cannot be misread)."""


def _parse_dates(table: _Table, column: str, text: pd.Series) -> pd.Series:
    """The table's `date_format` when set; else ISO 8601 first, and other dates only in
    one format guessed from the first misfit (`_guessed_dates`; named in a warning, and
    `date_format` says otherwise, unless the guess reads year, month, day)."""
    fixed = table.spec.date_format
    parsed = pd.to_datetime(text, errors="coerce", format=fixed or "ISO8601", utc=True)
    failed = parsed.isna() & text.notna()
    fmt, retry = _guessed_dates(text[failed]) if failed.any() and not fixed else (None, None)
    if fmt is not None:
        parsed = parsed.where(~failed, retry)
        read = failed & parsed.notna()
        if read.any() and not fmt.startswith(_YEAR_MONTH_DAY):
            rival = _read_alike(text[read], fmt)
            said = f"read as {fmt}" + (f", though {rival} reads them too" if rival else "")
            what = f"dates not in ISO 8601 ({said}; set date_format if that is wrong)"
            table.flag("warning", column, read, what, text, reading=True)
        failed = parsed.isna() & text.notna()
    if fixed and failed.any() and (hint := _reading_hint(text, text[failed])) is not None:
        table.flag("error", column, failed, f"not a date in {fixed}", text, advice=f": {hint}")
    elif fixed and failed.any():
        what = f"not a date in {fixed}"
        short = fixed.replace("%Y", "%y")
        if (
            short != fixed
            and pd.to_datetime(text[failed], format=short, errors="coerce").notna().all()
        ):
            what += f" (two-digit years? date_format '{short}' reads them)"
        table.flag("error", column, failed, what, text)
    elif failed.any():
        advice = " (set date_format, e.g. '%d/%m/%Y' for 28/02/2014)"
        words = text[failed].drop_duplicates()
        placeholders = len(words) <= PLACEHOLDERS_AT_MOST and not words.str.contains(r"\d").any()
        if placeholders and column != "timestamp":  # an end, a signup: blank is a reading
            # a placeholder no format reads: a contract export's EndDate 'No' for running
            said = words.tolist()
            advice = (
                f" (missing_values: {{{table.sources.get(column, column)}: {said}}} reads such "
                "text as no date)"
            )
        table.flag("error", column, failed, "not a date", text, advice=advice)
    return parsed.dt.tz_localize(None)


PLACEHOLDERS_AT_MOST = 3
"""Distinct texts without a digit that a date column's failures may be, to be told as
placeholders (`missing_values`) rather than a format to set."""


def _reading_hint(text: pd.Series, misread: pd.Series) -> str | None:
    """What reads every date of a column a wrong `date_format` misreads (`misread`), as
    the loader reads it without one (ISO 8601, else one guessed format): that format,
    when it alone reads them all, else the advice to leave `date_format` out; None when
    neither reads them all. Superstore's '13/01/19' under '%m/%d/%y' was 'not a date' in
    6,064 rows, and nothing said that no date_format at all reads it right."""
    written = text.dropna()
    iso = pd.to_datetime(written, errors="coerce", format="ISO8601", utc=True)
    if iso.notna().all():
        return "every date of the column is ISO 8601: remove date_format"
    numbers = pd.to_numeric(written, errors="coerce")
    kind = number_date_kind(float(numbers.abs().median())) if numbers.notna().all() else "none"
    if kind in NUMBER_DATES_SAID:  # a marketplace's Unix seconds under '%Y-%m-%d'
        return f"the column holds {NUMBER_DATES_SAID[kind]}, read as dates: remove date_format"
    fmt, guessed = _guessed_dates(written[iso.isna()])
    if fmt is None or guessed is None or guessed.isna().any():
        return None
    if iso.notna().any():
        return f"without date_format every date of the column reads (ISO 8601, else {fmt})"
    example = misread.iloc[0]
    return (
        f"'{fmt}' reads every date of the column ({example!r} as "
        f"{pd.to_datetime(example, format=fmt):%Y-%m-%d}): set date_format to it, or remove "
        "date_format and the loader guesses it"
    )


NUMBER_DATES_SAID = {"unix": "Unix times", "serial": "spreadsheet day serials"}
"""Dates written as numbers that the loader reads without a `date_format`, which no
format reads (`number_date_kind`; YYYYMMDD reads in '%Y%m%d' too)."""


EPOCH = pd.Timestamp("1970-01-01")
"""Activity times all on its day are epoch numbers read in the wrong unit, not a log."""


def _in_range(table: _Table, column: str, values: pd.Series, reference: _Reference) -> pd.Series:
    """Report dates pandas cannot hold (e.g. 9999-12-31) and dates after the reference day.

    The min/max guards skip building row masks on clean data (0.5 s on 10M rows).
    """
    if column == "ended_at" and values.max() > pd.Timestamp.max:
        # a subscription's 9999-12-31 is its way of saying no end: blank, as is a running
        # one's (not a paid_until's: blank, that pays for as long as the previous period)
        never = values > pd.Timestamp.max
        table.flag(
            "warning",
            column,
            never,
            "dates after 2261 (a placeholder for no end?) read as blank",
            values.dt.strftime("%Y-%m-%d"),
        )
        values = values.mask(never)
    if values.min() < pd.Timestamp.min or values.max() > pd.Timestamp.max:
        outside = (values < pd.Timestamp.min) | (values > pd.Timestamp.max)
        what = "dates outside the years 1678-2261"
        fixed = table.spec.date_format or ""
        if "%Y" in fixed and values[outside].dt.year.nunique() > 1:  # not one 9999 placeholder
            what += f" (two-digit years? date_format '{fixed.replace('%Y', '%y')}' reads them)"
        table.flag("error", column, outside, what, values.dt.strftime("%Y-%m-%d"))
        values = values.mask(outside)
    values = values.astype("datetime64[ns]")
    if column == "timestamp" and values.min() >= EPOCH and values.max() < EPOCH + DAY:
        n = int(values.notna().sum())
        table.error(
            column,
            n,
            f"every time in {_rows(n)} falls on 1970-01-01: Unix time read in the wrong unit "
            "before it reached this file (pd.to_datetime of milliseconds without unit='ms' "
            "reads them as nanoseconds)? write the numbers themselves (their unit is told by "
            "their size) or the real dates",
        )
        return values.mask(values.notna())  # no time known: said once, here
    day, source = reference
    end = pd.Timestamp(day) + DAY
    if column not in FUTURE_COLUMNS and values.max() >= end:
        late = values >= end
        n, example = int(late.sum()), _as_read(table, column, values, late)
        if column in table.spec.scheduled_after_extract:
            table.warning(
                column,
                n,
                f"{_rows(n)} dated after {day} ({source}), e.g. {example}: scheduled ends (a "
                "plan cancelled at its period's end), no cancellation yet at any cutoff the "
                "data allow: ignored",
            )
            table.drop(late)  # out of every feature and label, as if not yet written
        elif column == "signup_date" and source == AS_OF_SOURCE:
            _signed_up_after(table, late, f"{day} ({source}), e.g. {example}")
        else:
            said = functools.partial(_as_read, table, column, values)
            table.flag("error", column, late, f"dates after {day} ({source})", said)
    return values


def _signed_up_after(table: _Table, late: pd.Series, after: str) -> None:
    """Customers signed up after an explicit `data.as_of` (the Czech bank's accounts table,
    exported years after its transactions: 3,271 rows) are not yet customers at any cutoff,
    as without `as_of` the inferred end leaves them out: said, and kept as read, so one
    with purchases or usage before counts from those, as any customer does."""
    n = int(table.column("customer_id")[late].nunique())
    table.warning(
        "signup_date",
        int(late.sum()),
        f"{_counted(n, 'customer')} signed up after {after}: not yet customers then, left "
        "out unless active before",
    )


def _as_read(table: _Table, column: str, values: pd.Series, rows: pd.Series) -> str:
    """The first flagged date as the file writes it and as it was read ('09/12/2018'
    read as 2018-12-09): a format read the wrong way round shows itself."""
    written = table.column(column)[rows].iloc[0]
    read = f"{values[rows].iloc[0]:%Y-%m-%d}"
    return read if isinstance(written, pd.Timestamp) else f"'{written}' read as {read}"


def _numbers(
    table: _Table, column: str, unknown: tuple[str, ...] = ()
) -> tuple[pd.Series, pd.Series]:
    """float64; blank text is missing, and so are the texts `unknown` (placeholders the
    loader found, `_inferred_kind`); other text that is not a number is an error."""
    values = table.column(column)
    if unknown:
        values = values.mask(_text(values).isin(unknown))
    if is_numeric_dtype(values):
        numbers = values.astype("float64")
        return numbers, numbers.isna()
    text = _text(values)
    numbers, mark = read_numbers(text, table.spec.decimal)
    junk = numbers.isna() & text.notna()
    if junk.any():
        commas = table.spec.decimal is None and text[junk].str.contains(",", regex=False).any()
        hint = (
            " (the table's decimal: '.' or ',' says which mark the numbers use)" if commas else ""
        )
        if column not in NUMBER_COLUMNS and not hint:  # an attribute declared numeric
            texts = text[junk].value_counts().index[:3].tolist()
            hint = (
                f" (missing_values: {{{table.sources.get(column, column)}: {texts}}} reads "
                "such text as unknown; or leave the kind out to read the column as categorical)"
            )
        table.flag("error", column, junk, f"not a number{hint}", text)
    elif mark == "," and table.spec.decimal is None:
        what = "numbers read with ',' as the decimal mark (set decimal if that is wrong)"
        table.flag("warning", column, text.notna(), what, text, reading=True)
    return numbers, text.isna()


ISO_DAY = "%Y-%m-%d"
YYYYMMDD = "%Y%m%d"
_ISO_DAY = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})(?:[T ].*)?")
"""An ISO 8601 day, whatever time or offset follows it: a date attribute's day is the
day written ('2016-05-31T23:00-05:00' is May 31, not June 1 in UTC)."""
NUMBER_DATE_SHAPE = r"(?:19|20)\d{6}(?:\.0+)?"
"""A date written as a whole number, YYYYMMDD (20121119; 20121119.0 in a float column)."""


def attribute_dates(text: pd.Series, fmt: str | None = None) -> tuple[str | None, pd.Series]:
    """(format, days) of a date attribute's text, blank where a value does not read: in
    `fmt` where given (a model's, as its training read them: a fresh extract of only
    ambiguous days, '01/02/2016', reads them as training did; or `date_format`), else the
    format the values tell (`_attribute_format`); None where none reads them. A value
    the format misses that is an ISO 8601 day or YYYYMMDD, which nothing else reads,
    reads so (a model's '%m/%d/%Y' beside a fresh extract's '2015-03-31'). Texts
    without a digit ('TBC') read as no date and tell no format."""
    filled = text.dropna().astype(str).str.strip()
    dated = filled[filled.str.contains(r"\d")]
    fmt = fmt or _attribute_format(dated)
    days = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if fmt is None:
        return None, days
    days[dated.index] = _days_in(dated, fmt)
    for plain in (ISO_DAY, YYYYMMDD):
        missed = dated[days[dated.index].isna()]
        if plain != fmt and not missed.empty:
            days[missed.index] = _days_in(missed, plain)
    return fmt, days


def _days_in(text: pd.Series, fmt: str) -> pd.Series:
    """`text` read in `fmt` as days (no time zone; an ISO day as written)."""
    if fmt == ISO_DAY:
        text = text.str.extract(_ISO_DAY, expand=False)
    elif fmt == YYYYMMDD:
        text = text.where(text.str.fullmatch(NUMBER_DATE_SHAPE)).str[:8]
    read = pd.to_datetime(text, format=fmt, errors="coerce", utc=True)
    return read.dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")


def _attribute_format(dated: pd.Series) -> str | None:
    """ISO 8601's day where every value starts with one, YYYYMMDD where every value is
    such a number, else the one format guessed from the first value that reads most
    (`_guessed_dates`)."""
    if dated.empty:
        return None
    if dated.str.fullmatch(_ISO_DAY).all():
        return ISO_DAY
    if dated.str.fullmatch(NUMBER_DATE_SHAPE).all():
        return YYYYMMDD
    return _guessed_dates(dated)[0]


PLACEHOLDER_DAYS = pd.to_datetime(["1899-12-30", "1899-12-31", "1900-01-01", "1970-01-01"])
"""Days a blank date is written as: a spreadsheet's day 0 (an insurer's `InceptionDate`
1899-12-30 read as 43,982 days before its cutoff) and the Unix epoch's."""


def as_dates(values: pd.Series) -> pd.Series:
    """A date attribute's values as days (datetime64, no time zone); text read as
    `attribute_dates` reads it."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_localize(None).dt.normalize()
    if pd.api.types.is_datetime64_dtype(values):
        return values.dt.normalize()
    return attribute_dates(values.astype("string"))[1]
