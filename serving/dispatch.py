"""Where a live request is scored: the shared scoring process when the server has one,
else (or whenever it cannot answer) this worker's own coalescer.

Both answer alike (the process runs the same `coalesce.take` and `live` code); the
process's answer arrives as finished JSON, so the worker only passes it on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from fastapi import HTTPException, Response

from serving.coalesce import Coalescer
from serving.metrics import Metrics
from serving.schemas import ModelJSONResponse, ScoreIn, ScoreOut
from serving.scorer import Loaded
from serving.scoring_client import ScoringClient, ScoringUnavailableError
from serving.scoring_process import Answer

log = logging.getLogger(__name__)


@dataclass
class LiveScoring:
    """A worker's way to score `POST /v1/score` bodies (one per app, on `app.state`)."""

    coalescer: Coalescer
    metrics: Metrics
    scoring: ScoringClient | None = None
    """The shared scoring process, when `churn serve` started one."""
    _degraded: bool = False

    async def respond(self, body: ScoreIn, raw: bytes, loaded: Loaded) -> Response:
        """The response to one request: `body` as validated, `raw` as posted."""
        if self.scoring is not None:
            try:
                answer = await self.scoring.score(raw)
            except ScoringUnavailableError as error:
                self._tell(degraded=True, why=str(error))
            else:
                self._tell(degraded=False)
                return self._passed_on(answer)
        scored = ScoreOut.model_validate(await self.coalescer.score(body, loaded))
        self.metrics.observe_scores([item.probability for item in scored.items])
        return ModelJSONResponse(scored)

    async def close(self) -> None:
        self.coalescer.close()
        if self.scoring is not None:
            await self.scoring.close()

    def _passed_on(self, answer: Answer) -> Response:
        if answer.status != 200:
            raise HTTPException(answer.status, answer.detail)
        if answer.run_requests:
            self.metrics.live_batch.observe(answer.run_requests)
        self.metrics.observe_scores(answer.probabilities)
        return Response(answer.content, media_type="application/json")

    def _tell(self, *, degraded: bool, why: str = "") -> None:
        """Log when scoring moves into the worker and back (not once per request)."""
        if degraded and not self._degraded:
            log.warning("%s; scoring live requests in this worker until it is back", why)
        elif not degraded and self._degraded:
            log.info("the scoring process answers again")
        self._degraded = degraded
