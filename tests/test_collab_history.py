"""Out-of-band changes during an open room: the room's content is kept, the disk wins, and the
kept version can be read and restored (by editors)."""

from __future__ import annotations

import asyncio
import json

import nbformat
from collab_client import RoomClient
from pycrdt import Map
from test_collab_roles import room_url, wait_for_file

NB = "spaces/team/nb.ipynb"


async def wait_for(predicate, timeout=10.0):
    for _ in range(int(timeout / 0.1)):
        result = await predicate()
        if result:
            return result
        await asyncio.sleep(0.1)
    return await predicate()


async def test_room_content_is_kept_before_an_out_of_band_change_and_restorable(
    api, make_user, request_as, jp_root_dir, jp_serverapp, jp_http_port
):
    alice, vera, olga = make_user("alice"), make_user("vera"), make_user("olga")
    await api(alice, "POST", "/spaces", {"name": "team", "sharing": "shared"})
    await api(alice, "PUT", "/spaces/team/members/vera", {"role": "viewer"})
    path = jp_root_dir / NB
    path.write_text(
        nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("a = 1")]))
    )
    url = await room_url(request_as, alice, NB, jp_serverapp, jp_http_port)
    async with RoomClient(url, alice) as client:
        assert await client.wait_for(lambda: client.sources() == ["a = 1"])
        client.append_to_cell(0, "\n# typed in the room")
        assert await wait_for_file(path, lambda source: "typed in the room" in source)
        # another program rewrites the file while the room is open
        await asyncio.sleep(1.1)  # a new modification time
        path.write_text(
            nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("b = 2")]))
        )
        assert await client.wait_for(lambda: client.sources() == ["b = 2"], timeout=10)

        async def listed():
            r = await api(vera, "GET", f"/collab/history?path={NB}")
            return r.json["items"] if r.status == 200 and r.json["items"] else None

        items = await wait_for(listed)
        assert [(i["version"], i["reason"], i["path"]) for i in items] == [(1, "out-of-band", NB)]
        # the collaborators are told which version holds what the disk replaced
        state = client.doc.get("state", type=Map)
        assert await client.wait_for(lambda: "studioOutOfBand" in state)
        notice = json.loads(state["studioOutOfBand"])
        assert (notice["version"], notice["path"]) == (1, NB)
        version = (await api(vera, "GET", f"/collab/history/1?path={NB}")).json
        assert "typed in the room" in "".join(version["content"]["cells"][0]["source"])

        # viewers read the history but do not restore; outsiders see nothing
        r = await api(vera, "POST", f"/collab/history/1/restore?path={NB}", {})
        assert (r.status, r.json["reason"]) == (403, "forbidden")
        for method, url_ in [
            ("GET", f"/collab/history?path={NB}"),
            ("GET", f"/collab/history/1?path={NB}"),
            ("POST", f"/collab/history/1/restore?path={NB}"),
        ]:
            r = await api(olga, method, url_, {} if method == "POST" else None)
            assert (r.status, r.json["reason"]) == (404, "no-document"), (method, url_)

        r = await api(alice, "POST", f"/collab/history/1/restore?path={NB}", {})
        assert r.status == 200 and r.json == {"path": NB, "restored": 1}
        assert await wait_for_file(path, lambda source: "typed in the room" in source)
        assert await client.wait_for(lambda: "typed in the room" in client.sources()[0], 10)
        # what the restore replaced is a version too; the restore was an edit of the room, so
        # the room did not meet its own save as a change on disk
        await asyncio.sleep(1.5)
        items = (await api(alice, "GET", f"/collab/history?path={NB}")).json["items"]
        assert [(i["reason"], i["author"]) for i in items] == [
            ("before-restore", "alice"),
            ("out-of-band", None),
        ]
        replaced = (await api(alice, "GET", f"/collab/history/2?path={NB}")).json
        assert replaced["content"]["cells"][0]["source"] == "b = 2"


async def test_history_bad_input(api, make_user, request_as, jp_root_dir):
    alice = make_user("alice")
    await api(alice, "POST", "/spaces", {"name": "team", "sharing": "shared"})
    (jp_root_dir / NB).write_text(nbformat.writes(nbformat.v4.new_notebook()))
    body = {"format": "json", "type": "notebook"}  # the notebook gets its file id
    assert (await request_as(alice, "PUT", f"/api/collaboration/session/{NB}", body)).status == 201
    cases = [
        ("GET", "/collab/history", 400, "missing-field"),
        ("GET", f"/collab/history?path={'x' * 2000}", 400, "invalid-length"),
        ("GET", "/collab/history?path=spaces/team/none.ipynb", 404, "no-history"),
        ("GET", "/collab/history?path=spaces/team/..%2F..%2Fetc/passwd", 404, "no-document"),
        ("GET", "/collab/history?path=/etc/passwd", 404, "no-document"),
        ("GET", f"/collab/history/1?path={NB}", 404, "no-version"),
        ("GET", f"/collab/history/abc?path={NB}", 404, "no-version"),
        ("GET", f"/collab/history/..%2F1?path={NB}", 404, "no-version"),
        ("POST", f"/collab/history/7/restore?path={NB}", 404, "no-version"),
    ]
    for method, url, status, reason in cases:
        r = await api(alice, method, url, {} if method == "POST" else None)
        assert (r.status, r.json.get("reason")) == (status, reason), (method, url, r.body[:200])
    assert (await api(alice, "GET", f"/collab/history?path={NB}")).json["items"] == []


async def test_editors_save_versions_of_the_live_room(
    api, make_user, request_as, jp_root_dir, jp_serverapp, jp_http_port
):
    alice, vera = make_user("alice"), make_user("vera")
    await api(alice, "POST", "/spaces", {"name": "team", "sharing": "shared"})
    await api(alice, "PUT", "/spaces/team/members/vera", {"role": "viewer"})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("a = 1")])
    (jp_root_dir / NB).write_text(nbformat.writes(nb))
    url = await room_url(request_as, alice, NB, jp_serverapp, jp_http_port)
    async with RoomClient(url, alice) as client:
        assert await client.wait_for(lambda: client.sources() == ["a = 1"])
        client.append_to_cell(0, "  # unsaved")
        await asyncio.sleep(0.3)
        r = await api(alice, "POST", f"/collab/history?path={NB}", {"label": "before tuning"})
        assert r.status == 201, r.body
        assert (r.json["reason"], r.json["author"], r.json["label"]) == (
            "saved",
            "alice",
            "before tuning",
        )
        kept = (await api(vera, "GET", f"/collab/history/{r.json['version']}?path={NB}")).json
        assert "".join(kept["content"]["cells"][0]["source"]) == "a = 1  # unsaved"
    # without a body, and from the file when no room is open
    r = await api(alice, "POST", f"/collab/history?path={NB}")
    assert r.status == 201 and r.json["label"] is None
    before = (await api(alice, "GET", f"/collab/history?path={NB}")).json["items"]
    cases = [
        (vera, {}, 403, "forbidden"),
        (alice, [], 400, "invalid-body"),
        (alice, {"label": 5}, 400, "invalid-type"),
        (alice, {"label": "x" * 201}, 400, "invalid-length"),
        (alice, {"nope": 1}, 400, "unknown-field"),
    ]
    for who, body, status, reason in cases:
        r = await api(who, "POST", f"/collab/history?path={NB}", body)
        assert (r.status, r.json.get("reason")) == (status, reason), (body, r.body[:200])
    r = await api(alice, "POST", "/collab/history?path=spaces/team/../../etc/passwd", {})
    assert (r.status, r.json["reason"]) == (404, "no-document")
    assert (await api(alice, "GET", f"/collab/history?path={NB}")).json["items"] == before


async def test_each_compaction_of_the_store_keeps_a_checkpoint_version(
    api, make_user, request_as, jp_root_dir, jp_serverapp, jp_http_port, monkeypatch
):
    from jupyter_mlops_studio.collab.ystore import StudioYStore

    monkeypatch.setattr(StudioYStore, "max_updates", 5)
    alice = make_user("alice")
    await api(alice, "POST", "/spaces", {"name": "team", "sharing": "shared"})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
    (jp_root_dir / NB).write_text(nbformat.writes(nb))
    url = await room_url(request_as, alice, NB, jp_serverapp, jp_http_port)
    async with RoomClient(url, alice) as client:
        for i in range(12):
            client.append_to_cell(0, f"{i};")
            await asyncio.sleep(0.05)  # one stored update each

        async def checkpoints():
            r = await api(alice, "GET", f"/collab/history?path={NB}")
            return [i for i in r.json["items"] if i["reason"] == "checkpoint"]

        kept = await wait_for(checkpoints)
        assert kept and kept[0]["author"] is None
        content = (await api(alice, "GET", f"/collab/history/{kept[-1]['version']}?path={NB}")).json
        assert "".join(content["content"]["cells"][0]["source"]).startswith("0;1;2;3;")
