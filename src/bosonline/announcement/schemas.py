"""Wire shapes of announcements and tips: what an admin writes and reads back, what a seller reads."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, Field, StringConstraints, model_validator

from bosonline.kit.fields import MULTI_LINE, SINGLE_LINE, Moment, RecordIds
from bosonline.kit.schemas import ListMeta, RowOut, StrictBody

Kind = Literal["announcement", "tip"]
Audience = Literal["all", "stores"]
Window = Literal["scheduled", "live", "ended"]
MAX_AUDIENCE = 1000
MAX_BODY = 20_000


class AnnouncementIn(StrictBody):
    """An announcement or tip as an admin writes it (create, and replace with PUT)."""

    kind: Kind = Field(description="`announcement` (GET /store/announcements) or `tip` (GET /store/tips).")
    title: Annotated[str, StringConstraints(min_length=1, max_length=150), SINGLE_LINE]
    body: Annotated[str, StringConstraints(min_length=1, max_length=MAX_BODY), MULTI_LINE] = Field(
        description=f"Markdown, 1–{MAX_BODY:,} characters. Rendered to HTML when saved: raw HTML and images are not "
        "rendered, links only to http(s) and mailto."
    )
    starts_at: Moment | None = Field(None, description="Shown from this moment; left out: now.")
    ends_at: Moment | None = Field(None, description="Shown until this moment (after `starts_at`); left out: no end.")
    audience: Audience = Field("all", description="`all` stores, or the `stores` listed in `store_ids`.")
    store_ids: RecordIds = Field(
        default_factory=list,
        max_length=MAX_AUDIENCE,
        description=f"With audience `stores`: 1–{MAX_AUDIENCE} store ids, each once; with `all`: empty.",
    )

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.starts_at is not None and self.ends_at is not None and self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if self.audience == "stores" and not self.store_ids:
            raise ValueError("audience `stores` needs store_ids")
        if self.audience == "all" and self.store_ids:
            raise ValueError("store_ids are only for audience `stores`")
        return self


class AnnouncementAdminOut(RowOut):
    id: int
    kind: Kind
    title: str
    body_markdown: str
    body_html: str = Field(description="The body rendered to safe HTML.")
    starts_at: datetime
    ends_at: datetime | None
    audience: Audience
    store_ids: list[int]
    window: Window = Field(description="Where now stands in its publish window.")
    created_by: int
    created_at: datetime
    updated_at: datetime


class AnnouncementOut(RowOut):
    """What a store member reads."""

    id: int
    kind: Kind
    title: str
    body_html: str = Field(description="The body as safe HTML.")
    starts_at: datetime
    ends_at: datetime | None
    published_on: str = Field(description="`starts_at` in the store's time zone, e.g. `08/12/2026 09:00 WIB`.")
    read: bool = Field(description="Whether the caller has marked it read.")


class AnnouncementMeta(ListMeta):
    unread: int = Field(description="How many of those shown now the caller has not read.")


class AnnouncementList(BaseModel):
    data: list[AnnouncementOut]
    meta: AnnouncementMeta


class ReadOut(BaseModel):
    id: int
    read: bool = True
