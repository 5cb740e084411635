"""Follow-up texts: the placeholder values of a batch of orders, or of abandoned checkouts (a fixed number of queries,
whatever the batch size and however many stores it spans) and the text of a template for an order's payment
category (the wa.me link a CS opens is kit.links.whatsapp_url).

Used by the CS's lists (attempts, an order's chats), Follow Up, and the dispatcher (which has no request context:
every query here names the store)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.bank.repository import display_order
from bosonline.bank.schemas import BankAccountOut, BankAccountPublicOut
from bosonline.config import Settings
from bosonline.followup.rules import payment_category, text_field
from bosonline.kit.links import public_form_url, public_order_url
from bosonline.kit.phone import display_phone
from bosonline.kit.placeholders import render_placeholders
from bosonline.models import (
    BankAccount,
    CheckoutLead,
    FollowupChat,
    Form,
    Order,
    OrderLine,
    Product,
    ProductVariant,
    Store,
    StoreMember,
)
from bosonline.order.texts import placeholder_values


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
    session: AsyncSession, settings: Settings, stores: Store | Mapping[int, Store], orders: Collection[Order]
) -> OrderTexts:
    """Three queries for any number of orders, of one store or of several (`stores` by id: the dispatcher's
    batch): their lines, their handlers, the active bank accounts of their stores (when one pays by transfer)."""
    if not orders:
        return OrderTexts({})
    by_id = {stores.id: stores} if isinstance(stores, Store) else stores
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
                select(StoreMember).where(
                    StoreMember.store_id.in_(sorted({order.store_id for order in orders})),
                    StoreMember.id.in_(handler_ids),
                )
            )
        }
    accounts = await _bank_accounts(
        session, {order.store_id for order in orders if order.payment_method == "bank_transfer"}
    )
    values = {}
    for order in orders:
        handler = handlers.get(order.handler_id or 0)
        values[order.id] = placeholder_values(
            order,
            by_id[order.store_id],
            lines[order.id],
            handler if handler is not None and handler.store_id == order.store_id else None,
            accounts.get(order.store_id, []) if order.payment_method == "bank_transfer" else [],
            public_order_url(settings, order.secret_slug),
        )
    return OrderTexts(values)


async def _bank_accounts(session: AsyncSession, store_ids: set[int]) -> dict[int, list[BankAccountPublicOut]]:
    """The stores' active accounts in display order, as a bank-transfer buyer is told them (order/texts.py)."""
    if not store_ids:
        return {}
    stmt = select(BankAccount).where(BankAccount.store_id.in_(sorted(store_ids)), BankAccount.status == "active")
    accounts: dict[int, list[BankAccountPublicOut]] = {}
    for account in await session.scalars(display_order(stmt)):
        shown = BankAccountOut.of(account)
        accounts.setdefault(account.store_id, []).append(
            BankAccountPublicOut(
                bank_code=shown.bank.code,
                bank_name=shown.bank.short_name,
                holder_name=shown.holder_name,
                account_number=shown.account_number,
            )
        )
    return accounts


async def load_lead_values(
    session: AsyncSession, settings: Settings, stores: Mapping[int, Store], leads: Collection[CheckoutLead]
) -> dict[int, dict[str, str]]:
    """Placeholder values of abandoned checkouts, by lead id: two queries (variant names, form slugs) for all."""
    if not leads:
        return {}
    variant_ids = {int(item["variant_id"]) for lead in leads for item in lead.items or [] if "variant_id" in item}
    names: dict[int, str] = {}
    if variant_ids:
        stmt = (
            select(ProductVariant.id, ProductVariant.name, Product.name)
            .join(Product, Product.id == ProductVariant.product_id)
            .where(ProductVariant.id.in_(variant_ids))
        )
        for variant_id, variant_name, product_name in await session.execute(stmt):
            names[variant_id] = (
                f"{product_name} ({variant_name})" if variant_name and variant_name != product_name else product_name
            )
    form_ids = {lead.form_id for lead in leads}
    slugs: dict[int, str | None] = dict(
        (await session.execute(select(Form.id, Form.slug).where(Form.id.in_(form_ids)))).all()
    )
    values = {}
    for lead in leads:
        items = ", ".join(
            f"{item.get('quantity', 1)} × {names[int(item['variant_id'])]}"
            for item in lead.items or []
            if int(item.get("variant_id", 0)) in names
        )
        store = stores[lead.store_id]
        form_url = ""
        if lead.form_id in slugs:
            slug = slugs[lead.form_id]
            # A deleted form's slug is NULL, and its link cannot be made (as before: this stops the rendering).
            assert slug is not None, f"form {lead.form_id} was deleted"
            form_url = public_form_url(settings, store.subdomain, slug, host=store.public_host)
        values[lead.id] = lead_values(store, lead.name, lead.phone, items, form_url)
    return values


# The placeholders an abandoned checkout has values for (the keys of lead_values): an `abandoned` template may use
# only these (checked when it is saved: followup/templates/service.py).
LEAD_PLACEHOLDERS: tuple[str, ...] = (
    "customer_name",
    "customer_phone",
    "product_name",
    "items",
    "payment_url",
    "store_name",
    "cs_name",
    "cs_phone",
)


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
