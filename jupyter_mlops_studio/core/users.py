"""The domain and its user profiles: settings, personas, passwords and API tokens (no tornado)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from . import validation as v
from .db import Database, utcnow
from .errors import Conflict, InvalidInput, NotFound
from .models import ApiTokenRow, DomainRow, UserRow
from .permissions import ADMIN, PERSONAS, Principal

TOKEN_PREFIX = "mls_"
#: how often a token's last-used time is written (not on every request)
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)

_DOMAIN_SETTINGS = select(DomainRow.settings).where(DomainRow.id == 1)
#: domain settings: name -> (default, validator)
DOMAIN_SETTINGS: dict[str, tuple[Any, Any]] = {
    "allow_password_sign_in": (True, v.boolean),
    "shared_spaces_open_to_domain": (False, v.boolean),
    "default_member_role": ("editor", lambda x, f: v.choice(x, f, ("viewer", "editor"))),
    "allow_terminals": (False, v.boolean),
    "snapshots_allow_outputs": (True, v.boolean),
    "share_link_default_expiry_days": (7, lambda x, f: v.optional_int(x, f, 1, 3650)),
    "share_link_max_expiry_days": (90, lambda x, f: v.optional_int(x, f, 1, 3650)),
    "encryption_key_ref": (None, lambda x, f: None if x is None else v.string(x, f, 2048)),
    "registry_approver_must_differ": (False, v.boolean),
}


@dataclass(frozen=True)
class UserInfo:
    username: str
    display_name: str
    personas: list[str]
    has_password: bool
    created_at: dt.datetime

    def to_json(self) -> dict:
        return {
            "username": self.username,
            "display_name": self.display_name,
            "personas": list(self.personas),
            "has_password": self.has_password,
            "created_at": self.created_at.isoformat(),
        }

    def principal(self) -> Principal:
        return Principal(self.username, frozenset(self.personas), self.display_name)


@dataclass(frozen=True)
class TokenInfo:
    id: int
    prefix: str
    description: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None

    def to_json(self) -> dict:
        iso = lambda t: t.isoformat() if t else None  # noqa: E731
        return {
            "id": self.id,
            "prefix": self.prefix,
            "description": self.description,
            "created_at": iso(self.created_at),
            "expires_at": iso(self.expires_at),
            "last_used_at": iso(self.last_used_at),
        }


def _user_info(row: UserRow) -> UserInfo:
    return UserInfo(
        row.username, row.display_name, list(row.personas), bool(row.password_hash), row.created_at
    )


def _token_info(row: ApiTokenRow) -> TokenInfo:
    return TokenInfo(
        row.id, row.prefix, row.description, row.created_at, row.expires_at, row.last_used_at
    )


def hash_token(token: str) -> str:
    # API tokens carry 256 random bits: a fast hash is the standard (JupyterHub, GitHub)
    return hashlib.sha256(token.encode()).hexdigest()


def validate_personas(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise InvalidInput("personas must be a non-empty list", reason="invalid-type")
    for p in value:
        v.choice(p, "persona", PERSONAS)
    return sorted(set(value), key=PERSONAS.index)


def validate_password(value: Any) -> str:
    return v.string(value, "password", max_length=1024, min_length=8)


def live_user(s, username: Any) -> UserRow:
    """The live (not archived) profile row of ``username`` in session ``s``; 404 otherwise."""
    if not isinstance(username, str) or not v.USERNAME.match(username):
        raise NotFound(f"no user {str(username)[:80]!r}", reason="no-such-user")
    row = s.scalar(
        select(UserRow).where(UserRow.username == username, UserRow.deleted_at.is_(None))
    )
    if row is None:
        raise NotFound(f"no user {username!r}", reason="no-such-user")
    return row


def _with_defaults(stored: dict) -> dict:
    """Every domain setting: the stored value, else its default (unknown keys left out)."""
    return {key: stored.get(key, default) for key, (default, _) in DOMAIN_SETTINGS.items()}


class IdentityService:
    """Domain settings, user profiles, passwords (argon2) and API tokens (stored hashed)."""

    def __init__(self, db: Database, domain_name: str = "default"):
        self.db = db
        self.domain_name = domain_name

    @functools.cached_property
    def _hasher(self):
        from argon2 import PasswordHasher  # imported at first use: keeps server start-up short

        return PasswordHasher()

    # -- domain ---------------------------------------------------------------------------------
    def ensure_domain(self) -> None:
        with self.db.session(write=True) as s:
            if s.get(DomainRow, 1) is None:
                defaults = {k: d for k, (d, _) in DOMAIN_SETTINGS.items()}
                s.add(DomainRow(id=1, name=self.domain_name, settings=defaults))

    def get_domain(self) -> dict:
        with self.db.session() as s:
            row = s.get(DomainRow, 1)
            if row is None:
                raise NotFound("the domain has not been created", reason="no-domain")
            return {
                "name": row.name,
                "settings": _with_defaults(row.settings),
                "updated_at": row.updated_at.isoformat(),
            }

    def domain_setting(self, key: str) -> Any:
        """One setting of the domain (its default when never set); asked on hot paths, so read
        with a prebuilt statement on a Core connection."""
        with self.db.transaction() as conn:
            settings = conn.execute(_DOMAIN_SETTINGS).scalar()
        if settings is None:
            raise NotFound("the domain has not been created", reason="no-domain")
        return _with_defaults(settings)[key]

    def update_domain(self, patch: Any) -> dict:
        patch = v.require_dict(patch)
        v.reject_unknown(patch, {"name", "settings"})
        settings_patch = v.require_dict(patch.get("settings", {}), "settings")
        v.reject_unknown(settings_patch, set(DOMAIN_SETTINGS), "settings")
        checked = {k: DOMAIN_SETTINGS[k][1](x, k) for k, x in settings_patch.items()}
        new_name = v.name(patch["name"], "domain name") if "name" in patch else None
        with self.db.session(write=True) as s:
            row = s.get(DomainRow, 1)
            merged = {**row.settings, **checked}
            default_days = merged.get("share_link_default_expiry_days")
            max_days = merged.get("share_link_max_expiry_days")
            if default_days and max_days and default_days > max_days:
                raise InvalidInput(
                    "share_link_default_expiry_days exceeds share_link_max_expiry_days",
                    reason="invalid-value",
                )
            row.settings = merged
            if new_name:
                row.name = new_name
            row.updated_at = utcnow()
        return self.get_domain()

    # -- users ----------------------------------------------------------------------------------
    @staticmethod
    def _live_user(s, username: Any) -> UserRow:
        return live_user(s, username)

    def create_user(
        self,
        username: Any,
        personas: Any,
        display_name: Any = None,
        password: Any = None,
    ) -> UserInfo:
        username = v.name(username, "username", v.USERNAME)
        personas = validate_personas(personas)
        display_name = v.string(
            display_name if display_name is not None else username, "display_name", 255
        )
        pw_hash = self._hasher.hash(validate_password(password)) if password is not None else None
        with self.db.session(write=True) as s:
            if s.scalar(
                select(UserRow.id).where(UserRow.username == username, UserRow.deleted_at.is_(None))
            ):
                raise Conflict(f"user {username!r} exists", reason="user-exists")
            row = UserRow(
                username=username,
                display_name=display_name,
                personas=personas,
                password_hash=pw_hash,
            )
            s.add(row)
            s.flush()
            return _user_info(row)

    def get_user(self, username: str) -> UserInfo:
        with self.db.session() as s:
            return _user_info(self._live_user(s, username))

    def find_user(self, username: str) -> UserInfo | None:
        try:
            return self.get_user(username)
        except NotFound:
            return None

    def list_users(self) -> list[UserInfo]:
        with self.db.session() as s:
            rows = s.scalars(
                select(UserRow).where(UserRow.deleted_at.is_(None)).order_by(UserRow.username)
            )
            return [_user_info(r) for r in rows]

    def count_admins(self, s) -> int:
        rows = s.scalars(select(UserRow).where(UserRow.deleted_at.is_(None)))
        return sum(1 for r in rows if ADMIN in r.personas)

    def update_user(self, username: str, patch: Any) -> UserInfo:
        patch = v.require_dict(patch)
        v.reject_unknown(patch, {"display_name", "personas", "password"})
        display_name = (
            v.string(patch["display_name"], "display_name", 255)
            if "display_name" in patch
            else None
        )
        personas = validate_personas(patch["personas"]) if "personas" in patch else None
        pw_hash = None
        if "password" in patch:
            pw_hash = self._hasher.hash(validate_password(patch["password"]))
        with self.db.session(write=True) as s:
            row = self._live_user(s, username)
            if personas is not None:
                if ADMIN in row.personas and ADMIN not in personas and self.count_admins(s) <= 1:
                    raise Conflict("the domain must keep at least one admin", reason="last-admin")
                row.personas = personas
            if display_name is not None:
                row.display_name = display_name
            if pw_hash is not None:
                row.password_hash = pw_hash
            row.updated_at = utcnow()
            return _user_info(row)

    def archive_user(self, username: str, owned_spaces: list[str]) -> None:
        """Archive a profile: it can no longer sign in, its tokens are revoked; the row is kept.

        Refused while the user owns spaces (delete or hand them over first), like SageMaker.
        """
        if owned_spaces:
            raise Conflict(
                f"{username} owns spaces {', '.join(owned_spaces)}: delete them or transfer "
                "ownership first",
                reason="user-owns-spaces",
            )
        with self.db.session(write=True) as s:
            row = self._live_user(s, username)
            if ADMIN in row.personas and self.count_admins(s) <= 1:
                raise Conflict("the domain must keep at least one admin", reason="last-admin")
            now = utcnow()
            row.deleted_at = now
            for t in row.tokens:
                t.revoked_at = t.revoked_at or now
            from ..spaces.models import SpaceMemberRow

            for m in s.scalars(select(SpaceMemberRow).where(SpaceMemberRow.user_id == row.id)):
                s.delete(m)

    # -- passwords ------------------------------------------------------------------------------
    def check_password(self, username: str, password: str) -> UserInfo | None:
        """The user when the password matches, else None (same work for unknown users)."""
        with self.db.session() as s:
            try:
                row = self._live_user(s, username)
                stored = row.password_hash
            except NotFound:
                row, stored = None, None
            from argon2.exceptions import InvalidHashError, VerificationError

            try:
                if stored is None:
                    # spend the same time on unknown users so that timing reveals nothing
                    self._hasher.verify(self._dummy_hash, password)
                    return None
                self._hasher.verify(stored, password)
            except (VerificationError, InvalidHashError):
                return None
            if self._hasher.check_needs_rehash(stored):
                row.password_hash = self._hasher.hash(password)
            return _user_info(row)

    @property
    def _dummy_hash(self) -> str:
        if not hasattr(self, "_dummy"):
            self._dummy = self._hasher.hash(secrets.token_hex(16))
        return self._dummy

    # -- tokens ---------------------------------------------------------------------------------
    def create_token(
        self, username: str, description: Any = "", expires_in_days: Any = None
    ) -> tuple[str, TokenInfo]:
        """A new API token: the secret is returned once and stored only as a hash."""
        description = v.string(description or "", "description", 255)
        days = v.optional_int(expires_in_days, "expires_in_days", 1, 3650)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.db.session(write=True) as s:
            user = self._live_user(s, username)
            row = ApiTokenRow(
                user_id=user.id,
                token_hash=hash_token(token),
                prefix=token[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
                description=description,
                expires_at=utcnow() + dt.timedelta(days=days) if days else None,
            )
            s.add(row)
            s.flush()
            return token, _token_info(row)

    def list_tokens(self, username: str) -> list[TokenInfo]:
        with self.db.session() as s:
            user = self._live_user(s, username)
            return [_token_info(t) for t in user.tokens if t.revoked_at is None]

    def revoke_token(self, username: str, token_id: Any) -> None:
        if isinstance(token_id, bool) or not isinstance(token_id, int):
            raise NotFound(f"no token {str(token_id)[:40]!r}", reason="no-such-token")
        with self.db.session(write=True) as s:
            user = self._live_user(s, username)
            row = s.get(ApiTokenRow, token_id)
            if row is None or row.user_id != user.id or row.revoked_at is not None:
                raise NotFound(f"no token {token_id} for {username}", reason="no-such-token")
            row.revoked_at = utcnow()

    def user_for_token(self, token: str) -> UserInfo | None:
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        now = utcnow()
        with self.db.session() as s:
            row = s.scalar(select(ApiTokenRow).where(ApiTokenRow.token_hash == hash_token(token)))
            if row is None or row.revoked_at is not None:
                return None
            if row.expires_at is not None and row.expires_at <= now:
                return None
            if row.user.deleted_at is not None:
                return None
            stale = row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION
            token_id, info = row.id, _user_info(row.user)
        if stale:
            # its own write transaction: a read snapshot upgraded to a write can fail with
            # 'database is locked' on SQLite when another writer committed meanwhile
            with self.db.session(write=True) as s:
                s.execute(
                    update(ApiTokenRow).where(ApiTokenRow.id == token_id).values(last_used_at=now)
                )
        return info
