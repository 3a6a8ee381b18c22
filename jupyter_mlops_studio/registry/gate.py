"""The quality gate: baseline rules a new version must pass to be registered."""

from __future__ import annotations

import operator

COMPARE = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


def evaluate(rules: list[dict], metrics: dict[str, float], approved: dict[str, float] | None):
    """Every rule's result; ``approved`` holds the metrics of the current Approved version."""
    return [_one(rule, metrics, approved) for rule in rules]


def _one(rule: dict, metrics: dict[str, float], approved: dict[str, float] | None) -> dict:
    name = rule["metric"]
    value = metrics.get(name)
    result = {"rule": rule, "value": value, "compared_with": None}
    if rule["kind"] == "threshold":
        result["compared_with"] = rule["threshold"]
        if value is None:
            return {**result, "passed": False, "message": f"metric {name} is missing"}
        passed = COMPARE[rule["op"]](value, rule["threshold"])
        return {
            **result,
            "passed": passed,
            "message": f"{name} = {value:g} {'meets' if passed else 'fails'} "
            f"{rule['op']} {rule['threshold']:g}",
        }
    base = (approved or {}).get(name)
    if base is None:
        return {
            **result,
            "passed": True,
            "message": f"no Approved version with {name} to compare with",
        }
    margin = rule["margin"] * (abs(base) if rule["margin_kind"] == "relative" else 1.0)
    target = base + margin if rule["direction"] == "higher" else base - margin
    result["compared_with"] = target
    if value is None:
        return {**result, "passed": False, "message": f"metric {name} is missing"}
    passed = value >= target if rule["direction"] == "higher" else value <= target
    verb = "at least" if rule["direction"] == "higher" else "at most"
    return {
        **result,
        "passed": passed,
        "message": f"{name} = {value:g} must be {verb} {target:g} (Approved version: "
        f"{base:g}, margin {rule['margin']:g} {rule['margin_kind']})",
    }
