"""Live scoring: raw histories in, churn risk with reasons out (nothing is stored)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from serving.deps import LiveDep, ModelDep
from serving.schemas import MAX_CUSTOMERS, MAX_ROWS, ErrorOut, ScoreOut

router = APIRouter(prefix="/v1", tags=["score"])
ERRORS = {
    422: {
        "model": ErrorOut,
        "description": "Invalid body, a customer not known at the cutoff, or a numeric "
        "attribute that is no number.",
    },
    503: {"model": ErrorOut, "description": "No model loaded yet."},
}


BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ScoreIn"}}},
    }
}
"""The body is documented, not declared: see `score`. (`app.py` adds `ScoreIn`'s schemas
to the components.)"""


@router.post(
    "/score",
    response_model=ScoreOut,
    responses=ERRORS,
    openapi_extra=BODY,
    description=(
        "Score up to "
        f"{MAX_CUSTOMERS} customers from their raw histories (at most {MAX_ROWS:,} activity "
        "rows each), with the served model, as of `cutoff` (default: the later of the "
        "latest posted timestamp and the last day of the model's training data, else the "
        "model data's as_of; rows after the cutoff are ignored). "
        "Columns use the CANONICAL names "
        "(customer_id, signup_date, value, attributes; transactions: timestamp, amount, category, "
        "discount, order_id; interactions: timestamp, type, resolved_at, satisfaction, "
        "recorded_at; events: timestamp, type, quantity), not your files' names. Interaction "
        "types: complaint, ticket, billing_error, call, survey, other, or your raw labels "
        "that the model's config maps onto them (anything else is 'other'). Every customer "
        "must be known at the cutoff, as in the batch: signed up by "
        "then, or with a purchase or usage event by then (one dated before the signup "
        "counts); a "
        "labelled-snapshot model knows every customer (else 422). Items "
        "have the shape of GET /v1/customers/{id}; `tier` places each customer among the "
        "customers of the model's last training cutoff (null only for a model packaged "
        "without them when fewer than 20 customers are posted), and `population` says whose "
        "means the reasons compare with."
    ),
)
async def score(request: Request, loaded: ModelDep, live: LiveDep) -> Response:
    """Score posted histories now: same features and model as the batch. Requests that
    arrive while another is scored are scored together with it (serving/coalesce.py), in
    the shared scoring process when the server has one (serving/dispatch.py).

    The body (`ScoreIn`) is validated where it is scored: a request sent on to the
    scoring process is validated there, once, so the worker takes it as bytes (its
    validation was a fifth of the worker's CPU per request)."""
    return await live.respond(await request.body(), loaded)
