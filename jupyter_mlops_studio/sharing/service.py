"""Notebook snapshots and their share links (no tornado here).

A snapshot is the notebook at one moment, normalized by nbformat, outputs kept only when asked
and allowed by the domain, stored immutably under its content digest. Snapshots of one notebook
(space + path) are versions of a lineage. A share link is a random token (192 bits, kept only as
its SHA-256) for an audience — every domain user or named users — with an expiry bounded by the
domain's maximum; revocation is immediate, every open is recorded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import mmap
import os
import re
import secrets
import stat
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import nbformat
import orjson
from sqlalchemy import bindparam, func, insert, select, update

from ..core import validation as v
from ..core.db import utcnow
from ..core.errors import Forbidden, Gone, InvalidInput, NotFound, PayloadTooLarge
from ..core.models import UserRow
from ..core.permissions import Principal, check
from ..core.policy import READ, WRITE
from ..spaces.models import SpaceRow
from . import nbschema
from .models import LineageRow, LinkOpenRow, ShareLinkRow, SnapshotRow

TOKEN_PREFIX = "mlsh_"
TOKEN_SHAPE = re.compile(r"^mlsh_[A-Za-z0-9_-]{32}$")
ID_SHAPE = re.compile(r"^[0-9a-f]{16}$")
SNAPSHOT_FIELDS = {"path", "title", "description", "include_outputs"}
LINK_FIELDS = {"audience", "users", "expires_in_days", "label"}
MAX_AUDIENCE = 200
GIT_TIMEOUT = 5.0
# hashes and fsyncs a staged snapshot while the validator reads it (both release the GIL)
_BACKGROUND = ThreadPoolExecutor(max_workers=2, thread_name_prefix="snapshot")

# Prebuilt statements of creating a snapshot (a Core transaction, not an ORM session)
_LINEAGES, _SNAPSHOTS = LineageRow.__table__, SnapshotRow.__table__
_SNAPSHOT_COLUMNS = tuple(c.name for c in _SNAPSHOTS.c)
_LIVE_SPACE_ID = select(SpaceRow.id).where(
    SpaceRow.name == bindparam("space"), SpaceRow.deleted_at.is_(None)
)
#: the lineage of a notebook of a live space, its next version number taken
_NEXT_IN_LINEAGE = (
    update(_LINEAGES)
    .where(
        _LINEAGES.c.path == bindparam("notebook"),
        _LINEAGES.c.space_id == _LIVE_SPACE_ID.scalar_subquery(),
    )
    .values(next_version=_LINEAGES.c.next_version + 1)
    .returning(_LINEAGES.c.id, _LINEAGES.c.next_version)
)
_NEW_LINEAGE = insert(_LINEAGES).values(next_version=2).returning(_LINEAGES.c.id)
_INSERT_SNAPSHOT = insert(_SNAPSHOTS)
_LINEAGE_VERSIONS = (
    select(_SNAPSHOTS.c.id, _SNAPSHOTS.c.version)
    .where(_SNAPSHOTS.c.lineage_id == bindparam("lineage_id"))
    .order_by(_SNAPSHOTS.c.version)
)


def _iso(t: dt.datetime | None) -> str | None:
    return t.isoformat() if t else None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def strip_outputs(nb: dict) -> None:
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None


def read_notebook(raw: bytes, with_outputs: bool = True) -> dict:
    """A valid nbformat 4 notebook from JSON bytes (older formats converted), validated once:
    by :func:`nbschema.check` when it proves the notebook valid, else by nbformat (whose message
    a refusal carries). Without outputs, the outputs the check proved are never parsed into
    objects (the bulk of a large notebook)."""
    summary = nbschema.check(raw, without_outputs=not with_outputs)
    if summary is not None:
        return orjson.loads(raw) if with_outputs else summary.without_outputs
    try:
        nb = orjson.loads(raw)
        if not isinstance(nb, dict):
            raise ValueError("the top level is not an object")
        if nb.get("nbformat") != 4:
            nb = nbformat.reads(raw.decode("utf-8", errors="replace"), as_version=4)
        nbformat.validate(nb)
    except (ValueError, TypeError, nbformat.ValidationError) as e:
        message = getattr(e, "message", None) or str(e)
        raise InvalidInput(
            f"not a valid notebook: {message[:500]}", reason="invalid-notebook"
        ) from None
    nb = dict(nb)
    if not with_outputs:
        strip_outputs(nb)
    return nb


def stored_form(nb: dict, with_outputs: bool) -> bytes:
    """The bytes a snapshot of ``nb`` stores: canonical JSON, outputs stripped unless kept."""
    if not with_outputs:
        strip_outputs(nb)
    return orjson.dumps(nb, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def _copy_at_most(src: int, dst: int, limit: int) -> int:
    """Copy up to ``limit`` bytes between file descriptors, in the kernel when it can; return
    how many were copied."""
    copied = 0
    try:
        while copied < limit and (n := os.copy_file_range(src, dst, limit - copied)):
            copied += n
        return copied
    except OSError as e:  # another file system, or no copy_file_range here
        if copied or e.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
            raise
    while copied < limit and (chunk := os.read(src, min(limit - copied, 1 << 20))):
        view = memoryview(chunk)
        while view:
            view = view[os.write(dst, view) :]
        copied += len(chunk)
    return copied


@contextlib.contextmanager
def _mapped(fd: int, size: int) -> Iterator[mmap.mmap | bytes]:
    """The file's first ``size`` bytes, memory-mapped (read-only, pages loaded at once)."""
    if size == 0:
        yield b""
        return
    flags = mmap.MAP_SHARED | getattr(mmap, "MAP_POPULATE", 0)
    with mmap.mmap(fd, size, flags=flags, prot=mmap.PROT_READ) as view:
        yield view


def _sha256(data) -> str:
    return hashlib.sha256(data).hexdigest()


def _content_key(digest: str) -> str:
    """The artifact key of a snapshot's content: addressed by its sha256, stored once."""
    return f"snapshots/sha256/{digest}.ipynb"


def git_state(path: Path, stop: Path) -> dict | None:
    """Remote URL, branch, commit and dirtiness of the git repository holding ``path``, if any.

    The search for ``.git`` stops at ``stop`` (the server root): a repository above the root is
    not the notebook's.
    """
    folder = path.parent
    stop = stop.resolve()
    while True:
        if (folder / ".git").exists():
            break
        if folder.resolve() == stop or folder.parent == folder:
            return None
        folder = folder.parent

    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(
                ["git", "-C", str(folder), *args],
                capture_output=True,
                text=True,
                timeout=GIT_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return None
    status = git("status", "--porcelain")
    return {
        "remote": git("remote", "get-url", "origin"),
        "branch": git("rev-parse", "--abbrev-ref", "HEAD"),
        "commit": commit,
        "dirty": bool(status),
    }


def diff_cells(old: dict, new: dict) -> dict:
    """Cells added, removed and changed between two notebooks (matched by cell id, else index)."""

    def keyed(nb: dict) -> dict:
        cells = nb.get("cells", [])
        return {(c.get("id") or f"#{i}"): (i, c) for i, c in enumerate(cells)}

    def source(cell: dict) -> str:
        s = cell.get("source", "")
        return "".join(s) if isinstance(s, list) else s

    def summary(i: int, cell: dict) -> dict:
        return {
            "index": i,
            "id": cell.get("id"),
            "cell_type": cell.get("cell_type"),
            "source": source(cell),
        }

    before, after = keyed(old), keyed(new)
    changed = []
    for key in after.keys() & before.keys():
        (_, a), (j, b) = before[key], after[key]
        source_changed = source(a) != source(b) or a.get("cell_type") != b.get("cell_type")
        outputs_changed = a.get("outputs", []) != b.get("outputs", [])
        if source_changed or outputs_changed:
            changed.append(
                {
                    "index": j,
                    "id": b.get("id"),
                    "cell_type": b.get("cell_type"),
                    "source_before": source(a),
                    "source_after": source(b),
                    "source_changed": source_changed,
                    "outputs_changed": outputs_changed,
                }
            )
    return {
        "added": sorted(
            (summary(*after[k]) for k in after.keys() - before.keys()), key=lambda c: c["index"]
        ),
        "removed": sorted(
            (summary(*before[k]) for k in before.keys() - after.keys()), key=lambda c: c["index"]
        ),
        "changed": sorted(changed, key=lambda c: c["index"]),
    }


class SharingService:
    """Snapshots, lineages, share links and their opens."""

    def __init__(self, db, identity, spaces, paths, policy, artifacts, max_snapshot_size: int):
        self.db = db
        self.identity = identity
        self.spaces = spaces
        self.paths = paths
        self.policy = policy
        self.artifacts = artifacts
        self.max_snapshot_size = max_snapshot_size

    # -- snapshots -----------------------------------------------------------------------------
    def notebook_path(self, principal: Principal, value: Any) -> tuple[str, str]:
        """The notebook's API path and space, if the principal may read it (400 otherwise)."""
        path = v.string(value, "path", 1024, min_length=1)
        cls = self.policy.classify(path)
        if cls is None or cls.kind != "in-space" or not self.policy.can(principal, path, READ):
            raise InvalidInput(
                f"{path[:200]!r} is not a notebook in one of your spaces", reason="invalid-path"
            )
        if not path.endswith(".ipynb"):
            raise InvalidInput(f"{path[:200]!r} is not a notebook (.ipynb)", reason="not-notebook")
        return path.strip("/"), cls.space

    def create_snapshot(self, principal: Principal, body: Any, live: dict | None = None) -> dict:
        """Snapshot a notebook; ``live`` is the open collaboration room's document, if any.

        Nothing is written when the notebook is invalid, too large or outputs are refused.
        """
        check(principal, "snapshots:create")
        body = v.require_dict(body)
        v.reject_unknown(body, SNAPSHOT_FIELDS)
        if "path" not in body:
            raise InvalidInput("missing field: path", reason="missing-field")
        path, space = self.notebook_path(principal, body["path"])
        title = v.string(body.get("title", Path(path).stem), "title", 256, min_length=1)
        description = v.string(body.get("description", ""), "description", 4096)
        with_outputs = v.boolean(body.get("include_outputs", False), "include_outputs")
        if with_outputs and not self.identity.domain_setting("snapshots_allow_outputs"):
            raise Forbidden(
                "the domain does not allow outputs in snapshots", reason="outputs-not-allowed"
            )
        full = self.paths.root_dir / path
        if live is not None:
            raw = orjson.dumps(live)
            if len(raw) > self.max_snapshot_size:
                raise self._too_large(len(raw))
            stored = self._store_notebook(read_notebook(raw, with_outputs), with_outputs)
        elif with_outputs:
            stored = self._store_file(full, path)
        else:
            stored = self._store_notebook(read_notebook(self._read(full, path), False), False)
        key, digest, size, kernelspec, cells = stored
        git = git_state(full, self.paths.root_dir) if full.exists() else None
        values = {
            "id": secrets.token_hex(8),
            "title": title,
            "description": description,
            "author": principal.username,
            "space": space,
            "path": path,
            "kernelspec": kernelspec,
            "git": git,
            "with_outputs": with_outputs,
            "from_live_document": live is not None,
            "content_key": key,
            "digest": f"sha256:{digest}",
            "size": size,
            "cells": cells,
            "created_at": utcnow(),
        }
        with self.db.transaction(write=True) as conn:
            # the lineage's next number taken, or the lineage started at version 1
            claimed = conn.execute(_NEXT_IN_LINEAGE, {"space": space, "notebook": path}).first()
            if claimed is None:
                space_id = conn.execute(_LIVE_SPACE_ID, {"space": space}).scalar()
                if space_id is None:  # deleted since the path was checked
                    raise InvalidInput(f"no space {space!r}", reason="invalid-path")
                lineage_id = conn.execute(
                    _NEW_LINEAGE, {"space_id": space_id, "path": path}
                ).scalar_one()
                claimed = (lineage_id, 2)
            values["lineage_id"], values["version"] = claimed[0], claimed[1] - 1
            conn.execute(_INSERT_SNAPSHOT, values)
            lineage = conn.execute(_LINEAGE_VERSIONS, {"lineage_id": claimed[0]}).all()
        return self._snapshot_dict(values, lineage)

    def _open_notebook(self, full: Path, path: str) -> int:
        """A file descriptor of the notebook: a regular file within the size limit (a FIFO does
        not block the open, a directory or a device is refused)."""
        try:
            fd = os.open(full, os.O_RDONLY | os.O_NONBLOCK)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise InvalidInput(f"no notebook {path[:200]!r}", reason="invalid-path") from None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise InvalidInput(f"no notebook {path[:200]!r}", reason="invalid-path")
            if st.st_size > self.max_snapshot_size:
                raise self._too_large(st.st_size)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _read(self, full: Path, path: str) -> bytes:
        """The notebook's bytes, read up to the size limit (it may grow after it was checked)."""
        with open(self._open_notebook(full, path), "rb") as f:
            data = f.read(self.max_snapshot_size + 1)
        if len(data) > self.max_snapshot_size:
            raise self._too_large(len(data))
        return data

    def _store_notebook(self, nb: dict, with_outputs: bool) -> tuple:
        """Store a validated notebook in its stored form; (key, digest, size, kernelspec,
        cells)."""
        data = stored_form(nb, with_outputs)
        digest = _sha256(data)
        key = _content_key(digest)
        if not self.artifacts.exists(key):  # content-addressed: identical content stored once
            self.artifacts.put(key, data, metadata={"kind": "snapshot"})
        kernelspec = dict(nb.get("metadata", {}).get("kernelspec", {}))
        return key, digest, len(data), kernelspec, len(nb["cells"])

    def _store_file(self, full: Path, path: str) -> tuple:
        """Store the notebook file as it is, outputs kept, in one pass over its bytes: a kernel
        copy into the artifact store's staging file, then, over that private copy (what is
        validated is what is stored, whatever happens to the file meanwhile), the validator
        while threads hash it and fsync it; the store moves it into place. A notebook the fast
        validator does not prove goes through nbformat and is stored in canonical form."""
        with self.artifacts.staging_file() as (staged, f), contextlib.ExitStack() as waits:
            src = self._open_notebook(full, path)
            try:
                size = _copy_at_most(src, f.fileno(), self.max_snapshot_size + 1)
            finally:
                os.close(src)
            if size > self.max_snapshot_size:
                raise self._too_large(size)
            fsynced = _BACKGROUND.submit(os.fsync, f.fileno())
            waits.callback(fsynced.result)  # before the file closes, even on an error
            with _mapped(f.fileno(), size) as view:
                hashed = _BACKGROUND.submit(_sha256, view)
                try:
                    summary = nbschema.check(view)
                    raw = None if summary is not None else bytes(view)
                finally:
                    digest = hashed.result()  # before the view is unmapped
            if summary is None:
                return self._store_notebook(read_notebook(raw), True)
            key = _content_key(digest)
            if not self.artifacts.exists(key):  # content-addressed: identical content stored once
                fsynced.result()
                self.artifacts.put_file(
                    key, staged, digest=f"sha256:{digest}", metadata={"kind": "snapshot"}
                )
        return key, digest, size, summary.kernelspec, summary.cells

    def _too_large(self, size: int) -> PayloadTooLarge:
        return PayloadTooLarge(
            f"the notebook has {size} bytes, more than the limit of {self.max_snapshot_size}"
        )

    def _snapshot_json(self, s, row: SnapshotRow) -> dict:
        lineage = s.execute(_LINEAGE_VERSIONS, {"lineage_id": row.lineage_id}).all()
        return self._snapshot_dict({c: getattr(row, c) for c in _SNAPSHOT_COLUMNS}, lineage)

    @staticmethod
    def _snapshot_dict(row: dict, lineage: list) -> dict:
        """A snapshot's JSON from its column values and its lineage's (id, version) pairs."""
        return {
            "id": row["id"],
            "version": row["version"],
            "title": row["title"],
            "description": row["description"],
            "author": row["author"],
            "space": row["space"],
            "path": row["path"],
            "kernelspec": row["kernelspec"],
            "git": row["git"],
            "include_outputs": row["with_outputs"],
            "from_live_document": row["from_live_document"],
            "digest": row["digest"],
            "size": row["size"],
            "cells": row["cells"],
            "created_at": _iso(row["created_at"]),
            "lineage": [{"id": i, "version": n} for i, n in lineage],
        }

    def _snapshot(self, s, snapshot_id: Any) -> SnapshotRow:
        row = s.get(SnapshotRow, snapshot_id) if isinstance(snapshot_id, str) else None
        if row is None or not ID_SHAPE.match(snapshot_id):
            raise NotFound(f"no snapshot {str(snapshot_id)[:40]!r}", reason="no-such-snapshot")
        return row

    def _live_links(self, s, principal: Principal, snapshot_id: str | None = None):
        """The live links (not revoked, not expired) whose audience includes the principal."""
        query = select(ShareLinkRow).where(ShareLinkRow.revoked_at.is_(None))
        if snapshot_id is not None:
            query = query.where(ShareLinkRow.snapshot_id == snapshot_id)
        now = utcnow()
        return [
            link
            for link in s.scalars(query)
            if (link.expires_at is None or _aware(link.expires_at) > now)
            and (link.audience == "domain" or principal.username in link.users)
        ]

    def _readable(self, s, principal: Principal, row: SnapshotRow) -> ShareLinkRow | None:
        """Authors and admins read a snapshot; others through a live link (which is returned)."""
        if principal.is_admin or row.author == principal.username:
            return None
        links = self._live_links(s, principal, row.id)
        if not links:
            raise NotFound(f"no snapshot {row.id!r}", reason="no-such-snapshot")
        return links[0]

    def _owned(self, s, principal: Principal, row: SnapshotRow) -> None:
        if not (principal.is_admin or row.author == principal.username):
            raise Forbidden("only the author of a snapshot shares it", reason="not-author")

    def get_snapshot(self, principal: Principal, snapshot_id: Any) -> dict:
        check(principal, "snapshots:read")
        with self.db.session() as s:
            row = self._snapshot(s, snapshot_id)
            self._readable(s, principal, row)
            return self._snapshot_json(s, row)

    def notebook(self, principal: Principal, snapshot_id: Any) -> tuple[dict, bytes]:
        """A snapshot's details and its stored notebook (bytes of nbformat JSON); recipients'
        reads are recorded as opens of the link that lets them in."""
        check(principal, "snapshots:read")
        with self.db.session() as s:
            row = self._snapshot(s, snapshot_id)
            link = self._readable(s, principal, row)
            if link is not None:
                s.add(LinkOpenRow(link_id=link.id, username=principal.username, at=utcnow()))
            meta = self._snapshot_json(s, row)
            meta["newer"] = self._newer(s, principal, row)
        return meta, self.artifacts.get(row.content_key)

    def _newer(self, s, principal: Principal, row: SnapshotRow) -> dict | None:
        """The newest later snapshot of the lineage that the principal may open, if any."""
        later = s.scalars(
            select(SnapshotRow)
            .where(SnapshotRow.lineage_id == row.lineage_id, SnapshotRow.version > row.version)
            .order_by(SnapshotRow.version.desc())
        )
        for candidate in later:
            try:
                self._readable(s, principal, candidate)
            except NotFound:
                continue
            return {"id": candidate.id, "version": candidate.version, "title": candidate.title}
        return None

    def list_snapshots(self, principal: Principal, scope: str = "mine") -> list[dict]:
        check(principal, "snapshots:read")
        scope = v.choice(scope, "scope", ("mine", "shared"))
        with self.db.session() as s:
            if scope == "mine":
                rows = s.scalars(
                    select(SnapshotRow)
                    .where(SnapshotRow.author == principal.username)
                    .order_by(SnapshotRow.created_at.desc(), SnapshotRow.id)
                ).all()
            else:
                ids = {link.snapshot_id for link in self._live_links(s, principal)}
                rows = s.scalars(
                    select(SnapshotRow)
                    .where(
                        SnapshotRow.id.in_(ids) if ids else False,
                        SnapshotRow.author != principal.username,
                    )
                    .order_by(SnapshotRow.created_at.desc(), SnapshotRow.id)
                ).all()
            return [self._snapshot_json(s, r) for r in rows]

    def diff(self, principal: Principal, snapshot_id: Any, other_id: Any) -> dict:
        check(principal, "snapshots:read")
        with self.db.session() as s:
            a, b = self._snapshot(s, snapshot_id), self._snapshot(s, other_id)
            self._readable(s, principal, a)
            self._readable(s, principal, b)
            if a.lineage_id != b.lineage_id:
                raise InvalidInput(
                    "the two snapshots are of different notebooks", reason="other-lineage"
                )
        old = json.loads(self.artifacts.get(a.content_key))
        new = json.loads(self.artifacts.get(b.content_key))
        return {"from": a.id, "to": b.id, **diff_cells(old, new)}

    # -- links ---------------------------------------------------------------------------------
    def _expiry(self, body: dict, current: dt.datetime | None = None) -> dt.datetime | None:
        maximum = self.identity.domain_setting("share_link_max_expiry_days")
        if "expires_in_days" in body:
            days = body["expires_in_days"]
            if days is not None:
                days = v.optional_int(days, "expires_in_days", 1, 3650)
        else:
            days = self.identity.domain_setting("share_link_default_expiry_days")
        if maximum is not None and (days is None or days > maximum):
            raise InvalidInput(
                f"expires_in_days must be at most {maximum} (the domain's maximum)",
                reason="expiry-too-long",
            )
        return None if days is None else utcnow() + dt.timedelta(days=days)

    def _audience(self, s, body: dict) -> tuple[str, list[str]]:
        audience = v.choice(body.get("audience", "domain"), "audience", ("domain", "users"))
        if audience == "domain":
            if body.get("users"):
                raise InvalidInput("users go with audience 'users'", reason="invalid-audience")
            return audience, []
        users = body.get("users")
        if not isinstance(users, list) or not 1 <= len(users) <= MAX_AUDIENCE:
            raise InvalidInput(
                f"users must be a list of 1-{MAX_AUDIENCE} usernames", reason="invalid-audience"
            )
        names = sorted({v.string(u, "users[]", 63, min_length=1) for u in users})
        known = set(
            s.scalars(
                select(UserRow.username).where(
                    UserRow.username.in_(names), UserRow.deleted_at.is_(None)
                )
            )
        )
        unknown = [n for n in names if n not in known]
        if unknown:
            raise InvalidInput(
                f"unknown users: {', '.join(u[:63] for u in unknown[:5])}", reason="unknown-user"
            )
        return audience, names

    def create_link(self, principal: Principal, snapshot_id: Any, body: Any) -> dict:
        """A new link; its token is in this answer only."""
        check(principal, "snapshots:share")
        body = v.require_dict(body)
        v.reject_unknown(body, LINK_FIELDS)
        label = v.string(body.get("label", ""), "label", 256)
        expires_at = self._expiry(body)
        token = TOKEN_PREFIX + secrets.token_urlsafe(24)
        with self.db.session(write=True) as s:
            row = self._snapshot(s, snapshot_id)
            self._readable(s, principal, row)
            self._owned(s, principal, row)
            audience, users = self._audience(s, body)
            link = ShareLinkRow(
                id=secrets.token_hex(8),
                snapshot_id=row.id,
                token_hash=_hash(token),
                audience=audience,
                users=users,
                label=label,
                created_by=principal.username,
                created_at=utcnow(),
                expires_at=expires_at,
            )
            s.add(link)
            s.flush()
            return {**self._link_json(s, link), "token": token}

    def _link_json(self, s, link: ShareLinkRow) -> dict:
        now = utcnow()
        state = (
            "revoked"
            if link.revoked_at
            else "expired"
            if link.expires_at and _aware(link.expires_at) <= now
            else "active"
        )
        opens = s.scalar(select(func.count()).where(LinkOpenRow.link_id == link.id))
        return {
            "id": link.id,
            "snapshot": link.snapshot_id,
            "audience": link.audience,
            "users": link.users,
            "label": link.label,
            "created_by": link.created_by,
            "created_at": _iso(link.created_at),
            "expires_at": _iso(link.expires_at),
            "revoked_at": _iso(link.revoked_at),
            "state": state,
            "opens": opens,
        }

    def _link(self, s, principal: Principal, link_id: Any) -> ShareLinkRow:
        link = s.get(ShareLinkRow, link_id) if isinstance(link_id, str) else None
        if link is None or not (principal.is_admin or link.created_by == principal.username):
            raise NotFound(f"no share link {str(link_id)[:40]!r}", reason="no-such-link")
        return link

    def list_links(self, principal: Principal, snapshot_id: Any) -> list[dict]:
        check(principal, "snapshots:share")
        with self.db.session() as s:
            row = self._snapshot(s, snapshot_id)
            self._readable(s, principal, row)
            self._owned(s, principal, row)
            links = s.scalars(
                select(ShareLinkRow)
                .where(ShareLinkRow.snapshot_id == row.id)
                .order_by(ShareLinkRow.created_at.desc(), ShareLinkRow.id)
            )
            return [self._link_json(s, link) for link in links]

    def update_link(self, principal: Principal, link_id: Any, body: Any) -> dict:
        """Change a live link's label or expiry (counted from now, within the domain maximum)."""
        check(principal, "snapshots:share")
        body = v.require_dict(body)
        v.reject_unknown(body, {"label", "expires_in_days"})
        with self.db.session(write=True) as s:
            link = self._link(s, principal, link_id)
            if link.revoked_at is not None:
                raise Gone("the link was revoked", reason="link-revoked")
            if "label" in body:
                link.label = v.string(body["label"], "label", 256)
            if "expires_in_days" in body:
                link.expires_at = self._expiry(body)
            s.flush()
            return self._link_json(s, link)

    def revoke_link(self, principal: Principal, link_id: Any) -> dict:
        """Revoke at once; the link stays listed (revoked) with its opens."""
        check(principal, "snapshots:share")
        with self.db.session(write=True) as s:
            link = self._link(s, principal, link_id)
            if link.revoked_at is None:
                link.revoked_at, link.revoked_by = utcnow(), principal.username
            s.flush()
            return self._link_json(s, link)

    def link_opens(self, principal: Principal, link_id: Any) -> list[dict]:
        check(principal, "snapshots:share")
        with self.db.session() as s:
            link = self._link(s, principal, link_id)
            opens = s.scalars(
                select(LinkOpenRow).where(LinkOpenRow.link_id == link.id).order_by(LinkOpenRow.id)
            )
            return [{"username": o.username, "at": _iso(o.at)} for o in opens]

    # -- recipients ----------------------------------------------------------------------------
    def _by_token(self, s, principal: Principal, token: Any) -> ShareLinkRow:
        """404 malformed or unknown, 410 revoked or expired, 403 outside the audience."""
        if not isinstance(token, str) or not TOKEN_SHAPE.match(token):
            raise NotFound("no such share link", reason="no-such-link")
        link = s.scalar(select(ShareLinkRow).where(ShareLinkRow.token_hash == _hash(token)))
        if link is None:
            raise NotFound("no such share link", reason="no-such-link")
        if link.revoked_at is not None:
            raise Gone("this share link was revoked by its owner", reason="link-revoked")
        if link.expires_at is not None and _aware(link.expires_at) <= utcnow():
            raise Gone(
                f"this share link expired on {_aware(link.expires_at):%Y-%m-%d %H:%M} UTC",
                reason="link-expired",
            )
        if link.audience == "users" and principal.username not in link.users:
            if not (principal.is_admin or link.created_by == principal.username):
                raise Forbidden("this share link is for other users", reason="not-in-audience")
        return link

    def check_token(self, principal: Principal, token: Any) -> dict:
        """What the share page needs: the link's snapshot, or the error to show."""
        check(principal, "snapshots:open")
        with self.db.session() as s:
            link = self._by_token(s, principal, token)
            return {"snapshot": link.snapshot_id, "label": link.label}

    def open_link(self, principal: Principal, token: Any) -> tuple[dict, bytes]:
        """The preview: the snapshot's details, its notebook bytes; the open is recorded."""
        check(principal, "snapshots:open")
        with self.db.session(write=True) as s:
            link = self._by_token(s, principal, token)
            row = s.get(SnapshotRow, link.snapshot_id)
            s.add(LinkOpenRow(link_id=link.id, username=principal.username, at=utcnow()))
            meta = self._snapshot_json(s, row)
            meta["newer"] = self._newer(s, principal, row)
            meta["link"] = {
                "id": link.id,
                "label": link.label,
                "created_by": link.created_by,
                "expires_at": _iso(link.expires_at),
            }
        return meta, self.artifacts.get(row.content_key)

    def copy_from_link(self, principal: Principal, token: Any, body: Any) -> dict:
        """Copy the snapshot's notebook into a space the recipient writes (their private space
        by default); a name that exists is never overwritten: ``-copy``, ``-copy-2`` … is used."""
        check(principal, "snapshots:open")
        body = v.require_dict(body) if body is not None else {}
        v.reject_unknown(body, {"space", "name"})
        with self.db.session() as s:
            link = self._by_token(s, principal, token)
            row = s.get(SnapshotRow, link.snapshot_id)
        space = self._target_space(principal, body.get("space"))
        name = v.string(body.get("name", Path(row.path).name), "name", 255, min_length=1)
        if "/" in name or "\\" in name or name in (".", "..") or not name.endswith(".ipynb"):
            raise InvalidInput("name must be a file name ending in .ipynb", reason="invalid-name")
        folder = self.paths.api_path_of(space)
        if not self.policy.can(principal, f"{folder}/{name}", WRITE):
            raise Forbidden(f"you cannot write in space {space}", reason="forbidden")
        data = self.artifacts.get(row.content_key)
        path = _write_new(self.paths.root_dir / folder, name, data)
        return {"space": space, "path": f"{folder}/{path.name}", "snapshot": row.id}

    def _target_space(self, principal: Principal, value: Any) -> str:
        if value is not None:
            name = v.string(value, "space", 63, min_length=1)
            role = self.spaces.roles_of(principal.username).get(name)
            if role not in ("editor", "owner") and not principal.is_admin:
                raise Forbidden(f"you cannot write in space {name[:63]}", reason="forbidden")
            return name
        owned = sorted(self.spaces.owned_by(principal.username, sharing="private"))
        if owned:
            return owned[0]
        raise InvalidInput(
            "you have no private space: create one or name a space you can write",
            reason="no-private-space",
        )


def _write_new(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` to a new file in ``folder`` (atomically; never over an existing file)."""
    stem, suffix = name[: -len(".ipynb")], ".ipynb"
    candidates = [name, f"{stem}-copy{suffix}"] + [
        f"{stem}-copy-{i}{suffix}" for i in range(2, 1000)
    ]
    tmp = folder / f".{stem}.{secrets.token_hex(4)}.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    try:
        for candidate in candidates:
            target = folder / candidate
            try:
                os.link(tmp, target)  # fails if the target exists: no overwrite, even racing
            except FileExistsError:
                continue
            return target
        raise InvalidInput(f"too many copies of {name} in this space", reason="name-taken")
    finally:
        tmp.unlink(missing_ok=True)
