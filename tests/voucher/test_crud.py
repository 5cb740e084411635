"""Store → Voucher: create, read, replace, switch on and off, delete (erased or archived for its orders)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from bosonline.kit.clock import FrozenClock
from bosonline.models import Voucher
from bosonline.runtime import Runtime
from bosonline.voucher.checkout import CartLine, quote_voucher, redeem_voucher
from tests.envelope import assert_error
from tests.factories import bearer, login, seller
from tests.inventory.helpers import make_product
from tests.voucher.helpers import (
    create_voucher,
    make_order,
    redemption_count,
    voucher_body,
    voucher_product_ids,
    voucher_row,
)

OUT_KEYS = {
    "id", "code", "name", "kind", "target", "value", "max_discount", "min_purchase", "starts_at", "ends_at",
    "quota_total", "quota_per_buyer", "used_count", "remaining", "show_on_checkout", "status", "state",
    "product_ids", "summary", "created_at", "updated_at",
}  # fmt: skip


@pytest.fixture
async def owner(client: httpx.AsyncClient) -> dict[str, Any]:
    return await seller(client)


async def test_create_and_read_back(client: httpx.AsyncClient, rt: Runtime, owner: dict[str, Any]) -> None:
    store_id = owner["store"]["id"]
    kaos, _ = await make_product(rt, store_id, name="Kaos Polos")
    kopi, _ = await make_product(rt, store_id, name="Kopi Gayo")
    now = rt.clock.now()
    body = voucher_body(
        code="Gajian-10",
        starts_at=(now - timedelta(hours=1)).isoformat(),
        ends_at="2026-12-31T23:59:59+07:00",
        quota_total=100,
        quota_per_buyer=2,
        show_on_checkout=True,
        product_ids=[kopi, kaos],
    )
    response = await client.post("/store/voucher", json=body, headers=owner["headers"])
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert set(data) == OUT_KEYS
    assert data["code"] == "Gajian-10"  # as written
    assert data["kind"] == "percentage" and data["target"] == "product" and data["value"] == 10
    assert data["max_discount"] == 20_000 and data["min_purchase"] == 100_000
    assert data["ends_at"].startswith("2026-12-31T16:59:59")  # stored in UTC
    assert data["quota_total"] == 100 and data["quota_per_buyer"] == 2
    assert data["used_count"] == 0 and data["remaining"] == 100
    assert data["status"] == "active" and data["state"] == "running"
    assert data["show_on_checkout"] is True
    assert data["product_ids"] == sorted([kaos, kopi])
    assert data["summary"] == "Diskon 10% maks. Rp20.000, min. belanja Rp100.000"

    got = await client.get(f"/store/voucher/{data['id']}", headers=owner["headers"])
    assert got.status_code == 200
    assert got.json()["data"] == data
    row = await voucher_row(rt, data["id"])
    assert row is not None and row.code_key == "GAJIAN-10" and row.store_id == store_id
    assert await voucher_product_ids(rt, data["id"]) == sorted([kaos, kopi])


async def test_defaults_of_a_minimal_voucher(client: httpx.AsyncClient, owner: dict[str, Any]) -> None:
    body = {"code": "ONGKIR", "name": "Potongan Ongkir", "kind": "fixed", "target": "shipping", "value": 10_000}
    response = await client.post("/store/voucher", json=body, headers=owner["headers"])
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["max_discount"] is None and data["min_purchase"] == 0
    assert data["starts_at"] is None and data["ends_at"] is None
    assert data["quota_total"] is None and data["remaining"] is None and data["quota_per_buyer"] is None
    assert data["show_on_checkout"] is False and data["product_ids"] == []
    assert data["summary"] == "Potongan ongkir Rp10.000"


async def test_state_follows_the_clock(client: httpx.AsyncClient, clock: FrozenClock, owner: dict[str, Any]) -> None:
    now = clock.now()
    voucher = await create_voucher(
        client,
        owner["headers"],
        starts_at=(now + timedelta(days=1)).isoformat(),
        ends_at=(now + timedelta(days=2)).isoformat(),
    )
    url = f"/store/voucher/{voucher['id']}"
    assert voucher["state"] == "scheduled"
    clock.advance(days=1)  # access tokens last 15 minutes: log in again after each jump
    headers = bearer(await login(client, owner["email"]))
    assert (await client.get(url, headers=headers)).json()["data"]["state"] == "running"
    clock.advance(days=1)
    headers = bearer(await login(client, owner["email"]))
    assert (await client.get(url, headers=headers)).json()["data"]["state"] == "expired"


async def test_code_is_unique_regardless_of_case(client: httpx.AsyncClient, owner: dict[str, Any]) -> None:
    first = await create_voucher(client, owner["headers"], code="Hemat10")
    for code in ("HEMAT10", "hemat10", " hemat10 "):
        response = await client.post("/store/voucher", json=voucher_body(code=code), headers=owner["headers"])
        assert_error(response, 409, "voucher_code_taken", fields=["code"], case=code)
    second = await create_voucher(client, owner["headers"], code="Hemat20")
    taken = await client.put(
        f"/store/voucher/{second['id']}", json=voucher_body(code="hemat10"), headers=owner["headers"]
    )
    assert_error(taken, 409, "voucher_code_taken", fields=["code"])
    # a voucher keeps its own code under another case
    same = await client.put(
        f"/store/voucher/{first['id']}", json=voucher_body(code="HEMAT10"), headers=owner["headers"]
    )
    assert same.status_code == 200, same.text
    assert same.json()["data"]["code"] == "HEMAT10"
    # another store may use the same code
    other = await seller(client)
    await create_voucher(client, other["headers"], code="hemat10")


async def test_put_replaces_everything(client: httpx.AsyncClient, rt: Runtime, owner: dict[str, Any]) -> None:
    store_id = owner["store"]["id"]
    kaos, _ = await make_product(rt, store_id, name="Kaos Polos")
    kopi, _ = await make_product(rt, store_id, name="Kopi Gayo")
    voucher = await create_voucher(client, owner["headers"], quota_total=50, show_on_checkout=True, product_ids=[kaos])
    assert isinstance(rt.clock, FrozenClock)
    rt.clock.advance(minutes=5)
    body = {
        "code": "ONGKIR5",
        "name": "Ongkir Hemat",
        "kind": "fixed",
        "target": "shipping",
        "value": 5_000,
        "product_ids": [kopi],
    }
    response = await client.put(f"/store/voucher/{voucher['id']}", json=body, headers=owner["headers"])
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["code"] == "ONGKIR5" and data["kind"] == "fixed" and data["target"] == "shipping"
    # left out: back to the defaults
    assert data["max_discount"] is None and data["min_purchase"] == 0 and data["quota_total"] is None
    assert data["show_on_checkout"] is False
    assert data["product_ids"] == [kopi]
    assert data["created_at"] == voucher["created_at"] and data["updated_at"] > voucher["updated_at"]
    assert await voucher_product_ids(rt, voucher["id"]) == [kopi]
    emptied = await client.put(
        f"/store/voucher/{voucher['id']}", json={**body, "product_ids": []}, headers=owner["headers"]
    )
    assert emptied.json()["data"]["product_ids"] == []
    assert await voucher_product_ids(rt, voucher["id"]) == []
    # the old code is free again
    await create_voucher(client, owner["headers"], code=voucher["code"])


async def test_put_cannot_lower_quota_below_uses(client: httpx.AsyncClient, rt: Runtime, owner: dict[str, Any]) -> None:
    voucher = await create_voucher(client, owner["headers"], quota_total=10)
    async with rt.db.session() as session:
        row = await session.get(Voucher, voucher["id"])
        assert row is not None
        row.used_count = 4
        await session.commit()
    url = f"/store/voucher/{voucher['id']}"
    low = await client.put(url, json=voucher_body(code=voucher["code"], quota_total=3), headers=owner["headers"])
    assert_error(low, 422, "validation_error", fields=["quota_total"])
    assert (await voucher_row(rt, voucher["id"])).quota_total == 10  # type: ignore[union-attr]
    ok = await client.put(url, json=voucher_body(code=voucher["code"], quota_total=4), headers=owner["headers"])
    assert ok.status_code == 200, ok.text
    assert ok.json()["data"]["state"] == "exhausted" and ok.json()["data"]["remaining"] == 0
    unlimited = await client.put(url, json=voucher_body(code=voucher["code"]), headers=owner["headers"])
    assert unlimited.json()["data"]["state"] == "running" and unlimited.json()["data"]["used_count"] == 4


async def test_status_switch(client: httpx.AsyncClient, owner: dict[str, Any]) -> None:
    voucher = await create_voucher(client, owner["headers"])
    url = f"/store/voucher/{voucher['id']}/status"
    off = await client.patch(url, json={"status": "inactive"}, headers=owner["headers"])
    assert off.status_code == 200, off.text
    assert off.json()["data"]["status"] == "inactive"
    again = await client.patch(url, json={"status": "inactive"}, headers=owner["headers"])
    assert again.json()["data"]["status"] == "inactive"
    on = await client.patch(url, json={"status": "active"}, headers=owner["headers"])
    assert on.json()["data"]["status"] == "active"
    for bad in ({"status": "deleted"}, {}, {"status": "active", "extra": 1}, {"status": None}):
        response = await client.patch(url, json=bad, headers=owner["headers"])
        assert_error(response, 422, "validation_error", case=bad)


async def test_delete_unused_voucher_erases_it(client: httpx.AsyncClient, rt: Runtime, owner: dict[str, Any]) -> None:
    kaos, _ = await make_product(rt, owner["store"]["id"])
    voucher = await create_voucher(client, owner["headers"], code="HAPUS", product_ids=[kaos])
    response = await client.delete(f"/store/voucher/{voucher['id']}", headers=owner["headers"])
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"id": voucher["id"], "deleted": True, "archived": False}
    assert await voucher_row(rt, voucher["id"]) is None
    assert await voucher_product_ids(rt, voucher["id"]) == []
    gone = await client.get(f"/store/voucher/{voucher['id']}", headers=owner["headers"])
    assert_error(gone, 404, "not_found", message="Record not found")
    again = await client.delete(f"/store/voucher/{voucher['id']}", headers=owner["headers"])
    assert_error(again, 404, "not_found")
    await create_voucher(client, owner["headers"], code="hapus")


async def test_delete_used_voucher_keeps_it_for_its_orders(
    client: httpx.AsyncClient, rt: Runtime, owner: dict[str, Any]
) -> None:
    store_id = owner["store"]["id"]
    kaos, _ = await make_product(rt, store_id)
    voucher = await create_voucher(client, owner["headers"], code="Terpakai", product_ids=[kaos])
    order_id = await make_order(rt, store_id)
    async with rt.db.session() as session:
        quote = await quote_voucher(
            session, store_id, "terpakai", [CartLine(kaos, 150_000)], None, "6281234567890", rt.clock.now()
        )
        await redeem_voucher(session, store_id, quote, order_id=order_id, phone="6281234567890", now=rt.clock.now())
        await session.commit()

    response = await client.delete(f"/store/voucher/{voucher['id']}", headers=owner["headers"])
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"id": voucher["id"], "deleted": True, "archived": True}
    row = await voucher_row(rt, voucher["id"])
    assert row is not None and row.deleted_at is not None and row.code_key is None and row.status == "inactive"
    assert row.used_count == 1 and await redemption_count(rt, voucher["id"]) == 1
    # invisible everywhere
    assert_error(await client.get(f"/store/voucher/{voucher['id']}", headers=owner["headers"]), 404, "not_found")
    listed = await client.get("/store/voucher", headers=owner["headers"])
    assert listed.json()["data"] == [] and listed.json()["meta"]["total"] == 0
    for method in ("put", "patch", "delete"):
        url = f"/store/voucher/{voucher['id']}" + ("/status" if method == "patch" else "")
        body = {"status": "active"} if method == "patch" else voucher_body()
        kwargs: dict[str, Any] = {} if method == "delete" else {"json": body}
        assert_error(await client.request(method, url, headers=owner["headers"], **kwargs), 404, "not_found")
    # its code is free for a new voucher, which checkout then finds
    fresh = await create_voucher(client, owner["headers"], code="TERPAKAI", min_purchase=0)
    async with rt.db.session() as session:
        quote = await quote_voucher(session, store_id, "terpakai", [CartLine(kaos, 10_000)], None, None, rt.clock.now())
    assert quote.voucher_id == fresh["id"]


async def test_unknown_ids(client: httpx.AsyncClient, owner: dict[str, Any]) -> None:
    for path in ("/store/voucher/999999", "/store/voucher/9007199254740992"):
        assert_error(await client.get(path, headers=owner["headers"]), 404, "not_found")
    for path in ("/store/voucher/0", "/store/voucher/9007199254740993"):
        assert_error(await client.get(path, headers=owner["headers"]), 422, "validation_error", fields=["voucher_id"])
    assert (await client.get("/store/voucher/abc", headers=owner["headers"])).status_code in (404, 405)
