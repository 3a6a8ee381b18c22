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


def start_server(tmp_path, db_url, *extra: str) -> tuple[subprocess.Popen, str]:
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
            *extra,
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


def test_sigkill_after_1000_acknowledged_puts_loses_none_of_them(tmp_path, studio_db_url):
    """Acceptance 3: single puts are durable when acknowledged, although the flush to Parquet
    has not run (its interval is an hour here): the restart replays the buffer."""
    slow_flush = "--StudioApp.featurestore_flush_interval=3600"
    proc, url = start_server(tmp_path, studio_db_url, slow_flush)
    admin = StudioClient(url, TOKEN, timeout=10)
    group = admin.featurestore.create_group(
        "clicks", "id", "ts", {"id": "Integral", "ts": "Fractional", "n": "Integral"}
    )
    acknowledged: list[int] = []
    lock = threading.Lock()

    def writer(start: int):
        for i in range(start, 1000, 4):
            group.put_record({"id": i, "ts": 1_700_000_000.0 + i, "n": i * 7})
            with lock:
                acknowledged.append(i)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(acknowledged) == 1000
    os.kill(proc.pid, signal.SIGKILL)  # right after the last acknowledgement
    proc.wait()

    proc, url = start_server(tmp_path, studio_db_url, slow_flush)
    try:
        admin = StudioClient(url, TOKEN, timeout=30)
        stats = admin.featurestore.group("clicks").describe()["stats"]
        assert stats["offline_buffered"] == 0  # replayed into Parquet at start
        assert stats["offline_rows"] == 1000 and stats["online_records"] == 1000
        rows = admin.featurestore.query("SELECT id, n FROM clicks ORDER BY id", limit=2000)
        assert rows["rows"] == [[i, i * 7] for i in range(1000)]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
