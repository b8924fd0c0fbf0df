import pytest

from features.label_values import conventional, marks_stayers, meaning, reads_as_staying


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


@pytest.mark.parametrize(
    ("column", "staying"),
    [
        ("is_retained", True),
        ("retention_7", True),
        ("Active", True),
        ("renewed", True),
        ("IsActiveMember", True),
        ("churned", False),
        ("cancelled", False),
        ("is_canceled", False),
        ("Exited", False),
        ("Attrition_Flag", False),
        ("inactive", False),  # one word, not 'active'
        ("not_retained", False),  # a negation turns it around
        ("churn_after_renewal", False),  # both: no telling
        ("active_customer", True),  # who is active, named last
        ("retention_risk", False),  # a word after the staying one names a risk to it
        ("at_risk_of_retention_loss", False),
        ("renewal_due", False),
        ("retention_offer_declined", False),
        ("stay_or_go", False),
        ("is_churn", False),
        ("Churn", False),
        ("retained_90d", True),  # a time window after the staying word
        ("active_30d", True),
        ("Retained_30D", True),
        ("retained_30_days", True),
        ("retained12m", True),
        ("active_next_month", True),
        ("renewed_within_30d", True),
        ("churned_90d", False),
        ("retention_risk_30d", False),
    ],
)
def test_a_label_name_reads_as_staying_by_its_whole_words(column, staying):
    assert reads_as_staying(column) is staying


def test_only_a_yes_flag_on_a_staying_name_marks_the_stayers():
    """The hotel's `is_retained` with `positive: True` trained a model of who stays."""
    assert marks_stayers("is_retained", "True", "False") is True
    assert marks_stayers("Active", "1", "0") is True
    assert marks_stayers("renewed", "Y", "N") is True
    assert marks_stayers("is_retained", "False", "True") is False  # as it should be
    assert marks_stayers("is_canceled", "1", "0") is None  # no staying name
    assert marks_stayers("retention_7", "1", "0") is True
    for risk in ("retention_risk", "at_risk_of_retention_loss", "renewal_due"):
        assert marks_stayers(risk, "1", "0") is None
    for risk in ("retention_offer_declined", "stay_or_go"):
        assert marks_stayers(risk, "1", "0") is None
    for churn in ("Exited", "Churn", "Attrition_Flag", "is_churn"):
        assert marks_stayers(churn, "1", "0") is None
    # values that say more name their own meaning, whatever the column is called
    assert marks_stayers("Active", "Churned", "Stayed") is None
