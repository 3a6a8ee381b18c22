"""Collaboration rooms: viewer updates are dropped, editor updates land, roles apply live."""

from __future__ import annotations

import asyncio

import nbformat
import pytest
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


async def send_probe(jp_serverapp, port, room_id, token, value):
    req = HTTPRequest(
        f"ws://127.0.0.1:{port}{jp_serverapp.base_url}api/collaboration/room/{room_id}",
        headers={"Authorization": f"token {token}"},
    )
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
    room_id = f"json:notebook:{r.json['fileId']}"
    await send_probe(jp_serverapp, jp_http_port, room_id, alice, "by-alice")
    await send_probe(jp_serverapp, jp_http_port, room_id, vera, "by-vera")
    room = await room_server(jp_serverapp).get_room(room_id)
    probe = room.ydoc.get("studio-probe", type=Map)
    assert dict(probe) == {"by-alice": "by-alice"}

    # made editor, vera's next connection writes
    await api(alice, "PUT", "/spaces/team/members/vera", {"role": "editor"})
    await send_probe(jp_serverapp, jp_http_port, room_id, vera, "vera-editor")
    assert dict(probe) == {"by-alice": "by-alice", "vera-editor": "vera-editor"}
