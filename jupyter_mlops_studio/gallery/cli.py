"""``jupyter studio template list | show | use | add | remove`` (through the REST API)."""

from __future__ import annotations

import json
import sys


def _client(args):
    from ..cli import _client

    return _client(args)


def _value(text: str):
    """A parameter value: JSON when it parses (0.3, 10, true), else the text itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def cmd_template_list(args):
    fine = {"yes": True, "no": False}.get(args.fine_tunable)
    result = _client(args).gallery.search(
        args.query or "",
        type=args.type,
        task=args.task,
        framework=args.framework,
        fine_tunable=fine,
        limit=args.limit,
    )
    for t in result["items"]:
        tuned = "fine-tunable" if t["fine_tunable"] else "-"
        print(f"{t['id']}\t{t['type']}\t{t['task']}\t{t['framework']}\t{tuned}\t{t['title']}")
    print(f"{len(result['items'])} of {result['total']} templates", file=sys.stderr)
    if args.facets:
        print(json.dumps(result["facets"], indent=2))
    for p in result["problems"]:
        where = "/".join(x for x in (p["source"], p["source_name"], p["path"]) if x)
        print(f"problem: {where}: {p['message']}", file=sys.stderr)


def cmd_template_show(args):
    print(json.dumps(_client(args).gallery.get(args.template), indent=2))


def parse_params(items: list[str] | None) -> dict:
    """``--param NAME=VALUE`` options as a dict of parameter values."""
    params = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SystemExit(f"--param: expected NAME=VALUE, got {item!r}")
        params[key] = _value(value)
    return params


def cmd_template_use(args):
    params = parse_params(args.param)
    result = _client(args).gallery.use(
        args.template, args.space, params, folder=args.folder, exact=args.exact
    )
    print(result["main"] or result["folder"])
    print(f"{len(result['files'])} files in {result['folder']}", file=sys.stderr)


def cmd_template_add(args):
    gallery = _client(args).gallery
    if args.space_path:
        result = gallery.add(space_path=args.source)
    else:
        result = gallery.add(path=args.source)
    print(result["id"])


def cmd_template_remove(args):
    _client(args).gallery.remove(args.template)


def add_parsers(sub, online) -> None:
    tpl = sub.add_parser("template", help="the template gallery").add_subparsers(
        dest="cmd", required=True
    )
    p = online(tpl.add_parser("list", help="search the gallery"))
    p.add_argument("query", nargs="?", help="words matched as prefixes of title/description/tags")
    p.add_argument("--type", choices=("notebook", "project", "model"))
    p.add_argument("--task")
    p.add_argument("--framework")
    p.add_argument("--fine-tunable", choices=("yes", "no"))
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--facets", action="store_true", help="also print the facet counts")
    p.set_defaults(fn=cmd_template_list)
    p = online(tpl.add_parser("show", help="a template's manifest and files"))
    p.add_argument("template")
    p.set_defaults(fn=cmd_template_show)
    p = online(tpl.add_parser("use", help="copy a template into a space; prints the main file"))
    p.add_argument("template")
    p.add_argument("space")
    p.add_argument("--param", "-p", action="append", metavar="NAME=VALUE")
    p.add_argument("--folder", help="folder in the space (default: the template id)")
    p.add_argument(
        "--exact", action="store_true", help="fail when the folder exists (default: rename)"
    )
    p.set_defaults(fn=cmd_template_use)
    p = online(tpl.add_parser("add", help="admins: add a template to the domain catalog"))
    p.add_argument("source", help="a local template folder, or with --space-path spaces/x/y")
    p.add_argument("--space-path", action="store_true", help="source is a folder of a space")
    p.set_defaults(fn=cmd_template_add)
    p = online(tpl.add_parser("remove", help="admins: remove a template from the catalog"))
    p.add_argument("template")
    p.set_defaults(fn=cmd_template_remove)
