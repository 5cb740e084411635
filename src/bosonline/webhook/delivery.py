"""One delivery attempt over HTTP, and the retry schedule.

POST <endpoint url> with the delivery's stored body (the exact bytes, every attempt) and the headers:

    Content-Type: application/json
    User-Agent: bosonline/<version>
    X-Bosonline-Event: order.status_changed
    X-Bosonline-Delivery: <unique_id of the delivery, also in the body>
    X-Bosonline-Hmac-Sha256: base64(HMAC-SHA256(key=endpoint secret, message=raw body))

Any 2xx answer is delivered. Anything else (another status, a redirect, a timeout, a refused connection, a target
that is not a public address) is an attempt that failed: retried after BACKOFF, failed for good after
MAX_ATTEMPTS attempts.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import timedelta

import httpx

from bosonline import __version__
from bosonline.config import Settings
from bosonline.webhook.signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, sign
from bosonline.webhook.targets import TargetRefused, transport

# Wait after attempt 1, 2, … before the next one; after attempt MAX_ATTEMPTS the delivery is failed.
BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(BACKOFF) + 1  # 8 attempts over about 10 h 43 min
EXCERPT_CHARS = 500
_EXCERPT_BYTES = 4 * EXCERPT_CHARS  # at most this much of an answer is read
ERROR_CHARS = 500


def retry_delay(attempts_done: int) -> timedelta | None:
    """How long to wait after `attempts_done` attempts failed; None once they are exhausted."""
    if attempts_done >= MAX_ATTEMPTS:
        return None
    return BACKOFF[max(attempts_done, 1) - 1]


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    status_code: int | None
    error: str | None
    excerpt: str | None
    duration_ms: int


def user_agent() -> str:
    return f"bosonline/{__version__}"


def make_client(settings: Settings) -> httpx.AsyncClient:
    """The worker's one HTTP client: no redirects, no proxy from the environment, public targets only unless
    `webhook_allow_private_targets`."""
    return httpx.AsyncClient(
        transport=transport(
            allow_private=settings.webhook_allow_private_targets,
            max_connections=settings.webhook_concurrency,
            resolve_timeout=min(5.0, settings.webhook_timeout_seconds),
        ),
        timeout=httpx.Timeout(settings.webhook_timeout_seconds),
        follow_redirects=False,
        trust_env=False,
    )


def headers_for(*, secret: str, event: str, unique_id: str, raw: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": user_agent(),
        # The excerpt of the answer is read raw: ask for it uncompressed (httpx offers gzip by default).
        "Accept-Encoding": "identity",
        EVENT_HEADER: event,
        DELIVERY_HEADER: unique_id,
        SIGNATURE_HEADER: sign(secret, raw),
    }


async def _excerpt(response: httpx.Response) -> str | None:
    received = bytearray()
    async for chunk in response.aiter_raw():
        received += chunk
        if len(received) >= _EXCERPT_BYTES:
            break
    text = printable(bytes(received[:_EXCERPT_BYTES]).decode("utf-8", errors="replace")).strip()
    return text[:EXCERPT_CHARS] or None


def printable(text: str) -> str:
    """What a receiver answered, safe to store: control characters (a NUL byte is refused by PostgreSQL and would
    fail the whole batch's record) become U+FFFD; line breaks and tabs stay."""
    return "".join(ch if ch in "\n\t" or (ord(ch) >= 32 and ord(ch) != 127) else "\ufffd" for ch in text)


def _describe(exc: Exception) -> str:
    detail = str(exc).strip()
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


async def post(
    client: httpx.AsyncClient, *, url: str, secret: str, event: str, unique_id: str, body: str, deadline: float
) -> Outcome:
    """One attempt; never raises (every failure is an Outcome)."""
    raw = body.encode()
    headers = headers_for(secret=secret, event=event, unique_id=unique_id, raw=raw)
    started = time.monotonic()
    status_code: int | None = None
    excerpt: str | None = None
    error: str | None = None
    try:
        async with asyncio.timeout(deadline):  # the whole attempt, however slowly the receiver trickles bytes
            async with client.stream("POST", url, content=raw, headers=headers) as response:
                status_code = response.status_code
                excerpt = await _excerpt(response)
    except TargetRefused as exc:
        error = f"not sent: {exc}"
    except (TimeoutError, httpx.TimeoutException):
        error = f"timed out after {deadline:g} s"
    except Exception as exc:  # noqa: BLE001 - an attempt must end as a logged outcome, whatever went wrong
        error = _describe(exc)
    duration_ms = int((time.monotonic() - started) * 1000)
    delivered = status_code is not None and 200 <= status_code < 300
    if delivered:
        error = None  # a 2xx whose body was slow or broken is still an acknowledgement
    elif status_code is not None:
        error = f"HTTP {status_code}" + (" (redirects are not followed)" if 300 <= status_code < 400 else "")
    return Outcome(
        delivered=delivered,
        status_code=status_code,
        error=printable(error)[:ERROR_CHARS] if error else None,
        excerpt=excerpt,
        duration_ms=duration_ms,
    )
