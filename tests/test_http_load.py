"""The serving benchmark's load generator (bench/http_load.py) counts what it is told to:
every request answered once, keep-alive, bad statuses and chunked bodies included."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from http_load import Connection, Target, load


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    connections: ClassVar[set[int]] = set()  # client ports seen
    bodies: ClassVar[list[bytes]] = []

    def do_GET(self) -> None:
        self._answer(b"")

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.bodies.append(body)
        self._answer(body)

    def _answer(self, body: bytes) -> None:
        Handler.connections.add(self.client_address[1])
        if self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"hello ", b"world"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
            return
        status = 200 if self.path in ("/ok", "/chunked") else 404
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def base() -> Iterator[str]:
    Handler.connections, Handler.bodies = set(), []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_every_request_is_answered_once_over_one_connection_per_client(base):
    bodies = [b'{"k": %d}' % i for i in range(4)]
    result = load(f"{base}/ok", bodies, clients=3, per_client=5, time_limit_s=30.0)
    assert len(result["latencies"]) == 15 and result["failures"] == 0
    assert len(Handler.connections) == 3  # kept alive
    # request k of client i posts bodies[(i + k * clients) % len(bodies)]
    assert sorted(Handler.bodies) == sorted(
        bodies[(i + k * 3) % 4] for i in range(3) for k in range(5)
    )


def test_bad_statuses_are_failures_by_status(base):
    result = load(f"{base}/missing", None, clients=2, per_client=3, time_limit_s=30.0)
    assert result["failures"] == 6 and result["bad_statuses"] == {404: 6}


def test_a_chunked_response_is_read_to_its_end(base):
    result = load(f"{base}/chunked", None, clients=1, per_client=4, time_limit_s=30.0)
    assert len(result["latencies"]) == 4 and result["failures"] == 0


def test_a_connection_sends_one_request_at_a_time(base):
    async def scenario() -> list[int]:
        connection = await Connection.open(f"{base}/ok")
        try:
            return [await connection.send(b"{}"), await connection.send(None)]
        finally:
            connection.close()

    assert uvloop.run(scenario()) == [200, 200]


def test_a_refused_connection_is_an_error_not_a_hang():
    with pytest.raises(OSError):
        load("http://127.0.0.1:9/ok", None, clients=1, per_client=1, time_limit_s=5.0)


def test_the_target_keeps_the_query():
    target = Target.of("http://127.0.0.1:8000/v1/customers?band=high&limit=5")
    assert target.path == "/v1/customers?band=high&limit=5" and target.port == 8000
    assert target.request(None).startswith(b"GET /v1/customers?band=high&limit=5 HTTP/1.1\r\n")
