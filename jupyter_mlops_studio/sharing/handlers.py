"""HTTP of snapshots and share links (thin), and the share page that opens JupyterLab."""

from __future__ import annotations

import asyncio
import html
import json
import urllib.parse

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from ..collab.rooms import live_notebook
from ..core.errors import StudioError
from ..core.handlers import StudioAPIHandler, studio_action
from ..core.identity import principal_of
from ..core.services import services_of


class _SharingHandler(StudioAPIHandler):
    @property
    def sharing(self):
        return self.services.sharing

    def write_items(self, items) -> None:
        self.write_json({"items": items, "next": None})

    def write_notebook(self, meta: dict, notebook: bytes) -> None:
        """The stored notebook is valid JSON already: spliced in, not parsed and re-encoded."""
        self.set_header("Content-Type", "application/json")
        self.finish(
            b'{"snapshot": ' + json.dumps(meta).encode() + b', "notebook": ' + notebook + b"}"
        )


class SnapshotsHandler(_SharingHandler):
    @studio_action("snapshots:read")
    async def get(self):
        scope = self.get_query_argument("scope", "mine")
        self.write_items(self.sharing.list_snapshots(self.principal, scope))

    @studio_action("snapshots:create")
    async def post(self):
        body = self.json_body()
        live = None
        if isinstance(body, dict) and isinstance(body.get("path"), str):
            # the check runs first: a room is never read for a path the user may not read
            path, _ = self.sharing.notebook_path(self.principal, body["path"])
            live = await live_notebook(self.application, path)
        # reading, validating, hashing and storing a notebook of up to 100 MB: off the loop
        created = await asyncio.to_thread(self.sharing.create_snapshot, self.principal, body, live)
        self.write_json(created, status=201)


class SnapshotHandler(_SharingHandler):
    @studio_action("snapshots:read")
    async def get(self, snapshot):
        self.write_json(self.sharing.get_snapshot(self.principal, snapshot))


class SnapshotNotebookHandler(_SharingHandler):
    @studio_action("snapshots:read")
    async def get(self, snapshot):
        self.write_notebook(*self.sharing.notebook(self.principal, snapshot))


class SnapshotDiffHandler(_SharingHandler):
    @studio_action("snapshots:read")
    async def get(self, snapshot):
        other = self.get_query_argument("to", None)
        self.write_json(await asyncio.to_thread(self.sharing.diff, self.principal, snapshot, other))


class LinksHandler(_SharingHandler):
    @studio_action("snapshots:share")
    async def get(self, snapshot):
        self.write_items(self.sharing.list_links(self.principal, snapshot))

    @studio_action("snapshots:share")
    async def post(self, snapshot):
        link = self.sharing.create_link(self.principal, snapshot, self.json_body())
        link["url"] = self.share_url(link["token"])
        self.write_json(link, status=201)

    def share_url(self, token: str) -> str:
        path = url_path_join(self.base_url, "mlops-studio/share", token)
        return f"{self.request.protocol}://{self.request.host}{path}"


class LinkHandler(_SharingHandler):
    @studio_action("snapshots:share")
    async def patch(self, link):
        self.write_json(self.sharing.update_link(self.principal, link, self.json_body()))

    @studio_action("snapshots:share")
    async def delete(self, link):
        self.write_json(self.sharing.revoke_link(self.principal, link))


class LinkOpensHandler(_SharingHandler):
    @studio_action("snapshots:share")
    async def get(self, link):
        self.write_items(self.sharing.link_opens(self.principal, link))


class SharedHandler(_SharingHandler):
    @studio_action("snapshots:open")
    async def get(self, token):
        # on the loop: a 5 MB snapshot is read in ~10 ms, and through a worker thread the answer
        # took 8 ms longer (measured, benchmarks/snapshot.py)
        self.write_notebook(*self.sharing.open_link(self.principal, token))


class SharedCopyHandler(_SharingHandler):
    @studio_action("snapshots:open")
    async def post(self, token):
        body = self.json_body(required=False)
        copied = await asyncio.to_thread(self.sharing.copy_from_link, self.principal, token, body)
        self.write_json(copied, status=201)


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;
color:#222}}h1{{font-size:1.4rem}}a{{color:#1976d2}}</style></head>
<body><main><h1>{title}</h1><p>{message}</p><p><a href="{lab}">Open JupyterLab</a></p></main>
</body></html>"""


class SharePageHandler(JupyterHandler):
    """``/mlops-studio/share/<token>``: opens JupyterLab on the preview, or says why not.

    A revoked or expired link answers 410, a user outside the audience 403, a malformed or
    unknown token 404 — each as a page a person can read.
    """

    auth_resource = "mlops-studio"

    @web.authenticated
    async def get(self, token):
        lab = url_path_join(self.base_url, "lab")
        principal = principal_of(self.current_user)
        try:
            if principal is None:
                raise web.HTTPError(403)
            services_of(self.settings).sharing.check_token(principal, token)
        except StudioError as e:
            title = {
                404: "Share link not found",
                410: "Share link no longer available",
                403: "Not shared with you",
            }.get(e.status, "Cannot open this share link")
            self.set_status(e.status)
            self.set_header("Cache-Control", "no-store")
            self.finish(
                PAGE.format(title=title, message=html.escape(e.message), lab=html.escape(lab))
            )
            return
        self.set_header("Cache-Control", "no-store")
        self.redirect(f"{lab}?{urllib.parse.urlencode({'mlops-share': token})}")


HANDLERS = [
    (r"/snapshots", SnapshotsHandler),
    (r"/snapshots/([^/]+)", SnapshotHandler),
    (r"/snapshots/([^/]+)/notebook", SnapshotNotebookHandler),
    (r"/snapshots/([^/]+)/diff", SnapshotDiffHandler),
    (r"/snapshots/([^/]+)/links", LinksHandler),
    (r"/links/([^/]+)", LinkHandler),
    (r"/links/([^/]+)/opens", LinkOpensHandler),
    (r"/shared/([^/]+)", SharedHandler),
    (r"/shared/([^/]+)/copy", SharedCopyHandler),
]
PAGE_ROUTE = (r"/mlops-studio/share/([^/]+)", SharePageHandler)
