"""HTTP routes of the store's outgoing webhooks (/store/webhook): endpoints, test deliveries, delivery log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, status

from bosonline.deps import store_service
from bosonline.errors import error_responses
from bosonline.kit.fields import path_id
from bosonline.kit.pagination import PageQuery
from bosonline.kit.schemas import Envelope, ListEnvelope
from bosonline.permissions import Permission
from bosonline.routing import api_router
from bosonline.webhook.errors import WebhookError
from bosonline.webhook.schemas import (
    DeliveryDetailOut,
    DeliveryOut,
    DeliveryStatus,
    WebhookDeletedOut,
    WebhookDetailOut,
    WebhookIn,
    WebhookOut,
    WebhookStatusIn,
)
from bosonline.webhook.service import WebhookService

router = api_router(prefix="/store/webhook", tags=["Webhook"])

WebhookId = Annotated[int, path_id("Webhook id.")]
DeliveryId = Annotated[int, path_id("Delivery id.")]
Manager = Annotated[WebhookService, store_service(WebhookService, Permission.integrations_write)]

RECEIVER_GUIDE = """
**What your endpoint receives.** For each subscribed event bosonline sends `POST <url>` with a JSON body

```json
{"event": "order.status_changed", "unique_id": "4f0c…", "timestamp": "2026-11-21T03:00:00.000Z", "data": {…}}
```

Events: `order.created`, `order.updated`, `order.status_changed`, `order.payment_status_changed` (and
`webhook.test` from *Test Webhook*). Headers:

- `Content-Type: application/json`, `User-Agent: bosonline/<version>`
- `X-Bosonline-Event`: the event; `X-Bosonline-Delivery`: the delivery's `unique_id` (same as in the body)
- `X-Bosonline-Hmac-Sha256`: `base64(HMAC-SHA256(key = the webhook's secret, message = the raw request body))`

**Verifying.** Compute the HMAC over the raw bytes you received, *before* parsing the JSON, and compare in
constant time, e.g. in Python:

```python
import base64, hashlib, hmac
expected = base64.b64encode(hmac.new(secret.encode(), raw_body, hashlib.sha256).digest()).decode()
ok = hmac.compare_digest(expected, request.headers["X-Bosonline-Hmac-Sha256"])
```

(PHP: `base64_encode(hash_hmac('sha256', $raw, $secret, true))`; Node: `crypto.createHmac('sha256', secret)
.update(raw).digest('base64')`.) Same scheme as Scalev's `X-Scalev-Hmac-Sha256`.

**Answering, retries.** Any `2xx` answer within 10 seconds (the server's `webhook_timeout_seconds`) is a
delivery. Anything else (other status, redirects, which are not followed, timeouts, connection errors) is retried
after 30 s, 2 min, 10 min, 30 min, 1 h, 3 h and 6 h: 8 attempts in about 10¾ hours, then the delivery is
`failed` (see the delivery log; *Retry Delivery* tries once more). Each retry sends the identical bytes.

**At least once.** Events are queued in the same transaction as the order change (a change that is undone is
never sent) and sent right after it is committed. A delivery may arrive more than once (e.g. a worker dies after
sending, before recording the answer): dedupe by `unique_id`. Deliveries are not ordered: use `timestamp` and the
order data, not arrival order.

**Targets.** URLs must be `http://` or `https://` on a public internet address: private, loopback, link-local,
reserved, multicast and every other IANA special-purpose address (e.g. 192.0.0.0/24, 198.18.0.0/15, 100::/64) is
refused, and so is an IPv6 address carrying such an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible
`::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`, Teredo `2001::/32`; local-use NAT64 `64:ff9b:1::/48` always),
when saving (422 `validation_error` on `url`) and again at each send (a name that later resolves to one is not
contacted).
"""

_URL_TAKEN = error_responses(WebhookError.webhook_exists)
_CREATE_CONFLICTS = error_responses(WebhookError.webhook_exists, WebhookError.webhook_limit_reached)
_INACTIVE = error_responses(WebhookError.webhook_inactive)
_NOT_FAILED = error_responses(WebhookError.delivery_not_failed)


def _doc(text: str) -> dict[str, Any]:
    return {"description": text.strip() + "\n\n" + RECEIVER_GUIDE.strip()}


@router.get(
    "",
    summary="List Webhook",
    **_doc(
        "The store's webhook endpoints, oldest first (at most 10). Secrets are not listed (`secret_hint` shows their "
        "last 4 characters): *Webhook Detail* shows one. Owners and admins."
    ),
)
async def list_webhooks(service: Manager) -> ListEnvelope[WebhookOut]:
    items = await service.list()
    return ListEnvelope.whole(items)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Add Webhook",
    responses=_CREATE_CONFLICTS,
    **_doc(
        "Subscribes an endpoint of the store to order events. Owners and admins; at most 10 per store (409 "
        "`webhook_limit_reached`).\n\n"
        "- `url`: http(s), at most 500 characters, no `user:password@`, unique in the store (409 `webhook_exists`), "
        "on a public address (422 otherwise).\n"
        "- `events`: some of the four order events; left out: all.\n"
        "- `secret`: 16–128 printable characters; left out: one is generated (`whsec_…`). The answer carries it."
    ),
)
async def create_webhook(body: WebhookIn, service: Manager) -> Envelope[WebhookDetailOut]:
    return Envelope(data=await service.create(body))


@router.get("/{webhook_id:int}", summary="Webhook Detail")
async def get_webhook(webhook_id: WebhookId, service: Manager) -> Envelope[WebhookDetailOut]:
    """One endpoint with its `secret`. Another store's webhook answers 404."""
    return Envelope(data=await service.get(webhook_id))


@router.put("/{webhook_id:int}", summary="Edit Webhook", responses=_URL_TAKEN)
async def update_webhook(webhook_id: WebhookId, body: WebhookIn, service: Manager) -> Envelope[WebhookDetailOut]:
    """Replaces `url`, `events` and `description` with the rules of *Add Webhook*. `secret`: given, it replaces the
    current one; left out, the current one stays (see *Rotate Webhook Secret*). Deliveries already queued go to the
    new URL."""
    return Envelope(data=await service.update(webhook_id, body))


@router.patch("/{webhook_id:int}/status", summary="Edit Webhook Status")
async def set_webhook_status(
    webhook_id: WebhookId, body: WebhookStatusIn, service: Manager
) -> Envelope[WebhookDetailOut]:
    """`inactive`: no new event is queued for the endpoint, and deliveries still queued fail with `endpoint
    inactive` when their turn comes (retry them from the log once active again)."""
    return Envelope(data=await service.set_status(webhook_id, body.status))


@router.post("/{webhook_id:int}/rotate-secret", summary="Rotate Webhook Secret")
async def rotate_webhook_secret(webhook_id: WebhookId, service: Manager) -> Envelope[WebhookDetailOut]:
    """Replaces the secret with a new generated one and answers it. Deliveries sent from now on (retries included)
    are signed with the new secret: update the receiver right away."""
    return Envelope(data=await service.rotate_secret(webhook_id))


@router.delete("/{webhook_id:int}", summary="Delete Webhook")
async def delete_webhook(webhook_id: WebhookId, service: Manager) -> Envelope[WebhookDeletedOut]:
    """Removes the endpoint with its queued deliveries and its delivery log."""
    return Envelope(data=await service.delete(webhook_id))


@router.post(
    "/{webhook_id:int}/test",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Test Webhook",
    responses=_INACTIVE,
)
async def test_webhook(webhook_id: WebhookId, service: Manager) -> Envelope[DeliveryOut]:
    """Queues a `webhook.test` delivery to this endpoint only, sent like any event (signed, retried); follow it in
    the delivery log. Its `data` is `{"message", "webhook_id", "store_id"}`."""
    return Envelope(data=await service.send_test(webhook_id))


@router.get("/{webhook_id:int}/deliveries", summary="List Webhook Delivery")
async def list_deliveries(
    webhook_id: WebhookId,
    service: Manager,
    page: PageQuery,
    status: Annotated[DeliveryStatus | None, Query(description="Only deliveries in this status.")] = None,
) -> ListEnvelope[DeliveryOut]:
    """The endpoint's deliveries, newest first (keyset pagination): event, status, attempts, next attempt, last
    answer or error. `pending` waits for its next attempt, `sending` is in flight, `delivered` got a 2xx, `failed`
    used up its attempts (or its endpoint was inactive)."""
    items, result = await service.deliveries(webhook_id, page, status=status)
    return ListEnvelope.page(items, result.next_cursor)


@router.get("/deliveries/{delivery_id:int}", summary="Webhook Delivery Detail")
async def get_delivery(delivery_id: DeliveryId, service: Manager) -> Envelope[DeliveryDetailOut]:
    """One delivery with the exact `body` sent and its `attempt_log`: attempt number, HTTP status or error, the
    first 500 characters of the answer, duration in milliseconds, time."""
    return Envelope(data=await service.delivery(delivery_id))


@router.post("/deliveries/{delivery_id:int}/retry", summary="Retry Webhook Delivery", responses=_NOT_FAILED)
async def retry_delivery(delivery_id: DeliveryId, service: Manager) -> Envelope[DeliveryOut]:
    """Makes a `failed` delivery `pending`, due now, with the same body and `unique_id`. If the schedule was used
    up this is one more attempt (failing, the delivery is `failed` again). Other statuses answer 409."""
    return Envelope(data=await service.retry(delivery_id))
