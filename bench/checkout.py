"""The buyer side under load: form page, quote and checkout, against /health in the same run.

    .venv/bin/python bench/checkout.py [--orders 300] [--concurrency 50] [--database-url postgresql+asyncpg://...]

Builds a store the way a seller does (warehouse, product with 2 variants, stock, rate card, bank account, CS,
form: all through the API), then times requests in-process (httpx ASGI transport, no network): sequential
checkouts (each a full order: priced, stock reserved, CS assigned) and a burst of concurrent ones; then the
product gets the generated set of 4 follow-up chat templates and the sequential checkouts run again (each order
now also schedules its follow-up rows in its transaction). Not run by CI.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from common import in_process

DEPOK_VILLAGE = "32.76.01.1006"


async def ok(response: Awaitable[httpx.Response], status: int = 200) -> dict[str, Any]:
    result = await response
    assert result.status_code == status, result.text
    return result.json()["data"]  # type: ignore[no-any-return]


async def setup(client: httpx.AsyncClient) -> tuple[dict[str, str], str, str, list[int], int]:
    email = f"bench-{time.time_ns()}@example.com"
    user = await ok(
        client.post(
            "/auth/register",
            json={"name": "Bench", "email": email, "phone": "081234567890", "password": "rahasia-123"},
        ),
        201,
    )
    headers = {"Authorization": f"Bearer {user['tokens']['access_token']}"}
    subdomain = f"bench{time.time_ns() % 10**9}"
    await ok(
        client.post("/store", json={"name": "Bench", "subdomain": subdomain, "phone": "081234567890"}, headers=headers),
        201,
    )
    warehouse = await ok(
        client.post(
            "/profile/warehouse",
            json={
                "name": "Gudang",
                "contact_name": "Bench",
                "contact_phone": "081234567890",
                "address": "Jl. Bench 1",
                "region_code": DEPOK_VILLAGE,
            },
            headers=headers,
        ),
        201,
    )
    product = await ok(
        client.post(
            "/store/product",
            json={
                "name": "Kaos Bench",
                "weight_g": 200,
                "attributes": [{"name": "Warna", "items": ["Merah", "Hitam"]}],
                "variants": [{"options": ["Merah"], "price": 50_000}, {"options": ["Hitam"], "price": 55_000}],
            },
            headers=headers,
        ),
        201,
    )
    variant_ids = [v["id"] for v in product["variants"]]
    lines = [{"variant_id": v, "warehouse_id": warehouse["id"], "set": 1_000_000} for v in variant_ids]
    await ok(client.put("/store/inventory", json={"lines": lines}, headers=headers))
    rate = {"courier": "jne", "service": "REG", "pricing": "per_kg", "price": 10_000}
    await ok(client.put("/store/shipping/rates", json={"services": [rate]}, headers=headers))
    account = {"bank_code": "014", "holder_name": "Bench", "account_number": "1234567890"}
    await ok(client.post("/store/rekening", json=account, headers=headers), 201)
    for n in range(3):
        staff = {"name": f"CS {n}", "email": f"cs{n}-{email}", "phone": "081398765432", "role": "cs"}
        await ok(client.post("/store/staff", json=staff | {"password": "rahasia-123"}, headers=headers), 201)
    form = await ok(
        client.post(
            "/store/form",
            json={
                "title": "Bench",
                "items": [{"product_id": product["id"]}],
                "payment_methods": ["bank_transfer", "cod"],
            },
            headers=headers,
        ),
        201,
    )
    return headers, subdomain, form["slug"], variant_ids, product["id"]


def order(subdomain: str, slug: str, variant_id: int, n: int) -> dict[str, Any]:
    return {
        "form": slug,
        "store": subdomain,
        "items": [{"variant_id": variant_id, "quantity": 1 + n % 3}],
        "name": f"Pembeli {n}",
        "phone": f"0812{n:08d}",
        "region_code": "32.76.01",
        "address": "Jl. Margonda Raya 1",
        "courier": "jne",
        "courier_service": "REG",
        "payment_method": "bank_transfer" if n % 2 else "cod",
    }


def checkouts(
    client: httpx.AsyncClient, subdomain: str, slug: str, variants: list[int]
) -> Callable[[], Awaitable[httpx.Response]]:
    """A new buyer's checkout (`order`'s body, a fresh Idempotency-Key) at each call."""
    counter = iter(range(10**9))

    def checkout() -> Awaitable[httpx.Response]:
        n = next(counter)
        return client.post(
            "/public/checkout",
            json=order(subdomain, slug, variants[n % 2], n),
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )

    return checkout


# Rate limits that never refuse: every checkout of the bench comes from one client address.
UNLIMITED = {"public_rate_limit_per_minute": 100_000, "checkout_rate_limit_per_minute": 100_000}


async def timed(call: Callable[[], Awaitable[httpx.Response]], repeat: int, status: int = 200) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = await call()
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == status, response.text
    return samples


def report(name: str, samples: list[float], baseline: float) -> None:
    p50 = statistics.median(samples)
    p95 = statistics.quantiles(samples, n=20)[18] if len(samples) >= 20 else max(samples)
    print(f"{name:<34} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   ×{p50 / baseline:5.1f} of /health")


async def main(orders: int, concurrency: int, database_url: str | None) -> None:
    async with in_process(database_url, db_pool_size=max(20, concurrency), **UNLIMITED) as (_, client):
        headers, subdomain, slug, variants, product_id = await setup(client)
        health = await timed(lambda: client.get("/health"), 200)
        baseline = statistics.median(health)
        report("GET /health", health, baseline)
        report(
            "GET /public/form/{slug}",
            await timed(lambda: client.get(f"/public/form/{slug}", params={"store": subdomain}), 200),
            baseline,
        )
        quote = {
            "items": [{"variant_id": variants[0], "quantity": 2}],
            "region_code": "32.76.01",
            "courier": "jne",
            "payment_method": "cod",
        }
        report(
            "POST /public/form/{slug}/quote",
            await timed(
                lambda: client.post(f"/public/form/{slug}/quote", params={"store": subdomain}, json=quote), 200
            ),
            baseline,
        )
        checkout = checkouts(client, subdomain, slug, variants)
        report("POST /public/checkout (sequential)", await timed(checkout, orders, 201), baseline)
        generated = await client.post(f"/v3/products/{product_id}/follow-up-chats/generate", headers=headers)
        assert generated.status_code == 201, generated.text
        report(
            f"  … with {len(generated.json()['data'])} follow-up templates",
            await timed(checkout, orders, 201),
            baseline,
        )
        started = time.perf_counter()
        burst = await asyncio.gather(*(checkout() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
        assert all(r.status_code == 201 for r in burst), [r.text for r in burst if r.status_code != 201][:3]
        print(
            f"{concurrency} concurrent checkouts (one store): {elapsed * 1000:.0f} ms, "
            f"{concurrency / elapsed:.0f} orders/s"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    asyncio.run(main(args.orders, args.concurrency, args.database_url))
