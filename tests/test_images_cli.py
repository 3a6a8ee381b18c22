"""`jupyter studio image …` and ``StudioClient().images`` against a real server whose codebuild
backend talks to CodeBuild, ECR and S3 on a moto_server."""

from __future__ import annotations

import asyncio

import pytest
from image_config import space_with_context, use_codebuild
from test_cli_client import run_cli

from jupyter_mlops_studio.client import StudioAPIError, StudioClient

DOCKERFILE = """FROM python:3.11-slim
RUN pip install sagemaker-training
COPY train.py /opt/ml/code/train.py
ENV SAGEMAKER_PROGRAM=train.py
"""
BUILD = [
    *("build", "spaces/vision/image", "--repository", "vision/train", "--tag", "v1"),
    *("--build-arg", "PYVER=3.11", "--compute-type", "BUILD_GENERAL1_MEDIUM"),
]
NO_TRAIN = 'FROM python:3.11\nCOPY . /app\nCMD ["python", "/app/train.py"]\n'


@pytest.fixture
def jp_server_config(jp_server_config, moto_endpoint, s3_bucket):
    return use_codebuild(jp_server_config, moto_endpoint, s3_bucket)


@pytest.fixture
def nina(make_user, services, jp_root_dir):
    """A user with a shared space ``vision`` holding a build context ``image``."""
    token = make_user("nina")
    space_with_context(services, jp_root_dir, "nina", DOCKERFILE)
    return token


def cli(token, server_url, *args):
    return run_cli("image", *args, "--url", server_url, "--token", token)


async def test_build_follows_the_log_prints_the_uri_and_reuses_the_cache(nina, server_url):
    code, out, err = await cli(nina, server_url, *BUILD, "--layout", "training")
    assert code == 0, err
    lines = out.splitlines()
    uri = lines[-1]
    assert uri.endswith(".dkr.ecr.us-east-1.amazonaws.com/vision/train:v1"), out
    # the log came before the URI, in order: our phases, then CodeBuild's, then the status
    assert lines.index("[PACKAGE]") < lines.index("[UPLOAD]") < lines.index("[SUBMITTED]")
    assert any(line.startswith("packaged 2 files") for line in lines)
    assert lines[-2] == "status: Succeeded"
    build_id = err.split()[1]
    studio = StudioClient(server_url, nina)
    build = await asyncio.to_thread(studio.images.get, build_id)
    assert build["build_args"] == {"PYVER": "3.11"}
    assert build["options"] == {"compute_type": "BUILD_GENERAL1_MEDIUM"}

    code, out, err = await cli(nina, server_url, *BUILD)
    assert code == 0 and out == uri + "\n" and f"the image of build {build_id}" in err

    code, out, err = await cli(nina, server_url, *BUILD, "--rebuild", "--no-logs")
    assert code == 0 and out == uri + "\n", err  # built again, no log shown
    assert err.split()[1] != build_id

    code, out, _ = await cli(nina, server_url, "list", "--space", "vision")
    rows = [line.split("\t") for line in out.splitlines()]
    assert len(rows) == 3 and all(r[1] == "Succeeded" and r[5] == uri for r in rows)
    assert rows[-1][0] == build_id and rows[0][3] == "vision/train:v1"
    code, out, _ = await cli(nina, server_url, "list", "--space", "other")
    assert code == 0 and out == ""

    code, out, _ = await cli(nina, server_url, "logs", build_id)
    assert code == 0 and out.splitlines()[:2] == ["status: InProgress", "[PACKAGE]"]
    assert out.splitlines()[-1] == "status: Succeeded"
    code, followed, _ = await cli(nina, server_url, "logs", build_id, "--follow")
    assert code == 0 and followed == out


async def test_a_failed_build_or_a_refused_request_exits_1(nina, server_url):
    code, out, err = await cli(
        nina,
        server_url,
        "build",
        "spaces/vision/image",
        "--repository",
        "vision/train",
        "--bucket",
        "no-such-bucket",
    )
    assert code == 1 and out.splitlines()[-1] == "status: Failed", out
    assert "Failed: " in err and "NoSuchBucket" in err
    code, out, err = await cli(
        nina, server_url, "build", "spaces/vision/image", "--repository", "Vision Train"
    )
    assert code == 1 and out == "" and "repository must be an ECR repository name" in err
    code, _, err = await cli(
        nina, server_url, "build", "spaces/vision/image", "--repository", "v", "-f", "Nope"
    )
    assert code == 1 and "no 'Nope'" in err
    code, _, err = await cli(
        nina, server_url, "build", "spaces/vision/image", "--repository", "v", "--build-arg", "X"
    )
    assert code == 1 and "expected KEY=VALUE" in err


async def test_cancel_stops_a_running_build_and_the_log_ends_stopped(nina, server_url, services):
    services.images.backends["codebuild"].poll_interval = 5.0  # stays InProgress a while
    studio = StudioClient(server_url, nina)
    build = await asyncio.to_thread(studio.images.build, "spaces/vision/image", "vision/slow")
    for _ in range(250):
        if (await asyncio.to_thread(studio.images.get, build["id"]))["external_id"]:
            break
        await asyncio.sleep(0.02)
    code, out, err = await cli(nina, server_url, "cancel", build["id"])
    assert code == 0 and out.startswith(f"cancel requested: build {build['id']}"), err
    code, out, _ = await cli(nina, server_url, "logs", build["id"], "--follow")
    assert code == 0 and out.splitlines()[-1] == "status: Stopped"
    code, _, err = await cli(nina, server_url, "cancel", build["id"])
    assert code == 1 and "has ended (Stopped)" in err
    code, _, err = await cli(nina, server_url, "logs", "f" * 32)
    assert code == 1 and "no build" in err


async def test_check_prints_findings_with_lines_and_exits_1_on_errors(
    nina, server_url, tmp_path, jp_root_dir
):
    bad = tmp_path / "Dockerfile"
    bad.write_text(NO_TRAIN)
    code, out, err = await cli(nina, server_url, "check", str(bad), "--mode", "training")
    assert code == 1, err
    assert out.splitlines()[0].startswith(f"{bad}:3: error: ")
    assert out.splitlines()[0].endswith("[train-entry-point]")
    assert "1 error(s)" in err
    good = tmp_path / "Good.Dockerfile"
    good.write_text(DOCKERFILE)
    code, out, err = await cli(nina, server_url, "check", str(good), "--mode", "training")
    assert (code, out) == (0, "") and "training layout ok" in err
    # not a local file: a Dockerfile of a space, read by the server
    code, out, _ = await cli(nina, server_url, "check", "spaces/vision/image/Dockerfile")
    assert code == 1 and "[serve-entry-point]" in out  # training only: no serve entry point
    code, _, err = await cli(nina, server_url, "check", "spaces/other/Dockerfile")
    assert code == 1 and "no space 'other'" in err


async def test_client_follows_the_event_stream_across_reconnects(nina, server_url, services):
    services.images.backends["codebuild"].poll_interval = 0.6
    studio = StudioClient(server_url, nina, timeout=0.3)  # the stream falls silent for longer
    assert [b["name"] for b in await asyncio.to_thread(studio.images.backends)] == [
        "codebuild",
        "docker",
    ]
    build = await asyncio.to_thread(
        studio.images.build, "spaces/vision/image", "vision/follow", "f1"
    )
    assert build["status"] in ("Queued", "InProgress")
    images, connections = studio.images, []
    opened = images._events
    images._events = lambda build_id, after: connections.append(after) or opened(build_id, after)
    events = await asyncio.to_thread(lambda: list(images.follow(build["id"])))
    assert len(connections) > 1 and connections[0] == 0  # reconnected, from the last line seen
    assert events[-1] == {"kind": "end", "status": "Succeeded"}
    seqs = [e["seq"] for e in events[:-1]]
    assert seqs == list(range(1, len(seqs) + 1))  # every line once, in order
    phases = [e["text"] for e in events if e["kind"] == "phase"]
    assert phases[:3] == ["PACKAGE", "UPLOAD", "REPOSITORY"] and "SUBMITTED" in phases
    done = await asyncio.to_thread(studio.images.wait, build["id"], 10)
    assert done["image_uri"].endswith("/vision/follow:f1")
    page = await asyncio.to_thread(studio.images.logs, build["id"], seqs[-2])
    assert [line["seq"] for line in page["lines"]] == [seqs[-1]] and page["complete"]
    assert [b["id"] for b in await asyncio.to_thread(studio.images.builds, "vision")] == [
        build["id"]
    ]
    with pytest.raises(StudioAPIError) as e:
        await asyncio.to_thread(lambda: list(studio.images.follow("0" * 32)))
    assert (e.value.status, e.value.reason) == (404, "build-not-found")
    check = await asyncio.to_thread(studio.images.check, None, NO_TRAIN, "training")
    assert not check["ok"] and check["findings"][0]["line"] == 3


async def test_client_wait_times_out_on_a_build_that_does_not_end(nina, server_url, services):
    services.images.backends["codebuild"].poll_interval = 5.0
    studio = StudioClient(server_url, nina)
    build = await asyncio.to_thread(studio.images.build, "spaces/vision/image", "vision/w")
    with pytest.raises(TimeoutError, match="did not end in 0.3 s"):
        await asyncio.to_thread(studio.images.wait, build["id"], 0.3, 0.05)
    await asyncio.to_thread(studio.images.cancel, build["id"])
