"""The feature store through the Python client and `jupyter studio featurestore`, against a
real server: pandas ingestion with its summary, records, training sets, verify."""

from __future__ import annotations

import asyncio

import numpy as np
import pandas as pd
import pytest
from test_cli_client import run_cli

from jupyter_mlops_studio.client import StudioAPIError, StudioClient
from jupyter_mlops_studio.featurestore.online import PutRow


def _frame(n: int = 1000) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame(
        {
            "customer_id": [f"c{i % 250}" for i in range(n)],
            "event_time": pd.to_datetime(1_767_225_600 + np.arange(n) * 60, unit="s", utc=True),
            "age": rng.integers(18, 90, n),
            "spend": rng.random(n) * 100,
            "city": rng.choice(["Oslo", "Lima", "Pune"], n),
        }
    )


async def test_client_ingests_a_dataframe_and_reads_it_back(server_url, make_user):
    client = StudioClient(server_url, make_user("dana"))
    fs = client.featurestore
    run = asyncio.to_thread
    df = _frame()
    group = await run(fs.create_group, "customers", "customer_id", "event_time", df)
    described = await run(group.describe)
    assert [f["type"] for f in described["features"]] == [
        "String",
        "Fractional",
        "Integral",
        "Fractional",
        "String",
    ]
    bad = df.head(3).copy()
    bad["customer_id"] = [None, "x", "y"]
    bad.loc[2, "spend"] = np.inf
    summary = await run(group.ingest, pd.concat([df, bad]), 300, False)
    assert summary["rows"] == 1003 and summary["written"] == 1001 and summary["rejected"] == 2
    assert summary["reasons"] == {"missing-record-identifier": 1, "non-finite-value": 1}
    # batches of 300 rows: the newest record of each id of each batch (250 + 250 + 250 + 101)
    assert summary["online_written"] == 851
    last = df.iloc[-1]
    got = await run(group.get_record, last["customer_id"])
    assert got["age"] == last["age"] and got["event_time"] == last["event_time"].timestamp()
    assert await run(group.get_record, "nobody") is None
    await run(group.put_record, {"customer_id": "c0", "event_time": 2e9, "age": 7})
    assert (await run(group.get_record, "c0", ["age"])) == {"age": 7}
    rows = await run(fs.query_df, "SELECT count(*) AS n FROM customers WHERE NOT is_deleted")
    assert rows["n"].tolist() == [1002]
    spine = pd.DataFrame(
        {
            "customer_id": ["c1", "c1", "zz"],
            "event_time": [1_767_225_600.0 + 90, 1_767_225_600.0 + 60 * 251, 2e9],
            "label": [1, 0, 1],
        }
    )
    ts = await run(fs.training_set, spine, ["customers:age", "customers:city"])
    assert ts.columns.tolist() == ["customer_id", "event_time", "label", "age", "city"]
    assert ts["age"].iloc[0] == df["age"].iloc[1]
    assert ts["age"].iloc[1] == df["age"].iloc[251]
    assert pd.isna(ts["age"].iloc[2]) and ts["label"].tolist() == [1, 0, 1]
    assert (await run(group.verify))["ok"] is True
    with pytest.raises(StudioAPIError) as e:
        await run(group.ingest, df.assign(extra=1), 1000, False)
    assert e.value.status == 400 and e.value.reason == "unknown-feature"


async def test_cli_lists_describes_queries_and_verifies(server_url, make_user, services):
    token = make_user("olga", ("mlops",))
    fs = StudioClient(server_url, token).featurestore
    run = asyncio.to_thread
    group = await run(
        fs.create_group,
        "meters",
        "id",
        "ts",
        {"id": "Integral", "ts": "Fractional", "kwh": "Fractional"},
    )
    for i in range(3):
        await run(group.put_record, {"id": i, "ts": 100.0 + i, "kwh": i / 2})
    args = ["--url", server_url, "--token", token]
    code, out, err = await run_cli("featurestore", "groups", *args)
    assert code == 0 and out.startswith("meters\tid\t3 features\tonline+offline"), err
    code, out, _ = await run_cli(
        "featurestore", "query", "SELECT id, kwh FROM meters ORDER BY id", *args
    )
    assert out.splitlines() == ["id\tkwh", "0\t0.0", "1\t0.5", "2\t1.0"]
    code, out, _ = await run_cli("featurestore", "verify", "meters", *args)
    assert code == 0 and '"ok": true' in out
    # an online record that no offline record backs: verify reports it and exits 1
    gid = services.featurestore.group("meters").id
    services.featurestore.online.put(gid, [PutRow("9", 500.0, 1.0, b'{"id": 9, "ts": 500.0}')])
    code, out, _ = await run_cli("featurestore", "verify", "meters", *args)
    assert code == 1 and '"kind": "not-offline"' in out and '"record_id": "9"' in out
    code, _, err = await run_cli("featurestore", "describe", "nope", *args)
    assert code == 1 and "no feature group" in err


async def test_pandas_integer_columns_with_missing_values_are_taken(server_url, make_user):
    """pandas stores an int column with a None as floats with NaN: whole numbers are taken as
    Integral (NaN as null); a real fraction is refused with nothing written."""
    fs = StudioClient(server_url, make_user("ivy")).featurestore
    run = asyncio.to_thread
    group = await run(
        fs.create_group,
        "counts",
        "id",
        "ts",
        {"id": "Integral", "ts": "Fractional", "n": "Integral"},
    )
    df = pd.DataFrame({"id": [1, 2, 3], "ts": [1.0, 2.0, 3.0], "n": [10, None, 2**53]})
    assert df["n"].dtype == "float64" and df["id"].dtype == "int64"
    summary = await run(group.ingest, df, 100, False)
    assert summary["written"] == 3
    assert await run(group.get_record, 2) == {"id": 2, "ts": 2.0, "n": None}
    assert (await run(group.get_record, 3))["n"] == 2**53
    with pytest.raises(StudioAPIError) as e:
        await run(group.ingest, df.assign(n=[1.5, 2.0, 3.0], ts=[9.0, 9.0, 9.0]), 100, False)
    assert e.value.reason == "invalid-type" and "fractions" in e.value.message
    assert (await run(group.get_record, 1))["ts"] == 1.0
