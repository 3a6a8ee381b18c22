"""Pytest fixtures: a real ``moto_server`` (S3) on 127.0.0.1 and a fresh versioned bucket per test.

Loaded as a plugin by tests/conftest.py (``pytest_plugins = [..., "moto_fixture"]``). The server
is started only by tests that ask for it, once per session, and receives plain HTTP requests
from boto3 like any S3-compatible endpoint would.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from functools import cache

import pytest

# dummy credentials: boto3 needs some, and they must never be real ones
MOTO_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
_UNSET = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url + "/moto-api/", timeout=1):
                return True
        except urllib.error.HTTPError:
            return True  # it answered
        except OSError:
            time.sleep(0.1)
    return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@cache
def s3_client(endpoint_url: str):
    """A boto3 S3 client for the moto server, with explicit dummy credentials.

    Cached (building a client costs ~0.25 s): share it, do not close it.
    """
    import boto3

    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=MOTO_CREDENTIALS["AWS_DEFAULT_REGION"],
        aws_access_key_id=MOTO_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=MOTO_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


@pytest.fixture(scope="session")
def moto_endpoint():
    """Start ``python -m moto.server`` on a free 127.0.0.1 port; yield its URL.

    While it runs, os.environ carries dummy AWS credentials (restored afterwards) so that code
    under test which builds its own boto3 clients finds them and never reaches a real account.
    """
    saved = {name: os.environ.get(name) for name in (*MOTO_CREDENTIALS, *_UNSET)}
    os.environ.update(MOTO_CREDENTIALS)
    for name in _UNSET:
        os.environ.pop(name, None)
    log = tempfile.TemporaryFile()
    process = None
    try:
        for _attempt in range(3):  # the free port may be taken between probe and bind
            port = _free_port()
            process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
            url = f"http://127.0.0.1:{port}"
            if _wait_until_up(url, process):
                break
            _stop(process)
        else:
            log.seek(0)
            output = log.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"moto_server did not start:\n{output}")
        yield url
    finally:
        if process is not None:
            _stop(process)
        s3_client.cache_clear()
        log.close()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def s3_bucket(moto_endpoint):
    """Name of a new, empty bucket with versioning enabled on the moto server."""
    client = s3_client(moto_endpoint)
    name = f"test-{uuid.uuid4().hex[:20]}"
    client.create_bucket(Bucket=name)
    client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name
