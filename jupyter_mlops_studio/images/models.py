"""Tables of image builds and their log lines."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import Base, UTCDateTime, utcnow


class BuildRow(Base):
    __tablename__ = "image_builds"
    __table_args__ = (Index("ix_image_builds_cache_key_status", "cache_key", "status"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    space: Mapped[str] = mapped_column(String(63), index=True)
    context_path: Mapped[str] = mapped_column(String(1024))
    dockerfile: Mapped[str] = mapped_column(String(1024))
    repository: Mapped[str] = mapped_column(String(256))
    tag: Mapped[str] = mapped_column(String(128))
    build_args: Mapped[dict] = mapped_column(JSON, default=dict)
    backend: Mapped[str] = mapped_column(String(32))
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    context_digest: Mapped[str] = mapped_column(String(80))
    context_size: Mapped[int] = mapped_column(Integer, default=0)
    cache_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # Queued InProgress Succeeded Failed Stopped
    phases: Mapped[list] = mapped_column(JSON, default=list)
    image_uri: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    external_id: Mapped[str | None] = mapped_column(String(256), nullable=True)
    cached_from: Mapped[str | None] = mapped_column(String(32), nullable=True)
    failure_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str] = mapped_column(String(63), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class BuildLogRow(Base):
    """One line of a build's log, numbered from 1 per build (what a stream resumes from)."""

    __tablename__ = "image_build_logs"

    build_id: Mapped[str] = mapped_column(ForeignKey("image_builds.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))  # line | phase | status
    text: Mapped[str] = mapped_column(Text)
