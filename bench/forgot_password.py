"""Does POST /auth/password/forgot answer in the same time whether or not the address has an account?

    .venv/bin/python bench/forgot_password.py [--requests 200] [--database-url postgresql+asyncpg://...]

Known and unknown addresses alternate in a random order (each known address is asked once, and the per-address
limit is raised, so that no hourly limit cuts the work short); the e-mails really go out, over SMTP to a local aiosmtpd server. Each request is timed until its response;
the work it leaves for after the response (token, e-mail) is then awaited, untimed, so that it does not slow the
next request. Baseline in the same run: GET /health. In-process (httpx ASGI transport). Not run by CI. It also
runs against the code before the fix (`PYTHONPATH=<old checkout>/src`), where the work happened in the request.
"""

from __future__ import annotations

import asyncio
import random
import socket
import statistics
import time
from typing import Any

from aiosmtpd.controller import Controller
from common import in_process, median_p95, options


class Sink:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def main(requests: int, database_url: str | None) -> None:
    sink, port = Sink(), free_port()
    smtp = Controller(sink, hostname="127.0.0.1", port=port)
    smtp.start()
    run = time.time_ns()
    timings: dict[str, list[float]] = {"health": [], "known": [], "unknown": []}
    after_response: list[float] = []
    async with in_process(
        database_url,
        run_worker=False,
        argon2_time_cost=1,
        argon2_memory_kib=64,
        argon2_parallelism=1,
        public_base_url="http://bench",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_tls="none",
        smtp_sender="no-reply@bench.example",
        forgot_password_per_hour=100_000,  # every request comes from one address; it is still counted
    ) as (runtime, client):
        background = getattr(runtime, "background", None)
        known = []
        for i in range(requests + 10):
            email = f"ada-{run}-{i}@example.com"
            body = {"name": f"Akun {i}", "email": email, "phone": "081234567890", "password": "rahasia-123"}
            assert (await client.post("/auth/register", json=body)).status_code == 201
            known.append(email)

        async def timed(kind: str, method: str, path: str, body: dict[str, str] | None = None) -> None:
            started = time.perf_counter()
            response = await client.request(method, path, json=body)
            timings[kind].append((time.perf_counter() - started) * 1000)
            assert response.status_code < 300, response.text
            started = time.perf_counter()
            if background is not None:  # absent before the fix: the work was done inside the request
                await background.drain()
            if kind == "known":
                after_response.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.01)  # the SMTP server's thread (same process) finishes the session before the next

        order = random.Random(run)
        for i in range(requests + 10):  # the first 10 of each warm up
            rounds: list[tuple[str, str, str, dict[str, str] | None]] = [
                ("health", "GET", "/health", None),
                ("known", "POST", "/auth/password/forgot", {"email": known[i]}),
                ("unknown", "POST", "/auth/password/forgot", {"email": f"tidak-ada-{run}-{i}@example.com"}),
            ]
            order.shuffle(rounds)  # no kind always follows another
            for kind, method, path, payload in rounds:
                await timed(kind, method, path, payload)
    smtp.stop()

    rows = {kind: median_p95(samples[10:]) for kind, samples in timings.items()}
    base = rows["health"][0]
    print(f"{requests} requests each, {'PostgreSQL' if database_url else 'SQLite'}; e-mails received: {sink.received}")
    print(f"{'request':<32}{'median ms':>10}{'p95 ms':>10}{'× /health':>11}")
    for label, kind in (
        ("GET /health (baseline)", "health"),
        ("forgot, existing account", "known"),
        ("forgot, unknown address", "unknown"),
    ):
        median, p95 = rows[kind]
        print(f"{label:<32}{median:>10.2f}{p95:>10.2f}{median / base:>11.2f}")
    print(f"existing / unknown median ratio: {rows['known'][0] / rows['unknown'][0]:.3f}")
    print(f"after the response (token + e-mail, existing account): median {statistics.median(after_response):.2f} ms")


if __name__ == "__main__":
    asyncio.run(main(**options(__doc__, requests=200)))
