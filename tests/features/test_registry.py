"""Declarations: every feature declared once, traced to a mechanism, with a usable reason."""

import math

import pandas as pd
import pytest

from features.build import build
from features.registry import FeatureSpec, Mechanism
from tests.frames import random_tables


@pytest.fixture(scope="module")
def built():
    return build(random_tables(7), cutoffs="2024-03-31")


def test_every_feature_names_a_mechanism_and_a_description(built):
    for spec in built.specs:
        assert isinstance(spec.mechanism, Mechanism)
        assert spec.description.strip(), spec.name
        assert spec.family, spec.name


def test_reason_templates_only_read_declared_features(built):
    names = set(built.names)
    for spec in built.specs:
        assert spec.reason, f"{spec.name} has no reason template"
        assert set(spec.placeholders()) <= names, spec.name


def test_reasons_render_from_the_customers_own_values(built):
    rendered = 0
    for _, values in built.frame.head(20).iterrows():
        for spec in built.specs:
            text = spec.render(values.to_dict())
            if text is not None:
                rendered += 1
                assert "{" not in text and "nan" not in text.lower()
    assert rendered > 100


def test_render_returns_none_when_a_value_is_missing():
    spec = FeatureSpec("x", "float", Mechanism.RECENCY, "d", "x is {x:.0f} and y {y:.1f}")
    assert spec.render({"x": 3.0, "y": math.nan}) is None
    assert spec.render({"x": 3.0, "y": 2.0}) == "x is 3 and y 2.0"
    assert spec.render({"x": pd.NA, "y": 2.0}) is None


def test_change_conversion_reads_up_and_down():
    spec = FeatureSpec("t", "float", Mechanism.PARTIAL_DEFECTION, "d", "spend {t!c:.0%}")
    assert spec.render({"t": -0.62}) == "spend down 62%"
    assert spec.render({"t": 0.4}) == "spend up 40%"
