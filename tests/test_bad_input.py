"""Every studio route that takes a body refuses bad bodies the same way, and changes nothing."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("jp_serverapp")

# (method, path, a GET that shows the state the request would change)
BODY_ROUTES = [
    ("POST", "/users", "/users"),
    ("PATCH", "/users/ada", "/users/ada"),
    ("PATCH", "/me", "/me"),
    ("PATCH", "/domain", "/domain"),
    ("POST", "/me/tokens", "/me/tokens"),
    ("POST", "/users/ada/tokens", "/users/ada/tokens"),
    ("POST", "/spaces", "/spaces"),
    ("PATCH", "/spaces/lab", "/spaces/lab"),
    ("DELETE", "/spaces/lab", "/spaces/lab"),
    ("PUT", "/spaces/lab/members/ada", "/spaces/lab/members"),
]

BAD_BODIES = [
    ("[1, 2]", 400, "invalid-body"),
    ('"text"', 400, "invalid-body"),
    ("{not json", 400, "malformed-json"),
    ('{"zzz": 1}', 400, "unknown-field"),
    ('{"x": "' + "y" * (1024 * 1024 + 10) + '"}', 413, "payload-too-large"),
]


@pytest.mark.parametrize("method, path, state", BODY_ROUTES)
async def test_bad_bodies_are_refused_and_change_nothing(
    api, admin_token, services, method, path, state
):
    services.identity.create_user("ada", ["data-scientist"])
    await api(admin_token, "POST", "/spaces", {"name": "lab", "sharing": "shared"})
    before = (await api(admin_token, "GET", state)).json
    for body, status, reason in BAD_BODIES:
        r = await api(admin_token, method, path, body)
        assert (r.status, r.json["reason"]) == (status, reason), (method, path, body[:20])
    after = (await api(admin_token, "GET", state)).json
    assert after == before


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/users/%2e%2e"),
        ("GET", "/users/..%2Fadmin"),
        ("PATCH", "/users/nobody"),
        ("DELETE", "/users/nobody"),
        ("POST", "/users/nobody/tokens"),
        ("GET", "/spaces/..%2Fetc"),
        ("PATCH", "/spaces/nope"),
        ("DELETE", "/spaces/nope"),
        ("PUT", "/spaces/nope/members/admin"),
        ("DELETE", "/spaces/nope/members/admin"),
        ("GET", "/spaces/nope/presence"),
        ("GET", "/spaces/..%2Fetc/presence"),
        ("GET", "/spaces/%2e%2e/presence"),
        ("DELETE", "/me/tokens/..%2F1"),
        ("DELETE", "/me/tokens/not-a-number"),
    ],
)
async def test_unknown_and_traversing_names_get_404(api, admin_token, method, path):
    body = {"role": "viewer"} if method == "PUT" else ({} if method != "GET" else None)
    if method == "PATCH":
        body = {"description": "x"} if "spaces" in path else {"display_name": "x"}
    r = await api(admin_token, method, path, body)
    assert r.status == 404, (method, path, r.status, r.body)
    assert set(r.json) == {"message", "reason"}
