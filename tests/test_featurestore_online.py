"""One contract for every online store backend (SQL on SQLite/PostgreSQL, Redis), and the
record semantics of SageMaker's PutRecord / GetRecord / DeleteRecord on top of it."""

from __future__ import annotations

import threading
import time

import orjson
import pytest
from featurestore_fixtures import CUSTOMERS, DANA

from jupyter_mlops_studio.core.errors import InvalidInput, NotFound
from jupyter_mlops_studio.featurestore.online import ABSENT, DELETED, NOT_LATER, PutRow


def _put(fs, **record):
    return fs.put_record(DANA, "customers", {"record": record})


def _offline(fs, sql="SELECT * FROM customers ORDER BY write_time"):
    result = fs.query(DANA, {"sql": sql})
    names = [c["name"] for c in result["columns"]]
    return [dict(zip(names, row, strict=False)) for row in result["rows"]]


# -- the backend contract --------------------------------------------------------------------


@pytest.fixture
def store(fs):
    fs.create_group(DANA, CUSTOMERS)
    return fs.online


def test_an_older_put_never_overwrites_a_newer_record(store):
    store.put(1, [PutRow("a", 20.0, 1.0, b'{"v":"new"}')])
    store.put(1, [PutRow("a", 10.0, 2.0, b'{"v":"old"}')])
    assert store.get(1, "a").payload == b'{"v":"new"}'
    store.put(1, [PutRow("a", 20.0, 3.0, b'{"v":"same-time-later-write"}')])
    assert store.get(1, "a").payload == b'{"v":"same-time-later-write"}'
    assert store.get(1, "missing") is None


def test_a_batch_with_an_id_twice_keeps_the_newest_event_time(store):
    store.put(
        1, [PutRow("b", 5.0, 1.0, b"5"), PutRow("b", 9.0, 1.0, b"9"), PutRow("b", 7.0, 1.0, b"7")]
    )
    assert store.get(1, "b").payload == b"9"


def test_deletes_follow_the_event_time_rule(store):
    store.put(1, [PutRow("a", 20.0, 1.0, b"{}")])
    assert store.delete(1, "a", 20.0, 2.0, False, b"marker") == NOT_LATER
    assert store.get(1, "a").deleted is False
    assert store.delete(1, "a", 21.0, 2.0, False, b"marker") == DELETED
    soft = store.get(1, "a")
    assert soft.deleted and soft.payload == b"marker" and soft.event_time == 21.0
    store.put(1, [PutRow("a", 15.0, 3.0, b"older")])  # older than the delete: stays deleted
    assert store.get(1, "a").deleted
    assert store.delete(1, "a", 30.0, 4.0, True, b"") == DELETED
    assert store.get(1, "a") is None
    assert store.delete(1, "a", 40.0, 5.0, True, b"") == ABSENT


def test_get_many_scan_count_drop_keep_groups_apart(fs, store):
    fs.create_group(DANA, {**CUSTOMERS, "name": "orders"})
    store.put(1, [PutRow(f"id-{i}", float(i), 1.0, b"%d" % i) for i in range(250)])
    store.put(2, [PutRow("id-1", 1.0, 1.0, b"other group")])
    got = store.get_many(1, ["id-1", "id-7", "nope"])
    assert sorted(got) == ["id-1", "id-7"] and got["id-7"].payload == b"7"
    assert store.count(1) == 250 and store.count(2) == 1
    assert sorted(rid for rid, _ in store.scan(1)) == sorted(f"id-{i}" for i in range(250))
    store.drop(1)
    assert store.count(1) == 0 and store.get(2, "id-1").payload == b"other group"


def test_concurrent_writers_leave_the_newest_event_time(store):
    def writer(times):
        for t in times:
            store.put(1, [PutRow("race", float(t), time.time(), b"%d" % t)])

    threads = [threading.Thread(target=writer, args=(range(k, 400, 4),)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.get(1, "race").payload == b"399"


# -- acceptance 1: SageMaker's record semantics on every backend ------------------------------


def test_out_of_order_puts_keep_the_newer_record_online_and_both_offline(fs):
    fs.create_group(DANA, CUSTOMERS)
    _put(fs, customer_id="c1", event_time=200.0, age=41, spend=9.5, city="Oslo")
    _put(fs, customer_id="c1", event_time=100.0, age=40, spend=1.0, city="Bergen")
    got = fs.get_record(DANA, "customers", "c1")["record"]
    assert got == {
        "customer_id": "c1",
        "event_time": 200.0,
        "age": 41,
        "spend": 9.5,
        "city": "Oslo",
    }
    offline = _offline(fs, "SELECT age, event_time, is_deleted FROM customers ORDER BY age")
    assert offline == [
        {"age": 40, "event_time": 100.0, "is_deleted": False},
        {"age": 41, "event_time": 200.0, "is_deleted": False},
    ]


def test_soft_delete_then_get_then_offline_marker(fs):
    fs.create_group(DANA, CUSTOMERS)
    _put(fs, customer_id="c1", event_time=200.0, age=41, spend=9.5, city="Oslo")
    # not later than the record: SoftDelete leaves it online but still writes the marker
    out = fs.delete_record(DANA, "customers", "c1", "150", "soft")
    assert out["deleted_online"] is False and out["online"] == NOT_LATER
    assert fs.get_record(DANA, "customers", "c1")["record"]["age"] == 41
    out = fs.delete_record(DANA, "customers", "c1", "300", "soft")
    assert out["deleted_online"] is True
    with pytest.raises(NotFound):
        fs.get_record(DANA, "customers", "c1")
    rows = _offline(fs, "SELECT * FROM customers ORDER BY event_time")
    assert [(r["event_time"], r["is_deleted"]) for r in rows] == [
        (150.0, True),
        (200.0, False),
        (300.0, True),
    ]
    marker = rows[2]
    assert marker["customer_id"] == "c1"
    assert marker["age"] is None and marker["spend"] is None and marker["city"] is None
    assert fs.verify(DANA, "customers")["ok"] is True


def test_hard_delete_not_later_is_refused_and_writes_no_marker(fs):
    fs.create_group(DANA, CUSTOMERS)
    _put(fs, customer_id="c1", event_time=200.0, age=41)
    with pytest.raises(InvalidInput) as e:
        fs.delete_record(DANA, "customers", "c1", "200", "hard")
    assert e.value.reason == "event-time-not-later"
    assert len(_offline(fs)) == 1
    fs.delete_record(DANA, "customers", "c1", "201", "hard")
    with pytest.raises(NotFound):
        fs.get_record(DANA, "customers", "c1")
    assert fs.online.get(fs.group("customers").id, "c1") is None
    assert [r["is_deleted"] for r in _offline(fs)] == [False, True]


def test_get_live_skips_deleted_and_expired_records(store):
    store.put(1, [PutRow("a", 100.0, 1.0, b'{"v":1}'), PutRow("b", 100.0, 1.0, b'{"v":2}')])
    store.delete(1, "b", 101.0, 2.0, False, b'{"deleted":1}')
    assert store.get_live(1, "a", -1.0) == b'{"v":1}'
    assert store.get_live(1, "a", 100.0) == b'{"v":1}'  # the cut-off itself is still live
    assert store.get_live(1, "a", 100.5) is None
    assert store.get_live(1, "b", -1.0) is None
    assert store.get_live(1, "missing", -1.0) is None
    assert store.get_live(2, "a", -1.0) is None


def test_integral_ids_in_any_accepted_spelling_find_the_record(fs):
    fs.create_group(
        DANA,
        {
            "name": "events",
            "record_identifier": "id",
            "event_time": "at",
            "features": [{"name": "id", "type": "Integral"}, {"name": "at", "type": "Fractional"}],
        },
    )
    for rid in (0, 7, -3, 2**63 - 1):
        fs.put_record(DANA, "events", {"record": {"id": rid, "at": 1.0}})
    for asked, key in [("7", "7"), ("007", "7"), (7, "7"), ("0", "0"), ("00", "0"), ("-3", "-3")]:
        assert fs.get_record(DANA, "events", asked)["record_id"] == key
    big = str(2**63 - 1)  # 19 digits: past the fast path, through the full check
    assert fs.get_record(DANA, "events", big)["record"]["id"] == 2**63 - 1
    for bad in ("", "seven", "٧", "1e3", str(2**63), True, 7.0, None):
        with pytest.raises(InvalidInput):
            fs.get_record(DANA, "events", bad)
    with pytest.raises(NotFound):
        fs.get_record(DANA, "events", "8")


def test_records_past_their_ttl_are_not_returned(fs):
    fs.create_group(DANA, {**CUSTOMERS, "ttl_seconds": 60})
    now = time.time()
    _put(fs, customer_id="fresh", event_time=now - 10)
    _put(fs, customer_id="stale", event_time=now - 3600)
    assert fs.get_record(DANA, "customers", "fresh")["record"]["customer_id"] == "fresh"
    with pytest.raises(NotFound):
        fs.get_record(DANA, "customers", "stale")
    batch = fs.batch_get(
        DANA, {"identifiers": [{"group": "customers", "record_ids": ["fresh", "stale"]}]}
    )
    assert [r["record_id"] for r in batch["records"]] == ["fresh"]
    assert [(e["record_id"], e["reason"]) for e in batch["errors"]] == [
        ("stale", "record-not-found")
    ]


def test_feature_subsets_and_features_added_later(fs):
    fs.create_group(DANA, CUSTOMERS)
    _put(fs, customer_id="c1", event_time=1.0, age=3)
    got = fs.get_record(DANA, "customers", "c1", ["age", "city"])
    assert got["record"] == {"age": 3, "city": None}
    fs.add_features(DANA, "customers", {"features": [{"name": "score", "type": "Fractional"}]})
    assert fs.get_record(DANA, "customers", "c1")["record"]["score"] is None
    _put(fs, customer_id="c2", event_time=1.0, score=0.5)
    rows = _offline(fs, "SELECT customer_id, score FROM customers ORDER BY customer_id")
    assert rows == [{"customer_id": "c1", "score": None}, {"customer_id": "c2", "score": 0.5}]


def test_invalid_records_change_nothing(fs):
    fs.create_group(DANA, CUSTOMERS)
    bad = [
        {"event_time": 1.0},  # no identifier
        {"customer_id": "c"},  # no event time
        {"customer_id": "c", "event_time": 1.0, "age": "41"},  # wrong type
        {"customer_id": "c", "event_time": 1.0, "age": 2**64},  # out of range
        {"customer_id": "c", "event_time": 1.0, "nope": 1},  # unknown feature
        {"customer_id": "c", "event_time": "yesterday"},  # not seconds
        {"customer_id": "", "event_time": 1.0},  # empty id
        {"customer_id": "c", "event_time": float("nan")},
    ]
    for record in bad:
        with pytest.raises(InvalidInput):
            _put(fs, **record)
    assert fs.online.count(fs.group("customers").id) == 0
    assert _offline(fs) == []


def test_online_payload_is_the_validated_record(fs):
    fs.create_group(DANA, CUSTOMERS)
    _put(fs, customer_id="c1", event_time=5, spend=2)
    stored = fs.online.get(fs.group("customers").id, "c1")
    assert orjson.loads(stored.payload) == {
        "customer_id": "c1",
        "event_time": 5.0,
        "age": None,
        "spend": 2.0,
        "city": None,
    }


def test_concurrent_batches_of_overlapping_ids_in_opposite_orders(fs, store):
    """Two ingestions of the same ids at once (Spark partitions in parallel) must both commit:
    on PostgreSQL, batches locking rows in different orders deadlocked."""
    ids = [f"id-{i:05d}" for i in range(3000)]
    errors = []

    def writer(order, event_time):
        try:
            for round_ in range(3):
                rows = [PutRow(i, event_time + round_, 1.0, b"{}") for i in order]
                with fs.db.session(write=True) as session:
                    store.put(1, rows, session.connection() if fs._sql_online else None)
        except Exception as e:  # reported below
            errors.append(repr(e))

    threads = [
        threading.Thread(target=writer, args=(ids, 10.0)),
        threading.Thread(target=writer, args=(ids[::-1], 20.0)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.count(1) == 3000 and store.get(1, "id-00000").event_time == 22.0
