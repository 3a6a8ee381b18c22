"""Co-editing one notebook: the studio against plain jupyter-collaboration, in one run.

Two servers are measured the same way, one after the other:

* ``studio``: ``python -m jupyter_server`` with the studio extension (users, a shared space
  ``bench``, one token per user), notebook at ``spaces/bench/bench.ipynb``; its update store is
  ``<data_dir>/collaboration/ystore.db``;
* ``anchor``: the same command with ``jpserver_extensions={"jupyter_mlops_studio": false}``
  (plain JupyterLab + jupyter-collaboration; checked by a request to a studio route, which must
  404), the server token for every client, the same relative notebook path under its root, its
  update store at ``--SQLiteYStore.db_path=<tmp>/ystore.db``.

Both get ``--YDocExtension.document_save_delay`` (0.5 s) and log at the default INFO level. The
server is pinned to one core and this process (every client, one asyncio loop) to another when
the machine has two or more (``os.sched_setaffinity``); the placement is in the JSON.

Clients speak the wire protocol only, as a browser does: ``PUT /api/collaboration/session/<path>``,
then the websocket ``/api/collaboration/room/json:notebook:<fileId>?sessionId=...`` with
``Authorization: token ...``; sync step 1, apply what the server sends, send only their own edits
(never echo what they received; ``pycrdt.Provider`` does echo, so it is not used). TCP_NODELAY
is set on every client socket (read back and reported). Client ``i`` appends tokens
``c<i>e<k>;`` to cell ``i`` of the notebook; a token is *seen* by a client when a message
carrying it has been applied to that client's document (the token is found in the message's
bytes: Y updates carry inserted strings verbatim). All times are ``time.perf_counter`` in this
process, so senders and receivers share one clock.

For each number of clients N (``--clients``, default 2,10,50), two fresh servers:

1. *SIGTERM run*: a warm-up room is opened and closed (one-time initialisation), then server RSS
   (VmRSS) before and with the bench room open by N clients; **propagation**: one edit at a time,
   round-robin across clients, each waited for until every other client saw it (p50/p99);
   **load**: every client makes 20 edits/s for ``--load-seconds`` (10 s), then at most
   ``--drain-seconds`` (30 s) of waiting for delivery: edits/s delivered to every other client,
   p50/p99 of what arrived, what never arrived; **convergence**: every client's notebook equal
   and holding every edit; **saved file**: the .ipynb on disk read until it equals the expected
   notebook (or a timeout); then a short tail of the same load (``--kill-tail-seconds``) and
   SIGTERM while it is in flight, clients still connected. The server gets ``--term-wait``
   (15 s) to exit and is then killed; the JSON says which happened and gives the server's log
   lines from the signal on (with clients connected, the anchor's shutdown stopped after
   "Deleting all rooms." and had not finished 120 s later in a trial). The store is read back
   (below).
2. *SIGKILL run*: N clients, the same load, SIGKILL at the end of the offered load (no drain).

Store check: an edit is *acknowledged* when another client received it. After the server
process has exited, its SQLite store (``yupdates`` rows, and ``ycheckpoints`` if any, whose path
holds the document's fileId) is applied into a fresh ``pycrdt.Doc``, and the acknowledged
tokens found in the rebuilt cells are counted.

Opening a big notebook (2,000 cells, about 5 MB on disk) on its own server: time from the
session PUT to the client's document synced and holding every cell, for a first and a second
client.

The client process's CPU share during the load is reported (``client_process_saturated`` when
it is at or above 90 % of its core): past that, latencies include time the clients themselves
spent queueing. Other processes on the machine are not controlled; the load average is in the
JSON at the start, at the end and at each server start.

Goals are printed next to the figures with met / not met (``null`` when not measured at the
size the goal names, e.g. in a ``--quick`` run). The anchor is known to fall behind
under load; every wait is bounded, so the run ends (about 10 minutes for both servers on a
2-core machine).

    python benchmarks/coedit.py --out /tmp/coedit.json
    python benchmarks/coedit.py --quick                 # a short smoke run (2 and 5 clients)
    python benchmarks/coedit.py --only studio --clients 2,10 --load-seconds 5
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import nbformat
from _server import free_port, server_command
from jupyter_ydoc import YNotebook
from pycrdt import Doc, create_sync_message, create_update_message, handle_sync_message
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import WebSocketClosedError, websocket_connect

TOKEN = "coedit-bench-token"
API = "/mlops-studio/api/v1"
SPACE = "bench"
BENCH_PATH = f"spaces/{SPACE}/bench.ipynb"
WARMUP_PATH = f"spaces/{SPACE}/warmup.ipynb"
BIG_PATH = f"spaces/{SPACE}/big.ipynb"
SAVE_DELAY = 0.5
EDIT_RATE = 20.0  # edits per second per client under load
TOKEN_RE = re.compile(rb"c(\d+)e(\d+);")
TOKEN_STR_RE = re.compile(r"c(\d+)e(\d+);")
SYNC, SYNC_STEP2 = 0, 1
MIB = 1024 * 1024

GOAL_PROP_SMALL_MS = 10.0  # 2 and 10 clients
GOAL_PROP_LARGE_MS = 30.0  # 50 clients
GOAL_LOAD_P99_MS = 250.0
GOAL_LOAD_CLIENTS = 50
GOAL_OPEN_S = 1.5


def log(msg: str) -> None:
    print(f"[coedit-bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def summary_ms(samples: list[float]) -> dict:
    if not samples:
        return {"n": 0, "p50_ms": None, "p99_ms": None, "max_ms": None, "mean_ms": None}
    ms = sorted(s * 1000 for s in samples)
    p99 = statistics.quantiles(ms, n=100, method="inclusive")[98] if len(ms) > 1 else ms[0]
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 3),
        "p99_ms": round(p99, 3),
        "max_ms": round(ms[-1], 3),
        "mean_ms": round(statistics.fmean(ms), 3),
    }


def mib(n: float | None) -> float | None:
    return None if n is None else round(n / MIB, 2)


def vm_rss(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None


def proc_cpu_seconds(pid: int) -> float | None:
    """user + system time of a process (all its threads)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


# -- notebooks -------------------------------------------------------------------------------


def bench_notebook(n_cells: int) -> nbformat.NotebookNode:
    cells = [nbformat.v4.new_code_cell("", id=f"cell-{i}") for i in range(n_cells)]
    return nbformat.v4.new_notebook(cells=cells)


def big_notebook(n_cells: int, target_bytes: int) -> tuple[str, int]:
    """A notebook of ``n_cells`` code cells with a stream output each, about ``target_bytes``."""

    def build(line_count: int, pad: int) -> str:
        cells = []
        for i in range(n_cells):
            lines = [
                f"value_{i}_{j} = compute_feature(frame, column='col_{j}', window={j + 3})"
                for j in range(line_count)
            ]
            if pad > 0:
                lines.append("# " + "x" * pad)
            text = "".join(
                f"step {j}: loss=0.{(i * 7919 + j) % 10000:04d}\n" for j in range(line_count)
            )
            output = nbformat.v4.new_output("stream", name="stdout", text=text)
            cells.append(
                nbformat.v4.new_code_cell(
                    "\n".join(lines), id=f"big-{i}", execution_count=i + 1, outputs=[output]
                )
            )
        return nbformat.writes(nbformat.v4.new_notebook(cells=cells))

    probe = len(build(10, 0).encode())
    lines = max(1, int(10 * target_bytes / probe))
    size = len(build(lines, 0).encode())
    pad = max(0, (target_bytes - size) // n_cells - 8)
    text = build(lines, pad)
    assert not TOKEN_RE.search(text.encode())
    return text, n_cells


# -- servers ---------------------------------------------------------------------------------


class Server:
    """A Jupyter server process: the studio or the anchor, in its own temporary directory."""

    def __init__(self, kind: str, workdir: Path, label: str, cpus: set[int] | None):
        self.kind, self.workdir, self.label, self.cpus = kind, workdir, label, cpus
        self.root = workdir / "root"
        self.data = workdir / "studio-data"
        self.log_path = workdir / "server.log"
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self.exit: dict = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def ystore_path(self) -> Path:
        if self.kind == "studio":
            return self.data / "collaboration" / "ystore.db"
        return self.workdir / "ystore.db"

    def command(self) -> list[str]:
        studio = self.kind == "studio"
        extra = [f"--YDocExtension.document_save_delay={SAVE_DELAY}"]
        if studio:
            extra.append(f"--StudioApp.db_url=sqlite:///{self.data / 'studio.db'}")
        else:
            extra.append(f"--SQLiteYStore.db_path={self.ystore_path}")
        data = self.data if studio else None
        return server_command(
            self.port, self.root, studio=studio, data=data, token=TOKEN, extra=extra
        )

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        env = {
            **os.environ,
            "JUPYTER_RUNTIME_DIR": str(self.workdir / "runtime"),
            "JUPYTER_CONFIG_DIR": str(self.workdir / "config"),
            "JUPYTER_DATA_DIR": str(self.workdir / "jupyter-data"),
        }
        cpus = self.cpus

        def pin() -> None:
            if cpus:
                os.sched_setaffinity(0, cpus)

        log_file = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            self.command(),
            cwd=self.workdir,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            preexec_fn=pin,
        )
        log_file.close()
        import urllib.request

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.label}: server exited with {self.proc.returncode}")
            try:
                req = urllib.request.Request(
                    f"{self.url}/api/status", headers={"Authorization": f"token {TOKEN}"}
                )
                with urllib.request.urlopen(req, timeout=2):
                    self.start_seconds = round(time.perf_counter() - t0, 2)
                    return
            except OSError:
                time.sleep(0.1)
        raise TimeoutError(f"{self.label}: server did not answer")

    def affinity(self) -> list[int] | None:
        try:
            return sorted(os.sched_getaffinity(self.pid))
        except OSError:
            return None

    def rss(self) -> int | None:
        return vm_rss(self.pid)

    def cpu(self) -> float | None:
        return proc_cpu_seconds(self.pid)

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> dict:
        """Send ``sig`` and wait for the process to exit (SIGKILL after ``timeout``)."""
        if self.proc is None or self.proc.poll() is not None:
            return self.exit
        t0 = time.perf_counter()
        self.proc.send_signal(sig)
        deadline = t0 + timeout
        while self.proc.poll() is None and time.perf_counter() < deadline:
            await asyncio.sleep(0.02)
        forced = False
        if self.proc.poll() is None:
            forced = True
            self.proc.kill()
            self.proc.wait()
        self.exit = {
            "signal": signal.Signals(sig).name,
            "exit_seconds": round(time.perf_counter() - t0, 3),
            "returncode": self.proc.returncode,
            "killed_after_timeout": forced,
        }
        return self.exit

    def kill_now(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def log_after_signal(self) -> list[str]:
        """The log's last lines from the one saying that a signal was received."""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return []
        marks = [i for i, line in enumerate(lines) if "received signal" in line]
        return [line[:300] for line in lines[marks[-1] :][:8]] if marks else []

    def log_problems(self) -> dict:
        """Errors, warnings and tracebacks in the server's log (INFO level)."""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return {"log_lines": 0}
        errors, warnings, tracebacks, samples = 0, 0, 0, []
        for i, line in enumerate(lines):
            kind = None
            if line.startswith("[E ") or " ERROR " in line or line.startswith("ERROR"):
                errors += 1
                kind = "E"
            elif line.startswith("[W ") or line.startswith("WARNING"):
                warnings += 1
                kind = "W"
            if line.startswith("Traceback"):
                tracebacks += 1
                tail = [x for x in lines[i + 1 : i + 40] if x and not x.startswith(" ")]
                samples.append(("T", "Traceback ... " + (tail[0] if tail else "")[:300]))
            elif kind:
                samples.append((kind, line[:300]))
        unique: list[str] = []
        for _, text in sorted(samples, key=lambda s: "ETW".index(s[0])):
            key = re.sub(r"^\[\w \S+ \S+ ", "[", text)
            if key not in unique:
                unique.append(key)
        return {
            "log_lines": len(lines),
            "errors": errors,
            "warnings": warnings,
            "tracebacks": tracebacks,
            "samples": unique[:12],
        }


async def http(server: Server, method: str, path: str, token: str = TOKEN, body=None):
    data = None if body is None else json.dumps(body).encode()
    if data is None and method in ("POST", "PUT", "PATCH"):
        data = b"{}"
    req = HTTPRequest(
        server.url + path,
        method=method,
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        body=data,
        request_timeout=120,
    )
    resp = await AsyncHTTPClient().fetch(req, raise_error=False)
    payload = None
    if resp.body:
        try:
            payload = json.loads(resp.body)
        except ValueError:
            payload = resp.body[:300]
    return resp.code, payload


async def checked(server: Server, method: str, path: str, token: str = TOKEN, body=None):
    code, payload = await http(server, method, path, token, body)
    if code >= 300:
        raise RuntimeError(f"{server.label}: {method} {path} -> {code} {payload!r}")
    return payload


async def prepare(server: Server, n_users: int) -> tuple[list[str], dict]:
    """Users, tokens and the shared space (studio) or the plain directory (anchor)."""
    code, _ = await http(server, "GET", f"{API}/me")
    check = {"studio_route": f"GET {API}/me", "status": code}
    if server.kind == "anchor":
        if code != 404:
            raise RuntimeError(f"the anchor answers the studio's route with {code}, not 404")
        (server.root / "spaces" / SPACE).mkdir(parents=True, exist_ok=True)
        return [TOKEN] * n_users, check
    if code != 200:
        raise RuntimeError(f"the studio answers {API}/me with {code}")
    tokens = []
    for i in range(n_users):
        await checked(
            server,
            "POST",
            f"{API}/users",
            body={"username": f"u{i}", "personas": ["data-scientist"]},
        )
        new = await checked(server, "POST", f"{API}/users/u{i}/tokens", body={"description": "b"})
        tokens.append(new["token"])
    await checked(server, "POST", f"{API}/spaces", tokens[0], {"name": SPACE, "sharing": "shared"})
    for i in range(1, n_users):
        await checked(
            server, "PUT", f"{API}/spaces/{SPACE}/members/u{i}", tokens[0], {"role": "editor"}
        )
    if not (server.root / "spaces" / SPACE).is_dir():
        raise RuntimeError("the shared space has no directory under the server root")
    return tokens, check


def write_notebook(server: Server, rel: str, text: str) -> None:
    path = server.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


# -- clients ---------------------------------------------------------------------------------


def _retrieve(fut) -> None:
    if not fut.cancelled():
        fut.exception()


class Room:
    """The clients of one notebook room and the edits they made.

    ``edits[j][k]`` is edit ``k`` of client ``j``: [sent at, receivers still to see it,
    seen by the last receiver at, seen by the first receiver at].
    """

    def __init__(self, n: int):
        self.n = n
        self.clients: list[Client] = []
        self.edits: list[list[list]] = [[] for _ in range(n)]
        self.delivered = 0  # edits seen by every other client
        self.waiting: list | None = None
        self.wake = asyncio.Event()
        self.messages = 0
        self.message_cpu = 0.0
        self.errors: list[str] = []

    def made(self) -> int:
        return sum(len(e) for e in self.edits)

    def close(self) -> None:
        for c in self.clients:
            c.close()


class Client:
    def __init__(self, room: Room | None, idx: int, token: str):
        self.room, self.idx, self.token = room, idx, token
        self.doc = Doc()
        self.notebook = YNotebook(ydoc=self.doc)
        self.cells = self.notebook.ycells
        self.doc.observe(self._on_change)
        self.applying = False
        self.got_step2 = False
        self.ready = asyncio.Event()
        self.expect_cells = 0
        self.ws = None
        self.closed = False
        self.own = None
        self.next_seq = 0
        self.seen: list[int] = [-1] * (room.n if room else 0)
        self.nodelay: bool | None = None
        self.file_id = ""

    async def open(self, server: Server, path: str, expect_cells: int, timeout: float = 60):
        t0 = time.perf_counter()
        session = await checked(
            server,
            "PUT",
            f"/api/collaboration/session/{path}",
            self.token,
            {"format": "json", "type": "notebook"},
        )
        t_put = time.perf_counter()
        self.file_id = session["fileId"]
        url = (
            f"ws://127.0.0.1:{server.port}/api/collaboration/room/"
            f"json:notebook:{self.file_id}?sessionId={session['sessionId']}"
        )
        self.expect_cells = expect_cells
        self.ws = await websocket_connect(
            HTTPRequest(url, headers={"Authorization": f"token {self.token}"}),
            on_message_callback=self._on_message,
            max_message_size=1024 * MIB,
        )
        self.ws.protocol.set_nodelay(True)
        sock = self.ws.protocol.stream.socket
        self.nodelay = bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        t_ws = time.perf_counter()
        self._write(create_sync_message(self.doc))
        await asyncio.wait_for(self.ready.wait(), timeout)
        t_ready = time.perf_counter()
        if self.room is not None:
            self.own = self.cells[self.idx]["source"]
        return {
            "session_put_s": t_put - t0,
            "websocket_s": t_ws - t_put,
            "total_s": t_ready - t0,
        }

    def close(self) -> None:
        if self.ws is not None and not self.closed:
            self.closed = True
            self.ws.close()

    def _write(self, data: bytes) -> None:
        if self.closed or self.ws is None:
            return
        try:
            self.ws.write_message(data, binary=True).add_done_callback(_retrieve)
        except WebSocketClosedError:
            self.closed = True

    def _on_change(self, event) -> None:
        if not self.applying:  # only this client's own edits go out
            self._write(create_update_message(event.update))

    def edit(self) -> list:
        """Append this client's next token to its own cell; returns the edit's record."""
        room = self.room
        k = self.next_seq
        self.next_seq += 1
        record = [time.perf_counter(), room.n - 1, None, None]
        room.edits[self.idx].append(record)
        self.own.insert(len(self.own), f"c{self.idx}e{k};")
        return record

    def _on_message(self, message) -> None:
        if message is None:
            self.closed = True
            return
        if isinstance(message, str) or len(message) < 2 or message[0] != SYNC:
            return  # awareness and other messages
        t_in = time.perf_counter()
        self.applying = True
        try:
            reply = handle_sync_message(message[1:], self.doc)
        except Exception as e:  # reported, the client goes on
            if self.room is not None and len(self.room.errors) < 20:
                self.room.errors.append(f"client {self.idx}: {e!r}")
            return
        finally:
            self.applying = False
        if reply is not None:
            self._write(reply)
        if message[1] == SYNC_STEP2:
            self.got_step2 = True
        if not self.ready.is_set() and self.got_step2 and len(self.cells) >= self.expect_cells:
            self.ready.set()
        room = self.room
        if room is None:
            return
        t = time.perf_counter()
        found = TOKEN_RE.findall(message)
        if found:
            edits, seen, me, n = room.edits, self.seen, self.idx, room.n
            for j, k in sorted((int(a), int(b)) for a, b in found):
                if j == me or j >= n or k <= seen[j] or k >= len(edits[j]):
                    continue
                seen[j] = k
                record = edits[j][k]
                if record[3] is None:
                    record[3] = t
                record[1] -= 1
                if record[1] == 0:
                    record[2] = t
                    room.delivered += 1
                    if record is room.waiting:
                        room.wake.set()
        room.messages += 1
        room.message_cpu += time.perf_counter() - t_in


async def connect_room(server: Server, tokens: list[str], n: int, path: str) -> tuple[Room, dict]:
    room = Room(n)
    timings = []
    t0 = time.perf_counter()
    for i in range(n):
        client = Client(room, i, tokens[i])
        room.clients.append(client)
        timings.append((await client.open(server, path, n))["total_s"])
    return room, {
        "all_clients_seconds": round(time.perf_counter() - t0, 3),
        "per_client": summary_ms(timings),
        "client_tcp_nodelay": all(c.nodelay for c in room.clients),
    }


# -- phases ----------------------------------------------------------------------------------


async def propagation(
    room: Room, count: int, gap: float, timeout: float = 5.0, budget: float = 90.0
) -> dict:
    """One edit at a time, round-robin, each until every other client saw it (or ``timeout``);
    the phase stops early after ``budget`` seconds."""
    latencies, timeouts, made = [], 0, 0
    stop_at = time.perf_counter() + budget
    m0, c0 = room.messages, room.message_cpu
    for e in range(count):
        if time.perf_counter() > stop_at:
            break
        made += 1
        room.wake.clear()
        record = room.clients[e % room.n].edit()
        room.waiting = record
        try:
            await asyncio.wait_for(room.wake.wait(), timeout)
        except asyncio.TimeoutError:
            timeouts += 1
        room.waiting = None
        if record[2] is not None:
            latencies.append(record[2] - record[0])
        await asyncio.sleep(gap)
    messages = room.messages - m0
    return {
        "edits": made,
        "stopped_early_after_budget_s": budget if made < count else None,
        "gap_between_edits_ms": gap * 1000,
        **summary_ms(latencies),
        "not_seen_by_all_within_5s": timeouts,
        "client_cpu_us_per_message": round((room.message_cpu - c0) / messages * 1e6, 1)
        if messages
        else None,
    }


async def offer(room: Room, seconds: float, rate: float) -> dict:
    """Every client makes ``rate`` edits/s for ``seconds``, round-robin, evenly spaced."""
    n = room.n
    interval = 1.0 / (rate * n)
    total = round(seconds * rate * n)
    made, max_lag = 0, 0.0
    t0 = time.perf_counter()
    while made < total:
        now = time.perf_counter()
        due = min(total, int((now - t0) / interval) + 1)
        if due > made:
            max_lag = max(max_lag, now - (t0 + made * interval))
        while made < due:
            room.clients[made % n].edit()
            made += 1
        if made < total:
            await asyncio.sleep(max(0.0, t0 + made * interval - time.perf_counter()))
    t1 = time.perf_counter()
    return {"t0": t0, "t1": t1, "made": made, "max_lag_s": max_lag}


def edits_between(room: Room, t0: float, t1: float) -> list[list]:
    return [r for per in room.edits for r in per if t0 <= r[0] <= t1]


class GCPauses:
    """The client process's garbage-collection pauses while it measures (they delay what it
    sees as much as a slow server would): counted, and kept short by freezing what was built
    before the measure (the same for both servers)."""

    def __init__(self):
        self.pauses: list[float] = []
        self._started = 0.0

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append(time.perf_counter() - self._started)

    def __enter__(self) -> GCPauses:
        gc.collect()
        gc.freeze()
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc) -> None:
        gc.callbacks.remove(self._callback)
        gc.unfreeze()

    def summary(self) -> dict:
        return {
            "collections": len(self.pauses),
            "max_ms": round(max(self.pauses, default=0) * 1000, 2),
            "total_ms": round(sum(self.pauses) * 1000, 1),
        }


async def load(server: Server, room: Room, seconds: float, drain: float) -> dict:
    with GCPauses() as pauses:
        out = await _load(server, room, seconds, drain)
    return {**out, "client_gc_pauses": pauses.summary()}


async def _load(server: Server, room: Room, seconds: float, drain: float) -> dict:
    cpu0, scpu0, m0 = time.process_time(), server.cpu(), room.messages
    offered = await offer(room, seconds, EDIT_RATE)
    t0, t1 = offered["t0"], offered["t1"]
    records = edits_between(room, t0, t1)
    target = len(records)
    deadline = t1 + drain
    while time.perf_counter() < deadline:
        if sum(1 for r in records if r[2] is not None) >= target:
            break
        await asyncio.sleep(0.05)
    t2 = time.perf_counter()
    cpu1, scpu1 = time.process_time(), server.cpu()
    delivered = [r for r in records if r[2] is not None]
    during = sum(1 for r in delivered if r[2] <= t1)
    last = max((r[2] for r in delivered), default=t1)
    wall = t2 - t0
    return {
        "clients": room.n,
        "offered_edits_per_s": round(EDIT_RATE * room.n, 1),
        "offer_seconds": round(t1 - t0, 3),
        "edits_made": target,
        "edits_made_per_s": round(target / (t1 - t0), 1),
        "max_send_lag_ms": round(offered["max_lag_s"] * 1000, 1),
        "delivered_to_all": len(delivered),
        "delivered_to_all_share": round(len(delivered) / target, 4) if target else None,
        "delivered_per_s_during_offer": round(during / (t1 - t0), 1),
        "delivered_per_s_until_last_delivery": round(len(delivered) / max(last - t0, 1e-9), 1),
        "backlog_at_end_of_offer": target - during,
        "undelivered_after_wait": target - len(delivered),
        "waited_after_offer_s": round(t2 - t1, 2),
        "delivered_in_full": len(delivered) == target,
        "latency_of_delivered": summary_ms([r[2] - r[0] for r in delivered]),
        "client_messages_received": room.messages - m0,
        "client_process_cpu_share": round((cpu1 - cpu0) / wall, 3),
        "client_process_saturated": (cpu1 - cpu0) / wall >= 0.9,
        "server_process_cpu_share": round((scpu1 - scpu0) / wall, 3)
        if scpu0 is not None and scpu1 is not None
        else None,
        "server_rss_after_mib": mib(server.rss()),
    }


def expected_sources(room: Room) -> list[str]:
    return ["".join(f"c{j}e{k};" for k in range(len(room.edits[j]))) for j in range(room.n)]


def tokens_in(texts) -> set[tuple[int, int]]:
    out = set()
    for text in texts:
        out.update((int(j), int(k)) for j, k in TOKEN_STR_RE.findall(text))
    return out


def convergence(room: Room) -> dict:
    expected = expected_sources(room)
    want = tokens_in(expected)
    first = None
    equal, complete, missing = True, 0, []
    for c in room.clients:
        state = json.dumps(c.notebook.get(), sort_keys=True)
        if first is None:
            first = state
        elif state != first:
            equal = False
        sources = [str(cell["source"]) for cell in c.cells]
        if sources == expected:
            complete += 1
        missing.append(len(want - tokens_in(sources)))
    return {
        "all_notebooks_equal": equal,
        "clients_holding_every_edit": complete,
        "clients": room.n,
        "converged": equal and complete == room.n,
        "edits_missing_per_client_max": max(missing, default=0),
        "client_errors": room.errors[:5],
    }


async def saved_file(server: Server, room: Room, rel: str, timeout: float) -> dict:
    expected = expected_sources(room)
    want = tokens_in(expected)
    path = server.root / rel
    t0 = time.perf_counter()
    sources: list[str] = []
    while True:
        try:
            sources = ["".join(c.source) for c in nbformat.read(path, 4).cells]
        except (OSError, ValueError):
            pass  # being written: read again
        if sources == expected or time.perf_counter() - t0 > timeout:
            break
        await asyncio.sleep(0.1)
    present = want & tokens_in(sources)
    return {
        "equals_expected_notebook": sources == expected,
        "seconds_until_equal": round(time.perf_counter() - t0, 2) if sources == expected else None,
        "edits_in_file": len(present),
        "edits_expected": len(want),
        "waited_at_most_s": timeout,
    }


def store_contents(db_path: Path, file_id: str) -> dict:
    """Apply every stored update of the document into a fresh Doc; the tokens in its cells."""
    out: dict = {"db_exists": db_path.exists()}
    if not db_path.exists():
        out["tokens"] = set()
        return out
    con = sqlite3.connect(db_path, timeout=30)
    try:
        rows = con.execute(
            "SELECT path, yupdate FROM yupdates WHERE instr(path, ?) > 0 ORDER BY timestamp, rowid",
            (file_id,),
        ).fetchall()
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        ckpts = []
        if "ycheckpoints" in tables:
            ckpts = con.execute(
                "SELECT path, checkpoint FROM ycheckpoints WHERE instr(path, ?) > 0", (file_id,)
            ).fetchall()
    finally:
        con.close()
    doc = Doc()
    errors = []
    for _, blob in [*ckpts, *rows]:
        try:
            doc.apply_update(blob)
        except Exception as e:
            errors.append(repr(e)[:200])
    sources = [str(cell["source"]) for cell in YNotebook(ydoc=doc).ycells]
    out.update(
        {
            "paths": sorted({r[0] for r in rows} | {r[0] for r in ckpts}),
            "update_rows": len(rows),
            "checkpoint_rows": len(ckpts),
            "apply_errors": errors[:5],
            "cells_rebuilt": len(sources),
            "tokens": tokens_in(sources),
        }
    )
    return out


async def kill_and_check_store(server: Server, room: Room, sig: int, wait_exit: float) -> dict:
    at_signal = sum(1 for per in room.edits for r in per if r[3] is not None)
    exit_info = await server.stop(sig, wait_exit)
    await asyncio.sleep(0.3)  # what was already in the client sockets is read
    room.close()
    made = {(j, k) for j in range(room.n) for k in range(len(room.edits[j]))}
    acked = {(j, k) for j in range(room.n) for k, r in enumerate(room.edits[j]) if r[3] is not None}
    store = store_contents(server.ystore_path, room.clients[0].file_id)
    tokens = store.pop("tokens")
    missing = acked - tokens
    return {
        **exit_info,
        "edits_made": len(made),
        "acknowledged_at_signal": at_signal,
        "acknowledged": len(acked),
        "acknowledged_in_store": len(acked & tokens),
        "acknowledged_missing": len(missing),
        "acknowledged_in_store_share": round(len(acked & tokens) / len(acked), 5)
        if acked
        else None,
        "made_in_store": len(made & tokens),
        "missing_sample": [f"c{j}e{k};" for j, k in sorted(missing)[:5]],
        "store": store,
    }


# -- runs --------------------------------------------------------------------------------------


async def open_room_and_rss(server: Server, tokens: list[str], n: int) -> tuple[Room, dict]:
    write_notebook(server, WARMUP_PATH, nbformat.writes(bench_notebook(1)))
    write_notebook(server, BENCH_PATH, nbformat.writes(bench_notebook(n)))
    rss0 = server.rss()
    warm = Client(None, 0, tokens[0])
    warm_open = await warm.open(server, WARMUP_PATH, 1)
    warm.close()
    await asyncio.sleep(1.0)
    rss_before = server.rss()
    room, connect = await connect_room(server, tokens, n, BENCH_PATH)
    await asyncio.sleep(1.0)
    rss_open = server.rss()
    return room, {
        "connect": connect,
        "rss": {
            "at_start_mib": mib(rss0),
            "warm_up_room_open_s": round(warm_open["total_s"], 3),
            "before_room_mib": mib(rss_before),
            "room_open_mib": mib(rss_open),
            "room_delta_mib": mib(rss_open - rss_before) if rss_open and rss_before else None,
        },
    }


@contextlib.asynccontextmanager
async def measured(server: Server, out: dict, logs: list, args):
    """One measure on its own server: an error is recorded in ``out`` (the run goes on), and
    the server is killed and its log kept whatever happened."""
    try:
        yield
    except Exception as e:
        out["error"] = f"{e!r}"
        out["traceback"] = traceback.format_exc()[-2000:]
        log(f"{server.label}: ERROR {e!r}")
    finally:
        server.kill_now()
        logs.append({"server": server.label, **server.log_problems()})
        keep_log(server, args)


async def sigterm_run(kind: str, n: int, args, tmp: Path, cpus, logs: list) -> dict:
    server = Server(kind, tmp / f"{kind}-n{n}-term", f"{kind} n={n} (SIGTERM run)", cpus)
    server.workdir.mkdir()
    out: dict = {}
    async with measured(server, out, logs, args):
        server.start()
        out["loadavg_at_start"] = os.getloadavg()
        out["server_start_s"] = server.start_seconds
        out["server_cpus"] = server.affinity()
        tokens, out["extension_check"] = await prepare(server, n)
        log(f"{server.label}: connecting {n} clients")
        room, opened = await open_room_and_rss(server, tokens, n)
        out.update(opened)
        log(f"{server.label}: propagation, {args.prop_edits} edits one at a time")
        out["propagation"] = await propagation(room, args.prop_edits, args.prop_gap)
        log(
            f"{server.label}: p50 {out['propagation']['p50_ms']} ms,"
            f" p99 {out['propagation']['p99_ms']} ms; load {EDIT_RATE:g} edits/s x {n} clients"
            f" for {args.load_seconds:g} s"
        )
        out["load"] = await load(server, room, args.load_seconds, args.drain_seconds)
        ld = out["load"]
        log(
            f"{server.label}: delivered {ld['delivered_to_all']}/{ld['edits_made']}"
            f" ({ld['delivered_per_s_during_offer']}/s during the offer),"
            f" p99 {ld['latency_of_delivered']['p99_ms']} ms; checking convergence and the file"
        )
        out["convergence"] = convergence(room)
        out["saved_file"] = await saved_file(server, room, BENCH_PATH, args.file_timeout)
        log(
            f"{server.label}: converged={out['convergence']['converged']},"
            f" file equal={out['saved_file']['equals_expected_notebook']};"
            f" {args.kill_tail_seconds:g} s more load, then SIGTERM"
        )
        tail = await offer(room, args.kill_tail_seconds, EDIT_RATE)
        out["store_after_sigterm"] = {
            "load_before_signal_s": round(tail["t1"] - tail["t0"], 2),
            **await kill_and_check_store(server, room, signal.SIGTERM, args.term_wait),
            "server_log_after_signal": server.log_after_signal(),
        }
        st = out["store_after_sigterm"]
        log(
            f"{server.label}: {st['acknowledged_in_store']}/{st['acknowledged']} acknowledged"
            f" edits in the store after SIGTERM"
        )
    return out


async def sigkill_run(kind: str, n: int, args, tmp: Path, cpus, logs: list) -> dict:
    server = Server(kind, tmp / f"{kind}-n{n}-kill", f"{kind} n={n} (SIGKILL run)", cpus)
    server.workdir.mkdir()
    out: dict = {}
    async with measured(server, out, logs, args):
        server.start()
        tokens, _ = await prepare(server, n)
        write_notebook(server, BENCH_PATH, nbformat.writes(bench_notebook(n)))
        room, _ = await connect_room(server, tokens, n, BENCH_PATH)
        log(f"{server.label}: load for {args.load_seconds:g} s, then SIGKILL")
        offered = await offer(room, args.load_seconds, EDIT_RATE)
        result = await kill_and_check_store(server, room, signal.SIGKILL, 5.0)
        out["store_after_sigkill"] = {
            "load_before_signal_s": round(offered["t1"] - offered["t0"], 2),
            **result,
        }
        log(
            f"{server.label}: {result['acknowledged_in_store']}/{result['acknowledged']}"
            f" acknowledged edits in the store after SIGKILL"
        )
    return out


async def big_notebook_run(kind: str, args, tmp: Path, cpus, logs: list) -> dict:
    server = Server(kind, tmp / f"{kind}-big", f"{kind} big notebook", cpus)
    server.workdir.mkdir()
    out: dict = {}
    async with measured(server, out, logs, args):
        server.start()
        tokens, _ = await prepare(server, 2)
        text, cells = big_notebook(args.big_cells, args.big_bytes)
        write_notebook(server, BIG_PATH, text)
        write_notebook(server, WARMUP_PATH, nbformat.writes(bench_notebook(1)))
        out["file_bytes"] = len(text.encode())
        out["cells"] = cells
        warm = Client(None, 0, tokens[0])
        await warm.open(server, WARMUP_PATH, 1)
        warm.close()
        await asyncio.sleep(1.0)
        rss0 = server.rss()
        log(f"{server.label}: opening {cells} cells, {out['file_bytes'] / 1e6:.1f} MB")
        first = Client(None, 0, tokens[0])
        t_first = await first.open(server, BIG_PATH, cells, timeout=120)
        rss1 = server.rss()
        second = Client(None, 1, tokens[1])
        t_second = await second.open(server, BIG_PATH, cells, timeout=120)
        rss2 = server.rss()
        same = first.notebook.get() == second.notebook.get()
        first.close()
        second.close()
        out.update(
            {
                "first_client": {k: round(v, 3) for k, v in t_first.items()},
                "second_client": {k: round(v, 3) for k, v in t_second.items()},
                "both_clients_equal": same,
                "cells_seen": len(second.cells),
                "rss_before_mib": mib(rss0),
                "rss_first_open_mib": mib(rss1),
                "rss_second_open_mib": mib(rss2),
            }
        )
        log(f"{server.label}: first {t_first['total_s']:.2f} s, second {t_second['total_s']:.2f} s")
        out["sigterm_with_clients_closed"] = await server.stop(signal.SIGTERM, args.term_wait)
    return out


def keep_log(server: Server, args) -> None:
    if args.logs_dir:
        dest = Path(args.logs_dir)
        dest.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9=.-]+", "_", server.label) + ".log"
        with contextlib.suppress(OSError):
            shutil.copy(server.log_path, dest / name)


async def run_kind(kind: str, args, tmp: Path, cpus) -> dict:
    logs: list = []
    result: dict = {"server_logs": logs}
    log(f"== {kind}")
    result["big_notebook"] = await big_notebook_run(kind, args, tmp, cpus, logs)
    per_n: dict = {}
    result["clients"] = per_n
    for n in args.clients:
        per_n[str(n)] = await sigterm_run(kind, n, args, tmp, cpus, logs)
        per_n[str(n)].update(await sigkill_run(kind, n, args, tmp, cpus, logs))
    return result


# -- goals, machine ----------------------------------------------------------------------------


def goal(text: str, value, met) -> dict:
    return {"goal": text, "value": value, "met": met}


def goals_for(result: dict, clients: list[int]) -> list[dict]:
    out = []
    per_n = result.get("clients", {})
    for n in clients:
        r = per_n.get(str(n), {})
        limit = GOAL_PROP_SMALL_MS if n <= 10 else GOAL_PROP_LARGE_MS
        prop = r.get("propagation", {})
        p99, lost = prop.get("p99_ms"), prop.get("not_seen_by_all_within_5s")
        note = "" if n in (2, 10, 50) else " (limit by analogy: the issue sets 2, 10 and 50)"
        out.append(
            goal(
                f"propagation p99 <= {limit:g} ms at {n} clients{note}",
                {"p99_ms": p99, "edits_not_seen_by_all_within_5s": lost},
                p99 is not None and p99 <= limit and lost == 0,
            )
        )
    r = per_n.get(str(GOAL_LOAD_CLIENTS), {})
    ld, cv = r.get("load", {}), r.get("convergence", {})
    p99 = ld.get("latency_of_delivered", {}).get("p99_ms")
    full, conv = ld.get("delivered_in_full"), cv.get("converged")
    out.append(
        goal(
            f"{GOAL_LOAD_CLIENTS} clients x {EDIT_RATE:g} edits/s delivered in full, p99 <= "
            f"{GOAL_LOAD_P99_MS:g} ms, every client converged",
            {
                "delivered_to_all": ld.get("delivered_to_all"),
                "edits_made": ld.get("edits_made"),
                "p99_ms": p99,
                "converged": conv,
                "saved_file_equal": r.get("saved_file", {}).get("equals_expected_notebook"),
            }
            if ld
            else f"not measured ({GOAL_LOAD_CLIENTS} clients not in this run)",
            bool(full and conv and p99 is not None and p99 <= GOAL_LOAD_P99_MS) if ld else None,
        )
    )
    shares = {
        str(n): per_n.get(str(n), {})
        .get("store_after_sigterm", {})
        .get("acknowledged_in_store_share")
        for n in clients
    }
    out.append(
        goal(
            "100 % of acknowledged updates in the store after SIGTERM",
            shares,
            all(s == 1.0 for s in shares.values()),
        )
    )
    killed = {}
    for n in clients:
        k = per_n.get(str(n), {}).get("store_after_sigkill", {})
        killed[str(n)] = {
            "share": k.get("acknowledged_in_store_share"),
            "missing": k.get("acknowledged_missing"),
            "acknowledged": k.get("acknowledged"),
        }
    out.append(
        goal("after SIGKILL: share of acknowledged updates in the store", killed, "reported")
    )
    big = result.get("big_notebook", {})
    t1 = big.get("first_client", {}).get("total_s")
    t2 = big.get("second_client", {}).get("total_s")
    full_size = big.get("cells", 0) >= 2000 and big.get("file_bytes", 0) >= 4_500_000
    out.append(
        goal(
            f"5 MB / 2,000-cell notebook open in <= {GOAL_OPEN_S:g} s (first and second client)",
            {
                "first_s": t1,
                "second_s": t2,
                "cells": big.get("cells"),
                "file_bytes": big.get("file_bytes"),
            },
            (t1 is not None and t2 is not None and max(t1, t2) <= GOAL_OPEN_S)
            if full_size
            else None,
        )
    )
    return out


def machine_info(placement: dict) -> dict:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    versions = {}
    for dist in (
        "pycrdt",
        "pycrdt-websocket",
        "pycrdt-store",
        "jupyter-collaboration",
        "jupyter-server-ydoc",
        "jupyter-ydoc",
        "jupyter_server",
        "jupyterlab",
        "tornado",
        "jupyter-mlops-studio",
    ):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = None
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "mem_total_gib": round(int(Path("/proc/meminfo").read_text().split()[1]) / 1024**2, 2),
        "loadavg_at_start": os.getloadavg(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "placement": placement,
    }


def code_version() -> dict:
    """The commit measured, and whether the collaboration code differs from it."""
    here = Path(__file__).resolve().parent

    def git(*argv: str) -> str:
        done = subprocess.run(["git", *argv], cwd=here, capture_output=True, text=True)
        return done.stdout.strip()

    collab = here.parent / "jupyter_mlops_studio" / "collab"
    digest = hashlib.sha256()
    for path in sorted(collab.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return {
        "commit": git("rev-parse", "HEAD") or None,
        "collab_files_changed_since": git(
            "status", "--porcelain", "--", "../jupyter_mlops_studio/collab"
        ).splitlines(),
        "collab_sources_sha256": digest.hexdigest()[:16],
    }


def placement() -> tuple[dict, set[int] | None]:
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return {
            "pinned": False,
            "cpus": cpus,
            "note": "one core: server and clients share it",
        }, None
    server_cpus, client_cpus = {cpus[0]}, set(cpus[1:])
    os.sched_setaffinity(0, client_cpus)
    return {
        "pinned": True,
        "server_cpus": sorted(server_cpus),
        "client_process_cpus": sorted(os.sched_getaffinity(0)),
        "how": "os.sched_setaffinity (server: in the child before exec; clients: this process)",
    }, server_cpus


async def main_async(args) -> dict:
    where, server_cpus = placement()
    started = time.perf_counter()
    out: dict = {
        "benchmark": "coedit",
        "machine": machine_info(where),
        "code": code_version(),
        "settings": {
            "clients": args.clients,
            "edit_rate_per_client": EDIT_RATE,
            "load_seconds": args.load_seconds,
            "drain_seconds_at_most": args.drain_seconds,
            "propagation_edits": args.prop_edits,
            "propagation_gap_ms": args.prop_gap * 1000,
            "kill_tail_seconds": args.kill_tail_seconds,
            "sigterm_exit_wait_s": args.term_wait,
            "document_save_delay_s": SAVE_DELAY,
            "server_log_level": "INFO (default)",
            "client_tcp_nodelay": "set on every client socket (read back per room below)",
            "server_tcp_nodelay": "whatever the server does; not set or observed by the benchmark",
            "big_notebook": {"cells": args.big_cells, "target_bytes": args.big_bytes},
            "quick": args.quick,
        },
        "servers": {},
        "goals": {},
    }
    for kind in args.only:
        result = await run_kind(kind, args, Path(args.tmp), server_cpus)
        out["servers"][kind] = result
        out["goals"][kind] = goals_for(result, args.clients)
    out["machine"]["loadavg_at_end"] = os.getloadavg()
    out["run_seconds"] = round(time.perf_counter() - started, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", default=None, help="comma-separated, default 2,10,50")
    parser.add_argument("--load-seconds", type=float, default=None, help="default 10")
    parser.add_argument("--drain-seconds", type=float, default=None, help="default 30")
    parser.add_argument("--only", choices=("studio", "anchor"), default=None)
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--prop-edits", type=int, default=None, help="default 150")
    parser.add_argument("--prop-gap", type=float, default=0.02, help="seconds between edits")
    parser.add_argument("--kill-tail-seconds", type=float, default=None, help="default 3")
    parser.add_argument("--file-timeout", type=float, default=15.0)
    parser.add_argument(
        "--term-wait",
        type=float,
        default=15.0,
        help="seconds a server may take to exit after SIGTERM before it is killed",
    )
    parser.add_argument("--big-cells", type=int, default=None, help="default 2000")
    parser.add_argument("--big-bytes", type=int, default=None, help="default 5,000,000")
    parser.add_argument("--out", help="also write the JSON here")
    parser.add_argument("--logs-dir", help="copy every server's log here")
    args = parser.parse_args()
    quick = args.quick
    args.clients = [
        int(x) for x in (args.clients or ("2,5" if quick else "2,10,50")).split(",") if x.strip()
    ]
    if min(args.clients) < 2:
        parser.error("--clients: at least 2 clients per room")
    defaults = {
        "load_seconds": (3.0, 10.0),
        "drain_seconds": (10.0, 30.0),
        "prop_edits": (30, 150),
        "kill_tail_seconds": (1.0, 3.0),
        "big_cells": (300, 2000),
        "big_bytes": (750_000, 5_000_000),
    }
    for name, (small, full) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, small if quick else full)
    args.only = [args.only] if args.only else ["studio", "anchor"]
    with tempfile.TemporaryDirectory(prefix="coedit-") as tmp:
        args.tmp = tmp
        result = asyncio.run(main_async(args))
    text = json.dumps(result, indent=2, default=str)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
