"""The template gallery (issue 7): sources, problems, search and facets, instantiation, catalog.

Acceptance 1 (templates from all four sources appear; an invalid one is reported with its
reason) and 2 (search and facets on a fixture catalog of 200 templates), and the bad input of
the gallery half: missing fields, files outside the folder, parameters of the wrong type, spaces
the user cannot write.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml

from jupyter_mlops_studio.client import StudioAPIError, StudioClient
from jupyter_mlops_studio.core.permissions import Principal
from jupyter_mlops_studio.gallery.index import FACETS
from jupyter_mlops_studio.gallery.manifest import (
    InvalidTemplate,
    glob_regex,
    load_template,
    template_files,
)
from jupyter_mlops_studio.gallery.service import GalleryService

BUILTIN = {
    "tabular-classification",
    "feature-store-quickstart",
    "register-model",
    "sagemaker-local-training",
    "sentence-embeddings",
}
USER = Principal("ada", frozenset({"data-scientist"}))


def make_template(folder: Path, manifest: dict | None = None, contents: dict | None = None, **kw):
    """A template folder: template.yaml from ``manifest`` (defaults filled) and ``contents``."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "id": folder.name,
        "title": f"Template {folder.name}",
        "description": "A test template",
        "type": "notebook",
        "task": "testing",
        "framework": "pytest",
        **(manifest or {}),
        **kw,
    }
    data = {k: val for k, val in data.items() if val is not None}
    (folder / "template.yaml").write_text(yaml.safe_dump(data))
    nb = nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]))
    for name, content in (contents or {"main.ipynb": nb}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content)
    return folder


def zipped(files: dict[str, str], links: dict[str, str] | None = None) -> bytes:
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w") as z:
        for name, content in files.items():
            z.writestr(name, content)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o120777) << 16
            z.writestr(info, target)
    return sink.getvalue()


def manifest_text(**fields) -> str:
    data = {
        "title": "Zipped",
        "description": "from a zip",
        "type": "notebook",
        "task": "testing",
        "framework": "pytest",
        **fields,
    }
    return yaml.safe_dump({k: val for k, val in data.items() if val is not None})


# -- manifests and files (no server) ---------------------------------------------------------------
def test_manifest_errors_name_their_reason(tmp_path):
    make_template(tmp_path / "no-title", title=None)
    with pytest.raises(InvalidTemplate, match="missing field: title") as e:
        load_template(tmp_path / "no-title", "directory")
    assert e.value.reason == "missing-field"
    make_template(tmp_path / "bad-type", type="dataset")
    with pytest.raises(InvalidTemplate, match="type") as e:
        load_template(tmp_path / "bad-type", "directory")
    assert e.value.reason == "schema-violation"
    make_template(
        tmp_path / "bad-default", parameters=[{"name": "n", "type": "integer", "default": "x"}]
    )
    with pytest.raises(InvalidTemplate, match="default 'x' is not a integer"):
        load_template(tmp_path / "bad-default", "directory")
    make_template(tmp_path / "dots", files=["../secret.txt"])
    with pytest.raises(InvalidTemplate, match="outside") as e:
        load_template(tmp_path / "dots", "directory")
    assert e.value.reason == "file-outside"
    make_template(tmp_path / "absolute", files=["/etc/passwd"])
    with pytest.raises(InvalidTemplate, match="outside"):
        load_template(tmp_path / "absolute", "directory")
    (tmp_path / "secret.txt").write_text("s3cret")
    linked = make_template(tmp_path / "linked")
    os.symlink(tmp_path / "secret.txt", linked / "data.txt")
    with pytest.raises(InvalidTemplate, match="'data.txt' is a link that points outside") as e:
        load_template(linked, "directory")
    assert e.value.reason == "file-outside"
    make_template(tmp_path / "main-missing", main="other.ipynb")
    with pytest.raises(InvalidTemplate, match="main 'other.ipynb'"):
        load_template(tmp_path / "main-missing", "directory")
    make_template(tmp_path / "not-there", files=["main.ipynb", "data.csv"])
    with pytest.raises(InvalidTemplate, match="'data.csv': no such file"):
        load_template(tmp_path / "not-there", "directory")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "template.json").write_text("{not json")
    with pytest.raises(InvalidTemplate) as e:
        load_template(tmp_path / "broken", "directory")
    assert e.value.reason == "parse-error"


def test_files_globs_and_links_inside(tmp_path):
    folder = make_template(
        tmp_path / "globs",
        contents={
            "a.ipynb": "{}",
            "data/x.csv": "1",
            "data/deep/y.csv": "2",
            "notes.txt": "n",
            "src/m.py": "",
        },
        main="a.ipynb",
    )
    os.symlink(folder / "notes.txt", folder / "inside-link.txt")
    (folder / ".hidden").write_text("h")
    everything = [n for n, _ in template_files(folder, None)]
    assert everything == [
        "a.ipynb",
        "data/deep/y.csv",
        "data/x.csv",
        "inside-link.txt",
        "notes.txt",
        "src/m.py",
    ]
    picked = [n for n, _ in template_files(folder, ("*.ipynb", "data/*.csv", "src"))]
    assert picked == ["a.ipynb", "data/x.csv", "src/m.py"]
    assert [n for n, _ in template_files(folder, ("**/*.csv",))] == [
        "data/deep/y.csv",
        "data/x.csv",
    ]
    assert glob_regex("data/[!x]*.csv").fullmatch("data/y.csv")
    assert not glob_regex("data/[!x]*.csv").fullmatch("data/x.csv")


def service(tmp_path, dirs=(), **kw) -> GalleryService:
    empty = tmp_path / "no-builtins"
    empty.mkdir(exist_ok=True)
    kw.setdefault("builtin_dir", empty)
    return GalleryService(
        None,
        None,
        tmp_path / "catalog",
        [str(d) for d in dirs],
        None,
        entry_points=kw.pop("entry_points", lambda: []),
        check_interval=kw.pop("check_interval", 0),
        background_refresh=False,
        **kw,
    )


def test_ignore_file_duplicates_and_changes_are_picked_up(tmp_path):
    root = tmp_path / "templates"
    make_template(root / "keep")
    make_template(root / "group" / "nested")
    make_template(root / "drafts" / "wip", title=None)  # invalid, but ignored
    make_template(root / "group" / "old-one", title=None)
    make_template(root / "other" / "keep", title="Same id")
    (root / ".galleryignore").write_text("# drafts are not ready\ndrafts\ngroup/old-*\n")
    g = service(tmp_path, [root])
    result = g.search(USER)
    assert sorted(t["id"] for t in result["items"]) == ["keep", "nested"]
    assert [(p["path"], p["reason"]) for p in result["problems"]] == [("keep", "duplicate-id")]
    make_template(root / "added-later")
    assert "added-later" in {t["id"] for t in g.search(USER)["items"]}
    manifest = root / "keep" / "template.yaml"
    data = yaml.safe_load(manifest.read_text())
    manifest.write_text(yaml.safe_dump({**data, "title": "Renamed in place"}))
    os.utime(manifest, ns=(os.stat(manifest).st_atime_ns, os.stat(manifest).st_mtime_ns + 10**9))
    assert g.search(USER, "renamed")["items"][0]["id"] == "keep"


def test_a_broken_entry_point_is_a_problem_not_a_crash(tmp_path):
    class Broken:
        name = "broken"

        def load(self):
            raise ImportError("no module named nowhere")

    class Returns:
        name = "bad-value"

        def load(self):
            return lambda: [42]

    g = service(tmp_path, entry_points=lambda: [Broken(), Returns()])
    problems = g.search(USER)["problems"]
    assert [(p["source_name"], p["reason"]) for p in problems] == [
        ("broken", "entrypoint-failed"),
        ("bad-value", "entrypoint-failed"),
    ]
    assert "no module named nowhere" in problems[0]["message"]


# -- acceptance 2: search and facets on 200 templates ----------------------------------------------
WORDS = ["churn", "fraud", "vision", "forecast", "embedding", "ranking", "Tabular", "speech"]
TASKS = ["tabular-classification", "image-classification", "text-embedding", "forecasting"]
FRAMEWORKS = ["scikit-learn", "pytorch", "xgboost", "tensorflow", "studio"]


def fixture_catalog(root: Path, n: int = 200) -> list[dict]:
    rnd = random.Random(7)
    manifests = []
    for i in range(n):
        words = rnd.sample(WORDS, 3)
        m = {
            "id": f"t{i:03d}",
            "title": f"{words[0]} model number {i}",
            "description": f"Uses {words[1]} data; see also {rnd.choice(WORDS).lower()}s",
            "type": rnd.choice(["notebook", "notebook", "project", "model"]),
            "task": rnd.choice(TASKS),
            "framework": rnd.choice(FRAMEWORKS),
            "tags": sorted({words[2].lower(), f"team-{i % 7}"}),
            "fine_tunable": rnd.random() < 0.4,
        }
        make_template(root / m["id"], m)
        manifests.append(m)
    return manifests


def naive(manifests, q="", **filters):
    """An independent oracle: every query word a prefix of some word of title/description/tags
    (case-insensitive), exact filters, facet counts over the other filters."""

    def words(m):
        return re.findall(r"[^\W_]+", " ".join([m["title"], m["description"], *m["tags"]]).lower())

    def value(m, f):
        return str(m[f]).lower() if f == "fine_tunable" else m[f]

    query = re.findall(r"[^\W_]+", q.lower())
    hits = [m for m in manifests if all(any(w.startswith(x) for w in words(m)) for x in query)]
    result = [m for m in hits if all(value(m, f) == v for f, v in filters.items())]
    facets = {}
    for f in FACETS:
        counts: dict[str, int] = {}
        for m in hits:
            if all(value(m, o) == v for o, v in filters.items() if o != f):
                counts[value(m, f)] = counts.get(value(m, f), 0) + 1
        facets[f] = dict(sorted(counts.items()))
    return {m["id"] for m in result}, facets


@pytest.mark.parametrize(
    "q,filters",
    [
        ("", {}),
        ("churn", {}),
        ("CHU", {"framework": "pytorch"}),
        ("fore data", {"type": "notebook", "fine_tunable": "true"}),
        ("team-3", {}),
        ("tab", {"task": "tabular-classification", "framework": "scikit-learn"}),
        ("", {"type": "model", "task": "text-embedding"}),
        ("nothing-matches-this", {}),
        ("", {"framework": "no-such-framework"}),
    ],
)
def test_search_and_facets_on_200_templates(tmp_path, q, filters):
    manifests = fixture_catalog(tmp_path / "fixture")
    g = service(tmp_path, [tmp_path / "fixture"])
    got = g.search(USER, q, filters, 500)
    ids, facets = naive(manifests, q, **filters)
    assert {t["id"] for t in got["items"]} == ids
    assert got["total"] == len(ids)
    assert got["facets"] == facets
    assert got["problems"] == []


def test_ranking_prefers_title_matches_and_limit_pages(tmp_path):
    make_template(tmp_path / "d" / "in-description", title="Zebra", description="about churn")
    make_template(tmp_path / "d" / "in-title", title="Churn prediction", description="x")
    make_template(tmp_path / "d" / "in-tags", title="Alpha", description="y", tags=["churn"])
    g = service(tmp_path, [tmp_path / "d"])
    got = g.search(USER, "churn")
    assert [t["id"] for t in got["items"]] == ["in-title", "in-tags", "in-description"]
    assert [t["id"] for t in g.search(USER, "", limit=2)["items"]] == ["in-tags", "in-title"]


# -- HTTP: the four sources, problems, instantiation, catalog --------------------------------------
@pytest.fixture
def template_dir(tmp_path):
    root = tmp_path / "configured-templates"
    make_template(
        root / "configured",
        {"title": "Configured churn template", "tags": ["churn"], "main": "{{ name }}.ipynb"},
        contents={
            "{{ name }}.ipynb": nbformat.writes(
                nbformat.v4.new_notebook(
                    cells=[nbformat.v4.new_code_cell('NAME = "{{ name }}"\nN = {{ n }}')]
                )
            ),
            "config.yaml": "name: {{ name }}\nflag: {{ flag }}\nkeep: {{ not_a_param }}\n",
            "data/rows.csv": "a,b\n1,2\n",
            "logo.bin": "\x89PNG{{ name }}",
        },
        parameters=[
            {"name": "name", "type": "string", "default": "churn"},
            {"name": "n", "type": "integer", "default": 3},
            {"name": "flag", "type": "boolean", "default": False},
            {"name": "rate", "type": "number", "default": 0.5},
        ],
    )
    make_template(root / "missing-field", description=None)
    make_template(root / "escapes", files=["main.ipynb", "../../etc/passwd"])
    make_template(root / "ignored-draft", title=None)
    (root / ".galleryignore").write_text("ignored-*\n")
    return root


@pytest.fixture
def entry_point_dist(tmp_path, monkeypatch):
    """An installed distribution (a dist-info on sys.path) with a templates entry point."""
    site = tmp_path / "site"
    site.mkdir()
    templates = tmp_path / "plugin-templates"
    make_template(templates / "from-plugin", {"title": "Plugin vision template"})
    (site / "gallery_plugin_fixture.py").write_text(
        f"def template_dirs():\n    return [{str(templates)!r}]\n"
    )
    dist = site / "gallery_plugin_fixture-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: gallery-plugin-fixture\n")
    (dist / "entry_points.txt").write_text(
        "[jupyter_mlops_studio.templates]\nfixture = gallery_plugin_fixture:template_dirs\n"
    )
    monkeypatch.syspath_prepend(str(site))
    return templates


@pytest.fixture
def jp_server_config(jp_server_config, template_dir, entry_point_dist):
    jp_server_config["StudioApp"]["template_dirs"] = [str(template_dir)]
    return jp_server_config


def pack_folder(folder: Path) -> bytes:
    from jupyter_mlops_studio.registry.packing import pack

    (folder / "sub").mkdir(parents=True)
    (folder / "weights.txt").write_text("w=1")
    (folder / "sub" / "config.json").write_text("{}")
    return pack(folder)


async def test_templates_from_every_source_and_problems(
    api, admin_token, make_user, services, tmp_path, jp_root_dir, template_dir
):
    """Acceptance 1: shipped, configured, catalog, entry point and registry templates appear;
    invalid manifests are reported with their reason and where they are."""
    ada = make_user("ada")
    admin = services.identity.get_user("admin").principal()
    r = await api(
        admin_token,
        "POST",
        "/gallery/catalog",
        zipped({"zipped/template.yaml": manifest_text(id="from-zip"), "zipped/nb.ipynb": "{}"}),
        headers={"Content-Type": "application/zip"},
    )
    assert r.status == 201, r.json
    assert r.json["source"] == "catalog" and r.json["files"] == [{"path": "nb.ipynb", "size": 2}]
    services.registry.create_group(
        admin,
        {
            "name": "churn-model",
            "description": "Churn classifier",
            "publish_to_gallery": True,
            "tags": {"team": "growth"},
        },
    )
    services.registry.create_group(admin, {"name": "unpublished"})
    packed = services.registry.upload(admin, pack_folder(tmp_path / "weights"))
    services.registry.register_version(
        admin, "churn-model", {"artifact": {"upload_id": packed["upload_id"]}}
    )
    services.registry.register_version(admin, "unpublished", {})
    for group in ("churn-model", "unpublished"):
        services.registry.set_status(
            admin, group, 1, {"status": "Approved", "comment": "looks good"}
        )
    services.registry.register_version(admin, "churn-model", {"framework": "sklearn"})
    r = await api(ada, "POST", "/gallery/refresh")  # a full rescan is the admins'
    assert (r.status, r.json["reason"]) == (403, "forbidden")
    r = await api(admin_token, "POST", "/gallery/refresh")
    assert r.status == 200
    r = await api(ada, "GET", "/gallery/templates?limit=500")
    assert r.status == 200
    by_id = {t["id"]: t for t in r.json["items"]}
    assert BUILTIN <= set(by_id)
    assert by_id["configured"]["source"] == "directory"
    assert by_id["from-zip"]["source"] == "catalog"
    assert by_id["from-plugin"]["source"] == "entrypoint"
    assert by_id["model-churn-model"]["source"] == "registry"
    assert by_id["model-churn-model"]["type"] == "model"
    assert "model-unpublished" not in by_id
    problems = {(p["path"], p["reason"]) for p in r.json["problems"]}
    assert problems == {("missing-field", "missing-field"), ("escapes", "file-outside")}
    missing = next(p for p in r.json["problems"] if p["path"] == "missing-field")
    assert missing["message"] == "missing field: description"
    assert missing["source"] == "directory"
    # a configured folder is named by its place in template_dirs, never by its server path
    assert missing["source_name"] == "template_dirs[0]"
    assert all(str(template_dir) not in json.dumps(p) for p in r.json["problems"])
    r2 = await api(ada, "GET", "/gallery/problems")
    assert r2.json["items"] == r.json["problems"]
    r = await api(ada, "GET", "/gallery/templates/model-churn-model")
    assert r.json["registry"]["approved_versions"] == [1]  # version 2 is pending
    assert r.json["parameters"][0] == {
        "name": "version",
        "type": "integer",
        "description": "An approved version of the group",
        "default": 1,
    }
    r = await api(ada, "GET", "/gallery/templates?q=vision")
    assert [t["id"] for t in r.json["items"]] == ["from-plugin"]
    # a registry template brings the approved version's artifact into the space
    services.spaces.create_space(services.identity.get_user("ada").principal(), {"name": "ada"})
    url = "/gallery/templates/model-churn-model/instantiate"
    r = await api(ada, "POST", url, {"space": "ada", "parameters": {"version": 2}})
    assert r.status == 400 and "not Approved" in r.json["message"]
    r = await api(ada, "POST", url, {"space": "ada"})
    assert r.status == 201, r.json
    assert r.json["main"] == "spaces/ada/model-churn-model/churn-model.ipynb"
    made = Path(jp_root_dir) / r.json["folder"]
    assert listing(made) == [
        "README.md",
        "churn-model.ipynb",
        "model",
        "model/sub",
        "model/sub/config.json",
        "model/weights.txt",
    ]
    assert (made / "model" / "weights.txt").read_text() == "w=1"
    assert "VERSION = 1" in (made / "churn-model.ipynb").read_text()


@pytest.fixture
def team(services, make_user):
    tokens = {"owner": make_user("olga"), "editor": make_user("eddie"), "viewer": make_user("vic")}
    tokens["outsider"] = make_user("oscar")
    olga = services.identity.get_user("olga").principal()
    services.spaces.create_space(olga, {"name": "team", "sharing": "shared"})
    services.spaces.set_member(olga, "team", "eddie", {"role": "editor"})
    services.spaces.set_member(olga, "team", "vic", {"role": "viewer"})
    return tokens


def listing(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


async def test_instantiate_substitutes_and_never_overwrites(api, team, jp_root_dir):
    space = jp_root_dir / "spaces" / "team"
    url = "/gallery/templates/configured/instantiate"
    r = await api(
        team["editor"], "POST", url, {"space": "team", "parameters": {"name": "fraud", "n": 7}}
    )
    assert r.status == 201, r.json
    assert r.json["folder"] == "spaces/team/configured"
    assert r.json["main"] == "spaces/team/configured/fraud.ipynb"
    assert r.json["parameters"] == {"name": "fraud", "n": 7, "flag": False, "rate": 0.5}
    made = space / "configured"
    assert listing(made) == ["config.yaml", "data", "data/rows.csv", "fraud.ipynb", "logo.bin"]
    nb = nbformat.read(made / "fraud.ipynb", as_version=4)
    assert nb.cells[0].source == 'NAME = "fraud"\nN = 7'
    assert (made / "config.yaml").read_text() == (
        "name: fraud\nflag: false\nkeep: {{ not_a_param }}\n"
    )
    assert (made / "logo.bin").read_text() == "\x89PNGfraud"
    r = await api(team["owner"], "POST", url, {"space": "team", "parameters": {"n": 1}})
    assert r.json["folder"] == "spaces/team/configured-2"
    # a quote in a value is escaped inside the notebook's JSON
    r = await api(
        team["owner"],
        "POST",
        url,
        {"space": "team", "parameters": {"name": 'say "hi"'}, "folder": "work/demo"},
    )
    assert r.status == 201, r.json
    nb = nbformat.read(space / "work" / "demo" / 'say "hi".ipynb', as_version=4)
    assert nb.cells[0].source == 'NAME = "say "hi""\nN = 3'
    r = await api(team["owner"], "POST", url, {"space": "team", "folder": "configured"})
    assert r.json["folder"] == "spaces/team/configured-3"
    before = listing(space)
    r = await api(
        team["owner"], "POST", url, {"space": "team", "folder": "configured", "exact": True}
    )
    assert r.status == 409 and r.json["reason"] == "folder-exists"
    assert listing(space) == before
    assert (made / "fraud.ipynb").exists()  # untouched


async def test_instantiate_bad_input_creates_nothing(
    api, team, jp_root_dir, template_dir, tmp_path
):
    space = jp_root_dir / "spaces" / "team"
    url = "/gallery/templates/configured/instantiate"
    before = listing(space)
    cases = [
        (team["editor"], {"space": "team", "parameters": {"n": "7"}}, 400, "invalid-parameter"),
        (team["editor"], {"space": "team", "parameters": {"n": True}}, 400, "invalid-parameter"),
        (team["editor"], {"space": "team", "parameters": {"flag": 1}}, 400, "invalid-parameter"),
        (team["editor"], {"space": "team", "parameters": {"rate": "1"}}, 400, "invalid-parameter"),
        (
            team["editor"],
            '{"space": "team", "parameters": {"rate": NaN}}',
            400,
            "invalid-parameter",
        ),
        (team["editor"], {"space": "team", "parameters": {"zzz": 1}}, 400, "unknown-parameter"),
        (team["editor"], {"space": "team", "parameters": {"name": "../x"}}, 400, None),
        (team["editor"], {"space": "team", "parameters": {"name": "a/b"}}, 400, None),
        (team["editor"], {"space": "team", "folder": "../other"}, 400, "invalid-path"),
        (team["editor"], {"space": "team", "folder": "/abs"}, 201, None),
        (team["editor"], {"space": "team", "parameters": []}, 400, "invalid-body"),
        (team["editor"], {"parameters": {}}, 400, "missing-field"),
        (team["editor"], {"space": "team", "extra": 1}, 400, "unknown-field"),
        (team["viewer"], {"space": "team"}, 403, "forbidden"),
        (team["outsider"], {"space": "team"}, 404, "no-such-space"),
        (team["editor"], {"space": "nope"}, 404, "no-such-space"),
    ]
    for token, body, status, reason in cases:
        r = await api(token, "POST", url, body)
        assert r.status == status, (body, r.json)
        if reason:
            assert r.json["reason"] == reason, (body, r.json)
        if status == 201:
            assert r.json["folder"] == "spaces/team/abs"  # a leading '/' stays in the space
            (space / "abs").rename(space.parent / "abs-done")
    assert listing(space) == before
    assert not [p for p in space.iterdir() if p.name.startswith(".gallery-")]
    r = await api(
        team["editor"], "POST", "/gallery/templates/no-such/instantiate", {"space": "team"}
    )
    assert r.status == 404 and r.json["reason"] == "no-such-template"
    r = await api(
        team["editor"], "POST", "/gallery/templates/escapes/instantiate", {"space": "team"}
    )
    assert r.status == 404  # an invalid template is never offered
    r = await api(None, "GET", "/gallery/templates")
    assert r.status == 401
    for query in ("limit=abc", "limit=0", "limit=501", "fine_tunable=maybe"):
        r = await api(team["editor"], "GET", f"/gallery/templates?{query}")
        assert r.status == 400, query
    # a link leading out, added after the template was indexed: refused when used
    (tmp_path / "secret.txt").write_text("s3cret")
    os.symlink(tmp_path / "secret.txt", template_dir / "configured" / "data" / "leak.csv")
    r = await api(team["editor"], "POST", url, {"space": "team", "folder": "late"})
    assert r.status == 409 and r.json["reason"] == "file-outside", r.json
    assert listing(space) == before


async def test_catalog_upload_copy_and_remove(api, admin_token, team, jp_root_dir, services):
    catalog = Path(services.gallery.catalog_dir)
    zip_headers = {"Content-Type": "application/zip"}
    bad = [
        (
            zipped({"template.yaml": manifest_text(id="no-title", title=None), "a.ipynb": "{}"}),
            "missing-field",
        ),
        (zipped({"template.yaml": manifest_text(id="dots"), "../evil.py": "x"}), "file-outside"),
        (zipped({"template.yaml": manifest_text(id="abs"), "/etc/evil": "x"}), "file-outside"),
        (
            zipped(
                {"template.yaml": manifest_text(id="lnk"), "a.ipynb": "{}"}, {"l": "/etc/passwd"}
            ),
            "file-outside",
        ),
        (
            zipped({"template.yaml": manifest_text(id="pat", files=["../x"]), "a": "{}"}),
            "file-outside",
        ),
        (b"not a zip", "invalid-zip"),
        (
            zipped({"template.yaml": manifest_text(id="tabular-classification"), "a.ipynb": "{}"}),
            "template-exists",
        ),
    ]
    for data, reason in bad:
        r = await api(admin_token, "POST", "/gallery/catalog", data, headers=zip_headers)
        assert r.status in (400, 409), r.json
        assert r.json["reason"] == reason, r.json
    assert not catalog.exists() or list(catalog.iterdir()) == []
    good = zipped({"template.yaml": manifest_text(id="mine"), "a.ipynb": "{}"})
    r = await api(team["owner"], "POST", "/gallery/catalog", good, headers=zip_headers)
    assert r.status == 403
    r = await api(admin_token, "POST", "/gallery/catalog", good, headers=zip_headers)
    assert r.status == 201 and r.json["id"] == "mine"
    r = await api(admin_token, "POST", "/gallery/catalog", good, headers=zip_headers)
    assert r.status == 409 and r.json["reason"] == "template-exists"
    # copy a folder of a space into the catalog
    make_template(jp_root_dir / "spaces" / "team" / "tpl", id="from-space")
    r = await api(admin_token, "POST", "/gallery/catalog", {"space_path": "spaces/team/tpl"})
    assert r.status == 201 and r.json["id"] == "from-space", r.json
    r = await api(admin_token, "POST", "/gallery/catalog", {"space_path": "spaces/../etc"})
    assert r.status == 400
    assert sorted(p.name for p in catalog.iterdir()) == ["from-space", "mine"]
    r = await api(team["owner"], "GET", "/gallery/templates?q=zipped")
    assert {t["id"] for t in r.json["items"]} == {"mine"}
    r = await api(team["owner"], "DELETE", "/gallery/catalog/mine")
    assert r.status == 403
    r = await api(admin_token, "DELETE", "/gallery/catalog/tabular-classification")
    assert r.status == 409 and r.json["reason"] == "not-in-catalog"
    r = await api(admin_token, "DELETE", "/gallery/catalog/mine")
    assert r.status == 204
    r = await api(admin_token, "DELETE", "/gallery/catalog/mine")
    assert r.status == 404
    assert sorted(p.name for p in catalog.iterdir()) == ["from-space"]


async def test_client_and_cli(server_url, team, jp_root_dir, admin_token, tmp_path):
    run = asyncio.to_thread
    studio = StudioClient(server_url, team["editor"])
    found = await run(studio.gallery.search, "classif", framework="scikit-learn")
    assert [t["id"] for t in found["items"]] == ["tabular-classification"]
    assert found["facets"]["framework"]["scikit-learn"] == 1
    details = await run(studio.gallery.get, "tabular-classification")
    assert details["main"] == "classification.ipynb"
    used = await run(studio.gallery.use, "tabular-classification", "team", {"test_size": 0.3})
    assert used["main"] == "spaces/team/tabular-classification/classification.ipynb"
    with pytest.raises(StudioAPIError) as e:
        await run(studio.gallery.use, "tabular-classification", "team", {"test_size": "x"})
    assert e.value.status == 400
    env = {**os.environ, "STUDIO_URL": server_url, "STUDIO_TOKEN": team["editor"]}

    def cli(*args):
        return subprocess.run(
            [sys.executable, "-m", "jupyter_mlops_studio.cli", "template", *args],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )

    r = await run(cli, "list", "feature", "--facets")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0].startswith("feature-store-quickstart\tnotebook\t")
    assert json.loads(r.stdout.split("\n", 1)[1])["type"] == {"notebook": 1}
    r = await run(cli, "show", "register-model")
    assert json.loads(r.stdout)["parameters"][0]["name"] == "group"
    r = await run(cli, "use", "register-model", "team", "-p", "min_accuracy=0.5", "--folder", "reg")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "spaces/team/reg/register_model.ipynb"
    text = (jp_root_dir / "spaces" / "team" / "reg" / "register_model.ipynb").read_text()
    assert "MIN_ACCURACY = 0.5" in text
    r = await run(cli, "use", "register-model", "team", "--folder", "reg", "--exact")
    assert r.returncode == 1 and "exists" in r.stderr
    # admins: a local folder zipped into the catalog, then removed
    make_template(tmp_path / "local-tpl", {"title": "Local folder template"})
    env["STUDIO_TOKEN"] = admin_token
    r = await run(cli, "add", str(tmp_path / "local-tpl"))
    assert r.returncode == 0 and r.stdout.strip() == "local-tpl", r.stderr
    found = await run(studio.gallery.search, "local folder")
    assert [t["id"] for t in found["items"]] == ["local-tpl"]
    assert found["items"][0]["source"] == "catalog"
    with pytest.raises(StudioAPIError) as e:
        await run(studio.gallery.remove, "local-tpl")
    assert e.value.status == 403
    assert (await run(cli, "remove", "local-tpl")).returncode == 0
    assert (await run(studio.gallery.search, "local folder"))["total"] == 0
