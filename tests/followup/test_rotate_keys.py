"""`bosonline rotate-keys`: every WhatsApp integration's credentials re-sealed with the first encryption key, in
batches; a row no configured key can open is reported and left as it is. The command function is called in
process (it runs its own event loop), on a scratch SQLite database seeded through the app."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import httpx
import pytest
import typer
from cryptography.fernet import Fernet
from sqlalchemy import select

from bosonline.app import create_app
from bosonline.cli import rotate_keys
from bosonline.kit.crypto import SecretBox
from bosonline.migrate import upgrade
from bosonline.models import WaIntegration
from bosonline.wiring import build_runtime
from tests.conftest import test_settings as make_settings
from tests.factories import seller

_phones = itertools.count(10_000_000)


def _key() -> str:
    return Fernet.generate_key().decode()


async def _seed(data_dir: Path, url: str, sealed_by: list[SecretBox]) -> list[tuple[int, str]]:
    """A migrated database with a store and one integration per box (its credentials sealed by that box)."""
    runtime = build_runtime(make_settings(data_dir, url))
    try:
        await upgrade(runtime.db)
        transport = httpx.ASGITransport(app=create_app(runtime=runtime))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            store_id = int((await seller(client))["store"]["id"])
        async with runtime.db.session() as session:
            rows = [
                WaIntegration(
                    store_id=store_id,
                    name=f"WA {index}",
                    phone_number=f"6281{next(_phones)}",
                    provider="fonnte",
                    credentials=box.seal({"token": f"token-{index}", "webhook_secret": f"hook-{index}"}),
                )
                for index, box in enumerate(sealed_by)
            ]
            session.add_all(rows)
            await session.commit()
            return [(row.id, row.credentials) for row in rows]
    finally:
        await runtime.db.dispose()


async def _stored(data_dir: Path, url: str) -> dict[int, str]:
    runtime = build_runtime(make_settings(data_dir, url))
    try:
        async with runtime.db.session(write=False) as session:
            found = await session.execute(select(WaIntegration.id, WaIntegration.credentials))
            return dict(found.all())
    finally:
        await runtime.db.dispose()


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    monkeypatch.chdir(tmp_path)  # no stray .env
    url = f"sqlite+aiosqlite:///{tmp_path / 'rotate.db'}"
    monkeypatch.setenv("BOSONLINE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BOSONLINE_DATABASE_URL", url)
    return tmp_path, url


def test_rotate_keys_reseals_with_the_first_key(
    scratch: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, url = scratch
    old, new, lost = _key(), _key(), _key()
    boxes = [SecretBox([old])] * 3 + [SecretBox([lost]), SecretBox([new]), SecretBox([old])]
    seeded = asyncio.run(_seed(data_dir, url, boxes))
    monkeypatch.setenv("BOSONLINE_ENCRYPTION_KEYS", f"{new},{old}")  # the new key first, the old one still there

    rotate_keys(batch_size=2)

    out, err = capsys.readouterr()
    assert "re-sealed 5 WhatsApp integration credentials with the first key; 1 unreadable" in out
    lost_id, lost_token = seeded[3]
    assert f"WhatsApp integration {lost_id} (store " in err and "left as it is" in err
    stored = asyncio.run(_stored(data_dir, url))
    only_new = SecretBox([new])
    for index, (integration_id, before) in enumerate(seeded):
        if integration_id == lost_id:
            assert stored[integration_id] == lost_token  # untouched
            continue
        assert stored[integration_id] != before
        assert only_new.open(stored[integration_id]) == {"token": f"token-{index}", "webhook_secret": f"hook-{index}"}

    # Again: everything readable is re-sealed again (harmless), the lost row is still reported.
    rotate_keys(batch_size=500)
    assert "re-sealed 5 WhatsApp integration credentials with the first key; 1 unreadable" in capsys.readouterr().out


def test_rotate_keys_needs_a_migrated_database(
    scratch: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOSONLINE_ENCRYPTION_KEYS", _key())
    with pytest.raises(typer.Exit) as exited:
        rotate_keys(batch_size=10)
    assert exited.value.exit_code == 1
    assert "bosonline migrate" in capsys.readouterr().err


def test_rotate_raises_value_error_like_open() -> None:
    box = SecretBox([_key()])
    foreign = SecretBox([_key()]).seal({"token": "t"})
    for token in (foreign, "not a token", ""):
        with pytest.raises(ValueError, match="cannot be decrypted"):
            box.rotate(token)
        with pytest.raises(ValueError, match="cannot be decrypted"):
            box.open(token)
    assert box.open(box.rotate(box.seal({"a": 1}))) == {"a": 1}
