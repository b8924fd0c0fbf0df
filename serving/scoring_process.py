"""One scoring process shared by all HTTP workers (`churn serve --workers N`, N > 1).

Live scoring has a fixed cost per run (building features for a handful of customers is
a few ms of small array steps), so scoring concurrent requests together
(`serving/coalesce.py`) is what makes it cheap per request. Inside one worker, runs stay
small: the worker's HTTP handling and its scoring thread share one GIL, and each worker
sees only the connections the kernel gave it. Here the workers hand each
`POST /v1/score` body, as posted, to one process that coalesces *all* workers' requests, so runs are
larger and scoring runs on its own core beside the workers' HTTP handling.

Workers connect over a Unix socket (one connection each, requests multiplexed by id;
the frames are in `serving/scoring_wire.py`). The worker's side is
`serving/scoring_client.py`.

The process follows the `champion` alias like a worker does (`ModelHolder`), so an answer
names the model version that scored it (during a swap, a worker and the process may
serve different versions for up to `CHURN_RELOAD_SECONDS`). Workers score in process
whenever this process cannot be reached or has no model, and the supervisor restarts it
when it dies (`ScoringProcess`).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import selectors
import signal
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from prometheus_client import Histogram
from pydantic import ValidationError

from serving.coalesce import Job, answers, take
from serving.errors import invalid_body
from serving.live_checks import UnscorableError
from serving.schemas import MAX_CUSTOMERS, ScoreIn, ScoreOut
from serving.scorer import ModelHolder
from serving.scoring_wire import FRAME, Answer, RunClock, content_answer, error_answer, framed
from serving.settings import Settings

log = logging.getLogger(__name__)

START_TIMEOUT_S = 60.0
"""How long the supervisor waits for the process to load the model and listen."""
RESTART_DELAY_S = 1.0
RESTART_DELAY_MAX_S = 60.0
STABLE_S = 30.0
"""A process that ran this long before exiting is restarted after `RESTART_DELAY_S`."""
SEND_TIMEOUT_S = 10.0
"""A worker that does not read its answers for this long is disconnected."""
RECEIVE_BYTES = 1 << 20
BACKLOG = 64
INTERNAL = "internal error; see the server log"
RUN_BUCKETS_S = (0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256)


# -- the scoring process ----------------------------------------------------------------
@dataclass(eq=False)
class _Waiting(Job):
    """A request read from a worker, queued until its run."""

    connection: _Connection = field(kw_only=True)
    request_id: int = field(kw_only=True)


@dataclass(eq=False)
class _Connection:
    """One worker's connection and the bytes read from it but not yet framed."""

    sock: socket.socket
    buffer: bytearray = field(default_factory=bytearray)

    def frames(self) -> list[tuple[int, bytes]]:
        """Complete frames received so far, removed from the buffer."""
        found = []
        while len(self.buffer) >= FRAME.size:
            request_id, length = FRAME.unpack_from(self.buffer)
            end = FRAME.size + length
            if len(self.buffer) < end:
                break
            found.append((request_id, bytes(self.buffer[FRAME.size : end])))
            del self.buffer[:end]
        return found


class ScoringLoop:
    """Reads every worker's requests, scores what has queued in runs, answers each.

    One thread, no event loop: while a run is scored, new requests wait in the sockets'
    buffers, and the next run takes all that can be merged (`coalesce.take`), so the
    busier the workers, the larger the runs. Answers go back in the order runs finish.

    A run starts as soon as anything is queued. (Waiting up to 2 ms for as many requests
    as the previous run had made runs larger but left this process idle while the
    workers turned answers into new requests: without the wait, 8 clients got 8-17% more
    requests/s, taking turns with it on the same machine.)
    """

    def __init__(
        self,
        listener: socket.socket,
        holder: ModelHolder,
        *,
        max_customers: int = MAX_CUSTOMERS,
        clock: RunClock | None = None,
        on_run: Callable[[float], None] | None = None,
    ) -> None:
        self.holder = holder
        self.clock = clock
        self.on_run = on_run  # told each run's scoring time in seconds (for /metrics)
        self.max_customers = max_customers
        self._queue: deque[_Waiting] = deque()
        self._selector = selectors.DefaultSelector()
        self._selector.register(listener, selectors.EVENT_READ, None)

    def serve(self, stopping: threading.Event, poll_s: float = 0.5) -> None:
        while not stopping.is_set():
            self.step(poll_s)

    def step(self, timeout_s: float) -> None:
        """Read what has arrived (waiting up to `timeout_s` when nothing is queued), then
        score one run if anything is queued."""
        self._read(0 if self._queue else timeout_s)
        if self._queue:
            batch = take(self._queue, self.max_customers)
            if self.clock is not None:
                self.clock.mark()
            self._score(batch)

    def _read(self, timeout_s: float) -> None:
        for key, _ in self._selector.select(timeout_s):
            if key.data is None:
                self._accept(key.fileobj)
            else:
                self._receive(key.data)

    def _accept(self, listener: socket.socket) -> None:
        sock, _ = listener.accept()
        sock.settimeout(SEND_TIMEOUT_S)
        self._selector.register(sock, selectors.EVENT_READ, _Connection(sock))

    def _receive(self, connection: _Connection) -> None:
        try:
            data = connection.sock.recv(RECEIVE_BYTES)
        except OSError:
            data = b""
        if not data:  # the worker went away; its queued requests need no answer
            self._close(connection)
            return
        connection.buffer += data
        for request_id, payload in connection.frames():
            self._admit(connection, request_id, payload)

    def _admit(self, connection: _Connection, request_id: int, payload: bytes) -> None:
        """Queue a request, or answer at once why it cannot be scored."""
        loaded = self.holder.current
        if loaded is None:
            self._send(connection, request_id, error_answer(503, self.holder.error or "no model"))
            return
        try:
            request = ScoreIn.model_validate_json(payload)
            job = _Waiting.checked(request, loaded, connection=connection, request_id=request_id)
        except ValidationError as error:  # the worker did not validate: see routes/score.py
            self._send(connection, request_id, content_answer(422, invalid_body(error)))
        except UnscorableError as error:
            self._send(connection, request_id, error_answer(422, str(error)))
        except Exception:
            log.exception("reading a live request failed")
            self._send(connection, request_id, error_answer(500, INTERNAL))
        else:
            self._queue.append(job)

    def _score(self, batch: list[_Waiting]) -> None:
        started = time.perf_counter()
        try:
            results = [ScoreOut.model_validate(result) for result in answers(batch)]
        except Exception:
            log.exception("scoring a run of %d live requests failed", len(batch))
            for job in batch:
                self._send(job.connection, job.request_id, error_answer(500, INTERNAL))
            return
        if self.on_run is not None:
            self.on_run(time.perf_counter() - started)
        for position, (job, scored) in enumerate(zip(batch, results, strict=True)):
            probabilities = np.array([item.probability for item in scored.items])
            run = len(batch) if position == 0 else 0
            answer = Answer(200, scored.model_dump_json().encode(), probabilities, run)
            self._send(job.connection, job.request_id, answer)

    def _send(self, connection: _Connection, request_id: int, answer: Answer) -> None:
        if connection.sock.fileno() < 0:
            return  # closed earlier in this run
        try:
            connection.sock.sendall(framed(request_id, answer.encode()))
        except OSError:  # gone, or not reading for SEND_TIMEOUT_S: it will fall back
            self._close(connection)

    def _close(self, connection: _Connection) -> None:
        with contextlib.suppress(KeyError, ValueError):
            self._selector.unregister(connection.sock)
        connection.sock.close()
        self._queue = deque(job for job in self._queue if job.connection is not connection)


def listen(path: Path) -> socket.socket:
    """A Unix socket listening at `path`, which appears only once it accepts (bound under
    a temporary name, then renamed), so a worker never finds a socket that refuses it."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    staging = path.with_name(path.name + ".binding")
    staging.unlink(missing_ok=True)
    sock.bind(str(staging))
    sock.listen(BACKLOG)
    staging.rename(path)
    return sock


def main(path: str) -> None:
    """The scoring process's entry point: load the champion, then serve until SIGTERM or
    SIGINT, following the alias on a thread every `CHURN_RELOAD_SECONDS`."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     scoring: %(message)s")
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    settings = Settings()
    holder = ModelHolder.from_registry(settings.model_name, settings.tracking_uri)
    holder.check()

    def follow() -> None:
        while not stopping.wait(settings.reload_seconds):
            holder.check()

    threading.Thread(target=follow, name="churn-reload", daemon=True).start()
    with listen(Path(path)) as listener:
        log.info("scoring process %d listening on %s", os.getpid(), path)
        loop = ScoringLoop(
            listener, holder, clock=RunClock.beside(path), on_run=run_seconds().observe
        )
        loop.serve(stopping)


def run_seconds() -> Histogram:
    """The process's run times, for /metrics: with several workers, prometheus_client's
    multiprocess mode is on (`PROMETHEUS_MULTIPROC_DIR` is inherited), so the values go to
    the folder every worker's scrape reads; no registry of its own is needed."""
    return Histogram(
        "churn_scoring_run_seconds",
        "Time the shared scoring process takes to score one run of live requests "
        "(features, model, reasons, responses); only with `churn serve --workers` > 1.",
        buckets=RUN_BUCKETS_S,
        registry=None,
    )


@dataclass
class ScoringProcess:
    """The supervisor's handle on the scoring process: started before the workers,
    restarted when it dies, stopped with the server."""

    path: Path
    _process: multiprocessing.process.BaseProcess | None = None
    _stopping: threading.Event = field(default_factory=threading.Event)
    _watcher: threading.Thread | None = None
    _started_at: float = 0.0

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        """Start the process and wait (bounded) until it listens; then watch it."""
        self._spawn()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.path.exists() and time.monotonic() < deadline:
            if self._process is not None and not self._process.is_alive():
                break
            time.sleep(0.05)
        if not self.path.exists():
            log.error("the scoring process did not start; workers score in process")
        self._watcher = threading.Thread(target=self._watch, name="churn-scoring", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join(10.0)  # no restart can start after this
        if self._process is not None and self._process.is_alive():
            self._process.terminate()
            self._process.join(10.0)
            if self._process.is_alive():
                self._process.kill()
        self.path.unlink(missing_ok=True)
        self.path.with_suffix(".clock").unlink(missing_ok=True)

    def _spawn(self) -> None:
        self._started_at = time.monotonic()
        self.path.unlink(missing_ok=True)
        context = multiprocessing.get_context("spawn")
        self._process = context.Process(
            target=main, args=(str(self.path),), name="churn-scoring", daemon=True
        )
        self._process.start()

    def _watch(self) -> None:
        """Restart the process when it exits; one that keeps dying soon after its start
        is restarted ever more slowly (up to `RESTART_DELAY_MAX_S`), not in a hot loop."""
        delay = RESTART_DELAY_S
        while not self._stopping.is_set():
            assert self._process is not None
            self._process.join(0.5)
            if self._process.is_alive() or self._stopping.is_set():
                continue
            lived = time.monotonic() - self._started_at
            delay = RESTART_DELAY_S if lived > STABLE_S else min(2 * delay, RESTART_DELAY_MAX_S)
            log.error(
                "the scoring process exited (code %s); restarting it in %g s",
                self._process.exitcode,
                delay,
            )
            if not self._stopping.wait(delay):
                self._spawn()
