"""`bosonline demo`: a store to click through, whose printed URLs and logins work on the app that serves it."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from bosonline.app import create_app
from bosonline.cli import _browsable_origin
from bosonline.wiring import build_runtime
from tests.conftest import test_settings as make_settings
from tests.core.test_cli import run_cli

pytestmark = pytest.mark.slow


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The app `bosonline serve` would run on the CLI's SQLite file, through the ASGI transport."""
    settings = make_settings(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'bosonline.db'}")
    runtime = build_runtime(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(runtime=runtime)), base_url="http://test"
    ) as http:
        yield http
    await runtime.db.dispose()


def printed(stdout: str, label: str) -> str:
    match = re.search(rf"^  {label}\s+(\S.*)$", stdout, re.MULTILINE)
    assert match, stdout
    return match.group(1).strip()


def path_of(url: str, origin: str) -> str:
    assert url.startswith(origin + "/"), url
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


async def test_demo_store_can_be_clicked_through(tmp_path: Path, served: httpx.AsyncClient) -> None:
    result = run_cli(tmp_path, "demo", "--host", "127.0.0.1", PORT="8765")  # the port from PORT, as serve reads it
    assert result.returncode == 0, result.stderr
    origin = "http://127.0.0.1:8765"

    page = await served.get(path_of(printed(result.stdout, "buyer page"), origin))
    assert page.status_code == 200 and "text/html" in page.headers["content-type"], page.text
    assert "Madu Hutan" in page.text and "Kopi Gayo" in page.text
    assert printed(result.stdout, "API docs") == f"{origin}/docs"
    docs = await served.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()

    curl = [line for line in result.stdout.splitlines() if line.startswith("curl ")]
    assert len(curl) == 1 and f"{origin}/auth/login" in curl[0], result.stdout
    match = re.search(r"-d '(\{.*\})'", curl[0])
    assert match, curl[0]
    credentials = json.loads(match.group(1))
    owner, password = printed(result.stdout, "owner login").split(" / ")
    assert credentials == {"email": owner, "password": password}
    login = await served.post("/auth/login", json=credentials)
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}

    orders = (await served.get("/store/order", headers=headers)).json()["data"]
    assert sorted(order["status"] for order in orders) == ["canceled", "completed", "confirmed", "pending", "shipped"]
    assert {order["payment_status"] for order in orders if order["status"] == "confirmed"} >= {"paid"}
    for number, status, url in re.findall(r"^    (\S+)\s+(\w+)\s+\w+\s+(\S+)$", result.stdout, re.MULTILINE):
        buyer_view = await served.get(path_of(url, origin))
        assert buyer_view.status_code == 200, buyer_view.text
        assert number in buyer_view.text
        assert next(order["status"] for order in orders if order["number"] == number) == status

    # Stock went through checkout: reserved for open orders, released by the cancel, consumed by shipping.
    stock = {row["sku"]: row for row in (await served.get("/store/inventory", headers=headers)).json()["data"]}
    assert (stock["MADU-250"]["on_hand"], stock["MADU-250"]["reserved"]) == (40, 2)  # 2 pending, 1 canceled
    assert (stock["MADU-500"]["on_hand"], stock["MADU-500"]["reserved"]) == (24, 0)  # 1 shipped
    assert (stock["KOPI-GAYO"]["on_hand"], stock["KOPI-GAYO"]["reserved"]) == (59, 3)  # 1 completed, 3 confirmed

    attempts = (await served.get("/store/order/followup-attempts", headers=headers)).json()["data"]
    assert attempts and all(attempt["followup_text"] for attempt in attempts)
    rekening = (await served.get("/store/rekening", headers=headers)).json()["data"]
    assert [account["account_number"] for account in rekening] == ["1234567890"]

    cs, cs_password = printed(result.stdout, "CS login").split(" / ")
    assert (await served.post("/auth/login", json={"email": cs, "password": cs_password})).status_code == 200

    again = run_cli(tmp_path, "demo")
    assert again.returncode == 1
    assert "the demo store already exists in this database" in again.stderr, again.stderr
    assert "Traceback" not in again.stdout + again.stderr
    with sqlite3.connect(tmp_path / "bosonline.db") as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchall() == [(2,)]
        assert conn.execute("SELECT count(*) FROM orders").fetchall() == [(5,)]
    # The first login still works: the second run changed nothing.
    assert (await served.post("/auth/login", json=credentials)).status_code == 200


@pytest.mark.parametrize(
    ("host", "public", "origin"),
    [
        ("0.0.0.0", "", "http://localhost:8000"),
        ("::", "", "http://localhost:8000"),
        ("192.168.1.5", "", "http://192.168.1.5:8000"),
        ("::1", "", "http://[::1]:8000"),
        ("0.0.0.0", "https://shop.example.com/", "https://shop.example.com"),
    ],
)
def test_printed_urls_use_where_serve_listens(tmp_path: Path, host: str, public: str, origin: str) -> None:
    settings = make_settings(tmp_path, "sqlite+aiosqlite://", public_base_url=public)
    assert _browsable_origin(settings, host, 8000) == origin
