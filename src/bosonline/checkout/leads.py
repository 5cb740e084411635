"""Abandoned checkouts (leads): what a buyer typed before submitting, saved by the page, and listed for the seller
so a CS can follow the buyer up. An order from the same phone on the same form converts the lead.

Every save schedules the lead's `abandoned` follow-ups from that save (followup/schedule.py, lead_due): they go
once the buyer has stopped saving for max(`hours_after`, 30 minutes), never while the buyer is still typing."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.checkout.errors import CheckoutError
from bosonline.checkout.schemas import (
    LeadCreateIn,
    LeadFormRef,
    LeadOrderRef,
    LeadOut,
    LeadSavedOut,
    LeadUpdateIn,
)
from bosonline.checkout.service import PublicCheckout
from bosonline.checkout.suspension import refuse_if_suspended
from bosonline.errors import Conflict, NotFound, ValidationFailed
from bosonline.followup.schedule import restart_lead_clock, schedule_lead
from bosonline.kit.pagination import Page, PageParams, count_rows, keyset_page
from bosonline.kit.phone import display_phone, phone_needle
from bosonline.models import CheckoutLead, Form, Order, Store
from bosonline.regions.service import REGION_CODE_HINT, parse_region_code
from bosonline.runtime import Runtime
from bosonline.tenancy import ScopedRepository, StoreContext


@dataclass(frozen=True)
class LeadFilters:
    status: Literal["open", "converted"] | None = None
    form_id: int | None = None
    q: str | None = None


def _honeypot(website: str) -> None:
    if website:
        raise ValidationFailed(
            "This request looks automated", code=CheckoutError.rejected, fields={"website": "must be empty"}
        )


def _region(raw: str | None) -> str | None:
    if raw is None:
        return None
    code = parse_region_code(raw)
    if code is None:
        raise ValidationFailed(fields={"region_code": REGION_CODE_HINT})
    return code


def _apply(lead: CheckoutLead, body: LeadUpdateIn) -> None:
    lead.name = body.name
    lead.phone = body.phone
    lead.email = body.email
    lead.region_code = _region(body.region_code)
    lead.address = body.address or None
    lead.notes = body.notes
    lead.items = [{"variant_id": item.variant_id, "quantity": item.quantity} for item in body.items]
    lead.payment_method = body.payment_method


class PublicLeads:
    """The page's side: save and update (no login; the token is the capability)."""

    def __init__(self, session: AsyncSession, runtime: Runtime) -> None:
        self.session = session
        self.rt = runtime

    async def create(self, host: str | None, body: LeadCreateIn) -> LeadSavedOut:
        _honeypot(body.website)
        store, _, form = await PublicCheckout(self.session, self.rt).store_and_form(host, body.store, body.form)
        now = self.rt.clock.now()
        lead = CheckoutLead(store_id=store.id, form_id=form.id, token=secrets.token_urlsafe(18), created_at=now)
        _apply(lead, body)
        lead.updated_at = now
        self.session.add(lead)
        await self.session.flush()
        await schedule_lead(self.session, lead, now)  # its `abandoned` follow-ups, in this transaction
        return LeadSavedOut(token=lead.token, status="open")

    async def update(self, token: str, body: LeadUpdateIn) -> LeadSavedOut:
        _honeypot(body.website)
        lead = await self.session.scalar(select(CheckoutLead).where(CheckoutLead.token == token).with_for_update())
        if lead is None:
            raise NotFound()
        if lead.status == "converted":
            raise Conflict("This checkout has already become an order", code=CheckoutError.lead_converted)
        store = await self.session.get(Store, lead.store_id)
        if store is not None:
            refuse_if_suspended(store)  # no new follow-ups for a store the platform suspended
        _apply(lead, body)
        now = self.rt.clock.now()
        lead.updated_at = now
        # The buyer is still there: the lead's `abandoned` follow-ups wait again from this save, and products added
        # since the last save may have `abandoned` follow-ups of their own.
        await restart_lead_clock(self.session, lead, now)
        await schedule_lead(self.session, lead, now)
        return LeadSavedOut(token=lead.token, status="open")


class LeadRepository(ScopedRepository):
    async def page(self, filters: LeadFilters, params: PageParams) -> tuple[Page[CheckoutLead], int]:
        stmt = self.scoped(CheckoutLead)
        if filters.status is not None:
            stmt = stmt.where(CheckoutLead.status == filters.status)
        if filters.form_id is not None:
            stmt = stmt.where(CheckoutLead.form_id == filters.form_id)
        if filters.q:
            conditions = [func.lower(CheckoutLead.name).contains(filters.q.lower(), autoescape=True)]
            if (needle := phone_needle(filters.q)) is not None:  # 0812… as the seller sees it, stored as 62812…
                conditions.append(CheckoutLead.phone.contains(needle, autoescape=True))
            stmt = stmt.where(or_(*conditions))
        total = await count_rows(self.session, stmt)
        return await keyset_page(self.session, stmt, [CheckoutLead.id], params, descending=True), total

    async def forms(self, form_ids: set[int]) -> dict[int, Form]:
        if not form_ids:
            return {}
        return {form.id: form for form in await self.session.scalars(self.scoped(Form).where(Form.id.in_(form_ids)))}

    async def order_numbers(self, order_ids: set[int]) -> dict[int, str]:
        if not order_ids:
            return {}
        rows = await self.session.execute(
            select(Order.id, Order.number).where(Order.store_id == self.ctx.store_id, Order.id.in_(order_ids))
        )
        return dict(rows.all())


def lead_out(lead: CheckoutLead, form: Form, order_number: str | None) -> LeadOut:
    converted = None
    if lead.converted_order_id is not None and order_number is not None:
        converted = LeadOrderRef(id=lead.converted_order_id, number=order_number)
    return LeadOut(
        id=lead.id,
        form=LeadFormRef(id=form.id, title=form.title, slug=form.slug),
        name=lead.name,
        phone=display_phone(lead.phone) or lead.phone,
        email=lead.email,
        region_code=lead.region_code,
        address=lead.address,
        notes=lead.notes,
        items=list(lead.items or []),
        payment_method=lead.payment_method,
        status=lead.status,
        converted_order=converted,
        created_at=lead.created_at,
        updated_at=lead.updated_at,
    )


class LeadService:
    """The seller's side: the list of abandoned checkouts (three queries and a count, whatever the page size)."""

    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        self.repo = LeadRepository(session, ctx)

    async def list(self, filters: LeadFilters, params: PageParams) -> tuple[list[LeadOut], str | None, int]:
        page, total = await self.repo.page(filters, params)
        leads: list[CheckoutLead] = page.items
        forms = await self.repo.forms({lead.form_id for lead in leads})
        numbers = await self.repo.order_numbers({lead.converted_order_id for lead in leads if lead.converted_order_id})
        out = [lead_out(lead, forms[lead.form_id], numbers.get(lead.converted_order_id or 0)) for lead in leads]
        return out, page.next_cursor, total
