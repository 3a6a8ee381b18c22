"""HTTP of spaces and members (thin: parse, call the service, serialize)."""

from __future__ import annotations

from ..collab.presence import document_path, presence_of
from ..core.handlers import StudioAPIHandler, studio_action


class SpacesHandler(StudioAPIHandler):
    @studio_action("spaces:list")
    async def get(self):
        self.write_list(self.services.spaces.list_spaces(self.principal), key=lambda s: s.name)

    @studio_action("spaces:create")
    async def post(self):
        space = self.services.spaces.create_space(self.principal, self.json_body())
        self.write_json(space.to_json(), status=201)


class SpaceHandler(StudioAPIHandler):
    @studio_action("spaces:read")
    async def get(self, name):
        self.write_json(self.services.spaces.get_space(self.principal, name).to_json())

    @studio_action("spaces:update")
    async def patch(self, name):
        space = self.services.spaces.update_space(self.principal, name, self.json_body())
        self.write_json(space.to_json())

    @studio_action("spaces:delete")
    async def delete(self, name):
        body = self.json_body(required=False)
        space = self.services.spaces.check_delete(self.principal, name, body)
        await self.stop_sessions_under(space.path)
        self.services.spaces.delete_space(self.principal, name, body)
        self.set_status(204)
        self.finish()

    async def stop_sessions_under(self, api_path: str) -> None:
        """Shut down the kernels of a space before its files move to the archive."""
        sm = self.settings["session_manager"]
        for session in await sm.list_sessions():
            if session["path"].startswith(api_path + "/"):
                await sm.delete_session(session["id"])


class MembersHandler(StudioAPIHandler):
    @studio_action("spaces:members:read")
    async def get(self, name):
        members = self.services.spaces.list_members(self.principal, name)
        self.write_list(members, key=lambda m: m.username)


class PresenceHandler(StudioAPIHandler):
    @studio_action("spaces:members:read")
    async def get(self, name):
        manager = self.settings.get("file_id_manager")
        open_documents = []
        for room_id, username in presence_of(self.settings).open_rooms():
            path = document_path(room_id, manager)
            if path is not None:
                open_documents.append((username, path))
        self.write_json(self.services.spaces.presence(self.principal, name, open_documents))


class MemberHandler(StudioAPIHandler):
    @studio_action("spaces:members:manage")
    async def put(self, name, username):
        member = self.services.spaces.set_member(self.principal, name, username, self.json_body())
        self.write_json(member.to_json())

    @studio_action("spaces:members:manage")
    async def delete(self, name, username):
        self.services.spaces.remove_member(self.principal, name, username)
        self.set_status(204)
        self.finish()


HANDLERS = [
    (r"/spaces", SpacesHandler),
    (r"/spaces/([^/]+)", SpaceHandler),
    (r"/spaces/([^/]+)/members", MembersHandler),
    (r"/spaces/([^/]+)/presence", PresenceHandler),
    (r"/spaces/([^/]+)/members/([^/]+)", MemberHandler),
]
