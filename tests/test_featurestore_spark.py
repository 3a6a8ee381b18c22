"""Acceptance 4: pandas and Spark ingestion of the same data give identical offline and online
contents (pyspark in local mode; Java 17 is on these machines)."""

from __future__ import annotations

import asyncio

import numpy as np
import pandas as pd
import pytest

from jupyter_mlops_studio.client import StudioClient

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")

FEATURES = {
    "id": "Integral",
    "ts": "Fractional",
    "score": "Fractional",
    "name": "String",
    "visits": "Integral",
}


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("studio-featurestore-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    yield session
    session.stop()


def _data(n: int = 5000) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    return pd.DataFrame(
        {
            "id": rng.integers(0, 800, n),
            "ts": 1_767_225_600.0 + rng.permutation(n) * 7.5,  # distinct: one row per id and time
            "score": np.where(rng.random(n) < 0.1, np.nan, rng.normal(size=n)),
            "name": rng.choice(["ann", "bo", "cy", None], n),
            "visits": rng.integers(0, 10**12, n),
        }
    )


def _offline(fs: StudioClient, group: str) -> list[tuple]:
    sql = f"SELECT id, ts, score, name, visits, is_deleted FROM {group} ORDER BY id, ts"
    return [tuple(r) for r in fs.featurestore.query(sql, limit=10_000)["rows"]]


def _online(fs: StudioClient, group: str, ids: list[int]) -> dict:
    out = {}
    for start in range(0, len(ids), 100):
        chunk = ids[start : start + 100]
        got = fs.featurestore.batch_get([{"group": group, "record_ids": chunk}])
        out.update({r["record_id"]: r["record"] for r in got["records"]})
    return out


async def test_pandas_and_spark_ingestion_store_the_same(server_url, make_user, spark):
    client = StudioClient(server_url, make_user("dana"))
    fs = client.featurestore
    run = asyncio.to_thread
    data = _data()
    for name in ("by-pandas", "by-spark"):
        await run(fs.create_group, name, "id", "ts", FEATURES)
    pandas_summary = await run(fs.group("by-pandas").ingest, data, 1500, False)
    sdf = spark.createDataFrame(data.astype(object).where(data.notna(), None)).repartition(3)
    spark_summary = await run(fs.group("by-spark").ingest, sdf, 1500)
    for summary in (pandas_summary, spark_summary):
        assert summary["rows"] == summary["written"] == len(data)
        assert summary["rejected"] == 0
    offline_pandas = await run(_offline, client, "by_pandas")
    offline_spark = await run(_offline, client, "by_spark")
    assert len(offline_pandas) == len(data)
    assert offline_pandas == offline_spark
    ids = sorted({int(i) for i in data["id"]})
    online_pandas = await run(_online, client, "by-pandas", ids)
    online_spark = await run(_online, client, "by-spark", ids)
    assert len(online_pandas) == len(ids)
    assert online_pandas == online_spark
    newest = data.sort_values("ts").groupby("id").tail(1).set_index("id")
    some = ids[17]
    assert online_spark[str(some)]["ts"] == newest.loc[some, "ts"]
    for name in ("by-pandas", "by-spark"):
        assert (await run(fs.group(name).verify))["ok"] is True
