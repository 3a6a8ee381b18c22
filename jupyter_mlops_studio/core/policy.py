"""Who may read, write or run code at a Jupyter API path (no tornado).

The one decision behind the authorizer and the filtered listings: a path is classified against
the spaces root, then the principal's personas (permission table) and role in the space decide.
"""

from __future__ import annotations

from ..spaces.paths import PathClass, PathTraversal, SpacePaths
from .permissions import Principal, allowed

READ, WRITE, CREATE_IN, EXECUTE = "read", "write", "create-in", "execute"

#: access mode -> the space action of the permission table it needs
MODE_ACTION = {
    READ: "spaces:files:read",
    WRITE: "spaces:files:write",
    CREATE_IN: "spaces:files:write",
    EXECUTE: "spaces:kernels:use",
}


class AccessPolicy:
    """Decides access to API paths; ``roles`` maps a username to {space name: role}."""

    def __init__(self, paths: SpacePaths, roles_of):
        self.paths = paths
        self.roles_of = roles_of

    def classify(self, api_path: str) -> PathClass | None:
        try:
            return self.paths.classify(api_path)
        except PathTraversal:
            return None

    def can(
        self, principal: Principal, api_path: str, mode: str, roles: dict[str, str] | None = None
    ) -> bool:
        cls = self.classify(api_path)
        if cls is None:
            return False
        if principal.is_admin:
            return True
        if cls.kind in ("root", "above", "spaces-root"):
            return mode == READ
        if cls.kind == "outside":
            return allowed(principal, "server:files-outside-spaces")
        roles = self.roles_of(principal.username) if roles is None else roles
        role = roles.get(cls.space)
        if cls.kind == "space" and mode in (WRITE, EXECUTE):
            return False  # a space's own directory changes only through the studio API
        if self.paths.escapes_space(api_path, cls.space):
            return False
        return role is not None and allowed(principal, MODE_ACTION[mode], role)

    def visible(self, principal: Principal, api_path: str, roles: dict[str, str]) -> bool:
        """Whether a listing may show the entry at ``api_path``."""
        return self.can(principal, api_path, READ, roles)
