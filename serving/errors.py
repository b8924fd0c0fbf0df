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

from serving.live_checks import UnscorableError
from serving.queries import (
    BadCursorError,
    NoScoresError,
    StaleCursorError,
    UnknownSegmentError,
)

log = logging.getLogger(__name__)


def _error(
    code: int, detail: str, errors: list[dict[str, str]] | None = None, **kw
) -> JSONResponse:
    return JSONResponse({"detail": detail, "errors": errors or []}, status_code=code, **kw)


def _field(location: tuple) -> str:
    """('query', 'limit') -> 'query.limit'; ('body', 'customers', 0, 'id') -> likewise."""
    return ".".join(str(part) for part in location)


MAX_ERRORS = 20
"""Errors listed in a 422: a history of a thousand lines in the wrong date format is one
mistake, not a thousand paragraphs."""


def invalid(errors: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The 422 body (`ErrorOut`) for pydantic's errors, locations as FastAPI gives them
    (`('body', 'customers', 0, ...)`), each with the value it got; at most `MAX_ERRORS`
    listed. The scoring process answers with it too."""
    fields = [{"field": _field(e["loc"]), "message": _message(e)} for e in errors[:MAX_ERRORS]]
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in fields[:3])
    if len(errors) > len(fields):
        summary += f" ({len(errors):,} errors in all; the first {len(fields)} are listed)"
    return {"detail": f"invalid request: {summary}", "errors": fields}


def _message(error: Mapping[str, Any]) -> str:
    """pydantic's message, with the value it got (a scalar; cut short) and, for a time,
    the format that reads."""
    message = error["msg"]
    given = error.get("input")
    if isinstance(given, str | int | float) and not isinstance(given, bool):
        message += f" (got {str(given)[:40]!r})"
    if error.get("type", "").startswith(("datetime_", "date_")):
        message += "; use ISO 8601, e.g. 2024-06-30 or 2024-06-30T10:15:00"
    return message


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
    app.add_exception_handler(UnknownSegmentError, _mapped(422))
    app.add_exception_handler(UnscorableError, _mapped(422))
    app.add_exception_handler(StaleCursorError, _mapped(status.HTTP_409_CONFLICT))
    app.add_exception_handler(Exception, on_unexpected)
