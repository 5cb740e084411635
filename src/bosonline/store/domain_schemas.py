"""Wire shapes of /store/domain (custom domains) and the TLS `ask` hook."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from bosonline.kit.fields import RecordId, declared
from bosonline.kit.schemas import StrictBody
from bosonline.store.domain_names import HOST_PATTERN, MAX_HOST

DomainStatus = Literal["pending", "active"]


class DomainIn(StrictBody):
    host: str = Field(
        min_length=1,
        max_length=MAX_HOST,
        json_schema_extra=declared(HOST_PATTERN),
        examples=["toko.example.com"],
        description="The host buyers will type, e.g. toko.example.com: a domain name (not an IP address, not the "
        "platform's own domain), stored lowercase and IDNA-encoded (tokó.id → xn--tok-ina.id).",
    )


class DnsRecordOut(BaseModel):
    type: Literal["CNAME", "TXT"]
    name: str = Field(description="Where to create the record (the full name).")
    value: str


class DomainOut(BaseModel):
    id: int
    host: str
    status: DomainStatus = Field(description="`pending` until POST /store/domain/{id}/verify finds the records.")
    is_default: bool = Field(description="Public links of the store use this host (PUT /store/domain/default).")
    records: list[DnsRecordOut] = Field(
        description="The DNS records to create: a CNAME of the host to the platform's target (at a zone apex, where "
        "a CNAME cannot be, A/AAAA records with the target's addresses instead), and the TXT token."
    )
    verified_at: datetime | None
    checked_at: datetime | None = Field(description="The last verification.")
    reason: str | None = Field(description="Why the last verification did not pass; null when it did or none ran.")
    created_at: datetime


class VerifyOut(DomainOut):
    verified: bool = Field(description="Whether this verification found the records (status then `active`).")
    txt_found: bool
    points_at_target: bool


class DefaultHostIn(StrictBody):
    domain_id: RecordId | None = Field(
        description="An active custom domain of the store; null: the store's platform subdomain."
    )


class DefaultHostOut(BaseModel):
    host: str | None = Field(description="The custom domain public links use; null: the platform subdomain.")
    form_url_example: str = Field(description="The link of a form with the slug `promo`, as public links now read.")


class TlsAskOut(BaseModel):
    domain: str
    allowed: Literal[True] = True
