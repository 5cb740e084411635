"""Rendering of the public HTML pages: the checkout page, the order status page, the password reset page and the
friendly 404.

One Jinja2 environment (autoescape on, undefined names are errors) is built at import. Every page answers with
the same security headers; the checkout page's Content-Security-Policy only opens the Meta / TikTok pixel hosts
when the form has a pixel id. Inline <script>/<style> carry a per-response nonce instead of 'unsafe-inline'.
"""

from __future__ import annotations

import secrets
from typing import Any

import segno
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.responses import HTMLResponse

from bosonline.checkout.schemas import PublicFormPage, PublicOrderOut
from bosonline.kit.money import rupiah as kit_rupiah
from bosonline.order.presenters import payment_label
from bosonline.web.assets import asset_url

ORDER_STATUS_LABELS = {
    "draft": "Draf",
    "pending": "Menunggu konfirmasi",
    "confirmed": "Dikonfirmasi",
    "in_process": "Sedang diproses",
    "ready": "Siap dikirim",
    "shipped": "Dalam pengiriman",
    "completed": "Selesai",
    "canceled": "Dibatalkan",
    "rts": "Dikembalikan ke penjual",
    "closed": "Ditutup",
}
PAYMENT_STATUS_LABELS = {
    "unpaid": "Belum dibayar",
    "paid": "Sudah dibayar",
    "conflict": "Sedang dicek penjual",
    "settled": "Lunas",
}

META_PIXEL_HOSTS = ("https://connect.facebook.net", "https://www.facebook.com")
TIKTOK_PIXEL_HOSTS = ("https://analytics.tiktok.com",)


def rupiah(amount: int | None) -> str:
    """150000 → "Rp150.000"; nothing for no amount."""
    return "" if amount is None else kit_rupiah(amount)


def _qr_svg(payload: str) -> Markup:
    # segno writes only the QR's own markup (no text of ours inside), so it is safe to embed as is.
    return Markup(segno.make(payload, error="m").svg_inline(scale=6, border=2, dark="#111", light="#fff"))


env = Environment(
    loader=PackageLoader("bosonline.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
env.filters["rupiah"] = rupiah
env.globals.update(
    asset_url=asset_url,
    order_status_label=lambda status: ORDER_STATUS_LABELS.get(status, status),
    payment_status_label=lambda status: PAYMENT_STATUS_LABELS.get(status, status),
    payment_method_label=payment_label,
)


def _csp(nonce: str, *, script_hosts: tuple[str, ...] = (), connect_hosts: tuple[str, ...] = ()) -> str:
    scripts = " ".join(("'self'", f"'nonce-{nonce}'", *script_hosts))
    connect = " ".join(("'self'", *connect_hosts))
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src {scripts}",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data: https:",
            f"connect-src {connect}",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def _html(body: str, *, status_code: int, csp: str) -> HTMLResponse:
    return HTMLResponse(
        body,
        status_code=status_code,
        headers={
            "Cache-Control": "no-store",
            "Content-Security-Policy": csp,
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "strict-origin-when-cross-origin",
        },
    )


def _render(template: str, **context: Any) -> str:
    return env.get_template(template).render(**context)


def render_form_page(page: PublicFormPage, *, store_ref: str | None, slug: str) -> HTMLResponse:
    """The checkout page of one form. The form, its products and stock are embedded as JSON, so the page shows
    at once; `store_ref` is the store's subdomain when the host does not name it (sent back as `?store=`)."""
    nonce = secrets.token_urlsafe(16)
    hosts: tuple[str, ...] = ()
    if page.form.meta_pixel_id:
        hosts += META_PIXEL_HOSTS
    if page.form.tiktok_pixel_id:
        hosts += TIKTOK_PIXEL_HOSTS
    config = {"store": store_ref, "slug": slug, "page": page.model_dump(mode="json")}
    body = _render(
        "form.html",
        page=page,
        config=config,
        nonce=nonce,
    )
    return _html(body, status_code=200, csp=_csp(nonce, script_hosts=hosts, connect_hosts=hosts))


def render_order_page(order: PublicOrderOut) -> HTMLResponse:
    """The buyer's order status page: number, status, items, money, how to pay, and the seller's message."""
    nonce = secrets.token_urlsafe(16)
    qr = _qr_svg(order.payment.qris_payload) if order.payment.method == "qris" and order.payment.qris_payload else None
    body = _render("order.html", order=order, qr_svg=qr, nonce=nonce)
    return _html(body, status_code=200, csp=_csp(nonce))


def render_reset_password_page() -> HTMLResponse:
    """The page a password reset e-mail links to. The token is in the URL fragment, read by the page's script, so
    the page itself is the same for everyone; no Referer leaves it either."""
    nonce = secrets.token_urlsafe(16)
    response = _html(_render("reset_password.html", nonce=nonce), status_code=200, csp=_csp(nonce))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def render_not_found() -> HTMLResponse:
    """A friendly 404 page (status 404) for unknown forms, stores and orders."""
    nonce = secrets.token_urlsafe(16)
    return _html(_render("not_found.html", nonce=nonce), status_code=404, csp=_csp(nonce))


def render_store_closed() -> HTMLResponse:
    """The closed notice of a store the platform suspended (status 403, as the public API's answer)."""
    nonce = secrets.token_urlsafe(16)
    return _html(_render("store_closed.html", nonce=nonce), status_code=403, csp=_csp(nonce))


def render_too_many(retry_after: int) -> HTMLResponse:
    """The 429 page a browser gets when its address is over the public per-IP budget."""
    nonce = secrets.token_urlsafe(16)
    response = _html(_render("too_many.html", nonce=nonce, retry_after=retry_after), status_code=429, csp=_csp(nonce))
    response.headers["Retry-After"] = str(max(1, retry_after))
    return response
