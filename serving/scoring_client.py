"""A worker's side of the shared scoring process (`serving/scoring_process.py`).

One connection per worker, opened on first use; concurrent requests share it, each with
its own id, and a reader task hands every answer to the request waiting for it. Anything
that stops an answer from coming (no socket, the process restarting, no model there) is
a `ScoringUnavailableError`, on which the route scores the request in the worker itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from dataclasses import dataclass, field

from serving.scoring_wire import FRAME, Answer, RunClock, framed


class ScoringUnavailableError(ConnectionError):
    """The scoring process cannot answer; the worker scores the request itself."""


async def read_frame(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """The next frame; IncompleteReadError when the other side has gone."""
    request_id, length = FRAME.unpack(await reader.readexactly(FRAME.size))
    return request_id, await reader.readexactly(length)


@dataclass
class ScoringClient:
    """A worker's connection to the scoring process (opened on first use, reopened after
    a failure at most every `retry_seconds`); requests are multiplexed by id."""

    path: str
    retry_seconds: float = 1.0
    answer_timeout_s: float = 30.0
    """A process that is up but stuck must not hold requests forever."""
    _reader: asyncio.StreamReader | None = None
    _writer: asyncio.StreamWriter | None = None
    _listener: asyncio.Task | None = None
    _waiting: dict[int, asyncio.Future] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=itertools.count)
    _failed_at: float = -float("inf")
    _connecting: asyncio.Lock = field(default_factory=asyncio.Lock)
    _clock: RunClock | None = None

    async def score(self, body: bytes) -> Answer:
        """The process's answer to one `POST /v1/score` body; ScoringUnavailableError when
        it cannot be reached or goes away before answering."""
        writer = await self._connected()
        request_id = next(self._ids)
        answer = asyncio.get_running_loop().create_future()
        self._waiting[request_id] = answer
        try:
            writer.write(framed(request_id, body))
            reply = await asyncio.wait_for(answer, self.answer_timeout_s)
        except TimeoutError:
            raise ScoringUnavailableError(
                f"the scoring process did not answer within {self.answer_timeout_s:g} s"
            ) from None
        finally:
            self._waiting.pop(request_id, None)
        if reply.status == 503:  # no model there (yet): this worker's own may serve
            raise ScoringUnavailableError(f"the scoring process has no model: {reply.detail}")
        return reply

    def ran_within(self, seconds: float) -> bool:
        """Whether the process started a run in the last `seconds`, for any worker."""
        if self._clock is None:
            try:
                self._clock = RunClock.beside(self.path)
            except OSError:  # no folder (yet): nothing is running there
                return False
        return self._clock.ran_within(seconds)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        self._drop(ScoringUnavailableError("the worker is shutting down"))

    async def _connected(self) -> asyncio.StreamWriter:
        async with self._connecting:
            if self._writer is not None and not self._writer.is_closing():
                return self._writer
            if time.monotonic() - self._failed_at < self.retry_seconds:
                raise ScoringUnavailableError("the scoring process was unreachable just now")
            try:
                self._reader, self._writer = await asyncio.open_unix_connection(self.path)
            except OSError as error:
                self._failed_at = time.monotonic()
                reason = f"cannot reach the scoring process: {error}"
                raise ScoringUnavailableError(reason) from None
            self._listener = asyncio.create_task(self._listen(self._reader))
            return self._writer

    async def _listen(self, reader: asyncio.StreamReader) -> None:
        """Hand each answer to its waiting request; on EOF fail all that still wait."""
        try:
            while True:
                request_id, payload = await read_frame(reader)
                waiting = self._waiting.get(request_id)
                if waiting is not None and not waiting.done():
                    waiting.set_result(Answer.decode(payload))
        except asyncio.CancelledError:
            raise
        except Exception as error:  # gone (EOF, reset) or garbled: nothing more will come
            self._failed_at = time.monotonic()
            reason = f"the scoring process went away: {type(error).__name__}: {error}"
            self._drop(ScoringUnavailableError(reason))

    def _drop(self, error: Exception) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None
        for waiting in self._waiting.values():
            if not waiting.done():
                waiting.set_exception(error)
        self._waiting.clear()
