"""Local runs part of the Python client (``StudioClient().local``), for notebooks and the CLI.

>>> local = StudioClient().local
>>> run = local.train("spaces/team/train.py", {"C": 0.5}, {"train": "spaces/team/data"},
...                   register={"group": "churn"}, log=sys.stdout)
>>> ep = local.serve(run_id=run["id"], entry_point="spaces/team/inference.py")
>>> local.invoke(ep["id"], [[1.0, 2.0]])
>>> local.stop_endpoint(ep["id"])
"""

from __future__ import annotations

import json
import time
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..client import StudioClient


class LocalRunsClient:
    """Local training runs and local endpoints (``/local-runs``, ``/local-endpoints``)."""

    def __init__(self, client: StudioClient):
        self.client = client
        self._q = client._q

    # -- training --------------------------------------------------------------------------------
    def train(
        self,
        entry_point: str,
        hyperparameters: dict[str, Any] | None = None,
        channels: dict[str, str] | None = None,
        *,
        source_dir: str | None = None,
        register: dict | None = None,
        max_runtime_seconds: int | None = None,
        wait: bool = True,
        log: IO[str] | None = None,
        poll: float = 0.5,
    ) -> dict:
        """Start a run of a script of a space (``spaces/<space>/train.py``); with ``wait`` (the
        default) return it once it has ended, writing its output to ``log`` as it comes."""
        body: dict[str, Any] = {"entry_point": entry_point}
        fields = {
            "hyperparameters": hyperparameters,
            "channels": channels,
            "source_dir": source_dir,
            "register": register,
            "max_runtime_seconds": max_runtime_seconds,
        }
        body.update({k: x for k, x in fields.items() if x is not None})
        run = self.client.request("POST", "/local-runs", body)
        return self.wait(run["id"], log=log, poll=poll) if wait else run

    def run(self, run_id: str) -> dict:
        return self.client.request("GET", f"/local-runs/{self._q(run_id)}")

    def runs(self) -> list[dict]:
        return list(self.client._pages("/local-runs"))

    def logs(self, run_id: str, offset: int = 0) -> dict:
        """``{text, offset, complete, status}``: the output from byte ``offset`` on."""
        return self.client.request(
            "GET", f"/local-runs/{self._q(run_id)}/logs", query={"offset": offset}
        )

    def wait(
        self,
        run_id: str,
        log: IO[str] | None = None,
        poll: float = 0.5,
        timeout: float | None = None,
    ) -> dict:
        """Follow the run's log until it has ended; return the run."""
        deadline = None if timeout is None else time.monotonic() + timeout
        offset = 0
        while True:
            chunk = self.logs(run_id, offset)
            if chunk["text"] and log is not None:
                log.write(chunk["text"])
                log.flush()
            offset = chunk["offset"]
            if chunk["complete"]:
                return self.run(run_id)
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"run {run_id} is still {chunk['status']}")
            if not chunk["text"]:
                time.sleep(poll)

    def stop(self, run_id: str) -> dict:
        return self.client.request("DELETE", f"/local-runs/{self._q(run_id)}")

    # -- serving ---------------------------------------------------------------------------------
    def serve(
        self,
        run_id: str | None = None,
        model_path: str | None = None,
        *,
        entry_point: str | None = None,
        source_dir: str | None = None,
        workers: int | None = None,
        wait: bool = True,
        timeout: float = 120.0,
    ) -> dict:
        """Serve a run's model (``run_id``) or a model folder/archive of a space
        (``model_path``); with ``wait``, return once the endpoint is InService (or has failed)."""
        fields = {
            "run_id": run_id,
            "model_path": model_path,
            "entry_point": entry_point,
            "source_dir": source_dir,
            "workers": workers,
        }
        endpoint = self.client.request(
            "POST", "/local-endpoints", {k: x for k, x in fields.items() if x is not None}
        )
        deadline = time.monotonic() + timeout
        while wait and endpoint["status"] == "Creating" and time.monotonic() < deadline:
            time.sleep(0.2)
            endpoint = self.endpoint(endpoint["id"])
        return endpoint

    def endpoint(self, endpoint_id: str) -> dict:
        return self.client.request("GET", f"/local-endpoints/{self._q(endpoint_id)}")

    def endpoints(self) -> list[dict]:
        return list(self.client._pages("/local-endpoints"))

    def invoke(
        self,
        endpoint_id: str,
        data: Any,
        content_type: str = "application/json",
        accept: str = "application/json",
    ) -> Any:
        """One prediction: ``data`` as bytes or text is sent as it is, anything else as JSON.
        A JSON answer comes back decoded, text as ``str``, anything else as bytes."""
        if isinstance(data, str):
            data = data.encode()
        elif not isinstance(data, bytes | bytearray):
            data = json.dumps(data).encode()
        return self.client.request(
            "POST",
            f"/local-endpoints/{self._q(endpoint_id)}/invocations",
            raw=bytes(data),
            content_type=content_type,
            accept=accept,
        )

    def stop_endpoint(self, endpoint_id: str) -> dict:
        return self.client.request("DELETE", f"/local-endpoints/{self._q(endpoint_id)}")
