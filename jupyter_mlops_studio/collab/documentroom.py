"""jupyter-collaboration's document room, keeping its content before the disk's replaces it.

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
from typing import Any

from jupyter_server_ydoc.rooms import DocumentRoom
from jupyter_server_ydoc.utils import OutOfBandChanges

from .history import DocumentHistory

NOTICE_KEY = "studioOutOfBand"


class StudioDocumentRoom(DocumentRoom):
    #: where the room's content goes before an out-of-band change overwrites it (set by the
    #: studio extension at start; one server per process)
    history: DocumentHistory | None = None

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._file = _KeepingLoader(self._file, self)

    async def keep_before_overwrite(self) -> dict[str, Any] | None:
        """Keep the room's content as a version (never raises: keeping a version must not stop
        the room from following the disk)."""
        history = type(self).history
        if history is None:
            return None
        try:
            content = await self._document.aget()
            return await asyncio.to_thread(
                history.add, self._file.file_id, self._file.path, content, "out-of-band"
            )
        except Exception:
            self.log.exception("Could not keep the room content of %s", self._file.path)
            return None

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

    async def _on_outofband_change(self) -> None:
        kept = await self.keep_before_overwrite()
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
            await self._room.announce(await self._room.keep_before_overwrite())
            raise


def install(history: DocumentHistory) -> None:
    """Make jupyter-collaboration's room handler create studio rooms."""
    from jupyter_server_ydoc import handlers

    StudioDocumentRoom.history = history
    handlers.DocumentRoom = StudioDocumentRoom
