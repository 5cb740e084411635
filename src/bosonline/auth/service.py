"""Rules of accounts and sessions: registration, login with throttling, rotating refresh, password reset."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.auth.errors import AuthError
from bosonline.auth.repository import AuthRepository, count_login_attempt
from bosonline.auth.schemas import TokenPair
from bosonline.db import after_commit
from bosonline.errors import BadRequest, TooManyRequests, Unauthorized, conflict_for
from bosonline.kit.ratelimit import client_key
from bosonline.kit.security import PasswordMatch, hash_token, new_opaque_token, new_session_id, successor_token
from bosonline.models import AuthSession, LoginAttempt, PasswordResetToken, RefreshToken, User
from bosonline.models.user import EMAIL_UNIQUE
from bosonline.notify import PasswordReset
from bosonline.principals import Client
from bosonline.runtime import Runtime

INVALID_CREDENTIALS = "Invalid email or password"
INVALID_REFRESH = "Refresh token is invalid, expired or revoked; log in again"
INVALID_RESET = "The reset token is invalid, used or expired; ask for a new one"
# At most this many reset e-mails per account per hour: the endpoint is public and must not become a spam cannon.
MAX_RESETS_PER_HOUR = 5
# A client (address, IPv6 /64) that logged in to an account within this many days is its owner's, not a botnet's:
# the account-wide limit does not lock it out (its own per-client limit still holds).
KNOWN_CLIENT_DAYS = 90


class AuthService:
    def __init__(self, session: AsyncSession, runtime: Runtime) -> None:
        self.repo = AuthRepository(session)
        self.session = session
        self.rt = runtime

    @property
    def now(self) -> datetime:
        return self.rt.clock.now()

    async def register(
        self, *, name: str, email: str, phone: str | None, password: str, client: Client
    ) -> tuple[User, TokenPair]:
        if await self.repo.email_taken(email):
            raise conflict_for(EMAIL_UNIQUE)
        now = self.now
        user = await self.repo.add_user(
            User(
                name=name,
                email=email,
                phone=phone,
                password_hash=await self.rt.passwords.hash(password),
                created_at=now,
                updated_at=now,
            )
        )
        return user, await self.start_session(user, client)

    async def login(self, *, email: str, password: str, client: Client) -> tuple[User, TokenPair]:
        now = self.now
        settings = self.rt.settings
        window = timedelta(minutes=settings.login_window_minutes)
        # The attempt is counted, committed, before any password is checked: concurrent guesses each see the ones
        # committed before them, so no burst checks more passwords than the limits allow.
        attempt = await count_login_attempt(self.rt.db, self._attempt_row(email, client), now - window)
        over = []
        if attempt.from_client.count > settings.login_max_failures:
            over.append(attempt.from_client)
        if attempt.on_account.count > settings.login_max_failures_per_account and not (
            # strangers spent the account's budget: its owner's own device still gets its per-client tries
            not over
            and await self.repo.has_logged_in(
                email, client_key(client.ip)[:64], since=now - timedelta(days=KNOWN_CLIENT_DAYS)
            )
        ):
            over.append(attempt.on_account)
        if over:
            await self.repo.finish_login_attempt(attempt.id, "throttled", None)
            raise TooManyRequests(
                "Too many failed logins for this account; try again later",
                retry_after=max(streak.retry_after(now, window) for streak in over),
                persist=True,
            )
        user = await self.repo.user_by_email(email)
        match = await self.rt.passwords.check(user.password_hash if user else None, password)
        if user is None or match is PasswordMatch.wrong:
            await self.repo.finish_login_attempt(attempt.id, "failure", user.id if user else None)
            raise Unauthorized(INVALID_CREDENTIALS, code=AuthError.invalid_credentials, persist=True)
        # A success ends the failure streak of this email from this client only (the failures counted against the
        # account from everywhere stay): so nobody can clear what a botnet spent by logging in from elsewhere.
        await self.repo.finish_login_attempt(attempt.id, "success", user.id)
        if match is PasswordMatch.legacy_stripped or self.rt.passwords.needs_rehash(user.password_hash):
            user.password_hash = await self.rt.passwords.hash(password)
        return user, await self.start_session(user, client)

    async def refresh(self, *, refresh_token: str, client: Client) -> TokenPair:
        now = self.now
        found = await self.repo.refresh_token_with_session(hash_token(refresh_token))
        if found is None:
            raise Unauthorized(INVALID_REFRESH, code=AuthError.invalid_refresh_token)
        token, auth_session = found
        if auth_session.revoked_at is not None:
            raise Unauthorized(INVALID_REFRESH, code=AuthError.invalid_refresh_token)
        user = await self.repo.user_by_id(auth_session.user_id)
        if user is None:
            raise Unauthorized(INVALID_REFRESH, code=AuthError.invalid_refresh_token)
        successor = successor_token(self.rt.settings.effective_secret_key, refresh_token)
        if token.rotated_at is not None:
            if now - token.rotated_at < timedelta(seconds=self.rt.settings.refresh_reuse_grace_seconds):
                # Rotated seconds ago: another tab of the same browser refreshed at the same moment, not a thief.
                # It gets the same successor the first one got (and a fresh access token), unless that successor
                # was itself rotated meanwhile: handing it out would make the next refresh look like a theft.
                current = await self.repo.refresh_token_with_session(hash_token(successor))
                if current is None or current[0].rotated_at is not None:
                    raise Unauthorized(INVALID_REFRESH, code=AuthError.invalid_refresh_token)
                return self._pair(user.id, auth_session.id, successor)
            await self._reused(auth_session.id, now)
        if token.expires_at <= now:
            raise Unauthorized(INVALID_REFRESH, code=AuthError.invalid_refresh_token)
        if not await self.repo.mark_rotated(token.id, now):
            await self._reused(auth_session.id, now)
        await self.repo.touch_session(auth_session.id, now)
        await self.repo.add_refresh_token(self._refresh_row(auth_session.id, successor))
        return self._pair(user.id, auth_session.id, successor)

    async def _reused(self, session_id: str, now: datetime) -> NoReturn:
        """A retired token came back after its grace: it was stolen or replayed. End the whole login, both copies."""
        await self.repo.revoke_session(session_id, now, "refresh_token_reuse")
        raise Unauthorized(INVALID_REFRESH, code=AuthError.refresh_token_reused, persist=True)

    async def logout(self, *, session_id: str) -> None:
        await self.repo.revoke_session(session_id, self.now, "logout")

    async def forgot_password(self, *, email: str, client: Client) -> None:
        """Answers the same, in the same time, whether or not the address has an account: the request only
        schedules the work (`send_password_reset`, after the response), so that nobody can tell from the answer
        or its latency which addresses have accounts."""
        runtime = self.rt
        retry_after = await runtime.rate_limits.hit(
            f"forgot:{client_key(client.ip)}",
            limit=runtime.settings.forgot_password_per_hour,
            window_seconds=3600,
            now=self.now,
            session=self.session,
        )
        if retry_after is not None:
            raise TooManyRequests("Too many password reset requests; try again later", retry_after=retry_after)

        async def schedule() -> None:
            runtime.background.spawn(lambda: send_password_reset(runtime, email, client), name="password_reset")

        after_commit(self.session, schedule)

    async def issue_reset_token(self, email: str, client: Client) -> PasswordReset | None:
        """A new reset token for the account of `email` (retiring its older ones), or None for no account or past
        the hourly limit."""
        # Locked: two resets of one account at once take turns, so the hourly limit and "one live token" hold.
        user = await self.repo.user_by_email(email, for_update=True)
        if user is None or user.email is None:
            return None
        now = self.now
        if await self.repo.reset_tokens_since(user.id, now - timedelta(hours=1)) >= MAX_RESETS_PER_HOUR:
            return None
        await self.repo.retire_reset_tokens(user.id, now)
        token = new_opaque_token()
        ttl = self.rt.settings.password_reset_ttl_minutes
        await self.repo.add_reset_token(
            PasswordResetToken(
                user_id=user.id, token_hash=hash_token(token), created_at=now, expires_at=now + timedelta(minutes=ttl)
            )
        )
        return PasswordReset(
            email=user.email,
            name=user.name,
            token=token,
            expires_minutes=ttl,
            requested_at=now,
            ip=client.ip,
            user_agent=client.user_agent,
        )

    async def reset_password(self, *, token: str, password: str) -> None:
        now = self.now
        reset = await self.repo.reset_token(hash_token(token))
        if reset is None or reset.used_at is not None or reset.expires_at <= now:
            raise BadRequest(INVALID_RESET, code=AuthError.invalid_reset_token)
        user = await self.repo.user_by_id(reset.user_id)
        if user is None or not await self.repo.use_reset_token(reset.id, now):
            raise BadRequest(INVALID_RESET, code=AuthError.invalid_reset_token)
        user.password_hash = await self.rt.passwords.hash(password)
        user.updated_at = now
        await self.repo.revoke_all_sessions(user.id, now, "password_reset")

    # shared with profile (password change) and registration
    async def start_session(self, user: User, client: Client) -> TokenPair:
        now = self.now
        session_id = new_session_id()
        refresh = new_opaque_token()
        await self.repo.add_session(
            AuthSession(
                id=session_id,
                user_id=user.id,
                created_at=now,
                last_used_at=now,
                ip=client.ip[:64],
                user_agent=(client.user_agent or "")[:300] or None,
            ),
            self._refresh_row(session_id, refresh),
        )
        return self._pair(user.id, session_id, refresh)

    def _refresh_row(self, session_id: str, token: str) -> RefreshToken:
        now = self.now
        return RefreshToken(
            session_id=session_id,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + timedelta(days=self.rt.settings.refresh_token_ttl_days),
        )

    def _pair(self, user_id: int, session_id: str, refresh: str) -> TokenPair:
        tokens = self.rt.access_tokens
        return TokenPair(
            access_token=tokens.issue(user_id, session_id, self.now),
            refresh_token=refresh,
            expires_in=tokens.ttl_seconds,
        )

    def _attempt_row(self, email: str, client: Client) -> LoginAttempt:
        return LoginAttempt(
            email=email,
            ip=client.ip[:64],
            client_key=client_key(client.ip)[:64],
            user_agent=(client.user_agent or "")[:300] or None,
            outcome="failure",
            created_at=self.now,
        )


async def send_password_reset(runtime: Runtime, email: str, client: Client) -> None:
    """After a forgot-password request: its own short transaction writes the token, then the notifier sends it
    (outside any transaction). Lost if the process stops first; the user asks again."""
    async with runtime.db.session(write=True) as session:
        reset = await AuthService(session, runtime).issue_reset_token(email, client)
        await session.commit()
    if reset is not None:
        await runtime.notifier.password_reset(reset)
