"""The rarely-changing data of a store that every checkout needs — the form's offered variants, the rate card, the
CS and owner (round robin), the webhook subscriptions, the follow-up templates, the bank accounts — kept in a
small per-process cache instead of six reads per checkout.

The key is (store id, `stores.data_version`): database triggers move the version on every INSERT, UPDATE or
DELETE of those tables (migration 0012), so no writer can forget to, and the checkout reads the version in its
first statement. Data loaded after that read is at least as new as the version it is filed under, so a version
never serves older data than it stands for. Entries hold plain column values (frozen), never ORM instances: each
request gets its own transient copies. Stock and vouchers are never cached.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bosonline.bank.schemas import BankAccountPublicOut
from bosonline.checkout.repository import CheckoutRepository, Offered
from bosonline.models import FollowupChat, Form, Product, ProductVariant, ShippingRate, StoreMember, Webhook
from bosonline.models.base import Base
from bosonline.order.texts import public_bank_accounts
from bosonline.shipping.repository import rate_card_rows

M = TypeVar("M", bound=Base)
CACHE_ENTRIES = 1024


@dataclass(frozen=True)
class Frozen:
    """A row's column values: the immutable ones shared, the mutable ones (JSON lists and dicts) copied per use."""

    values: tuple[tuple[str, Any], ...]
    mutable: tuple[tuple[str, Any], ...]

    @classmethod
    def of(cls, row: Base) -> Frozen:
        columns = inspect(type(row)).local_table.columns
        values = [(column.key, copy.deepcopy(getattr(row, column.key))) for column in columns]
        return cls(
            tuple((key, value) for key, value in values if not isinstance(value, list | dict | set)),
            tuple((key, value) for key, value in values if isinstance(value, list | dict | set)),
        )

    def build(self, model: type[M]) -> M:
        """A new transient instance (never in a session), its JSON values copied: the caller may not change ours.
        Made the way SQLAlchemy's loader makes instances (state, then the values in its dict), not through the
        constructor's instrumented setattr per column: a checkout builds a dozen of these."""
        instance: M = model.__mapper__.class_manager.new_instance()
        values = instance.__dict__
        values.update(self.values)
        for key, value in self.mutable:
            values[key] = copy.deepcopy(value)
        return instance


@dataclass(frozen=True)
class FrozenOffered:
    product: Frozen
    variant: Frozen
    default_quantity: int


class LruCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> Any:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


CACHE = LruCache(CACHE_ENTRIES)
# Engine → its URL as text, the cache keys' database: a URL object renders itself as text at every hash.
_DATABASES: WeakKeyDictionary[Engine | AsyncEngine, str] = WeakKeyDictionary()


def _database_of(session: AsyncSession) -> str | None:
    if session.bind is None:
        return None
    engine = session.bind.engine
    found = _DATABASES.get(engine)
    if found is None:
        found = _DATABASES[engine] = engine.url.render_as_string(hide_password=False)
    return found


class StoreData:
    """One request's view of a store's cached data at `version` (the store row's data_version it read)."""

    def __init__(self, session: AsyncSession, store_id: int, version: int) -> None:
        self.session = session
        self.store_id = store_id
        self.version = version

    def _key(self, kind: str, *more: Any) -> tuple[Any, ...]:
        # The database too: one process may serve several (tests, the CLI). Store ids are never reused within one
        # (PostgreSQL sequences; SQLite would hand out only a deleted newest id again, and stores are closed, not
        # deleted).
        return (_database_of(self.session), self.store_id, self.version, kind, *more)

    async def offered(self, form: Form) -> list[Offered]:
        key = self._key("offered", form.id)
        found: tuple[FrozenOffered, ...] | None = CACHE.get(key)
        if found is None:
            rows = await CheckoutRepository(self.session).offered(form)
            found = tuple(FrozenOffered(Frozen.of(o.product), Frozen.of(o.variant), o.default_quantity) for o in rows)
            CACHE.put(key, found)
        return [Offered(o.product.build(Product), o.variant.build(ProductVariant), o.default_quantity) for o in found]

    async def rate_card(self) -> list[ShippingRate]:
        """Every service of the store's card, in card order."""
        return [row.build(ShippingRate) for row in await self._rows("rates", self._load_rates)]

    async def _load_rates(self) -> Sequence[Base]:
        return await rate_card_rows(self.session, self.store_id)

    async def handlers(self) -> tuple[list[StoreMember], StoreMember | None]:
        """Active CS members by id, and the owner's membership (who handles orders when there is no CS)."""
        members = [row.build(StoreMember) for row in await self._rows("handlers", self._load_handlers)]
        cs = [member for member in members if member.role == "cs"]
        owner = next((member for member in members if member.role == "owner"), None)
        return cs, owner

    async def _load_handlers(self) -> Sequence[Base]:
        cs, owner = await CheckoutRepository(self.session).handlers(self.store_id)
        return [*cs, *([owner] if owner else [])]

    async def templates(self) -> list[FollowupChat]:
        """Every follow-up template of the store (the planner picks an order's set among them)."""
        return [row.build(FollowupChat) for row in await self._rows("templates", self._load_templates)]

    async def _load_templates(self) -> Sequence[Base]:
        return list(await self.session.scalars(select(FollowupChat).where(FollowupChat.store_id == self.store_id)))

    async def webhooks(self) -> list[tuple[int, frozenset[str]]]:
        """Active subscriptions: (webhook id, its events), by id."""
        key = self._key("webhooks")
        found: tuple[tuple[int, frozenset[str]], ...] | None = CACHE.get(key)
        if found is None:
            rows = await self.session.execute(
                select(Webhook.id, Webhook.events)
                .where(Webhook.store_id == self.store_id, Webhook.status == "active")
                .order_by(Webhook.id)
            )
            found = tuple((int(webhook_id), frozenset(events or ())) for webhook_id, events in rows)
            CACHE.put(key, found)
        return list(found)

    async def bank_accounts(self) -> list[BankAccountPublicOut]:
        key = self._key("bank_accounts")
        found: tuple[tuple[tuple[str, Any], ...], ...] | None = CACHE.get(key)
        if found is None:
            accounts = await public_bank_accounts(self.session, self.store_id)
            found = tuple(tuple(account.model_dump().items()) for account in accounts)
            CACHE.put(key, found)
        return [BankAccountPublicOut.model_validate(dict(values)) for values in found]

    async def _rows(self, kind: str, load: Callable[[], Awaitable[Sequence[Base]]]) -> tuple[Frozen, ...]:
        key = self._key(kind)
        found: tuple[Frozen, ...] | None = CACHE.get(key)
        if found is None:
            found = tuple(Frozen.of(row) for row in await load())
            CACHE.put(key, found)
        return found
