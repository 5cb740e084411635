"""A real server and a real browser: uvicorn serving create_app(runtime=rt) on a loopback port in the test's event
loop (so it uses the test's database and clock), and Debian's Chromium driven by Playwright on a phone-sized
screen."""

from __future__ import annotations

import asyncio
import os
import re
import socket
from collections.abc import AsyncIterator

import pytest
import uvicorn
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from bosonline.app import create_app
from bosonline.runtime import Runtime

CHROMIUM = "/usr/bin/chromium"
OUTSIDE = re.compile(r"^(?!https?://127\.0\.0\.1[:/])")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def live_server(rt: Runtime) -> AsyncIterator[str]:
    port = free_port()
    # lifespan off: the app's shutdown would dispose the session-wide engine the other tests share.
    config = uvicorn.Config(create_app(runtime=rt), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started or task.done():
            break
        await asyncio.sleep(0.01)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run browser tests")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def phone(browser: Browser) -> AsyncIterator[Page]:
    """A fresh phone-sized tab; JavaScript errors on the page fail the test. Requests to anything but the loopback
    server (pixels, wa.me) are aborted: tests never reach the internet."""
    context: BrowserContext = await browser.new_context(**PHONE, locale="id-ID")
    context.set_default_timeout(5_000)
    await context.route(OUTSIDE, lambda route: route.abort())
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        await context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"
