"""FeatureStoreService: feature groups, records, ingestion, queries and training sets.

No tornado here. Durability: a single put is acknowledged only after the transaction holding its
offline buffer row (and, on the SQL online store, its online row) commits; the buffer is flushed
to Parquet on an interval, at shutdown and at start (replaying what a crash left). Bulk ingestion
writes its Parquet files first and acknowledges once their catalog rows commit.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import repeat
from typing import Any

import duckdb
import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import delete, func, insert, select

from ..core import validation as v
from ..core.db import Database, utcnow
from ..core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ..core.permissions import ADMIN, MLOPS, Principal
from . import definitions as d
from .definitions import FRACTIONAL, INTEGRAL, STRING, Group
from .models import FeatureGroupRow, OfflineBufferRow, OfflineFileRow
from .offline import (
    ARROW_TYPES,
    TIMESTAMP,
    OfflineStore,
    arrow_schema,
    event_time_sql,
    quote,
    sql_error,
)
from .online import ABSENT, DELETED, NOT_LATER, OnlineStore, PutRow, SqlOnlineStore
from .training import training_set

log = logging.getLogger(__name__)

MAX_BATCH_GET = 100
FLUSH_BATCH = 100_000
GROUP_CACHE_SECONDS = 2.0
MAX_INGEST_ROWS = 5_000_000
QUERY_FIELDS = frozenset({"sql", "limit"})
MAX_EVENT_SECONDS = 253402300800.0  # 10000-01-01


def _group_of(row: FeatureGroupRow) -> Group:
    return Group(
        id=row.id,
        name=row.name,
        record_identifier=row.record_identifier,
        event_time=row.event_time,
        features=list(row.features),
        online=row.online,
        offline=row.offline,
        ttl_seconds=row.ttl_seconds,
        description=row.description,
        tags=dict(row.tags or {}),
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class FeatureStoreService:
    def __init__(
        self,
        db: Database,
        online: OnlineStore,
        offline: OfflineStore,
        flush_interval: float = 5.0,
    ):
        self.db = db
        self.online = online
        self.offline = offline
        self.flush_interval = flush_interval
        self._sql_online = isinstance(online, SqlOnlineStore)
        self._groups: dict[str, tuple[float, Group]] = {}
        self._flush_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle

    def start(self) -> None:
        """Check the online store, flush what a previous run left buffered, start the flusher."""
        self.online.check()
        replayed = self.flush()
        if replayed:
            log.info("Feature store: %d buffered records replayed into the offline store", replayed)
        if self.flush_interval > 0:
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._flush_loop, name="featurestore-flush", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
            self._thread = None
        try:
            self.flush()
        except Exception:  # the buffer keeps the records: the next start replays them
            log.exception("Feature store: the flush at shutdown failed")
        self.online.close()

    def _flush_loop(self) -> None:
        while not self._stop.wait(self.flush_interval):
            try:
                self.flush()
            except Exception:  # keep flushing later; the buffer keeps every record meanwhile
                log.exception("Feature store: flushing the offline buffer failed")

    def flush(self, group_id: int | None = None) -> int:
        """Move buffered records into Parquet files; returns how many were moved."""
        moved = 0
        with self._flush_lock:
            with self.db.session() as session:
                q = select(OfflineBufferRow.group_id).distinct()
                if group_id is not None:
                    q = q.where(OfflineBufferRow.group_id == group_id)
                group_ids = list(session.scalars(q))
            for gid in group_ids:
                while True:
                    n = self._flush_group(gid)
                    moved += n
                    if n < FLUSH_BATCH:
                        break
        return moved

    def _flush_group(self, group_id: int) -> int:
        with self.db.session() as session:
            row = session.get(FeatureGroupRow, group_id)
            group = _group_of(row)
            buffered = session.execute(
                select(OfflineBufferRow.id, OfflineBufferRow.payload)
                .where(OfflineBufferRow.group_id == group_id)
                .order_by(OfflineBufferRow.id)
                .limit(FLUSH_BATCH)
            ).all()
        if not buffered:
            return 0
        entries = [orjson.loads(p) for _, p in buffered]
        records = [e["r"] for e in entries]
        columns: dict[str, Any] = {
            f["name"]: pa.array([r.get(f["name"]) for r in records], ARROW_TYPES[f["type"]])
            for f in group.features
        }
        columns["write_time"] = _timestamps([e["w"] for e in entries])
        columns["api_invocation_time"] = _timestamps([e["a"] for e in entries])
        columns["is_deleted"] = pa.array([e["d"] for e in entries], pa.bool_())
        table = pa.table(columns, schema=arrow_schema(group))
        seconds = np.array(
            [d.event_seconds(r[group.event_time], group.event_time_type) for r in records]
        )
        # the same buffered rows always make the same keys, so a flush that a crash interrupted
        # after storing files but before cataloguing them is redone without duplicating rows
        digest = hashlib.blake2b(digest_size=10)
        for row_id, payload in buffered:
            digest.update(b"%d:" % row_id + payload)
        files = self.offline.write(group, table, seconds, f"buffer-{digest.hexdigest()}")
        ids = [i for i, _ in buffered]
        with self.db.session(write=True) as session:
            known = set(
                session.scalars(
                    select(OfflineFileRow.key).where(
                        OfflineFileRow.key.in_([f["key"] for f in files])
                    )
                )
            )
            new = [f for f in files if f["key"] not in known]
            if new:
                session.execute(insert(OfflineFileRow), new)
            for chunk in range(0, len(ids), 500):
                session.execute(
                    delete(OfflineBufferRow).where(
                        OfflineBufferRow.id.in_(ids[chunk : chunk + 500])
                    )
                )
        return len(buffered)

    # -- groups

    def _row(self, session, name: str) -> FeatureGroupRow:
        d.group_name(name)
        row = session.scalar(
            select(FeatureGroupRow).where(
                FeatureGroupRow.name == name, FeatureGroupRow.deleted_at.is_(None)
            )
        )
        if row is None:
            raise NotFound(f"no feature group {name!r}", reason="group-not-found")
        return row

    def group(self, name: str) -> Group:
        """A live group by name (cached for a moment: the record paths read it on every call)."""
        cached = self._groups.get(name)
        now = time.monotonic()
        if cached is not None and cached[0] > now:
            return cached[1]
        with self.db.session() as session:
            group = _group_of(self._row(session, name))
        self._groups[name] = (now + GROUP_CACHE_SECONDS, group)
        return group

    def _forget(self, name: str) -> None:
        self._groups.pop(name, None)

    @staticmethod
    def _check_owner(principal: Principal, row: FeatureGroupRow) -> None:
        if row.created_by != principal.username and not principal.personas & {ADMIN, MLOPS}:
            raise Forbidden(
                f"only {row.created_by}, admins and MLOps engineers may change {row.name}",
                reason="forbidden",
            )

    def list_groups(self, principal: Principal) -> list[dict[str, Any]]:
        with self.db.session() as session:
            rows = session.scalars(
                select(FeatureGroupRow)
                .where(FeatureGroupRow.deleted_at.is_(None))
                .order_by(FeatureGroupRow.name)
            )
            return [_group_of(r).to_json() for r in rows]

    def create_group(self, principal: Principal, data: Any) -> dict[str, Any]:
        fields = d.new_group(data)
        with self.db.session(write=True) as session:
            exists = session.scalar(
                select(FeatureGroupRow.id).where(
                    FeatureGroupRow.name == fields["name"], FeatureGroupRow.deleted_at.is_(None)
                )
            )
            if exists is not None:
                raise Conflict(f"feature group {fields['name']!r} exists", reason="group-exists")
            now = utcnow()
            row = FeatureGroupRow(
                **fields, created_by=principal.username, created_at=now, updated_at=now
            )
            session.add(row)
            session.flush()
            group = _group_of(row)
        log.info("Feature group %s created by %s", group.name, principal.username)
        return group.to_json()

    def describe(self, principal: Principal, name: str) -> dict[str, Any]:
        group = self.group(name)
        with self.db.session() as session:
            files, rows, last_file = session.execute(
                select(
                    func.count(OfflineFileRow.id),
                    func.coalesce(func.sum(OfflineFileRow.rows), 0),
                    func.max(OfflineFileRow.created_at),
                ).where(OfflineFileRow.group_id == group.id)
            ).one()
            buffered = session.scalar(
                select(func.count(OfflineBufferRow.id)).where(OfflineBufferRow.group_id == group.id)
            )
            newest = session.scalar(
                select(OfflineBufferRow.payload)
                .where(OfflineBufferRow.group_id == group.id)
                .order_by(OfflineBufferRow.id.desc())
                .limit(1)
            )
        last = last_file.timestamp() if last_file is not None else None
        if newest is not None:
            last = max(last or 0.0, orjson.loads(newest)["w"])
        out = group.to_json()
        out["stats"] = {
            "online_records": self.online.count(group.id) if group.online else None,
            "offline_rows": int(rows) + int(buffered),
            "offline_files": int(files),
            "offline_buffered": int(buffered),
            "last_write_time": _iso(last),
        }
        return out

    def update_group(self, principal: Principal, name: str, data: Any) -> dict[str, Any]:
        v.require_dict(data)
        v.reject_unknown(data, d.UPDATE_FIELDS)
        with self.db.session(write=True) as session:
            row = self._row(session, name)
            self._check_owner(principal, row)
            if "description" in data:
                row.description = v.string(data["description"], "description", 4000)
            if "tags" in data:
                row.tags = d.tags(data["tags"])
            if "ttl_seconds" in data:
                row.ttl_seconds = d.ttl(data["ttl_seconds"])
            row.updated_at = utcnow()
            group = _group_of(row)
        self._forget(name)
        return group.to_json()

    def add_features(self, principal: Principal, name: str, data: Any) -> dict[str, Any]:
        v.require_dict(data)
        v.reject_unknown(data, {"features"})
        if "features" not in data:
            raise InvalidInput("features is required", reason="missing-field")
        with self.db.session(write=True) as session:
            row = self._row(session, name)
            self._check_owner(principal, row)
            added = d.feature_definitions(data["features"], row.features)
            row.features = [*row.features, *added]
            row.updated_at = utcnow()
            group = _group_of(row)
        self._forget(name)
        log.info("Feature group %s: %d features added by %s", name, len(added), principal.username)
        return group.to_json()

    def delete_group(self, principal: Principal, name: str) -> None:
        """Archive a group: its name is free again, its offline files stay in the store."""
        with self.db.session(write=True) as session:
            row = self._row(session, name)
            self._check_owner(principal, row)
            row.deleted_at = utcnow()
            row.deleted_by = principal.username
            group_id = row.id
        self._forget(name)
        self.online.drop(group_id)
        log.info("Feature group %s deleted (archived) by %s", name, principal.username)

    # -- records

    def _online_group(self, name: str) -> Group:
        group = self.group(name)
        if not group.online:
            raise InvalidInput(
                f"feature group {name} has no online store: query its offline store instead",
                reason="online-disabled",
            )
        return group

    @contextmanager
    def _write(self) -> Iterator[Any]:
        """A write transaction; the SQL online store writes in it, others just before commit."""
        with self.db.session(write=True) as session:
            yield session.connection()

    def _buffer(self, conn, group: Group, record: dict, now: float, deleted: bool) -> None:
        payload = orjson.dumps({"r": record, "w": now, "a": now, "d": deleted})
        conn.execute(insert(OfflineBufferRow), [{"group_id": group.id, "payload": payload}])

    def put_record(self, principal: Principal, name: str, data: Any) -> dict[str, Any]:
        v.require_dict(data)
        v.reject_unknown(data, {"record"})
        if "record" not in data:
            raise InvalidInput("record is required", reason="missing-field")
        group = self.group(name)
        record, rid, event_time = d.record(group, data["record"])
        now = time.time()
        with self._write() as conn:
            if group.offline:
                self._buffer(conn, group, record, now, False)
            if group.online:
                row = PutRow(rid, event_time, now, orjson.dumps(record))
                self.online.put(group.id, [row], conn if self._sql_online else None)
        return {"group": group.name, "record_id": rid}

    def get_record(
        self, principal: Principal, name: str, record_id: str, features: list[str] | None = None
    ) -> dict[str, Any]:
        # the hot path of the low-latency GET: the cached group and a string id are taken as
        # they are; everything else goes through the full checks
        cached = self._groups.get(name)
        if cached is not None and cached[0] > time.monotonic() and cached[1].online:
            group = cached[1]
        else:
            group = self._online_group(name)
        rid = record_id if group.is_canonical_id(record_id) else group.record_id_of(record_id)
        if features is not None:
            d.feature_subset(group, features)
        ttl = group.ttl_seconds
        payload = self.online.get_live(group.id, rid, time.time() - ttl if ttl else -1.0)
        if payload is None:
            raise NotFound(f"no record {rid!r} in {group.name}", reason="record-not-found")
        record = self._complete(group, orjson.loads(payload))
        if features is not None:
            record = {f: record.get(f) for f in features}
        return {"group": group.name, "record_id": rid, "record": record}

    @staticmethod
    def _live(group: Group, stored, now: float) -> dict[str, Any] | None:
        if stored is None or stored.deleted:
            return None
        if group.ttl_seconds and now - stored.event_time > group.ttl_seconds:
            return None
        return FeatureStoreService._complete(group, orjson.loads(stored.payload))

    @staticmethod
    def _complete(group: Group, record: dict[str, Any]) -> dict[str, Any]:
        if len(record) != group.feature_count:  # features added after the record was written
            for name in group.feature_names:
                record.setdefault(name, None)
        return record

    def batch_get(self, principal: Principal, data: Any) -> dict[str, Any]:
        v.require_dict(data)
        v.reject_unknown(data, {"identifiers"})
        idents = data.get("identifiers")
        if not isinstance(idents, list) or not idents:
            raise InvalidInput(
                "identifiers must be a non-empty list of {group, record_ids, features}",
                reason="invalid-type",
            )
        wanted = []
        total = 0
        for i, item in enumerate(idents):
            v.require_dict(item, f"identifiers[{i}]")
            v.reject_unknown(item, {"group", "record_ids", "features"}, f"identifiers[{i}]")
            ids = item.get("record_ids")
            if not isinstance(ids, list) or not ids:
                raise InvalidInput(
                    f"identifiers[{i}].record_ids must be a non-empty list", reason="invalid-type"
                )
            if not isinstance(item.get("group"), str):
                raise InvalidInput(f"identifiers[{i}].group must be a string", "invalid-type")
            total += len(ids)
            wanted.append(item)
        if total > MAX_BATCH_GET:
            raise InvalidInput(
                f"at most {MAX_BATCH_GET} record identifiers per batch (got {total})",
                reason="too-many",
            )
        records, errors, unprocessed = [], [], []
        now = time.time()
        for item in wanted:
            name = item["group"]
            try:
                group = self._online_group(name)
                features = d.feature_subset(group, item.get("features"))
            except (NotFound, InvalidInput) as e:
                errors += [_error(name, r, e) for r in item["record_ids"]]
                continue
            valid = []
            id_type = group.types[group.record_identifier]
            for raw in item["record_ids"]:
                try:
                    valid.append(d.record_id(raw, id_type))
                except InvalidInput as e:
                    errors.append(_error(name, raw, e))
            try:
                found = self.online.get_many(group.id, valid)
            except Exception:
                log.exception("Feature store: batch get from %s failed", name)
                unprocessed += [{"group": name, "record_id": r} for r in valid]
                continue
            for rid in valid:
                record = self._live(group, found.get(rid), now)
                if record is None:
                    errors.append(
                        _error(name, rid, NotFound("no such record", reason="record-not-found"))
                    )
                    continue
                if features is not None:
                    record = {f: record.get(f) for f in features}
                records.append({"group": name, "record_id": rid, "record": record})
        return {"records": records, "errors": errors, "unprocessed": unprocessed}

    def delete_record(
        self, principal: Principal, name: str, record_id: str, event_time: Any, mode: Any
    ) -> dict[str, Any]:
        group = self.group(name)
        rid_type = group.types[group.record_identifier]
        rid = d.record_id(record_id, rid_type)
        mode = v.choice(mode if mode is not None else "soft", "mode", ("soft", "hard"))
        if event_time is None:
            raise InvalidInput("event_time is required", reason="missing-field")
        value = _event_value(event_time, group.event_time_type)
        seconds = d.event_seconds(value, group.event_time_type)
        marker = {f: None for f in group.feature_names}
        marker[group.record_identifier] = int(rid) if rid_type == INTEGRAL else rid
        marker[group.event_time] = value
        now = time.time()
        outcome = ABSENT
        with self._write() as conn:
            if group.online:
                outcome = self.online.delete(
                    group.id,
                    rid,
                    seconds,
                    now,
                    mode == "hard",
                    orjson.dumps(marker),
                    conn if self._sql_online else None,
                )
            if mode == "hard" and outcome == NOT_LATER:
                raise InvalidInput(
                    "EventTime: the delete's event time must be later than the record's",
                    reason="event-time-not-later",
                )
            if group.offline:
                self._buffer(conn, group, marker, now, True)
        return {
            "group": group.name,
            "record_id": rid,
            "mode": mode,
            "deleted_online": outcome == DELETED,
            "online": outcome,
        }

    # -- bulk ingestion

    def ingest(self, principal: Principal, name: str, table: pa.Table) -> dict[str, Any]:
        """Validate a table against the group, write it offline (Parquet) and its latest record
        per id online; rows that cannot be stored are counted by reason, not written."""
        group = self.group(name)
        if table.num_rows > MAX_INGEST_ROWS:
            raise InvalidInput(
                f"send at most {MAX_INGEST_ROWS:,} rows per request", reason="too-many"
            )
        columns, keep, reasons = _conform(group, table)
        seconds = columns.pop("__seconds")
        now = time.time()
        n = table.num_rows
        columns["write_time"] = _timestamps(np.full(n, now))
        columns["api_invocation_time"] = columns["write_time"]
        columns["is_deleted"] = pa.array(np.zeros(n, dtype=bool))
        full = pa.table(columns, schema=arrow_schema(group))
        # a later row with the same id and event time replaces an earlier one
        rid = group.record_identifier
        key_ids = pc.cast(full.column(rid).combine_chunks(), pa.string()).fill_null("")
        last = _last_of_each(key_ids, seconds, keep)
        duplicates = int(keep.sum() - last.sum())
        if duplicates:
            reasons["duplicate-id-and-event-time"] = duplicates
        mask = pa.array(last)
        good = full.filter(mask)
        good_seconds = seconds[last]
        files = []
        if group.offline and good.num_rows:
            files = self.offline.write(group, good, good_seconds, self.offline.new_stem())
        online_written = 0
        with self._write() as conn:
            if group.online and good.num_rows:
                rows = _latest_rows(good, good_seconds, group, now)
                online_written = len(rows)
                self.online.put(group.id, rows, conn if self._sql_online else None)
            if files:
                conn.execute(insert(OfflineFileRow), files)
        return {
            "group": group.name,
            "rows": n,
            "written": good.num_rows,
            "rejected": n - good.num_rows,
            "reasons": reasons,
            "online_written": online_written,
            "files": len(files),
        }

    # -- reads of the offline store

    def query(self, principal: Principal, data: Any) -> dict[str, Any]:
        v.require_dict(data)
        v.reject_unknown(data, QUERY_FIELDS)
        limit = v.optional_int(data.get("limit"), "limit", 1, 10_000) or 1000
        groups = self._live_groups()
        self.flush()
        return self.offline.query(groups, data.get("sql"), limit)

    def _live_groups(self) -> list[Group]:
        with self.db.session() as session:
            rows = session.scalars(
                select(FeatureGroupRow).where(
                    FeatureGroupRow.deleted_at.is_(None), FeatureGroupRow.offline.is_(True)
                )
            )
            return [_group_of(r) for r in rows]

    def training_set(
        self,
        principal: Principal,
        spine: pa.Table,
        features: Any,
        time_column: str | None = None,
        exclude_late: bool = False,
        full_names: bool = False,
    ) -> pa.Table:
        selection = self._selection(features)
        if time_column is None:
            names = {g.event_time for g, _ in selection}
            if len(names) != 1:
                raise InvalidInput(
                    "the groups' event time features differ: give time_column", "missing-field"
                )
            time_column = names.pop()
        for group, _ in selection:
            if not group.offline:
                raise InvalidInput(
                    f"feature group {group.name} has no offline store", reason="offline-disabled"
                )
            self.flush(group.id)
        try:
            return training_set(
                self.offline, selection, spine, time_column, exclude_late, full_names
            )
        except duckdb.Error as e:
            raise sql_error(e, "invalid-spine") from None

    def _selection(self, features: Any) -> list[tuple[Group, list[str]]]:
        """``["group:feature", "group:*", …]`` -> [(group, [features])] in first-seen order."""
        if isinstance(features, str):
            features = [f for f in features.split(",") if f]
        if not isinstance(features, list) or not features:
            raise InvalidInput(
                "features must name group:feature or group:* at least once", reason="invalid-type"
            )
        chosen: dict[str, tuple[Group, list[str]]] = {}
        for ref in features:
            if not isinstance(ref, str) or ref.count(":") != 1:
                raise InvalidInput(
                    f"feature reference {str(ref)[:80]!r} must be group:feature or group:*",
                    reason="invalid-feature-ref",
                )
            name, feature = ref.split(":")
            group = chosen[name][0] if name in chosen else self.group(name)
            picked = chosen.setdefault(name, (group, []))[1]
            if feature == "*":
                names = [
                    f
                    for f in group.feature_names
                    if f not in (group.record_identifier, group.event_time)
                ]
            else:
                names = d.feature_subset(group, [feature])
            picked.extend(f for f in names if f not in picked)
        return list(chosen.values())

    def histogram(self, principal: Principal, name: str, feature: str, bins: Any) -> dict:
        group = self.group(name)
        if group.types.get(feature) not in (INTEGRAL, FRACTIONAL):
            raise InvalidInput(f"{feature!r} is not a numeric feature of {name}", "invalid-feature")
        bins = v.optional_int(bins, "bins", 1, 200) or 20
        if not group.offline:
            raise InvalidInput(f"feature group {name} has no offline store", "offline-disabled")
        self.flush(group.id)
        con = self.offline.connect([group])
        try:
            return self._histogram(con, group, name, feature, bins)
        except duckdb.Error as e:
            raise sql_error(e) from None
        finally:
            con.close()

    @staticmethod
    def _histogram(con, group: Group, name: str, feature: str, bins: int) -> dict:
        latest = _latest_sql(group)
        x = quote(feature)
        lo, hi, nulls = con.execute(
            f"SELECT min({x}), max({x}), count(*) - count({x}) FROM ({latest})"
        ).fetchone()
        counts = [0] * bins
        edges: list[float] = []
        if lo is not None:
            lo, hi = float(lo), float(hi)
            # halves: hi - lo overflows to inf when the values span more than a double
            half = (hi / 2 - lo / 2) / bins or 0.5
            edges = [lo * (1 - i / bins) + hi * (i / bins) for i in range(bins + 1)]
            for b, c in con.execute(
                f"SELECT least(CAST(floor(({x} / 2 - {lo / 2!r}) / {half!r}) AS BIGINT), "
                f"{bins - 1}), count(*) FROM ({latest}) WHERE {x} IS NOT NULL GROUP BY 1"
            ).fetchall():
                counts[int(b)] = int(c)
        return {
            "group": name,
            "feature": feature,
            "edges": edges,
            "counts": counts,
            "nulls": int(nulls or 0),
        }

    def verify(self, principal: Principal, name: str, limit: int = 100) -> dict[str, Any]:
        """Compare the online store with the newest offline record of each id."""
        group = self._online_group(name)
        if not group.offline:
            raise InvalidInput(f"feature group {name} has no offline store", "offline-disabled")
        self.flush(group.id)
        con = self.offline.connect([group])
        try:
            rid = quote(group.record_identifier)
            et = event_time_sql(group, group.event_time)
            cursor = con.execute(
                f"SELECT CAST({rid} AS VARCHAR), is_deleted, to_json(struct_pack("
                + ", ".join(f"{quote(f)} := {quote(f)}" for f in group.feature_names)
                + f")) FROM {quote(group.view)} WHERE {rid} IS NOT NULL QUALIFY row_number() "
                f"OVER (PARTITION BY {rid} ORDER BY {et} DESC, coalesce(is_deleted, false), "
                "write_time DESC) = 1"
            )
            offline = {r[0]: (bool(r[1]), r[2]) for r in cursor.fetchall()}
        except duckdb.Error as e:
            raise sql_error(e) from None
        finally:
            con.close()
        differences = []
        checked = 0
        seen = set()
        for rid_value, stored in self.online.scan(group.id):
            seen.add(rid_value)
            checked += 1
            off = offline.get(rid_value)
            online_live = not stored.deleted
            if off is None or off[0]:
                if online_live:
                    differences.append(_difference(rid_value, "not-offline", stored, off))
                continue
            if not online_live:
                differences.append(_difference(rid_value, "missing-online", stored, off))
            elif orjson.loads(stored.payload) != _with_nulls(orjson.loads(off[1]), group):
                differences.append(_difference(rid_value, "different", stored, off))
        for rid_value, off in offline.items():
            if rid_value not in seen and not off[0]:
                checked += 1
                differences.append(_difference(rid_value, "missing-online", None, off))
        return {
            "group": name,
            "checked": checked,
            "ok": not differences,
            "differences_total": len(differences),
            "differences": differences[:limit],
        }


def _with_nulls(record: dict, group: Group) -> dict:
    return {f: record.get(f) for f in group.feature_names}


def _difference(rid: str, kind: str, stored, off) -> dict[str, Any]:
    return {
        "record_id": rid,
        "kind": kind,
        "online": None if stored is None or stored.deleted else orjson.loads(stored.payload),
        "offline": None if off is None or off[0] else orjson.loads(off[1]),
    }


def _latest_sql(group: Group) -> str:
    rid = quote(group.record_identifier)
    et = event_time_sql(group, group.event_time)
    return (
        f"SELECT * FROM {quote(group.view)} WHERE {rid} IS NOT NULL QUALIFY row_number() OVER "
        f"(PARTITION BY {rid} ORDER BY {et} DESC, write_time DESC) = 1 AND NOT is_deleted"
    )


def _error(group: str, record_id: Any, error: Any) -> dict[str, Any]:
    return {
        "group": group,
        "record_id": record_id,
        "reason": error.reason,
        "message": error.message,
    }


def _iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    import datetime as dt

    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).isoformat()


def _timestamps(seconds: list[float]) -> pa.Array:
    micros = (np.asarray(seconds, dtype=np.float64) * 1e6).round().astype(np.int64)
    return pa.array(micros, pa.int64()).cast(TIMESTAMP)


def _event_value(raw: Any, field_type: str) -> Any:
    """An event time given as a query-string value, in the feature's type."""
    if field_type == FRACTIONAL and isinstance(raw, str):
        try:
            return float(raw)
        except ValueError:
            raise InvalidInput("event_time must be Unix seconds", "invalid-event-time") from None
    return raw


# ---------------------------------------------------------------------------------------------
# ingestion helpers (vectorised: a Python loop per row would cap ingestion far below 100k/s)


def _conform(group: Group, table: pa.Table) -> tuple[dict[str, Any], np.ndarray, dict[str, int]]:
    """Cast ``table`` to the group's features; (columns, row mask of valid rows, reasons)."""
    unknown = [c for c in table.column_names if c not in group.types]
    if unknown:
        raise InvalidInput(
            f"unknown feature(s) of {group.name}: {', '.join(unknown)[:200]}",
            reason="unknown-feature",
        )
    for required in (group.record_identifier, group.event_time):
        if required not in table.column_names:
            raise InvalidInput(f"the data needs a column {required!r}", reason="missing-field")
    n = table.num_rows
    keep = np.ones(n, dtype=bool)
    reasons: dict[str, int] = {}

    def reject(mask: np.ndarray, reason: str) -> None:
        new = mask & keep
        count = int(new.sum())
        if count:
            reasons[reason] = reasons.get(reason, 0) + count
            keep[new] = False

    columns: dict[str, Any] = {}
    for name, ftype in group.types.items():
        if name not in table.column_names:
            columns[name] = pa.nulls(n, ARROW_TYPES[ftype])
            continue
        column = table.column(name).combine_chunks() if n else table.column(name)
        if name == group.event_time:
            column, seconds = _event_column(column, ftype, name)
            reject(np.isnan(seconds), "invalid-event-time")
            with np.errstate(invalid="ignore"):
                reject((seconds < 0) | (seconds >= MAX_EVENT_SECONDS), "invalid-event-time")
            columns["__seconds"] = np.nan_to_num(seconds)
        else:
            column = _cast(column, ftype, name)
        if ftype == FRACTIONAL and n:
            values = column.to_numpy(zero_copy_only=False)
            with np.errstate(invalid="ignore"):
                reject(~np.isfinite(values) & ~np.isnan(values), "non-finite-value")
            # NaN is how pandas writes a missing value: store it as null
            column = pc.if_else(pc.is_nan(column), pa.scalar(None, pa.float64()), column)
        if ftype == STRING and n:
            too_long = pc.fill_null(pc.greater(pc.utf8_length(column), d.MAX_STRING), False)
            reject(too_long.to_numpy(zero_copy_only=False), "string-too-long")
        columns[name] = column
    ids = columns[group.record_identifier]
    reject(ids.is_null().to_numpy(zero_copy_only=False), "missing-record-identifier")
    if group.types[group.record_identifier] == STRING and n:
        bad = pc.fill_null(
            pc.or_(
                pc.equal(pc.utf8_length(ids), 0), pc.greater(pc.utf8_length(ids), d.MAX_RECORD_ID)
            ),
            False,
        )
        reject(bad.to_numpy(zero_copy_only=False), "invalid-record-identifier")
    return columns, keep, reasons


_STRINGS = tuple(
    t
    for t in (
        pa.types.is_string,
        pa.types.is_large_string,
        getattr(pa.types, "is_string_view", None),
    )
    if t
)


def _kind_fits(kind: pa.DataType, ftype: str) -> bool:
    if pa.types.is_null(kind):
        return True
    if ftype == INTEGRAL:
        return pa.types.is_integer(kind) or pa.types.is_floating(kind)
    if ftype == FRACTIONAL:
        return (
            pa.types.is_integer(kind) or pa.types.is_floating(kind) or (pa.types.is_decimal(kind))
        )
    return any(is_string(kind) for is_string in _STRINGS)


def _cast(column: pa.Array, ftype: str, name: str) -> pa.Array:
    if pa.types.is_dictionary(column.type):  # pandas categoricals
        column = column.dictionary_decode()
    kind = column.type
    if not _kind_fits(kind, ftype):
        raise InvalidInput(
            f"column {name!r} holds {kind}, not {ftype} values", reason="invalid-type"
        )
    if ftype == INTEGRAL and pa.types.is_floating(kind):
        # pandas turns an integer column with a missing value into floats with NaN: take it
        # when every value is a whole number (NaN becomes null)
        column = pc.if_else(pc.is_nan(column), pa.scalar(None, kind), column)
        whole = pc.fill_null(pc.equal(pc.floor(column), column), True)
        if not pc.all(whole).as_py():
            raise InvalidInput(
                f"column {name!r} holds fractions, not Integral values", reason="invalid-type"
            )
    try:
        return column.cast(ARROW_TYPES[ftype])
    except (pa.ArrowInvalid, OverflowError):
        raise InvalidInput(
            f"column {name!r} has values out of {ftype}'s range", reason="invalid-type"
        ) from None


def _event_column(column: pa.Array, ftype: str, name: str) -> tuple[pa.Array, np.ndarray]:
    """The event time column in the feature's type, and its Unix seconds (NaN when invalid)."""
    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    kind = column.type
    if pa.types.is_timestamp(kind):
        # seconds from the column's own unit: casting to microseconds first would refuse
        # nanoseconds (lost precision) and overflow far dates (rejected below as out of range)
        per_second = {"s": 1, "ms": 1e3, "us": 1e6, "ns": 1e9}[kind.unit]
        raw = column.cast(pa.int64()).to_numpy(zero_copy_only=False)
        seconds = raw.astype(np.float64) / per_second
        seconds[column.is_null().to_numpy(zero_copy_only=False)] = np.nan
        if ftype == FRACTIONAL:
            typed = pa.array(seconds, pa.float64(), from_pandas=True)
        else:
            in_range = (seconds >= 0) & (seconds < MAX_EVENT_SECONDS)
            safe = pc.if_else(pa.array(in_range), column, pa.scalar(None, kind))
            utc = safe.cast(pa.timestamp(kind.unit, "UTC")).cast(TIMESTAMP, safe=False)
            # Arrow's %S carries the fraction of the unit: microseconds here
            typed = pc.strftime(utc, format="%Y-%m-%dT%H:%M:%SZ")
        return typed, seconds
    if ftype == FRACTIONAL:
        typed = _cast(column, FRACTIONAL, name)
        return typed, typed.to_numpy(zero_copy_only=False).astype(np.float64)
    typed = _cast(column, STRING, name)
    import pandas as pd

    well_formed = pc.match_substring_regex(typed, d.ISO_EVENT_TIME.pattern)
    typed_checked = pc.if_else(well_formed, typed, pa.scalar(None, pa.string()))

    parsed = pd.to_datetime(
        pd.Series(typed_checked.to_numpy(zero_copy_only=False)),
        utc=True,
        format="ISO8601",
        errors="coerce",
    )
    seconds = parsed.to_numpy(dtype="datetime64[us]").astype("int64").astype(np.float64) / 1e6
    seconds[parsed.isna().to_numpy()] = np.nan
    return typed, seconds


def _last_of_each(ids: pa.Array, seconds: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Mask of the kept rows that are the last row of their (id, event time)."""
    if not len(seconds):
        return keep.copy()
    codes = pc.dictionary_encode(ids).indices.to_numpy(zero_copy_only=False)
    order = np.lexsort((np.arange(len(seconds)), seconds, codes))
    order = order[keep[order]]
    out = np.zeros(len(seconds), dtype=bool)
    if len(order):
        c, s = codes[order], seconds[order]
        is_last = np.r_[(c[1:] != c[:-1]) | (s[1:] != s[:-1]), True]
        out[order[is_last]] = True
    return out


def _latest_rows(table: pa.Table, seconds: np.ndarray, group: Group, now: float) -> list[PutRow]:
    """The newest record of each id as online rows (JSON built by DuckDB, in parallel)."""
    rid = quote(group.record_identifier)
    features = ", ".join(f"{quote(f)} := {quote(f)}" for f in group.feature_names)
    ids = table.column(group.record_identifier)
    # the window is only needed when an id occurs twice in the batch
    unique = pc.count_distinct(ids).as_py() == len(ids)
    newest = (
        ""
        if unique
        else (f" QUALIFY row_number() OVER (PARTITION BY {rid} ORDER BY __fs_et DESC) = 1")
    )
    con = duckdb.connect()
    try:
        con.register("t", table.append_column("__fs_et", pa.array(seconds, pa.float64())))
        out = con.sql(
            f"SELECT CAST({rid} AS VARCHAR) AS id, __fs_et AS et, "
            f"encode(CAST(to_json(struct_pack({features})) AS VARCHAR)) AS payload FROM t{newest}"
        ).to_arrow_table()
    finally:
        con.close()
    columns = (out.column("id").to_pylist(), out.column("et").to_pylist())
    return list(zip(*columns, repeat(now), out.column("payload").to_pylist(), strict=False))
