"""HTTP routes of /store/category (seed item Get Category)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, status

from bosonline.auth.permissions import Permission
from bosonline.catalog.category_service import CategoryService
from bosonline.catalog.schemas import CategoryIn, CategoryOut, CategoryUpdateIn
from bosonline.deps import store_service
from bosonline.kit.fields import path_id
from bosonline.kit.schemas import DeletedOut, Envelope, ErrorEnvelope
from bosonline.routing import api_router

router = api_router(prefix="/store/category", tags=["Product"])

CategoryId = Annotated[int, path_id("Category id.")]


Reader = store_service(CategoryService, Permission.catalog_read)
Writer = store_service(CategoryService, Permission.catalog_write)
_READ_ONLY = {403: {"model": ErrorEnvelope, "description": "`default_category`: the platform's defaults are read-only"}}


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
    responses={409: {"model": ErrorEnvelope, "description": "`category_exists` or `category_limit` (200)"}},
)
async def create_category(body: CategoryIn, service: Writer) -> Envelope[CategoryOut]:
    """A category of the store's own. Names are unique among the store's and the default categories, ignoring
    case."""
    return Envelope(data=await service.create(body))


@router.put(
    "/{category_id:int}",
    summary="Edit category",
    responses={**_READ_ONLY, 409: {"model": ErrorEnvelope, "description": "`category_exists`"}},
)
async def update_category(category_id: CategoryId, body: CategoryUpdateIn, service: Writer) -> Envelope[CategoryOut]:
    """Renames the category or changes its status; inactive categories cannot be given to products."""
    return Envelope(data=await service.update(category_id, body))


@router.delete(
    "/{category_id:int}",
    summary="Delete category",
    responses={**_READ_ONLY, 409: {"model": ErrorEnvelope, "description": "`category_in_use`: products are in it"}},
)
async def delete_category(category_id: CategoryId, service: Writer) -> Envelope[DeletedOut]:
    """Deletes a category no product is in (409 `category_in_use` otherwise)."""
    await service.delete(category_id)
    return Envelope(data=DeletedOut(id=category_id))
