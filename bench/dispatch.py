"""The follow-up dispatcher's throughput: messages per second from 10,000 due rows to a local fake Fonnte gateway
(pacing off), against the same gateway's own ceiling with a plain httpx client at the same concurrency, measured
in the same run.

    .venv/bin/python bench/dispatch.py [--messages 10000] [--concurrency 20] [--batch-sizes 50,500]
        [--database-url postgresql+asyncpg://...]   # SQLite always; PostgreSQL too when a URL is given

The store and its owner are made through the API; the orders (one line each, distinct buyers), the Fonnte
integration, the template and the due `followup_messages` rows are bulk-inserted. The dispatcher is the real one
(worker/loop.Worker with FollowupJob: claim, render, send through the Fonnte adapter, record), run cycle after
cycle until nothing is due; every message is checked to have reached the gateway exactly once. The ceiling is
the gateway answering the same number of form POSTs from one httpx.AsyncClient with the dispatcher's connection
limits. The fake gateway runs in the same process and event loop in both measurements. Not run by CI.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import time as dt_time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, insert, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.followup.fakes

from tests.followup.fakes import FakeGateway

from bosonline.app import create_app
from bosonline.config import Settings
from bosonline.followup.dispatch.tasks import FollowupJob, make_client
from bosonline.migrate import upgrade
from bosonline.models import (
    Customer,
    FollowupChat,
    FollowupMessage,
    Order,
    OrderLine,
    StoreSettings,
    WaIntegration,
)
from bosonline.runtime import Runtime
from bosonline.wiring import build_runtime
from bosonline.worker.loop import Worker

TOKEN = "bench-fonnte-token"
TEXT = "Halo {{customer_name}}, pesanan {{order_number}} sebesar {{total}} menunggu pembayaran ke {{bank_accounts}}."
CHUNK = 2_000


async def make_store(runtime: Runtime) -> int:
    app = create_app(runtime=runtime)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        email = f"bench-{time.time_ns()}@example.com"
        reg = await client.post(
            "/auth/register",
            json={"name": "Bench", "email": email, "phone": "081234567890", "password": "rahasia-123"},
        )
        assert reg.status_code == 201, reg.text
        headers = {"Authorization": f"Bearer {reg.json()['data']['tokens']['access_token']}"}
        store = await client.post(
            "/store",
            json={
                "name": "Toko Bench",
                "subdomain": f"bench{time.time_ns() % 10**9}",
                "phone": "081234567890",
            },
            headers=headers,
        )
        assert store.status_code == 201, store.text
        return int(store.json()["data"]["id"])


async def make_orders(runtime: Runtime, store_id: int, n: int) -> list[int]:
    now = runtime.clock.now()
    async with runtime.db.session() as session:
        # No quiet hours: the bench may run at night in Jakarta.
        await session.execute(
            update(StoreSettings)
            .where(StoreSettings.store_id == store_id)
            .values(quiet_hours_start=dt_time(0, 0), quiet_hours_end=dt_time(0, 0))
        )
        customer = Customer(store_id=store_id, phone="6281200000000", name="Pembeli", created_at=now, updated_at=now)
        session.add(customer)
        await session.flush()
        tag = uuid.uuid4().hex[:8]
        orders = [
            {
                "store_id": store_id,
                "number": f"INV/B{tag}/{i:06d}",
                "secret_slug": f"{tag}{i:024d}",
                "customer_id": customer.id,
                "status": "pending",
                "payment_status": "unpaid",
                "payment_method": "cod",
                "product_price": 100_000,
                "total": 113_000,
                "customer_name": f"Pembeli {i}",
                "customer_phone": f"62813{i:08d}",
                "region_code": "32.76.01",
                "region_name": "Pancoran Mas, Kota Depok, Jawa Barat",
                "source": "form",
                "created_at": now,
                "updated_at": now,
            }
            for i in range(n)
        ]
        ids: list[int] = []
        for start in range(0, n, CHUNK):
            ids += list(await session.scalars(insert(Order).returning(Order.id), orders[start : start + CHUNK]))
        lines = [
            {
                "order_id": order_id,
                "store_id": store_id,
                "product_name": "Kaos Polos",
                "variant_name": "Merah / L",
                "unit_price": 50_000,
                "weight_g": 200,
                "quantity": 2,
                "subtotal": 100_000,
                "position": 0,
            }
            for order_id in ids
        ]
        for start in range(0, n, CHUNK):
            await session.execute(insert(OrderLine), lines[start : start + CHUNK])
        await session.commit()
    return ids


async def schedule(runtime: Runtime, store_id: int, order_ids: list[int]) -> None:
    """A new Fonnte number and template, and one due row per order."""
    now = runtime.clock.now()
    async with runtime.db.session() as session:
        wa = WaIntegration(
            store_id=store_id,
            name="Bench",
            phone_number=f"62811{time.time_ns() % 10**8:08d}",
            provider="fonnte",
            credentials=runtime.secrets.seal({"token": TOKEN}),
            pacing_per_minute=0,
            is_active=True,
            created_at=now,
            updated_at=now,
        )
        session.add(wa)
        await session.flush()
        template = FollowupChat(
            store_id=store_id,
            name="Follow Up 1",
            provider="fonnte",
            text_for_bank_transfer=TEXT,
            text_for_cod=TEXT,
            text_for_epayment=TEXT,
            wa_gateway_assignation_type="fixed",
            wa_integration_id=wa.id,
            created_at=now,
            updated_at=now,
        )
        session.add(template)
        await session.flush()
        rows = [
            {
                "store_id": store_id,
                "order_id": order_id,
                "template_id": template.id,
                "step": 1,
                "template_name": template.name,
                "trigger": "order_created",
                "channel": "fonnte",
                "status": "scheduled",
                "due_at": now - timedelta(minutes=1),
                "attempts": 0,
                "created_at": now,
                "updated_at": now,
            }
            for order_id in order_ids
        ]
        for start in range(0, len(rows), CHUNK):
            await session.execute(insert(FollowupMessage), rows[start : start + CHUNK])
        await session.commit()


async def ceiling(settings: Settings, gateway: FakeGateway, n: int) -> float:
    """Messages per second the gateway answers to a plain client: `followup_concurrency` senders, each posting
    its share one after the other over the same pooled client the dispatcher uses."""
    concurrency = settings.followup_concurrency
    async with make_client(settings) as client:

        async def sender(first: int) -> None:
            for i in range(first, n, concurrency):
                response = await client.post(
                    f"{gateway.base_url}/send",
                    data={
                        "target": f"62813{i:08d}",
                        "message": f"Halo Pembeli {i}, pesanan menunggu pembayaran.",
                    },
                    headers={"Authorization": TOKEN},
                )
                assert response.status_code == 200 and response.json()["status"] is True

        started = time.perf_counter()
        await asyncio.gather(*(sender(first) for first in range(concurrency)))
        return n / (time.perf_counter() - started)


async def dispatch(runtime: Runtime, store_id: int, order_ids: list[int], gateway: FakeGateway) -> float:
    await schedule(runtime, store_id, order_ids)
    before = len(gateway.messages)
    started = time.perf_counter()
    async with Worker(runtime, jobs=[FollowupJob(runtime)]) as worker:
        while await worker.run_once():
            pass
    elapsed = time.perf_counter() - started
    sent = gateway.messages[before:]
    assert len(sent) == len(order_ids), (len(sent), len(order_ids))
    assert set(Counter(message.to for message in sent).values()) == {1}
    async with runtime.db.session(write=False) as session:
        waiting = await session.scalar(
            select(func.count()).select_from(FollowupMessage).where(FollowupMessage.status != "sent")
        )
    assert waiting == 0, waiting
    return len(order_ids) / elapsed


async def run(database_url: str | None, label: str, args: argparse.Namespace) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="bosonline-bench-"))
    async with FakeGateway("fonnte", token=TOKEN) as gateway:
        base = Settings(
            data_dir=data_dir,
            database_url=database_url,
            log_level="ERROR",
            fonnte_base_url=gateway.base_url,
            followup_concurrency=args.concurrency,
            run_worker=False,
        )
        runtime = build_runtime(base)
        await upgrade(runtime.db)
        store_id = await make_store(runtime)
        order_ids = await make_orders(runtime, store_id, args.messages)
        await ceiling(base, gateway, 500)  # warm up
        plain = await ceiling(base, gateway, args.messages)
        print(f"{label}: {args.messages} messages, concurrency {args.concurrency}")
        print(f"  gateway ceiling (plain httpx client)      {plain:8.0f} msg/s")
        for batch in args.batch_sizes:
            sized = build_runtime(base.model_copy(update={"worker_batch_size": batch}))
            try:
                rate = await dispatch(sized, store_id, order_ids, gateway)
            finally:
                await sized.db.dispose()
            print(f"  dispatcher, worker_batch_size {batch:<5}      {rate:8.0f} msg/s   ratio {rate / plain:.2f}")
        await runtime.db.dispose()


async def main(args: argparse.Namespace) -> None:
    await run(None, "SQLite", args)
    if args.database_url:
        await run(args.database_url, "PostgreSQL", args)


def _sizes(value: str) -> list[int]:
    return [int(part) for part in value.split(",") if part.strip()]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--batch-sizes", type=_sizes, default=[50, 500])
    parser.add_argument("--database-url", default=None)
    parsed: Any = parser.parse_args()
    asyncio.run(main(parsed))
