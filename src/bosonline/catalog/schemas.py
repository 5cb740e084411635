"""Wire shapes of /store/category, /store/product and its variants."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from bosonline.kit.fields import MULTI_LINE, SINGLE_LINE, UNIQUE_ITEMS, Centimeters, Grams, RecordId, Rupiah
from bosonline.kit.schemas import DeletedOut, ListMeta, RowOut, StrictBody, partial_edit_schema

MAX_VARIANTS = 100
MAX_ATTRIBUTES = 3
MAX_ATTRIBUTE_ITEMS = 50
MAX_IMAGES = 10
MAX_WHOLESALE_TIERS = 5
MAX_ORDER_QTY = 100_000

PublishStatus = Literal["active", "inactive"]


def _unique_casefold(values: list[str]) -> list[str]:
    seen: set[str] = set()
    for value in values:
        if value.casefold() in seen:
            raise ValueError(f"{value!r} is listed twice")
        seen.add(value.casefold())
    return values


def _unique(values: list[int]) -> list[int]:
    if len(set(values)) != len(values):
        raise ValueError("must not list the same id twice")
    return values


Sku = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"),
    Field(description="1–64 letters, digits and . _ / - (no spaces); unique in the store, case-insensitively."),
]
Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$"),
    Field(description="URL slug: lower-case letters, digits and single dashes; unique in the store."),
]
ProductName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), SINGLE_LINE]
Description = Annotated[str, Field(max_length=10_000), MULTI_LINE]
OptionLabel = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30), SINGLE_LINE]
CategoryName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60), SINGLE_LINE]
OrderQuantity = Annotated[int, Field(ge=2, le=MAX_ORDER_QTY)]


# --- categories -------------------------------------------------------------------------------------------------


class CategoryIn(StrictBody):
    name: CategoryName
    status: PublishStatus = "active"


class CategoryUpdateIn(StrictBody):
    """Only the fields sent change."""

    name: CategoryName | None = None
    status: PublishStatus | None = None

    @model_validator(mode="after")
    def _something(self) -> CategoryUpdateIn:
        if not self.model_fields_set:
            raise ValueError("send at least one field to change")
        if any(getattr(self, name) is None for name in self.model_fields_set):
            raise ValueError("fields must not be null; leave a field out to keep it")
        return self

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return partial_edit_schema(schema, handler)


class CategoryOut(BaseModel):
    id: int
    name: str
    status: str
    is_default: bool = Field(description="One of the platform's categories: usable by every store, read-only.")
    product_count: int = Field(description="Products of this store in the category (archived ones excluded).")


class CategoryRef(BaseModel):
    id: int
    name: str


# --- products and variants --------------------------------------------------------------------------------------


class AttributeIn(StrictBody):
    name: OptionLabel = Field(description="E.g. `Ukuran` or `Warna`.")
    items: Annotated[list[OptionLabel], AfterValidator(_unique_casefold)] = Field(
        min_length=1, max_length=MAX_ATTRIBUTE_ITEMS, description="E.g. `100gr`, `200gr`."
    )


class WholesaleTierIn(StrictBody):
    min_qty: OrderQuantity = Field(description="From this quantity on (2–100,000)…")
    price: Rupiah = Field(description="…each unit costs this.")


class VariantFields(StrictBody):
    """What a seller edits on one variant (Update Variant, and each variant of a product)."""

    name: ProductName | None = Field(None, description="Defaults to the option items joined by ` / `.")
    sku: Sku | None = None
    price: Rupiah
    cogs: Rupiah = Field(0, description="Cost of goods (HPP), whole rupiah.")
    weight_g: Grams | None = Field(None, description="Defaults to the product's weight.")
    length_cm: Centimeters | None = None
    width_cm: Centimeters | None = None
    height_cm: Centimeters | None = None
    wholesale_min_qty: OrderQuantity | None = Field(None, description="Smallest quantity sold at wholesale prices.")
    wholesale_tiers: list[WholesaleTierIn] = Field(default_factory=list, max_length=MAX_WHOLESALE_TIERS)
    status: PublishStatus = "active"
    image_id: RecordId | None = Field(None, description="One of the store's uploaded images.")

    @field_validator("wholesale_tiers")
    @classmethod
    def _tiers_make_sense(cls, tiers: list[WholesaleTierIn], info: ValidationInfo) -> list[WholesaleTierIn]:
        previous_qty, previous_price = 1, info.data.get("price")
        for tier in tiers:
            if tier.min_qty <= previous_qty:
                raise ValueError("tiers must go up in min_qty")
            if previous_price is not None and tier.price >= previous_price:
                raise ValueError("each tier's price must be below the price before it")
            previous_qty, previous_price = tier.min_qty, tier.price
        minimum = info.data.get("wholesale_min_qty")
        if tiers and minimum and tiers[0].min_qty < minimum:
            raise ValueError("the first tier starts below wholesale_min_qty")
        return tiers


class VariantIn(VariantFields):
    id: RecordId | None = Field(
        None, description="On edit: the variant to keep (its stock and id stay). Omitted: matched by `options`."
    )
    options: list[OptionLabel] = Field(
        default_factory=list,
        max_length=MAX_ATTRIBUTES,
        description="One item of each attribute, in attribute order; `[]` for a product without attributes.",
    )


class ProductIn(StrictBody):
    """A product with all its variants: one per combination of attribute items (a combination not sold is sent
    with `status: inactive`), or exactly one variant with `options: []` when there are no attributes."""

    name: ProductName
    description: Description = ""
    category_id: RecordId | None = Field(None, description="A category of the store or a default one.")
    sku: Sku | None = Field(None, description="Product-level (parent) SKU, optional.")
    slug: Slug | None = Field(None, description="Generated from the name when omitted.")
    status: PublishStatus = "active"
    weight_g: Grams
    length_cm: Centimeters | None = None
    width_cm: Centimeters | None = None
    height_cm: Centimeters | None = None
    image_ids: Annotated[list[RecordId], AfterValidator(_unique), Field(json_schema_extra=UNIQUE_ITEMS)] = Field(
        default_factory=list, max_length=MAX_IMAGES, description="Uploaded images, in display order."
    )
    attributes: list[AttributeIn] = Field(default_factory=list, max_length=MAX_ATTRIBUTES)
    variants: list[VariantIn] = Field(min_length=1, max_length=MAX_VARIANTS)

    @field_validator("attributes")
    @classmethod
    def _attribute_names_unique(cls, attributes: list[AttributeIn]) -> list[AttributeIn]:
        _unique_casefold([attribute.name for attribute in attributes])
        return attributes


class VariantUpdateIn(VariantFields):
    """Update Variant: every field of the variant is replaced (its options stay; they belong to the product)."""


class StatusIn(StrictBody):
    status: PublishStatus


class ImageOut(BaseModel):
    id: int
    url: str
    thumbnail_url: str


class StockOut(BaseModel):
    on_hand: int
    reserved: int
    available: int = Field(description="on_hand − reserved, over the store's warehouses.")


class WholesaleTierOut(RowOut):
    min_qty: int
    price: int


class VariantOut(RowOut):
    id: int
    product_id: int
    name: str
    options: list[str]
    position: int
    sku: str | None
    price: int
    cogs: int
    weight_g: int
    length_cm: int | None
    width_cm: int | None
    height_cm: int | None
    wholesale_min_qty: int | None
    wholesale_tiers: list[WholesaleTierOut]
    status: str
    image: ImageOut | None
    stock: StockOut
    created_at: datetime
    updated_at: datetime


class AttributeOut(RowOut):
    name: str
    items: list[str]


class Range(BaseModel):
    min: int
    max: int


class ProductSummaryOut(RowOut):
    """A product in lists."""

    id: int
    name: str
    sku: str | None
    slug: str | None
    status: str
    category: CategoryRef | None
    thumbnail: ImageOut | None = Field(description="The first image.")
    price: Range = Field(description="Over the active variants (all variants when none is active).")
    cogs: Range
    variant_count: int
    stock: StockOut
    created_at: datetime
    updated_at: datetime


class ProductOut(ProductSummaryOut):
    """Product Detail: everything about one product, with its variants."""

    description: str
    weight_g: int
    length_cm: int | None
    width_cm: int | None
    height_cm: int | None
    attributes: list[AttributeOut]
    images: list[ImageOut]
    variants: list[VariantOut]


class ProductEditOut(BaseModel):
    """Get Edit Product: the product as the edit form shows it, and the choices the form offers."""

    product: ProductOut
    categories: list[CategoryOut] = Field(description="Active categories the product can be put in.")
    limits: dict[str, int] = Field(description="Bounds the form should enforce (variants, attributes, images…).")


class ProductStatusCounts(BaseModel):
    all: int
    active: int
    inactive: int


class ProductListMeta(ListMeta):
    counts: ProductStatusCounts = Field(description="Products per status for the same search and category.")


class ProductListOut(BaseModel):
    data: list[ProductSummaryOut]
    meta: ProductListMeta


class ProductDeletedOut(DeletedOut):
    archived: bool = Field(
        description="True when orders refer to the product: it is hidden everywhere but kept for them; "
        "false when it was erased."
    )


class SkuCheckOut(BaseModel):
    sku: str
    available: bool
    product_id: int | None = Field(None, description="Who holds the SKU when it is taken.")
    variant_id: int | None = None
    product_name: str | None = None
    variant_name: str | None = None
