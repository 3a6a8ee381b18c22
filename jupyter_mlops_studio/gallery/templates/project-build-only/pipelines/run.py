"""``python -m pipelines.run``: load data → train → evaluate → register through the gate."""

import json

from . import config, steps


def main() -> dict:
    X_train, X_test, y_train, y_test = steps.load_data()
    model = steps.train(X_train, y_train, config.MAX_ITER)
    metrics = steps.evaluate(model, X_test, y_test)
    folder = steps.save(model, config.ROOT / "build" / "model")
    version = config.client().registry.register(
        config.GROUP,
        folder,
        metrics=metrics,
        framework="sklearn",
        description=f"built by the pipeline of project {config.PROJECT}",
    )
    summary = {k: version[k] for k in ("group", "version", "status", "metrics")}
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
