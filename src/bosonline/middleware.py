"""Our pure ASGI middleware: request id + access log + request metrics, and a cap on request body size, in one layer."""

from __future__ import annotations

import contextlib
import json
import random
import re
import time

import structlog
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bosonline import metrics
from bosonline.errors import SCALEV_PREFIX, error_body, scalev_error_body

log = structlog.get_logger("bosonline.access")

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestMiddleware:
    """Our one pure-ASGI layer around the app (issue 15: each layer is frames and closures on every request):

    - `request_id`: takes a sane incoming X-Request-Id or makes one, returns it, binds it to every log line, and logs
      and measures (metrics.py) each request;
    - `max_bytes`: 413 for bodies over the limit, by Content-Length up front, or while streaming a body without one
      (chunked). A body with a Content-Length is framed by the server to that length, and an HTTP/1.x request with
      neither header has none: only a chunked body (or one of another protocol) is counted as it is read.

    `create_app` puts one layer with both outermost; with CORS on, CORS goes between a request-id layer (so that its
    preflight answers carry an id and are logged) and a body-limit layer (so that a 413 carries CORS headers)."""

    def __init__(self, app: ASGIApp, *, request_id: bool = True, max_bytes: int | None = None) -> None:
        self.app = app
        self.request_id = request_id
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = length = None
        chunked = False
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value
            elif name == b"content-length":
                length = value
            elif name == b"transfer-encoding":
                chunked = True
        max_bytes = self.max_bytes
        counted = False  # the body is counted as it is read (no Content-Length)
        if max_bytes is not None:
            if length is not None:
                try:
                    too_big = int(length) > max_bytes
                except ValueError:
                    too_big = None
                if too_big is not False:
                    await self._answer(
                        scope,
                        receive,
                        send,
                        incoming,
                        *(
                            (400, "bad_request", "Invalid Content-Length header")
                            if too_big is None
                            else (413, "payload_too_large", f"Request body is larger than {max_bytes} bytes")
                        ),
                    )
                    return
            else:
                # HTTP/1.x: a request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 6.3)
                counted = chunked or scope.get("http_version") not in ("1.1", "1.0")
        if not self.request_id:
            if counted:
                await _limited(self.app, scope, receive, send, max_bytes)  # type: ignore[arg-type]
            else:
                await self.app(scope, receive, send)
            return
        request_id = _request_id(incoming)
        scope.setdefault("state", {})["request_id"] = request_id
        header = (b"x-request-id", request_id.encode())
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
        metrics.IN_FLIGHT.inc()
        try:
            if counted:
                await _limited(self.app, scope, receive, send_with_id, max_bytes)  # type: ignore[arg-type]
            else:
                await self.app(scope, receive, send_with_id)
        finally:
            metrics.IN_FLIGHT.dec()
            seconds = time.perf_counter() - started
            metrics.observe_request(scope["method"], route_template(scope), status, seconds)
            log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status,
                duration_ms=round(seconds * 1000, 2),
            )
            structlog.contextvars.reset_contextvars(**tokens)

    async def _answer(
        self, scope: Scope, receive: Receive, send: Send, incoming: bytes | None, status: int, code: str, message: str
    ) -> None:
        """A refusal before the app, through the request-id layer when this is one."""

        async def refuse(scope: Scope, _receive: Receive, send: Send) -> None:
            await _reply(scope, send, status, code, message)

        if self.request_id:
            await RequestMiddleware(refuse)(scope, receive, send)
        else:
            await refuse(scope, receive, send)


def _request_id(incoming: bytes | None) -> str:
    if incoming is not None:
        text = incoming.decode("latin-1")
        if _SAFE_REQUEST_ID.fullmatch(text):
            return text
    return f"{random.getrandbits(128):032x}"  # a correlation id, not a secret: no system call for it


async def _limited(app: ASGIApp, scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
    """`app` with a body counted as it is read: over `max_bytes`, whatever the app answers is dropped and a 413 sent."""
    received = 0
    too_large = False
    response_started = False

    async def limited_receive() -> Message:
        nonlocal received, too_large
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > max_bytes:
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
        await app(scope, limited_receive, tracking_send)
    if too_large and not response_started:
        await _reply(scope, send, 413, "payload_too_large", f"Request body is larger than {max_bytes} bytes")


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
