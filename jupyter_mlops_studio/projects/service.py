"""MLOps projects: a project template instantiated as a git repository in a shared space, a model
package group ``<project>-<short id>`` owned by the space, and a service account (persona
``compute``, editor of the space) whose token the repository keeps in ``.studio/token``.

Creation is all or nothing: when a step fails, the repository folder, the group, the service
account and the project record are removed again and the error is raised (so a failed creation
leaves no record; the status ``CreateFailed`` is only seen while the clean-up runs)."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from ..core import validation as v
from ..core.db import Database, utcnow
from ..core.errors import Conflict, Forbidden, InvalidInput, NotFound
from ..core.models import ApiTokenRow, UserRow
from ..core.permissions import COMPUTE, Principal, check, check_persona
from ..registry.models import GroupRow
from ..spaces.models import SpaceMemberRow, SpaceRow
from .models import ProjectRow

FIELDS = {"name", "space", "template", "parameters"}
#: values every project template may use besides its own parameters
BUILTINS = ("project_name", "model_group", "studio_space", "project_id")
TOKEN_FILE = ".studio/token"
#: room for the service account "project-<name>-<8 hex>" within a username's 63 characters
MAX_NAME = 45
GIT = "git"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "jupyter-mlops-studio",
    "GIT_AUTHOR_EMAIL": "studio@localhost",
    "GIT_COMMITTER_NAME": "jupyter-mlops-studio",
    "GIT_COMMITTER_EMAIL": "studio@localhost",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
}


class ProjectService:
    def __init__(self, db: Database, identity, spaces, paths, registry, gallery, archive_dir):
        self.db = db
        self.identity = identity
        self.spaces = spaces
        self.paths = paths
        self.registry = registry
        self.gallery = gallery
        self.archive_dir = Path(archive_dir)

    @staticmethod
    def _json(row: ProjectRow) -> dict[str, Any]:
        return {
            "id": row.id,
            "name": row.name,
            "status": row.status,
            "template": row.template,
            "parameters": row.parameters,
            "space": row.space,
            "repository": row.repository,
            "model_group": row.model_group,
            "service_account": row.service_account,
            "failure_reason": row.failure_reason,
            "created_by": row.created_by,
            "created_at": row.created_at.isoformat(),
            "archive_path": row.archive_path,
        }

    # -- reading --------------------------------------------------------------------------------
    def _visible(self, principal: Principal, row: ProjectRow) -> bool:
        if principal.is_admin:
            return True
        return self.spaces.role_of(principal.username, row.space)[1] is not None

    def list_projects(self, principal: Principal) -> list[dict]:
        """The live projects of the spaces the principal is a member of (admins: all)."""
        check(principal, "projects:read")
        with self.db.session() as s:
            rows = s.scalars(
                select(ProjectRow).where(ProjectRow.deleted_at.is_(None)).order_by(ProjectRow.name)
            ).all()
            return [self._json(r) for r in rows if self._visible(principal, r)]

    def _live(self, s, principal: Principal, name: Any) -> ProjectRow:
        if not isinstance(name, str):
            raise NotFound(f"no project {str(name)[:80]!r}", reason="no-such-project")
        row = s.scalar(
            select(ProjectRow).where(ProjectRow.name == name, ProjectRow.deleted_at.is_(None))
        )
        if row is None or not self._visible(principal, row):
            raise NotFound(f"no project {name[:80]!r}", reason="no-such-project")
        return row

    def get_project(self, principal: Principal, name: Any) -> dict:
        check(principal, "projects:read")
        with self.db.session() as s:
            return self._json(self._live(s, principal, name))

    # -- creation -------------------------------------------------------------------------------
    def _check_request(self, principal: Principal, body: Any):
        check_persona(principal, "projects:create")
        body = v.require_dict(body)
        v.reject_unknown(body, FIELDS)
        for key in ("name", "space", "template"):
            if key not in body:
                raise InvalidInput(f"missing field: {key}", reason="missing-field")
        name = v.name(body["name"], "name")
        if len(name) > MAX_NAME:
            raise InvalidInput(f"a project name has at most {MAX_NAME} characters", "invalid-name")
        space = v.string(body["space"], "space", 63, min_length=1)
        exists, role = self.spaces.role_of(principal.username, space)
        if not exists or (role is None and not principal.is_admin):
            raise NotFound(f"no space {space!r}", reason="no-such-space")
        check(principal, "projects:create", role)
        with self.db.session() as s:
            sharing = s.scalar(
                select(SpaceRow.sharing).where(
                    SpaceRow.name == space, SpaceRow.deleted_at.is_(None)
                )
            )
        if sharing != "shared":
            raise Conflict(
                f"space {space} is private: a project's service account must be an editor of "
                "its space, so projects live in shared spaces",
                reason="private-space",
            )
        template, values = self.gallery.project_template(body["template"], body.get("parameters"))
        return name, space, template, values

    def create_project(self, principal: Principal, body: Any) -> dict:
        """Make the repository, the group and the service account; all or nothing."""
        name, space, template, values = self._check_request(principal, body)
        project_id = uuid.uuid4().hex
        group = f"{name}-{project_id[:8]}"
        account = f"project-{name}-{project_id[:8]}"
        space_dir = self.paths.directory_of(space)
        repo_dir = space_dir / name
        repository = f"{self.paths.api_path_of(space)}/{name}"
        with self.db.session(write=True) as s:
            if s.scalar(
                select(ProjectRow.id).where(
                    ProjectRow.name == name, ProjectRow.deleted_at.is_(None)
                )
            ):
                raise Conflict(f"project {name!r} exists", reason="project-exists")
            if repo_dir.exists():
                raise Conflict(f"{name!r} exists in space {space}", reason="folder-exists")
            s.add(
                ProjectRow(
                    id=project_id,
                    name=name,
                    status="CreateInProgress",
                    template=template.id,
                    parameters=values,
                    space=space,
                    repository=repository,
                    model_group=group,
                    service_account=account,
                    created_by=principal.username,
                )
            )
        staging = space_dir / f".project-{project_id}"
        made_repo = False
        try:
            self.registry.create_group(
                principal,
                {
                    "name": group,
                    "space": space,
                    "project": name,
                    "description": f"models of project {name}",
                    "rules": self._rules(values),
                },
            )
            self.identity.create_user(account, [COMPUTE], f"service account of project {name}")
            self._add_editor(space, account)
            token, _ = self.identity.create_token(account, f"project {name}")
            builtins = {
                "project_name": name,
                "model_group": group,
                "studio_space": space,
                "project_id": project_id,
            }
            self._write_seed(staging, template, {**values, **builtins}, token)
            os.rename(staging, repo_dir)  # refuses a folder made meanwhile
            made_repo = True
        except BaseException as e:
            self._undo(project_id, group, account, staging, repo_dir if made_repo else None, e)
            raise
        with self.db.session(write=True) as s:
            row = s.get(ProjectRow, project_id)
            row.status = "CreateCompleted"
            return self._json(row)

    @staticmethod
    def _rules(values: dict[str, Any]) -> list[dict]:
        threshold = values.get("min_accuracy")
        if isinstance(threshold, int | float) and not isinstance(threshold, bool):
            return [{"metric": "accuracy", "op": ">=", "threshold": threshold}]
        return []

    def _add_editor(self, space: str, username: str) -> None:
        with self.db.session(write=True) as s:
            space_id = s.scalar(
                select(SpaceRow.id).where(SpaceRow.name == space, SpaceRow.deleted_at.is_(None))
            )
            user_id = s.scalar(
                select(UserRow.id).where(UserRow.username == username, UserRow.deleted_at.is_(None))
            )
            s.add(SpaceMemberRow(space_id=space_id, user_id=user_id, role="editor"))

    def _write_seed(self, staging: Path, template, values: dict[str, Any], token: str) -> None:
        self.gallery.write_files(template, staging, values)
        gitignore = staging / ".gitignore"
        lines = gitignore.read_text().splitlines() if gitignore.is_file() else []
        if ".studio/" not in lines:
            gitignore.write_text("\n".join([*lines, ".studio/"]) + "\n")
        token_path = staging / TOKEN_FILE
        token_path.parent.mkdir(mode=0o700)
        fd = os.open(token_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(token + "\n")
        self._git(staging, "init", "--quiet", "--initial-branch=main")
        self._git(staging, "add", "--all")
        self._git(
            staging,
            "commit",
            "--quiet",
            "--no-gpg-sign",
            "-m",
            f"Seed of project {values['project_name']}",
        )

    @staticmethod
    def _git(cwd: Path, *args: str) -> None:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(cwd),  # no user configuration reaches the commit
            **GIT_ENV,
        }
        try:
            done = subprocess.run(
                [GIT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
            )
        except (OSError, subprocess.TimeoutExpired) as e:
            raise Conflict(f"git {args[0]} failed: {e}", reason="git-failed") from None
        if done.returncode != 0:
            raise Conflict(
                f"git {args[0]} failed: {(done.stderr or done.stdout).strip()[:500]}",
                reason="git-failed",
            )

    def _undo(self, project_id, group, account, staging, repo_dir, error) -> None:
        """Remove everything a failed creation made; the record goes too, after CreateFailed."""
        shutil.rmtree(staging, ignore_errors=True)
        if repo_dir is not None:
            shutil.rmtree(repo_dir, ignore_errors=True)
        with self.db.session(write=True) as s:
            row = s.get(ProjectRow, project_id)
            row.status = "CreateFailed"
            row.failure_reason = str(getattr(error, "message", error))[:2000]
        with self.db.session(write=True) as s:
            s.execute(delete(GroupRow).where(GroupRow.name == group, GroupRow.deleted_at.is_(None)))
            user_id = s.scalar(
                select(UserRow.id).where(UserRow.username == account, UserRow.deleted_at.is_(None))
            )
            if user_id is not None:
                s.execute(delete(SpaceMemberRow).where(SpaceMemberRow.user_id == user_id))
                s.execute(delete(ApiTokenRow).where(ApiTokenRow.user_id == user_id))
                s.execute(delete(UserRow).where(UserRow.id == user_id))
            s.execute(delete(ProjectRow).where(ProjectRow.id == project_id))

    # -- after a crash --------------------------------------------------------------------------
    def recover(self) -> None:
        """At start: finish what a stopped server left in progress. A creation whose repository
        was already in place (its last step) is completed; any other is undone; a deletion is
        finished."""
        with self.db.session() as s:
            rows = s.scalars(
                select(ProjectRow).where(
                    ProjectRow.status.in_(("CreateInProgress", "DeleteInProgress"))
                )
            ).all()
            pending = [
                (r.id, r.name, r.status, r.space, r.model_group, r.service_account) for r in rows
            ]
        for project_id, name, status, space, group, account in pending:
            space_dir = self.paths.directory_of(space)
            if status == "DeleteInProgress":
                self._finish_delete(project_id, name, account, space)
            elif (space_dir / name / TOKEN_FILE).is_file() and self.identity.find_user(account):
                with self.db.session(write=True) as s:
                    s.get(ProjectRow, project_id).status = "CreateCompleted"
            else:
                staging = space_dir / f".project-{project_id}"
                error = "the server stopped while the project was being created"
                self._undo(project_id, group, account, staging, None, error)

    # -- deletion -------------------------------------------------------------------------------
    def delete_project(self, principal: Principal, name: Any, body: Any) -> dict:
        """Archive a project: the repository folder moves to the archive, the model group stays,
        the service account is archived (its token revoked). Creator, space owners and admins."""
        check(principal, "projects:delete")
        body = v.require_dict(body if body is not None else {})
        v.reject_unknown(body, {"confirm"})
        with self.db.session(write=True) as s:
            row = self._live(s, principal, name)
            role = self.spaces.role_of(principal.username, row.space)[1]
            if not (principal.is_admin or role == "owner" or row.created_by == principal.username):
                raise Forbidden(
                    f"only the creator of {row.name}, the owners of space {row.space} and admins "
                    "delete it",
                    reason="forbidden",
                )
            if body.get("confirm") != row.name:
                raise InvalidInput(
                    f'deleting a project needs {{"confirm": "{row.name}"}} in the body',
                    reason="confirmation-required",
                )
            if row.status not in ("CreateCompleted", "CreateFailed"):
                raise Conflict(f"project {row.name} is {row.status}", reason="project-busy")
            row.status = "DeleteInProgress"
            project_id, account, space = row.id, row.service_account, row.space
        return self._finish_delete(project_id, name, account, space)

    def _finish_delete(self, project_id: str, name: str, account: str, space: str) -> dict:
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
        target = self.archive_dir / "projects" / f"{name}.{stamp}-{secrets.token_hex(2)}"
        target.parent.mkdir(parents=True, exist_ok=True)
        repo_dir = self.paths.directory_of(space) / name
        if repo_dir.is_dir() and not repo_dir.is_symlink():
            shutil.move(str(repo_dir), str(target))
        else:
            target.mkdir()
        if self.identity.find_user(account) is not None:
            self.identity.archive_user(account, [])
        with self.db.session(write=True) as s:
            row = s.get(ProjectRow, project_id)
            row.status = "DeleteCompleted"
            row.deleted_at = utcnow()
            row.archive_path = str(target)
            return self._json(row)
