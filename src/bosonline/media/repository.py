"""All SQL of uploaded images. Every statement starts from the request's store (tenancy) and one library: product
images (Upload Image) or the store's own media (POST /store/media); neither sees the other's rows."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.db import row_of
from bosonline.kit.pagination import Page, PageParams, count_rows, keyset_page
from bosonline.models import FollowupChat, Image, OrderPayment, ProductImage, ProductVariant
from bosonline.tenancy import ScopedRepository, StoreContext


class MediaRepository(ScopedRepository):
    def __init__(self, session: AsyncSession, ctx: StoreContext, library: str = "product") -> None:
        super().__init__(session, ctx)
        self.library = library

    def images(self) -> Select[Image]:
        return self.scoped(Image).where(Image.library == self.library)

    async def get(self, image_id: int, *, for_update: bool = False) -> Image | None:
        # for_update, PostgreSQL: a product being saved with this image at the same moment waits, or we do
        return await row_of(self.session, self.images().where(Image.id == image_id), for_update=for_update)

    async def get_many(self, image_ids: Iterable[int]) -> dict[int, Image]:
        return await self.keyed(self.images(), Image, image_ids)

    async def count(self) -> int:
        return await count_rows(self.session, self.images())

    async def page(self, params: PageParams) -> tuple[Page[Image], int]:
        total = await self.count()
        return await keyset_page(self.session, self.images(), [Image.id], params, descending=True), total

    async def in_use(self, image_id: int) -> bool:
        """Whether any product (archived ones included: orders may still show them) or variant uses the image."""
        used = or_(
            exists().where(ProductImage.image_id == image_id),
            exists().where(ProductVariant.image_id == image_id, ProductVariant.store_id == self.ctx.store_id),
        )
        return bool(await self.session.scalar(select(used)))

    async def used_by_store(self, image_id: int, urls: Iterable[str]) -> bool:
        """Whether a payment records the picture as its proof or a follow-up template sends it (by its URL)."""
        store = self.ctx.store_id
        used = or_(
            exists().where(OrderPayment.store_id == store, OrderPayment.proof_image_id == image_id),
            exists().where(FollowupChat.store_id == store, FollowupChat.image.in_(list(urls))),
        )
        return bool(await self.session.scalar(select(used)))

    async def delete(self, image: Image) -> None:
        await self.session.delete(image)
        await self.session.flush()
