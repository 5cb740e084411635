"""The signature receivers verify: base64(HMAC-SHA256(key=endpoint secret, message=raw request body)).

Scalev's scheme (`X-Scalev-Hmac-Sha256`) under our own header name, so that a receiver written for one needs only
the header name changed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-Bosonline-Hmac-Sha256"
EVENT_HEADER = "X-Bosonline-Event"
DELIVERY_HEADER = "X-Bosonline-Delivery"
SECRET_PREFIX = "whsec_"


def sign(secret: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)
