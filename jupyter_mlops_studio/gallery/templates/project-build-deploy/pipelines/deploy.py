"""``python -m pipelines.deploy``: the newest Approved version of the project's group, written
as a deployment manifest (build/deployment.json) that a serving step or CI job picks up."""

import json
import sys

from . import config


def newest_approved(versions: list[dict]) -> dict | None:
    approved = [v for v in versions if v["status"] == "Approved"]
    return max(approved, key=lambda v: v["version"]) if approved else None


def main() -> int:
    version = newest_approved(config.client().registry.versions(config.GROUP))
    if version is None:
        print(f"no Approved version in {config.GROUP}: nothing to deploy", file=sys.stderr)
        return 1
    manifest = {
        "project": config.PROJECT,
        "group": config.GROUP,
        "version": version["version"],
        "artifact": version.get("artifact"),
        "metrics": version.get("metrics"),
    }
    out = config.ROOT / "build" / "deployment.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(manifest, indent=2))
    print(json.dumps(manifest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
