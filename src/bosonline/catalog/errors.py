"""Error codes of catalog: categories, products, variants and SKUs."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class CatalogError(ErrorCode):
    default_category = "default_category", 403, "Default categories are read-only"
    category_not_found = "category_not_found", 404, "`category_id` is not a category of this store"
    category_exists = "category_exists", 409, "A category with this name already exists"
    category_limit = "category_limit", 409, "The store has as many categories as allowed"
    category_in_use = "category_in_use", 409, "Products are in this category: move them first or make it inactive"
    slug_taken = "slug_taken", 409, "Another product of the store already uses this slug"
    sku_taken = "sku_taken", 409, "This SKU is already used in the store"
    variant_has_stock = "variant_has_stock", 409, "Variants still holding stock cannot be removed"
