"""All SQL of follow-up chat templates, limited to the request's store. `product_id=None` means the store's
default set (templates without a product)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Select, exists, func, update

from bosonline.kit.pagination import Page, PageParams, count_rows, keyset_page
from bosonline.models import FollowupChat, FollowupMessage, Form, FormItem, Image, Product, WaIntegration
from bosonline.tenancy import ScopedRepository


class TemplateRepository(ScopedRepository):
    def _of(self, product_id: int | None) -> Select[FollowupChat]:
        stmt = self.scoped(FollowupChat)
        if product_id is None:
            return stmt.where(FollowupChat.product_id.is_(None))
        return stmt.where(FollowupChat.product_id == product_id)

    async def product_exists(self, product_id: int) -> bool:
        stmt = (
            self.scoped(Product)
            .with_only_columns(Product.id)
            .where(Product.id == product_id, Product.archived_at.is_(None))
        )
        return await self.session.scalar(stmt) is not None

    async def all(self, product_id: int | None) -> list[FollowupChat]:
        stmt = self._of(product_id).order_by(FollowupChat.position, FollowupChat.id)
        return list(await self.session.scalars(stmt))

    async def page(self, product_id: int | None, params: PageParams) -> Page[FollowupChat]:
        return await keyset_page(self.session, self._of(product_id), [FollowupChat.position, FollowupChat.id], params)

    async def count(self, product_id: int | None) -> int:
        return await count_rows(self.session, self._of(product_id))

    async def max_position(self, product_id: int | None) -> int:
        stmt = self._of(product_id).with_only_columns(func.max(FollowupChat.position))
        return int(await self.session.scalar(stmt) or 0)

    async def get(self, product_id: int | None, chat_id: int, *, for_update: bool = False) -> FollowupChat | None:
        return await self._one(self._of(product_id), chat_id, for_update)

    async def any_of_store(self, chat_id: int, *, for_update: bool = False) -> FollowupChat | None:
        """A template of the store, of a product or a store default."""
        return await self._one(self.scoped(FollowupChat), chat_id, for_update)

    async def _one(self, stmt: Select[FollowupChat], chat_id: int, for_update: bool) -> FollowupChat | None:
        stmt = stmt.where(FollowupChat.id == chat_id)
        if for_update:
            stmt = stmt.with_for_update()
        return await self.session.scalar(stmt)

    async def add_all(self, chats: list[FollowupChat]) -> None:
        for chat in chats:
            chat.store_id = self.ctx.store_id
        self.session.add_all(chats)
        await self.session.flush()

    async def remove(self, chat: FollowupChat, *, now: datetime, reason: str) -> None:
        """Deletes the template; its follow-ups still waiting are canceled (the others keep their snapshots)."""
        await self.session.execute(
            update(FollowupMessage)
            .where(
                FollowupMessage.store_id == self.ctx.store_id,
                FollowupMessage.template_id == chat.id,
                FollowupMessage.status == "scheduled",
            )
            .values(status="canceled", error=reason, updated_at=now, locked_until=None)
            .execution_options(synchronize_session=False)
        )
        await self.session.delete(chat)
        await self.session.flush()

    async def integrations(self, ids: Iterable[int | None]) -> dict[int, WaIntegration]:
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return {}
        rows = await self.session.scalars(self.scoped(WaIntegration).where(WaIntegration.id.in_(wanted)))
        return {row.id: row for row in rows}

    async def form_payment_methods(self, product_id: int | None) -> list[list[str]]:
        """The payment methods of each active form of the store (offering the product, when one is given)."""
        stmt = (
            self.scoped(Form)
            .with_only_columns(Form.payment_methods)
            .where(Form.status == "active", Form.deleted_at.is_(None))
        )
        if product_id is not None:
            stmt = stmt.where(
                exists().where(
                    FormItem.form_id == Form.id,
                    FormItem.store_id == self.ctx.store_id,
                    FormItem.product_id == product_id,
                )
            )
        return [list(methods or []) for methods in await self.session.scalars(stmt)]

    async def media_key_exists(self, key: str) -> bool:
        stmt = (
            self.scoped(Image).with_only_columns(Image.id).where((Image.storage_key == key) | (Image.thumb_key == key))
        )
        return await self.session.scalar(stmt.limit(1)) is not None
