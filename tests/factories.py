"""Plain functions that build what tests need through the API, the way a user would."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

PASSWORD = "rahasia-123"
_seq = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_seq)}"


def with_overrides(values: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """A request body: the valid `values` with `overrides` applied; an override of `...` leaves the field out."""
    return {key: value for key, value in {**values, **overrides}.items() if value is not ...}


def bearer(tokens: dict[str, Any], store_id: int | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    if store_id is not None:
        headers["X-Store-Id"] = str(store_id)
    return headers


async def register(
    client: httpx.AsyncClient,
    *,
    email: str | None = None,
    name: str = "Budi Santoso",
    phone: str = "081234567890",
    password: str = PASSWORD,
) -> dict[str, Any]:
    """Registers and returns {"user", "tokens", "headers", "password"}."""
    email = email or f"{unique('user')}@example.com"
    response = await client.post(
        "/auth/register", json={"name": name, "email": email, "phone": phone, "password": password}
    )
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    return {**data, "headers": bearer(data), "password": password, "email": email}


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = await client.post("/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def create_store(
    client: httpx.AsyncClient, headers: dict[str, str], *, subdomain: str | None = None, name: str = "Toko Berkah"
) -> dict[str, Any]:
    response = await client.post(
        "/store",
        json={"name": name, "subdomain": subdomain or unique("toko"), "phone": "081298765432"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def seller(client: httpx.AsyncClient, **kwargs: Any) -> dict[str, Any]:
    """A registered user who owns one store: {"user", "tokens", "headers", "store", ...}."""
    account = await register(client, **kwargs)
    account["store"] = await create_store(client, account["headers"])
    return account


async def add_staff(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    role: str = "cs",
    email: str | None = None,
    password: str | None = PASSWORD,
    name: str = "Putri CS",
    phone: str = "081398765432",
) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "phone": phone, "email": email or f"{unique('cs')}@example.com", "role": role}
    if password is not None:
        body["password"] = password
    response = await client.post("/store/staff", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def staff_headers(
    client: httpx.AsyncClient, owner_headers: dict[str, str], *, role: str, email: str
) -> dict[str, str]:
    """The headers of a new member of the owner's store with this role, logged in."""
    await add_staff(client, owner_headers, role=role, email=email)
    return bearer(await login(client, email))
