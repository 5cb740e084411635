"""A real static QRIS payload built from its EMVCo TLV fields, and variants of it, for the QRIS tests."""

from __future__ import annotations

from lokal import parse_qris, qris_crc

NMID = "ID1020021181745"


def tlv(tag: str, value: str) -> str:
    assert len(tag) == 2 and len(value) <= 99
    return f"{tag}{len(value):02d}{value}"


def qris_payload(
    *,
    point_of_initiation: str = "11",
    merchant_name: str = "TOKO BERKAH",
    city: str = "DEPOK",
    postal_code: str = "16431",
    amount: str | None = None,
    gui_template: str = "51",
) -> str:
    """A QRIS payload with a correct CRC: static by default ("11"), dynamic with "12" and an `amount`."""
    account = tlv("00", "ID.CO.QRIS.WWW") + tlv("02", NMID) + tlv("03", "UMI")
    body = (
        tlv("00", "01")
        + tlv("01", point_of_initiation)
        + tlv("26", tlv("00", "ID.CO.BANKBCA.WWW") + tlv("01", "936000140000123456") + tlv("02", "000885000123456"))
        + tlv(gui_template, account)
        + tlv("52", "5499")
        + tlv("53", "360")
        + (tlv("54", amount) if amount is not None else "")
        + tlv("58", "ID")
        + tlv("59", merchant_name)
        + tlv("60", city)
        + tlv("61", postal_code)
        + "6304"
    )
    return body + qris_crc(body)


STATIC_QRIS = qris_payload()
DYNAMIC_QRIS = qris_payload(point_of_initiation="12", amount="25000")

_static = parse_qris(STATIC_QRIS)
assert _static.valid and _static.type == "static" and _static.nmid == NMID, _static.errors
_dynamic = parse_qris(DYNAMIC_QRIS)
assert _dynamic.valid and _dynamic.type == "dynamic" and _dynamic.amount == "25000", _dynamic.errors


def with_bad_crc(payload: str) -> str:
    """The same payload with its last CRC character changed: a damaged or edited code."""
    return payload[:-1] + ("0" if payload[-1] != "0" else "1")
