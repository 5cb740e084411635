"""The pure QRIS functions checkout calls: dynamic_qris (amount into a static code) and qris_png (the image)."""

from __future__ import annotations

import io

import pytest
import segno
from lokal import parse_qris, qris_crc
from PIL import Image

from bosonline.payment.qris import MAX_QRIS_AMOUNT, QR_BORDER, dynamic_qris, qris_png, static_qris_info
from tests.payment.helpers import DYNAMIC_QRIS, NMID, STATIC_QRIS, qris_payload, with_bad_crc


@pytest.mark.parametrize("amount", [1, 25_000, 10_000_000, 123_456_789, MAX_QRIS_AMOUNT])
def test_dynamic_qris_carries_the_amount(amount: int) -> None:
    payload = dynamic_qris(STATIC_QRIS, amount)
    info = parse_qris(payload)
    assert info.valid, info.errors
    assert info.type == "dynamic"
    assert info.amount == str(amount)
    assert f"54{len(str(amount)):02d}{amount}" in payload
    assert payload[-8:-4] == "6304" and payload[-4:] == qris_crc(payload[:-4])
    # Paid to the same merchant: every other field is kept.
    static = parse_qris(STATIC_QRIS)
    assert (info.nmid, info.merchant_name, info.merchant_city, info.mcc, info.currency) == (
        NMID,
        static.merchant_name,
        static.merchant_city,
        static.mcc,
        static.currency,
    )
    assert [(a.gui, a.pan, a.merchant_id) for a in info.accounts] == [
        (a.gui, a.pan, a.merchant_id) for a in static.accounts
    ]
    assert dynamic_qris(STATIC_QRIS, amount) == payload  # deterministic


@pytest.mark.parametrize("amount", [0, -1, MAX_QRIS_AMOUNT + 1, 10**15])
def test_dynamic_qris_refuses_amounts_out_of_range(amount: int) -> None:
    with pytest.raises(ValueError, match="amount"):
        dynamic_qris(STATIC_QRIS, amount)


@pytest.mark.parametrize("amount", [1.5, "25000", True, None])
def test_dynamic_qris_takes_whole_rupiah_only(amount: object) -> None:
    with pytest.raises(TypeError):
        dynamic_qris(STATIC_QRIS, amount)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "payload",
    [with_bad_crc(STATIC_QRIS), DYNAMIC_QRIS, "hello", "", STATIC_QRIS[:-10], "0" * 600],
)
def test_dynamic_qris_refuses_what_is_not_a_valid_static_qris(payload: str) -> None:
    with pytest.raises(ValueError):
        dynamic_qris(payload, 10_000)


def test_static_qris_info_explains() -> None:
    assert static_qris_info(STATIC_QRIS).nmid == NMID
    with pytest.raises(ValueError, match="dynamic QRIS.*Rp25000"):
        static_qris_info(DYNAMIC_QRIS)
    with pytest.raises(ValueError, match="CRC"):
        static_qris_info(with_bad_crc(STATIC_QRIS))
    with pytest.raises(ValueError, match="too long"):
        static_qris_info(STATIC_QRIS + "0" * 400)
    with pytest.raises(ValueError, match="not a valid QRIS"):
        static_qris_info("https://example.com/bayar")
    # Tag 01 neither 11 nor 12: parse_qris only warns; a store cannot save it.
    with pytest.raises(ValueError, match="neither"):
        static_qris_info(qris_payload(point_of_initiation="13"))


def _modules(png: bytes, scale: int) -> list[list[bool]]:
    """The dark/light modules read back from the image, sampled at each module's centre."""
    image = Image.open(io.BytesIO(png)).convert("L")
    size = image.size[0] // scale
    return [
        [image.getpixel((x * scale + scale // 2, y * scale + scale // 2)) < 128 for x in range(size)]
        for y in range(size)
    ]


@pytest.mark.parametrize("scale", [1, 3, 8])
def test_png_is_the_payloads_qr_code(scale: int) -> None:
    payload = dynamic_qris(STATIC_QRIS, 150_000)
    png = qris_png(payload, scale=scale)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG"
    width, height = image.size
    assert width == height
    expected = segno.make(payload, error="m", micro=False)
    assert expected.designator.endswith(("-M", "-Q", "-H"))  # at least level M (segno may raise it for free)
    assert width == (expected.symbol_size(scale=1, border=0)[0] + 2 * QR_BORDER) * scale
    matrix = [[bool(bit) for bit in row] for row in expected.matrix]
    quiet = [False] * QR_BORDER
    framed = [[False] * (len(matrix) + 2 * QR_BORDER) for _ in range(QR_BORDER)]
    framed = framed + [quiet + row + quiet for row in matrix] + framed
    assert _modules(png, scale) == framed


def test_png_is_deterministic_and_differs_per_payload() -> None:
    assert qris_png(STATIC_QRIS) == qris_png(STATIC_QRIS)
    assert qris_png(STATIC_QRIS) != qris_png(dynamic_qris(STATIC_QRIS, 1))
    small, large = qris_png(STATIC_QRIS, scale=2), qris_png(STATIC_QRIS, scale=10)
    assert Image.open(io.BytesIO(large)).size[0] == 5 * Image.open(io.BytesIO(small)).size[0]


@pytest.mark.parametrize("scale", [0, -1, 41])
def test_png_scale_bounds(scale: int) -> None:
    with pytest.raises(ValueError, match="scale"):
        qris_png(STATIC_QRIS, scale=scale)
