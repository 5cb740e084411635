"""Error codes of form: checkout forms."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class FormError(ErrorCode):
    form_slug_taken = "form_slug_taken", 409, "Another form of the store already uses this slug"
    form_limit = "form_limit", 409, "The store has as many forms as allowed"
    success_page_exists = "success_page_exists", 409, "The form already has a custom success page: edit it with PUT"
