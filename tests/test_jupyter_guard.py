"""Spaces enforced on the Jupyter APIs: contents, files, sessions, kernels, rooms, terminals."""

from __future__ import annotations

import nbformat
import pytest
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import WebSocketClosedError, websocket_connect

pytestmark = pytest.mark.usefixtures("jp_serverapp")

NB = nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]))


@pytest.fixture
def make_world(api, make_user, admin_token, jp_root_dir):
    """alice owns private 'priv' and shared 'team'; bob views 'team'; carol is no member."""
    return lambda: _world(api, make_user, admin_token, jp_root_dir)


async def _world(api, make_user, admin_token, jp_root_dir):
    t = {
        "alice": make_user("alice"),
        "bob": make_user("bob"),
        "carol": make_user("carol"),
        "admin": admin_token,
    }
    await api(t["alice"], "POST", "/spaces", {"name": "priv", "sharing": "private"})
    await api(t["alice"], "POST", "/spaces", {"name": "team", "sharing": "shared"})
    await api(t["alice"], "PUT", "/spaces/team/members/bob", {"role": "viewer"})
    for space in ("priv", "team"):
        (jp_root_dir / "spaces" / space / "nb.ipynb").write_text(NB)
    (jp_root_dir / "top-secret.txt").write_text("server file")
    return t


def ws_url(jp_serverapp, jp_http_port, path):
    return f"ws://127.0.0.1:{jp_http_port}{jp_serverapp.base_url}{path}"


async def ws_status(jp_serverapp, jp_http_port, path, token) -> int:
    """101 when the websocket opens, else the HTTP status that refused it."""
    req = HTTPRequest(
        ws_url(jp_serverapp, jp_http_port, path), headers={"Authorization": f"token {token}"}
    )
    try:
        conn = await websocket_connect(req)
    except HTTPClientError as e:
        return e.code
    except WebSocketClosedError:
        return 403
    conn.close()
    return 101


async def start_session(request_as, token, path):
    return await request_as(
        token,
        "POST",
        "/api/sessions",
        {"path": path, "type": "notebook", "name": "nb", "kernel": {"name": "python3"}},
    )


async def test_private_space_closed_to_other_users(
    make_world, request_as, jp_serverapp, jp_http_port, jp_root_dir
):
    world = await make_world()
    bob, alice = world["bob"], world["alice"]
    # listing: the spaces root shows bob only the spaces he belongs to; the root hides the rest
    listing = (await request_as(bob, "GET", "/api/contents/spaces")).json
    assert [e["name"] for e in listing["content"]] == ["team"]
    root = (await request_as(bob, "GET", "/api/contents")).json
    assert [e["name"] for e in root["content"]] == ["spaces"]
    admin_root = (await request_as(world["admin"], "GET", "/api/contents")).json
    assert {e["name"] for e in admin_root["content"]} == {"spaces", "top-secret.txt"}
    # read, write, files, nbconvert, checkpoints: all refused
    base = "/api/contents/spaces/priv"
    for method, url, body in [
        ("GET", f"{base}", None),
        ("GET", f"{base}/nb.ipynb", None),
        ("PUT", f"{base}/nb.ipynb", {"type": "file", "format": "text", "content": "pwned"}),
        ("POST", f"{base}", {"type": "notebook"}),
        ("DELETE", f"{base}/nb.ipynb", None),
        ("PATCH", f"{base}/nb.ipynb", {"path": "spaces/team/stolen.ipynb"}),
        ("GET", f"{base}/nb.ipynb/checkpoints", None),
        ("POST", f"{base}/nb.ipynb/checkpoints", None),
        ("GET", "/files/spaces/priv/nb.ipynb", None),
        ("GET", "/nbconvert/html/spaces/priv/nb.ipynb", None),
        ("GET", "/api/contents/top-secret.txt", None),
        ("GET", "/files/top-secret.txt", None),
    ]:
        r = await request_as(bob, method, url, body)
        assert r.status == 403, (method, url, r.status)
    assert (jp_root_dir / "spaces" / "priv" / "nb.ipynb").read_text() == NB
    assert sorted(p.name for p in (jp_root_dir / "spaces" / "priv").iterdir()) == ["nb.ipynb"]

    # kernels: bob cannot start one there, see alice's, reach it or attach to it
    assert (await start_session(request_as, bob, "spaces/priv/nb.ipynb")).status == 403
    r = await start_session(request_as, alice, "spaces/priv/nb.ipynb")
    assert r.status == 201, r.body
    session = r.json
    kid = session["kernel"]["id"]
    assert (await request_as(bob, "GET", "/api/sessions")).json == []
    assert (await request_as(bob, "GET", "/api/kernels")).json == []
    assert [k["id"] for k in (await request_as(alice, "GET", "/api/kernels")).json] == [kid]
    for method, url in [
        ("GET", f"/api/kernels/{kid}"),
        ("DELETE", f"/api/kernels/{kid}"),
        ("POST", f"/api/kernels/{kid}/interrupt"),
        ("GET", f"/api/sessions/{session['id']}"),
        ("DELETE", f"/api/sessions/{session['id']}"),
    ]:
        r = await request_as(bob, method, url)
        assert r.status == 403, (method, url, r.status)
    r = await request_as(
        bob,
        "POST",
        "/api/sessions",
        {"path": "spaces/team/mine.ipynb", "type": "notebook", "name": "x", "kernel": {"id": kid}},
    )
    assert r.status == 403
    assert await ws_status(jp_serverapp, jp_http_port, f"api/kernels/{kid}/channels", bob) == 403
    assert await ws_status(jp_serverapp, jp_http_port, f"api/kernels/{kid}/channels", alice) == 101
    # unattached kernels are for admins only
    assert (await request_as(bob, "POST", "/api/kernels", {"name": "python3"})).status == 403

    # collaboration: bob cannot open the document's session nor join its room
    r = await request_as(
        bob,
        "PUT",
        "/api/collaboration/session/spaces/priv/nb.ipynb",
        {"format": "json", "type": "notebook"},
    )
    assert r.status == 403
    r = await request_as(
        alice,
        "PUT",
        "/api/collaboration/session/spaces/priv/nb.ipynb",
        {"format": "json", "type": "notebook"},
    )
    assert r.status in (200, 201), r.body
    room = f"api/collaboration/room/json:notebook:{r.json['fileId']}"
    assert await ws_status(jp_serverapp, jp_http_port, room, bob) == 403
    assert await ws_status(jp_serverapp, jp_http_port, room, world["carol"]) == 403
    assert await ws_status(jp_serverapp, jp_http_port, room, alice) == 101
    await request_as(alice, "DELETE", f"/api/sessions/{session['id']}")


async def test_viewer_reads_but_never_writes_then_editor_writes(
    make_world, request_as, api, jp_root_dir
):
    world = await make_world()
    bob, alice = world["bob"], world["alice"]
    nb = "/api/contents/spaces/team/nb.ipynb"
    r = await request_as(bob, "GET", nb)
    assert r.status == 200 and r.json["content"]["cells"][0]["source"] == "1 + 1"
    assert (await request_as(bob, "GET", "/files/spaces/team/nb.ipynb")).status == 200
    r = await request_as(
        bob,
        "PUT",
        "/api/collaboration/session/spaces/team/nb.ipynb",
        {"format": "json", "type": "notebook"},
    )
    assert r.status in (200, 201)  # viewers open documents
    writes = [
        ("PUT", nb, {"type": "file", "format": "text", "content": "x"}),
        (
            "PUT",
            "/api/contents/spaces/team/new.txt",
            {"type": "file", "format": "text", "content": "x"},
        ),
        ("POST", "/api/contents/spaces/team", {"type": "notebook"}),
        ("POST", "/api/contents/spaces/team", {"copy_from": "spaces/team/nb.ipynb"}),
        ("PATCH", nb, {"path": "spaces/team/renamed.ipynb"}),
        ("DELETE", nb, None),
        ("POST", f"{nb}/checkpoints", None),
        ("POST", f"{nb}/trust", None),
    ]
    for method, url, body in writes:
        r = await request_as(bob, method, url, body)
        assert r.status == 403, (method, url, r.status)
    assert (await start_session(request_as, bob, "spaces/team/nb.ipynb")).status == 403
    assert sorted(p.name for p in (jp_root_dir / "spaces" / "team").iterdir()) == ["nb.ipynb"]
    assert (jp_root_dir / "spaces" / "team" / "nb.ipynb").read_text() == NB

    await api(alice, "PUT", "/spaces/team/members/bob", {"role": "editor"})
    r = await request_as(
        bob,
        "PUT",
        "/api/contents/spaces/team/new.txt",
        {"type": "file", "format": "text", "content": "hello"},
    )
    assert r.status == 201
    assert (jp_root_dir / "spaces" / "team" / "new.txt").read_text() == "hello"
    r = await request_as(bob, "POST", "/api/contents/spaces/team", {"type": "notebook"})
    assert r.status == 201
    r = await start_session(request_as, bob, "spaces/team/nb.ipynb")
    assert r.status == 201
    await request_as(bob, "DELETE", f"/api/sessions/{r.json['id']}")
    # an editor still cannot touch the space directory itself
    r = await request_as(bob, "DELETE", "/api/contents/spaces/team")
    assert r.status == 403
    r = await request_as(bob, "PATCH", "/api/contents/spaces/team", {"path": "spaces/mine"})
    assert r.status == 403


async def test_path_traversal_and_escaping_links(make_world, request_as, api, jp_root_dir):
    world = await make_world()
    alice, bob = world["alice"], world["bob"]
    await api(alice, "PUT", "/spaces/team/members/bob", {"role": "editor"})
    for url in [
        "/api/contents/spaces/team/..%2Fpriv/nb.ipynb",
        "/api/contents/spaces/team/%2e%2e/priv/nb.ipynb",
        "/api/contents/spaces/team/%2E%2E%2Fpriv%2Fnb.ipynb",
        "/files/spaces/team/..%2Fpriv/nb.ipynb",
        "/api/contents/spaces/team/..%5Cpriv",
    ]:
        r = await request_as(bob, "GET", url)
        assert r.status in (400, 403, 404), (url, r.status)
        assert b"1 + 1" not in r.body
    # a link inside a space that leads out of it
    (jp_root_dir / "spaces" / "team" / "link").symlink_to(jp_root_dir / "spaces" / "priv")
    for method, url, body in [
        ("GET", "/api/contents/spaces/team/link/nb.ipynb", None),
        ("GET", "/files/spaces/team/link/nb.ipynb", None),
        (
            "PUT",
            "/api/contents/spaces/team/link/x.txt",
            {"type": "file", "format": "text", "content": "x"},
        ),
    ]:
        r = await request_as(bob, method, url, body)
        assert r.status == 403, (method, url, r.status)
    # copying or moving across spaces through the body
    r = await request_as(
        bob, "POST", "/api/contents/spaces/team", {"copy_from": "spaces/priv/nb.ipynb"}
    )
    assert r.status == 403
    r = await request_as(
        bob, "POST", "/api/contents/spaces/team", {"copy_from": "spaces/team/../priv/nb.ipynb"}
    )
    assert r.status == 403
    r = await request_as(
        bob, "PATCH", "/api/contents/spaces/team/nb.ipynb", {"path": "spaces/priv/moved.ipynb"}
    )
    assert r.status == 403
    assert not (jp_root_dir / "spaces" / "priv" / "moved.ipynb").exists()
    assert sorted(p.name for p in (jp_root_dir / "spaces" / "priv").iterdir()) == ["nb.ipynb"]
    # a session cannot be pointed at another space either
    r = await request_as(
        bob,
        "POST",
        "/api/sessions",
        {
            "path": "spaces/team/../priv/nb.ipynb",
            "type": "notebook",
            "name": "x",
            "kernel": {"name": "python3"},
        },
    )
    assert r.status == 403


async def test_terminals_are_for_admins_unless_the_domain_allows(make_world, request_as, api):
    world = await make_world()
    bob = world["bob"]
    assert (await request_as(bob, "POST", "/api/terminals")).status == 403
    assert (await request_as(bob, "GET", "/api/terminals")).status == 403
    r = await request_as(world["admin"], "POST", "/api/terminals")
    assert r.status == 200, r.body
    await request_as(world["admin"], "DELETE", f"/api/terminals/{r.json['name']}")
    await api(world["admin"], "PATCH", "/domain", {"settings": {"allow_terminals": True}})
    assert (await request_as(bob, "GET", "/api/terminals")).status == 200
    me = (await api(bob, "GET", "/me")).json
    assert "terminals:use" in me["permissions"]


async def test_collaboration_stores_stay_out_of_the_server_root(
    make_world, request_as, jp_root_dir, studio_data_dir
):
    world = await make_world()
    r = await request_as(
        world["alice"],
        "PUT",
        "/api/collaboration/session/spaces/team/nb.ipynb",
        {"format": "json", "type": "notebook"},
    )
    assert r.status in (200, 201)
    leftovers = [p.name for p in jp_root_dir.iterdir() if p.name.startswith(".")]
    assert leftovers == []
    assert (studio_data_dir / "collaboration").is_dir()


async def test_anonymous_requests_are_refused(make_world, request_as):
    await make_world()
    for method, url in [
        ("GET", "/api/contents/spaces/team/nb.ipynb"),
        ("GET", "/api/sessions"),
        ("GET", "/api/kernels"),
        ("GET", "/files/spaces/team/nb.ipynb"),
        ("GET", "/mlops-studio/api/v1/spaces"),
    ]:
        r = await request_as(None, method, url)
        assert r.status in (401, 403) or (r.status == 302 and "/login?" in r.headers["Location"]), (
            url,
            r.status,
        )
        assert b"1 + 1" not in r.body


async def test_deleting_a_space_stops_its_kernels(make_world, request_as, api):
    world = await make_world()
    alice = world["alice"]
    r = await start_session(request_as, alice, "spaces/team/nb.ipynb")
    assert r.status == 201
    r = await api(alice, "DELETE", "/spaces/team", {"confirm": "wrong"})
    assert r.status == 400
    assert len((await request_as(alice, "GET", "/api/sessions")).json) == 1
    r = await api(alice, "DELETE", "/spaces/team", {"confirm": "team"})
    assert r.status == 204
    assert (await request_as(world["admin"], "GET", "/api/sessions")).json == []
    assert (await request_as(world["admin"], "GET", "/api/kernels")).json == []
