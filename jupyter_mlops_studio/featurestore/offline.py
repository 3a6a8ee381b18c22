"""The offline store: append-only Parquet in the artifact store, read through DuckDB.

Files are partitioned by event time, as SageMaker's offline store is::

    featurestore/offline/<group>-<id>/year=2026/month=11/day=29/hour=04/<stem>.parquet

Each file holds the group's features plus ``write_time``, ``api_invocation_time`` (UTC
timestamps) and ``is_deleted``. A file enters the catalog table only after the artifact store
has it durably, so readers never see part of a write, and a file is never rewritten.

Queries run in an in-memory DuckDB whose only readable files are the group's Parquet files
(``allowed_paths``; external access off and the configuration locked before user SQL runs).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import logging
import math
import os
import re
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import select

from ..core.artifacts import ArtifactStore
from ..core.db import Database
from ..core.errors import Conflict, InvalidInput, StudioError
from .definitions import FRACTIONAL, INTEGRAL, STRING, Group
from .models import OfflineFileRow

log = logging.getLogger(__name__)
ARROW_TYPES = {INTEGRAL: pa.int64(), FRACTIONAL: pa.float64(), STRING: pa.string()}
SQL_TYPES = {INTEGRAL: "BIGINT", FRACTIONAL: "DOUBLE", STRING: "VARCHAR"}
TIMESTAMP = pa.timestamp("us", tz="UTC")
MAX_QUERY_ROWS = 10_000


def arrow_schema(group: Group) -> pa.Schema:
    return pa.schema(
        [pa.field(f["name"], ARROW_TYPES[f["type"]]) for f in group.features]
        + [
            pa.field("write_time", TIMESTAMP),
            pa.field("api_invocation_time", TIMESTAMP),
            pa.field("is_deleted", pa.bool_()),
        ]
    )


def event_time_sql(group: Group, column: str) -> str:
    """SQL of a group's event time as Unix seconds (DOUBLE)."""
    quoted = quote(column)
    if group.event_time_type == FRACTIONAL:
        return f"CAST({quoted} AS DOUBLE)"
    return f"epoch(TRY_CAST({quoted} AS TIMESTAMPTZ))"


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


class OfflineStore:
    """Writes and reads the Parquet files of feature groups (no tornado; thread-safe)."""

    def __init__(
        self,
        db: Database,
        artifacts: ArtifactStore,
        cache_dir: str,
        memory_limit: str = "2GB",
        threads: int = 0,
        query_timeout: float = 30.0,
    ):
        self.db = db
        self.artifacts = artifacts
        self.cache_dir = cache_dir
        self.memory_limit = memory_limit
        self.threads = threads or (os.cpu_count() or 1)
        self.query_timeout = query_timeout
        self._cache_lock = threading.Lock()

    # -- writes

    def write(
        self, group: Group, table: pa.Table, event_seconds: np.ndarray, stem: str
    ) -> list[dict[str, Any]]:
        """Store ``table`` (the group's offline schema) as one file per event-time hour.

        Returns the catalog entries to insert (the caller commits them, with whatever else the
        write acknowledges, in one transaction). Same ``stem`` and rows: same keys.
        """
        if table.num_rows == 0:
            return []
        hours = np.floor(event_seconds / 3600).astype(np.int64)
        order = np.argsort(hours, kind="stable")
        hours_sorted = hours[order]
        table = table.take(pa.array(order))
        seconds_sorted = event_seconds[order]
        starts = np.flatnonzero(np.r_[True, hours_sorted[1:] != hours_sorted[:-1]])
        ends = np.r_[starts[1:], len(hours_sorted)]
        entries = []
        for start, end in zip(starts, ends, strict=False):
            hour = dt.datetime.fromtimestamp(int(hours_sorted[start]) * 3600, dt.timezone.utc)
            key = (
                f"featurestore/offline/{group.name}-{group.id}/year={hour:%Y}/month={hour:%m}/"
                f"day={hour:%d}/hour={hour:%H}/{stem}.parquet"
            )
            sink = pa.BufferOutputStream()
            pq.write_table(table.slice(start, end - start), sink, compression="zstd")
            info = self.artifacts.put(key, sink.getvalue().to_pybytes())
            part = seconds_sorted[start:end]
            entries.append(
                {
                    "group_id": group.id,
                    "key": key,
                    "version_id": info.version_id,
                    "rows": int(end - start),
                    "min_event_time": float(part.min()),
                    "max_event_time": float(part.max()),
                }
            )
        return entries

    @staticmethod
    def new_stem(prefix: str = "ingest") -> str:
        return f"{prefix}-{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:12]}"

    # -- catalog

    def files(self, group_ids: Iterable[int]) -> dict[int, list[OfflineFileRow]]:
        ids = list(group_ids)
        out: dict[int, list[OfflineFileRow]] = {g: [] for g in ids}
        if not ids:
            return out
        with self.db.session() as session:
            for row in session.scalars(
                select(OfflineFileRow)
                .where(OfflineFileRow.group_id.in_(ids))
                .order_by(OfflineFileRow.id)
            ):
                out[row.group_id].append(row)
        return out

    def _local(self, row: OfflineFileRow) -> str:
        """A local path of a catalogued file (read in place, or fetched once into the cache:
        files are immutable, so a cached copy never goes stale)."""
        local = self.artifacts.local_path(row.key, row.version_id)
        if local is not None:
            return local[0]
        path = os.path.join(self.cache_dir, f"{row.id}-{row.version_id}.parquet")
        if not os.path.exists(path):
            with self._cache_lock:
                if not os.path.exists(path):
                    os.makedirs(self.cache_dir, exist_ok=True)
                    tmp = f"{path}.{uuid.uuid4().hex}.tmp"
                    with open(tmp, "wb") as f:
                        f.write(self.artifacts.get(row.key, row.version_id))
                    os.replace(tmp, path)
        return path

    # -- reads

    def connect(self, groups: Sequence[Group]) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB with one view per group, locked to those groups' files."""
        con = duckdb.connect(config={"memory_limit": self.memory_limit, "threads": self.threads})
        files = self.files(g.id for g in groups)
        allowed: list[str] = []
        for group in groups:
            paths = [self._local(row) for row in files[group.id]]
            allowed.extend(paths)
            try:
                view = self._view_sql(con, group, paths)
            except duckdb.Error:
                # a lost or damaged file breaks its own group's view only, at query time
                log.exception("Feature store: an offline file of %s cannot be read", group.name)
                view = _broken_view_sql(group)
            con.execute(f"CREATE VIEW {quote(group.view)} AS {view}")
        con.execute("SET TimeZone = 'UTC'")  # ISO-8601 times without an offset are UTC
        con.execute("SET allowed_paths = $1", [allowed])
        con.execute("SET autoinstall_known_extensions = false")
        con.execute("SET autoload_known_extensions = false")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        return con

    @staticmethod
    def _view_sql(con: duckdb.DuckDBPyConnection, group: Group, paths: list[str]) -> str:
        columns = [(f["name"], SQL_TYPES[f["type"]]) for f in group.features] + [
            ("write_time", "TIMESTAMPTZ"),
            ("api_invocation_time", "TIMESTAMPTZ"),
            ("is_deleted", "BOOLEAN"),
        ]
        if not paths:
            nulls = ", ".join(f"CAST(NULL AS {t}) AS {quote(n)}" for n, t in columns)
            return f"SELECT {nulls} WHERE false"
        source = f"read_parquet({_sql_list(paths)}, union_by_name = true)"
        present = {r[0].lower() for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
        # features added after a file was written read as NULL in it (and in every file when
        # no file has them yet)
        select = ", ".join(
            f"CAST({quote(n)} AS {t}) AS {quote(n)}"
            if n.lower() in present
            else f"CAST(NULL AS {t}) AS {quote(n)}"
            for n, t in columns
        )
        return f"SELECT {select} FROM {source}"

    def query(self, groups: Sequence[Group], sql: Any, limit: int = 1000) -> dict[str, Any]:
        """Run one read-only SQL statement over the groups' views (Athena-like)."""
        if not isinstance(sql, str) or not sql.strip():
            raise InvalidInput("sql must be a non-empty string", reason="invalid-sql")
        if len(sql) > 100_000:
            raise InvalidInput("sql is longer than 100,000 characters", reason="invalid-sql")
        con = self.connect(groups)
        try:
            statement = _one_select(con, sql)
            _check_references(con, statement, {g.view.lower() for g in groups})
            started = time.perf_counter()
            with _deadline(con, self.query_timeout):
                try:
                    cursor = con.execute(statement)
                    rows = cursor.fetchmany(limit + 1)
                except duckdb.InterruptException:
                    raise InvalidInput(
                        f"the query ran longer than {self.query_timeout:g} s and was stopped",
                        reason="query-timeout",
                    ) from None
                except duckdb.Error as e:
                    raise sql_error(e) from None
            elapsed = (time.perf_counter() - started) * 1000
            columns = [{"name": d[0], "type": str(d[1])} for d in cursor.description or []]
        finally:
            con.close()
        return {
            "columns": columns,
            "rows": [[_jsonable(x) for x in row] for row in rows[:limit]],
            "truncated": len(rows) > limit,
            "elapsed_ms": round(elapsed, 3),
        }


class _deadline:
    """Interrupt a DuckDB connection's running statement after ``seconds``."""

    def __init__(self, con: duckdb.DuckDBPyConnection, seconds: float):
        self.timer = threading.Timer(seconds, con.interrupt)
        self.timer.daemon = True

    def __enter__(self):
        self.timer.start()

    def __exit__(self, *exc):
        self.timer.cancel()


def _one_select(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as e:
        raise InvalidInput(_duckdb_message(e), reason="invalid-sql") from None
    if len(statements) != 1:
        raise InvalidInput(
            f"send exactly one SQL statement (got {len(statements)})", reason="invalid-sql"
        )
    if statements[0].type != duckdb.StatementType.SELECT:
        raise InvalidInput(
            "only SELECT queries are allowed on the offline store (it is append-only)",
            reason="read-only",
        )
    return statements[0].query


#: functions that would show the server's settings, catalog or file paths, or run SQL text
#: the checks below never see; files outside the store are refused by ``allowed_paths`` too
_DENIED_FUNCTIONS = frozenset({"current_setting", "getenv", "query", "query_table", "which_secret"})
_DENIED_PREFIXES = ("duckdb_", "pragma_", "read_", "parquet_", "glob", "sniff_")


def _check_references(con: duckdb.DuckDBPyConnection, statement: str, views: set[str]) -> None:
    """Tables must be the groups' views (or the query's own CTEs); no catalog, settings or file
    functions. Read from DuckDB's own parse tree of the statement."""
    tree = con.execute("SELECT json_serialize_sql(?)", [statement]).fetchone()[0]
    parsed = json.loads(tree)
    if parsed.get("error"):
        raise InvalidInput(str(parsed.get("error_message", "invalid SQL"))[:300], "invalid-sql")
    functions: set[str] = set()
    tables: list[tuple[str, str, str]] = []
    ctes: set[str] = set()
    stack: list[Any] = [parsed]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        if isinstance(node.get("function_name"), str):
            functions.add(node["function_name"].lower())
        if node.get("type") == "BASE_TABLE":
            tables.append(
                (
                    str(node.get("catalog_name") or ""),
                    str(node.get("schema_name") or ""),
                    str(node.get("table_name") or ""),
                )
            )
        for entry in (node.get("cte_map") or {}).get("map") or []:
            if isinstance(entry, dict) and isinstance(entry.get("key"), str):
                ctes.add(entry["key"].lower())
        stack.extend(node.values())
    for name in sorted(functions):
        if name in _DENIED_FUNCTIONS or name.startswith(_DENIED_PREFIXES):
            raise InvalidInput(
                f"{name}() is not available in offline store queries", reason="invalid-sql"
            )
    for catalog, schema, table in tables:
        known = table.lower() in views or table.lower() in ctes
        if catalog or schema.lower() not in ("", "main") or not known:
            shown = ".".join(p for p in (catalog, schema, table) if p)
            raise InvalidInput(
                f"unknown table {shown[:80]!r}: query the feature groups' views by name",
                reason="invalid-sql",
            )


DAMAGED = "has an unreadable offline file"


def _broken_view_sql(group: Group) -> str:
    message = f"feature group {group.name} {DAMAGED}: an administrator must restore it"
    return f"SELECT error('{message}') AS unreadable"


def sql_error(error: Exception, reason: str = "invalid-sql") -> StudioError:
    """A DuckDB error as the studio error to answer: a damaged store is a conflict for an admin
    to resolve; anything else is the request's fault. File paths are never shown."""
    if DAMAGED in str(error):
        return Conflict(_duckdb_message(error), reason="offline-store-damaged")
    return InvalidInput(_duckdb_message(error), reason=reason)


def _duckdb_message(error: Exception) -> str:
    message = str(error).strip().split("\n")[0]
    # never show the store's file paths
    message = re.sub(r"(['\"])/[^'\"]*\1", r"\1<offline file>\1", message)
    return re.sub(r"/[\w./=-]+\.parquet", "<offline file>", message)[:500]


def _sql_list(values: Sequence[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)
