"""POST /store/media: the store's own media library (follow-up pictures, payment proofs), apart from product images."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from bosonline.runtime import Runtime
from tests.envelope import assert_error, assert_validation
from tests.factories import seller
from tests.followup.template_helpers import template_body, templates_url
from tests.media.helpers import exif_jpeg, gif, jpeg, open_image, png, stored_file, uploaded
from tests.order.edit_helpers import cs_headers, shop_and_order

FIVE_MB = 5 * 1024 * 1024


async def upload_media(
    client: httpx.AsyncClient, headers: dict[str, str], data: bytes, *, content_type: str = "image/jpeg"
) -> httpx.Response:
    return await client.post("/store/media", files={"file": ("bukti.jpg", data, content_type)}, headers=headers)


async def media(client: httpx.AsyncClient, headers: dict[str, str], data: bytes | None = None) -> dict[str, Any]:
    response = await upload_media(client, headers, data if data is not None else jpeg((64, 48)))
    assert response.status_code == 201, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def test_upload_list_get_delete(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    headers = owner["headers"]
    first = await media(client, headers, exif_jpeg(orientation=6))
    second = await media(client, headers, png((32, 32)))
    assert set(first) == {"id", "url", "thumbnail_url", "content_type", "width", "height", "size_bytes", "created_at"}
    assert (first["content_type"], first["width"], first["height"]) == ("image/jpeg", 100, 200)  # upright
    assert first["url"].startswith(f"/media/s{owner['store']['id']}/")
    assert open_image(stored_file(rt, first["url"]).read_bytes()).getexif() == {}  # GPS and camera stripped
    served = await client.get(first["url"])
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"

    product_image = await uploaded(client, headers)  # the product image library is a separate list
    listed = await client.get("/store/media", params={"limit": 1}, headers=headers)
    assert listed.status_code == 200, listed.text
    assert [item["id"] for item in listed.json()["data"]] == [second["id"]]
    assert listed.json()["meta"]["total"] == 2
    rest = await client.get("/store/media", params={"cursor": listed.json()["meta"]["next_cursor"]}, headers=headers)
    assert [item["id"] for item in rest.json()["data"]] == [first["id"]]
    products = (await client.get("/store/product/image", headers=headers)).json()["data"]
    assert [item["id"] for item in products] == [product_image["id"]]

    got = await client.get(f"/store/media/{first['id']}", headers=headers)
    assert got.status_code == 200 and got.json()["data"] == first
    assert_error(await client.get(f"/store/media/{product_image['id']}", headers=headers), 404, "not_found")

    deleted = await client.delete(f"/store/media/{first['id']}", headers=headers)
    assert deleted.status_code == 200 and deleted.json()["data"] == {"id": first["id"], "deleted": True}
    assert not stored_file(rt, first["url"]).exists()
    assert_error(await client.get(f"/store/media/{first['id']}", headers=headers), 404, "not_found")


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (gif(), "image/jpeg"),  # a GIF, declared as a JPEG
        (b"%PDF-1.7\n" + b"0" * 2000, "image/png"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/jpeg"),
        (jpeg((64, 48))[:300], "image/jpeg"),  # a cut-off JPEG
    ],
)
async def test_the_type_is_read_from_the_bytes(
    client: httpx.AsyncClient, rt: Runtime, data: bytes, content_type: str
) -> None:
    owner = await seller(client)
    response = await upload_media(client, owner["headers"], data, content_type=content_type)
    assert assert_validation(response, "file")["fields"]["file"] == "not a JPEG, PNG or WebP image"
    assert (await client.get("/store/media", headers=owner["headers"])).json()["meta"]["total"] == 0


async def test_a_picture_over_5_mb_is_413(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    too_big = jpeg((64, 48)) + b"\0" * FIVE_MB
    assert_error(await upload_media(client, owner["headers"], too_big), 413, "payload_too_large")


async def test_the_count_per_store_is_limited(
    client: httpx.AsyncClient, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rt, "settings", rt.settings.model_copy(update={"max_store_media": 2}))
    owner, other = await seller(client), await seller(client)
    await media(client, owner["headers"])
    await uploaded(client, owner["headers"])  # product images do not count
    second = await media(client, owner["headers"])
    assert_error(await upload_media(client, owner["headers"], jpeg((64, 48))), 409, "media_limit_reached")
    await media(client, other["headers"])  # per store
    assert (await client.delete(f"/store/media/{second['id']}", headers=owner["headers"])).status_code == 200
    await media(client, owner["headers"])


@pytest.mark.postgres_only
async def test_concurrent_uploads_at_the_limit_do_not_pass_it(
    client: httpx.AsyncClient, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rt, "settings", rt.settings.model_copy(update={"max_store_media": 3}))
    owner = await seller(client)
    responses = await asyncio.gather(*(upload_media(client, owner["headers"], jpeg((64, 48))) for _ in range(6)))
    assert sorted(response.status_code for response in responses) == [201] * 3 + [409] * 3
    assert (await client.get("/store/media", headers=owner["headers"])).json()["meta"]["total"] == 3


async def test_another_stores_media_is_not_found(client: httpx.AsyncClient) -> None:
    owner, other = await seller(client), await seller(client)
    theirs = await media(client, other["headers"])
    assert_error(await client.get(f"/store/media/{theirs['id']}", headers=owner["headers"]), 404, "not_found")
    assert_error(await client.delete(f"/store/media/{theirs['id']}", headers=owner["headers"]), 404, "not_found")
    assert (await client.get("/store/media", headers=owner["headers"])).json()["data"] == []
    # and a store media id is not a product image either
    mine = await media(client, owner["headers"])
    assert_error(await client.delete(f"/store/product/image/{mine['id']}", headers=owner["headers"]), 404, "not_found")


async def test_used_as_a_follow_up_template_image(client: httpx.AsyncClient) -> None:
    owner, other = await seller(client), await seller(client)
    picture = await media(client, owner["headers"])
    created = await client.post(templates_url(), json=template_body(image=picture["url"]), headers=owner["headers"])
    assert created.status_code == 201, created.text
    assert created.json()["data"]["image"] == picture["url"]
    refused = await client.post(templates_url(), json=template_body(image=picture["url"]), headers=other["headers"])
    assert_validation(refused, "image")
    in_use = await client.delete(f"/store/media/{picture['id']}", headers=owner["headers"])
    assert_error(in_use, 409, "media_in_use")


async def test_a_cs_uploads_a_payment_proof(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt, cs=1)
    cs = await cs_headers(client, rt, shop, shop.cs_members[0])
    proof = await media(client, cs, jpeg((120, 90)))
    other = await seller(client)
    foreign = await media(client, other["headers"])
    url = f"/store/order/{placed.id}/confirm-payment"
    refused = await client.post(url, json={"amount": placed.total, "proof_image_id": foreign["id"]}, headers=cs)
    assert_validation(refused, "proof_image_id")
    confirmed = await client.post(url, json={"amount": placed.total, "proof_image_id": proof["id"]}, headers=cs)
    assert confirmed.status_code == 200, confirmed.text
    (payment,) = confirmed.json()["data"]["payment"]["history"]
    assert payment["proof_url"] == proof["url"]
    assert_error(await client.delete(f"/store/media/{proof['id']}", headers=cs), 409, "media_in_use")
    assert_error(await client.delete(f"/store/media/{proof['id']}", headers=shop.headers), 409, "media_in_use")


async def test_a_product_image_used_as_a_payment_proof_is_kept(client: httpx.AsyncClient, rt: Runtime) -> None:
    """Proofs named product images before the store library existed (and still may): deleting such an image from
    the product library must not quietly take the proof off the payment."""
    shop, placed = await shop_and_order(client, rt)
    image = await uploaded(client, shop.headers)
    url = f"/store/order/{placed.id}/confirm-payment"
    confirmed = await client.post(
        url, json={"amount": placed.total, "proof_image_id": image["id"]}, headers=shop.headers
    )
    assert confirmed.status_code == 200, confirmed.text
    refused = await client.delete(f"/store/product/image/{image['id']}", headers=shop.headers)
    assert_error(refused, 409, "media_in_use")
    detail = await client.get(f"/store/order/{placed.id}", headers=shop.headers)
    assert detail.json()["data"]["payment"]["history"][0]["proof_url"] == image["url"]
