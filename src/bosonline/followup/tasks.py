"""The worker's follow-up dispatcher (being written)."""

from __future__ import annotations

from bosonline.runtime import Runtime


class FollowupJob:
    name = "followups"

    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime

    async def run_once(self) -> int:
        return 0

    async def sweep(self) -> int:
        return 0

    async def aclose(self) -> None:
        return None
