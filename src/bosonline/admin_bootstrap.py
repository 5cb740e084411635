"""Accounts created from the command line: platform admins and the demo store."""

from __future__ import annotations

import secrets

from pydantic import TypeAdapter, ValidationError

from bosonline.auth.repository import AuthRepository
from bosonline.auth.service import AuthService
from bosonline.config import Settings
from bosonline.kit.fields import Email, Password
from bosonline.principals import Client, resolve_store_context
from bosonline.staff.schemas import StaffCreateIn
from bosonline.staff.service import StaffService
from bosonline.store.schemas import StoreCreateIn
from bosonline.store.service import StoreService
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


async def create_demo(settings: Settings, *, password: str) -> dict[str, str]:
    runtime = build_runtime(settings)
    suffix = secrets.token_hex(3)
    owner_email, cs_email = f"demo-{suffix}@example.com", f"cs-{suffix}@example.com"
    try:
        async with runtime.db.session() as session:
            owner, _ = await AuthService(session, runtime).register(
                name="Demo Seller", email=owner_email, phone="6281234567890", password=password, client=_CLI
            )
            store = await StoreService(session, runtime.clock).create(
                owner, StoreCreateIn(name="Toko Demo", subdomain=f"demo-{suffix}", phone="081234567890")
            )
            ctx = await resolve_store_context(session, owner.id, store.id)
            await StaffService(session, runtime, ctx).create(
                StaffCreateIn(name="Putri CS", phone="081398765432", email=cs_email, password=password, role="cs")
            )
            await session.commit()
    finally:
        await runtime.db.dispose()
    return {
        "owner email": owner_email,
        "cs email": cs_email,
        "password": password,
        "store": f"Toko Demo (id {store.id}, subdomain demo-{suffix})",
    }
