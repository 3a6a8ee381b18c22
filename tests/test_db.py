"""Database: created at head, refuses other revisions, WAL and foreign keys, schema = models."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from jupyter_mlops_studio.core.db import (
    SCHEMA_REVISION,
    Database,
    Direct,
    SchemaMismatch,
    head_revision,
    utcnow,
)
from jupyter_mlops_studio.core.errors import Conflict
from jupyter_mlops_studio.core.schema import metadata
from jupyter_mlops_studio.registry.models import WebhookRow


def test_schema_revision_constant_is_the_migration_head():
    assert SCHEMA_REVISION == head_revision()


def test_new_database_is_created_at_head(studio_db_url):
    db = Database(studio_db_url)
    db.ensure_schema()
    assert db.current_revision() == head_revision()
    db.ensure_schema()  # idempotent
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    db.dispose()


def test_other_revision_is_refused_with_the_upgrade_command(studio_db_url):
    db = Database(studio_db_url)
    db.ensure_schema()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0000old'"))
    with pytest.raises(SchemaMismatch) as e:
        db.ensure_schema()
    assert "jupyter studio db upgrade" in e.value.message
    db.dispose()


def test_downgrade_and_upgrade_round_trip(studio_db_url):
    db = Database(studio_db_url)
    db.ensure_schema()
    db.downgrade("base")
    assert db.current_revision() is None
    db.upgrade()
    assert db.current_revision() == head_revision()
    db.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 's.db'}")
    db.ensure_schema()
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    db.dispose()


def test_server_refuses_to_start_on_another_revision(tmp_path, studio_db_url):
    db = Database(studio_db_url)
    db.ensure_schema()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    db.dispose()
    root = tmp_path / "root"
    root.mkdir()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"),
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            "--no-browser",
            "--allow-root",
            f"--ServerApp.root_dir={root}",
            "--port=0",
            "--ServerApp.jpserver_extensions=jupyter_mlops_studio=True",
            f"--StudioApp.db_url={studio_db_url}",
            f"--StudioApp.data_dir={tmp_path / 'd'}",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "jupyter studio db upgrade" in proc.stderr


def test_migrations_build_exactly_the_tables_of_the_models(studio_db_url):
    """No drift: the migrated schema and the models' metadata agree (Alembic's own comparison)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from jupyter_mlops_studio.core.schema import metadata

    db = Database(studio_db_url)
    db.ensure_schema()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    db.dispose()
    assert diff == []


def test_direct_statements_store_and_read_values_as_core_does(studio_db_url):
    """The registration path's driver-level statements: JSON, times and booleans go through
    the columns' own processors, and a constraint violation is a Conflict that keeps nothing."""
    db = Database(studio_db_url)
    db.ensure_schema()
    table = WebhookRow.__table__
    columns = ["url", "secret", "events", "group_name", "active", "created_by", "created_at"]
    insert = Direct.insert(table, columns, returning=["id", "events", "created_at", "active"])
    now = utcnow()
    with db.transaction(write=True) as conn:
        ((hook_id, events, created, active),) = insert.rows(
            conn, "http://127.0.0.1/h", "s", ["version_created"], None, True, "ada", now
        )
        Direct.insert(table, columns).many(
            conn, [(f"http://127.0.0.1/{i}", "s", [], "g", False, "bob", now) for i in range(3)]
        )
    assert (events, created, active) == (["version_created"], now, True)
    with db.transaction() as conn:
        rows = conn.execute(select(table).order_by(table.c.id)).all()
    assert [(r.url, r.events, r.group_name, r.active, r.created_at) for r in rows] == [
        ("http://127.0.0.1/h", ["version_created"], None, True, now),
        *[(f"http://127.0.0.1/{i}", [], "g", False, now) for i in range(3)],
    ]
    with pytest.raises(Conflict), db.transaction(write=True) as conn:
        Direct.insert(table, ["url", "secret", "created_by"]).rows(conn, "http://a", "s", "c")
        Direct.insert(table, ["id", *columns]).rows(
            conn, hook_id, "http://b", "s", [], None, True, "c", now
        )
    with db.transaction() as conn:
        assert conn.execute(select(func.count()).select_from(table)).scalar() == 4
    db.dispose()


def test_sqlite_log_is_copied_into_the_database_by_a_background_thread(tmp_path):
    """Commits do not checkpoint: a thread copies the write-ahead log into the database file
    (read here without the log, as ``immutable``), and stops when the database is disposed of."""
    path = tmp_path / "studio.db"
    db = Database(f"sqlite:///{path}")
    db.ensure_schema()
    checkpointer = db._checkpointer.thread
    assert checkpointer.is_alive()
    with db.transaction(write=True) as conn:
        conn.execute(
            text(
                "INSERT INTO domain (id, name, settings, created_at, updated_at) "
                "VALUES (7, 'copied', '{}', '2026-01-01', '2026-01-01')"
            )
        )

    def in_database_file() -> bool:
        main = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            return main.execute("SELECT count(*) FROM domain WHERE id = 7").fetchone()[0] == 1
        except sqlite3.DatabaseError:  # the schema itself may not be copied yet
            return False
        finally:
            main.close()

    deadline = time.monotonic() + 10
    while not in_database_file():
        assert time.monotonic() < deadline, "the log was not copied into the database"
        time.sleep(0.05)
    db.dispose()
    checkpointer.join(timeout=5)
    assert not checkpointer.is_alive()
