"""Spaces enforced on every Jupyter API: the authorizer's decisions and the filtered listings.

jupyter-server asks the authorizer with a resource name (``contents``, ``kernels`` …) and an action
(``read``, ``write``, ``execute``); this module finds the API paths a request touches — in the URL,
in the body (``copy_from``, a rename's new path, a session's path), behind a kernel id, a session
id or a collaboration room id — and asks the :class:`AccessPolicy` about each of them.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from jupyter_client.jsonutil import json_default
from jupyter_core.utils import ensure_async
from jupyter_server.base.handlers import path_regex
from jupyter_server.services.contents.handlers import (
    CheckpointsHandler,
    ContentsHandler,
    ModifyCheckpointsHandler,
    TrustNotebooksHandler,
    _checkpoint_id_regex,
)
from jupyter_server.services.kernels.handlers import MainKernelHandler
from jupyter_server.services.sessions.handlers import SessionRootHandler
from tornado import web

from .identity import principal_of
from .permissions import Principal, allowed
from .policy import CREATE_IN, EXECUTE, READ, WRITE
from .services import services_of

log = logging.getLogger(__name__)

GLOBAL_AWARENESS_ROOM = "JupyterLab:globalAwareness"
#: resources every signed-in user may read and use (no space data behind them)
OPEN_RESOURCES = {"kernelspecs", "api", "csp", "events"}


def _json_body(handler) -> dict:
    try:
        body = json.loads(handler.request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}


def _url_path(handler) -> str:
    if "path" in handler.path_kwargs:
        return handler.path_kwargs["path"] or ""
    return handler.path_args[0] if handler.path_args else ""


class JupyterGuard:
    """Authorizes Jupyter API requests against spaces (one instance per studio)."""

    def __init__(self, settings: dict[str, Any]):
        self.settings = settings

    @property
    def services(self):
        return services_of(self.settings)

    async def authorize(self, handler, principal: Principal, action: str, resource: str) -> bool:
        if principal.is_admin:
            return True
        query_paths = self._query_paths(handler)
        if query_paths is not None:
            policy = self.services.policy
            return all(policy.can(principal, p, READ) for p in query_paths)
        if resource in OPEN_RESOURCES:
            return True
        if resource == "terminals":
            return allowed(principal, "terminals:use") or bool(
                self.services.identity.domain_setting("allow_terminals")
            )
        if resource == "config":
            return action == "read"
        if resource in ("contents", "files", "nbconvert", "view"):
            return await self._contents(handler, principal, action, resource)
        if resource == "sessions":
            return await self._sessions(handler, principal, action)
        if resource == "kernels":
            return await self._kernels(handler, principal, action)
        # server (shutdown), lsp (language servers read any file) and resources we do not know
        log.info(
            "denying %s %s on %s to %s", action, resource, handler.request.path, principal.username
        )
        return False

    def _query_paths(self, handler) -> list[str] | None:
        """Paths named in the query string (file ids, path resolution); None for other handlers."""
        from jupyter_server.services.api.handlers import PathResolverHandler
        from jupyter_server_fileid.handler import FileIDHandler, FilePathHandler

        if isinstance(handler, FileIDHandler | PathResolverHandler):
            return [handler.get_query_argument("path", "\x00")]
        if isinstance(handler, FilePathHandler):
            return [self._file_path(handler.get_query_argument("id", ""))]
        return None

    # -- contents, files, nbconvert, collaboration ------------------------------------------
    async def _contents(self, handler, principal, action, resource) -> bool:
        policy = self.services.policy
        roles = self.services.spaces.roles_of(principal.username)
        can = lambda path, mode: policy.can(principal, path, mode, roles)  # noqa: E731
        collab = self._collaboration_paths(handler, action)
        if collab is not None:
            return all(can(path, mode) for path, mode in collab)
        if resource == "nbconvert" and not handler.path_kwargs.get("path"):
            return True  # converting a notebook posted in the body touches no file
        path = _url_path(handler)
        if action == "read":
            return can(path, READ)
        method = handler.request.method
        body = _json_body(handler) if method in ("POST", "PATCH", "PUT") else {}
        checks = []
        if isinstance(handler, ContentsHandler) and method == "POST":
            checks.append((path, CREATE_IN))
        else:
            checks.append((path, WRITE))
        if "copy_from" in body:
            checks.append((str(body["copy_from"]), READ))
        if method == "PATCH" and "path" in body:
            checks.append((str(body["path"]), WRITE))
        return all(can(p, m) for p, m in checks)

    def _collaboration_paths(self, handler, action) -> list[tuple[str, str]] | None:
        """The (path, mode) pairs of a jupyter-collaboration request; None for other handlers."""
        from jupyter_server_ydoc import handlers as ydoc

        if isinstance(handler, ydoc.DocSessionHandler | ydoc.TimelineHandler):
            # opening a document's session is reading it: viewers must be able to open
            return [(_url_path(handler), READ)]
        if isinstance(handler, ydoc.YDocWebSocketHandler):
            room = handler.path_args[0] if handler.path_args else ""
            if room == GLOBAL_AWARENESS_ROOM:
                return []
            return [(self._room_path(room), READ)]
        if isinstance(handler, ydoc.UndoRedoHandler):
            return [(self._room_path(handler.path_args[0]), WRITE)]
        if isinstance(handler, ydoc.DocForkHandler):
            room = handler.path_args[0] if handler.path_args else ""
            fork = ydoc.FORK_ROOMS.get(room)
            root = fork["root_roomid"] if fork else room
            return [(self._room_path(root), READ if action == "read" else WRITE)]
        return None

    def _room_path(self, room_id: str) -> str:
        """room id ``format:type:fileId`` -> the file's API path; ``\\x00`` (denied) if unknown."""
        parts = room_id.split(":", 2)
        return self._file_path(parts[2]) if len(parts) == 3 else "\x00"

    def _file_path(self, file_id: str) -> str:
        manager = self.settings.get("file_id_manager")
        path = manager.get_path(file_id) if manager is not None and file_id else None
        return path if path is not None else "\x00"

    # -- sessions and kernels -------------------------------------------------------------
    async def _session_path(self, handler, session_id: str) -> str | None:
        sm = self.settings["session_manager"]
        try:
            session = await ensure_async(sm.get_session(session_id=session_id))
        except web.HTTPError:
            return None
        return session["path"]

    async def _kernel_paths(self, kernel_id: str) -> list[str]:
        sm = self.settings["session_manager"]
        sessions = await ensure_async(sm.list_sessions())
        return [s["path"] for s in sessions if s.get("kernel", {}).get("id") == kernel_id]

    async def _can_use_kernel(self, principal, kernel_id: str, mode: str) -> bool:
        if kernel_id not in self.settings["kernel_manager"]:
            return True  # the handler answers 404
        paths = await self._kernel_paths(kernel_id)
        policy = self.services.policy
        roles = self.services.spaces.roles_of(principal.username)
        # a kernel not started through a session belongs to the admins who may start those
        return bool(paths) and any(policy.can(principal, p, mode, roles) for p in paths)

    async def _sessions(self, handler, principal, action) -> bool:
        policy = self.services.policy
        session_id = handler.path_kwargs.get("session_id")
        method = handler.request.method
        if session_id is None:
            if method == "GET":
                return True  # the listing is filtered by FilteredSessionRootHandler
            body = _json_body(handler)
            path = body.get("path") or (body.get("notebook") or {}).get("path")
            if not isinstance(path, str) or not policy.can(principal, path, EXECUTE):
                return False
            return await self._body_kernel_ok(principal, body)
        path = await self._session_path(handler, session_id)
        if path is None:
            return True  # the handler answers 404
        mode = READ if action == "read" else EXECUTE
        if not policy.can(principal, path, mode):
            return False
        if method == "PATCH":
            body = _json_body(handler)
            new_path = body.get("path")
            if new_path is not None and not (
                isinstance(new_path, str) and policy.can(principal, new_path, EXECUTE)
            ):
                return False
            return await self._body_kernel_ok(principal, body)
        return True

    async def _body_kernel_ok(self, principal, body: dict) -> bool:
        kernel = body.get("kernel") or {}
        kernel_id = kernel.get("id") if isinstance(kernel, dict) else None
        if kernel_id is None:
            return True
        return isinstance(kernel_id, str) and await self._can_use_kernel(
            principal, kernel_id, EXECUTE
        )

    async def _kernels(self, handler, principal, action) -> bool:
        kernel_id = handler.path_kwargs.get("kernel_id")
        if kernel_id is None:
            if handler.request.method == "GET":
                return True  # filtered by FilteredMainKernelHandler
            return allowed(principal, "kernels:start-unattached")
        mode = READ if action == "read" else EXECUTE
        return await self._can_use_kernel(principal, kernel_id, mode)


# -- listings that show only what the user may see -------------------------------------------


class _Filtering:
    """What the filtered listings share: the principal and which paths it may read."""

    def studio_principal(self) -> Principal | None:
        return principal_of(self.current_user)

    async def authorized_listing(self, resource: str) -> bool:
        return await ensure_async(
            self.authorizer.is_authorized(self, self.current_user, "read", resource)
        )

    def readable(self, paths: list[str]) -> set[str]:
        principal = self.studio_principal()
        if principal is None:
            return set()
        services = services_of(self.settings)
        roles = services.spaces.roles_of(principal.username)
        return {p for p in paths if services.policy.can(principal, p, READ, roles)}


class FilteredContentsHandler(_Filtering, ContentsHandler):
    """The contents API whose directory listings show only entries the user may read."""

    def _finish_model(self, model, location=True):
        principal = self.studio_principal()
        content = model.get("content")
        if (
            principal is not None
            and not principal.is_admin
            and model.get("type") == "directory"
            and isinstance(content, list)
        ):
            readable = self.readable([e["path"] for e in content])
            model = {**model, "content": [e for e in content if e["path"] in readable]}
        return super()._finish_model(model, location)


class FilteredSessionRootHandler(_Filtering, SessionRootHandler):
    """``GET /api/sessions`` lists only sessions of paths the user may read."""

    @web.authenticated
    async def get(self):
        if not await self.authorized_listing("sessions"):
            raise web.HTTPError(403)
        sessions = await ensure_async(self.session_manager.list_sessions())
        readable = self.readable([s["path"] for s in sessions])
        self.finish(
            json.dumps([s for s in sessions if s["path"] in readable], default=json_default)
        )


class FilteredMainKernelHandler(_Filtering, MainKernelHandler):
    """``GET /api/kernels`` lists only kernels attached to sessions the user may read."""

    @web.authenticated
    async def get(self):
        if not await self.authorized_listing("kernels"):
            raise web.HTTPError(403)
        kernels = await ensure_async(self.kernel_manager.list_kernels())
        principal = self.studio_principal()
        if principal is None or not principal.is_admin:
            sessions = await ensure_async(self.session_manager.list_sessions())
            readable = self.readable([s["path"] for s in sessions])
            ids = {s["kernel"]["id"] for s in sessions if s["path"] in readable}
            kernels = [k for k in kernels if k["id"] in ids]
        self.finish(json.dumps(kernels, default=json_default))


def listing_handlers() -> list[tuple[str, type]]:
    """Routes that take precedence over jupyter-server's own (registered later, matched first)."""
    # jupyter-server's contents routes are re-registered in its own order: the catch-all
    # contents pattern would otherwise swallow the checkpoint and trust routes
    return [
        (rf"/api/contents{path_regex}/checkpoints", CheckpointsHandler),
        (
            rf"/api/contents{path_regex}/checkpoints/{_checkpoint_id_regex}",
            ModifyCheckpointsHandler,
        ),
        (rf"/api/contents{path_regex}/trust", TrustNotebooksHandler),
        (rf"/api/contents{path_regex}", FilteredContentsHandler),
        (r"/api/sessions", FilteredSessionRootHandler),
        (r"/api/kernels", FilteredMainKernelHandler),
    ]
