"""Recap CS: per member handling orders (orders.handler_id), for the orders created in a period of the store's
days: orders handled, closing rate, cancels, returns, follow-ups sent per step, the orders they converted and the
Rupiah they recovered (cs_recap_repository says how a payment is attributed).

Rows: everyone who handled an order of the period, the active CS with none (zeros), and the unassigned orders.
A CS who sees only their own orders (the store's `cs_sees_all_orders` off: order/repository.py) gets their own
row only, from their orders only."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.kit.money import rupiah
from bosonline.order.repository import OrderRepository
from bosonline.report.cs_recap_repository import CsRecapRepository
from bosonline.report.cs_recap_schemas import CsFollowupStepOut, CsRecapOut, CsRecapRowOut
from bosonline.report.product_recap_service import ratio
from bosonline.report.recap_period import PeriodIn, resolve
from bosonline.runtime import Runtime
from bosonline.tenancy import StoreContext

UNASSIGNED = "Belum ditugaskan"
_COUNTS = ("handled", "closed", "paid", "shipped", "canceled", "rts")


class CsRecapService:
    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        self.rt = runtime
        self.ctx = ctx
        self.repo = CsRecapRepository(session, ctx)
        self.orders = OrderRepository(session, ctx)

    async def recap(self, given: PeriodIn) -> CsRecapOut:
        period = resolve(given, self.rt.clock.now(), self.ctx.store.timezone)
        cs = await self.orders.cs_limited()
        counts: dict[int | None, dict[str, int]] = {
            row.handler_id: {key: int(getattr(row, key)) for key in _COUNTS}
            for row in await self.repo.per_handler(period, cs)
        }
        per_step: dict[int | None, dict[int, list[int]]] = defaultdict(dict)  # handler: step: [sent, n, Rp]
        for row in await self.repo.sent(period, cs):
            per_step[row.handler_id][row.step] = [int(row.sent), 0, 0]
        for row in await self.repo.converted(period, cs):
            if row.step is None:  # paid with no follow-up sent before
                continue
            figures = per_step[row.handler_id].setdefault(row.step, [0, 0, 0])
            figures[1:] = [int(row.converted), int(row.recovered)]
        steps = {
            handler: [CsFollowupStepOut(step=step, sent=n, converted=c, recovered=r)
                      for step, (n, c, r) in sorted(found.items())]
            for handler, found in per_step.items()
        }  # fmt: skip
        members = {row.id: row for row in await self.repo.members()}
        if cs:
            shown: list[int | None] = [self.ctx.member_id]
        else:
            shown = list(counts)
            shown += [
                member.id
                for member in members.values()
                if member.role == "cs" and member.status == "active" and member.removed_at is None
                and member.id not in counts
            ]  # fmt: skip
        rows = [self._row(handler, counts.get(handler), steps.get(handler, []), members) for handler in shown]
        rows.sort(key=lambda row: (-row.handled, row.member_id is None, row.name, row.member_id or 0))
        return CsRecapOut(date_from=period.first, date_to=period.last, timezone=period.timezone, rows=rows)

    @staticmethod
    def _row(
        handler: int | None,
        counts: dict[str, int] | None,
        steps: list[CsFollowupStepOut],
        members: dict[int, Any],
    ) -> CsRecapRowOut:
        n = counts or dict.fromkeys(_COUNTS, 0)
        member = members.get(handler) if handler is not None else None
        recovered = sum(step.recovered for step in steps)
        return CsRecapRowOut(
            member_id=handler,
            name=member.name if member is not None else UNASSIGNED,
            role=member.role if member is not None else None,
            active=member is not None and member.status == "active" and member.removed_at is None,
            handled=n["handled"],
            closed_orders=n["closed"],
            closing_rate=ratio(n["closed"], n["handled"]),
            paid_orders=n["paid"],
            shipped_orders=n["shipped"],
            canceled_orders=n["canceled"],
            rts_orders=n["rts"],
            followups_sent=sum(step.sent for step in steps),
            converted_orders=sum(step.converted for step in steps),
            recovered=recovered,
            recovered_text=rupiah(recovered),
            steps=steps,
        )
