"""model registry

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

TS = sa.DateTime(timezone=True)


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_uploads",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=1024), nullable=False),
        sa.Column("digest", sa.String(length=80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=63), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "registry_webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("secret", sa.String(length=256), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("group_name", sa.String(length=63), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=63), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("deleted_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "registry_webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("next_attempt_at", TS, nullable=True),
        sa.Column("delivered_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["webhook_id"], ["registry_webhooks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("registry_webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_webhook_deliveries_state_next", ["state", "next_attempt_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_registry_webhook_deliveries_webhook_id"), ["webhook_id"], unique=False
        )

    op.create_table(
        "registry_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("project", sa.String(length=255), nullable=True),
        sa.Column("space_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("initial_status", sa.String(length=32), nullable=False),
        sa.Column("gate_failure", sa.String(length=16), nullable=False),
        sa.Column("publish_to_gallery", sa.Boolean(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("next_version", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("deleted_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["spaces.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("registry_groups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_groups_name_live",
            ["name"],
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "registry_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("status_comment", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("artifact", sa.JSON(), nullable=True),
        sa.Column("framework", sa.String(length=128), nullable=False),
        sa.Column("framework_version", sa.String(length=64), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("hyperparameters", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("customer_metadata", sa.JSON(), nullable=False),
        sa.Column("lineage", sa.JSON(), nullable=False),
        sa.Column("model_card", sa.JSON(), nullable=False),
        sa.Column("gate", sa.JSON(), nullable=False),
        sa.Column("registered_by", sa.String(length=63), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["registry_groups.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("group_id", "version", name="uq_registry_versions_group_version"),
    )
    with op.batch_alter_table("registry_versions", schema=None) as batch_op:
        batch_op.create_index("ix_registry_versions_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_registry_versions_registered_by", ["registered_by"], unique=False)
        batch_op.create_index("ix_registry_versions_status", ["status"], unique=False)

    op.create_table(
        "registry_aliases",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=63), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["registry_groups.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["registry_versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("group_id", "alias"),
    )
    with op.batch_alter_table("registry_aliases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_aliases_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "registry_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=63), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=32), nullable=True),
        sa.Column("to_status", sa.String(length=32), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["registry_versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("registry_audit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_registry_audit_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "registry_version_metrics",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["registry_versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("version_id", "name"),
    )
    with op.batch_alter_table("registry_version_metrics", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_version_metrics_name_value", ["name", "value", "version_id"], unique=False
        )

    op.create_table(
        "registry_version_tags",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("value", sa.String(length=256), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["registry_versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("version_id", "key"),
    )
    with op.batch_alter_table("registry_version_tags", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registry_version_tags_key_value", ["key", "value", "version_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("registry_version_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_version_tags_key_value")

    op.drop_table("registry_version_tags")
    with op.batch_alter_table("registry_version_metrics", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_version_metrics_name_value")

    op.drop_table("registry_version_metrics")
    with op.batch_alter_table("registry_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_audit_version_id"))

    op.drop_table("registry_audit")
    with op.batch_alter_table("registry_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_aliases_version_id"))

    op.drop_table("registry_aliases")
    with op.batch_alter_table("registry_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_versions_status")
        batch_op.drop_index("ix_registry_versions_registered_by")
        batch_op.drop_index("ix_registry_versions_created_at")

    op.drop_table("registry_versions")
    with op.batch_alter_table("registry_groups", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_registry_groups_name_live",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    op.drop_table("registry_groups")
    with op.batch_alter_table("registry_webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registry_webhook_deliveries_webhook_id"))
        batch_op.drop_index("ix_registry_webhook_deliveries_state_next")

    op.drop_table("registry_webhook_deliveries")
    op.drop_table("registry_webhooks")
    op.drop_table("registry_uploads")
