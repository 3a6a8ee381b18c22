"""jupyter-collaboration's document room, with a broadcast that keeps up and keeps what it sends.

**Broadcast.** The upstream room sends every update to every client as a task of its own and
writes it to the store as another, so under load its backlog grows without bound, and the store
lags what clients have seen. This room collects the document's updates as they are applied and
sends them in batches: it takes everything that arrived, merges it into one update, writes that
to the store first, and only then sends it to every client, so an update any client has received
is in the store (a SIGKILL loses at most the batch being written, which nobody has seen). Two
broadcasts are at least ``batch_interval_per_client`` per client apart, and what arrives
meanwhile forms the next batch: the busier the room, the fewer and larger the messages. A client
whose socket is not draining gets nothing more written to it (``outbox.py``); its updates wait,
merged into one, until its last write has gone out (backpressure without dropping an edit, and
with bounded memory: a merged update is never larger than the document's history).

**Out-of-band changes.**
A change on disk reaches a room two ways: the file watcher notices it
(``_on_outofband_change``), or a save finds the file changed under it (the loader raises
``OutOfBandChanges`` and the room reloads). Both keep the room's content as a version first, and
then tell the collaborators through the document's state map (``studioOutOfBand``: the version
kept, when, and the path), which every client observes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from typing import Any

from jupyter_server_ydoc.rooms import YFILE, DocumentRoom
from jupyter_server_ydoc.utils import OutOfBandChanges
from jupyter_ydoc import ydocs as YDOCS
from pycrdt import (
    Decoder,
    Doc,
    YMessageType,
    YSyncMessageType,
    create_sync_message,
    handle_sync_message,
    is_awareness_disconnect_message,
    read_message,
)

from .history import DocumentHistory
from .outbox import ClientOutbox, merge_all
from .ystore import StudioYStore

NOTICE_KEY = "studioOutOfBand"
#: the client id jupyter-collaboration writes a file's content with when it builds a room
LOADER_CLIENT = 0
#: why a client of another lineage is closed (JupyterLab offers to reload the document)
RELOAD_ANOTHER_LINEAGE = json.dumps(
    {
        "reason": "The document was reloaded on the server since this copy was opened",
        "reloadable": True,
    }
)


def decode_state_vector(data: bytes) -> dict[int, int]:
    """A Y state vector: {client id: clock}."""
    decoder = Decoder(data)
    return {
        decoder.read_var_uint(): decoder.read_var_uint() for _ in range(decoder.read_var_uint())
    }


class StudioDocumentRoom(DocumentRoom):
    #: where the room's content goes before an out-of-band change overwrites it (set by the
    #: studio extension at start; one server per process)
    history: DocumentHistory | None = None

    #: the shortest time between two broadcasts, per client in the room and at least
    #: ``min_batch_interval``: updates arriving meanwhile go out merged. A broadcast costs the
    #: server a write per client and each client a message to apply, so a busy room with many
    #: clients sends fewer, larger messages (10 ms apart at 50 clients); an edit that arrives
    #: after a quiet moment goes out at once.
    batch_interval_per_client: float = 0.0002
    min_batch_interval: float = 0.002

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._file = _KeepingLoader(self._file, self)
        self._outboxes: dict[Any, ClientOutbox] = {}
        self._collected: list[bytes] = []
        self._collected_event = asyncio.Event()
        if isinstance(self.ystore, StudioYStore):
            self.ystore.on_compact = self.keep_checkpoint

    def _same_lineage(self, payload: bytes) -> bool:
        """Whether a client's document (its state vector, from its SYNC_STEP1) grew from this
        room's. A room rebuilt from the file writes the file's content as client 0 (so that
        rooms rebuilt from the same file agree); a client holding client 0's items of another
        rebuild would merge them with this one's, duplicating cells and text (#594)."""
        try:
            theirs = decode_state_vector(read_message(payload))
        except Exception:
            return True  # not ours to judge: the sync itself will fail on it
        mine = decode_state_vector(self.ydoc.get_state()).get(LOADER_CLIENT, 0)
        return theirs.get(LOADER_CLIENT, 0) in (0, mine)

    # -- opening --------------------------------------------------------------------------------
    async def initialize(self) -> None:
        if not self.ready and isinstance(self.ystore, StudioYStore):
            await self._reconcile_store_and_file()
        await super().initialize()

    async def _reconcile_store_and_file(self) -> None:
        """Decide between the update store and the file before the room opens on them.

        jupyter-collaboration opens a room from its store only when the store holds exactly
        the file's content, and otherwise reloads the file. After a crash the store is *ahead*:
        it holds edits every client saw that the file never got. So the newer of the two wins:
        a store whose newest update is later than the file's modification is written to the
        file first (the file's content kept as a version), and a file changed after the store's
        newest update (by another program while the room was closed) wins, with the store's
        content kept as a version. Nothing is dropped silently either way.
        """
        try:
            stored = await asyncio.to_thread(self.ystore.stored)
            if stored is None:
                return
            update, newest = stored
            model = await self._file.load_content(self._file_format, self._file_type)
            doc = Doc()
            doc.apply_update(update)
            content = YDOCS.get(self._file_type, YFILE)(doc).get()
            if content == model["content"]:
                return
            history, file_id, path = type(self).history, self._file.file_id, self._file.path
            if newest > model["last_modified"].timestamp():
                if history is not None:
                    await asyncio.to_thread(
                        history.add, file_id, path, model["content"], "before-recovery"
                    )
                saving = {"format": self._file_format, "type": self._file_type}
                await self._file.maybe_save_content({**saving, "content": content})
                self.log.warning("Recovered the unsaved edits of %s from the update store", path)
            elif history is not None:
                await asyncio.to_thread(history.add, file_id, path, content, "out-of-band")
        except Exception:
            self.log.exception("Could not reconcile the update store with %s", self._file.path)

    # -- broadcast ------------------------------------------------------------------------------
    async def _watch_ready(self) -> None:
        await self.ready_event.wait()
        self._subscription = self.ydoc.observe(self._collect)
        self.ydoc_observed.set()

    def _collect(self, event: Any) -> None:
        self._collected.append(event.update)
        self._collected_event.set()

    def _take_collected(self) -> bytes | None:
        updates, self._collected = self._collected, []
        self._collected_event.clear()
        return merge_all(updates) if updates else None

    async def _broadcast_updates(self) -> None:
        if self.ystore is not None:
            async with self.ystore.start_lock:
                if not self.ystore.started.is_set():
                    await self._task_group.start(self.ystore.start)
        try:
            while True:
                await self._collected_event.wait()
                update = self._take_collected()
                if update is None:
                    continue
                sent_at = time.monotonic()
                await self._store(update)  # stored before anyone sees it
                for outbox in list(self._outboxes.values()):
                    outbox.send_update(update)
                interval = max(
                    self.min_batch_interval, self.batch_interval_per_client * len(self._outboxes)
                )
                wait = interval - (time.monotonic() - sent_at)
                if wait > 0:
                    await asyncio.sleep(wait)
        except asyncio.CancelledError:
            pass

    async def _store(self, update: bytes) -> None:
        if self.ystore is None:
            return
        try:
            await self.ystore.write(update)
        except Exception:
            # the room goes on (its clients hold the edits and the file is saved as usual)
            self.log.exception("Could not store an update of room %s", self._room_id)

    async def stop(self) -> None:
        update = self._take_collected()  # what was applied but not yet broadcast
        if update is not None:
            await self._store(update)
        await super().stop()

    async def serve(self, channel: Any) -> None:
        """Serve one client: its sync messages update the document, its awareness goes to all."""
        outbox = self._outboxes[channel] = ClientOutbox(channel)
        self.clients.add(channel)
        try:
            outbox.send(create_sync_message(self.ydoc))
            async for message in channel:
                try:
                    self._receive(channel, outbox, message)
                except Exception as exc:
                    if not await self._on_message_error(exc, message, channel):
                        self.log.warning("Bad message in room %s: %r", self._room_id, exc)
        finally:
            self.clients.discard(channel)
            self._outboxes.pop(channel, None)

    def _receive(self, channel: Any, outbox: ClientOutbox, message: bytes) -> None:
        kind = message[0]
        if outbox.closed:
            return  # refused or gone: nothing of it is applied
        if kind == YMessageType.SYNC and message[1] == YSyncMessageType.SYNC_STEP1:
            if not self._same_lineage(message[2:]):
                self.log.warning(
                    "Refused a client of %s: its document is of another lineage", self._room_id
                )
                outbox.refuse(RELOAD_ANOTHER_LINEAGE)
                return
        if kind == YMessageType.SYNC:
            reply = handle_sync_message(message[1:], self.ydoc)
            if reply is not None:
                outbox.send(reply)
        elif kind == YMessageType.AWARENESS:
            leaving = is_awareness_disconnect_message(message[1:])
            for client, other in list(self._outboxes.items()):
                if not (leaving and client is channel):
                    other.send(message)
            self.awareness.apply_awareness_update(read_message(message[1:]), self)

    async def keep_version(self, reason: str) -> dict[str, Any] | None:
        """Keep the room's content as a version (never raises: keeping a version must not stop
        the room from following the disk, nor its store from compacting)."""
        history = type(self).history
        if history is None:
            return None
        try:
            content = await self._document.aget()
            return await asyncio.to_thread(
                history.add, self._file.file_id, self._file.path, content, reason
            )
        except Exception:
            self.log.exception("Could not keep the room content of %s", self._file.path)
            return None

    async def keep_checkpoint(self) -> None:
        await self.keep_version("checkpoint")

    async def announce(self, kept: dict[str, Any] | None) -> None:
        """Tell the collaborators which version holds the room's previous content (under the
        room's update lock, so that the notice does not trigger a save)."""
        if kept is None:
            return
        notice = {
            "version": kept["version"],
            "at": dt.datetime.now(dt.timezone.utc).isoformat(),
            "path": self._file.path,
        }
        async with self._update_lock:
            self._document.ystate[NOTICE_KEY] = json.dumps(notice)

    async def replace_content(self, content: Any) -> None:
        """Make ``content`` the document's, as an edit every collaborator receives, then save."""
        await self._document.aset(content)
        saving = self._save_to_disc()
        if saving is not None:
            await saving

    async def _on_outofband_change(self) -> None:
        kept = await self.keep_version("out-of-band")
        await super()._on_outofband_change()
        await self.announce(kept)


class _KeepingLoader:
    """The room's file loader, keeping the room's content when a save meets a changed file."""

    def __init__(self, loader: Any, room: StudioDocumentRoom):
        self._loader, self._room = loader, room

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)

    async def maybe_save_content(self, model: dict[str, Any]) -> dict[str, Any] | None:
        try:
            return await self._loader.maybe_save_content(model)
        except OutOfBandChanges:
            await self._room.announce(await self._room.keep_version("out-of-band"))
            raise


def install(history: DocumentHistory) -> None:
    """Make jupyter-collaboration's room handler create studio rooms."""
    from jupyter_server_ydoc import handlers

    StudioDocumentRoom.history = history
    handlers.DocumentRoom = StudioDocumentRoom
