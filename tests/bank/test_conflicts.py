"""One row per bank and account number in a store, at most 20 accounts: checked first, and held under races."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from bosonline.bank.repository import BankAccountRepository
from bosonline.bank.schemas import MAX_BANK_ACCOUNTS
from bosonline.runtime import Runtime
from tests.bank.helpers import account_body, accounts_of, create_account, snapshot
from tests.envelope import assert_error
from tests.factories import seller


async def test_same_bank_and_number_twice(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    await create_account(client, owner["headers"], account_number="1234567890")
    again = await client.post(
        "/store/rekening",
        json=account_body(account_number="123-456-7890", holder_name="Lain"),
        headers=owner["headers"],
    )
    error = assert_error(again, 409, "bank_account_exists", fields=["account_number"])
    assert error["message"] == "This account is already saved in the store"
    assert len(await accounts_of(rt, owner["store"]["id"])) == 1
    # The same number at another bank, or in another store, is a different account.
    await create_account(client, owner["headers"], bank_code="008", account_number="1234567890")
    other = await seller(client)
    await create_account(client, other["headers"], account_number="1234567890")


async def test_edit_onto_another_accounts_number(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    await create_account(client, owner["headers"], account_number="1111111111")
    second = await create_account(client, owner["headers"], account_number="2222222222")
    before = snapshot((await accounts_of(rt, owner["store"]["id"]))[1])
    response = await client.put(
        f"/store/rekening/{second['id']}", json=account_body(account_number="1111.1111.11"), headers=owner["headers"]
    )
    assert_error(response, 409, "bank_account_exists", fields=["account_number"])
    assert snapshot((await accounts_of(rt, owner["store"]["id"]))[1]) == before


async def test_at_most_twenty(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    for n in range(MAX_BANK_ACCOUNTS):
        await create_account(client, owner["headers"], account_number=f"{1000000000 + n}")
    over = await client.post(
        "/store/rekening", json=account_body(account_number="9999999999"), headers=owner["headers"]
    )
    assert_error(over, 409, "bank_account_limit")
    assert len(await accounts_of(rt, owner["store"]["id"])) == MAX_BANK_ACCOUNTS
    # Inactive accounts count too; deleting one makes room.
    listed = (await client.get("/store/rekening", headers=owner["headers"])).json()
    assert listed["meta"]["total"] == MAX_BANK_ACCOUNTS
    await client.delete(f"/store/rekening/{listed['data'][0]['id']}", headers=owner["headers"])
    await create_account(client, owner["headers"], account_number="9999999999")
    # Another store has its own twenty.
    other = await seller(client)
    await create_account(client, other["headers"])


async def test_same_account_created_at_once(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    responses = await asyncio.gather(
        *(client.post("/store/rekening", json=account_body(), headers=owner["headers"]) for _ in range(8))
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 7, [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert_error(response, 409, "bank_account_exists")
    assert len(await accounts_of(rt, owner["store"]["id"])) == 1


async def test_limit_holds_under_races(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    for n in range(MAX_BANK_ACCOUNTS - 3):
        await create_account(client, owner["headers"], account_number=f"{1000000000 + n}")
    responses = await asyncio.gather(
        *(
            client.post(
                "/store/rekening", json=account_body(account_number=f"{2000000000 + n}"), headers=owner["headers"]
            )
            for n in range(10)
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 3 + [409] * 7, [r.text for r in responses]
    rows = await accounts_of(rt, owner["store"]["id"])
    assert len(rows) == MAX_BANK_ACCOUNTS
    assert sorted(row.position for row in rows) == list(range(MAX_BANK_ACCOUNTS))  # no two share a place


async def test_database_constraint_answers_the_same_409(
    client: httpx.AsyncClient, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a request that raced past the pre-check meets: the unique constraint, answered as the same 409."""
    owner = await seller(client)
    await create_account(client, owner["headers"])

    async def nobody(*_: object) -> None:
        return None

    monkeypatch.setattr(BankAccountRepository, "holder_of", nobody)
    again = await client.post("/store/rekening", json=account_body(), headers=owner["headers"])
    assert_error(again, 409, "bank_account_exists", fields=["account_number"])
    assert len(await accounts_of(rt, owner["store"]["id"])) == 1
