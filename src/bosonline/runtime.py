"""What one running app holds: settings, database, clock, hashers, token signer, notifier, file storage."""

from __future__ import annotations

from dataclasses import dataclass

from bosonline.config import Settings
from bosonline.db import Database
from bosonline.kit.clock import Clock, SystemClock
from bosonline.kit.crypto import SecretBox
from bosonline.kit.security import AccessTokens, Passwords
from bosonline.media.storage import Storage, storage_for
from bosonline.notify import LogNotifier, Notifier


@dataclass
class Runtime:
    settings: Settings
    db: Database
    clock: Clock
    passwords: Passwords
    access_tokens: AccessTokens
    notifier: Notifier
    storage: Storage  # uploaded images (media/storage.py)
    secrets: SecretBox  # provider credentials at rest (kit/crypto.py)

    @classmethod
    def build(cls, settings: Settings, *, clock: Clock | None = None, notifier: Notifier | None = None) -> Runtime:
        return cls(
            settings=settings,
            db=Database.connect(settings.effective_database_url, pool_size=settings.db_pool_size),
            clock=clock or SystemClock(),
            passwords=Passwords(settings),
            access_tokens=AccessTokens(settings.effective_secret_key, settings.access_token_ttl_seconds),
            notifier=notifier or LogNotifier(),
            storage=storage_for(settings),
            secrets=SecretBox(settings.effective_encryption_keys),
        )
