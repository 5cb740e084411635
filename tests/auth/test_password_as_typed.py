"""Passwords are taken exactly as typed (request bodies strip every other string); hashes made when they were
stripped still log in with the typed password and are rehashed as typed. And what the schema says of emails."""

from __future__ import annotations

import email_validator
import httpx
from sqlalchemy import select

from bosonline.models import User
from bosonline.runtime import Runtime
from tests.auth.helpers import user_by_email
from tests.envelope import assert_error, assert_validation
from tests.factories import register

SPACED = "  rahasia 123  "


async def login_status(client: httpx.AsyncClient, email: str, password: str) -> int:
    response = await client.post("/auth/login", json={"email": email, "password": password})
    return response.status_code


async def test_register_and_login_keep_the_spaces(client: httpx.AsyncClient) -> None:
    await register(client, email="spasi@example.com", password=SPACED)
    assert await login_status(client, "spasi@example.com", SPACED) == 200
    assert await login_status(client, "spasi@example.com", SPACED.strip()) == 401


async def test_spaces_count_toward_the_length(client: httpx.AsyncClient) -> None:
    await register(client, email="pendek@example.com", password="        x")
    assert await login_status(client, "pendek@example.com", "        x") == 200


async def test_a_hash_of_the_stripped_password_still_logs_in_and_is_rehashed_as_typed(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    await register(client, email="lama@example.com", password=SPACED)
    async with rt.db.session() as session, session.begin():  # as stored before passwords were taken as typed
        stored = await session.scalar(select(User).where(User.email == "lama@example.com"))
        assert stored is not None
        stored.password_hash = await rt.passwords.hash(SPACED.strip())
    assert await login_status(client, "lama@example.com", SPACED) == 200
    user = await user_by_email(rt, "lama@example.com")
    assert user is not None
    assert await rt.passwords.verify(user.password_hash, SPACED)
    assert not await rt.passwords.verify(user.password_hash, SPACED.strip())
    assert_error(
        await client.post("/auth/login", json={"email": "lama@example.com", "password": "other pass"}),
        401,
        "invalid_credentials",
    )


async def test_a_new_password_keeps_its_spaces(client: httpx.AsyncClient) -> None:
    account = await register(client, email="ganti@example.com")
    body = {"password": SPACED, "current_password": account["password"]}
    response = await client.put("/profile", json=body, headers=account["headers"])
    assert response.status_code == 200, response.text
    assert await login_status(client, "ganti@example.com", SPACED) == 200
    assert await login_status(client, "ganti@example.com", SPACED.strip()) == 401


async def test_the_email_description_names_the_domains_refused(client: httpx.AsyncClient) -> None:
    """Not a pattern (the reserved names end a domain in any case): the description says what the check refuses."""
    spec = (await client.get("/openapi.json")).json()
    description = spec["components"]["schemas"]["RegisterIn"]["properties"]["email"]["description"]
    for name in email_validator.SPECIAL_USE_DOMAIN_NAMES:
        assert f"`.{name}`" in description, name
        body = {"name": "Budi", "email": f"budi@toko.{name}", "phone": "081234567890", "password": SPACED}
        assert_validation(await client.post("/auth/register", json=body), "email")
