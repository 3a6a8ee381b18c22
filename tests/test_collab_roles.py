"""Collaboration rooms: viewer updates are dropped, editor updates land, roles apply live."""

from __future__ import annotations

import asyncio
import time

import nbformat
import pytest
from collab_client import RoomClient
from jupyter_server_ydoc.handlers import YDocWebSocketHandler
from pycrdt import Doc, Map, create_update_message
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

pytestmark = pytest.mark.usefixtures("jp_serverapp")


def room_server(jp_serverapp):
    from tornado.routing import PathMatches

    def walk(router):
        for rule in getattr(router, "rules", []):
            if isinstance(rule.matcher, PathMatches) and rule.target is YDocWebSocketHandler:
                return rule.target_kwargs["ywebsocket_server"]
            found = walk(rule.target) if hasattr(rule.target, "rules") else None
            if found:
                return found
        return None

    return walk(jp_serverapp.web_app.default_router)


async def send_probe(jp_serverapp, port, room_id, token, value, session_id):
    """Write ``value`` into the room through a connection of the server's session (one without
    it is refused, and nothing it sends applies)."""
    base = f"ws://127.0.0.1:{port}{jp_serverapp.base_url}api/collaboration/room/{room_id}"
    req = HTTPRequest(f"{base}?sessionId={session_id}", headers={"Authorization": f"token {token}"})
    conn = await websocket_connect(req)
    doc = Doc()
    probe = doc.get("studio-probe", type=Map)
    probe[value] = value
    await conn.write_message(create_update_message(doc.get_update()), binary=True)
    await asyncio.sleep(0.3)
    conn.close()


async def test_viewer_updates_never_reach_the_document(
    api, make_user, request_as, jp_root_dir, jp_serverapp, jp_http_port
):
    alice, vera = make_user("alice"), make_user("vera")
    await api(alice, "POST", "/spaces", {"name": "team", "sharing": "shared"})
    await api(alice, "PUT", "/spaces/team/members/vera", {"role": "viewer"})
    (jp_root_dir / "spaces/team/nb.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    r = await request_as(
        vera,
        "PUT",
        "/api/collaboration/session/spaces/team/nb.ipynb",
        {"format": "json", "type": "notebook"},
    )
    room_id, session = f"json:notebook:{r.json['fileId']}", r.json["sessionId"]
    await send_probe(jp_serverapp, jp_http_port, room_id, alice, "by-alice", session)
    await send_probe(jp_serverapp, jp_http_port, room_id, vera, "by-vera", session)
    # a connection the server refuses (no session of this server) applies nothing
    await send_probe(jp_serverapp, jp_http_port, room_id, alice, "refused", "not-a-session")
    room = await room_server(jp_serverapp).get_room(room_id)
    probe = room.ydoc.get("studio-probe", type=Map)
    assert dict(probe) == {"by-alice": "by-alice"}

    # made editor, vera's next connection writes
    await api(alice, "PUT", "/spaces/team/members/vera", {"role": "editor"})
    await send_probe(jp_serverapp, jp_http_port, room_id, vera, "vera-editor", session)
    assert dict(probe) == {"by-alice": "by-alice", "vera-editor": "vera-editor"}


async def room_url(request_as, token, path, jp_serverapp, port):
    """The websocket URL of the collaboration room of notebook ``path``, opened as ``token``."""
    body = {"format": "json", "type": "notebook"}
    session = (await request_as(token, "PUT", f"/api/collaboration/session/{path}", body)).json
    room = f"{session['format']}:{session['type']}:{session['fileId']}"
    base = f"ws://127.0.0.1:{port}{jp_serverapp.base_url}api/collaboration/room/{room}"
    return f"{base}?sessionId={session['sessionId']}"


async def wait_for_file(path, predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate("".join(nbformat.read(path, 4).cells[0].source)):
                return True
        except (OSError, ValueError):
            pass  # being written
        await asyncio.sleep(0.05)
    return False


async def test_edits_reach_clients_and_file_by_role_and_a_promotion_applies_live(
    api, make_user, request_as, jp_root_dir, jp_serverapp, jp_http_port
):
    """Acceptance 1 with raw pycrdt clients: an editor's edit reaches the other clients and the
    file; a viewer's reaches neither; promoted without reconnecting, the viewer's next edit does.

    The viewer's refused edit comes from a second connection of hers: a Yjs client whose update
    was dropped holds structs the room never got, and its later updates wait for them (per-client
    clocks). JupyterLab opens the notebook read-only for viewers, so its connection never does.
    """
    alice, eddie, vera = make_user("alice"), make_user("eddie"), make_user("vera")
    await api(alice, "POST", "/spaces", {"name": "team", "sharing": "shared"})
    await api(alice, "PUT", "/spaces/team/members/eddie", {"role": "editor"})
    await api(alice, "PUT", "/spaces/team/members/vera", {"role": "viewer"})
    path = jp_root_dir / "spaces/team/nb.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    path.write_text(nbformat.writes(notebook))
    url = await room_url(request_as, alice, "spaces/team/nb.ipynb", jp_serverapp, jp_http_port)

    async with (
        RoomClient(url, alice) as a,
        RoomClient(url, eddie) as e,
        RoomClient(url, vera) as v,
    ):
        everyone = (a, e, v)
        for c in everyone:
            assert await c.wait_for(lambda c=c: c.sources() == ["x = 1"]), c.sources()

        e.append_to_cell(0, "\n# by eddie")
        for c in (a, v):
            assert await c.wait_for(lambda c=c: "# by eddie" in c.sources()[0]), c.sources()
        assert await wait_for_file(path, lambda source: "# by eddie" in source)

        async with RoomClient(url, vera) as v2:
            assert await v2.wait_for(lambda: "# by eddie" in v2.sources()[0])
            v2.append_to_cell(0, "\n# by vera the viewer")
            await asyncio.sleep(1.5)  # past the room's save delay (1 s)
        for c in everyone:
            assert "viewer" not in c.sources()[0], c.sources()
        assert await wait_for_file(path, lambda source: "viewer" not in source, timeout=0.5)

        # promoted: her open connection writes at its next message, without reconnecting
        await api(alice, "PUT", "/spaces/team/members/vera", {"role": "editor"})
        v.append_to_cell(0, "\n# vera promoted")
        for c in (a, e):
            assert await c.wait_for(lambda c=c: "# vera promoted" in c.sources()[0], timeout=5.0)
        assert await wait_for_file(path, lambda source: "# vera promoted" in source)

        # demoted again: her next edit is dropped at once
        await api(alice, "PUT", "/spaces/team/members/vera", {"role": "viewer"})
        e_source = e.sources()[0]
        v.append_to_cell(0, "\n# after demotion")
        await asyncio.sleep(1.5)
        assert e.sources()[0] == e_source and a.sources()[0] == e_source
        source = "".join(nbformat.read(path, 4).cells[0].source)
        assert "after demotion" not in source and "# vera promoted" in source


async def test_presence_lists_who_has_which_document_open(
    api, make_user, request_as, jp_root_dir, jp_serverapp, jp_http_port
):
    alice, vera, olga = make_user("alice"), make_user("vera"), make_user("olga")
    await api(alice, "POST", "/spaces", {"name": "team", "sharing": "shared"})
    await api(alice, "PUT", "/spaces/team/members/vera", {"role": "viewer"})
    await api(olga, "POST", "/spaces", {"name": "mine", "sharing": "private"})
    urls = {}
    for token, path in [(alice, "spaces/team/a.ipynb"), (olga, "spaces/mine/b.ipynb")]:
        (jp_root_dir / path).write_text(nbformat.writes(nbformat.v4.new_notebook()))
        urls[path] = await room_url(request_as, token, path, jp_serverapp, jp_http_port)

    assert (await api(alice, "GET", "/spaces/team/presence")).json == {
        "space": "team",
        "people": [],
    }
    async with (
        RoomClient(urls["spaces/team/a.ipynb"], vera),
        RoomClient(urls["spaces/team/a.ipynb"], alice),
        RoomClient(urls["spaces/mine/b.ipynb"], olga),
    ):
        r = await api(vera, "GET", "/spaces/team/presence")
        assert r.status == 200
        assert r.json["people"] == [
            {"username": u, "display_name": u, "documents": ["spaces/team/a.ipynb"]}
            for u in ("alice", "vera")
        ]
        # a private space's room shows nobody else, and its presence is its owner's alone
        assert (await api(olga, "GET", "/spaces/mine/presence")).json["people"] == [
            {"username": "olga", "display_name": "olga", "documents": ["spaces/mine/b.ipynb"]}
        ]
        for token in (alice, vera):
            assert (await api(token, "GET", "/spaces/mine/presence")).status == 404
        assert (await api(olga, "GET", "/spaces/team/presence")).status == 404
    # gone when the connections close
    for _ in range(200):
        if not (await api(alice, "GET", "/spaces/team/presence")).json["people"]:
            break
        await asyncio.sleep(0.05)
    assert (await api(alice, "GET", "/spaces/team/presence")).json["people"] == []
