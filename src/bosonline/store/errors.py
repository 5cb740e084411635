"""Error codes of store: stores and the store a request acts in."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class StoreError(ErrorCode):
    store_limit = "store_limit", 409, "The account owns as many stores as allowed"
    subdomain_taken = "subdomain_taken", 409, "Another store already uses this subdomain"
