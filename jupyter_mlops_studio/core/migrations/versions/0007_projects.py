"""MLOps projects

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

TS = sa.DateTime(timezone=True)

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("template", sa.String(length=128), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("space", sa.String(length=63), nullable=False),
        sa.Column("repository", sa.String(length=1024), nullable=False),
        sa.Column("model_group", sa.String(length=63), nullable=False),
        sa.Column("service_account", sa.String(length=63), nullable=False),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("archive_path", sa.String(length=1024), nullable=True),
        sa.Column("created_by", sa.String(length=63), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("deleted_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_projects_space", "projects", ["space"])
    op.create_index("ix_projects_created_by", "projects", ["created_by"])
    op.create_index(
        "ix_projects_name_live",
        "projects",
        ["name"],
        unique=True,
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("projects")
