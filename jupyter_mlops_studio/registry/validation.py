"""Validation of registry input: names, metrics, tags, metadata, lineage, rules."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from ..core import validation as v
from ..core.errors import InvalidInput

GROUP_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9])*$")
ALIAS = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
METRIC_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-/]{0,127}$")
STATUSES = ("PendingManualApproval", "Approved", "Rejected")
CARD_STATUSES = ("Draft", "PendingReview", "Approved", "Archived")
LINEAGE_KEYS = ("space", "notebook", "snapshot_id", "git_remote", "git_commit", "project")
EVENTS = ("version_created", "status_changed", "alias_moved")
OPS = (">=", ">", "<=", "<")
MAX_ENTRIES = 50


def group_name(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidInput("group name must be a string", reason="invalid-type")
    if not 1 <= len(value) <= 63 or not GROUP_NAME.match(value):
        raise InvalidInput(
            f"invalid group name {value[:80]!r}: 1-63 letters, digits and '-', starting and "
            "ending with a letter or digit",
            reason="invalid-name",
        )
    return value


def alias_name(value: Any) -> str:
    if not isinstance(value, str) or not ALIAS.match(value):
        raise InvalidInput(
            f"invalid alias {str(value)[:80]!r}: a lowercase letter, then letters, digits, "
            "'_' or '-' (1-63 characters)",
            reason="invalid-alias",
        )
    return value


def string_map(value: Any, field: str, max_key: int = 128, max_value: int = 256) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput(f"{field} must be an object of strings", reason="invalid-type")
    if len(value) > MAX_ENTRIES:
        raise InvalidInput(f"{field} has more than {MAX_ENTRIES} entries", reason="too-many")
    for k, x in value.items():
        if not isinstance(x, str):
            raise InvalidInput(f"{field}.{k} must be a string", reason="invalid-type")
        if not 1 <= len(k) <= max_key or len(x) > max_value:
            raise InvalidInput(
                f"{field} keys take 1-{max_key} characters and values at most {max_value}",
                reason="invalid-length",
            )
    return dict(value)


def number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput(f"{field} must be a finite number", reason="invalid-metric")
    return float(value)


def metrics(value: Any) -> dict[str, float]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput("metrics must be an object of numbers", reason="invalid-type")
    if len(value) > 200:
        raise InvalidInput("at most 200 metrics", reason="too-many")
    out = {}
    for k, x in value.items():
        if not METRIC_NAME.match(k):
            raise InvalidInput(f"invalid metric name {k[:80]!r}", reason="invalid-metric")
        out[k] = number(x, f"metrics.{k}")
    return out


def json_object(value: Any, field: str, max_bytes: int = 65536) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput(f"{field} must be an object", reason="invalid-type")
    if len(json.dumps(value)) > max_bytes:
        raise InvalidInput(f"{field} is larger than {max_bytes} bytes", reason="too-large")
    return value


def lineage(value: Any) -> dict[str, str]:
    data = string_map(value, "lineage", max_value=1024)
    v.reject_unknown(data, set(LINEAGE_KEYS), "lineage")
    return data


def model_card(value: Any) -> dict:
    if value is None:
        return {"markdown": "", "status": "Draft"}
    value = v.require_dict(value, "model_card")
    v.reject_unknown(value, {"markdown", "status"}, "model_card")
    return {
        "markdown": v.string(value.get("markdown", ""), "model_card.markdown", 100_000),
        "status": v.choice(value.get("status", "Draft"), "model_card.status", CARD_STATUSES),
    }


def rules(value: Any) -> list[dict]:
    if not isinstance(value, list):
        raise InvalidInput("rules must be a list", reason="invalid-type")
    if len(value) > 50:
        raise InvalidInput("at most 50 rules", reason="too-many")
    return [rule(r) for r in value]


def rule(value: Any) -> dict:
    r = v.require_dict(value, "rule")
    kind = v.choice(r.get("kind", "threshold"), "rule.kind", ("threshold", "improve"))
    metric = r.get("metric")
    if not isinstance(metric, str) or not METRIC_NAME.match(metric):
        raise InvalidInput(
            f"rule.metric must be a metric name: {str(metric)[:80]!r}", reason="invalid-rule"
        )
    if kind == "threshold":
        v.reject_unknown(r, {"kind", "metric", "op", "threshold"}, "rule")
        return {
            "kind": kind,
            "metric": metric,
            "op": v.choice(r.get("op"), "rule.op", OPS),
            "threshold": number(r.get("threshold"), "rule.threshold"),
        }
    v.reject_unknown(r, {"kind", "metric", "direction", "margin", "margin_kind"}, "rule")
    margin = number(r.get("margin", 0), "rule.margin")
    if margin < 0:
        raise InvalidInput("rule.margin must not be negative", reason="invalid-rule")
    return {
        "kind": kind,
        "metric": metric,
        "direction": v.choice(r.get("direction", "higher"), "rule.direction", ("higher", "lower")),
        "margin": margin,
        "margin_kind": v.choice(
            r.get("margin_kind", "absolute"), "rule.margin_kind", ("absolute", "relative")
        ),
    }
