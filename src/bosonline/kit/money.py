"""Rupiah for people."""

from __future__ import annotations

from bosonline.kit.lokal_id import format_rupiah


def rupiah(amount: int) -> str:
    """1234567 → "Rp1.234.567"; negative amounts keep their sign in front ("-Rp5.000")."""
    text = str(format_rupiah(abs(int(amount))))
    return "-" + text if amount < 0 else text
