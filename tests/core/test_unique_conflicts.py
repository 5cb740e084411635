"""A broken unique constraint answers the 409 its model declared, on both databases, even when a race got
past the service's own check (errors._integrity_error, db.broken_unique_constraint)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from bosonline.db import broken_unique_constraint
from bosonline.errors import conflict_for
from bosonline.models import Store, StoreMember, User
from bosonline.models.base import unique_constraint_named
from bosonline.models.store import MEMBER_UNIQUE, SUBDOMAIN_UNIQUE
from bosonline.models.user import EMAIL_UNIQUE
from bosonline.runtime import Runtime

NOW = datetime(2026, 11, 21, tzinfo=UTC)


def _user(email: str) -> User:
    return User(name="Sari", email=email, created_at=NOW, updated_at=NOW)


async def _violation(rt: Runtime, constraint_case: str) -> IntegrityError:
    async with rt.db.session() as session:
        owner = _user("owner@example.com")
        session.add(owner)
        await session.flush()
        store = Store(name="Toko", subdomain="sama", owner_id=owner.id, created_at=NOW, updated_at=NOW)
        session.add(store)
        await session.flush()
        member = StoreMember(
            store_id=store.id, user_id=owner.id, role="owner", name="Sari", created_at=NOW, updated_at=NOW
        )
        session.add(member)
        await session.flush()
        duplicate = {
            "email": _user("owner@example.com"),
            "subdomain": Store(name="Lain", subdomain="sama", owner_id=owner.id, created_at=NOW, updated_at=NOW),
            "member": StoreMember(
                store_id=store.id, user_id=owner.id, role="cs", name="Lagi", created_at=NOW, updated_at=NOW
            ),
        }[constraint_case]
        session.add(duplicate)
        with pytest.raises(IntegrityError) as caught:
            await session.flush()
        await session.rollback()
        return caught.value


@pytest.mark.parametrize(
    ("case", "constraint", "code"),
    [
        ("email", EMAIL_UNIQUE, "email_taken"),
        ("subdomain", SUBDOMAIN_UNIQUE, "subdomain_taken"),
        ("member", MEMBER_UNIQUE, "already_member"),
    ],
)
async def test_each_declared_constraint_maps_to_its_conflict(
    rt: Runtime, case: str, constraint: object, code: str
) -> None:
    error = await _violation(rt, case)
    name = broken_unique_constraint(error)
    assert name is not None and name == constraint.name
    assert unique_constraint_named(name) is constraint
    conflict = conflict_for(constraint)  # type: ignore[arg-type]
    assert (conflict.status_code, conflict.code) == (409, code)


async def test_other_integrity_errors_are_not_taken_for_unique_ones(rt: Runtime) -> None:
    async with rt.db.session() as session:
        session.add(
            StoreMember(store_id=999_999, user_id=999_999, role="cs", name="Hantu", created_at=NOW, updated_at=NOW)
        )
        with pytest.raises(IntegrityError) as caught:  # foreign keys, not uniqueness
            await session.flush()
        await session.rollback()
    assert broken_unique_constraint(caught.value) is None
