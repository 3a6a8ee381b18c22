"""The WSGI predictor gunicorn serves for a local endpoint: ``GET /ping``, ``POST /invocations``.

It follows the handler convention of SageMaker's framework serving containers: the user's
inference script (``SAGEMAKER_PROGRAM`` in ``SAGEMAKER_SUBMIT_DIRECTORY``) may define
``model_fn(model_dir)``, ``input_fn(body, content_type)``, ``predict_fn(data, model)`` and
``output_fn(prediction, accept)`` (or one ``transform_fn(model, body, content_type, accept)``);
what it leaves out has a default: a ``*.joblib`` / ``*.pkl`` model file, JSON / CSV / NPY in and
out through NumPy, ``model.predict``. The model is loaded once per worker from ``SM_MODEL_DIR``.
"""

from __future__ import annotations

import importlib.util
import io
import json
import logging
import os
import pickle
import sys
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

log = logging.getLogger("studio.predictor")

JSON, CSV, NPY = "application/json", "text/csv", "application/x-npy"


class UnsupportedFormat(Exception):
    """A content type the handlers cannot decode (415) or an accept they cannot encode (406)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def default_model_fn(model_dir: str) -> Any:
    """The one ``*.joblib`` or ``*.pkl`` file of the model directory (``model.*`` preferred)."""
    folder = Path(model_dir)
    candidates = sorted(p for p in folder.iterdir() if p.suffix in (".joblib", ".pkl"))
    named = [p for p in candidates if p.stem == "model"]
    if named:
        candidates = named
    if len(candidates) != 1:
        raise RuntimeError(
            f"found {len(candidates)} *.joblib/*.pkl files in {model_dir}: define "
            "model_fn(model_dir) in the inference script"
        )
    path = candidates[0]
    if path.suffix == ".joblib":
        import joblib

        return joblib.load(path)
    with open(path, "rb") as f:
        return pickle.load(f)


def _base_type(content_type: str | None) -> str:
    return (content_type or JSON).split(";")[0].strip().lower()


def default_input_fn(body: bytes, content_type: str) -> Any:
    import numpy as np

    kind = _base_type(content_type)
    if kind == JSON:
        data = json.loads(body)
        if isinstance(data, dict) and "instances" in data:
            data = data["instances"]
        return np.asarray(data)
    if kind == CSV:
        rows = [line for line in body.decode().splitlines() if line.strip()]
        return np.asarray([[float(x) for x in row.split(",")] for row in rows])
    if kind == NPY:
        return np.load(io.BytesIO(body), allow_pickle=False)
    raise UnsupportedFormat(f"content type {content_type!r} is not supported", 415)


def default_predict_fn(data: Any, model: Any) -> Any:
    return model.predict(data)


def default_output_fn(prediction: Any, accept: str) -> tuple[bytes, str]:
    import numpy as np

    kind = _base_type(accept)
    if kind in ("*/*", ""):
        kind = JSON
    if kind == JSON:
        value = prediction.tolist() if hasattr(prediction, "tolist") else prediction
        return json.dumps(value).encode(), JSON
    if kind == CSV:
        rows = np.atleast_2d(np.asarray(prediction))
        if np.asarray(prediction).ndim == 1:
            rows = rows.T
        text = "\n".join(",".join(str(x) for x in row) for row in rows.tolist())
        return (text + "\n").encode(), CSV
    if kind == NPY:
        buf = io.BytesIO()
        np.save(buf, np.asarray(prediction), allow_pickle=False)
        return buf.getvalue(), NPY
    raise UnsupportedFormat(f"accept {accept!r} is not supported", 406)


def load_user_module(code_dir: str, program: str) -> ModuleType | None:
    """Import the inference script (its folder first on ``sys.path``), or None without one."""
    if not program:
        return None
    path = Path(code_dir) / program
    if code_dir not in sys.path:
        sys.path.insert(0, code_dir)
    spec = importlib.util.spec_from_file_location(Path(program).stem, path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Predictor:
    """The model and the four handlers, user-defined where the script defines them."""

    def __init__(self, model_dir: str, module: ModuleType | None):
        def pick(name, default):
            return getattr(module, name, None) or default

        self.input_fn = pick("input_fn", default_input_fn)
        self.predict_fn = pick("predict_fn", default_predict_fn)
        self.output_fn = pick("output_fn", default_output_fn)
        self.transform_fn = getattr(module, "transform_fn", None)
        self.model = pick("model_fn", default_model_fn)(model_dir)

    def invoke(self, body: bytes, content_type: str, accept: str) -> tuple[bytes, str]:
        if self.transform_fn is not None:
            result = self.transform_fn(self.model, body, content_type, accept)
        else:
            data = self.input_fn(body, content_type)
            result = self.output_fn(self.predict_fn(data, self.model), accept)
        if isinstance(result, tuple):
            payload, kind = result
        else:
            payload, kind = result, accept if accept not in ("", "*/*") else JSON
        if isinstance(payload, str):
            payload = payload.encode()
        return bytes(payload), kind


class App:
    """The WSGI application (``jupyter_mlops_studio.localrun.predictor:app`` for gunicorn)."""

    def __init__(self, predictor: Predictor | None = None):
        self._predictor = predictor

    @property
    def predictor(self) -> Predictor:
        if self._predictor is None:
            module = load_user_module(
                os.environ.get("SAGEMAKER_SUBMIT_DIRECTORY", ""),
                os.environ.get("SAGEMAKER_PROGRAM", ""),
            )
            self._predictor = Predictor(os.environ["SM_MODEL_DIR"], module)
        return self._predictor

    def __call__(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        if path == "/ping" and method == "GET":
            self.predictor  # noqa: B018 (healthy once the model has loaded)
            return self._reply(start_response, 200, b"", "text/plain")
        if path == "/invocations" and method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            content_type = environ.get("CONTENT_TYPE") or JSON
            accept = environ.get("HTTP_ACCEPT") or JSON
            try:
                payload, kind = self.predictor.invoke(body, content_type, accept)
            except UnsupportedFormat as e:
                return self._reply(start_response, e.status, str(e).encode(), "text/plain")
            except Exception as e:  # the user's code failed: say why, keep the worker
                traceback.print_exc()
                message = f"{type(e).__name__}: {e}".encode()
                return self._reply(start_response, 500, message, "text/plain")
            return self._reply(start_response, 200, payload, kind)
        return self._reply(start_response, 404, b"not found", "text/plain")

    @staticmethod
    def _reply(start_response, status: int, body: bytes, kind: str):
        phrases = {
            200: "OK",
            404: "Not Found",
            406: "Not Acceptable",
            415: "Unsupported Media Type",
        }
        start_response(
            f"{status} {phrases.get(status, 'Internal Server Error')}",
            [("Content-Type", kind), ("Content-Length", str(len(body)))],
        )
        return [body]


def _load_at_import() -> App:
    """Under gunicorn the model loads when a worker imports this module, so a model that cannot
    load stops the worker at boot (and the endpoint fails) instead of failing each request."""
    if "SM_MODEL_DIR" not in os.environ:
        return App()
    app = App()
    app.predictor  # noqa: B018
    return app


app = _load_at_import()
