"""Attributes read as a model learned them, whatever a later extract's inference says."""

import numpy as np
import pandas as pd

from features.attributes import attribute_spec, personal_attributes, with_kinds
from features.tables import Tables


def _tables(plan: list, kind: str) -> Tables:
    customers = pd.DataFrame({"customer_id": [1, 2, 3], "plan": plan})
    return Tables(customers=customers, attributes={"plan": kind})


def test_a_column_inferred_numeric_now_is_read_as_the_levels_the_model_learned():
    """'unknown' beside ten numbers made a once-categorical column numeric: the model
    learned '12' and '7' as levels, and reads them so."""
    now = _tables([12.0, np.nan, 7.5], "numeric")
    read = with_kinds(now, {"plan": "categorical"})
    assert read.attributes == {"plan": "categorical"}
    assert read.customers["plan"].tolist() == ["12", pd.NA, "7.5"]


def test_a_column_inferred_categorical_now_is_read_as_the_numbers_the_model_learned():
    now = _tables(["3", "n/a?", "10"], "categorical")
    read = with_kinds(now, {"plan": "numeric"})
    np.testing.assert_array_equal(read.customers["plan"].to_numpy(), [3.0, np.nan, 10.0])


def test_tables_already_read_so_are_returned_as_they_are():
    same = _tables(["a", "b", None], "categorical")
    assert with_kinds(same, {"plan": "categorical", "other": "numeric"}) is same


def test_attributes_naming_who_a_customer_is_are_found_by_their_words():
    """Gender, age and the like are found by whole words of the name: Usage holds no
    'age', an account's or a handset's age is no customer's, and one listed under
    reasons.never is already kept out of reasons."""
    names = ["Gender", "Age", "SeniorCitizen", "AgeHH1", "Marital_Status", "Usage", "tenure"]
    names += ["Customer_Age", "Married", "Number of Dependents", "LastName"]
    names += ["plan_name"]  # a plan's, no person's
    names += ["AccountAge", "HandsetAge", "DeviceAgeMonths", "AutoRenewDisabled"]  # not who
    specs = [attribute_spec(name, "numeric") for name in names]
    assert personal_attributes(specs, never=["Age"]) == [
        "Gender",
        "SeniorCitizen",
        "AgeHH1",
        "Marital_Status",
        "Customer_Age",
        "Married",
        "Number of Dependents",
        "LastName",
    ]


def test_a_flag_written_as_words_reads_yes_or_no():
    """An energy retailer's has_gas ('t'/'f') read "also a gas client: t"; Yes/No read
    as the data write them, and 0/1 codes declared categorical stay as written."""
    said = {
        levels: attribute_spec("has_gas", "categorical", levels, words="gas client").render(
            {"has_gas": levels[1]}
        )
        for levels in [("f", "t"), ("N", "Y"), ("FALSE", "TRUE"), ("No", "Yes"), ("0", "1")]
    }
    assert said == {
        ("f", "t"): "gas client: yes",
        ("N", "Y"): "gas client: yes",
        ("FALSE", "TRUE"): "gas client: yes",
        ("No", "Yes"): "gas client: Yes",
        ("0", "1"): "gas client: 1",
    }
    plan = attribute_spec("plan", "categorical", ("basic", "f"))
    assert plan.render({"plan": "f"}) == "plan: f"
