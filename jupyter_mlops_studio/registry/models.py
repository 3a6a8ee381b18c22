"""Tables of the model registry.

Metrics and tags are also kept in narrow indexed tables (``registry_version_metrics``,
``registry_version_tags``) so that searches are index lookups, not JSON scans, and the JSON of
each version is kept whole in ``registry_version_docs`` so that a page is read as one document
per version instead of being assembled from a dozen columns.
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
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import Base, UTCDateTime, utcnow


class GroupRow(Base):
    __tablename__ = "registry_groups"
    __table_args__ = (
        Index(
            "ix_registry_groups_name_live",
            "name",
            unique=True,
            sqlite_where="deleted_at IS NULL",
            postgresql_where="deleted_at IS NULL",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(63))
    description: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[dict] = mapped_column(JSON, default=dict)
    project: Mapped[str | None] = mapped_column(String(255), nullable=True)
    space_id: Mapped[int | None] = mapped_column(ForeignKey("spaces.id"), nullable=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    initial_status: Mapped[str] = mapped_column(String(32), default="PendingManualApproval")
    gate_failure: Mapped[str] = mapped_column(String(16), default="refuse")
    publish_to_gallery: Mapped[bool] = mapped_column(Boolean, default=False)
    rules: Mapped[list] = mapped_column(JSON, default=list)
    next_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class VersionRow(Base):
    __tablename__ = "registry_versions"
    __table_args__ = (
        UniqueConstraint("group_id", "version", name="uq_registry_versions_group_version"),
        Index("ix_registry_versions_status", "status"),
        Index("ix_registry_versions_created_at", "created_at"),
        Index("ix_registry_versions_registered_by", "registered_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("registry_groups.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32))
    status_comment: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    artifact: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    framework: Mapped[str] = mapped_column(String(128), default="")
    framework_version: Mapped[str] = mapped_column(String(64), default="")
    metrics: Mapped[dict] = mapped_column(JSON, default=dict)
    hyperparameters: Mapped[dict] = mapped_column(JSON, default=dict)
    tags: Mapped[dict] = mapped_column(JSON, default=dict)
    customer_metadata: Mapped[dict] = mapped_column(JSON, default=dict)
    lineage: Mapped[dict] = mapped_column(JSON, default=dict)
    model_card: Mapped[dict] = mapped_column(JSON, default=dict)
    gate: Mapped[dict] = mapped_column(JSON, default=dict)
    registered_by: Mapped[str] = mapped_column(String(63))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class VersionDocRow(Base):
    """The JSON of a version as the API returns it, without its aliases (they move on their own
    and are joined when read). Written with the version and rewritten in the transaction of every
    change of it."""

    __tablename__ = "registry_version_docs"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("registry_versions.id", ondelete="CASCADE"), primary_key=True
    )
    doc: Mapped[dict] = mapped_column(JSON)


class VersionMetricRow(Base):
    __tablename__ = "registry_version_metrics"
    __table_args__ = (
        Index("ix_registry_version_metrics_name_value", "name", "value", "version_id"),
    )

    version_id: Mapped[int] = mapped_column(
        ForeignKey("registry_versions.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[float] = mapped_column(Float)


class VersionTagRow(Base):
    __tablename__ = "registry_version_tags"
    __table_args__ = (Index("ix_registry_version_tags_key_value", "key", "value", "version_id"),)

    version_id: Mapped[int] = mapped_column(
        ForeignKey("registry_versions.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))


class AliasRow(Base):
    __tablename__ = "registry_aliases"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("registry_groups.id", ondelete="CASCADE"), primary_key=True
    )
    alias: Mapped[str] = mapped_column(String(63), primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("registry_versions.id", ondelete="CASCADE"), index=True
    )


class AuditRow(Base):
    __tablename__ = "registry_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("registry_versions.id", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(String(63))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    to_status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")


class UploadRow(Base):
    __tablename__ = "registry_uploads"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(1024))
    digest: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(63))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookRow(Base):
    __tablename__ = "registry_webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(String(256))
    events: Mapped[list] = mapped_column(JSON, default=list)
    group_name: Mapped[str | None] = mapped_column(String(63), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(63))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DeliveryRow(Base):
    __tablename__ = "registry_webhook_deliveries"
    __table_args__ = (
        Index("ix_registry_webhook_deliveries_state_next", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(
        ForeignKey("registry_webhooks.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending|delivered|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
