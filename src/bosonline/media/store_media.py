"""Rules of the store's own media (POST /store/media): pictures that are not product images, such as a follow-up
template's `image` and a payment's transfer receipt (`proof_image_id`). A limit per store; a picture a payment or a
template uses cannot be deleted."""

from __future__ import annotations

from bosonline.errors import Conflict, found
from bosonline.kit.schemas import from_row
from bosonline.media.errors import MediaError
from bosonline.media.schemas import StoreMediaOut
from bosonline.media.service import MediaLibrary
from bosonline.models import Image


class StoreMediaService(MediaLibrary[StoreMediaOut]):
    library = "store"

    def out(self, image: Image) -> StoreMediaOut:
        return from_row(StoreMediaOut, image, **self.urls(image))

    async def get(self, media_id: int) -> StoreMediaOut:
        return self.out(found(await self.repo.get(media_id)))

    async def before_insert(self) -> None:
        await self.repo.lock_store()  # PostgreSQL: two uploads at the limit must not both pass the count
        limit = self.rt.settings.max_store_media
        if await self.repo.count() >= limit:
            raise Conflict(
                f"The store's media holds at most {limit:,} pictures; delete some first",
                code=MediaError.media_limit_reached,
            )

    async def refuse_in_use(self, image: Image) -> None:
        urls = self.urls(image).values()
        if await self.repo.used_by_store(image.id, urls):
            raise Conflict(
                "A payment proof or a follow-up template uses this picture; remove it there first",
                code=MediaError.media_in_use,
            )
