"""Real pictures made with Pillow, and the upload call the tests share."""

from __future__ import annotations

import io
import random
import struct
import zlib
from pathlib import Path
from typing import Any

import httpx
from PIL import ExifTags, Image

from bosonline.kit.storage import media_root
from bosonline.runtime import Runtime

# A photo taken somewhere in Jakarta: the GPS position a phone writes into a JPEG.
JAKARTA_GPS = {
    ExifTags.GPS.GPSLatitudeRef: "S",
    ExifTags.GPS.GPSLatitude: (6.0, 10.0, 30.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (106.0, 49.0, 0.0),
}


def picture(mode: str = "RGB", size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A picture with some structure (a gradient and two blocks), so that encoders have real work to do."""
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert(mode)
    left = Image.new(mode, (max(1, width // 2), height), _colour(mode, (220, 30, 30)))
    image.paste(left, (0, 0))
    return image


def _colour(mode: str, rgb: tuple[int, int, int]) -> Any:
    return Image.new("RGB", (1, 1), rgb).convert(mode).getpixel((0, 0))


def encode(image: Image.Image, fmt: str, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def jpeg(size: tuple[int, int] = (640, 480), **options: Any) -> bytes:
    return encode(picture("RGB", size), "JPEG", quality=90, **options)


def png(size: tuple[int, int] = (640, 480), mode: str = "RGBA", **options: Any) -> bytes:
    return encode(picture(mode, size), "PNG", **options)


def webp(size: tuple[int, int] = (640, 480), **options: Any) -> bytes:
    return encode(picture("RGB", size), "WEBP", **options)


def photo_1mb() -> bytes:
    """A 2400×1800 JPEG of about 1 MB with photo-like detail (smoothed noise), the same bytes every run."""
    noise = Image.frombytes("RGB", (300, 225), random.Random(7).randbytes(300 * 225 * 3)).resize((2400, 1800))
    return encode(noise, "JPEG", quality=80)


def gif(size: tuple[int, int] = (64, 48)) -> bytes:
    return encode(picture("RGB", size).convert("P"), "GIF")


def exif_jpeg(*, orientation: int, size: tuple[int, int] = (200, 100)) -> bytes:
    """Left half red, right half blue, stored sideways with an EXIF orientation and a GPS position."""
    width, height = size
    image = Image.new("RGB", size, (20, 40, 230))
    image.paste(Image.new("RGB", (width // 2, height), (230, 20, 20)), (0, 0))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "SellerPhone"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(JAKARTA_GPS)
    return encode(image, "JPEG", quality=95, exif=exif)


def png_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A tiny file whose header claims an enormous RGB picture (a decompression bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (1 + 3 * 64) * 64, 9)  # far fewer rows than claimed
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    data: bytes,
    *,
    filename: str = "produk.jpg",
    content_type: str = "image/jpeg",
) -> httpx.Response:
    return await client.post("/store/product/image", files={"file": (filename, data, content_type)}, headers=headers)


async def uploaded(client: httpx.AsyncClient, headers: dict[str, str], data: bytes | None = None) -> dict[str, Any]:
    response = await upload(client, headers, data if data is not None else jpeg())
    assert response.status_code == 201, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


def key_of(url: str) -> str:
    return url.split("/media/", 1)[1]


def stored_file(rt: Runtime, url: str) -> Path:
    return media_root(rt.settings) / key_of(url)


def open_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
