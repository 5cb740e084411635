"""GET /media/{key}: public, the stored bytes with their type, cached forever, 304 on a matching ETag, and 404 for
anything that is not a stored key, including every way of trying to step out of the media folder."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from bosonline.app import create_app
from bosonline.kit.storage import media_root, storage_for
from bosonline.runtime import Runtime
from tests.envelope import assert_error
from tests.factories import seller
from tests.media.helpers import jpeg, key_of, png, stored_file, uploaded, webp

IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.mark.parametrize(
    ("data", "content_type"), [(jpeg(), "image/jpeg"), (png(), "image/png"), (webp(), "image/webp")]
)
async def test_serves_the_stored_bytes_publicly(
    client: httpx.AsyncClient, rt: Runtime, data: bytes, content_type: str
) -> None:
    owner = await seller(client)
    image = await uploaded(client, owner["headers"], data)
    for url, expected_type in ((image["url"], content_type), (image["thumbnail_url"], "image/webp")):
        response = await client.get(url)  # no Authorization header: buyers' browsers fetch these
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == expected_type
        assert response.content == stored_file(rt, url).read_bytes()
        assert int(response.headers["content-length"]) == len(response.content)
        assert response.headers["cache-control"] == IMMUTABLE
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["etag"].startswith('"') and response.headers["etag"].endswith('"')
    assert image["size_bytes"] == len((await client.get(image["url"])).content)


async def test_etag_and_304(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    image = await uploaded(client, owner["headers"])
    first = await client.get(image["url"])
    etag = first.headers["etag"]
    assert (await client.get(image["url"])).headers["etag"] == etag  # stable
    assert (await client.get(image["thumbnail_url"])).headers["etag"] != etag
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = await client.get(image["url"], headers={"If-None-Match": header})
        assert response.status_code == 304, header
        assert response.content == b""
        assert response.headers["etag"] == etag
        assert response.headers["cache-control"] == IMMUTABLE
    changed = await client.get(image["url"], headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200
    assert changed.content == first.content


async def test_unknown_keys_are_404(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    image = await uploaded(client, owner["headers"])
    key = key_of(image["url"])
    store = key.split("/")[0]
    unknown = [
        f"{store}/00/{'0' * 32}.jpg",  # well-formed, never issued
        f"{store}/00/{'0' * 32}_thumb.webp",
        key.replace(".jpg", ".png"),  # right token, wrong extension
        key.replace(".jpg", "_thumb.jpg"),
        key.upper(),
        key + "x",
        key.split("/", 1)[1],  # without the store folder
        "",
        "s1",
        "s1/",
    ]
    for candidate in unknown:
        assert_error(await client.get(f"/media/{candidate}"), 404, "not_found", case=candidate)
    # A 304 is never given for a file that is not there.
    missing = f"/media/{store}/00/{'0' * 32}.jpg"
    assert_error(await client.get(missing, headers={"If-None-Match": "*"}), 404, "not_found")


async def test_path_traversal_is_404(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    image = await uploaded(client, owner["headers"])
    key = key_of(image["url"])
    # Things worth stealing next to and above the media folder.
    secret = rt.settings.data_dir / "secret_key"
    secret.parent.mkdir(parents=True, exist_ok=True)
    if not secret.exists():
        secret.write_text("x" * 48)
    media_root(rt.settings).mkdir(parents=True, exist_ok=True)
    (media_root(rt.settings) / "notes.txt").write_text("not an image")
    attempts = [
        "../secret_key",
        "..%2fsecret_key",
        "%2e%2e/secret_key",
        "%2e%2e%2fsecret_key",
        "..%5csecret_key",
        "....//secret_key",
        f"{key}/../../../secret_key",
        f"{key.rsplit('/', 1)[0]}/..%2f..%2f..%2fsecret_key",
        "%2fetc%2fpasswd",
        "/etc/passwd",
        "//etc/passwd",
        "s1/../../secret_key",
        "notes.txt",
        "./notes.txt",
        f"{key}%00.jpg",
        f"{key.replace('/', '%5c')}",
        f"{key.split('/')[0]}//{key.split('/', 1)[1]}",
    ]
    for attempt in attempts:
        response = await client.get(f"/media/{attempt}")
        assert response.status_code == 404, (attempt, response.status_code, response.text[:200])
        assert "x" * 48 not in response.text
        assert response.headers["content-type"].startswith("application/json"), attempt
    # Clients normalise `.` and `..` segments away; a raw HTTP request need not. Send them as they are.
    app = create_app(runtime=rt)
    for attempt in ("../secret_key", f"{key}/../../../../secret_key", "s1/../../secret_key", f"./{key}", f"s1/./{key}"):
        status, body = await raw_get(app, f"/media/{attempt}")
        assert status == 404, (attempt, body[:200])
        assert json.loads(body)["error"]["code"] == "not_found"
    assert (await raw_get(app, f"/media/{key}"))[0] == 200  # the same helper does fetch a real key


async def raw_get(app: Any, path: str) -> tuple[int, bytes]:
    """GET `path` through the ASGI app exactly as given (no URL normalisation on the way)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"test")],
        "client": ("203.0.113.7", 4321),
        "server": ("test", 80),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(message["status"] for message in sent if message["type"] == "http.response.start")
    return status, b"".join(message.get("body", b"") for message in sent if message["type"] == "http.response.body")


async def test_absolute_urls_with_a_media_base_url(
    client: httpx.AsyncClient, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await seller(client)
    relative = await uploaded(client, owner["headers"])
    assert relative["url"].startswith("/media/s")
    settings = rt.settings.model_copy(update={"media_base_url": "https://cdn.example.com/bosonline/"})
    monkeypatch.setattr(rt, "settings", settings)
    monkeypatch.setattr(rt, "storage", storage_for(settings))
    image = await uploaded(client, owner["headers"])
    assert image["url"].startswith("https://cdn.example.com/bosonline/s")  # the base replaces `/media`
    assert image["thumbnail_url"].startswith("https://cdn.example.com/bosonline/s")
    listed = (await client.get("/store/product/image", headers=owner["headers"])).json()["data"]
    assert {item["url"].split("/s", 1)[0] for item in listed} == {"https://cdn.example.com/bosonline"}
    # The files are still served by this app at /media/<key> (the origin a CDN pulls from).
    path = image["url"].removeprefix("https://cdn.example.com/bosonline/")
    assert (await client.get(f"/media/{path}")).status_code == 200


async def test_files_of_a_deleted_image_are_gone(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    image = await uploaded(client, owner["headers"])
    assert (await client.delete(f"/store/product/image/{image['id']}", headers=owner["headers"])).status_code == 200
    assert_error(await client.get(image["url"]), 404, "not_found")
    assert_error(await client.get(image["thumbnail_url"]), 404, "not_found")
