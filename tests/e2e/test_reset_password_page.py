"""The password reset page (/reset-password#token=…) in a real browser against a real server: a new password
through the API, the API's refusals (weak password, used or expired link) in Indonesian, and the token kept out
of the address bar and of every request but the API call."""

from __future__ import annotations

import httpx
from playwright.async_api import Page, Request, expect

from bosonline.kit.clock import FrozenClock
from bosonline.kit.links import password_reset_url
from bosonline.runtime import Runtime
from tests.conftest import RecordingNotifier
from tests.factories import PASSWORD, register

NEW_PASSWORD = "kata-sandi-baru-456"
INVALID_LINK = "Link ini tidak berlaku lagi"


async def reset_link(client: httpx.AsyncClient, rt: Runtime, notifier: RecordingNotifier, base: str, email: str) -> str:
    assert (await client.post("/auth/password/forgot", json={"email": email})).status_code == 202
    await rt.background.drain()
    token = str(notifier.resets[-1]["token"])
    return base + password_reset_url(rt.settings, token)  # the test settings' base URL is empty: a relative link


async def can_log_in(live_server: str, email: str, password: str) -> bool:
    async with httpx.AsyncClient(base_url=live_server) as http:
        return (await http.post("/auth/login", json={"email": email, "password": password})).status_code == 200


async def fill(page: Page, password: str, confirm: str | None = None) -> None:
    await page.get_by_label("Kata sandi baru", exact=True).fill(password)
    await page.get_by_label("Ulangi kata sandi baru").fill(password if confirm is None else confirm)
    await page.get_by_role("button", name="Simpan kata sandi baru").click()


async def test_a_new_password_from_the_emailed_link(
    phone: Page, live_server: str, client: httpx.AsyncClient, rt: Runtime, notifier: RecordingNotifier
) -> None:
    await register(client, email="halaman@example.com")
    link = await reset_link(client, rt, notifier, live_server, "halaman@example.com")
    token = link.split("#token=")[1]
    sent: list[Request] = []
    phone.on("request", lambda request: sent.append(request))

    await phone.goto(link, wait_until="domcontentloaded")  # deferred scripts have run by then
    await expect(phone.locator("h1")).to_have_text("Atur ulang kata sandi")
    assert phone.url == live_server + "/reset-password"  # the token left the address bar (and the history)

    await fill(phone, NEW_PASSWORD, "kata-sandi-lain-789")
    await expect(phone.locator("#confirm-error")).to_have_text("Kedua kata sandi tidak sama.")

    await fill(phone, "pendek")  # the API refuses it (422): the page says why, the link still works
    await expect(phone.locator("#password-error")).to_have_text("Kata sandi baru harus 8–128 karakter.")
    assert await can_log_in(live_server, "halaman@example.com", PASSWORD)

    await fill(phone, NEW_PASSWORD)
    await expect(phone.locator("#done")).to_contain_text("Kata sandi berhasil diganti")
    await expect(phone.locator("#reset-form")).to_be_hidden()
    assert await can_log_in(live_server, "halaman@example.com", NEW_PASSWORD)
    assert not await can_log_in(live_server, "halaman@example.com", PASSWORD)

    posts = [request for request in sent if request.method == "POST"]
    assert [request.url for request in posts] == [live_server + "/auth/password/reset"] * 2
    assert all(token not in request.url for request in sent)  # only in the API call's body

    # the same link a second time (a fresh load, not a jump within the page): used
    await phone.goto("about:blank")
    await phone.goto(link, wait_until="domcontentloaded")  # deferred scripts have run by then
    await fill(phone, "kata-sandi-ketiga-000")
    await expect(phone.locator("#alert")).to_contain_text(INVALID_LINK)
    assert await can_log_in(live_server, "halaman@example.com", NEW_PASSWORD)


async def test_an_expired_link_and_a_link_without_token(
    phone: Page,
    live_server: str,
    client: httpx.AsyncClient,
    rt: Runtime,
    clock: FrozenClock,
    notifier: RecordingNotifier,
) -> None:
    await register(client, email="basi@example.com")
    link = await reset_link(client, rt, notifier, live_server, "basi@example.com")
    clock.advance(minutes=61)
    await phone.goto(link, wait_until="domcontentloaded")  # deferred scripts have run by then
    await fill(phone, NEW_PASSWORD)
    await expect(phone.locator("#alert")).to_contain_text(INVALID_LINK)
    await expect(phone.locator("#reset-form")).to_be_hidden()
    assert await can_log_in(live_server, "basi@example.com", PASSWORD)

    await phone.goto(live_server + "/reset-password", wait_until="domcontentloaded")
    await expect(phone.locator("#alert")).to_contain_text(INVALID_LINK)
    await expect(phone.locator("#reset-form")).to_be_hidden()


async def test_the_page_without_a_browser(client: httpx.AsyncClient) -> None:
    response = await client.get("/reset-password?token=should-not-be-here")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    assert "should-not-be-here" not in response.text
    assert 'lang="id"' in response.text and "Ulangi kata sandi baru" in response.text
