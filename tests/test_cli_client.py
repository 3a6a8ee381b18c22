"""The `jupyter studio` command line and the Python client, against a real database and server."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest

from jupyter_mlops_studio.client import StudioAPIError, StudioClient
from jupyter_mlops_studio.core.db import SCHEMA_REVISION, Database
from jupyter_mlops_studio.core.users import IdentityService


def studio(*args, input=None, env=None):
    return subprocess.run(
        [sys.executable, "-m", "jupyter_mlops_studio.cli", *args],
        capture_output=True,
        text=True,
        input=input,
        timeout=60,
        env=env,
    )


def test_offline_user_commands(tmp_path, studio_db_url):
    common = ["--db-url", studio_db_url, "--data-dir", str(tmp_path)]
    r = studio(
        "user",
        "add",
        "ada",
        "--persona",
        "data-scientist",
        "--persona",
        "mlops",
        "--password-stdin",
        *common,
        input="a-long-password\n",
    )
    assert r.returncode == 0, r.stderr
    r = studio("user", "add", "ada", "--persona", "mlops", *common)
    assert r.returncode == 1 and "exists" in r.stderr
    r = studio("user", "add", "bad name", "--persona", "mlops", *common)
    assert r.returncode == 1 and "invalid username" in r.stderr
    r = studio("user", "token", "ada", *common)
    token = r.stdout.strip()
    assert r.returncode == 0 and token.startswith("mls_")
    listed = studio("user", "list", *common).stdout
    assert "ada\tdata-scientist,mlops" in listed
    identity = IdentityService(Database(studio_db_url))
    assert identity.user_for_token(token).username == "ada"
    assert identity.check_password("ada", "a-long-password") is not None
    assert studio("user", "remove", "ada", *common).returncode == 0
    assert identity.user_for_token(token) is None
    assert studio("user", "remove", "ada", *common).returncode == 1
    r = studio("db", "current", *common)
    assert r.returncode == 0 and r.stdout.startswith(SCHEMA_REVISION)


def test_db_upgrade_migrates_an_empty_database(tmp_path, studio_db_url):
    r = studio("db", "upgrade", "--db-url", studio_db_url, "--data-dir", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert f"-> {SCHEMA_REVISION}" in r.stdout
    assert Database(studio_db_url).current_revision() == SCHEMA_REVISION


async def test_client_covers_the_api(server_url, admin_token):
    admin = StudioClient(server_url, admin_token)
    run = asyncio.to_thread
    assert (await run(admin.me))["username"] == "admin"
    await run(admin.create_user, "ben", ["data-scientist"], "ben-password")
    ben_token = (await run(admin.create_token, "ben", "nb"))["token"]
    ben = StudioClient(server_url, ben_token)
    space = await run(ben.create_space, "forecast", "shared", "demand")
    assert space["path"] == "spaces/forecast"
    await run(admin.create_user, "cleo", ["mlops"])
    await run(ben.set_member, "forecast", "cleo", "viewer")
    members = await run(ben.list_members, "forecast")
    assert {(m["username"], m["role"]) for m in members} == {("ben", "owner"), ("cleo", "viewer")}
    with pytest.raises(StudioAPIError) as e:
        await run(ben.create_space, "forecast")
    assert e.value.status == 409 and e.value.reason == "space-exists"
    with pytest.raises(StudioAPIError) as e:
        await run(ben.update_domain, {"allow_terminals": True})
    assert e.value.status == 403
    assert "openapi: 3.1.0" in await run(ben.openapi)
    assert await run(ben.presence, "forecast") == {"space": "forecast", "people": []}
    with pytest.raises(StudioAPIError) as e:  # a document never opened has no history
        await run(ben.document_history, "spaces/forecast/a b.ipynb")
    assert (e.value.status, e.value.reason) == (404, "no-history")
    await run(ben.delete_space, "forecast")
    assert await run(ben.list_spaces) == []


async def run_cli(*args):
    """``jupyter studio …`` in a subprocess: (exit code, stdout, stderr)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "jupyter_mlops_studio.cli",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    return proc.returncode, out.decode(), err.decode()


async def test_cli_space_commands(server_url, admin_token, make_user):
    token = make_user("dora")
    env_args = ["--url", server_url, "--token", token]

    code, out, err = await run_cli("space", "create", "lab1", "--shared", *env_args)
    assert code == 0, err
    make_user("eve")
    code, out, _ = await run_cli("space", "members", "lab1", "--set", "eve=editor", *env_args)
    assert code == 0 and "eve\teditor" in out
    code, out, _ = await run_cli("space", "list", *env_args)
    assert out.startswith("lab1\tshared\towner\tdora")
    code, _, err = await run_cli("space", "delete", "lab1", *env_args)
    assert code != 0 and "--yes" in err
    code, _, err = await run_cli("space", "members", "nope", *env_args)
    assert code == 1 and "no space" in err
    code, _, _ = await run_cli("space", "delete", "lab1", "--yes", *env_args)
    assert code == 0


async def test_snapshot_commands_and_client(server_url, make_user, jp_root_dir):
    import nbformat

    dora, eve = make_user("dora"), make_user("eve")
    env_args = ["--url", server_url, "--token", dora]

    assert (await run_cli("space", "create", "lab2", *env_args))[0] == 0
    (jp_root_dir / "spaces/lab2/nb.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    code, out, err = await run_cli("snapshot", "create", "spaces/lab2/nb.ipynb", *env_args)
    assert code == 0, err
    snap = json.loads(out)
    code, out, err = await run_cli("snapshot", "share", snap["id"], "--user", "eve", *env_args)
    assert code == 0 and "/mlops-studio/share/mlsh_" in out, err
    token = out.strip().rsplit("/", 1)[1]
    code, out, _ = await run_cli("snapshot", "list", *env_args)
    assert out.startswith(f"{snap['id']}\tv1\tspaces/lab2/nb.ipynb")
    run = asyncio.to_thread
    recipient = StudioClient(server_url, eve)
    assert (await run(recipient.snapshots.open, token))["snapshot"]["id"] == snap["id"]
    assert [s["id"] for s in await run(recipient.snapshots.list, "shared")] == [snap["id"]]
    link = (await run(StudioClient(server_url, dora).snapshots.links, snap["id"]))[0]
    assert (await run_cli("snapshot", "revoke", link["id"], *env_args))[0] == 0
    with pytest.raises(StudioAPIError) as e:
        await run(recipient.snapshots.open, token)
    assert e.value.status == 410


def test_client_reads_the_environment(monkeypatch):
    monkeypatch.delenv("STUDIO_URL", raising=False)
    monkeypatch.delenv("STUDIO_TOKEN", raising=False)
    with pytest.raises(RuntimeError, match="STUDIO_URL"):
        StudioClient()
    monkeypatch.setenv("STUDIO_URL", "http://127.0.0.1:8888/base")
    monkeypatch.setenv("STUDIO_TOKEN", "mls_x")
    client = StudioClient()
    assert (client.base_url, client.token) == ("http://127.0.0.1:8888/base/", "mls_x")
    assert StudioClient(token="mls_y").token == "mls_y"
