"""`churn serve --workers N`: each worker listens on its own SO_REUSEPORT socket."""

from __future__ import annotations

import asyncio
import pickle
import socket

import pytest

from serving.batch import ServingError
from serving.server import reserve


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
