"""GET and DELETE /store/product/image, tenancy, the in-use guard, and the service functions other domains call."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from bosonline.media.service import MediaService, image_out, image_urls, images_of_store
from bosonline.models import Image, Product, ProductImage, ProductVariant
from bosonline.principals import resolve_store_context
from bosonline.runtime import Runtime
from tests.envelope import assert_error, assert_validation
from tests.factories import seller, staff_headers
from tests.media.helpers import jpeg, png, stored_file, uploaded
from tests.querycount import count_queries


async def add_product(
    rt: Runtime,
    store_id: int,
    *,
    image_id: int | None = None,
    variant_image_id: int | None = None,
    archived: bool = False,
) -> int:
    """A product row written directly (the catalog endpoints are another domain's), using the given images."""
    async with rt.db.session() as session:
        product = Product(store_id=store_id, name="Kopi Gayo", weight_g=250)
        if archived:
            product.archived_at = rt.clock.now()
        session.add(product)
        await session.flush()
        if image_id is not None:
            session.add(ProductImage(product_id=product.id, position=0, image_id=image_id))
        if variant_image_id is not None:
            session.add(
                ProductVariant(
                    store_id=store_id,
                    product_id=product.id,
                    name="Kopi Gayo 250gr",
                    price=85_000,
                    weight_g=250,
                    image_id=variant_image_id,
                )
            )
        await session.commit()
        return product.id


async def image_ids(rt: Runtime) -> set[int]:
    async with rt.db.session(write=False) as session:
        return set((await session.scalars(select(Image.id))).all())


async def test_list_newest_first_with_pages(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    other = await seller(client)
    await uploaded(client, other["headers"])  # another store's: never listed
    ids = [(await uploaded(client, owner["headers"], png((40 + i, 30))))["id"] for i in range(5)]
    first = await client.get("/store/product/image?limit=2", headers=owner["headers"])
    assert first.status_code == 200, first.text
    body = first.json()
    assert [item["id"] for item in body["data"]] == ids[::-1][:2]
    assert body["meta"]["total"] == 5
    assert body["meta"]["next_cursor"]
    seen = [item["id"] for item in body["data"]]
    cursor = body["meta"]["next_cursor"]
    while cursor:
        params = {"limit": 2, "cursor": cursor}
        page = (await client.get("/store/product/image", params=params, headers=owner["headers"])).json()
        seen += [item["id"] for item in page["data"]]
        cursor = page["meta"]["next_cursor"]
    assert seen == ids[::-1]
    item = body["data"][0]
    assert set(item) == {"id", "url", "thumbnail_url", "content_type", "width", "height", "size_bytes"}
    assert (item["width"], item["height"], item["content_type"]) == (44, 30, "image/png")


async def test_list_bounds_and_empty(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    empty = (await client.get("/store/product/image", headers=owner["headers"])).json()
    assert empty == {"data": [], "meta": {"next_cursor": None, "total": 0}}
    assert_validation(await client.get("/store/product/image?limit=0", headers=owner["headers"]), "limit")
    assert_validation(await client.get("/store/product/image?limit=101", headers=owner["headers"]), "limit")
    assert_validation(await client.get("/store/product/image?cursor=bogus!", headers=owner["headers"]), "cursor")


async def test_list_is_for_every_role_and_members_only(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    await uploaded(client, owner["headers"])
    cs = await staff_headers(client, owner["headers"], role="cs", email="cs-list@example.com")
    assert len((await client.get("/store/product/image", headers=cs)).json()["data"]) == 1
    assert_error(await client.get("/store/product/image"), 401, "unauthorized")


async def test_delete_removes_the_row_and_the_files(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    image = await uploaded(client, owner["headers"])
    keep = await uploaded(client, owner["headers"])
    response = await client.delete(f"/store/product/image/{image['id']}", headers=owner["headers"])
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"id": image["id"], "deleted": True}}
    assert await image_ids(rt) == {keep["id"]}
    assert not stored_file(rt, image["url"]).exists()
    assert not stored_file(rt, image["thumbnail_url"]).exists()
    assert stored_file(rt, keep["url"]).exists()
    assert_error(await client.delete(f"/store/product/image/{image['id']}", headers=owner["headers"]), 404, "not_found")


async def test_delete_tenancy_roles_and_bad_ids(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    other = await seller(client)
    theirs = await uploaded(client, other["headers"])
    mine = await uploaded(client, owner["headers"])
    response = await client.delete(f"/store/product/image/{theirs['id']}", headers=owner["headers"])
    assert_error(response, 404, "not_found", message="Record not found")
    assert stored_file(rt, theirs["url"]).exists()
    cs = await staff_headers(client, owner["headers"], role="cs", email="cs-del@example.com")
    assert_error(await client.delete(f"/store/product/image/{mine['id']}", headers=cs), 403, "permission_denied")
    assert_error(await client.delete(f"/store/product/image/{mine['id']}"), 401, "unauthorized")
    assert_error(await client.delete("/store/product/image/999999999", headers=owner["headers"]), 404, "not_found")
    assert_validation(await client.delete("/store/product/image/0", headers=owner["headers"]), "image_id")
    assert_validation(await client.delete(f"/store/product/image/{2**53 + 1}", headers=owner["headers"]), "image_id")
    assert (await client.delete("/store/product/image/abc", headers=owner["headers"])).status_code in (404, 405)
    assert await image_ids(rt) == {theirs["id"], mine["id"]}


async def test_delete_refused_while_in_use(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    store_id = owner["store"]["id"]
    cases: list[dict[str, Any]] = [{"on": "product"}, {"on": "variant"}, {"on": "product", "archived": True}]
    for case in cases:
        image = await uploaded(client, owner["headers"])
        if case["on"] == "product":
            await add_product(rt, store_id, image_id=image["id"], archived=case.get("archived", False))
        else:
            await add_product(rt, store_id, variant_image_id=image["id"])
        response = await client.delete(f"/store/product/image/{image['id']}", headers=owner["headers"])
        assert_error(response, 409, "image_in_use", case=case)
        assert image["id"] in await image_ids(rt)
        assert stored_file(rt, image["url"]).exists()
        assert (await client.get(image["url"])).status_code == 200


async def test_service_functions_for_other_domains(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    other = await seller(client)
    mine = [await uploaded(client, owner["headers"]) for _ in range(2)]
    theirs = await uploaded(client, other["headers"], jpeg())
    async with rt.db.session(write=False) as session:
        ctx = await resolve_store_context(session, owner["user"]["id"], None)
        wanted = [mine[0]["id"], mine[1]["id"], theirs["id"], 987654321, mine[0]["id"]]
        with count_queries(rt) as log:
            found = await images_of_store(session, ctx, wanted)
        assert log.count == 1
        assert set(found) == {mine[0]["id"], mine[1]["id"]}  # another store's id is simply not found
        assert all(isinstance(image, Image) for image in found.values())
        with count_queries(rt) as log:
            assert await images_of_store(session, ctx, []) == {}
        assert log.count == 0
        service = MediaService(session, rt, ctx)
        assert set(await service.get_many(wanted)) == set(found)
        image = found[mine[0]["id"]]
        assert image_urls(image, rt) == {"url": mine[0]["url"], "thumbnail_url": mine[0]["thumbnail_url"]}
        assert service.urls(image) == image_urls(image, rt)
        assert image_out(image, rt).model_dump() == mine[0]
