"""HTTP routes of the store's QRIS."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Query, Response

from bosonline.deps import store_service
from bosonline.errors import CommonError, error_responses
from bosonline.kit.schemas import Envelope
from bosonline.payment.qris import MAX_QRIS_AMOUNT, USUAL_QRIS_LIMIT
from bosonline.payment.schemas import QrisDeletedOut, QrisIn, QrisOut
from bosonline.payment.service import QrisService
from bosonline.permissions import Permission
from bosonline.routing import api_router

router = api_router(prefix="/store/qris", tags=["Rekening"])

Reader = Annotated[QrisService, store_service(QrisService, Permission.store_read)]
Writer = Annotated[QrisService, store_service(QrisService, Permission.bank_accounts_write)]


@router.get("", summary="QRIS")
async def get_qris(service: Reader) -> Envelope[QrisOut | None]:
    """The store's static QRIS and what it says (merchant name and city, NMID, criteria); `data` is null when the
    store has none."""
    return Envelope(data=await service.get())


@router.put("", summary="Edit QRIS")
async def save_qris(body: QrisIn, service: Writer) -> Envelope[QrisOut]:
    """Saves (or replaces) the store's STATIC QRIS: the text inside the QRIS sticker its bank or e-wallet printed
    for it (scan the sticker with any QR reader and paste the text). The payload must be an intact QRIS (CRC
    checked) and static: a dynamic code carries a fixed amount for a single payment and is refused (422). Each
    QRIS order then gets a dynamic copy with its own amount, paid to the same merchant. Owners and admins."""
    return Envelope(data=await service.save(body.payload))


@router.delete("", summary="Delete QRIS")
async def delete_qris(service: Writer) -> Envelope[QrisDeletedOut]:
    """Forgets the store's QRIS: checkout stops offering QRIS payment. 404 when the store has none. Owners and
    admins."""
    await service.delete()
    return Envelope(data=QrisDeletedOut())


@router.get(
    "/png",
    summary="Download QRIS",
    response_class=Response,
    responses={
        200: {"description": "The QR code as a PNG attachment.", "content": {"image/png": {}}},
        **error_responses(CommonError.not_found),
    },
)
async def download_qris(
    service: Reader,
    amount: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_QRIS_AMOUNT,
            description="Rupiah: a dynamic QRIS for exactly this amount instead of the static code. QRIS usually "
            f"caps one payment at Rp{USUAL_QRIS_LIMIT:,}".replace(",", ".")
            + "; the buyer's app refuses more.",
        ),
    ] = None,
) -> Response:
    """The store's QRIS as a PNG to print or send (`Content-Disposition: attachment`,
    `qris-<subdomain>.png`). With `amount`, a dynamic QRIS for that amount (`qris-<subdomain>-<amount>.png`): the
    buyer scans it and only confirms."""
    image = await service.image(amount)
    return Response(
        content=image.png,
        media_type="image/png",
        headers={
            "Content-Disposition": f"attachment; filename=\"{image.filename}\"; filename*=UTF-8''{quote(image.filename)}",
            "Cache-Control": "private, no-store",
        },
    )
