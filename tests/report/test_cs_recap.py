"""Recap CS (GET /store/recap/cs): per member handling orders, the orders handled, closing rate, cancels, returns,
follow-ups sent per step, the orders they converted and the Rupiah recovered (the last follow-up sent before the
payment gets it); a CS who sees only their orders gets their own row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from bosonline.kit.clock import FrozenClock
from bosonline.runtime import Runtime
from tests.factories import PASSWORD, add_staff, bearer, login
from tests.order.helpers import make_checkout_shop
from tests.order.list_helpers import Row, insert_orders
from tests.orders_support import add_rows, set_store_settings
from tests.querycount import count_queries
from tests.report.recap_helpers import followup, get_ok, returned_then_closed

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
DAY = datetime(2026, 11, 10, 3, 0, tzinfo=UTC)
PATH = "/store/recap/cs"


@pytest.fixture
async def team(client: httpx.AsyncClient, rt: Runtime) -> Any:
    """A store with two CS (Ani, Budi) and a third (Citra) who handled nothing; orders of the period:

    Ani: A paid after follow-ups 1 and 2 (2 converts it) and a 3rd sent after payment; B unpaid after follow-up 1;
    C paid with no follow-up before it (one sent after); D shipped COD, unpaid, a failed follow-up; E canceled.
    Budi: F paid after follow-up 1 (converts it); G returned (rts); H closed after a return; I shipped and paid.
    Unassigned: J pending. Outside the period: K (Ani, paid after a follow-up, 40 days ago)."""
    shop = await make_checkout_shop(client, rt, cs=0)
    members = {}
    for name in ("Ani", "Budi", "Citra"):
        member = await add_staff(client, shop.headers, name=name, email=f"{name.lower()}@example.com")
        members[name] = member["id"]
    ani, budi = members["Ani"], members["Budi"]
    paid_at = DAY + timedelta(hours=10)
    paid = {"paid_at": paid_at}
    rows = {
        "A": Row(DAY, status="confirmed", payment_status="paid", handler_id=ani, total=150_000, extra=paid),
        "B": Row(DAY, handler_id=ani, total=90_000),
        "C": Row(DAY, status="confirmed", payment_status="paid", handler_id=ani, total=70_000, extra=paid),
        "D": Row(DAY, status="shipped", payment_method="cod", handler_id=ani, total=60_000),
        "E": Row(DAY, status="canceled", handler_id=ani, total=50_000),
        "F": Row(DAY, status="completed", payment_status="settled", payment_method="cod", handler_id=budi,
                 total=200_000, extra=paid),
        "G": Row(DAY, status="rts", payment_method="cod", handler_id=budi, total=80_000),
        "H": Row(DAY, status="closed", payment_method="cod", handler_id=budi, total=80_000),
        "I": Row(DAY, status="shipped", payment_status="paid", handler_id=budi, total=120_000, extra=paid),
        "J": Row(DAY, total=40_000),
        "K": Row(NOW - timedelta(days=40), status="confirmed", payment_status="paid", handler_id=ani,
                 total=999_000, extra={"paid_at": NOW - timedelta(days=39)}),
    }  # fmt: skip
    ids = dict(zip(rows, await insert_orders(rt, shop.store_id, list(rows.values())), strict=True))
    await returned_then_closed(rt, shop.store_id, ids["H"], NOW)
    s = shop.store_id
    hour = timedelta(hours=1)
    await add_rows(
        rt,
        followup(rt, s, ids["A"], 1, paid_at - 5 * hour),
        followup(rt, s, ids["A"], 2, paid_at - hour, status="read"),
        followup(rt, s, ids["A"], 3, paid_at + hour),
        followup(rt, s, ids["B"], 1, DAY + hour, status="delivered"),
        followup(rt, s, ids["C"], 1, paid_at + hour),
        followup(rt, s, ids["D"], 1, None, status="failed"),
        followup(rt, s, ids["D"], 2, None, status="scheduled"),
        followup(rt, s, ids["F"], 1, paid_at - 2 * hour),
        followup(rt, s, ids["K"], 1, NOW - timedelta(days=39, hours=1)),
    )
    return shop, members


def steps(*triples: tuple[int, int, int, int]) -> list[dict[str, int]]:
    return [{"step": s, "sent": n, "converted": c, "recovered": r} for s, n, c, r in triples]


async def test_figures_per_cs(client: httpx.AsyncClient, rt: Runtime, team: Any) -> None:
    shop, members = team
    body = (await get_ok(client, PATH, shop.headers))["data"]
    assert (body["date_from"], body["date_to"], body["timezone"]) == ("2026-10-23", "2026-11-21", "Asia/Jakarta")
    rows = {row["name"]: row for row in body["rows"]}
    assert [row["name"] for row in body["rows"]] == ["Ani", "Budi", "Belum ditugaskan", "Citra"]
    ani = rows["Ani"]
    assert ani | {"steps": None} == {
        "member_id": members["Ani"], "name": "Ani", "role": "cs", "active": True, "handled": 5,
        "closed_orders": 3, "closing_rate": 0.6, "paid_orders": 2, "shipped_orders": 1, "canceled_orders": 1,
        "rts_orders": 0, "followups_sent": 5, "converted_orders": 1, "recovered": 150_000,
        "recovered_text": "Rp150.000", "steps": None,
    }  # fmt: skip
    assert ani["steps"] == steps((1, 3, 0, 0), (2, 1, 1, 150_000), (3, 1, 0, 0))
    budi = rows["Budi"]
    assert {key: budi[key] for key in ("handled", "closed_orders", "closing_rate", "paid_orders", "shipped_orders",
                                       "canceled_orders", "rts_orders", "recovered")} == {
        "handled": 4, "closed_orders": 4, "closing_rate": 1.0, "paid_orders": 2, "shipped_orders": 4,
        "canceled_orders": 0, "rts_orders": 2, "recovered": 200_000,
    }  # fmt: skip
    assert budi["steps"] == steps((1, 1, 1, 200_000))
    unassigned = rows["Belum ditugaskan"]
    assert (unassigned["member_id"], unassigned["role"], unassigned["handled"]) == (None, None, 1)
    citra = rows["Citra"]
    assert (citra["handled"], citra["closing_rate"], citra["steps"], citra["recovered_text"]) == (0, 0.0, [], "Rp0")
    # The period of order K only: Ani's paid order, converted by its follow-up.
    old = (await get_ok(client, PATH, shop.headers, **{"from": "2026-10-01", "to": "2026-10-20"}))["data"]
    ani_then = next(row for row in old["rows"] if row["name"] == "Ani")
    assert (ani_then["handled"], ani_then["recovered"], ani_then["steps"]) == (1, 999_000, steps((1, 1, 1, 999_000)))


async def test_a_cs_sees_their_own_row(client: httpx.AsyncClient, rt: Runtime, team: Any) -> None:
    shop, members = team
    ani = bearer(await login(client, "ani@example.com", PASSWORD), shop.store_id)
    citra = bearer(await login(client, "citra@example.com", PASSWORD), shop.store_id)
    mine = (await get_ok(client, PATH, ani))["data"]["rows"]
    assert [(row["member_id"], row["handled"], row["recovered"]) for row in mine] == [(members["Ani"], 5, 150_000)]
    nothing = (await get_ok(client, PATH, citra))["data"]["rows"]
    assert [(row["member_id"], row["handled"], row["steps"]) for row in nothing] == [(members["Citra"], 0, [])]
    # A store whose CS see every order: its CS see the whole team.
    await set_store_settings(rt, shop.store_id, cs_sees_all_orders=True)
    everyone = (await get_ok(client, PATH, citra))["data"]["rows"]
    assert len(everyone) == 4


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "2026-11-21", "to": "2026-11-20"}, "period_reversed"),
        ({"from": "2024-01-01", "to": "2026-11-21"}, "period_too_long"),
        ({"from": "1999-01-01"}, "period_out_of_bounds"),
        ({"to": "20261121"}, "validation_error"),
        ({"from": "2026-13-01"}, "validation_error"),
    ],
)
async def test_bad_periods(
    client: httpx.AsyncClient, rt: Runtime, team: Any, params: dict[str, str], code: str
) -> None:
    shop, _ = team
    response = await client.get(PATH, params=params, headers=shop.headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code


async def test_defaults_follow_the_store_day(client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock) -> None:
    clock.advance(hours=13, minutes=55)  # 2026-11-21 16:55 UTC, 23:55 WIB
    shop = await make_checkout_shop(client, rt, cs=0)
    clock.advance(minutes=10)  # 00:05 WIB: 2026-11-22 in the store
    body = (await get_ok(client, PATH, shop.headers))["data"]
    assert (body["date_from"], body["date_to"]) == ("2026-10-24", "2026-11-22")
    only_from = (await get_ok(client, PATH, shop.headers, **{"from": "2026-11-01"}))["data"]
    assert (only_from["date_from"], only_from["date_to"]) == ("2026-11-01", "2026-11-22")
    only_to = (await get_ok(client, PATH, shop.headers, to="2026-02-28"))["data"]
    assert (only_to["date_from"], only_to["date_to"]) == ("2026-01-30", "2026-02-28")


async def test_a_fixed_number_of_statements(client: httpx.AsyncClient, rt: Runtime, team: Any) -> None:
    """However many orders, members and follow-ups: the caller, three aggregates and the members (no N+1)."""
    shop, _ = team
    with count_queries(rt) as queries:
        await get_ok(client, PATH, shop.headers)
    assert queries.count == 5, queries.statements
    with count_queries(rt) as queries:
        await get_ok(client, "/store/recap/product", shop.headers)
    assert queries.count == 2, queries.statements
