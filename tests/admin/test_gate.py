"""/admin answers platform admins only; anyone else gets exactly the 404 of a path that does not exist."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bosonline.runtime import Runtime
from tests.admin.helpers import platform_admin
from tests.factories import bearer, login, register, seller, staff_headers

# What a prober may try: every admin route, wrong methods, bad JSON, bad queries, trailing slashes.
PROBES: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/admin/stores", {}),
    ("GET", "/admin/stores", {"params": {"limit": "abc"}}),
    ("GET", "/admin/stores/", {}),
    ("DELETE", "/admin/stores", {}),
    ("HEAD", "/admin/stores", {}),
    ("POST", "/admin/stores/1/suspend", {"content": b"{not json", "headers": {"content-type": "application/json"}}),
    ("POST", "/admin/stores/1/suspend", {"json": {"reason": "spam"}}),
    ("POST", "/admin/stores/1/reactivate", {}),
    ("GET", "/admin/audit", {"params": {"action": "nope"}}),
    ("GET", "/admin/announcements", {}),
    ("POST", "/admin/announcements", {"json": {}}),
    ("GET", "/admin/dashboard", {"params": {"from": "2026-12-31", "to": "2026-01-01"}}),
    ("GET", "/admin", {}),
    ("GET", "/admin/", {}),
]


def _shape(response: httpx.Response) -> tuple[int, bytes, dict[str, str]]:
    headers = {k: v for k, v in response.headers.items() if k not in {"x-request-id", "content-length", "date"}}
    return response.status_code, response.content, headers


async def _unknown(
    client: httpx.AsyncClient, method: str, headers: dict[str, str]
) -> tuple[int, bytes, dict[str, str]]:
    return _shape(await client.request(method, "/no-such-route-at-all", headers=headers))


async def test_non_admins_get_the_404_of_an_unknown_path(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    cs = await staff_headers(client, owner["headers"], role="cs", email="cs-probe@example.com")
    plain = await register(client)
    callers = {
        "anonymous": {},
        "seller": owner["headers"],
        "cs": cs,
        "no store": plain["headers"],
        "forged": {"Authorization": "Bearer not.a.token"},
        "basic": {"Authorization": "Basic YWRtaW46YWRtaW4="},
    }
    for who, headers in callers.items():
        for method, path, extra in PROBES:
            sent = {**extra, "headers": {**headers, **extra.get("headers", {})}}
            response = await client.request(method, path, **sent)
            expected = await _unknown(client, method, sent["headers"])
            assert _shape(response) == expected, (who, method, path, response.text)
            if method != "HEAD":
                assert response.json() == {"error": {"code": "not_found", "message": "Not found: no such route"}}


async def test_a_logged_out_admin_is_a_stranger(client: httpx.AsyncClient, rt: Runtime) -> None:
    admin = await platform_admin(client, rt)
    assert (await client.get("/admin/stores", headers=admin["headers"])).status_code == 200
    await client.post("/auth/logout", headers=admin["headers"])
    response = await client.get("/admin/stores", headers=admin["headers"])
    assert _shape(response) == await _unknown(client, "GET", admin["headers"])


async def test_admins_get_their_routes_and_clear_errors(client: httpx.AsyncClient, rt: Runtime) -> None:
    admin = await platform_admin(client, rt)
    headers = bearer(await login(client, admin["email"]))
    assert (await client.get("/admin/stores", headers=headers)).status_code == 200
    bad = await client.get("/admin/stores", params={"limit": "abc"}, headers=headers)
    assert bad.status_code == 422
    assert (await client.get("/admin/no-such-thing", headers=headers)).status_code == 404
    # A wrong method is the catch-all's 404 for admins too (never a 405 that would tell a route is there).
    assert (await client.delete("/admin/stores", headers=headers)).status_code == 404


@pytest.mark.parametrize("path", ["/admin/stores", "/admin/audit"])
async def test_admin_routes_are_documented_under_admin_without_login_codes(
    client: httpx.AsyncClient, path: str
) -> None:
    spec = (await client.get("/openapi.json")).json()
    operation = spec["paths"][path]["get"]
    assert operation["tags"] == ["Admin"]
    assert "401" not in operation["responses"] and "403" not in operation["responses"]
    assert operation["security"] == [{"HTTPBearer": []}]
    assert "/admin/{rest}" not in spec["paths"]
