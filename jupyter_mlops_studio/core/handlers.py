"""The one HTTP base of studio API handlers: authentication, the permission table, JSON, errors."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from http import HTTPStatus
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import APIHandler
from tornado import web

from .errors import InvalidInput, NotAuthenticated, PayloadTooLarge, StudioError
from .identity import principal_of
from .permissions import Principal, check_persona
from .services import StudioServices, services_of

API_BASE = "/mlops-studio/api/v1"
SPEC_PATH = Path(__file__).parent.parent / "rest-api.yml"
MAX_PAGE = 500


def studio_action(action: str) -> Callable:
    """Declare the permission-table action a handler method takes; authenticate and authorize it.

    Studio errors raised inside become ``{message, reason}`` JSON with their status here, once.
    """

    def decorate(method):
        @functools.wraps(method)
        async def wrapper(self: StudioAPIHandler, *args, **kwargs):
            try:
                check_persona(self.principal, action)
                await method(self, *args, **kwargs)
            except StudioError as e:
                self.send_studio_error(e)

        wrapper.studio_action = action
        return web.authenticated(wrapper)

    return decorate


class StudioAPIHandler(APIHandler):
    """Base of every ``/mlops-studio/api/v1`` handler."""

    auth_resource = "mlops-studio"

    @property
    def services(self) -> StudioServices:
        return services_of(self.settings)

    async def prepare(self):
        try:
            await super().prepare()
        except web.HTTPError as e:
            if e.status_code == HTTPStatus.FORBIDDEN and not self.current_user:
                return self.send_studio_error(NotAuthenticated("sign in first"))
            raise
        if self.current_user is None or principal_of(self.current_user) is None:
            return self.send_studio_error(NotAuthenticated("sign in first"))
        length = self.request.headers.get("Content-Length")
        size = len(self.request.body or b"") if length is None else _int(length)
        if size > self.body_limit():
            return self.send_studio_error(
                PayloadTooLarge(
                    f"request body of {size} bytes exceeds the limit of {self.body_limit()} bytes"
                )
            )

    def body_limit(self) -> int:
        """The largest body this handler takes (StudioApp.max_body_size unless overridden)."""
        return self.services.max_body_size

    @property
    def principal(self) -> Principal:
        principal = principal_of(self.current_user)
        if principal is None:
            raise NotAuthenticated("sign in first")
        return principal

    def json_body(self, required: bool = True) -> Any:
        raw = self.request.body
        if not raw:
            if required:
                raise InvalidInput("a JSON body is required", reason="missing-body")
            return None
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError) as e:
            raise InvalidInput(f"malformed JSON: {e}", reason="malformed-json") from None

    def write_json(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))

    def write_list(self, items: Iterable[Any], key: Callable[[Any], str]) -> None:
        """``{"items": [...], "next": cursor}``, paged by ``?limit=`` and ``?after=<cursor>``."""
        limit_arg = self.get_query_argument("limit", "100")
        after = self.get_query_argument("after", None)
        limit = _int(limit_arg)
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"limit must be an integer 1-{MAX_PAGE}", reason="invalid-limit")
        ordered = sorted(items, key=key)
        if after is not None:
            ordered = [i for i in ordered if key(i) > after]
        page = ordered[:limit]
        next_cursor = key(page[-1]) if len(ordered) > limit else None
        self.write_json({"items": [i.to_json() for i in page], "next": next_cursor})

    def send_studio_error(self, error: StudioError) -> None:
        self.clear()
        self.set_status(error.status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(error.to_json()))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, StudioError):
            status_code = exc.status
            body = exc.to_json()
        else:
            message = getattr(exc, "log_message", None) or HTTPStatus(status_code).phrase
            reason = HTTPStatus(status_code).phrase.lower().replace(" ", "-")
            if status_code >= 500:
                message = "internal server error"
            body = {"message": message, "reason": reason}
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


def _int(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"not an integer: {value[:40]!r}", reason="invalid-integer") from None


class OpenAPIHandler(StudioAPIHandler):
    """Serves the OpenAPI document of the studio REST API."""

    @studio_action("me:read")
    async def get(self):
        self.finish(SPEC_PATH.read_bytes(), set_content_type="application/yaml")
