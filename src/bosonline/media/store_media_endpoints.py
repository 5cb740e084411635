"""HTTP routes of the store's own media: pictures a store uses outside its catalog (follow-up template images,
payment proofs). Product pictures are Upload Image (`/store/product/image`); neither list shows the other's."""

from __future__ import annotations

from typing import Annotated

from fastapi import File, UploadFile, status

from bosonline.deps import RuntimeDep, store_service
from bosonline.errors import CommonError, error_responses
from bosonline.kit.fields import path_id
from bosonline.kit.pagination import PageQuery
from bosonline.kit.schemas import Envelope, ListEnvelope
from bosonline.media.endpoints import listed, stored
from bosonline.media.errors import MediaError
from bosonline.media.schemas import StoreMediaDeletedOut, StoreMediaOut
from bosonline.media.store_media import StoreMediaService
from bosonline.permissions import Permission
from bosonline.routing import api_router

router = api_router(prefix="/store/media", tags=["Store"])

MediaId = Annotated[int, path_id("Media id in this store.")]

Reader = Annotated[StoreMediaService, store_service(StoreMediaService, Permission.store_read)]
Writer = Annotated[StoreMediaService, store_service(StoreMediaService, Permission.media_write)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Upload Media",
    responses=error_responses(
        CommonError.payload_too_large, CommonError.validation_error, MediaError.media_limit_reached
    ),
)
async def upload_media(
    file: Annotated[UploadFile, File(description="The picture: JPEG, PNG or WebP, at most 5 MB and 40 megapixels.")],
    service: Writer,
    runtime: RuntimeDep,
) -> Envelope[StoreMediaOut]:
    """Uploads a picture to the store's own media as multipart form field `file`: a transfer receipt, a promo
    picture for follow-ups. Checked and re-encoded exactly like Upload Image: the type is recognised from the bytes
    (the filename and declared type are ignored), metadata such as a phone's GPS position is stripped. Use the
    returned `url` as a follow-up template's `image` and the `id` as Confirm Payment's `proof_image_id`. Every
    member (CS included) may upload; at most 1,000 pictures per store by default (409 `media_limit_reached`)."""
    return await stored(file, service, runtime)


@router.get("", summary="Media")
async def list_media(service: Reader, page: PageQuery) -> ListEnvelope[StoreMediaOut]:
    """The store's own media, newest first (product images are not listed here)."""
    return await listed(service, page)


@router.get("/{media_id:int}", summary="Media Detail", responses=error_responses(CommonError.not_found))
async def get_media(media_id: MediaId, service: Reader) -> Envelope[StoreMediaOut]:
    """One picture of the store's own media; another store's id, or a product image's, is 404."""
    return Envelope(data=await service.get(media_id))


@router.delete(
    "/{media_id:int}",
    summary="Delete Media",
    responses=error_responses(CommonError.not_found, MediaError.media_in_use),
)
async def delete_media(media_id: MediaId, service: Writer) -> Envelope[StoreMediaDeletedOut]:
    """Deletes a picture and its files. Refused with 409 `media_in_use` while a payment records it as its proof or
    a follow-up template sends it."""
    await service.delete(media_id)
    return Envelope(data=StoreMediaDeletedOut(id=media_id))
