"""README's quick tour, pasted in order into bash against a live `bosonline serve`: every step succeeds and the last
one shows the order's follow-up. The README cannot drift from the API without failing this test."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.core.serving import served

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (shutil.which("curl") and shutil.which("jq")), reason="the tour needs curl and jq"),
]

README = Path(__file__).parents[2] / "README.md"
TOUR = re.compile(r"<!-- tour:start -->\s*```sh\n(.*?)\n```\s*<!-- tour:end -->", re.DOTALL)
README_ORIGIN = "http://localhost:8000"


def tour_commands() -> str:
    [block] = TOUR.findall(README.read_text())
    return str(block)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """`bosonline serve` on a free loopback port and an empty data directory; yields its origin."""
    with served(tmp_path, wait_seconds=120) as running:  # a loaded CI machine can take a minute to import and migrate
        yield running.base


def test_every_tour_request_fails_loudly() -> None:
    """A step that got an error must stop the tour (and show the error), not feed `null` to the next one."""
    commands = tour_commands()
    curls = re.findall(r"curl [^|)\n]*", commands)
    assert len(curls) >= 10
    assert all("--fail-with-body" in curl for curl in curls), curls
    assert commands.count(README_ORIGIN) == 1, "the tour names the server once, in B="


def test_the_readme_tour_runs_from_register_to_a_follow_up(server: str) -> None:
    script = tour_commands().replace(README_ORIGIN, server)
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert result.stderr == "", result.stderr

    buyer_page = re.search(r"^buyer page: (\S+)$", result.stdout, re.MULTILINE)
    assert buyer_page, result.stdout
    page = httpx.get(buyer_page.group(1), timeout=10)
    assert page.status_code == 200 and "Madu Hutan" in page.text

    outputs = result.stdout.splitlines()
    placed = json.loads(next(line for line in outputs if line.startswith('{"number"')))
    followup = json.loads(outputs[-1])
    assert followup["order_number"] == placed["number"]
    assert followup["next_step"] == 1
    assert "Siti Aminah" in followup["followup_text"] and placed["number"] in followup["followup_text"]
    assert httpx.get(server + placed["status_url"], timeout=10).status_code == 200
