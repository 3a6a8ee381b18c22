"""``jupyter studio project create | list | delete`` (through the REST API)."""

from __future__ import annotations

import sys


def _client(args):
    from ..cli import _client

    return _client(args)


def cmd_project_create(args):
    from ..gallery.cli import parse_params

    params = parse_params(args.param)
    p = _client(args).projects.create(args.name, args.space, args.template, params)
    print(p["repository"])
    print(
        f"model group {p['model_group']}, service account {p['service_account']}", file=sys.stderr
    )


def cmd_project_list(args):
    for p in _client(args).projects.list():
        print(f"{p['name']}\t{p['status']}\t{p['space']}\t{p['model_group']}\t{p['repository']}")


def cmd_project_delete(args):
    p = _client(args).projects.delete(args.name)
    print(p["archive_path"])


def add_parsers(sub, online) -> None:
    prj = sub.add_parser("project", help="MLOps projects").add_subparsers(dest="cmd", required=True)
    p = online(prj.add_parser("create", help="create a project; prints its repository folder"))
    p.add_argument("name")
    p.add_argument("space", help="a shared space you edit")
    p.add_argument("--template", default="project-build-deploy")
    p.add_argument("--param", "-p", action="append", metavar="NAME=VALUE")
    p.set_defaults(fn=cmd_project_create)
    p = online(prj.add_parser("list", help="projects of your spaces"))
    p.set_defaults(fn=cmd_project_list)
    p = online(prj.add_parser("delete", help="archive a project; prints where it went"))
    p.add_argument("name")
    p.set_defaults(fn=cmd_project_delete)
