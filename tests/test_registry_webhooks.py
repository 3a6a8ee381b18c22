"""WebhookService: subscriptions, signed delivery to a real HTTP receiver, retries, restarts."""

from __future__ import annotations

import hmac
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise

import pytest
from sqlalchemy import func, select

from jupyter_mlops_studio.core.db import Database
from jupyter_mlops_studio.core.errors import Forbidden, InvalidInput, NotFound
from jupyter_mlops_studio.core.permissions import Principal
from jupyter_mlops_studio.registry.models import DeliveryRow, WebhookRow
from jupyter_mlops_studio.registry.webhooks import WebhookService, sign, verify_signature

OPS = Principal("ops", frozenset({"mlops"}))
SCIENTIST = Principal("dana", frozenset({"data-scientist"}))
SECRET = "s3cr3t-value-0123456789"


class Receiver:
    """An HTTP server on 127.0.0.1 that records POSTs and answers with scripted statuses."""

    def __init__(self, statuses=(200,), location=None):
        self.statuses = list(statuses)
        self.location = location
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.requests.append(
                        {
                            "path": self.path,
                            "headers": dict(self.headers),
                            "body": body,
                            "at": time.monotonic(),
                        }
                    )
                    n = len(receiver.requests)
                    status = receiver.statuses[min(n, len(receiver.statuses)) - 1]
                self.send_response(status)
                if 300 <= status < 400 and receiver.location:
                    self.send_header("Location", receiver.location)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"no" if status >= 300 else b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def url(self, path="/hook"):
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(2)


@pytest.fixture
def receivers():
    made: list[Receiver] = []

    def make(**kwargs) -> Receiver:
        made.append(Receiver(**kwargs))
        return made[-1]

    yield make
    for r in made:
        r.close()


@pytest.fixture
def db(studio_db_url):
    database = Database(studio_db_url)
    database.ensure_schema()
    yield database
    database.dispose()


@pytest.fixture
def make_service(db):
    """``make_service(**options)`` -> a WebhookService (not started); all are stopped after."""
    made: list[WebhookService] = []

    def make(database=None, **kwargs) -> WebhookService:
        kwargs.setdefault("base_delay", 0.01)
        kwargs.setdefault("timeout", 2.0)
        made.append(WebhookService(database or db, **kwargs))
        return made[-1]

    yield make
    for service in made:
        service.stop()


def hook_body(url, **extra):
    return {"url": url, "secret": SECRET, "events": ["version_created"], **extra}


def count(db, table) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(table))


def test_delivery_is_signed_and_carries_the_payload(make_service, receivers):
    receiver = receivers()
    service = make_service()
    service.start()
    hook = service.create_webhook(OPS, hook_body(receiver.url(), group="fraud"))
    payload = {"group": "fraud", "version": 3, "metrics": {"auc": 0.91}}
    service.emit("version_created", "fraud", payload)
    assert service.drain(5)

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    headers, body = request["headers"], request["body"]
    assert request["path"] == "/hook"
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Studio-Event"] == "version_created"
    timestamp, signature = headers["X-Studio-Timestamp"], headers["X-Studio-Signature"]
    assert abs(int(timestamp) - time.time()) < 60
    assert signature.startswith("sha256=")
    assert verify_signature(SECRET, timestamp, body, signature)
    assert verify_signature(SECRET, timestamp, body, signature, tolerance=60)
    assert not verify_signature("another-secret-0123456", timestamp, body, signature)
    assert not verify_signature(SECRET, timestamp, body + b" ", signature)
    assert not verify_signature(SECRET, str(int(timestamp) + 1), body, signature)
    assert not verify_signature(SECRET, int(timestamp) - 3600, body, signature, tolerance=60)

    envelope = json.loads(body)
    assert set(envelope) == {"event", "delivery_id", "webhook_id", "group", "payload", "sent_at"}
    assert envelope["event"] == "version_created"
    assert envelope["webhook_id"] == hook["id"]
    assert envelope["group"] == "fraud"
    assert envelope["payload"] == payload
    assert headers["X-Studio-Delivery"] == str(envelope["delivery_id"])
    assert SECRET.encode() not in body

    [delivery] = service.list_deliveries(OPS, hook["id"])
    assert delivery["id"] == envelope["delivery_id"]
    assert delivery["event"] == "version_created"
    assert delivery["state"] == "delivered"
    assert delivery["attempts"] == 1
    assert delivery["last_status"] == 200
    assert delivery["last_error"] == ""
    assert delivery["delivered_at"] is not None
    assert delivery["next_attempt_at"] is None


def test_signature_covers_timestamp_and_body():
    expected = "sha256=" + hmac.new(SECRET.encode(), b"1700000000.{}", "sha256").hexdigest()
    assert sign(SECRET, "1700000000", b"{}") == expected
    assert verify_signature(SECRET, 1700000000, b"{}", expected)
    assert not verify_signature(SECRET, "1700000000", b"{}", expected.removeprefix("sha256="))
    assert not verify_signature(SECRET, "not-a-time", b"{}", expected, tolerance=10)


def test_failures_are_retried_with_backoff(make_service, receivers):
    receiver = receivers(statuses=[500, 500, 200])
    service = make_service(base_delay=0.1, max_delay=1.0)
    hook = service.create_webhook(OPS, hook_body(receiver.url()))
    service.start()
    service.emit("version_created", "fraud", {"version": 1})

    deadline = time.monotonic() + 5  # the first failure is in the log while a retry is due
    while not receiver.requests or service.list_deliveries(OPS, hook["id"])[0]["attempts"] < 1:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    [first] = service.list_deliveries(OPS, hook["id"])
    assert first["state"] == "pending"
    assert first["last_status"] == 500
    assert first["last_error"].startswith("HTTP 500")
    assert first["next_attempt_at"] is not None

    assert service.drain(5)
    [delivery] = service.list_deliveries(OPS, hook["id"])
    assert delivery["state"] == "delivered"
    assert delivery["attempts"] == 3
    assert delivery["last_status"] == 200
    assert delivery["last_error"].startswith("HTTP 500")  # the failure before the success
    assert len(receiver.requests) == 3
    ids = {r["headers"]["X-Studio-Delivery"] for r in receiver.requests}
    assert ids == {str(delivery["id"])}
    gaps = [b["at"] - a["at"] for a, b in pairwise(receiver.requests)]
    assert gaps[0] >= 0.08 - 0.01  # 0.1 s -20 % jitter (and clock granularity)
    assert gaps[1] >= 0.16 - 0.01  # doubled


def test_a_receiver_that_always_fails_ends_failed(make_service, receivers):
    receiver = receivers(statuses=[503])
    service = make_service(max_attempts=3)
    hook = service.create_webhook(OPS, hook_body(receiver.url()))
    service.start()
    service.emit("version_created", "fraud", {"version": 1})
    assert service.drain(5)
    [delivery] = service.list_deliveries(OPS, hook["id"])
    assert delivery["state"] == "failed"
    assert delivery["attempts"] == 3
    assert delivery["last_status"] == 503
    assert "503" in delivery["last_error"]
    assert delivery["delivered_at"] is None
    assert delivery["next_attempt_at"] is None
    assert len(receiver.requests) == 3


def test_unreachable_receiver_and_redirects_fail(make_service, receivers):
    target = receivers()
    redirecting = receivers(statuses=[302], location=target.url("/elsewhere"))
    closed = receivers()
    closed_url = closed.url()
    closed.close()  # nothing listens there any more
    service = make_service(max_attempts=2)
    down = service.create_webhook(OPS, hook_body(closed_url))
    moved = service.create_webhook(OPS, hook_body(redirecting.url()))
    service.start()
    service.emit("version_created", "fraud", {"version": 1})
    assert service.drain(5)

    [delivery] = service.list_deliveries(OPS, down["id"])
    assert delivery["state"] == "failed"
    assert delivery["attempts"] == 2
    assert delivery["last_status"] is None
    assert delivery["last_error"]

    [delivery] = service.list_deliveries(OPS, moved["id"])
    assert delivery["state"] == "failed"
    assert delivery["last_status"] == 302
    assert "redirect" in delivery["last_error"]
    assert len(redirecting.requests) == 2
    assert target.requests == []  # the redirect was never followed


def test_pending_deliveries_survive_a_restart(db, studio_db_url, make_service, receivers):
    receiver = receivers()
    first = make_service()
    first.start()
    first.stop()
    assert first._thread is None
    hook = first.create_webhook(OPS, hook_body(receiver.url(), events=["alias_moved"]))
    first.emit("alias_moved", "fraud", {"alias": "production", "version": 2})
    first.emit("alias_moved", "fraud", {"alias": "staging", "version": 3})
    first.send_test(OPS, hook["id"])
    time.sleep(0.05)
    assert receiver.requests == []
    assert [d["state"] for d in first.list_deliveries(OPS, hook["id"])] == ["pending"] * 3

    other_db = Database(studio_db_url)  # a new process: its own engine, same database
    try:
        second = make_service(database=other_db)
        second.start()
        assert second.drain(5)
        deliveries = second.list_deliveries(OPS, hook["id"])
    finally:
        second.stop()
        other_db.dispose()
    assert [d["state"] for d in deliveries] == ["delivered"] * 3
    assert [d["event"] for d in deliveries] == ["test", "alias_moved", "alias_moved"]
    received = sorted(json.loads(r["body"])["payload"].get("alias", "-") for r in receiver.requests)
    assert received == ["-", "production", "staging"]


def test_stop_is_prompt(make_service):
    service = make_service()
    service.start()
    thread = service._thread
    started = time.monotonic()
    service.stop()
    assert time.monotonic() - started < 2
    assert not thread.is_alive()


def test_drain_waits_for_a_claim_made_during_its_check(make_service, receivers):
    """The race CI hit once: drain read "nothing in flight", the dispatcher then claimed (leasing
    the row, so no longer due) and drain's database check saw nothing due and returned early."""
    receiver = receivers()
    service = make_service()
    service.create_webhook(OPS, hook_body(receiver.url()))
    service.emit("version_created", "fraud", {"version": 1})
    service._pool = ThreadPoolExecutor(1)  # no dispatcher thread: the test claims at the worst time
    idle_state = service._idle_state
    claimed = []

    def idle_state_then_claim():
        state = idle_state()
        if not claimed:
            claimed.append(service._claim_and_submit())
        return state

    service._idle_state = idle_state_then_claim
    assert service.drain(5)
    assert claimed == [1]
    assert [r["path"] for r in receiver.requests] == ["/hook"]


def test_only_active_matching_webhooks_receive(make_service, receivers):
    receiver = receivers()
    service = make_service()
    url = receiver.url
    service.create_webhook(OPS, hook_body(url("/fraud"), group="fraud"))
    service.create_webhook(OPS, hook_body(url("/all")))
    service.create_webhook(OPS, hook_body(url("/other"), group="churn"))
    service.create_webhook(OPS, hook_body(url("/inactive"), group="fraud", active=False))
    service.create_webhook(OPS, hook_body(url("/status"), events=["status_changed"]))
    paused = service.create_webhook(OPS, hook_body(url("/paused")))
    service.update_webhook(OPS, paused["id"], {"active": False})
    deleted = service.create_webhook(OPS, hook_body(url("/deleted")))
    service.delete_webhook(OPS, deleted["id"])
    service.start()

    service.emit("version_created", "fraud", {"version": 1})
    assert service.drain(5)
    assert sorted(r["path"] for r in receiver.requests) == ["/all", "/fraud"]
    assert count(service.db, DeliveryRow) == 2

    service.emit("status_changed", "churn", {"version": 1})
    assert service.drain(5)
    assert sorted(r["path"] for r in receiver.requests) == ["/all", "/fraud", "/status"]


def test_deleted_webhook_is_soft_deleted_and_its_pending_deliveries_fail(make_service, receivers):
    receiver = receivers()
    service = make_service()
    hook = service.create_webhook(OPS, hook_body(receiver.url()))
    service.emit("version_created", "fraud", {"version": 1})
    service.delete_webhook(OPS, hook["id"])
    assert service.list_webhooks(OPS) == []
    with pytest.raises(NotFound):
        service.get_webhook(OPS, hook["id"])
    with pytest.raises(NotFound):
        service.delete_webhook(OPS, hook["id"])
    with service.db.session() as s:
        assert s.get(WebhookRow, hook["id"]).deleted_at is not None
    service.start()
    assert service.drain(5)
    assert receiver.requests == []
    with service.db.session() as s:
        row = s.scalars(select(DeliveryRow)).one()
        assert (row.state, row.last_error) == ("failed", "webhook deleted")


def test_crud_round_trip_and_the_secret_is_never_returned(make_service, receivers):
    receiver = receivers()
    service = make_service()
    returned = []
    hook = service.create_webhook(
        OPS, hook_body(receiver.url(), events=["alias_moved", "version_created", "alias_moved"])
    )
    returned.append(hook)
    assert hook["has_secret"] is True
    assert hook["events"] == ["version_created", "alias_moved"]
    assert hook["group"] is None and hook["active"] is True
    assert hook["created_by"] == "ops"
    new_secret = "another-secret-value-42"
    updated = service.update_webhook(
        OPS, hook["id"], {"secret": new_secret, "group": "fraud", "events": ["status_changed"]}
    )
    returned.append(updated)
    assert updated["group"] == "fraud" and updated["events"] == ["status_changed"]
    returned.append(service.update_webhook(OPS, hook["id"], {}))
    returned.append(service.get_webhook(OPS, hook["id"]))
    returned.append(service.list_webhooks(OPS))
    test = service.send_test(OPS, hook["id"])
    returned.append(test)
    assert test["event"] == "test" and test["state"] == "pending"
    service.start()
    assert service.drain(5)
    returned.append(service.list_deliveries(OPS, hook["id"]))
    text = json.dumps(returned)
    assert SECRET not in text and new_secret not in text
    assert "secret" not in {k for d in returned if isinstance(d, dict) for k in d}

    [request] = receiver.requests
    headers = request["headers"]
    assert headers["X-Studio-Event"] == "test"
    assert verify_signature(
        new_secret, headers["X-Studio-Timestamp"], request["body"], headers["X-Studio-Signature"]
    )
    assert json.loads(request["body"])["group"] == "fraud"


def test_list_deliveries_is_newest_first_and_limited(make_service, receivers):
    service = make_service()
    hook = service.create_webhook(OPS, hook_body(receivers().url()))
    for version in range(5):
        service.emit("version_created", "fraud", {"version": version})
    deliveries = service.list_deliveries(OPS, hook["id"], limit=3)
    assert len(deliveries) == 3
    ids = [d["id"] for d in deliveries]
    assert ids == sorted(ids, reverse=True)
    expected = {"id", "event", "state", "attempts", "last_status", "last_error"}
    expected |= {"created_at", "delivered_at", "next_attempt_at"}
    assert expected <= set(deliveries[0])
    for bad in (0, 1001, "3", True, None):
        with pytest.raises(InvalidInput) as e:
            service.list_deliveries(OPS, hook["id"], limit=bad)
        assert e.value.reason == "invalid-limit"


GOOD = hook_body("https://hooks.example.com/studio?x=1")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({**GOOD, "url": "ftp://example.com/x"}, "invalid-url"),
        ({**GOOD, "url": "javascript:alert(1)"}, "invalid-url"),
        ({**GOOD, "url": "file:///etc/passwd"}, "invalid-url"),
        ({**GOOD, "url": ""}, "invalid-length"),
        ({**GOOD, "url": 5}, "invalid-type"),
        ({**GOOD, "url": None}, "invalid-type"),
        ({**GOOD, "url": "http://"}, "invalid-url"),
        ({**GOOD, "url": "http:///path"}, "invalid-url"),
        ({**GOOD, "url": "http://example.com:99999/"}, "invalid-url"),
        ({**GOOD, "url": "http://example.com/a b"}, "invalid-url"),
        ({**GOOD, "url": "http://user:pw@example.com/"}, "invalid-url"),
        ({**GOOD, "url": "https://example.com/" + "a" * 2048}, "invalid-length"),
        ({**GOOD, "secret": "short"}, "invalid-length"),
        ({**GOOD, "secret": "x" * 257}, "invalid-length"),
        ({**GOOD, "secret": 1234567890123456789}, "invalid-type"),
        ({**GOOD, "events": ["version_deleted"]}, "invalid-event"),
        ({**GOOD, "events": []}, "invalid-value"),
        ({**GOOD, "events": "version_created"}, "invalid-type"),
        ({**GOOD, "events": [1]}, "invalid-event"),
        ({**GOOD, "group": "no spaces"}, "invalid-name"),
        ({**GOOD, "group": 7}, "invalid-type"),
        ({**GOOD, "active": "yes"}, "invalid-type"),
        ({**GOOD, "active": 1}, "invalid-type"),
        ({**GOOD, "owner": "ops"}, "unknown-field"),
        ({"secret": SECRET, "events": ["version_created"]}, "missing-field"),
        ({"url": GOOD["url"], "events": ["version_created"]}, "missing-field"),
        (["not", "an", "object"], "invalid-body"),
        (None, "invalid-body"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(make_service, body, reason):
    service = make_service()
    with pytest.raises(InvalidInput) as e:
        service.create_webhook(OPS, body)
    assert e.value.reason == reason
    assert e.value.message
    assert count(service.db, WebhookRow) == 0


@pytest.mark.parametrize(
    ("patch", "reason"),
    [
        ({"url": "ftp://example.com/"}, "invalid-url"),
        ({"secret": "short"}, "invalid-length"),
        ({"events": ["nope"]}, "invalid-event"),
        ({"active": None}, "invalid-type"),
        ({"id": 5}, "unknown-field"),
        ({"created_by": "eve"}, "unknown-field"),
        ("active", "invalid-body"),
    ],
)
def test_bad_patch_changes_nothing(make_service, patch, reason):
    service = make_service()
    hook = service.create_webhook(OPS, GOOD)
    with pytest.raises(InvalidInput) as e:
        service.update_webhook(OPS, hook["id"], patch)
    assert e.value.reason == reason
    assert service.get_webhook(OPS, hook["id"]) == hook


@pytest.mark.parametrize("webhook_id", [999, "abc", "1", True, None, -1])
def test_unknown_webhook_is_not_found(make_service, webhook_id):
    service = make_service()
    service.create_webhook(OPS, GOOD)
    calls = [
        lambda: service.get_webhook(OPS, webhook_id),
        lambda: service.update_webhook(OPS, webhook_id, {"active": False}),
        lambda: service.delete_webhook(OPS, webhook_id),
        lambda: service.send_test(OPS, webhook_id),
        lambda: service.list_deliveries(OPS, webhook_id),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert count(service.db, DeliveryRow) == 0
    assert service.list_webhooks(OPS)[0]["active"] is True


def test_data_scientists_may_not_manage_webhooks(make_service):
    service = make_service()
    hook = service.create_webhook(OPS, GOOD)
    admin = Principal("root", frozenset({"admin"}))
    assert service.get_webhook(admin, hook["id"])["id"] == hook["id"]
    calls = [
        lambda: service.create_webhook(SCIENTIST, GOOD),
        lambda: service.list_webhooks(SCIENTIST),
        lambda: service.get_webhook(SCIENTIST, hook["id"]),
        lambda: service.update_webhook(SCIENTIST, hook["id"], {"active": False}),
        lambda: service.delete_webhook(SCIENTIST, hook["id"]),
        lambda: service.send_test(SCIENTIST, hook["id"]),
        lambda: service.list_deliveries(SCIENTIST, hook["id"]),
    ]
    for call in calls:
        with pytest.raises(Forbidden):
            call()
    assert count(service.db, WebhookRow) == 1
    assert count(service.db, DeliveryRow) == 0
    assert service.get_webhook(OPS, hook["id"]) == hook


def test_emit_never_raises(make_service, tmp_path):
    broken = Database(f"sqlite:///{tmp_path / 'missing' / 'no.db'}")
    try:
        make_service(database=broken).emit("version_created", "fraud", {"version": 1})
    finally:
        broken.dispose()
    service = make_service()
    service.create_webhook(OPS, GOOD)
    service.emit("version_created", "fraud", {"odd": object(), "when": time})  # not JSON
    assert count(service.db, DeliveryRow) == 1


def test_backoff_grows_caps_and_jitters(make_service):
    service = make_service(base_delay=0.5, max_delay=30.0)
    for attempts, nominal in [(1, 0.5), (2, 1.0), (3, 2.0), (7, 30.0), (40, 30.0)]:
        for _ in range(20):
            assert nominal * 0.8 <= service.backoff(attempts) <= nominal * 1.2
