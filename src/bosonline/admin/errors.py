"""Error codes of the platform's back office (/admin)."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class AdminError(ErrorCode):
    store_already_suspended = "store_already_suspended", 409, "The store is already suspended"
    store_not_suspended = "store_not_suspended", 409, "The store is not suspended: nothing to reactivate"
    store_closed_by_owner = (
        "store_closed_by_owner",
        409,
        "The store was closed by its owner: it cannot be suspended or reactivated",
    )
