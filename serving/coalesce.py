"""Coalescing concurrent live-score requests into one scoring run (dynamic batching).

Building features from raw history has a fixed cost per run whatever the number of
customers (a few ms of small array steps), and each further customer adds a fraction of a
millisecond. So requests that arrive while one run is being scored wait for it and are then
scored *together* in the next run, and each gets its own response cut from the shared
result (`live.respond`). A lone request is scored at once: nothing waits to fill a batch.

Requests are merged only when that cannot change an answer: same served model (a hot
swap between them splits the batch), same cutoff, no customer id in two of them, at
most `max_customers` in all, and reason means from the model's training population (a
model without stored means compares reasons with the posted customers, so its requests
are scored alone).

`Coalescer` keeps the queue on the event loop (no locks: only the loop thread touches it)
and scores runs one at a time on one thread of the process, so a waiting request holds no
thread and the loop keeps reading new requests while a run is scored. The shared scoring
process of a multi-worker server (`serving/scoring_process.py`) queues `Job`s of its own
and forms runs with the same `take`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Self, TypeVar

from serving.live import respond, score_customers
from serving.live_checks import checked_cutoff
from serving.schemas import MAX_CUSTOMERS, ScoreIn
from serving.scorer import Loaded


@dataclass(eq=False)
class Job:
    """One live request waiting to be scored, with what decides whom it may join."""

    request: ScoreIn
    cutoff: dt.date
    loaded: Loaded
    ids: frozenset[str]

    @classmethod
    def checked(cls, request: ScoreIn, loaded: Loaded, **extra: Any) -> Self:
        """The job; UnscorableError first, so a bad request fails alone."""
        ids = frozenset(c.customer_id for c in request.customers)
        return cls(request, checked_cutoff(request, loaded.model), loaded, ids, **extra)

    @property
    def mergeable(self) -> bool:
        means = self.loaded.model.info.get("population_means")
        return isinstance(means, Mapping) and bool(means)


J = TypeVar("J", bound=Job)


def take(
    queue: deque[J], max_customers: int, wanted: Callable[[J], bool] = lambda job: True
) -> list[J]:
    """Remove and return the first queued job and those that can be scored with it (see
    the module docstring); `wanted` says whether a job still needs an answer."""
    first = queue.popleft()
    batch, seen, size = [first], set(first.ids), len(first.ids)
    if first.mergeable:
        for job in list(queue):
            if (
                wanted(job)
                and job.loaded is first.loaded
                and job.cutoff == first.cutoff
                and seen.isdisjoint(job.ids)
                and size + len(job.ids) <= max_customers
            ):
                queue.remove(job)
                batch.append(job)
                seen |= job.ids
                size += len(job.ids)
    return batch


def answers(batch: Sequence[Job]) -> list[dict[str, Any]]:
    """Score the batch's customers in one run; one response per request (`ScoreOut`)."""
    first = batch[0]
    customers = [c for job in batch for c in job.request.customers]
    scored = score_customers(customers, first.cutoff, first.loaded)
    return [respond(job.request, job.cutoff, scored, job.loaded) for job in batch]


@dataclass(eq=False)
class _Pending(Job):
    answer: asyncio.Future = field(kw_only=True)


@dataclass
class Coalescer:
    """Scores live requests, merging the ones that arrive while another is scored."""

    max_customers: int = MAX_CUSTOMERS
    on_batch: Callable[[int], None] | None = None
    """Told each run's number of requests (the app feeds a Prometheus histogram)."""
    _queue: deque[_Pending] = field(default_factory=deque)
    _running: bool = False
    _thread: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="churn-score")
    )

    async def score(self, request: ScoreIn, loaded: Loaded) -> dict[str, Any]:
        """The response for `request` (shape of `ScoreOut`), once its run is scored."""
        loop = asyncio.get_running_loop()
        job = _Pending.checked(request, loaded, answer=loop.create_future())
        self._queue.append(job)
        if not self._running:
            self._start_next(loop)
        return await job.answer

    def close(self) -> None:
        """Stop the scoring thread once the run in progress (if any) is done."""
        self._thread.shutdown(wait=False, cancel_futures=True)

    def _start_next(self, loop: asyncio.AbstractEventLoop) -> None:
        """Score the next batch from the front of the queue, if there is one."""
        while self._queue and self._queue[0].answer.done():  # its client went away
            self._queue.popleft()
        self._running = bool(self._queue)
        if not self._running:
            return
        batch = take(self._queue, self.max_customers, lambda job: not job.answer.done())
        run = loop.run_in_executor(self._thread, answers, batch)
        run.add_done_callback(lambda finished: self._settle(batch, finished, loop))

    def _settle(
        self, batch: list[_Pending], finished: asyncio.Future, loop: asyncio.AbstractEventLoop
    ) -> None:
        """Every request of the run hears its answer or the run's error; then the next."""
        error = finished.exception() if not finished.cancelled() else asyncio.CancelledError()
        answers = finished.result() if error is None else [None] * len(batch)
        for job, answer in zip(batch, answers, strict=True):
            if job.answer.done():
                continue
            if error is not None:
                job.answer.set_exception(error)
            else:
                job.answer.set_result(answer)
        if self.on_batch is not None:
            self.on_batch(len(batch))
        self._start_next(loop)
