"""Rules of the seller's vouchers (Store → Voucher): codes unique regardless of case, products of the store,
quotas never below what was used, and deletion that keeps used vouchers for their orders."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.errors import ValidationFailed, conflict_for, found
from bosonline.kit.attributes import assign, attributes
from bosonline.kit.pagination import Page, PageParams
from bosonline.models import Voucher
from bosonline.models.voucher import VOUCHER_CODE_UNIQUE
from bosonline.runtime import Runtime
from bosonline.tenancy import ScopedService, StoreContext
from bosonline.voucher.repository import VoucherRepository
from bosonline.voucher.schemas import VoucherDeletedOut, VoucherIn, VoucherOut

# A voucher's columns that a VoucherIn sets as they are (its `product_ids` are rows of their own).
_SET_BY_BODY = tuple(name for name in VoucherIn.model_fields if name != "product_ids")


class VoucherService(ScopedService):
    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        super().__init__(session, runtime, ctx)
        self.repo = VoucherRepository(session, ctx.store_id)

    async def list(
        self, params: PageParams, *, status: str | None, state: str | None, q: str | None
    ) -> tuple[list[VoucherOut], Page[Voucher], int]:
        now = self.rt.clock.now()
        page, total = await self.repo.page(params, status=status, state=state, q=q, now=now)
        products = await self.repo.product_ids_of([voucher.id for voucher in page.items])
        return [VoucherOut.of(v, products.get(v.id, []), now) for v in page.items], page, total

    async def get(self, voucher_id: int) -> VoucherOut:
        return await self._out(await self._voucher(voucher_id))

    async def create(self, data: VoucherIn) -> VoucherOut:
        await self._check(data, voucher_id=None)
        now = self.rt.clock.now()
        voucher = Voucher(used_count=0, status="active", created_at=now, updated_at=now)
        self._apply(voucher, data)
        await self.repo.add(voucher)
        await self.repo.replace_products(voucher.id, data.product_ids)
        return VoucherOut.of(voucher, sorted(data.product_ids), now)

    async def update(self, voucher_id: int, data: VoucherIn) -> VoucherOut:
        # Locked: a checkout counting a use at the same moment cannot slip under the new quota_total.
        voucher = await self._voucher(voucher_id, for_update=True)
        await self._check(data, voucher_id=voucher.id)
        if data.quota_total is not None and data.quota_total < voucher.used_count:
            raise ValidationFailed(
                fields={"quota_total": f"must not be below the {voucher.used_count} uses already made"}
            )
        self._apply(voucher, data)
        voucher.updated_at = self.rt.clock.now()
        await self.session.flush()
        await self.repo.replace_products(voucher.id, data.product_ids)
        return VoucherOut.of(voucher, sorted(data.product_ids), self.rt.clock.now())

    async def set_status(self, voucher_id: int, status: str) -> VoucherOut:
        voucher = await self._voucher(voucher_id, for_update=True)
        await self._set_status(voucher, status)
        return await self._out(voucher)

    async def delete(self, voucher_id: int) -> VoucherDeletedOut:
        """A voucher never used is erased. A used one stays for its orders (they name it): hidden everywhere,
        inactive, and its code freed for a new voucher."""
        voucher = await self._voucher(voucher_id, for_update=True)
        if not await self.repo.was_redeemed(voucher.id):
            await self.repo.erase(voucher)
            return VoucherDeletedOut(id=voucher_id, archived=False)
        now = self.rt.clock.now()
        voucher.deleted_at, voucher.code_key, voucher.status, voucher.updated_at = now, None, "inactive", now
        await self.session.flush()
        return VoucherDeletedOut(id=voucher_id, archived=True)

    async def _voucher(self, voucher_id: int, *, for_update: bool = False) -> Voucher:
        return found(await self.repo.get(voucher_id, for_update=for_update))

    async def _check(self, data: VoucherIn, *, voucher_id: int | None) -> None:
        holder = await self.repo.code_holder(data.code.upper())
        if holder is not None and holder != voucher_id:
            raise conflict_for(VOUCHER_CODE_UNIQUE)
        live = await self.repo.live_product_ids(data.product_ids)
        unknown = {
            f"product_ids.{index}": "is not a product of this store"
            for index, product_id in enumerate(data.product_ids)
            if product_id not in live
        }
        if unknown:
            raise ValidationFailed(fields=unknown)

    @staticmethod
    def _apply(voucher: Voucher, data: VoucherIn) -> None:
        assign(voucher, attributes(data, _SET_BY_BODY))
        voucher.code_key = data.code.upper()

    async def _out(self, voucher: Voucher) -> VoucherOut:
        products = await self.repo.product_ids_of([voucher.id])
        return VoucherOut.of(voucher, products.get(voucher.id, []), self.rt.clock.now())
