"""/admin/stores: list and search with owners and figures; suspend and reactivate, audited; what a suspension
does to the store's members, its API and its buyer pages."""

from __future__ import annotations

import httpx

from bosonline.runtime import Runtime
from tests.admin.helpers import platform_admin
from tests.checkout.helpers import cart, make_checkout_shop, place
from tests.envelope import assert_error, assert_validation
from tests.factories import seller, staff_headers


async def _suspend(
    client: httpx.AsyncClient, admin: dict[str, str], store_id: int, reason: str = "Penipuan"
) -> httpx.Response:
    return await client.post(f"/admin/stores/{store_id}/suspend", json={"reason": reason}, headers=admin)


async def test_list_search_owner_and_figures(client: httpx.AsyncClient, rt: Runtime) -> None:
    admin = (await platform_admin(client, rt))["headers"]
    shop = await make_checkout_shop(client, rt)
    other = await seller(client, email="sari@contoh.co.id", phone="085711112222")
    for _ in range(2):
        assert (await place(client, shop)).status_code == 201
    response = await client.get("/admin/stores", headers=admin)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["meta"]["total"] == 2
    newest, oldest = body["data"]
    assert newest["id"] == other["store"]["id"] and oldest["id"] == shop.store_id
    assert newest["owner"]["email"] == "sari@contoh.co.id" and newest["owner"]["phone"] == "085711112222"
    assert newest["figures"] == {"orders": 0, "gmv": 0, "paid_gmv": 0}
    assert oldest["figures"]["orders"] == 2 and oldest["figures"]["gmv"] > 0 and oldest["figures"]["paid_gmv"] == 0
    assert oldest["owner"]["name"] == "Budi Pemilik" and oldest["status"] == "active"

    async def found(**params: str) -> list[int]:
        page = await client.get("/admin/stores", params=params, headers=admin)
        assert page.status_code == 200, page.text
        return [store["id"] for store in page.json()["data"]]

    assert await found(q="SARI@CONTOH") == [other["store"]["id"]]
    assert await found(q="0857-1111") == [other["store"]["id"]]
    assert await found(q=shop.subdomain) == [shop.store_id]
    assert await found(q="100%_") == []
    assert await found(status="suspended") == []
    assert await found(limit="1") == [other["store"]["id"]]
    first = await client.get("/admin/stores", params={"limit": 1}, headers=admin)
    cursor = first.json()["meta"]["next_cursor"]
    assert await found(limit="1", cursor=cursor) == [shop.store_id]


async def test_bad_list_queries(client: httpx.AsyncClient, rt: Runtime) -> None:
    admin = (await platform_admin(client, rt))["headers"]
    for params, field in [
        ({"q": ""}, "q"),
        ({"q": "x" * 101}, "q"),
        ({"q": "a\x00b"}, "q"),
        ({"status": "gone"}, "status"),
        ({"limit": 0}, "limit"),
        ({"cursor": "garbage!"}, "cursor"),
    ]:
        assert_validation(await client.get("/admin/stores", params=params, headers=admin), field, case=params)


async def test_suspend_and_reactivate_are_audited(client: httpx.AsyncClient, rt: Runtime) -> None:
    admin_account = await platform_admin(client, rt, email="boss@bosonline.id")
    admin = admin_account["headers"]
    owner = await seller(client)
    store_id = owner["store"]["id"]
    response = await _suspend(client, admin, store_id, "Laporan penipuan dari pembeli")
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["status"] == "suspended" and data["suspended_reason"] == "Laporan penipuan dari pembeli"
    assert data["suspended_at"]
    assert_error(await _suspend(client, admin, store_id), 409, "store_already_suspended")
    reactivated = await client.post(f"/admin/stores/{store_id}/reactivate", headers=admin)
    assert reactivated.status_code == 200, reactivated.text
    assert reactivated.json()["data"]["status"] == "active" and reactivated.json()["data"]["suspended_at"] is None
    assert_error(await client.post(f"/admin/stores/{store_id}/reactivate", headers=admin), 409, "store_not_suspended")
    assert_error(await _suspend(client, admin, 999999), 404, "not_found")
    assert_validation(await _suspend(client, admin, store_id, "x"), "reason")
    assert_validation(await client.post(f"/admin/stores/{store_id}/suspend", json={}, headers=admin), "reason")

    log = await client.get("/admin/audit", headers=admin)
    assert log.status_code == 200, log.text
    entries = log.json()["data"]
    assert log.json()["meta"]["total"] == 2  # the refused attempts left nothing
    assert [e["action"] for e in entries] == ["store.reactivate", "store.suspend"]
    suspend = entries[1]
    assert suspend["admin_email"] == "boss@bosonline.id" and suspend["admin_id"] == admin_account["user"]["id"]
    assert (suspend["target_type"], suspend["target_id"]) == ("store", store_id)
    assert suspend["reason"] == "Laporan penipuan dari pembeli"
    assert suspend["before"]["status"] == "active" and suspend["after"]["status"] == "suspended"
    assert entries[0]["before"]["status"] == "suspended" and entries[0]["after"]["status"] == "active"

    only = await client.get("/admin/audit", params={"action": "store.suspend"}, headers=admin)
    assert [e["action"] for e in only.json()["data"]] == ["store.suspend"]
    other = await client.get("/admin/audit", params={"target_type": "store", "target_id": store_id + 1}, headers=admin)
    assert other.json()["data"] == []
    assert_validation(await client.get("/admin/audit", params={"action": "drop"}, headers=admin), "action")
    assert_validation(await client.get("/admin/audit", params={"target_id": 0}, headers=admin), "target_id")


async def test_a_suspended_store_reads_but_refuses_writes(client: httpx.AsyncClient, rt: Runtime) -> None:
    admin = (await platform_admin(client, rt))["headers"]
    owner = await seller(client)
    cs = await staff_headers(client, owner["headers"], role="cs", email="cs-suspended@example.com")
    assert (await _suspend(client, admin, owner["store"]["id"])).status_code == 200
    for headers in (owner["headers"], cs):
        store = await client.get("/store", headers=headers)
        assert store.status_code == 200, store.text
        assert (await client.get("/store/list", headers=headers)).json()["meta"]["total"] == 1
    assert (await client.get("/store/order", headers=owner["headers"])).status_code == 200
    refused = await client.put("/store", json={"name": "Toko Baru"}, headers=owner["headers"])
    assert_error(refused, 403, "store_suspended")
    assert_error(await client.post("/store/staff", json={}, headers=owner["headers"]), 403, "store_suspended")
    # Nothing was deleted, and reactivating gives writes back.
    assert (await client.post(f"/admin/stores/{owner['store']['id']}/reactivate", headers=admin)).status_code == 200
    assert (await client.put("/store", json={"name": "Toko Baru"}, headers=owner["headers"])).status_code == 200


async def test_a_suspended_store_takes_no_order(client: httpx.AsyncClient, rt: Runtime) -> None:
    admin = (await platform_admin(client, rt))["headers"]
    shop = await make_checkout_shop(client, rt)
    key = "order-before-suspension"
    assert (await place(client, shop, key)).status_code == 201
    assert (await _suspend(client, admin, shop.store_id)).status_code == 200
    notice = "Toko ini sedang tidak menerima pesanan"
    assert_error(await place(client, shop), 403, "store_not_accepting_orders", message=notice)
    form = await client.get(f"/public/form/{shop.slug}", params={"store": shop.subdomain})
    assert_error(form, 403, "store_not_accepting_orders", message=notice)
    quote = await client.post(f"/public/form/{shop.slug}/quote", json={**cart(shop), "store": shop.subdomain})
    assert_error(quote, 403, "store_not_accepting_orders")
    lead = await client.post(
        "/public/checkout/abandoned",
        json={"form": shop.slug, "store": shop.subdomain, "name": "Siti", "phone": "081234567890"},
    )
    assert_error(lead, 403, "store_not_accepting_orders")
    replay = await place(client, shop, key)  # the order placed before stands: its replay still answers it
    assert replay.status_code == 200, replay.text
    page = await client.get(f"/f/{shop.slug}", params={"store": shop.subdomain})
    assert page.status_code == 403 and page.headers["content-type"].startswith("text/html")
    assert notice in page.text
    assert (await client.post(f"/admin/stores/{shop.store_id}/reactivate", headers=admin)).status_code == 200
    assert (await place(client, shop)).status_code == 201


async def test_a_store_closed_by_its_owner_cannot_be_suspended(client: httpx.AsyncClient, rt: Runtime) -> None:
    admin = (await platform_admin(client, rt))["headers"]
    owner = await seller(client)
    deleted = await client.request("DELETE", "/profile", json={"password": owner["password"]}, headers=owner["headers"])
    assert deleted.status_code == 200, deleted.text  # Data Deletion closes the owner's stores
    assert_error(await _suspend(client, admin, owner["store"]["id"]), 409, "store_closed_by_owner")
    assert_error(
        await client.post(f"/admin/stores/{owner['store']['id']}/reactivate", headers=admin),
        409,
        "store_closed_by_owner",
    )


async def test_the_owner_of_a_suspended_store_can_still_erase_their_data(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    admin = (await platform_admin(client, rt))["headers"]
    owner = await seller(client)
    assert (await _suspend(client, admin, owner["store"]["id"])).status_code == 200
    deleted = await client.request("DELETE", "/profile", json={"password": owner["password"]}, headers=owner["headers"])
    assert deleted.status_code == 200, deleted.text
    stores = await client.get("/admin/stores", params={"status": "closed"}, headers=admin)
    assert [store["id"] for store in stores.json()["data"]] == [owner["store"]["id"]]
