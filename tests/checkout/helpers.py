"""A store ready to sell through a checkout form, built with model rows (fast, and independent of the seller-side
APIs that have their own tests), and the buyer's requests."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import func, select, update

from bosonline.models import (
    BankAccount,
    Form,
    FormItem,
    ProductVariant,
    ShippingRate,
    StoreSettings,
    Voucher,
    VoucherProduct,
)
from bosonline.runtime import Runtime
from tests.factories import add_staff, seller
from tests.inventory.helpers import make_product, make_warehouse, put_stock, stock_of
from tests.orders_support import new_row

_seq = itertools.count(1)
DEPOK_DISTRICT = "32.76.01"  # Pancoran Mas, Kota Depok, Jawa Barat (province 32)
JAKARTA_DISTRICT = "31.71.01"  # Gambir, Jakarta Pusat (province 31)
BUYER_PHONE = "081234567890"
BUYER_E164 = "6281234567890"


@dataclass
class CheckoutShop:
    owner: dict[str, Any]
    store_id: int
    subdomain: str
    warehouse: int
    form_id: int
    slug: str
    kaos: int
    red: int  # 50,000, 200 g
    black: int
    kopi: int
    kopi_variant: int
    cs_members: list[int] = field(default_factory=list)

    @property
    def headers(self) -> dict[str, str]:
        return self.owner["headers"]  # type: ignore[no-any-return]


async def make_checkout_shop(
    client: httpx.AsyncClient,
    rt: Runtime,
    *,
    stock: int = 30,
    cs: int = 2,
    payment_methods: tuple[str, ...] = ("bank_transfer", "cod", "qris"),
    fields: dict[str, str] | None = None,
    rates: bool = True,
    max_quantity: int = 100,
) -> CheckoutShop:
    owner = await seller(client, name="Budi Pemilik")
    store_id, user_id = owner["store"]["id"], owner["user"]["id"]
    warehouse = await make_warehouse(rt, user_id, name="Gudang Utama", ships_for=store_id)
    kaos, (red, black) = await make_product(rt, store_id, name="Kaos Polos", variants=["Merah / L", "Hitam / M"])
    kopi, (kopi_variant,) = await make_product(rt, store_id, name="Kopi Gayo")
    for variant in (red, black, kopi_variant):
        await put_stock(rt, store_id, variant, warehouse, stock)
    cs_members = []
    for n in range(cs):
        member = await add_staff(client, owner["headers"], name=f"CS {n + 1}", phone=f"08139876543{n}")
        cs_members.append(member["id"])
    form_id, slug = await add_checkout_setup(
        rt,
        store_id,
        [(kaos, None), (kopi, kopi_variant)],
        rates=rates,
        payment_methods=list(payment_methods),
        fields=fields or {"email": "optional", "notes": "optional", "address": "full"},
        max_quantity=max_quantity,
    )
    return CheckoutShop(
        owner=owner,
        store_id=store_id,
        subdomain=owner["store"]["subdomain"],
        warehouse=warehouse,
        form_id=form_id,
        slug=slug,
        kaos=kaos,
        red=red,
        black=black,
        kopi=kopi,
        kopi_variant=kopi_variant,
        cs_members=cs_members,
    )


async def add_checkout_setup(
    rt: Runtime, store_id: int, items: list[tuple[int, int | None]], *, rates: bool, **form: Any
) -> tuple[int, str]:
    """What the checkout needs besides products, in one transaction (the APIs that write these have their own
    tests): an active form "Promo Kaos & Kopi" selling `items` (product id, variant id or None for all its variants)
    in that order and taking vouchers, with `form` columns; a BCA account, a QRIS payload and, with `rates`, JNE REG
    (per kg, cheaper to Jakarta) and SiCepat BEST (flat, no COD). Returns the form's (id, slug)."""
    slug = f"promo-{next(_seq)}"
    row = new_row(
        rt,
        Form,
        store_id=store_id,
        status="active",
        slug=slug,
        title="Promo Kaos & Kopi",
        description="",
        couriers=[],
        accept_vouchers=True,
        success_page={},
        **form,
    )
    jne = rate_row(rt, store_id, "jne", "REG", 10_000, cod=True, pricing="per_kg", province_prices={"31": 9_000})
    async with rt.db.session() as session:
        session.add(row)
        await session.flush()
        session.add_all(
            FormItem(store_id=store_id, form_id=row.id, product_id=product, variant_id=variant, position=position)
            for position, (product, variant) in enumerate(items)
        )
        session.add(bank_account_row(rt, store_id, "1234567890", bank="014"))
        if rates:
            session.add_all(
                [jne, rate_row(rt, store_id, "sicepat", "BEST", 15_000, cod=False, etd="1 hari", position=1)]
            )
        await session.execute(
            update(StoreSettings).where(StoreSettings.store_id == store_id).values(qris_payload=SAMPLE_QRIS)
        )
        await session.commit()
    return row.id, slug


def rate_row(
    rt: Runtime,
    store_id: int,
    courier: str,
    service: str,
    price: int,
    *,
    cod: bool,
    pricing: str = "flat",
    province_prices: dict[str, int] | None = None,
    etd: str = "2-3 hari",
    position: int = 0,
) -> ShippingRate:
    """An unsaved shipping rate of the store."""
    return new_row(
        rt,
        ShippingRate,
        store_id=store_id,
        courier=courier,
        service=service,
        pricing=pricing,
        price=price,
        province_prices=province_prices or {},
        etd=etd,
        cod=cod,
        position=position,
    )


def bank_account_row(rt: Runtime, store_id: int, number: str, *, bank: str, status: str = "active") -> BankAccount:
    """An unsaved bank account of the store, held by Budi Santoso."""
    return new_row(
        rt,
        BankAccount,
        store_id=store_id,
        bank_code=bank,
        holder_name="Budi Santoso",
        account_number=number,
        status=status,
    )


async def make_voucher(rt: Runtime, shop: CheckoutShop, code: str = "HEMAT10", **values: Any) -> int:
    now = rt.clock.now()
    product_ids = values.pop("product_ids", [])
    data: dict[str, Any] = {
        "name": "Hemat",
        "kind": "percentage",
        "target": "product",
        "value": 10,
        "max_discount": None,
        "min_purchase": 0,
        "quota_total": None,
        "quota_per_buyer": None,
        "show_on_checkout": True,
    } | values
    async with rt.db.session() as session:
        voucher = Voucher(
            store_id=shop.store_id, code=code, code_key=code.upper(), created_at=now, updated_at=now, **data
        )
        session.add(voucher)
        await session.flush()
        session.add_all([VoucherProduct(voucher_id=voucher.id, product_id=p) for p in product_ids])
        await session.commit()
        return voucher.id


def cart(shop: CheckoutShop, **extra: Any) -> dict[str, Any]:
    """What the pricing POSTs (quote, voucher check) start from: 2 × red to Depok; `extra` adds fields."""
    return {"items": [{"variant_id": shop.red, "quantity": 2}], "region_code": DEPOK_DISTRICT, **extra}


def order_body(shop: CheckoutShop, **overrides: Any) -> dict[str, Any]:
    """A checkout body: the cart, Siti Aminah's details, JNE REG, bank transfer; an override of None leaves the
    field out."""
    body: dict[str, Any] = {
        "form": shop.slug,
        "store": shop.subdomain,
        **cart(shop),
        "name": "Siti Aminah",
        "phone": BUYER_PHONE,
        "address": "Jl. Margonda Raya No. 10",
        "courier": "jne",
        "courier_service": "REG",
        "payment_method": "bank_transfer",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


async def place(
    client: httpx.AsyncClient, shop: CheckoutShop, key: str | None = None, **overrides: Any
) -> httpx.Response:
    return await client.post(
        "/public/checkout", json=order_body(shop, **overrides), headers={"Idempotency-Key": key or str(uuid.uuid4())}
    )


async def stock_row(rt: Runtime, variant_id: int, warehouse_id: int) -> tuple[int, int]:
    """(on_hand, reserved) of a Stock row that must exist."""
    row = await stock_of(rt, variant_id, warehouse_id)
    assert row is not None, (variant_id, warehouse_id)
    return row


async def count(rt: Runtime, model: Any, *where: Any) -> int:
    async with rt.db.session(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def variant_price(rt: Runtime, variant_id: int, price: int, **values: Any) -> None:
    async with rt.db.session() as session:
        await session.execute(
            update(ProductVariant).where(ProductVariant.id == variant_id).values(price=price, **values)
        )
        await session.commit()


def _tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def _sample_qris() -> str:
    from lokal import qris_crc

    merchant = _tlv("00", "ID.CO.QRIS.WWW") + _tlv("02", "ID1020021181745") + _tlv("03", "UMI")
    body = (
        _tlv("00", "01")
        + _tlv("01", "11")
        + _tlv("51", merchant)
        + _tlv("52", "5499")
        + _tlv("53", "360")
        + _tlv("58", "ID")
        + _tlv("59", "TOKO BERKAH")
        + _tlv("60", "DEPOK")
        + _tlv("61", "16431")
        + "6304"
    )
    return body + qris_crc(body)


SAMPLE_QRIS = _sample_qris()
