"""Tables of the feature store: groups, the SQL online store, the offline catalog and buffer.

The offline store's data lives in Parquet files in the artifact store;
``featurestore_offline_files`` is their catalog (a file is listed only once it is stored).
Single puts are first written to ``featurestore_offline_buffer`` in the transaction that
acknowledges them, then flushed to Parquet.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import Base, UTCDateTime, utcnow


class FeatureGroupRow(Base):
    __tablename__ = "featurestore_groups"
    __table_args__ = (
        # one live group per name; deleted (archived) groups keep their rows and data
        Index(
            "uq_featurestore_groups_live_name",
            "name",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(63))
    record_identifier: Mapped[str] = mapped_column(String(64))
    event_time: Mapped[str] = mapped_column(String(64))
    features: Mapped[list] = mapped_column(JSON)
    online: Mapped[bool] = mapped_column(Boolean)
    offline: Mapped[bool] = mapped_column(Boolean)
    ttl_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    description: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by: Mapped[str] = mapped_column(String(63))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    deleted_by: Mapped[str | None] = mapped_column(String(63), nullable=True)


class OnlineRecordRow(Base):
    """The newest record per id (SQL online store); ``deleted`` marks a soft delete."""

    __tablename__ = "featurestore_online"

    group_id: Mapped[int] = mapped_column(ForeignKey("featurestore_groups.id"), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(1024), primary_key=True)
    event_time: Mapped[float] = mapped_column(Float)
    write_time: Mapped[float] = mapped_column(Float)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    payload: Mapped[bytes] = mapped_column(LargeBinary)  # the record as JSON (orjson)


class OfflineFileRow(Base):
    __tablename__ = "featurestore_offline_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("featurestore_groups.id"), index=True)
    key: Mapped[str] = mapped_column(String(1024), unique=True)
    version_id: Mapped[str] = mapped_column(String(128))
    rows: Mapped[int] = mapped_column(Integer)
    min_event_time: Mapped[float] = mapped_column(Float)
    max_event_time: Mapped[float] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class OfflineBufferRow(Base):
    """An acknowledged single put or delete marker not yet in a Parquet file."""

    __tablename__ = "featurestore_offline_buffer"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("featurestore_groups.id"), index=True)
    payload: Mapped[bytes] = mapped_column(LargeBinary)  # record + write/invocation times, JSON
