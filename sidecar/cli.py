"""``wecoza-sidecar``: serve, check-config, migrate, actions, explain-auth, dispatch."""
from __future__ import annotations

import argparse
import json
import sys

from . import __version__
from .config import SETTINGS, ConfigError, describe, load_config, missing_settings, require_complete

EXIT_USAGE = 2


def cmd_serve(args) -> int:
    from .serving import serve
    config = load_config()
    if args.bind:
        config.values["sidecar.bind"].value = args.bind
        config.values["sidecar.bind"].source = "command line --bind"
        config.bind  # noqa: B018 - validates HOST:PORT
    require_complete(config)
    return serve(config, workers=args.workers, dispatch=args.dispatch)


def mask(value: str | None) -> str:
    if not value:
        return "(empty)"
    return "*" * 8 + f" ({len(value)} characters)"


def cmd_check_config(args) -> int:
    try:
        config = load_config()
    except ConfigError as exc:
        print(f"error: {exc}")
        return 1
    problems = list(missing_settings(config))
    wordpress = None
    if not problems:
        try:
            wordpress = config.wordpress()
            config.postgres_params(wordpress)
        except ConfigError as exc:
            problems.append(str(exc))
        except Exception as exc:  # noqa: BLE001 - reported to the operator
            problems.append(f"cannot read the WordPress options wecoza_postgres_* ({type(exc).__name__}: {exc})")
    rows = []
    for setting in SETTINGS:
        value = config.values[setting.key]
        shown = mask(value.value) if setting.secret and value.value else (value.value if value.value is not None else "")
        rows.append({"setting": describe(setting.key), "value": shown, "source": value.source})
    if args.json:
        print(json.dumps({"settings": rows, "problems": problems, "capabilities": config.capabilities}, indent=2))
    else:
        width = max(len(r["setting"]) for r in rows)
        for row in rows:
            print(f"{row['setting']:<{width}}  {row['value'] or '-'}  [{row['source']}]")
        for action, cap in sorted(config.capabilities.items()):
            print(f"capability override: {action} requires {cap}")
        print()
        if problems:
            print("Missing or wrong:")
            for problem in problems:
                print(f"  - {problem}")
        else:
            print("Configuration is complete.")
    return 1 if problems else 0


def cmd_migrate(args) -> int:
    from .db import DatabaseUnavailable, Postgres
    from .migrate import migrate
    config = load_config()
    wordpress = config.wordpress() if config.get("wordpress.config") or config.get("wordpress.db_name") else None
    postgres = Postgres(lambda: config.postgres_params(wordpress), pool_max=1)
    try:
        applied = migrate(postgres)
    except DatabaseUnavailable as exc:
        print(f"error: PostgreSQL is unavailable: {exc}", file=sys.stderr)
        return 1
    finally:
        postgres.close()
    print(f"applied migrations: {', '.join(map(str, applied))}" if applied else "schema wecoza_sidecar is up to date")
    return 0


def cmd_actions(args) -> int:
    from .actions import registry
    from .action_table import action_table_markdown, action_table_text
    if args.format == "json":
        print(json.dumps(registry.routes(__version__), indent=2))
    elif args.format == "markdown":
        print(action_table_markdown(registry))
    else:
        print(action_table_text(registry))
    return 0


def cmd_dispatch(args) -> int:
    from .dispatcher import run_forever
    config = load_config()
    require_complete(config)
    return run_forever(config, once=args.once)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wecoza-sidecar", description=__doc__)
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the actions (gunicorn)")
    serve.add_argument("--bind", help="HOST:PORT (default WECOZA_BIND or 127.0.0.1:8765)")
    serve.add_argument("--workers", type=int, help="worker processes (default from the CPU count)")
    serve.add_argument("--dispatch", action="store_true", help="also run the event dispatcher in this process")
    serve.set_defaults(func=cmd_serve)

    check = sub.add_parser("check-config", help="print the effective configuration and what is missing")
    check.add_argument("--json", action="store_true")
    check.set_defaults(func=cmd_check_config)

    mig = sub.add_parser("migrate", help="create or upgrade the wecoza_sidecar schema in PostgreSQL")
    mig.set_defaults(func=cmd_migrate)

    actions = sub.add_parser("actions", help="list the actions the sidecar serves")
    actions.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    actions.set_defaults(func=cmd_actions)

    dispatch = sub.add_parser("dispatch", help="deliver outbox events that were not acknowledged")
    dispatch.add_argument("--once", action="store_true", help="deliver what is due, then exit")
    dispatch.set_defaults(func=cmd_dispatch)

    try:
        from .commands import explain_auth
    except ImportError:
        explain_auth = None
    if explain_auth is not None:
        explain_auth.register(sub, load_config)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
