"""GET /store/shipping/rates/estimate (the seller tries the card on a district or village) and GET /store/courier
(the couriers on the card, or every known one)."""

from __future__ import annotations

from typing import Any

import httpx

from bosonline.shipping.couriers import COURIERS
from tests.envelope import assert_error, assert_validation
from tests.factories import seller, staff_headers
from tests.shipping.helpers import DENPASAR_DISTRICT, DEPOK_VILLAGE, GAMBIR_DISTRICT, rate_service, set_card

CARD = [
    rate_service("jne", "REG", price=10000, province_prices={"51": 22000}, etd="2-3 hari"),
    rate_service("sicepat", "GOKIL", pricing="per_kg", price=4000, cod=False),
    rate_service("kurir_toko", "LOKAL", price=None, province_prices={"32": 5000}),
    rate_service("jne", "YES", price=18000, etd="1 hari"),
]


async def estimate(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> httpx.Response:
    return await client.get("/store/shipping/rates/estimate", params=params, headers=headers)


async def test_estimate_for_a_village(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    await set_card(client, owner["headers"], CARD)
    response = await estimate(client, owner["headers"], destination=DEPOK_VILLAGE, weight_g=1001)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "data": [
            {
                "courier": "kurir_toko",
                "courier_name": "Kurir Toko",
                "service": "LOKAL",
                "price": 5000,
                "etd": None,
                "cod": True,
            },
            {
                "courier": "sicepat",
                "courier_name": "SiCepat",
                "service": "GOKIL",
                "price": 8000,
                "etd": None,
                "cod": False,
            },
            {"courier": "jne", "courier_name": "JNE", "service": "REG", "price": 10000, "etd": "2-3 hari", "cod": True},
            {"courier": "jne", "courier_name": "JNE", "service": "YES", "price": 18000, "etd": "1 hari", "cod": True},
        ],
        "meta": {"next_cursor": None, "total": 4},
    }
    # The undotted form of the same village prices the same.
    undotted = await estimate(client, owner["headers"], destination="3276011006", weight_g=1001)
    assert undotted.json() == response.json()


async def test_estimate_for_a_district_with_cod(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    await set_card(client, owner["headers"], CARD)
    bali = await estimate(client, owner["headers"], destination=DENPASAR_DISTRICT, weight_g=2500)
    assert [(r["service"], r["price"]) for r in bali.json()["data"]] == [
        ("GOKIL", 12000),
        ("YES", 18000),
        ("REG", 22000),
    ]
    cod = await estimate(client, owner["headers"], destination=GAMBIR_DISTRICT, weight_g=2500, cod="true")
    assert cod.status_code == 200, cod.text
    assert [(r["service"], r["price"]) for r in cod.json()["data"]] == [("REG", 10000), ("YES", 18000)]
    assert cod.json()["meta"]["total"] == 2


async def test_estimate_refuses_what_is_not_a_district_or_village(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    await set_card(client, owner["headers"], CARD)
    for destination in ("depok", "32.7", "99.01.01", "32.76.01.9999", "32", "32.76", "3276", "", "3" * 21):
        response = await estimate(client, owner["headers"], destination=destination, weight_g=1000)
        assert_validation(response, "destination", case=destination)
    assert_validation(
        await client.get("/store/shipping/rates/estimate", params={"weight_g": 1}, headers=owner["headers"]),
        "destination",
    )
    for weight_g in (0, -1, 1_000_001, "1kg"):
        response = await estimate(client, owner["headers"], destination=DEPOK_VILLAGE, weight_g=weight_g)
        assert_validation(response, "weight_g", case=weight_g)
    assert_validation(await estimate(client, owner["headers"], destination=DEPOK_VILLAGE), "weight_g")
    assert_validation(
        await estimate(client, owner["headers"], destination=DEPOK_VILLAGE, weight_g=1, cod="maybe"), "cod"
    )
    heaviest = await estimate(client, owner["headers"], destination=DEPOK_VILLAGE, weight_g=1_000_000)
    assert heaviest.status_code == 200
    assert {r["service"]: r["price"] for r in heaviest.json()["data"]}["GOKIL"] == 4000 * 1000


async def test_estimate_is_for_every_member_and_uses_only_the_stores_card(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    other = await seller(client)
    await set_card(client, owner["headers"], CARD)
    await set_card(client, other["headers"], [rate_service("tiki", "ONS", price=30000)])
    cs = await staff_headers(client, owner["headers"], role="cs", email="cs-cek@example.com")
    response = await estimate(client, cs, destination=DEPOK_VILLAGE, weight_g=500)
    assert response.status_code == 200
    assert "tiki" not in {r["courier"] for r in response.json()["data"]}
    theirs = await estimate(client, other["headers"], destination=DEPOK_VILLAGE, weight_g=500)
    assert [r["courier"] for r in theirs.json()["data"]] == ["tiki"]
    assert_error(
        await client.get("/store/shipping/rates/estimate", params={"destination": DEPOK_VILLAGE, "weight_g": 1}),
        401,
        "unauthorized",
    )


async def test_courier_list(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    empty = await client.get("/store/courier", headers=owner["headers"])
    assert empty.status_code == 200
    assert empty.json() == {"data": [], "meta": {"next_cursor": None, "total": 0}}

    await set_card(client, owner["headers"], CARD)
    response = await client.get("/store/courier", headers=owner["headers"])
    assert response.json()["data"] == [
        {
            "code": "jne",
            "name": "JNE",
            "services": [
                {"service": "REG", "pricing": "flat", "etd": "2-3 hari", "cod": True},
                {"service": "YES", "pricing": "flat", "etd": "1 hari", "cod": True},
            ],
        },
        {
            "code": "sicepat",
            "name": "SiCepat",
            "services": [{"service": "GOKIL", "pricing": "per_kg", "etd": None, "cod": False}],
        },
        {
            "code": "kurir_toko",
            "name": "Kurir Toko",
            "services": [{"service": "LOKAL", "pricing": "flat", "etd": None, "cod": True}],
        },
    ]
    assert response.json()["meta"]["total"] == 3


async def test_courier_list_of_every_known_courier(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    await set_card(client, owner["headers"], CARD)
    response = await client.get("/store/courier", params={"all": "true"}, headers=owner["headers"])
    assert response.status_code == 200
    data = response.json()["data"]
    assert [(c["code"], c["name"]) for c in data] == list(COURIERS.items())
    services = {c["code"]: [s["service"] for s in c["services"]] for c in data}
    assert services["jne"] == ["REG", "YES"]
    assert services["kurir_toko"] == ["LOKAL"]
    assert services["tiki"] == []
    assert response.json()["meta"]["total"] == len(COURIERS)
    not_all = await client.get("/store/courier", params={"all": "false"}, headers=owner["headers"])
    assert [c["code"] for c in not_all.json()["data"]] == ["jne", "sicepat", "kurir_toko"]
    assert_validation(await client.get("/store/courier", params={"all": "maybe"}, headers=owner["headers"]), "all")


async def test_courier_list_is_the_stores_own_and_cs_may_read_it(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    other = await seller(client)
    await set_card(client, owner["headers"], CARD)
    await set_card(client, other["headers"], [rate_service("lion", "REGPACK")])
    cs = await staff_headers(client, owner["headers"], role="cs", email="cs-kurir@example.com")
    response = await client.get("/store/courier", headers=cs)
    assert [c["code"] for c in response.json()["data"]] == ["jne", "sicepat", "kurir_toko"]
    theirs = await client.get("/store/courier", headers=other["headers"])
    assert theirs.json()["data"] == [
        {
            "code": "lion",
            "name": "Lion Parcel",
            "services": [{"service": "REGPACK", "pricing": "flat", "etd": None, "cod": True}],
        }
    ]
