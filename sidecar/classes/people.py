"""WordPress users' display names (note authors, QA report uploaders), read by ``wp_bridge`` in one query."""
from __future__ import annotations

import logging

log = logging.getLogger("wecoza.sidecar.classes")


def display_names(services, user_ids) -> dict[int, str]:
    """{user id: display_name} for the ids that exist; an unreadable WordPress gives {}."""
    try:
        return dict(services.wordpress.display_names(user_ids))
    except Exception:  # noqa: BLE001 - a name is decoration; the action still answers
        log.warning("could not read WordPress display names", exc_info=True)
        return {}
