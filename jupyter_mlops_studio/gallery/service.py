"""GalleryService: discovery, the search index, instantiation into spaces and the domain catalog.

Sources, in order of precedence when two templates share an id: templates shipped in the package,
``StudioApp.template_dirs``, the domain catalog (``<data_dir>/gallery``, managed by admins through
the API), ``jupyter_mlops_studio.templates`` entry points, and the model registry (groups with
``publish_to_gallery`` at their newest ``Approved`` version). Folders are scanned again (in the
background, requests keep the index they have) at most every ``check_interval`` seconds and only
changed manifests are parsed again; the registry is asked again every ``registry_interval``
seconds; ``refresh`` does both at once and waits for it.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import math
import os
import re
import shutil
import stat
import tarfile
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..core import validation as v
from ..core.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from ..core.permissions import Principal, check, check_persona
from ..spaces.paths import PathTraversal, SpacePaths, normalize
from ..spaces.service import SpaceService
from .index import FACETS, GalleryIndex
from .manifest import (
    MANIFEST_NAMES,
    MAX_FILES,
    InvalidTemplate,
    Template,
    load_template,
    manifest_path,
    type_matches,
)
from .sources import (
    FolderSource,
    Problem,
    entry_point_sources,
    iter_pages,
    load_folder,
    model_template,
    scan_folder_source,
)

log = logging.getLogger(__name__)

BUILTIN_DIR = Path(__file__).with_name("templates")
INSTANTIATE_FIELDS = frozenset({"space", "folder", "parameters", "exact"})
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
#: files whose contents are JSON (placeholders inside them are JSON-escaped) or YAML/TOML
#: (booleans written true/false); Python and everything else get True/False
JSON_SUFFIXES = (".ipynb", ".json")
LOWER_BOOL_SUFFIXES = (".json", ".yaml", ".yml", ".toml")
#: who the gallery reads the registry as (any persona may read it)
REGISTRY_READER = Principal("studio-gallery", frozenset({"compute"}))
ARTIFACT_SCHEME = "studio-artifact://"
MODEL_FOLDER = "model"
TEMPLATE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


class GalleryService:
    def __init__(
        self,
        spaces: SpaceService,
        paths: SpacePaths,
        catalog_dir: Path,
        template_dirs: Iterable[str] = (),
        registry: Any = None,
        *,
        builtin_dir: Path = BUILTIN_DIR,
        entry_points: Callable[[], Iterable[Any]] | None = None,
        check_interval: float = 1.0,
        registry_interval: float = 5.0,
        max_upload_size: int = 100 * 1024 * 1024,
        background_refresh: bool = True,
        artifacts: Any = None,
    ):
        self.spaces = spaces
        self.paths = paths
        self.catalog_dir = Path(catalog_dir)
        self.template_dirs = [Path(d) for d in template_dirs]
        self.registry = registry
        self.builtin_dir = Path(builtin_dir)
        self.entry_points = entry_points
        self.check_interval = check_interval
        self.registry_interval = registry_interval
        self.max_upload_size = max_upload_size
        self.background_refresh = background_refresh
        self.artifacts = artifacts
        self._lock = threading.Lock()
        self._index = GalleryIndex([])
        self._problems: list[Problem] = []
        self._stamps: list[tuple[str, float]] | None = None
        self._cache: dict[str, tuple[tuple, Template | None, Problem | None]] = {}
        self._ep_sources: list[FolderSource] = []
        self._ep_problems: list[Problem] = []
        self._registry_templates: list[Template] = []
        self._registry_problems: list[Problem] = []
        self._checked = 0.0
        self._registry_checked = 0.0

    # -- discovery ------------------------------------------------------------------------------
    def _folder_sources(self) -> list[FolderSource]:
        return [
            FolderSource("builtin", "jupyter_mlops_studio", self.builtin_dir),
            # named by position, not path: problems are shown to every user, and the server's
            # file system layout is not theirs to see
            *(
                FolderSource("directory", f"template_dirs[{i}]", d)
                for i, d in enumerate(self.template_dirs)
            ),
            FolderSource("catalog", "domain", self.catalog_dir),
            *self._ep_sources,
        ]

    def refresh(self, principal: Principal | None = None) -> dict[str, int]:
        """Read every source again now (entry points included) and rebuild the index."""
        if principal is not None:
            check(principal, "gallery:manage")
        with self._lock:
            self._ep_sources, self._ep_problems = entry_point_sources(self.entry_points)
            self._load_registry()
            self._rescan(rebuild=True, reparse=True)
            return {"templates": len(self._index), "problems": len(self._problems)}

    def _load_registry(self) -> bool:
        """Read the published groups again; True when the registry's templates changed."""
        self._registry_checked = time.monotonic()
        if self.registry is None:
            return False
        before = self._registry_snapshot()
        templates, problems = [], []
        try:
            groups = [
                g for g in self.registry.list_groups(REGISTRY_READER) if g["publish_to_gallery"]
            ]
        except Exception as e:  # the gallery keeps working without the registry
            log.exception("gallery: reading the model registry failed")
            self._registry_problems = [
                Problem("registry", "", "", "registry-unavailable", f"{type(e).__name__}: {e}")
            ]
            return before != self._registry_snapshot()
        for group in groups:
            try:
                approved = [
                    ver
                    for ver in iter_pages(
                        lambda after, g=group["name"]: self.registry.list_versions(
                            REGISTRY_READER, g, 500, after
                        )
                    )
                    if ver["status"] == "Approved"
                ]
                if approved:
                    newest = max(approved, key=lambda x: x["version"])
                    numbers = sorted(x["version"] for x in approved)
                    templates.append(model_template(group, newest, numbers))
            except Exception as e:
                problems.append(
                    Problem("registry", group["name"], "", "registry-unavailable", str(e)[:300])
                )
        self._registry_templates, self._registry_problems = templates, problems
        return before != self._registry_snapshot()

    def _registry_snapshot(self) -> list:
        return [t.manifest() for t in self._registry_templates] + self._registry_problems

    def _rescan(self, rebuild: bool = False, reparse: bool = False) -> None:
        """Scan the folder sources; rebuild the index when a folder changed (or ``rebuild``),
        parsing again only the manifests whose folder or file changed (all with ``reparse``)."""
        self._checked = time.monotonic()
        found: list[tuple[FolderSource, Path, str]] = []
        problems: list[Problem] = list(self._ep_problems)
        stamps: list[tuple[str, float]] = []
        for source in self._folder_sources():
            folders, source_problems, source_stamps = scan_folder_source(source)
            found.extend((source, folder, rel) for folder, rel in folders)
            problems.extend(source_problems)
            stamps.extend(source_stamps)
        if not rebuild and stamps == self._stamps:
            return
        templates: list[Template] = []
        cache: dict[str, tuple[tuple, Template | None, Problem | None]] = {}
        for source, folder, rel in found:
            key = f"{source.kind}\x00{source.name}\x00{folder}"
            stamp = _stamp(folder)
            cached = self._cache.get(key)
            if cached is not None and cached[0] == stamp and not reparse:
                template, problem = cached[1], cached[2]
            else:
                template, problem = load_folder(source, folder, rel)
            cache[key] = (stamp, template, problem)
            if template is not None:
                templates.append(template)
            if problem is not None:
                problems.append(problem)
        templates.extend(self._registry_templates)
        problems.extend(self._registry_problems)
        unique: dict[str, Template] = {}
        for t in templates:
            if t.id in unique:
                first = unique[t.id]
                problems.append(
                    Problem(
                        t.source,
                        t.source_name,
                        _rel(t),
                        "duplicate-id",
                        f"template id {t.id!r} is already taken by the {first.source} "
                        f"template of {first.source_name}",
                    )
                )
                continue
            unique[t.id] = t
        self._cache = cache
        self._stamps = stamps
        self._problems = problems
        self._index = GalleryIndex(unique.values())

    def _current(self) -> GalleryIndex:
        """The index. The first call builds it; later, once ``check_interval`` (folders) or
        ``registry_interval`` has passed, a rescan starts in the background (inline without
        ``background_refresh``) while requests go on with the index they have."""
        if self._stamps is None:
            with self._lock:
                if self._stamps is None:
                    self._ep_sources, self._ep_problems = entry_point_sources(self.entry_points)
                    self._load_registry()
                    self._rescan(rebuild=True)
            return self._index
        now = time.monotonic()
        registry_due = now - self._registry_checked >= self.registry_interval
        if (registry_due or now - self._checked >= self.check_interval) and self._lock.acquire(
            blocking=False
        ):
            if self.background_refresh:
                threading.Thread(
                    target=self._recheck_locked, args=(registry_due,), name="gallery-rescan"
                ).start()
            else:
                self._recheck_locked(registry_due)
        return self._index

    def _recheck_locked(self, registry_due: bool) -> None:
        """Rescan the folders (and the registry when due); releases the lock taken for it."""
        try:
            changed = self._load_registry() if registry_due else False
            self._rescan(rebuild=changed)
        except Exception:  # a failed rescan keeps the index it had
            log.exception("gallery: rescanning the template sources failed")
        finally:
            self._lock.release()

    # -- reads ----------------------------------------------------------------------------------
    def search(
        self,
        principal: Principal,
        q: Any = "",
        filters: dict[str, Any] | None = None,
        limit: Any = 50,
    ) -> dict[str, Any]:
        check(principal, "gallery:read")
        q = v.string(q or "", "q", 500)
        clean: dict[str, str] = {}
        for key, value in (filters or {}).items():
            if key not in FACETS:
                raise InvalidInput(f"unknown filter {key!r}", reason="unknown-field")
            if value is None or value == "":
                continue
            value = v.string(value, key, 100)
            if key == "fine_tunable" and value not in ("true", "false"):
                raise InvalidInput("fine_tunable must be true or false", reason="invalid-value")
            clean[key] = value
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 500:
            raise InvalidInput("limit must be an integer 1-500", reason="invalid-limit")
        index = self._current()
        result = index.search(q, clean, limit)
        result["problems"] = [p.to_json() for p in self._problems]
        return result

    def problems(self, principal: Principal) -> list[dict]:
        check(principal, "gallery:read")
        self._current()
        return [p.to_json() for p in self._problems]

    def _template(self, template_id: Any) -> Template:
        if not isinstance(template_id, str) or not TEMPLATE_ID.match(template_id):
            raise NotFound(f"no template {str(template_id)[:100]!r}", reason="no-such-template")
        template = self._current().by_id.get(template_id)
        if template is None:
            raise NotFound(f"no template {template_id!r}", reason="no-such-template")
        return template

    def get(self, principal: Principal, template_id: Any) -> dict[str, Any]:
        check(principal, "gallery:read")
        template = self._template(template_id)
        files = _files_of(template)
        return {
            **template.manifest(),
            "files": [{"path": name, "size": size} for name, size in files],
        }

    # -- instantiation --------------------------------------------------------------------------
    def instantiate(self, principal: Principal, template_id: Any, body: Any) -> dict[str, Any]:
        """Copy a template into a space folder with its parameters substituted; nothing is
        created unless everything is valid. Returns the folder, its files and the main file."""
        check_persona(principal, "gallery:use")  # the space role is checked below
        body = v.require_dict(body)
        v.reject_unknown(body, INSTANTIATE_FIELDS)
        if "space" not in body:
            raise InvalidInput("missing field: space", reason="missing-field")
        space = v.string(body["space"], "space", 63, min_length=1)
        exact = v.boolean(body.get("exact", False), "exact")
        exists, role = self.spaces.role_of(principal.username, space)
        if not exists or (role is None and not principal.is_admin):
            raise NotFound(f"no space {space!r}", reason="no-such-space")
        check(principal, "gallery:use", role)
        template = self._template(template_id)
        values = self._parameters(template, body.get("parameters"))
        folder = body.get("folder", template.id)
        folder = v.string(folder, "folder", 255, min_length=1)
        try:
            rel_folder = normalize(folder)
        except PathTraversal:
            rel_folder = ""
        if not rel_folder or any(part.startswith(".") for part in rel_folder.split("/")):
            raise InvalidInput(f"folder {folder[:200]!r} is not a folder name", "invalid-path")
        space_dir = self.paths.directory_of(space)
        parent_rel, _, base = rel_folder.rpartition("/")
        parent = space_dir / parent_rel if parent_rel else space_dir
        api_space = self.paths.api_path_of(space)
        if parent_rel and self.paths.escapes_space(f"{api_space}/{parent_rel}", space):
            raise InvalidInput(f"folder {folder[:200]!r} leads outside the space", "invalid-path")
        if parent.exists() and not parent.is_dir():
            raise InvalidInput(f"{parent_rel!r} is a file", reason="invalid-path")
        files = _files_of(template)
        # the placeholders every file name resolves to, checked before anything is written
        renamed = [(name, self._file_name(name, values)) for name, _ in files]
        model_files = self._model_files(template, values)
        if exact and (parent / base).exists():
            raise Conflict(f"{rel_folder!r} exists in space {space}", reason="folder-exists")
        parent.mkdir(parents=True, exist_ok=True)
        builtins = {"studio_space": space}
        staging = space_dir / f".gallery-{uuid.uuid4().hex}"
        staging.mkdir()
        target = None
        try:
            for name, new_name in renamed:
                dest = staging / new_name
                dest.parent.mkdir(parents=True, exist_ok=True)
                data = self._read(template, name)
                dest.write_bytes(data)
            for name, data in model_files.items():  # a registry model's artifact, as it is
                dest = staging / MODEL_FOLDER / name
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(data)
            target, chosen = self._reserve(parent, base, exact, rel_folder, space)
            api_folder = f"{api_space}/{(parent_rel + '/' if parent_rel else '') + chosen}"
            builtins["studio_folder"] = api_folder
            self._substitute_tree(staging, [n for _, n in renamed], {**values, **builtins})
            os.replace(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            if target is not None and target.is_dir() and not any(target.iterdir()):
                target.rmdir()
            raise
        main = self._file_name(template.main, values) if template.main else None
        return {
            "template": template.id,
            "space": space,
            "folder": api_folder,
            "files": [f"{api_folder}/{n}" for _, n in renamed]
            + [f"{api_folder}/{MODEL_FOLDER}/{n}" for n in model_files],
            "main": f"{api_folder}/{main}" if main else None,
            "parameters": values,
        }

    def _model_files(self, template: Template, values: dict[str, Any]) -> dict[str, bytes]:
        """The artifact of the chosen version of a registry template: a packed folder's files,
        or a single file as ``artifact``. References to S3 stay where they are (none)."""
        info = template.extra.get("registry")
        if info is None or self.registry is None or self.artifacts is None:
            return {}
        version = self.registry.get_version(REGISTRY_READER, info["group"], values["version"])
        uri = (version.get("artifact") or {}).get("uri") or ""
        if not uri.startswith(ARTIFACT_SCHEME):
            return {}
        return unpack_artifact(self.artifacts.get(uri[len(ARTIFACT_SCHEME) :]))

    @staticmethod
    def _reserve(parent: Path, base: str, exact: bool, rel: str, space: str) -> tuple[Path, str]:
        """Create the empty target folder (atomically: never one that exists), ``base``,
        ``base-2``, ``base-3`` …; with ``exact`` only ``base`` (409 when taken)."""
        for n in range(1, 10_000):
            name = base if n == 1 else f"{base}-{n}"
            try:
                (parent / name).mkdir()
                return parent / name, name
            except FileExistsError:
                if exact:
                    raise Conflict(
                        f"{rel!r} exists in space {space}", reason="folder-exists"
                    ) from None
        raise Conflict(f"no free folder name for {rel!r}", reason="folder-exists")

    @staticmethod
    def _parameters(template: Template, given: Any) -> dict[str, Any]:
        given = {} if given is None else v.require_dict(given, "parameters")
        declared = {p.name: p for p in template.parameters}
        unknown = sorted(set(given) - set(declared))
        if unknown:
            raise InvalidInput(
                f"template {template.id} has no parameter(s) {', '.join(unknown)}",
                reason="unknown-parameter",
            )
        values = {}
        for name, p in declared.items():
            if name in given:
                value = given[name]
                if not type_matches(value, p.type):
                    raise InvalidInput(
                        f"parameter {name} must be a {p.type}, not {type(value).__name__}",
                        reason="invalid-parameter",
                    )
                if isinstance(value, str) and (len(value) > 10_000 or "\x00" in value):
                    raise InvalidInput(f"parameter {name} is too long", "invalid-parameter")
                if isinstance(value, float) and not math.isfinite(value):
                    raise InvalidInput(f"parameter {name} must be finite", "invalid-parameter")
                values[name] = value
            elif p.has_default:
                values[name] = p.default
            else:
                raise InvalidInput(f"parameter {name} is required", reason="missing-parameter")
        approved = template.extra.get("registry", {}).get("approved_versions")
        if approved is not None and values.get("version") not in approved:
            raise InvalidInput(
                f"version {values.get('version')} of {template.source_name} is not Approved",
                reason="invalid-parameter",
            )
        return values

    @staticmethod
    def _file_name(name: str, values: dict[str, Any]) -> str:
        """A file name with its placeholders replaced; a value may not add or leave folders."""
        new = PLACEHOLDER.sub(lambda m: _text(values[m[1]]) if m[1] in values else m[0], name)
        if new == name:
            return name
        try:
            clean = normalize(new)
        except PathTraversal:
            clean = ""
        if (
            clean != new
            or new.count("/") != name.count("/")
            or any(
                part.startswith(".") and not old.startswith(".")
                for part, old in zip(new.split("/"), name.split("/"), strict=True)
            )
        ):
            raise InvalidInput(
                f"parameters turn file name {name!r} into {new[:200]!r}, which is not a file "
                "name of the template folder",
                reason="invalid-parameter",
            )
        return new

    @staticmethod
    def _read(template: Template, name: str) -> bytes:
        if template.generated is not None:
            return template.generated[name].encode()
        assert template.root is not None
        full = template.root / name
        root = os.path.realpath(template.root)
        if not os.path.realpath(full).startswith(root + os.sep):
            raise Conflict(f"template {template.id}: {name!r} leads outside it", "file-outside")
        return full.read_bytes()

    @staticmethod
    def _substitute_tree(staging: Path, names: list[str], values: dict[str, Any]) -> None:
        for name in names:
            path = staging / name
            data = path.read_bytes()
            if b"{{" not in data or b"\x00" in data:
                continue
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                continue  # binary files are copied as they are
            new = PLACEHOLDER.sub(
                functools.partial(
                    _replace,
                    values=values,
                    as_json=name.endswith(JSON_SUFFIXES),
                    lower_bool=name.endswith(LOWER_BOOL_SUFFIXES),
                ),
                text,
            )
            if new != text:
                path.write_text(new, encoding="utf-8")

    # -- for project templates (ProjectService) -------------------------------------------------
    def project_template(self, template_id: Any, given: Any) -> tuple[Template, dict[str, Any]]:
        """A template of type ``project`` and its parameter values, checked by type."""
        template = self._template(template_id)
        if template.type != "project":
            raise InvalidInput(
                f"template {template.id} is a {template.type} template, not a project template",
                reason="not-a-project-template",
            )
        return template, self._parameters(template, given)

    def write_files(self, template: Template, folder: Path, values: dict[str, Any]) -> None:
        """Copy a template's files into ``folder`` (made here) with ``values`` substituted in
        their names and contents."""
        folder.mkdir()
        names = []
        for name, _ in _files_of(template):
            new_name = self._file_name(name, values)
            dest = folder / new_name
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(self._read(template, name))
            names.append(new_name)
        self._substitute_tree(folder, names, values)

    # -- the domain catalog ---------------------------------------------------------------------
    def add_to_catalog(
        self, principal: Principal, zip_data: bytes | None = None, body: Any = None
    ) -> dict[str, Any]:
        """Add a template to ``<data_dir>/gallery`` from a zip (the template folder, or one
        folder holding it) or from a folder of a space (``{"space_path": "spaces/x/tpl"}``)."""
        check(principal, "gallery:manage")
        self.catalog_dir.mkdir(parents=True, exist_ok=True)
        staging = self.catalog_dir / f".incoming-{uuid.uuid4().hex}"
        try:
            if zip_data is not None:
                root = self._unzip(zip_data, staging)
            else:
                root = self._copy_from_space(body, staging)
            try:
                template = load_template(root, "catalog", "domain")
            except InvalidTemplate as e:
                raise InvalidInput(f"invalid template: {e.message}", reason=e.reason) from None
            if template.id in self._current().by_id:
                raise Conflict(f"template {template.id!r} exists", reason="template-exists")
            target = self.catalog_dir / template.id
            try:
                target.mkdir()
            except FileExistsError:
                raise Conflict(f"template {template.id!r} exists", "template-exists") from None
            os.replace(root, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self.refresh()
        return self.get(principal, template.id)

    def _unzip(self, data: bytes, staging: Path) -> Path:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            infos = archive.infolist()
        except (zipfile.BadZipFile, ValueError) as e:
            raise InvalidInput(f"not a zip file: {e}", reason="invalid-zip") from None
        if len(infos) > MAX_FILES:
            raise InvalidInput(f"more than {MAX_FILES} files", reason="too-many-files")
        if sum(i.file_size for i in infos) > self.max_upload_size:
            raise PayloadTooLarge("the unpacked template is too large")
        names = []
        for info in infos:
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise InvalidInput(
                    f"{info.filename[:200]!r} is a link: links are not allowed", "file-outside"
                )
            try:
                name = normalize(info.filename)
            except PathTraversal:
                name = None
            if name is None or info.filename.startswith("/"):
                raise InvalidInput(
                    f"{info.filename[:200]!r} points outside the template folder", "file-outside"
                )
            if name:
                names.append((info, name))
        tops = {name.split("/", 1)[0] for _, name in names}
        files = {name for info, name in names if not info.is_dir()}
        prefix = ""
        if not any(m in files for m in MANIFEST_NAMES) and len(tops) == 1:
            prefix = next(iter(tops)) + "/"
        staging.mkdir()
        for info, name in names:
            if not name.startswith(prefix) or info.is_dir():
                continue
            dest = staging / name[len(prefix) :]
            dest.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as src, open(dest, "wb") as out:
                shutil.copyfileobj(src, out)
        return staging

    def _copy_from_space(self, body: Any, staging: Path) -> Path:
        body = v.require_dict(body)
        v.reject_unknown(body, {"space_path"})
        if "space_path" not in body:
            raise InvalidInput("missing field: space_path", reason="missing-field")
        value = v.string(body["space_path"], "space_path", 1024, min_length=1)
        try:
            cls = self.paths.classify(value)
            api_path = normalize(value)
        except PathTraversal:
            cls = None
        if cls is None or cls.kind != "in-space":
            raise InvalidInput(f"{value[:200]!r} is not a folder in a space", "invalid-path")
        if self.paths.escapes_space(api_path, cls.space):
            raise InvalidInput(f"{value[:200]!r} leads outside its space", "invalid-path")
        folder = self.paths.root_dir / api_path
        if not folder.is_dir():
            raise InvalidInput(f"no folder {value[:200]!r}", reason="no-such-file")
        try:
            template = load_template(folder, "catalog", "domain")
        except InvalidTemplate as e:
            raise InvalidInput(f"invalid template: {e.message}", reason=e.reason) from None
        staging.mkdir()
        manifest = manifest_path(folder)
        assert manifest is not None
        shutil.copyfile(manifest, staging / manifest.name)
        for name, _ in template.files():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / name, staging / name)
        return staging

    def remove_from_catalog(self, principal: Principal, template_id: Any) -> None:
        check(principal, "gallery:manage")
        template = self._template(template_id)
        if template.source != "catalog" or template.root is None:
            raise Conflict(
                f"template {template.id} comes from the {template.source} source, not the "
                "domain catalog",
                reason="not-in-catalog",
            )
        trash = self.catalog_dir / f".removed-{uuid.uuid4().hex}"
        os.replace(template.root, trash)
        shutil.rmtree(trash, ignore_errors=True)
        self.refresh()


def unpack_artifact(data: bytes) -> dict[str, bytes]:
    """Files of an artifact the registry packed (a folder as tar: regular files only, names
    that stay inside), or ``{"artifact": data}`` for a single file."""
    try:
        archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:")
    except tarfile.TarError:
        return {"artifact": data}
    files = {}
    with archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            try:
                name = normalize(member.name)
            except PathTraversal:
                continue
            extracted = archive.extractfile(member)
            if name and extracted is not None:
                files[name] = extracted.read()
    return files


def _files_of(template: Template) -> list[tuple[str, int]]:
    """The template's files, checked again now (a folder may have changed since indexing)."""
    try:
        return template.files()
    except InvalidTemplate as e:
        raise Conflict(f"template {template.id} became invalid: {e.message}", e.reason) from None


def _stamp(folder: Path) -> tuple:
    manifest = manifest_path(folder)
    try:
        return (folder.stat().st_mtime_ns, manifest.stat().st_mtime_ns if manifest else None)
    except OSError:
        return (None, None)


def _rel(t: Template) -> str:
    return t.root.name if t.root is not None else t.id


def _text(value: Any) -> str:
    return str(value)


def _replace(m: re.Match, values: dict[str, Any], as_json: bool, lower_bool: bool) -> str:
    """A placeholder of a declared parameter replaced; any other ``{{ x }}`` left as it is."""
    return _render(values[m[1]], as_json, lower_bool) if m[1] in values else m[0]


def _render(value: Any, as_json: bool, lower_bool: bool) -> str:
    if isinstance(value, bool):
        text = ("true" if value else "false") if lower_bool else ("True" if value else "False")
    else:
        text = str(value)
    return json.dumps(text)[1:-1] if as_json else text
