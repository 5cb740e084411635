"""All SQL of uploaded images. Every statement starts from the request's store (tenancy) and one library: product
images (Upload Image) or the store's own media (POST /store/media); neither sees the other's rows."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.kit.pagination import Page, PageParams, keyset_page
from bosonline.models import FollowupChat, Image, OrderPayment, ProductImage, ProductVariant
from bosonline.tenancy import RowRepository, StoreContext


class MediaRepository(RowRepository[Image]):
    model = Image

    def __init__(self, session: AsyncSession, ctx: StoreContext, library: str = "product") -> None:
        super().__init__(session, ctx)
        self.library = library

    def rows(self) -> Select[Image]:
        """The library's images (`get` for_update, PostgreSQL: a product being saved with the image at the same
        moment waits, or we do)."""
        return self.scoped(Image).where(Image.library == self.library)

    async def page(self, params: PageParams) -> tuple[Page[Image], int]:
        total = await self.count()
        return await keyset_page(self.session, self.rows(), [Image.id], params, descending=True), total

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
