"""HTTP routes of product images: Upload Image, list and delete them, and the public URLs they are served at."""

from __future__ import annotations

import asyncio
import hashlib
import re
from typing import Annotated

from fastapi import File, Path, Request, UploadFile, status
from fastapi.responses import Response

from bosonline.deps import RuntimeDep, store_service
from bosonline.errors import CommonError, NotFound, error_responses
from bosonline.kit.fields import path_id
from bosonline.kit.pagination import PageParams, PageQuery
from bosonline.kit.schemas import Envelope, ListEnvelope
from bosonline.kit.storage import InvalidKey, MissingObject
from bosonline.media.errors import MediaError
from bosonline.media.images import CONTENT_TYPES, EXTENSIONS
from bosonline.media.schemas import ImageDeletedOut, ImageOut
from bosonline.media.service import MediaLibrary, MediaService, O, too_large
from bosonline.permissions import Permission
from bosonline.routing import api_router
from bosonline.runtime import Runtime

router = api_router(tags=["Product"])

ImageId = Annotated[int, path_id("Image id in this store.")]

_READ_CHUNK = 256 * 1024


Reader = Annotated[MediaService, store_service(MediaService, Permission.catalog_read)]
Writer = Annotated[MediaService, store_service(MediaService, Permission.catalog_write)]


async def read_limited(file: UploadFile, limit: int) -> bytes:
    """The upload's bytes, counted as they are read: 413 as soon as they pass `limit`, whatever the request
    declared."""
    chunks: list[bytes] = []
    total = 0
    while chunk := await file.read(_READ_CHUNK):
        total += len(chunk)
        if total > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def stored(file: UploadFile, service: MediaLibrary[O], runtime: Runtime) -> Envelope[O]:
    """An upload route's answer (either library): the file read within the size limit, checked and stored."""
    data = await read_limited(file, runtime.settings.max_image_bytes)
    return Envelope(data=await service.upload(data))


async def listed(service: MediaLibrary[O], page: PageParams) -> ListEnvelope[O]:
    """A list route's answer (either library): one page, newest first, with the library's total."""
    items, result, total = await service.list(page)
    return ListEnvelope.page(items, result.next_cursor, total)


@router.post(
    "/store/product/image",
    status_code=status.HTTP_201_CREATED,
    summary="Upload Image",
    responses=error_responses(CommonError.payload_too_large, CommonError.validation_error),
)
async def upload_image(
    file: Annotated[UploadFile, File(description="The picture: JPEG, PNG or WebP, at most 5 MB and 40 megapixels.")],
    service: Writer,
    runtime: RuntimeDep,
) -> Envelope[ImageOut]:
    """Uploads a product picture as multipart form field `file`. The type is recognised from the content (the
    filename and declared type are ignored). The picture is re-encoded in its own format (JPEG at quality 90;
    PNG and lossless WebP stay lossless) with the EXIF orientation applied, which strips every bit of metadata
    such as the GPS position a phone wrote into it; a WebP thumbnail of at most 300×300 px is made. Use the
    returned `id` in a product's `images` or a variant's `image_id`. Owners and admins only."""
    return await stored(file, service, runtime)


@router.get("/store/product/image", summary="Images")
async def list_images(service: Reader, page: PageQuery) -> ListEnvelope[ImageOut]:
    """The store's uploaded pictures, newest first (for a media picker)."""
    return await listed(service, page)


@router.delete(
    "/store/product/image/{image_id:int}",
    summary="Delete Image",
    responses=error_responses(MediaError.image_in_use, MediaError.media_in_use),
)
async def delete_image(image_id: ImageId, service: Writer) -> Envelope[ImageDeletedOut]:
    """Deletes an uploaded picture and its files. Refused with 409 `image_in_use` while a product (archived ones
    included) or a variant uses it. Owners and admins only."""
    await service.delete(image_id)
    return Envelope(data=ImageDeletedOut(id=image_id))


# The only keys ever issued (service.new_keys): anything else is answered 404 before the storage is touched.
_KEY = re.compile(
    r"s[1-9][0-9]{0,18}/[0-9a-f]{2}/[0-9a-f]{32}(?:_thumb\.webp|\.(?P<ext>" + "|".join(EXTENSIONS.values()) + r"))"
)
_TYPE_OF_EXTENSION = {extension: CONTENT_TYPES[fmt] for fmt, extension in EXTENSIONS.items()}
_FILE_HEADERS = {
    "Cache-Control": "public, max-age=31536000, immutable",  # a key's bytes never change
    "X-Content-Type-Options": "nosniff",
}


def _etag(key: str) -> str:
    # Keys are never reused and their bytes never change, so the key itself identifies the content.
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _matches(if_none_match: str, etag: str) -> bool:
    candidates = {candidate.strip().removeprefix("W/") for candidate in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


@router.get(
    "/media/{key:path}",
    summary="Product image file",
    response_class=Response,
    responses={
        200: {
            "description": "The stored picture or thumbnail.",
            "content": {content_type: {} for content_type in CONTENT_TYPES.values()},
        },
        304: {"description": "Not modified: the `If-None-Match` ETag still matches."},
        **error_responses(CommonError.not_found),
    },
)
async def media_file(
    key: Annotated[
        str,
        Path(
            max_length=200,
            json_schema_extra={"pattern": "^" + _KEY.pattern.replace("(?P<ext>", "(?:") + "$"},
            description="The tail of an image URL: `s<store>/<xx>/<token>.<ext>`.",
        ),
    ],
    request: Request,
    runtime: RuntimeDep,
) -> Response:
    """The picture at a URL returned by Upload Image (`url`, `thumbnail_url`). Public: product pictures appear on
    public checkout pages. Cached for a year (`immutable`: a URL's picture never changes); answers 304 to a
    matching `If-None-Match`."""
    match = _KEY.fullmatch(key)
    if match is None:
        raise NotFound()
    etag = _etag(key)
    headers = {**_FILE_HEADERS, "ETag": etag}
    if_none_match = request.headers.get("if-none-match")
    storage = runtime.storage
    try:
        if if_none_match and _matches(if_none_match, etag):
            if not await asyncio.to_thread(storage.exists, key):
                raise NotFound()
            return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
        data = await asyncio.to_thread(storage.read, key)
    except (MissingObject, InvalidKey) as exc:
        raise NotFound() from exc
    media_type = _TYPE_OF_EXTENSION[match["ext"] or "webp"]
    return Response(content=data, media_type=media_type, headers=headers)
