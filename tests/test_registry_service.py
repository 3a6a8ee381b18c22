"""The registry service: consecutive versions under concurrency, the gate, approval, aliases."""

from __future__ import annotations

import threading

import pytest

from jupyter_mlops_studio.core.errors import Forbidden, InvalidInput, NotFound
from jupyter_mlops_studio.registry.service import QualityGateFailed


def test_concurrent_registrations_number_versions_1_to_100_once(registry, people):
    registry.create_group(people["dana"], {"name": "churn"})
    got, errors = [], []

    def register(i):
        try:
            got.append(
                registry.register_version(people["dana"], "churn", {"metrics": {"i": i}})["version"]
            )
        except Exception as e:  # pragma: no cover - reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=register, args=(i,)) for i in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(got) == list(range(1, 101))
    items, _ = registry.list_versions(people["dana"], "churn", limit=500)
    assert sorted(v["version"] for v in items) == list(range(1, 101))


def test_gate_thresholds_list_every_failed_rule_and_change_nothing(registry, people):
    registry.create_group(
        people["dana"],
        {
            "name": "fraud",
            "rules": [
                {"metric": "accuracy", "op": ">=", "threshold": 0.9},
                {"metric": "latency_ms", "op": "<=", "threshold": 50},
                {"metric": "auc", "op": ">", "threshold": 0.5},
            ],
        },
    )
    with pytest.raises(QualityGateFailed) as e:
        registry.register_version(
            people["dana"], "fraud", {"metrics": {"accuracy": 0.8, "latency_ms": 70, "auc": 0.9}}
        )
    failures = e.value.failures
    assert [(f["rule"]["metric"], f["value"], f["compared_with"]) for f in failures] == [
        ("accuracy", 0.8, 0.9),
        ("latency_ms", 70.0, 50.0),
    ]
    assert e.value.to_json()["reason"] == "quality-gate-failed"
    assert registry.list_versions(people["dana"], "fraud")[0] == []
    v1 = registry.register_version(
        people["dana"], "fraud", {"metrics": {"accuracy": 0.95, "latency_ms": 20, "auc": 0.9}}
    )
    assert v1["version"] == 1 and v1["gate"]["passed"]


def test_gate_improvement_over_the_approved_version_and_admin_override(registry, people):
    registry.create_group(
        people["dana"],
        {
            "name": "rank",
            "rules": [
                {
                    "kind": "improve",
                    "metric": "ndcg",
                    "direction": "higher",
                    "margin": 0.05,
                    "margin_kind": "relative",
                }
            ],
        },
    )
    registry.register_version(people["dana"], "rank", {"metrics": {"ndcg": 0.5}})
    registry.set_status(people["olga"], "rank", 1, {"status": "Approved", "comment": "baseline"})
    with pytest.raises(QualityGateFailed) as e:
        registry.register_version(people["dana"], "rank", {"metrics": {"ndcg": 0.51}})
    assert e.value.failures[0]["compared_with"] == pytest.approx(0.525)
    assert (
        registry.register_version(people["dana"], "rank", {"metrics": {"ndcg": 0.53}})["version"]
        == 2
    )
    with pytest.raises(Forbidden):
        registry.register_version(
            people["dana"], "rank", {"metrics": {"ndcg": 0.1}, "override_gate": True}
        )
    v3 = registry.register_version(
        people["admin"], "rank", {"metrics": {"ndcg": 0.1}, "override_gate": True}
    )
    assert v3["gate"] == {**v3["gate"], "passed": False, "overridden": True}
    kinds = [a["kind"] for a in registry.audit(people["dana"], "rank", 3)]
    assert kinds == ["status", "override"]


def test_gate_failure_can_register_as_rejected(registry, people):
    registry.create_group(
        people["dana"],
        {
            "name": "soft",
            "gate_failure": "reject",
            "rules": [{"metric": "f1", "op": ">=", "threshold": 1}],
        },
    )
    v = registry.register_version(people["dana"], "soft", {"metrics": {"f1": 0.2}})
    assert v["status"] == "Rejected" and "f1" in v["status_comment"]


def test_approval_personas_and_four_eyes(registry, people):
    registry.create_group(people["dana"], {"name": "g"})
    registry.register_version(people["olga"], "g", {})
    with pytest.raises(Forbidden):
        registry.set_status(people["dana"], "g", 1, {"status": "Approved", "comment": "ok"})
    with pytest.raises(InvalidInput):
        registry.set_status(people["olga"], "g", 1, {"status": "Approved"})
    with pytest.raises(InvalidInput):
        registry.set_status(people["olga"], "g", 1, {"status": "Approved", "comment": ""})
    registry.identity.update_domain({"settings": {"registry_approver_must_differ": True}})
    with pytest.raises(Forbidden) as e:
        registry.set_status(people["olga"], "g", 1, {"status": "Approved", "comment": "mine"})
    assert e.value.reason == "four-eyes"
    v = registry.set_status(people["admin"], "g", 1, {"status": "Approved", "comment": "lgtm"})
    assert v["status"] == "Approved"
    trail = registry.audit(people["dana"], "g", 1)
    assert [(a["actor"], a["from_status"], a["to_status"], a["comment"]) for a in trail] == [
        ("olga", None, "PendingManualApproval", "registered"),
        ("admin", "PendingManualApproval", "Approved", "lgtm"),
    ]


def test_aliases_are_unique_per_group_and_usable_in_lookups(registry, people):
    registry.create_group(people["dana"], {"name": "g"})
    for _ in range(2):
        registry.register_version(people["dana"], "g", {})
    registry.set_alias(people["dana"], "g", "production", {"version": 1})
    assert registry.get_version(people["dana"], "g", "production")["version"] == 1
    registry.set_alias(people["dana"], "g", "production", {"version": 2})
    assert registry.get_version(people["dana"], "g", "production")["version"] == 2
    assert registry.get_version(people["dana"], "g", 1)["aliases"] == []
    assert registry.get_version(people["dana"], "g", 2)["aliases"] == ["production"]
    assert registry.get_group(people["dana"], "g")["aliases"] == {"production": 2}
    items, _ = registry.search_versions(people["dana"], "alias = 'production'")
    assert [(i["group"], i["version"]) for i in items] == [("g", 2)]
    for bad in ("Production", "1", "", "a b", "x" * 64):
        with pytest.raises(InvalidInput):
            registry.set_alias(people["dana"], "g", bad, {"version": 1})
    with pytest.raises(NotFound):
        registry.get_version(people["dana"], "g", "staging")
    with pytest.raises(NotFound):
        registry.set_alias(people["dana"], "g", "staging", {"version": 9})


def test_search_filters_sort_and_pages(registry, people):
    registry.create_group(people["dana"], {"name": "a-model"})
    registry.create_group(people["dana"], {"name": "b-model"})
    for i in range(6):
        registry.register_version(
            people["dana"],
            "a-model" if i % 2 else "b-model",
            {"metrics": {"acc": i / 10}, "tags": {"team": "x" if i < 3 else "y"}},
        )
    registry.set_status(people["olga"], "a-model", 1, {"status": "Approved", "comment": "ok"})

    def search(f, order=None, limit=100):
        return [
            (i["group"], i["version"])
            for i in registry.search_versions(people["dana"], f, order, limit)[0]
        ]

    assert search("metrics.acc >= 0.3 AND tags.team = 'y'", "metrics.acc DESC") == [
        ("a-model", 3),
        ("b-model", 3),
        ("a-model", 2),
    ]
    assert search(
        "group LIKE 'a-%' AND (status = 'Approved' OR metrics.acc > 0.4)", "version ASC"
    ) == [("a-model", 1), ("a-model", 3)]
    assert search("registered_by = 'dana' AND version = 1", "group ASC") == [
        ("a-model", 1),
        ("b-model", 1),
    ]
    # default order: newest registration first, across groups; aliases come with each version
    registry.set_alias(people["dana"], "b-model", "champion", {"version": 2})
    newest = registry.search_versions(people["dana"], "group LIKE '%-model'", None, 3)[0]
    assert [(v["group"], v["version"], v["aliases"]) for v in newest] == [
        ("a-model", 3, []),
        ("b-model", 3, []),
        ("a-model", 2, []),
    ]
    listed, _ = registry.list_versions(people["dana"], "b-model")
    assert [(v["version"], v["aliases"]) for v in listed] == [(3, []), (2, ["champion"]), (1, [])]
    registry.create_group(people["dana"], {"name": "empty-model"})
    assert registry.list_versions(people["dana"], "empty-model") == ([], None)
    for unknown in ("no-model", "../a-model", 7):
        with pytest.raises(NotFound):
            registry.list_versions(people["dana"], unknown)
    page1, cursor = registry.search_versions(people["dana"], None, "metrics.acc ASC", 4)
    page2, end = registry.search_versions(people["dana"], None, "metrics.acc ASC", 4, cursor)
    assert len(page1) == 4 and len(page2) == 2 and end is None
    for bad in (
        "metrics.acc >",
        "nope = 1",
        "tags.team = 3",
        "metrics.acc = 'x'",
        "(status = 'A'",
        "status = 'A' junk",
        "created_at > 'yesterday'",
        "a" * 5000,
    ):
        with pytest.raises(InvalidInput):
            registry.search_versions(people["dana"], bad)
    with pytest.raises(InvalidInput):
        registry.search_versions(people["dana"], None, "metrics.acc SIDEWAYS")


def test_bad_registrations_write_nothing(registry, people, tmp_path):
    registry.create_group(people["dana"], {"name": "g"})
    bad = [
        {"metrics": {"acc": "high"}},
        {"metrics": {"acc": True}},
        {"metrics": {"acc": float("nan")}},
        {"customer_metadata": {f"k{i}": "v" for i in range(51)}},
        {"customer_metadata": {"k" * 129: "v"}},
        {"customer_metadata": {"k": "v" * 257}},
        {"artifact": {"space_path": "spaces/other/model.pkl"}},
        {"artifact": {"space_path": "../etc/passwd"}},
        {"artifact": {"upload_id": "nope"}},
        {"artifact": {"s3_uri": "http://x/y"}},
        {"artifact": {"s3_uri": "s3://b/k", "upload_id": "x"}},
        {"lineage": {"unknown": "x"}},
        {"model_card": {"status": "Published"}},
        {"unknown": 1},
    ]
    for body in bad:
        with pytest.raises(InvalidInput):
            registry.register_version(people["dana"], "g", body)
    assert registry.list_versions(people["dana"], "g")[0] == []
    with pytest.raises(NotFound):
        registry.register_version(people["dana"], "missing", {})
    for name in ("-x", "x-", "a b", "", "a" * 64, 5):
        with pytest.raises(InvalidInput):
            registry.create_group(people["dana"], {"name": name})
    with pytest.raises(Forbidden):
        registry.create_group(people["bot"], {"name": "botgroup"})


def test_space_path_artifacts_are_copied_with_their_digest(registry, people):
    space = registry.spaces.create_space(people["dana"], {"name": "lab"})
    model_dir = registry.paths.root_dir / space.path / "model"
    model_dir.mkdir()
    (model_dir / "weights.bin").write_bytes(b"\x00" * 1000)
    registry.create_group(people["dana"], {"name": "g"})
    v = registry.register_version(
        people["dana"], "g", {"artifact": {"space_path": f"{space.path}/model"}}
    )
    art = v["artifact"]
    assert art["kind"] == "space" and art["digest"].startswith("sha256:") and art["packed"] == "tar"
    key = art["uri"].removeprefix("studio-artifact://")
    assert registry.artifacts.info(key).digest == art["digest"]
    # the same folder again: the same digest (the tar is reproducible)
    v2 = registry.register_version(
        people["dana"], "g", {"artifact": {"space_path": f"{space.path}/model"}}
    )
    assert v2["artifact"]["digest"] == art["digest"]
    # another user's private space is out of reach
    with pytest.raises(InvalidInput):
        registry.register_version(
            people["olga"], "g", {"artifact": {"space_path": f"{space.path}/model"}}
        )


def test_a_group_of_a_space_takes_versions_from_its_editors(registry, people):
    registry.spaces.create_space(people["dana"], {"name": "lab", "sharing": "shared"})
    registry.create_group(people["dana"], {"name": "g", "space": "lab"})
    assert registry.get_group(people["olga"], "g")["space"] == "lab"
    with pytest.raises(Forbidden):
        registry.register_version(people["olga"], "g", {})
    registry.spaces.set_member(people["dana"], "lab", "olga", {"role": "viewer"})
    with pytest.raises(Forbidden):
        registry.register_version(people["olga"], "g", {})
    registry.spaces.set_member(people["dana"], "lab", "olga", {"role": "editor"})
    assert registry.register_version(people["olga"], "g", {})["version"] == 1
    with pytest.raises(InvalidInput):
        registry.create_group(people["olga"], {"name": "h", "space": "nope"})
