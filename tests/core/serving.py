"""`bosonline serve` as a real subprocess on a free port, for the CLI tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

BOSONLINE = Path(sys.executable).with_name("bosonline")
# Argon2 at its production cost takes a second per hash; what is tested here is the command, not the cost.
CHEAP_HASHING = {
    "BOSONLINE_ARGON2_TIME_COST": "1",
    "BOSONLINE_ARGON2_MEMORY_KIB": "64",
    "BOSONLINE_ARGON2_PARALLELISM": "1",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    base: str  # http://127.0.0.1:<port>
    out: str = ""  # stdout and stderr, once the server stopped
    err: str = ""
    err_lines: list[str] = field(default_factory=list)


@contextmanager
def served(
    data_dir: Path, *args: str, log_level: str = "WARNING", wait_seconds: float | None = None, **env: str
) -> Iterator[Served]:
    """`bosonline serve` until it answers /health (`wait_seconds`, by default 60 s, 120 with several workers),
    stopped on exit."""
    port = free_port()
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("BOSONLINE_", "PROMETHEUS_"))}
    clean.update(BOSONLINE_DATA_DIR=str(data_dir), BOSONLINE_LOG_LEVEL=log_level, **CHEAP_HASHING, **env)
    process = subprocess.Popen(
        [str(BOSONLINE), "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        env=clean,
        cwd=data_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    result = Served(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + (wait_seconds or (120 if "--workers" in args else 60))
        answered = False
        while not answered and time.monotonic() < deadline and process.poll() is None:
            try:
                answered = httpx.get(f"{result.base}/health", timeout=1).status_code == 200
            except httpx.TransportError:
                time.sleep(0.1)  # the server is still starting; bounded by the deadline
        assert process.poll() is None, process.communicate(timeout=5)
        assert answered, "server did not answer in time"
        yield result
    finally:
        process.terminate()
        try:
            result.out, result.err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            result.out, result.err = process.communicate()
        result.err_lines = [line for line in result.err.splitlines() if line.strip()]
