"""Pure ASGI middleware: request id + access log + request metrics, and a cap on request body size."""

from __future__ import annotations

import contextlib
import json
import re
import time
import uuid

import structlog
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bosonline import metrics
from bosonline.errors import SCALEV_PREFIX, error_body, scalev_error_body

log = structlog.get_logger("bosonline.access")

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Takes a sane incoming X-Request-Id or makes one, returns it, and binds it to every log line; logs and
    measures (metrics.py) each request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id), metrics.in_flight():
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                seconds = time.perf_counter() - started
                metrics.observe_request(scope["method"], route_template(scope), status, seconds)
                log.info(
                    "request",
                    method=scope["method"],
                    path=scope["path"],
                    status=status,
                    duration_ms=round(seconds * 1000, 2),
                )


def route_template(scope: Scope) -> str:
    """The path template of the route that answered (`/store/order/{order_id}`), never the raw path: a label of
    request metrics must not take a new value per id."""
    route: BaseRoute | None = scope.get("route")  # FastAPI's routes put themselves here when they match
    if route is None and "endpoint" in scope and "app" in scope:  # Starlette's plain routes (/docs, /openapi.json)
        route = next(
            (
                candidate
                for candidate in getattr(scope["app"], "routes", ())
                if isinstance(candidate, Route) and candidate.endpoint is scope["endpoint"]
            ),
            None,
        )
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else metrics.UNMATCHED_ROUTE


class BodySizeLimitMiddleware:
    """413 for bodies over the limit: by Content-Length up front, or while streaming a chunked body."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_bytes
            except ValueError:
                await _reply(scope, send, 400, "bad_request", "Invalid Content-Length header")
                return
            if too_big:
                await _reply(
                    scope, send, 413, "payload_too_large", f"Request body is larger than {self.max_bytes} bytes"
                )
                return
        received = 0
        too_large = False
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            # FastAPI turns any failure while reading the body into its own 400: once the body went over the
            # limit, whatever the app answers is dropped and the 413 below is sent instead.
            if too_large and not response_started:
                return
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        with contextlib.suppress(_BodyTooLarge):
            await self.app(scope, limited_receive, tracking_send)
        if too_large and not response_started:
            await _reply(scope, send, 413, "payload_too_large", f"Request body is larger than {self.max_bytes} bytes")


class _BodyTooLarge(Exception):
    pass


async def _reply(scope: Scope, send: Send, status: int, code: str, message: str) -> None:
    shape = scalev_error_body if str(scope.get("path", "")).startswith(SCALEV_PREFIX) else error_body
    body = json.dumps(shape(code, message)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
