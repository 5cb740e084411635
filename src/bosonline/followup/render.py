"""Follow-up texts for real orders: the placeholder values of a batch of orders (a fixed number of queries,
whatever the batch size), the text of a template for an order's payment category, and the wa.me link a CS opens.

Used by the CS's lists (attempts, an order's chats), Follow Up, and the dispatcher (which has no request context:
every query here names the store)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.checkout.links import public_order_url
from bosonline.checkout.schemas import BankAccountPublicOut
from bosonline.checkout.views import placeholder_values, public_bank_accounts
from bosonline.config import Settings
from bosonline.followup.rules import payment_category, text_field
from bosonline.kit.phone import display_phone
from bosonline.kit.placeholders import render_placeholders
from bosonline.models import FollowupChat, Order, OrderLine, Store, StoreMember


def wa_link(phone: str, text: str) -> str:
    """Click-to-chat: digits with the country code, no `+`, no leading 0; the text percent-encoded."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return f"https://wa.me/{digits}?text={quote(text, safe='')}"


def template_text(template: FollowupChat, payment_method: str) -> str:
    """The template's text for the order's payment category ("" when the template has none for it)."""
    return str(getattr(template, text_field(payment_category(payment_method))) or "")


def render(text: str, values: Mapping[str, str]) -> str:
    return render_placeholders(text, values, drop_unknown=True).strip()


@dataclass
class OrderTexts:
    """Placeholder values of some orders of one store, loaded together."""

    values: dict[int, dict[str, str]]

    def text(self, template: FollowupChat, order: Order) -> str:
        """The rendered text, or "" when the template has no text for the order's payment category."""
        raw = template_text(template, order.payment_method)
        return render(raw, self.values[order.id]) if raw.strip() else ""


async def load_order_texts(
    session: AsyncSession, settings: Settings, store: Store, orders: Collection[Order]
) -> OrderTexts:
    """Four queries for any number of orders of `store`: lines, handlers, bank accounts (once)."""
    if not orders:
        return OrderTexts({})
    order_ids = [order.id for order in orders]
    lines: dict[int, list[OrderLine]] = {order_id: [] for order_id in order_ids}
    for line in await session.scalars(
        select(OrderLine).where(OrderLine.order_id.in_(order_ids)).order_by(OrderLine.order_id, OrderLine.position)
    ):
        lines[line.order_id].append(line)
    handler_ids = {order.handler_id for order in orders if order.handler_id}
    handlers: dict[int, StoreMember] = {}
    if handler_ids:
        handlers = {
            member.id: member
            for member in await session.scalars(
                select(StoreMember).where(StoreMember.store_id == store.id, StoreMember.id.in_(handler_ids))
            )
        }
    accounts: list[BankAccountPublicOut] = []
    if any(order.payment_method == "bank_transfer" for order in orders):
        accounts = await public_bank_accounts(session, store.id)
    values = {
        order.id: placeholder_values(
            order,
            store,
            lines[order.id],
            handlers.get(order.handler_id or 0),
            accounts if order.payment_method == "bank_transfer" else [],
            public_order_url(settings, order.secret_slug),
        )
        for order in orders
    }
    return OrderTexts(values)


def lead_values(store: Store, name: str, phone: str, items: str, form_url: str) -> dict[str, str]:
    """Placeholder values of an abandoned checkout (no order yet: no number, total or payment)."""
    return {
        "customer_name": name,
        "customer_phone": display_phone(phone) or "",
        "product_name": items.split(", ")[0].split(" × ", 1)[-1] if items else "",
        "items": items,
        "payment_url": form_url,
        "store_name": store.name,
        "cs_name": store.name,
        "cs_phone": display_phone(store.phone) or "",
    }
