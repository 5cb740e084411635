"""Wire shapes of a follow-up chat's Meta message template (whatsapp_cloud): which approved template goes to a
buyer outside the 24-hour window, and which of our placeholders fill its parameters, in order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, Field, StringConstraints

from bosonline.kit.placeholders import PLACEHOLDERS
from bosonline.kit.schemas import StrictBody

# Meta: a template name is at most 512 characters, lowercase letters, digits and underscores.
MAX_META_NAME = 512
# Meta documents no bound on the number of body variables; a follow-up has 15 placeholders to give.
MAX_BODY_PARAMETERS = 15
LANGUAGE_PATTERN = r"^[a-z]{2,3}(_[A-Z]{2,4})?$"

if TYPE_CHECKING:
    _PlaceholderName: TypeAlias = str
else:
    _PlaceholderName = Literal[tuple(PLACEHOLDERS)]
PlaceholderName = Annotated[
    _PlaceholderName,
    Field(description="One of the follow-up placeholders (without braces), e.g. `customer_name`."),
]

META_TEMPLATE_DOC = (
    "Meta's WhatsApp Cloud API delivers free text only within 24 hours of the buyer's last message to the number "
    "(the customer-service window); an order on the website does not open it. Outside it a follow-up of a "
    "`whatsapp_cloud` chat is sent as the approved Meta template named here (see `GET "
    "/store/wa-integration/{id}/templates` for the account's approved ones), its body variables `{{1}}`, `{{2}}`, … "
    "filled with the placeholders of `body` in that order (line breaks in a value become ` · `: Meta refuses them "
    "in parameters; an empty value is sent as `-`). Inside the window the chat's own text goes, as before. A chat "
    "without a Meta template does not send outside the window: the follow-up fails with `di luar jendela 24 jam: "
    "pilih template Meta`, and the CS can still send it by hand with its wa.me link."
)


class MetaHeaderText(StrictBody):
    type: Literal["text"] = Field(description="The template's header has one text variable.")
    placeholder: PlaceholderName


class MetaHeaderImage(StrictBody):
    type: Literal["image"] = Field(description="The template's header is an image: the follow-up chat's `image`.")


MetaHeader = Annotated[
    MetaHeaderText | MetaHeaderImage,
    Field(discriminator="type", description="The header's parameter, when the template's header has one."),
]


class MetaTemplateIn(StrictBody):
    """Set (or replace) the follow-up chat's Meta template."""

    name: Annotated[
        str,
        StringConstraints(min_length=1, max_length=MAX_META_NAME, pattern=r"^[a-z0-9_]+$"),
        Field(
            description="The approved template's name in Meta's WhatsApp Manager: 1–512 lowercase letters, digits "
            "and underscores.",
            examples=["pengingat_pembayaran"],
        ),
    ]
    language: Annotated[
        str,
        StringConstraints(min_length=2, max_length=12, pattern=LANGUAGE_PATTERN),
        Field(description="The approved language of the template: `id`, `en`, `en_US`, …", examples=["id"]),
    ]
    body: list[PlaceholderName] = Field(
        default_factory=list,
        max_length=MAX_BODY_PARAMETERS,
        description=f"The placeholders that fill the body's `{{{{1}}}}`, `{{{{2}}}}`, … in order, 0–"
        f"{MAX_BODY_PARAMETERS} (as many as the template has variables; a placeholder may repeat). With trigger "
        "`abandoned`, only the placeholders a checkout has values for.",
        examples=[["customer_name", "order_number", "total"]],
    )
    header: MetaHeader | None = None


class MetaTemplateOut(BaseModel):
    follow_up_chat_id: int
    name: str
    language: str
    body: list[str]
    header: dict[str, Any] | None = Field(description="`{type: text, placeholder}` or `{type: image}`, or null.")
