"""Where spaces live: mapping Jupyter API paths to spaces, refusing traversal and escaping links."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


class PathTraversal(ValueError):
    """An API path with ``..``, a NUL, a backslash or an absolute form."""


@dataclass(frozen=True)
class PathClass:
    """What an API path points at.

    ``kind`` is ``root`` (the server root), ``above`` (a folder holding the spaces root),
    ``spaces-root``, ``space`` (a space's own directory), ``in-space`` or ``outside``.
    """

    kind: str
    space: str | None = None


def normalize(api_path: str) -> str:
    """Canonical '/'-separated relative path; raises :class:`PathTraversal` on escapes."""
    if "\x00" in api_path or "\\" in api_path:
        raise PathTraversal(f"invalid path {api_path[:200]!r}")
    parts = [p for p in api_path.strip("/").split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise PathTraversal(f"path {api_path[:200]!r} leaves its folder")
    if api_path.startswith("//") or (parts and parts[0].endswith(":")):
        raise PathTraversal(f"absolute path {api_path[:200]!r}")
    return "/".join(parts)


def is_within(path: str | os.PathLike, directory: str | os.PathLike) -> bool:
    path, directory = os.path.realpath(path), os.path.realpath(directory)
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


class SpacePaths:
    """The spaces root inside the server root, and the classification of API paths."""

    def __init__(self, root_dir: str | os.PathLike, spaces_root: str):
        self.root_dir = Path(os.path.realpath(root_dir))
        self.spaces_root = normalize(spaces_root)
        self.spaces_dir = self.root_dir / self.spaces_root if self.spaces_root else self.root_dir

    def api_path_of(self, name: str) -> str:
        return f"{self.spaces_root}/{name}" if self.spaces_root else name

    def directory_of(self, name: str) -> Path:
        return self.spaces_dir / name

    def classify(self, api_path: str) -> PathClass:
        path = normalize(api_path)
        root = self.spaces_root
        if path == root:
            return PathClass("spaces-root")
        if path == "":
            return PathClass("root")
        if root and root.startswith(path + "/"):
            return PathClass("above")
        rest = path[len(root) + 1 :] if root else path
        if root and not path.startswith(root + "/"):
            return PathClass("outside")
        name, _, inner = rest.partition("/")
        return PathClass("in-space" if inner else "space", name)

    def escapes_space(self, api_path: str, name: str) -> bool:
        """True when a symlink makes the path resolve outside the space's directory."""
        target = self.root_dir / normalize(api_path)
        return not is_within(target, self.directory_of(name))
