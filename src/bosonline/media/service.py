"""Rules of uploaded pictures: upload (check, re-encode, thumbnail, store), list, delete, and what other domains use.
`MediaLibrary` holds the rules both libraries share; `MediaService` is product images (Upload Image),
`store_media.StoreMediaService` the store's own media (POST /store/media).

Other domains (the catalog) call:
- `MediaService(session, runtime, ctx).get_many(ids)` or `images_of_store(session, ctx, ids)`: the request
  store's images among `ids`, as {id: Image}; ids of other stores' images are simply absent (treat as not found).
- `image_urls(image, runtime)` → {"url", "thumbnail_url"}; `image_out(image, runtime)` → the full ImageOut.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from abc import abstractmethod
from collections.abc import Iterable
from typing import Generic, TypeVar

import structlog
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from bosonline.db import after_commit
from bosonline.errors import Conflict, PayloadTooLarge, ValidationFailed, found
from bosonline.kit.pagination import Page, PageParams
from bosonline.kit.schemas import from_row
from bosonline.kit.storage import Storage
from bosonline.media.errors import MediaError
from bosonline.media.images import InvalidImage, process_image
from bosonline.media.repository import MediaRepository
from bosonline.media.schemas import ImageOut
from bosonline.models import Image
from bosonline.runtime import Runtime
from bosonline.tenancy import ScopedService, StoreContext

log = structlog.get_logger("bosonline.media")

THUMB_SUFFIX = "_thumb.webp"


def new_keys(store_id: int, extension: str) -> tuple[str, str]:
    """Unguessable, never reused storage keys: `s<store>/<2 hex>/<32 hex>.<ext>` and its `_thumb.webp`."""
    token = secrets.token_hex(16)
    stem = f"s{store_id}/{token[:2]}/{token}"
    return f"{stem}.{extension}", f"{stem}{THUMB_SUFFIX}"


def image_urls(image: Image, runtime: Runtime) -> dict[str, str]:
    return _urls(image, runtime.storage)


def image_out(image: Image, runtime: Runtime) -> ImageOut:
    return _out(image, runtime.storage)


def _urls(image: Image, storage: Storage) -> dict[str, str]:
    return {"url": storage.url(image.storage_key), "thumbnail_url": storage.url(image.thumb_key)}


def _out(image: Image, storage: Storage) -> ImageOut:
    return from_row(ImageOut, image, **_urls(image, storage))


async def images_of_store(session: AsyncSession, ctx: StoreContext, image_ids: Iterable[int]) -> dict[int, Image]:
    """The request store's images among `image_ids` (one query; none for an empty list)."""
    return await MediaRepository(session, ctx).get_many(image_ids)


def too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"The image is larger than {limit / (1024 * 1024):g} MB ({limit} bytes)")


O = TypeVar("O", bound=ImageOut)


class MediaLibrary(ScopedService, Generic[O]):
    """One library of the store's pictures (`library`), answered as `O`."""

    library = "product"

    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        super().__init__(session, runtime, ctx)
        self.repo = MediaRepository(session, ctx, self.library)
        self.storage = runtime.storage

    @abstractmethod
    def out(self, image: Image) -> O: ...

    async def upload(self, data: bytes) -> O:
        return self.out(await self.save(data))

    async def save(self, data: bytes) -> Image:
        """Checks, re-encodes and stores the picture in this service's library; its row."""
        settings = self.rt.settings
        if len(data) > settings.max_image_bytes:
            raise too_large(settings.max_image_bytes)
        try:
            # Decoding and encoding take tens of milliseconds of CPU: off the event loop.
            processed = await asyncio.to_thread(process_image, data, max_pixels=settings.max_image_pixels)
        except InvalidImage as exc:
            raise ValidationFailed(fields={"file": str(exc)}) from exc
        await self.before_insert()
        key, thumb_key = new_keys(self.ctx.store_id, processed.extension)
        # Files first, then the row. Unless the request's transaction commits, the files go again (insert failed,
        # a later step failed, the commit itself failed): no picture outlives a rollback.
        delete_unless_committed(self.session, self.storage, [key, thumb_key])
        await asyncio.to_thread(self.storage.put, key, processed.data)
        await asyncio.to_thread(self.storage.put, thumb_key, processed.thumbnail)
        return await self.repo.insert(
            Image(
                library=self.repo.library,
                storage_key=key,
                thumb_key=thumb_key,
                content_type=processed.content_type,
                width=processed.width,
                height=processed.height,
                size_bytes=len(processed.data),
                sha256=hashlib.sha256(processed.data).hexdigest(),
                uploaded_by=self.ctx.user_id,
                created_at=self.rt.clock.now(),
            )
        )

    async def before_insert(self) -> None:
        """A library's own check before a picture is stored (a limit per store)."""

    async def list(self, params: PageParams) -> tuple[list[O], Page[Image], int]:
        page, total = await self.repo.page(params)
        return [self.out(image) for image in page.items], page, total

    @abstractmethod
    async def refuse_in_use(self, image: Image) -> None:
        """Conflict while something still shows the picture."""

    async def delete(self, image_id: int) -> None:
        image = found(await self.repo.get(image_id, for_update=True))
        await self.refuse_in_use(image)
        keys = [image.storage_key, image.thumb_key]
        await self.repo.delete(image)
        storage = self.storage

        async def delete_files() -> None:  # only once the row is gone for good
            for key in keys:
                await asyncio.to_thread(storage.delete, key)

        after_commit(self.session, delete_files)

    def urls(self, image: Image) -> dict[str, str]:
        return _urls(image, self.storage)


class MediaService(MediaLibrary[ImageOut]):
    """Product images: pictures of products and variants."""

    def out(self, image: Image) -> ImageOut:
        return _out(image, self.storage)

    async def get_many(self, image_ids: Iterable[int]) -> dict[int, Image]:
        return await self.repo.get_many(image_ids)

    async def refuse_in_use(self, image: Image) -> None:
        if await self.repo.in_use(image.id):
            raise Conflict(
                "This image is used by a product or a variant; remove it there first", code=MediaError.image_in_use
            )
        # A payment proof or a template may name a product image too (proofs did before the store library existed).
        if await self.repo.used_by_store(image.id, self.urls(image).values()):
            raise Conflict(
                "A payment proof or a follow-up template uses this image; remove it there first",
                code=MediaError.media_in_use,
            )


def delete_unless_committed(session: AsyncSession, storage: Storage, keys: list[str]) -> None:
    """Delete `keys` from `storage` when the session's current (or next) transaction ends without a commit:
    rolled back, failed to commit, or closed uncommitted."""
    committed = False
    done = False

    def on_commit(_: Session) -> None:
        nonlocal committed
        committed = True

    def on_end(_: Session, transaction: SessionTransaction) -> None:
        nonlocal done
        if done or transaction.parent is not None:  # only the outermost transaction decides
            return
        done = True
        if committed:
            return
        for key in keys:
            try:
                storage.delete(key)  # local unlinks: cheap enough to do inline
            except Exception:
                log.exception("orphan_media_cleanup_failed", key=key)

    # Listeners live on this request's session object and go with it; `done` makes them one-shot.
    event.listen(session.sync_session, "after_commit", on_commit)
    event.listen(session.sync_session, "after_transaction_end", on_end)
