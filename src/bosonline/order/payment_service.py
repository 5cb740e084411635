"""Payments of an order as the store records them: the account the buyer pays into (Update Payment Method) and
the confirmation of money received (Confirm Payment), each kept in the order's payment history."""

from __future__ import annotations

from bosonline.bank.banks import bank_of
from bosonline.bank.repository import BankAccountRepository
from bosonline.errors import Conflict, ValidationFailed
from bosonline.kit.money import rupiah
from bosonline.models import BankAccount, Image, Order, OrderPayment
from bosonline.order.edit_base import PAID_STATUSES, OrderChange, check_moment, refuse_canceled, snap
from bosonline.order.edit_schemas import ConfirmPaymentIn, PaymentDetailsIn
from bosonline.order.errors import OrderError
from bosonline.order.schemas import OrderDetailOut

BANK_FIELDS = ("bank_account_id", "bank_name", "bank_account_number", "bank_account_holder")
DETAIL_FIELDS = (*BANK_FIELDS, "payer_name")
CONFIRM_FIELDS = ("payment_status", "paid_amount", "paid_at", *DETAIL_FIELDS)


def copy_account(order: Order, account: BankAccount | None) -> None:
    """The account as it is now, copied onto the order (a later edit or deletion of it does not change the order).
    The bank is named as buyers call it ("BCA"), as the checkout's payment instructions do."""
    order.bank_account_id = account.id if account else None
    order.bank_name = bank_of(account.bank_code).short_name if account else None
    order.bank_account_number = account.account_number if account else None
    order.bank_account_holder = account.holder_name if account else None


class OrderPayments(OrderChange):
    async def _account(self, account_id: int, *, active_only: bool) -> BankAccount:
        """One of this store's bank accounts; 422 naming `bank_account_id` otherwise (another store's id is as
        unknown as a missing one)."""
        account = await BankAccountRepository(self.session, self.ctx).get(account_id)
        if account is None:
            raise ValidationFailed(fields={"bank_account_id": "is not a bank account of this store"})
        if active_only and account.status != "active":
            raise ValidationFailed(
                fields={"bank_account_id": "this bank account is inactive: buyers are not offered it"}
            )
        return account

    # --- Update Payment Method (payment details) --------------------------------------------------------------

    async def details(self, order_id: int, body: PaymentDetailsIn) -> OrderDetailOut:
        order = await self.lock(order_id)
        refuse_canceled(order)
        sent = body.model_fields_set
        account = None
        if "bank_account_id" in sent and body.bank_account_id is not None:
            if order.payment_method != "bank_transfer":
                raise ValidationFailed(
                    fields={"bank_account_id": f"a {order.payment_method} order is not paid into a bank account"}
                )
            account = await self._account(body.bank_account_id, active_only=True)
        timeline = self.timeline(order)
        before = snap(order, DETAIL_FIELDS)
        if "bank_account_id" in sent:
            copy_account(order, account)
        if "payer_name" in sent:
            order.payer_name = body.payer_name
        return await self.done(order, timeline, "payment_details_changed", before, DETAIL_FIELDS)

    # --- Confirm Payment --------------------------------------------------------------------------------------

    async def _check_proof(self, image_id: int) -> None:
        # Locked: a concurrent delete of the picture waits for this payment (and then sees it in use).
        if await self.repo.one(Image, image_id, for_update=True) is None:
            raise ValidationFailed(fields={"proof_image_id": "is not an image of this store"})

    async def confirm(self, order_id: int, body: ConfirmPaymentIn) -> OrderDetailOut:
        order = await self.lock(order_id)
        refuse_unpayable(order)
        paid_at = self.now if body.paid_at is None else check_moment("paid_at", body.paid_at, order, self.now)
        account = None
        if body.bank_account_id is not None:  # money may arrive in an account no longer offered to buyers
            account = await self._account(body.bank_account_id, active_only=False)
        if body.proof_image_id is not None:
            await self._check_proof(body.proof_image_id)
        if body.amount == 0 and order.total != 0:
            raise ValidationFailed(fields={"amount": "must be more than 0 (only a Rp0 order is paid with Rp0)"})
        result = "paid" if body.amount == order.total else "conflict"
        timeline = self.timeline(order)
        before = snap(order, CONFIRM_FIELDS)
        if account is not None and order.payment_method == "bank_transfer":  # COD: the courier's remittance
            copy_account(order, account)
        if body.payer_name is not None:
            order.payer_name = body.payer_name
        order.payment_status = result
        order.paid_amount = body.amount
        order.paid_at = paid_at if result == "paid" else None
        payment = OrderPayment(
            order_id=order.id,
            store_id=order.store_id,
            amount=body.amount,
            expected=order.total,
            result=result,
            paid_at=paid_at,
            bank_account_id=account.id if account else None,
            bank_name=bank_of(account.bank_code).short_name if account else None,
            bank_account_number=account.account_number if account else None,
            payer_name=body.payer_name,
            proof_image_id=body.proof_image_id,
            note=body.note,
            actor_user_id=self.ctx.user_id,
            actor_label=self.ctx.member.name,
            created_at=self.now,
        )
        self.session.add(payment)
        await self.session.flush()
        difference = body.amount - order.total
        extra = {
            "payment": {
                "id": payment.id,
                "amount": body.amount,
                "expected": order.total,
                "difference": difference,
                "result": result,
            }
        }
        note = body.note if result == "paid" else conflict_note(body.amount, difference, body.note)
        kind = "payment_confirmed" if result == "paid" else "payment_conflict"
        return await self.done(
            order, timeline, kind, before, CONFIRM_FIELDS, note=note[:500] if note else None, extra=extra
        )


def refuse_unpayable(order: Order) -> None:
    """409 when a payment can no longer be recorded on the order (canceled, closed, already paid)."""
    refuse_canceled(order)
    if order.status == "closed":
        raise Conflict("This order is closed: its payment can no longer be recorded", code=OrderError.order_closed)
    if order.payment_status in PAID_STATUSES:
        raise Conflict(f"This order is already {order.payment_status}", code=OrderError.already_paid)


def conflict_note(amount: int, difference: int, note: str | None) -> str:
    """The event's note of a payment that does not match the total, for the seller (Indonesian, Rupiah)."""
    side = "lebih" if difference > 0 else "kurang"
    said = f"Diterima {rupiah(amount)}, {rupiah(abs(difference))} {side} dari total"
    return said + (f" — {note}" if note else "")
