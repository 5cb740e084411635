"""Public links of a store's checkout forms and orders, as API answers and messages show them."""

from __future__ import annotations

from urllib.parse import quote

from bosonline.config import Settings


def public_form_url(settings: Settings, subdomain: str | None, slug: str) -> str:
    """`https://<subdomain>.<shop_domain>/f/<slug>` when stores have their own hosts, else
    `<public_base_url>/f/<slug>?store=<subdomain>`."""
    if settings.shop_domain and subdomain:
        return f"https://{subdomain}.{settings.shop_domain}/f/{quote(slug)}"
    suffix = f"?store={quote(subdomain)}" if subdomain else ""
    return f"{settings.public_base_url.rstrip('/')}/f/{quote(slug)}{suffix}"


def public_order_url(settings: Settings, secret_slug: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}/public/order/{secret_slug}"


RESET_PASSWORD_PATH = "/reset-password"


def password_reset_url(settings: Settings, token: str) -> str:
    """The reset page with the token in the URL fragment: browsers never send a fragment to the server or in a
    Referer, so the token stays out of access logs, proxies and third-party requests; the page's script reads it."""
    return f"{settings.public_base_url.rstrip('/')}{RESET_PASSWORD_PATH}#token={quote(token)}"
