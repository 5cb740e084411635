"""create_app(): middleware, error handlers, routers, OpenAPI."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import structlog
from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.telemetry import TelemetryConfig
from fastapi_offline import FastAPIOffline

from bosonline import __version__
from bosonline.admin.routers import ADMIN_ROUTERS
from bosonline.announcement.endpoints import router as announcement_router
from bosonline.auth.endpoints import router as auth_router
from bosonline.bank.endpoints import bank_router
from bosonline.bank.endpoints import router as rekening_router
from bosonline.catalog.category_endpoints import router as category_router
from bosonline.catalog.endpoints import router as product_router
from bosonline.checkout.lead_endpoints import router as lead_router
from bosonline.config import Settings
from bosonline.errors import install_error_handlers
from bosonline.followup.dispatch.endpoints import router as wa_webhook_router
from bosonline.followup.orders.endpoints import router as followup_order_router
from bosonline.followup.templates.endpoints import store_router as followup_store_template_router
from bosonline.followup.templates.endpoints import v3_router as followup_v3_router
from bosonline.form.endpoints import router as form_router
from bosonline.health import router as health_router
from bosonline.integrations.whatsapp.endpoints import router as wa_integration_router
from bosonline.inventory.endpoints import router as inventory_router
from bosonline.logging import configure_logging
from bosonline.media.endpoints import router as media_router
from bosonline.media.store_media_endpoints import router as store_media_router
from bosonline.metrics import process_stopped, watch_pool
from bosonline.middleware import RequestMiddleware
from bosonline.monitoring import router as metrics_router
from bosonline.notify import log_delivery_mode
from bosonline.order.edit_endpoints import router as order_edit_router
from bosonline.order.endpoints import router as order_router
from bosonline.order.invoice_endpoints import router as order_invoice_router
from bosonline.order.list_endpoints import router as order_list_router
from bosonline.order.status_endpoints import router as order_status_router
from bosonline.payment.endpoints import router as qris_router
from bosonline.profile.endpoints import router as profile_router
from bosonline.regions.endpoints import router as regions_router
from bosonline.regions.index import index_build as region_index_build
from bosonline.regions.service import start_loading as start_loading_regions
from bosonline.report.cs_recap_endpoints import router as cs_recap_router
from bosonline.report.onboarding_endpoints import router as onboarding_router
from bosonline.report.product_recap_endpoints import router as product_recap_router
from bosonline.report.revenue_endpoints import router as revenue_router
from bosonline.report.store_recap_endpoints import router as store_recap_router
from bosonline.runtime import Runtime
from bosonline.shipping.endpoints import courier_router
from bosonline.shipping.endpoints import router as shipping_router
from bosonline.staff.endpoints import router as staff_router
from bosonline.store.domain_endpoints import router as store_domain_router
from bosonline.store.domain_endpoints import tls_router
from bosonline.store.endpoints import router as store_router
from bosonline.voucher.endpoints import router as voucher_router
from bosonline.warehouse.endpoints import profile_router as profile_warehouse_router
from bosonline.warehouse.endpoints import store_router as store_warehouse_router
from bosonline.web.checkout_endpoints import router as checkout_router
from bosonline.web.endpoints import router as web_router
from bosonline.webhook.endpoints import router as webhook_router
from bosonline.wiring import run_app_worker, stop_timeout, wire

DESCRIPTION = """
Back end for Indonesian online sellers: stores, staff, catalog, checkout forms, orders and WhatsApp follow-ups.

**Envelope.** Success `{"data": …}`; lists `{"data": […], "meta": {"next_cursor", "total"}}` with keyset
pagination (`?limit=` ≤ 100, `?cursor=`). Errors `{"error": {"code", "message", "fields"?}}`.

**Auth.** `POST /auth/login` → bearer access token (15 minutes) + rotating refresh token.

**Store.** A request acts in one store: the caller's only store, or the one named by the `X-Store-Id` header.
Another store's records answer 404; naming a store you are not a member of answers 403.
"""

TAGS = [
    {"name": "auth", "description": "Register, log in, refresh, log out, reset a forgotten password."},
    {"name": "Profile", "description": "The caller's own account, and Data Deletion."},
    {
        "name": "Store",
        "description": "The store itself: settings, subdomain, custom domains (and the TLS `ask` hook), the caller's "
        "stores; its revenue, recaps (per store, product and CS) and onboarding checklist.",
    },
    {"name": "Staff", "description": "Owner, admins and customer-service (CS) members of a store."},
    {
        "name": "Product",
        "description": "The catalog: categories, products with variants and images, SKUs, stock per warehouse, "
        "and CSV/XLSX downloads.",
    },
    {
        "name": "Warehouse",
        "description": "Warehouses of the seller account (Profile → Warehouse) and which of them a store ships "
        "from (Store → Warehouse).",
    },
    {
        "name": "Region",
        "description": "Indonesian regions (Kemendagri codes): provinces → regencies → districts → villages, "
        "with postal codes. Public.",
    },
    {
        "name": "Form",
        "description": "Checkout forms: the products a public checkout page offers, what it asks, how buyers may "
        "pay and ship, and the success page after ordering.",
    },
    {
        "name": "Order",
        "description": "Orders as the store works them: find (filters, recap, downloads), edit the buyer, courier, "
        "payment and fees, confirm payments, move statuses (one table of allowed transitions), ship, print "
        "invoices; every change is in the order's timeline. Abandoned checkouts too.",
    },
    {
        "name": "Checkout",
        "description": "The buyer side (the seed's Order → Checkout), public and rate limited per IP: load a form, "
        "estimate shipping, check a voucher, create the order, save an abandoned checkout, see the order.",
    },
    {"name": "Rekening", "description": "How buyers pay the store: bank accounts (Rekening) and QRIS."},
    {"name": "Voucher", "description": "Discount vouchers on products or shipping, with quotas and validity."},
    {
        "name": "Shipping",
        "description": "The couriers a store ships with and its offline rate card (flat or per kg, per province).",
    },
    {
        "name": "Webhook",
        "description": "Outgoing webhooks: the store's endpoints, signed deliveries of order events with retries, "
        "and the delivery log.",
    },
    {
        "name": "WhatsApp",
        "description": "The store's WhatsApp numbers and the gateway each sends through (Fonnte, Wablas, StarSender, "
        "Meta WhatsApp Cloud): credentials encrypted at rest and never shown again, pacing, status checks, and "
        "the delivery-status webhooks the providers call.",
    },
    {
        "name": "Follow-up chat",
        "description": "Follow-up chat templates: Scalev's v3 contract per product (`/v3/products/{product_id}/"
        "follow-up-chats`, Scalev's shapes and errors) and the store's default set (`/store/follow-up-chats`).",
    },
    {
        "name": "Follow-up",
        "description": "Following each order up over WhatsApp (the seed's Order → Follow up): what is next per "
        "order, doing a follow-up (wa.me link or a gateway send), an order's chats and message history, and "
        "per-step results.",
    },
    {
        "name": "Admin",
        "description": "The platform's back office, for platform admins only (anyone else gets the 404 of an unknown "
        "path): stores (search, suspend, reactivate), announcements and tips, the dashboard, and the audit log.",
    },
    {"name": "health", "description": "Liveness (the process answers) and readiness (database and migrations)."},
]


# FastAPI's native OpenTelemetry, off unless BOSONLINE_TELEMETRY: on, FastAPI asks the OpenTelemetry providers on
# every request whether one is configured, and wraps each request, its dependencies, endpoint and serialization.
NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}


# Order matters where paths overlap: /store/order/followup…, /recap, /download, /invoice and /status come before
# /store/order/{order_id}.
ROUTERS = (
    health_router,
    metrics_router,
    auth_router,
    profile_router,
    profile_warehouse_router,
    store_router,
    announcement_router,
    store_domain_router,
    tls_router,
    store_warehouse_router,
    staff_router,
    category_router,
    product_router,
    media_router,
    store_media_router,
    inventory_router,
    regions_router,
    form_router,
    lead_router,
    followup_order_router,
    order_list_router,
    order_invoice_router,
    order_status_router,
    order_router,
    order_edit_router,
    revenue_router,
    store_recap_router,
    onboarding_router,
    product_recap_router,
    cs_recap_router,
    checkout_router,
    bank_router,
    rekening_router,
    qris_router,
    voucher_router,
    shipping_router,
    courier_router,
    webhook_router,
    wa_integration_router,
    wa_webhook_router,
    followup_v3_router,
    followup_store_template_router,
    *ADMIN_ROUTERS,  # before the buyer pages; the last one answers any other path under /admin
    web_router,
)


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    settings = settings or (runtime.settings if runtime else Settings())
    configure_logging(settings.log_level, settings.log_format)
    runtime = wire(runtime or Runtime.build(settings))
    # Swagger UI and ReDoc served from the package, not a CDN: /docs works on a machine with no internet.
    app = FastAPIOffline(
        title="bosonline",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=_lifespan(runtime, settings),
        telemetry=None if settings.telemetry else NO_TELEMETRY,
    )
    app.state.runtime = runtime
    watch_pool(runtime.db.engine)
    install_error_handlers(app)
    include_flat(app, ROUTERS)
    # One layer of ours (request id, access log, metrics, body limit); with CORS, CORS goes between its two halves.
    if settings.cors_origins:
        app.add_middleware(RequestMiddleware, request_id=False, max_bytes=settings.max_body_bytes)
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Request-Id", "Retry-After"],
        )
        app.add_middleware(RequestMiddleware)
    else:
        app.add_middleware(RequestMiddleware, max_bytes=settings.max_body_bytes)
    return app


def include_flat(app: FastAPI, routers: Iterable[APIRouter]) -> None:
    """The routers' routes, in order, straight into the app's route table (what `app.include_router` did, without
    its per-request cost). Every router here carries its prefix, tags and settings on its routes already (none is
    included with options), so the routes are the same objects, the OpenAPI document the same; `include_router` puts
    a wrapper per router in the table instead, which every request walks router by router, each rebuilding its
    candidates' version (issue 15: a tenth of an authenticated GET's CPU). Not kept: `app.dependency_overrides`
    (nothing uses it), and a router's own startup/shutdown handlers or lifespan (none has any)."""
    for router in routers:
        if router.on_startup or router.on_shutdown:
            raise ValueError("a router with startup or shutdown handlers needs app.include_router")
        app.router.routes.extend(router.routes)


def _lifespan(runtime: Runtime, settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Runs the embedded background worker (follow-ups, webhooks) beside the API, unless `serve --no-worker` /
    BOSONLINE_RUN_WORKER=0, says how password reset links are delivered, builds the region index and the password
    checker's dummy hash in the background, and at the end lets the e-mails in flight finish (within the SMTP
    deadline) before it closes the database."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        worker: asyncio.Task[None] | None = None
        stop = asyncio.Event()
        log_delivery_mode(settings)
        # Built after start-up, not before it: the server listens (and /health answers) meanwhile; a request that
        # needs one of them first waits for it.
        start_loading_regions()
        threading.Thread(target=runtime.passwords.warm, name="bosonline-password-warm", daemon=True).start()
        # What start-up made (modules, routes, schemas: ~220k objects) lives as long as the process: out of the
        # collector's walks, a full collection takes microseconds instead of tens of milliseconds (bench/gc_tax.py).
        gc.freeze()
        regions_frozen = asyncio.create_task(_freeze_when_regions_loaded(), name="bosonline-freeze-regions")
        if settings.run_worker:
            worker = asyncio.create_task(run_app_worker(runtime, stop), name="bosonline-worker")
        try:
            yield
        finally:
            if worker is not None:
                stop.set()  # the cycle in progress finishes: at most one batch's sending time per job
                try:
                    await asyncio.wait_for(worker, timeout=stop_timeout(settings))
                except TimeoutError:
                    pass  # cancelled mid-send: a later worker's sweeper re-queues the webhooks it held and marks its
                    # follow-ups `unknown` (they may have gone out)
                except Exception:  # noqa: BLE001 — stopping must not fail the shutdown; the database holds the work
                    structlog.get_logger("bosonline.worker").exception("worker_stop_failed")
            await runtime.background.drain(timeout=settings.smtp_timeout_seconds + 1)
            await runtime.rate_limits.close()
            await runtime.db.dispose()
            process_stopped()
            regions_frozen.cancel()
            gc.unfreeze()  # an app stopped inside a longer-lived process (tests) leaves the collector as it was

    return lifespan


async def _freeze_when_regions_loaded() -> None:
    """The region tables, built in the background after start-up, live as long as the process too."""
    if await region_index_build().ready() is not None:
        gc.freeze()
