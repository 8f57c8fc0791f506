"""``wecoza-sidecar fix-class-trigger``: show how the shipped fix changes ``public.log_class_change()``, then
apply it in one transaction once confirmed (``--yes`` skips the question).

The change is shown as PostgreSQL itself would hold it: the fix is applied in a transaction that is rolled back,
before the question, so no transaction stays open while the operator reads. Replacing the function needs its
owner's role (and CREATE on schema public); run the command with WECOZA_PG_USER / WECOZA_PG_PASSWORD set to it.

Exit status: 0 the function has the fix (now or already) or there is nothing to fix, 1 nothing was changed
(answered no, no privilege, changed meanwhile, PostgreSQL unavailable), 2 configuration error.
"""
from __future__ import annotations

import difflib
import sys

import psycopg2
import psycopg2.extras

from ..classes import trigger
from ..classes.trigger import TriggerState
from .connect import postgres_for

EXIT_FIXED, EXIT_UNCHANGED = 0, 1

NOTHING_TO_DO = {
    TriggerState.FIXED: f"{trigger.FUNCTION} already has the fix ({trigger.FIX_FILE.name}); nothing to do.",
    TriggerState.NO_NOTIFY: f"{trigger.FUNCTION} sends no notification, so it has no size limit; nothing to do.",
    TriggerState.ABSENT: f"{trigger.FUNCTION} does not exist in this database; nothing to do.",
}


def register(subparsers, load_config) -> None:
    parser = subparsers.add_parser(
        "fix-class-trigger", help="show and apply the fix for the 8000-byte limit of public.log_class_change()",
        description=__doc__, formatter_class=__import__("argparse").RawDescriptionHelpFormatter)
    parser.add_argument("--yes", action="store_true", help="apply without asking")
    parser.set_defaults(func=lambda args: run(args, load_config))


def run(args, load_config) -> int:
    from ..db import DatabaseUnavailable
    postgres = postgres_for(load_config())
    try:
        return fix(postgres, assume_yes=args.yes)
    except DatabaseUnavailable as exc:
        print(f"error: PostgreSQL is unavailable: {exc}. Nothing was changed.", file=sys.stderr)
        return EXIT_UNCHANGED
    finally:
        postgres.close()


def fix(postgres, assume_yes: bool) -> int:
    try:
        return _fix(postgres, assume_yes)
    except psycopg2.errors.InsufficientPrivilege as exc:
        _refuse(postgres, exc)
        return EXIT_UNCHANGED


def _fix(postgres, assume_yes: bool) -> int:
    with postgres.transaction() as cur:
        before = trigger.read_definition(cur)
    state = trigger.judge(before)
    if state is not TriggerState.LIMITED:
        print(NOTHING_TO_DO[state])
        return EXIT_FIXED
    print(f"{trigger.MEANING}\nThe shipped fix ({trigger.FIX_FILE.name}) changes it as follows.")
    after, where = _preview(postgres)
    print()
    sys.stdout.writelines(difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True),
        f"{trigger.FUNCTION} now", f"{trigger.FUNCTION} with {trigger.FIX_FILE.name}"))
    print()
    if not assume_yes and not _confirmed(f"Replace {trigger.FUNCTION} in {where}? [y/N] "):
        print("Nothing was changed.")
        return EXIT_UNCHANGED
    with postgres.transaction() as cur:
        if trigger.read_definition(cur) != before:
            print(f"{trigger.FUNCTION} changed while you were reading; nothing was changed. Run the command again.",
                  file=sys.stderr)
            return EXIT_UNCHANGED
        trigger.apply_fix(cur)
        if trigger.state(cur) is not TriggerState.FIXED:
            raise RuntimeError(f"{trigger.FIX_FILE.name} did not leave its marker in {trigger.FUNCTION}")
    print(f"Applied: {trigger.FUNCTION} now replaces a notification of 8000 bytes or more by a reference to its "
          "class_change_logs row; classes of any size and notes save.")
    return EXIT_FIXED


def _preview(postgres) -> tuple[str, str]:
    """The definition the fix would leave, and 'database D as role R', from a transaction that is rolled back."""
    with postgres.connection() as conn:
        try:
            with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
                cur.execute("SELECT format('database %s as role %s', current_database(), current_user) AS where_")
                where = cur.fetchone()["where_"]
                trigger.apply_fix(cur)
                return trigger.read_definition(cur), where
        finally:
            conn.rollback()


def _refuse(postgres, exc) -> None:
    with postgres.transaction() as cur:
        owner = trigger.owner(cur)
        cur.execute("SELECT current_user AS role")
        role = cur.fetchone()["role"]
    reason = (exc.pgerror or str(exc)).strip().splitlines()[0].removeprefix("ERROR:").strip()
    print(f"refused: the PostgreSQL role {role} may not replace {trigger.FUNCTION} (PostgreSQL: {reason}).\n"
          f"Run this command as its owner, {owner}, e.g. WECOZA_PG_USER={owner} WECOZA_PG_PASSWORD=... "
          "wecoza-sidecar fix-class-trigger. Nothing was changed.", file=sys.stderr)


def _confirmed(question: str) -> bool:
    try:
        answer = input(question)
    except EOFError:
        print()
        return False
    return answer.strip().lower() in ("y", "yes")
