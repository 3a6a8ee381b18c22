"""jupyter-collaboration's document room, keeping its content before the disk's replaces it."""

from __future__ import annotations

import asyncio

from jupyter_server_ydoc.rooms import DocumentRoom

from .history import DocumentHistory


class StudioDocumentRoom(DocumentRoom):
    #: where the room's content goes before an out-of-band change overwrites it (set by the
    #: studio extension at start; one server per process)
    history: DocumentHistory | None = None

    async def _on_outofband_change(self) -> None:
        history = type(self).history
        if history is not None:
            try:
                content = await self._document.aget()
                await asyncio.to_thread(
                    history.add, self._file.file_id, self._file.path, content, "out-of-band"
                )
            except Exception:
                # keeping a version must never stop the room from following the disk
                self.log.exception("Could not keep the room content of %s", self._file.path)
        await super()._on_outofband_change()


def install(history: DocumentHistory) -> None:
    """Make jupyter-collaboration's room handler create studio rooms."""
    from jupyter_server_ydoc import handlers

    StudioDocumentRoom.history = history
    handlers.DocumentRoom = StudioDocumentRoom
