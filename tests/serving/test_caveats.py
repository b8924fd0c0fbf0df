"""The served model's caveats: its packaged notes and how its version was promoted."""

from serving.caveats import Caveats, caveats_of

NEAR_CHANCE = "the model ranks churners close to chance (test ROC AUC 0.514)"
INFO = {"caveats": ["ROC AUC 0.5138: the model ranks churners little better ..."]}
INFO["ranking_caveats"] = [NEAR_CHANCE]
REFUSED = "calibration error 0.0840 is above the limit 0.05"


def test_a_model_packaged_before_caveats_travelled_has_none():
    assert caveats_of({"metrics": {"roc_auc": 0.8}}, {}) == Caveats()
    assert caveats_of({}, {"forced": "false", "gate_refusal": ""}) == Caveats()


def test_a_version_forced_past_a_refusal_says_why_in_full_and_on_the_worklist():
    said = caveats_of(INFO, {"forced": "true", "gate_refusal": REFUSED})
    forced = f"promoted with --force although the promotion gate refused it ({REFUSED})"
    assert said.notes == (*INFO["caveats"], forced)
    assert said.ranking == (NEAR_CHANCE, forced)


def test_a_version_forced_past_an_uncomparable_champion_is_no_worklist_caution():
    """The gate passed it on its own metrics: its order is no weaker for that."""
    said = caveats_of({}, {"forced": "true", "gate_refusal": ""})
    (note,) = said.notes
    assert note.startswith("promoted with --force without comparison with the champion")
    assert said.ranking == ()


def test_a_version_forced_before_refusals_were_recorded_says_only_that():
    said = caveats_of({}, {"forced": "true"})
    assert said.notes == ("promoted with --force past the promotion gate",)
    assert said.ranking == ()
