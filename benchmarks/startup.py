"""Start-up cost of the studio: `jupyter lab` with and without the extension, in one run.

Each trial starts a fresh `jupyter lab` process and times it until the server answers
`/api/status`. Trials alternate between the two configurations so that machine noise hits both.
"With" is measured twice: on a new data dir (the database is created) and on an existing one.
Prints JSON with every sample and the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

TOKEN = "bench-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_and_time(extra_args: list[str], root: Path) -> float:
    port = free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(root / "runtime")}
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        "--ip=127.0.0.1",
        f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={TOKEN}",
        *extra_args,
    ]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                req = urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/status",
                    headers={"Authorization": f"token {TOKEN}"},
                )
                with urllib.request.urlopen(req, timeout=1) as r:
                    if r.status == 200:
                        return time.perf_counter() - t0
            except OSError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}: {' '.join(cmd)}")
            time.sleep(0.02)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=5)
    args = parser.parse_args()
    without = [
        "--ServerApp.jpserver_extensions=jupyter_mlops_studio=False",
    ]
    studio = [
        "--ServerApp.jpserver_extensions=jupyter_mlops_studio=True",
    ]
    samples: dict[str, list[float]] = {"without": [], "with_new_data_dir": [], "with_existing": []}
    with tempfile.TemporaryDirectory() as tmp:
        existing = Path(tmp) / "existing-data"
        for i in range(args.trials):
            root = Path(tmp) / f"root{i}"
            root.mkdir()
            samples["without"].append(start_and_time(without, root))
            fresh = Path(tmp) / f"fresh-data{i}"
            samples["with_new_data_dir"].append(
                start_and_time([*studio, f"--StudioApp.data_dir={fresh}"], root)
            )
            samples["with_existing"].append(
                start_and_time([*studio, f"--StudioApp.data_dir={existing}"], root)
            )
    med = {k: statistics.median(v) for k, v in samples.items()}
    print(
        json.dumps(
            {
                "benchmark": "startup",
                "unit": "seconds until /api/status answers",
                "trials": args.trials,
                "median": {k: round(v, 3) for k, v in med.items()},
                "extra_cost_median": {
                    "new_data_dir": round(med["with_new_data_dir"] - med["without"], 3),
                    "existing_data_dir": round(med["with_existing"] - med["without"], 3),
                },
                "samples": {k: [round(x, 3) for x in v] for k, v in samples.items()},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
