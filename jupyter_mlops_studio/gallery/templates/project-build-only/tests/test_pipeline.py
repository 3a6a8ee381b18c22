"""Tests of the seed pipeline's steps (no studio needed)."""

from pipelines import config, steps


def test_the_trained_model_passes_the_gate_threshold(tmp_path):
    X_train, X_test, y_train, y_test = steps.load_data()
    model = steps.train(X_train, y_train, config.MAX_ITER)
    assert steps.evaluate(model, X_test, y_test)["accuracy"] >= config.MIN_ACCURACY
    assert (steps.save(model, tmp_path / "m") / "model.joblib").is_file()
