"""``wecoza-sidecar``: serve, check-config, migrate, actions, explain-auth, dispatch, fix-class-trigger."""
from __future__ import annotations

import argparse
import json
import sys

from . import __version__
from .config import (POSTGRES_OPTIONS, SETTINGS, ConfigError, describe, load_config, missing_settings,
                     require_complete)

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
    """Exit 1 when a setting is missing or wrong (PostgreSQL unreachable included); warnings, such as the
    class-change trigger's size limit, are printed and listed under "warnings" but leave the exit status 0."""
    try:
        config = load_config()
    except ConfigError as exc:
        print(f"error: {exc}")
        return 1
    problems = list(missing_settings(config))
    warnings = []
    options_unread = "not read: the WordPress settings above are missing"
    if not problems:
        params = None
        try:
            params = config.postgres_params(config.wordpress())
            options_unread = None
        except ConfigError as exc:
            problems.append(str(exc))
            options_unread = None
        except Exception as exc:  # noqa: BLE001 - reported to the operator
            problems.append(f"cannot read the WordPress options wecoza_postgres_* ({type(exc).__name__}: {exc})")
            options_unread = "not read: WordPress's database did not answer"
        if params is not None:
            warnings = trigger_warnings(params, problems)
    rows = []
    for setting in SETTINGS:
        value = config.values[setting.key]
        shown = mask(value.value) if setting.secret and value.value else (
            value.value if value.value is not None else "")
        rows.append({"setting": describe(setting.key), "value": shown,
                     "source": source_label(setting.key, value.source, options_unread)})
    if args.json:
        print(json.dumps({"settings": rows, "problems": problems, "warnings": warnings,
                          "capabilities": config.capabilities}, indent=2))
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
        if warnings:
            print("\nWarnings:")
            for warning in warnings:
                print(f"  - {warning}")
    return 1 if problems else 0


def source_label(key: str, source: str, options_unread: str | None) -> str:
    """Where a value came from; an unset PostgreSQL setting says which WordPress option stands in for it."""
    section, name = key.split(".", 1)
    if source != "unset" or section != "postgres" or name not in POSTGRES_OPTIONS:
        return source
    option = f"WordPress option wecoza_postgres_{name}"
    if options_unread:
        return f"unset; from the {option}, {options_unread}"
    return f"unset, and the {option} is empty" + ("; 5432 is used" if name == "port" else "")


def trigger_warnings(params: dict, problems: list) -> list[str]:
    """The class-change trigger's limit as a warning; a PostgreSQL that cannot be reached goes to ``problems``."""
    from .classes import trigger
    from .db import Postgres
    postgres = Postgres(lambda: params, pool_max=1)
    try:
        with postgres.transaction() as cur:
            state = trigger.state(cur)
    except Exception as exc:  # noqa: BLE001 - reported to the operator
        problems.append(f"cannot connect to PostgreSQL ({type(exc).__name__}: {exc})")
        return []
    finally:
        postgres.close()
    if state is not trigger.TriggerState.LIMITED:
        return []
    return [f"{trigger.MEANING} Run `wecoza-sidecar fix-class-trigger` as the function's owner to apply the "
            f"shipped fix ({trigger.FIX_FILE.name})."]


def cmd_migrate(args) -> int:
    from .commands.connect import postgres_for
    from .db import DatabaseUnavailable
    from .migrate import migrate
    postgres = postgres_for(load_config())
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

    serve = sub.add_parser("serve", help="serve the actions (granian)")
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

    from .commands import explain_auth, fix_class_trigger
    explain_auth.register(sub, load_config)
    fix_class_trigger.register(sub, load_config)
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
