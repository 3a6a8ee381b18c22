"""Versions of collaborative documents, kept so that nothing is lost silently.

When a document changes on disk while its room is open, jupyter-collaboration replaces the
room's content by the disk's. The studio first keeps the room's content here as a version
(reason ``out-of-band``); an editor may save a version (``saved``), the update store keeps one
when it compacts a document's updates (``checkpoint``), and restoring a version writes it back
to the file (keeping what it replaces, ``before-restore``). A version is one
file under ``<data_dir>/collaboration/history/<file id>/``, written atomically: a line of JSON
with its details, then the content as JSON (so that listing reads the first lines only). The
newest ``keep`` versions of each document are kept.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
from pathlib import Path
from typing import Any

from ..core.errors import NotFound

_FILE_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
_VERSION = re.compile(r"^[0-9]{1,9}$")


class DocumentHistory:
    def __init__(self, directory: str | os.PathLike, keep: int = 50):
        self.directory = Path(directory)
        self.keep = keep
        self._lock = threading.Lock()

    def _folder(self, file_id: str) -> Path:
        if not isinstance(file_id, str) or not _FILE_ID.match(file_id):
            raise NotFound("no history for this document", reason="no-history")
        return self.directory / file_id

    def add(
        self,
        file_id: str,
        path: str,
        content: Any,
        reason: str,
        author: str | None = None,
        label: str | None = None,
    ) -> dict[str, Any]:
        """Keep ``content`` (a notebook as a dict, or text) of document ``file_id`` at ``path``."""
        folder = self._folder(file_id)
        with self._lock:
            folder.mkdir(parents=True, exist_ok=True)
            numbers = self._numbers(folder)
            number = (numbers[-1] + 1) if numbers else 1
            entry = {
                "version": number,
                "path": path,
                "reason": reason,
                "author": author,
                "label": label,
                "at": dt.datetime.now(dt.timezone.utc).isoformat(),
            }
            data = json.dumps(entry).encode() + b"\n" + json.dumps(content).encode()
            target = folder / f"{number:09d}.json"
            tmp = folder / f".{number:09d}.json.tmp"
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
            for old in numbers[: max(0, len(numbers) + 1 - self.keep)]:
                (folder / f"{old:09d}.json").unlink(missing_ok=True)
        return {**entry, "size": len(data)}

    @staticmethod
    def _numbers(folder: Path) -> list[int]:
        return sorted(
            int(p.stem) for p in folder.glob("*.json") if _VERSION.match(p.stem) is not None
        )

    def list(self, file_id: str) -> list[dict[str, Any]]:
        """The versions of a document, newest first, without their content."""
        folder = self._folder(file_id)
        out = []
        for number in reversed(self._numbers(folder)) if folder.is_dir() else []:
            file = folder / f"{number:09d}.json"
            try:
                with open(file, "rb") as f:
                    entry = json.loads(f.readline())
                out.append({**entry, "size": file.stat().st_size})
            except (OSError, ValueError):
                continue  # removed meanwhile, or damaged: not offered
        return out

    def get(self, file_id: str, version: Any) -> dict[str, Any]:
        folder = self._folder(file_id)
        text = str(version)
        found = self._read(folder, int(text)) if _VERSION.match(text) else None
        if found is None:
            raise NotFound(f"no version {text[:20]!r} of this document", reason="no-version")
        return found

    @staticmethod
    def _read(folder: Path, number: int) -> dict[str, Any] | None:
        try:
            head, _, body = (folder / f"{number:09d}.json").read_bytes().partition(b"\n")
            return {**json.loads(head), "content": json.loads(body)}
        except (OSError, ValueError):
            return None
