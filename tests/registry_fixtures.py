"""Registry services built directly on a fresh database (no HTTP), for service-level tests."""

from __future__ import annotations

import pytest

from jupyter_mlops_studio.core.artifacts import LocalArtifactStore
from jupyter_mlops_studio.core.db import Database
from jupyter_mlops_studio.core.policy import AccessPolicy
from jupyter_mlops_studio.core.users import IdentityService
from jupyter_mlops_studio.registry.service import RegistryService
from jupyter_mlops_studio.spaces.paths import SpacePaths
from jupyter_mlops_studio.spaces.service import SpaceService


@pytest.fixture
def registry(tmp_path, studio_db_url):
    db = Database(studio_db_url)
    db.ensure_schema()
    identity = IdentityService(db)
    identity.ensure_domain()
    root = tmp_path / "root"
    root.mkdir()
    paths = SpacePaths(root, "spaces")
    paths.spaces_dir.mkdir()
    spaces = SpaceService(db, identity, paths, tmp_path / "archive")
    artifacts = LocalArtifactStore(root_dir=str(tmp_path / "artifacts"))
    artifacts.check()
    service = RegistryService(
        db, identity, spaces, paths, AccessPolicy(paths, spaces.roles_of), artifacts
    )
    yield service
    db.dispose()


@pytest.fixture
def people(registry):
    """admin, dana (data scientist), olga (mlops), bot (compute) as principals."""
    out = {}
    for name, personas in [
        ("admin", ["admin"]),
        ("dana", ["data-scientist"]),
        ("olga", ["mlops"]),
        ("bot", ["compute"]),
    ]:
        out[name] = registry.identity.create_user(name, personas).principal()
    return out
