"""Recap Store (`GET /store/recap/store`): for an account with several stores, Revenue's headline figures per store
side by side over the same days, only for the stores where the caller's role may read reports; one statement."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.permissions import Permission, Role, has_permission
from bosonline.report.periods import MAX_DAYS, DaysQuery
from bosonline.report.revenue_repository import StoreRecapRepository
from bosonline.report.revenue_schemas import FiguresOut, StoreFiguresOut, StoreRecapOut
from bosonline.report.revenue_service import COD_SETTLED_BASIS, added, figures, sums_of
from bosonline.runtime import Runtime

READERS = tuple(role.value for role in Role if has_permission(role, Permission.reports_read))
MAX_STORES = 100
# The default period ends today in Western Indonesia Time (the stores may have other zones; each store's figures
# are over the same calendar days of its own).
DEFAULT_ZONE = "Asia/Jakarta"


class StoreRecapService:
    def __init__(self, session: AsyncSession, runtime: Runtime) -> None:
        self.rt = runtime
        self.repo = StoreRecapRepository(session)

    async def recap(self, user_id: int, query: DaysQuery) -> StoreRecapOut:
        period = query.resolve(self.rt.clock.now(), DEFAULT_ZONE, max_days=MAX_DAYS["day"])
        rows = await self.repo.per_store(user_id, READERS, period.start, period.end, MAX_STORES)
        sums = [sums_of(row) for row in rows]
        return StoreRecapOut(
            date_from=period.start,
            date_to=period.end,
            cod_settled_basis=COD_SETTLED_BASIS,
            stores=[
                StoreFiguresOut(
                    store_id=row.id, store_name=row.name, subdomain=row.subdomain, timezone=row.timezone, **figures(s)
                )
                for row, s in zip(rows, sums, strict=True)
            ],
            totals=FiguresOut(**figures(added(sums))),
        )
