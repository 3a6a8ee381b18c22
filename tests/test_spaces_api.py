"""The spaces REST API: lifecycle, members, roles, and every kind of bad input."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("jp_serverapp")


async def test_create_list_get_update_delete(api, make_user, services, jp_root_dir):
    alice = make_user("alice")
    r = await api(
        alice,
        "POST",
        "/spaces",
        {"name": "churn", "sharing": "shared", "description": "churn model"},
    )
    assert r.status == 201, r.body
    space = r.json
    assert space["owner"] == "alice" and space["role"] == "owner"
    assert space["path"] == "spaces/churn"
    assert (jp_root_dir / "spaces" / "churn").is_dir()

    r = await api(alice, "GET", "/spaces")
    assert [s["name"] for s in r.json["items"]] == ["churn"] and r.json["next"] is None

    r = await api(alice, "PATCH", "/spaces/churn", {"description": "new"})
    assert r.status == 200 and r.json["description"] == "new"

    (jp_root_dir / "spaces" / "churn" / "keep.txt").write_text("precious")
    r = await api(alice, "DELETE", "/spaces/churn", {"confirm": "churn"})
    assert r.status == 204
    assert not (jp_root_dir / "spaces" / "churn").exists()
    archived = list((services.spaces.archive_dir / "spaces").glob("churn.*"))
    assert len(archived) == 1 and (archived[0] / "keep.txt").read_text() == "precious"
    assert (await api(alice, "GET", "/spaces/churn")).status == 404
    # the name is free again, the archive stays
    assert (await api(alice, "POST", "/spaces", {"name": "churn"})).status == 201


async def test_delete_needs_confirmation(api, make_user, jp_root_dir):
    alice = make_user("alice")
    await api(alice, "POST", "/spaces", {"name": "s1"})
    for body in (None, {}, {"confirm": "other"}, {"confirm": 1}):
        r = await api(alice, "DELETE", "/spaces/s1", body)
        assert r.status == 400, body
        assert r.json["reason"] == "confirmation-required"
    assert (jp_root_dir / "spaces" / "s1").is_dir()


@pytest.mark.parametrize(
    "body, status, reason",
    [
        ({"sharing": "private"}, 400, "missing-field"),
        ({"name": 5}, 400, "invalid-type"),
        ({"name": ""}, 400, "invalid-name"),
        ({"name": "a" * 64}, 400, "invalid-name"),
        ({"name": "-lead"}, 400, "invalid-name"),
        ({"name": "has space"}, 400, "invalid-name"),
        ({"name": "../escape"}, 400, "invalid-name"),
        ({"name": "%2e%2e"}, 400, "invalid-name"),
        ({"name": "/abs"}, 400, "invalid-name"),
        ({"name": "ok", "sharing": "public"}, 400, "invalid-value"),
        ({"name": "ok", "description": ["x"]}, 400, "invalid-type"),
        ({"name": "ok", "extra": 1}, 400, "unknown-field"),
        (["name", "ok"], 400, "invalid-body"),
    ],
)
async def test_create_bad_input(api, make_user, jp_root_dir, body, status, reason):
    alice = make_user("alice")
    r = await api(alice, "POST", "/spaces", body)
    assert r.status == status and r.json["reason"] == reason, r.body
    assert sorted(p.name for p in (jp_root_dir / "spaces").iterdir()) == []


async def test_malformed_json_oversized_and_duplicate(api, make_user, services, jp_root_dir):
    alice = make_user("alice")
    r = await api(alice, "POST", "/spaces", "{not json")
    assert r.status == 400 and r.json["reason"] == "malformed-json"
    r = await api(alice, "POST", "/spaces", {"name": "big", "description": "x" * (2 * 1024 * 1024)})
    assert r.status == 413 and r.json["reason"] == "payload-too-large"
    assert (await api(alice, "POST", "/spaces", {"name": "dup"})).status == 201
    r = await api(alice, "POST", "/spaces", {"name": "dup"})
    assert r.status == 409 and r.json["reason"] == "space-exists"
    (jp_root_dir / "spaces" / "squatted").mkdir()
    r = await api(alice, "POST", "/spaces", {"name": "squatted"})
    assert r.status == 409 and r.json["reason"] == "path-exists"
    assert [
        s.name for s in services.spaces.list_spaces(services.identity.get_user("alice").principal())
    ] == ["dup"]


async def test_unknown_and_invalid_names_in_urls(api, make_user):
    alice = make_user("alice")
    for url in (
        "/spaces/nope",
        "/spaces/..",
        "/spaces/%2e%2e",
        "/spaces/a%2Fb",
        "/spaces/nope/members",
        "/users/nobody",
    ):
        r = await api(alice, "GET", url)
        assert r.status == 404, (url, r.body)
        assert r.json["reason"] in ("no-such-space", "no-such-user", "not-found"), url


async def test_private_space_is_invisible_to_others(api, make_user):
    alice, bob = make_user("alice"), make_user("bob")
    await api(alice, "POST", "/spaces", {"name": "mine", "sharing": "private"})
    assert (await api(bob, "GET", "/spaces")).json["items"] == []
    assert (await api(bob, "GET", "/spaces/mine")).status == 404
    assert (await api(bob, "PATCH", "/spaces/mine", {"description": "x"})).status == 404
    assert (await api(bob, "DELETE", "/spaces/mine", {"confirm": "mine"})).status == 404
    r = await api(alice, "PUT", "/spaces/mine/members/bob", {"role": "viewer"})
    assert r.status == 409 and r.json["reason"] == "private-space"


async def test_members_roles_and_errors(api, make_user):
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    await api(alice, "POST", "/spaces", {"name": "team", "sharing": "shared"})
    r = await api(alice, "PUT", "/spaces/team/members/bob", {"role": "viewer"})
    assert r.status == 200 and r.json == {
        "username": "bob",
        "display_name": "bob",
        "role": "viewer",
    }
    # viewer sees but cannot manage
    assert (await api(bob, "GET", "/spaces/team")).json["role"] == "viewer"
    r = await api(bob, "PUT", "/spaces/team/members/carol", {"role": "editor"})
    assert r.status == 403
    assert (await api(bob, "PATCH", "/spaces/team", {"description": "x"})).status == 403
    # bad input on members
    for body, reason in (
        ({}, "missing-field"),
        ({"role": "god"}, "invalid-value"),
        ({"role": 3}, "invalid-value"),
        ({"role": "viewer", "x": 1}, "unknown-field"),
    ):
        r = await api(alice, "PUT", "/spaces/team/members/carol", body)
        assert r.status == 400 and r.json["reason"] == reason, body
    assert (await api(alice, "PUT", "/spaces/team/members/ghost", {"role": "viewer"})).status == 404
    assert (await api(alice, "DELETE", "/spaces/team/members/carol")).status == 404
    # the last owner cannot leave or be demoted
    r = await api(alice, "PUT", "/spaces/team/members/alice", {"role": "editor"})
    assert r.status == 409 and r.json["reason"] == "last-owner"
    assert (await api(alice, "DELETE", "/spaces/team/members/alice")).status == 409
    # a second owner makes it possible
    await api(alice, "PUT", "/spaces/team/members/bob", {"role": "owner"})
    assert (await api(alice, "DELETE", "/spaces/team/members/alice")).status == 204
    assert (await api(bob, "GET", "/spaces/team")).json["owner"] == "bob"
    assert (await api(alice, "GET", "/spaces/team")).status == 404
    members = (await api(bob, "GET", "/spaces/team/members")).json["items"]
    assert [(m["username"], m["role"]) for m in members] == [("bob", "owner")]
    assert carol


async def test_shared_spaces_open_to_domain_setting(api, make_user, admin_token):
    alice, bob = make_user("alice"), make_user("bob")
    r = await api(
        admin_token,
        "PATCH",
        "/domain",
        {"settings": {"shared_spaces_open_to_domain": True, "default_member_role": "viewer"}},
    )
    assert r.status == 200
    await api(alice, "POST", "/spaces", {"name": "open", "sharing": "shared"})
    assert (await api(bob, "GET", "/spaces/open")).json["role"] == "viewer"
    await api(alice, "POST", "/spaces", {"name": "closed", "sharing": "private"})
    assert (await api(bob, "GET", "/spaces/closed")).status == 404


async def test_compute_persona_cannot_create_spaces(api, make_user):
    bot = make_user("trainer-bot", personas=["compute"])
    r = await api(bot, "POST", "/spaces", {"name": "botspace"})
    assert r.status == 403 and r.json["reason"] == "forbidden"


async def test_sharing_changes(api, make_user):
    alice = make_user("alice")
    make_user("bob")
    await api(alice, "POST", "/spaces", {"name": "s", "sharing": "private"})
    assert (await api(alice, "PATCH", "/spaces/s", {"sharing": "shared"})).json[
        "sharing"
    ] == "shared"
    await api(alice, "PUT", "/spaces/s/members/bob", {"role": "editor"})
    r = await api(alice, "PATCH", "/spaces/s", {"sharing": "private"})
    assert r.status == 409 and r.json["reason"] == "space-has-members"
    await api(alice, "DELETE", "/spaces/s/members/bob")
    assert (await api(alice, "PATCH", "/spaces/s", {"sharing": "private"})).status == 200


async def test_pagination(api, make_user):
    alice = make_user("alice")
    for i in range(5):
        await api(alice, "POST", "/spaces", {"name": f"s{i}"})
    r = await api(alice, "GET", "/spaces?limit=2")
    assert [s["name"] for s in r.json["items"]] == ["s0", "s1"] and r.json["next"] == "s1"
    r = await api(alice, "GET", "/spaces?limit=2&after=s1")
    assert [s["name"] for s in r.json["items"]] == ["s2", "s3"]
    r = await api(alice, "GET", "/spaces?limit=2&after=s3")
    assert [s["name"] for s in r.json["items"]] == ["s4"] and r.json["next"] is None
    for bad in ("0", "501", "x"):
        r = await api(alice, "GET", f"/spaces?limit={bad}")
        assert r.status == 400, bad
