"""Acceptance 3 of issue 7: every shipped template, instantiated through the API into a space,
runs top to bottom offline with nbclient against a real studio server (STUDIO_URL and
STUDIO_TOKEN set for the kernel). The pre-trained model's notebooks need torch and are marked
``slow``: ``pytest -m slow`` (scripts/test runs them in a second command)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from jupyter_mlops_studio.gallery.service import BUILTIN_DIR

FAST = ["tabular-classification", "feature-store-quickstart", "register-model"]
FAST += ["sagemaker-local-training"]
SLOW = ["sentence-embeddings"]
PROJECTS = ["project-build-deploy", "project-build-only"]  # run by tests/test_projects.py


def test_every_shipped_template_has_a_notebook_test():
    shipped = {p.name for p in BUILTIN_DIR.iterdir() if (p / "template.yaml").is_file()}
    assert shipped == set(FAST) | set(SLOW) | set(PROJECTS)


@pytest.fixture
def notebook_user(services, make_user, server_url, monkeypatch):
    token = make_user("nina")
    nina = services.identity.get_user("nina").principal()
    services.spaces.create_space(nina, {"name": "lab", "sharing": "private"})
    monkeypatch.setenv("STUDIO_URL", server_url)
    monkeypatch.setenv("STUDIO_TOKEN", token)
    return token


async def run_template(api, token, jp_root_dir, template_id: str) -> Path:
    r = await api(token, "POST", f"/gallery/templates/{template_id}/instantiate", {"space": "lab"})
    assert r.status == 201, r.json
    folder = Path(jp_root_dir) / r.json["folder"]
    notebooks = [f for f in r.json["files"] if f.endswith(".ipynb")]
    assert r.json["main"] in notebooks
    # the main notebook first, then the others (a fine-tuning notebook after its model's)
    for path in [r.json["main"], *sorted(set(notebooks) - {r.json["main"]})]:
        nb = nbformat.read(Path(jp_root_dir) / path, as_version=4)
        client = NotebookClient(
            nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
        )
        await client.async_execute()  # raises CellExecutionError on the first failing cell
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
        assert not errors, errors
        nbformat.write(nb, Path(jp_root_dir) / path)  # kept with its outputs
    return folder


@pytest.mark.parametrize("template_id", FAST)
async def test_shipped_notebook_runs(template_id, api, notebook_user, jp_root_dir, services):
    folder = await run_template(api, notebook_user, jp_root_dir, template_id)
    nina = services.identity.get_user("nina").principal()
    if template_id == "tabular-classification":
        assert (folder / "model" / "model.joblib").is_file()
    elif template_id == "feature-store-quickstart":
        group = services.featurestore.describe(nina, "quickstart-customers")
        assert group["name"] == "quickstart-customers"
    elif template_id == "register-model":
        versions, _ = services.registry.list_versions(nina, "iris-classifier")
        assert [v["version"] for v in versions] == [1]
    elif template_id == "sagemaker-local-training":
        runs, _ = services.localruns.list_runs(nina)
        assert [r["status"] for r in runs] == ["Completed"]
        assert runs[0]["hyperparameters"] == {"alpha": 1.0}


@pytest.mark.slow
@pytest.mark.parametrize("template_id", SLOW)
async def test_pretrained_model_notebooks_run_offline(
    template_id, api, notebook_user, jp_root_dir, monkeypatch
):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    folder = await run_template(api, notebook_user, jp_root_dir, template_id)
    assert (folder / "fine-tuned-minilm" / "config.json").is_file()


async def test_registry_model_template_notebook_runs(
    api, notebook_user, jp_root_dir, services, tmp_path
):
    """The generated notebook of a registry group published to the gallery loads its approved
    version through the client, and the artifact is in model/ beside it."""
    from jupyter_mlops_studio.registry.packing import pack

    nina = services.identity.get_user("nina").principal()
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "model.txt").write_text("weights")
    upload = services.registry.upload(nina, pack(tmp_path / "m"))
    services.registry.create_group(
        nina, {"name": "published", "publish_to_gallery": True, "initial_status": "Approved"}
    )
    services.registry.register_version(
        nina, "published", {"artifact": {"upload_id": upload["upload_id"]}}
    )
    services.gallery.refresh()
    folder = await run_template(api, notebook_user, jp_root_dir, "model-published")
    nb = nbformat.read(folder / "published.ipynb", as_version=4)
    assert "['model.txt']" in nb.cells[-1].outputs[0]["data"]["text/plain"]
