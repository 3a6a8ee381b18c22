"""Domain, user profiles, passwords, API tokens, sign-in and /me."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from jupyter_mlops_studio.core.models import ApiTokenRow, UserRow

pytestmark = pytest.mark.usefixtures("jp_serverapp")


async def test_me_for_server_token_and_users(api, admin_token, make_user):
    r = await api(admin_token, "GET", "/me")
    assert r.status == 200
    assert r.json["username"] == "admin" and r.json["is_admin"]
    assert "users:create" in r.json["permissions"]
    ds = make_user("dana", ["data-scientist"])
    me = (await api(ds, "GET", "/me")).json
    assert me["personas"] == ["data-scientist"] and not me["is_admin"]
    assert "spaces:create" in me["permissions"] and "users:create" not in me["permissions"]


async def test_anonymous_and_bad_tokens_get_401(api):
    for token in (None, "wrong", "mls_" + "x" * 43, "mls_" + "y" * 500):
        r = await api(token, "GET", "/me")
        assert r.status == 401 and r.json["reason"] == "not-authenticated", token


async def test_users_crud_and_validation(api, admin_token, make_user, services):
    r = await api(
        admin_token,
        "POST",
        "/users",
        {
            "username": "erin",
            "password": "correct horse",
            "personas": ["mlops"],
            "display_name": "Erin M",
        },
    )
    assert r.status == 201 and r.json["has_password"] and r.json["personas"] == ["mlops"]
    with services.db.session() as s:
        stored = s.scalar(select(UserRow.password_hash).where(UserRow.username == "erin"))
    assert stored.startswith("$argon2") and "correct horse" not in stored
    bad = [
        ({"personas": ["mlops"]}, "missing-field"),
        ({"username": "x"}, "missing-field"),
        ({"username": "bad name", "personas": ["mlops"]}, "invalid-name"),
        ({"username": "x", "personas": []}, "invalid-type"),
        ({"username": "x", "personas": ["wizard"]}, "invalid-value"),
        ({"username": "x", "personas": "admin"}, "invalid-type"),
        ({"username": "x", "personas": ["mlops"], "password": "short"}, "invalid-length"),
        ({"username": "x", "personas": ["mlops"], "password": 12345678}, "invalid-type"),
        ({"username": "x", "personas": ["mlops"], "role": "x"}, "unknown-field"),
    ]
    for body, reason in bad:
        r = await api(admin_token, "POST", "/users", body)
        assert r.status == 400 and r.json["reason"] == reason, (body, r.body)
    r = await api(admin_token, "POST", "/users", {"username": "erin", "personas": ["mlops"]})
    assert r.status == 409
    users = [u["username"] for u in (await api(admin_token, "GET", "/users")).json["items"]]
    assert users == ["admin", "erin"]
    # non-admins cannot manage users
    ds = make_user("dana")
    assert (await api(ds, "POST", "/users", {"username": "z", "personas": ["admin"]})).status == 403
    assert (await api(ds, "PATCH", "/users/erin", {"personas": ["admin"]})).status == 403
    assert (await api(ds, "DELETE", "/users/erin")).status == 403
    # update and archive
    r = await api(admin_token, "PATCH", "/users/erin", {"personas": ["mlops", "admin"]})
    assert r.json["personas"] == ["admin", "mlops"]
    assert (await api(admin_token, "DELETE", "/users/erin")).status == 204
    assert (await api(admin_token, "GET", "/users/erin")).status == 404
    with services.db.session() as s:  # archived, not erased
        assert s.scalar(select(UserRow.deleted_at).where(UserRow.username == "erin")) is not None


async def test_last_admin_and_space_owner_cannot_be_removed(api, admin_token, make_user):
    r = await api(admin_token, "DELETE", "/users/admin")
    assert r.status == 409 and r.json["reason"] == "last-admin"
    r = await api(admin_token, "PATCH", "/users/admin", {"personas": ["mlops"]})
    assert r.status == 409
    owner = make_user("olga")
    await api(owner, "POST", "/spaces", {"name": "olgas"})
    r = await api(admin_token, "DELETE", "/users/olga")
    assert r.status == 409 and r.json["reason"] == "user-owns-spaces"


async def test_tokens_are_hashed_shown_once_and_revocable(api, make_user, services, admin_token):
    make_user("tom")
    r = await api(admin_token, "POST", "/users/tom/tokens", {"description": "ci"})
    assert r.status == 201
    token = r.json["token"]
    assert token.startswith("mls_") and len(token) >= 40
    with services.db.session() as s:
        hashes = list(s.scalars(select(ApiTokenRow.token_hash)))
    assert token not in hashes and all(len(h) == 64 for h in hashes)
    assert (await api(token, "GET", "/me")).json["username"] == "tom"
    listed = (await api(token, "GET", "/me/tokens")).json["items"]
    assert all("token" not in t for t in listed) and len(listed) == 2
    token_id = r.json["id"]
    assert (await api(token, "DELETE", f"/me/tokens/{token_id}")).status == 204
    assert (await api(token, "GET", "/me")).status == 401
    assert (await api(admin_token, "DELETE", f"/users/tom/tokens/{token_id}")).status == 404
    assert (await api(admin_token, "DELETE", "/users/tom/tokens/abc")).status == 404
    r = await api(admin_token, "POST", "/users/tom/tokens", {"expires_in_days": 0})
    assert r.status == 400
    r = await api(admin_token, "POST", "/users/tom/tokens", {"expires_in_days": "7"})
    assert r.status == 400


async def test_archived_user_loses_access(api, make_user, admin_token):
    t = make_user("leaver")
    assert (await api(t, "GET", "/me")).status == 200
    await api(admin_token, "DELETE", "/users/leaver")
    assert (await api(t, "GET", "/me")).status == 401


async def test_me_password_change_needs_current_password(api, make_user):
    t = make_user("pat", password="first-password")
    r = await api(t, "PATCH", "/me", {"password": "second-password"})
    assert r.status == 403
    r = await api(
        t, "PATCH", "/me", {"password": "second-password", "current_password": "first-password"}
    )
    assert r.status == 200
    r = await api(t, "PATCH", "/me", {"personas": ["admin"]})
    assert r.status == 400 and r.json["reason"] == "unknown-field"


async def test_domain_settings(api, admin_token, make_user):
    d = (await api(admin_token, "GET", "/domain")).json
    assert d["settings"]["allow_terminals"] is False
    ds = make_user("dana")
    assert (await api(ds, "GET", "/domain")).status == 200
    assert (
        await api(ds, "PATCH", "/domain", {"settings": {"allow_terminals": True}})
    ).status == 403
    for body in (
        {"settings": {"allow_terminals": "yes"}},
        {"settings": {"nope": 1}},
        {"settings": []},
        {"bogus": 1},
        {"settings": {"share_link_default_expiry_days": 100, "share_link_max_expiry_days": 10}},
    ):
        r = await api(admin_token, "PATCH", "/domain", body)
        assert r.status == 400, body
    assert (await api(admin_token, "GET", "/domain")).json == d


async def _login(request_as, username, password):
    page = await request_as(None, "GET", "/login")
    assert page.status == 200 and b'name="username"' in page.body
    xsrf = re.search(rb'name="_xsrf" value="([^"]+)"', page.body).group(1).decode()
    cookies = page.headers.get("Set-Cookie", "")
    cookie_header = "; ".join(c.split(";")[0] for c in cookies.split(",") if "=" in c)
    return await request_as(
        None,
        "POST",
        "/login?next=%2Flab",
        body=urlencode({"username": username, "password": password, "_xsrf": xsrf}),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header},
    )


async def test_password_login_sets_cookie_for_the_right_user(request_as, make_user, api):
    make_user("lena", password="lena-password")
    r = await _login(request_as, "lena", "wrong-password")
    assert r.status == 401
    r = await _login(request_as, "nobody", "lena-password")
    assert r.status == 401
    r = await _login(request_as, "lena", "lena-password")
    assert r.status == 302, r.body
    cookie = r.headers["Set-Cookie"].split(";")[0]
    me = await api(None, "GET", "/me", headers={"Cookie": cookie})
    assert me.status == 200 and me.json["username"] == "lena"
    # jupyter-server's own identity endpoint shows the studio user too
    ident = await request_as(None, "GET", "/api/me", headers={"Cookie": cookie})
    assert ident.json["identity"]["username"] == "lena"
    assert ident.json["identity"]["personas"] == ["data-scientist"]
