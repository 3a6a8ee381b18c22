"""Input validation shared by services: names, strings, booleans, enumerations."""

from __future__ import annotations

import re
from typing import Any

from .errors import InvalidInput

SPACE_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
USERNAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$")


def require_dict(value: Any, what: str = "body") -> dict:
    if not isinstance(value, dict):
        raise InvalidInput(f"{what} must be a JSON object", reason="invalid-body")
    return value


def reject_unknown(data: dict, allowed: set[str] | frozenset[str], what: str = "body") -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise InvalidInput(
            f"unknown field(s) in {what}: {', '.join(map(str, unknown))}", reason="unknown-field"
        )


def name(value: Any, field: str, pattern: re.Pattern = SPACE_NAME) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{field} must be a string", reason="invalid-type")
    if not pattern.match(value):
        raise InvalidInput(
            f"invalid {field} {value[:80]!r}: use letters, digits and '-' "
            f"({'and . _ ' if pattern is USERNAME else ''}1-63 characters, "
            "starting and ending with a letter or digit)",
            reason="invalid-name",
        )
    return value


def string(value: Any, field: str, max_length: int, min_length: int = 0) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{field} must be a string", reason="invalid-type")
    if not min_length <= len(value) <= max_length:
        raise InvalidInput(
            f"{field} must have {min_length}-{max_length} characters", reason="invalid-length"
        )
    if "\x00" in value:
        raise InvalidInput(f"{field} must not contain NUL characters", reason="invalid-value")
    return value


def boolean(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"{field} must be true or false", reason="invalid-type")
    return value


def choice(value: Any, field: str, choices: tuple[str, ...] | list[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise InvalidInput(f"{field} must be one of {', '.join(choices)}", reason="invalid-value")
    return value


def optional_int(value: Any, field: str, minimum: int, maximum: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{field} must be an integer or null", reason="invalid-type")
    if not minimum <= value <= maximum:
        raise InvalidInput(f"{field} must be {minimum}-{maximum}", reason="invalid-value")
    return value
