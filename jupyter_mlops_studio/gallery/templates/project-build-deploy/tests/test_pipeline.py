"""Tests of the seed pipeline's steps and of the deploy step's choice (no studio needed)."""

from pipelines import config, steps
from pipelines.deploy import newest_approved


def test_the_trained_model_passes_the_gate_threshold(tmp_path):
    X_train, X_test, y_train, y_test = steps.load_data()
    model = steps.train(X_train, y_train, config.MAX_ITER)
    metrics = steps.evaluate(model, X_test, y_test)
    assert metrics["accuracy"] >= config.MIN_ACCURACY
    assert (steps.save(model, tmp_path / "m") / "model.joblib").is_file()


def test_deploy_picks_the_newest_approved_version():
    versions = [
        {"version": 1, "status": "Approved"},
        {"version": 2, "status": "Approved"},
        {"version": 3, "status": "PendingManualApproval"},
    ]
    assert newest_approved(versions)["version"] == 2
    assert newest_approved([{"version": 1, "status": "Rejected"}]) is None
