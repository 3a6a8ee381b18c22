"""The collaboration update store: jupyter-collaboration's SQLite store with a bounded history.

Its store keeps every update of a document forever unless a time-based squash is configured,
and that squash (pycrdt-store 0.1.5) applies the old updates only when compression is on, so
with the defaults it would replace a document's history by an empty one. This store compacts
by size instead: once a document holds more than ``max_updates`` rows, they are merged into one
update in the transaction that wrote the last one. Merging Y updates loses no content (the
merged update holds every item, deleted ones as tombstones), so the store still restores the
document exactly, however long it has been edited. Each compaction is also a checkpoint: the
document's room keeps its content then as a version in the document history.
"""

from __future__ import annotations

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

    async def write(self, data: bytes) -> None:
        await super().write(data)
        if self.max_updates <= 0:
            return
        if self._stored is not None:
            self._stored += 1
            if self._stored <= self.max_updates:
                return
        async with self.lock:
            async with self._db:
                cursor = await self._db.cursor()
                await cursor.execute("SELECT count(*) FROM yupdates WHERE path = ?", (self.path,))
                (self._stored,) = await cursor.fetchone()
                compacting = self._stored > self.max_updates
                if compacting:
                    await self._compact(cursor)
                    self._stored = 1
        if compacting and self.on_compact is not None:
            await self.on_compact()

    async def _compact(self, cursor) -> None:
        await cursor.execute(
            "SELECT yupdate, metadata, timestamp FROM yupdates WHERE path = ? "
            "ORDER BY timestamp, rowid",
            (self.path,),
        )
        rows = await cursor.fetchall()
        doc = Doc()
        for update, _, _ in rows:
            doc.apply_update(self._decompress(update) if self._decompress else update)
        merged = doc.get_update()
        _, metadata, newest = rows[-1]
        await cursor.execute("DELETE FROM yupdates WHERE path = ?", (self.path,))
        await cursor.execute(
            "INSERT INTO yupdates VALUES (?, ?, ?, ?)",
            (self.path, self._compress(merged) if self._compress else merged, metadata, newest),
        )
        self.log.debug("Compacted %d updates of %s into one", len(rows), self.path)
