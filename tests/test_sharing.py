"""Notebook snapshots and share links, through the REST API of a running server."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import subprocess
from pathlib import Path

import nbformat
import pytest
from jupyter_ydoc import YNotebook
from pycrdt import (
    Doc,
    YMessageType,
    YSyncMessageType,
    create_sync_message,
    create_update_message,
    handle_sync_message,
)
from sqlalchemy import select, update
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from jupyter_mlops_studio.sharing.models import ShareLinkRow, SnapshotRow

NB = "spaces/team/train.ipynb"


def notebook_with_outputs() -> str:
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Train"),
            nbformat.v4.new_code_cell(
                "print('hi')",
                execution_count=1,
                outputs=[nbformat.v4.new_output("stream", name="stdout", text="hi\n")],
            ),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    return nbformat.writes(nb)


@pytest.fixture
def jp_server_config(jp_server_config):
    # autosave far away: an edit in the room stays unsaved while the test looks at it
    jp_server_config["YDocExtension"] = {"document_save_delay": 120}
    return jp_server_config


async def make_team(api, make_user, jp_root_dir) -> dict[str, str]:
    """alice owns the shared space team (eddie edits); rita and oscar have private spaces."""
    people = {name: make_user(name) for name in ("alice", "eddie", "rita", "oscar")}
    await api(people["alice"], "POST", "/spaces", {"name": "team", "sharing": "shared"})
    await api(people["alice"], "PUT", "/spaces/team/members/eddie", {"role": "editor"})
    for who in ("rita", "oscar"):
        await api(people[who], "POST", "/spaces", {"name": f"{who}-own", "sharing": "private"})
    (jp_root_dir / NB).write_text(notebook_with_outputs())
    return people


def stored_snapshots(services) -> list:
    return [i.key for i in services.artifacts.list("snapshots/")]


async def test_snapshot_without_outputs_is_stored_once_and_leaves_the_file(
    api, services, jp_root_dir, make_user, admin_token
):
    team = await make_team(api, make_user, jp_root_dir)
    alice = team["alice"]
    before = (jp_root_dir / NB).read_bytes()
    r = await api(alice, "POST", "/snapshots", {"path": NB, "title": "First"})
    assert r.status == 201, r.body
    first = r.json
    assert (first["version"], first["include_outputs"], first["cells"]) == (1, False, 2)
    assert first["kernelspec"]["name"] == "python3" and first["git"] is None
    r = await api(alice, "GET", f"/snapshots/{first['id']}/notebook")
    code = r.json["notebook"]["cells"][1]
    assert code["outputs"] == [] and code["execution_count"] is None
    assert (jp_root_dir / NB).read_bytes() == before  # the original is untouched

    second = (await api(alice, "POST", "/snapshots", {"path": NB})).json
    assert second["version"] == 2 and second["digest"] == first["digest"]
    assert len(stored_snapshots(services)) == 1  # identical content is stored once
    assert [v["version"] for v in second["lineage"]] == [1, 2]

    with_outputs = (
        await api(alice, "POST", "/snapshots", {"path": NB, "include_outputs": True})
    ).json
    assert with_outputs["digest"] != first["digest"] and len(stored_snapshots(services)) == 2
    r = await api(alice, "GET", f"/snapshots/{first['id']}/diff?to={with_outputs['id']}")
    changed = r.json["changed"]
    assert r.json["added"] == r.json["removed"] == []
    assert [(c["index"], c["source_changed"], c["outputs_changed"]) for c in changed] == [
        (1, False, True)
    ]

    r = await api(admin_token, "PATCH", "/domain", {"settings": {"snapshots_allow_outputs": False}})
    assert r.status == 200
    admin_off = await api(alice, "POST", "/snapshots", {"path": NB, "include_outputs": True})
    assert admin_off.status == 403 and admin_off.json["reason"] == "outputs-not-allowed"


async def sync_and_edit(jp_serverapp, port, room_id, session_id, token, text):
    """A second user's client: sync the room's document, append ``text`` to the first cell."""
    req = HTTPRequest(
        f"ws://127.0.0.1:{port}{jp_serverapp.base_url}api/collaboration/room/{room_id}"
        f"?sessionId={session_id}",
        headers={"Authorization": f"token {token}"},
    )
    conn = await websocket_connect(req)
    doc = Doc()
    await conn.write_message(create_sync_message(doc), binary=True)
    while True:
        message = await asyncio.wait_for(conn.read_message(), 10)
        if message[0] != YMessageType.SYNC:
            continue
        reply = handle_sync_message(message[1:], doc)
        if reply is not None:
            await conn.write_message(reply, binary=True)
        if message[1] == YSyncMessageType.SYNC_STEP2 and len(YNotebook(doc).ycells):
            break
    state = doc.get_state()
    source = YNotebook(doc).ycells[0]["source"]
    source.insert(len(source), text)
    await conn.write_message(create_update_message(doc.get_update(state)), binary=True)
    return conn


async def test_snapshot_of_a_notebook_being_edited_takes_the_live_document(
    api, request_as, jp_serverapp, jp_http_port, jp_root_dir, make_user
):
    team = await make_team(api, make_user, jp_root_dir)
    r = await request_as(
        team["eddie"],
        "PUT",
        f"/api/collaboration/session/{NB}",
        {"format": "json", "type": "notebook"},
    )
    room_id = f"json:notebook:{r.json['fileId']}"
    conn = await sync_and_edit(
        jp_serverapp, jp_http_port, room_id, r.json["sessionId"], team["eddie"], " (unsaved)"
    )
    try:
        for _ in range(50):  # the update reaches the room
            snap = (await api(team["alice"], "POST", "/snapshots", {"path": NB})).json
            if snap["from_live_document"]:
                nb = (await api(team["alice"], "GET", f"/snapshots/{snap['id']}/notebook")).json
                if "".join(nb["notebook"]["cells"][0]["source"]).endswith("(unsaved)"):
                    break
            await asyncio.sleep(0.1)
        else:
            pytest.fail("the snapshot never held the live edit")
        assert "(unsaved)" not in (jp_root_dir / NB).read_text()  # not saved to disk yet
    finally:
        conn.close()


async def test_share_link_lifecycle(api, services, jp_root_dir, make_user):
    team = await make_team(api, make_user, jp_root_dir)
    alice, rita, oscar = team["alice"], team["rita"], team["oscar"]
    snap = (await api(alice, "POST", "/snapshots", {"path": NB})).json
    r = await api(
        alice,
        "POST",
        f"/snapshots/{snap['id']}/links",
        {"audience": "users", "users": ["rita"], "label": "for review", "expires_in_days": 3},
    )
    assert r.status == 201
    link, token = r.json, r.json["token"]
    assert token.startswith("mlsh_") and len(token) >= 5 + 32 and link["url"].endswith(token)
    with services.db.session() as s:  # only a hash is stored
        row = s.get(ShareLinkRow, link["id"])
        assert token not in row.token_hash and len(row.token_hash) == 64

    opened = await api(rita, "GET", f"/shared/{token}")
    assert opened.status == 200
    assert opened.json["snapshot"]["author"] == "alice"
    assert "".join(opened.json["notebook"]["cells"][0]["source"]) == "# Train"
    shared = (await api(rita, "GET", "/snapshots?scope=shared")).json["items"]
    assert [s["id"] for s in shared] == [snap["id"]]

    copy = await api(rita, "POST", f"/shared/{token}/copy")
    assert copy.status == 201 and copy.json == {
        "space": "rita-own",
        "path": "spaces/rita-own/train.ipynb",
        "snapshot": snap["id"],
    }
    again = (await api(rita, "POST", f"/shared/{token}/copy")).json
    assert again["path"] == "spaces/rita-own/train-copy.ipynb"  # never overwrites
    assert nbformat.reads((jp_root_dir / copy.json["path"]).read_text(), 4).cells[0].source == (
        "# Train"
    )
    forbidden = await api(rita, "POST", f"/shared/{token}/copy", {"space": "team"})
    assert forbidden.status == 403

    outsider = await api(oscar, "GET", f"/shared/{token}")
    assert outsider.status == 403 and outsider.json["reason"] == "not-in-audience"
    assert (await api(oscar, "GET", f"/snapshots/{snap['id']}")).status == 404
    assert (await api(rita, "GET", "/shared/mlsh_not-a-token")).status == 404
    assert (await api(rita, "GET", "/shared/mlsh_" + "A" * 32)).status == 404

    opens = (await api(alice, "GET", f"/links/{link['id']}/opens")).json["items"]
    assert [o["username"] for o in opens] == ["rita"]
    listed = (await api(alice, "GET", f"/snapshots/{snap['id']}/links")).json["items"]
    assert [(x["state"], x["opens"], "token" in x) for x in listed] == [("active", 1, False)]

    revoked = await api(alice, "DELETE", f"/links/{link['id']}")
    assert revoked.json["state"] == "revoked"
    gone = await api(rita, "GET", f"/shared/{token}")
    assert gone.status == 410 and gone.json["reason"] == "link-revoked"
    assert (await api(rita, "POST", f"/shared/{token}/copy")).status == 410
    assert (await api(rita, "GET", "/snapshots?scope=shared")).json["items"] == []

    second = (await api(alice, "POST", f"/snapshots/{snap['id']}/links", {})).json
    with services.db.session() as s:
        s.execute(
            update(ShareLinkRow)
            .where(ShareLinkRow.id == second["id"])
            .values(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1))
        )
    expired = await api(oscar, "GET", f"/shared/{second['token']}")
    assert expired.status == 410 and expired.json["reason"] == "link-expired"


async def test_share_page_says_why_a_link_does_not_open(request_as, api, make_user, jp_root_dir):
    team = await make_team(api, make_user, jp_root_dir)
    snap = (await api(team["alice"], "POST", "/snapshots", {"path": NB})).json
    body = {"audience": "users", "users": ["rita"]}
    link = (await api(team["alice"], "POST", f"/snapshots/{snap['id']}/links", body)).json
    page = f"/mlops-studio/share/{link['token']}"
    r = await request_as(team["rita"], "GET", page)
    assert r.status == 302 and "mlops-share=" + link["token"] in r.headers["Location"]
    r = await request_as(team["oscar"], "GET", page)
    assert r.status == 403 and b"Not shared with you" in r.body
    await api(team["alice"], "DELETE", f"/links/{link['id']}")
    r = await request_as(team["rita"], "GET", page)
    assert r.status == 410 and b"revoked" in r.body
    r = await request_as(team["rita"], "GET", "/mlops-studio/share/%3Cscript%3E")
    assert r.status == 404 and b"<script>" not in r.body


async def test_newer_snapshot_is_offered_when_the_recipient_may_open_it(
    api, make_user, jp_root_dir
):
    team = await make_team(api, make_user, jp_root_dir)
    alice = team["alice"]
    v1 = (await api(alice, "POST", "/snapshots", {"path": NB})).json
    link1 = (await api(alice, "POST", f"/snapshots/{v1['id']}/links", {})).json
    v2 = (await api(alice, "POST", "/snapshots", {"path": NB, "include_outputs": True})).json
    assert (await api(team["rita"], "GET", f"/shared/{link1['token']}")).json["snapshot"][
        "newer"
    ] is None
    await api(
        alice, "POST", f"/snapshots/{v2['id']}/links", {"audience": "users", "users": ["rita"]}
    )
    newer = (await api(team["rita"], "GET", f"/shared/{link1['token']}")).json["snapshot"]["newer"]
    assert newer == {"id": v2["id"], "version": 2, "title": "train"}
    opened = await api(team["rita"], "GET", f"/snapshots/{v2['id']}/notebook")
    assert opened.status == 200 and opened.json["snapshot"]["version"] == 2


async def test_git_commit_of_the_notebook_is_recorded(api, jp_root_dir, make_user):
    team = await make_team(api, make_user, jp_root_dir)
    repo = jp_root_dir / "spaces" / "team"

    def git(*args):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("remote", "add", "origin", "https://example.org/team/models.git")
    git("add", "train.ipynb")
    git("-c", "user.name=A", "-c", "user.email=a@example.org", "commit", "-qm", "train")
    head = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    snap = (await api(team["alice"], "POST", "/snapshots", {"path": NB})).json
    assert snap["git"] == {
        "remote": "https://example.org/team/models.git",
        "branch": "main",
        "commit": head,
        "dirty": False,
    }
    (repo / NB.split("/")[-1]).write_text(notebook_with_outputs() + "\n")
    assert (await api(team["alice"], "POST", "/snapshots", {"path": NB})).json["git"]["dirty"]


async def test_bad_snapshots_and_links_change_nothing(api, services, jp_root_dir, make_user):
    team = await make_team(api, make_user, jp_root_dir)
    alice = team["alice"]
    (jp_root_dir / "spaces/team/notes.txt").write_text("x")
    (jp_root_dir / "spaces/team/broken.ipynb").write_text('{"cells": "nope"}')
    (jp_root_dir / "spaces/team/big.ipynb").write_text(notebook_with_outputs())
    (jp_root_dir / "outside.ipynb").write_text(notebook_with_outputs())
    services.sharing.max_snapshot_size = 300
    cases = [
        ({"path": "outside.ipynb"}, 400, "invalid-path"),
        ({"path": "spaces/rita-own/x.ipynb"}, 400, "invalid-path"),
        ({"path": "spaces/team/../../outside.ipynb"}, 400, "invalid-path"),
        ({"path": "spaces/team/notes.txt"}, 400, "not-notebook"),
        ({"path": "spaces/team/missing.ipynb"}, 400, "invalid-path"),
        ({"path": "spaces/team/broken.ipynb"}, 400, "invalid-notebook"),
        ({"path": "spaces/team/big.ipynb"}, 413, "payload-too-large"),
        ({"path": 7}, 400, "invalid-type"),
        ({}, 400, "missing-field"),
        ({"path": NB, "include_outputs": "yes"}, 400, "invalid-type"),
        ({"path": NB, "title": "t" * 300}, 400, "invalid-length"),
        ({"path": NB, "extra": 1}, 400, "unknown-field"),
        ([NB], 400, "invalid-body"),
    ]
    for body, status, reason in cases:
        r = await api(alice, "POST", "/snapshots", body)
        assert (r.status, r.json.get("reason")) == (status, reason), (body, r.json)
    broken = await api(alice, "POST", "/snapshots", {"path": "spaces/team/broken.ipynb"})
    assert "not a valid notebook" in broken.json["message"]
    with services.db.session() as s:
        assert s.scalars(select(SnapshotRow)).all() == []
    assert stored_snapshots(services) == []

    services.sharing.max_snapshot_size = 100 * 1024 * 1024
    snap = (await api(alice, "POST", "/snapshots", {"path": NB})).json
    links = f"/snapshots/{snap['id']}/links"
    for body, reason in [
        ({"expires_in_days": 91}, "expiry-too-long"),
        ({"expires_in_days": None}, "expiry-too-long"),
        ({"expires_in_days": 0}, "invalid-value"),
        ({"expires_in_days": "3"}, "invalid-type"),
        ({"audience": "everyone"}, "invalid-value"),
        ({"audience": "users"}, "invalid-audience"),
        ({"audience": "users", "users": ["nobody"]}, "unknown-user"),
        ({"audience": "users", "users": ["../x"]}, "unknown-user"),
        ({"audience": "domain", "users": ["rita"]}, "invalid-audience"),
        ({"label": 5}, "invalid-type"),
    ]:
        r = await api(alice, "POST", links, body)
        assert (r.status, r.json.get("reason")) == (400, reason), (body, r.json)
    assert (await api(alice, "GET", links)).json["items"] == []
    assert (await api(alice, "GET", "/snapshots/../snapshots")).status in (400, 404)
    assert (await api(alice, "GET", "/snapshots/nope")).status == 404
    assert (await api(alice, "GET", "/links/nope/opens")).status == 404
    r = await api(alice, "GET", f"/snapshots/{snap['id']}/diff?to=nope")
    assert r.status == 404
    big = await api(alice, "POST", "/snapshots", {"path": NB, "description": "x" * 2_000_000})
    assert big.status == 413
    assert json.loads((await api(alice, "GET", "/snapshots")).body)["items"][0]["id"] == snap["id"]


async def test_snapshot_with_outputs_stores_the_file_as_it_is_when_proven_valid(
    api, services, jp_root_dir, make_user
):
    team = await make_team(api, make_user, jp_root_dir)
    alice = team["alice"]
    raw = (jp_root_dir / NB).read_bytes()
    snap = (await api(alice, "POST", "/snapshots", {"path": NB, "include_outputs": True})).json
    assert snap["digest"] == f"sha256:{hashlib.sha256(raw).hexdigest()}"
    assert services.artifacts.get(stored_snapshots(services)[0]) == raw
    assert (snap["size"], snap["cells"], snap["kernelspec"]["name"]) == (len(raw), 2, "python3")

    # nbformat 4.3 is not proven by the fast validator: nbformat validates, its form is stored
    old = json.loads(raw)
    old["nbformat_minor"] = 3
    for cell in old["cells"]:
        del cell["id"]
    (jp_root_dir / "spaces/team/old.ipynb").write_text(json.dumps(old))
    body = {"path": "spaces/team/old.ipynb", "include_outputs": True}
    r = await api(alice, "POST", "/snapshots", body)
    assert r.status == 201, r.body
    stored = services.artifacts.get(f"snapshots/sha256/{r.json['digest'][7:]}.ipynb")
    assert json.loads(stored) == old

    # invalid: nbformat's message, nothing stored, no staging file left
    old["cells"][1]["outputs"][0]["text"] = 5
    (jp_root_dir / "spaces/team/bad.ipynb").write_text(json.dumps(old))
    body = {"path": "spaces/team/bad.ipynb", "include_outputs": True}
    r = await api(alice, "POST", "/snapshots", body)
    assert (r.status, r.json["reason"]) == (400, "invalid-notebook")
    assert r.json["message"].startswith("not a valid notebook: 5 is not valid")
    assert len(stored_snapshots(services)) == 2
    staging = Path(services.artifacts.root_dir, "objects", "=staging")
    assert list(staging.iterdir()) == []
