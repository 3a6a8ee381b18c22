"""One contract for every ArtifactStore backend, then what only one backend can show.

The contract runs against LocalArtifactStore (in tmp_path) and S3ArtifactStore (against a real
moto_server, fixtures in moto_fixture.py).
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from moto_fixture import s3_client

from jupyter_mlops_studio.core.artifacts import (
    ArtifactCorrupted,
    ArtifactInfo,
    ArtifactNotFound,
    ArtifactStore,
    ArtifactStoreMisconfigured,
    InvalidArtifactKey,
    InvalidArtifactMetadata,
    LocalArtifactStore,
    S3ArtifactStore,
)
from jupyter_mlops_studio.core.errors import InvalidInput, NotFound

REPO = Path(__file__).resolve().parents[1]
S3_PREFIX = "studio/artifacts"


def sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path) -> ArtifactStore:
    if request.param == "local":
        s = LocalArtifactStore(root_dir=str(tmp_path / "artifacts"))
    else:
        s = S3ArtifactStore(
            bucket=request.getfixturevalue("s3_bucket"),
            endpoint_url=request.getfixturevalue("moto_endpoint"),
            prefix=S3_PREFIX,
        )
    s.check()
    return s


def raw_objects(store: ArtifactStore) -> list[str]:
    """Everything the backend holds, bypassing the store (to prove nothing was written)."""
    if isinstance(store, LocalArtifactStore):
        root = Path(store.root_dir)
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if not p.is_dir())
    client = s3_client(store.endpoint_url)
    response = client.list_object_versions(Bucket=store.bucket)
    return sorted(
        v["Key"] for v in response.get("Versions", []) + response.get("DeleteMarkers", [])
    )


# ---------------------------------------------------------------------------------------------
# the contract


def test_put_get_roundtrip_with_digest(store):
    before = datetime.now(timezone.utc) - timedelta(seconds=5)
    info = store.put("models/churn/model.bin", b"weights-v1")
    assert isinstance(info, ArtifactInfo)
    assert info.key == "models/churn/model.bin"
    assert info.size == len(b"weights-v1")
    assert info.digest == sha(b"weights-v1")
    assert info.is_latest
    assert info.version_id
    assert info.last_modified.utcoffset() == timedelta(0)
    assert before <= info.last_modified <= datetime.now(timezone.utc) + timedelta(seconds=5)
    assert store.get("models/churn/model.bin") == b"weights-v1"
    assert store.info("models/churn/model.bin") == info
    assert store.exists("models/churn/model.bin")
    assert not store.exists("models/churn")
    assert info.to_json()["digest"] == info.digest


def test_put_accepts_a_binary_stream_and_empty_content(store):
    data = os.urandom(3 * 1024 * 1024 + 7)
    info = store.put("data/blob", io.BytesIO(data))
    assert info.size == len(data)
    assert info.digest == sha(data)
    assert store.get("data/blob") == data
    empty = store.put("data/empty", b"")
    assert empty.digest == sha(b"") and empty.size == 0
    assert store.get("data/empty") == b""


def test_put_file_takes_a_staging_file_with_its_digest(store):
    data = os.urandom(2 * 1024 * 1024 + 3)
    with store.staging_file() as (path, f):
        f.write(data)
        info = store.put_file("data/staged", path, digest=sha(data), metadata={"kind": "x"})
    assert not os.path.exists(path)  # moved into the store, or removed after the upload
    assert (info.size, info.digest, dict(info.metadata)) == (len(data), sha(data), {"kind": "x"})
    assert store.get("data/staged") == data
    with store.staging_file() as (path, f):
        f.write(b"v2")
        store.put_file("data/staged", path)  # no digest: hashed here
    assert store.get("data/staged") == b"v2" and len(store.list_versions("data/staged")) == 2
    with store.staging_file() as (path, f):
        with pytest.raises(ValueError, match="digest"):
            store.put_file("data/other", path, digest="md5:x")
        with pytest.raises(InvalidArtifactKey):
            store.put_file("../x", path, digest=sha(b""))
    assert not os.path.exists(path) and not store.exists("data/other")


def test_put_file_of_another_file_copies_it(store, tmp_path):
    outside = tmp_path / "outside.bin"
    outside.write_bytes(b"kept")
    info = store.put_file("data/copied", str(outside), digest=sha(b"kept"))
    assert outside.read_bytes() == b"kept" and store.get("data/copied") == b"kept"
    assert info.digest == sha(b"kept")


def test_overwrite_keeps_previous_version_readable(store):
    v1 = store.put("k", b"one")
    v2 = store.put("k", b"two")
    assert v1.version_id != v2.version_id
    assert store.get("k") == b"two"
    assert store.get("k", version_id=v1.version_id) == b"one"
    assert store.get("k", v2.version_id) == b"two"
    old = store.info("k", v1.version_id)
    assert old.digest == sha(b"one") and not old.is_latest
    assert store.info("k", v2.version_id).is_latest


def test_list_versions_newest_first(store):
    infos = [store.put("k", f"content {i}".encode()) for i in range(3)]
    versions = store.list_versions("k")
    assert [v.version_id for v in versions] == [i.version_id for i in reversed(infos)]
    assert [v.is_latest for v in versions] == [True, False, False]
    assert [v.digest for v in versions] == [sha(f"content {i}".encode()) for i in (2, 1, 0)]
    assert all(v.key == "k" for v in versions)


def test_restore_makes_an_old_version_latest_as_a_new_version(store):
    v1 = store.put("k", b"good", metadata={"stage": "prod"})
    v2 = store.put("k", b"bad")
    restored = store.restore("k", v1.version_id)
    assert restored.version_id not in (v1.version_id, v2.version_id)
    assert restored.is_latest
    assert restored.digest == v1.digest and restored.size == v1.size
    assert dict(restored.metadata) == {"stage": "prod"}
    assert store.get("k") == b"good"
    versions = store.list_versions("k")
    assert [v.version_id for v in versions] == [restored.version_id, v2.version_id, v1.version_id]
    assert store.get("k", v2.version_id) == b"bad"  # nothing lost


def test_delete_archives_and_restore_brings_back(store):
    v1 = store.put("reports/q1.csv", b"a,b\n1,2\n")
    v2 = store.put("reports/q1.csv", b"a,b\n3,4\n")
    store.put("reports/q2.csv", b"x")
    store.delete("reports/q1.csv")

    assert not store.exists("reports/q1.csv")
    with pytest.raises(ArtifactNotFound):
        store.get("reports/q1.csv")
    with pytest.raises(ArtifactNotFound):
        store.info("reports/q1.csv")
    assert [i.key for i in store.list("reports/")] == ["reports/q2.csv"]
    versions = store.list_versions("reports/q1.csv")
    assert [v.version_id for v in versions] == [v2.version_id, v1.version_id]
    assert not any(v.is_latest for v in versions)
    assert store.get("reports/q1.csv", v1.version_id) == b"a,b\n1,2\n"
    with pytest.raises(ArtifactNotFound):
        store.delete("reports/q1.csv")  # already archived

    back = store.restore("reports/q1.csv", v2.version_id)
    assert back.is_latest
    assert store.exists("reports/q1.csv")
    assert store.get("reports/q1.csv") == b"a,b\n3,4\n"
    assert [i.key for i in store.list("reports/")] == ["reports/q1.csv", "reports/q2.csv"]


def test_list_by_prefix_sorted_latest_only(store):
    store.put("b", b"b")
    store.put("a/y/z", b"z")
    store.put("a/x", b"x1")
    latest_x = store.put("a/x", b"x2")
    store.put("ab", b"ab")
    store.put("a", b"a")  # a key can also be a "folder" of other keys
    assert [i.key for i in store.list()] == ["a", "a/x", "a/y/z", "ab", "b"]
    assert [i.key for i in store.list("a/")] == ["a/x", "a/y/z"]
    assert [i.key for i in store.list("a")] == ["a", "a/x", "a/y/z", "ab"]
    assert [i.key for i in store.list("a/y")] == ["a/y/z"]
    assert store.list("nope/") == []
    assert store.list("a/nope") == []
    (x,) = [i for i in store.list("a/x")]
    assert x == latest_x and x.is_latest and x.digest == sha(b"x2")


BAD_KEYS = [
    "",
    "/etc/passwd",
    "../escape",
    "a/../../b",
    "a/..",
    "./a",
    "a/./b",
    "a//b",
    "a/",
    "a\\b",
    "..\\..\\x",
    "a\x00b",
    "a\nb",
    "x" * 1025,
    "é" * 600,  # 600 characters but 1200 UTF-8 bytes
    None,
    b"bytes-key",
]


@pytest.mark.parametrize("bad", BAD_KEYS, ids=lambda k: repr(k)[:24])
def test_invalid_keys_are_refused_and_nothing_is_written(store, bad):
    calls = [
        lambda: store.put(bad, b"data"),
        lambda: store.put(bad, io.BytesIO(b"data")),
        lambda: store.get(bad),
        lambda: store.open(bad),
        lambda: store.info(bad),
        lambda: store.exists(bad),
        lambda: store.list_versions(bad),
        lambda: store.restore(bad, "v"),
        lambda: store.delete(bad),
    ]
    for call in calls:
        with pytest.raises(InvalidArtifactKey):
            call()
    assert issubclass(InvalidArtifactKey, ValueError)
    assert issubclass(InvalidArtifactKey, InvalidInput)
    assert store.list() == []
    assert raw_objects(store) == []


def test_key_of_1024_characters_is_accepted_locally_when_segments_fit(tmp_path):
    store = LocalArtifactStore(root_dir=str(tmp_path))
    key = "/".join(["s" * 100] * 10) + "/" + "t" * 14
    assert len(key) == 1024
    store.put(key, b"deep")
    assert store.get(key) == b"deep"


def test_unknown_keys_and_versions_are_not_found(store):
    for call in (
        lambda: store.get("missing"),
        lambda: store.open("missing"),
        lambda: store.info("missing"),
        lambda: store.list_versions("missing"),
        lambda: store.delete("missing"),
        lambda: store.restore("missing", "v1"),
    ):
        with pytest.raises(ArtifactNotFound) as e:
            call()
        assert isinstance(e.value, KeyError) and isinstance(e.value, NotFound)
        assert "missing" in str(e.value)
    assert store.exists("missing") is False

    store.put("k", b"x")
    other = store.put("other", b"y")
    for version in ("bogus", "0" * 20 + "-00000000", "../../other", other.version_id, ""):
        with pytest.raises(ArtifactNotFound):
            store.get("k", version_id=version)
        with pytest.raises(ArtifactNotFound):
            store.info("k", version)
        with pytest.raises(ArtifactNotFound):
            store.restore("k", version)
    assert len(store.list_versions("k")) == 1


def test_open_streams_in_chunks(store):
    data = os.urandom(2 * 1024 * 1024 + 123)
    store.put("big", data)
    with store.open("big") as stream:
        assert stream.read(10) == data[:10]
        chunks = [data[:10]]
        while chunk := stream.read(64 * 1024):
            chunks.append(chunk)
    assert b"".join(chunks) == data
    with store.open("big") as stream:
        assert stream.read() == data


def test_metadata_round_trip(store):
    metadata = {"framework": "pytorch", "note": "héllo wörld, 100% ✓", "run-id": "r.1_2"}
    info = store.put("m", b"x", metadata=metadata)
    assert dict(info.metadata) == metadata
    assert dict(store.info("m").metadata) == metadata
    assert dict(store.list("m")[0].metadata) == metadata
    assert dict(store.list_versions("m")[0].metadata) == metadata
    with pytest.raises(TypeError):
        info.metadata["framework"] = "jax"  # read-only, like the dataclass
    second = store.put("m", b"y")
    assert dict(second.metadata) == {}
    assert dict(store.info("m", info.version_id).metadata) == metadata


@pytest.mark.parametrize(
    "metadata",
    [
        {"Upper": "x"},
        {"sha256": "forged"},
        {"": "x"},
        {"has space": "x"},
        {"k": 1},
        {"k": "x" * 2000},
        "not-a-mapping",
    ],
)
def test_invalid_metadata_is_refused(store, metadata):
    with pytest.raises(InvalidArtifactMetadata):
        store.put("m", b"x", metadata=metadata)
    assert raw_objects(store) == []


def test_concurrent_puts_to_one_key_lose_nothing(store):
    barrier = threading.Barrier(8)
    results: list[ArtifactInfo] = []
    errors: list[BaseException] = []

    def writer(i: int):
        try:
            barrier.wait()
            results.append(store.put("shared/model", f"writer {i}".encode() * 1000))
        except BaseException as e:  # surfaced below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({r.version_id for r in results}) == 8
    versions = store.list_versions("shared/model")
    assert len(versions) == 8
    assert {v.version_id for v in versions} == {r.version_id for r in results}
    assert {v.digest for v in versions} == {sha(f"writer {i}".encode() * 1000) for i in range(8)}
    for v in versions:
        assert sha(store.get("shared/model", v.version_id)) == v.digest
    latest = versions[0]
    assert latest.is_latest and sum(v.is_latest for v in versions) == 1
    assert sha(store.get("shared/model")) == latest.digest


# ---------------------------------------------------------------------------------------------
# local store only


@pytest.fixture
def local(tmp_path) -> LocalArtifactStore:
    s = LocalArtifactStore(root_dir=str(tmp_path / "artifacts"))
    s.check()
    return s


@pytest.mark.parametrize("fail_on_call", [1, 2], ids=["content-rename", "index-rename"])
def test_local_crash_mid_write_keeps_previous_content(local, monkeypatch, fail_on_call):
    v1 = local.put("k", b"previous")
    real_replace = os.replace
    calls = []

    def crashing_replace(src, dst, *args, **kwargs):
        calls.append(dst)
        if len(calls) == fail_on_call:
            raise OSError("simulated crash")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", crashing_replace)
    with pytest.raises(OSError, match="simulated crash"):
        local.put("k", b"partial new content")
    monkeypatch.setattr(os, "replace", real_replace)

    assert local.get("k") == b"previous"
    assert [v.version_id for v in local.list_versions("k")] == [v1.version_id]
    assert local.list() == [v1]
    leftovers = [p.name for p in Path(local.root_dir).rglob("*") if p.is_file()]
    assert sorted(leftovers) == sorted(["=index.json", "=lock", v1.version_id])
    v2 = local.put("k", b"next")  # the store keeps working
    assert local.get("k") == b"next" and v2.version_id > v1.version_id


def test_local_staging_files_left_by_a_crash_are_invisible_and_removed_when_stale(local):
    local.put("k", b"ok")
    staging = Path(local.root_dir, "objects", "=staging")
    fresh, stale = staging / "=tmp-fresh", staging / "=tmp-stale"
    fresh.write_bytes(b"being written")
    stale.write_bytes(b"left by a crash")
    os.utime(stale, (time.time() - 2 * 24 * 3600,) * 2)
    assert [i.key for i in local.list()] == ["k"]
    local.check()
    assert fresh.exists() and not stale.exists()


def test_local_stray_temp_file_is_invisible(local):
    local.put("k", b"ok")
    versions_dir = Path(local.root_dir, "objects", "k", "=versions")
    (versions_dir / "=tmp-crashed").write_bytes(b"half of someth")
    assert local.get("k") == b"ok"
    assert len(local.list_versions("k")) == 1
    assert [i.key for i in local.list()] == ["k"]


def test_local_symlink_cannot_escape_root(local, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    objects = Path(local.root_dir, "objects")
    (objects / "evil").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InvalidArtifactKey, match="symbolic link"):
        local.put("evil/payload", b"x")
    assert list(outside.iterdir()) == []

    # an artifact-looking tree outside the root, reached through the link, is never read
    real = local.put("real", b"secret")
    os.makedirs(outside / "stolen")
    for name in ("=index.json", "=versions"):
        os.symlink(objects / "real" / name, outside / "stolen" / name)
    with pytest.raises(InvalidArtifactKey):
        local.get("evil/stolen")
    assert [i.key for i in local.list()] == ["real"]
    assert local.list("evil/") == []

    # a symlinked index or content file inside the store is refused too
    local.put("victim", b"v")
    index = objects / "victim" / "=index.json"
    index.unlink()
    index.symlink_to(objects / "real" / "=index.json")
    with pytest.raises(InvalidArtifactKey):
        local.get("victim")
    assert local.get("real", real.version_id) == b"secret"


def test_local_tampered_content_is_detected(local):
    info = local.put("k", b"original")
    path = Path(local.root_dir, "objects", "k", "=versions", info.version_id)
    path.chmod(0o644)
    path.write_bytes(b"tampered")
    with pytest.raises(ArtifactCorrupted):
        local.get("k")
    with local.open("k") as stream, pytest.raises(ArtifactCorrupted):
        stream.read()
    with pytest.raises(ArtifactCorrupted):
        local.restore("k", info.version_id)  # never copies corrupted bytes forward


def test_local_version_ids_sort_by_time_and_keys_map_to_readable_paths(local):
    ids = [local.put("a b/ü=x", str(i).encode()).version_id for i in range(5)]
    assert ids == sorted(ids)
    assert Path(local.root_dir, "objects", "a%20b", "%C3%BC%3Dx", "=index.json").is_file()
    assert [i.key for i in local.list()] == ["a b/ü=x"]


def test_local_concurrent_writers_in_several_processes(local):
    script = textwrap.dedent(
        """
        import sys
        from jupyter_mlops_studio.core.artifacts import LocalArtifactStore
        store = LocalArtifactStore(root_dir=sys.argv[1])
        for i in range(10):
            store.put("shared", f"{sys.argv[2]}-{i}".encode())
        """
    )
    pythonpath = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": pythonpath}
    procs = [
        subprocess.Popen([sys.executable, "-c", script, local.root_dir, f"p{n}"], env=env)
        for n in range(4)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    versions = local.list_versions("shared")
    assert len(versions) == 40
    assert len({v.version_id for v in versions}) == 40
    contents = {local.get("shared", v.version_id) for v in versions}
    assert contents == {f"p{n}-{i}".encode() for n in range(4) for i in range(10)}


def test_local_root_dir_is_required():
    with pytest.raises(ArtifactStoreMisconfigured, match="root_dir"):
        LocalArtifactStore().check()


# ---------------------------------------------------------------------------------------------
# S3 store only


@pytest.fixture
def s3(s3_bucket, moto_endpoint) -> S3ArtifactStore:
    s = S3ArtifactStore(bucket=s3_bucket, endpoint_url=moto_endpoint, prefix=S3_PREFIX)
    s.check()
    return s


def test_s3_objects_live_under_the_prefix_with_their_digest(s3):
    info = s3.put("k/v.txt", b"hello")
    client = s3_client(s3.endpoint_url)
    head = client.head_object(Bucket=s3.bucket, Key=f"{S3_PREFIX}/k/v.txt")
    assert head["VersionId"] == info.version_id
    assert "sha256:" + head["Metadata"]["sha256"] == info.digest


def test_s3_stores_with_other_prefixes_do_not_see_each_other(s3):
    other = S3ArtifactStore(bucket=s3.bucket, endpoint_url=s3.endpoint_url, prefix="elsewhere")
    s3.put("k", b"mine")
    other.put("k", b"theirs")
    assert s3.get("k") == b"mine" and other.get("k") == b"theirs"
    assert [i.key for i in s3.list()] == ["k"]
    assert len(s3.list_versions("k")) == 1


def test_s3_corrupted_object_is_detected(s3):
    good = s3.put("k", b"original")
    client = s3_client(s3.endpoint_url)
    full = f"{S3_PREFIX}/k"
    # same metadata as the good version, different bytes: written behind the store's back
    forged = {"sha256": good.digest.removeprefix("sha256:")}
    client.put_object(Bucket=s3.bucket, Key=full, Body=b"tampered", Metadata=forged)
    with pytest.raises(ArtifactCorrupted):
        s3.get("k")
    # the bytes are intact but the recorded digest is rewritten
    client.copy_object(
        Bucket=s3.bucket,
        Key=full,
        CopySource={"Bucket": s3.bucket, "Key": full, "VersionId": good.version_id},
        Metadata={"sha256": "0" * 64},
        MetadataDirective="REPLACE",
    )
    with s3.open("k") as stream, pytest.raises(ArtifactCorrupted):
        stream.read()
    # an object without any digest
    client.put_object(Bucket=s3.bucket, Key=full, Body=b"foreign")
    with pytest.raises(ArtifactCorrupted, match="no sha256"):
        s3.get("k")
    assert s3.get("k", good.version_id) == b"original"


def test_s3_bucket_without_versioning_is_refused(moto_endpoint):
    client = s3_client(moto_endpoint)
    name = f"plain-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    store = S3ArtifactStore(bucket=name, endpoint_url=moto_endpoint, create_bucket=True)
    refused = "versioning disabled.*put-bucket-versioning"
    with pytest.raises(ArtifactStoreMisconfigured, match=refused):
        store.check()
    client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Suspended"})
    with pytest.raises(ArtifactStoreMisconfigured, match="versioning suspended"):
        S3ArtifactStore(bucket=name, endpoint_url=moto_endpoint).check()


def test_s3_missing_bucket_is_refused_unless_create_bucket(moto_endpoint):
    name = f"new-{uuid.uuid4().hex[:12]}"
    with pytest.raises(ArtifactStoreMisconfigured, match="create_bucket"):
        S3ArtifactStore(bucket=name, endpoint_url=moto_endpoint).check()
    with pytest.raises(ArtifactStoreMisconfigured, match="bucket is not set"):
        S3ArtifactStore(endpoint_url=moto_endpoint).check()
    store = S3ArtifactStore(bucket=name, endpoint_url=moto_endpoint, create_bucket=True)
    store.check()
    client = s3_client(moto_endpoint)
    assert client.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
    v1 = store.put("k", b"1")
    store.put("k", b"2")
    assert store.get("k", v1.version_id) == b"1"


MIB = 1024 * 1024


def multipart_store(bucket: str, endpoint: str) -> S3ArtifactStore:
    """A store that sends objects over 5 MiB in parts of 5 MiB (S3's smallest)."""
    return S3ArtifactStore(
        bucket=bucket,
        endpoint_url=endpoint,
        multipart_threshold=5 * MIB,
        multipart_chunksize=5 * MIB,
    )


def test_s3_large_objects_use_multipart_upload_and_copy(s3_bucket, moto_endpoint):
    store = multipart_store(s3_bucket, moto_endpoint)
    data = os.urandom(11 * MIB + 5)
    big = store.put("big", io.BytesIO(data), metadata={"kind": "weights"})
    assert big.size == len(data) and big.digest == sha(data)
    store.put("big", b"small")
    restored = store.restore("big", big.version_id)
    assert restored.digest == sha(data) and dict(restored.metadata) == {"kind": "weights"}
    assert store.get("big") == data
    assert len(store.list_versions("big")) == 3


class _FailingReader(io.RawIOBase):
    """Gives ``good`` bytes, then fails: a source that breaks in the middle of an upload."""

    def __init__(self, good: bytes):
        self._good = io.BytesIO(good)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._good.readinto(buffer)
        if n == 0:
            raise OSError("the source broke")
        return n


def test_s3_broken_multipart_upload_is_aborted(s3_bucket, moto_endpoint):
    store = multipart_store(s3_bucket, moto_endpoint)
    body = io.BufferedReader(_FailingReader(os.urandom(7 * MIB)))
    with pytest.raises(OSError, match="the source broke"):  # after the first part
        store._multipart_upload(store._s3(), store._full_key("broken"), body, 12 * MIB, {})
    assert not store.exists("broken")
    uploads = s3_client(moto_endpoint).list_multipart_uploads(Bucket=s3_bucket)
    assert uploads.get("Uploads", []) == []  # no part left behind
