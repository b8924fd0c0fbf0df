"""The caveats that travel with a model to the people who use its scores.

`churn train` notes what a modeller must know about a run (`training.report.caveats`),
and a forced promotion put such runs in front of retention teams with no word. The
packaged model carries the notes in its `info` (`training/package.py`), so the API and
`churn score` say them with no download of the run's artifacts, plus a short form of
those that say its order is weak, for the worklist's one line. How the version was
promoted is the registry's to say (`serving/caveats.py` reads its tags).
"""

from __future__ import annotations

from typing import Any

from training.report import (
    NEAR_CHANCE_AUC,
    better_baseline,
    caveats,
    leaking_columns,
    unexplained_perfection,
)


def model_notes(report: dict[str, Any]) -> list[str]:
    """The run's notes, less the calibration limit: that is the gate's to say (it
    refuses the run, and a version forced past it is tagged with why)."""
    return caveats({**report, "promotion_max_ece": None})


def ranking_caveats(report: dict[str, Any]) -> list[str]:
    """Short forms of the notes that change how a retention team reads a worklist: the
    order itself is weak (near chance, a simple baseline orders customers better) or was
    tested on a leak that will not be there for new customers (named, or a near-perfect
    test that none explains). The others (few churners
    in the test, personal attributes, a snapshot read as of today) are for the modeller:
    `churn score` and `GET /v1/model` say them in full."""
    auc = report["model"].get("roc_auc", float("nan"))
    said = []
    # the list's own order, whatever the baselines did: a retailer's 0.589 went out with
    # only "a baseline ranked better" above it, as its logistic regression read 0.602
    if auc < NEAR_CHANCE_AUC:
        said.append(f"the model ranks churners close to chance (test ROC AUC {auc:.3f})")
    if (better := better_baseline(report)) is not None:
        name, theirs = better
        said.append(
            f"a simple baseline ({name}) ranked the test customers better than the model "
            f"(ROC AUC {theirs:.3f} against {auc:.3f})"
        )
    if leaks := leaking_columns(report):
        said.append(
            f"it learned from {', '.join(leaks)}, leaking the label (`churn train` said "
            "how): it may rank new customers worse than tested"
        )
    elif unexplained_perfection(report):
        said.append(
            f"its test ROC AUC {auc:.4f} is near-perfect, as no real churn is: columns "
            "that give the outcome away together likely leak it (`churn train` said so)"
        )
    return said
