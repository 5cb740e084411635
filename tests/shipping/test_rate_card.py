"""PUT/GET /store/shipping/rates: the whole card replaced at once, every bound refused with the field named, the
old card untouched by a refused body, one store's card invisible to another, CS may read but not write."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from bosonline.runtime import Runtime
from bosonline.shipping.couriers import COURIERS
from tests.envelope import assert_error, assert_validation
from tests.factories import bearer, create_store, seller, staff_headers
from tests.querycount import count_queries
from tests.shipping.helpers import get_card, put_card, rate_rows, rate_service, set_card


async def test_a_new_store_has_an_empty_card(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    response = await client.get("/store/shipping/rates", headers=owner["headers"])
    assert response.status_code == 200
    assert response.json() == {"data": {"services": []}}


async def test_replace_then_read_the_card(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    services = [
        rate_service("sicepat", " best_1 ", pricing="per_kg", price=7000, etd="1-2 hari", cod=False),
        rate_service("JNE", "reg", price=None, province_prices={"51": 25000, "31": 9000, "32": 10000}),
        rate_service("kurir_toko", "Antar Sendiri", price=0),
    ]
    card = await set_card(client, owner["headers"], services)
    assert card == [
        {
            "courier": "sicepat",
            "courier_name": "SiCepat",
            "service": "BEST_1",
            "pricing": "per_kg",
            "price": 7000,
            "province_prices": {},
            "etd": "1-2 hari",
            "cod": False,
        },
        {
            "courier": "jne",
            "courier_name": "JNE",
            "service": "REG",
            "pricing": "flat",
            "price": None,
            "province_prices": {"31": 9000, "32": 10000, "51": 25000},
            "etd": None,
            "cod": True,
        },
        {
            "courier": "kurir_toko",
            "courier_name": "Kurir Toko",
            "service": "ANTAR SENDIRI",
            "pricing": "flat",
            "price": 0,
            "province_prices": {},
            "etd": None,
            "cod": True,
        },
    ]
    # Province prices come back in code order.
    assert list(card[1]["province_prices"]) == ["31", "32", "51"]
    assert await get_card(client, owner["headers"]) == card
    assert await rate_rows(rt, owner["store"]["id"]) == 3

    # A second PUT replaces the whole card: what it leaves out is gone, the order is the new one.
    replaced = await set_card(
        client, owner["headers"], [rate_service("jnt", "EZ"), rate_service("jne", "REG", price=11000)]
    )
    assert [(s["courier"], s["service"], s["price"]) for s in replaced] == [("jnt", "EZ", 10000), ("jne", "REG", 11000)]
    assert await get_card(client, owner["headers"]) == replaced
    assert await rate_rows(rt, owner["store"]["id"]) == 2

    # An empty list clears it.
    assert await set_card(client, owner["headers"], []) == []
    assert await get_card(client, owner["headers"]) == []
    assert await rate_rows(rt) == 0


async def test_fifty_services_fit_and_read_in_one_query(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    services = [rate_service("jne", f"S{n}", price=1000 + n) for n in range(50)]
    card = await set_card(client, owner["headers"], services)
    assert [s["service"] for s in card] == [f"S{n}" for n in range(50)]
    with count_queries(rt) as q:
        assert await get_card(client, owner["headers"]) == card
    # principal, store context, the card
    assert q.count <= 4, q.statements


async def test_the_schema_lists_the_courier_codes_the_card_takes(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    courier = spec["components"]["schemas"]["RateServiceIn"]["properties"]["courier"]
    assert courier["enum"] == list(COURIERS)
    owner = await seller(client)
    card = await set_card(client, owner["headers"], [rate_service(code) for code in courier["enum"]])
    assert [s["courier"] for s in card] == list(COURIERS)
    assert_validation(await put_card(client, owner["headers"], [rate_service("fedex")]), "services.0.courier")


REFUSED: list[tuple[str, Any, str]] = [
    ("unknown courier", [rate_service("fedex")], "services.0.courier"),
    ("courier code too long", [rate_service("j" * 25)], "services.0.courier"),
    ("province code 99", [rate_service(province_prices={"99": 5000})], "services.0.province_prices.99"),
    ("province code of one digit", [rate_service(province_prices={"3": 5000})], "services.0.province_prices.3"),
    ("regency code as province", [rate_service(province_prices={"32.76": 5000})], "services.0.province_prices.32.76"),
    ("province name", [rate_service(province_prices={"jabar": 5000})], "services.0.province_prices.jabar"),
    (
        "second service's bad province",
        [rate_service(), rate_service("jnt", province_prices={"32": 1, "00": 2})],
        "services.1.province_prices.00",
    ),
    ("51 services", [rate_service("jne", f"S{n}") for n in range(51)], "services"),
    (
        "duplicate pair",
        [rate_service("jne", "REG"), rate_service("jnt"), rate_service("jne", "reg")],
        "services.2.service",
    ),
    ("negative price", [rate_service(price=-1)], "services.0.price"),
    ("price too high", [rate_service(price=1_000_000_001)], "services.0.price"),
    ("price with a fraction", [rate_service(price=9999.5)], "services.0.price"),
    ("negative province price", [rate_service(province_prices={"32": -5})], "services.0.province_prices.32"),
    ("neither price nor province price", [rate_service(price=None)], "services.0.price"),
    ("neither, province_prices empty", [rate_service(price=None, province_prices={})], "services.0.price"),
    (
        "39 province entries",
        [rate_service(province_prices={f"{n:02}": 1 for n in range(39)})],
        "services.0.province_prices",
    ),
    ("extra key in a service", [rate_service(courier_name="JNE")], "services.0.courier_name"),
    ("unknown pricing", [rate_service(pricing="per_gram")], "services.0.pricing"),
    ("empty service", [rate_service(service="   ")], "services.0.service"),
    ("service too long", [rate_service(service="X" * 25)], "services.0.service"),
    ("service with punctuation", [rate_service(service="REG!")], "services.0.service"),
    ("service with a newline", [rate_service(service="RE\nG")], "services.0.service"),
    ("etd too long", [rate_service(etd="x" * 33)], "services.0.etd"),
    ("etd with control characters", [rate_service(etd="2\x00 hari")], "services.0.etd"),
    ("cod not a bool", [rate_service(cod="maybe")], "services.0.cod"),
    ("courier missing", [{"service": "REG", "pricing": "flat", "price": 1}], "services.0.courier"),
    ("service not an object", ["jne REG"], "services.0"),
]


async def test_every_refusal_names_the_field_and_leaves_the_card(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    before = await set_card(client, owner["headers"], [rate_service("anteraja", "REG", price=9000)])
    for case, services, field in REFUSED:
        assert_validation(await put_card(client, owner["headers"], services), field, case=case)
    for case, body, field in (
        ("extra top-level key", {"services": [], "replace": True}, "replace"),
        ("services missing", {}, "services"),
        ("services not a list", {"services": {"courier": "jne"}}, "services"),
    ):
        response = await client.put("/store/shipping/rates", json=body, headers=owner["headers"])
        assert_validation(response, field, case=case)
    assert await get_card(client, owner["headers"]) == before
    assert await rate_rows(rt) == 1


async def test_every_offence_of_one_body_is_named_at_once(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    response = await put_card(
        client,
        owner["headers"],
        [
            rate_service("jne", "REG", price=None),
            rate_service("jne", "Reg", province_prices={"99": 1, "31": 1}),
        ],
    )
    error = assert_validation(response, "services.0.price", "services.1.service", "services.1.province_prices.99")
    assert "services.1.province_prices.31" not in error["fields"]
    assert "services.0" in error["fields"]["services.1.service"]


async def test_a_long_bad_province_key_is_shown_shortened(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    response = await put_card(client, owner["headers"], [rate_service(province_prices={"9" * 500: 1})])
    error = assert_validation(response)
    assert list(error["fields"]) == ["services.0.province_prices." + "9" * 12 + "…"]


async def test_a_store_sees_and_replaces_only_its_own_card(client: httpx.AsyncClient, rt: Runtime) -> None:
    a = await seller(client)
    b = await seller(client)
    a_card = await set_card(client, a["headers"], [rate_service("jne", "REG", price=9000)])
    b_card = await set_card(
        client, b["headers"], [rate_service("sicepat", "HALU", price=5000), rate_service("jne", "REG")]
    )
    assert await get_card(client, a["headers"]) == a_card
    assert await get_card(client, b["headers"]) == b_card
    # The same (courier, service) on two stores is fine; clearing one card leaves the other.
    assert await set_card(client, b["headers"], []) == []
    assert await get_card(client, a["headers"]) == a_card
    assert await rate_rows(rt, a["store"]["id"]) == 1
    assert await rate_rows(rt, b["store"]["id"]) == 0


async def test_a_member_of_two_stores_edits_the_one_named(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    second = await create_store(client, owner["headers"], subdomain="tokokedua", name="Toko Kedua")
    first_id, second_id = owner["store"]["id"], second["id"]
    tokens = owner["tokens"]
    await set_card(client, bearer(tokens, first_id), [rate_service("jne")])
    await set_card(client, bearer(tokens, second_id), [rate_service("jnt"), rate_service("pos")])
    assert [s["courier"] for s in await get_card(client, bearer(tokens, first_id))] == ["jne"]
    assert [s["courier"] for s in await get_card(client, bearer(tokens, second_id))] == ["jnt", "pos"]


async def test_cs_reads_the_card_but_cannot_replace_it(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    card = await set_card(client, owner["headers"], [rate_service()])
    cs = await staff_headers(client, owner["headers"], role="cs", email="cs-ongkir@example.com")
    assert await get_card(client, cs) == card
    assert_error(await put_card(client, cs, []), 403, "permission_denied")
    assert_error(await put_card(client, cs, [rate_service("jnt")]), 403, "permission_denied")
    assert await get_card(client, owner["headers"]) == card
    # An admin may.
    admin = await staff_headers(client, owner["headers"], role="admin", email="admin-ongkir@example.com")
    assert await set_card(client, admin, []) == []


async def test_without_a_token_nothing_is_read_or_written(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/store/shipping/rates"), 401, "unauthorized")
    assert_error(await client.put("/store/shipping/rates", json={"services": []}), 401, "unauthorized")


async def test_concurrent_replacements_leave_one_whole_card(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    cards = [
        [rate_service("jne", "REG", price=1000 * n), rate_service("jnt", "EZ", price=n), rate_service("pos", f"K{n}")]
        for n in range(1, 9)
    ]
    responses = await asyncio.gather(*(put_card(client, owner["headers"], card) for card in cards))
    assert [r.status_code for r in responses] == [200] * len(cards), [r.text for r in responses]
    final = await get_card(client, owner["headers"])
    assert final in [r.json()["data"]["services"] for r in responses]
    assert await rate_rows(rt) == 3
