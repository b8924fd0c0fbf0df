"""The customers table: its attributes (kinds inferred, columns that are no attribute left
out, placeholders, one spelling per level) and its label.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from features.contract import CustomersSpec, LabelSpec, is_pattern, names_column
from features.identifiers import (
    KEPT_LEVELS_COVER_AT_LEAST,
    NotAnAttribute,
    kept_levels_cover,
    not_an_attribute,
    reads_as_a_code,
)
from features.label_values import conventional, marks_stayers
from features.levels import MAX_LEVELS, likely_meant, name_words
from features.registry import plain_number
from features.sources.dates import (
    ISO_DAY,
    NUMBER_DATE_SHAPE,
    PLACEHOLDER_DAYS,
    YYYYMMDD,
    _numbers,
    _read_alike,
    attribute_dates,
)
from features.sources.reading import FRESH_EXTRACT
from features.sources.table import (
    _YAML_BOOLS,
    LabelCounts,
    _counted,
    _counts,
    _example,
    _rows,
    _Table,
    _text,
    unmatched,
)
from features.text_numbers import read_numbers


def _clean_customers(table: _Table, spec: CustomersSpec) -> None:
    """Label first, then attributes; an attribute may not shadow a canonical or label column."""
    if spec.label is not None:
        table.clean["label"] = _label(table, spec.label)
    canonical = {*spec.required_columns, *spec.optional_columns, "label"}
    label_column = spec.label.column if spec.label else None
    empty: list[str] = []
    constant: dict[str, str] = {}
    for name, kind in spec.attributes.items():
        if name == label_column:
            table.error(name, 0, "the label column is also listed as an attribute (label leak)")
        elif name in canonical:
            table.error(name, 0, f"attribute '{name}' is also a canonical column name; rename it")
        elif name not in table.model_attributes and _blank_throughout(table.column(name)):
            empty.append(name)
        elif (
            spec.all_attributes
            and kind is None
            and name not in table.model_attributes
            and (value := _one_value_throughout(table.column(name))) is not None
        ):
            constant[name] = value
        elif _is_date_attribute(table, name, spec, kind):
            _read_date_attribute(table, name)
        elif kind is None and name not in table.model_attributes and _dates_left_out(table, name):
            continue
        elif (
            kind is None  # a kind given: the user wants it read as such
            and name not in table.model_attributes
            and (found := not_an_attribute(name, table.column(name)))
        ):
            if spec.all_attributes:
                _leave_out(table, name, found)
            else:  # listed by name: read as asked, with the same why
                table.clean[name] = _attribute(table, name, kind)
                _warn_listed(table, name, found)
        else:
            table.clean[name] = _attribute(table, name, kind)
            if kind == "categorical":
                _warn_levels_cut(table, name)
    _leave_out_empty(table, empty)
    _leave_out_constant(table, constant)
    if spec.all_attributes:
        _leave_out_recodings(table)
        _names_kept(table, spec)
    if spec.label is not None and "label" in table.clean:
        names = [name for name in spec.attributes if name in table.clean]
        _warn_labels_told(table, names, listed=not spec.all_attributes)


def _warn_levels_cut(table: _Table, name: str) -> None:
    """Warn of a declared categorical attribute whose `MAX_LEVELS` most frequent levels,
    all a model keeps, hold under `KEPT_LEVELS_COVER_AT_LEAST` of its rows: the rest read
    as unknown. A chips log's 272 stores declared categorical kept 100, on 42% of its
    customers, and its model lost to logistic regression without a word said."""
    counts = table.clean[name].value_counts()  # most frequent first
    if len(counts) <= MAX_LEVELS:
        return
    covered = kept_levels_cover(counts)
    if covered >= KEPT_LEVELS_COVER_AT_LEAST:
        return
    table.warning(
        name,
        int(counts.sum()),
        f"{len(counts):,} levels: a model keeps the {MAX_LEVELS} most frequent, on "
        f"{covered:.0%} of the rows, and reads the rest as unknown (group the levels, e.g. "
        "stores into regions, to keep what they tell)",
    )


TOLD_FROM_EACH = 20
TOLD_LEVELS_AT_MOST = 20
TOLD_LEVEL_ROWS = 5
"""A column of at most `TOLD_LEVELS_AT_MOST` values (a blank one of them), each held by
`TOLD_LEVEL_ROWS` labelled rows or more, tells the label outright when each is held by
churners only or by stayers only, of `TOLD_FROM_EACH` churners and stayers or more: two
churners on one plan tell nothing."""


def _warn_labels_told(table: _Table, names: list[str], *, listed: bool) -> None:
    """Warn of an attribute that tells the label outright (`TOLD_FROM_EACH`): a copy of
    it, or a column recorded with the outcome. IBM Telco's `Churn Value` (the label as
    0/1) and `Customer Status` passed validate and describe as features, named only once
    a training run's leak check found them. `listed`: the attributes are listed by name,
    and the remedy is to take it off the list."""
    label = table.clean["label"]
    known = label.notna().to_numpy()
    churned = label[known].astype(bool).to_numpy()
    if min(churned.sum(), (~churned).sum()) < TOLD_FROM_EACH:
        return
    for name in names:
        values = table.clean[name][known]
        if values.nunique() > TOLD_LEVELS_AT_MOST:  # before factorizing a column of many
            continue
        codes, levels = pd.factorize(values.astype(object).where(values.notna(), "(blank)"))
        if len(levels) < 2:
            continue
        positives = np.bincount(codes, weights=churned, minlength=len(levels))
        rows = np.bincount(codes, minlength=len(levels))
        if rows.min() < TOLD_LEVEL_ROWS or not np.all((positives == 0) | (positives == rows)):
            continue
        said = ", ".join(
            f"{plain_number(level) if isinstance(level, float) else level} "
            f"({'churned' if gone else 'stayed'})"
            for level, gone in zip(levels, (positives > 0).tolist(), strict=True)
        )
        table.warning(
            name,
            int(known.sum()),
            f"tells the label outright: each value is held by churners only or by stayers "
            f"only ({said}): a copy of the label, or recorded with the outcome; "
            + (
                "take it off `attributes`" if listed else f"leave it out (not_attributes: [{name}])"
            ),
        )


RECODING_LEVELS_AT_MOST = 10_000
"""Categorical attributes of more levels are not compared (`_leave_out_recodings`)."""


def _leave_out_recodings(table: _Table) -> None:
    """Under `attributes: all`, a categorical attribute that recodes another one to one
    (each level of one has one level of the other, and back) is left out with a warning,
    the other kept (words over digit codes, else the first): FoodMart's
    `customer_region_id` is its `city`, and 48% of its worklist's rows read only "city:
    Mill Valley; customer region id: 38; state province: CA". Two such columns number
    their levels alike in order of first appearance: one pass over the columns."""
    first: dict[bytes, str] = {}
    for name, kind in list(table.kinds.items()):
        if kind != "categorical" or name not in table.clean or name in table.model_attributes:
            continue
        found, levels = pd.factorize(table.clean[name], use_na_sentinel=False)
        # levels held by one row or two each pair up with anything: no recoding told
        if not 1 < len(levels) <= min(RECODING_LEVELS_AT_MOST, len(found) // 3):
            continue
        key = found.astype(np.int64).tobytes()
        one = first.setdefault(key, name)
        if one == name:
            continue
        kept, dropped = (
            (name, one)
            if _digit_codes(table, one) and not _digit_codes(table, name)
            else (one, name)
        )
        first[key] = kept
        table.clean.pop(dropped)
        table.kinds.pop(dropped)
        table.forget_warnings(dropped)  # how it was read: moot, it is not
        table.warning(
            dropped,
            len(table.raw),
            f"recodes {kept} one to one (each {kept} has one {dropped}, and back): left "
            f"out of `attributes: all`, as {kept} says the same (list the attributes by "
            "name to keep it)",
        )


def _digit_codes(table: _Table, name: str) -> bool:
    """Whether an attribute's levels are digits only (a region id beside its city)."""
    return bool(_text(table.clean[name]).dropna().str.fullmatch(r"\d+").all())


DATE_SHAPE = r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:\b|T).*"
"""Year, month and day in some order ('1970-01-02', '02/01/70'), whatever follows (an
ISO time after a 'T': a Stack Exchange dump's `LastAccessDate` had been left out as "a
distinct text on nearly every row (a name, a note)"): a month ('2024-01', 'Jan') or a
year is a period, fairly a level."""


DATE_WORDS = frozenset({"date", "dt", "day", "dob"})
"""Words of a column's name that, beside YYYYMMDD numbers, make it a date (`END_DATE`,
`date_joined`, `signup_dt`, `renewal_day`): a count of 8-digit numbers is not named so."""


BIRTH_WORDS = frozenset({"birth", "birthday", "birthdate", "dob", "born"})
BIRTH_ADVICE = "no feature is made of a birth date: an age column, as a number, would be one"
"""A birth date as levels is nothing to learn (Contoso's 11,270 birthdays were told to be
declared categorical)."""
CATEGORY_ADVICE = "declare it categorical to keep it as levels"


def _is_date_attribute(table: _Table, name: str, spec: CustomersSpec, kind: str | None) -> bool:
    """Whether to read `name` as a date attribute, the days from the cutoff to it: as the
    model to score reads it (a fresh extract holds no label to say it is a snapshot's),
    as declared, or, in a labelled snapshot, a column of dates but a birth date
    (PowerCo's contract ends and activations, left out until then)."""
    if name in table.model_attributes:
        return table.model_attributes[name] == "date"
    if kind is not None:
        return kind == "date"
    if spec.label is None or BIRTH_WORDS & set(name_words(name)):
        return False
    text = _text(table.column(name)).dropna()
    return not text.empty and _dates_in(name, text, spec.date_format) is not None


def _read_date_attribute(table: _Table, name: str) -> None:
    """The attribute's days, in the format its model read (`_Table.date_formats`), else
    `date_format`, else the one its values tell (`attribute_dates`, said in a warning
    where it is no ISO 8601 or YYYYMMDD). Placeholder days and a few texts without a
    digit ('unknown') are unknown, with a warning; another value that reads as no date
    is an error in training data, and unknown, with a warning, in data a model scores:
    live scoring refuses it, but a batch has every other customer to score."""
    values = _text(table.column(name))
    given = table.date_formats.get(name) or table.spec.date_format
    fmt, days = attribute_dates(values, given)
    placeholder = days.isin(PLACEHOLDER_DAYS)
    if placeholder.any():
        said = ", ".join(str(day.date()) for day in sorted(set(days[placeholder])))
        what = f"placeholder dates ({said}: a spreadsheet's or a clock's day 0) read as unknown"
        table.flag("warning", name, placeholder, what, values)
        days = days.mask(placeholder)
    missed = values.notna() & days.isna() & ~placeholder
    wordy = missed & ~values.fillna("").str.contains(r"\d")
    if wordy.any():
        what = "texts among dates read as unknown (list them in missing_values to say so)"
        table.flag("warning", name, wordy, what, values)
    missed &= ~wordy
    if missed.any() and name in table.model_attributes:
        what = f"not a date{f' in {fmt}' if fmt else ''} (as the model read it): read as unknown"
        table.flag("warning", name, missed, what, values)
    elif missed.any():
        table.flag("error", name, missed, f"not a date{f' in {fmt}' if fmt else ''}", values)
    elif given is None and fmt not in (None, ISO_DAY, YYYYMMDD):
        read = days.notna()
        rival = _read_alike(values[read], fmt)
        said = f"read as {fmt}" + (f", though {rival} reads them too" if rival else "")
        what = f"dates not in ISO 8601 ({said}; set date_format if that is wrong)"
        table.flag("warning", name, read, what, values)
    table.clean[name] = days
    table.kinds[name] = "date"
    if fmt is not None:
        table.date_formats[name] = fmt


def _dates_left_out(table: _Table, name: str) -> bool:
    """Left out, with a warning, when every value of an inferred attribute is a date (not
    a labelled snapshot's, or a birth date: `_is_date_attribute`): Customer.csv's `DOB`
    read as a category of 4,056 levels, and scoring said 3,489 customers held a level the
    model did not know; the Club Data Set's `END_DATE` (20121119) read as a number, whose
    step from Dec 31 to Jan 1 is 8,870. True when left out."""
    text = _text(table.column(name)).dropna()
    written = _dates_in(name, text) if not text.empty else None
    if written is None:
        return False
    if written == "dates":
        birth = BIRTH_WORDS & set(name_words(name))
        why = (
            f"a category, {_counted(text.nunique(), 'level')} a later customer's date is "
            "rarely one of; left out of the model ("
            + (BIRTH_ADVICE if birth else CATEGORY_ADVICE)
            + ")"
        )
    else:
        why = (
            "a number, a day's step is 1 but Dec 31 to Jan 1 is 8,870; left out of the model "
            "(declare it numeric or categorical to keep it so)"
        )
    table.warning(
        name,
        len(text),
        f"holds {written} in {_rows(len(text))}, e.g. {_example(text)}: read as {why}",
    )
    return True


DATES_LOOKED_AT = 1_000
"""The first values of an attribute that must hold a digit for it to be read for dates."""


def _dates_in(name: str, text: pd.Series, fmt: str | None = None) -> str | None:
    """How the values of `text` are written when they are dates: "dates" of a date's
    shape, or "dates written as numbers (YYYYMMDD)" in a column named a date; else None.
    A few texts without a digit among them are placeholders ('unknown'), not a reason to
    read dates as levels; with a `date_format` the shape decides (its misreadings are
    errors), else every date must read."""
    if not text.iloc[:DATES_LOOKED_AT].str.contains(r"\d").any():
        return None  # words: a region's 1M rows need no full pass
    dated = text[text.str.contains(r"\d")]
    words = text[~text.index.isin(dated.index)]
    if dated.empty or words.nunique() > PLACEHOLDERS_AT_MOST or len(words) > 0.1 * len(text):
        return None
    if dated.str.fullmatch(DATE_SHAPE).all():
        written = "dates"
    elif DATE_WORDS.intersection(name_words(name)) and dated.str.fullmatch(NUMBER_DATE_SHAPE).all():
        written = "dates written as numbers (YYYYMMDD)"
    else:
        return None
    return written if fmt or attribute_dates(dated)[1].notna().all() else None


def _names_kept(table: _Table, spec: CustomersSpec) -> None:
    """Under `attributes: all` the config's names are checked once the columns are read
    (`CustomersSpec._names_are_attributes` checks a list before): `segments: [Var2180]`
    and `attribute_words: {Var9999: ...}` did nothing without a word, nor did
    `not_attributes: [trainng]` (`_check_not_attributes`)."""
    for key, names in (
        ("segments", spec.segments or ()),
        ("attribute_words", spec.attribute_words),
        ("attribute_kinds", spec.attribute_kinds),
    ):
        if said := unmatched(f"data.{table.name}.{key}", names, table.kinds, table.header):
            table.warning(None, 0, f"{said}: ignored")
    _check_not_attributes(table, spec)


def _check_not_attributes(table: _Table, spec: CustomersSpec) -> None:
    """Say the `not_attributes` entries that match no column. A name spelt like a column
    read as an attribute (`arpu9` for `arpu_9`) is an error: the column meant goes into
    the model, and as one warning among 21 a telecom model kept its month-9 future. A
    pattern, or a name like no such column, is a warning: a scoring extract may lack a
    column the training file had; so is any when scoring for a model, whose attributes
    were fixed by its training."""
    key = f"data.{table.name}.not_attributes"
    columns = [str(column) for column in table.header]
    missed = [e for e in spec.not_attributes if not any(names_column(e, c) for c in columns)]
    meant = {e: likely_meant(e, columns, renumbered=False) for e in missed if not is_pattern(e)}
    leaks = {e: m for e, m in meant.items() if m in spec.attributes}
    if leaks and not table.model_attributes:
        said = ", ".join(f"{entry} (did you mean {m!r}?)" for entry, m in leaks.items())
        table.error(
            None,
            0,
            f"{key} names no column: {said}: the column meant would go into the model; "
            "spell it as the file does",
        )
        missed = [entry for entry in missed if entry not in leaks]
    if missed:
        said = ", ".join(_entry_missed(entry, meant.get(entry)) for entry in missed)
        table.warning(None, 0, f"{key} names no column: {said}: nothing left out by it")


def _entry_missed(entry: str, meant: str | None) -> str:
    if is_pattern(entry):
        return f"{entry} (a pattern matching no column)"
    return entry if meant is None else f"{entry} (did you mean {meant!r}?)"


def _blank_throughout(values: pd.Series) -> bool:
    """Whether a column holds no value in any row (blanks and spaces only)."""
    present = values.dropna()
    return present.empty or (not is_numeric_dtype(present) and _text(present).isna().all())


EMPTY_NAMED = 20
"""Columns blank in every row named in their one warning; the rest are counted."""


def _leave_out_empty(table: _Table, names: list[str]) -> None:
    """Columns blank in every row carry nothing a model could learn: they are left out
    of the features (Orange's 18 empty columns were 16 of a model's 226 features, and
    each live customer was said to lack them), in one warning for all of them."""
    if not names:
        return
    n = len(table.raw)
    if len(names) == 1:
        table.warning(names[0], n, f"blank in all {_rows(n)}: no feature, left out")
        return
    shown = ", ".join(names[:EMPTY_NAMED])
    more = f" and {len(names) - EMPTY_NAMED} more" if len(names) > EMPTY_NAMED else ""
    table.warning(
        None,
        n,
        f"{len(names)} columns blank in all {_rows(n)}, no features, left out: {shown}{more}",
    )


def _one_value_throughout(values: pd.Series) -> str | None:
    """The one value a column holds in every row (no blank among them), as text; None
    when it holds more, or any blank (one value beside blanks is a flag: present or not)."""
    if values.isna().any() or len(values) == 0:
        return None
    if is_numeric_dtype(values):
        return f"{values.iloc[0]:g}" if values.nunique() == 1 else None
    text = _text(values)
    if text.isna().any() or text.nunique() != 1:
        return None
    return str(text.iloc[0])


def _leave_out_constant(table: _Table, found: dict[str, str]) -> None:
    """Columns `attributes: all` would read that hold one value in every row teach a
    model nothing, and a later extract's other value is a level it never saw: IBM Telco's
    `Count` (1) and `Quarter` (Q3) became features, a worklist segment and a column. Left
    out, in one warning (a column listed by name is read as asked)."""
    if not found:
        return
    n = len(table.raw)
    shown = ", ".join(f"{name} ({value})" for name, value in list(found.items())[:EMPTY_NAMED])
    more = f" and {len(found) - EMPTY_NAMED} more" if len(found) > EMPTY_NAMED else ""
    said = "a column holds" if len(found) == 1 else f"{len(found)} columns hold"
    table.warning(
        next(iter(found)) if len(found) == 1 else None,
        n,
        f"{said} one value in all {_rows(n)}, no feature to learn from, left out of "
        f"`attributes: all`: {shown}{more}",
    )


def _leave_out(table: _Table, name: str, found: NotAnAttribute) -> None:
    """Warn that `attributes: all` leaves out a column, why, and how to keep it or
    quiet the warning; when the rows were numbered for want of a customer id, a column
    that could be it is offered (a bank snapshot's CustomerId became a feature)."""
    what = (
        f"{found.why}; left out of `attributes: all` (to use it, list the attributes by name; "
        f"not_attributes: [{name}] leaves it out without this warning)"
    )
    if table.numbered and found.could_be_customer_id:
        what += f"; if it is the customer id, map it: columns: {{customer_id: {name}}}"
    table.warning(name, len(table.raw), what)


def _warn_listed(table: _Table, name: str, found: NotAnAttribute) -> None:
    """Warn that an attribute listed by name looks like no trait of the customer: the
    bank snapshot's listed `RowNumber` gave 1,444 reasons "RowNumber 2,055 (typical
    5,036)" without a word, as `attributes: all` would have left it out."""
    what = (
        f"{name}: {found.why}: read because attributes lists it; leave it out if it is no "
        "trait of the customer"
    )
    table.warning(name, len(table.raw), what)


def _attribute(table: _Table, name: str, kind: str | None) -> pd.Series:
    """Numeric (float64) or categorical (string); inferred when the config leaves it open."""
    values = table.column(name)
    if kind is None:
        kind = _inferred_kind(table, name, values)
    table.kinds[name] = kind
    unknown = table.placeholders.get(name, ())
    clean = (
        _numbers(table, name, unknown)[0]
        if kind == "numeric"
        else _one_spelling(table, name, _as_levels(values))
    )
    if clean.isna().all():  # a model's attribute (`_clean_customers` leaves out others)
        what = "blank (the model reads it: every customer is scored as unknown in it)"
        table.flag("warning", name, clean.isna(), what)
    elif len(clean) > 1 and clean.nunique() == 1:
        table.warning(name, int(clean.notna().sum()), _one_value(clean))
    elif kind == "numeric" and _zero_like_unknown(clean):
        zeros = clean == 0
        rest = clean[clean.notna() & ~zeros]
        what = (
            f"0 in {zeros.mean():.0%} of the rows, its other values from {rest.min():,.4g} "
            f"to {rest.max():,.4g}: if 0 means unknown (an age, a household's income), set "
            f"missing_values: {{{name}: [0]}}, or the model reads it as a measurement"
        )
        table.flag("warning", name, zeros, what)
    elif kind == "numeric" and (end := _placeholder_at_an_end(clean)) is not None:
        at = clean == end
        rest = clean[clean.notna() & ~at]
        what = (
            f"{end:,.10g} in {at.sum() / clean.notna().sum():.0%} of the filled rows, apart "
            f"from its other values ({rest.min():,.10g} to {rest.max():,.10g}): if "
            f"{end:.10g} means unknown (an age of 118, a code of 999), set missing_values: "
            f"{{{name}: [{end:.10g}]}}, or the model reads it as a measurement; a cap or a "
            "floor (incomes written 150,000 and over as 150,000) is one, and stays"
        )
        table.flag("warning", name, at, what)
    return clean


def _one_value(clean: pd.Series) -> str:
    """What a column of a single value tells: nothing when every row holds it; filled
    against blank otherwise (Orange's Var191: 'r__I' in 590 rows, blank in the rest)."""
    filled = clean.notna()
    value = _example(clean[filled])
    if filled.all():
        return (
            f"one value ({value}) in all {_rows(len(clean))}: it tells no customers apart "
            "(kept; the model learns nothing from it)"
        )
    return (
        f"one value ({value}) in {_rows(int(filled.sum()))}, blank in the other "
        f"{int((~filled).sum()):,}: kept, as filled against blank is what it tells "
        "customers apart by"
    )


ZERO_SHARE_AT_LEAST = 0.05


ZERO_SHARE_AT_MOST = 0.5
"""A 0 in most rows is the usual state, not an unknown: BigML's `Number vmail messages`
is 0 in 72-73% of both halves of its split (no voice-mail plan), its others 4 to 51; the
hint came for one half only, by where its smallest message count fell."""


ZERO_GAP_AT_LEAST = 0.25
"""0 sits apart from an attribute's other values when its smallest non-zero value is at
least this share of their median (and above 1): ages 18 to 99 (median 45) beside a spike
of 0, as a telecom extract writes an unknown age; not counts or tenures, from 1 up."""


def _zero_like_unknown(values: pd.Series) -> bool:
    """Whether 0 looks like a placeholder for unknown: in `ZERO_SHARE_AT_LEAST` of the
    rows or more but not most of them, and apart from the other values, which are all
    positive."""
    zeros = values == 0
    rest = values[values.notna() & ~zeros]
    share = zeros.mean()
    if not ZERO_SHARE_AT_LEAST <= share <= ZERO_SHARE_AT_MOST:
        return False
    if len(rest) < NUMBERS_AT_LEAST or rest.min() <= 1:
        return False  # counts and ratings run up from 1: their 0 is a measurement
    return bool(rest.min() >= ZERO_GAP_AT_LEAST * rest.median())


PLACEHOLDER_GAP_AT_LEAST = 0.1
"""A value at an end of an attribute sits apart from the others when the step to their
nearest is at least this share of their range: Starbucks' unknown age is 118 beside ages
18 to 101 (a step of 17 over 83); a capped measure piles on its cap one step from the
next value."""
PLACEHOLDER_STEPS_AT_LEAST = 3
"""... and at least this many times the usual step between the others' values: a count
of 0 to 10 support calls steps by 1, a tenth of its range, and its 10s (as many as its 9s,
the riskiest level) had been warned about as a likely unknown."""


PLACEHOLDER_ROWS_AT_LEAST = 100
"""Filled rows an attribute needs before a value at its end reads as apart: among 25
ages, a few of the oldest sit apart by chance (5.7% of such samples were flagged)."""


def _placeholder_at_an_end(values: pd.Series) -> float | None:
    """The attribute's highest or lowest value where it looks like a placeholder for
    unknown, as 0 can (`_zero_like_unknown`, which judges 0): in `ZERO_SHARE_AT_LEAST` to
    `ZERO_SHARE_AT_MOST` of the rows, and apart from the other values, themselves a
    measure of `NUMBERS_AT_LEAST` distinct numbers or more (codes 1 to 5 are apart by
    nothing). Starbucks' profile wrote 118 for 12.8% of ages, and 833 worklist rows read
    "age 118 (typical 58)"; validate had said nothing."""
    known = values.dropna()
    if len(known) < PLACEHOLDER_ROWS_AT_LEAST:
        return None
    for end in (float(known.max()), float(known.min())):
        at = known == end
        if end == 0 or not ZERO_SHARE_AT_LEAST <= at.mean() <= ZERO_SHARE_AT_MOST:
            continue
        rest = known[~at]
        if rest.nunique() < NUMBERS_AT_LEAST:
            continue
        low, high = float(rest.min()), float(rest.max())
        step = end - high if end > high else low - end
        usual = float(np.median(np.diff(np.unique(rest.to_numpy(dtype=np.float64)))))
        if step >= PLACEHOLDER_GAP_AT_LEAST * (high - low) > 0 and (
            step >= PLACEHOLDER_STEPS_AT_LEAST * usual
        ):
            return end
    return None


def _as_levels(values: pd.Series) -> pd.Series:
    """Numbers as a categorical's levels: whole ones without '.0'. A Parquet or workbook
    column of codes with a blank is float, and '415.0' is a level that a posted 415, or
    a CSV extract's '415', never matches."""
    if not is_numeric_dtype(values) or is_bool_dtype(values):
        return values
    text = values.astype("str")
    whole = values.notna() & (values % 1 == 0)
    text[whole] = values[whole].astype("int64").astype("str")
    return text


def _one_spelling(table: _Table, name: str, values: pd.Series) -> pd.Series:
    """Text where values differing only in case are one level, spelled as most rows spell
    it ('BASIC' and 'Basic' are 'basic'): a category typed by hand in several systems
    would otherwise split into levels the model learns apart. Named in a warning. Only
    words are folded (`_written_as_words`): Orange's opaque codes are case-sensitive,
    and '6JvJ' read as '6Jvj' merged two codes."""
    text = _text(values)
    counts = text.value_counts()  # most frequent first
    keys = counts.index.str.casefold()
    if keys.is_unique or not _written_as_words(counts.index):
        return text
    spelling: dict[str, str] = {}
    for value, key in zip(counts.index, keys, strict=True):
        spelling.setdefault(key, value)
    renamed = {
        value: spelling[key]
        for value, key in zip(counts.index, keys, strict=True)
        if spelling[key] != value
    }
    shown = ", ".join(f"'{value}' as '{one}'" for value, one in list(renamed.items())[:3])
    more = f" and {len(renamed) - 3} more" if len(renamed) > 3 else ""
    what = f"values differing only in case read as one level ({shown}{more})"
    table.flag("warning", name, text.isin(list(renamed)).fillna(False).astype(bool), what)
    return text.replace(renamed)


WORDS_AT_LEAST = 0.9
"""Share of a column's distinct values cased as words are ('yes', 'YES', 'Yes', 'Two
Year') for it to read as words; a column of random mixed-case codes holds about a third."""


def _written_as_words(levels: pd.Index) -> bool:
    """Whether a column's distinct values (those with letters) read as words, each written
    lower case, upper case, capitalized or title case: then 'Yes' and 'YES' are one word
    typed twice. Opaque codes mix cases inside a value ('6JvJ', 'me75fM6ugJ'), and there
    a value differing from another only in case is another code."""
    lettered = [text for value in levels if (text := str(value)).lower() != text.upper()]
    return sum(map(_cased_as_a_word, lettered)) >= WORDS_AT_LEAST * len(lettered)


def _cased_as_a_word(value: str) -> bool:
    capitalized = value[:1].isupper() and not any(c.isupper() for c in value[1:])
    return value.islower() or value.isupper() or capitalized or value.istitle()


PLACEHOLDERS_AT_MOST = 3
"""Distinct texts among numbers that read as placeholders for unknown ('unknown', '?')."""


PLACEHOLDER_SHARE_AT_MOST = 0.5
"""...in at most this share of the rows: 'gold', 'silver', 'bronze' in most rows are the
attribute's levels, not unknowns beside its numbers."""


NUMBERS_AT_LEAST = 10
"""Distinct numbers beside them that make the attribute a measured quantity; fewer
(1, 2, 3 and 'premium') is a list of codes, categorical."""


MOSTLY_NUMBERS = 0.9
"""A categorical attribute whose text is at least this share numbers is worth a warning."""


def _inferred_kind(table: _Table, name: str, values: pd.Series) -> str:
    """'numeric' when every value reads as a number, or when the others are a few
    placeholders for unknown beside many distinct numbers (a telecom extract's 'unknown'
    in 30% of DroppedCalls: read as categorical, the model got 246 levels and reasons
    "DroppedCalls: 10.6"); those are recorded in `table.placeholders`, read as unknown,
    and named in a warning. Else 'categorical', with a warning when all but a few values
    are numbers."""
    if is_numeric_dtype(values):
        return _numbers_kind(table, name, values.dropna())
    text = _text(values).dropna()
    numbers = read_numbers(text, table.spec.decimal)[0]
    not_numbers = numbers.isna()
    if not not_numbers.any():
        return _numbers_kind(table, name, numbers)
    rows = not_numbers.reindex(values.index, fill_value=False)
    tokens = text[not_numbers].value_counts()
    few = len(tokens) <= PLACEHOLDERS_AT_MOST and not_numbers.mean() <= PLACEHOLDER_SHARE_AT_MOST
    if few and numbers.nunique() >= NUMBERS_AT_LEAST:
        if _numbers_kind(table, name, numbers.dropna()) == "categorical":
            return "categorical"  # codes, and the texts beside them levels too ('..')
        table.placeholders[name] = tuple(sorted(tokens.index))
        n = int(rows.sum())
        shown = ", ".join(f"'{token}' in {count:,}" for token, count in tokens.items())
        them = "it" if len(tokens) == 1 else "them"
        table.warning(
            name,
            n,
            f"{_rows(n)} hold text among numbers ({shown}), read as unknown: list {them} "
            "in missing_values to say so, or declare the attribute categorical",
        )
        return "numeric"
    mostly_unknown = len(tokens) <= PLACEHOLDERS_AT_MOST and numbers.nunique() >= NUMBERS_AT_LEAST
    if not_numbers.mean() <= 1 - MOSTLY_NUMBERS or mostly_unknown:  # Cell2Cell's HandsetPrice:
        what = (  # 'Unknown' in 57% beside its prices was read as categorical without a word
            "text among numbers, so the attribute is read as categorical (if such values "
            "mean unknown, list them in missing_values; or declare the attribute numeric)"
        )
        table.flag("warning", name, rows, what, _text(values))
    return "categorical"


def _numbers_kind(table: _Table, name: str, numbers: pd.Series) -> str:
    """'categorical' for whole numbers named a code (`reads_as_a_code`; BigML's `Area
    code`: 408, 415, 510 read as a measure gave "Area code 510 (typical 415)" in 15
    reasons, and a tree may split them as if 415 lay between the others; KKBox's
    `payment_method_id` 1-41 gave "payment_method_id 17 (typical 38)"), said in a
    warning; else 'numeric'. However many the codes: the model keeps the most frequent
    levels, and `attributes: all` leaves out codes too scattered for that
    (`identifiers._scattered_code`), as it does text."""
    if not reads_as_a_code(name, numbers):
        return "numeric"
    levels = sorted(numbers.unique())
    shown = ", ".join(f"{level:g}" for level in levels[:5]) + (", ..." if len(levels) > 5 else "")
    n = len(numbers)
    what = (
        f"whole numbers named a code in {_rows(n)} ({len(levels)} distinct: {shown}), read "
        "as categorical: declare the attribute numeric if it is a measure"
    )
    table.warning(name, n, what)
    return "categorical"


def _label(table: _Table, label: LabelSpec) -> pd.Series:
    """True where the label is the positive value, NA where it is one `unlabelled`
    names; the other rows must hold exactly two values."""
    positive = label.positive
    keys, wanted = _label_keys(table.column("label"), positive)
    unlabelled = keys.isin(_label_keys(pd.Series(label.unlabelled, dtype=object), positive)[0])
    labelled = keys[~unlabelled]
    if labelled.empty and table.scoring:  # nobody's outcome known yet: all are scored
        what = f"every row's value is one label.unlabelled names: {FRESH_EXTRACT}"
        table.warning("label", len(keys), what)
        return pd.Series(pd.NA, index=keys.index, dtype="boolean")
    if labelled.empty:
        table.error("label", len(keys), "every row's value is one label.unlabelled names")
        return keys.notna()
    if labelled.isna().all():
        n = len(labelled)
        what = f"blank in all {_rows(n)}: no labels to train on"
        table.error("label", n, f"{what} (`churn score` reads such a file as a fresh extract)")
        return keys.notna()
    if labelled.isna().any():
        table.flag(
            "error",
            "label",
            keys.isna(),
            "no label",
            lambda rows: _customer_named(table.column("customer_id")[rows]),
            advice=(
                ": a customer whose outcome is not known yet (new this period) is scored, "
                "not trained on, with '' (blank) among label.unlabelled; else fill in the "
                "label or drop the row"
            ),
        )
    counts = labelled.value_counts()
    others = counts.drop(wanted, errors="ignore")
    written = others.rename(_text(table.column("label")).groupby(keys).first())  # for messages
    staying = not label.negative or _beside(written, others, label).empty
    if wanted not in counts and table.scoring and len(others) == 1 and staying:
        # current customers, none of whom has left (an export of Churn=0 to score)
        said = f"the positive value {positive!r} never occurs; found {_counts(written)}"
        table.warning("label", int(counts.sum()), f"{said}: every customer is scored")
    elif wanted not in counts:
        n = int(counts.sum())
        table.error(
            "label", n, f"the positive value {positive!r} never occurs; found {_counts(written)}"
        )
    elif others.empty:
        table.error("label", 0, f"only the positive value {positive!r} occurs; a label needs two")
    elif label.negative and not (beside := _beside(written, others, label)).empty:
        n = int(beside.sum())
        stayed = ", ".join(repr(v) for v in label.negative)
        table.error(
            "label",
            n,
            f"unexpected labels in {_rows(n)}: {_counts(beside)}; expected {positive!r} or "
            f"one of label.negative ({stayed})",
        )
    elif len(others) > 1 and not label.negative:
        unexpected = written.iloc[1:]
        expected = f"expected {positive!r} or '{written.index[0]}'"
        n = int(unexpected.sum())
        what = f"unexpected labels in {_rows(n)}: {_counts(unexpected)}"
        # Maven's status column adds 'Joined' (new this quarter) to Churned and Stayed
        leave = ", ".join(str(value) for value in unexpected.index)
        column = table.sources["label"]
        stayed = ", ".join(str(value) for value in written.index)
        how = (
            f"if each means the customer stayed, say so with label: {{negative: [{stayed}]}}; "
            f"score such rows without training on them with label: {{unlabelled: [{leave}]}}, "
            f"or leave them out with rows: {{column: {column}, not_values: [{leave}]}}"
        )
        table.error("label", n, f"{what}; {expected} ({how})")
    else:
        table.labels = _label_counts(table, keys, wanted, unlabelled)
        _warn_most_positive(table, table.labels)
        if label.population_rate is None:
            _warn_even_split(table, table.labels)
    churned = (keys == wanted).astype("bool")
    return churned.astype("boolean").mask(unlabelled) if unlabelled.any() else churned


def _beside(written: pd.Series, others: pd.Series, label: LabelSpec) -> pd.Series:
    """The counts of labelled values neither positive nor among `label.negative`."""
    stayed = set(_label_keys(pd.Series(label.negative, dtype=object), label.positive)[0])
    return written[~others.index.isin(stayed)]


def _label_counts(
    table: _Table, keys: pd.Series, wanted: str, unlabelled: pd.Series
) -> LabelCounts:
    """The label values as the file writes them ('1', not the key '1.0'), counted: the
    two labelled ones, and those `unlabelled` names."""
    spelled = _text(table.column("label")).groupby(keys).first()
    counts = keys[~unlabelled].value_counts()
    return LabelCounts(
        column=table.sources["label"],
        positive=str(spelled[wanted]),
        counts={str(spelled[key]): int(n) for key, n in counts.items()},
        unlabelled={
            str(spelled[key]): int(n) for key, n in keys[unlabelled].value_counts().items()
        },
    )


EVEN_SPLIT_WITHIN = 0.005


EVEN_SPLIT_ROWS = 200


def _warn_even_split(table: _Table, labels: LabelCounts) -> None:
    """Labels split evenly are the look of a balanced case file (S-mobile's 19,500 and
    19,500 of a 2% churn population): its probabilities read at 50% churn, and its
    holdout scored 0.41 on average where 0.02 churned, without a word."""
    rate = labels.churned / labels.rows
    if labels.rows < EVEN_SPLIT_ROWS or abs(rate - 0.5) > EVEN_SPLIT_WITHIN:
        return
    table.warning(
        "label",
        labels.churned,
        f"the labels split evenly ({labels.churned:,} churned of {labels.rows:,}): if this is "
        "a balanced sample, probabilities will read at its 50% churn; set "
        "label.population_rate to the churn rate of the customers to be scored",
    )


def _warn_most_positive(table: _Table, labels: LabelCounts) -> None:
    """A `positive` that conventionally means staying (0, -1, No beside 1, Yes) names the
    stayers whatever its share, and one marking most rows as churned likely does too
    (Orange's `positive: -1` trained on 92.8% "churn" without a word), unless it
    conventionally means churned: an ISP's `positive: 1` churned 55.4% and was told to
    mean 0, the model of who stays (`features/label_values.py`). A label named as
    staying turns its flags around (`_warn_staying_name`)."""
    other = next(value for value in labels.counts if value != labels.positive)
    if (flipped := marks_stayers(labels.column, labels.positive, other)) is not None:
        if flipped:
            _warn_staying_name(table, labels, other)
        return
    said = conventional(labels.positive, other)
    if said == "churned" or (said is None and labels.churned * 2 <= labels.rows):
        return
    usually = f", but {labels.positive} usually means not churned beside {other}"
    table.warning(
        "label",
        labels.churned,
        f"positive: {labels.positive} marks {labels.churned / labels.rows:.1%} of the rows "
        f"({labels.churned:,} of {labels.rows:,}) as churned{usually if said else ''}; "
        f"did you mean {other}?",
    )


def _warn_staying_name(table: _Table, labels: LabelCounts, other: str) -> None:
    """A label named as staying (`is_retained`) with `positive` its yes marks the
    customers who stayed as churners: a hotel's `is_retained` with `positive: True`
    trained a model of who stays (ROC AUC 0.98), its worklist the bookings that stay. A
    warning, not an error: the name is a guess from its words, the values are the user's
    own (a `retention_7` may well be 1 for "lost by day 7"), and an error would leave no
    way past it but renaming the file's column."""
    table.warning(
        "label",
        labels.churned,
        f"label '{labels.column}' reads as staying, and positive: {labels.positive} marks "
        f"the customers it says stayed as churners ({labels.churned:,} of "
        f"{labels.rows:,} rows): did you mean positive: {other}?",
    )


def _customer_named(ids: pd.Series) -> str:
    """The first of these rows' customer ids, for an example (one not blank)."""
    named = ids.dropna()
    return f"customer {str(named.iloc[0])!r}" if len(named) else "a row with no customer id"


def _label_keys(values: pd.Series, positive: str | float | bool) -> tuple[pd.Series, str]:
    """Comparable label text and the positive value's key: bools by YAML words, numbers by
    value, text case aside (one split of a snapshot writes 'TRUE', its other half 'True':
    one config reads both; a label's two values never differ by case alone)."""
    text = _text(values)
    if isinstance(positive, bool):
        return text.str.lower().map(_YAML_BOOLS).fillna(text), str(positive).lower()
    if isinstance(positive, int | float):
        numbers = pd.to_numeric(text, errors="coerce").astype("float64")
        return numbers.astype("str").fillna(text), str(float(positive))
    return text.str.casefold(), str(positive).strip().casefold()
