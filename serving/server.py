"""Running the API under uvicorn, in one process or several.

With `--workers N`, uvicorn's supervisor normally binds one socket that every worker
accepts on. Two things go wrong with that for an API called over keep-alive connections
(a CRM's connection pool, our benchmark's clients):

- asyncio accepts every pending connection in one go, so a burst of new connections all
  land on whichever worker woke first and stay there: one worker busy, the others idle.
- uvicorn, until it fixed #3149 (0.55 has the fix), bound that socket with `proto` 0, so
  asyncio never set TCP_NODELAY on accepted connections and each keep-alive request
  waited ~40 ms for a delayed ACK. Our own sockets pass the protocol, whatever uvicorn
  is installed.

So each worker listens on its own SO_REUSEPORT socket on the same address, created in the
worker (`Listener` is the picklable recipe the supervisor hands to each worker process), and
the kernel spreads new connections across them. The supervisor keeps a bound, not
listening, socket on the port: it reserves the port (a port of 0 is resolved once) and
fails early when the address is taken. Workers are still started, watched and restarted
by uvicorn's own supervisor.
"""

from __future__ import annotations

import copy
import os
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from uvicorn.supervisors import Multiprocess

from serving.batch import ServingError
from serving.metrics import MULTIPROC_ENV
from serving.scoring_process import ScoringProcess

APP = "serving.app:create_app"


@dataclass(frozen=True)
class Listener:
    """Where a worker listens; unpickled in the worker as a listening socket of its own."""

    family: int
    address: tuple
    backlog: int

    def __reduce__(self) -> tuple:
        return (listening_socket, (self.family, self.address, self.backlog))


def reuse_port_socket(family: int, address: tuple) -> socket.socket:
    """A TCP socket bound to `address` that other sockets of this user may share."""
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # proto: see above
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


def listening_socket(family: int, address: tuple, backlog: int) -> socket.socket:
    sock = reuse_port_socket(family, address)
    sock.listen(backlog)
    return sock


def bound_socket(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """A TCP socket bound (not listening) to host:port, before the model loads: uvicorn
    binds only after its startup, so a taken port failed after the model had loaded.
    ServingError when the address cannot be had (taken, or not this machine's). Without
    `reuse_port`, another server's SO_REUSEPORT socket on the port makes it taken too,
    where ours would bind beside it and take half its connections."""
    try:
        family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        if reuse_port:
            return reuse_port_socket(family, address)
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart's TIME_WAIT
        try:
            sock.bind(address)
        except OSError:
            sock.close()
            raise
        return sock
    except OSError as error:
        raise ServingError(
            f"cannot listen on {host}:{port} ({error.strerror or error}); "
            "pick another --port or stop what is using it"
        ) from None


def reserve(host: str, port: int, backlog: int) -> tuple[socket.socket, Listener]:
    """Bind (not listen) host:port for the supervisor, and the recipe for its workers;
    ServingError when the address cannot be had (`bound_socket`)."""
    bound_socket(host, port).close()  # no other server's, SO_REUSEPORT or not
    held = bound_socket(host, port, reuse_port=True)
    return held, Listener(held.family, held.getsockname(), backlog)


def log_config() -> dict:
    """uvicorn's logging, with this package's INFO lines (a model swap, a refused model)
    in the same format: otherwise only warnings reach the log."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["loggers"]["serving"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


WORKER_HEALTHCHECK_S = 30
"""How long a worker may take to answer the supervisor before it is restarted as hung."""


def run(*, host: str, port: int, workers: int = 1, access_log: bool = False) -> None:
    """Serve the app factory on host:port with `workers` processes (blocks); with more
    than one, they share one scoring process (serving/scoring_process.py)."""
    options = {
        "factory": True,
        "host": host,
        "port": port,
        "workers": workers,
        "log_config": log_config(),
        # a worker answers the supervisor's pings from a thread; on a loaded machine its
        # imports (pandas, xgboost) kept it from answering in uvicorn's 5 s, and the
        # supervisor killed and restarted every worker in a loop, never serving
        "timeout_worker_healthcheck": WORKER_HEALTHCHECK_S,
    }
    config = uvicorn.Config(APP, **options, access_log=access_log)
    if workers == 1:
        sock = bound_socket(host, port)
        with sock:
            uvicorn.Server(config).run(sockets=[sock])
        return
    if not hasattr(socket, "SO_REUSEPORT"):  # uvicorn's one shared socket, bound by it
        uvicorn.run(APP, **options, access_log=access_log)
        return
    held, listener = reserve(host, port, config.backlog)
    with tempfile.TemporaryDirectory(prefix="churn-serve-") as directory:
        scoring = ScoringProcess(Path(directory) / "scoring.sock")
        os.environ["CHURN_SCORING_SOCKET"] = str(scoring.path)  # the workers inherit it
        metrics = Path(directory) / "metrics"  # empty at start, as multiprocess mode needs
        metrics.mkdir()
        os.environ[MULTIPROC_ENV] = str(metrics)
        try:
            scoring.start()
            Multiprocess(config, sockets=[listener]).run()  # type: ignore[list-item]  # see Listener
        finally:
            scoring.stop()
            held.close()
