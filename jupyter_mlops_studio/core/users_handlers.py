"""HTTP of the signed-in user, the domain, user profiles and tokens (thin handlers)."""

from __future__ import annotations

from . import validation as v
from .errors import Forbidden, InvalidInput
from .handlers import StudioAPIHandler, studio_action
from .permissions import permissions_of
from .users import TokenInfo


def _token_id(raw: str) -> int | str:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else raw


class MeHandler(StudioAPIHandler):
    @studio_action("me:read")
    async def get(self):
        p = self.principal
        terminals = self.services.identity.domain_setting("allow_terminals")
        self.write_json(
            {
                "username": p.username,
                "display_name": p.display_name,
                "personas": sorted(p.personas),
                "permissions": permissions_of(p, terminals_open=terminals),
                "is_admin": p.is_admin,
            }
        )

    @studio_action("me:update")
    async def patch(self):
        body = v.require_dict(self.json_body())
        v.reject_unknown(body, {"display_name", "password", "current_password"})
        identity = self.services.identity
        me = identity.get_user(self.principal.username)
        if "password" in body and me.has_password and not self.principal.via_server_token:
            current = body.get("current_password")
            if not isinstance(current, str) or not identity.check_password(me.username, current):
                raise Forbidden("current_password is wrong", reason="wrong-password")
        body.pop("current_password", None)
        self.write_json(identity.update_user(me.username, body).to_json())


class MyTokensHandler(StudioAPIHandler):
    @studio_action("me:tokens")
    async def get(self):
        tokens = self.services.identity.list_tokens(self.principal.username)
        self.write_list(tokens, key=lambda t: f"{t.id:012d}")

    @studio_action("me:tokens")
    async def post(self):
        self.write_json(_create_token(self, self.principal.username), status=201)


class MyTokenHandler(StudioAPIHandler):
    @studio_action("me:tokens")
    async def delete(self, token_id):
        self.services.identity.revoke_token(self.principal.username, _token_id(token_id))
        self.set_status(204)
        self.finish()


def _create_token(handler: StudioAPIHandler, username: str) -> dict:
    body = v.require_dict(handler.json_body(required=False) or {})
    v.reject_unknown(body, {"description", "expires_in_days"})
    token, info = handler.services.identity.create_token(
        username, body.get("description", ""), body.get("expires_in_days")
    )
    return {"token": token, **info.to_json()}


class DomainHandler(StudioAPIHandler):
    @studio_action("domain:read")
    async def get(self):
        self.write_json(self.services.identity.get_domain())

    @studio_action("domain:update")
    async def patch(self):
        self.write_json(self.services.identity.update_domain(self.json_body()))


class UsersHandler(StudioAPIHandler):
    @studio_action("users:list")
    async def get(self):
        users = self.services.identity.list_users()
        self.write_list(users, key=lambda u: u.username)

    @studio_action("users:create")
    async def post(self):
        body = v.require_dict(self.json_body())
        v.reject_unknown(body, {"username", "password", "display_name", "personas"})
        for required in ("username", "personas"):
            if required not in body:
                raise InvalidInput(f"missing field: {required}", reason="missing-field")
        user = self.services.identity.create_user(
            body["username"], body["personas"], body.get("display_name"), body.get("password")
        )
        self.write_json(user.to_json(), status=201)


class UserHandler(StudioAPIHandler):
    @studio_action("users:read")
    async def get(self, username):
        self.write_json(self.services.identity.get_user(username).to_json())

    @studio_action("users:update")
    async def patch(self, username):
        self.write_json(self.services.identity.update_user(username, self.json_body()).to_json())

    @studio_action("users:delete")
    async def delete(self, username):
        identity = self.services.identity
        identity.get_user(username)  # 404 before anything else
        identity.archive_user(username, self.services.spaces.owned_by(username))
        self.set_status(204)
        self.finish()


class UserTokensHandler(StudioAPIHandler):
    @studio_action("users:tokens")
    async def get(self, username):
        tokens: list[TokenInfo] = self.services.identity.list_tokens(username)
        self.write_list(tokens, key=lambda t: f"{t.id:012d}")

    @studio_action("users:tokens")
    async def post(self, username):
        self.write_json(_create_token(self, username), status=201)


class UserTokenHandler(StudioAPIHandler):
    @studio_action("users:tokens")
    async def delete(self, username, token_id):
        self.services.identity.revoke_token(username, _token_id(token_id))
        self.set_status(204)
        self.finish()


HANDLERS = [
    (r"/me", MeHandler),
    (r"/me/tokens", MyTokensHandler),
    (r"/me/tokens/([^/]+)", MyTokenHandler),
    (r"/domain", DomainHandler),
    (r"/users", UsersHandler),
    (r"/users/([^/]+)", UserHandler),
    (r"/users/([^/]+)/tokens", UserTokensHandler),
    (r"/users/([^/]+)/tokens/([^/]+)", UserTokenHandler),
]
