"""Wire shapes of uploaded pictures: product images and the store's own media."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from bosonline.kit.schemas import DeletedOut


class ImageOut(BaseModel):
    id: int = Field(description="Image id: pass it in a product's `images` or a variant's `image_id`.")
    url: str = Field(
        description="The picture: `/media/<key>` on this host, or absolute when a media base URL is configured.",
        examples=["/media/s12/3f/3fa1c2d4e5f60718293a4b5c6d7e8f90.jpg"],
    )
    thumbnail_url: str = Field(
        description="A WebP thumbnail at most 300×300 px.",
        examples=["/media/s12/3f/3fa1c2d4e5f60718293a4b5c6d7e8f90_thumb.webp"],
    )
    content_type: str = Field(examples=["image/jpeg"], description="image/jpeg, image/png or image/webp.")
    width: int = Field(description="Pixels, after the EXIF orientation was applied.")
    height: int
    size_bytes: int = Field(description="Size of the stored picture (re-encoded, metadata stripped).")


class ImageDeletedOut(DeletedOut):
    pass


class StoreMediaOut(ImageOut):
    id: int = Field(description="Media id: pass it as a payment's `proof_image_id`.")
    url: str = Field(
        description="The picture: `/media/<key>` on this host, or absolute when a media base URL is configured. "
        "Use it as a follow-up template's `image`.",
        examples=["/media/s12/3f/3fa1c2d4e5f60718293a4b5c6d7e8f90.jpg"],
    )
    created_at: datetime


class StoreMediaDeletedOut(DeletedOut):
    pass
