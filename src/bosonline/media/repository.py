"""All SQL of uploaded images. Every statement starts from the request's store (tenancy)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import exists, func, or_, select

from bosonline.kit.pagination import Page, PageParams, keyset_page
from bosonline.models import Image, ProductImage, ProductVariant
from bosonline.tenancy import ScopedRepository


class MediaRepository(ScopedRepository):
    async def get(self, image_id: int, *, for_update: bool = False) -> Image | None:
        # for_update, PostgreSQL: a product being saved with this image at the same moment waits, or we do
        return await self.one(Image, image_id, for_update=for_update)

    async def get_many(self, image_ids: Iterable[int]) -> dict[int, Image]:
        return await self.keyed(self.scoped(Image), Image, image_ids)

    async def page(self, params: PageParams) -> tuple[Page[Image], int]:
        stmt = self.scoped(Image)
        total = int(
            await self.session.scalar(select(func.count(Image.id)).where(Image.store_id == self.ctx.store_id)) or 0
        )
        return await keyset_page(self.session, stmt, [Image.id], params, descending=True), total

    async def in_use(self, image_id: int) -> bool:
        """Whether any product (archived ones included: orders may still show them) or variant uses the image."""
        used = or_(
            exists().where(ProductImage.image_id == image_id),
            exists().where(ProductVariant.image_id == image_id, ProductVariant.store_id == self.ctx.store_id),
        )
        return bool(await self.session.scalar(select(used)))

    async def delete(self, image: Image) -> None:
        await self.session.delete(image)
        await self.session.flush()
