"""Where templates come from: folders (shipped, configured, the domain catalog, entry points) and
the model registry. Each source yields templates and problems; none may crash the gallery."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import nbformat

from .manifest import (
    IGNORE_FILE,
    InvalidTemplate,
    Parameter,
    Template,
    glob_regex,
    load_template,
)
from .manifest import manifest_path as find_manifest

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "jupyter_mlops_studio.templates"
MAX_DEPTH = 6


@dataclass(frozen=True)
class Problem:
    """An invalid template or source, as the API reports it."""

    source: str
    source_name: str
    path: str
    reason: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {
            "source": self.source,
            "source_name": self.source_name,
            "path": self.path,
            "reason": self.reason,
            "message": self.message,
        }


@dataclass(frozen=True)
class FolderSource:
    """A directory holding templates (at any depth up to MAX_DEPTH, or being one itself)."""

    kind: str  # builtin | directory | catalog | entrypoint
    name: str
    path: Path


def ignore_patterns(directory: Path) -> list[str]:
    """Glob lines of a ``.galleryignore`` (``#`` comments and blank lines skipped)."""
    try:
        text = (directory / IGNORE_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [
        line.strip().strip("/")
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def _ignored(rel: str, patterns: list[tuple[str, Path]], folder: Path) -> bool:
    """Whether a folder is skipped by a ``.galleryignore`` of the source root or of a folder
    above it: a pattern is matched against the path relative to that ignore file's folder; a
    pattern without '/' also matches the folder's own name."""
    for pattern, base in patterns:
        try:
            relative = folder.relative_to(base).as_posix()
        except ValueError:
            continue
        if glob_regex(pattern).fullmatch(relative):
            return True
        if "/" not in pattern and glob_regex(pattern).fullmatch(folder.name):
            return True
    return False


def scan_folder_source(
    source: FolderSource,
) -> tuple[list[tuple[Path, str]], list[Problem], list[tuple[str, float]]]:
    """Template folders of a source (with their path relative to it), problems, and the
    (path, mtime) pairs that tell whether anything changed since."""
    root = source.path
    folders: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    stamps: list[tuple[str, float]] = []
    if not root.is_dir():
        if source.kind == "catalog":  # made by the first template an admin adds
            return folders, problems, stamps
        problems.append(
            Problem(source.kind, source.name, "", "missing-source", f"no folder {root}")
        )
        return folders, problems, stamps

    def walk(folder: Path, depth: int, ignores: list[tuple[str, Path]]) -> None:
        try:
            stamps.append((str(folder), folder.stat().st_mtime))
        except OSError:
            return
        manifest = find_manifest(folder)
        rel = folder.relative_to(root).as_posix()
        if manifest is not None:
            stamps.append((str(manifest), manifest.stat().st_mtime))
            folders.append((folder, "" if rel == "." else rel))
            return
        if depth >= MAX_DEPTH:
            return
        if (folder / IGNORE_FILE).is_file():
            stamps.append((str(folder / IGNORE_FILE), (folder / IGNORE_FILE).stat().st_mtime))
            ignores = ignores + [(p, folder) for p in ignore_patterns(folder)]
        try:
            children = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as e:
            problems.append(Problem(source.kind, source.name, rel, "unreadable", str(e)))
            return
        for entry in children:
            if not entry.is_dir(follow_symlinks=False) or entry.name.startswith((".", "__")):
                continue
            child = Path(entry.path)
            if _ignored(child.relative_to(root).as_posix(), ignores, child):
                continue
            walk(child, depth + 1, ignores)

    walk(root, 0, [])
    return folders, problems, stamps


def load_folder(
    source: FolderSource, folder: Path, rel: str
) -> tuple[Template | None, Problem | None]:
    try:
        return load_template(folder, source.kind, source.name), None
    except InvalidTemplate as e:
        return None, Problem(source.kind, source.name, rel, e.reason, e.message)
    except (OSError, UnicodeDecodeError) as e:
        return None, Problem(source.kind, source.name, rel, "unreadable", str(e)[:300])


def entry_point_sources(
    entry_points: Callable[[], Iterable[Any]] | None = None,
) -> tuple[list[FolderSource], list[Problem]]:
    """Folders named by ``jupyter_mlops_studio.templates`` entry points: each loads to a path,
    a list of paths, or a callable returning either."""
    found = entry_points() if entry_points else metadata.entry_points(group=ENTRY_POINT_GROUP)
    sources, problems = [], []
    for ep in found:
        try:
            value = ep.load()
            if callable(value):
                value = value()
            paths = [value] if isinstance(value, str | os.PathLike) else list(value)
            for p in paths:
                if not isinstance(p, str | os.PathLike):
                    raise TypeError(f"not a path: {p!r}")
                sources.append(FolderSource("entrypoint", ep.name, Path(p)))
        except Exception as e:  # a broken plug-in is reported, never crashes the gallery
            problems.append(
                Problem("entrypoint", ep.name, "", "entrypoint-failed", f"{type(e).__name__}: {e}")
            )
    return sources, problems


def _code(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source)


def model_template(group: dict, version: dict, approved: list[int]) -> Template:
    """A ``model`` template for a registry group published to the gallery, at its newest
    ``Approved`` version: a notebook that loads that version's record through the client."""
    name = group["name"]
    card = version.get("model_card") or {}
    description = version.get("description") or group.get("description") or f"Model group {name}"
    framework = (version.get("framework") or "unknown").lower()
    tags = sorted({*(f"{k}={v}" for k, v in (group.get("tags") or {}).items()), "registry"})
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            f"# {name}, version {{{{ version }}}}\n\n{description}\n\n"
            "An approved model from the studio's model registry."
        ),
        _code(
            "from jupyter_mlops_studio.client import StudioClient\n\n"
            f"GROUP = {name!r}\n"
            "VERSION = {{ version }}\n"
            "studio = StudioClient()\n"
            "model = studio.registry.version(GROUP, VERSION)\n"
            "assert model['status'] == 'Approved', model['status']\n"
            "model['metrics'], model['artifact']"
        ),
        nbformat.v4.new_markdown_cell(
            "The version's artifact was copied into `model/` (a packed folder's files, or a "
            "single file as `model/artifact`) when this template was used."
        ),
        _code(
            "from pathlib import Path\n\n"
            "sorted(p.relative_to('model').as_posix() for p in Path('model').rglob('*') "
            "if p.is_file())"
        ),
    ]
    readme = f"# {name}\n\n{description}\n\n"
    if card:
        readme += "## Model card\n\n" + "\n".join(f"- **{k}**: {v}" for k, v in card.items())
    return Template(
        id=f"model-{name}",
        title=f"{name} (model registry)",
        description=description,
        type="model",
        task=str(card.get("task", "model")).lower().replace(" ", "-")[:63] or "model",
        framework=framework,
        tags=tuple(tags),
        fine_tunable=False,
        main=f"{name}.ipynb",
        parameters=(
            Parameter(
                "version",
                "integer",
                version["version"],
                True,
                "An approved version of the group",
            ),
        ),
        source="registry",
        source_name=name,
        generated={f"{name}.ipynb": nbformat.writes(nb), "README.md": readme},
        extra={
            "registry": {
                "group": name,
                "version": version["version"],
                "metrics": version.get("metrics") or {},
                "approved_versions": approved,
            }
        },
    )


def iter_pages(fetch: Callable[[str | None], tuple[list[dict], str | None]]) -> Iterator[dict]:
    after = None
    while True:
        items, after = fetch(after)
        yield from items
        if after is None:
            return
