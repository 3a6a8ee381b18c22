"""Versioned artifact storage: one interface, a local-directory backend and an S3 backend.

Every capability that keeps bytes (snapshots, model artifacts, offline feature data, build
contexts) goes through :class:`ArtifactStore`, so that the team server (a local directory) and
the scale-out deployment (any S3-compatible object store) behave the same. The contract mirrors
S3 object versioning: every write is atomic and creates a new version with a sha256 digest,
overwriting keeps the previous versions, a delete only hides the key (its versions stay listable
and restorable) and a restore copies an old version on top as a new one, so nothing is ever lost
through this interface.
"""

from __future__ import annotations

import abc
import contextlib
import dataclasses
import errno
import fcntl
import hashlib
import io
import json
import os
import re
import secrets
import stat
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from types import MappingProxyType
from typing import IO, Any, BinaryIO

from traitlets import Bool, Int, TraitError, Unicode, validate
from traitlets.config import LoggingConfigurable

from .errors import InvalidInput, NotFound, StudioError

__all__ = [
    "MAX_KEY_LENGTH",
    "MAX_METADATA_SIZE",
    "ArtifactCorrupted",
    "ArtifactInfo",
    "ArtifactNotFound",
    "ArtifactStore",
    "ArtifactStoreMisconfigured",
    "InvalidArtifactKey",
    "InvalidArtifactMetadata",
    "LocalArtifactStore",
    "S3ArtifactStore",
    "validate_key",
]

MAX_KEY_LENGTH = 1024
"""Longest key, in characters and in UTF-8 bytes (S3's own limit for a whole object key)."""

MAX_METADATA_SIZE = 1800
"""Largest user metadata, in bytes once percent-encoded (S3 allows 2 KiB with our digest)."""

_CHUNK = 1024 * 1024
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}\Z")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_METADATA_KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,127}$")
_RESERVED_METADATA = frozenset({"sha256"})
# metadata values travel as HTTP headers: keep printable ASCII except '%' (the escape) and space
# (stripped at the ends by HTTP), percent-encode the rest
_METADATA_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) != "%")


# ---------------------------------------------------------------------------------------------
# errors


class InvalidArtifactKey(InvalidInput, ValueError):
    """A key that is not a clean relative '/'-separated path (or that would leave the store)."""

    reason = "invalid-artifact-key"


class InvalidArtifactMetadata(InvalidInput, ValueError):
    """Metadata that both backends cannot keep as given (see :func:`validate_metadata`)."""

    reason = "invalid-artifact-metadata"


class ArtifactNotFound(NotFound, KeyError):
    """No such key, the key is deleted (archived), or no such version of it."""

    reason = "artifact-not-found"

    def __str__(self) -> str:  # KeyError would show the repr of the message
        return self.message


class ArtifactCorrupted(StudioError):
    """The bytes read back do not match the digest recorded when they were written."""

    status = 500
    reason = "artifact-corrupted"


class ArtifactStoreMisconfigured(StudioError):
    """The backend cannot work as configured (no root dir, missing or unversioned bucket...)."""

    status = 500
    reason = "artifact-store-misconfigured"


# ---------------------------------------------------------------------------------------------
# values and validation


@dataclasses.dataclass(frozen=True)
class ArtifactInfo:
    """One version of one artifact, as returned by every :class:`ArtifactStore` method."""

    key: str
    version_id: str
    size: int
    digest: str
    """``"sha256:<hex>"`` of the content."""
    last_modified: datetime
    """When this version was written (timezone-aware, UTC)."""
    is_latest: bool
    """Whether this version is what ``get(key)`` returns (False for every version of a deleted
    key, and possibly stale when another writer came after)."""
    metadata: Mapping[str, str] = dataclasses.field(default_factory=dict, hash=False)

    def __post_init__(self):
        object.__setattr__(self, "metadata", MappingProxyType(dict(self.metadata)))

    def to_json(self) -> dict[str, Any]:
        """A JSON-serializable dict (ISO 8601 timestamp) for REST responses."""
        return {
            "key": self.key,
            "version_id": self.version_id,
            "size": self.size,
            "digest": self.digest,
            "last_modified": self.last_modified.isoformat(),
            "is_latest": self.is_latest,
            "metadata": dict(self.metadata),
        }


def validate_key(key: object) -> str:
    """Return ``key`` if it is a valid artifact key, else raise :class:`InvalidArtifactKey`.

    A key is a relative '/'-separated path: no leading '/', no empty, '.' or '..' segment, no
    backslash, no NUL or other control character, at most 1024 characters and UTF-8 bytes. The
    same rules hold on every backend so that keys can move between them.
    """
    if not isinstance(key, str):
        raise InvalidArtifactKey(f"artifact key must be a string, not {type(key).__name__}")
    if not key:
        raise InvalidArtifactKey("artifact key must not be empty")
    if len(key) > MAX_KEY_LENGTH or len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_LENGTH:
        raise InvalidArtifactKey(f"artifact key is longer than {MAX_KEY_LENGTH} bytes")
    if "\\" in key:
        raise InvalidArtifactKey(f"artifact key {key!r} contains a backslash")
    if _CONTROL_CHARS.search(key):
        raise InvalidArtifactKey(f"artifact key {key!r} contains a NUL or control character")
    if key.startswith("/"):
        raise InvalidArtifactKey(f"artifact key {key!r} must be relative (no leading '/')")
    for segment in key.split("/"):
        if segment in ("", ".", ".."):
            raise InvalidArtifactKey(f"artifact key {key!r} has an empty, '.' or '..' segment")
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidArtifactKey(f"artifact key {key!r} is not valid Unicode") from None
    return key


def validate_prefix(prefix: object) -> str:
    """Validate a listing prefix: every complete segment must be valid; the last may be partial."""
    if not isinstance(prefix, str):
        raise InvalidArtifactKey(f"artifact prefix must be a string, not {type(prefix).__name__}")
    if not prefix:
        return prefix
    directory, _, partial = prefix.rpartition("/")
    if directory:
        validate_key(directory)
    elif prefix.startswith("/"):
        raise InvalidArtifactKey(f"artifact prefix {prefix!r} must be relative (no leading '/')")
    if "\\" in partial or _CONTROL_CHARS.search(partial) or len(prefix) > MAX_KEY_LENGTH:
        raise InvalidArtifactKey(f"invalid artifact prefix {prefix!r}")
    return prefix


def _encode_metadata_value(value: str) -> str:
    return urllib.parse.quote(value, safe=_METADATA_SAFE)


def validate_metadata(metadata: Mapping[str, str] | None) -> dict[str, str]:
    """Return a copy of ``metadata`` or raise :class:`InvalidArtifactMetadata`.

    Keys are lowercase ASCII (``[a-z0-9][a-z0-9_.-]*``, because S3 lowercases them) and
    ``sha256`` is reserved for the digest; values are any strings; the whole must fit in
    :data:`MAX_METADATA_SIZE` bytes percent-encoded, so that every backend keeps it unchanged.
    """
    if metadata is None:
        return {}
    if not isinstance(metadata, Mapping):
        raise InvalidArtifactMetadata("artifact metadata must be a mapping of str to str")
    size = 0
    clean: dict[str, str] = {}
    for k, v in metadata.items():
        if not isinstance(k, str) or not _METADATA_KEY.match(k):
            raise InvalidArtifactMetadata(
                f"artifact metadata key {k!r} must match [a-z0-9][a-z0-9_.-]* (at most 128)"
            )
        if k in _RESERVED_METADATA:
            raise InvalidArtifactMetadata(f"artifact metadata key {k!r} is reserved")
        if not isinstance(v, str):
            raise InvalidArtifactMetadata(f"artifact metadata value of {k!r} must be a string")
        try:
            size += len(k) + len(_encode_metadata_value(v))
        except UnicodeEncodeError:
            raise InvalidArtifactMetadata(
                f"artifact metadata value of {k!r} is not valid Unicode"
            ) from None
        clean[k] = v
    if size > MAX_METADATA_SIZE:
        raise InvalidArtifactMetadata(
            f"artifact metadata is {size} bytes encoded; at most {MAX_METADATA_SIZE} are allowed"
        )
    return clean


def _check_version_id(key: str, version_id: object) -> str:
    if not isinstance(version_id, str) or not version_id:
        raise ArtifactNotFound(f"artifact {key!r} has no version {version_id!r}")
    return version_id


def _digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _check_digest(digest: object) -> None:
    if not isinstance(digest, str) or not _DIGEST.match(digest):
        raise ValueError(f"digest must be 'sha256:<64 hex digits>', not {digest!r}")


def _utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


def _copy_hashing(data: bytes | bytearray | memoryview | IO[bytes], out: IO[bytes]):
    """Copy ``data`` into ``out``; return ``(digest, size)``."""
    h = hashlib.sha256()
    size = 0
    if isinstance(data, bytes | bytearray | memoryview):
        view = memoryview(data).cast("B")
        h.update(view)
        out.write(view)
        size = view.nbytes
    elif hasattr(data, "read"):
        while chunk := data.read(_CHUNK):
            if not isinstance(chunk, bytes | bytearray | memoryview):
                raise TypeError("artifact data stream must be opened in binary mode")
            h.update(chunk)
            out.write(chunk)
            size += len(chunk)
    else:
        raise TypeError(
            f"artifact data must be bytes or a binary stream, not {type(data).__name__}"
        )
    return "sha256:" + h.hexdigest(), size


class _VerifyingReader(io.RawIOBase):
    """Hashes what passes through and raises :class:`ArtifactCorrupted` at EOF on a mismatch.

    Verification happens when the stream is read to its end; a reader that stops early gets the
    bytes it asked for, unverified.
    """

    def __init__(self, source: IO[bytes], *, size: int, digest: str, label: str):
        super().__init__()
        self._source = source
        self._size = size
        self._digest = digest
        self._label = label
        self._hash = hashlib.sha256()
        self._seen = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self._source.read(len(buffer))
        if not chunk:
            self._verify()
            return 0
        n = len(chunk)
        buffer[:n] = chunk
        self._hash.update(chunk)
        self._seen += n
        if self._seen > self._size:
            raise ArtifactCorrupted(f"{self._label} is longer than the {self._size} bytes recorded")
        return n

    def _verify(self):
        actual = "sha256:" + self._hash.hexdigest()
        if self._seen != self._size or actual != self._digest:
            raise ArtifactCorrupted(
                f"{self._label} is corrupted: read {self._seen} bytes with digest {actual}, "
                f"recorded {self._size} bytes with digest {self._digest}"
            )

    def close(self):
        if not self.closed:
            try:
                self._source.close()
            finally:
                super().close()


def _verifying_stream(source: IO[bytes], *, size: int, digest: str, label: str) -> BinaryIO:
    raw = _VerifyingReader(source, size=size, digest=digest, label=label)
    return io.BufferedReader(raw, buffer_size=_CHUNK)  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# the interface


class ConfigurableABCMeta(abc.ABCMeta, type(LoggingConfigurable)):  # type: ignore[misc]
    """Lets a configurable traitlets class also declare abstract methods."""


class ArtifactStore(LoggingConfigurable, metaclass=ConfigurableABCMeta):
    """Abstract, versioned store of immutable byte objects addressed by '/'-separated keys.

    Semantics every backend keeps (and ``tests/test_artifacts.py`` checks against each one):

    - Keys follow :func:`validate_key`; a bad key raises :class:`InvalidArtifactKey` before
      anything is written. An unknown or deleted key, or an unknown version, raises
      :class:`ArtifactNotFound` (a ``KeyError``).
    - :meth:`put` is atomic: readers see the old version or the new one, never a part of it.
      It records the content's sha256 digest; reads verify it and raise
      :class:`ArtifactCorrupted` on a mismatch.
    - Overwriting creates a new version; older versions stay readable by ``version_id``.
    - :meth:`delete` archives: the key leaves :meth:`list`, :meth:`get` and :meth:`exists`, but
      :meth:`list_versions` still shows its versions and :meth:`restore` brings one back.
    - Methods are safe to call from several threads (and, for the local store, processes).

    Call :meth:`check` once at start so that misconfiguration fails early, not on first use.
    """

    def check(self) -> None:
        """Prepare the backend and verify that it can keep versions (idempotent)."""

    @abc.abstractmethod
    def put(
        self,
        key: str,
        data: bytes | BinaryIO,
        *,
        metadata: Mapping[str, str] | None = None,
    ) -> ArtifactInfo:
        """Atomically write ``data`` (bytes or a binary stream read to its end) as a new version.

        ``metadata`` (see :func:`validate_metadata`) is kept with this version only. Returns the
        new version's info; the previous version, if any, stays readable by its version id.
        """

    def put_file(
        self,
        key: str,
        path: str,
        *,
        digest: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> ArtifactInfo:
        """Store the file at ``path`` as a new version of ``key``, as :meth:`put` would.

        A file of :meth:`staging_file` given with its ``digest`` (``"sha256:<hex>"`` of its
        content, as the caller computed it while it could not change) is taken without reading
        it again: the local store moves it into place, S3 uploads it. The digest is trusted: a
        wrong one makes every full read fail with :class:`ArtifactCorrupted`. Without a digest,
        or for any other file, the content is copied and hashed.
        """
        with open(path, "rb") as f:
            return self.put(key, f, metadata=metadata)

    def _staging_dir(self) -> str | None:
        """Where :meth:`staging_file` creates files (None: the system's temporary directory)."""
        return None

    @contextlib.contextmanager
    def staging_file(self) -> Iterator[tuple[str, BinaryIO]]:
        """A new empty file ``(path, file open for reading and writing)`` for :meth:`put_file`,
        placed where the backend takes it without a copy; removed at exit unless it was."""
        fd, path = tempfile.mkstemp(dir=self._staging_dir(), prefix=_TMP_PREFIX)
        try:
            with os.fdopen(fd, "w+b", buffering=0) as f:
                yield path, f  # type: ignore[misc]
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)

    def get(self, key: str, version_id: str | None = None) -> bytes:
        """Return the whole content of the latest (or the given) version, digest-verified."""
        with self.open(key, version_id) as stream:
            return stream.read()

    @abc.abstractmethod
    def open(self, key: str, version_id: str | None = None) -> BinaryIO:
        """Open the latest (or the given) version for streaming reads; close it when done.

        The digest is verified when the stream is read to its end (:class:`ArtifactCorrupted`).
        """

    @abc.abstractmethod
    def info(self, key: str, version_id: str | None = None) -> ArtifactInfo:
        """Describe the latest (or the given) version without reading its content.

        A deleted key has no latest version (:class:`ArtifactNotFound`), but its versions can
        still be described by id.
        """

    def exists(self, key: str) -> bool:
        """Whether ``key`` has a latest version (False once deleted)."""
        try:
            self.info(key)
        except ArtifactNotFound:
            return False
        return True

    @abc.abstractmethod
    def list(self, prefix: str = "") -> list[ArtifactInfo]:
        """Latest versions of the keys that start with ``prefix`` (a plain string prefix, as in
        S3: ``"a/"`` lists a folder, ``"a"`` also matches ``"ab"``), sorted by key; deleted keys
        are left out."""

    @abc.abstractmethod
    def list_versions(self, key: str) -> list[ArtifactInfo]:
        """Every version of ``key``, newest first, ``is_latest`` set on the current one.

        Works on a deleted key (none is latest then); an unknown key raises ArtifactNotFound.
        """

    @abc.abstractmethod
    def restore(self, key: str, version_id: str) -> ArtifactInfo:
        """Make an old version current again by copying it as a NEW latest version.

        Nothing is lost: the versions in between stay listable. Also undoes a :meth:`delete`.
        The copy keeps the old version's content, digest and metadata.
        """

    def local_path(self, key: str, version_id: str) -> tuple[str, str] | None:
        """(path of a version's file, directory holding every object) when the backend keeps
        versions as local files that may be read in place (unverified), else None."""
        return None

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Archive ``key``: it disappears from list/get/exists, its versions remain restorable.

        Like an S3 delete marker. Deleting an unknown or already deleted key raises
        :class:`ArtifactNotFound`.
        """


# ---------------------------------------------------------------------------------------------
# local directory

# On-disk layout under ``<root_dir>/objects/``: one directory per key, its path made of the key's
# segments percent-encoded (so a segment never contains '=' and never equals a name below):
#
#   <segments...>/=index.json       {"format": 1, "key": ..., "versions": [oldest ... newest]}
#   <segments...>/=versions/<id>    the content of each version (read-only, never modified)
#   <segments...>/=lock             flock()ed by writers of this key
#   <segments...>/=versions/=tmp-*  content being written (not in the index: invisible)
#   =staging/=tmp-*                  staging files (put_file moves them into a =versions)
#
# A version entry is {"version_id", "size", "digest", "last_modified", "metadata"} or, for a
# delete, {"version_id", "last_modified", "deleted": true}. The index is replaced atomically
# (temp file, fsync, os.replace), so readers never need the lock.

_INDEX = "=index.json"
_VERSIONS = "=versions"
_LOCK = "=lock"
_TMP_PREFIX = "=tmp-"
_STAGING = "=staging"
_STALE_STAGING_SECONDS = 24 * 3600
_LOCAL_VERSION_ID = re.compile(r"^[0-9]{20}-[0-9a-f]{8}$")
_MAX_NAME_BYTES = 255


def _encode_segment(key: str, segment: str) -> str:
    name = urllib.parse.quote(segment, safe="")
    if len(name.encode()) > _MAX_NAME_BYTES:
        raise InvalidArtifactKey(
            f"artifact key {key!r}: segment {segment[:40]!r}... is too long for a local file name"
        )
    return name


def _fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalArtifactStore(ArtifactStore):
    """Artifacts as files under ``root_dir``, versions and digests in a JSON index per key.

    The default store of the team server. Writes go to a temporary file in the key's directory,
    are fsynced and renamed into place, then recorded in the index under an exclusive
    ``flock`` of the key, so concurrent writers (threads or processes) never lose a version.
    Symbolic links inside the store are refused: a key can never reach outside ``root_dir``.
    POSIX only (``fcntl``).
    """

    root_dir = Unicode(
        "",
        config=True,
        help="Directory of the local artifact store (StudioApp sets <data_dir>/artifacts).",
    )

    @validate("root_dir")
    def _validate_root_dir(self, proposal):
        value = proposal["value"]
        return os.path.abspath(os.path.expanduser(value)) if value else value

    # -- paths

    def _objects_root(self, create: bool = False) -> str:
        if not self.root_dir:
            raise ArtifactStoreMisconfigured("LocalArtifactStore.root_dir is not set")
        objects = os.path.join(os.path.realpath(self.root_dir), "objects")
        if create:
            os.makedirs(objects, exist_ok=True)
        return objects

    def check(self) -> None:
        """Create ``root_dir/objects`` if needed; remove staging files a crash left behind."""
        staging = self._staging_dir()
        now = time.time()
        for entry in os.scandir(staging):
            if entry.name.startswith(_TMP_PREFIX) and entry.is_file(follow_symlinks=False):
                if now - entry.stat(follow_symlinks=False).st_mtime > _STALE_STAGING_SECONDS:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(entry.path)

    def _staging_dir(self) -> str:
        path = os.path.join(self._objects_root(create=True), _STAGING)
        with contextlib.suppress(FileExistsError):
            os.mkdir(path)
        return path

    def _key_dir(self, key: str, *, create: bool) -> str:
        """The key's directory, refusing any symlink on the way; ArtifactNotFound if missing."""
        path = self._objects_root(create=create)
        if not os.path.isdir(path):
            raise ArtifactNotFound(f"artifact {key!r} not found")
        for segment in key.split("/"):
            path = os.path.join(path, _encode_segment(key, segment))
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                if not create:
                    raise ArtifactNotFound(f"artifact {key!r} not found") from None
                try:
                    os.mkdir(path)
                except FileExistsError:
                    pass
                else:
                    _fsync_dir(os.path.dirname(path))  # the new directory survives a crash
                st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                raise InvalidArtifactKey(
                    f"artifact key {key!r} passes through a symbolic link in the store; refused"
                )
            if not stat.S_ISDIR(st.st_mode):
                raise InvalidArtifactKey(f"artifact key {key!r} collides with a non-directory")
        return path

    def _versions_dir(self, key: str, key_dir: str, *, create: bool) -> str:
        path = os.path.join(key_dir, _VERSIONS)
        if create:
            with contextlib.suppress(FileExistsError):
                os.mkdir(path)
        if os.path.islink(path):
            raise InvalidArtifactKey(f"artifact key {key!r}: versions directory is a symlink")
        return path

    @staticmethod
    def _open_nofollow(key: str, path: str, flags: int, mode: int = 0o644) -> int:
        try:
            return os.open(path, flags | os.O_NOFOLLOW, mode)
        except OSError as e:
            if e.errno == errno.ELOOP:
                raise InvalidArtifactKey(f"artifact key {key!r}: symlink in the store") from None
            raise

    # -- index

    def _read_index(self, key: str, key_dir: str) -> dict[str, Any] | None:
        try:
            fd = self._open_nofollow(key, os.path.join(key_dir, _INDEX), os.O_RDONLY)
        except FileNotFoundError:
            return None
        with os.fdopen(fd, "rb") as f:
            return json.load(f)

    def _write_index(self, key_dir: str, index: dict[str, Any]) -> None:
        data = json.dumps(index, separators=(",", ":")).encode()
        fd, tmp = tempfile.mkstemp(dir=key_dir, prefix=_TMP_PREFIX)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, os.path.join(key_dir, _INDEX))
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _fsync_dir(key_dir)

    @contextlib.contextmanager
    def _locked(self, key: str, key_dir: str) -> Iterator[None]:
        fd = self._open_nofollow(key, os.path.join(key_dir, _LOCK), os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    @staticmethod
    def _new_version_id(index: dict[str, Any]) -> tuple[str, int]:
        """A time-ordered id, strictly after the newest one (called under the key's lock)."""
        ns = time.time_ns()
        if index["versions"]:
            ns = max(ns, int(index["versions"][-1]["version_id"][:20]) + 1)
        return f"{ns:020d}-{secrets.token_hex(4)}", ns

    @staticmethod
    def _timestamp(ns: int) -> str:
        return datetime.fromtimestamp(ns / 1e9, tz=timezone.utc).isoformat()

    def _info(self, key: str, entry: dict[str, Any], is_latest: bool) -> ArtifactInfo:
        return ArtifactInfo(
            key=key,
            version_id=entry["version_id"],
            size=entry["size"],
            digest=entry["digest"],
            last_modified=datetime.fromisoformat(entry["last_modified"]),
            is_latest=is_latest,
            metadata=entry.get("metadata", {}),
        )

    def _entry(self, key: str, version_id: str | None) -> tuple[str, dict[str, Any], bool]:
        """(key_dir, version entry, is_latest) of the latest or given version."""
        key_dir = self._key_dir(key, create=False)
        index = self._read_index(key, key_dir)
        versions = index["versions"] if index else []
        if version_id is None:
            if not versions or versions[-1].get("deleted"):
                raise ArtifactNotFound(f"artifact {key!r} not found")
            return key_dir, versions[-1], True
        version_id = _check_version_id(key, version_id)
        for i, entry in enumerate(versions):
            if entry["version_id"] == version_id and not entry.get("deleted"):
                return key_dir, entry, i == len(versions) - 1
        raise ArtifactNotFound(f"artifact {key!r} has no version {version_id!r}")

    # -- writes

    def _write_temp(self, versions_dir: str, data) -> tuple[str, str, int]:
        """Write ``data`` to a fsynced, read-only temp file; return (path, digest, size)."""
        fd, tmp = tempfile.mkstemp(dir=versions_dir, prefix=_TMP_PREFIX)
        try:
            with os.fdopen(fd, "wb") as f:
                digest, size = _copy_hashing(data, f)
                f.flush()
                os.fsync(f.fileno())
                os.fchmod(f.fileno(), 0o444)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return tmp, digest, size

    def _commit(
        self,
        key: str,
        key_dir: str,
        versions_dir: str,
        tmp: str,
        *,
        digest: str,
        size: int,
        metadata: Mapping[str, str],
    ) -> ArtifactInfo:
        """Move a temp file into place as the new latest version and record it in the index."""
        try:
            with self._locked(key, key_dir):
                index = self._read_index(key, key_dir) or {"format": 1, "key": key, "versions": []}
                version_id, ns = self._new_version_id(index)
                target = os.path.join(versions_dir, version_id)
                os.replace(tmp, target)  # not visible yet: the index does not name it
                _fsync_dir(versions_dir)
                entry = {
                    "version_id": version_id,
                    "size": size,
                    "digest": digest,
                    "last_modified": self._timestamp(ns),
                    "metadata": dict(metadata),
                }
                index["versions"].append(entry)
                try:
                    self._write_index(key_dir, index)
                except BaseException:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(target)
                    raise
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        return self._info(key, entry, True)

    def put(self, key, data, *, metadata=None) -> ArtifactInfo:
        key = validate_key(key)
        meta = validate_metadata(metadata)
        key_dir = self._key_dir(key, create=True)
        versions_dir = self._versions_dir(key, key_dir, create=True)
        tmp, digest, size = self._write_temp(versions_dir, data)
        info = self._commit(
            key, key_dir, versions_dir, tmp, digest=digest, size=size, metadata=meta
        )
        self.log.debug("Stored artifact %s version %s (%d bytes)", key, info.version_id, size)
        return info

    def put_file(self, key, path, *, digest=None, metadata=None) -> ArtifactInfo:
        staged = os.path.dirname(os.path.abspath(path)) == self._staging_dir()
        if digest is None or not staged:
            return super().put_file(key, path, digest=digest, metadata=metadata)
        key = validate_key(key)
        meta = validate_metadata(metadata)
        _check_digest(digest)
        key_dir = self._key_dir(key, create=True)
        versions_dir = self._versions_dir(key, key_dir, create=True)
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        try:
            os.fchmod(fd, 0o444)
            os.fsync(fd)
            size = os.fstat(fd).st_size
        finally:
            os.close(fd)
        info = self._commit(
            key, key_dir, versions_dir, path, digest=digest, size=size, metadata=meta
        )
        self.log.debug("Stored artifact %s version %s (%d bytes)", key, info.version_id, size)
        return info

    def restore(self, key, version_id) -> ArtifactInfo:
        key = validate_key(key)
        key_dir, entry, _ = self._entry(key, version_id)
        versions_dir = self._versions_dir(key, key_dir, create=False)
        with self._open_version(key, key_dir, entry) as source:
            # copying through the verifying reader refuses to propagate a corrupted version
            tmp, digest, size = self._write_temp(versions_dir, source)
        info = self._commit(
            key,
            key_dir,
            versions_dir,
            tmp,
            digest=digest,
            size=size,
            metadata=entry.get("metadata", {}),
        )
        self.log.info("Restored artifact %s version %s as %s", key, version_id, info.version_id)
        return info

    def delete(self, key) -> None:
        key = validate_key(key)
        key_dir = self._key_dir(key, create=False)
        with self._locked(key, key_dir):
            index = self._read_index(key, key_dir)
            if not index or not index["versions"] or index["versions"][-1].get("deleted"):
                raise ArtifactNotFound(f"artifact {key!r} not found")
            version_id, ns = self._new_version_id(index)
            index["versions"].append(
                {"version_id": version_id, "last_modified": self._timestamp(ns), "deleted": True}
            )
            self._write_index(key_dir, index)
        self.log.info("Deleted (archived) artifact %s", key)

    # -- reads

    def local_path(self, key, version_id) -> tuple[str, str]:
        key = validate_key(key)
        key_dir, entry, _ = self._entry(key, version_id)
        versions_dir = self._versions_dir(key, key_dir, create=False)
        return os.path.join(versions_dir, entry["version_id"]), self._objects_root()

    def _open_version(self, key: str, key_dir: str, entry: dict[str, Any]) -> BinaryIO:
        version_id = entry["version_id"]
        if not _LOCAL_VERSION_ID.match(version_id):
            raise ArtifactCorrupted(f"index of artifact {key!r} names a bad version {version_id!r}")
        versions_dir = self._versions_dir(key, key_dir, create=False)
        try:
            fd = self._open_nofollow(key, os.path.join(versions_dir, version_id), os.O_RDONLY)
        except FileNotFoundError:
            raise ArtifactCorrupted(
                f"content of artifact {key!r} version {version_id} is missing"
            ) from None
        return _verifying_stream(
            os.fdopen(fd, "rb", buffering=0),
            size=entry["size"],
            digest=entry["digest"],
            label=f"artifact {key!r} version {version_id}",
        )

    def open(self, key, version_id=None) -> BinaryIO:
        key = validate_key(key)
        key_dir, entry, _ = self._entry(key, version_id)
        return self._open_version(key, key_dir, entry)

    def info(self, key, version_id=None) -> ArtifactInfo:
        key = validate_key(key)
        _, entry, is_latest = self._entry(key, version_id)
        return self._info(key, entry, is_latest)

    def list_versions(self, key) -> list[ArtifactInfo]:
        key = validate_key(key)
        index = self._read_index(key, self._key_dir(key, create=False))
        versions = index["versions"] if index else []
        if not versions:
            raise ArtifactNotFound(f"artifact {key!r} not found")
        newest = versions[-1]
        return [
            self._info(key, entry, entry is newest)
            for entry in reversed(versions)
            if not entry.get("deleted")
        ]

    def list(self, prefix="") -> list[ArtifactInfo]:
        prefix = validate_prefix(prefix)
        root = self._objects_root()
        directory, _, partial = prefix.rpartition("/")
        start = root
        if directory:
            for segment in directory.split("/"):
                start = os.path.join(start, _encode_segment(prefix, segment))
        if not os.path.isdir(start) or os.path.islink(start):
            return []
        result = []
        for dirpath, dirnames, filenames in os.walk(start):  # never follows symlinks
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("="))
            if dirpath == start:
                if partial:
                    dirnames[:] = [
                        d for d in dirnames if urllib.parse.unquote(d).startswith(partial)
                    ]
                if start == root:
                    continue
            if _INDEX not in filenames:
                continue
            rel = os.path.relpath(dirpath, root)
            key = "/".join(urllib.parse.unquote(s) for s in rel.split(os.sep))
            if not key.startswith(prefix):
                continue
            try:
                index = self._read_index(key, dirpath)
            except (InvalidArtifactKey, ValueError) as e:
                self.log.warning("Skipping unreadable artifact index in %s: %s", dirpath, e)
                continue
            versions = index["versions"] if index else []
            if versions and not versions[-1].get("deleted"):
                result.append(self._info(key, versions[-1], True))
        result.sort(key=lambda info: info.key)
        return result


# ---------------------------------------------------------------------------------------------
# S3

_S3_MIN_PART = 5 * 1024 * 1024
_S3_MAX_PARTS = 10_000
_S3_MAX_COPY = 5 * 1024 * 1024 * 1024


def _error_code(error) -> tuple[str, int]:
    response = getattr(error, "response", {}) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    return code, status


class S3ArtifactStore(ArtifactStore):
    """Artifacts as objects in a versioned S3 bucket (any S3-compatible endpoint), via boto3.

    Versions are S3 object versions, a delete is a delete marker, a restore a server-side copy
    of the old version. The sha256 digest is computed here and stored as the object's
    ``sha256`` metadata, then checked on every full read. Credentials come from boto3's usual
    chain (environment, shared config/profile, instance role). Listing needs one HEAD request
    per object for digests and metadata.
    """

    bucket = Unicode("", config=True, help="S3 bucket (required); must have versioning enabled.")
    prefix = Unicode("", config=True, help="Key prefix inside the bucket, e.g. 'studio/artifacts'.")
    endpoint_url = Unicode(
        None, allow_none=True, config=True, help="S3-compatible endpoint (None: AWS)."
    )
    region_name = Unicode("us-east-1", config=True, help="Region of the bucket.")
    create_bucket = Bool(
        False,
        config=True,
        help="Create the bucket, with versioning enabled, if it does not exist.",
    )
    multipart_threshold = Int(
        64 * 1024 * 1024,
        config=True,
        help="Uploads (and restores) larger than this many bytes use multipart requests.",
    )
    multipart_chunksize = Int(
        16 * 1024 * 1024, config=True, help="Part size of multipart uploads (at least 5 MiB)."
    )

    @validate("prefix")
    def _validate_prefix(self, proposal):
        value = proposal["value"].strip("/")
        if value:
            try:
                validate_key(value)
            except InvalidArtifactKey as e:
                raise TraitError(f"S3ArtifactStore.prefix: {e}") from None
        return value

    @validate("multipart_chunksize")
    def _validate_chunksize(self, proposal):
        if proposal["value"] < _S3_MIN_PART:
            raise TraitError("S3ArtifactStore.multipart_chunksize must be at least 5 MiB")
        return proposal["value"]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._client_lock = threading.Lock()
        self._client = None

    # -- client and bucket

    def check(self) -> None:
        """Connect and verify the bucket exists (or create it) with versioning enabled."""
        self._s3()

    def _s3(self):
        with self._client_lock:
            if self._client is None:
                import boto3
                from botocore.config import Config

                if not self.bucket:
                    raise ArtifactStoreMisconfigured("S3ArtifactStore.bucket is not set")
                client = boto3.session.Session().client(
                    "s3",
                    endpoint_url=self.endpoint_url or None,
                    region_name=self.region_name or None,
                    config=Config(retries={"mode": "standard"}, max_pool_connections=16),
                )
                self._prepare_bucket(client)
                self._client = client
            return self._client

    def _prepare_bucket(self, client) -> None:
        from botocore.exceptions import ClientError

        bucket = self.bucket
        try:
            client.head_bucket(Bucket=bucket)
        except ClientError as e:
            code, status = _error_code(e)
            if status != 404 and code not in ("404", "NoSuchBucket", "NotFound"):
                raise ArtifactStoreMisconfigured(f"cannot access S3 bucket {bucket!r}: {e}") from e
            if not self.create_bucket:
                raise ArtifactStoreMisconfigured(
                    f"S3 bucket {bucket!r} does not exist: create it with versioning enabled, "
                    "or set S3ArtifactStore.create_bucket = True"
                ) from None
            kwargs: dict[str, Any] = {"Bucket": bucket}
            if self.region_name and self.region_name != "us-east-1":
                kwargs["CreateBucketConfiguration"] = {"LocationConstraint": self.region_name}
            try:
                client.create_bucket(**kwargs)
            except ClientError as create_error:
                if _error_code(create_error)[0] != "BucketAlreadyOwnedByYou":
                    raise
            client.put_bucket_versioning(
                Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}
            )
            self.log.info("Created S3 bucket %s with versioning enabled", bucket)
        status = client.get_bucket_versioning(Bucket=bucket).get("Status")
        if status != "Enabled":
            raise ArtifactStoreMisconfigured(
                f"S3 bucket {bucket!r} has versioning {(status or 'disabled').lower()}; the "
                "artifact store keeps every version of every object and needs it enabled: "
                f"aws s3api put-bucket-versioning --bucket {bucket} "
                "--versioning-configuration Status=Enabled"
            )

    # -- helpers

    def _full_key(self, key: str) -> str:
        full = f"{self.prefix}/{key}" if self.prefix else key
        if len(full.encode()) > MAX_KEY_LENGTH:
            raise InvalidArtifactKey(
                f"artifact key {key!r} with prefix {self.prefix!r} exceeds S3's 1024 bytes"
            )
        return full

    def _relative_key(self, full: str) -> str | None:
        if self.prefix:
            if not full.startswith(self.prefix + "/"):
                return None
            full = full[len(self.prefix) + 1 :]
        try:
            return validate_key(full)
        except InvalidArtifactKey:
            return None  # an object this store did not write

    def _not_found(self, error, key: str, version_id: str | None) -> Exception:
        """Translate a ClientError meaning "no such key/version" into ArtifactNotFound."""
        code, status = _error_code(error)
        missing = status in (404, 405) or code in (
            "404",
            "405",
            "NoSuchKey",
            "NoSuchVersion",
            "MethodNotAllowed",
        )
        if version_id is not None and (status == 400 or code in ("400", "InvalidArgument")):
            missing = True  # a malformed version id
        if not missing:
            return error
        if version_id is None:
            return ArtifactNotFound(f"artifact {key!r} not found")
        return ArtifactNotFound(f"artifact {key!r} has no version {version_id!r}")

    def _head(self, key: str, version_id: str | None) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Key": self._full_key(key)}
        if version_id is not None:
            kwargs["VersionId"] = _check_version_id(key, version_id)
        try:
            return self._s3().head_object(**kwargs)
        except ClientError as e:
            raise self._not_found(e, key, version_id) from None

    @staticmethod
    def _decode_metadata(raw: Mapping[str, str]) -> dict[str, str]:
        return {k: urllib.parse.unquote(v) for k, v in raw.items() if k not in _RESERVED_METADATA}

    def _info_from_head(self, key: str, head: Mapping[str, Any], is_latest: bool) -> ArtifactInfo:
        raw = head.get("Metadata") or {}
        sha = raw.get("sha256", "")
        return ArtifactInfo(
            key=key,
            version_id=head["VersionId"],
            size=int(head["ContentLength"]),
            digest=f"sha256:{sha}" if sha else "",
            last_modified=_utc(head["LastModified"]),
            is_latest=is_latest,
            metadata=self._decode_metadata(raw),
        )

    def _version_of(self, response: Mapping[str, Any], key: str) -> str:
        version_id = response.get("VersionId")
        if not version_id or version_id == "null":
            raise ArtifactStoreMisconfigured(
                f"S3 bucket {self.bucket!r} did not version {key!r}: is versioning suspended?"
            )
        return version_id

    # -- writes

    def put(self, key, data, *, metadata=None) -> ArtifactInfo:
        key = validate_key(key)
        meta = validate_metadata(metadata)
        if isinstance(data, bytes | bytearray | memoryview):
            body = bytes(data)
            return self._upload(key, body, _digest_of(body), len(body), meta)
        with tempfile.TemporaryFile() as spool:
            digest, size = _copy_hashing(data, spool)
            spool.seek(0)
            return self._upload(key, spool, digest, size, meta)

    def put_file(self, key, path, *, digest=None, metadata=None) -> ArtifactInfo:
        if digest is None:
            return super().put_file(key, path, metadata=metadata)
        key = validate_key(key)
        meta = validate_metadata(metadata)
        _check_digest(digest)
        with open(path, "rb") as body:
            return self._upload(key, body, digest, os.fstat(body.fileno()).st_size, meta)

    def _upload(
        self, key: str, body: bytes | IO[bytes], digest: str, size: int, meta: dict[str, str]
    ) -> ArtifactInfo:
        """Upload ``body`` (its ``size`` bytes, whose ``digest`` is known) as a new version."""
        full = self._full_key(key)
        client = self._s3()
        s3_meta = {k: _encode_metadata_value(v) for k, v in meta.items()}
        s3_meta["sha256"] = digest.removeprefix("sha256:")
        if size > self.multipart_threshold:
            if isinstance(body, bytes):
                body = io.BytesIO(body)
            response = self._multipart_upload(client, full, body, size, s3_meta)
        else:
            response = client.put_object(Bucket=self.bucket, Key=full, Body=body, Metadata=s3_meta)
        version_id = self._version_of(response, key)
        self.log.debug("Stored artifact %s version %s (%d bytes)", key, version_id, size)
        return self._info_from_head(key, self._head(key, version_id), True)

    def _part_size(self, size: int) -> int:
        return max(self.multipart_chunksize, -(-size // _S3_MAX_PARTS))

    def _multipart(self, client, full: str, metadata, items: Iterable, upload_part) -> dict:
        """One multipart upload of ``full``: ``upload_part(upload_id, number, item)`` uploads
        the part of each of ``items`` and returns its ETag; aborted on any error, so that no
        part is left behind."""
        upload = client.create_multipart_upload(Bucket=self.bucket, Key=full, Metadata=metadata)
        upload_id = upload["UploadId"]
        try:
            parts = [
                {"ETag": upload_part(upload_id, number, item), "PartNumber": number}
                for number, item in enumerate(items, start=1)
            ]
            return client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=full,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
            )
        except BaseException:
            with contextlib.suppress(Exception):
                client.abort_multipart_upload(Bucket=self.bucket, Key=full, UploadId=upload_id)
            raise

    def _multipart_upload(self, client, full, body: IO[bytes], size: int, metadata):
        part_size = self._part_size(size)

        def upload_part(upload_id, number, chunk):
            return client.upload_part(
                Bucket=self.bucket, Key=full, UploadId=upload_id, PartNumber=number, Body=chunk
            )["ETag"]

        chunks = iter(lambda: body.read(part_size), b"")
        return self._multipart(client, full, metadata, chunks, upload_part)

    def restore(self, key, version_id) -> ArtifactInfo:
        from botocore.exceptions import ClientError

        key = validate_key(key)
        head = self._head(key, _check_version_id(key, version_id))
        full = self._full_key(key)
        client = self._s3()
        source = {"Bucket": self.bucket, "Key": full, "VersionId": version_id}
        size = int(head["ContentLength"])
        try:
            if size > min(self.multipart_threshold, _S3_MAX_COPY):
                response = self._multipart_copy(client, full, source, size, head["Metadata"])
            else:
                response = client.copy_object(
                    Bucket=self.bucket, Key=full, CopySource=source, MetadataDirective="COPY"
                )
        except ClientError as e:
            raise self._not_found(e, key, version_id) from None
        new_version = self._version_of(response, key)
        self.log.info("Restored artifact %s version %s as %s", key, version_id, new_version)
        return self._info_from_head(key, self._head(key, new_version), True)

    def _multipart_copy(self, client, full, source, size: int, metadata):
        part_size = self._part_size(size)

        def copy_part(upload_id, number, start):
            return client.upload_part_copy(
                Bucket=self.bucket,
                Key=full,
                UploadId=upload_id,
                PartNumber=number,
                CopySource=source,
                CopySourceRange=f"bytes={start}-{min(start + part_size, size) - 1}",
            )["CopyPartResult"]["ETag"]

        return self._multipart(client, full, metadata, range(0, size, part_size), copy_part)

    def delete(self, key) -> None:
        key = validate_key(key)
        self._head(key, None)  # ArtifactNotFound if unknown or already deleted
        self._s3().delete_object(Bucket=self.bucket, Key=self._full_key(key))
        self.log.info("Deleted (archived) artifact %s", key)

    # -- reads

    def open(self, key, version_id=None) -> BinaryIO:
        from botocore.exceptions import ClientError

        key = validate_key(key)
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Key": self._full_key(key)}
        if version_id is not None:
            kwargs["VersionId"] = _check_version_id(key, version_id)
        try:
            response = self._s3().get_object(**kwargs)
        except ClientError as e:
            raise self._not_found(e, key, version_id) from None
        body = response["Body"]
        label = f"artifact {key!r} version {response.get('VersionId')}"
        sha = (response.get("Metadata") or {}).get("sha256")
        if not sha:
            body.close()
            raise ArtifactCorrupted(f"{label} has no sha256 digest (not written by the store?)")
        return _verifying_stream(
            body, size=int(response["ContentLength"]), digest=f"sha256:{sha}", label=label
        )

    def info(self, key, version_id=None) -> ArtifactInfo:
        key = validate_key(key)
        head = self._head(key, version_id)
        if version_id is None:
            return self._info_from_head(key, head, True)
        try:
            latest = self._head(key, None)["VersionId"]
        except ArtifactNotFound:
            latest = None
        return self._info_from_head(key, head, head["VersionId"] == latest)

    def _heads(self, items: list[tuple[str, str | None]]) -> list[dict[str, Any] | None]:
        """HEAD many (key, version) pairs concurrently; None for those gone meanwhile."""

        def one(item):
            try:
                return self._head(*item)
            except ArtifactNotFound:
                return None

        if len(items) <= 1:
            return [one(item) for item in items]
        with ThreadPoolExecutor(max_workers=min(8, len(items))) as pool:
            return list(pool.map(one, items))

    def list(self, prefix="") -> list[ArtifactInfo]:
        prefix = validate_prefix(prefix)
        client = self._s3()
        full_prefix = f"{self.prefix}/{prefix}" if self.prefix else prefix
        keys = []
        paginator = client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=full_prefix):
            for obj in page.get("Contents", []):
                key = self._relative_key(obj["Key"])
                if key is not None:
                    keys.append(key)
        heads = self._heads([(key, None) for key in keys])
        result = [
            self._info_from_head(key, head, True)
            for key, head in zip(keys, heads, strict=True)
            if head is not None
        ]
        result.sort(key=lambda info: info.key)
        return result

    def list_versions(self, key) -> list[ArtifactInfo]:
        key = validate_key(key)
        full = self._full_key(key)
        client = self._s3()
        versions = []
        paginator = client.get_paginator("list_object_versions")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=full):
            versions.extend(v for v in page.get("Versions", []) if v["Key"] == full)
        if not versions:
            raise ArtifactNotFound(f"artifact {key!r} not found")
        heads = self._heads([(key, v["VersionId"]) for v in versions])
        return [
            self._info_from_head(key, head, bool(v.get("IsLatest")))
            for v, head in zip(versions, heads, strict=True)
            if head is not None
        ]
