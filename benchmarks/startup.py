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
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _server import free_port, server_command, stop, wait_until_up

TOKEN = "bench-token"


def start_and_time(root: Path, studio: bool, data: Path | None = None) -> float:
    """Seconds from starting JupyterLab until its status route answers."""
    port = free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(root / "runtime")}
    cmd = server_command(port, root, studio=studio, data=data, token=TOKEN, app="jupyterlab")
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(
            f"http://127.0.0.1:{port}/api/status",
            proc,
            headers={"Authorization": f"token {TOKEN}"},
            interval=0.02,
        )
        return time.perf_counter() - t0
    finally:
        stop(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=5)
    args = parser.parse_args()
    samples: dict[str, list[float]] = {"without": [], "with_new_data_dir": [], "with_existing": []}
    with tempfile.TemporaryDirectory() as tmp:
        existing = Path(tmp) / "existing-data"
        for i in range(args.trials):
            root = Path(tmp) / f"root{i}"
            root.mkdir()
            samples["without"].append(start_and_time(root, studio=False))
            fresh = Path(tmp) / f"fresh-data{i}"
            samples["with_new_data_dir"].append(start_and_time(root, studio=True, data=fresh))
            samples["with_existing"].append(start_and_time(root, studio=True, data=existing))
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
