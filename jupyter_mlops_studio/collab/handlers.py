"""HTTP of document history (thin: the document from the query, the service, the answer)."""

from __future__ import annotations

from jupyter_server.utils import ensure_async

from ..core import validation as v
from ..core.errors import Forbidden, InvalidInput, NotFound
from ..core.handlers import StudioAPIHandler, studio_action
from ..core.policy import READ, WRITE
from .rooms import live_notebook


class _DocumentHandler(StudioAPIHandler):
    def document(self, mode: str) -> tuple[str, str]:
        """(API path, file id) of the ``path`` query argument, if the caller may ``mode`` it."""
        raw = self.get_query_argument("path", None)
        if raw is None:
            raise InvalidInput("the path query argument is required", reason="missing-field")
        path = v.string(raw, "path", 1024, min_length=1)
        path = path.strip("/")
        policy = self.services.policy
        cls = policy.classify(path)
        if cls is None or cls.kind != "in-space" or not policy.can(self.principal, path, READ):
            raise NotFound(f"no document {path[:200]!r} in your spaces", reason="no-document")
        if mode == WRITE and not policy.can(self.principal, path, WRITE):
            raise Forbidden("saving or restoring versions needs the editor role")
        manager = self.settings.get("file_id_manager")
        file_id = manager.get_id(path) if manager is not None else None
        if file_id is None:
            raise NotFound(f"no history of {path[:200]!r}", reason="no-history")
        return path, file_id


class HistoryHandler(_DocumentHandler):
    @studio_action("collab:history")
    async def get(self):
        path, file_id = self.document(READ)
        self.write_json({"path": path, "items": self.services.history.list(file_id)})

    @studio_action("collab:history")
    async def post(self):
        """Save the document as it is now (its open room's content, else the file's) as a
        version, labelled by its author (editors)."""
        body = self.json_body(required=False)
        body = {} if body is None else v.require_dict(body)
        v.reject_unknown(body, {"label"})
        label = body.get("label")
        label = None if label is None else v.string(label, "label", 200)
        path, file_id = self.document(WRITE)
        content = await live_notebook(self.application, path)
        if content is None:
            contents = self.settings["contents_manager"]
            content = (await ensure_async(contents.get(path, content=True)))["content"]
        entry = self.services.history.add(
            file_id, path, content, "saved", self.principal.username, label
        )
        self.write_json(entry, 201)


class VersionHandler(_DocumentHandler):
    @studio_action("collab:history")
    async def get(self, version):
        _, file_id = self.document(READ)
        self.write_json(self.services.history.get(file_id, version))


class RestoreHandler(_DocumentHandler):
    @studio_action("collab:history")
    async def post(self, version):
        """Write a version back to the file; the file's current content is kept first."""
        path, file_id = self.document(WRITE)
        history = self.services.history
        kept = history.get(file_id, version)
        contents = self.settings["contents_manager"]
        current = await ensure_async(contents.get(path, content=True))
        user = self.principal.username
        history.add(file_id, path, current["content"], "before-restore", user)
        model = {"type": current["type"], "format": current["format"], "content": kept["content"]}
        await ensure_async(contents.save(model, path))
        self.write_json({"path": path, "restored": kept["version"]})


HANDLERS = [
    (r"/collab/history", HistoryHandler),
    (r"/collab/history/([^/]+)", VersionHandler),
    (r"/collab/history/([^/]+)/restore", RestoreHandler),
]
