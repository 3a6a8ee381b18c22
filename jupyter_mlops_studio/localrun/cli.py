"""``jupyter studio train-local`` and ``jupyter studio serve-local`` (through the REST API)."""

from __future__ import annotations

import json
import sys

from .service import RUN_ID


def _client(args):
    from ..cli import _client

    return _client(args)


def _value(text: str):
    """A hyperparameter value from the command line: JSON when it parses (0.5, 10, true,
    [1,2]), else the text itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _pairs(items: list[str] | None, what: str, convert=str) -> dict:
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SystemExit(f"{what}: expected NAME=VALUE, got {item!r}")
        out[key] = convert(value)
    return out


def cmd_train_local(args):
    register = None
    if args.register:
        register = {"group": args.register}
        metrics = _pairs(args.metric, "--metric", float)
        if metrics:
            register["metrics"] = metrics
    local = _client(args).local
    run = local.train(
        args.entry_point,
        _pairs(args.hp, "--hp", _value),
        _pairs(args.channel, "--channel"),
        source_dir=args.source_dir,
        register=register,
        max_runtime_seconds=args.max_runtime,
        wait=False,
    )
    print(f"local run {run['id']} started", file=sys.stderr)
    if args.no_wait:
        print(json.dumps(run))
        return
    try:
        run = local.wait(run["id"], log=sys.stdout)
    except KeyboardInterrupt:
        run = local.stop(run["id"])
    print(f"local run {run['id']}: {run['status']}", file=sys.stderr)
    if run["model"]:
        print(f"model: {run['model']['uri']}", file=sys.stderr)
    registered = run.get("registered") or {}
    if "version" in registered:
        print(f"registered: {registered['group']} v{registered['version']}", file=sys.stderr)
    if run["status"] != "Completed":
        print(f"error: {run['failure_reason']}", file=sys.stderr)
        raise SystemExit(1)


def cmd_serve_local(args):
    local = _client(args).local
    if args.stop:
        print(json.dumps(local.stop_endpoint(args.model)))
        return
    source = {"run_id": args.model} if RUN_ID.match(args.model) else {"model_path": args.model}
    endpoint = local.serve(
        **source, entry_point=args.entry_point, source_dir=args.source_dir, workers=args.workers
    )
    print(json.dumps(endpoint))
    if endpoint["status"] != "InService":
        print(f"error: {endpoint['failure_reason'] or endpoint['status']}", file=sys.stderr)
        raise SystemExit(1)
    print(
        f"serving at {endpoint['url']} (stop: jupyter studio serve-local --stop {endpoint['id']})",
        file=sys.stderr,
    )


def add_parsers(sub, online) -> None:
    """The local-run commands, beside the others of ``jupyter studio``."""
    p = online(
        sub.add_parser(
            "train-local",
            help="run a training script of a space in the SageMaker layout on the server "
            "(no Docker); streams its log, exit status 1 unless it completes",
        )
    )
    p.add_argument("entry_point", help="e.g. spaces/team/train.py")
    p.add_argument("--hp", action="append", metavar="NAME=VALUE", help="a hyperparameter")
    p.add_argument(
        "--channel", action="append", metavar="NAME=PATH", help="e.g. train=spaces/team/data"
    )
    p.add_argument("--source-dir", help="a folder of the space holding the entry point")
    p.add_argument("--register", metavar="GROUP", help="register the model in this group")
    p.add_argument(
        "--metric",
        action="append",
        metavar="NAME=NUMBER",
        help="metrics for the registration (default: output/data/metrics.json)",
    )
    p.add_argument("--max-runtime", type=int, metavar="SECONDS")
    p.add_argument("--no-wait", action="store_true", help="print the run and return")
    p.set_defaults(fn=cmd_train_local)
    p = online(
        sub.add_parser(
            "serve-local",
            help="serve a model on the server (gunicorn, /ping and /invocations on 127.0.0.1)",
        )
    )
    p.add_argument("model", help="a local run id, or a model folder/archive (spaces/team/model)")
    p.add_argument("--entry-point", help="an inference script (model_fn, input_fn, ...)")
    p.add_argument("--source-dir")
    p.add_argument("--workers", type=int)
    p.add_argument("--stop", action="store_true", help="stop the endpoint whose id is given")
    p.set_defaults(fn=cmd_serve_local)
