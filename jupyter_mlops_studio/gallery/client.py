"""Gallery part of the Python client (``StudioClient().gallery``).

>>> gallery = StudioClient().gallery
>>> gallery.search("classification", framework="scikit-learn")["items"]
>>> gallery.get("tabular-classification")["parameters"]
>>> gallery.use("tabular-classification", "team", parameters={"test_size": 0.3})["main"]
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..client import StudioClient


class GalleryClient:
    """Templates: search with facets, details, instantiation into a space, the domain catalog."""

    def __init__(self, client: StudioClient):
        self.client = client
        self._q = client._q

    def search(
        self,
        q: str = "",
        *,
        type: str | None = None,
        task: str | None = None,
        framework: str | None = None,
        fine_tunable: bool | None = None,
        limit: int = 50,
    ) -> dict:
        """``{total, items, facets, problems}``; facets count each facet over the query and
        the other filters."""
        query = {
            "q": q or None,
            "type": type,
            "task": task,
            "framework": framework,
            "fine_tunable": None if fine_tunable is None else str(fine_tunable).lower(),
            "limit": limit,
        }
        return self.client.request("GET", "/gallery/templates", query=query)

    def get(self, template_id: str) -> dict:
        """The manifest, its parameters and the files instantiation copies."""
        return self.client.request("GET", f"/gallery/templates/{self._q(template_id)}")

    def use(
        self,
        template_id: str,
        space: str,
        parameters: dict[str, Any] | None = None,
        folder: str | None = None,
        exact: bool = False,
    ) -> dict:
        """Copy a template into ``space`` (a new folder, ``<id>-2`` … when taken; with
        ``exact``, 409 instead). Returns ``{folder, files, main}``, paths from the server root."""
        body: dict[str, Any] = {"space": space, "parameters": parameters or {}, "exact": exact}
        if folder is not None:
            body["folder"] = folder
        return self.client.request(
            "POST", f"/gallery/templates/{self._q(template_id)}/instantiate", body
        )

    def problems(self) -> list[dict]:
        """Templates that could not be offered, with the reason and where they are."""
        return self.client.request("GET", "/gallery/problems")["items"]

    def refresh(self) -> dict:
        return self.client.request("POST", "/gallery/refresh")

    def add(self, path: str | os.PathLike | None = None, space_path: str | None = None) -> dict:
        """Admins: add a template folder (zipped here) or a folder of a space to the catalog."""
        if space_path is not None:
            return self.client.request("POST", "/gallery/catalog", {"space_path": space_path})
        if path is None:
            raise ValueError("give path or space_path")
        return self.client.request(
            "POST", "/gallery/catalog", raw=zip_folder(path), content_type="application/zip"
        )

    def remove(self, template_id: str) -> None:
        """Admins: remove a template from the domain catalog."""
        self.client.request("DELETE", f"/gallery/catalog/{self._q(template_id)}")


def zip_folder(path: str | os.PathLike) -> bytes:
    """A folder's files as a zip (relative names, links skipped)."""
    root = Path(path)
    if not root.is_dir():
        raise ValueError(f"{root} is not a folder")
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(root.rglob("*")):
            if file.is_file() and not file.is_symlink():
                archive.write(file, file.relative_to(root).as_posix())
    return sink.getvalue()
