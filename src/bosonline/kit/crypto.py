"""Secrets at rest (provider credentials): Fernet (AES-128-CBC + HMAC-SHA256) from `cryptography`, with key
rotation through MultiFernet: the first key encrypts, every key decrypts."""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class SecretBox:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one encryption key is needed")
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])

    def seal(self, data: dict[str, Any]) -> str:
        return self._fernet.encrypt(json.dumps(data, separators=(",", ":")).encode()).decode()

    def open(self, token: str) -> dict[str, Any]:
        """The sealed dict; ValueError when the token was not made by one of the keys (wrong or lost key)."""
        try:
            return dict(json.loads(self._fernet.decrypt(token.encode())))
        except (InvalidToken, ValueError) as exc:
            raise ValueError("credentials cannot be decrypted with the configured encryption keys") from exc

    def rotate(self, token: str) -> str:
        """The same secret re-encrypted with the first (current) key; ValueError, like open(), when no key can
        decrypt it."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except (InvalidToken, ValueError) as exc:
            raise ValueError("credentials cannot be decrypted with the configured encryption keys") from exc


def mask(secret: str) -> str:
    """What a seller sees of a secret: its last 4 characters (`••••abcd`); nothing of a short one."""
    if len(secret) < 12:
        return "••••"
    return "••••" + secret[-4:]
