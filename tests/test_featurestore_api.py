"""The feature store over HTTP, through the real server: every route with good and bad input.

Each bad request is followed by a check that nothing changed (the group's description and
stats, the online record, the offline rows). The buffer flusher is off (flush_interval 0) so the
stats are exactly what the calls wrote; offline reads flush first.
"""

from __future__ import annotations

import asyncio
import io
import json
import math
import os
import time

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from featurestore_fixtures import CUSTOMERS

from jupyter_mlops_studio.featurestore.online import PutRow

pytestmark = pytest.mark.usefixtures("jp_serverapp")

PARQUET = "application/vnd.apache.parquet"
QUERY_TIMEOUT = 2.0
T0 = 1_700_000_000.0
G = "/featurestore/groups"
#: a group with an Integral identifier and an ISO-8601 String event time
EVENTS = {
    "name": "events",
    "record_identifier": "id",
    "event_time": "at",
    "features": [
        {"name": "id", "type": "Integral"},
        {"name": "at", "type": "String"},
        {"name": "v", "type": "Fractional"},
    ],
}


@pytest.fixture
def jp_server_config(jp_server_config):
    jp_server_config["StudioApp"].update(
        featurestore_flush_interval=0.0, featurestore_query_timeout=QUERY_TIMEOUT
    )
    return jp_server_config


def parquet(table: pa.Table | dict) -> bytes:
    if isinstance(table, dict):
        table = pa.table(table)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def table_of(body: bytes) -> pa.Table:
    return pq.read_table(pa.BufferReader(body))


@pytest.fixture
def dana(make_user):
    return make_user("dana")


@pytest.fixture
def customers(services, dana):
    """The customers group (made by dana) with c1 (two versions) and c2."""
    fs = services.featurestore
    principal = services.identity.get_user("dana").principal()
    fs.create_group(principal, CUSTOMERS)
    for record in (
        {"customer_id": "c1", "event_time": T0, "age": 30, "spend": 1.5, "city": "Oslo"},
        {"customer_id": "c1", "event_time": T0 + 10, "age": 31, "spend": 2.5, "city": "Bergen"},
        {"customer_id": "c2", "event_time": T0 + 5, "age": 40, "spend": None, "city": "Turku"},
    ):
        fs.put_record(principal, "customers", {"record": record})
    return "customers"


@pytest.fixture
def state(api, dana):
    """``await state()``: everything a bad request must leave as it was."""

    async def snapshot(name="customers"):
        described = await api(dana, "GET", f"{G}/{name}")
        assert described.status == 200, described.body
        out = described.json
        stats = out.pop("stats")
        out.pop("updated_at")
        out["online_records"] = stats["online_records"]
        out["offline_rows"] = stats["offline_rows"]
        rows = await query(api, dana, f"SELECT * FROM {out['view']} ORDER BY ALL")
        out["offline"] = rows["rows"]
        return out

    return snapshot


async def query(api, token, sql, **extra):
    r = await api(token, "POST", "/featurestore/query", {"sql": sql, **extra})
    assert r.status == 200, r.body
    return r.json


async def check_cases(api, token, cases):
    """Each (method, path, body, status, reason) answers that status and reason."""
    for method, path, body, status, reason in cases:
        r = await api(token, method, path, body)
        got = (r.status, r.json.get("reason") if r.body.startswith(b"{") else r.body[:80])
        assert got == (status, reason), (method, path, str(body)[:120], r.body[:300])


# -- groups --------------------------------------------------------------------------------


def group(**changes):
    body = {**CUSTOMERS, "name": "g2"}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


FEATURES = CUSTOMERS["features"]


async def test_create_group_bad_input_leaves_no_group(api, dana, customers):
    big = "x" * (1024 * 1024 + 1)
    cases = [
        ("POST", G, None, 400, "missing-body"),
        ("POST", G, "{not json", 400, "malformed-json"),
        ("POST", G, [CUSTOMERS], 400, "invalid-body"),
        ("POST", G, group(name=...), 400, "missing-field"),
        ("POST", G, group(record_identifier=...), 400, "missing-field"),
        ("POST", G, group(event_time=...), 400, "missing-field"),
        ("POST", G, group(features=...), 400, "missing-field"),
        ("POST", G, group(owner="me"), 400, "unknown-field"),
        ("POST", G, group(name=5), 400, "invalid-name"),
        ("POST", G, group(name="G2"), 400, "invalid-name"),
        ("POST", G, group(name="../g2"), 400, "invalid-name"),
        ("POST", G, group(name="g2-"), 400, "invalid-name"),
        ("POST", G, group(name="g" * 64), 400, "invalid-name"),
        ("POST", G, group(features=[]), 400, "invalid-type"),
        ("POST", G, group(features={"customer_id": "String"}), 400, "invalid-type"),
        ("POST", G, group(features=["customer_id"]), 400, "invalid-body"),
        ("POST", G, group(features=[*FEATURES, {"name": "x"}]), 400, "missing-field"),
        (
            "POST",
            G,
            group(features=[*FEATURES, {"name": "x", "type": "Integral", "nullable": True}]),
            400,
            "unknown-field",
        ),
        (
            "POST",
            G,
            group(features=[*FEATURES, {"name": "x", "type": "int"}]),
            400,
            "invalid-value",
        ),
        (
            "POST",
            G,
            group(features=[*FEATURES, {"name": 7, "type": "String"}]),
            400,
            "invalid-name",
        ),
        (
            "POST",
            G,
            group(features=[*FEATURES, {"name": "_x", "type": "String"}]),
            400,
            "invalid-name",
        ),
        (
            "POST",
            G,
            group(features=[*FEATURES, {"name": "a/../b", "type": "String"}]),
            400,
            "invalid-name",
        ),
        (
            "POST",
            G,
            group(features=[*FEATURES, {"name": "is_deleted", "type": "String"}]),
            400,
            "reserved-name",
        ),
        (
            "POST",
            G,
            group(features=[*FEATURES, {"name": "Write_Time", "type": "String"}]),
            400,
            "reserved-name",
        ),
        (
            "POST",
            G,
            group(features=[*FEATURES, {"name": "AGE", "type": "String"}]),
            400,
            "duplicate-feature",
        ),
        ("POST", G, group(record_identifier="nope"), 400, "unknown-feature"),
        ("POST", G, group(record_identifier=["customer_id"]), 400, "invalid-type"),
        ("POST", G, group(record_identifier="spend"), 400, "invalid-type"),
        ("POST", G, group(event_time="nope"), 400, "unknown-feature"),
        ("POST", G, group(event_time="age"), 400, "invalid-type"),
        ("POST", G, group(event_time="customer_id"), 400, "invalid-value"),
        ("POST", G, group(online=False, offline=False), 400, "no-store"),
        ("POST", G, group(online="yes"), 400, "invalid-type"),
        ("POST", G, group(offline=1), 400, "invalid-type"),
        ("POST", G, group(ttl_seconds=0), 400, "invalid-value"),
        ("POST", G, group(ttl_seconds="3600"), 400, "invalid-type"),
        ("POST", G, group(ttl_seconds=10 * 365 * 86400 + 1), 400, "invalid-value"),
        ("POST", G, group(description=5), 400, "invalid-type"),
        ("POST", G, group(description="d" * 4001), 400, "invalid-length"),
        ("POST", G, group(tags=["a"]), 400, "invalid-body"),
        ("POST", G, group(tags={"k": 1}), 400, "invalid-type"),
        ("POST", G, group(tags={str(i): "v" for i in range(51)}), 400, "too-many"),
        ("POST", G, group(description=big), 413, "payload-too-large"),
        ("POST", G, {**CUSTOMERS}, 409, "group-exists"),
    ]
    await check_cases(api, dana, cases)
    listed = (await api(dana, "GET", G)).json
    assert [g["name"] for g in listed["items"]] == ["customers"] and listed["next"] is None


async def test_create_group_round_trip(api, dana):
    body = group(ttl_seconds=3600, description="people", tags={"team": "growth"}, online=False)
    r = await api(dana, "POST", G, body)
    assert r.status == 201
    made = r.json
    assert made["name"] == "g2" and made["created_by"] == "dana" and made["view"] == "g2"
    assert (made["ttl_seconds"], made["online"], made["offline"]) == (3600, False, True)
    assert made["features"] == FEATURES and made["tags"] == {"team": "growth"}
    described = (await api(dana, "GET", f"{G}/g2")).json
    assert described["stats"] == {
        "online_records": None,
        "offline_rows": 0,
        "offline_files": 0,
        "offline_buffered": 0,
        "last_write_time": None,
    }
    r = await api(dana, "POST", G, group(name="dash-name-2", tags={}))
    assert r.status == 201 and r.json["view"] == "dash_name_2"


async def test_update_group_and_add_features_bad_input(api, dana, customers, state):
    before = await state()
    P = f"{G}/customers"
    F = f"{P}/features"
    cases = [
        ("PATCH", P, None, 400, "missing-body"),
        ("PATCH", P, "[", 400, "malformed-json"),
        ("PATCH", P, ["description"], 400, "invalid-body"),
        ("PATCH", P, {"name": "other"}, 400, "unknown-field"),
        ("PATCH", P, {"features": []}, 400, "unknown-field"),
        ("PATCH", P, {"ttl_seconds": "1"}, 400, "invalid-type"),
        ("PATCH", P, {"ttl_seconds": -1}, 400, "invalid-value"),
        ("PATCH", P, {"tags": "a=b"}, 400, "invalid-body"),
        ("PATCH", P, {"description": ["x"]}, 400, "invalid-type"),
        ("PATCH", P, {"description": "x" * (1024 * 1024)}, 413, "payload-too-large"),
        ("PATCH", f"{G}/nope", {"description": "x"}, 404, "group-not-found"),
        ("POST", F, None, 400, "missing-body"),
        ("POST", F, {}, 400, "missing-field"),
        ("POST", F, {"features": [], "x": 1}, 400, "unknown-field"),
        ("POST", F, {"features": []}, 400, "invalid-type"),
        ("POST", F, {"features": [{"name": "age", "type": "Integral"}]}, 400, "duplicate-feature"),
        (
            "POST",
            F,
            {"features": [{"name": "n", "type": "Integral"}, {"name": "N", "type": "String"}]},
            400,
            "duplicate-feature",
        ),
        ("POST", F, {"features": [{"name": "is_deleted", "type": "String"}]}, 400, "reserved-name"),
        ("POST", F, {"features": [{"name": "n", "type": "Boolean"}]}, 400, "invalid-value"),
        ("POST", F, {"features": [{"name": "n"}]}, 400, "missing-field"),
        ("POST", f"{G}/nope/features", {"features": FEATURES}, 404, "group-not-found"),
        (
            "POST",
            F,
            {"features": [{"name": "n" * (1024 * 1024), "type": "String"}]},
            413,
            "payload-too-large",
        ),
    ]
    await check_cases(api, dana, cases)
    assert await state() == before


async def test_update_group_and_add_features(api, dana, customers, state):
    r = await api(dana, "PATCH", f"{G}/customers", {"description": "d", "tags": {"a": "b"}})
    assert r.status == 200 and (r.json["description"], r.json["tags"]) == ("d", {"a": "b"})
    r = await api(
        dana,
        "POST",
        f"{G}/customers/features",
        {"features": [{"name": "score", "type": "Fractional"}]},
    )
    assert r.status == 200 and r.json["features"][-1] == {"name": "score", "type": "Fractional"}
    # records written before the feature existed read it as null, online and offline
    r = await api(dana, "GET", f"{G}/customers/records/c1")
    assert r.json["record"]["score"] is None and r.json["record"]["age"] == 31
    rows = await query(api, dana, "SELECT count(*), count(score) FROM customers")
    assert rows["rows"] == [[3, 0]]
    r = await api(
        dana,
        "POST",
        f"{G}/customers/records",
        {"record": {"customer_id": "c3", "event_time": T0, "score": 0.5}},
    )
    assert r.status == 201
    rows = await query(
        api, dana, "SELECT customer_id, score FROM customers WHERE score IS NOT NULL"
    )
    assert rows["rows"] == [["c3", 0.5]]
    # a TTL applies at once (the records date from 2023); removing it brings them back
    r = await api(dana, "PATCH", f"{G}/customers", {"ttl_seconds": 86400})
    assert r.status == 200 and r.json["ttl_seconds"] == 86400
    assert (await api(dana, "GET", f"{G}/customers/records/c1")).status == 404
    assert (await api(dana, "PATCH", f"{G}/customers", {"ttl_seconds": None})).status == 200
    assert (await api(dana, "GET", f"{G}/customers/records/c1")).status == 200


async def test_who_may_change_a_group(api, make_user, admin_token, dana, customers):
    """Anyone signed in reads and writes records; the creator, admins and MLOps change groups."""
    eddie = make_user("eddie")
    olga = make_user("olga", ["mlops"])
    bot = make_user("bot", ["compute"])
    feature = iter(f"f{i}" for i in range(100))

    def add():
        return {"features": [{"name": next(feature), "type": "Integral"}]}

    for token, allowed in [
        (eddie, False),
        (bot, False),
        (olga, True),
        (admin_token, True),
        (dana, True),
    ]:
        want = 200 if allowed else 403
        r = await api(token, "PATCH", f"{G}/customers", {"description": "by someone"})
        assert r.status == want, r.body
        r = await api(token, "POST", f"{G}/customers/features", add())
        assert r.status == want, r.body
        if not allowed:
            assert r.json["reason"] == "forbidden" and "dana" in r.json["message"]
        record = {"customer_id": f"by-{want}", "event_time": T0}
        r = await api(token, "POST", f"{G}/customers/records", {"record": record})
        assert r.status == 201
        assert (await api(token, "GET", f"{G}/customers/records/c1")).status == 200
    features = (await api(dana, "GET", f"{G}/customers")).json["features"]
    assert [f["name"] for f in features[5:]] == ["f2", "f3", "f4"]
    for token in (eddie, bot):
        assert (await api(token, "DELETE", f"{G}/customers")).status == 403
    assert (await api(bot, "POST", G, group(name="bots"))).status == 201
    assert (await api(olga, "DELETE", f"{G}/bots")).status == 204
    for method in ("GET", "POST", "PATCH", "DELETE"):
        r = await api(None, method, f"{G}/customers", {} if method != "GET" else None)
        assert r.status == 401


async def test_delete_group_then_reuse_its_name(api, dana, customers):
    assert (await api(dana, "DELETE", f"{G}/customers")).status == 204
    for method, path in [
        ("GET", f"{G}/customers"),
        ("GET", f"{G}/customers/records/c1"),
        ("DELETE", f"{G}/customers"),
        ("GET", f"{G}/customers/verify"),
        ("GET", f"{G}/customers/histogram?feature=age"),
    ]:
        r = await api(dana, method, path)
        assert (r.status, r.json["reason"]) == (404, "group-not-found"), (method, path)
    assert (await api(dana, "GET", G)).json["items"] == []
    r = await api(dana, "POST", "/featurestore/query", {"sql": "SELECT * FROM customers"})
    assert (r.status, r.json["reason"]) == (400, "invalid-sql")
    # the name is free again, for a group of another schema that starts empty
    r = await api(dana, "POST", G, {**EVENTS, "name": "customers"})
    assert r.status == 201
    stats = (await api(dana, "GET", f"{G}/customers")).json["stats"]
    assert (stats["online_records"], stats["offline_rows"]) == (0, 0)
    assert (await query(api, dana, "SELECT count(*) FROM customers"))["rows"] == [[0]]
    r = await api(dana, "GET", f"{G}/customers/records/1")
    assert (r.status, r.json["reason"]) == (404, "record-not-found")


async def test_a_deleted_groups_files_cannot_be_read_by_sql(api, dana, customers, services):
    """The offline files of a deleted group stay in the store, out of reach of queries."""
    fs = services.featurestore
    await query(api, dana, "SELECT 1")  # flush the fixture's records into Parquet
    rows = fs.offline.files([fs.group("customers").id])
    paths = [fs.offline.artifacts.local_path(r.key, r.version_id)[0] for r in rows.popitem()[1]]
    assert paths and all(os.path.exists(p) for p in paths)
    sql = f"SELECT count(*) FROM read_parquet('{paths[0]}')"
    assert (await query(api, dana, "SELECT count(*) FROM customers"))["rows"] == [[3]]
    # files are reached through the groups' views only, even while the group lives
    r = await api(dana, "POST", "/featurestore/query", {"sql": sql})
    assert (r.status, r.json["reason"]) == (400, "invalid-sql")
    assert (await api(dana, "DELETE", f"{G}/customers")).status == 204
    assert (await api(dana, "POST", G, group(name="other"))).status == 201
    for text in (sql, f"SELECT count(*) FROM '{paths[0]}'"):
        r = await api(dana, "POST", "/featurestore/query", {"sql": text})
        assert (r.status, r.json["reason"]) == (400, "invalid-sql")
    assert all(os.path.exists(p) for p in paths)


async def test_a_damaged_offline_file_breaks_only_its_group(
    api, dana, customers, services, studio_data_dir
):
    """One lost or damaged Parquet file (a disk or bucket incident) must not take every query
    down with a server error: other groups still answer, and its own group answers a clear
    error that names no file of the store."""
    assert (await api(dana, "POST", G, group(name="other"))).status == 201
    fs = services.featurestore
    await query(api, dana, "SELECT 1")  # flush the fixture's records into Parquet
    row = fs.offline.files([fs.group("customers").id]).popitem()[1][0]
    path = fs.offline.artifacts.local_path(row.key, row.version_id)[0]
    with open(path, "wb") as f:
        f.write(b"not parquet any more")
    assert (await query(api, dana, "SELECT count(*) FROM other"))["rows"] == [[0]]
    r = await api(dana, "POST", "/featurestore/query", {"sql": "SELECT * FROM customers"})
    assert r.status < 500 and r.json["reason"] != "internal-server-error", r.body
    assert path not in r.json["message"] and str(studio_data_dir) not in r.json["message"]


# -- names in paths ------------------------------------------------------------------------

TRAVERSALS = [
    "..",
    "..%2F..",
    "..%2F..%2Fetc%2Fpasswd",
    "%2E%2E",
    "..%5C..",
    "%2Fetc%2Fpasswd",
    "customers%00",
    "customers%2F..%2F..",
    "~root",
]


def files_under(root) -> set[str]:
    return {os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs}


async def test_path_traversal_in_group_names_touches_no_file(api, dana, customers, state, tmp_path):
    before = await state()
    files = files_under(tmp_path)
    body = parquet({"customer_id": ["x"], "event_time": [T0]})
    for name in TRAVERSALS:
        for method, suffix, payload in [
            ("GET", "", None),
            ("PATCH", "", {"description": "x"}),
            ("DELETE", "", None),
            ("POST", "/features", {"features": [{"name": "n", "type": "String"}]}),
            ("POST", "/records", {"record": {"customer_id": "x", "event_time": T0}}),
            ("GET", "/records/c1", None),
            ("DELETE", "/records/c1?event_time=1", None),
            ("POST", "/ingest", body),
            ("GET", "/verify", None),
            ("GET", "/histogram?feature=age", None),
        ]:
            r = await api(dana, method, f"{G}/{name}{suffix}", payload)
            assert r.status in (400, 404), (method, name, suffix, r.status)
            assert str(tmp_path).encode() not in r.body and b"root:" not in r.body
            if r.status == 400:
                assert r.json["reason"] == "invalid-name"
    for ref in ("..%2F..:age", "%2Fetc%2Fpasswd:*"):
        r = await api(dana, "POST", f"/featurestore/training-sets?features={ref}", body)
        assert r.status in (400, 404) and r.json["reason"] in ("invalid-name", "group-not-found")
    r = await api(
        dana,
        "POST",
        "/featurestore/batch-get",
        {"identifiers": [{"group": "../customers", "record_ids": ["c1"]}]},
    )
    assert r.status == 200 and r.json["errors"][0]["reason"] == "invalid-name"
    assert await state() == before
    assert files_under(tmp_path) == files


async def test_path_traversal_in_record_ids_is_just_an_id(api, dana, customers, state):
    """A record id is a key, never a path: odd ids are stored and read back as given."""
    for rid, encoded in [
        ("../../etc/passwd", "..%2F..%2Fetc%2Fpasswd"),
        ("..", ".."),
        ("a b", "a%20b"),
        ("ü/ö", "%C3%BC%2F%C3%B6"),
    ]:
        r = await api(dana, "GET", f"{G}/customers/records/{encoded}")
        assert (r.status, r.json["reason"]) == (404, "record-not-found"), rid
        record = {"customer_id": rid, "event_time": T0, "age": 1}
        assert (await api(dana, "POST", f"{G}/customers/records", {"record": record})).status == 201
        r = await api(dana, "GET", f"{G}/customers/records/{encoded}")
        assert r.status == 200 and r.json["record_id"] == rid and r.json["record"]["age"] == 1


# -- records -------------------------------------------------------------------------------


async def test_put_record_bad_input_writes_nothing(api, dana, customers, state):
    before = await state()
    R = f"{G}/customers/records"

    def rec(**changes):
        record = {"customer_id": "c9", "event_time": T0, "age": 1, "spend": 1.0, "city": "x"}
        record.update(changes)
        return {"record": {k: v for k, v in record.items() if v is not ...}}

    cases = [
        ("POST", R, None, 400, "missing-body"),
        ("POST", R, "{'record': 1}", 400, "malformed-json"),
        ("POST", R, [rec()], 400, "invalid-body"),
        ("POST", R, {}, 400, "missing-field"),
        ("POST", R, {**rec(), "ttl": 5}, 400, "unknown-field"),
        ("POST", R, {"record": [1, 2]}, 400, "invalid-body"),
        ("POST", R, rec(customer_id=...), 400, "missing-field"),
        ("POST", R, rec(customer_id=None), 400, "missing-field"),
        ("POST", R, rec(event_time=...), 400, "missing-field"),
        ("POST", R, rec(colour="red"), 400, "unknown-feature"),
        ("POST", R, rec(is_deleted=True), 400, "unknown-feature"),
        ("POST", R, rec(customer_id=9), 400, "invalid-type"),
        ("POST", R, rec(customer_id=""), 400, "invalid-type"),
        ("POST", R, rec(customer_id="x" * 1025), 400, "invalid-type"),
        ("POST", R, rec(age="1"), 400, "invalid-type"),
        ("POST", R, rec(age=1.5), 400, "invalid-type"),
        ("POST", R, rec(age=True), 400, "invalid-type"),
        ("POST", R, rec(age=2**63), 400, "invalid-type"),
        ("POST", R, rec(spend="1.0"), 400, "invalid-type"),
        ("POST", R, rec(spend=[1.0]), 400, "invalid-type"),
        (
            "POST",
            R,
            '{"record": {"customer_id": "c9", "event_time": 1, "spend": NaN}}',
            400,
            "invalid-value",
        ),
        (
            "POST",
            R,
            '{"record": {"customer_id": "c9", "event_time": 1, "spend": Infinity}}',
            400,
            "invalid-value",
        ),
        ("POST", R, rec(city=5), 400, "invalid-type"),
        ("POST", R, rec(city="a\x00b"), 400, "invalid-value"),
        ("POST", R, rec(city="x" * 350_001), 400, "invalid-value"),
        ("POST", R, rec(event_time="2026-01-01T00:00:00Z"), 400, "invalid-type"),
        ("POST", R, rec(event_time=True), 400, "invalid-type"),
        ("POST", R, rec(event_time=-1), 400, "invalid-event-time"),
        ("POST", R, rec(event_time=1e20), 400, "invalid-event-time"),
        (
            "POST",
            R,
            '{"record": {"customer_id": "c9", "event_time": NaN}}',
            400,
            "invalid-value",
        ),
        ("POST", R, rec(city="x" * (1024 * 1024)), 413, "payload-too-large"),
        ("POST", f"{G}/nope/records", rec(), 404, "group-not-found"),
    ]
    await check_cases(api, dana, cases)
    assert await state() == before
    r = await api(dana, "GET", f"{R}/c9")
    assert (r.status, r.json["reason"]) == (404, "record-not-found")


async def test_iso_event_times_and_integral_ids(api, dana, state):
    assert (await api(dana, "POST", G, EVENTS)).status == 201
    R = f"{G}/events/records"
    ok = {"record": {"id": 7, "at": "2026-01-01T00:00:00+01:00", "v": 1}}
    assert (await api(dana, "POST", R, ok)).status == 201
    before = await state("events")
    await check_cases(
        api,
        dana,
        [
            ("POST", R, {"record": {"id": "7", "at": "2026-01-01T00:00:00Z"}}, 400, "invalid-type"),
            ("POST", R, {"record": {"id": 7, "at": 1.7e9}}, 400, "invalid-type"),
            ("POST", R, {"record": {"id": 7, "at": "yesterday"}}, 400, "invalid-event-time"),
            (
                "POST",
                R,
                {"record": {"id": 7, "at": "1969-12-31T23:59:59Z"}},
                400,
                "invalid-event-time",
            ),
            ("GET", f"{R}/seven", None, 400, "invalid-type"),
            ("GET", f"{R}/99999999999999999999", None, 400, "invalid-type"),
            ("GET", f"{R}/8", None, 404, "record-not-found"),
            ("DELETE", f"{R}/7?event_time=1.7e9", None, 400, "invalid-event-time"),
            ("DELETE", f"{R}/x?event_time=2027-01-01T00:00:00Z", None, 400, "invalid-type"),
        ],
    )
    assert await state("events") == before
    r = await api(dana, "GET", f"{R}/7")
    assert r.json == {
        "group": "events",
        "record_id": "7",
        "record": {"id": 7, "at": "2026-01-01T00:00:00+01:00", "v": 1.0},
    }
    rows = await query(api, dana, 'SELECT id, epoch(CAST("at" AS TIMESTAMPTZ)) FROM events')
    assert rows["rows"] == [[7, 1767222000.0]]


async def test_get_record_latest_and_subsets(api, dana, customers):
    r = await api(dana, "GET", f"{G}/customers/records/c1")
    assert r.status == 200
    assert r.json == {
        "group": "customers",
        "record_id": "c1",
        "record": {
            "customer_id": "c1",
            "event_time": T0 + 10,
            "age": 31,
            "spend": 2.5,
            "city": "Bergen",
        },
    }
    r = await api(dana, "GET", f"{G}/customers/records/c1?features=city,age")
    assert r.json["record"] == {"city": "Bergen", "age": 31}
    # an older put does not replace the newer record online
    old = {"customer_id": "c1", "event_time": T0 + 1, "age": 99}
    assert (await api(dana, "POST", f"{G}/customers/records", {"record": old})).status == 201
    assert (await api(dana, "GET", f"{G}/customers/records/c1")).json["record"]["age"] == 31
    await check_cases(
        api,
        dana,
        [
            ("GET", f"{G}/customers/records/c1?features=colour", None, 400, "unknown-feature"),
            ("GET", f"{G}/customers/records/c1?features=", None, 400, "invalid-type"),
            ("GET", f"{G}/customers/records/c1?features=,", None, 400, "invalid-type"),
            ("GET", f"{G}/customers/records/nobody", None, 404, "record-not-found"),
            ("GET", f"{G}/nope/records/c1", None, 404, "group-not-found"),
        ],
    )
    offline_only = group(name="cold", online=False)
    assert (await api(dana, "POST", G, offline_only)).status == 201
    r = await api(dana, "GET", f"{G}/cold/records/c1")
    assert (r.status, r.json["reason"]) == (400, "online-disabled")


async def test_ttl_hides_old_records(api, dana):
    assert (await api(dana, "POST", G, group(name="fresh", ttl_seconds=60))).status == 201
    now = time.time()
    for rid, at in [("old", now - 3600), ("new", now - 1)]:
        body = {"record": {"customer_id": rid, "event_time": at}}
        assert (await api(dana, "POST", f"{G}/fresh/records", body)).status == 201
    assert (await api(dana, "GET", f"{G}/fresh/records/old")).status == 404
    assert (await api(dana, "GET", f"{G}/fresh/records/new")).status == 200


async def test_delete_record_soft_and_hard(api, dana, customers, state):
    R = f"{G}/customers/records"
    before = await state()
    await check_cases(
        api,
        dana,
        [
            ("DELETE", f"{R}/c1", None, 400, "missing-field"),
            ("DELETE", f"{R}/c1?event_time=", None, 400, "invalid-event-time"),
            ("DELETE", f"{R}/c1?event_time=soon", None, 400, "invalid-event-time"),
            ("DELETE", f"{R}/c1?event_time=-5", None, 400, "invalid-event-time"),
            ("DELETE", f"{R}/c1?event_time=nan", None, 400, "invalid-event-time"),
            ("DELETE", f"{R}/c1?event_time=inf", None, 400, "invalid-event-time"),
            ("DELETE", f"{R}/c1?event_time={T0 + 20}&mode=purge", None, 400, "invalid-value"),
            ("DELETE", f"{R}/c1?event_time={T0 + 20}&mode=", None, 400, "invalid-value"),
            # a hard delete must be later than the record: refused, nothing written
            ("DELETE", f"{R}/c1?event_time={T0 + 10}&mode=hard", None, 400, "event-time-not-later"),
            ("DELETE", f"{R}/c1?event_time={T0}&mode=hard", None, 400, "event-time-not-later"),
            ("DELETE", f"{G}/nope/records/c1?event_time=1", None, 404, "group-not-found"),
        ],
    )
    assert await state() == before
    # a soft delete older than the record: nothing online, a marker offline
    r = await api(dana, "DELETE", f"{R}/c1?event_time={T0 + 5}")
    assert r.status == 200
    assert r.json == {
        "group": "customers",
        "record_id": "c1",
        "mode": "soft",
        "deleted_online": False,
        "online": "not-later",
    }
    assert (await api(dana, "GET", f"{R}/c1")).json["record"]["age"] == 31
    # a later soft delete hides the record online
    r = await api(dana, "DELETE", f"{R}/c1?event_time={T0 + 20}&mode=soft")
    assert (r.json["deleted_online"], r.json["online"]) == (True, "deleted")
    assert (await api(dana, "GET", f"{R}/c1")).json["reason"] == "record-not-found"
    # a hard delete of c2, and of an id that never existed
    r = await api(dana, "DELETE", f"{R}/c2?event_time={T0 + 6}&mode=hard")
    assert (r.json["mode"], r.json["online"]) == ("hard", "deleted")
    r = await api(dana, "DELETE", f"{R}/ghost?event_time={T0}&mode=hard")
    assert (r.status, r.json["online"], r.json["deleted_online"]) == (200, "absent", False)
    rows = await query(
        api,
        dana,
        "SELECT customer_id, event_time, is_deleted, age FROM customers "
        "WHERE is_deleted ORDER BY customer_id, event_time",
    )
    assert rows["rows"] == [
        ["c1", T0 + 5, True, None],
        ["c1", T0 + 20, True, None],
        ["c2", T0 + 6, True, None],
        ["ghost", T0, True, None],
    ]
    after = await state()
    assert after["offline_rows"] == before["offline_rows"] + 4
    assert after["online_records"] == before["online_records"] - 1  # c2 gone; c1 a marker
    # a put newer than the soft delete brings c1 back
    back = {"customer_id": "c1", "event_time": T0 + 30, "age": 32}
    assert (await api(dana, "POST", R, {"record": back})).status == 201
    assert (await api(dana, "GET", f"{R}/c1")).json["record"]["age"] == 32


async def test_describe_stats_after_puts(api, dana, customers):
    stats = (await api(dana, "GET", f"{G}/customers")).json["stats"]
    assert (stats["online_records"], stats["offline_rows"], stats["offline_buffered"]) == (2, 3, 3)
    assert stats["offline_files"] == 0 and stats["last_write_time"].startswith("20")
    await query(api, dana, "SELECT 1")  # offline reads flush the buffer into Parquet
    stats = (await api(dana, "GET", f"{G}/customers")).json["stats"]
    assert (stats["online_records"], stats["offline_rows"], stats["offline_buffered"]) == (2, 3, 0)
    assert stats["offline_files"] == 1  # the three records fall in one event-time hour


# -- batch get -----------------------------------------------------------------------------


async def test_batch_get_records_errors_and_unprocessed(
    api, dana, customers, services, monkeypatch
):
    BG = "/featurestore/batch-get"
    assert (await api(dana, "POST", G, EVENTS)).status == 201
    body = {"record": {"id": 5, "at": "2026-01-01T00:00:00Z", "v": 0.5}}
    assert (await api(dana, "POST", f"{G}/events/records", body)).status == 201
    r = await api(
        dana,
        "POST",
        BG,
        {
            "identifiers": [
                {"group": "customers", "record_ids": ["c2", "nobody", "c1"], "features": ["age"]},
                {"group": "events", "record_ids": [5, "6", "x"]},
                {"group": "nope", "record_ids": ["a", "b"]},
                {"group": "customers", "record_ids": ["c1"], "features": ["colour"]},
            ]
        },
    )
    assert r.status == 200
    assert r.json["records"] == [
        {"group": "customers", "record_id": "c2", "record": {"age": 40}},
        {"group": "customers", "record_id": "c1", "record": {"age": 31}},
        {"group": "events", "record_id": "5", "record": body["record"]},
    ]
    assert [(e["group"], e["record_id"], e["reason"]) for e in r.json["errors"]] == [
        ("customers", "nobody", "record-not-found"),
        ("events", "x", "invalid-type"),
        ("events", "6", "record-not-found"),
        ("nope", "a", "group-not-found"),
        ("nope", "b", "group-not-found"),
        ("customers", "c1", "unknown-feature"),
    ]
    assert r.json["unprocessed"] == []
    # ids the online store could not answer come back as unprocessed, the others still answer
    online = services.featurestore.online
    real = online.get_many
    events_id = services.featurestore.group("events").id

    def flaky(group_id, ids):
        if group_id == events_id:
            raise ConnectionError("online store unreachable")
        return real(group_id, ids)

    monkeypatch.setattr(online, "get_many", flaky)
    r = await api(
        dana,
        "POST",
        BG,
        {
            "identifiers": [
                {"group": "events", "record_ids": [5, 6]},
                {"group": "customers", "record_ids": ["c2"]},
            ]
        },
    )
    assert r.status == 200
    assert r.json["unprocessed"] == [
        {"group": "events", "record_id": "5"},
        {"group": "events", "record_id": "6"},
    ]
    assert [x["record_id"] for x in r.json["records"]] == ["c2"] and r.json["errors"] == []


async def test_batch_get_bad_input(api, dana, customers):
    BG = "/featurestore/batch-get"
    many = [f"c{i}" for i in range(60)]
    cases = [
        ("POST", BG, None, 400, "missing-body"),
        ("POST", BG, "{", 400, "malformed-json"),
        ("POST", BG, [], 400, "invalid-body"),
        ("POST", BG, {}, 400, "invalid-type"),
        ("POST", BG, {"identifiers": []}, 400, "invalid-type"),
        ("POST", BG, {"identifiers": {"group": "customers"}}, 400, "invalid-type"),
        ("POST", BG, {"identifiers": ["customers"]}, 400, "invalid-body"),
        ("POST", BG, {"identifiers": [{"group": "customers"}]}, 400, "invalid-type"),
        (
            "POST",
            BG,
            {"identifiers": [{"group": "customers", "record_ids": []}]},
            400,
            "invalid-type",
        ),
        (
            "POST",
            BG,
            {"identifiers": [{"group": "customers", "record_ids": "c1"}]},
            400,
            "invalid-type",
        ),
        ("POST", BG, {"identifiers": [{"group": 5, "record_ids": ["c1"]}]}, 400, "invalid-type"),
        (
            "POST",
            BG,
            {"identifiers": [{"group": "customers", "record_ids": ["c1"], "limit": 1}]},
            400,
            "unknown-field",
        ),
        (
            "POST",
            BG,
            {"identifiers": [{"group": "customers", "record_ids": ["c1"]}], "x": 1},
            400,
            "unknown-field",
        ),
        (
            "POST",
            BG,
            {"identifiers": [{"group": "customers", "record_ids": [f"c{i}" for i in range(101)]}]},
            400,
            "too-many",
        ),
        (
            "POST",
            BG,
            {
                "identifiers": [
                    {"group": "customers", "record_ids": many},
                    {"group": "other", "record_ids": many[:41]},
                ]
            },
            400,
            "too-many",
        ),
        (
            "POST",
            BG,
            {"identifiers": [{"group": "customers", "record_ids": ["x" * 1024 * 1024]}]},
            413,
            "payload-too-large",
        ),
    ]
    await check_cases(api, dana, cases)
    exactly = {
        "identifiers": [
            {"group": "customers", "record_ids": many},
            {"group": "customers", "record_ids": many[:40]},
        ]
    }
    r = await api(dana, "POST", BG, exactly)
    assert r.status == 200 and len(r.json["records"]) + len(r.json["errors"]) == 100


# -- SQL -----------------------------------------------------------------------------------


async def test_query_results(api, dana, customers):
    r = await query(
        api,
        dana,
        "SELECT customer_id, age, spend, write_time IS NOT NULL AS w FROM customers "
        "ORDER BY customer_id, event_time",
    )
    assert r["columns"] == [
        {"name": "customer_id", "type": "VARCHAR"},
        {"name": "age", "type": "BIGINT"},
        {"name": "spend", "type": "DOUBLE"},
        {"name": "w", "type": "BOOLEAN"},
    ]
    assert r["rows"] == [["c1", 30, 1.5, True], ["c1", 31, 2.5, True], ["c2", 40, None, True]]
    assert r["truncated"] is False and r["elapsed_ms"] >= 0
    r = await query(api, dana, "SELECT * FROM range(5)", limit=2)
    assert r["rows"] == [[0], [1]] and r["truncated"] is True
    r = await query(api, dana, "  with x as (select 1 as a) select a from x; ")
    assert r["rows"] == [[1]]


async def test_sql_that_writes_or_reads_outside_the_store_is_refused(
    api, dana, customers, state, tmp_path, studio_data_dir
):
    before = await state()
    outside = tmp_path / "outside.parquet"
    pq.write_table(pa.table({"secret": ["s3cr3t"]}), outside)
    (tmp_path / "outside.csv").write_text("secret\ns3cr3t\n")
    stored = sorted(files_under(studio_data_dir / "artifacts"))
    assert stored, "the fixture's records are in Parquet files after the first query"
    target = tmp_path / "copied.csv"
    attached = tmp_path / "attached.db"
    refused = {
        # not one SELECT
        "SELECT 1; SELECT 2": "invalid-sql",
        "SELECT 1; DROP VIEW customers": "invalid-sql",
        f"COPY customers TO '{target}'": "read-only",
        f"COPY (SELECT * FROM customers) TO '{target}' (FORMAT parquet)": "read-only",
        "CREATE TABLE t AS SELECT * FROM customers": "read-only",
        "CREATE VIEW v AS SELECT 1": "read-only",
        "INSERT INTO customers (customer_id) VALUES ('x')": "read-only",
        "DELETE FROM customers": "read-only",
        "UPDATE customers SET age = 0": "read-only",
        "DROP VIEW customers": "read-only",
        f"ATTACH '{attached}' AS x": "read-only",
        "INSTALL httpfs": "read-only",
        "LOAD httpfs": "read-only",
        "SET enable_external_access = true": "read-only",
        "RESET lock_configuration": "read-only",
        "PRAGMA database_list": "read-only",
        f"EXPORT DATABASE '{tmp_path / 'export'}'": "read-only",
        "CALL duckdb_settings()": "read-only",
        # SELECTs that would read files outside the store
        "SELECT * FROM read_csv('/etc/passwd')": "invalid-sql",
        "SELECT * FROM '/etc/passwd'": "invalid-sql",
        f"SELECT * FROM read_csv('{tmp_path / 'outside.csv'}')": "invalid-sql",
        f"SELECT * FROM read_parquet('{outside}')": "invalid-sql",
        f"SELECT * FROM '{outside}'": "invalid-sql",
        "SELECT * FROM read_text('/etc/passwd')": "invalid-sql",
        "SELECT * FROM read_blob('/etc/hostname')": "invalid-sql",
        "SELECT * FROM glob('/etc/*')": "invalid-sql",
        f"SELECT * FROM glob('{studio_data_dir}/**')": "invalid-sql",
        "SELECT * FROM read_json_auto('/proc/self/environ')": "invalid-sql",
        "SELECT * FROM read_parquet('https://example.com/x.parquet')": "invalid-sql",
        # SELECTs that would show the store's settings, catalog or file paths
        "SELECT current_setting('allowed_paths')": "invalid-sql",
        "SELECT upper(CURRENT_SETTING('allowed_paths'))": "invalid-sql",
        "SELECT sql FROM duckdb_views()": "invalid-sql",
        "SELECT * FROM duckdb_views": "invalid-sql",
        "SELECT * FROM duckdb_settings() WHERE name = 'allowed_paths'": "invalid-sql",
        "SELECT view_definition FROM information_schema.views": "invalid-sql",
        "SELECT * FROM pg_catalog.pg_views": "invalid-sql",
        "SELECT * FROM customers WHERE 1 IN (SELECT 1 FROM duckdb_views())": "invalid-sql",
        "SELECT * FROM query('SELECT * FROM duckdb_views()')": "invalid-sql",
        "SELECT * FROM parquet_metadata('x.parquet')": "invalid-sql",
        "SELECT * FROM pragma_database_list()": "invalid-sql",
        # malformed
        "SELEC 1": "invalid-sql",
        "SELECT * FROM": "invalid-sql",
        "SELECT * FROM no_such_group": "invalid-sql",
        "SELECT colour FROM customers": "invalid-sql",
        "SELECT 'unterminated": "invalid-sql",
        "   ": "invalid-sql",
        "": "invalid-sql",
        "-- just a comment": "invalid-sql",
    }
    for sql, reason in refused.items():
        r = await api(dana, "POST", "/featurestore/query", {"sql": sql})
        assert (r.status, r.json.get("reason")) == (400, reason), (sql, r.body[:300])
        # the store's files are never named; its folder only when the SQL named it
        for path in [*stored, str(studio_data_dir), os.path.realpath(studio_data_dir)]:
            assert path not in r.json["message"] or path in sql, (sql, r.json["message"])
        assert "s3cr3t" not in r.json["message"] and "root:" not in r.json["message"]
    assert not target.exists() and not attached.exists() and not (tmp_path / "export").exists()
    assert await state() == before


async def test_query_bad_fields_and_sizes(api, dana, customers, state):
    Q = "/featurestore/query"
    before = await state()
    cases = [
        ("POST", Q, None, 400, "missing-body"),
        ("POST", Q, "SELECT 1", 400, "malformed-json"),
        ("POST", Q, ["SELECT 1"], 400, "invalid-body"),
        ("POST", Q, {}, 400, "invalid-sql"),
        ("POST", Q, {"sql": 1}, 400, "invalid-sql"),
        ("POST", Q, {"sql": ["SELECT 1"]}, 400, "invalid-sql"),
        ("POST", Q, {"sql": "SELECT 1", "timeout": 60}, 400, "unknown-field"),
        ("POST", Q, {"sql": "SELECT 1", "limit": 0}, 400, "invalid-value"),
        ("POST", Q, {"sql": "SELECT 1", "limit": 10_001}, 400, "invalid-value"),
        ("POST", Q, {"sql": "SELECT 1", "limit": "5"}, 400, "invalid-type"),
        ("POST", Q, {"sql": "SELECT 1", "limit": 2.5}, 400, "invalid-type"),
        ("POST", Q, {"sql": "SELECT " + "1+" * 50_000 + "1"}, 400, "invalid-sql"),
        ("POST", Q, {"sql": "SELECT '" + "x" * 1024 * 1024 + "'"}, 413, "payload-too-large"),
    ]
    await check_cases(api, dana, cases)
    assert await state() == before


async def test_query_timeout_stops_the_query(api, dana, customers):
    slow = "SELECT sum(a.range * b.range) FROM range(200000) a, range(200000) b"
    r = await api(dana, "POST", "/featurestore/query", {"sql": slow})
    assert (r.status, r.json["reason"]) == (400, "query-timeout")
    assert f"{QUERY_TIMEOUT:g} s" in r.json["message"]
    assert (await query(api, dana, "SELECT count(*) FROM customers"))["rows"] == [[3]]


# -- ingestion -----------------------------------------------------------------------------


async def test_ingest_counts_rejected_rows_and_writes_only_good_ones(api, dana, customers, state):
    before = await state()
    nan, inf = math.nan, math.inf
    rows = pa.table(
        {
            "customer_id": ["n1", "n2", None, "", "n5", "n6", "n7", "n8", "n8", "c1"],
            "event_time": [T0, T0 + 1, T0, T0, nan, -1.0, T0, T0, T0, T0 + 99],
            "age": pa.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 50], pa.int32()),
            "spend": [0.5, nan, 1.0, 1.0, 1.0, 1.0, inf, 2.0, 3.0, 9.0],
            "city": ["a", None, "c", "d", "e", "f", "g", "h", "i", "j"],
        }
    )
    r = await api(dana, "POST", f"{G}/customers/ingest", parquet(rows), {"Content-Type": PARQUET})
    assert r.status == 200, r.body
    assert r.json == {
        "group": "customers",
        "rows": 10,
        "written": 4,
        "rejected": 6,
        "reasons": {
            "invalid-event-time": 2,
            "non-finite-value": 1,
            "missing-record-identifier": 1,
            "invalid-record-identifier": 1,
            "duplicate-id-and-event-time": 1,
        },
        "online_written": 4,
        "files": 1,
    }
    after = await state()
    assert after["offline_rows"] == before["offline_rows"] + 4
    assert after["online_records"] == before["online_records"] + 3  # c1 was there already
    got = await query(
        api,
        dana,
        "SELECT customer_id, age, spend, city FROM customers "
        "WHERE customer_id IN ('n1','n2','n5','n6','n7','n8','c1') AND age < 60 "
        "ORDER BY customer_id, event_time",
    )
    assert got["rows"] == [
        ["c1", 30, 1.5, "Oslo"],
        ["c1", 31, 2.5, "Bergen"],
        ["c1", 50, 9.0, "j"],
        ["n1", 1, 0.5, "a"],
        ["n2", 2, None, None],  # pandas' NaN is a missing value
        ["n8", 9, 3.0, "i"],  # the later of two rows with the same id and event time
    ]
    for rid in ("n5", "n6", "n7"):
        r = await api(dana, "GET", f"{G}/customers/records/{rid}")
        assert r.json["reason"] == "record-not-found"
    assert (await api(dana, "GET", f"{G}/customers/records/n8")).json["record"]["age"] == 9
    assert (await api(dana, "GET", f"{G}/customers/records/c1")).json["record"]["age"] == 50


async def test_ingest_bad_bodies_write_nothing(api, dana, customers, state, services):
    before = await state()
    ING = f"{G}/customers/ingest"

    def body(**columns):
        base = {"customer_id": ["z1"], "event_time": [T0], "age": [1]}
        base.update(columns)
        return parquet({k: v for k, v in base.items() if v is not ...})

    cases = [
        ("POST", ING, None, 400, "missing-body"),
        ("POST", ING, b"PAR1 this is not parquet PAR1", 400, "invalid-parquet"),
        ("POST", ING, '{"customer_id": "z1"}', 400, "invalid-parquet"),
        ("POST", ING, body()[:-20], 400, "invalid-parquet"),
        ("POST", ING, body(colour=["red"]), 400, "unknown-feature"),
        ("POST", ING, body(is_deleted=[False]), 400, "unknown-feature"),
        ("POST", ING, body(customer_id=...), 400, "missing-field"),
        ("POST", ING, body(event_time=...), 400, "missing-field"),
        ("POST", ING, body(age=["one"]), 400, "invalid-type"),
        ("POST", ING, body(age=[1.5]), 400, "invalid-type"),
        ("POST", ING, body(customer_id=[1]), 400, "invalid-type"),
        ("POST", ING, body(spend=["1.0"]), 400, "invalid-type"),
        ("POST", ING, body(city=[3]), 400, "invalid-type"),
        ("POST", ING, body(event_time=["2026-01-01"]), 400, "invalid-type"),
        ("POST", ING, body(age=pa.array([2**64 - 1], pa.uint64())), 400, "invalid-type"),
        ("POST", f"{G}/nope/ingest", body(), 404, "group-not-found"),
    ]
    await check_cases(api, dana, cases)
    assert await state() == before
    services.max_upload_size = 1000
    big = parquet({"customer_id": [f"id-{i}" for i in range(1000)], "event_time": [T0] * 1000})
    r = await api(dana, "POST", ING, big)
    assert (r.status, r.json["reason"]) == (413, "payload-too-large")
    assert await state() == before
    empty = parquet(
        pa.table(
            {"customer_id": pa.array([], pa.string()), "event_time": pa.array([], pa.float64())}
        )
    )
    r = await api(dana, "POST", ING, empty)
    assert r.status == 200 and (r.json["rows"], r.json["written"], r.json["files"]) == (0, 0, 0)
    assert await state() == before


async def test_ingest_timestamps_into_an_iso_event_time(api, dana):
    """A timestamp column into a String event time is stored as ISO-8601 that reads back."""
    assert (await api(dana, "POST", G, EVENTS)).status == 201
    stamps = pa.array([0, 1_000_000_000_123_456], pa.timestamp("us"))
    body = parquet({"id": [1, 2], "at": stamps, "v": [1.0, 2.0]})
    r = await api(dana, "POST", f"{G}/events/ingest", body)
    assert r.status == 200 and r.json["written"] == 2 and r.json["files"] == 2
    r = await api(dana, "GET", f"{G}/events/records/2")
    assert r.json["record"] == {"id": 2, "at": "2001-09-09T01:46:40.123456Z", "v": 2.0}
    await assert_offline_reads_work(api, dana, "events")


async def test_ingest_nanosecond_and_out_of_range_timestamps(api, dana, customers, state):
    """pandas' datetime64[ns] with nanoseconds is stored (to the microsecond); a timestamp past
    the year 9999 is a rejected row: neither is a server error."""
    before = await state()
    nanos = pd.to_datetime(pd.Series([T0 + 0.123456789]), unit="s")
    frame = pd.DataFrame({"customer_id": ["ns"], "event_time": nanos})
    sink = io.BytesIO()
    frame.to_parquet(sink)
    r = await api(dana, "POST", f"{G}/customers/ingest", sink.getvalue())
    assert (r.status, r.json.get("written")) == (200, 1), r.body
    got = (await api(dana, "GET", f"{G}/customers/records/ns")).json["record"]["event_time"]
    assert abs(got - (T0 + 0.123456789)) < 2e-6
    far = pa.array([10**13, int(T0)], pa.timestamp("s"))  # the year 318857, then 2023
    r = await api(
        dana,
        "POST",
        f"{G}/customers/ingest",
        parquet({"customer_id": ["far", "ok"], "event_time": far}),
    )
    assert r.status == 200, r.body
    assert (r.json["written"], r.json["reasons"]) == (1, {"invalid-event-time": 1})
    after = await state()
    assert after["offline_rows"] == before["offline_rows"] + 2


async def test_ingest_iso_strings(api, dana):
    assert (await api(dana, "POST", G, EVENTS)).status == 201
    body = parquet({"id": [3, 4], "at": ["2026-01-01T00:00:00Z", "not a time"]})
    r = await api(dana, "POST", f"{G}/events/ingest", body)
    assert r.status == 200 and r.json["reasons"] == {"invalid-event-time": 1}
    assert (await api(dana, "GET", f"{G}/events/records/3")).status == 200
    assert (await api(dana, "GET", f"{G}/events/records/4")).status == 404


async def assert_offline_reads_work(api, token, name):
    """Histogram, verify and a training set of the group answer 200."""
    r = await api(token, "GET", f"{G}/{name}/histogram?feature=v")
    assert r.status == 200, r.body
    r = await api(token, "GET", f"{G}/{name}/verify")
    assert r.status == 200 and r.json["ok"], r.body
    spine = parquet({"id": [1], "at": ["2030-01-01T00:00:00Z"]})
    r = await api(token, "POST", f"/featurestore/training-sets?features={name}:v", spine)
    assert r.status == 200, r.body


ISO_FORMS = [
    "2026-W01-1",  # an ISO week date
    "20260101T100000",  # ISO basic format
    "2026-01-01T10",  # hours only
    "2026-01-01T10:00:00,5Z",  # a decimal comma
]


@pytest.mark.parametrize("at", ISO_FORMS)
async def test_an_accepted_iso_event_time_keeps_the_group_readable(api, dana, at):
    """Whatever event time a put or an ingest accepts, the offline reads can still parse it
    (an unreadable one would break every histogram, verify and training set of the group, and
    the offline store is append-only)."""
    assert (await api(dana, "POST", G, EVENTS)).status == 201
    r = await api(dana, "POST", f"{G}/events/records", {"record": {"id": 1, "at": at, "v": 1}})
    assert r.status == 201 or (r.status, r.json["reason"]) == (400, "invalid-event-time")
    r = await api(dana, "POST", f"{G}/events/ingest", parquet({"id": [2], "at": [at]}))
    assert r.status == 200
    await assert_offline_reads_work(api, dana, "events")


async def test_ingest_pandas_categorical_columns(api, dana, customers):
    """pandas writes a category column as a dictionary column: its values are what count."""
    frame = pd.DataFrame(
        {
            "customer_id": pd.Categorical(["k1", "k2"]),
            "event_time": [T0, T0],
            "city": pd.Categorical(["Oslo", "Oslo"]),
        }
    )
    sink = io.BytesIO()
    frame.to_parquet(sink)
    r = await api(dana, "POST", f"{G}/customers/ingest", sink.getvalue())
    assert r.status == 200, r.body
    assert (await api(dana, "GET", f"{G}/customers/records/k2")).json["record"]["city"] == "Oslo"


async def test_online_only_and_offline_only_groups(api, dana):
    assert (await api(dana, "POST", G, group(name="hot", offline=False))).status == 201
    assert (await api(dana, "POST", G, group(name="cold", online=False))).status == 201
    rows = parquet({"customer_id": ["a", "b"], "event_time": [T0, T0], "age": [1, 2]})
    r = await api(dana, "POST", f"{G}/hot/ingest", rows)
    assert (r.json["written"], r.json["online_written"], r.json["files"]) == (2, 2, 0)
    r = await api(dana, "POST", f"{G}/cold/ingest", rows)
    assert (r.json["written"], r.json["online_written"], r.json["files"]) == (2, 0, 1)
    record = {"record": {"customer_id": "c", "event_time": T0}}
    for name in ("hot", "cold"):
        assert (await api(dana, "POST", f"{G}/{name}/records", record)).status == 201
        r = await api(dana, "DELETE", f"{G}/{name}/records/a?event_time={T0 + 1}")
        assert r.status == 200
    hot = (await api(dana, "GET", f"{G}/hot")).json["stats"]
    cold = (await api(dana, "GET", f"{G}/cold")).json["stats"]
    assert (hot["online_records"], hot["offline_rows"]) == (3, 0)
    assert (cold["online_records"], cold["offline_rows"]) == (None, 4)
    assert (await api(dana, "GET", f"{G}/hot/records/b")).json["record"]["age"] == 2
    assert (await api(dana, "GET", f"{G}/hot/records/a")).status == 404
    r = await api(dana, "POST", "/featurestore/query", {"sql": "SELECT count(*) FROM hot"})
    assert (r.status, r.json["reason"]) == (400, "invalid-sql")
    r = await query(api, dana, "SELECT customer_id, is_deleted FROM cold ORDER BY ALL")
    assert r["rows"] == [["a", False], ["a", True], ["b", False], ["c", False]]
    spine = parquet({"customer_id": ["a"], "event_time": [T0 + 5]})
    for method, path, body, reason in [
        ("GET", f"{G}/hot/histogram?feature=age", None, "offline-disabled"),
        ("POST", "/featurestore/training-sets?features=hot:age", spine, "offline-disabled"),
        ("GET", f"{G}/cold/records/a", None, "online-disabled"),
    ]:
        r = await api(dana, method, path, body)
        assert (r.status, r.json["reason"]) == (400, reason), path
    r = await api(dana, "POST", "/featurestore/training-sets?features=cold:age", spine)
    assert table_of(r.body)["age"].to_pylist() == [None]  # deleted at T0 + 1


# -- training sets -------------------------------------------------------------------------


async def test_training_set_round_trip(api, dana, customers):
    spine = pa.table(
        {
            "label": [1, 0, 1, 0, 1],
            "customer_id": ["c1", "c2", "c1", "nobody", "c1"],
            "event_time": [T0 + 100, T0 + 5, T0 + 5, T0, T0 - 1],
            "note": ["late", "at c2", "between", "unknown", "before"],
        }
    )
    r = await api(
        dana,
        "POST",
        "/featurestore/training-sets?features=customers:age,customers:city",
        parquet(spine),
        {"Content-Type": PARQUET},
    )
    assert r.status == 200, r.body
    assert r.headers["Content-Type"] == PARQUET
    out = table_of(r.body)
    assert out.column_names == ["label", "customer_id", "event_time", "note", "age", "city"]
    assert out.to_pydict() == {
        **spine.to_pydict(),
        "age": [31, 40, 30, None, None],
        "city": ["Bergen", "Turku", "Oslo", None, None],
    }
    # duplicate spine rows stay two rows; an empty spine gives an empty set with the columns
    twice = parquet({"customer_id": ["c2", "c2"], "event_time": [T0 + 9, T0 + 9]})
    r = await api(dana, "POST", "/featurestore/training-sets?features=customers:age", twice)
    assert table_of(r.body).to_pydict()["age"] == [40, 40]
    empty = pa.table(
        {"customer_id": pa.array([], pa.string()), "event_time": pa.array([], pa.float64())}
    )
    r = await api(
        dana, "POST", "/featurestore/training-sets?features=customers:age", parquet(empty)
    )
    out = table_of(r.body)
    assert (out.num_rows, out.column_names) == (0, ["customer_id", "event_time", "age"])
    r = await api(
        dana,
        "POST",
        "/featurestore/training-sets?features=customers:*&full_names=true",
        parquet(spine.select(["customer_id", "event_time"])),
    )
    out = table_of(r.body)
    assert out.column_names == [
        "customer_id",
        "event_time",
        "customers__age",
        "customers__spend",
        "customers__city",
    ]
    assert out.column("customers__spend").to_pylist() == [2.5, None, 1.5, None, None]


async def test_training_set_excludes_late_records_when_asked(api, dana, customers):
    """A record written after the spine time counts only without exclude_late."""
    now = time.time()
    early = {"customer_id": "c1", "event_time": now - 200, "age": 77}
    assert (await api(dana, "POST", f"{G}/customers/records", {"record": early})).status == 201
    spine_time = time.time()
    await asyncio.sleep(0.05)
    late = {"customer_id": "c1", "event_time": now - 150, "age": 88}
    assert (await api(dana, "POST", f"{G}/customers/records", {"record": late})).status == 201
    spine = parquet({"customer_id": ["c1", "c1"], "event_time": [spine_time, now - 180]})
    path = "/featurestore/training-sets?features=customers:age"
    r = await api(dana, "POST", path, spine)
    assert table_of(r.body)["age"].to_pylist() == [88, 77]
    r = await api(dana, "POST", path + "&exclude_late=true", spine)
    # at now - 180 every record of c1 (the fixture's too) was yet to be written
    assert table_of(r.body)["age"].to_pylist() == [77, None]


async def test_training_set_bad_input(api, dana, customers, state, services):
    before = await state()
    spine = parquet({"customer_id": ["c1"], "event_time": [T0 + 100]})
    TS = "/featurestore/training-sets"
    cases = [
        ("POST", f"{TS}?features=customers:age", None, 400, "missing-body"),
        ("POST", f"{TS}?features=customers:age", b"not parquet", 400, "invalid-parquet"),
        ("POST", TS, spine, 400, "invalid-type"),
        ("POST", f"{TS}?features=", spine, 400, "invalid-type"),
        ("POST", f"{TS}?features=customers", spine, 400, "invalid-feature-ref"),
        ("POST", f"{TS}?features=customers:age:x", spine, 400, "invalid-feature-ref"),
        ("POST", f"{TS}?features=customers:colour", spine, 400, "unknown-feature"),
        ("POST", f"{TS}?features=nope:age", spine, 404, "group-not-found"),
        ("POST", f"{TS}?features=Customers:age", spine, 400, "invalid-name"),
        ("POST", f"{TS}?features=customers:age&exclude_late=maybe", spine, 400, "invalid-type"),
        ("POST", f"{TS}?features=customers:age&full_names=2", spine, 400, "invalid-type"),
        ("POST", f"{TS}?features=customers:age&time_column=when", spine, 400, "invalid-spine"),
        (
            "POST",
            f"{TS}?features=customers:age",
            parquet({"id": ["c1"], "event_time": [T0]}),
            400,
            "invalid-spine",
        ),
        (
            "POST",
            f"{TS}?features=customers:age",
            parquet({"customer_id": ["c1"], "event_time": [True]}),
            400,
            "invalid-spine",
        ),
        (
            "POST",
            f"{TS}?features=customers:age",
            parquet({"customer_id": ["c1"], "event_time": [T0], "age": [3]}),
            400,
            "duplicate-column",
        ),
    ]
    await check_cases(api, dana, cases)
    services.max_upload_size = 100
    r = await api(dana, "POST", f"{TS}?features=customers:age", spine)
    assert (r.status, r.json["reason"]) == (413, "payload-too-large")
    assert await state() == before


# -- histogram and verify ------------------------------------------------------------------


async def test_histogram(api, dana, customers):
    H = f"{G}/customers/histogram"
    r = await api(dana, "GET", f"{H}?feature=age&bins=3")
    assert r.status == 200
    # the latest record of each id: c1 age 31, c2 age 40
    assert r.json == {
        "group": "customers",
        "feature": "age",
        "edges": [31.0, 34.0, 37.0, 40.0],
        "counts": [1, 0, 1],
        "nulls": 0,
    }
    r = await api(dana, "GET", f"{H}?feature=spend")
    assert (len(r.json["counts"]), sum(r.json["counts"]), r.json["nulls"]) == (20, 1, 1)
    await check_cases(
        api,
        dana,
        [
            ("GET", H, None, 400, "missing-field"),
            ("GET", f"{H}?feature=", None, 400, "missing-field"),
            ("GET", f"{H}?feature=city", None, 400, "invalid-feature"),
            ("GET", f"{H}?feature=colour", None, 400, "invalid-feature"),
            ("GET", f"{H}?feature=age&bins=0", None, 400, "invalid-value"),
            ("GET", f"{H}?feature=age&bins=201", None, 400, "invalid-value"),
            ("GET", f"{H}?feature=age&bins=-1", None, 400, "invalid-type"),
            ("GET", f"{H}?feature=age&bins=2.5", None, 400, "invalid-type"),
            ("GET", f"{H}?feature=age&bins=99999", None, 400, "invalid-type"),
            ("GET", f"{G}/nope/histogram?feature=age", None, 404, "group-not-found"),
        ],
    )


async def test_histogram_of_the_widest_finite_range(api, dana, customers):
    """Values spanning more than the largest double still make finite bins (strict JSON)."""
    for rid, spend in [("lo", -1e308), ("hi", 1e308)]:
        body = {"record": {"customer_id": rid, "event_time": T0, "spend": spend}}
        assert (await api(dana, "POST", f"{G}/customers/records", body)).status == 201
    for bins in (1, 4):
        r = await api(dana, "GET", f"{G}/customers/histogram?feature=spend&bins={bins}")
        assert r.status == 200, r.body
        got = json.loads(r.body, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
        assert math.isclose(got["edges"][0], -1e308) and math.isclose(got["edges"][-1], 1e308)
        assert all(math.isfinite(e) for e in got["edges"]) and len(got["edges"]) == bins + 1
        assert sum(got["counts"]) == 3 and got["counts"][0] >= 1 and got["counts"][-1] >= 1


async def test_histogram_bins_must_be_ascii_digits(api, dana, customers):
    """'²' is a digit to str.isdigit() but not to int(): a clear 400, not a server error."""
    r = await api(dana, "GET", f"{G}/customers/histogram?feature=age&bins=%C2%B2")
    assert (r.status, r.json["reason"]) == (400, "invalid-type")


async def test_verify_reports_differences(api, dana, customers, services):
    V = f"{G}/customers/verify"
    r = await api(dana, "GET", V)
    assert r.status == 200
    assert r.json == {
        "group": "customers",
        "checked": 2,
        "ok": True,
        "differences_total": 0,
        "differences": [],
    }
    # an online record that differs from the newest offline one
    fs = services.featurestore
    group_id = fs.group("customers").id
    changed = {"customer_id": "c2", "event_time": T0 + 5, "age": 41, "spend": None, "city": "Turku"}
    fs.online.put(group_id, [PutRow("c2", T0 + 6, time.time(), json.dumps(changed).encode())])
    r = await api(dana, "GET", V)
    assert (r.json["ok"], r.json["checked"], r.json["differences_total"]) == (False, 2, 1)
    assert r.json["differences"] == [
        {
            "record_id": "c2",
            "kind": "different",
            "online": changed,
            "offline": {**changed, "age": 40},
        }
    ]
    # lose the online records behind the service's back: verify names each of them
    fs.online.drop(group_id)
    r = await api(dana, "GET", V)
    assert (r.json["ok"], r.json["differences_total"]) == (False, 2)
    assert sorted((d["record_id"], d["kind"], d["online"]) for d in r.json["differences"]) == [
        ("c1", "missing-online", None),
        ("c2", "missing-online", None),
    ]
    assert (await api(dana, "POST", G, group(name="hot", offline=False))).status == 201
    assert (await api(dana, "POST", G, group(name="cold", online=False))).status == 201
    await check_cases(
        api,
        dana,
        [
            ("GET", f"{G}/hot/verify", None, 400, "offline-disabled"),
            ("GET", f"{G}/cold/verify", None, 400, "online-disabled"),
            ("GET", f"{G}/nope/verify", None, 404, "group-not-found"),
        ],
    )
