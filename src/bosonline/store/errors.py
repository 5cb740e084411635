"""Error codes of store: stores and the store a request acts in."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class StoreError(ErrorCode):
    store_limit = "store_limit", 409, "The account owns as many stores as allowed"
    subdomain_taken = "subdomain_taken", 409, "Another store already uses this subdomain"
    domain_exists = "domain_exists", 409, "The store has already registered this domain"
    domain_taken = "domain_taken", 409, "Another store uses this domain"
    domain_limit = "domain_limit", 409, "The store has as many custom domains as allowed"
    domain_not_active = "domain_not_active", 409, "Only a verified (active) domain can be the default host"
    custom_domains_off = "custom_domains_off", 409, "Custom domains are not set up on this platform"
