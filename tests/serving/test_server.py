"""`churn serve --workers N`: each worker listens on its own SO_REUSEPORT socket, and the
workers share one scoring process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pickle
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from serving import server
from serving.batch import ServingError
from serving.live import score_history
from serving.schemas import ScoreOut
from serving.scorer import Loaded, ModelHolder
from serving.server import reserve
from tests.serving.api_helpers import request


async def _accepted_nodelay(listener: socket.socket) -> tuple[int, int]:
    """(proto, TCP_NODELAY) of a connection accepted on `listener` by asyncio."""
    seen: asyncio.Future = asyncio.get_running_loop().create_future()

    class Report(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            seen.set_result((sock.proto, sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Report, sock=listener)
    port = listener.getsockname()[1]
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        return await asyncio.wait_for(seen, timeout=10)
    finally:
        writer.close()
        server.close()


def _worker_socket(recipe) -> socket.socket:
    """What a worker process gets: the recipe pickled to it and unpickled there."""
    return pickle.loads(pickle.dumps(recipe))


def test_a_worker_listens_on_its_own_tcp_socket_so_connections_get_nodelay():
    held, recipe = reserve("127.0.0.1", 0, backlog=16)
    try:
        listener = _worker_socket(recipe)
        assert listener.getsockname() == held.getsockname()  # port 0 resolved once
        assert listener.proto == socket.IPPROTO_TCP
        proto, nodelay = asyncio.run(_accepted_nodelay(listener))
        assert proto == socket.IPPROTO_TCP
        assert nodelay  # without it, keep-alive requests wait ~40 ms on delayed ACKs
    finally:
        held.close()


def test_new_connections_are_spread_over_the_workers_sockets():
    """A burst of connections reaches both workers (one shared socket gave all to one)."""
    held, recipe = reserve("127.0.0.1", 0, backlog=64)
    workers = [_worker_socket(recipe), _worker_socket(recipe)]
    clients = [socket.create_connection(held.getsockname(), timeout=5) for _ in range(32)]
    try:
        accepted = []
        for listener in workers:
            listener.setblocking(False)
            count = 0
            while True:
                try:
                    conn, _ = listener.accept()
                except BlockingIOError:
                    break
                conn.close()
                count += 1
            accepted.append(count)
        assert sum(accepted) == 32
        assert min(accepted) > 0, accepted  # all on one: 2 × 0.5**32
    finally:
        for sock in [*clients, *workers, held]:
            sock.close()


def test_the_supervisor_fails_early_when_the_port_is_taken():
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        with pytest.raises(ServingError, match=r"cannot listen on 127\.0\.0\.1"):
            reserve("127.0.0.1", taken.getsockname()[1], backlog=16)
    finally:
        taken.close()


def test_a_port_another_server_shares_by_reuse_port_is_taken_too():
    """Another `churn serve --workers` holds its port with SO_REUSEPORT, which would let a
    second server's socket bind beside it and take half its connections."""
    other, recipe = reserve("127.0.0.1", 0, backlog=16)
    its_worker = _worker_socket(recipe)  # listening
    try:
        with pytest.raises(ServingError, match="pick another --port"):
            reserve("127.0.0.1", other.getsockname()[1], backlog=16)
    finally:
        its_worker.close()
        other.close()


def test_one_worker_fails_before_loading_anything_when_the_port_is_taken(monkeypatch):
    """uvicorn binds after the app's startup: the model loaded, then `[Errno 98]`."""
    monkeypatch.setattr(server.uvicorn, "Server", lambda *a, **k: pytest.fail("uvicorn started"))
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        with pytest.raises(ServingError, match=r"cannot listen on 127\.0\.0\.1:\d+ \(Address"):
            server.run(host="127.0.0.1", port=taken.getsockname()[1], workers=1)
    finally:
        taken.close()


@pytest.mark.slow
def test_workers_share_one_scoring_process_that_goes_away_with_them(
    served, histories, cutoff, tmp_path
):
    """`churn serve --workers 2` end to end: the scoring process starts (its log says so),
    live scores answer as in process, /metrics adds up both workers, and nothing outlives
    the server."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "MLFLOW_TRACKING_URI": served.tracking_uri,
        "CHURN_DATABASE_URL": served.database_url,
    }
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "churn.cli", "serve", "--config", str(served.config)]
    with log.open("w") as sink:
        server = subprocess.Popen(
            [*command, "--port", str(port), "--workers", "2"],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, server, log)
        payload = {"customers": histories[:2], "cutoff": cutoff.isoformat()}
        answered = httpx.post(f"{base}/v1/score", json=payload, timeout=60)
        loaded = _champion(served)
        expected = ScoreOut.model_validate(score_history(request(histories[:2], cutoff), loaded))
        assert answered.status_code == 200, answered.text
        assert answered.json() == json.loads(expected.model_dump_json())
        pid, path = re.search(r"scoring process (\d+) listening on (\S+)", log.read_text()).groups()
        assert re.search(r"INFO: +serving \S+ version \d+", log.read_text())  # a worker's swap
        assert Path(path).exists()
        for _ in range(20):  # new connections: the kernel spreads them over both workers
            assert httpx.get(f"{base}/health", timeout=10).status_code == 200
        health = re.compile(
            r'churn_http_requests_total\{method="GET",route="/health",status="200"\} (\S+)'
        )
        for _ in range(4):  # whichever worker answers, it reports both workers' counts
            scraped = httpx.get(f"{base}/metrics", timeout=10).text
            assert float(health.search(scraped).group(1)) >= 20, scraped
            assert "churn_scoring_run_seconds_count" in scraped  # the process's own metric
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(60)
    assert not Path(path).parent.exists()  # the socket's folder is gone
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid), 0)


def _wait_ready(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/ready", timeout=5).status_code == 200:
                return
        time.sleep(0.2)
    raise AssertionError(f"the server never became ready:\n{log.read_text()}")


def _champion(served) -> Loaded:
    holder = ModelHolder.from_registry(served.model_name, served.tracking_uri)
    holder.check()
    assert holder.current is not None
    return holder.current
