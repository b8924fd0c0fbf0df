"""Coalescing live-score requests: merged runs answer exactly as separate ones, and only
requests that cannot change each other's answers are merged.

Merging is made deterministic by holding the first scoring run (on the scoring thread)
until the other requests are queued behind it; `on_batch` records each run's number of
requests.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from serving import coalesce
from serving.coalesce import Coalescer
from serving.live import score_history
from serving.live_checks import NotKnownAtCutoffError
from serving.schemas import ScoreIn
from serving.scorer import Loaded
from tests.serving.api_helpers import request

pytestmark = pytest.mark.slow


def run_held(
    coalescer: Coalescer, requests: list[tuple[ScoreIn, Loaded]], monkeypatch
) -> list[Any]:
    """Score the first request, hold its run until the rest are queued, then let go.

    Returns each request's response (or the exception it raised), in order.
    """
    entered, release = hold_first_run(monkeypatch)

    async def scenario() -> list[Any]:
        calls = [asyncio.ensure_future(coalescer.score(*requests[0]))]
        await _until(entered.is_set)
        calls += [asyncio.ensure_future(coalescer.score(*r)) for r in requests[1:]]
        await _until(lambda: len(coalescer._queue) == len(requests) - 1)
        release.set()
        return await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True), 60)

    return asyncio.run(scenario())


def hold_first_run(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """(entered, release): the first scoring run sets `entered`, then waits for `release`
    (on the scoring thread) while the test queues requests behind it."""
    release, entered = threading.Event(), threading.Event()
    real = coalesce.score_customers

    def held(*args, **kwargs):
        if not entered.is_set():
            entered.set()
            assert release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(coalesce, "score_customers", held)
    return entered, release


async def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, "requests were never queued"
        await asyncio.sleep(0.005)


def score(coalescer: Coalescer, req: ScoreIn, loaded: Loaded) -> dict[str, Any]:
    return asyncio.run(coalescer.score(req, loaded))


def recorder() -> tuple[Coalescer, list[int]]:
    sizes: list[int] = []
    return Coalescer(on_batch=sizes.append), sizes


def test_requests_queued_behind_a_run_are_scored_together_exactly_as_alone(
    loaded, histories, cutoff, monkeypatch
):
    coalescer, sizes = recorder()
    requests = [
        request(histories[:1], cutoff),
        request(histories[1:3], cutoff),
        request(histories[3:4], cutoff),
        request(histories[4:], cutoff),
    ]
    merged = run_held(coalescer, [(r, loaded) for r in requests], monkeypatch)
    assert sizes == [1, 3]  # the held run, then the three queued behind it in one run
    for req, answer in zip(requests, merged, strict=True):
        alone = score_history(req, loaded)
        assert answer == alone  # probabilities, reasons, bands, value: all identical


def test_what_could_change_an_answer_is_never_merged(loaded, histories, cutoff, monkeypatch):
    coalescer, sizes = recorder()
    later = cutoff - dt.timedelta(days=31)
    without_means = dataclasses.replace(
        loaded, model=dataclasses.replace(loaded.model, info={})
    )  # reasons would compare with the posted customers
    requests = [
        (request(histories[:1], cutoff), loaded),
        (request(histories[1:2], later), loaded),  # another cutoff
        (request(histories[1:3], cutoff), loaded),
        (request(histories[2:3], cutoff), loaded),  # customer 2 again: its own run
        (request(histories[3:4], cutoff), without_means),
    ]
    answers = run_held(coalescer, requests, monkeypatch)
    assert not any(isinstance(a, Exception) for a in answers), answers
    assert sorted(sizes) == [1] * 5
    assert answers[4]["population"] == "posted"


def test_a_failed_run_fails_its_requests_only(loaded, histories, cutoff, monkeypatch):
    coalescer, sizes = recorder()
    calls = {"n": 0}
    real = coalesce.score_customers

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("scoring broke")
        return real(*args, **kwargs)

    monkeypatch.setattr(coalesce, "score_customers", flaky)
    with pytest.raises(RuntimeError, match="scoring broke"):
        score(coalescer, request(histories[:1], cutoff), loaded)
    assert score(coalescer, request(histories[:1], cutoff), loaded)["items"]
    assert sizes == [1, 1]


def test_a_bad_request_fails_alone_before_queueing(loaded, histories, cutoff):
    coalescer, sizes = recorder()
    too_early = dt.date(1990, 1, 1)
    with pytest.raises(NotKnownAtCutoffError):
        score(coalescer, request(histories[:1], too_early), loaded)
    assert sizes == [] and not coalescer._queue


def test_a_request_whose_client_left_is_not_scored(loaded, histories, cutoff, monkeypatch):
    """A queued request cancelled (client disconnected) is dropped, the others answered."""
    coalescer, sizes = recorder()
    entered, release = hold_first_run(monkeypatch)

    async def scenario() -> list[Any]:
        first = asyncio.ensure_future(coalescer.score(request(histories[:1], cutoff), loaded))
        await _until(entered.is_set)
        gone = asyncio.ensure_future(coalescer.score(request(histories[1:2], cutoff), loaded))
        await _until(lambda: len(coalescer._queue) == 1)
        gone.cancel()
        release.set()
        return await asyncio.gather(first, gone, return_exceptions=True)

    first, gone = asyncio.run(scenario())
    assert first["items"] and isinstance(gone, asyncio.CancelledError)
    assert sizes == [1]  # the cancelled request never started a run
