"""HTTP of the model registry (thin: parse, call the services, serialize)."""

from __future__ import annotations

from ..core.errors import InvalidInput
from ..core.handlers import StudioAPIHandler, studio_action


def _page_args(handler) -> tuple[int, str | None]:
    raw = handler.get_query_argument("limit", "100")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 4:
        raise InvalidInput("limit must be an integer 1-500", reason="invalid-limit")
    return int(raw), handler.get_query_argument("after", None)


class _RegistryHandler(StudioAPIHandler):
    @property
    def registry(self):
        return self.services.registry

    @property
    def webhooks(self):
        return self.services.webhooks

    def write_page(self, items, next_cursor) -> None:
        self.write_json({"items": items, "next": next_cursor})


class GroupsHandler(_RegistryHandler):
    @studio_action("registry:read")
    async def get(self):
        self.write_page(self.registry.list_groups(self.principal), None)

    @studio_action("registry:groups")
    async def post(self):
        self.write_json(self.registry.create_group(self.principal, self.json_body()), status=201)


class GroupHandler(_RegistryHandler):
    @studio_action("registry:read")
    async def get(self, group):
        self.write_json(self.registry.get_group(self.principal, group))

    @studio_action("registry:groups")
    async def patch(self, group):
        self.write_json(self.registry.update_group(self.principal, group, self.json_body()))

    @studio_action("registry:groups")
    async def delete(self, group):
        self.registry.delete_group(self.principal, group, self.json_body(required=False))
        self.set_status(204)
        self.finish()


class RulesHandler(_RegistryHandler):
    @studio_action("registry:groups")
    async def put(self, group):
        self.write_json(self.registry.set_rules(self.principal, group, self.json_body()))


class VersionsHandler(_RegistryHandler):
    @studio_action("registry:read")
    async def get(self, group):
        limit, after = _page_args(self)
        self.write_page(*self.registry.list_versions(self.principal, group, limit, after))

    @studio_action("registry:register")
    async def post(self, group):
        version = self.registry.register_version(self.principal, group, self.json_body())
        self.write_json(version, status=201)


class VersionHandler(_RegistryHandler):
    @studio_action("registry:read")
    async def get(self, group, ref):
        self.write_json(self.registry.get_version(self.principal, group, ref))

    @studio_action("registry:register")
    async def patch(self, group, ref):
        self.write_json(self.registry.update_version(self.principal, group, ref, self.json_body()))


class StatusHandler(_RegistryHandler):
    @studio_action("registry:approve")
    async def post(self, group, ref):
        self.write_json(self.registry.set_status(self.principal, group, ref, self.json_body()))


class AuditHandler(_RegistryHandler):
    @studio_action("registry:read")
    async def get(self, group, ref):
        self.write_page(self.registry.audit(self.principal, group, ref), None)


class AliasHandler(_RegistryHandler):
    @studio_action("registry:groups")
    async def put(self, group, alias):
        self.write_json(self.registry.set_alias(self.principal, group, alias, self.json_body()))

    @studio_action("registry:groups")
    async def delete(self, group, alias):
        self.registry.delete_alias(self.principal, group, alias)
        self.set_status(204)
        self.finish()


class SearchHandler(_RegistryHandler):
    @studio_action("registry:read")
    async def get(self):
        limit, after = _page_args(self)
        items, cursor = self.registry.search_versions(
            self.principal,
            self.get_query_argument("filter", None),
            self.get_query_argument("order_by", None),
            limit,
            after,
        )
        self.write_page(items, cursor)


class UploadHandler(_RegistryHandler):
    """Raw bytes of an artifact (a file, or a folder as tar), up to StudioApp.max_upload_size."""

    def body_limit(self) -> int:
        return self.services.max_upload_size

    @studio_action("registry:register")
    async def post(self):
        self.write_json(self.registry.upload(self.principal, self.request.body), status=201)


def _webhook_id(raw: str) -> int | str:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else raw


class WebhooksHandler(_RegistryHandler):
    @studio_action("registry:webhooks")
    async def get(self):
        self.write_page(self.webhooks.list_webhooks(self.principal), None)

    @studio_action("registry:webhooks")
    async def post(self):
        self.write_json(self.webhooks.create_webhook(self.principal, self.json_body()), status=201)


class WebhookHandler(_RegistryHandler):
    @studio_action("registry:webhooks")
    async def get(self, hook):
        self.write_json(self.webhooks.get_webhook(self.principal, _webhook_id(hook)))

    @studio_action("registry:webhooks")
    async def patch(self, hook):
        self.write_json(
            self.webhooks.update_webhook(self.principal, _webhook_id(hook), self.json_body())
        )

    @studio_action("registry:webhooks")
    async def delete(self, hook):
        self.webhooks.delete_webhook(self.principal, _webhook_id(hook))
        self.set_status(204)
        self.finish()


class WebhookTestHandler(_RegistryHandler):
    @studio_action("registry:webhooks")
    async def post(self, hook):
        self.write_json(self.webhooks.send_test(self.principal, _webhook_id(hook)), status=202)


class DeliveriesHandler(_RegistryHandler):
    @studio_action("registry:webhooks")
    async def get(self, hook):
        self.write_page(self.webhooks.list_deliveries(self.principal, _webhook_id(hook)), None)


G = r"/registry/groups/([^/]+)"
HANDLERS = [
    (r"/registry/groups", GroupsHandler),
    (G, GroupHandler),
    (G + r"/rules", RulesHandler),
    (G + r"/versions", VersionsHandler),
    (G + r"/versions/([^/]+)", VersionHandler),
    (G + r"/versions/([^/]+)/status", StatusHandler),
    (G + r"/versions/([^/]+)/audit", AuditHandler),
    (G + r"/aliases/([^/]+)", AliasHandler),
    (r"/registry/versions", SearchHandler),
    (r"/registry/uploads", UploadHandler),
    (r"/registry/webhooks", WebhooksHandler),
    (r"/registry/webhooks/([^/]+)", WebhookHandler),
    (r"/registry/webhooks/([^/]+)/test", WebhookTestHandler),
    (r"/registry/webhooks/([^/]+)/deliveries", DeliveriesHandler),
]
