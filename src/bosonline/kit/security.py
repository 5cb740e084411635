"""Password hashing (Argon2id), opaque tokens, and JWT access tokens."""

from __future__ import annotations

import base64
import enum
import functools
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import anyio.to_thread
import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from bosonline.config import Settings

ACCESS_TOKEN_TYPE = "access"
_ISSUER = "bosonline"
_ALGORITHM = "HS256"


class Passwords:
    """Argon2id hashing off the event loop: a hash costs tens of milliseconds of CPU by design."""

    def __init__(self, settings: Settings) -> None:
        self._hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
        )
        # Verifying against this when the account does not exist keeps "no such email" as slow as
        # "wrong password", so timing does not reveal which accounts exist. Made by `warm()`, which start-up calls
        # in the background (a hash at the production cost is up to a second of start-up on a busy machine), or by
        # the first check that needs it.
        self._dummy_hash: str | None = None
        self._dummy_lock = threading.Lock()

    def warm(self) -> None:
        """Makes the hash that checks against unknown accounts; blocking, so call it in a thread."""
        self._dummy()

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            with self._dummy_lock:
                if self._dummy_hash is None:
                    self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        return self._dummy_hash

    async def hash(self, password: str) -> str:
        return await anyio.to_thread.run_sync(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        return await self.check(password_hash, password) is not PasswordMatch.wrong

    async def check(self, password_hash: str | None, password: str) -> PasswordMatch:
        """Which form of `password` the hash is of. Until passwords were taken as typed, request bodies stripped
        them, so hashes made then are of the stripped password: that form still matches (`legacy_stripped`, to be
        rehashed as typed). Both tries happen whether or not the account exists, so timing reveals nothing."""
        return await anyio.to_thread.run_sync(self._check_sync, password_hash, password)

    def needs_rehash(self, password_hash: str | None) -> bool:
        return password_hash is not None and self._hasher.check_needs_rehash(password_hash)

    def _check_sync(self, password_hash: str | None, password: str) -> PasswordMatch:
        if self._verify_sync(password_hash, password):
            return PasswordMatch.exact
        stripped = password.strip()
        if stripped != password and stripped and self._verify_sync(password_hash, stripped):
            return PasswordMatch.legacy_stripped
        return PasswordMatch.wrong

    def _verify_sync(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash or self._dummy(), password) and password_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


class PasswordMatch(enum.Enum):
    wrong = "wrong"
    exact = "exact"
    legacy_stripped = "legacy_stripped"


def new_opaque_token() -> str:
    return secrets.token_urlsafe(32)


def successor_token(secret: str, token: str) -> str:
    """The refresh token that replaces `token` when it is rotated: an HMAC of it under the server's secret. Being
    derived, not random, it can be answered again to a second request that presents `token` within the reuse
    grace period, while only its hash is stored; without the secret nobody can compute it."""
    digest = hmac.new(secret.encode(), b"refresh-successor\x00" + token.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_session_id() -> str:
    return secrets.token_hex(16)


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    session_id: str
    expires_at: datetime


class InvalidToken(Exception):
    pass


class AccessTokens:
    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self._secret = secret
        self.ttl_seconds = ttl_seconds
        # PyJWT's decode costs ~100 µs (its base64 checks walk the token in Python), a tenth of an authenticated
        # request's own work; a client sends the same token for its 15 minutes. The signature of a token does not
        # change, so the decoded claims of the tokens seen last are kept (bounded; failures are not kept); the
        # time checks and the session's, in the database, still run at every request.
        self._decode = functools.lru_cache(maxsize=4096)(self._decode_uncached)

    def issue(self, user_id: int, session_id: str, now: datetime) -> str:
        claims: dict[str, Any] = {
            "iss": _ISSUER,
            "sub": str(user_id),
            "sid": session_id,
            "typ": ACCESS_TOKEN_TYPE,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(seconds=self.ttl_seconds)).timestamp()),
        }
        return jwt.encode(claims, self._secret, algorithm=_ALGORITHM)

    def verify(self, token: str, now: datetime) -> AccessClaims:
        """Signature, issuer and type by PyJWT; expiry and issue time against our clock (tests move it).

        PyJWT would check `iat` against the wall clock, refusing every token issued by a clock that runs ahead
        of it, so that check is ours too."""
        claims = self._decode(token)
        if claims.get("typ") != ACCESS_TOKEN_TYPE or not str(claims["sub"]).isdigit():
            raise InvalidToken("not an access token")
        exp = claims["exp"]
        if not isinstance(exp, int) or isinstance(exp, bool):
            raise InvalidToken("malformed exp claim")
        iat = claims.get("iat")
        if iat is not None and (not isinstance(iat, int) or isinstance(iat, bool) or iat > int(now.timestamp())):
            raise InvalidToken("malformed or future iat claim")
        if exp <= int(now.timestamp()):
            raise InvalidToken("expired")
        return AccessClaims(
            user_id=int(claims["sub"]),
            session_id=str(claims["sid"]),
            expires_at=datetime.fromtimestamp(exp, tz=now.tzinfo),
        )

    def _decode_uncached(self, token: str) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._secret,
                algorithms=[_ALGORITHM],
                issuer=_ISSUER,
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "require": ["exp", "sub", "sid", "typ", "iss"],
                },
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        return claims


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
