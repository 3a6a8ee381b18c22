"""Database: engine, managed sessions, schema-revision check (Alembic from the start)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import threading
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import orjson
from sqlalchemy import Column, DateTime, Table, create_engine, event, inspect, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from .errors import Conflict, StudioError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
UPGRADE_COMMAND = "jupyter studio db upgrade"
#: the Alembic head this version runs on (a test checks it against the migration scripts, so
#: that a server start needs no Alembic import unless it migrates)
SCHEMA_REVISION = "0007"

log = logging.getLogger(__name__)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class _SQLiteDateTime(sqlite.DATETIME):
    """SQLite's DATETIME read with the C ``fromisoformat`` instead of a regular expression.

    Same storage format (``2026-11-28 13:44:20.123456``); reading a page of versions spent more
    time parsing their times than running the query.
    """

    def result_processor(self, dialect, coltype):
        parse = dt.datetime.fromisoformat
        return lambda value: parse(value) if value is not None else None


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_SQLiteDateTime())
        return dialect.type_descriptor(self.impl)

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value


class Base(DeclarativeBase):
    """Declarative base shared by every capability's models (one metadata, one migration chain)."""


class SchemaMismatch(StudioError):
    """The database is at another revision than this version of the studio expects."""

    status = 500
    reason = "schema-mismatch"


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The head of the migration scripts (imports Alembic)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = script.get_current_head()
    assert head is not None
    return head


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=FULL")  # a commit survives power loss, not only a crash
    # reads: pages mapped from the OS cache (no read() copies) and a 32 MiB page cache
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.execute("PRAGMA cache_size=-32768")
    # the log is copied into the database by a background thread (_Checkpointer); a committing
    # connection does it itself only when the log passes 20,000 pages (80 MB)
    cursor.execute("PRAGMA wal_autocheckpoint=20000")
    cursor.close()


def _sqlite_connect(dbapi_connection, record) -> None:
    # let SQLAlchemy emit BEGIN itself (pysqlite's own transaction handling defers it), so that
    # write transactions can start with BEGIN IMMEDIATE and never fail to upgrade a read lock
    dbapi_connection.isolation_level = None
    _sqlite_pragmas(dbapi_connection, record)


def _sqlite_begin(conn) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    # on the driver's connection: through Core, BEGIN cost a statement's overhead (~70 µs)
    conn.connection.dbapi_connection.execute(f"BEGIN {mode}")


def _json_dumps(value) -> str:
    """JSON columns are written by orjson (several times faster than json), json as fallback."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # integers beyond 64 bits, subclasses orjson refuses
        return json.dumps(value)


def make_engine(url: str) -> Engine:
    codec = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **codec
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_pre_ping=True, **codec)
    return engine


class Direct:
    """A statement run straight on the DBAPI cursor of a Core connection's transaction.

    For hot write paths only: Core spends about 70 µs per execution (cache key, execution
    context, result wrapping) where the driver needs a few. Values still pass through their
    columns' own bind and result processors, so they are stored and read exactly as through
    Core, and driver errors are wrapped as Core wraps them (``IntegrityError`` …).

    ``sql`` marks each parameter with ``{}``; ``params`` are the columns they are bound as and
    ``returns`` the columns of the rows the statement returns, in order.
    """

    def __init__(self, sql: str, params: Sequence[Column], returns: Sequence[Column] = ()):
        self.sql, self.params, self.returns = sql, tuple(params), tuple(returns)
        self._prepared: dict = {}  # per dialect: its SQL text, bind and result processors

    @classmethod
    def insert(cls, table: Table, columns: Sequence[str], returning: Sequence[str] = ()):
        cols = [table.c[name] for name in columns]
        returns = [table.c[name] for name in returning]
        names, marks = ", ".join(c.name for c in cols), ", ".join("{}" for _ in cols)
        sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
        if returns:
            sql += " RETURNING " + ", ".join(c.name for c in returns)
        return cls(sql, cols, returns)

    def _for(self, dialect) -> tuple:
        prepared = self._prepared.get(dialect)
        if prepared is None:
            mark = {"qmark": "?", "format": "%s", "pyformat": "%s"}[dialect.paramstyle]
            binders = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in self.params]
            readers = [
                c.type.dialect_impl(dialect).result_processor(dialect, None) for c in self.returns
            ]
            prepared = self.sql.format(*[mark] * len(self.params)), binders, readers
            self._prepared[dialect] = prepared
        return prepared

    def _bind(self, binders, values: Sequence) -> tuple:
        return tuple(v if b is None else b(v) for b, v in zip(binders, values, strict=True))

    def _run(self, conn: Connection, many: bool, values):
        sql, binders, readers = self._for(conn.dialect)
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            if many:
                cursor.executemany(sql, [self._bind(binders, row) for row in values])
                return []
            cursor.execute(sql, self._bind(binders, values))
            rows = cursor.fetchall() if readers else []
        except conn.dialect.loaded_dbapi.Error as e:
            raise DBAPIError.instance(sql, values, e, conn.dialect.loaded_dbapi.Error) from e
        finally:
            cursor.close()
        return [
            tuple(v if r is None else r(v) for r, v in zip(readers, row, strict=True))
            for row in rows
        ]

    def rows(self, conn: Connection, *values) -> list[tuple]:
        """Run once with ``values``; the rows it returns, processed."""
        return self._run(conn, False, values)

    def many(self, conn: Connection, rows: Iterable[Sequence]) -> None:
        """Run once per row of values (the driver's executemany)."""
        self._run(conn, True, rows)


class _Checkpointer:
    """Copies an SQLite database's write-ahead log into the database file in a thread of its
    own, a few times a second, so that commits do not: a checkpoint run by a committing
    connection (SQLite's default) made that commit wait for it, and the later in a large load,
    the longer (100,000 registrations: the last thousand at 923/s, with this thread 1,160/s).

    ``PASSIVE`` checkpoints never wait for readers or writers. The thread ends when the
    :class:`Database` is disposed of or collected.
    """

    INTERVAL = 0.2

    def __init__(self, path: str):
        self._stop = threading.Event()
        # opened read-write, never created: the thread waits for the database's first writer
        uri = f"{Path(path).absolute().as_uri()}?mode=rw"
        self.thread = threading.Thread(
            target=self._run, args=(uri, self._stop), name="studio-db-checkpoint", daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        self._stop.set()

    @staticmethod
    def _run(uri: str, stop: threading.Event) -> None:
        conn = None
        try:
            while not stop.wait(_Checkpointer.INTERVAL):
                try:
                    if conn is None:
                        conn = sqlite3.connect(uri, uri=True)
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as e:
                    log.debug("checkpoint of %s: %s", uri, e)
        finally:
            if conn is not None:
                conn.close()


class Database:
    """Owns the engine and hands out managed sessions.

    ``session()`` commits on success, rolls back on error and translates integrity errors into
    :class:`Conflict` — the one place where database errors become studio errors.
    """

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self._sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        path = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        self._checkpointer: _Checkpointer | None = None
        if path and path != ":memory:" and not path.startswith("file:"):
            self._checkpointer = _Checkpointer(path)
            weakref.finalize(self, self._checkpointer.stop)

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """A managed session; ``write=True`` takes SQLite's write lock at the start.

        Use it for read-then-write transactions (counters, uniqueness checks) so that concurrent
        writers queue on the lock instead of failing to upgrade a read snapshot. Sessions opened
        inside such a session must only read (a nested writer would wait for the outer one).
        """
        session = self._sessionmaker()
        if write and self.engine.dialect.name == "sqlite":
            session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        try:
            yield session
            session.commit()
        except IntegrityError as e:
            session.rollback()
            raise Conflict(f"conflicting change: {e.orig}", reason="conflict") from e
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def transaction(self, write: bool = False) -> Iterator[Connection]:
        """A Core connection in a transaction, as ``session()`` but without the ORM's unit of
        work: for hot paths that only execute statements."""
        with self.engine.connect() as conn:
            if write and self.engine.dialect.name == "sqlite":
                conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            try:
                with conn.begin():
                    yield conn
            except IntegrityError as e:
                raise Conflict(f"conflicting change: {e.orig}", reason="conflict") from e

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def is_empty(self) -> bool:
        return not inspect(self.engine).get_table_names()

    def upgrade(self, revision: str = "head") -> None:
        """Migrate the database to ``revision`` (what ``jupyter studio db upgrade`` runs)."""
        from alembic import command

        cfg = alembic_config(self.url)
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)

    def downgrade(self, revision: str) -> None:
        from alembic import command

        cfg = alembic_config(self.url)
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)

    def ensure_schema(self) -> None:
        """Create a new database at head; refuse one at another revision.

        A database that is behind or ahead of this version is never migrated silently: the
        operator backs it up and runs the upgrade command.
        """
        try:
            current = self.current_revision()
            empty = self.is_empty()
        except OperationalError as e:
            raise SchemaMismatch(f"cannot open the studio database {self.safe_url}: {e}") from e
        head = SCHEMA_REVISION
        if current is None and empty:
            log.info("Creating the studio database at revision %s", head)
            self.upgrade("head")
            return
        if current != head:
            raise SchemaMismatch(
                f"The studio database {self.safe_url} is at revision {current or 'none'}, "
                f"this version needs {head}. Back it up, then run `{UPGRADE_COMMAND}`."
            )

    @property
    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        self.engine.dispose()
