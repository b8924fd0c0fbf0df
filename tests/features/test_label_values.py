import pytest

from features.label_values import conventional, meaning


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("1", "churned"),
        ("1.0", "churned"),
        ("True", "churned"),
        ("Yes", "churned"),
        ("Attrited Customer", "churned"),
        ("EXITED", "churned"),
        ("0", "stayed"),
        ("-1", "stayed"),
        ("False.", "stayed"),  # BigML's churn file writes 'False.' and 'True.'
        ("Existing Customer", "stayed"),
        ("Not churned", "stayed"),  # a negation wins
        ("2", None),
        ("Gold", None),
    ],
)
def test_a_values_conventional_meaning(value, said):
    assert meaning(value) == said


def test_only_a_yes_beside_a_no_is_conventional():
    assert conventional("1", "0") == "churned"
    assert conventional("-1", "1") == "stayed"
    assert conventional("No", "Yes") == "stayed"
    assert conventional("0", "-1") is None  # two "no"s: neither names the churners
    assert conventional("A", "B") is None
