"""The FastAPI app: `create_app()` builds it; the lifespan loads the model and the store.

Importing this module loads nothing. On startup the lifespan opens the score store,
loads the champion once (a failure leaves the app up but not ready, with the reason in
`/ready`) and starts a poller that follows the `champion` alias every
`CHURN_RELOAD_SECONDS`; see `serving/scorer.py` for the swap and refusal rules.
Run it with `churn serve` (uvicorn with `create_app` as factory).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import Depends, FastAPI
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool

from serving import errors, store
from serving.coalesce import Coalescer
from serving.deps import require_api_key
from serving.dispatch import LiveScoring
from serving.example import scored_example
from serving.metrics import Metrics, RequestMetrics
from serving.routes import customers, model, ops, score
from serving.schemas import ScoreIn
from serving.scorer import Loaded, ModelHolder
from serving.scoring_client import ScoringClient
from serving.settings import Settings

log = logging.getLogger(__name__)


async def check_and_report(holder: ModelHolder, metrics: Metrics) -> bool:
    """One alias check off the event loop; the metrics follow the served version."""
    swapped = await run_in_threadpool(holder.check)
    if swapped and holder.current is not None:
        metrics.serving(holder.current.name, holder.current.version)
    return swapped


async def poll(holder: ModelHolder, metrics: Metrics, seconds: float) -> None:
    """Follow the alias forever; one failed check never stops the poller."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await check_and_report(holder, metrics)
        except Exception:  # check() does not raise; this guards the metrics update
            log.exception("model reload check failed")


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the store, load the champion, poll the alias; undo it all on shutdown."""
    settings: Settings = app.state.settings
    app.state.engine = store.connect(settings.database_url)
    app.state.holder = ModelHolder.from_registry(settings.model_name, settings.tracking_uri)
    await check_and_report(app.state.holder, app.state.metrics)
    poller = asyncio.create_task(poll(app.state.holder, app.state.metrics, settings.reload_seconds))
    try:
        yield
    finally:
        poller.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await poller
        await app.state.live.close()
        app.state.engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new app; settings from the environment unless given (tests pass their own)."""
    app = FastAPI(
        title="Churn Radar",
        summary="Churn risk per customer, with reasons in plain words and value at risk.",
        version="1",
        lifespan=lifespan,
    )
    app.state.settings = settings or Settings()
    app.state.metrics = Metrics()
    socket = app.state.settings.scoring_socket
    app.state.live = LiveScoring(
        coalescer=Coalescer(on_batch=app.state.metrics.live_batch.observe),
        metrics=app.state.metrics,
        scoring=ScoringClient(socket) if socket else None,
    )
    app.add_middleware(RequestMetrics, metrics=app.state.metrics)
    errors.install(app)
    secured = [Depends(require_api_key)]
    app.include_router(customers.router, dependencies=secured)
    app.include_router(model.router, dependencies=secured)
    app.include_router(score.router, dependencies=secured)
    app.include_router(ops.router)
    document_bodies(app, ScoreIn)
    return app


def document_bodies(app: FastAPI, *models: type[BaseModel]) -> None:
    """Put `models`' schemas in the OpenAPI components: for routes that read their body
    as bytes and reference its schema (`routes/score.py`). The live route's example is
    the served model's (`serving/example.py`), so the spec is built again when the
    served version changes."""
    generate = app.openapi
    built_for: list[str | None] = [None]

    def openapi() -> dict:
        loaded = getattr(getattr(app.state, "holder", None), "current", None)
        version = None if loaded is None else loaded.version
        if app.openapi_schema is None or built_for[0] != version:
            app.openapi_schema = None
            spec = generate()
            _, found = models_json_schema(
                [(model, "validation") for model in models],
                ref_template="#/components/schemas/{model}",
            )
            spec.setdefault("components", {}).setdefault("schemas", {}).update(found["$defs"])
            if loaded is not None:
                with_example(spec, loaded)
            if (engine := getattr(app.state, "engine", None)) is not None:
                with_customer_example(spec, engine, app.state.settings.model_name)
            built_for[0] = version
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def with_example(spec: dict, loaded: Loaded) -> None:
    """The served model's own example body on `POST /v1/score` ("Try it out" in /docs),
    when it scores; else the spec's fixed one stays."""
    example = scored_example(loaded)
    if example is None:
        return
    body = spec["paths"]["/v1/score"]["post"]["requestBody"]["content"]["application/json"]
    body["example"] = example
    spec["components"]["schemas"]["ScoreIn"]["examples"] = [example]


def with_customer_example(spec: dict, engine: Engine, model_name: str | None) -> None:
    """The first customer of the latest worklist as the lookup's example id, so "Try it
    out" on `GET /v1/customers/{customer_id}` answers 200 (read when the spec is built,
    once per served version: a later batch may have let them go)."""
    try:
        batch = store.latest_batch(engine, model_name=model_name)
        rows = [] if batch is None else store.worklist(engine, limit=1, batch_id=batch["id"])
    except Exception as error:  # documentation: a store down must not fail /docs
        log.warning("no /docs example id: %s", error)
        return
    if not rows:
        return
    for parameter in spec["paths"]["/v1/customers/{customer_id}"]["get"]["parameters"]:
        if parameter["name"] == "customer_id":
            parameter["example"] = rows[0]["customer_id"]
