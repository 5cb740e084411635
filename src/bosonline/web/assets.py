"""The pages' static files (one small script), read once from the package and served with a content hash in the
URL, so browsers may keep them for a year and a release changes the URL."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources

ASSET_PREFIX = "/assets/web"
_CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str
    version: str


def _load() -> dict[str, Asset]:
    found: dict[str, Asset] = {}
    for entry in resources.files("bosonline.web").joinpath("static").iterdir():
        suffix = "." + entry.name.rsplit(".", 1)[-1]
        if suffix not in _CONTENT_TYPES:
            continue
        body = entry.read_bytes()
        found[entry.name] = Asset(body, _CONTENT_TYPES[suffix], hashlib.sha256(body).hexdigest()[:12])
    return found


ASSETS = _load()


def asset_url(name: str) -> str:
    return f"{ASSET_PREFIX}/{name}?v={ASSETS[name].version}"
