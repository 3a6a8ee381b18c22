"""Local training runs and local endpoints in the SageMaker layout, without Docker (no tornado).

A training run copies the entry point (or its source folder) and the channels of a space into a
run's own ``/opt/ml`` tree under the studio data dir, writes the toolkit's config files, and runs
the script with the server's Python as a child process with every ``SM_*`` variable set and the
hyperparameters as command-line arguments; its output goes to a log kept with the run. A run
ends ``Completed`` (exit status 0: ``model/`` packed as ``model.tar.gz`` into the artifact store,
``output/data`` as ``output.tar.gz``, optionally registered in the model registry through its
quality gate), ``Failed`` (``output/failure`` as the reason) or ``Stopped``.

A local endpoint unpacks a model (a run's ``model.tar.gz``, or a folder or archive in a space)
into its own tree and starts gunicorn on a free port of 127.0.0.1 in front of
:mod:`.predictor`; it is ``Creating`` until ``/ping`` answers, then ``InService`` until stopped.

Runs and endpoints belong to a space; using them needs the ``localrun:use`` action (space role
editor). Scripts run as the server's OS account: the trust boundary of the team server.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import and_, or_, select

from ..core import validation as v
from ..core.db import utcnow
from ..core.errors import Conflict, InvalidInput, NotFound, StudioError
from ..core.permissions import Principal, check, check_persona
from ..registry import validation as rv
from ..registry.packing import pack
from ..spaces.paths import normalize
from . import layout
from .models import LocalRunRow

TRAINING, SERVING = "training", "serving"
IN_PROGRESS, COMPLETED, FAILED, STOPPED = "InProgress", "Completed", "Failed", "Stopped"
CREATING, IN_SERVICE = "Creating", "InService"
ACTIVE = (IN_PROGRESS, CREATING, IN_SERVICE)
RUN_ID = re.compile(r"^[0-9a-f]{32}$")
#: SageMaker's hyperparameter and channel names, restricted to what makes a safe variable name
HP_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,255}$")
CHANNEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MAX_HYPERPARAMETERS = 100
MAX_HP_VALUE = 2500  # SageMaker's limit on a hyperparameter value (as its JSON string)
MAX_CHANNELS = 20
MAX_RUNTIME = 5 * 24 * 3600
DEFAULT_RUNTIME = 24 * 3600
MAX_FAILURE = 4096
LOG_CHUNK = 1024 * 1024
MAX_PAGE = 500
TRAIN_FIELDS = {
    "entry_point",
    "source_dir",
    "hyperparameters",
    "channels",
    "register",
    "max_runtime_seconds",
}
REGISTER_FIELDS = {"group", "metrics", "metrics_file", "description", "framework"}
SERVE_FIELDS = {"run_id", "model_path", "entry_point", "source_dir", "workers"}
ENDPOINT_MARK = "STUDIO_LOCAL_ENDPOINT"
PREDICTOR_APP = "jupyter_mlops_studio.localrun.predictor:app"


class ModelError(StudioError):
    """The predictor answered an invocation with an error (its status and text in the message)."""

    status = 422
    reason = "model-error"


@dataclass
class _Active:
    """A run or endpoint of this server that has not ended: its thread and child process."""

    thread: threading.Thread | None = None
    process: subprocess.Popen | None = None
    stop_requested: bool = False
    stop_reason: str = "stopped by request"
    done: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True)
class _SpacePath:
    space: str
    api_path: str
    full: Path


def _iso(t):
    return t.isoformat() if t else None


def _chmod_tree(path: Path, writable: bool) -> None:
    """Make a copied channel read-only (or writable again before it is removed)."""
    for root, dirs, files in os.walk(path):
        for name in files:
            p = os.path.join(root, name)
            os.chmod(p, 0o644 if writable else 0o444)
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o755 if writable else 0o555)
    if path.is_dir():
        os.chmod(path, 0o755 if writable else 0o555)
    elif path.exists():
        os.chmod(path, 0o644 if writable else 0o444)


def _remove_tree(path: Path) -> None:
    if not path.exists():
        return

    def unlock(func, p, _exc):
        os.chmod(os.path.dirname(p), 0o755)
        if os.path.isdir(p) and not os.path.islink(p):
            os.chmod(p, 0o755)
        func(p)

    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=unlock)
    else:
        shutil.rmtree(path, onerror=unlock)


def _copy(source: Path, target: Path) -> None:
    """Copy a file or folder; symbolic links are left out (they could lead out of the space)."""
    if source.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return

    def ignore(folder, names):
        return [n for n in names if os.path.islink(os.path.join(folder, n))]

    shutil.copytree(source, target, ignore=ignore, dirs_exist_ok=True)


def _pack_gz(folder: Path) -> bytes:
    """A folder as ``tar.gz`` with entries relative to it, as SageMaker packs ``model/``
    (the registry's reproducible tar: the same folder gives the same bytes)."""
    return gzip.compress(pack(folder), compresslevel=6, mtime=0)


def _unpack(stream: BinaryIO, target: Path) -> None:
    """Extract a (gzipped) tar stream safely: files and folders only, nothing outside."""
    try:
        with stream, tarfile.open(fileobj=stream, mode="r|*") as tar:
            tar.extractall(target, filter="data")
    except (tarfile.TarError, OSError, EOFError) as e:
        raise InvalidInput(f"the model is not a readable tar archive: {e}", "invalid-model") from e


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_bytes()[-16384:].decode(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.strip().splitlines()[-lines:])


def _kill_group(process: subprocess.Popen, grace: float) -> None:
    """SIGTERM to the child's process group (its own session), SIGKILL after ``grace``."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        process.wait()


def _orphan_of(pid: int, marker: str) -> bool:
    """Whether ``pid`` is still the child a previous server started (its command line names
    the run), so that a restart never signals an unrelated process that reused the id."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        environ = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
    except OSError:
        return False
    return marker in cmdline or f"{ENDPOINT_MARK}={marker}" in environ


class LocalRunService:
    """Local training runs and endpoints: their records, trees, child processes and logs."""

    def __init__(
        self,
        db,
        spaces,
        paths,
        policy,
        artifacts,
        registry,
        root: str | os.PathLike,
        *,
        python: str = sys.executable,
        ping_timeout: float = 60.0,
        stop_grace: float = 10.0,
        invoke_timeout: float = 60.0,
    ):
        self.db = db
        self.spaces = spaces
        self.paths = paths
        self.policy = policy
        self.artifacts = artifacts
        self.registry = registry
        self.root = Path(root)
        self.python = python
        self.ping_timeout = ping_timeout
        self.stop_grace = stop_grace
        self.invoke_timeout = invoke_timeout
        self.host = socket.gethostname()
        self._active: dict[str, _Active] = {}
        self._lock = threading.Lock()

    # -- life cycle ------------------------------------------------------------------------------
    def start(self) -> int:
        """Mark the runs and endpoints of this host a previous server left active as Failed
        ("server restarted"), end their orphaned processes and remove their trees."""
        with self.db.session(write=True) as s:
            rows = s.scalars(select(LocalRunRow).where(LocalRunRow.status.in_(ACTIVE))).all()
            left = [r for r in rows if (r.options or {}).get("host") == self.host]
            for row in left:
                if row.id in self._active:
                    continue
                if row.pid and _orphan_of(row.pid, row.id):
                    try:
                        os.killpg(row.pid, signal.SIGKILL)
                    except (ProcessLookupError, PermissionError):
                        pass
                row.status, row.failure_reason = FAILED, "server restarted"
                row.pid, row.ended_at = None, utcnow()
        for row in left:
            _remove_tree(self.root / row.id)
        return len(left)

    def stop(self) -> None:
        """End every active run and endpoint of this server (at shutdown); never raises."""
        with self._lock:
            active = list(self._active.items())
        for _, entry in active:
            entry.stop_requested, entry.stop_reason = True, "the server stopped"
            if entry.process is not None:
                try:
                    _kill_group(entry.process, self.stop_grace)
                except OSError:
                    pass
        for _, entry in active:
            entry.done.wait(self.stop_grace + 5)

    def wait(self, run_id: str, timeout: float | None = None) -> bool:
        """Wait until a run or endpoint of this server has ended (True) or ``timeout`` passed."""
        with self._lock:
            entry = self._active.get(run_id)
        return True if entry is None else entry.done.wait(timeout)

    # -- paths and permissions -------------------------------------------------------------------
    def _role_check(self, principal: Principal, space: str) -> None:
        """``localrun:use`` in ``space``: a space the user cannot see is unknown (404), one the
        user may only read is forbidden (403)."""
        exists, role = self.spaces.role_of(principal.username, space)
        if not exists or (role is None and not principal.is_admin):
            raise NotFound(f"no space {space!r}", reason="no-such-space")
        check(principal, "localrun:use", role)

    def _space_path(self, principal: Principal, value: Any, what: str, kind: str) -> _SpacePath:
        """A path of a space (``spaces/<space>/...``) the user may run from; ``kind`` is
        ``file``, ``dir`` or ``any``. Traversal, paths outside spaces and links leading out of
        the space are refused before anything is read."""
        v.string(value, what, 1024, min_length=1)
        cls = self.policy.classify(value)
        if cls is None:
            raise InvalidInput(f"{what} {value[:200]!r} leaves its folder", reason="invalid-path")
        if cls.kind not in ("space", "in-space") or (kind == "file" and cls.kind == "space"):
            raise InvalidInput(
                f"{what} must be a path inside a space, e.g. spaces/<space>/train.py",
                reason="invalid-path",
            )
        self._role_check(principal, cls.space)
        api_path = normalize(value)
        if self.paths.escapes_space(api_path, cls.space):
            raise InvalidInput(f"{what} {value[:200]!r} leads outside its space", "invalid-path")
        full = self.paths.root_dir / api_path
        ok = {"file": full.is_file(), "dir": full.is_dir(), "any": full.exists()}[kind]
        if not ok:
            noun = {"file": "file", "dir": "folder", "any": "file or folder"}[kind]
            raise InvalidInput(f"{what}: no {noun} {value[:200]!r}", reason="no-such-file")
        return _SpacePath(cls.space, api_path, full)

    def _row(self, s, principal: Principal, run_id: Any, kind: str) -> LocalRunRow:
        noun = "local run" if kind == TRAINING else "local endpoint"
        if not isinstance(run_id, str) or not RUN_ID.match(run_id):
            raise NotFound(f"no {noun} {str(run_id)[:40]!r}", reason="not-found")
        row = s.get(LocalRunRow, run_id)
        if row is None or row.kind != kind:
            raise NotFound(f"no {noun} {run_id!r}", reason="not-found")
        try:
            self._role_check(principal, row.space)
        except NotFound:
            raise NotFound(f"no {noun} {run_id!r}", reason="not-found") from None
        return row

    # -- JSON ------------------------------------------------------------------------------------
    @staticmethod
    def _run_json(row: LocalRunRow) -> dict:
        options = row.options or {}
        model = None
        if row.model_key:
            model = {
                "key": row.model_key,
                "uri": f"studio-artifact://{row.model_key}",
                "digest": options.get("model_digest"),
                "size": options.get("model_size"),
            }
        out = {
            "id": row.id,
            "kind": row.kind,
            "space": row.space,
            "entry_point": row.entry_point or None,
            "source_dir": options.get("source_dir"),
            "status": row.status,
            "exit_code": row.exit_code,
            "failure_reason": row.failure_reason,
            "created_by": row.created_by,
            "created_at": _iso(row.created_at),
            "ended_at": _iso(row.ended_at),
        }
        if row.kind == TRAINING:
            out.update(
                hyperparameters=row.hyperparameters,
                channels=row.channels,
                max_runtime_seconds=options.get("max_runtime_seconds"),
                register=options.get("register"),
                model=model,
                output_key=options.get("output_key"),
                registered=row.registered,
                log_key=row.log_key,
            )
        else:
            url = f"http://127.0.0.1:{row.port}" if row.port and row.status == IN_SERVICE else None
            out.update(
                model=options.get("model"),
                workers=options.get("workers"),
                port=row.port if row.status == IN_SERVICE else None,
                url=url,
            )
        return out

    def _update(self, run_id: str, **values) -> None:
        with self.db.session(write=True) as s:
            row = s.get(LocalRunRow, run_id)
            options = values.pop("options", None)
            if options:
                row.options = {**(row.options or {}), **options}
            for k, x in values.items():
                setattr(row, k, x)

    # -- training --------------------------------------------------------------------------------
    def _hyperparameters(self, value: Any) -> dict[str, Any]:
        if value is None:
            return {}
        value = v.require_dict(value, "hyperparameters")
        if len(value) > MAX_HYPERPARAMETERS:
            raise InvalidInput(
                f"at most {MAX_HYPERPARAMETERS} hyperparameters", reason="invalid-hyperparameters"
            )
        for key, x in value.items():
            if not HP_NAME.match(key):
                raise InvalidInput(
                    f"invalid hyperparameter name {key[:80]!r}: letters, digits, '_', '.', '-'",
                    reason="invalid-hyperparameters",
                )
            if key.startswith("sagemaker_"):
                raise InvalidInput(
                    f"hyperparameter {key!r}: names starting with sagemaker_ are reserved",
                    reason="invalid-hyperparameters",
                )
            if len(json.dumps(x)) > MAX_HP_VALUE:
                raise InvalidInput(
                    f"hyperparameter {key!r} is longer than {MAX_HP_VALUE} characters as JSON",
                    reason="invalid-hyperparameters",
                )
            if "\\u0000" in json.dumps(x):
                raise InvalidInput(f"hyperparameter {key!r} contains NUL", "invalid-value")
        return value

    def _channels(self, principal: Principal, value: Any) -> dict[str, _SpacePath]:
        if value is None:
            return {}
        value = v.require_dict(value, "channels")
        if len(value) > MAX_CHANNELS:
            raise InvalidInput(f"at most {MAX_CHANNELS} channels", reason="invalid-channels")
        out = {}
        for name, path in value.items():
            if not CHANNEL_NAME.match(name):
                raise InvalidInput(
                    f"invalid channel name {name[:80]!r}: letters, digits, '_', '.', '-' "
                    "(1-64 characters)",
                    reason="invalid-channels",
                )
            out[name] = self._space_path(principal, path, f"channels.{name}", "any")
        return out

    def _register_spec(self, principal: Principal, value: Any) -> dict | None:
        if value is None:
            return None
        value = v.require_dict(value, "register")
        v.reject_unknown(value, REGISTER_FIELDS, "register")
        check_persona(principal, "registry:register")
        if "group" not in value:
            raise InvalidInput("register.group is required", reason="missing-field")
        group = v.string(value["group"], "register.group", 63, min_length=1)
        try:
            self.registry.get_group(principal, group)
        except NotFound:
            raise InvalidInput(f"no model group {group!r}", reason="no-such-group") from None
        spec: dict[str, Any] = {"group": group}
        if value.get("metrics") is not None:
            spec["metrics"] = rv.metrics(value["metrics"])
        metrics_file = v.string(value.get("metrics_file", "metrics.json"), "metrics_file", 255, 1)
        try:
            if normalize(metrics_file) != metrics_file or metrics_file.startswith("/"):
                raise ValueError
        except ValueError:
            raise InvalidInput(
                "register.metrics_file must be a plain path inside output/data",
                reason="invalid-path",
            ) from None
        spec["metrics_file"] = metrics_file
        spec["description"] = v.string(value.get("description", ""), "description", 4096)
        spec["framework"] = v.string(value.get("framework", ""), "framework", 128)
        return spec

    def start_training(self, principal: Principal, body: Any) -> dict:
        """Validate, record the run ``InProgress`` and run it in a background thread."""
        check_persona(principal, "localrun:use")
        body = v.require_dict(body)
        v.reject_unknown(body, TRAIN_FIELDS)
        if "entry_point" not in body:
            raise InvalidInput("entry_point is required", reason="missing-field")
        entry = self._space_path(principal, body["entry_point"], "entry_point", "file")
        if entry.full.suffix not in (".py", ".sh"):
            raise InvalidInput("entry_point must be a .py or .sh script", "invalid-entry-point")
        source = None
        if body.get("source_dir") is not None:
            source = self._space_path(principal, body["source_dir"], "source_dir", "dir")
            if not (entry.api_path + "/").startswith(source.api_path + "/"):
                raise InvalidInput("entry_point must be inside source_dir", "invalid-entry-point")
        hyperparameters = self._hyperparameters(body.get("hyperparameters"))
        channels = self._channels(principal, body.get("channels"))
        register = self._register_spec(principal, body.get("register"))
        runtime = v.optional_int(
            body.get("max_runtime_seconds"), "max_runtime_seconds", 1, MAX_RUNTIME
        )
        run_id = secrets.token_hex(16)
        options = {
            "host": self.host,
            "source_dir": source.api_path if source else None,
            "max_runtime_seconds": runtime or DEFAULT_RUNTIME,
            "register": register,
        }
        row = LocalRunRow(
            id=run_id,
            kind=TRAINING,
            space=entry.space,
            entry_point=entry.api_path,
            status=IN_PROGRESS,
            hyperparameters=hyperparameters,
            channels={k: p.api_path for k, p in channels.items()},
            options=options,
            created_by=principal.username,
        )
        return self._launch(row, self._train, principal, entry, source, channels)

    def _launch(self, row: LocalRunRow, target, *args) -> dict:
        """Record a new run or endpoint and start ``target`` for it in a background thread."""
        with self.db.session(write=True) as s:
            s.add(row)
            s.flush()
            result = self._run_json(row)
        run_id, entry = result["id"], _Active()
        with self._lock:
            self._active[run_id] = entry
        entry.thread = threading.Thread(
            target=self._guarded, args=(run_id, entry, target, *args), daemon=True
        )
        entry.thread.name = f"localrun-{run_id[:8]}"
        entry.thread.start()
        return result

    def _guarded(self, run_id: str, entry: _Active, target, *args) -> None:
        """Run ``target``; whatever happens the record leaves its active status."""
        try:
            target(run_id, entry, *args)
        except Exception as e:  # an unforeseen error must not leave the run InProgress
            self._update(
                run_id,
                status=FAILED,
                failure_reason=f"internal error: {type(e).__name__}: {e}"[:MAX_FAILURE],
                pid=None,
                ended_at=utcnow(),
            )
        finally:
            with self._lock:
                self._active.pop(run_id, None)
            entry.done.set()

    def _spawn(self, run_id: str, entry: _Active, argv, cwd: Path, env, log_path: Path):
        """Start a child in its own session with output to ``log_path`` (None when stopped)."""
        with self._lock:
            if entry.stop_requested:
                return None
            with open(log_path, "ab") as log:
                entry.process = subprocess.Popen(
                    argv,
                    cwd=cwd,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
        self._update(run_id, pid=entry.process.pid)
        return entry.process

    def _child_env(self, extra: dict[str, str], code: Path) -> dict[str, str]:
        env = {k: x for k, x in os.environ.items() if not k.startswith(("SM_", "SAGEMAKER_"))}
        env.update(extra)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(code), *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])]
        )
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def _train(self, run_id, entry: _Active, principal, script, source, channels) -> None:
        base = self.root / run_id
        log_path = base / "log.txt"
        tree = layout.OptML(base / "opt" / "ml")
        with self.db.session() as s:
            row = s.get(LocalRunRow, run_id)
            hyperparameters, options = dict(row.hyperparameters), dict(row.options)
        status, reason, exit_code, done = FAILED, None, None, {}
        try:
            tree.create()
            log_path.touch()
            if source is not None:
                _copy(source.full, tree.code)
                user_entry = script.api_path[len(source.api_path) + 1 :]
            else:
                _copy(script.full, tree.code / script.full.name)
                user_entry = script.full.name
            for name, path in channels.items():
                target = tree.channel(name) / (path.full.name if path.full.is_file() else "")
                _copy(path.full, target)
                _chmod_tree(tree.channel(name), writable=False)
            layout.write_config(tree, hyperparameters, list(channels))
            env = layout.training_environment(
                tree,
                hyperparameters=hyperparameters,
                channels=list(channels),
                entry_point=user_entry,
                job_name=f"local-{run_id}",
            )
            interpreter = [self.python] if user_entry.endswith(".py") else ["/bin/sh"]
            argv = [*interpreter, str(tree.code / user_entry), *layout.cmd_args(hyperparameters)]
            process = self._spawn(
                run_id, entry, argv, tree.code, self._child_env(env, tree.code), log_path
            )
            if process is not None:
                try:
                    exit_code = process.wait(options["max_runtime_seconds"])
                except subprocess.TimeoutExpired:
                    _kill_group(process, self.stop_grace)
                    exit_code = process.returncode
                    reason = (
                        f"MaxRuntimeInSeconds of {options['max_runtime_seconds']} s exceeded: "
                        "the script was stopped"
                    )
            if entry.stop_requested:
                status, reason = STOPPED, entry.stop_reason
            elif reason is not None:
                status = FAILED
            elif exit_code != 0:
                status, reason = FAILED, self._failure_reason(tree, exit_code, log_path)
            else:
                done = self._finish_training(run_id, principal, tree, hyperparameters, options)
                status = COMPLETED if "error" not in done.get("registered", {}) else FAILED
                if status == FAILED:
                    reason = done["registered"]["error"]
        except (OSError, StudioError) as e:
            status = STOPPED if entry.stop_requested else FAILED
            reason = f"could not run the script: {getattr(e, 'message', e)}"
        finally:
            self._end(run_id, status, reason, exit_code, done)

    def _end(self, run_id: str, status: str, reason: str | None, exit_code, done: dict) -> None:
        """Keep the log in the artifact store, record the final status, remove the tree."""
        base = self.root / run_id
        log_key = f"localruns/{run_id}/log.txt"
        try:
            with open(base / "log.txt", "rb") as log:
                self.artifacts.put(log_key, log)
        except FileNotFoundError:
            self.artifacts.put(log_key, b"")
        self._update(
            run_id,
            status=status,
            failure_reason=reason[:MAX_FAILURE] if reason else None,
            exit_code=exit_code,
            log_key=log_key,
            pid=None,
            ended_at=utcnow(),
            **done,
        )
        _remove_tree(base)

    @staticmethod
    def _failure_reason(tree: layout.OptML, exit_code: int, log_path: Path) -> str:
        """``output/failure`` as SageMaker shows it, else the exit status and the last line."""
        try:
            text = tree.failure.read_text(errors="replace").strip()
        except OSError:
            text = ""
        if text:
            return text
        last = _tail(log_path, 1)
        return f"the script exited with status {exit_code}" + (f": {last}" if last else "")

    def _finish_training(self, run_id, principal, tree, hyperparameters, options) -> dict:
        """Pack ``model/`` (and ``output/data``) into the artifact store; register if asked."""
        model = _pack_gz(tree.model)
        model_key = f"localruns/{run_id}/model.tar.gz"
        info = self.artifacts.put(model_key, model, metadata={"run": run_id})
        output_key = f"localruns/{run_id}/output.tar.gz"
        self.artifacts.put(output_key, _pack_gz(tree.output_data), metadata={"run": run_id})
        done: dict[str, Any] = {
            "model_key": model_key,
            "options": {
                "model_digest": info.digest,
                "model_size": info.size,
                "output_key": output_key,
            },
        }
        spec = options.get("register")
        if spec:
            done.update(self._register(run_id, principal, tree, model, hyperparameters, spec))
        return done

    def _register(self, run_id, principal, tree, model: bytes, hyperparameters, spec) -> dict:
        """Register the packed model in the registry through the group's quality gate."""
        try:
            metrics = spec.get("metrics")
            if metrics is None:
                metrics = self._metrics_file(tree, spec["metrics_file"])
            upload = self.registry.upload(principal, model)
            version = self.registry.register_version(
                principal,
                spec["group"],
                {
                    "artifact": {"upload_id": upload["upload_id"]},
                    "metrics": metrics,
                    "hyperparameters": hyperparameters,
                    "description": spec.get("description", ""),
                    "framework": spec.get("framework", ""),
                    "tags": {"local_run": run_id},
                },
            )
        except StudioError as e:
            registered = {"group": spec["group"], "error": f"registration failed: {e.message}"}
            if hasattr(e, "failures"):
                registered["failures"] = e.failures
            return {"registered": registered}
        return {
            "registered": {
                "group": version["group"],
                "version": version["version"],
                "status": version["status"],
                "gate": version["gate"],
            },
            "model_version_id": f"{version['group']}/{version['version']}",
        }

    @staticmethod
    def _metrics_file(tree: layout.OptML, name: str) -> dict:
        path = tree.output_data / name
        if not path.is_file():
            return {}
        try:
            data = json.loads(path.read_text())
        except (ValueError, OSError) as e:
            raise InvalidInput(f"output/data/{name} is not JSON: {e}", "invalid-metrics") from None
        return rv.metrics(data)

    def get_run(self, principal: Principal, run_id: Any) -> dict:
        check_persona(principal, "localrun:use")
        with self.db.session() as s:
            return self._run_json(self._row(s, principal, run_id, TRAINING))

    def list_runs(
        self, principal: Principal, kind: str = TRAINING, limit: int = 100, after: Any = None
    ) -> tuple[list[dict], str | None]:
        """Runs (or endpoints) of the spaces the user may use, newest first."""
        check_persona(principal, "localrun:use")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"limit must be an integer 1-{MAX_PAGE}", reason="invalid-limit")
        query = select(LocalRunRow).where(LocalRunRow.kind == kind)
        if not principal.is_admin:
            roles = self.spaces.roles_of(principal.username)
            usable = [name for name, role in roles.items() if role in ("editor", "owner")]
            query = query.where(LocalRunRow.space.in_(usable))
        with self.db.session() as s:
            if after is not None:
                valid = isinstance(after, str) and RUN_ID.match(after)
                cursor = s.get(LocalRunRow, after) if valid else None
                if cursor is None:
                    raise InvalidInput("invalid cursor", reason="invalid-cursor")
                query = query.where(
                    or_(
                        LocalRunRow.created_at < cursor.created_at,
                        and_(
                            LocalRunRow.created_at == cursor.created_at,
                            LocalRunRow.id < cursor.id,
                        ),
                    )
                )
            rows = s.scalars(
                query.order_by(LocalRunRow.created_at.desc(), LocalRunRow.id.desc()).limit(
                    limit + 1
                )
            ).all()
            items = [self._run_json(r) for r in rows[:limit]]
        return items, (items[-1]["id"] if len(rows) > limit else None)

    def logs(self, principal: Principal, run_id: Any, offset: int = 0) -> dict:
        """The run's output from byte ``offset``: ``{text, offset (next), complete}``; while the
        run is active only whole lines are returned."""
        check_persona(principal, "localrun:use")
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise InvalidInput("offset must be a non-negative integer", reason="invalid-offset")
        with self.db.session() as s:
            row = self._row(s, principal, run_id, TRAINING)
            rid, status, log_key = row.id, row.status, row.log_key
        complete = status not in ACTIVE and log_key is not None
        if complete:
            data = self.artifacts.get(log_key)[offset : offset + LOG_CHUNK]
        else:
            try:
                with open(self.root / rid / "log.txt", "rb") as f:
                    f.seek(offset)
                    data = f.read(LOG_CHUNK)
            except OSError:
                data = b""
            data = data[: data.rfind(b"\n") + 1]
        more = complete and len(data) == LOG_CHUNK
        return {
            "text": data.decode(errors="replace"),
            "offset": offset + len(data),
            "complete": complete and not more,
            "status": status,
        }

    def stop_run(self, principal: Principal, run_id: Any) -> dict:
        return self._stop(principal, run_id, TRAINING)

    def _stop(self, principal: Principal, run_id: Any, kind: str) -> dict:
        check_persona(principal, "localrun:use")
        with self.db.session() as s:
            row = self._row(s, principal, run_id, kind)
            if row.status not in ACTIVE:
                raise Conflict(f"{run_id} has already ended ({row.status})", reason="not-active")
        with self._lock:
            entry = self._active.get(run_id)
            if entry is None:
                raise Conflict(f"{run_id} is not running on this server", reason="not-active")
            entry.stop_requested = True
        if entry.process is not None:
            _kill_group(entry.process, self.stop_grace)
        entry.done.wait(self.stop_grace + 30)
        with self.db.session() as s:
            return self._run_json(s.get(LocalRunRow, run_id))

    # -- serving ---------------------------------------------------------------------------------
    def start_endpoint(self, principal: Principal, body: Any) -> dict:
        """Validate, record the endpoint ``Creating`` and start its predictor in the background."""
        check_persona(principal, "localrun:use")
        body = v.require_dict(body)
        v.reject_unknown(body, SERVE_FIELDS)
        given = [k for k in ("run_id", "model_path") if body.get(k) is not None]
        if len(given) != 1:
            raise InvalidInput("give exactly one of run_id, model_path", reason="missing-field")
        if given == ["run_id"]:
            run_id = body["run_id"]
            with self.db.session() as s:
                run = self._row(s, principal, run_id, TRAINING)
                if run.status != COMPLETED or not run.model_key:
                    raise Conflict(f"run {run_id} has no model ({run.status})", "no-model")
                model = {"run_id": run.id, "key": run.model_key}
                space = run.space
        else:
            path = self._space_path(principal, body["model_path"], "model_path", "any")
            if path.full.is_file() and not tarfile.is_tarfile(path.full):
                raise InvalidInput("model_path must be a folder or a tar archive", "invalid-model")
            model, space = {"model_path": path.api_path}, path.space
        entry = source = None
        if body.get("entry_point") is not None:
            entry = self._space_path(principal, body["entry_point"], "entry_point", "file")
            if entry.full.suffix != ".py":
                raise InvalidInput("entry_point must be a .py script", "invalid-entry-point")
            space = entry.space
        if body.get("source_dir") is not None:
            if entry is None:
                raise InvalidInput("source_dir needs an entry_point", reason="missing-field")
            source = self._space_path(principal, body["source_dir"], "source_dir", "dir")
            if not (entry.api_path + "/").startswith(source.api_path + "/"):
                raise InvalidInput("entry_point must be inside source_dir", "invalid-entry-point")
        workers = v.optional_int(body.get("workers"), "workers", 1, 8) or 1
        endpoint_id = secrets.token_hex(16)
        row = LocalRunRow(
            id=endpoint_id,
            kind=SERVING,
            space=space,
            entry_point=entry.api_path if entry else "",
            status=CREATING,
            hyperparameters={},
            channels={},
            options={
                "host": self.host,
                "model": {k: x for k, x in model.items() if k != "key"},
                "source_dir": source.api_path if source else None,
                "workers": workers,
            },
            created_by=principal.username,
        )
        return self._launch(row, self._serve, model, entry, source, workers)

    def _serve(self, endpoint_id, entry: _Active, model, script, source, workers) -> None:
        base = self.root / endpoint_id
        log_path = base / "log.txt"
        tree = layout.OptML(base / "opt" / "ml")
        tree.model.mkdir(parents=True)
        tree.code.mkdir(parents=True)
        log_path.touch()
        status, reason, exit_code = FAILED, None, None
        try:
            if "key" in model:
                _unpack(self.artifacts.open(model["key"]), tree.model)
            else:
                full = self.paths.root_dir / model["model_path"]
                if full.is_dir():
                    _copy(full, tree.model)
                else:
                    _unpack(open(full, "rb"), tree.model)
            program = ""
            if source is not None:
                _copy(source.full, tree.code)
                program = script.api_path[len(source.api_path) + 1 :]
            elif script is not None:
                _copy(script.full, tree.code / script.full.name)
                program = script.full.name
            port = _free_port()
            env = self._child_env(
                {
                    "SM_MODEL_DIR": str(tree.model),
                    "SAGEMAKER_PROGRAM": program,
                    "SAGEMAKER_SUBMIT_DIRECTORY": str(tree.code),
                    "SAGEMAKER_BIND_TO_PORT": str(port),
                    ENDPOINT_MARK: endpoint_id,
                },
                tree.code,
            )
            argv = [
                self.python,
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                str(int(self.invoke_timeout)),
                "--graceful-timeout",
                str(int(self.stop_grace)),
                "--access-logfile",
                "-",
                PREDICTOR_APP,
            ]
            process = self._spawn(endpoint_id, entry, argv, tree.code, env, log_path)
            if process is not None and self._wait_ready(process, port, entry):
                self._update(endpoint_id, status=IN_SERVICE, port=port)
                exit_code = process.wait()
            elif process is not None:
                _kill_group(process, self.stop_grace)
                exit_code = process.returncode
                if not entry.stop_requested:
                    reason = "the predictor did not answer /ping within "
                    reason += f"{self.ping_timeout:g} s" if exit_code is None else "its start"
                    reason = f"{reason} (exit status {exit_code}):\n{_tail(log_path)}"
            if entry.stop_requested:
                status, reason = STOPPED, entry.stop_reason
            elif reason is None:
                reason = f"the predictor exited with status {exit_code}:\n{_tail(log_path)}"
        except (OSError, StudioError) as e:
            status = STOPPED if entry.stop_requested else FAILED
            reason = f"could not start the predictor: {getattr(e, 'message', e)}"
        finally:
            self._end(endpoint_id, status, reason, exit_code, {})

    def _wait_ready(self, process: subprocess.Popen, port: int, entry: _Active) -> bool:
        deadline = time.monotonic() + self.ping_timeout
        while time.monotonic() < deadline and not entry.stop_requested:
            if process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=5) as r:
                    if r.status == 200:
                        return True
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.1)
        return False

    def get_endpoint(self, principal: Principal, endpoint_id: Any) -> dict:
        check_persona(principal, "localrun:use")
        with self.db.session() as s:
            return self._run_json(self._row(s, principal, endpoint_id, SERVING))

    def stop_endpoint(self, principal: Principal, endpoint_id: Any) -> dict:
        return self._stop(principal, endpoint_id, SERVING)

    def invoke(
        self,
        principal: Principal,
        endpoint_id: Any,
        body: bytes,
        content_type: str | None,
        accept: str | None,
    ) -> tuple[bytes, str]:
        """Send one request to the endpoint's ``/invocations``: (body, content type)."""
        check_persona(principal, "localrun:use")
        with self.db.session() as s:
            row = self._row(s, principal, endpoint_id, SERVING)
            status, port = row.status, row.port
        if status != IN_SERVICE or not port:
            raise Conflict(f"endpoint {endpoint_id} is {status}, not InService", "not-in-service")
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/invocations", data=body, method="POST"
        )
        request.add_header("Content-Type", content_type or "application/json")
        request.add_header("Accept", accept or "*/*")
        try:
            with urllib.request.urlopen(request, timeout=self.invoke_timeout) as r:
                return r.read(), r.headers.get("Content-Type", "application/octet-stream")
        except urllib.error.HTTPError as e:
            text = e.read()[:2000].decode(errors="replace")
            raise ModelError(f"the model answered {e.code}: {text}") from None
        except (OSError, urllib.error.URLError) as e:
            raise Conflict(f"endpoint {endpoint_id} did not answer: {e}", "not-answering") from None
