"""Follow-up chat templates for tests: created through the API (`add_template`), and the rows other helpers' APIs
write (WhatsApp integrations, follow-up messages) put straight into the database."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from bosonline.models import FollowupMessage
from bosonline.runtime import Runtime
from tests.orders_support import add_row

_seq = itertools.count(1)

# The 16 keys of Scalev's follow-up chat response (seed 000), exactly.
SEED_KEYS = {
    "bundle_id",
    "change_status",
    "hours_after",
    "id",
    "image",
    "is_default",
    "name",
    "product_id",
    "provider",
    "store_id",
    "text_for_bank_transfer",
    "text_for_cod",
    "text_for_epayment",
    "trigger",
    "wa_gateway_assignation_type",
    "wa_integration",
}


TEXTS = {
    "text_for_bank_transfer": "Halo Kak {{customer_name}}, silakan transfer {{total}} ke:\n{{bank_accounts}}",
    "text_for_cod": "Halo Kak {{customer_name}}, pesanan COD {{order_number}} dikirim ke {{address}}.",
    "text_for_epayment": "Halo Kak {{customer_name}}, bayar {{total}} di {{payment_url}}",
}


def template_body(**fields: Any) -> dict[str, Any]:
    """A valid manual template (texts for all three payment categories); `fields` override."""
    body: dict[str, Any] = {"name": f"Follow Up {next(_seq)}", "provider": "manual", **TEXTS}
    body.update(fields)
    return body


def templates_url(product_id: int | None = None) -> str:
    return "/store/follow-up-chats" if product_id is None else f"/v3/products/{product_id}/follow-up-chats"


async def add_template(
    client: httpx.AsyncClient, headers: dict[str, str], product_id: int | None = None, **fields: Any
) -> dict[str, Any]:
    """Creates a template of the product (Scalev's v3 route) or, without `product_id`, a store default; returns
    the template object (unwrapped from the envelope for store defaults)."""
    response = await client.post(templates_url(product_id), json=template_body(**fields), headers=headers)
    assert response.status_code == 201, response.text
    data = response.json()
    return data if product_id is not None else data["data"]  # type: ignore[no-any-return]


async def insert_message(
    rt: Runtime, store_id: int, template_id: int, order_id: int, *, status: str = "scheduled", step: int = 1
) -> int:
    message = await add_row(
        rt,
        FollowupMessage,
        store_id=store_id,
        order_id=order_id,
        template_id=template_id,
        step=step,
        template_name="Follow Up",
        trigger="order_created",
        channel="manual",
        status=status,
        due_at=rt.clock.now(),
    )
    return message.id


async def message_row(rt: Runtime, message_id: int) -> FollowupMessage:
    async with rt.db.session(write=False) as session:
        message = await session.get(FollowupMessage, message_id)
        assert message is not None
        return message
