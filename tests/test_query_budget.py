"""Fixed query budgets on the paths every authenticated request takes: no N+1 as a store grows."""

from __future__ import annotations

import httpx
import pytest

from bosonline.runtime import Runtime
from tests.envelope import assert_error
from tests.factories import add_staff, bearer, create_store, login, register, seller
from tests.querycount import count_queries, on_the_wire


async def test_authenticated_store_request_budget(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    with count_queries(rt) as log:
        response = await client.get("/store", headers=owner["headers"])
    assert response.status_code == 200
    # the caller, the store context and the store's settings in one statement (user, live session, membership,
    # store, settings)
    assert log.count == 1, log.statements
    with count_queries(rt) as named:
        response = await client.get("/store", headers=bearer(owner["tokens"], owner["store"]["id"]))
    assert response.status_code == 200
    assert named.count == 1, named.statements


async def test_authenticated_read_sends_one_statement_and_no_transaction(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    """GET /store: one statement (caller, live session, membership, store, settings), and on PostgreSQL nothing
    else: no BEGIN, COMMIT or ROLLBACK (a read request runs outside a transaction, its context read without a
    session). SQLite reads in a transaction, BEGIN then COMMIT."""
    owner = await seller(client)
    with count_queries(rt, transactions=True) as log:
        response = await client.get("/store", headers=owner["headers"])
    assert response.status_code == 200
    assert log.count == 1, log.statements
    plumbing = [sql.split()[0].upper() for sql in log.statements if not sql.lstrip().upper().startswith("SELECT")]
    assert plumbing == (["BEGIN", "COMMIT"] if rt.db.sqlite else []), log.statements


@pytest.mark.postgres_only
async def test_get_store_on_the_wire(client: httpx.AsyncClient, rt: Runtime) -> None:
    """What asyncpg sends for GET /store, whoever sends it (SQLAlchemy or hot_sql): one SELECT, on one
    connection."""
    owner = await seller(client)
    async with on_the_wire(rt) as sent:
        response = await client.get("/store", headers=owner["headers"])
    assert response.status_code == 200
    assert response.json()["data"]["id"] == owner["store"]["id"]
    assert [query.split()[0].upper() for _, query in sent] == ["SELECT"], sent
    assert len({connection for connection, _ in sent}) == 1, sent


async def test_account_route_budget(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    with count_queries(rt) as log:
        response = await client.get("/profile/me", headers=owner["headers"])
    assert response.status_code == 200
    assert log.count == 2, log.statements  # the caller (user + live session), their memberships


async def test_every_refusal_of_a_store_request_takes_one_statement(client: httpx.AsyncClient, rt: Runtime) -> None:
    """One query tells the refusals apart: each answers after that statement alone."""
    owner = await seller(client)
    stranger = await seller(client)
    second = await create_store(client, stranger["headers"], name="Toko Kedua")
    newcomer = await register(client)
    cs = await add_staff(client, owner["headers"], email="cs-budget@example.com")
    cs_tokens = await login(client, "cs-budget@example.com")
    deactivated = await client.patch(
        f"/store/staff/{cs['id']}/status", json={"status": "inactive"}, headers=owner["headers"]
    )
    assert deactivated.status_code == 200, deactivated.text
    ended = await register(client)
    assert (await client.post("/auth/logout", headers=ended["headers"])).status_code in (200, 204)
    cases = [
        (bearer(owner["tokens"], stranger["store"]["id"]), 403, "not_a_member"),
        (bearer(owner["tokens"], 987654), 403, "not_a_member"),
        (stranger["headers"], 400, "store_required"),
        (newcomer["headers"], 404, "no_store"),
        (bearer(cs_tokens), 403, "member_inactive"),
        (ended["headers"], 401, "session_revoked"),
    ]
    assert second["id"] != stranger["store"]["id"]
    for headers, status, code in cases:
        with count_queries(rt) as log:
            response = await client.get("/store", headers=headers)
        assert_error(response, status, code)
        assert log.count == 1, (code, log.statements)


async def test_staff_list_does_not_grow_with_staff(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    await add_staff(client, owner["headers"])
    with count_queries(rt) as small:
        assert (await client.get("/store/staff", headers=owner["headers"])).status_code == 200
    for _ in range(10):
        await add_staff(client, owner["headers"])
    with count_queries(rt) as large:
        response = await client.get("/store/staff", headers=owner["headers"])
    assert response.status_code == 200
    assert len(response.json()["data"]) == 12
    assert large.count == small.count <= 5, large.statements


async def test_store_list_budget(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    with count_queries(rt) as log:
        response = await client.get("/store/list", headers=owner["headers"])
    assert response.status_code == 200
    assert log.count <= 4, log.statements
