"""Is the API ready to serve: a model loaded and the score store reachable."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from serving.schemas import ReadyOut
from serving.scorer import ModelHolder

log = logging.getLogger(__name__)


def store_reachable(engine: Engine) -> str | None:
    """None when the store answers a trivial query, else why not (no credentials)."""
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:
        log.warning("score store unreachable: %s", type(exc).__name__)
        return f"score store unreachable ({type(exc).__name__})"
    return None


def readiness(holder: ModelHolder, engine: Engine) -> ReadyOut:
    """Both checks, with the first failing reason; a refused reload alone is not fatal."""
    store_problem = store_reachable(engine)
    model = holder.current
    reasons = [
        None if model else (holder.error or "no model loaded yet"),
        store_problem,
    ]
    reason = next((r for r in reasons if r), None)
    return ReadyOut(
        ready=reason is None,
        model_version=model.version if model else None,
        store=store_problem is None,
        reason=reason,
        last_reload_error=holder.error,
    )
