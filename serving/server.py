"""Running the API under uvicorn, in one process or several.

Several workers share one listening socket bound by the supervisor. uvicorn binds it with
`proto` left at 0; accepted connections inherit that, and asyncio only sets TCP_NODELAY
when a socket reports IPPROTO_TCP, so with `--workers N` every keep-alive request after
the first waits ~40 ms for the client's delayed ACK (uvicorn issue #3149, open). We
re-wrap the bound socket so its protocol is read from the kernel (IPPROTO_TCP), which the
workers inherit, and run uvicorn's own supervisor on it.
"""

from __future__ import annotations

import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

APP = "serving.app:create_app"


def tcp_listener(config: uvicorn.Config) -> socket.socket:
    """uvicorn's bound socket, re-wrapped so `proto` is IPPROTO_TCP (see the docstring)."""
    bound = config.bind_socket()
    listener = socket.socket(fileno=bound.detach())  # family, type and proto from the fd
    listener.set_inheritable(True)
    return listener


def run(*, host: str, port: int, workers: int = 1) -> None:
    """Serve the app factory on host:port with `workers` processes (blocks)."""
    if workers == 1:
        uvicorn.run(APP, factory=True, host=host, port=port)
        return
    config = uvicorn.Config(APP, factory=True, host=host, port=port, workers=workers)
    Multiprocess(config, sockets=[tcp_listener(config)]).run()
