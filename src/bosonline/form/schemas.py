"""Wire shapes of /store/form and its success page."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal, TypeAlias

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from bosonline.form.rules import DEFAULT_PAYMENT_METHODS, MAX_BATCH, MAX_COURIERS, MAX_ITEMS, SLUG_MAX, TITLE_MAX
from bosonline.form.success import MAX_MESSAGE, MAX_REDIRECT_URL, MAX_WHATSAPP_TEXT, SuccessMode, check_redirect_url
from bosonline.kit.fields import HTTP_URL_PATTERN, MULTI_LINE, SINGLE_LINE, UNIQUE_ITEMS, RecordId, declared, id_batch
from bosonline.kit.placeholders import check_placeholders
from bosonline.kit.schemas import StrictBody
from bosonline.shipping.couriers import COURIERS

MAX_QUANTITY = 1000

FormStatus = Literal["active", "inactive"]
PaymentMethod = Literal["bank_transfer", "cod", "qris"]
if TYPE_CHECKING:
    CourierCode: TypeAlias = str  # one of COURIERS: a Literal built at run time, which type checkers cannot read
else:
    CourierCode = Literal[tuple(COURIERS)]  # the codes shipping knows
FieldVisibility = Literal["hidden", "optional", "required"]
AddressMode = Literal["full", "district"]

FormSlug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=SLUG_MAX, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$"),
    Field(description="The public page's path (`/f/<slug>`): a–z, 0–9 and single inner hyphens, unique in the store."),
]
FormTitle = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX), SINGLE_LINE]
FormDescription = Annotated[str, Field(max_length=2000), MULTI_LINE]
MetaPixelId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{5,20}$")]
TiktokPixelId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Z0-9]{5,32}$")]
Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY)]


class FormItemIn(StrictBody):
    product_id: RecordId = Field(description="A live product of the store.")
    variant_id: RecordId | None = Field(
        None, description="One live variant of that product; null offers every active variant of the product."
    )
    default_quantity: Quantity = Field(1, description="Quantity preselected on the page, 1–`max_quantity`.")


class FieldsIn(StrictBody):
    email: FieldVisibility = Field("hidden", description="Whether the page asks for the buyer's email.")
    notes: FieldVisibility = Field("optional", description="Whether the page asks for order notes.")
    address: AddressMode = Field(
        "full",
        description="`full`: street address and region; `district`: only the district (kecamatan), no street "
        "address (common for COD forms).",
    )


class FormIn(StrictBody):
    """A whole form: sent on create, and again in full on edit."""

    title: FormTitle
    slug: FormSlug | None = Field(
        None,
        description="Defaults to the title slugified (with -2, -3… when taken). On edit, left out keeps the "
        "current slug.",
    )
    description: FormDescription = ""
    status: FormStatus = "active"
    items: list[FormItemIn] = Field(
        min_length=1, max_length=MAX_ITEMS, description=f"1–{MAX_ITEMS} products or variants, each once."
    )
    fields: FieldsIn = Field(default_factory=FieldsIn, description="What the page asks of buyers.")
    payment_methods: list[PaymentMethod] = Field(
        default_factory=lambda: list(DEFAULT_PAYMENT_METHODS),
        min_length=1,
        max_length=3,
        description="Payment methods offered, each once.",
        json_schema_extra=UNIQUE_ITEMS,
    )
    couriers: list[CourierCode] = Field(
        default_factory=list,
        max_length=MAX_COURIERS,
        description="Courier codes offered, each once; `[]` offers every courier on the store's rate card.",
        json_schema_extra=UNIQUE_ITEMS,
    )
    accept_vouchers: bool = True
    show_stock: bool = Field(
        True,
        description='Whether the buyer page shows how many units are left ("Sisa 3"); out of stock is always shown.',
    )
    max_quantity: Quantity = Field(100, description="Most units a buyer may order of one item.")
    meta_pixel_id: MetaPixelId | None = Field(None, description="Meta (Facebook) pixel id: 5–20 digits.")
    tiktok_pixel_id: TiktokPixelId | None = Field(None, description="TikTok pixel id: 5–32 of A–Z and 0–9.")


class FormStatusIn(StrictBody):
    status: FormStatus


class DuplicateBatchIn(StrictBody):
    ids: list[RecordId] = id_batch(MAX_BATCH, "form")


MessageText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE),
    MULTI_LINE,
    AfterValidator(check_placeholders),
]
RedirectUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_REDIRECT_URL),
    AfterValidator(check_redirect_url),
    Field(json_schema_extra=declared(HTTP_URL_PATTERN)),
]
WhatsappText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_WHATSAPP_TEXT),
    MULTI_LINE,
    AfterValidator(check_placeholders),
]


class SuccessPageIn(StrictBody):
    """The text the mode needs is required; the others may be sent too and are kept (for switching modes)."""

    mode: SuccessMode = Field(
        description="`message`: a thank-you text on the page; `redirect`: the buyer is sent to `redirect_url`; "
        "`whatsapp`: the buyer is sent to wa.me of the order's CS with `whatsapp_text` prefilled."
    )
    message: MessageText | None = Field(None, description=f"1–{MAX_MESSAGE} characters, placeholders allowed.")
    redirect_url: RedirectUrl | None = Field(
        None,
        description=f"Absolute http(s) URL, at most {MAX_REDIRECT_URL} characters, no credentials; placeholders "
        "(e.g. `?order={{order_number}}`) only in the query, filled in URL-encoded.",
    )
    whatsapp_text: WhatsappText | None = Field(
        None, description=f"1–{MAX_WHATSAPP_TEXT} characters, placeholders allowed."
    )


# --- output -----------------------------------------------------------------------------------------------------


class PriceRange(BaseModel):
    min: int
    max: int


class FormItemOut(BaseModel):
    id: int
    product_id: int
    product_name: str
    product_status: str = Field(description="`active`, `inactive` or `archived` (deleted from the catalog).")
    variant_id: int | None
    variant_name: str | None
    variant_status: str | None = Field(description="Of the variant item: `active`, `inactive` or `archived`.")
    price: PriceRange = Field(
        description="The product's price range for a whole-product item; the variant's price (min = max) else."
    )
    default_quantity: int


class FieldsOut(BaseModel):
    email: str
    notes: str
    address: str


class SuccessSummaryOut(BaseModel):
    mode: str
    is_custom: bool = Field(description="False while the default thank-you message is used.")


class FormOut(BaseModel):
    id: int
    slug: str
    title: str
    description: str
    status: str
    items: list[FormItemOut]
    fields: FieldsOut
    payment_methods: list[str]
    couriers: list[str]
    accept_vouchers: bool
    show_stock: bool = Field(description="Whether the buyer page shows how many units are left.")
    max_quantity: int
    meta_pixel_id: str | None
    tiktok_pixel_id: str | None
    success_page: SuccessSummaryOut
    public_url: str = Field(description="The public checkout page buyers open.")
    orders_count: int = Field(description="Orders placed through this form.")
    created_at: datetime
    updated_at: datetime


class PlaceholderOut(BaseModel):
    name: str
    description: str


class SuccessPageOut(BaseModel):
    mode: str
    message: str = Field(description="The custom message, or the default one.")
    redirect_url: str | None
    whatsapp_text: str = Field(description="The custom WhatsApp text, or the default one.")
    is_custom: bool = Field(description="False while the form has never had its own success page.")
    placeholders: list[PlaceholderOut] = Field(description="Every `{{name}}` the texts may use.")
