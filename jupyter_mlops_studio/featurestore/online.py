"""Online stores: the newest record per id, guarded by event time on every backend.

An older put never overwrites a newer record: the comparison happens inside the backend's own
atomic step (an ``INSERT … ON CONFLICT … WHERE`` on SQL, a Lua script on Redis), so two writers
racing cannot undo each other. Ties (the same event time) go to the later write, as in SageMaker.
A delete applies only when its event time is strictly later than the stored record's (SageMaker's
DeleteRecord rule). ``tests/test_featurestore_online.py`` runs one contract against each backend.
"""

from __future__ import annotations

import abc
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy.engine import Connection
from traitlets import Unicode
from traitlets.config import LoggingConfigurable

from ..core.artifacts import ConfigurableABCMeta
from ..core.db import Database

#: outcomes of a delete
DELETED, NOT_LATER, ABSENT = "deleted", "not-later", "absent"


class Stored(NamedTuple):
    event_time: float
    write_time: float
    deleted: bool
    payload: bytes  # the record as JSON (soft-deleted: the id and event time only)


class PutRow(NamedTuple):
    """A record to store (plain tuples in this order do as well)."""

    record_id: str
    event_time: float
    write_time: float
    payload: bytes


class OnlineStore(LoggingConfigurable, metaclass=ConfigurableABCMeta):
    """The newest record of each id of each group (``group_id`` is the group's database id)."""

    def check(self) -> None:
        """Fail now if the backend cannot be reached."""

    @abc.abstractmethod
    def put(self, group_id: int, rows: Sequence[PutRow], conn: Connection | None = None) -> None:
        """Store each row unless the stored record of its id has a later event time.

        ``conn``: the studio database transaction of the call (the SQL backend writes in it, so
        that the online record and the offline buffer commit together; others ignore it).
        """

    @abc.abstractmethod
    def get_many(self, group_id: int, record_ids: Sequence[str]) -> dict[str, Stored]:
        """The stored records of the ids that have one (soft-deleted ones included)."""

    def get(self, group_id: int, record_id: str) -> Stored | None:
        return self.get_many(group_id, [record_id]).get(record_id)

    def get_live(self, group_id: int, record_id: str, not_before: float) -> bytes | None:
        """The payload of the record of ``record_id`` unless it is soft-deleted or its event
        time is before ``not_before`` (the TTL cut-off): the single-record read path."""
        stored = self.get(group_id, record_id)
        if stored is None or stored.deleted or stored.event_time < not_before:
            return None
        return stored.payload

    @abc.abstractmethod
    def delete(
        self,
        group_id: int,
        record_id: str,
        event_time: float,
        write_time: float,
        hard: bool,
        marker: bytes,
        conn: Connection | None = None,
    ) -> str:
        """Soft (``marker`` stored, ``deleted`` set) or hard delete if ``event_time`` is later.

        Returns DELETED, NOT_LATER (nothing changed) or ABSENT (no record of that id).
        """

    @abc.abstractmethod
    def scan(self, group_id: int) -> Iterator[tuple[str, Stored]]:
        """Every stored record of a group (for consistency checks)."""

    @abc.abstractmethod
    def count(self, group_id: int) -> int:
        """Records stored for a group, soft-deleted ones included."""

    @abc.abstractmethod
    def drop(self, group_id: int) -> None:
        """Remove every record of a group (its group was deleted)."""

    def close(self) -> None:
        """Release connections."""


# ---------------------------------------------------------------------------------------------
# SQL: the studio database

# the group id is an integer of the studio's own, written into the statement so that the rows
# go to executemany as they come (no per-row tuple is rebuilt)
_UPSERT = (
    "INSERT INTO featurestore_online"
    " (group_id, record_id, event_time, write_time, deleted, payload)"
    " VALUES ({group_id}, {p}, {p}, {p}, {false}, {p})"
    " ON CONFLICT (group_id, record_id) DO UPDATE SET event_time = excluded.event_time,"
    " write_time = excluded.write_time, deleted = excluded.deleted, payload = excluded.payload"
    " WHERE excluded.event_time >= featurestore_online.event_time"
)
_SELECT = (
    "SELECT record_id, event_time, write_time, deleted, payload FROM featurestore_online"
    " WHERE group_id = {p} AND record_id IN ({ids})"
)


class SqlOnlineStore(OnlineStore):
    """Online records in the studio database (SQLite by default, PostgreSQL by configuration).

    Reads skip the ORM: on SQLite each thread keeps its own read connection to the database file
    (WAL readers never wait for writers); on PostgreSQL they borrow a pooled DB-API connection.
    """

    def __init__(self, db: Database, **kwargs: Any):
        super().__init__(**kwargs)
        self.db = db
        self.dialect = db.engine.dialect.name
        self._p = "?" if self.dialect == "sqlite" else "%s"
        self._select_one = (
            "SELECT event_time, write_time, deleted, payload FROM featurestore_online"
            f" WHERE group_id = {self._p} AND record_id = {self._p}"
        )
        self._select_live = (
            "SELECT payload FROM featurestore_online"
            f" WHERE group_id = {self._p} AND record_id = {self._p}"
            f" AND deleted = 0 AND event_time >= {self._p}"
        )
        self._local = threading.local()
        database = db.engine.url.database
        self._sqlite_file = (
            database
            if self.dialect == "sqlite" and database not in (None, "", ":memory:")
            else None
        )
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()

    def _bool(self, value: bool) -> Any:
        return int(value) if self.dialect == "sqlite" else value

    def put(self, group_id, rows, conn=None) -> None:
        if not rows:
            return
        if len({r[0] for r in rows}) != len(rows):
            # one statement may touch a row once (PostgreSQL): keep the newest of each id
            newest: dict[str, PutRow] = {}
            for r in rows:
                if r[0] not in newest or r[1] >= newest[r[0]][1]:
                    newest[r[0]] = r
            rows = list(newest.values())
        if conn is None:
            with self.db.session(write=True) as session:
                self._execute_many(session.connection(), int(group_id), rows)
        else:
            self._execute_many(conn, int(group_id), rows)

    def _execute_many(self, conn: Connection, group_id: int, rows: Sequence[PutRow]) -> None:
        if self.dialect == "postgresql":
            from psycopg2.extras import execute_values

            # every writer locks the rows in id order: two ingestions of overlapping ids (Spark
            # partitions in parallel) would otherwise deadlock, each holding what the other needs
            rows = sorted(rows, key=itemgetter(0))

            sql = _UPSERT.format(group_id=group_id, p="%s", false="false").replace(
                f"VALUES ({group_id}, %s, %s, %s, false, %s)", "VALUES %s"
            )
            template = f"({group_id}, %s, %s, %s, false, %s)"
            cursor = conn.connection.driver_connection.cursor()
            try:
                execute_values(cursor, sql, rows, template=template, page_size=1000)
            finally:
                cursor.close()
        else:
            sql = _UPSERT.format(group_id=group_id, p="?", false="0")
            conn.exec_driver_sql(sql, rows)

    def _reader(self) -> sqlite3.Connection | None:
        if self._sqlite_file is None:
            return None
        reader = getattr(self._local, "reader", None)
        if reader is None:
            reader = sqlite3.connect(
                self._sqlite_file,
                check_same_thread=False,
                isolation_level=None,
            )
            reader.execute("PRAGMA busy_timeout=10000")
            reader.execute("PRAGMA mmap_size=268435456")
            self._local.reader = reader
            with self._readers_lock:
                self._readers.append(reader)
        return reader

    def get(self, group_id, record_id) -> Stored | None:
        reader = getattr(self._local, "reader", None) or self._reader()
        if reader is None:
            return super().get(group_id, record_id)
        r = reader.execute(self._select_one, (group_id, record_id)).fetchone()
        return None if r is None else Stored(r[0], r[1], r[2] == 1, r[3])

    def get_live(self, group_id, record_id, not_before) -> bytes | None:
        # one indexed row, filtered in SQL: no Stored tuple built on the hottest read
        reader = getattr(self._local, "reader", None) or self._reader()
        if reader is None:
            return super().get_live(group_id, record_id, not_before)
        r = reader.execute(self._select_live, (group_id, record_id, not_before)).fetchone()
        return None if r is None else r[0]

    def get_many(self, group_id, record_ids) -> dict[str, Stored]:
        if not record_ids:
            return {}
        sql = _SELECT.format(p=self._p, ids=", ".join([self._p] * len(record_ids)))
        params = (group_id, *record_ids)
        reader = self._reader()
        if reader is not None:
            rows = reader.execute(sql, params).fetchall()
        else:
            raw = self.db.engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute(sql, params)
                rows = cursor.fetchall()
                cursor.close()
                raw.commit()  # end the read transaction before the connection goes back
            finally:
                raw.close()
        return {r[0]: Stored(r[1], r[2], bool(r[3]), bytes(r[4])) for r in rows}

    def delete(self, group_id, record_id, event_time, write_time, hard, marker, conn=None) -> str:
        if conn is None:
            with self.db.session(write=True) as session:
                return self._delete(
                    session.connection(), group_id, record_id, event_time, write_time, hard, marker
                )
        return self._delete(conn, group_id, record_id, event_time, write_time, hard, marker)

    def _delete(self, conn, group_id, record_id, event_time, write_time, hard, marker) -> str:
        p = self._p
        where = f"group_id = {p} AND record_id = {p}"
        if self.dialect == "postgresql":  # lock the row: a concurrent put waits for this check
            where_lock = f"SELECT event_time FROM featurestore_online WHERE {where} FOR UPDATE"
        else:
            where_lock = f"SELECT event_time FROM featurestore_online WHERE {where}"
        current = conn.exec_driver_sql(where_lock, (group_id, record_id)).scalar()
        if current is None:
            return ABSENT
        if event_time <= current:
            return NOT_LATER
        if hard:
            conn.exec_driver_sql(
                f"DELETE FROM featurestore_online WHERE {where}", (group_id, record_id)
            )
        else:
            conn.exec_driver_sql(
                f"UPDATE featurestore_online SET event_time = {p}, write_time = {p}, "
                f"deleted = {p}, payload = {p} WHERE {where}",
                (event_time, write_time, self._bool(True), marker, group_id, record_id),
            )
        return DELETED

    def scan(self, group_id) -> Iterator[tuple[str, Stored]]:
        with self.db.engine.connect() as conn:
            result = conn.exec_driver_sql(
                "SELECT record_id, event_time, write_time, deleted, payload "
                f"FROM featurestore_online WHERE group_id = {self._p}",
                (group_id,),
            )
            for r in result:
                yield r[0], Stored(r[1], r[2], bool(r[3]), bytes(r[4]))

    def count(self, group_id) -> int:
        with self.db.engine.connect() as conn:
            return conn.exec_driver_sql(
                f"SELECT count(*) FROM featurestore_online WHERE group_id = {self._p}",
                (group_id,),
            ).scalar()

    def drop(self, group_id) -> None:
        with self.db.session(write=True) as session:
            session.connection().exec_driver_sql(
                f"DELETE FROM featurestore_online WHERE group_id = {self._p}", (group_id,)
            )

    def close(self) -> None:
        with self._readers_lock:
            for reader in self._readers:
                reader.close()
            self._readers.clear()
        self._local = threading.local()


# ---------------------------------------------------------------------------------------------
# Redis

# KEYS[1] record hash; ARGV event time, write time, payload
_REDIS_PUT = """
local current = redis.call('HGET', KEYS[1], 'et')
if current and tonumber(current) > tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'et', ARGV[1], 'wt', ARGV[2], 'del', '0', 'p', ARGV[3])
return 1
"""
# KEYS[1] record hash; ARGV event time, write time, hard ('1'/'0'), marker payload
_REDIS_DELETE = """
local current = redis.call('HGET', KEYS[1], 'et')
if not current then return 2 end
if tonumber(ARGV[1]) <= tonumber(current) then return 0 end
if ARGV[3] == '1' then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], 'et', ARGV[1], 'wt', ARGV[2], 'del', '1', 'p', ARGV[4])
end
return 1
"""


class RedisOnlineStore(OnlineStore):
    """Online records in Redis: one hash per record (``et``, ``wt``, ``del``, ``p``).

    Set ``RedisOnlineStore.url`` (``redis://127.0.0.1:6379/0``) and, to share a Redis between
    studios, ``key_prefix``. Redis keeps what its own persistence settings keep: the offline
    store is the record of truth, and ``jupyter studio featurestore verify`` compares the two.
    """

    url = Unicode("redis://127.0.0.1:6379/0", config=True, help="Redis URL of the online store.")
    key_prefix = Unicode("mlops-studio:fs:", config=True, help="Prefix of every key written.")

    def __init__(self, db: Database | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        import redis

        self.redis = redis.Redis.from_url(self.url)
        self._put = self.redis.register_script(_REDIS_PUT)
        self._delete = self.redis.register_script(_REDIS_DELETE)

    def check(self) -> None:
        self.redis.ping()

    def _key(self, group_id: int, record_id: str) -> str:
        return f"{self.key_prefix}{group_id}:{record_id}"

    def put(self, group_id, rows, conn=None) -> None:
        pipe = self.redis.pipeline(transaction=False)
        for i, (record_id, event_time, write_time, payload) in enumerate(rows, 1):
            self._put(
                keys=[self._key(group_id, record_id)],
                args=[repr(event_time), repr(write_time), payload],
                client=pipe,
            )
            if i % 1000 == 0:
                pipe.execute()
        pipe.execute()

    def get_many(self, group_id, record_ids) -> dict[str, Stored]:
        if not record_ids:
            return {}
        pipe = self.redis.pipeline(transaction=False)
        for rid in record_ids:
            pipe.hmget(self._key(group_id, rid), "et", "wt", "del", "p")
        out = {}
        for rid, (et, wt, deleted, payload) in zip(record_ids, pipe.execute(), strict=False):
            if et is not None:
                out[rid] = Stored(float(et), float(wt), deleted == b"1", payload)
        return out

    def delete(self, group_id, record_id, event_time, write_time, hard, marker, conn=None) -> str:
        result = self._delete(
            keys=[self._key(group_id, record_id)],
            args=[repr(event_time), repr(write_time), "1" if hard else "0", marker],
        )
        return {0: NOT_LATER, 1: DELETED, 2: ABSENT}[int(result)]

    def _keys(self, group_id: int) -> Iterable[bytes]:
        pattern = f"{self.key_prefix}{group_id}:*"
        return self.redis.scan_iter(match=pattern.replace("[", "\\["), count=1000)

    def scan(self, group_id) -> Iterator[tuple[str, Stored]]:
        prefix = len(f"{self.key_prefix}{group_id}:".encode())
        for key in self._keys(group_id):
            et, wt, deleted, payload = self.redis.hmget(key, "et", "wt", "del", "p")
            if et is not None:
                yield key[prefix:].decode(), Stored(float(et), float(wt), deleted == b"1", payload)

    def count(self, group_id) -> int:
        return sum(1 for _ in self._keys(group_id))

    def drop(self, group_id) -> None:
        batch = []
        for key in self._keys(group_id):
            batch.append(key)
            if len(batch) >= 1000:
                self.redis.delete(*batch)
                batch = []
        if batch:
            self.redis.delete(*batch)

    def close(self) -> None:
        self.redis.close()
