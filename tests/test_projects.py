"""MLOps projects (issue 7, acceptance 4): a project made from "model build + deploy" is a git
repository with one commit whose pipeline, run as a subprocess with the stored token, registers
version 1 in the project's group; a failed creation leaves no repository, group, user or record."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from jupyter_mlops_studio.projects import service as project_service
from jupyter_mlops_studio.projects.models import ProjectRow
from jupyter_mlops_studio.registry.models import GroupRow


@pytest.fixture
def team(services, make_user):
    """nina owns shared space "team" where vic is a viewer and the compute account bot an
    editor; "mine" is nina's private space."""
    tokens = {"nina": make_user("nina"), "vic": make_user("vic")}
    tokens["bot"] = make_user("bot", ("compute",))
    nina = services.identity.get_user("nina").principal()
    services.spaces.create_space(nina, {"name": "team", "sharing": "shared"})
    services.spaces.create_space(nina, {"name": "mine", "sharing": "private"})
    services.spaces.set_member(nina, "team", "vic", {"role": "viewer"})
    services.spaces.set_member(nina, "team", "bot", {"role": "editor"})
    return tokens


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout


def _rows(services, model, **where):
    from sqlalchemy import select

    with services.db.session() as s:
        return s.scalars(select(model).filter_by(**where)).all()


async def test_build_deploy_project_pipeline_registers_version_1(
    api, team, services, jp_root_dir, server_url
):
    body = {"name": "churn", "space": "team", "template": "project-build-deploy"}
    r = await api(team["nina"], "POST", "/projects", body)
    assert r.status == 201, r.json
    project = r.json
    assert project["status"] == "CreateCompleted"
    assert project["model_group"].startswith("churn-")
    repo = Path(jp_root_dir) / project["repository"]
    assert _git(repo, "rev-list", "--count", "HEAD").strip() == "1"
    assert _git(repo, "status", "--porcelain") == ""  # the token is ignored, all else committed
    tracked = set(_git(repo, "ls-files").split())
    assert {"pipelines/run.py", "pipelines/deploy.py", ".gitlab-ci.yml"} <= tracked
    assert ".github/workflows/ci.yml" in tracked and ".studio/token" not in tracked
    token_file = repo / ".studio" / "token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    account = services.identity.get_user(project["service_account"])
    assert account.personas == ["compute"]
    assert services.spaces.role_of(account.username, "team") == (True, "editor")

    nina = services.identity.get_user("nina").principal()
    group = services.registry.get_group(nina, project["model_group"])
    assert group["project"] == "churn" and group["space"] == "team"

    env = {k: v for k, v in os.environ.items() if k != "STUDIO_TOKEN"}
    env["STUDIO_URL"] = server_url  # the token comes from .studio/token
    for module in ("pipelines.run", "pipelines.deploy"):
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", module, cwd=repo, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await proc.communicate()
        if module == "pipelines.run":
            assert proc.returncode == 0, err.decode()
            versions, _ = services.registry.list_versions(nina, project["model_group"])
            assert [(v["version"], v["status"]) for v in versions] == [(1, "PendingManualApproval")]
        else:  # nothing Approved yet: the deploy step refuses
            assert proc.returncode == 1, err.decode()
            assert b"no Approved version" in err

    # once an approver approves version 1, the deploy step writes its manifest
    admin = services.identity.get_user("admin").principal()
    services.registry.set_status(
        admin, project["model_group"], 1, {"status": "Approved", "comment": "ok"}
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pipelines.deploy", cwd=repo, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    deployment = json.loads((repo / "build" / "deployment.json").read_text())
    assert (deployment["group"], deployment["version"]) == (project["model_group"], 1)
    assert deployment["artifact"]["uri"]

    # the seed's own tests pass
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", cwd=repo,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await proc.communicate()
    assert proc.returncode == 0, out.decode()

    r = await api(team["nina"], "GET", "/projects")
    assert [p["name"] for p in r.json["items"]] == ["churn"]
    r = await api(team["vic"], "GET", "/projects/churn")
    assert r.status == 200 and r.json["space"] == "team"

    # deletion: the repository archived, the group kept, the service account's token revoked
    r = await api(team["vic"], "DELETE", "/projects/churn", {"confirm": "churn"})
    assert r.status == 403, r.json
    r = await api(team["nina"], "DELETE", "/projects/churn", {"confirm": "churn"})
    assert r.status == 200, r.json
    assert r.json["status"] == "DeleteCompleted"
    assert not repo.exists() and (Path(r.json["archive_path"]) / "pipelines" / "run.py").is_file()
    archived_token = (Path(r.json["archive_path"]) / ".studio" / "token").read_text().strip()
    assert services.identity.user_for_token(archived_token) is None
    assert services.registry.get_group(nina, project["model_group"])["name"]
    r = await api(team["nina"], "GET", "/projects/churn")
    assert r.status == 404
    # the name is free again
    r = await api(team["nina"], "POST", "/projects", body)
    assert r.status == 201, r.json


async def test_failed_creation_leaves_nothing(api, team, services, jp_root_dir, monkeypatch):
    monkeypatch.setattr(project_service, "GIT", "/nonexistent/git")
    users_before = {u.username for u in services.identity.list_users()}
    body = {"name": "broken", "space": "team", "template": "project-build-deploy"}
    r = await api(team["nina"], "POST", "/projects", body)
    assert r.status == 409 and r.json["reason"] == "git-failed", r.json
    assert sorted(p.name for p in (Path(jp_root_dir) / "spaces" / "team").iterdir()) == []
    assert _rows(services, ProjectRow) == []
    assert _rows(services, GroupRow) == []
    assert {u.username for u in services.identity.list_users()} == users_before
    assert [m.username for m in services.spaces.list_members(
        services.identity.get_user("nina").principal(), "team"
    )] == ["nina", "bot", "vic"]  # fmt: skip


@pytest.mark.parametrize(
    "who, body, status, reason",
    [
        ("vic", {"space": "team"}, 403, "forbidden"),
        ("bot", {"space": "team"}, 403, "forbidden"),  # service accounts make no projects
        ("nina", {"space": "nowhere"}, 404, "no-such-space"),
        ("nina", {"space": "mine"}, 409, "private-space"),
        ("nina", {"template": "no-such"}, 404, "no-such-template"),
        ("nina", {"template": "register-model"}, 400, "not-a-project-template"),
        ("nina", {"parameters": {"min_accuracy": "high"}}, 400, "invalid-parameter"),
        ("nina", {"parameters": {"max_iter": 1.5}}, 400, "invalid-parameter"),
        ("nina", {"parameters": {"colour": 1}}, 400, "unknown-parameter"),
        ("nina", {"name": "Bad name!"}, 400, "invalid-name"),
        ("nina", {"name": "a" * 46}, 400, "invalid-name"),
        ("nina", {"extra": 1}, 400, None),
    ],
)
async def test_bad_input_creates_nothing(api, team, services, who, body, status, reason):
    full = {"name": "p1", "space": "team", "template": "project-build-deploy", **body}
    r = await api(team[who], "POST", "/projects", full)
    assert r.status == status, r.json
    if reason:
        assert r.json["reason"] == reason
    assert _rows(services, ProjectRow) == [] and _rows(services, GroupRow) == []


async def test_name_clash_is_409(api, team, services, jp_root_dir):
    body = {"name": "dup", "space": "team", "template": "project-build-only"}
    assert (await api(team["nina"], "POST", "/projects", body)).status == 201
    r = await api(team["nina"], "POST", "/projects", body)
    assert r.status == 409 and r.json["reason"] == "project-exists"
    # the longest name fits its group and service account
    r = await api(team["nina"], "POST", "/projects", {**body, "name": "b" * 45})
    assert r.status == 201 and r.json["service_account"] == f"project-{'b' * 45}-{r.json['id'][:8]}"
    # a folder of that name in the space is a clash too, and stays as it was
    (Path(jp_root_dir) / "spaces" / "team" / "taken").mkdir()
    r = await api(team["nina"], "POST", "/projects", {**body, "name": "taken"})
    assert r.status == 409 and r.json["reason"] == "folder-exists"
    assert list((Path(jp_root_dir) / "spaces" / "team" / "taken").iterdir()) == []
    assert sorted(row.name for row in _rows(services, ProjectRow)) == ["b" * 45, "dup"]


async def test_client_and_cli(api, team, services, server_url, jp_root_dir):
    from jupyter_mlops_studio.client import StudioAPIError, StudioClient

    run = asyncio.to_thread
    studio = StudioClient(server_url, team["nina"])
    made = await run(
        studio.projects.create, "fraud", "team", "project-build-only", {"max_iter": 50}
    )
    assert made["parameters"] == {"min_accuracy": 0.9, "max_iter": 50}
    assert (
        "MAX_ITER = 50"
        in (Path(jp_root_dir) / made["repository"] / "pipelines/config.py").read_text()
    )
    assert [p["name"] for p in await run(studio.projects.list)] == ["fraud"]
    with pytest.raises(StudioAPIError) as e:
        await run(studio.projects.create, "fraud", "team", "project-build-only")
    assert e.value.status == 409
    env = {**os.environ, "STUDIO_URL": server_url, "STUDIO_TOKEN": team["nina"]}

    def cli(*args):
        return subprocess.run(
            [sys.executable, "-m", "jupyter_mlops_studio.cli", "project", *args],
            capture_output=True, text=True, timeout=60, env=env,
        )  # fmt: skip

    r = await run(cli, "create", "ads", "team", "-p", "min_accuracy=0.5")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "spaces/team/ads"
    group = services.registry.get_group(
        services.identity.get_user("nina").principal(), r.stderr.split()[2].rstrip(",")
    )
    assert group["rules"][0]["threshold"] == 0.5
    r = await run(cli, "list")
    assert [line.split("\t")[:2] for line in r.stdout.splitlines()] == [
        ["ads", "CreateCompleted"],
        ["fraud", "CreateCompleted"],
    ]
    r = await run(cli, "delete", "ads")
    assert r.returncode == 0 and Path(r.stdout.strip()).is_dir(), r.stderr
    assert not (Path(jp_root_dir) / "spaces" / "team" / "ads").exists()
    assert [p["name"] for p in await run(studio.projects.list)] == ["fraud"]


async def test_recover_after_a_crash(api, team, services, jp_root_dir, monkeypatch):
    """A creation stopped midway (the undo never ran) is undone at the next start; one stopped
    after its repository was in place is completed; a stopped deletion is finished."""
    projects = services.projects
    body = {"name": "done", "space": "team", "template": "project-build-only"}
    assert (await api(team["nina"], "POST", "/projects", body)).status == 201
    with services.db.session(write=True) as s:
        s.query(ProjectRow).filter_by(name="done").one().status = "CreateInProgress"
    with monkeypatch.context() as m:
        m.setattr(project_service, "GIT", "/nonexistent/git")
        m.setattr(type(projects), "_undo", lambda *a: None)  # as if the server died here
        r = await api(team["nina"], "POST", "/projects", {**body, "name": "half"})
        assert r.status == 409, r.json
    half = _rows(services, ProjectRow, name="half")[0]
    assert half.status == "CreateInProgress"
    team_dir = Path(jp_root_dir) / "spaces" / "team"
    assert (team_dir / f".project-{half.id}").is_dir()
    assert services.identity.find_user(half.service_account) is not None
    projects.recover()
    assert [(r.name, r.status) for r in _rows(services, ProjectRow)] == [
        ("done", "CreateCompleted")
    ]
    assert sorted(p.name for p in team_dir.iterdir()) == ["done"]
    assert services.identity.find_user(half.service_account) is None
    assert [g.name for g in _rows(services, GroupRow)] == [
        _rows(services, ProjectRow)[0].model_group
    ]
    # a deletion stopped before the repository moved
    with services.db.session(write=True) as s:
        s.query(ProjectRow).filter_by(name="done").one().status = "DeleteInProgress"
    projects.recover()
    (row,) = _rows(services, ProjectRow)
    assert row.status == "DeleteCompleted" and row.deleted_at is not None
    assert not (team_dir / "done").exists() and Path(row.archive_path).is_dir()
    assert services.identity.find_user(row.service_account) is None
