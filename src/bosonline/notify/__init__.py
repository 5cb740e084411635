"""How the platform reaches a user outside the API (password reset links for now).

`notifier_for(settings)` picks the channel: e-mail over SMTP (notify/smtp.py) when `smtp_host` is set or
`notifier=smtp`; the development log (notify/log.py) only when `notifier=log`; otherwise none, said once at
start-up (the forgot-password answer stays the same, so it reveals nothing either way).
"""

from __future__ import annotations

import structlog

from bosonline.config import Settings
from bosonline.notify.log import LogNotifier, UndeliverableNotifier
from bosonline.notify.protocol import Notifier, PasswordReset
from bosonline.notify.smtp import SmtpNotifier

__all__ = [
    "LogNotifier",
    "Notifier",
    "PasswordReset",
    "SmtpNotifier",
    "UndeliverableNotifier",
    "log_delivery_mode",
    "notifier_for",
]

log = structlog.get_logger("bosonline.notify")


def notifier_for(settings: Settings) -> Notifier:
    match settings.effective_notifier:
        case "smtp":
            return SmtpNotifier(settings)
        case "log":
            return LogNotifier(settings)
        case _:
            return UndeliverableNotifier()


def log_delivery_mode(settings: Settings) -> None:
    """One start-up line of the server saying how reset links reach users (a warning when they cannot)."""
    match settings.effective_notifier:
        case "smtp":
            log.info("password_reset_by_email", smtp_host=settings.smtp_host, smtp_tls=settings.smtp_tls)
        case "log":
            log.warning("password_reset_links_logged", level="DEBUG", hint="development only: set BOSONLINE_SMTP_HOST")
        case _:
            log.warning(
                "password_reset_undeliverable",
                hint="set BOSONLINE_SMTP_HOST and BOSONLINE_SMTP_SENDER (or BOSONLINE_NOTIFIER=log in development); "
                "POST /auth/password/forgot answers as usual but no link reaches anyone",
            )
