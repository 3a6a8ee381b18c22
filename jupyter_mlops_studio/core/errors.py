"""Typed studio errors: raised once in services, turned into JSON ``{message, reason}`` once."""

from __future__ import annotations


class StudioError(Exception):
    """Base of every error a studio service raises on purpose.

    ``reason`` is a short machine-readable code (``invalid-name``, ``not-found`` …); ``status`` is
    the HTTP status the REST layer answers with.
    """

    status = 500
    reason = "internal-error"

    def __init__(self, message: str, reason: str | None = None):
        super().__init__(message)
        self.message = message
        if reason is not None:
            self.reason = reason

    def to_json(self) -> dict[str, str]:
        return {"message": self.message, "reason": self.reason}


class InvalidInput(StudioError):
    status = 400
    reason = "invalid-input"


class NotAuthenticated(StudioError):
    status = 401
    reason = "not-authenticated"


class Forbidden(StudioError):
    status = 403
    reason = "forbidden"


class NotFound(StudioError):
    status = 404
    reason = "not-found"


class Conflict(StudioError):
    status = 409
    reason = "conflict"


class Gone(StudioError):
    status = 410
    reason = "gone"


class PayloadTooLarge(StudioError):
    status = 413
    reason = "payload-too-large"


class Unprocessable(StudioError):
    status = 422
    reason = "unprocessable"
