"""Feature store services built directly on a fresh database (no HTTP), on each online backend."""

from __future__ import annotations

import uuid

import pytest

from jupyter_mlops_studio.core.artifacts import LocalArtifactStore
from jupyter_mlops_studio.core.db import Database
from jupyter_mlops_studio.core.permissions import Principal
from jupyter_mlops_studio.featurestore.offline import OfflineStore
from jupyter_mlops_studio.featurestore.online import RedisOnlineStore, SqlOnlineStore
from jupyter_mlops_studio.featurestore.service import FeatureStoreService

REDIS_URL = "redis://127.0.0.1:6379/0"
DANA = Principal("dana", frozenset({"data-scientist"}))
OLGA = Principal("olga", frozenset({"mlops"}))
BOT = Principal("bot", frozenset({"compute"}))


@pytest.fixture
def fs_db(studio_db_url):
    db = Database(studio_db_url)
    db.ensure_schema()
    yield db
    db.dispose()


def make_online(kind: str, db: Database):
    if kind == "sql":
        return SqlOnlineStore(db)
    store = RedisOnlineStore(url=REDIS_URL, key_prefix=f"studio-test:{uuid.uuid4().hex}:")
    store.check()  # Redis runs on these machines (TOOLCHAIN.md): a test never skips it
    return store


@pytest.fixture(params=["sql", "redis"])
def online_kind(request):
    return request.param


@pytest.fixture
def make_fs(tmp_path, fs_db):
    """Build a FeatureStoreService on the given online backend (stopped at teardown)."""
    built = []

    def make(kind: str = "sql", flush_interval: float = 0):
        artifacts = LocalArtifactStore(root_dir=str(tmp_path / "artifacts"))
        artifacts.check()
        online = make_online(kind, fs_db)
        offline = OfflineStore(fs_db, artifacts, str(tmp_path / "cache"), threads=2)
        service = FeatureStoreService(fs_db, online, offline, flush_interval=flush_interval)
        service.start()
        built.append((service, online))
        return service

    yield make
    for service, online in built:
        if isinstance(online, RedisOnlineStore):
            for key in online.redis.scan_iter(match=f"{online.key_prefix}*", count=1000):
                online.redis.delete(key)
        service.stop()


@pytest.fixture
def fs(make_fs, online_kind):
    return make_fs(online_kind)


CUSTOMERS = {
    "name": "customers",
    "record_identifier": "customer_id",
    "event_time": "event_time",
    "features": [
        {"name": "customer_id", "type": "String"},
        {"name": "event_time", "type": "Fractional"},
        {"name": "age", "type": "Integral"},
        {"name": "spend", "type": "Fractional"},
        {"name": "city", "type": "String"},
    ],
}
