"""Races that must end in clean answers: one winner, clear 409s, never a 500 or a half-written row."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import func, select

from bosonline.models import AuthSession, Store, User
from bosonline.runtime import Runtime
from tests.factories import PASSWORD, register


async def test_same_email_registered_at_once(client: httpx.AsyncClient, rt: Runtime) -> None:
    body = {"name": "Sari", "email": "sari@example.com", "phone": "081234567890", "password": PASSWORD}
    responses = await asyncio.gather(*(client.post("/auth/register", json=body) for _ in range(8)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 7, [r.text for r in responses]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"email_taken"}
    async with rt.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 1
        # the losers left no login session behind
        assert await session.scalar(select(func.count()).select_from(AuthSession)) == 1


async def test_same_subdomain_claimed_at_once(client: httpx.AsyncClient, rt: Runtime) -> None:
    sellers = [await register(client) for _ in range(6)]
    responses = await asyncio.gather(
        *(
            client.post(
                "/store",
                json={"name": "Toko", "subdomain": "rebutan", "phone": "081234567890"},
                headers=seller["headers"],
            )
            for seller in sellers
        )
    )
    assert sorted(r.status_code for r in responses) == [201] + [409] * 5, [r.text for r in responses]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"subdomain_taken"}
    async with rt.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Store)) == 1


async def test_refresh_token_raced_by_two_clients(client: httpx.AsyncClient) -> None:
    """Two uses of one refresh token at once (two tabs): both get the same new pair, and the login goes on."""
    account = await register(client)
    token = account["tokens"]["refresh_token"]
    first, second = await asyncio.gather(
        client.post("/auth/refresh", json={"refresh_token": token}),
        client.post("/auth/refresh", json={"refresh_token": token}),
    )
    assert [first.status_code, second.status_code] == [200, 200], [first.text, second.text]
    successor = first.json()["data"]["refresh_token"]
    assert second.json()["data"]["refresh_token"] == successor
    again = await client.post("/auth/refresh", json={"refresh_token": successor})
    assert again.status_code == 200, again.text


async def test_two_accounts_claim_one_email_at_once(client: httpx.AsyncClient) -> None:
    first, second = await register(client), await register(client)
    responses = await asyncio.gather(
        *(
            client.put(
                "/profile",
                json={"email": "rebutan@example.com", "current_password": PASSWORD},
                headers=account["headers"],
            )
            for account in (first, second)
        )
    )
    assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json()["error"]["code"] == "email_taken"
