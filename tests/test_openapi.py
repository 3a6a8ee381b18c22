"""The OpenAPI document and the registered studio routes agree; every method is in the table."""

from __future__ import annotations

import re

import pytest
import yaml
from openapi_spec_validator import validate
from tornado import web
from tornado.routing import PathMatches

from jupyter_mlops_studio.core.handlers import API_BASE, SPEC_PATH
from jupyter_mlops_studio.core.permissions import PERMISSIONS

pytestmark = pytest.mark.usefixtures("jp_serverapp")


def studio_routes(jp_serverapp) -> dict[str, type]:
    prefix = jp_serverapp.base_url.replace("@", "%40").rstrip("/") + API_BASE
    routes = {}

    def walk(router):
        for rule in getattr(router, "rules", []):
            if isinstance(rule.matcher, PathMatches):
                pattern = rule.matcher.regex.pattern
                if pattern.startswith(prefix):
                    routes[pattern[len(prefix) :].rstrip("$")] = rule.target
            else:
                walk(rule.target)

    walk(jp_serverapp.web_app.default_router)
    return routes


def implemented(cls) -> set[str]:
    return {
        m.lower()
        for m in cls.SUPPORTED_METHODS
        if getattr(cls, m.lower()) is not web.RequestHandler._unimplemented_method
        and m not in ("HEAD", "OPTIONS")
    }


def test_spec_is_valid_openapi_31():
    spec = yaml.safe_load(SPEC_PATH.read_text())
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            assert op.get("operationId"), (path, method)
            assert "401" in op["responses"], (path, method)


def test_spec_and_routes_agree(jp_serverapp):
    spec = yaml.safe_load(SPEC_PATH.read_text())
    spec_ops = {
        (re.sub(r"\{[^}]+\}", "{}", path), method)
        for path, item in spec["paths"].items()
        for method in item
        if method != "parameters"
    }
    route_ops = {
        (re.sub(r"\(\[\^/\]\+\)", "{}", pattern), method)
        for pattern, cls in studio_routes(jp_serverapp).items()
        for method in implemented(cls)
    }
    assert route_ops - spec_ops == set(), "routes missing from rest-api.yml"
    assert spec_ops - route_ops == set(), "rest-api.yml names routes that do not exist"


def test_every_studio_method_declares_a_table_action(jp_serverapp):
    for pattern, cls in studio_routes(jp_serverapp).items():
        for method in implemented(cls):
            action = getattr(getattr(cls, method), "studio_action", None)
            assert action in PERMISSIONS, (
                f"{method.upper()} {pattern} has no permission-table action"
            )


async def test_spec_is_served(api, admin_token):
    r = await api(admin_token, "GET", "/openapi.yaml")
    assert r.status == 200 and r.body == SPEC_PATH.read_bytes()
