"""What the benchmarks that run a real Jupyter server share: a free port, the server's command
line, waiting until it answers, studio users with API tokens, JSON calls to the studio's API.

Each benchmark runs as ``python benchmarks/<name>.py``, which puts this folder on ``sys.path``.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

API = "/mlops-studio/api/v1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(
    port: int,
    root: Path,
    *,
    studio: bool = True,
    data: Path | None = None,
    token: str | None = None,
    app: str = "jupyter_server",
    extra: Iterable[str] = (),
) -> list[str]:
    """A Jupyter server on 127.0.0.1:``port`` serving ``root``, with the studio's extension on
    (its data in ``data``) or off; ``app`` may be ``jupyterlab`` to serve the Lab page too."""
    cmd = [
        sys.executable,
        "-m",
        app,
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        "--ip=127.0.0.1",
        f"--ServerApp.root_dir={root}",
        f"--ServerApp.jpserver_extensions=jupyter_mlops_studio={studio}",
    ]
    if token is not None:
        cmd.append(f"--IdentityProvider.token={token}")
    if studio and data is not None:
        cmd.append(f"--StudioApp.data_dir={data}")
    return [*cmd, *extra]


def wait_until_up(
    url: str,
    proc: subprocess.Popen | None = None,
    *,
    headers: dict[str, str] | None = None,
    timeout: float = 120.0,
    interval: float = 0.1,
) -> float:
    """Poll ``url`` until it answers (any HTTP status counts); the seconds it took. Raises when
    ``proc`` exits first or nothing answers within ``timeout``."""
    started = time.perf_counter()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{proc.args[:3]} exited with {proc.returncode} before {url}")
        try:
            with urllib.request.urlopen(
                urllib.request.Request(url, headers=headers or {}), timeout=2
            ):
                return time.perf_counter() - started
        except urllib.error.HTTPError:
            return time.perf_counter() - started  # it answered
        except OSError:
            time.sleep(interval)
    raise TimeoutError(f"{url} did not answer in {timeout} s")


def studio_tokens(
    data: Path, users: Iterable[str], env: dict[str, str], persona: str = "data-scientist"
) -> dict[str, str]:
    """Users added to the studio whose data is in ``data`` (its command line, as an admin
    would), with an API token each: {username: token}."""
    cli = [sys.executable, "-m", "jupyter_mlops_studio.cli"]
    common = {"check": True, "env": env, "capture_output": True, "text": True}
    tokens = {}
    for user in users:
        subprocess.run(
            [*cli, "user", "add", user, "--persona", persona, "--data-dir", str(data)], **common
        )
        token = subprocess.run([*cli, "user", "token", user, "--data-dir", str(data)], **common)
        tokens[user] = token.stdout.strip()
    return tokens


def api_caller(port: int, token: str, timeout: float = 60.0) -> Callable[..., tuple[int, bytes]]:
    """``call(method, path, body=None) -> (status, answer bytes)`` on the studio's API as the
    owner of ``token``; an error status raises ``urllib.error.HTTPError``."""
    base = f"http://127.0.0.1:{port}{API}"

    def call(method: str, path: str, body=None) -> tuple[int, bytes]:
        req = urllib.request.Request(
            base + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()

    return call


def stop(*procs: subprocess.Popen) -> None:
    """Terminate, then kill what does not exit within 30 s."""
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
