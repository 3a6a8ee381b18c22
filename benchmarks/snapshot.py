"""Snapshots: time to snapshot a notebook against a plain file copy of it, and time to open a
share link's preview, in one run.

* snapshot of a 50 MB notebook (many outputs) and of a 1 MB one, outputs kept, through
  ``SharingService.create_snapshot`` (read, nbformat validation, canonical JSON, digest, store,
  database rows) against ``shutil.copyfile`` of the same file to the same disk — goal ≤ 2x —
  and, as a second anchor, against the same copy made durable (``os.fsync`` of the copy), as
  a snapshot is; ``durable_copy_over_copy`` is what durability alone costs against the goal's
  anchor;
* the same notebooks snapshotted without their outputs, the default (``include_outputs``
  false): what is stored is small, but the whole notebook is read and validated;
* opening the share link of a 5 MB snapshot through a running Jupyter server
  (``GET /mlops-studio/api/v1/shared/<token>``, the whole HTTP answer read) — goal p50 ≤ 200 ms.

    python benchmarks/snapshot.py            # 5 runs each
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from _server import api_caller, free_port, server_command, stop, studio_tokens, wait_until_up

GOAL_RATIO = 2.0
GOAL_PREVIEW_P50_MS = 200.0


def make_notebook(target_bytes: int) -> str:
    """A notebook of code cells with text and image outputs, about ``target_bytes`` long."""
    png = "iVBORw0KGgo" + "A" * 20_000  # a base64 payload like a plot's
    cells, size = [], 0
    i = 0
    while size < target_bytes:
        outputs = [
            nbformat.v4.new_output(
                "stream", name="stdout", text=f"epoch {i}: loss 0.{i:04d}\n" * 20
            ),
            nbformat.v4.new_output(
                "display_data", data={"image/png": png, "text/plain": "<Figure>"}
            ),
        ]
        cells.append(
            nbformat.v4.new_code_cell(f"plot(history[{i}])", execution_count=i, outputs=outputs)
        )
        size += 21_500 + 600
        i += 1
    return nbformat.writes(nbformat.v4.new_notebook(cells=cells))


def ms(samples: list[float]) -> dict:
    values = sorted(s * 1000 for s in samples)
    return {
        "p50_ms": round(statistics.median(values), 2),
        "max_ms": round(values[-1], 2),
        "runs": len(values),
    }


def services(workdir: Path):
    from jupyter_mlops_studio.core.artifacts import LocalArtifactStore
    from jupyter_mlops_studio.core.db import Database
    from jupyter_mlops_studio.core.permissions import Principal
    from jupyter_mlops_studio.core.policy import AccessPolicy
    from jupyter_mlops_studio.core.users import IdentityService
    from jupyter_mlops_studio.sharing.service import SharingService
    from jupyter_mlops_studio.spaces.paths import SpacePaths
    from jupyter_mlops_studio.spaces.service import SpaceService

    db = Database(f"sqlite:///{workdir / 'studio.db'}")
    db.ensure_schema()
    identity = IdentityService(db, "bench")
    identity.ensure_domain()
    identity.create_user("ada", ["data-scientist"], "Ada")
    paths = SpacePaths(workdir / "root", "spaces")
    paths.spaces_dir.mkdir(parents=True)
    spaces = SpaceService(db, identity, paths, workdir / "archive")
    ada = Principal("ada", frozenset({"data-scientist"}))
    spaces.create_space(ada, {"name": "lab", "sharing": "private"})
    sharing = SharingService(
        db,
        identity,
        spaces,
        paths,
        AccessPolicy(paths, spaces.roles_of),
        LocalArtifactStore(root_dir=str(workdir / "artifacts")),
        200 * 1024 * 1024,
    )
    return sharing, ada, paths


def durable_copy(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    with open(target, "rb") as f:
        os.fsync(f.fileno())


def snapshot_vs_copy(sharing, ada, paths, size: int, runs: int) -> dict:
    name = f"nb-{size // 1_000_000}mb.ipynb"
    source = paths.spaces_dir / "lab" / name
    source.write_text(make_notebook(size))
    times: dict[str, list[float]] = {"copy": [], "durable": [], "snap": [], "default": []}

    def timed(what: str, call, *args) -> None:
        t = time.perf_counter()
        call(*args)
        times[what].append(time.perf_counter() - t)

    for run in range(runs):
        # a different notebook each run: content-addressing must not make later runs free
        nb = nbformat.reads(source.read_text(), 4)
        nb.metadata["run"] = run
        source.write_text(nbformat.writes(nb))
        timed("copy", shutil.copyfile, source, source.with_suffix(f".copy{run}"))
        timed("durable", durable_copy, source, source.with_suffix(f".durable{run}"))
        path = f"spaces/lab/{name}"
        timed("snap", sharing.create_snapshot, ada, {"path": path, "include_outputs": True})
        timed("default", sharing.create_snapshot, ada, {"path": path, "include_outputs": False})
    snap, copy, durable = ms(times["snap"]), ms(times["copy"]), ms(times["durable"])
    default = ms(times["default"])
    ratio = round(snap["p50_ms"] / copy["p50_ms"], 2)
    ratio_durable = round(snap["p50_ms"] / durable["p50_ms"], 2)
    return {
        "bytes": source.stat().st_size,
        "snapshot": snap,
        "file_copy": copy,
        "durable_file_copy": durable,
        "ratio": ratio,
        "goal_le_2x": ratio <= GOAL_RATIO,
        "ratio_to_durable_copy": ratio_durable,
        "le_2x_durable_copy": ratio_durable <= GOAL_RATIO,
        "durable_copy_over_copy": round(durable["p50_ms"] / copy["p50_ms"], 2),
        "snapshot_without_outputs": default,
        "ratio_without_outputs": round(default["p50_ms"] / copy["p50_ms"], 2),
    }


def preview_over_http(workdir: Path, runs: int) -> dict:
    """A real server: alice snapshots a 5 MB notebook and shares it; bob opens the link."""
    root, data = workdir / "server-root", workdir / "server-data"
    root.mkdir()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(workdir / "cfg")}
    tokens = studio_tokens(data, ("alice", "bob"), env)
    port = free_port()
    server = subprocess.Popen(
        server_command(port, root, data=data),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    alice, bob = api_caller(port, tokens["alice"]), api_caller(port, tokens["bob"])
    try:
        wait_until_up(f"http://127.0.0.1:{port}/api/status", server)
        alice("POST", "/spaces", {"name": "lab", "sharing": "private"})
        (root / "spaces" / "lab" / "big.ipynb").write_text(make_notebook(5_000_000))
        body = {"path": "spaces/lab/big.ipynb", "include_outputs": True}
        snap = json.loads(alice("POST", "/snapshots", body)[1])
        link = json.loads(alice("POST", f"/snapshots/{snap['id']}/links", {})[1])
        bob("GET", f"/shared/{link['token']}")  # warm-up
        samples = []
        for _ in range(runs):
            t = time.perf_counter()
            answer = bob("GET", f"/shared/{link['token']}")[1]
            samples.append(time.perf_counter() - t)
        result = ms(samples)
        return {
            "snapshot_bytes": snap["size"],
            "answer_bytes": len(answer),
            "open_link_over_http": result,
            "goal_p50_le_200ms": result["p50_ms"] <= GOAL_PREVIEW_P50_MS,
        }
    finally:
        stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        sharing, ada, paths = services(workdir)
        out = {
            "benchmark": "snapshot",
            "snapshot_50mb": snapshot_vs_copy(sharing, ada, paths, 50_000_000, args.runs),
            "snapshot_1mb": snapshot_vs_copy(sharing, ada, paths, 1_000_000, args.runs),
            "preview_5mb": preview_over_http(workdir, max(args.runs, 10)),
            "python": sys.version.split()[0],
            "cpus": os.cpu_count(),
        }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
