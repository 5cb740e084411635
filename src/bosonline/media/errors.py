"""Error codes of media: uploaded images and the store's own media."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class MediaError(ErrorCode):
    image_not_found = "image_not_found", 404, "An image id is not an upload of this store"
    image_exists = "image_exists", 409, "This image is already stored"
    image_in_use = "image_in_use", 409, "A product or a variant uses this image: remove it there first"
    media_limit_reached = "media_limit_reached", 409, "The store's media library is full: delete pictures first"
    media_in_use = "media_in_use", 409, "A payment proof or a follow-up template uses this picture"
