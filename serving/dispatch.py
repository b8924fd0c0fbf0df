"""Where a live request is scored: this worker's own coalescer, or the shared scoring
process when the server has one and this worker is busy.

The hop to the process costs a lone request latency (another validation, two socket
passes, two wake-ups) and buys nothing: there is nobody to batch it with. So a request
that finds none of this worker's other live requests in flight is scored here, and only
requests that arrive while others are in flight go to the process, where all workers'
concurrent requests are scored together. A worker that has just seen concurrency counts
as busy for a moment (`busy_s`), so under load a request that happens to arrive alone
still goes to the process; so does a request of a worker whose other connections are
idle while other workers keep the process running (`RunClock`: the kernel may well give
one worker a single busy client). A lone client never waits for the hop. Both answer alike
(the process runs the same `coalesce.take` and `live` code); the process's answer
arrives as finished JSON, so the worker only passes it on. The worker reads the body
as bytes and validates it only when it scores it itself; the process validates what it
is sent, and answers a 422 in the same shape. When the process cannot
answer, the worker scores the request itself.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from fastapi import Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from serving.coalesce import Coalescer
from serving.errors import invalid_body
from serving.metrics import Metrics
from serving.schemas import ModelJSONResponse, ScoreIn, ScoreOut
from serving.scorer import Loaded
from serving.scoring_client import ScoringClient, ScoringUnavailableError
from serving.scoring_wire import Answer

log = logging.getLogger(__name__)


@dataclass
class LiveScoring:
    """A worker's way to score `POST /v1/score` bodies (one per app, on `app.state`)."""

    coalescer: Coalescer
    metrics: Metrics
    scoring: ScoringClient | None = None
    """The shared scoring process, when `churn serve` started one."""
    alone_here: int = 1
    """Requests that find fewer than this many others in flight are scored here (see
    the module docstring); 0 sends every request to the process."""
    busy_s: float = 0.05
    """After a request found others in flight, or after the process last started a run,
    the worker counts as busy this long: under load, a request that happens to arrive
    alone still goes where the batching is."""
    _in_flight: int = 0
    _busy_until: float = 0.0
    _degraded: bool = False

    async def respond(self, raw: bytes, loaded: Loaded) -> Response:
        """The response to one request body as posted; validated where it is scored (a 422
        naming the field, in the same shape from here and from the process)."""
        now = time.monotonic()
        if self._in_flight >= self.alone_here:
            self._busy_until = now + self.busy_s
        busy = now < self._busy_until or (
            self.scoring is not None and self.scoring.ran_within(self.busy_s)
        )
        self._in_flight += 1
        try:
            if self.scoring is not None and busy:
                try:
                    answer = await self.scoring.score(raw)
                except ScoringUnavailableError as error:
                    self._tell(degraded=True, why=str(error))
                else:
                    self._tell(degraded=False)
                    return self._passed_on(answer)
            try:
                body = ScoreIn.model_validate_json(raw)
            except ValidationError as error:
                return JSONResponse(invalid_body(error), status_code=422)
            scored = ScoreOut.model_validate(await self.coalescer.score(body, loaded))
        finally:
            self._in_flight -= 1
        self.metrics.live_scored.labels(where="worker").inc()
        self.metrics.observe_scores([item.probability for item in scored.items])
        return ModelJSONResponse(scored)

    async def close(self) -> None:
        self.coalescer.close()
        if self.scoring is not None:
            await self.scoring.close()

    def _passed_on(self, answer: Answer) -> Response:
        if answer.status != 200:  # an ErrorOut already
            return Response(answer.content, answer.status, media_type="application/json")
        self.metrics.live_scored.labels(where="process").inc()
        if answer.run_requests:
            self.metrics.live_batch.observe(answer.run_requests)
        self.metrics.observe_scores(answer.probabilities)
        return Response(answer.content, media_type="application/json")

    def _tell(self, *, degraded: bool, why: str = "") -> None:
        """Log when scoring moves into the worker and back (not once per request)."""
        if degraded and not self._degraded:
            log.warning("%s; scoring live requests in this worker until it is back", why)
        elif not degraded and self._degraded:
            log.warning("the scoring process answers again")
        self._degraded = degraded
