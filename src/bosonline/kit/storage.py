"""Where uploaded files live: a small storage interface and the local-disk implementation.

Keys are relative, slash-separated paths (`s12/ab/<token>.jpg`) and double as the tail of the public URL. The
calls are blocking (disk or, for another implementation, network): async code runs them with asyncio.to_thread.
"""

from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Protocol

from bosonline.config import Settings

_KEY_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
MAX_KEY_LENGTH = 200  # images.storage_key is String(200)


class InvalidKey(ValueError):
    """A key that is not a plain relative path inside the storage (`..`, absolute, backslashes, …)."""


class MissingObject(KeyError):
    """No file is stored under the key."""


class Storage(Protocol):
    def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key`, replacing what was there, atomically (readers never see half a file)."""

    def read(self, key: str) -> bytes:
        """The bytes under `key`; MissingObject if none."""

    def open(self, key: str) -> BinaryIO:
        """A binary file object to read `key` from (the caller closes it); MissingObject if none."""

    def delete(self, key: str) -> None:
        """Remove `key`; nothing happens if it does not exist."""

    def exists(self, key: str) -> bool: ...

    def url(self, key: str) -> str:
        """Where a browser fetches `key`: `/media/<key>`, or under the configured absolute base URL."""


def check_key(key: str) -> str:
    """`key` if it is a plain relative path of safe segments, else InvalidKey. Refuses anything that could leave
    the storage root: `..`, `.`, empty segments, leading `/`, backslashes, NUL and other odd characters."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidKey(key)
    segments = key.split("/")
    if any(not _KEY_SEGMENT.fullmatch(segment) or segment.strip(".") == "" for segment in segments):
        raise InvalidKey(key)
    if any(".." in segment for segment in segments):
        raise InvalidKey(key)
    return key


class LocalStorage:
    """Files under one root directory; `put` writes a temporary file beside the target and renames it over."""

    def __init__(self, root: Path, *, base_url: str | None = None) -> None:
        self.root = root.resolve()
        self.base_url = (base_url or "/media").rstrip("/")

    def path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        # Belt and braces after check_key: a symlink planted inside the root must not lead out of it either.
        if not path.is_relative_to(self.root) or path == self.root:
            raise InvalidKey(key)
        return path

    def put(self, key: str, data: bytes) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def read(self, key: str) -> bytes:
        with self.open(key) as handle:
            return handle.read()

    def open(self, key: str) -> BinaryIO:
        try:
            return self.path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise MissingObject(key) from exc

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def url(self, key: str) -> str:
        return f"{self.base_url}/{check_key(key)}"


def media_root(settings: Settings) -> Path:
    return settings.media_dir or settings.data_dir / "media"


@lru_cache(maxsize=16)
def _local_storage(root: Path, base_url: str | None) -> LocalStorage:
    return LocalStorage(root, base_url=base_url)


def storage_for(settings: Settings) -> Storage:
    """The storage these settings describe; one instance per distinct configuration (cached)."""
    return _local_storage(media_root(settings).resolve(), settings.media_base_url)
