"""The collaboration update store: jupyter-collaboration's SQLite store, fast and bounded.

**Fast.** The room writes each batch of updates here before any client receives it, so a write
is on the path of every edit. The upstream store spends several thread hops per write and
commits with SQLite's rollback journal, two fsyncs: 10-20 ms on a busy disk. This store appends
on a connection of its own in WAL mode with ``synchronous=NORMAL``: a commit is an append to the
write-ahead log without fsync (about 0.1 ms), done right in the event loop, because a hop to a
thread costs more than that and, with the loop busy, waits for the GIL (up to 30 ms seen). A
committed update is in the operating system's hands, so it survives the server being killed
(SIGKILL), which is the durability the room promises; a power cut may lose the last commits.
Compactions, rare and longer, run on a thread.

**Bounded.** The upstream store keeps every update of a document forever unless a time-based
squash is configured, and that squash (pycrdt-store 0.1.5) applies the old updates only when
compression is on, so with the defaults it would replace a document's history by an empty one.
This store compacts by size instead: once a document holds more than ``max_updates`` rows,
they are merged into one update in one transaction. Merging Y updates loses no content (the
merged update holds every item, deleted ones as tombstones), so the store still restores the
document exactly, however long it has been edited. Each compaction is also a checkpoint: the
document's room keeps its content then as a version in the document history.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import Awaitable, Callable

from jupyter_server_ydoc.stores import SQLiteYStore
from pycrdt import Doc
from traitlets import Int


class StudioYStore(SQLiteYStore):
    max_updates = Int(
        1000,
        config=True,
        help="""A document's stored updates are merged into one when there are more than this
        many: the store of a document stays bounded however long it is edited.""",
    )

    #: called after a compaction (the document's room keeps a checkpoint version with it)
    on_compact: Callable[[], Awaitable[None]] | None = None

    #: rows stored for this document, counted once and then followed (a store object serves one
    #: document of one server; None until the first write)
    _stored: int | None = None
    _writer: sqlite3.Connection | None = None
    _compacting: asyncio.Task | None = None

    async def write(self, data: bytes) -> None:
        if self.db_initialized is None:
            raise RuntimeError("YStore not started")
        if not self.db_initialized.is_set():
            await self.db_initialized.wait()
        metadata = b"" if self.metadata_callback is None else await self.get_metadata()
        if self.lock.locked():  # a compaction is replacing rows: after it
            async with self.lock:
                compact = self._append(data, metadata)
        else:  # no await between the check and the append: the loop does not turn
            compact = self._append(data, metadata)
        if compact and self._compacting is None:
            self._compacting = asyncio.create_task(self._compact())

    async def flush(self) -> None:
        """Wait for the compaction in progress, if any."""
        if self._compacting is not None:
            await asyncio.shield(self._compacting)

    def _connection(self) -> sqlite3.Connection:
        if self._writer is None:
            self._writer = self._connect()
        return self._writer

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(
            self.db_path, timeout=30, isolation_level=None, check_same_thread=False
        )
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def _encode(self, update: bytes) -> bytes:
        return self._compress(update) if self._compress else update

    def _merged(self, blobs) -> bytes:
        """Stored updates (as stored: compressed or not) merged into one update."""
        doc = Doc()
        for blob in blobs:
            doc.apply_update(self._decompress(blob) if self._decompress else blob)
        return doc.get_update()

    def _append(self, data: bytes, metadata: bytes) -> bool:
        """Store one update; True when the document has more rows than ``max_updates``."""
        db = self._connection()
        db.execute(
            "INSERT INTO yupdates VALUES (?, ?, ?, ?)",
            (self.path, self._encode(data), metadata, time.time()),
        )
        if self.max_updates <= 0:
            return False
        if self._stored is None:
            query = "SELECT count(*) FROM yupdates WHERE path = ?"
            (self._stored,) = db.execute(query, (self.path,)).fetchone()
        else:
            self._stored += 1
        return self._stored > self.max_updates

    async def _compact(self) -> None:
        """Merge the document's rows into one, off the event loop; updates written meanwhile
        are kept as they are (only the rows read are replaced)."""
        try:
            db = await asyncio.to_thread(self._connect)
            try:
                rows = await asyncio.to_thread(self._rows, db)
                merged = await asyncio.to_thread(self._merged, [row[1] for row in rows])
                last = max(row[0] for row in rows)
                _, _, metadata, newest = rows[-1]
                async with self.lock:  # no append while the rows are replaced
                    await asyncio.to_thread(self._replace, db, last, merged, metadata, newest)
            finally:
                db.close()
            self._stored -= len(rows) - 1
            self.log.debug("Compacted %d updates of %s into one", len(rows), self.path)
            if self.on_compact is not None:
                await self.on_compact()
        except Exception:
            self.log.exception("Could not compact the stored updates of %s", self.path)
        finally:
            self._compacting = None

    def _rows(self, db: sqlite3.Connection) -> list[tuple[int, bytes, bytes, float]]:
        """(rowid, update, metadata, timestamp) of the document's rows, oldest first."""
        return db.execute(
            "SELECT rowid, yupdate, metadata, timestamp FROM yupdates WHERE path = ? "
            "ORDER BY timestamp, rowid",
            (self.path,),
        ).fetchall()

    def _replace(self, db, last: int, merged: bytes, metadata: bytes, newest: float) -> None:
        """Replace the document's rows up to rowid ``last`` by their merged update."""
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM yupdates WHERE path = ? AND rowid <= ?", (self.path, last))
            # a checkpoint of the upstream store's (an older database) is in the merged update
            db.execute("DELETE FROM ycheckpoints WHERE path = ?", (self.path,))
            db.execute(
                "INSERT INTO yupdates VALUES (?, ?, ?, ?)",
                (self.path, self._encode(merged), metadata, newest),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def stored(self) -> tuple[bytes, float] | None:
        """The document as this store holds it, as one update, and the time of its newest
        update; None when it holds nothing of it (a thread's work)."""
        if not os.path.exists(self.db_path):
            return None  # not created yet (and not created here: the store creates it)
        try:
            db = self._connect()
        except sqlite3.Error:
            return None
        try:
            rows = [(update, timestamp) for _, update, _, timestamp in self._rows(db)]
            checkpoint = db.execute(
                "SELECT checkpoint, timestamp FROM ycheckpoints WHERE path = ?", (self.path,)
            ).fetchone()
        except sqlite3.Error:  # a database not created yet
            return None
        finally:
            db.close()
        if checkpoint is not None:
            rows.insert(0, checkpoint)
        if not rows:
            return None
        return self._merged(blob for blob, _ in rows), max(timestamp for _, timestamp in rows)

    async def stop(self) -> None:
        await self.flush()
        async with self.lock:
            if self._writer is not None:
                self._writer.close()
                self._writer = None
        await super().stop()
