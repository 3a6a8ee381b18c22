"""Tables of notebook snapshots, their lineages, share links and the record of link opens.

A snapshot's notebook lives in the artifact store under its content digest
(``snapshots/sha256/<hex>.ipynb``): identical content is stored once, and nothing here is ever
rewritten. Link tokens are stored only as their SHA-256.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import Base, UTCDateTime, utcnow


class LineageRow(Base):
    """The snapshots of one notebook (a space and a path) are versions 1, 2, 3 … of a lineage."""

    __tablename__ = "snapshot_lineages"
    __table_args__ = (UniqueConstraint("space_id", "path", name="uq_snapshot_lineages_space_path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"))
    path: Mapped[str] = mapped_column(String(1024))
    next_version: Mapped[int] = mapped_column(Integer, default=1)


class SnapshotRow(Base):
    __tablename__ = "snapshots"
    __table_args__ = (
        UniqueConstraint("lineage_id", "version", name="uq_snapshots_lineage_version"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    lineage_id: Mapped[int] = mapped_column(ForeignKey("snapshot_lineages.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(256))
    description: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(63), index=True)
    space: Mapped[str] = mapped_column(String(63))
    path: Mapped[str] = mapped_column(String(1024))
    kernelspec: Mapped[dict] = mapped_column(JSON, default=dict)
    git: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    with_outputs: Mapped[bool] = mapped_column(Boolean, default=False)
    from_live_document: Mapped[bool] = mapped_column(Boolean, default=False)
    content_key: Mapped[str] = mapped_column(String(1024))
    digest: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)
    cells: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ShareLinkRow(Base):
    __tablename__ = "share_links"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    snapshot_id: Mapped[str] = mapped_column(ForeignKey("snapshots.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    audience: Mapped[str] = mapped_column(String(16))  # domain | users
    users: Mapped[list] = mapped_column(JSON, default=list)
    label: Mapped[str] = mapped_column(String(256), default="")
    created_by: Mapped[str] = mapped_column(String(63), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(63), nullable=True)


class LinkOpenRow(Base):
    __tablename__ = "share_link_opens"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[str] = mapped_column(ForeignKey("share_links.id"), index=True)
    username: Mapped[str] = mapped_column(String(63))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
