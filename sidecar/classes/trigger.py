"""Whether the production trigger function ``public.log_class_change()`` still has PostgreSQL's 8000-byte
NOTIFY limit, what that means for admins, and the shipped fix (``notify_trigger_fix.sql``).

The function's definition is read with ``pg_get_functiondef`` and judged by the fix's own marker, a comment line
inside the function body that every revision of the shipped fix keeps. Comparing the whole definition with the
shipped file would call a reformatted function, or a database fixed by an earlier revision of the file, unfixed;
looking for text such as ``8000`` or ``octet_length`` would be fooled by any function that happens to mention it.
A function that sends no notification at all has no limit either.
"""
from __future__ import annotations

import enum
import logging
import re
from pathlib import Path

FUNCTION = "public.log_class_change()"
FIX_FILE = Path(__file__).with_name("notify_trigger_fix.sql")
FIX_MARKER = "wecoza-sidecar notify_trigger_fix"
# The code /readyz lists under "warnings"; the shim turns it into its own words (no database detail goes out).
WARNING_CODE = "class_change_notify_limit"
# Measured through the shim on the production schema: on a class with no notes the 17th short note is refused;
# a new class with about 75 learners is refused.
MEANING = (f"{FUNCTION} still sends each class change as one NOTIFY, which PostgreSQL limits to 8000 bytes: "
           "a class accepts only about 16 short notes and about 75 learners, then saving it is refused.")

_NOTIFIES = re.compile(r"\b(pg_notify|notify)\b", re.IGNORECASE)

log = logging.getLogger("wecoza.sidecar")


class TriggerState(enum.Enum):
    LIMITED = "limited"      # notifies without the fix: big changes to a class are refused
    FIXED = "fixed"          # carries the shipped fix's marker
    NO_NOTIFY = "no_notify"  # sends no notification, so no limit
    ABSENT = "absent"        # no such function (another schema): nothing to fix


def read_definition(cur) -> str | None:
    """The function's ``CREATE OR REPLACE`` statement as PostgreSQL holds it, or None when it does not exist."""
    cur.execute("SELECT pg_get_functiondef(to_regprocedure(%s)) AS definition", (FUNCTION,))
    return cur.fetchone()["definition"]


def judge(definition: str | None) -> TriggerState:
    if definition is None:
        return TriggerState.ABSENT
    if FIX_MARKER in definition:
        return TriggerState.FIXED
    if not _NOTIFIES.search(definition):
        return TriggerState.NO_NOTIFY
    return TriggerState.LIMITED


def state(cur) -> TriggerState:
    return judge(read_definition(cur))


def owner(cur) -> str | None:
    """The function's owner, read from the catalog (which needs no USAGE on schema public)."""
    cur.execute("SELECT pg_get_userbyid(p.proowner) AS owner FROM pg_proc p"
                " JOIN pg_namespace n ON n.oid = p.pronamespace"
                " WHERE n.nspname = 'public' AND p.proname = 'log_class_change' AND p.pronargs = 0")
    row = cur.fetchone()
    return row["owner"] if row else None


def apply_fix(cur) -> None:
    """Replace the function with the shipped fix (inside the caller's transaction)."""
    cur.execute(FIX_FILE.read_text(encoding="utf-8"))


def readiness_warnings(postgres) -> list[str]:
    """``[WARNING_CODE]`` while the limit is in place; ``[]`` otherwise or when it cannot be read (logged)."""
    try:
        with postgres.transaction() as cur:
            limited = state(cur) is TriggerState.LIMITED
    except Exception as exc:  # noqa: BLE001 - a warning that cannot be computed must not make the sidecar unready
        log.warning("[WeCoza Core] readyz: cannot read %s: %s", FUNCTION, type(exc).__name__)
        return []
    return [WARNING_CODE] if limited else []
