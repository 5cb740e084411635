"""HTTP routes of follow-ups per order (the seed's Order → Follow up) and their results."""

from __future__ import annotations

import inspect
from typing import Annotated

from fastapi import Query

from bosonline.deps import store_service
from bosonline.errors import error_responses
from bosonline.followup.errors import FollowupError
from bosonline.followup.orders.schemas import (
    FollowupAttemptOut,
    FollowUpIn,
    FollowUpOut,
    FollowupStatsOut,
    MessageHistoryOut,
    OrderChatOut,
)
from bosonline.followup.orders.service import FollowupOrderService
from bosonline.followup.orders.stats import FollowupStats
from bosonline.inventory.errors import InventoryError
from bosonline.kit.fields import OneLineText
from bosonline.kit.pagination import PageQuery
from bosonline.kit.schemas import Envelope, ListEnvelope
from bosonline.order.errors import OrderError
from bosonline.order.fields import OrderId
from bosonline.permissions import Permission
from bosonline.report.periods import PERIOD_CODES, DaysParams
from bosonline.routing import api_router

router = api_router(tags=["Follow-up"])

Reader = Annotated[FollowupOrderService, store_service(FollowupOrderService, Permission.orders_read)]
Writer = Annotated[FollowupOrderService, store_service(FollowupOrderService, Permission.orders_write)]
Stats = Annotated[FollowupStats, store_service(FollowupStats, Permission.reports_read)]

SEMANTICS = """
Steps are the order's follow-up chat templates in order (Follow Up 1, 2, 3, …): those of its first
product that has templates, else the store's default set. A follow-up keeps the step and template it was scheduled
with, even if the templates are later reordered or replaced; templates added since without a follow-up of the order
come after. Each template's `trigger` says when its clock starts: `order_created` (at checkout), an order status
(with `change_status=true`: when the order moves to that status; with `false`: at checkout, sent or offered to the
CS only while the order is in that status — falling due before the order gets there, it waits and goes once the
order gets there; it is canceled once the order can no longer get there), or `abandoned` (a checkout that was not
submitted: those are not part of an order's follow-ups). It is due `hours_after` hours (0–720) later. `provider`
`manual`: the CS sends it by opening `wa_url` (https://wa.me/…); a gateway (`fonnte`, `wablas`, `starsender`,
`whatsapp_cloud`): the dispatcher sends it through the integration chosen by `wa_gateway_assignation_type` (`fixed`:
the template's `wa_integration_id`; `handler`: the order's CS's integration; `rotator`: round-robin over active
integrations). Texts are chosen by the order's payment category (bank_transfer, cod, epayment) and rendered with its
placeholders. A follow-up stops (`canceled`) once the order is paid, canceled, or past the status it was for."""


def documented(doc: str) -> str:
    """A route's description: its own text, then the published semantics of follow-up templates."""
    return inspect.cleandoc(doc) + "\n\n" + inspect.cleandoc(SEMANTICS)


ATTEMPTS_DOC = """Orders that still have a follow-up to do, newest first, each with how many follow-ups were done
(`folowup_attempts`, the seed's spelling), the buyer (phone in 08… form) and the next follow-up's text
(`followup_text`) rendered for the order and its payment category. The next follow-up is the lowest step among the
order's follow-ups still waiting that applies to the order now (a follow-up for a status the order has not reached
is not next) and has a text for its payment category — the one the default `POST /store/order/followup` does; a
template the order has no follow-up of (its clock has not started, or it was added after the order was placed) is
never next. The seed's four keys come first; the others follow: order id and number, next step, template id,
channel, due time, `wa_url` (the wa.me link, for `manual` follow-ups only: a gateway one is sent by the dispatcher,
and sending it by hand too would reach the buyer twice) and `error` (why a gateway follow-up has not gone yet, e.g.
`no active WhatsApp number: …`: it stays listed and goes once a number is active again). By default the follow-ups
go in order; `POST /store/order/followup` may jump ahead (Follow Up 1 → 4), skipping the ones between. `?sku=` keeps
the orders with a line of that SKU: a product's SKU matches its lines whatever their variant, a variant's SKU the
lines of that variant; an SKU no product or variant of the store has answers 404 `Record not found`. A CS sees the
orders assigned to them, unless the store lets CS see every order. Keyset pagination (`?limit` ≤ 100, `?cursor`)."""

FOLLOW_UP_DOC = """Does one follow-up of an order now: by default the next one, as the attempts list shows it (the
lowest step among the order's follow-ups still waiting that applies to the order now; one with no text for the
order's payment category is passed over and marked `skipped`, "no text for cod"; one waiting for a status the order
has not reached is passed over and keeps waiting; a template the order has no follow-up of is never next);
`follow_up_chat_id` (any template the order has a follow-up of, or of its current set: a template without a
follow-up of the order gets one) or `step` (as the attempts list and the order's chats number them) chooses another
— a later one marks the earlier steps not done yet that apply to the order now `skipped` (they will not be sent
later: choosing one afterwards answers 409 `followup_skipped`); those for a status the order has not reached yet are left waiting and still go (or are offered) once the
order gets there. A `manual` template is recorded as done (`status: sent`) and answers its rendered `text` and the
`wa_url` the CS opens to send it; a gateway template is queued to be sent at once (`status: scheduled`; a CS's send
is not held back by quiet hours) and answers `wa_url: null` (the dispatcher sends it: a link would make it reach the
buyer twice). A template with `change_status=true` whose `trigger` is an order status moves the
order to that status (when the status table allows it; with its stock and timeline effects), unless the body says
`change_status: false`; `status_changed` reports the move. When the status change is refused (the status table, the
stock), nothing is done and its own error answers (e.g. 409 `invalid_transition`, `reservation_mismatch`, with its
message). After that move the follow-up must apply to the order (e.g. not paid for a payment reminder, in the
template's status for a status trigger), else nothing is done: 409 `followup_not_applicable` with the reason.

Refusals: a template not in the order's set → 404; already done → 409 `followup_done`; its gateway send has an
unknown outcome → 409 `followup_unknown` (check WhatsApp, then use the wa.me link: it is never re-sent blindly);
being sent right now (or, by default, nothing left but a follow-up being sent) → 409 `followup_sending`; skipped
(passed over by a jump, or for lack of a text: skipped steps are never sent later) → 409 `followup_skipped`; the chosen
one has no text for the order's payment category → 409 `no_text`; it does not apply to the order → 409
`followup_not_applicable`; nothing left to do now → 409 `no_followup_left`. The same click arriving twice (same CS,
no template named, within a few seconds of that CS's own Follow Up) answers the follow-up just done instead of doing
the next one."""

CHATS_DOC = """Every follow-up template of the order, in order, rendered for it: `text` (for its payment category),
`text_url` (the text URL-encoded, as Scalev), `wa_url` (for a manual step, and for a gateway one whose send failed
or whose outcome is unknown; null for the other gateway steps, which the dispatcher sends: a link would make them
reach the buyer twice), `is_next` (the order's next follow-up, as the attempts list and the default Follow Up see it), and its
`state`: the follow-up's status, `waiting` when it is scheduled for a status the order has not reached yet (it goes
once the order gets there), or `not_scheduled` when the order has no follow-up of that template (its clock has not
started, or the template was added after the order was placed: it can still be chosen in Follow Up). 404 for another
store's order or one a CS may not see."""


@router.get("/store/order/followup-attempts", summary="Follow Up Attempts", description=documented(ATTEMPTS_DOC))
async def followup_attempts(
    service: Reader,
    page: PageQuery,
    sku: Annotated[
        OneLineText | None,
        Query(min_length=1, max_length=64, description="Only orders with a line of this SKU (e.g. ESB-001)."),
    ] = None,
) -> ListEnvelope[FollowupAttemptOut]:
    items, cursor = await service.attempts(sku, page)
    return ListEnvelope.page(items, cursor)


@router.post(
    "/store/order/followup",
    summary="Follow Up",
    description=documented(FOLLOW_UP_DOC),
    responses=error_responses(
        FollowupError.followup_not_applicable,
        FollowupError.followup_done,
        FollowupError.followup_sending,
        FollowupError.followup_skipped,
        FollowupError.followup_unknown,
        FollowupError.no_followup_left,
        FollowupError.no_text,
        OrderError.invalid_transition,
        InventoryError.insufficient_stock,
        InventoryError.reservation_mismatch,
    ),
)
async def follow_up(body: FollowUpIn, service: Writer) -> Envelope[FollowUpOut]:
    return Envelope(data=await service.follow_up(body))


@router.get("/store/order/{order_id}/chats", summary="Order Follow-up Chats", description=documented(CHATS_DOC))
async def order_chats(order_id: OrderId, service: Reader) -> Envelope[list[OrderChatOut]]:
    return Envelope(data=await service.chats(order_id))


@router.get("/store/order/{order_id}/message-history", summary="Order Follow-up History")
async def message_history(order_id: OrderId, service: Reader) -> Envelope[list[MessageHistoryOut]]:
    """The order's follow-ups that happened (everything but those still waiting), oldest first: sent by a CS or a
    gateway (with the integration, the provider's message id, delivery and read times), failed, of unknown outcome
    (`unknown`: it may have reached the buyer), skipped or canceled (with the reason in `error`)."""
    return Envelope(data=await service.history(order_id))


@router.get("/store/followup/stats", summary="Follow-up Stats", responses=error_responses(*PERIOD_CODES))
async def followup_stats(service: Stats, period: DaysParams) -> Envelope[FollowupStatsOut]:
    """Per step (Follow Up 1, 2, …) of the orders' follow-ups created in the range (≤ 366 days): how many were
    scheduled, sent (delivered and read included), delivered (read included), read, failed, of unknown outcome,
    skipped and canceled, and `converted`: how many of the orders a step was sent to were paid or confirmed after
    it was sent. The follow-ups of abandoned checkouts are counted apart, all steps together, in `abandoned` (the
    same counters; `converted`: checkouts that became orders after a follow-up was sent to them)."""
    return Envelope(data=await service.per_step(period.date_from, period.date_to))
