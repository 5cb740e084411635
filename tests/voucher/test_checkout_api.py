"""The checkout's API against a real database: quote_voucher, redeem_voucher, checkout_vouchers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from bosonline.kit.clock import FrozenClock
from bosonline.models import Voucher, VoucherRedemption
from bosonline.runtime import Runtime
from bosonline.voucher.checkout import (
    CartLine,
    VoucherQuote,
    VoucherRefused,
    checkout_vouchers,
    quote_voucher,
    redeem_voucher,
)
from tests.factories import seller
from tests.inventory.helpers import archive_product, make_product
from tests.querycount import count_queries
from tests.voucher.helpers import create_voucher, make_order, redeem_in_own_transaction, redemption_count, voucher_row

SITI = "6281234567890"
BUDI = "6281398765432"


@dataclass
class Shop:
    headers: dict[str, str]
    store_id: int
    kaos: int
    kopi: int
    madu: int


@pytest.fixture
async def shop(client: httpx.AsyncClient, rt: Runtime) -> Shop:
    owner = await seller(client)
    store_id = owner["store"]["id"]
    kaos, _ = await make_product(rt, store_id, name="Kaos")
    kopi, _ = await make_product(rt, store_id, name="Kopi")
    madu, _ = await make_product(rt, store_id, name="Madu")
    return Shop(owner["headers"], store_id, kaos, kopi, madu)


async def quote(
    rt: Runtime,
    store_id: int,
    code: str,
    lines: Sequence[CartLine],
    shipping_cost: int | None = None,
    phone: str | None = None,
) -> VoucherQuote:
    async with rt.db.session(write=False) as session:
        return await quote_voucher(session, store_id, code, lines, shipping_cost, phone, rt.clock.now())


async def refused(rt: Runtime, store_id: int, code: str, lines: Sequence[CartLine], **kw: Any) -> VoucherRefused:
    with pytest.raises(VoucherRefused) as caught:
        await quote(rt, store_id, code, lines, **kw)
    return caught.value


async def redeem(rt: Runtime, store_id: int, q: VoucherQuote, *, phone: str = SITI) -> str:
    """Redeems for a new order of `phone` in its own transaction: "ok", or the refusal's reason."""
    return await redeem_in_own_transaction(rt, store_id, q, await make_order(rt, store_id, phone=phone), phone)


async def test_quote_product_voucher(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    await create_voucher(client, shop.headers, code="Gajian", product_ids=[shop.kopi, shop.madu], max_discount=20_000)
    cart = [CartLine(shop.kaos, 300_000), CartLine(shop.kopi, 120_000), CartLine(shop.madu, 30_000)]
    q = await quote(rt, shop.store_id, "gAJIAN", cart)
    assert q.code == "Gajian" and q.target == "product"
    assert q.discount == 15_000  # 10 % of the Rp150.000 of kopi and madu; the kaos does not count
    assert q.summary == "Diskon 10% maks. Rp20.000, min. belanja Rp100.000"
    assert (await quote(rt, shop.store_id, " gajian ", cart)).voucher_id == q.voucher_id
    only_kaos = [CartLine(shop.kaos, 300_000)]
    assert (await refused(rt, shop.store_id, "GAJIAN", only_kaos)).reason == "not_for_products"
    small = [CartLine(shop.kaos, 300_000), CartLine(shop.kopi, 99_999)]
    error = await refused(rt, shop.store_id, "GAJIAN", small)
    assert error.reason == "below_minimum" and error.code == "voucher_below_minimum"
    assert "Rp100.000" in error.message and "Rp99.999" in error.message
    assert error.fields == {"voucher_code": error.message}


async def test_quote_shipping_voucher(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    await create_voucher(client, shop.headers, code="ONGKIR", kind="fixed", target="shipping", value=10_000,
                         max_discount=None, min_purchase=50_000)  # fmt: skip
    cart = [CartLine(shop.kaos, 60_000)]
    pending = await quote(rt, shop.store_id, "ongkir", cart, shipping_cost=None)
    assert pending.discount == 0 and pending.target == "shipping"
    assert (await quote(rt, shop.store_id, "ongkir", cart, shipping_cost=18_000)).discount == 10_000
    assert (await quote(rt, shop.store_id, "ongkir", cart, shipping_cost=8_000)).discount == 8_000
    assert (await refused(rt, shop.store_id, "ongkir", [CartLine(shop.kaos, 49_000)])).reason == "below_minimum"


async def test_every_refusal(client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, shop: Shop) -> None:
    cart = [CartLine(shop.kaos, 200_000)]
    now = clock.now()
    for code in ("NOPE", "", "ab", "x" * 40, "DROP TABLE", "%", "ÄBC"):
        assert (await refused(rt, shop.store_id, code, cart)).reason == "not_found", code
    off = await create_voucher(client, shop.headers, code="MATI")
    await client.patch(f"/store/voucher/{off['id']}/status", json={"status": "inactive"}, headers=shop.headers)
    assert (await refused(rt, shop.store_id, "mati", cart)).reason == "inactive"
    await create_voucher(client, shop.headers, code="NANTI", starts_at=(now + timedelta(hours=2)).isoformat(),
                         ends_at=(now + timedelta(hours=4)).isoformat())  # fmt: skip
    assert (await refused(rt, shop.store_id, "nanti", cart)).reason == "not_started"
    used_up = await create_voucher(client, shop.headers, code="HABIS", quota_total=3)
    async with rt.db.session() as session:
        await session.execute(update(Voucher).where(Voucher.id == used_up["id"]).values(used_count=3))
        await session.commit()
    assert (await refused(rt, shop.store_id, "habis", cart)).reason == "exhausted"
    # another store's code is not found in this one
    other = await seller(client)
    await create_voucher(client, other["headers"], code="TETANGGA")
    assert (await refused(rt, shop.store_id, "tetangga", cart)).reason == "not_found"
    # the window's edges
    clock.advance(hours=2)
    assert (await quote(rt, shop.store_id, "nanti", cart)).discount == 20_000  # exactly starts_at
    clock.advance(hours=2)
    assert (await refused(rt, shop.store_id, "nanti", cart)).reason == "expired"  # exactly ends_at


async def test_redeem_records_the_use(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    voucher = await create_voucher(client, shop.headers, code="PAKAI", quota_total=2)
    cart = [CartLine(shop.kopi, 150_000)]
    q = await quote(rt, shop.store_id, "pakai", cart, phone=SITI)
    order_id = await make_order(rt, shop.store_id, phone=SITI)
    async with rt.db.session() as session:
        with count_queries(rt) as log:
            await redeem_voucher(session, shop.store_id, q, order_id=order_id, phone=SITI, now=rt.clock.now())
        await session.commit()
    assert log.count <= 2  # the UPDATE … RETURNING, the redemption insert (no per-buyer quota to count)
    row = await voucher_row(rt, voucher["id"])
    assert row is not None and row.used_count == 1 and row.updated_at.isoformat().startswith("2026-11-21T03:00")
    async with rt.db.session(write=False) as session:
        redemption = await session.scalar(
            select(VoucherRedemption).where(VoucherRedemption.voucher_id == voucher["id"])
        )
    assert redemption is not None
    assert (redemption.order_id, redemption.phone, redemption.discount, redemption.store_id) == (
        order_id, SITI, 15_000, shop.store_id
    )  # fmt: skip
    assert await redeem(rt, shop.store_id, q) == "ok"
    assert await redeem(rt, shop.store_id, q) == "exhausted"  # the quote was good, the quota is not
    assert (await voucher_row(rt, voucher["id"])).used_count == 2  # type: ignore[union-attr]
    assert await redemption_count(rt, voucher["id"]) == 2
    listed = (await client.get(f"/store/voucher/{voucher['id']}", headers=shop.headers)).json()["data"]
    assert listed["used_count"] == 2 and listed["remaining"] == 0 and listed["state"] == "exhausted"
    assert (await refused(rt, shop.store_id, "pakai", cart)).reason == "exhausted"


async def test_redeem_refuses_what_changed_since_the_quote(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, shop: Shop
) -> None:
    voucher = await create_voucher(client, shop.headers, code="BERUBAH",
                                   ends_at=(clock.now() + timedelta(minutes=10)).isoformat())  # fmt: skip
    q = await quote(rt, shop.store_id, "berubah", [CartLine(shop.kopi, 150_000)])
    await client.patch(f"/store/voucher/{voucher['id']}/status", json={"status": "inactive"}, headers=shop.headers)
    assert await redeem(rt, shop.store_id, q) == "inactive"
    await client.patch(f"/store/voucher/{voucher['id']}/status", json={"status": "active"}, headers=shop.headers)
    clock.advance(minutes=10)
    assert await redeem(rt, shop.store_id, q) == "expired"
    await client.delete(f"/store/voucher/{voucher['id']}", headers=shop.headers)
    assert await redeem(rt, shop.store_id, q) == "not_found"
    assert (await voucher_row(rt, voucher["id"])) is None
    assert await redemption_count(rt, voucher["id"]) == 0


async def test_redeem_in_another_store_is_not_found(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    voucher = await create_voucher(client, shop.headers, code="PUNYAKU")
    q = await quote(rt, shop.store_id, "punyaku", [CartLine(shop.kopi, 150_000)])
    other = await seller(client)
    assert await redeem(rt, other["store"]["id"], q) == "not_found"
    assert (await voucher_row(rt, voucher["id"])).used_count == 0  # type: ignore[union-attr]


async def test_per_buyer_quota(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    await create_voucher(client, shop.headers, code="SEKALI", quota_per_buyer=2, quota_total=10)
    cart = [CartLine(shop.kopi, 150_000)]
    for _ in range(2):
        q = await quote(rt, shop.store_id, "sekali", cart, phone=SITI)
        assert await redeem(rt, shop.store_id, q, phone=SITI) == "ok"
    error = await refused(rt, shop.store_id, "sekali", cart, phone=SITI)
    assert error.reason == "buyer_limit_reached" and error.code == "voucher_buyer_limit_reached"
    # a quote without a phone cannot tell; redeeming (which always knows the phone) refuses
    q = await quote(rt, shop.store_id, "sekali", cart)
    assert await redeem(rt, shop.store_id, q, phone=SITI) == "buyer_limit_reached"
    # other buyers are not affected
    assert (await quote(rt, shop.store_id, "sekali", cart, phone=BUDI)).discount == 15_000
    assert await redeem(rt, shop.store_id, q, phone=BUDI) == "ok"


async def test_archived_product_no_longer_counts(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    voucher = await create_voucher(client, shop.headers, code="MADU", product_ids=[shop.madu], min_purchase=0)
    await archive_product(rt, shop.madu, rt.clock.now())
    # the voucher stays limited to it (it is not turned into an all-products voucher)
    detail = (await client.get(f"/store/voucher/{voucher['id']}", headers=shop.headers)).json()["data"]
    assert detail["product_ids"] == [shop.madu]
    assert (await refused(rt, shop.store_id, "madu", [CartLine(shop.kopi, 10_000)])).reason == "not_for_products"


async def test_checkout_vouchers(client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, shop: Shop) -> None:
    h, now = shop.headers, clock.now()
    await create_voucher(client, h, code="SEMUA", show_on_checkout=True, ends_at=(now + timedelta(days=3)).isoformat())
    await create_voucher(client, h, code="KOPI", show_on_checkout=True, product_ids=[shop.kopi, shop.madu])
    await create_voucher(client, h, code="KAOS", show_on_checkout=True, product_ids=[shop.kaos])
    await create_voucher(client, h, code="RAHASIA", show_on_checkout=False)
    off = await create_voucher(client, h, code="MATI", show_on_checkout=True)
    await client.patch(f"/store/voucher/{off['id']}/status", json={"status": "inactive"}, headers=h)
    await create_voucher(
        client, h, code="NANTI", show_on_checkout=True, starts_at=(now + timedelta(days=1)).isoformat()
    )
    await create_voucher(client, h, code="LEWAT", show_on_checkout=True, ends_at=now.isoformat())
    used_up = await create_voucher(client, h, code="HABIS", show_on_checkout=True, quota_total=1)
    async with rt.db.session() as session:
        await session.execute(update(Voucher).where(Voucher.id == used_up["id"]).values(used_count=1))
        await session.commit()
    other = await seller(client)
    await create_voucher(client, other["headers"], code="TETANGGA", show_on_checkout=True)

    async def listed(product_ids: list[int]) -> list[str]:
        async with rt.db.session(write=False) as session:
            with count_queries(rt) as log:
                items = await checkout_vouchers(session, shop.store_id, product_ids, rt.clock.now())
        assert log.count == 1
        return [item.code for item in items]

    assert await listed([shop.kopi]) == ["SEMUA", "KOPI"]  # ending soonest first
    assert await listed([shop.kaos, shop.madu]) == ["SEMUA", "KAOS", "KOPI"]
    assert await listed([]) == ["SEMUA"]
    async with rt.db.session(write=False) as session:
        (first, *_) = await checkout_vouchers(session, shop.store_id, [shop.kopi], rt.clock.now())
    assert first.model_dump().keys() == {
        "code", "name", "kind", "target", "value", "max_discount", "min_purchase", "ends_at", "summary"
    }  # fmt: skip
    assert first.summary == "Diskon 10% maks. Rp20.000, min. belanja Rp100.000"
    clock.advance(days=1)
    assert await listed([shop.kopi]) == ["SEMUA", "NANTI", "KOPI"]
