"""Coalescing concurrent live-score requests into one scoring run (dynamic batching).

Building features from raw history has a fixed cost of ~20 ms whatever the number of
customers (hundreds of small pandas steps), and each further customer adds under 1 ms.
So when requests arrive while one is being scored, they wait for it and are then scored
*together* in one run, and each gets its own response cut from the shared result
(`live.respond`). A lone request is scored at once: nothing waits to fill a batch.

Requests are merged only when that cannot change an answer: same served model (a hot
swap between them splits the batch), same cutoff, no customer id in two of them, at
most `max_customers` in all, and reason means from the model's training population (a
model without stored means compares reasons with the posted customers, so its requests
are scored alone).

One thread scores at a time per process; it scores batches from the front of the queue
until its own request is answered, then wakes the others so the next waiting request's
thread takes over. Nobody polls and no request is left without a thread to score it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from serving.live import checked_cutoff, respond, score_customers
from serving.schemas import MAX_CUSTOMERS, ScoreIn
from serving.scorer import Loaded


@dataclass(eq=False)
class _Pending:
    request: ScoreIn
    cutoff: dt.date
    loaded: Loaded
    ids: frozenset[str]
    result: dict[str, Any] | None = None
    error: BaseException | None = None
    finished: bool = False

    @property
    def mergeable(self) -> bool:
        means = self.loaded.model.info.get("population_means")
        return isinstance(means, Mapping) and bool(means)


@dataclass
class Coalescer:
    """Scores live requests, merging the ones that arrive while another is scored."""

    max_customers: int = MAX_CUSTOMERS
    on_batch: Callable[[int], None] | None = None
    """Told each run's number of requests (the app feeds a Prometheus histogram)."""
    _queue: deque[_Pending] = field(default_factory=deque)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _busy: bool = False

    def score(self, request: ScoreIn, loaded: Loaded) -> dict[str, Any]:
        """The response for `request` (shape of `ScoreOut`); blocks until it is scored."""
        cutoff = checked_cutoff(request)  # a bad request fails alone, before queueing
        ids = frozenset(c.customer_id for c in request.customers)
        job = _Pending(request, cutoff, loaded, ids)
        with self._cond:
            self._queue.append(job)
            while not job.finished:
                if self._busy:
                    self._cond.wait()
                    continue
                self._busy = True
                batch = self._take()
                self._cond.release()
                try:
                    self._run(batch)
                finally:
                    self._cond.acquire()
                    self._busy = False
                    self._cond.notify_all()
        if job.error is not None:
            raise job.error
        assert job.result is not None
        return job.result

    def _take(self) -> list[_Pending]:
        """The first queued request and those that can be scored with it (see above)."""
        first = self._queue.popleft()
        batch, seen, size = [first], set(first.ids), len(first.ids)
        if first.mergeable:
            for job in list(self._queue):
                if (
                    job.loaded is first.loaded
                    and job.cutoff == first.cutoff
                    and seen.isdisjoint(job.ids)
                    and size + len(job.ids) <= self.max_customers
                ):
                    self._queue.remove(job)
                    batch.append(job)
                    seen |= job.ids
                    size += len(job.ids)
        return batch

    def _run(self, batch: list[_Pending]) -> None:
        """Score the batch together; every job gets its response or the error."""
        first = batch[0]
        try:
            customers = [c for job in batch for c in job.request.customers]
            scored = score_customers(customers, first.cutoff, first.loaded)
            for job in batch:
                job.result = respond(job.request, job.cutoff, scored, job.loaded)
        except Exception as error:  # every waiting request hears of it, none hangs
            for job in batch:
                job.error = error
        finally:
            for job in batch:
                job.finished = True
            if self.on_batch is not None:
                self.on_batch(len(batch))
