"""A real SMTP server for the reset e-mail tests: aiosmtpd on 127.0.0.1 (its own thread and event loop), plain,
STARTTLS or implicit TLS with a self-signed certificate made for the test, optionally asking for a login; and a
port that accepts connections but never answers."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage
    login: tuple[str, str] | None  # the credentials the client logged in with
    tls: bool  # the session was encrypted (STARTTLS or implicit TLS) when the message came


@dataclass
class Mailbox:
    """What the server received; aiosmtpd calls `handle_DATA` from its own thread."""

    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        login = None
        if isinstance(session.auth_data, LoginPassword):
            login = (session.auth_data.login.decode(), session.auth_data.password.decode())
        self.received.append(
            Received(
                sender=str(envelope.mail_from),
                recipients=list(envelope.rcpt_tos),
                message=message_from_bytes(raw, policy=policy.default),  # type: ignore[arg-type]
                login=login,
                # STARTTLS sets session.ssl; implicit TLS shows in the transport
                tls=session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
            )
        )
        return "250 OK"


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost (its own CA), and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bosonline test SMTP")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def _accept(login: tuple[str, str]) -> Any:
    def authenticator(
        server: SMTPServer, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == login
        return AuthResult(success=ok, handled=False, auth_data=data)

    return authenticator


@contextmanager
def smtp_server(
    *,
    tls: str = "none",
    certificate: tuple[Path, Path] | None = None,
    login: tuple[str, str] | None = None,
) -> Iterator[tuple[Mailbox, int]]:
    """A running server on 127.0.0.1: `tls` is "none", "starttls" (required) or "implicit"; with `login`, the
    client must log in with these credentials (over TLS)."""
    mailbox, port = Mailbox(), free_port()
    options: dict[str, Any] = {}
    if tls != "none":
        assert certificate is not None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*certificate)
        options = {"ssl_context": context} if tls == "implicit" else {"tls_context": context, "require_starttls": True}
    if login is not None:
        options.update(authenticator=_accept(login), auth_required=True)
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@contextmanager
def silent_server() -> Iterator[int]:
    """A port whose connections are accepted (by the kernel) and never greeted: a hung mail server."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield int(sock.getsockname()[1])
