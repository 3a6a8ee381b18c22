"""The collaboration update store: jupyter-collaboration's SQLite store, fast and bounded.

**Fast.** The room writes each batch of updates here before any client receives it, so a write
is on the path of every edit. The upstream store spends several thread hops per write and
commits with SQLite's rollback journal, two fsyncs: 10-20 ms on a busy disk. This store writes
on a connection of its own in WAL mode with ``synchronous=NORMAL``, one thread hop per write: a
committed update is in the operating system's hands, so it survives the server being killed
(SIGKILL), which is the durability the room promises; a power cut may lose the last commits.

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

    async def write(self, data: bytes) -> None:
        if self.db_initialized is None:
            raise RuntimeError("YStore not started")
        await self.db_initialized.wait()
        metadata = await self.get_metadata()
        async with self.lock:
            compacted = await asyncio.to_thread(self._write, data, metadata)
        if compacted and self.on_compact is not None:
            await self.on_compact()

    def _connection(self) -> sqlite3.Connection:
        if self._writer is None:
            db = sqlite3.connect(
                self.db_path, timeout=30, isolation_level=None, check_same_thread=False
            )
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._writer = db
        return self._writer

    def _write(self, data: bytes, metadata: bytes) -> bool:
        """Store one update (a thread's work); True when the document's rows were compacted."""
        db = self._connection()
        blob = self._compress(data) if self._compress else data
        db.execute(
            "INSERT INTO yupdates VALUES (?, ?, ?, ?)", (self.path, blob, metadata, time.time())
        )
        if self.max_updates <= 0:
            return False
        if self._stored is None:
            query = "SELECT count(*) FROM yupdates WHERE path = ?"
            (self._stored,) = db.execute(query, (self.path,)).fetchone()
        else:
            self._stored += 1
        if self._stored <= self.max_updates:
            return False
        db.execute("BEGIN IMMEDIATE")
        try:
            self._compact(db)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._stored = 1
        return True

    def _compact(self, db: sqlite3.Connection) -> None:
        rows = db.execute(
            "SELECT yupdate, metadata, timestamp FROM yupdates WHERE path = ? "
            "ORDER BY timestamp, rowid",
            (self.path,),
        ).fetchall()
        doc = Doc()
        for update, _, _ in rows:
            doc.apply_update(self._decompress(update) if self._decompress else update)
        merged = doc.get_update()
        _, metadata, newest = rows[-1]
        db.execute("DELETE FROM yupdates WHERE path = ?", (self.path,))
        # a checkpoint of the upstream store's (an older database) is in the merged update too
        db.execute("DELETE FROM ycheckpoints WHERE path = ?", (self.path,))
        db.execute(
            "INSERT INTO yupdates VALUES (?, ?, ?, ?)",
            (self.path, self._compress(merged) if self._compress else merged, metadata, newest),
        )
        self.log.debug("Compacted %d updates of %s into one", len(rows), self.path)

    async def stop(self) -> None:
        async with self.lock:  # after the write in flight, if any
            if self._writer is not None:
                self._writer.close()
                self._writer = None
        await super().stop()
