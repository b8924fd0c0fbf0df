"""FastAPI dependencies: what routes reach (model holder, store, metrics, auth).

Everything comes from `app.state`, set up by the lifespan in `serving/app.py`; tests
replace any of these with `app.dependency_overrides`. They are `async def` because each is
a lookup: FastAPI runs a plain `def` dependency in its thread pool, a thread hop per
dependency per request.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine

from serving.dispatch import LiveScoring
from serving.metrics import Metrics
from serving.scorer import Loaded, ModelHolder
from serving.settings import Settings


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_holder(request: Request) -> ModelHolder:
    return request.app.state.holder


async def get_engine(request: Request) -> Engine:
    return request.app.state.engine


async def get_live(request: Request) -> LiveScoring:
    return request.app.state.live


async def get_metrics(request: Request) -> Metrics:
    return request.app.state.metrics


async def current_model(holder: Annotated[ModelHolder, Depends(get_holder)]) -> Loaded:
    """The served model, or 503 with the reason when none is loaded."""
    if holder.current is None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, holder.error or "no model loaded yet"
        )
    return holder.current


API_KEY_HEADER = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="A key of CHURN_API_KEY; every /v1 route asks one when it is set.",
)
BEARER = HTTPBearer(auto_error=False, description="The same key, as a bearer token.")
"""The two ways a key is presented, as FastAPI's security schemes: `/docs` then offers
an Authorize button (read from the raw headers, a server with CHURN_API_KEY set had
answered every "Try it out" with a 401, and the page offered no way to give a key)."""


async def require_api_key(
    settings: Annotated[Settings, Depends(get_settings)],
    header: Annotated[str | None, Security(API_KEY_HEADER)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)],
) -> None:
    """401 unless auth is off or one of the configured keys is presented (constant time):
    in `X-API-Key`, else as `Authorization: Bearer <key>`."""
    keys = settings.api_keys
    if not keys:
        return
    given = header
    if not given and bearer is not None:
        given = bearer.credentials.strip()
    if given is None or not any(hmac.compare_digest(given.encode(), key.encode()) for key in keys):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing or wrong API key: send X-API-Key or Authorization: Bearer",
            headers={"WWW-Authenticate": "Bearer"},
        )


SettingsDep = Annotated[Settings, Depends(get_settings)]
HolderDep = Annotated[ModelHolder, Depends(get_holder)]
EngineDep = Annotated[Engine, Depends(get_engine)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
LiveDep = Annotated[LiveScoring, Depends(get_live)]
ModelDep = Annotated[Loaded, Depends(current_model)]
