"""The frames between HTTP workers and the shared scoring process (a Unix socket).

A frame is `FRAME` (request id, payload length) then the payload. A worker sends a
`POST /v1/score` body as posted; the process answers with an `Answer`: status, the
run's size, the probabilities (for the worker's metrics) and the response JSON, a
`ScoreOut` or `{"detail": ...}`, so the worker passes it on without re-serializing.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass

import numpy as np

FRAME = struct.Struct("!QI")
"""Request id, payload bytes."""
ANSWER = struct.Struct("!HHI")
"""Status, run size, number of probabilities; then the probabilities, then the JSON."""


def framed(request_id: int, payload: bytes) -> bytes:
    return FRAME.pack(request_id, len(payload)) + payload


@dataclass(frozen=True)
class Answer:
    """The scoring process's answer to one request."""

    status: int
    content: bytes
    """The response JSON: a `ScoreOut` when status is 200, else `{"detail": ...}`."""
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
    return Answer(status, json.dumps({"detail": detail}).encode(), np.empty(0))
