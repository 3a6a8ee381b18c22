"""The registry over HTTP and through the Python client, as a notebook would use it."""

from __future__ import annotations

import asyncio

import pytest

from jupyter_mlops_studio.client import QualityGateFailed, StudioAPIError, StudioClient

pytestmark = pytest.mark.usefixtures("jp_serverapp")


async def test_register_from_a_notebook_through_the_gate(server_url, make_user, tmp_path):
    run = asyncio.to_thread
    dana = StudioClient(server_url, make_user("dana"))
    olga = StudioClient(server_url, make_user("olga", ["mlops"]))
    await run(
        dana.registry.create_group,
        "churn",
        description="churn classifier",
        rules=[
            {"metric": "accuracy", "op": ">=", "threshold": 0.8},
            {"metric": "latency_ms", "op": "<=", "threshold": 50},
        ],
    )
    model = tmp_path / "model"
    model.mkdir()
    (model / "weights.bin").write_bytes(b"w" * 100)
    v1 = await run(
        lambda: dana.registry.register(
            "churn",
            model,
            metrics={"accuracy": 0.91, "latency_ms": 12},
            framework="sklearn",
            lineage={"notebook": "spaces/lab/train.ipynb"},
        )
    )
    assert v1["version"] == 1 and v1["status"] == "PendingManualApproval"
    assert v1["artifact"]["kind"] == "upload" and v1["artifact"]["digest"].startswith("sha256:")
    with pytest.raises(QualityGateFailed) as e:
        await run(
            lambda: dana.registry.register("churn", metrics={"accuracy": 0.5, "latency_ms": 80})
        )
    assert e.value.status == 422
    assert [f["rule"]["metric"] for f in e.value.failures] == ["accuracy", "latency_ms"]
    with pytest.raises(StudioAPIError) as e:
        await run(dana.registry.approve, "churn", 1, "mine")
    assert e.value.status == 403
    approved = await run(olga.registry.approve, "churn", 1, "validated on holdout")
    assert approved["status"] == "Approved"
    await run(dana.registry.set_alias, "churn", "production", 1)
    assert (await run(dana.registry.version, "churn", "production"))["version"] == 1
    found = await run(dana.registry.search, "metrics.accuracy > 0.9 AND alias = 'production'")
    assert [(v["group"], v["version"], v["aliases"]) for v in found] == [
        ("churn", 1, ["production"])
    ]
    trail = await run(dana.registry.audit, "churn", 1)
    assert [(a["kind"], a["actor"]) for a in trail] == [
        ("status", "dana"),
        ("status", "olga"),
        ("alias", "dana"),
    ]


async def test_registry_bad_input_over_http(api, make_user):
    dana = make_user("dana")
    await api(dana, "POST", "/registry/groups", {"name": "g"})
    cases = [
        ("POST", "/registry/groups", {"name": "bad name"}, 400, "invalid-name"),
        ("POST", "/registry/groups", {"name": "g"}, 409, "group-exists"),
        ("POST", "/registry/groups/g/versions", {"metrics": {"a": "x"}}, 400, "invalid-metric"),
        (
            "POST",
            "/registry/groups/g/versions",
            {"customer_metadata": {str(i): "v" for i in range(51)}},
            400,
            "too-many",
        ),
        (
            "POST",
            "/registry/groups/g/versions",
            {"artifact": {"space_path": "spaces/x/m.pkl"}},
            400,
            "invalid-artifact",
        ),
        ("POST", "/registry/groups/nope/versions", {}, 404, "no-such-group"),
        ("GET", "/registry/groups/g/versions/staging", None, 404, "no-such-version"),
        ("GET", "/registry/versions?filter=metrics.a%20%3E", None, 400, "invalid-filter"),
        ("GET", "/registry/versions?limit=0", None, 400, "invalid-limit"),
        ("PUT", "/registry/groups/g/aliases/Prod", {"version": 1}, 400, "invalid-alias"),
        ("POST", "/registry/uploads", None, 400, "empty-upload"),
    ]
    for method, path, body, status, reason in cases:
        r = await api(dana, method, path, body)
        assert (r.status, r.json["reason"]) == (status, reason), (method, path, r.body[:200])
    assert (await api(dana, "GET", "/registry/groups/g/versions")).json["items"] == []


async def test_uploads_have_their_own_size_limit(api, make_user, services):
    dana = make_user("dana")
    services.max_upload_size = 1000
    r = await api(dana, "POST", "/registry/uploads", "x" * 1001)
    assert r.status == 413
    r = await api(dana, "POST", "/registry/uploads", "x" * 999)
    assert r.status == 201 and r.json["size"] == 999
