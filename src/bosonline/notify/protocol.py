"""What a notifier is asked to deliver, and the protocol every channel implements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class PasswordReset:
    """A reset link to send to `email`; who asked (`ip`, `user_agent`, `requested_at`) is shown to the user."""

    email: str
    name: str
    token: str
    expires_minutes: int
    requested_at: datetime
    ip: str
    user_agent: str | None


class Notifier(Protocol):
    async def password_reset(self, reset: PasswordReset) -> None: ...
