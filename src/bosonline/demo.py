"""`bosonline demo`: a store a newcomer can click through, built through the API as a seller and buyers would.

Every step is a request to the real app (in process, no server needed), so the demo data obeys every rule the API
enforces: stock is reserved by checkouts, statuses move along the order's state table, follow-ups are planned by
the order changes that start their clock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from bosonline.app import create_app
from bosonline.config import Settings
from bosonline.wiring import build_runtime

OWNER_EMAIL = "demo@example.com"
CS_EMAIL = "cs.demo@example.com"
SUBDOMAIN = "demo"
DEPOK_VILLAGE = "32.76.01.1006"  # Depok, Pancoran Mas, Kota Depok, Jawa Barat


class DemoExists(Exception):
    """The database already has the demo account."""


@dataclass(frozen=True)
class DemoOrder:
    number: str
    status: str
    payment: str
    page: str  # the buyer's order page (relative unless BOSONLINE_PUBLIC_BASE_URL is set)


@dataclass(frozen=True)
class Demo:
    store_id: int
    store_name: str
    buyer_page: str  # the checkout form's public_url, as the API gives it
    orders: list[DemoOrder]


class _Api:
    """The seller's and the buyers' requests; any refusal stops the demo with the API's own error."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.headers: dict[str, str] = {}

    async def call(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        response = await self.http.request(method, path, json=body, headers={**self.headers, **headers})
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path} answered {response.status_code}: {response.text}")
        return response.json()["data"]


async def create_demo(settings: Settings, *, password: str) -> Demo:
    """Raises DemoExists when the demo account is already there (the demo is created once per database)."""
    runtime = build_runtime(settings.model_copy(update={"log_level": "WARNING"}))
    transport = httpx.ASGITransport(app=create_app(runtime=runtime), client=("127.0.0.1", 0))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
            return await _build(_Api(http), password)
    finally:
        await runtime.db.dispose()


async def _build(api: _Api, password: str) -> Demo:
    owner = {"name": "Budi Demo", "email": OWNER_EMAIL, "phone": "081234567890", "password": password}
    taken = await api.http.post("/auth/register", json=owner)
    if taken.status_code == 409:
        raise DemoExists(OWNER_EMAIL)
    if taken.status_code != 201:
        raise RuntimeError(f"POST /auth/register answered {taken.status_code}: {taken.text}")
    api.headers = {"Authorization": f"Bearer {taken.json()['data']['tokens']['access_token']}"}

    store = await api.call(
        "POST", "/store", {"name": "Toko Madu Demo", "subdomain": SUBDOMAIN, "phone": "081234567890"}
    )
    api.headers["X-Store-Id"] = str(store["id"])
    await api.call(
        "POST",
        "/store/staff",
        {"name": "Putri CS", "phone": "081398765432", "email": CS_EMAIL, "password": password, "role": "cs"},
    )
    warehouse = await api.call(
        "POST",
        "/profile/warehouse",
        {
            "name": "Gudang Depok",
            "contact_name": "Budi Demo",
            "contact_phone": "081234567890",
            "address": "Jl. Margonda Raya No. 10",
            "region_code": DEPOK_VILLAGE,
        },
    )
    await api.call("PUT", "/store/warehouse", {"warehouse_ids": [warehouse["id"]]})

    madu = await api.call(
        "POST",
        "/store/product",
        {
            "name": "Madu Hutan",
            "weight_g": 300,
            "attributes": [{"name": "Ukuran", "items": ["250gr", "500gr"]}],
            "variants": [
                {"options": ["250gr"], "price": 55_000, "sku": "MADU-250"},
                {"options": ["500gr"], "price": 99_000, "sku": "MADU-500"},
            ],
        },
    )
    kopi = await api.call(
        "POST",
        "/store/product",
        {"name": "Kopi Gayo", "weight_g": 250, "variants": [{"options": [], "price": 75_000, "sku": "KOPI-GAYO"}]},
    )
    madu_250, madu_500 = (variant["id"] for variant in madu["variants"])
    kopi_id = kopi["variants"][0]["id"]
    await api.call(
        "PUT",
        "/store/inventory",
        {
            "lines": [
                {"variant_id": variant, "warehouse_id": warehouse["id"], "set": quantity}
                for variant, quantity in ((madu_250, 40), (madu_500, 25), (kopi_id, 60))
            ],
            "note": "Stok awal demo",
        },
    )
    await api.call(
        "POST", "/store/rekening", {"bank_code": "014", "holder_name": "Budi Demo", "account_number": "1234567890"}
    )
    await api.call(
        "PUT",
        "/store/shipping/rates",
        {"services": [{"courier": "jne", "service": "REG", "pricing": "per_kg", "price": 10_000}]},
    )
    for product in (madu, kopi):
        await api.call("POST", f"/v3/products/{product['id']}/follow-up-chats/generate")
    form = await api.call(
        "POST",
        "/store/form",
        {
            "title": "Promo Madu & Kopi",
            "items": [{"product_id": madu["id"]}, {"product_id": kopi["id"]}],
            "payment_methods": ["bank_transfer", "cod"],
        },
    )

    placed: list[dict[str, Any]] = []
    for buyer, variant, quantity, payment in (
        ("Siti Aminah", madu_250, 2, "bank_transfer"),
        ("Agus Salim", madu_500, 1, "cod"),
        ("Dewi Lestari", kopi_id, 3, "bank_transfer"),
        ("Rudi Hartono", madu_250, 1, "cod"),
        ("Nur Aini", kopi_id, 1, "cod"),
    ):
        placed.append(
            await api.call(
                "POST",
                "/public/checkout",
                {
                    "form": form["slug"],
                    "store": SUBDOMAIN,
                    "items": [{"variant_id": variant, "quantity": quantity}],
                    "name": buyer,
                    "phone": f"08121111{len(placed):04d}",
                    "region_code": DEPOK_VILLAGE,
                    "address": "Jl. Kenanga No. 5",
                    "courier": "jne",
                    "courier_service": "REG",
                    "payment_method": payment,
                },
                **{"Idempotency-Key": str(uuid.uuid4())},
            )
        )
    ids = {order["number"]: order["id"] for order in await api.call("GET", "/store/order?limit=100")}
    _waiting, cod_shipped, paid, canceled, cod_done = (ids[order["number"]] for order in placed)
    # The first stays pending (waiting for the transfer: its follow-ups are due); the others move on.
    await api.call("PATCH", "/store/order/status", {"ids": [cod_shipped, cod_done], "status": "confirmed"})
    await api.call(
        "PUT", f"/store/order/{cod_shipped}/shipping", {"awb": "JNE0012345678", "shipment_status": "picked_up"}
    )
    await api.call("PUT", f"/store/order/{cod_done}/shipping", {"awb": "JNE0012345679", "shipment_status": "delivered"})
    await api.call("PATCH", "/store/order/status", {"ids": [cod_shipped, cod_done], "status": "shipped"})
    await api.call("PATCH", "/store/order/status", {"ids": [cod_done], "status": "completed"})
    total = next(order["money"]["total"] for order in placed if ids[order["number"]] == paid)
    await api.call("POST", f"/store/order/{paid}/confirm-payment", {"amount": total})
    await api.call("PATCH", "/store/order/status", {"ids": [paid], "status": "confirmed"})
    await api.call(
        "PATCH", "/store/order/status", {"ids": [canceled], "status": "canceled", "note": "Pembeli membatalkan"}
    )

    listed = {order["number"]: order for order in await api.call("GET", "/store/order?limit=100")}
    orders = [
        DemoOrder(
            number=order["number"],
            status=listed[order["number"]]["status"],
            payment=listed[order["number"]]["payment_method"],
            page=order["status_url"],
        )
        for order in placed
    ]
    return Demo(store_id=store["id"], store_name=store["name"], buyer_page=form["public_url"], orders=orders)
