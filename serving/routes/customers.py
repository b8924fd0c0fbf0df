"""Stored scores: one customer, and the worklist (paged, filtered)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import StringConstraints

from serving.deps import EngineDep, HolderDep, MetricsDep, SettingsDep
from serving.queries import SEGMENT, WorklistQuery, customer_score, segment_pair, worklist_page
from serving.schemas import (
    Band,
    ErrorOut,
    ModelJSONResponse,
    Sort,
    StoredScoreOut,
    Tier,
    WorklistOut,
)

router = APIRouter(prefix="/v1/customers", tags=["customers"])
NOT_FOUND = {404: {"model": ErrorOut, "description": "No stored score for this customer."}}


@router.get("/{customer_id:path}", response_model=StoredScoreOut, responses=NOT_FOUND)
def get_customer(
    customer_id: Annotated[
        str, Path(min_length=1, max_length=128, description="May hold '/' (base64-style ids).")
    ],
    engine: EngineDep,
    metrics: MetricsDep,
    settings: SettingsDep,
) -> ModelJSONResponse:
    """The customer's latest stored score with reasons, band, value at risk and tier."""
    stored = customer_score(engine, customer_id, model_name=settings.model_name)
    found = StoredScoreOut.model_validate(stored)
    metrics.observe_scores([found.probability])
    return ModelJSONResponse(found)


@router.get("", response_model=WorklistOut, responses={409: {"model": ErrorOut}})
def list_customers(
    engine: EngineDep,
    settings: SettingsDep,
    holder: HolderDep,
    band: Band | None = None,
    tier: Tier | None = None,
    segment: Annotated[
        list[Annotated[str, StringConstraints(pattern=SEGMENT.pattern)]] | None,
        Query(
            description="name:value or name=value, e.g. region:north (name: for a blank); "
            "repeated, customers holding every one"
        ),
    ] = None,
    sort: Sort = "value_at_risk",
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> ModelJSONResponse:
    """The worklist of the latest batch, highest first; page on with `next_cursor`.
    `sort=probability_change` lists whose risk rose most since the previous batch first
    (customers new since then last)."""
    pairs = tuple(pair for text in segment or () if (pair := segment_pair(text)) is not None)
    served = holder.current.version if holder.current is not None else None
    query = WorklistQuery(band, tier, pairs, sort, limit, cursor, settings.model_name, served)
    return ModelJSONResponse(WorklistOut.model_validate(vars(worklist_page(engine, query))))
