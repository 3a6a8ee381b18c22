"""Collaboration rooms where viewers see every edit but their own edits never land.

jupyter-collaboration lets anyone who may read a document write to its room. The studio's room
handler keeps its wire protocol and drops, on the server, the Y sync messages that carry document
updates (SYNC_STEP2 and SYNC_UPDATE) from users who may not write the document's path. Awareness
(presence, cursors) still flows, so viewers appear to everyone.
"""

from __future__ import annotations

import asyncio
import time

from jupyter_server_ydoc.handlers import YDocWebSocketHandler
from pycrdt import YMessageType, YSyncMessageType

from ..core.guard import GLOBAL_AWARENESS_ROOM
from ..core.identity import principal_of
from ..core.policy import WRITE
from ..core.services import services_of
from .presence import document_path, presence_of

#: how long a write decision is reused before the role is looked up again. A role change made
#: through this server applies to open connections at their next message (the spaces service
#: counts role changes); one made by another server process sharing the database, within this.
ROLE_RECHECK_SECONDS = 2.0
#: a client's messages the room has not taken yet, beyond which its socket is no longer read
MAX_UNREAD = 256
UPDATE_MESSAGES = (YSyncMessageType.SYNC_STEP2, YSyncMessageType.SYNC_UPDATE)


def carries_update(message: bytes) -> bool:
    return len(message) >= 2 and message[0] == YMessageType.SYNC and message[1] in UPDATE_MESSAGES


def is_save_request(message: bytes) -> bool:
    return len(message) >= 1 and message[0] == 2  # jupyter-collaboration's RAW "save" message


class RoleAwareRoomHandler(YDocWebSocketHandler):
    """The collaboration room websocket, filtering document updates by the user's space role."""

    _may_write: bool | None = None
    _checked_at: float = 0.0
    _roles_version: int = -1
    _present_as: str | None = None
    _drained: asyncio.Event | None = None

    def initialize(self, **kwargs):
        # registered ahead of jupyter-collaboration's route, it serves with that route's arguments
        super().initialize(**(kwargs or _collaboration_room_kwargs(self.application)))

    async def open(self, room_id):
        # an edit is a small message that must go out now: no Nagle delay (its 40 ms tail)
        self.set_nodelay(True)
        await super().open(room_id)
        principal = principal_of(self.current_user)
        closing = self.ws_connection is None or self.ws_connection.is_closing()
        if principal is not None and not closing and self._room_id != GLOBAL_AWARENESS_ROOM:
            self._present_as = principal.username
            presence_of(self.settings).join(self._room_id, principal.username)

    def on_close(self) -> None:
        if self._drained is not None:
            self._drained.set()
        if self._present_as is not None:
            presence_of(self.settings).leave(self._room_id, self._present_as)
            self._present_as = None
        return super().on_close()

    def may_write(self) -> bool:
        now = time.monotonic()
        version = services_of(self.settings).spaces.roles_version
        if (
            self._may_write is None
            or version != self._roles_version
            or now - self._checked_at > ROLE_RECHECK_SECONDS
        ):
            self._roles_version = version  # read before the decision: a later change rechecks
            self._may_write = self._decide_write()
            self._checked_at = now
        return self._may_write

    def _decide_write(self) -> bool:
        principal = principal_of(self.current_user)
        if principal is None or self._room_id == GLOBAL_AWARENESS_ROOM:
            return principal is not None
        path = document_path(self._room_id, self.settings.get("file_id_manager"))
        if path is None:
            return False
        return services_of(self.settings).policy.can(principal, path, WRITE)

    async def on_message(self, message):
        if getattr(self.ws_connection, "server_terminated", False):
            return  # a connection the server closes (a refused session): nothing of it applies
        if (carries_update(message) or is_save_request(message)) and not self.may_write():
            self.log.debug("dropped an update from read-only %s", self.current_user.username)
            return
        if self._message_queue.qsize() >= MAX_UNREAD:
            # backpressure: tornado reads this client's next message only when this returns
            self._drained = asyncio.Event()
            await self._drained.wait()
        return await super().on_message(message)

    async def __anext__(self):
        message = await super().__anext__()
        if self._drained is not None and self._message_queue.qsize() < MAX_UNREAD // 2:
            self._drained.set()
            self._drained = None
        return message


def _collaboration_room_kwargs(application) -> dict:
    """The arguments jupyter-collaboration gave its own room route (its room server, stores…)."""
    cached = application.settings.get("mlops_studio.room_kwargs")
    if cached is not None:
        return cached

    def walk(router):
        for rule in getattr(router, "rules", []):
            if rule.target is YDocWebSocketHandler:
                return rule.target_kwargs
            found = walk(rule.target) if hasattr(rule.target, "rules") else None
            if found is not None:
                return found
        return None

    kwargs = walk(application.default_router)
    if kwargs is None:
        raise RuntimeError("jupyter-collaboration's room route is not registered")
    application.settings["mlops_studio.room_kwargs"] = kwargs
    return kwargs


ROOM_ROUTE = r"/api/collaboration/room/(.*)"


def live_room(application, api_path: str):
    """The open, loaded collaboration room of notebook ``api_path``, or None."""
    manager = application.settings.get("file_id_manager")
    try:
        server = _collaboration_room_kwargs(application)["ywebsocket_server"]
    except (RuntimeError, KeyError):
        return None
    file_id = manager.get_id(api_path) if manager is not None else None
    if file_id is None:
        return None
    room = server.rooms.get(f"json:notebook:{file_id}")
    if getattr(room, "_document", None) is None or not getattr(room, "ready", True):
        return None
    return room


async def live_notebook(application, api_path: str) -> dict | None:
    """The notebook of ``api_path`` as its open collaboration room holds it now (unsaved edits
    included), or None when no room is open for it."""
    room = live_room(application, api_path)
    return None if room is None else await room._document.aget()
