"""An order's texts: the values of kit.placeholders.PLACEHOLDERS for one order (the buyer's page and success
target, follow-up messages) and the store's bank accounts as a bank-transfer buyer is told them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.bank.public import active_bank_accounts
from bosonline.bank.schemas import BankAccountPublicOut
from bosonline.kit.lokal_id import format_rupiah
from bosonline.kit.phone import display_phone
from bosonline.models import Order, OrderLine, Store, StoreMember
from bosonline.order.presenters import customer_phone, line_label, payment_label
from bosonline.shipping.couriers import courier_name


def items_text(lines: list[OrderLine]) -> str:
    return ", ".join(f"{line.quantity} × {line_label(line.product_name, line.variant_name)}" for line in lines)


def placeholder_values(
    order: Order,
    store: Store,
    lines: list[OrderLine],
    handler: StoreMember | None,
    accounts: list[BankAccountPublicOut],
    status_url: str,
) -> dict[str, str]:
    """Values of kit.placeholders.PLACEHOLDERS for one order."""
    address = ", ".join(part for part in (order.address, order.region_name, order.postal_code) if part)
    courier = f"{courier_name(order.courier)} {order.courier_service or ''}".strip() if order.courier else ""
    return {
        "customer_name": order.customer_name,
        "customer_phone": customer_phone(order),
        "order_number": order.number,
        "product_name": lines[0].product_name if lines else "",
        "items": items_text(lines),
        "total": format_rupiah(order.total),
        "payment_method": payment_label(order.payment_method),
        "bank_accounts": "\n".join(f"{a.bank_name} {a.account_number} a.n. {a.holder_name}" for a in accounts),
        "payment_url": status_url,
        "courier": courier,
        "awb": order.awb or "",
        "address": address,
        "store_name": store.name,
        "cs_name": handler.name if handler else store.name,
        "cs_phone": display_phone(handler.phone if handler and handler.phone else store.phone) or "",
    }


async def public_bank_accounts(session: AsyncSession, store_id: int) -> list[BankAccountPublicOut]:
    """The store's active accounts as a bank-transfer buyer is told them (page, texts, follow-ups)."""
    return [
        BankAccountPublicOut(
            bank_code=a.bank.code,
            bank_name=a.bank.short_name,
            holder_name=a.holder_name,
            account_number=a.account_number,
        )
        for a in await active_bank_accounts(session, store_id)
    ]
