"""The permission matrix: the one place that says what each store role may do (documented in README)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    owner = "owner"
    admin = "admin"
    cs = "cs"


class Permission(StrEnum):
    store_read = "store_read"
    store_write = "store_write"  # name, phone, time zone, settings, subdomain
    staff_read = "staff_read"
    staff_write = "staff_write"
    bank_accounts_write = "bank_accounts_write"
    catalog_read = "catalog_read"
    catalog_write = "catalog_write"  # products, variants, categories, stock, warehouses
    forms_write = "forms_write"  # checkout forms, vouchers, shipping rates
    orders_read = "orders_read"
    orders_write = "orders_write"  # edit, confirm payment, move status, follow up
    media_write = "media_write"  # the store's own media (POST /store/media): payment proofs, follow-up pictures
    followup_templates_write = "followup_templates_write"
    integrations_write = "integrations_write"  # WhatsApp, couriers, payments, webhooks
    reports_read = "reports_read"  # recaps and dashboards of the whole store


_EVERYONE = {
    Permission.store_read,
    Permission.catalog_read,
    Permission.orders_read,
    Permission.orders_write,
    Permission.media_write,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.owner: frozenset(Permission),
    Role.admin: frozenset(Permission),
    Role.cs: frozenset(_EVERYONE),
}

# Who may add, edit, deactivate or remove a member of a given role. Nobody manages the owner through
# /store/staff: the owner cannot be removed, deactivated or demoted.
MANAGEABLE_ROLES: dict[Role, frozenset[Role]] = {
    Role.owner: frozenset({Role.admin, Role.cs}),
    Role.admin: frozenset({Role.cs}),
    Role.cs: frozenset(),
}


def has_permission(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]
