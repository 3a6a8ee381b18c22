"""HTTP of document history (thin: the document from the query, the service, the answer)."""

from __future__ import annotations

from ..core import validation as v
from ..core.errors import Forbidden, InvalidInput, NotFound
from ..core.handlers import StudioAPIHandler, studio_action
from ..core.policy import READ, WRITE
from .versions import restore_version, save_version


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
        """Keep the document as it is now as a version, labelled by its author (editors)."""
        path, file_id = self.document(WRITE)
        body = self.json_body(required=False)
        body = {} if body is None else v.require_dict(body)
        v.reject_unknown(body, {"label"})
        label = body.get("label")
        label = None if label is None else v.string(label, "label", 200)
        user = self.principal.username
        history = self.services.history
        entry = await save_version(self.application, history, path, file_id, user, label)
        self.write_json(entry, 201)


class VersionHandler(_DocumentHandler):
    @studio_action("collab:history")
    async def get(self, version):
        _, file_id = self.document(READ)
        self.write_json(self.services.history.get(file_id, version))


class RestoreHandler(_DocumentHandler):
    @studio_action("collab:history")
    async def post(self, version):
        """Make a version the document's content; what it replaces is kept first."""
        path, file_id = self.document(WRITE)
        user = self.principal.username
        history = self.services.history
        self.write_json(
            await restore_version(self.application, history, path, file_id, version, user)
        )


HANDLERS = [
    (r"/collab/history", HistoryHandler),
    (r"/collab/history/([^/]+)", VersionHandler),
    (r"/collab/history/([^/]+)/restore", RestoreHandler),
]
