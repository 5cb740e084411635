"""Fake WhatsApp gateways on 127.0.0.1 for tests and benchmarks: a raw asyncio HTTP/1.1 server (keep-alive,
any number of concurrent connections) that speaks one provider's documented API and records what it receives.

    gateway = await FakeGateway("fonnte", token="tok").start()
    settings = test_settings(..., **gateway.settings_overrides())   # e.g. {"fonnte_base_url": gateway.base_url}
    ...                                                              # credentials: {"token": "tok", ...}
    await gateway.wait_for(3)                                        # until 3 messages were accepted
    assert [m.to for m in gateway.messages] == [...]
    await gateway.close()

or `async with FakeGateway("whatsapp_cloud") as gateway: ...`.

What each provider's fake answers (success bodies are the documented ones):
- fonnte: POST /send (form target/message/url; `Authorization: <token>`) → {"status":true,"detail":…,"id":["…"]};
  POST /device → {"status":true,"device_status":"connect"|"disconnect",…}. Wrong token → 401
  {"status":false,"reason":"invalid token"} (`auth_status` changes the HTTP status, e.g. 200).
- wablas: POST /api/send-message (phone, message) and /api/send-image (phone, image, caption), form or JSON;
  `Authorization: <token>` → {"status":true,"message":…,"data":{"messages":[{"id":…}]}};
  GET /api/device/info?token=<token> → {"status":true,"data":{"status":"connected"|"disconnected",…}}.
  `base_url` has no `{server}` (use it as wablas_base_url); paths are matched by their ending, so a template
  like f"{gateway.base_url}/{{server}}" also works and the server shows in `message.path`.
- starsender: POST /api/send JSON {"messageType":"text"|"media","to","body","file"}; `Authorization: <key>` →
  {"success":true,"data":{"id":…},"message":…}; GET /api/device/status → {"success":true,"data":{"status":…}}.
- whatsapp_cloud: `base_url` is the origin f"http://127.0.0.1:{port}" (the adapter adds the Graph API version,
  any `v<N>.<M>` is served and the one used shows in `.versions`); POST /{version}/{phone_number_id}/messages
  (`Authorization: Bearer <token>`) → {"messaging_product":"whatsapp","contacts":[…],"messages":[{"id":"wamid…"}]}
  (a `type: template` send is decoded into `Sent.template`); GET /{version}/{phone_number_id}?fields=… →
  {"display_phone_number",…}; GET /{version}/{waba_id}/message_templates?status=APPROVED&fields=…&limit=&after=
  → {"data": [the `templates` of that status], "paging": {"cursors": {"before", "after"}, "next"?}} in pages of
  `limit` (default 25), `next` only while more follow, as Meta's cursor paging. Wrong token → 401, code 190.

Knobs (each consumed by the next requests, sends and checks alike, in this order of precedence):
- `hang_next`: never answer (the client times out); `drop_next`: close the connection after reading the request;
- `fail_next`: answer `fail_status` (default 500) with a JSON error body;
- `garbage_next`: 200 with a non-JSON body;
- `reject_next` (checked after auth): the provider's own refusal: 200 with its failure flag (`reject_reason`);
  for whatsapp_cloud a 400 {"error":{"code": reject_code (default 131047),…}} (set 130429 for a rate limit);
- `connected = False`: device checks report a disconnected device; `delay`: seconds before every answer;
- `compress = True`: every JSON answer is gzipped (`Content-Encoding: gzip`), as providers behind a CDN answer
  clients that accept gzip (httpx asks for it by default).

`.requests` holds every request (Received), `.messages` every send the gateway accepted, i.e. that a buyer may
have received: answered with success, or hung / dropped / answered with garbage after auth passed (the answer was
lost, not the message). Refused sends (fail_next, reject_next, wrong token) are not in `.messages`.
`.max_in_flight` is the most requests it was answering at once.

Status webhooks: `meta_status(...)`, `meta_status_payload([...])` and `meta_signature(app_secret, body)` build a
signed Meta delivery-status webhook; `fonnte_status`, `wablas_status`, `starsender_status` the gateways' ones.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import hmac
import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

PROVIDERS = ("fonnte", "wablas", "starsender", "whatsapp_cloud")
_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes


@dataclass
class Sent:
    """One decoded send."""

    to: str
    text: str
    image: str | None
    auth: str  # the Authorization header as received
    path: str
    id: str  # the message id the gateway answered (or would have)
    fields: dict[str, Any]  # the decoded form / JSON body
    reference: str | None = None  # whatsapp_cloud: biz_opaque_callback_data
    template: dict[str, Any] | None = None  # whatsapp_cloud: the `template` object of a template send


@dataclass
class _Answer:
    status: int
    body: bytes
    content_type: str = "application/json"


_HANG = "hang"
_DROP = "drop"


@dataclass
class FakeGateway:
    provider: str
    token: str = "test-token"
    fail_next: int = 0
    fail_status: int = 500
    reject_next: int = 0
    reject_reason: str = ""
    reject_code: int = 131047
    hang_next: int = 0
    drop_next: int = 0
    garbage_next: int = 0
    auth_status: int = 401
    connected: bool = True
    compress: bool = False
    delay: float = 0.0
    templates: list[dict[str, Any]] = field(default_factory=list)  # whatsapp_cloud: the account's message templates
    versions: set[str] = field(default_factory=set)  # whatsapp_cloud: the Graph API versions called
    port: int = 0
    requests: list[Received] = field(default_factory=list)
    messages: list[Sent] = field(default_factory=list)
    max_in_flight: int = 0
    _in_flight: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _server: asyncio.Server | None = None
    _handlers: set[asyncio.Task[None]] = field(default_factory=set)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        if self.provider not in PROVIDERS:
            raise ValueError(f"unknown provider {self.provider!r}")

    # -- lifecycle ------------------------------------------------------------------------------------------------
    async def start(self) -> Self:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, backlog=1024)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()
        self._server = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings_overrides(self) -> dict[str, str]:
        return {f"{self.provider}_base_url": self.base_url}

    async def wait_for(self, count: int, timeout: float = 10) -> None:
        """Until `count` messages were accepted (sent by another task: a worker)."""
        await self._wait(lambda: len(self.messages) >= count, timeout)

    async def wait_for_requests(self, count: int, timeout: float = 10) -> None:
        await self._wait(lambda: len(self.requests) >= count, timeout)

    def per_recipient(self) -> Counter[str]:
        """How many accepted messages each number got (a duplicate shows as a count above 1)."""
        return Counter(message.to for message in self.messages)

    async def _wait(self, done: Any, timeout: float) -> None:
        async with asyncio.timeout(timeout):
            while not done():
                self._arrived.clear()
                await self._arrived.wait()

    # -- HTTP -----------------------------------------------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _version = lines[0].split(" ", 2)
                headers: dict[str, str] = {}
                for line in lines[1:]:
                    if line:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
                url = urlsplit(target)
                query = {key: values[0] for key, values in parse_qs(url.query).items()}
                request = Received(method, url.path, query, headers, body)
                self.requests.append(request)
                self._in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self._in_flight)
                try:
                    answer = self._answer(request)
                    self._arrived.set()
                    if answer == _HANG:
                        await asyncio.Event().wait()
                    if answer == _DROP:
                        return
                    assert isinstance(answer, _Answer)
                    if self.delay:
                        await asyncio.sleep(self.delay)
                finally:
                    self._in_flight -= 1
                close = headers.get("connection", "").lower() == "close"
                body, encoding = answer.body, []
                if self.compress and answer.content_type == "application/json":
                    body, encoding = gzip.compress(body), ["Content-Encoding: gzip"]
                head_lines = [
                    f"HTTP/1.1 {answer.status} {_REASONS.get(answer.status, 'Status')}",
                    f"Content-Type: {answer.content_type}",
                    f"Content-Length: {len(body)}",
                    *encoding,
                ] + (["Connection: close"] if close else [])
                writer.write(("\r\n".join(head_lines) + "\r\n\r\n").encode() + body)
                await writer.drain()
                if close:
                    return
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        except asyncio.CancelledError:  # close(): end quietly (asyncio logs a handler task that ends cancelled)
            pass
        finally:
            self._handlers.discard(task)
            writer.close()

    def _answer(self, request: Received) -> _Answer | str:
        route = self._route(request)
        if route is None:
            return _json(404, {"error": "not found"})
        kind, path_arg = route
        sent = self._decode_send(request, path_arg) if kind == "send" else None
        authorized = self._authorized(request)
        if self.hang_next > 0:
            self.hang_next -= 1
            self._accept(sent, authorized)
            return _HANG
        if self.drop_next > 0:
            self.drop_next -= 1
            self._accept(sent, authorized)
            return _DROP
        if self.fail_next > 0:
            self.fail_next -= 1
            return self._failure()
        if self.garbage_next > 0:
            self.garbage_next -= 1
            self._accept(sent, authorized)
            return _Answer(200, b"<html><body>Gateway says hi</body></html>", "text/html")
        if not authorized:
            return self._unauthorized()
        if self.reject_next > 0 and kind == "send":
            self.reject_next -= 1
            return self._rejected()
        if kind == "check":
            return self._check_answer(path_arg)
        if kind == "templates":
            return self._templates_answer(request)
        assert sent is not None
        self._accept(sent, True)
        return self._sent_answer(sent)

    def _accept(self, sent: Sent | None, authorized: bool) -> None:
        if sent is not None and authorized:
            self.messages.append(sent)

    # -- provider contracts ---------------------------------------------------------------------------------------
    def _route(self, request: Received) -> tuple[str, str] | None:
        path, method = request.path, request.method
        if self.provider == "fonnte":
            if method == "POST" and path == "/send":
                return ("send", "")
            if method == "POST" and path == "/device":
                return ("check", "")
        elif self.provider == "wablas":
            if method == "POST" and path.endswith("/api/send-message"):
                return ("send", "text")
            if method == "POST" and path.endswith("/api/send-image"):
                return ("send", "image")
            if method == "GET" and path.endswith("/api/device/info"):
                return ("check", "")
        elif self.provider == "starsender":
            if method == "POST" and path == "/api/send":
                return ("send", "")
            if method == "GET" and path == "/api/device/status":
                return ("check", "")
        else:
            parts = path.strip("/").split("/")
            if not parts or not re.fullmatch(r"v[0-9]+\.[0-9]+", parts[0]):
                return None
            self.versions.add(parts[0])
            if len(parts) == 3 and parts[2] == "messages" and method == "POST":
                return ("send", parts[1])
            if len(parts) == 3 and parts[2] == "message_templates" and method == "GET":
                return ("templates", parts[1])
            if len(parts) == 2 and method == "GET":
                return ("check", parts[1])
        return None

    def _authorized(self, request: Received) -> bool:
        auth = request.headers.get("authorization", "")
        if self.provider == "wablas" and request.method == "GET":
            return hmac.compare_digest(request.query.get("token", ""), self.token)
        if self.provider == "whatsapp_cloud":
            return hmac.compare_digest(auth, f"Bearer {self.token}")
        return hmac.compare_digest(auth, self.token)

    def _decode_send(self, request: Received, path_arg: str) -> Sent:
        fields = _decode_body(request)
        auth = request.headers.get("authorization", "")
        number = next(self._ids)

        def text_of(key: str) -> str:
            return str(fields.get(key) or "")

        if self.provider == "fonnte":
            return Sent(
                text_of("target"),
                text_of("message"),
                fields.get("url") or None,
                auth,
                request.path,
                f"{80_000_000 + number}",
                fields,
            )
        if self.provider == "wablas":
            if path_arg == "image":
                return Sent(
                    text_of("phone"),
                    text_of("caption"),
                    text_of("image") or None,
                    auth,
                    request.path,
                    f"wablas-{number:08d}",
                    fields,
                )
            return Sent(text_of("phone"), text_of("message"), None, auth, request.path, f"wablas-{number:08d}", fields)
        if self.provider == "starsender":
            image = text_of("file") or None if fields.get("messageType") == "media" else None
            return Sent(text_of("to"), text_of("body"), image, auth, request.path, f"ss-{number}", fields)
        kind = fields.get("type")
        content = fields.get(kind) if isinstance(kind, str) else None
        content = content if isinstance(content, dict) else {}
        text = str(content.get("body") or content.get("caption") or "")
        image = str(content["link"]) if kind == "image" and content.get("link") else None
        template = content if kind == "template" else None
        return Sent(
            text_of("to"),
            text,
            image,
            auth,
            request.path,
            f"wamid.FAKE{number:012d}",
            fields,
            reference=fields.get("biz_opaque_callback_data"),
            template=template,
        )

    def _sent_answer(self, sent: Sent) -> _Answer:
        if self.provider == "fonnte":
            return _json(
                200,
                {
                    "detail": "success! message in queue",
                    "id": [sent.id],
                    "process": "pending",
                    "requestid": int(sent.id) % 1000,
                    "status": True,
                    "target": [sent.to],
                },
            )
        if self.provider == "wablas":
            return _json(
                200,
                {
                    "status": True,
                    "message": "Message is pending and waiting to be processed",
                    "data": {
                        "device_id": "FAKE",
                        "quota": 999,
                        "messages": [{"id": sent.id, "phone": sent.to, "message": sent.text, "status": "pending"}],
                    },
                },
            )
        if self.provider == "starsender":
            return _json(
                200,
                {
                    "success": True,
                    "data": {"id": sent.id, "to": sent.to, "status": "pending"},
                    "message": "Message sent successfully",
                },
            )
        return _json(
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": sent.to, "wa_id": sent.to}],
                "messages": [{"id": sent.id, "message_status": "accepted"}],
            },
        )

    def _templates_answer(self, request: Received) -> _Answer:
        """Meta's cursor paging: `after` is the index of the next item, opaque to the client."""
        wanted = request.query.get("status")
        items = [item for item in self.templates if wanted is None or item.get("status") == wanted]
        limit = int(request.query.get("limit", "25"))
        start = _cursor_index(request.query.get("after"))
        page = items[start : start + limit]
        paging: dict[str, Any] = {"cursors": {"before": _cursor(start), "after": _cursor(start + len(page))}}
        if start + len(page) < len(items):
            paging["next"] = f"http://127.0.0.1:{self.port}{request.path}?after={_cursor(start + len(page))}"
        return _json(200, {"data": page, "paging": paging})

    def _unauthorized(self) -> _Answer:
        if self.provider == "fonnte":
            return _json(self.auth_status, {"status": False, "reason": "invalid token"})
        if self.provider == "wablas":
            return _json(self.auth_status, {"status": False, "message": "token invalid"})
        if self.provider == "starsender":
            return _json(self.auth_status, {"success": False, "message": "Unauthorized: invalid device key"})
        return _json(
            self.auth_status,
            {
                "error": {
                    "message": "Invalid OAuth access token - Cannot parse access token",
                    "type": "OAuthException",
                    "code": 190,
                    "fbtrace_id": "FAKE",
                }
            },
        )

    def _rejected(self) -> _Answer:
        if self.provider == "fonnte":
            return _json(200, {"status": False, "reason": self.reject_reason or "target invalid"})
        if self.provider == "wablas":
            return _json(200, {"status": False, "message": self.reject_reason or "phone number not registered"})
        if self.provider == "starsender":
            return _json(200, {"success": False, "message": self.reject_reason or "Nomor tidak terdaftar di WhatsApp"})
        return _json(
            400,
            {
                "error": {
                    "message": self.reject_reason or "(#131047) Re-engagement message",
                    "type": "OAuthException",
                    "code": self.reject_code,
                    "error_data": {"messaging_product": "whatsapp", "details": "refused"},
                    "fbtrace_id": "FAKE",
                }
            },
        )

    def _failure(self) -> _Answer:
        if self.provider == "whatsapp_cloud":
            return _json(self.fail_status, {"error": {"message": "Service temporarily unavailable", "code": 2}})
        return _json(self.fail_status, {"status": False, "message": "server error"})

    def _check_answer(self, path_arg: str) -> _Answer:
        if self.provider == "fonnte":
            return _json(
                200,
                {
                    "device": "6281200000000",
                    "device_status": "connect" if self.connected else "disconnect",
                    "expired": "31 December 2030",
                    "messages": len(self.messages),
                    "name": "fake",
                    "package": "Regular",
                    "quota": "999",
                    "status": True,
                },
            )
        if self.provider == "wablas":
            return _json(
                200,
                {
                    "status": True,
                    "message": "success",
                    "data": {
                        "serial": "FAKE",
                        "sender": "6281200000000",
                        "name": "fake",
                        "quota": 999,
                        "expired_date": "2030-12-31",
                        "status": "connected" if self.connected else "disconnected",
                    },
                },
            )
        if self.provider == "starsender":
            return _json(
                200,
                {
                    "success": True,
                    "data": {"device": "6281200000000", "status": "connected" if self.connected else "disconnected"},
                    "message": "ok",
                },
            )
        if not self.connected:
            return _json(
                400,
                {
                    "error": {
                        "message": f"Unsupported get request. Object with ID '{path_arg}' does not exist",
                        "type": "GraphMethodException",
                        "code": 100,
                    }
                },
            )
        return _json(
            200,
            {
                "display_phone_number": "+62 812-0000-0000",
                "verified_name": "Toko Fake",
                "quality_rating": "GREEN",
                "id": path_arg,
            },
        )


def _cursor(index: int) -> str:
    return base64.b64encode(str(index).encode()).decode()


def _cursor_index(cursor: str | None) -> int:
    return int(base64.b64decode(cursor).decode()) if cursor else 0


def _json(status: int, data: Any) -> _Answer:
    return _Answer(status, json.dumps(data).encode())


def _decode_body(request: Received) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "")
    try:
        if "json" in content_type:
            data = json.loads(request.body or b"{}")
            return data if isinstance(data, dict) else {}
        if "multipart/form-data" in content_type:
            return _multipart(request.body, content_type)
        return {key: values[0] for key, values in parse_qs(request.body.decode()).items()}
    except (ValueError, UnicodeDecodeError):
        return {}


def _multipart(body: bytes, content_type: str) -> dict[str, Any]:
    boundary = content_type.split("boundary=", 1)[1].strip('"').encode()
    fields: dict[str, Any] = {}
    for part in body.split(b"--" + boundary):
        head, _, value = part.partition(b"\r\n\r\n")
        marker = b'name="'
        if marker in head:
            name = head.split(marker, 1)[1].split(b'"', 1)[0].decode()
            fields[name] = value.rstrip(b"\r\n").decode(errors="replace")
    return fields


# -- status webhooks --------------------------------------------------------------------------------------------
def meta_status(
    message_id: str,
    status: str,
    *,
    reference: str | None = None,
    recipient: str = "6281234567890",
    timestamp: int = 1_700_000_000,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    item: dict[str, Any] = {"id": message_id, "status": status, "timestamp": str(timestamp), "recipient_id": recipient}
    if reference is not None:
        item["biz_opaque_callback_data"] = reference
    if errors is not None:
        item["errors"] = errors
    return item


def meta_status_payload(statuses: list[dict[str, Any]], phone_number_id: str = "1234567890") -> dict[str, Any]:
    """Meta's webhook body carrying these statuses (one entry, one change)."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA_ID",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "6281200000000", "phone_number_id": phone_number_id},
                            "statuses": statuses,
                        },
                    }
                ],
            }
        ],
    }


def meta_inbound(
    sender: str = "6281234567890", *, timestamp: int = 1_700_000_000, text: str = "Halo"
) -> dict[str, Any]:
    """One message a buyer sent, as Meta's webhook carries it in `value.messages[]`."""
    return {
        "from": sender,
        "id": f"wamid.IN{timestamp}",
        "timestamp": str(timestamp),
        "type": "text",
        "text": {"body": text},
    }


def meta_inbound_payload(messages: list[dict[str, Any]], phone_number_id: str = "1234567890") -> dict[str, Any]:
    """Meta's webhook body carrying buyers' messages (one entry, one change, with the contacts' profiles)."""
    payload = meta_status_payload([], phone_number_id)
    value = payload["entry"][0]["changes"][0]["value"]
    del value["statuses"]
    value["contacts"] = [{"profile": {"name": "Pembeli"}, "wa_id": item["from"]} for item in messages]
    value["messages"] = messages
    return payload


def meta_signature(app_secret: str, body: bytes) -> str:
    """The X-Hub-Signature-256 header value Meta sends with `body`."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def fonnte_status(message_id: str, state: str) -> dict[str, Any]:
    return {"device": "6281200000000", "id": message_id, "stateid": "FAKE", "status": state, "state": state}


def wablas_status(message_id: str, status: str) -> dict[str, Any]:
    return {"id": message_id, "phone": "6281234567890", "status": status, "note": "", "deviceId": "FAKE"}


def starsender_status(message_id: str, status: str) -> dict[str, Any]:
    return {"message_id": message_id, "status": status, "to": "6281234567890"}
