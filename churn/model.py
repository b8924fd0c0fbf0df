"""The one logged model artifact: everything needed to score raw tables, in one object.

Training fits it; serving loads it by alias. It holds the XGBoost booster, the
probability calibrator, the learned wallet model, the categorical levels seen in
training, the feature declarations and the run config, and it builds features with the
same `features` code as training, so there is no training-serving skew. It is also an
MLflow pyfunc model: `predict` takes a feature frame (the signature) and returns the
calibrated churn probability.

It scores with its booster compiled into numpy tables (`features/trees.py`: the same margin
and TreeSHAP, checked against XGBoost when compiled, several times faster per row and
without XGBoost's fixed cost per call), and with XGBoost itself when the trees are too
deep to compile.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import mlflow.pyfunc
import numpy as np
import pandas as pd
import xgboost as xgb
from scipy.special import expit

from churn.trained_rows import TrainedRows
from features.attributes import attribute_kind, is_flag, with_kinds
from features.bgnbd import BGNBD, add_bgnbd, bgnbd_columns
from features.build import build, build_columns
from features.contract import DataSpec, RunConfig
from features.levels import MAX_LEVELS, level_numbers
from features.monetary import SPEND_NAMES
from features.registry import Columns, FeatureSpec, derived_names
from features.service import counted_types
from features.tables import Tables, numbers
from features.trees import CompiledTrees
from features.wallet import QuantileWalletEstimator, wallet_columns

if TYPE_CHECKING:
    from churn.cross_fit import CrossFit

SMALL_REQUEST_ROWS = 256
"""Up to this many rows XGBoost builds the input and scores on one thread: waking a thread
team costs more than a few rows' work (1 row's TreeSHAP: 0.7 ms on one thread, 2 ms on two
on a busy 2-core box; in a server's worker thread the input alone took ~2 ms on all)."""
PROBABILITY_FLOOR = 1e-6
"""No customer is certain to stay or to leave: isotonic steps can hit exactly 0 or 1. Far
under any churn rate: a floor at 0.001 tied a log churning at 0.18% there, the model's
and both baselines' probabilities alike, and each read ROC AUC 0.5000."""
_UNSAFE = re.compile(r"[\[\]<,]")
DERIVED_STATE = (
    "_one_thread_booster",
    "trained_rows",
    "_trees",
    "attribute_kinds",
    "flag_attributes",
    "median_fills",
    "_fill_columns",
)
"""What a `ChurnModel` caches from its booster, specs and info: not pickled."""

log = logging.getLogger(__name__)


def safe_name(name: str) -> str:
    """XGBoost refuses '[', ']', '<' and ',' in feature names."""
    return _UNSAFE.sub("_", name)


@dataclass
class Calibrator:
    """Maps the booster's margin to a calibrated probability (isotonic, Platt or none)."""

    method: str
    estimator: Any

    def __call__(self, margin: np.ndarray) -> np.ndarray:
        """The fitted maps evaluated directly (what `predict`/`predict_proba` compute,
        without their per-call input checks, which dominate a one-customer request)."""
        m = np.asarray(margin, dtype=np.float64).ravel()
        if self.method == "none":
            p = expit(m)
        elif self.method == "isotonic":  # fitted with out_of_bounds="clip": np.interp clamps
            p = np.interp(m, self.estimator.X_thresholds_, self.estimator.y_thresholds_)
        else:  # Platt: a one-feature logistic regression
            p = expit(m * self.estimator.coef_[0, 0] + self.estimator.intercept_[0])
        return np.clip(p, PROBABILITY_FLOOR, 1.0 - PROBABILITY_FLOOR)


def _common_levels(counts: pd.Series) -> list[str]:
    if len(counts) > MAX_LEVELS:  # most frequent first; ties by name, for a stable choice
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        counts = counts[[level for level, _ in ranked[:MAX_LEVELS]]]
    return sorted(counts.index)


@dataclass
class FeatureLayout:
    """Model columns in order, and the levels each categorical column was trained on."""

    names: list[str]
    levels: dict[str, list[str]]
    rare_levels: dict[str, int] | None = None
    """Per categorical column training held more than `MAX_LEVELS` levels of, how many
    it left out as too rare: a customer holding one is scored as unknown though training
    saw the level. None in a model packaged before this was kept (`too_rare_to_keep`)."""
    most_common: dict[str, str] | None = None
    """Per categorical column, the level most training rows hold: what the /docs example
    posts (`serving/example.py`; the first level by name gave IBM Telco "Internet
    Service: No" beside "Internet Type: Cable"). None in a model packaged before."""

    @classmethod
    def learn(cls, frame: pd.DataFrame, specs: list[FeatureSpec]) -> FeatureLayout:
        """Levels come from the training rows only (an encoder fitted on training data):
        the `MAX_LEVELS` most frequent, the rest read as missing like an unseen level."""
        counts = {
            s.name: frame[s.name].dropna().astype(str).value_counts()
            for s in specs
            if s.dtype == "category"
        }
        levels = {name: _common_levels(seen) for name, seen in counts.items()}
        rare = {name: len(seen) - MAX_LEVELS for name, seen in counts.items()}
        rare = {name: left_out for name, left_out in rare.items() if left_out > 0}
        common = {name: str(seen.index[0]) for name, seen in counts.items() if len(seen)}
        return cls(
            names=[s.name for s in specs], levels=levels, rare_levels=rare, most_common=common
        )

    def too_rare_to_keep(self, name: str) -> int | None:
        """How many of a categorical column's training levels were left out as too rare
        (0: the model knows every level training held, so a level it does not know is
        new); None when not known: a model packaged before this was kept, holding
        `MAX_LEVELS` levels of the column."""
        if self.rare_levels is not None:
            return self.rare_levels.get(name, 0)
        return None if len(self.levels.get(name, ())) >= MAX_LEVELS else 0

    @cached_property
    def capped(self) -> frozenset[str]:
        """The categorical columns whose rarer training levels may have been left out: a
        level the model does not know there may be one training held."""
        return frozenset(name for name in self.levels if self.too_rare_to_keep(name) != 0)

    def matrix(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The model's input: declared columns, floats, categoricals on trained levels."""
        data = {}
        for name in self.names:
            if name in self.levels:
                levels = self.levels[name]
                values = frame[name].astype("object")
                values = values.where(values.isin(levels), None)  # unseen levels are missing
                data[safe_name(name)] = pd.Categorical(values, categories=levels)
            else:
                values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=np.float64)
                data[safe_name(name)] = np.where(np.isfinite(values), values, np.nan)
        return pd.DataFrame(data, index=frame.index)

    @cached_property
    def feature_types(self) -> list[str]:
        """XGBoost's types: 'c' for a categorical column, 'q' for a number."""
        return ["c" if name in self.levels else "q" for name in self.names]

    def array(self, features: Mapping[str, Any]) -> np.ndarray:
        """What XGBoost makes of `matrix(frame)`, built straight into float32 for scoring.

        `features` is a frame or plain columns (`ChurnModel.feature_columns`). A
        categorical column holds its trained level's code (missing or unseen → NaN), which
        is how XGBoost encodes a pandas categorical; numbers are NaN where missing,
        non-numeric or infinite. Column by column, no frames: this is the scoring hot path.
        """
        first = features[self.names[0]] if self.names else ()
        out = np.empty((len(first), len(self.names)), dtype=np.float32)
        for j, name in enumerate(self.names):
            out[:, j] = self._column(features[name], name)
        out[~np.isfinite(out)] = np.nan
        return out

    def _column(self, values: Any, name: str) -> np.ndarray:
        if name in self.levels:
            return level_numbers(values, self.levels[name])
        if isinstance(values, np.ndarray) and values.dtype.kind in "fiub":
            return values  # the live path's columns: float64 already
        return numbers(values)  # text is parsed, junk is missing

    def dmatrix(self, features: Mapping[str, Any], label: np.ndarray | None = None) -> xgb.DMatrix:
        """The booster's input, for training and scoring alike (one encoding, no skew)."""
        return self.dmatrix_of(self.array(features), label)

    def dmatrix_of(self, array: np.ndarray, label: np.ndarray | None = None) -> xgb.DMatrix:
        """`array` (as `array` builds it) as the booster's input; built on one thread for a
        small request, as it is scored (`SMALL_REQUEST_ROWS`)."""
        return xgb.DMatrix(
            array,
            label=label,
            feature_names=self.safe_names,
            feature_types=self.feature_types,
            enable_categorical=True,
            nthread=1 if len(array) <= SMALL_REQUEST_ROWS else None,
        )

    @cached_property
    def safe_names(self) -> list[str]:
        """The column names XGBoost sees (`safe_name` of each)."""
        return [safe_name(name) for name in self.names]

    @cached_property
    def name_of(self) -> dict[str, str]:
        """XGBoost's column name -> the feature's own name (reasons group by the latter)."""
        return dict(zip(self.safe_names, self.names, strict=True))


def shifted_to(probability: np.ndarray, sample_rate: float, population_rate: float) -> np.ndarray:
    """Probabilities calibrated on a sample churning at `sample_rate`, as they read in a
    population churning at `population_rate`: Bayes' rule with the class priors swapped
    (the odds scaled by the ratio of the two rates' odds). A balanced case file of a 2%
    churn population scored its holdout at 0.41 on average where 0.02 churned."""
    p = np.asarray(probability, dtype=np.float64)
    churned = p * (population_rate / sample_rate)
    stayed = (1 - p) * ((1 - population_rate) / (1 - sample_rate))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(churned + stayed > 0, churned / (churned + stayed), p)


@dataclass
class ChurnModel(mlflow.pyfunc.PythonModel):
    """Booster + calibrator + feature pipeline state; see the module docstring."""

    booster: xgb.Booster
    calibrator: Calibrator
    layout: FeatureLayout
    specs: list[FeatureSpec]
    config: RunConfig
    wallet: QuantileWalletEstimator | None = None
    bgnbd: BGNBD | None = None
    event_types: tuple[str, ...] = ()
    consumable_categories: tuple[str, ...] | None = None
    """Inferred in training (unless configured): scoring infers none from its own rows."""
    info: dict[str, Any] = field(default_factory=dict)
    """Training cutoffs, metrics and other facts for /v1/model and the registry."""
    cross_fit: CrossFit | None = None
    """A labelled snapshot's fold boosters, which score its fitted rows out of fold
    (`churn.cross_fit`); None over time, and for a model packaged before them."""

    # -- scoring feature rows (a frame, or plain columns) ----------------------------
    def dmatrix(self, features: Mapping[str, Any]) -> xgb.DMatrix:
        return self.layout.dmatrix_of(self._input(features))

    def margin(self, features: Mapping[str, Any]) -> np.ndarray:
        if self._trees is not None:
            return self._trees.margin(self._input(features))
        matrix = self.dmatrix(features)
        return self._booster_for(matrix.num_row()).predict(matrix, output_margin=True)

    def predict_proba(self, features: Mapping[str, Any]) -> np.ndarray:
        """Calibrated churn probability per feature row."""
        return self._probability(self.margin(features))

    def tested_probability(self, features: Mapping[str, Any]) -> np.ndarray:
        """`predict_proba` as `churn train`'s test scored the rows (`training.fit.score_all`):
        XGBoost's float32 margins of the rows as they are. The compiled trees' float64 sums
        differ by about 1e-7, and an isotonic calibrator's steep steps broke the ties of
        rows on a step's edge otherwise: an ERP sample's run read ROC AUC 0.5351 and its
        gate 0.5379 on the same rows."""
        matrix = self.layout.dmatrix(features)
        return self._probability(self.booster.predict(matrix, output_margin=True))

    def _probability(self, margin: np.ndarray, calibrator: Calibrator | None = None) -> np.ndarray:
        """The calibrated probability (by `calibrator`, default the model's), shifted to
        the population's churn rate where the training file was a sample drawn otherwise
        (`info["population_shift"]`)."""
        if not len(margin):
            return np.zeros(0)
        shift = self.info.get("population_shift")
        calibrated = (calibrator or self.calibrator)(margin)
        if not shift:
            return calibrated
        return shifted_to(calibrated, shift["sample_rate"], shift["population_rate"])

    def contributions(self, features: Mapping[str, Any]) -> np.ndarray:
        """TreeSHAP contributions in margin space; last column is the bias."""
        return self._explained(features)[1]

    def scores(
        self, features: Mapping[str, Any], folds: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Probability and contributions from one input matrix (what serving needs).
        `folds` (per row, -1 for none) names the rows the model was fitted on and the fold
        booster that never saw each (`churn.cross_fit`): those are scored by it."""
        if folds is None or self.cross_fit is None or not (folds >= 0).any():
            margin, contributions = self._explained(features)
            return self._probability(margin), contributions
        rows = self._input(features)
        probability = np.zeros(len(rows))
        contributions = np.zeros((len(rows), len(self.layout.names) + 1))
        for fold in np.unique(folds):  # each row once: by the model, or by its fold's booster
            which = np.flatnonzero(folds == fold)
            if fold < 0:
                margin, contributions[which] = self._explained_input(rows[which])
                probability[which] = self._probability(margin)
                continue
            margin, contributions[which] = self.cross_fit.margin_and_contributions(
                int(fold), rows[which], self.layout
            )
            probability[which] = self._probability(margin, self.cross_fit.calibrator)
        return probability, contributions

    def _explained(self, features: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """Margin and TreeSHAP contributions: by the compiled trees, else by XGBoost."""
        return self._explained_input(self._input(features))

    def _explained_input(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`_explained` of the booster's input rows (`_input`)."""
        if self._trees is not None:
            return self._trees.margin_and_contributions(rows)
        matrix = self.layout.dmatrix_of(rows)
        if matrix.num_row() == 0:
            return np.zeros(0), np.zeros((0, len(self.layout.names) + 1), dtype=np.float32)
        booster = self._booster_for(matrix.num_row())
        return (
            booster.predict(matrix, output_margin=True),
            booster.predict(matrix, pred_contribs=True),
        )

    def _input(self, features: Mapping[str, Any]) -> np.ndarray:
        """The booster's input (`FeatureLayout.array`), a blank in a `median_fills`
        attribute at its training median."""
        array = self.layout.array(features)
        columns, medians = self._fill_columns
        if len(columns):
            filled = array[:, columns]  # one gather for all: a live run holds a few rows
            blank = np.isnan(filled)
            if blank.any():
                array[:, columns] = np.where(blank, medians, filled)
        return array

    @cached_property
    def trained_rows(self) -> TrainedRows | None:
        """A labelled snapshot's fitted-on customers (`churn.trained_rows`); else None."""
        return TrainedRows.from_info(self.info.get("trained_rows"))

    def folds_of(self, rows: Mapping[str, Any]) -> np.ndarray | None:
        """Per row (a customer id, and the categories the model tells its customers by:
        `TrainedRows.alike_columns`), the fold model that scores it out of fold (-1: not
        fitted on them), for `scores`; None where the model has no fold models or tells
        its fitted customers by their whole rows (packaged before ids were)."""
        trained = self.trained_rows
        if self.cross_fit is None or trained is None or trained.by == "row":
            return None
        names = ["customer_id", *(c for c in trained.alike_columns if c in rows)]
        return trained.folds_of(pd.DataFrame({n: np.asarray(rows[n]) for n in names}))

    @cached_property
    def median_fills(self) -> dict[str, float]:
        """The numeric attributes no training row had blank (`info["complete_attributes"]`),
        each with its training median, at which a blank in one is scored: the trees never
        learned a blank there, so it took whichever branch XGBoost defaults to (a
        SyriaTel customer with 'Total day minutes' blanked scored as one at 302.7 did,
        0.084 -> 0.939). A model packaged before fills none."""
        medians = self.info.get("reason_pivots") or {}
        complete = self.info.get("complete_attributes") or ()
        return {name: float(medians[name]) for name in complete if name in medians}

    def _median_filled(self, features: Mapping[str, Any]) -> Mapping[str, Any]:
        """The features with `median_fills` applied to their attributes, for what is
        derived from the attributes after the build (the estimated wallet): the blanks
        stay in the features themselves, for the notes and the reasons."""
        fills = {name: m for name, m in self.median_fills.items() if name in features}
        if not fills:
            return features
        if isinstance(features, pd.DataFrame):
            return features.fillna(fills)
        filled = {name: np.asarray(features[name], dtype=np.float64) for name in fills}
        return {**features, **{n: np.where(np.isnan(v), fills[n], v) for n, v in filled.items()}}

    @cached_property
    def _fill_columns(self) -> tuple[np.ndarray, np.ndarray]:
        """The input columns of the `median_fills` attributes, and their medians."""
        where = {name: j for j, name in enumerate(self.layout.names)}
        found = [(where[name], m) for name, m in self.median_fills.items() if name in where]
        columns = np.array([j for j, _ in found], dtype=np.int64)
        return columns, np.array([m for _, m in found], dtype=np.float64)

    @cached_property
    def _trees(self) -> CompiledTrees | None:
        """The booster compiled for scoring (`features/trees.py`: the same margin and TreeSHAP,
        checked against XGBoost when compiled); None leaves it to XGBoost, said in the log
        because scoring is then several times slower."""
        compiled = CompiledTrees.compile(self.booster)
        if compiled is None:
            log.warning(
                "the model's trees could not be compiled for scoring (too deep or too many "
                "for the TreeSHAP tables): XGBoost explains the scores, several times slower"
            )
        return compiled

    def _booster_for(self, rows: int) -> xgb.Booster:
        return self._one_thread_booster if rows <= SMALL_REQUEST_ROWS else self.booster

    @cached_property
    def _one_thread_booster(self) -> xgb.Booster:
        """A copy for small requests; a copy because `set_param` on a booster that other
        threads predict with is not safe."""
        booster = self.booster.copy()
        booster.set_param({"nthread": 1})
        return booster

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (logged) without what scoring derives from the rest (`DERIVED_STATE`)."""
        state = dict(self.__dict__)
        for derived in DERIVED_STATE:
            state.pop(derived, None)
        return state

    # -- scoring raw tables ----------------------------------------------------------
    def features(self, tables: Tables, cutoff: pd.Timestamp) -> pd.DataFrame:
        """Features as of `cutoff` with the same code and learned state as in training."""
        frame = build(self.as_trained(tables), cutoffs=cutoff).frame
        if self.wallet is not None:
            frame = frame.assign(**wallet_columns(self._median_filled(frame), self.wallet))
        if self.bgnbd is not None:
            frame = add_bgnbd(frame, self.bgnbd, self.config.churn.horizon_days)
        return frame

    def feature_columns(self, tables: Tables, cutoff: pd.Timestamp) -> Columns:
        """`features` as plain columns (see `build_columns`): the live path for a few
        customers, computed by the same code."""
        columns = build_columns(self.as_trained(tables), cutoff=cutoff)
        if self.wallet is not None:
            columns.update(wallet_columns(self._median_filled(columns), self.wallet))
        if self.bgnbd is not None:
            columns.update(bgnbd_columns(columns, self.bgnbd, self.config.churn.horizon_days))
        return columns

    def as_trained(self, tables: Tables) -> Tables:
        """The event types, consumable categories, attribute kinds, what undoes a
        cancellation and whether the transactions are payments the model was trained with,
        not those the rows scored now would suggest (a live customer's few rows may all
        fall at midnight)."""
        # a model from before the choice was stored told payments by `paid_until` (None)
        kept: dict[str, Any] = {"undo_by": self.undo_by, "payments": self.info.get("payments")}
        if self.event_types:
            kept["event_types"] = self.event_types
        kept["interaction_types"] = counted_types(spec.name for spec in self.specs)
        if self._rhythm_of == "orders":  # trained before the rhythm was of days
            kept["rhythm_of"] = "orders"
        if not self.info.get("resolution_timed"):  # trained on calendar days
            kept["resolution_timed"] = False
        if not self.info.get("lapsed_by_use"):  # trained when no usage log lapsed
            kept["lapsed_by_use"] = False
        if self.consumable_categories is not None and tables.consumable_categories is None:
            kept["consumable_categories"] = self.consumable_categories
        return with_kinds(replace(tables, **kept), self.attribute_kinds)

    @cached_property
    def spends(self) -> bool:
        """Whether the model reads money from the transactions (its features include
        spend): a model of a log without amounts does not (`Context.spends`)."""
        return bool(SPEND_NAMES & {spec.name for spec in self.specs})

    @cached_property
    def data(self) -> DataSpec:
        """The run config's data section as the model's training read it: a model whose
        features spend reads the transactions' amount, mapped or, as the loader reads a
        file column of that name unmapped, by its name (models trained while `amount`
        was required may rely on that)."""
        data = self.config.data
        return data.with_amount_read() if self.spends else data

    @property
    def apart_from_use(self) -> bool:
        """Whether training left out of the usage log the rows other tables read from its
        file (`features.sources.validate`); a model trained before they were did not."""
        return bool(self.info.get("apart_from_use"))

    @cached_property
    def not_use_types(self) -> frozenset[str]:
        """The event types training left out of the usage log (`Tables.not_use_types`:
        its payments read as purchases; none where the log was all such rows); a model
        packaged before they were kept, whose training left them out, by its config."""
        if "not_use_types" not in self.info and self.apart_from_use:
            return frozenset().union(*self.data.not_use_types().values())
        return frozenset(self.info.get("not_use_types") or ())

    @property
    def undo_by(self) -> Literal["day", "time"]:
        """What undid a cancellation in the training data (`features.tables.undo_by`),
        stored since a payment in the same second does; an older model compared days."""
        return self.info.get("undo_by", "day")

    @cached_property
    def _rhythm_of(self) -> str:
        """What the model's buying rhythm was trained on: stored since it is asked,
        else told by its declarations (the gaps' words said "purchase days" or "payment
        days" from the change on, a few commits before the flag was stored)."""
        stored = self.info.get("rhythm_of")
        if stored is not None:
            return str(stored)
        gaps = next((spec for spec in self.specs if spec.name == "gap_median_days"), None)
        said = gaps.reason_missing or "" if gaps is not None else ""
        return "days" if " days:" in said else "orders"  # "fewer than two purchase days:"

    @cached_property
    def derived_features(self) -> frozenset[str]:
        """The features the tool computes, not the data's attributes (`derived_names`)."""
        return derived_names(self.specs)

    @cached_property
    def attribute_kinds(self) -> dict[str, str]:
        """attribute -> 'numeric' | 'categorical' | 'date', as the model was trained on them."""
        return {
            spec.name: attribute_kind(spec) for spec in self.specs if spec.family == "attributes"
        }

    @cached_property
    def flag_attributes(self) -> frozenset[str]:
        """The numeric attributes the model reads as 0/1 flags (`features.attributes.is_flag`):
        its reasons say "Complain: yes", so a live request may post them so."""
        return frozenset(spec.name for spec in self.specs if is_flag(spec))

    # -- MLflow pyfunc ---------------------------------------------------------------
    def predict(self, context: Any, model_input: pd.DataFrame, params: Any = None) -> pd.DataFrame:
        """pyfunc entry point: a feature frame in, `churn_probability` out; a snapshot's
        fitted customers out of fold, as `churn score` and the server score them (scored
        by the served booster, mlflow's own serving read them as it remembered their
        labels)."""
        folds = self.folds_of(model_input) if "customer_id" in model_input else None
        if folds is None:
            return pd.DataFrame({"churn_probability": self.predict_proba(model_input)})
        return pd.DataFrame({"churn_probability": self.scores(model_input, folds)[0]})
