"""HTTP routes of follow-up chat templates: Scalev's v3 contract per product, and the store's defaults.

Both trees run the same TemplateService; only the wire differs (Scalev's bare objects, lists and errors under /v3,
the bosOnline envelope under /store). Fixed paths (`generate`, `order`) are declared before `/{chat_id}`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body, Depends, Query, Response, status

from bosonline.deps import store_service
from bosonline.errors import CommonError, error_responses
from bosonline.followup.errors import FollowupError
from bosonline.followup.templates.meta_schemas import META_TEMPLATE_DOC, MetaTemplateIn, MetaTemplateOut
from bosonline.followup.templates.meta_service import MetaTemplateService
from bosonline.followup.templates.schemas import (
    MAX_TEMPLATES,
    MAX_V3_PAGE,
    SEMANTICS,
    FollowupChatIn,
    FollowupChatOut,
    FollowupChatPatch,
    GenerateIn,
    OrderIn,
    ScalevError,
    ScalevList,
)
from bosonline.followup.templates.service import TemplateService
from bosonline.kit.fields import OneLineText, path_id
from bosonline.kit.pagination import PageParams, PageQuery
from bosonline.kit.schemas import Envelope, ListEnvelope
from bosonline.permissions import Permission
from bosonline.routing import api_router

v3_router = api_router(prefix="/v3/products/{product_id}/follow-up-chats", tags=["Follow-up chat"])
store_router = api_router(prefix="/store/follow-up-chats", tags=["Follow-up chat"])

Reader = Annotated[TemplateService, store_service(TemplateService, Permission.orders_read)]
Writer = Annotated[TemplateService, store_service(TemplateService, Permission.followup_templates_write)]
MetaReader = Annotated[MetaTemplateService, store_service(MetaTemplateService, Permission.orders_read)]
MetaWriter = Annotated[MetaTemplateService, store_service(MetaTemplateService, Permission.followup_templates_write)]
ProductId = Annotated[int, path_id("The product (of the store acting).")]
ChatId = Annotated[int, path_id("Follow-up chat id.")]

_GENERATE_DOC = (
    "Creates the default follow-up set, in Indonesian, with texts for bank transfer, COD and e-payment:\n\n"
    "1. **Konfirmasi Pesanan** (0 h): thanks and order summary; transfer: the accounts and the amount; COD: "
    "confirm the address and that the buyer is ready to pay the courier; e-payment: the payment page.\n"
    "2. **Pengingat Pembayaran** (6 h): payment (or, for COD, confirmation) reminder.\n"
    "3. **Follow Up 1** (24 h): asks whether something went wrong, repeats how to pay.\n"
    "4. **Follow Up 2** (48 h): last reminder before the order is canceled.\n\n"
    "All with `trigger` `order_created`, `change_status` false. The optional body (`provider`, "
    "`wa_gateway_assignation_type`, `wa_integration_id`, validated as on create) applies to all four; left out: "
    "`manual`. 409 `followup_chats_exist` when templates already exist. Edit the texts afterwards as you like."
)
_ORDER_DOC = (
    "Puts the templates in a new order: `ids` must hold every template id, each once (else 422). The first is "
    "Follow Up 1. Follow-ups already scheduled for orders keep the step they were scheduled with."
)
_PATCH_DOC = (
    "Changes the keys given; the result is validated as a whole, as on create, except the WhatsApp integration "
    "rules (`wa_integration_id` exists and matches `provider`), checked only when the edit changes `provider`, "
    "`wa_integration_id` or `wa_gateway_assignation_type`: a template whose number was deleted can still be "
    "renamed.\n\n"
    "An edit changes only the follow-ups scheduled after it: follow-ups already scheduled keep the `trigger` and "
    "the due time they were scheduled with (a new `trigger`, `change_status` or `hours_after` applies to follow-ups "
    "scheduled from then on; an abandoned checkout saved again is scheduled anew). The exception is `provider`: it "
    "follows to the template's follow-ups still scheduled (switched to `manual`, they wait for a CS; switched to a "
    "gateway, the dispatcher sends them). Texts and image are read when a follow-up is sent or shown."
)
_DELETE_DOC = (
    "Deletes the template. Its follow-ups still `scheduled` for orders are `canceled` (error `template deleted`); "
    "those already done keep their record."
)

_CONFLICTS = (FollowupError.followup_chat_limit_reached, FollowupError.followup_chats_exist)
_V3_ERRORS = error_responses(CommonError.not_found, *_CONFLICTS, model=ScalevError)
_STORE_409 = error_responses(*_CONFLICTS)


def _doc(text: str) -> str:
    return text.strip() + "\n\n" + SEMANTICS.strip()


def _v3(text: str) -> dict[str, Any]:
    """The route arguments every Scalev v3 route shares: its error answers (Scalev's shape) and `text` as the
    description, followed by the semantics."""
    return {"responses": _V3_ERRORS, "description": _doc(text)}


async def v3_page(
    page_size: Annotated[int | None, Query(ge=1, le=MAX_V3_PAGE, description="Page size, 1–25 (default 25).")] = None,
    limit: Annotated[int | None, Query(ge=1, le=MAX_V3_PAGE, description="Same as `page_size`.")] = None,
    cursor: Annotated[
        OneLineText | None, Query(max_length=200, description="`next_cursor` of the previous page.")
    ] = None,
) -> PageParams:
    return PageParams(limit=page_size or limit or MAX_V3_PAGE, cursor=cursor)


def _scalev_list(items: list[FollowupChatOut], next_cursor: str | None = None) -> ScalevList[FollowupChatOut]:
    return ScalevList(data=items, has_next=next_cursor is not None, next_cursor=next_cursor)


def _store_list(items: list[FollowupChatOut]) -> ListEnvelope[FollowupChatOut]:
    return ListEnvelope.whole(items)


# Scalev v3: per product ----------------------------------------------------------------------------------------


@v3_router.get(
    "",
    summary="List product follow-up chats",
    **_v3("The product's follow-up chats in step order (Follow Up 1, 2, …), Scalev's list shape."),
)
async def v3_list(
    product_id: ProductId, service: Reader, page: Annotated[PageParams, Depends(v3_page)]
) -> ScalevList[FollowupChatOut]:
    items, next_cursor = await service.list(product_id, page)
    return _scalev_list(items, next_cursor)


@v3_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a product follow-up chat",
    **_v3("Creates a follow-up chat for the product, as the last step. Owners and admins."),
)
async def v3_create(product_id: ProductId, body: FollowupChatIn, service: Writer) -> FollowupChatOut:
    return await service.create(product_id, body)


@v3_router.post(
    "/generate",
    status_code=status.HTTP_201_CREATED,
    summary="Generate product follow-up chats",
    **_v3(_GENERATE_DOC),
)
async def v3_generate(
    product_id: ProductId, service: Writer, body: Annotated[GenerateIn | None, Body()] = None
) -> ScalevList[FollowupChatOut]:
    return _scalev_list(await service.generate(product_id, body or GenerateIn()))


@v3_router.put("/order", summary="Reorder product follow-up chats", **_v3(_ORDER_DOC))
async def v3_reorder(product_id: ProductId, body: OrderIn, service: Writer) -> ScalevList[FollowupChatOut]:
    return _scalev_list(await service.reorder(product_id, body.ids))


@v3_router.get(
    "/{chat_id}",
    summary="Get a product follow-up chat",
    **_v3("One follow-up chat of the product."),
)
async def v3_get(product_id: ProductId, chat_id: ChatId, service: Reader) -> FollowupChatOut:
    return await service.get(product_id, chat_id)


@v3_router.patch(
    "/{chat_id}",
    summary="Update a product follow-up chat",
    **_v3(_PATCH_DOC),
)
async def v3_update(
    product_id: ProductId, chat_id: ChatId, body: FollowupChatPatch, service: Writer
) -> FollowupChatOut:
    return await service.update(product_id, chat_id, body.model_dump(exclude_unset=True))


@v3_router.delete(
    "/{chat_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete a product follow-up chat",
    **_v3(_DELETE_DOC),
)
async def v3_delete(product_id: ProductId, chat_id: ChatId, service: Writer) -> Response:
    await service.delete(product_id, chat_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# Store defaults: bosOnline envelope ----------------------------------------------------------------------------


@store_router.get(
    "",
    summary="List Default Follow-up Chats",
    description=_doc(
        "The store's default follow-up chats (templates without a product) in step order. They follow up orders "
        "whose products have no templates of their own."
    ),
)
async def store_list(service: Reader, page: PageQuery) -> ListEnvelope[FollowupChatOut]:
    items, next_cursor = await service.list(None, page)
    return ListEnvelope.page(items, next_cursor, await service.count(None))


@store_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Add Default Follow-up Chat",
    responses=_STORE_409,
    description=_doc(
        f"Adds a store default follow-up chat as the last step (at most {MAX_TEMPLATES}). Owners and admins. Same "
        "body and rules as Scalev's product follow-up chat; texts must cover the payment methods of all the "
        "store's active forms."
    ),
)
async def store_create(body: FollowupChatIn, service: Writer) -> Envelope[FollowupChatOut]:
    return Envelope(data=await service.create(None, body))


@store_router.post(
    "/generate",
    status_code=status.HTTP_201_CREATED,
    summary="Generate Default Follow-up Chats",
    responses=_STORE_409,
    description=_doc(_GENERATE_DOC),
)
async def store_generate(
    service: Writer, body: Annotated[GenerateIn | None, Body()] = None
) -> ListEnvelope[FollowupChatOut]:
    return _store_list(await service.generate(None, body or GenerateIn()))


@store_router.put("/order", summary="Reorder Default Follow-up Chats", description=_doc(_ORDER_DOC))
async def store_reorder(body: OrderIn, service: Writer) -> ListEnvelope[FollowupChatOut]:
    return _store_list(await service.reorder(None, body.ids))


@store_router.get("/{chat_id}", summary="Default Follow-up Chat Detail", description=_doc("One default template."))
async def store_get(chat_id: ChatId, service: Reader) -> Envelope[FollowupChatOut]:
    return Envelope(data=await service.get(None, chat_id))


@store_router.patch(
    "/{chat_id}",
    summary="Edit Default Follow-up Chat",
    description=_doc(_PATCH_DOC),
)
async def store_update(chat_id: ChatId, body: FollowupChatPatch, service: Writer) -> Envelope[FollowupChatOut]:
    return Envelope(data=await service.update(None, chat_id, body.model_dump(exclude_unset=True)))


@store_router.delete(
    "/{chat_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete Default Follow-up Chat",
    description=_doc(_DELETE_DOC),
)
async def store_delete(chat_id: ChatId, service: Writer) -> Response:
    await service.delete(None, chat_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# A chat's Meta message template (whatsapp_cloud): any chat of the store, a product's or a default -------------

_META_ROUTE = "/{chat_id}/meta-template"
_META_ANY = (
    " Any follow-up chat of the store: a store default or a product's (`/v3/products/{product_id}/follow-up-chats`)."
)


@store_router.get(
    _META_ROUTE,
    summary="Follow-up Chat Meta Template",
    responses=error_responses(CommonError.not_found),
    description="The follow-up chat's Meta template, or null." + _META_ANY + "\n\n" + META_TEMPLATE_DOC,
)
async def meta_get(chat_id: ChatId, service: MetaReader) -> Envelope[MetaTemplateOut | None]:
    return Envelope(data=await service.get(chat_id))


@store_router.put(
    _META_ROUTE,
    summary="Set Follow-up Chat Meta Template",
    responses=error_responses(CommonError.not_found, FollowupError.meta_template_needs_whatsapp_cloud),
    description="Sets (replaces) the approved Meta template the chat's follow-ups use outside the 24-hour "
    "window. The chat's `provider` must be `whatsapp_cloud` (else 409); an image header needs the chat's `image`, "
    "an `abandoned` chat only checkout placeholders (else 422). While it is set, an edit of the chat that would "
    "break it (another provider, no image, trigger `abandoned`) is refused with 422."
    + _META_ANY
    + "\n\n"
    + META_TEMPLATE_DOC,
)
async def meta_put(chat_id: ChatId, body: MetaTemplateIn, service: MetaWriter) -> Envelope[MetaTemplateOut]:
    return Envelope(data=await service.put(chat_id, body))


@store_router.delete(
    _META_ROUTE,
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Remove Follow-up Chat Meta Template",
    responses=error_responses(CommonError.not_found),
    description="Removes the chat's Meta template: outside the 24-hour window its follow-ups then fail (the CS "
    "sends them by hand)." + _META_ANY,
)
async def meta_delete(chat_id: ChatId, service: MetaWriter) -> Response:
    await service.delete(chat_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
