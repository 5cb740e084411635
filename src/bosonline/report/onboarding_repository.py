"""The one statement of On Boarding: a row of EXISTS tests over the store's real rows (`SELECT EXISTS(…) AS …, …`),
each an index range read that stops at its first match, so the checklist costs the same on a store of ten orders
or a million, and cannot drift from what the store has (nothing is stored twice)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, literal, or_, select

from bosonline.models import (
    BankAccount,
    FollowupChat,
    Form,
    FormItem,
    Order,
    OrderDailyStat,
    Product,
    ShippingRate,
    Stock,
    StoreSettings,
    StoreWarehouse,
    WaIntegration,
    Warehouse,
)
from bosonline.tenancy import ScopedRepository


def _any(model: Any, store_id: int, *where: Any) -> Any:
    return exists(select(literal(1)).select_from(model).where(model.store_id == store_id, *where))


class OnboardingRepository(ScopedRepository):
    async def state(self) -> dict[str, bool]:
        """Step key → done, for OnboardingService's steps."""
        store_id = self.ctx.store_id
        stocked = (
            select(literal(1))
            .select_from(Stock)
            .join(
                StoreWarehouse,
                and_(StoreWarehouse.store_id == Stock.store_id, StoreWarehouse.warehouse_id == Stock.warehouse_id),
            )
            .join(Warehouse, Warehouse.id == Stock.warehouse_id)
            .where(Stock.store_id == store_id, Stock.on_hand > Stock.reserved, Warehouse.deleted_at.is_(None))
        )
        published = and_(
            Form.status == "active",
            Form.deleted_at.is_(None),
            exists(select(literal(1)).where(FormItem.form_id == Form.id)),
        )
        checks = {
            "payment": or_(
                _any(BankAccount, store_id, BankAccount.status == "active"),
                _any(StoreSettings, store_id, StoreSettings.qris_payload.is_not(None)),
            ),
            "warehouse_stock": exists(stocked),
            "product": _any(Product, store_id, Product.archived_at.is_(None)),
            "shipping_rates": _any(ShippingRate, store_id),
            "published_form": _any(Form, store_id, published),
            "whatsapp": _any(WaIntegration, store_id, WaIntegration.is_active.is_(True)),
            "followup_templates": _any(FollowupChat, store_id),
            "first_order": _any(Order, store_id),
            # Paid orders are found in the recap counters (a few hundred rows a day), not among a million orders
            # with no index on their payment status.
            "first_paid_order": _any(
                OrderDailyStat,
                store_id,
                OrderDailyStat.payment_status.in_(("paid", "settled")),
                OrderDailyStat.orders > 0,
            ),
        }
        row = (await self.session.execute(select(*(check.label(key) for key, check in checks.items())))).one()
        return {key: bool(value) for key, value in row._mapping.items()}
