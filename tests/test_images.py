"""Image builds against CodeBuild/ECR/S3 on a real moto_server (acceptance 1 and 2), the
layout check (acceptance 3), the context rules, and bad input."""

from __future__ import annotations

import asyncio
import io
import json
import os
import time
import zipfile
import zlib

import pytest
from image_config import CODEBUILD_ROLE, space_with_context, use_codebuild
from moto_fixture import s3_client

from jupyter_mlops_studio.images import context as ctx
from jupyter_mlops_studio.images.backends import BUILDSPEC
from jupyter_mlops_studio.images.layout import check

ROLE = CODEBUILD_ROLE
DOCKERFILE = """FROM python:3.11-slim
RUN pip install sagemaker-training scikit-learn
COPY train.py /opt/ml/code/train.py
ENV SAGEMAKER_PROGRAM=train.py
"""


@pytest.fixture
def jp_server_config(jp_server_config, moto_endpoint, s3_bucket):
    return use_codebuild(jp_server_config, moto_endpoint, s3_bucket)


@pytest.fixture
def dana(make_user, services, jp_root_dir):
    token = make_user("dana")
    space_with_context(services, jp_root_dir, "dana", DOCKERFILE)
    ctx_dir = jp_root_dir / "spaces/vision/image"
    (ctx_dir / "data").mkdir()
    (ctx_dir / "data" / "big.bin").write_bytes(os.urandom(4096))
    return token


async def _wait(api, token, build_id, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = await api(token, "GET", f"/images/builds/{build_id}")
        if r.json["status"] in ("Succeeded", "Failed", "Stopped"):
            return r.json
        await asyncio.sleep(0.05)
    raise TimeoutError(build_id)


BODY = {
    "context": "spaces/vision/image",
    "repository": "vision/train",
    "tag": "v1",
    "build_args": {"PYVER": "3.11"},
    "backend": "codebuild",
}


async def test_codebuild_build_is_uploaded_built_cached_and_rebuilt_on_change(
    api, dana, moto_endpoint, s3_bucket, jp_root_dir
):
    import boto3

    r = await api(dana, "POST", "/images/builds", BODY)
    assert r.status == 201, r.body
    build = await _wait(api, dana, r.json["id"])
    assert build["status"] == "Succeeded", build
    assert build["image_uri"].endswith("/vision/train:v1")
    assert ".dkr.ecr.us-east-1.amazonaws.com/" in build["image_uri"]
    assert [p["name"] for p in build["phases"]][:3] == ["PACKAGE", "UPLOAD", "REPOSITORY"]
    assert build["external_id"]
    # the context went to S3 as a zip of exactly the context's files
    objects = s3_client(moto_endpoint).list_objects_v2(Bucket=s3_bucket)["Contents"]
    assert [o["Key"] for o in objects] == [f"studio-image-builds/{build['id']}.zip"]
    body = s3_client(moto_endpoint).get_object(Bucket=s3_bucket, Key=objects[0]["Key"])
    names = zipfile.ZipFile(io.BytesIO(body["Body"].read())).namelist()
    assert names == ["Dockerfile", "data/big.bin", "train.py"]
    # the project: privileged, the generated buildspec, the service role
    codebuild = boto3.client("codebuild", endpoint_url=moto_endpoint, region_name="us-east-1")
    project = codebuild.batch_get_projects(names=["studio-image-build-vision-train"])["projects"][0]
    assert project["environment"]["privilegedMode"] is True
    assert project["source"]["buildspec"] == BUILDSPEC
    assert project["serviceRole"] == ROLE
    ecr = boto3.client("ecr", endpoint_url=moto_endpoint, region_name="us-east-1")
    repositories = ecr.describe_repositories()["repositories"]  # the moto server is shared
    assert "vision/train" in [r["repositoryName"] for r in repositories]

    again = await api(dana, "POST", "/images/builds", BODY)
    assert again.status == 200 and again.json["status"] == "Succeeded"
    assert again.json["cached_from"] == build["id"]
    assert again.json["image_uri"] == build["image_uri"]
    third = await api(dana, "POST", "/images/builds", BODY)
    assert third.json["cached_from"] == build["id"]  # the build that made it, not a cache hit
    assert len(s3_client(moto_endpoint).list_objects_v2(Bucket=s3_bucket)["Contents"]) == 1

    (jp_root_dir / "spaces/vision/image/train.py").write_text("print('changed')\n")
    changed = await api(dana, "POST", "/images/builds", BODY)
    assert changed.status == 201 and changed.json["cached_from"] is None
    assert changed.json["context_digest"] != build["context_digest"]
    assert (await _wait(api, dana, changed.json["id"]))["status"] == "Succeeded"
    forced = await api(dana, "POST", "/images/builds", {**BODY, "rebuild": True})
    assert forced.status == 201 and forced.json["cached_from"] is None
    # ends before the test does: its worker must not outlive the test's database
    assert (await _wait(api, dana, forced.json["id"]))["status"] == "Succeeded"


async def test_the_event_stream_gives_phases_and_lines_in_order_then_the_status(
    api, dana, request_as
):
    r = await api(dana, "POST", "/images/builds", {**BODY, "layout": "training"})
    build_id = r.json["id"]
    stream = await request_as(dana, "GET", f"/mlops-studio/api/v1/images/builds/{build_id}/events")
    assert stream.status == 200
    assert stream.headers["Content-Type"].startswith("text/event-stream")
    events = []
    for block in stream.body.decode().strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append(fields)
    ids = [int(e["id"]) for e in events if "id" in e]
    assert ids == list(range(1, len(ids) + 1))  # every line, in order
    kinds = [(e["event"], json.loads(e["data"]).get("text")) for e in events]
    phases = [text for kind, text in kinds if kind == "phase"]
    assert phases[:3] == ["PACKAGE", "UPLOAD", "REPOSITORY"]
    assert "SUBMITTED" in phases and phases.index("SUBMITTED") > 2
    assert any(kind == "line" and text.startswith("packaged 3 files") for kind, text in kinds)
    assert kinds[-2] == ("status", "Succeeded")
    assert events[-1]["event"] == "end"
    assert json.loads(events[-1]["data"]) == {"status": "Succeeded"}
    # resuming after line n gives the rest only
    logs = await api(dana, "GET", f"/images/builds/{build_id}/logs?after=3")
    assert [line["seq"] for line in logs.json["lines"]][0] == 4 and logs.json["complete"]


async def test_a_failed_upload_leaves_the_build_failed_with_its_reason(api, dana, services):
    services.images.backends["codebuild"].bucket = "no-such-bucket"
    r = await api(dana, "POST", "/images/builds", {**BODY, "tag": "v9"})
    build = await _wait(api, dana, r.json["id"])
    assert build["status"] == "Failed"
    assert "NoSuchBucket" in build["failure_reason"]


async def test_cancel_stops_a_running_build(api, dana, services):
    backend = services.images.backends["codebuild"]
    backend.poll_interval = 5.0  # stays InProgress long enough to be cancelled
    r = await api(dana, "POST", "/images/builds", {**BODY, "tag": "slow"})
    build_id = r.json["id"]
    for _ in range(200):
        if (await api(dana, "GET", f"/images/builds/{build_id}")).json["external_id"]:
            break
        await asyncio.sleep(0.02)
    c = await api(dana, "POST", f"/images/builds/{build_id}/cancel")
    assert c.status == 200
    assert (await _wait(api, dana, build_id))["status"] == "Stopped"
    again = await api(dana, "POST", f"/images/builds/{build_id}/cancel")
    assert (again.status, again.json["reason"]) == (409, "build-ended")


@pytest.mark.parametrize(
    ("change", "status", "reason"),
    [
        ({"context": "spaces/vision/nope"}, 400, "invalid-context"),
        (
            {"context": "spaces/vision/image", "dockerfile": "../../../etc/passwd"},
            400,
            "dockerfile-outside-context",
        ),
        ({"dockerfile": "Missing.Dockerfile"}, 400, "no-dockerfile"),
        ({"context": "spaces/../../etc"}, 400, "invalid-path"),
        ({"context": "/etc"}, 400, "invalid-path"),
        ({"context": "spaces/other/image"}, 404, "space-not-found"),
        ({"repository": "Vision Train"}, 400, "invalid-repository"),
        ({"repository": "a" * 300}, 400, "invalid-repository"),
        ({"tag": "-bad"}, 400, "invalid-tag"),
        ({"tag": 5}, 400, "invalid-tag"),
        ({"build_args": {"1x": "y"}}, 400, "invalid-name"),
        ({"build_args": {"X": 1}}, 400, "invalid-type"),
        ({"build_args": []}, 400, "invalid-body"),
        ({"backend": "kaniko"}, 400, "invalid-value"),
        ({"options": {"privileged": "yes"}}, 400, "unknown-field"),
        ({"rebuild": "yes"}, 400, "invalid-type"),
        ({"layout": "batch"}, 400, "invalid-value"),
        ({"colour": "blue"}, 400, "unknown-field"),
        ({"repository": None}, 400, "invalid-repository"),
    ],
)
async def test_bad_build_requests_change_nothing(api, dana, change, status, reason, services):
    before = len(services.images.list_builds(services.identity.get_user("dana").principal()))
    r = await api(dana, "POST", "/images/builds", {**BODY, **change})
    assert (r.status, r.json["reason"]) == (status, reason), r.body
    after = len(services.images.list_builds(services.identity.get_user("dana").principal()))
    assert after == before


async def test_viewers_cannot_build_and_strangers_do_not_see_builds(api, dana, make_user):
    eve = make_user("eve")
    r = await api(dana, "PUT", "/spaces/vision/members/eve", {"role": "viewer"})
    assert r.status in (200, 201), r.body
    r = await api(eve, "POST", "/images/builds", BODY)
    assert r.status == 403
    built = await api(dana, "POST", "/images/builds", BODY)
    assert (await api(eve, "GET", f"/images/builds/{built.json['id']}")).status == 200
    zoe = make_user("zoe")
    assert (await api(zoe, "GET", f"/images/builds/{built.json['id']}")).status == 404
    assert (await api(zoe, "GET", "/images/builds")).json["items"] == []
    assert (await api(zoe, "GET", "/images/builds/../../etc")).status == 404
    assert (await _wait(api, dana, built.json["id"]))["status"] == "Succeeded"


async def test_an_unconfigured_backend_is_refused_before_anything_is_uploaded(
    api, dana, services, moto_endpoint, s3_bucket
):
    services.images.backends["codebuild"].role = ""
    r = await api(dana, "POST", "/images/builds", BODY)
    assert (r.status, r.json["reason"]) == (400, "backend-not-configured")
    assert "CodeBuildBackend.role" in r.json["message"]
    assert "Contents" not in s3_client(moto_endpoint).list_objects_v2(Bucket=s3_bucket)
    backends = (await api(dana, "GET", "/images/backends")).json["items"]
    assert {b["name"]: b["available"] for b in backends}["codebuild"] is False


async def test_a_context_over_the_limit_gets_413(api, dana, services):
    services.images.max_context_size = 1000
    r = await api(dana, "POST", "/images/builds", BODY)
    assert (r.status, r.json["reason"]) == (413, "context-too-large")


# -- the layout check (acceptance 3) ----------------------------------------------------------


def test_layout_flags_a_dockerfile_without_a_train_entry_point_and_passes_correct_ones():
    bad = 'FROM python:3.11\nCOPY . /app\nCMD ["python", "/app/train.py"]\n'
    findings = check(bad, "training")
    assert [(f.level, f.rule, f.line) for f in findings] == [
        ("error", "train-entry-point", 3),
        ("warning", "cmd-replaced", 3),
    ]
    assert check(DOCKERFILE, "training") == []
    script = (
        "FROM ubuntu:24.04\nCOPY train /usr/local/bin/train\nCOPY serve /usr/local/bin/\n"
        "EXPOSE 8080\n"
    )
    assert check(script, "both") == []
    entry = 'FROM python:3.11\nCOPY app /opt/app\nENTRYPOINT ["/opt/app/run.sh", "train"]\n'
    assert check(entry, "training") == []


def test_layout_reports_the_lines_of_problems():
    text = (
        "FROM python:3.11\n"
        "ENV SAGEMAKER_PROGRAM=train.py\n"
        "RUN pip install \\\n    numpy\n"
        "EXPOSE 5000\n"
        "VOLUME /opt/ml\n"
    )
    got = {(f.rule, f.line) for f in check(text, "both")}
    assert ("training-toolkit", 2) in got and ("opt-ml-code", 2) in got
    assert ("port-8080", 5) in got and ("opt-ml-volume", 6) in got
    assert ("serve-entry-point", 6) in got


async def test_layout_check_route(api, dana):
    r = await api(
        dana,
        "POST",
        "/images/check",
        {"dockerfile": "spaces/vision/image/Dockerfile", "mode": "training"},
    )
    assert r.status == 200 and r.json == {"mode": "training", "ok": True, "findings": []}
    r = await api(dana, "POST", "/images/check", {"content": "FROM x\n", "mode": "inference"})
    assert r.json["ok"] is False
    for body, reason in [
        ({}, "missing-field"),
        ({"content": "FROM x", "dockerfile": "a"}, "missing-field"),
        ({"dockerfile": "spaces/vision/../../etc/passwd"}, "invalid-path"),
        ({"content": 3}, "invalid-type"),
        ({"content": "FROM x", "mode": "x"}, "invalid-value"),
    ]:
        r = await api(dana, "POST", "/images/check", body)
        assert (r.status, r.json["reason"]) == (400, reason), (body, r.body)


# -- contexts ---------------------------------------------------------------------------------


def test_write_zip_deflates_at_zip_level(tmp_path):
    data = "".join(f"{i} line of text {i * 7919 % 1000}\n" for i in range(200_000)).encode()
    (tmp_path / "a.txt").write_bytes(data)
    buf = io.BytesIO()
    ctx.write_zip(ctx.scan(tmp_path, 10**9), buf)
    info = zipfile.ZipFile(buf).getinfo("a.txt")
    deflate = zlib.compressobj(ctx.ZIP_LEVEL, zlib.DEFLATED, -15)
    assert info.compress_size == len(deflate.compress(data) + deflate.flush())


def test_dockerignore_and_symlinks(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM x\n")
    (tmp_path / ".dockerignore").write_text("# comment\n*.log\nbuild/\n**/__pycache__\n!keep.log\n")
    (tmp_path / "a.log").write_text("x")
    (tmp_path / "keep.log").write_text("x")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "out").write_text("x")
    (tmp_path / "src" / "__pycache__").mkdir(parents=True)
    (tmp_path / "src" / "__pycache__" / "m.pyc").write_text("x")
    (tmp_path / "src" / "m.py").write_text("x")
    scanned = ctx.scan(tmp_path, 10**6)
    assert [f.path for f in scanned.files] == [
        ".dockerignore",
        "Dockerfile",
        "keep.log",
        "src/m.py",
    ]
    before = scanned.digest
    os.utime(tmp_path / "src" / "m.py", ns=(1, 1))
    assert ctx.scan(tmp_path, 10**6).digest != before
    (tmp_path / "escape").symlink_to("/etc")
    with pytest.raises(Exception, match="outside the build context"):
        ctx.scan(tmp_path, 10**6)
