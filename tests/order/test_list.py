"""Order List (GET /store/order): shape, every filter, keyset pages, totals, CS visibility, tenancy, bad input
and a query budget that does not grow with the page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from bosonline.kit.pagination import encode_cursor
from bosonline.order import list_repository
from bosonline.order.list_schemas import ORDER_LIST_JSON, ORDER_LIST_MODEL
from bosonline.runtime import Runtime
from tests.envelope import assert_validation
from tests.factories import add_staff, seller
from tests.order.helpers import cs_login, make_checkout_shop, place_orders, stats_match
from tests.order.list_helpers import Line, Row, insert_orders
from tests.querycount import count_queries

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)  # the FrozenClock's start: 10:00 WIB


async def ids_of(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[int]:
    response = await client.get("/store/order", params={"limit": 100, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["data"]]


async def test_list_shows_what_a_cs_needs_newest_first(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    first, second = await place_orders(
        client, rt, shop, 2,
        items=[{"variant_id": shop.red, "quantity": 2}, {"variant_id": shop.kopi_variant, "quantity": 1}],
    )  # fmt: skip
    response = await client.get("/store/order", headers=shop.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["meta"] == {"next_cursor": None, "total": 2}
    assert [item["id"] for item in body["data"]] == [second.id, first.id]
    item = body["data"][1]
    assert item["number"] == first.number and item["total"] == first.total
    assert (item["status"], item["payment_status"], item["payment_method"]) == ("pending", "unpaid", "bank_transfer")
    assert item["customer"] == {"name": "Siti Aminah", "phone": "081234567890"}
    assert "Depok" in item["region_name"]
    assert (item["courier"], item["courier_service"], item["awb"]) == ("jne", "REG", None)
    assert item["handler"]["id"] == first.handler_id and item["handler"]["name"].startswith("CS ")
    assert item["items"] == {"first": "Kaos Polos (Merah / L)", "lines": 2, "quantity": 3}
    assert item["form_id"] == shop.form_id and item["created_at"].startswith("2026-11-21T03:00:00")
    # Written from plain dicts (list_schemas.ORDER_LIST_JSON): byte for byte what the declared model writes.
    assert ORDER_LIST_MODEL.model_validate_json(response.content).model_dump_json().encode() == response.content
    assert response.headers["content-type"] == "application/json"
    await stats_match(rt, shop.store_id)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"handler": None, "items": None, "courier": None, "courier_service": None, "form_id": None},
        {"awb": "JP0012345678", "form_id": 7, "total": 0, "customer": {"name": 'Budi "50%" <b>', "phone": "0857"}},
        {"created_at": datetime(2026, 11, 21, 3, 0, 0, 123456, tzinfo=UTC), "number": "INV/ü/€/\u2028"},
    ],
)
def test_the_list_is_written_as_its_declared_model_writes_it(changes: dict[str, Any]) -> None:
    item = {
        "id": 12, "number": "INV/20261121/00001", "status": "pending", "payment_status": "unpaid",
        "payment_method": "bank_transfer", "total": 150_000, "customer": {"name": "Siti", "phone": "081234567890"},
        "region_name": "Beji, Kota Depok, Jawa Barat", "courier": "jne", "courier_service": "REG", "awb": None,
        "handler": {"id": 3, "name": "CS 1"}, "items": {"first": "Kaos Polos (Merah / L)", "lines": 2, "quantity": 3},
        "form_id": None, "created_at": NOW,
    } | changes  # fmt: skip
    for meta in ({"next_cursor": None, "total": 1}, {"next_cursor": "WzEyXQ", "total": None}):
        body = {"data": [item, item], "meta": meta}
        assert ORDER_LIST_JSON.dump_json(body) == ORDER_LIST_MODEL.model_validate(body).model_dump_json().encode()


async def test_every_filter(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    cs1, cs2 = shop.cs_members
    kaos = Line(shop.kaos, shop.red, sku="KAOS-M-L")
    kopi = Line(shop.kopi, shop.kopi_variant, "Kopi Gayo", "Kopi Gayo", sku="KOPI-1", quantity=2)
    t = NOW - timedelta(hours=1)
    rows = [
        Row(t, number="INV/20261121/A0001", lines=[kaos], handler_id=cs1, form_id=shop.form_id),
        Row(t, number="INV/20261121/A0002", status="confirmed", payment_status="paid", lines=[kopi], handler_id=cs2),
        Row(t, number="INV/20261121/B0003", status="shipped", payment_method="cod", courier="sicepat",
            lines=[kaos, kopi], customer_name="Budi 50% Diskon", customer_phone="6285711112222"),
        Row(t, number="INV/20261121/B0004", status="canceled", payment_method="qris", customer_name="Rina_Sari",
            customer_phone="6281299990000", lines=[kaos]),
    ]  # fmt: skip
    a, b, c, d = await insert_orders(rt, shop.store_id, rows)
    h = shop.headers
    assert await ids_of(client, h) == [d, c, b, a]
    cases: list[tuple[dict[str, Any], list[int]]] = [
        ({"status": "pending"}, [a]),
        ({"status": "confirmed,shipped"}, [c, b]),
        ({"status": ["canceled", "pending"]}, [d, a]),
        ({"status": " confirmed , confirmed "}, [b]),
        ({"status": ["canceled,pending,canceled,pending,canceled,pending"] * 2}, [d, a]),  # 12 names, 2 statuses
        ({"payment_status": "paid"}, [b]),
        ({"payment_method": "cod"}, [c]),
        ({"payment_method": "va_bca"}, []),
        ({"handler_id": cs1}, [a]),
        ({"handler_id": 0}, [d, c]),
        ({"courier": "sicepat"}, [c]),
        ({"product_id": shop.kopi}, [c, b]),
        ({"product_id": shop.kaos, "status": "canceled"}, [d]),
        ({"sku": "kaos-m-l"}, [d, c, a]),
        ({"sku": "KOPI-1", "product_id": shop.kaos}, [c]),
        ({"form_id": shop.form_id}, [a]),
        ({"q": "b000"}, [d, c]),  # order number, any case
        ({"q": "a0002"}, [b]),
        ({"q": "rina"}, [d]),  # buyer name
        ({"q": "50%"}, [c]),  # a % is a percent sign, not a wildcard
        ({"q": "_"}, [d]),  # an underscore is an underscore
        ({"q": "0857-1111"}, [c]),  # phone typed as sellers see it
        ({"q": "+62 812 9999"}, [d]),
        ({"q": "2222"}, [c]),
        ({"q": "0857-1111-2222"}, [c]),  # a complete number
        ({"q": "0857111122"}, [c]),  # a number typed partway that is also a valid (shorter) mobile number
        ({"q": "+62 812-9999-0000"}, [d]),
        ({"q": "081234567890"}, [b, a]),
        ({"q": "081234567891"}, []),
        ({"q": "nobody"}, []),
    ]
    for params, expected in cases:
        assert await ids_of(client, h, **params) == expected, params
    # The recap agrees with the list for every one of them.
    for params, expected in cases:
        recap = await client.get("/store/order/recap", params=params, headers=h)
        assert recap.status_code == 200, (params, recap.text)
        assert recap.json()["data"]["overall"]["orders"] == len(expected), params


async def test_date_range_is_in_the_store_time_zone(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    late = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)  # 23:30 WIB on the 20th
    midnight = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)  # 00:00 WIB on the 21st
    early = datetime(2026, 11, 19, 17, 0, tzinfo=UTC) - timedelta(microseconds=1)  # 23:59:59.999999 WIB, 19th
    a, b, c = await insert_orders(rt, shop.store_id, [Row(early), Row(late), Row(midnight)])
    h = shop.headers
    cases: list[tuple[dict[str, Any], list[int]]] = [
        ({"date_from": "2026-11-20", "date_to": "2026-11-20"}, [b]),
        ({"date_from": "2026-11-21"}, [c]),
        ({"date_to": "2026-11-20"}, [b, a]),
        ({"date_from": "2026-11-19", "date_to": "2026-11-19"}, [a]),
        ({"date_from": "2026-11-22"}, []),
    ]
    for params, expected in cases:
        assert await ids_of(client, h, **params) == expected, params
        recap = (await client.get("/store/order/recap", params=params, headers=h)).json()["data"]
        assert (recap["source"], recap["overall"]["orders"]) == ("counters", len(expected)), params
        listed = (await client.get("/store/order", params={**params, "limit": 1}, headers=h)).json()
        assert listed["meta"]["total"] == len(expected), params


async def test_pages_cover_every_order_once(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    statuses = ["pending", "confirmed", "shipped"]
    # Creation times out of id order and shared by several orders (a date filter pages by time, then id).
    times = [NOW - timedelta(minutes=(n * 7) % 11) for n in range(30)]
    rows = [Row(at, status=statuses[n % 3], handler_id=shop.cs_members[n % 2]) for n, at in enumerate(times)]
    ids = await insert_orders(rt, shop.store_id, rows)
    by_time = [i for _, i in sorted(zip(times, ids, strict=True), reverse=True)]
    for params, expected in (
        ({}, sorted(ids, reverse=True)),
        ({"status": "pending,shipped"}, sorted((i for n, i in enumerate(ids) if n % 3 != 1), reverse=True)),
        ({"q": "siti"}, sorted(ids, reverse=True)),  # counted, not from the counters
        ({"date_from": "2026-11-21"}, by_time),
        ({"date_to": "2026-11-21", "status": "confirmed"}, [i for i in by_time if ids.index(i) % 3 == 1]),
    ):
        seen: list[int] = []
        cursor = None
        while True:
            query = {**params, "limit": 7} | ({"cursor": cursor} if cursor else {})
            body = (await client.get("/store/order", params=query, headers=shop.headers)).json()
            assert body["meta"]["total"] == len(expected), params
            seen += [item["id"] for item in body["data"]]
            cursor = body["meta"]["next_cursor"]
            if cursor is None:
                break
        assert seen == expected, params


async def test_total_is_capped_when_orders_must_be_counted(
    client: httpx.AsyncClient, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    await insert_orders(rt, shop.store_id, [Row(NOW, courier="jne") for _ in range(8)])
    h = shop.headers
    monkeypatch.setattr(list_repository, "COUNT_CAP", 5)
    capped = (await client.get("/store/order", params={"courier": "jne", "limit": 3}, headers=h)).json()
    assert capped["meta"]["total"] is None and len(capped["data"]) == 3
    # Filters the counters key stay exact whatever the size; a first page holding everything counts itself.
    assert (await client.get("/store/order", params={"limit": 3}, headers=h)).json()["meta"]["total"] == 8
    assert (await client.get("/store/order", params={"courier": "jne"}, headers=h)).json()["meta"]["total"] == 8
    monkeypatch.setattr(list_repository, "COUNT_CAP", 8)
    exact = (await client.get("/store/order", params={"courier": "jne", "limit": 3}, headers=h)).json()
    assert exact["meta"]["total"] == 8


async def test_every_page_answers_the_total_however_it_is_counted(
    client: httpx.AsyncClient, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The total comes with the page (counters, phone searches, later pages) or on its own (a first page of other
    filters with a next page, a later page past the last order): the same figure either way, capped alike."""
    shop = await make_checkout_shop(client, rt, cs=0)
    rows = [Row(NOW, courier="jne" if n % 2 else "jnt", customer_phone=f"62812345678{n % 3}",
                lines=[Line(shop.kaos, shop.red, quantity=1 + n % 2)] * (n % 3)) for n in range(9)]  # fmt: skip
    ids = await insert_orders(rt, shop.store_id, rows)
    h = shop.headers
    cases: list[tuple[dict[str, Any], int]] = [
        ({}, 9),
        ({"status": "pending"}, 9),
        ({"courier": "jne"}, 4),
        ({"q": "0812-3456-78"}, 9),  # a phone number's start
        ({"q": "0812-3456-781"}, 3),  # a whole number
        ({"q": "siti"}, 9),
    ]
    for params, expected in cases:
        first = (await client.get("/store/order", params={**params, "limit": 2}, headers=h)).json()
        assert first["meta"]["total"] == expected and first["meta"]["next_cursor"], params
        later = {**params, "limit": 2, "cursor": first["meta"]["next_cursor"]}
        assert (await client.get("/store/order", params=later, headers=h)).json()["meta"]["total"] == expected
        past = {**params, "limit": 2, "cursor": encode_cursor([ids[0]])}  # no order before the first one
        body = (await client.get("/store/order", params=past, headers=h)).json()
        assert (body["data"], body["meta"]) == ([], {"next_cursor": None, "total": expected}), params
    # Each order's line summary, whatever page it falls on (a page's statement also reads its next order's lines).
    items: dict[int, Any] = {}
    cursor = None
    while True:
        query = {"limit": 4} | ({"cursor": cursor} if cursor else {})
        body = (await client.get("/store/order", params=query, headers=h)).json()
        items |= {item["id"]: item["items"] for item in body["data"]}
        if (cursor := body["meta"]["next_cursor"]) is None:
            break
    assert items == {
        order_id: {"first": "Kaos Polos (Merah / L)", "lines": n % 3, "quantity": n % 3 * (1 + n % 2)}
        if n % 3
        else None
        for n, order_id in enumerate(ids)
    }
    monkeypatch.setattr(list_repository, "COUNT_CAP", 3)
    for params, expected in cases:
        capped = None if expected > 3 and params not in ({}, {"status": "pending"}) else expected
        first = (await client.get("/store/order", params={**params, "limit": 2}, headers=h)).json()
        assert first["meta"]["total"] == capped, params
        later = {**params, "limit": 2, "cursor": first["meta"]["next_cursor"]}
        assert (await client.get("/store/order", params=later, headers=h)).json()["meta"]["total"] == capped


async def test_query_count_does_not_grow_with_the_page(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    small = await make_checkout_shop(client, rt)
    kaos = Line(shop.kaos, shop.red)
    kopi = Line(shop.kopi, shop.kopi_variant, "Kopi Gayo", "Kopi Gayo")
    rows = [Row(NOW, handler_id=shop.cs_members[n % 2], lines=[kaos, kopi][: 1 + n % 2]) for n in range(30)]
    await insert_orders(rt, shop.store_id, rows)
    small_rows = [Row(NOW, handler_id=small.cs_members[n % 2], lines=[Line(small.kaos, small.red)]) for n in range(3)]
    await insert_orders(rt, small.store_id, small_rows)
    for params in ({}, {"courier": "jne"}, {"status": "pending"}, {"date_from": "2026-11-01"}):
        with count_queries(rt) as few:
            two = await client.get("/store/order", params={**params, "limit": 2}, headers=small.headers)
        with count_queries(rt) as many:
            page = await client.get("/store/order", params={**params, "limit": 25}, headers=shop.headers)
        with count_queries(rt) as whole:
            three = await client.get("/store/order", params={**params, "limit": 30}, headers=small.headers)
        assert [len(r.json()["data"]) for r in (two, page, three)] == [2, 25, 3]
        assert [r.json()["meta"]["total"] for r in (two, page, three)] == [3, 30, 3]
        # auth (1: caller + store context), then one statement: the page with its handlers' names, its lines and
        # (the counters' sum) its total; the same for 2 orders as for 25. A filter the counters do not key (courier)
        # counts the orders in a second statement, only when the first page does not hold the whole result.
        paged = 3 if "courier" in params else 2
        assert few.count == many.count == paged, (params, few.statements, many.statements)
        assert whole.count == 2, (params, whole.statements)


async def test_cs_sees_only_their_orders_unless_the_store_lets_them(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=1)
    email = "putri-list@example.com"
    putri = await add_staff(client, shop.headers, email=email, name="Putri")
    other = shop.cs_members[0]
    rows = [Row(NOW, handler_id=putri["id"]), Row(NOW, handler_id=other), Row(NOW, handler_id=None),
            Row(NOW, handler_id=putri["id"], status="confirmed")]  # fmt: skip
    mine_pending, theirs, nobody, mine_confirmed = await insert_orders(rt, shop.store_id, rows)
    cs = await cs_login(client, shop, email)
    assert await ids_of(client, cs) == [mine_confirmed, mine_pending]
    assert await ids_of(client, cs, handler_id=other) == []
    assert await ids_of(client, cs, status="confirmed") == [mine_confirmed]
    listed = (await client.get("/store/order", params={"limit": 1}, headers=cs)).json()
    assert listed["meta"]["total"] == 2
    recap = (await client.get("/store/order/recap", headers=cs)).json()["data"]
    assert recap["overall"]["orders"] == 2 and recap["source"] == "counters"
    assert (await client.get(f"/store/order/{theirs}", headers=cs)).status_code == 404

    response = await client.put("/store", json={"settings": {"cs_sees_all_orders": True}}, headers=shop.headers)
    assert response.status_code == 200, response.text
    assert await ids_of(client, cs) == [mine_confirmed, nobody, theirs, mine_pending]
    assert (await client.get("/store/order/recap", headers=cs)).json()["data"]["overall"]["orders"] == 4
    assert await ids_of(client, shop.headers) == [mine_confirmed, nobody, theirs, mine_pending]


async def test_another_stores_orders_never_appear(client: httpx.AsyncClient, rt: Runtime) -> None:
    mine = await make_checkout_shop(client, rt, cs=0)
    theirs = await make_checkout_shop(client, rt, cs=0)
    [own] = await insert_orders(rt, mine.store_id, [Row(NOW, lines=[Line(mine.kaos, mine.red)])])
    await insert_orders(
        rt, theirs.store_id, [Row(NOW, form_id=theirs.form_id, lines=[Line(theirs.kaos, theirs.red, sku="X")])] * 3
    )
    h = mine.headers
    assert await ids_of(client, h) == [own]
    assert await ids_of(client, h, form_id=theirs.form_id) == []
    assert await ids_of(client, h, product_id=theirs.kaos) == []
    assert await ids_of(client, h, sku="X") == []
    recap = (await client.get("/store/order/recap", headers=h)).json()["data"]
    assert recap["overall"]["orders"] == 1
    other_recap = (await client.get("/store/order/recap", params={"form_id": theirs.form_id}, headers=h)).json()
    assert other_recap["data"]["overall"]["orders"] == 0


async def test_bad_filters_are_422(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    await insert_orders(rt, shop.store_id, [Row(NOW)])
    too_big = 2**53 + 1
    cases: list[tuple[dict[str, Any], str]] = [
        ({"status": "lost"}, "status.0"),
        ({"status": "pending,lost"}, "status.1"),
        ({"status": ",".join(["pending"] * 11)}, "status"),
        ({"payment_status": "refunded"}, "payment_status"),
        ({"payment_method": "Bank Transfer"}, "payment_method"),
        ({"date_from": "2026-11-22", "date_to": "2026-11-21"}, "date_to"),
        ({"date_from": "21/11/2026"}, "date_from"),
        ({"date_from": "2026-02-30"}, "date_from"),
        ({"date_to": "9999-12-31"}, "date_to"),  # no day after it to bound the range with
        ({"date_from": "0001-01-01"}, "date_from"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": encode_cursor(["x"])}, "cursor"),  # decodes, but not a key of this list
        ({"cursor": encode_cursor([2**63])}, "cursor"),
        ({"cursor": encode_cursor([5]), "date_from": "2026-11-01"}, "cursor"),  # a cursor of the undated list
        ({"cursor": encode_cursor([2**62, 5]), "date_from": "2026-11-01"}, "cursor"),  # no such time
        ({"handler_id": too_big}, "handler_id"),
        ({"handler_id": -1}, "handler_id"),
        ({"product_id": too_big}, "product_id"),
        ({"product_id": 0}, "product_id"),
        ({"form_id": too_big}, "form_id"),
        ({"courier": "dhl-express"}, "courier"),
        ({"sku": "x" * 65}, "sku"),
        ({"q": "x" * 101}, "q"),
        ({"q": ""}, "q"),
        ({"q": "ab\x00"}, "q"),
    ]
    for params, field in cases:
        assert_validation(await client.get("/store/order", params=params, headers=shop.headers), field, case=params)
        if "limit" not in params and "cursor" not in params:
            recap = await client.get("/store/order/recap", params=params, headers=shop.headers)
            assert_validation(recap, field, case=params)


@pytest.mark.parametrize("params", [{"q": "\x00"}, {"sku": "A\x00"}])
async def test_control_characters_are_a_422_not_a_database_error(
    client: httpx.AsyncClient, rt: Runtime, params: dict[str, str]
) -> None:
    owner = await seller(client)
    response = await client.get("/store/order", params=params, headers=owner["headers"])
    assert response.status_code == 422, response.text
    abandoned = await client.get("/store/order/abandoned", params={"q": "\x00"}, headers=owner["headers"])
    assert abandoned.status_code == 422, abandoned.text
