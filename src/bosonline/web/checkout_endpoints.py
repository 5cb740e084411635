"""HTTP routes of the buyer side (the seed's Order → Checkout): public, no login, rate limited per IP.

A public request names its store by host (`<subdomain>.<BOSONLINE_SHOP_DOMAIN>`, or an active custom domain of the
store: store/domain_hosts.py), else: a POST by `store` in its body (checkout, abandoned checkout, quote, check
voucher), a GET by `?store=<subdomain>`. `?store=` on the two pricing POSTs is deprecated and still honoured."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, Path, Query, Request, Response, status

from bosonline.checkout.errors import CheckoutError
from bosonline.checkout.guards import DeprecatedStoreRef, Host, StoreRef, rate_limited, store_named
from bosonline.checkout.leads import PublicLeads
from bosonline.checkout.schemas import (
    CheckoutIn,
    LeadCreateIn,
    LeadSavedOut,
    LeadToken,
    LeadUpdateIn,
    LineIn,
    PublicFormPage,
    PublicOrderOut,
    QuoteIn,
    QuoteOut,
    RateOut,
    VoucherCheckIn,
)
from bosonline.checkout.service import PublicCheckout
from bosonline.deps import DbDep, RuntimeDep
from bosonline.errors import CommonError, NotFound, ValidationFailed, error_responses
from bosonline.kit.fields import OneLineText, declared
from bosonline.kit.schemas import Envelope, ListEnvelope, ListMeta
from bosonline.payment.qris import qris_png
from bosonline.routing import api_router
from bosonline.voucher.errors import VoucherError
from bosonline.voucher.schemas import CheckoutVoucherOut
from bosonline.web.pages import render_not_found, render_order_page

router = api_router(prefix="/public", tags=["Checkout"])

FormSlug = Annotated[OneLineText, Path(min_length=1, max_length=80, description="The form's slug.")]
SecretSlug = Annotated[str, Path(min_length=16, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=100,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="One key per order attempt (a UUID): a retry with the same key and body returns the same "
        "order instead of a second one.",
    ),
]
_READ_LIMIT = [Depends(rate_limited("public"))]
_WRITE_LIMIT = [Depends(rate_limited("checkout", checkout=True))]
_TOO_MANY = error_responses(CommonError.too_many_requests)
# A form of a store the platform suspended: 403, the message is the notice the page shows (checkout/suspension.py).
_CLOSED = CheckoutError.store_not_accepting_orders
_FORM_READ = error_responses(CommonError.too_many_requests, _CLOSED)
_VOUCHER_REFUSED = tuple(code for code in VoucherError if code.status == 422)
# What pricing with a voucher can answer (Quote and Check Voucher): the form, the rate limit, the voucher's refusals.
_VOUCHER_ERRORS = error_responses(
    CommonError.too_many_requests,
    CommonError.not_found,
    CommonError.validation_error,
    CheckoutError.vouchers_not_accepted,
    *_VOUCHER_REFUSED,
    _CLOSED,
)


async def _service(db: DbDep, runtime: RuntimeDep) -> PublicCheckout:
    return PublicCheckout(db, runtime)


Checkout = Annotated[PublicCheckout, Depends(_service)]


# What parse_items takes, as a pattern: variant ids from 1 (15 digits stay below MAX_ID), quantities
# 1–1000 (LineIn's MAX_LINE_QUANTITY).
_LINE_PATTERN = r"[1-9][0-9]{0,14}(:([1-9][0-9]{0,2}|1000))?"
ITEMS_PATTERN = rf"^{_LINE_PATTERN}(,{_LINE_PATTERN})*$"


def parse_items(raw: str) -> list[LineIn]:
    """`12:2,15:1` → two lines (variant 12 × 2, variant 15 × 1)."""
    lines: list[LineIn] = []
    for part in raw.split(","):
        variant, _, quantity = part.strip().partition(":")
        if not (variant.isdigit() and (quantity or "1").isdigit()) or len(variant) > 16 or len(quantity) > 6:
            raise ValidationFailed(fields={"items": 'write items as "<variant_id>:<quantity>,…", e.g. "12:2,15:1"'})
        try:
            lines.append(LineIn(variant_id=int(variant), quantity=int(quantity or "1")))
        except ValueError as exc:
            raise ValidationFailed(fields={"items": "variant ids ≥ 1 and quantities 1–1000"}) from exc
    return lines


@router.get("/form/{slug}", summary="Load checkout Form", dependencies=_READ_LIMIT, responses=_FORM_READ)
async def load_form(slug: FormSlug, checkout: Checkout, host: Host, store: StoreRef = None) -> Envelope[PublicFormPage]:
    """Everything a checkout page shows: the store, the form's products with their active variants, prices
    and the units available to one order (when the form hides its stock, `show_stock: false`, only whether any is
    left: its `max_quantity` or 0), which fields are asked, payment methods, couriers, the store's WhatsApp link. An
    unknown, inactive or deleted form, or an unknown store, answers 404; a store the platform suspended, 403
    `store_not_accepting_orders` with the notice to show ("Toko ini sedang tidak menerima pesanan")."""
    return Envelope(data=await checkout.form_page(host, store, slug))


@router.get("/form/{slug}/rates", summary="Estimation Rates", dependencies=_READ_LIMIT, responses=_FORM_READ)
async def estimate_rates(
    slug: FormSlug,
    checkout: Checkout,
    host: Host,
    district: Annotated[OneLineText, Query(min_length=2, max_length=16, description="District or village code.")],
    items: Annotated[
        OneLineText,
        Query(
            min_length=1,
            max_length=400,
            description='"<variant_id>:<qty>,…" (quantity 1–1000, 1 when left out), e.g. "12:2,15:1".',
            json_schema_extra=declared(ITEMS_PATTERN),
        ),
    ],
    payment_method: Annotated[str | None, Query(pattern="^(bank_transfer|cod|qris)$")] = None,
    store: StoreRef = None,
) -> ListEnvelope[RateOut]:
    """Courier services and prices for these items to this destination (COD-capable ones only with
    `payment_method=cod`), cheapest first."""
    quote = await checkout.quote(
        host, store, slug, QuoteIn(items=parse_items(items), region_code=district, payment_method=payment_method)
    )
    return ListEnvelope(data=quote.rates, meta=ListMeta(total=len(quote.rates)))


@router.post("/form/{slug}/quote", summary="Quote (live total)", dependencies=_READ_LIMIT, responses=_VOUCHER_ERRORS)
async def quote(
    slug: FormSlug, body: QuoteIn, checkout: Checkout, host: Host, store: DeprecatedStoreRef = None
) -> Envelope[QuoteOut]:
    """The exact money breakdown the order would get (DESIGN.md §4), with the rates for the destination: what
    the page shows as its live total. The unique transfer code is drawn only when the order is placed. The store
    goes in the body (`store`), as for Request Create Order."""
    return Envelope(data=await checkout.quote(host, store_named(body.store, store), slug, body))


@router.get("/form/{slug}/vouchers", summary="List Voucher Checkout", dependencies=_READ_LIMIT, responses=_FORM_READ)
async def list_vouchers(
    slug: FormSlug, checkout: Checkout, host: Host, store: StoreRef = None
) -> ListEnvelope[CheckoutVoucherOut]:
    """Vouchers the seller chose to show on checkout that apply to this form's products right now."""
    vouchers = await checkout.vouchers(host, store, slug)
    return ListEnvelope(data=vouchers, meta=ListMeta(total=len(vouchers)))


@router.post(
    "/form/{slug}/voucher/check",
    summary="Check Voucher",
    dependencies=_READ_LIMIT,
    responses=_VOUCHER_ERRORS,
)
async def check_voucher(
    slug: FormSlug, body: VoucherCheckIn, checkout: Checkout, host: Host, store: DeprecatedStoreRef = None
) -> Envelope[QuoteOut]:
    """Whether the voucher applies to this cart, and the quote with it. The store goes in the body (`store`)."""
    return Envelope(data=await checkout.quote(host, store_named(body.store, store), slug, body))


@router.post(
    "/checkout",
    status_code=status.HTTP_201_CREATED,
    summary="Request Create Order",
    dependencies=_WRITE_LIMIT,
    responses={
        200: {"model": Envelope[PublicOrderOut], "description": "A replay of an Idempotency-Key: the same order"},
        **error_responses(
            CommonError.not_found,
            CheckoutError.out_of_stock,
            CheckoutError.idempotency_key_in_use,
            CommonError.validation_error,
            CheckoutError.vouchers_not_accepted,
            *_VOUCHER_REFUSED,
            CheckoutError.rejected,
            CheckoutError.idempotency_key_reused,
            CommonError.too_many_requests,
            _CLOSED,
        ),
    },
)
async def create_order(
    body: CheckoutIn, key: IdempotencyKey, checkout: Checkout, host: Host, response: Response, db: DbDep
) -> Envelope[PublicOrderOut]:
    """Places the order: checks the form, items, quantities, phone, region, courier, payment method and
    voucher; prices it (voucher, shipping, COD fee, unique transfer code); reserves stock; creates or reuses the
    customer (by phone, per store); assigns the next active CS (round-robin; the owner when there is none);
    writes the order `pending`/`unpaid` with its number, secret link, lines and first event. All or nothing.

    `success` says where the page goes next (message, redirect or WhatsApp); `payment` what the buyer pays and
    how (bank accounts with the exact amount, or the order's QRIS)."""
    placed = await checkout.place(host, body, key)
    # Committed before the page is built and serialized: the store's counters row (its order number and CS), which
    # every checkout of the store waits for, is locked until COMMIT (docs/architecture.md, Transactions).
    await db.commit()
    if not placed.created:
        response.status_code = status.HTTP_200_OK
        response.headers["Idempotent-Replayed"] = "true"
    return Envelope(data=checkout.receipt(placed))


@router.post(
    "/checkout/abandoned",
    status_code=status.HTTP_201_CREATED,
    summary="Request Create Order Abandoned",
    dependencies=_WRITE_LIMIT,
    responses=_FORM_READ,
)
async def save_lead(body: LeadCreateIn, db: DbDep, runtime: RuntimeDep, host: Host) -> Envelope[LeadSavedOut]:
    """Saves what the buyer has typed so far (name and phone at least) before they submit; keep the `token`
    and send later changes to `PUT /public/checkout/abandoned/{token}`. An order from this phone on this form
    marks it converted."""
    return Envelope(data=await PublicLeads(db, runtime).create(host, body))


@router.put(
    "/checkout/abandoned/{token}",
    summary="Updated Order Abandoned",
    dependencies=_WRITE_LIMIT,
    responses=error_responses(CommonError.too_many_requests, CheckoutError.lead_converted, _CLOSED),
)
async def update_lead(
    token: Annotated[LeadToken, Path()], body: LeadUpdateIn, db: DbDep, runtime: RuntimeDep
) -> Envelope[LeadSavedOut]:
    """Replaces what was saved for this abandoned checkout."""
    return Envelope(data=await PublicLeads(db, runtime).update(token, body))


@router.get(
    "/order/{secret_slug}",
    summary="Order status page",
    dependencies=_READ_LIMIT,
    response_model=Envelope[PublicOrderOut],
    responses={**_TOO_MANY, 200: {"content": {"text/html": {}}, "description": "JSON, or HTML for browsers"}},
)
async def order_status(secret_slug: SecretSlug, checkout: Checkout, request: Request) -> Any:
    """The order as its buyer sees it: status, items, money, how to pay. Browsers (`Accept: text/html`) get the
    status page itself; API clients the JSON. The link is unguessable and is the buyer's only key."""
    wants_html = "text/html" in request.headers.get("accept", "")
    try:
        order = await checkout.order(secret_slug)
    except NotFound:
        if wants_html:
            return render_not_found()
        raise
    return render_order_page(order) if wants_html else Envelope(data=order)


@router.get(
    "/order/{secret_slug}/qris.png",
    summary="Download QRIS",
    dependencies=_READ_LIMIT,
    response_class=Response,
    responses={**_TOO_MANY, 200: {"content": {"image/png": {}}, "description": "The order's dynamic QRIS"}},
)
async def order_qris(secret_slug: SecretSlug, checkout: Checkout) -> Response:
    """The QR image of a QRIS order's dynamic code (its amount inside): scan it with any e-wallet or bank app."""
    payload = await checkout.order_qris(secret_slug)
    return Response(qris_png(payload), media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})
