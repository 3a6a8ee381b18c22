"""The jupyter-server ``Authorizer`` of the studio: every guarded Jupyter route asks it."""

from __future__ import annotations

from jupyter_server.auth.authorizer import Authorizer

from .identity import principal_of

GUARD_KEY = "mlops_studio.guard"


class StudioAuthorizer(Authorizer):
    """Allows a request only when the user's personas and role in the space it touches do.

    Anything that is not a studio user profile, or a server without the studio extension
    loaded, is refused: the authorizer fails closed.
    """

    async def is_authorized(self, handler, user, action, resource) -> bool:
        principal = principal_of(user)
        guard = handler.settings.get(GUARD_KEY)
        if principal is None or guard is None:
            return False
        return await guard.authorize(handler, principal, action, resource)
