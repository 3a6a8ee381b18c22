"""Tables of spaces and their members."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import Base, UTCDateTime, utcnow


class SpaceRow(Base):
    __tablename__ = "spaces"
    __table_args__ = (
        Index(
            "ix_spaces_name_live",
            "name",
            unique=True,
            sqlite_where="deleted_at IS NULL",
            postgresql_where="deleted_at IS NULL",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(63))
    sharing: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    archive_path: Mapped[str | None] = mapped_column(Text, nullable=True)

    members: Mapped[list[SpaceMemberRow]] = relationship(
        back_populates="space", cascade="all, delete-orphan"
    )


class SpaceMemberRow(Base):
    __tablename__ = "space_members"

    space_id: Mapped[int] = mapped_column(
        ForeignKey("spaces.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    space: Mapped[SpaceRow] = relationship(back_populates="members")
