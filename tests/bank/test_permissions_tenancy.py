"""Who may touch a store's Rekening: everyone in the store reads, owners and admins write, CS gets 403; another
store's accounts answer 404 and stay as they were."""

from __future__ import annotations

from typing import Any

import httpx

from bosonline.runtime import Runtime
from tests.bank.helpers import account_body, account_row, accounts_of, create_account, snapshot
from tests.envelope import assert_error
from tests.factories import create_store, seller, staff_headers


def writes(account_id: int) -> list[tuple[str, str, dict[str, Any] | None]]:
    return [
        ("POST", "/store/rekening", account_body(account_number="5555555555")),
        ("PUT", f"/store/rekening/{account_id}", account_body(holder_name="Diubah")),
        ("PATCH", f"/store/rekening/{account_id}/status", {"status": "inactive"}),
        ("DELETE", f"/store/rekening/{account_id}", None),
    ]


async def test_cs_reads_but_cannot_write(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    created = await create_account(client, owner["headers"])
    cs = await staff_headers(client, owner["headers"], role="cs", email="cs-bank@example.com")
    listed = await client.get("/store/rekening", headers=cs)
    assert listed.status_code == 200 and [a["id"] for a in listed.json()["data"]] == [created["id"]]
    assert (await client.get(f"/store/rekening/{created['id']}", headers=cs)).json()["data"] == created
    before = [snapshot(row) for row in await accounts_of(rt, owner["store"]["id"])]
    for method, path, body in writes(created["id"]):
        response = await client.request(method, path, json=body, headers=cs)
        assert_error(response, 403, "permission_denied", case=(method, path))
    assert [snapshot(row) for row in await accounts_of(rt, owner["store"]["id"])] == before


async def test_admin_writes(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    created = await create_account(client, owner["headers"])
    admin = await staff_headers(client, owner["headers"], role="admin", email="admin-bank@example.com")
    for method, path, body in writes(created["id"]):
        response = await client.request(method, path, json=body, headers=admin)
        assert response.status_code in (200, 201), (method, path, response.text)
    rows = await accounts_of(rt, owner["store"]["id"])
    assert [row.account_number for row in rows] == ["5555555555"]


async def test_needs_login_and_a_store(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/store/rekening"), 401, "unauthorized")
    assert_error(await client.post("/store/rekening", json=account_body()), 401, "unauthorized")
    owner = await seller(client)
    stranger = await seller(client)
    response = await client.get(
        "/store/rekening", headers={**stranger["headers"], "X-Store-Id": str(owner["store"]["id"])}
    )
    assert response.status_code == 403, response.text


async def test_another_stores_account_is_not_found_and_unchanged(client: httpx.AsyncClient, rt: Runtime) -> None:
    victim = await seller(client)
    target = await create_account(client, victim["headers"])
    before = snapshot(await account_row(rt, target["id"]))
    attacker = await seller(client)
    await create_account(client, attacker["headers"], account_number="7777777777")
    headers = attacker["headers"]
    assert_error(await client.get(f"/store/rekening/{target['id']}", headers=headers), 404, "not_found")
    for method, path, body in writes(target["id"])[1:]:
        response = await client.request(method, path, json=body, headers=headers)
        assert_error(response, 404, "not_found", message="Record not found", case=(method, path))
    assert snapshot(await account_row(rt, target["id"])) == before
    listed = (await client.get("/store/rekening", headers=headers)).json()["data"]
    assert [a["account_number"] for a in listed] == ["7777777777"]


async def test_x_store_id_picks_the_store(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    second = await create_store(client, owner["headers"])
    first_headers = {**owner["headers"], "X-Store-Id": str(owner["store"]["id"])}
    second_headers = {**owner["headers"], "X-Store-Id": str(second["id"])}
    in_first = await create_account(client, first_headers)
    in_second = await create_account(client, second_headers)  # same bank and number: another store
    assert [row.id for row in await accounts_of(rt, second["id"])] == [in_second["id"]]
    assert_error(await client.get(f"/store/rekening/{in_first['id']}", headers=second_headers), 404, "not_found")
    assert_error(await client.delete(f"/store/rekening/{in_first['id']}", headers=second_headers), 404, "not_found")
    assert await account_row(rt, in_first["id"]) is not None
