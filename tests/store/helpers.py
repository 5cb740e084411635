"""Assertions and database peeks shared by the store and staff tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bosonline.models import Store, StoreMember, StoreSettings, User
from bosonline.runtime import Runtime

# What a subdomain may not be, on creation and on a change: a hyphen at either end or twice in a row, other
# characters than a-z, 0-9 and hyphens, shorter than 3 or longer than 30, a reserved name (in any case, any padding).
BAD_SUBDOMAINS = ["-toko", "toko-", "to--ko", "toko_ku", "toko.ku", "toko ku", "tokö", "-abc", "abc-", "a--b", "a_b",
                  "a.b", "ab", "a" * 31, "a" * 64, "", "www", "api", "admin", "WWW", " Admin "]  # fmt: skip

DEFAULT_SETTINGS = {
    "cod_fee_percent": 3.0,
    "unique_code_enabled": True,
    "unique_code_min": 1,
    "unique_code_max": 999,
    "quiet_hours_start": "21:00",
    "quiet_hours_end": "08:00",
    "cs_sees_all_orders": False,
}


async def store_row(rt: Runtime, store_id: int) -> Store | None:
    async with rt.db.session() as session:
        return await session.get(Store, store_id)


async def settings_row(rt: Runtime, store_id: int) -> StoreSettings | None:
    async with rt.db.session() as session:
        return await session.get(StoreSettings, store_id)


async def member_row(rt: Runtime, member_id: int) -> StoreMember | None:
    async with rt.db.session() as session:
        return await session.get(StoreMember, member_id)


async def members_of_store(rt: Runtime, store_id: int) -> list[StoreMember]:
    async with rt.db.session() as session:
        return list(
            await session.scalars(select(StoreMember).where(StoreMember.store_id == store_id).order_by(StoreMember.id))
        )


async def count(rt: Runtime, model: type[Any], *where: Any) -> int:
    async with rt.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def users_with_email(rt: Runtime, email: str) -> list[User]:
    async with rt.db.session() as session:
        return list(await session.scalars(select(User).where(User.email == email)))
