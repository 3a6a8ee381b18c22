"""HTTP of the template gallery (thin)."""

from __future__ import annotations

import asyncio

from ..core.errors import PayloadTooLarge
from ..core.handlers import StudioAPIHandler, _int, studio_action
from .index import FACETS

T = r"/gallery/templates/([^/]+)"
ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/octet-stream")


class _GalleryHandler(StudioAPIHandler):
    @property
    def gallery(self):
        return self.services.gallery


class TemplatesHandler(_GalleryHandler):
    @studio_action("gallery:read")
    async def get(self):
        filters = {f: self.get_query_argument(f, None) for f in FACETS}
        result = await asyncio.to_thread(
            self.gallery.search,
            self.principal,
            self.get_query_argument("q", ""),
            filters,
            _int(self.get_query_argument("limit", "50")),
        )
        self.write_json(result)


class TemplateHandler(_GalleryHandler):
    @studio_action("gallery:read")
    async def get(self, template_id):
        self.write_json(await asyncio.to_thread(self.gallery.get, self.principal, template_id))


class InstantiateHandler(_GalleryHandler):
    @studio_action("gallery:use")
    async def post(self, template_id):
        body = self.json_body()
        result = await asyncio.to_thread(
            self.gallery.instantiate, self.principal, template_id, body
        )
        self.write_json(result, status=201)


class ProblemsHandler(_GalleryHandler):
    @studio_action("gallery:read")
    async def get(self):
        items = await asyncio.to_thread(self.gallery.problems, self.principal)
        self.write_json({"items": items, "next": None})


class RefreshHandler(_GalleryHandler):
    @studio_action("gallery:manage")  # a full synchronous rescan: admins only
    async def post(self):
        self.write_json(await asyncio.to_thread(self.gallery.refresh, self.principal))


class CatalogHandler(_GalleryHandler):
    """A zip body (``Content-Type: application/zip``) or ``{"space_path": ...}`` as JSON."""

    def body_limit(self) -> int:
        return self.services.max_upload_size

    @studio_action("gallery:manage")
    async def post(self):
        kind = self.request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind in ZIP_TYPES:
            args = (self.request.body, None)
        else:
            if len(self.request.body) > self.services.max_body_size:
                raise PayloadTooLarge("a JSON body larger than StudioApp.max_body_size")
            args = (None, self.json_body())
        result = await asyncio.to_thread(self.gallery.add_to_catalog, self.principal, *args)
        self.write_json(result, status=201)


class CatalogTemplateHandler(_GalleryHandler):
    @studio_action("gallery:manage")
    async def delete(self, template_id):
        await asyncio.to_thread(self.gallery.remove_from_catalog, self.principal, template_id)
        self.set_status(204)
        self.finish()


HANDLERS = [
    (r"/gallery/templates", TemplatesHandler),
    (T, TemplateHandler),
    (T + r"/instantiate", InstantiateHandler),
    (r"/gallery/problems", ProblemsHandler),
    (r"/gallery/refresh", RefreshHandler),
    (r"/gallery/catalog", CatalogHandler),
    (r"/gallery/catalog/([^/]+)", CatalogTemplateHandler),
]
