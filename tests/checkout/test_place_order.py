"""POST /public/checkout: an order comes in, priced, with stock reserved and a CS assigned."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

import httpx
import lokal
from sqlalchemy import select

from bosonline.models import Customer, Order, OrderEvent, OrderLine, StoreMember
from bosonline.runtime import Runtime
from tests.checkout.helpers import (
    BUYER_E164,
    JAKARTA_DISTRICT,
    CheckoutShop,
    count,
    make_checkout_shop,
    make_voucher,
    place,
    stock_row,
    variant_price,
)
from tests.envelope import assert_error, assert_validation
from tests.querycount import QueryLog, count_queries


async def test_bank_transfer_order(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    response = await place(client, shop)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    money = data["money"]
    assert money["product_price"] == 100_000
    assert money["shipping_cost"] == 10_000  # 400 g → 1 kg × Rp10.000 (Jawa Barat: default price)
    assert 1 <= money["unique_code"] <= 999
    assert money["total"] == 110_000 - money["unique_code"]
    assert data["payment"]["bank_accounts"][0]["account_number"] == "1234567890"
    assert data["status"] == "pending" and data["payment_status"] == "unpaid"
    assert data["number"].startswith("INV/")
    assert await stock_row(rt, shop.red, shop.warehouse) == (30, 2)
    async with rt.db.session(write=False) as session:
        order = (await session.scalars(select(Order))).one()
        assert order.handler_id == shop.cs_members[0]
        assert order.customer_phone == BUYER_E164
        customer = (await session.scalars(select(Customer))).one()
        assert order.customer_id == customer.id
        lines = (await session.scalars(select(OrderLine))).all()
        assert [(line.product_name, line.variant_name, line.quantity, line.unit_price) for line in lines] == [
            ("Kaos Polos", "Merah / L", 2, 50_000)
        ]
        events = (await session.scalars(select(OrderEvent))).all()
        assert [(e.kind, e.to_status) for e in events] == [("created", "pending")]


async def test_percentage_voucher_with_cap_and_cod_fee_rounding(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop
) -> None:
    await variant_price(rt, shop.red, 33_333)
    await make_voucher(rt, shop, "HEMAT", value=50, max_discount=5_000)
    response = await place(client, shop, payment_method="cod", voucher_code="hemat")
    assert response.status_code == 201, response.text
    money = response.json()["data"]["money"]
    assert money["product_price"] == 66_666
    assert money["product_discount"] == 5_000  # 50 % capped at Rp5.000
    assert money["shipping_cost"] == 10_000
    # 3 % of (66.666 − 5.000 + 10.000) = 2.149,98 → rounded up to 2.150
    assert money["cod_fee"] == 2_150
    assert money["unique_code"] == 0  # only bank transfers get one
    assert money["total"] == 66_666 - 5_000 + 10_000 + 2_150


async def test_shipping_voucher_and_per_kg_province_price(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop
) -> None:
    await make_voucher(rt, shop, "ONGKIR", kind="fixed", target="shipping", value=50_000)
    # 6 × 200 g = 1.2 kg → 2 started kg × Rp9.000 (Jakarta's price on the card)
    response = await place(
        client,
        shop,
        items=[{"variant_id": shop.red, "quantity": 6}],
        region_code=JAKARTA_DISTRICT,
        payment_method="qris",
        voucher_code="ONGKIR",
    )
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    money = data["money"]
    assert money["shipping_cost"] == 18_000
    assert money["shipping_discount"] == 18_000  # never more than the shipping itself
    assert money["unique_code"] == 0 and money["cod_fee"] == 0
    assert money["total"] == 300_000
    info = lokal.parse_qris(data["payment"]["qris_payload"])
    assert info.valid and info.type == "dynamic" and int(info.amount) == 300_000
    png = await client.get(data["payment"]["qris_image_url"])
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")


async def test_wholesale_tier_price(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    await variant_price(rt, shop.red, 50_000, wholesale_tiers=[{"min_qty": 3, "price": 45_000}])
    response = await place(client, shop, items=[{"variant_id": shop.red, "quantity": 3}], payment_method="cod")
    assert response.status_code == 201, response.text
    assert response.json()["data"]["lines"][0]["unit_price"] == 45_000


async def test_unique_codes_differ_for_the_same_amount(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop
) -> None:
    codes = set()
    for n in range(5):
        response = await place(client, shop, phone=f"08123456780{n}")
        assert response.status_code == 201, response.text
        codes.add(response.json()["data"]["money"]["unique_code"])
    assert len(codes) == 5


async def test_cs_round_robin_and_owner_without_cs(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    for _ in range(4):
        assert (await place(client, shop, payment_method="cod")).status_code == 201
    async with rt.db.session(write=False) as session:
        handlers = list(await session.scalars(select(Order.handler_id).order_by(Order.id)))
    first, second = shop.cs_members
    assert handlers == [first, second, first, second]

    lone = await make_checkout_shop(client, rt, cs=0)
    assert (await place(client, lone, payment_method="cod")).status_code == 201
    async with rt.db.session(write=False) as session:
        order = (await session.scalars(select(Order).where(Order.store_id == lone.store_id))).one()
        owner = await session.get(StoreMember, order.handler_id)
        assert owner is not None and owner.role == "owner"


async def test_repeat_buyer_reuses_the_customer(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    assert (await place(client, shop, name="Siti")).status_code == 201
    assert (await place(client, shop, name="Siti Aminah", phone="+62 812-3456-7890")).status_code == 201
    async with rt.db.session(write=False) as session:
        customers = (await session.scalars(select(Customer))).all()
        assert [(c.name, c.phone) for c in customers] == [("Siti Aminah", BUYER_E164)]
        assert len(set(await session.scalars(select(Order.customer_id)))) == 1


async def test_order_numbers_follow_each_other(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    numbers = [(await place(client, shop, payment_method="cod")).json()["data"]["number"] for _ in range(3)]
    day = rt.clock.now().astimezone(ZoneInfo("Asia/Jakarta")).strftime("%Y%m%d")
    assert numbers == [f"INV/{day}/00001", f"INV/{day}/00002", f"INV/{day}/00003"]


async def test_replay_returns_the_same_order(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    first = await place(client, shop, key="checkout-key-0001")
    again = await place(client, shop, key="checkout-key-0001")
    assert first.status_code == 201 and again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["data"]["number"] == first.json()["data"]["number"]
    assert await count(rt, Order) == 1
    assert await stock_row(rt, shop.red, shop.warehouse) == (30, 2)
    other = await place(client, shop, key="checkout-key-0001", name="Orang Lain")
    assert_error(other, 422, "idempotency_key_reused")
    assert await count(rt, Order) == 1


async def test_concurrent_replays_make_one_order(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    responses = await asyncio.gather(*(place(client, shop, key="same-key-123") for _ in range(8)))
    assert sorted(r.status_code for r in responses) == [200] * 7 + [201], [r.text for r in responses]
    assert len({r.json()["data"]["number"] for r in responses}) == 1
    assert await count(rt, Order) == 1
    assert await stock_row(rt, shop.red, shop.warehouse) == (30, 2)


async def test_district_only_form_keeps_no_street(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, fields={"email": "required", "notes": "hidden", "address": "district"})
    missing = await place(client, shop, address=None)
    assert_validation(missing, "email")
    response = await place(client, shop, email="SITI@Example.com", notes="tolong cepat", payment_method="cod")
    assert response.status_code == 201, response.text
    async with rt.db.session(write=False) as session:
        order = (await session.scalars(select(Order))).one()
        assert (order.address, order.notes, order.customer_email) == (None, None, "siti@example.com")


async def test_checkout_query_budget(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    """A fixed number of statements whatever the number of lines: the stock is reserved in one UPDATE."""
    assert (await place(client, shop, payment_method="cod", phone="081200000009")).status_code == 201  # cache
    with count_queries(rt) as one:
        assert (await place(client, shop, payment_method="cod")).status_code == 201
    three = [{"variant_id": v, "quantity": 1} for v in (shop.red, shop.black, shop.kopi_variant)]
    with count_queries(rt) as many:
        assert (await place(client, shop, items=three, payment_method="cod", phone="081200000001")).status_code == 201
    assert checkout_statements(many) == checkout_statements(one)
    assert checkout_statements(one) <= 21, one.statements


def checkout_statements(log: QueryLog) -> int:
    """Statements of the checkout's own transaction (the rate limiter's counter is one statement before it, outside
    it: on SQLite on a connection of its own, on PostgreSQL sent to asyncpg directly, unseen here)."""
    return log.count - sum(1 for sql in log.statements if "rate_limit_windows" in sql)


def transaction_statements(log: QueryLog) -> list[str]:
    """Every statement the checkout sends, BEGIN, SAVEPOINT and COMMIT included; only the rate limiter's counter
    (one autocommit statement before the transaction, see checkout_statements) is left out."""
    transactions: list[list[str]] = []
    for sql in log.statements:
        if sql.startswith("BEGIN") or not transactions:
            transactions.append([])
        transactions[-1].append(sql)
    return [sql for statements in transactions if not _limiter(statements) for sql in statements]


def _limiter(statements: list[str]) -> bool:
    return any("rate_limit_windows" in sql for sql in statements)


# Every statement of a bank-transfer checkout with its unique code, one line kind: PostgreSQL sends one transaction
# of this many (BEGIN, the entry and stock reads, the lock on the amount's unique codes, the chain of writes that
# reserves the stock, takes the store's counters and draws the code, COMMIT; no savepoint), SQLite runs the chain one
# statement at a time (the reservation first).
ROUND_TRIPS = {"postgresql": 6, "sqlite": 15}


async def test_checkout_round_trips(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    dialect = rt.db.engine.dialect.name
    with count_queries(rt, transactions=True) as cold:  # the first checkout of the store fills the cache
        assert (await place(client, shop, phone="081200000009")).status_code == 201
    with count_queries(rt, transactions=True) as one:
        assert (await place(client, shop)).status_code == 201
    statements = transaction_statements(one)
    print(f"\n{dialect}: {len(statements)} statements\n" + "\n".join(sql[:160] for sql in statements))
    assert statements[0].startswith("BEGIN") and statements[-1] == "COMMIT", statements
    assert not any(sql.startswith(("SAVEPOINT", "RELEASE")) for sql in statements), statements
    assert len(statements) <= ROUND_TRIPS[dialect], statements
    # Cold: + the offered variants, rate card, CS and owner, templates, webhooks and bank accounts (six reads).
    assert len(transaction_statements(cold)) == len(statements) + 6

    three = [{"variant_id": v, "quantity": 1} for v in (shop.red, shop.black, shop.kopi_variant)]
    with count_queries(rt, transactions=True) as many:
        assert (await place(client, shop, items=three, phone="081200000001")).status_code == 201
    assert len(transaction_statements(many)) == len(statements)  # nothing grows with the lines

    await make_voucher(rt, shop, "HEMAT", quota_per_buyer=3)
    with count_queries(rt, transactions=True) as voucher:
        assert (await place(client, shop, voucher_code="hemat", phone="081200000002")).status_code == 201
    # + the voucher's read (voucher, products, this buyer's uses: one SELECT) and its claim (the conditional UPDATE
    # whose row lock the per-buyer count in the chain of writes reads after), before which the stock is reserved in a
    # statement of its own (stock rows are locked before a voucher's, as a cancel does); SQLite runs that count and
    # the redemption's INSERT as statements of their own
    assert len(transaction_statements(voucher)) == len(statements) + (3 if dialect == "postgresql" else 4)

    with count_queries(rt, transactions=True) as replay:
        assert (await place(client, shop, key="budget-replay-1")).status_code == 201
    with count_queries(rt, transactions=True) as replay:
        assert (await place(client, shop, key="budget-replay-1")).status_code == 200
    written = ("INSERT", "UPDATE", "DELETE", "WITH")  # the chain of writes is a WITH
    assert not any(sql.startswith(written) for sql in transaction_statements(replay))  # a replay writes nothing
