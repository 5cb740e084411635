"""The development notifier (reset links in the log, at DEBUG) and the one used when nothing can deliver."""

from __future__ import annotations

import structlog

from bosonline.config import Settings
from bosonline.kit.links import password_reset_url
from bosonline.notify.protocol import PasswordReset

log = structlog.get_logger("bosonline.notify")


class LogNotifier:
    """`BOSONLINE_NOTIFIER=log`, for development only: the reset link, which carries the token, is written at DEBUG,
    a level production does not keep (`BOSONLINE_LOG_LEVEL=DEBUG` shows it)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def password_reset(self, reset: PasswordReset) -> None:
        log.debug(
            "password_reset_link",
            email=reset.email,
            link=password_reset_url(self.settings, reset.token),
            expires_minutes=reset.expires_minutes,
        )


class UndeliverableNotifier:
    """Neither SMTP nor the log notifier is configured: the token was made but nobody can receive it."""

    async def password_reset(self, reset: PasswordReset) -> None:
        log.warning("password_reset_not_delivered", reason="no notifier configured (BOSONLINE_SMTP_HOST)")
