"""The stored JSON of versions (``registry_version_docs``) is never stale.

Every read of a version serves its stored document. After each kind of change, every read path
(lookup by number and by alias, a group's list, search) must return exactly the JSON rebuilt
from the version's columns and aliases, also through a second service on the same database (as
another server process would be), and migration 0004 must write the same documents for
versions registered before it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from jupyter_mlops_studio.core.db import Database
from jupyter_mlops_studio.core.errors import Forbidden
from jupyter_mlops_studio.registry.models import AliasRow, GroupRow, VersionRow
from jupyter_mlops_studio.registry.service import RegistryService

#: the columns of a version its JSON leaves out (it shows all others, then group and aliases)
NOT_SHOWN = ("id", "group_id")


def from_columns(db) -> dict[tuple[str, int], dict]:
    """Every live version's JSON built from its columns, independently of the stored documents."""
    with db.session() as s:
        aliases: dict[int, list[str]] = {}
        for a in s.scalars(select(AliasRow)):
            aliases.setdefault(a.version_id, []).append(a.alias)
        out = {}
        for row, group in s.execute(
            select(VersionRow, GroupRow.name)
            .join(GroupRow, GroupRow.id == VersionRow.group_id)
            .where(GroupRow.deleted_at.is_(None))
        ):
            doc = {
                c.name: getattr(row, c.name)
                for c in VersionRow.__table__.columns
                if c.name not in NOT_SHOWN
            }
            doc["created_at"] = row.created_at.astimezone(dt.timezone.utc).isoformat()
            doc["updated_at"] = row.updated_at.astimezone(dt.timezone.utc).isoformat()
            doc["group"] = group
            doc["aliases"] = sorted(aliases.get(row.id, []))
            out[(group, row.version)] = doc
        return out


def assert_fresh(registry: RegistryService, who) -> dict[tuple[str, int], dict]:
    """Every read path returns the JSON of the columns, keys in order."""
    expected = from_columns(registry.db)
    for group in {g for g, _ in expected}:
        listed, _ = registry.list_versions(who, group, limit=500)
        assert {(v["group"], v["version"]): v for v in listed} == {
            k: v for k, v in expected.items() if k[0] == group
        }
    found, _ = registry.search_versions(who, None, "group ASC, version ASC", 500)
    assert [(v["group"], v["version"]) for v in found] == sorted(expected)
    for item in found:
        key = (item["group"], item["version"])
        assert item == expected[key]
        assert list(item) == list(expected[key])  # the keys in the same order too
        assert registry.get_version(who, *key) == expected[key]
        for alias in item["aliases"]:
            assert registry.get_version(who, item["group"], alias) == expected[key]
    return expected


@pytest.fixture
def loaded(registry, people):
    """Two groups, three versions, one of them rejected by the gate."""
    dana = people["dana"]
    registry.create_group(dana, {"name": "churn"})
    registry.create_group(
        dana,
        {
            "name": "fraud",
            "gate_failure": "reject",
            "rules": [{"metric": "auc", "op": ">=", "threshold": 0.8}],
        },
    )
    registry.register_version(
        dana,
        "churn",
        {
            "metrics": {"acc": 0.91},
            "tags": {"team": "a"},
            "hyperparameters": {"depth": 4, "big": 2**70},
            "lineage": {"notebook": "work/train.ipynb", "git_commit": "abc123"},
            "artifact": {"s3_uri": "s3://models/churn/1"},
        },
    )
    registry.register_version(dana, "churn", {"metrics": {"acc": 0.93}})
    registry.register_version(dana, "fraud", {"metrics": {"auc": 0.5}})
    return registry


def test_every_change_of_a_version_is_in_every_read(loaded, people):
    registry, dana, olga = loaded, people["dana"], people["olga"]
    before = assert_fresh(registry, dana)
    assert before[("fraud", 1)]["status"] == "Rejected"

    changed = registry.update_version(
        dana,
        "churn",
        1,
        {
            "description": "retrained",
            "tags": {"team": "b", "env": "prod"},
            "model_card": {"markdown": "# churn", "status": "PendingReview"},
            "customer_metadata": {"owner": "dana"},
        },
    )
    after = assert_fresh(registry, dana)
    assert changed == after[("churn", 1)]
    assert changed["tags"] == {"team": "b", "env": "prod"}
    assert changed["updated_at"] > before[("churn", 1)]["updated_at"]
    assert [v["version"] for v in registry.search_versions(dana, "tags.env = 'prod'")[0]] == [1]

    approved = registry.set_status(olga, "churn", 2, {"status": "Approved", "comment": "ok"})
    assert approved == assert_fresh(registry, dana)[("churn", 2)]
    assert approved["status"] == "Approved" and approved["status_comment"] == "ok"
    rejected = registry.set_status(olga, "churn", 2, {"status": "Rejected", "comment": "drift"})
    assert rejected == assert_fresh(registry, dana)[("churn", 2)]
    rejected_now = registry.search_versions(dana, "status = 'Rejected'")[0]
    assert [(v["group"], v["version"]) for v in rejected_now] == [("fraud", 1), ("churn", 2)]

    # a refused change leaves the stored JSON as it was
    registry.identity.update_domain({"settings": {"registry_approver_must_differ": True}})
    registry.register_version(olga, "churn", {"metrics": {"acc": 0.95}})
    with pytest.raises(Forbidden):
        registry.set_status(olga, "churn", 3, {"status": "Approved", "comment": "mine"})
    assert assert_fresh(registry, dana)[("churn", 3)]["status"] == "PendingManualApproval"


def test_alias_moves_are_in_every_read(loaded, people):
    registry, dana = loaded, people["dana"]
    moved = registry.set_alias(dana, "churn", "production", {"version": 1})
    assert moved["aliases"] == ["production"]
    assert moved == assert_fresh(registry, dana)[("churn", 1)]
    registry.set_alias(dana, "churn", "champion", {"version": 1})
    assert assert_fresh(registry, dana)[("churn", 1)]["aliases"] == ["champion", "production"]
    moved = registry.set_alias(dana, "churn", "production", {"version": 2})
    now = assert_fresh(registry, dana)
    assert moved == now[("churn", 2)] and moved["aliases"] == ["production"]
    assert now[("churn", 1)]["aliases"] == ["champion"]
    registry.delete_alias(dana, "churn", "champion")
    assert assert_fresh(registry, dana)[("churn", 1)]["aliases"] == []


def test_a_page_holds_every_alias_of_its_versions_and_no_more_versions(loaded, people):
    """Versions with several aliases take several rows of the query; pages still count versions."""
    registry, dana = loaded, people["dana"]
    for alias in ("a", "b", "c"):
        registry.set_alias(dana, "churn", alias, {"version": 2})
    page, cursor = registry.list_versions(dana, "churn", limit=1)
    assert [(v["version"], v["aliases"]) for v in page] == [(2, ["a", "b", "c"])]
    page, cursor = registry.list_versions(dana, "churn", limit=1, after=cursor)
    assert [(v["version"], v["aliases"]) for v in page] == [(1, [])] and cursor is None
    found, cursor = registry.search_versions(dana, "alias = 'b'", None, 1)
    assert [(v["group"], v["aliases"]) for v in found] == [("churn", ["a", "b", "c"])]
    assert cursor is None


def test_an_archived_group_takes_its_versions_out_of_every_read(loaded, people):
    registry, dana = loaded, people["dana"]
    registry.delete_group(dana, "fraud", {"confirm": "fraud"})
    assert {g for g, _ in assert_fresh(registry, dana)} == {"churn"}
    registry.create_group(dana, {"name": "fraud"})
    registry.register_version(dana, "fraud", {"metrics": {"auc": 0.9}})
    fresh = assert_fresh(registry, dana)
    assert fresh[("fraud", 1)]["status"] == "PendingManualApproval"


def test_another_process_reads_every_change_at_once(loaded, people, studio_db_url):
    """A second service on its own engine (as another server process) never sees an old JSON."""
    registry, dana, olga = loaded, people["dana"], people["olga"]
    other_db = Database(studio_db_url)
    other = RegistryService(
        other_db,
        registry.identity,
        registry.spaces,
        registry.paths,
        registry.policy,
        registry.artifacts,
    )
    try:
        assert assert_fresh(other, dana) == assert_fresh(registry, dana)
        registry.set_status(olga, "churn", 1, {"status": "Approved", "comment": "ok"})
        assert other.get_version(dana, "churn", 1)["status"] == "Approved"
        registry.set_alias(dana, "churn", "production", {"version": 1})
        assert other.get_version(dana, "churn", "production")["version"] == 1
        registry.update_version(dana, "churn", 1, {"description": "from elsewhere"})
        assert other.list_versions(dana, "churn")[0][1]["description"] == "from elsewhere"
        other.set_alias(dana, "churn", "production", {"version": 2})
        assert registry.get_version(dana, "churn", 2)["aliases"] == ["production"]
        assert assert_fresh(other, dana) == assert_fresh(registry, dana)
    finally:
        other_db.dispose()


def test_migration_0004_writes_the_documents_of_versions_registered_before(loaded, people):
    registry, dana = loaded, people["dana"]
    registry.set_status(people["olga"], "churn", 1, {"status": "Approved", "comment": "ok"})
    registry.update_version(dana, "churn", 2, {"model_card": {"markdown": "x"}})
    registry.set_alias(dana, "churn", "production", {"version": 1})
    before = assert_fresh(registry, dana)
    registry.db.downgrade("0003")
    registry.db.upgrade()
    assert assert_fresh(registry, dana) == before
