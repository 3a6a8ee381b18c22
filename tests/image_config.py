"""Server configuration of image builds for tests: CodeBuild, ECR and S3 on the moto_server."""

from __future__ import annotations

#: a service role of moto's account (CodeBuild's create_project checks the account only)
CODEBUILD_ROLE = "arn:aws:iam::123456789012:role/studio-image-build"


def use_codebuild(jp_server_config: dict, moto_endpoint: str, bucket: str) -> dict:
    """Offer the codebuild backend (first) and docker, both AWS endpoints on the moto_server."""
    jp_server_config["StudioApp"]["image_build_backends"] = ["codebuild", "docker"]
    jp_server_config["CodeBuildBackend"] = {
        "endpoint_url": moto_endpoint,
        "bucket": bucket,
        "role": CODEBUILD_ROLE,
        "poll_interval": 0.05,
    }
    return jp_server_config


def space_with_context(services, jp_root_dir, username: str, dockerfile: str) -> None:
    """A shared space ``vision`` of ``username`` holding a build context ``image``."""
    principal = services.identity.get_user(username).principal()
    services.spaces.create_space(principal, {"name": "vision", "sharing": "shared"})
    context = jp_root_dir / "spaces/vision/image"
    context.mkdir()
    (context / "Dockerfile").write_text(dockerfile)
    (context / "train.py").write_text("print('training')\n")
