"""Encoding categorical values by value against fitted levels."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from features.levels import (
    SMALL,
    factorize,
    letters_swapped,
    level_codes,
    level_numbers,
    likely_meant,
    one_letter_apart,
    texts,
    whole_word_part,
)

LEVELS = pd.Index(["basic", "max", "pro"])


def test_categorical_maps_by_value_whatever_its_own_categories():
    values = pd.Series(
        pd.Categorical(["pro", None, "basic", "gold"], categories=["pro", "gold", "basic"])
    )
    np.testing.assert_array_equal(level_codes(values, LEVELS), [2, -1, 0, -1])


def test_text_column_gives_the_same_codes_as_its_categorical():
    text = pd.Series(["max", None, "pro", "gold", "basic"], dtype="object")
    as_category = text.astype("category")
    np.testing.assert_array_equal(level_codes(text, LEVELS), [1, -1, 2, -1, 0])
    np.testing.assert_array_equal(level_codes(as_category, LEVELS), level_codes(text, LEVELS))


def test_a_value_spelled_otherwise_takes_the_level_it_equals_ignoring_case_and_space():
    expected = [2, 0, np.nan, np.nan, 1]
    for kind in ("object", "category"):
        values = pd.Series(["PRO", " Basic ", "gold", None, "max"], dtype=kind)
        np.testing.assert_array_equal(level_numbers(values, LEVELS), expected)
        large = pd.concat([values] * SMALL, ignore_index=True)
        np.testing.assert_array_equal(level_numbers(large, LEVELS), expected * SMALL)
    ambiguous = ["Pro", "PRO"]  # levels a model learned apart stay apart, exact only
    np.testing.assert_array_equal(level_numbers(np.array(["pro", "PRO"]), ambiguous), [np.nan, 1])


def test_small_and_large_inputs_encode_alike():
    """Up to SMALL values are looked up in a dict, more in a pandas hash join: same codes."""
    rng = np.random.default_rng(0)
    pool = np.array(["basic", "max", "pro", "gold", None], dtype=object)
    values = pd.Series(rng.choice(pool, SMALL * 4), dtype="object")
    large = level_codes(values, LEVELS)
    small = np.concatenate(
        [level_codes(values.iloc[i : i + SMALL], LEVELS) for i in range(0, len(values), SMALL)]
    )
    np.testing.assert_array_equal(small, large)
    assert set(large.tolist()) == {-1, 0, 1, 2}


def test_small_and_large_inputs_read_as_the_same_texts():
    """Up to SMALL values are converted one by one, more through pandas: same texts."""
    rng = np.random.default_rng(1)
    pool = np.array(["pro", None, np.nan, 3, 2.0, True, pd.NA, " x "], dtype=object)
    values = rng.choice(pool, SMALL * 3)
    large = texts(values)
    small = np.concatenate([texts(values[i : i + SMALL]) for i in range(0, len(values), SMALL)])
    assert small.tolist() == large.tolist()
    assert set(large.tolist()) == {"pro", None, "3", "2.0", "True", " x "}
    assert texts(pd.Series(["a", None], dtype="string")).tolist() == ["a", None]


@given(
    values=st.lists(st.one_of(st.none(), st.sampled_from(["b", "a", "c", "a b", ""])), max_size=40),
    sort=st.booleans(),
)
def test_factorize_of_a_few_texts_is_pandas_factorize(values, sort):
    array = np.array(values, dtype=object)
    codes, uniques = factorize(array, sort=sort)
    expected_codes, expected_uniques = pd.factorize(array, sort=sort)
    assert codes.tolist() == expected_codes.tolist()
    assert list(uniques) == list(expected_uniques)


def test_factorize_leaves_numbers_and_nan_to_pandas():
    array = np.array(["a", np.nan, 3, "a"], dtype=object)
    codes, uniques = factorize(array)
    assert codes.tolist() == [0, -1, 1, 0] and list(uniques) == ["a", 3]


DEMOGRAPHICS = ["HOUSEHOLD_SIZE_DESC", "INCOME_DESC", "AGE_DESC", "crm_segment", "email_flag"]


def test_a_name_missing_a_whole_word_of_one_name_means_it():
    """dunnhumby's 'HOUSEHOLD_SIZE_DESC' posted as 'HOUSEHOLD_SIZE': difflib's 0.848 is
    just below SIMILAR_NAME."""
    assert whole_word_part("HOUSEHOLD_SIZE", DEMOGRAPHICS) == "HOUSEHOLD_SIZE_DESC"
    assert whole_word_part("household size", DEMOGRAPHICS) == "HOUSEHOLD_SIZE_DESC"
    assert whole_word_part("size_desc", DEMOGRAPHICS) == "HOUSEHOLD_SIZE_DESC"  # its end
    assert likely_meant("HOUSEHOLD_SIZE", DEMOGRAPHICS) == "HOUSEHOLD_SIZE_DESC"


def test_a_crms_own_keys_mean_no_name():
    """A single word ('email' beside 'email_flag'), a key no name begins or ends with
    ('crm_id': its 'id' is no word of 'crm_segment'), a part of several names ('DESC'
    ends three), a part of a name twice its length or more, a name in the middle."""
    for key in ("email", "crm_id", "DESC", "customer_DESC", "SIZE"):
        assert likely_meant(key, DEMOGRAPHICS) is None, key
    assert whole_word_part("a_b", ["a_b_c_d_e"]) is None  # most of the name left out
    assert whole_word_part("b_c", ["a_b_c_d"]) is None  # neither its beginning nor end
    assert whole_word_part("plan_type", ["plan_type_code", "plan_type_name"]) is None


def test_a_name_with_two_neighbouring_letters_swapped_means_the_other():
    """A posted 'regoin' (0.83 alike to region by difflib) was scored as region unknown."""
    assert likely_meant("regoin", ["region", "channel"]) == "region"
    assert likely_meant("Chanenl", ["region", "channel"]) == "channel"
    assert likely_meant("Var21", ["Var12"], renumbered=False) is None  # another number
    assert letters_swapped("Var21", ["Var12"]) is None
    assert letters_swapped("abcdef", ["badcfe"]) is None  # three swaps
    for short, other in (("trail", "trial"), ("from", "form"), ("tier", "tire")):
        assert letters_swapped(short, [other]) is None  # two words, not a misspelling


def test_a_name_one_letter_wrong_missing_or_extra_means_the_other():
    """A navigation app's posted `devise` and `drivez` were scored as unknown with a note:
    0.83 alike by difflib, under its cutoff."""
    names = ["device", "drives", "driving_days", "sessions", "trial", "Var13"]
    assert one_letter_apart("devise", names) == "device"
    assert one_letter_apart("Drivez", names) == "drives"
    assert one_letter_apart("driving_day", names) == "driving_days"
    assert one_letter_apart("sessionss", names) == "sessions"
    assert one_letter_apart("trail", names) is None  # short: another word
    assert one_letter_apart("Var12", names) is None  # a digit: another column
    assert one_letter_apart("drivex", ["drives"]) == "drives"
    assert one_letter_apart("drivex", ["drives", "drived"]) is None  # two read so
    assert likely_meant("devise", names) == "device"


def test_a_name_of_a_numbered_series_means_its_sibling_only_when_asked():
    """A posted Var202 is another column than Var22 (live scoring passes
    `renumbered=False`); a configured Var1260 that matches no column means Var126, the
    one it begins as, not the equally similar Var160."""
    assert likely_meant("Var202", ["Var22", "Var20"], renumbered=False) is None
    assert likely_meant("Tenur", ["Tenure"], renumbered=False) == "Tenure"
    assert likely_meant("var22", ["Var22"], renumbered=False) == "Var22"  # case, same digits
    assert likely_meant("Var1260", ["Var160", "Var126"]) == "Var126"


def test_one_name_written_in_another_case_style_is_meant():
    """A CRM posting snake_case keys for the model's CamelCase attributes: Telco's
    'monthly_charges' was scored as an unknown MonthlyCharges (0.812 -> 0.853)."""
    telco = ["MonthlyCharges", "TotalCharges", "tenure", "SeniorCitizen"]
    assert likely_meant("monthly_charges", telco, renumbered=False) == "MonthlyCharges"
    assert likely_meant("senior-citizen", telco, renumbered=False) == "SeniorCitizen"
    assert likely_meant("Monthly Charges", telco, renumbered=False) == "MonthlyCharges"
    assert likely_meant("charges", telco, renumbered=False) is None  # ends two names


def test_a_name_of_abbreviated_words_means_the_spelt_out_one_either_way():
    """AdventureWorks' 'SalesOrderNumber' configured as 'SalesOrderNo': 0.79 alike, no
    suggestion. Only known abbreviations: 'age' is no 'agent'."""
    columns = ["CustomerKey", "SalesOrderNumber", "SalesAmount", "OrderQuantity", "agent"]
    assert likely_meant("SalesOrderNo", columns) == "SalesOrderNumber"
    assert likely_meant("sales_amt", columns) == "SalesAmount"
    assert likely_meant("order_qty", columns) == "OrderQuantity"
    assert likely_meant("cust_no", ["customer_number", "account_number"]) == "customer_number"
    assert likely_meant("customer_number", ["cust_no", "acct_no"]) == "cust_no"
    assert likely_meant("age", columns) is None
    assert likely_meant("cust_no", ["customer_number", "customer_nbr"]) is None  # two mean it


def test_likely_meant_prefers_case_then_similarity():
    assert likely_meant("contract", ["Contract", "contract_type"]) == "Contract"
    assert likely_meant("MonthlyCharge", ["MonthlyCharges", "tenure"]) == "MonthlyCharges"


def test_many_distinct_values_against_a_models_few_levels_find_their_codes():
    """300 cities against the 100 a model keeps: the distinct values' lookup had called
    itself again (a RecursionError in training and the feature build); each reads as the
    plain lookup reads it, a level or -1."""
    cities = [f"city{i:03d}" for i in range(300)]
    values = pd.Series([*cities, None] * 2, dtype=object)
    codes = level_codes(values, cities[:100])
    expected = [k if k < 100 else -1 for k in range(300)] + [-1]
    assert codes.tolist() == expected * 2
