"""registry: the JSON of each version kept whole

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BATCH = 1000


def _iso(value: dt.datetime) -> str:
    if value.tzinfo is None:  # SQLite keeps UTC without an offset
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).isoformat()


def upgrade() -> None:
    docs = op.create_table(
        "registry_version_docs",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["registry_versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("version_id"),
    )
    # The documents of the versions registered before this revision: every column of a version
    # but its ids (as this revision has them), its group's name and ISO times in UTC.
    conn = op.get_bind()
    versions = sa.Table("registry_versions", sa.MetaData(), autoload_with=conn)
    fields = [c.name for c in versions.columns if c.name not in ("id", "group_id")]
    groups = sa.table("registry_groups", sa.column("id"), sa.column("name"))
    last = 0
    while True:
        rows = conn.execute(
            sa.select(versions, groups.c.name.label("group_name"))
            .join(groups, groups.c.id == versions.c.group_id)
            .where(versions.c.id > last)
            .order_by(versions.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        batch = []
        for row in rows:
            doc = {f: getattr(row, f) for f in fields}
            doc["created_at"], doc["updated_at"] = _iso(row.created_at), _iso(row.updated_at)
            doc["group"] = row.group_name
            batch.append({"version_id": row.id, "doc": doc})
        conn.execute(docs.insert(), batch)
        last = rows[-1].id


def downgrade() -> None:
    op.drop_table("registry_version_docs")
