"""Local training runs and local endpoints in the SageMaker layout, without Docker.

Acceptance 4 of issue 8: a local training run of a scikit-learn script gets every documented
``SM_*`` variable, writes ``model.tar.gz`` to the artifact store and registers a version; a
failing script's ``output/failure`` text appears in the run's error; a local serve answers
``/ping`` and a prediction. Then bad input on every route.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import sys
import tarfile
import textwrap
import time
import urllib.request

import pytest

from jupyter_mlops_studio.client import StudioAPIError, StudioClient
from jupyter_mlops_studio.localrun import layout

TRAIN = textwrap.dedent(
    """
    import argparse, json, os, sys

    import joblib
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    if __name__ == "__main__":
        parser = argparse.ArgumentParser()
        parser.add_argument("-C", type=float, default=1.0)
        parser.add_argument("--max-iter", type=int, default=100)
        parser.add_argument("--solver", type=str, default="lbfgs")
        parser.add_argument("--tags", type=str, default="")
        parser.add_argument("--model-dir", default=os.environ["SM_MODEL_DIR"])
        parser.add_argument("--train", default=os.environ["SM_CHANNEL_TRAIN"])
        args = parser.parse_args()
        data = np.loadtxt(os.path.join(args.train, "train.csv"), delimiter=",")
        X, y = data[:, :-1], data[:, -1]
        model = LogisticRegression(C=args.C, max_iter=args.max_iter, solver=args.solver)
        model.fit(X, y)
        joblib.dump(model, os.path.join(args.model_dir, "model.joblib"))
        out = os.environ["SM_OUTPUT_DATA_DIR"]
        with open(os.path.join(out, "metrics.json"), "w") as f:
            json.dump({"accuracy": model.score(X, y)}, f)
        config = os.environ["SM_INPUT_CONFIG_DIR"]
        seen = {
            "env": {k: v for k, v in os.environ.items() if k.startswith(("SM_", "SAGEMAKER_"))},
            "argv": sys.argv[1:],
            "cwd": os.getcwd(),
            "config": {
                n: json.load(open(os.path.join(config, n + ".json")))
                for n in ("hyperparameters", "resourceconfig", "inputdataconfig")
            },
            "train_files": sorted(os.listdir(args.train)),
            "tree": sorted(os.listdir(os.path.dirname(args.model_dir))),
            "outputs": sorted(os.listdir(os.path.dirname(out))),
        }
        with open(os.path.join(args.model_dir, "seen.json"), "w") as f:
            json.dump(seen, f)
        print("trained with", sys.argv[1:], flush=True)
        print("to stderr", file=sys.stderr, flush=True)
    """
)

FAIL = textwrap.dedent(
    """
    import os, sys
    print("loading data", flush=True)
    with open(os.path.join(os.environ["SM_OUTPUT_DIR"], "failure"), "w") as f:
        f.write("ValueError: column 'age' has 12 missing values")
    sys.exit(2)
    """
)

INFERENCE = textwrap.dedent(
    """
    import json, os

    import joblib
    import numpy as np

    def model_fn(model_dir):
        return joblib.load(os.path.join(model_dir, "model.joblib"))

    def input_fn(body, content_type):
        assert content_type == "application/json", content_type
        return np.asarray(json.loads(body)["rows"])

    def predict_fn(data, model):
        return model.predict_proba(data)[:, 1]

    def output_fn(prediction, accept):
        return json.dumps({"scores": [round(float(p), 6) for p in prediction]}), accept
    """
)


def _data() -> str:
    rows = [(x, x * 0.5, int(x > 5)) for x in range(11)]
    return "".join(f"{a},{b},{c}\n" for a, b, c in rows)


@pytest.fixture
def team(make_user, jp_root_dir, services):
    """A shared space 'team': alice owner, eddie editor, vera viewer; oscar is no member."""
    tokens = {name: make_user(name) for name in ("alice", "eddie", "vera", "oscar")}
    alice = services.identity.get_user("alice").principal()
    services.spaces.create_space(alice, {"name": "team", "sharing": "shared"})
    services.spaces.set_member(alice, "team", "eddie", {"role": "editor"})
    services.spaces.set_member(alice, "team", "vera", {"role": "viewer"})
    oscar = services.identity.get_user("oscar").principal()
    services.spaces.create_space(oscar, {"name": "private", "sharing": "private"})
    folder = jp_root_dir / "spaces" / "team"
    (folder / "train.py").write_text(TRAIN)
    (folder / "fail.py").write_text(FAIL)
    (folder / "inference.py").write_text(INFERENCE)
    (folder / "data").mkdir()
    (folder / "data" / "train.csv").write_text(_data())
    (jp_root_dir / "spaces" / "private" / "secret.csv").write_text(_data())
    yield tokens
    services.localruns.stop()


async def _until(api, token, path, done, timeout=120.0):
    deadline = time.monotonic() + timeout
    while True:
        r = await api(token, "GET", path)
        assert r.status == 200, r.body
        if done(r.json) or time.monotonic() > deadline:
            return r.json
        await asyncio.sleep(0.2)


def _finished(run):
    return run["status"] != "InProgress"


async def _endpoint(api, token, endpoint_id):
    """The endpoint once it has left Creating (InService or Failed)."""
    path = f"/local-endpoints/{endpoint_id}"
    return await _until(api, token, path, lambda x: x["status"] != "Creating", 60)


def _extract(data: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


HPS = {"C": 0.5, "max-iter": 200, "solver": "lbfgs", "tags": {"b": 2, "a": "x"}}


async def test_training_run_sets_the_sagemaker_environment_packs_and_registers(
    api, team, services, studio_data_dir
):
    eddie = team["eddie"]
    r = await api(
        eddie,
        "POST",
        "/registry/groups",
        {
            "name": "churn",
            "gate_failure": "refuse",
            "rules": [{"metric": "accuracy", "op": ">=", "threshold": 0.8}],
        },
    )
    assert r.status == 201, r.body
    r = await api(
        eddie,
        "POST",
        "/local-runs",
        {
            "entry_point": "spaces/team/train.py",
            "hyperparameters": HPS,
            "channels": {"train": "spaces/team/data"},
            "register": {"group": "churn", "framework": "sklearn"},
        },
    )
    assert r.status == 201, r.body
    run = r.json
    assert run["status"] == "InProgress" and run["space"] == "team"
    assert run["channels"] == {"train": "spaces/team/data"}
    run = await _until(api, eddie, f"/local-runs/{run['id']}", _finished)
    assert run["status"] == "Completed", run
    assert run["exit_code"] == 0 and run["failure_reason"] is None

    # model.tar.gz in the artifact store: model/ as SageMaker packs it
    assert run["model"]["key"] == f"localruns/{run['id']}/model.tar.gz"
    packed = services.artifacts.get(run["model"]["key"])
    assert run["model"]["digest"] == services.artifacts.info(run["model"]["key"]).digest
    files = _extract(packed)
    assert set(files) == {"model.joblib", "seen.json"}
    seen = json.loads(files["seen.json"])
    outputs = _extract(services.artifacts.get(run["output_key"]))
    assert json.loads(outputs["metrics.json"])["accuracy"] >= 0.8

    # every documented SM_* variable, with the toolkit's values
    env = seen["env"]
    for name in layout.DOCUMENTED:
        if name == "SM_CHANNEL_{channel}":
            assert "SM_CHANNEL_TRAIN" in env
        elif name == "SM_HP_{hp}":
            assert {"SM_HP_C", "SM_HP_MAX-ITER", "SM_HP_SOLVER", "SM_HP_TAGS"} <= set(env)
        else:
            assert name in env, name
    base = studio_data_dir / "localruns" / run["id"] / "opt" / "ml"
    assert env["SM_MODEL_DIR"] == str(base / "model")
    assert env["SM_CHANNEL_TRAIN"] == str(base / "input" / "data" / "train")
    assert env["SM_INPUT_DIR"] == str(base / "input")
    assert env["SM_INPUT_CONFIG_DIR"] == str(base / "input" / "config")
    assert env["SM_OUTPUT_DATA_DIR"] == str(base / "output" / "data")
    assert env["SM_OUTPUT_DIR"] == str(base / "output")
    assert env["SM_OUTPUT_INTERMEDIATE_DIR"] == str(base / "output" / "intermediate")
    assert env["SM_CHECKPOINT_DIR"] == str(base / "checkpoints")
    assert env["SM_MODULE_DIR"] == str(base / "code") == seen["cwd"]
    assert env["SM_CHANNELS"] == '["train"]'
    assert json.loads(env["SM_HPS"]) == HPS
    assert env["SM_HPS"] == json.dumps(HPS, sort_keys=True, separators=(",", ":"))
    assert env["SM_HP_C"] == "0.5" and env["SM_HP_MAX-ITER"] == "200"
    assert env["SM_HP_SOLVER"] == "lbfgs" and env["SM_HP_TAGS"] == '{"a":"x","b":2}'
    assert env["SM_CURRENT_HOST"] == "algo-1" and env["SM_HOSTS"] == '["algo-1"]'
    assert env["SM_NUM_CPUS"] == str(os.cpu_count()) and env["SM_NUM_GPUS"].isdigit()
    assert env["SM_LOG_LEVEL"] == "20" and env["SM_NETWORK_INTERFACE_NAME"] == "eth0"
    assert env["SM_USER_ENTRY_POINT"] == "train.py" and env["SM_MODULE_NAME"] == "train"
    assert env["SM_FRAMEWORK_MODULE"] == "" and env["SM_FRAMEWORK_PARAMS"] == "{}"
    assert env["SAGEMAKER_BASE_DIR"] == str(base)
    assert json.loads(env["SM_RESOURCE_CONFIG"]) == seen["config"]["resourceconfig"]
    assert json.loads(env["SM_INPUT_DATA_CONFIG"]) == seen["config"]["inputdataconfig"]
    training_env = json.loads(env["SM_TRAINING_ENV"])
    assert training_env["hyperparameters"] == HPS
    assert training_env["channel_input_dirs"] == {"train": env["SM_CHANNEL_TRAIN"]}
    assert training_env["model_dir"] == env["SM_MODEL_DIR"]
    assert training_env["job_name"] == f"local-{run['id']}"

    # hyperparameters as command-line arguments (sorted; one letter: -C; dicts as k=v,k=v)
    user_args = ["-C", "0.5", "--max-iter", "200", "--solver", "lbfgs", "--tags", "a=x,b=2"]
    assert seen["argv"] == user_args and json.loads(env["SM_USER_ARGS"]) == user_args

    # the config files as the SageMaker SDK and platform write them
    hps_file = seen["config"]["hyperparameters"]
    assert hps_file == {k: json.dumps(x) for k, x in HPS.items()}
    assert hps_file["solver"] == '"lbfgs"' and hps_file["C"] == "0.5"
    assert seen["config"]["inputdataconfig"] == {
        "train": {
            "TrainingInputMode": "File",
            "S3DistributionType": "FullyReplicated",
            "RecordWrapperType": "None",
        }
    }
    resources = seen["config"]["resourceconfig"]
    assert resources["current_host"] == "algo-1" and resources["hosts"] == ["algo-1"]
    assert seen["train_files"] == ["train.csv"]
    assert seen["tree"] == ["checkpoints", "code", "input", "model", "output"]
    assert seen["outputs"] == ["data", "intermediate"]

    # registered through the gate, metrics read from output/data/metrics.json
    registered = run["registered"]
    assert registered["group"] == "churn" and registered["version"] == 1
    assert registered["gate"]["passed"] is True
    r = await api(eddie, "GET", "/registry/groups/churn/versions/1")
    version = r.json
    assert version["metrics"]["accuracy"] >= 0.8 and version["framework"] == "sklearn"
    assert version["hyperparameters"] == HPS
    assert version["tags"] == {"local_run": run["id"]}
    key = version["artifact"]["uri"].removeprefix("studio-artifact://")
    assert services.artifacts.get(key) == packed

    # the log kept with the run, the temporary tree gone
    r = await api(eddie, "GET", f"/local-runs/{run['id']}/logs")
    assert r.status == 200 and r.json["complete"] is True
    assert "trained with ['-C', '0.5'" in r.json["text"] and "to stderr" in r.json["text"]
    r2 = await api(eddie, "GET", f"/local-runs/{run['id']}/logs?offset={r.json['offset']}")
    assert r2.json["text"] == "" and r2.json["offset"] == r.json["offset"]
    assert not (studio_data_dir / "localruns" / run["id"]).exists()

    # a second run below the gate's threshold: the model is kept, registration is refused
    r = await api(
        eddie,
        "POST",
        "/local-runs",
        {
            "entry_point": "spaces/team/train.py",
            "hyperparameters": {"max-iter": 1, "C": 1e-6},
            "channels": {"train": "spaces/team/data/train.csv"},
            "register": {"group": "churn", "metrics": {"accuracy": 0.1}},
        },
    )
    assert r.status == 201, r.body
    run2 = await _until(api, eddie, f"/local-runs/{r.json['id']}", _finished)
    assert run2["status"] == "Failed" and run2["exit_code"] == 0
    assert "quality gate" in run2["failure_reason"]
    assert run2["registered"]["failures"][0]["value"] == 0.1
    assert services.artifacts.exists(run2["model"]["key"])

    # the list: newest first, paged
    r = await api(eddie, "GET", "/local-runs?limit=1")
    assert [x["id"] for x in r.json["items"]] == [run2["id"]] and r.json["next"] == run2["id"]
    r = await api(eddie, "GET", f"/local-runs?limit=1&after={run2['id']}")
    assert [x["id"] for x in r.json["items"]] == [run["id"]] and r.json["next"] is None
    r = await api(team["vera"], "GET", "/local-runs")
    assert r.json["items"] == []  # a viewer cannot use local runs of the space


async def test_failing_script_reports_output_failure(api, team):
    r = await api(team["eddie"], "POST", "/local-runs", {"entry_point": "spaces/team/fail.py"})
    assert r.status == 201, r.body
    run = await _until(api, team["eddie"], f"/local-runs/{r.json['id']}", _finished)
    assert run["status"] == "Failed" and run["exit_code"] == 2
    assert run["failure_reason"] == "ValueError: column 'age' has 12 missing values"
    assert run["model"] is None and run["registered"] is None
    r = await api(team["eddie"], "GET", f"/local-runs/{run['id']}/logs")
    assert r.json["text"] == "loading data\n"


async def test_failing_script_without_failure_file_reports_its_exit_status(api, team, jp_root_dir):
    (jp_root_dir / "spaces" / "team" / "crash.py").write_text("raise SystemExit('no data')\n")
    r = await api(team["eddie"], "POST", "/local-runs", {"entry_point": "spaces/team/crash.py"})
    run = await _until(api, team["eddie"], f"/local-runs/{r.json['id']}", _finished)
    assert run["status"] == "Failed" and run["exit_code"] == 1
    assert run["failure_reason"] == "the script exited with status 1: no data"


async def test_stop_a_run_and_restart_marks_runs_failed(api, team, jp_root_dir, services):
    (jp_root_dir / "spaces" / "team" / "slow.py").write_text(
        "import time\nprint('started', flush=True)\ntime.sleep(60)\n"
    )
    r = await api(team["eddie"], "POST", "/local-runs", {"entry_point": "spaces/team/slow.py"})
    run_id = r.json["id"]
    logs = await _until(
        api, team["eddie"], f"/local-runs/{run_id}/logs", lambda x: "started" in x["text"], 30
    )
    assert logs["complete"] is False and logs["status"] == "InProgress"
    started = time.monotonic()
    r = await api(team["eddie"], "DELETE", f"/local-runs/{run_id}")
    assert r.status == 200, r.body
    assert r.json["status"] == "Stopped" and time.monotonic() - started < 15
    assert r.json["failure_reason"] == "stopped by request"
    r = await api(team["eddie"], "DELETE", f"/local-runs/{run_id}")
    assert r.status == 409 and r.json["reason"] == "not-active"

    # a run a previous server left InProgress (its process gone) is failed at start
    from jupyter_mlops_studio.localrun.models import LocalRunRow

    with services.db.session(write=True) as s:
        s.add(
            LocalRunRow(
                id="0" * 32,
                kind="training",
                space="team",
                entry_point="spaces/team/slow.py",
                status="InProgress",
                hyperparameters={},
                channels={},
                options={"host": services.localruns.host},
                pid=2**22 + 7,
                created_by="eddie",
            )
        )
    assert services.localruns.start() == 1
    r = await api(team["eddie"], "GET", f"/local-runs/{'0' * 32}")
    assert r.json["status"] == "Failed" and r.json["failure_reason"] == "server restarted"


async def test_shell_entry_point_and_max_runtime(api, team, jp_root_dir, services):
    folder = jp_root_dir / "spaces" / "team"
    (folder / "train.sh").write_text('echo "$SM_HP_EPOCHS $@" > "$SM_MODEL_DIR/args.txt"\n')
    (folder / "forever.py").write_text("import time\ntime.sleep(120)\n")
    body = {"entry_point": "spaces/team/train.sh", "hyperparameters": {"epochs": 3}}
    r = await api(team["eddie"], "POST", "/local-runs", body)
    run = await _until(api, team["eddie"], f"/local-runs/{r.json['id']}", _finished)
    assert run["status"] == "Completed", run
    files = _extract(services.artifacts.get(run["model"]["key"]))
    assert files == {"args.txt": b"3 --epochs 3\n"}
    body = {"entry_point": "spaces/team/forever.py", "max_runtime_seconds": 1}
    r = await api(team["eddie"], "POST", "/local-runs", body)
    run = await _until(api, team["eddie"], f"/local-runs/{r.json['id']}", _finished, 30)
    assert run["status"] == "Failed" and run["exit_code"] == -15
    assert run["failure_reason"].startswith("MaxRuntimeInSeconds of 1 s exceeded")


async def _trained(api, token):
    r = await api(
        token,
        "POST",
        "/local-runs",
        {"entry_point": "spaces/team/train.py", "channels": {"train": "spaces/team/data"}},
    )
    assert r.status == 201, r.body
    run = await _until(api, token, f"/local-runs/{r.json['id']}", _finished)
    assert run["status"] == "Completed", run
    return run


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.read()


async def test_serve_a_run_answers_ping_and_predictions(api, team):
    eddie = team["eddie"]
    run = await _trained(api, eddie)
    r = await api(eddie, "POST", "/local-endpoints", {"run_id": run["id"]})
    assert r.status == 201, r.body
    assert r.json["status"] == "Creating" and r.json["model"] == {"run_id": run["id"]}
    ep = await _endpoint(api, eddie, r.json["id"])
    assert ep["status"] == "InService", ep
    assert ep["url"] == f"http://127.0.0.1:{ep['port']}" and ep["port"] != 8080
    status, _ = await asyncio.to_thread(_get, ep["url"] + "/ping")
    assert status == 200

    # default handlers: JSON rows in, model.predict, JSON out; CSV both ways
    path = f"/local-endpoints/{ep['id']}/invocations"
    r = await api(eddie, "POST", path, "[[0, 0], [10, 5]]", {"Content-Type": "application/json"})
    assert r.status == 200, r.body
    assert r.headers["Content-Type"] == "application/json" and r.json == [0.0, 1.0]
    r = await api(
        eddie, "POST", path, "1,0.5\n9,4.5\n", {"Content-Type": "text/csv", "Accept": "text/csv"}
    )
    assert r.status == 200 and r.body == b"0.0\n1.0\n"
    assert r.headers["Content-Type"] == "text/csv"
    r = await api(eddie, "POST", path, "x", {"Content-Type": "application/x-unknown"})
    assert r.status == 422 and r.json["reason"] == "model-error" and "415" in r.json["message"]
    r = await api(team["vera"], "POST", path, "[[1, 2]]")
    assert r.status == 403

    r = await api(eddie, "GET", "/local-endpoints")
    assert [x["id"] for x in r.json["items"]] == [ep["id"]]
    r = await api(eddie, "DELETE", f"/local-endpoints/{ep['id']}")
    assert r.status == 200 and r.json["status"] == "Stopped" and r.json["url"] is None
    with pytest.raises(OSError):
        await asyncio.to_thread(_get, ep["url"] + "/ping")
    r = await api(eddie, "POST", path, "[[1, 2]]")
    assert r.status == 409 and r.json["reason"] == "not-in-service"


async def test_serve_a_model_folder_with_an_inference_script(api, team, services, jp_root_dir):
    eddie = team["eddie"]
    run = await _trained(api, eddie)
    model = jp_root_dir / "spaces" / "team" / "model"
    model.mkdir()
    for name, data in _extract(services.artifacts.get(run["model"]["key"])).items():
        (model / name).write_bytes(data)
    r = await api(
        eddie,
        "POST",
        "/local-endpoints",
        {"model_path": "spaces/team/model", "entry_point": "spaces/team/inference.py"},
    )
    assert r.status == 201, r.body
    ep = await _endpoint(api, eddie, r.json["id"])
    assert ep["status"] == "InService", ep
    r = await api(
        eddie,
        "POST",
        f"/local-endpoints/{ep['id']}/invocations",
        json.dumps({"rows": [[0, 0], [10, 5]]}),
        {"Content-Type": "application/json", "Accept": "application/json"},
    )
    assert r.status == 200, r.body
    scores = r.json["scores"]
    assert scores[0] < 0.5 < scores[1]
    r = await api(eddie, "DELETE", f"/local-endpoints/{ep['id']}")
    assert r.json["status"] == "Stopped"

    # a model.tar.gz of the space, served with the default handlers
    archive = jp_root_dir / "spaces" / "team" / "model.tar.gz"
    archive.write_bytes(services.artifacts.get(run["model"]["key"]))
    r = await api(eddie, "POST", "/local-endpoints", {"model_path": "spaces/team/model.tar.gz"})
    ep = await _endpoint(api, eddie, r.json["id"])
    assert ep["status"] == "InService", ep
    r = await api(
        eddie,
        "POST",
        f"/local-endpoints/{ep['id']}/invocations",
        "[[10, 5]]",
        {"Content-Type": "application/json"},
    )
    assert r.json == [1.0]
    assert (await api(eddie, "DELETE", f"/local-endpoints/{ep['id']}")).json["status"] == "Stopped"


async def test_a_model_archive_cannot_write_outside_its_folder(
    api, team, jp_root_dir, studio_data_dir
):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("../../../escaped.txt")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"evil"))
    (jp_root_dir / "spaces" / "team" / "evil.tar.gz").write_bytes(buf.getvalue())
    r = await api(
        team["eddie"], "POST", "/local-endpoints", {"model_path": "spaces/team/evil.tar.gz"}
    )
    assert r.status == 201, r.body
    ep = await _endpoint(api, team["eddie"], r.json["id"])
    assert ep["status"] == "Failed" and "not a readable tar archive" in ep["failure_reason"]
    assert not list(studio_data_dir.rglob("escaped.txt"))


async def test_an_endpoint_whose_model_cannot_load_fails(api, team, jp_root_dir):
    (jp_root_dir / "spaces" / "team" / "empty").mkdir()
    r = await api(team["eddie"], "POST", "/local-endpoints", {"model_path": "spaces/team/empty"})
    assert r.status == 201, r.body
    ep = await _endpoint(api, team["eddie"], r.json["id"])
    assert ep["status"] == "Failed" and "define model_fn(model_dir)" in ep["failure_reason"]


# -- bad input on every route ----------------------------------------------------------------


def _run_body(**fields):
    return {"entry_point": "spaces/team/train.py", **fields}


BAD_TRAINING = [
    (None, 400, "missing-body"),
    ("[1]", 400, "invalid-body"),
    ("{not json", 400, "malformed-json"),
    ({}, 400, "missing-field"),
    (_run_body(extra=1), 400, "unknown-field"),
    ({"entry_point": 7}, 400, "invalid-type"),
    ({"entry_point": ""}, 400, "invalid-length"),
    ({"entry_point": "spaces/team/../private/secret.csv"}, 400, "invalid-path"),
    ({"entry_point": "spaces/team/%2e%2e/x.py"}, 400, "no-such-file"),
    ({"entry_point": "../etc/passwd"}, 400, "invalid-path"),
    ({"entry_point": "etc/passwd"}, 400, "invalid-path"),
    ({"entry_point": "spaces/team"}, 400, "invalid-path"),
    ({"entry_point": "spaces/team/nope.py"}, 400, "no-such-file"),
    ({"entry_point": "spaces/team/data"}, 400, "no-such-file"),
    ({"entry_point": "spaces/team/data/train.csv"}, 400, "invalid-entry-point"),
    ({"entry_point": "spaces/team/escape.py"}, 400, "invalid-path"),
    ({"entry_point": "spaces/private/secret.csv"}, 404, "no-such-space"),
    ({"entry_point": "spaces/nosuch/train.py"}, 404, "no-such-space"),
    (_run_body(source_dir="spaces/team/data"), 400, "invalid-entry-point"),
    (_run_body(source_dir=3), 400, "invalid-type"),
    (_run_body(hyperparameters=[1]), 400, "invalid-body"),
    (_run_body(hyperparameters={"a b": 1}), 400, "invalid-hyperparameters"),
    (_run_body(hyperparameters={"x=y": 1}), 400, "invalid-hyperparameters"),
    (_run_body(hyperparameters={"sagemaker_program": "x"}), 400, "invalid-hyperparameters"),
    (_run_body(hyperparameters={"big": "x" * 3000}), 400, "invalid-hyperparameters"),
    (_run_body(hyperparameters={"nul": "a\x00b"}), 400, "invalid-value"),
    (_run_body(channels="spaces/team/data"), 400, "invalid-body"),
    (_run_body(channels={"a/b": "spaces/team/data"}), 400, "invalid-channels"),
    (_run_body(channels={"train": 5}), 400, "invalid-type"),
    (_run_body(channels={"train": "spaces/team/../../x"}), 400, "invalid-path"),
    (_run_body(channels={"train": "spaces/team/nodata"}), 400, "no-such-file"),
    (_run_body(channels={"train": "spaces/private"}), 404, "no-such-space"),
    (_run_body(register="churn"), 400, "invalid-body"),
    (_run_body(register={}), 400, "missing-field"),
    (_run_body(register={"group": "nope"}), 400, "no-such-group"),
    (_run_body(register={"group": "nope", "x": 1}), 400, "unknown-field"),
    (_run_body(register={"group": "g", "metrics_file": "../x.json"}), 400, "invalid-path"),
    (_run_body(max_runtime_seconds="10"), 400, "invalid-type"),
    (_run_body(max_runtime_seconds=0), 400, "invalid-value"),
    (_run_body(max_runtime_seconds=True), 400, "invalid-type"),
]


async def test_bad_training_requests(api, team, jp_root_dir, services):
    (jp_root_dir / "spaces" / "team" / "escape.py").symlink_to("/etc/hostname")
    eddie = team["eddie"]
    await api(eddie, "POST", "/registry/groups", {"name": "g"})
    failures = []
    for body, status, reason in BAD_TRAINING:
        r = await api(eddie, "POST", "/local-runs", body)
        if r.status != status or (r.json or {}).get("reason") != reason:
            failures.append(f"{body!r}: {r.status} {r.body[:200]!r}, expected {status} {reason}")
    assert not failures, "\n".join(failures)
    # a space the user may only read: 403; anonymous: 401; nothing was recorded
    r = await api(team["vera"], "POST", "/local-runs", _run_body())
    assert r.status == 403 and r.json["reason"] == "forbidden"
    r = await api(None, "POST", "/local-runs", _run_body())
    assert r.status == 401
    assert (await api(eddie, "GET", "/local-runs")).json["items"] == []


async def test_bad_reads_stops_and_logs(api, team):
    eddie = team["eddie"]
    run = await _trained(api, eddie)
    unknown = "f" * 32
    cases = [
        ("GET", "/local-runs?limit=abc", 400, "invalid-limit"),
        ("GET", "/local-runs?limit=0", 400, "invalid-limit"),
        ("GET", "/local-runs?after=nope", 400, "invalid-cursor"),
        ("GET", f"/local-runs?after={unknown}", 400, "invalid-cursor"),
        ("GET", f"/local-runs/{unknown}", 404, "not-found"),
        ("GET", "/local-runs/..%2f..%2fetc", 404, "not-found"),
        ("GET", "/local-runs/NOT-AN-ID", 404, "not-found"),
        ("DELETE", f"/local-runs/{unknown}", 404, "not-found"),
        ("DELETE", f"/local-runs/{run['id']}", 409, "not-active"),
        ("GET", f"/local-runs/{unknown}/logs", 404, "not-found"),
        ("GET", f"/local-runs/{run['id']}/logs?offset=-1", 400, "invalid-offset"),
        ("GET", f"/local-runs/{run['id']}/logs?offset=x", 400, "invalid-offset"),
        ("GET", f"/local-endpoints/{run['id']}", 404, "not-found"),
        ("GET", f"/local-endpoints/{unknown}", 404, "not-found"),
        ("DELETE", f"/local-endpoints/{unknown}", 404, "not-found"),
        ("POST", f"/local-endpoints/{unknown}/invocations", 404, "not-found"),
        ("GET", "/local-endpoints?limit=9999", 400, "invalid-limit"),
    ]
    failures = []
    for method, path, status, reason in cases:
        r = await api(eddie, method, path, "[[1, 2]]" if method == "POST" else None)
        if r.status != status or (r.json or {}).get("reason") != reason:
            failures.append(f"{method} {path}: {r.status} {r.body[:200]!r}")
    assert not failures, "\n".join(failures)
    # the run's space: a viewer is refused, an outsider does not see it
    assert (await api(team["vera"], "GET", f"/local-runs/{run['id']}")).status == 403
    assert (await api(team["oscar"], "GET", f"/local-runs/{run['id']}")).status == 404
    assert (await api(team["oscar"], "GET", f"/local-runs/{run['id']}/logs")).status == 404
    assert (await api(team["vera"], "DELETE", f"/local-runs/{run['id']}")).status == 403
    assert (await api(team["alice"], "GET", f"/local-runs/{run['id']}")).status == 200


async def test_bad_endpoint_requests(api, team, jp_root_dir):
    eddie = team["eddie"]
    r = await api(eddie, "POST", "/local-runs", {"entry_point": "spaces/team/fail.py"})
    failed = await _until(api, eddie, f"/local-runs/{r.json['id']}", _finished)
    (jp_root_dir / "spaces" / "team" / "notes.txt").write_text("not a model")
    cases = [
        (None, 400, "missing-body"),
        ({}, 400, "missing-field"),
        ({"run_id": failed["id"], "model_path": "spaces/team/data"}, 400, "missing-field"),
        ({"run_id": "f" * 32}, 404, "not-found"),
        ({"run_id": 12}, 404, "not-found"),
        ({"run_id": failed["id"]}, 409, "no-model"),
        ({"model_path": "spaces/team/../../etc"}, 400, "invalid-path"),
        ({"model_path": "spaces/team/missing"}, 400, "no-such-file"),
        ({"model_path": "spaces/team/notes.txt"}, 400, "invalid-model"),
        ({"model_path": "spaces/private/secret.csv"}, 404, "no-such-space"),
        ({"model_path": "spaces/team/data", "workers": 0}, 400, "invalid-value"),
        ({"model_path": "spaces/team/data", "workers": "2"}, 400, "invalid-type"),
        ({"model_path": "spaces/team/data", "entry_point": "spaces/team/notes.txt"}, 400, None),
        ({"model_path": "spaces/team/data", "entry_point": "spaces/team/x.py"}, 400, None),
        ({"model_path": "spaces/team/data", "source_dir": "spaces/team/data"}, 400, None),
        ({"model_path": "spaces/team/data", "port": 8080}, 400, "unknown-field"),
    ]
    failures = []
    for body, status, reason in cases:
        r = await api(eddie, "POST", "/local-endpoints", body)
        if r.status != status or (reason and r.json["reason"] != reason):
            failures.append(f"{body!r}: {r.status} {r.body[:200]!r}, expected {status} {reason}")
    assert not failures, "\n".join(failures)
    r = await api(team["vera"], "POST", "/local-endpoints", {"model_path": "spaces/team/data"})
    assert r.status == 403
    assert (await api(eddie, "GET", "/local-endpoints")).json["items"] == []


def test_cmd_args_and_env_values_follow_the_toolkit():
    assert layout.cmd_args({"b": None, "lr": 0.1, "a": True, "d": {"y": 1, "x": "z"}}) == [
        "-a",
        "True",
        "-b",
        "",
        "-d",
        "x=z,y=1",
        "--lr",
        "0.1",
    ]
    assert layout.env_value(None) == "" and layout.env_value("s") == "s"
    assert layout.env_value({"b": [1, 2], "a": True}) == '{"a":true,"b":[1,2]}'


def _studio(*args):
    return subprocess.run(
        [sys.executable, "-m", "jupyter_mlops_studio.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


async def test_cli_and_client(server_url, team):
    eddie = team["eddie"]
    online = ["--url", server_url, "--token", eddie]
    r = await asyncio.to_thread(
        _studio,
        "train-local",
        "spaces/team/train.py",
        "--hp",
        "C=0.5",
        "--hp",
        "solver=lbfgs",
        "--channel",
        "train=spaces/team/data",
        *online,
    )
    assert r.returncode == 0, r.stderr
    assert "trained with ['-C', '0.5', '--solver', 'lbfgs']" in r.stdout
    assert ": Completed" in r.stderr and "model: studio-artifact://localruns/" in r.stderr
    run_id = r.stderr.split()[2]
    r = await asyncio.to_thread(_studio, "train-local", "spaces/team/fail.py", *online)
    assert r.returncode == 1 and "loading data" in r.stdout
    assert "error: ValueError: column 'age' has 12 missing values" in r.stderr
    r = await asyncio.to_thread(_studio, "train-local", "spaces/team/../x.py", *online)
    assert r.returncode == 1 and "leaves its folder" in r.stderr

    r = await asyncio.to_thread(_studio, "serve-local", run_id, *online)
    assert r.returncode == 0, r.stderr
    endpoint = json.loads(r.stdout)
    assert endpoint["status"] == "InService" and endpoint["model"] == {"run_id": run_id}
    local = StudioClient(server_url, eddie).local
    assert await asyncio.to_thread(local.invoke, endpoint["id"], [[0, 0], [10, 5]]) == [0.0, 1.0]
    csv = await asyncio.to_thread(local.invoke, endpoint["id"], "3,1\n", "text/csv", "text/csv")
    assert csv == "0.0\n"
    assert [e["id"] for e in await asyncio.to_thread(local.endpoints)] == [endpoint["id"]]
    r = await asyncio.to_thread(_studio, "serve-local", "--stop", endpoint["id"], *online)
    assert r.returncode == 0 and json.loads(r.stdout)["status"] == "Stopped"

    # the client: train and wait with the log, runs, logs
    log = io.StringIO()
    run = await asyncio.to_thread(
        local.train,
        "spaces/team/train.py",
        {"max-iter": 50},
        {"train": "spaces/team/data"},
        log=log,
    )
    assert run["status"] == "Completed" and "--max-iter', '50'" in log.getvalue()
    assert [x["id"] for x in await asyncio.to_thread(local.runs)][0] == run["id"]
    assert (await asyncio.to_thread(local.logs, run["id"]))["complete"] is True
    with pytest.raises(StudioAPIError) as e:
        await asyncio.to_thread(local.run, "f" * 32)
    assert e.value.status == 404
