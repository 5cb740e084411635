"""The password reset e-mail, in Indonesian: plain text, and the same as simple HTML."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from bosonline.config import Settings
from bosonline.kit.links import password_reset_url
from bosonline.notify.protocol import PasswordReset

SUBJECT = "Atur ulang kata sandi akun Bosonline Anda"
# Accounts have no time zone of their own; Indonesia's most populous one is the least surprising.
ACCOUNT_ZONE = ZoneInfo("Asia/Jakarta")
_MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
# The User-Agent is chosen by whoever asks (an attacker asking for the victim's reset, say): the e-mail names only
# the browser and system it recognises, in our words, never the header's own text.
_BROWSERS = (
    ("SamsungBrowser", "Samsung Internet"), ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"), ("Safari/", "Safari"),
)  # fmt: skip
_SYSTEMS = (
    ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
    ("Mac OS X", "macOS"), ("Linux", "Linux"),
)  # fmt: skip


def when(moment: datetime) -> str:
    """7 Desember 2026 pukul 20.25 WIB"""
    local = moment.astimezone(ACCOUNT_ZONE)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year} pukul {local:%H.%M} WIB"


def device_of(agent: str | None) -> str | None:
    """ "Chrome di Android" from a User-Agent, in our own words; None when nothing is recognised."""
    agent = agent or ""
    browser = next((label for token, label in _BROWSERS if token in agent), None)
    system = next((label for token, label in _SYSTEMS if token in agent), None)
    if browser and system:
        return f"{browser} di {system}"
    return browser or system


def who_asked(reset: PasswordReset) -> str:
    device = device_of(reset.user_agent)
    return f"{when(reset.requested_at)} dari alamat IP {reset.ip}" + (f", peramban: {device}" if device else "")


def _paragraphs(reset: PasswordReset, link: str, signature: str) -> list[str]:
    return [
        f"Halo {reset.name},",
        (
            f"Kami menerima permintaan untuk mengatur ulang kata sandi akun Bosonline dengan email {reset.email}. "
            f"Permintaan itu dibuat pada {who_asked(reset)}."
        ),
        f"Buka link berikut untuk membuat kata sandi baru:\n{link}",
        (
            f"Link ini berlaku {reset.expires_minutes} menit dan hanya bisa dipakai sekali. Setelah kata sandi "
            "diganti, semua perangkat yang sedang masuk akan keluar otomatis."
        ),
        "Jika Anda tidak meminta ini, abaikan email ini: kata sandi Anda tidak berubah.",
        f"Salam,\n{signature}",
    ]


def reset_email(settings: Settings, reset: PasswordReset) -> EmailMessage:
    assert settings.smtp_sender  # Settings refuses SMTP without a sender
    link = password_reset_url(settings, reset.token)
    paragraphs = _paragraphs(reset, link, settings.smtp_sender_name)
    message = EmailMessage()
    message["Subject"] = SUBJECT
    message["From"] = formataddr((settings.smtp_sender_name, settings.smtp_sender))
    message["To"] = formataddr((reset.name, reset.email))
    message["Date"] = format_datetime(reset.requested_at)
    message["Message-ID"] = make_msgid(domain=settings.smtp_sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: auto-responders must not answer it
    message.set_content("\n\n".join(paragraphs) + "\n")
    message.add_alternative(_html(paragraphs, link), subtype="html")
    return message


def _html(paragraphs: list[str], link: str) -> str:
    button = Markup('<p><a href="{0}" style="{1}">Buat kata sandi baru</a></p>').format(
        link, "background:#0f766e;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none"
    )
    body = Markup("").join(
        button if paragraph.startswith("Buka link") else Markup("<p>{}</p>").format(paragraph)
        for paragraph in paragraphs
    )
    body = Markup(str(body).replace("\n", "<br>"))
    return str(
        Markup(
            '<!doctype html><html lang="id"><body style="font-family:sans-serif;line-height:1.5">{}'
            '<p style="color:#666;font-size:12px">Jika tombol tidak bisa diklik, salin link ini: {}</p>'
            "</body></html>"
        ).format(body, escape(link))
    )
