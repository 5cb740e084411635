"""What the staff tests send: a member's POST body, and every request on one member."""

from __future__ import annotations

from typing import Any

from tests.factories import PASSWORD, with_overrides


def staff_body(**overrides: Any) -> dict[str, Any]:
    """A valid POST /store/staff body (a new CS); an override of `...` leaves the field out."""
    return with_overrides(
        {"name": "Putri CS", "phone": "081398765432", "email": "putri@example.com", "password": PASSWORD, "role": "cs"},
        overrides,
    )


def member_changes(member_id: int | str, edit: dict[str, Any] | None = None) -> list[tuple[str, str, Any]]:
    """Edit (`edit`, a new name unless given), pause and remove one member."""
    return [
        ("PUT", f"/store/staff/{member_id}", edit or {"name": "Diubah"}),
        ("PATCH", f"/store/staff/{member_id}/status", {"status": "inactive"}),
        ("DELETE", f"/store/staff/{member_id}", None),
    ]


def member_requests(member_id: int | str, edit: dict[str, Any] | None = None) -> list[tuple[str, str, Any]]:
    """Read one member, then the changes of `member_changes`."""
    return [("GET", f"/store/staff/{member_id}", None), *member_changes(member_id, edit)]
