"""Prometheus metrics of one app: requests and latency by route, model version, scores.

Each app gets its own registry, so several apps in one process (tests) never collide.
Requests are labelled by the route *template* (`/v1/customers/{customer_id}`), never by
the raw path: one series per route, not one per customer.

With several workers (`churn serve --workers N`), `PROMETHEUS_MULTIPROC_DIR` is set for
them: each worker writes its values there, and a scrape, whichever worker answers it,
sums every worker's counters and histograms (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable

from fastapi import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
PROBABILITY_BUCKETS = tuple(round(0.1 * i, 1) for i in range(1, 11))
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64)


class Metrics:
    """The app's collectors; `RequestMetrics` records every request."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "churn_http_requests",
            "HTTP requests by route template, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "churn_http_request_seconds",
            "Request latency by route template.",
            ["route", "method"],
            registry=self.registry,
        )
        self.model = Gauge(
            "churn_model_info",
            "The model version being served (value 1; a version no longer served, 0).",
            ["name", "version"],
            registry=self.registry,
            multiprocess_mode="mostrecent",
        )
        self._served: tuple[str, str] | None = None
        self.scores = Histogram(
            "churn_served_probability",
            "Churn probabilities returned for single customers (stored or live).",
            buckets=PROBABILITY_BUCKETS,
            registry=self.registry,
        )

        self.live_batch = Histogram(
            "churn_live_score_batch_requests",
            "POST /v1/score requests scored together in one run (see serving/coalesce.py).",
            buckets=BATCH_BUCKETS,
            registry=self.registry,
        )
        self.live_scored = Counter(
            "churn_live_scored_requests",
            "POST /v1/score requests by where they were scored: 'worker' (this process) or "
            "'process' (the shared scoring process; see serving/dispatch.py).",
            ["where"],
            registry=self.registry,
        )

    def serving(self, name: str, version: str) -> None:
        """Mark the version now served: the previous one leaves the output, or reads 0
        with several workers (multiprocess mode cannot remove a label set)."""
        if not multiprocess_dir():
            self.model.clear()
        elif self._served is not None:
            self.model.labels(*self._served).set(0)
        self._served = (name, version)
        self.model.labels(name=name, version=version).set(1)

    def observe_scores(self, probabilities: Iterable[float]) -> None:
        for probability in probabilities:
            self.scores.observe(probability)

    def render(self) -> Response:
        """This app's metrics; with several workers, all workers' (see the module doc)."""
        registry = self.registry
        if multiprocess_dir():
            registry = CollectorRegistry()  # a fresh one per scrape, as the library asks
            multiprocess.MultiProcessCollector(registry)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/openapi.json", "/redoc"})
"""FastAPI's own pages: routes that set no `route` in the scope, counted by their path
(they had been counted as `unmatched`, with the 404s)."""


class RequestMetrics:
    """ASGI middleware: count and time each HTTP request under its route template
    (`unmatched` for 404s). Plain ASGI rather than `@app.middleware("http")`, whose
    request/response wrapping costs more than a stored-score lookup itself."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path_format", None)  # no convertors
            route = route or (scope["path"] if scope["path"] in DOCS_PATHS else "unmatched")
            method = scope["method"]
            self.metrics.latency.labels(route=route, method=method).observe(
                time.perf_counter() - started
            )
            self.metrics.requests.labels(route=route, method=method, status=str(status)).inc()
