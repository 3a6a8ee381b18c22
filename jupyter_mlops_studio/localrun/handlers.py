"""HTTP of local training runs and local endpoints (thin: parse, call the service, serialize)."""

from __future__ import annotations

import asyncio

from ..core.errors import InvalidInput
from ..core.handlers import StudioAPIHandler, studio_action


def _digits(handler, name: str, default: str, max_length: int) -> int:
    raw = handler.get_query_argument(name, default)
    if not (raw.isascii() and raw.isdigit()) or len(raw) > max_length:
        raise InvalidInput(f"{name} must be a non-negative integer", reason=f"invalid-{name}")
    return int(raw)


class _LocalHandler(StudioAPIHandler):
    @property
    def localruns(self):
        return self.services.localruns

    async def call(self, fn, *args):
        """Run a blocking service call (process stops, proxied invocations) off the IO loop."""
        return await asyncio.get_running_loop().run_in_executor(None, fn, *args)

    def write_page(self, kind: str) -> None:
        limit = _digits(self, "limit", "100", 4)
        after = self.get_query_argument("after", None)
        items, cursor = self.localruns.list_runs(self.principal, kind, limit, after)
        self.write_json({"items": items, "next": cursor})


class RunsHandler(_LocalHandler):
    @studio_action("localrun:use")
    async def get(self):
        self.write_page("training")

    @studio_action("localrun:use")
    async def post(self):
        self.write_json(self.localruns.start_training(self.principal, self.json_body()), 201)


class RunHandler(_LocalHandler):
    @studio_action("localrun:use")
    async def get(self, run_id):
        self.write_json(self.localruns.get_run(self.principal, run_id))

    @studio_action("localrun:use")
    async def delete(self, run_id):
        self.write_json(await self.call(self.localruns.stop_run, self.principal, run_id))


class RunLogsHandler(_LocalHandler):
    @studio_action("localrun:use")
    async def get(self, run_id):
        offset = _digits(self, "offset", "0", 15)
        self.write_json(self.localruns.logs(self.principal, run_id, offset))


class EndpointsHandler(_LocalHandler):
    @studio_action("localrun:use")
    async def get(self):
        self.write_page("serving")

    @studio_action("localrun:use")
    async def post(self):
        self.write_json(self.localruns.start_endpoint(self.principal, self.json_body()), 201)


class EndpointHandler(_LocalHandler):
    @studio_action("localrun:use")
    async def get(self, endpoint_id):
        self.write_json(self.localruns.get_endpoint(self.principal, endpoint_id))

    @studio_action("localrun:use")
    async def delete(self, endpoint_id):
        self.write_json(await self.call(self.localruns.stop_endpoint, self.principal, endpoint_id))


class InvocationsHandler(_LocalHandler):
    """One request to the endpoint's predictor; its answer is returned as it is."""

    @studio_action("localrun:use")
    async def post(self, endpoint_id):
        body, kind = await self.call(
            self.localruns.invoke,
            self.principal,
            endpoint_id,
            self.request.body or b"",
            self.request.headers.get("Content-Type"),
            self.request.headers.get("Accept"),
        )
        self.finish(body, set_content_type=kind)


HANDLERS = [
    (r"/local-runs", RunsHandler),
    (r"/local-runs/([^/]+)", RunHandler),
    (r"/local-runs/([^/]+)/logs", RunLogsHandler),
    (r"/local-endpoints", EndpointsHandler),
    (r"/local-endpoints/([^/]+)", EndpointHandler),
    (r"/local-endpoints/([^/]+)/invocations", InvocationsHandler),
]
