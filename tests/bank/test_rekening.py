"""Rekening happy paths: create, detail, list (order and filter), edit, status, delete, and the checkout helper."""

from __future__ import annotations

import httpx

from bosonline.bank.public import active_bank_accounts
from bosonline.kit.clock import FrozenClock
from bosonline.models import BankAccount
from bosonline.runtime import Runtime
from tests.bank.helpers import account_body, account_row, accounts_of, create_account
from tests.envelope import assert_error
from tests.factories import seller
from tests.querycount import count_queries

BCA = {"code": "014", "name": "PT Bank Central Asia Tbk", "short_name": "BCA"}


async def test_create_and_read_back(client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock) -> None:
    owner = await seller(client)
    response = await client.post(
        "/store/rekening",
        json=account_body(account_number=" 123-456.78 90 ", holder_name="  Budi Santoso "),
        headers=owner["headers"],
    )
    assert response.status_code == 201, response.text
    created = response.json()["data"]
    assert set(created) == {"id", "bank", "holder_name", "account_number", "status", "created_at", "updated_at"}
    assert created["bank"] == BCA
    assert created["holder_name"] == "Budi Santoso"
    assert created["account_number"] == "1234567890"
    assert created["status"] == "active"
    assert created["created_at"] == created["updated_at"]
    assert created["created_at"].startswith(clock.now().isoformat()[:19])

    row = await account_row(rt, created["id"])
    assert row is not None
    assert (row.store_id, row.bank_code, row.account_number, row.position) == (
        owner["store"]["id"],
        "014",
        "1234567890",
        0,
    )

    detail = await client.get(f"/store/rekening/{created['id']}", headers=owner["headers"])
    assert detail.status_code == 200 and detail.json() == {"data": created}


async def test_created_inactive_when_asked(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    created = await create_account(client, owner["headers"], status="inactive")
    assert created["status"] == "inactive"


async def test_list_in_display_order_with_status_filter(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    empty = await client.get("/store/rekening", headers=owner["headers"])
    assert empty.json() == {"data": [], "meta": {"next_cursor": None, "total": 0}}
    first = await create_account(client, owner["headers"], bank_code="002", account_number="000101000123563")
    second = await create_account(client, owner["headers"], bank_code="008", account_number="1370012345678")
    third = await create_account(client, owner["headers"], bank_code="451", account_number="7123456789")
    await client.patch(f"/store/rekening/{second['id']}/status", json={"status": "inactive"}, headers=owner["headers"])

    listed = await client.get("/store/rekening", headers=owner["headers"])
    assert listed.status_code == 200
    body = listed.json()
    assert [a["id"] for a in body["data"]] == [first["id"], second["id"], third["id"]]
    assert body["meta"] == {"next_cursor": None, "total": 3}
    assert [a["bank"]["short_name"] for a in body["data"]] == ["BRI", "Mandiri", "BSI"]
    assert [row.position for row in await accounts_of(rt, owner["store"]["id"])] == [0, 1, 2]

    active = (await client.get("/store/rekening?status=active", headers=owner["headers"])).json()
    assert [a["id"] for a in active["data"]] == [first["id"], third["id"]]
    assert active["meta"]["total"] == 2
    inactive = (await client.get("/store/rekening?status=inactive", headers=owner["headers"])).json()
    assert [a["id"] for a in inactive["data"]] == [second["id"]]


async def test_order_follows_position_then_id(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    ids = [(await create_account(client, owner["headers"], account_number=f"12345678{n}"))["id"] for n in range(3)]
    async with rt.db.session() as session:  # no reorder endpoint yet: move the last one first directly
        row = await session.get(BankAccount, ids[2])
        assert row is not None
        row.position = -1
        await session.commit()
    listed = (await client.get("/store/rekening", headers=owner["headers"])).json()["data"]
    assert [a["id"] for a in listed] == [ids[2], ids[0], ids[1]]


async def test_edit_replaces_the_fields(client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock) -> None:
    owner = await seller(client)
    created = await create_account(client, owner["headers"])
    clock.advance(minutes=5)
    response = await client.put(
        f"/store/rekening/{created['id']}",
        json={"bank_code": "009", "holder_name": "Siti Aminah", "account_number": "0123 4567 89"},
        headers=owner["headers"],
    )
    assert response.status_code == 200, response.text
    edited = response.json()["data"]
    assert edited["bank"]["short_name"] == "BNI"
    assert (edited["holder_name"], edited["account_number"], edited["status"]) == (
        "Siti Aminah",
        "0123456789",
        "active",
    )
    assert edited["created_at"] == created["created_at"]
    assert edited["updated_at"] > created["updated_at"]
    row = await account_row(rt, created["id"])
    assert row is not None and (row.bank_code, row.account_number, row.position) == ("009", "0123456789", 0)
    # Saving the same number again (its own) is not a conflict.
    same = await client.put(
        f"/store/rekening/{created['id']}",
        json={"bank_code": "009", "holder_name": "Siti A.", "account_number": "0123456789"},
        headers=owner["headers"],
    )
    assert same.status_code == 200, same.text


async def test_status_toggles(client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock) -> None:
    owner = await seller(client)
    created = await create_account(client, owner["headers"])
    clock.advance(minutes=1)
    path = f"/store/rekening/{created['id']}/status"
    off = await client.patch(path, json={"status": "inactive"}, headers=owner["headers"])
    assert off.status_code == 200 and off.json()["data"]["status"] == "inactive"
    assert off.json()["data"]["updated_at"] > created["updated_at"]
    assert (await account_row(rt, created["id"])).status == "inactive"  # type: ignore[union-attr]
    again = await client.patch(path, json={"status": "inactive"}, headers=owner["headers"])
    assert again.status_code == 200 and again.json()["data"] == off.json()["data"]
    on = await client.patch(path, json={"status": "active"}, headers=owner["headers"])
    assert on.status_code == 200 and on.json()["data"]["status"] == "active"


async def test_delete_removes_the_row(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    kept = await create_account(client, owner["headers"], account_number="1111111111")
    gone = await create_account(client, owner["headers"], account_number="2222222222")
    response = await client.delete(f"/store/rekening/{gone['id']}", headers=owner["headers"])
    assert response.status_code == 200
    assert response.json() == {"data": {"id": gone["id"], "deleted": True}}
    assert await account_row(rt, gone["id"]) is None
    assert [row.id for row in await accounts_of(rt, owner["store"]["id"])] == [kept["id"]]
    assert_error(await client.get(f"/store/rekening/{gone['id']}", headers=owner["headers"]), 404, "not_found")
    assert_error(await client.delete(f"/store/rekening/{gone['id']}", headers=owner["headers"]), 404, "not_found")
    # The number can be saved again afterwards, and goes last.
    again = await create_account(client, owner["headers"], account_number="2222222222")
    listed = (await client.get("/store/rekening", headers=owner["headers"])).json()["data"]
    assert [a["id"] for a in listed] == [kept["id"], again["id"]]


async def test_active_bank_accounts_for_checkout(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    other = await seller(client)
    await create_account(client, other["headers"], account_number="9999999999")
    a = await create_account(client, owner["headers"], bank_code="014", account_number="1111111111")
    b = await create_account(client, owner["headers"], bank_code="008", account_number="2222222222", status="inactive")
    c = await create_account(client, owner["headers"], bank_code="002", account_number="3333333333")
    assert b["status"] == "inactive"
    async with rt.db.session() as session:
        with count_queries(rt) as q:
            accounts = await active_bank_accounts(session, owner["store"]["id"])
        assert q.count == 1
        assert [account.id for account in accounts] == [a["id"], c["id"]]
        assert [account.model_dump(mode="json") for account in accounts] == [a, c]
        assert await active_bank_accounts(session, 2**53) == []


async def test_list_query_count_does_not_grow(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    await create_account(client, owner["headers"], account_number="5550000000")
    with count_queries(rt) as one:
        response = await client.get("/store/rekening", headers=owner["headers"])
    assert len(response.json()["data"]) == 1
    for n in range(1, 20):
        await create_account(client, owner["headers"], account_number=f"55500000{n:02d}")
    with count_queries(rt) as twenty:
        response = await client.get("/store/rekening", headers=owner["headers"])
    assert len(response.json()["data"]) == 20
    assert twenty.count == one.count <= 5, (one.count, twenty.count)  # auth, store context, one list query
