"""Wire shapes of the store's QRIS."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, field_validator

from bosonline.kit.fields import SINGLE_LINE
from bosonline.kit.lokal_id import parse_qris
from bosonline.kit.schemas import StrictBody
from bosonline.payment.qris import MAX_PAYLOAD_CHARS, static_qris_info

EXAMPLE_PAYLOAD = (
    "00020101021126620017ID.CO.BANKBCA.WWW0118936000140000123456021500088500012345651440014ID.CO.QRIS.WWW"
    "0215ID10200211817450303UMI5204549953033605802ID5911TOKO BERKAH6005DEPOK6105164316304D21B"
)
QrisPayload = Annotated[str, Field(min_length=1, max_length=MAX_PAYLOAD_CHARS), SINGLE_LINE]


class QrisIn(StrictBody):
    payload: QrisPayload = Field(
        description="The text inside the store's printed (static) QRIS sticker, as a QR reader shows it: it "
        "starts with `000201` (usually `000201010211`) and ends with `6304` and a 4-character CRC. At most "
        f"{MAX_PAYLOAD_CHARS} characters. A dynamic QRIS (one with an amount) is refused.",
        examples=[EXAMPLE_PAYLOAD],
    )

    @field_validator("payload")
    @classmethod
    def _static_qris(cls, value: str) -> str:
        static_qris_info(value)
        return value


class QrisOut(BaseModel):
    payload: str = Field(description="The static QRIS payload.")
    merchant_name: str | None = Field(description="Tag 59, as the buyer's app shows it.")
    merchant_city: str | None = Field(description="Tag 60.")
    nmid: str | None = Field(description='National Merchant ID (tag 51), e.g. "ID1020021181745".')
    criteria: str | None = Field(description="Merchant criteria: UMI (micro), UKE (small), UME (medium), UBE (large).")

    @classmethod
    def of(cls, payload: str) -> QrisOut:
        info = parse_qris(payload)
        return cls(
            payload=payload,
            merchant_name=info.merchant_name,
            merchant_city=info.merchant_city,
            nmid=info.nmid,
            criteria=info.criteria,
        )


class QrisDeletedOut(BaseModel):
    deleted: bool = True
