"""Accounts created from the command line: platform admins."""

from __future__ import annotations

from pydantic import TypeAdapter, ValidationError

from bosonline.auth.repository import AuthRepository
from bosonline.auth.service import AuthService
from bosonline.config import Settings
from bosonline.kit.fields import Email, Password
from bosonline.principals import Client
from bosonline.wiring import build_runtime

_CLI = Client(ip="cli", user_agent="bosonline-cli")


async def create_platform_admin(settings: Settings, *, email: str, password: str, name: str) -> bool:
    try:
        email = TypeAdapter(Email).validate_python(email)
    except ValidationError as exc:
        raise ValueError(f"--email: {exc.errors()[0]['msg']}") from exc
    try:
        password = TypeAdapter(Password).validate_python(password)
    except ValidationError as exc:
        raise ValueError(f"--password: {exc.errors()[0]['msg']}") from exc
    runtime = build_runtime(settings)
    try:
        async with runtime.db.session() as session:
            repo = AuthRepository(session)
            user = await repo.user_by_email(email)
            created = user is None
            if user is None:
                user, _ = await AuthService(session, runtime).register(
                    name=name,
                    email=email,
                    phone=None,
                    password=password,
                    client=_CLI,
                )
            user.is_platform_admin = True
            await session.commit()
            return created
    finally:
        await runtime.db.dispose()
