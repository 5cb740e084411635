"""One provider call over httpx, classified the way the dispatcher needs it (base.py): a send may only be retried
when it certainly did not leave; anything that may have reached the provider is `unknown`.

Whether the request "left" is known precisely from httpcore's trace events: until the request headers start to
be written (pool wait, DNS, TCP connect, TLS), nothing reached the provider and any failure or timeout is `retry`;
from then on a timeout, a dropped connection or an unreadable answer is `unknown`.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import structlog

from bosonline.integrations.whatsapp.base import CheckResult, OutgoingMessage, SendResult

log = structlog.get_logger("bosonline.whatsapp")

MAX_ERROR = 300
MAX_ANSWER_BYTES = 256 * 1024  # provider answers are small; a larger one is not an answer we can read
UNAUTHORIZED = "unauthorized: check the token"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def clean(text: object, limit: int = MAX_ERROR) -> str:
    """A short printable one-line string (what ends up in followup_messages.error and in the UI)."""
    value = _CONTROL.sub(" ", str(text)).strip()
    value = re.sub(r"\s{2,}", " ", value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass(frozen=True)
class Answer:
    """What came back, or `result` when nothing usable did (a transport failure, already classified)."""

    status: int = 0
    data: Any = None  # the decoded JSON, None when the body is not JSON
    text: str = ""
    result: SendResult | None = None


class _Progress:
    written = False

    async def trace(self, event: str, info: dict[str, Any]) -> None:
        if "send_request_headers.started" in event:
            self.written = True


async def call(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    deadline: float,
    headers: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
    json_body: Any = None,
    form: dict[str, str] | None = None,
) -> Answer:
    """One request within `deadline` seconds overall. Never raises for a network or protocol problem."""
    progress = _Progress()
    try:
        request = client.build_request(
            method,
            url,
            headers=headers,
            params=params,
            json=json_body,
            data=form,
            timeout=httpx.Timeout(deadline),
            extensions={"trace": progress.trace},
        )
    except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError, TypeError) as exc:
        return Answer(result=SendResult("failed", error=clean(f"cannot build the request: {_describe(exc)}")))
    try:
        async with asyncio.timeout(deadline):
            response = await client.send(request, stream=True)
            try:
                body = await _read_capped(response)
            finally:
                await response.aclose()
    except (TimeoutError, httpx.TimeoutException) as exc:
        if not progress.written:
            return Answer(result=SendResult("retry", error=clean(f"timed out before sending ({_name(exc)})")))
        return Answer(result=SendResult("unknown", error=f"no answer within {deadline:g} s ({_name(exc)})"))
    except _TooLarge:
        return Answer(result=SendResult("unknown", error="the provider's answer is too large to read"))
    except (httpx.HTTPError, OSError) as exc:
        if not progress.written:
            return Answer(result=SendResult("retry", error=clean(f"cannot reach the provider: {_describe(exc)}")))
        return Answer(result=SendResult("unknown", error=clean(f"connection lost during the send: {_describe(exc)}")))
    text = body.decode("utf-8", errors="replace")
    try:
        data = json.loads(text) if text.strip() else None
    except (ValueError, RecursionError):
        data = None
    return Answer(status=response.status_code, data=data, text=text)


class _TooLarge(Exception):
    pass


async def _read_capped(response: httpx.Response) -> bytes:
    """The decoded body (httpx asks for gzip/deflate and undoes the Content-Encoding), refused once its decoded
    size passes MAX_ANSWER_BYTES: a small compressed answer may inflate enormously. httpx inflates one network
    chunk (≤ 64 KiB) at a time, so what is held before the check is bounded by one chunk's worth."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _name(exc: BaseException) -> str:
    return type(exc).__name__ if isinstance(exc, httpx.TimeoutException) else "overall deadline"


def _describe(exc: BaseException) -> str:
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def for_status(status: int, reason: str) -> SendResult:
    """The outcome of a non-2xx answer (`reason`: what the provider said, may be empty)."""
    suffix = f" ({reason})" if reason else ""
    if status in (429, 503):
        return SendResult("retry", error=clean(f"provider busy: HTTP {status}{suffix}"))
    if status >= 500:
        return SendResult("unknown", error=clean(f"provider error HTTP {status}{suffix}"))
    if status in (401, 403):
        return SendResult("failed", error=clean(f"{UNAUTHORIZED}{suffix}"))
    if status >= 400:
        return SendResult("failed", error=clean(f"refused (HTTP {status}): {reason or 'no reason given'}"))
    if 300 <= status < 400:
        return SendResult("failed", error=f"unexpected redirect HTTP {status}: check the provider base URL")
    return SendResult("unknown", error=f"unexpected HTTP {status}")


def unreadable(answer: Answer) -> SendResult:
    return SendResult("unknown", error=clean(f"unreadable answer (HTTP {answer.status}): {answer.text[:80]!r}"))


def check_for_failure(answer: Answer) -> CheckResult | None:
    """The CheckResult of a device check that did not get a usable 2xx answer; None when it did."""
    if answer.result is not None:
        # `failed` before sending: the request could not even be built (a bad base URL), not a network problem.
        status = "error" if answer.result.outcome == "failed" else "unreachable"
        return CheckResult(False, status, answer.result.error or "")
    if answer.status in (401, 403):
        return CheckResult(False, "unauthorized", UNAUTHORIZED)
    if not 200 <= answer.status < 300:
        return CheckResult(False, "error", clean(f"HTTP {answer.status}: {answer.text[:200]}"))
    if not isinstance(answer.data, dict):
        return CheckResult(False, "error", "unreadable answer")
    return None


def text_of(value: Any) -> str:
    """A provider's reason (a string, a list of strings or a dict of them) as one clean line."""
    if value is None:
        return ""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return clean("; ".join(text_of(item) for item in value[:5]))
    if isinstance(value, dict):
        return clean("; ".join(f"{key}: {text_of(item)}" for key, item in list(value.items())[:5]))
    return clean(value)


def first_id(value: Any) -> str | None:
    """A message id given as a string, a number or a list of them; None when there is none."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int)):
        found = clean(value, 128)
        return found or None
    return None


def is_token_problem(reason: str) -> bool:
    lowered = reason.lower()
    return "token" in lowered or "unauthori" in lowered or "api key" in lowered or "device key" in lowered


def device_refusal(data: dict[str, Any], *, flag: str, reason: str) -> CheckResult | None:
    """The CheckResult of a gateway's device check that answered with its success `flag` not true (a token
    problem says so); None when the flag is true."""
    if data.get(flag) is True:
        return None
    why = reason or "device check refused"
    if is_token_problem(why):
        return CheckResult(False, "unauthorized", f"{UNAUTHORIZED} ({why})"[:300])
    return CheckResult(False, "error", why)


def gateway_result(
    answer: Answer,
    *,
    flag: str,
    reason: Callable[[dict[str, Any]], str],
    message_id: Callable[[dict[str, Any]], str | None],
) -> SendResult:
    """The outcome of a send to a gateway that answers JSON with a boolean success `flag` (Fonnte `status`, Wablas
    `status`, StarSender `success`): a clear refusal is `failed` (a token problem says so, some gateways answer it
    with 200), an answer without the flag is `unknown`."""
    if answer.result is not None:
        return answer.result
    data = answer.data if isinstance(answer.data, dict) else None
    if not 200 <= answer.status < 300:
        return for_status(answer.status, reason(data) if data else text_of(answer.text[:120]))
    if data is None or not isinstance(data.get(flag), bool):
        return unreadable(answer)
    if data[flag]:
        return SendResult("sent", message_id=message_id(data))
    why = reason(data) or "refused without a reason"
    if is_token_problem(why):
        return SendResult("failed", error=f"{UNAUTHORIZED} ({why})"[:300])
    return SendResult("failed", error=f"refused: {why}"[:300])


class HttpAdapter:
    """What the four adapters share: their settings, the shared client, and the promise that send() and check()
    never raise (a bug in reading an answer makes the send `unknown`: it may have gone out)."""

    provider = ""
    required: tuple[str, ...] = ()  # the credentials without which nothing is sent or checked

    def __init__(self, credentials: dict[str, Any], phone_number: str, client: httpx.AsyncClient, settings: Any):
        self.credentials = {key: str(value) for key, value in credentials.items() if value is not None}
        self.phone_number = phone_number
        self.client = client
        self.settings = settings
        self.deadline = float(settings.wa_send_timeout_seconds)

    def missing(self, *fields: str) -> str | None:
        absent = [field for field in fields if not self.credentials.get(field, "").strip()]
        return f"credentials incomplete: {', '.join(absent)} missing" if absent else None

    async def send(self, message: OutgoingMessage) -> SendResult:
        try:
            if problem := self.missing(*self.required):
                return SendResult("failed", error=problem)
            return await self._send(message)
        except Exception as exc:  # the dispatcher must survive whatever a provider answers
            log.exception("whatsapp_send_crashed", provider=self.provider)
            return SendResult("unknown", error=clean(f"internal error while sending: {_describe(exc)}"))

    async def check(self) -> CheckResult:
        try:
            if problem := self.missing(*self.required):
                return CheckResult(False, "unauthorized", problem)
            return await self._check()
        except Exception as exc:
            log.exception("whatsapp_check_crashed", provider=self.provider)
            return CheckResult(False, "error", clean(f"internal error: {_describe(exc)}"))

    async def _send(self, message: OutgoingMessage) -> SendResult:
        raise NotImplementedError

    async def _check(self) -> CheckResult:
        raise NotImplementedError

    async def _call(self, method: str, url: str, **request: Any) -> Answer:
        """`call` with this adapter's client and deadline (`request`: call's headers, params, json_body, form)."""
        return await call(self.client, method, url, deadline=self.deadline, **request)


class GatewayAdapter(HttpAdapter):
    """A gateway that answers JSON with a boolean success `flag` (Fonnte, Wablas, StarSender): a send is one call read
    by gateway_result, a device check one call whose answer must carry the flag, and what the provider says is
    `_reason(data)` in both."""

    flag = "status"
    label = ""  # the gateway's name as sellers know it, in "scan the QR code in <label>"
    required: tuple[str, ...] = ("token",)
    base_url_setting = ""  # the Settings field of the gateway's base URL

    def _url(self, path: str) -> str:
        return str(getattr(self.settings, self.base_url_setting)).rstrip("/") + path

    def _headers(self) -> dict[str, str]:
        return {"Authorization": self.credentials["token"]}

    def _reason(self, data: dict[str, Any]) -> str:
        return text_of(data.get("message"))

    def _message_id(self, data: dict[str, Any]) -> str | None:
        raise NotImplementedError

    async def _deliver(self, method: str, url: str, **request: Any) -> SendResult:
        answer = await self._call(method, url, **request)
        return gateway_result(answer, flag=self.flag, reason=self._reason, message_id=self._message_id)

    async def _device(self, method: str, url: str, **request: Any) -> dict[str, Any] | CheckResult:
        """The device check's answer, or the CheckResult of a call that failed or that the gateway refused."""
        answer = await self._call(method, url, **request)
        if (failure := check_for_failure(answer)) is not None:
            return failure
        data: dict[str, Any] = answer.data
        if (refused := device_refusal(data, flag=self.flag, reason=self._reason(data))) is not None:
            return refused
        return data

    @staticmethod
    def _inner(data: dict[str, Any]) -> dict[str, Any]:
        """The answer's `data` object (Wablas, StarSender), empty when it has none."""
        inner = data.get("data")
        return inner if isinstance(inner, dict) else {}

    def _connection(self, state: str, *, connected: bool, detail: str) -> CheckResult:
        if connected:
            return CheckResult(True, "connected", detail)
        return CheckResult(
            False, "disconnected", f"device {state or 'not connected'}: scan the QR code in {self.label}"
        )
