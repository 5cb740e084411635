"""Per-number pacing: each WhatsApp integration sends at most `pacing_per_minute` messages a minute, spaced evenly
(60 / pace seconds apart; 0 = no pacing), across every worker.

`wa_integrations.next_send_at` is the earliest moment the number's next message may go. A claim locks the rows
of the integrations it uses (FOR UPDATE, in id order), gives each message the next free slot, and writes the
advanced `next_send_at` back in the same transaction, so two workers never hand out the same slot. A message
whose slot lies beyond the batch's horizon is not sent by this batch: it stays scheduled, due at its slot, and
does not reserve it (the batch that picks it up then takes the next free slot)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass
class Pacer:
    now: datetime
    horizon: timedelta
    # integration id → (messages per minute, next_send_at as read under the lock)
    states: dict[int, tuple[int, datetime | None]]
    _cursor: dict[int, datetime] = field(default_factory=dict)
    _reserved: dict[int, datetime] = field(default_factory=dict)

    def slot(self, integration_id: int) -> tuple[datetime, bool]:
        """The next slot of the integration and whether it falls within this batch (it is then reserved)."""
        pace, next_send_at = self.states.get(integration_id, (0, None))
        if pace <= 0:
            return self.now, True
        spacing = timedelta(seconds=60 / pace)
        start = self._cursor.get(integration_id)
        if start is None:
            start = max(next_send_at or self.now, self.now)
        self._cursor[integration_id] = start + spacing
        if start <= self.now + self.horizon:
            self._reserved[integration_id] = start + spacing
            return start, True
        return start, False

    def advanced(self) -> dict[int, datetime]:
        """The new `next_send_at` of each integration that got a slot in this batch."""
        return dict(self._reserved)
