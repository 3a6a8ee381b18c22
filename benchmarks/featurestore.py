"""Feature store: the studio against Feast, side by side in one run, on the same data.

Data (seeded): 10 float features. Online: 100,000 ids, one record each. Point-in-time: 10,000
ids x 100 hourly records (1M feature rows) and a 1M-row spine of (id, timestamp) drawn at
random — some before an id's first record, some of ids that have no records, and a few exact
duplicates, as real spines have.

* ingestion: ``FeatureStoreService.ingest`` of the 100,000-row table (offline Parquet + latest
  record per id online, SQLite; Redis as an extra line) vs Feast's ``materialize`` of the same
  rows from its file offline store into its SQLite online store — goal >= 100,000 rows/s;
* online get in process, p50/p99, 1 id and 100 ids: ``get_record`` / ``batch_get`` vs a raw
  ``sqlite3`` primary-key lookup of the same rows in the studio's database (the anchor: goal
  <= 3x raw) vs Feast's ``get_online_features`` on its SQLite online store;
* online get over HTTP with keep-alive connections, p50/p99: ``GET
  /mlops-studio/api/v1/featurestore/groups/{name}/records/{id}`` on a real Jupyter server vs
  Feast's feature server (``feast serve``, ``POST /get-online-features``) — goal p99 <= 2 ms;
* training set, 1M spine rows x 1M feature rows: wall time and peak RSS (VmHWM) of a child
  process per side, ``training_set`` vs Feast's ``get_historical_features`` (file offline
  store) — goal <= 1.5 s and <= 2 GB. The studio's answer is checked to have one row per spine
  row, in spine order, equal to a pandas ``merge_asof`` reference and, on a sample, to a plain
  Python loop. Feast's answer is counted against the spine (rows dropped, rows duplicated) and
  its values checked against the same reference.

Feast at 1M x 1M takes minutes and many GB. By default (``--feast-rows auto``) Feast first runs
on a tenth of the spine; if the linear extrapolation fits ``--feast-budget`` seconds and the
memory cap, it runs at full size too, otherwise the JSON says it was not run at full size and
gives the extrapolation. A watchdog kills a Feast child past the memory cap or the budget.

    pip install -e ".[benchmark]"
    python benchmarks/featurestore.py --out /tmp/featurestore.json
    python benchmarks/featurestore.py --quick          # small sizes, for a smoke test
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from _server import free_port, server_command, wait_until_up

FEATURES = [f"f{i}" for i in range(10)]
BASE = 1_767_225_600  # 2026-01-01T00:00:00Z
ONLINE_GROUP, PIT_GROUP, REDIS_GROUP = "online", "pit", "online-redis"
REDIS_URL = "redis://127.0.0.1:6379/0"
TOKEN = "featurestore-bench-token"
API = "/mlops-studio/api/v1"

GOAL_RAW_RATIO = 3.0
GOAL_HTTP_P99_MS = 2.0
GOAL_TRAINING_S = 1.5
GOAL_TRAINING_BYTES = 2 * 1024**3
GOAL_INGEST_ROWS_S = 100_000


def log(msg: str) -> None:
    print(f"[featurestore-bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def summary(samples: list[float]) -> dict:
    ms = sorted(s * 1000 for s in samples)
    p99 = statistics.quantiles(ms, n=100, method="inclusive")[98] if len(ms) > 1 else ms[0]
    return {
        "p50_ms": round(statistics.median(ms), 4),
        "p99_ms": round(p99, 4),
        "mean_ms": round(statistics.fmean(ms), 4),
        "runs": len(ms),
    }


def proc_status(pid: int | str = "self") -> dict[str, int]:
    """VmRSS / VmHWM of a process, in bytes."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                out[key] = int(value.split()[0]) * 1024
    except (OSError, ValueError):
        pass
    return out


def mem_available() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return 0


def gib(n: float | None) -> float | None:
    return None if n is None else round(n / 1024**3, 3)


# -- the data --------------------------------------------------------------------------------


def online_table(n_ids: int, seed: int) -> pa.Table:
    """One record per id: id, event_time (Unix seconds, within a day), f0..f9."""
    rng = np.random.default_rng(seed)
    columns = {
        "id": np.arange(n_ids, dtype=np.int64),
        "event_time": (BASE + rng.integers(0, 86_400, n_ids)).astype(np.float64),
    }
    for f in FEATURES:
        columns[f] = rng.random(n_ids)
    return pa.table(columns)


def pit_table(n_ids: int, per_id: int, seed: int) -> pa.Table:
    """``per_id`` records per id, one in each hour (at a random second of it)."""
    rng = np.random.default_rng(seed)
    n = n_ids * per_id
    hours = np.tile(np.arange(per_id, dtype=np.int64), n_ids)
    seconds = BASE + hours * 3600 + rng.integers(0, 3600, n)
    columns = {
        "id": np.repeat(np.arange(n_ids, dtype=np.int64), per_id),
        "event_time": seconds.astype(np.float64),
    }
    for f in FEATURES:
        columns[f] = rng.random(n)
    return pa.table(columns)


def spine_table(n_rows: int, n_ids: int, per_id: int, seed: int) -> pa.Table:
    """(id, event_timestamp): 1% of ids without records, times from 2 h before the first hour
    to 2 h after the last, whole seconds (so a few rows repeat by chance), 0.1% repeated on
    purpose."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, int(n_ids * 1.01), n_rows).astype(np.int64)
    seconds = rng.integers(BASE - 7200, BASE + per_id * 3600 + 7200, n_rows)
    repeat = rng.choice(n_rows, n_rows // 1000, replace=False)
    source = rng.choice(n_rows, len(repeat), replace=True)
    ids[repeat], seconds[repeat] = ids[source], seconds[source]
    stamps = pa.array(seconds * 1_000_000, pa.int64()).cast(pa.timestamp("us", tz="UTC"))
    return pa.table({"id": ids, "event_timestamp": stamps})


def with_timestamp(table: pa.Table) -> pa.Table:
    """Feast's copy of a feature table: event time as a UTC timestamp column."""
    micros = (table.column("event_time").to_numpy() * 1e6).astype(np.int64)
    stamps = pa.array(micros, pa.int64()).cast(pa.timestamp("us", tz="UTC"))
    return table.drop_columns(["event_time"]).add_column(1, "event_timestamp", stamps)


def group_definition(name: str) -> dict:
    return {
        "name": name,
        "record_identifier": "id",
        "event_time": "event_time",
        "features": [
            {"name": "id", "type": "Integral"},
            {"name": "event_time", "type": "Fractional"},
            *({"name": f, "type": "Fractional"} for f in FEATURES),
        ],
    }


# -- the studio (in process) -----------------------------------------------------------------


def studio_service(workdir: Path, online: str = "sql", key_prefix: str = ""):
    """A FeatureStoreService as StudioApp builds it, on a SQLite file in ``workdir``."""
    from jupyter_mlops_studio.core.artifacts import LocalArtifactStore
    from jupyter_mlops_studio.core.db import Database
    from jupyter_mlops_studio.featurestore.offline import OfflineStore
    from jupyter_mlops_studio.featurestore.online import RedisOnlineStore, SqlOnlineStore
    from jupyter_mlops_studio.featurestore.service import FeatureStoreService

    db = Database(f"sqlite:///{workdir / 'studio.db'}")
    db.ensure_schema()
    artifacts = LocalArtifactStore(root_dir=str(workdir / "artifacts"))
    artifacts.check()
    if online == "sql":
        store = SqlOnlineStore(db)
    else:
        store = RedisOnlineStore(url=REDIS_URL, key_prefix=key_prefix)
    # the defaults of StudioApp: 2 GB for DuckDB, one thread per core
    offline = OfflineStore(db, artifacts, str(workdir / "cache"), memory_limit="2GB")
    service = FeatureStoreService(db, store, offline, flush_interval=0)
    service.start()
    return service


def principal():
    from jupyter_mlops_studio.core.permissions import Principal

    return Principal("bench", frozenset({"data-scientist"}))


# -- Feast ------------------------------------------------------------------------------------

FEAST_YAML = """project: bench
registry: data/registry.db
provider: local
online_store:
  type: sqlite
  path: data/online.db
offline_store:
  type: file
entity_key_serialization_version: 3
"""


def feast_objects(repo: Path):
    from feast import Entity, FeatureView, Field, FileSource, ValueType
    from feast.types import Float64

    entity = Entity(name="id", join_keys=["id"], value_type=ValueType.INT64)
    views = []
    for name in (ONLINE_GROUP, PIT_GROUP):
        views.append(
            FeatureView(
                name=name,
                entities=[entity],
                ttl=dt.timedelta(days=3650),  # no TTL on the studio's groups either
                schema=[Field(name=f, dtype=Float64) for f in FEATURES],
                source=FileSource(
                    path=str(repo / "data" / f"{name}.parquet"), timestamp_field="event_timestamp"
                ),
                online=name == ONLINE_GROUP,
            )
        )
    return entity, views


def feast_repo(workdir: Path, online: pa.Table, pit: pa.Table):
    from feast import FeatureStore

    repo = workdir / "feast"
    (repo / "data").mkdir(parents=True)
    (repo / "feature_store.yaml").write_text(FEAST_YAML)
    pq.write_table(with_timestamp(online), repo / "data" / f"{ONLINE_GROUP}.parquet")
    pq.write_table(with_timestamp(pit), repo / "data" / f"{PIT_GROUP}.parquet")
    store = FeatureStore(repo_path=str(repo))
    entity, views = feast_objects(repo)
    store.apply([entity, *views])
    return repo, store


def feast_features(view: str) -> list[str]:
    return [f"{view}:{f}" for f in FEATURES]


# -- ingestion ---------------------------------------------------------------------------------


def create_and_ingest(service, name: str, table: pa.Table) -> tuple[float, dict]:
    """Create group ``name`` and ingest ``table`` into it: (seconds of the ingest, its result)."""
    p = principal()
    service.create_group(p, group_definition(name))
    log(f"studio: ingesting {table.num_rows:,} rows into {name}")
    t0 = time.perf_counter()
    result = service.ingest(p, name, table)
    seconds = time.perf_counter() - t0
    assert result["written"] == table.num_rows, result
    return seconds, result


def ingestion(studio, redis_studio, feast_store, online: pa.Table) -> dict:
    studio_s, result = create_and_ingest(studio, ONLINE_GROUP, online)
    assert result["written"] == online.num_rows and result["online_written"] == online.num_rows
    out = {
        "rows": online.num_rows,
        "studio": {
            "call": "FeatureStoreService.ingest(principal, group, pyarrow.Table): offline "
            "Parquet (zstd, per event hour) + newest record per id online, one transaction",
            "online_store": "SqlOnlineStore on SQLite (the default)",
            "seconds": round(studio_s, 3),
            "rows_per_s": round(online.num_rows / studio_s),
            "files": result["files"],
        },
    }
    if redis_studio is not None:
        redis_s, _ = create_and_ingest(redis_studio, REDIS_GROUP, online)
        out["studio_redis"] = {
            "online_store": "RedisOnlineStore (127.0.0.1:6379), offline as above",
            "seconds": round(redis_s, 3),
            "rows_per_s": round(online.num_rows / redis_s),
        }
    log("feast: materializing the same rows")
    start = dt.datetime.fromtimestamp(BASE - 60, dt.timezone.utc)
    end = dt.datetime.fromtimestamp(BASE + 2 * 86_400, dt.timezone.utc)
    with contextlib.redirect_stdout(sys.stderr):  # its progress output, not our JSON
        t0 = time.perf_counter()
        feast_store.materialize(start, end, feature_views=[ONLINE_GROUP])
        feast_s = time.perf_counter() - t0
    out["feast"] = {
        "call": "FeatureStore.materialize(start, end) from the file offline store (Parquet "
        "already written) into the SQLite online store",
        "seconds": round(feast_s, 3),
        "entities_per_s": round(online.num_rows / feast_s),
        "note": "Feast's offline 'ingestion' is the Parquet file the user writes; only the "
        "online load is timed",
    }
    out["speedup"] = round(feast_s / studio_s, 1)
    out["goals"] = {
        f"studio_ge_{GOAL_INGEST_ROWS_S}_rows_per_s": out["studio"]["rows_per_s"]
        >= GOAL_INGEST_ROWS_S
    }
    return out


# -- online gets in process ----------------------------------------------------------------------


def interleave(calls: dict, args_of, runs: int, warmup: int) -> dict[str, list[float]]:
    """Run every call with the same argument each round, in a new random order each round.

    A rotating order would keep the cyclic order fixed: the same call would always come right
    after Feast's (whose Python code and garbage evict everyone's caches) and pay for it alone.
    """
    names = list(calls)
    times: dict[str, list[float]] = {n: [] for n in names}
    order = random.Random(len(names) * 7919 + runs)
    for k in range(warmup + runs):
        arg = args_of(k)
        for name in order.sample(names, len(names)):
            t0 = time.perf_counter()
            calls[name](arg)
            elapsed = time.perf_counter() - t0
            if k >= warmup:
                times[name].append(elapsed)
    return times


def online_in_process(studio, redis_studio, feast_store, online: pa.Table, args) -> dict:
    p = principal()
    group = studio.group(ONLINE_GROUP)
    n_ids = online.num_rows
    raw = sqlite3.connect(studio.db.engine.url.database, isolation_level=None)
    raw.execute("PRAGMA mmap_size=268435456")  # as SqlOnlineStore's readers: the same I/O path
    one_sql = "SELECT payload FROM featurestore_online WHERE group_id = ? AND record_id = ?"
    many_sql = (
        "SELECT record_id, payload FROM featurestore_online WHERE group_id = ? AND record_id IN "
        "(" + ", ".join(["?"] * 100) + ")"
    )
    features = feast_features(ONLINE_GROUP)
    rng = random.Random(args.seed)
    ones = [rng.randrange(n_ids) for _ in range(args.warmup + args.runs)]
    hundreds = [rng.sample(range(n_ids), 100) for _ in range(args.warmup + args.runs_100)]
    expected = {
        i: {f: online.column(f)[i].as_py() for f in FEATURES} for i in ones[:20] + hundreds[0][:20]
    }

    # the same answers from every side first
    for i in list(expected)[:20]:
        s = studio.get_record(p, ONLINE_GROUP, str(i))["record"]
        (payload,) = raw.execute(one_sql, (group.id, str(i))).fetchone()
        fe = feast_store.get_online_features(features=features, entity_rows=[{"id": i}]).to_dict()
        assert {f: s[f] for f in FEATURES} == expected[i], "studio: wrong record"
        assert {f: json.loads(payload)[f] for f in FEATURES} == expected[i], "raw: wrong row"
        assert {f: fe[f][0] for f in FEATURES} == expected[i], "feast: wrong features"
    batch = studio.batch_get(
        p, {"identifiers": [{"group": ONLINE_GROUP, "record_ids": [str(i) for i in hundreds[0]]}]}
    )
    assert len(batch["records"]) == 100 and not batch["errors"], "studio: batch incomplete"
    fe = feast_store.get_online_features(
        features=features, entity_rows=[{"id": i} for i in hundreds[0]]
    ).to_dict()
    assert fe["id"] == hundreds[0] and None not in fe["f0"], "feast: batch incomplete"

    one_calls = {
        "studio": lambda i: studio.get_record(p, ONLINE_GROUP, str(i)),
        "studio_online_store_only": lambda i: studio.online.get(group.id, str(i)),
        "raw_sqlite": lambda i: raw.execute(one_sql, (group.id, str(i))).fetchone(),
        "feast": lambda i: feast_store.get_online_features(
            features=features, entity_rows=[{"id": i}]
        ).to_dict(),
    }
    many_calls = {
        "studio": lambda ids: studio.batch_get(
            p, {"identifiers": [{"group": ONLINE_GROUP, "record_ids": [str(i) for i in ids]}]}
        ),
        "studio_online_store_only": lambda ids: studio.online.get_many(
            group.id, [str(i) for i in ids]
        ),
        "raw_sqlite": lambda ids: raw.execute(
            many_sql, (group.id, *[str(i) for i in ids])
        ).fetchall(),
        "feast": lambda ids: feast_store.get_online_features(
            features=features, entity_rows=[{"id": i} for i in ids]
        ).to_dict(),
    }
    if redis_studio is not None:
        one_calls["studio_redis"] = lambda i: redis_studio.get_record(p, REDIS_GROUP, str(i))
        many_calls["studio_redis"] = lambda ids: redis_studio.batch_get(
            p, {"identifiers": [{"group": REDIS_GROUP, "record_ids": [str(i) for i in ids]}]}
        )
        s = redis_studio.get_record(p, REDIS_GROUP, str(ones[0]))["record"]
        assert {f: s[f] for f in FEATURES} == expected[ones[0]], "studio on Redis: wrong record"

    log(f"online in process: 1 id, {args.runs} rounds")
    t1 = interleave(one_calls, lambda k: ones[k], args.runs, args.warmup)
    log(f"online in process: 100 ids, {args.runs_100} rounds")
    t100 = interleave(many_calls, lambda k: hundreds[k], args.runs_100, args.warmup)
    raw.close()
    out = {}
    for label, times in (("one_id", t1), ("hundred_ids", t100)):
        entry = {name: summary(samples) for name, samples in times.items()}
        ratio = entry["studio"]["p50_ms"] / entry["raw_sqlite"]["p50_ms"]
        entry["studio_vs_raw_p50"] = round(ratio, 2)
        entry["studio_vs_raw_p99"] = round(
            entry["studio"]["p99_ms"] / entry["raw_sqlite"]["p99_ms"], 2
        )
        entry["feast_vs_studio_p50"] = round(
            entry["feast"]["p50_ms"] / entry["studio"]["p50_ms"], 1
        )
        entry["goals"] = {f"studio_p50_le_{GOAL_RAW_RATIO:g}x_raw": ratio <= GOAL_RAW_RATIO}
        out[label] = entry
    out["calls"] = {
        "studio": "get_record(principal, group, id) / batch_get(principal, {identifiers: "
        "[{group, record_ids: [100 ids]}]}) (validation, TTL, JSON payload parsed, every "
        "feature returned)",
        "studio_online_store_only": "SqlOnlineStore.get / get_many (the layer under the "
        "service: the SELECT and Stored tuples, payload not parsed)",
        "raw_sqlite": "sqlite3 (mmap_size as the store's readers) SELECT payload FROM "
        "featurestore_online WHERE group_id = ? AND record_id = ? (IN (...) for 100) on the "
        "studio's database, payload not parsed",
        "feast": "FeatureStore.get_online_features(10 features, entity_rows).to_dict() on the "
        "SQLite online store",
        "studio_redis": "get_record / batch_get with RedisOnlineStore",
    }
    return out


# -- online gets over HTTP -----------------------------------------------------------------------


def start_studio_server(workdir: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    root = workdir / "server-root"
    root.mkdir()
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(workdir / "server-runtime"),
        "JUPYTER_CONFIG_DIR": str(workdir / "server-config"),
    }
    proc = subprocess.Popen(
        server_command(
            port,
            root,
            data=workdir / "server-data",
            token=TOKEN,
            extra=["--ServerApp.log_level=WARN"],
        ),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_up(f"http://127.0.0.1:{port}/api/status", proc, timeout=90)
    return proc, port


def start_feast_server(repo: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    feast = Path(sys.executable).with_name("feast")
    proc = subprocess.Popen(
        [
            str(feast),
            "-c",
            str(repo),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--no-access-log",
            "--max-requests",
            "0",  # no worker restarts in the middle of the timing
            "--max-requests-jitter",
            "0",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_up(f"http://127.0.0.1:{port}/health", proc, timeout=90)
    return proc, port


def studio_request(
    conn, method: str, path: str, body: bytes | None = None, ctype: str = "", token: str = TOKEN
):
    headers = {"Authorization": f"token {token}"}
    if ctype:
        headers["Content-Type"] = ctype
    conn.request(method, API + path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status >= 300:
        raise RuntimeError(f"{method} {path}: {response.status} {data[:300]!r}")
    return data


def online_over_http(workdir: Path, repo: Path, online: pa.Table, args) -> dict:
    log("http: starting a Jupyter server with the studio and Feast's feature server")
    studio_proc, studio_port = start_studio_server(workdir)
    feast_proc = None
    try:
        feast_proc, feast_port = start_feast_server(repo)
        sc = http.client.HTTPConnection("127.0.0.1", studio_port, timeout=60)
        studio_request(
            sc,
            "POST",
            "/featurestore/groups",
            json.dumps(group_definition(ONLINE_GROUP)).encode(),
            "application/json",
        )
        sink = pa.BufferOutputStream()
        pq.write_table(online, sink, compression="zstd")
        t0 = time.perf_counter()
        ingested = json.loads(
            studio_request(
                sc,
                "POST",
                f"/featurestore/groups/{ONLINE_GROUP}/ingest",
                sink.getvalue().to_pybytes(),
                "application/vnd.apache.parquet",
            )
        )
        ingest_http_s = time.perf_counter() - t0
        assert ingested["online_written"] == online.num_rows
        # a data scientist's API token (hashed, looked up per request) beside the server's token
        studio_request(
            sc,
            "POST",
            "/users",
            json.dumps({"username": "dana", "personas": ["data-scientist"]}).encode(),
            "application/json",
        )
        user_token = json.loads(
            studio_request(sc, "POST", "/users/dana/tokens", b"{}", "application/json")
        )["token"]
        fc = http.client.HTTPConnection("127.0.0.1", feast_port, timeout=60)
        features = feast_features(ONLINE_GROUP)

        def studio_get(i: int) -> bytes:
            return studio_request(sc, "GET", f"/featurestore/groups/{ONLINE_GROUP}/records/{i}")

        def studio_get_user_token(i: int) -> bytes:
            path = f"/featurestore/groups/{ONLINE_GROUP}/records/{i}"
            return studio_request(sc, "GET", path, token=user_token)

        def jupyter_me(i: int) -> bytes:
            sc.request("GET", "/api/me", headers={"Authorization": f"token {TOKEN}"})
            response = sc.getresponse()
            data = response.read()
            if response.status != 200:
                raise RuntimeError(f"/api/me: {response.status}")
            return data

        def feast_get(i: int) -> bytes:
            body = json.dumps({"features": features, "entities": {"id": [i]}}).encode()
            fc.request("POST", "/get-online-features", body, {"Content-Type": "application/json"})
            response = fc.getresponse()
            data = response.read()
            if response.status != 200:
                raise RuntimeError(f"feast: {response.status} {data[:300]!r}")
            return data

        rng = random.Random(args.seed + 1)
        ids = [rng.randrange(online.num_rows) for _ in range(args.warmup + args.http_runs)]
        for i in ids[:10]:  # same values from both servers
            want = {f: online.column(f)[i].as_py() for f in FEATURES}
            for get in (studio_get, studio_get_user_token):
                got = json.loads(get(i))["record"]
                assert {f: got[f] for f in FEATURES} == want, "studio over HTTP: wrong record"
            fe = json.loads(feast_get(i))
            names = fe["metadata"]["feature_names"]
            values = {n: r["values"][0] for n, r in zip(names, fe["results"], strict=True)}
            assert {f: values[f] for f in FEATURES} == want, "feast over HTTP: wrong record"
        log(f"http: {args.http_runs} GETs of one record on each server")
        times = interleave(
            {
                "studio": studio_get,
                "studio_user_token": studio_get_user_token,
                "jupyter_api_me": jupyter_me,
                "feast": feast_get,
            },
            lambda k: ids[k],
            args.http_runs,
            args.warmup,
        )
        sc.close()
        fc.close()
    finally:
        studio_proc.terminate()
        if feast_proc is not None:
            feast_proc.terminate()
        studio_proc.wait(30)
        if feast_proc is not None:
            feast_proc.wait(30)
    studio, feast = summary(times["studio"]), summary(times["feast"])
    return {
        "studio": studio,
        "studio_user_token": summary(times["studio_user_token"]),
        "jupyter_api_me": summary(times["jupyter_api_me"]),
        "feast": feast,
        "feast_vs_studio_p50": round(feast["p50_ms"] / studio["p50_ms"], 1),
        "calls": {
            "studio": f"GET {API}/featurestore/groups/{{name}}/records/{{id}} (token header), "
            "one keep-alive http.client connection, jupyter server process; signed in with "
            "the server's token",
            "studio_user_token": "the same GET with a data scientist's API token",
            "jupyter_api_me": "GET /api/me of jupyter_server itself with the server's token: "
            "the floor of an authenticated request to this server (its identity provider is "
            "the studio's, so the per-request user lookup is in it; no studio handler)",
            "feast": "POST /get-online-features {features: 10, entities: {id: [id]}}, one "
            "keep-alive connection, feast serve --workers 1 (gunicorn + uvicorn)",
        },
        "studio_ingest_over_http": {
            "rows": online.num_rows,
            "seconds": round(ingest_http_s, 3),
            "rows_per_s": round(online.num_rows / ingest_http_s),
            "note": "POST …/ingest with a zstd Parquet body (setup of the server's data)",
        },
        "goals": {f"studio_p99_le_{GOAL_HTTP_P99_MS:g}ms": studio["p99_ms"] <= GOAL_HTTP_P99_MS},
    }


# -- training sets: a child process per side ------------------------------------------------


def child_studio_training(workdir: Path, spine_path: Path, out_path: Path) -> dict:
    service = studio_service(workdir)
    spine = pq.read_table(spine_path)
    before = proc_status()
    t0 = time.perf_counter()
    table = service.training_set(
        principal(), spine, [f"{PIT_GROUP}:{f}" for f in FEATURES], time_column="event_timestamp"
    )
    seconds = time.perf_counter() - t0
    after = proc_status()
    pq.write_table(table, out_path)
    service.stop()
    return {
        "seconds": seconds,
        "rows": table.num_rows,
        "peak_rss_bytes": after.get("VmHWM"),
        "rss_before_call_bytes": before.get("VmRSS"),
        "peak_before_call_bytes": before.get("VmHWM"),
    }


def child_feast_training(repo: Path, spine_path: Path, out_path: Path) -> dict:
    from feast import FeatureStore

    store = FeatureStore(repo_path=str(repo))
    entity_df = pq.read_table(spine_path).to_pandas()
    before = proc_status()
    t0 = time.perf_counter()
    df = store.get_historical_features(
        entity_df=entity_df, features=feast_features(PIT_GROUP)
    ).to_df()
    seconds = time.perf_counter() - t0
    after = proc_status()
    df[["id", "event_timestamp", *FEATURES]].to_parquet(out_path)
    return {
        "seconds": seconds,
        "rows": len(df),
        "peak_rss_bytes": after.get("VmHWM"),
        "rss_before_call_bytes": before.get("VmRSS"),
        "peak_before_call_bytes": before.get("VmHWM"),
    }


def run_child(kind: str, argv: list[str], cap_bytes: int, timeout: float) -> dict:
    """Run this script as ``--child kind``; kill it past ``cap_bytes`` RSS or ``timeout``."""
    cmd = [sys.executable, os.path.abspath(__file__), "--child", kind, *argv]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak_seen, killed = 0, None
    while proc.poll() is None:
        rss = proc_status(proc.pid).get("VmRSS", 0)
        peak_seen = max(peak_seen, rss)
        if rss > cap_bytes:
            killed = f"RSS {gib(rss)} GiB passed the cap of {gib(cap_bytes)} GiB"
        elif time.perf_counter() - t0 > timeout:
            killed = f"ran past the budget of {timeout:g} s"
        if killed:
            proc.kill()
            break
        time.sleep(0.05)
    stdout = proc.communicate()[0]
    wall = time.perf_counter() - t0
    if killed:
        return {"killed": killed, "after_s": round(wall, 1), "peak_rss_seen_bytes": peak_seen}
    if proc.returncode != 0:
        raise RuntimeError(f"child {kind} exited with {proc.returncode}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["process_wall_s"] = round(wall, 2)
    return result


def reference(pit: pa.Table, spine: pa.Table):
    """For each spine row (in spine order): the features of the id's latest record at or before
    the spine time (merge_asof), as a DataFrame with a ``row`` column."""
    import pandas as pd

    feats = pd.DataFrame({"id": pit.column("id").to_numpy()})
    feats["t"] = pit.column("event_time").to_numpy().astype(np.int64)
    for f in FEATURES:
        feats[f] = pit.column(f).to_numpy()
    sp = pd.DataFrame(
        {
            "id": spine.column("id").to_numpy(),
            "t": spine.column("event_timestamp").cast(pa.int64()).to_numpy() // 1_000_000,
            "row": np.arange(spine.num_rows),
        }
    )
    ref = pd.merge_asof(
        sp.sort_values("t", kind="stable"),
        feats.sort_values("t", kind="stable"),
        on="t",
        by="id",
        direction="backward",
        allow_exact_matches=True,
    )
    return ref.sort_values("row").reset_index(drop=True)


def loop_check(pit: pa.Table, spine: pa.Table, got: pa.Table, sample: int, seed: int) -> int:
    """Brute force on a sample of spine rows with a plain Python loop; returns mismatches."""
    rng = random.Random(seed)
    rows = rng.sample(range(spine.num_rows), min(sample, spine.num_rows))
    spine_ids = spine.column("id").to_numpy()
    spine_t = spine.column("event_timestamp").cast(pa.int64()).to_numpy() // 1_000_000
    wanted = {int(spine_ids[r]) for r in rows}
    pit_ids = pit.column("id").to_numpy()
    pit_t = pit.column("event_time").to_numpy()
    columns = [pit.column(f).to_numpy() for f in FEATURES]
    records: dict[int, list[int]] = {}
    for j in np.flatnonzero(np.isin(pit_ids, list(wanted))):
        records.setdefault(int(pit_ids[j]), []).append(int(j))
    got_columns = [got.column(f).to_pylist() for f in FEATURES]
    bad = 0
    for r in rows:
        best = None
        for j in records.get(int(spine_ids[r]), []):
            if pit_t[j] <= spine_t[r] and (best is None or pit_t[j] > pit_t[best]):
                best = j
        want = [None if best is None else float(c[best]) for c in columns]
        if [c[r] for c in got_columns] != want:
            bad += 1
    return bad


def compare_values(got, ref, columns=FEATURES) -> int:
    """Rows whose features differ (nulls / NaN equal each other)."""
    bad = np.zeros(len(np.asarray(ref[columns[0]])), dtype=bool)
    for f in columns:
        a = np.asarray(got[f], dtype=np.float64)
        b = np.asarray(ref[f], dtype=np.float64)
        bad |= ~((a == b) | (np.isnan(a) & np.isnan(b)))
    return int(bad.sum())


def check_studio(out_path: Path, pit: pa.Table, spine: pa.Table, ref, seed: int) -> dict:
    got = pq.read_table(out_path)
    same_spine = got.column("id").equals(spine.column("id")) and got.column("event_timestamp").cast(
        pa.int64()
    ).equals(spine.column("event_timestamp").cast(pa.int64()))
    values = {f: got.column(f).to_numpy(zero_copy_only=False) for f in FEATURES}
    return {
        "rows_out": got.num_rows,
        "one_row_per_spine_row": got.num_rows == spine.num_rows,
        "spine_order_and_columns_kept": bool(same_spine),
        "rows_differing_from_merge_asof_reference": compare_values(values, ref),
        "loop_reference_sample_rows": min(2000, spine.num_rows),
        "rows_differing_from_loop_reference": loop_check(pit, spine, got, 2000, seed),
        "rows_with_nulls": int(got.column("f0").null_count),
    }


def check_feast(out_path: Path, spine: pa.Table, ref) -> dict:
    """Spine rows Feast dropped or repeated (as a multiset of (id, time)), and its values."""
    import pandas as pd

    got = pd.read_parquet(out_path)
    stamps = pd.to_datetime(got["event_timestamp"], utc=True)
    got["t"] = (stamps - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)
    want = ref[["id", "t"]].value_counts().rename("want")
    have = got[["id", "t"]].value_counts().rename("have")
    both = pd.concat([want, have], axis=1).fillna(0)
    dropped = (both["want"] - both["have"]).clip(lower=0)
    extra = (both["have"] - both["want"]).clip(lower=0)
    lost = dropped[dropped > 0]
    no_feature = ref.assign(none=ref["f0"].isna()).groupby(["id", "t"])["none"].all()
    lost_no_feature = int(lost[no_feature.reindex(lost.index).fillna(False).to_numpy()].sum())
    repeated_in_spine = int((want > 1).sum())
    merged = got.merge(ref.drop_duplicates(["id", "t"]), on=["id", "t"], suffixes=("", "_ref"))
    differing = compare_values(
        {f: merged[f].to_numpy() for f in FEATURES},
        {f: merged[f + "_ref"].to_numpy() for f in FEATURES},
    )
    return {
        "rows_out": len(got),
        "spine_rows": len(ref),
        "spine_rows_dropped": int(dropped.sum()),
        "dropped_with_no_feature_at_or_before_the_time": lost_no_feature,
        "dropped_other": int(dropped.sum()) - lost_no_feature,
        "spine_rows_duplicated": int(extra.sum()),
        "spine_keys_repeated_in_the_spine": repeated_in_spine,
        "rows_differing_from_reference": differing,
    }


def predict(run: dict, rows: int) -> tuple[float, float]:
    """(seconds, peak RSS) of a Feast run scaled linearly from ``run`` to ``rows`` spine rows."""
    scale = rows / run["spine_rows"]
    grown = run["peak_rss_bytes"] - run["rss_before_call_bytes"]
    return run["seconds"] * scale, run["rss_before_call_bytes"] + grown * scale


def feast_auto(feast_run, full: int, cap: int, budget: float, runs: list[dict]) -> str:
    """A tenth of the spine first; then full size if its extrapolation fits the budget and the
    memory cap, else the largest of a half or a quarter whose extrapolation fits half the cap
    (a second point, to fit a line through both and extrapolate from that)."""
    probe = feast_run(max(1, full // 10))
    runs.append(probe)
    if "killed" in probe:
        return "the probe at a tenth of the spine was killed: full size not run"
    seconds, peak = predict(probe, full)
    probe["extrapolated_to_full_spine"] = {
        "seconds": round(seconds, 1),
        "peak_rss_gib": gib(peak),
        "how": "proportional to spine rows (each spine row meets every record of its id)",
    }
    if seconds <= budget and peak <= cap:
        runs.append(feast_run(full))
        return "the extrapolation from a tenth fits the budget and the memory cap: run at full size"
    decision = (
        f"the extrapolation from a tenth ({seconds:.0f} s, {gib(peak)} GiB) does not fit the "
        f"budget ({budget:g} s) and the memory cap ({gib(cap)} GiB): full size not run"
    )
    for rows in (full // 2, full // 4):
        s2, p2 = predict(probe, rows)
        if s2 <= budget and p2 <= cap / 2:
            second = feast_run(rows)
            runs.append(second)
            if "killed" in second:
                return decision + f"; a second run at {rows:,} rows was killed"
            # a line through the two points
            x1, x2 = probe["spine_rows"], second["spine_rows"]
            slope_s = (second["seconds"] - probe["seconds"]) / (x2 - x1)
            slope_m = (second["peak_rss_bytes"] - probe["peak_rss_bytes"]) / (x2 - x1)
            second["extrapolated_to_full_spine"] = {
                "seconds": round(second["seconds"] + slope_s * (full - x2), 1),
                "peak_rss_gib": gib(second["peak_rss_bytes"] + slope_m * (full - x2)),
                "how": f"a line through the runs at {x1:,} and {x2:,} spine rows",
            }
            return decision + f"; a second point at {rows:,} spine rows"
    return decision


def training(workdir: Path, repo: Path, studio, pit: pa.Table, spine: pa.Table, args) -> dict:
    pit_ingest_s, result = create_and_ingest(studio, PIT_GROUP, pit)
    spine_path = workdir / "spine.parquet"
    pq.write_table(spine, spine_path)
    log("reference: merge_asof")
    ref = reference(pit, spine)

    avail = mem_available()
    cap = args.feast_mem_cap * 1024**3 if args.feast_mem_cap else int(avail * 0.7)
    timeout = args.feast_budget + 60  # the call's budget, plus start-up and writing the answer
    log(f"studio: training set of {spine.num_rows:,} x {pit.num_rows:,} in a child process")
    studio_out = workdir / "studio-training.parquet"
    studio_runs = [
        run_child("studio-training", [str(workdir), str(spine_path), str(studio_out)], cap, timeout)
        for _ in range(args.training_repeats)
    ]
    s = studio_runs[-1]  # its answer is the one checked
    studio_result = {
        "call": "FeatureStoreService.training_set(principal, spine, ['pit:f0', …, 'pit:f9'], "
        "time_column='event_timestamp') in a new process (DuckDB ASOF LEFT JOIN, memory_limit "
        "2GB, 2 threads), each run in its own process",
        "runs": studio_runs,
    }
    if not any("killed" in r for r in studio_runs):
        seconds = [r["seconds"] for r in studio_runs]
        studio_result["seconds"] = round(statistics.median(seconds), 3)
        studio_result["seconds_min"] = round(min(seconds), 3)
        studio_result["seconds_max"] = round(max(seconds), 3)
        studio_result["peak_rss_bytes"] = max(r["peak_rss_bytes"] for r in studio_runs)
        studio_result["peak_rss_gib"] = gib(studio_result["peak_rss_bytes"])
        studio_result["rss_before_call_bytes"] = s["rss_before_call_bytes"]
        studio_result["headline"] = "median seconds and highest peak RSS of the runs"
        studio_result["check"] = check_studio(studio_out, pit, spine, ref, args.seed)

    def feast_run(rows: int) -> dict:
        path = spine_path if rows == spine.num_rows else workdir / f"spine-{rows}.parquet"
        if rows != spine.num_rows:
            pq.write_table(spine.slice(0, rows), path)
        out = workdir / f"feast-training-{rows}.parquet"
        log(f"feast: get_historical_features {rows:,} x {pit.num_rows:,} in a child process")
        r = run_child("feast-training", [str(repo), str(path), str(out)], cap, timeout)
        r["spine_rows"] = rows
        if "killed" not in r:
            r["seconds"] = round(r["seconds"], 3)
            r["peak_rss_gib"] = gib(r["peak_rss_bytes"])
            r["check"] = check_feast(out, spine.slice(0, rows), ref.iloc[:rows])
            out.unlink()
        return r

    full = spine.num_rows
    feast_runs = []
    decision = ""
    if args.feast_rows == "auto":
        decision = feast_auto(feast_run, full, cap, args.feast_budget, feast_runs)
    else:
        rows = min(int(args.feast_rows), full)
        decision = f"--feast-rows {rows}"
        feast_runs.append(feast_run(rows))
    log(f"feast: {decision}")

    full_feast = next(
        (r for r in feast_runs if r["spine_rows"] == full and "killed" not in r), None
    )
    goals = {}
    if "seconds" in studio_result:
        goals[f"studio_le_{GOAL_TRAINING_S:g}s"] = studio_result["seconds"] <= GOAL_TRAINING_S
        goals["studio_le_2GB"] = studio_result["peak_rss_bytes"] <= GOAL_TRAINING_BYTES
        c = studio_result["check"]
        goals["studio_one_row_per_spine_row_and_values_equal_reference"] = (
            c["one_row_per_spine_row"]
            and c["spine_order_and_columns_kept"]
            and c["rows_differing_from_merge_asof_reference"] == 0
            and c["rows_differing_from_loop_reference"] == 0
        )
    return {
        "spine_rows": spine.num_rows,
        "feature_rows": pit.num_rows,
        "ids": int(np.unique(pit.column("id").to_numpy()).size),
        "studio_ingest_of_the_feature_rows": {
            "seconds": round(pit_ingest_s, 3),
            "rows_per_s": round(pit.num_rows / pit_ingest_s),
            "files": result["files"],
        },
        "reference_rows_with_no_feature": int(ref["f0"].isna().sum()),
        "studio": studio_result,
        "feast": {
            "call": "FeatureStore.get_historical_features(entity_df (pandas), 10 features)"
            ".to_df() with the file offline store, in a new process",
            "runs": feast_runs,
            "full_size": full_feast is not None,
            "decision": decision,
            "memory_cap_gib": gib(cap),
            "budget_s": args.feast_budget,
            "child_killed_after_s": timeout,
        },
        "speedup_at_full_size": round(full_feast["seconds"] / studio_result["seconds"], 1)
        if full_feast and "seconds" in studio_result
        else None,
        "goals": goals,
    }


# -- the run -----------------------------------------------------------------------------------


def machine_info() -> dict:
    import duckdb
    import feast

    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "mem_total_gib": gib(int(Path("/proc/meminfo").read_text().split()[1]) * 1024),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "duckdb": duckdb.__version__,
        "pyarrow": pa.__version__,
        "feast": feast.__version__,
    }


def code_version() -> dict:
    """The commit measured, and whether the feature store's files differ from it."""

    def git(*argv: str) -> str:
        done = subprocess.run(
            ["git", *argv], cwd=Path(__file__).parent, capture_output=True, text=True
        )
        return done.stdout.strip()

    return {
        "commit": git("rev-parse", "HEAD") or None,
        "featurestore_files_changed_since": git(
            "status", "--porcelain", "--", "../jupyter_mlops_studio/featurestore"
        ).splitlines(),
    }


def redis_service(workdir: Path, prefix: str):
    try:
        service = studio_service(workdir, "redis", prefix)
    except Exception as e:  # reported in the JSON, not fatal
        log(f"redis: not measured ({e})")
        return None
    return service


def drop_redis_keys(service, prefix: str) -> None:
    redis = service.online.redis
    batch = []
    for key in redis.scan_iter(match=f"{prefix}*", count=5000):
        batch.append(key)
        if len(batch) >= 5000:
            redis.delete(*batch)
            batch = []
    if batch:
        redis.delete(*batch)


def run(args) -> dict:
    started = time.time()
    workdir = Path(tempfile.mkdtemp(prefix="featurestore-bench-", dir=args.workdir))
    prefix = f"featurestore-bench:{uuid.uuid4().hex}:"
    redis_studio = None
    try:
        log(
            f"data: {args.online_ids:,} online ids, {args.pit_ids:,} x {args.per_id} records, "
            f"{args.spine_rows:,} spine rows"
        )
        online = online_table(args.online_ids, args.seed)
        pit = pit_table(args.pit_ids, args.per_id, args.seed + 1)
        spine = spine_table(args.spine_rows, args.pit_ids, args.per_id, args.seed + 2)
        repo, feast_store = feast_repo(workdir, online, pit)
        studio = studio_service(workdir)
        redis_studio = None if args.no_redis else redis_service(workdir, prefix)
        report = {
            "benchmark": "featurestore",
            "config": {
                "features": len(FEATURES),
                "online_ids": args.online_ids,
                "pit_ids": args.pit_ids,
                "records_per_pit_id": args.per_id,
                "spine_rows": args.spine_rows,
                "runs_1_id": args.runs,
                "runs_100_ids": args.runs_100,
                "http_runs": args.http_runs,
                "warmup": args.warmup,
                "seed": args.seed,
                "training_repeats": args.training_repeats,
                "feast_rows": args.feast_rows,
                "feast_budget_s": args.feast_budget,
                "spine": "ids uniform over 1.01 x the ids with records (1% have none), whole-"
                "second times from 2 h before the first record hour to 2 h after the last, "
                "0.1% of rows copies of others",
                "same_data": "both systems get the same tables: the studio as Fractional Unix "
                "seconds, Feast as a UTC timestamp column; ids Integral / INT64",
            },
            "machine": machine_info(),
            "code": code_version(),
        }
        # the machine may be shared: the load average before each part goes in the report
        load = report["load_average_1_5_15_min_before"] = {}
        load["ingestion"] = os.getloadavg()
        report["ingestion"] = ingestion(studio, redis_studio, feast_store, online)
        load["online_in_process"] = os.getloadavg()
        report["online_in_process"] = online_in_process(
            studio, redis_studio, feast_store, online, args
        )
        if not args.no_http:
            load["online_over_http"] = os.getloadavg()
            report["online_over_http"] = online_over_http(workdir, repo, online, args)
        studio.stop()  # the training child opens the database on its own
        load["training_set"] = os.getloadavg()
        report["training_set"] = training(workdir, repo, studio_service(workdir), pit, spine, args)
        load["end"] = os.getloadavg()
        goals = {}
        for section in ("ingestion", "online_in_process", "online_over_http", "training_set"):
            part = report.get(section, {})
            for key, ok in part.get("goals", {}).items():
                goals[f"{section}.{key}"] = ok
            for sub in ("one_id", "hundred_ids"):
                for key, ok in part.get(sub, {}).get("goals", {}).items():
                    goals[f"{section}.{sub}.{key}"] = ok
        report["goals"] = goals
        report["all_goals_met"] = all(goals.values())
        report["seconds"] = round(time.time() - started, 1)
        return report
    finally:
        if redis_studio is not None:
            drop_redis_keys(redis_studio, prefix)
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--online-ids", type=int, default=100_000)
    parser.add_argument("--pit-ids", type=int, default=10_000)
    parser.add_argument("--per-id", type=int, default=100)
    parser.add_argument("--spine-rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3000, help="rounds of 1-id gets")
    parser.add_argument("--runs-100", type=int, default=300, help="rounds of 100-id gets")
    parser.add_argument("--http-runs", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--training-repeats", type=int, default=3, help="studio training-set runs (a process each)"
    )
    parser.add_argument(
        "--feast-rows",
        default="auto",
        help="spine rows given to Feast: a number, or auto (a tenth first; full size if the "
        "extrapolation fits --feast-budget and the memory cap)",
    )
    parser.add_argument("--feast-budget", type=float, default=300.0, help="seconds per child")
    parser.add_argument(
        "--feast-mem-cap", type=float, default=None, help="GiB (default: 70%% of MemAvailable)"
    )
    parser.add_argument("--no-redis", action="store_true")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--quick", action="store_true", help="small sizes, few runs")
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--out", default=None, help="also write the JSON to this file")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "studio-training":
            result = child_studio_training(*map(Path, rest))
        elif kind == "feast-training":
            result = child_feast_training(*map(Path, rest))
        else:
            parser.error(f"unknown child {kind}")
        print(json.dumps(result))
        return
    if args.feast_rows != "auto" and not args.feast_rows.isdigit():
        parser.error("--feast-rows takes a number or auto")
    if args.quick:
        args.online_ids, args.pit_ids, args.per_id, args.spine_rows = 10_000, 1_000, 20, 20_000
        args.runs, args.runs_100, args.http_runs, args.warmup = 300, 50, 300, 10
    try:
        import feast  # noqa: F401
    except ImportError:
        parser.error("Feast is not installed: pip install -e '.[benchmark]'")
    report = run(args)
    text = json.dumps(report, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
