"""Feature store part of the Python client (``StudioClient().featurestore``), for notebooks.

>>> fs = StudioClient().featurestore
>>> customers = fs.create_group("customers", "customer_id", "event_time", features=df)
>>> customers.ingest(df)                      # batched, with a progress bar in notebooks
>>> customers.put_record({"customer_id": "c1", "event_time": time.time(), "age": 41})
>>> customers.get_record("c1")
>>> fs.training_set(spine, features=["customers:age", "orders:*"])
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from ..client import StudioClient

PARQUET = "application/vnd.apache.parquet"
DEFAULT_BATCH = 100_000


def _to_parquet(table: pa.Table) -> bytes:
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def _from_parquet(data: bytes) -> pa.Table:
    import pyarrow as pa
    import pyarrow.parquet as pq

    return pq.read_table(pa.BufferReader(data))


def _is_spark(data: Any) -> bool:
    return type(data).__module__.startswith("pyspark.")


def _arrow(data: Any) -> pa.Table:
    """A pandas DataFrame or pyarrow Table as a pyarrow Table (the index is not a column)."""
    import pyarrow as pa

    if isinstance(data, pa.Table):
        return data
    if hasattr(data, "to_arrow") and not hasattr(data, "iloc"):  # e.g. polars
        return data.to_arrow()
    return pa.Table.from_pandas(data, preserve_index=False)


def feature_definitions(data: Any) -> list[dict[str, str]]:
    """Feature definitions inferred from a DataFrame's columns (like SageMaker's
    ``load_feature_definitions``): integers are Integral, floats and timestamps Fractional,
    everything else String. A list of ``{name, type}`` or a ``{name: type}`` dict passes through.
    """
    import pyarrow as pa

    if isinstance(data, dict):
        return [{"name": k, "type": v} for k, v in data.items()]
    if isinstance(data, list):
        return data
    schema = data.schema if isinstance(data, pa.Table) else _arrow(data.head(0)).schema
    out = []
    for field in schema:
        t = field.type
        if pa.types.is_integer(t):
            kind = "Integral"
        elif pa.types.is_floating(t) or pa.types.is_timestamp(t) or pa.types.is_decimal(t):
            kind = "Fractional"
        else:
            kind = "String"
        out.append({"name": field.name, "type": kind})
    return out


class FeatureStoreClient:
    """Feature groups, batch lookups, SQL over the offline store and training sets."""

    def __init__(self, client: StudioClient):
        self.client = client
        self._q = client._q

    def create_group(
        self,
        name: str,
        record_identifier: str,
        event_time: str,
        features: Any,
        **fields: Any,
    ) -> FeatureGroupClient:
        """Create a group; ``features`` is a DataFrame/Table (types inferred), a list of
        ``{name, type}`` or a ``{name: type}`` dict. Other fields: online, offline, ttl_seconds,
        description, tags."""
        body = {
            "name": name,
            "record_identifier": record_identifier,
            "event_time": event_time,
            "features": feature_definitions(features),
            **fields,
        }
        self.client.request("POST", "/featurestore/groups", body)
        return FeatureGroupClient(self, name)

    def groups(self) -> list[dict]:
        return self.client.request("GET", "/featurestore/groups")["items"]

    def group(self, name: str) -> FeatureGroupClient:
        return FeatureGroupClient(self, name)

    def batch_get(self, identifiers: list[dict]) -> dict:
        """``[{"group": g, "record_ids": [...], "features": [...]}]`` (at most 100 ids in all)
        -> ``{"records", "errors", "unprocessed"}``."""
        return self.client.request("POST", "/featurestore/batch-get", {"identifiers": identifiers})

    def query(self, sql: str, limit: int = 1000) -> dict:
        """Run one SELECT over the offline store (each group is a view named after it)."""
        return self.client.request("POST", "/featurestore/query", {"sql": sql, "limit": limit})

    def query_df(self, sql: str, limit: int = 10_000) -> pd.DataFrame:
        import pandas as pd

        result = self.query(sql, limit)
        return pd.DataFrame(result["rows"], columns=[c["name"] for c in result["columns"]])

    def training_set(
        self,
        spine: Any,
        features: list[str],
        time_column: str | None = None,
        exclude_late: bool = False,
        full_names: bool = False,
    ) -> Any:
        """Join ``spine`` (ids, a time column, any other columns) point-in-time to
        ``features`` (``"group:feature"`` or ``"group:*"``): one row per spine row, in order.
        Returns a DataFrame (a pyarrow Table if the spine is one)."""
        import pyarrow as pa

        data = self.client.request(
            "POST",
            "/featurestore/training-sets",
            raw=_to_parquet(_arrow(spine)),
            content_type=PARQUET,
            query={
                "features": ",".join(features),
                "time_column": time_column,
                "exclude_late": str(exclude_late).lower(),
                "full_names": str(full_names).lower(),
            },
        )
        table = _from_parquet(data)
        return table if isinstance(spine, pa.Table) else table.to_pandas()


class FeatureGroupClient:
    """One feature group: records, ingestion, schema changes."""

    def __init__(self, store: FeatureStoreClient, name: str):
        self.store = store
        self.name = name
        self._path = f"/featurestore/groups/{store._q(name)}"

    def __repr__(self) -> str:
        return f"<FeatureGroup {self.name}>"

    def _call(self, method: str, suffix: str = "", body: Any = None, **kwargs: Any) -> Any:
        return self.store.client.request(method, self._path + suffix, body, **kwargs)

    def describe(self) -> dict:
        """Definition and stats (online records, offline rows and files, last write time)."""
        return self._call("GET")

    def update(self, **fields: Any) -> dict:
        """Change description, tags or ttl_seconds."""
        return self._call("PATCH", body=fields)

    def add_features(self, features: Any) -> dict:
        return self._call("POST", "/features", {"features": feature_definitions(features)})

    def delete(self) -> None:
        """Delete (archive) the group: its name is free again; its offline files are kept."""
        self._call("DELETE")

    def put_record(self, record: dict) -> dict:
        return self._call("POST", "/records", {"record": record})

    def get_record(self, record_id: Any, features: list[str] | None = None) -> dict | None:
        """The latest record, or None if there is none (deleted, expired or never put)."""
        from ..client import StudioAPIError

        try:
            return self._call(
                "GET",
                f"/records/{self.store._q(str(record_id))}",
                query={"features": ",".join(features) if features else None},
            )["record"]
        except StudioAPIError as e:
            if e.reason == "record-not-found":
                return None
            raise

    def delete_record(self, record_id: Any, event_time: Any, mode: str = "soft") -> dict:
        """SoftDelete or HardDelete; ``event_time`` must be later than the record's."""
        return self._call(
            "DELETE",
            f"/records/{self.store._q(str(record_id))}",
            query={"event_time": str(event_time), "mode": mode},
        )

    def ingest(
        self, data: Any, batch_size: int = DEFAULT_BATCH, progress: bool | None = None
    ) -> dict:
        """Write a pandas DataFrame, a pyarrow Table or a Spark DataFrame: offline (Parquet)
        and its latest record per id online. Returns the summary: rows, written, rejected and
        the rejected rows counted by reason."""
        if _is_spark(data):
            from .spark import ingest_spark

            return ingest_spark(self, data, batch_size)
        table = _arrow(data)
        total = empty_summary()
        bar = _progress(table.num_rows, self.name, progress)
        try:
            for batch in _batches(table, batch_size):
                add_summary(total, self.ingest_table(batch))
                if bar is not None:
                    bar.update(batch.num_rows)
        finally:
            if bar is not None:
                bar.close()
        return total

    def ingest_table(self, table: pa.Table) -> dict:
        """One request: ``table`` as Parquet (the server takes up to its upload size limit)."""
        return self._call("POST", "/ingest", raw=_to_parquet(table), content_type=PARQUET)

    def verify(self) -> dict:
        """Compare the online store with the newest offline record of each id."""
        return self._call("GET", "/verify")

    def histogram(self, feature: str, bins: int = 20) -> dict:
        return self._call("GET", "/histogram", query={"feature": feature, "bins": bins})


SUMMED = ("rows", "written", "rejected", "online_written", "files")


def empty_summary() -> dict:
    return {**dict.fromkeys(SUMMED, 0), "reasons": {}}


def add_summary(total: dict, part: dict) -> None:
    for key in SUMMED:
        total[key] += part[key]
    for reason, count in part["reasons"].items():
        total["reasons"][reason] = total["reasons"].get(reason, 0) + count


def _batches(table: pa.Table, size: int) -> Iterator[pa.Table]:
    if size < 1:
        raise ValueError("batch_size must be at least 1")
    for start in range(0, max(table.num_rows, 1), size):
        yield table.slice(start, size)


def _progress(total: int, name: str, wanted: bool | None):
    """A tqdm bar (the notebook widget when in Jupyter) unless turned off or not installed."""
    if wanted is False:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc=f"ingest {name}", unit="rows")
