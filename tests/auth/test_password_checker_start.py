"""The hash that a password of an unknown account is checked against (so that "no such account" takes as long as
"wrong password") is made after start-up, in the background (`Passwords.warm`), not while the process starts; a
check that comes first makes it; either way it is made once."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher

from bosonline.kit.security import Passwords
from tests.conftest import test_settings as make_settings


async def test_made_once_after_start_up_not_during_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hashed: list[str] = []
    original = PasswordHasher.hash

    def counting(self: PasswordHasher, password: str | bytes, *, salt: bytes | None = None) -> str:
        hashed.append(str(password))
        return original(self, password, salt=salt)

    monkeypatch.setattr(PasswordHasher, "hash", counting)
    passwords = Passwords(make_settings(tmp_path, "sqlite+aiosqlite://"))
    assert hashed == []
    passwords.warm()
    passwords.warm()
    assert len(hashed) == 1
    assert not await passwords.verify(None, "rahasia-123")
    assert len(hashed) == 1

    first_check = Passwords(make_settings(tmp_path, "sqlite+aiosqlite://"))
    assert not await first_check.verify(None, "rahasia-123")
    real = await first_check.hash("rahasia-123")
    assert await first_check.verify(real, "rahasia-123") and not await first_check.verify(real, "salah")
    assert len(hashed) == 3  # its own dummy once, and the real hash
