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
    invalid_token = "invalid_token", 401, "The access token is malformed, tampered or signed by another key"
    token_expired = "token_expired", 401, "The access token is expired: refresh it"
    session_revoked = (
        "session_revoked",
        401,
        "The session has ended (logged out, revoked or the account deleted); log in again",
    )
    permission_denied = "permission_denied", 403, "The caller's role in this store does not allow this"
    email_taken = "email_taken", 409, "An account with this email already exists"
