"""`bosonline backup`: an SQLite deployment copied while it is written to, restored into an empty data directory,
and still able to verify its logins and open its sealed credentials."""

from __future__ import annotations

import shutil
import sqlite3
import stat
import threading
from pathlib import Path

import httpx
import pytest

from bosonline.app import create_app
from bosonline.config import Settings
from bosonline.kit.crypto import SecretBox
from bosonline.wiring import build_runtime
from tests.conftest import test_settings as make_settings
from tests.core.test_cli import run_cli

pytestmark = pytest.mark.slow


def backup_dir(stdout: str) -> Path:
    line = next(line for line in stdout.splitlines() if line.startswith("backed up "))
    return Path(line.rsplit(" into ", 1)[1])


def restored_settings(data_dir: Path) -> Settings:
    """The deployment's settings on `data_dir`, keys read from its files (as `bosonline serve` would)."""
    settings = make_settings(data_dir, f"sqlite+aiosqlite:///{data_dir / 'bosonline.db'}")
    return settings.model_copy(update={"secret_key": None, "encryption_keys": None})


async def test_backup_restores_into_a_working_deployment(tmp_path: Path) -> None:
    live, vault, restored = tmp_path / "live", tmp_path / "vault", tmp_path / "restored"
    live.mkdir()
    assert run_cli(live, "migrate").returncode == 0
    settings = restored_settings(live)
    sealed = SecretBox(settings.effective_encryption_keys).seal({"token": "fonnte-device-token"})
    runtime = build_runtime(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(runtime=runtime)), base_url="http://test"
    ) as http:
        registered = await http.post(
            "/auth/register",
            json={"name": "Budi", "email": "budi@example.com", "phone": "081234567890", "password": "rahasia-123"},
        )
        assert registered.status_code == 201, registered.text
    await runtime.db.dispose()
    token = registered.json()["data"]["tokens"]["access_token"]

    # A writer keeps committing while the backup runs: the copy is a consistent snapshot of it.
    stop = threading.Event()

    def write() -> None:
        with sqlite3.connect(live / "bosonline.db", timeout=30) as conn:
            conn.execute("CREATE TABLE scratch (n INTEGER NOT NULL)")
            n = 0
            while not stop.is_set():
                n += 1
                conn.execute("INSERT INTO scratch VALUES (?)", (n,))
                conn.commit()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        result = run_cli(live, "backup", str(vault))
    finally:
        stop.set()
        writer.join()
    assert result.returncode == 0, result.stderr
    copy = backup_dir(result.stdout)
    assert copy.parent == vault
    assert sorted(path.name for path in copy.iterdir()) == ["bosonline.db", "encryption_key", "secret_key"]
    assert stat.S_IMODE(copy.stat().st_mode) == 0o700
    for path in copy.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    with sqlite3.connect(copy / "bosonline.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        count, highest = conn.execute("SELECT count(*), coalesce(max(n), 0) FROM scratch").fetchone()
        assert count == highest  # every committed insert up to the snapshot, none half-written

    # Restore: the backup's files into an empty data directory.
    shutil.copytree(copy, restored)
    settings = restored_settings(restored)
    assert SecretBox(settings.effective_encryption_keys).open(sealed) == {"token": "fonnte-device-token"}
    assert run_cli(restored, "migrate", "--current").stdout.strip().endswith("(head)")
    runtime = build_runtime(settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(runtime=runtime)), base_url="http://test"
    ) as http:
        me = await http.get("/profile/me", headers={"Authorization": f"Bearer {token}"})  # signed before the backup
        assert me.status_code == 200, me.text
        login = await http.post("/auth/login", json={"email": "budi@example.com", "password": "rahasia-123"})
        assert login.status_code == 200, login.text
    await runtime.db.dispose()


def test_keys_set_in_the_environment_are_named_not_copied(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "migrate", BOSONLINE_SECRET_KEY="k" * 48).returncode == 0
    (tmp_path / "secret_key").write_text("a key from before the variable was set: not the one in use")
    result = run_cli(tmp_path, "backup", str(tmp_path / "vault"), BOSONLINE_SECRET_KEY="k" * 48)
    assert result.returncode == 0, result.stderr
    assert [path.name for path in backup_dir(result.stdout).iterdir()] == ["bosonline.db"]
    assert "BOSONLINE_SECRET_KEY is set in the environment" in result.stdout


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"BOSONLINE_DATABASE_URL": "postgresql+asyncpg://bos:hunter2@127.0.0.1:1/db"}, "pg_dump -Fc"),
        ({}, "there is no database at"),
    ],
)
def test_backup_refuses_what_it_cannot_copy(tmp_path: Path, env: dict[str, str], expected: str) -> None:
    result = run_cli(tmp_path, "backup", str(tmp_path / "vault"), **env)
    assert result.returncode == 1
    assert expected in result.stderr and "cannot back up" in result.stderr, result.stderr
    assert "hunter2" not in result.stdout + result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "vault").exists()
