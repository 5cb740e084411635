"""Public links of a store's checkout forms and orders, as API answers and messages show them."""

from __future__ import annotations

from urllib.parse import quote

from bosonline.config import Settings


def public_form_url(settings: Settings, subdomain: str | None, slug: str, *, host: str | None = None) -> str:
    """`https://<host>/f/<slug>` for a store whose public links use its custom domain (`stores.public_host`),
    `https://<subdomain>.<shop_domain>/f/<slug>` when stores have their own hosts, else
    `<public_base_url>/f/<slug>?store=<subdomain>`."""
    if host:
        return f"https://{host}/f/{quote(slug)}"
    if settings.shop_domain and subdomain:
        return f"https://{subdomain}.{settings.shop_domain}/f/{quote(slug)}"
    suffix = f"?store={quote(subdomain)}" if subdomain else ""
    return f"{settings.public_base_url.rstrip('/')}/f/{quote(slug)}{suffix}"


def whatsapp_url(phone: str, text: str | None = None) -> str:
    """Click-to-chat with `phone` (628… or 08…): digits with the country code, no `+`, no leading 0; `text`, if
    any, prefilled (percent-encoded)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return f"https://wa.me/{digits}" + (f"?text={quote(text, safe='')}" if text is not None else "")


def public_order_url(settings: Settings, secret_slug: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}/public/order/{secret_slug}"


RESET_PASSWORD_PATH = "/reset-password"


def password_reset_url(settings: Settings, token: str) -> str:
    """The reset page with the token in the URL fragment: browsers never send a fragment to the server or in a
    Referer, so the token stays out of access logs, proxies and third-party requests; the page's script reads it."""
    return f"{settings.public_base_url.rstrip('/')}{RESET_PASSWORD_PATH}#token={quote(token)}"
