"""LocalStorage on its own: round trips, atomic writes, and keys that could leave the root refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bosonline.config import Settings
from bosonline.kit.storage import InvalidKey, LocalStorage, MissingObject, Storage, check_key, storage_for

BAD_KEYS = [
    "",
    "/etc/passwd",
    "../secret_key",
    "a/../../secret_key",
    "a/..",
    "..",
    ".",
    "./a.jpg",
    "a//b.jpg",
    "a/b/",
    "a\\..\\b.jpg",
    "a/b.jpg\x00.png",
    ".hidden",
    "a/.tmp-123",
    "a b.jpg",
    "a..b.jpg",
    "x" * 201,
    "C:/windows/win.ini",
    "%2e%2e/secret",
]


def test_round_trip(tmp_path: Path) -> None:
    storage: Storage = LocalStorage(tmp_path / "media")
    key = "s1/ab/" + "ab" * 16 + ".jpg"
    assert not storage.exists(key)
    storage.put(key, b"one")
    assert storage.exists(key)
    assert storage.read(key) == b"one"
    storage.put(key, b"two")  # replaced whole
    with storage.open(key) as handle:
        assert handle.read() == b"two"
    assert storage.url(key) == f"/media/{key}"
    storage.delete(key)
    storage.delete(key)  # idempotent
    assert not storage.exists(key)
    with pytest.raises(MissingObject):
        storage.read(key)
    with pytest.raises(MissingObject):
        storage.open("s1/ab")  # a folder is not an object
    assert [path.name for path in (tmp_path / "media" / "s1" / "ab").iterdir()] == []  # no temporary files left


def test_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    storage = LocalStorage(tmp_path)
    storage.put("a/b.jpg", b"old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        storage.put("a/b.jpg", b"new")
    assert storage.read("a/b.jpg") == b"old"  # readers never see a half-written file
    assert sorted(path.name for path in (tmp_path / "a").iterdir()) == ["b.jpg"]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_keys_that_could_escape_are_refused(tmp_path: Path, key: str) -> None:
    storage = LocalStorage(tmp_path / "media")
    with pytest.raises(InvalidKey):
        check_key(key)
    for call in (storage.read, storage.exists, storage.delete, storage.url):
        with pytest.raises(InvalidKey):
            call(key)
    with pytest.raises(InvalidKey):
        storage.put(key, b"x")
    assert not (tmp_path / "secret").exists()


def test_symlink_out_of_the_root_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.jpg").write_bytes(b"secret")
    root = tmp_path / "media"
    root.mkdir()
    (root / "s1").symlink_to(outside)
    storage = LocalStorage(root)
    with pytest.raises(InvalidKey):
        storage.read("s1/secret.jpg")
    with pytest.raises(InvalidKey):
        storage.put("s1/new.jpg", b"x")
    assert not (outside / "new.jpg").exists()


def test_base_url_and_one_instance_per_configuration(tmp_path: Path) -> None:
    cdn = LocalStorage(tmp_path, base_url="https://cdn.example.com/m/")
    assert cdn.url("s1/a.jpg") == "https://cdn.example.com/m/s1/a.jpg"
    settings = Settings(data_dir=tmp_path, database_url="sqlite+aiosqlite:///x.db")
    storage = storage_for(settings)
    assert isinstance(storage, LocalStorage)
    assert storage.root == (tmp_path / "media").resolve()
    assert storage_for(settings.model_copy()) is storage  # cached per configuration
    elsewhere = settings.model_copy(update={"media_dir": tmp_path / "pics", "media_base_url": "https://x.example/m"})
    other = storage_for(elsewhere)
    assert other is not storage
    assert isinstance(other, LocalStorage)
    assert other.root == (tmp_path / "pics").resolve()
    assert other.url("s1/a.jpg") == "https://x.example/m/s1/a.jpg"
