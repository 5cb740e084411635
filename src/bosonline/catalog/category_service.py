"""Rules of categories: the store's own are editable, the platform's defaults are read-only; names are unique
(case-insensitively) among both."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.catalog.errors import CatalogError
from bosonline.catalog.repository import CategoryRepository
from bosonline.catalog.schemas import CategoryIn, CategoryOut, CategoryUpdateIn
from bosonline.errors import Conflict, Forbidden, conflict_for, found
from bosonline.models import Category
from bosonline.models.catalog import CATEGORY_NAME_UNIQUE
from bosonline.runtime import Runtime
from bosonline.tenancy import ScopedService, StoreContext

MAX_CATEGORIES = 200


def _out(category: Category, product_counts: dict[int, int]) -> CategoryOut:
    return CategoryOut(
        id=category.id,
        name=category.name,
        status=category.status,
        is_default=category.store_id is None,
        product_count=product_counts.get(category.id, 0),
    )


class CategoryService(ScopedService):
    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        super().__init__(session, runtime, ctx)
        self.repo = CategoryRepository(session, ctx)

    async def list(self, *, status: str | None = None) -> list[CategoryOut]:
        categories = await self.repo.all(status=status)
        counts = await self.repo.product_counts()
        return [_out(category, counts) for category in categories]

    async def create(self, data: CategoryIn) -> CategoryOut:
        if await self.repo.count_own() >= MAX_CATEGORIES:
            raise Conflict(f"A store can have at most {MAX_CATEGORIES} categories", code=CatalogError.category_limit)
        await self._check_name_free(data.name)
        now = self.rt.clock.now()
        category = await self.repo.insert(
            Category(name=data.name, name_key=data.name.casefold(), status=data.status, created_at=now, updated_at=now)
        )
        return _out(category, {})

    async def update(self, category_id: int, data: CategoryUpdateIn) -> CategoryOut:
        category = await self._own(category_id)
        if data.name is not None and data.name != category.name:
            if data.name.casefold() != category.name_key:
                await self._check_name_free(data.name)
            category.name, category.name_key = data.name, data.name.casefold()
        if data.status is not None:
            category.status = data.status
        category.updated_at = self.rt.clock.now()
        await self.session.flush()
        return _out(category, {category.id: await self.repo.product_count(category.id)})

    async def delete(self, category_id: int) -> None:
        category = await self._own(category_id)
        in_use = await self.repo.product_count(category.id)
        if in_use:
            raise Conflict(
                f"{in_use} product(s) are in this category; move them first or make the category inactive",
                code=CatalogError.category_in_use,
            )
        await self.repo.release_from_archived_products(category.id)
        await self.repo.delete(category)

    async def _own(self, category_id: int) -> Category:
        category = found(await self.repo.visible(category_id))
        if category.store_id is None:
            raise Forbidden(
                "Default categories are read-only; create a category of your own", code=CatalogError.default_category
            )
        return category

    async def _check_name_free(self, name: str) -> None:
        if await self.repo.by_name(name.casefold()) is not None:
            raise conflict_for(CATEGORY_NAME_UNIQUE)
