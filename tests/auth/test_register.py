"""POST /auth/register."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from bosonline.runtime import Runtime
from tests.auth.helpers import count_users, get_me, sessions_of, user_by_email
from tests.envelope import assert_error, assert_validation, refusals
from tests.factories import PASSWORD, register, unique, with_overrides


def body(**overrides: Any) -> dict[str, Any]:
    return with_overrides(
        {
            "name": "Budi Santoso",
            "email": f"{unique('reg')}@example.com",
            "phone": "081234567890",
            "password": PASSWORD,
        },
        overrides,
    )


async def test_register_returns_user_and_logged_in_tokens(client: httpx.AsyncClient, rt: Runtime) -> None:
    response = await client.post("/auth/register", json=body(email="siti@example.com", name="  Siti Aminah "))
    assert response.status_code == 201, response.text
    payload = response.json()
    assert set(payload) == {"data"}
    data = payload["data"]
    # the same shape as Login (tokens at the top of `data`), plus the deprecated `tokens` copy of the pair
    assert set(data) == {"user", "access_token", "refresh_token", "token_type", "expires_in", "tokens"}
    user = data["user"]
    assert user["email"] == "siti@example.com"
    assert user["name"] == "Siti Aminah"
    assert user["phone"] == "081234567890"
    assert user["phone_e164"] == "6281234567890"
    assert user["is_platform_admin"] is False
    assert isinstance(user["id"], int) and user["created_at"]
    assert "password" not in str(user) and "password_hash" not in user
    tokens = {key: data[key] for key in ("access_token", "refresh_token", "token_type", "expires_in")}
    assert data["tokens"] == tokens
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 900
    assert tokens["access_token"] and tokens["refresh_token"]

    me = await get_me(client, tokens)
    assert me.status_code == 200, me.text

    stored = await user_by_email(rt, "siti@example.com")
    assert stored is not None and stored.id == user["id"]
    assert stored.phone == "6281234567890"
    assert stored.password_hash and stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    sessions = await sessions_of(rt, stored.id)
    assert len(sessions) == 1 and sessions[0].revoked_at is None
    assert sessions[0].ip == "203.0.113.7"


async def test_phone_forms_are_stored_as_628_digits(client: httpx.AsyncClient, rt: Runtime) -> None:
    for phone in ("081234567890", "6281234567890", "+62 812-3456-7890", "0812-3456-7890", " +6281234567890 "):
        response = await client.post("/auth/register", json=body(phone=phone))
        assert response.status_code == 201, (phone, response.text)
        user = response.json()["data"]["user"]
        assert user["phone"] == "081234567890", phone
        assert user["phone_e164"] == "6281234567890", phone
        stored = await user_by_email(rt, user["email"])
        assert stored is not None and stored.phone == "6281234567890", phone


async def test_email_is_lower_cased(client: httpx.AsyncClient, rt: Runtime) -> None:
    response = await client.post("/auth/register", json=body(email="  Dewi.Lestari@Example.COM "))
    assert response.status_code == 201, response.text
    assert response.json()["data"]["user"]["email"] == "dewi.lestari@example.com"
    assert await user_by_email(rt, "dewi.lestari@example.com") is not None
    # and logging in with any case finds the account
    login = await client.post("/auth/login", json={"email": "DEWI.lestari@example.com", "password": PASSWORD})
    assert login.status_code == 200, login.text


async def test_duplicate_email_in_any_case_is_409(client: httpx.AsyncClient, rt: Runtime) -> None:
    await register(client, email="taken@example.com")
    for again in ("taken@example.com", "TAKEN@example.com", "Taken@Example.Com", " taken@example.com "):
        response = await client.post("/auth/register", json=body(email=again, name="Someone Else"))
        assert response.status_code == 409, (again, response.text)
        assert_error(response, 409, "email_taken")
    assert await count_users(rt) == 1
    stored = await user_by_email(rt, "taken@example.com")
    assert stored is not None and stored.name == "Budi Santoso"


async def test_concurrent_registrations_of_one_address_make_one_account(client: httpx.AsyncClient, rt: Runtime) -> None:
    responses = await asyncio.gather(
        *(client.post("/auth/register", json=body(email="rebutan@example.com")) for _ in range(3))
    )
    assert sorted(r.status_code for r in responses) == [201, 409, 409], [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert_error(response, 409, "email_taken")
    assert await count_users(rt) == 1


# (overrides of a valid body, the field the 422 must name): each field with the values it refuses; `...` leaves the
# field out.
INVALID = refusals(
    {
        "email": ["not-an-email", "a@b", "", "x" * 250 + "@example.com", ...],
        "password": ["short12", "", "p" * 129, None, ...],
        "name": ["", "   ", "N" * 101, "Budi\x00Santoso", 123, ...],
        "phone": ["0215551234", "garbage", "08123", "+1 415 555 0100", "", "0812" * 10, ...],  # 021…: Jakarta landline
        "is_platform_admin": [True],
        "role": ["admin"],
    }
)


async def test_invalid_input_is_422_naming_the_field(client: httpx.AsyncClient, rt: Runtime) -> None:
    # one test for all cases (not parametrized): each case is a few ms, a fresh database per case is not
    for overrides, field in INVALID:
        response = await client.post("/auth/register", json=body(**overrides))
        assert response.status_code == 422, (overrides, response.text)
        assert_validation(response, field)
    assert await count_users(rt) == 0


async def test_password_bounds_are_inclusive(client: httpx.AsyncClient) -> None:
    eight = await client.post("/auth/register", json=body(password="12345678"))
    assert eight.status_code == 201, eight.text
    longest = await client.post("/auth/register", json=body(password="p" * 128))
    assert longest.status_code == 201, longest.text
    name_100 = await client.post("/auth/register", json=body(name="N" * 100))
    assert name_100.status_code == 201, name_100.text


async def test_several_errors_are_reported_together(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/auth/register", json={"name": "", "email": "nope", "phone": "0215551234", "password": "x"}
    )
    assert assert_validation(response, "name", "email", "phone", "password")


async def test_empty_object_names_every_missing_field(client: httpx.AsyncClient, rt: Runtime) -> None:
    response = await client.post("/auth/register", json={})
    assert_validation(response, "name", "email", "phone", "password")
    assert await count_users(rt) == 0


async def test_body_not_json_is_400(client: httpx.AsyncClient, rt: Runtime) -> None:
    for content in (b"{not json", b'{"name": "Budi",', b"\xff\xfe", b"{'email': 'a@b.c'}"):
        response = await client.post("/auth/register", content=content, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, (content, response.text)
        assert_error(response, 400, "invalid_json")
    assert await count_users(rt) == 0


async def test_json_that_is_not_an_object_is_422(client: httpx.AsyncClient) -> None:
    for payload in ([], "a string", 42, None, [{"name": "x"}]):
        response = await client.post("/auth/register", json=payload)
        assert response.status_code == 422, (payload, response.text)
        assert_error(response, 422, "validation_error")


async def test_no_body_at_all_is_422_not_500(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/register")
    assert_error(response, 422, "validation_error")


async def test_oversized_values_never_500(client: httpx.AsyncClient, rt: Runtime) -> None:
    for overrides in (
        {"name": "é" * 5000},
        {"email": "a" * 64 + "@" + "b" * 300 + ".com"},
        {"phone": "9" * 5000},
        {"password": "🔑" * 1000},
    ):
        response = await client.post("/auth/register", json=body(**overrides))
        assert response.status_code == 422, (overrides, response.text)
    assert await count_users(rt) == 0


async def test_wrong_method_is_enveloped(client: httpx.AsyncClient) -> None:
    response = await client.get("/auth/register")
    assert_error(response, 405, "method_not_allowed")


async def test_hostile_bodies_get_4xx_never_500(client: httpx.AsyncClient, rt: Runtime) -> None:
    valid = json.dumps(body()).encode()
    cases: list[tuple[bytes, str, int, str]] = [
        (valid, "text/plain", 422, "validation_error"),
        (valid, "application/x-www-form-urlencoded", 422, "validation_error"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "invalid_json"),
        (valid.replace(b'"Budi Santoso"', b'"\\ud800"'), "application/json", 422, "validation_error"),
        (valid.replace(PASSWORD.encode(), b"\\udfff\\ud800xx"), "application/json", 422, "validation_error"),
        (
            valid.replace(b'"081234567890"', b'"0812\\u000034567890"'),
            "application/json",
            422,
            "validation_error",
        ),
    ]
    for content, content_type, status, code in cases:
        response = await client.post("/auth/register", content=content, headers={"Content-Type": content_type})
        assert response.status_code == status, (content[:60], content_type, response.text)
        assert_error(response, status, code)
    assert await count_users(rt) == 0
