"""A store ready to sell through a checkout form, built through the seller APIs the way a seller builds it."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from typing import Any

import httpx

from bosonline.runtime import Runtime
from tests.catalog.helpers import create_product, put_stock, simple_product, sized_product
from tests.checkout.helpers import SAMPLE_QRIS
from tests.factories import add_staff, seller

_seq = itertools.count(1)
FORM_DATA = re.compile(r'<script type="application/json" id="form-data">(.*?)</script>', re.DOTALL)
VOUCHER_CODE = "HEMAT10"


@dataclass
class Shop:
    owner: dict[str, Any]
    subdomain: str
    product_id: int
    small: int  # "250 gr", Rp10.000, 300 g
    large: int  # "500 gr", Rp20.000, 300 g
    warehouse: int
    cs_member: int
    form_id: int
    slug: str
    extra: int | None = None  # the variant of a second product ("Kopi Gayo", Rp50.000), when asked for

    @property
    def headers(self) -> dict[str, str]:
        return self.owner["headers"]  # type: ignore[no-any-return]

    @property
    def store_id(self) -> int:
        return int(self.owner["store"]["id"])

    @property
    def page_path(self) -> str:
        return f"/f/{self.slug}?store={self.subdomain}"


async def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()["data"]


async def make_shop(
    client: httpx.AsyncClient,
    rt: Runtime,
    *,
    product_name: str | None = None,
    stock: tuple[int, int] = (20, 20),
    form: dict[str, Any] | None = None,
    extra_product: bool = False,
) -> Shop:
    """A seller with one product in two sizes (stocked), a bank account, a two-service rate card (JNE REG Rp12.000
    carries COD, SiCepat BEST Rp15.000 does not), a CS member, a public 10 % voucher and an active form."""
    owner = await seller(client, name="Budi Pemilik")
    headers = owner["headers"]
    body = sized_product(sizes=("250 gr", "500 gr"))
    if product_name:
        body["name"] = product_name
    product = await create_product(client, headers, body)
    small, large = (variant["id"] for variant in product["variants"])
    warehouse = await put_stock(rt, owner["store"], small, stock[0])
    await put_stock(rt, owner["store"], large, stock[1])
    items = [{"product_id": product["id"]}]
    extra = None
    if extra_product:
        kopi = await create_product(client, headers, simple_product(name="Kopi Gayo"))
        extra = kopi["variants"][0]["id"]
        await put_stock(rt, owner["store"], extra, 5)
        items.append({"product_id": kopi["id"]})
    await ok(
        await client.post(
            "/store/rekening",
            json={"bank_code": "014", "holder_name": "Budi Santoso", "account_number": "1234567890"},
            headers=headers,
        ),
        201,
    )
    await ok(
        await client.put(
            "/store/shipping/rates",
            json={
                "services": [
                    {"courier": "jne", "service": "REG", "pricing": "flat", "price": 12_000, "etd": "2-3 hari"},
                    {
                        "courier": "sicepat",
                        "service": "BEST",
                        "pricing": "flat",
                        "price": 15_000,
                        "etd": "1 hari",
                        "cod": False,
                    },
                ]
            },
            headers=headers,
        )
    )
    await ok(await client.put("/store/qris", json={"payload": SAMPLE_QRIS}, headers=headers))
    cs = await add_staff(client, headers, name="Putri CS")
    await ok(
        await client.post(
            "/store/voucher",
            json={
                "code": VOUCHER_CODE,
                "name": "Hemat 10%",
                "kind": "percentage",
                "target": "product",
                "value": 10,
                "show_on_checkout": True,
            },
            headers=headers,
        ),
        201,
    )
    slug = f"promo-madu-{next(_seq)}"
    form_body: dict[str, Any] = {
        "title": "Promo Madu Hutan",
        "slug": slug,
        "description": "Madu murni dari hutan Sumbawa.",
        "items": items,
        "fields": {"email": "optional", "notes": "optional", "address": "full"},
        "payment_methods": ["bank_transfer", "cod", "qris"],
        "max_quantity": 10,
    }
    form_body.update(form or {})
    created = await ok(await client.post("/store/form", json=form_body, headers=headers), 201)
    return Shop(
        owner=owner,
        subdomain=owner["store"]["subdomain"],
        product_id=product["id"],
        small=small,
        large=large,
        warehouse=warehouse,
        cs_member=cs["id"],
        form_id=created["id"],
        slug=slug,
        extra=extra,
    )


def embedded_form_data(html: str) -> dict[str, Any]:
    found = FORM_DATA.search(html)
    assert found, "the page embeds no form data"
    return json.loads(found.group(1))  # type: ignore[no-any-return]
