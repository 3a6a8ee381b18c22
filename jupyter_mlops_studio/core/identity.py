"""Jupyter-server identity: who is signed in, by studio password, studio API token or server token.

``StudioIdentityProvider`` makes JupyterLab, the collaboration rooms and every handler see the real
user profile (username, display name, personas). The server's own token acts as the domain admin.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass, field
from html import escape

from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.auth.login import LoginFormHandler
from tornado import web
from tornado.escape import url_escape
from traitlets import Type

from .permissions import Principal
from .services import services_of

COLORS = ("#1976d2", "#388e3c", "#d32f2f", "#7b1fa2", "#f57c00", "#0097a7", "#5d4037", "#c2185b")


@dataclass
class StudioUser(User):
    """A jupyter-server user carrying the studio personas."""

    personas: list[str] = field(default_factory=list)
    via_server_token: bool = False

    def principal(self) -> Principal:
        return Principal(
            self.username, frozenset(self.personas), self.display_name, self.via_server_token
        )


def user_from_info(info, via_server_token: bool = False) -> StudioUser:
    initials = "".join(w[0] for w in info.display_name.split()[:2]).upper() or info.username[:1]
    color = COLORS[sum(map(ord, info.username)) % len(COLORS)]
    return StudioUser(
        username=info.username,
        name=info.display_name,
        display_name=info.display_name,
        initials=initials[:2],
        color=color,
        personas=list(info.personas),
        via_server_token=via_server_token,
    )


def principal_of(user) -> Principal | None:
    return user.principal() if isinstance(user, StudioUser) else None


class StudioLoginHandler(LoginFormHandler):
    """Sign in with a studio username and password (or the server token as the admin)."""

    def _render(self, message=None):
        error = ""
        if message and message.get("error"):
            error = f'<p class="error" role="alert">{escape(message["error"])}</p>'
        next_url = escape(url_escape(self.get_argument("next", default=self.base_url)))
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.write(
            LOGIN_PAGE.format(
                action=escape(self.base_url) + "login?next=" + next_url,
                xsrf=self.xsrf_form_html(),
                error=error,
            )
        )


class StudioIdentityProvider(IdentityProvider):
    """Identity of jupyter-mlops-studio: studio user profiles behind every Jupyter request."""

    login_handler_class = Type(
        default_value=StudioLoginHandler,
        klass=web.RequestHandler,
        config=True,
        help="The login handler: a username + password form for studio user profiles.",
    )

    def _identity(self, handler):
        return services_of(handler.settings).identity

    def _server_admin(self, handler) -> StudioUser | None:
        identity = self._identity(handler)
        info = identity.find_user(services_of(handler.settings).admin_username)
        return user_from_info(info, via_server_token=True) if info else None

    async def get_user_token(self, handler: web.RequestHandler) -> StudioUser | None:
        token = self.get_token(handler)
        if not token:
            return None
        if self.token and hmac.compare_digest(token.encode(), self.token.encode()):
            return self._server_admin(handler)
        info = self._identity(handler).user_for_token(token)
        return user_from_info(info) if info else None

    def user_to_cookie(self, user: User) -> str:
        return json.dumps({"username": user.username})

    def user_from_cookie(self, cookie_value: str) -> StudioUser | None:
        # resolved later, with the handler (below): the profile may have been archived meanwhile
        return StudioUser(username=json.loads(cookie_value)["username"])

    def get_user_cookie(self, handler: web.RequestHandler) -> StudioUser | None:
        user = super().get_user_cookie(handler)
        if user is None:
            return None
        info = self._identity(handler).find_user(user.username)
        return user_from_info(info) if info else None

    def process_login_form(self, handler: web.RequestHandler) -> StudioUser | None:
        username = handler.get_argument("username", default="").strip()
        password = handler.get_argument("password", default="")
        if not password or len(password) > 1024 or len(username) > 63:
            return None
        if not username:
            if self.token and hmac.compare_digest(password.encode(), self.token.encode()):
                return self._server_admin(handler)
            return None
        identity = self._identity(handler)
        if not identity.domain_setting("allow_password_sign_in"):
            return None
        info = identity.check_password(username, password)
        return user_from_info(info) if info else None


LOGIN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in · MLOps Studio</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f5f5f5;
margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center;color:#212121}}
main{{background:#fff;padding:2rem 2.5rem;border-radius:6px;box-shadow:0 1px 4px rgba(0,0,0,.2);
width:20rem}}
h1{{font-size:1.3rem;margin:0 0 1.2rem}} label{{display:block;margin:.8rem 0 .3rem;font-size:.9rem}}
input{{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;border:1px solid #bdbdbd;
border-radius:3px}}
button{{margin-top:1.2rem;width:100%;padding:.6rem;font-size:1rem;background:#1976d2;color:#fff;
border:0;border-radius:3px;cursor:pointer}}
.error{{color:#c62828;font-size:.9rem}} .hint{{color:#616161;font-size:.8rem;margin-top:1rem}}
</style></head>
<body><main>
<h1>Sign in to MLOps Studio</h1>
{error}
<form method="post" action="{action}">
{xsrf}
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p class="hint">Administrators may sign in with the server token and an empty username.</p>
</main></body></html>
"""
