"""Fixed-window request counters (public endpoints, per client IP), shared by every process through the database
(when no Redis is configured, or while it does not answer: kit/ratelimit.py). UNLOGGED on PostgreSQL (migration
0013): a crash empties it, which only forgets counts."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bosonline.models.base import Base


class RateLimitWindow(Base):
    __tablename__ = "rate_limit_windows"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)  # "<bucket>:<client_key(ip)>"
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # unix seconds
    hits: Mapped[int] = mapped_column(Integer, default=0)
