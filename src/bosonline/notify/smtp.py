"""Password reset links by e-mail over SMTP (aiosmtplib).

The token is in the message and nowhere else: neither a success nor a failure logs it (nor the link). A send
that fails or runs past `smtp_timeout_seconds` is logged and not retried: its outcome may be unknown (the server
may have accepted the message), and the user can ask for a new link, which also retires this one.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import aiosmtplib
import structlog

from bosonline.config import Settings
from bosonline.notify.protocol import PasswordReset
from bosonline.notify.reset_email import reset_email

log = structlog.get_logger("bosonline.notify")


def smtp_options(settings: Settings) -> dict[str, Any]:
    """aiosmtplib's connection arguments for the configured server and TLS mode."""
    tls = settings.smtp_tls
    context = ssl.create_default_context(cafile=str(settings.smtp_ca_file) if settings.smtp_ca_file else None)
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return {
        "hostname": settings.smtp_host,
        "port": settings.effective_smtp_port,
        "use_tls": tls == "implicit",
        "start_tls": tls == "starttls",  # required, not opportunistic: a server that cannot upgrade fails the send
        "tls_context": context if tls != "none" else None,
        "username": settings.smtp_username,
        "password": password,
        "timeout": settings.smtp_timeout_seconds,
    }


class SmtpNotifier:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.options = smtp_options(settings)

    async def password_reset(self, reset: PasswordReset) -> None:
        message = reset_email(self.settings, reset)
        try:
            async with asyncio.timeout(self.settings.smtp_timeout_seconds):  # the whole exchange, not each step
                await aiosmtplib.send(message, **self.options)
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
            log.error(
                "password_reset_mail_failed",
                error=type(exc).__name__,
                detail=str(exc).replace(reset.token, "…")[:300],  # a server's reply may quote the message
                smtp_host=self.settings.smtp_host,
                message_id=message["Message-ID"],
            )
            return
        log.info("password_reset_mail_sent", smtp_host=self.settings.smtp_host, message_id=message["Message-ID"])
