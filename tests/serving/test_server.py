"""`churn serve --workers N`: the shared listening socket gives connections TCP_NODELAY."""

from __future__ import annotations

import asyncio
import socket

import uvicorn

from serving.server import APP, tcp_listener


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


def test_worker_listener_is_tcp_so_connections_get_nodelay():
    config = uvicorn.Config(APP, factory=True, host="127.0.0.1", port=0, workers=2)
    listener = tcp_listener(config)
    assert listener.proto == socket.IPPROTO_TCP
    assert listener.get_inheritable()
    proto, nodelay = asyncio.run(_accepted_nodelay(listener))
    assert proto == socket.IPPROTO_TCP
    assert nodelay  # without it, keep-alive requests wait ~40 ms on delayed ACKs


def test_uvicorn_alone_still_binds_without_the_protocol():
    """The upstream bug this module works around; when this fails, uvicorn fixed it and
    `tcp_listener` can go."""
    bound = uvicorn.Config(APP, factory=True, host="127.0.0.1", port=0).bind_socket()
    try:
        assert bound.proto == 0
    finally:
        bound.close()
