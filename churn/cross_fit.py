"""Out-of-fold scores for the rows a labelled snapshot's model was fitted on.

A telecom snapshot is trained on and then scored as one file: its stayers are the
customers to call. The booster remembers its own training rows' labels, so scored again
they read safer than any customer it has not seen, and a worklist mixing them with the
unseen rows (the test split, a holdout's customers) ranks the two apart by that alone.
Training therefore also fits one booster per fold of its fitted rows, each on the other
folds with the served booster's parameters, and a calibrator of their own on the
validation rows (`training/cross_fit.py`); `churn score` and `POST /v1/score` score each
fitted customer, known by a hash of their id (`churn.trained_rows`), with the booster
that never saw them, and explain it with that booster's TreeSHAP, so every probability
on the worklist is a prediction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import xgboost as xgb

from features.trees import CompiledTrees

if TYPE_CHECKING:
    from churn.model import Calibrator, FeatureLayout


@dataclass
class CrossFit:
    """The fold boosters and their calibrator."""

    boosters: tuple[xgb.Booster, ...]
    calibrator: Calibrator
    _compiled: dict[int, CompiledTrees | None] = field(default_factory=dict, repr=False)

    @property
    def folds(self) -> int:
        return len(self.boosters)

    def margin_and_contributions(
        self, fold: int, rows: np.ndarray, layout: FeatureLayout
    ) -> tuple[np.ndarray, np.ndarray]:
        """Fold `fold`'s margins and TreeSHAP contributions (bias last) for the booster's
        input `rows` (`ChurnModel._input`), by its compiled trees where they compile."""
        if fold not in self._compiled:
            self._compiled[fold] = CompiledTrees.compile(self.boosters[fold])
        compiled = self._compiled[fold]
        if compiled is not None:
            return compiled.margin_and_contributions(rows)
        matrix = layout.dmatrix_of(rows)
        booster = self.boosters[fold]
        return (
            booster.predict(matrix, output_margin=True),
            booster.predict(matrix, pred_contribs=True),
        )

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the compiled trees (scoring compiles them again)."""
        return {**self.__dict__, "_compiled": {}}
