"""Bounded field types reused by request schemas."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, EmailStr, Field, StringConstraints


def _no_control_chars(value: str) -> str:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("must not contain control characters")
    return value


def _lower(value: str) -> str:
    return value.lower()


PersonName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), AfterValidator(_no_control_chars)
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), AfterValidator(_no_control_chars)
]
Email = Annotated[EmailStr, Field(max_length=254), AfterValidator(_lower)]
# Not stripped: spaces are part of a password. 128 bounds the hashing work one request can ask for.
Password = Annotated[str, Field(min_length=8, max_length=128, description="8–128 characters.")]
AnyPassword = Annotated[str, Field(min_length=1, max_length=128)]
OpaqueToken = Annotated[str, Field(min_length=16, max_length=200)]
