"""Wire shapes of follow-up chat templates: Scalev's v3 body and response object (seed `000_…`), the bounds and
the published semantics of each field (readable at /docs), and the list shapes of both trees."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Generic, Literal, TypeAlias, TypeVar
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from bosonline.followup import rules
from bosonline.followup.render import LEAD_PLACEHOLDERS
from bosonline.followup.schedule import LEAD_IDLE
from bosonline.integrations.whatsapp.base import PROVIDERS
from bosonline.kit.fields import (
    HTTP_URL_PATTERN,
    MULTI_LINE,
    SINGLE_LINE,
    RecordIds,
    declared,
)
from bosonline.kit.phone import ShownPhone
from bosonline.kit.placeholders import PLACEHOLDERS, check_placeholders
from bosonline.kit.schemas import StrictBody, from_row, not_null_schema, refuse_null
from bosonline.models import FollowupChat, WaIntegration
from bosonline.order.state import STATUSES

MAX_TEMPLATES = 20  # per product, and store defaults
MAX_IMAGE_URL = 500
MAX_V3_PAGE = 25
TEXT_FIELDS: tuple[str, ...] = tuple(rules.text_field(category) for category in rules.PAYMENT_CATEGORIES)
ALL_PROVIDERS: tuple[str, ...] = (rules.MANUAL, *PROVIDERS)

PLACEHOLDER_LIST = "\n".join(f"- `{{{{{name}}}}}`: {meaning}" for name, meaning in PLACEHOLDERS.items())
LEAD_PLACEHOLDER_LIST = ", ".join(f"`{{{{{name}}}}}`" for name in LEAD_PLACEHOLDERS)
IDLE_MINUTES = int(LEAD_IDLE.total_seconds() // 60)

TRIGGER_DOC = (
    "What starts the follow-up's clock. `order_created` (default): the order is created. `abandoned`: a checkout "
    "was saved but not submitted (the buyer left): the clock starts at the buyer's LAST save of the checkout and "
    "every save restarts it (see `hours_after`); it stops once the checkout becomes an order, and its texts may use "
    "only the placeholders a checkout has values for. An order status name ("
    + ", ".join(f"`{s}`" for s in STATUSES)
    + "): see `change_status`. A follow-up stops applying (it is canceled, never sent) once the order no longer "
    "fits it: for `order_created` once the order is paid, confirmed or moved on; for a status trigger once the order "
    "leaves that status (and, for `draft`/`pending`, once it is paid); canceled/closed/returned orders stop them all."
)
CHANGE_STATUS_DOC = (
    "Only meaningful when `trigger` is an order status. `true`: the clock starts when the order's status changes to "
    "`trigger` (an order created in that status starts it at creation), and doing this follow-up by hand moves the "
    "order to that status when the status table allows it. `false` (default): due `hours_after` after the order "
    "is created, but sent (or offered to the CS) only while the order is in that status: if it falls due before the "
    "order gets there it waits and goes once the order does; it is canceled once the order can no longer reach it."
)
HOURS_AFTER_DOC = (
    f"Hours between the start of the clock and the follow-up, 0–{rules.MAX_HOURS_AFTER} (30 days). 0 (default): "
    "for a gateway template, as soon as the store's quiet hours and the number's pacing allow; for a manual one, "
    "as soon as a CS acts. A gateway send that falls due during the store's quiet hours (default 21:00–08:00 store "
    "time) waits until they end, unless a CS asked for it (Follow Up); pacing spaces each number's messages "
    "(`pacing_per_minute`). With `trigger` `abandoned` the follow-up is due max(`hours_after` hours, "
    f"{IDLE_MINUTES} minutes) after the buyer's last save of the checkout (a buyer idle for {IDLE_MINUTES} minutes "
    "has left), and every save starts that wait again: a buyer still typing gets nothing."
)
PROVIDER_DOC = (
    "How the follow-up is sent. `manual`: a CS sends it by opening a wa.me link with the rendered text (nothing is "
    "sent automatically). " + ", ".join(f"`{p}`" for p in PROVIDERS) + ": sent automatically when due, through a "
    "WhatsApp integration chosen by `wa_gateway_assignation_type` (see there). Changing the provider also changes "
    "how the template's follow-ups still scheduled will go."
)
ASSIGNATION_DOC = (
    "Which WhatsApp number sends a gateway follow-up, chosen at each send. `fixed` (default): always "
    "`wa_integration_id` (required then); nothing is sent from it while it is inactive or deleted. `handler`: an "
    "active number owned by the order's CS (`owner_member_id` = the order's handler when the message is sent), "
    "preferring one of the template's provider, else one of another provider the CS owns; without one (or for an "
    "abandoned checkout, which has no CS), `wa_integration_id` if it is active. Not sticky: each send looks again, "
    "so an order given to another CS is written from that CS's number. `rotator`: round-robin over the store's "
    "active numbers of the template's provider (none: `wa_integration_id` if active). An order (or abandoned "
    "checkout) that already got a message keeps the LAST number that wrote to it (sent, or may have sent: "
    "`unknown`), from whichever template and provider, while that number is active. Ignored (stored as given) for "
    "`manual`."
)
INTEGRATION_DOC = (
    "A WhatsApp integration of this store (`/store/wa-integration`) whose provider is the template's `provider`. "
    "Required for a gateway provider with `fixed` assignation; null otherwise."
)
TEXTS_DOC = (
    f"At most {rules.MAX_TEXT:,} characters; line breaks allowed. The text sent to buyers who pay with that method "
    "category: `text_for_bank_transfer` (Transfer Bank), `text_for_cod` (COD), `text_for_epayment` (QRIS, virtual "
    "accounts, e-wallets). A text may not be empty for a category the product can be paid with (the payment "
    "methods of the store's active forms offering the product; for store defaults, of all active forms); with no "
    "such form at least one text is required. An order whose category has an empty text skips this follow-up. "
    "An abandoned checkout gets the text of its payment method's category; one abandoned before a payment method "
    "was chosen gets the first non-empty text in the order bank transfer, COD, e-payment. "
    "Placeholders, replaced by plain substitution when the message is rendered (a missing value renders empty; an "
    "unknown `{{name}}` is refused with a 422 when saving):\n\n" + PLACEHOLDER_LIST + "\n\n"
    "A template with `trigger` `abandoned` goes to a checkout that is not an order yet (no number, total, payment, "
    "courier or address): its texts may use only " + LEAD_PLACEHOLDER_LIST + " (`{{payment_url}}` is the checkout "
    "form, `{{cs_name}}`/`{{cs_phone}}` the store's); any other is refused with a 422 naming it."
)
IMAGE_DOC = (
    f"Picture sent with the message: an http(s) URL of at most {MAX_IMAGE_URL} characters, or the `url` of an image "
    "uploaded to this store's media (`/store/media`). With provider `whatsapp_cloud` and an image, each text is at "
    "most 1,024 characters (Meta's caption limit)."
)
IS_DEFAULT_DOC = (
    "A product template marked default also follows up orders of products that have no templates of their own "
    "(after the store's default set). Which templates an order gets: those of its first product (by line position) "
    "that has templates; otherwise the store's defaults (`/store/follow-up-chats`), then product templates marked "
    "`is_default`. Their order is the steps: Follow Up 1, 2, 3, …"
)

SEMANTICS = f"""
**How follow-up chats work.** Each order is followed up over WhatsApp with the templates that apply to it, in
order (Follow Up 1, 2, 3, …), until it is paid, confirmed or no longer fits them.

- **Which templates.** {IS_DEFAULT_DOC}
- **`trigger`.** {TRIGGER_DOC}
- **`change_status`.** {CHANGE_STATUS_DOC}
- **`hours_after`.** {HOURS_AFTER_DOC}
- **`provider`.** {PROVIDER_DOC}
- **`wa_gateway_assignation_type`.** {ASSIGNATION_DOC}
- **Texts.** One per payment category; bank transfer, COD, e-payment. An empty text for a category the product
  is sold with is refused (422). An `abandoned` template may use only {LEAD_PLACEHOLDER_LIST} (422 naming any
  other).
- **Limits.** At most {MAX_TEMPLATES} templates per product and {MAX_TEMPLATES} store defaults (409
  `followup_chat_limit_reached`). A new template goes last.

**Placeholders** (plain substitution; unknown names are refused when saving):

{PLACEHOLDER_LIST}
"""


def _http_or_media(value: str) -> str:
    """An absolute http(s) URL with a host, or a path (checked by the service against this store's media)."""
    if value.startswith("/"):
        if value.startswith("//") or any(ch.isspace() for ch in value):
            raise ValueError("must be an http(s) URL or the url of an image uploaded to this store")
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(ch.isspace() for ch in value):
        raise ValueError("must be an http(s) URL or the url of an image uploaded to this store")
    return value


TemplateName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    SINGLE_LINE,
    Field(description="Name of the follow-up chat, 1–100 characters, e.g. `Follow Up 1`.", examples=["Follow Up 1"]),
]
if TYPE_CHECKING:  # Literals built at run time from the tuples, which type checkers cannot read: str to them
    _ProviderCode: TypeAlias = str
    _TriggerCode: TypeAlias = str
    _AssignationCode: TypeAlias = str
else:
    _ProviderCode = Literal[ALL_PROVIDERS]
    _TriggerCode = Literal[rules.TRIGGERS]
    _AssignationCode = Literal[rules.ASSIGNATIONS]
Provider = Annotated[
    _ProviderCode,
    Field(description=PROVIDER_DOC, examples=["manual"]),
]
Trigger = Annotated[
    _TriggerCode,
    Field(description=TRIGGER_DOC, examples=["order_created"]),
]
Assignation = Annotated[
    _AssignationCode,
    Field(description=ASSIGNATION_DOC, examples=["fixed"]),
]
HoursAfter = Annotated[int, Field(ge=0, le=rules.MAX_HOURS_AFTER, description=HOURS_AFTER_DOC, examples=[24])]
ChangeStatus = Annotated[bool, Field(description=CHANGE_STATUS_DOC)]
IsDefault = Annotated[bool, Field(description=IS_DEFAULT_DOC)]
ImageUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_IMAGE_URL),
    SINGLE_LINE,
    AfterValidator(_http_or_media),
    Field(
        description=IMAGE_DOC,
        examples=["https://cdn.example.com/promo.jpg"],
        json_schema_extra=declared(f"{HTTP_URL_PATTERN}|^/media/[A-Za-z0-9._/-]+$"),
    ),
]
Text = Annotated[
    str,
    StringConstraints(max_length=rules.MAX_TEXT),
    MULTI_LINE,
    AfterValidator(check_placeholders),
    Field(description=TEXTS_DOC, examples=["Halo Kak {{customer_name}}, pesanan {{order_number}} …"]),
]
IntegrationId = Annotated[int, Field(ge=1, le=2**53, description=INTEGRATION_DOC)]


class FollowupChatIn(StrictBody):
    """Create a follow-up chat (Scalev's body). Also the merged result a PATCH is validated as."""

    name: TemplateName
    provider: Provider
    change_status: ChangeStatus = False
    hours_after: HoursAfter = 0
    image: ImageUrl | None = None
    is_default: IsDefault = False
    text_for_bank_transfer: Text = Field("", description="Text for buyers paying by bank transfer. " + TEXTS_DOC)
    text_for_cod: Text = Field("", description="Text for buyers paying cash on delivery (COD). " + TEXTS_DOC)
    text_for_epayment: Text = Field("", description="Text for buyers paying by QRIS/VA/e-wallet. " + TEXTS_DOC)
    trigger: Trigger = rules.ORDER_CREATED
    wa_gateway_assignation_type: Assignation = "fixed"
    wa_integration_id: IntegrationId | None = None


_CLEARABLE = ("image", "wa_integration_id")  # null clears them; the other fields have no null to be


class FollowupChatPatch(StrictBody):
    """Edit a follow-up chat: only the keys given change; the result is validated as a whole (as on create).
    Only `image` and `wa_integration_id` may be sent as null (to clear them)."""

    name: TemplateName | None = None
    provider: Provider | None = None
    change_status: ChangeStatus | None = None
    hours_after: HoursAfter | None = None
    image: ImageUrl | None = None
    is_default: IsDefault | None = None
    text_for_bank_transfer: Text | None = None
    text_for_cod: Text | None = None
    text_for_epayment: Text | None = None
    trigger: Trigger | None = None
    wa_gateway_assignation_type: Assignation | None = None
    wa_integration_id: IntegrationId | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: object, info: ValidationInfo) -> object:
        return value if info.field_name in _CLEARABLE else refuse_null(value)

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return not_null_schema(schema, handler, nullable=_CLEARABLE)


class GenerateIn(StrictBody):
    """Options of the generated default set, applied to every template of it."""

    provider: Provider = rules.MANUAL
    wa_gateway_assignation_type: Assignation = "fixed"
    wa_integration_id: IntegrationId | None = None


class OrderIn(StrictBody):
    ids: RecordIds = Field(
        max_length=MAX_TEMPLATES,
        description="Every template id of the product (or every store default), each once, in the new order: the "
        "first is Follow Up 1.",
    )


class WaIntegrationBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    phone_number: ShownPhone  # the seed's object has no room for a 628… twin
    provider: str


class FollowupChatOut(BaseModel):
    """Scalev's follow-up chat object, key for key."""

    bundle_id: int | None = Field(None, description="Bundles do not exist in bosonline: always null.")
    change_status: bool = Field(description=CHANGE_STATUS_DOC)
    hours_after: int = Field(description=HOURS_AFTER_DOC)
    id: int
    image: str | None = Field(description=IMAGE_DOC)
    is_default: bool = Field(description=IS_DEFAULT_DOC)
    name: str
    product_id: int | None = Field(description="The product; null for a store default.")
    provider: str = Field(description=PROVIDER_DOC)
    store_id: int
    text_for_bank_transfer: str
    text_for_cod: str
    text_for_epayment: str
    trigger: str = Field(description=TRIGGER_DOC)
    wa_gateway_assignation_type: str = Field(description=ASSIGNATION_DOC)
    wa_integration: WaIntegrationBrief | None = Field(description="The integration `wa_integration_id` names.")

    @classmethod
    def of(cls, chat: FollowupChat, integration: WaIntegration | None) -> FollowupChatOut:
        brief = WaIntegrationBrief.model_validate(integration) if integration is not None else None
        return from_row(cls, chat, bundle_id=None, wa_integration=brief)


T = TypeVar("T")


class ScalevList(BaseModel, Generic[T]):
    """Scalev's v3 list shape."""

    data: list[T]
    has_next: bool = Field(description="Whether another page follows.")
    next_cursor: str | None = Field(description="Pass as `?cursor=` for the next page; null on the last.")


class ScalevError(BaseModel):
    """Scalev's v3 error shape."""

    error: str = Field(examples=["Record not found"])
    error_code: str = Field(examples=["not_found"])


def current_values(chat: FollowupChat) -> dict[str, Any]:
    """A template's fields as FollowupChatIn takes them (the base a PATCH is merged onto)."""
    return {name: getattr(chat, name) for name in FollowupChatIn.model_fields}
