"""The JupyterLab page never carries the server token (it signs in as the domain admin)."""

from __future__ import annotations

import pytest


@pytest.fixture
def jp_server_config(jp_server_config):
    jp_server_config["ServerApp"]["jpserver_extensions"]["jupyterlab"] = True
    return jp_server_config


async def test_lab_page_has_no_server_token(request_as, make_user, admin_token):
    bob = make_user("bob")
    for token in (bob, admin_token):
        r = await request_as(token, "GET", "/lab")
        assert r.status == 200
        assert b'"token": ""' in r.body or b'"token":""' in r.body
        assert admin_token.encode() not in r.body
