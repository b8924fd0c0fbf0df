"""Encoding categorical values by value against fitted levels."""

import numpy as np
import pandas as pd

from features.levels import level_codes

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
