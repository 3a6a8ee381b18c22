"""Feature group definitions and record validation (no storage, no tornado).

A feature group names a record identifier feature and an event time feature among its features.
Feature types are SageMaker's: ``Integral`` (64-bit integer), ``Fractional`` (float) and
``String``. The event time is Fractional Unix seconds or an ISO-8601 String.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..core import validation as v
from ..core.errors import InvalidInput

INTEGRAL, FRACTIONAL, STRING = "Integral", "Fractional", "String"
FEATURE_TYPES = (INTEGRAL, FRACTIONAL, STRING)
#: columns the offline store adds to every record (SageMaker's names)
RESERVED = ("is_deleted", "write_time", "api_invocation_time")
GROUP_NAME = re.compile(r"^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$")
FEATURE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
MAX_FEATURES = 2500  # SageMaker's limit per group
MAX_STRING = 350_000  # SageMaker's limit of a String value (characters)
MAX_RECORD_ID = 1024
MAX_TTL = 10 * 365 * 86400
INT64 = (-(2**63), 2**63 - 1)
#: the ISO-8601 event times accepted (SageMaker's forms, as every reader parses them alike):
#: date, 'T' or space, time to the second with an optional fraction, optional Z or offset
ISO_EVENT_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?$"
)
GROUP_FIELDS = frozenset(
    {
        "name",
        "record_identifier",
        "event_time",
        "features",
        "online",
        "offline",
        "ttl_seconds",
        "description",
        "tags",
    }
)
UPDATE_FIELDS = frozenset({"description", "tags", "ttl_seconds"})


@dataclass
class Group:
    """A feature group as services use it (built from its row; immutable between changes)."""

    id: int
    name: str
    record_identifier: str
    event_time: str
    features: list[dict[str, str]]
    online: bool
    offline: bool
    ttl_seconds: int | None
    description: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    created_by: str = ""
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    # computed once: the record paths read them on every call (a group is rebuilt on change)
    @cached_property
    def types(self) -> dict[str, str]:
        return {f["name"]: f["type"] for f in self.features}

    @cached_property
    def string_ids(self) -> bool:
        return self.types[self.record_identifier] == STRING

    @cached_property
    def feature_names(self) -> list[str]:
        return [f["name"] for f in self.features]

    @cached_property
    def feature_count(self) -> int:
        return len(self.features)

    def is_canonical_id(self, value: Any) -> bool:
        """Whether ``value`` is already the string the online store keys a record by (the GET
        path takes it as it is; anything else goes through :func:`record_id`)."""
        if type(value) is not str or not value:
            return False
        if self.string_ids:
            return len(value) <= MAX_RECORD_ID
        # a plain decimal without a leading zero, short enough to be a 64-bit integer
        return (
            len(value) <= 18
            and value.isascii()
            and value.isdigit()
            and (value[0] != "0" or len(value) == 1)
        )

    def record_id_of(self, value: Any) -> str:
        return record_id(value, self.types[self.record_identifier])

    @property
    def event_time_type(self) -> str:
        return self.types[self.event_time]

    @property
    def view(self) -> str:
        """The name of the group's SQL view over the offline store."""
        return self.name.replace("-", "_")

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "record_identifier": self.record_identifier,
            "event_time": self.event_time,
            "features": [dict(f) for f in self.features],
            "online": self.online,
            "offline": self.offline,
            "ttl_seconds": self.ttl_seconds,
            "description": self.description,
            "tags": dict(self.tags),
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
            "view": self.view,
        }


def group_name(value: Any) -> str:
    if not isinstance(value, str) or not GROUP_NAME.match(value):
        shown = value[:80] if isinstance(value, str) else type(value).__name__
        raise InvalidInput(
            f"invalid feature group name {shown!r}: use lowercase letters, digits and '-' "
            "(1-63 characters, starting with a letter, not ending with '-')",
            reason="invalid-name",
        )
    return value


def feature_definitions(value: Any, existing: list[dict[str, str]] = ()) -> list[dict[str, str]]:
    """Validate a list of ``{name, type}`` (new ones, added after ``existing``)."""
    if not isinstance(value, list) or not value:
        raise InvalidInput(
            "features must be a non-empty list of {name, type}", reason="invalid-type"
        )
    seen = {f["name"].lower() for f in existing}
    out = []
    for i, item in enumerate(value):
        what = f"features[{i}]"
        v.require_dict(item, what)
        v.reject_unknown(item, {"name", "type"}, what)
        if "name" not in item or "type" not in item:
            raise InvalidInput(f"{what} needs a name and a type", reason="missing-field")
        name = item["name"]
        if not isinstance(name, str) or not FEATURE_NAME.match(name):
            raise InvalidInput(
                f"invalid feature name {str(name)[:80]!r}: a letter, then letters, digits "
                "and '_' (1-64 characters)",
                reason="invalid-name",
            )
        if name.lower() in RESERVED:
            raise InvalidInput(
                f"feature name {name!r} is reserved (the offline store adds {', '.join(RESERVED)})",
                reason="reserved-name",
            )
        if name.lower() in seen:
            raise InvalidInput(f"feature {name!r} is defined twice", reason="duplicate-feature")
        seen.add(name.lower())
        out.append({"name": name, "type": v.choice(item["type"], f"{what}.type", FEATURE_TYPES)})
    if len(seen) > MAX_FEATURES:
        raise InvalidInput(f"a group has at most {MAX_FEATURES} features", reason="too-many")
    return out


def ttl(value: Any) -> int | None:
    return v.optional_int(value, "ttl_seconds", 1, MAX_TTL)


def tags(value: Any) -> dict[str, str]:
    v.require_dict(value, "tags")
    if len(value) > 50:
        raise InvalidInput("at most 50 tags", reason="too-many")
    for k, val in value.items():
        v.string(k, "tag key", 128, 1)
        v.string(val, f"tag {k!r}", 256)
    return dict(value)


def new_group(data: Any) -> dict[str, Any]:
    """Validate a create-group body; return the fields of the new group."""
    v.require_dict(data)
    v.reject_unknown(data, GROUP_FIELDS)
    for required in ("name", "record_identifier", "event_time", "features"):
        if required not in data:
            raise InvalidInput(f"{required} is required", reason="missing-field")
    features = feature_definitions(data["features"])
    types = {f["name"]: f["type"] for f in features}
    rid = v.string(data["record_identifier"], "record_identifier", 64, 1)
    et = v.string(data["event_time"], "event_time", 64, 1)
    if rid not in types:
        raise InvalidInput(
            f"record_identifier {rid!r} is not one of the features", reason="unknown-feature"
        )
    if types[rid] == FRACTIONAL:
        raise InvalidInput(
            "the record identifier must be an Integral or String feature", reason="invalid-type"
        )
    if et not in types:
        raise InvalidInput(
            f"event_time {et!r} is not one of the features", reason="unknown-feature"
        )
    if types[et] == INTEGRAL:
        raise InvalidInput(
            "the event time must be a Fractional (Unix seconds) or String (ISO-8601) feature",
            reason="invalid-type",
        )
    if et == rid:
        raise InvalidInput(
            "the record identifier and the event time must be different features",
            reason="invalid-value",
        )
    online = v.boolean(data.get("online", True), "online")
    offline = v.boolean(data.get("offline", True), "offline")
    if not (online or offline):
        raise InvalidInput("enable the online store, the offline store or both", reason="no-store")
    return {
        "name": group_name(data["name"]),
        "record_identifier": rid,
        "event_time": et,
        "features": features,
        "online": online,
        "offline": offline,
        "ttl_seconds": ttl(data.get("ttl_seconds")),
        "description": v.string(data.get("description", ""), "description", 4000),
        "tags": tags(data.get("tags", {})),
    }


def event_seconds(value: Any, field_type: str) -> float:
    """The event time value as Unix seconds (``InvalidInput`` if it is not one)."""
    if field_type == FRACTIONAL:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidInput("the event time must be a number of Unix seconds", "invalid-type")
        seconds = float(value)
    else:
        if not isinstance(value, str):
            raise InvalidInput("the event time must be an ISO-8601 string", "invalid-type")
        try:
            if not ISO_EVENT_TIME.match(value):
                raise ValueError(value)
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(
                f"the event time {value[:60]!r} is not an ISO-8601 date and time such as "
                "2026-11-29T10:00:00Z or 2026-11-29T10:00:00.123+01:00",
                reason="invalid-event-time",
            ) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.timezone.utc)
        seconds = parsed.timestamp()
    if not math.isfinite(seconds) or not 0 <= seconds < 253402300800:  # year 1970-9999
        raise InvalidInput("the event time is out of range (1970-9999)", "invalid-event-time")
    return seconds


def record_id(value: Any, field_type: str) -> str:
    """A record identifier value, as the string the online store keys it by."""
    if field_type == INTEGRAL:
        if isinstance(value, str) and (
            (value.isascii() and value.isdigit() and len(value) <= 19)
            or re.fullmatch(r"-[0-9]{1,19}", value)
        ):
            value = int(value)
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (INT64[0] <= value <= INT64[1])
        ):
            raise InvalidInput("the record identifier must be a 64-bit integer", "invalid-type")
        return str(value)
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_RECORD_ID:
        raise InvalidInput(
            f"the record identifier must be a string of 1-{MAX_RECORD_ID} characters",
            "invalid-type",
        )
    return value


def record(group: Group, data: Any) -> tuple[dict[str, Any], str, float]:
    """Validate a whole record: (record with every feature, record id, event seconds).

    The identifier and event time are required; other features may be missing or null.
    """
    v.require_dict(data, "record")
    types = group.types
    unknown = sorted(set(data) - set(types))
    if unknown:
        raise InvalidInput(
            f"unknown feature(s) of {group.name}: {', '.join(map(str, unknown))[:200]}",
            reason="unknown-feature",
        )
    for required in (group.record_identifier, group.event_time):
        if data.get(required) is None:
            raise InvalidInput(f"the record needs {required!r}", reason="missing-field")
    out = {}
    for name, ftype in types.items():
        out[name] = _value(data.get(name), ftype, name)
    rid = record_id(out[group.record_identifier], types[group.record_identifier])
    return out, rid, event_seconds(out[group.event_time], types[group.event_time])


def _value(value: Any, ftype: str, name: str) -> Any:
    if value is None:
        return None
    if ftype == INTEGRAL:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (INT64[0] <= value <= INT64[1])
        ):
            raise InvalidInput(f"{name} must be an Integral (64-bit integer)", "invalid-type")
    elif ftype == FRACTIONAL:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidInput(f"{name} must be a Fractional (number)", "invalid-type")
        value = float(value)
        if not math.isfinite(value):
            raise InvalidInput(f"{name} must be a finite number", "invalid-value")
    else:
        if not isinstance(value, str):
            raise InvalidInput(f"{name} must be a String", "invalid-type")
        if len(value) > MAX_STRING or "\x00" in value:
            raise InvalidInput(
                f"{name} must be at most {MAX_STRING} characters without NUL", "invalid-value"
            )
    return value


def feature_subset(group: Group, names: Any) -> list[str] | None:
    """Validate an optional list of feature names of ``group``."""
    if names is None:
        return None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names) or not names:
        raise InvalidInput("features must be a non-empty list of names", "invalid-type")
    unknown = [n for n in names if n not in group.types]
    if unknown:
        raise InvalidInput(
            f"unknown feature(s) of {group.name}: {', '.join(unknown)[:200]}", "unknown-feature"
        )
    return names
