"""Artifacts as bytes: a file as it is, a folder as a reproducible tar (standard library only)."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path


def pack(path: str | os.PathLike) -> bytes:
    """A file's bytes, or a folder as a tar with sorted entries and no times or owners, so that
    the same folder always gives the same digest. Symlinks are left out."""
    path = Path(path)
    if path.is_file():
        return path.read_bytes()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for root, dirs, files in os.walk(path):
            dirs.sort()
            for name in sorted(files):
                full = os.path.join(root, name)
                if os.path.islink(full):
                    continue
                info = tar.gettarinfo(full, arcname=os.path.relpath(full, path))
                info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
                with open(full, "rb") as f:
                    tar.addfile(info, f)
    return buf.getvalue()
