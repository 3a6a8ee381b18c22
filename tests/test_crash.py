"""Crash safety: a server killed with SIGKILL loses nothing it acknowledged."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

from jupyter_mlops_studio.client import StudioAPIError, StudioClient

TOKEN = "crash-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(tmp_path, db_url) -> tuple[subprocess.Popen, str]:
    port = free_port()
    root = tmp_path / "root"
    root.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--ServerApp.root_dir={root}",
            f"--IdentityProvider.token={TOKEN}",
            "--ServerApp.jpserver_extensions=jupyter_mlops_studio=True",
            f"--StudioApp.data_dir={tmp_path / 'data'}",
            f"--StudioApp.db_url={db_url}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "api/status?token=" + TOKEN, timeout=1)
            return proc, url
        except OSError:
            assert proc.poll() is None, "server exited"
            time.sleep(0.05)
    raise TimeoutError("server did not start")


def test_sigkill_loses_no_acknowledged_space(tmp_path, studio_db_url):
    proc, url = start_server(tmp_path, studio_db_url)
    admin = StudioClient(url, TOKEN, timeout=5)
    admin.create_user("kim", ["data-scientist"])
    kim = StudioClient(url, admin.create_token("kim")["token"], timeout=5)
    acknowledged: list[str] = []
    stop = threading.Event()

    def writer():
        i = 0
        while not stop.is_set():
            name = f"s{i}"
            try:
                kim.create_space(name, "shared")
                acknowledged.append(name)
            except (StudioAPIError, OSError):
                return
            i += 1

    t = threading.Thread(target=writer)
    t.start()
    while len(acknowledged) < 20:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)  # mid-stream, no shutdown of any kind
    proc.wait()
    stop.set()
    t.join()

    proc, url = start_server(tmp_path, studio_db_url)
    try:
        kim = StudioClient(url, kim.token, timeout=5)
        names = {s["name"] for s in kim.list_spaces()}
        assert set(acknowledged) <= names
        for name in acknowledged:
            assert (tmp_path / "root" / "spaces" / name).is_dir()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
