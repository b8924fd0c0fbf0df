"""The shared scoring process: its protocol, its loop, a worker's client, the route's use of
it (and fallback), and the supervisor's handle that starts and restarts it."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from serving.dispatch import LiveScoring
from serving.live import score_history
from serving.metrics import Metrics
from serving.schemas import ScoreIn, ScoreOut
from serving.scorer import Loaded, ModelHolder
from serving.scoring_client import ScoringClient, ScoringUnavailableError, read_frame
from serving.scoring_process import ScoringLoop, ScoringProcess, listen
from serving.scoring_wire import FRAME, MOMENT, Answer, RunClock, framed
from tests.serving.api_helpers import app_with, client_for, request, settings_for

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def holder(served) -> ModelHolder:
    found = ModelHolder.from_registry(served.model_name, served.tracking_uri)
    found.check()
    return found


def body(customers: list[dict], cutoff) -> bytes:
    return json.dumps({"customers": customers, "cutoff": cutoff.isoformat()}).encode()


def alone(req: ScoreIn, loaded: Loaded) -> dict[str, Any]:
    """The response the in-process path gives, as parsed JSON."""
    return json.loads(ScoreOut.model_validate(score_history(req, loaded)).model_dump_json())


@contextlib.contextmanager
def serving_loop(path: Path, holder: ModelHolder) -> Iterator[ScoringLoop]:
    """A scoring loop on a thread, listening at `path` (the process's loop, in process)."""
    stopping = threading.Event()
    with listen(path) as listener:
        loop = ScoringLoop(listener, holder)
        thread = threading.Thread(target=loop.serve, args=(stopping, 0.02), daemon=True)
        thread.start()
        try:
            yield loop
        finally:
            stopping.set()
            thread.join(10)


def receive(sock: socket.socket, count: int) -> dict[int, Answer]:
    """`count` answers read from a blocking socket, by request id."""
    buffer, found = b"", {}
    while len(found) < count:
        chunk = sock.recv(1 << 20)
        assert chunk, "the scoring loop closed the connection"
        buffer += chunk
        while len(buffer) >= FRAME.size:
            request_id, length = FRAME.unpack_from(buffer)
            if len(buffer) < FRAME.size + length:
                break
            found[request_id] = Answer.decode(buffer[FRAME.size : FRAME.size + length])
            buffer = buffer[FRAME.size + length :]
    return found


def test_an_answer_is_decoded_as_it_was_encoded():
    answer = Answer(200, b'{"items": []}', np.array([0.25, 1e-9]), run_requests=3)
    decoded = Answer.decode(answer.encode())
    assert (decoded.status, decoded.content, decoded.run_requests) == (200, b'{"items": []}', 3)
    assert decoded.probabilities.tolist() == [0.25, 1e-9]
    error = Answer.decode(Answer(422, b'{"detail": "no"}', np.empty(0)).encode())
    assert error.detail == "no" and error.probabilities.size == 0 and error.run_requests == 0


def test_requests_waiting_together_are_one_run_answered_exactly_as_alone(
    holder, histories, cutoff, tmp_path
):
    path = tmp_path / "s.sock"
    parts = [histories[:1], histories[1:3], histories[3:4]]
    runs: list[float] = []
    with listen(path) as listener:
        loop = ScoringLoop(listener, holder, on_run=runs.append)
        with socket.socket(socket.AF_UNIX) as worker:
            worker.connect(str(path))
            loop.step(1.0)  # accepts the worker
            worker.sendall(b"".join(framed(i, body(p, cutoff)) for i, p in enumerate(parts)))
            loop.step(1.0)  # reads all three, scores them in one run
            answers = receive(worker, len(parts))
    assert [answers[i].run_requests for i in range(3)] == [3, 0, 0]
    assert len(runs) == 1 and 0 < runs[0] < 60  # one run, timed in seconds
    for i, customers in enumerate(parts):
        assert answers[i].status == 200
        expected = alone(request(customers, cutoff), holder.current)
        assert json.loads(answers[i].content) == expected
        assert answers[i].probabilities.tolist() == [c["probability"] for c in expected["items"]]


def _unloadable(version: str) -> Loaded:
    raise OSError("the artifact store is gone")


def test_what_cannot_be_scored_is_answered_with_the_reason(holder, histories, cutoff, tmp_path):
    empty = ModelHolder(resolve=lambda: "1", load=_unloadable)
    empty.check()
    cases = [
        (holder, body(histories[:1], cutoff.replace(year=1990)), 422, "not known at the cutoff"),
        (holder, b'{"customers": "nobody"}', 422, "customers"),
        (empty, body(histories[:1], cutoff), 503, "gone"),
    ]
    for i, (model_holder, payload, status, words) in enumerate(cases):
        path = tmp_path / f"{i}.sock"
        with listen(path) as listener, socket.socket(socket.AF_UNIX) as worker:
            loop = ScoringLoop(listener, model_holder)
            worker.connect(str(path))
            loop.step(1.0)
            worker.sendall(framed(7, payload))
            loop.step(1.0)
            answer = receive(worker, 1)[7]
        assert answer.status == status and words in answer.detail


def test_a_worker_that_leaves_does_not_stop_the_others(holder, histories, cutoff, tmp_path):
    path = tmp_path / "s.sock"
    with serving_loop(path, holder):
        gone = socket.socket(socket.AF_UNIX)
        gone.connect(str(path))
        gone.sendall(framed(1, body(histories[:1], cutoff)))
        gone.close()  # before its answer
        with socket.socket(socket.AF_UNIX) as worker:
            worker.connect(str(path))
            worker.settimeout(30)
            worker.sendall(framed(2, body(histories[1:2], cutoff)))
            assert receive(worker, 1)[2].status == 200


def test_the_client_multiplexes_concurrent_requests_over_one_connection(
    holder, histories, cutoff, tmp_path
):
    path = tmp_path / "s.sock"

    async def scenario() -> list[Answer]:
        client = ScoringClient(str(path))
        try:
            calls = [client.score(body(histories[i : i + 1], cutoff)) for i in range(5)]
            return await asyncio.wait_for(asyncio.gather(*calls), 60)
        finally:
            await client.close()

    with serving_loop(path, holder):
        answers = asyncio.run(scenario())
    for i, answer in enumerate(answers):
        assert json.loads(answer.content) == alone(
            request(histories[i : i + 1], cutoff), holder.current
        )
    assert sum(a.run_requests for a in answers) == 5  # every request in exactly one run


def test_the_client_says_unavailable_and_waits_before_trying_again(tmp_path):
    async def scenario() -> float:
        client = ScoringClient(str(tmp_path / "none.sock"), retry_seconds=60)
        with pytest.raises(ScoringUnavailableError, match="cannot reach"):
            await client.score(b"{}")
        started = time.monotonic()
        with pytest.raises(ScoringUnavailableError, match="just now"):
            await client.score(b"{}")
        return time.monotonic() - started

    assert asyncio.run(scenario()) < 1.0


def test_requests_in_flight_when_the_process_goes_away_are_unavailable(tmp_path):
    path = tmp_path / "s.sock"

    async def scenario() -> None:
        async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await read_frame(reader)  # takes the request, then dies without answering
            writer.close()

        server = await asyncio.start_unix_server(hang_up, path=str(path))
        client = ScoringClient(str(path))
        async with server:
            with pytest.raises(ScoringUnavailableError, match="went away"):
                await asyncio.wait_for(client.score(b"{}"), 30)
        await client.close()

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("reply", "words"), [(None, "did not answer"), (b"\x00", "went away: error")]
)
def test_a_process_that_hangs_or_garbles_is_unavailable(tmp_path, reply, words):
    path = tmp_path / "s.sock"

    async def scenario() -> None:
        async def misbehave(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            request_id, _ = await read_frame(reader)
            if reply is not None:
                writer.write(framed(request_id, reply))
            await asyncio.sleep(30)

        server = await asyncio.start_unix_server(misbehave, path=str(path))
        client = ScoringClient(str(path), answer_timeout_s=0.5)
        async with server:
            with pytest.raises(ScoringUnavailableError, match=words):
                await asyncio.wait_for(client.score(b"{}"), 30)
            await client.close()
            server.close()

    asyncio.run(scenario())


def test_the_route_answers_from_the_process_and_falls_back_without_it(
    served, holder, histories, cutoff, tmp_path
):
    payload = {"customers": histories[:2], "cutoff": cutoff.isoformat()}
    expected = alone(request(histories[:2], cutoff), holder.current)
    marked = ModelHolder(resolve=lambda: "in-the-process", load=_relabelled(holder.current))
    marked.check()  # the process's answers name this version, the worker's its own
    path = tmp_path / "s.sock"
    with serving_loop(path, marked):
        settings = settings_for(served, CHURN_SCORING_SOCKET=str(path))
        app = app_with(settings, holder)
        app.state.live.alone_here = 0  # even a lone request goes to the process
        with client_for(app) as client:
            answered = client.post("/v1/score", json=payload)
            assert answered.status_code == 200
            assert answered.json() == _relabel(expected, "in-the-process")
            metrics = client.get("/metrics").text
            assert "churn_live_score_batch_requests_count 1.0" in metrics
            assert 'churn_live_scored_requests_total{where="process"} 1.0' in metrics
            late = client.post("/v1/score", json={**payload, "cutoff": "1990-01-01"})
            assert late.status_code == 422 and "not known" in late.json()["detail"]
    settings = settings_for(served, CHURN_SCORING_SOCKET=str(tmp_path / "none.sock"))
    app = app_with(settings, holder)
    app.state.live.alone_here = 0
    with client_for(app) as client:
        fallback = client.post("/v1/score", json=payload)
        assert fallback.status_code == 200 and fallback.json() == expected
        metrics = client.get("/metrics").text
        assert 'churn_live_scored_requests_total{where="worker"} 1.0' in metrics


@pytest.mark.parametrize(
    "payload",
    [
        b"{not json",
        b'{"customers": []}',
        b'{"customers": [{"customer_id": "c1", "transactions": [{"amount": "lots"}]}]}',
    ],
)
def test_a_malformed_body_is_the_same_422_from_the_process_and_the_worker(
    served, holder, payload, tmp_path
):
    """The worker sends bodies on unvalidated: the process's 422 must read the same."""
    path = tmp_path / "s.sock"
    answers = []
    with serving_loop(path, holder):
        for alone_here in (0, 1):  # 0: to the process; 1: a lone request stays here
            app = app_with(settings_for(served, CHURN_SCORING_SOCKET=str(path)), holder)
            app.state.live.alone_here = alone_here
            with client_for(app) as client:
                answered = client.post(
                    "/v1/score", content=payload, headers={"Content-Type": "application/json"}
                )
                assert answered.status_code == 422
                answers.append(answered.json())
    from_process, from_worker = answers
    assert from_process == from_worker
    assert from_process["errors"] and from_process["detail"].startswith("invalid request: body")


def test_a_lone_request_is_scored_in_the_worker_and_concurrent_ones_in_the_process(
    holder, histories, cutoff
):
    """The hop to the process only pays when there is something to batch with."""
    req = request(histories[:1], cutoff)
    local = score_history(req, holder.current)
    release = asyncio.Event()

    class HeldCoalescer:
        async def score(self, body: ScoreIn, loaded: Loaded) -> dict[str, Any]:
            await release.wait()
            return local

        def close(self) -> None:
            pass

    bodies: list[bytes] = []
    others_running = False

    class Process:
        async def score(self, raw: bytes) -> Answer:
            bodies.append(raw)
            return Answer(200, b'{"from": "process"}', np.array([0.5]), run_requests=1)

        def ran_within(self, seconds: float) -> bool:
            return others_running

    posted = req.model_dump_json().encode()
    # the same body, told apart by trailing spaces (the worker validates what it scores)
    first_, second_, after, later, elsewhere = (posted + b" " * i for i in range(5))

    async def scenario() -> tuple[Any, Any, LiveScoring]:
        live = LiveScoring(HeldCoalescer(), Metrics(), scoring=Process(), busy_s=60.0)
        first = asyncio.ensure_future(live.respond(first_, holder.current))
        await asyncio.sleep(0)  # the first is in flight, held in the worker
        second = await live.respond(second_, holder.current)
        release.set()
        first = await first
        await live.respond(after, holder.current)  # alone, but just after concurrency
        live.busy_s, live._busy_until = 0.0, 0.0  # the busy moment has passed
        await live.respond(later, holder.current)  # alone, later
        nonlocal others_running
        others_running = True  # other workers keep the process running
        await live.respond(elsewhere, holder.current)  # alone here, not there
        return first, second, live

    first, second, live = asyncio.run(scenario())
    assert json.loads(first.body) == json.loads(ScoreOut.model_validate(local).model_dump_json())
    assert second.body == b'{"from": "process"}'
    assert bodies == [second_, after, elsewhere]
    assert live._in_flight == 0


def test_the_run_clock_tells_every_worker_when_the_process_last_ran(tmp_path):
    socket_path = tmp_path / "scoring.sock"
    worker = ScoringClient(str(socket_path))
    assert not worker.ran_within(60.0)  # nothing has run yet
    process = RunClock.beside(socket_path)
    process.mark()
    assert worker.ran_within(60.0) and not worker.ran_within(0.0)
    restarted = RunClock.beside(socket_path)  # a restarted process opens the same file
    MOMENT.pack_into(restarted._map, 0, 0.0)
    assert not worker.ran_within(60.0)  # the worker's map sees the new process's writes
    restarted.mark()
    assert worker.ran_within(60.0)
    assert not ScoringClient(str(tmp_path / "gone" / "s.sock")).ran_within(60.0)


def _relabelled(loaded: Loaded):
    return lambda version: dataclasses.replace(loaded, version=version)


def _relabel(response: dict[str, Any], version: str) -> dict[str, Any]:
    items = [{**item, "model_version": version} for item in response["items"]]
    return {**response, "model_version": version, "items": items}


def test_the_supervisor_starts_restarts_and_stops_the_process(
    served, histories, cutoff, tmp_path, monkeypatch
):
    for name, value in settings_for(served).model_dump(by_alias=True).items():
        if value is not None:
            monkeypatch.setenv(name, str(value))  # the spawned process reads its settings
    process = ScoringProcess(tmp_path / "s.sock")

    async def scored() -> int:
        client = ScoringClient(str(process.path))
        try:
            return (await asyncio.wait_for(client.score(body(histories[:1], cutoff)), 60)).status
        finally:
            await client.close()

    process.start()
    try:
        assert process.path.exists() and asyncio.run(scored()) == 200
        assert ScoringClient(str(process.path)).ran_within(60.0)
        first = process.pid
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 90
        while process.pid in (first, None) or not process.path.exists():
            assert time.monotonic() < deadline, "the scoring process was not restarted"
            time.sleep(0.1)
        assert asyncio.run(scored()) == 200
    finally:
        process.stop()
    assert not process.path.exists() and not process.path.with_suffix(".clock").exists()
    with pytest.raises(ProcessLookupError):
        os.kill(first, 0)
