"""Error codes of auth: accounts, tokens, sessions and permissions."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class AuthError(ErrorCode):
    invalid_credentials = "invalid_credentials", 401, "Wrong email or password (or the account is deleted)"
    invalid_refresh_token = (
        "invalid_refresh_token",
        401,
        "The refresh token is unknown, expired or revoked; log in again",
    )
    refresh_token_reused = (
        "refresh_token_reused",
        401,
        "A rotated refresh token was used again: every session of the family is revoked",
    )
    invalid_reset_token = "invalid_reset_token", 400, "The password reset token is unknown, used or expired"
    email_taken = "email_taken", 409, "An account with this email already exists"
