"""GET /bank: the static list of Indonesian banks by sandi bank, for logged-in users, cacheable, searchable."""

from __future__ import annotations

import httpx

from tests.envelope import assert_error, assert_validation
from tests.factories import register

REQUIRED = {
    "002": "BRI",
    "008": "Mandiri",
    "009": "BNI",
    "011": "Danamon",
    "013": "Permata",
    "014": "BCA",
    "016": "Maybank",
    "019": "Panin",
    "022": "CIMB Niaga",
    "023": "UOB",
    "028": "OCBC NISP",
    "031": "Citibank",
    "110": "BJB",
    "111": "Bank DKI",
    "112": "BPD DIY",
    "113": "Bank Jateng",
    "114": "Bank Jatim",
    "115": "Bank Jambi",
    "116": "Bank Aceh Syariah",
    "117": "Bank Sumut",
    "118": "Bank Nagari",
    "119": "Bank Riau Kepri",
    "120": "Bank Sumsel Babel",
    "121": "Bank Lampung",
    "122": "Bank Kalsel",
    "123": "Bank Kalbar",
    "124": "Bank Kaltimtara",
    "125": "Bank Kalteng",
    "126": "Bank Sulselbar",
    "127": "Bank SulutGo",
    "128": "Bank NTB Syariah",
    "129": "Bank BPD Bali",
    "130": "Bank NTT",
    "131": "Bank Maluku",
    "132": "Bank Papua",
    "133": "Bank Bengkulu",
    "134": "Bank Sulteng",
    "135": "Bank Sultra",
    "147": "Muamalat",
    "153": "Sinarmas",
    "200": "BTN",
    "213": "BTPN",
    "426": "Mega",
    "441": "KB Bank",
    "451": "BSI",
    "490": "Bank Neo Commerce",
    "535": "SeaBank",
    "536": "BCA Syariah",
    "542": "Bank Jago",
    "567": "Allo Bank",
}


async def test_requires_login(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/bank"), 401, "unauthorized")
    assert_error(await client.get("/bank", headers={"Authorization": "Bearer nope"}), 401, "invalid_token")


async def test_lists_every_bank_by_code_with_names(client: httpx.AsyncClient) -> None:
    # Any logged-in user, even one without a store yet (they pick a bank while setting the store up).
    user = await register(client)
    response = await client.get("/bank", headers=user["headers"])
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "private, max-age=86400"
    body = response.json()
    assert set(body) == {"data"}
    banks = body["data"]
    codes = [bank["code"] for bank in banks]
    assert codes == sorted(codes) and len(codes) == len(set(codes))
    assert all(set(bank) == {"code", "name", "short_name"} for bank in banks)
    assert all(len(bank["code"]) == 3 and bank["code"].isdigit() for bank in banks)
    assert all(bank["name"] and bank["short_name"] for bank in banks)
    by_code = {bank["code"]: bank for bank in banks}
    for code, short_name in REQUIRED.items():
        assert by_code[code]["short_name"] == short_name, code
    assert by_code["014"]["name"] == "PT Bank Central Asia Tbk"
    assert by_code["451"]["name"] == "PT Bank Syariah Indonesia Tbk"


async def test_search_by_name_short_name_or_code(client: httpx.AsyncClient) -> None:
    headers = (await register(client))["headers"]

    async def codes(q: str) -> list[str]:
        response = await client.get("/bank", params={"q": q}, headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "private, max-age=86400"
        return [bank["code"] for bank in response.json()["data"]]

    assert await codes("bca") == ["014", "501", "536"]  # BCA, blu by BCA Digital, BCA Syariah
    assert await codes("Central Asia") == ["014"]
    assert await codes("cimbniaga") == ["022"]
    assert await codes("014") == ["014"]
    assert await codes("11") == ["110", "111", "112", "113", "114", "115", "116", "117", "118", "119"]
    assert "116" in await codes("syariah") and "451" in await codes("syariah")
    assert await codes("tidak ada bank ini") == []
    assert await codes("%") == []  # taken literally


async def test_search_bounds(client: httpx.AsyncClient) -> None:
    headers = (await register(client))["headers"]
    assert_validation(await client.get("/bank", params={"q": ""}, headers=headers), "q")
    assert_validation(await client.get("/bank", params={"q": "x" * 51}, headers=headers), "q")
    ok = await client.get("/bank", params={"q": "x" * 50}, headers=headers)
    assert ok.status_code == 200 and ok.json() == {"data": []}
