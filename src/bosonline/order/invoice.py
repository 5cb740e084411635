"""Printable invoices and packing slips (PDF, A4 portrait, one page per order): plain data in, bytes out.

Pure and synchronous (no database, no clock): callers run it in a worker thread, it is CPU work.

fpdf2's core fonts (Helvetica) only know Latin-1, and a PDF with an embedded Unicode font would be ~10× larger
for every page; buyers' names and addresses are Indonesian Latin text almost always. So every text goes through
`latin1()`: Latin-1 letters stay (é, ñ, ü), other accented letters lose the accent (ł → l, ő → o),
typographic punctuation gets its ASCII twin, invisible characters (zero-width joiners, emoji variation
selectors) go, and what has no Latin-1 form at all (emoji, non-Latin scripts) becomes one "?" per run.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from bosonline.order.schemas import MoneyOut, OrderItemOut

InvoiceKind = Literal["invoice", "packing_slip"]

_DRAWN_AS = {  # what Latin-1 lacks, drawn as this text instead
    "-": "\u2010\u2011\u2012\u2013\u2014\u2015\u2212",  # hyphens, dashes, minus
    "'": "\u2018\u2019\u201a\u201b\u2032",
    '"': "\u201c\u201d\u201e\u201f\u2033",
    " ": "\t\u2002\u2003\u2009\u202f",
    "": "\r",
    "...": "\u2026",
    "*": "\u2022",
    "EUR": "\u20ac",
    "TM": "\u2122",
    # Latin letters without a decomposition to a Latin-1 base letter
    "L": "\u0141",
    "l": "\u0142",
    "D": "\u0110",
    "d": "\u0111",
    "i": "\u0131",
    "OE": "\u0152",
    "oe": "\u0153",
    "H": "\u0126",
    "h": "\u0127",
    "T": "\u0166",
    "t": "\u0167",
    "N": "\u014a",
    "n": "\u014b",
}
_PUNCTUATION = {ch: text for text, chars in _DRAWN_AS.items() for ch in chars}
_UNKNOWN_RUN = re.compile(r"\?(?:\s*\?)+")
_DRAWABLE = re.compile(r"[\n\x20-\x7e\xa0-\xff]*")


def latin1(text: str | None) -> str:
    """`text` as Helvetica can draw it (see the module's docstring). Newlines are kept."""
    if not text:
        return ""
    if _DRAWABLE.fullmatch(text):
        return text
    out = []
    text = unicodedata.normalize("NFC", text)  # e + combining acute → é, which Latin-1 has
    for ch in text:
        if ch in _PUNCTUATION:
            out.append(_PUNCTUATION[ch])
        elif ch == "\n" or 0x20 <= ord(ch) <= 0x7E or 0xA0 <= ord(ch) <= 0xFF:
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cf", "Mn", "Me", "Zl", "Zp", "Cs", "Co", "Cn"):
            continue  # controls, zero-width joiners, variation selectors, combining marks
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", ch) if ord(c) <= 0xFF and not unicodedata.combining(c)
            )
            out.append(base if base.strip() else "?")
    return _UNKNOWN_RUN.sub("?", "".join(out))


@dataclass(frozen=True)
class InvoiceStore:
    name: str
    phone: str | None  # as people dial it (08…)
    timezone: str


InvoiceLine = OrderItemOut  # a line as the buyer sees it


class InvoiceOrder(BaseModel):
    model_config = ConfigDict(frozen=True)

    number: str
    created_at: datetime  # aware
    customer_name: str
    customer_phone: str | None
    address: str | None
    region_name: str
    postal_code: str | None
    notes: str | None
    lines: Sequence[InvoiceLine]
    money: MoneyOut
    other_fee_name: str | None
    voucher_code: str | None
    payment_method: str
    payment_label: str
    payment_status: str
    courier: str | None  # the courier's name
    courier_service: str | None
    awb: str | None
    weight_g: int
    handler_name: str | None

    @property
    def cod(self) -> bool:
        return self.payment_method == "cod"


PAYMENT_STATUS_LABEL = {
    "unpaid": "Belum dibayar",
    "paid": "Lunas",
    "conflict": "Selisih pembayaran (dicek)",
    "settled": "Lunas (settled)",
}
TITLE = {"invoice": "INVOICE", "packing_slip": "PACKING SLIP"}


def local_time(moment: datetime, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local:%d/%m/%Y %H:%M} {local.tzname() or ''}".strip()


def weight_text(grams: int) -> str:
    if grams < 1000:
        return f"{grams} g"
    return f"{grams / 1000:.2f}".rstrip("0").rstrip(".").replace(".", ",") + " kg"
