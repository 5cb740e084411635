"""Text filters of lists and downloads: a control character (NUL above all, which PostgreSQL refuses mid-query) is
a 422 naming the parameter before anything is read or streamed; an ordinary filter streams the whole file."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx
import pytest

from bosonline.kit.export import download_response
from bosonline.runtime import Runtime
from tests.catalog.helpers import create_product, put_stock, simple_product
from tests.envelope import assert_validation
from tests.factories import seller

DOWNLOADS = (
    "/store/form/download",
    "/store/product/download",
    "/store/product/variant/download",
    "/store/inventory/download",
)
# Every list of the seller API with a free-text query parameter, and that parameter.
LISTS = (
    ("/store/form", "q"),
    ("/store/product", "q"),
    ("/store/inventory", "q"),
    ("/store/voucher", "q"),
    ("/store/staff", "q"),
    ("/store/order", "q"),
    ("/store/order", "sku"),
    ("/store/order/abandoned", "q"),
    ("/store/order/followup-attempts", "sku"),
    ("/bank", "q"),
    ("/public/regions", "q"),
    ("/store/product", "cursor"),
    ("/store/shipping/rates/estimate", "destination"),
    ("/store/subdomain/check", "subdomain"),
)
BAD = ("\x00", "kopi\x00", "a\x1fb", "\x7f")


def _rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.content.endswith(b"\r\n")  # the last row arrived whole
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("path", DOWNLOADS)
async def test_download_refuses_control_characters_before_streaming(
    client: httpx.AsyncClient, path: str, seller_with_goods: dict[str, Any]
) -> None:
    for bad in BAD:
        response = await client.get(path, params={"q": bad}, headers=seller_with_goods["headers"])
        assert_validation(response, "q", case=(path, bad))
        assert "content-disposition" not in response.headers


@pytest.mark.parametrize("path", DOWNLOADS)
async def test_download_with_an_ordinary_filter_is_complete(
    client: httpx.AsyncClient, path: str, seller_with_goods: dict[str, Any]
) -> None:
    rows = _rows(await client.get(path, params={"q": "kopi"}, headers=seller_with_goods["headers"]))
    assert rows, path
    assert all("kopi" in " ".join(row.values()).lower() for row in rows), rows
    assert _rows(await client.get(path, params={"q": "teh"}, headers=seller_with_goods["headers"])) == []


async def test_order_download_refuses_control_characters(
    client: httpx.AsyncClient, seller_with_goods: dict[str, Any]
) -> None:
    h = seller_with_goods["headers"]
    response = await client.post("/store/order/download", json={"q": "\x00"}, headers=h)
    assert_validation(response, "q")
    assert _rows(await client.post("/store/order/download", json={"q": "kopi"}, headers=h)) == []


@pytest.mark.parametrize(("path", "name"), LISTS)
async def test_list_refuses_control_characters_naming_the_parameter(
    client: httpx.AsyncClient, path: str, name: str, seller_with_goods: dict[str, Any]
) -> None:
    for bad in BAD:
        response = await client.get(path, params={name: bad}, headers=seller_with_goods["headers"])
        assert_validation(response, name, case=(path, name, bad))


@pytest.mark.parametrize("path", ("/store/form", "/store/product", "/store/inventory"))
async def test_list_with_an_ordinary_filter_answers(
    client: httpx.AsyncClient, path: str, seller_with_goods: dict[str, Any]
) -> None:
    response = await client.get(path, params={"q": "kopi"}, headers=seller_with_goods["headers"])
    assert response.status_code == 200, response.text
    assert response.json()["data"], path


async def test_a_download_whose_first_read_fails_answers_before_streaming() -> None:
    """The first batch is read before the response exists, so its failure is the route's exception (the error
    envelope), never a 200 cut off after the header row."""

    async def failing() -> AsyncIterator[list[Sequence[Any]]]:
        raise RuntimeError("the database refused the query")
        yield []  # pragma: no cover - makes this an async generator

    with pytest.raises(RuntimeError, match="refused"):
        await download_response("csv", "x", ["a"], failing())

    async def one_batch() -> AsyncIterator[list[Sequence[Any]]]:
        yield [["1"]]

    response = await download_response("csv", "x", ["a"], one_batch())
    body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[misc]
    assert body == "\ufeffa\r\n1\r\n".encode()


@pytest.fixture
async def seller_with_goods(client: httpx.AsyncClient, rt: Runtime) -> dict[str, Any]:
    """A store with one product "Kopi Gayo" in stock in a warehouse it ships from, and a form offering it."""
    owner = await seller(client)
    h = owner["headers"]
    product = await create_product(client, h, simple_product(name="Kopi Gayo"))
    await put_stock(rt, owner["store"], product["variants"][0]["id"], 5)
    form = {"title": "Promo Kopi", "items": [{"product_id": product["id"]}]}
    assert (await client.post("/store/form", json=form, headers=h)).status_code == 201
    return {"headers": h, "product": product}


async def test_buyer_pages_refuse_a_store_reference_with_control_characters(client: httpx.AsyncClient) -> None:
    response = await client.get("/public/form/promo", params={"store": "toko\x00"})
    assert_validation(response, "store")
    page = await client.get("/f/promo", params={"store": "toko\x00"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
