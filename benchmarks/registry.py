"""Model registry: the studio's search and registration against MLflow's SQLAlchemy store, one run.

Both registries get the same data in SQLite files side by side (same sqlite3 library, same
disk): N versions in G groups (MLflow: registered models), each version with 5 metrics and
3 tags, a status from the group's approval setting and quality gate, one "champion" alias per
group. Then each query runs, interleaved studio / MLflow with the same parameters, warm-up
first, and its p50 / p95 are reported with the speedup and the goals of the issue:

* every search p50 <= 20 ms and >= 10x faster than MLflow's equivalent;
* one version (by number or alias) <= 1 ms;
* registration >= 1,000 versions/s.

The studio is loaded through ``RegistryService.register_version`` (every version, timed: that
is the registration rate). MLflow's store creates its schema, then its tables are filled with
bulk inserts (its API registers ~100 versions/s); its registration rate is timed on a sample
through ``SqlAlchemyStore.create_model_version`` afterwards.

MLflow versions have no metrics and no approval status: its versions carry them as tags
(``metric.<name>``, ``status``), so both stores hold the same information. A numeric metric
threshold cannot be expressed in MLflow's search (tags compare as strings, with = != LIKE
ILIKE only); for that query MLflow runs the closest equivalent,
``tags.`metric.accuracy` LIKE '0.9%'``, which returns the same versions here (metrics are in
[0, 1) with four decimals). Every query is checked once for identical answers on both sides.

Needs MLflow: ``pip install 'jupyter-mlops-studio[benchmark]'`` (or ``pip install mlflow``).

    python benchmarks/registry.py                   # 100,000 versions, 1,000 groups, 30 runs
    python benchmarks/registry.py --quick           # 10,000 versions, 100 groups, 10 runs
    python benchmarks/registry.py --plans           # include EXPLAIN QUERY PLAN of each query
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

METRICS = ("accuracy", "auc", "f1", "precision", "recall")
TEAMS = tuple(f"team-{i}" for i in range(10))
DATASETS = tuple(f"ds-{i:02d}" for i in range(50))
ENVS = ("dev", "staging", "prod")
ALIAS = "champion"
#: every group refuses nothing but marks a version Rejected below this accuracy
GATE_RULES = [{"metric": "accuracy", "op": ">=", "threshold": 0.05}]
SEARCH_LIMIT = 100
GOAL_SEARCH_P50_MS = 20.0
GOAL_SPEEDUP = 10.0
GOAL_LOOKUP_P50_MS = 1.0
GOAL_REGISTRATION_PER_S = 1000.0
REGISTRATION_SAMPLE = 300


def log(msg: str) -> None:
    print(f"[registry-bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def summary(samples: list[float]) -> dict:
    ms = [s * 1000 for s in samples]
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18] if len(ms) > 1 else ms[0]
    return {
        "p50_ms": round(statistics.median(ms), 3),
        "p95_ms": round(p95, 3),
        "min_ms": round(min(ms), 3),
        "runs": len(ms),
    }


def row_counts(engine, *tables: str) -> dict:
    with engine.connect() as conn:
        return {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar() for t in tables}


# -- the data --------------------------------------------------------------------------------


def group_names(n_groups: int) -> list[str]:
    width = max(4, len(str(n_groups - 1)))
    return [f"grp-{i:0{width}d}" for i in range(n_groups)]


def like_patterns(names: list[str]) -> list[str]:
    """``grp-000%`` … ``grp-009%``: each matches 10 groups (of 100 or more)."""
    prefix = names[0][:-2]  # grp-00 for grp-0000
    return [f"{prefix}{d}%" for d in range(10)]


def make_versions(n_versions: int, names: list[str], seed: int) -> list[tuple[str, dict]]:
    """(group, registration body) in registration order: round-robin over the groups."""
    rng = random.Random(seed)
    out = []
    for i in range(n_versions):
        group = names[i % len(names)]
        metrics = {m: min(round(rng.random(), 4), 0.9999) for m in METRICS}
        tags = {"team": rng.choice(TEAMS), "dataset": rng.choice(DATASETS), "env": rng.choice(ENVS)}
        out.append(
            (
                group,
                {
                    "metrics": metrics,
                    "tags": tags,
                    "framework": "sklearn",
                    "artifact": {"s3_uri": f"s3://bench-models/{group}/{i}/model.tar.gz"},
                },
            )
        )
    return out


# -- the studio ------------------------------------------------------------------------------


class Studio:
    name = "studio"

    def __init__(self, workdir: Path):
        from jupyter_mlops_studio.core.artifacts import LocalArtifactStore
        from jupyter_mlops_studio.core.db import Database
        from jupyter_mlops_studio.core.permissions import ADMIN, Principal
        from jupyter_mlops_studio.core.policy import AccessPolicy
        from jupyter_mlops_studio.core.users import IdentityService
        from jupyter_mlops_studio.registry.service import RegistryService
        from jupyter_mlops_studio.spaces.paths import SpacePaths
        from jupyter_mlops_studio.spaces.service import SpaceService

        self.path = workdir / "studio.db"
        db = Database(f"sqlite:///{self.path}")
        db.ensure_schema()
        identity = IdentityService(db, "bench")
        identity.ensure_domain()
        identity.create_user("bench", [ADMIN], "Benchmark")
        paths = SpacePaths(workdir / "root", "spaces")
        paths.spaces_dir.mkdir(parents=True, exist_ok=True)
        spaces = SpaceService(db, identity, paths, workdir / "archive")
        artifacts = LocalArtifactStore(root_dir=str(workdir / "artifacts"))
        available = {
            "db": db,
            "identity": identity,
            "spaces": spaces,
            "paths": paths,
            "policy": AccessPolicy(paths, spaces.roles_of),
            "artifacts": artifacts,
            "webhooks": None,
        }
        params = inspect.signature(RegistryService).parameters
        self.registry = RegistryService(**{k: available[k] for k in params if k in available})
        self.db = db
        self.engine = db.engine
        self.principal = Principal("bench", frozenset({ADMIN}))

    def create_groups(self, names: list[str]) -> None:
        for i, name in enumerate(names):
            self.registry.create_group(
                self.principal,
                {
                    "name": name,
                    "initial_status": "Approved" if i % 2 == 0 else "PendingManualApproval",
                    "gate_failure": "reject",
                    "rules": GATE_RULES,
                },
            )

    def register(self, group: str, body: dict) -> dict:
        return self.registry.register_version(self.principal, group, body)

    def set_alias(self, group: str, alias: str, version: int) -> None:
        self.registry.set_alias(self.principal, group, alias, {"version": version})

    # queries: each returns [(group, version), …]
    def search(self, filter: str, order_by: str | None = None) -> list[tuple[str, int]]:
        items, _ = self.registry.search_versions(self.principal, filter, order_by, SEARCH_LIMIT)
        return [(v["group"], v["version"]) for v in items]

    def group_versions(self, group: str) -> list[tuple[str, int]]:
        items, _ = self.registry.list_versions(self.principal, group, limit=SEARCH_LIMIT)
        return [(v["group"], v["version"]) for v in items]

    def get_version(self, group: str, ref) -> list[tuple[str, int]]:
        v = self.registry.get_version(self.principal, group, ref)
        return [(v["group"], v["version"])]

    def matches(self, filter: str) -> int | None:
        """How many versions a filter matches in all (its selectivity; the page holds 100)."""
        try:
            from sqlalchemy import func, select

            from jupyter_mlops_studio.registry.models import GroupRow, VersionRow
            from jupyter_mlops_studio.registry.search import compile_filter
        except ImportError:  # pragma: no cover - the service moved: report without counts
            return None
        query = (
            select(func.count())
            .select_from(VersionRow)
            .join(GroupRow, GroupRow.id == VersionRow.group_id)
            .where(compile_filter(filter))
        )
        with self.engine.connect() as conn:
            return conn.execute(query).scalar()

    def counts(self) -> dict:
        return row_counts(
            self.engine,
            "registry_groups",
            "registry_versions",
            "registry_version_metrics",
            "registry_version_tags",
            "registry_aliases",
            "registry_audit",
        )


# -- MLflow ----------------------------------------------------------------------------------


class MLflow:
    name = "mlflow"

    def __init__(self, workdir: Path):
        from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore

        self.path = workdir / "mlflow.db"
        self.store = SqlAlchemyStore(f"sqlite:///{self.path}")
        self.engine = self.store.engine

    @staticmethod
    def tags_of(body: dict, status: str) -> dict[str, str]:
        """The version's tags, its metrics as ``metric.<name>`` and its approval status."""
        return {
            **body["tags"],
            **{f"metric.{k}": repr(x) for k, x in body["metrics"].items()},
            "status": status,
        }

    def bulk_load(self, names: list[str], registered: list[tuple[str, dict, dict]]) -> None:
        """Fill MLflow's tables with one multi-row insert per table (its schema, its defaults)."""
        from mlflow.store.model_registry.dbmodels.models import (
            SqlModelVersion,
            SqlModelVersionTag,
            SqlRegisteredModel,
            SqlRegisteredModelAlias,
        )
        from mlflow.utils.workspace_utils import DEFAULT_WORKSPACE_NAME as WS
        from sqlalchemy import insert

        created = {}
        versions, tags = [], []
        for group, body, result in registered:
            millis = int(result["created_at_epoch"] * 1000)
            created.setdefault(group, millis)
            versions.append(
                {
                    "workspace": WS,
                    "name": group,
                    "version": result["version"],
                    "creation_time": millis,
                    "last_updated_time": millis,
                    "description": "",
                    "user_id": "bench",
                    "current_stage": "None",
                    "source": body["artifact"]["s3_uri"],
                    "storage_location": body["artifact"]["s3_uri"],
                    "run_id": None,
                    "run_link": None,
                    "status": "READY",
                    "status_message": None,
                }
            )
            for k, x in self.tags_of(body, result["status"]).items():
                tags.append(
                    {
                        "workspace": WS,
                        "name": group,
                        "version": result["version"],
                        "key": k,
                        "value": x,
                    }
                )
        last = {}
        for group, _, result in registered:
            last[group] = int(result["created_at_epoch"] * 1000)
        models = [
            {
                "workspace": WS,
                "name": n,
                "creation_time": created.get(n, 0),
                "last_updated_time": last.get(n, 0),
                "description": "",
            }
            for n in names
        ]
        with self.engine.begin() as conn:
            conn.execute(insert(SqlRegisteredModel.__table__), models)
            for table, rows in ((SqlModelVersion, versions), (SqlModelVersionTag, tags)):
                for i in range(0, len(rows), 20000):
                    conn.execute(insert(table.__table__), rows[i : i + 20000])
        self._alias_table = SqlRegisteredModelAlias
        self._ws = WS

    def bulk_aliases(self, aliases: dict[str, int]) -> None:
        from sqlalchemy import insert

        with self.engine.begin() as conn:
            conn.execute(
                insert(self._alias_table.__table__),
                [
                    {"workspace": self._ws, "name": g, "alias": ALIAS, "version": n}
                    for g, n in aliases.items()
                ],
            )

    def register(self, group: str, body: dict, status: str):
        from mlflow.entities.model_registry import ModelVersionTag

        return self.store.create_model_version(
            group,
            body["artifact"]["s3_uri"],
            tags=[ModelVersionTag(k, x) for k, x in self.tags_of(body, status).items()],
        )

    def search(self, filter: str, order_by: list[str] | None = None) -> list[tuple[str, int]]:
        page = self.store.search_model_versions(filter, SEARCH_LIMIT, order_by)
        return [(mv.name, int(mv.version)) for mv in page]

    def group_versions(self, group: str) -> list[tuple[str, int]]:
        return self.search(f"name = '{group}'", ["version_number DESC"])

    def get_version(self, group: str, ref) -> list[tuple[str, int]]:
        if isinstance(ref, int):
            mv = self.store.get_model_version(group, str(ref))
        else:
            mv = self.store.get_model_version_by_alias(group, ref)
        return [(mv.name, int(mv.version))]

    def search_models(self, filter: str) -> list[str]:
        return [m.name for m in self.store.search_registered_models(filter, SEARCH_LIMIT)]

    def counts(self) -> dict:
        return row_counts(
            self.engine,
            "registered_models",
            "model_versions",
            "model_version_tags",
            "registered_model_aliases",
        )


# -- measuring -------------------------------------------------------------------------------


def capture_plans(engine, call: Callable[[], object]) -> list[dict]:
    """The SQL statements one call runs, with SQLite's EXPLAIN QUERY PLAN of each."""
    from sqlalchemy import event

    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    out = []
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for statement, parameters in statements:
            cur.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            out.append(
                {
                    "sql": " ".join(statement.split()),
                    "plan": [row[-1] for row in cur.fetchall()],
                }
            )
    finally:
        raw.close()
    return out


def time_pair(
    studio_call: Callable[[int], object],
    mlflow_call: Callable[[int], object] | None,
    runs: int,
    warmup: int,
) -> tuple[list[float], list[float]]:
    """Run both sides alternately (who goes first alternates too) with the same parameter k."""
    s_times, m_times = [], []
    for k in range(warmup + runs):
        pair = [("s", studio_call)] + ([("m", mlflow_call)] if mlflow_call else [])
        if k % 2:
            pair.reverse()
        for side, call in pair:
            t0 = time.perf_counter()
            call(k)
            dt = time.perf_counter() - t0
            if k >= warmup:
                (s_times if side == "s" else m_times).append(dt)
    return s_times, m_times


def machine_info() -> dict:
    import sqlalchemy

    try:
        import mlflow

        mlflow_version = mlflow.__version__
    except Exception:  # pragma: no cover - reported, not fatal here
        mlflow_version = None
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_count": os.cpu_count(),
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
        "mlflow": mlflow_version,
    }


def file_size(path: Path) -> int:
    return sum(
        p.stat().st_size for p in (path, Path(f"{path}-wal"), Path(f"{path}-journal")) if p.exists()
    )


def run(args) -> dict:
    started = time.time()
    workdir = Path(tempfile.mkdtemp(prefix="registry-bench-", dir=args.workdir))
    try:
        return _run(args, workdir, started)
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _run(args, workdir: Path, started: float) -> dict:
    names = group_names(args.groups)
    bodies = make_versions(args.versions, names, args.seed)
    studio, mlflow = Studio(workdir), MLflow(workdir)

    # -- load the studio through its service (this is the registration rate) -----------------
    log(f"studio: creating {len(names)} groups")
    t0 = time.perf_counter()
    studio.create_groups(names)
    groups_s = time.perf_counter() - t0
    log(f"studio: registering {len(bodies)} versions through RegistryService.register_version")
    registered: list[tuple[str, dict, dict]] = []
    latencies = []
    t_load = time.perf_counter()
    for i, (group, body) in enumerate(bodies):
        t0 = time.perf_counter()
        result = studio.register(group, body)
        latencies.append(time.perf_counter() - t0)
        created = datetime.fromisoformat(result["created_at"]).timestamp()
        registered.append(
            (
                group,
                body,
                {
                    "version": result["version"],
                    "status": result["status"],
                    "created_at_epoch": created,
                },
            )
        )
        if (i + 1) % 10000 == 0:
            elapsed = time.perf_counter() - t_load
            log(f"  {i + 1} versions, {(i + 1) / elapsed:.0f}/s")
    load_s = time.perf_counter() - t_load
    aliases = {}
    versions_per_group = {}
    for group, _, result in registered:
        versions_per_group[group] = result["version"]
    for i, group in enumerate(names):
        aliases[group] = (i * 7) % versions_per_group[group] + 1
        studio.set_alias(group, ALIAS, aliases[group])
    window = min(1000, len(latencies))
    studio_registration = {
        "path": "RegistryService.register_version, one call per version (validation, gate, "
        "version counter, 5 metric rows, 3 tag rows, audit row; one write transaction)",
        "versions": len(bodies),
        "seconds": round(load_s, 2),
        "versions_per_s": round(len(bodies) / load_s, 1),
        "first_1000_per_s": round(window / sum(latencies[:window]), 1),
        "last_1000_per_s": round(window / sum(latencies[-window:]), 1),
        "latency": summary(latencies),
        "groups_created_per_s": round(len(names) / groups_s, 1),
    }
    log(f"studio: {studio_registration['versions_per_s']} versions/s")

    # -- load MLflow with the same data (bulk SQL into its own schema) -----------------------
    log("mlflow: bulk-loading the same data into its schema")
    t0 = time.perf_counter()
    mlflow.bulk_load(names, registered)
    mlflow.bulk_aliases(aliases)
    mlflow_load_s = time.perf_counter() - t0
    statuses = {}
    for _, _, result in registered:
        statuses[result["status"]] = statuses.get(result["status"], 0) + 1

    # -- the queries --------------------------------------------------------------------------
    patterns = like_patterns(names)
    order_groups = [names[(k * 37) % len(names)] for k in range(len(names))]

    def grp(k):
        return order_groups[k % len(order_groups)]

    def team(k):
        return TEAMS[k % len(TEAMS)]

    def number(k):
        return (k * 13) % versions_per_group[grp(k)] + 1

    def mt_studio(k):
        return f"metrics.accuracy >= 0.9 AND tags.team = '{team(k)}' AND status = 'Approved'"

    def mt_mlflow(k):
        return (
            f"tags.`metric.accuracy` LIKE '0.9%' AND tags.team = '{team(k)}' "
            "AND tags.status = 'Approved'"
        )

    by_group_version_s, by_group_version_m = (
        "group ASC, version DESC",
        [
            "name ASC",
            "version_number DESC",
        ],
    )
    queries = [
        {
            "name": "one_group_versions",
            "kind": "search",
            "studio": f'list_versions(group, limit={SEARCH_LIMIT}) = search_versions("group = '
            "'<g>'\", 'version DESC')",
            "mlflow": "search_model_versions(\"name = '<g>'\", "
            f"{SEARCH_LIMIT}, ['version_number DESC'])",
            "filter": lambda k: f"group = '{grp(k)}'",
            "s": lambda k: studio.group_versions(grp(k)),
            "m": lambda k: mlflow.group_versions(grp(k)),
            "check_s": lambda k: studio.group_versions(grp(k)),
            "check_m": lambda k: mlflow.group_versions(grp(k)),
        },
        {
            "name": "tag_filter",
            "kind": "search",
            "studio": "search_versions(\"tags.team = '<team>'\") (default order: newest first)",
            "mlflow": "search_model_versions(\"tags.team = '<team>'\") (default order)",
            "filter": lambda k: f"tags.team = '{team(k)}'",
            "s": lambda k: studio.search(f"tags.team = '{team(k)}'"),
            "m": lambda k: mlflow.search(f"tags.team = '{team(k)}'"),
            "check_s": lambda k: studio.search(f"tags.team = '{team(k)}'", by_group_version_s),
            "check_m": lambda k: mlflow.search(f"tags.team = '{team(k)}'", by_group_version_m),
        },
        {
            "name": "metric_tag_status",
            "kind": "search",
            "studio": "search_versions(\"metrics.accuracy >= 0.9 AND tags.team = '<team>' "
            "AND status = 'Approved'\")",
            "mlflow": "not expressible",
            "mlflow_not_expressible": "MLflow versions have no metrics and no approval status, "
            "and its search compares tags as strings (= != LIKE ILIKE): a numeric threshold "
            "cannot be written. Timed instead: the tag equivalent "
            "search_model_versions(\"tags.`metric.accuracy` LIKE '0.9%' AND tags.team = "
            "'<team>' AND tags.status = 'Approved'\") over the same versions (metrics and "
            "status stored as tags), which returns the same versions here",
            "filter": mt_studio,
            "s": lambda k: studio.search(mt_studio(k)),
            "m": lambda k: mlflow.search(mt_mlflow(k)),
            "check_s": lambda k: studio.search(mt_studio(k), by_group_version_s),
            "check_m": lambda k: mlflow.search(mt_mlflow(k), by_group_version_m),
        },
        {
            "name": "group_name_like",
            "kind": "search",
            "studio": "search_versions(\"group LIKE 'grp-00<d>%'\") (versions of 10 groups)",
            "mlflow": "search_model_versions(\"name LIKE 'grp-00<d>%'\")",
            "filter": lambda k: f"group LIKE '{patterns[k % 10]}'",
            "s": lambda k: studio.search(f"group LIKE '{patterns[k % 10]}'"),
            "m": lambda k: mlflow.search(f"name LIKE '{patterns[k % 10]}'"),
            "check_s": lambda k: studio.search(
                f"group LIKE '{patterns[k % 10]}'", by_group_version_s
            ),
            "check_m": lambda k: mlflow.search(
                f"name LIKE '{patterns[k % 10]}'", by_group_version_m
            ),
        },
        {
            "name": "one_version_by_number",
            "kind": "lookup",
            "studio": "get_version(group, <n>)",
            "mlflow": "get_model_version(name, '<n>')",
            "s": lambda k: studio.get_version(grp(k), number(k)),
            "m": lambda k: mlflow.get_version(grp(k), number(k)),
        },
        {
            "name": "one_version_by_alias",
            "kind": "lookup",
            "studio": f"get_version(group, '{ALIAS}')",
            "mlflow": f"get_model_version_by_alias(name, '{ALIAS}')",
            "s": lambda k: studio.get_version(grp(k), ALIAS),
            "m": lambda k: mlflow.get_version(grp(k), ALIAS),
        },
    ]

    results = {}
    for q in queries:
        log(f"timing {q['name']}")
        same = True
        for k in range(3):
            a = q.get("check_s", q["s"])(k)
            b = q.get("check_m", q["m"])(k)
            same = same and a == b and len(a) > 0
        s_times, m_times = time_pair(q["s"], q["m"], args.runs, args.warmup)
        s, m = summary(s_times), summary(m_times)
        speedup = round(m["p50_ms"] / s["p50_ms"], 1) if s["p50_ms"] else None
        entry = {
            "studio_call": q["studio"],
            "studio": s,
            "mlflow": m,
            "speedup": speedup,
            "rows_returned": {"studio": len(q["s"](0)), "mlflow": len(q["m"](0))},
            "same_results": same,
            "total_matches": studio.matches(q["filter"](0)) if "filter" in q else 1,
        }
        if q["mlflow"] == "not expressible":
            entry["mlflow"] = "not expressible"
            entry["mlflow_note"] = q["mlflow_not_expressible"]
            entry["mlflow_equivalent"] = m
        else:
            entry["mlflow_call"] = q["mlflow"]
        if q["kind"] == "search":
            entry["goals"] = {
                f"p50_le_{GOAL_SEARCH_P50_MS:g}ms": s["p50_ms"] <= GOAL_SEARCH_P50_MS,
                f"speedup_ge_{GOAL_SPEEDUP:g}x": speedup is not None and speedup >= GOAL_SPEEDUP,
            }
        else:
            entry["goals"] = {f"p50_le_{GOAL_LOOKUP_P50_MS:g}ms": s["p50_ms"] <= GOAL_LOOKUP_P50_MS}
        if args.plans:
            entry["plans"] = {
                "studio": capture_plans(studio.engine, lambda q=q: q["s"](0)),
                "mlflow": capture_plans(mlflow.engine, lambda q=q: q["m"](0)),
            }
        results[q["name"]] = entry

    # MLflow's own group search; the studio has no filtered group list (reference only)
    m_times = time_pair(
        lambda k: mlflow.search_models(f"name LIKE '{patterns[k % 10]}'"),
        None,
        args.runs,
        args.warmup,
    )[0]
    reference = {
        "mlflow_search_registered_models_name_like": {
            "mlflow_call": "search_registered_models(\"name LIKE 'grp-00<d>%'\")",
            "mlflow": summary(m_times),
            "studio": "no filtered group search (list_groups returns every group); the "
            "studio's name LIKE over groups is group_name_like above",
        }
    }

    # -- registration rate of both through their APIs, on the loaded databases ---------------
    n_sample = min(REGISTRATION_SAMPLE, len(bodies))
    sample = make_versions(n_sample, names, args.seed + 1)
    log(f"registration sample: {n_sample} versions through each API")
    t0 = time.perf_counter()
    sample_status = []
    for group, body in sample:
        sample_status.append(studio.register(group, body)["status"])
    studio_sample_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for (group, body), status in zip(sample, sample_status, strict=True):
        mlflow.register(group, body, status)
    mlflow_sample_s = time.perf_counter() - t0
    studio_registration["sample_on_loaded_db"] = {
        "versions": n_sample,
        "versions_per_s": round(n_sample / studio_sample_s, 1),
    }
    registration = {
        "studio": studio_registration,
        "mlflow": {
            "path": "SqlAlchemyStore.create_model_version with its 9 tags (3 tags, 5 "
            "metric.<name>, status) in one call",
            "versions": n_sample,
            "versions_per_s": round(n_sample / mlflow_sample_s, 1),
            "bulk_load_seconds": round(mlflow_load_s, 2),
            "bulk_load_note": "MLflow's tables were filled with bulk inserts (not timed as "
            "registration); its API rate is the sample above",
        },
        "speedup": round((n_sample / studio_sample_s) / (n_sample / mlflow_sample_s), 1),
        "goals": {
            f"ge_{GOAL_REGISTRATION_PER_S:g}_per_s": studio_registration["versions_per_s"]
            >= GOAL_REGISTRATION_PER_S
        },
    }

    goals = {
        f"{name}.{goal}": ok
        for name, entry in results.items()
        for goal, ok in entry["goals"].items()
    }
    goals.update({f"registration.{g}": ok for g, ok in registration["goals"].items()})
    return {
        "benchmark": "registry",
        "config": {
            "versions": args.versions,
            "groups": args.groups,
            "versions_per_group": args.versions // args.groups,
            "metrics_per_version": len(METRICS),
            "tags_per_version": 3,
            "runs": args.runs,
            "warmup": args.warmup,
            "search_limit": SEARCH_LIMIT,
            "seed": args.seed,
            "tag_values": {"team": len(TEAMS), "dataset": len(DATASETS), "env": len(ENVS)},
            "statuses": statuses,
            "mlflow_data": "same groups (registered models), version numbers, creation times, "
            "sources, 3 tags; metrics as tags metric.<name> (repr of the float) and the "
            "approval status as tag status; one 'champion' alias per group",
            "sqlite": "two files in one directory, same sqlite3 library; the studio's engine "
            "(WAL, synchronous=FULL), MLflow's engine as its store creates it",
        },
        "machine": machine_info(),
        "data": {
            "studio": {**studio.counts(), "file_bytes": file_size(studio.path)},
            "mlflow": {**mlflow.counts(), "file_bytes": file_size(mlflow.path)},
            "note": "counts after the registration sample",
        },
        "queries": results,
        "reference": reference,
        "registration": registration,
        "goals": goals,
        "all_goals_met": all(goals.values()),
        "seconds": round(time.time() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--quick", action="store_true", help="10,000 versions, 100 groups, 10 runs")
    parser.add_argument("--plans", action="store_true", help="add EXPLAIN QUERY PLAN per query")
    parser.add_argument("--workdir", default=None, help="where the SQLite files go (tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite files")
    parser.add_argument("--output", default=None, help="also write the JSON to this file")
    args = parser.parse_args()
    if args.quick:
        args.versions, args.groups, args.runs = 10_000, 100, 10
    if args.groups < 10 or args.versions < args.groups:
        parser.error("need at least 10 groups and one version per group")
    try:
        import mlflow  # noqa: F401
    except ImportError:
        parser.error("MLflow is not installed: pip install 'jupyter-mlops-studio[benchmark]'")
    report = run(args)
    text = json.dumps(report, indent=2)
    if args.output:
        Path(args.output).write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
