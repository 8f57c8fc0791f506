"""WordPress users' display names (note authors, QA report uploaders), read by ``wp_bridge`` in one query."""
from __future__ import annotations

import logging

log = logging.getLogger("wecoza.sidecar.classes")


def display_names(services, user_ids, current=None) -> dict[int, str]:
    """{user id: display_name} for the ids that exist; an unreadable WordPress gives {}. ``current``: the
    request's user, whose name came with the authentication and costs no query."""
    wanted = set(user_ids)
    names: dict[int, str] = {}
    if current is not None and current.id in wanted and current.display_name is not None:
        names[current.id] = current.display_name
        wanted.discard(current.id)
    if not wanted:
        return names
    try:
        names.update(services.wordpress.display_names(wanted))
    except Exception:  # noqa: BLE001 - a name is decoration; the action still answers
        log.warning("could not read WordPress display names", exc_info=True)
    return names
