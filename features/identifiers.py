"""Columns of a wide snapshot that are no customer attribute: identifiers (a row number,
a customer number), text too scattered to be a category (surnames, e-mails, notes) and
text named as a person's name or contact details.

`attributes: all` reads every column. A bank snapshot's RowNumber (1 to 10,000) then
weighed as much as CreditScore in the model, a tree splitting the sequence anywhere,
and gave 1,381 reasons "RowNumber 2,309"; its Surname (2,718 names in 10,000 rows, the
`MAX_LEVELS` most frequent on 16% of them) gave "Surname: Ellimalo". Measures stay:
balances and salaries carry decimals, counts and ages repeat, and an integer measure
that happens never to repeat has no identifier's name and is no run of row numbers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from features.levels import MAX_LEVELS, name_words
from features.text_numbers import read_numbers

JUDGED_FROM = 100
"""Filled rows from which a column of numbers is judged: a small file's levels may all
differ, and a count or an amount in cents may never repeat in a few dozen rows."""

TEXT_JUDGED_FROM = 10
"""Filled rows from which a text column is judged by its share of distinct texts: 9
different texts in 10 are no category whatever the file's size. Chinook's `Company`, 10
names in 59 customers (the rest blank), stayed an attribute and a default segment while
a file of 100 filled rows was asked for."""

NEARLY_ALL = 0.99
"""Share of distinct whole numbers from which a column named like an identifier is one
(a snapshot's id column may repeat a customer or two)."""

DISTINCT_TEXT_FROM = 0.9
"""Share of distinct texts from which a column is a name or a note, not a category."""

KEPT_LEVELS_COVER_AT_LEAST = 0.5
"""Share of the rows a category's `MAX_LEVELS` most frequent levels (all the model
keeps) must cover; below, most rows read as unknown and the rest as a level of a
handful of customers, which trees split on as noise."""

ID_WORDS = frozenset({"id", "ids", "uuid", "guid"})
"""Words naming an identifier anywhere in a column's name: CustomerId, id_crm."""

LAST_ID_WORDS = frozenset(
    {"number", "no", "nr", "nbr", "num", "index", "idx", "rownum", "rownumber", "key"}
)
"""Words naming an identifier at the end of a name (RowNumber, account_no, crm_key), not
before it (NumOfProducts and number_of_calls are counts, key_account_spend a spend)."""

PLACE_CODE_WORDS = frozenset({"city", "town", "district", "county", "state", "province", "country"})
CODE_WORDS = frozenset(
    {"id", "code", "cd", "type", "method", "class", "category", "status", "zone", "region"}
    | PLACE_CODE_WORDS
)
"""Last words of a name that make it a code's (`payment_method_id`, `plan_type`,
`RegionID`, `MEMBER_OCCUPATION_CD`, a bank's `city` numbered: 2,198 reasons had read
"city 187 (typical 834)"); the last word only: `category_count`, `zone_visits`,
`city_population` count things."""
PARTY_WORDS = frozenset(
    {"agent", "company", "branch", "store", "dealer", "merchant", "vendor", "supplier"}
    | {"carrier", "partner"}
)
"""Words naming the party a customer deals through, whose numbers are its id: a hotel's
`agent` and `company` gave 995 reasons such as "agent 240 (typical 196)". The whole name
only: `company_size`, `YearsAtCompany`, `DistanceFromStore` and `months_with_carrier`
measure (a party's `store_id` is a code by its `id`)."""
FIRST_CODE_WORDS = frozenset({"cd"})
"""First words that make a name a code's: `CD_OCCUPATION`, as schemas abbreviating code
write it either side."""


@dataclass(frozen=True)
class NotAnAttribute:
    """Why a column read by `attributes: all` is left out, and whether it could be the
    customer id a config forgot to map (unique per row, named like an identifier)."""

    why: str
    could_be_customer_id: bool


PLACE_WORDS = {
    **dict.fromkeys(("zip", "zipcode", "postcode", "postal"), "a postal code"),
    **dict.fromkeys(("latitude", "longitude", "lat", "lng", "lon"), "a map coordinate"),
}
"""Words naming a number that locates a customer, no measure of them: Telco's `Zip Code`,
`Latitude` and `Longitude` gave 746, 662 and 365 reasons ("Zip Code 95,181", "in their
favour: Latitude 36.61") and no skill (ROC AUC 0.8157 with them, 0.8153 without). Not
"long": Telco's `Avg Monthly Long Distance Charges` is a measure."""


NAME_PAIR_WORDS = frozenset({"first", "last", "middle", "given", "maiden"})
"""Words that, before 'name', make it a person's anywhere (`FirstName`, `billing_last_name`;
`name_last` as the name's end): 'name' alone does not (`plan_name`, `product name`)."""
OWNER_NAME_WORDS = frozenset({"full", "family", "customer", "client", "contact"})
"""Words that, before 'name', make it a person's at the name's start or after a word of
`OWNER_WORDS` (`Full Name`, `customer_full_name`): `product_family_name` is a product's."""
OWNER_WORDS = frozenset({"customer", "client", "contact", "member", "account", "holder"})
NAME_ENDS = frozenset({("name", "first"), ("name", "last")})
PERSON_NAME_WORDS = frozenset(
    {"surname", "forename", "lastname", "firstname", "fullname", "givenname"}
)
"""Single words that name a person's name (`Surname`, `lastname`)."""
CONTACT_WORDS = frozenset({"email", "phone", "telephone", "fax", "mobile", "address", "street"})
"""Last words of a text column's name that make it a way to reach a customer (`Phone`,
`EmailAddress`, `AddressLine1`, Chinook's `Fax`, which stayed a categorical attribute and
a default segment beside its left-out `Phone`): `PhoneService` and `email_domain` end
otherwise. A 'telex' or 'pager' column no export here has shown."""
NUMBERING_WORDS = frozenset({"line", "number", "no", "nr"})
"""Words after a contact word that number it (`AddressLine1`, `phone_no`)."""


def named_as_a_person(name: str) -> bool:
    """A person's name by the column's name (`PERSON_NAME_WORDS`, or a word of
    `NAME_PAIR_WORDS` or `OWNER_NAME_WORDS` before 'name'): who a customer is, never how
    they deal with the business; `features/attributes.py` names such an attribute that
    reasons show."""
    words = name_words(name)
    if not PERSON_NAME_WORDS.isdisjoint(words) or words[-2:] in NAME_ENDS:
        return True
    return any(
        words[i + 1] == "name"
        and (
            word in NAME_PAIR_WORDS
            or (word in OWNER_NAME_WORDS and (i == 0 or words[i - 1] in OWNER_WORDS))
        )
        for i, word in enumerate(words[:-1])
    )


def _named_as_contact(name: str) -> bool:
    """A contact word last in the name, numbering words and digits aside; 'e-mail' is
    two words."""
    words = [w for w in name_words(name) if w not in NUMBERING_WORDS and not w.isdigit()]
    joined = "email" if words[-2:] == ["e", "mail"] else (words[-1] if words else "")
    return joined in CONTACT_WORDS


def _personal_text(name: str, text: pd.Series) -> NotAnAttribute | None:
    """A text column named as a person's name or contact details, however few its
    levels: AdventureWorks' `LastName` (375 surnames, the 100 most frequent on 60% of
    17,587 customers) passed `_scattered_text` and gave 7,185 reasons such as "LastName:
    Turner". A contact-named column of two values or fewer is a flag (`Mobile`: Yes)."""
    distinct = text.nunique()
    if named_as_a_person(name):
        what = "a person's name"
        why = "it says who a customer is, not how they deal with the business"
    elif _named_as_contact(name) and distinct > 2:
        what = "contact details (a phone, a fax, an e-mail, an address)"
        why = "a way to reach a customer, no measure of them"
    else:
        return None
    found = f"{what}, {distinct:,} distinct in {len(text):,} rows: {why}"
    return NotAnAttribute(found, could_be_customer_id=False)


def not_an_attribute(name: str, values: pd.Series) -> NotAnAttribute | None:
    """What makes a column no attribute, if anything: numbers (also written as text,
    '$1,234.50' too) named as a place, by `_place_number`; other numbers, by
    `_identifier_number` and `_scattered_code`; text named as a person's name or contact,
    by `_personal_text`, else by `_scattered_text`."""
    if is_bool_dtype(values):
        return None
    text = None
    if is_numeric_dtype(values):
        numbers = values.dropna().astype("float64")
    else:
        text = values.dropna().astype(str).str.strip()
        text = text[text != ""]
        read, _ = read_numbers(text)
        # numbers as text, a few placeholders among them
        numbers = read.dropna() if read.notna().mean() >= 0.5 else None
    if numbers is None:
        if (personal := _personal_text(name, text)) is not None:
            return personal
        return (
            _scattered_text(name, text, rows=len(values)) if len(text) >= TEXT_JUDGED_FROM else None
        )
    if (place := _place_number(name)) is not None:
        return place
    if len(numbers) < JUDGED_FROM:
        return None
    return _identifier_number(name, numbers) or _scattered_code(name, numbers)


def _identifier_number(name: str, numbers: pd.Series) -> NotAnAttribute | None:
    """Whole numbers, each on one row, running without a gap (a row number), or nearly
    all distinct under an identifier's name. Decimals are measures (a balance)."""
    if not (numbers % 1 == 0).all():
        return None
    rows, distinct = len(numbers), numbers.nunique()
    low, high = numbers.min(), numbers.max()
    if distinct == rows and high - low + 1 == rows:
        words = name_words(name)
        row = not ROW_WORDS.isdisjoint(words) or tuple(words) in ROW_NAMES
        named = named_like_an_identifier(name) and not row
        why = (
            f"whole numbers {low:,.0f} to {high:,.0f}, one on each of {rows:,} rows (a row "
            f"number{', or an id' if named else ''})"
        )
        return NotAnAttribute(why, could_be_customer_id=named)
    if distinct >= NEARLY_ALL * rows and named_like_an_identifier(name):
        why = (
            f"a different whole number on {_share_down(distinct / rows)} of {rows:,} rows, "
            "named like an id"
        )
        return NotAnAttribute(why, could_be_customer_id=distinct == rows)
    return None


def _scattered_text(name: str, text: pd.Series, *, rows: int) -> NotAnAttribute | None:
    """A different text on nearly every filled row (a name, a note), however many of the
    `rows` are blank, or levels so many that the model's kept ones cover well under half
    the rows (surnames, e-mails). A column with blanks is no customer id."""
    counts = text.value_counts()  # most frequent first
    if len(counts) >= DISTINCT_TEXT_FROM * len(text):
        blank = rows - len(text)
        filled = f"the {len(text):,} filled rows, {blank:,} blank" if blank else f"{rows:,} rows"
        why = f"a distinct text on nearly every one of {filled} (a name, a note)"
        unique = len(counts) == rows
        return NotAnAttribute(why, could_be_customer_id=unique and named_like_an_identifier(name))
    covered = kept_levels_cover(counts)
    if covered < KEPT_LEVELS_COVER_AT_LEAST:
        why = (
            f"{len(counts):,} distinct texts in {len(text):,} rows, too scattered for a "
            "category (a name, an "
            f"e-mail, free text): the {MAX_LEVELS} most frequent, all a model keeps, cover "
            f"{covered:.0%} of the rows"
        )
        return NotAnAttribute(why, could_be_customer_id=False)
    return None


def _scattered_code(name: str, numbers: pd.Series) -> NotAnAttribute | None:
    """Whole numbers named a code (`reads_as_a_code`) are levels, not a measure, so
    the rule for a category's levels holds: too scattered when the model's kept ones
    cover under half the rows. The Club Data Set's AGENT_CODE (4,317 agents in 10,362
    rows, the 100 most frequent on 27%) read as a number gave reasons "AGENT_CODE
    1,219,222", a tree splitting agents as if their numbers measured something; no
    identifier by `_identifier_number` (an agent serves several customers), it is left
    out as scattered text is. Listed by name, it is a categorical (`_numbers_kind`)."""
    if not reads_as_a_code(name, numbers):
        return None
    counts = numbers.value_counts()
    covered = kept_levels_cover(counts)
    if covered >= KEPT_LEVELS_COVER_AT_LEAST:
        return None
    why = (
        f"{len(counts):,} distinct whole numbers named a code in {len(numbers):,} rows, too "
        f"scattered for a category (a code is no measure): the {MAX_LEVELS} most frequent, "
        f"all a model keeps, cover {_share_down(covered)} of the rows"
    )
    return NotAnAttribute(why, could_be_customer_id=False)


def kept_levels_cover(counts: pd.Series) -> float:
    """Share of the rows the `MAX_LEVELS` most frequent levels hold (counts, most first)."""
    return float(counts.iloc[:MAX_LEVELS].sum() / counts.sum())


def _place_number(name: str) -> NotAnAttribute | None:
    """A postal code or a coordinate, by a whole word of the name (`Zip Code`,
    `Latitude`, `lon`), of a column of numbers: text codes ('SW1A 1AA') are left to the
    text rules, and a region or city column says where a customer is in words."""
    kind = next((PLACE_WORDS[word] for word in name_words(name) if word in PLACE_WORDS), None)
    if kind is None:
        return None
    why = f"{kind}: a number naming a place, no measure of the customer (a region says where)"
    return NotAnAttribute(why, could_be_customer_id=False)


def _share_down(share: float) -> str:
    """A share to one decimal, rounded down: 99.5% of rows is not "100%"."""
    return f"{math.floor(share * 1000) / 10:g}%"


ROW_WORDS = frozenset(
    {"row", "rownum", "index", "idx", "line", "unnamed", "seq", "sequence", "serial", "sr", "sl"}
)
"""Words naming a row's place in the file, not a customer (`Sr No`, `SL_NO`, `Serial No`;
`S.No` whole, as `ROW_NAMES`): a bank's RowNumber runs 1 to 10,000 beside its
CustomerId; a navigation app's `ID` 0 to 14,998 is its users' ids, and numbering the
rows from 1 put each user's scores under the next user's id. ('s' alone is a
possessive's: `Customer's ID`.)"""
ROW_NAMES = frozenset({("s", "no"), ("s", "n"), ("s", "num")})


def named_like_an_identifier(name: str) -> bool:
    """An identifier's word in the name (CustomerId, customerID, crm_key), or one at its
    end (RowNumber, Account No), or a last word written as an owner's and an id's in one
    (`OWNER_ID`: CLIENTNUM, CUSTOMERID, custno)."""
    words = name_words(name)
    return bool(words) and (
        not ID_WORDS.isdisjoint(words)
        or words[-1] in LAST_ID_WORDS
        or OWNER_ID.fullmatch(words[-1]) is not None
    )


OWNER_ID = re.compile(
    r"(customer|cust|client|member|account|acct|user|subscriber|contact|holder)"
    r"(id|ids|uuid|number|num|no|nr|key)"
)
"""An owner's word and an id's written as one, as upper-case schemas write them: the
bank's CLIENTNUM, unique on each of 10,127 rows, was no id by its name and became a
feature ("CLIENTNUM 828,236,133 (typical 717,853,233)") while the worklist showed row
numbers."""


def named_like_a_code(name: str) -> bool:
    """A code's word last in the name (`payment_method_id`, `Area code`, `_CD`), a `CD_`
    first, or a party's word alone or with an id's word after it (`agent`, `STORE_NBR`:
    a chips log's 272 stores read as a measure headed 14,414 of its high band's reasons,
    "STORE NBR 17 (typical 131)"; `CODE_WORDS`, `FIRST_CODE_WORDS`, `PARTY_WORDS`)."""
    words = name_words(name)
    if not words:
        return False
    return words[-1] in CODE_WORDS or words[0] in FIRST_CODE_WORDS or _a_party(words)


def _a_party(words: tuple[str, ...]) -> bool:
    return words[0] in PARTY_WORDS and (len(words) == 1 or words[1:] in _NUMBERED)


_NUMBERED = {(word,) for word in LAST_ID_WORDS}
"""A party's name ending in one id word: `store_nbr`, `agent_no`."""


def reads_as_a_code(name: str, numbers: pd.Series) -> bool:
    """Whole numbers named a code (`named_like_a_code`), levels rather than a measure;
    under a party's or a place's name, not a 0/1 flag: Telco's `Partner`, 0 and 1 in some
    exports, says whether a customer has one ("Partner: yes"), as `is_foreign_country`
    says whether they live abroad."""
    if not named_like_a_code(name) or not len(numbers) or (numbers % 1 != 0).any():
        return False
    words = name_words(name)
    flag_named = _a_party(words) or words[-1] in PLACE_CODE_WORDS
    return not flag_named or not numbers.isin((0, 1)).all()
