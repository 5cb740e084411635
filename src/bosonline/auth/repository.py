"""All SQL of accounts, sessions, tokens and login attempts (user-level rows: not store-scoped)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.db import Database, row_of, rowcount
from bosonline.models import AuthSession, LoginAttempt, PasswordResetToken, RefreshToken, User


@dataclass(frozen=True)
class FailureStreak:
    """Failed logins still inside the throttle's window, and when the oldest of them happened."""

    count: int
    oldest: datetime | None

    def retry_after(self, now: datetime, window: timedelta) -> int:
        return int(((self.oldest or now) + window - now).total_seconds()) + 1


@dataclass(frozen=True)
class CountedAttempt:
    id: int
    from_client: FailureStreak
    on_account: FailureStreak


async def count_login_attempt(db: Database, attempt: LoginAttempt, since: datetime) -> CountedAttempt:
    """Records `attempt` (as a failure until it is known to be something else) in its own transaction and
    commits it, THEN counts the failures since `since`.

    Counting after the commit is what makes concurrent attempts safe: each attempt sees its own row and every one
    committed before it, and the attempts let through stay failures (or end the streak with a success), so the
    (limit + 1)-th to be let through would have seen limit + 1: however many arrive at once, at most `limit`
    passwords are checked. (Refused attempts become "throttled" and stop counting.)"""
    async with db.session() as session:
        repo = AuthRepository(session)
        await repo.add_login_attempt(attempt)
        attempt_id = attempt.id
        await session.commit()
        from_client = await repo.recent_failures(attempt.email, since, attempt.client_key)
        on_account = await repo.recent_failures(attempt.email, since)
    return CountedAttempt(attempt_id, from_client, on_account)


class AuthRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # users
    async def user_by_email(self, email: str, *, for_update: bool = False) -> User | None:
        return await row_of(
            self.session, select(User).where(User.email == email, User.deleted_at.is_(None)), for_update=for_update
        )

    async def user_by_id(self, user_id: int) -> User | None:
        return await self.session.scalar(select(User).where(User.id == user_id, User.deleted_at.is_(None)))

    async def email_taken(self, email: str, *, except_user_id: int | None = None) -> bool:
        stmt = select(User.id).where(User.email == email)
        if except_user_id is not None:
            stmt = stmt.where(User.id != except_user_id)
        return (await self.session.scalar(stmt.limit(1))) is not None

    async def add_user(self, user: User) -> User:
        self.session.add(user)
        await self.session.flush()
        return user

    # sessions and refresh tokens
    async def add_session(self, auth_session: AuthSession, token: RefreshToken) -> None:
        self.session.add(auth_session)
        await self.session.flush()
        self.session.add(token)
        await self.session.flush()

    async def refresh_token_with_session(self, token_hash: str) -> tuple[RefreshToken, AuthSession] | None:
        """The refresh token row, locked until the transaction ends (PostgreSQL; SQLite's write transaction
        already excludes other writers), with its login session: two refreshes of one token take turns, and the
        second sees that the first rotated it."""
        row = (
            await self.session.execute(
                select(RefreshToken, AuthSession)
                .join(AuthSession, AuthSession.id == RefreshToken.session_id)
                .where(RefreshToken.token_hash == token_hash)
                .with_for_update(of=RefreshToken)
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def _spend(self, moment: Any, token_id: int, now: datetime) -> bool:
        """Atomically sets a token's `moment` column (when it was used up) to `now`, if unset: False when another
        request spent the token first."""
        token = moment.class_
        result = await self.session.execute(
            update(token)
            .where(token.id == token_id, moment.is_(None))
            .values({moment.key: now})
            .execution_options(synchronize_session=False)
        )
        return rowcount(result) == 1

    async def mark_rotated(self, token_id: int, now: datetime) -> bool:
        """Atomically retire a refresh token; False if another request retired it first."""
        return await self._spend(RefreshToken.rotated_at, token_id, now)

    async def add_refresh_token(self, token: RefreshToken) -> None:
        self.session.add(token)
        await self.session.flush()

    async def touch_session(self, session_id: str, now: datetime) -> None:
        await self.session.execute(update(AuthSession).where(AuthSession.id == session_id).values(last_used_at=now))

    async def revoke_session(self, session_id: str, now: datetime, reason: str) -> None:
        await self.session.execute(
            update(AuthSession)
            .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=now, revoked_reason=reason)
        )

    async def revoke_all_sessions(self, user_id: int, now: datetime, reason: str) -> None:
        await self.session.execute(
            update(AuthSession)
            .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=now, revoked_reason=reason)
        )

    # login attempts
    async def add_login_attempt(self, attempt: LoginAttempt) -> None:
        self.session.add(attempt)
        await self.session.flush()

    async def finish_login_attempt(self, attempt_id: int, outcome: str, user_id: int | None) -> None:
        await self.session.execute(
            update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(outcome=outcome, user_id=user_id)
        )

    async def has_logged_in(self, email: str, client_key: str, *, since: datetime) -> bool:
        """Whether `email` logged in successfully from `client_key` after `since`."""
        stmt = select(LoginAttempt.id).where(
            LoginAttempt.email == email,
            LoginAttempt.client_key == client_key,
            LoginAttempt.created_at > since,
            LoginAttempt.outcome == "success",
        )
        return (await self.session.scalar(stmt.limit(1))) is not None

    async def recent_failures(self, email: str, since: datetime, client_key: str | None = None) -> FailureStreak:
        """Failures for `email` after `since`: from every client, or from `client_key` only and then only those
        after that client's last success.

        "After the last success" goes by row id, not time: attempts recorded in the same instant (or while the
        clock steps back) are still ordered, so a success never hides the failures that follow it."""
        where = [LoginAttempt.email == email, LoginAttempt.outcome == "failure", LoginAttempt.created_at > since]
        if client_key is not None:
            last_success = (
                select(func.max(LoginAttempt.id))
                .where(
                    LoginAttempt.email == email,
                    LoginAttempt.client_key == client_key,
                    LoginAttempt.outcome == "success",
                )
                .scalar_subquery()
            )
            where += [LoginAttempt.client_key == client_key, LoginAttempt.id > func.coalesce(last_success, 0)]
        row = (await self.session.execute(select(func.count(), func.min(LoginAttempt.created_at)).where(*where))).one()
        oldest: datetime | str | None = row[1]
        if isinstance(oldest, str):  # SQLite's MIN() over a timestamp column comes back as text
            oldest = datetime.fromisoformat(oldest)
        return FailureStreak(int(row[0]), oldest)

    async def delete_login_attempts(self, email: str, user_id: int) -> None:
        await self.session.execute(
            delete(LoginAttempt).where((LoginAttempt.email == email) | (LoginAttempt.user_id == user_id))
        )

    # password reset
    async def add_reset_token(self, token: PasswordResetToken) -> None:
        self.session.add(token)
        await self.session.flush()

    async def reset_tokens_since(self, user_id: int, since: datetime) -> int:
        return int(
            await self.session.scalar(
                select(func.count()).where(PasswordResetToken.user_id == user_id, PasswordResetToken.created_at > since)
            )
            or 0
        )

    async def retire_reset_tokens(self, user_id: int, now: datetime) -> None:
        await self.session.execute(
            update(PasswordResetToken)
            .where(PasswordResetToken.user_id == user_id, PasswordResetToken.used_at.is_(None))
            .values(used_at=now)
        )

    async def reset_token(self, token_hash: str) -> PasswordResetToken | None:
        return await self.session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == token_hash))

    async def use_reset_token(self, token_id: int, now: datetime) -> bool:
        return await self._spend(PasswordResetToken.used_at, token_id, now)

    async def delete_reset_tokens(self, user_id: int) -> None:
        await self.session.execute(delete(PasswordResetToken).where(PasswordResetToken.user_id == user_id))
