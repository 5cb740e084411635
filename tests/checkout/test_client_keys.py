"""Per-address rate limits of the public endpoints count an IPv6 client by its /64 (kit.ratelimit.client_key)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from bosonline.runtime import Runtime
from tests.checkout.helpers import CheckoutShop, make_checkout_shop, place
from tests.envelope import assert_error

ClientAt = Callable[[str], httpx.AsyncClient]


async def test_public_reads_count_one_64_as_one_client(client_at: ClientAt, rt: Runtime) -> None:
    rt.settings.public_rate_limit_per_minute = 10
    try:
        url = "/public/form/promo?store=nowhere"
        for n in range(1, 11):
            assert (await client_at(f"2001:db8:aa:1::{n:x}").get(url)).status_code == 404
        assert_error(await client_at("2001:db8:aa:1:1234::1").get(url), 429, "too_many_requests")
        assert (await client_at("2001:db8:aa:1::ffff").get("/f/promo?store=nowhere")).status_code == 429
        # another /64 has its own budget
        assert (await client_at("2001:db8:aa:2::1").get(url)).status_code == 404
    finally:
        rt.settings.public_rate_limit_per_minute = 100_000


async def test_checkouts_count_one_64_as_one_client(
    client: httpx.AsyncClient, client_at: ClientAt, rt: Runtime
) -> None:
    shop: CheckoutShop = await make_checkout_shop(client, rt)
    rt.settings.checkout_rate_limit_per_minute = 3
    try:
        codes = [
            (await place(client_at(f"2001:db8:bb:1::{n}"), shop, payment_method="cod")).status_code
            for n in (1, 2, 3, 4)
        ]
        assert codes == [201, 201, 201, 429]
        assert (await place(client_at("::ffff:203.0.113.50"), shop, payment_method="cod")).status_code == 201
        assert (await place(client_at("2001:db8:bb:2::1"), shop, payment_method="cod")).status_code == 201
    finally:
        rt.settings.checkout_rate_limit_per_minute = 100_000
