"""The model registry as a quality gate (no tornado).

Groups hold integer versions, numbered consecutively under concurrent registration by a counter
on the group row updated in the registering transaction. A version passes the group's gate
rules before it exists; its status changes (approval workflow) and alias moves are kept in an
audit trail; committed changes are announced to webhooks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import operator
import secrets
from collections import namedtuple
from typing import Any

from sqlalchemy import and_, bindparam, delete, desc, select, update

from ..core import validation as v
from ..core.db import Direct, utcnow
from ..core.errors import Conflict, Forbidden, InvalidInput, NotFound, StudioError
from ..core.models import UserRow
from ..core.permissions import Principal, check
from ..core.policy import READ
from ..core.users import live_user
from ..spaces.models import SpaceRow
from . import gate
from . import validation as rv
from .models import (
    AliasRow,
    AuditRow,
    GroupRow,
    UploadRow,
    VersionDocRow,
    VersionMetricRow,
    VersionRow,
    VersionTagRow,
)
from .packing import pack
from .search import compile_filter, compile_order

MAX_PAGE = 500
GROUP_FIELDS = {
    "name",
    "description",
    "tags",
    "project",
    "space",
    "initial_status",
    "gate_failure",
    "publish_to_gallery",
    "rules",
}
#: what a registration describes, as given (the JSON of a version returns them as they are)
_DESCRIBED = (
    "description",
    "artifact",
    "framework",
    "framework_version",
    "metrics",
    "hyperparameters",
    "tags",
    "customer_metadata",
    "lineage",
    "model_card",
)
REGISTER_FIELDS = {*_DESCRIBED, "override_gate"}


class QualityGateFailed(StudioError):
    """A registration refused by the group's gate: every failed rule with the values compared."""

    status = 422
    reason = "quality-gate-failed"

    def __init__(self, group: str, failures: list[dict]):
        super().__init__(
            f"version refused by the quality gate of {group}: "
            + "; ".join(f["message"] for f in failures)
        )
        self.failures = failures

    def to_json(self) -> dict:
        return {**super().to_json(), "failures": self.failures}


# Prebuilt Core statements of the registration path (registration is the hot write path).
_GROUPS = GroupRow.__table__
_GROUP_BY_NAME = select(_GROUPS).where(
    _GROUPS.c.name == bindparam("name"), _GROUPS.c.deleted_at.is_(None)
)
_VERSIONS = VersionRow.__table__
_DOCS = VersionDocRow.__table__
_ALIASES = AliasRow.__table__
_UPDATE_DOC = (
    update(_DOCS).where(_DOCS.c.version_id == bindparam("vid")).values(doc=bindparam("new_doc"))
)
#: what a registration reads of its group
_Claimed = namedtuple("_Claimed", "id name space_id rules initial_status gate_failure next_version")
#: the live group of that name, its next version number taken (in the registration's
#: transaction: a refused registration rolls the number back). Registration is the hot write
#: path: its statements run on the driver's cursor (``Direct``).
_CLAIM_VERSION = Direct(
    "UPDATE registry_groups SET next_version = next_version + 1, updated_at = {} "
    f"WHERE name = {{}} AND deleted_at IS NULL RETURNING {', '.join(_Claimed._fields)}",
    [_GROUPS.c.updated_at, _GROUPS.c.name],
    [_GROUPS.c[name] for name in _Claimed._fields],
)
_VERSION_COLUMNS = tuple(c.name for c in _VERSIONS.c if c.name != "id")
_VERSION_VALUES = operator.itemgetter(*_VERSION_COLUMNS)
_INSERT_VERSION = Direct.insert(_VERSIONS, _VERSION_COLUMNS, returning=["id"])
_INSERT_DOC = Direct.insert(_DOCS, ["version_id", "doc"])
_INSERT_METRICS = Direct.insert(VersionMetricRow.__table__, ["version_id", "name", "value"])
_INSERT_TAGS = Direct.insert(VersionTagRow.__table__, ["version_id", "key", "value"])
_INSERT_AUDIT = Direct.insert(
    AuditRow.__table__, ["version_id", "actor", "at", "kind", "from_status", "to_status", "comment"]
)


def _no_group(name: Any) -> NotFound:
    return NotFound(f"no model group {name!r}", reason="no-such-group")


def _group_ref(name: Any) -> None:
    """A group reference that cannot name a group is unknown (404), never a query."""
    if not isinstance(name, str) or not rv.GROUP_NAME.match(name) or len(name) > 63:
        raise NotFound(f"no model group {str(name)[:80]!r}", reason="no-such-group")


def _iso(t):
    return t.astimezone(dt.timezone.utc).isoformat() if t else None


#: the columns of a version in its JSON (in the order of the JSON keys, which is the order of
#: the table's columns, as in the documents migration 0004 wrote)
_DOC_FIELDS = (
    "version",
    "status",
    "status_comment",
    *_DESCRIBED,
    "gate",
    "registered_by",
    "created_at",
    "updated_at",
)


_FIELDS_OF_ROW = operator.attrgetter(*_DOC_FIELDS)
_FIELDS_OF_DICT = operator.itemgetter(*_DOC_FIELDS)


def _version_doc(values: tuple, group: str) -> dict:
    """The stored JSON of one version (``registry_version_docs``) from its ``_DOC_FIELDS``
    values: everything but its aliases. Migration 0004 wrote the same for older versions."""
    doc = dict(zip(_DOC_FIELDS, values, strict=True))
    doc["group"] = group
    doc["created_at"] = _iso(doc["created_at"])
    doc["updated_at"] = _iso(doc["updated_at"])
    return doc


#: the stored JSON of versions with their aliases: an outer join, one row per alias (the group
#: is joined for orders by group name)
_DOCUMENTS = (
    select(_VERSIONS.c.id, _DOCS.c.doc, _ALIASES.c.alias)
    .join_from(_VERSIONS, _GROUPS, _GROUPS.c.id == _VERSIONS.c.group_id)
    .join(_DOCS, _DOCS.c.version_id == _VERSIONS.c.id)
    .outerjoin(_ALIASES, _ALIASES.c.version_id == _VERSIONS.c.id)
)
#: the ids of versions of live groups
_LIVE_IDS = (
    select(_VERSIONS.c.id)
    .join_from(_VERSIONS, _GROUPS, _GROUPS.c.id == _VERSIONS.c.group_id)
    .where(_GROUPS.c.deleted_at.is_(None))
)


def _documents_query(condition, order: list):
    """The versions meeting ``condition`` in ``order``, a version's rows adjacent (every order
    ends on a unique key)."""
    return _DOCUMENTS.where(condition).order_by(*order, _ALIASES.c.alias)


def _page_query(condition, order: list, offset, limit):
    """A page of versions of live groups. Its ids come from a narrow subquery (index columns
    only; at worst a sort of integers) and only their stored documents are read: sorting every
    matching row whole made wide matches slow, assembling each version from its columns made
    every page slow."""
    ids = _LIVE_IDS if condition is None else _LIVE_IDS.where(condition)
    ids = ids.order_by(*order).offset(offset).limit(limit)
    return _documents_query(_VERSIONS.c.id.in_(ids), order)


def _documents(rows) -> list[dict]:
    """The JSON of versions from the rows of a ``_documents_query``."""
    out: list[dict] = []
    last = None
    for vid, doc, alias in rows:
        if vid != last:
            last, aliases = vid, []
            doc["aliases"] = aliases
            out.append(doc)
        if alias is not None:
            aliases.append(alias)
    return out


# Prebuilt statements of the reads (building a statement cost more than running it).
_NEWEST_FIRST = [desc(_VERSIONS.c.version)]
_VERSIONS_OF_GROUP = _page_query(
    _GROUPS.c.name == bindparam("group"), _NEWEST_FIRST, bindparam("offset"), bindparam("limit")
)
#: a version of a group (``gid``) by number or by alias
_VERSION_WHERE = {
    "number": and_(
        _VERSIONS.c.group_id == bindparam("gid"), _VERSIONS.c.version == bindparam("number")
    ),
    "alias": _VERSIONS.c.id
    == select(_ALIASES.c.version_id)
    .where(_ALIASES.c.group_id == bindparam("gid"), _ALIASES.c.alias == bindparam("alias"))
    .scalar_subquery(),
}
_VERSION_ROW = {k: select(VersionRow).where(c) for k, c in _VERSION_WHERE.items()}
_VERSION_DOC = {k: _documents_query(c, []) for k, c in _VERSION_WHERE.items()}
_VERSION_DOC_BY_ID = _documents_query(_VERSIONS.c.id == bindparam("vid"), [])


def _version_ref(group, ref: Any) -> tuple[str, dict]:
    """How to find version ``ref`` (a number or an alias) of ``group``: a key of
    ``_VERSION_WHERE`` and its parameters."""
    numeric = isinstance(ref, str) and ref.isascii() and ref.isdigit() and len(ref) < 10
    if isinstance(ref, int) or numeric:
        return "number", {"gid": group.id, "number": int(ref)}
    if isinstance(ref, str) and rv.ALIAS.match(ref):
        return "alias", {"gid": group.id, "alias": ref}
    raise _no_version(group, ref)


def _no_version(group, ref: Any) -> NotFound:
    return NotFound(f"no version {str(ref)[:40]!r} in {group.name}", reason="no-such-version")


def _offset(limit: Any, after: Any) -> int:
    """Check a page's ``limit`` and turn its cursor (``after``) into an offset."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be an integer 1-{MAX_PAGE}", reason="invalid-limit")
    if after is None:
        return 0
    if (
        not isinstance(after, str)
        or not after.startswith("o")
        or not (after[1:].isascii() and after[1:].isdigit())
        or len(after) > 12
    ):
        raise InvalidInput("invalid cursor", reason="invalid-cursor")
    return int(after[1:])


class RegistryService:
    """Model package groups, versions, the gate, approvals, aliases and search."""

    def __init__(self, db, identity, spaces, paths, policy, artifacts, webhooks=None):
        self.db = db
        self.identity = identity
        self.spaces = spaces
        self.paths = paths
        self.policy = policy
        self.artifacts = artifacts
        self.webhooks = webhooks

    # -- serialization -------------------------------------------------------------------------
    def _group_json(self, s, row: GroupRow) -> dict:
        aliases = {
            a: ver
            for a, ver in s.execute(
                select(AliasRow.alias, VersionRow.version)
                .join(VersionRow, VersionRow.id == AliasRow.version_id)
                .where(AliasRow.group_id == row.id)
            )
        }
        space = s.get(SpaceRow, row.space_id).name if row.space_id else None
        owner = self._username(s, row.owner_id)
        return {
            "name": row.name,
            "description": row.description,
            "tags": row.tags,
            "project": row.project,
            "space": space,
            "owner": owner,
            "initial_status": row.initial_status,
            "gate_failure": row.gate_failure,
            "publish_to_gallery": row.publish_to_gallery,
            "rules": row.rules,
            "latest_version": row.next_version - 1 or None,
            "aliases": aliases,
            "created_at": _iso(row.created_at),
            "updated_at": _iso(row.updated_at),
        }

    @staticmethod
    def _username(s, user_id: int) -> str:
        return s.get(UserRow, user_id).username

    @staticmethod
    def _version_json(s, version_id: int) -> dict:
        return _documents(s.connection().execute(_VERSION_DOC_BY_ID, {"vid": version_id}))[0]

    def _store_version_json(self, s, row: VersionRow, group: GroupRow) -> dict:
        """Rewrite the stored JSON of a changed version (in the changing transaction: a reader
        never sees the change without it) and return it with the version's aliases."""
        doc = _version_doc(_FIELDS_OF_ROW(row), group.name)
        s.connection().execute(_UPDATE_DOC, {"vid": row.id, "new_doc": doc})
        return self._version_json(s, row.id)

    # -- lookups -------------------------------------------------------------------------------
    @staticmethod
    def _group(s, name: Any, statement=None) -> GroupRow:
        """The live group of that name (an ORM row; a Core row with ``statement``)."""
        _group_ref(name)
        if statement is None:
            row = s.scalar(
                select(GroupRow).where(GroupRow.name == name, GroupRow.deleted_at.is_(None))
            )
        else:
            row = s.connection().execute(statement, {"name": name}).one_or_none()
        if row is None:
            raise _no_group(name)
        return row

    @staticmethod
    def _version(s, group: GroupRow, ref: Any) -> VersionRow:
        how, params = _version_ref(group, ref)
        row = s.scalar(_VERSION_ROW[how], params)
        if row is None:
            raise _no_version(group, ref)
        return row

    def _may_write_group(self, s, principal: Principal, group: GroupRow) -> None:
        """A group owned by a space takes registrations from that space's editors only."""
        if principal.is_admin or group.space_id is None:
            return
        space = s.scalar(select(SpaceRow.name).where(SpaceRow.id == group.space_id))
        _, role = self.spaces.role_of(principal.username, space)
        if role not in ("editor", "owner"):
            raise Forbidden(
                f"{group.name} belongs to space {space}: its editors register versions",
                reason="forbidden",
            )

    # -- groups --------------------------------------------------------------------------------
    def create_group(self, principal: Principal, body: Any) -> dict:
        check(principal, "registry:groups")
        body = v.require_dict(body)
        v.reject_unknown(body, GROUP_FIELDS)
        if "name" not in body:
            raise InvalidInput("missing field: name", reason="missing-field")
        fields = self._group_fields(principal, body)
        name = rv.group_name(body["name"])
        with self.db.session(write=True) as s:
            if s.scalar(
                select(GroupRow.id).where(GroupRow.name == name, GroupRow.deleted_at.is_(None))
            ):
                raise Conflict(f"model group {name!r} exists", reason="group-exists")
            owner = live_user(s, principal.username)
            row = GroupRow(name=name, owner_id=owner.id, next_version=1, **fields)
            s.add(row)
            s.flush()
            return self._group_json(s, row)

    def _group_fields(self, principal: Principal, body: dict) -> dict:
        out: dict[str, Any] = {}
        if "description" in body:
            out["description"] = v.string(body["description"], "description", 4096)
        if "tags" in body:
            out["tags"] = rv.string_map(body["tags"], "tags")
        if "project" in body:
            out["project"] = (
                None if body["project"] is None else v.string(body["project"], "project", 255)
            )
        if "initial_status" in body:
            out["initial_status"] = v.choice(
                body["initial_status"], "initial_status", ("PendingManualApproval", "Approved")
            )
        if "gate_failure" in body:
            out["gate_failure"] = v.choice(
                body["gate_failure"], "gate_failure", ("refuse", "reject")
            )
        if "publish_to_gallery" in body:
            out["publish_to_gallery"] = v.boolean(body["publish_to_gallery"], "publish_to_gallery")
        if "rules" in body:
            out["rules"] = rv.rules(body["rules"])
        if "space" in body:
            out["space_id"] = None
            if body["space"] is not None:
                with self.db.session() as s:
                    space = s.scalar(
                        select(SpaceRow).where(
                            SpaceRow.name == body["space"], SpaceRow.deleted_at.is_(None)
                        )
                    )
                exists, role = (
                    space is not None,
                    space and self.spaces.role_of(principal.username, space.name)[1],
                )
                if not exists or (role is None and not principal.is_admin):
                    raise InvalidInput(
                        f"no space {str(body['space'])[:80]!r} of yours", reason="invalid-space"
                    )
                out["space_id"] = space.id
        return out

    def list_groups(self, principal: Principal) -> list[dict]:
        check(principal, "registry:read")
        with self.db.session() as s:
            rows = s.scalars(
                select(GroupRow).where(GroupRow.deleted_at.is_(None)).order_by(GroupRow.name)
            )
            return [self._group_json(s, r) for r in rows]

    def get_group(self, principal: Principal, name: Any) -> dict:
        check(principal, "registry:read")
        with self.db.session() as s:
            return self._group_json(s, self._group(s, name))

    def update_group(self, principal: Principal, name: Any, patch: Any) -> dict:
        check(principal, "registry:groups")
        patch = v.require_dict(patch)
        v.reject_unknown(patch, GROUP_FIELDS - {"name"})
        fields = self._group_fields(principal, patch)
        with self.db.session(write=True) as s:
            row = self._group(s, name)
            self._may_manage(s, principal, row)
            for key, value in fields.items():
                setattr(row, key, value)
            row.updated_at = utcnow()
            return self._group_json(s, row)

    def set_rules(self, principal: Principal, name: Any, body: Any) -> dict:
        body = v.require_dict(body)
        v.reject_unknown(body, {"rules"})
        if "rules" not in body:
            raise InvalidInput("missing field: rules", reason="missing-field")
        return self.update_group(principal, name, {"rules": body["rules"]})

    def _may_manage(self, s, principal: Principal, row: GroupRow) -> None:
        if principal.is_admin or "mlops" in principal.personas:
            return
        if live_user(s, principal.username).id != row.owner_id:
            raise Forbidden(
                f"only the owner of {row.name}, mlops or admins change it", reason="forbidden"
            )

    def delete_group(self, principal: Principal, name: Any, body: Any) -> None:
        """Archive a group: it leaves lists and lookups; its versions and audit stay stored."""
        check(principal, "registry:groups")
        body = v.require_dict(body if body is not None else {})
        v.reject_unknown(body, {"confirm"})
        with self.db.session(write=True) as s:
            row = self._group(s, name)
            self._may_manage(s, principal, row)
            if body.get("confirm") != row.name:
                raise InvalidInput(
                    f'deleting a group needs {{"confirm": "{row.name}"}}',
                    reason="confirmation-required",
                )
            row.deleted_at = utcnow()

    # -- uploads and artifacts -------------------------------------------------------------------
    def upload(self, principal: Principal, data: bytes) -> dict:
        check(principal, "registry:register")
        if not data:
            raise InvalidInput("the upload is empty", reason="empty-upload")
        upload_id = secrets.token_hex(16)
        key = f"registry/uploads/{upload_id}"
        info = self.artifacts.put(key, data)
        with self.db.session() as s:
            s.add(
                UploadRow(
                    id=upload_id,
                    key=key,
                    digest=info.digest,
                    size=info.size,
                    uploaded_by=principal.username,
                )
            )
        return {"upload_id": upload_id, "digest": info.digest, "size": info.size}

    def _artifact(self, principal: Principal, value: Any, group: Any) -> dict | None:
        if value is None:
            return None
        value = v.require_dict(value, "artifact")
        if len(value) != 1 or next(iter(value)) not in ("upload_id", "space_path", "s3_uri"):
            raise InvalidInput(
                "artifact takes exactly one of upload_id, space_path, s3_uri",
                reason="invalid-artifact",
            )
        kind, ref = next(iter(value.items()))
        if not isinstance(ref, str) or not 1 <= len(ref) <= 2048:
            raise InvalidInput(f"artifact.{kind} must be a string", reason="invalid-artifact")
        if kind == "s3_uri":
            if not ref.startswith("s3://") or "/" not in ref[5:] or ".." in ref.split("/"):
                raise InvalidInput(
                    "artifact.s3_uri must look like s3://bucket/key", reason="invalid-artifact"
                )
            return {"uri": ref, "digest": None, "size": None, "kind": "s3"}
        if kind == "upload_id":
            with self.db.session() as s:
                row = s.get(UploadRow, ref)
                if row is None or row.uploaded_by != principal.username:
                    raise InvalidInput(
                        f"no upload {ref[:40]!r} of yours", reason="invalid-artifact"
                    )
                return {
                    "uri": f"studio-artifact://{row.key}",
                    "digest": row.digest,
                    "size": row.size,
                    "kind": "upload",
                }
        if not self.policy.can(principal, ref, READ):
            raise InvalidInput(
                f"artifact path {ref[:200]!r} is outside your spaces", reason="invalid-artifact"
            )
        cls = self.policy.classify(ref)
        if cls is None or cls.kind != "in-space":
            raise InvalidInput(
                f"artifact path {ref[:200]!r} is not inside a space", reason="invalid-artifact"
            )
        full = self.paths.root_dir / ref
        if not full.exists():
            raise InvalidInput(f"no file or folder {ref[:200]!r}", reason="invalid-artifact")
        with self.db.session() as s:
            group = self._group(s, group).name  # a real group before anything is stored
        data = pack(full)
        key = f"registry/groups/{group}/artifacts/{hashlib.sha256(data).hexdigest()}"
        info = self.artifacts.put(key, data, metadata={"source": "space"})
        return {
            "uri": f"studio-artifact://{key}",
            "digest": info.digest,
            "size": info.size,
            "kind": "space",
            "source": ref,
            "packed": "tar" if full.is_dir() else "file",
        }

    # -- versions ------------------------------------------------------------------------------
    def register_version(self, principal: Principal, group: Any, body: Any) -> dict:
        check(principal, "registry:register")
        body = v.require_dict(body)
        v.reject_unknown(body, REGISTER_FIELDS)
        override = v.boolean(body.get("override_gate", False), "override_gate")
        if override:
            check(principal, "registry:override")
        metrics = rv.metrics(body.get("metrics"))
        fields = {
            "description": v.string(body.get("description", ""), "description", 4096),
            "framework": v.string(body.get("framework", ""), "framework", 128),
            "framework_version": v.string(
                body.get("framework_version", ""), "framework_version", 64
            ),
            "metrics": metrics,
            "hyperparameters": rv.json_object(body.get("hyperparameters"), "hyperparameters"),
            "tags": rv.string_map(body.get("tags"), "tags"),
            "customer_metadata": rv.string_map(body.get("customer_metadata"), "customer_metadata"),
            "lineage": rv.lineage(body.get("lineage")),
            "model_card": rv.model_card(body.get("model_card")),
        }
        artifact = self._artifact(principal, body.get("artifact"), group)
        now = utcnow()
        _group_ref(group)
        with self.db.transaction(write=True) as conn:
            claimed = _CLAIM_VERSION.rows(conn, now, group)
            if not claimed:
                raise _no_group(group)
            row = _Claimed(*claimed[0])
            self._may_write_group(conn, principal, row)
            relative = any(r["kind"] != "threshold" for r in row.rules)
            approved = self._approved_metrics(conn, row) if relative else None
            results = gate.evaluate(row.rules, metrics, approved)
            failures = [r for r in results if not r["passed"]]
            status, comment = row.initial_status, ""
            if failures and not override:
                if row.gate_failure == "refuse":
                    raise QualityGateFailed(row.name, failures)
                status = "Rejected"
                comment = "quality gate: " + "; ".join(f["message"] for f in failures)
            values = {
                "group_id": row.id,
                "version": row.next_version - 1,
                "status": status,
                "status_comment": comment,
                "artifact": artifact,
                "registered_by": principal.username,
                "gate": {
                    "passed": not failures,
                    "overridden": bool(failures and override),
                    "results": results,
                },
                "created_at": now,
                "updated_at": now,
                **fields,
            }
            ((vid,),) = _INSERT_VERSION.rows(conn, *_VERSION_VALUES(values))
            doc = _version_doc(_FIELDS_OF_DICT(values), row.name)
            _INSERT_DOC.rows(conn, vid, doc)
            if metrics:
                _INSERT_METRICS.many(conn, [(vid, k, x) for k, x in metrics.items()])
            if fields["tags"]:
                _INSERT_TAGS.many(conn, [(vid, k, x) for k, x in fields["tags"].items()])
            audit = [("status", comment or "registered")]
            if failures and override:
                gate_note = "; ".join(f["message"] for f in failures)
                audit.append(("override", f"gate overridden: {gate_note}"))
            _INSERT_AUDIT.many(
                conn,
                [(vid, principal.username, now, kind, None, status, note) for kind, note in audit],
            )
            result = {**doc, "aliases": []}
        self._emit("version_created", result["group"], result)
        return result

    @staticmethod
    def _approved_metrics(s, group: GroupRow) -> dict[str, float] | None:
        return s.scalar(
            select(VersionRow.metrics)
            .where(VersionRow.group_id == group.id, VersionRow.status == "Approved")
            .order_by(VersionRow.version.desc())
            .limit(1)
        )

    def get_version(self, principal: Principal, group: Any, ref: Any) -> dict:
        check(principal, "registry:read")
        with self.db.session(write=False) as s:
            g = self._group(s, group, _GROUP_BY_NAME)
            how, params = _version_ref(g, ref)
            found = _documents(s.connection().execute(_VERSION_DOC[how], params))
            if not found:
                raise _no_version(g, ref)
            return found[0]

    def list_versions(
        self, principal: Principal, group: Any, limit: int = 100, after: str | None = None
    ) -> tuple[list[dict], str | None]:
        check(principal, "registry:read")
        _group_ref(group)
        offset = _offset(limit, after)
        page = self._read_page(
            _VERSIONS_OF_GROUP,
            {"group": group, "offset": offset, "limit": limit + 1},
            offset,
            limit,
        )
        if not page[0]:  # no versions, or no such group
            with self.db.session() as s:
                self._group(s, group, _GROUP_BY_NAME)
        return page

    def update_version(self, principal: Principal, group: Any, ref: Any, patch: Any) -> dict:
        check(principal, "registry:register")
        patch = v.require_dict(patch)
        v.reject_unknown(patch, {"description", "tags", "model_card", "customer_metadata"})
        with self.db.session(write=True) as s:
            g = self._group(s, group)
            self._may_write_group(s, principal, g)
            row = self._version(s, g, ref)
            if "description" in patch:
                row.description = v.string(patch["description"], "description", 4096)
            if "model_card" in patch:
                row.model_card = rv.model_card(patch["model_card"])
            if "customer_metadata" in patch:
                row.customer_metadata = rv.string_map(
                    patch["customer_metadata"], "customer_metadata"
                )
            if "tags" in patch:
                row.tags = rv.string_map(patch["tags"], "tags")
                s.execute(delete(VersionTagRow).where(VersionTagRow.version_id == row.id))
                s.add_all(
                    VersionTagRow(version_id=row.id, key=k, value=x) for k, x in row.tags.items()
                )
            row.updated_at = utcnow()
            return self._store_version_json(s, row, g)

    def set_status(self, principal: Principal, group: Any, ref: Any, body: Any) -> dict:
        """Approve, reject or send back a version; who, when, from, to and why are audited."""
        check(principal, "registry:approve")
        body = v.require_dict(body)
        v.reject_unknown(body, {"status", "comment"})
        status = v.choice(body.get("status"), "status", rv.STATUSES)
        if "comment" not in body:
            raise InvalidInput("a comment is required", reason="missing-field")
        comment = v.string(body["comment"], "comment", 1024, min_length=1)
        four_eyes = self.identity.domain_setting("registry_approver_must_differ")
        with self.db.session(write=True) as s:
            g = self._group(s, group)
            row = self._version(s, g, ref)
            if four_eyes and status == "Approved" and row.registered_by == principal.username:
                raise Forbidden(
                    "the domain requires an approver other than the registrant (four eyes)",
                    reason="four-eyes",
                )
            previous = row.status
            row.status, row.status_comment, row.updated_at = status, comment, utcnow()
            s.add(
                AuditRow(
                    version_id=row.id,
                    actor=principal.username,
                    kind="status",
                    from_status=previous,
                    to_status=status,
                    comment=comment,
                )
            )
            result = self._store_version_json(s, row, g)
        self._emit("status_changed", result["group"], {**result, "from_status": previous})
        return result

    def audit(self, principal: Principal, group: Any, ref: Any) -> list[dict]:
        check(principal, "registry:read")
        with self.db.session() as s:
            g = self._group(s, group)
            row = self._version(s, g, ref)
            entries = s.scalars(
                select(AuditRow).where(AuditRow.version_id == row.id).order_by(AuditRow.id)
            )
            return [
                {
                    "id": e.id,
                    "version": row.version,
                    "actor": e.actor,
                    "at": _iso(e.at),
                    "kind": e.kind,
                    "from_status": e.from_status,
                    "to_status": e.to_status,
                    "comment": e.comment,
                }
                for e in entries
            ]

    # -- aliases -------------------------------------------------------------------------------
    def set_alias(self, principal: Principal, group: Any, alias: Any, body: Any) -> dict:
        check(principal, "registry:groups")
        alias = rv.alias_name(alias)
        body = v.require_dict(body)
        v.reject_unknown(body, {"version"})
        number = body.get("version")
        if isinstance(number, bool) or not isinstance(number, int):
            raise InvalidInput("version must be an integer", reason="invalid-type")
        with self.db.session(write=True) as s:
            g = self._group(s, group)
            self._may_manage(s, principal, g)
            row = self._version(s, g, number)
            current = s.get(AliasRow, (g.id, alias))
            moved_from = None
            if current is None:
                s.add(AliasRow(group_id=g.id, alias=alias, version_id=row.id))
            else:
                moved_from = s.get(VersionRow, current.version_id).version
                current.version_id = row.id
            s.add(
                AuditRow(
                    version_id=row.id,
                    actor=principal.username,
                    kind="alias",
                    comment=f"alias {alias} -> version {row.version}"
                    + (f" (was {moved_from})" if moved_from else ""),
                )
            )
            s.flush()
            result = self._version_json(s, row.id)
        self._emit(
            "alias_moved",
            result["group"],
            {
                "alias": alias,
                "version": result["version"],
                "from_version": moved_from,
                "group": result["group"],
            },
        )
        return result

    def delete_alias(self, principal: Principal, group: Any, alias: Any) -> None:
        check(principal, "registry:groups")
        with self.db.session(write=True) as s:
            g = self._group(s, group)
            self._may_manage(s, principal, g)
            current = s.get(AliasRow, (g.id, alias)) if isinstance(alias, str) else None
            if current is None:
                raise NotFound(f"no alias {str(alias)[:63]!r} in {g.name}", reason="no-such-alias")
            s.delete(current)

    # -- search --------------------------------------------------------------------------------
    def search_versions(
        self,
        principal: Principal,
        filter: str | None = None,
        order_by: str | None = None,
        limit: int = 100,
        after: str | None = None,
    ) -> tuple[list[dict], str | None]:
        """Versions across groups; ``after`` is the opaque cursor of the previous page."""
        check(principal, "registry:read")
        offset = _offset(limit, after)
        query = _page_query(compile_filter(filter), compile_order(order_by), offset, limit + 1)
        return self._read_page(query, {}, offset, limit)

    def _read_page(
        self, query, params: dict, offset: int, limit: int
    ) -> tuple[list[dict], str | None]:
        """The versions of a ``_page_query`` that asked for ``limit + 1``, and the next cursor."""
        with self.db.transaction() as conn:
            items = _documents(conn.execute(query, params).all())
        return items[:limit], (f"o{offset + limit}" if len(items) > limit else None)

    # -- events --------------------------------------------------------------------------------
    def _emit(self, event: str, group: str, payload: dict) -> None:
        if self.webhooks is not None:
            self.webhooks.emit(event, group, payload)
