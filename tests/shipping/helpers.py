"""Rate card bodies and the calls the shipping tests share."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from bosonline.models import ShippingRate
from bosonline.runtime import Runtime
from bosonline.shipping.rates import Rate, RateQuery, rate_provider

DEPOK_VILLAGE = "32.76.01.1006"  # Depok, Pancoran Mas, Kota Depok, Jawa Barat (32)
GAMBIR_DISTRICT = "31.71.01"  # Gambir, Jakarta Pusat, DKI Jakarta (31)
DENPASAR_DISTRICT = "51.71.01"  # Denpasar Selatan, Bali (51)


def rate_service(
    courier: str = "jne", service: str = "REG", *, pricing: str = "flat", price: int | None = 10000, **extra: Any
) -> dict[str, Any]:
    return {"courier": courier, "service": service, "pricing": pricing, "price": price, **extra}


async def put_card(
    client: httpx.AsyncClient, headers: dict[str, str], services: list[dict[str, Any]]
) -> httpx.Response:
    return await client.put("/store/shipping/rates", json={"services": services}, headers=headers)


async def set_card(
    client: httpx.AsyncClient, headers: dict[str, str], services: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    response = await put_card(client, headers, services)
    assert response.status_code == 200, response.text
    return response.json()["data"]["services"]  # type: ignore[no-any-return]


async def get_card(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = await client.get("/store/shipping/rates", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]["services"]  # type: ignore[no-any-return]


async def rate_rows(rt: Runtime, store_id: int | None = None) -> int:
    async with rt.db.session(write=False) as session:
        stmt = select(func.count()).select_from(ShippingRate)
        if store_id is not None:
            stmt = stmt.where(ShippingRate.store_id == store_id)
        return int(await session.scalar(stmt) or 0)


async def provider_rates(rt: Runtime, store_id: int, destination: str, weight_g: int, **kwargs: Any) -> list[Rate]:
    """The provider checkout will call, called the same way (its own session, a RateQuery)."""
    async with rt.db.session(write=False) as session:
        query = RateQuery(store_id=store_id, destination_region=destination, weight_g=weight_g, **kwargs)
        return await rate_provider(rt).rates(session, query)
