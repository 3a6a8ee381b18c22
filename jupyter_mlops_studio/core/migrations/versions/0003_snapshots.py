"""notebook snapshots and share links

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

TS = sa.DateTime(timezone=True)

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "snapshot_lineages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=1024), nullable=False),
        sa.Column("next_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["space_id"], ["spaces.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("space_id", "path", name="uq_snapshot_lineages_space_path"),
    )
    op.create_table(
        "snapshots",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("lineage_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=256), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=63), nullable=False),
        sa.Column("space", sa.String(length=63), nullable=False),
        sa.Column("path", sa.String(length=1024), nullable=False),
        sa.Column("kernelspec", sa.JSON(), nullable=False),
        sa.Column("git", sa.JSON(), nullable=True),
        sa.Column("with_outputs", sa.Boolean(), nullable=False),
        sa.Column("from_live_document", sa.Boolean(), nullable=False),
        sa.Column("content_key", sa.String(length=1024), nullable=False),
        sa.Column("digest", sa.String(length=80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("cells", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["lineage_id"], ["snapshot_lineages.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lineage_id", "version", name="uq_snapshots_lineage_version"),
    )
    op.create_index("ix_snapshots_lineage_id", "snapshots", ["lineage_id"])
    op.create_index("ix_snapshots_author", "snapshots", ["author"])
    op.create_table(
        "share_links",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("snapshot_id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("users", sa.JSON(), nullable=False),
        sa.Column("label", sa.String(length=256), nullable=False),
        sa.Column("created_by", sa.String(length=63), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=True),
        sa.Column("revoked_at", TS, nullable=True),
        sa.Column("revoked_by", sa.String(length=63), nullable=True),
        sa.ForeignKeyConstraint(["snapshot_id"], ["snapshots.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_share_links_snapshot_id", "share_links", ["snapshot_id"])
    op.create_index("ix_share_links_created_by", "share_links", ["created_by"])
    op.create_table(
        "share_link_opens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=63), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.ForeignKeyConstraint(["link_id"], ["share_links.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_share_link_opens_link_id", "share_link_opens", ["link_id"])


def downgrade() -> None:
    op.drop_table("share_link_opens")
    op.drop_table("share_links")
    op.drop_table("snapshots")
    op.drop_table("snapshot_lineages")
