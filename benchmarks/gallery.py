"""Template gallery: search over a catalog of 10,000 templates and instantiation of a 20-file one.

A configured template folder gets N generated templates (template.yaml plus a notebook each,
random titles, descriptions, tags, types, tasks, frameworks and fine-tunable flags from fixed
vocabularies). ``GalleryService`` is used as the server uses it:

* the first search scans every folder, parses every manifest and builds the index (reported);
* then a mix of queries (empty, one word, prefixes, several words, with 0-3 filters) runs
  round after round for at least ``--seconds``; each call goes through the service as a
  request does, so the background rescan of every folder (started once ``check_interval``,
  1 s as in the server, has passed) competes with the searches for the interpreter: p50, p95,
  p99 and max per query kind, goal p50 <= 20 ms;
* a 20-file template (notebooks, scripts, data, a placeholder in a file name) is instantiated
  into a space folder again and again: median and p95, goal <= 200 ms.

    python benchmarks/gallery.py                 # 10,000 templates, 5 s of searches, 50 uses
    python benchmarks/gallery.py --templates 2000 --seconds 2
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nbformat  # noqa: E402
import yaml  # noqa: E402

from jupyter_mlops_studio.core.permissions import Principal  # noqa: E402
from jupyter_mlops_studio.gallery.service import GalleryService  # noqa: E402
from jupyter_mlops_studio.spaces.paths import SpacePaths  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from images import commit  # noqa: E402  (the commit measured, +dirty when the code differs)

GOAL_SEARCH_P50_MS = 20.0
GOAL_INSTANTIATE_MS = 200.0
WORDS = (
    "churn fraud vision forecast embedding ranking tabular speech anomaly recommendation "
    "segmentation detection translation summarization regression clustering timeseries "
    "sentiment pricing demand credit risk image text audio graph tuning distillation"
).split()
TASKS = [f"task-{i}" for i in range(40)]
FRAMEWORKS = ["scikit-learn", "pytorch", "xgboost", "tensorflow", "lightgbm", "jax", "studio"]
USER = Principal("bench", frozenset({"data-scientist"}))
QUERIES = {
    "all": ("", {}),
    "one word": ("churn", {}),
    "prefix": ("fore", {}),
    "two prefixes": ("de fo", {}),
    "word + filter": ("vision", {"framework": "pytorch"}),
    "filters only": ("", {"type": "model", "fine_tunable": "true"}),
    "three filters": ("", {"type": "notebook", "task": "task-7", "framework": "jax"}),
    "no match": ("zzzz", {}),
}


def make_catalog(root: Path, n: int, seed: int = 1) -> None:
    rnd = random.Random(seed)
    notebook = nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]))
    for i in range(n):
        words = rnd.sample(WORDS, 6)
        folder = root / f"t{i:05d}"
        folder.mkdir(parents=True)
        manifest = {
            "id": f"t{i:05d}",
            "title": f"{words[0].title()} {words[1]} template {i}",
            "description": f"Shows {words[2]} with {words[3]} data and {words[4]} features.",
            "type": rnd.choice(["notebook", "notebook", "project", "model"]),
            "task": rnd.choice(TASKS),
            "framework": rnd.choice(FRAMEWORKS),
            "tags": [words[5], f"team-{i % 50}"],
            "fine_tunable": rnd.random() < 0.3,
        }
        (folder / "template.yaml").write_text(yaml.safe_dump(manifest))
        (folder / "main.ipynb").write_text(notebook)


def make_twenty_file_template(root: Path) -> None:
    folder = root / "twenty"
    folder.mkdir(parents=True)
    (folder / "template.yaml").write_text(
        yaml.safe_dump(
            {
                "id": "twenty",
                "title": "Twenty files",
                "description": "notebooks, scripts and data",
                "type": "project",
                "task": "benchmark",
                "framework": "studio",
                "main": "notebooks/{{ name }}.ipynb",
                "parameters": [
                    {"name": "name", "type": "string", "default": "analysis"},
                    {"name": "rows", "type": "integer", "default": 1000},
                    {"name": "rate", "type": "number", "default": 0.1},
                ],
            }
        )
    )
    cells = [
        nbformat.v4.new_code_cell(f"ROWS = {{{{ rows }}}}\nRATE = {{{{ rate }}}}\n# {i}")
        for i in range(20)
    ]
    nb = nbformat.writes(nbformat.v4.new_notebook(cells=cells))
    (folder / "notebooks").mkdir()
    (folder / "notebooks" / "{{ name }}.ipynb").write_text(nb)
    for i in range(4):
        (folder / "notebooks" / f"extra_{i}.ipynb").write_text(nb)
    (folder / "src").mkdir()
    for i in range(8):
        (folder / "src" / f"step_{i}.py").write_text("ROWS = {{ rows }}\n" + "x = 1\n" * 200)
    (folder / "data").mkdir()
    rnd = random.Random(2)
    for i in range(6):
        rows = "\n".join(f"{rnd.random():.6f},{rnd.random():.6f}" for _ in range(2000))
        (folder / "data" / f"part_{i}.csv").write_text("a,b\n" + rows)
    (folder / "README.md").write_text("# {{ name }}\n")


class _Spaces:
    def role_of(self, username, name):
        return True, "editor"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--templates", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=5.0, help="least time of searching")
    parser.add_argument("--instantiations", type=int, default=50)
    args = parser.parse_args()
    out: dict = {
        "benchmark": "gallery",
        "commit": commit(),
        "machine": {
            "cpus": len(os.sched_getaffinity(0)),
            "python": platform.python_version(),
        },
        "templates": args.templates,
    }
    with tempfile.TemporaryDirectory(prefix="gallery-bench-") as tmp:
        tmp = Path(tmp)
        t = time.perf_counter()
        make_catalog(tmp / "catalog", args.templates)
        make_twenty_file_template(tmp / "big")
        out["generate_s"] = round(time.perf_counter() - t, 2)
        (tmp / "root" / "spaces" / "team").mkdir(parents=True)
        gallery = GalleryService(
            _Spaces(),
            SpacePaths(tmp / "root", "spaces"),
            tmp / "domain-catalog",
            [str(tmp / "catalog"), str(tmp / "big")],
            None,
            entry_points=lambda: [],
            check_interval=1.0,
        )
        out["load_before_search"] = os.getloadavg()
        t = time.perf_counter()
        first = gallery.search(USER, "", {}, 50)
        out["first_search_with_full_build_s"] = round(time.perf_counter() - t, 3)
        assert first["total"] >= args.templates, first["total"]
        t = time.perf_counter()
        with gallery._lock:
            gallery._rescan()  # what the background thread does every check_interval
        out["rescan_unchanged_ms"] = round((time.perf_counter() - t) * 1000, 1)
        timings: dict[str, list[float]] = {k: [] for k in QUERIES}
        totals = {}
        start = time.monotonic()
        while time.monotonic() - start < args.seconds:
            for kind, (q, filters) in QUERIES.items():
                t = time.perf_counter()
                result = gallery.search(USER, q, filters, 50)
                timings[kind].append((time.perf_counter() - t) * 1000)
                totals[kind] = result["total"]
        every = [x for values in timings.values() for x in values]
        out["search_ms"] = {
            kind: {
                "total": totals[kind],
                "p50": round(statistics.median(values), 2),
                "p95": round(percentile(values, 95), 2),
                "max": round(max(values), 2),
            }
            for kind, values in timings.items()
        }
        out["search_all_queries_ms"] = {
            "n": len(every),
            "p50": round(statistics.median(every), 2),
            "p95": round(percentile(every, 95), 2),
            "p99": round(percentile(every, 99), 2),
            "max": round(max(every), 2),
        }
        out["load_before_instantiate"] = os.getloadavg()
        durations = []
        for i in range(args.instantiations):
            t = time.perf_counter()
            made = gallery.instantiate(
                USER, "twenty", {"space": "team", "parameters": {"name": f"run{i}", "rows": i}}
            )
            durations.append((time.perf_counter() - t) * 1000)
        assert len(made["files"]) == 20, len(made["files"])
        size = sum(p.stat().st_size for p in (tmp / "big" / "twenty").rglob("*") if p.is_file())
        out["instantiate_20_files_ms"] = {
            "bytes": size,
            "n": len(durations),
            "p50": round(statistics.median(durations), 2),
            "p95": round(percentile(durations, 95), 2),
            "max": round(max(durations), 2),
        }
    out["goals"] = {
        "search_p50_ms<=20": out["search_all_queries_ms"]["p50"] <= GOAL_SEARCH_P50_MS,
        "instantiate_p50_ms<=200": out["instantiate_20_files_ms"]["p50"] <= GOAL_INSTANTIATE_MS,
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
