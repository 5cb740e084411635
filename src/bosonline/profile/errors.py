"""Error codes of profile: the caller's own account."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class ProfileError(ErrorCode):
    wrong_password = "wrong_password", 403, "The current password is wrong"
    owner_has_active_stores = (
        "owner_has_active_stores",
        409,
        "The account owns stores other staff still work in: remove them first",
    )
    owner_has_open_orders = (
        "owner_has_open_orders",
        409,
        "Buyers are still waiting on open orders of the account's stores",
    )
