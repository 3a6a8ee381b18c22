"""Saving and restoring versions of a collaborative document, through its room when it is open.

An open room holds the document as its collaborators see it, unsaved edits included: a version is
saved from there, and a restore is an edit of the room (every collaborator sees it at once, the
store keeps it, the room saves it to the file). With no room open, the file is read and written.
"""

from __future__ import annotations

import asyncio
from typing import Any

from jupyter_server.utils import ensure_async

from .history import DocumentHistory
from .rooms import live_room


async def current_content(application: Any, path: str) -> Any:
    """The document as it is now: its open room's content, else the file's."""
    room = live_room(application, path)
    if room is not None:
        return await room._document.aget()
    contents = application.settings["contents_manager"]
    return (await ensure_async(contents.get(path, content=True)))["content"]


async def save_version(
    application: Any, history: DocumentHistory, path: str, file_id: str, user: str, label=None
) -> dict:
    content = await current_content(application, path)
    return await asyncio.to_thread(history.add, file_id, path, content, "saved", user, label)


async def restore_version(
    application: Any, history: DocumentHistory, path: str, file_id: str, version: Any, user: str
) -> dict:
    """Make version ``version`` the document's content; what it replaces is kept first."""
    kept = await asyncio.to_thread(history.get, file_id, version)
    room = live_room(application, path)
    if room is not None and hasattr(room, "replace_content"):
        replaced = await room._document.aget()
        await asyncio.to_thread(history.add, file_id, path, replaced, "before-restore", user)
        await room.replace_content(kept["content"])
    else:
        contents = application.settings["contents_manager"]
        current = await ensure_async(contents.get(path, content=True))
        await asyncio.to_thread(
            history.add, file_id, path, current["content"], "before-restore", user
        )
        model = {"type": current["type"], "format": current["format"], "content": kept["content"]}
        await ensure_async(contents.save(model, path))
    return {"path": path, "restored": kept["version"]}
