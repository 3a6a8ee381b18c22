"""What a room sends one client: at once while it reads, merged while its socket is full."""

from __future__ import annotations

import asyncio

from pycrdt import Doc, Text, YMessageType, create_update_message, handle_sync_message

from jupyter_mlops_studio.collab.outbox import MAX_QUEUED, TOO_SLOW, ClientOutbox


class Socket:
    """A websocket's writing side whose writes finish only when ``drain`` says so."""

    def __init__(self):
        self.sent: list[bytes] = []
        self.pending: list[asyncio.Future] = []
        self.full = False
        self.closed_with = None

    def write_message(self, message: bytes, binary: bool = False) -> asyncio.Future:
        assert binary
        self.sent.append(message)
        done = asyncio.get_running_loop().create_future()
        if self.full:
            self.pending.append(done)
        else:
            done.set_result(None)
        return done

    def drain(self):
        self.full = False
        pending, self.pending = self.pending, []
        for done in pending:
            done.set_result(None)

    def close(self, code, reason):
        self.closed_with = code


def updates_of(n: int) -> list[bytes]:
    doc = Doc()
    text = doc.get("t", type=Text)
    out: list[bytes] = []
    doc.observe(lambda event: out.append(event.update))
    for i in range(n):
        text += f"{i};"
    return out


def applied(messages: list[bytes]) -> str:
    doc = Doc()
    for message in messages:
        assert message[0] == YMessageType.SYNC
        handle_sync_message(message[1:], doc)
    return str(doc.get("t", type=Text))


async def test_a_reading_client_gets_every_update_at_once():
    socket, updates = Socket(), updates_of(5)
    outbox = ClientOutbox(socket)
    for update in updates:
        outbox.send_update(update)
    assert socket.sent == [create_update_message(u) for u in updates]


async def test_a_busy_client_gets_what_waited_merged_into_one_message_in_order():
    socket, updates = Socket(), updates_of(200)
    outbox = ClientOutbox(socket)
    socket.full = True
    outbox.send_update(updates[0])  # this write does not finish: the client is busy
    outbox.send(b"\x01awareness-1")
    for update in updates[1:]:
        outbox.send_update(update)
    outbox.send(b"\x01awareness-2")
    assert len(socket.sent) == 1
    socket.drain()
    await asyncio.sleep(0)
    # the 199 waiting updates went out as one message, where the first of them came
    assert socket.sent[1] == b"\x01awareness-1"
    assert socket.sent[3] == b"\x01awareness-2" and len(socket.sent) == 4
    text = applied([m for m in socket.sent if m[0] == YMessageType.SYNC])
    assert text == "".join(f"{i};" for i in range(200))


async def test_a_client_that_stops_reading_is_disconnected_not_buffered_forever():
    socket = Socket()
    outbox = ClientOutbox(socket)
    socket.full = True
    outbox.send(b"\x01first")
    for _ in range(MAX_QUEUED):
        outbox.send(b"\x01more")
    assert socket.closed_with is None
    outbox.send(b"\x01one too many")
    assert socket.closed_with == TOO_SLOW and outbox.closed
    outbox.send_update(updates_of(1)[0])  # nothing more is written
    assert len(socket.sent) == 1
