"""feature store: groups, SQL online store, offline catalog and buffer

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

TS = sa.DateTime(timezone=True)

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "featurestore_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("record_identifier", sa.String(length=64), nullable=False),
        sa.Column("event_time", sa.String(length=64), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("offline", sa.Boolean(), nullable=False),
        sa.Column("ttl_seconds", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=63), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("deleted_at", TS, nullable=True),
        sa.Column("deleted_by", sa.String(length=63), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "uq_featurestore_groups_live_name",
        "featurestore_groups",
        ["name"],
        unique=True,
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_table(
        "featurestore_online",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=1024), nullable=False),
        sa.Column("event_time", sa.Float(), nullable=False),
        sa.Column("write_time", sa.Float(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["featurestore_groups.id"]),
        sa.PrimaryKeyConstraint("group_id", "record_id"),
    )
    op.create_table(
        "featurestore_offline_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=1024), nullable=False),
        sa.Column("version_id", sa.String(length=128), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("min_event_time", sa.Float(), nullable=False),
        sa.Column("max_event_time", sa.Float(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["featurestore_groups.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index(
        "ix_featurestore_offline_files_group_id", "featurestore_offline_files", ["group_id"]
    )
    op.create_table(
        "featurestore_offline_buffer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["featurestore_groups.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_featurestore_offline_buffer_group_id", "featurestore_offline_buffer", ["group_id"]
    )


def downgrade() -> None:
    op.drop_table("featurestore_offline_buffer")
    op.drop_table("featurestore_offline_files")
    op.drop_table("featurestore_online")
    op.drop_index("uq_featurestore_groups_live_name", table_name="featurestore_groups")
    op.drop_table("featurestore_groups")
