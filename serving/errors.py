"""Every error as JSON with a human message (`ErrorOut`); malformed input is a 422 that
names the field, and an unexpected failure is a logged 500 that leaks nothing."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from serving.live import UnscorableError
from serving.queries import BadCursorError, NoScoresError, StaleCursorError

log = logging.getLogger(__name__)


def _error(
    code: int, detail: str, errors: list[dict[str, str]] | None = None, **kw
) -> JSONResponse:
    return JSONResponse({"detail": detail, "errors": errors or []}, status_code=code, **kw)


def _field(location: tuple) -> str:
    """('query', 'limit') -> 'query.limit'; ('body', 'customers', 0, 'id') -> likewise."""
    return ".".join(str(part) for part in location)


def invalid(errors: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The 422 body (`ErrorOut`) for pydantic's errors, locations as FastAPI gives them
    (`('body', 'customers', 0, ...)`); the scoring process answers with it too."""
    fields = [{"field": _field(e["loc"]), "message": e["msg"]} for e in errors]
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in fields[:3])
    return {"detail": f"invalid request: {summary}", "errors": fields}


def invalid_body(error: ValidationError) -> dict[str, Any]:
    """`invalid` for a request body validated by hand (`Model.model_validate_json`)."""
    return invalid([{**e, "loc": ("body", *e["loc"])} for e in error.errors()])


async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse(invalid(exc.errors()), status_code=422)


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
    app.add_exception_handler(UnscorableError, _mapped(422))
    app.add_exception_handler(StaleCursorError, _mapped(status.HTTP_409_CONFLICT))
    app.add_exception_handler(Exception, on_unexpected)
