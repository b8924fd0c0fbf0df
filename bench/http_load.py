"""A lean closed-loop HTTP/1.1 load generator for the serving benchmark.

It shares the machine's two cores with the servers it measures, so every millisecond it
spends is taken from them: at ~800 requests/s aiohttp's client cost 0.22 ms of CPU per
request, a fifth of a core. Here each client is an asyncio `Protocol` on uvloop that
writes a prebuilt request and lets httptools (the C parser uvicorn itself uses) read the
response: ~4x less CPU per request, the same for every server it measures, and
requests/s that say more about the server than about the client.

Requests are HTTP/1.1 keep-alive, one connection per client; a response is complete
when the parser says so (Content-Length or chunked).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httptools
import uvloop


@dataclass(frozen=True)
class Target:
    """Where to send: host, port and the request path (query included)."""

    host: str
    port: int
    path: str

    @classmethod
    def of(cls, url: str) -> Target:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return cls(parts.hostname or "127.0.0.1", parts.port or 80, path or "/")

    def request(self, body: bytes | None) -> bytes:
        """The whole request: GET without a body, else a JSON POST."""
        head = f"Host: {self.host}:{self.port}\r\n"
        if body is None:
            return f"GET {self.path} HTTP/1.1\r\n{head}\r\n".encode()
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        return f"POST {self.path} HTTP/1.1\r\n{head}\r\n".encode() + body


@dataclass
class Tally:
    """What the clients of one run saw."""

    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    bad_statuses: dict[int, int] = field(default_factory=dict)

    def answered(self, status: int, seconds: float) -> None:
        self.latencies.append(seconds)
        if status != 200:
            self.failures += 1
            self.bad_statuses[status] = self.bad_statuses.get(status, 0) + 1


class _Http(asyncio.Protocol):
    """One keep-alive connection: writes a request, parses the response with httptools,
    and calls `answered(status)` when it is complete."""

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.closed: asyncio.Future = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as error:
            self.fail(error)

    def connection_lost(self, exc: Exception | None) -> None:
        self.fail(exc or ConnectionError("the server closed the connection"))

    def on_message_complete(self) -> None:  # httptools: the response is complete
        self.answered(self.parser.get_status_code())

    def answered(self, status: int) -> None:
        raise NotImplementedError

    def fail(self, error: BaseException) -> None:
        if not self.closed.done():
            self.closed.set_result(error)
        if self.transport is not None:
            self.transport.close()


class _Client(_Http):
    """A closed-loop client: sends its next request when the previous answer is in (in
    the parser's callback: no task or future per request); `closed` resolves when its
    requests or its time are used up."""

    def __init__(self, requests: Iterator[bytes], tally: Tally, deadline: float) -> None:
        super().__init__()
        self.requests = requests
        self.tally = tally
        self.deadline = deadline
        self.started = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._next()

    def answered(self, status: int) -> None:
        self.tally.answered(status, time.perf_counter() - self.started)
        self._next()

    def fail(self, error: BaseException) -> None:
        if not self.closed.done():
            self.tally.failures += 1  # a broken connection counts once and ends the client
        super().fail(error)

    def _next(self) -> None:
        request = next(self.requests, None)
        if request is None or time.perf_counter() > self.deadline:
            self.closed.set_result(None)
            assert self.transport is not None
            self.transport.close()
            return
        self.started = time.perf_counter()
        assert self.transport is not None
        self.transport.write(request)


class Connection(_Http):
    """One request at a time on one keep-alive connection, awaited (for measurements
    interleaved with other work); open with `Connection.open`."""

    def __init__(self, target: Target) -> None:
        super().__init__()
        self.target = target
        self._answer: asyncio.Future | None = None

    @classmethod
    async def open(cls, url: str) -> Connection:
        target = Target.of(url)
        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_connection(lambda: cls(target), target.host, target.port)
        return protocol

    async def send(self, body: bytes | None) -> int:
        """The status of one request (GET without a body), its response read in full."""
        assert self.transport is not None
        self._answer = asyncio.get_running_loop().create_future()
        self.transport.write(self.target.request(body))
        return await self._answer

    def answered(self, status: int) -> None:
        if self._answer is not None and not self._answer.done():
            self._answer.set_result(status)

    def fail(self, error: BaseException) -> None:
        if self._answer is not None and not self._answer.done():
            self._answer.set_exception(ConnectionError(f"{self.target}: {error}"))
        super().fail(error)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def load(
    url: str,
    bodies: list[bytes] | None,
    *,
    clients: int,
    per_client: int | None,
    time_limit_s: float,
) -> dict[str, Any]:
    """`clients` closed-loop clients, `per_client` requests each, or as many as fit in
    `time_limit_s` when None; request k of client i posts
    `bodies[(i + k * clients) % len(bodies)]` (GET if None). Latencies in seconds."""
    return uvloop.run(_load(Target.of(url), bodies, clients, per_client, time_limit_s))


async def _load(
    target: Target,
    bodies: list[bytes] | None,
    clients: int,
    per_client: int | None,
    time_limit_s: float,
) -> dict[str, Any]:
    prepared = [target.request(None)] if bodies is None else [target.request(b) for b in bodies]
    tally = Tally()
    loop = asyncio.get_running_loop()
    deadline = time.perf_counter() + time_limit_s

    def requests(i: int) -> Iterator[bytes]:
        ks = itertools.count() if per_client is None else range(per_client)
        return (prepared[(i + k * clients) % len(prepared)] for k in ks)

    started = time.perf_counter()
    protocols = []
    for i in range(clients):
        _, protocol = await loop.create_connection(
            lambda i=i: _Client(requests(i), tally, deadline), target.host, target.port
        )
        protocols.append(protocol)
    await asyncio.gather(*(p.closed for p in protocols))
    wall = time.perf_counter() - started
    return {
        "clients": clients,
        "failures": tally.failures,
        "bad_statuses": tally.bad_statuses,
        "wall_s": wall,
        "latencies": tally.latencies,
    }
