"""/store/qris: save, read, forget the store's static QRIS, and download it (static or for an amount) as PNG."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from PIL import Image

from bosonline.kit.clock import FrozenClock
from bosonline.payment.qris import dynamic_qris, qris_png
from bosonline.runtime import Runtime
from tests.envelope import assert_error, assert_validation
from tests.factories import create_store, seller, staff_headers
from tests.payment.helpers import DYNAMIC_QRIS, NMID, STATIC_QRIS, qris_payload, with_bad_crc
from tests.store.helpers import settings_row

EXPECTED = {
    "payload": STATIC_QRIS,
    "merchant_name": "TOKO BERKAH",
    "merchant_city": "DEPOK",
    "nmid": NMID,
    "criteria": "UMI",
}


async def stored_payload(rt: Runtime, store_id: int) -> str | None:
    settings = await settings_row(rt, store_id)
    assert settings is not None
    return settings.qris_payload


async def save(client: httpx.AsyncClient, headers: dict[str, str], payload: str = STATIC_QRIS) -> dict[str, Any]:
    response = await client.put("/store/qris", json={"payload": payload}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def test_save_read_replace_forget(client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock) -> None:
    owner = await seller(client)
    store_id = owner["store"]["id"]
    none = await client.get("/store/qris", headers=owner["headers"])
    assert none.status_code == 200 and none.json() == {"data": None}

    clock.advance(minutes=3)
    assert await save(client, owner["headers"], f"  {STATIC_QRIS}\n") == EXPECTED  # pasted with spaces around
    assert await stored_payload(rt, store_id) == STATIC_QRIS
    settings = await settings_row(rt, store_id)
    assert settings is not None and settings.updated_at == clock.now()
    assert (await client.get("/store/qris", headers=owner["headers"])).json() == {"data": EXPECTED}

    other = qris_payload(merchant_name="WARUNG SARI", city="BOGOR", postal_code="16111")
    replaced = await save(client, owner["headers"], other)
    assert (replaced["payload"], replaced["merchant_name"], replaced["merchant_city"]) == (
        other,
        "WARUNG SARI",
        "BOGOR",
    )
    assert await stored_payload(rt, store_id) == other

    deleted = await client.delete("/store/qris", headers=owner["headers"])
    assert deleted.status_code == 200 and deleted.json() == {"data": {"deleted": True}}
    assert await stored_payload(rt, store_id) is None
    assert (await client.get("/store/qris", headers=owner["headers"])).json() == {"data": None}
    assert_error(await client.delete("/store/qris", headers=owner["headers"]), 404, "not_found")


def _png_of(response: httpx.Response) -> Image.Image:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.load()
    assert image.format == "PNG" and image.size[0] == image.size[1]
    return image


async def test_download_static_and_for_an_amount(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    subdomain = owner["store"]["subdomain"]
    await save(client, owner["headers"])

    static = await client.get("/store/qris/png", headers=owner["headers"])
    _png_of(static)
    assert static.content == qris_png(STATIC_QRIS)
    assert static.headers["content-disposition"].startswith(f'attachment; filename="qris-{subdomain}.png"')
    assert "no-store" in static.headers["cache-control"]

    priced = await client.get("/store/qris/png", params={"amount": 150000}, headers=owner["headers"])
    _png_of(priced)
    assert priced.content == qris_png(dynamic_qris(STATIC_QRIS, 150_000))
    assert priced.content != static.content
    assert priced.headers["content-disposition"].startswith(f'attachment; filename="qris-{subdomain}-150000.png"')
    # The same request gives the same bytes.
    again = await client.get("/store/qris/png", params={"amount": 150000}, headers=owner["headers"])
    assert again.content == priced.content


async def test_download_without_qris_is_not_found(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    assert_error(await client.get("/store/qris/png", headers=owner["headers"]), 404, "not_found")
    assert_error(await client.get("/store/qris/png?amount=1000", headers=owner["headers"]), 404, "not_found")


@pytest.mark.parametrize("amount", ["0", "-5", "1000000001", str(2**63), "1.5", "abc", ""])
async def test_download_amount_bounds(client: httpx.AsyncClient, amount: str) -> None:
    owner = await seller(client)
    await save(client, owner["headers"])
    assert_validation(await client.get(f"/store/qris/png?amount={amount}", headers=owner["headers"]), "amount")


async def test_download_amount_edges(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    await save(client, owner["headers"])
    for amount in (1, 1_000_000_000):
        response = await client.get("/store/qris/png", params={"amount": amount}, headers=owner["headers"])
        _png_of(response)
        assert response.content == qris_png(dynamic_qris(STATIC_QRIS, amount))


BAD_PAYLOADS: list[tuple[Any, str]] = [
    (with_bad_crc(STATIC_QRIS), "CRC"),
    (DYNAMIC_QRIS, "dynamic QRIS"),
    ("garbage that is not a QR payload", "not a valid QRIS"),
    ("https://toko.example.com/bayar", "not a valid QRIS"),
    (STATIC_QRIS[:-20], "not a valid QRIS"),  # cut short
    (STATIC_QRIS + "0" * 400, "at most 512"),  # too long
    ("0" * 513, "at most 512"),
    (qris_payload(merchant_name="TOKO\x07BERKAH"), "control characters"),  # CRC right, but a control character
    (qris_payload(point_of_initiation="13"), "neither a static"),
    ("", "at least 1"),
    ("   ", "at least 1"),
    (None, ""),
    (12345, ""),
    (["x"], ""),
]


@pytest.mark.parametrize(("payload", "why"), BAD_PAYLOADS)
async def test_save_refuses(client: httpx.AsyncClient, rt: Runtime, payload: Any, why: str) -> None:
    owner = await seller(client)
    await save(client, owner["headers"])
    error = assert_validation(
        await client.put("/store/qris", json={"payload": payload}, headers=owner["headers"]), "payload"
    )
    assert why in error["fields"]["payload"], error
    assert await stored_payload(rt, owner["store"]["id"]) == STATIC_QRIS  # the saved one is untouched


async def test_save_body_shape(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    headers = owner["headers"]
    assert_validation(await client.put("/store/qris", json={}, headers=headers), "payload")
    extra = await client.put("/store/qris", json={"payload": STATIC_QRIS, "amount": 5}, headers=headers)
    assert_validation(extra, "amount")
    assert_validation(await client.put("/store/qris", json=[STATIC_QRIS], headers=headers), "body")
    raw = {**headers, "Content-Type": "application/json"}
    assert_error(await client.put("/store/qris", content=b'{"payload": ', headers=raw), 400, "invalid_json")
    assert await stored_payload(rt, owner["store"]["id"]) is None


async def test_dynamic_refusal_explains(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    response = await client.put("/store/qris", json={"payload": DYNAMIC_QRIS}, headers=owner["headers"])
    why = assert_validation(response, "payload")["fields"]["payload"]
    assert "fixed amount of Rp25000" in why and "static" in why


async def test_cs_reads_and_downloads_but_cannot_change(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    await save(client, owner["headers"])
    cs = await staff_headers(client, owner["headers"], role="cs", email="cs-qris@example.com")
    assert (await client.get("/store/qris", headers=cs)).json() == {"data": EXPECTED}
    _png_of(await client.get("/store/qris/png?amount=20000", headers=cs))
    other = qris_payload(merchant_name="PUNYA CS")
    assert_error(await client.put("/store/qris", json={"payload": other}, headers=cs), 403, "permission_denied")
    assert_error(await client.delete("/store/qris", headers=cs), 403, "permission_denied")
    assert await stored_payload(rt, owner["store"]["id"]) == STATIC_QRIS

    admin = await staff_headers(client, owner["headers"], role="admin", email="admin-qris@example.com")
    assert (await save(client, admin, other))["merchant_name"] == "PUNYA CS"
    assert (await client.delete("/store/qris", headers=admin)).status_code == 200


async def test_needs_login(client: httpx.AsyncClient) -> None:
    for method in ("GET", "PUT", "DELETE"):
        assert_error(await client.request(method, "/store/qris", json={"payload": STATIC_QRIS}), 401, "unauthorized")
    assert_error(await client.get("/store/qris/png"), 401, "unauthorized")


async def test_each_store_has_its_own(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    stranger = await seller(client)
    await save(client, owner["headers"])
    assert (await client.get("/store/qris", headers=stranger["headers"])).json() == {"data": None}
    assert_error(await client.get("/store/qris/png", headers=stranger["headers"]), 404, "not_found")
    assert_error(await client.delete("/store/qris", headers=stranger["headers"]), 404, "not_found")
    assert await stored_payload(rt, owner["store"]["id"]) == STATIC_QRIS
    # Naming a store you are not a member of is refused.
    foreign = {**stranger["headers"], "X-Store-Id": str(owner["store"]["id"])}
    assert (await client.get("/store/qris", headers=foreign)).status_code == 403
    hijack = await client.put("/store/qris", json={"payload": qris_payload(merchant_name="PENIPU")}, headers=foreign)
    assert hijack.status_code == 403, hijack.text
    assert await stored_payload(rt, owner["store"]["id"]) == STATIC_QRIS

    # One owner, two stores: X-Store-Id picks which store's QRIS.
    second = await create_store(client, owner["headers"])
    second_headers = {**owner["headers"], "X-Store-Id": str(second["id"])}
    first_headers = {**owner["headers"], "X-Store-Id": str(owner["store"]["id"])}
    assert (await client.get("/store/qris", headers=second_headers)).json() == {"data": None}
    other = qris_payload(merchant_name="TOKO DUA")
    await save(client, second_headers, other)
    assert await stored_payload(rt, second["id"]) == other
    assert await stored_payload(rt, owner["store"]["id"]) == STATIC_QRIS
    assert (await client.get("/store/qris", headers=first_headers)).json()["data"]["merchant_name"] == "TOKO BERKAH"
    png = await client.get("/store/qris/png", headers=second_headers)
    assert f'filename="qris-{second["subdomain"]}.png"' in png.headers["content-disposition"]
