"""Checking and re-encoding uploaded pictures with Pillow (blocking: run it in a thread).

Every upload is decoded and re-encoded in its own format. That drops all metadata (EXIF with its GPS position,
XMP, comments, text chunks) and anything smuggled after the image data, while the EXIF orientation is applied
to the pixels first so the picture still shows upright. JPEG is written at quality 90; PNG and lossless WebP stay
lossless. The ICC colour profile is kept. Animated images keep their first frame.
"""

from __future__ import annotations

import io
import os
import struct
import threading
from dataclasses import dataclass

from PIL import Image, ImageOps

# Pillow tries only these decoders: a GIF, TIFF, BMP, PSD, SVG, … is never parsed at all.
_OPEN_FORMATS = ["JPEG", "PNG", "WEBP"]
# Pillow opens multi-picture JPEGs from phone cameras as "MPO"; they are JPEGs.
_FORMAT = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

JPEG_QUALITY = 90
WEBP_QUALITY = 90
THUMB_SIZE = 300
THUMB_QUALITY = 80

# Decoding a 40-megapixel picture takes ~160 MB; at most this many are worked on at once, whatever the number of
# threads asyncio.to_thread may use, so a burst of uploads cannot run the process out of memory.
_WORKERS = threading.BoundedSemaphore(max(2, os.cpu_count() or 2))


class InvalidImage(ValueError):
    """The bytes are not an acceptable picture; the message says why, for a person."""


@dataclass(frozen=True)
class ProcessedImage:
    format: str  # JPEG | PNG | WEBP
    data: bytes  # the re-encoded picture that is stored
    width: int
    height: int
    thumbnail: bytes  # WebP, at most THUMB_SIZE × THUMB_SIZE

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


NOT_AN_IMAGE = "not a JPEG, PNG or WebP image"


def process_image(data: bytes, *, max_pixels: int) -> ProcessedImage:
    """Checks `data` by its content (declared type and filename play no part), then re-encodes it and makes its
    thumbnail. InvalidImage for anything that is not a whole JPEG, PNG or WebP of at most `max_pixels`."""
    if not data:
        raise InvalidImage("is empty")
    with _WORKERS:
        image, fmt = _decode(data, max_pixels)
        try:
            return _encode(image, fmt, lossless_webp=fmt == "WEBP" and _webp_is_lossless(data))
        finally:
            image.close()


def _decode(data: bytes, max_pixels: int) -> tuple[Image.Image, str]:
    """The fully decoded, upright image and its format, or InvalidImage.

    Untrusted bytes: any failure inside the decoder (Pillow raises OSError, SyntaxError, struct.error, ValueError,
    DecompressionBombError, …) means "not an acceptable image". Encoding is our own code and is not wrapped like
    this: a bug there must surface as a 500, not hide as a 422.
    """
    image: Image.Image | None = None
    try:
        with Image.open(io.BytesIO(data), formats=_OPEN_FORMATS) as probe:
            fmt = _FORMAT.get(probe.format or "")
            if fmt is None:
                raise InvalidImage(NOT_AN_IMAGE)
            _check_pixels(*probe.size, max_pixels=max_pixels)  # from the header, before any pixel is decoded
            probe.verify()  # structure and checksums, without decoding the pixels
        # verify() leaves the file unusable: open again to decode.
        image = Image.open(io.BytesIO(data), formats=_OPEN_FORMATS)
        _check_pixels(*image.size, max_pixels=max_pixels)
        image.load()
        ImageOps.exif_transpose(image, in_place=True)
        return image, fmt
    except InvalidImage:
        if image is not None:
            image.close()
        raise
    except Exception as exc:
        if image is not None:
            image.close()
        if isinstance(exc, Image.DecompressionBombError):  # Pillow's own cap, far above ours, hit by the header
            raise InvalidImage(f"has too many pixels; at most {max_pixels / 1e6:g} megapixels are accepted") from exc
        raise InvalidImage(NOT_AN_IMAGE) from exc


def _check_pixels(width: int, height: int, *, max_pixels: int) -> None:
    if width < 1 or height < 1:
        raise InvalidImage(NOT_AN_IMAGE)
    if width * height > max_pixels:
        raise InvalidImage(f"is {width}×{height} pixels; at most {max_pixels / 1e6:g} megapixels are accepted")


def _encode(image: Image.Image, fmt: str, *, lossless_webp: bool) -> ProcessedImage:
    out = io.BytesIO()
    if fmt == "JPEG":
        stored = _as_mode(image, image.mode if image.mode in ("RGB", "L") else "RGB")  # CMYK/YCCK → RGB
        stored.save(out, "JPEG", quality=JPEG_QUALITY, progressive=True, icc_profile=_icc(image, stored))
    elif fmt == "PNG":
        # Saved without `pnginfo` or `exif`: text chunks and eXIf are dropped; transparency and palette stay.
        image.save(out, "PNG", icc_profile=_icc(image, image))
    else:
        stored = _as_mode(image, _web_mode(image))
        options = {"lossless": True} if lossless_webp else {"quality": WEBP_QUALITY}
        stored.save(out, "WEBP", icc_profile=_icc(image, stored), **options)
    width, height = image.size
    # The thumbnail is made last and in place when the mode allows: no second full-size copy is held.
    thumb = _as_mode(image, _web_mode(image))
    thumb_icc = _icc(image, thumb)
    thumb.thumbnail((THUMB_SIZE, THUMB_SIZE), Image.Resampling.LANCZOS)
    thumb_out = io.BytesIO()
    thumb.save(thumb_out, "WEBP", quality=THUMB_QUALITY, icc_profile=thumb_icc)
    return ProcessedImage(format=fmt, data=out.getvalue(), width=width, height=height, thumbnail=thumb_out.getvalue())


def _as_mode(image: Image.Image, mode: str) -> Image.Image:
    return image if image.mode == mode else image.convert(mode)


_RGB_MODES = frozenset({"RGB", "RGBA", "P", "PA", "RGBa"})


def _icc(source: Image.Image, saved: Image.Image) -> bytes | None:
    """The source's colour profile, when it still describes the saved pixels: a CMYK or grayscale profile must
    not travel onto pixels converted to RGB."""
    icc = source.info.get("icc_profile") or None
    if icc is None:
        return None
    same_space = saved.mode == source.mode or (saved.mode in _RGB_MODES and source.mode in _RGB_MODES)
    return icc if same_space else None


def _web_mode(image: Image.Image) -> str:
    has_alpha = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info
    return "RGBA" if has_alpha else "RGB"


def _webp_is_lossless(data: bytes) -> bool:
    """Whether the WebP's image chunk is VP8L (lossless) rather than VP8 (lossy): walks the RIFF chunks."""
    offset = 12
    while offset + 8 <= len(data):
        fourcc = data[offset : offset + 4]
        (size,) = struct.unpack_from("<I", data, offset + 4)
        if fourcc == b"VP8L":
            return True
        if fourcc in (b"VP8 ", b"ANMF"):
            return False
        offset += 8 + size + (size & 1)
    return False
