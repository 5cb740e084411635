"""The rate-card provider checkout prices shipping with: flat and per started kilogram, province prices over the
default, services that do not deliver somewhere left out, courier and COD filters, the order, one query."""

from __future__ import annotations

import httpx
import pytest

from bosonline.runtime import Runtime
from bosonline.shipping.rates import Rate, RateCardProvider, RateQuery, rate_provider, started_kilograms
from tests.factories import seller
from tests.querycount import count_queries
from tests.shipping.helpers import (
    DENPASAR_DISTRICT,
    DEPOK_VILLAGE,
    GAMBIR_DISTRICT,
    provider_rates,
    rate_service,
    set_card,
)


def prices(rates: list[Rate]) -> list[tuple[str, str, int]]:
    return [(rate.courier, rate.service, rate.price) for rate in rates]


def test_started_kilograms() -> None:
    assert [started_kilograms(g) for g in (1, 999, 1000, 1001, 2000, 2500, 100_000)] == [1, 1, 1, 2, 2, 3, 100]


def test_the_offline_default_is_the_rate_card(rt: Runtime) -> None:
    provider = rate_provider(rt)
    assert isinstance(provider, RateCardProvider)
    assert provider.name == "rate_card"


@pytest.mark.parametrize("weight_g", [0, -5])
def test_a_query_needs_a_weight(weight_g: int) -> None:
    with pytest.raises(ValueError):
        RateQuery(store_id=1, destination_region=DEPOK_VILLAGE, weight_g=weight_g)


async def test_flat_and_per_kg_by_weight(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    await set_card(
        client,
        owner["headers"],
        [rate_service("jne", "REG", price=10000), rate_service("sicepat", "GOKIL", pricing="per_kg", price=4000)],
    )
    store_id = owner["store"]["id"]
    expected = {1: 4000, 1000: 4000, 1001: 8000, 2500: 12000}
    for weight_g, per_kg in expected.items():
        rates = await provider_rates(rt, store_id, DEPOK_VILLAGE, weight_g)
        assert sorted(prices(rates)) == [("jne", "REG", 10000), ("sicepat", "GOKIL", per_kg)], weight_g


async def test_province_price_overrides_the_default(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    await set_card(
        client,
        owner["headers"],
        [
            rate_service("jne", "REG", price=10000, province_prices={"51": 25000}),
            rate_service("jnt", "EZ", pricing="per_kg", price=5000, province_prices={"51": 9000}),
            # Delivers only where it lists a price.
            rate_service("kurir_toko", "LOKAL", price=None, province_prices={"32": 3000, "31": 6000}),
        ],
    )
    store_id = owner["store"]["id"]
    assert prices(await provider_rates(rt, store_id, DEPOK_VILLAGE, 1500)) == [
        ("kurir_toko", "LOKAL", 3000),
        ("jne", "REG", 10000),
        ("jnt", "EZ", 10000),
    ]
    assert prices(await provider_rates(rt, store_id, GAMBIR_DISTRICT, 1500)) == [
        ("kurir_toko", "LOKAL", 6000),
        ("jne", "REG", 10000),
        ("jnt", "EZ", 10000),
    ]
    # Bali: the province prices apply and the local courier does not deliver there.
    assert prices(await provider_rates(rt, store_id, DENPASAR_DISTRICT, 1500)) == [
        ("jnt", "EZ", 18000),
        ("jne", "REG", 25000),
    ]


async def test_filters_by_courier_and_cod(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    await set_card(
        client,
        owner["headers"],
        [
            rate_service("jne", "REG", price=10000),
            rate_service("jne", "YES", price=20000, cod=False),
            rate_service("sicepat", "REG", price=9000),
            rate_service("pos", "KILAT", price=8000, cod=False),
        ],
    )
    store_id = owner["store"]["id"]
    everything = await provider_rates(rt, store_id, DEPOK_VILLAGE, 1000)
    assert prices(everything) == [
        ("pos", "KILAT", 8000),
        ("sicepat", "REG", 9000),
        ("jne", "REG", 10000),
        ("jne", "YES", 20000),
    ]
    assert [rate.cod for rate in everything] == [False, True, True, False]
    only_jne = await provider_rates(rt, store_id, DEPOK_VILLAGE, 1000, couriers=("jne",))
    assert prices(only_jne) == [("jne", "REG", 10000), ("jne", "YES", 20000)]
    two = await provider_rates(rt, store_id, DEPOK_VILLAGE, 1000, couriers=("jne", "pos", "tiki"))
    assert prices(two) == [("pos", "KILAT", 8000), ("jne", "REG", 10000), ("jne", "YES", 20000)]
    cod = await provider_rates(rt, store_id, DEPOK_VILLAGE, 1000, cod=True)
    assert prices(cod) == [("sicepat", "REG", 9000), ("jne", "REG", 10000)]
    assert prices(await provider_rates(rt, store_id, DEPOK_VILLAGE, 1000, couriers=("pos",), cod=True)) == []
    assert await provider_rates(rt, store_id, DEPOK_VILLAGE, 1000, couriers=("tiki",)) == []


async def test_sorted_by_price_then_courier_then_service(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    await set_card(
        client,
        owner["headers"],
        [
            rate_service("sicepat", "REG", price=9000, etd="2-3 hari"),
            rate_service("anteraja", "REG", price=12000),
            rate_service("jne", "YES", price=9000),
            rate_service("jne", "CTC", price=9000),
            rate_service("jnt", "EZ", price=8000),
        ],
    )
    rates = await provider_rates(rt, owner["store"]["id"], DEPOK_VILLAGE, 700)
    assert prices(rates) == [
        ("jnt", "EZ", 8000),
        ("jne", "CTC", 9000),
        ("jne", "YES", 9000),
        ("sicepat", "REG", 9000),
        ("anteraja", "REG", 12000),
    ]
    assert rates[3] == Rate(
        courier="sicepat", courier_name="SiCepat", service="REG", price=9000, etd="2-3 hari", cod=True
    )


async def test_one_query_whatever_the_card_and_only_the_stores_own(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    other = await seller(client)
    await set_card(client, owner["headers"], [rate_service("jne", f"S{n}", price=1000 + n) for n in range(40)])
    await set_card(client, other["headers"], [rate_service("jne", "S0", price=1)])
    with count_queries(rt) as q:
        rates = await provider_rates(rt, owner["store"]["id"], DEPOK_VILLAGE, 1000, couriers=("jne",), cod=True)
    assert q.count == 1, q.statements
    assert len(rates) == 40 and rates[0].price == 1000
    assert prices(await provider_rates(rt, other["store"]["id"], DEPOK_VILLAGE, 1000)) == [("jne", "S0", 1)]
    # A store with no card has nothing to offer.
    third = await seller(client)
    assert await provider_rates(rt, third["store"]["id"], DEPOK_VILLAGE, 1000) == []
