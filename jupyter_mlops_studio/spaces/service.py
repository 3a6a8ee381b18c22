"""Spaces: create, list, update, archive on delete, members and roles (no tornado)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select

from ..core import validation as v
from ..core.db import Database, utcnow
from ..core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ..core.models import UserRow
from ..core.permissions import ROLE_RANK, ROLES, Principal, check
from ..core.users import IdentityService, live_user
from .models import SpaceMemberRow, SpaceRow
from .paths import SpacePaths

#: space name and role of each live space of a user: asked by every authorization of a path
#: (prebuilt, run on a Core connection: an ORM session cost about three times as much)
_ROLES_OF = (
    select(SpaceRow.name, SpaceMemberRow.role)
    .join(SpaceMemberRow, SpaceMemberRow.space_id == SpaceRow.id)
    .join(UserRow, UserRow.id == SpaceMemberRow.user_id)
    .where(UserRow.username == bindparam("username"), SpaceRow.deleted_at.is_(None))
)

SHARING = ("private", "shared")


@dataclass(frozen=True)
class SpaceInfo:
    name: str
    sharing: str
    description: str
    owner: str
    path: str
    role: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "sharing": self.sharing,
            "description": self.description,
            "owner": self.owner,
            "path": self.path,
            "role": self.role,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True)
class MemberInfo:
    username: str
    display_name: str
    role: str

    def to_json(self) -> dict:
        return {"username": self.username, "display_name": self.display_name, "role": self.role}


class SpaceService:
    """The spaces of the domain and who may do what in each."""

    def __init__(
        self, db: Database, identity: IdentityService, paths: SpacePaths, archive_dir: Path
    ):
        self.db = db
        self.identity = identity
        self.paths = paths
        self.archive_dir = Path(archive_dir)
        #: counts the committed changes of roles in this process (members, sharing, deletion):
        #: open collaboration connections recheck their write right when it moves
        self.roles_version = 0

    # -- helpers --------------------------------------------------------------------------------
    @contextmanager
    def _changing_roles(self) -> Iterator[Any]:
        """A session whose commit may change who may do what in a space."""
        with self.db.session() as s:
            yield s
        self.roles_version += 1  # after the commit, so that a recheck reads the new roles

    def _info(self, s, row: SpaceRow, username: str | None) -> SpaceInfo:
        owner = s.get(UserRow, row.owner_id)
        role = None
        if username is not None:
            role = next((m.role for m in row.members if self._username(s, m) == username), None)
        return SpaceInfo(
            row.name,
            row.sharing,
            row.description,
            owner.username,
            self.paths.api_path_of(row.name),
            role,
            row.created_at,
            row.updated_at,
        )

    @staticmethod
    def _username(s, member: SpaceMemberRow) -> str:
        return s.get(UserRow, member.user_id).username

    def _live(self, s, name: Any) -> SpaceRow:
        if not isinstance(name, str) or not v.SPACE_NAME.match(name):
            raise NotFound(f"no space {str(name)[:80]!r}", reason="no-such-space")
        row = s.scalar(select(SpaceRow).where(SpaceRow.name == name, SpaceRow.deleted_at.is_(None)))
        if row is None:
            raise NotFound(f"no space {name!r}", reason="no-such-space")
        return row

    def _visible(
        self, s, principal: Principal, name: Any, action: str
    ) -> tuple[SpaceRow, str | None]:
        """The space and the principal's role; 404 when the principal may not even see it."""
        row = self._live(s, name)
        role = self._role(s, row, principal.username)
        if role is None and not principal.is_admin:
            raise NotFound(f"no space {name!r}", reason="no-such-space")
        check(principal, action, role)
        return row, role

    @staticmethod
    def _role(s, row: SpaceRow, username: str) -> str | None:
        uid = s.scalar(
            select(UserRow.id).where(UserRow.username == username, UserRow.deleted_at.is_(None))
        )
        if uid is None:
            return None
        member = s.get(SpaceMemberRow, (row.id, uid))
        return member.role if member else None

    # -- queries the authorizer asks on every Jupyter request ----------------------------------
    def role_of(self, username: str, name: str) -> tuple[bool, str | None]:
        """(space exists, the user's role in it)."""
        with self.db.session() as s:
            try:
                row = self._live(s, name)
            except NotFound:
                return False, None
            return True, self._role(s, row, username)

    def roles_of(self, username: str) -> dict[str, str]:
        """space name -> role, for every live space the user belongs to."""
        with self.db.transaction() as conn:
            return {name: role for name, role in conn.execute(_ROLES_OF, {"username": username})}

    # -- spaces ---------------------------------------------------------------------------------
    def create_space(self, principal: Principal, body: Any) -> SpaceInfo:
        check(principal, "spaces:create")
        body = v.require_dict(body)
        v.reject_unknown(body, {"name", "sharing", "description"})
        if "name" not in body:
            raise InvalidInput("missing field: name", reason="missing-field")
        name = v.name(body["name"], "space name")
        sharing = v.choice(body.get("sharing", "private"), "sharing", SHARING)
        description = v.string(body.get("description", ""), "description", 4096)
        directory = self.paths.directory_of(name)
        with self.db.session(write=True) as s:
            if s.scalar(
                select(SpaceRow.id).where(SpaceRow.name == name, SpaceRow.deleted_at.is_(None))
            ):
                raise Conflict(f"space {name!r} exists", reason="space-exists")
            if directory.exists() or directory.is_symlink():
                raise Conflict(
                    f"a file or directory {self.paths.api_path_of(name)!r} already exists",
                    reason="path-exists",
                )
            owner = s.scalar(
                select(UserRow).where(
                    UserRow.username == principal.username, UserRow.deleted_at.is_(None)
                )
            )
            if owner is None:
                raise Forbidden("only user profiles can own spaces", reason="no-profile")
            row = SpaceRow(name=name, sharing=sharing, description=description, owner_id=owner.id)
            row.members.append(SpaceMemberRow(user_id=owner.id, role="owner"))
            if sharing == "shared" and self.identity.domain_setting("shared_spaces_open_to_domain"):
                role = self.identity.domain_setting("default_member_role")
                others = s.scalars(
                    select(UserRow).where(UserRow.deleted_at.is_(None), UserRow.id != owner.id)
                )
                row.members.extend(SpaceMemberRow(user_id=u.id, role=role) for u in others)
            s.add(row)
            s.flush()
            directory.mkdir(parents=True, exist_ok=False)
            return self._info(s, row, principal.username)

    def list_spaces(self, principal: Principal) -> list[SpaceInfo]:
        check(principal, "spaces:list")
        with self.db.session() as s:
            rows = s.scalars(
                select(SpaceRow).where(SpaceRow.deleted_at.is_(None)).order_by(SpaceRow.name)
            )
            infos = [self._info(s, r, principal.username) for r in rows]
        return [i for i in infos if i.role is not None or principal.is_admin]

    def get_space(self, principal: Principal, name: Any) -> SpaceInfo:
        with self.db.session() as s:
            row, _ = self._visible(s, principal, name, "spaces:read")
            return self._info(s, row, principal.username)

    def update_space(self, principal: Principal, name: Any, patch: Any) -> SpaceInfo:
        patch = v.require_dict(patch)
        v.reject_unknown(patch, {"description", "sharing"})
        description = (
            v.string(patch["description"], "description", 4096) if "description" in patch else None
        )
        sharing = v.choice(patch["sharing"], "sharing", SHARING) if "sharing" in patch else None
        with self._changing_roles() as s:
            row, _ = self._visible(s, principal, name, "spaces:update")
            if sharing == "private" and row.sharing == "shared":
                if any(m.user_id != row.owner_id for m in row.members):
                    raise Conflict(
                        "remove the other members before making the space private",
                        reason="space-has-members",
                    )
            if sharing is not None:
                row.sharing = sharing
            if description is not None:
                row.description = description
            row.updated_at = utcnow()
            return self._info(s, row, principal.username)

    def check_delete(self, principal: Principal, name: Any, body: Any) -> SpaceInfo:
        """Validate a deletion (role, confirmation) without changing anything."""
        body = v.require_dict(body if body is not None else {})
        v.reject_unknown(body, {"confirm"})
        with self.db.session() as s:
            row, _ = self._visible(s, principal, name, "spaces:delete")
            if body.get("confirm") != row.name:
                raise InvalidInput(
                    f'deleting a space needs {{"confirm": "{row.name}"}} in the body',
                    reason="confirmation-required",
                )
            return self._info(s, row, principal.username)

    def delete_space(self, principal: Principal, name: Any, body: Any) -> str:
        """Archive the space: its directory moves under the archive dir; nothing is lost."""
        self.check_delete(principal, name, body)
        with self._changing_roles() as s:
            row = self._live(s, name)
            stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
            target = self.archive_dir / "spaces" / f"{row.name}.{stamp}"
            target.parent.mkdir(parents=True, exist_ok=True)
            directory = self.paths.directory_of(row.name)
            row.deleted_at = utcnow()
            row.archive_path = str(target)
            s.flush()
            if directory.is_dir() and not directory.is_symlink():
                shutil.move(str(directory), str(target))  # a rename on one filesystem
            else:
                target.mkdir()
            return str(target)

    def owned_by(self, username: str, sharing: str | None = None) -> list[str]:
        return spaces_owned_by(self.db, username, sharing)

    # -- members --------------------------------------------------------------------------------
    def list_members(self, principal: Principal, name: Any) -> list[MemberInfo]:
        with self.db.session() as s:
            row, _ = self._visible(s, principal, name, "spaces:members:read")
            members = []
            for m in row.members:
                u = s.get(UserRow, m.user_id)
                members.append(MemberInfo(u.username, u.display_name, m.role))
            return sorted(members, key=lambda m: (-ROLE_RANK[m.role], m.username))

    def presence(
        self, principal: Principal, name: Any, open_documents: list[tuple[str, str]]
    ) -> dict[str, Any]:
        """Who has which document of the space open now, from ``open_documents`` (username, API
        path) of this server's collaboration rooms; members of the space see it."""
        with self.db.session() as s:
            row, _ = self._visible(s, principal, name, "spaces:members:read")
            prefix = self.paths.api_path_of(row.name) + "/"
            documents: dict[str, set[str]] = {}
            for username, path in open_documents:
                if path.startswith(prefix):
                    documents.setdefault(username, set()).add(path)
            names = dict(
                s.execute(
                    select(UserRow.username, UserRow.display_name).where(
                        UserRow.username.in_(list(documents)), UserRow.deleted_at.is_(None)
                    )
                ).all()
            )
        people = [
            {"username": u, "display_name": names[u], "documents": sorted(documents[u])}
            for u in sorted(documents)
            if u in names
        ]
        return {"space": row.name, "people": people}

    def set_member(self, principal: Principal, name: Any, username: Any, body: Any) -> MemberInfo:
        body = v.require_dict(body)
        v.reject_unknown(body, {"role"})
        if "role" not in body:
            raise InvalidInput("missing field: role", reason="missing-field")
        role = v.choice(body["role"], "role", ROLES)
        with self._changing_roles() as s:
            row, _ = self._visible(s, principal, name, "spaces:members:manage")
            user = live_user(s, username)
            if row.sharing == "private" and user.id != row.owner_id:
                raise Conflict(
                    "a private space has only its owner; make it shared first",
                    reason="private-space",
                )
            member = s.get(SpaceMemberRow, (row.id, user.id))
            if member is None:
                member = SpaceMemberRow(space_id=row.id, user_id=user.id, role=role)
                s.add(member)
            else:
                if member.role == "owner" and role != "owner":
                    self._keep_an_owner(row, user.id)
                member.role = role
            row.updated_at = utcnow()
            return MemberInfo(user.username, user.display_name, role)

    def remove_member(self, principal: Principal, name: Any, username: Any) -> None:
        with self._changing_roles() as s:
            row, _ = self._visible(s, principal, name, "spaces:members:manage")
            user = live_user(s, username)
            member = s.get(SpaceMemberRow, (row.id, user.id))
            if member is None:
                raise NotFound(f"{username} is not a member of {row.name}", reason="not-a-member")
            if member.role == "owner":
                self._keep_an_owner(row, user.id)
            s.delete(member)
            if row.owner_id == user.id:
                row.owner_id = next(
                    m.user_id for m in row.members if m.role == "owner" and m.user_id != user.id
                )
            row.updated_at = utcnow()

    @staticmethod
    def _keep_an_owner(row: SpaceRow, leaving_user_id: int) -> None:
        if not any(m.role == "owner" and m.user_id != leaving_user_id for m in row.members):
            raise Conflict("a space must keep at least one owner", reason="last-owner")


def spaces_owned_by(db: Database, username: str, sharing: str | None = None) -> list[str]:
    """Names of the live spaces a user owns (a profile that owns spaces cannot be archived)."""
    query = (
        select(SpaceRow.name)
        .join(UserRow, UserRow.id == SpaceRow.owner_id)
        .where(UserRow.username == username, SpaceRow.deleted_at.is_(None))
    )
    if sharing is not None:
        query = query.where(SpaceRow.sharing == sharing)
    with db.session() as s:
        return list(s.scalars(query))
