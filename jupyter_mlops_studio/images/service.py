"""ImageBuildService: build records, the build queue, logs, cancellation and the cache.

A build is validated completely (context inside a space the user edits, Dockerfile inside the
context, repository, tag, arguments, a configured backend) before anything is packaged or
uploaded. Its record goes ``Queued`` -> ``InProgress`` -> ``Succeeded`` | ``Failed`` |
``Stopped``; a record never stays ``InProgress`` (a server start fails those a crash left).
Log lines are numbered per build and stored as they come, so a client can follow the log from
any line on.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from ..core import validation as v
from ..core.db import Database, utcnow
from ..core.errors import Conflict, InvalidInput, NotFound
from ..core.permissions import Principal, check
from ..spaces.paths import PathTraversal, SpacePaths
from ..spaces.service import SpaceService
from . import context as ctx
from . import layout
from .backends import BuildBackend, BuildFailed, BuildJob, BuildStopped, backend_option
from .models import BuildLogRow, BuildRow

log = logging.getLogger(__name__)

TERMINAL = ("Succeeded", "Failed", "Stopped")
#: ECR's repository name rule
REPOSITORY = re.compile(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")
TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
ARG_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
BUILD_FIELDS = frozenset(
    {
        "context",
        "dockerfile",
        "repository",
        "tag",
        "build_args",
        "backend",
        "options",
        "rebuild",
        "layout",
    }
)
CHECK_FIELDS = frozenset({"dockerfile", "content", "mode"})


def _build_json(row: BuildRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "space": row.space,
        "context": row.context_path,
        "dockerfile": row.dockerfile,
        "repository": row.repository,
        "tag": row.tag,
        "build_args": dict(row.build_args or {}),
        "backend": row.backend,
        "options": dict(row.options or {}),
        "context_digest": row.context_digest,
        "context_size": row.context_size,
        "status": row.status,
        "phases": list(row.phases or []),
        "image_uri": row.image_uri,
        "external_id": row.external_id,
        "cached_from": row.cached_from,
        "failure_reason": row.failure_reason,
        "created_by": row.created_by,
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "started_at": row.started_at.isoformat() if row.started_at else None,
        "ended_at": row.ended_at.isoformat() if row.ended_at else None,
    }


class _LogWriter:
    """Numbers a build's log lines and stores them in small batches (a line, at most a quarter
    of a second late; phases and the end at once)."""

    def __init__(self, db: Database, build_id: str, start: int = 0):
        self.db = db
        self.build_id = build_id
        self.seq = start
        self.pending: list[dict[str, Any]] = []
        self.last_flush = time.monotonic()
        self.lock = threading.Lock()

    def __call__(self, kind: str, text: str) -> None:
        with self.lock:
            self.seq += 1
            self.pending.append(
                {
                    "build_id": self.build_id,
                    "seq": self.seq,
                    "at": utcnow(),
                    "kind": kind,
                    "text": text[:10_000],
                }
            )
            if (
                kind != "line"
                or len(self.pending) >= 200
                or (time.monotonic() - self.last_flush > 0.25)
            ):
                self._flush()

    def flush(self) -> None:
        with self.lock:
            self._flush()

    def _flush(self) -> None:
        if not self.pending:
            return
        with self.db.session() as session:
            session.execute(BuildLogRow.__table__.insert(), self.pending)
        self.pending = []
        self.last_flush = time.monotonic()


class ImageBuildService:
    def __init__(
        self,
        db: Database,
        spaces: SpaceService,
        paths: SpacePaths,
        work_dir: Path,
        backends: dict[str, BuildBackend],
        max_context_size: int = 500 * 1024 * 1024,
        max_workers: int = 2,
    ):
        self.db = db
        self.spaces = spaces
        self.paths = paths
        self.work_dir = Path(work_dir)
        self.backends = backends
        self.max_context_size = max_context_size
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="image-build")
        self._cancel: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    # -- lifecycle

    def start(self) -> None:
        """Fail the builds a previous run left unfinished (their worker is gone)."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        with self.db.session(write=True) as session:
            stuck = list(
                session.scalars(
                    select(BuildRow.id).where(BuildRow.status.in_(["Queued", "InProgress"]))
                )
            )
            if stuck:
                session.execute(
                    update(BuildRow)
                    .where(BuildRow.id.in_(stuck))
                    .values(
                        status="Failed",
                        failure_reason="the server restarted during the build",
                        ended_at=utcnow(),
                    )
                )
        for build_id in stuck:
            self._log_end(build_id, "Failed", "the server restarted during the build")

    def stop(self) -> None:
        with self._lock:
            for event in self._cancel.values():
                event.set()
        self._pool.shutdown(wait=True, cancel_futures=False)

    # -- reads

    def backends_info(self, principal: Principal) -> list[dict[str, Any]]:
        check(principal, "images:read")
        return [
            {
                "name": name,
                "available": (problem := b.problem()) is None,
                "problem": problem,
                "options": list(b.options),
            }
            for name, b in self.backends.items()
        ]

    def _row(self, session, principal: Principal, build_id: str) -> BuildRow:
        if not isinstance(build_id, str) or not re.fullmatch(r"[0-9a-f]{32}", build_id):
            raise NotFound(f"no build {str(build_id)[:40]!r}", reason="build-not-found")
        row = session.get(BuildRow, build_id)
        if row is None:
            raise NotFound(f"no build {build_id}", reason="build-not-found")
        _, role = self.spaces.role_of(principal.username, row.space)
        if not principal.is_admin and role is None:
            raise NotFound(f"no build {build_id}", reason="build-not-found")
        return row

    def get_build(self, principal: Principal, build_id: str) -> dict[str, Any]:
        check(principal, "images:read")
        with self.db.session() as session:
            return _build_json(self._row(session, principal, build_id))

    def list_builds(self, principal: Principal, space: str | None = None) -> list[dict]:
        check(principal, "images:read")
        roles = self.spaces.roles_of(principal.username)
        with self.db.session() as session:
            q = select(BuildRow).order_by(BuildRow.created_at.desc()).limit(500)
            if space is not None:
                q = q.where(BuildRow.space == space)
            if not principal.is_admin:
                q = q.where(BuildRow.space.in_(list(roles) or [""]))
            return [_build_json(r) for r in session.scalars(q)]

    def logs(
        self, principal: Principal, build_id: str, after: int = 0, limit: int = 1000
    ) -> dict[str, Any]:
        check(principal, "images:read")
        with self.db.session() as session:
            row = self._row(session, principal, build_id)
            lines = session.scalars(
                select(BuildLogRow)
                .where(BuildLogRow.build_id == build_id, BuildLogRow.seq > after)
                .order_by(BuildLogRow.seq)
                .limit(limit)
            ).all()
            status = row.status
        items = [
            {"seq": r.seq, "at": r.at.isoformat(), "kind": r.kind, "text": r.text} for r in lines
        ]
        return {
            "build": build_id,
            "status": status,
            "lines": items,
            "next": items[-1]["seq"] if items else after,
            "complete": status in TERMINAL and len(items) < limit,
        }

    # -- layout checks

    def check_layout(self, principal: Principal, body: Any) -> dict[str, Any]:
        check(principal, "images:read")
        v.require_dict(body)
        v.reject_unknown(body, CHECK_FIELDS)
        mode = v.choice(body.get("mode", "both"), "mode", layout.MODES)
        if ("content" in body) == ("dockerfile" in body):
            raise InvalidInput(
                "give either dockerfile (a path in a space) or content", reason="missing-field"
            )
        if "content" in body:
            text = v.string(body["content"], "content", 1_000_000)
        else:
            text = self._space_file(principal, body["dockerfile"]).read_text(errors="replace")
        findings = layout.check(text, mode)
        return {
            "mode": mode,
            "ok": not layout.has_errors(findings),
            "findings": [f.to_json() for f in findings],
        }

    def _space_file(self, principal: Principal, api_path: Any) -> Path:
        if not isinstance(api_path, str) or not api_path:
            raise InvalidInput("dockerfile must be a path in a space", reason="invalid-type")
        _, full = self._in_space(principal, api_path, "images:read")
        if not full.is_file():
            raise InvalidInput(f"no file {api_path[:200]!r}", reason="not-found")
        return full

    def _in_space(self, principal: Principal, api_path: str, action: str):
        try:
            cls = self.paths.classify(api_path)
        except PathTraversal:
            cls = None
        if cls is None or cls.kind not in ("space", "in-space"):
            raise InvalidInput(
                f"{api_path[:200]!r} is not a folder or file inside a space",
                reason="invalid-path",
            )
        exists, role = self.spaces.role_of(principal.username, cls.space)
        if not exists or (role is None and not principal.is_admin):
            raise NotFound(f"no space {cls.space!r}", reason="space-not-found")
        check(principal, action, role)
        if self.paths.escapes_space(api_path, cls.space):
            raise InvalidInput(f"{api_path[:200]!r} leads outside its space", "invalid-path")
        return cls, self.paths.root_dir / api_path.strip("/")

    # -- builds

    def _validate(self, principal: Principal, body: Any) -> dict[str, Any]:
        v.require_dict(body)
        v.reject_unknown(body, BUILD_FIELDS)
        for required in ("context", "repository"):
            if required not in body:
                raise InvalidInput(f"{required} is required", reason="missing-field")
        if not isinstance(body["context"], str) or not body["context"]:
            raise InvalidInput("context must be a folder in a space", reason="invalid-type")
        cls, context_dir = self._in_space(principal, body["context"], "images:build")
        if not context_dir.is_dir():
            raise InvalidInput(f"no folder {body['context'][:200]!r}", reason="invalid-context")
        dockerfile = body.get("dockerfile", "Dockerfile")
        if not isinstance(dockerfile, str) or not dockerfile or "\x00" in dockerfile:
            raise InvalidInput("dockerfile must be a path in the context", "invalid-type")
        df_path = (context_dir / dockerfile).resolve()
        root = context_dir.resolve()
        if not str(df_path).startswith(str(root) + "/"):
            raise InvalidInput(
                f"the Dockerfile {dockerfile[:200]!r} is outside the build context",
                reason="dockerfile-outside-context",
            )
        if not df_path.is_file():
            raise InvalidInput(
                f"the build context has no {dockerfile[:200]!r}", reason="no-dockerfile"
            )
        repository = body["repository"]
        if (
            not isinstance(repository, str)
            or len(repository) > 256
            or not REPOSITORY.match(repository)
        ):
            raise InvalidInput(
                "repository must be an ECR repository name: lowercase letters, digits, and "
                "'.', '_', '-', '/' between them (at most 256)",
                reason="invalid-repository",
            )
        tag = body.get("tag", "latest")
        if not isinstance(tag, str) or not TAG.match(tag):
            raise InvalidInput(
                "tag must be 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'",
                reason="invalid-tag",
            )
        args = body.get("build_args", {})
        v.require_dict(args, "build_args")
        if len(args) > 100:
            raise InvalidInput("at most 100 build arguments", reason="too-many")
        for k, val in args.items():
            if not ARG_NAME.match(k):
                raise InvalidInput(f"invalid build argument name {k[:80]!r}", "invalid-name")
            v.string(val, f"build_args.{k}", 4096)
        backend_name = v.choice(
            body.get("backend", next(iter(self.backends), "")), "backend", list(self.backends)
        )
        backend = self.backends[backend_name]
        options = backend_option(backend, body.get("options"))
        problem = backend.problem()
        if problem:
            raise InvalidInput(problem, reason="backend-not-configured")
        mode = body.get("layout")
        if mode is not None:
            mode = v.choice(mode, "layout", layout.MODES)
        return {
            "space": cls.space,
            "context_path": body["context"].strip("/"),
            "context_dir": context_dir,
            "dockerfile": str(df_path.relative_to(root)),
            "repository": repository,
            "tag": tag,
            "build_args": dict(args),
            "backend": backend_name,
            "options": options,
            "rebuild": v.boolean(body.get("rebuild", False), "rebuild"),
            "layout": mode,
        }

    def start_build(self, principal: Principal, body: Any) -> dict[str, Any]:
        fields = self._validate(principal, body)
        context = ctx.scan(fields["context_dir"], self.max_context_size)
        key_material = {
            k: fields[k]
            for k in ("dockerfile", "repository", "tag", "build_args", "backend", "options")
        }
        key_material["digest"] = context.digest
        cache_key = hashlib.sha256(json.dumps(key_material, sort_keys=True).encode()).hexdigest()
        build_id = uuid.uuid4().hex
        now = utcnow()
        row = BuildRow(
            id=build_id,
            space=fields["space"],
            context_path=fields["context_path"],
            dockerfile=fields["dockerfile"],
            repository=fields["repository"],
            tag=fields["tag"],
            build_args=fields["build_args"],
            backend=fields["backend"],
            options=fields["options"],
            context_digest=context.digest,
            context_size=context.size,
            cache_key=cache_key,
            status="Queued",
            phases=[],
            created_by=principal.username,
            created_at=now,
        )
        cached = None if fields["rebuild"] else self._cached(cache_key)
        if cached is not None:
            # name the build that made the image, not an earlier cache hit of it
            origin = cached.cached_from or cached.id
            row.status, row.image_uri, row.cached_from = "Succeeded", cached.image_uri, origin
            row.started_at = row.ended_at = now
            row.phases = [{"name": "CACHED", "at": now.isoformat()}]
        with self.db.session() as session:
            session.add(row)
        writer = _LogWriter(self.db, build_id)
        if cached is not None:
            writer("line", f"unchanged context and arguments: the image of build {origin}")
            writer("status", "Succeeded")
            return self._json(build_id)
        if fields["layout"]:
            text = (fields["context_dir"] / fields["dockerfile"]).read_text(errors="replace")
            for f in layout.check(text, fields["layout"]):
                where = f" (Dockerfile line {f.line})" if f.line else ""
                writer("line", f"layout {f.level}: {f.message}{where}")
        writer.flush()
        cancelled = threading.Event()
        with self._lock:
            self._cancel[build_id] = cancelled
        self._pool.submit(self._run, build_id, fields, context, cancelled, writer)
        return self._json(build_id)

    def _json(self, build_id: str) -> dict[str, Any]:
        with self.db.session() as session:
            return _build_json(session.get(BuildRow, build_id))

    def _cached(self, cache_key: str) -> BuildRow | None:
        with self.db.session() as session:
            return session.scalar(
                select(BuildRow)
                .where(
                    BuildRow.cache_key == cache_key,
                    BuildRow.status == "Succeeded",
                    BuildRow.image_uri.is_not(None),
                )
                .order_by(BuildRow.ended_at.desc())
                .limit(1)
            )

    def _set(self, build_id: str, **values: Any) -> None:
        with self.db.session() as session:
            session.execute(update(BuildRow).where(BuildRow.id == build_id).values(**values))

    def _run(self, build_id, fields, context, cancelled, writer: _LogWriter) -> None:
        zip_path = self.work_dir / f"{build_id}.zip"
        phases: list[dict[str, Any]] = []

        def emit(kind: str, text: str) -> None:
            if kind == "external":
                self._set(build_id, external_id=text)
                writer("line", f"external build id {text}")
                return
            if kind == "phase":
                phases.append({"name": text, "at": utcnow().isoformat()})
                self._set(build_id, phases=list(phases))
            writer(kind, text)

        status, reason, image = "Failed", None, None
        try:
            if cancelled.is_set():
                raise BuildStopped("cancelled before it started")
            self._set(build_id, status="InProgress", started_at=utcnow())
            writer("status", "InProgress")
            emit("phase", "PACKAGE")
            with open(zip_path, "wb") as out:
                zip_digest = ctx.write_zip(context, out)
            emit(
                "line",
                f"packaged {len(context.files)} files, {context.size} bytes "
                f"(zip sha256 {zip_digest[:16]}…)",
            )
            job = BuildJob(
                id=build_id,
                context_dir=fields["context_dir"],
                zip_path=zip_path,
                dockerfile=fields["dockerfile"],
                repository=fields["repository"],
                tag=fields["tag"],
                build_args=fields["build_args"],
                options=fields["options"],
            )
            image = self.backends[fields["backend"]].build(job, emit, cancelled)
            status = "Succeeded"
        except BuildStopped as e:
            status, reason = "Stopped", str(e)
        except BuildFailed as e:
            reason = str(e)
        except Exception as e:  # an upload or API error: the record says why, never InProgress
            log.exception("Image build %s failed", build_id)
            reason = f"{type(e).__name__}: {e}"[:2000]
        finally:
            zip_path.unlink(missing_ok=True)
            with self._lock:
                self._cancel.pop(build_id, None)
        self._set(
            build_id, status=status, failure_reason=reason, image_uri=image, ended_at=utcnow()
        )
        if image:
            writer("line", f"image {image}")
        if reason:
            writer("line", f"{status.lower()}: {reason}")
        writer("status", status)
        writer.flush()

    def _log_end(self, build_id: str, status: str, reason: str) -> None:
        with self.db.session() as session:
            last = session.scalar(
                select(func.max(BuildLogRow.seq)).where(BuildLogRow.build_id == build_id)
            )
        writer = _LogWriter(self.db, build_id, last or 0)
        writer("line", f"{status.lower()}: {reason}")
        writer("status", status)

    def cancel(self, principal: Principal, build_id: str) -> dict[str, Any]:
        with self.db.session() as session:
            row = self._row(session, principal, build_id)
            _, role = self.spaces.role_of(principal.username, row.space)
            check(principal, "images:build", role)
            status = row.status
        if status in TERMINAL:
            raise Conflict(f"build {build_id} has ended ({status})", reason="build-ended")
        with self._lock:
            event = self._cancel.get(build_id)
        if event is not None:
            event.set()
        return self._json(build_id)

    def wait(self, build_id: str, timeout: float = 60.0) -> dict[str, Any]:
        """Block until the build ends (tests that need a finished build)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            data = self._json(build_id)
            if data["status"] in TERMINAL:
                return data
            time.sleep(0.05)
        raise TimeoutError(f"build {build_id} did not end in {timeout} s")
