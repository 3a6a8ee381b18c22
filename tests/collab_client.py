"""A collaboration room client on raw pycrdt, as a browser behaves: it syncs, applies what the
server sends, and sends only its own edits (never echoes what it received)."""

from __future__ import annotations

import asyncio
import logging
import time

from jupyter_ydoc import YNotebook
from pycrdt import (
    Doc,
    YMessageType,
    create_sync_message,
    create_update_message,
    handle_sync_message,
)
from pycrdt.store import BaseYStore, YDocNotFound
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect


class RoomClient:
    def __init__(self, url: str, token: str):
        self.url, self.token = url, token
        self.doc = Doc()
        self.notebook = YNotebook(ydoc=self.doc)
        self.synced = asyncio.Event()
        self._applying = False
        self._outbox: asyncio.Queue[bytes] = asyncio.Queue()
        self._tasks: list[asyncio.Task] = []

    async def __aenter__(self) -> RoomClient:
        request = HTTPRequest(self.url, headers={"Authorization": f"token {self.token}"})
        self.ws = await websocket_connect(request)
        self.doc.observe(self._on_change)
        await self.ws.write_message(create_sync_message(self.doc), binary=True)
        self._tasks = [asyncio.create_task(self._receive()), asyncio.create_task(self._send())]
        await asyncio.wait_for(self.synced.wait(), 10)
        return self

    async def __aexit__(self, *exc) -> None:
        self.ws.close()
        for task in self._tasks:
            task.cancel()

    def _on_change(self, event) -> None:
        if not self._applying:  # only this client's own edits go out
            self._outbox.put_nowait(create_update_message(event.update))

    async def _send(self) -> None:
        while True:
            await self.ws.write_message(await self._outbox.get(), binary=True)

    async def _receive(self) -> None:
        while True:
            message = await self.ws.read_message()
            if message is None:
                return
            if isinstance(message, str) or not message or message[0] != YMessageType.SYNC:
                continue  # awareness and other messages
            self._applying = True
            try:
                reply = handle_sync_message(message[1:], self.doc)
            finally:
                self._applying = False
            if reply is not None:
                await self.ws.write_message(reply, binary=True)
            if message[1] == 1:  # SYNC_STEP2: the server's state is in
                self.synced.set()

    # -- edits and reads -----------------------------------------------------------------------
    def sources(self) -> list[str]:
        return [str(cell["source"]) for cell in self.notebook.ycells]

    def append_to_cell(self, index: int, text: str) -> None:
        source = self.notebook.ycells[index]["source"]
        source.insert(len(source), text)

    async def wait_for(self, predicate, timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            await asyncio.sleep(0.02)
        return predicate()


class NoYStore(BaseYStore):
    """An update store that keeps nothing, as a jupyter-collaboration deployment without a YStore:
    a room backed by it is rebuilt from the file each time it opens. A server uses it with
    ``--YDocExtension.ystore_class=collab_client.NoYStore`` (``tests/`` on its PYTHONPATH)."""

    def __init__(self, path: str, metadata_callback=None, log=None, config=None) -> None:
        self.path = path
        self.metadata_callback = metadata_callback
        self.log = log or logging.getLogger(__name__)
        self.log.info("NoYStore: nothing of %s is kept", path)

    async def write(self, data: bytes) -> None:
        return None

    async def read(self):
        raise YDocNotFound
        yield  # an async generator that yields nothing
