"""``GET /healthz``, ``/readyz`` and ``/metrics`` over HTTP (tornado, which PTB's webhook uses).

With a webhook the three paths are served by the webhook server itself (`add_to_webhook`);
while polling, by a small server of their own on ``HEALTH_PORT`` (`start_health_server`).

- ``/healthz``: 200 ``ok`` while the process runs its event loop.
- ``/readyz``: 200 when every check passes, else 503; the body has one line per check.
- ``/metrics``: the Prometheus text (`bot.metrics`).

Requests are not logged (tornado's access log stays at WARNING, see `bot.logging_setup`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import tornado.web
from tornado.httpserver import HTTPServer

from bot.health import CheckRun, run_checks
from bot.metrics import CONTENT_TYPE_LATEST, Metrics, Refresh

__all__ = ["HealthRoutes", "add_to_webhook", "start_health_server"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class HealthRoutes:
    """What the three paths answer from: the readiness checks and the metrics."""

    checks: Sequence[CheckRun]
    metrics: Metrics
    refresh: Sequence[Refresh] = ()

    def handlers(self) -> list[tuple[str, type[tornado.web.RequestHandler], dict[str, Any]]]:
        return [
            (r"/healthz", _Alive, {}),
            (r"/readyz", _Ready, {"routes": self}),
            (r"/metrics", _Metrics, {"routes": self}),
        ]


class _Alive(tornado.web.RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("ok\n")


class _Ready(tornado.web.RequestHandler):
    def initialize(self, routes: HealthRoutes) -> None:
        self.routes = routes

    async def get(self) -> None:
        results = await run_checks(self.routes.checks)
        self.set_status(200 if all(check.ok for check in results) else 503)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("".join(check.line() + "\n" for check in results))


class _Metrics(tornado.web.RequestHandler):
    def initialize(self, routes: HealthRoutes) -> None:
        self.routes = routes

    async def get(self) -> None:
        body = await self.routes.metrics.render(self.routes.refresh)
        self.set_header("Content-Type", CONTENT_TYPE_LATEST)
        self.finish(body)


def start_health_server(routes: HealthRoutes, listen: str, port: int) -> HTTPServer:
    """Serve the three paths on `listen`:`port` (polling mode); `stop()` it when done."""
    server = HTTPServer(tornado.web.Application(routes.handlers()))
    server.listen(port, address=listen)
    log.info("health and metrics on port %d", port)
    return server


def add_to_webhook(updater: Any, routes: HealthRoutes) -> None:
    """Add the three paths to the running webhook server of PTB's `Updater`.

    PTB builds its tornado application without a way to add routes, so they are added to
    the server's application, the way `bot.telegram_adapter` bounds request bodies.
    """
    server = getattr(getattr(updater, "_httpd", None), "_http_server", None)
    application = getattr(server, "request_callback", None)
    if not isinstance(application, tornado.web.Application):
        log.warning("could not add /healthz, /readyz and /metrics to the webhook server")
        return
    application.add_handlers(r".*", routes.handlers())
