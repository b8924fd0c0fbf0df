"""The model the API serves, and how it is swapped when the `champion` alias moves.

`ModelHolder.check()` resolves the alias (cheap) and loads only when the version differs
from the one served. A candidate must load *and* pass a smoke prediction before it
replaces the current model; otherwise it is refused, the current model keeps serving and
the reason is kept in `error` for `/ready`, `/v1/model` and the log. A refused version is
not retried on every poll: only a new alias target (or a restart) is tried again.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

import mlflow
from churn.model import ChurnModel
from features.registry import retired_in
from mlflow import MlflowClient
from serving.batch import CHAMPION
from serving.caveats import Caveats, caveats_of
from serving.ranking import bands_said, rules_for
from serving.reasons import Explainer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    """One loaded model version with the facts /v1/model reports."""

    model: ChurnModel
    name: str
    version: str
    run_id: str | None = None
    example: pd.DataFrame | None = None
    """The input example logged with the model: the smoke test scores it."""
    loaded_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    version_tags: Mapping[str, str] = field(default_factory=dict)
    """The registry's tags of the version: how it was promoted (`serving/caveats.py`)."""

    @cached_property
    def explainer(self) -> Explainer:
        """The model's reasons, prepared once per loaded version (`reasons.Explainer`)."""
        return Explainer.for_model(self.model)

    @cached_property
    def caveats(self) -> Caveats:
        """What its modeller was told about it, said once per loaded version."""
        return caveats_of(self.model.info, self.version_tags)


Resolver = Callable[[], str]
"""Returns the version the alias points to now; raises when there is none."""
Loader = Callable[[str], Loaded]
"""Loads one exact version."""


def mlflow_resolver(name: str, tracking_uri: str) -> Resolver:
    """The `champion` version of `name` in the registry at `tracking_uri`."""

    def resolve() -> str:
        client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
        return str(client.get_model_version_by_alias(name, CHAMPION).version)

    return resolve


def mlflow_loader(name: str, tracking_uri: str) -> Loader:
    """Loads `models:/<name>/<version>`, unwrapped, with its run id, input example and
    version tags."""

    def load(version: str) -> Loaded:
        mlflow.set_tracking_uri(tracking_uri)
        mlflow.set_registry_uri(tracking_uri)
        pyfunc = mlflow.pyfunc.load_model(f"models:/{name}/{version}")
        tags = MlflowClient().get_model_version(name, version).tags
        try:
            example = pyfunc.input_example
        except Exception:  # an example that cannot be read only weakens the smoke test
            example = None
        return Loaded(
            model=pyfunc.unwrap_python_model(),
            name=name,
            version=str(version),
            run_id=pyfunc.metadata.run_id,
            example=example if isinstance(example, pd.DataFrame) else None,
            version_tags=dict(tags),
        )

    return load


def smoke_test(loaded: Loaded) -> None:
    """Score a few rows the way the API will; raise if anything is off.

    Rows: the logged input example, else one all-missing row in the model's own layout
    (XGBoost treats missing as missing, so a sound model still scores it); by each of a
    snapshot's fold boosters too (`churn.cross_fit`).
    """
    model = loaded.model
    retired = retired_in(model.layout.names)
    if retired is not None:  # live, the feature would reach it unknown
        raise ValueError(retired)
    rows = loaded.example
    if rows is None or rows.empty:
        rows = pd.DataFrame({name: [np.nan] for name in model.layout.names})
    rows = rows.head(5)
    probability = np.asarray(model.predict_proba(rows), dtype=np.float64)
    if probability.shape != (len(rows),) or not np.all((probability >= 0) & (probability <= 1)):
        raise ValueError(f"smoke prediction gave {probability!r}, not {len(rows)} probabilities")
    contributions = model.contributions(rows)
    if contributions.shape[0] != len(rows) or not np.isfinite(contributions).all():
        raise ValueError("smoke prediction gave non-finite reason contributions")
    for fold in range(model.cross_fit.folds if model.cross_fit is not None else 0):
        # each fold booster scores too (and is compiled now, not on a first request)
        probability, contributions = model.scores(rows, np.full(len(rows), fold, np.int8))
        if not (
            np.isfinite(contributions).all() and np.all((probability >= 0) & (probability <= 1))
        ):
            raise ValueError(f"fold model {fold} gave no probabilities or reasons of the rows")


class ModelHolder:
    """The current model, its version, and the last load error (thread-safe swaps)."""

    def __init__(
        self,
        *,
        resolve: Resolver,
        load: Loader,
        smoke: Callable[[Loaded], None] = smoke_test,
    ) -> None:
        self._resolve = resolve
        self._load = load
        self._smoke = smoke
        self._lock = threading.Lock()
        self.current: Loaded | None = None
        self.error: str | None = None
        self.refused_version: str | None = None

    @classmethod
    def from_registry(cls, name: str | None, tracking_uri: str) -> ModelHolder:
        """A holder on the registry; with no model name it only ever reports that."""
        if not name:
            return cls(resolve=_no_name, load=_no_name)
        return cls(
            resolve=mlflow_resolver(name, tracking_uri), load=mlflow_loader(name, tracking_uri)
        )

    def check(self) -> bool:
        """Follow the alias once; True when a new model now serves. Never raises."""
        with self._lock:
            try:
                version = self._resolve()
            except Exception as exc:
                return self._refuse(None, f"cannot resolve the {CHAMPION} alias: {exc}")
            if self.current is not None and self.current.version == version:
                self.error = self.refused_version = None  # back on what serves: nothing refused
                return False
            if version == self.refused_version:
                return False
            try:
                candidate = self._load(version)
                self._smoke(candidate)
            except Exception as exc:
                return self._refuse(version, f"version {version} refused: {exc}")
            return self._swap(candidate)

    def _swap(self, candidate: Loaded) -> bool:
        previous = self.current.version if self.current else None
        self.current, self.error, self.refused_version = candidate, None, None
        log.info("serving %s version %s (was %s)", candidate.name, candidate.version, previous)
        return True

    def _refuse(self, version: str | None, reason: str) -> bool:
        self.error, self.refused_version = reason, version
        serving = self.current.version if self.current else "nothing"
        log.error("%s; still serving %s", reason, serving)
        return False


def _no_name(*_: Any) -> Any:
    raise ValueError("CHURN_MODEL_NAME is not set: the API does not know which model to serve")


def model_facts(loaded: Loaded, error: str | None) -> dict[str, Any]:
    """What /v1/model reports: identity, training facts from `model.info`, features,
    caveats."""
    info = loaded.model.info
    return {
        "name": loaded.name,
        "version": loaded.version,
        "alias": CHAMPION,
        "run_id": loaded.run_id,
        "loaded_at": loaded.loaded_at,
        "training_cutoffs": [str(c) for c in info.get("training_cutoffs", [])],
        "validation_cutoff": _text(info.get("validation_cutoff")),
        "test_cutoffs": [str(c) for c in info.get("test_cutoffs", [])],
        "data_end": _text(info.get("data_end")),
        "metrics": info.get("metrics", {}),
        "bands": bands_said(rules_for(info), info),
        "features": [
            {"name": s.name, "dtype": str(s.dtype), "description": s.description}
            for s in loaded.model.specs
        ],
        "caveats": list(loaded.caveats.notes),
        "last_reload_error": error,
    }


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
