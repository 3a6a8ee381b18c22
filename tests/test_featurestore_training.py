"""Point-in-time training sets against a brute-force reference (acceptance 2), spine types,
several groups, and bad requests."""

from __future__ import annotations

import datetime as dt
import uuid

import numpy as np
import pyarrow as pa
import pytest
from featurestore_fixtures import DANA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from jupyter_mlops_studio.core.errors import InvalidInput
from jupyter_mlops_studio.featurestore.models import OfflineFileRow
from jupyter_mlops_studio.featurestore.offline import arrow_schema

GROUP = {
    "name": "txn",
    "record_identifier": "user",
    "event_time": "ts",
    "features": [
        {"name": "user", "type": "String"},
        {"name": "ts", "type": "Fractional"},
        {"name": "amount", "type": "Fractional"},
        {"name": "n", "type": "Integral"},
    ],
}


def _store(fs, name, records):
    """Write records (dicts with user, ts, amount, n, wt, deleted) as offline files directly,
    so that tests choose the write times (late data, ties)."""
    group = fs.group(name)
    rows = {f: [r.get(f) for r in records] for f in group.feature_names}
    micros = [round(r["wt"] * 1e6) for r in records]
    rows["write_time"] = pa.array(micros, pa.int64()).cast(pa.timestamp("us", tz="UTC"))
    rows["api_invocation_time"] = rows["write_time"]
    rows["is_deleted"] = [r["deleted"] for r in records]
    table = pa.table(rows, schema=arrow_schema(group))
    seconds = np.array([r[group.event_time] for r in records], dtype=float)
    files = fs.offline.write(group, table, seconds, fs.offline.new_stem("test"))
    with fs.db.session(write=True) as session:
        session.execute(insert(OfflineFileRow), files)


def _reference(records, spine, ttl, exclude_late):
    """For each spine row: the features of the latest record by (event time, write time) with
    event time <= t (and write time <= t when excluding late data), unless it is deleted or
    older than the TTL."""
    out = []
    for user, t in spine:
        candidates = [
            r
            for r in records
            if r["user"] == user and r["ts"] <= t and (not exclude_late or r["wt"] <= t)
        ]
        if not candidates:
            out.append((None, None))
            continue
        best = max(candidates, key=lambda r: (r["ts"], r["wt"]))
        if best["deleted"] or (ttl is not None and t - best["ts"] > ttl):
            out.append((None, None))
        else:
            out.append((best["amount"], best["n"]))
    return out


record = st.fixed_dictionaries(
    {
        "user": st.sampled_from(["a", "b", "c"]),
        "ts": st.integers(0, 20).map(float),
        "late": st.integers(-3, 15),
        "amount": st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)),
        "n": st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)),
        "deleted": st.booleans(),
    }
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    records=st.lists(record, min_size=0, max_size=40),
    spine=st.lists(
        st.tuples(st.sampled_from(["a", "b", "c", "zz"]), st.integers(-1, 40).map(float)),
        min_size=1,
        max_size=30,
    ),
    ttl=st.one_of(st.none(), st.integers(1, 10)),
    exclude_late=st.booleans(),
)
def test_training_sets_equal_the_brute_force_reference(make_fs, records, spine, ttl, exclude_late):
    fs = make_fs("sql")
    name = f"txn-{uuid.uuid4().hex[:8]}"  # one group per example
    fs.create_group(DANA, {**GROUP, "name": name, "ttl_seconds": ttl})
    for i, r in enumerate(records):
        r["wt"] = r["ts"] + r["late"] + i * 1e-3  # distinct write times; ties of event time
        if r["deleted"]:
            r["amount"] = r["n"] = None  # a delete marker carries no feature values
    if records:
        _store(fs, name, records)
    table = pa.table(
        {
            "user": [u for u, _ in spine],
            "ts": [t for _, t in spine],
            "label": list(range(len(spine))),
        }
    )
    got = fs.training_set(DANA, table, [f"{name}:amount", f"{name}:n"], exclude_late=exclude_late)
    assert got.num_rows == len(spine)
    assert got.column("label").to_pylist() == list(range(len(spine)))  # spine order kept
    pairs = zip(got.column("amount").to_pylist(), got.column("n").to_pylist(), strict=True)
    assert list(pairs) == _reference(records, spine, ttl, exclude_late)


def test_spine_times_as_timestamps_strings_and_seconds_agree(make_fs):
    fs = make_fs("sql")
    fs.create_group(DANA, GROUP)
    base = 1_767_225_600.0  # 2026-01-01T00:00:00Z
    _store(
        fs,
        "txn",
        [
            {"user": "a", "ts": base, "amount": 1.0, "n": 1, "wt": base, "deleted": False},
            {
                "user": "a",
                "ts": base + 3600,
                "amount": 2.0,
                "n": 2,
                "wt": base + 3600,
                "deleted": False,
            },
        ],
    )
    times = [base - 1, base, base + 3599, base + 3600]
    expected = [None, 1.0, 1.0, 2.0]
    utc = dt.timezone.utc
    spines = {
        "seconds": pa.array(times),
        "timestamp-utc": pa.array(
            [dt.datetime.fromtimestamp(t, utc) for t in times], pa.timestamp("us", tz="UTC")
        ),
        "timestamp-naive": pa.array(
            [dt.datetime.fromtimestamp(t, utc).replace(tzinfo=None) for t in times],
            pa.timestamp("ns"),
        ),
        "iso": pa.array([dt.datetime.fromtimestamp(t, utc).isoformat() for t in times]),
    }
    for kind, column in spines.items():
        spine = pa.table({"user": ["a"] * 4, "at": column})
        got = fs.training_set(DANA, spine, ["txn:amount"], time_column="at")
        assert got.column("amount").to_pylist() == expected, kind
        assert got.column("at").type == column.type  # spine columns come back as sent


def test_several_groups_and_full_names(make_fs):
    fs = make_fs("sql")
    fs.create_group(DANA, GROUP)
    fs.create_group(
        DANA,
        {
            **GROUP,
            "name": "profile",
            "features": [
                {"name": "user", "type": "String"},
                {"name": "ts", "type": "Fractional"},
                {"name": "amount", "type": "Fractional"},
                {"name": "n", "type": "Integral"},
            ],
        },
    )
    _store(
        fs, "txn", [{"user": "a", "ts": 1.0, "amount": 5.0, "n": 1, "wt": 1.0, "deleted": False}]
    )
    _store(
        fs,
        "profile",
        [{"user": "a", "ts": 2.0, "amount": 7.0, "n": 2, "wt": 2.0, "deleted": False}],
    )
    spine = pa.table({"user": ["a", "a", "b"], "ts": [1.5, 3.0, 3.0]})
    with pytest.raises(InvalidInput) as e:
        fs.training_set(DANA, spine, ["txn:amount", "profile:amount"])
    assert e.value.reason == "duplicate-column"
    got = fs.training_set(DANA, spine, ["txn:*", "profile:amount"], full_names=True)
    assert got.column_names == ["user", "ts", "txn__amount", "txn__n", "profile__amount"]
    assert got.column("txn__amount").to_pylist() == [5.0, 5.0, None]
    assert got.column("profile__amount").to_pylist() == [None, 7.0, None]


def test_a_million_rows_by_a_million_rows_is_one_row_per_spine_row(make_fs):
    fs = make_fs("sql")
    fs.create_group(DANA, GROUP)
    rng = np.random.default_rng(7)
    ids, per = 10_000, 100
    users = np.repeat(np.arange(ids), per).astype(str)
    ts = np.tile(np.arange(per, dtype=float) * 3600, ids)
    group = fs.group("txn")
    table = pa.table(
        {
            "user": users,
            "ts": ts,
            "amount": rng.random(ids * per),
            "n": np.arange(ids * per),
            "write_time": pa.array(np.zeros(ids * per, dtype=np.int64)).cast(
                pa.timestamp("us", tz="UTC")
            ),
            "api_invocation_time": pa.array(np.zeros(ids * per, dtype=np.int64)).cast(
                pa.timestamp("us", tz="UTC")
            ),
            "is_deleted": np.zeros(ids * per, dtype=bool),
        },
        schema=arrow_schema(group),
    )
    files = fs.offline.write(group, table, ts, "big")
    with fs.db.session(write=True) as session:
        session.execute(insert(OfflineFileRow), files)
    spine_t = ts + 1800  # half an hour after each record: each spine row matches exactly one
    spine = pa.table({"user": users, "ts": spine_t})
    got = fs.training_set(DANA, spine, ["txn:n"])
    assert got.num_rows == ids * per
    assert np.array_equal(got.column("n").to_numpy(), np.arange(ids * per))


@pytest.mark.parametrize(
    ("features", "kwargs", "reason"),
    [
        ([], {}, "invalid-type"),
        (["txn"], {}, "invalid-feature-ref"),
        (["txn:nope"], {}, "unknown-feature"),
        (["nope:amount"], {}, "group-not-found"),
        (["txn:amount"], {"time_column": "when"}, "invalid-spine"),
        (["../x:amount"], {}, "invalid-name"),
    ],
)
def test_bad_training_set_requests(make_fs, features, kwargs, reason):
    fs = make_fs("sql")
    fs.create_group(DANA, GROUP)
    spine = pa.table({"user": ["a"], "ts": [1.0]})
    with pytest.raises(Exception) as e:
        fs.training_set(DANA, spine, features, **kwargs)
    assert e.value.reason == reason


def test_spine_without_the_identifier_or_with_a_bad_time_type(make_fs):
    fs = make_fs("sql")
    fs.create_group(DANA, GROUP)
    with pytest.raises(InvalidInput, match="no column 'user'"):
        fs.training_set(DANA, pa.table({"ts": [1.0]}), ["txn:amount"])
    with pytest.raises(InvalidInput, match="must hold timestamps"):
        fs.training_set(DANA, pa.table({"user": ["a"], "ts": [True]}), ["txn:amount"])
    spine = pa.table({"user": ["a", "b", "c"], "ts": ["2026-01-01T00:00:00Z", None, "noon"]})
    with pytest.raises(InvalidInput, match="spine row 2: ts 'noon' is not an ISO-8601"):
        fs.training_set(DANA, spine, ["txn:amount"])
    good = fs.training_set(DANA, spine.slice(0, 2), ["txn:amount"])
    assert good.num_rows == 2  # a null time is a row with null features, not an error
