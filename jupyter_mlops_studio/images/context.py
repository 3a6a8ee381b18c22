"""Build contexts: which files a build sends, their digest, and the zip CodeBuild takes.

The files are those under the context directory minus what ``.dockerignore`` excludes (Docker's
rules: ``*``, ``?``, ``**``, ``!`` exceptions, comments). Symbolic links are not followed: one
that points outside the context is refused, as Docker refuses it.

The *digest* identifies a context by its manifest — each file's relative path, mode, size and
modification time — like ``make``: reading it costs a ``stat`` per file, not a read of every
byte, so an unchanged build is recognised in milliseconds. Editing a file changes its time.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import InvalidInput, PayloadTooLarge

ZIP_LEVEL = 1  # fast deflate: a context is sent once and mostly holds code and small data


@dataclass(frozen=True)
class ContextFile:
    path: str  # relative, '/'-separated
    full: str
    mode: int
    size: int
    mtime_ns: int


@dataclass
class Context:
    root: Path
    files: list[ContextFile]
    digest: str
    size: int


def _ignore_rules(root: Path) -> list[tuple[bool, re.Pattern]]:
    path = root / ".dockerignore"
    if not path.is_file():
        return []
    rules = []
    for raw in path.read_text(errors="replace").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line[1:].strip() if negate else line
        pattern = os.path.normpath(pattern).lstrip("/")
        if pattern in (".", ""):
            continue
        rules.append((negate, _glob_regex(pattern)))
    return rules


def _glob_regex(pattern: str) -> re.Pattern:
    """Docker's ignore globs: ``**`` any number of folders, ``*`` and ``?`` within one."""
    parts = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            parts.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            parts.append(".*")
            i += 2
        elif pattern[i] == "*":
            parts.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            parts.append("[^/]")
            i += 1
        else:
            parts.append(re.escape(pattern[i]))
            i += 1
    # a pattern also excludes everything below a matching folder
    return re.compile("^" + "".join(parts) + "(/.*)?$")


def _ignored(rel: str, rules: list[tuple[bool, re.Pattern]]) -> bool:
    ignored = False
    for negate, regex in rules:
        if regex.match(rel):
            ignored = not negate
    return ignored


def scan(root: Path, max_size: int) -> Context:
    """List the context's files (sorted) and compute its digest; refuse one over ``max_size``."""
    root = root.resolve()
    rules = _ignore_rules(root)
    files: list[ContextFile] = []
    total = 0
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, root)
        rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        for d in [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            _check_link(root, os.path.join(dirpath, d), rel_dir + d)
            dirnames.remove(d)  # a link to a folder inside the context is not followed
        if rules and not any(negate for negate, _ in rules):
            # nothing can be re-included below an ignored folder: do not walk it
            dirnames[:] = [d for d in dirnames if not _ignored(rel_dir + d, rules)]
        for name in sorted(filenames):
            rel = rel_dir + name
            if rules and _ignored(rel, rules):
                continue
            full = os.path.join(dirpath, name)
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                _check_link(root, full, rel)
                st = os.stat(full)
            if not stat.S_ISREG(st.st_mode):
                continue
            total += st.st_size
            if total > max_size:
                raise PayloadTooLarge(
                    f"the build context is larger than {max_size} bytes",
                    reason="context-too-large",
                )
            files.append(ContextFile(rel, full, st.st_mode & 0o777, st.st_size, st.st_mtime_ns))
            digest.update(
                f"{rel}\0{st.st_mode & 0o777:o}\0{st.st_size}\0{st.st_mtime_ns}\n".encode()
            )
    files.sort(key=lambda f: f.path)
    return Context(root, files, f"sha256:{digest.hexdigest()}", total)


def _check_link(root: Path, full: str, rel: str) -> None:
    target = os.path.realpath(full)
    if not (target == str(root) or target.startswith(str(root) + os.sep)):
        raise InvalidInput(
            f"{rel} is a symbolic link that leads outside the build context",
            reason="invalid-context",
        )


def write_zip(context: Context, out) -> str:
    """Write the context as a zip (what CodeBuild's S3 source takes); return its sha256."""
    hasher = _HashingWriter(out)
    with zipfile.ZipFile(hasher, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as zf:
        for f in context.files:
            info = zipfile.ZipInfo(f.path, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | f.mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info._compresslevel = ZIP_LEVEL  # a ZipInfo keeps its own level, not the file's
            with open(f.full, "rb") as src, zf.open(info, "w", force_zip64=True) as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
    return hasher.hexdigest()


class _HashingWriter:
    """A write-only stream that hashes what passes through (zipfile needs tell())."""

    def __init__(self, out):
        self.out = out
        self.hash = hashlib.sha256()
        self.offset = 0

    def write(self, data) -> int:
        self.hash.update(data)
        self.out.write(data)
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        self.out.flush()

    def hexdigest(self) -> str:
        return self.hash.hexdigest()
