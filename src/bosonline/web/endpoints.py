"""Public HTML pages: the checkout page (/f/{slug}), the password reset page (/reset-password) and the pages'
scripts. The order status page is answered by web/checkout_endpoints.py (GET /public/order/{secret_slug} for
browsers) through web/pages.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Request, Response
from fastapi.responses import HTMLResponse

from bosonline.checkout.errors import CheckoutError
from bosonline.checkout.guards import rate_limited
from bosonline.checkout.service import public_form_page
from bosonline.deps import ClientDep, DbDep, RuntimeDep
from bosonline.errors import Forbidden, NotFound, TooManyRequests
from bosonline.kit.fields import has_control_chars
from bosonline.kit.links import RESET_PASSWORD_PATH
from bosonline.routing import api_router
from bosonline.web.assets import ASSET_PREFIX, ASSETS
from bosonline.web.pages import (
    render_form_page,
    render_not_found,
    render_reset_password_page,
    render_store_closed,
    render_too_many,
)

router = api_router(include_in_schema=False)

MAX_SLUG = 80
MAX_STORE = 30
_page_limit = rate_limited("public")


@router.get("/f/{slug}", response_class=HTMLResponse)
async def form_page(
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    client: ClientDep,
    slug: Annotated[str, Path()],
    store: Annotated[str | None, Query()] = None,
) -> HTMLResponse:
    """The buyer's checkout page of a form; the store comes from the host or `?store=<subdomain>`. Anything
    that names no active form answers the friendly 404 page (HTML, like the page itself); the page counts in
    the same per-IP budget as the public API and answers an HTML 429 when over it. A store the platform suspended
    answers its closed notice (HTML, 403): "Toko ini sedang tidak menerima pesanan"."""
    try:
        await _page_limit(runtime, client, db)
    except TooManyRequests as exc:
        return render_too_many(int((exc.headers or {}).get("Retry-After", "60")))
    if len(slug) > MAX_SLUG or (store is not None and (len(store) > MAX_STORE or has_control_chars(store))):
        return render_not_found()
    try:
        page = await public_form_page(db, runtime, request.headers.get("host"), store, slug)
    except NotFound:
        return render_not_found()
    except Forbidden as exc:  # a store the platform suspended (checkout/suspension.py)
        if exc.code != CheckoutError.store_not_accepting_orders:
            raise
        return render_store_closed()
    return render_form_page(page, store_ref=store, slug=slug)


@router.get(RESET_PASSWORD_PATH, response_class=HTMLResponse)
async def reset_password_page() -> HTMLResponse:
    """Where a password reset e-mail's link leads (`/reset-password#token=…`): new password twice, sent to
    `POST /auth/password/reset` by the page's script."""
    return render_reset_password_page()


@router.get(ASSET_PREFIX + "/{name}")
async def asset(name: Annotated[str, Path(max_length=64)]) -> Response:
    """The pages' script, cacheable for a year (its URL carries the content hash)."""
    found = ASSETS.get(name)
    if found is None:
        return render_not_found()
    return Response(
        found.body,
        media_type=found.content_type,
        headers={"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"},
    )
