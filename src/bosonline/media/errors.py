"""Error codes of media: uploaded images."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class MediaError(ErrorCode):
    image_not_found = "image_not_found", 404, "An image id is not an upload of this store"
    image_exists = "image_exists", 409, "This image is already stored"
    image_in_use = "image_in_use", 409, "A product or a variant uses this image: remove it there first"
