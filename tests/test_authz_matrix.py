"""The authorization matrix: every route of the server x every kind of user.

The test walks the server's router, so a route added to the studio, to jupyter-server or to any
extension fails here until it has a row in the matrix (or an exemption that says why it carries
no space data).
"""

from __future__ import annotations

import io
import json
import re

import nbformat
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from image_config import use_codebuild
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.routing import PathMatches
from tornado.websocket import websocket_connect

ROLES = ("admin", "owner", "editor", "viewer", "outsider", "anonymous")

#: routes that reach no space data, each with the reason it needs no row
EXEMPT = {
    r"/(robots\.txt)$": "static robots file",
    r"/(favicon\.ico)$": "static icon",
    r"/static/(.*)$": "jupyter-server static assets",
    r"/(robots\.txt|favicon\.ico)$": "static files",
    r"/.*/$": "redirects a trailing slash",
    r"/$": "redirects to the default app",
    r"/login$": "the sign-in page itself",
    r"/logout$": "clears the caller's own cookie",
    r"/api/notebooks/?(.*)$": "redirects to /api/contents, which is guarded",
    r"/api/spec.yaml$": "jupyter-server's static API description",
    r"/api/status$": "server activity counters, no paths",
    r"/metrics$": "prometheus counters, signed-in users only (authenticate_prometheus)",
    r"/api$": "the server version",
    r"/api/security/csp-report$": "browser CSP violation reports",
    r"/api/nbconvert$": "the list of export formats",
    r"/kernelspecs/(?P<kernel_name>[\w\.\-%]+)/(?P<path>.*)$": "kernel logos of installed kernels",
    r"/api/kernelspecs/(?P<kernel_name>[\w\.\-%]+)$": "installed kernel descriptions",
    r"/api/events/subscribe$": "server event stream (resource 'events', open to signed-in users)",
    r"/(?P<mode>lab|doc)(?P<workspace>/workspaces/[a-zA-Z0-9\-\_]+)?(?P<tree>/tree/.*)?$": (
        "the JupyterLab page"
    ),
    r"/static/lab/(.*)$": "JupyterLab's static assets",
}
#: JupyterLab's application routes: pages and per-server settings, no space files behind them
LAB_PREFIXES = ("/lab", "/lsp/", "/api/collaboration/undo_redo", "/api/collaboration/timeline")

NB_NODE = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("6 * 7")])
NB = nbformat.writes(NB_NODE)
T = "/api/contents/spaces/team"


def S(*codes):
    """Expected status per role, in ROLES order; None skips the role."""
    assert len(codes) == len(ROLES)
    return dict(zip(ROLES, codes, strict=True))


READERS = S(200, 200, 200, 200, 403, 403)
WRITERS = S(201, 201, 201, 403, 403, 403)
SIGNED_IN = S(200, 200, 200, 200, 200, 403)
ADMIN_ONLY = S(200, 403, 403, 403, 403, 403)
STUDIO_READERS = S(200, 200, 200, 200, 404, 401)
SIGNED_IN_STUDIO = S(200, 200, 200, 200, 200, 401)
ADMIN_STUDIO = S(200, 403, 403, 403, 403, 401)
A = "/mlops-studio/api/v1"
R = f"{A}/registry"
SNAPSHOTTERS = S(201, 201, 201, 201, 400, 401)
SNAPSHOT_READERS = S(200, 200, 404, 200, 404, 401)
LINK_OWNERS = S(200, 200, 404, 404, 404, 401)
F = f"{A}/featurestore"
#: local runs and endpoints of the team space: editors and owners (and admins) use them
LOCAL_USERS = S(200, 200, 200, 403, 404, 401)
LOCAL_ENDED = S(409, 409, 409, 403, 404, 401)
EVERYONE = S(200, 200, 200, 200, 200, 401)
#: changes to a feature group the admin created: its creator, admins and MLOps engineers only
FS_GROUP_OWNERS = S(200, 403, 403, 403, 403, 401)
FS_GROUP = {
    "name": "fsg",
    "record_identifier": "customer_id",
    "event_time": "event_time",
    "features": [
        {"name": "customer_id", "type": "String"},
        {"name": "event_time", "type": "Fractional"},
        {"name": "spend", "type": "Fractional"},
    ],
}


def parquet(**columns) -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.table(columns), sink)
    return sink.getvalue()


FS_ROWS = parquet(customer_id=["c2", "c3"], event_time=[1.7e9, 1.7e9], spend=[1.0, 2.0])
FS_SPINE = parquet(customer_id=["c1"], event_time=[1.8e9])
IMG = f"{A}/images"
#: builds of the team space's folder img on CodeBuild (moto_server): editors and owners build
IMAGE_BUILD = {"context": "spaces/team/img", "repository": "team/img", "tag": "t-{role}"}
IMAGE_BUILDERS = S(201, 201, 201, 403, 404, 401)
IMAGE_ENDED = S(409, 409, 409, 403, 404, 401)
ADMIN_STUDIO_201 = S(201, 403, 403, 403, 403, 401)

# (method, url, body, expected, setup) — "{role}" in url/body is replaced by the role's name;
# "ws" as the method opens a websocket (101 when it opens)
ROWS = [
    # -- contents and files ------------------------------------------------------------------
    ("GET", f"{T}/nb.ipynb", None, READERS, None),
    ("GET", "/api/contents/spaces", None, SIGNED_IN, None),
    (
        "PUT",
        f"{T}/put-{{role}}.txt",
        {"type": "file", "format": "text", "content": "x"},
        WRITERS,
        None,
    ),
    ("POST", T, {"type": "file"}, WRITERS, None),
    (
        "PATCH",
        f"{T}/mv-{{role}}.txt",
        {"path": "spaces/team/moved-{role}.txt"},
        S(200, 200, 200, 403, 403, 403),
        "file:mv-{role}.txt",
    ),
    ("DELETE", f"{T}/rm-{{role}}.txt", None, S(204, 204, 204, 403, 403, 403), "file:rm-{role}.txt"),
    ("GET", f"{T}/nb.ipynb/checkpoints", None, READERS, None),
    ("POST", f"{T}/nb.ipynb/checkpoints", None, WRITERS, None),
    (
        "POST",
        f"{T}/nb.ipynb/checkpoints/checkpoint",
        None,
        S(204, 204, 204, 403, 403, 403),
        "checkpoint",
    ),
    (
        "DELETE",
        f"{T}/nb.ipynb/checkpoints/checkpoint",
        None,
        S(204, 204, 204, 403, 403, 403),
        "checkpoint",
    ),
    ("POST", f"{T}/nb.ipynb/trust", None, WRITERS, None),
    ("GET", "/files/spaces/team/nb.ipynb", None, S(200, 200, 200, 200, 403, 302), None),
    ("GET", "/nbconvert/html/spaces/team/nb.ipynb", None, S(200, 200, 200, 200, 403, 302), None),
    (
        "POST",
        "/nbconvert/html",
        {"content": json.loads(json.dumps(NB_NODE))},
        S(200, 200, 200, 200, 200, 403),
        None,
    ),
    ("GET", "/view/spaces/team/page.html", None, S(200, 200, 200, 200, 403, 302), None),
    ("GET", "/api/fileid/id?path=spaces/team/nb.ipynb", None, READERS, None),
    ("GET", "/api/fileid/path?id={file_id}", None, READERS, None),
    ("GET", "/api/resolvePath?path=spaces/team/nb.ipynb", None, READERS, None),
    # -- sessions and kernels ----------------------------------------------------------------
    ("GET", "/api/sessions", None, SIGNED_IN, None),
    (
        "POST",
        "/api/sessions",
        {
            "path": "spaces/team/s-{role}.ipynb",
            "type": "notebook",
            "name": "s",
            "kernel": {"name": "python3"},
        },
        WRITERS,
        None,
    ),
    ("GET", "/api/sessions/{session_id}", None, READERS, None),
    (
        "PATCH",
        "/api/sessions/{session_id}",
        {"name": "renamed"},
        S(200, 200, 200, 403, 403, 403),
        None,
    ),
    ("DELETE", "/api/sessions/{session_id}", None, S(None, None, None, 403, 403, 403), None),
    ("GET", "/api/kernels", None, SIGNED_IN, None),
    ("POST", "/api/kernels", {"name": "python3"}, S(201, 403, 403, 403, 403, 403), None),
    ("GET", "/api/kernels/{kernel_id}", None, READERS, None),
    ("POST", "/api/kernels/{kernel_id}/interrupt", None, S(204, 204, 204, 403, 403, 403), None),
    ("DELETE", "/api/kernels/{kernel_id}", None, S(None, None, None, 403, 403, 403), None),
    ("ws", "/api/kernels/{kernel_id}/channels", None, S(101, 101, 101, 403, 403, 403), None),
    # -- collaboration -----------------------------------------------------------------------
    (
        "PUT",
        "/api/collaboration/session/spaces/team/nb.ipynb",
        {"format": "json", "type": "notebook"},
        READERS,
        None,
    ),
    (
        "ws",
        "/api/collaboration/room/json:notebook:{file_id}",
        None,
        S(101, 101, 101, 101, 403, 403),
        None,
    ),
    (
        "ws",
        "/api/collaboration/room/JupyterLab:globalAwareness",
        None,
        S(101, 101, 101, 101, 101, 403),
        None,
    ),
    ("GET", "/api/collaboration/fork/json:notebook:{file_id}", None, READERS, None),
    ("PUT", "/api/collaboration/fork/json:notebook:{file_id}", {"title": "f"}, WRITERS, None),
    # -- terminals, kernelspecs, config, server ----------------------------------------------
    ("GET", "/api/terminals", None, ADMIN_ONLY, None),
    ("POST", "/api/terminals", None, ADMIN_ONLY, None),
    ("GET", "/api/terminals/{terminal}", None, ADMIN_ONLY, None),
    ("ws", "/terminals/websocket/{terminal}", None, S(101, 403, 403, 403, 403, 403), None),
    ("GET", "/api/kernelspecs", None, SIGNED_IN, None),
    ("GET", "/api/config/studiotest", None, SIGNED_IN, None),
    ("PATCH", "/api/config/studiotest", {"a": 1}, ADMIN_ONLY, None),
    ("POST", "/api/shutdown", None, S(None, 403, 403, 403, 403, 403), None),
    ("GET", "/api/me", None, SIGNED_IN, None),
    (
        "POST",
        "/api/events",
        {"schema_id": "x", "version": "1", "data": {}},
        S(400, 400, 400, 400, 400, 403),
        None,
    ),
    # -- studio ------------------------------------------------------------------------------
    ("GET", "/mlops-studio/api/v1/me", None, S(200, 200, 200, 200, 200, 401), None),
    ("GET", "/mlops-studio/api/v1/me/tokens", None, S(200, 200, 200, 200, 200, 401), None),
    ("POST", "/mlops-studio/api/v1/me/tokens", {}, S(201, 201, 201, 201, 201, 401), None),
    (
        "DELETE",
        "/mlops-studio/api/v1/me/tokens/999999",
        None,
        S(404, 404, 404, 404, 404, 401),
        None,
    ),
    ("GET", "/mlops-studio/api/v1/domain", None, S(200, 200, 200, 200, 200, 401), None),
    ("PATCH", "/mlops-studio/api/v1/domain", {}, S(200, 403, 403, 403, 403, 401), None),
    ("GET", "/mlops-studio/api/v1/users", None, S(200, 200, 200, 200, 200, 401), None),
    (
        "POST",
        "/mlops-studio/api/v1/users",
        {"username": "new-{role}", "personas": ["mlops"]},
        S(201, 403, 403, 403, 403, 401),
        None,
    ),
    ("GET", "/mlops-studio/api/v1/users/oscar", None, S(200, 200, 200, 200, 200, 401), None),
    (
        "PATCH",
        "/mlops-studio/api/v1/users/oscar",
        {"display_name": "Oscar"},
        S(200, 403, 403, 403, 403, 401),
        None,
    ),
    (
        "DELETE",
        "/mlops-studio/api/v1/users/gone-{role}",
        None,
        S(204, 403, 403, 403, 403, 401),
        "user:gone-{role}",
    ),
    ("GET", "/mlops-studio/api/v1/users/oscar/tokens", None, S(200, 403, 403, 403, 403, 401), None),
    ("POST", "/mlops-studio/api/v1/users/oscar/tokens", {}, S(201, 403, 403, 403, 403, 401), None),
    (
        "DELETE",
        "/mlops-studio/api/v1/users/oscar/tokens/999999",
        None,
        S(404, 403, 403, 403, 403, 401),
        None,
    ),
    ("GET", "/mlops-studio/api/v1/spaces", None, S(200, 200, 200, 200, 200, 401), None),
    (
        "POST",
        "/mlops-studio/api/v1/spaces",
        {"name": "new-{role}"},
        S(201, 201, 201, 201, 201, 401),
        None,
    ),
    ("GET", "/mlops-studio/api/v1/spaces/team", None, STUDIO_READERS, None),
    (
        "PATCH",
        "/mlops-studio/api/v1/spaces/team",
        {"description": "d"},
        S(200, 200, 403, 403, 404, 401),
        None,
    ),
    (
        "DELETE",
        "/mlops-studio/api/v1/spaces/team",
        {"confirm": "not-team"},
        S(400, 400, 403, 403, 404, 401),
        None,
    ),
    ("GET", "/mlops-studio/api/v1/spaces/team/members", None, STUDIO_READERS, None),
    ("GET", "/mlops-studio/api/v1/spaces/team/presence", None, STUDIO_READERS, None),
    ("GET", f"{A}/collab/history?path=spaces/team/nb.ipynb", None, STUDIO_READERS, None),
    ("GET", f"{A}/collab/history/1?path=spaces/team/nb.ipynb", None, STUDIO_READERS, "version"),
    (
        "POST",
        f"{A}/collab/history?path=spaces/team/nb.ipynb",
        {"label": "by {role}"},
        S(201, 201, 201, 403, 404, 401),
        None,
    ),
    (
        "POST",
        f"{A}/collab/history/1/restore?path=spaces/team/nb.ipynb",
        {},
        S(200, 200, 200, 403, 404, 401),
        "version",
    ),
    (
        "PUT",
        "/mlops-studio/api/v1/spaces/team/members/tina",
        {"role": "viewer"},
        S(200, 200, 403, 403, 404, 401),
        None,
    ),
    (
        "DELETE",
        "/mlops-studio/api/v1/spaces/team/members/tina",
        None,
        S(204, 204, 403, 403, 404, 401),
        "member:tina",
    ),
    ("GET", "/mlops-studio/api/v1/openapi.yaml", None, S(200, 200, 200, 200, 200, 401), None),
    # -- model registry ----------------------------------------------------------------------
    ("GET", f"{R}/groups", None, SIGNED_IN_STUDIO, None),
    ("POST", f"{R}/groups", {"name": "grp-{role}"}, S(201, 201, 201, 201, 201, 401), None),
    ("GET", f"{R}/groups/g", None, SIGNED_IN_STUDIO, None),
    ("PATCH", f"{R}/groups/g", {"description": "d"}, ADMIN_STUDIO, None),
    ("DELETE", f"{R}/groups/g", {"confirm": "not-g"}, S(400, 403, 403, 403, 403, 401), None),
    ("PUT", f"{R}/groups/g/rules", {"rules": []}, ADMIN_STUDIO, None),
    ("GET", f"{R}/groups/g/versions", None, SIGNED_IN_STUDIO, None),
    (
        "POST",
        f"{R}/groups/g/versions",
        {"metrics": {"acc": 1}},
        S(201, 201, 201, 201, 201, 401),
        None,
    ),
    ("GET", f"{R}/groups/g/versions/1", None, SIGNED_IN_STUDIO, None),
    ("PATCH", f"{R}/groups/g/versions/1", {"description": "d"}, SIGNED_IN_STUDIO, None),
    (
        "POST",
        f"{R}/groups/g/versions/1/status",
        {"status": "Approved", "comment": "ok"},
        ADMIN_STUDIO,
        None,
    ),
    ("GET", f"{R}/groups/g/versions/1/audit", None, SIGNED_IN_STUDIO, None),
    ("PUT", f"{R}/groups/g/aliases/prod", {"version": 1}, ADMIN_STUDIO, None),
    ("DELETE", f"{R}/groups/g/aliases/nope", None, S(404, 403, 403, 403, 403, 401), None),
    ("GET", f"{R}/versions?filter=status%20%3D%20%27Approved%27", None, SIGNED_IN_STUDIO, None),
    ("POST", f"{R}/uploads", "model-bytes", S(201, 201, 201, 201, 201, 401), None),
    ("GET", f"{R}/webhooks", None, ADMIN_STUDIO, None),
    (
        "POST",
        f"{R}/webhooks",
        {
            "url": "http://127.0.0.1:9/hook",
            "secret": "s" * 20,
            "events": ["status_changed"],
            "active": False,
        },
        S(201, 403, 403, 403, 403, 401),
        None,
    ),
    ("GET", f"{R}/webhooks/999999", None, S(404, 403, 403, 403, 403, 401), None),
    ("PATCH", f"{R}/webhooks/999999", {"active": False}, S(404, 403, 403, 403, 403, 401), None),
    ("DELETE", f"{R}/webhooks/999999", None, S(404, 403, 403, 403, 403, 401), None),
    ("POST", f"{R}/webhooks/999999/test", None, S(404, 403, 403, 403, 403, 401), None),
    ("GET", f"{R}/webhooks/999999/deliveries", None, S(404, 403, 403, 403, 403, 401), None),
    # -- snapshots and share links (alice's snapshot of the team notebook, shared with vera) ---
    ("GET", f"{A}/snapshots?scope=shared", None, SIGNED_IN_STUDIO, None),
    ("POST", f"{A}/snapshots", {"path": "spaces/team/nb.ipynb"}, SNAPSHOTTERS, None),
    ("GET", f"{A}/snapshots/{{snapshot}}", None, SNAPSHOT_READERS, None),
    ("GET", f"{A}/snapshots/{{snapshot}}/notebook", None, SNAPSHOT_READERS, None),
    ("GET", f"{A}/snapshots/{{snapshot}}/diff?to={{snapshot}}", None, SNAPSHOT_READERS, None),
    ("GET", f"{A}/snapshots/{{snapshot}}/links", None, S(200, 200, 404, 403, 404, 401), None),
    (
        "POST",
        f"{A}/snapshots/{{snapshot}}/links",
        {"audience": "users", "users": ["tina"]},
        S(201, 201, 404, 403, 404, 401),
        None,
    ),
    ("PATCH", f"{A}/links/{{link}}", {"label": "x"}, LINK_OWNERS, None),
    ("GET", f"{A}/links/{{link}}/opens", None, LINK_OWNERS, None),
    ("DELETE", f"{A}/links/{{spare_link}}", None, LINK_OWNERS, None),
    ("GET", f"{A}/shared/{{token}}", None, S(200, 200, 403, 200, 403, 401), None),
    (
        "POST",
        f"{A}/shared/{{token}}/copy",
        {"space": "team"},
        S(201, 201, 403, 403, 403, 401),
        None,
    ),
    ("GET", "/mlops-studio/share/{token}", None, S(302, 302, 403, 302, 403, 302), None),
    # -- image builds (image_build: alice's ended build of spaces/team/img) -------------------
    ("GET", f"{IMG}/backends", None, SIGNED_IN_STUDIO, None),
    ("GET", f"{IMG}/builds?space=team", None, SIGNED_IN_STUDIO, None),
    ("POST", f"{IMG}/builds", IMAGE_BUILD, IMAGE_BUILDERS, None),
    ("GET", f"{IMG}/builds/{{image_build}}", None, STUDIO_READERS, None),
    ("POST", f"{IMG}/builds/{{image_build}}/cancel", None, IMAGE_ENDED, None),
    ("GET", f"{IMG}/builds/{{image_build}}/logs?after=1", None, STUDIO_READERS, None),
    ("GET", f"{IMG}/builds/{{image_build}}/events", None, STUDIO_READERS, None),
    (
        "POST",
        f"{IMG}/check",
        {"dockerfile": "spaces/team/img/Dockerfile", "mode": "training"},
        STUDIO_READERS,
        None,
    ),
    ("POST", f"{IMG}/check", {"content": "FROM x\n"}, SIGNED_IN_STUDIO, None),
    # -- feature store (group fsg made by the admin, record c1 in it) -------------------------
    ("GET", f"{F}/groups", None, EVERYONE, None),
    (
        "POST",
        f"{F}/groups",
        {**FS_GROUP, "name": "fs-{role}"},
        S(201, 201, 201, 201, 201, 401),
        None,
    ),
    ("GET", f"{F}/groups/fsg", None, EVERYONE, None),
    ("PATCH", f"{F}/groups/fsg", {"description": "d"}, FS_GROUP_OWNERS, None),
    (
        "POST",
        f"{F}/groups/fsg/features",
        {"features": [{"name": "f_{role}", "type": "Integral"}]},
        FS_GROUP_OWNERS,
        None,
    ),
    (
        "DELETE",
        f"{F}/groups/fs-del-{{role}}",
        None,
        S(204, 403, 403, 403, 403, 401),
        "fsgroup:fs-del-{role}",
    ),
    (
        "POST",
        f"{F}/groups/fsg/records",
        {"record": {"customer_id": "c-{role}", "event_time": 1.7e9}},
        S(201, 201, 201, 201, 201, 401),
        None,
    ),
    ("GET", f"{F}/groups/fsg/records/c1?features=spend", None, EVERYONE, None),
    ("DELETE", f"{F}/groups/fsg/records/gone-{{role}}?event_time=1.7e9", None, EVERYONE, None),
    ("POST", f"{F}/groups/fsg/ingest", FS_ROWS, EVERYONE, None),
    ("GET", f"{F}/groups/fsg/verify", None, EVERYONE, None),
    ("GET", f"{F}/groups/fsg/histogram?feature=spend", None, EVERYONE, None),
    (
        "POST",
        f"{F}/batch-get",
        {"identifiers": [{"group": "fsg", "record_ids": ["c1"]}]},
        EVERYONE,
        None,
    ),
    ("POST", f"{F}/query", {"sql": "SELECT count(*) FROM fsg"}, EVERYONE, None),
    ("POST", f"{F}/training-sets?features=fsg:spend", FS_SPINE, EVERYONE, None),
    # -- local runs and endpoints (an ended run and a failed endpoint of the team space) ------
    ("GET", f"{A}/local-runs", None, SIGNED_IN_STUDIO, None),
    (
        "POST",
        f"{A}/local-runs",
        {"entry_point": "spaces/team/lr-{role}.py"},
        S(201, 201, 201, 403, 404, 401),
        "file:lr-{role}.py",
    ),
    ("GET", f"{A}/local-runs/{{local_run}}", None, LOCAL_USERS, None),
    ("DELETE", f"{A}/local-runs/{{local_run}}", None, LOCAL_ENDED, None),
    ("GET", f"{A}/local-runs/{{local_run}}/logs", None, LOCAL_USERS, None),
    ("GET", f"{A}/local-endpoints", None, SIGNED_IN_STUDIO, None),
    (
        "POST",
        f"{A}/local-endpoints",
        {"model_path": "spaces/team/no-model"},
        S(400, 400, 400, 403, 404, 401),
        None,
    ),
    ("GET", f"{A}/local-endpoints/{{local_endpoint}}", None, LOCAL_USERS, None),
    ("DELETE", f"{A}/local-endpoints/{{local_endpoint}}", None, LOCAL_ENDED, None),
    ("POST", f"{A}/local-endpoints/{{local_endpoint}}/invocations", "[[1]]", LOCAL_ENDED, None),
    # -- gallery: editors and owners of the team space instantiate; admins manage the catalog --
    ("GET", f"{A}/gallery/templates?q=tabular", None, EVERYONE, None),
    ("GET", f"{A}/gallery/templates/tabular-classification", None, EVERYONE, None),
    (
        "POST",
        f"{A}/gallery/templates/tabular-classification/instantiate",
        {"space": "team", "folder": "tpl-{role}"},
        S(201, 201, 201, 403, 404, 401),
        None,
    ),
    ("GET", f"{A}/gallery/problems", None, EVERYONE, None),
    ("POST", f"{A}/gallery/refresh", None, ADMIN_STUDIO, None),
    ("POST", f"{A}/gallery/catalog", {"space_path": "spaces/team/gtpl"}, ADMIN_STUDIO_201, None),
    ("DELETE", f"{A}/gallery/catalog/gtpl", None, S(204, 403, 403, 403, 403, 401), None),
    # -- projects: editors of the team space create; its owner and the creator delete --------
    ("GET", f"{A}/projects", None, SIGNED_IN_STUDIO, None),
    (
        "POST",
        f"{A}/projects",
        {"name": "pj-{role}", "space": "team", "template": "project-build-only"},
        S(201, 201, 201, 403, 404, 401),
        None,
    ),
    ("GET", f"{A}/projects/pjm", None, STUDIO_READERS, None),
    # a wrong confirmation: who may delete gets 400, the others 403 or 404; pjm stays for all
    ("DELETE", f"{A}/projects/pjm", {"confirm": "no"}, S(400, 400, 403, 403, 404, 401), None),
]


@pytest.fixture
def jp_server_config(jp_server_config, moto_endpoint, s3_bucket):
    """The matrix runs with JupyterLab and jupyter-lsp loaded too, so their routes are walked;
    image builds go to CodeBuild on a moto_server."""
    use_codebuild(jp_server_config, moto_endpoint, s3_bucket)
    extensions = jp_server_config["ServerApp"]["jpserver_extensions"]
    extensions.update({"jupyterlab": True, "jupyter_lsp": True})
    return jp_server_config


def server_routes(web_app, base_url: str) -> list[tuple[str, type]]:
    found = []

    def walk(router):
        for rule in getattr(router, "rules", []):
            if isinstance(rule.matcher, PathMatches):
                pattern = rule.matcher.regex.pattern
                if pattern.startswith(base_url):
                    pattern = "/" + pattern[len(base_url) :]
                found.append((pattern, rule.target))
            else:
                walk(rule.target)

    walk(web_app.default_router)
    return found


async def test_every_route_is_in_the_matrix(jp_serverapp):
    base = re.escape(jp_serverapp.base_url).replace("\\/", "/")
    base = jp_serverapp.base_url.replace("@", "%40")
    routes = server_routes(jp_serverapp.web_app, base)
    assert len(routes) > 60
    urls = [
        re.sub(r"\?.*$", "", row[1]).format(
            role="admin",
            session_id="a-b-c-d-e",
            image_build="0" * 32,
            kernel_id="a-b-c-d-e",
            file_id="x",
            terminal="1",
            snapshot="0123456789abcdef",
            link="0123456789abcdef",
            spare_link="0123456789abcdef",
            token="mlsh_" + "x" * 32,
            local_run="0" * 32,
            local_endpoint="0" * 32,
        )
        for row in ROWS
    ]
    missing = []
    for pattern, target in routes:
        if pattern in EXEMPT or pattern.startswith(LAB_PREFIXES):
            continue
        regex = re.compile(pattern)
        if not any(regex.fullmatch(u) or regex.match(u) for u in urls):
            missing.append(f"{pattern} ({getattr(target, '__name__', target)})")
    assert not missing, "routes without a row in the authorization matrix:\n" + "\n".join(missing)


async def test_authorization_matrix(
    jp_serverapp, request_as, api, make_user, admin_token, jp_root_dir, jp_http_port, services
):
    tokens = {
        "admin": admin_token,
        "owner": make_user("alice"),
        "editor": make_user("eddie"),
        "viewer": make_user("vera"),
        "outsider": make_user("oscar"),
        "anonymous": None,
    }
    make_user("tina")
    services.registry.create_group(services.identity.get_user("admin").principal(), {"name": "g"})
    services.registry.register_version(services.identity.get_user("admin").principal(), "g", {})
    admin = services.identity.get_user("admin").principal()
    services.featurestore.create_group(admin, FS_GROUP)
    services.featurestore.put_record(
        admin, "fsg", {"record": {"customer_id": "c1", "event_time": 1.7e9, "spend": 3.0}}
    )
    await api(tokens["owner"], "POST", "/spaces", {"name": "team", "sharing": "shared"})
    await api(tokens["owner"], "PUT", "/spaces/team/members/eddie", {"role": "editor"})
    await api(tokens["owner"], "PUT", "/spaces/team/members/vera", {"role": "viewer"})
    team = jp_root_dir / "spaces" / "team"
    (team / "nb.ipynb").write_text(NB)
    (team / "page.html").write_text("<p>hi</p>")
    (team / "img").mkdir()
    (team / "img" / "Dockerfile").write_text("FROM python:3.11\nCOPY train /usr/local/bin/\n")
    (team / "img" / "train").write_text("#!/bin/sh\n")
    (team / "gtpl").mkdir()  # a template an admin copies into the gallery's catalog
    (team / "gtpl" / "template.yaml").write_text(
        "id: gtpl\ntitle: T\ndescription: d\ntype: notebook\ntask: t\nframework: f\n"
    )
    (team / "gtpl" / "nb.ipynb").write_text(NB)
    owner = services.identity.get_user("alice").principal()
    image_build = services.images.start_build(owner, {**IMAGE_BUILD, "tag": "matrix"})
    assert services.images.wait(image_build["id"], 60)["status"] == "Succeeded"
    r = await request_as(
        tokens["owner"],
        "POST",
        "/api/sessions",
        {
            "path": "spaces/team/nb.ipynb",
            "type": "notebook",
            "name": "nb",
            "kernel": {"name": "python3"},
        },
    )
    session = r.json
    r = await request_as(admin_token, "POST", "/api/terminals")
    alice = services.identity.get_user("alice").principal()
    snapshot = services.sharing.create_snapshot(alice, {"path": "spaces/team/nb.ipynb"})
    link = services.sharing.create_link(
        alice, snapshot["id"], {"audience": "users", "users": ["vera"]}
    )
    spare = services.sharing.create_link(
        alice, snapshot["id"], {"audience": "users", "users": ["tina"]}
    )
    (team / "lr.py").write_text("print('ok')\n")
    (team / "lr-model").mkdir()
    local_run = services.localruns.start_training(alice, {"entry_point": "spaces/team/lr.py"})
    local_endpoint = services.localruns.start_endpoint(
        alice, {"model_path": "spaces/team/lr-model"}
    )
    assert services.localruns.wait(local_run["id"], 60)
    services.projects.create_project(
        alice, {"name": "pjm", "space": "team", "template": "project-build-only"}
    )
    assert services.localruns.wait(local_endpoint["id"], 90)
    ids = {
        "snapshot": snapshot["id"],
        "link": link["id"],
        "token": link["token"],
        "spare_link": spare["id"],
        "local_run": local_run["id"],
        "local_endpoint": local_endpoint["id"],
        "session_id": session["id"],
        "kernel_id": session["kernel"]["id"],
        "terminal": r.json["name"],
        "file_id": services.paths
        and jp_serverapp.web_app.settings["file_id_manager"].index("spaces/team/nb.ipynb"),
    }

    async def setup(kind: str, role: str):
        what, _, arg = kind.partition(":")
        arg = arg.format(role=role)
        if what == "file":
            (team / arg).write_text("x")
        elif what == "checkpoint":
            await request_as(admin_token, "POST", f"{T}/nb.ipynb/checkpoints")
        elif what == "user":
            services.identity.find_user(arg) or services.identity.create_user(arg, ["mlops"])
        elif what == "member":
            await api(admin_token, "PUT", f"/spaces/team/members/{arg}", {"role": "viewer"})
        elif what == "version" and not services.history.list(ids["file_id"]):
            services.history.add(ids["file_id"], "spaces/team/nb.ipynb", NB_NODE, "out-of-band")
        elif what == "fsgroup":
            services.featurestore.create_group(admin, {**FS_GROUP, "name": arg})

    ids["image_build"] = image_build["id"]
    failures = []
    for method, url, body, expected, prepare in ROWS:
        for role in ROLES:
            want = expected[role]
            if want is None:
                continue
            if prepare:
                await setup(prepare, role)
            u = url.format(role=role, **ids)
            b = body  # str and bytes (Parquet) bodies go as they are
            if body is not None and not isinstance(body, str | bytes):
                b = json.loads(json.dumps(body).replace("{role}", role))
            if method == "ws":
                got = await ws_status(jp_serverapp, jp_http_port, u, tokens[role])
            else:
                got = (await request_as(tokens[role], method, u, b)).status
            if got != want:
                failures.append(f"{method} {u} as {role}: got {got}, expected {want}")
    await request_as(admin_token, "DELETE", f"/api/terminals/{ids['terminal']}")
    for s in (await request_as(admin_token, "GET", "/api/sessions")).json:
        await request_as(admin_token, "DELETE", f"/api/sessions/{s['id']}")
    assert not failures, "\n".join(failures)


async def ws_status(jp_serverapp, port, path, token) -> int:
    headers = {"Authorization": f"token {token}"} if token else {}
    req = HTTPRequest(
        f"ws://127.0.0.1:{port}{jp_serverapp.base_url}{path.lstrip('/')}", headers=headers
    )
    try:
        conn = await websocket_connect(req)
    except HTTPClientError as e:
        return e.code
    conn.close()
    return 101
