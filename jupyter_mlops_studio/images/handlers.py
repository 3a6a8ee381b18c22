"""HTTP of image builds (thin); the log is also a server-sent event stream."""

from __future__ import annotations

import asyncio
import json

from tornado.iostream import StreamClosedError

from ..core.errors import InvalidInput
from ..core.handlers import StudioAPIHandler, studio_action

B = r"/images/builds/([^/]+)"
POLL_SECONDS = 0.25


def _after(handler) -> int:
    # an EventSource reconnects to the same URL with Last-Event-ID: that wins over ?after=
    raw = handler.request.headers.get("Last-Event-ID") or handler.get_query_argument("after", "0")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise InvalidInput("after must be a line number", reason="invalid-type")
    return int(raw)


class _ImagesHandler(StudioAPIHandler):
    @property
    def images(self):
        return self.services.images


class BackendsHandler(_ImagesHandler):
    @studio_action("images:read")
    async def get(self):
        info = await asyncio.to_thread(self.images.backends_info, self.principal)
        self.write_json({"items": info, "next": None})


class BuildsHandler(_ImagesHandler):
    @studio_action("images:read")
    async def get(self):
        space = self.get_query_argument("space", None)
        self.write_json({"items": self.images.list_builds(self.principal, space), "next": None})

    @studio_action("images:build")
    async def post(self):
        body = self.json_body()
        build = await asyncio.to_thread(self.images.start_build, self.principal, body)
        self.write_json(build, status=201 if build["cached_from"] is None else 200)


class BuildHandler(_ImagesHandler):
    @studio_action("images:read")
    async def get(self, build_id):
        self.write_json(self.images.get_build(self.principal, build_id))


class CancelHandler(_ImagesHandler):
    @studio_action("images:build")
    async def post(self, build_id):
        self.write_json(self.images.cancel(self.principal, build_id))


class LogsHandler(_ImagesHandler):
    @studio_action("images:read")
    async def get(self, build_id):
        self.write_json(self.images.logs(self.principal, build_id, _after(self)))


class EventsHandler(_ImagesHandler):
    """``text/event-stream``: each log line, phase and status as an event (``id`` = its line
    number, so a reconnecting EventSource resumes), then ``end`` with the final status."""

    @studio_action("images:read")
    async def get(self, build_id):
        after = _after(self)
        page = await asyncio.to_thread(self.images.logs, self.principal, build_id, after, 500)
        self.set_header("Content-Type", "text/event-stream")
        self.set_header("Cache-Control", "no-cache")
        self.set_header("X-Accel-Buffering", "no")
        try:
            while True:
                for line in page["lines"]:
                    data = json.dumps({"text": line["text"], "at": line["at"]})
                    self.write(f"id: {line['seq']}\nevent: {line['kind']}\ndata: {data}\n\n")
                if page["complete"]:
                    self.write(f"event: end\ndata: {json.dumps({'status': page['status']})}\n\n")
                    break
                await self.flush()
                await asyncio.sleep(POLL_SECONDS)
                page = await asyncio.to_thread(
                    self.images.logs, self.principal, build_id, page["next"], 500
                )
            self.finish(set_content_type="text/event-stream")
        except StreamClosedError:
            return  # the client went away


class CheckHandler(_ImagesHandler):
    @studio_action("images:read")
    async def post(self):
        self.write_json(self.images.check_layout(self.principal, self.json_body()))


HANDLERS = [
    (r"/images/backends", BackendsHandler),
    (r"/images/builds", BuildsHandler),
    (B, BuildHandler),
    (B + r"/cancel", CancelHandler),
    (B + r"/logs", LogsHandler),
    (B + r"/events", EventsHandler),
    (r"/images/check", CheckHandler),
]
