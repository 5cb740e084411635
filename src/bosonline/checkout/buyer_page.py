"""The order as its buyer sees it: status page, payment instructions and the success page's target."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.bank.schemas import BankAccountPublicOut
from bosonline.checkout.repository import CheckoutRepository
from bosonline.checkout.schemas import (
    OrderLineOut,
    PaymentOut,
    PublicOrderOut,
    PublicStoreOut,
    SuccessOut,
)
from bosonline.form.success import (
    DEFAULT_SUCCESS_MESSAGE,
    DEFAULT_WHATSAPP_TEXT,
    SuccessPage,
    render_success,
    success_page_of,
)
from bosonline.kit.links import public_order_url, whatsapp_url
from bosonline.kit.phone import display_phone
from bosonline.kit.schemas import from_row
from bosonline.models import Form, Order, OrderLine, Store, StoreMember
from bosonline.order.presenters import courier_label, customer_phone
from bosonline.order.schemas import MoneyOut
from bosonline.order.texts import placeholder_values, public_bank_accounts
from bosonline.runtime import Runtime

# An order whose form is gone: the default thank-you message.
DEFAULT_PAGE = SuccessPage(
    mode="message",
    message=DEFAULT_SUCCESS_MESSAGE,
    redirect_url=None,
    whatsapp_text=DEFAULT_WHATSAPP_TEXT,
    is_custom=False,
)


def public_store(store: Store) -> PublicStoreOut:
    return PublicStoreOut(
        name=store.name,
        subdomain=store.subdomain,
        phone=display_phone(store.phone),
        whatsapp_url=whatsapp_url(store.phone) if store.phone else None,
    )


@dataclass(frozen=True)
class OrderContext:
    store: Store
    lines: list[OrderLine]
    handler: StoreMember | None
    form: Form | None
    accounts: list[BankAccountPublicOut] | None = None  # a bank transfer's accounts, when already in hand


class BuyerPage:
    def __init__(self, session: AsyncSession, runtime: Runtime, repo: CheckoutRepository) -> None:
        self.session = session
        self.rt = runtime
        self.repo = repo

    async def public(self, order: Order, known: OrderContext | None = None) -> PublicOrderOut:
        """The buyer's view; `known` is what the caller already holds (checkout has it all in hand)."""
        if known is None:
            store, _ = await self.repo.store_of(order.store_id)
            known = OrderContext(
                store=store,
                lines=await self.repo.lines_of(order.id),
                handler=await self.repo.member(order.handler_id),
                form=await self.repo.form_by_id(order.store_id, order.form_id),
            )
        if known.accounts is None:
            accounts = await public_bank_accounts(self.session, order.store_id) if _by_transfer(order) else []
            known = replace(known, accounts=accounts)
        return self.page(order, known)

    def page(self, order: Order, known: OrderContext) -> PublicOrderOut:
        """The buyer's view from what is in hand: no statement (checkout builds it after COMMIT). `known.accounts`:
        the store's accounts when the order is paid by transfer (None counts as none)."""
        store, lines, handler = known.store, known.lines, known.handler
        accounts = (known.accounts or []) if _by_transfer(order) else []
        status_url = public_order_url(self.rt.settings, order.secret_slug)
        values = placeholder_values(order, store, lines, handler, accounts, status_url)
        page = success_page_of(known.form) if known.form is not None else None
        whatsapp_phone = (handler.phone if handler and handler.phone else None) or store.phone
        target = render_success(page or DEFAULT_PAGE, values, whatsapp_phone=whatsapp_phone)
        return from_row(
            PublicOrderOut,
            order,
            store=public_store(store),
            customer_phone=customer_phone(order),
            courier_name=courier_label(order.courier),
            lines=[OrderLineOut.model_validate(line) for line in lines],
            money=MoneyOut.model_validate(order),
            payment=PaymentOut(
                method=order.payment_method,
                amount=order.total,
                bank_accounts=accounts,
                qris_payload=order.qris_payload,
                qris_image_url=f"{status_url}/qris.png" if order.qris_payload else None,
            ),
            success=SuccessOut(
                mode=target.mode,
                message=target.message,
                redirect_url=target.url if target.mode == "redirect" else None,
                whatsapp_url=target.url if target.mode == "whatsapp" else None,
            ),
            status_url=status_url,
        )


def _by_transfer(order: Order) -> bool:
    return order.payment_method == "bank_transfer"
