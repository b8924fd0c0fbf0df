"""Batch scoring: the champion scores every active customer as of a cutoff into the store.

Two steps, so a caller can show progress with the row count known: `prepare` loads the
champion (by its alias), the tables and the features as of the cutoff; `Job.run` scores
in chunks (probability, contributions, reasons), ranks the whole batch (value, band,
tier need batch-wide quantiles and means) and writes it atomically to the store.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

import mlflow
from churn.model import ChurnModel
from churn.trained_rows import TrainedRows
from features.contract import (
    ActivitySpec,
    CustomersSpec,
    RunConfig,
    TableSpec,
    differing,
    files_named,
)
from features.labels import label_churn
from features.registry import FeatureSpec, plain_number, retired_in
from features.sources import load_tables
from features.tables import (
    Tables,
    after_data_end,
    before_data_start,
    data_end,
    numbers,
    snapshot_cutoff,
)
from mlflow import MlflowClient
from serving import store
from serving.caveats import Caveats, caveats_of
from serving.left_out import why_left_out, words
from serving.ranking import (
    CALL_LIST,
    RANKED,
    Rules,
    bands_said,
    configured_value,
    derived_segment,
    first_listed_of,
    rank,
    rules_for,
    segment_texts,
    segments_of,
)
from serving.reasons import Explainer, Reason, filled_blanks, population_means, unknown_levels
from serving.settings import Settings

CHAMPION = "champion"
CHUNK_ROWS = 10_000
"""Rows scored at a time: bounds memory, and lets one chunk's reasons be written in Python
while the booster computes the next chunk's TreeSHAP (which releases the GIL)."""


class ServingError(ValueError):
    """Scoring cannot start (no champion, no cutoff); the message says what to do."""


@dataclass(frozen=True)
class Champion:
    model: ChurnModel
    name: str
    version: str
    version_tags: Mapping[str, str] = field(default_factory=dict)
    """The registry's tags of the version: how it was promoted (`serving/caveats.py`)."""

    @cached_property
    def caveats(self) -> Caveats:
        """What its modeller was told about it: `churn score` says it, the batch keeps
        the worklist's part (`Caveats.ranking`)."""
        return caveats_of(self.model.info, self.version_tags)


def load_champion(name: str, tracking_uri: str) -> Champion:
    """The model behind the `champion` alias, with the version it resolved to.

    The alias is resolved once and that exact version is loaded, so the version written
    with the batch is the one that scored it even if the alias moves meanwhile.
    """
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)
    try:
        found = MlflowClient().get_model_version_by_alias(name, CHAMPION)
    except mlflow.exceptions.MlflowException:
        raise ServingError(
            f"model '{name}' has no {CHAMPION}; train and promote one first "
            "(churn train, churn promote)"
        ) from None
    version = found.version
    try:
        model = mlflow.pyfunc.load_model(f"models:/{name}/{version}").unwrap_python_model()
    except Exception as error:  # a model logged by other code: any failure means the same
        raise ServingError(
            f"the {CHAMPION} (version {version}) cannot be loaded by this code "
            f"({type(error).__name__}: {error}); promote a run of `churn train`"
        ) from error
    if not isinstance(model, ChurnModel):  # a pyfunc of other code, aliased by hand
        raise ServingError(
            f"the {CHAMPION} (version {version}) is no Churn Radar model "
            f"({type(model).__name__}); promote a run of `churn train`"
        )
    retired = retired_in(model.layout.names)
    if retired is not None:
        raise ServingError(f"the {CHAMPION} (version {version}): {retired}")
    return Champion(model=model, name=name, version=str(version), version_tags=dict(found.tags))


@dataclass(frozen=True)
class Unlabelled:
    """A snapshot's scored customers whose outcome is not known yet (`label.unlabelled`),
    beside its labelled ones: none was trained on, and they score as the labelled
    customers most like them. Maven's 454 'Joined' scored 0.89 on average: the stayers of
    their tenures were all of them, left unlabelled, and only churners were like them."""

    customers: int
    mean_probability: float
    labelled_mean_probability: float | None
    model_rate: float | None = None
    """The churn rate the model's probabilities read at (`model_rate`): a random share of
    the file left unlabelled scores at it, above the stayers scored beside them."""

    def note(self) -> str:
        beside = self.labelled_mean_probability
        against = "" if beside is None else f", against {beside:.2f} for the stayers beside them"
        if beside is not None and self.model_rate is not None:
            against += f" and a churn rate of {self.model_rate:.1%} the model learned"
        return (
            f"{self.customers:,} customers of an unlabelled value (label.unlabelled) were "
            f"scored, none of whom the model trained on: mean probability "
            f"{self.mean_probability:.2f}{against}; they score as the labelled customers "
            "most like them, so where only churners are like them (new customers, when the "
            "new stayers are the ones left unlabelled) they score high"
        )


@dataclass(frozen=True)
class BatchResult:
    batch_id: int
    rows: int
    cutoff: dt.date
    model_version: str
    seconds: float
    shown: dict[str, Any] | None = None
    """The batch readers (worklist, API) see after this write: the latest cutoff's."""
    movement: store.Movement | None = None
    """How risk moved since the previous batch (None: there was none)."""
    replaced: store.Replaced | None = None
    """The batch of the same model version and cutoff this one replaced, if any."""
    row_number_ids: bool = False
    """The ids are row numbers: compared with no other batch (`store`)."""
    unvalued: int = 0
    """Customers whose value is unknown (a blank value column): no value at risk."""
    unlabelled: Unlabelled | None = None
    """How the customers of an unlabelled value scored beside the labelled ones."""
    first_listed: store.FirstListed | None = None
    """How the worklist by value at risk begins, by risk (`buried_note`)."""

    @property
    def per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


@dataclass
class Job:
    """Everything needed to score one batch; `run` does the work."""

    champion: Champion
    features: pd.DataFrame
    cutoff: pd.Timestamp
    database_url: str
    configured_value: pd.Series | None = None
    segments: list[str] = field(default_factory=list)
    rules: Rules | None = None
    """Default: the model's own (`ranking.rules_for`)."""
    cutoff_note: str | None = None
    """Why the cutoff is what it is, when a user would not expect it (`TODAY_NOTE`)."""
    left_out: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))
    """Customers in the data not active at the cutoff (`active_only`), not scored: each
    one's reason by id (`serving.left_out`), stored with the batch in `left_out_said`'s
    words."""
    left_out_said: dict[str, str] = field(default_factory=dict)
    """Each reason of `left_out` in words (`serving.left_out.words`)."""
    row_number_ids: bool = False
    """The customer ids are the rows' numbers (`Tables.numbered_ids`)."""
    unlabelled: np.ndarray | None = None
    """Per scored row, whether its label is a value `label.unlabelled` names (a snapshot's
    new customers): scored, never trained on."""
    rate_note: str | None = None
    """How a labelled file's own churn rate differs from the model's (`label_rate_note`)."""
    trained_note: str | None = None
    """How many scored customers the model was fitted on (`trained_rows_note`)."""
    folds: np.ndarray | None = None
    """Per scored row, the fold model that scores it out of fold (`trained_folds`)."""
    words_note: str | None = None
    """This config's reason settings the model was trained otherwise with
    (`reason_words_note`)."""
    categories_note: str | None = None
    """Scored customers' purchases in categories the model never saw
    (`unseen_categories_note`)."""

    @property
    def rows(self) -> int:
        return len(self.features)

    def _left_out_words(self) -> Iterator[tuple[str, str]]:
        """(customer id, why not scored in words) of each left-out customer."""
        said = self.left_out.map(self.left_out_said)
        return zip(map(str, self.left_out.index), said, strict=True)

    def run(
        self, *, chunk_rows: int = CHUNK_ROWS, on_chunk: Callable[[int], None] | None = None
    ) -> BatchResult:
        """Score, explain, rank and write; `on_chunk(rows)` after each scored chunk."""
        started = time.perf_counter()
        probability, margin, reasons = score(
            self.champion.model, self.features, chunk_rows, on_chunk, folds=self.folds
        )
        rules = self.rules or rules_for(self.champion.model.info)
        ranked = rank(self.features, probability, rules, configured_value=self.configured_value)
        engine = store.connect(self.database_url)
        which = {
            "model_name": self.champion.name,
            "model_version": self.champion.version,
            "cutoff": self.cutoff.date(),
        }
        replaced = store.to_be_replaced(engine, **which, customer_ids=self.features["customer_id"])
        batch_id = store.write_batch(
            engine,
            **which,
            rows=records(self.features, ranked, reasons, self.segments, margin),
            row_number_ids=self.row_number_ids,
            ranking_caveats=self.champion.caveats.ranking,
            left_out=self._left_out_words(),
            bands=bands_said(rules, self.champion.model.info),
        )
        shown = store.latest_batch(engine, model_name=self.champion.name)
        movement = store.movement(engine, batch_id)
        first = first_listed_of(ranked, margin, first=CALL_LIST)
        engine.dispose()
        return BatchResult(
            batch_id=batch_id,
            rows=self.rows,
            cutoff=self.cutoff.date(),
            model_version=self.champion.version,
            seconds=time.perf_counter() - started,
            shown=shown,
            movement=movement,
            replaced=replaced,
            row_number_ids=self.row_number_ids,
            unvalued=int(np.isnan(np.asarray(ranked["value"], dtype=np.float64)).sum()),
            unlabelled=_unlabelled(
                probability, self.unlabelled, model_rate(self.champion.model.info)
            ),
            first_listed=first,
        )


def _unlabelled(
    probability: np.ndarray, unlabelled: np.ndarray | None, rate: float | None
) -> Unlabelled | None:
    if unlabelled is None or not unlabelled.any():
        return None
    labelled = probability[~unlabelled]
    return Unlabelled(
        int(unlabelled.sum()),
        float(probability[unlabelled].mean()),
        float(labelled.mean()) if len(labelled) else None,
        rate,
    )


def prepare(
    config: RunConfig,
    *,
    cutoff: dt.date | None,
    settings: Settings,
    champion: Champion | None = None,
    replace: bool = False,
) -> Job:
    """Load the champion (unless given) and the active customers' features at the cutoff;
    refuse, before scoring, to replace a batch of other customers unless `replace`
    (`refuse_losing_replace`)."""
    champion = champion or load_champion(config.model_name, settings.tracking_uri)
    tables = load_tables(
        config,
        label_optional=True,
        model_attributes=champion.model.attribute_kinds,
        model_date_formats=champion.model.info.get("date_formats") or {},
        apart_from_use=champion.model.apart_from_use,
    )
    snapshot = config.churn.definition == "label_column"
    if snapshot and "label" not in tables.customers:
        refuse_another_label(champion.model.config, config)
    when = resolve_cutoff(tables, cutoff, snapshot=snapshot)
    dateless = snapshot and cutoff is None and data_end(tables) is None
    built = champion.model.features(tables, when)
    require_model_columns(built, champion, config)
    as_trained = champion.model.as_trained(tables)
    features = active_only(built, as_trained, config, when)
    left_out = why_left_out(built, features, as_trained, config, when)
    job = Job(
        champion=champion,
        features=features,
        cutoff=when,
        database_url=settings.database_url,
        configured_value=configured_value(tables, features),
        segments=segments_of(champion.model.specs, config),
        cutoff_note=TODAY_NOTE
        if dateless
        else history_note(champion.model, tables, when) or phase_note(champion.model, when),
        rate_note=label_rate_note(champion.model.info, tables, config),
        trained_note=trained_rows_note(champion.model.trained_rows, tables, features),
        words_note=reason_words_note(champion.model.config, config),
        folds=trained_folds(champion.model, tables, features),
        categories_note=unseen_categories_note(
            champion.model.info, champion.model.layout.names, tables, features, when
        ),
        left_out=left_out,
        left_out_said={reason: words(reason, config) for reason in left_out.unique()},
        row_number_ids=tables.numbered_ids,
        unlabelled=_unlabelled_rows(features, tables),
    )
    if not len(features):
        refuse_nobody(job)
    if not replace:
        refuse_losing_replace(job)
    return job


def refuse_another_label(trained: RunConfig, config: RunConfig) -> None:
    """Refuse a file read without labels (a fresh extract) where the config names another
    label column than the model was trained on: `label.column: renewed` for an insurer's
    `renewal` scored all 53,236 rows, the 3,303 gone among them (1,466 in the high band),
    with a warning that named no column."""
    ours_label, their_label = _label_column(config), _label_column(trained)
    if ours_label is None or their_label is None or ours_label == their_label:
        return
    raise ServingError(
        f"the label column {ours_label!r} is not in the file, and the model was trained on "
        f"{their_label!r}: if the file holds {their_label!r}, set label.column: "
        f"{their_label} (a misspelt label scores the customers who already left); nothing "
        "written"
    )


def _label_column(config: RunConfig) -> str | None:
    customers = config.data.customers
    return customers.label.column if customers is not None and customers.label else None


def refuse_nobody(job: Job) -> None:
    """Refuse a cutoff at which no customer is scored: a cutoff inside a gap in the data
    stored an empty batch as complete, and the next batch read "since 2014-04-01: 0 ...,
    8,156 new"."""
    counts = job.left_out.map(job.left_out_said).value_counts()
    why = "; ".join(f"{n:,} {said}" for said, n in counts.items()) or "the data hold none"
    raise ServingError(
        f"no customer to score as of {job.cutoff.date()} ({why}); nothing written: score "
        "at a cutoff where customers are active (by default the data's last day)"
    )


def refuse_losing_replace(job: Job) -> None:
    """Refuse when `job` would replace a batch of the same model version and cutoff
    holding under half of that batch's customers: a rerun replaces silently by design,
    but a 500-row holdout scored at the training file's cutoff wiped a 7,962-customer
    worklist."""
    engine = store.connect(job.database_url)
    try:
        old = store.to_be_replaced(
            engine,
            model_name=job.champion.name,
            model_version=job.champion.version,
            cutoff=job.cutoff.date(),
            customer_ids=job.features["customer_id"],
        )
    finally:
        engine.dispose()
    numbered = job.row_number_ids
    if old is None or not old.loses_most(rows=job.rows, row_number_ids=numbered):
        return
    lost = old.rows - old.kept(rows=job.rows, row_number_ids=numbered)
    gone = (
        "its row numbers would name the customers of this file (another file's row 5 is "
        "another customer)"
        if numbered
        else f"the worklist and the API would no longer show {lost:,} of them"
    )
    raise ServingError(
        f"scoring these {job.rows:,} customers would replace batch {old.batch_id} "
        f"({old.rows:,} customers, same model version and cutoff {job.cutoff.date()}), and "
        f"{gone}; nothing written. "
        "Pass --replace to replace it anyway, or score this extract into its own store "
        "(CHURN_DATABASE_URL=sqlite:///holdout.db churn score ...)"
    )


RATE_APART = 2.0
"""A scored file churning this many times more or less than the model's probabilities
read is said: they are off by about as much."""


def reason_words_note(trained: RunConfig, config: RunConfig) -> str | None:
    """This config's tables' `attribute_words` where the model was trained with others:
    its reasons follow its own, here, live and in the worklist alike. BankChurners'
    attribute_words, added after training, changed nothing and nothing said why
    (`reasons.never` has a note of its own)."""
    theirs, ours = _reason_settings(trained), _reason_settings(config)
    differ = differing(ours, theirs)
    if not differ:
        return None
    return (
        f"this config's {', '.join(differ)} differ from those the model was trained with: "
        "its reasons follow its own until a model trained with these is promoted (churn "
        "train, then churn promote)"
    )


def _reason_settings(config: RunConfig) -> dict[str, object]:
    """The words a model's reasons take from its config, by setting name."""
    settings: dict[str, object] = {}
    for name, spec in config.data.tables().items():
        if words := getattr(spec, "attribute_words", None):
            settings[f"data.{name}.attribute_words"] = dict(words)
    return settings


def model_rate(info: Mapping[str, Any]) -> float | None:
    """The churn rate a model's probabilities read at: the population rate it was shifted
    to, else its training file's (None: a model packaged before it kept one)."""
    shift = info.get("population_shift") or {}
    return shift.get("population_rate", info.get("training_churn_rate"))


def label_rate_note(info: Mapping[str, Any], tables: Tables, config: RunConfig) -> str | None:
    """The note on a labelled file (a holdout) whose churn rate is `RATE_APART` from the
    rate the model's probabilities read at (its training file's, or the population rate
    it was shifted to); None otherwise, and for a model packaged before it kept one."""
    shift = info.get("population_shift") or {}
    rate_read = model_rate(info)
    if rate_read is None or "label" not in tables.customers:
        return None
    labels = tables.customers["label"].dropna()
    if len(labels) < 100:
        return None
    rate = float(labels.astype(bool).mean())
    if rate <= 0 or max(rate / rate_read, rate_read / rate) < RATE_APART:
        return None
    said = "its population rate" if shift else "its training file's rate"
    return (
        f"this file's labels churn at {rate:.1%}, the model's probabilities "
        f"read at {rate_read:.1%} ({said}): probabilities, bands and value "
        f"at risk run {'high' if rate_read > rate else 'low'} by about as much; where the "
        f"training file was a sample drawn otherwise, set label.population_rate: "
        f"{rate:.3g} and retrain"
    )


def trained_rows_note(
    trained: TrainedRows | None, tables: Tables, features: pd.DataFrame
) -> str | None:
    """The note on scored customers whose very rows a labelled snapshot's model was
    fitted on (`churn.trained_rows`): their probabilities are no prediction (a hotel's
    training file scored again listed 287 bookings high risk, 141 of them fitted).
    None for other customers, and for a model that kept no rows."""
    if trained is None or not len(features):
        return None
    customers = tables.customers
    scored = (
        features  # their categories too (`TrainedRows.alike_columns`)
        if trained.by == "id"
        else customers[customers["customer_id"].isin(features["customer_id"])]
    )
    found = trained.count_in(scored)
    if not found:
        return None
    about = "about " if trained.every > 1 else ""
    whom = "customers" if trained.by == "id" else "rows"
    said = (
        f"{about}{found:,} of the {len(features):,} scored customers are among the "
        f"{trained.rows:,} {whom} the model was trained on"
    )
    if trained.folded:
        folds = int(trained.folds.max()) + 1
        return (
            f"{said}: each was scored by whichever of its {folds} fold models was fitted "
            "without them (cross-fitting), so their probabilities are predictions, as the "
            "others' are"
        )
    return (
        f"{said}: their probabilities are fitted, not predicted, as the model learned from "
        f"these very {whom}' labels; score a file of customers it has not seen (a later "
        "extract, a holdout) for predictions"
    )


def trained_folds(model: ChurnModel, tables: Tables, features: pd.DataFrame) -> np.ndarray | None:
    """Per scored row, the fold model that scores it out of fold (-1: the model was
    not fitted on it); None when the model has no fold models or keeps too few rows to
    tell them (`churn.trained_rows`). By id as live scoring tells them
    (`ChurnModel.folds_of`), else by the customers-table rows (row-number ids)."""
    trained = model.trained_rows
    if trained is None or trained.by == "id":
        return model.folds_of(features)
    customers = tables.customers
    folds = trained.folds_of(customers)
    if folds is None:
        return None
    by_id = pd.Series(folds, index=customers["customer_id"].to_numpy())
    by_id = by_id[~by_id.index.duplicated()]
    return features["customer_id"].map(by_id).fillna(-1).to_numpy(dtype=np.int8)


def _unlabelled_rows(features: pd.DataFrame, tables: Tables) -> np.ndarray | None:
    """Per scored row, whether its label is unlabelled (NA); None without a label."""
    if "label" not in tables.customers:
        return None
    label = tables.customers.set_index("customer_id")["label"]
    return features["customer_id"].map(label.isna()).fillna(False).to_numpy(dtype=bool)


TODAY_NOTE = (
    "the snapshot has no data.as_of and no dated activity: scored as of today, as training "
    "reads it; set data.as_of to the extract date so that every run reads it as of that day"
)


def history_note(model: ChurnModel, tables: Tables, cutoff: pd.Timestamp) -> str | None:
    """A fresh extract whose activity starts after the model's training data, early
    enough that the features' windows reach before it: those windows are unknown for
    customers who signed up before (as the batch reads partial data), where the model
    learned them as numbers, and a live POST of a customer's full history reads them
    whole; the two then differ (50 of 64 customers of an extract of one year)."""
    start, trained = tables.history_from, model.info.get("data_start")
    if start is None or trained is None or start <= pd.Timestamp(trained):
        return None
    reach = max((spec.reach_days or 0 for spec in model.specs), default=0)
    if (cutoff - start).days >= reach:
        return None
    return (
        f"the data's activity starts on {start:%Y-%m-%d}, after the model's training data "
        f"({trained}): windows reaching before it (up to {reach} days) are unknown for "
        "customers who signed up earlier, where the model learned numbers, so these scores "
        f"differ from a live POST of the full history; extract the history from {trained} on"
    )


def phase_note(model: ChurnModel, cutoff: pd.Timestamp) -> str | None:
    """A cutoff that is no month-end for a model of paid periods trained at month-ends: a
    monthly bill then falls on another day of its cycle than training read it on (paid
    days left, days since the last payment, payments in the last 30 days), and the
    probabilities are of other customers. A contract log scored at its extract date, the
    1st, averaged 0.9% where its month-end read 5.0% and the test churned 8.5%."""
    if not any(spec.family == "subscription" for spec in model.specs):
        return None
    info = model.info
    trained = [*info.get("training_cutoffs", []), *info.get("test_cutoffs", [])]
    ends = [pd.Timestamp(day) for day in trained]
    if not ends or not all(day.is_month_end for day in ends) or cutoff.is_month_end:
        return None
    before = (cutoff - pd.offsets.MonthEnd(1)).date()
    return (
        f"the cutoff {cutoff:%Y-%m-%d} is no month-end, where every cutoff the model trained "
        "on was: its customers' bills fall on other days of their cycles than training read "
        "them (paid days left, days since the last payment), so the probabilities can be "
        f"far off; score at {before} (--cutoff) to read them as training did"
    )


def resolve_cutoff(
    tables: Tables, cutoff: dt.date | None, *, snapshot: bool = False
) -> pd.Timestamp:
    """The given cutoff (not after the data's last day, nor before its first), else the
    data's last day (`features.tables.data_end`): the extract date when `data.as_of` sets
    one, as in training and as `POST /v1/score` defaults to, else the last day with recorded
    activity. (The last contact in a snapshot's interactions is a day or more before its
    extract: a score as of then would read "39 days ago" where training and the API read
    40.) A labelled `snapshot` with neither is read as of today, as training reads it
    (`features.tables.snapshot_cutoff`); other data are asked for a cutoff. Data without a
    date of their own end today at the latest (`data.as_of` defaults to it): a later cutoff
    is refused as for dated data (`after_today`)."""
    if cutoff is not None:
        given = pd.Timestamp(cutoff).normalize()
        why = (  # a snapshot without a date of its rows: no other day, before or after
            after_today(tables, given)
            or (_undated_elsewhen(tables, given) if snapshot else None)
            or after_data_end(tables, [given])
            or before_data_start(tables, [given])
        )
        if why is not None:
            raise ServingError(why)
        return given
    if snapshot:
        return snapshot_cutoff(tables, today=pd.Timestamp.today())
    end = data_end(tables)
    if end is not None:
        return end
    raise ServingError(
        "the data hold no dated activity and no data.as_of; pass --cutoff YYYY-MM-DD"
    )


def _undated_elsewhen(tables: Tables, cutoff: pd.Timestamp) -> str | None:
    """Why a snapshot holding no date of its own rows (no activity, no signup) cannot
    be scored as of another day than its extract's, or None: its attributes are as of
    then, and an HR file scored "as of 2010-01-01" stored its 2015 scores under that day."""
    dated = [t for t in (tables.transactions, tables.events, tables.interactions) if t is not None]
    customers = tables.customers
    signed = customers is not None and "signup_date" in customers
    if any(len(t) for t in dated) or (signed and customers["signup_date"].notna().any()):
        return None
    if "date" in tables.attributes.values():  # a contract's end is read from the cutoff
        return None
    extract = snapshot_cutoff(tables, today=pd.Timestamp.today())
    if cutoff == extract:
        return None
    return (
        f"cutoff {cutoff.date()}: the snapshot holds no date of its rows, so its attributes "
        f"are as of its extract ({extract.date()}), the only day to score it as of; leave "
        "--cutoff out"
    )


def after_today(
    tables: Tables, cutoff: pd.Timestamp, *, today: pd.Timestamp | None = None
) -> str | None:
    """Why a cutoff cannot score data without a date of their own (no `data.as_of`, no
    dated activity), or None: such data describe their customers as of today (as
    training reads them), so a later cutoff is after the data's last day. A batch as of
    2030-01-01 would be the latest cutoff in the store, and the worklist and the API
    would serve it over every later fresh extract's scores."""
    if data_end(tables) is not None:
        return None  # dated data: `after_data_end` decides
    today = pd.Timestamp.today().normalize() if today is None else today.normalize()
    if cutoff <= today:
        return None
    return (
        f"cutoff {cutoff.date()} is after today ({today.date()}): the data have no "
        "data.as_of and no dated activity, so they describe their customers as of today; "
        "use a cutoff on or before it (or set data.as_of to the extract date)"
    )


def require_model_columns(features: pd.DataFrame, champion: Champion, config: RunConfig) -> None:
    """Every column the champion was trained on must be built from these tables: a
    telecom extract without CustomerCareCalls (read by `attributes: all`, so the loader
    cannot know it is wanted) failed with a traceback in the booster's input. A live
    request is another matter: a posted customer may leave an attribute out (unknown)."""
    model = champion.model
    absent = [name for name in model.layout.names if name not in features]
    if not absent:
        return
    whose = f"model {champion.name} version {champion.version}"
    attributes = [name for name in absent if name in model.attribute_kinds]
    if len(attributes) < len(absent):
        others = ", ".join(name for name in absent if name not in attributes)
        raise ServingError(
            f"{whose} reads features these tables do not yield ({others}): score with the "
            "tables it was trained on (its config names them)"
        )
    carried = model.data.attribute_tables()
    by_file: dict[str, list[str]] = {}
    for name in attributes:
        table = next((t for t, names in carried.items() if name in names), "customers")
        spec = config.data.tables().get(table)
        where = str(files_named(config.files(spec.path))) if spec else f"no {table} table"
        by_file.setdefault(where, []).append(_unread(name, spec, table))
    said = "; ".join(f"{where}: {', '.join(names)}" for where, names in by_file.items())
    them = "it" if len(attributes) == 1 else "them"
    raise ServingError(
        f"{said}: {whose} was trained on {them} and cannot score without {them} (train and "
        f"promote a model without {them} to score such extracts)"
    )


def _unread(name: str, spec: TableSpec | None, table: str) -> str:
    """Why an attribute was not read: this config leaves it out, else the file lacks it."""
    if isinstance(spec, CustomersSpec) and spec.all_attributes:
        if spec.leaves_out(name):
            return f"{name} left out (data.{table}.not_attributes)"
    elif isinstance(spec, CustomersSpec | ActivitySpec) and name not in spec.attributes:
        return f"{name} not read (not in data.{table}.attributes)"
    return f"no column {name}"


def active_only(
    features: pd.DataFrame, tables: Tables, config: RunConfig, cutoff: pd.Timestamp
) -> pd.DataFrame:
    """Customers still active per the churn definition (eligible at the cutoff). In a
    labelled snapshot (`label_column`) a positive label says the customer has already
    left: nobody to call, so they are not scored; a fresh extract without the label
    column (read with `label_optional`) has nobody labelled yet: all are scored."""
    if config.churn.definition == "label_column" and "label" not in tables.customers:
        return features
    found = label_churn(tables, config.churn, cutoffs=cutoff)
    active = found["eligible"].fillna(False).astype(bool)
    if config.churn.definition == "label_column":
        active &= ~found["churned"].fillna(False).astype(bool)
    ids = found.loc[active, ["customer_id"]]
    return features.merge(ids, on="customer_id", how="inner", validate="1:1")


def score(
    model: ChurnModel,
    features: pd.DataFrame,
    chunk_rows: int,
    on_chunk: Callable[[int], None] | None = None,
    *,
    folds: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, list[list[Reason]]]:
    """Probabilities, the booster's margins and reasons in chunks (bounded memory); means
    are batch-wide. `folds` (per row) scores the model's fitted rows out of fold
    (`ChurnModel.scores`)."""
    means = population_means(features, model.specs)
    explainer = Explainer.for_model(model)
    starts = range(0, len(features), chunk_rows)
    chunks = [features.iloc[start : start + chunk_rows] for start in starts]
    chunk_folds = [None if folds is None else folds[start : start + chunk_rows] for start in starts]
    probabilities: list[np.ndarray] = []
    margins: list[np.ndarray] = []
    reasons: list[list[Reason]] = []
    with ThreadPoolExecutor(1, thread_name_prefix="churn-treeshap") as booster:
        pending = booster.submit(model.scores, chunks[0], chunk_folds[0]) if chunks else None
        for k, chunk in enumerate(chunks):
            probability, contributions = pending.result()
            if k + 1 < len(chunks):  # the next chunk's TreeSHAP runs while this one is explained
                pending = booster.submit(model.scores, chunks[k + 1], chunk_folds[k + 1])
            probabilities.append(probability)
            margins.append(contributions.sum(axis=1, dtype=np.float64))  # SHAP adds up to it
            reasons.extend(explainer.explain(chunk, contributions, means))
            if on_chunk is not None:
                on_chunk(len(chunk))
    if not chunks:
        return np.zeros(0), np.zeros(0), reasons
    return np.concatenate(probabilities), np.concatenate(margins), reasons


@dataclass(frozen=True)
class BeyondTraining:
    """Scored customers past the highest value training saw of a risky feature, or past
    the 99th percentile of the training rows of any numeric one (`percentile`)."""

    feature: str
    customers: int
    highest_scored: float
    training_limit: float
    """Training's highest value, or its 99th percentile where `percentile`."""
    rows: np.ndarray = field(compare=False, repr=False)
    """Which of the scored rows (a live response names their customers)."""
    scored: int = 0
    """How many customers were scored with them: the share's whole."""
    percentile: bool = False


BEYOND_SHARE = 0.01
"""From this share of the scored customers on, being past training is worth a note."""
PAST_P99_SHARE = 0.1
"""From this share of the scored customers past the training rows' 99th percentile of a
feature on, the scored population has outgrown training's: customers like those trained
on pass it one in a hundred, and ten times that is no chance in a batch, but a tenth of it
the trees read as training's top, no longer told apart. A retailer's lifetime totals,
which only grow with the data's age, at its scoring cutoff: spend 12% past it (58.7%
past the 90th percentile), orders 11%, tenure 95%."""


def beyond_training(
    info: Mapping[str, Any],
    features: Mapping[str, Any],
    *,
    least_share: float = BEYOND_SHARE,
    p99_share: float | None = PAST_P99_SHARE,
    probabilities: Collection[str] = (),
) -> list[BeyondTraining]:
    """Features on which many scored customers (`features`: a batch's frame, or a live
    request's columns) lie beyond what training saw, one finding per feature: a risky
    one (`training_highest`) past its highest for at least `least_share` of them (on
    four months of data no regular had lapsed by the training cutoffs, and regulars
    silent 47 times their usual gap scored 5% at 77% churn), else any numeric one past
    the training rows' 99th percentile (`training_p99`) for at least `p99_share` (None:
    not judged). Both are stored when the model is packaged; a model packaged before
    stores none and gets no note. None where the highest scored value prints as the
    limit, or for `probabilities` (`read_as_probability`) whose 99th percentile is at
    their bound (`says_nothing`)."""
    found = beyond_findings(
        info, features, least_share=least_share, p99_share=p99_share, probabilities=probabilities
    )
    return sorted(found, key=lambda b: -b.customers)


def beyond_findings(
    info: Mapping[str, Any],
    features: Mapping[str, Any],
    *,
    least_share: float,
    p99_share: float | None,
    probabilities: Collection[str] = (),
) -> list[BeyondTraining]:
    """`beyond_training`'s findings in the model's order of features, not yet sorted."""
    bounds = [
        (limits, share, key == "training_p99")
        for key, share in (("training_highest", least_share), ("training_p99", p99_share))
        if isinstance(limits := info.get(key), Mapping) and share is not None
    ]
    found = []
    for name in dict.fromkeys(name for limits, _, _ in bounds for name in limits):
        if name not in features:
            continue
        values = numbers(features[name])
        for limits, share, p99 in bounds:  # past the highest first: it says more
            past = None if name not in limits else _beyond(name, values, limits[name], share, p99)
            if past is not None and not says_nothing(past, probabilities):
                found.append(past)
                break
    return found


def _beyond(
    name: str, values: np.ndarray, limit: float, least_share: float, percentile: bool
) -> BeyondTraining | None:
    """The scored customers past `limit`, when at least `least_share` of them are."""
    limit = float(limit)
    past = values > limit
    count = int(past.sum())
    if not count or count < least_share * len(values):
        return None
    highest = float(values[past].max())
    return BeyondTraining(name, count, highest, limit, past, len(values), percentile)


AT_BOUND = 0.995
"""A probability's 99th percentile from here on reads "over 99%" in its reasons: past it
there is no room left to learn from."""


def read_as_probability(specs: Sequence[FeatureSpec]) -> frozenset[str]:
    """The features whose reasons read them as a probability or a share (`!p`): bounded
    at 1."""
    return frozenset(s.name for s in specs if s.reason and f"{{{s.name}!p" in s.reason)


def says_nothing(past: BeyondTraining, probabilities: Collection[str] = ()) -> bool:
    """Whether a finding's note would show no difference: its highest scored value prints
    as the limit, or a probability's 99th percentile is at its bound (Chinook's
    p_alive_bgnbd read "its 99th percentile 0.9999; up to 0.9999 here")."""
    if plain_number(past.highest_scored) == plain_number(past.training_limit):
        return True
    return past.percentile and past.feature in probabilities and past.training_limit >= AT_BOUND


_GROWS_WITH_AGE = re.compile(r"_total$")
"""Features that only grow as the data age: lifetime totals (a customer's age is no
`training_p99` feature: `training.package._percentile_99`); not a pace against the
lifetime (`purchase_pace_3m_vs_history`), a ratio that does not grow."""


def beyond_note(past: BeyondTraining, who: str) -> str:
    """The note on customers past training, for `churn score` and a live response alike;
    `who`: how many, or which."""
    if past.percentile:
        return (
            f"{who} ({_share(past):.0%} of those scored) have {past.feature} above 99% of the "
            f"training rows (its 99th percentile {plain_number(past.training_limit)}; up to "
            f"{plain_number(past.highest_scored)} here): the model learned from few customers "
            "like them, so weigh reasons naming it lightly"
            + (
                "; lifetime totals grow with the data's age past what the earlier training "
                "cutoffs held"
                if _GROWS_WITH_AGE.search(past.feature)
                else ""
            )
        )
    return (
        f"{who} have {past.feature} above the highest the model trained on "
        f"({plain_number(past.highest_scored)} against {plain_number(past.training_limit)}): "
        "it reads them as "
        "that, not later, so their risk may be understated; a model trained on later cutoffs "
        "or longer history learns them"
    )


def _share(past: BeyondTraining) -> float:
    return past.customers / past.scored if past.scored else 1.0


P99_NOTES_APART = 3
"""Up to this many features past the training rows' 99th percentile get a note each;
more are said in one (`past_p99_note`)."""
P99_NAMED = 3
"""The features one such note details; the rest it names."""


def beyond_training_notes(pasts: Sequence[BeyondTraining]) -> list[str]:
    """`churn score`'s notes on `beyond_training`'s findings: one per feature past the
    highest risky value, and one per feature past the 99th percentile unless there are
    more than `P99_NOTES_APART` of those, said together (`past_p99_note`)."""
    p99 = [past for past in pasts if past.percentile]
    together = len(p99) > P99_NOTES_APART
    apart = [past for past in pasts if not (together and past.percentile)]
    notes = [beyond_note(past, f"{past.customers:,} customers") for past in apart]
    return [*notes, past_p99_note(p99)] if together else notes


def past_p99_note(pasts: Sequence[BeyondTraining]) -> str:
    """One note on many features past the training rows' 99th percentile (most customers
    first): RavenStack's `churn score` printed 18 notes of two lines each, one per
    feature, and the caveats below them went unread."""
    detailed = ", ".join(
        f"{p.feature} ({p.customers:,} customers, {_share(p):.0%}; its "
        f"99th percentile {plain_number(p.training_limit)}, up to "
        f"{plain_number(p.highest_scored)} here)"
        for p in pasts[:P99_NAMED]
    )
    rest = [p.feature for p in pasts[P99_NAMED:]]
    more = f", and {len(rest)} more ({', '.join(rest)})" if rest else ""
    grows = [p.feature for p in pasts if _GROWS_WITH_AGE.search(p.feature)]
    aging = (
        f"; lifetime totals ({', '.join(grows)}) grow with the data's age past what the "
        "earlier training cutoffs held"
        if grows
        else ""
    )
    return (
        f"on {len(pasts)} features many scored customers lie above 99% of the training "
        f"rows: {detailed}{more}. The model learned from few customers like them, so weigh "
        f"reasons naming these lightly{aging}"
    )


@dataclass(frozen=True)
class FilledBlanks:
    """Scored customers blank in a numeric attribute no training row had blank: scored at
    its training median (`ChurnModel.median_fills`), and no reason names the cell."""

    feature: str
    customers: int
    median: float
    rows: np.ndarray = field(compare=False, repr=False)
    """Which of the scored rows (a live response names their customers)."""


def filled_at_median(fills: Mapping[str, float], features: Mapping[str, Any]) -> list[FilledBlanks]:
    """The `fills` attributes some scored customers (`features`: a batch's frame, or a
    live request's columns) hold blank, most customers first: QA blanked 'Total day
    minutes' in 60 rows of a telecom extract, which before scored them at whatever
    XGBoost's default branch was (mean probability 0.142 -> 0.527) without a word."""
    found = [
        FilledBlanks(name, int(blank.sum()), fills[name], blank)
        for name, blank in filled_blanks(features, fills).items()
    ]
    return sorted(found, key=lambda f: -f.customers)


def filled_note(filled: FilledBlanks, who: str) -> str:
    """The note on customers scored at a median, for `churn score` and a live response
    alike; `who`: how many, or which."""
    return (
        f"{who} have no '{filled.feature}', which every training row had: scored at its "
        f"training median {plain_number(filled.median)}"
    )


FILLS_NAMED = 3
"""Attributes one note on several scored at their medians names before "and N more"."""


def filled_notes(lacking: Sequence[FilledBlanks], who: str) -> str:
    """`filled_note` of several attributes the same customers lack, in one note."""
    named = ", ".join(f"'{f.feature}' ({plain_number(f.median)})" for f in lacking[:FILLS_NAMED])
    more = f" and {len(lacking) - FILLS_NAMED} more" if len(lacking) > FILLS_NAMED else ""
    return (
        f"{who} have none of {len(lacking)} attributes every training row had: scored at "
        f"their training medians, {named}{more}"
    )


@dataclass(frozen=True)
class UnseenLevels:
    """Scored customers holding a categorical attribute's level the model never trained
    on (read as unknown, as the model reads a blank)."""

    feature: str
    customers: int
    examples: list[str]
    derived: bool = False
    """A feature the tool derives (the lifecycle stage), not a level an extract writes:
    no training cutoff held anyone in it (on 18 months of CDNOW all customers started in
    the first quarter, and none was a year old, "long-term", by the last training
    cutoff), so the extract is not to blame."""


def unseen_levels(
    levels: Mapping[str, Sequence[str]],
    features: pd.DataFrame,
    *,
    derived: Collection[str] = (),
) -> list[UnseenLevels]:
    """Categorical features on which at least `BEYOND_SHARE` of the scored customers hold
    a level training never saw: a holdout writing '2 - High' for the trained '2-High' was
    scored as if every credit rating were blank, without a word. `derived`: the features
    the tool computes (not attributes read from the data)."""
    found = []
    for name, outside in unknown_levels(features, levels).items():
        count = int(outside.sum())
        if count >= BEYOND_SHARE * len(features):
            common = features.loc[outside, name].astype(str).value_counts().index[:3].tolist()
            found.append(UnseenLevels(name, count, common, derived=name in derived))
    return sorted(found, key=lambda u: -u.customers)


CATEGORY_READINGS = {
    "category_breadth_": "a category of its own in the breadth",
    "consumables_share_": "no consumable",
}
"""How each feature family that reads a purchase's category, by its names' beginning,
reads a category the model's data never held."""


def category_reading(names: Sequence[str]) -> str | None:
    """How the model's features (`names`) read a category its data never held; None
    where none reads categories."""
    read = [w for start, w in CATEGORY_READINGS.items() if any(n.startswith(start) for n in names)]
    return " and as ".join(read) or None


def unseen_categories_note(
    info: Mapping[str, Any],
    names: Sequence[str],
    tables: Tables,
    features: pd.DataFrame,
    cutoff: pd.Timestamp,
) -> str | None:
    """The scored customers who bought, by the cutoff, in categories the model's data
    never held (`info["categories"]`, `training.package.transaction_categories`): a later
    extract's new product line is scored as categories of their own, as a live request's
    is noted (`serving.live_notes.unseen_category_notes`). None where the model keeps no
    categories or not all of them by name (a rarer one is no new one), or its features
    read none."""
    known, read = info.get("categories"), category_reading(names)
    lines = tables.transactions
    if not known or known["rarer"] or read is None or lines is None or "category" not in lines:
        return None
    category = pd.Series(np.asarray(lines["category"], dtype=object))
    timestamp = pd.Series(np.asarray(lines["timestamp"], dtype="datetime64[ns]"))
    customer = pd.Series(np.asarray(lines["customer_id"], dtype=object))
    new = (
        category.notna()
        & ~category.astype(str).isin(known["levels"])
        & (timestamp <= cutoff)
        & customer.isin(features["customer_id"])
    )
    if not new.any():
        return None
    who = int(customer[new].nunique())
    shown = category[new].astype(str).value_counts().index[:5].tolist()
    listed = ", ".join(map(repr, shown)) + (", ..." if category[new].nunique() > 5 else "")
    return (
        f"{who:,} customers bought in categories the model's data never held ({listed}): "
        f"each is read as {read}; retrain on data that holds them for the model to learn "
        "them"
    )


def _tidy(amount: float) -> float:
    """An amount without float noise (24606.257999999998 -> 24606.258): 12 significant
    digits, more than any currency needs; NaN and None pass."""
    return float(f"{amount:.12g}") if isinstance(amount, float) else amount


def records(
    features: Mapping[str, Any],
    ranked: Mapping[str, np.ndarray],
    reasons: list[list[Reason]],
    segments: list[str],
    margins: np.ndarray | None = None,
) -> Iterator[dict[str, Any]]:
    """Store rows, one per customer, produced lazily while the store writes; with the
    booster's `margins` where given (a batch's: its ties of probability follow them)."""
    by_segment = {
        name: (
            segment_texts(features[name]) if name in features else derived_segment(name, features)
        ).tolist()
        for name in segments
    }
    ids = np.asarray(features["customer_id"], dtype=object)
    ranks = zip(*(ranked[k].tolist() for k in RANKED), strict=True)
    for i, (probability, band, value, value_at_risk, tier) in enumerate(ranks):
        yield {
            "customer_id": ids[i],
            "probability": probability,
            "band": band,
            "value": _tidy(value),
            "value_at_risk": _tidy(value_at_risk),
            "tier": tier,
            "reasons": [reason.as_dict() for reason in reasons[i]],
            "segments": {name: texts[i] for name, texts in by_segment.items()},
        } | ({} if margins is None else {"margin": float(margins[i])})
