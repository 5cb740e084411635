"""Step 2's "done when", as a seller lives it: a catalog of products with variants and images, stocked in two
warehouses, downloaded as CSV and XLSX, all through the HTTP API."""

from __future__ import annotations

import csv
import io

import httpx
import openpyxl

from tests.catalog.helpers import sized_product
from tests.factories import seller
from tests.media.helpers import jpeg
from tests.warehouse.helpers import SENAYAN_VILLAGE, create_warehouse


async def test_seller_builds_stocks_and_downloads_a_catalog(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    h = owner["headers"]

    # Two warehouses: the first becomes the default and the store ships from it; the store adds the second.
    depok = await create_warehouse(client, h, name="Gudang Depok")
    jakarta = await create_warehouse(client, h, name="Gudang Jakarta", region_code=SENAYAN_VILLAGE)
    response = await client.put("/store/warehouse", json={"warehouse_ids": [depok["id"], jakarta["id"]]}, headers=h)
    assert response.status_code == 200, response.text

    # A picture, a category of the store's own, and a product with two attributes.
    upload = await client.post("/store/product/image", files={"file": ("foto.jpg", jpeg(), "image/jpeg")}, headers=h)
    assert upload.status_code == 201, upload.text
    image = upload.json()["data"]
    category = (await client.post("/store/category", json={"name": "Madu"}, headers=h)).json()["data"]
    body = sized_product(sizes=("250gr", "500gr"), colors=("Botol", "Pouch"), name="Madu Hutan Sumbawa")
    body |= {"category_id": category["id"], "image_ids": [image["id"]], "sku": "MADU"}
    for index, variant in enumerate(body["variants"]):
        variant["sku"] = f"MADU-{index + 1}"
    product = (await client.post("/store/product", json=body, headers=h)).json()["data"]
    assert product["variant_count"] == 4 and product["images"][0]["id"] == image["id"]
    picture = await client.get(product["images"][0]["url"])
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/jpeg"

    # Stock in both warehouses, in one all-or-nothing batch.
    variants = product["variants"]
    lines = [{"variant_id": v["id"], "warehouse_id": depok["id"], "set": 10 * (i + 1)} for i, v in enumerate(variants)]
    lines.append({"variant_id": variants[0]["id"], "warehouse_id": jakarta["id"], "set": 5})
    response = await client.put("/store/inventory", json={"lines": lines, "note": "stok awal"}, headers=h)
    assert response.status_code == 200, response.text

    detail = (await client.get(f"/store/product/{product['id']}", headers=h)).json()["data"]
    assert detail["stock"] == {"on_hand": 105, "reserved": 0, "available": 105}
    assert detail["variants"][0]["stock"]["on_hand"] == 15
    inventory = (await client.get("/store/inventory", params={"product_id": product["id"]}, headers=h)).json()
    assert len(inventory["data"]) == 8  # 4 variants × 2 warehouses, the unstocked ones at 0

    # Downloads agree with the API.
    variants_csv = await client.get("/store/product/variant/download", params={"format": "csv"}, headers=h)
    rows = list(csv.DictReader(io.StringIO(variants_csv.content.decode("utf-8-sig"))))
    assert {(r["sku"], int(r["on_hand"])) for r in rows} == {
        (v["sku"], v["stock"]["on_hand"]) for v in detail["variants"]
    }
    products_xlsx = await client.get("/store/product/download", params={"format": "xlsx"}, headers=h)
    sheet = openpyxl.load_workbook(io.BytesIO(products_xlsx.content), read_only=True).active
    header, *data = list(sheet.iter_rows(values_only=True))
    [row] = [dict(zip(header, values, strict=True)) for values in data]
    assert (row["name"], row["category"], row["on_hand"], row["variants"]) == ("Madu Hutan Sumbawa", "Madu", 105, 4)
    inventory_csv = await client.get("/store/inventory/download", params={"format": "csv"}, headers=h)
    assert inventory_csv.status_code == 200
    assert len(list(csv.DictReader(io.StringIO(inventory_csv.content.decode("utf-8-sig"))))) == 8
