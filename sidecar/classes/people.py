"""WordPress users' display names (note authors, QA report uploaders), read in one query."""
from __future__ import annotations

import logging

log = logging.getLogger("wecoza.sidecar.classes")


def display_names(services, user_ids) -> dict[int, str]:
    """{user id: display_name} for the ids that exist; an unreadable WordPress gives {}."""
    ids = sorted({int(i) for i in user_ids if isinstance(i, int) and not isinstance(i, bool) and i > 0})
    if not ids:
        return {}
    wp = services.wordpress
    lookup = getattr(wp, "display_names", None)
    try:
        if callable(lookup):
            return dict(lookup(ids))
        placeholders = ", ".join(["%s"] * len(ids))
        rows = wp.db.query(f"SELECT ID, display_name FROM {wp.tables.users} WHERE ID IN ({placeholders})", ids)
        encoding = getattr(wp.db, "encoding", "utf-8")
        return {int(user_id): (name.decode(encoding, "replace") if isinstance(name, bytes) else str(name or ""))
                for user_id, name in rows}
    except Exception:  # noqa: BLE001 - a name is decoration; the action still answers
        log.warning("could not read WordPress display names", exc_info=True)
        return {}
