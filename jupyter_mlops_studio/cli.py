"""``jupyter studio``: the database and user profiles (offline), spaces (through the REST API).

Offline commands open the studio database directly, with the same configuration as the server
(``c.StudioApp.db_url`` / ``data_dir`` from the Jupyter config files, or ``--db-url`` /
``--data-dir``). Space commands talk to a running server (``--url`` / ``--token`` or
``STUDIO_URL`` / ``STUDIO_TOKEN``).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from .core.db import Database, SchemaMismatch, head_revision
from .core.errors import StudioError
from .core.permissions import PERSONAS


def _server_config():
    """The StudioApp section of the Jupyter server config files, as the server would load it."""
    from jupyter_core.application import JupyterApp

    class _ConfigReader(JupyterApp):
        name = "jupyter-studio"
        config_file_name = "jupyter_server_config"

    reader = _ConfigReader()
    reader.load_config_file(suppress_errors=True)
    return reader.config.get("StudioApp", {})


def _database(args) -> tuple[Database, str]:
    from .app import default_data_dir

    cfg = _server_config()
    data_dir = (
        args.data_dir
        or os.environ.get("STUDIO_DATA_DIR")
        or cfg.get("data_dir")
        or default_data_dir()
    )
    url = args.db_url or cfg.get("db_url") or f"sqlite:///{Path(data_dir) / 'studio.db'}"
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    return Database(url), data_dir


def _identity(args):
    from .core.users import IdentityService

    db, _ = _database(args)
    db.ensure_schema()
    identity = IdentityService(db)
    identity.ensure_domain()
    return identity


def _read_password(args) -> str | None:
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\n")
    if getattr(args, "password", False):
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Repeat: "):
            raise SystemExit("passwords differ")
        return first
    return None


# -- commands -------------------------------------------------------------------------------------
def cmd_db_upgrade(args):
    db, _ = _database(args)
    before = db.current_revision()
    db.upgrade("head")
    print(f"database {db.safe_url}: {before or 'empty'} -> {db.current_revision()}")


def cmd_db_current(args):
    db, _ = _database(args)
    current = db.current_revision()
    print(f"{current or 'empty'} (this version needs {head_revision()})")


def cmd_user_add(args):
    identity = _identity(args)
    user = identity.create_user(
        args.username, args.persona, args.display_name, _read_password(args)
    )
    print(json.dumps(user.to_json()))


def cmd_user_list(args):
    for user in _identity(args).list_users():
        print(f"{user.username}\t{','.join(user.personas)}\t{user.display_name}")


def cmd_user_remove(args):
    from .spaces.service import spaces_owned_by

    identity = _identity(args)
    identity.archive_user(args.username, spaces_owned_by(identity.db, args.username))
    print(f"archived {args.username}")


def cmd_user_password(args):
    identity = _identity(args)
    args.password = True  # prompt unless --password-stdin
    identity.update_user(args.username, {"password": _read_password(args)})
    print(f"password set for {args.username}")


def cmd_user_token(args):
    token, _ = _identity(args).create_token(args.username, args.description, args.expires_in_days)
    print(token)


def _client(args):
    from .client import StudioClient

    url = args.url or os.environ.get("STUDIO_URL")
    token = args.token or os.environ.get("STUDIO_TOKEN")
    if not url or not token:
        raise SystemExit("give --url and --token, or set STUDIO_URL and STUDIO_TOKEN")
    return StudioClient(url, token)


def cmd_space_create(args):
    space = _client(args).create_space(
        args.name, "shared" if args.shared else "private", args.description
    )
    print(json.dumps(space))


def cmd_space_list(args):
    for s in _client(args).list_spaces():
        print(f"{s['name']}\t{s['sharing']}\t{s['role'] or '-'}\t{s['owner']}\t{s['path']}")


def cmd_space_delete(args):
    if not args.yes:
        raise SystemExit(f"deleting archives the files of {args.name}; confirm with --yes")
    _client(args).delete_space(args.name)
    print(f"archived and removed {args.name}")


def cmd_space_members(args):
    client = _client(args)
    if args.set:
        username, _, role = args.set.partition("=")
        client.set_member(args.name, username, role or "viewer")
    for username in args.remove or []:
        client.remove_member(args.name, username)
    for m in client.list_members(args.name):
        print(f"{m['username']}\t{m['role']}\t{m['display_name']}")


def _pairs(values: list[str] | None, number: bool = False) -> dict:
    out = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"expected KEY=VALUE, got {item!r}")
        try:
            out[key] = float(value) if number else value
        except ValueError:
            raise SystemExit(f"metric {key} is not a number: {value!r}") from None
    return out


def cmd_registry_groups(args):
    for g in _client(args).registry.groups():
        print(f"{g['name']}\t{g['latest_version'] or '-'}\t{g['owner']}\t{g['description']}")


def cmd_registry_create_group(args):
    print(json.dumps(_client(args).registry.create_group(args.name, description=args.description)))


def cmd_registry_register(args):
    from .client import QualityGateFailed

    try:
        version = _client(args).registry.register(
            args.group,
            args.artifact,
            metrics=_pairs(args.metric, number=True),
            tags=_pairs(args.tag),
            framework=args.framework,
        )
    except QualityGateFailed as e:
        for failure in e.failures:
            print(f"gate: {failure['message']}", file=sys.stderr)
        raise
    print(json.dumps(version))


def cmd_registry_versions(args):
    for v in _client(args).registry.versions(args.group):
        metrics = " ".join(f"{k}={x:g}" for k, x in v["metrics"].items())
        print(f"{v['version']}\t{v['status']}\t{','.join(v['aliases']) or '-'}\t{metrics}")


def cmd_registry_status(args):
    registry = _client(args).registry
    print(json.dumps(registry.set_status(args.group, args.ref, args.status, args.comment)))


def cmd_registry_alias(args):
    print(json.dumps(_client(args).registry.set_alias(args.group, args.alias, args.version)))


def cmd_registry_search(args):
    for v in _client(args).registry.search(args.filter, args.order_by):
        print(f"{v['group']}\t{v['version']}\t{v['status']}\t{json.dumps(v['metrics'])}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jupyter studio", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="group", required=True)

    def offline(p):
        p.add_argument("--db-url", help="database URL (default: the server's configuration)")
        p.add_argument("--data-dir", help="studio data dir (default: the server's configuration)")
        return p

    def online(p):
        p.add_argument("--url", help="server URL, e.g. http://127.0.0.1:8888/ (or STUDIO_URL)")
        p.add_argument("--token", help="API token (or STUDIO_TOKEN)")
        return p

    db = sub.add_parser("db", help="the studio database").add_subparsers(dest="cmd", required=True)
    offline(db.add_parser("upgrade", help="migrate to this version")).set_defaults(
        fn=cmd_db_upgrade
    )
    offline(db.add_parser("current", help="show the revision")).set_defaults(fn=cmd_db_current)

    user = sub.add_parser("user", help="user profiles").add_subparsers(dest="cmd", required=True)
    p = offline(user.add_parser("add", help="add a user profile"))
    p.add_argument("username")
    p.add_argument("--persona", action="append", choices=PERSONAS, required=True)
    p.add_argument("--display-name")
    p.add_argument("--password", action="store_true", help="prompt for a password")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.set_defaults(fn=cmd_user_add)
    offline(user.add_parser("list", help="list user profiles")).set_defaults(fn=cmd_user_list)
    p = offline(user.add_parser("remove", help="archive a user profile"))
    p.add_argument("username")
    p.set_defaults(fn=cmd_user_remove)
    p = offline(user.add_parser("password", help="set a user's password"))
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(fn=cmd_user_password)
    p = offline(user.add_parser("token", help="create an API token (printed once)"))
    p.add_argument("username")
    p.add_argument("--description", default="cli")
    p.add_argument("--expires-in-days", type=int)
    p.set_defaults(fn=cmd_user_token)

    space = sub.add_parser("space", help="spaces").add_subparsers(dest="cmd", required=True)
    p = online(space.add_parser("create", help="create a space"))
    p.add_argument("name")
    p.add_argument("--shared", action="store_true", help="a shared space (default: private)")
    p.add_argument("--description", default="")
    p.set_defaults(fn=cmd_space_create)
    online(space.add_parser("list", help="list your spaces")).set_defaults(fn=cmd_space_list)
    p = online(space.add_parser("delete", help="archive and remove a space"))
    p.add_argument("name")
    p.add_argument("--yes", action="store_true")
    p.set_defaults(fn=cmd_space_delete)
    p = online(space.add_parser("members", help="list, set or remove members"))
    p.add_argument("name")
    p.add_argument("--set", metavar="USER=ROLE", help="add a member or change their role")
    p.add_argument("--remove", metavar="USER", action="append")
    p.set_defaults(fn=cmd_space_members)

    reg = sub.add_parser("registry", help="the model registry").add_subparsers(
        dest="cmd", required=True
    )
    online(reg.add_parser("groups", help="list model groups")).set_defaults(fn=cmd_registry_groups)
    p = online(reg.add_parser("create-group", help="create a model group"))
    p.add_argument("name")
    p.add_argument("--description", default="")
    p.set_defaults(fn=cmd_registry_create_group)
    p = online(reg.add_parser("register", help="register a version through the gate"))
    p.add_argument("group")
    p.add_argument("--artifact", help="a local file or folder to upload")
    p.add_argument("--metric", action="append", metavar="NAME=NUMBER")
    p.add_argument("--tag", action="append", metavar="KEY=VALUE")
    p.add_argument("--framework", default="")
    p.set_defaults(fn=cmd_registry_register)
    p = online(reg.add_parser("versions", help="list a group's versions"))
    p.add_argument("group")
    p.set_defaults(fn=cmd_registry_versions)
    for verb, status in (("approve", "Approved"), ("reject", "Rejected")):
        p = online(reg.add_parser(verb, help=f"mark a version {status}"))
        p.add_argument("group")
        p.add_argument("ref", help="version number or alias")
        p.add_argument("--comment", required=True)
        p.set_defaults(fn=cmd_registry_status, status=status)
    p = online(reg.add_parser("alias", help="point an alias at a version"))
    p.add_argument("group")
    p.add_argument("alias")
    p.add_argument("version", type=int)
    p.set_defaults(fn=cmd_registry_alias)
    p = online(reg.add_parser("search", help="search versions across groups"))
    p.add_argument("filter", nargs="?")
    p.add_argument("--order-by")
    p.set_defaults(fn=cmd_registry_search)

    snap = sub.add_parser("snapshot", help="notebook snapshots and share links").add_subparsers(
        dest="cmd", required=True
    )
    p = online(snap.add_parser("create", help="snapshot a notebook of one of your spaces"))
    p.add_argument("path", help="e.g. spaces/team/train.ipynb")
    p.add_argument("--title")
    p.add_argument("--description")
    p.add_argument("--include-outputs", action="store_true")
    p.set_defaults(fn=cmd_snapshot_create)
    p = online(snap.add_parser("list", help="your snapshots, or those shared with you"))
    p.add_argument("--shared", action="store_true")
    p.set_defaults(fn=cmd_snapshot_list)
    p = online(snap.add_parser("share", help="make a share link (prints the link once)"))
    p.add_argument("snapshot")
    p.add_argument("--user", action="append", help="share with these users (default: domain)")
    p.add_argument("--expires-in-days", type=int)
    p.add_argument("--label")
    p.set_defaults(fn=cmd_snapshot_share)
    p = online(snap.add_parser("revoke", help="revoke a share link"))
    p.add_argument("link")
    p.set_defaults(fn=cmd_snapshot_revoke)

    _add_image_parsers(sub, online)

    fs = sub.add_parser("featurestore", help="the feature store").add_subparsers(
        dest="cmd", required=True
    )
    online(fs.add_parser("groups", help="list feature groups")).set_defaults(fn=cmd_fs_groups)
    p = online(fs.add_parser("describe", help="a group's definition and stats"))
    p.add_argument("group")
    p.set_defaults(fn=cmd_fs_describe)
    p = online(
        fs.add_parser(
            "verify",
            help="compare the online store with the newest offline record of each id "
            "(exit status 1 when they differ)",
        )
    )
    p.add_argument("group")
    p.set_defaults(fn=cmd_fs_verify)
    p = online(fs.add_parser("query", help="run a SELECT over the offline store"))
    p.add_argument("sql")
    p.add_argument("--limit", type=int, default=1000)
    p.set_defaults(fn=cmd_fs_query)

    from .localrun.cli import add_parsers as add_local_parsers

    add_local_parsers(sub, online)

    from .gallery.cli import add_parsers as add_gallery_parsers

    add_gallery_parsers(sub, online)

    from .projects.cli import add_parsers as add_project_parsers

    add_project_parsers(sub, online)
    return parser


def cmd_fs_groups(args):
    for g in _client(args).featurestore.groups():
        stores = "+".join(s for s in ("online", "offline") if g[s])
        print(f"{g['name']}\t{g['record_identifier']}\t{len(g['features'])} features\t{stores}")


def cmd_fs_describe(args):
    print(json.dumps(_client(args).featurestore.group(args.group).describe(), indent=2))


def cmd_fs_verify(args):
    report = _client(args).featurestore.group(args.group).verify()
    print(json.dumps(report, indent=2))
    if not report["ok"]:
        raise SystemExit(1)


def cmd_fs_query(args):
    result = _client(args).featurestore.query(args.sql, args.limit)
    print("\t".join(c["name"] for c in result["columns"]))
    for row in result["rows"]:
        print("\t".join("" if x is None else str(x) for x in row))
    if result["truncated"]:
        print(f"(first {args.limit} rows)", file=sys.stderr)


def _given(**fields) -> dict:
    return {k: x for k, x in fields.items() if x is not None}


def cmd_snapshot_create(args):
    fields = _given(title=args.title, description=args.description)
    snap = _client(args).snapshots.create(args.path, include_outputs=args.include_outputs, **fields)
    print(json.dumps(snap))


def cmd_snapshot_list(args):
    for snap in _client(args).snapshots.list("shared" if args.shared else "mine"):
        print(f"{snap['id']}\tv{snap['version']}\t{snap['path']}\t{snap['title']}")


def cmd_snapshot_share(args):
    fields = _given(expires_in_days=args.expires_in_days, label=args.label)
    link = _client(args).snapshots.share(args.snapshot, args.user, **fields)
    print(link["url"])
    print(f"link {link['id']}, expires {link['expires_at'] or 'never'}", file=sys.stderr)


def cmd_snapshot_revoke(args):
    print(json.dumps(_client(args).snapshots.revoke(args.link)))


def _print_log_line(line: dict) -> None:
    if line["kind"] == "phase":
        print(f"[{line['text']}]", flush=True)
    elif line["kind"] == "status":
        print(f"status: {line['text']}", flush=True)
    else:
        print(line["text"], flush=True)


def _build_options(args) -> dict:
    options = _given(role=args.role, bucket=args.bucket, compute_type=args.compute_type)
    if args.vpc_id:
        options["vpc_id"] = args.vpc_id
    for name in ("subnet_ids", "security_group_ids"):
        value = getattr(args, name)
        if value:
            key = "subnets" if name == "subnet_ids" else name
            options[key] = [x.strip() for x in value.split(",") if x.strip()]
    return options


def cmd_image_build(args):
    """Like ``sm-docker build``: start the build, follow its log, print the image URI."""
    images = _client(args).images
    build = images.build(
        args.context,
        args.repository,
        tag=args.tag,
        dockerfile=args.file,
        build_args=_pairs(args.build_arg),
        backend=args.backend,
        options=_build_options(args) or None,
        rebuild=args.rebuild,
        layout=args.layout,
    )
    if build["cached_from"]:
        print(
            f"build {build['id']}: unchanged context and arguments, "
            f"the image of build {build['cached_from']}",
            file=sys.stderr,
        )
    else:
        print(f"build {build['id']} ({build['backend']}) {build['status']}", file=sys.stderr)
        if args.no_logs:
            build = images.wait(build["id"], timeout=args.timeout)
        else:
            for line in images.follow(build["id"]):
                if line["kind"] != "end":
                    _print_log_line(line)
            build = images.get(build["id"])
    if build["status"] != "Succeeded":
        reason = f": {build['failure_reason']}" if build["failure_reason"] else ""
        print(f"error: build {build['id']} {build['status']}{reason}", file=sys.stderr)
        raise SystemExit(1)
    print(build["image_uri"])


def cmd_image_list(args):
    for b in _client(args).images.builds(args.space):
        image = b["image_uri"] or "-"
        print(
            f"{b['id']}\t{b['status']}\t{b['space']}\t{b['repository']}:{b['tag']}\t"
            f"{b['backend']}\t{image}\t{b['created_at']}"
        )


def cmd_image_logs(args):
    images = _client(args).images
    if args.follow:
        for line in images.follow(args.build):
            if line["kind"] != "end":
                _print_log_line(line)
        return
    page = images.logs(args.build)
    while page["lines"]:
        for line in page["lines"]:
            _print_log_line(line)
        page = images.logs(args.build, page["next"])


def cmd_image_cancel(args):
    build = _client(args).images.cancel(args.build)
    print(f"cancel requested: build {build['id']} ({build['status']})")


def cmd_image_check(args):
    """Check a local Dockerfile (or, when no such local file exists, one of a space)."""
    images = _client(args).images
    path = Path(args.dockerfile)
    if path.is_file():
        result = images.check(content=path.read_text(errors="replace"), mode=args.mode)
    else:
        result = images.check(dockerfile=args.dockerfile, mode=args.mode)
    for f in result["findings"]:
        where = f"{args.dockerfile}:{f['line']}" if f["line"] else args.dockerfile
        print(f"{where}: {f['level']}: {f['message']} [{f['rule']}]")
    errors = sum(f["level"] == "error" for f in result["findings"])
    print(
        f"{args.dockerfile}: {result['mode']} layout {'ok' if result['ok'] else 'not ok'} "
        f"({errors} error(s), {len(result['findings']) - errors} other finding(s))",
        file=sys.stderr,
    )
    if not result["ok"]:
        raise SystemExit(1)


def _add_image_parsers(sub, online) -> None:
    img = sub.add_parser("image", help="container image builds").add_subparsers(
        dest="cmd", required=True
    )
    p = online(
        img.add_parser(
            "build",
            help="build an image from a folder of a space, follow its log, print the image URI",
        )
    )
    p.add_argument("context", help="the build context, a folder of a space: spaces/team/image")
    p.add_argument("--repository", required=True, help="ECR repository (or local image name)")
    p.add_argument("--tag", default="latest")
    p.add_argument("-f", "--file", help="the Dockerfile, relative to the context")
    p.add_argument("--build-arg", action="append", metavar="KEY=VALUE")
    p.add_argument("--backend", help="codebuild or docker (default: the server's first)")
    p.add_argument("--role", help="IAM service role ARN of the CodeBuild project")
    p.add_argument("--bucket", help="S3 bucket the context is uploaded to")
    p.add_argument("--compute-type", help="CodeBuild compute type, e.g. BUILD_GENERAL1_MEDIUM")
    p.add_argument("--vpc-id")
    p.add_argument("--subnet-ids", help="comma-separated, with --vpc-id")
    p.add_argument("--security-group-ids", help="comma-separated, with --vpc-id")
    p.add_argument(
        "--layout",
        choices=("training", "inference", "both"),
        help="check the SageMaker layout first (findings in the log)",
    )
    p.add_argument("--rebuild", action="store_true", help="build even if an identical one did")
    p.add_argument("--no-logs", action="store_true", help="wait without showing the log")
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds to wait (--no-logs)")
    p.set_defaults(fn=cmd_image_build)
    p = online(img.add_parser("list", help="builds of your spaces, newest first"))
    p.add_argument("--space")
    p.set_defaults(fn=cmd_image_list)
    p = online(img.add_parser("logs", help="a build's log"))
    p.add_argument("build")
    p.add_argument("--follow", action="store_true", help="follow the log until the build ends")
    p.set_defaults(fn=cmd_image_logs)
    p = online(img.add_parser("cancel", help="stop a queued or running build"))
    p.add_argument("build")
    p.set_defaults(fn=cmd_image_cancel)
    p = online(
        img.add_parser(
            "check",
            help="check a Dockerfile against SageMaker's container layout "
            "(exit status 1 on errors)",
        )
    )
    p.add_argument(
        "dockerfile", help="a local Dockerfile, or one of a space: spaces/team/Dockerfile"
    )
    p.add_argument("--mode", choices=("training", "inference", "both"), default="both")
    p.set_defaults(fn=cmd_image_check)


def main(argv: list[str] | None = None) -> int:
    from .client import StudioAPIError

    args = build_parser().parse_args(argv)
    try:
        args.fn(args)
    except SchemaMismatch as e:
        print(e.message, file=sys.stderr)
        return 1
    except (StudioError, StudioAPIError) as e:
        print(f"error: {getattr(e, 'message', e)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
