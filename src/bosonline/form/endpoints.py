"""HTTP routes of checkout forms and their success pages (seed group Form)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Query, status
from fastapi.responses import StreamingResponse

from bosonline.deps import RuntimeDep, StoreRead, query_parameters, store_service
from bosonline.errors import error_responses
from bosonline.form import exports
from bosonline.form.errors import FormError
from bosonline.form.schemas import DuplicateBatchIn, FormIn, FormOut, FormStatusIn, SuccessPageIn, SuccessPageOut
from bosonline.form.service import FormService
from bosonline.kit.export import FormatQuery, download_response, filename_stem
from bosonline.kit.fields import OneLineText, path_id, query_id
from bosonline.kit.pagination import PageQuery
from bosonline.kit.schemas import DeletedOut, Envelope, ListEnvelope
from bosonline.permissions import Permission
from bosonline.routing import api_router

router = api_router(prefix="/store/form", tags=["Form"])

FormId = Annotated[int, path_id("Form id.")]
Reader = Annotated[FormService, store_service(FormService, Permission.store_read)]
Writer = Annotated[FormService, store_service(FormService, Permission.forms_write)]


@dataclass(frozen=True)
class FormFilters:
    """The list's filters: a dependency, FastAPI reads each field from the query."""

    status: Annotated[Literal["active", "inactive"] | None, Query(description="Form status.")] = None
    q: Annotated[
        OneLineText | None, Query(min_length=1, max_length=150, description="Title or slug contains (literally).")
    ] = None
    product_id: Annotated[int | None, query_id("Forms offering this product.")] = None


Filters = Annotated[FormFilters, Depends(query_parameters(FormFilters))]


_conflicts = error_responses
_LIMIT = FormError.form_limit
_SLUG = FormError.form_slug_taken


@router.post("", status_code=status.HTTP_201_CREATED, summary="Form", responses=_conflicts(_SLUG, _LIMIT))
async def create_form(body: FormIn, service: Writer) -> Envelope[FormOut]:
    """Creates a checkout form offering 1–20 products or variants of the store, published at `public_url`.
    Items naming another store's product, an archived product, or a variant of another product answer 422
    naming `items.N.product_id` / `items.N.variant_id`."""
    return Envelope(data=await service.create(body))


@router.get("", summary="Form list")
async def list_forms(service: Reader, page: PageQuery, filters: Filters) -> ListEnvelope[FormOut]:
    """The store's forms, newest first, with their items and order counts; `meta.total` counts the matches."""
    items, result, total = await service.list(page, status=filters.status, q=filters.q, product_id=filters.product_id)
    return ListEnvelope.page(items, result.next_cursor, total)


@router.get("/download", summary="Form list Download", response_class=StreamingResponse)
async def download_forms(
    ctx: StoreRead,
    runtime: RuntimeDep,
    filters: Filters,
    format: FormatQuery = "csv",
) -> StreamingResponse:
    """Every form matching the list's filters, one row each (oldest first), with its products, payment methods,
    couriers, public URL and order count; `created_at_store_time` is in the store's time zone."""
    rows = exports.form_rows(runtime, ctx, status=filters.status, q=filters.q, product_id=filters.product_id)
    stem = filename_stem("forms", ctx.store.subdomain or str(ctx.store_id), runtime.clock.now(), ctx.store.timezone)
    return await download_response(format, stem, exports.FORM_HEADER, rows)


@router.post(
    "/duplicate",
    status_code=status.HTTP_201_CREATED,
    summary="Duplicate form batch",
    responses=_conflicts(_LIMIT),
    operation_id="form_duplicate_batch",
)
async def duplicate_forms(body: DuplicateBatchIn, service: Writer) -> Envelope[list[FormOut]]:
    """Duplicates 1–50 forms at once, all or nothing (an id that is not a form of the store answers 422 naming
    `ids.N`); the copies come back in the order of `ids`."""
    return Envelope(data=await service.duplicate_many(body.ids))


@router.get("/{form_id:int}", summary="Form Detail")
async def get_form(form_id: FormId, service: Reader) -> Envelope[FormOut]:
    return Envelope(data=await service.get(form_id))


@router.put("/{form_id:int}", summary="Edit Form", responses=_conflicts(_SLUG))
async def update_form(form_id: FormId, body: FormIn, service: Writer) -> Envelope[FormOut]:
    """Replaces the whole form. Items keep their ids while the same product and variant stay on the form;
    `slug` left out keeps the current one."""
    return Envelope(data=await service.update(form_id, body))


@router.patch("/{form_id:int}/status", summary="Edit Status Form (Product Detail)")
async def set_form_status(form_id: FormId, body: FormStatusIn, service: Writer) -> Envelope[FormOut]:
    """`inactive` forms keep their page but take no orders."""
    return Envelope(data=await service.set_status(form_id, body.status))


@router.delete("/{form_id:int}", summary="Delete Form")
async def delete_form(form_id: FormId, service: Writer) -> Envelope[DeletedOut]:
    """Removes the form from every list and frees its slug; orders placed through it keep their reference."""
    await service.delete(form_id)
    return Envelope(data=DeletedOut(id=form_id))


@router.post(
    "/{form_id:int}/duplicate", status_code=status.HTTP_201_CREATED, summary="Duplicate form",
    responses=_conflicts(_LIMIT),
)  # fmt: skip
async def duplicate_form(form_id: FormId, service: Writer) -> Envelope[FormOut]:
    """A copy with the same items, settings and success page, titled `… (Copy)`, slugged `<slug>-copy` (then
    `-copy-2`…), `inactive` until published."""
    return Envelope(data=await service.duplicate(form_id))


@router.get("/{form_id:int}/success-page", summary="Edit Success Page")
async def get_success_page(form_id: FormId, service: Reader) -> Envelope[SuccessPageOut]:
    """The success page as the editor loads it: the custom one, or (`is_custom: false`) the default thank-you
    message; with the placeholders the texts may use."""
    return Envelope(data=await service.success_page(form_id))


@router.post(
    "/{form_id:int}/success-page",
    status_code=status.HTTP_201_CREATED,
    summary="Custom Success Page",
    responses=_conflicts(FormError.success_page_exists),
)
async def create_success_page(form_id: FormId, body: SuccessPageIn, service: Writer) -> Envelope[SuccessPageOut]:
    """Gives the form its own success page. Unknown `{{placeholders}}` answer 422 naming the text."""
    return Envelope(data=await service.save_success_page(form_id, body, create=True))


@router.put("/{form_id:int}/success-page", summary="Custom Success Page")
async def replace_success_page(form_id: FormId, body: SuccessPageIn, service: Writer) -> Envelope[SuccessPageOut]:
    """Replaces the form's success page (also when it has none of its own yet)."""
    return Envelope(data=await service.save_success_page(form_id, body, create=False))
