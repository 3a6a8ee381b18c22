"""Python client of the studio REST API, for notebooks, scripts and the ``jupyter studio`` CLI.

>>> from jupyter_mlops_studio.client import StudioClient
>>> studio = StudioClient("http://127.0.0.1:8888/", token="mls_...")
>>> studio.create_space("churn", sharing="shared")
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .featurestore.client import FeatureStoreClient
    from .gallery.client import GalleryClient
    from .images.client import ImagesClient
    from .localrun.client import LocalRunsClient
    from .projects.client import ProjectsClient

API_PATH = "mlops-studio/api/v1"
BINARY_TYPES = frozenset(
    {"application/vnd.apache.parquet", "application/octet-stream", "application/x-npy"}
)


class StudioAPIError(Exception):
    """An error answered by the studio: HTTP status, message and machine-readable reason."""

    def __init__(self, status: int, message: str, reason: str):
        super().__init__(f"{status} {reason}: {message}")
        self.status = status
        self.message = message
        self.reason = reason


class QualityGateFailed(StudioAPIError):
    """A registration refused by the group's quality gate; ``failures`` lists every failed rule."""

    def __init__(self, status: int, message: str, reason: str, failures: list[dict]):
        super().__init__(status, message, reason)
        self.failures = failures


class StudioClient:
    """A thin, typed-by-docstring client of ``/mlops-studio/api/v1`` (standard library only)."""

    def __init__(
        self, base_url: str | None = None, token: str | None = None, timeout: float = 30.0
    ):
        """``StudioClient()`` reads ``STUDIO_URL`` and ``STUDIO_TOKEN`` from the environment."""
        if base_url is None or token is None:
            try:
                base_url = base_url or os.environ["STUDIO_URL"]
                token = token or os.environ["STUDIO_TOKEN"]
            except KeyError as e:
                raise RuntimeError(
                    f"set {e.args[0]} or pass base_url and token to StudioClient"
                ) from None
        if not base_url.endswith("/"):
            base_url += "/"
        self.base_url = base_url
        self.token = token
        self.timeout = timeout

    @classmethod
    def from_env(cls) -> StudioClient:
        """From ``STUDIO_URL`` and ``STUDIO_TOKEN`` (what the CLI and jobs use)."""
        return cls()

    # -- transport ------------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        query: dict | None = None,
        raw: bytes | None = None,
        content_type: str = "application/octet-stream",
        accept: str | None = None,
    ) -> Any:
        """Call the API: JSON in and out; ``raw`` bytes are sent as ``content_type``; a response
        that is not JSON comes back as text, or as bytes when it is binary (Parquet)."""
        url = self.base_url + API_PATH + path
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("Authorization", f"token {self.token}")
        if accept is not None:
            req.add_header("Accept", accept)
        if data is not None:
            kind = content_type if raw is not None else "application/json"
            req.add_header("Content-Type", kind)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                raw = resp.read()
                kind = resp.headers.get_content_type()
                if kind in BINARY_TYPES:
                    return raw
                if kind != "application/json":
                    return raw.decode()
                return json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                err = json.loads(raw)
                message, reason = err["message"], err["reason"]
            except (ValueError, KeyError, TypeError):
                raise StudioAPIError(
                    e.code, raw.decode(errors="replace")[:500], "http-error"
                ) from None
            if reason == "quality-gate-failed":
                raise QualityGateFailed(e.code, message, reason, err.get("failures", [])) from None
            raise StudioAPIError(e.code, message, reason) from None

    def _pages(self, path: str) -> Iterator[dict]:
        after = None
        while True:
            page = self.request("GET", path, query={"limit": 500, "after": after})
            yield from page["items"]
            after = page["next"]
            if after is None:
                return

    @staticmethod
    def _q(name: str) -> str:
        return urllib.parse.quote(name, safe="")

    # -- me, domain -----------------------------------------------------------------------------
    def me(self) -> dict:
        return self.request("GET", "/me")

    def update_me(self, **fields: Any) -> dict:
        return self.request("PATCH", "/me", fields)

    def domain(self) -> dict:
        return self.request("GET", "/domain")

    def update_domain(self, settings: dict | None = None, name: str | None = None) -> dict:
        body: dict[str, Any] = {}
        if settings is not None:
            body["settings"] = settings
        if name is not None:
            body["name"] = name
        return self.request("PATCH", "/domain", body)

    # -- users and tokens -----------------------------------------------------------------------
    def list_users(self) -> list[dict]:
        return list(self._pages("/users"))

    def get_user(self, username: str) -> dict:
        return self.request("GET", f"/users/{self._q(username)}")

    def create_user(
        self,
        username: str,
        personas: list[str],
        password: str | None = None,
        display_name: str | None = None,
    ) -> dict:
        body: dict[str, Any] = {"username": username, "personas": personas}
        if password is not None:
            body["password"] = password
        if display_name is not None:
            body["display_name"] = display_name
        return self.request("POST", "/users", body)

    def update_user(self, username: str, **fields: Any) -> dict:
        return self.request("PATCH", f"/users/{self._q(username)}", fields)

    def delete_user(self, username: str) -> None:
        self.request("DELETE", f"/users/{self._q(username)}")

    def create_token(
        self, username: str | None = None, description: str = "", expires_in_days: int | None = None
    ) -> dict:
        """A new token (``["token"]`` is the secret, shown only now); yours unless ``username``."""
        path = "/me/tokens" if username is None else f"/users/{self._q(username)}/tokens"
        body = {"description": description, "expires_in_days": expires_in_days}
        return self.request("POST", path, body)

    def list_tokens(self, username: str | None = None) -> list[dict]:
        return list(
            self._pages("/me/tokens" if username is None else f"/users/{self._q(username)}/tokens")
        )

    def revoke_token(self, token_id: int, username: str | None = None) -> None:
        base = "/me/tokens" if username is None else f"/users/{self._q(username)}/tokens"
        self.request("DELETE", f"{base}/{int(token_id)}")

    # -- spaces ---------------------------------------------------------------------------------
    def list_spaces(self) -> list[dict]:
        return list(self._pages("/spaces"))

    def get_space(self, name: str) -> dict:
        return self.request("GET", f"/spaces/{self._q(name)}")

    def create_space(self, name: str, sharing: str = "private", description: str = "") -> dict:
        return self.request(
            "POST", "/spaces", {"name": name, "sharing": sharing, "description": description}
        )

    def update_space(self, name: str, **fields: Any) -> dict:
        return self.request("PATCH", f"/spaces/{self._q(name)}", fields)

    def delete_space(self, name: str) -> None:
        """Archive the space's files and remove it (the name is the confirmation)."""
        self.request("DELETE", f"/spaces/{self._q(name)}", {"confirm": name})

    def list_members(self, name: str) -> list[dict]:
        return list(self._pages(f"/spaces/{self._q(name)}/members"))

    def set_member(self, name: str, username: str, role: str) -> dict:
        return self.request(
            "PUT", f"/spaces/{self._q(name)}/members/{self._q(username)}", {"role": role}
        )

    def remove_member(self, name: str, username: str) -> None:
        self.request("DELETE", f"/spaces/{self._q(name)}/members/{self._q(username)}")

    def document_history(self, path: str) -> list[dict]:
        """Kept versions of a collaborative document (``spaces/<space>/…``), newest first."""
        return self.request("GET", f"/collab/history?path={self._q(path)}")["items"]

    def document_version(self, path: str, version: int) -> dict:
        return self.request("GET", f"/collab/history/{int(version)}?path={self._q(path)}")

    def save_document_version(self, path: str, label: str | None = None) -> dict:
        """Keep the document as it is now (its open room's content, else the file) as a version
        (editors)."""
        body = {} if label is None else {"label": label}
        return self.request("POST", f"/collab/history?path={self._q(path)}", body)

    def restore_document_version(self, path: str, version: int) -> dict:
        """Write a kept version back to the file (editors); the current content is kept first."""
        url = f"/collab/history/{int(version)}/restore?path={self._q(path)}"
        return self.request("POST", url, {})

    def presence(self, name: str) -> dict:
        """Who has which document of the space open now: ``{space, people: [{username,
        display_name, documents}]}``."""
        return self.request("GET", f"/spaces/{self._q(name)}/presence")

    def openapi(self) -> str:
        return self.request("GET", "/openapi.yaml")

    @property
    def registry(self) -> RegistryClient:
        """The model registry: ``studio.registry.register("churn", "model/", metrics={...})``."""
        return RegistryClient(self)

    @property
    def images(self) -> ImagesClient:
        """Container image builds: ``studio.images.build("spaces/team/image", "team/train")``,
        ``studio.images.follow(build_id)`` for the log, ``studio.images.check(content=...)``."""
        from .images.client import ImagesClient

        return ImagesClient(self)

    @property
    def featurestore(self) -> FeatureStoreClient:
        """The feature store: ``studio.featurestore.group("customers").get_record("c1")``
        (needs pyarrow and pandas, installed with the studio)."""
        from .featurestore.client import FeatureStoreClient

        return FeatureStoreClient(self)

    @property
    def local(self) -> LocalRunsClient:
        """Local training runs and endpoints in the SageMaker layout, without Docker:
        ``studio.local.train("spaces/team/train.py", {"C": 0.5}, {"train": "spaces/team/data"})``.
        """
        from .localrun.client import LocalRunsClient

        return LocalRunsClient(self)

    @property
    def gallery(self) -> GalleryClient:
        """The template gallery: ``studio.gallery.use("tabular-classification", "team")``."""
        from .gallery.client import GalleryClient

        return GalleryClient(self)

    @property
    def projects(self) -> ProjectsClient:
        """MLOps projects: ``studio.projects.create("churn", "team", "project-build-deploy")``."""
        from .projects.client import ProjectsClient

        return ProjectsClient(self)

    @property
    def snapshots(self) -> SnapshotsClient:
        """Notebook snapshots and share links: ``studio.snapshots.share(snap["id"])``."""
        return SnapshotsClient(self)


class RegistryClient:
    """Model package groups and versions through the registry API."""

    def __init__(self, client: StudioClient):
        self.client = client
        self._q = client._q

    def create_group(self, name: str, **fields: Any) -> dict:
        return self.client.request("POST", "/registry/groups", {"name": name, **fields})

    def groups(self) -> list[dict]:
        return self.client.request("GET", "/registry/groups")["items"]

    def group(self, name: str) -> dict:
        return self.client.request("GET", f"/registry/groups/{self._q(name)}")

    def set_rules(self, group: str, rules: list[dict]) -> dict:
        return self.client.request(
            "PUT", f"/registry/groups/{self._q(group)}/rules", {"rules": rules}
        )

    def upload(self, path: str | os.PathLike) -> dict:
        """Upload a local file, or a folder as a reproducible tar."""
        from .registry.packing import pack

        return self.client.request("POST", "/registry/uploads", raw=pack(path))

    def register(
        self,
        group: str,
        artifact_path: str | os.PathLike | None = None,
        *,
        space_path: str | None = None,
        s3_uri: str | None = None,
        metrics: dict[str, float] | None = None,
        **fields: Any,
    ) -> dict:
        """Register a version; a refusal by the quality gate raises :class:`QualityGateFailed`.

        ``artifact_path`` is a local file or folder (uploaded); ``space_path`` a path in one of
        your spaces (copied by the server); ``s3_uri`` is referenced as it is.
        """
        body: dict[str, Any] = {"metrics": metrics or {}, **fields}
        if artifact_path is not None:
            body["artifact"] = {"upload_id": self.upload(artifact_path)["upload_id"]}
        elif space_path is not None:
            body["artifact"] = {"space_path": space_path}
        elif s3_uri is not None:
            body["artifact"] = {"s3_uri": s3_uri}
        return self.client.request("POST", f"/registry/groups/{self._q(group)}/versions", body)

    def version(self, group: str, ref: int | str) -> dict:
        """One version by number or alias (``version("churn", "production")``)."""
        return self.client.request(
            "GET", f"/registry/groups/{self._q(group)}/versions/{self._q(str(ref))}"
        )

    def versions(self, group: str) -> list[dict]:
        return list(self.client._pages(f"/registry/groups/{self._q(group)}/versions"))

    def set_status(self, group: str, ref: int | str, status: str, comment: str) -> dict:
        return self.client.request(
            "POST",
            f"/registry/groups/{self._q(group)}/versions/{self._q(str(ref))}/status",
            {"status": status, "comment": comment},
        )

    def approve(self, group: str, ref: int | str, comment: str) -> dict:
        return self.set_status(group, ref, "Approved", comment)

    def reject(self, group: str, ref: int | str, comment: str) -> dict:
        return self.set_status(group, ref, "Rejected", comment)

    def audit(self, group: str, ref: int | str) -> list[dict]:
        return self.client.request(
            "GET", f"/registry/groups/{self._q(group)}/versions/{self._q(str(ref))}/audit"
        )["items"]

    def set_alias(self, group: str, alias: str, version: int) -> dict:
        return self.client.request(
            "PUT",
            f"/registry/groups/{self._q(group)}/aliases/{self._q(alias)}",
            {"version": version},
        )

    def search(self, filter: str | None = None, order_by: str | None = None) -> list[dict]:
        out, after = [], None
        while True:
            page = self.client.request(
                "GET",
                "/registry/versions",
                query={"filter": filter, "order_by": order_by, "limit": 500, "after": after},
            )
            out.extend(page["items"])
            after = page["next"]
            if after is None:
                return out


class SnapshotsClient:
    """Notebook snapshots, their share links, and opening what was shared with you."""

    def __init__(self, client: StudioClient):
        self.client = client
        self._q = client._q

    def create(self, path: str, **fields: Any) -> dict:
        """Snapshot a notebook (``title``, ``description``, ``include_outputs``)."""
        return self.client.request("POST", "/snapshots", {"path": path, **fields})

    def list(self, scope: str = "mine") -> list[dict]:
        """Your snapshots (``mine``) or those shared with you (``shared``)."""
        return self.client.request("GET", "/snapshots", query={"scope": scope})["items"]

    def get(self, snapshot_id: str) -> dict:
        return self.client.request("GET", f"/snapshots/{self._q(snapshot_id)}")

    def notebook(self, snapshot_id: str) -> dict:
        return self.client.request("GET", f"/snapshots/{self._q(snapshot_id)}/notebook")

    def diff(self, snapshot_id: str, other_id: str) -> dict:
        return self.client.request(
            "GET", f"/snapshots/{self._q(snapshot_id)}/diff", query={"to": other_id}
        )

    def share(self, snapshot_id: str, users: list[str] | None = None, **fields: Any) -> dict:
        """A share link (for ``users``, else the whole domain); its token is shown only here."""
        body = {"audience": "users", "users": users} if users else {"audience": "domain"}
        return self.client.request(
            "POST", f"/snapshots/{self._q(snapshot_id)}/links", {**body, **fields}
        )

    def links(self, snapshot_id: str) -> list[dict]:
        return self.client.request("GET", f"/snapshots/{self._q(snapshot_id)}/links")["items"]

    def update_link(self, link_id: str, **fields: Any) -> dict:
        """Change a link's ``label`` or ``expires_in_days``."""
        return self.client.request("PATCH", f"/links/{self._q(link_id)}", fields)

    def revoke(self, link_id: str) -> dict:
        return self.client.request("DELETE", f"/links/{self._q(link_id)}")

    def opens(self, link_id: str) -> list[dict]:
        return self.client.request("GET", f"/links/{self._q(link_id)}/opens")["items"]

    def open(self, token: str) -> dict:
        """What a share link shows: ``{"snapshot": …, "notebook": …}`` (the open is recorded)."""
        return self.client.request("GET", f"/shared/{self._q(token)}")

    def copy(self, token: str, space: str | None = None, name: str | None = None) -> dict:
        body = {k: x for k, x in (("space", space), ("name", name)) if x is not None}
        return self.client.request("POST", f"/shared/{self._q(token)}/copy", body)
