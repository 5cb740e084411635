"""HTTP routes of follow-ups per order (the seed's Order → Follow up) and their results."""

from __future__ import annotations

from bosonline.routing import api_router

router = api_router(tags=["Follow-up"])
