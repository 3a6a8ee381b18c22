"""image builds with their logs; local training runs and endpoints

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

TS = sa.DateTime(timezone=True)

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "image_builds",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("space", sa.String(length=63), nullable=False),
        sa.Column("context_path", sa.String(length=1024), nullable=False),
        sa.Column("dockerfile", sa.String(length=1024), nullable=False),
        sa.Column("repository", sa.String(length=256), nullable=False),
        sa.Column("tag", sa.String(length=128), nullable=False),
        sa.Column("build_args", sa.JSON(), nullable=False),
        sa.Column("backend", sa.String(length=32), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("context_digest", sa.String(length=80), nullable=False),
        sa.Column("context_size", sa.Integer(), nullable=False),
        sa.Column("cache_key", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("phases", sa.JSON(), nullable=False),
        sa.Column("image_uri", sa.String(length=1024), nullable=True),
        sa.Column("external_id", sa.String(length=256), nullable=True),
        sa.Column("cached_from", sa.String(length=32), nullable=True),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=63), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("started_at", TS, nullable=True),
        sa.Column("ended_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_image_builds_space", "image_builds", ["space"])
    op.create_index("ix_image_builds_created_by", "image_builds", ["created_by"])
    op.create_index("ix_image_builds_cache_key_status", "image_builds", ["cache_key", "status"])
    op.create_table(
        "image_build_logs",
        sa.Column("build_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["build_id"], ["image_builds.id"]),
        sa.PrimaryKeyConstraint("build_id", "seq"),
    )
    op.create_table(
        "local_runs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("space", sa.String(length=63), nullable=False),
        sa.Column("entry_point", sa.String(length=1024), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("hyperparameters", sa.JSON(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("exit_code", sa.Integer(), nullable=True),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("model_key", sa.String(length=1024), nullable=True),
        sa.Column("model_version_id", sa.String(length=128), nullable=True),
        sa.Column("registered", sa.JSON(), nullable=True),
        sa.Column("port", sa.Integer(), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("log_key", sa.String(length=1024), nullable=True),
        sa.Column("created_by", sa.String(length=63), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("ended_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_local_runs_space", "local_runs", ["space"])
    op.create_index("ix_local_runs_created_by", "local_runs", ["created_by"])


def downgrade() -> None:
    op.drop_table("local_runs")
    op.drop_table("image_build_logs")
    op.drop_table("image_builds")
