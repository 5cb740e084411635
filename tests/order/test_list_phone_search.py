"""Order List's search by phone (GET /store/order?q=…): a text that looks like a phone number (kit.phone.phone_prefix)
matches the buyers' stored 628… digits from their start, whichever way it is typed (08…, 62…, +62…, with
separators), and finds every order the general search (number, name or phone digits containing the text) found
for the phone numbers sellers type."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from bosonline.kit.phone import phone_needle, phone_prefix
from bosonline.order.list_repository import _prefix_end
from bosonline.runtime import Runtime
from tests.order.helpers import make_checkout_shop
from tests.order.list_helpers import Row, insert_orders

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("081234", "6281234"),  # the shortest 08… prefix taken as a phone
        ("0812-3456-7890", "6281234567890"),
        ("0812 3456 7890", "6281234567890"),
        ("(0812) 3456.7890", "6281234567890"),
        ("6281234567890", "6281234567890"),
        ("+62 812-3456-7890", "6281234567890"),
        ("62812345678901", "62812345678901"),  # a whole 14-digit number
    ],
)
def test_phone_prefix_reads_every_way_a_number_is_typed(typed: str, digits: str) -> None:
    assert phone_prefix(typed) == digits


@pytest.mark.parametrize(
    "typed",
    [
        "08123",  # could be the sequence of INV/…/08123
        "0812",  # could be a date, INV/20260812/…
        "628123",  # could be the sequence of order 628,123
        "+628123",
        "812345678",  # no 0/62 start: part of a number, searched anywhere in it
        "0712345678",  # not a mobile number's start
        "+0812345678",
        "6212345678",
        "0812345678901234",  # longer than any mobile number
        "0812-3456-abc",
        "siti 0812345",
        "",
    ],
)
def test_what_is_not_taken_as_a_phone(typed: str) -> None:
    assert phone_prefix(typed) is None


def test_prefix_end_is_the_next_digit_string() -> None:
    assert _prefix_end("6281234") == "6281235"
    assert _prefix_end("62812999") == "62813"
    assert _prefix_end("628999") == "629"


async def ids_of(client: httpx.AsyncClient, headers: dict[str, str], q: str) -> list[int]:
    response = await client.get("/store/order", params={"limit": 100, "q": q}, headers=headers)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["data"]]


async def test_typed_as_08_62_or_plus_62_finds_the_same_orders(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    t = NOW - timedelta(hours=1)
    phones = {
        "a": "6281234567890",
        "b": "62812345678901",  # extends a: a's complete number is also its beginning
        "c": "62812345678",  # a's beginning: not found by a's number
        "nines": "6281299999999",
        "after": "6281300000000",  # just past every 0812-9999… number
        "inside": "6285762812345",  # holds 62812345 in its middle
    }
    rows = [Row(t, customer_name=f"Buyer {name}", customer_phone=phone) for name, phone in phones.items()]
    rows.append(Row(t, customer_name="Buyer a again", customer_phone=phones["a"]))
    ids = await insert_orders(rt, shop.store_id, rows)
    a, b, c, nines, after, inside, a2 = ids
    h = shop.headers
    cases: list[tuple[list[str], list[int]]] = [
        (["081234567890", "0812-3456-7890", "6281234567890", "+62 812 3456 7890", "+6281234567890"], [a2, b, a]),
        (["0812345678901", "62812345678901", "+62 812-3456-7890-1"], [b]),  # a whole 14-digit number: equality
        (["0812345678", "62812345678", "+62 812 345 678"], [a2, b, a, c]),
        (["081234", "6281234", "+62 8123 4"], [a2, b, a, c]),
        (["08129999", "628129999", "+62 812-9999"], [nines]),
        (["081299999999", "6281299999999"], [nines]),
        (["0813", "08130"], [after]),  # short: the general search, anywhere in the number
        (["0857-6281-2345", "+62 857 6281 2345"], [inside]),
        # From its start: the number whose middle holds these digits is found by digits without 0/62/+62 …
        (["0812345"], [a2, b, a, c]),
        (["2812345", "812345"], [a2, inside, b, a, c]),
        (["0812345678902", "0812999999990", "0811"], []),
    ]
    for forms, expected in cases:
        for q in forms:
            assert await ids_of(client, h, q) == sorted(expected, reverse=True), q
            recap = await client.get("/store/order/recap", params={"q": q}, headers=h)
            assert recap.json()["data"]["overall"]["orders"] == len(expected), q
    assert after not in await ids_of(client, h, "081299")


OPERATORS = ("811", "812", "813", "821", "822", "823", "852", "853", "857", "858", "877", "878", "881", "895", "896")
FIRST = ("Siti", "Budi", "Dewi", "Agus", "Rina", "Andi", "Putri", "Joko")
LAST = ("Aminah", "Santoso", "Lestari", "Saputra", "Hidayat", "Purnama")


def old_search(orders: list[dict[str, Any]], q: str) -> list[int]:
    """What the search found before phone-like texts had their own rule: number, name or phone digits containing
    the text (the phone as phone_needle spelled it)."""
    text, needle = q.lower(), phone_needle(q)
    return sorted(
        (
            order["id"]
            for order in orders
            if text in order["number"].lower()
            or text in order["name"].lower()
            or (needle is not None and needle in order["phone"])
        ),
        reverse=True,
    )


async def test_no_order_the_old_search_found_is_lost(client: httpx.AsyncClient, rt: Runtime) -> None:
    """Buyers with numbers of every operator and length, several orders each; each buyer's number, whole and from
    6 typed digits up, in the three spellings and with separators, finds exactly what the old search found."""
    rng = random.Random(15)
    shop = await make_checkout_shop(client, rt, cs=0)
    buyers = sorted(
        {"62" + rng.choice(OPERATORS) + "".join(rng.choice("0123456789") for _ in range(rng.randint(7, 9)))
         for _ in range(40)}
    )  # fmt: skip
    rows, owners = [], []
    for n in range(120):
        phone = buyers[n % len(buyers)] if n < 80 else rng.choice(buyers)
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        rows.append(Row(NOW - timedelta(minutes=n), customer_name=name, customer_phone=phone))
        owners.append((phone, name))
    ids = await insert_orders(rt, shop.store_id, rows)
    numbers = {item["id"]: item["number"] for item in await all_orders(client, shop.headers)}
    orders = [
        {"id": i, "number": numbers[i], "name": name, "phone": phone}
        for i, (phone, name) in zip(ids, owners, strict=True)
    ]
    checked = 0
    for phone in buyers[::3]:
        local = "0" + phone[2:]
        typed = {local, phone, "+" + phone, f"+62 {phone[2:5]}-{phone[5:9]}-{phone[9:]}", f"{local[:4]} {local[4:]}"}
        typed |= {local[:n] for n in range(6, len(local))} | {phone[:n] for n in range(7, len(phone))}
        for q in sorted(typed):
            assert phone_prefix(q) is not None, q
            found = await ids_of(client, shop.headers, q)
            assert found == old_search(orders, q), q
            assert found, q
            checked += 1
    assert checked > 100


async def all_orders(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 100} | ({"cursor": cursor} if cursor else {})
        body = (await client.get("/store/order", params=params, headers=headers)).json()
        found += body["data"]
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            return found
