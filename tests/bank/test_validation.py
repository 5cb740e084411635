"""Every Rekening input is bounded: bad bodies and ids answer 422 naming the field and write nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bosonline.runtime import Runtime
from tests.bank.helpers import account_body, accounts_of, create_account, snapshot
from tests.envelope import assert_error, assert_validation
from tests.factories import seller

BAD_BODIES: list[tuple[dict[str, Any], str]] = [
    (account_body(account_number="12345"), "account_number"),  # 5 digits
    (account_body(account_number="1" * 21), "account_number"),  # 21 digits
    (account_body(account_number="12-34-5"), "account_number"),  # 5 digits once the dashes go
    (account_body(account_number="12345ABCDE"), "account_number"),
    (account_body(account_number="1234 5678 x"), "account_number"),
    (account_body(account_number="+621234567"), "account_number"),
    (account_body(account_number="١٢٣٤٥٦٧٨"), "account_number"),  # Arabic-Indic digits
    (account_body(account_number="1234567\n890"), "account_number"),
    (account_body(account_number=" - . "), "account_number"),
    (account_body(account_number=""), "account_number"),
    (account_body(account_number="1" * 41), "account_number"),
    (account_body(account_number=1234567890), "account_number"),  # a number, not a string
    (account_body(account_number=None), "account_number"),
    (account_body(account_number=...), "account_number"),
    (account_body(bank_code="999"), "bank_code"),
    (account_body(bank_code="14"), "bank_code"),
    (account_body(bank_code="BCA"), "bank_code"),
    (account_body(bank_code=""), "bank_code"),
    (account_body(bank_code=14), "bank_code"),
    (account_body(bank_code="0" * 17), "bank_code"),
    (account_body(bank_code=...), "bank_code"),
    (account_body(holder_name="x" * 101), "holder_name"),
    (account_body(holder_name="   "), "holder_name"),
    (account_body(holder_name="Budi\x00"), "holder_name"),
    (account_body(holder_name=["Budi"]), "holder_name"),
    (account_body(holder_name=...), "holder_name"),
    (account_body(status="deleted"), "status"),
    (account_body(position=3), "position"),  # extra keys are refused
    (account_body(store_id=1), "store_id"),
]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
async def test_create_refuses(client: httpx.AsyncClient, rt: Runtime, body: dict[str, Any], field: str) -> None:
    owner = await seller(client)
    assert_validation(await client.post("/store/rekening", json=body, headers=owner["headers"]), field, case=body)
    assert await accounts_of(rt, owner["store"]["id"]) == []


async def test_edit_refuses_and_leaves_the_account(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    created = await create_account(client, owner["headers"])
    before = snapshot((await accounts_of(rt, owner["store"]["id"]))[0])
    for body, field in BAD_BODIES:
        response = await client.put(f"/store/rekening/{created['id']}", json=body, headers=owner["headers"])
        assert_validation(response, field, case=body)
    assert snapshot((await accounts_of(rt, owner["store"]["id"]))[0]) == before


async def test_bounds_that_pass(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    six = await create_account(client, owner["headers"], account_number="123456", holder_name="x" * 100)
    assert six["account_number"] == "123456" and len(six["holder_name"]) == 100
    twenty = await create_account(client, owner["headers"], account_number="1234-5678-9012-3456-7890")
    assert twenty["account_number"] == "12345678901234567890"
    leading_zeros = await create_account(client, owner["headers"], account_number="0000.0012.34")
    assert leading_zeros["account_number"] == "0000001234"


async def test_status_body(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    created = await create_account(client, owner["headers"])
    path = f"/store/rekening/{created['id']}/status"
    for body, field in (
        ({"status": "deleted"}, "status"),
        ({"status": "ACTIVE"}, "status"),
        ({"status": None}, "status"),
        ({}, "status"),
        ({"status": "inactive", "note": "x"}, "note"),
    ):
        assert_validation(await client.patch(path, json=body, headers=owner["headers"]), field, case=body)
    assert_error(
        await client.patch(
            path, content=b"{not json", headers={**owner["headers"], "Content-Type": "application/json"}
        ),
        400,
        "invalid_json",
    )
    assert (await accounts_of(rt, owner["store"]["id"]))[0].status == "active"


@pytest.mark.parametrize("account_id", ["0", str(2**60), str(2**53 + 1), "9" * 40])
async def test_out_of_range_ids(client: httpx.AsyncClient, account_id: str) -> None:
    owner = await seller(client)
    headers = owner["headers"]
    path = f"/store/rekening/{account_id}"
    assert_validation(await client.get(path, headers=headers), "account_id")
    assert_validation(await client.put(path, json=account_body(), headers=headers), "account_id")
    assert_validation(await client.delete(path, headers=headers), "account_id")
    assert_validation(await client.patch(f"{path}/status", json={"status": "active"}, headers=headers), "account_id")


async def test_ids_that_are_not_numbers_are_no_route(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    for path in ("abc", "-1", "1.5", "1e3"):
        assert_error(await client.get(f"/store/rekening/{path}", headers=owner["headers"]), 404, "not_found")
    missing = await client.get(f"/store/rekening/{2**53}", headers=owner["headers"])
    assert_error(missing, 404, "not_found", message="Record not found")


async def test_list_status_filter_is_bounded(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    assert_validation(await client.get("/store/rekening?status=deleted", headers=owner["headers"]), "status")
