"""Another store's vouchers are 404 and stay as they were; CS staff read vouchers but cannot change them."""

from __future__ import annotations

import httpx

from bosonline.runtime import Runtime
from tests.envelope import assert_error
from tests.factories import add_staff, bearer, login, seller
from tests.inventory.helpers import make_product
from tests.voucher.helpers import create_voucher, voucher_body


async def test_another_stores_voucher_is_not_found_and_unchanged(client: httpx.AsyncClient, rt: Runtime) -> None:
    mine = await seller(client)
    theirs = await seller(client)
    their_voucher = await create_voucher(client, theirs["headers"], code="MILIKMU")
    url = f"/store/voucher/{their_voucher['id']}"
    h = mine["headers"]
    assert_error(await client.get(url, headers=h), 404, "not_found", message="Record not found")
    assert_error(await client.put(url, json=voucher_body(), headers=h), 404, "not_found")
    assert_error(await client.patch(url + "/status", json={"status": "inactive"}, headers=h), 404, "not_found")
    assert_error(await client.delete(url, headers=h), 404, "not_found")
    listed = await client.get("/store/voucher?q=MILIKMU", headers=h)
    assert listed.json() == {"data": [], "meta": {"next_cursor": None, "total": 0}}
    after = await client.get(url, headers=theirs["headers"])
    assert after.json()["data"] == their_voucher
    # naming the other store explicitly is refused: not a member there
    response = await client.get(url, headers={**h, "X-Store-Id": str(theirs["store"]["id"])})
    assert response.status_code == 403


async def test_product_ids_of_another_store_are_refused(client: httpx.AsyncClient, rt: Runtime) -> None:
    mine = await seller(client)
    theirs = await seller(client)
    their_product, _ = await make_product(rt, theirs["store"]["id"])
    response = await client.post(
        "/store/voucher", json=voucher_body(product_ids=[their_product]), headers=mine["headers"]
    )
    assert_error(response, 422, "validation_error", fields=["product_ids.0"])


async def test_cs_reads_but_cannot_write(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    voucher = await create_voucher(client, owner["headers"])
    cs = await add_staff(client, owner["headers"], role="cs")
    cs_headers = bearer(await login(client, cs["email"]))
    url = f"/store/voucher/{voucher['id']}"
    assert (await client.get("/store/voucher", headers=cs_headers)).status_code == 200
    assert (await client.get(url, headers=cs_headers)).json()["data"] == voucher
    writes = [
        client.post("/store/voucher", json=voucher_body(), headers=cs_headers),
        client.put(url, json=voucher_body(), headers=cs_headers),
        client.patch(url + "/status", json={"status": "inactive"}, headers=cs_headers),
        client.delete(url, headers=cs_headers),
    ]
    for write in writes:
        assert_error(await write, 403, "permission_denied")
    assert (await client.get(url, headers=owner["headers"])).json()["data"] == voucher

    admin = await add_staff(client, owner["headers"], role="admin", phone="081311112222")
    admin_headers = bearer(await login(client, admin["email"]))
    made = await client.post("/store/voucher", json=voucher_body(), headers=admin_headers)
    assert made.status_code == 201, made.text


async def test_anonymous_is_refused(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/store/voucher"), 401, "unauthorized")
    assert_error(await client.post("/store/voucher", json=voucher_body()), 401, "unauthorized")
