"""How the service reaches a user outside the API (password reset links for now).

The default writes to the log, which is what an operator without a mail provider wants; a real channel
(e-mail, WhatsApp) implements the same protocol.
"""

from __future__ import annotations

from typing import Protocol

import structlog

log = structlog.get_logger("bosonline.notify")


class Notifier(Protocol):
    async def password_reset(self, *, email: str, name: str, token: str, expires_minutes: int) -> None: ...


class LogNotifier:
    async def password_reset(self, *, email: str, name: str, token: str, expires_minutes: int) -> None:
        log.warning(
            "password_reset_token",
            email=email,
            token=token,
            expires_minutes=expires_minutes,
            hint="deliver this token to the user; POST /auth/password/reset with it and a new password",
        )
