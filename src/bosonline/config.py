"""All configuration, read once from BOSONLINE_* environment variables (or a .env file)."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import tempfile
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BOSONLINE_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("./data"), description="SQLite file, generated secrets and uploads live here.")
    database_url: str | None = Field(None, description="SQLAlchemy async URL; default is an SQLite file in data_dir.")
    secret_key: str | None = Field(
        None, min_length=32, description="Signs access tokens; generated into data_dir on first run if unset."
    )
    access_token_ttl_seconds: int = Field(900, ge=60, le=86_400)
    refresh_token_ttl_days: int = Field(30, ge=1, le=365)
    refresh_reuse_grace_seconds: int = Field(
        10,
        ge=0,
        le=300,
        description="A refresh token presented again this soon after its rotation answers the same successor "
        "(two tabs refreshing at once); later, reuse ends the whole login. 0 turns the grace off.",
    )
    password_reset_ttl_minutes: int = Field(60, ge=5, le=1_440)
    login_max_failures: int = Field(
        5, ge=1, le=100, description="Failed logins per email from one client (IPv6: one /64) before throttling."
    )
    login_max_failures_per_account: int = Field(
        20,
        ge=1,
        le=10_000,
        description="Failed logins per email from all addresses together before throttling (a botnet guessing one "
        "account's password).",
    )
    login_window_minutes: int = Field(15, ge=1, le=1_440)
    forgot_password_per_hour: int = Field(
        20,
        ge=1,
        le=100_000,
        description="Forgot-password requests per client address (IPv6: one /64) per hour, whatever the addresses "
        "asked for: a flood cannot crowd out real reset e-mails.",
    )
    max_body_bytes: int = Field(6 * 1024 * 1024, ge=1_024, description="Larger request bodies get 413.")
    db_pool_size: int = Field(
        20,
        ge=1,
        le=200,
        description="PostgreSQL connections one process may hold: its pool opens them as needed and keeps them "
        "(no overflow); a request that finds them all in use waits for one.",
    )
    cors_origins: list[str] = Field(default_factory=list)
    telemetry: bool = Field(
        False,
        description="FastAPI's own OpenTelemetry spans, metrics and logs of each request, sent to the providers the "
        "process configures (FASTAPI_OTEL_AUTO_CONFIGURE, OTEL_*). Off: no per-request telemetry work.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"
    # Argon2id cost; the defaults are argon2-cffi's RFC 9106 "low memory" profile. Tests lower them.
    argon2_time_cost: int = Field(3, ge=1, le=10)
    argon2_memory_kib: int = Field(65_536, ge=8, le=1_048_576)
    argon2_parallelism: int = Field(4, ge=1, le=16)
    # Product images (media/).
    media_dir: Path | None = Field(None, description="Uploaded images live here; default data_dir/media.")
    media_base_url: str | None = Field(
        None,
        max_length=500,
        description="Absolute URL prefix that replaces `/media` in image URLs (a CDN or the public host), e.g. "
        "https://cdn.example.com/media; default: relative /media/<key> URLs served by this app.",
    )
    max_image_bytes: int = Field(5 * 1024 * 1024, ge=1_024, description="Larger uploaded images get 413.")
    max_image_pixels: int = Field(40_000_000, ge=1, description="Images with more pixels (width × height) get 422.")
    max_store_media: int = Field(
        1_000, ge=1, description="Pictures a store's own media library (POST /store/media) holds; more get 409."
    )

    # Public checkout pages.
    public_base_url: str = Field(
        "",
        max_length=200,
        description="Absolute origin of public links in API answers (form and order pages), e.g. "
        "https://shop.example.com; default: relative links.",
    )
    shop_domain: str | None = Field(
        None,
        max_length=100,
        description="Domain whose subdomains are stores (e.g. bosonline.id: tokosaya.bosonline.id/f/promo finds "
        "the store by its subdomain). Without it, public form links carry ?store=<subdomain>.",
    )
    custom_domain_target: str | None = Field(
        None,
        max_length=253,
        description="Host a store's custom domain points its CNAME at (e.g. domains.bosonline.id, whose A/AAAA are "
        "the platform's reverse proxy). Without it, stores cannot add custom domains.",
    )
    dns_nameservers: str | None = Field(
        None,
        max_length=500,
        description="Comma-separated IP addresses of the DNS servers custom domains are verified with; default: the "
        "system's resolver (/etc/resolv.conf).",
    )
    dns_port: int = Field(53, ge=1, le=65_535, description="Port of dns_nameservers.")
    dns_timeout_seconds: float = Field(
        3.0, ge=0.05, le=10, description="How long one DNS lookup of a domain verification may take."
    )
    public_rate_limit_per_minute: int = Field(
        120, ge=1, le=100_000, description="Public API requests per client address (IPv6: one /64) per minute (reads)."
    )
    checkout_rate_limit_per_minute: int = Field(
        10,
        ge=1,
        le=100_000,
        description="Checkouts and abandoned-checkout saves per client address (IPv6: one /64) per minute.",
    )
    redis_url: str | None = Field(
        None,
        max_length=500,
        description="Redis that counts the rate limits (redis://host:6379/0, rediss:// with TLS); default: the "
        "database counts them. While Redis does not answer, the database counts them.",
    )
    redis_timeout_seconds: float = Field(
        0.25,
        ge=0.005,
        le=5,
        description="Deadline of one rate-limit call to Redis; past it the hit is counted in the database.",
    )

    # Outgoing webhooks and the background worker (webhook/, worker/).
    run_worker: bool = Field(
        True,
        description="Run the background worker (follow-up sends, webhook deliveries) inside `bosonline serve`; `serve --no-worker` "
        "sets it to false when separate `bosonline worker` processes do the work.",
    )
    worker_poll_seconds: float = Field(
        5.0, ge=0.05, le=300, description="How often the worker looks for due work when nothing woke it up."
    )
    worker_batch_size: int = Field(50, ge=1, le=1_000, description="Rows one worker claims per cycle and job.")
    webhook_timeout_seconds: float = Field(
        10.0, ge=0.1, le=120, description="Whole-request deadline of one webhook delivery attempt."
    )
    webhook_concurrency: int = Field(10, ge=1, le=100, description="Webhook requests one worker has in flight at once.")
    webhook_allow_private_targets: bool = Field(
        False,
        description="Allow webhook URLs on private, loopback, link-local or multicast addresses (development and "
        "tests only: in production they would let a store reach the internal network).",
    )

    # WhatsApp follow-ups (followup/, integrations/whatsapp/).
    encryption_keys: str | None = Field(
        None,
        min_length=44,
        max_length=2_000,
        description="Fernet key(s) that encrypt provider credentials at rest, comma-separated: the first encrypts, "
        "all decrypt (key rotation). Generated into data_dir on first run if unset; every process of one "
        "deployment needs the same keys.",
    )
    fonnte_base_url: str = Field("https://api.fonnte.com", max_length=200, description="Fonnte API origin.")
    wablas_base_url: str = Field(
        "https://{server}.wablas.com",
        max_length=200,
        description="Wablas API origin; `{server}` is the integration's Wablas server (e.g. tegal, texas).",
    )
    starsender_base_url: str = Field(
        "https://api.starsender.online", max_length=200, description="StarSender API origin."
    )
    whatsapp_cloud_base_url: str = Field(
        "https://graph.facebook.com",
        max_length=200,
        description="Meta Graph API origin. A base that already ends with a version (`…/v21.0`, the old default "
        "form) is used as it is and `whatsapp_cloud_api_version` is ignored.",
    )
    whatsapp_cloud_api_version: str = Field(
        "v25.0",
        pattern=r"^v[0-9]{1,3}\.[0-9]{1,2}$",
        description="Meta Graph API version the WhatsApp Cloud adapter calls (`v25.0`: released 18 Feb 2026, "
        "available until 29 Jul 2028 per Meta's changelog). Move it before Meta retires the version.",
    )
    wa_send_timeout_seconds: float = Field(
        15.0, ge=0.1, le=120, description="Deadline of one WhatsApp send; past it the outcome is `unknown`."
    )
    followup_concurrency: int = Field(
        20, ge=1, le=500, description="WhatsApp sends one worker has in flight at once (pacing still applies)."
    )

    # Password reset e-mails (notify/). Without SMTP and without `notifier=log`, resets cannot be delivered: the
    # server says so once at start-up and `POST /auth/password/forgot` still answers the same.
    notifier: Literal["smtp", "log"] | None = Field(
        None,
        description="How password reset links reach users: `smtp` (e-mail), `log` (development only: the link is "
        "logged at DEBUG). Default: `smtp` when `smtp_host` is set, else none.",
    )
    smtp_host: str | None = Field(None, max_length=253, description="SMTP server that sends the platform's e-mail.")
    smtp_port: int | None = Field(
        None, ge=1, le=65_535, description="Default by `smtp_tls`: 465 (implicit), 587 (starttls), 25 (none)."
    )
    smtp_tls: Literal["implicit", "starttls", "none"] = Field(
        "starttls",
        description="`implicit` (TLS from the first byte, port 465), `starttls` (upgrade, required), or `none` "
        "(only for a relay on localhost).",
    )
    smtp_username: str | None = Field(None, max_length=254)
    smtp_password: SecretStr | None = Field(None, max_length=1_000)
    smtp_ca_file: Path | None = Field(
        None,
        description="PEM file of CA certificates the SMTP server's certificate is checked against; default: "
        "the system's.",
    )
    smtp_sender: str | None = Field(
        None, max_length=254, description="From address of the platform's e-mail, e.g. no-reply@example.com."
    )
    smtp_sender_name: str = Field("Bosonline", max_length=100, description="Display name of the From address.")
    smtp_timeout_seconds: float = Field(
        10.0, ge=0.1, le=120, description="Deadline of one whole SMTP delivery (connect, TLS, login, send)."
    )

    # Operators (metrics.py, monitoring.py, health.py, connections.py).
    metrics_token: SecretStr | None = Field(
        None,
        min_length=16,
        max_length=200,
        description="Bearer token that GET /metrics requires (`Authorization: Bearer <token>`); unset: /metrics "
        "answers 404 (metrics off).",
    )
    readiness_timeout_seconds: float = Field(
        2.0, ge=0.05, le=30, description="GET /health/ready: how long the database may take to answer."
    )
    worker_processes: int = Field(
        0,
        ge=0,
        le=1_000,
        description="Other processes with a pool on the same PostgreSQL database (`bosonline worker` processes, serve "
        "processes on other hosts): `serve` adds them to its --workers in the start-up connection budget check.",
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str) and not value.startswith("["):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("dns_nameservers")
    @classmethod
    def _nameservers_are_addresses(cls, value: str | None) -> str | None:
        for item in (value or "").split(","):
            if item.strip():
                ipaddress.ip_address(item.strip())  # a ValueError names the bad one
        return value

    @property
    def effective_dns_nameservers(self) -> list[str]:
        return [item.strip() for item in (self.dns_nameservers or "").split(",") if item.strip()]

    @model_validator(mode="after")
    def _smtp_complete(self) -> Settings:
        if self.effective_notifier != "smtp":
            return self
        missing = [name for name in ("smtp_host", "smtp_sender") if not getattr(self, name)]
        if not self.public_base_url.startswith(("https://", "http://")):
            missing.append("public_base_url (absolute: the e-mail links to its reset page)")
        if missing:
            raise ValueError(f"sending password reset e-mail needs BOSONLINE_ settings: {', '.join(missing)}")
        if self.smtp_tls == "none" and self.smtp_host not in _LOOPBACK_HOSTS:
            raise ValueError("smtp_tls=none is only for a relay on localhost: use starttls or implicit")
        return self

    @property
    def effective_notifier(self) -> Literal["smtp", "log"] | None:
        return self.notifier or ("smtp" if self.smtp_host else None)

    @property
    def effective_smtp_port(self) -> int:
        return self.smtp_port or {"implicit": 465, "starttls": 587, "none": 25}[self.smtp_tls]

    @cached_property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'bosonline.db').resolve()}"

    @cached_property
    def effective_secret_key(self) -> str:
        """The configured key, or one generated once into data_dir (mode 0600) and reused after."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            _create_once(path, secrets.token_urlsafe(48))
        return path.read_text().strip()

    @cached_property
    def effective_encryption_keys(self) -> list[str]:
        """The configured Fernet keys, or one generated once into data_dir (mode 0600) and reused after."""
        if self.encryption_keys:
            return [key.strip() for key in self.encryption_keys.split(",") if key.strip()]
        path = self.data_dir / "encryption_key"
        if not path.exists():
            import base64

            _create_once(path, base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        return [path.read_text().strip()]


_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def _create_once(path: Path, content: str) -> None:
    """Write a file atomically, unless another process got there first (several workers start at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(content)
        os.chmod(tmp, 0o600)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)
