"""Which columns of a wide snapshot are no attribute: identifiers and scattered text,
while measures, counts and categories stay (`features/identifiers.py`)."""

import numpy as np
import pandas as pd
import pytest

from features.identifiers import (
    JUDGED_FROM,
    TEXT_JUDGED_FROM,
    named_as_a_person,
    named_like_a_code,
    named_like_an_identifier,
    not_an_attribute,
    reads_as_a_code,
)
from features.levels import MAX_LEVELS

ROWS = 1000
rng = np.random.default_rng(7)


def _bank_like() -> dict[str, pd.Series]:
    """Columns as the Kaggle bank snapshot writes them, on `ROWS` rows."""
    names = np.array([f"Name{k}" for k in range(3000)])
    return {
        "RowNumber": pd.Series(np.arange(1, ROWS + 1)),
        "CustomerId": pd.Series(rng.choice(np.arange(15565701, 15815691), ROWS, replace=False)),
        "Surname": pd.Series(rng.choice(names, ROWS)),
        "CreditScore": pd.Series(rng.integers(350, 851, ROWS)),
        "Age": pd.Series(rng.integers(18, 93, ROWS)),
        "NumOfProducts": pd.Series(rng.integers(1, 5, ROWS)),
        "Balance": pd.Series(np.where(rng.random(ROWS) < 0.36, 0.0, rng.normal(1.2e5, 3e4, ROWS))),
        "EstimatedSalary": pd.Series(rng.uniform(11.58, 199992.48, ROWS).round(2)),
        "Seconds of Use": pd.Series(rng.integers(0, 17000, ROWS)),  # Iranian telecom: 85% distinct
        "Geography": pd.Series(rng.choice(["France", "Spain", "Germany"], ROWS)),
        "HasCrCard": pd.Series(rng.random(ROWS) < 0.7),
    }


BANK = _bank_like()


@pytest.mark.parametrize("name", ["RowNumber", "CustomerId", "Surname"])
def test_identifiers_and_scattered_text_are_no_attributes(name):
    assert not_an_attribute(name, BANK[name]) is not None


@pytest.mark.parametrize(
    "name",
    [
        "CreditScore",
        "Age",
        "NumOfProducts",
        "Balance",
        "EstimatedSalary",
        "Seconds of Use",
        "Geography",
        "HasCrCard",
    ],
)
def test_measures_counts_and_categories_stay(name):
    """Balances and salaries never repeat but carry decimals; scores, ages and counts
    repeat; a category's levels cover its rows."""
    assert not_an_attribute(name, BANK[name]) is None


def test_a_row_number_is_told_by_its_run_whatever_its_name():
    found = not_an_attribute("seq", pd.Series(np.arange(ROWS) + 5.0))  # floats, from 5
    assert found is not None
    assert found.why == "whole numbers 5 to 1,004, one on each of 1,000 rows (a row number)"
    assert not found.could_be_customer_id  # numbering the rows again says as much
    shuffled = pd.Series(rng.permutation(np.arange(1, ROWS + 1)))
    assert not_an_attribute("order", shuffled) is not None


def test_a_run_of_numbers_named_an_id_could_be_the_customer_id():
    """A navigation app's `ID` 0 to 14,998 was left out as a row number, unoffered, and
    the rows numbered from 1 put each user's score under the next one's id; a bank's
    RowNumber beside its CustomerId is still the row's place."""
    run = pd.Series(np.arange(ROWS, dtype=float))
    found = not_an_attribute("ID", run)
    assert found is not None and found.could_be_customer_id
    assert found.why == "whole numbers 0 to 999, one on each of 1,000 rows (a row number, or an id)"
    for name in ("RowNumber", "Unnamed: 0", "index", "S.No", "Sr No", "SL_NO", "Serial No"):
        assert not not_an_attribute(name, run).could_be_customer_id
    for name in ("Customer's ID", "CustomerRecordID"):
        assert not_an_attribute(name, run).could_be_customer_id


def test_unique_whole_numbers_are_an_identifier_only_by_name():
    """An amount in cents in a small file may never repeat: without an identifier's name
    and not a run of row numbers, it stays a measure."""
    ids = BANK["CustomerId"]
    found = not_an_attribute("CustomerId", ids)
    assert found is not None and found.could_be_customer_id
    assert found.why == "a different whole number on 100% of 1,000 rows, named like an id"
    assert not_an_attribute("spend_cents", ids) is None
    repeated = ids.copy()
    repeated.iloc[:5] = ids.iloc[5]  # a customer or two twice: still the id column
    found = not_an_attribute("CustomerId", repeated)
    assert found is not None and not found.could_be_customer_id
    assert found.why.startswith("a different whole number on 99.5% of 1,000 rows")  # not 100%
    assert not_an_attribute("CustomerId", ids + 0.5) is None  # decimals: a measure


def test_ids_written_as_text_are_judged_as_numbers_or_text():
    zero_padded = pd.Series([f"{k:08d}" for k in rng.permutation(10**6)[:ROWS]], dtype=object)
    zero_padded.iloc[3] = "unknown"
    assert not_an_attribute("account_no", zero_padded).could_be_customer_id
    telco = pd.Series([f"{k:04d}-{chr(65 + k % 26)}XYZ" for k in range(ROWS)])
    found = not_an_attribute("customerID", telco)
    assert found.why == "a distinct text on nearly every one of 1,000 rows (a name, a note)"
    assert found.could_be_customer_id
    money = pd.Series([f"${k * 1.37 + 1000:,.2f}" for k in range(ROWS)])  # '$1,001.37'
    assert not_an_attribute("balance_id", money) is None  # decimals, whatever its name
    emails = pd.Series([f"user{k}@example.com" for k in range(ROWS)])
    assert not not_an_attribute("email", emails).could_be_customer_id


def test_text_is_scattered_when_the_kept_levels_cover_under_half_the_rows():
    surnames = not_an_attribute("referrer", BANK["Surname"])  # no person's name by name
    distinct = BANK["Surname"].nunique()
    assert surnames.why.startswith(f"{distinct:,} distinct texts in 1,000 rows, too scattered")
    assert f"the {MAX_LEVELS} most frequent, all a model keeps, cover" in surnames.why
    # 150 cities, the 100 most frequent on 90% of the customers: a category
    common = [f"city{k}" for k in range(MAX_LEVELS)] * 9
    cities = pd.Series(common + [f"town{k}" for k in range(50)] * 2)
    assert cities.nunique() == 150 and not_an_attribute("city", cities) is None


def test_small_files_are_not_judged():
    """A few rows' levels may all differ: numbers under `JUDGED_FROM` filled rows, text
    under `TEXT_JUDGED_FROM`."""
    few = JUDGED_FROM - 1
    assert not_an_attribute("RowNumber", pd.Series(np.arange(few))) is None
    assert not_an_attribute("spend_cents", pd.Series(np.arange(few) * 7 + 3)) is None
    nine = TEXT_JUDGED_FROM - 1
    blanks = pd.Series([f"n{k}" for k in range(nine)] + [" ", None] * 50, dtype=object)
    assert not_an_attribute("name", blanks) is None


def test_text_nearly_all_different_where_filled_is_no_attribute_however_blank():
    """Chinook's `Company`: 10 names, all different, in 59 customers (49 blank) stayed an
    attribute and a default segment, as text was judged only from 100 filled rows."""
    company = pd.Series([f"Company {k}" for k in range(10)] + [None] * 49, dtype=object)
    found = not_an_attribute("Company", company)
    assert found is not None and not found.could_be_customer_id
    assert found.why == (
        "a distinct text on nearly every one of the 10 filled rows, 49 blank (a name, a note)"
    )
    names = pd.Series([f"n{k}" for k in range(59)], dtype=object)
    assert not_an_attribute("name", names).why == (
        "a distinct text on nearly every one of 59 rows (a name, a note)"
    )


def test_categories_of_a_small_file_stay():
    """A small file's real categories repeat: Chinook's 24 countries in 59 customers, its
    25 states in 30 filled rows (83%, under the 90% line), a plan of 3 levels in 12 rows;
    City's 53 in 59 (89.8%) stays too, where the leak check says what it does."""
    countries = pd.Series([f"country{k % 24}" for k in range(59)])
    states = pd.Series([f"state{k % 25}" for k in range(30)] + [None] * 29, dtype=object)
    plans = pd.Series(["basic", "pro", "team"] * 4)
    cities = pd.Series([f"city{k % 53}" for k in range(59)])
    for name, values in [("Country", countries), ("State", states), ("plan", plans)]:
        assert not_an_attribute(name, values) is None, name
    assert not_an_attribute("City", cities) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CustomerId", True),
        ("customerID", True),
        ("ID", True),
        ("crm_key", True),
        ("key_account_spend", False),  # DOMAIN.md's key accounts: a spend
        ("RowNumber", True),
        ("Account No", True),
        ("NumOfProducts", False),
        ("number_of_calls", False),
        ("Paid", False),
        ("valid_from", False),
        ("Call  Failure", False),
        ("CLIENTNUM", True),  # BankChurners: an owner's word and an id's as one
        ("CUSTOMERID", True),
        ("custno", True),
        ("account_balance", False),
        ("membership", False),
        ("customers", False),
    ],
)
def test_an_identifiers_name(name, expected):
    assert named_like_an_identifier(name) is expected


@pytest.mark.parametrize(
    ("name", "kind"),
    [("Zip Code", "a postal code"), ("Latitude", "a map coordinate"), ("lon", "a map coordinate")],
)
def test_postal_codes_and_coordinates_are_no_attribute(name, kind):
    """Telco's Zip Code and coordinates gave 1,773 reasons ("Zip Code 95,181") and no skill."""
    values = pd.Series(np.linspace(32.5, 41.9, 500))
    found = not_an_attribute(name, values)
    assert found is not None and found.why.startswith(kind)
    assert not_an_attribute("Avg Monthly Long Distance Charges", values) is None
    assert not_an_attribute("Zip Code", pd.Series(["SW1A 1AA", "EC1A 1BB"] * 60)) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("MEMBER_OCCUPATION_CD", True),
        ("CD_OCCUPATION", True),
        ("AGENT_CODE", True),
        ("payment_method_id", True),
        ("category_count", False),
        ("cds_bought", False),
        ("CDNOW_spend", False),
        ("agent", True),  # the party a customer deals through: its number is its id
        ("company", True),
        ("Partner", True),
        ("store_id", True),  # by its id
        ("preferred_store", False),  # the whole name only: a party's word in a longer
        ("company_size", False),  # name may measure
        ("store_visits", False),
        ("agent_commission", False),
        ("YearsAtCompany", False),  # IBM HR attrition: years
        ("DistanceFromStore", False),
        ("months_with_carrier", False),
        ("city", True),  # a bank's cities numbered: 187 is no more than 834
        ("home_state", True),
        ("city_population", False),
    ],
)
def test_a_codes_name(name, expected):
    assert named_like_a_code(name) is expected


def test_a_code_of_many_scattered_levels_is_no_attribute_but_a_few_agents_are():
    """The Club Data Set's AGENT_CODE: 4,317 agents in 10,362 rows, the 100 most frequent
    on 27%. Codes whose kept levels cover most rows, and a measure so named, stay."""
    scattered = pd.Series(rng.integers(1_000_000, 1_004_000, ROWS))
    found = not_an_attribute("AGENT_CODE", scattered)
    assert found is not None and not found.could_be_customer_id
    assert "distinct whole numbers named a code in 1,000 rows, too scattered" in found.why
    assert not_an_attribute("AGENT_SALES", scattered) is None  # no code's name: a measure
    few = pd.Series(rng.choice(np.arange(1_000_000, 1_000_080), ROWS))
    assert not_an_attribute("AGENT_CODE", few) is None
    assert not_an_attribute("AGENT_CODE", scattered + 0.5) is None  # decimals measure


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("LastName", True),
        ("FirstName", True),
        ("Full Name", True),
        ("customer_last_name", True),
        ("name_last", True),
        ("Surname", True),
        ("CustomerName", True),
        ("Name", False),  # a name word alone is not enough
        ("plan_name", False),
        ("product name", False),
        ("product_family_name", False),
        ("plan_name_last_month", False),
        ("Customer City", False),
        ("region", False),
    ],
)
def test_a_persons_names_name(name, expected):
    assert named_as_a_person(name) is expected


def test_text_named_as_a_persons_name_or_contact_is_no_attribute_however_few_its_levels():
    """AdventureWorks' LastName: 375 surnames, the 100 most frequent on 60% of the rows,
    a category by its spread, gave "LastName: Turner"; so do contact details, told by
    their name's last word, while a yes/no flag so named and a service stay."""
    few = pd.Series(rng.choice(["Turner", "Munoz", "Yang", "Lopez"], ROWS))
    found = not_an_attribute("LastName", few)
    assert found is not None and not found.could_be_customer_id
    assert found.why.startswith("a person's name")
    for name in ("Phone", "EmailAddress", "AddressLine1", "E-mail", "Fax", "TelephoneNumber"):
        assert not_an_attribute(name, few).why.startswith("contact details"), name
    # Chinook's Fax: 12 numbers in 59 customers, left out beside its Phone
    faxes = pd.Series([f"+1 (403) 555-{k:04d}" for k in range(12)] + [None] * 47, dtype=object)
    assert not_an_attribute("Fax", faxes).why.startswith("contact details (a phone, a fax,")
    flag = pd.Series(rng.choice(["Yes", "No"], ROWS))
    for name in (
        "Mobile",
        "PhoneService",
        "email_domain",
        "Customer City",
        "plan_name",
        "FaxOptIn",
    ):
        assert not_an_attribute(name, flag) is None, name
    assert not_an_attribute("email_domain", few) is None
    assert not_an_attribute("Mobile", pd.Series(rng.integers(0, 900, ROWS))) is None  # minutes


def test_a_partys_numbers_are_a_code_but_its_0_1_flag_is_not():
    """A hotel's `agent` (ids of travel agents) gave "agent 240 (typical 196)"; Telco's
    `Partner`, written 0/1 by some exports, says whether a customer has one."""
    agents = pd.Series(rng.choice([9.0, 240.0, 196.0, 7.0], ROWS))
    assert reads_as_a_code("agent", agents)
    assert not reads_as_a_code("Partner", pd.Series(rng.choice([0.0, 1.0], ROWS)))
    assert reads_as_a_code("plan_type", pd.Series(rng.choice([0.0, 1.0], ROWS)))  # as before
    assert not reads_as_a_code("agent", agents + 0.5)  # decimals measure
    assert not reads_as_a_code("company_size", agents)
    assert reads_as_a_code("STORE_NBR", agents)  # a chips log's 272 stores
    assert reads_as_a_code("agent_no", agents) and not reads_as_a_code("store_visits", agents)
    flags = pd.Series(rng.choice([0.0, 1.0], ROWS))  # whether they live abroad
    assert not reads_as_a_code("is_foreign_country", flags)
    assert reads_as_a_code("city", agents)
