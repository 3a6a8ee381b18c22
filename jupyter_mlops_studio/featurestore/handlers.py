"""HTTP of the feature store (thin: parse, call the service, serialize).

Calls that read or write Parquet run in a worker thread so the server keeps answering; the
single-record calls run inline (they take tens of microseconds).
"""

from __future__ import annotations

import asyncio

import pyarrow as pa
import pyarrow.parquet as pq

from ..core.errors import InvalidInput
from ..core.handlers import StudioAPIHandler, studio_action

PARQUET = "application/vnd.apache.parquet"
G = r"/featurestore/groups/([^/]+)"


def _flag(handler, name: str) -> bool:
    raw = handler.get_query_argument(name, "false").lower()
    if raw not in ("true", "false", "1", "0"):
        raise InvalidInput(f"{name} must be true or false", reason="invalid-type")
    return raw in ("true", "1")


class _FeatureStoreHandler(StudioAPIHandler):
    @property
    def fs(self):
        return self.services.featurestore


class _ParquetHandler(_FeatureStoreHandler):
    """Takes a Parquet body of up to StudioApp.max_upload_size bytes."""

    def parquet_body(self) -> pa.Table:
        body = self.request.body
        if not body:
            raise InvalidInput("a Parquet body is required", reason="missing-body")
        try:
            return pq.read_table(pa.BufferReader(body))
        except (pa.ArrowException, OSError, ValueError) as e:
            raise InvalidInput(
                f"the body is not a readable Parquet file: {str(e)[:200]}", reason="invalid-parquet"
            ) from None

    def body_limit(self) -> int:
        return self.services.max_upload_size


class GroupsHandler(_FeatureStoreHandler):
    @studio_action("featurestore:read")
    async def get(self):
        self.write_json({"items": self.fs.list_groups(self.principal), "next": None})

    @studio_action("featurestore:groups")
    async def post(self):
        self.write_json(self.fs.create_group(self.principal, self.json_body()), status=201)


class GroupHandler(_FeatureStoreHandler):
    @studio_action("featurestore:read")
    async def get(self, name):
        self.write_json(await asyncio.to_thread(self.fs.describe, self.principal, name))

    @studio_action("featurestore:groups")
    async def patch(self, name):
        self.write_json(self.fs.update_group(self.principal, name, self.json_body()))

    @studio_action("featurestore:groups")
    async def delete(self, name):
        await asyncio.to_thread(self.fs.delete_group, self.principal, name)
        self.set_status(204)
        self.finish()


class FeaturesHandler(_FeatureStoreHandler):
    @studio_action("featurestore:groups")
    async def post(self, name):
        self.write_json(self.fs.add_features(self.principal, name, self.json_body()))


class RecordsHandler(_FeatureStoreHandler):
    @studio_action("featurestore:write")
    async def post(self, name):
        self.write_json(self.fs.put_record(self.principal, name, self.json_body()), status=201)


class RecordHandler(_FeatureStoreHandler):
    @studio_action("featurestore:read")
    async def get(self, name, record_id):
        raw = self.get_query_argument("features", None)
        features = [f for f in raw.split(",") if f] if raw is not None else None
        self.write_json(self.fs.get_record(self.principal, name, record_id, features))

    @studio_action("featurestore:write")
    async def delete(self, name, record_id):
        self.write_json(
            self.fs.delete_record(
                self.principal,
                name,
                record_id,
                self.get_query_argument("event_time", None),
                self.get_query_argument("mode", None),
            )
        )


class IngestHandler(_ParquetHandler):
    @studio_action("featurestore:write")
    async def post(self, name):
        table = self.parquet_body()
        self.write_json(await asyncio.to_thread(self.fs.ingest, self.principal, name, table))


class VerifyHandler(_FeatureStoreHandler):
    @studio_action("featurestore:read")
    async def get(self, name):
        self.write_json(await asyncio.to_thread(self.fs.verify, self.principal, name))


class HistogramHandler(_FeatureStoreHandler):
    @studio_action("featurestore:read")
    async def get(self, name):
        feature = self.get_query_argument("feature", None)
        if not feature:
            raise InvalidInput("feature is required", reason="missing-field")
        bins = self.get_query_argument("bins", "20")
        if not (bins.isascii() and bins.isdigit()) or len(bins) > 4:
            raise InvalidInput("bins must be an integer 1-200", reason="invalid-type")
        self.write_json(
            await asyncio.to_thread(self.fs.histogram, self.principal, name, feature, int(bins))
        )


class BatchGetHandler(_FeatureStoreHandler):
    @studio_action("featurestore:read")
    async def post(self):
        self.write_json(self.fs.batch_get(self.principal, self.json_body()))


class QueryHandler(_FeatureStoreHandler):
    @studio_action("featurestore:read")
    async def post(self):
        data = self.json_body()
        self.write_json(await asyncio.to_thread(self.fs.query, self.principal, data))


class TrainingSetsHandler(_ParquetHandler):
    """Parquet spine in, Parquet training set out (``?features=g:f,g:*&time_column=…``)."""

    @studio_action("featurestore:read")
    async def post(self):
        spine = self.parquet_body()
        table = await asyncio.to_thread(
            self.fs.training_set,
            self.principal,
            spine,
            self.get_query_argument("features", ""),
            self.get_query_argument("time_column", None),
            _flag(self, "exclude_late"),
            _flag(self, "full_names"),
        )
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, compression="zstd")
        self.finish(sink.getvalue().to_pybytes(), set_content_type=PARQUET)


HANDLERS = [
    (r"/featurestore/groups", GroupsHandler),
    (G, GroupHandler),
    (G + r"/features", FeaturesHandler),
    (G + r"/records", RecordsHandler),
    (G + r"/records/([^/]+)", RecordHandler),
    (G + r"/ingest", IngestHandler),
    (G + r"/verify", VerifyHandler),
    (G + r"/histogram", HistogramHandler),
    (r"/featurestore/batch-get", BatchGetHandler),
    (r"/featurestore/query", QueryHandler),
    (r"/featurestore/training-sets", TrainingSetsHandler),
]
