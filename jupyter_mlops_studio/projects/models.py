"""Table of MLOps projects."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import Base, UTCDateTime, utcnow


class ProjectRow(Base):
    __tablename__ = "projects"
    __table_args__ = (
        # a name is unique among projects not deleted; deleted ones keep theirs for the record
        Index(
            "ix_projects_name_live",
            "name",
            unique=True,
            sqlite_where="deleted_at IS NULL",
            postgresql_where="deleted_at IS NULL",
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(63))
    # CreateInProgress CreateCompleted CreateFailed DeleteInProgress DeleteCompleted
    status: Mapped[str] = mapped_column(String(32))
    template: Mapped[str] = mapped_column(String(128))
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    space: Mapped[str] = mapped_column(String(63), index=True)
    repository: Mapped[str] = mapped_column(String(1024))  # server-root relative path
    model_group: Mapped[str] = mapped_column(String(63))
    service_account: Mapped[str] = mapped_column(String(63))
    failure_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    archive_path: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    created_by: Mapped[str] = mapped_column(String(63), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
