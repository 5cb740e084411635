"""Error codes of staff: store members."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class StaffError(ErrorCode):
    owner_protected = "owner_protected", 403, "The store owner cannot be edited, deactivated or removed"
    self_management = "self_management", 403, "A member cannot change their own role, status or membership"
    staff_limit = "staff_limit", 409, "The store has as many staff members as allowed"
    already_member = "already_member", 409, "This person is already a member of the store"
