"""What a room sends one client: written at once while the client reads, merged while it does not.

A write to a websocket whose socket buffer is full leaves data in the stream's write buffer;
until that drains, the client is *busy*: document updates for it are kept and merged into one (a
Y update merged with the next is as small as their union), other messages (sync replies,
awareness) queue in order. When the pending write finishes, everything kept goes out. (Tornado
completes a websocket write through a task of its own, one loop turn later even when the bytes
went out at once, so the stream's buffer is what tells a reading client from a busy one.)

A client that lets more than ``MAX_QUEUED`` other messages pile up is disconnected: it
reconnects and resyncs, which costs it less than the server holding an unbounded queue for it.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from pycrdt import create_update_message, merge_updates
from tornado.websocket import WebSocketClosedError

MAX_QUEUED = 1024
#: the close code for a client that stopped reading ("try again later")
TOO_SLOW = 1013
#: the close code jupyter-collaboration's frontend offers a reload on (with a JSON reason)
RELOAD = 1003


class ClientOutbox:
    __slots__ = ("channel", "_queue", "_updates", "_busy", "closed")

    def __init__(self, channel: Any):
        self.channel = channel
        #: messages waiting while busy; a None entry marks where the kept updates go
        self._queue: deque[bytes | None] = deque()
        self._updates: list[bytes] = []
        self._busy = False
        self.closed = False

    def send_update(self, update: bytes) -> None:
        """Send a document update (a Y update, not yet a message)."""
        if self.closed:
            return
        if not self._busy:
            self._write(create_update_message(update))
            return
        if not self._updates:
            self._queue.append(None)
        self._updates.append(update)

    def send(self, message: bytes) -> None:
        """Send a message as it is (sync replies and awareness), in order with the updates."""
        if self.closed:
            return
        if not self._busy:
            self._write(message)
            return
        if len(self._queue) >= MAX_QUEUED:
            self.close_slow()
            return
        self._queue.append(message)

    def close_slow(self) -> None:
        self._close(TOO_SLOW, "the client does not read its messages")

    def refuse(self, reason: str) -> None:
        """Close the client, asking it to reload (the code JupyterLab reloads on)."""
        self._close(RELOAD, reason)

    def _close(self, code: int, reason: str) -> None:
        self.closed = True
        self._queue.clear()
        self._updates = []
        close = getattr(self.channel, "close", None)
        if close is not None:
            close(code, reason)

    def _write(self, message: bytes) -> None:
        write = getattr(self.channel, "write_message", None)
        try:
            if write is not None:
                done = write(message, binary=True)
            else:  # a channel of another kind: its own send coroutine
                done = asyncio.ensure_future(self.channel.send(message))
        except WebSocketClosedError:
            self.closed = True
            return
        if done.done():
            self._written(done)
        elif self._stream_writing():
            self._busy = True
            done.add_done_callback(self._written)
        else:  # the bytes went out: nothing to wait for but the task's outcome
            done.add_done_callback(_outcome)

    def _stream_writing(self) -> bool:
        connection = getattr(self.channel, "ws_connection", None)
        stream = getattr(connection, "stream", None)
        return stream is None or stream.writing()

    def _written(self, done: asyncio.Future) -> None:
        self._busy = False
        if not _outcome(done):
            self.closed = True
            return
        while self._queue and not self._busy and not self.closed:
            message = self._queue.popleft()
            if message is None:  # the kept updates, merged, where the first of them came
                updates, self._updates = self._updates, []
                message = create_update_message(merge_all(updates))
            self._write(message)


def merge_all(updates: list[bytes]) -> bytes:
    """Y updates merged into one (a single update as it is)."""
    return updates[0] if len(updates) == 1 else merge_updates(*updates)


def _outcome(done: asyncio.Future) -> bool:
    """Whether a write succeeded (its exception, if any, is retrieved: a closed client)."""
    return not done.cancelled() and done.exception() is None
