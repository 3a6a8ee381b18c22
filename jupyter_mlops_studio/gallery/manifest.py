"""Template manifests: loading, validation against template.schema.json, the files of a folder.

A template is a folder with ``template.yaml`` (or ``.yml`` / ``.json``). Everything here is
plain data and files: no tornado, no database.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SCHEMA_PATH = Path(__file__).with_name("template.schema.json")
MANIFEST_NAMES = ("template.yaml", "template.yml", "template.json")
IGNORE_FILE = ".galleryignore"
#: never part of a template's files
SKIPPED_NAMES = frozenset({*MANIFEST_NAMES, IGNORE_FILE, "__pycache__", ".ipynb_checkpoints"})
MAX_FILES = 2000
PARAM_TYPES = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class InvalidTemplate(Exception):
    """A template that cannot be offered: ``reason`` is a short code, the message says why."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: Any = None
    has_default: bool = False
    description: str = ""

    def to_json(self) -> dict:
        out = {"name": self.name, "type": self.type, "description": self.description}
        if self.has_default:
            out["default"] = self.default
        return out


@dataclass
class Template:
    """One gallery item. ``root`` is its folder; a generated template (a registry model) has
    ``generated`` file contents instead."""

    id: str
    title: str
    description: str
    type: str
    task: str
    framework: str
    tags: tuple[str, ...] = ()
    fine_tunable: bool = False
    requirements: tuple[str, ...] = ()
    file_patterns: tuple[str, ...] | None = None
    main: str | None = None
    parameters: tuple[Parameter, ...] = ()
    source: str = ""
    source_name: str = ""
    root: Path | None = None
    generated: dict[str, str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "type": self.type,
            "task": self.task,
            "framework": self.framework,
            "tags": list(self.tags),
            "fine_tunable": self.fine_tunable,
            "source": self.source,
        }

    def manifest(self) -> dict[str, Any]:
        out = {
            **self.summary(),
            "requirements": list(self.requirements),
            "main": self.main,
            "parameters": [p.to_json() for p in self.parameters],
            "source_name": self.source_name,
        }
        if self.file_patterns is not None:
            out["file_patterns"] = list(self.file_patterns)
        out.update(self.extra)
        return out

    def files(self) -> list[tuple[str, int]]:
        """(relative path, size) of every file instantiation copies, checked again now."""
        if self.generated is not None:
            return [(name, len(text.encode())) for name, text in sorted(self.generated.items())]
        assert self.root is not None
        return template_files(self.root, self.file_patterns)


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def manifest_path(folder: Path) -> Path | None:
    for name in MANIFEST_NAMES:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def parse_manifest(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a safe loader)
    except (ValueError, yaml.YAMLError) as e:
        raise InvalidTemplate(
            f"{path.name} is not valid {path.suffix[1:]}: {e}", "parse-error"
        ) from None


def validate_manifest(data: Any) -> None:
    """Raise :class:`InvalidTemplate` naming the first schema violation (with its field)."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if not errors:
        _check_parameters(data)
        return
    error = errors[0]
    where = "/".join(str(p) for p in error.absolute_path)
    if error.validator == "required":
        missing = [r for r in error.validator_value if r not in (error.instance or {})]
        at = f" in {where}" if where else ""
        raise InvalidTemplate(
            f"missing field{'s' if len(missing) > 1 else ''}{at}: {', '.join(missing)}",
            "missing-field",
        )
    raise InvalidTemplate(f"{where or 'manifest'}: {error.message[:300]}", "schema-violation")


def _check_parameters(data: dict) -> None:
    seen = set()
    for p in data.get("parameters", []):
        if p["name"] in seen:
            raise InvalidTemplate(f"parameter {p['name']!r} declared twice", "schema-violation")
        seen.add(p["name"])
        if "default" in p and not type_matches(p["default"], p["type"]):
            raise InvalidTemplate(
                f"parameter {p['name']!r}: default {p['default']!r} is not a {p['type']}",
                "schema-violation",
            )


def type_matches(value: Any, kind: str) -> bool:
    if kind != "boolean" and isinstance(value, bool):
        return False
    return isinstance(value, PARAM_TYPES[kind])


def load_template(folder: Path, source: str, source_name: str = "") -> Template:
    """The template in ``folder``: manifest valid, files inside the folder, main among them."""
    path = manifest_path(folder)
    if path is None:
        raise InvalidTemplate(f"no manifest ({' or '.join(MANIFEST_NAMES)})", "no-manifest")
    data = parse_manifest(path)
    validate_manifest(data)
    patterns = tuple(data["files"]) if "files" in data else None
    for pattern in patterns or ():
        check_pattern(pattern)
    files = [name for name, _ in template_files(folder, patterns)]
    if not files:
        raise InvalidTemplate("the template has no files", "no-files")
    main = data.get("main")
    if main is None:
        notebooks = [f for f in files if f.endswith(".ipynb")]
        main = notebooks[0] if len(notebooks) == 1 else None
    elif main not in files:
        raise InvalidTemplate(f"main {main!r} is not among the template's files", "invalid-main")
    return Template(
        id=data["id"],
        title=data["title"],
        description=data["description"],
        type=data["type"],
        task=data["task"],
        framework=data["framework"],
        tags=tuple(data.get("tags", ())),
        fine_tunable=data.get("fine_tunable", False),
        requirements=tuple(data.get("requirements", ())),
        file_patterns=patterns,
        main=main,
        parameters=tuple(
            Parameter(
                p["name"], p["type"], p.get("default"), "default" in p, p.get("description", "")
            )
            for p in data.get("parameters", ())
        ),
        source=source,
        source_name=source_name,
        root=folder,
    )


def check_pattern(pattern: str) -> None:
    """A files entry must stay in the folder: no absolute paths, no '..', no backslashes."""
    parts = pattern.split("/")
    if (
        pattern.startswith("/")
        or "\\" in pattern
        or "\x00" in pattern
        or ".." in parts
        or re.match(r"^[A-Za-z]:", pattern)
    ):
        raise InvalidTemplate(
            f"files entry {pattern[:200]!r} points outside the template folder", "file-outside"
        )


@lru_cache(maxsize=512)
def glob_regex(pattern: str) -> re.Pattern:
    """A glob as a regex over '/'-separated relative paths: '**' crosses folders, '*' does not;
    a pattern naming a folder matches everything in it."""
    out, i = [], 0
    pattern = pattern.strip("/")
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + "(?:/.*)?")


def template_files(folder: Path, patterns: tuple[str, ...] | None) -> list[tuple[str, int]]:
    """Sorted (relative path, size) of the files a template copies. A link that leads outside
    the folder makes the template invalid; links to folders inside it are not followed."""
    root = os.path.realpath(folder)
    regexes = [glob_regex(p) for p in patterns] if patterns else None
    found: list[tuple[str, int]] = []
    matched = [False] * len(regexes or ())
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        for d in list(dirnames):
            full = os.path.join(dirpath, d)
            if d in SKIPPED_NAMES or (d.startswith(".") and regexes is None):
                dirnames.remove(d)
            elif os.path.islink(full):
                dirnames.remove(d)
                _check_link(full, root, rel_dir + d)
        for name in filenames:
            if name in SKIPPED_NAMES or (name.startswith(".") and regexes is None):
                continue
            rel = rel_dir + name
            full = os.path.join(dirpath, name)
            if regexes is not None:
                hits = [i for i, r in enumerate(regexes) if r.fullmatch(rel)]
                if not hits:
                    continue
                for i in hits:
                    matched[i] = True
            if os.path.islink(full):
                _check_link(full, root, rel)
            if not os.path.isfile(full):
                continue
            found.append((rel, os.path.getsize(full)))
            if len(found) > MAX_FILES:
                raise InvalidTemplate(f"more than {MAX_FILES} files", "too-many-files")
    for i, hit in enumerate(matched):
        if not hit and not any(ch in patterns[i] for ch in "*?["):
            raise InvalidTemplate(f"files entry {patterns[i]!r}: no such file", "missing-file")
    return sorted(found)


def _check_link(full: str, root: str, rel: str) -> None:
    target = os.path.realpath(full)
    if not target.startswith(root + os.sep):
        raise InvalidTemplate(
            f"{rel!r} is a link that points outside the template folder", "file-outside"
        )
