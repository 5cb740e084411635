"""Rules of the store itself: create, read, edit, settings, subdomain."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.errors import Conflict, ValidationFailed, conflict_for
from bosonline.kit.attributes import assign, attributes
from bosonline.kit.clock import Clock
from bosonline.kit.pagination import Page, PageParams
from bosonline.kit.schemas import from_row
from bosonline.models import Store, StoreSettings, User
from bosonline.models.store import SUBDOMAIN_UNIQUE
from bosonline.order.stats import rebuild as rebuild_order_stats
from bosonline.permissions import Role
from bosonline.staff.service import new_member
from bosonline.store import subdomain as subdomains
from bosonline.store.domain_hosts import forget_after_commit
from bosonline.store.errors import StoreError
from bosonline.store.repository import StoreRepository
from bosonline.store.schemas import (
    StoreCreateIn,
    StoreOut,
    StoreSettingsIn,
    StoreSettingsOut,
    StoreSummaryOut,
    StoreUpdateIn,
    SubdomainCheckOut,
)
from bosonline.tenancy import StoreContext
from bosonline.warehouse.service import WarehouseService

MAX_OWNED_STORES = 20


def store_out(ctx: StoreContext, settings: StoreSettings) -> StoreOut:
    """The store a request acts in, as the caller sees it, with its `settings`."""
    return from_row(
        StoreOut, ctx.store, role=ctx.member.role, member_id=ctx.member_id, settings=StoreSettingsOut.of(settings)
    )


def loaded_store_out(ctx: StoreContext) -> StoreOut:
    """`store_out` of a context read with its settings (`deps.require(..., settings=True)`): no statement."""
    if ctx.settings is None:
        raise ValueError("the store context was read without the store's settings")
    return store_out(ctx, ctx.settings)


class StoreService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.repo = StoreRepository(session)
        self.session = session
        self.clock = clock

    async def create(self, owner: User, data: StoreCreateIn) -> StoreOut:
        reason = subdomains.invalid_reason(data.subdomain)
        if reason:
            raise ValidationFailed(fields={"subdomain": reason})
        if await self.repo.owned_active_count(owner.id) >= MAX_OWNED_STORES:
            raise Conflict(f"An account can own at most {MAX_OWNED_STORES} stores", code=StoreError.store_limit)
        if await self.repo.subdomain_taken(data.subdomain):
            raise conflict_for(SUBDOMAIN_UNIQUE)
        now = self.clock.now()
        owner_member = new_member(owner, Role.owner, owner.name, owner.phone, now)
        store = await self.repo.add(
            Store(
                **attributes(data, ("name", "subdomain", "phone", "timezone")),
                owner_id=owner.id,
                created_at=now,
                updated_at=now,
            ),
            StoreSettings(created_at=now, updated_at=now),
            owner_member,
        )
        await WarehouseService(self.session, self.clock).attach_default(owner.id, store.id)
        return await self.current(StoreContext(member=owner_member, store=store))

    async def current(self, ctx: StoreContext) -> StoreOut:
        return store_out(ctx, ctx.settings or await self.repo.settings_of(ctx.store_id))

    async def update(self, ctx: StoreContext, data: StoreUpdateIn) -> StoreOut:
        store = ctx.store
        now = self.clock.now()
        moved = "timezone" in data.model_fields_set and data.timezone != store.timezone
        assign(store, data.model_dump(include={"name", "phone", "timezone"}, exclude_unset=True))
        if moved:  # the recap counters' days are store-local days
            await rebuild_order_stats(self.session, store.id, store.timezone)
        if data.settings is not None:
            self._apply_settings(ctx.settings or await self.repo.settings_of(store.id), data.settings, now)
        store.updated_at = now
        await self.session.flush()
        return await self.current(ctx)

    @staticmethod
    def _apply_settings(settings: StoreSettings, data: StoreSettingsIn, now: datetime) -> None:
        changes = data.model_dump(exclude_unset=True)
        for key, value in changes.items():
            if value is None:
                raise ValidationFailed(fields={f"settings.{key}": "must not be null; leave it out to keep it"})
        if "cod_fee_percent" in changes:
            settings.cod_fee_bps = int(changes.pop("cod_fee_percent") * 100)
        for key in ("quiet_hours_start", "quiet_hours_end"):
            if key in changes:
                hours, minutes = changes.pop(key).split(":")
                setattr(settings, key, time(int(hours), int(minutes)))
        assign(settings, changes)
        settings.updated_at = now
        if settings.unique_code_min > settings.unique_code_max:
            raise ValidationFailed(fields={"settings.unique_code_min": "must not be above unique_code_max"})

    async def list_mine(self, user_id: int, params: PageParams) -> tuple[list[StoreSummaryOut], Page[Store], int]:
        page = await self.repo.stores_page(user_id, params)
        members = await self.repo.roles_in(user_id, [store.id for store in page.items])
        items = [
            StoreSummaryOut.of(store, members[store.id].role if store.id in members else None) for store in page.items
        ]
        return items, page, await self.repo.count_stores(user_id)

    async def check_subdomain(self, raw: str, *, store_id: int | None = None) -> SubdomainCheckOut:
        value = subdomains.normalize(raw)
        reason = subdomains.invalid_reason(value)
        if reason:
            return SubdomainCheckOut(subdomain=value, valid=False, available=False, reason=reason)
        if await self.repo.subdomain_taken(value, except_store_id=store_id):
            return SubdomainCheckOut(subdomain=value, valid=True, available=False, reason="is already taken")
        return SubdomainCheckOut(subdomain=value, valid=True, available=True, reason=None)

    async def change_subdomain(self, ctx: StoreContext, raw: str) -> StoreOut:
        check = await self.check_subdomain(raw, store_id=ctx.store_id)
        if not check.valid:
            raise ValidationFailed(fields={"subdomain": check.reason or "is invalid"})
        if not check.available:
            raise conflict_for(SUBDOMAIN_UNIQUE)
        store = ctx.store
        store.subdomain = check.subdomain
        store.updated_at = self.clock.now()
        await self.session.flush()
        forget_after_commit(self.session)  # its custom domains now lead to the new subdomain
        return await self.current(ctx)
