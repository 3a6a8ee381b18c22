"""Who has which collaboration room open in this server process.

The identities are the ones the server authenticated when each websocket opened, never the
self-declared user of a client's awareness state, so nobody can appear as someone else.
"""

from __future__ import annotations

import threading
from collections import Counter

SETTINGS_KEY = "mlops_studio.presence"


class Presence:
    def __init__(self) -> None:
        self._rooms: dict[str, Counter[str]] = {}
        self._lock = threading.Lock()

    def join(self, room_id: str, username: str) -> None:
        with self._lock:
            self._rooms.setdefault(room_id, Counter())[username] += 1

    def leave(self, room_id: str, username: str) -> None:
        with self._lock:
            users = self._rooms.get(room_id)
            if users is None or users[username] <= 0:
                return
            users[username] -= 1
            if users[username] == 0:
                del users[username]
            if not users:
                del self._rooms[room_id]

    def open_rooms(self) -> list[tuple[str, str]]:
        """(room id, username) for every user with at least one connection to a room."""
        with self._lock:
            return [(room, user) for room, users in self._rooms.items() for user in users]


def presence_of(settings: dict) -> Presence:
    presence = settings.get(SETTINGS_KEY)
    if presence is None:
        presence = settings[SETTINGS_KEY] = Presence()
    return presence


def document_path(room_id: str, file_id_manager) -> str | None:
    """The API path of a document room (``<format>:<type>:<file id>``), None for others."""
    parts = room_id.split(":", 2)
    if len(parts) != 3 or file_id_manager is None:
        return None
    return file_id_manager.get_path(parts[2])
