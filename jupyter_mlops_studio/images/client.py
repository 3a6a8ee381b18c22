"""Image builds part of the Python client (``StudioClient().images``), for notebooks and the CLI.

>>> images = StudioClient().images
>>> build = images.build("spaces/team/image", "team/train", tag="v1", build_args={"PY": "3.11"})
>>> for line in images.follow(build["id"]):   # the log as it comes, then the end
...     print(line["text"] if line["kind"] != "end" else line["status"])
>>> images.get(build["id"])["image_uri"]
>>> images.check(content=open("Dockerfile").read(), mode="training")["findings"]
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..client import StudioClient

TERMINAL = ("Succeeded", "Failed", "Stopped")


class ImagesClient:
    """Container image builds (``/images``): start, list, follow the log, cancel, check layouts."""

    def __init__(self, client: StudioClient):
        self.client = client
        self._q = client._q

    def backends(self) -> list[dict]:
        """The configured backends: ``{name, available, problem, options}`` each."""
        return self.client.request("GET", "/images/backends")["items"]

    def build(
        self,
        context: str,
        repository: str,
        tag: str = "latest",
        dockerfile: str | None = None,
        build_args: dict[str, str] | None = None,
        backend: str | None = None,
        options: dict[str, Any] | None = None,
        rebuild: bool = False,
        layout: str | None = None,
    ) -> dict:
        """Start a build of a folder of a space (``spaces/<space>/...``); returns the build,
        ``Queued``, or already ``Succeeded`` with ``cached_from`` set when an identical build
        (same files, arguments and backend) succeeded before and ``rebuild`` is not asked.

        ``options`` are the backend's per-build settings (codebuild: ``role``, ``bucket``,
        ``compute_type``, ``vpc_id``, ``subnets``, ``security_group_ids``); ``layout``
        (training, inference, both) writes the SageMaker layout check into the build's log."""
        body: dict[str, Any] = {"context": context, "repository": repository, "tag": tag}
        fields = {
            "dockerfile": dockerfile,
            "build_args": build_args,
            "backend": backend,
            "options": options,
            "layout": layout,
        }
        body.update({k: x for k, x in fields.items() if x is not None})
        if rebuild:
            body["rebuild"] = True
        return self.client.request("POST", "/images/builds", body)

    def builds(self, space: str | None = None) -> list[dict]:
        """Builds of your spaces (every space for admins), newest first."""
        return self.client.request("GET", "/images/builds", query={"space": space})["items"]

    def get(self, build_id: str) -> dict:
        return self.client.request("GET", f"/images/builds/{self._q(build_id)}")

    def logs(self, build_id: str, after: int = 0) -> dict:
        """Log lines after line ``after``: ``{status, lines, next, complete}`` (at most 1000
        lines: ask again from ``next`` until ``complete``)."""
        return self.client.request(
            "GET", f"/images/builds/{self._q(build_id)}/logs", query={"after": after}
        )

    def follow(self, build_id: str, after: int = 0) -> Iterator[dict]:
        """The build's log live, from the server-sent event stream: each line as
        ``{seq, at, kind, text}`` (kind ``line``, ``phase`` or ``status``), then
        ``{"kind": "end", "status": ...}`` once the build has ended.

        A dropped or silent connection (a long ``docker push`` says nothing) is resumed from the
        last line received, as a browser's EventSource does."""
        last, failures = after, 0
        while True:
            try:
                for event in self._events(build_id, last):
                    failures = 0
                    if event["kind"] == "end":
                        yield event
                        return
                    last = event["seq"]
                    yield event
            except TimeoutError:
                continue  # nothing said for a while: reconnect from the last line received
            except (ConnectionError, urllib.error.URLError, http.client.HTTPException):
                failures += 1
                if failures > 5:
                    raise
                time.sleep(0.2 * failures)
                continue
            # the stream closed without its end event (a server restart): ask the record
            if self.get(build_id)["status"] in TERMINAL:
                page = self.logs(build_id, last)
                while page["lines"]:
                    yield from page["lines"]
                    page = self.logs(build_id, page["next"])
                yield {"kind": "end", "status": page["status"]}
                return

    def _events(self, build_id: str, after: int) -> Iterator[dict]:
        from ..client import API_PATH, StudioAPIError

        url = (
            f"{self.client.base_url}{API_PATH}/images/builds/{self._q(build_id)}/events?"
            + urllib.parse.urlencode({"after": after})
        )
        req = urllib.request.Request(url, method="GET")
        req.add_header("Authorization", f"token {self.client.token}")
        req.add_header("Accept", "text/event-stream")
        try:
            resp = urllib.request.urlopen(req, timeout=self.client.timeout)
        except urllib.error.HTTPError as e:
            try:
                err = json.loads(e.read())
                raise StudioAPIError(e.code, err["message"], err["reason"]) from None
            except (ValueError, KeyError, TypeError):
                raise StudioAPIError(e.code, str(e), "http-error") from None
        with resp:
            fields: dict[str, str] = {}
            for raw in resp:
                line = raw.decode().rstrip("\r\n")
                if line:
                    name, _, value = line.partition(":")
                    fields[name] = value[1:] if value.startswith(" ") else value
                    continue
                if "data" not in fields:
                    fields = {}
                    continue
                data = json.loads(fields["data"])
                kind = fields.get("event", "message")
                if kind == "end":
                    yield {"kind": "end", "status": data["status"]}
                else:
                    yield {"seq": int(fields["id"]), "kind": kind, **data}
                fields = {}

    def cancel(self, build_id: str) -> dict:
        """Ask a Queued or InProgress build to stop (it ends ``Stopped``)."""
        return self.client.request("POST", f"/images/builds/{self._q(build_id)}/cancel")

    def check(
        self, dockerfile: str | None = None, content: str | None = None, mode: str = "both"
    ) -> dict:
        """Check a Dockerfile of a space (``dockerfile``) or a Dockerfile's text (``content``)
        against SageMaker's training and/or inference conventions: ``{ok, findings}``, each
        finding ``{level, rule, message, line}``."""
        body: dict[str, Any] = {"mode": mode}
        if dockerfile is not None:
            body["dockerfile"] = dockerfile
        if content is not None:
            body["content"] = content
        return self.client.request("POST", "/images/check", body)

    def wait(self, build_id: str, timeout: float = 3600.0, poll: float = 1.0) -> dict:
        """Poll until the build has ended; return it (``TimeoutError`` after ``timeout`` s)."""
        deadline = time.monotonic() + timeout
        while True:
            build = self.get(build_id)
            if build["status"] in TERMINAL:
                return build
            if time.monotonic() >= deadline:
                raise TimeoutError(f"build {build_id} did not end in {timeout:g} s")
            time.sleep(min(poll, max(0.0, deadline - time.monotonic())))
