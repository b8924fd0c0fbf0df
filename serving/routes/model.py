"""The served model: identity, training facts, features and the last reload error."""

from __future__ import annotations

from fastapi import APIRouter

from serving.deps import HolderDep, ModelDep
from serving.schemas import ErrorOut, ModelOut
from serving.scorer import model_facts

router = APIRouter(prefix="/v1", tags=["model"])


@router.get("/model", response_model=ModelOut, responses={503: {"model": ErrorOut}})
async def get_model(loaded: ModelDep, holder: HolderDep) -> ModelOut:
    """Name, version, run, training cutoffs, metrics, features; why a reload was refused.
    (`async`: all in memory, so no thread-pool hop; see `routes/ops.py` health.)"""
    return ModelOut.model_validate(model_facts(loaded, holder.error))
