"""Build backends behind one interface: AWS CodeBuild + ECR (through boto3), a local engine.

A backend gets a prepared job (the context on disk, its zip, the Dockerfile path, repository,
tag, build arguments), reports phases and log lines through ``emit``, watches ``cancelled``, and
returns the image URI or raises :class:`BuildFailed` / :class:`BuildStopped`.
"""

from __future__ import annotations

import abc
import shutil
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from traitlets import Float, List, Unicode
from traitlets.config import LoggingConfigurable

from ..core.artifacts import ConfigurableABCMeta
from ..core.errors import InvalidInput

Emit = Callable[[str, str], None]  # (kind: "phase" | "line", text)


class BuildFailed(Exception):
    """The build ran and failed (the message is the reason shown on the build)."""


class BuildStopped(Exception):
    """The build was cancelled."""


@dataclass
class BuildJob:
    id: str
    context_dir: Path
    zip_path: Path
    dockerfile: str  # relative to the context
    repository: str
    tag: str
    build_args: dict[str, str]
    options: dict[str, Any] = field(default_factory=dict)


class BuildBackend(LoggingConfigurable, metaclass=ConfigurableABCMeta):
    name = "abstract"
    #: option names a build request may set for this backend
    options: tuple[str, ...] = ()

    def problem(self) -> str | None:
        """Why this backend cannot build now (not configured, no engine), else None."""
        return None

    @abc.abstractmethod
    def build(self, job: BuildJob, emit: Emit, cancelled: threading.Event) -> str:
        """Run the build; return the image URI."""


# ---------------------------------------------------------------------------------------------
# AWS CodeBuild + ECR

BUILDSPEC = """version: 0.2
phases:
  pre_build:
    commands:
      - echo Logging in to Amazon ECR
      - >-
        aws ecr get-login-password --region $AWS_DEFAULT_REGION
        | docker login --username AWS --password-stdin $REGISTRY
  build:
    commands:
      - echo Building $IMAGE_URI
      - docker build -f "$DOCKERFILE" -t "$IMAGE_URI" $BUILD_ARGS .
  post_build:
    commands:
      - echo Pushing $IMAGE_URI
      - docker push "$IMAGE_URI"
"""

FAILED_STATUSES = {"FAILED", "FAULT", "TIMED_OUT"}


class CodeBuildBackend(BuildBackend):
    """``sm-docker build``'s way: the context zipped to S3, a privileged CodeBuild project
    (created or reused) builds with Docker and pushes to ECR; phases and the CloudWatch log
    stream are followed until the build ends."""

    name = "codebuild"
    options = ("role", "bucket", "compute_type", "vpc_id", "subnets", "security_group_ids")

    region_name = Unicode("us-east-1", config=True, help="AWS region of CodeBuild, ECR, S3.")
    endpoint_url = Unicode(
        "", config=True, help="One endpoint for every AWS service (e.g. a moto_server)."
    )
    s3_endpoint_url = Unicode("", config=True, help="S3 endpoint (overrides endpoint_url).")
    bucket = Unicode("", config=True, help="S3 bucket the build contexts are uploaded to.")
    prefix = Unicode("studio-image-builds", config=True, help="Key prefix of the contexts.")
    role = Unicode("", config=True, help="IAM service role ARN of the CodeBuild project.")
    compute_type = Unicode("BUILD_GENERAL1_SMALL", config=True, help="CodeBuild compute type.")
    build_image = Unicode(
        "aws/codebuild/standard:7.0", config=True, help="CodeBuild environment image."
    )
    project_prefix = Unicode("studio-image-build", config=True, help="CodeBuild project names.")
    vpc_id = Unicode("", config=True, help="VPC of the builds (optional).")
    subnets = List(Unicode(), config=True, help="Subnets of the builds (with vpc_id).")
    security_group_ids = List(Unicode(), config=True, help="Security groups (with vpc_id).")
    poll_interval = Float(2.0, config=True, help="Seconds between status polls.")
    timeout_minutes = Float(60, config=True, help="Build timeout in CodeBuild.")

    def _client(self, service: str, endpoint: str = ""):
        import boto3

        return boto3.session.Session().client(
            service,
            region_name=self.region_name,
            endpoint_url=endpoint or self.endpoint_url or None,
        )

    def problem(self) -> str | None:
        missing = [n for n in ("bucket", "role") if not getattr(self, n)]
        if missing:
            return "the codebuild backend is not configured: set " + " and ".join(
                f"CodeBuildBackend.{n}" for n in missing
            )
        return None

    def project_name(self, repository: str) -> str:
        safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in repository)
        return f"{self.project_prefix}-{safe}"[:255]

    def build(self, job: BuildJob, emit: Emit, cancelled: threading.Event) -> str:
        opts = job.options
        bucket = opts.get("bucket") or self.bucket
        role = opts.get("role") or self.role
        s3 = self._client("s3", self.s3_endpoint_url)
        ecr = self._client("ecr")
        codebuild = self._client("codebuild")
        logs = self._client("logs")

        emit("phase", "UPLOAD")
        key = f"{self.prefix.strip('/')}/{job.id}.zip"
        s3.upload_file(str(job.zip_path), bucket, key)
        emit("line", f"uploaded the context to s3://{bucket}/{key}")

        emit("phase", "REPOSITORY")
        try:
            repo = ecr.describe_repositories(repositoryNames=[job.repository])["repositories"][0]
        except ecr.exceptions.RepositoryNotFoundException:
            repo = ecr.create_repository(repositoryName=job.repository)["repository"]
            emit("line", f"created the ECR repository {job.repository}")
        image_uri = f"{repo['repositoryUri']}:{job.tag}"
        registry = repo["repositoryUri"].split("/", 1)[0]

        project = self.project_name(job.repository)
        spec = self._project_spec(project, bucket, key, role, opts)
        existing = codebuild.batch_get_projects(names=[project]).get("projects", [])
        if not existing:
            codebuild.create_project(**spec)
            emit("line", f"created the CodeBuild project {project}")
        elif _differs(existing[0], spec):
            codebuild.update_project(**spec)
            emit("line", f"updated the CodeBuild project {project} (role or network changed)")
        args = " ".join(
            f"--build-arg {_shell_quote(f'{k}={v}')}" for k, v in sorted(job.build_args.items())
        )
        env = {
            "IMAGE_URI": image_uri,
            "REGISTRY": registry,
            "DOCKERFILE": job.dockerfile,
            "BUILD_ARGS": args,
        }
        overrides = {}
        if opts.get("compute_type"):
            overrides["computeTypeOverride"] = opts["compute_type"]
        started = codebuild.start_build(
            **overrides,
            projectName=project,
            sourceTypeOverride="S3",
            sourceLocationOverride=f"{bucket}/{key}",
            buildspecOverride=BUILDSPEC,
            environmentVariablesOverride=[
                {"name": k, "value": v, "type": "PLAINTEXT"} for k, v in env.items()
            ],
        )["build"]
        build_id = started["id"]
        emit("external", build_id)
        return self._follow(codebuild, logs, build_id, image_uri, emit, cancelled)

    def _project_spec(self, project: str, bucket: str, key: str, role: str, opts: dict) -> dict:
        spec: dict[str, Any] = {
            "name": project,
            "description": "Image builds of jupyter-mlops-studio",
            "source": {"type": "S3", "location": f"{bucket}/{key}", "buildspec": BUILDSPEC},
            "artifacts": {"type": "NO_ARTIFACTS"},
            "environment": {
                "type": "LINUX_CONTAINER",
                "image": self.build_image,
                "computeType": opts.get("compute_type") or self.compute_type,
                "privilegedMode": True,
            },
            "serviceRole": role,
            "timeoutInMinutes": int(self.timeout_minutes),
            "logsConfig": {
                "cloudWatchLogs": {"status": "ENABLED", "groupName": f"/aws/codebuild/{project}"}
            },
        }
        vpc = opts.get("vpc_id") or self.vpc_id
        if vpc:
            spec["vpcConfig"] = {
                "vpcId": vpc,
                "subnets": list(opts.get("subnets") or self.subnets),
                "securityGroupIds": list(opts.get("security_group_ids") or self.security_group_ids),
            }
        return spec

    def _follow(self, codebuild, logs, build_id, image_uri, emit, cancelled) -> str:
        seen_phases: set[str] = set()
        token = None
        while True:
            cancelled.wait(self.poll_interval)  # a build just started has nothing to tell yet
            if cancelled.is_set():
                codebuild.stop_build(id=build_id)
                emit("line", "stop requested")
                raise BuildStopped("cancelled")
            build = codebuild.batch_get_builds(ids=[build_id])["builds"][0]
            for phase in build.get("phases", []):
                name = phase.get("phaseType")
                if name and name not in seen_phases and phase.get("phaseStatus"):
                    seen_phases.add(name)
                    emit("phase", name)
                    for ctx in phase.get("contexts", []) or []:
                        if ctx.get("message"):
                            emit("line", f"{name}: {ctx['message']}")
            token = self._tail(logs, build.get("logs") or {}, token, emit)
            status = build.get("buildStatus")
            if status == "SUCCEEDED":
                self._tail(logs, build.get("logs") or {}, token, emit)
                return image_uri
            if status in FAILED_STATUSES:
                reasons = [
                    f"{p['phaseType']}: {c.get('message')}"
                    for p in build.get("phases", [])
                    for c in (p.get("contexts") or [])
                    if c.get("message") and p.get("phaseStatus") in FAILED_STATUSES
                ]
                raise BuildFailed("; ".join(reasons) or f"CodeBuild ended {status}")
            if status == "STOPPED":
                raise BuildStopped("stopped in CodeBuild")

    @staticmethod
    def _tail(logs, where: dict, token, emit: Emit):
        group, stream = where.get("groupName"), where.get("streamName")
        if not group or not stream:
            return token
        try:
            while True:
                kwargs = {"logGroupName": group, "logStreamName": stream, "startFromHead": True}
                if token:
                    kwargs["nextToken"] = token
                page = logs.get_log_events(**kwargs)
                for event in page.get("events", []):
                    emit("line", event["message"].rstrip("\n"))
                if page.get("nextForwardToken") in (None, token):
                    return token
                token = page["nextForwardToken"]
        except logs.exceptions.ResourceNotFoundException:
            return token  # the stream appears once the build container starts


def _differs(project: dict, spec: dict) -> bool:
    """Whether a project's role or network differ from what a build asks (the rest of a build's
    settings are start_build overrides, so one project serves every build of a repository)."""
    return project.get("serviceRole") != spec["serviceRole"] or (
        project.get("vpcConfig", {}).get("vpcId") != spec.get("vpcConfig", {}).get("vpcId")
    )


def _shell_quote(value: str) -> str:
    return "'" + value.replace("'", "'\"'\"'") + "'"


# ---------------------------------------------------------------------------------------------
# a local engine


class DockerBackend(BuildBackend):
    """A local Docker or Podman engine through its command line (``docker build``)."""

    name = "docker"
    options = ()

    command = Unicode("", config=True, help="The engine's command (default: docker or podman).")

    def _engine(self) -> str | None:
        for candidate in [self.command] if self.command else ["docker", "podman"]:
            path = shutil.which(candidate)
            if path is None:
                continue
            probe = subprocess.run(
                [path, "info"], capture_output=True, timeout=20, stdin=subprocess.DEVNULL
            )
            if probe.returncode == 0:
                return path
        return None

    def problem(self) -> str | None:
        if self._engine() is None:
            return "no Docker or Podman engine answers on this machine (`docker info` fails)"
        return None

    def build(self, job: BuildJob, emit: Emit, cancelled: threading.Event) -> str:
        engine = self._engine()
        if engine is None:
            raise BuildFailed(self.problem() or "no engine")
        image = f"{job.repository}:{job.tag}"
        argv = [engine, "build", "-f", job.dockerfile, "-t", image]
        for k, v in sorted(job.build_args.items()):
            argv += ["--build-arg", f"{k}={v}"]
        argv.append(".")
        emit("phase", "BUILD")
        proc = subprocess.Popen(
            argv,
            cwd=job.context_dir,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
        )
        watcher = threading.Thread(target=_kill_when, args=(cancelled, proc), daemon=True)
        watcher.start()
        assert proc.stdout is not None
        for line in proc.stdout:
            emit("line", line.rstrip("\n"))
        code = proc.wait()
        if cancelled.is_set():
            raise BuildStopped("cancelled")
        if code != 0:
            raise BuildFailed(f"{Path(engine).name} build exited with status {code}")
        return image


def _kill_when(cancelled: threading.Event, proc: subprocess.Popen) -> None:
    while proc.poll() is None:
        if cancelled.wait(0.5):
            proc.terminate()
            return


BACKENDS: dict[str, type[BuildBackend]] = {"codebuild": CodeBuildBackend, "docker": DockerBackend}


def backend_option(backend: BuildBackend, options: Any) -> dict[str, Any]:
    """Validate the per-build options a backend takes."""
    if options is None:
        return {}
    if not isinstance(options, dict):
        raise InvalidInput("options must be an object", reason="invalid-type")
    unknown = sorted(set(options) - set(backend.options))
    if unknown:
        raise InvalidInput(
            f"the {backend.name} backend takes no option(s) {', '.join(unknown)}",
            reason="unknown-field",
        )
    for k, val in options.items():
        if k in ("subnets", "security_group_ids"):
            if not isinstance(val, list) or not all(isinstance(x, str) for x in val):
                raise InvalidInput(f"options.{k} must be a list of strings", "invalid-type")
        elif not isinstance(val, str) or len(val) > 2048:
            raise InvalidInput(f"options.{k} must be a string", reason="invalid-type")
    return dict(options)
