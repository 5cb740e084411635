"""The composition root: what the entry points (app.py, cli.py, admin_bootstrap.py) put together so that lower
layers never import higher ones.

- the worker's jobs (worker/loop.py is a generic loop: it runs the jobs it is given);
- the seams lower layers declare and higher ones fill (`runtime.plug`): order's follow-ups (order/followups.py,
  filled by followup/orders/hooks.py); the worker's queues as GET /metrics reports them (monitoring.py, filled by
  the follow-up and webhook repositories).

Build every Runtime through `build_runtime` (or call `wire` on one built otherwise).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

from bosonline.config import Settings
from bosonline.followup.dispatch.backlog_repository import due_followups
from bosonline.followup.dispatch.tasks import FollowupJob
from bosonline.followup.dispatch.tasks import batch_seconds as followup_batch
from bosonline.followup.orders.hooks import Followups
from bosonline.kit.clock import Clock
from bosonline.metrics import BACKLOG_CAP, Backlog
from bosonline.monitoring import QUEUE_BACKLOG
from bosonline.notify import Notifier
from bosonline.order.followups import ORDER_FOLLOWUPS
from bosonline.runtime import Runtime
from bosonline.webhook.repository import due_deliveries
from bosonline.webhook.tasks import WebhookJob
from bosonline.webhook.tasks import batch_seconds as webhook_batch
from bosonline.worker.loop import Job, Worker, run_until_stopped


def wire(runtime: Runtime) -> Runtime:
    """Plugs the seams into `runtime` (idempotent) and returns it."""
    runtime.plug(ORDER_FOLLOWUPS, Followups())
    runtime.plug(QUEUE_BACKLOG, queue_backlog)
    return runtime


async def queue_backlog(runtime: Runtime, now: datetime) -> list[Backlog]:
    """Each job's due rows, read for a scrape of GET /metrics (one short read transaction)."""
    async with runtime.db.session(write=False) as session:
        return [
            Backlog.counted(FollowupJob.name, await due_followups(session, now, BACKLOG_CAP)),
            Backlog.counted(WebhookJob.name, await due_deliveries(session, now, BACKLOG_CAP)),
        ]


def build_runtime(settings: Settings, *, clock: Clock | None = None, notifier: Notifier | None = None) -> Runtime:
    return wire(Runtime.build(settings, clock=clock, notifier=notifier))


def app_jobs(runtime: Runtime) -> list[Job]:
    """The worker's jobs: follow-ups (WhatsApp) and webhooks."""
    return [FollowupJob(runtime), WebhookJob(runtime)]


def stop_timeout(settings: Settings) -> float:
    """How long a stopping worker may take: at most one batch's sending time per job, and some slack."""
    return followup_batch(settings) + webhook_batch(settings) + 5


class AppWorker(Worker):
    """The generic worker loop with this app's jobs (or the `jobs` given)."""

    def __init__(self, runtime: Runtime, jobs: Sequence[Job] | None = None) -> None:
        super().__init__(runtime, jobs if jobs is not None else app_jobs(runtime))


async def run_app_worker(runtime: Runtime, stop: asyncio.Event) -> None:
    await run_until_stopped(runtime, stop, app_jobs(runtime))
