"""Error codes of store: stores and the store a request acts in."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class StoreError(ErrorCode):
    store_required = (
        "store_required",
        400,
        "The caller belongs to several stores: name one with the `X-Store-Id` header",
    )
    not_a_member = "not_a_member", 403, "The caller is not a member of the store named by `X-Store-Id`"
    member_inactive = "member_inactive", 403, "The caller's access to this store has been deactivated"
    no_store = "no_store", 404, "The caller has no store yet: create one with `POST /store`"
    store_limit = "store_limit", 409, "The account owns as many stores as allowed"
    subdomain_taken = "subdomain_taken", 409, "Another store already uses this subdomain"
