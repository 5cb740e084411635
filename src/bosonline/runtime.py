"""What one running app holds: settings, database, clock, hashers, token signer, notifier, background tasks, file
storage, and the seams the entry point plugs (bosonline/wiring.py): a lower layer declares a `Seam` and asks the
runtime for it, a higher one implements it, so the lower never imports the higher."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

from bosonline.config import Settings
from bosonline.db import Database
from bosonline.kit.background import Background
from bosonline.kit.clock import Clock, SystemClock
from bosonline.kit.crypto import SecretBox
from bosonline.kit.ratelimit import RateLimits
from bosonline.kit.security import AccessTokens, Passwords
from bosonline.kit.storage import Storage, storage_for
from bosonline.metrics import RATE_LIMIT_FALLBACKS
from bosonline.notify import Notifier, notifier_for

T = TypeVar("T")


class Seam(Generic[T]):
    """A named hole a lower layer leaves for a higher one to fill, e.g. order's `ORDER_FOLLOWUPS`."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Seam({self.name!r})"


@dataclass
class Runtime:
    settings: Settings
    db: Database
    clock: Clock
    passwords: Passwords
    access_tokens: AccessTokens
    notifier: Notifier
    storage: Storage  # uploaded images (kit/storage.py)
    secrets: SecretBox  # provider credentials at rest (kit/crypto.py)
    rate_limits: RateLimits  # per-client request counters: Redis when configured, else the database
    background: Background = field(default_factory=Background)  # work done after the response (kit/background.py)
    plugs: dict[Seam[Any], Any] = field(default_factory=dict)  # filled by bosonline/wiring.py

    def plug(self, seam: Seam[T], impl: T) -> None:
        self.plugs[seam] = impl

    def plugged(self, seam: Seam[T]) -> T:
        try:
            return cast(T, self.plugs[seam])
        except KeyError:
            raise LookupError(
                f"{seam!r} is not plugged: build the runtime with bosonline.wiring.build_runtime"
            ) from None

    @classmethod
    def build(cls, settings: Settings, *, clock: Clock | None = None, notifier: Notifier | None = None) -> Runtime:
        db = Database.connect(settings.effective_database_url, pool_size=settings.db_pool_size)
        return cls(
            settings=settings,
            db=db,
            clock=clock or SystemClock(),
            passwords=Passwords(settings),
            access_tokens=AccessTokens(settings.effective_secret_key, settings.access_token_ttl_seconds),
            notifier=notifier or notifier_for(settings),
            storage=storage_for(settings),
            secrets=SecretBox(settings.effective_encryption_keys),
            rate_limits=RateLimits(
                db,
                redis_url=settings.redis_url,
                redis_timeout_seconds=settings.redis_timeout_seconds,
                on_fallback=RATE_LIMIT_FALLBACKS.inc,
            ),
        )
