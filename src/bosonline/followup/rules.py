"""The published semantics of follow-up chat templates (DESIGN.md §5), in one place: which templates an order
event starts, when a follow-up is due, which text an order gets, and when a follow-up no longer applies.

- `trigger`: `order_created` (default), `abandoned` (a checkout saved but not submitted), or an order status.
  For `abandoned` the clock starts at the buyer's LAST save of the checkout: every save restarts it, and the
  follow-up is due max(`hours_after` hours, 30 minutes) after that save (a buyer idle for 30 minutes has left;
  followup/schedule.py LEAD_IDLE), so a buyer still typing never gets it.
- `change_status=true` with a status trigger: the clock starts when the order's status changes to `trigger`
  (an order created in that status starts it at creation). `change_status=false` with a status trigger: due
  `hours_after` hours after the order's creation; sent (or offered to the CS) only while the order is in that
  status; if it falls due before the order gets there it waits (and goes as soon as the order gets there); it is
  canceled once the order can no longer reach that status. With `order_created`/`abandoned` it makes no difference
  to scheduling.
- Doing a follow-up by hand (`POST /store/order/followup`) whose template has a status trigger and
  `change_status=true` moves the order to that status when the status table allows it; after that move, a
  follow-up that does not apply to the order (below) is refused rather than recorded or queued.
- Due `hours_after` hours after the clock starts (0 = at once, or as soon as a CS acts on a manual one; `abandoned`:
  at least 30 minutes, above). A gateway follow-up due in the store's quiet hours waits until they end (unless a CS
  asked for it), and a number's pacing spaces its messages: "at once" is as soon as those allow.
- A follow-up applies while: the order is not canceled/closed/returned (unless that status is its trigger);
  for `order_created` the order is still `draft`/`pending` and not paid; for a status trigger the order is in
  that status (and not paid, for `draft`/`pending`); for `abandoned` the checkout has not become an order.
"""

from __future__ import annotations

from typing import Literal, get_args

from bosonline.order.state import STATUSES

PaymentCategory = Literal["bank_transfer", "cod", "epayment"]
PAYMENT_CATEGORIES: tuple[str, ...] = get_args(PaymentCategory)
ORDER_CREATED = "order_created"
ABANDONED = "abandoned"
TRIGGERS: tuple[str, ...] = (ORDER_CREATED, ABANDONED, *STATUSES)
ASSIGNATIONS: tuple[str, ...] = ("fixed", "handler", "rotator")
MANUAL = "manual"
MAX_HOURS_AFTER = 720
MAX_TEXT = 4_096

# What the CS or the dispatcher still has to do / what counts as done.
OPEN = frozenset({"scheduled"})
DONE = frozenset({"sent", "delivered", "read", "unknown"})
FINISHED = frozenset({"sent", "delivered", "read", "unknown", "failed", "skipped", "canceled"})
# Status webhooks only move forward along this order; `failed` ends a message that was not delivered.
PROGRESS = {"sending": 0, "sent": 1, "delivered": 2, "read": 3}

_UNPAID = frozenset({"unpaid", "conflict"})
_ENDED = frozenset({"canceled", "closed", "rts"})
_BEFORE_CONFIRMATION = frozenset({"draft", "pending"})


def payment_category(payment_method: str) -> PaymentCategory:
    """bank_transfer → bank_transfer, cod → cod, anything else (qris, VA, e-wallets) → epayment."""
    if payment_method in ("bank_transfer", "cod"):
        return "cod" if payment_method == "cod" else "bank_transfer"
    return "epayment"


def text_field(category: str) -> str:
    return f"text_for_{category}"


def is_status_trigger(trigger: str) -> bool:
    return trigger in STATUSES


def starts_at_creation(trigger: str, change_status: bool, initial_status: str) -> bool:
    """Whether creating an order (in `initial_status`) starts this template's clock."""
    if trigger == ORDER_CREATED:
        return True
    if is_status_trigger(trigger):
        return not change_status or trigger == initial_status
    return False


def starts_at_status(trigger: str, change_status: bool, new_status: str) -> bool:
    """Whether an order's status changing to `new_status` starts this template's clock."""
    return change_status and trigger == new_status


def still_applies(trigger: str, status: str, payment_status: str) -> str | None:
    """None when a follow-up with this trigger still applies to an order in this state, else the reason."""
    if trigger == ABANDONED:
        return None
    if status in _ENDED and trigger != status:
        return f"order {status}"
    if trigger == ORDER_CREATED:
        if status not in _BEFORE_CONFIRMATION:
            return f"order {status}"
        if payment_status not in _UNPAID:
            return "order paid"
        return None
    if status != trigger:
        return f"order {status}"
    if status in _BEFORE_CONFIRMATION and payment_status not in _UNPAID:
        return "order paid"
    return None


# The `error` of a scheduled row holding its pacing slot on a number (dispatch/pacing.py; schedule.py keeps it).
PACED = "waiting for its pacing slot on this number"
