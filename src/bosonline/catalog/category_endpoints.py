"""HTTP routes of /store/category (seed item Get Category)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, status

from bosonline.catalog.category_service import CategoryService
from bosonline.catalog.errors import CatalogError
from bosonline.catalog.schemas import CategoryIn, CategoryOut, CategoryUpdateIn
from bosonline.deps import store_service
from bosonline.errors import error_responses
from bosonline.kit.fields import path_id
from bosonline.kit.schemas import DeletedOut, Envelope
from bosonline.permissions import Permission
from bosonline.routing import api_router

router = api_router(prefix="/store/category", tags=["Product"])

CategoryId = Annotated[int, path_id("Category id.")]


Reader = Annotated[CategoryService, store_service(CategoryService, Permission.catalog_read)]
Writer = Annotated[CategoryService, store_service(CategoryService, Permission.catalog_write)]
_READ_ONLY = CatalogError.default_category


@router.get("", summary="Get Category")
async def list_categories(
    service: Reader, status: Annotated[Literal["active", "inactive"] | None, Query()] = None
) -> Envelope[list[CategoryOut]]:
    """The store's own categories (by name), then the platform's default ones (`is_default: true`, read-only),
    each with how many of the store's products it holds."""
    return Envelope(data=await service.list(status=status))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create category",
    responses=error_responses(CatalogError.category_exists, CatalogError.category_limit),
)
async def create_category(body: CategoryIn, service: Writer) -> Envelope[CategoryOut]:
    """A category of the store's own. Names are unique among the store's and the default categories, ignoring
    case."""
    return Envelope(data=await service.create(body))


@router.put(
    "/{category_id:int}",
    summary="Edit category",
    responses=error_responses(_READ_ONLY, CatalogError.category_exists),
)
async def update_category(category_id: CategoryId, body: CategoryUpdateIn, service: Writer) -> Envelope[CategoryOut]:
    """Renames the category or changes its status; inactive categories cannot be given to products."""
    return Envelope(data=await service.update(category_id, body))


@router.delete(
    "/{category_id:int}",
    summary="Delete category",
    responses=error_responses(_READ_ONLY, CatalogError.category_in_use),
)
async def delete_category(category_id: CategoryId, service: Writer) -> Envelope[DeletedOut]:
    """Deletes a category no product is in (409 `category_in_use` otherwise)."""
    await service.delete(category_id)
    return Envelope(data=DeletedOut(id=category_id))
