"""Fixtures: a real Jupyter server with the studio (pytest-jupyter), users, and an API caller.

The suite runs against SQLite by default and against PostgreSQL when STUDIO_TEST_POSTGRES_URL is
set (each test gets a database of its own there).
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from sqlalchemy import create_engine, text

pytest_plugins = (
    "pytest_jupyter.jupyter_server",
    "moto_fixture",
    "registry_fixtures",
    "featurestore_fixtures",
)

POSTGRES_URL = os.environ.get("STUDIO_TEST_POSTGRES_URL", "")


@pytest.fixture
def studio_db_url(tmp_path):
    """A fresh, empty database URL: a SQLite file, or a new PostgreSQL database."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'studio.db'}"
        return
    name = f"studio_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = urlparse(POSTGRES_URL)._replace(path=f"/{name}").geturl()
    yield url
    with admin.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :n AND pid <> pg_backend_pid()"
            ),
            {"n": name},
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture
def studio_data_dir(tmp_path):
    return tmp_path / "studio-data"


@pytest.fixture
def jp_server_config(studio_data_dir, studio_db_url):
    return {
        "ServerApp": {
            "jpserver_extensions": {
                "jupyter_mlops_studio": True,
                "jupyter_server_ydoc": True,
                "jupyter_server_fileid": True,
                "jupyter_server_terminals": True,
            },
        },
        "StudioApp": {"data_dir": str(studio_data_dir), "db_url": studio_db_url},
    }


@pytest.fixture
def services(jp_serverapp):
    return jp_serverapp.web_app.settings["mlops_studio"]


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict

    @property
    def json(self):
        return json.loads(self.body) if self.body else None


@pytest.fixture
def request_as(jp_serverapp, http_server_client, jp_base_url):
    """``await request_as(token, "GET", "/api/contents/x", body=...)`` -> Response.

    The URL is sent exactly as given (no escaping), so that encoded traversal can be tried;
    ``token=None`` sends an anonymous request.
    """

    async def fetch(token, method, url, body=None, headers=None):
        hdrs = dict(headers or {})
        if token is not None:
            hdrs["Authorization"] = f"token {token}"
        if isinstance(body, dict | list):
            body = json.dumps(body)
        if method in ("POST", "PUT", "PATCH") and body is None:
            body = ""
        r = await http_server_client.fetch(
            jp_base_url.rstrip("/") + url,
            method=method,
            body=body,
            headers=hdrs,
            raise_error=False,
            follow_redirects=False,
            allow_nonstandard_methods=True,
        )
        return Response(r.code, r.body or b"", dict(r.headers))

    return fetch


API = "/mlops-studio/api/v1"


@pytest.fixture
def api(request_as):
    """``await api(token, "POST", "/spaces", {...})`` against the studio REST API."""

    async def call(token, method, path, body=None, headers=None):
        return await request_as(token, method, API + path, body, headers)

    return call


@pytest.fixture
def admin_token(jp_serverapp):
    """The server's own token: it acts as the domain admin."""
    return jp_serverapp.identity_provider.token


@pytest.fixture
def make_user(services):
    """Create a user profile and return an API token for it."""

    def make(username, personas=("data-scientist",), password=None):
        services.identity.create_user(username, list(personas), None, password)
        token, _ = services.identity.create_token(username, "test")
        return token

    return make


@pytest.fixture
def server_url(jp_serverapp, jp_http_port, http_server_client):
    """The URL of the running test server (http_server_client makes it serve)."""
    return f"http://127.0.0.1:{jp_http_port}{jp_serverapp.base_url}"
