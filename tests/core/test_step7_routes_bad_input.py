"""The routes step 7 added answer bad input with a 4xx in the error envelope, never a 500."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import seller

BAD_IDS = ("0", "-1", "abc", "99999999999999999999", "1e3")
BAD_BODIES: tuple[Any, ...] = (None, [], "x", {"name": None}, {"name": "A" * 600, "language": "id"}, {"x": 1})


def assert_4xx(response: httpx.Response) -> None:
    assert 400 <= response.status_code < 500, (response.request.url, response.status_code, response.text)
    if response.headers.get("content-type", "").startswith("application/json"):
        assert set(response.json()) == {"error"}, response.text
        assert response.json()["error"]["code"], response.text


@pytest.mark.parametrize("chat_id", BAD_IDS + ("999999",))
async def test_meta_template_routes(client: httpx.AsyncClient, chat_id: str) -> None:
    shop = await seller(client)
    url = f"/store/follow-up-chats/{chat_id}/meta-template"
    for body in BAD_BODIES:
        assert_4xx(await client.put(url, json=body, headers=shop["headers"]))
    assert_4xx(await client.get(url, headers=shop["headers"]))
    assert_4xx(await client.delete(url, headers=shop["headers"]))
    assert_4xx(await client.get(f"/store/wa-integration/{chat_id}/templates", headers=shop["headers"]))


async def test_store_media_routes(client: httpx.AsyncClient) -> None:
    shop = await seller(client)
    headers = shop["headers"]
    assert_4xx(await client.post("/store/media", headers=headers))
    assert_4xx(await client.post("/store/media", files={"file": ("a.txt", b"hello", "text/plain")}, headers=headers))
    assert_4xx(
        await client.post("/store/media", files={"other": ("a.jpg", b"\xff\xd8", "image/jpeg")}, headers=headers)
    )
    assert_4xx(await client.post("/store/media", content=b"\x00" * 100, headers=headers))
    for query in ("cursor=%00", "cursor=garbage", "limit=0", "limit=100000", "limit=abc"):
        assert_4xx(await client.get(f"/store/media?{query}", headers=headers))
    for media_id in BAD_IDS + ("999999",):
        assert_4xx(await client.get(f"/store/media/{media_id}", headers=headers))
        assert_4xx(await client.delete(f"/store/media/{media_id}", headers=headers))


async def test_auth_and_operator_routes(client: httpx.AsyncClient) -> None:
    for body in BAD_BODIES + ({"email": "x\x00@example.com"}, {"email": "a" * 400 + "@example.com"}):
        assert_4xx(await client.post("/auth/password/forgot", json=body))
    for body in BAD_BODIES + ({"token": "\x00", "password": "rahasia-123"}, {"token": "x" * 5000, "password": "p"}):
        assert_4xx(await client.post("/auth/password/reset", json=body))
    for auth in ("Bearer", "Bearer \x7f", "Basic abc", "Bearer " + "x" * 5000):
        assert_4xx(await client.get("/metrics", headers={"Authorization": auth}))
    page = await client.get("/reset-password?token=%00")
    assert page.status_code < 500
