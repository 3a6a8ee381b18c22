"""Registry webhooks: subscriptions, a durable delivery log and a background dispatcher.

The registry service calls :meth:`WebhookService.emit` after its transaction commits; ``emit``
only writes one pending :class:`DeliveryRow` per matching webhook and wakes the dispatcher. The
dispatcher thread picks due deliveries from the database (so pending deliveries survive a
restart), POSTs them with an HMAC signature and retries failures with exponential backoff.

Receivers check a delivery like this (see :func:`verify_signature`)::

    signed = f"{headers['X-Studio-Timestamp']}.".encode() + raw_body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    hmac.compare_digest(expected, headers["X-Studio-Signature"])
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import random
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select

from ..core import validation as v
from ..core.db import Database, utcnow
from ..core.errors import InvalidInput, NotFound
from ..core.permissions import Principal, check
from . import validation as rv
from .models import DeliveryRow, WebhookRow

log = logging.getLogger(__name__)

EVENTS = rv.EVENTS
TEST_EVENT = "test"
MAX_URL_LENGTH = 2048
WEBHOOK_FIELDS = frozenset({"url", "secret", "events", "group", "active"})
MAX_DELIVERY_PAGE = 1000
USER_AGENT = "jupyter-mlops-studio-webhooks/1"
#: how much of a failing receiver's answer is kept in ``last_error``
ERROR_SNIPPET = 200
#: how long the dispatcher sleeps when nothing is due (it also polls for other processes' rows)
IDLE_POLL = 2.0


def _iso(t: dt.datetime | None) -> str | None:
    return t.isoformat() if t else None


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 with ``secret`` of ``f"{timestamp}.".encode() + body``.

    The timestamp is part of what is signed so that a captured delivery cannot be replayed
    later with a fresh ``X-Studio-Timestamp``.
    """
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(
    secret: str,
    timestamp: str | int,
    body: bytes,
    signature: str,
    tolerance: float | None = None,
) -> bool:
    """Whether ``signature`` (the ``X-Studio-Signature`` header) signs ``timestamp`` and ``body``.

    ``body`` must be the exact bytes received. With ``tolerance`` (seconds), a timestamp further
    than that from now is refused as well (replay protection).
    """
    timestamp = str(timestamp)
    if tolerance is not None:
        try:
            if abs(time.time() - int(timestamp)) > tolerance:
                return False
        except ValueError:
            return False
    if not isinstance(signature, str):
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


# -- validation ------------------------------------------------------------------------------------
def _url(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidInput("url must be a string", reason="invalid-type")
    if not 1 <= len(value) <= MAX_URL_LENGTH:
        raise InvalidInput(f"url must have 1-{MAX_URL_LENGTH} characters", reason="invalid-length")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
        raise InvalidInput(
            "url must not contain spaces or control characters", reason="invalid-url"
        )
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as e:
        raise InvalidInput(f"invalid url: {e}", reason="invalid-url") from e
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidInput("url must start with http:// or https://", reason="invalid-url")
    if not parts.hostname:
        raise InvalidInput("url must name a host", reason="invalid-url")
    if parts.username is not None or parts.password is not None:
        raise InvalidInput(
            "url must not carry credentials; receivers authenticate deliveries by their signature",
            reason="invalid-url",
        )
    return value


def _events(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise InvalidInput("events must be a list", reason="invalid-type")
    if not value:
        raise InvalidInput("events must name at least one event", reason="invalid-value")
    for event in value:
        if not isinstance(event, str) or event not in EVENTS:
            raise InvalidInput(
                f"unknown event {str(event)[:80]!r}: use {', '.join(EVENTS)}",
                reason="invalid-event",
            )
    return [e for e in EVENTS if e in value]  # canonical order, no duplicates


def _group(value: Any) -> str | None:
    # a webhook may name a group before the group exists; only the name's form is checked
    return None if value is None else rv.group_name(value)


def _fields(body: Any, required: bool) -> dict:
    body = v.require_dict(body)
    v.reject_unknown(body, WEBHOOK_FIELDS)
    if required:
        missing = [f for f in ("url", "secret", "events") if f not in body]
        if missing:
            raise InvalidInput(f"missing field(s): {', '.join(missing)}", reason="missing-field")
    out: dict[str, Any] = {}
    if "url" in body:
        out["url"] = _url(body["url"])
    if "secret" in body:
        out["secret"] = v.string(body["secret"], "secret", 256, 16)
    if "events" in body:
        out["events"] = _events(body["events"])
    if "group" in body:
        out["group_name"] = _group(body["group"])
    if "active" in body:
        out["active"] = v.boolean(body["active"], "active")
    return out


def _webhook_json(row: WebhookRow) -> dict:
    """A webhook as the API shows it: never the secret."""
    return {
        "id": row.id,
        "url": row.url,
        "events": list(row.events),
        "group": row.group_name,
        "active": row.active,
        "has_secret": bool(row.secret),
        "created_by": row.created_by,
        "created_at": _iso(row.created_at),
    }


def _delivery_json(row: DeliveryRow) -> dict:
    return {
        "id": row.id,
        "webhook_id": row.webhook_id,
        "event": row.event,
        "state": row.state,
        "attempts": row.attempts,
        "last_status": row.last_status,
        "last_error": row.last_error,
        "created_at": _iso(row.created_at),
        "delivered_at": _iso(row.delivered_at),
        "next_attempt_at": _iso(row.next_attempt_at),
    }


@dataclass(frozen=True)
class _Job:
    """One claimed delivery: everything a sender thread needs, detached from the session."""

    delivery_id: int
    webhook_id: int
    url: str
    secret: str
    event: str
    group: str | None
    payload: Any


@dataclass(frozen=True)
class _Outcome:
    ok: bool
    status: int | None
    error: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse every redirect: urllib then raises HTTPError with the 3xx status (a failure)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class WebhookService:
    """Webhook subscriptions (admin, mlops) and their delivery.

    ``emit`` is cheap and never raises for delivery problems; ``start``/``stop`` run the
    dispatcher thread. Deliveries are at least once: a receiver may see one twice (after a crash
    between sending and recording), so it should de-duplicate on ``delivery_id``.
    """

    def __init__(
        self,
        db: Database,
        *,
        max_attempts: int = 5,
        base_delay: float = 0.5,
        max_delay: float = 30.0,
        timeout: float = 5.0,
        concurrency: int = 4,
    ):
        self.db = db
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.timeout = timeout
        self.concurrency = max(1, concurrency)
        #: a claimed delivery is not picked again (by this or another process) until its lease
        #: ends: long enough for one attempt, short enough to resume soon after a crash
        self.lease = max(30.0, 4 * timeout)
        self._opener = urllib.request.build_opener(_NoRedirect)
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._in_flight = 0
        #: how many claims took rows; drain() compares it around its database check, so rows
        #: leased (no longer due) between its two reads are never mistaken for idleness
        self._claims = 0

    # -- subscriptions -------------------------------------------------------------------------
    @staticmethod
    def _live(s, webhook_id: Any) -> WebhookRow:
        if isinstance(webhook_id, bool) or not isinstance(webhook_id, int):
            raise NotFound(f"no webhook {str(webhook_id)[:80]!r}", reason="webhook-not-found")
        row = s.get(WebhookRow, webhook_id)
        if row is None or row.deleted_at is not None:
            raise NotFound(f"no webhook {webhook_id}", reason="webhook-not-found")
        return row

    def create_webhook(self, principal: Principal, body: Any) -> dict:
        """Subscribe ``body["url"]`` to registry events; the secret is never shown again."""
        check(principal, "registry:webhooks")
        fields = _fields(body, required=True)
        fields.setdefault("active", True)
        with self.db.session(write=True) as s:
            row = WebhookRow(**fields, created_by=principal.username)
            s.add(row)
            s.flush()
            return _webhook_json(row)

    def list_webhooks(self, principal: Principal) -> list[dict]:
        check(principal, "registry:webhooks")
        with self.db.session() as s:
            rows = s.scalars(
                select(WebhookRow).where(WebhookRow.deleted_at.is_(None)).order_by(WebhookRow.id)
            ).all()
            return [_webhook_json(r) for r in rows]

    def get_webhook(self, principal: Principal, webhook_id: Any) -> dict:
        check(principal, "registry:webhooks")
        with self.db.session() as s:
            return _webhook_json(self._live(s, webhook_id))

    def update_webhook(self, principal: Principal, webhook_id: Any, patch: Any) -> dict:
        """Change any of url, secret, events, group, active; pending deliveries are kept."""
        check(principal, "registry:webhooks")
        fields = _fields(patch, required=False)
        with self.db.session(write=True) as s:
            row = self._live(s, webhook_id)
            for name, value in fields.items():
                setattr(row, name, value)
            s.flush()
            return _webhook_json(row)

    def delete_webhook(self, principal: Principal, webhook_id: Any) -> None:
        """Soft-delete: the delivery log stays readable in the database; pending ones fail."""
        check(principal, "registry:webhooks")
        with self.db.session(write=True) as s:
            self._live(s, webhook_id).deleted_at = utcnow()

    # -- events --------------------------------------------------------------------------------
    def emit(self, event: str, group: str, payload: dict) -> None:
        """Queue ``event`` of ``group`` for every active webhook that wants it; never raises.

        Call it after the registry transaction commits: a rolled-back change announces nothing.
        """
        try:
            data = json.loads(json.dumps(payload, default=str))
            with self.db.session(write=True) as s:
                hooks = s.scalars(
                    select(WebhookRow).where(
                        WebhookRow.deleted_at.is_(None), WebhookRow.active.is_(True)
                    )
                ).all()
                now = utcnow()
                queued = 0
                for hook in hooks:
                    if event in hook.events and hook.group_name in (None, group):
                        s.add(self._new_delivery(hook.id, event, group, data, now))
                        queued += 1
        except Exception:
            log.exception("Could not queue webhook deliveries of %s for %s", event, group)
            return
        if queued:
            self._wake.set()

    @staticmethod
    def _new_delivery(webhook_id: int, event: str, group, data, now) -> DeliveryRow:
        # the row keeps the envelope's group next to the event data (a webhook of all groups
        # cannot tell it otherwise)
        return DeliveryRow(
            webhook_id=webhook_id,
            event=event,
            payload={"group": group, "data": data},
            state="pending",
            attempts=0,
            last_error="",
            created_at=now,
            next_attempt_at=now,
        )

    def send_test(self, principal: Principal, webhook_id: Any) -> dict:
        """Queue a ``test`` delivery (also to an inactive webhook, to try it before enabling)."""
        check(principal, "registry:webhooks")
        with self.db.session(write=True) as s:
            hook = self._live(s, webhook_id)
            data = {"message": "test delivery", "requested_by": principal.username}
            row = self._new_delivery(hook.id, TEST_EVENT, hook.group_name, data, utcnow())
            s.add(row)
            s.flush()
            result = _delivery_json(row)
        self._wake.set()
        return result

    def list_deliveries(self, principal: Principal, webhook_id: Any, limit: int = 100) -> list:
        """The delivery log of one webhook, newest first."""
        check(principal, "registry:webhooks")
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise InvalidInput("limit must be an integer", reason="invalid-limit")
        if not 1 <= limit <= MAX_DELIVERY_PAGE:
            raise InvalidInput(f"limit must be 1-{MAX_DELIVERY_PAGE}", reason="invalid-limit")
        with self.db.session() as s:
            hook = self._live(s, webhook_id)
            rows = s.scalars(
                select(DeliveryRow)
                .where(DeliveryRow.webhook_id == hook.id)
                .order_by(DeliveryRow.created_at.desc(), DeliveryRow.id.desc())
                .limit(limit)
            ).all()
            return [_delivery_json(r) for r in rows]

    # -- dispatcher ----------------------------------------------------------------------------
    def start(self) -> None:
        """Start the dispatcher thread; it resumes the deliveries left pending before."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping.clear()
        self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="studio-webhook")
        self._thread = threading.Thread(
            target=self._run, name="studio-webhook-dispatcher", daemon=True
        )
        self._thread.start()
        self._wake.set()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop dispatching; an attempt under way finishes (bounded by ``timeout``) and records."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is in flight and no pending delivery falls due before ``timeout``.

        Retries scheduled within the window are waited for. True when drained (for tests).
        """
        deadline = time.monotonic() + timeout
        while True:
            self._wake.set()
            horizon = utcnow() + dt.timedelta(seconds=max(0.0, deadline - time.monotonic()))
            before = self._idle_state()
            if before is not None:
                with self.db.session() as s:
                    due = s.scalar(
                        select(func.count())
                        .select_from(DeliveryRow)
                        .where(
                            DeliveryRow.state == "pending",
                            DeliveryRow.next_attempt_at <= horizon,
                        )
                    )
                # a claim between the two reads leases rows (no longer due) while in flight
                if not due and self._idle_state() == before:
                    return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)

    def _idle_state(self) -> int | None:
        """The claim count when nothing is in flight, else None."""
        with self._lock:
            return None if self._in_flight > 0 else self._claims

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                claimed = self._claim_and_submit()
                pause = 0.0 if claimed else self._idle_time()
            except Exception:
                log.exception("Webhook dispatcher failed; retrying")
                pause = 1.0
            if pause > 0:
                self._wake.wait(pause)

    def _idle_time(self) -> float:
        """Seconds until the next pending delivery is due (at most IDLE_POLL)."""
        with self._lock:
            if self._in_flight >= self.concurrency:
                return IDLE_POLL  # a finishing sender wakes the dispatcher
        with self.db.session(write=False) as s:
            nxt = s.scalar(
                select(func.min(DeliveryRow.next_attempt_at)).where(DeliveryRow.state == "pending")
            )
        if nxt is None:
            return IDLE_POLL
        return min(IDLE_POLL, max(0.0, (nxt - utcnow()).total_seconds()))

    def _claim_and_submit(self) -> int:
        """Claim up to the free sender slots of due deliveries (a lease) and send them."""
        with self._lock:  # reserve the slots first, so that drain() never sees a gap
            free = self.concurrency - self._in_flight
            if free <= 0:
                return 0
            self._in_flight += free
        now = utcnow()
        jobs: list[_Job] = []
        try:
            rows = self._claim(now, free, jobs)
        finally:
            with self._lock:
                self._in_flight -= free - len(jobs)
                self._claims += bool(jobs)
        pool = self._pool
        for job in jobs:
            try:
                assert pool is not None
                pool.submit(self._deliver, job)
            except Exception:  # shutting down: the lease expires and a later start resumes it
                with self._lock:
                    self._in_flight -= 1
        return rows

    def _claim(self, now: dt.datetime, limit: int, jobs: list[_Job]) -> int:
        with self.db.session(write=False) as s:  # idle polls never take the write lock
            due = s.scalar(
                select(DeliveryRow.id)
                .where(DeliveryRow.state == "pending", DeliveryRow.next_attempt_at <= now)
                .limit(1)
            )
        if due is None:
            return 0
        with self.db.session(write=True) as s:
            rows = s.execute(
                select(DeliveryRow, WebhookRow)
                .join(WebhookRow, WebhookRow.id == DeliveryRow.webhook_id)
                .where(DeliveryRow.state == "pending", DeliveryRow.next_attempt_at <= now)
                .order_by(DeliveryRow.next_attempt_at, DeliveryRow.id)
                .limit(limit)
                .with_for_update(of=DeliveryRow, skip_locked=True)
            ).all()
            for delivery, hook in rows:
                if hook.deleted_at is not None:
                    delivery.state = "failed"
                    delivery.last_error = "webhook deleted"
                    delivery.next_attempt_at = None
                    continue
                delivery.next_attempt_at = now + dt.timedelta(seconds=self.lease)
                envelope = delivery.payload or {}
                jobs.append(
                    _Job(
                        delivery.id,
                        hook.id,
                        hook.url,
                        hook.secret,
                        delivery.event,
                        envelope.get("group"),
                        envelope.get("data"),
                    )
                )
        return len(rows)

    def _deliver(self, job: _Job) -> None:
        try:
            outcome = self._post(job)
            self._record(job, outcome)
        except Exception:
            log.exception("Webhook delivery %s failed unexpectedly", job.delivery_id)
        finally:
            with self._lock:
                self._in_flight -= 1
            self._wake.set()

    def _post(self, job: _Job) -> _Outcome:
        """One attempt: POST the signed envelope; 2xx is success, anything else a failure."""
        timestamp = str(int(time.time()))
        body = json.dumps(
            {
                "event": job.event,
                "delivery_id": job.delivery_id,
                "webhook_id": job.webhook_id,
                "group": job.group,
                "payload": job.payload,
                "sent_at": utcnow().isoformat(),
            },
            separators=(",", ":"),
        ).encode()
        request = urllib.request.Request(
            job.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "X-Studio-Event": job.event,
                "X-Studio-Delivery": str(job.delivery_id),
                "X-Studio-Timestamp": timestamp,
                "X-Studio-Signature": sign(job.secret, timestamp, body),
            },
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                response.read(65536)
                status = response.status
        except urllib.error.HTTPError as e:  # non-2xx answers, redirects included
            try:
                snippet = e.read(ERROR_SNIPPET).decode("utf-8", "replace")
            except Exception:
                snippet = ""
            finally:
                e.close()
            error = f"HTTP {e.code}" + (f": {snippet.strip()}" if snippet.strip() else "")
            if 300 <= e.code < 400:
                error = f"HTTP {e.code}: redirects are not followed"
            return _Outcome(False, e.code, error[:ERROR_SNIPPET])
        except (urllib.error.URLError, OSError, ValueError) as e:
            reason = getattr(e, "reason", e)
            return _Outcome(False, None, f"{type(e).__name__}: {reason}"[:ERROR_SNIPPET])
        if 200 <= status < 300:
            return _Outcome(True, status, "")
        return _Outcome(False, status, f"HTTP {status}")

    def _record(self, job: _Job, outcome: _Outcome) -> None:
        with self.db.session(write=True) as s:
            row = s.get(DeliveryRow, job.delivery_id)
            if row is None or row.state != "pending":
                return
            now = utcnow()
            row.attempts += 1
            row.last_status = outcome.status
            if outcome.error:  # a success keeps the error of the attempt before it
                row.last_error = outcome.error
            if outcome.ok:
                row.state = "delivered"
                row.delivered_at = now
                row.next_attempt_at = None
            elif row.attempts >= self.max_attempts:
                row.state = "failed"
                row.next_attempt_at = None
            else:
                row.next_attempt_at = now + dt.timedelta(seconds=self.backoff(row.attempts))

    def backoff(self, attempts: int) -> float:
        """Seconds before the next attempt after ``attempts`` failures (±20 % jitter)."""
        delay = min(self.max_delay, self.base_delay * 2 ** (attempts - 1))
        return delay * random.uniform(0.8, 1.2)
