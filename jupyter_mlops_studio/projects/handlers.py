"""HTTP of MLOps projects (thin)."""

from __future__ import annotations

import asyncio

from ..core.handlers import StudioAPIHandler, studio_action


class _ProjectHandler(StudioAPIHandler):
    @property
    def projects(self):
        return self.services.projects


class ProjectsHandler(_ProjectHandler):
    @studio_action("projects:read")
    async def get(self):
        items = await asyncio.to_thread(self.projects.list_projects, self.principal)
        self.write_json({"items": items, "next": None})

    @studio_action("projects:create")
    async def post(self):
        body = self.json_body()
        result = await asyncio.to_thread(self.projects.create_project, self.principal, body)
        self.write_json(result, status=201)


class ProjectHandler(_ProjectHandler):
    @studio_action("projects:read")
    async def get(self, name):
        self.write_json(await asyncio.to_thread(self.projects.get_project, self.principal, name))

    @studio_action("projects:delete")
    async def delete(self, name):
        body = self.json_body(required=False)
        result = await asyncio.to_thread(self.projects.delete_project, self.principal, name, body)
        self.write_json(result)


HANDLERS = [
    (r"/projects", ProjectsHandler),
    (r"/projects/([^/]+)", ProjectHandler),
]
