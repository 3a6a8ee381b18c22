"""The one permission table: which personas may take each studio action.

Every studio handler and the Jupyter-API authorizer ask :func:`check` (or :func:`allowed`). Actions
on one space additionally need a role in that space (``SPACE_ROLE_NEEDED``); admins pass both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import Forbidden

ADMIN = "admin"
DATA_SCIENTIST = "data-scientist"
MLOPS = "mlops"
COMPUTE = "compute"
PERSONAS = (ADMIN, DATA_SCIENTIST, MLOPS, COMPUTE)
HUMANS = frozenset({ADMIN, DATA_SCIENTIST, MLOPS})
EVERYONE = frozenset(PERSONAS)

#: action -> personas allowed to take it
PERMISSIONS: dict[str, frozenset[str]] = {
    "me:read": EVERYONE,
    "me:update": EVERYONE,
    "me:tokens": EVERYONE,
    "domain:read": EVERYONE,
    "domain:update": frozenset({ADMIN}),
    "users:list": EVERYONE,
    "users:read": EVERYONE,
    "users:create": frozenset({ADMIN}),
    "users:update": frozenset({ADMIN}),
    "users:delete": frozenset({ADMIN}),
    "users:tokens": frozenset({ADMIN}),
    "spaces:list": EVERYONE,
    "spaces:create": HUMANS,
    "spaces:read": EVERYONE,
    "spaces:update": EVERYONE,
    "spaces:delete": EVERYONE,
    "spaces:members:read": EVERYONE,
    "spaces:members:manage": EVERYONE,
    "spaces:files:read": EVERYONE,
    "spaces:files:write": EVERYONE,
    "spaces:kernels:use": EVERYONE,
    "snapshots:create": EVERYONE,
    "snapshots:read": EVERYONE,
    "snapshots:share": HUMANS,
    "snapshots:open": EVERYONE,
    "registry:read": EVERYONE,
    "registry:register": EVERYONE,
    "registry:groups": HUMANS,
    "registry:approve": frozenset({ADMIN, MLOPS}),
    "registry:override": frozenset({ADMIN}),
    "registry:webhooks": frozenset({ADMIN, MLOPS}),
    "featurestore:read": EVERYONE,
    "featurestore:write": EVERYONE,
    "featurestore:groups": EVERYONE,
    "images:read": EVERYONE,
    "images:build": EVERYONE,
    "localrun:use": EVERYONE,
    "gallery:read": EVERYONE,
    "gallery:use": EVERYONE,
    "gallery:manage": frozenset({ADMIN}),
    "projects:read": EVERYONE,
    "projects:create": HUMANS,
    "projects:delete": HUMANS,
    "collab:history": EVERYONE,  # and the document's role: read to list, editor to restore
    "kernels:start-unattached": frozenset({ADMIN}),
    "terminals:use": frozenset({ADMIN}),
    "server:files-outside-spaces": frozenset({ADMIN}),
    "server:manage": frozenset({ADMIN}),
}

ROLES = ("viewer", "editor", "owner")
ROLE_RANK = {"viewer": 1, "editor": 2, "owner": 3}

#: space action -> the least role in the space that allows it (admins need none)
SPACE_ROLE_NEEDED: dict[str, str] = {
    "spaces:read": "viewer",
    "spaces:members:read": "viewer",
    "spaces:files:read": "viewer",
    "spaces:files:write": "editor",
    "spaces:kernels:use": "editor",
    "spaces:update": "owner",
    "spaces:delete": "owner",
    "spaces:members:manage": "owner",
    "images:build": "editor",
    "localrun:use": "editor",
    "gallery:use": "editor",
    "projects:create": "editor",
}


@dataclass(frozen=True)
class Principal:
    """Who is acting: a user profile's name and personas (what handlers and services receive)."""

    username: str
    personas: frozenset[str] = field(default_factory=frozenset)
    display_name: str = ""
    via_server_token: bool = False

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.personas


def allowed(principal: Principal, action: str, role: str | None = None) -> bool:
    """Whether the personas allow ``action`` and, for a space action, ``role`` does too."""
    personas = PERMISSIONS.get(action)
    if personas is None:
        raise KeyError(f"unknown action {action!r}: add it to the permission table")
    if not principal.personas & personas:
        return False
    needed = SPACE_ROLE_NEEDED.get(action)
    if needed is None or principal.is_admin:
        return True
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[needed]


def check(principal: Principal, action: str, role: str | None = None) -> None:
    """Raise :class:`Forbidden` unless :func:`allowed`."""
    if not allowed(principal, action, role):
        raise Forbidden(f"{principal.username} may not {action}", reason="forbidden")


def check_persona(principal: Principal, action: str) -> None:
    """The persona half of :func:`check` (handlers; the service then checks the space role)."""
    personas = PERMISSIONS.get(action)
    if personas is None:
        raise KeyError(f"unknown action {action!r}: add it to the permission table")
    if not principal.personas & personas:
        raise Forbidden(f"{principal.username} may not {action}", reason="forbidden")


def permissions_of(principal: Principal, terminals_open: bool = False) -> list[str]:
    """The persona-level actions a principal may take (the UI hides the rest)."""
    granted = [a for a, personas in PERMISSIONS.items() if principal.personas & personas]
    if terminals_open and "terminals:use" not in granted:
        granted.append("terminals:use")
    return sorted(granted)
