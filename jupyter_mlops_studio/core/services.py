"""The services of one studio, built once by StudioApp and reached through the web app settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..spaces.paths import SpacePaths
    from ..spaces.service import SpaceService
    from .artifacts import ArtifactStore
    from .db import Database
    from .policy import AccessPolicy
    from .users import IdentityService

SETTINGS_KEY = "mlops_studio"


@dataclass
class StudioServices:
    db: Database
    identity: IdentityService
    paths: SpacePaths
    spaces: SpaceService
    policy: AccessPolicy
    artifacts: ArtifactStore
    admin_username: str
    max_body_size: int
    max_upload_size: int
    registry: Any = None
    webhooks: Any = None
    sharing: Any = None
    featurestore: Any = None
    images: Any = None
    localruns: Any = None
    gallery: Any = None
    projects: Any = None
    history: Any = None


def services_of(settings: dict[str, Any]) -> StudioServices:
    try:
        return settings[SETTINGS_KEY]
    except KeyError:
        raise RuntimeError(
            "jupyter-mlops-studio's identity provider or authorizer is configured but its server "
            "extension is not loaded: enable `jupyter_mlops_studio` in jpserver_extensions"
        ) from None
