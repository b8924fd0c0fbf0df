"""Every error as JSON with a human message (`ErrorOut`); malformed input is a 422 that
names the field, and an unexpected failure is a logged 500 that leaks nothing."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from serving.live import NotKnownAtCutoffError
from serving.queries import BadCursorError, NoScoresError, StaleCursorError

log = logging.getLogger(__name__)


def _error(
    code: int, detail: str, errors: list[dict[str, str]] | None = None, **kw
) -> JSONResponse:
    return JSONResponse({"detail": detail, "errors": errors or []}, status_code=code, **kw)


def _field(location: tuple) -> str:
    """('query', 'limit') -> 'query.limit'; ('body', 'customers', 0, 'id') -> likewise."""
    return ".".join(str(part) for part in location)


async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [{"field": _field(e["loc"]), "message": e["msg"]} for e in exc.errors()]
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:3])
    return _error(422, f"invalid request: {summary}", errors)


async def on_http(request: Request, exc: HTTPException) -> JSONResponse:
    return _error(exc.status_code, str(exc.detail), headers=exc.headers)


def _mapped(code: int):
    async def handler(request: Request, exc: Exception) -> JSONResponse:
        return _error(code, str(exc))

    return handler


async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _error(status.HTTP_500_INTERNAL_SERVER_ERROR, "internal error; see the server log")


def install(app: FastAPI) -> None:
    """Register the handlers on the app."""
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(NoScoresError, _mapped(status.HTTP_404_NOT_FOUND))
    app.add_exception_handler(BadCursorError, _mapped(422))
    app.add_exception_handler(NotKnownAtCutoffError, _mapped(422))
    app.add_exception_handler(StaleCursorError, _mapped(status.HTTP_409_CONFLICT))
    app.add_exception_handler(Exception, on_unexpected)
