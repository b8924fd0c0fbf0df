"""The frames between HTTP workers and the shared scoring process (a Unix socket), and
the run clock beside it.

A frame is `FRAME` (request id, payload length) then the payload. A worker sends a
`POST /v1/score` body as posted; the process answers with an `Answer`: status, the
run's size, the probabilities (for the worker's metrics) and the response JSON, a
`ScoreOut` or an `ErrorOut`, so the worker passes it on without re-serializing.
"""

from __future__ import annotations

import json
import mmap
import os
import struct
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FRAME = struct.Struct("!QI")
"""Request id, payload bytes."""
ANSWER = struct.Struct("!HHI")
"""Status, run size, number of probabilities; then the probabilities, then the JSON."""
MOMENT = struct.Struct("d")


def framed(request_id: int, payload: bytes) -> bytes:
    return FRAME.pack(request_id, len(payload)) + payload


@dataclass(frozen=True)
class Answer:
    """The scoring process's answer to one request."""

    status: int
    content: bytes
    """The response JSON: a `ScoreOut` when status is 200, else an `ErrorOut`."""
    probabilities: np.ndarray
    """The items' probabilities (the worker's score histogram observes them)."""
    run_requests: int = 0
    """On the first answer of a run, the run's number of requests; else 0. So each run is
    observed once, by one worker, and the workers' histograms add up to the runs."""

    def encode(self) -> bytes:
        probabilities = np.asarray(self.probabilities, dtype=">f8")
        header = ANSWER.pack(self.status, self.run_requests, len(probabilities))
        return header + probabilities.tobytes() + self.content

    @classmethod
    def decode(cls, payload: bytes) -> Answer:
        status, run_requests, count = ANSWER.unpack_from(payload)
        probabilities = np.frombuffer(payload, dtype=">f8", count=count, offset=ANSWER.size)
        content = payload[ANSWER.size + 8 * count :]
        return cls(status, content, probabilities.astype(np.float64), run_requests)

    @property
    def detail(self) -> str:
        """The error message of a non-200 answer."""
        return str(json.loads(self.content).get("detail", "scoring failed"))


def error_answer(status: int, detail: str) -> Answer:
    return content_answer(status, {"detail": detail, "errors": []})


def content_answer(status: int, content: dict) -> Answer:
    """A non-200 answer: `content` is the response body (`ErrorOut`'s shape)."""
    return Answer(status, json.dumps(content).encode(), np.empty(0))


class RunClock:
    """When the scoring process last started a run: `time.monotonic()` seconds (one
    clock for every process of the machine) in an 8-byte file beside the socket, which
    the process writes and each worker maps.

    A worker sends its live requests to the process only when they have company
    (`serving/dispatch.py`); its own in-flight requests are all it can see, so a worker
    holding a single client's connection would score that client alone while the other
    workers keep the process busy. With the clock it sees that the process is running
    and sends its request to join a run, at a fraction of a lone run's cost.

    Both sides open the file without truncating it, so a restarted process writes where
    the workers' maps already look.
    """

    def __init__(self, path: Path) -> None:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(descriptor).st_size < MOMENT.size:
                os.ftruncate(descriptor, MOMENT.size)
            self._map = mmap.mmap(descriptor, MOMENT.size)
        finally:
            os.close(descriptor)

    @classmethod
    def beside(cls, socket_path: str | Path) -> RunClock:
        return cls(Path(socket_path).with_suffix(".clock"))

    def mark(self) -> None:
        """A run starts now."""
        MOMENT.pack_into(self._map, 0, time.monotonic())

    def ran_within(self, seconds: float) -> bool:
        """Whether a run started in the last `seconds`."""
        (started,) = MOMENT.unpack_from(self._map)
        return started > 0 and time.monotonic() - started < seconds
