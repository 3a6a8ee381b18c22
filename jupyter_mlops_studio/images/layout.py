"""Checks of a Dockerfile against SageMaker's container conventions.

Training (``docker run <image> train``): SageMaker runs the image with the argument ``train``,
so either an executable named ``train`` is on the PATH, or the entry point handles that
argument; with the training toolkit (``sagemaker-training``) the script is named by
``SAGEMAKER_PROGRAM`` and lives in ``/opt/ml/code``. Inference (``docker run <image> serve``):
an executable ``serve`` (or an entry point handling it) listening on port 8080, answering
``GET /ping`` and ``POST /invocations``.

Findings carry the Dockerfile line they concern (the first line of a continued instruction).
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from typing import Any

from ..core.errors import InvalidInput

MODES = ("training", "inference", "both")
PATH_DIRS = ("/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/opt/program")


@dataclass
class Instruction:
    line: int
    keyword: str
    args: str


@dataclass
class Finding:
    level: str  # error | warning | info
    rule: str
    message: str
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"level": self.level, "rule": self.rule, "message": self.message, "line": self.line}


def parse(text: str) -> list[Instruction]:
    """Instructions with the line each starts on (continuations and comments handled)."""
    out: list[Instruction] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if pending and line.lstrip().startswith("#"):
            continue  # comments inside a continued instruction are skipped, as Docker does
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        keyword, _, args = full.partition(" ")
        out.append(Instruction(start, keyword.upper(), args.strip()))
    if pending.strip():
        keyword, _, args = pending.strip().partition(" ")
        out.append(Instruction(start, keyword.upper(), args.strip()))
    return out


def _command(args: str) -> list[str]:
    """An ENTRYPOINT/CMD as words (exec form JSON, or shell form)."""
    if args.startswith("["):
        try:
            value = json.loads(args)
            if isinstance(value, list):
                return [str(x) for x in value]
        except ValueError:
            pass
    try:
        return ["/bin/sh", "-c", *shlex.split(args)]
    except ValueError:
        return args.split()


def _env_pairs(args: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    try:
        words = shlex.split(args)
    except ValueError:
        words = args.split()
    if words and "=" not in words[0]:  # legacy form: ENV KEY value with spaces
        return {words[0]: " ".join(words[1:])}
    for w in words:
        k, _, val = w.partition("=")
        pairs[k] = val
    return pairs


def _copied_executables(instructions: list[Instruction]) -> dict[str, int]:
    """Names of files copied into a PATH folder (name -> line)."""
    found: dict[str, int] = {}
    for ins in instructions:
        if ins.keyword not in ("COPY", "ADD"):
            continue
        words = [w for w in ins.args.split() if not w.startswith("--")]
        if len(words) < 2:
            continue
        *sources, dest = words
        for d in PATH_DIRS:
            if dest.rstrip("/") == d or dest.startswith(d + "/"):
                if dest.rstrip("/") == d:
                    names = [s.rstrip("/").rsplit("/", 1)[-1] for s in sources]
                else:
                    names = [dest.rsplit("/", 1)[-1]]
                for name in names:
                    found.setdefault(name, ins.line)
                    if name in ("*", "."):
                        found.setdefault("*", ins.line)
    return found


def check(text: str, mode: str = "both") -> list[Finding]:
    """Findings of a Dockerfile for ``training``, ``inference`` or ``both``."""
    if mode not in MODES:
        raise InvalidInput(f"mode must be one of {', '.join(MODES)}", reason="invalid-value")
    instructions = parse(text)
    findings: list[Finding] = []
    if not instructions or instructions[0].keyword not in ("FROM", "ARG"):
        findings.append(Finding("error", "from", "a Dockerfile starts with FROM", 1))
    entrypoint = next((i for i in reversed(instructions) if i.keyword == "ENTRYPOINT"), None)
    cmd = next((i for i in reversed(instructions) if i.keyword == "CMD"), None)
    env: dict[str, tuple[str, int]] = {}
    for ins in instructions:
        if ins.keyword == "ENV":
            for k, val in _env_pairs(ins.args).items():
                env[k] = (val, ins.line)
    executables = _copied_executables(instructions)
    words = " ".join(i.args for i in instructions if i.keyword in ("RUN", "ENTRYPOINT", "CMD"))
    toolkit = "sagemaker-training" in words or "sagemaker_training" in words
    inference_toolkit = any(
        name in words
        for name in ("sagemaker-inference", "multi-model-server", "torchserve", "gunicorn")
    )
    ep_words = _command(entrypoint.args) if entrypoint else []
    # where a missing entry point is reported: the ENTRYPOINT, else the CMD, else the last line
    anchor = entrypoint or cmd or (instructions[-1] if instructions else None)
    if mode in ("training", "both"):
        findings += _training(instructions, anchor, ep_words, env, executables, toolkit)
    if mode in ("inference", "both"):
        findings += _inference(instructions, anchor, ep_words, executables, inference_toolkit)
    if cmd is not None and entrypoint is None and mode != "inference":
        findings.append(
            Finding(
                "warning",
                "cmd-replaced",
                "SageMaker passes 'train' or 'serve' as the command, which replaces CMD: use "
                "ENTRYPOINT or an executable named train/serve on the PATH",
                cmd.line,
            )
        )
    return findings


def _training(instructions, anchor, ep_words, env, executables, toolkit) -> list[Finding]:
    out: list[Finding] = []
    has_train = "train" in executables or "*" in executables
    if "SAGEMAKER_PROGRAM" in env:
        value, line = env["SAGEMAKER_PROGRAM"]
        if not toolkit:
            out.append(
                Finding(
                    "error",
                    "training-toolkit",
                    "SAGEMAKER_PROGRAM is set but the sagemaker-training toolkit is not "
                    "installed (RUN pip install sagemaker-training)",
                    line,
                )
            )
        code = any(i.keyword in ("COPY", "ADD") and "/opt/ml/code" in i.args for i in instructions)
        if not code:
            out.append(
                Finding(
                    "error",
                    "opt-ml-code",
                    f"SAGEMAKER_PROGRAM={value} is run from /opt/ml/code, but nothing is copied "
                    "there",
                    line,
                )
            )
        has_train = has_train or toolkit
    if not has_train:
        handles = any(w in ("train", "train.sh") or w.endswith("/train") for w in ep_words)
        if not handles:
            line = anchor.line if anchor else None
            out.append(
                Finding(
                    "error",
                    "train-entry-point",
                    "no training entry point: SageMaker runs the image with the argument "
                    "'train'; copy an executable named train into /usr/local/bin (or "
                    "/opt/program on the PATH), or set SAGEMAKER_PROGRAM with the "
                    "sagemaker-training toolkit",
                    line,
                )
            )
    for ins in instructions:
        if ins.keyword == "VOLUME" and "/opt/ml" in ins.args:
            out.append(
                Finding("warning", "opt-ml-volume", "SageMaker mounts /opt/ml itself", ins.line)
            )
    return out


def _inference(instructions, anchor, ep_words, executables, toolkit) -> list[Finding]:
    out: list[Finding] = []
    ports = []
    for ins in instructions:
        if ins.keyword == "EXPOSE":
            for p in ins.args.split():
                ports.append((p.split("/")[0], ins.line))
    for port, line in ports:
        if port != "8080":
            out.append(
                Finding(
                    "warning",
                    "port-8080",
                    f"port {port} is exposed; SageMaker sends requests to port 8080 only",
                    line,
                )
            )
    has_serve = "serve" in executables or "*" in executables or toolkit
    handles = any(w in ("serve", "serve.sh") or w.endswith("/serve") for w in ep_words)
    if not (has_serve or handles):
        out.append(
            Finding(
                "error",
                "serve-entry-point",
                "no inference entry point: SageMaker runs the image with the argument 'serve'; "
                "copy an executable named serve onto the PATH that answers GET /ping and "
                "POST /invocations on port 8080",
                anchor.line if anchor else None,
            )
        )
    if not any(p == "8080" for p, _ in ports) and not out:
        out.append(
            Finding("info", "port-8080", "the server must listen on port 8080 (EXPOSE 8080)")
        )
    return out


def has_errors(findings: list[Finding]) -> bool:
    return any(f.level == "error" for f in findings)
