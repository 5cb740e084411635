"""Announcements and tips: admin CRUD (audited) with a publish window, an audience and safe Markdown; what a store
member sees, unread counts and mark as read."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import httpx

from bosonline.announcement.markdown import render
from bosonline.kit.clock import FrozenClock
from bosonline.runtime import Runtime
from tests.admin.helpers import platform_admin
from tests.envelope import assert_error, assert_validation
from tests.factories import bearer, login, seller, staff_headers


def _body(**overrides: Any) -> dict[str, Any]:
    return {"kind": "announcement", "title": "Libur Nasional", "body": "Pengiriman **libur** 25 Desember.", **overrides}


async def _create(client: httpx.AsyncClient, admin: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = await client.post("/admin/announcements", json=_body(**overrides), headers=admin)
    assert response.status_code == 201, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def test_published_now_for_the_store_with_unread_counts(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock
) -> None:
    admin = (await platform_admin(client, rt))["headers"]
    owner = await seller(client)
    other = await seller(client)
    cs = await staff_headers(client, owner["headers"], role="cs", email="cs-news@example.com")
    now = clock.now()
    everyone = await _create(client, admin, title="Untuk semua")
    listed = await _create(client, admin, title="Khusus", audience="stores", store_ids=[owner["store"]["id"]])
    await _create(client, admin, title="Nanti", starts_at=(now.replace(year=now.year + 1)).isoformat())
    await _create(
        client, admin, title="Lewat", starts_at="2001-01-01T00:00:00+07:00", ends_at="2001-02-01T00:00:00+07:00"
    )
    tip = await _create(client, admin, kind="tip", title="Tips closing", body="Balas chat < 5 menit")
    assert tip["body_html"] == "<p>Balas chat &lt; 5 menit</p>\n"
    assert everyone["window"] == "live" and everyone["audience"] == "all" and everyone["store_ids"] == []

    news = await client.get("/store/announcements", headers=owner["headers"])
    assert news.status_code == 200, news.text
    body = news.json()
    assert [a["title"] for a in body["data"]] == ["Khusus", "Untuk semua"]
    assert body["meta"]["total"] == 2 and body["meta"]["unread"] == 2
    assert body["data"][0]["body_html"] == "<p>Pengiriman <strong>libur</strong> 25 Desember.</p>\n"
    assert body["data"][0]["published_on"].endswith("WIB") and body["data"][0]["read"] is False
    others = (await client.get("/store/announcements", headers=other["headers"])).json()
    assert [a["title"] for a in others["data"]] == ["Untuk semua"]
    tips = (await client.get("/store/tips", headers=cs)).json()
    assert [a["title"] for a in tips["data"]] == ["Tips closing"] and tips["meta"]["unread"] == 1

    read = await client.post(f"/store/announcements/{listed['id']}/read", headers=owner["headers"])
    assert read.status_code == 200, read.text
    again = await client.post(f"/store/announcements/{listed['id']}/read", headers=owner["headers"])
    assert again.status_code == 200
    mine = (await client.get("/store/announcements", headers=owner["headers"])).json()
    assert mine["meta"]["unread"] == 1 and [a["read"] for a in mine["data"]] == [True, False]
    # Per user: the CS of the same store has read nothing.
    assert (await client.get("/store/announcements", headers=cs)).json()["meta"]["unread"] == 2
    # Not shown to the other store, a tip is not an announcement, an unknown id: 404.
    assert_error(
        await client.post(f"/store/announcements/{listed['id']}/read", headers=other["headers"]), 404, "not_found"
    )
    assert_error(await client.post(f"/store/announcements/{tip['id']}/read", headers=cs), 404, "not_found")
    assert_error(await client.post("/store/tips/999999/read", headers=cs), 404, "not_found")
    assert (await client.post(f"/store/tips/{tip['id']}/read", headers=cs)).status_code == 200

    # The window closes: it is no longer shown.
    clock.advance(days=400)
    fresh = bearer(await login(client, owner["email"]))
    later = (await client.get("/store/announcements", headers=fresh)).json()
    assert [a["title"] for a in later["data"]] == ["Nanti", "Khusus", "Untuk semua"]


async def test_a_suspended_stores_members_still_read_and_mark(client: httpx.AsyncClient, rt: Runtime) -> None:
    admin = (await platform_admin(client, rt))["headers"]
    owner = await seller(client)
    news = await _create(
        client, admin, audience="stores", store_ids=[owner["store"]["id"]], title="Toko Anda ditangguhkan"
    )
    suspend = await client.post(f"/admin/stores/{owner['store']['id']}/suspend", json={"reason": "Cek"}, headers=admin)
    assert suspend.status_code == 200
    assert (await client.get("/store/announcements", headers=owner["headers"])).json()["meta"]["unread"] == 1
    assert (await client.post(f"/store/announcements/{news['id']}/read", headers=owner["headers"])).status_code == 200


async def test_edit_delete_and_audit(client: httpx.AsyncClient, rt: Runtime) -> None:
    admin = (await platform_admin(client, rt))["headers"]
    owner = await seller(client)
    created = await _create(client, admin)
    edited = await client.put(
        f"/admin/announcements/{created['id']}",
        json=_body(title="Libur Natal", audience="stores", store_ids=[owner["store"]["id"]]),
        headers=admin,
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["data"]["title"] == "Libur Natal" and edited.json()["data"]["store_ids"] == [
        owner["store"]["id"]
    ]
    detail = await client.get(f"/admin/announcements/{created['id']}", headers=admin)
    assert detail.json()["data"]["audience"] == "stores"
    assert (
        await client.post(f"/store/announcements/{created['id']}/read", headers=owner["headers"])
    ).status_code == 200
    deleted = await client.delete(f"/admin/announcements/{created['id']}", headers=admin)
    assert deleted.status_code == 200 and deleted.json()["data"]["title"] == "Libur Natal"
    assert_error(await client.get(f"/admin/announcements/{created['id']}", headers=admin), 404, "not_found")
    assert_error(await client.delete(f"/admin/announcements/{created['id']}", headers=admin), 404, "not_found")
    assert (await client.get("/store/announcements", headers=owner["headers"])).json()["data"] == []

    log = (await client.get("/admin/audit", params={"target_type": "announcement"}, headers=admin)).json()
    assert [e["action"] for e in log["data"]] == ["announcement.delete", "announcement.update", "announcement.create"]
    delete, update, create = log["data"]
    assert create["before"] is None and create["after"]["title"] == "Libur Nasional"
    assert update["before"]["title"] == "Libur Nasional" and update["after"]["title"] == "Libur Natal"
    assert update["after"]["store_ids"] == [owner["store"]["id"]]
    assert delete["after"] is None and delete["before"]["title"] == "Libur Natal"
    listing = (await client.get("/admin/announcements", params={"kind": "announcement"}, headers=admin)).json()
    assert listing["data"] == [] and listing["meta"]["total"] == 0


async def test_bad_input(client: httpx.AsyncClient, rt: Runtime) -> None:
    admin = (await platform_admin(client, rt))["headers"]
    post = "/admin/announcements"
    cases: list[tuple[dict[str, Any], str]] = [
        (_body(kind="banner"), "kind"),
        (_body(title=""), "title"),
        (_body(title="a\nb"), "title"),
        (_body(body="x" * 20_001), "body"),
        (_body(starts_at="2026-12-10T00:00:00"), "starts_at"),  # no time zone
        (_body(starts_at="1999-12-31T00:00:00+07:00"), "starts_at"),
        (_body(ends_at="2150-01-01T00:00:00+07:00"), "ends_at"),
        (_body(store_ids=[1, 1], audience="stores"), "store_ids"),
        (_body(store_ids=list(range(1, 1002)), audience="stores"), "store_ids"),
        (_body(store_ids=[0], audience="stores"), "store_ids.0"),
        (_body(extra=1), "extra"),
    ]
    for body, field in cases:
        assert_validation(await client.post(post, json=body, headers=admin), field, case=body)
    reversed_window = _body(starts_at="2026-12-10T00:00:00+07:00", ends_at="2026-12-09T00:00:00+07:00")
    assert assert_validation(await client.post(post, json=reversed_window, headers=admin))
    assert assert_validation(await client.post(post, json=_body(audience="stores"), headers=admin))
    assert assert_validation(await client.post(post, json=_body(store_ids=[5]), headers=admin))
    past_end = _body(ends_at="2001-01-01T00:00:00+07:00")  # before "now", the start left out
    assert_validation(await client.post(post, json=past_end, headers=admin), "ends_at")
    unknown = _body(audience="stores", store_ids=[987654])
    assert_validation(await client.post(post, json=unknown, headers=admin), "store_ids")
    assert (await client.get("/admin/audit", headers=admin)).json()["meta"]["total"] == 0
    assert_validation(await client.get("/admin/announcements", params={"kind": "x"}, headers=admin), "kind")
    assert_error(await client.put("/admin/announcements/424242", json=_body(), headers=admin), 404, "not_found")


class _Tags(HTMLParser):
    """Every tag and attribute of a piece of HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


_TAGS = {"p", "a", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "hr", "br", "s"}


def _tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.found


def test_markdown_is_rendered_safely() -> None:
    attacks = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[klik](javascript:alert(1))",
        "[klik](JaVaScRiPt:alert(1))",
        "[klik]( javascript:alert(1))",
        "[klik](java\tscript:alert(1))",
        "[klik](&#106;avascript:alert(1))",
        "[klik](data:text/html;base64,PHNjcmlwdD4=)",
        "[klik](vbscript:msgbox(1))",
        "[klik](/relative/path)",
        "<javascript:alert(1)>",
        "![x](javascript:alert(1))",
        "![x](https://tracker.example/pixel.png)",
        '[a](https://ok.id "x\\" onmouseover=\\"alert(1)")',
        "<a href='javascript:alert(1)'>x</a>",
        "<iframe src=https://evil.example></iframe>",
        "**<b onclick=alert(1)>x</b>**",
    ]
    for attack in attacks:
        html = render(attack)
        for tag, attrs in _tags(html):
            assert tag in _TAGS, (attack, html)
            for name, value in attrs:
                assert name in {"href", "rel", "target", "title"}, (attack, html)
                if name == "href":
                    assert (value or "").startswith(("https://", "http://", "mailto:")), (attack, html)
    link = render("[Panduan](https://bosonline.id/panduan) dan <mailto:cs@bosonline.id>")
    assert (
        '<a href="https://bosonline.id/panduan" rel="noopener noreferrer nofollow" target="_blank">Panduan</a>' in link
    )
    assert 'href="mailto:cs@bosonline.id"' in link
    assert "<a" not in render("[rel](/admin/stores)")  # relative links stay text
