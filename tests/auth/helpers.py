"""Shared assertions and database peeks for the /auth tests."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from bosonline.models import AuthSession, LoginAttempt, PasswordResetToken, RefreshToken, User
from bosonline.runtime import Runtime

TEST_IP = "203.0.113.7"
OTHER_IP = "198.51.100.9"


async def user_by_email(rt: Runtime, email: str) -> User | None:
    async with rt.db.session() as session:
        return await session.scalar(select(User).where(User.email == email))


async def count_users(rt: Runtime) -> int:
    async with rt.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def login_attempts(rt: Runtime, email: str | None = None) -> list[LoginAttempt]:
    async with rt.db.session() as session:
        stmt = select(LoginAttempt).order_by(LoginAttempt.id)
        if email is not None:
            stmt = stmt.where(LoginAttempt.email == email)
        return list((await session.scalars(stmt)).all())


async def sessions_of(rt: Runtime, user_id: int) -> list[AuthSession]:
    async with rt.db.session() as session:
        stmt = select(AuthSession).where(AuthSession.user_id == user_id).order_by(AuthSession.created_at)
        return list((await session.scalars(stmt)).all())


async def refresh_tokens_of(rt: Runtime, session_id: str) -> list[RefreshToken]:
    async with rt.db.session() as session:
        stmt = select(RefreshToken).where(RefreshToken.session_id == session_id).order_by(RefreshToken.id)
        return list((await session.scalars(stmt)).all())


async def reset_tokens_of(rt: Runtime, user_id: int) -> list[PasswordResetToken]:
    async with rt.db.session() as session:
        stmt = select(PasswordResetToken).where(PasswordResetToken.user_id == user_id).order_by(PasswordResetToken.id)
        return list((await session.scalars(stmt)).all())


async def get_me(client: httpx.AsyncClient, tokens: dict[str, Any]) -> httpx.Response:
    return await client.get("/profile/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
