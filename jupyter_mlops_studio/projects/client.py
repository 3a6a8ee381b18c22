"""Projects part of the Python client (``StudioClient().projects``).

>>> projects = StudioClient().projects
>>> p = projects.create("churn", "team", "project-build-deploy", {"min_accuracy": 0.8})
>>> p["repository"], p["model_group"]
>>> projects.delete("churn")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..client import StudioClient


class ProjectsClient:
    """MLOps projects: create from a project template, list, look up, archive."""

    def __init__(self, client: StudioClient):
        self.client = client
        self._q = client._q

    def create(
        self, name: str, space: str, template: str, parameters: dict[str, Any] | None = None
    ) -> dict:
        """A git repository with one commit, a model group and a service account (all or
        nothing); returns the project (``status`` CreateCompleted)."""
        body: dict[str, Any] = {"name": name, "space": space, "template": template}
        if parameters:
            body["parameters"] = parameters
        return self.client.request("POST", "/projects", body)

    def list(self) -> list[dict]:
        return self.client.request("GET", "/projects")["items"]

    def get(self, name: str) -> dict:
        return self.client.request("GET", f"/projects/{self._q(name)}")

    def delete(self, name: str) -> dict:
        """Archive the project: its repository moves to the archive, the group stays, the
        service account's token is revoked."""
        return self.client.request("DELETE", f"/projects/{self._q(name)}", {"confirm": name})
