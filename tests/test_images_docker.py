"""The docker backend: a real build where a Docker or Podman engine answers (reported as not run
where none does), and its command line, log, failure and cancellation through a stand-in engine
that runs anywhere."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import time
import uuid

import pytest

TERMINAL = ("Succeeded", "Failed", "Stopped")


def engine_problem() -> str | None:
    """None when ``docker info`` or ``podman info`` answers; otherwise what each one said."""
    said = []
    for name in ("docker", "podman"):
        path = shutil.which(name)
        if path is None:
            said.append(f"{name}: not installed")
            continue
        try:
            probe = subprocess.run(
                [path, "info"], capture_output=True, text=True, timeout=20, stdin=subprocess.DEVNULL
            )
        except subprocess.TimeoutExpired:
            said.append(f"{name}: `{name} info` did not answer in 20 s")
            continue
        if probe.returncode == 0:
            return None
        last = (probe.stderr or probe.stdout).strip().splitlines()[-1:] or [""]
        said.append(f"{name}: `{name} info` exited {probe.returncode} {last[0][:200]}")
    return "; ".join(said)


@pytest.fixture
def jp_server_config(jp_server_config):
    jp_server_config["StudioApp"]["image_build_backends"] = ["docker"]
    return jp_server_config


@pytest.fixture
def owen(make_user, services, jp_root_dir):
    """A user with a space ``tiny`` holding a context that needs no base image to build."""
    token = make_user("owen")
    principal = services.identity.get_user("owen").principal()
    services.spaces.create_space(principal, {"name": "tiny", "sharing": "private"})
    context = jp_root_dir / "spaces/tiny/image"
    context.mkdir()
    (context / "Dockerfile").write_text("FROM scratch\nCOPY hello.txt /hello.txt\n")
    (context / "hello.txt").write_text("hello\n")
    return token


async def _wait(api, token, build_id, timeout=300.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = await api(token, "GET", f"/images/builds/{build_id}")
        if r.json["status"] in TERMINAL:
            return r.json
        await asyncio.sleep(0.1)
    raise TimeoutError(build_id)


async def test_a_local_engine_builds_a_tiny_image(api, owen):
    problem = await asyncio.to_thread(engine_problem)
    if problem is not None:
        pytest.skip(f"no Docker or Podman engine answers: {problem}")
    tag = f"t{uuid.uuid4().hex[:12]}"
    body = {"context": "spaces/tiny/image", "repository": "studio-test/tiny", "tag": tag}
    r = await api(owen, "POST", "/images/builds", {**body, "backend": "docker"})
    assert r.status == 201, r.body
    build = await _wait(api, owen, r.json["id"])
    image = f"studio-test/tiny:{tag}"
    try:
        assert build["status"] == "Succeeded", build
        assert build["image_uri"] == image and [p["name"] for p in build["phases"]] == [
            "PACKAGE",
            "BUILD",
        ]
        engine = shutil.which("docker") or shutil.which("podman")
        inspect = subprocess.run([engine, "image", "inspect", image], capture_output=True)
        assert inspect.returncode == 0, inspect.stderr
        again = await api(owen, "POST", "/images/builds", {**body, "backend": "docker"})
        assert again.status == 200 and again.json["cached_from"] == build["id"]
    finally:
        engine = shutil.which("docker") or shutil.which("podman")
        subprocess.run([engine, "rmi", "-f", image], capture_output=True)


FAKE_ENGINE = """#!{python}
import json, os, sys, time
args = sys.argv[1:]
if args == ["info"]:
    sys.exit(0)
with open({record!r}, "a") as f:
    f.write(json.dumps({{"argv": args, "cwd": os.getcwd()}}) + "\\n")
print("Step 1/2 : FROM scratch", flush=True)
if "MODE=slow" in args:
    time.sleep(60)
if "MODE=fail" in args:
    print("COPY failed: file not found", flush=True)
    sys.exit(3)
print("Successfully tagged " + args[args.index("-t") + 1], flush=True)
"""


@pytest.fixture
def fake_engine(tmp_path, services):
    """A stand-in ``docker`` that records how it was called and answers like an engine."""
    record = tmp_path / "calls.jsonl"
    engine = tmp_path / "fake-docker"
    engine.write_text(FAKE_ENGINE.format(python=sys.executable, record=str(record)))
    engine.chmod(0o755)
    services.images.backends["docker"].command = str(engine)
    return record


async def test_the_docker_backend_runs_the_engine_in_the_context_and_streams_its_output(
    api, owen, fake_engine, jp_root_dir
):
    body = {
        "context": "spaces/tiny/image",
        "repository": "team/tiny",
        "tag": "v2",
        "build_args": {"B": "2", "A": "1 and 2"},
        "backend": "docker",
    }
    r = await api(owen, "POST", "/images/builds", body)
    build = await _wait(api, owen, r.json["id"])
    assert (build["status"], build["image_uri"]) == ("Succeeded", "team/tiny:v2"), build
    call = json.loads(fake_engine.read_text())
    assert call["argv"] == [
        *("build", "-f", "Dockerfile", "-t", "team/tiny:v2"),
        *("--build-arg", "A=1 and 2", "--build-arg", "B=2", "."),
    ]
    assert call["cwd"] == str((jp_root_dir / "spaces/tiny/image").resolve())
    logs = (await api(owen, "GET", f"/images/builds/{build['id']}/logs")).json["lines"]
    texts = [line["text"] for line in logs]
    assert texts.index("BUILD") < texts.index("Step 1/2 : FROM scratch")
    assert "Successfully tagged team/tiny:v2" in texts and texts[-1] == "Succeeded"


async def test_an_engine_failure_fails_the_build_with_its_exit_status(api, owen, fake_engine):
    body = {"context": "spaces/tiny/image", "repository": "team/tiny", "backend": "docker"}
    r = await api(owen, "POST", "/images/builds", {**body, "build_args": {"MODE": "fail"}})
    build = await _wait(api, owen, r.json["id"])
    assert build["status"] == "Failed" and build["image_uri"] is None
    assert build["failure_reason"] == "fake-docker build exited with status 3"
    texts = [
        x["text"]
        for x in (await api(owen, "GET", f"/images/builds/{build['id']}/logs")).json["lines"]
    ]
    assert "COPY failed: file not found" in texts


async def test_cancel_terminates_the_engine(api, owen, fake_engine):
    body = {"context": "spaces/tiny/image", "repository": "team/tiny", "backend": "docker"}
    r = await api(owen, "POST", "/images/builds", {**body, "build_args": {"MODE": "slow"}})
    build_id = r.json["id"]
    for _ in range(250):  # until the engine has started
        logs = (await api(owen, "GET", f"/images/builds/{build_id}/logs")).json["lines"]
        if any(line["text"].startswith("Step 1/2") for line in logs):
            break
        await asyncio.sleep(0.02)
    started = time.monotonic()
    assert (await api(owen, "POST", f"/images/builds/{build_id}/cancel")).status == 200
    build = await _wait(api, owen, build_id, timeout=20)
    assert build["status"] == "Stopped" and time.monotonic() - started < 10


async def test_without_an_engine_the_backend_is_unavailable_and_builds_are_refused(
    api, owen, services
):
    services.images.backends["docker"].command = "no-such-engine"
    backends = (await api(owen, "GET", "/images/backends")).json["items"]
    assert [(b["name"], b["available"]) for b in backends] == [("docker", False)]
    assert "no Docker or Podman engine answers" in backends[0]["problem"]
    body = {"context": "spaces/tiny/image", "repository": "team/tiny", "backend": "docker"}
    r = await api(owen, "POST", "/images/builds", body)
    assert (r.status, r.json["reason"]) == (400, "backend-not-configured")
    assert (await api(owen, "GET", "/images/builds")).json["items"] == []
