"""Spark ingestion: each partition of a Spark DataFrame is sent by the executor that holds it.

``group.ingest(spark_df)`` runs ``mapInArrow`` over the DataFrame: every task sends its rows as
Parquet batches to the studio's ingest route (so nothing is collected on the driver) and returns
one summary row; the driver adds the summaries up. Executors need to reach the studio URL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .client import add_summary, empty_summary

if TYPE_CHECKING:
    import pyarrow as pa

    from .client import FeatureGroupClient

SUMMARY_SCHEMA = (
    "rows long, written long, rejected long, online_written long, files long, reasons string"
)


def _send_partition(url: str, token: str, name: str, batch_size: int, timeout: float) -> Any:
    def send(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        from ..client import StudioClient

        group = StudioClient(url, token, timeout=timeout).featurestore.group(name)
        total = empty_summary()
        pending: list[pa.RecordBatch] = []
        size = 0

        def flush() -> None:
            nonlocal pending, size
            if pending:
                add_summary(total, group.ingest_table(pa.Table.from_batches(pending)))
                pending, size = [], 0

        for batch in batches:
            for start in range(0, batch.num_rows, batch_size):
                part = batch.slice(start, batch_size)
                pending.append(part)
                size += part.num_rows
                if size >= batch_size:
                    flush()
        flush()
        total["reasons"] = json.dumps(total["reasons"])
        yield pa.RecordBatch.from_pylist([total])

    return send


def ingest_spark(group: FeatureGroupClient, df: Any, batch_size: int) -> dict:
    """Ingest a pyspark DataFrame through its executors; returns the added-up summary."""
    client = group.store.client
    send = _send_partition(client.base_url, client.token, group.name, batch_size, client.timeout)
    total = empty_summary()
    for row in df.mapInArrow(send, SUMMARY_SCHEMA).collect():
        part = row.asDict()
        part["reasons"] = json.loads(part["reasons"])
        add_summary(total, part)
    return total
