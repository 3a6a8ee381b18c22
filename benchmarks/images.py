"""Image builds: packaging a build context against ``tar czf``, and the cache hit path over HTTP.

* packaging a 200 MB context of 2,000 files (source-like text, CSV-like text and incompressible
  binary, in 40 folders) with the studio's ``images.context.scan`` + ``write_zip`` (what a build
  does before its upload: walk with .dockerignore, stat digest, deterministic zip at deflate
  level 1) against ``tar czf`` of the same folder to the same disk — goal <= 1.2x its time;
  ``tar cf - | gzip -1`` (the zip's deflate level) is measured beside it for comparison;
* the cache hit path: ``POST /mlops-studio/api/v1/images/builds`` of that unchanged context
  over HTTP against a running Jupyter server (a real one in a subprocess, CodeBuild/ECR/S3 on a
  ``moto_server`` subprocess for the first, real build), the whole answer read — goal <= 100 ms.

Both measured with the files in the page cache (they were just written), alternating which side
runs first. Medians of several runs; JSON on stdout and in --out.

    python benchmarks/images.py --runs 5 --out /tmp/images.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _server import api_caller, free_port, server_command, stop, studio_tokens, wait_until_up

GOAL_RATIO = 1.2
GOAL_CACHE_HIT_MS = 100.0
ROLE = "arn:aws:iam::123456789012:role/studio-image-build"
DUMMY_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def summary_ms(samples: list[float]) -> dict:
    values = sorted(s * 1000 for s in samples)
    return {
        "median_ms": round(statistics.median(values), 2),
        "min_ms": round(values[0], 2),
        "max_ms": round(values[-1], 2),
        "runs": len(values),
    }


def make_context(root: Path, total_bytes: int, n_files: int, seed: int = 8) -> dict:
    """A build context: a Dockerfile and ``n_files`` files of about ``total_bytes`` in all —
    by bytes a third source-like text, a third CSV-like numbers, a third random (model weights,
    images, archives); sizes log-normal (many small files, a few large ones)."""
    rng = random.Random(seed)
    words = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz_") for _ in range(rng.randint(2, 12)))
        for _ in range(4000)
    ]
    corpus, length = [], 0
    while length < 8_000_000:
        line = "    " * rng.randint(0, 3) + " ".join(rng.choices(words, k=rng.randint(3, 14)))
        corpus.append(line + "\n")
        length += len(line) + 1
    text = "".join(corpus).encode()
    numbers = "".join(
        ",".join(f"{rng.gauss(0, 100):.4f}" for _ in range(8)) + "\n" for _ in range(120_000)
    ).encode()
    weights = [rng.lognormvariate(0, 1.6) for _ in range(n_files)]
    scale = total_bytes / sum(weights)
    kinds = {"text": 0, "csv": 0, "binary": 0}
    (root / "Dockerfile").write_text(
        "FROM python:3.11-slim\nCOPY . /opt/ml/code\nENV SAGEMAKER_PROGRAM=train.py\n"
    )
    for i, w in enumerate(weights):
        size = max(1, int(w * scale))
        kind = ("text", "csv", "binary")[i % 3]
        folder = root / f"pkg{i % 40:02d}"
        folder.mkdir(exist_ok=True)
        if kind == "binary":
            data = os.urandom(size)
            name = f"blob{i:04d}.bin"
        else:
            source = text if kind == "text" else numbers
            start = rng.randrange(0, len(source) - min(size, len(source) - 1))
            data = (source[start:] + source)[:size]
            while len(data) < size:  # larger than the corpus: repeat it
                data += source[: size - len(data)]
            name = f"mod{i:04d}.py" if kind == "text" else f"data{i:04d}.csv"
        (folder / name).write_bytes(data)
        kinds[kind] += size
    return {
        "files": n_files + 1,
        "bytes": sum(p.stat().st_size for p in root.rglob("*") if p.is_file()),
        "bytes_by_kind": kinds,
    }


def package_vs_tar(context: Path, out_dir: Path, runs: int) -> dict:
    from jupyter_mlops_studio.images import context as ctx

    zip_path, tar_path = out_dir / "context.zip", out_dir / "context.tar.gz"
    studio, scan_only, tar = [], [], []

    def run_studio():
        t = time.perf_counter()
        scanned = ctx.scan(context, 10**12)
        t_scan = time.perf_counter() - t
        with open(zip_path, "wb") as out:
            ctx.write_zip(scanned, out)
        studio.append(time.perf_counter() - t)
        scan_only.append(t_scan)

    def run_tar():
        t = time.perf_counter()
        subprocess.run(["tar", "czf", str(tar_path), "-C", str(context), "."], check=True)
        tar.append(time.perf_counter() - t)

    def run_tar_fast():  # the same deflate level as the studio's zip, for comparison only
        t = time.perf_counter()
        with open(fast_path, "wb") as out:
            tar_proc = subprocess.Popen(
                ["tar", "cf", "-", "-C", str(context), "."], stdout=subprocess.PIPE
            )
            subprocess.run(["gzip", "-1"], stdin=tar_proc.stdout, stdout=out, check=True)
            tar_proc.stdout.close()
            if tar_proc.wait() != 0:
                raise RuntimeError("tar failed")
        tar_fast.append(time.perf_counter() - t)

    fast_path, tar_fast = out_dir / "context-1.tar.gz", []
    sides = [run_studio, run_tar, run_tar_fast]
    for i in range(runs):
        for side in sides[i % 3 :] + sides[: i % 3]:  # each side first in turn
            side()
    s, t = summary_ms(studio), summary_ms(tar)
    ratio = round(s["median_ms"] / t["median_ms"], 3)
    fast = summary_ms(tar_fast)
    return {
        "studio_scan_and_zip": s,
        "of_which_scan": summary_ms(scan_only),
        "tar_czf": t,
        "ratio": ratio,
        "goal": f"<= {GOAL_RATIO}x tar czf",
        "goal_met": ratio <= GOAL_RATIO,
        "tar_cf_gzip_1": fast,
        "ratio_to_gzip_1": round(s["median_ms"] / fast["median_ms"], 3),
        "zip_bytes": zip_path.stat().st_size,
        "tar_gz_bytes": tar_path.stat().st_size,
        "tar_gzip_1_bytes": fast_path.stat().st_size,
    }


def cache_hit_over_http(workdir: Path, context: Path, runs: int) -> dict:
    """A real server and moto_server; the first build is real (packaged, uploaded, built in
    moto's CodeBuild), then the same POST again and again is answered from the cache."""
    import boto3

    env = {**os.environ, **DUMMY_AWS, "JUPYTER_CONFIG_DIR": str(workdir / "cfg")}
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE"):
        env.pop(name, None)
    moto_port, port = free_port(), free_port()
    moto_url = f"http://127.0.0.1:{moto_port}"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(moto_port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        wait_until_up(moto_url + "/moto-api/", procs[0])
        os.environ.update(DUMMY_AWS)  # this process's boto3 too: never a real account
        s3 = boto3.session.Session().client("s3", endpoint_url=moto_url, region_name="us-east-1")
        s3.create_bucket(Bucket="contexts")
        root, data = workdir / "server-root", workdir / "server-data"
        (root / "spaces").mkdir(parents=True)
        cfg = workdir / "cfg"
        cfg.mkdir()
        (cfg / "jupyter_server_config.py").write_text(
            "c.StudioApp.image_build_backends = ['codebuild']\n"
            f"c.CodeBuildBackend.endpoint_url = {moto_url!r}\n"
            "c.CodeBuildBackend.bucket = 'contexts'\n"
            f"c.CodeBuildBackend.role = {ROLE!r}\n"
            "c.CodeBuildBackend.poll_interval = 0.1\n"
        )
        token = studio_tokens(data, ["ada"], env)["ada"]
        procs.append(
            subprocess.Popen(
                server_command(port, root, data=data),
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        answer = api_caller(port, token, timeout=600)

        def call(method, path, body=None):
            status, raw = answer(method, path, body)
            return status, json.loads(raw)

        wait_until_up(f"http://127.0.0.1:{port}/api/status", procs[-1])
        call("POST", "/spaces", {"name": "lab", "sharing": "private"})
        shutil.move(str(context), root / "spaces" / "lab" / "image")
        body = {"context": "spaces/lab/image", "repository": "lab/train", "tag": "v1"}
        t = time.perf_counter()
        status, first = call("POST", "/images/builds", body)
        first_post = time.perf_counter() - t
        while first["status"] not in ("Succeeded", "Failed", "Stopped"):
            time.sleep(0.2)
            first = call("GET", f"/images/builds/{first['id']}")[1]
        first_build = time.perf_counter() - t
        if first["status"] != "Succeeded":
            raise RuntimeError(f"the first build did not succeed: {first}")
        for _ in range(3):  # warm-up: connections, caches of the server
            call("GET", "/me")
            call("POST", "/images/builds", body)
        hits, floor = [], []
        for _ in range(runs):
            t = time.perf_counter()
            status, hit = call("POST", "/images/builds", body)
            hits.append(time.perf_counter() - t)
            if status != 200 or not hit["cached_from"] or hit["image_uri"] != first["image_uri"]:
                raise RuntimeError(f"not a cache hit: {status} {hit}")
            t = time.perf_counter()
            call("GET", "/me")
            floor.append(time.perf_counter() - t)
        result = summary_ms(hits)
        return {
            "how": "HTTP POST /images/builds against a running jupyter server (subprocess)",
            "first_build": {
                "post_ms": round(first_post * 1000, 1),
                "until_succeeded_s": round(first_build, 2),
                "context_bytes": first["context_size"],
            },
            "cache_hit_post": result,
            "get_me_same_server": summary_ms(floor),
            "goal": f"<= {GOAL_CACHE_HIT_MS:g} ms",
            "goal_met": result["median_ms"] <= GOAL_CACHE_HIT_MS,
        }
    finally:
        stop(*reversed(procs))


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    tar_version = subprocess.run(["tar", "--version"], capture_output=True, text=True).stdout
    gzip_version = subprocess.run(["gzip", "--version"], capture_output=True, text=True).stdout
    return {
        "cpus": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "tar": tar_version.splitlines()[0],
        "gzip": gzip_version.splitlines()[0],
    }


def commit() -> str | None:
    here = Path(__file__).resolve().parent
    r = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "../jupyter_mlops_studio"],
        cwd=here,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return (r.stdout.strip() + ("+dirty" if dirty else "")) if r.returncode == 0 else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="packaging runs per side")
    parser.add_argument("--hits", type=int, default=30, help="cache-hit POSTs")
    parser.add_argument("--mb", type=int, default=200, help="context size in MB")
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--dir", help="where to write the context (default: a temp dir)")
    parser.add_argument("--out", help="also write the JSON here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        workdir = Path(tmp)
        context = workdir / "context"
        context.mkdir()
        log(f"writing a {args.mb} MB context of {args.files} files …")
        made = make_context(context, args.mb * 1_000_000, args.files)
        out = {"benchmark": "images", "commit": commit(), "machine": machine(), "context": made}
        log("packaging: studio scan + zip vs tar czf …")
        out["load_before_packaging"] = os.getloadavg()
        out["packaging"] = package_vs_tar(context, workdir, args.runs)
        log("cache hit over HTTP (a first real build on moto_server first) …")
        out["load_before_cache_hit"] = os.getloadavg()
        out["cache_hit"] = cache_hit_over_http(workdir, context, args.hits)
    text = json.dumps(out, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
