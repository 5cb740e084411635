"""Reading GET /metrics the way Prometheus does: turn it on for a test, scrape, look samples up by name and labels."""

from __future__ import annotations

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from bosonline.runtime import Runtime

TOKEN = "metrics-token-for-the-tests"
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def enable_metrics(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    """BOSONLINE_METRICS_TOKEN=TOKEN for this test (the session's app reads the runtime's settings per request)."""
    monkeypatch.setattr(rt.settings, "metrics_token", SecretStr(TOKEN))


async def scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    return samples(response.text)


def samples(text: str) -> Samples:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: Samples, name: str, **labels: str) -> float:
    """A sample's value; 0 for a series not there (yet)."""
    return found.get((name, tuple(sorted(labels.items()))), 0.0)
